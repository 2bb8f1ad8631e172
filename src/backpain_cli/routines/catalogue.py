"""Find routine files by name or path: the user's folder first, then the built-ins.

A name is only ever looked up inside the routine folders; anything with a path
separator or a YAML suffix is taken as a path and must be a routine file.
"""

from __future__ import annotations

import enum
import re
from pathlib import Path
from typing import NamedTuple

from backpain_cli.errors import Problem, RoutineNotFound
from backpain_cli.locations import Locations
from backpain_cli.routines.format import SLUG_PATTERN
from backpain_cli.routines.library import EXERCISES_FILE
from backpain_cli.routines.loader import did_you_mean

ROUTINE_SUFFIXES = (".yaml", ".yml")


class Origin(enum.Enum):
    BUILTIN = "built-in"
    USER = "user"
    PATH = "path"


class RoutineFile(NamedTuple):
    name: str
    path: Path
    origin: Origin
    shadows: Path | None = None  # the built-in this user routine hides


def _files_in(folder: Path) -> dict[str, Path]:
    try:
        entries = sorted(folder.iterdir())
    except OSError:  # missing or unreadable folder: simply no routines there
        return {}
    found: dict[str, Path] = {}
    for entry in entries:
        if entry.name == EXERCISES_FILE:
            continue  # the exercise library of that folder, not a routine
        if entry.suffix in ROUTINE_SUFFIXES and entry.is_file():
            found.setdefault(entry.stem, entry)
    return found


def find_routine_files(locations: Locations) -> list[RoutineFile]:
    """Every routine by name, sorted; a user routine shadows a built-in of the same name."""
    builtins = _files_in(locations.builtin_routines)
    users = _files_in(locations.user_routines)
    found = {name: RoutineFile(name, path, Origin.BUILTIN) for name, path in builtins.items()}
    for name, path in users.items():
        found[name] = RoutineFile(name, path, Origin.USER, builtins.get(name))
    return [found[name] for name in sorted(found)]


def looks_like_path(reference: str) -> bool:
    return "/" in reference or "\\" in reference or reference.endswith(ROUTINE_SUFFIXES)


def resolve_routine(reference: str, locations: Locations) -> RoutineFile:
    """The routine file a command-line reference (name or path) means."""
    if looks_like_path(reference):
        path = Path(reference).expanduser()
        if path.is_dir():
            raise RoutineNotFound(Problem(reference, "is a folder, not a routine file"))
        if path.suffix not in ROUTINE_SUFFIXES:
            raise RoutineNotFound(
                Problem(reference, "is not a routine file (routine files end in .yaml or .yml)")
            )
        if not path.is_file():
            message = "is not a regular file" if path.exists() else "no such file"
            raise RoutineNotFound(Problem(reference, message))
        return RoutineFile(path.stem, path, Origin.PATH)
    if not re.match(SLUG_PATTERN, reference):
        raise RoutineNotFound(
            Problem(
                reference,
                "is not a routine name (lowercase letters, digits and dashes); "
                "`backpain list` shows them all",
            )
        )
    files = find_routine_files(locations)
    for routine_file in files:
        if routine_file.name == reference:
            return routine_file
    hint = did_you_mean(reference, [routine_file.name for routine_file in files])
    raise RoutineNotFound(
        Problem(reference, f"no routine of that name{hint}; `backpain list` shows them all")
    )
