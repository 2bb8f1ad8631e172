"""Pure computations over recorded sessions: weeks, streaks, adherence, pain, what is due.

No I/O and no clock: "now" and the time zone are arguments. Sessions are stored in UTC
and every day boundary here is a *local* calendar day in the given zone, so a session at
23:30 counts for the day the person lived it, across month ends and DST changes.

Rules (documented in docs/user-guide.md):
- A sped-up session (`--speed` with `--record`) is a preview and counts nowhere: not
  toward streaks, adherence, what is due, the weekly numbers or pain (`counted`, the one
  test every function here applies; `history` still lists it, marked sped up).
- A session counts towards streaks, adherence and what is due only when it was
  completed (the player reached the end of the routine). Partial sessions are counted
  separately in the weekly numbers.
- Weeks start on Monday.
- "N per day" adherence counts at most N sessions a day (a third session on Monday does
  not make up for Tuesday); "N per week" counts at most N a week.
- A day or a week that is not over is never missed: what is due so far counts the days
  (weeks) before in full, and of today (this week) only the sessions done, at most its
  N (its share). Day one with nothing done yet has nothing due, and in the calendar a
  due today is `TODAY` ("not over yet") until a session is begun.
- The current streak is the run of days with a completed session that ends today, or
  yesterday when nothing is done yet today (the day is not over).
- Adherence counts from the day of the first recorded session of the plan (any routine
  that counts toward it; a preview is not one), never before: the days before you
  started are not "missed".
  A "N per week" plan asks, of the week it started in, its share of the days left
  (rounded up: 3 per week from a Wednesday asks 3, from a Sunday 1; see `kept_between`).
- A plan is a routine with a frequency and the routines that count toward it
  (`counts_as`); every session of any of them counts toward the one frequency.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime, timedelta, tzinfo
from typing import NamedTuple

from backpain_cli.history.records import SessionRecord
from backpain_cli.routines.model import Frequency, Period

DAYS_IN_USE = 28  # a routine played within this many days is "in use" for `today`

# The results are NamedTuples, not dataclasses: `today --notify` runs from a timer, and a
# dataclass compiles its methods at import (about 0.3 ms each, for eight of them here).


def local_day(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date()


def today_in(now: datetime, zone: tzinfo) -> date:
    return local_day(now, zone)


def week_start(day: date) -> date:
    """The Monday of the day's week."""
    return day - timedelta(days=day.weekday())


def counted(session: SessionRecord) -> bool:
    """Whether a session counts at all: every one but a preview (played sped up and
    recorded with `--record`), which counts toward nothing, done or not."""
    return not session.sped_up


def previews(sessions: Iterable[SessionRecord], *, first: date, last: date, zone: tzinfo) -> int:
    """The sessions from `first` to `last` (local days) left out because they are
    previews: what "N sped-up sessions were left out" says."""
    return sum(not counted(s) and first <= local_day(s.started, zone) <= last for s in sessions)


def completed_days(sessions: Iterable[SessionRecord], zone: tzinfo) -> Counter[date]:
    """Completed sessions per local day (previews left out)."""
    return Counter(local_day(s.started, zone) for s in sessions if s.completed and counted(s))


# -- weeks ------------------------------------------------------------------------


class WeekCount(NamedTuple):
    start: date  # Monday
    completed: int
    partial: int

    @property
    def total(self) -> int:
        return self.completed + self.partial


