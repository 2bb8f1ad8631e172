"""macOS LaunchAgent for a reminder: `~/Library/LaunchAgents/LABEL.plist`, loaded with
`launchctl`. launchd runs a calendar job missed while the Mac slept when it wakes.

Generated with plistlib and read back from its label and calendar (launchd keeps no
comments); untested on a real Mac.
"""

from __future__ import annotations

import plistlib
import re
from collections.abc import Mapping, Sequence
from datetime import time
from typing import Any

from backpain_cli.reminders.schedule import EVERY_DAY, Reminder

LABEL_PREFIX = "org.backpain.reminder."
_LABEL = re.compile(re.escape(LABEL_PREFIX) + r"([a-z0-9][a-z0-9-]*)\.([0-9]{2})([0-9]{2})")


def label(reminder: Reminder) -> str:
    return f"{LABEL_PREFIX}{reminder.routine}.{reminder.at:%H%M}"


def file_name(reminder: Reminder) -> str:
    return f"{label(reminder)}.plist"


def plist_document(
    reminder: Reminder, command: Sequence[str], environment: Mapping[str, str]
) -> dict[str, Any]:
    base = {"Hour": reminder.at.hour, "Minute": reminder.at.minute}
    if reminder.days == EVERY_DAY:
        calendar: list[dict[str, int]] = [base]
    else:  # launchd counts Sunday as 0
        calendar = [{**base, "Weekday": (day + 1) % 7} for day in sorted(reminder.days)]
    document: dict[str, Any] = {
        "Label": label(reminder),
        "ProgramArguments": [*command, *reminder.notify_arguments()],
        "StartCalendarInterval": calendar,
        "ProcessType": "Background",
        "RunAtLoad": False,
    }
    if environment:
        document["EnvironmentVariables"] = dict(sorted(environment.items()))
    return document


def plist_bytes(
    reminder: Reminder, command: Sequence[str], environment: Mapping[str, str]
) -> bytes:
    return plistlib.dumps(plist_document(reminder, command, environment), sort_keys=False)


def parse(data: bytes) -> Reminder | None:
    """The reminder a plist of ours describes; None for anything else."""
    try:
        document = plistlib.loads(data)
        match = _LABEL.fullmatch(document["Label"])
        if match is None:
            return None
        calendar = document["StartCalendarInterval"]
        days = {(entry["Weekday"] - 1) % 7 for entry in calendar if "Weekday" in entry}
        arguments = document["ProgramArguments"]
        return Reminder(
            match.group(1),
            time(int(match.group(2)), int(match.group(3))),
            frozenset(days) or EVERY_DAY,
            "--allow-night" in arguments,
        )
    except (plistlib.InvalidFileException, KeyError, TypeError, ValueError, AttributeError):
        return None
