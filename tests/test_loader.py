"""The strict routine loader: what it builds, and every message it gives, word for word."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from backpain_cli.errors import Problem, RoutineError
from backpain_cli.routines import reader
from backpain_cli.routines.loader import load_routine, parse_routine
from backpain_cli.routines.model import (
    DEFAULT_DISCLAIMER,
    Exercise,
    Frequency,
    Period,
    Routine,
    Side,
)
from backpain_cli.routines.reader import YAML_LOADERS

BASE = """\
version: 1
title: Test routine
exercises:
  - id: squeeze
    name: Squeeze
    hold: 5
    instructions: [Squeeze.]
"""

FULL = """\
version: 1
name: full-routine
title: "  A   full routine  "
summary: >-
  Everything
  a routine can say.
source: A book
disclaimer: Stop if it hurts.
frequency: 3 per week
defaults: {hold: 20, reps: 2, sets: 2, rest: 4, set_rest: 15, prepare: 3}
exercises:
  - id: stretch
    name: Stretch
    position: long sitting
    equipment: [towel, mat]
    sides: [left, right]
    instructions:
      - Sit.
      - Reach.
    cues: [Breathe.]
    caution: Gently.
  - id: squeeze
    name: Squeeze
    hold: 5
    reps: 10
    sets: 1
    rest: 0
    set_rest: 0
    prepare: 0
    sides: [right]
    instructions: [Squeeze.]
"""


def problems(text: str, loader: type | None = None) -> str:
    """The loader's complete message for text that must not load."""
    with pytest.raises(RoutineError) as caught:
        parse_routine(text, "r.yaml", default_name="r", loader=loader)
    return str(caught.value)


# -- what a valid file becomes ---------------------------------------------------------


@pytest.mark.parametrize("loader", YAML_LOADERS, ids=lambda cls: cls.__name__)
def test_every_key_is_read_with_defaults_applied(loader: type) -> None:
    routine = parse_routine(FULL, "full.yaml", default_name="ignored", loader=loader)
    assert routine == Routine(
        name="full-routine",
        title="A full routine",
        summary="Everything a routine can say.",
        source="A book",
        disclaimer="Stop if it hurts.",
        frequency=Frequency(3, Period.WEEK),
        exercises=(
            Exercise(
                id="stretch",
                name="Stretch",
                instructions=("Sit.", "Reach."),
                hold=20,
                reps=2,
                sets=2,
                sides=(Side.LEFT, Side.RIGHT),
                rest=4,
                set_rest=15,
                prepare=3,
                position="long sitting",
                equipment=("towel", "mat"),
                cues=("Breathe.",),
                caution="Gently.",
            ),
            Exercise(
                id="squeeze",
                name="Squeeze",
                instructions=("Squeeze.",),
                hold=5,
                reps=10,
                sets=1,
                sides=(Side.RIGHT,),
                rest=0,
                set_rest=0,
                prepare=0,
            ),
        ),
    )


def test_minimal_file_gets_the_documented_defaults() -> None:
    routine = parse_routine(BASE, "r.yaml", default_name="from-file")
    assert routine.name == "from-file"
    assert routine.summary == routine.source == ""
    assert routine.disclaimer == DEFAULT_DISCLAIMER
    assert routine.frequency is None
    assert routine.exercises == (
        Exercise(
            id="squeeze",
            name="Squeeze",
            instructions=("Squeeze.",),
            hold=5,
            reps=1,
            sets=1,
            sides=(),
            rest=10,
            set_rest=30,
            prepare=5,
        ),
    )


def test_file_name_is_the_default_name_and_a_bom_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "my-routine.yml"
    path.write_bytes(b"\xef\xbb\xbf" + BASE.encode())
    assert load_routine(path).name == "my-routine"
    assert load_routine(path, default_name="other").name == "other"


def test_builtin_routines_load() -> None:
    builtin = Path(__file__).resolve().parents[1] / "routines"
    names = set()
    for path in builtin.glob("*.yaml"):
        if path.name == "exercises.yaml":
            continue  # the shared exercise library, not a routine
        routine = load_routine(path)
        names.add(routine.name)
        assert routine.disclaimer
        assert routine.source
        for exercise in routine.exercises:
            assert exercise.instructions and exercise.caution and exercise.position
    assert {"upper-back", "upper-back-chair", "upper-back-gentle"} <= names


# -- every kind of problem, word for word ---------------------------------------------

