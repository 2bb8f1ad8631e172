"""The `backpain` command line: the only place that reads the environment and builds the
real console, clock, sound and key reader, then hands them to the domain code.

Start-up time matters (people run this between meetings), so only click is imported at
module level; every command imports what it needs when it runs.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, NoReturn

import click

from backpain_cli import __version__

if TYPE_CHECKING:
    from rich.console import Console

    from backpain_cli.catalogue import RoutineFile
    from backpain_cli.config import Settings
    from backpain_cli.library import ExerciseLibrary
    from backpain_cli.locations import Locations
    from backpain_cli.model import Routine


class _Group(click.Group):
    """Turns errors a user can cause into a clear message and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        from backpain_cli.errors import BackpainError

        try:
            return super().invoke(ctx)
        except BackpainError as error:
            _fail(str(error), error.exit_code)


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"backpain: {message}", err=True)
    sys.exit(code)


def locations() -> Locations:
    from backpain_cli.locations import locations_from_environment

    return locations_from_environment(os.environ)


def make_console(*, plain: bool = False, stderr: bool = False) -> Console:
    """A rich console; plain (no colour, no markup styling) off a terminal or when asked."""
    from rich.console import Console

    console = Console(stderr=stderr, highlight=False, emoji=False)
    if plain or is_plain(console):
        # Off a terminal nothing is wrapped: lines stay whole for grep, files and
        # screen readers, and tables take only the width they need.
        return Console(stderr=stderr, highlight=False, emoji=False, no_color=True, width=1000)
    return console


def is_plain(console: Console) -> bool:
    return not console.is_terminal or console.no_color or os.environ.get("TERM") == "dumb"


def load(reference: str) -> tuple[RoutineFile, Routine]:
    from backpain_cli.catalogue import resolve_routine
    from backpain_cli.loader import load_routine

    routine_file = resolve_routine(reference, locations())
    routine = load_routine(
        routine_file.path, default_name=routine_file.name, library=exercise_library()
    )
    return routine_file, routine


def exercise_library() -> ExerciseLibrary:
    """Where `use: ID` entries are looked up: the user's routine folder, then the built-ins."""
    from backpain_cli.library import ExerciseLibrary

    where = locations()
    return ExerciseLibrary((where.user_routines, where.builtin_routines))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="backpain")
def cli() -> None:
    """A calm terminal coach for physical-therapy exercise routines.

    \b
    Examples:
      backpain start upper-back      play the upper-back routine
      backpain list                  the routines you can play
      backpain show upper-back       a printable summary of one routine

    This is general education, not medical advice. If anything is painful or
    does not feel right, stop and talk to your healthcare provider.
    """


@cli.command("list")
def list_command() -> None:
    """List every routine: built-in ones and your own.

    \b
    Example:
      backpain list
    """
    from backpain_cli.catalogue import find_routine_files
    from backpain_cli.report import routine_list

    console = make_console()
    found = find_routine_files(locations())
    console.print(routine_list(found, plain=is_plain(console), library=exercise_library()))


@cli.command()
@click.argument("routine")
@click.option(
    "--json", "as_json", is_flag=True, help="Print stable JSON (see docs/json-output.md)."
)
def show(routine: str, as_json: bool) -> None:
    """Print a routine's summary: exercises, doses, rests, total time, cautions.

    ROUTINE is a routine name or a path to a routine file.

    \b
    Examples:
      backpain show upper-back
      backpain show ./my-routine.yaml --json
    """
    _, loaded = load(routine)
    if as_json:
        import json

        from backpain_cli.report import routine_json

        click.echo(json.dumps(routine_json(loaded), indent=2, ensure_ascii=False))
        return
    from backpain_cli.report import routine_summary

    console = make_console()
    console.print(routine_summary(loaded, plain=is_plain(console)))


@cli.command()
@click.argument("name", required=False)
def exercises(name: str | None) -> None:
    """List exercises, or show one exercise in full.

    NAME may be a routine (list only its exercises) or an exercise id (show its
    steps, cues and caution).

    \b
    Examples:
      backpain exercises
      backpain exercises upper-back
      backpain exercises scapular-squeeze
    """
    from backpain_cli.report import exercise_detail, exercise_list

    console = make_console()
    plain = is_plain(console)
    routines = _all_routines()
    if name is None:
        console.print(exercise_list(routines, plain=plain))
        return
    chosen = [r for r in routines if r.name == name]
    if chosen:
        console.print(exercise_list(chosen, plain=plain))
        return
    for loaded in routines:
        for exercise in loaded.exercises:
            if exercise.id == name:
                users = [r.name for r in routines if r.exercise_index(name) is not None]
                console.print(exercise_detail(exercise, users, plain=plain))
                return
    from backpain_cli.loader import did_you_mean

    known = [r.name for r in routines] + [e.id for r in routines for e in r.exercises]
    _fail(f"no routine or exercise called '{name}'{did_you_mean(name, sorted(set(known)))}")