def weekly_counts(
    sessions: Iterable[SessionRecord], *, now: datetime, zone: tzinfo, weeks: int
) -> list[WeekCount]:
    """Sessions per week for the last `weeks` weeks, oldest first, this week last
    (previews left out: they are not sessions of exercise)."""
    this_week = week_start(today_in(now, zone))
    starts = [this_week - timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    completed: Counter[date] = Counter()
    partial: Counter[date] = Counter()
    first = starts[0] if starts else this_week
    for session in sessions:
        start = week_start(local_day(session.started, zone))
        if start < first or not counted(session):
            continue
        (completed if session.completed else partial)[start] += 1
    return [WeekCount(start, completed[start], partial[start]) for start in starts]


# -- streaks ----------------------------------------------------------------------


class Streaks(NamedTuple):
    current: int
    longest: int
    longest_end: date | None = None  # last day of the longest streak


def streaks(days: Iterable[date], *, today: date) -> Streaks:
    """Current and longest runs of consecutive days in `days` (days after today ignored)."""
    ordered = sorted({day for day in days if day <= today})
    longest = 0
    longest_end: date | None = None
    run = 0
    previous: date | None = None
    for day in ordered:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        if run >= longest:
            longest, longest_end = run, day
        previous = day
    current = 0
    if previous is not None and today - previous <= timedelta(days=1):
        current = run
    return Streaks(current, longest, longest_end)


# -- adherence --------------------------------------------------------------------


def in_plan(sessions: Iterable[SessionRecord], members: Collection[str]) -> list[SessionRecord]:
    """The sessions that count toward one plan: its routines', previews left out (so
    adherence, the calendar and what is due never count one)."""
    return [s for s in sessions if s.routine in members and counted(s)]


class Adherence(NamedTuple):
    routine: str  # the plan: the routine whose frequency it is
    frequency: Frequency
    start: date  # first day of the period (a Monday)
    days: int  # length of the period in days (a multiple of 7)
    done: int  # completed sessions that count (capped per day or week)
    target: int  # sessions the frequency asks for over the whole period
    due_so_far: int  # sessions asked for so far (today: only those done, see `kept_between`)
    counted_from: date | None = None  # the first day counted (the plan's first session)
    variants: tuple[str, ...] = ()  # other routines whose sessions count toward it

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.target) if self.target else 100

    @property
    def started(self) -> bool:
        """Whether any day of the period is counted (it is not all before the first)."""
        return self.counted_from is None or self.counted_from < self.start + timedelta(
            days=self.days
        )


def adherence(
    routine: str,
    frequency: Frequency,
    sessions: Iterable[SessionRecord],
    *,
    now: datetime,
    zone: tzinfo,
    weeks: int = 1,
    weeks_back: int = 0,
    members: Collection[str] | None = None,
    first_day: date | None = None,
) -> Adherence:
    """How well the plan's frequency was kept over `weeks` whole weeks.

    The period ends with this week (`weeks_back=0`) or that many weeks earlier. Sessions
    of `members` count (default: the routine alone); days before `first_day` (the day
    of the plan's first recorded session) are not counted at all.
    """
    today = today_in(now, zone)
    end = week_start(today) + timedelta(weeks=1 - weeks_back)  # exclusive
    start = end - timedelta(weeks=weeks)
    counted = max(start, first_day) if first_day is not None else start
    kept = kept_between(
        routine,
        frequency,
        sessions,
        first=counted,
        last=end - timedelta(days=1),
        now=now,
        zone=zone,
        members=members,
    )
    variants = tuple(sorted(set(members or ()) - {routine}))
    return Adherence(
        routine, frequency, start, 7 * weeks, kept.done, kept.target, kept.due, first_day, variants
    )


class Kept(NamedTuple):
    """Sessions that count towards a frequency over a run of days (see `kept_between`)."""

    done: int  # completed sessions that count (capped per day or week)
    target: int  # sessions the frequency asks for over the whole run
    due: int  # sessions asked for so far (of today or this week: only those done)

    @property
    def percent(self) -> int:
        """Share of the sessions due so far that were done (100 when nothing was due;
        the words say "nothing due until today is over" then, see `nothing_due_text`)."""
        return round(100 * self.done / self.due) if self.due else 100


def nothing_due_text(period: Period) -> str:
    """The words for a run with nothing due yet (`due` 0): it began today (this week for
    "N per week"), which is not over, and nothing is done yet; nothing is missed."""
    return f"nothing due until {'today' if period is Period.DAY else 'this week'} is over"