MESSAGES = {
    # unknown keys, with a did-you-mean when one is close, else the allowed keys
    "unknown top-level key": (
        BASE + "titel: x\n",
        "r.yaml:8:1: titel: unknown key (did you mean 'title'?)",
    ),
    "misspelt required key is reported once": (
        BASE.replace("    hold: 5\n", "    hodl: 5\n"),
        "r.yaml:6:5: exercises[0].hodl: unknown key (did you mean 'hold'?)",
    ),
    "unknown key, nothing close": (
        BASE + "colour: red\n",
        "r.yaml:8:1: colour: unknown key (allowed: version, name, title, summary, source, "
        "disclaimer, frequency, counts_as, defaults, exercises, rate_each, morning_check, "
        "progression)",
    ),
    "counts_as with frequency": (
        BASE + "frequency: 2 per day\ncounts_as: upper-back\n",
        "r.yaml:9:12: counts_as: give counts_as or frequency, not both: this routine is done "
        "as often as 'upper-back' says",
    ),
    "counts_as itself": (
        BASE + "counts_as: r\n",
        "r.yaml:8:12: counts_as: names this routine itself",
    ),
    "counts_as not a routine name": (
        BASE + "counts_as: Upper Back\n",
        "r.yaml:8:12: counts_as: 'Upper Back' is not a valid routine name: use lowercase "
        "letters, digits and dashes (at most 64), e.g. 'upper-back'",
    ),
    "unknown key in defaults": (
        BASE + "defaults: {repz: 3}\n",
        "r.yaml:8:12: defaults.repz: unknown key (did you mean 'reps'?)",
    ),
    # numbers out of range say the range and the unit
    "0 s hold": (
        BASE.replace("hold: 5", "hold: 0"),
        "r.yaml:6:11: exercises[0].hold: must be between 1 and 600 seconds, got 0",
    ),
    "2-hour hold": (
        BASE.replace("hold: 5", "hold: 7200"),
        "r.yaml:6:11: exercises[0].hold: must be between 1 and 600 seconds, got 7200",
    ),
    "500 reps": (
        BASE.replace("hold: 5", "hold: 5\n    reps: 500"),
        "r.yaml:7:11: exercises[0].reps: must be between 1 and 100, got 500",
    ),
    "negative rest": (
        BASE.replace("hold: 5", "hold: 5\n    rest: -1"),
        "r.yaml:7:11: exercises[0].rest: must be between 0 and 600 seconds, got -1",
    ),
    "21 sets": (
        BASE.replace("hold: 5", "hold: 5\n    sets: 21"),
        "r.yaml:7:11: exercises[0].sets: must be between 1 and 20, got 21",
    ),
    "set rest over 15 minutes": (
        BASE + "defaults: {set_rest: 901}\n",
        "r.yaml:8:22: defaults.set_rest: must be between 0 and 900 seconds, got 901",
    ),
    "prepare over 2 minutes": (
        BASE + "defaults: {prepare: 121}\n",
        "r.yaml:8:21: defaults.prepare: must be between 0 and 120 seconds, got 121",
    ),
    "a 5000-digit number is out of range, not a crash": (
        BASE.replace("hold: 5", "hold: " + "9" * 5000),
        "r.yaml:6:11: exercises[0].hold: must be between 1 and 600 seconds, "
        "got 9999999999999999999999999999999999999...",
    ),
    # wrong types
    "text for a number": (
        BASE.replace("hold: 5", "hold: 30s"),
        "r.yaml:6:11: exercises[0].hold: must be a whole number of seconds, got text '30s'",
    ),
    "decimal for a number": (
        BASE.replace("hold: 5", "hold: 2.5"),
        "r.yaml:6:11: exercises[0].hold: must be a whole number of seconds, "
        "got a decimal number '2.5'",
    ),
    "yes for a number": (
        BASE.replace("hold: 5", "hold: yes"),
        "r.yaml:6:11: exercises[0].hold: must be a whole number of seconds, got true/false 'yes'",
    ),
    "nothing for a number": (
        BASE.replace("hold: 5", "hold:"),
        "r.yaml:6:10: exercises[0].hold: must be a whole number of seconds, got nothing (null)",
    ),
    "list for a number": (
        BASE.replace("hold: 5", "hold: [5]"),
        "r.yaml:6:11: exercises[0].hold: must be a whole number of seconds, got a list",
    ),
    "YAML 1.1 sexagesimal": (
        BASE.replace("hold: 5", "hold: 1:30"),
        "r.yaml:6:11: exercises[0].hold: must be a whole number of seconds in plain digits, "
        "got '1:30'",
    ),
    "hexadecimal": (
        BASE.replace("hold: 5", "hold: 0x1e"),
        "r.yaml:6:11: exercises[0].hold: must be a whole number of seconds in plain digits, "
        "got '0x1e'",
    ),
    "binary with no digits (int() would raise ValueError)": (
        BASE.replace("hold: 5", "hold: 0b_"),
        "r.yaml:6:11: exercises[0].hold: must be a whole number of seconds in plain digits, "
        "got '0b_'",
    ),
    "number for text": (
        BASE.replace("title: Test routine", "title: 2024"),
        "r.yaml:2:8: title: must be text, got a whole number '2024'; put it in quotes",
    ),
    "mapping for text": (
        BASE.replace("title: Test routine", "title: {a: b}"),
        "r.yaml:2:8: title: must be text, got a mapping",
    ),
    "text with a colon": (
        BASE.replace("[Squeeze.]", "\n      - Sit tall: feet flat"),
        "r.yaml:8:9: exercises[0].instructions[0]: must be text, got a mapping; text with a "
        'colon must be in quotes: "Sit tall: feet flat"',
    ),
    "a mapping over two lines, no colon hint": (
        BASE.replace("[Squeeze.]", "\n      - Sit:\n          tall"),
        "r.yaml:8:9: exercises[0].instructions[0]: must be text, got a mapping",
    ),
    "blank text": (
        BASE.replace("title: Test routine", "title: '  '"),
        "r.yaml:2:8: title: must not be empty",
    ),
    "text too long": (
        BASE.replace("title: Test routine", "title: " + "x" * 101),
        "r.yaml:2:8: title: is too long (101 characters; at most 100)",
    ),
    "text for a list": (
        BASE.replace("instructions: [Squeeze.]", "instructions: Squeeze."),
        "r.yaml:7:19: exercises[0].instructions: must be a list, got text 'Squeeze.'",
    ),
    "empty required list": (
        BASE.replace("instructions: [Squeeze.]", "instructions: []"),
        "r.yaml:7:19: exercises[0].instructions: must list at least one item",
    ),
    "number in a list of text": (
        BASE.replace("instructions: [Squeeze.]", "instructions: [Squeeze., 3]"),
        "r.yaml:7:30: exercises[0].instructions[1]: must be text, got a whole number '3'; "
        "put it in quotes",
    ),
    "too many instructions": (
        BASE.replace("instructions: [Squeeze.]", "instructions: [" + "a, " * 20 + "b]"),
        "r.yaml:7:19: exercises[0].instructions: has 21 items; at most 20",
    ),
    "python tag is just a wrong type": (
        BASE.replace("hold: 5", "hold: !!python/object:os.system 5"),
        "r.yaml:6:11: exercises[0].hold: must be a whole number of seconds, "
        "got a value tagged !!python/object:os.system",
    ),
    "custom tag": (
        BASE.replace("hold: 5", "hold: !seconds 5"),
        "r.yaml:6:11: exercises[0].hold: must be a whole number of seconds, "
        "got a value tagged !seconds",
    ),
    "number as a key": (
        BASE + "1: one\n",
        "r.yaml:8:1: keys must be words, got a whole number '1'",
    ),
    "yes as a key": (BASE + "yes: true\n", "r.yaml:8:1: keys must be words, got true/false 'yes'"),
    "list as a key": (BASE + "? [a]\n: b\n", "r.yaml:8:3: keys must be words, got a list"),
    # missing required keys
    "only a version": (
        "version: 1\n",
        "r.yaml:1:1: title: is required but missing\n"
        "r.yaml:1:1: exercises: is required but missing",
    ),
    "exercise with only an id": (
        "version: 1\ntitle: T\nexercises:\n  - id: a\n",
        "r.yaml:4:5: exercises[0].name: is required but missing\n"
        "r.yaml:4:5: exercises[0].instructions: is required but missing\n"
        "r.yaml:4:5: exercises[0].hold: is required but missing (here or in defaults"
        "; for a movement without a hold, give rep_seconds or pace: self)",
    ),
    "a bad default hold is reported once, not at every exercise": (
        BASE.replace("    hold: 5\n", "") + "defaults: {hold: 0}\n",
        "r.yaml:7:18: defaults.hold: must be between 1 and 600 seconds, got 0",
    ),
    "no version": (
        BASE.replace("version: 1\n", ""),
        "r.yaml:1:1: version: is required but missing",
    ),
    # duplicates
    "duplicate key": (
        BASE + "title: Again\n",
        "r.yaml:8:1: title: duplicate key (first given on line 2)",
    ),
    "duplicate key in an exercise": (
        BASE.replace("    hold: 5\n", "    hold: 5\n    hold: 6\n"),
        "r.yaml:7:5: exercises[0].hold: duplicate key (first given on line 6)",
    ),
    "duplicate exercise id": (
        BASE + "  - id: squeeze\n    name: Again\n    hold: 3\n    instructions: [x]\n",
        "r.yaml:8:5: exercises[1].id: duplicate id 'squeeze' (also exercises[0])",
    ),
    # sides
    "misspelt side": (
        BASE.replace("hold: 5", "hold: 5\n    sides: [left, rigth]"),
        "r.yaml:7:12: exercises[0].sides: unknown side 'rigth' (did you mean 'right'?)",
    ),
    "left with a label of one's own": (
        BASE.replace("hold: 5", "hold: 5\n    sides: [left, up]"),
        "r.yaml:7:12: exercises[0].sides: mixes left with a label of your own ('up'): "
        "use [left, right], or two labels of your own",
    ),
    "a side that looks like left": (
        BASE.replace("hold: 5", "hold: 5\n    sides: [Left, Right]"),
        "r.yaml:7:12: exercises[0].sides: unknown side 'Left' (did you mean 'left'?)\n"
        "r.yaml:7:12: exercises[0].sides: unknown side 'Right' (did you mean 'right'?)",
    ),
    "side twice": (
        BASE.replace("hold: 5", "hold: 5\n    sides: [left, left]"),
        "r.yaml:7:12: exercises[0].sides: names a side twice",
    ),
    "side not in a list": (
        BASE.replace("hold: 5", "hold: 5\n    sides: left"),
        "r.yaml:7:12: exercises[0].sides: must be a list (e.g. [left, right]), got text 'left'",
    ),
    "three sides": (
        BASE.replace("hold: 5", "hold: 5\n    sides: [left, right, left]"),
        "r.yaml:7:12: exercises[0].sides: has 3 items; at most 2",
    ),
    # frequency
    "frequency in words": (
        BASE + "frequency: twice a day\n",
        "r.yaml:8:12: frequency: 'twice a day' is not a frequency: write e.g. '2 per day' (1-10)",
    ),
    "frequency too high": (
        BASE + "frequency: 11 per day\n",
        "r.yaml:8:12: frequency: '11 per day' is not a frequency: write e.g. '2 per day' (1-10)",
    ),
    "frequency as a number": (
        BASE + "frequency: 2\n",
        "r.yaml:8:12: frequency: must be text, got a whole number '2'; put it in quotes",
    ),
    # version
    "version 2": (
        BASE.replace("version: 1", "version: 2"),
        "r.yaml:1:10: version: unsupported format version 2; use 1",
    ),
    "version as text": (
        BASE.replace("version: 1", "version: '1'"),
        "r.yaml:1:10: version: must be a whole number, got text '1'",
    ),
    "huge version": (
        BASE.replace("version: 1", "version: 99999999999999"),
        "r.yaml:1:10: version: unsupported format version 99999999999999; use 1",
    ),
    # ids and names
    "bad exercise id": (
        BASE.replace("id: squeeze", "id: Squeeze Me"),
        "r.yaml:4:9: exercises[0].id: 'Squeeze Me' is not a valid id: use lowercase letters, "
        "digits and dashes (at most 64), e.g. 'scapular-squeeze'",
    ),
    "bad routine name": (
        BASE + "name: My Routine\n",
        "r.yaml:8:7: name: 'My Routine' is not a valid name: use lowercase letters, digits "
        "and dashes (at most 64), e.g. 'upper-back'",
    ),
    # the exercises list
    "no exercises": (
        "version: 1\ntitle: T\nexercises: []\n",
        "r.yaml:3:12: exercises: must list at least one exercise",
    ),
    "exercises as a mapping": (
        "version: 1\ntitle: T\nexercises: {a: 1}\n",
        "r.yaml:3:12: exercises: must be a list, got a mapping",
    ),
    "an exercise that is just a word": (
        "version: 1\ntitle: T\nexercises:\n  - squeeze\n",
        "r.yaml:4:5: exercises[0]: must be a mapping of keys, got text 'squeeze'",
    ),
    "51 exercises": (
        "version: 1\ntitle: T\nexercises:\n"
        + "".join(f"  - {{id: e{i}, name: E, hold: 1, instructions: [x]}}\n" for i in range(51)),
        "r.yaml:4:3: exercises: has 51 exercises; at most 50",
    ),
    "defaults as a list": (
        BASE + "defaults: [1]\n",
        "r.yaml:8:11: defaults: must be a mapping of keys, got a list",
    ),
    # the shape of the whole file
    "a top-level list": ("- version: 1\n", "r.yaml:1:1: must be a mapping of keys, got a list"),
    "a top-level word": ("hello\n", "r.yaml:1:1: must be a mapping of keys, got text 'hello'"),
    "only comments": (
        "# nothing here\n",
        "r.yaml: is empty; a routine needs at least version, title and exercises",
    ),
    "only blank lines": (
        "  \n\n",
        "r.yaml: is empty; a routine needs at least version, title and exercises",
    ),
    "two documents": (
        "version: 1\n---\nversion: 1\n",
        "r.yaml:2:1: invalid YAML: expected a single document in the stream, "
        "but found another document",
    ),
    "a control character": (
        "version: 1\ntitle: a\x07b\n",
        "r.yaml:2:9: contains a control character (U+0007) that YAML does not allow",
    ),
    # aliases are refused where they appear, before anything is expanded
    "an alias": (
        "a: &x [1]\nb: *x\n",
        "r.yaml:2:4: invalid YAML: anchors and aliases (&name, *name) are not allowed in "
        "routine files; write each value out",
    ),
    "a merge key": (
        "base: &b {hold: 5}\nother:\n  <<: *b\n",
        "r.yaml:3:7: invalid YAML: anchors and aliases (&name, *name) are not allowed in "
        "routine files; write each value out",
    ),
    "deeply nested block lists": (
        "exercises:\n" + "".join("  " * i + "- \n" for i in range(30)),
        "r.yaml:21:39: invalid YAML: nested more than 20 levels deep; a routine needs no more "
        "than 5",
    ),
    # every problem of a file at once, in reading order
    "several problems": (
        BASE.replace("hold: 5", "hold: 0\n    reps: 0") + "titel: x\n",
        "r.yaml:6:11: exercises[0].hold: must be between 1 and 600 seconds, got 0\n"
        "r.yaml:7:11: exercises[0].reps: must be between 1 and 100, got 0\n"
        "r.yaml:9:1: titel: unknown key (did you mean 'title'?)",
    ),
}


