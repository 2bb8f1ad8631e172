"""The exercises a routine uses from the library beside it (`exercises.yaml` in its
folder), and those exercises merged into the user's own library file.

A routine file can `use: ID` an exercise of the `exercises.yaml` next to it. When the
routine is installed (`backpain add`) or packed, the entries it uses (and the ones they
use in turn) travel with it. Merging them into the user's `exercises.yaml` keeps the
rest of that file as it was written, comments included: a new exercise is appended to
its `exercises` list, a changed one replaces its own entry, and an identical one is
left alone. Only the parsed values travel (comments inside an entry do not).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import yaml
from yaml.nodes import CollectionNode, MappingNode, ScalarNode, SequenceNode

from backpain_cli.errors import BackpainError
from backpain_cli.routines.names import EXERCISES_FILE

LIBRARY_HEADER = (
    "# Your exercise library: routines in this folder reuse these by id (`- use: ID`).\n"
    "version: 1\nexercises:\n"
)


def library_entries(data: object) -> dict[str, dict[str, Any]]:
    """The entries of a parsed exercises file by id (entries without an id left out)."""
    entries = data.get("exercises") if isinstance(data, dict) else None
    return {
        entry["id"]: entry
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, dict) and isinstance(entry.get("id"), str)
    }


def used_entries(routine: object, library: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries of `library` that the parsed routine uses (`use: ID`, not defined in
    the routine itself), and the ones those use in turn, in the order first used."""
    own = set(library_entries(routine))
    wanted: list[str] = []

    def follow(entries: object) -> None:
        for entry in entries if isinstance(entries, list) else []:
            used = entry.get("use") if isinstance(entry, dict) else None
            if not isinstance(used, str) or used in own or used in wanted:
                continue
            if used in library:
                wanted.append(used)
                follow([library[used]])

    follow(routine.get("exercises") if isinstance(routine, dict) else None)
    return [library[exercise_id] for exercise_id in wanted]


class MergedExercises(NamedTuple):
    text: str | None  # the library file as it will be; None: unchanged
    added: list[str]  # ids appended
    changed: list[str]  # ids whose entry is replaced


def _dumped(entry: dict[str, Any], indent: int) -> str:
    """One list item of YAML at `indent` columns: `- id: x` and its keys below."""

    lines = yaml.safe_dump(
        [entry], sort_keys=False, allow_unicode=True, default_flow_style=False, width=4096
    ).splitlines()
    return "".join(" " * indent + line + "\n" for line in lines)


def _content_end(text: str, node: Any) -> int:
    """Where a node's own text ends: a block collection's end mark lies after the
    comments and blank lines that follow it, which belong to what comes next."""

    while isinstance(node, CollectionNode) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(last, tuple) else last
    stop: int = node.end_mark.index
    while stop > 0 and text[stop - 1] in " \t\r\n":
        stop -= 1
    return stop


def merge_entries(current: str | None, entries: list[dict[str, Any]]) -> MergedExercises:
    """The user's library text with `entries` merged in (BackpainError when its
    `exercises` list cannot be extended as written, e.g. a flow list `[...]`)."""
    if not entries:
        return MergedExercises(None, [], [])
    if current is None:
        text = LIBRARY_HEADER + "".join(_dumped(entry, 2) for entry in entries)
        return MergedExercises(text, [entry["id"] for entry in entries], [])

    try:
        root = yaml.compose(current, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        root = None
    sequence = None
    if isinstance(root, MappingNode):
        for key, value in root.value:
            if isinstance(key, ScalarNode) and key.value == "exercises":
                sequence = value
    if not isinstance(sequence, SequenceNode) or sequence.flow_style:
        raise BackpainError(
            f"your {EXERCISES_FILE} has no block list of exercises to add to; "
            f"add {', '.join(entry['id'] for entry in entries)} to it yourself"
        )
    edits: list[tuple[int, int, str]] = []
    added: list[str] = []
    changed: list[str] = []
    items = {}
    for item in sequence.value:
        indent = " " * item.start_mark.column  # the item's lines as they stand
        found = yaml.safe_load(indent + current[item.start_mark.index : item.end_mark.index])
        if isinstance(found, dict) and isinstance(found.get("id"), str):
            items[found["id"]] = (item, found)
    column = sequence.start_mark.column
    end = current.find("\n", _content_end(current, sequence)) + 1 or len(current)
    appended = ""
    for entry in entries:
        if entry["id"] not in items:
            appended += _dumped(entry, column)
            added.append(entry["id"])
            continue
        item, found = items[entry["id"]]
        if found == entry:
            continue
        start, stop = item.start_mark.index, _content_end(current, item)
        body = _dumped(entry, column).splitlines()
        lines = [body[0][column + 2 :], *body[1:]]  # the item's first line is in place
        edits.append((start, stop, "\n".join(lines)))
        changed.append(entry["id"])
    if appended:
        before = current[:end]
        if before and not before.endswith("\n"):
            appended = "\n" + appended
        edits.append((end, end, appended))
    text = current
    for start, stop, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[stop:]
    return MergedExercises(text if edits else None, added, changed)
