"""The report as one self-contained html page: inline CSS and SVG, no JavaScript, no
links, fonts or images from elsewhere, every text from a file or the history escaped.

On a screen it is one column on a phone and two side by side on a wider window; printed
(A4 or Letter) it is one page for four weeks of twice-daily sessions.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from html import escape
from typing import TYPE_CHECKING

from backpain_cli.history.barriers import REASONS
from backpain_cli.history.goals import (
    Goal,
    GoalState,
    PainOutcome,
    goal_words,
    pain_words,
    scale_words,
)
from backpain_cli.history.outcomes import Outcomes
from backpain_cli.history.stats import DayState, nothing_due_text
from backpain_cli.history.views import left_out_text
from backpain_cli.report.contents import Dose, Prescription, Report, RoutinePart
from backpain_cli.report.svg import calendar_svg, pain_svg
from backpain_cli.routines.model import DEFAULT_DISCLAIMER, Frequency, Period
from backpain_cli.text import plural

if TYPE_CHECKING:
    from backpain_cli.routines.handout import PictureReader

TITLE = "Home exercise report"

STYLE = """
:root { color-scheme: light; --ink: #1b1f24; --muted: #5b636d; --line: #c9ced4;
  --done: #1f6f5c; --partly: #8fc9b9; --missed: #ffffff; --notdue: #eef0f2; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0 auto; max-width: 62rem; padding: 1rem; color: var(--ink); background: #fff;
  font: 15px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; }