@pytest.mark.parametrize("loader", YAML_LOADERS, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize(("text", "expected"), MESSAGES.values(), ids=MESSAGES.keys())
def test_message(text: str, expected: str, loader: type) -> None:
    assert problems(text, loader) == expected


COLON = (
    "\n  hint: a colon inside text (e.g. `Tip: relax`) starts a new key: put the text in "
    "quotes (or a key is indented more than the one before it)"
)
BRACKET = (
    "\n  hint: a list in brackets needs its closing bracket; text that starts with [ or {, "
    "or an item that holds a colon or a bracket, must be in quotes"
)
TAB = "\n  hint: a tab in the indentation; indent with spaces"

# libyaml (fast, used where PyYAML has it) and PyYAML's own parser word syntax errors
# differently; the position and the `invalid YAML:` prefix are the same.
SYNTAX = {
    "unclosed bracket": (
        "version: 1\ntitle: [unclosed\n",
        {
            "_CLoader": "r.yaml:3:1: invalid YAML: did not find expected ',' or ']'" + BRACKET,
            "_PythonLoader": "r.yaml:3:1: invalid YAML: expected ',' or ']', but got "
            "'<stream end>'" + BRACKET,
        },
    ),
    "bad indentation": (
        "version: 1\n title: x\n",
        {
            "_CLoader": "r.yaml:2:7: invalid YAML: mapping values are not allowed in this context"
            + COLON,
            "_PythonLoader": "r.yaml:2:7: invalid YAML: mapping values are not allowed here"
            + COLON,
        },
    ),
    "a tab": (
        "version: 1\n\ttitle: x\n",
        {
            "_CLoader": "r.yaml:2:1: invalid YAML: found a tab character that violates indentation"
            + TAB,
            "_PythonLoader": "r.yaml:2:1: invalid YAML: found character '\\t' that cannot "
            "start any token" + TAB,
        },
    ),
    "a tab before a list item (was: the hint about @ and %)": (
        "version: 1\ntitle: T\nexercises:\n\t- id: a\n",
        {
            "_CLoader": "r.yaml:4:1: invalid YAML: found character that cannot start any token"
            + TAB,
            "_PythonLoader": "r.yaml:4:1: invalid YAML: found character '\\t' that cannot "
            "start any token" + TAB,
        },
    ),
    "an escape past the last Unicode character (PyYAML raised ValueError)": (
        'version: 1\ntitle: "a\\U00110000"\n',
        {
            "_CLoader": "r.yaml:2:12: invalid YAML: found invalid Unicode character escape code",
            "_PythonLoader": "r.yaml:2:10: invalid YAML: an escape code beyond the last Unicode "
            "character",
        },
    ),
    "an escape past a C int (PyYAML raised OverflowError)": (
        'version: 1\ntitle: "a\\UFFFFFFFF"\n',
        {
            "_CLoader": "r.yaml:2:12: invalid YAML: found invalid Unicode character escape code",
            "_PythonLoader": "r.yaml:2:10: invalid YAML: an escape code beyond the last Unicode "
            "character",
        },
    ),
    "an escape for half a character": (
        BASE.replace("Test routine", '"Test \\ud83d"'),
        {
            "_CLoader": "r.yaml:2:16: invalid YAML: found invalid Unicode character escape code",
            "_PythonLoader": "r.yaml:2:8: title: has an escape for half a character "
            "(\\ud800-\\udfff); write the character itself",
        },
    ),
    "5000 open brackets": (
        "[" * 5000,
        {
            "_CLoader": "r.yaml:1:1001: invalid YAML: exceeded maximum nesting depth",
            "_PythonLoader": "r.yaml:1:21: invalid YAML: nested more than 20 levels deep; a "
            "routine needs no more than 5",
        },
    ),
}


@pytest.mark.parametrize("loader", YAML_LOADERS, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize(("text", "expected"), SYNTAX.values(), ids=SYNTAX.keys())
def test_yaml_syntax_message(text: str, expected: dict[str, str], loader: type) -> None:
    assert problems(text, loader) == expected[loader.__name__]


def test_problems_carry_their_position() -> None:
    with pytest.raises(RoutineError) as caught:
        parse_routine(BASE.replace("hold: 5", "hold: 0"), "r.yaml", default_name="r")
    assert caught.value.problems == [
        Problem("r.yaml", "must be between 1 and 600 seconds, got 0", 6, 11, "exercises[0].hold")
    ]


# -- bombs and other hostile input are refused fast --------------------------------------
# Timed in CPU seconds (process_time): a busy machine does not change them.

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


@pytest.mark.parametrize("loader", YAML_LOADERS, ids=lambda cls: cls.__name__)
def test_billion_laughs_is_refused_at_the_first_alias(loader: type) -> None:
    start = time.process_time()
    assert problems(BILLION_LAUGHS, loader) == (
        "r.yaml:2:8: invalid YAML: anchors and aliases (&name, *name) are not allowed in "
        "routine files; write each value out"
    )
    assert time.process_time() - start < 1


@pytest.mark.parametrize("loader", YAML_LOADERS, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("text", ["[" * 1_000_000, "{a: " * 200_000, "- " * 500_000])
def test_megabyte_of_nesting_is_refused_fast(text: str, loader: type) -> None:
    start = time.process_time()
    assert "invalid YAML:" in problems(text, loader)
    assert time.process_time() - start < 2


# -- files that cannot be routines ------------------------------------------------------


def load_message(path: Path) -> str:
    with pytest.raises(RoutineError) as caught:
        load_routine(path)
    return str(caught.value)


def test_missing_file(tmp_path: Path) -> None:
    assert load_message(tmp_path / "nope.yaml") == f"{tmp_path}/nope.yaml: no such file"


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    assert load_message(folder) == f"{folder}: is a folder, not a routine file"


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_bytes(b"")
    assert load_message(path) == (
        f"{path}: is empty; a routine needs at least version, title and exercises"
    )


def test_file_over_one_mebibyte(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(BASE.encode() + b"#" * (1024 * 1024))
    assert load_message(path) == f"{path}: is larger than 1 MiB; a routine file is far smaller"


def test_file_of_exactly_one_mebibyte_is_read(tmp_path: Path) -> None:
    path = tmp_path / "full.yaml"
    data = BASE.encode() + b"#"
    path.write_bytes(data + b"-" * (1024 * 1024 - len(data)))
    assert load_routine(path).title == "Test routine"


def test_non_utf8_file_names_the_first_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("version: 1\ntitle: Rücken\n".encode("latin-1"))
    assert load_message(path) == f"{path}:2:9: is not UTF-8 text; save it as UTF-8"


def test_utf16_file(tmp_path: Path) -> None:
    path = tmp_path / "utf16.yaml"
    path.write_bytes(BASE.encode("utf-16"))
    assert load_message(path) == f"{path}:1:1: is not UTF-8 text; save it as UTF-8"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    assert load_message(pipe) == f"{pipe}: is a named pipe (FIFO), not a file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_swapped_in_for_the_file_is_refused_without_blocking(
    tmp_path: Path, pipe_on_open: Callable[[Path], None]
) -> None:
    """What is judged is what was opened, not what a look a moment before saw."""
    path = tmp_path / "swapped.yaml"
    path.write_text(BASE)
    pipe_on_open(path)
    assert load_message(path) == f"{path}: is a named pipe (FIFO), not a file"


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.yaml"
    path.write_text(BASE)

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(reader, "open_regular", refuse)
    assert load_message(path) == f"{path}: cannot be read (Permission denied)"


def test_a_file_removed_as_it_is_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "gone.yaml"
    path.write_text(BASE)

    def gone(*args: object, **kwargs: object) -> None:
        path.unlink()
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(reader, "open_regular", gone)
    assert load_message(path) == f"{path}: no such file"


def test_read_error_without_a_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text(BASE)

    def fail(*args: object, **kwargs: object) -> None:
        raise OSError("odd")

    monkeypatch.setattr(reader, "open_regular", fail)
    assert load_message(path) == f"{path}: cannot be read (OSError)"


def test_a_loaded_routine_keeps_the_bytes_it_was_read_from(tmp_path: Path) -> None:
    import hashlib

    path = tmp_path / "bom.yaml"
    data = "\ufeff".encode() + BASE.encode()  # a byte-order mark: read, and hashed too
    path.write_bytes(data)
    routine = load_routine(path)
    assert routine.content == data
    assert routine.content_hash == hashlib.sha256(data).hexdigest()
    parsed = parse_routine(BASE, "r.yaml", default_name="bom")
    assert parsed.content == BASE.encode()
    assert parsed == routine  # the bytes are not part of what a routine is


REFUSED_IN_TEXT = [
    *(code for code in range(0x20) if code not in (0x09, 0x0A)),
    0x7F,
    *range(0x80, 0xA0),
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
]


@pytest.mark.parametrize("loader", YAML_LOADERS, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize("code", REFUSED_IN_TEXT, ids=lambda code: f"U+{code:04X}")
def test_every_control_character_is_refused_after_yaml_escapes(code: int, loader: type) -> None:
    from backpain_cli.text import character_name

    text = BASE.replace("name: Squeeze", f'name: "Sq\\u{code:04x}ueeze"')
    named = character_name(chr(code))
    if code >= 0x2000:
        why = f"has a bidirectional control ({named}), which can make text show one thing "
        why += "and mean another; remove it"
    else:
        why = f"has a control character ({named}), which a terminal would obey; remove it"
    assert problems(text, loader) == f"r.yaml:5:11: exercises[0].name: {why}"


ESCAPE_IN = {
    "title": ("title: Test routine", 'title: "\\e"', "r.yaml:2:8: title"),
    "summary": ("title: Test routine", 'title: T\nsummary: "\\x1b"', "r.yaml:3:10: summary"),
    "source": ("title: Test routine", 'title: T\nsource: "\\x1b"', "r.yaml:3:9: source"),
    "disclaimer": ("title: Test routine", 'title: T\ndisclaimer: "\\e"', "r.yaml:3:13: disclaimer"),
    "frequency": (
        "title: Test routine",
        'title: T\nfrequency: "1\\e per day"',
        "r.yaml:3:12: frequency",
    ),
    "name": ("title: Test routine", 'title: T\nname: "a\\e"', "r.yaml:3:7: name"),
    "id": ("id: squeeze", 'id: "squeeze\\e"', "r.yaml:4:9: exercises[0].id"),
    "position": ("hold: 5", 'hold: 5\n    position: "\\e"', "r.yaml:7:15: exercises[0].position"),
    "equipment": (
        "hold: 5",
        'hold: 5\n    equipment: ["\\e"]',
        "r.yaml:7:17: exercises[0].equipment[0]",
    ),
    "cues": ("hold: 5", 'hold: 5\n    cues: [ok, "\\e"]', "r.yaml:7:16: exercises[0].cues[1]"),
    "caution": ("hold: 5", 'hold: 5\n    caution: "\\e"', "r.yaml:7:14: exercises[0].caution"),
    "instructions": ("[Squeeze.]", '["\\e"]', "r.yaml:7:20: exercises[0].instructions[0]"),
    "a raw bidi control": ("Test routine", "Test \u2067routine", "r.yaml:2:8: title"),
}


@pytest.mark.parametrize(("old", "new", "where"), ESCAPE_IN.values(), ids=ESCAPE_IN.keys())
def test_every_text_field_refuses_control_characters(old: str, new: str, where: str) -> None:
    message = problems(BASE.replace(old, new, 1))
    assert message.startswith(f"{where}: has a "), message
    assert "(U+001B ESCAPE), which a terminal would obey; remove it" in message or (
        "(U+2067 RIGHT-TO-LEFT ISOLATE)" in message
    )


@pytest.mark.parametrize("loader", YAML_LOADERS, ids=lambda cls: cls.__name__)
def test_layout_and_joiners_stay_allowed(loader: type) -> None:
    # Newlines and tabs lay text out (and are folded to spaces); ZWJ and ZWNJ are part of
    # scripts and emoji; a soft hyphen (U+00AD) is no terminal control. (U+2028 is an
    # invisible mark: tests/test_trust_marks.py.)
    text = BASE.replace("title: Test routine", 'title: "a\\tb\\nc \U0001f469\u200d\u2695 d\u200ce"')
    text = text.replace(
        "instructions: [Squeeze.]",
        "instructions:\n      - |\n        One\ttwo\n        three\u00ad",
    )
    routine = parse_routine(text, "r.yaml", default_name="r", loader=loader)
    assert routine.title == "a b c \U0001f469\u200d\u2695 d\u200ce"
    assert routine.exercises[0].instructions == ("One two three\u00ad",)


def test_four_hours_is_the_longest_routine() -> None:
    four_hours = BASE.replace("hold: 5", "hold: 600\n    reps: 24\n    rest: 0\n    prepare: 0")
    assert parse_routine(four_hours, "r.yaml", default_name="r").exercises[0].reps == 24
    assert problems(four_hours.replace("rest: 0", "rest: 1")) == (
        "r.yaml:4:3: exercises: together take 4:00:23, rests and get-ready time included; a "
        "routine may take at most 4 hours: split it into shorter routines"
    )


def test_the_longest_routine_the_keys_allow_is_refused_fast() -> None:
    exercise = (
        "  - {{id: e{0}, name: E, hold: 600, reps: 100, sets: 20, rest: 600, set_rest: 900, "
        "sides: [left, right], instructions: [Go.]}}\n"
    )
    text = "version: 1\ntitle: T\nexercises:\n" + "".join(map(exercise.format, range(50)))
    start = time.process_time()
    assert problems(text).startswith("r.yaml:4:3: exercises: together take 6")
    assert time.process_time() - start < 5


@pytest.mark.parametrize("loader", YAML_LOADERS, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize(
    ("written", "fix"),
    [("010", "10"), ("0010", "10"), ("+010", "10"), ("08", "8"), ("-07", "-7"), ("00", "0")],
)
def test_leading_zeros_are_refused_with_the_fix(written: str, fix: str, loader: type) -> None:
    assert problems(BASE.replace("hold: 5", f"hold: {written}"), loader) == (
        f"r.yaml:6:11: exercises[0].hold: must be a whole number of seconds without leading "
        f"zeros, got '{written}'; write {fix}"
    )
    assert problems(BASE.replace("version: 1", f"version: {written}"), loader).startswith(
        f"r.yaml:1:10: version: must be a whole number without leading zeros, got '{written}'"
    )
    # Quoted, it is text, as before.
    assert "got text '08'" in problems(BASE.replace("hold: 5", "hold: '08'"), loader)


def test_control_characters_are_exactly_the_ones_yaml_refuses() -> None:
    import yaml.reader

    from backpain_cli.routines.reader import _forbidden_character

    edges = [0, 8, 9, 10, 11, 12, 13, 14, 0x1F, 0x20, 0x7E, 0x7F, 0x84, 0x85, 0x86, 0x9F, 0xA0]
    edges += [0xD7FF, 0xD800, 0xDFFF, 0xE000, 0xFFFD, 0xFFFE, 0xFFFF, 0x10000, 0x10FFFF]
    for code in edges:
        char = chr(code)
        assert bool(_forbidden_character(f"ok{char}")) == bool(
            yaml.reader.Reader.NON_PRINTABLE.search(char)
        ), hex(code)


# -- the composer ----------------------------------------------------------------------

COMPOSER_TEXTS = [
    "title: plain\nexercises:\n  - {id: a, hold: 30, sides: [left, right]}\n",
    "a: !!str 12\nb: ! 12\nc: !custom x\nd: !!python/name:os.system\n",
    "a:\nb: ~\nc: ''\nd: \"x\"\ne: |\n  block\nf: >\n  folded\n",
    "- [1, [2, [3]]]\n- {a: {b: {c: d}}}\n- ? complex key\n  : value\n",
    "? [a, b]\n: c\n",
    "a: !!map {b: 1}\nc: !!seq [1]\nd: !custom {e: f}\n",
    "a: 1\n---\nb: 2\n",  # a second document
    "a: [1, 2\n",  # a parse error
    "a: 'Neck & shoulders', b: \"*not an alias*\", c: x&y, d: 2*3\n",  # no anchors here
    "[]",
    "{}",
    "scalar",
]
REFUSED_ON_PURPOSE = ("alias", "alias-bomb", "anchor", "deep-nesting")


def _tree(node: Any) -> Any:
    """Everything a node holds, as comparable values."""
    marks = tuple((m.index, m.line, m.column) for m in (node.start_mark, node.end_mark))
    if isinstance(node, yaml.MappingNode):
        pairs = [(_tree(key), _tree(value)) for key, value in node.value]
        return ("map", node.tag, marks, node.flow_style, pairs)
    if isinstance(node, yaml.SequenceNode):
        items = [_tree(item) for item in node.value]
        return ("seq", node.tag, marks, node.flow_style, items)
    return ("scalar", node.tag, marks, node.style, node.value)


def _compose(text: str, compose: Any) -> Any:
    try:
        node = compose(text)
    except yaml.YAMLError as error:
        return f"{type(error).__name__}: {error}"
    return None if node is None else _tree(node)


@pytest.mark.parametrize("loader", YAML_LOADERS, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize(
    "text",
    COMPOSER_TEXTS
    + [path.read_text() for path in sorted((Path(__file__).parents[1] / "routines").glob("*.yaml"))]
    + [
        path.read_text("utf-8", errors="replace")
        for path in sorted((Path(__file__).parent / "invalid").glob("*.yaml"))
        if path.stem not in REFUSED_ON_PURPOSE
    ],
)
def test_the_composer_is_pyyamls_own(loader: type, text: str) -> None:
    """Apart from its refusals, the loader composes with PyYAML's own composer: the very
    nodes (tags, values, marks, styles) and errors of `yaml.compose`."""
    from backpain_cli.routines.reader import _compose_strictly

    stock = yaml.CSafeLoader if loader.__name__ == "_CLoader" else yaml.SafeLoader
    ours = _compose(text, lambda text: _compose_strictly(text, loader))
    assert ours == _compose(text, lambda text: yaml.compose(text, Loader=stock))


ANCHORS = "invalid YAML: anchors and aliases (&name, *name) are not allowed in routine files"


@pytest.mark.parametrize("loader", YAML_LOADERS, ids=lambda cls: cls.__name__)
@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a: &first 1\nb: &second [x, {y: z}]\n", "1:4"),  # the first anchor
        ("a: &same 1\nb: &same 2\n", "1:4"),  # a duplicate anchor is an anchor
        ("a: &same [&same 1]\n", "1:4"),
        ("&top\nb: 1\n", "1:1"),
        ("a: [x, &y z]\n", "1:8"),
        ("a: {b: &y z}\n", "1:8"),
        ("a: !!str &x z\n", "1:4"),
        ("a: &x 1\nb: [\n", "2:4"),  # a parse error before the end is reported first
    ],
)
def test_an_anchor_without_an_alias_is_refused(text: str, where: str, loader: type) -> None:
    message = problems(text, loader)
    if where == "2:4":
        assert message.startswith("r.yaml:3:1: invalid YAML: ")
    else:
        assert message == f"r.yaml:{where}: {ANCHORS}; write each value out"


def test_every_anchor_and_alias_passes_the_quick_text_check() -> None:
    """The text check only decides whether the parser's events are looked at: it may let
    through text without anchors, never text with one (text with a parse error has its
    events looked at anyway)."""
    from backpain_cli.routines.reader import _MAYBE_ANCHOR

    places = ["{}", "a: {}", "- {}", "[{}]", "[x, {}]", "{{a: {}}}", "{{a:{}}}", "? {}\n: v"]
    places += ["a: !!str {}", "a: !t {}", "[x,{}]", "{{? {}}}", "{{? {}: v}}", '["x",{}]']
    places += ["a: 'q'{}", "a:\n\t{}", "a: |\n  {}", "a: x{}", "a: x {}", "--- {}", "a:\n- {}"]
    found = 0
    for place in places:
        for token in ("&x y", "&x [y]", "&x\n  y", "&x-1 y", "*x", "[*x]"):
            text = place.format(token)
            for loader in YAML_LOADERS:
                try:
                    events = list(yaml.parse(text, Loader=loader))
                except yaml.YAMLError:
                    continue
                if any(getattr(event, "anchor", None) for event in events):
                    found += 1
                    assert _MAYBE_ANCHOR.search(text), text
    assert found > 50 * len(YAML_LOADERS)


def test_a_node_met_twice_in_the_tree_is_refused_where_its_anchor_stands() -> None:
    # Only if the text check ever missed an alias; libyaml shares the node, never copies it.
    from backpain_cli.routines.reader import _refuse_deep, _Refused

    node = yaml.compose("a: &x [1]\nb: *x\n", Loader=YAML_LOADERS[0])
    assert node is not None
    with pytest.raises(_Refused) as caught:
        _refuse_deep(node)
    assert caught.value.message == (
        "anchors and aliases (&name, *name) are not allowed in routine files; write each value out"
    )
    assert caught.value.where == (1, 4)


@pytest.mark.parametrize("loader", YAML_LOADERS, ids=lambda cls: cls.__name__)
def test_path_resolvers_are_honoured(loader: type) -> None:
    # None are registered by backpain; but PyYAML lets any code add them to a loader.
    tagged = type("Tagged", (loader,), {})
    yaml.add_path_resolver("!picked", ["exercises", 0], str, Loader=tagged)
    node = yaml.compose("exercises: [first, second]\n", Loader=tagged)
    assert node is not None
    assert [item.tag for item in node.value[0][1].value] == ["!picked", "tag:yaml.org,2002:str"]
