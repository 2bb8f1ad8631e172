"""The end summary: what happened to each exercise (done, skipped, hurt, stopped, not
reached), the time, what happens to exercises that hurt, and the after-care line."""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.text import Text

from backpain_cli.player.bigtext import big_block, fit_scale
from backpain_cli.player.engine import ExerciseOutcome, ExerciseResult, Summary
from backpain_cli.routines.model import Movement, format_duration

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


class BigWord:
    """A word in the countdown's big font, centred on the width it is printed at, at
    most a third of the terminal's height tall; nothing where it does not fit."""

    def __init__(self, word: str, style: str = "bold") -> None:
        self.word = word
        self.style = style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        scale = min(fit_scale(self.word, width, max(console.height // 3, 3)), 3)
        if scale:
            for row in big_block(self.word, scale, width):
                yield Text(row.rstrip(), style=self.style, no_wrap=True, overflow="crop")
            yield Text()


LABEL_WIDTH = 14
"""Cells before an exercise's name: two spaces and the outcome, padded."""
MIN_NAME_WIDTH = 8
"""Fewer cells than this beside the outcome, and a name is not wrapped under itself."""


class ResultLine:
    """One exercise's outcome, name and count, as one line with the names lined up where
    it fits; on a narrow screen the name and the count wrap under the name, never under
    the outcome."""

    def __init__(self, result: ExerciseResult, name_width: int) -> None:
        self.result = result
        self.name_width = name_width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        result = self.result
        label = Text(f"  {result.outcome.value:<12}", _OUTCOME_STYLE[result.outcome])
        name = result.exercise.name
        count = Text(f"{result.holds_done} of {result.holds_total} {_steps(result)}", "dim")
        padded = name + " " * (self.name_width - cell_len(name) + 2)
        room = options.max_width - LABEL_WIDTH
        fits = cell_len(padded) + count.cell_len <= room
        if fits or room < MIN_NAME_WIDTH:  # too narrow to indent: the terminal wraps it
            yield Text.assemble(label, padded, count)
            return
        rows = Text(name).wrap(console, room)
        if rows[-1].cell_len + 2 + count.cell_len <= room:
            rows[-1].append_text(Text("  ").append_text(count))
        else:
            rows.append(count)
        for number, row in enumerate(rows):
            lead = label if number == 0 else Text(" " * LABEL_WIDTH)
            yield Text.assemble(lead, row)


class Parts:
    """Phrases joined by " · " on one line where they fit, else each on a line of its own:
    a phrase is never broken between two lines unless it is wider than the screen."""

    def __init__(self, *phrases: str) -> None:
        self.phrases = phrases

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        joined = " · ".join(self.phrases)
        if cell_len(joined) <= options.max_width:
            yield Text(joined)
        else:
            yield from (Text(phrase) for phrase in self.phrases)


def summary_view(
    summary: Summary, *, hurt_flagged: bool = False, big: bool = False, speed: float = 1.0
) -> RenderableType:
    """Exercises done, skipped and hurt, time spent, and the after-care line.

    `hurt_flagged`: exercises that hurt are remembered (history is on), so the note
    about them says they will be flagged next time. `big`: a finished routine opens
    with a big DONE, to read from across the room (not for plain output), when at least
    one exercise was done. `speed`: the
    clock factor the routine ran at; the time shown is the time it really took.
    """
    routine = summary.timeline.routine
    lines: list[RenderableType] = (
        [BigWord("DONE", "bold green")]
        if big and not summary.quit and summary.count(ExerciseOutcome.DONE)
        else []  # quit, or every exercise skipped or stopped: nothing to cheer
    )
    lines += [
        Text.assemble(
            ("Stopped: " if summary.quit else "Finished: ", "bold"), (routine.title, "bold")
        )
    ]
    width = max((cell_len(r.exercise.name) for r in summary.results), default=0)
    lines += [ResultLine(result, width) for result in summary.results]
    counts = [f"{summary.count(ExerciseOutcome.DONE)} done"]
    for outcome in (
        ExerciseOutcome.SKIPPED,
        ExerciseOutcome.HURT,
        ExerciseOutcome.STOPPED,
        ExerciseOutcome.NOT_REACHED,
    ):
        if summary.count(outcome):
            counts.append(f"{summary.count(outcome)} {outcome.value}")
    # The time is start to end, pauses included, as `history` shows it (one definition).
    spent = (summary.active_seconds + summary.paused_seconds) / speed
    time = f"time {format_duration(spent)}"
    if speed != 1:
        time += f" at --speed {speed:g}"
    if summary.paused_seconds / speed >= 1:
        time += f" ({format_duration(summary.paused_seconds / speed)} of it paused)"
    lines.append(Parts(", ".join(counts), time))
    hurt = [r.exercise.name for r in summary.results if r.outcome is ExerciseOutcome.HURT]
    if hurt:
        lines.append(Text(hurt_note(hurt, flagged=hurt_flagged), style="bold"))
    lines.append(Text(AFTERCARE, style="italic"))
    return Group(*lines)


def _steps(result: ExerciseResult) -> str:
    """What the steps of an exercise are called: holds, reps (paced) or sets (own pace)."""
    movement = result.exercise.movement
    if movement is Movement.PACED:
        return "reps"
    if movement is Movement.SELF_PACED:
        exercise = result.exercise  # one step a set (and side), however many reps
        if not exercise.sides:
            return "sets"
        return "sides" if exercise.sets == 1 else "steps"
    return "holds"
