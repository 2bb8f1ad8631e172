"""The SQLite history store: schema versions and migrations, damaged and foreign files,
read-only and missing folders, concurrent writers, and reading back what was written."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from backpain_cli.errors import HistoryError
from backpain_cli.history import database as history_module
from backpain_cli.history.records import (
    ExerciseRecord,
    ExerciseStatus,
    ExerciseTally,
    SessionOutcome,
    tally,
)
from backpain_cli.history.store import (
    APPLICATION_ID,
    MIGRATIONS,
    OPEN_WAIT_MS,
    SCHEMA_VERSION,
    History,
    SessionStart,
    open_for_reading,
    open_for_recording,
    utc_text,
)

T0 = datetime(2026, 11, 2, 7, 30, tzinfo=timezone.utc)
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def migrate(connection: sqlite3.Connection, *, target: int = SCHEMA_VERSION) -> int:
    """A file of schema version `target` (as an older backpain left it), made with the
    store's own migration steps, in one transaction."""
    with history_module.transaction(connection, "BEGIN IMMEDIATE"):
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        history_module._apply_migrations(connection, version, target)
    return max(version, target)


def recording(path: Path) -> History:
    history, warning = open_for_recording(path)
    assert warning is None
    assert history is not None
    return history


def exercise(
    position: int,
    status: ExerciseStatus = ExerciseStatus.DONE,
    *,
    exercise_id: str = "",
    start: datetime = T0,
) -> ExerciseRecord:
    return ExerciseRecord(
        position=position,
        exercise_id=exercise_id or f"exercise-{position}",
        name=f"Exercise {position}",
        status=status,
        started=start + timedelta(minutes=2 * position),
        ended=start + timedelta(minutes=2 * position + 1, milliseconds=250),
        reps_done=3,
        holds_done=6,
        holds_planned=6,
        sides_done=("left", "right"),
    )


def start(routine: str = "upper-back", when: datetime = T0, pain: int | None = 4) -> SessionStart:
    return SessionStart(routine, "ab" * 32, when, 3, pain)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "data" / "history.sqlite3"


# -- writing and reading ----------------------------------------------------------


def test_a_session_written_exercise_by_exercise_reads_back(db: Path) -> None:
    with recording(db) as history:
        session = history.begin_session(start())
        history.record_exercise(session, exercise(0))
        history.record_exercise(session, exercise(1, ExerciseStatus.SKIPPED))
        history.record_exercise(session, exercise(2, ExerciseStatus.STOPPED_FOR_PAIN))
        history.end_session(
            session, ended=T0 + timedelta(minutes=7), outcome=SessionOutcome.COMPLETED
        )
        history.record_pain_after(session, 2, at=T0 + timedelta(minutes=8))
    history = open_for_reading(db)
    assert history is not None
    [record] = history.sessions(with_exercises=True)
    assert (record.routine, record.routine_hash) == ("upper-back", "ab" * 32)
    assert record.started == T0
    assert record.ended == T0 + timedelta(minutes=7)
    assert record.duration_seconds == 420
    assert record.completed
    assert (record.pain_before, record.pain_after, record.pain_change) == (4, 2, -2)
    assert record.exercises_planned == 3
    assert [e.status for e in record.exercises] == [
        ExerciseStatus.DONE,
        ExerciseStatus.SKIPPED,
        ExerciseStatus.STOPPED_FOR_PAIN,
    ]
    assert record.exercises[0] == exercise(0)
    history.close()


def test_an_interrupted_session_is_partial_and_lasts_until_its_last_record(db: Path) -> None:
    with recording(db) as history:
        session = history.begin_session(start(pain=None))
        history.record_exercise(session, exercise(0))
        [record] = history.sessions()
    assert record.outcome is SessionOutcome.PARTIAL
    assert record.ended is None
    assert record.last_update == exercise(0).ended
    assert record.duration_seconds == 60.25
    assert record.pain_change is None


def test_times_are_stored_as_utc_text(db: Path) -> None:
    berlin = T0.astimezone(timezone(timedelta(hours=1)))
    with recording(db) as history:
        history.begin_session(start(when=berlin))
    stored = sqlite3.connect(db).execute("SELECT started_at FROM sessions").fetchone()[0]
    assert stored == "2026-11-02T07:30:00.000+00:00"
    with pytest.raises(ValueError, match="timezone-aware"):
        utc_text(datetime(2026, 1, 1))


