"""Read routine files strictly: safe YAML, every problem reported at once with file:line:column.

PyYAML's own safe composer (libyaml's, where PyYAML has it) builds the node tree; a small
pass refuses what PyYAML accepts but a routine never needs: anchors and aliases (how
"billion laughs" bombs work; found in the parser's events, before anything is composed)
and nesting deeper than `MAX_NESTING`. Duplicate keys are errors (PyYAML would silently
keep the last one), and every key is checked against `routines.format`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, NodeEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from backpain_cli.errors import Problem, RoutineError
from backpain_cli.routines.format import (
    DEFAULTS_KEYS,
    EXERCISE_KEYS,
    FORMAT_VERSION,
    FREQUENCY_PATTERN,
    LIBRARY_KEYS,
    MAX_FILE_BYTES,
    MAX_NESTING,
    ROUTINE_KEYS,
    SLUG_PATTERN,
    USE_KEYS,
    USE_PATTERN,
    Key,
)
from backpain_cli.routines.library import (
    EXERCISES_FILE,
    DefinitionFile,
    Entry,
    ExerciseLibrary,
    ReferenceResolver,
    builtin_library,
)
from backpain_cli.routines.model import (
    DEFAULT_DISCLAIMER,
    Exercise,
    Frequency,
    Period,
    Routine,
    Side,
)

if TYPE_CHECKING:
    from yaml._yaml import Mark as CMark
    from yaml.error import Mark

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
_EMPTY = "is empty; a routine needs at least version, title and exercises"
# Characters YAML refuses in a stream (the set PyYAML's reader rejects), listed rather
# than negated (a class of every allowed character takes 5 ms to compile); the part
# beyond Latin-1 costs 0.3 ms more, so it is only compiled for text that needs it.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
_NOT_CHARACTER = r"[\ud800-\udfff\ufffe\uffff]"
_DECIMAL = re.compile(r"[-+]?[0-9]+")
_BEYOND_UNICODE = r"\\U0*(?:[2-9a-fA-F][0-9a-fA-F]{5}|1[1-9a-fA-F][0-9a-fA-F]{4})"
_SURROGATE = r"[\ud800-\udfff]"


_ANCHORS = (
    "anchors and aliases (&name, *name) are not allowed in routine files; write each value out"
)
_TOO_DEEP = f"nested more than {MAX_NESTING} levels deep; a routine needs no more than 5"
# Where an anchor (&name) or an alias (*name) could start: at the start of the text or
# after a space, a flow indicator or a quote. Text without one needs no look at events.
_MAYBE_ANCHOR = re.compile(r"(?<![^\s\[\]{},:?\"'])[&*][^\s\[\]{},]")


class _Refused(Exception):
    """What the project refuses in YAML that PyYAML accepts, at 0-based line and column."""

    def __init__(self, message: str, mark: Mark | CMark | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = (mark.line + 1, mark.column + 1) if mark is not None else (None, None)


class _CLoader(yaml.CSafeLoader):
    """libyaml's parser and composer: ten times faster than PyYAML's own, which
    `backpain list` (every routine file) notices. Depth is checked on the tree."""


class _PythonLoader(yaml.SafeLoader):
    """PyYAML's own (where it was built without libyaml). Its composer recurses, so it
    stops at the depth limit, before a megabyte of brackets can exhaust the stack; where,
    the parser's events then tell."""

    _depth = 0

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self._depth >= MAX_NESTING:
            raise _Refused(_TOO_DEEP)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


YamlLoader = type[yaml.CSafeLoader] | type[yaml.SafeLoader]
YAML_LOADERS: tuple[YamlLoader, ...] = (
    (_CLoader, _PythonLoader) if yaml.__with_libyaml__ else (_PythonLoader,)
)


def _compose_strictly(text: str, loader: YamlLoader) -> Node | None:
    """PyYAML's composer, and the refusals it does not make (aliases, anchors, depth)."""
    if _MAYBE_ANCHOR.search(text):
        _refuse_in_events(text, loader)
    try:
        node = yaml.compose(text, Loader=loader)
    except (yaml.YAMLError, _Refused):
        _refuse_in_events(text, loader)  # a refusal before the parse error comes first
        raise
    if node is not None:
        _refuse_deep(node)
    return node


