"""`backpain history`, `stats` and `today`: exact output over a hand-made history in
Berlin that crosses the end of summer time, a fixed clock, and every error path."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from backpain_cli.cli import cli
from backpain_cli.cli import common as cli_module
from backpain_cli.history.records import (
    ExerciseRecord,
    ExerciseStatus,
    SessionOutcome,
    SessionRecord,
)
from backpain_cli.history.store import open_for_recording
from backpain_cli.routines.model import Frequency, Period

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 4, 12, 0, tzinfo=BERLIN)  # a Wednesday
TWICE_A_DAY = Frequency(2, Period.DAY)
HASH = "5e" * 32


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    monkeypatch.setattr(cli_module, "utc_now", lambda: NOW.astimezone(timezone.utc))


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


def make(
    started: str,
    *,
    routine: str = "upper-back",
    minutes: int = 9,
    completed: bool = True,
    pain: tuple[int | None, int | None] = (None, None),
    statuses: tuple[ExerciseStatus, ...] = (ExerciseStatus.DONE,) * 5,
    frequency: Frequency | None = TWICE_A_DAY,
    counts_as: str | None = "",
    note: str = "",
    speed: float | None = 1.0,
) -> SessionRecord:
    start = local(started)
    exercises = []
    for position, status in enumerate(statuses):
        exercises.append(
            ExerciseRecord(
                position=position,
                exercise_id=f"exercise-{position + 1}",
                name=f"Exercise {position + 1}",
                status=status,
                started=start + timedelta(minutes=position),
                ended=start + timedelta(minutes=position + 1),
                reps_done=3 if status is ExerciseStatus.DONE else 1,
                holds_done=3 if status is ExerciseStatus.DONE else 1,
                holds_planned=3,
                sides_done=("left",) if position == 0 else (),
            )
        )
    end = start + timedelta(minutes=minutes, seconds=30)
    return SessionRecord(
        id=0,
        routine=routine,
        routine_hash=HASH,
        started=start,
        last_update=end,
        ended=end if completed else None,
        outcome=SessionOutcome.COMPLETED if completed else SessionOutcome.PARTIAL,
        exercises_planned=5,
        pain_before=pain[0],
        pain_after=pain[1],
        frequency=frequency,
        exercises=tuple(exercises),
        counts_as=counts_as,
        note=note,
        speed=speed,
    )


def record(home: Path, *sessions: SessionRecord) -> None:
    history, warning = open_for_recording(home / "history.sqlite3")
    assert history is not None, warning
    with history:
        history.add_sessions(sessions)


PAIN = ExerciseStatus.STOPPED_FOR_PAIN
SKIP = ExerciseStatus.SKIPPED


@pytest.fixture
def recorded(home: Path) -> Path:
    """Two weeks around the end of summer time (25 Oct 2026 in Berlin)."""
    record(
        home,
        make("2026-10-24 08:00", pain=(6, 5)),
        make("2026-10-24 23:30", pain=(6, None)),  # late Saturday, summer time
        make("2026-10-25 07:30", pain=(5, 4)),  # Sunday, the clocks went back at 03:00
        make(
            "2026-10-25 19:00",
            routine="upper-back-chair",
            pain=(5, 3),
            frequency=None,
            counts_as="upper-back",
        ),
        make(
            "2026-10-27 08:00",
            minutes=3,
            completed=False,
            statuses=(PAIN, SKIP),
            pain=(7, None),
            note='sharp on the left, "like a knife"; stopped',
        ),
        make("2026-11-02 00:15", pain=(4, 3)),  # just after midnight: Monday
        make("2026-11-02 20:00", statuses=(SKIP, *(ExerciseStatus.DONE,) * 4)),
        make("2026-11-03 08:00", pain=(3, 2)),
        make("2026-11-04 07:45", minutes=62, pain=(3, 1)),
    )
    return home


def run(runner: CliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.output


# -- history ----------------------------------------------------------------------


def test_history_without_any_database(runner: CliRunner, home: Path) -> None:
    assert run(runner, "history") == (
        0,
        "No sessions recorded yet. Play a routine with `backpain start ROUTINE`.\n",
    )
    assert not (home / "history.sqlite3").exists()


TABLE = """\
Id  Date                  Routine           Time     Result     Exercises            Pain
1   2026-10-24 Sat 08:00  upper-back        9:30     completed  5 of 5 done          6 → 5
2   2026-10-24 Sat 23:30  upper-back        9:30     completed  5 of 5 done          6 → –
3   2026-10-25 Sun 07:30  upper-back        9:30     completed  5 of 5 done          5 → 4
4   2026-10-25 Sun 19:00  upper-back-chair  9:30     completed  5 of 5 done          5 → 3
5   2026-10-27 Tue 08:00  upper-back        3:30     partial    0 of 5 done, 1 hurt  7 → –
    note: sharp on the left, "like a knife"; stopped
