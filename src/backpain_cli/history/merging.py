"""Sessions from elsewhere merged into the history by their UUID: `history import`, and
the other machines' files of a sync folder.

A merge is idempotent (twice is once) and takes everything or nothing (one
transaction). A session already here is left as it is, unless it came from elsewhere
too and the incoming copy is newer (a session resumed later on the machine that
recorded it); a session that `forget` removed here never comes back, and one that a
`forgotten` line names (forgotten on another machine) is removed here too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from backpain_cli.history import database
from backpain_cli.history.journal import JournalEntry, merge_forgotten, merge_journal
from backpain_cli.history.records import SessionRecord
from backpain_cli.history.rows import (
    INSERT_EXERCISE,
    INSERT_INTO_SESSIONS,
    NEXT_ID,
    exercise_rows,
    session_row,
)
from backpain_cli.history.store import History


class Incoming(NamedTuple):
    """A session from elsewhere, as the rows it is stored as (`store.session_row`: its
    uuid first, times as UTC text; and its exercises' rows)."""

    uuid: str
    updated_at: str  # UTC text: of two copies of a session, the later one counts
    origin: str | None  # None: recorded on the machine the file came from
    session: tuple[object, ...]
    exercises: list[tuple[object, ...]]

    def came_from(self, machine: str | None) -> Incoming:
        """The session with its origin set (when the file did not name one)."""
        if self.origin is not None or machine is None:
            return self
        row = (*self.session[:_ORIGIN], machine, *self.session[_ORIGIN + 1 :])
        return self._replace(origin=machine, session=row)


_ORIGIN = 15  # the place of `origin` in a session's row


def incoming(record: SessionRecord) -> Incoming:
    """A session record as it would come from a file."""
    row = session_row(record)
    return Incoming(str(row[0]), str(row[5]), record.origin, row, exercise_rows(record))


class Merged(NamedTuple):
    added: int
    updated: int
    known: int  # already here (or forgotten here), as they were
    forgotten: int = 0  # sessions removed here: forgotten where the lines were written


def merge_sessions(
    store: History,
    sessions: Iterable[Incoming],
    journal: Iterable[JournalEntry] = (),
) -> Merged:
    """Merge `sessions` (each with its origin: None would mean "recorded here") and the
    goals and answers of `journal` in one transaction."""
    updated = known = 0
    latest: dict[str, Incoming] = {}
    for found in sessions:  # a file may hold a session twice: its newest copy counts
        seen = latest.get(found.uuid)
        if seen is None or found.updated_at > seen.updated_at:
            latest[found.uuid] = found
    entries = list(journal)
    with store.writing() as db:
        # First: a session forgotten elsewhere is removed, and not added from these files.
        removed = merge_forgotten(db, entries)
        forgotten = {row[0] for row in db.execute("SELECT uuid FROM forgotten")}
        here = {
            row[0]: (row[1], row[2], row[3])
            for row in db.execute("SELECT uuid, id, origin, updated_at FROM sessions")
        }
        new: list[Incoming] = []
        for uuid, found in latest.items():
            row = here.get(uuid)
            if row is None and uuid not in forgotten:
                new.append(found)
            elif row is not None and row[1] is not None and found.updated_at > row[2]:
                _replace(db, row[0], found)
                updated += 1
            else:
                known += 1
        _insert_all(db, new)
        merge_journal(db, entries)
    return Merged(len(new), updated, known, removed)


def _insert_all(db: sqlite3.Connection, sessions: list[Incoming]) -> None:
    """Insert new sessions in two statements, with the ids they would get one by one
    (never one that `forget` removed: `store.NEXT_ID`). Ten years of sessions go in
    several times faster than one session and its exercises at a time."""
    first = db.execute(f"SELECT {NEXT_ID}").fetchone()[0]
    ids = range(first, first + len(sessions))
    db.executemany(
        f"{INSERT_INTO_SESSIONS} VALUES ({'?, ' * 18}?)",
        [(session_id, *found.session) for session_id, found in zip(ids, sessions, strict=True)],
    )
    db.executemany(
        INSERT_EXERCISE,
        [
            (session_id, *row)
            for session_id, found in zip(ids, sessions, strict=True)
            for row in found.exercises
        ],
    )


def _replace(db: sqlite3.Connection, session_id: int, found: Incoming) -> None:
    db.execute(
        "UPDATE sessions SET routine = ?, routine_hash = ?, started_at = ?, ended_at = ?, "
        "updated_at = ?, outcome = ?, exercises_planned = ?, pain_before = ?, "
        "pain_after = ?, frequency = ?, speed = ?, note = ?, counts_as = ?, "
        "away_seconds = ?, origin = ?, routine_path = ?, plan_step = ? WHERE id = ?",
        (*found.session[1:], session_id),
    )
    db.execute("DELETE FROM session_exercises WHERE session_id = ?", (session_id,))
    db.executemany(INSERT_EXERCISE, [(session_id, *row) for row in found.exercises])


def history_in_memory() -> History:
    """An empty history that lives in memory only: `report --history` merges files into
    it, so the report is made exactly as from a history file, without touching one."""
    connection = sqlite3.connect(":memory:")
    connection.isolation_level = None  # the store issues BEGIN and COMMIT itself
    for step in database.MIGRATIONS:
        for statement in step:
            connection.execute(statement)
    return History(Path(":memory:"), connection)