def _refuse_in_events(text: str, loader: YamlLoader) -> None:
    """Refuse aliases, anchors and deep nesting, in reading order, from the parser's events.

    Nothing is composed, so an alias bomb costs nothing. An anchor without an alias is
    refused too (there is nothing to reuse it), after the whole text, so that an alias is
    reported where it is used. Parse errors are raised as the parser finds them.
    """
    depth = 0
    anchor: NodeEvent | None = None
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, AliasEvent):
            raise _Refused(_ANCHORS, event.start_mark)
        if isinstance(event, NodeEvent):
            if depth >= MAX_NESTING:
                raise _Refused(_TOO_DEEP, event.start_mark)
            if anchor is None and event.anchor is not None:
                anchor = event
            if isinstance(event, CollectionStartEvent):
                depth += 1
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
    if anchor is not None:
        raise _Refused(_ANCHORS, anchor.start_mark)


def _refuse_deep(root: Node) -> None:
    """Refuse the first node (in reading order) nested more than MAX_NESTING deep.

    Each node is visited once: a node met twice is an alias (which the text check lets
    by only if it missed one), refused where its anchor stands."""
    seen: set[int] = set()
    stack: list[tuple[Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            raise _Refused(_ANCHORS, node.start_mark)
        seen.add(id(node))
        if depth >= MAX_NESTING:
            raise _Refused(_TOO_DEEP, node.start_mark)
        if isinstance(node, MappingNode):
            children = [child for pair in node.value for child in pair]
        elif isinstance(node, SequenceNode):
            children = node.value
        else:
            continue
        stack.extend((child, depth + 1) for child in reversed(children))


def read_routine_text(path: Path) -> str:
    """The file's text, or a RoutineError that says plainly why it cannot be read."""
    shown = str(path)
    try:
        if path.is_dir():
            raise RoutineError(Problem(shown, "is a folder, not a routine file"))
        if path.exists() and not path.is_file():
            # A pipe or a device could block or never end.
            raise RoutineError(Problem(shown, "is not a regular file"))
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except RoutineError:
        raise
    except FileNotFoundError:
        raise RoutineError(Problem(shown, "no such file")) from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise RoutineError(Problem(shown, f"cannot be read ({reason})")) from None
    if len(data) > MAX_FILE_BYTES:
        raise RoutineError(Problem(shown, "is larger than 1 MiB; a routine file is far smaller"))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise RoutineError(
            Problem(shown, "is not UTF-8 text; save it as UTF-8", line, column)
        ) from None


def compose(text: str, shown: str, *, loader: YamlLoader | None = None) -> Node:
    """Parse YAML text into a node tree, turning every parse failure into a RoutineError."""
    if not text.strip():
        raise RoutineError(Problem(shown, _EMPTY))
    bad = _forbidden_character(text)
    if bad:
        code = f"U+{ord(bad.group()):04X}"
        message = f"contains a control character ({code}) that YAML does not allow"
        raise RoutineError(Problem(shown, message, *_line_column(text, bad.start())))
    try:
        node = _compose_strictly(text, loader or YAML_LOADERS[0])
    except _Refused as refused:
        raise RoutineError(
            Problem(shown, f"invalid YAML: {refused.message}", *refused.where)
        ) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = f"invalid YAML: {error.problem or error.context}"
        if error.context and error.problem and error.problem.startswith("but "):
            message = f"invalid YAML: {error.context}, {error.problem}"
        if mark is None:  # pragma: no cover - PyYAML always marks its parse errors
            raise RoutineError(Problem(shown, message)) from None
        raise RoutineError(Problem(shown, message, mark.line + 1, mark.column + 1)) from None
    except yaml.YAMLError as error:  # pragma: no cover - the checks above pre-empt these
        raise RoutineError(Problem(shown, f"invalid YAML: {error}")) from None
    except ValueError:
        # PyYAML's own scanner (not libyaml) fails on "\U00110000": past the last character.
        escape = re.search(_BEYOND_UNICODE, text)
        where = _line_column(text, escape.start()) if escape else (None, None)
        message = "invalid YAML: an escape code beyond the last Unicode character"
        raise RoutineError(Problem(shown, message, *where)) from None
    if node is None:
        raise RoutineError(Problem(shown, _EMPTY))
    return node


def _forbidden_character(text: str) -> re.Match[str] | None:
    """The first character YAML refuses in a stream (the set PyYAML's reader rejects)."""
    found = [_CONTROL.search(text)]
    if not text.isascii():
        found.append(re.search(_NOT_CHARACTER, text))
    return min((m for m in found if m), key=lambda m: m.start(), default=None)


def _line_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character of `text`."""
    return text.count("\n", 0, index) + 1, index - text.rfind("\n", 0, index)


def load_routine(
    path: Path,
    *,
    default_name: str | None = None,
    library: ExerciseLibrary | None = None,
    known_routines: list[str] | None = None,
) -> Routine:
    """Load and validate one routine file; raises RoutineError listing every problem.

    `use` entries are looked up in `library` (default: the built-in exercises only).
    With `known_routines`, a `counts_as` must name one of them.
    """
    text = read_routine_text(path)
    return parse_routine(
        text,
        str(path),
        default_name=default_name or _stem(path),
        library=library,
        source=str(path.resolve()),
        known_routines=known_routines,
    )


def parse_routine(
    text: str,
    shown: str,
    *,
    default_name: str,
    loader: YamlLoader | None = None,
    library: ExerciseLibrary | None = None,
    source: str | None = None,
    known_routines: list[str] | None = None,
) -> Routine:
    """Validate routine text (`shown` names it in messages); raises RoutineError.

    `source` identifies the file when following references (default: `shown`).
    """
    node = compose(text, shown, loader=loader)
    checker = _Checker(shown, library=library, source=source)
    checker.known_routines = known_routines
    routine = checker.routine(node, default_name)
    if checker.problems:
        # Report in reading order, whatever order the checks ran in.
        raise RoutineError(_in_reading_order(checker.problems, shown))
    assert routine is not None
    return routine


def _stem(path: Path) -> str:
    return path.name.rsplit(".", 1)[0] if path.suffix in {".yaml", ".yml"} else path.name


def did_you_mean(word: str, choices: list[str]) -> str:
    """` (did you mean 'x'?)` when a choice is close to the word, else ``."""
    import difflib  # only on the error path: keeps it out of every start-up

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _unknown(word: str, choices: list[str]) -> str:
    """The did-you-mean, or the allowed choices when nothing is close."""
    return did_you_mean(word, choices) or f" (allowed: {', '.join(choices)})"


class _Checker:
    """Walks a composed node tree, collecting problems instead of stopping at the first."""

    def __init__(
        self, shown: str, *, library: ExerciseLibrary | None = None, source: str | None = None
    ) -> None:
        self.shown = shown
        self.source = source or shown
        self.library = library
        self.hold_required = True  # exercises.yaml entries may leave it to their users
        self.problems: list[Problem] = []
        self.default_keys: set[str] = set()  # keys given in `defaults`, valid or not
        self.suggested: set[str] = set()  # keys the last mapping's unknown keys look like
        self.known_routines: list[str] | None = None  # what `counts_as` may name

    def report(self, node: Node, key_path: str, message: str) -> None:
        mark = node.start_mark
        self.problems.append(Problem(self.shown, message, mark.line + 1, mark.column + 1, key_path))

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
                hint = _unknown(key, list(keys))
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
        from backpain_cli.routines.images import check_image

        checked = check_image(written, Path(self.source).parent)
        if checked.problem is not None:
            self.report(node, key_path, checked.problem)
        return checked.path

    def integer(self, node: Node, key_path: str, spec: Key) -> int | None:
        expected = "a whole number" + (f" of {spec.unit}" if spec.unit else "")
        if not isinstance(node, ScalarNode) or node.tag != _INT_TAG:
            self.report(node, key_path, f"must be {expected}, got {_describe(node)}")
            return None
        written = node.value
        if not _DECIMAL.fullmatch(written):
            # YAML 1.1 also reads 0x1e, 0o17, 1_000 and 1:30 as numbers; editors do not.
            self.report(
                node, key_path, f"must be {expected} in plain digits, got '{_clip(written)}'"
            )
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
            hint = "; put it in quotes" if isinstance(node, ScalarNode) and node.value else ""
            self.report(node, key_path, f"must be text, got {_describe(node)}{hint}")
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
        return checked if len(checked) == len(items) else None

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
        return Routine(
            name=values.get("name") or default_name,
            title=values["title"],
            exercises=tuple(exercises),
            summary=values.get("summary", ""),
            source=values.get("source", ""),
            disclaimer=values.get("disclaimer") or DEFAULT_DISCLAIMER,
            frequency=frequency,
            counts_as=counts_as,
        )

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
        current = DefinitionFile(self.source, self.shown, entries)
        resolver = ReferenceResolver(self.library or builtin_library(), current)
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
            if entry.values is not None and exercise_id is not None:
                if exercise_id in seen:
                    hint = "" if "id" in entry.values else "; give this one an `id` of its own"
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
            and "hold" not in keys
            and "hold" not in self.default_keys
            and "hold" not in self.suggested
        ):
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
        exercise_id = values.get("id") or (values.get("use") or "").rsplit("/", 1)[-1] or None
        usable = len(self.problems) == before
        return Entry(node, key_path, values if usable else None, keys.get("use"), exercise_id)

    def exercise(
        self, entry: Entry, values: dict[str, Any], defaults: dict[str, int]
    ) -> Exercise | None:
        """The exercise from an entry's resolved keys, doses filled in from the defaults."""
        if "hold" not in values and "hold" not in self.default_keys:
            # Only a `use` entry gets here: an exercise written out without a hold was
            # reported (and left unusable) when its keys were checked.
            self.report(
                entry.node,
                _join(entry.key_path, "hold"),
                "is required but missing (here, in the exercise it uses or in defaults)",
            )
            return None
        if "hold" not in values and "hold" not in defaults:
            return None  # the default hold has a problem of its own

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
            sides=tuple(Side(side) for side in values.get("sides") or ()),
            rest=dose("rest"),
            set_rest=dose("set_rest"),
            prepare=dose("prepare"),
            position=values.get("position", ""),
            equipment=tuple(values.get("equipment", ())),
            cues=tuple(values.get("cues", ())),
            caution=values.get("caution", ""),
            image=values.get("image", ""),
        )

    def definitions(self, node: Node, keys: dict[str, Key]) -> list[Entry]:
        """Entries of a file other routines reuse from: its keys checked, none resolved."""
        found = self.mapping(node, "", keys) or {}
        for key, value_node in found.items():
            if key == "defaults":
                self.defaults(value_node)
            elif key != "exercises":
                self.value(value_node, key, keys[key])
        if "exercises" not in found:
            return []
        return self.entries(found["exercises"], keys["exercises"]) or []


_REFUSED_IN_USE = {
    "instructions": "a `use` entry keeps the steps of the exercise it uses; to change them, "
    "write the exercise out in full (id, name, instructions) instead of `use`",
}


def read_definitions(path: Path, *, routine: bool) -> DefinitionFile:
    """The checked, unresolved exercise entries of a routine file or an exercises file."""
    shown = str(path)
    source = str(path.resolve())
    try:
        node = compose(read_routine_text(path), shown)
    except RoutineError as error:
        return DefinitionFile(source, shown, [], error.problems)
    checker = _Checker(shown, source=source)
    checker.hold_required = routine
    entries = checker.definitions(node, ROUTINE_KEYS if routine else LIBRARY_KEYS)
    return DefinitionFile(source, shown, entries, checker.problems)


def load_exercises_file(path: Path, *, library: ExerciseLibrary | None = None) -> list[str]:
    """Check an exercises file, its references included: its exercise ids, or RoutineError."""
    file = read_definitions(path, routine=False)
    problems = list(file.problems)
    resolver = ReferenceResolver(library or builtin_library(), file)
    for entry in file.entries:
        _, problem = resolver.resolve(entry)
        if problem is not None:
            problems.append(problem)
    for broken in resolver.broken.values():
        problems.extend(broken.problems)
    if problems:
        raise RoutineError(_in_reading_order(problems, file.shown))
    return file.ids()


def check_file(path: Path, *, library: ExerciseLibrary | None = None) -> str:
    """Check a routine file, or an exercise library (exercises.yaml), for `validate` and
    `edit`: what it holds ('upper-back, 5 exercises'; 'exercise library, 3 exercises'),
    or RoutineError with every problem."""
    if path.name == EXERCISES_FILE:
        ids = load_exercises_file(path, library=library)
        return f"exercise library, {_exercises(len(ids))}"
    known = (library or builtin_library()).routine_names()
    routine = load_routine(path, library=library, known_routines=known)
    return f"{routine.name}, {_exercises(len(routine.exercises))}"


def _exercises(count: int) -> str:
    return f"{count} exercise{'s' if count != 1 else ''}"


def _in_reading_order(problems: list[Problem], shown: str) -> list[Problem]:
    """This file's problems by position, then those of the files it uses (in order)."""
    return sorted(problems, key=lambda p: (p.path != shown, p.line or 0, p.column or 0))


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
