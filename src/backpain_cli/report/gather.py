"""The report's facts, gathered: the period's sessions and what the history keeps about
each routine (read from the store), and each routine's file (read through the reader it
is given), handed to the pure `contents.build_report`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, tzinfo
from typing import TYPE_CHECKING

from backpain_cli.errors import BackpainError
from backpain_cli.history import journal, overview, stats
from backpain_cli.history.outcomes import outcomes
from backpain_cli.history.progress import morning_answers, position
from backpain_cli.history.records import SessionRecord
from backpain_cli.history.zone import zone_name
from backpain_cli.progression.explain import TALK_FIRST, step_doses
from backpain_cli.progression.resolver import FLAG, resolve
from backpain_cli.report.contents import (
    Prescription,
    Report,
    build_report,
    in_period,
    plan_from_history,
    plan_from_routine,
)
from backpain_cli.routines.model import Frequency, Routine
from backpain_cli.routines.stepping import at_step
from backpain_cli.text import clean_line

if TYPE_CHECKING:
    from backpain_cli.history.store import History


class NoSuchRoutine(BackpainError):
    """--routine names neither a routine file nor anything in the history."""


def report_from_store(
    store: History | None,
    *,
    first: date,
    routine: str | None,
    now: datetime,
    zone: tzinfo,
    version: str,
    read_routine: Callable[[str], Routine | None],
    pain: bool = True,
    notes: bool = True,
) -> Report:
    """The report the command shows, over the sessions from `first` (a day) to today in
    the store (None: no history yet). Routines are grouped into plans exactly as `stats`
    groups them (`overview.plans`: variants count toward the routine they name in
    `counts_as`, each plan counted from its first recorded session); each plan is
    described by its routine file where it loads, else by the history. `routine`: only
    the plan it is in."""
    sessions: list[SessionRecord] = []
    recorded: dict[str, Frequency | None] = {}
    recorded_plans: dict[str, str] = {}
    first_starts: dict[str, datetime] = {}
    measures = outcomes((), (), (), first=first, now=now, zone=zone, pain=pain)
    answered: dict[str, int] = {}
    if store is not None:
        start = datetime.combine(first, time(), tzinfo=zone)
        with store, store.snapshot():
            answered = morning_answers(store, since=start) if pain else {}
            sessions = store.sessions(since=start, with_exercises=True)
            recorded = store.frequencies()
            recorded_plans = store.plans()
            first_starts = store.first_starts()
            measures = outcomes(
                journal.goals(store),
                journal.barriers(store),
                store.pain_ratings() if pain else (),
                first=first,
                now=now,
                zone=zone,
                pain=pain,
            )
    today = stats.today_in(now, zone)
    sessions = in_period(sessions, first, today, zone)
    counted = Counter(session.routine for session in sessions if stats.counted(session))
    played = {session.routine for session in sessions}
    names = sorted(played, key=lambda name: (-counted[name], name))
    routines: dict[str, Routine | None] = {}

    def read(name: str) -> Routine | None:
        if name not in routines:
            routines[name] = read_routine(name)
        return routines[name]

    def facts(name: str) -> overview.RoutineFacts:
        found = read(name)
        if found is None:
            raise LookupError(name)
        return overview.RoutineFacts(found.frequency, found.counts_as)

    if routine is not None and routine not in names:
        names.append(routine)
    planned = overview.plans(
        names, recorded_plans=recorded_plans, recorded_frequencies=recorded, lookup=facts
    )
    grouped = {name for plan in planned for name in plan.members}
    # A routine with neither a file nor a recorded frequency (sessions from before the
    # history kept one) is still reported, without a frequency.
    planned += [overview.Plan(name, None, (name,)) for name in names if name not in grouped]
    if routine is not None:
        planned = [plan for plan in planned if routine in (plan.name, *plan.members)]
        if not counted[routine] and read(routine) is None and routine not in recorded:
            raise NoSuchRoutine(
                f"no routine called '{routine}', and no sessions of it in your history"
            )

    def describe(name: str, frequency: Frequency | None) -> Prescription:
        found = read(name)
        if found is not None and found.progression is not None:
            return _stepped(found, frequency, store, now, zone)
        if found is not None:
            return plan_from_routine(found, frequency=frequency)
        return plan_from_history(name, sessions, frequency=frequency)

    plans = [
        replace(
            describe(plan.name, plan.frequency),
            members=frozenset(overview.all_members(plan, recorded_plans)),
            variants=tuple((name, counted[name]) for name in plan.variants),
            first_day=overview.first_days(
                first_starts, plan, zone, previewed=today if played & {*plan.members} else None
            ),
            played=tuple(describe(name, None) for name in plan.variants if counted[name]),
        )
        for plan in planned
    ]
    report = build_report(
        sessions,
        plans,
        first=first,
        now=now,
        zone=zone,
        zone_label=zone_name(zone),
        version=version,
        pain=pain,
        notes=notes,
        measures=measures,
    )
    if any(answered.values()):
        report = replace(report, mornings=tuple(answered.items()))
    return report


def _stepped(
    routine: Routine,
    frequency: Frequency | None,
    store: History | None,
    now: datetime,
    zone: tzinfo,
) -> Prescription:
    """A routine with a plan of steps: the doses of its current step, and each step's
    doses with the date it began; every firing of the pain rule."""

    assert routine.progression is not None
    where = (
        position(store.path, routine, now)
        if store is not None
        else resolve(routine.progression, routine.name, ())
    )
    began = {move.step: _day(move.at, zone) for move in where.moves}
    steps = tuple(
        (
            f"{step} (now)" if step == where.step else str(step),
            step_doses(routine, step),
            f"since {began[step]}" if step in began else ("from the start" if step == 1 else ""),
        )
        for step in range(1, where.steps + 1)
    )
    firings = tuple(
        f"{_day(change.at, zone)}: "
        + ("flagged" if change.kind == FLAG else f"stepped back to step {change.step}")
        + f" ({clean_line(str(change.detail))})"
        for change in where.fired
    )
    if where.held:
        firings += (f"Held at step {where.step} of {where.steps}: {TALK_FIRST}.",)
    plan = plan_from_routine(at_step(routine, where.step), frequency=frequency)
    return replace(plan, steps=steps, firings=firings)


def _day(at: object, zone: tzinfo) -> str:
    """`Mon 07 Dec` of a recorded UTC time (as written, if a hand edit made it no time)."""
    try:
        return f"{datetime.fromisoformat(str(at)).astimezone(zone):%a %d %b}"
    except ValueError:
        return clean_line(str(at))[:10]
