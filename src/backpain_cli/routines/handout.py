"""Printable handouts of a routine, like a physical therapist's worksheet: Markdown, HTML.

Each exercise with its numbered steps, dose, rests, cautions; then the source, the
disclaimer and a log to fill in by hand. Pure functions of the routine: the totals come
from the same timeline the player walks, and every piece of text from the routine file
is escaped, so a routine cannot inject markup into the page.

Pictures: both handouts embed each exercise's picture as a `data:` URI (the Markdown
in an image link, the HTML page in an `<img>`), so the file needs no other file and
travels whole; the bytes come from an injected `pictures` reader. Browsers never run
scripts or fetch anything from an SVG shown as an image, and the loader refuses SVGs
with either anyway.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from backpain_cli.routines.model import (
    Exercise,
    Movement,
    Routine,
    Side,
    format_duration,
)
from backpain_cli.routines.timeline import Timeline, build_timeline
from backpain_cli.text import clean_line

if TYPE_CHECKING:
    from backpain_cli.routines.images import Picture

PictureReader = Callable[[str], "Picture | None"]  # a checked path -> its picture
LOG_ROWS = 7  # a week of sessions on paper
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#&~])")
_MARKDOWN_BLOCK_START = re.compile(r"^(\d+)([.)])|^([-+=>])")


def _times(count: int) -> str:
    return "once" if count == 1 else "twice" if count == 2 else f"{count} times"


def _seconds(count: int) -> str:
    return f"{count} second" + ("" if count == 1 else "s")


def dose_words(exercise: Exercise) -> str:
    """`Hold 30 seconds, 3 times on each side, alternating sides.` and the like."""
    if exercise.movement is not Movement.HOLD:
        return _movement_words(exercise)
    text = f"Hold {_seconds(exercise.hold)}, {_times(exercise.reps)}"
    if _in_turn(exercise):
        return text + _in_turn(exercise)
    if exercise.sides == (Side.LEFT, Side.RIGHT) or exercise.sides == (Side.RIGHT, Side.LEFT):
        first = exercise.sides[0].value
        text += f" on each side, alternating sides (starting {first})"
    elif len(exercise.sides) == 2:
        first, second = (side.value for side in exercise.sides)
        text += f" each way, alternating: {first}, then {second}"
    elif exercise.sides:
        text += (
            f" on the {exercise.sides[0].value} side"
            if exercise.sides[0].is_left_right
            else (f", {exercise.sides[0].value}")
        )
    if exercise.sets > 1:
        text += f"; {exercise.sets} sets"
    return text + "."


def _in_turn(exercise: Exercise) -> str:
    """` on the left, then 8 on the right; 2 sets on each side, all on the left first.`
    for `alternate: false` (after `8 times`), else ``."""
    if exercise.alternate or len(exercise.sides) != 2:
        return ""
    first, second = (
        f"on the {side.value}" if side.is_left_right else side.value for side in exercise.sides
    )
    again = _times(exercise.reps) if exercise.reps <= 2 else str(exercise.reps)
    sets = f"; {exercise.sets} sets on each side, all {first} first" if exercise.sets > 1 else ""
    return f" {first}, then {again} {second}{sets}."


def _movement_words(exercise: Exercise) -> str:
    """`Do it 10 times, about 4 seconds each (2 down, 2 up), on each side: ...`."""
    if exercise.movement is Movement.PACED:
        text = f"Do it {_times(exercise.reps)}, about {_seconds(exercise.rep_seconds)} each"
    else:
        text = f"Do it {_times(exercise.reps)}, at your own pace"
    if exercise.tempo:
        text += f" ({exercise.tempo})"
    sides = [side.value for side in exercise.sides]
    if _in_turn(exercise):
        return f"{text},{_in_turn(exercise)}"
    if len(sides) == 2 and exercise.sides[0].is_left_right:
        text += f", on each side: all of them on the {sides[0]} side, then on the {sides[1]}"
    elif len(sides) == 2:
        text += f", {sides[0]}, then the same {sides[1]}"
    elif sides:
        text += f", on the {sides[0]} side" if exercise.sides[0].is_left_right else f", {sides[0]}"
    if exercise.sets > 1:
        text += f"; {exercise.sets} sets"
    return text + "."


def rest_words(exercise: Exercise) -> str:
    """`10 seconds between reps, 30 seconds between sets`, or `none`."""
    parts = []
    if exercise.movement is not Movement.HOLD:  # the reps of a movement follow each other
        if len(exercise.sides) > 1 and exercise.rest:
            parts.append(f"{_seconds(exercise.rest)} between sides")
    elif exercise.reps * max(1, len(exercise.sides)) > 1 and exercise.rest:
        # One side only ([left]) is no switching: only reps are rested between.
        between = "reps and sides" if len(exercise.sides) > 1 else "reps"
        parts.append(f"{_seconds(exercise.rest)} between {between}")
    if exercise.sets > 1 and exercise.set_rest:
        parts.append(f"{_seconds(exercise.set_rest)} between sets")
    return ", ".join(parts) or "none"


def _facts(routine: Routine, total: int, untimed: int = 0) -> list[tuple[str, str]]:
    time = f"about {format_duration(total)} (minutes:seconds)"
    if untimed:
        time += ", plus the exercises done at your own pace"
    facts = [("Total time", time)]
    if routine.progression is not None and routine.step:
        facts.append(("Plan", f"step {routine.step} of {len(routine.progression.steps)}"))
    if routine.frequency:
        facts.append(("How often", str(routine.frequency)))
    facts.append(("Equipment", ", ".join(routine.equipment) or "none"))
    return facts


def _exercise_time(timeline: Timeline, index: int) -> str:
    total = timeline.exercise_total(index)
    if timeline.exercise_untimed(index):
        return f"{format_duration(total)} plus your own pace"
    return format_duration(total)


# -- Markdown --------------------------------------------------------------------------


def markdown_text(text: str) -> str:
    """Text that Markdown shows as it is, on one line: only the characters Markdown
    reads as markup are escaped (emphasis, code, links, html, tables, headings), and a
    list, quote or heading marker only where it would start a block."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    return _MARKDOWN_BLOCK_START.sub(lambda m: f"{m[1]}\\{m[2]}" if m[1] else f"\\{m[3]}", escaped)


