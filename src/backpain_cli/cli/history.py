"""The history commands: `history` (with `forget`, `export`, `import`) and `stats`."""

from __future__ import annotations

import sys
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.core import ParameterSource

from backpain_cli.cli import common
from backpain_cli.cli.common import (
    output_width,
    read_history,
    styled_output,
)
from backpain_cli.files import write_atomically
from backpain_cli.history import views as history_report
from backpain_cli.history.stats import today_in
from backpain_cli.history.views import NOTHING_RECORDED, forget_text, stats_text
from backpain_cli.progression.explain import position_json
from backpain_cli.tables import paragraph
from backpain_cli.text import dumps_json, plural

if TYPE_CHECKING:
    from datetime import date, tzinfo


def _since(day: date | None, zone: tzinfo) -> datetime | None:
    """The start of the first day of `--since` (see `common.Since`)."""

    return None if day is None else datetime.combine(day, time(), tzinfo=zone)


@click.group("history", invoke_without_command=True)
@click.option(
    "--since",
    type=common.SINCE,
    metavar="4w|10d|DATE",
    help="Only sessions of the last weeks or days, or from this day on (YYYY-MM-DD).",
)
@click.option("--routine", "routine_name", metavar="NAME", help="Only sessions of this routine.")
@click.option(
    "--limit",
    type=click.IntRange(min=0, max=common.HISTORY_INT_MAX),
    help="Show the most recent N sessions; 0 for all. Default: 20 in the table, "
    "all with --json or --csv.",
)
@click.option("--json", "as_json", is_flag=True, help="Print stable JSON with every exercise.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV, one row per session.")
@click.pass_context
def history_command(
    ctx: click.Context,
    since: date | None,
    routine_name: str | None,
    limit: int | None,
    as_json: bool,
    as_csv: bool,
) -> None:
    """Your recorded sessions: date, routine, time, result, exercises, pain before → after.

    Every `backpain start` is recorded in a local database (nothing leaves your
    computer). Times are shown in your time zone; CSV and JSON carry the UTC offset.

    \b
    Examples:
      backpain history
      backpain history --since 2026-11-01 --routine upper-back
      backpain history --csv > sessions.csv      # to share with your therapist
      backpain history --json --limit 10
      backpain history forget 42                 # the Id column: one session
    """

    if ctx.invoked_subcommand is not None:
        return
    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    zone = common.user_zone()
    start = _since(since, zone)
    machine = as_json or as_csv
    if limit is None:
        limit = 0 if machine else 20
    store = read_history()
    sessions = []
    tallies = {}
    total = 0
    if store is not None:
        with store, store.snapshot():
            sessions = store.sessions(
                since=start, routine=routine_name, limit=limit or None, with_exercises=as_json
            )
            # The table and CSV show counts only: SQLite counts them (fast over years).
            tallies = {} if as_json else store.tallies([session.id for session in sessions])
            if not machine:  # sessions left out (each with a notice) are not counted
                total = store.count(since=start, routine=routine_name) - len(store.unreadable)

    if as_json:
        from backpain_cli.history.json_output import history_json  # SQLite: not in --help

        click.echo(dumps_json(history_json(sessions, zone)))
    elif as_csv:
        click.echo(history_report.history_csv(sessions, zone, tallies), nl=False)
    elif not sessions and (since or routine_name) and store is not None:
        click.echo("No sessions match.")
    else:
        click.echo(
            history_report.history_table(
                sessions,
                zone,
                total=total,
                styled=styled_output(),
                tallies=tallies,
                width=output_width(),
            )
        )


