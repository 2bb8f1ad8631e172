"""`backpain add` and `backpain pack`: a routine arrives whole, and leaves whole."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from backpain_cli.cli import common
from backpain_cli.cli.common import fail, locations
from backpain_cli.cli.completion import complete_routines
from backpain_cli.routines.catalogue import resolve_routine
from backpain_cli.text import clean, clean_line, plural

if TYPE_CHECKING:
    from backpain_cli.transfer.install import InstallPlan

PACK_SUFFIX = ".backpain"


@click.command("add")
@click.argument("file", metavar="FILE")
@click.option(
    "--yes", "-y", is_flag=True, help="Replace a routine of the same name without asking."
)
def add_command(file: str, yes: bool) -> None:
    """Install a routine file, or a pack (.backpain), into your routines, with its
    pictures and the exercises it uses from the exercises.yaml beside it.

    Everything is checked before anything is written. A routine of yours with the
    same name is replaced only after you have seen what changes and said yes (or
    with --yes); the version it replaces is kept, and the message says how to put it
    back.

    \b
    Examples:
      backpain add ~/Downloads/neck.yaml
      backpain add neck-from-my-therapist.backpain
      backpain add neck.backpain --yes
    """
    from backpain_cli.transfer import install, pack  # PyYAML: not in `add --help`

    path = Path(file).expanduser()
    where = locations()
    if path.suffix.lower() == PACK_SUFFIX:
        bundle = pack.read_pack(path)
    else:
        bundle = install.bundle_from_file(path, where)
    planned = install.plan(bundle, where, shown=str(path))
    if bundle.note:
        click.echo(f"Note from the pack: {clean(bundle.note)}")
    name = planned.routine.name
    if planned.unchanged:
        click.echo(f"{name} is installed exactly so already; nothing changed.")
        return
    if planned.changes:
        click.echo(f"Adding {clean_line(str(path))} changes {name}:")
        for change in planned.changes:
            click.echo(f"  {clean_line(change)}")
        _confirm(planned, yes)
    kept = install.install(planned, where, now=common.utc_now())
    click.echo(f"Added {name} ({clean_line(planned.routine.title)}): {planned.target}")
    extras = []
    if planned.pictures:
        extras.append(f"{plural(len(planned.pictures), 'picture')}")
    if planned.library is not None:
        extras.append(f"{plural(len(bundle.exercises), 'exercise')} into your exercises.yaml")
    if extras:
        click.echo(f"With it: {', '.join(extras)}.")
    if kept is not None:
        click.echo(
            f"The version it replaced is kept in {kept}; "
            f"`backpain add {kept / planned.target.name}` puts it back."
        )
    if (where.builtin_routines / f"{name}.yaml").is_file():
        click.echo(f"note: it replaces the built-in routine '{name}' for you", err=True)
    click.echo(f"Play it with `backpain start {name}`.")


def _confirm(planned: InstallPlan, yes: bool) -> None:
    if yes:
        return
    if not common.interactive():
        fail(f"add --yes to change {planned.routine.name} without a question; nothing was changed")
    if not click.confirm("Change it?", default=False):
        click.echo("Nothing was changed.")
        raise SystemExit(0)


@click.command("pack")
@click.argument("routine", shell_complete=complete_routines)
@click.option(
    "-o", "--output", metavar="FILE", help="Write the pack here (default: ROUTINE.backpain)."
)
@click.option("--note", metavar="TEXT", default="", help="A note shown when the pack is added.")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
def pack_command(routine: str, output: str | None, note: str, force: bool) -> None:
    """Write one file with a routine and everything it needs, to e-mail or share:
    its pictures and the exercises it uses from your exercise library.

    `backpain add FILE` installs it on the other side, after checking all of it.

    \b
    Examples:
      backpain pack neck-mobility
      backpain pack ./for-a-patient.yaml -o neck.backpain --note "Twice a day, gently."
    """
    from backpain_cli.transfer import install, pack  # PyYAML: not in `pack --help`

    where = locations()
    routine_file = resolve_routine(routine, where)
    bundle = install.bundle_from_file(routine_file.path, where)._replace(note=note)
    target = Path(output).expanduser() if output else Path(f"{bundle.name}{PACK_SUFFIX}")
    if target.suffix.lower() != PACK_SUFFIX:
        fail(f"{target}: a pack's name ends in {PACK_SUFFIX}, so `backpain add` knows it")
    if target.exists() and not force:
        fail(f"{target} already exists; add --force to replace it")
    size = pack.write_pack(bundle, target)
    pictures = plural(len(bundle.pictures), "picture")
    click.echo(f"Packed {bundle.name} into {target} ({size // 1024 + 1} KiB)")
    exercises = plural(len(bundle.exercises), "exercise")
    click.echo(f"With it: {pictures} and {exercises} of its exercise library.")
    click.echo(f"On the other side: `backpain add {target.name}`.")
