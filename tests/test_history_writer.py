"""The player's writer thread and the lock rules, in this process: another connection
holds the history's lock (SQLite locks per connection, so it is as good as another
process for what is written and waited for; tests/test_history_lock.py uses a real
one)."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from test_database import _database_at, exercise, start
from test_history_lock import Holder

from backpain_cli.errors import HistoryError, HistoryLocked
from backpain_cli.history import database, store, writer
from backpain_cli.history.records import SessionOutcome
from backpain_cli.history.session import Session, open_session
from backpain_cli.history.store import History, open_for_reading, open_for_recording
from backpain_cli.history.writer import LOCKED, QueuedHistory
from backpain_cli.routines.model import Exercise, Routine

T0 = datetime(2026, 12, 1, 8, tzinfo=timezone.utc)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "history.sqlite3"


@pytest.fixture
def history(db: Path) -> Iterator[History]:
    opened, warning = open_for_recording(db)
    assert opened is not None and warning is None
    yield opened
    opened.close()


def lock(db: Path) -> sqlite3.Connection:
    other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """Short waits, for a lock held throughout."""
    monkeypatch.setattr(writer, "FINISH_SECONDS", 0.3)
    monkeypatch.setattr(writer, "RETRY_SECONDS", 0.05)


@pytest.fixture
def patient(monkeypatch: pytest.MonkeyPatch) -> None:
    """A lock let go soon: the end waits long enough for it on a loaded machine (it
    returns as soon as all is written)."""
    monkeypatch.setattr(writer, "FINISH_SECONDS", 10)
    monkeypatch.setattr(writer, "RETRY_SECONDS", 0.05)


@pytest.mark.usefixtures("quick")
def test_locked_writes_return_at_once_and_are_said_not_recorded(db: Path, history: History) -> None:
    other = lock(db)
    warned: list[str] = []
    queued = QueuedHistory(history, warn=warned.append)
    queued.start()
    took = []
    started = time.monotonic()
    session = queued.begin_session(start())
    took.append(time.monotonic() - started)
    for write in (
        lambda: queued.record_exercise(session, exercise(0)),
        lambda: queued.end_session(session, ended=T0, outcome=SessionOutcome.COMPLETED),
    ):
        started = time.monotonic()
        write()
        took.append(time.monotonic() - started)
    assert max(took) < 0.1, took  # each waits SETTLE_SECONDS at most: keys keep their time
    assert session < 0  # a stand-in: the row is not written yet
    assert queued.finish() == ("not recorded: history locked by another process (3 writes left)")
    assert warned == [LOCKED]
    other.rollback()
    other.close()
    assert history.sessions() == []


@pytest.mark.usefixtures("patient")
def test_what_waited_is_written_in_order_once_the_lock_is_let_go(
    db: Path, history: History
) -> None:
    before = history.begin_session(start())  # a session of earlier: a real id
    other = lock(db)
    warned: list[str] = []
    queued = QueuedHistory(history, warn=warned.append)
    queued.start()
    session = queued.begin_session(start())
    queued.record_exercise(session, exercise(0))
    queued.record_pain_after(session, 3, at=T0)
    queued.record_note(session, "fine", at=T0)
    queued.end_session(session, ended=T0, outcome=SessionOutcome.COMPLETED)
    queued.resume_session(before, at=T0, speed=1.0)
    threading.Timer(0.1, other.rollback).start()
    assert queued.finish() is None
    assert warned == [LOCKED] and queued.locked
    other.close()
    [_, written] = history.sessions(with_exercises=True)
    assert (written.pain_after, written.note, written.outcome) == (
        3,
        "fine",
        SessionOutcome.COMPLETED,
    )
    assert [e.position for e in written.exercises] == [0]


def test_a_failed_write_stops_recording_once(
    history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*_: object, **__: object) -> int:
        raise HistoryError("disk full")

    monkeypatch.setattr(history, "begin_session", full)
    warned: list[str] = []
    queued = QueuedHistory(history, warn=warned.append)
    queued.start()
    session = queued.begin_session(start())
    queued.record_exercise(session, exercise(0))  # not queued: recording has stopped
    assert queued.finish() is None
    assert warned == ["history: recording stopped: disk full"] and queued.failed


def tracking(db: Path, reported: list[str]) -> Session:
    squeeze = Exercise(id="squeeze", name="Squeeze", instructions=("Squeeze.",), hold=5)
    routine = Routine(name="r", title="R", exercises=(squeeze,))
    session = open_session(routine, history_file=db, report=reported.append)
    session.record(wall_clock=lambda: T0, pain_before=None)
    return session


@pytest.mark.usefixtures("quick")
def test_closing_a_session_says_what_was_not_written(db: Path, history: History) -> None:
    reported: list[str] = []
    tracked = tracking(db, reported)
    other = lock(db)
    assert tracked.writer is not None
    tracked.writer.begin_session(start())
    tracked.close()  # as after a signal: what can be kept is kept, the rest is said
    assert reported == [
        LOCKED,
        "not recorded: history locked by another process (1 write left)",
    ]
    other.close()


@pytest.mark.usefixtures("patient")
def test_the_end_says_when_the_session_was_written_after_all(db: Path, history: History) -> None:
    reported: list[str] = []
    tracked = tracking(db, reported)
    other = lock(db)
    assert tracked.writer is not None
    tracked.writer.begin_session(start())
    threading.Timer(0.1, other.rollback).start()
    tracked.close()
    assert reported == [LOCKED, "history: written once the other process let go"]
    other.close()
    assert len(history.sessions()) == 1


# -- opening while another holds the lock ------------------------------------------------


def test_a_current_history_opens_for_recording_while_another_writes(
    db: Path, history: History
) -> None:
    other = lock(db)
    started = time.monotonic()
    opened, warning = open_for_recording(db)
    assert opened is not None and warning is None
    # Its one try, not the ten-second wait for a lock (room left for a busy machine).
    assert time.monotonic() - started < database.PROVE_WAIT_MS / 1000 + 3
    opened.close()
    other.close()


def test_an_upgrade_is_not_waited_for(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _database_at(db, database.SCHEMA_VERSION - 1)
    sqlite3.connect(db).execute("PRAGMA journal_mode = WAL").close()  # as backpain left it
    other = lock(db)
    opened, warning = open_for_recording(db)
    assert opened is None
    assert warning == (
        f"history is off: {db}: the history is locked by another process; try again when it is done"
    )
    monkeypatch.setattr(store, "READ_WAIT_MS", 100)
    with pytest.raises(HistoryLocked):
        open_for_reading(db)
    other.close()


def test_the_process_that_holds_the_file_is_named(db: Path, history: History) -> None:
    holder = Holder(db, "immediate")
    try:
        named = database.lock_holders(db)
    finally:
        holder.let_go()
    assert named.startswith(f" (process {holder.process.pid}: ")
    assert database.lock_holders(db) == ""  # this process is not named


def test_what_cannot_be_looked_at_is_left_out() -> None:
    assert database._listdir("/no/such/folder") == []
    assert database._readlink("/no/such/link") == ""
    assert database._command(2**22 + 1) == "?"