@history_command.command("forget")
@click.argument(
    "session",
    type=click.IntRange(-common.HISTORY_INT_MAX - 1, common.HISTORY_INT_MAX),
    metavar="SESSION",
)
@click.option("--yes", "-y", is_flag=True, help="Do not ask first.")
def forget_command(session: int, yes: bool) -> None:
    """Remove one session (and its exercises) from the history.

    SESSION is its id: the Id column of `backpain history`, `id` in --json,
    `session_id` in --csv. Nothing else is touched; it cannot be undone. With a
    sync folder, the other machines forget it too.

    \b
    Examples:
      backpain history forget 42
      backpain history forget 42 --yes
    """

    store = read_history()
    found = unreadable = None
    if store is not None:
        store.warn = None  # a session that cannot be read is named below, and forgotten
        with store:
            found = store.session(session)
            unreadable = store.unreadable.get(session)
    if found is None and unreadable is None:
        common.fail(f"no session {session} in the history (`backpain history` lists them)")
    zone = common.user_zone()
    shown = forget_text(found, zone) if found else f"session {session} ({unreadable})"
    if not yes:
        if not common.interactive():
            common.fail(f"forget session {session}: add --yes to confirm without a question")
        if not click.confirm(f"Forget {shown}?", default=False):
            click.echo("Nothing was forgotten.")
            return
    store = read_history()
    assert store is not None
    with store:
        gone = store.forget(session)
        if gone:  # the other machines forget it too
            common.push_to_sync_folder(store)
    if not gone:  # forgotten by another process in the meantime
        common.fail(f"no session {session} in the history")
    click.echo(f"Forgot {shown}.")


@history_command.command("export", short_help="Write your sessions to a file (JSON Lines).")
@click.option(
    "--since",
    type=common.SINCE,
    metavar="4w|10d|DATE",
    help="Only sessions of the last weeks or days, or from this day on (YYYY-MM-DD).",
)
@click.option("--no-notes", is_flag=True, help="Leave out your session notes.")
@click.option(
    "--no-pain",
    is_flag=True,
    help="Leave out pain ratings; an exercise stopped because it hurt is just stopped.",
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Write here ('-' for standard output). Default: a new file in this folder.",
)
def export_command(since: date | None, no_notes: bool, no_pain: bool, output: str | None) -> None:
    """Write your sessions to a file (JSON Lines), for your therapist's `backpain report
    --history FILE`, for another machine's `backpain history import`, or for a backup.

    The first line names the format, this backpain and this machine; each other
    line is one session with its exercises, or one of your goals with its ratings,
    or an answer to "what got in the way?" (`backpain help json`).

    \b
    Examples:
      backpain history export
      backpain history export --since 4w --no-notes -o for-my-therapist.jsonl
      backpain history export -o - | gzip > backup.jsonl.gz
    """

    zone = common.user_zone()
    from backpain_cli.transfer import history_io  # SQLite: not in `history export --help`

    lines = history_io.export_lines(
        read_history(),
        machine=common.machine(),
        since=_since(since, zone),
        notes=not no_notes,
        pain=not no_pain,
    )
    if output == "-":
        sys.stdout.writelines(lines)
        sys.stdout.flush()
        return
    day = common.utc_now().astimezone(zone).date().isoformat()
    target = Path(output or f"backpain-history-{day}.jsonl")
    written = list(lines)  # its first line says what the file is; a session a line
    write_atomically(target, "".join(written), make_folder=False)  # renamed into place: whole
    count = len(written) - 1
    click.echo(f"Exported {plural(count, 'session')} to {target}")


