"""Find routine files by name or path: the user's folder first, then the built-ins.

A name is only ever looked up inside the routine folders; anything with a path
separator or a YAML suffix is taken as a path and must be a routine file.
"""

from __future__ import annotations

import enum
import os
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from backpain_cli.errors import Problem, RoutineNotFound
from backpain_cli.files import file_problem
from backpain_cli.locations import Locations
from backpain_cli.routines.names import (
    EXERCISES_FILE,
    RESERVED_NAMES,
    ROUTINE_SUFFIXES,
    file_name_problem,
    is_routine_name,
    name_from_file,
)
from backpain_cli.text import did_you_mean

if TYPE_CHECKING:
    from collections.abc import Sequence

EXAMPLES_FOLDER = "examples"  # in the built-in routines: examples of the format


class Origin(enum.Enum):
    BUILTIN = "built-in"
    EXAMPLE = "example"  # shipped to show the format, not a built-in prescription
    USER = "user"
    PATH = "path"


class RoutineFile(NamedTuple):
    name: str
    path: Path
    origin: Origin
    shadows: Path | None = None  # the built-in this user routine hides
    # Why this file cannot be played by name (names.file_name_problem), None when it can:
    # `list` shows such a file, marked, and nothing else offers or accepts its name.
    problem: str | None = None

    @property
    def playable(self) -> bool:
        return self.problem is None


def _files_in(folder: Path) -> tuple[dict[str, Path], list[Path]]:
    """The routine files of FOLDER by name, and the YAML files (any case of the
    suffix) whose names cannot be played."""
    try:
        entries = sorted(folder.iterdir())
    except OSError:  # missing or unreadable folder: simply no routines there
        return {}, []
    found: dict[str, Path] = {}
    unplayable: list[Path] = []
    for entry in entries:
        if entry.name == EXERCISES_FILE:
            continue  # the exercise library of that folder, not a routine
        if entry.suffix.lower() not in ROUTINE_SUFFIXES or not entry.is_file():
            continue
        if file_name_problem(entry) is None:
            found.setdefault(entry.stem, entry)
        else:
            unplayable.append(entry)
    return found, unplayable


def find_routine_files(locations: Locations) -> list[RoutineFile]:
    """Every routine by name, sorted; a user routine shadows a built-in of the same name.
    Files of the user's whose names cannot be played come last, marked with `problem`."""
    builtins, _ = _files_in(locations.builtin_routines)
    examples, _ = _files_in(locations.builtin_routines / EXAMPLES_FOLDER)
    users, unplayable = _files_in(locations.user_routines)
    found = {name: RoutineFile(name, path, Origin.EXAMPLE) for name, path in examples.items()}
    found.update({name: RoutineFile(name, path, Origin.BUILTIN) for name, path in builtins.items()})
    for name, path in users.items():
        found[name] = RoutineFile(name, path, Origin.USER, builtins.get(name))
    marked = [
        RoutineFile(path.name, path, Origin.USER, problem=file_name_problem(path))
        for path in unplayable
    ]
    return [found[name] for name in sorted(found)] + marked


def playable_routine_files(locations: Locations) -> list[RoutineFile]:
    """The routines that can be played by name: what completion offers and `start` takes."""
    return [routine_file for routine_file in find_routine_files(locations) if routine_file.playable]


def folders_beside(path: Path, folders: Sequence[Path]) -> tuple[Path, ...]:
    """Where a routine file given as a path looks up `use:` entries: its own folder
    first (the `exercises.yaml` and routines beside it, as its author wrote them), then
    `folders` (the user's, then the built-ins), each folder once. `add`, `pack`,
    `validate`, `show`, `start` and `today` all follow this one rule."""
    own = path.parent
    resolved = os.path.realpath(own)  # never raises, a loop of links included
    return (own, *(folder for folder in folders if os.path.realpath(folder) != resolved))


def looks_like_path(reference: str) -> bool:
    return "/" in reference or "\\" in reference or reference.lower().endswith(ROUTINE_SUFFIXES)


def resolve_routine(reference: str, locations: Locations) -> RoutineFile:
    """The routine file a command-line reference (name or path) means."""
    if looks_like_path(reference):
        path = Path(reference).expanduser()
        problem = file_problem(path)
        if problem is not None and path.is_dir():
            raise RoutineNotFound(Problem(reference, "is a folder, not a routine file"))
        if path.suffix.lower() not in ROUTINE_SUFFIXES:
            raise RoutineNotFound(
                Problem(reference, "is not a routine file (routine files end in .yaml or .yml)")
            )
        if problem is not None:
            raise RoutineNotFound(Problem(reference, problem))
        return RoutineFile(name_from_file(path), path, Origin.PATH)
    if reference in RESERVED_NAMES:
        raise RoutineNotFound(
            Problem(
                reference,
                f"is the exercise library ({EXERCISES_FILE}), not a routine; "
                "`backpain list` shows them all",
            )
        )
    if not is_routine_name(reference):
        raise RoutineNotFound(
            Problem(
                reference,
                "is not a routine name (lowercase letters, digits and dashes); "
                "`backpain list` shows them all",
            )
        )
    files = playable_routine_files(locations)
    for routine_file in files:
        if routine_file.name == reference:
            return routine_file
    hint = did_you_mean(reference, [routine_file.name for routine_file in files])
    raise RoutineNotFound(
        Problem(reference, f"no routine of that name{hint}; `backpain list` shows them all")
    )
