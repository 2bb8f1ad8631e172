"""What the history remembers: sessions and what happened to each exercise in them.

Plain values with no I/O, shared by the store (`store.py`), the pure computations
(`stats.py`) and the output (`views.py`). Times are aware UTC datetimes; they
are turned into local time only when shown.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from backpain_cli.routines.model import Frequency
from backpain_cli.text import clean, clean_line


class ExerciseStatus(enum.Enum):
    DONE = "done"  # left forwards with at least one hold run to its end
    SKIPPED = "skipped"  # skipped, or left before any hold ended
    STOPPED_FOR_PAIN = "stopped-for-pain"  # the person pressed `p`: this hurts
    STOPPED = "stopped"  # the player was quit during this exercise


class SessionOutcome(enum.Enum):
    COMPLETED = "completed"  # the player reached the end of the routine
    PARTIAL = "partial"  # quit, or interrupted (killed, closed terminal, power cut)


PAIN_MIN = 0
PAIN_MAX = 10


def check_pain(value: int | None) -> int | None:
    """A pain rating 0–10, or None when the person skipped the check-in."""
    if value is not None and not PAIN_MIN <= value <= PAIN_MAX:
        raise ValueError(f"pain must be {PAIN_MIN}-{PAIN_MAX}, not {value}")
    return value


def _safe(value: object) -> str:
    """Text read back from the database as one safe line (SQLite columns are typed
    loosely: a file edited by hand may hold a number or bytes where text belongs)."""
    text = value if isinstance(value, str) else str(value)
    return text if text.isprintable() else clean_line(text)


@dataclass(frozen=True)
class ExerciseRecord:
    """One exercise of a session, as it ended."""

    position: int  # 0-based index in the routine
    exercise_id: str
    name: str
    status: ExerciseStatus
    started: datetime
    ended: datetime
    reps_done: int = 0  # reps finished over all sets (a per-side rep: all its sides held)
    holds_done: int = 0  # hold segments finished (one rep on one side is one hold)
    holds_planned: int = 0
    sides_done: tuple[str, ...] = ()  # sides with at least one finished hold
    rating: int | None = None  # the rating after the exercise (`rate_each`), 0–10
    rating_kind: str | None = None  # what was rated: 'pain' or 'effort'

    def __post_init__(self) -> None:
        # A row written by an older version or edited by hand: never a raw control
        # character on the way out (text.clean_line shows them as visible escapes).
        for name in ("exercise_id", "name"):
            object.__setattr__(self, name, _safe(getattr(self, name)))
        if not all(side.isprintable() for side in self.sides_done):
            object.__setattr__(self, "sides_done", tuple(map(clean_line, self.sides_done)))


@dataclass(frozen=True)
class SessionRecord:
    """One `backpain start`, complete or not."""

    id: int
    routine: str
    routine_hash: str  # sha256 of the routine file's bytes when the session started
    started: datetime
    last_update: datetime  # the end, or the last moment anything was recorded
    outcome: SessionOutcome
    exercises_planned: int
    pain_before: int | None = None
    pain_after: int | None = None
    ended: datetime | None = None  # None: interrupted before the end was recorded
    frequency: Frequency | None = None  # the routine's, when it was played
    exercises: tuple[ExerciseRecord, ...] = ()
    speed: float | None = 1.0  # the clock factor; None: not known (recorded before v3)
    note: str = ""  # for the therapist; "" none
    counts_as: str | None = ""  # the plan it counted toward; "" its own; None not known
    away_seconds: float = 0.0  # between the last record and a resumption (`--resume`)
    uuid: str = ""  # the stable id that export, import and sync go by ("" not yet stored)
    origin: str | None = None  # where an imported session came from; None: recorded here
    routine_path: str | None = None  # the file it was played from; None: played by name
    plan_step: int | None = None  # the progression step played (1-based); None: no plan

    def __post_init__(self) -> None:
        for name in ("routine", "routine_hash", "uuid"):
            object.__setattr__(self, name, _safe(getattr(self, name)))
        for name in ("origin", "routine_path"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, _safe(getattr(self, name)))
        if self.counts_as is not None:
            object.__setattr__(self, "counts_as", _safe(self.counts_as))
        note = self.note if isinstance(self.note, str) else str(self.note)
        if not note.isprintable():  # a note may have several lines
            object.__setattr__(self, "note", clean(note))

    @property
    def duration_seconds(self) -> float:
        """How long it was played: start to end (or last record), less any time away."""
        span = ((self.ended or self.last_update) - self.started).total_seconds()
        return max(0.0, span - self.away_seconds)

    @property
    def sped_up(self) -> bool:
        """Played with `--speed` other than 1 and recorded on purpose (`--record`)."""
        return self.speed is not None and self.speed != 1

    @property
    def completed(self) -> bool:
        return self.outcome is SessionOutcome.COMPLETED

    @property
    def pain_change(self) -> int | None:
        if self.pain_before is None or self.pain_after is None:
            return None
        return self.pain_after - self.pain_before


class ExerciseTally(NamedTuple):
    """How a session's exercises ended, counted: all the history table and CSV show."""

    done: int = 0
    skipped: int = 0
    stopped_for_pain: tuple[str, ...] = ()  # exercise ids, in the order they were recorded
    # (ids as the store read them: `tally` and the store pass them through clean_line)


def tally(exercises: Iterable[ExerciseRecord]) -> ExerciseTally:
    statuses = [(exercise.status, exercise.exercise_id) for exercise in exercises]
    return ExerciseTally(
        done=sum(status is ExerciseStatus.DONE for status, _ in statuses),
        skipped=sum(status is ExerciseStatus.SKIPPED for status, _ in statuses),
        stopped_for_pain=tuple(
            exercise_id
            for status, exercise_id in statuses
            if status is ExerciseStatus.STOPPED_FOR_PAIN
        ),
    )
