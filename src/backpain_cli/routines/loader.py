"""Loading routine files: every problem reported at once, with file:line:column.

`reader` turns a file into a YAML node tree (refusing what a routine never needs),
`checker` turns the tree into a `Routine`, following `use:` references through an
`ExerciseLibrary`: the exercise files and routines of each routine folder, read when
first needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import backpain_cli.locations
from backpain_cli.errors import Problem, RoutineError
from backpain_cli.routines.checker import Checker
from backpain_cli.routines.format import LIBRARY_KEYS, ROUTINE_KEYS
from backpain_cli.routines.library import DefinitionFile, ReferenceResolver
from backpain_cli.routines.model import Routine
from backpain_cli.routines.names import EXERCISES_FILE, name_from_file
from backpain_cli.routines.reader import (
    YamlLoader,
    compose,
    decode_routine,
    read_routine_bytes,
    read_routine_text,
)
from backpain_cli.text import plural


class ExerciseLibrary:
    """Shared definitions: `exercises.yaml` and routines by name in each folder, in order.

    Files are parsed when first needed and kept, so one library serves a whole command.
    """

    def __init__(self, folders: Sequence[Path]) -> None:
        self.folders = tuple(folders)
        self._files: dict[Path, DefinitionFile | None] = {}

    def shared(self) -> list[DefinitionFile]:
        """The exercises files that exist, most specific (the user's) first."""
        found = (self._load(folder / EXERCISES_FILE, routine=False) for folder in self.folders)
        return [file for file in found if file is not None]

    def routine(self, name: str) -> DefinitionFile | None:
        for folder in self.folders:
            for suffix in (".yaml", ".yml"):
                file = self._load(folder / f"{name}{suffix}", routine=True)
                if file is not None:
                    return file
        return None

    def routine_names(self) -> list[str]:
        names: set[str] = set()
        for folder in self.folders:
            try:
                names.update(
                    path.stem
                    for path in folder.iterdir()
                    if path.suffix in (".yaml", ".yml") and path.name != EXERCISES_FILE
                )
            except OSError:
                continue
        return sorted(names)

    def watched(self) -> list[Path]:
        """Every file this library looked for, found or not, and the pictures their
        checks read: what a routine loaded through it depends on (`cache`)."""
        found = list(self._files)
        for file in self._files.values():
            if file is not None:
                found += file.pictures
        return found

    def _load(self, path: Path, *, routine: bool) -> DefinitionFile | None:
        if path not in self._files:
            if (path.name == EXERCISES_FILE and routine) or not path.is_file():
                self._files[path] = None
            else:
                self._files[path] = read_definitions(path, routine=routine)
        return self._files[path]


def builtin_library() -> ExerciseLibrary:
    """Only the built-in exercises file: what loading means without the user's folders."""
    return ExerciseLibrary((backpain_cli.locations.builtin_routines_dir(),))


def load_routine(
    path: Path,
    *,
    default_name: str | None = None,
    library: ExerciseLibrary | None = None,
    known_routines: list[str] | None = None,
    watched: list[Path] | None = None,
) -> Routine:
    """Load and validate one routine file; raises RoutineError listing every problem.

    `use` entries are looked up in `library` (default: the built-in exercises only).
    With `known_routines`, a `counts_as` must name one of them. Every file the routine
    was made from (this one first) is added to `watched`.
    """
    data = read_routine_bytes(path)  # read once: the routine keeps them for its hash
    if watched is not None:
        watched.append(path)
    return parse_routine(
        decode_routine(data, str(path)),
        str(path),
        default_name=default_name or _stem(path),
        library=library,
        source=str(path.resolve()),
        known_routines=known_routines,
        content=data,
        watched=watched,
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
    content: bytes | None = None,
    watched: list[Path] | None = None,
) -> Routine:
    """Validate routine text (`shown` names it in messages); raises RoutineError.

    `source` identifies the file when following references (default: `shown`);
    `content` is the bytes the text was read from (default: the text in UTF-8). The
    files the routine's references and pictures were read from are added to `watched`.
    """
    node = compose(text, shown, loader=loader)
    library = library or builtin_library()
    checker = Checker(shown, library=library, source=source)
    checker.known_routines = known_routines
    checker.source_text = text
    content = text.encode() if content is None else content
    routine = checker.routine(node, default_name, content=content)
    if checker.problems:
        # Report in reading order, whatever order the checks ran in.
        raise RoutineError(_in_reading_order(checker.problems, shown))
    assert routine is not None
    if watched is not None:
        watched += checker.pictures + library.watched()
    return routine


def _stem(path: Path) -> str:
    """The routine name the file name gives (`My Neck.yaml` -> `my-neck`): the one name
    rule, so a name from a file is one `start` would take."""

    return name_from_file(path)


def read_definitions(path: Path, *, routine: bool) -> DefinitionFile:
    """The checked, unresolved exercise entries of a routine file or an exercises file."""
    shown = str(path)
    source = str(path.resolve())
    try:
        text = read_routine_text(path)
        node = compose(text, shown)
    except RoutineError as error:
        return DefinitionFile(source, shown, [], error.problems)
    checker = Checker(shown, source=source)
    checker.source_text = text
    checker.hold_required = routine
    entries = checker.definitions(node, ROUTINE_KEYS if routine else LIBRARY_KEYS)
    return DefinitionFile(source, shown, entries, checker.problems, checker.pictures)


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


def check_file(
    path: Path,
    *,
    library: ExerciseLibrary | None = None,
    warnings: list[Problem],
) -> str:
    """Check a routine file, or an exercise library (exercises.yaml), for `validate` and
    `edit`: what it holds ('upper-back, 5 exercises'; 'exercise library, 3 exercises'),
    or RoutineError with every problem. A routine's warnings (valid, but likely not
    meant) are added to `warnings`."""
    if path.name == EXERCISES_FILE:
        ids = load_exercises_file(path, library=library)
        return f"exercise library, {plural(len(ids), 'exercise')}"
    known = (library or builtin_library()).routine_names()
    routine = load_routine(path, library=library, known_routines=known)
    warnings.extend(routine.warnings)
    return f"{routine.name}, {plural(len(routine.exercises), 'exercise')}"


def _in_reading_order(problems: list[Problem], shown: str) -> list[Problem]:
    """This file's problems by position, then those of the files it uses (in order)."""
    return sorted(problems, key=lambda p: (p.path != shown, p.line or 0, p.column or 0))
