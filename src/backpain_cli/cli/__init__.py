"""The `backpain` command line: one small module per command or command group.

A command parses its options, calls one domain entry point and renders the result;
`common` builds the real environment (folders, console, clock) for it. Commands are
loaded only when they run (`COMMANDS` names the module of each), so `backpain list`
never imports the player. Every error a user can cause is a `BackpainError`, turned
into one message and exit status 2 by `Group.invoke`.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from backpain_cli import __version__

# name -> "module:function", in the order `backpain --help` lists them.
COMMANDS = {
    "completion": "backpain_cli.cli.completion:completion_command",
    "config": "backpain_cli.cli.config:config_command",
    "edit": "backpain_cli.cli.authoring:edit_command",
    "exercises": "backpain_cli.cli.catalogue:exercises",
    "history": "backpain_cli.cli.history:history_command",
    "list": "backpain_cli.cli.catalogue:list_command",
    "new": "backpain_cli.cli.authoring:new_command",
    "schema": "backpain_cli.cli.catalogue:schema",
    "show": "backpain_cli.cli.catalogue:show",
    "start": "backpain_cli.cli.start:start",
    "stats": "backpain_cli.cli.history:stats_command",
    "today": "backpain_cli.cli.history:today_command",
    "validate": "backpain_cli.cli.catalogue:validate",
}


class Group(click.Group):
    """Loads each command when it is used; turns errors a user can cause into a clear
    message and exit status 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, name = target.split(":")
        command = getattr(importlib.import_module(module), name)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        from backpain_cli.errors import BackpainError

        try:
            return super().invoke(ctx)
        except BackpainError as error:
            click.echo(f"backpain: {error}", err=True)
            sys.exit(error.exit_code)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
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


def main(prog_name: str | None = None) -> None:
    cli.main(prog_name=prog_name or "backpain")
