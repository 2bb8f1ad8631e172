"""The report leads with the person: goals first (first and latest rating, the change,
whether it matters), then adherence, pain with the band of the change that matters,
what got in the way, notes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from generated_history import twice_daily
from test_report import NOW, parse, record, report, self_contained
from test_report import clock as clock  # the fixed clock and zone

from backpain_cli.cli import cli
from backpain_cli.history import journal
from backpain_cli.history.goals import Goal, GoalRating, GoalState
from backpain_cli.history.outcomes import outcomes
from backpain_cli.history.store import open_for_recording


def goals_and_barriers(home: Path) -> None:
    store, warning = open_for_recording(home / "history.sqlite3")
    assert store is not None, warning
    start = NOW.astimezone(timezone.utc) - timedelta(days=40)
    with store:
        journal.add_goal(store, "Lift my grandchild", now=start)
        journal.add_goal(store, "Sleep on my <left> side", now=start)
        journal.add_goal(store, "Garden", now=start)  # not rated yet
        journal.rate_goals(store, {1: 3, 2: 5}, now=start)
        journal.rate_goals(store, {1: 7, 2: 6}, now=start + timedelta(days=30))
        journal.record_barrier(store, date(2026, 11, 20), "forgot", now=start)
        journal.record_barrier(store, date(2026, 11, 21), "forgot", now=start)
        journal.record_barrier(store, date(2026, 11, 22), "other", "the *dog* was ill", now=start)
        journal.record_barrier(store, date(2026, 11, 23), None, now=start)
        journal.record_barrier(store, date(2026, 9, 1), "no-time", now=start)  # before


def test_markdown_shows_goals_before_adherence(runner: CliRunner, home: Path) -> None:
    record(home, twice_daily(days=70, now=NOW))
    goals_and_barriers(home)
    text = report(runner, "--format", "markdown")
    assert text.index("## Goals") < text.index("**Adherence:")
    assert (
        "| Lift my grandchild | 3 (20 Oct) | 7 (19 Nov) | up 4 points, a change that "
        "usually matters |" in text
    )
    assert "| Sleep on my \\<left\\> side | 5 (20 Oct) | 6 (19 Nov) | up 1 point, less" in text
    assert "Pain of 2.4 or less is a change that usually matters (first two weeks: 3.4)." in text
    assert "**All goals: mean 6.5 of 10, up 2.5 points, a change that usually matters.**" in text
    assert "**Pain " in text and "since the first two weeks" in text
    section = text.split("## What got in the way\n\n", 1)[1].split("\n## ", 1)[0]
    assert section.startswith("- Forgot: 2 times\n- Something else: 1 time\n\n")
    assert "- Sun 22 Nov: the \\*dog\\* was ill" in section
    assert "No time" not in section  # answered before the period
    assert text.index("## Pain before") < text.index("## What got in the way")


def test_html_leads_with_goals_and_shades_the_band(runner: CliRunner, home: Path) -> None:
    record(home, twice_daily(days=70, now=NOW))
    goals_and_barriers(home)
    html = report(runner)
    page = parse(html)
    self_contained(html, page)
    words = page.words
    assert words.index("Goals") < words.index("Adherence")
    assert "Sleep on my <left> side" in words  # escaped, shown as text
    assert "&lt;left&gt;" in html
    assert 'class="band"' in html
    assert "after 2.4 or less: a change that usually matters 0 = no pain" in words
    assert "What got in the way Forgot: 2 times Something else: 1 time" in words


def test_no_goals_yet_is_one_line_and_no_pain_leaves_the_pain_words_out(
    runner: CliRunner, home: Path
) -> None:
    record(home, twice_daily(days=28, now=NOW))
    text = report(runner, "--format", "markdown")
    assert "## Goals" not in text
    assert "What got in the way" not in text
    bare = report(runner, "--format", "markdown", "--no-pain")
    assert "since the first two weeks" not in bare
    assert 'class="band"' not in report(runner, "--no-pain")


def test_a_fresh_history_has_no_goals_section_content(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["report", "-o", "-", "--format", "markdown"])
    assert result.exit_code == 0
    assert "Goals" not in result.output


def test_outcomes_keep_reached_goals_and_leave_removed_ones_out() -> None:
    now = datetime(2026, 12, 7, tzinfo=timezone.utc)
    rated = (GoalRating(now - timedelta(days=20), 2), GoalRating(now, 6))
    goals = [
        Goal(1, "a", "Garden", now, GoalState.DONE, ratings=rated),
        Goal(2, "b", "Run", now, GoalState.REMOVED, ratings=rated),
    ]
    found = outcomes(goals, [], [], first=date(2026, 11, 1), now=now, zone=timezone.utc)
    assert [g.text for g in found.goals] == ["Garden"]
    assert found.pain is not None and found.pain.change is None
    assert (
        outcomes([], [], [], first=date(2026, 11, 1), now=now, zone=timezone.utc, pain=False).pain
        is None
    )


@pytest.mark.parametrize("columns", [80])
def test_reached_goals_say_so(runner: CliRunner, home: Path, columns: int) -> None:
    goals_and_barriers(home)
    runner.invoke(cli, ["goals", "done", "1"])
    text = report(runner, "--format", "markdown")
    assert "; reached (marked done) |" in text


def test_with_goals_four_weeks_still_print_on_one_page(
    runner: CliRunner, home: Path, tmp_path: Path
) -> None:
    browser = pytest.importorskip("test_report_browser")
    if browser.BROWSER is None:
        pytest.skip("needs Debian's chromium")
    record(home, twice_daily(days=28, now=NOW))
    goals_and_barriers(home)
    page = tmp_path / "report.html"
    page.write_text(report(runner))
    for paper in ("A4", "letter"):
        sized = tmp_path / f"report-{paper}.html"
        sized.write_text(
            page.read_text().replace("@page { size: auto;", f"@page {{ size: {paper};")
        )
        pdf = tmp_path / f"report-{paper}.pdf"
        browser.chromium(
            tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", sized.as_uri()
        )
        assert browser.pdf_pages(pdf.read_bytes())[0] == 1, paper
    shot = tmp_path / "report.png"
    browser.chromium(tmp_path, "--window-size=1000,1400", f"--screenshot={shot}", page.as_uri())


def test_answers_without_words_list_the_reasons_only(runner: CliRunner, home: Path) -> None:
    record(home, twice_daily(days=28, now=NOW))
    store, _ = open_for_recording(home / "history.sqlite3")
    assert store is not None
    with store:
        journal.record_barrier(store, date(2026, 11, 20), "it-hurt", now=NOW)
    text = report(runner, "--format", "markdown")
    assert "## What got in the way\n\n- It hurt: 1 time\n\n## " in text
    assert "What got in the way It hurt: 1 time Notes" in parse(report(runner)).words


def test_no_pain_in_the_first_weeks_has_no_band(runner: CliRunner, home: Path) -> None:
    sessions = twice_daily(days=28, now=NOW)
    record(home, [replace(s, pain_before=0, pain_after=0) for s in sessions[:8]])
    text = report(runner, "--format", "markdown")
    assert "**Pain: too early to tell" in text
    assert "or less is a change" not in text
    assert 'class="band"' not in report(runner)
