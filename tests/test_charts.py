"""`backpain stats`: the calendar and the pain chart, with colour and without, and
`stats --json` (exact output over the same Berlin history as test_history_cli)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from test_history_cli import STATS, clock, make, record, recorded, run  # noqa: F401  (fixtures)

from backpain_cli import console
from backpain_cli.cli import cli
from backpain_cli.cli import history as history_cli

G, Y, D, R = "\x1b[32m", "\x1b[33m", "\x1b[2m", "\x1b[0m"
BOLD = "\x1b[1m"
CYAN = "\x1b[36m"


def block(output: str, first: str, last: str) -> list[str]:
    """The lines from the one starting with `first` to the one starting with `last`."""
    lines = output.splitlines()
    start = next(n for n, line in enumerate(lines) if line.startswith(first))
    end = next(n for n, line in enumerate(lines) if n > start and line.startswith(last))
    return lines[start : end + 1]


@pytest.mark.usefixtures("recorded")
def test_calendar_and_chart_in_colour(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(history_cli, "styled_output", lambda: True)
    result = runner.invoke(cli, ["stats", "--weeks", "3", "--days", "5"], color=True)
    assert result.exit_code == 0
    output = result.output
    done, some, none = f"{G}██{R}", f"{Y}▒▒{R}", f"{D}░░{R}"
    assert block(output, f"{BOLD}Calendar", f"  {done} all") == [
        f"{BOLD}Calendar, last 12 weeks{R}",
        "  upper-back (2 per day, with upper-back-chair)",
        "              Mo Tu We Th Fr Sa Su",
        f"  2026-10-19                 {done} {done}",
        f"  2026-10-26  {none} {some} {none} {none} {none} {none} {none}",
        f"  2026-11-02  {done} {some} {some}",
        f"  {done} all due done  {some} some  {none} none  {D}··{R} not due  "
        "(blank: before your first session, today until one is begun, or to come)",
    ]
    o, star = f"{Y}o{R}", f"{CYAN}*{R}"
    assert block(output, "  Before (o)", "         Sa") == [
        "  Before (o) and after (*) a session, Sat 2026-10-31 to Wed 2026-11-04:",
        "    10 |",
        "       |",
        "     8 |",
        "       |",
        "     6 |",
        "       |",
        f"     4 |       {o}",
        f"       |        {star} {o}  {o}",
        f"     2 |           {star}",
        f"       |              {star}",
        "     0 |",
        "       +---------------",
        "         Sa Su Mo Tu We",
    ]


@pytest.mark.usefixtures("recorded")
def test_no_color_on_a_terminal_gives_the_plain_symbols(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    terminal = SimpleNamespace(stdout=SimpleNamespace(isatty=lambda: True))
    monkeypatch.setattr(console, "sys", terminal)
    assert console.styled_output()  # a colour terminal: styled
    monkeypatch.setenv("NO_COLOR", "1")
    assert not console.styled_output()
    assert run(runner, "stats", "--weeks", "3", "--days", "5") == (0, STATS)
    assert "\x1b" not in STATS and "█" not in STATS


def test_a_per_week_plan_marks_days_without_a_session_not_due(
    runner: CliRunner, home: Path
) -> None:
    from backpain_cli.routines.model import Frequency, Period

    weekly = Frequency(3, Period.WEEK)
    record(
        home,
        make("2026-10-26 08:00", routine="walk", frequency=weekly),
        make("2026-10-28 08:00", routine="walk", frequency=weekly, completed=False),
        make("2026-11-03 08:00", routine="walk", frequency=weekly),
    )
    code, output = run(runner, "stats", "--weeks", "1", "--days", "1")
    assert code == 0
    assert block(output, "Calendar", "  ##") == [
        "Calendar, last 12 weeks",
        "  walk (3 per week)",
        "              Mo Tu We Th Fr Sa Su",
        "  2026-10-26  ## -- ++ -- -- -- --",
        "  2026-11-02  -- ## --",
        "  ## all due done  ++ some  .. none  -- not due  (blank: before your first session, "
        "today until one is begun, or to come)",
    ]
    assert "Before (o)" not in output  # no check-ins: no chart


def test_the_chart_shows_at_most_three_weeks(runner: CliRunner, home: Path) -> None:
    record(home, make("2026-10-01 08:00", pain=(9, 8)), make("2026-11-04 08:00", pain=(10, 0)))
    code, output = run(runner, "stats", "--days", "60")
    assert code == 0
    chart = block(output, "  Before (o)", "         ")
    assert chart[0] == "  Before (o) and after (*) a session, Thu 2026-10-15 to Wed 2026-11-04:"
    assert chart[1] == "    10 |" + "   " * 20 + " o"
    assert chart[11] == "     0 |" + "   " * 20 + "  *"
    assert (
        chart[-1] == "         Th Fr Sa Su " + " ".join(["Mo Tu We Th Fr Sa Su"] * 2) + " Mo Tu We"
    )


# -- stats --json -----------------------------------------------------------------

JSON_DOC = Path(__file__).resolve().parents[1] / "docs" / "json-output.md"


def stats_doc() -> str:
    return JSON_DOC.read_text(encoding="utf-8").split("# `backpain stats --json`\n", 1)[1]


def documented(heading: str) -> list[str]:
    section = stats_doc().split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `(\w+)` \|", section, re.M)


@pytest.mark.usefixtures("recorded")
def test_stats_json_doc_documents_every_key_in_order(runner: CliRunner) -> None:
    code, output = run(runner, "stats", "--json")
    assert code == 0
    shown = json.loads(output)
    plan = shown["adherence"][0]
    assert documented("The stats") == list(shown)
    assert documented("Each week") == list(shown["weeks"][0])
    assert documented("Each plan") == list(plan)
    assert documented("This week and the weeks before") == list(plan["this_week"])
    assert list(plan["weeks_before"]) == list(plan["this_week"])
    assert documented("Each day of the calendar") == list(plan["calendar"][0])
    assert documented("Each day's pain") == list(shown["pain"][0])
    assert list(shown["streaks"]) == ["current", "longest", "longest_end"]
    assert list(shown["pain_change"]) == ["mean", "sessions"]
    states = {day["state"] for day in plan["calendar"]}
    assert states <= {"done", "partly", "missed", "not-due", "coming"}
    for state in states:
        assert f"`{state}`" in stats_doc()


def test_today_not_over_is_blank_in_the_calendar_never_none(runner: CliRunner, home: Path) -> None:
    """Wednesday noon (NOW): Monday done, Tuesday missed, nothing yet today. Today is
    left blank ("to come"), not `..`, and only the days before it are due so far."""
    record(home, make("2026-11-02 08:00"), make("2026-11-02 19:00"))
    code, output = run(runner, "stats", "--weeks", "1", "--days", "1")
    assert code == 0
    assert "  upper-back (2 per day): 2 of 14 this week, 4 due so far; " in output
    assert "  2026-11-02  ## ..\n" in output
    shown = json.loads(run(runner, "stats", "--json", "--weeks", "1", "--days", "1")[1])
    calendar = shown["adherence"][0]["calendar"]
    assert [day["state"] for day in calendar[:4]] == ["done", "missed", "today", "coming"]
    assert shown["adherence"][0]["this_week"]["due_so_far"] == 4


def test_day_one_with_nothing_completed_says_nothing_is_due_yet(
    runner: CliRunner, home: Path
) -> None:
    record(home, make("2026-11-04 08:00", completed=False))  # begun today, not finished
    code, output = run(runner, "stats", "--weeks", "1", "--days", "1")
    assert code == 0
    assert (
        "  upper-back (2 per day): 0 of 10 this week, nothing due until today is over "
        "(from your first session, Wed 2026-11-04); "
    ) in output
    assert "0 %" not in output and "due so far" not in output
    week = json.loads(run(runner, "stats", "--json")[1])["adherence"][0]["this_week"]
    assert (week["done"], week["target"], week["due_so_far"]) == (0, 10, 0)


@pytest.mark.usefixtures("recorded")
def test_stats_json_doc_example_is_real_output(runner: CliRunner) -> None:
    example = re.search(r"```json\n(.*?)```", stats_doc(), re.S)
    assert example
    documented_output = json.loads(example[1])
    code, output = run(runner, "stats", "--json", "--weeks", "1", "--days", "2")
    assert code == 0
    real = json.loads(output)
    shortened = documented_output["adherence"][0].pop("calendar")
    calendar = real["adherence"][0].pop("calendar")
    assert documented_output == real
    assert all(day in calendar for day in shortened) and len(shortened) == 3


@pytest.mark.usefixtures("recorded")
def test_stats_json_has_the_figures_the_text_shows(runner: CliRunner) -> None:
    shown = json.loads(run(runner, "stats", "--json", "--weeks", "3", "--days", "5")[1])
    assert shown["weeks"] == [
        {"start": "2026-10-19", "completed": 4, "partial": 0},
        {"start": "2026-10-26", "completed": 0, "partial": 1},
        {"start": "2026-11-02", "completed": 4, "partial": 0},
    ]
    assert shown["streaks"] == {"current": 3, "longest": 3, "longest_end": "2026-11-04"}
    plan = shown["adherence"][0]
    assert (plan["plan"], plan["variants"]) == ("upper-back", ["upper-back-chair"])
    week, before = plan["this_week"], plan["weeks_before"]
    assert (week["done"], week["target"], week["due_so_far"]) == (4, 14, 5)  # "4 of 14 ..."
    assert (before["done"], before["target"], before["percent"]) == (4, 18, 22)
    # The calendar: from the first session (Sat 24 Oct) to this Sunday, as drawn.
    marks = "".join(
        {"done": "#", "partly": "+", "missed": ".", "not-due": "-", "today": " ", "coming": " "}[
            day["state"]
        ]
        for day in plan["calendar"]
    )
    assert (plan["calendar"][0]["day"], plan["calendar"][-1]["day"]) == ("2026-10-24", "2026-11-08")
    assert marks == "##.+.....#++    "
    assert [(day["day"], day["mean"], day["before"], day["after"]) for day in shown["pain"]] == [
        ("2026-10-31", None, None, None),
        ("2026-11-01", None, None, None),
        ("2026-11-02", 3.5, 4.0, 3.0),
        ("2026-11-03", 2.5, 3.0, 2.0),
        ("2026-11-04", 2.0, 3.0, 1.0),
    ]
    assert shown["pain_change"] == {"mean": -1.33, "sessions": 3}  # "-1.3 (over 3 sessions"


def test_stats_json_with_nothing_recorded_has_the_same_keys(runner: CliRunner) -> None:
    code, output = run(runner, "stats", "--json")
    assert code == 0
    assert json.loads(output) == {
        "format": 1,
        "time_zone": "Europe/Berlin",
        "today": "2026-11-04",
        "weeks": [],
        "streaks": {"current": 0, "longest": 0, "longest_end": None},
        "adherence": [],
        "pain": [],
        "pain_change": {"mean": None, "sessions": 0},
        "sped_up": 0,
        "pain_outcome": {
            "first_weeks": None,
            "recent_weeks": None,
            "change": None,
            "matters": None,
            "band": None,
        },
        "goals": {"followed": 0, "mean": None, "mean_change": None, "matters": None},
        "barriers": {},
    }
