"""The history store: every session and what happened to each exercise, in SQLite.

The file's schema, migrations and safe opening are in `database.py`, the columns a
session is inserted with in `rows.py`; this module writes and reads sessions. Each
finished exercise is its own short `BEGIN IMMEDIATE` commit, so a killed player loses
at most the exercise in progress, and two players (two terminals) can record at the
same time. A data folder that is missing and cannot be made, or is read-only, is not
an error for the player: `open_for_recording` returns a warning instead and the
routine runs without history.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from backpain_cli.errors import HistoryError, HistoryLocked
from backpain_cli.files import exists_somehow
from backpain_cli.history import readable
from backpain_cli.history.database import (
    APPLICATION_ID,
    BUSY_TIMEOUT_MS,
    MIGRATIONS,
    READ_WAIT_MS,
    SCHEMA_VERSION,
    check_path,
    open_connection,
    sqlite_errors,
    transaction,
    unavailable,
    utc_text,
)
from backpain_cli.history.goals import PainRatings
from backpain_cli.history.records import (
    ExerciseRecord,
    ExerciseStatus,
    ExerciseTally,
    SessionOutcome,
    SessionRecord,
    check_pain,
)
from backpain_cli.history.rows import (
    INSERT_BEGUN,
    INSERT_EXERCISE,
    begun_row,
    exercise_row,
    insert_session,
)
from backpain_cli.routines.model import Frequency
from backpain_cli.text import clean_line

__all__ = [
    "APPLICATION_ID",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "History",
    "SessionStart",
    "open_for_reading",
    "open_for_recording",
    "utc_text",
]

RECENT_SESSIONS_FOR_FLAGS = 20
OPEN_WAIT_MS = 2_000  # for a lock that keeps readers out, or that an upgrade waits for


# `stats.counted` in SQL: a session counts unless it is a preview (`SessionRecord.sped_up`).
_COUNTS = "(speed IS NULL OR speed = 1)"

# A change to a session after its last record (the closing pain rating, the note, an
# exercise's rating) is a record too: `updated_at` moves on (never back), so the sync
# folder carries the session again and another machine's older copy gives way to it
# (`merging`: of two copies, the later `updated_at` counts).
_CHANGED = "updated_at = max(coalesce(updated_at, started_at), ?)"

# The latest session of each routine (`last="DESC"`; "ASC": the first), in the order of
# the routines' names. Ten years hold a handful of routines in 7,300 sessions or more:
# the names are found by walking the index `sessions_by_routine` from one name to the
# next, and each one's session by one search in it, instead of reading every session
# (`GROUP BY routine`). `where` narrows the sessions of each routine ("" or " AND …").
_ONE_OF_EACH_ROUTINE = """WITH RECURSIVE names (routine) AS (
    SELECT min(routine) FROM sessions
    UNION ALL
    SELECT (SELECT min(routine) FROM sessions WHERE routine > names.routine)
    FROM names WHERE names.routine IS NOT NULL)
SELECT {columns} FROM names JOIN sessions s ON s.id = (
    SELECT id FROM sessions WHERE routine = names.routine{where}
    ORDER BY started_at {last}, id {last} LIMIT 1)
ORDER BY names.routine"""


class SessionStart(NamedTuple):  # not a dataclass: `today` imports this module at start-up
    routine: str
    routine_hash: str
    started: datetime
    exercises_planned: int
    pain_before: int | None = None
    frequency: Frequency | None = None
    speed: float = 1.0
    note: str = ""
    counts_as: str = ""  # the plan it counts toward ('' its own)
    routine_path: str | None = None  # the file it is played from; None: by name
    plan_step: int | None = None  # the progression step it is played at; None: no plan


def forget_sessions(db: sqlite3.Connection, session_ids: Iterable[int]) -> int:
    """Remove these sessions and their exercises (ratings included), inside the caller's
    transaction; how many sessions were removed. The history's trigger remembers each
    one's UUID in `forgotten`, so no file brings it back and its id is never given again."""
    removed = 0
    for session_id in session_ids:
        db.execute("DELETE FROM session_exercises WHERE session_id = ?", (session_id,))
        removed += db.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount
    return removed


