"""A sped-up session recorded with `--record` is a preview: it counts nowhere. Not in
the rule's functions (`stats.counted` and every function that applies it), not in what
`stats`, `today` and a reminder (`today --notify`) show, and `report`, `stats --json`
and `today` agree on one history of a real session and a preview."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from terminal import command_screen
from test_history_cli import BERLIN, NOW, TWICE_A_DAY, make, record, run

from backpain_cli.history import stats
from backpain_cli.history.stats import DayState
from backpain_cli.routines.model import Frequency, Period

WEDNESDAY = NOW.date()  # 2026-11-04, noon in Berlin
THREE_A_WEEK = Frequency(3, Period.WEEK)


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    from backpain_cli.cli import common

    monkeypatch.setenv("TZ", "Europe/Berlin")
    monkeypatch.setattr(common, "utc_now", lambda: NOW.astimezone(timezone.utc))


# -- the rule -----------------------------------------------------------------------


def test_only_a_preview_does_not_count() -> None:
    assert stats.counted(make("2026-11-04 08:00"))
    assert stats.counted(make("2026-11-04 08:00", speed=None))  # from before speeds
    assert stats.counted(make("2026-11-04 08:00", completed=False))  # partial: counted
    assert not stats.counted(make("2026-11-04 08:00", speed=60.0))
    assert not stats.counted(make("2026-11-04 08:00", speed=0.5))


REAL = make("2026-11-04 08:00", pain=(4, 2))
PREVIEW = make("2026-11-04 09:00", speed=1000.0, pain=(9, 0))
PARTIAL_PREVIEW = make("2026-11-03 09:00", speed=60.0, completed=False, pain=(8, None))
SESSIONS = [PARTIAL_PREVIEW, REAL, PREVIEW]


def test_every_function_of_the_rule_leaves_previews_out() -> None:
    members = {"upper-back"}
    assert stats.in_plan(SESSIONS, members) == [REAL]
    assert stats.completed_days(SESSIONS, BERLIN) == {WEDNESDAY: 1}
    assert stats.weekly_counts(SESSIONS, now=NOW, zone=BERLIN, weeks=1) == [
        stats.WeekCount(date(2026, 11, 2), 1, 0)
    ]
    due = stats.due_today("upper-back", TWICE_A_DAY, SESSIONS, now=NOW, zone=BERLIN)
    assert (due.done, due.left, due.done_this_week) == (1, 1, 1)
    weekly = stats.due_today("upper-back", THREE_A_WEEK, SESSIONS, now=NOW, zone=BERLIN)
    assert weekly.done_this_week == 1
    kept = stats.kept_between(
        "upper-back", TWICE_A_DAY, SESSIONS, first=WEDNESDAY, last=WEDNESDAY, now=NOW, zone=BERLIN
    )
    assert kept.done == 1
    marks = stats.day_marks(
        "upper-back",
        TWICE_A_DAY,
        SESSIONS,
        first=date(2026, 11, 3),
        last=WEDNESDAY,
        now=NOW,
        zone=BERLIN,
    )
    # Tuesday's only session was a preview: nothing begun, so missed; Wednesday partly.
    assert [(m.state, m.completed, m.begun) for m in marks] == [
        (DayState.MISSED, 0, 0),
        (DayState.PARTLY, 1, 1),
    ]
    pains = stats.pain_by_day(SESSIONS, now=NOW, zone=BERLIN, days=2)
    assert [(p.mean, p.ratings, p.before, p.after) for p in pains] == [
        (None, 0, None, None),
        (3.0, 2, 4.0, 2.0),
    ]
    assert stats.pain_change(SESSIONS) == stats.PainChange(-2.0, 1)
    assert stats.previews(SESSIONS, first=WEDNESDAY, last=WEDNESDAY, zone=BERLIN) == 1
    assert stats.previews(SESSIONS, first=date(2026, 11, 3), last=WEDNESDAY, zone=BERLIN) == 2


def test_a_preview_yesterday_does_not_make_a_missed_day_done() -> None:
    """A preview yesterday: yesterday was missed, not done (what `today` asks about)."""
    yesterday_end = datetime(2026, 11, 3, 23, 59, 59, tzinfo=BERLIN)
    due = stats.due_today(
        "upper-back", TWICE_A_DAY, [PARTIAL_PREVIEW, replace(PREVIEW, started=yesterday_end)],
        now=yesterday_end, zone=BERLIN,
    )  # fmt: skip
    assert (due.due, due.done) == (2, 0)


# -- what a person sees ---------------------------------------------------------------


def test_the_words_for_previews_left_out() -> None:
    from backpain_cli.history.views import left_out_text

    assert left_out_text(0) == left_out_text(0, today=True) == ""
    assert left_out_text(2) == (
        "2 sped-up sessions (played with --speed and --record) were left out: a preview "
        "counts toward neither adherence nor pain."
    )
    assert left_out_text(1, today=True) == (
        "1 sped-up session today (played with --speed and --record) was left out: a preview "
        "does not count as done."
    )


def previews_week(home: Path) -> None:
    """Monday to Wednesday at twice a day, and three previews: one alone on Sunday (the
    plan's first session would be that day, were it counted), one on Tuesday evening,
    one begun this morning."""
    record(
        home,
        make("2026-11-01 10:00", speed=60.0, pain=(8, 1)),
        make("2026-11-02 08:00", pain=(4, 3)),
        make("2026-11-02 20:00"),
        make("2026-11-03 08:00", pain=(3, 2)),
        make("2026-11-03 20:00", speed=1000.0, pain=(9, 0)),
        make("2026-11-04 07:45", pain=(3, 1)),
        make("2026-11-04 09:00"),
        make("2026-11-04 10:00", speed=60.0, completed=False),
    )


STATS = """\
This week (from Mon 2026-11-02): 5 sessions, 5 completed, 0 partial
Streak: 3 days; longest 3 days (to 2026-11-04)
3 sped-up sessions (played with --speed and --record) were left out: a preview counts \
toward neither adherence nor pain.

Adherence
  upper-back (2 per day): 5 of 14 this week, 6 due so far; the 4 weeks before: none \
counted, they were before your first session

Calendar, last 12 weeks
  upper-back (2 per day)
              Mo Tu We Th Fr Sa Su
  2026-11-02  ## ++ ##
  ## all due done  ++ some  .. none  -- not due  (blank: before your first session, \
today until one is begun, or to come)

