"""A routine's progression in the history: the sessions and recorded changes its current
step is worked out from (by `progression.resolver`), and the changes `plan --step N`
records."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

from backpain_cli.errors import HistoryError
from backpain_cli.history.database import utc_text
from backpain_cli.history.store import History, open_for_reading, open_for_recording
from backpain_cli.progression.explain import TALK_FIRST
from backpain_cli.progression.resolver import (
    FLAG,
    STEP_BACK,
    PlanChange,
    Position,
    resolve,
    resolve_counted,
)
from backpain_cli.progression.rule import SessionPain, fires
from backpain_cli.routines.model import Routine


def _rows(history: History, sql: str, parameters: tuple[object, ...]) -> list[tuple[Any, ...]]:
    with history.reading() as db:
        return db.execute(sql, parameters).fetchall()


class HistorySessions:
    """The sessions that count toward a routine's plan, asked of the history by interval
    (`progression.resolver.CountedSessions`). The rule is `resolver.counts_toward` in SQL: a
    test holds the two to the same answers. Ten years of sessions are counted, not read:
    only those that can move the plan are (`start` and `today` pay for this)."""

    _COUNTS = (
        "FROM sessions WHERE (routine = ? OR counts_as = ?) AND outcome = 'completed' AND speed = 1"
    )

    def __init__(self, history: History, routine: str) -> None:
        self.history = history
        self.routine = routine

    def _where(self, after: str | None, until: str | None) -> tuple[str, tuple[object, ...]]:
        sql, parameters = self._COUNTS, [self.routine, self.routine]
        if after is not None:
            sql += " AND started_at > ?"
            parameters.append(after)
        if until is not None:
            sql += " AND started_at <= ?"
            parameters.append(until)
        return sql, tuple(parameters)

    def count(self, after: str | None, until: str | None) -> int:
        sql, parameters = self._where(after, until)
        return int(_rows(self.history, f"SELECT count(*) {sql}", parameters)[0][0])

    def first(self, after: str | None, until: str | None, limit: int) -> list[str]:
        sql, parameters = self._where(after, until)
        rows = _rows(
            self.history,
            f"SELECT started_at {sql} ORDER BY started_at LIMIT ?",
            (*parameters, limit),
        )
        return [str(row[0]) for row in rows]


def plan_changes(history: History, routine: str) -> list[PlanChange]:
    return [
        PlanChange(*row)
        for row in _rows(
            history,
            "SELECT changed_at, step, kind, detail, id FROM plan_changes WHERE routine = ?",
            (routine,),
        )
    ]


def planned_routines(history: History, *, since: datetime) -> set[str]:
    """The routines played at a step of a plan since `since`: those `today` looks at."""
    rows = _rows(
        history,
        # INDEXED BY: else SQLite walks every session by routine to find them distinct.
        "SELECT DISTINCT routine FROM sessions INDEXED BY sessions_by_start "
        "WHERE started_at >= ? AND plan_step IS NOT NULL",
        (utc_text(since),),
    )
    return {str(row[0]) for row in rows}


def record_change(
    history: History, routine: str, *, at: datetime, step: int, kind: str, detail: str = ""
) -> None:
    with history.writing() as db:
        db.execute(
            "INSERT INTO plan_changes (uuid, routine, changed_at, step, kind, detail) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (str(uuid4()), routine, utc_text(at), step, kind, detail),
        )


def position(history_file: Path, routine: Routine, now: datetime) -> Position:
    """Where the plan of `routine` (one with a progression) stands at `now`. Without a
    history (none yet, or one that cannot be read) the plan is at its first step."""
    plan = routine.progression
    assert plan is not None
    try:
        history = open_for_reading(history_file)
        if history is None:
            return resolve(plan, routine.name, ())
        with history, history.snapshot():
            sessions = HistorySessions(history, routine.name)
            return resolve_counted(plan, sessions, plan_changes(history, routine.name), now=now)
    except HistoryError:  # `start` says what is wrong with it when it records
        return resolve(plan, routine.name, ())


def pain_sessions(
    history: History, routine: str, step: int, since: str | None
) -> list[SessionPain]:
    """The sessions of `routine` played at normal speed at plan step `step` since `since`
    (when the step began), oldest first: what the pain rule looks at."""
    where = "routine = ? AND plan_step = ? AND speed = 1 AND started_at > ?"
    parameters = (routine, step, since or "")
    rows = _rows(
        history,
        "SELECT id, pain_before, pain_after, (SELECT answer FROM morning_checks m WHERE "
        "m.session_uuid = sessions.uuid ORDER BY m.id DESC LIMIT 1) "
        f"FROM sessions WHERE {where} ORDER BY started_at, id",
        parameters,
    )
    hurt: dict[int, list[str]] = {}
    for session_id, name in _rows(
        history,
        "SELECT session_id, name FROM session_exercises WHERE status = 'stopped-for-pain' "
        f"AND session_id IN (SELECT id FROM sessions WHERE {where})",
        parameters,
    ):
        hurt.setdefault(session_id, []).append(str(name))
    return [
        SessionPain(before, after, tuple(hurt.get(session_id, ())), morning)
        for session_id, before, after, morning in rows
    ]


# -- the next-morning check ----------------------------------------------------------


def unasked(history: History, *, start: datetime, end: datetime) -> list[tuple[str, str]]:
    """(uuid, routine) of the sessions completed at normal speed between `start` and
    `end` with no next-morning check yet, latest first."""
    rows = _rows(
        history,
        "SELECT uuid, routine FROM sessions WHERE started_at >= ? AND started_at < ? "
        "AND outcome = 'completed' AND speed = 1 AND uuid IS NOT NULL AND uuid NOT IN "
        "(SELECT session_uuid FROM morning_checks) ORDER BY started_at DESC, id DESC",
        (utc_text(start), utc_text(end)),
    )
    return [(str(uuid), str(routine)) for uuid, routine in rows]


def record_morning(
    history: History, sessions: list[str], *, at: datetime, answer: str | None
) -> None:
    """The answer (better, same, worse; None: skipped, so not asked again) for each of
    `sessions` (their uuids)."""
    with history.writing() as db:
        db.executemany(
            "INSERT INTO morning_checks (uuid, session_uuid, asked_at, answer) VALUES (?, ?, ?, ?)",
            [(str(uuid4()), session, utc_text(at), answer) for session in sessions],
        )


def morning_answers(history: History, *, since: datetime) -> dict[str, int]:
    """How often each answer was given about sessions since `since`: better, same, worse."""
    rows = _rows(
        history,
        "SELECT m.answer, count(*) FROM morning_checks m JOIN sessions s "
        "ON s.uuid = m.session_uuid WHERE s.started_at >= ? AND m.answer IS NOT NULL "
        "GROUP BY m.answer",
        (utc_text(since),),
    )
    counts = {str(answer): int(count) for answer, count in rows}
    return {answer: counts.get(answer, 0) for answer in ("better", "same", "worse")}


def apply_pain_rule(history_file: Path, routine: Routine, now: datetime) -> str | None:
    """After a session of `routine` (at its plan's current step): the therapist's pain
    rule, if it fires, recorded once a step (a flag holds the step; a step back moves it
    one step back). What to tell the person, or None."""

    plan = routine.progression
    rule = plan.pain_rule if plan is not None else None
    if plan is None or rule is None:
        return None
    history, _ = open_for_recording(history_file)
    if history is None:
        return None
    with history:
        where = resolve_counted(
            plan,
            HistorySessions(history, routine.name),
            plan_changes(history, routine.name),
            now=now,
        )
        if where.held:  # fired at this step already: it holds until moved by hand
            return None
        reason = fires(rule, pain_sessions(history, routine.name, where.step, where.began))
        if reason is None:
            return None
        if rule.action == "step back" and where.step > 1:
            back = where.step - 1
            record_change(history, routine.name, at=now, step=back, kind=STEP_BACK, detail=reason)
            return f"Your plan steps back to step {back} of {where.steps}: {reason}."
        record_change(history, routine.name, at=now, step=where.step, kind=FLAG, detail=reason)
        return (
            f"{TALK_FIRST[0].upper()}{TALK_FIRST[1:]}: {reason}. Your plan holds at step "
            f"{where.step} of {where.steps}."
        )
