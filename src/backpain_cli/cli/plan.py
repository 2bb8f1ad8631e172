"""`backpain plan ROUTINE`: where a routine's progression stands and why; `--step N`
moves it by hand, recorded in the history."""

from __future__ import annotations

import click

from backpain_cli.cli import common
from backpain_cli.cli.common import fail, load, locations
from backpain_cli.cli.completion import complete_routines
from backpain_cli.history.progress import record_change
from backpain_cli.history.store import open_for_recording
from backpain_cli.progression.explain import plan_lines, why_lines
from backpain_cli.progression.resolver import MANUAL
from backpain_cli.text import clean


@click.command("plan")
@click.argument("routine", shell_complete=complete_routines)
@click.option(
    "--step",
    type=int,
    metavar="N",
    help="Move the plan to step N from the next session on (recorded; e.g. as agreed "
    "with your therapist).",
)
def plan_command(routine: str, step: int | None) -> None:
    """Where a routine's plan stands: the steps, sessions counted, and why.

    \b
    Examples:
      backpain plan neck-progression
      backpain plan neck-progression --step 2
    """

    _, written = load(routine)
    if written.progression is None:
        fail(
            f"{written.name} has no plan: it plays the same doses every time (see "
            "`progression` in `backpain help format`)"
        )
    if step is not None:
        _move(written.name, step, len(written.progression.steps))
    position = common.plan_position(written)
    assert position is not None
    for line in [*plan_lines(written, position), "", *why_lines(position)]:
        click.echo(clean(line))


def _move(name: str, step: int, steps: int) -> None:

    if not 1 <= step <= steps:
        fail(f"--step {step}: the plan of {name} has steps 1 to {steps}")
    history, trouble = open_for_recording(locations().history_file)
    if history is None:
        fail(trouble or "history is off")
    with history:
        record_change(history, name, at=common.utc_now(), step=step, kind=MANUAL)
    click.echo(f"{name}: step {step} from the next session on (recorded).")
