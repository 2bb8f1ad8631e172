"""Sessions from elsewhere merged into the history by their UUID: `history import`, and
the other machines' files of a sync folder.

A merge is idempotent (twice is once) and takes everything or nothing (one
transaction). A session already here is left as it is, unless it came from elsewhere
too and the incoming copy is newer (a session resumed later on the machine that
recorded it); a session that `forget` removed here never comes back.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from backpain_cli.history.database import utc_text
from backpain_cli.history.records import SessionRecord
from backpain_cli.history.rows import insert_exercises, insert_session, session_values
from backpain_cli.history.store import History

if TYPE_CHECKING:
    import sqlite3


class Merged(NamedTuple):
    added: int
    updated: int
    known: int  # already here (or forgotten here), as they were


def merge_sessions(store: History, records: Iterable[SessionRecord]) -> Merged:
    """Merge `records` (each with its uuid; `origin` None means "here", so give each
    the machine it came from) in one transaction."""
    added = updated = known = 0
    latest: dict[str, SessionRecord] = {}
    for record in records:  # a file may hold a session twice: its newest copy counts
        seen = latest.get(record.uuid)
        if seen is None or record.last_update > seen.last_update:
            latest[record.uuid] = record
    with store.writing() as db:
        forgotten = {row[0] for row in db.execute("SELECT uuid FROM forgotten")}
        for uuid, record in latest.items():
            row = db.execute(
                "SELECT id, origin, updated_at FROM sessions WHERE uuid = ?", (uuid,)
            ).fetchone()
            if row is None and uuid not in forgotten:
                insert_session(db, record)
                added += 1
            elif row is not None and row[1] is not None and utc_text(record.last_update) > row[2]:
                _replace(db, row[0], record)
                updated += 1
            else:
                known += 1
    return Merged(added, updated, known)


def _replace(db: sqlite3.Connection, session_id: int, record: SessionRecord) -> None:
    db.execute(
        "UPDATE sessions SET routine = ?, routine_hash = ?, started_at = ?, ended_at = ?, "
        "updated_at = ?, outcome = ?, exercises_planned = ?, pain_before = ?, "
        "pain_after = ?, frequency = ?, speed = ?, note = ?, counts_as = ?, "
        "away_seconds = ?, origin = ?, routine_path = ?, plan_step = ? WHERE id = ?",
        (*session_values(record), session_id),
    )
    db.execute("DELETE FROM session_exercises WHERE session_id = ?", (session_id,))
    insert_exercises(db, session_id, record)


def history_in_memory() -> History:
    """An empty history that lives in memory only: `report --history` merges files into
    it, so the report is made exactly as from a history file, without touching one."""
    import sqlite3

    from backpain_cli.history.database import MIGRATIONS

    connection = sqlite3.connect(":memory:")
    connection.isolation_level = None  # the store issues BEGIN and COMMIT itself
    for step in MIGRATIONS:
        for statement in step:
            connection.execute(statement)
    return History(Path(":memory:"), connection)
