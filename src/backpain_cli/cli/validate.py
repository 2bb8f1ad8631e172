"""`backpain validate`: check routine files and report every problem at once."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from backpain_cli.cli.common import exercise_library
from backpain_cli.errors import Problem, RoutineError
from backpain_cli.files import file_problem
from backpain_cli.routines.loader import check_file
from backpain_cli.routines.names import file_name_problem
from backpain_cli.text import clean_line


@click.command()
@click.argument("files", nargs=-1, required=True)
def validate(files: tuple[str, ...]) -> None:
    """Check routine files and report every problem at once.

    Each problem is printed as `path:line:column: key.path: what is wrong`.
    Exit status is 0 when every file is valid and 2 when any is not. A file
    named exercises.yaml is checked as an exercise library (see `use` in
    `backpain help format`).

    \b
    Examples:
      backpain validate my-routine.yaml
      backpain validate ~/.config/backpain/routines/*.yaml
    """

    failed = 0
    library = exercise_library()
    for file in files:  # every file is checked, whatever is wrong with the others
        path = Path(file)
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
