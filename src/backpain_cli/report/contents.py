"""The report for a physical therapist, as plain values: what was prescribed, how it was
kept, how pain went, what hurt, and the person's notes. Pure: no I/O and no clock (the
records, "now" and the time zone are arguments), so the renderers (`html_page`,
`markdown_page`) only lay it out.

Every number comes from the same functions `stats` uses (`stats.kept_between`,
`stats.day_marks`, `stats.pain_change`), so a report and `stats` agree on any period.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo
from typing import TYPE_CHECKING

from backpain_cli.history import stats
from backpain_cli.history.outcomes import Outcomes
from backpain_cli.history.records import ExerciseRecord, ExerciseStatus, SessionRecord
from backpain_cli.routines.model import Frequency, Routine
from backpain_cli.text import plural

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class Dose:
    exercise: str  # the exercise's name
    dose: str  # e.g. "30 s × 3 each side", or "6 holds" when only the history knows it
    image: str = ""  # the exercise's checked picture file, "" for none
    rating: str = ""  # `rate_each`: the mean rating after it, e.g. "effort 5.5 (2 ratings)"


@dataclass(frozen=True)
class Prescription:
    """What was prescribed: from the routine file, or from the history when the file no
    longer loads (then the doses are the holds the last session planned)."""

    name: str
    title: str
    frequency: Frequency | None
    source: str
    doses: tuple[Dose, ...]
    from_file: bool
    disclaimer: str = ""
    members: frozenset[str] = frozenset()  # routines counting toward it (empty: itself)
    variants: tuple[tuple[str, int], ...] = ()  # other routines played, with sessions
    first_day: date | None = None  # the plan's first recorded session: counted from there
    file_note: str = ""  # without the file: why, and that the history describes it
    played: tuple[Prescription, ...] = ()  # the variants played in the period: own doses
    # A routine with a `progression:`: its steps (step, doses, when it began), the current
    # one marked, and every firing of the pain rule, oldest first.
    steps: tuple[tuple[str, str, str], ...] = ()
    firings: tuple[str, ...] = ()


def plan_from_routine(routine: Routine, *, frequency: Frequency | None) -> Prescription:
    return Prescription(
        name=routine.name,
        title=routine.title,
        frequency=frequency,
        source=routine.source,
        doses=tuple(
            Dose(exercise.name, exercise.dose, exercise.image) for exercise in routine.exercises
        ),
        from_file=True,
        disclaimer=routine.disclaimer,
    )


def plan_from_history(
    name: str, sessions: Sequence[SessionRecord], *, frequency: Frequency | None
) -> Prescription:
    """The plan as the history remembers it: the exercises of the latest session with
    the most exercises recorded (an unfinished session may lack the last ones)."""
    mine = [session for session in sessions if session.routine == name]
    fullest = max(reversed(mine), key=lambda session: len(session.exercises), default=None)
    doses: tuple[Dose, ...] = ()
    if fullest is not None:
        doses = tuple(
            Dose(exercise.name, _recorded_dose(exercise)) for exercise in fullest.exercises
        )
    path = next((s.routine_path for s in reversed(mine) if s.routine_path), None)
    if mine and all(session.origin for session in mine):
        note = "The routine file is not on this machine"
    elif path:
        note = f"The routine file {path} is not there any more"
    else:
        note = "The routine file no longer exists"
    note += "; its name and exercises are as the history recorded them."
    return Prescription(name, name, frequency, "", doses, from_file=False, file_note=note)


def _recorded_dose(exercise: ExerciseRecord) -> str:
    """What the history knows of a dose: the timed steps planned (a hold, or one rep of
    a paced movement, on one side), as reps, per side when it was done on sides."""
    if not exercise.holds_planned:
        return ""
    sides = len(exercise.sides_done)
    if sides > 1 and exercise.holds_planned % sides == 0:
        return f"{plural(exercise.holds_planned // sides, 'rep')} each side"
    return plural(exercise.holds_planned, "rep")


@dataclass(frozen=True)
class RoutinePart:
    plan: Prescription
    days: tuple[stats.DayMark, ...]  # one a day counted; empty without a frequency
    kept: stats.Kept | None  # None: the routine has no frequency
    sessions: int
    completed: int
    counted_from: date | None = None  # later than the period's start: the plan began then


@dataclass(frozen=True)
class PainPoint:
    started: datetime  # local time
    before: float | None  # a rating, or a week's mean of them (one decimal)
    after: float | None


@dataclass(frozen=True)
class Hurt:
    exercise: str
    days: tuple[date, ...]  # each day it was stopped with "this hurts", oldest first


@dataclass(frozen=True)
class Skipped:
    exercise: str
    skipped: int
    offered: int  # sessions that reached it


@dataclass(frozen=True)
class Note:
    started: datetime  # local time
    routine: str
    text: str


@dataclass(frozen=True)
class Report:
    first: date
    last: date  # today
    generated: datetime  # local time
    zone: str
    version: str
    routines: tuple[RoutinePart, ...]
    sessions: int
    completed: int
    pain: tuple[PainPoint, ...] | None  # None: left out (--no-pain)
    change: stats.PainChange | None
    hurts: tuple[Hurt, ...] | None
    skipped: tuple[Skipped, ...]
    notes: tuple[Note, ...] | None  # None: left out (--no-notes)
    outcomes: Outcomes  # the person's goals, the pain change that matters, barriers
    sped_up: int = 0  # sped-up sessions recorded with --record: left out of every figure
    # The next-morning check about the period's sessions: (better, same, worse) counts;
    # empty when none was answered (or --no-pain).
    mornings: tuple[tuple[str, int], ...] = ()

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def in_period(
    sessions: Iterable[SessionRecord], first: date, last: date, zone: tzinfo
) -> list[SessionRecord]:
    return [s for s in sessions if first <= stats.local_day(s.started, zone) <= last]


def build_report(
    sessions: Sequence[SessionRecord],
    plans: Sequence[Prescription],
    *,
    first: date,
    now: datetime,
    zone: tzinfo,
    zone_label: str,
    version: str,
    pain: bool = True,
    notes: bool = True,
    measures: Outcomes,
) -> Report:
    """The report from `first` to today over `sessions` (their exercises loaded), for
    the routines in `plans` (in that order). Sped-up sessions (`--speed` with `--record`)
    are a preview, not exercise: they are left out of every figure and only counted."""
    last = stats.today_in(now, zone)
    members = {plan.name: plan.members or frozenset({plan.name}) for plan in plans}
    names = set().union(*members.values())
    played = [s for s in in_period(sessions, first, last, zone) if s.routine in names]
    period = [s for s in played if stats.counted(s)]
    parts = []
    for plan in plans:
        mine = [s for s in period if s.routine in members[plan.name]]
        days: tuple[stats.DayMark, ...] = ()
        kept = None
        counted = max(first, plan.first_day) if plan.first_day is not None else first
        if plan.frequency is not None:
            days = tuple(
                stats.day_marks(
                    plan.name, plan.frequency, mine, first=counted, last=last, now=now,
                    zone=zone, members=members[plan.name],
                )
            )  # fmt: skip
            kept = stats.kept_between(
                plan.name, plan.frequency, mine, first=counted, last=last, now=now,
                zone=zone, members=members[plan.name],
            )  # fmt: skip
        parts.append(
            RoutinePart(
                _rated(plan, mine),
                days,
                kept,
                len(mine),
                sum(s.completed for s in mine),
                counted if counted > first else None,
            )
        )
    return Report(
        first=first,
        last=last,
        generated=now.astimezone(zone),
        zone=zone_label,
        version=version,
        routines=tuple(parts),
        sessions=len(period),
        completed=sum(s.completed for s in period),
        pain=_pain_points(period, zone) if pain else None,
        change=stats.pain_change(period) if pain else None,
        hurts=_hurts(period, zone) if pain else None,
        skipped=_skipped(period),
        notes=_notes(period, zone) if notes else None,
        sped_up=len(played) - len(period),
        outcomes=measures,
    )


def _rated(plan: Prescription, sessions: Sequence[SessionRecord]) -> Prescription:
    """The plan with each exercise's mean rating after it (`rate_each`) in `sessions`."""
    given: dict[str, list[tuple[int, str]]] = {}
    for session in sessions:
        for exercise in session.exercises:
            if exercise.rating is not None:
                given.setdefault(exercise.name, []).append(
                    (exercise.rating, str(exercise.rating_kind))
                )
    if not given:
        return plan
    doses = []
    for dose in plan.doses:
        found = given.get(dose.exercise, [])
        kinds = sorted({kind for _, kind in found})
        if found:
            mean = sum(rating for rating, _ in found) / len(found)
            dose = replace(
                dose, rating=f"{'/'.join(kinds)} {mean:.1f} ({plural(len(found), 'rating')})"
            )
        doses.append(dose)
    return replace(plan, doses=tuple(doses))


