"""The report as Markdown: the same facts as the html page, the calendar as a table of
symbols (one row a week) and the pain trend as one line a week, for a message or a
notes app. Text from files and the history is escaped where Markdown would read it as
markup."""

from __future__ import annotations

from datetime import timedelta

from backpain_cli.history.stats import DayMark, DayState
from backpain_cli.report.contents import Report, RoutinePart
from backpain_cli.report.html_page import (
    GOALS_LEDE,
    TITLE,
    band_text,
    counted_text,
    disclaimers,
    frequency_text,
    generated_text,
    goal_change_text,
    kept_text,
    mean_text,
    mornings_text,
    pain_change_words,
    period_text,
    rating_text,
    reasons_text,
    sped_up_text,
    variant_heading,
    variants_text,
)
from backpain_cli.report.svg import weekly_means
from backpain_cli.routines.handout import markdown_text as md
from backpain_cli.text import plural

SYMBOLS = {
    DayState.DONE: "✓",
    DayState.PARTLY: "½",
    DayState.MISSED: "✗",
    DayState.NOT_DUE: "·",
    DayState.TODAY: "○",
    DayState.COMING: " ",
}
# Two lines of one paragraph: rendered, they are one line; as text in a terminal 40
# columns wide, each mark stays beside its words.
KEY = "✓ all due done · ½ partly · ✗ missed ·\n· not due · ○ today, not over yet"


def _calendar(marks: tuple[DayMark, ...]) -> list[str]:
    first = marks[0].day
    monday = first - timedelta(days=first.weekday())
    by_day = {mark.day: mark for mark in marks}
    lines = [
        "| Week of | Mon | Tue | Wed | Thu | Fri | Sat | Sun |",
        "|---|---|---|---|---|---|---|---|",
    ]
    while monday <= marks[-1].day:
        cells = []
        for offset in range(7):
            mark = by_day.get(monday + timedelta(days=offset))
            cells.append(SYMBOLS[mark.state] if mark else " ")
        lines.append(f"| {monday:%d %b} | " + " | ".join(cells) + " |")
        monday += timedelta(weeks=1)
    return [*lines, "", KEY]


def _routine(part: RoutinePart) -> list[str]:
    plan = part.plan
    lines = [f"## {md(plan.title)}", "", f"{md(plan.name)} · {frequency_text(plan.frequency)}", ""]
    if not plan.from_file:
        lines += [md(plan.file_note), ""]
    lines += [
        f"- {md(dose.exercise)}: {md(dose.dose)}"
        + (f" · rated after: {md(dose.rating)}" if dose.rating else "")
        for dose in plan.doses
    ]
    if plan.steps:
        lines += ["", "| Step | Doses | Began |", "| --- | --- | --- |"]
        lines += [f"| {' | '.join(md(cell) for cell in row)} |" for row in plan.steps]
    if plan.firings:
        lines += ["", "Pain rule:", ""] + [f"- {md(firing)}" for firing in plan.firings]
    if plan.source:
        lines += ["", f"Source: {md(plan.source)}"]
    if plan.variants:
        lines += ["", md(variants_text(plan))]
    for variant in plan.played:
        lines += ["", f"### {md(variant_heading(variant, plan))}", ""]
        lines += [f"- {md(dose.exercise)}: {md(dose.dose)}" for dose in variant.doses]
    lines += ["", f"**Adherence: {kept_text(part)}**", ""]
    if part.counted_from is not None and part.kept is not None:
        lines += [counted_text(part), ""]
    if part.days:
        lines += [*_calendar(part.days), ""]
    lines += [f"{plural(part.sessions, 'session')} begun, {part.completed} completed.", ""]
    return lines


def _goals(report: Report) -> list[str]:
    outcomes = report.outcomes
    lines = ["## Goals", ""]
    lines += [f"{GOALS_LEDE}.", "", "| Activity | First | Latest | Change |", "|---|---|---|---|"]
    lines += [
        f"| {md(goal.text)} | {rating_text(goal, 0)} | {rating_text(goal, -1)} | "
        f"{md(goal_change_text(goal))} |"
        for goal in outcomes.goals
    ]
    return [*lines, "", f"**{md(mean_text(outcomes))}**", ""]


def _barriers(report: Report) -> list[str]:
    outcomes = report.outcomes
    lines = ["## What got in the way", ""]
    lines += [f"- {line}" for line in reasons_text(outcomes)]
    details = [f"- {b.missed_on:%a %d %b}: {md(b.detail)}" for b in outcomes.barriers if b.detail]
    return [*lines, *(["", *details] if details else []), ""]


def _pain(report: Report) -> list[str]:
    assert report.pain is not None
    lines = ["## Pain before and after sessions", ""]
    mornings = ["", md(mornings_text(report))] if report.mornings else []
    if not report.pain:
        return [*lines, "No pain check-ins in this period.", *mornings, ""]
    lines += ["| Week of | Mean before | Mean after |", "|---|---|---|"]
    for week in weekly_means(report.pain):
        before = "–" if week.before is None else f"{week.before:.1f}"
        after = "–" if week.after is None else f"{week.after:.1f}"
        lines.append(f"| {week.started:%d %b} | {before} | {after} |")
    change = report.change
    lines.append("")
    if change is None or change.mean is None:
        lines.append("No session has a pain rating both before and after.")
    else:
        lines.append(
            f"Average change from before to after a session: {change.mean:+.1f} "
            f"({plural(change.sessions, 'session')} with both ratings; 0 no pain, 10 worst)."
        )
    pain = report.outcomes.pain
    assert pain is not None  # the report's pain and the pain change are left out together
    lines += ["", f"**{md(pain_change_words(pain))}**"]
    band = band_text(pain)
    if band:
        lines += ["", md(band[0].upper() + band[1:])]
    return [*lines, *mornings, ""]


def report_markdown(report: Report) -> str:
    lines = [f"# {TITLE}", "", period_text(report), ""]
    if report.outcomes.goals:  # the person first: what they want to do again
        lines += _goals(report)
    if not report.sessions:
        lines += ["**No sessions were recorded in this period.**", ""]
    else:
        lines += [f"{plural(report.sessions, 'session')}, {report.completed} completed.", ""]
    if report.sped_up:
        lines += [md(sped_up_text(report)), ""]
    for part in report.routines:
        lines += _routine(part)
    if report.pain is not None:
        lines += _pain(report)
    if report.outcomes.reasons:
        lines += _barriers(report)
    if report.hurts:
        lines += ["## Stopped with “this hurts”", ""]
        lines += [
            f"- {md(hurt.exercise)}: " + ", ".join(f"{day:%d %b}" for day in hurt.days)
            for hurt in report.hurts
        ]
        lines.append("")
    if report.skipped:
        lines += ["## Skipped", ""]
        lines += [
            f"- {md(item.exercise)}: skipped {item.skipped} of {item.offered} times"
            for item in report.skipped[:6]
        ]
        lines.append("")
    if report.notes:
        lines += ["## Notes", ""]
        lines += [f"- {note.started:%a %d %b %H:%M}: {md(note.text)}" for note in report.notes]
        lines.append("")
    lines += ["---", ""]
    for text in disclaimers(report):
        lines += [f"*{md(text)}*", ""]
    lines.append(generated_text(report))
    return "\n".join(lines) + "\n"