@history_command.command("import", short_help="Add the sessions of exported files, once each.")
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
def import_command(files: tuple[str, ...]) -> None:
    """Add the sessions of history files (from `backpain history export`, another
    machine or a backup) to your history.

    Every line of every file is checked first: one bad line is reported by its
    number and nothing is imported. Importing a file twice adds nothing the second
    time; a session you forgot here never comes back. Imported sessions show where
    they came from in `backpain history`.

    \b
    Examples:
      backpain history import laptop.jsonl
      backpain history import backup-2026-*.jsonl
    """

    from backpain_cli.history import merging, store  # SQLite: not in `history import --help`
    from backpain_cli.transfer import history_io

    paths = [Path(file).expanduser() for file in files]
    sessions, journal = history_io.read_history_files(paths, now=common.utc_now())
    history, warning = store.open_for_recording(common.locations().history_file)
    if history is None:
        common.fail(f"nothing was imported: {warning}")
    with history:
        merged = merging.merge_sessions(history, sessions, journal)
    click.echo(
        f"Imported {plural(merged.added, 'session')}"
        + (f", updated {merged.updated}" if merged.updated else "")
        + (f"; {merged.known} already in your history" if merged.known else "")
        + (f"; forgot {merged.forgotten}, as forgotten where written" if merged.forgotten else "")
        + "."
    )


MAX_WEEKS = 520  # `stats --weeks`: ten years


@click.command("stats")
@click.option(
    "--weeks",
    type=click.IntRange(1, MAX_WEEKS),
    default=8,
    show_default=True,
    help="Weeks of session counts to show.",
)
@click.option(
    "--days",
    type=click.IntRange(1, 366),
    default=14,
    show_default=True,
    help="Days of the pain chart.",
)
@click.option(
    "--since",
    type=common.SINCE,
    metavar="4w|10d|DATE",
    help="Only sessions of the last weeks or days, or from this day on (YYYY-MM-DD).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the same figures as stable JSON.")
@click.pass_context
def stats_command(
    ctx: click.Context, weeks: int, days: int, since: date | None, as_json: bool
) -> None:
    """Sessions per week, streaks, adherence to each routine's frequency, and the pain trend.

    A session counts for streaks and adherence when it was completed. A calendar
    of the last 12 weeks marks each day: ## all due done, ++ some, .. none, -- not
    due (blank before your first session, today until one is begun, and to come).
    The pain list shows the mean of each day's check-ins (0 none, 10 worst), the
    chart each day's pain before (o) and after (*) a session, and the average
    change from before to after a session.

    With --since, sessions before that day are left out of every figure, and the
    weeks shown are those of the period (fewer with --weeks).

    \b
    Examples:
      backpain stats
      backpain stats --weeks 12 --days 30
      backpain stats --since 2026-11-01
      backpain stats --json | jq '.adherence[].this_week.percent'
    """
    from backpain_cli.cli import today  # SQLite: not in `stats --help`
    from backpain_cli.history import json_output, overview

    store = read_history()
    view = None
    zone = common.user_zone()
    now = common.utc_now()
    if since is not None and ctx.get_parameter_source("weeks") is ParameterSource.DEFAULT:
        weeks = MAX_WEEKS  # every week of the period (stats_view keeps to the period)
    if store is not None:
        view = overview.stats_view(
            store,
            now=now,
            zone=zone,
            weeks=weeks,
            days=days,
            lookup=today.routine_lookup(),
            since=since,
        )
    answers = today.mornings(now)
    if as_json:
        data = json_output.stats_json(view, zone, today=today_in(now, zone), since=since)
        if any(answers.values()):  # only then, like the plans below
            data["mornings"] = answers
        since = now - timedelta(days=28)
        planned = today.with_plans({}, None, common.shared_library(), since=since)
        if planned:  # only then: a history without plans keeps its JSON
            data["progressions"] = [
                {"routine": name, **position_json(routine, today.plan_position(routine))}
                for name, routine in planned.items()
            ]
        click.echo(dumps_json(data))
        return
    if view is None and since is not None and store is not None:
        click.echo(f"No sessions since {since:%a} {since.isoformat()}.")
        return
    if view is None:
        click.echo("\n".join(paragraph(NOTHING_RECORDED, output_width())))
        return
    click.echo(stats_text(view, styled=styled_output(), width=output_width()))
    if any(answers.values()):
        counts = ", ".join(f"{answer} {count}" for answer, count in answers.items())
        click.echo(f"\nThe next morning (last 4 weeks), compared with before: {counts}")
