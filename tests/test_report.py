"""`backpain report`: numbers equal to `stats`, a well-formed self-contained html page
with every text escaped, Markdown, the options, and the empty and odd periods."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from generated_history import twice_daily

from backpain_cli import __version__
from backpain_cli.cli import cli
from backpain_cli.cli import common as cli_module
from backpain_cli.history import stats
from backpain_cli.history.period import PeriodError, period_start
from backpain_cli.history.records import SessionRecord
from backpain_cli.history.store import open_for_recording
from backpain_cli.report.pdf import INSTALL, NoBrowser, find_browser, print_command
from backpain_cli.routines.model import Frequency, Period

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 29, 23, 50, tzinfo=BERLIN)  # a Sunday, late: the week's last day
TWICE_A_DAY = Frequency(2, Period.DAY)
VOID = {"meta", "br", "hr", "img", "input", "link", "source", "wbr", "col", "area", "base"}
SVG_VOID = {"rect", "circle", "line", "polyline", "path"}  # written as <x .../>


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    monkeypatch.setattr(cli_module, "utc_now", lambda: NOW.astimezone(timezone.utc))


def record(home: Path, sessions: list[SessionRecord]) -> None:
    store, warning = open_for_recording(home / "history.sqlite3")
    assert store is not None, warning
    with store:
        store.add_sessions(sessions)


def report(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(cli, ["report", "-o", "-", *args])
    assert result.exit_code == 0, result.output
    return result.output


class Page(HTMLParser):
    """Checks nesting while it reads, and keeps what the tests look at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]
        if tag not in SVG_VOID:
            self.errors.append(f"<{tag}/> is not an svg shape")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    assert page.errors == []
    assert page.stack == []
    assert html.startswith("<!DOCTYPE html>")
    return page


EMBEDDED = re.compile(r'src="data:image/(?:png|jpeg|svg\+xml);base64,[A-Za-z0-9+/=]*"')


def self_contained(html: str, page: Page) -> None:
    """No script, no event handler, nothing fetched from anywhere: the only source is an
    exercise's picture embedded in the page itself (a data: URI)."""
    assert "script" not in page.tags
    assert not [name for name, _ in page.attributes if name.startswith("on")]
    assert not [name for name, _ in page.attributes if name in ("href", "xlink:href")]
    sources = [value for name, value in page.attributes if name == "src"]
    assert all(EMBEDDED.fullmatch(f'src="{value}"') for value in sources)
    assert page.tags.count("img") == len(sources)
    for tag in ("link", "iframe", "object", "embed", "base", "use", "image"):
        assert tag not in page.tags
    text = EMBEDDED.sub("", html)
    assert "url(" not in text
    assert "@import" not in text
    assert "http" not in text


def test_four_weeks_numbers_equal_stats(runner: CliRunner, home: Path) -> None:
    sessions = twice_daily(days=3650, now=NOW)  # ten years
    record(home, sessions)
    html = report(runner, "--since", "4w")
    page = parse(html)
    self_contained(html, page)
    words = page.words
    # The 4 weeks end with this week: stats' own adherence over 4 weeks. Today is not
    # over: of it, only the sessions done so far are due (27 days x 2 before it).
    four = stats.adherence("upper-back", TWICE_A_DAY, sessions, now=NOW, zone=BERLIN, weeks=4)
    today = sum(s.completed for s in sessions if stats.local_day(s.started, BERLIN) == NOW.date())
    assert four.target == 56
    assert four.due_so_far == 54 + min(today, 2) < 56  # one of today's two is not done yet
    due = four.due_so_far
    assert f"{four.done} of {due} due sessions, {round(100 * four.done / due)} %" in words
    assert "Mon 02 Nov 2026 to Sun 29 Nov 2026 (28 days)" in words
    # This week, as `backpain stats` prints it.
    shown = runner.invoke(cli, ["stats"]).output
    found = re.search(r"upper-back \(2 per day\): (\d+) of 14 this week, (\d+) due so far", shown)
    assert found is not None, shown
    week = report(runner, "--since", "2026-11-23", "--format", "markdown")
    assert f"**Adherence: {found[1]} of {found[2]} due sessions" in week
    # Pain: the mean change per session of the period, as stats computes it.
    first = date(2026, 11, 2)
    period = [s for s in sessions if stats.local_day(s.started, BERLIN) >= first]
    change = stats.pain_change(period)
    assert change.mean is not None
    direction = "lower" if change.mean < 0 else "higher"
    assert f"{abs(change.mean):.1f} points {direction} than before" in words
    assert f"({change.sessions} sessions with both ratings)" in words
    # The charts: a cell a day, a point for each rating.
    assert html.count('<g class="day ') == 28
    ratings = sum((s.pain_before is not None) for s in period)
    assert html.count('<circle class="point before"') == ratings
    assert f"Generated by backpain {__version__} on 2026-11-29 23:50 (Europe/Berlin)" in words


