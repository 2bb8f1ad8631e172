"""The report's two pictures as inline SVG: the adherence calendar and the pain chart.

Hand-written rather than drawn with a charting library: the calendar is a grid of
squares no library draws, and the one line chart is a few dozen elements. Every text
is escaped; nothing refers outside the document (no links, fonts or scripts), so the
html can be e-mailed or printed as it is. Shapes differ as well as colours (filled,
half filled, outlined, dotted), so the pictures read in greyscale print too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from backpain_cli.history.stats import DayMark, DayState
from backpain_cli.report.contents import PainPoint

CELL = 26  # calendar cell, px in the viewBox
GAP = 3
LABEL = 58  # room for the week labels on the left
HEAD = 16  # room for the weekday names

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
STATE_WORDS = {
    DayState.DONE: "done",
    DayState.PARTLY: "partly done",
    DayState.MISSED: "missed",
    DayState.NOT_DUE: "not due",
    DayState.TODAY: "nothing done yet",
    DayState.COMING: "still to come",
}


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, text: str, css: str = "", anchor: str = "middle") -> str:
    klass = f' class="{css}"' if css else ""
    return (
        f'<text x="{_number(x)}" y="{_number(y)}" text-anchor="{anchor}"{klass}>'
        f"{escape(text)}</text>"
    )


def day_title(mark: DayMark, due: int) -> str:
    words = f"{mark.day:%a} {mark.day.isoformat()}: {STATE_WORDS[mark.state]}"
    if mark.begun:
        words += f" ({mark.completed} completed"
        if due:
            words += f" of {due} due"
        if mark.begun > mark.completed:
            words += f", {mark.begun - mark.completed} not finished"
        words += ")"
    return words


def calendar_svg(
    marks: Sequence[DayMark], *, due_per_day: int, label: str, today: date | None = None
) -> str:
    """One cell a day in weeks from Monday; days outside the period are left empty.
    Today's cell is ringed: the day is not over, so what is due may still be done (with
    nothing begun it is `TODAY`, drawn empty and ringed, never missed).
    MARKS: at least one day."""
    first, last = marks[0].day, marks[-1].day
    monday = first - timedelta(days=first.weekday())
    weeks = (last - monday).days // 7 + 1
    width = LABEL + 7 * CELL + 6 * GAP
    height = HEAD + weeks * CELL + (weeks - 1) * GAP
    parts = [
        f'<svg class="calendar" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(label)}">',
    ]
    for column, name in enumerate(WEEKDAYS):
        parts.append(_text(LABEL + column * (CELL + GAP) + CELL / 2, HEAD - 5, name, "axis"))
    for row in range(weeks):
        week = monday + timedelta(weeks=row)
        y = HEAD + row * (CELL + GAP)
        parts.append(_text(LABEL - 6, y + CELL / 2 + 4, f"{week:%d %b}", "axis", "end"))
    for mark in marks:
        offset = (mark.day - monday).days
        row, column = divmod(offset, 7)
        x = LABEL + column * (CELL + GAP)
        y = HEAD + row * (CELL + GAP)
        state = mark.state.value
        title = day_title(mark, due_per_day)
        if mark.day == today:
            state += "" if mark.state is DayState.TODAY else " today"
            title += ", today (not over yet)"
        parts.append(
            f'<g class="day {state}"><title>{escape(title)}</title>'
            f'<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" rx="4"/>'
        )
        if mark.state is DayState.PARTLY:  # the lower-left half filled
            parts.append(
                f'<path class="half" d="M{x + 2} {y + 2}L{x + 2} {y + CELL - 2}'
                f'L{x + CELL - 2} {y + CELL - 2}Z"/>'
            )
        parts.append(_text(x + CELL / 2, y + CELL / 2 + 4, str(mark.day.day), "num"))
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


# -- pain chart -----------------------------------------------------------------------

WIDTH = 480
HEIGHT = 200
LEFT = 34
RIGHT = 12
TOP = 12
BOTTOM = 30
MAX_POINTS = 240  # above this many sessions the chart shows one mean a week


def one_decimal(values: Sequence[float]) -> float:
    """The mean to one decimal, halves rounded up as on paper (4.25 is 4.3, not 4.2)."""

    mean = Decimal(sum(values)) / Decimal(len(values))
    return float(mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def weekly_means(points: Sequence[PainPoint]) -> list[PainPoint]:
    """Each week's mean before and after (to one decimal), dated its Monday."""
    weeks: dict[date, tuple[list[float], list[float]]] = {}
    for point in points:
        day = point.started.date()
        monday = day - timedelta(days=day.weekday())
        before, after = weeks.setdefault(monday, ([], []))
        if point.before is not None:
            before.append(point.before)
        if point.after is not None:
            after.append(point.after)
    found = []
    for monday, (before, after) in sorted(weeks.items()):
        moment = datetime.combine(monday, datetime.min.time(), tzinfo=points[0].started.tzinfo)
        found.append(
            PainPoint(
                moment,
                one_decimal(before) if before else None,
                one_decimal(after) if after else None,
            )
        )
    return found


