"""The `stats` and `today` pipelines: from the store to the figures the views show.

The store, the clock, the time zone and a routine's frequency lookup are passed in (the
command line builds the real ones), so every step can be driven by tests.
`RoutineFrequency` answers a routine's frequency from its file, and raises `LookupError`
for a routine that no longer loads (it is then left out).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, NamedTuple

from backpain_cli.history import stats

if TYPE_CHECKING:
    from backpain_cli.history.store import History
    from backpain_cli.history.views import StatsView
    from backpain_cli.routines.model import Frequency

RoutineFrequency = Callable[[str], "Frequency | None"]


def frequencies(
    names: Sequence[str], recorded: dict[str, Frequency | None], lookup: RoutineFrequency
) -> list[tuple[str, Frequency | None]]:
    """Each routine's frequency: as recorded with its latest session, else from its file
    (routines that no longer load are left out)."""
    found = []
    for name in names:
        if name in recorded:
            found.append((name, recorded[name]))
            continue
        # Only routines never recorded with a frequency need their files (and YAML).
        try:
            found.append((name, lookup(name)))
        except LookupError:
            continue
    return found


def stats_view(
    store: History,
    *,
    now: datetime,
    zone: tzinfo,
    weeks: int,
    days: int,
    lookup: RoutineFrequency,
) -> StatsView | None:
    """Everything `backpain stats` shows; None when nothing is recorded."""
    from backpain_cli.history.views import StatsView

    # Whole records only for the weeks and days shown; start times for streaks.
    window = now - timedelta(days=max(7 * weeks, days, 7 * 5, 30) + 8)
    with store, store.snapshot():
        starts = store.completed_starts()
        sessions = store.sessions(since=window)
        recorded = store.frequencies()
    if not starts and not sessions:
        return None
    planned = frequencies(stats.routines_in_use(sessions, now=now), recorded, lookup)
    adherence = [
        (
            stats.adherence(name, frequency, sessions, now=now, zone=zone),
            stats.adherence(name, frequency, sessions, now=now, zone=zone, weeks=4, weeks_back=1),
        )
        for name, frequency in planned
        if frequency is not None
    ]
    days_done = {stats.local_day(start, zone) for start in starts}
    pain = stats.pain_by_day(sessions, now=now, zone=zone, days=days)
    first_day = pain[0].day
    return StatsView(
        weeks=stats.weekly_counts(sessions, now=now, zone=zone, weeks=weeks),
        streaks=stats.streaks(days_done, today=stats.today_in(now, zone)),
        adherence=adherence,
        pain=pain,
        sparkline=stats.pain_by_day(sessions, now=now, zone=zone, days=30),
        change=stats.pain_change(
            [s for s in sessions if stats.local_day(s.started, zone) >= first_day]
        ),
    )


class Today(NamedTuple):
    """What `backpain today` shows: each planned routine's due sessions, and the ones
    played without a frequency."""

    dues: list[stats.Due]
    without_frequency: list[str]
    day: date

    @property
    def all_done(self) -> bool:
        return all(due.satisfied for due in self.dues)


def today(
    store: History | None,
    routines: Sequence[str],
    *,
    now: datetime,
    zone: tzinfo,
    lookup: RoutineFrequency,
) -> Today:
    """Due today for `routines`, or for every routine in use when none are named."""
    sessions = []
    recorded: dict[str, Frequency | None] = {}
    if store is not None:
        with store, store.snapshot():
            sessions = store.sessions(since=now - timedelta(days=stats.DAYS_IN_USE + 8))
            recorded = store.frequencies()
    names = list(routines) or stats.routines_in_use(sessions, now=now)
    planned = frequencies(names, {} if routines else recorded, lookup)
    dues = [
        stats.due_today(name, frequency, sessions, now=now, zone=zone)
        for name, frequency in planned
        if frequency is not None
    ]
    unplanned = [name for name, frequency in planned if frequency is None]
    return Today(dues, unplanned, stats.today_in(now, zone))
