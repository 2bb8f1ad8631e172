"""`backpain config`: the effective settings and where each comes from."""

from __future__ import annotations

import click

from backpain_cli.cli.common import load_settings, locations
from backpain_cli.config import SETTINGS, Settings, check_chime, settings_table
from backpain_cli.console import output_width
from backpain_cli.errors import ConfigError, RoutineNotFound
from backpain_cli.routines.catalogue import resolve_routine
from backpain_cli.tables import Column, paragraph, shorten_path, table_lines
from backpain_cli.text import clean_line, dumps_json


@click.group("config", invoke_without_command=True)
@click.option(
    "--json", "as_json", is_flag=True, help="Print stable JSON (see `backpain help json`)."
)
@click.pass_context
def config_command(ctx: click.Context, as_json: bool) -> None:
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
      backpain config --json | jq '.settings[] | select(.from != "default")'
      backpain config path
    """
    if ctx.invoked_subcommand is not None:
        return
    if as_json:
        _print_json()
        return
    path = locations().config_file
    settings = load_settings()
    rows = settings_table(settings)
    width = output_width()
    label = "Config file: "
    shown = clean_line(str(path))  # BACKPAIN_HOME may hold anything
    where = label + shorten_path(shown, None if width is None else width - len(label))
    state = "" if path.is_file() else " (not created yet: every setting is its default)"
    click.echo("\n".join(paragraph(where + state, width, hang="  ")))
    click.echo("")
    columns = (Column("setting", wraps=False), Column("value"), Column("from"))
    click.echo("\n".join(table_lines(columns, [list(row) for row in rows], width)))
    problems = setting_problems(settings)
    if problems:
        click.echo("")
        click.echo("Problems:")
        for problem in problems:
            click.echo("\n".join(paragraph(problem, width, indent="  ", hang="    ")))


def setting_problems(settings: Settings) -> list[str]:
    """What is wrong with settings the file could hold but that do not work: a chime
    that is no WAV file (the built-in one plays), a default routine there is none of."""
    problems = []
    if settings.chime is not None:
        try:
            check_chime(settings.chime)
        except ConfigError as error:
            problems.append(f"chime: {error}; the built-in chime plays instead")
    if settings.default_routine is not None:
        try:
            resolve_routine(settings.default_routine, locations())
        except RoutineNotFound as error:
            problems.append(f"default_routine: {error}")
    return problems


@config_command.command("path")
def config_path() -> None:
    """Print the config file's path (it need not exist yet).

    \b
    Example:
      $EDITOR "$(backpain config path)"
    """
    click.echo(clean_line(str(locations().config_file)))


def _print_json() -> None:
    """The settings as stable JSON (docs/json-output.md): each value as its JSON type."""
    path = locations().config_file
    settings = load_settings()
    values = {name: settings.value(name) for name in SETTINGS}
    document = {
        "format": 1,
        "config_file": str(path),
        "exists": path.is_file(),
        "problems": setting_problems(settings),
        "settings": [
            {
                "name": name,
                "value": str(value)
                if value is not None and not isinstance(value, (bool, int))
                else value,
                "from": settings.origin(name).value,
            }
            for name, value in values.items()
        ],
    }
    click.echo(dumps_json(document))