def test_pain_must_be_0_to_10(db: Path) -> None:
    with recording(db) as history:
        with pytest.raises(ValueError, match="0-10"):
            history.begin_session(start(pain=11))
        session = history.begin_session(start(pain=0))
        with pytest.raises(ValueError, match="0-10"):
            history.record_pain_after(session, -1, at=T0)
        history.record_pain_after(session, 10, at=T0)
        history.record_pain_after(session, None, at=T0)
        assert history.sessions()[0].pain_after is None


def test_filters_order_and_limit(db: Path) -> None:
    with recording(db) as history:
        for day in range(5):
            routine = "upper-back" if day % 2 == 0 else "upper-back-chair"
            history.begin_session(start(routine, T0 + timedelta(days=day)))
        all_ = history.sessions()
        assert [s.started.day for s in all_] == [2, 3, 4, 5, 6]  # oldest first
        assert [s.started.day for s in history.sessions(limit=2)] == [5, 6]  # most recent
        since = history.sessions(since=T0 + timedelta(days=2))
        assert [s.started.day for s in since] == [4, 5, 6]
        chair = history.sessions(routine="upper-back-chair")
        assert [s.started.day for s in chair] == [3, 5]
        assert history.sessions(routine="nothing") == []


def test_a_failed_write_rolls_back_and_names_the_file(db: Path) -> None:
    with recording(db) as history:
        with pytest.raises(HistoryError, match=str(db)):
            history.record_exercise(999, exercise(0))  # no such session
        assert history.sessions() == []
        count = sqlite3.connect(db).execute("SELECT count(*) FROM session_exercises")
        assert count.fetchone()[0] == 0
        history.begin_session(start())  # the connection still works


def test_exercises_that_hurt_the_last_time_they_were_played(db: Path) -> None:
    pain = ExerciseStatus.STOPPED_FOR_PAIN
    with recording(db) as history:
        assert history.hurt_last_time("upper-back") == []
        first = history.begin_session(start(when=T0))
        history.record_exercise(first, exercise(0, pain, exercise_id="rhomboid"))
        history.record_exercise(first, exercise(1, pain, exercise_id="squeeze"))
        history.record_exercise(first, exercise(2, pain, exercise_id="rotation"))
        second = history.begin_session(start(when=T0 + timedelta(hours=8)))
        later = T0 + timedelta(hours=8)
        history.record_exercise(second, exercise(0, exercise_id="rhomboid", start=later))
        history.record_exercise(
            second, exercise(1, ExerciseStatus.SKIPPED, exercise_id="squeeze", start=later)
        )
        other = history.begin_session(start("upper-back-chair", T0 + timedelta(hours=9)))
        history.record_exercise(other, exercise(0, pain, exercise_id="chair-only"))
        # rotation was not reached in the second session: it hurt the last time it was done.
        assert sorted(history.hurt_last_time("upper-back")) == ["rotation"]
        assert history.hurt_last_time("upper-back-chair") == ["chair-only"]


def test_many_sessions_read_with_their_exercises_in_chunks(db: Path) -> None:
    with recording(db) as history:
        for number in range(520):
            session = history.begin_session(start(when=T0 + timedelta(hours=number)))
            history.record_exercise(session, exercise(0, start=T0 + timedelta(hours=number)))
        records = history.sessions(with_exercises=True)
    assert len(records) == 520
    assert all(len(record.exercises) == 1 for record in records)