def test_calendar_marks_each_day(runner: CliRunner, home: Path) -> None:
    sessions = twice_daily(days=28, now=NOW, missed=0.3)
    record(home, sessions)
    html = report(runner)
    marks = stats.day_marks(
        "upper-back",
        TWICE_A_DAY,
        sessions,
        first=date(2026, 11, 2),
        last=date(2026, 11, 29),
        now=NOW,
        zone=BERLIN,
    )
    shown = re.findall(r'<g class="day ([a-z -]+)"><title>([^<]*)</title>', html)
    assert [state.split()[0] for state, _ in shown] == [mark.state.value for mark in marks]
    assert [state for state, _ in shown if "today" in state] == [shown[-1][0]]
    assert shown[-1][1].endswith(", today (not over yet)")
    assert {state for state, _ in shown} >= {"done", "partly", "missed"}
    for (_, title), mark in zip(shown, marks, strict=True):
        assert title.startswith(f"{mark.day:%a} {mark.day.isoformat()}: ")
        if mark.begun:
            assert f"({mark.completed} completed of 2 due" in title


def test_a_fresh_history_gives_a_clear_page(runner: CliRunner, home: Path) -> None:
    html = report(runner)
    page = parse(html)
    self_contained(html, page)
    assert "No sessions were recorded in this period." in page.words
    assert "No pain check-ins in this period." in page.words
    assert "general education, not medical advice" in page.words
    assert "<svg" not in html


def test_no_check_ins_and_a_routine_without_a_file(runner: CliRunner, home: Path) -> None:
    sessions = [
        SessionRecord(**{**vars(s), "routine": "old-routine", "pain_before": None,
                         "pain_after": None})
        for s in twice_daily(days=10, now=NOW)
    ]  # fmt: skip
    record(home, sessions)
    page = parse(report(runner))
    words = page.words
    assert "The routine file no longer exists" in words
    assert "old-routine · 2 times a day" in words
    assert "Rhomboid stretch (long sitting) 3 reps each side" in words  # as recorded
    assert "No pain check-ins in this period." in words


def test_texts_from_files_stay_text(runner: CliRunner, home: Path, user_routines: Path) -> None:
    builtin = (Path(__file__).parents[1] / "routines" / "upper-back.yaml").read_text()
    hostile = builtin.replace("name: upper-back\n", "name: hostile\n").replace(
        "title: Upper back trigger-point relief",
        "title: \"<script>alert('x')</script> & <b>bold</b>\"",
    )
    assert hostile != builtin
    (user_routines / "hostile.yaml").write_text(hostile)
    record(home, twice_daily(days=5, now=NOW, routine="hostile"))
    html = report(runner)
    page = parse(html)
    self_contained(html, page)
    assert "<script>alert('x')</script> & <b>bold</b>" in page.words
    assert "&lt;script&gt;" in html
    assert "b" not in page.tags
    markdown = report(runner, "--format", "markdown")
    assert r"\<script\>alert('x')\</script\> \& \<b\>bold\</b\>" in markdown


