"""Schema v4: every session has a stable id that export, import and sync go by; an id
`forget` removed is never given again, and the forgotten session's UUID is remembered;
the path, plan step and per-exercise rating a session was recorded with read back."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from test_database import T0, UUID_TEXT, exercise, recording, start

from backpain_cli.history.records import SessionOutcome, SessionRecord


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.sqlite3"


def test_each_new_session_gets_its_own_uuid(db: Path) -> None:
    with recording(db) as history:
        first = history.begin_session(start())
        second = history.begin_session(start(when=T0 + timedelta(hours=1)))
        sessions = history.sessions()
    assert [s.id for s in sessions] == [first, second]
    assert all(UUID_TEXT.fullmatch(s.uuid) for s in sessions)
    assert sessions[0].uuid != sessions[1].uuid
    assert [(s.origin, s.routine_path, s.plan_step) for s in sessions] == [(None, None, None)] * 2


def test_a_forgotten_sessions_id_is_never_given_again(db: Path) -> None:
    with recording(db) as history:
        history.begin_session(start())
        last = history.begin_session(start(when=T0 + timedelta(hours=1)))
        forgotten_uuid = history.session(last)
        assert forgotten_uuid is not None
        assert history.forget(last)
        again = history.begin_session(start(when=T0 + timedelta(hours=2)))
    assert again == last + 1
    connection = sqlite3.connect(db)
    rows = connection.execute("SELECT uuid, forgotten_at FROM forgotten").fetchall()
    assert [row[0] for row in rows] == [forgotten_uuid.uuid]
    assert rows[0][1].endswith("+00:00")


def test_path_step_and_ratings_are_recorded_and_read_back(db: Path) -> None:
    rated = replace(exercise(0), rating=3, rating_kind="effort")
    with recording(db) as history:
        session = history.begin_session(
            start()._replace(routine_path="/home/me/neck.yaml", plan_step=2)
        )
        history.record_exercise(session, rated)
        [record] = history.sessions(with_exercises=True)
    assert (record.routine_path, record.plan_step) == ("/home/me/neck.yaml", 2)
    assert (record.exercises[0].rating, record.exercises[0].rating_kind) == (3, "effort")


def test_added_sessions_keep_their_uuid_and_origin(db: Path) -> None:
    imported = SessionRecord(
        id=0,
        routine="neck",
        routine_hash="h",
        started=T0,
        last_update=T0 + timedelta(minutes=5),
        outcome=SessionOutcome.COMPLETED,
        exercises_planned=1,
        ended=T0 + timedelta(minutes=5),
        uuid="0b6f6c1e-2f4a-4c43-9d0e-5a1b2c3d4e5f",
        origin="laptop",
        routine_path="/home/me/neck.yaml",
        plan_step=1,
    )
    with recording(db) as history:
        assert history.add_sessions([imported, replace(imported, uuid="")]) == 2
        first, second = history.sessions()
    assert (first.uuid, first.origin, first.routine_path, first.plan_step) == (
        "0b6f6c1e-2f4a-4c43-9d0e-5a1b2c3d4e5f",
        "laptop",
        "/home/me/neck.yaml",
        1,
    )
    assert UUID_TEXT.fullmatch(second.uuid)


def test_an_insert_without_a_uuid_gets_one_from_the_trigger(db: Path) -> None:
    recording(db).close()
    connection = sqlite3.connect(db)
    connection.execute(
        "INSERT INTO sessions (routine, routine_hash, started_at) VALUES ('a', 'h', 't')"
    )
    [(uuid,)] = connection.execute("SELECT uuid FROM sessions").fetchall()
    assert UUID_TEXT.fullmatch(uuid)


def test_odd_text_in_the_new_columns_is_shown_safely(db: Path) -> None:
    recording(db).close()
    connection = sqlite3.connect(db)
    connection.execute(
        "INSERT INTO sessions (routine, routine_hash, started_at, uuid, origin, routine_path) "
        "VALUES ('a', 'h', '2026-11-02T07:30:00.000+00:00', 'u\x1b', 'lap\x1btop', 'p\x1b')"
    )
    connection.commit()
    with recording(db) as history:
        [record] = history.sessions()
    assert "\x1b" not in record.uuid + str(record.origin) + str(record.routine_path)
