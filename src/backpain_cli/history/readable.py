"""A history row read back into a record, every value checked first.

SQLite types columns loosely: a file edited by hand, or written by another program, may
hold what the schema allows and the code cannot use (`frequency = '2 per fortnight'`,
`started_at = 'yesterday'`, a time without a zone, `speed = 'fast'`, a note as bytes,
`pain_before = 5.5`). Such a row raises `Unreadable`, naming the column and what it
holds; the store leaves the session out and says so once (`notice`), so every command
that reads the history shows the rest instead of a traceback.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from backpain_cli.errors import HistoryError
from backpain_cli.history.database import from_utc_text
from backpain_cli.history.records import (
    ExerciseRecord,
    ExerciseStatus,
    SessionOutcome,
    SessionRecord,
)
from backpain_cli.routines.model import Frequency, Period
from backpain_cli.text import clean_line

FREQUENCY_TIMES = range(1, 11)  # what a routine file may say (`checker`: 1-10)


class Unreadable(HistoryError):
    """A value of a row that the code cannot use; says which column holds what. The
    store catches it and leaves the session out; were one to escape, it is still one
    message, not a traceback."""


def notice(session_id: int, why: str) -> str:
    """The one line a command prints for a session it leaves out."""
    return (
        f"session {session_id} in the history cannot be read ({why}); it is left out "
        f"(`backpain history forget {session_id}` removes it)"
    )


def _shown(column: str, value: object) -> str:
    text = clean_line(repr(value))
    return f"{column} is {text if len(text) <= 40 else text[:37] + '...'}"


def moment(value: object, column: str) -> datetime:
    """A time with its zone (the store writes UTC ISO 8601 text)."""
    if isinstance(value, str):
        try:
            parsed = from_utc_text(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is not None:
                return parsed
    raise Unreadable(_shown(column, value))


def moments(
    found: Iterable[tuple[int, object]], column: str, leave_out: Callable[[int, Unreadable], None]
) -> list[datetime | None]:
    """The times of rows of (session id, time); None (and `leave_out`) where one is not."""
    times: list[datetime | None] = []
    for session_id, text in found:
        try:
            times.append(moment(text, column))
        except Unreadable as error:
            leave_out(session_id, error)
            times.append(None)
    return times


def _whole(value: object, column: str, *, top: int | None = None) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise Unreadable(_shown(column, value))
    if top is not None and value > top:
        raise Unreadable(_shown(column, value))
    return value


def _maybe_whole(value: object, column: str, *, top: int | None = None) -> int | None:
    return None if value is None else _whole(value, column, top=top)


def pain(value: object, column: str) -> int | None:
    """A pain rating, 0-10, or None (not asked, or skipped)."""
    return _maybe_whole(value, column, top=10)


def _number(value: object, column: str, *, positive: bool = False) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise Unreadable(_shown(column, value))
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        raise Unreadable(_shown(column, value))
    return value


def _text(value: object, column: str) -> str:
    if isinstance(value, str):
        return value
    raise Unreadable(_shown(column, value))


def _maybe_text(value: object, column: str) -> str | None:
    return None if value is None else _text(value, column)


def frequency(value: object) -> Frequency | None:
    """`2 per day` -> Frequency(2, DAY); '' or NULL -> None."""
    if value is None or value == "":
        return None
    words = value.split() if isinstance(value, str) else []
    if len(words) == 3 and words[0].isdecimal() and words[1] == "per":
        period = next((p for p in Period if p.value == words[2]), None)
        if int(words[0]) in FREQUENCY_TIMES and period is not None:
            return Frequency(int(words[0]), period)
    raise Unreadable(_shown("frequency", value))


def _choice(kind: type[Any], value: object, column: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise Unreadable(_shown(column, value)) from None


def session(row: Any, exercises: tuple[ExerciseRecord, ...]) -> SessionRecord:
    """A session from a row of the store's `_SESSION_COLUMNS`, or Unreadable."""
    started = moment(row[3], "started_at")
    speed = row[11]
    return SessionRecord(
        id=row[0],
        routine=_text(row[1], "routine"),
        routine_hash=_text(row[2], "routine_hash"),
        started=started,
        ended=moment(row[4], "ended_at") if row[4] else None,
        last_update=moment(row[5], "updated_at") if row[5] else started,
        outcome=_choice(SessionOutcome, row[6], "outcome"),
        exercises_planned=_whole(row[7], "exercises_planned"),
        pain_before=pain(row[8], "pain_before"),
        pain_after=pain(row[9], "pain_after"),
        frequency=frequency(row[10]),
        exercises=exercises,
        speed=None if speed is None else _number(speed, "speed", positive=True),
        note=_maybe_text(row[12], "note") or "",
        counts_as=_maybe_text(row[13], "counts_as"),
        away_seconds=_number(row[14], "away_seconds"),
        uuid=_maybe_text(row[15], "uuid") or "",
        origin=_maybe_text(row[16], "origin"),
        routine_path=_maybe_text(row[17], "routine_path"),
        plan_step=_maybe_whole(row[18], "plan_step"),
    )


def exercise(row: Any) -> ExerciseRecord:
    """An exercise from a row of `session_exercises` (its session id first), or
    Unreadable."""
    sides = _text(row[10], "sides_done")
    rating_kind = _maybe_text(row[12], "rating_kind")
    if rating_kind not in (None, "pain", "effort"):
        raise Unreadable(_shown("rating_kind", rating_kind))
    return ExerciseRecord(
        position=_whole(row[1], "position"),
        exercise_id=_text(row[2], "exercise_id"),
        name=_text(row[3], "name"),
        status=_choice(ExerciseStatus, row[4], "status"),
        started=moment(row[5], "started_at"),
        ended=moment(row[6], "ended_at"),
        reps_done=_whole(row[7], "reps_done"),
        holds_done=_whole(row[8], "holds_done"),
        holds_planned=_whole(row[9], "holds_planned"),
        sides_done=tuple(side for side in sides.split(",") if side),
        rating=_maybe_whole(row[11], "rating", top=10),
        rating_kind=rating_kind,
    )
