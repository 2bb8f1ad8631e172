"""`backpain show`: a routine's summary, its JSON, or a handout to print."""

from __future__ import annotations

import click

from backpain_cli.cli.common import (
    at_current_step,
    fail,
    is_plain,
    load,
    make_console,
    plan_position,
    read_history,
)
from backpain_cli.cli.completion import complete_routines
from backpain_cli.errors import HistoryError
from backpain_cli.history.session import hurt_last_time_note
from backpain_cli.progression.explain import plan_lines, plan_rows, position_json
from backpain_cli.routines.handout import html_handout, markdown_handout
from backpain_cli.routines.images import load_picture
from backpain_cli.text import clean, dumps_json


@click.command()
@click.argument("routine", shell_complete=complete_routines)
@click.option(
    "--json", "as_json", is_flag=True, help="Print stable JSON (see `backpain help json`)."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown", "html", "json"]),
    default=None,
    help="text (the default), a printable handout in markdown or html, or json (as --json).",
)
def show(routine: str, as_json: bool, output_format: str | None) -> None:
    """Print a routine's summary: exercises, doses, rests, total time, cautions.

    ROUTINE is a routine name or a path to a routine file. `--format markdown`
    or `--format html` makes a handout to print: every exercise with its steps,
    dose, rests and cautions, the source, the disclaimer and a log to fill in.

    \b
    Examples:
      backpain show upper-back
      backpain show ./my-routine.yaml --json
      backpain show upper-back --format html > upper-back.html
      backpain show upper-back-chair --format markdown > handout.md
    """
    if as_json and output_format not in (None, "json"):
        fail(f"--json and --format {output_format} ask for different things; give one of them")
    _, written = load(routine)
    position = plan_position(written)
    loaded = at_current_step(written, position)  # the doses `start` would play now
    if output_format in ("markdown", "html"):
        plan = plan_rows(written, position) if position is not None else []
        handout = markdown_handout if output_format == "markdown" else html_handout
        click.echo(handout(loaded, pictures=load_picture, plan=plan), nl=False)
        return
    # rich (through the listing), only where something is drawn: not for a handout
    from backpain_cli.routines.listing import routine_json, routine_summary

    if as_json or output_format == "json":
        data = routine_json(loaded)
        if position is not None:
            data["progression"] = position_json(written, position)
        click.echo(dumps_json(data))
        return
    console = make_console()
    console.print(routine_summary(loaded, plain=is_plain(console)))
    if position is not None:
        lines = "\n".join(clean(line) for line in plan_lines(written, position))
        console.print(f"\n{lines}", markup=False, highlight=False)

    try:
        store = read_history()
    except HistoryError:  # `backpain history` reports it; `show` still shows the routine
        store = None
    note = hurt_last_time_note(loaded, store)
    if note:
        console.print(note, style="" if is_plain(console) else "yellow")
