"""Catalogue output: the routine list, exercise list and detail, the routine summary and
its JSON. Renderables only; the CLI decides where they are printed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Group
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from backpain_cli.errors import RoutineError
from backpain_cli.routines.catalogue import Origin
from backpain_cli.routines.model import Exercise, Movement, Routine, format_total
from backpain_cli.routines.timeline import build_timeline
from backpain_cli.tables import Column, card_lines, fit, shorten_path
from backpain_cli.text import clean_line, plural

if TYPE_CHECKING:
    from collections.abc import Callable

    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult

    from backpain_cli.routines.catalogue import RoutineFile


def _table(*columns: str, plain: bool) -> Table:
    lines = None
    if not plain:  # plain output has no lines (and skips importing them)
        lines = box.SIMPLE_HEAD
    table = Table(
        box=lines,
        show_edge=False,
        pad_edge=False,
        header_style="" if plain else "bold",
    )
    for column in columns:
        table.add_column(column)
    return table


class _Fitted:
    """A table that fits the width it is drawn at (see `tables`): the columns and widths
    `tables.fit` chose, or a card for each row where they do not fit side by side."""

    def __init__(self, columns: tuple[Column, ...], rows: list[list[str]], *, plain: bool) -> None:
        self.columns, self.rows, self.plain = columns, rows, plain

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        found = fit(self.columns, self.rows, width, gap=2 if self.plain else 3)
        if found is None:
            for line in card_lines(self.columns, self.rows, width, styled=not self.plain):
                yield Text.from_ansi(line, no_wrap=True)
            return
        table = _table(*(self.columns[number].header for number in found.kept), plain=self.plain)
        for column, number, size in zip(table.columns, found.kept, found.widths, strict=True):
            column.width = size
            column.no_wrap = not self.columns[number].wraps
        for row in self.rows:
            table.add_row(*(row[number] for number in found.kept))
        yield _plain_table(table, plain=self.plain)


class _PathLine:
    """A label and a path on one line: the path's end where the line is too narrow."""

    def __init__(self, label: str, path: str) -> None:
        self.label, self.path = label, path

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        room = options.max_width - len(self.label)
        yield Text(self.label + shorten_path(self.path, room), no_wrap=True)


class _Trimmed:
    """A renderable's lines without trailing spaces: plain output for grep, diff and
    screen readers (a table pads every cell to its column's width)."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:

        for line in console.render_lines(self.renderable, options, pad=False):
            yield Segment("".join(segment.text for segment in line).rstrip())
            yield Segment.line()


def _plain_table(table: RenderableType, *, plain: bool) -> RenderableType:
    return _Trimmed(table) if plain else table


def _hanging(rows: list[tuple[str, str]], *, plain: bool) -> RenderableType:
    """Label-and-text rows whose text wraps under itself, not under the label."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column()
    for label, text in rows:
        grid.add_row(label, text)
    return _plain_table(grid, plain=plain)


def _list(items: tuple[str, ...] | list[str]) -> str:
    return ", ".join(items) if items else "none"


LIST_COLUMNS = (  # least useful first to go: the count, then where from, then equipment
    Column("Name", wraps=False),
    Column("Title", least=20),
    Column("Exercises", wraps=False, drop=1),
    Column("Time"),
    Column("Equipment", drop=3),
    Column("From", drop=2),
)


def routine_list(
    files: list[RoutineFile],
    *,
    plain: bool,
    load: Callable[[RoutineFile], Routine],
) -> RenderableType:
    """The table of `backpain list`; `load` gives a file's routine (RoutineError when it
    does not load: the row says so)."""

    if not files:
        return Text("No routines found.")
    rows: list[list[str]] = []
    folders: list[str] = []  # where your own routines are: once, under the table
    for routine_file in files:
        origin = routine_file.origin.value
        if routine_file.origin is Origin.USER:
            origin = "yours"
            folder = clean_line(str(routine_file.path.parent))
            if folder not in folders:
                folders.append(folder)
            if routine_file.shadows:
                origin += " (replaces built-in)"
        if routine_file.problem is not None:  # listed, not offered: its name cannot be played
            rows.append([clean_line(routine_file.name), routine_file.problem, "", "", "", origin])
            continue
        try:
            routine = load(routine_file)
        except RoutineError as error:
            rows.append([routine_file.name, _invalid(error), "", "", "", origin])
            continue
        timeline = build_timeline(routine)
        total = format_total(timeline.total, timeline.untimed)
        rows.append(
            [
                routine_file.name,  # what to type, even where the file's `name` differs
                routine.title,
                str(len(routine.exercises)),
                total,
                _list(routine.equipment),
                origin,
            ]
        )
    table = _Fitted(LIST_COLUMNS, rows, plain=plain)
    if folders:
        where = [Text(f"Yours are in {folder}") for folder in folders]
        return Group(table, Text(""), *where)
    return table


def _invalid(error: RoutineError) -> str:
    return f"invalid: {plural(len(error.problems), 'problem')}; run backpain validate"


