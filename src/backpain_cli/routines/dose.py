"""The rules of an exercise's dose that go beyond one key: how a rep is done (held, paced
or self-paced), which sides it names, the least time a routine takes, and texts that
YAML's flow lists split by accident.

Pure functions of checked values; the loader reports what they return at the right node.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from backpain_cli.routines.format import MOVEMENT_KEYS, PACES, RATINGS, SIDES
from backpain_cli.routines.model import Movement, Routine

ALTERNATE_PROBLEM = "is for an exercise with two sides (e.g. sides: [left, right])"
MOVEMENT_HINT = "for a movement without a hold, give rep_seconds or pace: self"


def movement_clash(keys: list[str]) -> str | None:
    """The problem when an entry says more than one of hold, rep_seconds and pace
    (`keys` in the order they are written)."""
    given = [key for key in keys if key in MOVEMENT_KEYS]
    if len(given) < 2:
        return None
    return (
        f"gives both {given[0]} and {given[1]}: an exercise is held (hold), paced "
        "(rep_seconds) or at your own pace (pace: self); keep one"
    )


def movement(values: dict[str, Any]) -> Movement | None:
    """How the (resolved) exercise is done; None when it says nothing (a default hold)."""
    if "rep_seconds" in values:
        return Movement.PACED
    if "pace" in values:
        return Movement.SELF_PACED
    if "hold" in values:
        return Movement.HOLD
    return None


def word_problem(kind: str, value: str) -> str | None:
    """The problem of a `pace` or `rate_each` word, or None."""
    if kind == "rate":
        if value in RATINGS:
            return None
        return f"unknown rating '{value}': write `rate_each: pain` or `rate_each: effort`"
    if value in PACES:
        return None
    return (
        f"unknown pace '{value}': write `pace: self` for a movement at your own pace, "
        "or give rep_seconds for a set pace"
    )


def side_problems(sides: list[str], did_you_mean: Any) -> list[str]:
    """Problems of a `sides` list: left/right, or labels of your own, each once.

    `did_you_mean(word, choices)` gives the ` (did you mean 'x'?)` hint.
    """
    problems = []
    for side in sides:
        hint = "" if side in SIDES else did_you_mean(side, list(SIDES))
        if hint:  # `rigth`, `Left`: a typo, not a label of one's own
            problems.append(f"unknown side '{side}'{hint}")
    if len(set(sides)) != len(sides):
        problems.append("names a side twice")
    own = [side for side in sides if side not in SIDES]
    if own and len(own) != len(sides) and not problems:
        problems.append(
            f"mixes {', '.join(s for s in sides if s in SIDES)} with a label of your own "
            f"('{own[0]}'): use [left, right], or two labels of your own"
        )
    return problems


def tempo_problem(movement: Movement) -> str | None:
    if movement is not Movement.HOLD:
        return None
    return "is for movements (rep_seconds or pace: self), not for a hold; leave it out"


def take_over(base: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """`base` (a used exercise's keys) without what `values` (the using entry) replaces.

    An entry that says how a rep is done replaces all of it: `use: x` with `hold: 5`
    holds even when x is a paced movement (and drops x's tempo, which a hold has not).
    """
    if not any(key in values for key in MOVEMENT_KEYS):
        return base
    dropped = set(MOVEMENT_KEYS) | ({"tempo"} if "hold" in values else set())
    return {key: value for key, value in base.items() if key not in dropped}


def flow_splits(text: str, items: list[Any]) -> str | None:
    """A hint when a flow list (`[Slowly, gently]`) looks like one text split at a comma.

    `items` are the list's scalar nodes. A plain (unquoted) item that starts with a
    lowercase letter after a plain item that does not end a sentence reads as the rest
    of the text before it: YAML split it at the comma.
    """
    for before, after in pairwise(items):
        if before.style or after.style:  # None or "" (libyaml) for plain
            continue  # quoted: the author chose where it splits
        first, second = str(before.value), str(after.value)
        if not second[:1].islower() or first[-1:] in ".!?:;":
            continue
        between = text[before.end_mark.index : after.start_mark.index]
        if between.strip() != ",":
            continue
        joined = f"{first}, {second}"
        return (
            f"reads as separate items '{first}' and '{second}'; if you meant one text, "
            f'put it in quotes: "{joined}"'
        )
    return None


def list_slips(text: str, node: Any) -> tuple[int | None, str] | None:
    """A list of texts that YAML read otherwise than it looks: a flow list split at a
    comma (`flow_splits`), or a `- item` indented more than the items above it, which
    YAML reads as the rest of the item above: which item (None: the list) and what."""
    if node.flow_style:
        split = flow_splits(text, node.value)
        return None if split is None else (None, split)  # the list's, not an item's
    for number, item in enumerate(node.value):
        if not isinstance(item.value, str) or item.style:  # quoted, or no text at all
            continue
        written = text[item.start_mark.index : item.end_mark.index]
        merged = re.search(r"\n[ \t]*(- .*)", written)
        if merged:
            return number, (
                f"'{merged[1].strip()}' is read as part of the item above, not as an item of "
                "its own: its dash is indented more than the others; line the dashes up"
            )
    return None


def text_hint(node: Any) -> str:
    """What to add to "must be text, got ...": quotes for a number or a yes, and for
    `- Sit tall: feet flat`, which YAML reads as a key and its value."""
    pairs = node.value if isinstance(node.value, list) and not node.flow_style else []
    if len(pairs) == 1 and isinstance(pairs[0], tuple):
        key, value = pairs[0]
        plain = isinstance(key.value, str) and isinstance(value.value, str) and not key.style
        if plain and key.start_mark.line == value.end_mark.line:
            return f'; text with a colon must be in quotes: "{key.value}: {value.value}"'
    return "; put it in quotes" if isinstance(node.value, str) and node.value else ""


TAB_HINT = "a tab in the indentation; indent with spaces"

# What YAML's parsers (libyaml's and PyYAML's own words) most often mean in a routine.
_YAML_HINTS = (
    (
        ("mapping values are not allowed",),
        "a colon inside text (e.g. `Tip: relax`) starts a new key: put the text in quotes "
        "(or a key is indented more than the one before it)",
    ),
    (
        ("found character '\\t'", "found a tab character"),
        TAB_HINT,
    ),
    (
        ("could not find expected ':'", "could not find expected ':'"),
        "a line without `key:` inside a mapping (a text that wrapped?); indent the rest "
        "of the text under its key, or put the text in quotes",
    ),
    (
        ("did not find expected key", "expected <block end>", "did not find expected '-'"),
        "check the indentation: keys of one exercise, and the items of one list, line up",
    ),
    (
        ("did not find expected ',' or ']'", "expected ',' or ']'", "expected ',' or '}'"),
        "a list in brackets needs its closing bracket; text that starts with [ or {, or an "
        "item that holds a colon or a bracket, must be in quotes",
    ),
    (
        ("end of stream while scanning a quoted", "found unexpected end of stream"),
        "a quote that is never closed; end the text with the same quote it starts with",
    ),
    (
        ("cannot start any token",),
        "text that starts with @, ` or % must be in quotes",
    ),
    (
        ("expected alphabetic or numeric character",),
        "text that starts with * or & must be in quotes (YAML reads them as aliases)",
    ),
)


def yaml_hint(message: str, line: str = "") -> str:
    """How to fix a YAML syntax error with a common cause, else ``; `line` is the line
    the error is on (a tab in its indentation is the cause, whatever the message)."""
    if "\t" in line[: len(line) - len(line.lstrip())]:
        return TAB_HINT
    for needles, hint in _YAML_HINTS:
        if any(needle in message for needle in needles):
            return hint
    return ""


def longest(routine: Routine) -> int:
    """At least the routine's total time, in a few sums: every rep of every side followed
    by a rest, every set (of every side, done one side at a time) by a set rest. Only a
    routine this says could be too long has its timeline built (which `list` would
    otherwise pay for on every file)."""
    return sum(
        exercise.prepare
        + exercise.sets
        * (
            exercise.reps
            * max(len(exercise.sides), 1)
            * (max(exercise.hold, exercise.rep_seconds) + exercise.rest)
            + exercise.set_rest * (1 if exercise.alternate else len(exercise.sides))
        )
        for exercise in routine.exercises
    )