h1 { font-size: 1.45rem; margin: 0 0 .2rem; }
h2 { font-size: 1.08rem; margin: 0 0 .35rem; }
h3 { font-size: .95rem; margin: .6rem 0 .25rem; }
p { margin: .25rem 0; }
.lede { color: var(--muted); margin-bottom: .6rem; }
.grid { display: grid; grid-template-columns: 1fr; gap: .9rem; }
.column { display: flex; flex-direction: column; gap: .9rem; min-width: 0; }
@media (min-width: 44rem) { .grid { grid-template-columns: 1fr 1fr; } }
section { break-inside: avoid; border-top: 2px solid var(--line); padding-top: .45rem; }
.figure { font-size: 1.05rem; font-weight: 600; }
table { border-collapse: collapse; width: 100%; font-size: .88rem; }
th, td { text-align: left; padding: .12rem .4rem .12rem 0; vertical-align: top; }
td.dose { white-space: nowrap; color: var(--muted); }
table.doses td { vertical-align: middle; }
td.thumb { width: 3.6rem; padding-right: .5rem; }
img.thumb { display: block; height: 3rem; width: auto; }
ul { margin: .2rem 0; padding-left: 1.1rem; }
li { margin: .05rem 0; }
.muted, .source { color: var(--muted); font-size: .85rem; }
h2 .muted { font-weight: normal; margin-left: .3rem; }
svg { display: block; width: 100%; height: auto; }
svg.calendar { max-width: 17rem; margin: .3rem 0; }
svg text { font: 10px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  fill: var(--ink); }
svg text.axis { fill: var(--muted); }
.day rect { stroke: var(--done); stroke-width: 1.2; fill: var(--missed); }
.day.done rect { fill: var(--done); }
.day.done text.num { fill: #fff; }
.day .half { fill: var(--partly); }
.day.not-due rect { fill: var(--notdue); stroke: var(--line); }
.day.missed rect { stroke: #7a8691; }
.day.coming rect { fill: none; stroke: var(--line); stroke-dasharray: 2 2; }
.day.coming text.num { fill: var(--muted); }
.day.today rect { stroke: var(--ink); stroke-width: 2.4; }
.key.today { background: #fff; border: 2.4px solid var(--ink); }
.legend { display: flex; flex-wrap: wrap; gap: .2rem .8rem; font-size: .8rem; color: var(--muted);
  margin: 0; padding: 0; list-style: none; }
.key { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px;
  vertical-align: -.1rem; margin-right: .25rem; border: 1.2px solid var(--done); }
.key.done { background: var(--done); }
.key.partly { background: linear-gradient(45deg, var(--partly) 50%, #fff 50%); }
.key.missed { background: #fff; border-color: #7a8691; }
.key.not-due { background: var(--notdue); border-color: var(--line); }
.key.before { border-radius: 50%; background: var(--ink); border-color: var(--ink); }
.key.after { background: #fff; border-color: var(--ink); }
.key.band { background: #e2efe9; border-color: #e2efe9; }
svg rect.band { fill: #e2efe9; }
svg line.grid { stroke: #e3e6e9; stroke-width: 1; }
svg line.tick { stroke: var(--muted); }
svg .line { fill: none; stroke: var(--ink); stroke-width: 1.4; }
svg .line.after { stroke-dasharray: 4 3; stroke: #56606a; }
svg .point.before { fill: var(--ink); }
svg .point.after { fill: #fff; stroke: #56606a; stroke-width: 1.3; }
.notes li { font-size: .86rem; }
.notes .muted { font-size: 1em; }  /* the date no bigger than the note it dates */
footer { margin-top: .8rem; border-top: 1px solid var(--line); padding-top: .4rem;
  font-size: .78rem; color: var(--muted); }
@page { size: auto; margin: 9mm 12mm; }
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { max-width: none; padding: 0; font-size: 10pt; line-height: 1.25; }
  .grid { grid-template-columns: 1fr 1fr; gap: 4mm 7mm; }
  .column { gap: 3.5mm; }
  .figure { font-size: 10.5pt; }
  h3 { margin-top: 2mm; }
  h1 { font-size: 15pt; }
  h2 { font-size: 11.5pt; }
  table { font-size: 9pt; }
  svg.calendar { max-width: 52mm; }
  .notes li { font-size: 8.5pt; }
  .thumb { display: none; }  /* a picture small enough for the page is too small to read */
  footer { font-size: 8pt; margin-top: 2mm; padding-top: 1mm; }
  footer p { margin: 0; }
}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def frequency_text(frequency: Frequency | None) -> str:
    if frequency is None:
        return "no frequency set"
    period = "day" if frequency.period is Period.DAY else "week"
    return f"{frequency.times} {'time' if frequency.times == 1 else 'times'} a {period}"


def kept_text(part: RoutinePart) -> str:
    kept = part.kept
    if kept is None:
        return (
            f"{part.completed} of {plural(part.sessions, 'session')} completed (no frequency set)"
        )
    if not kept.due:  # the plan began today (this week), which is not over
        assert part.plan.frequency is not None  # kept only where there is one
        return nothing_due_text(part.plan.frequency.period)
    return f"{kept.done} of {plural(kept.due, 'due session')}, {kept.percent} %"


def _thumbnail(dose: Dose, pictures: PictureReader | None) -> str:
    """The exercise's picture, small, as a data: URI (read and checked again now)."""
    picture = pictures(dose.image) if pictures and dose.image else None
    if picture is None:
        return ""
    return f'<img class="thumb" src="{picture.data_uri}" alt="{_e("Picture: " + dose.exercise)}">'


def _doses(plan: Prescription, pictures: PictureReader | None) -> str:
    thumbs = [_thumbnail(dose, pictures) for dose in plan.doses]
    first = '<th class="thumb"></th>' if any(thumbs) else ""
    rated = any(dose.rating for dose in plan.doses)
    rows = "".join(
        (f'<tr><td class="thumb">{thumb}</td>' if first else "<tr>")
        + f'<td>{_e(dose.exercise)}</td><td class="dose">{_e(dose.dose)}</td>'
        + (f"<td>{_e(dose.rating)}</td>" if rated else "")
        + "</tr>"
        for dose, thumb in zip(plan.doses, thumbs, strict=True)
    )
    rating = "<th>Rated after</th>" if rated else ""
    head = f"<tr>{first}<th>Exercise</th><th>Dose</th>{rating}</tr>"
    return f'<table class="doses">{head}{rows}</table>' if rows else ""


def variant_heading(variant: Prescription, plan: Prescription) -> str:
    """`Upper back relief at your desk (upper-back-chair, 6 sessions): its own doses`."""
    count = dict(plan.variants).get(variant.name, 0)
    return f"{variant.title} ({variant.name}, {plural(count, 'session')}): its own doses"


def _plan(plan: Prescription, pictures: PictureReader | None = None) -> str:
    rows = _doses(plan, pictures)
    html = [f"<h2>{_e(plan.title)}</h2>"]
    html.append(f'<p class="muted">{_e(plan.name)} · {_e(frequency_text(plan.frequency))}</p>')
    if not plan.from_file:
        html.append(f'<p class="muted">{_e(plan.file_note)}</p>')
    html.append(rows)
    if plan.steps:
        steps = "".join(
            "<tr>" + "".join(f"<td>{_e(cell)}</td>" for cell in row) + "</tr>" for row in plan.steps
        )
        html.append(
            '<h3>Plan, step by step</h3><table class="steps"><tr><th>Step</th><th>Doses</th>'
            f"<th>Began</th></tr>{steps}</table>"
        )
    if plan.firings:
        firings = "".join(f"<li>{_e(firing)}</li>" for firing in plan.firings)
        html.append(f"<h3>Pain rule</h3><ul>{firings}</ul>")
    if plan.source:
        html.append(f'<p class="source">Source: {_e(plan.source)}</p>')
    if plan.variants:
        html.append(f'<p class="muted">{_e(variants_text(plan))}</p>')
    for variant in plan.played:
        html.append(f"<h3>{_e(variant_heading(variant, plan))}</h3>{_doses(variant, pictures)}")
    return "".join(html)


def variants_text(plan: Prescription) -> str:
    played = ", ".join(f"{name} ({plural(count, 'session')})" for name, count in plan.variants)
    return f"Also counted toward this plan (counts_as): {played}."


def counted_text(part: RoutinePart) -> str:
    assert part.counted_from is not None
    return f"Counted from {part.counted_from:%a %d %b}, the first session of this plan."


LEGEND = (
    ("done", "all due done"),
    ("partly", "partly"),
    ("missed", "missed"),
    ("not-due", "not due"),
)


def _routine(part: RoutinePart, pictures: PictureReader | None) -> str:
    html = [f"<section>{_plan(part.plan, pictures)}"]
    figure = kept_text(part)
    figure = figure[0].upper() + figure[1:]  # "Nothing due until ..." begins a sentence
    html.append(f'<h3>Adherence</h3><p class="figure">{_e(figure)}</p>')
    if part.counted_from is not None and part.kept is not None:
        html.append(f'<p class="muted">{_e(counted_text(part))}</p>')
    frequency = part.plan.frequency
    if part.days and frequency is not None:
        per_day = frequency.times if frequency.period is Period.DAY else 0
        html.append(
            calendar_svg(
                part.days,
                due_per_day=per_day,
                label=f"Calendar of {part.plan.name}",
                today=part.days[-1].day,
            )
        )
        states = {mark.state for mark in part.days}
        keys = [
            f'<li><span class="key {css}"></span>{words}</li>'
            for css, words in LEGEND
            if DayState(css) in states
        ]
        keys.append('<li><span class="key today"></span>today, not over yet</li>')
        html.append(f'<ul class="legend">{"".join(keys)}</ul>')
    begun = plural(part.sessions, "session")
    html.append(f'<p class="muted">{begun} begun, {part.completed} completed.</p>')
    html.append("</section>")
    return "".join(html)


def _change_text(report: Report) -> str:
    change = report.change
    if change is None or change.mean is None:
        return "No session has a pain rating both before and after."
    direction = "lower" if change.mean < 0 else "higher" if change.mean > 0 else "the same"
    amount = f"{abs(change.mean):.1f} points " if change.mean else ""
    return (
        f"Pain after a session was on average {amount}{direction} than before "
        f"({plural(change.sessions, 'session')} with both ratings)."
    )


def _pain(report: Report) -> str:
    assert report.pain is not None
    html = ["<section><h2>Pain before and after sessions</h2>"]
    mornings = f"<p>{_e(mornings_text(report))}</p>" if report.mornings else ""
    if not report.pain:
        html.append(f"<p>No pain check-ins in this period.</p>{mornings}</section>")
        return "".join(html)
    pain = report.outcomes.pain
    assert pain is not None  # the report's pain and the pain change are left out together
    band = pain.band
    html.append(pain_svg(report.pain, first=report.first, days=report.days, band=band))
    shaded = (
        f'<li><span class="key band"></span>{band:.1f} or less: a change that usually matters</li>'
        if band is not None
        else ""
    )
    html.append(
        '<ul class="legend"><li><span class="key before"></span>before</li>'
        '<li><span class="key after"></span>after</li>'
        f"{shaded}<li>0 = no pain, 10 = worst</li></ul>"
    )
    html.append(f'<p class="figure">{_e(_change_text(report))}</p>')
    html.append(f"<p>{_e(pain_change_words(pain))}</p>")
    html.append(f"{mornings}</section>")
    return "".join(html)


def mornings_text(report: Report) -> str:
    """`The next morning, compared with before the session: better 3, same 1, worse 0.`"""
    counts = ", ".join(f"{answer} {count}" for answer, count in report.mornings)
    return f"The next morning, compared with before the session: {counts}."


GOALS_LEDE = (
    "Patient-Specific Functional Scale, 0 unable to 10 as before; about 3 points on one "
    "activity, or 2 on the mean, usually matter"
)


def rating_text(goal: Goal, index: int) -> str:
    """`3 (02 Nov)`: one of a goal's ratings, or – when it has none."""
    if not goal.ratings:
        return "–"
    rating = goal.ratings[index]
    return f"{rating.score} ({rating.rated:%d %b})"


def goal_change_text(goal: Goal) -> str:
    """The change as the table shows it (the lede gives the thresholds)."""
    state = "; reached (marked done)" if goal.state is GoalState.DONE else ""
    return goal_words(goal, threshold=False) + state


def mean_text(outcomes: Outcomes) -> str:
    return f"All goals: {scale_words(outcomes.scale, threshold=False)}."


def pain_change_words(pain: PainOutcome) -> str:
    """The pain change against the change that usually matters, as a sentence."""
    words = pain_words(pain)
    return words[0].upper() + words[1:] + "."


def band_text(pain: PainOutcome) -> str:
    """What the shaded band means; "" when there is none (no pain in the first weeks)."""
    if pain.band is None:
        return ""
    return (
        f"pain of {pain.band:.1f} or less is a change that usually matters "
        f"(first two weeks: {pain.first:.1f})."
    )


def reasons_text(outcomes: Outcomes) -> list[str]:
    """`Forgot: 3 times`, most often first."""
    return [f"{REASONS[reason]}: {plural(times, 'time')}" for reason, times in outcomes.reasons]


def _goals(report: Report) -> str:
    outcomes = report.outcomes
    html = [f'<section><h2>Goals <span class="muted">{_e(GOALS_LEDE)}</span></h2>']
    html.append("<table><tr><th>Activity</th>")
    html.append("<th>First</th><th>Latest</th><th>Change</th></tr>")
    for goal in outcomes.goals:
        html.append(
            f'<tr><td>{_e(goal.text)}</td><td class="dose">{_e(rating_text(goal, 0))}</td>'
            f'<td class="dose">{_e(rating_text(goal, -1))}</td>'
            f"<td>{_e(goal_change_text(goal))}</td></tr>"
        )
    html.append(f'</table><p class="figure">{_e(mean_text(outcomes))}</p></section>')
    return "".join(html)


def _barriers(report: Report) -> str:
    outcomes = report.outcomes
    html = ["<section><h2>What got in the way</h2>"]
    items = "".join(f"<li>{_e(line)}</li>" for line in reasons_text(outcomes))
    html.append(f"<ul>{items}</ul>")
    others = [b for b in outcomes.barriers if b.detail]
    if others:
        details = "".join(
            f'<li><span class="muted">{b.missed_on:%a %d %b}</span> {_e(b.detail)}</li>'
            for b in others
        )
        html.append(f'<ul class="notes">{details}</ul>')
    html.append("</section>")
    return "".join(html)


def _days(days: Iterable[date]) -> str:
    return ", ".join(f"{day:%d %b}" for day in days)


def _exercises(report: Report) -> str:
    html = ["<section><h2>Exercises that hurt or were skipped</h2>"]
    if report.hurts is not None:
        if report.hurts:
            items = "".join(
                f"<li>{_e(hurt.exercise)}: {_e(_days(hurt.days))}</li>" for hurt in report.hurts
            )
            html.append(f"<h3>Stopped with “this hurts”</h3><ul>{items}</ul>")
        else:
            html.append("<p>No exercise was stopped with “this hurts”.</p>")
    if report.skipped:
        items = "".join(
            f"<li>{_e(item.exercise)}: skipped {item.skipped} of {item.offered} times</li>"
            for item in report.skipped[:6]
        )
        html.append(f"<h3>Skipped</h3><ul>{items}</ul>")
    else:
        html.append("<p>No exercise was skipped.</p>")
    html.append("</section>")
    return "".join(html)


def _notes(report: Report) -> str:
    assert report.notes is not None
    html = ["<section><h2>Notes</h2>"]
    if not report.notes:
        html.append("<p>No session notes in this period.</p>")
    else:
        items = "".join(
            f'<li><span class="muted">{note.started:%a %d %b %H:%M}</span> {_e(note.text)}</li>'
            for note in report.notes
        )
        html.append(f'<ul class="notes">{items}</ul>')
    html.append("</section>")
    return "".join(html)


def period_text(report: Report) -> str:
    return (
        f"{report.first:%a %d %b %Y} to {report.last:%a %d %b %Y} "
        f"({report.days} {'day' if report.days == 1 else 'days'})"
    )


def disclaimers(report: Report) -> list[str]:
    found = [part.plan.disclaimer for part in report.routines if part.plan.disclaimer]
    return list(dict.fromkeys(found)) or [DEFAULT_DISCLAIMER]


def sped_up_text(report: Report) -> str:
    """Why the figures may be fewer than the history's sessions; "" when they are not."""
    return left_out_text(report.sped_up)


def generated_text(report: Report) -> str:
    when = f"{report.generated:%Y-%m-%d %H:%M} ({report.zone})"
    text = f"Generated by backpain {report.version} on {when}."
    if report.pain is not None:
        text += " Pain is the person's own rating, 0 (none) to 10 (worst)."
    return text


def report_html(report: Report, *, pictures: PictureReader | None = None) -> str:
    """The page; `pictures` reads each exercise's picture to show beside it (none
    without it)."""
    body = [f"<h1>{TITLE}</h1>", f'<p class="lede">{_e(period_text(report))}']
    if report.sessions:
        body.append(f" · {plural(report.sessions, 'session')}, {report.completed} completed")
    body.append("</p>")
    if report.sped_up:
        body.append(f'<p class="muted">{_e(sped_up_text(report))}</p>')
    if report.outcomes.goals:  # the person first: what they want to do again
        body.append(_goals(report))
    if not report.routines or not report.sessions:
        body.append('<p class="figure">No sessions were recorded in this period.</p>')
    # Two columns side by side on a wide screen and on paper, one after the other on a
    # phone: the plan, how it was kept and which exercises hurt; then pain, what got in
    # the way and the notes.
    body.append('<div class="grid"><div class="column">')
    body.extend(_routine(part, pictures) for part in report.routines)
    if report.sessions:
        body.append(_exercises(report))
    body.append('</div><div class="column">')
    if report.pain is not None:
        body.append(_pain(report))
    if report.outcomes.reasons:
        body.append(_barriers(report))
    if report.notes is not None:
        body.append(_notes(report))
    body.append("</div></div><footer>")
    body.extend(f"<p>{_e(text)}</p>" for text in disclaimers(report))
    body.append(f"<p>{_e(generated_text(report))}</p></footer>")
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{TITLE}, {_e(period_text(report))}</title>"
        f"<style>{STYLE}</style></head>\n<body>{''.join(body)}</body></html>\n"
    )
