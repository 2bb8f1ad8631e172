"""The patient's own entries in the history: goals with their ratings, what got in the
way of a due session, and when each question was last asked.

Each change is one short transaction on the history file (see `store.py`); a goal that
does not exist or a sixth goal is a GoalError and nothing is stored.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import NamedTuple
from uuid import uuid4

from backpain_cli.history.barriers import MAX_DETAIL_LENGTH, REASONS, Barrier
from backpain_cli.history.database import from_utc_text, utc_text
from backpain_cli.history.goals import (
    MAX_ACTIVE_GOALS,
    Goal,
    GoalError,
    GoalRating,
    GoalState,
    goal_text,
)
from backpain_cli.history.store import History, forget_sessions
from backpain_cli.progression.resolver import CLOCK_SKEW as CLOCK_SKEW  # transfer/ checks by it
from backpain_cli.text import clean_line


def _readable_time(text: object) -> datetime | None:
    """A time stored as text, or None when a hand-edited row holds something else."""
    try:
        moment = from_utc_text(text) if isinstance(text, str) else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def goals(history: History) -> list[Goal]:
    """Every goal, with its ratings oldest first; rows that cannot be read are left out."""
    with history.reading() as db:
        rows = db.execute(
            "SELECT id, uuid, text, added_at, state, closed_at FROM goals ORDER BY id"
        ).fetchall()
        ratings = db.execute(
            "SELECT goal_id, rated_at, score FROM goal_ratings ORDER BY rated_at, id"
        ).fetchall()
    by_goal: dict[int, list[GoalRating]] = {}
    for goal_id, rated_at, value in ratings:
        moment = _readable_time(rated_at)
        if moment is not None and isinstance(value, int) and 0 <= value <= 10:
            by_goal.setdefault(goal_id, []).append(GoalRating(moment, value))
    found = []
    for goal_id, uuid, text, added_at, state, closed_at in rows:
        added = _readable_time(added_at)
        if added is None or state not in {s.value for s in GoalState}:
            continue
        found.append(
            Goal(
                id=goal_id,
                uuid=clean_line(str(uuid)),
                text=clean_line(str(text)),
                added=added,
                state=GoalState(state),
                closed=_readable_time(closed_at),
                ratings=tuple(by_goal.get(goal_id, ())),
            )
        )
    return found


def _active_ids(db: sqlite3.Connection) -> list[int]:
    rows = db.execute("SELECT id FROM goals WHERE state = 'active' ORDER BY id").fetchall()
    return [row[0] for row in rows]


def add_goal(history: History, text: str, *, now: datetime) -> int:
    """Store a new goal; its number. At most MAX_ACTIVE_GOALS are followed at once."""
    line = goal_text(text)
    with history.writing() as db:
        if len(_active_ids(db)) >= MAX_ACTIVE_GOALS:
            raise GoalError(
                f"you follow {MAX_ACTIVE_GOALS} goals already, the most that stay useful: "
                "mark one done (backpain goals done N) or remove one first"
            )
        cursor = db.execute(
            "INSERT INTO goals (uuid, text, added_at) VALUES (?, ?, ?)",
            (str(uuid4()), line, utc_text(now)),
        )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _no_such_goal(number: int, active: list[int]) -> GoalError:
    listed = ", ".join(map(str, active)) if active else "none yet (backpain goals add TEXT)"
    return GoalError(f"there is no goal {number} you follow now; your goals: {listed}")


def close_goal(history: History, number: int, state: GoalState, *, now: datetime) -> str:
    """Mark a followed goal done or removed; its text."""
    with history.writing() as db:
        active = _active_ids(db)
        if number not in active:
            raise _no_such_goal(number, active)
        db.execute(
            "UPDATE goals SET state = ?, closed_at = ? WHERE id = ?",
            (state.value, utc_text(now), number),
        )
        row = db.execute("SELECT text FROM goals WHERE id = ?", (number,)).fetchone()
    return clean_line(str(row[0]))


def rate_goals(history: History, scores: Mapping[int, int], *, now: datetime) -> None:
    """Store one rating for each goal number given, all or none."""
    with history.writing() as db:
        active = _active_ids(db)
        for number in scores:
            if number not in active:
                raise _no_such_goal(number, active)
        db.executemany(
            "INSERT INTO goal_ratings (uuid, goal_id, rated_at, score) VALUES (?, ?, ?, ?)",
            [(str(uuid4()), number, utc_text(now), value) for number, value in scores.items()],
        )


# -- what got in the way -------------------------------------------------------------


def barriers(history: History) -> list[Barrier]:
    with history.reading() as db:
        rows = db.execute(
            "SELECT missed_on, asked_at, reason, detail FROM barriers ORDER BY missed_on"
        ).fetchall()
    found = []
    for missed_on, asked_at, reason, detail in rows:
        asked = _readable_time(asked_at)
        try:
            day = date.fromisoformat(missed_on) if isinstance(missed_on, str) else None
        except ValueError:
            day = None
        if asked is None or day is None or (reason is not None and reason not in REASONS):
            continue
        found.append(Barrier(day, asked, reason, clean_line(str(detail or ""))))
    return found


def record_barrier(
    history: History, missed_on: date, reason: str | None, detail: str = "", *, now: datetime
) -> None:
    """Store the answer for a missed day (None: asked and skipped), once per day."""
    if reason is not None and reason not in REASONS:
        raise ValueError(f"not a reason: {reason}")
    words = clean_line(" ".join(detail.split()))[:MAX_DETAIL_LENGTH]
    with history.writing() as db:
        db.execute(
            "INSERT OR IGNORE INTO barriers (uuid, missed_on, asked_at, reason, detail) "
            "VALUES (?, ?, ?, ?, ?)",
            (str(uuid4()), missed_on.isoformat(), utc_text(now), reason, words),
        )


# -- questions asked -------------------------------------------------------------------


def last_asked(history: History, kinds: Iterable[str]) -> dict[str, datetime]:
    """When each kind of question was last asked (kinds never asked are left out)."""
    names = list(kinds)
    marks = ",".join("?" * len(names))
    with history.reading() as db:
        rows = db.execute(
            f"SELECT kind, asked_at FROM questions WHERE kind IN ({marks})", names
        ).fetchall()
    found = {kind: _readable_time(text) for kind, text in rows}
    return {kind: moment for kind, moment in found.items() if moment is not None}


def mark_asked(history: History, kind: str, *, now: datetime) -> None:
    with history.writing() as db:
        db.execute(
            "INSERT INTO questions (kind, asked_at) VALUES (?, ?) "
            "ON CONFLICT (kind) DO UPDATE SET asked_at = excluded.asked_at",
            (kind, utc_text(now)),
        )


# -- in history files (`history export`, `import`, `report --history`) -------------------


class GoalEntry(NamedTuple):
    """A goal from a history file, as stored: times as UTC text."""

    uuid: str
    text: str
    added_at: str
    state: str
    closed_at: str | None
    ratings: tuple[tuple[str, str, int], ...]  # (uuid, rated_at, score) each


class BarrierEntry(NamedTuple):
    """An answer to "what got in the way?" from a history file."""

    uuid: str
    missed_on: str  # YYYY-MM-DD
    asked_at: str
    reason: str | None
    detail: str


# What the history's tables allow (history/database.py, v4): how a plan was moved, and
# the answers to the next-morning check.
PLAN_CHANGE_KINDS = ("manual", "step-back", "flag")
MORNING_ANSWERS = ("better", "same", "worse")


class PlanChangeEntry(NamedTuple):
    """A recorded move of a routine's plan (`backpain plan`, or the therapist's pain
    rule stepping back or holding it) from a history file."""

    uuid: str
    routine: str
    changed_at: str
    step: int
    kind: str  # one of PLAN_CHANGE_KINDS
    detail: str  # the rule's reason, in backpain's words


class MorningCheckEntry(NamedTuple):
    """An answer to the next-morning check about one session, from a history file."""

    uuid: str
    session_uuid: str
    asked_at: str
    answer: str | None  # one of MORNING_ANSWERS; None: asked and skipped


class ForgottenEntry(NamedTuple):
    """A session `history forget` removed on the machine that wrote the line: it is
    removed here too, and never comes back from any file."""

    uuid: str  # the session's
    forgotten_at: str


JournalEntry = GoalEntry | BarrierEntry | PlanChangeEntry | MorningCheckEntry | ForgottenEntry

# The forgotten sessions that a history file can carry: the trigger that keeps them
# writes these forms, a row edited by hand into another is left out (a line the other
# machines would refuse would stop them reading the whole file).
_HEX4 = "[0-9a-f]" * 4
_TWO = "[0-9][0-9]"
_FORGOTTEN = f"""SELECT rowid, uuid, forgotten_at FROM forgotten
    WHERE uuid GLOB '{_HEX4 * 2}-{_HEX4}-{_HEX4}-{_HEX4}-{_HEX4 * 3}'
    AND forgotten_at GLOB '{_TWO * 2}-{_TWO}-{_TWO}T{_TWO}:{_TWO}:{_TWO}.[0-9]{_TWO}+00:00'
    AND rowid > ? ORDER BY forgotten_at, uuid"""
# The kinds whose rows are only ever added (never changed in place): a sync pushes the
# rows past the last id it pushed, where goals (whose state and ratings change) go whole.
APPEND_ONLY = ("barriers", "plan_changes", "morning_checks", "forgotten")


def journal_lines(
    history: History,
    *,
    notes: bool = True,
    pain: bool = True,
    forgotten: bool = False,
    after: dict[str, int] | None = None,
) -> list[str]:
    """The goals (with their ratings), the answers, the plan's moves and the
    next-morning checks as lines of a history file; without `notes` an answer's own
    words are left out, like a session's note; without `pain` the next-morning checks
    and the reasons of the plan's moves (they speak of pain) are, like a session's
    pain. With `forgotten` (the sync folder; never an export, where a forgotten session
    is simply not there), the sessions `history forget` removed too. With `after` (the
    sync folder: each of `APPEND_ONLY` to the last id pushed), only the rows past those
    ids of the kinds that are only added, and `after` is moved to the last of each."""
    since = after if after is not None else {}
    with history.reading() as db:
        goals = db.execute(
            "SELECT id, uuid, text, added_at, state, closed_at FROM goals ORDER BY id"
        ).fetchall()
        ratings = db.execute(
            "SELECT goal_id, uuid, rated_at, score FROM goal_ratings ORDER BY rated_at, id"
        ).fetchall()
        answers = db.execute(
            "SELECT id, uuid, missed_on, asked_at, reason, detail FROM barriers "
            "WHERE id > ? ORDER BY missed_on",
            (since.get("barriers", 0),),
        ).fetchall()
        moves = db.execute(
            "SELECT id, uuid, routine, changed_at, step, kind, detail FROM plan_changes "
            "WHERE id > ? ORDER BY changed_at, id",
            (since.get("plan_changes", 0),),
        ).fetchall()
        mornings = db.execute(
            "SELECT id, uuid, session_uuid, asked_at, answer FROM morning_checks "
            "WHERE id > ? ORDER BY asked_at, id",
            (since.get("morning_checks", 0),),
        ).fetchall()
        gone = db.execute(_FORGOTTEN, (since.get("forgotten", 0),)).fetchall() if forgotten else []
    if after is not None:
        for table, rows in zip(APPEND_ONLY, (answers, moves, mornings, gone), strict=True):
            after[table] = max([after.get(table, 0), *(row[0] for row in rows)])
    by_goal: dict[int, list[dict[str, object]]] = {}
    for goal_id, uuid, rated_at, score in ratings:
        by_goal.setdefault(goal_id, []).append({"uuid": uuid, "at": rated_at, "score": score})
    lines = [
        {"kind": "goal", "uuid": uuid, "text": text, "added_at": added, "state": state,
         "closed_at": closed, "ratings": by_goal.get(goal_id, [])}
        for goal_id, uuid, text, added, state, closed in goals
    ]  # fmt: skip
    lines += [
        {"kind": "barrier", "uuid": uuid, "missed_on": day, "asked_at": asked,
         "reason": reason, "detail": detail if notes else ""}
        for _, uuid, day, asked, reason, detail in answers
    ]  # fmt: skip
    lines += [
        {"kind": "plan_change", "uuid": uuid, "routine": routine, "changed_at": changed,
         "step": step, "change": kind, "detail": detail if pain else ""}
        for _, uuid, routine, changed, step, kind, detail in moves
    ]  # fmt: skip
    lines += [
        {"kind": "morning_check", "uuid": uuid, "session_uuid": session, "asked_at": asked,
         "answer": answer}
        for _, uuid, session, asked, answer in (mornings if pain else [])
    ]  # fmt: skip
    lines += [{"kind": "forgotten", "uuid": uuid, "forgotten_at": at} for _, uuid, at in gone]
    return [json.dumps(line, ensure_ascii=False) + "\n" for line in lines]


def merge_forgotten(db: sqlite3.Connection, entries: Iterable[JournalEntry]) -> int:
    """Forget here the sessions forgotten where the lines were written, inside the
    caller's transaction, and remember their UUIDs (with the time they were forgotten
    there) so that no file brings them back; a session never seen here is remembered
    too, for it may come later from another file. Returns how many sessions were
    removed here."""
    removed = 0
    for entry in entries:
        if isinstance(entry, ForgottenEntry):
            db.execute("INSERT OR IGNORE INTO forgotten (uuid, forgotten_at) VALUES (?, ?)", entry)
            found = db.execute("SELECT id FROM sessions WHERE uuid = ?", (entry.uuid,))
            removed += forget_sessions(db, [row[0] for row in found.fetchall()])
    return removed


def merge_journal(db: sqlite3.Connection, entries: Iterable[JournalEntry]) -> int:
    """Add the goals, ratings, answers, plan moves and next-morning checks not here yet
    (by their UUIDs; an answer for a day, or a check of a session, already answered here
    is left as it is), inside the caller's transaction. A goal from elsewhere gets the
    next number here. Returns how many were added."""
    added = 0
    for entry in entries:
        if isinstance(entry, ForgottenEntry):
            continue  # `merge_forgotten`, before the sessions
        if isinstance(entry, PlanChangeEntry):
            added += db.execute(
                "INSERT OR IGNORE INTO plan_changes (uuid, routine, changed_at, step, kind, "
                "detail) VALUES (?, ?, ?, ?, ?, ?)",
                entry,
            ).rowcount
            continue
        if isinstance(entry, MorningCheckEntry):
            added += db.execute(
                "INSERT INTO morning_checks (uuid, session_uuid, asked_at, answer) "
                "SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM morning_checks "
                "WHERE uuid = ? OR session_uuid = ?)",
                (*entry, entry.uuid, entry.session_uuid),
            ).rowcount
            continue
        if isinstance(entry, BarrierEntry):
            added += db.execute(
                "INSERT OR IGNORE INTO barriers (uuid, missed_on, asked_at, reason, detail) "
                "VALUES (?, ?, ?, ?, ?)",
                entry,
            ).rowcount
            continue
        row = db.execute("SELECT id FROM goals WHERE uuid = ?", (entry.uuid,)).fetchone()
        if row is None:
            goal_id = db.execute(
                "INSERT INTO goals (uuid, text, added_at, state, closed_at) VALUES (?, ?, ?, ?, ?)",
                entry[:5],
            ).lastrowid
            added += 1
        else:
            goal_id = row[0]
        for uuid, rated_at, score in entry.ratings:
            added += db.execute(
                "INSERT OR IGNORE INTO goal_ratings (uuid, goal_id, rated_at, score) "
                "VALUES (?, ?, ?, ?)",
                (uuid, goal_id, rated_at, score),
            ).rowcount
    return added