def routine_list_json(
    files: list[RoutineFile], *, load: Callable[[RoutineFile], Routine]
) -> dict[str, Any]:
    """Stable JSON of `backpain list` (docs/json-output.md): every routine file found,
    the ones that cannot be played with why not."""
    found = []
    for routine_file in files:
        entry: dict[str, Any] = {
            "name": routine_file.name,
            "title": None,
            "exercises": None,
            "total_seconds": None,
            "untimed_steps": None,
            "equipment": [],
            "origin": routine_file.origin.value,
            "replaces_built_in": routine_file.shadows is not None,
            "path": str(routine_file.path),
            "problem": routine_file.problem,
        }
        if routine_file.problem is None:
            try:
                routine = load(routine_file)
            except RoutineError as error:
                entry["problem"] = _invalid(error)
            else:
                timeline = build_timeline(routine)
                entry["title"] = routine.title
                entry["exercises"] = len(routine.exercises)
                entry["total_seconds"] = timeline.total
                entry["untimed_steps"] = timeline.untimed
                entry["equipment"] = list(routine.equipment)
        found.append(entry)
    return {"format": 1, "routines": found}


def exercise_list_json(routines: list[Routine], *, only: str | None = None) -> dict[str, Any]:
    """Stable JSON of `backpain exercises` (docs/json-output.md): each exercise once, by
    id, in full, with the routines that use it; `only` that one exercise."""
    used_in: dict[str, list[str]] = {}
    first: dict[str, Exercise] = {}
    for routine in routines:
        for exercise in routine.exercises:
            first.setdefault(exercise.id, exercise)
            used_in.setdefault(exercise.id, []).append(routine.name)
    return {
        "format": 1,
        "exercises": [
            {
                "id": exercise.id,
                "name": exercise.name,
                "position": exercise.position,
                "dose": exercise.dose,
                "equipment": list(exercise.equipment),
                "routines": used_in[exercise.id],
                "instructions": list(exercise.instructions),
                "cues": list(exercise.cues),
                "caution": exercise.caution,
                "image": exercise.image or None,
            }
            for exercise in first.values()
            if only is None or exercise.id == only
        ],
    }


EXERCISE_COLUMNS = (  # least useful first to go: routines, equipment, position
    Column("Exercise", wraps=False),
    Column("Name", least=16),
    Column("Position", drop=3),
    Column("Dose"),
    Column("Equipment", drop=2),
    Column("Routines", drop=1),
)


def exercise_list(routines: list[Routine], *, plain: bool) -> RenderableType:
    """Every exercise once (by id) with the routines that use it."""
    used_in: dict[str, list[str]] = {}
    first: dict[str, Exercise] = {}
    for routine in routines:
        for exercise in routine.exercises:
            first.setdefault(exercise.id, exercise)
            used_in.setdefault(exercise.id, []).append(routine.name)
    rows = [
        [
            exercise_id,
            exercise.name,
            exercise.position,
            exercise.dose,
            _list(exercise.equipment),
            ", ".join(used_in[exercise_id]),
        ]
        for exercise_id, exercise in first.items()
    ]
    return _Fitted(EXERCISE_COLUMNS, rows, plain=plain)


def exercise_detail(exercise: Exercise, routines: list[str], *, plain: bool) -> RenderableType:
    bold = "" if plain else "bold"
    lines: list[RenderableType] = [Text(exercise.name, style=bold), Text(f"id: {exercise.id}")]
    if exercise.position:
        lines.append(Text(f"Position:  {exercise.position}"))
    lines.append(Text(f"Dose:      {exercise.dose}"))
    if exercise.tempo:
        lines.append(Text(f"Tempo:     {exercise.tempo}"))
    lines.append(Text(f"Rest:      {_rests(exercise)}"))
    lines.append(Text(f"Equipment: {_list(exercise.equipment)}"))
    lines.append(Text(f"Routines:  {', '.join(routines)}"))
    if exercise.image:
        lines.append(_PathLine("Picture:   ", exercise.image))
    lines.append(Text(""))
    lines.append(Text("How to do it:", style=bold))
    steps = [(f"  {n}.", step) for n, step in enumerate(exercise.instructions, 1)]
    lines.append(_hanging(steps, plain=plain))
    if exercise.cues:
        lines.append(Text(""))
        lines.append(Text("Cues:", style=bold))
        lines.append(_hanging([("  -", cue) for cue in exercise.cues], plain=plain))
    if exercise.caution:
        lines.append(Text(""))
        lines.append(Text(f"Caution: {exercise.caution}", style="" if plain else "yellow"))
    return Group(*lines)


def _rests(exercise: Exercise) -> str:
    parts = []
    if exercise.movement is not Movement.HOLD:  # movements rest between sides only
        if len(exercise.sides) > 1:
            parts.append(f"{exercise.rest} s between sides")
    elif exercise.reps > 1:
        parts.append(f"{exercise.rest} s between reps")
    elif len(exercise.sides) > 1:
        parts.append(f"{exercise.rest} s between sides")
    if exercise.sets > 1:
        parts.append(f"{exercise.set_rest} s between sets")
    return ", ".join(parts) or "none"


