"""Reading a routine file: its bytes, its text, and the YAML node tree, refused where a
routine never goes.

PyYAML's own safe composer (libyaml's, where PyYAML has it) builds the node tree; a small
pass refuses what PyYAML accepts but a routine never needs: anchors and aliases (how
"billion laughs" bombs work; found in the parser's events, before anything is composed)
and nesting deeper than `MAX_NESTING`. What the tree says is checked by `checker`.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, NodeEvent
from yaml.nodes import MappingNode, Node, SequenceNode

from backpain_cli.errors import Problem, RoutineError
from backpain_cli.files import file_problem, kind_of, open_regular
from backpain_cli.routines.dose import yaml_hint
from backpain_cli.routines.format import MAX_FILE_BYTES, MAX_NESTING

if TYPE_CHECKING:
    from yaml._yaml import Mark as CMark
    from yaml.error import Mark

_EMPTY = "is empty; a routine needs at least version, title and exercises"
# Characters YAML refuses in a stream (the set PyYAML's reader rejects), listed rather
# than negated (a class of every allowed character takes 5 ms to compile); the part
# beyond Latin-1 costs 0.3 ms more, so it is only compiled for text that needs it.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")
_NOT_CHARACTER = r"[\ud800-\udfff\ufffe\uffff]"
_BEYOND_UNICODE = r"\\U0*(?:[2-9a-fA-F][0-9a-fA-F]{5}|1[1-9a-fA-F][0-9a-fA-F]{4})"
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
    if ("&" in text or "*" in text) and _MAYBE_ANCHOR.search(text):
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

    The tree is walked a level at a time, most of it in C (this runs on every file).
    Each node is met once: a node met twice is an alias (which the text check lets by
    only if it missed one), refused where its anchor stands."""
    level: list[Node] = [root]
    seen: set[int] = set()
    for _ in range(MAX_NESTING):
        ids = set(map(id, level))
        if len(ids) != len(level) or not seen.isdisjoint(ids):
            raise _Refused(_ANCHORS, _first_met_twice(level, seen).start_mark)
        seen |= ids
        below: list[Node] = []
        for node in level:
            if type(node) is MappingNode:
                for pair in node.value:
                    below += pair
            elif type(node) is SequenceNode:
                below += node.value
        if not below:
            return
        level = below
    # The nodes of `level` have MAX_NESTING collections around them: the first is refused.
    raise _Refused(_TOO_DEEP, min(level, key=lambda node: node.start_mark.index).start_mark)


def _first_met_twice(level: list[Node], seen: set[int]) -> Node:
    met = set(seen)
    for node in level:
        if id(node) in met:
            return node
        met.add(id(node))
    raise AssertionError("no node was met twice")  # pragma: no cover - the caller checked


def read_routine_text(path: Path) -> str:
    """The file's text, or a RoutineError that says plainly why it cannot be read."""
    return decode_routine(read_routine_bytes(path), str(path))


def read_routine_bytes(path: Path) -> bytes:
    """The file's bytes (at most 1 MiB), or a RoutineError that says plainly why not."""
    shown = str(path)
    try:
        # What is checked is what was opened: a pipe or a device swapped in after a look
        # could block or never end.
        handle, found = open_regular(path)
        if handle is None:
            if stat.S_ISDIR(found.st_mode):
                raise RoutineError(Problem(shown, "is a folder, not a routine file"))
            raise RoutineError(Problem(shown, f"is {kind_of(found.st_mode)}, not a file"))
        with handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except RoutineError:
        raise
    except OSError as error:
        problem = file_problem(path)  # a loop, a dangling link... in words
        if problem is None or problem == "cannot be reached (permission denied)":
            reason = error.strerror or type(error).__name__
            problem = f"cannot be read ({reason})"
        raise RoutineError(Problem(shown, problem)) from None
    if len(data) > MAX_FILE_BYTES:
        raise RoutineError(Problem(shown, "is larger than 1 MiB; a routine file is far smaller"))
    return data


def decode_routine(data: bytes, shown: str) -> str:
    """A file's bytes as text (a UTF-8 byte-order mark is dropped), or a RoutineError."""
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
        lines = text.splitlines()
        hint = yaml_hint(message, lines[mark.line] if mark and mark.line < len(lines) else "")
        if mark is None:  # pragma: no cover - PyYAML always marks its parse errors
            raise RoutineError(Problem(shown, message, hint=hint)) from None
        line, column = mark.line + 1, mark.column + 1
        raise RoutineError(Problem(shown, message, line, column, hint=hint)) from None
    except yaml.YAMLError as error:  # pragma: no cover - the checks above pre-empt these
        raise RoutineError(Problem(shown, f"invalid YAML: {error}")) from None
    except (ValueError, OverflowError):
        # PyYAML's own scanner (not libyaml) fails on "\U00110000", past the last character
        # (ValueError), and on "\U80000000" and up, past a C int (OverflowError).
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
