"""Properties of the loader and the timeline, checked on generated input (hypothesis).

- Any valid routine, written out as YAML text in any of the ways people write it, loads
  into exactly the routine it describes, the JSON Schema accepts it, and its timeline
  total is the sum of its segments and what `show --json` reports.
- Anything else (random bytes, random YAML, mutations of a valid file, well-formed YAML
  of the wrong shape) gives a Routine or a RoutineError, never another exception.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from backpain_cli.cli import cli
from backpain_cli.errors import RoutineError
from backpain_cli.routines.format import DEFAULTS_KEYS, DOSE_KEYS, MAX_ROUTINE_SECONDS
from backpain_cli.routines.json_schema import routine_schema
from backpain_cli.routines.listing import routine_json
from backpain_cli.routines.loader import load_routine, parse_routine
from backpain_cli.routines.model import (
    DEFAULT_DISCLAIMER,
    Exercise,
    Frequency,
    Movement,
    Period,
    Routine,
    Side,
)
from backpain_cli.routines.reader import YAML_LOADERS
from backpain_cli.routines.timeline import SegmentKind, build_timeline
from backpain_cli.text import is_unsafe

FAST = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
SCHEMA = jsonschema.Draft202012Validator(routine_schema())
ROUTINES = Path(__file__).resolve().parents[1] / "routines"

# -- writing YAML by hand ------------------------------------------------------------------

slugs = st.from_regex(r"[a-z0-9][a-z0-9-]{0,20}", fullmatch=True)
# Any character text may hold: not the terminal and bidi controls the loader refuses
# (tests/test_loader.py checks those); newlines and tabs are layout, and allowed.
REFUSED_IN_TEXT = "".join(
    chr(code) for code in range(0x3000) if is_unsafe(code) and chr(code) not in "\n\t"
)
words = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=("Cs",), exclude_characters=REFUSED_IN_TEXT
    ),
    min_size=1,
    max_size=40,
).filter(lambda text: bool(text.split()))


@st.composite
def scalar_text(draw: st.DrawFn, text: str) -> str:
    """A text value as YAML: double-quoted (JSON escapes), single-quoted, or plain."""
    style = draw(st.sampled_from(["double", "single", "plain"]))
    if style == "plain" and _plain_is_text(text):
        return text
    if style == "single" and text.isprintable():
        return "'" + text.replace("'", "''") + "'"
    return _double_quoted(text, ascii_only=draw(st.booleans()))


def _double_quoted(text: str, *, ascii_only: bool) -> str:
    """A YAML double-quoted scalar; escapes what YAML forbids raw (e.g. DEL) or `ascii_only`."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif char.isprintable() and (code < 128 or not ascii_only):
            out.append(char)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    return '"' + "".join(out) + '"'


def _plain_is_text(text: str) -> bool:
    """True when `text` written plain reads back as the same text."""
    if not text.isascii() or not text.replace(" ", "").isalnum() or text != text.strip():
        return False
    return yaml.safe_load(f"key: {text}") == {"key": text}


@dataclass
class Written:
    """A routine's YAML text and the routine it must load as."""

    text: str
    routine: Routine


def _mapping(draw: st.DrawFn, items: list[tuple[str, str]], indent: str) -> str:
    """Items (key, YAML value) as a block mapping, in a random order, maybe with comments."""
    items = draw(st.permutations(items))
    lines = []
    for key, value in items:
        if draw(st.booleans()) and draw(st.booleans()):
            lines.append(f"{indent}# about {key}")
        lines.append(f"{indent}{key}: {value}")
    return "\n".join(lines)


def _list(draw: st.DrawFn, values: list[str], indent: str) -> str:
    if not values or draw(st.booleans()):
        return "[" + ", ".join(values) + "]"
    return "\n" + "\n".join(f"{indent}- {value}" for value in values)


def written_routines() -> st.SearchStrategy[Written]:
    """Valid routines: the format's every key and range, and at most 4 hours in all."""
    return _written_routines().filter(
        lambda written: build_timeline(written.routine).total <= MAX_ROUTINE_SECONDS
    )


