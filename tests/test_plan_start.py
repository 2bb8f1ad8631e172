"""A routine's plan through the commands: `start` plays the current step's doses and
records it, `show` says which step is current."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from backpain_cli.cli import cli

TINY = """\
version: 1
name: tiny
title: Tiny plan
defaults: {prepare: 0, rest: 0}
exercises:
  - {id: one, name: One, hold: 3, instructions: [Hold still.]}
progression: {advance_after: 2, steps: [{one: {hold: 1}}, {one: {hold: 2}}]}
"""
QUIET = ["--plain", "--no-sound", "--no-check-in"]


@pytest.fixture
def tiny(user_routines: Path) -> Path:
    path = user_routines / "tiny.yaml"
    path.write_text(TINY)
    return path


def _holds(runner: CliRunner, *options: str) -> list[str]:
    result = runner.invoke(cli, ["start", "tiny", *QUIET, *options])
    assert result.exit_code == 0, result.output
    return re.findall(r"One — (hold \d+ s)", result.output)


def _steps(home: Path) -> list[tuple[str, float, int | None]]:
    connection = sqlite3.connect(home / "history.sqlite3")
    rows = connection.execute("SELECT outcome, speed, plan_step FROM sessions ORDER BY id")
    found = list(rows)
    connection.close()
    return found


def test_the_plan_moves_on_only_after_real_completed_sessions(
    runner: CliRunner, home: Path, tiny: Path
) -> None:
    assert _holds(runner) == ["hold 1 s"]  # the first real session
    for _ in range(3):  # sped up, even recorded: never counted
        assert _holds(runner, "--speed", "1000", "--record") == ["hold 1 s"]
    assert _holds(runner, "--speed", "1000") == ["hold 1 s"]  # a preview: not recorded
    assert _holds(runner) == ["hold 1 s"]  # the second real one, still at step 1
    assert _holds(runner, "--speed", "1000", "--no-history") == ["hold 2 s"]
    assert _steps(home) == [
        ("completed", 1.0, 1),
        ("completed", 1000.0, 1),
        ("completed", 1000.0, 1),
        ("completed", 1000.0, 1),
        ("completed", 1.0, 1),
    ]
    assert _holds(runner) == ["hold 2 s"]
    assert _steps(home)[-1] == ("completed", 1.0, 2)


def test_show_says_which_step_is_current(runner: CliRunner, tiny: Path) -> None:
    result = runner.invoke(cli, ["show", "tiny"])
    assert result.exit_code == 0, result.output
    assert "step 1 of 2" in result.output


def test_show_json_carries_the_plan(runner: CliRunner, home: Path, tiny: Path) -> None:
    import json

    result = runner.invoke(cli, ["show", "tiny", "--json"])
    data = json.loads(result.output)
    assert data["exercises"][0]["hold_seconds"] == 1  # the doses of the current step
    assert data["progression"] == {
        "step": 1,
        "steps": 2,
        "counted": 0,
        "needed": 2,
        "held": False,
        "plan": [
            {"step": 1, "advance_after": 2, "doses": {"one": {"hold": 1}}, "began": None},
            {"step": 2, "advance_after": 2, "doses": {"one": {"hold": 2}}, "began": None},
        ],
        "moves": [],
    }
    plain = json.loads(runner.invoke(cli, ["show", "upper-back", "--json"]).output)
    assert "progression" not in plain
    doc = (Path(__file__).resolve().parents[1] / "docs" / "json-output.md").read_text()
    section = doc.split("## The plan (`progression`)\n", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"^\| `(\w+)` \|", section, re.M) == list(data["progression"])


def test_a_history_that_cannot_be_read_plays_the_first_step(
    runner: CliRunner, home: Path, tiny: Path
) -> None:
    (home / "history.sqlite3").mkdir()  # not a file: no history to read, none to write
    result = runner.invoke(cli, ["start", "tiny", *QUIET, "--speed", "1000", "--no-history"])
    assert result.exit_code == 0, result.output
    assert "One — hold 1 s" in result.output


def test_plan_explains_and_moves_by_hand(runner: CliRunner, home: Path, tiny: Path) -> None:
    before = runner.invoke(cli, ["plan", "tiny"])
    assert before.exit_code == 0
    assert before.output == (
        "Plan: step 1 of 2 (0 of 2 sessions counted at this step)\n"
        " → 1. One 1 s × 1\n"
        "   2. One 2 s × 1\n"
        "\n"
        "At step 1 of 2: 0 of 2 sessions counted at this step.\n"
    )
    moved = runner.invoke(cli, ["plan", "tiny", "--step", "2"])
    assert moved.exit_code == 0
    lines = moved.output.splitlines()
    assert lines[0] == "tiny: step 2 from the next session on (recorded)."
    assert lines[1] == "Plan: step 2 of 2 (the last step; 0 sessions counted at it)"
    assert re.fullmatch(r"  \d{4}-\d\d-\d\d \d\d:\d\d  moved by hand to step 2", lines[-1])
    assert _holds(runner, "--speed", "1000", "--no-history") == ["hold 2 s"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["plan", "tiny", "--step", "3"],
            "backpain: --step 3: the plan of tiny has steps 1 to 2\n",
        ),
        (
            ["plan", "tiny", "--step", "0"],
            "backpain: --step 0: the plan of tiny has steps 1 to 2\n",
        ),
        (
            ["plan", "upper-back"],
            "backpain: upper-back has no plan: it plays the same doses every time (see "
            "`progression` in `backpain help format`)\n",
        ),
    ],
)
def test_plan_refusals(runner: CliRunner, tiny: Path, args: list[str], message: str) -> None:
    result = runner.invoke(cli, args)
    assert (result.exit_code, result.output) == (2, message)


def test_plan_step_without_a_history_that_can_be_written(
    runner: CliRunner, home: Path, tiny: Path
) -> None:
    (home / "history.sqlite3").mkdir()
    result = runner.invoke(cli, ["plan", "tiny", "--step", "2"])
    assert result.exit_code == 2
    assert result.output.startswith("backpain: ")


def _played(home: Path, *days: int, step: int = 1, routine: str = "tiny") -> None:
    from datetime import datetime, timedelta, timezone

    from backpain_cli.history.records import SessionOutcome, SessionRecord
    from backpain_cli.history.store import open_for_recording

    history, _ = open_for_recording(home / "history.sqlite3")
    assert history is not None
    now = datetime.now(timezone.utc)
    with history:
        history.add_sessions(
            SessionRecord(
                0,
                routine,
                "hash",
                now - timedelta(days=day, hours=1),
                now - timedelta(days=day),
                SessionOutcome.COMPLETED,
                1,
                ended=now - timedelta(days=day),
                plan_step=step,
            )
            for day in days
        )


def test_today_says_what_changed_from_this_session(
    runner: CliRunner, home: Path, tiny: Path
) -> None:
    _played(home, 2, 1)
    for args in (["today", "tiny"], ["today"]):
        result = runner.invoke(cli, args)
        assert result.output.endswith("tiny: One 2 s (was 1 s) from this session\n"), args
    _played(home, 0, step=2)  # counted at the new step: nothing new any more
    assert "from this session" not in runner.invoke(cli, ["today"]).output


def test_today_says_when_the_plan_is_held(runner: CliRunner, home: Path, tiny: Path) -> None:
    _played(home, 1)
    connection = sqlite3.connect(home / "history.sqlite3")
    connection.execute(
        "INSERT INTO plan_changes (uuid, routine, changed_at, step, kind, detail) "
        "VALUES ('u1', 'tiny', '2020-01-01T00:00:00.000+00:00', 1, 'flag', 'pain')"
    )
    connection.commit()
    connection.close()
    result = runner.invoke(cli, ["today"])
    assert result.output.endswith(
        "tiny: talk to your therapist before going on (the plan holds at step 1)\n"
    )


def test_today_passes_over_routines_gone_or_without_a_plan(
    runner: CliRunner, home: Path, tiny: Path
) -> None:
    _played(home, 1, routine="gone")  # a file deleted since
    _played(home, 1, routine="upper-back")  # played at a step, but its file has no plan
    result = runner.invoke(cli, ["today"])
    assert "from this session" not in result.output and "Traceback" not in result.output


def test_plan_step_when_the_history_is_off(
    runner: CliRunner, home: Path, tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backpain_cli.cli import plan

    monkeypatch.setattr(plan, "open_for_recording", lambda path: (None, "history is off: x"))
    result = runner.invoke(cli, ["plan", "tiny", "--step", "2"])
    assert (result.exit_code, result.output) == (2, "backpain: history is off: x\n")


def test_handouts_give_the_current_step_and_the_plan(runner: CliRunner, tiny: Path) -> None:
    markdown = runner.invoke(cli, ["show", "tiny", "--format", "markdown"]).output
    assert "- **Plan:** step 1 of 2\n" in markdown
    assert "- **Dose:** Hold 1 second, once.\n" in markdown
    assert (
        "## My plan\n\n| Step | Doses | Sessions at it |\n| --- | --- | --- |\n"
        "| 1 (now) | One 1 s × 1 | 2 |\n| 2 | One 2 s × 1 | until the end |\n"
    ) in markdown
    page = runner.invoke(cli, ["show", "tiny", "--format", "html"]).output
    assert "<dt>Plan</dt><dd>step 1 of 2</dd>" in page
    assert "<tr><td>1 (now)</td><td>One 1 s × 1</td><td>2</td></tr>" in page
    plain = runner.invoke(cli, ["show", "upper-back", "--format", "markdown"]).output
    assert "My plan" not in plain and "**Plan:**" not in plain


NEW_STEP = TINY.replace("prepare: 0", "prepare: 2")


def test_the_get_ready_screen_marks_a_changed_dose(runner: CliRunner, home: Path) -> None:
    """In a real terminal's screen (pyte) and in the plain log, until a session at the
    new step is counted."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from terminal import play

    from backpain_cli.cli.common import at_current_step
    from backpain_cli.routines.loader import parse_routine

    (home / "routines").mkdir()
    (home / "routines" / "tiny.yaml").write_text(NEW_STEP)
    written = parse_routine(NEW_STEP, "tiny.yaml", default_name="tiny")
    assert at_current_step(written).exercises[0].was == ""  # nothing played: step 1
    _played(home, 2, 1)
    routine = at_current_step(written)
    assert (routine.step, routine.exercises[0].was) == (2, "1 s × 1")
    frames, _ = play(routine, 80, 24)
    ready = frames[1].text()
    assert "2 s × 1 (new; was 1 s × 1)" in ready, ready
    log = runner.invoke(cli, ["start", "tiny", *QUIET, "--speed", "1000", "--no-history"])
    assert "        New dose: 2 s × 1 (was 1 s × 1)\n" in log.output
    _played(home, 0, step=2)  # a session at the new step: no longer new
    assert at_current_step(written).exercises[0].was == ""


def test_stats_json_carries_the_plans_played(runner: CliRunner, home: Path, tiny: Path) -> None:
    import json

    assert "progressions" not in json.loads(runner.invoke(cli, ["stats", "--json"]).output)
    _played(home, 2, 1)
    _played(home, 1, routine="gone")  # a routine file since deleted: left out
    data = json.loads(runner.invoke(cli, ["stats", "--json"]).output)
    [plan] = data["progressions"]
    assert (plan["routine"], plan["step"], plan["steps"], plan["counted"]) == ("tiny", 2, 2, 0)
    assert [move["why"] for move in plan["moves"]] == ["advanced"]
