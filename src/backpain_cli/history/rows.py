"""A session and its exercises as the columns they are written in: what `store` records
and `merging` imports share."""

from __future__ import annotations

import sqlite3
from uuid import uuid4

from backpain_cli.history.database import utc_text
from backpain_cli.history.records import ExerciseRecord, SessionRecord, check_pain
from backpain_cli.routines.model import Frequency

# A new session's id: never one that `forget` removed (the v4 trigger keeps the highest).
NEXT_ID = (
    "(SELECT max(coalesce((SELECT max(id) FROM sessions), 0), "
    "coalesce((SELECT value FROM counters WHERE name = 'sessions'), 0)) + 1)"
)


def frequency_column(frequency: Frequency | None) -> str:
    return str(frequency) if frequency is not None else ""


def insert_session(db: sqlite3.Connection, record: SessionRecord) -> int:
    """Insert a whole session with its exercises (inside a write transaction); its id."""
    check_pain(record.pain_before)
    check_pain(record.pain_after)
    cursor = db.execute(
        "INSERT INTO sessions (id, uuid, routine, routine_hash, started_at, "
        "ended_at, updated_at, outcome, exercises_planned, pain_before, "
        "pain_after, frequency, speed, note, counts_as, away_seconds, origin, "
        f"routine_path, plan_step) VALUES ({NEXT_ID}, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (record.uuid or str(uuid4()), *session_values(record)),
    )
    session_id = cursor.lastrowid
    assert session_id is not None
    insert_exercises(db, session_id, record)
    return session_id


def session_values(record: SessionRecord) -> tuple[object, ...]:
    """The columns of a session after its uuid, in the order `insert_session` gives."""
    return (
        record.routine,
        record.routine_hash,
        utc_text(record.started),
        utc_text(record.ended) if record.ended else None,
        utc_text(record.last_update),
        record.outcome.value,
        record.exercises_planned,
        record.pain_before,
        record.pain_after,
        frequency_column(record.frequency),
        record.speed,
        record.note or None,
        record.counts_as,
        record.away_seconds,
        record.origin,
        record.routine_path,
        record.plan_step,
    )


def insert_exercises(db: sqlite3.Connection, session_id: int, record: SessionRecord) -> None:
    db.executemany(
        INSERT_EXERCISE, [exercise_row(session_id, exercise) for exercise in record.exercises]
    )


INSERT_EXERCISE = (
    "INSERT INTO session_exercises (session_id, position, exercise_id, name, status, "
    "started_at, ended_at, holds_done, holds_planned, reps_done, sides_done, rating, "
    "rating_kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def exercise_row(session_id: int, record: ExerciseRecord) -> tuple[object, ...]:
    return (
        session_id,
        record.position,
        record.exercise_id,
        record.name,
        record.status.value,
        utc_text(record.started),
        utc_text(record.ended),
        record.holds_done,
        record.holds_planned,
        record.reps_done,
        ",".join(record.sides_done),
        record.rating,
        record.rating_kind,
    )
