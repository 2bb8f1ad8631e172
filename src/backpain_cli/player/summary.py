"""The end summary: what happened to each exercise (done, skipped, hurt, stopped, not
reached), the time, what happens to exercises that hurt, and the after-care line."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.text import Text

from backpain_cli.player.engine import ExerciseOutcome, Summary
from backpain_cli.routines.model import format_duration

AFTERCARE = "If anything hurt, stop and talk to your healthcare provider."

_OUTCOME_STYLE = {
    ExerciseOutcome.DONE: "green",
    ExerciseOutcome.SKIPPED: "yellow",
    ExerciseOutcome.HURT: "bold red",
    ExerciseOutcome.STOPPED: "yellow",
    ExerciseOutcome.NOT_REACHED: "dim",
}


def hurt_note(names: Sequence[str], *, flagged: bool) -> str:
    """What the summary says about the exercises stopped because they hurt."""
    one = len(names) == 1
    text = f"Stopped because {'it' if one else 'they'} hurt: {', '.join(names)}."
    if flagged and one:
        text += " Next time it is flagged; s skips it."
    elif flagged:
        text += " Next time they are flagged; s skips them."
    return text


def summary_view(summary: Summary, *, hurt_flagged: bool = False) -> RenderableType:
    """Exercises done, skipped and hurt, time spent, and the after-care line.

    `hurt_flagged`: exercises that hurt are remembered (history is on), so the note
    about them says they will be flagged next time.
    """
    routine = summary.timeline.routine
    lines = [
        Text.assemble(
            ("Stopped: " if summary.quit else "Finished: ", "bold"), (routine.title, "bold")
        )
    ]
    width = max((len(r.exercise.name) for r in summary.results), default=0)
    for result in summary.results:
        label = result.outcome.value
        lines.append(
            Text.assemble(
                "  ",
                (f"{label:<12}", _OUTCOME_STYLE[result.outcome]),
                f"{result.exercise.name:<{width}}  ",
                (f"{result.holds_done} of {result.holds_total} holds", "dim"),
            )
        )
    counts = [f"{summary.count(ExerciseOutcome.DONE)} done"]
    for outcome in (
        ExerciseOutcome.SKIPPED,
        ExerciseOutcome.HURT,
        ExerciseOutcome.STOPPED,
        ExerciseOutcome.NOT_REACHED,
    ):
        if summary.count(outcome):
            counts.append(f"{summary.count(outcome)} {outcome.value}")
    facts = f"{', '.join(counts)} · time {format_duration(summary.active_seconds)}"
    if summary.paused_seconds >= 1:
        facts += f" (paused {format_duration(summary.paused_seconds)})"
    lines.append(Text(facts))
    hurt = [r.exercise.name for r in summary.results if r.outcome is ExerciseOutcome.HURT]
    if hurt:
        lines.append(Text(hurt_note(hurt, flagged=hurt_flagged), style="bold"))
    lines.append(Text(AFTERCARE, style="italic"))
    return Group(*lines)
