"""`progression:` in a routine file: what it loads as, what is refused and warned of."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from backpain_cli.cli import cli
from backpain_cli.errors import RoutineError
from backpain_cli.routines.json_schema import routine_schema
from backpain_cli.routines.loader import parse_routine
from backpain_cli.routines.model import Progression, ProgressionStep, Routine
from backpain_cli.routines.stepping import at_step, changes

EXERCISES = """\
version: 1
title: T
exercises:
  - {id: squeeze, name: Squeeze, hold: 5, reps: 10, instructions: [Squeeze.]}
  - {id: turn, name: Turn, hold: 30, reps: 3, sides: [left, right], instructions: [Turn.]}
  - {id: rolls, name: Rolls, rep_seconds: 4, reps: 5, instructions: [Roll.]}
"""
PLAN = """\
progression:
  advance_after: 6
  steps:
    - {turn: {hold: 20}, squeeze: {reps: 6}}
    - {turn: {hold: 25}, squeeze: {reps: 8}, advance_after: 4}
    - {}
"""


def _load(text: str) -> Routine:
    return parse_routine(text, "r.yaml", default_name="r")


def _problems(text: str) -> list[str]:
    with pytest.raises(RoutineError) as caught:
        _load(text)
    return [str(problem) for problem in caught.value.problems]


def test_a_plan_loads_as_steps_on_top_of_the_routines_own_doses() -> None:
    routine = _load(EXERCISES + PLAN)
    assert routine.progression == Progression(
        6,
        (
            ProgressionStep((("turn", (("hold", 20),)), ("squeeze", (("reps", 6),)))),
            ProgressionStep((("turn", (("hold", 25),)), ("squeeze", (("reps", 8),))), 4),
            ProgressionStep(),
        ),
    )
    assert [routine.progression.sessions_at(step) for step in (1, 2, 3)] == [6, 4, 6]
    first = at_step(routine, 1)
    assert [(e.hold, e.reps) for e in first.exercises] == [(5, 6), (20, 3), (0, 5)]
    assert at_step(routine, 3).exercises == routine.exercises  # {}: as written
    assert [str(change) for change in changes(routine, 1, 2)] == [
        "Squeeze reps 8 (was 6)",
        "Turn 25 s (was 20 s)",
    ]
    assert routine.warnings == ()  # 20 -> 25 -> 30 s, 6 -> 8 -> 10 reps: gentle steps
    plain = _load(EXERCISES)
    assert plain.progression is None and at_step(plain, 1) is plain


def test_every_dose_a_step_may_change_is_named_in_the_change() -> None:
    text = EXERCISES + (
        "progression:\n  advance_after: 2\n  steps:\n"
        "    - {squeeze: {sets: 1, rest: 5, set_rest: 10}, rolls: {rep_seconds: 3}}\n"
        "    - {squeeze: {sets: 2, rest: 4, set_rest: 20}, rolls: {rep_seconds: 4}}\n"
    )
    routine = _load(text)
    assert [str(change) for change in changes(routine, 1, 2)] == [
        "Squeeze sets 2 (was 1)",
        "Squeeze rest 4 s (was 5 s)",
        "Squeeze set rest 20 s (was 10 s)",
        "Rolls each rep 4 s (was 3 s)",
    ]
    # One effort key of each exercise goes up: sets, and the pace of the rolls.
    assert routine.warnings == ()


def test_warnings_of_big_steps() -> None:
    text = EXERCISES + (
        "progression:\n  advance_after: 2\n  steps:\n"
        "    - {squeeze: {hold: 3, reps: 5}, turn: {hold: 10}}\n"
        "    - {squeeze: {hold: 4, reps: 6}}\n"
    )
    warnings = [str(warning) for warning in _load(text).warnings]
    assert warnings == [
        "r.yaml:11:17: progression.steps[1].squeeze: warning: raises hold and reps at once; "
        "change one thing at a time",
        # Leaving turn out goes back to its own 30 s: a step of 10 -> 30 s.
        "r.yaml:11:7: progression.steps[1].turn.hold: warning: raises hold from 10 to 30, "
        "by more than half at once; take smaller steps",
    ]


@pytest.mark.parametrize(
    ("plan", "messages"),
    [
        (
            "progression:\n  advance_after: -1\n  steps: [{}, {}]\n",
            ["r.yaml:8:18: progression.advance_after: must be between 1 and 100 sessions, got -1"],
        ),
        (
            "progression:\n  advance_after: 2\n  steps: [{sqeeze: {reps: 3}}, {}]\n",
            [
                "r.yaml:9:12: progression.steps[0].sqeeze: no exercise with this id in the "
                "routine (did you mean 'squeeze'?)"
            ],
        ),
        (
            "progression:\n  advance_after: 2\n  steps: [{squeeze: {reps: 101}}, {}]\n",
            ["r.yaml:9:28: progression.steps[0].squeeze.reps: must be between 1 and 100, got 101"],
        ),
        (
            "progression:\n  advance_after: 2\n"
            "  steps: [{rolls: {hold: 3}}, {turn: {rep_seconds: 2}}]\n",
            [
                "r.yaml:9:26: progression.steps[0].rolls.hold: is for a held exercise; rolls is "
                "not one",
                "r.yaml:9:52: progression.steps[1].turn.rep_seconds: is for a paced movement; "
                "turn is not one",
            ],
        ),
        (
            "progression:\n  advance_after: 2\n  steps: [{squeeze: {reps: 3, pace: self}}, {}]\n",
            [
                "r.yaml:9:31: progression.steps[0].squeeze.pace: unknown key (allowed: hold, "
                "reps, sets, rest, set_rest, rep_seconds)"
            ],
        ),
        (
            "progression:\n  advance_after: 2\n  steps: [{}]\n",
            ["r.yaml:9:10: progression.steps: must list at least two steps, got 1"],
        ),
        (
            "progression:\n  advance_after: 2\n  steps: {squeeze: {reps: 3}}\n",
            ["r.yaml:9:10: progression.steps: must list at least two steps, got no list"],
        ),
        (
            "progression:\n  advance_after: 2\n  steps: [" + "{}, " * 21 + "{}]\n",
            ["r.yaml:9:10: progression.steps: has 22 steps; at most 20"],
        ),
        (
            "progression:\n  advance_after: 2\n  steps: [squeeze, {advance_after: 0}]\n",
            [
                "r.yaml:9:11: progression.steps[0]: must be a mapping of exercise ids to doses "
                "(or {})",
                "r.yaml:9:36: progression.steps[1].advance_after: must be between 1 and 100 "
                "sessions, got 0",
            ],
        ),
        (
            "progression:\n  advance_after: 2\n  steps:\n"
            "    - {squeeze: {reps: 3}, squeeze: {reps: 4}, 3: {}}\n    - {}\n",
            [
                "r.yaml:10:28: progression.steps[0].squeeze: duplicate key (first given on "
                "line 10)",
                "r.yaml:10:48: progression.steps[0]: keys must be exercise ids or advance_after",
            ],
        ),
        (
            "progression:\n  advance_after: 2\n  steps:\n"
            "    - {turn: {hold: 600, reps: 100, sets: 20}}\n    - {}\n",
            [
                "r.yaml:10:7: progression.steps[0]: makes the routine take 677:55:45; at most "
                "4 hours"
            ],
        ),
        (
            "progression:\n  steps: [{}, {}]\n  rule: pain\n",
            [
                "r.yaml:8:3: progression.advance_after: is required but missing",
                "r.yaml:9:3: progression.rule: unknown key (did you mean 'pain_rule'?)",
            ],
        ),
        (
            "progression:\n  advance_after: 2\n  steps: [{squeeze: 3}, {}]\n",
            [
                "r.yaml:9:21: progression.steps[0].squeeze: must be a mapping of keys, got a "
                "whole number '3'"
            ],
        ),
        (
            "progression: [1, 2]\n",
            ["r.yaml:7:14: progression: must be a mapping of keys, got a list"],
        ),
    ],
)
def test_refusals_name_file_line_and_column(plan: str, messages: list[str]) -> None:
    assert _problems(EXERCISES + plan) == messages


def test_a_plan_in_a_file_with_other_problems_is_reported_with_them() -> None:
    broken = EXERCISES.replace("hold: 5,", "hold: 0,") + (
        "progression:\n  advance_after: 0\n  steps: [{squeeze: {reps: 3}}, {tunr: {hold: 5}}]\n"
    )
    assert _problems(broken) == [
        "r.yaml:4:40: exercises[0].hold: must be between 1 and 600 seconds, got 0",
        "r.yaml:8:18: progression.advance_after: must be between 1 and 100 sessions, got 0",
        "r.yaml:9:34: progression.steps[1].tunr: no exercise with this id in the routine "
        "(did you mean 'turn'?)",
    ]


def test_validate_exits_2_with_every_problem(tmp_path: Path, runner: CliRunner) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(EXERCISES + "progression:\n  advance_after: -3\n  steps: [{x: {}}, {}]\n")
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert f"{path}:8:18: progression.advance_after: must be between 1 and 100" in result.output
    assert (
        f"{path}:9:12: progression.steps[0].x: no exercise with this id in the routine "
        "(its ids: squeeze, turn, rolls)\n"
    ) in result.output


def test_the_schema_takes_the_plan_and_refuses_what_the_loader_refuses() -> None:
    schema = routine_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    good = yaml.safe_load(EXERCISES + PLAN)
    jsonschema.validate(good, schema)
    for bad in (
        {"advance_after": 0, "steps": [{}, {}]},
        {"advance_after": 2, "steps": [{}]},
        {"advance_after": 2, "steps": [{"turn": {"pace": "self"}}, {}]},
        {"advance_after": 2, "steps": [{"Turn": {"hold": 3}}, {}]},
        {"advance_after": 2, "steps": [{}, {}], "rule": "x"},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**good, "progression": bad}, schema)


def test_help_format_documents_the_plan(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["help", "format"])
    assert "### Progression: doses that grow over weeks" in result.output
    assert "| `advance_after` | whole number | sessions |" in result.output