Sessions per week (completed + partial)
  week of 2026-10-26    0 + 0
  week of 2026-11-02    5 + 0   #####

Pain, last 4 days (0 none to 10 worst; the mean of each day's check-ins)
  Sun 2026-11-01     –
  Mon 2026-11-02   3.5  #######
  Tue 2026-11-03   2.5  #####
  Wed 2026-11-04   2.0  ####
  Before (o) and after (*) a session, Sun 2026-11-01 to Wed 2026-11-04:
    10 |
       |
     8 |
       |
     6 |
       |
     4 |    o
       |     * o  o
     2 |        *
       |           *
     0 |
       +------------
         Su Mo Tu We
Average change per session, last 4 days: -1.3 (over 3 sessions with both check-ins; \
negative is less pain)

Pain: too early to tell (at least 3 ratings in the first two weeks and in the last two \
are needed).
"""


def test_stats_counts_no_preview_and_says_how_many_it_left_out(
    runner: CliRunner, home: Path
) -> None:
    """Tuesday is partly done (its evening session was a preview), Sunday (a preview
    alone) is no day of the plan, the streak is 3 days, and no preview's pain (8 → 1,
    9 → 0) is in the chart or the average."""
    previews_week(home)
    assert run(runner, "stats", "--weeks", "2", "--days", "4") == (0, STATS)
    code, output = run(runner, "stats", "--json", "--weeks", "2", "--days", "4")
    document = json.loads(output)
    assert code == 0
    assert document["sped_up"] == 3
    assert document["weeks"][-1] == {"start": "2026-11-02", "completed": 5, "partial": 0}
    assert document["streaks"]["current"] == 3
    plan = document["adherence"][0]
    assert plan["counted_from"] == "2026-11-02"
    assert [(day["day"], day["state"], day["begun"]) for day in plan["calendar"][:3]] == [
        ("2026-11-02", "done", 2),
        ("2026-11-03", "partly", 1),
        ("2026-11-04", "done", 2),
    ]
    assert document["pain_change"] == {"mean": -1.33, "sessions": 3}


def test_stats_says_nothing_of_previews_without_any(runner: CliRunner, home: Path) -> None:
    record(home, make("2026-11-04 08:00"))
    code, output = run(runner, "stats")
    assert code == 0 and "sped-up" not in output
    assert json.loads(run(runner, "stats", "--json")[1])["sped_up"] == 0


def test_history_still_lists_a_preview_marked_sped_up(runner: CliRunner, home: Path) -> None:
    previews_week(home)
    code, output = run(runner, "history")
    assert code == 0
    assert "  completed, sped up ×1000  " in output
    assert output.count("sped up") == 3


TODAY = """\
Today, Wed 2026-11-04
  Upper back trigger-point relief  2 per day  1 of 2 done  1 to go