@st.composite
def _written_routines(draw: st.DrawFn) -> Written:
    defaults = draw(st.dictionaries(st.sampled_from(sorted(DEFAULTS_KEYS)), st.none(), max_size=6))
    defaults = {key: draw(_dose(key)) for key in defaults}
    count = draw(st.integers(1, 4))
    ids = draw(st.lists(slugs, min_size=count, max_size=count, unique=True))
    exercises: list[Exercise] = []
    exercise_texts: list[str] = []
    for exercise_id in ids:
        doses = {
            key: draw(_dose(key))
            for key in draw(st.sets(st.sampled_from(sorted(DEFAULTS_KEYS))))
            if key != "hold" or draw(st.booleans())
        }
        # Held (hold here or in defaults), paced (rep_seconds) or self-paced (pace: self).
        movement = draw(st.sampled_from(Movement))
        if movement is Movement.HOLD and "hold" not in defaults:
            doses["hold"] = draw(_dose("hold"))
        elif movement is not Movement.HOLD:
            doses.pop("hold", None)
        if movement is Movement.PACED:
            doses["rep_seconds"] = draw(_dose("rep_seconds"))
        name = draw(words)
        steps = draw(st.lists(words, min_size=1, max_size=3))
        sides = draw(
            st.sampled_from(
                [
                    (),
                    (Side.LEFT,),
                    (Side.RIGHT, Side.LEFT),
                    (Side.LEFT, Side.RIGHT),
                    (Side("clockwise"), Side("counter-clockwise")),
                    (Side("forward"),),
                ]
            )
        )
        tempo = draw(words) if movement is not Movement.HOLD and draw(st.booleans()) else None
        optional_sides = sides
        alternate = len(sides) != 2 or draw(st.booleans())
        optional: dict[str, Any] = draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "position": words,
                    "equipment": st.lists(words, max_size=2),
                    "cues": st.lists(words, max_size=2),
                    "caution": words,
                    "sides": st.just(sides),
                },
            )
        )
        items = [
            ("id", draw(scalar_text(exercise_id))),
            ("name", draw(scalar_text(name))),
            ("instructions", _list(draw, [draw(scalar_text(s)) for s in steps], "      ")),
            *((key, str(value)) for key, value in doses.items()),
        ]
        if movement is Movement.SELF_PACED:
            items.append(("pace", "self"))
        if tempo is not None:
            items.append(("tempo", draw(scalar_text(tempo))))
        if not alternate and "sides" not in optional:
            alternate = True  # `alternate: false` is refused without two sides
        elif not alternate or (len(optional_sides) == 2 and draw(st.booleans())):
            items.append(("alternate", "false" if not alternate else "true"))
        for key, value in optional.items():
            if key in ("equipment", "cues"):
                items.append((key, _list(draw, [draw(scalar_text(v)) for v in value], "      ")))
            elif key == "sides":
                items.append((key, _list(draw, [side.value for side in value], "      ")))
            else:
                items.append((key, draw(scalar_text(value))))
        body = _mapping(draw, items, "    ")
        exercise_texts.append("  - " + body[4:])

        def dose(key: str, doses: dict[str, int] = doses) -> int:
            value = doses.get(key, defaults.get(key, DOSE_KEYS[key].default))
            assert isinstance(value, int)
            return value

        exercises.append(
            Exercise(
                id=exercise_id,
                name=" ".join(name.split()),
                instructions=tuple(" ".join(s.split()) for s in steps),
                hold=dose("hold") if movement is Movement.HOLD else 0,
                reps=dose("reps"),
                sets=dose("sets"),
                sides=optional.get("sides", ()),
                alternate=alternate,
                rest=dose("rest"),
                set_rest=dose("set_rest"),
                prepare=dose("prepare"),
                position=" ".join(optional.get("position", "").split()),
                equipment=tuple(" ".join(v.split()) for v in optional.get("equipment", ())),
                cues=tuple(" ".join(v.split()) for v in optional.get("cues", ())),
                caution=" ".join(optional.get("caution", "").split()),
                movement=movement,
                rep_seconds=doses.get("rep_seconds", 0),
                tempo=" ".join((tempo or "").split()),
            )
        )
    top: dict[str, Any] = draw(
        st.fixed_dictionaries(
            {"title": words},
            optional={
                "name": slugs,
                "summary": words,
                "source": words,
                "disclaimer": words,
                "frequency": st.tuples(st.integers(1, 10), st.sampled_from(Period)),
            },
        )
    )
    items = [("version", "1"), ("exercises", "\n" + "\n".join(exercise_texts))]
    for key, value in top.items():
        if key == "frequency":
            items.append((key, draw(scalar_text(f"{value[0]} per {value[1].value}"))))
        else:
            items.append((key, draw(scalar_text(value))))
    if defaults or draw(st.booleans()):
        if draw(st.booleans()):
            flow = ", ".join(f"{key}: {value}" for key, value in defaults.items())
            items.append(("defaults", "{" + flow + "}"))
        else:
            items.append(
                (
                    "defaults",
                    "\n" + _mapping(draw, list((k, str(v)) for k, v in defaults.items()), "  ")
                    if defaults
                    else "{}",
                )
            )
    text = _mapping(draw, items, "") + "\n"
    if draw(st.booleans()):
        text = "# a routine\n---\n" + text
    frequency = top.get("frequency")
    routine = Routine(
        name=top.get("name", "generated"),
        title=" ".join(top["title"].split()),
        exercises=tuple(exercises),
        summary=" ".join(top.get("summary", "").split()),
        source=" ".join(top.get("source", "").split()),
        disclaimer=" ".join(top["disclaimer"].split())
        if "disclaimer" in top
        else DEFAULT_DISCLAIMER,
        frequency=Frequency(frequency[0], frequency[1]) if frequency else None,
    )
    return Written(text, routine)


