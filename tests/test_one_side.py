"""`alternate: false`: every rep and set on the first side, then on the second."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from backpain_cli.cli import cli
from backpain_cli.errors import RoutineError
from backpain_cli.routines.dose import longest
from backpain_cli.routines.handout import dose_words, rest_words
from backpain_cli.routines.json_schema import routine_schema
from backpain_cli.routines.listing import routine_json
from backpain_cli.routines.loader import parse_routine
from backpain_cli.routines.model import Routine
from backpain_cli.routines.timeline import build_timeline

HEAD = "version: 1\ntitle: T\nexercises:\n"
LUNGE = (
    "  - id: lunge\n    name: Half-kneeling stretch\n    instructions: [Kneel.]\n"
    "    hold: 1\n    reps: 2\n    rest: 3\n    sides: [left, right]\n    alternate: false\n"
)


def _load(body: str) -> Routine:
    return parse_routine(HEAD + body, "r.yaml", default_name="r")


def _problems(body: str) -> list[str]:
    with pytest.raises(RoutineError) as caught:
        _load(body)
    return [str(problem) for problem in caught.value.problems]


def _steps(routine: Routine) -> list[tuple[str, int, int, int, str | None, bool]]:
    return [
        (s.kind.value, s.duration, s.rep, s.set, s.side and s.side.value, s.ends_set)
        for s in build_timeline(routine, prepare=False).segments
    ]


def test_every_rep_and_set_on_one_side_then_the_other() -> None:
    routine = _load(LUNGE + "    sets: 2\n    set_rest: 5\n")
    assert _steps(routine) == [
        ("hold", 1, 1, 1, "left", False),
        ("rest", 3, 1, 1, "left", False),
        ("hold", 1, 2, 1, "left", True),
        ("set_rest", 5, 2, 1, "left", False),
        ("hold", 1, 1, 2, "left", False),
        ("rest", 3, 1, 2, "left", False),
        ("hold", 1, 2, 2, "left", True),
        ("rest", 3, 2, 2, "left", False),  # the one switch of sides
        ("hold", 1, 1, 1, "right", False),
        ("rest", 3, 1, 1, "right", False),
        ("hold", 1, 2, 1, "right", True),
        ("set_rest", 5, 2, 1, "right", False),
        ("hold", 1, 1, 2, "right", False),
        ("rest", 3, 1, 2, "right", False),
        ("hold", 1, 2, 2, "right", True),
    ]
    assert longest(routine) >= build_timeline(routine).total


def test_alternating_is_what_it_was() -> None:
    routine = _load(LUNGE.replace("false", "true"))
    sides = [s[4] for s in _steps(routine) if s[0] == "hold"]
    assert sides == ["left", "right", "left", "right"]
    assert routine.exercises[0].alternate


def test_a_movement_does_every_set_on_one_side_first() -> None:
    body = LUNGE.replace("hold: 1", "rep_seconds: 2") + "    sets: 2\n    set_rest: 5\n"
    moves = [(s[0], s[3], s[4]) for s in _steps(_load(body))]
    assert moves == [
        ("move", 1, "left"),
        ("move", 1, "left"),
        ("set_rest", 1, "left"),
        ("move", 2, "left"),
        ("move", 2, "left"),
        ("rest", 2, "left"),
        ("move", 1, "right"),
        ("move", 1, "right"),
        ("set_rest", 1, "right"),
        ("move", 2, "right"),
        ("move", 2, "right"),
    ]


def test_plain_player_plays_left_left_right_right(user_routines: Path, runner: CliRunner) -> None:
    (user_routines / "lunge.yaml").write_text(HEAD + LUNGE)
    result = runner.invoke(
        cli, ["start", "lunge", "--plain", "--speed", "1000", "--no-sound", "--no-history"]
    )
    assert result.exit_code == 0, result.output
    holds = re.findall(r"— (LEFT|RIGHT) side — hold 1 s — rep (\d) of 2", result.output)
    assert holds == [("LEFT", "1"), ("LEFT", "2"), ("RIGHT", "1"), ("RIGHT", "2")]
    assert result.output.count("switch sides") == 1


def test_the_words_say_one_side_then_the_other() -> None:
    (held,) = _load(LUNGE.replace("reps: 2", "reps: 8")).exercises
    assert dose_words(held) == "Hold 1 second, 8 times on the left, then 8 on the right."
    assert held.dose == "1 s × 8 each side, one side at a time"
    assert rest_words(held) == "3 seconds between reps and sides"
    (twice,) = _load(LUNGE + "    sets: 2\n").exercises
    assert dose_words(twice) == (
        "Hold 1 second, twice on the left, then twice on the right; "
        "2 sets on each side, all on the left first."
    )
    labels = LUNGE.replace("[left, right]", "[forward, backward]").replace("hold: 1", "pace: self")
    (moved,) = _load(labels).exercises
    assert dose_words(moved) == "Do it twice, at your own pace, forward, then twice backward."
    assert routine_json(_load(LUNGE))["exercises"][0]["alternate"] is False


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            LUNGE.replace("[left, right]", "[left]"),
            "r.yaml:11:16: exercises[0].alternate: is for an exercise with two sides "
            "(e.g. sides: [left, right])",
        ),
        (
            LUNGE.replace("    sides: [left, right]\n", ""),
            "r.yaml:10:16: exercises[0].alternate: is for an exercise with two sides "
            "(e.g. sides: [left, right])",
        ),
        (
            LUNGE.replace("false", "no"),
            "r.yaml:11:16: exercises[0].alternate: must be true or false, got true/false 'no'",
        ),
        (
            LUNGE.replace("false", '"false"'),
            "r.yaml:11:16: exercises[0].alternate: must be true or false, got text 'false'",
        ),
    ],
)
def test_alternate_refusals(body: str, message: str) -> None:
    assert _problems(body) == [message]


def test_a_use_entry_takes_and_changes_alternate() -> None:
    body = LUNGE + "  - {use: lunge, id: again, alternate: true}\n"
    first, again = _load(body).exercises
    assert (first.alternate, again.alternate) == (False, True)
    refused = (
        LUNGE.replace("    alternate: false\n", "")
        + "  - {use: lunge, id: b, sides: [],"
        + (" alternate: false}\n")
    )
    assert _problems(refused) == [
        "r.yaml:11:47: exercises[1].alternate: is for an exercise with two sides "
        "(e.g. sides: [left, right])"
    ]


def test_the_schema_has_alternate() -> None:
    exercise = routine_schema()["$defs"]["exercise"]["properties"]["alternate"]
    assert exercise["type"] == "boolean" and exercise["default"] is True
