"""Checking a routine's node tree against the format, every problem collected at once.

Every key is checked against `routines.format`: types, ranges, patterns, required and
unknown keys (with a did-you-mean), duplicate keys (PyYAML would silently keep the
last one), numbers in plain digits only, and duplicate exercise ids. `use:` entries are
followed with `library.ReferenceResolver`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from backpain_cli.errors import SHOWN_PROBLEMS, Problem
from backpain_cli.routines import dose as rules
from backpain_cli.routines.format import (
    DEFAULTS_KEYS,
    EXERCISE_KEYS,
    FORMAT_VERSION,
    FREQUENCY_PATTERN,
    MAX_ROUTINE_SECONDS,
    MOVEMENT_KEYS,
    ROUTINE_KEYS,
    SLUG_PATTERN,
    USE_KEYS,
    USE_PATTERN,
    Key,
)
from backpain_cli.routines.images import check_image
from backpain_cli.routines.library import DefinitionFile, Definitions, Entry, ReferenceResolver
from backpain_cli.routines.model import (
    DEFAULT_DISCLAIMER,
    Exercise,
    Frequency,
    Movement,
    Period,
    Routine,
    Side,
    format_duration,
)
from backpain_cli.routines.step_checks import check_progression
from backpain_cli.routines.timeline import build_timeline
from backpain_cli.text import did_you_mean, unsafe_text_problem

_INT_TAG = "tag:yaml.org,2002:int"
_BOOL_TAG = "tag:yaml.org,2002:bool"
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
_BOOLS = ("true", "false")  # not YAML 1.1's yes, no, on and off: editors read them as text
_DECIMAL = re.compile(r"-?[0-9]+")  # plain digits: `+30` is refused, as editors show it
_LEADING_ZERO = re.compile(r"[-+]?0[0-9]+")
_SURROGATE = r"[\ud800-\udfff]"


def _unknown(word: str, choices: list[str]) -> str:
    """The did-you-mean, or the allowed choices when nothing is close."""
    return did_you_mean(word, choices) or f" (allowed: {', '.join(choices)})"


class Checker:
    """Walks a composed node tree, collecting problems instead of stopping at the first."""

    def __init__(
        self, shown: str, *, library: Definitions | None = None, source: str | None = None
    ) -> None:
        self.shown = shown
        self.source = source or shown
        self.library = library
        self.hold_required = True  # exercises.yaml entries may leave it to their users
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []  # not wrong, but likely not what was meant
        self.source_text = ""  # the file's text, for what only its characters tell (flow lists)
        self.default_keys: set[str] = set()  # keys given in `defaults`, valid or not
        self.suggested: set[str] = set()  # keys the last mapping's unknown keys look like
        self.known_routines: list[str] | None = None  # what `counts_as` may name
        self.pictures: list[Path] = []  # the picture files looked at (what a cache watches)
        self.exercise_ids: list[str] = []  # of the routine's entries, usable or not

    def report(self, node: Node, key_path: str, message: str, *, warn: bool = False) -> None:
        mark = node.start_mark
        message = f"warning: {message}" if warn else message
        problem = Problem(self.shown, message, mark.line + 1, mark.column + 1, key_path)
        (self.warnings if warn else self.problems).append(problem)

    # -- structure -------------------------------------------------------------------

    def mapping(
        self,
        node: Node,
        key_path: str,
        keys: dict[str, Key],
        refused: dict[str, str] | None = None,
    ) -> dict[str, Node] | None:
        """Keys of a mapping node, checking type, duplicates, unknown and missing keys.

        `refused` explains keys that are valid elsewhere but not in this mapping.
        """
        if not isinstance(node, MappingNode):
            self.report(node, key_path, f"must be a mapping of keys, got {_describe(node)}")
            return None
        found: dict[str, Node] = {}
        self.suggested = set()
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag != _STR_TAG:
                self.report(key_node, key_path, f"keys must be words, got {_describe(key_node)}")
                continue
            key = key_node.value
            where = _join(key_path, key)
            if key in found:
                first = found[key].start_mark.line + 1
                self.report(key_node, where, f"duplicate key (first given on line {first})")
                continue
            if key not in keys:
                # Past the problems a message shows, a did-you-mean is not worth its
                # time (difflib: 0.2 ms a key, 5 s for a file of 30,000 unknown keys).
                hint = (
                    _unknown(key, list(keys))
                    if len(self.problems) < 10 * SHOWN_PROBLEMS
                    else f" (allowed: {', '.join(keys)})"
                )
                self.suggested.update(name for name in keys if hint == f" (did you mean '{name}'?)")
                message = (refused or {}).get(key) or "unknown key" + hint
                self.report(key_node, where, message)
                continue
            found[key] = value_node
        for key, spec in keys.items():
            # A misspelt key is reported once: as unknown, with its did-you-mean.
            if spec.required and key not in found and key not in self.suggested:
                self.report(node, _join(key_path, key), "is required but missing")
        return found

    def value(self, node: Node, key_path: str, spec: Key) -> Any:
        """A checked Python value for one key, or None after reporting a problem."""
        if spec.kind in ("int", "version"):
            return self.integer(node, key_path, spec)
        if spec.kind == "text":
            return self.text(node, key_path, spec)
        if spec.kind == "slug":
            slug = self.text(node, key_path, spec)
            if slug is not None and not re.fullmatch(SLUG_PATTERN, slug):
                what, example = {
                    "name": ("name", "upper-back"),
                    "counts_as": ("routine name", "upper-back"),
                }.get(key_path, ("id", ""))
                self.report(
                    node,
                    key_path,
                    f"'{_clip(slug)}' is not a valid {what}: use lowercase letters, digits and "
                    f"dashes (at most 64), e.g. '{example or 'scapular-squeeze'}'",
                )
                return None
            return slug
        if spec.kind == "frequency":
            text = self.text(node, key_path, spec)
            if text is not None and not re.fullmatch(FREQUENCY_PATTERN, text):
                self.report(
                    node, key_path, f"'{text}' is not a frequency: write e.g. '2 per day' (1-10)"
                )
                return None
            return text
        if spec.kind == "image":
            return self.image(node, key_path, spec)
        if spec.kind == "bool":
            if isinstance(node, ScalarNode) and node.tag == _BOOL_TAG and node.value in _BOOLS:
                return node.value == "true"
            self.report(node, key_path, f"must be true or false, got {_describe(node)}")
            return None
        if spec.kind in ("pace", "rate"):  # one word of a few
            word = self.text(node, key_path, spec)
            problem = rules.word_problem(spec.kind, word) if word is not None else None
            if problem:
                self.report(node, key_path, problem)
                return None
            return word
        if spec.kind == "use":
            ref = self.text(node, key_path, spec)
            if ref is not None and not re.fullmatch(USE_PATTERN, ref):
                self.report(
                    node,
                    key_path,
                    f"'{ref}' is not an exercise reference: write an exercise id, e.g. "
                    "'scapular-squeeze', or ROUTINE/ID, e.g. 'upper-back/scapular-squeeze'",
                )
                return None
            return ref
        assert spec.kind in ("texts", "sides"), spec.kind
        return self.texts(node, key_path, spec)

    def image(self, node: Node, key_path: str, spec: Key) -> str | None:
        """The picture's resolved path (relative to this file's folder), once checked."""
        written = self.text(node, key_path, spec)
        if written is None:
            return None

        folder = Path(self.source).parent
        self.pictures.append(folder / written)
        checked = check_image(written, folder)
        if checked.problem is not None:  # a missing picture plays without it: a warning
            self.report(node, key_path, checked.problem, warn=checked.missing)
        return "" if checked.missing else checked.path

    def integer(self, node: Node, key_path: str, spec: Key) -> int | None:
        expected = "a whole number" + (f" of {spec.unit}" if spec.unit else "")
        if isinstance(node, ScalarNode) and not node.style and _LEADING_ZERO.fullmatch(node.value):
            # YAML 1.1 reads 010 and +010 as 8 (octal) and 08 as text; editors read 10.
            sign = "-" if node.value.startswith("-") else ""
            plain = sign + (node.value.lstrip("+-").lstrip("0") or "0")
            message = f"must be {expected} without leading zeros, got '{_clip(node.value)}'"
            self.report(node, key_path, f"{message}; write {_clip(plain)}")
            return None
        if not isinstance(node, ScalarNode) or node.tag != _INT_TAG:
            self.report(node, key_path, f"must be {expected}, got {_describe(node)}")
            return None
        written = node.value
        if not _DECIMAL.fullmatch(written):
            # YAML 1.1 also reads 0x1e, 0o17, 1_000 and 1:30 as numbers; editors do not.
            message = f"must be {expected} in plain digits, got '{_clip(written)}'"
            if written.startswith("+") and written[1:].isdigit():
                message += f"; write {_clip(written[1:])}"
            self.report(node, key_path, message)
            return None
        # Long digit strings are out of range, not a crash (int() refuses 4300+ digits).
        number = int(written) if len(written.lstrip("+-0")) < 10 else None
        if spec.kind == "version":
            if number != FORMAT_VERSION:
                message = f"unsupported format version {_clip(written)}; use {FORMAT_VERSION}"
                self.report(node, key_path, message)
                return None
            return number
        assert spec.minimum is not None and spec.maximum is not None
        if number is None or not spec.minimum <= number <= spec.maximum:
            self.report(
                node,
                key_path,
                f"must be between {spec.minimum} and {spec.maximum}{_unit(spec)}, "
                f"got {_clip(written)}",
            )
            return None
        return number

    def text(self, node: Node, key_path: str, spec: Key) -> str | None:
        if not isinstance(node, ScalarNode) or node.tag != _STR_TAG:
            self.report(
                node, key_path, f"must be text, got {_describe(node)}{rules.text_hint(node)}"
            )
            return None
        unsafe = unsafe_text_problem(node.value)
        if unsafe is not None:
            self.report(node, key_path, unsafe)
            return None
        text = " ".join(node.value.split())
        if not text:
            self.report(node, key_path, "must not be empty")
            return None
        if not text.isascii() and re.search(
            _SURROGATE, text
        ):  # "\ud83d" escapes: PyYAML's own scanner lets them by
            self.report(
                node,
                key_path,
                "has an escape for half a character (\\ud800-\\udfff); write the character itself",
            )
            return None
        if len(text) > spec.max_length:
            self.report(
                node, key_path, f"is too long ({len(text)} characters; at most {spec.max_length})"
            )
            return None
        return text

    def texts(self, node: Node, key_path: str, spec: Key) -> list[str] | None:
        if not isinstance(node, SequenceNode):
            example = " (e.g. [left, right])" if spec.kind == "sides" else ""
            self.report(node, key_path, f"must be a list{example}, got {_describe(node)}")
            return None
        if spec.required and not node.value:
            self.report(node, key_path, "must list at least one item")
            return None
        if len(node.value) > spec.max_items:
            self.report(node, key_path, f"has {len(node.value)} items; at most {spec.max_items}")
            return None
        items = [self.text(item, f"{key_path}[{i}]", spec) for i, item in enumerate(node.value)]
        checked = [item for item in items if item is not None]
        if self.source_text and key_path.endswith(("cues", "instructions")):
            slip = rules.list_slips(self.source_text, node)
            if slip:
                at, where = slip[0], node if slip[0] is None else node.value[slip[0]]
                self.report(where, key_path + ("" if at is None else f"[{at}]"), slip[1], warn=True)
        return checked if len(checked) == len(items) else None

    # -- the routine -----------------------------------------------------------------

    def routine(self, node: Node, default_name: str, *, content: bytes) -> Routine | None:
        keys = self.mapping(node, "", ROUTINE_KEYS)
        if keys is None:
            return None
        values = {
            key: self.value(keys[key], key, ROUTINE_KEYS[key])
            for key in keys
            if key not in ("defaults", "exercises", "progression")
        }
        defaults = self.defaults(keys["defaults"]) if "defaults" in keys else {}
        exercises = self.exercises(keys["exercises"], defaults) if "exercises" in keys else None
        progression = None
        if "progression" in keys:
            found, ids = exercises or [], self.exercise_ids
            progression = check_progression(self, keys["progression"], found, ids)
        counts_as = values.get("counts_as")
        if counts_as is not None and "frequency" in keys:
            self.report(
                keys["counts_as"],
                "counts_as",
                f"give counts_as or frequency, not both: this routine is done as often as "
                f"'{counts_as}' says",
            )
        elif counts_as is not None and counts_as == (values.get("name") or default_name):
            self.report(keys["counts_as"], "counts_as", "names this routine itself")
        elif (
            counts_as is not None
            and self.known_routines is not None
            and counts_as not in self.known_routines
        ):
            self.report(
                keys["counts_as"],
                "counts_as",
                f"no routine is named '{counts_as}'{did_you_mean(counts_as, self.known_routines)}",
            )
        if self.problems or exercises is None:
            return None
        frequency = None
        if "frequency" in values:
            times, _, period = values["frequency"].split()
            frequency = Frequency(int(times), Period(period))
        routine = Routine(
            name=values.get("name") or default_name,
            title=values["title"],
            exercises=tuple(exercises),
            summary=values.get("summary", ""),
            source=values.get("source", ""),
            disclaimer=values.get("disclaimer") or DEFAULT_DISCLAIMER,
            frequency=frequency,
            warnings=tuple(self.warnings),
            counts_as=counts_as,
            progression=progression,
            morning_check=values.get("morning_check", False),
            rate_each=values.get("rate_each", ""),
            content=content,
        )
        total = rules.longest(routine)
        if total > MAX_ROUTINE_SECONDS:
            total = build_timeline(routine).total  # as `show` totals it
        if total > MAX_ROUTINE_SECONDS:
            self.report(
                keys["exercises"],
                "exercises",
                f"together take {format_duration(total)}, rests and get-ready time included; "
                f"a routine may take at most {MAX_ROUTINE_SECONDS // 3600} hours: split it "
                "into shorter routines",
            )
            return None
        return routine

    def defaults(self, node: Node) -> dict[str, int]:
        keys = self.mapping(node, "defaults", DEFAULTS_KEYS) or {}
        self.default_keys = set(keys)
        checked = {
            key: self.value(keys[key], f"defaults.{key}", DEFAULTS_KEYS[key]) for key in keys
        }
        return {key: value for key, value in checked.items() if value is not None}

    def exercises(self, node: Node, defaults: dict[str, int]) -> list[Exercise] | None:
        entries = self.entries(node, ROUTINE_KEYS["exercises"])
        if entries is None:
            return None
        self.exercise_ids = [entry.id for entry in entries if entry.id is not None]
        current = DefinitionFile(self.source, self.shown, entries)
        assert self.library is not None, "a routine is checked with a library"
        resolver = ReferenceResolver(self.library, current)
        exercises: list[Exercise] = []
        for entry in entries:
            values, problem = resolver.resolve(entry)
            if problem is not None:
                self.problems.append(problem)
            exercise = self.exercise(entry, values, defaults) if values is not None else None
            if exercise is not None:
                exercises.append(exercise)
        for broken in resolver.broken.values():  # the files it needed, with their problems
            self.problems.extend(broken.problems)
        return exercises

    def entries(self, node: Node, spec: Key) -> list[Entry] | None:
        """The checked, not yet resolved, items of an `exercises` list."""
        if not isinstance(node, SequenceNode):
            self.report(node, "exercises", f"must be a list, got {_describe(node)}")
            return None
        if not node.value:
            self.report(node, "exercises", "must list at least one exercise")
            return None
        if len(node.value) > spec.max_items:
            self.report(
                node, "exercises", f"has {len(node.value)} exercises; at most {spec.max_items}"
            )
            return None
        entries: list[Entry] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(node.value):
            key_path = f"exercises[{index}]"
            entry = self.entry(item, key_path)
            exercise_id = entry.id
            if exercise_id is not None:  # even when the entry has other problems
                if exercise_id in seen:
                    hint = (
                        ""
                        if _key_node(item, "id") is not None
                        else "; give this one an `id` of its own"
                    )
                    self.report(
                        item,
                        f"{key_path}.id",
                        f"duplicate id '{exercise_id}' (also exercises[{seen[exercise_id]}])"
                        + hint,
                    )
                    entry.values = None
                else:
                    seen[exercise_id] = index
            entries.append(entry)
        return entries

    def entry(self, node: Node, key_path: str) -> Entry:
        """One exercise, or one `use` entry, with its keys checked as written."""
        uses = isinstance(node, MappingNode) and any(
            isinstance(key, ScalarNode) and key.value == "use" for key, _ in node.value
        )
        spec = USE_KEYS if uses else EXERCISE_KEYS
        before = len(self.problems)  # a missing required key makes the entry unusable too
        keys = self.mapping(node, key_path, spec, _REFUSED_IN_USE if uses else None)
        if keys is None:
            return Entry(node, key_path, None)
        values = {k: self.value(keys[k], _join(key_path, k), spec[k]) for k in keys}
        if (
            not uses
            and self.hold_required
            and not any(key in keys for key in MOVEMENT_KEYS)
            and "hold" not in self.default_keys
            and "hold" not in self.suggested
        ):
            self.report(
                node,
                _join(key_path, "hold"),
                f"is required but missing (here or in defaults; {rules.MOVEMENT_HINT})",
            )
        # As written: the key that clashes with one before it is the one reported.
        clash = rules.movement_clash(sorted(keys, key=lambda k: keys[k].start_mark.index))
        if clash:
            given = [key for key in keys if key in MOVEMENT_KEYS]
            second = max(given, key=lambda k: keys[k].start_mark.index)
            self.report(keys[second], _join(key_path, second), clash)
        if "sides" in keys:
            for problem in rules.side_problems(values.get("sides") or [], did_you_mean):
                self.report(keys["sides"], _join(key_path, "sides"), problem)
        exercise_id = values.get("id") or (values.get("use") or "").rsplit("/", 1)[-1] or None
        usable = len(self.problems) == before
        return Entry(node, key_path, values if usable else None, keys.get("use"), exercise_id)

    def exercise(
        self, entry: Entry, values: dict[str, Any], defaults: dict[str, int]
    ) -> Exercise | None:
        """The exercise from an entry's resolved keys, doses filled in from the defaults."""
        movement = rules.movement(values)
        if movement is None and "hold" not in self.default_keys:
            # Only a `use` entry gets here: an exercise written out without a hold was
            # reported (and left unusable) when its keys were checked.
            self.report(
                entry.node,
                _join(entry.key_path, "hold"),
                "is required but missing (here, in the exercise it uses or in defaults; "
                f"{rules.MOVEMENT_HINT})",
            )
            return None
        if movement is None and "hold" not in defaults:
            return None  # the default hold has a problem of its own
        movement = movement or Movement.HOLD
        tempo_problem = rules.tempo_problem(movement) if values.get("tempo") else None
        if tempo_problem:
            where = _key_node(entry.node, "tempo") or entry.node
            self.report(where, _join(entry.key_path, "tempo"), tempo_problem)
            return None

        sides = tuple(Side(side) for side in values.get("sides") or ())
        if values.get("alternate") is False and len(sides) != 2:
            where = _key_node(entry.node, "alternate") or entry.node
            self.report(where, _join(entry.key_path, "alternate"), rules.ALTERNATE_PROBLEM)
            return None

        def dose(key: str) -> int:
            value = values.get(key, defaults.get(key, EXERCISE_KEYS[key].default))
            assert isinstance(value, int)
            return value

        return Exercise(
            id=values["id"],
            name=values["name"],
            instructions=tuple(values["instructions"]),
            hold=dose("hold") if movement is Movement.HOLD else 0,
            reps=dose("reps"),
            sets=dose("sets"),
            sides=sides,
            alternate=values.get("alternate", True),
            rest=dose("rest"),
            set_rest=dose("set_rest"),
            prepare=dose("prepare"),
            position=values.get("position", ""),
            equipment=tuple(values.get("equipment", ())),
            cues=tuple(values.get("cues", ())),
            caution=values.get("caution", ""),
            image=values.get("image", ""),
            movement=movement,
            rep_seconds=values.get("rep_seconds", 0),
            tempo=values.get("tempo", ""),
        )

    def definitions(self, node: Node, keys: dict[str, Key]) -> list[Entry]:
        """Entries of a file other routines reuse from: its keys checked, none resolved."""
        found = self.mapping(node, "", keys) or {}
        for key, value_node in found.items():
            if key == "defaults":
                self.defaults(value_node)
            elif key not in ("exercises", "progression"):  # (checked where it is played)
                self.value(value_node, key, keys[key])
        if "exercises" not in found:
            return []
        return self.entries(found["exercises"], keys["exercises"]) or []


_REFUSED_IN_USE = {
    "instructions": "a `use` entry keeps the steps of the exercise it uses; to change them, "
    "write the exercise out in full (id, name, instructions) instead of `use`",
}


def _key_node(node: Node, key: str) -> Node | None:
    """The value node of `key` in an entry's mapping node, if it has that key."""
    assert isinstance(node, MappingNode)  # an entry with keys is a mapping
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            found: Node = value_node
            return found
    return None


def _join(key_path: str, key: str) -> str:
    return f"{key_path}.{key}" if key_path else key


def _unit(spec: Key) -> str:
    return f" {spec.unit}" if spec.unit else ""


def _describe(node: Node) -> str:
    """What a node holds, for messages: `text 'abc'`, `a list`, `a whole number (42)`."""
    kind = _TYPE_NAMES.get(node.tag)
    if kind is None:
        return f"a value tagged {node.tag.replace('tag:yaml.org,2002:', '!!')}"
    if not isinstance(node, ScalarNode) or not node.value:
        return kind
    return f"{kind} '{_clip(node.value)}'"


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
