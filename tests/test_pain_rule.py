"""The therapist's pain rule: the menu, what fires it, and what it does (flag or step
back), recorded once a step and said by `start`, `today` and `plan`."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from backpain_cli.cli import cli
from backpain_cli.errors import RoutineError
from backpain_cli.history.progress import apply_pain_rule, plan_changes
from backpain_cli.history.records import (
    ExerciseRecord,
    ExerciseStatus,
    SessionOutcome,
    SessionRecord,
)
from backpain_cli.history.store import open_for_reading, open_for_recording
from backpain_cli.progression.resolver import FLAG, STEP_BACK
from backpain_cli.progression.rule import SessionPain, fires
from backpain_cli.routines.loader import parse_routine
from backpain_cli.routines.model import PainRule, Routine
from backpain_cli.routines.stepping import at_step

ROUTINE = """\
version: 1
name: tiny
title: Tiny plan
defaults: {prepare: 0, rest: 0}
exercises:
  - {id: one, name: One, hold: 3, instructions: [Hold still.]}
progression:
  advance_after: 2
  steps: [{one: {hold: 1}}, {one: {hold: 2}}]
  pain_rule: {when: hurts, times: 2}
"""
NOW = datetime.now(timezone.utc)


def test_pain_rises_in_two_of_the_last_three() -> None:
    rule = PainRule("pain-rises")
    risen, calm = SessionPain(3, 5), SessionPain(3, 4)
    assert fires(rule, [risen, calm, calm, risen]) is None  # 1 of the last 3
    assert fires(rule, [risen, calm, risen]) == (
        "pain after was 2 or more points above pain before in 2 of the last 3 sessions at this step"
    )
    assert fires(rule, [SessionPain(None, 9), SessionPain(3, None), risen]) is None
    assert fires(PainRule("pain-rises", times=1, of=1, points=3), [risen]) is None


def test_this_hurts_on_the_same_exercise() -> None:
    rule = PainRule("hurts", times=2)
    assert fires(rule, [SessionPain(None, None, ("One",)), SessionPain(1, 1, ("Two",))]) is None
    assert fires(rule, [SessionPain(None, None, ("One", "One")), SessionPain(1, 1)]) is None
    both = [SessionPain(None, None, ("Two", "One")), SessionPain(1, 1, ("One", "Two"))]
    assert fires(rule, both) == "“this hurts” on One in 2 sessions at this step"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            "{when: worse}",
            "r.yaml:10:21: progression.pain_rule.when: 'worse' is not on the menu "
            "(one of: pain-rises, hurts, worse-next-morning)",
        ),
        (
            "{when: hurst}",
            "r.yaml:10:21: progression.pain_rule.when: 'hurst' is not on the menu "
            "(did you mean 'hurts'?)",
        ),
        (
            "{when: hurts, action: lower}",
            "r.yaml:10:36: progression.pain_rule.action: 'lower' is not on the menu "
            "(one of: flag, step back)",
        ),
        (
            "{when: pain-rises, times: 4, of: 3}",
            "r.yaml:10:40: progression.pain_rule.times: is more than of (3)",
        ),
        ("{action: flag}", "r.yaml:10:14: progression.pain_rule.when: is required but missing"),
        ("[hurts]", "r.yaml:10:14: progression.pain_rule: must be a mapping of keys, got a list"),
        (
            "{when: hurts, times: 0}",
            "r.yaml:10:35: progression.pain_rule.times: must be between 1 and 10, got 0",
        ),
    ],
)
def test_rules_off_the_menu_are_refused(rule: str, message: str) -> None:
    text = ROUTINE.replace("{when: hurts, times: 2}", rule)
    with pytest.raises(RoutineError) as caught:
        parse_routine(text, "r.yaml", default_name="r")
    assert [str(problem) for problem in caught.value.problems] == [message]


def _routine(action: str = "flag") -> Routine:
    text = ROUTINE.replace("times: 2}", f"times: 2, action: {action}}}")
    return parse_routine(text, "tiny.yaml", default_name="tiny")


def _played(home: Path, *hours: int, step: int = 1, hurt: bool = True) -> None:
    history, _ = open_for_recording(home / "history.sqlite3")
    assert history is not None
    with history:
        history.add_sessions(
            SessionRecord(
                0,
                "tiny",
                "hash",
                NOW - timedelta(hours=hour),
                NOW - timedelta(hours=hour),
                SessionOutcome.PARTIAL if hurt else SessionOutcome.COMPLETED,
                1,
                plan_step=step,
                exercises=(
                    ExerciseRecord(
                        0,
                        "one",
                        "One",
                        ExerciseStatus.STOPPED_FOR_PAIN if hurt else ExerciseStatus.DONE,
                        NOW - timedelta(hours=hour),
                        NOW - timedelta(hours=hour),
                    ),
                ),
            )
            for hour in hours
        )


def _changes(home: Path) -> list[tuple[object, object]]:
    history = open_for_reading(home / "history.sqlite3")
    assert history is not None
    with history:
        return [(change.kind, change.step) for change in plan_changes(history, "tiny")]


def test_a_flag_holds_the_step_once_and_everyone_says_so(
    runner: CliRunner, home: Path, user_routines: Path
) -> None:
    (user_routines / "tiny.yaml").write_text(ROUTINE)
    history = home / "history.sqlite3"
    routine = at_step(_routine(), 1)
    _played(home, 5)
    assert apply_pain_rule(history, routine, NOW) is None  # once is not twice
    _played(home, 4)
    assert apply_pain_rule(history, routine, NOW) == (
        "Talk to your therapist before going on: “this hurts” on One in 2 sessions at this "
        "step. Your plan holds at step 1 of 2."
    )
    assert apply_pain_rule(history, routine, NOW) is None  # once a step
    assert _changes(home) == [(FLAG, 1)]
    _played(home, -1, -2, hurt=False)  # two counted sessions later: held, not moved on
    today = runner.invoke(cli, ["today"]).output
    assert today.endswith(
        "tiny: talk to your therapist before going on (the plan holds at step 1)\n"
    )
    (user_routines / "tiny.yaml").write_text(ROUTINE.replace("prepare: 0", "prepare: 1"))
    play = ["start", "tiny", "--plain", "--no-sound", "--no-history", "--speed", "100"]
    log = runner.invoke(cli, play).output
    assert "Caution: Your plan is held: talk to your therapist before going on." in log
    plan = runner.invoke(cli, ["plan", "tiny"]).output
    assert "held: talk to your therapist before going on" in plan
    assert "flagged at step 1: “this hurts” on One in 2 sessions at this step" in plan


def test_a_step_back_goes_one_step_back_never_below_the_first(home: Path) -> None:
    history = home / "history.sqlite3"
    _played(home, 9, 8, hurt=False)  # step 2 from here
    _played(home, 7, 6, step=2)
    said = apply_pain_rule(history, at_step(_routine("step back"), 2), NOW)
    assert said == (
        "Your plan steps back to step 1 of 2: “this hurts” on One in 2 sessions at this step."
    )
    _played(home, -1, -2, step=1)  # after the step back
    said = apply_pain_rule(history, at_step(_routine("step back"), 1), NOW + timedelta(1))
    assert said is not None and said.endswith("Your plan holds at step 1 of 2.")
    assert _changes(home) == [(STEP_BACK, 1), (FLAG, 1)]


def test_start_applies_the_rule_after_a_session(
    runner: CliRunner, home: Path, user_routines: Path
) -> None:
    (user_routines / "tiny.yaml").write_text(ROUTINE.replace("times: 2", "times: 1"))
    _played(home, 5)
    result = runner.invoke(cli, ["start", "tiny", "--plain", "--no-sound", "--no-check-in"])
    assert result.exit_code == 0, result.output
    assert result.output.endswith(
        "Talk to your therapist before going on: “this hurts” on One in 1 session at this "
        "step. Your plan holds at step 1 of 2.\n"
    )
    plain = runner.invoke(cli, ["start", "tiny", "--plain", "--no-sound", "--no-history"])
    assert "therapist" not in plain.output  # not recorded: nothing looked at


def test_no_rule_and_no_history(home: Path, user_routines: Path) -> None:
    no_rule = parse_routine(
        ROUTINE.replace("  pain_rule: {when: hurts, times: 2}\n", ""),
        "tiny.yaml",
        default_name="tiny",
    )
    assert apply_pain_rule(home / "history.sqlite3", at_step(no_rule, 1), NOW) is None
    (home / "history.sqlite3").mkdir()
    with pytest.raises(Exception):  # noqa: B017
        apply_pain_rule(home / "history.sqlite3", at_step(_routine(), 1), NOW)


def test_the_report_gives_dose_by_step_and_every_firing(
    runner: CliRunner, home: Path, user_routines: Path, tmp_path: Path
) -> None:
    (user_routines / "tiny.yaml").write_text(ROUTINE)
    _played(home, 30, 29, hurt=False)  # to step 2
    _played(home, 5, 4, step=2)
    assert apply_pain_rule(home / "history.sqlite3", at_step(_routine(), 2), NOW) is not None
    markdown = runner.invoke(cli, ["report", "--format", "markdown", "-o", "-"]).output
    began = f"{NOW - timedelta(hours=29):%a %d %b}"
    assert (
        "- One: 2 s × 1\n\n| Step | Doses | Began |\n| --- | --- | --- |\n"
        "| 1 | One 1 s × 1 | from the start |\n"
        f"| 2 (now) | One 2 s × 1 | since {began} |\n"
    ) in markdown
    fired = f"{NOW:%a %d %b}: flagged (“this hurts” on One in 2 sessions at this step)"
    held = "Held at step 2 of 2: talk to your therapist before going on."
    assert f"Pain rule:\n\n- {fired}\n- {held}\n" in markdown
    page = tmp_path / "report.html"
    assert runner.invoke(cli, ["report", "-o", str(page)]).exit_code == 0
    import shutil
    import subprocess

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    assert browser is not None, "the report is read in Chromium (apt-get install chromium)"
    shown = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert "<h3>Plan, step by step</h3>" in shown
    assert "<tr><td>2 (now)</td><td>One 2 s × 1</td>" in shown
    assert f"<li>{fired}</li>" in shown