6   2026-11-02 Mon 00:15  upper-back        9:30     completed  5 of 5 done          4 → 3
7   2026-11-02 Mon 20:00  upper-back        9:30     completed  4 of 5 done          –
8   2026-11-03 Tue 08:00  upper-back        9:30     completed  5 of 5 done          3 → 2
9   2026-11-04 Wed 07:45  upper-back        1:02:30  completed  5 of 5 done          3 → 1
"""


def test_history_table_in_local_time_across_the_end_of_summer_time(
    runner: CliRunner, recorded: Path
) -> None:
    assert run(runner, "history") == (0, TABLE)


def test_history_in_another_time_zone(
    runner: CliRunner, recorded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    code, output = run(runner, "history", "--limit", "2")
    assert code == 0
    assert output.splitlines()[1:3] == [
        "8   2026-11-03 Tue 02:00  upper-back  9:30     completed  5 of 5 done  3 → 2",
        "9   2026-11-04 Wed 01:45  upper-back  1:02:30  completed  5 of 5 done  3 → 1",
    ]


def test_history_limit_keeps_the_most_recent_and_says_so(runner: CliRunner, recorded: Path) -> None:
    assert run(runner, "history", "--limit", "2") == (
        0,
        "Id  Date                  Routine     Time     Result     Exercises    Pain\n"
        "8   2026-11-03 Tue 08:00  upper-back  9:30     completed  5 of 5 done  3 → 2\n"
        "9   2026-11-04 Wed 07:45  upper-back  1:02:30  completed  5 of 5 done  3 → 1\n"
        "\n"
        "The last 2 of 9 sessions; --limit 0 shows all, --since DATE from a day on.\n",
    )


def test_history_default_limit_is_20(runner: CliRunner, home: Path) -> None:
    record(home, *(make(f"2026-10-{day:02d} 08:00") for day in range(1, 26)))
    code, output = run(runner, "history")
    assert code == 0
    assert output.splitlines()[1].startswith("6   2026-10-06")
    assert output.splitlines()[-1].startswith("The last 20 of 25 sessions;")
    code, output = run(runner, "history", "--limit", "0")
    assert len(output.splitlines()) == 26


def test_history_since_and_routine(runner: CliRunner, recorded: Path) -> None:
    code, output = run(runner, "history", "--since", "2026-10-25", "--routine", "upper-back")
    assert code == 0
    assert [line[4:24] for line in output.splitlines()[1:] if "note:" not in line] == [
        "2026-10-25 Sun 07:30",
        "2026-10-27 Tue 08:00",
        "2026-11-02 Mon 00:15",
        "2026-11-02 Mon 20:00",
        "2026-11-03 Tue 08:00",
        "2026-11-04 Wed 07:45",
    ]
    assert run(runner, "history", "--routine", "nothing") == (0, "No sessions match.\n")


def test_history_since_a_bad_date(runner: CliRunner, recorded: Path) -> None:
    code, output = run(runner, "history", "--since", "last week")
    assert code == 2
    assert output == (
        "backpain: --since: 'last week' is not a period: write a number of "
        "weeks or days (4w, 10d) or a date (YYYY-MM-DD)\n"
    )


def test_history_since_takes_weeks_and_days_as_report_does(
    runner: CliRunner, recorded: Path
) -> None:
    by_date = run(runner, "history", "--since", "2026-11-02")
    assert by_date[0] == 0 and "2026-11-02 Mon 00:15" in by_date[1]
    assert "2026-10-27" not in by_date[1]
    # NOW is 2026-11-04: three days back, today included, is the same first day.
    assert run(runner, "history", "--since", "3d") == by_date
    assert run(runner, "history", "--since", "1w")[1].count("2026-10-2") == 0


def test_history_json_and_csv_together_is_a_usage_error(runner: CliRunner) -> None:
    code, output = run(runner, "history", "--json", "--csv")
    assert code == 2
    assert output.endswith("Error: choose one of --json and --csv\n")


CSV = f"""\
started,ended,routine,duration_seconds,outcome,pain_before,pain_after,exercises_planned,\
exercises_done,exercises_skipped,exercises_stopped_for_pain,stopped_for_pain,routine_sha256,\
session_id,speed,note
2026-10-25T19:00:00+01:00,2026-10-25T19:09:30+01:00,upper-back-chair,570,completed,5,3,5,5,0,0,,\
{HASH},1,1,
2026-10-27T08:00:00+01:00,,upper-back,210,partial,7,,5,0,1,1,exercise-1,{HASH},2,1,\
"said ""ouch"", then
stopped"
2026-11-02T20:00:00+01:00,2026-11-02T20:09:30+01:00,upper-back,570,completed,,,5,4,1,0,,{HASH},3,\
60,'=1+1 is a formula in a spreadsheet
"""


def test_history_csv_exactly(runner: CliRunner, home: Path) -> None:
    record(
        home,
        make("2026-10-25 19:00", routine="upper-back-chair", pain=(5, 3)),
        make(
            "2026-10-27 08:00",
            minutes=3,
            completed=False,
            statuses=(PAIN, SKIP),
            pain=(7, None),
            note='said "ouch", then\nstopped',  # quotes, a comma and a newline: quoted
        ),
        make(
            "2026-11-02 20:00",
            statuses=(SKIP, *(ExerciseStatus.DONE,) * 4),
            speed=60.0,
            note="=1+1 is a formula in a spreadsheet",
        ),
    )
    assert run(runner, "history", "--csv") == (0, CSV)
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(CSV)))
    assert rows[1]["note"] == 'said "ouch", then\nstopped'
    assert [row["session_id"] for row in rows] == ["1", "2", "3"]


def test_history_csv_with_nothing_recorded_is_just_the_header(runner: CliRunner) -> None:
    code, output = run(runner, "history", "--csv")
    assert (code, output) == (0, CSV.split("\n", 2)[0] + "\n")


def test_history_json_exactly(runner: CliRunner, home: Path) -> None:
    record(
        home,
        make(
            "2026-10-25 01:30",
            pain=(5, None),
            statuses=(PAIN,),
            completed=False,
            minutes=1,
            note="left side tight",
        ),
    )
    code, output = run(runner, "history", "--json")
    assert code == 0
    shown = json.loads(output)
    uuid = shown["sessions"][0]["uuid"]
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", uuid)
    assert shown == {
        "format": 1,
        "time_zone": "Europe/Berlin",
        "sessions": [
            {
                "id": 1,
                "started": "2026-10-25T01:30:00+02:00",
                "ended": None,
                "routine": "upper-back",
                "routine_sha256": HASH,
                "duration_seconds": 90,
                "outcome": "partial",
                "pain_before": 5,
                "pain_after": None,
                "exercises_planned": 5,
                "speed": 1.0,
                "sped_up": False,
                "counts_as": None,
                "note": "left side tight",
                "uuid": uuid,
                "origin": None,
                "routine_path": None,
                "exercises": [
                    {
                        "position": 1,
                        "id": "exercise-1",
                        "name": "Exercise 1",
                        "status": "stopped-for-pain",
                        "started": "2026-10-25T01:30:00+02:00",
                        "ended": "2026-10-25T01:31:00+02:00",
                        "reps_done": 1,
                        "holds_done": 1,
                        "holds_planned": 3,
                        "sides_done": ["left"],
                    }
                ],
            }
        ],
    }
    assert output.startswith('{\n  "format": 1,\n  "time_zone": "Europe/Berlin",\n')


def test_a_damaged_database_is_a_clear_error(runner: CliRunner, home: Path) -> None:
    path = home / "history.sqlite3"
    path.write_bytes(b"not sqlite at all" * 100)
    for command in ("history", "stats", "today"):
        result = runner.invoke(cli, [command])
        assert result.exit_code == 2, command
        assert result.output.startswith(
            f"backpain: {path}: the history database is damaged (file is not a database)."
        )
    assert path.read_bytes() == b"not sqlite at all" * 100


# -- stats ------------------------------------------------------------------------


STATS = """\
This week (from Mon 2026-11-02): 4 sessions, 4 completed, 0 partial
Streak: 3 days; longest 3 days (to 2026-11-04)