SUMMARY_COLUMNS = (
    Column("#", wraps=False),
    Column("Id", wraps=False, head=True),
    Column("Exercise", least=16),
    Column("Dose"),
    Column("Rest", drop=1),
    Column("Time"),
)


def routine_summary(routine: Routine, *, plain: bool) -> RenderableType:
    """The wall-chart summary; its total comes from the player's own timeline."""
    timeline = build_timeline(routine)
    bold = "" if plain else "bold"
    parts: list[RenderableType] = [Text(f"{routine.title} ({routine.name})", style=bold)]
    if routine.summary:
        parts.append(Text(routine.summary))
    facts = [("Total time:", format_total(timeline.total, timeline.untimed))]
    if routine.frequency:
        facts.append(("Frequency:", str(routine.frequency)))
    if routine.progression is not None and routine.step:
        facts.append(("Plan:", f"step {routine.step} of {len(routine.progression.steps)}"))
    facts.append(("Equipment:", _list(routine.equipment)))
    if routine.source:
        facts.append(("Source:", routine.source))
    parts.append(Text(""))
    parts.append(_hanging(facts, plain=plain))
    parts.append(Text(""))
    rows = [
        [
            str(index + 1),
            exercise.id,
            exercise.name,
            exercise.dose,
            _rests(exercise),
            format_total(timeline.exercise_total(index), timeline.exercise_untimed(index)),
        ]
        for index, exercise in enumerate(routine.exercises)
    ]
    parts.append(_Fitted(SUMMARY_COLUMNS, rows, plain=plain))
    if routine.cautions:
        parts.append(Text(""))
        parts.append(Text("Cautions:", style=bold))
        owners = {
            caution: [e.name for e in routine.exercises if e.caution == caution]
            for caution in routine.cautions
        }
        notes = [("  -", f"{', '.join(owners[c])}: {c}") for c in routine.cautions]
        parts.append(_hanging(notes, plain=plain))
    parts.append(Text(""))
    parts.append(Text(routine.disclaimer, style="" if plain else "italic"))
    return Group(*parts)


def routine_json(routine: Routine) -> dict[str, Any]:
    """Stable JSON of a routine (documented in docs/json-output.md); times in seconds."""
    timeline = build_timeline(routine)
    result: dict[str, Any] = {
        "format": 1,
        "name": routine.name,
        "title": routine.title,
        "summary": routine.summary,
        "source": routine.source,
        "disclaimer": routine.disclaimer,
        "frequency": (
            {"times": routine.frequency.times, "per": routine.frequency.period.value}
            if routine.frequency
            else None
        ),
        "equipment": list(routine.equipment),
        "total_seconds": timeline.total,
        "exercises": [
            _with_movement(
                exercise,
                timeline.exercise_untimed(index),
                {
                    "id": exercise.id,
                    "name": exercise.name,
                    "position": exercise.position,
                    "equipment": list(exercise.equipment),
                    "dose": exercise.dose,
                    "hold_seconds": exercise.hold,
                    "reps": exercise.reps,
                    "sets": exercise.sets,
                    "sides": [side.value for side in exercise.sides],
                    "alternate": exercise.alternate,
                    "rest_seconds": exercise.rest,
                    "set_rest_seconds": exercise.set_rest,
                    "prepare_seconds": exercise.prepare,
                    "instructions": list(exercise.instructions),
                    "cues": list(exercise.cues),
                    "caution": exercise.caution,
                    "image": exercise.image or None,
                    "total_seconds": timeline.exercise_total(index),
                },
            )
            for index, exercise in enumerate(routine.exercises)
        ],
        "segments": [
            {
                "kind": segment.kind.value,
                "exercise": segment.exercise.id,
                "start_seconds": segment.start,
                "duration_seconds": segment.duration,
                "rep": segment.rep or None,
                "set": segment.set or None,
                "side": segment.side.value if segment.side else None,
                "ends_set": segment.ends_set,
            }
            for segment in timeline.segments
        ],
    }
    if timeline.untimed:  # only where there are any: built-in routines' JSON is unchanged
        result["untimed_steps"] = timeline.untimed
    return result


def _with_movement(exercise: Exercise, untimed: int, keys: dict[str, Any]) -> dict[str, Any]:
    """An exercise's keys with a movement's after `hold_seconds` (absent for a held
    exercise, as before movements existed) and `untimed_steps` last."""
    if exercise.movement is Movement.HOLD:
        return keys
    result: dict[str, Any] = {}
    for key, value in keys.items():
        result[key] = value
        if key == "hold_seconds":
            result["movement"] = exercise.movement.value
            result["rep_seconds"] = exercise.rep_seconds or None
            result["tempo"] = exercise.tempo
    result["untimed_steps"] = untimed
    return result
