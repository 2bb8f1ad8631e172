"""Your own routines: `backpain new` writes one, `backpain edit` opens and checks it."""

from __future__ import annotations

import os
import shutil
from typing import TYPE_CHECKING

import click
import yaml

from backpain_cli.cli import common
from backpain_cli.cli.common import (
    exercise_library,
    fail,
    load,
    locations,
)
from backpain_cli.cli.completion import complete_own_routines, complete_routines
from backpain_cli.cli.editor import (
    editable_path,
    editor_command,
    own_routine_path,
    run_editor,
)
from backpain_cli.errors import Problem, RoutineError
from backpain_cli.files import FileExists, write_atomically
from backpain_cli.routines import template
from backpain_cli.routines.catalogue import Origin
from backpain_cli.routines.loader import check_file
from backpain_cli.routines.reader import read_routine_text
from backpain_cli.text import clean_line, plural
from backpain_cli.transfer.pictures import (
    PictureCopy,
    pictures_to_write,
    routine_pictures,
    write_pictures,
    written_images,
)

if TYPE_CHECKING:
    from pathlib import Path

    from backpain_cli.routines.model import Routine


@click.command("new")
@click.argument("name")
@click.option(
    "--from",
    "source",
    metavar="ROUTINE",
    shell_complete=complete_routines,
    help="Copy this routine (a name or a path) instead of writing the template.",
)
@click.option("--force", is_flag=True, help="Replace a routine of yours that has this name.")
def new_command(name: str, source: str | None, force: bool) -> None:
    """Write a new routine into your routine folder and print its path.

    Without --from it is a commented template that plays as it is: change it
    to suit you. With --from it is a copy of another routine, e.g. a built-in
    one whose doses you want to change. An existing routine of yours is only
    replaced with --force.

    \b
    Examples:
      backpain new my-back
      backpain new my-desk --from upper-back-chair
      backpain new my-back --force
    """
    problem = template.check_name(name)
    if problem:
        fail(problem)
    where = locations()
    path = own_routine_path(where.user_routines, name) or where.user_routines / f"{name}.yaml"
    if path.exists() and not force:
        fail(
            f"{path} already exists; `backpain edit {name}` changes it, "
            "or add --force to replace it"
        )
    pictures: list[PictureCopy] = []
    if source is None:
        text = template.routine_template(name)
    else:
        routine_file, routine = load(source)  # only a routine that loads is worth copying
        origin = (
            f"the built-in routine '{routine_file.name}'"
            if routine_file.origin is Origin.BUILTIN
            else str(routine_file.path)
        )
        original = read_routine_text(routine_file.path)
        text = template.copied_routine(original, name=name, origin=origin)
        pictures = _pictures_of(routine, routine_file.path, original, force=force)
    try:
        write_atomically(path, text, replace=force)  # never a silent replace of a new file
    except FileExists:
        fail(
            f"{path} already exists (it was made just now); `backpain edit {name}` "
            "changes it, or add --force to replace it"
        )
    if pictures:
        write_pictures(pictures, where.user_routines)
        click.echo(f"{plural(len(pictures), 'picture')} copied along with it", err=True)
    click.echo(clean_line(str(path)))
    if (where.builtin_routines / f"{name}.yaml").is_file():
        click.echo(
            f"note: it replaces the built-in routine '{name}' for you; "
            "delete the file to get the built-in one back",
            err=True,
        )
    click.echo(
        f"Change it with `backpain edit {name}`, play it with `backpain start {name}`.", err=True
    )


def _pictures_of(routine: Routine, path: Path, text: str, *, force: bool) -> list[PictureCopy]:
    """The pictures a copy of the routine at `path` needs in the user's folder (the ones
    its file names, from its folder); a different file already there needs --force."""

    target = locations().user_routines
    if path.parent.resolve() == target.resolve():
        return []  # a copy of one of your routines: its pictures are already beside it
    wanted = routine_pictures(routine, path.parent, written_images(yaml.safe_load(text)))
    writes, conflicts = pictures_to_write(wanted, target)
    if conflicts and not force:
        fail(
            f"{target / conflicts[0]} already exists and is another picture; "
            "rename one of them, or add --force to replace it"
        )
    return writes


@click.command("edit")
@click.argument("name", shell_complete=complete_own_routines)
def edit_command(name: str) -> None:
    """Open a routine of yours in your editor and check it when you save.

    The editor is $VISUAL or $EDITOR, else `editor`, `nano` or `vi` (Notepad on
    Windows). When the saved file has problems they are shown and you can open
    it again to fix them. NAME is one of your routines, `exercises` for your
    exercises.yaml, or a path to a routine file.

    \b
    Examples:
      backpain edit my-back
      EDITOR="code --wait" backpain edit my-back
      backpain edit ./for-a-patient.yaml
    """

    path = editable_path(name, locations())
    command = editor_command(os.environ, windows=os.name == "nt", which=shutil.which)
    while True:
        run_editor(command, path)
        try:
            warnings: list[Problem] = []
            checked = check_file(path, library=exercise_library(), warnings=warnings)
            click.echo(f"{clean_line(str(path))}: ok ({checked})")
            for warning in warnings:
                click.echo(str(warning), err=True)
            return
        except RoutineError as error:
            click.echo(str(error), err=True)
        if not common.interactive():
            fail(f"{path} has problems (above); it is kept as you saved it")
        if not click.confirm("Open it again to fix them?", default=True, err=True):
            fail(f"{path} is kept as you saved it; `backpain validate {path}` checks it again")
