"""A session as the rows it is stored as: the one place that knows the columns a
session and its exercises are inserted with, for the store (one session begun as it
is played, or a whole one recorded elsewhere) and for merging (`merging`)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING
from uuid import uuid4

from backpain_cli.history.database import utc_text
from backpain_cli.history.records import ExerciseRecord, SessionRecord, check_pain
from backpain_cli.routines.model import Frequency

if TYPE_CHECKING:
    from backpain_cli.history.store import SessionStart


def frequency_column(frequency: Frequency | None) -> str:
    return str(frequency) if frequency is not None else ""


NEXT_ID = (
    "(SELECT max(coalesce((SELECT max(id) FROM sessions), 0), "
    "coalesce((SELECT value FROM counters WHERE name = 'sessions'), 0)) + 1)"
)


# A session begun as it is played: what is known at its start; the end, the outcome and
# the closing pain rating come later, as updates.
INSERT_BEGUN = (
    "INSERT INTO sessions (id, uuid, routine, routine_hash, started_at, updated_at, "
    "exercises_planned, pain_before, frequency, speed, note, counts_as, routine_path, "
    f"plan_step) VALUES ({NEXT_ID}, {'?, ' * 12}?)"
)


def begun_row(start: SessionStart) -> tuple[object, ...]:
    """A session's columns at its start, in the order `INSERT_BEGUN` takes."""
    when = utc_text(start.started)
    return (
        str(uuid4()),
        start.routine,
        start.routine_hash,
        when,
        when,
        start.exercises_planned,
        start.pain_before,
        frequency_column(start.frequency),
        start.speed,
        start.note or None,
        start.counts_as,
        start.routine_path,
        start.plan_step,
    )


def insert_session(db: sqlite3.Connection, record: SessionRecord) -> int:
    """Insert a whole session with its exercises (inside a write transaction); its id."""
    check_pain(record.pain_before)
    check_pain(record.pain_after)
    return insert_rows(db, session_row(record), exercise_rows(record))


def exercise_rows(record: SessionRecord) -> list[tuple[object, ...]]:
    return [exercise_row(exercise) for exercise in record.exercises]


def insert_rows(
    db: sqlite3.Connection, session: Sequence[object], exercises: Iterable[Sequence[object]]
) -> int:
    """Insert a session and its exercises as rows (`session_row`, `exercise_row`)."""
    cursor = db.execute(INSERT_SESSION, session)
    session_id = cursor.lastrowid
    assert session_id is not None
    db.executemany(INSERT_EXERCISE, [(session_id, *row) for row in exercises])
    return session_id


def session_row(record: SessionRecord) -> tuple[object, ...]:
    """A session's columns in the order `insert_rows` takes: its uuid first."""
    return (
        record.uuid or str(uuid4()),
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


INSERT_INTO_SESSIONS = (
    "INSERT INTO sessions (id, uuid, routine, routine_hash, started_at, ended_at, "
    "updated_at, outcome, exercises_planned, pain_before, pain_after, frequency, speed, "
    "note, counts_as, away_seconds, origin, routine_path, plan_step)"
)
INSERT_SESSION = f"{INSERT_INTO_SESSIONS} VALUES ({NEXT_ID}, {'?, ' * 17}?)"
INSERT_EXERCISE = (
    "INSERT INTO session_exercises (session_id, position, exercise_id, name, status, "
    "started_at, ended_at, holds_done, holds_planned, reps_done, sides_done, rating, "
    "rating_kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def exercise_row(record: ExerciseRecord) -> tuple[object, ...]:
    """An exercise's columns after its session's id, as `INSERT_EXERCISE` takes them."""
    return (
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