def _pain_points(sessions: Sequence[SessionRecord], zone: tzinfo) -> tuple[PainPoint, ...]:
    return tuple(
        PainPoint(s.started.astimezone(zone), s.pain_before, s.pain_after)
        for s in sessions
        if s.pain_before is not None or s.pain_after is not None
    )


def _hurts(sessions: Sequence[SessionRecord], zone: tzinfo) -> tuple[Hurt, ...]:
    days: dict[str, list[date]] = {}
    for session in sessions:
        for exercise in session.exercises:
            if exercise.status is ExerciseStatus.STOPPED_FOR_PAIN:
                found = days.setdefault(exercise.name, [])
                day = stats.local_day(session.started, zone)
                if day not in found:
                    found.append(day)
    return tuple(Hurt(name, tuple(found)) for name, found in days.items())


def _skipped(sessions: Sequence[SessionRecord]) -> tuple[Skipped, ...]:
    """Exercises skipped at least once, the most skipped first."""
    offered: Counter[str] = Counter()
    skipped: Counter[str] = Counter()
    for session in sessions:
        for exercise in session.exercises:
            offered[exercise.name] += 1
            skipped[exercise.name] += exercise.status is ExerciseStatus.SKIPPED
    ranked = sorted(
        (name for name in skipped if skipped[name]),
        key=lambda name: (-skipped[name], -skipped[name] / offered[name], name),
    )
    return tuple(Skipped(name, skipped[name], offered[name]) for name in ranked)


def _notes(sessions: Sequence[SessionRecord], zone: tzinfo) -> tuple[Note, ...]:
    return tuple(
        Note(s.started.astimezone(zone), s.routine, " ".join(s.note.split()))
        for s in sessions
        if s.note.strip()
    )
