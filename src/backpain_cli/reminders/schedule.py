"""What a reminder is (a routine, a time of day, days of the week) and how the command
line spells it: `--at 09:00`, `--days mon-fri`. Pure: no clock, no I/O.

Quiet hours: no reminder is set between 22:00 and 07:00 unless asked for with
`allow_night`, and `backpain today --notify` stays silent then too (a timer caught up
at wake-up in the night waits for the next one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from backpain_cli.errors import BackpainError

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # Monday is 0, as datetime
EVERY_DAY = frozenset(range(7))
QUIET_START = time(22, 0)
QUIET_END = time(7, 0)
MARKER = "backpain-reminder"

_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})")
_LONG_NAMES = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
_GROUPS = {
    "daily": EVERY_DAY,
    "every-day": EVERY_DAY,
    "weekdays": frozenset(range(5)),
    "weekends": frozenset({5, 6}),
}


ReminderKey = tuple[str, time]  # routine and time of day


class ReminderError(BackpainError):
    """Bad reminder input, or a scheduler that cannot be used; nothing was installed."""


@dataclass(frozen=True, order=True)
class Reminder:
    routine: str
    at: time
    days: frozenset[int] = EVERY_DAY
    allow_night: bool = False
    # The absolute path of a routine file asked for as a path, which the scheduler runs
    # `today --notify` with; "" for a routine by name. Not in the marker: the unit,
    # line, plist or task holds it in its command, and `routine` names the reminder.
    path: str = ""

    @property
    def key(self) -> ReminderKey:
        """What makes two reminders the same one: re-adding it only updates its days."""
        return (self.routine, self.at)

    @property
    def slug(self) -> str:
        """`upper-back-0900`: the reminder in file, unit and task names."""
        return f"{self.routine}-{self.at:%H%M}"

    @property
    def at_text(self) -> str:
        return f"{self.at:%H:%M}"

    @property
    def days_text(self) -> str:
        return days_text(self.days)

    def notify_arguments(self) -> list[str]:
        """What the scheduler runs after the backpain command itself."""
        extra = ["--allow-night"] if self.allow_night else []
        return ["today", "--notify", *extra, self.path or self.routine]


def parse_time(text: str) -> time:
    """`9:00` or `09:00` (24-hour clock); anything else is a clear error."""
    match = _TIME.fullmatch(text.strip())
    if match is None:
        raise ReminderError(f"--at {text}: write the time as HH:MM on a 24-hour clock, e.g. 09:00")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ReminderError(f"--at {text}: there is no such time of day (00:00 to 23:59)")
    return time(hour, minute)


def _one_day(word: str, spec: str) -> int:
    if word in DAY_NAMES:
        return DAY_NAMES.index(word)
    if word in _LONG_NAMES:
        return _LONG_NAMES[word]
    raise ReminderError(
        f"--days {spec}: '{word}' is not a day; use mon tue wed thu fri sat sun, "
        "ranges such as mon-fri, lists such as mon,wed,fri, or daily, weekdays, weekends"
    )


def parse_days(spec: str) -> frozenset[int]:
    """`mon-fri`, `mon,wed,fri`, `sat-sun`, `fri-mon` (wraps), `daily`, `weekdays`."""
    days: set[int] = set()
    text = spec.strip().lower()
    if not text:
        raise ReminderError("--days: name at least one day, e.g. --days mon-fri")
    for part in text.split(","):
        part = part.strip()
        if part in _GROUPS:
            days |= _GROUPS[part]
            continue
        if "-" in part:
            first_word, _, last_word = part.partition("-")
            first, last = _one_day(first_word, spec), _one_day(last_word, spec)
            day = first
            days.add(day)
            while day != last:
                day = (day + 1) % 7
                days.add(day)
            continue
        days.add(_one_day(part, spec))
    return frozenset(days)


def days_text(days: Iterable[int]) -> str:
    """`daily`, `mon-fri`, `sat-sun` or `mon,wed,fri`: the shortest spelling that
    `parse_days` reads back as the same days."""
    chosen = sorted(set(days))
    if len(chosen) == 7:
        return "daily"
    runs: list[list[int]] = []
    for day in chosen:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}")
        else:
            parts.extend(DAY_NAMES[day] for day in run)
    return ",".join(parts)


def in_quiet_hours(moment: time) -> bool:
    return moment >= QUIET_START or moment < QUIET_END


def make_reminders(
    routine: str, times: Iterable[str], days: str | None, *, allow_night: bool, path: str = ""
) -> list[Reminder]:
    """The reminders one `remind add` asks for, every input checked before any is set
    (`path`: the routine's file, when it was given as one)."""
    parsed = sorted({parse_time(text) for text in times})
    if not parsed:
        raise ReminderError("say when, e.g. --at 09:00 (repeat --at for more times)")
    chosen_days = parse_days(days) if days is not None else EVERY_DAY
    if not allow_night:
        night = [f"{moment:%H:%M}" for moment in parsed if in_quiet_hours(moment)]
        if night:
            raise ReminderError(
                f"--at {', '.join(night)}: that is in the quiet hours (22:00 to 07:00); "
                "pick a daytime hour, or add --allow-night if you really want it"
            )
    return [Reminder(routine, moment, chosen_days, allow_night, path) for moment in parsed]


def next_fire(reminder: Reminder, now: datetime) -> datetime:
    """The next time the reminder fires after `now` (a local, aware or naive datetime)."""
    for offset in range(8):
        day = (now + timedelta(days=offset)).date()
        moment = datetime.combine(day, reminder.at, tzinfo=now.tzinfo)
        if moment > now and day.weekday() in reminder.days:
            return moment
    raise AssertionError("a reminder has at least one day")  # pragma: no cover


def marker(reminder: Reminder) -> str:
    """One line that says which reminder a unit, crontab line or file is, read back by
    `parse_marker`: `backpain-reminder routine=upper-back at=09:00 days=mon-fri`."""
    night = " night=yes" if reminder.allow_night else ""
    return (
        f"{MARKER} routine={reminder.routine} at={reminder.at_text} "
        f"days={reminder.days_text}{night}"
    )


_MARKER = re.compile(
    re.escape(MARKER)
    + r" routine=([a-z0-9][a-z0-9-]*) at=([0-9]{2}:[0-9]{2}) days=([a-z,-]+)( night=yes)?$"
)


def parse_marker(text: str) -> Reminder | None:
    """The reminder a marker line names; None when the text holds no (valid) marker."""
    match = _MARKER.search(text.rstrip("\r\n"))
    if match is None:
        return None
    try:
        return Reminder(
            match.group(1),
            parse_time(match.group(2)),
            parse_days(match.group(3)),
            match.group(4) is not None,
        )
    except ReminderError:
        return None
