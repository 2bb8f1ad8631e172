"""The one rule for routine names, for every command: what `list` shows, `start`, `show`,
`edit` and completion accept, `new` writes and `validate` warns about.

A routine name is lowercase letters, digits and dashes, starting with a letter or a
digit, at most 64 characters (`format.SLUG_PATTERN`), and not `exercises` (that file is
the exercise library). A routine file in a routine folder is played by name when its
file name is such a name plus `.yaml` or `.yml`; any other file can still be played,
shown and checked by its path.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from backpain_cli.routines.format import LIBRARY_NAME, SLUG_PATTERN
from backpain_cli.text import clean_line

EXERCISES_FILE = f"{LIBRARY_NAME}.yaml"  # a folder's exercise library, not a routine
RESERVED_NAMES = (LIBRARY_NAME,)
ROUTINE_SUFFIXES = (".yaml", ".yml")
_NAME = re.compile(SLUG_PATTERN.removeprefix("^").removesuffix("$"))
_NOT_NAME = re.compile(r"[^a-z0-9]+")


def is_routine_name(name: str) -> bool:
    return _NAME.fullmatch(name) is not None and name not in RESERVED_NAMES


def name_problem(name: str) -> str | None:
    """Why NAME cannot be a routine name, or None when it can."""
    if _NAME.fullmatch(name) is None:
        return (
            f"'{clean_line(name)}' is not a routine name: use lowercase letters, digits and "
            "dashes (at most 64), e.g. 'my-back'"
        )
    if name in RESERVED_NAMES:
        return (
            f"'{name}' is reserved for the exercise library ({EXERCISES_FILE}); pick another name"
        )
    return None


def suggested_name(stem: str) -> str | None:
    """A routine name close to STEM (`My Neck` -> `my-neck`), or None when nothing of it
    is left (a stem of only punctuation or other scripts)."""
    name = _NOT_NAME.sub("-", stem.lower()).strip("-")[:64].rstrip("-")
    if not name:
        return None
    return name if name not in RESERVED_NAMES else f"my-{name}"


def name_from_file(path: PurePath) -> str:
    """The routine name a file gives when its routine has no `name:` of its own: the file
    name without its suffix when that is a routine name, else the closest one."""
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    if is_routine_name(stem):
        return stem
    return suggested_name(stem) or "routine"


def file_name_problem(path: PurePath) -> str | None:
    """Why the routine in PATH cannot be played by its name once it is in a routine
    folder, with the file name to rename it to; None when it can (and for exercises.yaml)."""
    name = path.name
    if name == EXERCISES_FILE:
        return None
    suffix = path.suffix
    stem = name[: -len(suffix)] if suffix else name
    if suffix in ROUTINE_SUFFIXES and is_routine_name(stem):
        return None
    if suffix.lower() in ROUTINE_SUFFIXES:
        new_suffix = suffix.lower()
        why = [] if suffix in ROUTINE_SUFFIXES else [f"it ends in {clean_line(suffix)}"]
    else:
        new_suffix = ".yaml"
        why = ["it does not end in .yaml or .yml" if suffix else "it has no .yaml ending"]
    if not is_routine_name(stem):
        why.insert(0, "its name is not lowercase letters, digits and dashes")
    better = suggested_name(stem)
    rename = f"rename it to {better}{new_suffix}" if better else "rename it, e.g. my-routine.yaml"
    return f"cannot be played by name ({' and '.join(why)}): {rename}"
