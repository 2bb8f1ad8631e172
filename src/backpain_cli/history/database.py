"""The history file itself: its schema, its migrations, and opening it safely.

Reliability rules, each with a test:

- The schema is versioned with `PRAGMA user_version` and migrated forward one step at a
  time inside a transaction, so a file from any earlier version opens; a file from a
  newer backpain is refused rather than damaged.
- `PRAGMA application_id` marks the file as ours. A file that is not SQLite, is
  damaged, or belongs to another program raises `HistoryError` naming the path; it is
  never deleted, overwritten or "repaired".
- WAL mode, a busy timeout and short `BEGIN IMMEDIATE` transactions let two players
  (two terminals) record at the same time. `synchronous=FULL` makes each commit
  survive a power cut.
- A lock another process holds longer than the caller waits (`wait_ms`: reading
  commands wait `READ_WAIT_MS`, the player's writer `WRITE_WAIT_MS` a try) is
  `HistoryLocked`, naming what holds it when that can be known. Reading never needs
  the write lock when the file is current, so it goes on while another process writes.
- Two processes may open a new file at the same moment (two players, or `history`
  while a player starts): the checks read the file in one snapshot, the switch to WAL
  is retried while the other holds the lock (SQLite refuses it at once, without
  waiting, when both hold a read lock), and the version is checked again under the
  write lock before any migration.

Times are stored as UTC ISO 8601 text with milliseconds (fixed width, so they sort as
text and stay readable in the `sqlite3` shell).
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from backpain_cli.errors import HistoryError, HistoryLocked
from backpain_cli.files import exists_somehow, file_problem
from backpain_cli.text import clean_line

APPLICATION_ID = int.from_bytes(b"BkPn", "big")  # marks a backpain history file
BUSY_TIMEOUT_MS = 10_000
READ_WAIT_MS = 2_000  # `history`, `stats`, `today`, `report`: then "locked", exit 2
WRITE_WAIT_MS = 100  # one try of the player's writer thread; it tries again later
PROVE_WAIT_MS = 100  # a write lock, to prove that a current file can be written
WAL_RETRY_MS = 10  # the switch to WAL is retried this often, for BUSY_TIMEOUT_MS

# A random (version 4) UUID made by SQLite, for rows that have none.
_NEW_UUID = (
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || "
    "substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + abs(random()) % 4, 1) || "
    "substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
)

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
    # v3: the clock speed a session was played at (NULL: not known, recorded before v3;
    # only `--record` records a speed other than 1), a note for the therapist, the plan
    # the routine counted toward (its `counts_as`; '' none; NULL not known), and the
    # time between a partial session's last record and its resumption (`--resume`),
    # which is not part of its length. Old rows keep their meaning: none is changed.
    (
        "ALTER TABLE sessions ADD COLUMN speed REAL",
        "ALTER TABLE sessions ADD COLUMN note TEXT",
        "ALTER TABLE sessions ADD COLUMN counts_as TEXT",
        "ALTER TABLE sessions ADD COLUMN away_seconds REAL NOT NULL DEFAULT 0",
    ),
    # v4: sessions that can leave the machine and come back. A stable id (a UUID,
    # back-filled here; a trigger fills it for any insert without one), where an imported
    # session came from (NULL: here), the path a routine was played from (NULL: by name),
    # the progression step it was played at (NULL: no plan), a rating after each
    # exercise, the plan's recorded moves, the next-morning check, and what `forget`
    # removed: its id is never given again and its UUID never comes back in an import.
    (
        "ALTER TABLE sessions ADD COLUMN uuid TEXT",
        f"UPDATE sessions SET uuid = {_NEW_UUID}",
        "CREATE UNIQUE INDEX sessions_by_uuid ON sessions (uuid)",
        f"""CREATE TRIGGER sessions_get_a_uuid AFTER INSERT ON sessions
            WHEN NEW.uuid IS NULL
            BEGIN UPDATE sessions SET uuid = {_NEW_UUID} WHERE id = NEW.id; END""",
        "ALTER TABLE sessions ADD COLUMN origin TEXT",
        "ALTER TABLE sessions ADD COLUMN routine_path TEXT",
        "ALTER TABLE sessions ADD COLUMN plan_step INTEGER",
        """ALTER TABLE session_exercises ADD COLUMN rating INTEGER
            CHECK (rating BETWEEN 0 AND 10)""",
        """ALTER TABLE session_exercises ADD COLUMN rating_kind TEXT
            CHECK (rating_kind IN ('pain', 'effort'))""",
        """CREATE TABLE plan_changes (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            routine TEXT NOT NULL,
            changed_at TEXT NOT NULL,
            step INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('manual', 'step-back', 'flag')),
            detail TEXT NOT NULL DEFAULT ''
        )""",
        """CREATE TABLE morning_checks (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            session_uuid TEXT NOT NULL,
            asked_at TEXT NOT NULL,
            answer TEXT CHECK (answer IN ('better', 'same', 'worse'))
        )""",
        "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)",
        "CREATE TABLE forgotten (uuid TEXT PRIMARY KEY, forgotten_at TEXT NOT NULL)",
        """CREATE TRIGGER sessions_remember_forgotten AFTER DELETE ON sessions
            BEGIN
                INSERT INTO counters (name, value) VALUES ('sessions', OLD.id)
                    ON CONFLICT (name) DO UPDATE SET value = max(value, excluded.value);
                INSERT OR IGNORE INTO forgotten (uuid, forgotten_at) VALUES (OLD.uuid,
                    strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now'));
            END""",
    ),
    # v5: the patient's own goals (the Patient-Specific Functional Scale) with their
    # ratings, what got in the way of a due session, and when a question was last asked
    # (so none is asked twice a day). Goal ids are never reused: people type them.
    (
        """CREATE TABLE goals (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            uuid TEXT NOT NULL UNIQUE,
            text TEXT NOT NULL,
            added_at TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'done', 'removed')),
            closed_at TEXT
        )""",
        """CREATE TABLE goal_ratings (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            goal_id INTEGER NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
            rated_at TEXT NOT NULL,
            score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10)
        )""",
        "CREATE INDEX ratings_by_goal ON goal_ratings (goal_id, rated_at)",
        """CREATE TABLE barriers (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            missed_on TEXT NOT NULL UNIQUE,
            asked_at TEXT NOT NULL,
            reason TEXT CHECK (reason IN
                ('no-time', 'forgot', 'it-hurt', 'no-place', 'not-helping', 'other')),
            detail TEXT NOT NULL DEFAULT ''
        )""",
        """CREATE TABLE questions (
            kind TEXT PRIMARY KEY,
            asked_at TEXT NOT NULL
        )""",
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
def sqlite_errors(path: Path) -> Iterator[None]:
    """Any SQLite failure becomes a HistoryError naming the file."""
    try:
        yield
    except sqlite3.Error as error:
        if _is_corruption(error):
            raise HistoryError(
                f"{path}: the history database is damaged ({error}). " + _left_alone(path)
            ) from error
        if _is_busy(error):
            raise HistoryLocked(
                f"{path}: the history is locked by another process{lock_holders(path)}; "
                "try again when it is done"
            ) from error
        raise HistoryError(f"{path}: cannot use the history database ({error})") from error


def lock_holders(path: Path) -> str:
    """` (process 1234: sqlite3 history.sqlite3)` for each other process that has the
    file open, where the system tells (Linux /proc, same user); else ""."""
    wanted = {str(path.resolve()) + suffix for suffix in ("", "-wal", "-shm")}
    found = []
    for pid in sorted(int(name) for name in _listdir("/proc") if name.isdigit()):
        if pid == os.getpid():
            continue
        folder = f"/proc/{pid}/fd"
        if any(_readlink(f"{folder}/{fd}") in wanted for fd in _listdir(folder)):
            found.append(f"process {pid}: {_command(pid)}")
    return f" ({'; '.join(found[:3])})" if found else ""


def _listdir(folder: str) -> list[str]:
    try:
        return os.listdir(folder)
    except OSError:
        return []


def _readlink(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return ""


def _command(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            words = handle.read(4096).split(b"\0")
    except OSError:
        return "?"
    return clean_line(" ".join(w.decode(errors="replace") for w in words if w)[:80]) or "?"


def _connect(
    path: Path, *, read_only: bool, immutable: bool = False, wait_ms: int = BUSY_TIMEOUT_MS
) -> sqlite3.Connection:
    # Not tied to one thread: the player's writer thread writes what the player's
    # thread opened (one at a time, never both at once; see history/writer.py).
    if read_only:
        # immutable: a file in a folder nobody may write here (SQLite cannot make the
        # WAL index next to it); it is read as it is, without locks.
        uri = f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")
        connection = sqlite3.connect(uri, uri=True, timeout=wait_ms / 1000, check_same_thread=False)
    else:
        connection = sqlite3.connect(path, timeout=wait_ms / 1000, check_same_thread=False)
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
def transaction(connection: sqlite3.Connection, begin: str = "BEGIN") -> Iterator[None]:
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


def _is_busy(error: sqlite3.Error) -> bool:
    name = getattr(error, "sqlite_errorname", "")  # Python 3.11+
    return name.startswith("SQLITE_BUSY") or "database is locked" in str(error).lower()


def _pause(seconds: float) -> None:
    time.sleep(seconds)


def _use_wal(connection: sqlite3.Connection, wait_ms: int) -> None:
    """Switch the file to WAL (it stays so). Two processes switching a new file at the
    same moment both hold a read lock and want the exclusive one: SQLite answers one of
    them SQLITE_BUSY at once, without the busy timeout (waiting would deadlock), so
    that one waits here until the other is done, for `wait_ms`."""
    waited_ms = 0
    while True:
        try:
            connection.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or waited_ms >= wait_ms:
                raise
        _pause(WAL_RETRY_MS / 1000)
        waited_ms += WAL_RETRY_MS


def _bring_up_to_date(path: Path, connection: sqlite3.Connection, wait_ms: int) -> None:
    """Under the write lock: check the file again (another process may have created or
    migrated it since the first look), migrate it, and fail now, not at the first
    exercise, when it cannot be written. A current file that another process holds
    the write lock of can be written (it is being written): that is waited for only
    PROVE_WAIT_MS."""
    current = _current(connection)
    if current:
        connection.execute(f"PRAGMA busy_timeout = {PROVE_WAIT_MS}")
    try:
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if _is_busy(error) and current:
            return
        raise
    finally:
        connection.execute(f"PRAGMA busy_timeout = {wait_ms}")
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


def check_path(path: Path, *, reading: bool) -> None:
    """Refuse what is at PATH when it is not a file SQLite should open: a folder, a named
    pipe, a device such as /dev/null, a symbolic link loop, and (to read) a dangling
    link; each named as what it is."""
    if not exists_somehow(path):
        return
    problem = file_problem(path)
    if problem is None or (not reading and path.is_symlink() and _dangling(path)):
        return  # a file, or (to record) a link to where the file is to be made
    raise HistoryError(f"{path}: expected the history database file, but it {problem}")


def _dangling(link: Path) -> bool:
    """Whether a symbolic link leads to nothing yet (a loop leads nowhere, ever)."""
    try:
        link.stat()
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return False  # a link to a folder, a pipe...


def _current(connection: sqlite3.Connection) -> bool:
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    return bool(version == SCHEMA_VERSION)


def open_connection(
    path: Path,
    *,
    read_only: bool,
    immutable: bool = False,
    wait_ms: int = BUSY_TIMEOUT_MS,
    prove: bool = True,
) -> sqlite3.Connection:
    """A connection to a checked, current history file (created when new and writable).
    A lock held longer than `wait_ms` is HistoryLocked. `prove` False: a current file
    is not tried for a write (to read it, while another process writes)."""
    check_path(path, reading=read_only)
    with sqlite_errors(path):
        connection = _connect(path, read_only=read_only, immutable=immutable, wait_ms=wait_ms)
    try:
        with sqlite_errors(path):
            connection.execute(f"PRAGMA busy_timeout = {wait_ms}")
            with transaction(connection):  # nothing is changed before this check
                version = _check_ours(path, connection)
            if not read_only:
                _use_wal(connection, wait_ms)
                connection.execute("PRAGMA synchronous = FULL")
                connection.execute("PRAGMA foreign_keys = ON")
                if prove or version != SCHEMA_VERSION:
                    _bring_up_to_date(path, connection, wait_ms)
            elif version < SCHEMA_VERSION:
                raise HistoryError(
                    f"{path}: the history database needs upgrading to schema version "
                    f"{SCHEMA_VERSION} but cannot be written; make it writable and try again."
                )
    except BaseException:
        connection.close()
        raise
    return connection


def unavailable(error: sqlite3.Error) -> bool:
    """The file cannot be written here (a read-only file, folder or disk, a full disk),
    as opposed to damaged or not ours."""
    if _is_corruption(error):
        return False
    text = str(error).lower()
    return any(
        part in text
        for part in ("unable to open", "readonly", "read-only", "disk is full", "disk i/o error")
    )
