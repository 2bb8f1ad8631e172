"""Text and CSV for `history`, `stats` and `today` (their JSON: `json_output`).

Plain strings rather than rich renderables: these commands answer in well under twice
the time of `backpain --help` even with ten years of sessions, and importing rich alone
costs about that much. On a terminal, `styled=True` adds bold headings and block-character
bars; off a terminal (or with `NO_COLOR` or `TERM=dumb`) the text is plain ASCII
apart from the arrow and dash the values use, one line per fact, for screen readers,
grep and files.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from backpain_cli.history.charts import (
    AFTER,
    BAND_AXIS,
    BEFORE,
    calendar_legend,
    calendar_lines,
    chart_days,
    pain_chart,
)
from backpain_cli.history.outcomes import Outcomes, outcomes_lines
from backpain_cli.history.records import ExerciseTally, SessionRecord, tally
from backpain_cli.history.stats import (
    Adherence,
    DayMark,
    DayPain,
    Due,
    PainChange,
    Streaks,
    WeekCount,
    nothing_due_text,
)
from backpain_cli.routines.model import format_duration
from backpain_cli.tables import Column, bold, paragraph, phrases, table_lines
from backpain_cli.text import clean_line, plural

NONE = "–"
NOTHING_RECORDED = "No sessions recorded yet. Play a routine with `backpain start ROUTINE`."
SPARKS = "▁▂▃▄▅▆▇█"
BAR_WIDTH = 30


def _bar(length: int, styled: bool) -> str:
    return ("█" if styled else "#") * length


def _local(moment: datetime, zone: tzinfo) -> datetime:
    return moment.astimezone(zone).replace(microsecond=0)


def _iso(moment: datetime | None, zone: tzinfo) -> str | None:
    return moment.astimezone(zone).isoformat(timespec="seconds") if moment is not None else None


def _day(day: date) -> str:
    return f"{day:%a} {day.isoformat()}"


def _pain(value: int | None) -> str:
    return NONE if value is None else str(value)


def pain_text(session: SessionRecord) -> str:
    if session.pain_before is None and session.pain_after is None:
        return NONE
    return f"{_pain(session.pain_before)} → {_pain(session.pain_after)}"


def _tallies(
    sessions: Sequence[SessionRecord], tallies: Mapping[int, ExerciseTally] | None
) -> list[ExerciseTally]:
    """Each session's tally: from `tallies` (counted by the store) where given, else
    from the session's own exercise records."""
    if tallies is None:
        return [tally(session.exercises) for session in sessions]
    return [tallies.get(session.id, ExerciseTally()) for session in sessions]


def result_text(session: SessionRecord) -> str:
    """`completed`, or `completed, sped up ×60` for a preview recorded with --record."""
    if session.sped_up:
        assert session.speed is not None
        return f"{session.outcome.value}, sped up ×{session.speed:g}"
    return session.outcome.value


def left_out_text(previews: int, *, today: bool = False) -> str:
    """Why the figures leave out sessions the history lists: `previews` sped-up
    sessions (`stats.counted`), or today's (`today`, whose "done" they are not); "" when
    none were left out."""
    if not previews:
        return ""
    count = plural(previews, "sped-up session") + (" today" if today else "")
    verb = "was" if previews == 1 else "were"
    why = "does not count as done" if today else "counts toward neither adherence nor pain"
    return f"{count} (played with --speed and --record) {verb} left out: a preview {why}."


def csv_safe(text: str) -> str:
    """Text for a spreadsheet (every text column: a history file edited by hand may hold
    anything in any of them): a cell starting with = + - @ (or a tab or CR) would be run
    as a formula, so it gets a leading apostrophe, as spreadsheets expect."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def exercises_text(session: SessionRecord, counted: ExerciseTally) -> str:
    text = f"{counted.done} of {session.exercises_planned} done"
    if counted.stopped_for_pain:
        text += f", {len(counted.stopped_for_pain)} hurt"
    return text


# -- history ----------------------------------------------------------------------


HISTORY_COLUMNS = (
    Column("Id", wraps=False),
    Column("Date", wraps=False, head=True),
    Column("Routine", wraps=False),
    Column("Time", wraps=False, drop=1),  # the first to go: result and pain say more
    Column("Result"),
    Column("Exercises"),
    Column("Pain", wraps=False),
)


def history_table(
    sessions: Sequence[SessionRecord],
    zone: tzinfo,
    *,
    total: int,
    styled: bool,
    tallies: Mapping[int, ExerciseTally] | None = None,
    width: int | None = None,
) -> str:
    """Sessions oldest first (the latest next to the prompt), with a note when cut; in
    at most WIDTH columns (see `tables`).

    `tallies` by session id (`History.tallies`) stand in for the sessions' exercises."""
    if not sessions:
        return "\n".join(paragraph(NOTHING_RECORDED, width))
    rows = []
    notes: dict[int, list[str]] = {}  # a note, and where an imported session came from
    for session, counted in zip(sessions, _tallies(sessions, tallies), strict=True):
        rows.append(
            [
                str(session.id),
                f"{_local(session.started, zone):%Y-%m-%d %a %H:%M}",
                session.routine,
                format_duration(session.duration_seconds),
                result_text(session),
                exercises_text(session, counted),
                pain_text(session),
            ]
        )
        below = [f"note: {clean_line(session.note)}"] if session.note else []
        if session.origin:
            below.append(f"from: {clean_line(session.origin)}")
        if below:
            notes[len(rows) - 1] = below
    lines = table_lines(HISTORY_COLUMNS, rows, width, styled=styled, notes=notes)
    if total > len(sessions):
        lines.append("")
        lines.extend(
            paragraph(
                f"The last {len(sessions)} of {total} sessions; "
                "--limit 0 shows all, --since DATE from a day on.",
                width,
            )
        )
    return "\n".join(lines)