def _dose(key: str) -> st.SearchStrategy[int]:
    spec = DOSE_KEYS[key]
    assert spec.minimum is not None and spec.maximum is not None
    # Small values most of the time keep timelines short; the bounds are always possible.
    return st.one_of(
        st.integers(spec.minimum, min(spec.maximum, spec.minimum + 5)),
        st.sampled_from([spec.minimum, spec.maximum]),
        st.integers(spec.minimum, spec.maximum),
    )


# -- valid routines ------------------------------------------------------------------------


@FAST
@given(written_routines())
def test_any_valid_routine_loads_as_written(written: Written) -> None:
    for loader in YAML_LOADERS:
        routine = parse_routine(written.text, "r.yaml", default_name="generated", loader=loader)
        assert routine == written.routine


@FAST
@given(written_routines())
def test_the_schema_accepts_every_valid_routine(written: Written) -> None:
    assert [e.message for e in SCHEMA.iter_errors(yaml.safe_load(written.text))] == []


@FAST
@given(written_routines())
def test_timeline_total_is_the_sum_of_its_segments(written: Written) -> None:
    routine = written.routine
    timeline = build_timeline(routine)
    assert timeline.total == sum(segment.duration for segment in timeline.segments)
    assert timeline.total == sum(timeline.exercise_total(i) for i in range(len(routine.exercises)))
    assert routine_json(routine)["total_seconds"] == timeline.total
    position = 0
    for segment in timeline.segments:
        # Only a self-paced step takes no time of its own: it lasts as long as it takes.
        untimed = segment.kind is SegmentKind.SELF_PACED
        assert segment.start == position and (segment.duration > 0) != untimed
        position = segment.end
    assert timeline.untimed == sum(
        exercise.sets * max(1, len(exercise.sides))
        for exercise in routine.exercises
        if exercise.movement is Movement.SELF_PACED
    )
    for index, exercise in enumerate(routine.exercises):
        holds = [s for s in timeline.segments if s.exercise_index == index and s.kind.works]
        # A hold or a paced movement is a step per rep; reps at your own pace, one per set.
        reps = 1 if exercise.movement is Movement.SELF_PACED else exercise.reps
        assert len(holds) == reps * exercise.sets * max(1, len(exercise.sides))
        expected = {
            Movement.HOLD: SegmentKind.HOLD,
            Movement.PACED: SegmentKind.MOVE,
            Movement.SELF_PACED: SegmentKind.SELF_PACED,
        }[exercise.movement]
        assert {s.kind for s in holds} == {expected}
        # One side at a time, each side's sets end with a chime of their own.
        in_turn = 1 if exercise.alternate else len(exercise.sides)
        assert sum(s.ends_set for s in holds) == exercise.sets * in_turn
        assert holds[-1].ends_set
        later = build_timeline(routine, start_at=index)
        assert later.total == sum(
            timeline.exercise_total(i) for i in range(index, len(routine.exercises))
        )
    without = build_timeline(routine, prepare=False)
    assert without.total == timeline.total - sum(e.prepare for e in routine.exercises)


