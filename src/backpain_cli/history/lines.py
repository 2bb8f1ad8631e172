"""Sessions as the lines of a history file (docs/json-output.md), built by SQLite.

`history export` and the sync folder write ten years of sessions (about 7,300, with
35,000 exercise records): building each line with SQLite's JSON functions from the
stored text takes a small part of the time that reading the records into Python,
turning their times back into text and encoding them with `json` takes (measured in
`benchmarks/transfer.py`). The stored times are already the UTC text the file carries.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from backpain_cli.history.database import utc_text

if TYPE_CHECKING:
    from backpain_cli.history.store import History

# `sides_done` is stored as `left,right`; the list is built as JSON text and checked
# (a side written by hand with a quote or a control character becomes []).
_SIDES = """CASE WHEN e.sides_done = '' THEN json('[]') ELSE (SELECT CASE WHEN json_valid(t)
    THEN json(t) ELSE json('[]') END FROM (SELECT '["' || replace(replace(replace(
    e.sides_done, '\\', '\\\\'), '"', '\\"'), ',', '","') || '"]' AS t)) END"""
_EXERCISE = f"""json_object(
    'position', e.position, 'exercise_id', e.exercise_id, 'name', e.name,
    'status', CASE WHEN :pain = 0 AND e.status = 'stopped-for-pain' THEN 'stopped'
                   ELSE e.status END,
    'started_at', e.started_at, 'ended_at', e.ended_at, 'reps_done', e.reps_done,
    'holds_done', e.holds_done, 'holds_planned', e.holds_planned,
    'sides_done', {_SIDES},
    'rating', CASE WHEN :pain = 0 AND e.rating_kind = 'pain' THEN NULL ELSE e.rating END,
    'rating_kind', CASE WHEN :pain = 0 AND e.rating_kind = 'pain' THEN NULL
                        WHEN e.rating IS NULL THEN NULL ELSE e.rating_kind END)"""
_SESSION = f"""json_object(
    'uuid', s.uuid, 'routine', s.routine, 'routine_hash', s.routine_hash,
    'routine_path', s.routine_path, 'origin', s.origin,
    'started_at', s.started_at, 'ended_at', s.ended_at,
    'updated_at', coalesce(s.updated_at, s.started_at), 'outcome', s.outcome,
    'exercises_planned', s.exercises_planned,
    'pain_before', CASE WHEN :pain THEN s.pain_before END,
    'pain_after', CASE WHEN :pain THEN s.pain_after END,
    'frequency', coalesce(s.frequency, ''), 'speed', s.speed,
    'note', CASE WHEN :notes THEN coalesce(s.note, '') ELSE '' END,
    'counts_as', s.counts_as, 'away_seconds', s.away_seconds, 'plan_step', s.plan_step,
    'exercises', (SELECT json_group_array(json(x)) FROM (SELECT {_EXERCISE} AS x
                  FROM session_exercises e WHERE e.session_id = s.id ORDER BY e.id)))"""


def session_lines(
    store: History, *, since: datetime | None = None, notes: bool = True, pain: bool = True
) -> Iterator[str]:
    """Every session (started from `since` on), oldest first, one line each."""
    where = "s.started_at >= :since" if since is not None else "1"
    found = _lines(store, where, {"pain": int(pain), "notes": int(notes), "since": _text(since)})
    return (line for _, _, line in found)


def changed_lines(
    store: History, *, after_id: int, after: str | None
) -> list[tuple[int, str, str]]:
    """The sessions recorded here (no origin) that are new since id `after_id` or whose
    last record is later than `after` (UTC text): (id, updated_at, line) each, for the
    sync folder."""
    # A session changes only on the day it is played (its end, a note, `--resume`
    # today): looking among those started in the two days before `after` lets SQLite
    # use its indexes (id, start) instead of reading every session. Each part is a
    # query of its own: with an OR, SQLite reads every session in the order of start.
    where = "s.origin IS NULL AND s.id IN (SELECT id FROM sessions WHERE id > :after_id"
    if after:
        where += " UNION SELECT id FROM sessions WHERE started_at >= :window"
        where += " AND updated_at > :after"
    window = utc_text(datetime.fromisoformat(after) - timedelta(days=2)) if after else ""
    arguments = {"after_id": after_id, "after": after or "", "window": window}
    where += ")"
    return _lines(store, where, {**arguments, "pain": 1, "notes": 1})


def _lines(store: History, where: str, arguments: dict[str, object]) -> list[tuple[int, str, str]]:
    sql = (
        f"SELECT s.id, coalesce(s.updated_at, s.started_at), {_SESSION} FROM sessions s "
        f"WHERE {where} ORDER BY s.started_at, s.id"
    )
    return [(row[0], row[1], row[2] + "\n") for row in store.rows(sql, arguments)]


def _text(moment: datetime | None) -> str | None:
    return None if moment is None else utc_text(moment)
