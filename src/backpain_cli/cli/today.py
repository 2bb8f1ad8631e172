"""`backpain today`: what is due today and what is done. `today --notify` is what a
reminder runs: it imports neither the views nor the scheduler code."""

from __future__ import annotations

import sys
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from backpain_cli.cli import common
from backpain_cli.cli.common import load, output_width, read_history, styled_output
from backpain_cli.cli.morning import morning_check
from backpain_cli.errors import BackpainError
from backpain_cli.history.barriers import missed
from backpain_cli.history.overview import RoutineFacts, today
from backpain_cli.history.progress import morning_answers, planned_routines
from backpain_cli.history.stats import DAYS_IN_USE, today_in
from backpain_cli.player.check_in import CheckInCancelled
from backpain_cli.progression.explain import TALK_FIRST, new_dose_lines
from backpain_cli.routines.catalogue import Origin
from backpain_cli.text import clean, dumps_json

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from datetime import tzinfo

    from backpain_cli.history.overview import RoutineLookup
    from backpain_cli.history.stats import Due
    from backpain_cli.progression.resolver import Position
    from backpain_cli.routines.loader import ExerciseLibrary
    from backpain_cli.routines.model import Routine


def routine_lookup(
    library: Callable[[], ExerciseLibrary] | None = None,
    known: Mapping[str, Routine] | None = None,
    paths: Mapping[str, str] | None = None,
) -> RoutineLookup:
    """A routine's frequency and `counts_as` from its file (or the cache); the exercise
    library is read once, when first needed (only routines with nothing recorded need
    their files), and routines already loaded (`known`) are not read again. A routine
    last played from a path (`paths`) is read from there."""

    shared = library or common.shared_library()

    def lookup(name: str) -> RoutineFacts:
        routine = known[name] if known and name in known else None
        routine = routine or load_played(name, paths or {}, library=shared)
        if routine is None:
            raise LookupError(name)
        return RoutineFacts(routine.frequency, routine.counts_as)

    return lookup


def missed_yesterday(now: datetime, zone: tzinfo) -> Due | None:
    """A plan that asked for a session yesterday when none was done (what `today`
    would have shown at the end of yesterday)."""

    yesterday = today_in(now, zone) - timedelta(days=1)
    end = datetime.combine(yesterday, time(23, 59, 59), tzinfo=zone)
    return missed(
        today(common.read_history(), (), now=end, zone=zone, lookup=routine_lookup()).dues
    )


def load_played(
    name: str, paths: Mapping[str, str], *, library: Callable[[], ExerciseLibrary]
) -> Routine | None:
    """The routine NAME as it was last played: from its recorded path when it was played
    from one and the file is still there, else by name; None when neither loads."""

    for reference in (paths.get(name), name):
        if reference is None:
            continue
        try:
            return load(reference, library=library)[1]
        except BackpainError:
            continue
    return None


