"""Windows Task Scheduler commands for a reminder (`schtasks`), as argument lists.

Generated and tested as text here; untested on a real Windows machine.
"""

from __future__ import annotations

import csv
import subprocess
from collections.abc import Sequence

from backpain_cli.reminders.schedule import DAY_NAMES, EVERY_DAY, Reminder

FOLDER = "backpain"


def task_name(reminder: Reminder) -> str:
    return f"{FOLDER}\\reminder-{reminder.slug}"


def task_command(reminder: Reminder, command: Sequence[str]) -> str:
    """The /TR text: the program and its arguments, quoted the Windows way."""
    return subprocess.list2cmdline([*command, *reminder.notify_arguments()])


def create_arguments(reminder: Reminder, command: Sequence[str]) -> list[str]:
    schedule = ["/SC", "DAILY"]
    if reminder.days != EVERY_DAY:
        days = ",".join(DAY_NAMES[day].upper() for day in sorted(reminder.days))
        schedule = ["/SC", "WEEKLY", "/D", days]
    return [
        "schtasks",
        "/Create",
        "/TN",
        task_name(reminder),
        "/TR",
        task_command(reminder, command),
        *schedule,
        "/ST",
        reminder.at_text,
        "/F",
    ]


def delete_arguments(name: str) -> list[str]:
    return ["schtasks", "/Delete", "/TN", name, "/F"]


def query_arguments() -> list[str]:
    return ["schtasks", "/Query", "/FO", "CSV", "/NH"]


def task_names(query_output: str) -> list[str]:
    """Our task names in `schtasks /Query /FO CSV /NH` output."""

    names = []
    for row in csv.reader(query_output.splitlines()):
        if row and row[0].lstrip("\\").startswith(f"{FOLDER}\\reminder-"):
            names.append(row[0].lstrip("\\"))
    return sorted(set(names))
