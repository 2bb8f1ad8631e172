"""`backpain schema`: the JSON Schema of the routine format, for editors."""

from __future__ import annotations

import json

import click

from backpain_cli.routines.json_schema import routine_schema


@click.command()
def schema() -> None:
    """Print the JSON Schema of the routine format, for editors.

    \b
    Example (YAML language server, VS Code and others):
      backpain schema > ~/.config/backpain/routine.schema.json
      # then put this first line in a routine file:
      # yaml-language-server: $schema=~/.config/backpain/routine.schema.json
    """

    click.echo(json.dumps(routine_schema(), indent=2))
