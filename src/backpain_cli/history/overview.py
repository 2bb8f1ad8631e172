"""The `stats` and `today` pipelines: from the store to the figures the views show.

The store, the clock, the time zone and a routine lookup are passed in (the command
line builds the real ones), so every step can be driven by tests. `RoutineLookup`
answers a routine's frequency and `counts_as` from its file, and raises `LookupError`
for a routine that no longer loads (it is then left out).

Routines are grouped into plans (`plans`): a routine with `counts_as: upper-back`
counts toward upper-back's frequency. What each routine counts toward is taken from its
latest recorded session (v3 and later), else from its file; a `counts_as` that names a
routine that does not load counts toward the routine itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, NamedTuple

from backpain_cli.history import journal, stats
from backpain_cli.history.outcomes import outcomes

CALENDAR_WEEKS = 12  # the calendar of `stats`: the last 12 weeks, this week last

if TYPE_CHECKING:
    from backpain_cli.history.store import History
    from backpain_cli.history.views import StatsView
    from backpain_cli.routines.model import Frequency


class RoutineFacts(NamedTuple):
    """What a routine's file says about how often it is done."""

    frequency: Frequency | None
    counts_as: str | None = None


RoutineLookup = Callable[[str], RoutineFacts]


class Plan(NamedTuple):
    """A routine with its frequency, and every routine that counts toward it."""

    name: str
    frequency: Frequency | None
    members: tuple[str, ...]  # the routines played that count toward it, in `names` order

    @property
    def variants(self) -> tuple[str, ...]:
        """The members other than the plan's own routine."""
        return tuple(member for member in self.members if member != self.name)


def plans(
    names: Sequence[str],
    *,
    recorded_plans: dict[str, str],
    recorded_frequencies: dict[str, Frequency | None],
    lookup: RoutineLookup,
) -> list[Plan]:
    """The plans of `names` (most important first), each routine in one plan. Recorded
    facts come first; only routines without them need their files (and YAML)."""
    facts: dict[str, RoutineFacts | None] = {}

    def look(name: str) -> RoutineFacts | None:
        if name not in facts:
            try:
                facts[name] = lookup(name)
            except LookupError:
                facts[name] = None
        return facts[name]

    def frequency(name: str) -> tuple[bool, Frequency | None]:
        """(known, the frequency): unknown for a routine neither recorded nor loading."""
        if name in recorded_frequencies:
            return True, recorded_frequencies[name]
        found = look(name)
        return found is not None, found.frequency if found is not None else None

    def exists(name: str) -> bool:
        return name in recorded_frequencies or look(name) is not None

    members: dict[str, list[str]] = {}
    for name in names:
        if name in recorded_plans:
            plan = recorded_plans[name]
        else:
            found = look(name)
            plan = (found.counts_as if found is not None else None) or name
        if plan != name and not exists(plan):
            plan = name  # counts_as names a routine that does not load
        members.setdefault(plan, []).append(name)
    found_plans = []
    for plan, played in members.items():
        known, often = frequency(plan)
        if known:  # a routine that no longer loads, with nothing recorded, is left out
            found_plans.append(Plan(plan, often, tuple(played)))
    return found_plans


def first_days(
    first_starts: dict[str, datetime], plan: Plan, zone: tzinfo, *, previewed: date | None = None
) -> date | None:
    """The local day of the plan's first recorded session (any member; a preview is not
    one, see `History.first_starts`); `previewed` (today) when it was only previewed,
    so that no day before a real first session is ever missed."""
    starts = [first_starts[name] for name in plan.members if name in first_starts]
    return stats.local_day(min(starts), zone) if starts else previewed


