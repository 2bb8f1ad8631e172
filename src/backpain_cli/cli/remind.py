"""`backpain remind` (add, list, remove, test) and the notification `today --notify`
sends: the command-line side of `backpain_cli.reminders`. It builds the real folders,
runner and clock and hands them to the installer; see docs/reminders.md."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from backpain_cli.cli import common
from backpain_cli.cli.common import load
from backpain_cli.reminders.notify import TEST_BODY, TITLE, reminder_text, send
from backpain_cli.reminders.runner import run_command
from backpain_cli.reminders.schedule import (
    ReminderError,
    in_quiet_hours,
    make_reminders,
    parse_time,
)
from backpain_cli.routines.catalogue import Origin
from backpain_cli.tables import Column, paragraph, table_lines
from backpain_cli.text import dumps_json, shell_word

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence, Set
    from datetime import datetime

    from backpain_cli.history.stats import Due
    from backpain_cli.reminders.installer import Firing, Installed, Setup
    from backpain_cli.reminders.runner import Completed, Runner

# Variables a job needs to find the same routines, history and day boundaries as the
# person's shell; passed on when set (a scheduler starts jobs with a bare environment).
PASSED_ON = ("BACKPAIN_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "TZ")


def _which(name: str) -> str | None:
    return shutil.which(name)


def command() -> tuple[str, ...]:
    """How the installed reminder starts backpain (tests replace it)."""
    from backpain_cli.reminders.installer import backpain_command

    return backpain_command(sys.argv[0], sys.executable, _which)


def setup(*, runner: Runner | None = None) -> Setup:
    """The real folders and environment; `runner` runs the commands (default: waits
    up to 30 seconds for each)."""
    from backpain_cli.reminders.installer import Setup

    home = Path(os.environ.get("HOME") or Path.home())
    config = os.environ.get("XDG_CONFIG_HOME", "")
    config_dir = Path(config) if config.startswith("/") else home / ".config"
    uid = os.getuid() if hasattr(os, "getuid") else 0
    cron_environment = {}
    # The desktop session's D-Bus socket, for notify-send from cron (which starts jobs
    # without the address): in the runtime folder, the same path at every login.
    bus = Path(os.environ.get("XDG_RUNTIME_DIR") or f"/run/user/{uid}") / "bus"
    if bus.exists():
        cron_environment["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={bus}"
    elif os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        cron_environment["DBUS_SESSION_BUS_ADDRESS"] = os.environ["DBUS_SESSION_BUS_ADDRESS"]
    return Setup(
        command=command(),
        runner=runner or run_command,
        which=_which,
        platform=sys.platform,
        systemd_dir=config_dir / "systemd" / "user",
        launch_agents_dir=home / "Library" / "LaunchAgents",
        environment={name: os.environ[name] for name in PASSED_ON if os.environ.get(name)},
        cron_environment=cron_environment,
        uid=uid,
    )


def _where(item: Installed) -> str:
    home = os.environ.get("HOME", "")
    where = item.where
    if home and where.startswith(home.rstrip("/") + "/"):
        where = "~" + where[len(home.rstrip("/")) :]
    return f"{item.scheduler}: {where}"


@click.group("remind")
def remind_group() -> None:
    """Reminders the operating system runs: a notification while a routine is still due.

    A systemd user timer on Linux (or a crontab line with --cron, or where there is
    no systemd), a LaunchAgent on macOS, a scheduled task on Windows. Each runs
    `backpain today --notify ROUTINE`, which stays silent once the day's sessions are
    done and between 22:00 and 07:00.

    \b
    Examples:
      backpain remind add upper-back --at 09:00 --at 15:00 --days mon-fri
      backpain remind list
      backpain remind remove --all
    """


@remind_group.command("add")
@click.argument("routine")
@click.option(
    "--at", "times", multiple=True, required=True, metavar="HH:MM", help="Time of day; repeat."
)
@click.option("--days", metavar="DAYS", help="mon-fri, mon,wed,fri, weekends… (default: daily).")
@click.option("--allow-night", is_flag=True, help="Allow times between 22:00 and 07:00.")
@click.option("--cron", "use_cron", is_flag=True, help="Use the crontab, not systemd.")
def add_command(
    routine: str, times: tuple[str, ...], days: str | None, allow_night: bool, use_cron: bool
) -> None:
    """Remind me to do ROUTINE at these times (the same time again changes nothing).

    Times between 22:00 and 07:00 need --allow-night. Each reminder shows a
    notification only while ROUTINE still has sessions due that day. ROUTINE may
    be a routine file's path: the reminder runs it by its absolute path.

    \b
    Examples:
      backpain remind add upper-back --at 09:00 --at 15:00
      backpain remind add upper-back --at 12:30 --days mon-fri
      backpain remind add upper-back-gentle --at 10:00 --days mon,wed,fri --cron
      backpain remind add ~/Downloads/neck.yaml --at 08:00
    """
    from backpain_cli.reminders import installer

    make_reminders(routine, times, days, allow_night=allow_night)  # the times, checked first
    found, loaded = load(routine)  # an unknown routine is an error before anything is set
    # A file is run by its absolute path (the scheduler starts in another folder).
    path = str(found.path.resolve()) if found.origin is Origin.PATH else ""
    if loaded.frequency is None and loaded.counts_as is None:  # counts_as: its plan's
        edit = f"`backpain edit {routine}`" if not path else f"in {shell_word(path)}"
        raise ReminderError(
            f"{routine} has no frequency, so nothing is ever due and a reminder would "
            f"never show; add one such as `frequency: 1 per day` ({edit})"
        )
    reminders = make_reminders(loaded.name, times, days, allow_night=allow_night, path=path)

    changes = installer.add(setup(), reminders, use_cron=use_cron)
    width = common.output_width()
    for change in changes:
        reminder = change.installed.reminder
        verb = {"added": "Added", "updated": "Updated", "unchanged": "Already set"}[change.state]
        said = f"{verb}: {reminder.routine} at {reminder.at_text} ({reminder.days_text}), "
        click.echo("\n".join(paragraph(said + _where(change.installed), width, hang="  ")))
    said = (
        f"Each runs `backpain today --notify {shell_word(path or loaded.name)}`: a "
        "notification only while a session is still due. "
        f"`backpain remind remove {loaded.name}` takes them away."
    )
    click.echo("\n".join(paragraph(said, width)))


@remind_group.command("list")
@click.option(
    "--json", "as_json", is_flag=True, help="Print stable JSON (see `backpain help json`)."
)
def remind_list_command(as_json: bool) -> None:
    """Each reminder: routine, time, days, when it next fires, and where it is installed.

    The next time of a systemd timer is systemd's own (`systemctl --user
    list-timers`); where the scheduler cannot say (cron, launchd, or systemd not
    answering) it is computed from the schedule and marked "(computed)".

    \b
    Examples:
      backpain remind list
      backpain remind list --json | jq -r '.reminders[] | "\\(.routine) \\(.at)"'
    """
    from backpain_cli.reminders import installer

    current = setup(runner=_brief)  # listing waits for nothing: a few seconds at most
    found = installer.installed(current)
    now = common.utc_now().astimezone(common.user_zone())
    firings, problem = installer.next_firings(current, found, now) if found else ([], None)
    if as_json:
        _print_json(found, firings, problem)
        return
    if not found:
        click.echo(
            "\n".join(
                paragraph(
                    "No reminders. Add one: `backpain remind add upper-back --at 09:00`.",
                    common.output_width(),
                )
            )
        )
        return
    rows = []
    for item, firing in zip(found, firings, strict=True):
        reminder = item.reminder
        days = reminder.days_text if item.days_known else "(see Task Scheduler)"
        rows.append([reminder.routine, reminder.at_text, days, _upcoming(firing), _where(item)])
    width = common.output_width()
    columns = (
        Column("", wraps=False),
        Column("", wraps=False, head=True),
        Column(""),
        Column(""),
        Column(""),
    )
    click.echo("\n".join(table_lines(columns, rows, width)))
    sources = {firing.source for firing in firings if firing is not None}
    notes = []
    if problem is not None:
        notes.append(f"systemd did not say when its timers fire: {problem}.")
    if "computed" in sources:
        notes.append(
            "(computed): reckoned by backpain from the schedule; the scheduler was not "
            "asked or could not say."
        )
    if any(firing is not None and firing.when is None for firing in firings):
        notes.append(
            "Not active in systemd: that timer will not fire; `backpain remind add` with "
            "the same routine and time turns it on again."
        )
    for note in notes:
        click.echo("\n".join(paragraph(note, width)))


def _print_json(
    found: Sequence[Installed], firings: Sequence[Firing | None], problem: str | None
) -> None:
    """The reminders as stable JSON (docs/json-output.md)."""
    reminders = []
    for item, firing in zip(found, firings, strict=True):
        reminder = item.reminder
        reminders.append(
            {
                "routine": reminder.routine,
                "at": reminder.at_text,
                "days": reminder.days_text if item.days_known else None,
                "allow_night": reminder.allow_night,
                "next": None
                if firing is None or firing.when is None
                else firing.when.isoformat(timespec="minutes"),
                "next_from": None if firing is None else firing.source,
                "active": not (firing is not None and firing.when is None),
                "scheduler": item.scheduler,
                "where": item.where,
            }
        )
    click.echo(dumps_json({"format": 1, "reminders": reminders, "problem": problem}))


def _upcoming(firing: Firing | None) -> str:
    if firing is None:
        return ""
    if firing.when is None:
        return "not active in systemd"
    computed = " (computed)" if firing.source == "computed" else ""
    return f"next {firing.when:%a %Y-%m-%d %H:%M}{computed}"


@remind_group.command("remove")
@click.argument("routine", required=False)
@click.option("--at", "times", multiple=True, metavar="HH:MM", help="Only this time; repeat.")
@click.option("--all", "remove_all", is_flag=True, help="Every reminder of backpain.")
def remove_command(routine: str | None, times: tuple[str, ...], remove_all: bool) -> None:
    """Take reminders away completely: units, plists, tasks or crontab lines.

    \b
    Examples:
      backpain remind remove upper-back --at 09:00
      backpain remind remove upper-back
      backpain remind remove --all
    """
    from backpain_cli.reminders import installer

    if remove_all == (routine is not None):
        raise click.UsageError("name a ROUTINE or use --all (not both)")
    if remove_all and times:
        raise click.UsageError("--at goes with a ROUTINE, not with --all")
    chosen_times = {parse_time(text) for text in times}
    current = setup()
    chosen = [
        item
        for item in installer.installed(current)
        if remove_all
        or (item.reminder.routine == routine and (not times or item.reminder.at in chosen_times))
    ]
    if not chosen:
        click.echo("No reminder matched, so nothing was removed; `backpain remind list`.")
        return
    installer.remove(current, chosen)
    for item in chosen:
        click.echo(f"Removed: {item.reminder.routine} at {item.reminder.at_text}, {_where(item)}")


BRIEF_SECONDS = 5.0  # what a notifier or a listing may take before it is given up


def _brief(argv: Sequence[str], *, input: bytes | None = None) -> Completed:

    return run_command(argv, input=input, timeout=BRIEF_SECONDS)


@remind_group.command("test")
def test_command() -> None:
    """Send one notification now, to see how a reminder looks here.

    \b
    Example:
      backpain remind test
    """

    how = send(
        TITLE, TEST_BODY, platform=sys.platform, which=_which, runner=_brief, echo=click.echo
    )
    if how == "text":
        said = (
            "No desktop notifier answered (notify-send on Linux, osascript on macOS), so "
            "reminders print that line instead (in the journal, from a systemd timer)."
        )
        click.echo("\n".join(paragraph(said, common.output_width())))
    else:
        click.echo(f"Sent a test notification with {how}.")


def notify_today(
    dues: Sequence[Due],
    local_now: datetime,
    allow_night: bool,
    *,
    named: Sequence[str] = (),
    titles: Mapping[str, str] | None = None,
    paths: Mapping[str, str] | None = None,
    gone: Set[str] = frozenset(),
) -> None:
    """`backpain today --notify`: a notification when something is still due; nothing
    in the quiet hours unless allowed. What `today` computed, only shown differently."""

    body = reminder_text(dues, named=named, titles=titles, paths=paths, gone=gone)
    if body is None:
        return
    if not allow_night and in_quiet_hours(local_now.time()):
        click.echo("backpain: quiet hours (22:00 to 07:00), so no reminder now", err=True)
        return
    send(TITLE, body, platform=sys.platform, which=_which, runner=_brief, echo=click.echo)