# The plan of a routine with a `progression:` (rows: step, doses, sessions at it), made
# by the caller from the history; the current step's row says `(now)`.
PlanRows = Sequence[tuple[str, str, str]]


def markdown_handout(
    routine: Routine, *, pictures: PictureReader | None = None, plan: PlanRows = ()
) -> str:
    """The handout as Markdown; `pictures` reads each exercise's picture to embed as a
    `data:` URI (none without it), so the file needs nothing beside it."""
    timeline = build_timeline(routine)
    lines = [f"# {markdown_text(routine.title)}", ""]
    if routine.summary:
        lines += [markdown_text(routine.summary), ""]
    for label, value in _facts(routine, timeline.total, timeline.untimed):
        lines.append(f"- **{label}:** {markdown_text(value)}")
    lines += ["", f"> **Important:** {markdown_text(routine.disclaimer)}", ""]
    for index, exercise in enumerate(routine.exercises):
        lines += [f"## {index + 1}. {markdown_text(exercise.name)}", ""]
        if exercise.position:
            lines.append(f"- **Position:** {markdown_text(exercise.position)}")
        if exercise.equipment:
            lines.append(f"- **Equipment:** {markdown_text(', '.join(exercise.equipment))}")
        lines.append(f"- **Dose:** {markdown_text(dose_words(exercise))}")
        lines.append(f"- **Rest:** {markdown_text(rest_words(exercise))}")
        lines.append(f"- **Time:** {_exercise_time(timeline, index)}")
        picture = pictures(exercise.image) if pictures and exercise.image else None
        if picture is not None:
            lines += ["", f"![Picture: {markdown_text(exercise.name)}]({picture.data_uri})"]
        lines += ["", "**How to do it:**", ""]
        lines += [f"{n}. {markdown_text(step)}" for n, step in enumerate(exercise.instructions, 1)]
        if exercise.cues:
            lines += ["", "**Remember:**", ""]
            lines += [f"- {markdown_text(cue)}" for cue in exercise.cues]
        if exercise.caution:
            lines += ["", f"> **Caution:** {markdown_text(exercise.caution)}"]
        lines.append("")
    if plan:
        lines += ["## My plan", "", "| Step | Doses | Sessions at it |", "| --- | --- | --- |"]
        lines += [f"| {' | '.join(markdown_text(cell) for cell in row)} |" for row in plan]
        lines.append("")
    if routine.source:
        lines += ["## Source", "", markdown_text(routine.source), ""]
    lines += [
        "## My log",
        "",
        "| Date | Done | Pain before (0-10) | Pain after (0-10) | Notes |",
        "| --- | --- | --- | --- | --- |",
        *["|  | [ ] |  |  |  |"] * LOG_ROWS,
        "",
        f"*{markdown_text(routine.disclaimer)}*",
        "",
    ]
    return "\n".join(lines)


# -- HTML ------------------------------------------------------------------------------