def test_leaving_out_notes_and_pain(runner: CliRunner, home: Path) -> None:
    record(home, twice_daily(days=28, now=NOW))
    full = parse(report(runner)).words
    assert "Notes" in full and "Pain before and after sessions" in full
    assert "Stopped with “this hurts”" in full
    bare = report(runner, "--no-notes", "--no-pain")
    words = parse(bare).words
    assert "Notes" not in words
    assert "Pain before" not in words and "Pain is" not in words and "ratings" not in words
    assert "hurts" not in words
    assert "<circle" not in bare
    assert "Adherence" in words


def test_routine_option(runner: CliRunner, home: Path) -> None:
    chair = twice_daily(days=28, now=NOW, routine="upper-back-chair")
    record(home, twice_daily(days=28, now=NOW) + chair)
    both = parse(report(runner)).words
    assert "upper-back · 2 times a day" in both and "upper-back-chair · 2 times a day" in both
    one = parse(report(runner, "--routine", "upper-back-chair")).words
    assert "upper-back-chair · 2 times a day" in one
    assert "upper-back · " not in one
    never = runner.invoke(cli, ["report", "--routine", "no-such-thing", "-o", "-"])
    assert never.exit_code == 2
    assert "no routine called 'no-such-thing'" in never.output


def test_default_file_and_output_file(
    runner: CliRunner, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record(home, twice_daily(days=3, now=NOW))
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["report"])
    assert result.exit_code == 0, result.output
    assert result.output == "Report written to backpain-report-2026-11-29.html\n"
    parse((tmp_path / "backpain-report-2026-11-29.html").read_text())
    result = runner.invoke(cli, ["report", "--format", "markdown", "-o", "visit.md"])
    assert result.output == "Report written to visit.md\n"
    assert (tmp_path / "visit.md").read_text().startswith("# Home exercise report\n")
    # Today's file again: never replaced unasked; --force replaces it.
    (tmp_path / "backpain-report-2026-11-29.html").write_text("my own notes")
    result = runner.invoke(cli, ["report"])
    assert result.exit_code == 2
    assert result.stderr == (
        "backpain: backpain-report-2026-11-29.html already exists: --force replaces it, "
        "or -o FILE writes another\n"
    )
    assert (tmp_path / "backpain-report-2026-11-29.html").read_text() == "my own notes"
    result = runner.invoke(cli, ["report", "--force"])
    assert result.output == "Report written to backpain-report-2026-11-29.html\n"
    parse((tmp_path / "backpain-report-2026-11-29.html").read_text())
    result = runner.invoke(cli, ["report", "-o", str(tmp_path / "missing" / "x.html")])
    assert result.exit_code == 2
    assert "cannot write" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("since", ["0w", "yesterday", "2026-13-01", "2027-01-01"])
def test_bad_since_is_a_usage_error(runner: CliRunner, since: str) -> None:
    result = runner.invoke(cli, ["report", "--since", since, "-o", "-"])
    assert result.exit_code == 2
    assert "--since" in result.output
    assert "Traceback" not in result.output


def test_period_start() -> None:
    today = date(2026, 11, 29)
    assert period_start("4w", today=today) == date(2026, 11, 2)
    assert period_start("10d", today=today) == date(2026, 11, 20)
    assert period_start("1d", today=today) == today
    assert period_start("2026-01-31", today=today) == date(2026, 1, 31)
    with pytest.raises(PeriodError, match="a number of weeks or days"):
        period_start("four weeks", today=today)


