"""`backpain goals`: the activities a person wants back, rated 0–10 over the weeks."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import click

from backpain_cli.cli import common
from backpain_cli.errors import BackpainError
from backpain_cli.history import journal
from backpain_cli.history import store as history_store
from backpain_cli.history.barriers import REASONS, suggestion
from backpain_cli.history.goals import (
    GOAL_MIC,
    PSFS_MEAN_MIC,
    RATE_AGAIN_DAYS,
    GoalError,
    GoalState,
    Verdict,
    followed,
    goal_verdict,
    goal_words,
    pain_outcome,
    pain_words,
    rating_due,
    scale_summary,
    scale_words,
    score,
)
from backpain_cli.history.journal import add_goal, close_goal, goals, rate_goals
from backpain_cli.history.stats import local_day, today_in
from backpain_cli.player.check_in import CheckInCancelled
from backpain_cli.routines.catalogue import find_routine_files
from backpain_cli.routines.timeline import build_timeline
from backpain_cli.tables import paragraph
from backpain_cli.text import dumps_json

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import datetime, tzinfo

    from backpain_cli.history.goals import Goal
    from backpain_cli.history.stats import Due
    from backpain_cli.history.store import History

NO_GOALS = (
    "No goals yet. Name an activity your back makes hard, e.g.\n"
    "  backpain goals add 'Lift my grandchild'\n"
    "then rate it now and every week or two: backpain goals rate"
)


def _writable() -> History:
    history, warning = history_store.open_for_recording(common.locations().history_file)
    if history is None:
        common.fail(str(warning))
    return history


def _read_goals() -> list[Goal]:

    store = common.read_history()
    if store is None:
        return []
    with store:
        return goals(store)


def _wrap(text: str, *, indent: str = "", hanging: str | None = None) -> str:
    """TEXT wrapped at spaces to the terminal (40 to 100 columns): words and names
    (`upper-back-gentle`) whole, never broken at a hyphen."""
    width = max(40, min(shutil.get_terminal_size((80, 24)).columns, 100))
    return "\n".join(paragraph(text, width, indent=indent, hang=hanging))


def _day(goal: Goal, index: int, zone: tzinfo) -> str:
    moment = goal.ratings[index].rated.astimezone(zone)
    return f"{moment.day} {moment:%b}"


def goals_text(goals: Sequence[Goal], zone: tzinfo) -> str:

    shown = followed(goals)
    if not shown:
        return NO_GOALS
    lines = ["Your goals: 0 unable, 10 able as before.", ""]
    for goal in shown:
        done = " (done)" if goal.state is GoalState.DONE else ""
        lines.append(_wrap(f"{goal.id}. {goal.text}{done}", indent="", hanging="   "))
        if not goal.ratings:
            lines.append(_wrap("not rated yet", indent="   "))
        elif len(goal.ratings) == 1:
            lines.append(_wrap(f"rated {goal.first} on {_day(goal, 0, zone)}", indent="   "))
        else:
            lines.append(
                _wrap(
                    f"first {goal.first} ({_day(goal, 0, zone)}), latest {goal.latest} "
                    f"({_day(goal, -1, zone)}): {goal_words(goal)}",
                    indent="   ",
                )
            )
    lines += ["", _wrap(f"All goals: {scale_words(scale_summary(shown))}.")]
    return "\n".join(lines)


def goals_json(goals: Sequence[Goal], zone: tzinfo) -> dict[str, Any]:

    def matters(verdict: Verdict) -> bool | None:
        return None if verdict is Verdict.TOO_EARLY else verdict is Verdict.MATTERS

    summary = scale_summary(goals)
    return {
        "format": 1,
        "goals": [
            {
                "number": goal.id,
                "id": goal.uuid,
                "text": goal.text,
                "state": goal.state.value,
                "added": goal.added.astimezone(zone).isoformat(timespec="seconds"),
                "ratings": [
                    {"at": r.rated.astimezone(zone).isoformat(timespec="seconds"), "score": r.score}
                    for r in goal.ratings
                ],
                "first": goal.first,
                "latest": goal.latest,
                "change": goal.change,
                "matters": matters(goal_verdict(goal)),
            }
            for goal in followed(goals)
        ],
        "mean": None if summary.mean is None else round(summary.mean, 1),
        "mean_change": None if summary.change is None else round(summary.change, 1),
        "mean_matters": matters(summary.verdict),
        "minimal_important_change": {"goal": GOAL_MIC, "mean": PSFS_MEAN_MIC},
    }


@click.group("goals", invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print the goals and ratings as JSON.")
@click.pass_context
def goals_group(ctx: click.Context, as_json: bool) -> None:
    """The activities you want back, each rated 0 (unable) to 10 (as before).

    Name up to five things your back makes hard, rate them now and every week or
    two, and see whether the change is one that usually matters (about 3 points
    on one activity, 2 on the mean). This is the Patient-Specific Functional Scale
    that physical therapists use; the report shows it first.

    \b
    Examples:
      backpain goals add 'Lift my grandchild'
      backpain goals rate              asks each goal, 0-10
      backpain goals rate 1=4 2=6      without questions
      backpain goals done 1            reached it
      backpain goals --json
    """
    if ctx.invoked_subcommand is not None:
        return
    goals = _read_goals()
    zone = common.user_zone()
    if as_json:
        click.echo(dumps_json(goals_json(goals, zone)))
    else:
        click.echo(goals_text(goals, zone))


@goals_group.command("add")
@click.argument("words", nargs=-1, required=True, metavar="TEXT")
def add_command(words: tuple[str, ...]) -> None:
    """Follow a new goal: an activity your back makes hard (at most five at once).

    \b
    Examples:
      backpain goals add 'Lift my grandchild'
      backpain goals add Sleep on my left side
    """

    with _writable() as history:
        number = add_goal(history, " ".join(words), now=common.utc_now())
    click.echo(f"Goal {number} added. Rate it now: backpain goals rate {number}=N (0-10)")


def _close(number: int, state_name: str) -> None:

    state = GoalState(state_name)
    with _writable() as history:
        text = close_goal(history, number, state, now=common.utc_now())
    if state is GoalState.DONE:
        click.echo(f"Well done: goal {number} ({text}) is marked done; its ratings are kept.")
    else:
        click.echo(f"Goal {number} ({text}) is no longer followed.")


@goals_group.command("done")
@click.argument("number", type=click.IntRange(min=1), metavar="N")
def done_command(number: int) -> None:
    """Mark goal N reached: it stays in the record and the report.

    \b
    Examples:
      backpain goals done 2
    """
    _close(number, "done")


@goals_group.command("remove")
@click.argument("number", type=click.IntRange(min=1), metavar="N")
def remove_command(number: int) -> None:
    """Stop following goal N (it leaves the summaries and the report).

    \b
    Examples:
      backpain goals remove 3
    """
    _close(number, "removed")


def _parse_scores(pairs: Sequence[str]) -> dict[int, int]:

    scores: dict[int, int] = {}
    for pair in pairs:
        number, equals, value = pair.partition("=")
        if not equals or not (number.isascii() and number.isdigit()):
            raise GoalError(f"write each rating as N=SCORE, e.g. 1=4, not {pair!r}")
        scores[int(number)] = score(value)
    return scores


def _ask_scores(goals: Sequence[Goal]) -> dict[int, int]:
    """Each followed goal asked at the terminal; Enter skips one."""

    click.echo(_wrap("Rate each goal: 0 unable, 10 able as before (Enter skips)."))
    scores: dict[int, int] = {}
    for goal in goals:
        if goal.state is not GoalState.ACTIVE:
            continue
        last = f" (last time {goal.latest})" if goal.latest is not None else ""
        while True:
            answer = click.prompt(
                _wrap(f"{goal.id}. {goal.text}{last}", hanging="   "),
                default="",
                show_default=False,
            ).strip()
            if not answer:
                break
            try:
                scores[goal.id] = score(answer)
                break
            except GoalError as error:
                click.echo(f"  {error}")
    return scores


@goals_group.command("rate")
@click.argument("pairs", nargs=-1, metavar="[N=SCORE]...")
def rate_command(pairs: tuple[str, ...]) -> None:
    """Rate your goals 0 (unable) to 10 (as before): at a terminal it asks each one;
    or give N=SCORE pairs.

    \b
    Examples:
      backpain goals rate
      backpain goals rate 1=4 2=6
    """

    if pairs:
        scores = _parse_scores(pairs)
    else:
        goals = _read_goals()
        if not any(goal.state.value == "active" for goal in goals):
            common.fail("no goals to rate yet: backpain goals add 'Lift my grandchild'")
        if not common.can_ask():
            common.fail("give the ratings as N=SCORE (e.g. backpain goals rate 1=4 2=6)")
        scores = _ask_scores(goals)
        if not scores:
            click.echo("Nothing rated.")
            return
    with _writable() as history:
        rate_goals(history, scores, now=common.utc_now())
    rated = ", ".join(f"goal {number}: {value}" for number, value in scores.items())
    click.echo(f"Rated {rated}. See the change: backpain goals")


# -- the check-in before `start` and after `today` -----------------------------------

CHECK_IN = "check-in"  # the day's questions: asked at most once a day
GOALS_ASKED = "goals"  # the last offer or reminder to rate the goals
RATE_LINE = "Rate your goals: backpain goals rate"


def _variants(plan: str) -> tuple[tuple[str, int] | None, str | None]:
    """The shortest routine that counts toward PLAN (name, seconds) and a gentler one."""

    shortest: tuple[str, int] | None = None
    gentle = None
    library = common.shared_library()
    for routine_file in find_routine_files(common.locations()):
        try:
            routine = common.load_file(routine_file, library=library)
        except BackpainError:
            continue
        if plan not in (routine_file.name, routine.counts_as):
            continue
        seconds = build_timeline(routine).total
        if shortest is None or seconds < shortest[1]:
            shortest = (routine_file.name, seconds)
        if routine_file.name != plan and "gentle" in f"{routine_file.name} {routine.title}".lower():
            gentle = routine_file.name
    return shortest, gentle


def _ask_barrier(plan: str) -> tuple[str | None, str]:

    keys = list(REASONS)
    click.echo(_wrap(f"Yesterday's {plan} was not done. What got in the way? (Enter skips)"))
    for number, text in enumerate(REASONS.values(), 1):  # one a line: whole, and read aloud
        click.echo(f"  {number} {text}")
    while True:
        answer = click.prompt(f"1-{len(keys)}", default="", show_default=False).strip()
        if not answer:
            return None, ""
        if answer.isascii() and answer.isdigit() and 1 <= int(answer) <= len(keys):
            reason = keys[int(answer) - 1]
            break
        click.echo(f"  Type a number from 1 to {len(keys)}, or press Enter to skip.")
    detail = ""
    if reason == "other":
        detail = click.prompt("A few words (Enter skips)", default="", show_default=False)
    return reason, detail


def _outcome_words(store: History, goals: Sequence[Goal], now: datetime, zone: tzinfo) -> str:

    pain = pain_words(pain_outcome(store.pain_ratings(), now=now, zone=zone))
    if not any(goal.ratings for goal in goals):
        return pain
    return f"goals {scale_words(scale_summary(goals))}; {pain}"


@contextmanager
def _cancelled_on_abort() -> Iterator[None]:
    """Ctrl-C or the end of input at a question: leave, as at the pain question."""

    try:
        yield
    except click.Abort:
        click.echo()
        raise CheckInCancelled("ctrl-c") from None


def daily_questions(
    *,
    ask_goals: bool,
    ask_barriers: bool,
    missed_yesterday: Callable[[datetime, tzinfo], Due | None],
) -> None:
    """At a terminal, at most once a day, before `start` or after `today`: what got in
    the way of yesterday's session (when one was due and not done: `missed_yesterday`
    finds it) and, when the goals were not rated for two weeks, an offer to rate them.
    Enter skips each; Ctrl-C raises CheckInCancelled (what was answered is kept)."""

    if not (ask_goals or ask_barriers) or not common.can_ask():
        return
    store = common.read_history()
    if store is None:
        return
    now, zone = common.utc_now(), common.user_zone()
    with store:
        asked = journal.last_asked(store, [CHECK_IN, GOALS_ASKED])
        goals = journal.goals(store)
        answered = {barrier.missed_on for barrier in journal.barriers(store)}
    today = today_in(now, zone)
    if CHECK_IN in asked and local_day(asked[CHECK_IN], zone) == today:
        return
    missed = None
    if ask_barriers and today - timedelta(days=1) not in answered:
        missed = missed_yesterday(now, zone)
    last_offer = asked.get(GOALS_ASKED)
    offer = (
        ask_goals
        and rating_due(goals, now=now)
        and (last_offer is None or now - last_offer >= timedelta(days=RATE_AGAIN_DAYS))
    )
    if missed is None and not offer:
        return
    history, _ = history_store.open_for_recording(common.locations().history_file)
    if history is None:  # cannot be written here: ask nothing that cannot be kept
        return
    click.echo()
    with history, _cancelled_on_abort():
        journal.mark_asked(history, CHECK_IN, now=now)
        if missed is not None:
            reason, detail = _ask_barrier(missed.routine)
            journal.record_barrier(history, today - timedelta(days=1), reason, detail, now=now)
            if reason is not None:
                shortest, gentle = (
                    _variants(missed.routine) if reason in ("no-time", "it-hurt") else (None, None)
                )
                words = _outcome_words(history, goals, now, zone) if reason == "not-helping" else ""
                click.echo(
                    _wrap(
                        suggestion(
                            reason,
                            routine=missed.routine,
                            shortest=shortest,
                            gentle=gentle,
                            outcome_words=words,
                        )
                    )
                )
        if offer:
            journal.mark_asked(history, GOALS_ASKED, now=now)
            if click.confirm(
                _wrap("Your goals were not rated for two weeks. Rate them now?"), default=False
            ):
                scores = _ask_scores(goals)
                if scores:
                    journal.rate_goals(history, scores, now=now)
        click.echo()


def rate_reminder(*, ask_goals: bool) -> str | None:
    """The one line that reminds to rate the goals, once when two weeks have passed
    without a rating (for `today` and the end of `start`); None otherwise."""

    if not ask_goals or not common.can_ask():
        return None
    store = common.read_history()
    if store is None:
        return None
    now = common.utc_now()
    with store:
        asked = journal.last_asked(store, [GOALS_ASKED]).get(GOALS_ASKED)
        due = rating_due(journal.goals(store), now=now)
    if not due or (asked is not None and now - asked < timedelta(days=RATE_AGAIN_DAYS)):
        return None
    history, _ = history_store.open_for_recording(common.locations().history_file)
    if history is None:
        return None
    with history:
        journal.mark_asked(history, GOALS_ASKED, now=now)
    return RATE_LINE
