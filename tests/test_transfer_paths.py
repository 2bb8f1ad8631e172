"""A routine played from a path is remembered with its path: `today`, reminders, `start
--resume` and the report find the file there, and say so when it is really gone."""

from __future__ import annotations

import re
import shlex
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from terminal import command_screen
from test_transfer_history import record, session, sessions_in
from transfer_files import therapist_folder

from backpain_cli.cli import cli
from backpain_cli.cli import common as cli_module
from backpain_cli.cli import remind as remind_module

NOW = datetime(2026, 11, 4, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setattr(cli_module, "utc_now", lambda: NOW)
    monkeypatch.setattr(remind_module, "_which", lambda name: None)  # the reminder as text


@pytest.fixture
def neck(tmp_path: Path) -> Path:
    """The therapist's routine, standing alone (its library exercise written in full)."""
    source = therapist_folder(tmp_path / "my files")
    source.write_text(
        source.read_text().replace(
            "  - use: shoulder-roll\n    reps: 6\n",
            "  - id: neck-turn\n    name: Neck turn\n    rep_seconds: 4\n    reps: 10\n"
            "    instructions: [Turn slowly.]\n",
        )
    )
    return source


def played(neck: Path, *, day: int = 1) -> object:
    return replace(
        session(day, routine="neck-mobility"),
        routine_path=str(neck.resolve()),
        exercises=(),
    )


def test_start_from_a_path_records_the_path(runner: CliRunner, home: Path, neck: Path) -> None:
    result = runner.invoke(cli, ["start", str(neck), "--plain", "--speed", "1000", "--record"])
    assert result.exit_code == 0, result.output
    assert [s.routine_path for s in sessions_in(home)] == [str(neck.resolve())]
    runner.invoke(
        cli, ["start", "upper-back", "--plain", "--speed", "1000", "--record", "--from", "5"]
    )
    assert [s.routine_path for s in sessions_in(home)][-1] is None


def test_the_report_takes_title_and_doses_from_the_path(
    runner: CliRunner, home: Path, neck: Path
) -> None:
    record(home, played(neck), played(neck, day=2))
    report = runner.invoke(cli, ["report", "--format", "markdown", "-o", "-"]).output
    assert "## Neck mobility\n" in report
    assert "- Neck turn: 10 reps at 4 s\n" in report
    assert "no longer" not in report and "not there" not in report
    assert "holds" not in report


def test_a_gone_file_is_said_and_the_history_shows_the_rest(
    runner: CliRunner, home: Path, neck: Path
) -> None:
    recorded = replace(session(1, routine="neck-mobility"), routine_path=str(neck.resolve()))
    record(home, recorded)
    neck.unlink()
    report = runner.invoke(cli, ["report", "--format", "markdown", "-o", "-"]).output
    said = "is not there any more; its name and exercises are as the history recorded them."
    assert said in report
    assert "neck.yaml" in report.split(said)[0].splitlines()[-1]
    assert "- Scapular squeeze: 5 reps each side\n" in report


def test_today_notify_suggests_a_start_that_show_finds(
    runner: CliRunner, home: Path, neck: Path
) -> None:
    record(home, played(neck, day=1))
    notified = runner.invoke(cli, ["today", "--notify", "--allow-night"])
    assert notified.exit_code == 0
    expected_start = f"backpain start {shlex.quote(str(neck.resolve()))}"
    assert notified.output == (
        f"Time for your exercises: Neck mobility: 0 of 1 done today — {expected_start}\n"
    )
    words = shlex.split(notified.output.split(" — ")[1])
    shown = runner.invoke(cli, ["show", words[2]])
    assert shown.exit_code == 0
    assert "Neck mobility" in shown.output
    today = runner.invoke(cli, ["today"])
    assert "  Neck mobility  1 per day  0 of 1 done  1 to go\n" in today.output


def test_today_notify_says_when_the_file_is_gone(runner: CliRunner, home: Path, neck: Path) -> None:
    record(home, played(neck, day=1))
    neck.unlink()
    notified = runner.invoke(cli, ["today", "--notify", "--allow-night"])
    assert notified.output == (
        "Time for your exercises: neck-mobility: 0 of 1 done today — "
        f"its routine file {neck.resolve()} is gone\n"
    )
    assert runner.invoke(cli, ["today"]).output == (
        "Today, Wed 2026-11-04\n"
        "  neck-mobility  1 per day  0 of 1 done  1 to go\n"
        f"neck-mobility: its routine file {neck.resolve()} is not there any more; shown as the "
        "history recorded it.\n"
        "1 session still due today.\n"
    )


def test_resume_names_the_path_to_start_again(runner: CliRunner, home: Path, neck: Path) -> None:
    result = runner.invoke(
        cli, ["start", str(neck), "--resume", "--plain", "--speed", "1000", "--record"]
    )
    assert result.exit_code == 2
    assert result.stderr == (
        "backpain: nothing to resume: no unfinished session of neck-mobility from today "
        f"(`backpain start {shlex.quote(str(neck.resolve()))}` starts a new one)\n"
    )


def test_a_session_played_by_name_later_is_started_by_name(
    runner: CliRunner, home: Path, neck: Path, user_routines: Path
) -> None:
    (user_routines / "neck-mobility.yaml").write_text(neck.read_text().replace("pictures/", "x/"))
    record(home, played(neck, day=2), replace(played(neck, day=1), routine_path=None))
    notified = runner.invoke(cli, ["today", "--notify", "--allow-night"])
    assert notified.output.endswith("— backpain start neck-mobility\n")


def this_morning(neck: Path) -> object:
    """A session of the neck file an hour ago, by the real clock (`today` runs in a
    terminal of its own, where the test's clock does not reach)."""
    start = datetime.now(timezone.utc) - timedelta(hours=1)
    return replace(played(neck), started=start, last_update=start, ended=start)


@pytest.mark.parametrize("columns", [40, 80, 120])
def test_today_shows_the_title_of_a_routine_played_from_a_path(
    home: Path, neck: Path, columns: int
) -> None:
    record(home, this_morning(neck))
    rows = command_screen(home, columns, "today")
    assert rows[1].startswith("  Neck mobility")
    assert " ".join(rows).split()[3:10] == ["Neck", "mobility", "1", "per", "day", "1", "of"]
    assert "neck-mobility" not in " ".join(rows)


@pytest.mark.parametrize("columns", [40, 80, 120])
def test_today_says_when_the_file_is_gone_and_shows_the_recorded_name(
    home: Path, neck: Path, columns: int
) -> None:
    record(home, this_morning(neck))
    neck.unlink()
    rows = command_screen(home, columns, "today")
    assert rows[1].startswith("  neck-mobility")
    said = " ".join(" ".join(rows).split())
    gone = f"neck-mobility: its routine file {neck.resolve()} is not there any more; shown as "
    gone += "the history recorded it."
    if columns < 80:  # a part of the path wider than the screen is shortened there, with …
        start, end = gone.split(" files/")
        gone = f"{start.rsplit(' ', 1)[0]} " + "…" + f" files/{end}"
        said = re.sub(r" \S*… ", " … ", said)
    assert gone in said
    assert max(len(row) for row in rows) <= columns
