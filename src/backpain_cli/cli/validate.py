"""`backpain validate`: check routine files and report every problem at once."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from backpain_cli.cli.common import exercise_library, locations, routine_folders
from backpain_cli.errors import Problem, RoutineError, RoutineNotFound
from backpain_cli.files import exists_somehow, file_problem
from backpain_cli.routines.catalogue import folders_beside, resolve_routine
from backpain_cli.routines.loader import ExerciseLibrary, check_file
from backpain_cli.routines.names import (
    EXERCISES_FILE,
    RESERVED_NAMES,
    file_name_problem,
    is_routine_name,
)
from backpain_cli.text import clean_line


@click.command()
@click.argument("files", nargs=-1, required=True)
def validate(files: tuple[str, ...]) -> None:
    """Check routine files (or your routines by name) and report every problem at once.

    Each problem is printed as `path:line:column: key.path: what is wrong`.
    Exit status is 0 when every file is valid and 2 when any is not. A file
    named exercises.yaml is checked as an exercise library (see `use` in
    `backpain help format`); `exercises` alone is your own library. `use: ID`
    is looked up beside each file first, then in your routines, then in the
    built-ins, as `start FILE` does.

    \b
    Examples:
      backpain validate my-routine.yaml
      backpain validate my-back
      backpain validate ~/.config/backpain/routines/*.yaml
    """

    failed = 0
    where = locations()
    folders = routine_folders(where)
    libraries: dict[tuple[Path, ...], ExerciseLibrary] = {}  # one per folder, read once
    for file in files:  # every file is checked, whatever is wrong with the others
        path = Path(file)
        if file in RESERVED_NAMES and not exists_somehow(path):  # as `edit exercises` opens it
            path = where.user_routines / EXERCISES_FILE
        elif is_routine_name(file) and not exists_somehow(path):  # a name, as `show` takes it
            try:
                path = resolve_routine(file, where).path
            except RoutineNotFound as error:
                failed += 1
                click.echo(str(error), err=True)
                continue
        beside = folders_beside(path, folders)  # `use:` as `start FILE` would follow it
        if beside not in libraries:
            libraries[beside] = exercise_library(beside)
        library = libraries[beside]
        try:
            warnings: list[Problem] = []
            checked = check_file(path, library=library, warnings=warnings)
            click.echo(f"{clean_line(file)}: ok ({checked})")
            for warning in warnings:
                click.echo(str(warning), err=True)
        except RoutineError as error:
            failed += 1
            click.echo(str(error), err=True)
        name_note = file_name_problem(path) if file_problem(path) is None else None
        if name_note is not None:  # playable by path, not by name: a note, not a failure
            click.echo(f"{clean_line(file)}: note: {name_note}", err=True)
    if failed:
        click.echo(
            f"{failed} of {len(files)} file{'s' if len(files) > 1 else ''} with problems", err=True
        )
        sys.exit(2)
