"""Exercise reuse: `- use: ID` entries, resolved against shared definitions.

An entry `- use: scapular-squeeze` (plus overrides such as `hold: 3`) takes every key of
the exercise with that id and replaces only what the entry gives. `use: ID` is looked up
in the same file first, then in `exercises.yaml` of each routine folder in turn (the
user's, then the built-in one); `use: ROUTINE/ID` takes the exercise from another routine.
Unknown ids, routines and circular references are reported at the `use` key.

The loader parses files (and finds them: `loader.ExerciseLibrary`); this module only
follows references between parsed entries, so it imports nothing of the loader's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from yaml.nodes import Node

from backpain_cli.errors import Problem
from backpain_cli.routines.dose import take_over
from backpain_cli.routines.names import EXERCISES_FILE as EXERCISES_FILE
from backpain_cli.text import did_you_mean

if TYPE_CHECKING:
    from pathlib import Path

# Plain classes, not records: working state of one lookup, never compared or printed.


class Entry:
    """One item of an `exercises` list, checked but not yet resolved."""

    __slots__ = ("id", "key_path", "node", "use_node", "values")

    def __init__(
        self,
        node: Node,
        key_path: str,
        values: dict[str, Any] | None,
        use_node: Node | None = None,
        id: str | None = None,
    ) -> None:
        self.node = node
        self.key_path = key_path  # e.g. exercises[2]
        self.values = values  # checked keys as written; None when the entry has problems
        self.use_node = use_node  # the value node of `use`, for positions
        self.id = id  # its own id or the used one's, even when other keys have problems


class DefinitionFile:
    """The exercise entries of one file (a routine or an exercises file)."""

    __slots__ = ("entries", "pictures", "problems", "shown", "source")

    def __init__(
        self,
        source: str,
        shown: str,
        entries: list[Entry],
        problems: list[Problem] | None = None,
        pictures: list[Path] | None = None,
    ) -> None:
        self.source = source  # identity for cycle detection: the resolved path, or the name
        self.shown = shown  # as printed in messages
        self.entries = entries
        self.problems = problems if problems is not None else []
        self.pictures = pictures if pictures is not None else []  # the files its checks read

    def find(self, exercise_id: str, *, skip: tuple[str, str] | None = None) -> Entry | None:
        """The entry with that id, other than the one `skip` (source, key path) names."""
        for entry in self.entries:
            if entry.id == exercise_id and (self.source, entry.key_path) != skip:
                return entry
        return None

    def ids(self, *, skip: tuple[str, str] | None = None) -> list[str]:
        return [
            entry.id
            for entry in self.entries
            if entry.id is not None and (self.source, entry.key_path) != skip
        ]


class Definitions(Protocol):
    """Where `use` references are looked up: the loader's `ExerciseLibrary` reads them
    from the routine folders; this module only follows references between them."""

    def shared(self) -> list[DefinitionFile]:
        """The exercises files, most specific (the user's) first."""

    def routine(self, name: str) -> DefinitionFile | None:
        """The routine of that name, as a definition file."""

    def routine_names(self) -> list[str]:
        """Every routine name, for did-you-mean hints."""


class _Unresolved(Exception):
    """A reference that cannot be followed, located at the entry whose `use` fails."""

    def __init__(
        self,
        file: DefinitionFile,
        entry: Entry,
        message: str | None,
        broken: DefinitionFile | None = None,
    ) -> None:
        super().__init__(message)
        self.file = file
        self.entry = entry
        self.message = message  # None: the problem is reported elsewhere
        self.broken = broken  # a file with problems that the lookup had to read

    def problem(self) -> Problem:
        assert self.message is not None
        return _problem_at(self.file, self.entry, self.message)


def _problem_at(file: DefinitionFile, entry: Entry, message: str) -> Problem:
    node = entry.use_node or entry.node
    mark = node.start_mark
    return Problem(file.shown, message, mark.line + 1, mark.column + 1, f"{entry.key_path}.use")


_Link = tuple[tuple[str, str], str]  # ((source, key path), label)


class ReferenceResolver:
    """Follows `use` references from the entries of one file."""

    def __init__(self, library: Definitions, current: DefinitionFile) -> None:
        self.library = library
        self.current = current
        self._done: dict[tuple[str, str], dict[str, Any]] = {}
        self.broken: dict[str, DefinitionFile] = {}  # other files with problems, by source

    def resolve(self, entry: Entry) -> tuple[dict[str, Any] | None, Problem | None]:
        """The entry's keys with its reference followed, or None and the problem to report.

        The problem is None when it is reported elsewhere: at another entry of this
        file, or in the entry's own checks. A lookup that needs another file with
        problems is reported once per file, at the first entry that needs it; the
        file's own problems are in `broken` for the caller to list.
        """
        if entry.values is None:
            return None, None
        try:
            return self._follow(self.current, entry, ()), None
        except _Unresolved as failure:
            broken = failure.broken
            if broken is not None:
                if broken.source in self.broken or broken.source == self.current.source:
                    return None, None
                self.broken[broken.source] = broken
                message = f"cannot look up '{entry.values['use']}': {broken.shown} has problems"
                return None, _problem_at(self.current, entry, message + " (listed below)")
            if failure.message is None:
                return None, None
            if failure.file.source == self.current.source:
                if failure.entry.key_path == entry.key_path:
                    return None, failure.problem()
                return None, None  # reported when that entry is resolved itself
            ref = entry.values["use"]
            return None, _problem_at(
                self.current, entry, f"cannot use '{ref}': {failure.problem()}"
            )

    def _follow(
        self, file: DefinitionFile, entry: Entry, chain: tuple[_Link, ...]
    ) -> dict[str, Any]:
        values = entry.values
        if values is None:
            raise _Unresolved(file, entry, None)
        if "use" not in values:
            return values
        key = (file.source, entry.key_path)
        label = entry.id or "?"
        for index, (seen, _) in enumerate(chain):
            if seen == key:
                names = [name for _, name in chain[index:]] + [label]
                raise _Unresolved(file, entry, "circular reference: " + " → ".join(names))
        if key in self._done:
            return self._done[key]
        target_file, target = self._find(file, entry, str(values["use"]))
        base = self._follow(target_file, target, (*chain, (key, label)))
        merged = {name: value for name, value in base.items() if name not in ("use", "id")}
        merged = take_over(merged, values)
        merged.update({name: value for name, value in values.items() if name != "use"})
        merged["id"] = label
        self._done[key] = merged
        return merged

    def _find(self, file: DefinitionFile, entry: Entry, ref: str) -> tuple[DefinitionFile, Entry]:
        here = (file.source, entry.key_path)
        if "/" in ref:
            routine_name, exercise_id = ref.split("/", 1)
            routine = self.library.routine(routine_name)
            if routine is None:
                hint = did_you_mean(routine_name, self.library.routine_names())
                raise _Unresolved(file, entry, f"no routine called '{routine_name}'{hint}")
            _check_usable(routine, file, entry, ref)
            target = routine.find(exercise_id, skip=here)
            if target is None:
                hint = did_you_mean(exercise_id, routine.ids(skip=here))
                raise _Unresolved(
                    file, entry, f"routine '{routine_name}' has no exercise '{exercise_id}'{hint}"
                )
            return routine, target
        target = file.find(ref, skip=here)
        if target is not None:
            return file, target
        known = file.ids(skip=here)
        for shared in self.library.shared():
            if shared.source == file.source:
                continue  # searched already, as this very file
            _check_usable(shared, file, entry, ref)
            target = shared.find(ref, skip=here)
            if target is not None:
                return shared, target
            known += shared.ids()
        hint = did_you_mean(ref, sorted(set(known)))
        raise _Unresolved(
            file,
            entry,
            f"unknown exercise '{ref}'{hint}; define it in this file or in {EXERCISES_FILE}, "
            "or write ROUTINE/ID to use one from another routine",
        )


def _check_usable(other: DefinitionFile, file: DefinitionFile, entry: Entry, ref: str) -> None:
    if other.problems:
        raise _Unresolved(file, entry, None, broken=other)