Adherence
  upper-back (2 per day, with upper-back-chair): 4 of 14 this week, 5 due so far; \
the 4 weeks before: 4 of 18 (22 %), from Sat 2026-10-24

Calendar, last 12 weeks
  upper-back (2 per day, with upper-back-chair)
              Mo Tu We Th Fr Sa Su
  2026-10-19                 ## ##
  2026-10-26  .. ++ .. .. .. .. ..
  2026-11-02  ## ++ ++
  ## all due done  ++ some  .. none  -- not due  (blank: before your first session, \
today until one is begun, or to come)

Sessions per week (completed + partial)
  week of 2026-10-19    4 + 0   ####
  week of 2026-10-26    0 + 1   .
  week of 2026-11-02    4 + 0   ####

Pain, last 5 days (0 none to 10 worst; the mean of each day's check-ins)
  Sat 2026-10-31     –
  Sun 2026-11-01     –
  Mon 2026-11-02   3.5  #######
  Tue 2026-11-03   2.5  #####
  Wed 2026-11-04   2.0  ####
  Before (o) and after (*) a session, Sat 2026-10-31 to Wed 2026-11-04:
    10 |
       |
     8 |
       |
     6 |
       |
     4 |       o
       |        * o  o
     2 |           *
       |              *
     0 |
       +---------------
         Sa Su Mo Tu We
Average change per session, last 5 days: -1.3 (over 3 sessions with both check-ins; \
negative is less pain)

Pain: too early to tell (at least 3 ratings in the first two weeks and in the last two \
are needed).
"""


def test_stats_exactly(runner: CliRunner, recorded: Path) -> None:
    assert run(runner, "stats", "--weeks", "3", "--days", "5") == (0, STATS)


def test_stats_default_windows(runner: CliRunner, recorded: Path) -> None:
    code, output = run(runner, "stats")
    assert code == 0
    assert "  week of 2026-09-14    0 + 0\n" in output  # 8 weeks, empty ones kept
    assert "Pain, last 14 days" in output
    assert "  Sat 2026-10-24   5.7  ###########\n" in output


def test_stats_without_sessions(runner: CliRunner, home: Path) -> None:
    message = "No sessions recorded yet. Play a routine with `backpain start ROUTINE`.\n"
    assert run(runner, "stats") == (0, message)
    record(home)  # a database with nothing in it
    assert run(runner, "stats") == (0, message)


STATS_SINCE = """\
Since Mon 2026-11-02 (3 days, today included); earlier sessions are left out.

This week (from Mon 2026-11-02): 4 sessions, 4 completed, 0 partial
Streak: 3 days; longest 3 days (to 2026-11-04)

Adherence
  upper-back (2 per day, with upper-back-chair): 4 of 14 this week, 5 due so far; \
the 4 weeks before: none counted, they were before Mon 2026-11-02

Calendar, last 12 weeks
  upper-back (2 per day, with upper-back-chair)
              Mo Tu We Th Fr Sa Su
  2026-11-02  ## ++ ++
  ## all due done  ++ some  .. none  -- not due  (blank: before your first session, \
today until one is begun, or to come)