def _all_routines() -> list[Routine]:
    """Every routine that loads; broken files are skipped (`backpain list` names them)."""
    from backpain_cli.catalogue import find_routine_files
    from backpain_cli.errors import RoutineError
    from backpain_cli.loader import load_routine

    routines = []
    library = exercise_library()
    for routine_file in find_routine_files(locations()):
        try:
            routines.append(
                load_routine(routine_file.path, default_name=routine_file.name, library=library)
            )
        except RoutineError:
            continue
    return routines


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
def validate(files: tuple[str, ...]) -> None:
    """Check routine files and report every problem at once.

    Each problem is printed as `path:line:column: key.path: what is wrong`.
    Exit status is 0 when every file is valid and 2 when any is not. A file
    named exercises.yaml is checked as an exercise library (see `use` in
    docs/routine-format.md).

    \b
    Examples:
      backpain validate my-routine.yaml
      backpain validate ~/.config/backpain/routines/*.yaml
    """
    from pathlib import Path

    from backpain_cli.errors import RoutineError
    from backpain_cli.library import EXERCISES_FILE
    from backpain_cli.loader import load_exercises_file, load_routine

    failed = 0
    library = exercise_library()
    for file in files:
        try:
            if Path(file).name == EXERCISES_FILE:
                ids = load_exercises_file(Path(file), library=library)
                click.echo(f"{file}: ok (exercise library, {len(ids)} exercises)")
                continue
            routine = load_routine(Path(file), library=library)
        except RoutineError as error:
            failed += 1
            click.echo(str(error), err=True)
        else:
            click.echo(f"{file}: ok ({routine.name}, {len(routine.exercises)} exercises)")
    if failed:
        click.echo(f"{failed} of {len(files)} file(s) with problems", err=True)
        sys.exit(2)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the routine format, for editors.

    \b
    Example (YAML language server, VS Code and others):
      backpain schema > ~/.config/backpain/routine.schema.json
      # then put this first line in a routine file:
      # yaml-language-server: $schema=~/.config/backpain/routine.schema.json
    """
    import json

    from backpain_cli.schema import routine_schema

    click.echo(json.dumps(routine_schema(), indent=2))


# --- settings, your own routines, completion, handouts (issue 6) ----------------------


def load_settings(**command_line: object) -> Settings:
    """Effective settings: command-line values (None: not given) over config over defaults."""
    from backpain_cli.config import effective_settings, read_config

    return effective_settings(read_config(locations().config_file), command_line)


@cli.group("config", invoke_without_command=True)
@click.pass_context
def config_command(ctx: click.Context) -> None:
    """Print the effective settings and where each comes from.

    Settings live in a TOML file (`backpain config path` prints where). Options
    given to `backpain start` beat the file, which beats the defaults.

    \b
    Example config.toml:
      sound = true
      chime = "~/sounds/bell.wav"   # a WAV file instead of the built-in chime
      prepare = 10                  # seconds; true = each routine's own; false = none
      check_in = false              # no pain rating before and after
      plain = false
      voice = true                  # speak the cues
      default_routine = "upper-back-chair"

    \b
    Examples:
      backpain config
      backpain config path
    """
    if ctx.invoked_subcommand is not None:
        return
    from backpain_cli.config import settings_table

    path = locations().config_file
    rows = settings_table(load_settings())
    state = "" if path.is_file() else " (not created yet: every setting is its default)"
    click.echo(f"Config file: {path}{state}")
    click.echo("")
    widths = [max(len(row[i]) for row in [*rows, ("setting", "value", "from")]) for i in (0, 1)]
    for name, value, origin in [("setting", "value", "from"), *rows]:
        click.echo(f"{name:<{widths[0]}}  {value:<{widths[1]}}  {origin}")


@config_command.command("path")
def config_path() -> None:
    """Print the config file's path (it need not exist yet).

    \b
    Example:
      $EDITOR "$(backpain config path)"
    """
    click.echo(str(locations().config_file))


# --- the player (issue 4) ------------------------------------------------------------


def main(prog_name: str | None = None) -> None:
    cli.main(prog_name=prog_name or "backpain")
