"""Weeks, streaks, adherence, pain and what is due, over hand-made histories that cross
month ends, DST changes and time zones (stored in UTC, counted in local days)."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from backpain_cli.history.records import SessionOutcome, SessionRecord
from backpain_cli.history.stats import (
    DayPain,
    DayState,
    Streaks,
    WeekCount,
    adherence,
    completed_days,
    day_marks,
    due_today,
    kept_between,
    local_day,
    pain_by_day,
    pain_change,
    routines_in_use,
    streaks,
    week_start,
    weekly_counts,
)
from backpain_cli.routines.model import Frequency, Period

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
UTC = timezone.utc
TWICE_A_DAY = Frequency(2, Period.DAY)
THREE_A_WEEK = Frequency(3, Period.WEEK)
_ids = itertools.count(1)


def at(text: str, zone: ZoneInfo | timezone) -> datetime:
    """A local wall-clock time in `zone`, as the UTC moment the store would hold."""
    return datetime.fromisoformat(text).replace(tzinfo=zone).astimezone(UTC)


def session(
    started: datetime,
    *,
    routine: str = "upper-back",
    completed: bool = True,
    pain: tuple[int | None, int | None] = (None, None),
) -> SessionRecord:
    return SessionRecord(
        id=next(_ids),
        routine=routine,
        routine_hash="0" * 64,
        started=started,
        last_update=started + timedelta(minutes=10),
        ended=started + timedelta(minutes=10) if completed else None,
        outcome=SessionOutcome.COMPLETED if completed else SessionOutcome.PARTIAL,
        exercises_planned=5,
        pain_before=pain[0],
        pain_after=pain[1],
    )


# -- local days -------------------------------------------------------------------


def test_a_late_evening_session_counts_for_the_local_day_not_the_utc_day() -> None:
    moment = at("2026-01-31 23:30", NEW_YORK)  # 04:30 UTC on 1 February
    assert moment.date() == date(2026, 2, 1)
    assert local_day(moment, NEW_YORK) == date(2026, 1, 31)


def test_the_same_moment_is_a_different_day_in_different_zones() -> None:
    moment = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)
    assert local_day(moment, BERLIN) == date(2026, 2, 1)
    assert local_day(moment, NEW_YORK) == date(2026, 1, 31)
    assert local_day(moment, ZoneInfo("Asia/Kolkata")) == date(2026, 2, 1)


@pytest.mark.parametrize(
    ("zone", "day"),
    [
        (NEW_YORK, "2026-03-08"),  # spring forward: a 23-hour day
        (NEW_YORK, "2026-11-01"),  # fall back: a 25-hour day
        (BERLIN, "2026-03-29"),
        (BERLIN, "2026-10-25"),
    ],
)
def test_dst_change_days_keep_both_their_first_and_last_hour(zone: ZoneInfo, day: str) -> None:
    early = at(f"{day} 00:30", zone)
    late = at(f"{day} 23:30", zone)
    counted = completed_days([session(early), session(late)], zone)
    assert counted == {date.fromisoformat(day): 2}
    # The day before and after stay separate.
    before = at(f"{date.fromisoformat(day) - timedelta(days=1)} 23:59", zone)
    after = at(f"{date.fromisoformat(day) + timedelta(days=1)} 00:01", zone)
    assert sorted(completed_days([session(before), session(after)], zone)) == [
        date.fromisoformat(day) - timedelta(days=1),
        date.fromisoformat(day) + timedelta(days=1),
    ]


def test_week_start_is_monday() -> None:
    assert week_start(date(2026, 11, 1)) == date(2026, 10, 26)  # a Sunday
    assert week_start(date(2026, 11, 2)) == date(2026, 11, 2)
    assert week_start(date(2027, 1, 1)) == date(2026, 12, 28)


# -- streaks ----------------------------------------------------------------------


def days(*texts: str) -> list[date]:
    return [date.fromisoformat(text) for text in texts]


def test_no_days_no_streak() -> None:
    assert streaks([], today=date(2026, 11, 3)) == Streaks(0, 0, None)


def test_streak_across_a_month_end_and_a_year_end() -> None:
    run = days("2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02")
    assert streaks(run, today=date(2027, 1, 2)) == Streaks(5, 5, date(2027, 1, 2))
    feb = days("2028-02-27", "2028-02-28", "2028-02-29", "2028-03-01")  # leap year
    assert streaks(feb, today=date(2028, 3, 1)).current == 4


def test_current_streak_survives_until_the_day_is_over() -> None:
    run = days("2026-11-01", "2026-11-02")
    assert streaks(run, today=date(2026, 11, 3)).current == 2  # nothing yet today
    assert streaks(run, today=date(2026, 11, 4)).current == 0  # missed a whole day


def test_longest_streak_is_remembered_and_duplicates_and_future_days_ignored() -> None:
    history = days(
        "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04",  # 4
        "2026-10-10",
        "2026-10-30", "2026-10-31", "2026-10-31", "2026-11-01",  # 3 (one duplicate)
        "2026-11-09",  # in the future
    )  # fmt: skip
    assert streaks(history, today=date(2026, 11, 1)) == Streaks(3, 4, date(2026, 10, 4))


def test_streak_over_a_dst_change_counts_local_days() -> None:
    # Sessions at 23:45 every evening across New York's fall-back night: in UTC the
    # times shift by an hour and cross midnight, but every local day has one.
    sessions = [session(at(f"2026-10-{d} 23:45", NEW_YORK)) for d in range(28, 32)]
    sessions += [session(at(f"2026-11-0{d} 23:45", NEW_YORK)) for d in range(1, 4)]
    counted = completed_days(sessions, NEW_YORK)
    assert streaks(counted, today=date(2026, 11, 3)) == Streaks(7, 7, date(2026, 11, 3))
    # The same sessions seen from Berlin land on the next mornings: still 7 in a row.
    assert streaks(completed_days(sessions, BERLIN), today=date(2026, 11, 4)).current == 7


def test_partial_sessions_do_not_count_as_a_day_done() -> None:
    sessions = [
        session(at("2026-11-01 08:00", BERLIN)),
        session(at("2026-11-02 08:00", BERLIN), completed=False),
    ]
    assert completed_days(sessions, BERLIN) == {date(2026, 11, 1): 1}


# -- weeks ------------------------------------------------------------------------


def test_weekly_counts_this_week_last_and_empty_weeks_kept() -> None:
    now = at("2026-11-04 12:00", BERLIN)  # a Wednesday
    sessions = [
        session(at("2026-10-18 20:00", BERLIN)),  # the Sunday before the 3 weeks
        session(at("2026-10-26 07:00", BERLIN)),
        session(at("2026-11-01 23:30", BERLIN)),  # Sunday late: last week
        session(at("2026-11-02 00:10", BERLIN)),  # Monday early: this week
        session(at("2026-11-03 08:00", BERLIN), completed=False),
    ]
    assert weekly_counts(sessions, now=now, zone=BERLIN, weeks=3) == [
        WeekCount(date(2026, 10, 19), 0, 0),
        WeekCount(date(2026, 10, 26), 2, 0),
        WeekCount(date(2026, 11, 2), 1, 1),
    ]


def test_weekly_counts_depend_on_the_zone() -> None:
    # Sunday 23:30 in New York is Monday morning in Berlin: a different week.
    moment = at("2026-11-01 23:30", NEW_YORK)
    now = at("2026-11-03 12:00", NEW_YORK)
    ny = weekly_counts([session(moment)], now=now, zone=NEW_YORK, weeks=2)
    berlin = weekly_counts([session(moment)], now=now, zone=BERLIN, weeks=2)
    assert [w.total for w in ny] == [1, 0]
    assert [w.total for w in berlin] == [0, 1]


# -- adherence --------------------------------------------------------------------


def twice_daily(first: date, last: date, zone: ZoneInfo, *, skip: set[date]) -> list[SessionRecord]:
    sessions = []
    day = first
    while day <= last:
        if day not in skip:
            sessions.append(session(at(f"{day} 07:30", zone)))
            sessions.append(session(at(f"{day} 21:30", zone)))
        day += timedelta(days=1)
    return sessions


def test_nine_of_fourteen_this_week() -> None:
    # Monday 2 Nov to Thursday 5 Nov evening in New York, right after the DST change.
    sessions = twice_daily(date(2026, 11, 2), date(2026, 11, 5), NEW_YORK, skip=set())
    sessions.pop()  # Thursday evening not done yet
    sessions.append(session(at("2026-11-05 12:00", NEW_YORK)))  # a lunch session instead
    sessions.append(session(at("2026-11-05 13:00", NEW_YORK)))  # a third on Thursday
    sessions.append(session(at("2026-11-01 21:00", NEW_YORK)))  # last week
    sessions.append(session(at("2026-11-05 18:00", NEW_YORK), completed=False))
    sessions.append(session(at("2026-11-05 18:00", NEW_YORK), routine="other"))
    now = at("2026-11-05 22:00", NEW_YORK)
    result = adherence("upper-back", TWICE_A_DAY, sessions, now=now, zone=NEW_YORK)
    # Thursday had three completed sessions; only two count.
    assert (result.done, result.target, result.due_so_far) == (8, 14, 8)
    assert result.start == date(2026, 11, 2)
    assert result.percent == 57
    sessions.append(session(at("2026-11-06 07:00", NEW_YORK)))
    later = at("2026-11-06 09:00", NEW_YORK)
    result = adherence("upper-back", TWICE_A_DAY, sessions, now=later, zone=NEW_YORK)
    # Friday morning, one done: today asks only what was done so far (it is not over).
    assert (result.done, result.target, result.due_so_far) == (9, 14, 9)


def test_adherence_over_past_weeks_spanning_a_month_end_and_dst() -> None:
    # Four weeks ending with the week of Berlin's fall-back (26 Oct - 1 Nov).
    skip = {date(2026, 10, 13), date(2026, 10, 25), date(2026, 10, 31)}
    sessions = twice_daily(date(2026, 10, 5), date(2026, 11, 8), BERLIN, skip=skip)
    now = at("2026-11-04 10:00", BERLIN)
    result = adherence(
        "upper-back", TWICE_A_DAY, sessions, now=now, zone=BERLIN, weeks=4, weeks_back=1
    )
    assert result.start == date(2026, 10, 5)
    assert (result.done, result.target, result.due_so_far) == (56 - 6, 56, 56)
    assert result.days == 28


def test_adherence_per_week_caps_each_week() -> None:
    now = at("2026-11-11 10:00", BERLIN)  # Wednesday of the second week
    sessions = [session(at(f"2026-11-0{d} 18:00", BERLIN)) for d in (2, 3, 4, 5)]  # 4 > 3
    sessions.append(session(at("2026-11-10 18:00", BERLIN)))
    result = adherence("upper-back", THREE_A_WEEK, sessions, now=now, zone=BERLIN, weeks=2)
    # The week that ended asks its 3; this one, not over, only the 1 done so far.
    assert (result.done, result.target, result.due_so_far) == (3 + 1, 6, 3 + 1)
    this_week = adherence("upper-back", THREE_A_WEEK, sessions, now=now, zone=BERLIN)
    assert (this_week.done, this_week.target, this_week.due_so_far) == (1, 3, 1)


def test_a_week_counted_from_a_day_still_to_come_is_not_due_yet() -> None:
    """A plan counted from a day after today (its first session was recorded with a
    clock running ahead): that week is asked, but nothing of it is due yet."""
    now = at("2026-11-11 10:00", BERLIN)  # a Wednesday
    first, last = date(2026, 11, 13), date(2026, 11, 15)  # Friday to Sunday
    kept = kept_between(
        "upper-back", THREE_A_WEEK, [], first=first, last=last, now=now, zone=BERLIN
    )
    assert (kept.done, kept.target, kept.due) == (0, 2, 0)  # 3 days of 7, rounded up


def test_adherence_with_nothing_asked_is_full() -> None:
    now = at("2026-11-11 10:00", BERLIN)
    result = adherence("upper-back", TWICE_A_DAY, [], now=now, zone=BERLIN, weeks=0)
    assert result.target == 0
    assert result.percent == 100


# -- a day or a week that is not over ----------------------------------------------
# `kept_between` asks of today (this week) only what was done in it so far: it is not
# over, so it is never missed. `target` still asks for all of it.

TUESDAY = date(2026, 12, 1)


def kept_on(
    sessions: list[SessionRecord],
    now: str,
    frequency: Frequency = TWICE_A_DAY,
    *,
    first: date = TUESDAY,
    last: date = date(2026, 12, 6),
) -> tuple[int, int, int]:
    """(done, target, due) from `first` to `last` at the Berlin wall-clock time `now`."""
    kept = kept_between(
        "upper-back", frequency, sessions, first=first, last=last, now=at(now, BERLIN), zone=BERLIN
    )
    return kept.done, kept.target, kept.due


def test_day_one_with_nothing_done_has_nothing_due() -> None:
    # Counted from today (the plan's first day), to Sunday: 6 days x 2 asked, none due.
    assert kept_on([], "2026-12-01 12:00") == (0, 12, 0)
    assert kept_between(
        "upper-back", TWICE_A_DAY, [], first=TUESDAY, last=TUESDAY,
        now=at("2026-12-01 12:00", BERLIN), zone=BERLIN,
    ).percent == 100  # fmt: skip


def test_today_partly_done_asks_only_what_was_done() -> None:
    assert kept_on([session(at("2026-12-01 08:00", BERLIN))], "2026-12-01 12:00") == (1, 12, 1)


def test_today_fully_done_asks_its_n() -> None:
    three = [session(at(f"2026-12-01 {hour}:00", BERLIN)) for hour in ("08", 12, 19)]
    assert kept_on(three, "2026-12-01 20:00") == (2, 12, 2)  # the third does not count


def test_yesterday_missed_and_today_not_yet() -> None:
    # Tuesday done, Wednesday missed, Thursday morning nothing yet.
    tuesday = [session(at(f"2026-12-01 {hour}:00", BERLIN)) for hour in ("08", 19)]
    assert kept_on(tuesday, "2026-12-03 09:00") == (2, 12, 4)
    assert kept_on(tuesday, "2026-12-04 00:30") == (2, 12, 6)  # Thursday is over: missed


def test_a_weekly_plan_on_monday_with_nothing_done() -> None:
    monday = date(2026, 11, 30)
    assert kept_on([], "2026-11-30 09:00", THREE_A_WEEK, first=monday) == (0, 3, 0)


def test_a_weekly_plan_mid_week_with_one_of_three_done() -> None:
    monday = date(2026, 11, 30)
    done = [session(at("2026-12-01 18:00", BERLIN))]
    assert kept_on(done, "2026-12-03 12:00", THREE_A_WEEK, first=monday) == (1, 3, 1)
    # The week before is over: its 3 are due in full, this one only its 1 so far.
    earlier = date(2026, 11, 23)
    assert kept_on(done, "2026-12-03 12:00", THREE_A_WEEK, first=earlier) == (1, 6, 3 + 1)


def test_a_part_week_counts_no_more_than_its_share() -> None:
    # A plan of 3 a week begun on a Sunday asks 1 of that week; three sessions that
    # Sunday count 1, so adherence never reads above 100 %.
    sunday = date(2026, 11, 29)
    three = [session(at(f"2026-11-29 {hour}:00", BERLIN)) for hour in ("08", 12, 19)]
    assert kept_on(three, "2026-12-01 12:00", THREE_A_WEEK, first=sunday) == (1, 4, 1)


def test_a_period_wholly_in_the_past_is_judged_in_full() -> None:
    days = [session(at(f"2026-11-{day} 08:00", BERLIN)) for day in (23, 24, 26)]
    week = {"first": date(2026, 11, 23), "last": date(2026, 11, 29)}
    assert kept_on(days, "2026-12-03 12:00", **week) == (3, 14, 14)
    assert kept_on(days, "2026-12-03 12:00", THREE_A_WEEK, **week) == (3, 3, 3)
    # A run ending mid-week before today: that part week is over, its share due in full.
    part = {"first": date(2026, 11, 23), "last": date(2026, 11, 25)}
    assert kept_on(days[:1], "2026-12-03 12:00", THREE_A_WEEK, **part) == (1, 2, 2)


def test_the_calendar_marks_a_due_today_not_over_yet_never_missed() -> None:
    tuesday = [session(at(f"2026-12-01 {hour}:00", BERLIN)) for hour in ("08", 19)]
    begun = session(at("2026-12-03 08:00", BERLIN), completed=False)

    def states(sessions: list[SessionRecord], frequency: Frequency = TWICE_A_DAY) -> list[str]:
        return [
            mark.state.value
            for mark in day_marks(
                "upper-back", frequency, sessions, first=TUESDAY, last=date(2026, 12, 4),
                now=at("2026-12-03 09:00", BERLIN), zone=BERLIN,
            )
        ]  # fmt: skip

    assert DayState.TODAY.value == "today"
    assert states(tuesday) == ["done", "missed", "today", "coming"]
    assert states([*tuesday, begun]) == ["done", "missed", "partly", "coming"]
    # "N per week" asks nothing of a day: today without a session is not due, as before.
    assert states(tuesday, THREE_A_WEEK) == ["done", "not-due", "not-due", "coming"]


# -- due today --------------------------------------------------------------------


def test_due_today_twice_a_day() -> None:
    now = at("2026-11-01 20:00", NEW_YORK)  # the fall-back day
    morning = session(at("2026-11-01 00:30", NEW_YORK))  # before the clocks went back
    yesterday = session(at("2026-10-31 23:30", NEW_YORK))
    due = due_today("upper-back", TWICE_A_DAY, [morning, yesterday], now=now, zone=NEW_YORK)
    assert (due.due, due.done, due.left, due.satisfied) == (2, 1, 1, False)
    evening = session(at("2026-11-01 19:00", NEW_YORK))
    extra = session(at("2026-11-01 19:30", NEW_YORK))
    due = due_today("upper-back", TWICE_A_DAY, [morning, evening, extra], now=now, zone=NEW_YORK)
    assert (due.due, due.done, due.left, due.satisfied) == (2, 2, 0, True)


def test_due_today_three_a_week() -> None:
    wednesday = at("2026-11-04 12:00", BERLIN)
    monday = session(at("2026-11-02 08:00", BERLIN))
    due = due_today("upper-back", THREE_A_WEEK, [monday], now=wednesday, zone=BERLIN)
    assert (due.due, due.done, due.done_this_week, due.satisfied) == (1, 0, 1, False)
    today = session(at("2026-11-04 08:00", BERLIN))
    due = due_today("upper-back", THREE_A_WEEK, [monday, today], now=wednesday, zone=BERLIN)
    assert (due.due, due.done, due.satisfied) == (1, 1, True)
    week_done = [session(at(f"2026-11-0{d} 08:00", BERLIN)) for d in (2, 3)]
    week_done.append(session(at("2026-11-01 08:00", BERLIN)))  # last week's Sunday
    due = due_today("upper-back", THREE_A_WEEK, week_done, now=wednesday, zone=BERLIN)
    assert (due.due, due.satisfied) == (1, False)
    week_done.append(session(at("2026-11-03 19:00", BERLIN)))
    due = due_today("upper-back", THREE_A_WEEK, week_done, now=wednesday, zone=BERLIN)
    assert (due.due, due.done, due.done_this_week, due.satisfied) == (0, 0, 3, True)


def test_routines_in_use_most_recent_first_within_28_days() -> None:
    now = at("2026-11-30 12:00", BERLIN)
    sessions = [
        session(at("2026-10-01 08:00", BERLIN), routine="old"),
        session(at("2026-11-20 08:00", BERLIN), routine="upper-back"),
        session(at("2026-11-25 08:00", BERLIN), routine="upper-back-chair"),
        session(at("2026-11-26 08:00", BERLIN), routine="upper-back", completed=False),
        session(at("2026-12-26 08:00", BERLIN), routine="future"),
    ]
    assert routines_in_use(sessions, now=now) == ["upper-back", "upper-back-chair"]


# -- pain -------------------------------------------------------------------------


def test_pain_by_day_means_all_ratings_of_the_local_day_and_each_side() -> None:
    now = at("2026-11-02 09:00", BERLIN)
    sessions = [
        session(at("2026-10-30 08:00", BERLIN), pain=(8, 6)),  # before the window
        session(at("2026-10-31 08:00", BERLIN), pain=(6, 4)),
        session(at("2026-10-31 23:30", BERLIN), pain=(5, None)),
        session(at("2026-11-02 08:00", BERLIN), pain=(None, 2), completed=False),
        session(at("2026-11-03 08:00", BERLIN), pain=(1, 1)),  # after today
    ]
    assert pain_by_day(sessions, now=now, zone=BERLIN, days=3) == [
        DayPain(date(2026, 10, 31), 5.0, 3, before=5.5, after=4.0),
        DayPain(date(2026, 11, 1), None, 0),
        DayPain(date(2026, 11, 2), 2.0, 1, before=None, after=2.0),
    ]


def test_average_change_per_session_uses_sessions_with_both_ratings() -> None:
    sessions = [
        session(at("2026-10-31 08:00", BERLIN), pain=(6, 4)),
        session(at("2026-10-31 18:00", BERLIN), pain=(5, 4)),
        session(at("2026-11-01 08:00", BERLIN), pain=(3, None)),
        session(at("2026-11-01 18:00", BERLIN), pain=(3, 3)),
    ]
    change = pain_change(sessions)
    assert change.sessions == 3
    assert change.mean == pytest.approx(-1.0)
    assert pain_change([]).mean is None
