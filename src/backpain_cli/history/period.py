"""`--since` for every command that takes it: `4w` (the last four weeks, today
included), `10d`, or a date `YYYY-MM-DD`. Pure: today is passed in."""

from __future__ import annotations

import re
from datetime import date, timedelta

from backpain_cli.errors import BackpainError

MAX_PERIOD_DAYS = 366 * 20


class PeriodError(BackpainError):
    """A --since that says no period (the message says what to write)."""


def period_start(text: str, *, today: date) -> date:
    """The first day of the report: `4w` (the last four weeks, today included), `10d`,
    or a date `YYYY-MM-DD`."""
    found = re.fullmatch(r"\s*(\d{1,4})\s*([wd])\s*", text.lower())
    if found:
        count, unit = int(found[1]), found[2]
        days = count * 7 if unit == "w" else count
        if not 1 <= days <= MAX_PERIOD_DAYS:
            raise PeriodError(f"'{text}' is not a period of 1 day to 20 years")
        return today - timedelta(days=days - 1)
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise PeriodError(
            f"'{text}' is not a period: write a number of weeks or days (4w, 10d) "
            "or a date (YYYY-MM-DD)"
        ) from None
    if day > today:
        raise PeriodError(f"'{text}' is after today ({today.isoformat()})")
    return day
