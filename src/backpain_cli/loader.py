"""Read routine files strictly: safe YAML, every problem reported at once with file:line:column.

Only `yaml.safe_load`-level constructs are accepted; aliases are refused outright (they are
never needed in a routine and are how "billion laughs" bombs work), duplicate keys are
errors (PyYAML would silently keep the last one), and every key is checked against
`routine_format`.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from backpain_cli.errors import Problem, RoutineError
from backpain_cli.model import DEFAULT_DISCLAIMER, Exercise, Frequency, Period, Routine, Side
from backpain_cli.routine_format import (
    DEFAULTS_KEYS,
    EXERCISE_KEYS,
    FORMAT_VERSION,
    FREQUENCY_PATTERN,
    MAX_FILE_BYTES,
    ROUTINE_KEYS,
    SLUG_PATTERN,
    Key,
)

_INT_TAG = "tag:yaml.org,2002:int"
_STR_TAG = "tag:yaml.org,2002:str"
_TYPE_NAMES = {
    "tag:yaml.org,2002:int": "a whole number",
    "tag:yaml.org,2002:float": "a decimal number",
    "tag:yaml.org,2002:bool": "true/false",
    "tag:yaml.org,2002:null": "nothing (null)",
    "tag:yaml.org,2002:str": "text",
    "tag:yaml.org,2002:timestamp": "a date",
    "tag:yaml.org,2002:binary": "binary data",
    "tag:yaml.org,2002:map": "a mapping",
    "tag:yaml.org,2002:seq": "a list",
}


class _AliasRefusingLoader(yaml.SafeLoader):
    """SafeLoader whose composer refuses aliases before they can be expanded."""

    def compose_node(self, parent: Node | None, index: object) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None,
                None,
                "anchors and aliases (&name, *name) are not allowed in routine files; "
                "write each value out",
                event.start_mark,
            )
        return super().compose_node(parent, index)  # type: ignore[no-any-return]


def read_routine_text(path: Path) -> str:
    """The file's text, or a RoutineError that says plainly why it cannot be read."""
    shown = str(path)
    try:
        if path.is_dir():
            raise RoutineError(Problem(shown, "is a folder, not a routine file"))
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except RoutineError:
        raise
    except FileNotFoundError:
        raise RoutineError(Problem(shown, "no such file")) from None
    except OSError as error:
        raise RoutineError(Problem(shown, f"cannot be read ({error.strerror})")) from None
    if len(data) > MAX_FILE_BYTES:
        raise RoutineError(Problem(shown, "is larger than 1 MiB; a routine file is far smaller"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise RoutineError(
            Problem(shown, "is not UTF-8 text; save it as UTF-8", line, column)
        ) from None
    if not text.strip():
        raise RoutineError(Problem(shown, "is empty; see `backpain new` for a template"))
    return text


def compose(text: str, shown: str) -> Node:
    """Parse YAML text into a node tree, turning every parse failure into a RoutineError."""
    try:
        node = yaml.compose(text, Loader=_AliasRefusingLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = f"invalid YAML: {error.problem or error.context}"
        if mark is None:
            raise RoutineError(Problem(shown, message)) from None
        raise RoutineError(Problem(shown, message, mark.line + 1, mark.column + 1)) from None
    except yaml.YAMLError as error:
        raise RoutineError(Problem(shown, f"invalid YAML: {error}")) from None
    except RecursionError:
        raise RoutineError(Problem(shown, "invalid YAML: nested too deeply")) from None
    if node is None:
        raise RoutineError(Problem(shown, "is empty; see `backpain new` for a template"))
    return node


def load_routine(path: Path, *, default_name: str | None = None) -> Routine:
    """Load and validate one routine file; raises RoutineError listing every problem."""
    shown = str(path)
    text = read_routine_text(path)
    return parse_routine(text, shown, default_name=default_name or _stem(path))


def parse_routine(text: str, shown: str, *, default_name: str) -> Routine:
    node = compose(text, shown)
    checker = _Checker(shown)
    routine = checker.routine(node, default_name)
    if checker.problems or routine is None:
        # Report in reading order, whatever order the checks ran in.
        raise RoutineError(sorted(checker.problems, key=lambda p: (p.line or 0, p.column or 0)))
    return routine


def _stem(path: Path) -> str:
    return path.name.rsplit(".", 1)[0] if path.suffix in {".yaml", ".yml"} else path.name


def did_you_mean(word: str, choices: list[str]) -> str:
    """` (did you mean 'x'?)` when a choice is close to the word, else ``."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _unknown(word: str, choices: list[str]) -> str:
    """The did-you-mean, or the allowed choices when nothing is close."""
    return did_you_mean(word, choices) or f" (allowed: {', '.join(choices)})"


class _Checker:
    """Walks a composed node tree, collecting problems instead of stopping at the first."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.problems: list[Problem] = []
        self._constructor = SafeConstructor()

    def report(self, node: Node, key_path: str, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.shown, message, mark.line + 1, mark.column + 1, key_path))

    # -- structure -------------------------------------------------------------------

    def mapping(self, node: Node, key_path: str, keys: dict[str, Key]) -> dict[str, Node] | None:
        """Keys of a mapping node, checking type, duplicates, unknown and missing keys."""
        if not isinstance(node, MappingNode):
            self.report(node, key_path, f"must be a mapping of keys, got {_type_name(node)}")
            return None
        found: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if not isinstance(key, str) or key_node.tag != _STR_TAG:
                self.report(key_node, key_path, "keys must be plain words")
                continue
            where = _join(key_path, key)
            if key in found:
                first = found[key].start_mark.line + 1
                self.report(key_node, where, f"duplicate key (first given on line {first})")
                continue
            if key not in keys:
                self.report(key_node, where, "unknown key" + _unknown(key, list(keys)))
                continue
            found[key] = value_node
        missing = [key for key, spec in keys.items() if spec.required and key not in found]
        for key in missing:
            self.report(node, _join(key_path, key), "is required but missing")
        return found

    def value(self, node: Node, key_path: str, spec: Key) -> Any:
        """A checked Python value for one key, or None after reporting a problem."""
        if spec.kind == "int":
            return self.integer(node, key_path, spec)
        if spec.kind == "version":
            version = self.scalar(node, key_path, _INT_TAG, "a whole number")
            if version is not None and version != FORMAT_VERSION:
                self.report(node, key_path, f"unsupported format version {version}; use 1")
                return None
            return version
        if spec.kind == "text":
            return self.text(node, key_path, spec)
        if spec.kind == "slug":
            slug = self.text(node, key_path, spec)
            if slug is not None and not re.match(SLUG_PATTERN, slug):
                self.report(
                    node,
                    key_path,
                    f"'{slug}' is not a valid id: use lowercase letters, digits and dashes "
                    "(at most 64), e.g. 'scapular-squeeze'",
                )
                return None
            return slug
        if spec.kind == "frequency":
            text = self.text(node, key_path, spec)
            if text is not None and not re.match(FREQUENCY_PATTERN, text):
                self.report(
                    node, key_path, f"'{text}' is not a frequency: write e.g. '2 per day' (1-10)"
                )
                return None
            return text
        if spec.kind in ("texts", "sides"):
            return self.texts(node, key_path, spec)
        raise AssertionError(f"no checker for {spec.kind}")  # pragma: no cover

    def scalar(self, node: Node, key_path: str, tag: str, expected: str) -> Any:
        if not isinstance(node, ScalarNode) or node.tag != tag:
            self.report(node, key_path, f"must be {expected}, got {_type_name(node)}")
            return None
        return self._constructor.construct_object(node)

    def integer(self, node: Node, key_path: str, spec: Key) -> int | None:
        number = self.scalar(node, key_path, _INT_TAG, "a whole number" + _unit(spec))
        if number is None:
            return None
        assert spec.minimum is not None and spec.maximum is not None
        if not spec.minimum <= number <= spec.maximum:
            self.report(
                node,
                key_path,
                f"must be between {spec.minimum} and {spec.maximum}{_unit(spec)}, got {number}",
            )
            return None
        return int(number)

    def text(self, node: Node, key_path: str, spec: Key) -> str | None:
        text = self.scalar(node, key_path, _STR_TAG, "text")
        if text is None:
            return None
        text = " ".join(str(text).split())
        if not text:
            self.report(node, key_path, "must not be empty")
            return None
        if len(text) > spec.max_length:
            self.report(
                node, key_path, f"is too long ({len(text)} characters; at most {spec.max_length})"
            )
            return None
        return text

    def texts(self, node: Node, key_path: str, spec: Key) -> list[str] | None:
        if not isinstance(node, SequenceNode):
            self.report(node, key_path, f"must be a list, got {_type_name(node)}")
            return None
        if spec.required and not node.value:
            self.report(node, key_path, "must list at least one item")
            return None
        if len(node.value) > spec.max_items:
            self.report(node, key_path, f"has {len(node.value)} items; at most {spec.max_items}")
            return None
        items = [self.text(item, f"{key_path}[{i}]", spec) for i, item in enumerate(node.value)]
        if any(item is None for item in items):
            return None
        return [item for item in items if item is not None]

    # -- the routine -----------------------------------------------------------------

    def routine(self, node: Node, default_name: str) -> Routine | None:
        keys = self.mapping(node, "", ROUTINE_KEYS)
        if keys is None:
            return None
        values = {
            key: self.value(keys[key], key, ROUTINE_KEYS[key])
            for key in keys
            if key not in ("defaults", "exercises")
        }
        defaults = self.defaults(keys["defaults"]) if "defaults" in keys else {}
        exercises = self.exercises(keys["exercises"], defaults) if "exercises" in keys else None
        if self.problems or exercises is None:
            return None
        frequency = None
        if "frequency" in values:
            times, _, period = values["frequency"].split()
            frequency = Frequency(int(times), Period(period))
        return Routine(
            name=values.get("name") or default_name,
            title=values["title"],
            exercises=tuple(exercises),
            summary=values.get("summary", ""),
            source=values.get("source", ""),
            disclaimer=values.get("disclaimer") or DEFAULT_DISCLAIMER,
            frequency=frequency,
        )

    def defaults(self, node: Node) -> dict[str, int]:
        keys = self.mapping(node, "defaults", DEFAULTS_KEYS) or {}
        checked = {
            key: self.value(keys[key], f"defaults.{key}", DEFAULTS_KEYS[key]) for key in keys
        }
        return {key: value for key, value in checked.items() if value is not None}

    def exercises(self, node: Node, defaults: dict[str, int]) -> list[Exercise] | None:
        spec = ROUTINE_KEYS["exercises"]
        if not isinstance(node, SequenceNode):
            self.report(node, "exercises", f"must be a list, got {_type_name(node)}")
            return None
        if not node.value:
            self.report(node, "exercises", "must list at least one exercise")
            return None
        if len(node.value) > spec.max_items:
            self.report(
                node, "exercises", f"has {len(node.value)} exercises; at most {spec.max_items}"
            )
            return None
        exercises: list[Exercise] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(node.value):
            key_path = f"exercises[{index}]"
            exercise = self.exercise(item, key_path, defaults)
            if exercise is None:
                continue
            if exercise.id in seen:
                self.report(
                    item,
                    f"{key_path}.id",
                    f"duplicate id '{exercise.id}' (also exercises[{seen[exercise.id]}])",
                )
                continue
            seen[exercise.id] = index
            exercises.append(exercise)
        return exercises

    def exercise(self, node: Node, key_path: str, defaults: dict[str, int]) -> Exercise | None:
        keys = self.mapping(node, key_path, EXERCISE_KEYS)
        if keys is None:
            return None
        before = len(self.problems)
        values = {k: self.value(keys[k], _join(key_path, k), EXERCISE_KEYS[k]) for k in keys}
        if "hold" not in keys and "hold" not in defaults:
            self.report(
                node, _join(key_path, "hold"), "is required but missing (here or in defaults)"
            )
        sides = values.get("sides") or []
        for side in sides:
            if side not in ("left", "right"):
                self.report(
                    keys["sides"],
                    _join(key_path, "sides"),
                    f"unknown side '{side}'" + _unknown(side, ["left", "right"]),
                )
        if len(set(sides)) != len(sides):
            self.report(keys["sides"], _join(key_path, "sides"), "names a side twice")
        if len(self.problems) > before:
            return None

        def dose(key: str) -> int:
            value = values.get(key, defaults.get(key, EXERCISE_KEYS[key].default))
            assert isinstance(value, int)
            return value

        return Exercise(
            id=values["id"],
            name=values["name"],
            instructions=tuple(values["instructions"]),
            hold=dose("hold"),
            reps=dose("reps"),
            sets=dose("sets"),
            sides=tuple(Side(side) for side in sides),
            rest=dose("rest"),
            set_rest=dose("set_rest"),
            prepare=dose("prepare"),
            position=values.get("position", ""),
            equipment=tuple(values.get("equipment", ())),
            cues=tuple(values.get("cues", ())),
            caution=values.get("caution", ""),
        )


def _join(key_path: str, key: str) -> str:
    return f"{key_path}.{key}" if key_path else key


def _unit(spec: Key) -> str:
    return f" {spec.unit}" if spec.unit else ""


def _type_name(node: Node) -> str:
    return _TYPE_NAMES.get(node.tag, "a tagged value")
