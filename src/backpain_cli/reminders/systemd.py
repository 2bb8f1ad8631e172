"""systemd user units for a reminder: `backpain-reminder-ROUTINE-HHMM.timer` and the
`.service` it starts. Pure text; `installer` writes them and runs `systemctl --user`."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone

from backpain_cli.reminders.schedule import DAY_NAMES, EVERY_DAY, Reminder, marker

PREFIX = "backpain-reminder-"


def unit_name(reminder: Reminder, suffix: str) -> str:
    return f"{PREFIX}{reminder.slug}.{suffix}"


def quote(argument: str, *, command: bool = True) -> str:
    """One ExecStart word (or Environment= assignment with `command=False`): `%`
    doubled, and `$` in a command (systemd expands both), quoted when it holds
    anything beyond a plain path or word."""
    escaped = argument.replace("%", "%%")
    if command:
        escaped = escaped.replace("$", "$$")
    if escaped and all(ch.isalnum() or ch in "/._-+=:,@" for ch in escaped):
        return escaped
    return '"' + escaped.replace("\\", "\\\\").replace('"', '\\"') + '"'


def on_calendar(reminder: Reminder) -> str:
    """`Mon,Tue,Wed,Thu,Fri *-*-* 09:00:00`, or `*-*-* 09:00:00` every day."""
    clock = f"*-*-* {reminder.at:%H:%M}:00"
    if reminder.days == EVERY_DAY:
        return clock
    names = ",".join(DAY_NAMES[day].capitalize() for day in sorted(reminder.days))
    return f"{names} {clock}"


def timer_text(reminder: Reminder) -> str:
    return (
        f"# {marker(reminder)}\n"
        "# Installed by `backpain remind add`; `backpain remind remove` takes it away.\n"
        "[Unit]\n"
        f"Description=backpain reminder: {reminder.routine} at {reminder.at_text}"
        f" ({reminder.days_text})\n"
        "\n"
        "[Timer]\n"
        f"OnCalendar={on_calendar(reminder)}\n"
        "Persistent=true\n"
        "AccuracySec=1min\n"
        f"Unit={unit_name(reminder, 'service')}\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )


def service_text(reminder: Reminder, command: Sequence[str], environment: Mapping[str, str]) -> str:
    """A oneshot service running `backpain today --notify ROUTINE` (silent when nothing
    is due; its output goes to the journal)."""
    words = [*command, *reminder.notify_arguments()]
    lines = [
        f"# {marker(reminder)}",
        "# Installed by `backpain remind add`; `backpain remind remove` takes it away.",
        "[Unit]",
        f"Description=backpain reminder: is {reminder.routine} still due today?",
        "",
        "[Service]",
        "Type=oneshot",
    ]
    lines.extend(
        f"Environment={quote(f'{key}={value}', command=False)}"
        for key, value in sorted(environment.items())
    )
    lines.append("ExecStart=" + " ".join(quote(word) for word in words))
    return "\n".join(lines) + "\n"


def list_timers_arguments() -> list[str]:
    """What asks the user's systemd when our timers fire next, as JSON (`--output=json`
    turns systemctl's tables into JSON; an older systemd may print the table anyway);
    `--all` keeps a stopped timer in the list, with no next time."""
    return [
        "systemctl",
        "--user",
        "list-timers",
        "--all",
        "--output=json",
        "--no-pager",
        f"{PREFIX}*",
    ]


def next_elapses(output: bytes) -> dict[str, datetime | None]:
    """Each timer's next firing (in UTC) from `list-timers --output=json`, which looks like
    `[{"next":1796198400000000,"left":…,"last":0,"passed":0,"unit":"x.timer",
    "activates":"x.service"}]` (microseconds since 1970; `null` or 0 when it is not
    scheduled). Raises ValueError for anything else, such as an older systemd's table."""
    rows = json.loads(output)
    if not isinstance(rows, list):
        raise ValueError("not a list of timers")
    found: dict[str, datetime | None] = {}
    for row in rows:
        if not isinstance(row, dict) or not isinstance(row.get("unit"), str):
            raise ValueError("a timer without its unit")
        found[row["unit"]] = _moment(row.get("next"))
    return found


def _moment(usec: object) -> datetime | None:
    if not isinstance(usec, int) or usec <= 0:
        return None
    try:
        return datetime.fromtimestamp(usec / 1_000_000, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):  # USEC_INFINITY (2**64 - 1): never
        return None
