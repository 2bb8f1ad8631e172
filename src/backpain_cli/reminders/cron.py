"""Crontab lines for reminders, and the read-modify-write that touches only ours.

Each reminder is one line ending in its marker comment. Everything else in the user's
crontab (their jobs, comments, blank lines, variables, even a missing final newline) is
kept byte for byte: the crontab is handled as bytes and only whole lines that carry our
marker are dropped or added.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping, Sequence

from backpain_cli.reminders.schedule import EVERY_DAY, Reminder, ReminderKey, marker, parse_marker


def _day_field(days: frozenset[int]) -> str:
    if days == EVERY_DAY:
        return "*"
    return ",".join(str((day + 1) % 7) for day in sorted(days, key=lambda d: (d + 1) % 7))


def cron_line(reminder: Reminder, command: Sequence[str], environment: Mapping[str, str]) -> str:
    """`0 9 * * 1,2,3,4,5 VAR=... /path/backpain today --notify upper-back # marker`.

    The command is run by /bin/sh: every word is shell-quoted and `%` (a newline to
    cron) escaped. Cron starts jobs without the desktop session's D-Bus address, so
    `environment` carries it (and BACKPAIN_HOME when set) for notify-send.
    """
    assignments = [f"{key}={shlex.quote(value)}" for key, value in sorted(environment.items())]
    words = [shlex.quote(word) for word in [*command, *reminder.notify_arguments()]]
    text = " ".join([*assignments, *words]).replace("%", "\\%")
    schedule = f"{reminder.at.minute} {reminder.at.hour} * * {_day_field(reminder.days)}"
    return f"{schedule} {text} # {marker(reminder)}"


def _lines(crontab: bytes) -> list[bytes]:
    return crontab.splitlines(keepends=True)


def ours(crontab: bytes) -> list[Reminder]:
    """The reminders in a crontab, in the order of their lines."""
    found = []
    for line in _lines(crontab):
        reminder = parse_marker(line.decode("utf-8", "replace"))
        if reminder is not None and not line.lstrip().startswith(b"#"):
            found.append(reminder)
    return found


def _is_ours(line: bytes, keys: set[ReminderKey] | None) -> bool:
    if line.lstrip().startswith(b"#"):
        return False  # a commented-out line is the user's
    reminder = parse_marker(line.decode("utf-8", "replace"))
    return reminder is not None and (keys is None or reminder.key in keys)


def without(crontab: bytes, reminders: Iterable[Reminder] | None) -> bytes:
    """The crontab minus the lines of `reminders` (None: all of ours)."""
    keys = None if reminders is None else {reminder.key for reminder in reminders}
    return b"".join(line for line in _lines(crontab) if not _is_ours(line, keys))


def merged(crontab: bytes, lines: Mapping[ReminderKey, str]) -> bytes:
    """The crontab with each reminder's line (by key) replaced in place, or appended
    when it is new (put first when the crontab's last line has no newline). Adding what
    is already there gives back the same bytes."""
    out: list[bytes] = []
    written: set[ReminderKey] = set()
    for line in _lines(crontab):
        reminder = (
            None
            if line.lstrip().startswith(b"#")
            else parse_marker(line.decode("utf-8", "replace"))
        )
        if reminder is None or reminder.key not in lines:
            out.append(line)
            continue
        if reminder.key not in written:  # a duplicate of ours goes
            ending = b"\n" if line.endswith(b"\n") else b""
            out.append(lines[reminder.key].encode("utf-8") + (ending or b"\n"))
            written.add(reminder.key)
    rest = [text.encode("utf-8") + b"\n" for key, text in lines.items() if key not in written]
    if out and not out[-1].endswith(b"\n"):
        # A last line without its newline: ours go first, so taking them away again
        # gives back the very same bytes (a newline added after it would stay).
        return b"".join([*rest, *out])
    return b"".join([*out, *rest])