@click.command("today")
@click.argument("routines", nargs=-1, metavar="[ROUTINE]...")
@click.option(
    "--notify",
    is_flag=True,
    help="A desktop notification instead, only while something is due (what a "
    "reminder runs; exit status 0).",
)
@click.option("--allow-night", is_flag=True, help="With --notify: also between 22:00 and 07:00.")
@click.option(
    "--json", "as_json", is_flag=True, help="Print stable JSON (see `backpain help json`)."
)
def today_command(
    routines: tuple[str, ...], notify: bool, allow_night: bool, as_json: bool
) -> None:
    """What is due today and what is done, for each routine with a frequency.

    Without ROUTINE: every routine you played in the last 4 weeks. Exit status
    0 when everything due today is done, 1 when not (for a shell prompt or a
    reminder).

    \b
    Examples:
      backpain today
      backpain today upper-back
      backpain today >/dev/null || echo "time for your back exercises"
      backpain today --json | jq '.routines[] | {routine, left}'
    """
    if notify and as_json:
        raise click.UsageError("choose one of --notify and --json")

    library = common.shared_library()
    # An unknown routine is an error, not "nothing due"; each named file is read once.
    asked = [load(reference, library=library) for reference in routines]
    known = {routine.name: routine for _, routine in asked}  # a file: its routine's name
    named = tuple(known)
    now, zone = common.utc_now(), common.user_zone()
    store = read_history()
    in_use = now - timedelta(days=DAYS_IN_USE + 8)  # what `today` looks at
    played = store.routine_paths(since=in_use) if store is not None else {}
    # Where each routine is started from: the file it was last played from, unless it
    # was asked for by name (then by name) or as a file (then that file).
    paths = {name: path for name, path in played.items() if name not in known}
    paths.update(
        (routine.name, str(routine_file.path.resolve()))
        for routine_file, routine in asked
        if routine_file.origin is Origin.PATH
    )
    lookup = routine_lookup(library, known, paths)
    due = today(store, named, now=now, zone=zone, lookup=lookup)
    if notify:  # the same dues, shown as a reminder (`backpain remind`)
        from backpain_cli.cli.remind import notify_today  # not in `today` itself

        left = [d.routine for d in due.dues if not d.satisfied]  # each line shows a title
        names = list(dict.fromkeys([*known, *paths, *left]))
        titles, _, gone = titles_of(names, known, paths, library)
        notify_today(
            due.dues,
            now.astimezone(zone),
            allow_night,
            named=named,
            titles=titles,
            paths=paths,
            gone=gone,
        )
        return
    if as_json:  # the same dues, for scripts: no questions
        from backpain_cli.history.json_output import today_json

        click.echo(dumps_json(today_json(due, zone)))
        sys.exit(0 if due.all_done else 1)

    from backpain_cli.history.views import today_text  # not in `today --notify`

    shown = [d.routine for d in due.dues] + list(due.without_frequency)
    titles, gone_lines, _ = titles_of(shown, known, paths, library)
    click.echo(
        today_text(
            due.dues,
            due.day,
            without_frequency=due.without_frequency,
            titles=titles,
            gone=gone_lines,
            previews=due.previews,
            styled=styled_output(),
            width=output_width(),
        )
    )
    for line in plan_news(with_plans(known, shown, library, since=now - timedelta(days=28))):
        click.echo(line)
    if common.can_ask():  # the person's own questions, never in a script or a pipe
        from backpain_cli.cli.goals import daily_questions, rate_reminder

        morning_check()
        settings = common.load_settings()
        reminder = rate_reminder(ask_goals=settings.ask_goals)
        if reminder:
            click.echo(f"\n{reminder}")

        try:
            daily_questions(
                ask_goals=False,
                ask_barriers=settings.ask_barriers,
                missed_yesterday=missed_yesterday,
            )
        except CheckInCancelled:
            sys.exit(130)
    if not due.all_done:
        sys.exit(1)


def titles_of(
    names: list[str],
    known: Mapping[str, Routine],
    paths: Mapping[str, str],
    library: Callable[[], ExerciseLibrary],
) -> tuple[dict[str, str], list[str], set[str]]:
    """The title of each routine (from the file it was last played from, else by
    name), a line for each that does not load (it is shown as the history recorded
    it, by its name), and the names whose file played from is not there any more."""
    titles: dict[str, str] = {}
    lines: list[str] = []
    gone = {name for name in names if name in paths and not Path(paths[name]).is_file()}
    for name in names:
        routine = known.get(name) or load_played(name, paths, library=library)
        if routine is not None:
            titles[name] = routine.title
            continue
        if name in gone:
            where = f"its routine file {paths[name]} is not there any more"
        else:
            where = "its routine file is gone or does not load (`backpain list` shows yours)"
        lines.append(f"{name}: {where}; shown as the history recorded it.")
    return titles, lines, gone


def with_plans(
    known: Mapping[str, Routine],
    names: list[str] | None,
    library: Callable[[], ExerciseLibrary],
    *,
    since: datetime,
) -> dict[str, Routine]:
    """The routines with a plan among `known` and `names` (None: every routine), of
    those not known only the ones played at a step of a plan since `since` (their files
    are read only then)."""
    planned = {name: routine for name, routine in known.items() if routine.progression}
    history = read_history() if names is None or set(names) - set(known) else None
    if history is None:
        return planned
    with history:
        played = planned_routines(history, since=since)
    for name in sorted(played) if names is None else names:
        if name in played and name not in known:
            try:
                _, routine = load(name, library=library)
            except BackpainError:
                continue
            if routine.progression is not None:
                planned[name] = routine
    return planned


def plan_position(routine: Routine) -> Position:
    position = common.plan_position(routine)
    assert position is not None
    return position


def plan_news(planned: Mapping[str, Routine]) -> list[str]:
    """What today's session does differently by its plan (`tiny: One 2 s (was 1 s) from
    this session`), or that the plan is held."""

    lines = []
    for name, routine in planned.items():
        position = plan_position(routine)
        lines += [f"{name}: {line}" for line in new_dose_lines(routine, position)]
        if position.held:
            lines.append(f"{name}: {TALK_FIRST} (the plan holds at step {position.step})")
    return [clean(line) for line in lines]


def mornings(now: datetime) -> dict[str, int]:
    """The next-morning check's answers about the last 4 weeks' sessions."""
    history = read_history()
    if history is None:
        return {}
    with history:
        return morning_answers(history, since=now - timedelta(days=28))