PRINT_STYLE = """\
body { font: 12pt/1.45 Georgia, "Times New Roman", serif; color: #111; max-width: 46em;
  margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin: 1.4em 0 0.4em; border-bottom: 1px solid #999; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 0.1em 1em; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
.important, .caution { border-left: 4px solid #b00; padding: 0.3em 0.8em; background: #fff4f4; }
.caution { border-color: #c60; background: #fff8ee; }
section.exercise { break-inside: avoid; page-break-inside: avoid; }
section.exercise::after { content: ""; display: block; clear: both; }
figure.picture { float: right; width: 16em; max-width: 45%; margin: 0.2em 0 0.6em 1em; }
figure.picture img { display: block; width: 100%; height: auto; border: 1px solid #bbb;
  border-radius: 6px; }
ol.steps li { margin-bottom: 0.2em; }
table.log { border-collapse: collapse; width: 100%; }
table.log th, table.log td { border: 1px solid #666; padding: 0.5em; text-align: left; }
table.log td { height: 1.4em; }
footer { margin-top: 2em; font-style: italic; }
@page { margin: 1.5cm; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; line-height: 1.3; }
  .important, .caution { background: none; }
  h1 { font-size: 1.5em; margin: 0 0 0.2em; }
  h2 { margin: 0.8em 0 0.3em; break-after: avoid; page-break-after: avoid; }
  h3 { font-size: 1em; margin: 0.4em 0 0.1em; }
  ol.steps, ul { margin: 0.1em 0; }
  ol.steps li { margin-bottom: 0; }
  figure.picture { width: 12em; }
  section.log { break-inside: avoid; page-break-inside: avoid; }
}
"""


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def _figure(exercise: Exercise, pictures: PictureReader | None) -> list[str]:
    """The exercise's picture as an `<img>` with a data: URI, or nothing."""
    picture = pictures(exercise.image) if pictures and exercise.image else None
    if picture is None:
        return []
    # The picture's words come from its file: shown escaped, like all text from outside
    # (an ESC in <desc> would reach a terminal that `show --format html` prints to).
    described = f". {clean_line(picture.description)}" if picture.description else ""
    alt = f"Picture: {exercise.name}{described}"
    return [
        '<figure class="picture">',
        f'<img src="{picture.data_uri}" alt="{_h(alt)}">',
        "</figure>",
    ]


def html_handout(
    routine: Routine, *, pictures: PictureReader | None = None, plan: PlanRows = ()
) -> str:
    """A self-contained HTML page (no scripts, no external files) with print styles;
    `pictures` reads each exercise's picture to embed (none without it)."""
    timeline = build_timeline(routine)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(routine.title)}</title>",
        f"<style>\n{PRINT_STYLE}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_h(routine.title)}</h1>",
    ]
    if routine.summary:
        out.append(f"<p>{_h(routine.summary)}</p>")
    out.append('<dl class="facts">')
    for label, value in _facts(routine, timeline.total, timeline.untimed):
        out.append(f"<dt>{_h(label)}</dt><dd>{_h(value)}</dd>")
    out += [
        "</dl>",
        f'<p class="important"><strong>Important:</strong> {_h(routine.disclaimer)}</p>',
        "</header>",
        "<main>",
    ]
    for index, exercise in enumerate(routine.exercises):
        out += [
            f'<section class="exercise" id="{_h(exercise.id)}">',
            f"<h2>{index + 1}. {_h(exercise.name)}</h2>",
            *_figure(exercise, pictures),
            '<dl class="facts">',
        ]
        if exercise.position:
            out.append(f"<dt>Position</dt><dd>{_h(exercise.position)}</dd>")
        if exercise.equipment:
            out.append(f"<dt>Equipment</dt><dd>{_h(', '.join(exercise.equipment))}</dd>")
        out += [
            f"<dt>Dose</dt><dd>{_h(dose_words(exercise))}</dd>",
            f"<dt>Rest</dt><dd>{_h(rest_words(exercise))}</dd>",
            f"<dt>Time</dt><dd>{_exercise_time(timeline, index)}</dd>",
            "</dl>",
            "<h3>How to do it</h3>",
            '<ol class="steps">',
            *[f"<li>{_h(step)}</li>" for step in exercise.instructions],
            "</ol>",
        ]
        if exercise.cues:
            out += ["<h3>Remember</h3>", "<ul>"]
            out += [f"<li>{_h(cue)}</li>" for cue in exercise.cues]
            out.append("</ul>")
        if exercise.caution:
            out.append(f'<p class="caution"><strong>Caution:</strong> {_h(exercise.caution)}</p>')
        out.append("</section>")
    out.append("</main>")
    if plan:
        out += [
            '<section class="plan">',
            "<h2>My plan</h2>",
            '<table class="log">',
            "<thead><tr><th>Step</th><th>Doses</th><th>Sessions at it</th></tr></thead>",
            "<tbody>",
            *["<tr>" + "".join(f"<td>{_h(cell)}</td>" for cell in row) + "</tr>" for row in plan],
            "</tbody>",
            "</table>",
            "</section>",
        ]
    if routine.source:
        out += ["<section>", "<h2>Source</h2>", f"<p>{_h(routine.source)}</p>", "</section>"]
    out += [
        '<section class="log">',
        "<h2>My log</h2>",
        '<table class="log">',
        "<thead><tr><th>Date</th><th>Done</th><th>Pain before (0-10)</th>"
        "<th>Pain after (0-10)</th><th>Notes</th></tr></thead>",
        "<tbody>",
        *["<tr><td></td><td>&#9744;</td><td></td><td></td><td></td></tr>"] * LOG_ROWS,
        "</tbody>",
        "</table>",
        "</section>",
        f"<footer>{_h(routine.disclaimer)}</footer>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(out)