def test_pdf_without_a_browser_says_what_to_install(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no chromium, no chrome
    monkeypatch.setattr("os.path.exists", lambda path: False)
    result = runner.invoke(cli, ["report", "--format", "pdf", "-o", "-"])
    assert result.exit_code == 2
    assert "sudo apt install chromium" in result.output
    assert "backpain report -o report.html" in result.output
    with pytest.raises(NoBrowser, match=re.escape(INSTALL)):
        find_browser(lambda name: None, lambda path: False)
    assert find_browser(lambda name: f"/bin/{name}" if name == "google-chrome" else None,
                        lambda path: False) == "/bin/google-chrome"  # fmt: skip


def test_print_command_is_headless_and_private(tmp_path: Path) -> None:
    argv = print_command("chromium", tmp_path / "r.html", tmp_path / "r.pdf", tmp_path / "p")
    for flag in ("--headless", "--disable-background-networking", "--no-first-run"):
        assert flag in argv
    assert f"--user-data-dir={tmp_path / 'p'}" in argv
    assert argv[-1] == (tmp_path / "r.html").as_uri()


def test_weeks_long_periods_chart_weekly_means(runner: CliRunner, home: Path) -> None:
    record(home, twice_daily(days=400, now=NOW))
    html = report(runner, "--since", "52w")
    parse(html)
    assert html.count('<circle class="point before"') <= 53
    assert html.count('<g class="day ') == 364
    assert datetime(2026, 11, 29) - timedelta(weeks=52) < datetime(2026, 11, 29)


def test_notes_are_shown_escaped_and_can_be_left_out(runner: CliRunner, home: Path) -> None:
    sessions = twice_daily(days=7, now=NOW)
    noted = {3: "Left shoulder\ntight <script>x()</script>", 9: "Felt better after"}
    sessions = [
        SessionRecord(**{**vars(s), "note": noted.get(index, "")})
        for index, s in enumerate(sessions)
    ]
    record(home, sessions)
    html = report(runner)
    page = parse(html)
    self_contained(html, page)
    words = page.words
    first = sessions[3].started.astimezone(BERLIN)
    assert f"{first:%a %d %b %H:%M} Left shoulder tight <script>x()</script>" in words
    assert "Felt better after" in words
    markdown = report(runner, "--format", "markdown")
    assert f"- {first:%a %d %b %H:%M}: Left shoulder tight \\<script\\>x()\\</script\\>" in markdown
    for hidden in (
        report(runner, "--no-notes"),
        report(runner, "--no-notes", "--format", "markdown"),
    ):
        assert "Left shoulder" not in hidden and "Felt better" not in hidden
        assert "Notes" not in hidden


def on_a_chair(sessions: list[SessionRecord]) -> list[SessionRecord]:
    """The same sessions played as upper-back-chair, which counts toward upper-back."""
    return [
        SessionRecord(**{**vars(s), "routine": "upper-back-chair", "counts_as": "upper-back"})
        for s in sessions
    ]


def test_variants_count_toward_one_plan_as_in_stats(runner: CliRunner, home: Path) -> None:
    floor = twice_daily(days=3650, now=NOW, missed=0.45)
    chair = on_a_chair(twice_daily(days=3650, now=NOW, seed=7, missed=0.6))
    record(home, floor + chair)
    shown = runner.invoke(cli, ["stats"]).output
    found = re.search(
        r"upper-back \(2 per day, with upper-back-chair\): (\d+) of 14 this week, "
        r"(\d+) due so far; the 4 weeks before: (\d+) of 56",
        shown,
    )
    assert found is not None, shown
    week = parse(report(runner, "--since", "2026-11-23")).words
    assert f"{found[1]} of {found[2]} due sessions" in week
    assert "upper-back-chair · " not in week  # one plan, not two
    assert "Also counted toward this plan (counts_as): upper-back-chair (" in week
    # The same plan when asked for by its variant's name.
    assert (
        parse(report(runner, "--since", "2026-11-23", "--routine", "upper-back-chair")).words
        == week
    )
    both = [s for s in floor + chair if stats.local_day(s.started, BERLIN) >= date(2026, 11, 2)]
    four = stats.adherence(
        "upper-back", TWICE_A_DAY, both, now=NOW, zone=BERLIN, weeks=4,
        members={"upper-back", "upper-back-chair"},
    )  # fmt: skip
    assert f"{four.done} of {four.due_so_far} due sessions" in parse(report(runner)).words


def test_adherence_counts_from_the_first_session(runner: CliRunner, home: Path) -> None:
    sessions = twice_daily(days=10, now=NOW)  # began Fri 20 Nov
    record(home, sessions)
    words = parse(report(runner)).words
    done = sum(min(2, n) for n in stats.completed_days(sessions, BERLIN).values())
    assert f"{done} of 20 due sessions" in words  # 10 days, not 28
    assert "Counted from Fri 20 Nov, the first session of this plan." in words
    html = report(runner)
    assert html.count('<g class="day ') == 10


def test_report_numbers_equal_stats_json_for_the_same_period(runner: CliRunner, home: Path) -> None:
    import json

    floor = twice_daily(days=200, now=NOW, missed=0.3)
    chair = on_a_chair(twice_daily(days=200, now=NOW, seed=7, missed=0.7))
    record(home, floor + chair)
    result = runner.invoke(cli, ["stats", "--json", "--days", "7"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    [plan] = shown["adherence"]
    assert plan["variants"] == ["upper-back-chair"]
    # This (finished) week: the report from its Monday says the same numbers.
    week = plan["this_week"]
    assert week["start"] == "2026-11-23" and week["due_so_far"] == week["target"] == 14
    html = report(runner, "--since", "2026-11-23")
    words = parse(html).words
    assert f"{week['done']} of {week['due_so_far']} due sessions, {week['percent']} %" in words
    # The pain change over the same 7 days.
    change = shown["pain_change"]
    assert change["sessions"] > 0
    direction = "lower" if change["mean"] < 0 else "higher"
    assert (
        f"Pain after a session was on average {abs(change['mean']):.1f} points {direction} "
        f"than before ({change['sessions']} sessions with both ratings)."
    ) in words
    # The 12-week calendar: the report over 12 weeks marks every day alike.
    twelve = report(runner, "--since", "12w")
    drawn = re.findall(r'<g class="day ([a-z-]+)', twelve)
    assert plan["calendar"][0]["day"] == "2026-09-07"  # 12w before this Sunday: a Monday
    assert drawn == [day["state"] for day in plan["calendar"]]
    assert len(drawn) == 84 and {"done", "partly"} <= set(drawn)


def test_each_exercise_is_shown_with_its_picture(tmp_path: Path) -> None:
    from backpain_cli.report.contents import Dose, Prescription
    from backpain_cli.report.html_page import _plan
    from backpain_cli.routines.images import load_picture

    builtin = Path(__file__).resolve().parents[1] / "routines" / "pictures"
    picture = sorted(builtin.glob("*.svg"))[0]
    plan = Prescription(
        name="p",
        title="P",
        frequency=None,
        source="",
        from_file=True,
        doses=(Dose("With", "30 s", str(picture)), Dose("Without", "5 s")),
    )
    html = _plan(plan, load_picture)
    assert html.count('<img class="thumb" src="data:image/svg+xml;base64,') == 1
    assert 'alt="Picture: With"' in html
    assert _plan(plan) == _plan(plan, None) and "<img" not in _plan(plan)
    broken = tmp_path / "x.svg"
    broken.write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>')
    active = Prescription(
        name="p",
        title="P",
        frequency=None,
        source="",
        from_file=True,
        doses=(Dose("Active", "30 s", str(broken)),),
    )
    assert "<img" not in _plan(active, load_picture)  # checked again: an active SVG is dropped


def _old_routine(sessions: list[SessionRecord], **changes: object) -> list[SessionRecord]:
    """SESSIONS as of a routine whose file is gone."""
    return [SessionRecord(**{**vars(s), "routine": "old-routine", **changes}) for s in sessions]


def test_a_routine_without_a_file_or_a_frequency(runner: CliRunner, home: Path) -> None:
    sessions = _old_routine(twice_daily(days=10, now=NOW), frequency=None)
    sessions = [  # ratings before only, and one after only: no session has both
        SessionRecord(**{**vars(s), "pain_before": None if i == 4 else 5, "pain_after": None})
        for i, s in enumerate(sessions)
    ]
    sessions[4] = SessionRecord(**{**vars(sessions[4]), "pain_after": 3})
    record(home, sessions)
    completed = sum(s.outcome.value == "completed" for s in sessions)
    html = report(runner)
    words = parse(html).words
    assert "old-routine · no frequency set" in words
    assert f"{completed} of {len(sessions)} sessions completed (no frequency set)" in words
    assert '<g class="day ' not in html  # no frequency: nothing is due on any day
    assert "No session has a pain rating both before and after." in words
    assert '<polyline class="line before"' in html
    assert '<polyline class="line after"' not in html  # one point makes no line
    assert html.count('<rect class="point after"') == 1
    markdown = report(runner, "--format", "markdown")
    assert f"{completed} of {len(sessions)} sessions completed (no frequency set)" in markdown
    assert "| Mon | Tue |" not in markdown
    assert "No session has a pain rating both before and after." in markdown
    after_week = sessions[4].started.astimezone(BERLIN).date()
    monday = after_week - timedelta(days=after_week.weekday())
    assert f"| {monday:%d %b} | 5.0 | 3.0 |" in markdown.splitlines()


def test_a_plan_with_no_session_in_the_period(runner: CliRunner, home: Path) -> None:
    long_ago = NOW - timedelta(days=60)
    record(home, _old_routine(twice_daily(days=5, now=long_ago)))
    html = report(runner, "--routine", "old-routine")
    words = parse(html).words
    assert "old-routine · 2 times a day" in words
    assert "The routine file no longer exists" in words
    assert "<th>Exercise</th>" not in html  # no session in the period shows what it holds
    assert "0 sessions begun, 0 completed." in words


def test_a_weekly_routine_says_what_was_done_each_day(runner: CliRunner, home: Path) -> None:
    weekly = Frequency(3, Period.WEEK)
    record(home, _old_routine(twice_daily(days=14, now=NOW), frequency=weekly))
    html = report(runner)
    assert "old-routine · 3 times a week" in parse(html).words
    titles = re.findall(r'<g class="day [a-z -]+"><title>([^<]*)</title>', html)
    begun = [title for title in titles if "completed" in title]
    assert begun and not [title for title in begun if " due" in title]  # none due on a day


def test_markdown_without_sessions_or_pain(runner: CliRunner, home: Path) -> None:
    empty = report(runner, "--format", "markdown")
    assert "**No sessions were recorded in this period.**" in empty
    record(home, twice_daily(days=7, now=NOW))
    bare = report(runner, "--format", "markdown", "--no-pain")
    assert "## Pain before" not in bare and "this hurts" not in bare
    assert "**Adherence: " in bare


def test_a_variant_recorded_before_counts_as_was_kept_counts_as_its_file_says(
    runner: CliRunner, home: Path
) -> None:
    floor = twice_daily(days=7, now=NOW)
    chair = [  # counts_as None: recorded before the history kept it
        SessionRecord(**{**vars(s), "routine": "upper-back-chair", "counts_as": None})
        for s in twice_daily(days=7, now=NOW, seed=7, missed=0.6)
    ]
    record(home, floor + chair)
    markdown = report(runner, "--format", "markdown")
    assert "upper-back · 2 times a day" in markdown
    assert "upper-back-chair · " not in markdown  # one plan, as upper-back-chair.yaml says
    assert (
        f"Also counted toward this plan (counts\\_as): upper-back-chair ({len(chair)} "
        "sessions)." in markdown
    )


def test_a_browser_that_cannot_print_is_named(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\nexit 3\n")
    browser.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    result = runner.invoke(cli, ["report", "--format", "pdf", "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 2
    assert result.stderr == f"backpain: {browser} could not print the report (exit status 3)\n"
    assert not (tmp_path / "r.pdf").exists()


def test_one_session_is_one_session(runner: CliRunner, home: Path) -> None:
    last = twice_daily(days=3, now=NOW)[-1]
    record(home, [SessionRecord(**{**vars(last), "pain_before": 5, "pain_after": 4})])
    words = parse(report(runner)).words
    assert " · 1 session, " in words
    assert "1 session begun, " in words
    assert "(1 session with both ratings)" in words
    markdown = report(runner, "--format", "markdown")
    assert "1 session begun, " in markdown
    assert "(1 session with both ratings;" in markdown
    assert "\n1 session, " in markdown


def test_a_sped_up_session_is_left_out_and_said_so(runner: CliRunner, home: Path) -> None:
    """A demo played with --speed and --record completed in seconds: it is not exercise,
    so it counts toward neither adherence nor pain, and the page says one was left out."""
    last = twice_daily(days=1, now=NOW)[-1]
    real = SessionRecord(**{**vars(last), "pain_before": 4, "pain_after": 3})
    demo = SessionRecord(
        **{**vars(last), "started": last.started + timedelta(minutes=20), "speed": 20.0,
           "ended": last.started + timedelta(minutes=21), "pain_before": 9, "pain_after": 1}
    )  # fmt: skip
    assert real.completed and demo.completed and demo.sped_up
    record(home, [real, demo])
    words = parse(report(runner, "--since", "1d")).words
    assert " · 1 session, 1 completed" in words
    # Only the real one counts: today is not over, so it is 1 of 1 so far, and half done.
    assert "1 of 1 due session, 100 %" in words
    assert "Sun 2026-11-29: partly done (1 completed of 2 due), today" in words
    assert "1 sped-up session (played with --speed and --record) was left out: " in words
    assert "1.0 points lower than before (1 session with both ratings)" in words
    markdown = report(runner, "--since", "1d", "--format", "markdown")
    assert "1 sped-up session (played with --speed and --record) was left out" in markdown
    assert "Average change from before to after a session: -1.0 (1 session" in markdown
    record(home, [SessionRecord(**{**vars(demo), "started": demo.started + timedelta(hours=1)})])
    assert "2 sped-up sessions (played with --speed and --record) were left out" in (
        parse(report(runner, "--since", "1d")).words
    )


def test_weekly_pain_means_have_one_decimal_halves_up(runner: CliRunner, home: Path) -> None:
    """The markdown report's weekly means: 4 and 5 make 4.5 (it said 4: rounded to a
    whole number, half to even), and 4, 4, 5, 4 make 4.3 (4.25 up, as on paper)."""
    from backpain_cli.report.svg import one_decimal

    assert one_decimal([4, 5]) == 4.5
    assert one_decimal([4, 4, 5, 4]) == 4.3
    assert one_decimal([1, 1, 2]) == 1.3
    days = twice_daily(days=2, now=NOW, missed=0)[-4:]  # Saturday and Sunday: one week
    ratings = [(4, 4), (5, 4), (None, 5), (None, 4)]
    record(
        home,
        [
            SessionRecord(**{**vars(s), "pain_before": before, "pain_after": after})
            for s, (before, after) in zip(days, ratings, strict=True)
        ],
    )
    markdown = report(runner, "--since", "1w", "--format", "markdown")
    assert "| 23 Nov | 4.5 | 4.3 |" in markdown, markdown


def test_a_variant_played_shows_its_own_exercises_and_doses(runner: CliRunner, home: Path) -> None:
    """Sessions on the chair count toward upper-back; the report shows the chair
    routine's own exercises and doses under it, not only upper-back's."""
    floor = twice_daily(days=7, now=NOW, missed=0.5)
    chair = on_a_chair(twice_daily(days=7, now=NOW, seed=7, missed=0.6))
    record(home, floor + chair)
    words = parse(report(runner, "--since", "1w")).words
    heading = (
        f"Upper back relief at your desk (upper-back-chair, {len(chair)} sessions): its own doses"
    )
    assert heading in words
    after = words[words.index(heading) :]
    assert "Rhomboid stretch (seated) 30 s × 3" in after
    assert "Thoracic sidebend (seated) 30 s × 3 each side" in after
    assert "Rhomboid stretch (long sitting) 30 s × 3" in words[: words.index(heading)]
    markdown = report(runner, "--since", "1w", "--format", "markdown")
    assert f"### {heading}\n\n- Rhomboid stretch (seated): 30 s × 3\n" in markdown
    only_floor = parse(report(runner, "--since", "1w", "--routine", "upper-back")).words
    assert heading in only_floor  # the same plan