def _week_share(times: int, days: int) -> int:
    """Sessions a "N per week" frequency asks of `days` days of one week (7: all N)."""
    return -(-times * days // 7)


def kept_between(
    routine: str,
    frequency: Frequency,
    sessions: Iterable[SessionRecord],
    *,
    first: date,
    last: date,
    now: datetime,
    zone: tzinfo,
    members: Collection[str] | None = None,
) -> Kept:
    """How well the frequency was kept from `first` to `last` (local days, both included).

    "N per day": N a day, at most N counted a day. "N per week": N for each calendar week
    (Monday to Sunday), at most N counted a week; a week the run only partly covers asks
    its share (rounded up) and counts at most that share, so done never passes due.
    `target` asks all of it; `due` what is asked so far: days and weeks that are over
    in full, and the one that is not over (today; this week) only as many as were done
    in it, at most its N (share), so it is never missed.
    """
    if last < first:  # e.g. a period wholly before the plan's first session
        return Kept(0, 0, 0)
    today = today_in(now, zone)
    end = last + timedelta(days=1)  # exclusive
    per_day = completed_days(in_plan(sessions, members or {routine}), zone)
    times = frequency.times
    if frequency.period is Period.DAY:
        done = sum(min(count, times) for day, count in per_day.items() if first <= day < end)
        over = max(0, min((today - first).days, (end - first).days))  # days before today
        so_far = min(per_day[today], times) if first <= today < end else 0
        return Kept(done, times * (end - first).days, times * over + so_far)
    per_week: Counter[date] = Counter()
    for day, count in per_day.items():
        if first <= day < end:
            per_week[week_start(day)] += count
    target = due = done = 0
    monday = week_start(first)
    while monday < end:
        stop = min(end, monday + timedelta(weeks=1))  # exclusive
        share = _week_share(times, (stop - max(first, monday)).days)
        counted = min(per_week[monday], share)  # a part-week counts no more than it asks
        target += share
        done += counted
        if stop <= today:  # over
            due += share
        elif max(first, monday) <= today:  # this week, not over: only what was done
            due += counted
        monday += timedelta(weeks=1)
    return Kept(done, target, due)


class DayState(enum.Enum):
    DONE = "done"  # every session due that day was completed
    PARTLY = "partly"  # some were, or a session was begun and not finished
    MISSED = "missed"  # due, and nothing begun
    NOT_DUE = "not-due"  # nothing was asked of the day ("N per week" without a session)
    TODAY = "today"  # due today, nothing begun yet: the day is not over, so not missed
    COMING = "coming"  # after today


class DayMark(NamedTuple):
    day: date
    state: DayState
    completed: int  # completed sessions that day
    begun: int  # sessions that day, completed or not


def day_marks(
    routine: str,
    frequency: Frequency,
    sessions: Iterable[SessionRecord],
    *,
    first: date,
    last: date,
    now: datetime,
    zone: tzinfo,
    members: Collection[str] | None = None,
) -> list[DayMark]:
    """One mark a local day from `first` to `last`: how the day's sessions met the
    frequency. "N per week" asks nothing of a single day: a day with a completed
    session is done, one with only unfinished ones partly, any other not due. Today,
    due and with nothing begun, is `TODAY`, never missed: the day is not over."""
    today = today_in(now, zone)
    completed: Counter[date] = Counter()
    begun: Counter[date] = Counter()
    for session in in_plan(sessions, members or {routine}):
        day = local_day(session.started, zone)
        if first <= day <= last:
            begun[day] += 1
            completed[day] += session.completed
    marks = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        done, tried = completed[day], begun[day]
        due = frequency.times if frequency.period is Period.DAY else 0
        if day > today:
            state = DayState.COMING if not tried else DayState.DONE
        elif done and done >= due:
            state = DayState.DONE
        elif tried:
            state = DayState.PARTLY
        elif not due:
            state = DayState.NOT_DUE
        else:
            state = DayState.TODAY if day == today else DayState.MISSED
        marks.append(DayMark(day, state, done, tried))
    return marks


# -- what is due today ------------------------------------------------------------


class Due(NamedTuple):
    routine: str
    frequency: Frequency
    due: int  # sessions asked for today
    done: int  # completed sessions today (counting towards `due`)
    done_this_week: int  # completed sessions this week (for "N per week")
    variants: tuple[str, ...] = ()  # other routines whose sessions count toward it

    @property
    def satisfied(self) -> bool:
        return self.done >= self.due

    @property
    def left(self) -> int:
        return max(0, self.due - self.done)


def due_today(
    routine: str,
    frequency: Frequency,
    sessions: Iterable[SessionRecord],
    *,
    now: datetime,
    zone: tzinfo,
    members: Collection[str] | None = None,
) -> Due:
    """What the plan's frequency asks of today; sessions of `members` count (default:
    the routine alone).

    "N per day": N sessions today. "N per week": one session today, unless the week's
    N are already done before today (then nothing is due).
    """
    today = today_in(now, zone)
    monday = week_start(today)
    per_day = completed_days(in_plan(sessions, members or {routine}), zone)
    done_today = per_day[today]
    this_week = sum(count for day, count in per_day.items() if monday <= day <= today)
    variants = tuple(sorted(set(members or ()) - {routine}))
    if frequency.period is Period.DAY:
        due = frequency.times
    else:
        before_today = this_week - done_today
        due = 1 if before_today < frequency.times else 0
    return Due(routine, frequency, due, min(done_today, due), this_week, variants)


def routines_in_use(
    sessions: Iterable[SessionRecord], *, now: datetime, days: int = DAYS_IN_USE
) -> list[str]:
    """Routines with a session in the last `days` days, most recently played first."""
    cutoff = now - timedelta(days=days)
    last: dict[str, datetime] = {}
    for session in sessions:
        if cutoff <= session.started <= now:
            last[session.routine] = max(session.started, last.get(session.routine, cutoff))
    return sorted(last, key=lambda name: last[name], reverse=True)


# -- pain -------------------------------------------------------------------------


class DayPain(NamedTuple):
    day: date
    mean: float | None  # mean of every rating given that day; None: no check-in
    ratings: int
    before: float | None = None  # mean of the day's ratings before a session
    after: float | None = None  # mean of the day's ratings after a session


def pain_by_day(
    sessions: Iterable[SessionRecord], *, now: datetime, zone: tzinfo, days: int
) -> list[DayPain]:
    """Each of the last `days` days (today last): the mean of its pain ratings
    (previews' ratings left out)."""
    today = today_in(now, zone)
    first = today - timedelta(days=days - 1)
    befores: dict[date, list[int]] = {}
    afters: dict[date, list[int]] = {}
    for session in sessions:
        day = local_day(session.started, zone)
        if not first <= day <= today or not counted(session):
            continue
        if session.pain_before is not None:
            befores.setdefault(day, []).append(session.pain_before)
        if session.pain_after is not None:
            afters.setdefault(day, []).append(session.pain_after)
    trend = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        before, after = befores.get(day, []), afters.get(day, [])
        values = before + after
        trend.append(
            DayPain(day, _mean(values), len(values), before=_mean(before), after=_mean(after))
        )
    return trend


def _mean(values: Sequence[int]) -> float | None:
    return sum(values) / len(values) if values else None


class PainChange(NamedTuple):
    mean: float | None  # mean of (after - before); negative is better
    sessions: int  # sessions with both ratings


def pain_change(sessions: Sequence[SessionRecord]) -> PainChange:
    """The mean change of the sessions rated before and after (previews left out)."""
    changes = [s.pain_change for s in sessions if s.pain_change is not None and counted(s)]
    return PainChange(sum(changes) / len(changes) if changes else None, len(changes))
