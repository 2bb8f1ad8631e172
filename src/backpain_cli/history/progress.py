"""A routine's progression in the history: the sessions and recorded changes its current
step is worked out from (by `progression.resolver`), and the changes `plan --step N`
records."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from uuid import uuid4

from backpain_cli.errors import HistoryError
from backpain_cli.history.database import utc_text
from backpain_cli.history.store import History, open_for_reading
from backpain_cli.progression.resolver import PlanChange, Position, SessionRow, resolve
from backpain_cli.routines.model import Routine


def plan_sessions(history: History, routine: str) -> list[SessionRow]:
    """The sessions that may count toward `routine`'s plan. Only completed ones at normal
    speed are read (ten years of them for `start` and `today`); the resolver checks
    every row again."""
    with history.reading() as db:
        rows: list[SessionRow] = db.execute(
            "SELECT started_at, outcome, speed, routine, counts_as FROM sessions "
            "WHERE (routine = ? OR counts_as = ?) AND outcome = 'completed' AND speed = 1",
            (routine, routine),
        ).fetchall()
    return rows


def plan_changes(history: History, routine: str) -> list[PlanChange]:
    with history.reading() as db:
        rows = db.execute(
            "SELECT changed_at, step, kind, detail, id FROM plan_changes WHERE routine = ?",
            (routine,),
        ).fetchall()
    return [PlanChange(*row) for row in rows]


def record_change(
    history: History, routine: str, *, at: datetime, step: int, kind: str, detail: str = ""
) -> None:
    with history.writing() as db:
        db.execute(
            "INSERT INTO plan_changes (uuid, routine, changed_at, step, kind, detail) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (str(uuid4()), routine, utc_text(at), step, kind, detail),
        )


def position(history_file: Path, routine: Routine) -> Position:
    """Where the plan of `routine` (one with a progression) stands. Without a history
    (none yet, or one that cannot be read) the plan is at its first step."""
    plan = routine.progression
    assert plan is not None
    try:
        history = open_for_reading(history_file)
        if history is None:
            return resolve(plan, routine.name, ())
        with history:
            sessions = plan_sessions(history, routine.name)
            return resolve(plan, routine.name, sessions, plan_changes(history, routine.name))
    except HistoryError:  # `start` says what is wrong with it when it records
        return resolve(plan, routine.name, ())
