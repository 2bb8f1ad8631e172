"""The history store: every session and what happened to each exercise, in SQLite.

Reliability rules, each with a test:

- The schema is versioned with `PRAGMA user_version` and migrated forward one step at a
  time inside a transaction, so a file from any earlier version opens; a file from a
  newer backpain is refused rather than damaged.
- `PRAGMA application_id` marks the file as ours. A file that is not SQLite, is
  damaged, or belongs to another program raises `HistoryError` naming the path; it is
  never deleted, overwritten or "repaired".
- WAL mode, a busy timeout and short `BEGIN IMMEDIATE` transactions let two players
  (two terminals) record at the same time. `synchronous=FULL` makes each commit
  survive a power cut, and each finished exercise is its own commit, so a killed
  player loses at most the exercise in progress.
- Two processes may open a new file at the same moment (two players, or `history`
  while a player starts): the checks read the file in one snapshot, the switch to WAL
  is retried while the other holds the lock (SQLite refuses it at once, without
  waiting, when both hold a read lock), and the version is checked again under the
  write lock before any migration.
- A data folder that is missing and cannot be made, or is read-only, is not an error
  for the player: `open_for_recording` returns a warning instead and the routine runs
  without history.

Times are stored as UTC ISO 8601 text with milliseconds (fixed width, so they sort as
text and stay readable in the `sqlite3` shell).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from backpain_cli.errors import HistoryError
from backpain_cli.history.records import (
    ExerciseRecord,
    ExerciseStatus,
    ExerciseTally,
    Outcome,
    SessionRecord,
    check_pain,
)
from backpain_cli.routines.model import Frequency, Period
from backpain_cli.text import clean_line

APPLICATION_ID = int.from_bytes(b"BkPn", "big")  # marks a backpain history file
BUSY_TIMEOUT_MS = 10_000
WAL_RETRY_MS = 10  # the switch to WAL is retried this often, for BUSY_TIMEOUT_MS
RECENT_SESSIONS_FOR_FLAGS = 20

# Each step takes the schema from version N to N+1; index 0 creates version 1.
# Never edit a released step: add a new one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # v1: sessions and the exercises in them.
    (
        f"PRAGMA application_id = {APPLICATION_ID}",
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            routine TEXT NOT NULL,
            routine_hash TEXT NOT NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            outcome TEXT NOT NULL DEFAULT 'partial'
                CHECK (outcome IN ('completed', 'partial')),
            pain_before INTEGER CHECK (pain_before BETWEEN 0 AND 10),
            pain_after INTEGER CHECK (pain_after BETWEEN 0 AND 10)
        )""",
        """CREATE TABLE session_exercises (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            exercise_id TEXT NOT NULL,
            name TEXT NOT NULL,
            status TEXT NOT NULL
                CHECK (status IN ('done', 'skipped', 'stopped-for-pain', 'stopped')),
            started_at TEXT NOT NULL,
            ended_at TEXT NOT NULL,
            holds_done INTEGER NOT NULL DEFAULT 0,
            sides_done TEXT NOT NULL DEFAULT ''
        )""",
    ),
    # v2: the last moment anything was recorded (the length of an interrupted session),
    # the planned size of the session and the exercise, reps, the routine's frequency
    # when it was played ('' none; NULL unknown), and indexes for 10+ years of sessions.
    (
        "ALTER TABLE sessions ADD COLUMN updated_at TEXT",
        "ALTER TABLE sessions ADD COLUMN frequency TEXT",
        """UPDATE sessions SET updated_at = COALESCE(
            ended_at,
            (SELECT MAX(e.ended_at) FROM session_exercises e WHERE e.session_id = sessions.id),
            started_at)""",
        "ALTER TABLE sessions ADD COLUMN exercises_planned INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE session_exercises ADD COLUMN reps_done INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE session_exercises ADD COLUMN holds_planned INTEGER NOT NULL DEFAULT 0",
        "UPDATE session_exercises SET reps_done = holds_done",
        "CREATE INDEX sessions_by_start ON sessions (started_at)",
        "CREATE INDEX sessions_by_routine ON sessions (routine, started_at)",
        "CREATE INDEX exercises_by_session ON session_exercises (session_id)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)

_CORRUPT = ("SQLITE_NOTADB", "SQLITE_CORRUPT")
_CORRUPT_TEXT = ("not a database", "malformed", "corrupt")


def utc_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("history times must be timezone-aware")
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def from_utc_text(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _is_corruption(error: sqlite3.Error) -> bool:
    name = getattr(error, "sqlite_errorname", "")
    text = str(error).lower()
    return name in _CORRUPT or any(part in text for part in _CORRUPT_TEXT)


def _left_alone(path: Path) -> str:
    return (
        f"It was left untouched: move it aside to start a new history "
        f"(e.g. mv '{path}' '{path}.old'), or use --no-history."
    )


@contextmanager
def _sqlite_errors(path: Path) -> Iterator[None]:
    """Any SQLite failure becomes a HistoryError naming the file."""
    try:
        yield
    except sqlite3.Error as error:
        if _is_corruption(error):
            raise HistoryError(
                f"{path}: the history database is damaged ({error}). " + _left_alone(path)
            ) from error
        raise HistoryError(f"{path}: cannot use the history database ({error})") from error


@dataclass(frozen=True)
class SessionStart:
    routine: str
    routine_hash: str
    started: datetime
    exercises_planned: int
    pain_before: int | None = None
    frequency: Frequency | None = None


def _frequency_text(frequency: Frequency | None) -> str:
    return str(frequency) if frequency is not None else ""


def parse_frequency(text: str) -> Frequency | None:
    """`2 per day` -> Frequency(2, DAY); '' -> None."""
    if not text:
        return None
    times, _, period = text.split()
    return Frequency(int(times), Period(period))


class History:
    """An open history database. Use `open_for_recording` or `open_for_reading`."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._connection = connection

    # -- life cycle --------------------------------------------------------------

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _guard(self) -> AbstractContextManager[None]:
        return _sqlite_errors(self.path)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction, taken at once so two writers queue, not deadlock."""
        with self._guard(), _transaction(self._connection, "BEGIN IMMEDIATE"):
            yield self._connection

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside see one state of the history, even while a player writes."""
        if self._connection.in_transaction:  # already inside one
            yield
            return
        with self._guard(), _transaction(self._connection):
            yield

    # -- writing -----------------------------------------------------------------

    def begin_session(self, start: SessionStart) -> int:
        check_pain(start.pain_before)
        when = utc_text(start.started)
        with self._write() as db:
            cursor = db.execute(
                "INSERT INTO sessions (routine, routine_hash, started_at, updated_at, "
                "exercises_planned, pain_before, frequency) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    start.routine,
                    start.routine_hash,
                    when,
                    when,
                    start.exercises_planned,
                    start.pain_before,
                    _frequency_text(start.frequency),
                ),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def record_exercise(self, session_id: int, record: ExerciseRecord) -> None:
        """Commit one exercise as it was left. Leaving the same exercise again (after
        going back into it) replaces its record: the last one counts."""
        with self._write() as db:
            db.execute(
                "DELETE FROM session_exercises WHERE session_id = ? AND position = ?",
                (session_id, record.position),
            )
            db.execute(_INSERT_EXERCISE, _exercise_row(session_id, record))
            db.execute(
                "UPDATE sessions SET updated_at = ? WHERE id = ?",
                (utc_text(record.ended), session_id),
            )

    def end_session(self, session_id: int, *, ended: datetime, outcome: Outcome) -> None:
        when = utc_text(ended)
        with self._write() as db:
            db.execute(
                "UPDATE sessions SET ended_at = ?, updated_at = ?, outcome = ? WHERE id = ?",
                (when, when, outcome.value, session_id),
            )

    def add_sessions(self, records: Iterable[SessionRecord]) -> int:
        """Import whole sessions (with their exercises) in one transaction; their ids are
        ignored. For imports, tests and benchmarks; the player records as it goes."""
        added = 0
        with self._write() as db:
            for record in records:
                check_pain(record.pain_before)
                check_pain(record.pain_after)
                cursor = db.execute(
                    "INSERT INTO sessions (routine, routine_hash, started_at, ended_at, "
                    "updated_at, outcome, exercises_planned, pain_before, pain_after, "
                    "frequency) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        record.routine,
                        record.routine_hash,
                        utc_text(record.started),
                        utc_text(record.ended) if record.ended else None,
                        utc_text(record.last_update),
                        record.outcome.value,
                        record.exercises_planned,
                        record.pain_before,
                        record.pain_after,
                        _frequency_text(record.frequency),
                    ),
                )
                session_id = cursor.lastrowid
                assert session_id is not None
                db.executemany(
                    _INSERT_EXERCISE,
                    [_exercise_row(session_id, exercise) for exercise in record.exercises],
                )
                added += 1
        return added

    def record_pain_after(self, session_id: int, pain: int | None) -> None:
        check_pain(pain)
        with self._write() as db:
            db.execute("UPDATE sessions SET pain_after = ? WHERE id = ?", (pain, session_id))

    # -- reading -----------------------------------------------------------------

    def completed_starts(self) -> list[datetime]:
        """When each completed session started, oldest first (for streaks over years)."""
        with self._guard():
            rows = self._connection.execute(
                "SELECT started_at FROM sessions WHERE outcome = 'completed' ORDER BY started_at"
            ).fetchall()
        return [from_utc_text(row[0]) for row in rows]

    def frequencies(self) -> dict[str, Frequency | None]:
        """Each routine's frequency as recorded with its most recent session; routines
        whose frequency is unknown (sessions from before schema v2) are left out."""
        with self._guard():
            # SQLite takes the bare column `frequency` from the row holding the MAX.
            rows = self._connection.execute(
                "SELECT routine, frequency, MAX(started_at) FROM sessions GROUP BY routine"
            ).fetchall()
        return {
            clean_line(routine): parse_frequency(text)
            for routine, text, _ in rows
            if text is not None
        }

    def count(self, *, since: datetime | None = None, routine: str | None = None) -> int:
        where, arguments = _filters(since, routine)
        with self._guard():
            row = self._connection.execute(f"SELECT count(*) FROM sessions{where}", arguments)
            return int(row.fetchone()[0])

    def sessions(
        self,
        *,
        since: datetime | None = None,
        routine: str | None = None,
        limit: int | None = None,
        with_exercises: bool = False,
    ) -> list[SessionRecord]:
        """Sessions oldest first; `limit` keeps the most recent ones."""
        where, arguments = _filters(since, routine)
        sql = (
            "SELECT id, routine, routine_hash, started_at, ended_at, updated_at, outcome, "
            f"exercises_planned, pain_before, pain_after, frequency FROM sessions{where} "
            "ORDER BY started_at DESC, id DESC"
        )
        if limit is not None:
            sql += " LIMIT ?"
            arguments.append(limit)
        with self.snapshot():  # the exercises of exactly these sessions
            rows = self._connection.execute(sql, arguments).fetchall()
            exercises = self._exercises([row[0] for row in rows]) if with_exercises else {}
        rows.reverse()
        frequencies = {text: parse_frequency(text or "") for text in {row[10] for row in rows}}
        return [
            SessionRecord(
                id=row[0],
                routine=row[1],
                routine_hash=row[2],
                started=from_utc_text(row[3]),
                ended=from_utc_text(row[4]) if row[4] else None,
                last_update=from_utc_text(row[5] or row[3]),
                outcome=Outcome(row[6]),
                exercises_planned=row[7],
                pain_before=row[8],
                pain_after=row[9],
                frequency=frequencies[row[10]],
                exercises=exercises.get(row[0], ()),
            )
            for row in rows
        ]

    def _exercises(self, session_ids: list[int]) -> dict[int, tuple[ExerciseRecord, ...]]:
        found: dict[int, list[ExerciseRecord]] = {}
        for chunk in range(0, len(session_ids), 500):
            ids = session_ids[chunk : chunk + 500]
            marks = ",".join("?" * len(ids))
            rows = self._connection.execute(
                "SELECT session_id, position, exercise_id, name, status, started_at, "
                "ended_at, reps_done, holds_done, holds_planned, sides_done "
                f"FROM session_exercises WHERE session_id IN ({marks}) ORDER BY id",
                ids,
            ).fetchall()
            for row in rows:
                found.setdefault(row[0], []).append(
                    ExerciseRecord(
                        position=row[1],
                        exercise_id=row[2],
                        name=row[3],
                        status=ExerciseStatus(row[4]),
                        started=from_utc_text(row[5]),
                        ended=from_utc_text(row[6]),
                        reps_done=row[7],
                        holds_done=row[8],
                        holds_planned=row[9],
                        sides_done=tuple(side for side in row[10].split(",") if side),
                    )
                )
        return {session: tuple(records) for session, records in found.items()}

    def tallies(self, session_ids: list[int]) -> dict[int, ExerciseTally]:
        """How each session's exercises ended, counted by SQLite: what the history table
        and CSV show. Sessions without exercises are left out. (Reading every exercise
        record of ten years of sessions takes several times as long.)"""
        counts: dict[int, tuple[int, int]] = {}
        hurt: dict[int, list[str]] = {}
        with self.snapshot():
            for chunk in range(0, len(session_ids), 500):
                ids = session_ids[chunk : chunk + 500]
                marks = ",".join("?" * len(ids))
                for session_id, done, skipped in self._connection.execute(
                    "SELECT session_id, sum(status = 'done'), sum(status = 'skipped') "
                    f"FROM session_exercises WHERE session_id IN ({marks}) GROUP BY session_id",
                    ids,
                ):
                    counts[session_id] = (done, skipped)
                for session_id, exercise_id in self._connection.execute(
                    "SELECT session_id, exercise_id FROM session_exercises "
                    f"WHERE status = 'stopped-for-pain' AND session_id IN ({marks}) ORDER BY id",
                    ids,
                ):
                    hurt.setdefault(session_id, []).append(clean_line(exercise_id))
        return {
            session_id: ExerciseTally(done, skipped, tuple(hurt.get(session_id, ())))
            for session_id, (done, skipped) in counts.items()
        }

    def hurt_last_time(self, routine: str) -> list[str]:
        """Ids of the routine's exercises that were stopped for pain the last time they
        were played (looking back over the routine's recent sessions)."""
        with self._guard():
            rows = self._connection.execute(
                "SELECT e.exercise_id, e.status FROM session_exercises e "
                "JOIN (SELECT id FROM sessions WHERE routine = ? "
                "      ORDER BY started_at DESC LIMIT ?) s ON s.id = e.session_id "
                "ORDER BY e.ended_at DESC, e.id DESC",
                (routine, RECENT_SESSIONS_FOR_FLAGS),
            ).fetchall()
        latest: dict[str, str] = {}
        for exercise_id, status in rows:
            latest.setdefault(clean_line(exercise_id), status)
        return [
            exercise_id
            for exercise_id, status in latest.items()
            if status == ExerciseStatus.STOPPED_FOR_PAIN.value
        ]


_INSERT_EXERCISE = (
    "INSERT INTO session_exercises (session_id, position, exercise_id, name, status, "
    "started_at, ended_at, holds_done, holds_planned, reps_done, sides_done) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _exercise_row(session_id: int, record: ExerciseRecord) -> tuple[object, ...]:
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
    )


def _filters(since: datetime | None, routine: str | None) -> tuple[str, list[object]]:
    where: list[str] = []
    arguments: list[object] = []
    if since is not None:
        where.append("started_at >= ?")
        arguments.append(utc_text(since))
    if routine is not None:
        where.append("routine = ?")
        arguments.append(routine)
    return (" WHERE " + " AND ".join(where) if where else ""), arguments


# -- opening -----------------------------------------------------------------------


def _connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    if read_only:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    else:
        connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    connection.isolation_level = None  # we issue BEGIN/COMMIT ourselves
    return connection


def _check_ours(path: Path, connection: sqlite3.Connection) -> int:
    """The file's schema version (0: a new, empty database); refuse anything else.

    Call it inside a transaction: its three reads must see one state of the file, not a
    mix from before and after another process created the schema.
    """
    application_id = connection.execute("PRAGMA application_id").fetchone()[0]
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if application_id == APPLICATION_ID:
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"{path}: this history was written by a newer backpain (schema version "
                f"{version}; this one knows up to {SCHEMA_VERSION}). Upgrade backpain to "
                "use it; the file was left untouched."
            )
        return int(version)
    tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if application_id == 0 and version == 0 and tables == 0:
        return 0
    raise HistoryError(
        f"{path}: this SQLite file is not a backpain history database (it belongs to "
        "another program). " + _left_alone(path)
    )


@contextmanager
def _transaction(connection: sqlite3.Connection, begin: str = "BEGIN") -> Iterator[None]:
    connection.execute(begin)
    try:
        yield
    except BaseException:
        if connection.in_transaction:  # some errors end the transaction themselves
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _apply_migrations(connection: sqlite3.Connection, version: int, target: int) -> None:
    for step in range(version, target):
        for statement in MIGRATIONS[step]:
            connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {step + 1}")


def migrate(connection: sqlite3.Connection, *, target: int = SCHEMA_VERSION) -> int:
    """Bring the schema forward to `target`, one step per version, in one transaction.

    Safe against a second process migrating at the same moment: the version is read
    again under the write lock.
    """
    with _transaction(connection, "BEGIN IMMEDIATE"):
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        _apply_migrations(connection, version, target)
    return max(version, target)


def _is_busy(error: sqlite3.Error) -> bool:
    name = getattr(error, "sqlite_errorname", "")  # Python 3.11+
    return name.startswith("SQLITE_BUSY") or "database is locked" in str(error).lower()


def _pause(seconds: float) -> None:
    time.sleep(seconds)


def _use_wal(connection: sqlite3.Connection) -> None:
    """Switch the file to WAL (it stays so). Two processes switching a new file at the
    same moment both hold a read lock and want the exclusive one: SQLite answers one of
    them SQLITE_BUSY at once, without the busy timeout (waiting would deadlock), so
    that one waits here until the other is done, as long as the busy timeout."""
    waited_ms = 0
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or waited_ms >= BUSY_TIMEOUT_MS:
                raise
        _pause(WAL_RETRY_MS / 1000)
        waited_ms += WAL_RETRY_MS


def _bring_up_to_date(path: Path, connection: sqlite3.Connection) -> None:
    """Under the write lock: check the file again (another process may have created or
    migrated it since the first look), migrate it, and fail now, not at the first
    exercise, when it cannot be written."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = _check_ours(path, connection)
        _apply_migrations(connection, version, SCHEMA_VERSION)
        if version == SCHEMA_VERSION:  # nothing to do: prove the file takes a write
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    connection.execute("ROLLBACK" if version == SCHEMA_VERSION else "COMMIT")


def _open(path: Path, *, read_only: bool) -> History:
    if path.exists() and not path.is_file():
        raise HistoryError(f"{path}: expected the history database file, found a folder")
    with _sqlite_errors(path):
        connection = _connect(path, read_only=read_only)
    try:
        with _sqlite_errors(path):
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            with _transaction(connection):  # nothing is changed before this check
                version = _check_ours(path, connection)
            if not read_only:
                _use_wal(connection)
                connection.execute("PRAGMA synchronous = FULL")
                connection.execute("PRAGMA foreign_keys = ON")
                _bring_up_to_date(path, connection)
            elif version < SCHEMA_VERSION:
                raise HistoryError(
                    f"{path}: the history database needs upgrading to schema version "
                    f"{SCHEMA_VERSION} but cannot be written; make it writable and try again."
                )
    except BaseException:
        connection.close()
        raise
    return History(path, connection)


def _unavailable(error: sqlite3.Error) -> bool:
    if _is_corruption(error):
        return False
    text = str(error).lower()
    return "unable to open" in text or "readonly" in text or "read-only" in text


def open_for_recording(path: Path) -> tuple[History | None, str | None]:
    """Open (creating if needed) the history for a player.

    Returns the history, or None and a one-line warning when it cannot be written here
    (the player runs without history). A damaged or foreign file raises HistoryError:
    that needs the person's decision, not a silent new file.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return _open(path, read_only=False), None
    except OSError as error:
        reason = error.strerror or str(error)
        return None, f"history is off: cannot create {path.parent} ({reason})"
    except HistoryError as error:
        cause = error.__cause__
        if isinstance(cause, sqlite3.Error) and _unavailable(cause):
            return None, f"history is off: cannot write {path} ({cause})"
        raise


def open_for_reading(path: Path) -> History | None:
    """Open the history to read it, or None when nothing has been recorded yet.

    Migrates an older file when it can be written; reads a read-only file as it is.
    """
    if not path.exists():
        return None
    try:
        return _open(path, read_only=False)
    except HistoryError as error:
        cause = error.__cause__
        if isinstance(cause, sqlite3.Error) and _unavailable(cause):
            return _open(path, read_only=True)
        raise
