"""Terminal (styled) rendering of the history outputs, and the local time zone."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from backpain_cli.history.records import SessionOutcome, SessionRecord
from backpain_cli.history.stats import Adherence, DayPain, Due, PainChange, Streaks, WeekCount
from backpain_cli.history.views import (
    StatsView,
    history_table,
    sparkline,
    stats_text,
    today_text,
)
from backpain_cli.history.zone import SystemZone, local_zone, zone_name
from backpain_cli.routines.model import Frequency, Period
from backpain_cli.tables import cells

BOLD, DIM, RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def test_sparkline_on_a_fixed_scale_with_gaps() -> None:
    days = [DayPain(date(2026, 11, d), mean, 1) for d, mean in enumerate([0, 5, None, 10], 1)]
    assert sparkline(days) == "▁▅ █"


def test_styled_table_has_a_bold_header_and_a_rule() -> None:
    started = datetime(2026, 11, 4, 7, 0, tzinfo=timezone.utc)
    session = SessionRecord(
        1, "upper-back", "h", started, started + timedelta(minutes=5), SessionOutcome.PARTIAL, 5,
        note="tight\x1b[2J",  # a control character in a note is shown, not obeyed
    )  # fmt: skip
    sped = replace(session, id=2, outcome=SessionOutcome.COMPLETED, speed=60.0, note="")
    text = history_table([session, sped], timezone.utc, total=2, styled=True)
    assert text.splitlines() == [
        f"{BOLD}Id  Date                  Routine     Time  Result                  "
        f"Exercises    Pain{RESET}",
        f"{DIM}──  ────────────────────  ──────────  ────  ──────────────────────  "
        f"───────────  ────{RESET}",
        "1   2026-11-04 Wed 07:00  upper-back  5:00  partial                 0 of 5 done  –",
        "    note: tight\\x1b[2J",
        "2   2026-11-04 Wed 07:00  upper-back  5:00  completed, sped up ×60  0 of 5 done  –",
    ]


def test_styled_stats_use_blocks_and_add_a_30_day_sparkline() -> None:
    twice = Frequency(2, Period.DAY)
    pain = [DayPain(date(2026, 11, 3), 4.0, 2), DayPain(date(2026, 11, 4), None, 0)]
    view = StatsView(
        weeks=[WeekCount(date(2026, 10, 26), 40, 0), WeekCount(date(2026, 11, 2), 3, 2)],
        streaks=Streaks(0, 0, None),
        adherence=[
            (
                Adherence("upper-back", twice, date(2026, 11, 2), 7, 3, 14, 6),
                Adherence("upper-back", twice, date(2026, 10, 5), 28, 0, 56, 56),
            )
        ],
        pain=pain,
        sparkline=pain,
        change=PainChange(0.0, 1),
    )
    lines = stats_text(view, styled=True).splitlines()
    assert lines[0] == (
        f"{BOLD}This week (from Mon 2026-11-02):{RESET} 5 sessions, 3 completed, 2 partial"
    )
    assert lines[1] == "Streak: 0 days"
    # Bars longer than 30 are scaled down; partial sessions are light blocks.
    assert lines[7] == "  week of 2026-10-26   40 + 0   " + "█" * 30
    assert lines[8] == "  week of 2026-11-02    3 + 2   ██░░"
    assert lines[11] == "  Tue 2026-11-03   4.0  ████████"
    assert lines[13] == "  last 2 days: ▕▄ ▏"
    assert lines[14].startswith("Average change per session, last 2 days: 0.0 (over 1 session ")


def test_stats_at_40_columns_shorten_bars_and_the_chart_and_wrap_words_whole() -> None:
    twice = Frequency(2, Period.DAY)
    days = [
        DayPain(date(2026, 10, 22) + timedelta(days=n), 7.0, 2, before=7.0, after=5.0)
        for n in range(14)
    ]
    view = StatsView(
        weeks=[WeekCount(date(2026, 10, 26), 40, 0), WeekCount(date(2026, 11, 2), 3, 2)],
        streaks=Streaks(2, 2, date(2026, 11, 4)),
        adherence=[
            (
                Adherence("upper-back-gentle", twice, date(2026, 11, 2), 7, 3, 14, 6),
                Adherence("upper-back-gentle", twice, date(2026, 10, 5), 28, 0, 56, 56),
            )
        ],
        pain=days,
        sparkline=days * 2,
        change=PainChange(-1.25, 4),
    )
    lines = stats_text(view, styled=True, width=40).splitlines()
    assert max(cells(line) for line in lines) <= 40
    assert lines[6:9] == [
        "  upper-back-gentle (2 per day): 3 of 14",
        "    this week, 6 due so far; the 4 weeks",
        "    before: 0 of 56 (0 %)",
    ]
    assert lines[11] == "  week of 2026-10-26   40 + 0   " + "█" * 8  # 8 columns left
    assert lines[16] == "  Thu 2026-10-22   7.0  " + "█" * 11  # 1.6 columns a point
    assert lines[-5:-3] == ["       +" + "-" * 30, "         Mo Tu We Th Fr Sa Su Mo Tu We"]
    assert not any("days: ▕" in line for line in lines)  # the sparkline: no room, left out
    assert lines[-3:] == [
        "Average change per session, last 14",
        "  days: -1.2 (over 4 sessions with both",
        "  check-ins; negative is less pain)",
    ]
    wide = stats_text(view, styled=True, width=200).splitlines()
    assert "  last 28 days: ▕" + "▆" * 28 + "▏" in wide


def test_history_and_today_at_40_columns_are_cards() -> None:
    started = datetime(2026, 11, 4, 7, 0, tzinfo=timezone.utc)
    session = SessionRecord(
        1, "upper-back-gentle", "h", started, started + timedelta(minutes=5),
        SessionOutcome.PARTIAL, 5, note="sharp on the left, like a knife; stopped early",
    )  # fmt: skip
    assert history_table([session], timezone.utc, total=3, styled=False, width=40).splitlines() == [
        "1  2026-11-04 Wed 07:00",
        "  Routine:   upper-back-gentle",
        "  Time:      5:00",
        "  Result:    partial",
        "  Exercises: 0 of 5 done",
        "  Pain:      –",
        "  note: sharp on the left, like a knife;",
        "        stopped early",
        "",
        "The last 1 of 3 sessions; --limit 0",
        "shows all, --since DATE from a day on.",
    ]
    assert history_table([], timezone.utc, total=0, styled=False, width=40).splitlines() == [
        "No sessions recorded yet. Play a routine",
        "with `backpain start ROUTINE`.",
    ]
    due = Due("upper-back-gentle", Frequency(2, Period.DAY), 2, 1, 1, ("upper-back-chair",))
    text = today_text(
        [due], date(2026, 11, 4), without_frequency=["knee-gentle"], styled=False, width=40
    )
    assert text.splitlines() == [
        "Today, Wed 2026-11-04",
        "  knee-gentle: no frequency set, so",
        "    nothing is due",
        "  upper-back-gentle  2 per day",
        "    1 of 2 done  1 to go  (with",
        "    upper-back-chair)",
        "1 session still due today.",
    ]


def test_today_text_styled_title() -> None:
    due = Due("upper-back", Frequency(1, Period.DAY), 1, 1, 1)
    assert today_text([due], date(2026, 11, 4), styled=True) == (
        f"{BOLD}Today, Wed 2026-11-04{RESET}\n  upper-back  1 per day  1 of 1 done  done\n"
        "All done for today."
    )


# -- time zones -------------------------------------------------------------------


def test_tz_names_a_zone(tmp_path: Path) -> None:
    zone = local_zone({"TZ": ":America/New_York"}, localtime=tmp_path / "none")
    assert zone == ZoneInfo("America/New_York")
    assert zone_name(zone) == "America/New_York"


def test_the_system_link_names_the_zone(tmp_path: Path) -> None:
    link = tmp_path / "localtime"
    target = tmp_path / "usr" / "share" / "zoneinfo" / "Europe" / "Berlin"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"")
    link.symlink_to(target)
    assert local_zone({}, localtime=link) == ZoneInfo("Europe/Berlin")


def test_an_unnamed_system_zone_file_is_read(tmp_path: Path) -> None:
    copy = tmp_path / "localtime"
    copy.write_bytes(_zone_file("Europe/Berlin").read_bytes())
    zone = local_zone({}, localtime=copy)
    summer = datetime(2026, 7, 1, 12, tzinfo=timezone.utc).astimezone(zone)
    assert summer.utcoffset() == timedelta(hours=2)
    assert zone_name(zone) == "localtime"


def _zone_file(key: str) -> Path:
    import zoneinfo

    for root in zoneinfo.TZPATH:
        candidate = Path(root) / key
        if candidate.is_file():
            return candidate
    pytest.skip("no system zone database")


def test_a_broken_system_zone_file_falls_back_to_the_c_library(tmp_path: Path) -> None:
    junk = tmp_path / "localtime"
    junk.write_bytes(b"not a zone file")
    assert isinstance(local_zone({}, localtime=junk), SystemZone)
    assert isinstance(local_zone({"TZ": "Nowhere/Special"}, localtime=junk), SystemZone)
    assert isinstance(local_zone({}, localtime=tmp_path / "missing"), SystemZone)


def test_utc_is_named() -> None:
    assert zone_name(timezone.utc) == "UTC"
    assert zone_name(SystemZone()) == "local"


@pytest.fixture
def berlin_c_library(monkeypatch: pytest.MonkeyPatch) -> None:
    if not hasattr(time, "tzset"):  # pragma: no cover - Windows
        pytest.skip("time.tzset is POSIX")
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("berlin_c_library")
def test_the_c_library_zone_follows_dst() -> None:
    zone = SystemZone()
    winter = datetime(2026, 1, 15, 12, tzinfo=timezone.utc).astimezone(zone)
    summer = datetime(2026, 7, 15, 12, tzinfo=timezone.utc).astimezone(zone)
    assert (winter.hour, summer.hour) == (13, 14)
    assert summer.utcoffset() == timedelta(hours=2)
    assert zone.dst(datetime(2026, 7, 15, 12)) == timedelta(hours=1)
    assert zone.dst(datetime(2026, 1, 15, 12)) == timedelta(0)
    assert zone.tzname(datetime(2026, 7, 15, 12)) == "CEST"
    assert zone.utcoffset(None) in (timedelta(hours=1), timedelta(hours=2))
    assert repr(zone) == "SystemZone()"
    # Late on the last Saturday of summer time is still that Saturday.
    late = datetime(2026, 10, 24, 21, 30, tzinfo=timezone.utc).astimezone(zone)
    assert late.date() == date(2026, 10, 24)


def test_a_system_link_outside_a_zone_database(tmp_path: Path) -> None:
    junk = tmp_path / "elsewhere"
    junk.write_bytes(b"not a zone file")
    link = tmp_path / "localtime"
    link.symlink_to(junk)
    assert isinstance(local_zone({}, localtime=link), SystemZone)
