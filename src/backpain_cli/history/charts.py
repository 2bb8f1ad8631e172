"""The pictures of `backpain stats`: a calendar of the last weeks and a pain chart, as text.

Hand-written rather than drawn by a plotting library: both are a few lines of text,
and `stats` must answer in under twice the time of `backpain --help`. Every picture
reads without colour: each kind of day has its own symbol, and colour (`styled=True`,
a colour terminal) only adds to it.

Calendar cells (two characters a day, weeks as rows from Monday to Sunday):

    ## every session due that day was done      (styled: green blocks)
    ++ some were, or one was begun              (styled: yellow shading)
    .. none, though something was due           (styled: dim shading)
    -- nothing was due ("N per week" plans)     (styled: dim dots)
       blank: before the plan's first session, or still to come (today too, until a
              session is begun: the day is not over)

The pain chart puts each day's mean rating before a session (`o`) and after it (`*`)
on a fixed 0 to 10 scale, one row per point, rounded to the nearest whole point.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from backpain_cli.history.stats import DayMark, DayPain, DayState

PLAIN_CELLS = {
    DayState.DONE: "##",
    DayState.PARTLY: "++",
    DayState.MISSED: "..",
    DayState.NOT_DUE: "--",
}
STYLED_CELLS = {
    DayState.DONE: "\x1b[32m██\x1b[0m",
    DayState.PARTLY: "\x1b[33m▒▒\x1b[0m",
    DayState.MISSED: "\x1b[2m░░\x1b[0m",
    DayState.NOT_DUE: "\x1b[2m··\x1b[0m",
}
BLANK = "  "
WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
CHART_DAYS = 21  # the pain chart shows at most the last three weeks (3 columns a day)
BEFORE, AFTER = "o", "*"


def _cell(mark: DayMark | None, styled: bool) -> str:
    if mark is None or mark.state in (DayState.TODAY, DayState.COMING):
        return BLANK
    return (STYLED_CELLS if styled else PLAIN_CELLS)[mark.state]


def calendar_legend(*, styled: bool) -> tuple[str, ...]:
    """The calendar's legend, a phrase a mark: each stays on one line."""
    cells = STYLED_CELLS if styled else PLAIN_CELLS
    return (
        f"{cells[DayState.DONE]} all due done",
        f"{cells[DayState.PARTLY]} some",
        f"{cells[DayState.MISSED]} none",
        f"{cells[DayState.NOT_DUE]} not due",
        "(blank: before your first session, today until one is begun, or to come)",
    )


def calendar_lines(marks: Sequence[DayMark], *, start: date, weeks: int, styled: bool) -> list[str]:
    """Rows of weeks from the Monday `start` (`weeks` of them, less the weeks before the
    first mark: the plan had not begun), labelled with their Monday; one cell a day."""
    by_day = {mark.day: mark for mark in marks}
    lines = ["              " + " ".join(WEEKDAYS)]
    for week in range(weeks):
        monday = start + timedelta(weeks=week)
        if marks and monday + timedelta(days=6) < marks[0].day:
            continue
        cells = [_cell(by_day.get(monday + timedelta(days=day)), styled) for day in range(7)]
        lines.append(f"  {monday.isoformat()}  {' '.join(cells)}".rstrip())
    return lines


def _point(value: float | None) -> int | None:
    return None if value is None else int(value + 0.5)


def _colour(text: str, code: str, styled: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if styled and text.strip() else text


def chart_days(days: Sequence[DayPain], most: int | None = None) -> list[DayPain]:
    """The days the pain chart draws: the last CHART_DAYS of `days`, or fewer (`most`)
    where the screen is narrow."""
    return list(days)[-min(CHART_DAYS, most or CHART_DAYS) :]


BAND_AXIS = ":"  # the axis beside the ratings of a change that usually matters


def pain_chart(
    days: Sequence[DayPain],
    *,
    styled: bool,
    most: int | None = None,
    band: float | None = None,
) -> list[str]:
    """Rows 10 to 0, three columns a day (` o*`), an axis and the weekdays; empty when
    no day has a check-in before or after a session (see `chart_days`). The axis is
    dotted (`:`) beside the ratings at or below `band`: a change from the first weeks
    that usually matters."""
    shown = chart_days(days, most)
    points = [(_point(day.before), _point(day.after)) for day in shown]
    if all(before is None and after is None for before, after in points):
        return []
    lines = []
    for row in range(10, -1, -1):
        axis = BAND_AXIS if band is not None and row <= band else "|"
        label = f"{row:>4} {axis}" if row % 2 == 0 else f"     {axis}"
        cells = "".join(
            " "
            + _colour(BEFORE if before == row else " ", "33", styled)
            + _colour(AFTER if after == row else " ", "36", styled)
            for before, after in points
        )
        lines.append(f"  {label}{cells}".rstrip())
    lines.append("       +" + "-" * (3 * len(shown)))
    lines.append("         " + " ".join(WEEKDAYS[day.day.weekday()] for day in shown))
    return lines
