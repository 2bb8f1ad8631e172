"""`backpain help [TOPIC]`: the guides that ship with backpain, and each command's help.

The pages are the project's own docs (the routine format, the JSON output, trust and
safety, reminders), installed with the package, so a pointer in a message or a new
routine's template leads somewhere on every install.
"""

from __future__ import annotations

from pathlib import Path

import click

from backpain_cli.cli.common import fail
from backpain_cli.text import did_you_mean

# topic -> (file in docs/, what it is about)
TOPICS = {
    "format": ("routine-format.md", "the routine file format: every key, unit and range"),
    "json": ("json-output.md", "every --json (show, list, today...) and history files"),
    "safety": ("trust-and-safety.md", "what a routine file can and cannot do; your history"),
    "reminders": ("reminders.md", "what `backpain remind` installs, where, and how to remove it"),
    "goals": ("goals.md", "your goals, the change that matters, and what got in the way"),
    "sync": ("sync.md", "one history on two machines: the sync_folder setting"),
}


def docs_folder() -> Path:
    """The guides inside the wheel, or the checkout's `docs/` in an editable install."""
    packaged = Path(__file__).resolve().parents[1] / "docs"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "docs"


@click.command("help")
@click.argument("topic", required=False, metavar="[TOPIC|COMMAND]")
@click.pass_context
def help_command(ctx: click.Context, topic: str | None) -> None:
    """Print a guide (format, json, safety, reminders, goals) or a command's help.

    \b
    Examples:
      backpain help format       every key of a routine file, with units and ranges
      backpain help start        the same as backpain start --help
    """

    parent = ctx.parent
    assert parent is not None and isinstance(parent.command, click.Group)
    group = parent.command
    if topic is None:
        click.echo(parent.get_help())
        click.echo("\nGuides (backpain help TOPIC):")
        for name, (_, about) in TOPICS.items():
            click.echo(f"  {name:<10}  {about}")
        return
    if topic in TOPICS:
        click.echo((docs_folder() / TOPICS[topic][0]).read_text(encoding="utf-8"), nl=False)
        return
    command = group.get_command(parent, topic)
    if command is None:
        known = [*TOPICS, *group.list_commands(parent)]
        fail(
            f"no guide or command called '{topic}'{did_you_mean(topic, known)}; try `backpain help`"
        )
    with click.Context(command, info_name=topic, parent=parent) as sub:
        click.echo(command.get_help(sub))