1 sped-up session today (played with --speed and --record) was left out: a preview \
does not count as done.
1 session still due today.
"""


def test_today_and_a_reminder_count_no_preview_as_done(
    runner: CliRunner, home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    record(home, make("2026-11-04 08:00"), make("2026-11-04 09:00", speed=1000.0))
    assert run(runner, "today") == (1, TODAY)
    empty = tmp_path / "no-notifier"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no notify-send: the words as one line
    assert run(runner, "today", "--notify") == (
        0,
        "Time for your exercises: Upper back trigger-point relief: 1 of 2 done today — "
        "backpain start upper-back\n",
    )


def test_today_says_nothing_of_previews_once_the_day_is_done(runner: CliRunner, home: Path) -> None:
    record(
        home,
        make("2026-11-04 08:00"),
        make("2026-11-04 09:00", speed=1000.0),
        make("2026-11-04 10:00"),
    )
    assert run(runner, "today") == (
        0,
        "Today, Wed 2026-11-04\n"
        "  Upper back trigger-point relief  2 per day  2 of 2 done  done\n"
        "All done for today.\n",
    )


def test_a_routine_only_previewed_has_missed_nothing(runner: CliRunner, home: Path) -> None:
    """A preview last week and one today, nothing real: adherence counts from today (no
    day before it is missed), and the report says so too."""
    record(
        home,
        make("2026-10-28 08:00", speed=60.0),
        make("2026-11-04 08:00", speed=60.0),
    )
    document = json.loads(run(runner, "stats", "--json")[1])
    plan = document["adherence"][0]
    assert plan["counted_from"] == "2026-11-04"
    assert plan["calendar"][0]["day"] == "2026-11-04"  # no day before it, so none missed
    assert not plan["weeks_before"]["counted"]
    page = run(runner, "report", "--format", "markdown", "-o", "-")[1]
    assert "Counted from Wed 04 Nov, the first session of this plan." in page
    assert "2 sped-up sessions (played with --speed and --record) were left out" in page


def test_report_stats_json_and_today_agree(runner: CliRunner, home: Path) -> None:
    """One real session and one preview today: each says one session was done."""
    record(home, make("2026-11-04 08:00", pain=(5, 3)), make("2026-11-04 09:00", speed=60.0))
    page = run(runner, "report", "--format", "markdown", "-o", "-")[1]
    assert "1 session, 1 completed." in page
    assert (
        "1 sped-up session (played with --speed and --record) was left out: a preview "
        "counts toward neither adherence nor pain."
    ) in page
    found = re.search(r"\*\*Adherence: (\d+) of (\d+) due sessions?, (\d+) %\*\*", page)
    assert found is not None
    done, due, _ = map(int, found.groups())

    document = json.loads(run(runner, "stats", "--json")[1])
    week = document["adherence"][0]["this_week"]
    assert (done, due) == (week["done"], week["due_so_far"])
    assert done == 1
    assert document["weeks"][-1]["completed"] == 1
    assert document["sped_up"] == 1
    assert document["pain_change"] == {"mean": -2.0, "sessions": 1}
    today_mark = [day for day in document["adherence"][0]["calendar"] if day["day"] == "2026-11-04"]
    assert [(day["completed"], day["begun"]) for day in today_mark] == [(1, 1)]

    today = json.loads(run(runner, "today", "--json")[1])["routines"][0]
    assert (today["done_today"], today["left"], today["done"]) == (1, 1, False)


# -- as a terminal shows it (the real clock: the rows are worked out from today) -------


def _now_history(home: Path) -> date:
    """One real session and one preview (its pain 9 → 0) earlier today, in UTC."""
    from backpain_cli.history.store import open_for_recording

    now = datetime.now(timezone.utc).replace(microsecond=0)
    midnight = now.replace(hour=0, minute=0, second=0)
    at = midnight + (now - midnight) / 2  # today whatever the hour
    history, warning = open_for_recording(home / "history.sqlite3")
    assert history is not None, warning
    real = make("2026-11-04 08:00", pain=(5, 3))
    with history:
        history.add_sessions(
            [
                replace(real, started=at, last_update=at, ended=at),
                replace(
                    real,
                    started=at,
                    last_update=at,
                    ended=at,
                    speed=1000.0,
                    pain_before=9,
                    pain_after=0,
                ),
            ]
        )
    return at.date()


SCREEN_TODAY = {
    40: [
        "Today, {day}",
        "  Upper back trigger-point relief",
        "    2 per day  1 of 2 done  1 to go",
        "1 sped-up session today (played with",
        "--speed and --record) was left out: a",
        "preview does not count as done.",
        "1 session still due today.",
    ],
    80: [
        "Today, {day}",
        "  Upper back trigger-point relief  2 per day  1 of 2 done  1 to go",
        "1 sped-up session today (played with --speed and --record) was left out: a",
        "preview does not count as done.",
        "1 session still due today.",
    ],
    120: [
        "Today, {day}",
        "  Upper back trigger-point relief  2 per day  1 of 2 done  1 to go",
        "1 sped-up session today (played with --speed and --record) was left out: a preview "
        "does not count as done.",
        "1 session still due today.",
    ],
}

SCREEN_STATS = {
    40: [
        "This week (from {monday}): 1",
        "  session, 1 completed, 0 partial",
        "Streak: 1 day; longest 1 day (to",
        "  {iso})",
        "1 sped-up session (played with --speed",
        "  and --record) was left out: a preview",
        "  counts toward neither adherence nor",
        "  pain.",
        "",
    ],
    80: [
        "This week (from {monday}): 1 session, 1 completed, 0 partial",
        "Streak: 1 day; longest 1 day (to {iso})",
        "1 sped-up session (played with --speed and --record) was left out: a preview",
        "  counts toward neither adherence nor pain.",
        "",
    ],
    120: [
        "This week (from {monday}): 1 session, 1 completed, 0 partial",
        "Streak: 1 day; longest 1 day (to {iso})",
        "1 sped-up session (played with --speed and --record) was left out: a preview counts "
        "toward neither adherence nor pain.",
        "",
    ],
}


@pytest.mark.parametrize("columns", [40, 80, 120])
def test_what_a_terminal_shows_of_a_preview(home: Path, columns: int) -> None:
    day = _now_history(home)
    named = f"{day:%a} {day.isoformat()}"
    monday = day - timedelta(days=day.weekday())
    shown = command_screen(home, columns, "today")
    assert shown[: len(SCREEN_TODAY[columns]) + 1] == [
        row.format(day=named) for row in SCREEN_TODAY[columns]
    ] + [""]
    shown = command_screen(home, columns, "stats", "--weeks", "1", "--days", "1")
    assert shown[: len(SCREEN_STATS[columns])] == [
        row.format(monday=f"{monday:%a} {monday.isoformat()}", iso=day.isoformat())
        for row in SCREEN_STATS[columns]
    ]
    # The day's pain is the real session's alone: 5 and 3, a mean of 4.0.
    assert any(row.startswith(f"  {named}   4.0  ") for row in shown)
    reminder = command_screen(home, 120, "today", "--notify", "--allow-night")
    assert reminder[0] == (
        "Time for your exercises: Upper back trigger-point relief: 1 of 2 done today — "
        "backpain start upper-back"
    )