class History:
    """An open history database. Use `open_for_recording` or `open_for_reading`."""

    def __init__(self, path: Path, connection: sqlite3.Connection) -> None:
        self.path = path
        self._connection = connection
        self.unreadable: dict[int, str] = {}  # sessions left out: what is wrong with each
        self.warn: Callable[[str], None] | None = None  # told once about each of them

    def _leave_out(self, session_id: int, error: readable.Unreadable) -> None:
        if session_id not in self.unreadable:
            self.unreadable[session_id] = str(error)
            if self.warn is not None:
                self.warn(readable.notice(session_id, str(error)))

    # -- life cycle --------------------------------------------------------------

    def close(self) -> None:
        self._connection.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def wait_at_most(self, milliseconds: int) -> None:
        """How long a statement waits for another process's lock before HistoryLocked."""
        with self._guard():
            self._connection.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")

    def _guard(self) -> AbstractContextManager[None]:
        return sqlite_errors(self.path)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction, taken at once so two writers queue, not deadlock."""
        with self._guard(), transaction(self._connection, "BEGIN IMMEDIATE"):
            yield self._connection

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside see one state of the history, even while a player writes."""
        if self._connection.in_transaction:  # already inside one
            yield
            return
        with self._guard(), transaction(self._connection):
            yield

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """The connection, inside one snapshot: for the modules that keep the history's
        other tables (goals and what got in the way, in `journal.py`)."""
        with self.snapshot():
            yield self._connection

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction, for the modules that keep the other tables."""
        with self._write() as db:
            yield db

    # -- writing -----------------------------------------------------------------

    def begin_session(self, start: SessionStart) -> int:
        check_pain(start.pain_before)
        with self._write() as db:
            cursor = db.execute(INSERT_BEGUN, begun_row(start))
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def record_exercise(self, session_id: int, record: ExerciseRecord) -> None:
        """Commit one exercise as it was left. Leaving the same exercise again (after
        going back into it) replaces its record: the last one counts."""
        with self._write() as db:
            if not db.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone():
                raise HistoryError(  # not SQLite's "FOREIGN KEY constraint failed"
                    f"{clean_line(str(self.path))}: session {session_id} was forgotten "
                    "(`backpain history forget`) while it was played"
                )
            db.execute(
                "DELETE FROM session_exercises WHERE session_id = ? AND position = ?",
                (session_id, record.position),
            )
            db.execute(INSERT_EXERCISE, (session_id, *exercise_row(record)))
            db.execute(
                "UPDATE sessions SET updated_at = ? WHERE id = ?",
                (utc_text(record.ended), session_id),
            )

    def end_session(self, session_id: int, *, ended: datetime, outcome: SessionOutcome) -> None:
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
                insert_session(db, record)
                added += 1
        return added

    def record_pain_after(self, session_id: int, pain: int | None, *, at: datetime) -> None:
        """The closing pain rating, given `at` (a change: see `_CHANGED`)."""
        check_pain(pain)
        with self._write() as db:
            db.execute(
                f"UPDATE sessions SET pain_after = ?, {_CHANGED} WHERE id = ?",
                (pain, utc_text(at), session_id),
            )

    def record_note(self, session_id: int, note: str, *, at: datetime) -> None:
        """The session's note for the therapist ('' removes it), given `at`."""
        with self._write() as db:
            db.execute(
                f"UPDATE sessions SET note = ?, {_CHANGED} WHERE id = ?",
                (note or None, utc_text(at), session_id),
            )

    def record_rating(
        self, session_id: int, index: int, rating: int, kind: str, *, at: datetime
    ) -> None:
        """The rating after one exercise of a session (`rate_each`: pain or effort)."""
        with self._write() as db:
            db.execute(
                "UPDATE session_exercises SET rating = ?, rating_kind = ? "
                "WHERE session_id = ? AND position = ?",
                (rating, kind, session_id, index),
            )
            db.execute(f"UPDATE sessions SET {_CHANGED} WHERE id = ?", (utc_text(at), session_id))

    def resume_session(self, session_id: int, *, at: datetime, speed: float) -> None:
        """Carry on with a partial session: the time since it was left (its end, or its
        last record when it was never ended; not a rating or a note given after it) is
        time away, not part of its length; it is partial again until it reaches its end."""
        with self._write() as db:
            db.execute(
                "UPDATE sessions SET away_seconds = away_seconds + max(0, "
                "(julianday(?) - julianday(coalesce(ended_at, updated_at))) * 86400.0), "
                "updated_at = ?, "
                "ended_at = NULL, outcome = 'partial', speed = max(coalesce(speed, 1), ?) "
                "WHERE id = ?",
                (utc_text(at), utc_text(at), speed, session_id),
            )

    def forget(self, session_id: int) -> bool:
        """Remove one session and its exercises, in one transaction; nothing else is
        touched. False when there is no such session."""
        with self._write() as db:
            return forget_sessions(db, [session_id]) == 1

    # -- reading -----------------------------------------------------------------

    def completed_starts(self) -> list[datetime]:
        """When each completed session started, oldest first (for streaks over years);
        previews left out (`stats.counted`)."""
        with self._guard():
            found = self._connection.execute(
                "SELECT id, started_at FROM sessions WHERE outcome = 'completed' "
                f"AND {_COUNTS} ORDER BY started_at"
            ).fetchall()
        return [
            moment for moment in readable.moments(found, "started_at", self._leave_out) if moment
        ]

    def frequencies(self) -> dict[str, Frequency | None]:
        """Each routine's frequency as recorded with its most recent session; routines
        whose frequency is unknown (sessions from before schema v2) are left out."""
        with self._guard():
            found = self._connection.execute(
                _ONE_OF_EACH_ROUTINE.format(
                    columns="s.id, s.routine, s.frequency", last="DESC", where=""
                )
            ).fetchall()
        frequencies: dict[str, Frequency | None] = {}
        for session_id, routine, text in found:
            try:
                if text is not None:
                    frequencies[clean_line(str(routine))] = readable.frequency(text)
            except readable.Unreadable as error:
                self._leave_out(session_id, error)
        return frequencies

    def last_id(self) -> int:
        """The id of the session recorded or merged here last (0: none yet); ids are
        never given twice, so a session with a larger one is newer than this call."""
        with self._guard():
            row = self._connection.execute("SELECT coalesce(max(id), 0) FROM sessions")
            return int(row.fetchone()[0])

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
        sql = f"SELECT {_SESSION_COLUMNS} FROM sessions{where} ORDER BY started_at DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            arguments.append(limit)
        with self.snapshot():  # the exercises of exactly these sessions
            found = self._connection.execute(sql, arguments).fetchall()
            exercises = self._exercises([row[0] for row in found]) if with_exercises else {}
        found.reverse()
        return [
            session
            for session in (self._session(row, exercises.get(row[0], ())) for row in found)
            if session is not None
        ]

    def _session(self, row: Any, exercises: tuple[ExerciseRecord, ...]) -> SessionRecord | None:
        """The session of a row of `_SESSION_COLUMNS`, or None when it is left out."""
        try:
            if row[0] in self.unreadable:  # one of its exercises
                return None
            return readable.session(row, exercises)
        except readable.Unreadable as error:
            self._leave_out(row[0], error)
            return None

    def session(self, session_id: int, *, with_exercises: bool = False) -> SessionRecord | None:
        with self.snapshot():
            row = self._connection.execute(
                f"SELECT {_SESSION_COLUMNS} FROM sessions WHERE id = ?", (session_id,)
            ).fetchone()
            if row is None:
                return None
            exercises = self._exercises([session_id]) if with_exercises else {}
        return self._session(row, exercises.get(session_id, ()))

    def rows(self, sql: str, arguments: dict[str, object]) -> list[Any]:
        """The rows of one read-only query, in one snapshot: for the modules of this
        room that build their own (`lines`)."""
        with self.snapshot():
            return self._connection.execute(sql, arguments).fetchall()

    def last_session(self, routine: str, *, since: datetime) -> SessionRecord | None:
        """The routine's latest session started from `since` on, with its exercises."""
        with self._guard():
            row = self._connection.execute(
                "SELECT id FROM sessions WHERE routine = ? AND started_at >= ? "
                "ORDER BY started_at DESC, id DESC LIMIT 1",
                (routine, utc_text(since)),
            ).fetchone()
        return self.session(row[0], with_exercises=True) if row else None

    def pain_ratings(self) -> list[PainRatings]:
        """Every pain check-in of sessions at normal speed, oldest first (three columns:
        ten years take a few milliseconds)."""
        with self._guard():
            found = self._connection.execute(
                "SELECT id, started_at, pain_before, pain_after FROM sessions "
                "WHERE (pain_before IS NOT NULL OR pain_after IS NOT NULL) "
                f"AND {_COUNTS} ORDER BY started_at"
            ).fetchall()
        ratings = []
        for session_id, started, before, after in found:
            try:
                pains = (readable.pain(before, "pain_before"), readable.pain(after, "pain_after"))
                ratings.append(PainRatings(readable.moment(started, "started_at"), *pains))
            except readable.Unreadable as error:
                self._leave_out(session_id, error)
        return ratings

    def first_starts(self) -> dict[str, datetime]:
        """When each routine was first played (any outcome): adherence starts there. A
        preview does not start it (`stats.counted`): a routine only previewed is left out."""
        with self._guard():
            found = self._connection.execute(
                _ONE_OF_EACH_ROUTINE.format(
                    columns="s.id, s.routine, s.started_at", last="ASC", where=f" AND {_COUNTS}"
                )
            ).fetchall()
        moments = readable.moments(
            [(row[0], row[2]) for row in found], "started_at", self._leave_out
        )
        return {
            clean_line(str(row[1])): moment
            for row, moment in zip(found, moments, strict=True)
            if moment
        }

    def routine_paths(self, *, since: datetime) -> dict[str, str]:
        """The file each routine was played from, for routines whose latest session from
        `since` on was played from a path (`backpain start ./neck.yaml`): where `today`,
        reminders and the report find it."""
        with self._guard():
            # The weeks from `since` only: without INDEXED BY, SQLite walks every
            # session in the order of `sessions_by_routine` to save sorting the groups.
            rows = self._connection.execute(
                "SELECT routine, routine_path, MAX(started_at) FROM sessions "
                "INDEXED BY sessions_by_start WHERE started_at >= ? GROUP BY routine",
                (utc_text(since),),
            ).fetchall()
        return {clean_line(str(routine)): path for routine, path, _ in rows if path}

    def plans(self) -> dict[str, str]:
        """The plan each routine counts toward (its `counts_as`, or its own name), as
        recorded with its most recent session; routines whose plan is not known
        (sessions from before schema v3) are left out."""
        with self._guard():
            found = self._connection.execute(
                _ONE_OF_EACH_ROUTINE.format(columns="s.routine, s.counts_as", last="DESC", where="")
            ).fetchall()
        return {
            clean_line(str(routine)): clean_line(str(text or routine))
            for routine, text in found
            if text is not None
        }

    def _exercises(self, session_ids: list[int]) -> dict[int, tuple[ExerciseRecord, ...]]:
        found: dict[int, list[ExerciseRecord]] = {}
        for chunk in range(0, len(session_ids), 500):
            ids = session_ids[chunk : chunk + 500]
            marks = ",".join("?" * len(ids))
            for row in self._connection.execute(
                "SELECT session_id, position, exercise_id, name, status, started_at, "
                "ended_at, reps_done, holds_done, holds_planned, sides_done, rating, "
                f"rating_kind FROM session_exercises WHERE session_id IN ({marks}) ORDER BY id",
                ids,
            ):
                try:
                    found.setdefault(row[0], []).append(readable.exercise(row))
                except readable.Unreadable as error:
                    self._leave_out(row[0], readable.Unreadable(f"an exercise's {error}"))
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
                    hurt.setdefault(session_id, []).append(clean_line(str(exercise_id)))
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
            latest.setdefault(clean_line(str(exercise_id)), status)
        return [
            exercise_id
            for exercise_id, status in latest.items()
            if status == ExerciseStatus.STOPPED_FOR_PAIN.value
        ]