Sessions per week (completed + partial)
  week of 2026-11-02    4 + 0   ####

Pain, last 2 days (0 none to 10 worst; the mean of each day's check-ins)
  Tue 2026-11-03   2.5  #####
  Wed 2026-11-04   2.0  ####
  Before (o) and after (*) a session, Tue 2026-11-03 to Wed 2026-11-04:
    10 |
       |
     8 |
       |
     6 |
       |
     4 |
       | o  o
     2 |  *
       |     *
     0 |
       +------
         Tu We
Average change per session, last 2 days: -1.5 (over 2 sessions with both check-ins; \
negative is less pain)

Pain: too early to tell (at least 3 ratings in the first two weeks and in the last two \
are needed).
"""


def test_stats_since_leaves_earlier_sessions_out_and_says_so(
    runner: CliRunner, recorded: Path
) -> None:
    assert run(runner, "stats", "--since", "2026-11-02", "--days", "2") == (0, STATS_SINCE)
    # NOW is Wednesday 2026-11-04: three days back, today included, is the same day.
    assert run(runner, "stats", "--since", "3d", "--days", "2") == (0, STATS_SINCE)


def test_stats_since_shows_the_weeks_and_days_of_the_period(
    runner: CliRunner, recorded: Path
) -> None:
    code, output = run(runner, "stats", "--since", "2026-10-25")
    assert code == 0
    assert output.startswith(
        "Since Sun 2026-10-25 (11 days, today included); earlier sessions are left out.\n"
    )
    weeks = [line.split()[2] for line in output.splitlines() if line.startswith("  week of")]
    assert weeks == ["2026-10-19", "2026-10-26", "2026-11-02"]  # every week, none before
    assert "  week of 2026-10-19    2 + 0   ##\n" in output  # Sunday's two, not Saturday's
    assert "Pain, last 11 days" in output  # --days 14 is more than the period
    assert "Sat 2026-10-24" not in output
    assert ", from Sun 2026-10-25" in output  # the weeks before: counted from that day
    fewer = run(runner, "stats", "--since", "2026-10-25", "--weeks", "1")[1]
    assert [line for line in fewer.splitlines() if line.startswith("  week of")] == [
        "  week of 2026-11-02    4 + 0   ####"
    ]


def test_stats_since_today_counts_this_week_from_today(runner: CliRunner, recorded: Path) -> None:
    code, output = run(runner, "stats", "--since", "1d")
    assert code == 0
    assert "This week (from Mon 2026-11-02): 1 session, 1 completed, 0 partial\n" in output
    assert "Streak: 1 day; longest 1 day (to 2026-11-04)\n" in output
    assert (
        "  upper-back (2 per day, with upper-back-chair): 1 of 10 this week, 1 due so far "
        "(since Wed 2026-11-04); "
        "the 4 weeks before: none counted, they were before Wed 2026-11-04\n"
    ) in output


def test_stats_since_a_day_without_sessions(runner: CliRunner, home: Path) -> None:
    record(home, make("2026-11-02 08:00"))
    assert run(runner, "stats", "--since", "2026-11-03") == (
        0,
        "No sessions since Tue 2026-11-03.\n",
    )
    shown = json.loads(run(runner, "stats", "--since", "2026-11-03", "--json")[1])
    assert (shown["since"], shown["weeks"], shown["adherence"]) == ("2026-11-03", [], [])


def test_stats_since_in_json(runner: CliRunner, recorded: Path) -> None:
    code, output = run(runner, "stats", "--since", "2026-10-25", "--json", "--days", "2")
    assert code == 0
    shown = json.loads(output)
    assert list(shown)[:5] == ["format", "time_zone", "today", "since", "weeks"]
    assert shown["since"] == "2026-10-25"
    assert [week["completed"] for week in shown["weeks"]] == [2, 0, 4]
    assert shown["adherence"][0]["counted_from"] == "2026-10-25"
    assert shown["adherence"][0]["calendar"][0]["day"] == "2026-10-25"
    assert "since" not in json.loads(run(runner, "stats", "--json")[1])


@pytest.mark.parametrize("value", ["last week", "0w", "2026-13-01", "2026-11-05"])
@pytest.mark.parametrize(
    "command", [("history",), ("history", "export"), ("report",), ("stats",)], ids=" ".join
)
def test_a_bad_since_is_one_line_and_exit_2_for_every_command(
    runner: CliRunner, recorded: Path, command: tuple[str, ...], value: str
) -> None:
    result = runner.invoke(cli, [*command, "--since", value, "-o", "-"][: len(command) + 2])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"backpain: --since: '{value}' is ")
    assert result.stderr.count("\n") == 1


def test_stats_without_pain_check_ins_or_frequencies(runner: CliRunner, home: Path) -> None:
    record(
        home,
        make("2026-11-04 08:00", routine="mine", frequency=None),
        make("2026-10-01 08:00", routine="upper-back"),  # longer ago than 4 weeks
    )
    code, output = run(runner, "stats", "--weeks", "1", "--days", "2")
    assert code == 0
    assert output == (
        "This week (from Mon 2026-11-02): 1 session, 1 completed, 0 partial\n"
        "Streak: 1 day; longest 1 day (to 2026-11-04)\n"
        "\n"
        "Adherence\n"
        "  No routine played in the last 4 weeks has a frequency.\n"
        "\n"
        "Sessions per week (completed + partial)\n"
        "  week of 2026-11-02    1 + 0   #\n"
        "\n"
        "Pain, last 2 days (0 none to 10 worst; the mean of each day's check-ins)\n"
        "  No pain check-ins in these days.\n"
        "Average change per session, last 2 days: no session with both check-ins.\n"
    )


def test_stats_reads_the_frequency_from_the_routine_file_for_old_sessions(
    runner: CliRunner, home: Path
) -> None:
    # Sessions migrated from schema v1 have no recorded frequency (NULL).
    record(home, make("2026-11-04 08:00"))
    import sqlite3

    connection = sqlite3.connect(home / "history.sqlite3")
    connection.execute("UPDATE sessions SET frequency = NULL")
    connection.commit()
    connection.close()
    code, output = run(runner, "stats", "--weeks", "1", "--days", "1")
    assert code == 0, output
    # Counted from the first session (today): the days before are not "missed", and of
    # today, not over, only the session done is due so far.
    assert (
        "  upper-back (2 per day): 1 of 10 this week, 1 due so far (from your first session, "
        "Wed 2026-11-04); the 4 weeks before: none counted, they were before your first "
        "session\n"
    ) in output


# -- today ------------------------------------------------------------------------


def test_today_not_all_done_exits_1(runner: CliRunner, recorded: Path) -> None:
    assert run(runner, "today") == (
        1,
        "Today, Wed 2026-11-04\n"
        "  Upper back trigger-point relief  2 per day  1 of 2 done  1 to go  "
        "(with upper-back-chair)\n"
        "1 session still due today.\n",
    )


def test_today_all_done_exits_0(runner: CliRunner, home: Path) -> None:
    record(home, make("2026-11-04 07:00"), make("2026-11-04 09:00"))
    assert run(runner, "today") == (
        0,
        "Today, Wed 2026-11-04\n"
        "  Upper back trigger-point relief  2 per day  2 of 2 done  done\n"
        "All done for today.\n",
    )


def test_today_per_week_frequency(runner: CliRunner, home: Path) -> None:
    three = Frequency(3, Period.WEEK)
    record(
        home,
        make("2026-11-02 07:00", routine="weekly", frequency=three),
        make("2026-11-03 07:00", routine="weekly", frequency=three),
    )
    assert run(runner, "today") == (
        1,
        "Today, Wed 2026-11-04\n  weekly  3 per week  2 of 3 this week  1 to go\n"
        "weekly: its routine file is gone or does not load (`backpain list` shows yours); "
        "shown as the history recorded it.\n"
        "1 session still due today.\n",
    )


def test_today_with_nothing_in_use(runner: CliRunner) -> None:
    assert run(runner, "today") == (
        0,
        "Today, Wed 2026-11-04\n"
        "No routine with a frequency was played in the last 4 weeks; "
        "name one, e.g. `backpain today upper-back`.\n",
    )


def test_today_for_a_named_routine_uses_its_file(runner: CliRunner, user_routines: Path) -> None:
    source = (Path(__file__).parents[1] / "routines" / "upper-back-gentle.yaml").read_text()
    (user_routines / "easy.yaml").write_text(
        source.replace("name: upper-back-gentle", "name: easy").replace(
            "counts_as: upper-back\n", ""
        )
    )
    assert run(runner, "today", "upper-back-gentle", "easy") == (
        1,
        "Today, Wed 2026-11-04\n"
        "  Gentle upper back relief (movement precautions): no frequency set, so nothing "
        "is due\n"
        "  Upper back trigger-point relief  2 per day  0 of 2 done  2 to go  "
        "(with upper-back-gentle)\n"
        "2 sessions still due today.\n",
    )
    assert run(runner, "today", "easy") == (
        0,
        "Today, Wed 2026-11-04\n"
        "  Gentle upper back relief (movement precautions): no frequency set, so nothing "
        "is due\n",
    )


def test_today_with_an_unknown_routine_is_an_error(runner: CliRunner) -> None:
    code, output = run(runner, "today", "upper-bak")
    assert code == 2
    assert output.startswith("backpain: upper-bak: no routine of that name")


# -- help -------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["history", "stats", "today"])
def test_every_command_has_an_example(runner: CliRunner, command: str) -> None:
    code, output = run(runner, command, "--help")
    assert code == 0
    assert "Examples:" in output
    assert f"  backpain {command}\n" in output


def test_routines_that_no_longer_load_are_left_out(runner: CliRunner, home: Path) -> None:
    record(home, make("2026-11-04 08:00", routine="gone"))
    import sqlite3

    connection = sqlite3.connect(home / "history.sqlite3")
    connection.execute("UPDATE sessions SET frequency = NULL")  # as migrated from v1
    connection.commit()
    connection.close()
    code, output = run(runner, "today")
    assert (code, output.splitlines()[1]) == (
        0,
        "No routine with a frequency was played in the last 4 weeks; "
        "name one, e.g. `backpain today upper-back`.",
    )


def test_the_real_clock_and_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()
    moment = cli_module.utc_now()
    assert moment.tzinfo is timezone.utc
    assert abs(moment - datetime.now(timezone.utc)) < timedelta(seconds=5)
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    assert cli_module.user_zone() == ZoneInfo("Asia/Tokyo")


def test_today_reads_the_exercise_library_once(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backpain_cli.routines import loader as loader

    real = loader.read_definitions
    read: list[str] = []

    def counted(path: Path, *, routine: bool) -> object:
        read.append(path.name)
        return real(path, routine=routine)

    monkeypatch.setattr(loader, "read_definitions", counted)
    names = ["upper-back", "upper-back-chair", "upper-back-gentle"]
    result = runner.invoke(cli, ["today", *names])
    assert result.exit_code in (0, 1), result.output
    assert read == ["exercises.yaml"]  # not once per routine, nor again for the frequencies


@pytest.mark.parametrize("command", ["stats", "today"])
def test_stats_and_today_need_no_routine_files_when_frequencies_are_recorded(
    recorded: Path, command: str
) -> None:
    """Start-up: with every frequency stored in the history, YAML is never imported."""
    import subprocess
    import sys

    probe = (
        "import sys\n"
        "from backpain_cli.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('yaml' in sys.modules, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, command],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stderr.strip().splitlines()[-1] == "False"