def forget_text(session: SessionRecord, zone: tzinfo) -> str:
    """`session 42 (upper-back, 2026-11-03 Tue 08:00, completed)`."""
    when = f"{_local(session.started, zone):%Y-%m-%d %a %H:%M}"
    return f"session {session.id} ({session.routine}, {when}, {result_text(session)})"


CSV_COLUMNS = (
    "started",
    "ended",
    "routine",
    "duration_seconds",
    "outcome",
    "pain_before",
    "pain_after",
    "exercises_planned",
    "exercises_done",
    "exercises_skipped",
    "exercises_stopped_for_pain",
    "stopped_for_pain",
    "routine_sha256",
    "session_id",
    "speed",
    "note",
)


def history_csv(
    sessions: Sequence[SessionRecord],
    zone: tzinfo,
    tallies: Mapping[int, ExerciseTally] | None = None,
) -> str:
    """One row per session; local times with their UTC offset; `;` joins exercise ids.

    `tallies` by session id (`History.tallies`) stand in for the sessions' exercises."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for session, counted in zip(sessions, _tallies(sessions, tallies), strict=True):
        hurt = counted.stopped_for_pain
        writer.writerow(
            [
                _iso(session.started, zone),
                _iso(session.ended, zone) or "",
                csv_safe(session.routine),
                round(session.duration_seconds),
                session.outcome.value,
                _pain(session.pain_before).replace(NONE, ""),
                _pain(session.pain_after).replace(NONE, ""),
                session.exercises_planned,
                counted.done,
                counted.skipped,
                len(hurt),
                csv_safe(";".join(hurt)),
                csv_safe(session.routine_hash),
                session.id,
                "" if session.speed is None else f"{session.speed:g}",
                csv_safe(session.note),
            ]
        )
    return buffer.getvalue()


# -- stats ------------------------------------------------------------------------


@dataclass(frozen=True)
class StatsView:
    """Everything `backpain stats` shows, computed by `stats.py`."""

    weeks: list[WeekCount]
    streaks: Streaks
    adherence: list[tuple[Adherence, Adherence]]  # this week, the weeks before
    pain: list[DayPain]
    sparkline: list[DayPain]  # a longer pain window, one character a day
    change: PainChange
    # One list of day marks per plan in `adherence` (same order), from `calendar_start`
    # (a Monday) or the plan's first session, to the Sunday of this week.
    calendars: list[list[DayMark]] = field(default_factory=list)
    calendar_start: date | None = None
    calendar_weeks: int = 12
    today: date | None = None
    outcomes: Outcomes | None = None  # goals, the pain change that matters, barriers
    since: date | None = None  # `--since`: the first day of the sessions counted
    previews: int = 0  # sped-up sessions in the days shown, left out of every figure


def _scaled(value: int, largest: int, room: int = BAR_WIDTH) -> int:
    if largest <= room:
        return value
    return round(value * room / largest)


def sparkline(days: Sequence[DayPain]) -> str:
    """One character a day on a fixed 0–10 scale; a space for a day without a check-in."""
    marks = []
    for day in days:
        if day.mean is None:
            marks.append(" ")
        else:
            marks.append(SPARKS[min(len(SPARKS) - 1, round(day.mean / 10 * (len(SPARKS) - 1)))])
    return "".join(marks)


def _signed(value: float) -> str:
    return f"{value:+.1f}" if value else "0.0"


def _plan_text(plan: Adherence) -> str:
    """`2 per day, with upper-back-chair`."""
    return f"{plan.frequency}" + (f", with {', '.join(plan.variants)}" if plan.variants else "")


def _adherence_line(now: Adherence, before: Adherence, since: date | None = None) -> str:
    """`upper-back (2 per day, with upper-back-chair): 9 of 14 this week, ...`; days
    before the plan's first session (or `--since`) are not counted, and the line says
    from when; with nothing due so far, it says so ("nothing due until today is over")."""
    plan = _plan_text(now)
    first = now.counted_from
    by_since = since is not None and first == since  # the period began after the plan
    due = nothing_due_text(now.frequency.period)  # day one (week one), nothing done yet
    if now.due_so_far:
        due = f"{now.due_so_far} due so far"
    week = f"{now.done} of {now.target} this week, {due}"
    if first is not None and first > now.start:
        origin = "since" if by_since else "from your first session,"
        week += f" ({origin} {_day(first)})"
    earlier = f"the {before.days // 7} weeks before: "
    if not before.started:
        earlier += "none counted, they were before " + (
            _day(first) if by_since and first is not None else "your first session"
        )
    else:
        earlier += f"{before.done} of {before.target} ({before.percent} %)"
        if first is not None and first > before.start:
            earlier += f", from {_day(first)}"
    return f"{now.routine} ({plan}): {week}; {earlier}"


# What a line of `stats` takes before its bar: `  week of 2026-11-02    3 + 1  ` and
# `  Tue 2026-11-24   5.0  `; the pain chart's axis, and its three columns a day.
WEEK_LABEL, DAY_LABEL, CHART_AXIS = 32, 24, 8


def since_text(since: date, today: date, styled: bool = False) -> str:
    """The period of `stats --since`, as its first line says it."""
    days = plural((today - since).days + 1, "day")
    return (
        bold(f"Since {_day(since)}", styled)
        + f" ({days}, today included); "
        + ("earlier sessions are left out.")
    )


def stats_text(view: StatsView, *, styled: bool, width: int | None = None) -> str:
    """What `stats` prints, in at most WIDTH columns (no limit: None): paragraphs wrap
    at spaces, bars and the pain chart get shorter, the sparkline is left out."""
    lines: list[str] = []
    if view.since is not None and view.today is not None:
        lines.extend(paragraph(since_text(view.since, view.today, styled), width, hang="  "))
        lines.append("")
    this_week = view.weeks[-1]
    lines.extend(
        paragraph(
            bold(f"This week (from {_day(this_week.start)}):", styled)
            + f" {plural(this_week.total, 'session')}, {this_week.completed} completed, "
            f"{this_week.partial} partial",
            width,
            hang="  ",
        )
    )
    streak = f"Streak: {plural(view.streaks.current, 'day')}"
    if view.streaks.longest_end is not None:
        streak += (
            f"; longest {plural(view.streaks.longest, 'day')}"
            f" (to {view.streaks.longest_end.isoformat()})"
        )
    lines.extend(paragraph(streak, width, hang="  "))
    if view.previews:
        lines.extend(paragraph(left_out_text(view.previews), width, hang="  "))

    lines.append("")
    lines.append(bold("Adherence", styled))
    if not view.adherence:
        lines.extend(
            paragraph("No routine played in the last 4 weeks has a frequency.", width, indent="  ")
        )
    for now, before in view.adherence:
        line = _adherence_line(now, before, view.since)
        lines.extend(paragraph(line, width, indent="  ", hang="    "))

    if view.calendars and view.calendar_start is not None:
        weeks = view.calendar_weeks
        lines.append("")
        lines.append(bold(f"Calendar, last {weeks} weeks", styled))
        for (plan, _), marks in zip(view.adherence, view.calendars, strict=True):
            lines.extend(
                paragraph(f"{plan.routine} ({_plan_text(plan)})", width, indent="  ", hang="    ")
            )
            lines.extend(
                calendar_lines(marks, start=view.calendar_start, weeks=weeks, styled=styled)
            )
        lines.extend(phrases(calendar_legend(styled=styled), width, indent="  "))

    lines.append("")
    lines.append(bold("Sessions per week (completed + partial)", styled))
    largest = max(week.total for week in view.weeks)
    room = BAR_WIDTH if width is None else max(1, min(BAR_WIDTH, width - WEEK_LABEL))
    for week in view.weeks:
        label = f"  week of {week.start.isoformat()}  {week.completed:3d} + {week.partial:<3d}"
        bar = _bar(_scaled(week.completed, largest, room), styled)
        bar += ("░" if styled else ".") * (
            _scaled(week.total, largest, room) - _scaled(week.completed, largest, room)
        )
        lines.append(f"{label} {bar}".rstrip())

    lines.append("")
    lines.extend(
        paragraph(
            bold(f"Pain, last {len(view.pain)} days", styled)
            + " (0 none to 10 worst; the mean of each day's check-ins)",
            width,
            hang="  ",
        )
    )
    rated = [day for day in view.pain if day.mean is not None]
    if not rated:
        lines.append("  No pain check-ins in these days.")
    else:
        per_point = 2.0 if width is None else max(0.1, min(2.0, (width - DAY_LABEL) / 10))
        for day in view.pain:
            if day.mean is None:
                lines.append(f"  {_day(day.day)}     {NONE}")
            else:
                bar = _bar(round(day.mean * per_point), styled)
                lines.append(f"  {_day(day.day)}  {day.mean:4.1f}  {bar}".rstrip())

    most = None if width is None else max(1, (width - CHART_AXIS) // 3)
    outcome = view.outcomes.pain if view.outcomes is not None else None
    band = outcome.band if outcome is not None and outcome.change is not None else None
    chart = pain_chart(view.pain, styled=styled, most=most, band=band)
    if chart:
        shown = chart_days(view.pain, most)
        lines.extend(
            paragraph(
                f"Before ({BEFORE}) and after ({AFTER}) a session, "
                f"{_day(shown[0].day)} to {_day(shown[-1].day)}:",
                width,
                indent="  ",
                hang="  ",
            )
        )
        lines.extend(chart)
        if band is not None:
            lines.extend(
                paragraph(
                    f"{BAND_AXIS} {band:.1f} or less: a change from the first two weeks "
                    "that usually matters",
                    width,
                    indent="  ",
                    hang="    ",
                )
            )
    spark = f"  last {len(view.sparkline)} days: ▕{sparkline(view.sparkline)}▏"
    fits = width is None or len(spark) <= width  # whole or not at all
    if styled and fits and any(day.mean is not None for day in view.sparkline):
        lines.append(spark)
    label = f"Average change per session, last {len(view.pain)} days:"
    if view.change.mean is None:
        change = f"{label} no session with both check-ins."
    else:
        change = (
            f"{label} {_signed(view.change.mean)} "
            f"(over {plural(view.change.sessions, 'session')} with both check-ins; "
            "negative is less pain)"
        )
    lines.extend(paragraph(change, width, hang="  "))
    if view.outcomes is not None:
        lines.extend(outcomes_lines(view.outcomes, styled=styled, width=width))
    return "\n".join(lines)


# -- today ------------------------------------------------------------------------


TODAY_COLUMNS = (
    Column(""),  # a title: it wraps between words
    Column("", head=True),
    Column(""),
    Column(""),
    Column(""),
)


def today_text(
    dues: Sequence[Due],
    today: date,
    *,
    without_frequency: Sequence[str] = (),
    titles: Mapping[str, str] | None = None,
    gone: Sequence[str] = (),
    previews: int = 0,
    styled: bool,
    width: int | None = None,
) -> str:
    """What `today` prints, in at most WIDTH columns (no limit: None): each routine by
    its title (`titles`; the name where there is none), and after the table one line
    for each routine whose file is gone (`gone`, said already), and, while something
    is still due, one for today's `previews` (played, yet not counted as done)."""
    titles = titles or {}
    lines = [bold(f"Today, {_day(today)}", styled)]
    for name in without_frequency:
        lines.extend(
            paragraph(
                f"{clean_line(titles.get(name, name))}: no frequency set, so nothing is due",
                width,
                indent="  ",
                hang="    ",
            )
        )
    if not dues and not without_frequency:
        lines.extend(
            paragraph(
                "No routine with a frequency was played in the last 4 weeks; "
                "name one, e.g. `backpain today upper-back`.",
                width,
            )
        )
        return "\n".join(lines)
    if not dues:
        return "\n".join(lines)
    rows = []
    for due in dues:
        if due.frequency.period.value == "week":
            progress = f"{due.done_this_week} of {due.frequency.times} this week"
        else:
            progress = f"{due.done} of {due.due} done"
        state = "done" if due.satisfied else f"{due.left} to go"
        counted = f"(with {', '.join(due.variants)})" if due.variants else ""
        title = clean_line(titles.get(due.routine, due.routine))
        rows.append([title, str(due.frequency), progress, state, counted])
    lines.extend(table_lines(TODAY_COLUMNS, rows, width, indent="  "))
    for said in gone:
        lines.extend(paragraph(clean_line(said), width))
    left = sum(due.left for due in dues)
    if left and previews:
        lines.extend(paragraph(left_out_text(previews, today=True), width))
    lines.extend(
        paragraph(
            "All done for today." if left == 0 else f"{plural(left, 'session')} still due today.",
            width,
        )
    )
    return "\n".join(lines)