def stats_view(
    store: History,
    *,
    now: datetime,
    zone: tzinfo,
    weeks: int,
    days: int,
    lookup: RoutineLookup,
    since: date | None = None,
) -> StatsView | None:
    """Everything `backpain stats` shows; None when nothing is recorded (since the day
    `since`, when given: sessions before it are left out of every figure, the weeks and
    days shown start no earlier, and adherence is counted from it at the earliest)."""
    from backpain_cli.history.views import StatsView

    today = stats.today_in(now, zone)
    # Whole records only for the weeks and days shown; start times for streaks.
    window = now - timedelta(days=max(7 * weeks, days, 7 * 5, 7 * CALENDAR_WEEKS, 30) + 8)
    start = None if since is None else datetime.combine(since, time(), tzinfo=zone)
    with store, store.snapshot():
        starts = store.completed_starts()
        sessions = store.sessions(since=window if start is None else max(window, start))
        recorded = store.frequencies()
        recorded_plans = store.plans()
        first_starts = store.first_starts()
        measures = outcomes(
            journal.goals(store),
            journal.barriers(store),
            store.pain_ratings(),
            first=stats.today_in(now, zone) - timedelta(weeks=4),
            now=now,
            zone=zone,
        )
    if start is not None:  # the day `since`, at midnight
        starts = [moment for moment in starts if moment >= start]
        first_starts = {name: max(moment, start) for name, moment in first_starts.items()}
        first_day = start.date()
        weeks = min(weeks, (stats.week_start(today) - stats.week_start(first_day)).days // 7 + 1)
        days = min(days, (today - first_day).days + 1)
    if not starts and not sessions:
        return None
    planned = plans(
        stats.routines_in_use(sessions, now=now),
        recorded_plans=recorded_plans,
        recorded_frequencies=recorded,
        lookup=lookup,
    )
    adherence = []
    calendars = []
    calendar_first = stats.week_start(today) - timedelta(weeks=CALENDAR_WEEKS - 1)
    calendar_last = stats.week_start(today) + timedelta(days=6)
    for plan in planned:
        if plan.frequency is None:
            continue
        members = all_members(plan, recorded_plans)
        first = first_days(first_starts, plan, zone, previewed=today)  # played: in use

        this_week, before = (
            stats.adherence(
                plan.name, plan.frequency, sessions, now=now, zone=zone, weeks=weeks,
                weeks_back=back, members=members, first_day=first,
            )
            for weeks, back in ((1, 0), (4, 1))
        )  # fmt: skip
        adherence.append((this_week, before))
        calendars.append(
            stats.day_marks(
                plan.name,
                plan.frequency,
                sessions,
                first=max(calendar_first, first) if first is not None else calendar_first,
                last=calendar_last,
                now=now,
                zone=zone,
                members=members,
            )
        )
    days_done = {stats.local_day(start, zone) for start in starts}
    pain = stats.pain_by_day(sessions, now=now, zone=zone, days=days)
    first_day = pain[0].day
    # The previews in the days shown (the calendar, the weeks or the pain days): left
    # out of every figure, and `stats` says how many.
    shown = min(calendar_first, stats.week_start(today) - timedelta(weeks=weeks - 1), first_day)
    return StatsView(
        weeks=stats.weekly_counts(sessions, now=now, zone=zone, weeks=weeks),
        streaks=stats.streaks(days_done, today=stats.today_in(now, zone)),
        adherence=adherence,
        pain=pain,
        sparkline=stats.pain_by_day(sessions, now=now, zone=zone, days=30),
        change=stats.pain_change(
            [s for s in sessions if stats.local_day(s.started, zone) >= first_day]
        ),
        calendars=calendars,
        calendar_start=calendar_first,
        calendar_weeks=CALENDAR_WEEKS,
        today=today,
        outcomes=measures,
        since=since,
        previews=stats.previews(sessions, first=shown, last=today, zone=zone),
    )


class Today(NamedTuple):
    """What `backpain today` shows: each planned routine's due sessions, and the ones
    played without a frequency."""

    dues: list[stats.Due]
    without_frequency: list[str]
    day: date
    previews: int = 0  # today's sessions of these plans left out: previews (sped up)

    @property
    def all_done(self) -> bool:
        return all(due.satisfied for due in self.dues)


def today(
    store: History | None,
    routines: Sequence[str],
    *,
    now: datetime,
    zone: tzinfo,
    lookup: RoutineLookup,
) -> Today:
    """Due today for `routines`, or for every routine in use when none are named."""
    sessions = []
    recorded: dict[str, Frequency | None] = {}
    recorded_plans: dict[str, str] = {}
    if store is not None:
        with store, store.snapshot():
            sessions = store.sessions(since=now - timedelta(days=stats.DAYS_IN_USE + 8))
            recorded = store.frequencies()
            recorded_plans = store.plans()
    names = list(routines) or stats.routines_in_use(sessions, now=now)
    planned = plans(
        names,
        recorded_plans={} if routines else recorded_plans,  # named: their files decide
        recorded_frequencies={} if routines else recorded,
        lookup=lookup,
    )
    dues = [
        stats.due_today(
            plan.name,
            plan.frequency,
            sessions,
            now=now,
            zone=zone,
            members=all_members(plan, recorded_plans),
        )
        for plan in planned
        if plan.frequency is not None
    ]
    unplanned = [plan.name for plan in planned if plan.frequency is None]
    day = stats.today_in(now, zone)
    shown = {name for plan in planned for name in all_members(plan, recorded_plans)}
    mine = [session for session in sessions if session.routine in shown]
    return Today(dues, unplanned, day, stats.previews(mine, first=day, last=day, zone=zone))


def all_members(plan: Plan, recorded_plans: dict[str, str]) -> set[str]:
    """The plan's routines, and any other routine recorded as counting toward it."""
    return {*plan.members, plan.name} | {
        name for name, target in recorded_plans.items() if target == plan.name
    }