_SESSION_COLUMNS = (
    "id, routine, routine_hash, started_at, ended_at, updated_at, outcome, "
    "exercises_planned, pain_before, pain_after, frequency, speed, note, counts_as, "
    "away_seconds, uuid, origin, routine_path, plan_step"
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


def _open(path: Path, wait_ms: int, **flags: bool) -> History:
    return History(path, open_connection(path, wait_ms=wait_ms, **flags))


def _unavailable_cause(error: HistoryError) -> sqlite3.Error | None:
    cause = error.__cause__
    return cause if isinstance(cause, sqlite3.Error) and unavailable(cause) else None


def open_for_recording(path: Path) -> tuple[History | None, str | None]:
    """Open (creating if needed) the history for a player.

    The history, or None and a one-line warning when it cannot be written here (read-only,
    a full disk, a lock held past OPEN_WAIT_MS: it plays without history). A damaged or
    foreign file raises HistoryError: that needs the person's decision.
    """
    new = not exists_somehow(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        history = _open(path, OPEN_WAIT_MS, read_only=False)
        history.wait_at_most(BUSY_TIMEOUT_MS)  # the player's writer thread waits less
        return history, None
    except OSError as error:
        reason = error.strerror or str(error)
        return None, f"history is off: cannot create {clean_line(str(path.parent))} ({reason})"
    except HistoryLocked as error:  # and it must be upgraded first: not this time
        return None, f"history is off: {error}"
    except HistoryError as error:
        cause = _unavailable_cause(error)
        if cause is None:
            raise
        if new:  # SQLite made an empty file before the write failed (a full disk)
            with suppress(OSError):
                if path.stat().st_size == 0:
                    path.unlink()
        return None, f"history is off: cannot write {clean_line(str(path))} ({cause})"


def open_for_reading(path: Path) -> History | None:
    """Open the history to read it, or None when nothing has been recorded yet.

    Migrates an older file when it can be written; reads a file that cannot be written
    (read-only file, folder or disk, a full disk) as it is, and one another process
    writes; a lock that keeps it out past READ_WAIT_MS is HistoryLocked. An empty file
    is nothing recorded yet, left as it is (the next `start` sets it up). A path that
    is something else (a folder, a pipe, a dangling link...) is a HistoryError.
    """
    check_path(path, reading=True)  # nothing, or a file that can be reached, from here on
    if not exists_somehow(path) or path.stat().st_size == 0:
        return None
    try:
        return _open(path, READ_WAIT_MS, read_only=False, prove=False)
    except HistoryError as error:
        if _unavailable_cause(error) is None:
            raise
    try:
        return _open(path, READ_WAIT_MS, read_only=True)
    except HistoryError as error:
        if _unavailable_cause(error) is None:
            raise
    return _open(path, READ_WAIT_MS, read_only=True, immutable=True)  # a folder no one may write