def test_tallies_count_what_the_exercise_records_hold(db: Path) -> None:
    done, skipped = ExerciseStatus.DONE, ExerciseStatus.SKIPPED
    hurt, stopped = ExerciseStatus.STOPPED_FOR_PAIN, ExerciseStatus.STOPPED
    with recording(db) as history:
        mixed = history.begin_session(start())
        for position, status in enumerate([hurt, hurt, skipped, hurt, done, stopped]):
            history.record_exercise(mixed, exercise(position, status, exercise_id=f"e{position}"))
        history.record_exercise(mixed, exercise(0, done, exercise_id="e0"))  # went back: done
        history.record_exercise(mixed, exercise(1, hurt, exercise_id="e1"))  # hurt again, later
        empty = history.begin_session(start(when=T0 + timedelta(hours=1)))
        for number in range(600):  # more than one chunk of ids
            other = history.begin_session(start(when=T0 + timedelta(days=1, minutes=number)))
            history.record_exercise(other, exercise(0, skipped if number % 2 else hurt))
        records = history.sessions(with_exercises=True)
        tallies = history.tallies([record.id for record in records])
    assert tallies[mixed] == ExerciseTally(done=2, skipped=1, stopped_for_pain=("e3", "e1"))
    assert empty not in tallies
    assert {tally(record.exercises) for record in records} == {
        ExerciseTally(2, 1, ("e3", "e1")),
        ExerciseTally(),
        ExerciseTally(0, 1, ()),
        ExerciseTally(0, 0, ("exercise-0",)),
    }
    for record in records:
        assert tallies.get(record.id, ExerciseTally()) == tally(record.exercises)


# -- the file itself --------------------------------------------------------------


def test_new_database_is_wal_marked_as_ours_and_current(db: Path) -> None:
    recording(db).close()
    connection = sqlite3.connect(db)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
    indexes = {
        row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='index'")
    }
    assert {"sessions_by_start", "sessions_by_routine", "exercises_by_session"} <= indexes