@settings(max_examples=15, deadline=None, derandomize=True)
@given(written_routines())
def test_show_json_reports_the_timeline_total(written: Written) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "generated.yaml"
        path.write_text(written.text, encoding="utf-8")
        result = CliRunner().invoke(cli, ["show", str(path), "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    timeline = build_timeline(written.routine)
    assert shown["total_seconds"] == timeline.total
    assert shown["total_seconds"] == sum(s["duration_seconds"] for s in shown["segments"])
    assert len(shown["segments"]) == len(timeline.segments)


# -- anything else --------------------------------------------------------------------------


def _loads_or_refuses(text: str) -> None:
    """The property: a Routine or a RoutineError, from every YAML parser we use."""
    for loader in YAML_LOADERS:
        try:
            routine = parse_routine(text, "r.yaml", default_name="r", loader=loader)
        except RoutineError as error:
            assert error.problems and all(str(p).startswith("r.yaml") for p in error.problems)
        else:
            assert isinstance(routine, Routine)


@FAST
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.yaml"
        path.write_bytes(data)
        with contextlib.suppress(RoutineError):
            load_routine(path)


YAML_ALPHABET = "ab01 -:[]{},&*!|>'\"#?%@`\\\n\t."


@FAST
@given(st.text(alphabet=YAML_ALPHABET, max_size=120))
def test_random_yaml_punctuation(text: str) -> None:
    _loads_or_refuses(text)


@FAST
@given(st.text(max_size=120))
def test_random_text(text: str) -> None:
    _loads_or_refuses(text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["version", "title", "exercises", "hold", "id", "name", "sides", "x"])
            | st.text(max_size=5),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@FAST
@given(json_values)
def test_well_formed_yaml_of_any_shape(value: object) -> None:
    _loads_or_refuses(yaml.safe_dump(value, allow_unicode=True))


@st.composite
def mutated(draw: st.DrawFn) -> str:
    base = draw(
        st.one_of(
            written_routines().map(lambda written: written.text),
            st.sampled_from(sorted(ROUTINES.glob("upper-back*.yaml"))).map(
                lambda path: path.read_text()
            ),
        )
    )
    for _ in range(draw(st.integers(1, 4))):
        action = draw(
            st.sampled_from(["delete", "insert", "duplicate-line", "swap-lines", "indent"])
        )
        lines = base.split("\n")
        if action == "delete":
            start = draw(st.integers(0, len(base)))
            base = base[:start] + base[start + draw(st.integers(1, 30)) :]
        elif action == "insert":
            at = draw(st.integers(0, len(base)))
            base = (
                base[:at]
                + draw(st.text(alphabet=YAML_ALPHABET, min_size=1, max_size=8))
                + base[at:]
            )
        elif action == "duplicate-line":
            at = draw(st.integers(0, len(lines) - 1))
            lines.insert(at, lines[at])
            base = "\n".join(lines)
        elif action == "swap-lines":
            a, b = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            lines[a], lines[b] = lines[b], lines[a]
            base = "\n".join(lines)
        else:
            at = draw(st.integers(0, len(lines) - 1))
            lines[at] = draw(st.sampled_from(["", " ", "  ", "\t", "- "])) + lines[at].lstrip()
            base = "\n".join(lines)
    return base


@FAST
@given(mutated())
def test_mutations_of_valid_files(text: str) -> None:
    _loads_or_refuses(text)


@FAST
@given(
    st.sampled_from(
        ["0", "7200", "500", "-1", "1:30", "0x_", "0b", "0o7", "1_0", "1e3", "9" * 5000]
    )
)
def test_odd_numbers(number: str) -> None:
    text = (ROUTINES / "upper-back.yaml").read_text().replace("hold: 30", f"hold: {number}", 1)
    assume(text != (ROUTINES / "upper-back.yaml").read_text())
    _loads_or_refuses(text)


@FAST
@given(_written_routines())
def test_the_loaders_quick_bound_is_never_below_the_timeline_total(written: Written) -> None:
    # The loader builds a timeline for the 4-hour limit only when this bound exceeds it.
    from backpain_cli.routines.dose import longest

    assert longest(written.routine) >= build_timeline(written.routine).total