def _ticks(first: date, days: int) -> list[date]:
    """Days to label along the time axis: at most about eight."""
    if days <= 10:
        return [first + timedelta(days=n) for n in range(days)]
    if days <= 70:  # Mondays
        tick = first + timedelta(days=(7 - first.weekday()) % 7)
        weekly = []
        while tick < first + timedelta(days=days):
            weekly.append(tick)
            tick += timedelta(weeks=1)
        return weekly
    ticks = []
    month = date(first.year, first.month, 1)
    spacing = max(1, round(days / 30 / 8))
    while month <= first + timedelta(days=days - 1):
        if month >= first:
            ticks.append(month)
        year, number = divmod(month.month - 1 + spacing, 12)
        month = date(month.year + year, number + 1, 1)
    return ticks


def pain_svg(
    points: Sequence[PainPoint], *, first: date, days: int, band: float | None = None
) -> str:
    """Pain before (filled circles, solid line) and after (open squares, dashed line)
    each session, 0 at the bottom and 10 at the top, over the period; `band` shades
    the ratings at or below it (a change from the first weeks that usually matters)."""
    shown = list(points) if len(points) <= MAX_POINTS else weekly_means(points)
    start = (
        datetime.combine(first, datetime.min.time(), tzinfo=points[0].started.tzinfo)
        if points
        else None
    )
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    seconds = days * 86400

    def x_of(moment: datetime) -> float:
        assert start is not None
        share = (moment - start).total_seconds() / seconds
        return LEFT + min(1.0, max(0.0, share)) * plot_w

    def y_of(value: float) -> float:
        return TOP + plot_h * (1 - value / 10)

    parts = [
        f'<svg class="pain" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        'aria-label="Pain before and after each session, 0 (none) to 10 (worst)">'
    ]
    if band is not None:
        top = y_of(min(band, 10))
        parts.append(
            f'<rect class="band" x="{LEFT}" y="{_number(top)}" width="{_number(plot_w)}" '
            f'height="{_number(y_of(0) - top)}"/>'
        )
    for value in range(0, 11, 2):
        y = y_of(value)
        parts.append(
            f'<line class="grid" x1="{LEFT}" y1="{_number(y)}" '
            f'x2="{WIDTH - RIGHT}" y2="{_number(y)}"/>'
        )
        parts.append(_text(LEFT - 6, y + 4, str(value), "axis", "end"))
    for tick in _ticks(first, days):
        x = LEFT + (tick - first).days / days * plot_w
        parts.append(
            f'<line class="tick" x1="{_number(x)}" y1="{TOP + plot_h}" '
            f'x2="{_number(x)}" y2="{TOP + plot_h + 4}"/>'
        )
        parts.append(
            _text(x, HEIGHT - 10, f"{tick:%d %b}" if days <= 400 else f"{tick:%b %Y}", "axis")
        )
    for series, attribute in (("after", "after"), ("before", "before")):  # before on top
        located = [
            (x_of(point.started), y_of(value), point)
            for point in shown
            if (value := getattr(point, attribute)) is not None
        ]
        if len(located) > 1:
            path = " ".join(f"{_number(x)},{_number(y)}" for x, y, _ in located)
            parts.append(f'<polyline class="line {series}" points="{path}"/>')
        for x, y, point in located:
            title = escape(
                f"{point.started:%a %Y-%m-%d %H:%M}: {series} {getattr(point, attribute)}"
            )
            if series == "before":
                parts.append(
                    f'<circle class="point before" cx="{_number(x)}" cy="{_number(y)}" r="3.2">'
                    f"<title>{title}</title></circle>"
                )
            else:
                parts.append(
                    f'<rect class="point after" x="{_number(x - 3)}" y="{_number(y - 3)}" '
                    f'width="6" height="6"><title>{title}</title></rect>'
                )
    parts.append("</svg>")
    return "".join(parts)