def test_a_missing_data_folder_is_created(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "history.sqlite3"
    recording(path).close()
    assert path.is_file()


def test_reading_a_missing_database_creates_nothing(db: Path) -> None:
    assert open_for_reading(db) is None
    assert not db.parent.exists()


def test_a_data_folder_that_cannot_be_made_turns_history_off(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    history, warning = open_for_recording(blocker / "backpain" / "history.sqlite3")
    assert history is None
    assert warning is not None
    assert warning.startswith(f"history is off: cannot create {blocker / 'backpain'} (")


@pytest.mark.skipif(sys.platform != "linux", reason="/proc is Linux")
def test_a_folder_nobody_may_write_turns_history_off() -> None:
    # /proc/self exists and cannot take new files, even for root.
    history, warning = open_for_recording(Path("/proc/self/history.sqlite3"))
    assert history is None
    assert warning == (
        "history is off: cannot write /proc/self/history.sqlite3 (unable to open database file)"
    )


def _read_only_connect(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every connection read-only, as on a read-only file system (works as root)."""
    real = history_module._connect

    def connect(
        path: Path, *, read_only: bool, immutable: bool = False, wait_ms: int
    ) -> sqlite3.Connection:
        return real(path, read_only=True, immutable=immutable, wait_ms=wait_ms)

    monkeypatch.setattr(history_module, "_connect", connect)


def test_a_read_only_database_turns_recording_off_but_still_reads(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with recording(db) as history:
        history.begin_session(start())
    _read_only_connect(monkeypatch)
    history, warning = open_for_recording(db)
    assert history is None
    assert warning == (f"history is off: cannot write {db} (attempt to write a readonly database)")
    reader = open_for_reading(db)
    assert reader is not None
    assert len(reader.sessions()) == 1


# Opens the history for recording in a process of its own and prints what came back.
# Started as root, it first becomes the user in argv[2:] (uid, gid): root may write any
# file, so only another user can meet a file it may not write. Everything is imported
# before, as that user may not be able to read the Python installation (/root/.pyenv).
OPEN_AS_USER = """
import json, os, sys
from pathlib import Path
from backpain_cli.history.store import open_for_recording
if len(sys.argv) > 2:
    uid, gid = map(int, sys.argv[2:])
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
history, warning = open_for_recording(Path(sys.argv[1]))
print(json.dumps({"recording": history is not None, "warning": warning, "uid": os.geteuid()}))
"""


def _nobody() -> tuple[int, int]:
    import pwd

    try:
        entry = pwd.getpwnam("nobody")
    except KeyError:  # pragma: no cover - every Linux and macOS has nobody
        return 65534, 65534
    return entry.pw_uid, entry.pw_gid


def test_a_read_only_file_for_real(tmp_path: Path) -> None:
    """A history file its owner may not write (chmod 444), in a folder the owner may
    write: recording is off, with a warning, and the file is left as it was."""
    as_root = os.geteuid() == 0
    folder = tmp_path / "data"
    user: list[str] = []
    if as_root:  # pytest's own temporary folders are root's alone (mode 700)
        folder = Path(tempfile.mkdtemp(prefix="backpain-read-only-"))
        uid, gid = _nobody()
        user = [str(uid), str(gid)]
    try:
        db = folder / "history.sqlite3"
        with recording(db) as history:
            history.begin_session(start())
        content = db.read_bytes()
        if as_root:
            os.chown(folder, uid, gid)
            os.chown(db, uid, gid)
        db.chmod(0o444)
        found = subprocess.run(
            [sys.executable, "-c", OPEN_AS_USER, str(db), *user],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(found.stdout)
        assert result["recording"] is False
        assert result["warning"] == (
            f"history is off: cannot write {db} (attempt to write a readonly database)"
        )
        assert result["uid"] != 0
        assert db.read_bytes() == content
    finally:
        if as_root:
            shutil.rmtree(folder)


def test_a_read_only_old_database_cannot_be_read_until_upgraded(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db.parent.mkdir()
    connection = sqlite3.connect(db, isolation_level=None)
    migrate(connection, target=1)
    connection.close()
    _read_only_connect(monkeypatch)
    with pytest.raises(HistoryError, match="needs upgrading to schema version 5"):
        open_for_reading(db)


def _unchanged(path: Path, content: bytes) -> None:
    assert path.read_bytes() == content
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


@pytest.mark.parametrize("opener", ["record", "read"])
def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(db: Path, opener: str) -> None:
    db.parent.mkdir()
    content = b"these are my notes, not a database\n" * 100
    db.write_bytes(content)
    with pytest.raises(HistoryError) as raised:
        open_for_recording(db) if opener == "record" else open_for_reading(db)
    assert str(raised.value) == (
        f"{db}: the history database is damaged (file is not a database). It was left "
        f"untouched: move it aside to start a new history (e.g. mv '{db}' '{db}.old'), "
        "or use --no-history."
    )
    _unchanged(db, content)


def test_a_damaged_database_is_refused_and_left_alone(db: Path) -> None:
    with recording(db) as history:
        for number in range(200):
            history.begin_session(start(when=T0 + timedelta(hours=number)))
    content = bytearray(db.read_bytes())
    content[4096:12288] = b"\xff" * 8192  # trash some pages after the header
    db.write_bytes(bytes(content))
    with pytest.raises(HistoryError, match="the history database is damaged") as raised:
        reader = open_for_reading(db)
        assert reader is not None
        reader.sessions()
    assert str(db) in str(raised.value)
    assert db.read_bytes() == bytes(content)


def test_another_programs_sqlite_file_is_refused_and_left_alone(db: Path) -> None:
    db.parent.mkdir()
    connection = sqlite3.connect(db)
    connection.execute("CREATE TABLE contacts (name TEXT)")
    connection.commit()
    connection.close()
    content = db.read_bytes()
    with pytest.raises(HistoryError) as raised:
        open_for_recording(db)
    assert str(raised.value) == (
        f"{db}: this SQLite file is not a backpain history database (it belongs to "
        f"another program). It was left untouched: move it aside to start a new history "
        f"(e.g. mv '{db}' '{db}.old'), or use --no-history."
    )
    _unchanged(db, content)


def test_a_file_from_a_newer_backpain_is_refused(db: Path) -> None:
    recording(db).close()
    connection = sqlite3.connect(db)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.close()
    with pytest.raises(HistoryError, match="written by a newer backpain"):
        open_for_recording(db)


def test_a_folder_in_place_of_the_file_is_refused(db: Path) -> None:
    db.mkdir(parents=True)
    with pytest.raises(HistoryError, match="but it is a folder, not a file"):
        open_for_recording(db)


def test_an_empty_file_becomes_a_new_history(db: Path) -> None:
    db.parent.mkdir()
    db.write_bytes(b"")
    recording(db).close()
    assert sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


# -- migrations -------------------------------------------------------------------


def _database_at(path: Path, version: int) -> None:
    """A database as an older backpain left it, with one session in it."""
    path.parent.mkdir(exist_ok=True)
    connection = sqlite3.connect(path, isolation_level=None)
    migrate(connection, target=version)
    if version >= 1:
        connection.execute(
            "INSERT INTO sessions (routine, routine_hash, started_at, ended_at, outcome, "
            "pain_before) VALUES ('upper-back', 'h', '2025-01-01T08:00:00.000+00:00', NULL, "
            "'partial', 5)"
        )
        connection.execute(
            "INSERT INTO session_exercises (session_id, position, exercise_id, name, "
            "status, started_at, ended_at, holds_done, sides_done) VALUES (1, 0, 'squeeze', "
            "'Squeeze', 'stopped-for-pain', '2025-01-01T08:00:10.000+00:00', "
            "'2025-01-01T08:01:40.000+00:00', 4, '')"
        )
    if version >= 2:  # what the v1 -> v2 step would have filled in
        connection.execute(
            "UPDATE sessions SET updated_at = '2025-01-01T08:01:40.000+00:00', "
            "frequency = '2 per day', exercises_planned = 5"
        )
        connection.execute("UPDATE session_exercises SET reps_done = 4, holds_planned = 6")
    connection.close()


@pytest.mark.parametrize("version", range(SCHEMA_VERSION))
def test_migrates_forward_from_every_earlier_version(db: Path, version: int) -> None:
    _database_at(db, version)
    with recording(db) as history:
        records = history.sessions(with_exercises=True)
        if version >= 1:
            [old] = records
            assert old.started == datetime(2025, 1, 1, 8, tzinfo=timezone.utc)
            # v2 backfills the last update from the exercises: the partial session
            # lasted until its last recorded exercise.
            assert old.duration_seconds == 100
            assert old.pain_before == 5
            assert old.exercises[0].reps_done == 4
            assert history.hurt_last_time("upper-back") == ["squeeze"]
            # v3: the speed and plan of old sessions are not known; nothing was away.
            assert (old.speed, old.counts_as, old.note, old.away_seconds) == (None, None, "", 0)
            assert not old.sped_up
            assert history.plans() == {}  # not known: the routine file decides
        else:
            assert records == []
        session = history.begin_session(start())
        history.record_exercise(session, exercise(0))
    connection = sqlite3.connect(db)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_todays_schema_with_data_migrates_and_loses_nothing(db: Path) -> None:
    """A v2 history with sessions of every kind: after the v3 step every old column of
    every row is as it was, the new columns say "not known", and the sessions count
    and read as they did."""
    db.parent.mkdir()
    connection = sqlite3.connect(db, isolation_level=None)
    migrate(connection, target=2)
    rows = [
        ("upper-back", "2025-03-01T07:30:00.000+00:00", "2025-03-01T07:43:00.000+00:00",
         "completed", 4, 2, "2 per day"),
        ("upper-back-chair", "2025-03-01T12:00:00.000+00:00", None, "partial", 5, None,
         "2 per day"),
        ("upper-back-gentle", "2025-03-02T19:00:00.000+00:00",
         "2025-03-02T19:08:00.000+00:00", "completed", None, None, "1 per day"),
        ("mine", "2025-03-03T08:00:00.000+00:00", "2025-03-03T08:05:00.000+00:00",
         "completed", 3, 3, ""),
    ]  # fmt: skip
    for number, (routine, started, ended, outcome, before, after, frequency) in enumerate(rows, 1):
        connection.execute(
            "INSERT INTO sessions (routine, routine_hash, started_at, ended_at, updated_at, "
            "outcome, pain_before, pain_after, frequency, exercises_planned) "
            "VALUES (?, 'h', ?, ?, ?, ?, ?, ?, ?, 5)",
            (routine, started, ended, ended or "2025-03-01T12:04:00.000+00:00", outcome,
             before, after, frequency),
        )  # fmt: skip
        connection.execute(
            "INSERT INTO session_exercises (session_id, position, exercise_id, name, status, "
            "started_at, ended_at, holds_done, holds_planned, reps_done, sides_done) "
            "VALUES (?, 0, 'squeeze', 'Squeeze', 'done', ?, ?, 10, 10, 10, 'left,right')",
            (number, started, ended or "2025-03-01T12:04:00.000+00:00"),
        )
    before_sessions = connection.execute("SELECT * FROM sessions ORDER BY id").fetchall()
    before_exercises = connection.execute("SELECT * FROM session_exercises ORDER BY id").fetchall()
    connection.close()
    recording(db).close()  # the v3 step
    migrated = sqlite3.connect(db)
    assert migrated.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 5
    old_width = len(before_sessions[0])
    after_sessions = migrated.execute("SELECT * FROM sessions ORDER BY id").fetchall()
    assert [row[:old_width] for row in after_sessions] == before_sessions
    added = [row[old_width:] for row in after_sessions]
    assert [row[:4] + row[5:] for row in added] == [(None, None, None, 0.0, None, None, None)] * 4
    assert all(UUID_TEXT.fullmatch(row[4]) for row in added)  # v4 back-fills a stable id
    assert len({row[4] for row in added}) == 4
    exercises = migrated.execute("SELECT * FROM session_exercises ORDER BY id").fetchall()
    assert [row[:-2] for row in exercises] == before_exercises
    assert {row[-2:] for row in exercises} == {(None, None)}  # v4: not rated
    migrated.close()
    reader = open_for_reading(db)
    assert reader is not None
    with reader:
        sessions = reader.sessions(with_exercises=True)
        assert [(s.routine, s.outcome, s.pain_before, s.pain_after) for s in sessions] == [
            ("upper-back", SessionOutcome.COMPLETED, 4, 2),
            ("upper-back-chair", SessionOutcome.PARTIAL, 5, None),
            ("upper-back-gentle", SessionOutcome.COMPLETED, None, None),
            ("mine", SessionOutcome.COMPLETED, 3, 3),
        ]
        assert [s.duration_seconds for s in sessions] == [780, 240, 480, 300]
        assert [str(s.frequency) for s in sessions] == ["2 per day", "2 per day", "1 per day",
                                                       "None"]  # fmt: skip
        assert not any(s.sped_up for s in sessions)
        assert reader.plans() == {}  # plans of old sessions come from the routine files
        assert reader.first_starts()["upper-back-chair"] == datetime(
            2025, 3, 1, 12, tzinfo=timezone.utc
        )
        assert reader.tallies([1, 2, 3, 4])[2] == ExerciseTally(1, 0, ())


def test_every_migration_step_is_applied_once(db: Path) -> None:
    db.parent.mkdir()
    connection = sqlite3.connect(db, isolation_level=None)
    assert migrate(connection) == SCHEMA_VERSION
    assert migrate(connection) == SCHEMA_VERSION  # a second process found it done
    assert len(MIGRATIONS) == SCHEMA_VERSION


def test_a_failing_migration_changes_nothing(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _database_at(db, 1)
    before = db.read_bytes()
    monkeypatch.setattr(
        history_module, "MIGRATIONS", (MIGRATIONS[0], (*MIGRATIONS[1], "NOT SQL AT ALL"))
    )
    with pytest.raises(HistoryError, match="cannot use the history database"):
        open_for_recording(db)
    connection = sqlite3.connect(db)
    assert connection.execute("PRAGMA user_version").fetchone()[0] == 1
    columns = [row[1] for row in connection.execute("PRAGMA table_info(sessions)")]
    assert "updated_at" not in columns
    assert len(before) > 0


# -- two writers ------------------------------------------------------------------


def test_two_open_histories_interleave_their_writes(db: Path) -> None:
    first, second = recording(db), recording(db)
    a = first.begin_session(start("upper-back"))
    b = second.begin_session(start("upper-back-chair"))
    for position in range(3):
        first.record_exercise(a, exercise(position))
        second.record_exercise(b, exercise(position))
    first.end_session(a, ended=T0 + timedelta(minutes=9), outcome=SessionOutcome.COMPLETED)
    second.end_session(b, ended=T0 + timedelta(minutes=9), outcome=SessionOutcome.PARTIAL)
    records = first.sessions(with_exercises=True)
    assert [(r.routine, r.outcome, len(r.exercises)) for r in records] == [
        ("upper-back", SessionOutcome.COMPLETED, 3),
        ("upper-back-chair", SessionOutcome.PARTIAL, 3),
    ]
    first.close()
    second.close()


def test_the_switch_to_wal_waits_for_another_process_creating_the_file(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another process has the new file locked for writing (not yet in WAL mode). SQLite
    # refuses the switch to WAL at once, without the busy timeout: we wait and retry.
    db.parent.mkdir()
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    pauses: list[float] = []
    sleep = history_module._pause

    def pause(seconds: float) -> None:
        pauses.append(seconds)
        sleep(seconds)  # really waits: the other process has that long to finish
        if len(pauses) == 3:
            other.execute("COMMIT")  # the other process is done

    monkeypatch.setattr(history_module, "_pause", pause)
    with recording(db) as history:
        history.begin_session(start())
    assert pauses == [history_module.WAL_RETRY_MS / 1000] * 3
    other.close()
    assert len(recording(db).sessions()) == 1


def test_the_wait_for_wal_ends_with_the_players_wait(
    db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db.parent.mkdir()
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # and never lets go
    pauses: list[float] = []
    monkeypatch.setattr(history_module, "_pause", pauses.append)
    assert open_for_recording(db) == (
        None,
        f"history is off: {db}: the history is locked by another process; "
        "try again when it is done",
    )
    assert len(pauses) == OPEN_WAIT_MS / history_module.WAL_RETRY_MS
    other.close()


@pytest.mark.parametrize("openers", [("record",) * 3, ("record", "read", "read")])
def test_processes_opening_a_new_history_at_the_same_moment_all_succeed(
    tmp_path: Path, openers: tuple[str, ...]
) -> None:
    # Two players started together, or `backpain history` while a player starts. Each
    # round races connections (SQLite locks them as it locks processes) on a new file.
    # Before the fix, several rounds in 60 failed: "database is locked" (the switch to
    # WAL) or "another program's file" (the schema appeared between two reads).
    failures: list[str] = []

    def open_at_once(path: Path, opener: str, barrier: threading.Barrier) -> None:
        barrier.wait()
        try:
            if opener == "read":
                reader = open_for_reading(path)
                if reader is not None:
                    with reader:
                        reader.sessions(with_exercises=True)
                return
            with recording(path) as history:
                history.begin_session(start())
        except Exception as error:  # pragma: no cover - only when the bug is back
            failures.append(f"{opener}: {error}")

    for round_number in range(60):
        path = tmp_path / f"round-{round_number}" / "history.sqlite3"
        path.parent.mkdir()
        if "read" in openers:
            path.touch()  # a player has just created it (readers never create the file)
        barrier = threading.Barrier(len(openers))
        threads = [
            threading.Thread(target=open_at_once, args=(path, opener, barrier))
            for opener in openers
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []
        reader = open_for_reading(path)
        assert reader is not None
        with reader:
            assert reader.count() == openers.count("record")


WRITER = """
import sys
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path
from backpain_cli.history.store import SessionStart, open_for_recording
from backpain_cli.history.records import ExerciseRecord, ExerciseStatus, SessionOutcome
history, warning = open_for_recording(Path(sys.argv[1]))
now = datetime.now(timezone.utc)
for n in range(40):
    s = history.begin_session(SessionStart(sys.argv[2], "h", now, 5))
    for p in range(5):
        history.record_exercise(s, ExerciseRecord(p, f"e{p}", "E", ExerciseStatus.DONE, now, now))
    history.end_session(s, ended=now, outcome=SessionOutcome.COMPLETED)
"""


def test_two_processes_writing_at_once_both_record_everything(db: Path) -> None:
    recording(db).close()
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(db), name])
        for name in ("first", "second")
    ]
    assert [writer.wait(timeout=60) for writer in writers] == [0, 0]
    reader = open_for_reading(db)
    assert reader is not None
    records = reader.sessions(with_exercises=True)
    assert sum(r.routine == "first" for r in records) == 40
    assert sum(r.routine == "second" for r in records) == 40
    assert all(r.completed and len(r.exercises) == 5 for r in records)
