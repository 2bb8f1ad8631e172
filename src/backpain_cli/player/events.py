"""The player's events and the snapshot they carry: what listeners (display, sound,
history, speech) see of the player (the engine, engine.py, emits them).

Interface for listeners (display, sound, history, speech)
---------------------------------------------------------

A listener is any object with ``handle(event) -> None`` (the `Listener` protocol). Every
event carries a `Status`: an immutable snapshot of the player (segment, time left,
paused, muted, help shown, time spent), so a listener never needs the `Player` itself.
Events, in the order a routine produces them::

    Started
    SegmentStarted(index, segment)
      Tick                      whenever the whole seconds left change (at most 1 a second)
      Cue(kind)                 COUNTDOWN (3-2-1 of a prepare), SIDE_SWITCH, REP_END,
                                SET_END, ROUTINE_END: what sound and speech announce
      Paused / Resumed          the clock truly stops; remaining time is kept exactly
      MuteChanged, HelpToggled, Redraw
    SegmentEnded(index, segment, reason)   reason: COMPLETED, NEXT, BACK, SKIP_EXERCISE,
                                           HURT, QUIT
    ExerciseFinished / ExerciseSkipped / ExerciseHurt    when an exercise is left forwards
    Finished(summary) or Quit(summary)     exactly one, last

Cues are only emitted for segments that run to their end (nothing chimes when you skip),
except ROUTINE_END, which always closes a finished routine. An exercise counts as hurt
when it is left with `stop_for_pain` (the person said "this hurts"), as skipped when it
is left with `skip_exercise` or when none of its holds ran to the end; going back into an
exercise and leaving it again emits its outcome again (the last one counts, as in
`Summary`).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import NamedTuple, Protocol

from backpain_cli.routines.model import Exercise, Side
from backpain_cli.routines.timeline import Segment, SegmentKind, Timeline

_EPSILON = 1e-9


class EndReason(enum.Enum):
    COMPLETED = "completed"  # ran to its end
    NEXT = "next"
    BACK = "back"
    SKIP_EXERCISE = "skip_exercise"
    HURT = "hurt"  # the exercise was stopped because it hurts
    QUIT = "quit"


class CueKind(enum.Enum):
    COUNTDOWN = "countdown"  # 3-2-1 before the first hold of an exercise
    SIDE_SWITCH = "side_switch"  # the next hold is on the other side
    REP_END = "rep_end"  # a hold ended and the set goes on
    SET_END = "set_end"  # a set is over (the chime)
    ROUTINE_END = "routine_end"  # the whole routine is over (the gentler end sound)


class ExerciseOutcome(enum.Enum):
    DONE = "done"
    SKIPPED = "skipped"
    HURT = "hurt"  # stopped because it hurt (`stop_for_pain`)
    STOPPED = "stopped"  # quit during this exercise
    NOT_REACHED = "not reached"


@dataclass(frozen=True)
class Status:
    """What the player looks like at the moment an event is emitted."""

    timeline: Timeline
    index: int  # current segment; len(segments) once the routine is over
    remaining: float  # seconds left in the current segment
    elapsed: float  # seconds spent since the start, pauses excluded
    paused: bool = False
    muted: bool = False
    help: bool = False
    counted: int = 0  # reps counted (space) in a self-paced step
    held_for_pain: bool = False  # paused after "this hurts" until a key goes on

    @property
    def untimed(self) -> bool:
        """The current step is self-paced: it lasts until its reps are counted or `n`."""
        segment = self.segment
        return segment is not None and segment.kind is SegmentKind.SELF_PACED

    @property
    def segment(self) -> Segment | None:
        segments = self.timeline.segments
        return segments[self.index] if 0 <= self.index < len(segments) else None

    @property
    def shown_remaining(self) -> int:
        """Whole seconds left as a countdown shows them (30 for the whole first second)."""
        return max(0, math.ceil(self.remaining - _EPSILON))

    @property
    def seconds_left(self) -> float:
        """Time left in the whole routine, this segment included."""
        later = self.timeline.segments[self.index + 1 :]
        return self.remaining + sum(segment.duration for segment in later)

    @property
    def upcoming(self) -> Segment | None:
        """The next hold or prepare after the current segment: what to do next."""
        for segment in self.timeline.segments[self.index + 1 :]:
            if segment.kind.works or segment.kind is SegmentKind.PREPARE:
                return segment
        return None

    @property
    def upcoming_side(self) -> Side | None:
        """The side of the next hold after the current segment."""
        for segment in self.timeline.segments[self.index + 1 :]:
            if segment.kind.works:
                return segment.side
        return None

    @property
    def exercise_count(self) -> int:
        return len(self.timeline.routine.exercises)


class ExerciseResult(NamedTuple):  # not a dataclass: built at every start, and cheaper
    exercise_index: int
    exercise: Exercise
    outcome: ExerciseOutcome
    holds_done: int
    holds_total: int


@dataclass(frozen=True)
class Summary:
    timeline: Timeline
    results: tuple[ExerciseResult, ...]  # every exercise of the timeline, in order
    active_seconds: float  # time spent, pauses excluded
    paused_seconds: float
    quit: bool

    def count(self, outcome: ExerciseOutcome) -> int:
        return sum(1 for result in self.results if result.outcome is outcome)


# Events that add no field to their base are plain subclasses of a frozen dataclass,
# not dataclasses of their own: each @dataclass compiles its methods at every start
# (about 0.5 ms each, before the first frame). They inherit __init__, __eq__ (which
# still tells the classes apart), __hash__, __repr__ (which names the subclass) and
# the frozen fields.


@dataclass(frozen=True)
class Event:
    status: Status


class Started(Event):
    pass


@dataclass(frozen=True)
class SegmentStarted(Event):
    index: int
    segment: Segment


@dataclass(frozen=True)
class SegmentEnded(Event):
    index: int
    segment: Segment
    reason: EndReason


class Tick(Event):
    pass


@dataclass(frozen=True)
class Cue(Event):
    kind: CueKind


class Paused(Event):
    pass


class Resumed(Event):
    pass


class MuteChanged(Event):
    pass


class HelpToggled(Event):
    pass


class Redraw(Event):
    """Nothing changed but the screen must be drawn again (e.g. the terminal was resized)."""


@dataclass(frozen=True)
class ExerciseEvent(Event):
    """An exercise was left forwards: ExerciseFinished, ExerciseSkipped or ExerciseHurt."""

    result: ExerciseResult


class ExerciseFinished(ExerciseEvent):
    pass


class ExerciseSkipped(ExerciseEvent):
    pass


class ExerciseHurt(ExerciseEvent):
    """The exercise was stopped because it hurt (`Player.stop_for_pain`)."""


@dataclass(frozen=True)
class RoutineEnded(Event):
    """The last event: Finished or Quit."""

    summary: Summary


class Finished(RoutineEnded):
    pass


class Quit(RoutineEnded):
    pass


class Listener(Protocol):
    def handle(self, event: Event) -> None: ...


class Tracker(Listener, Protocol):
    """What keeps a record of the routine as it plays (the history implements it):
    a listener that also says which exercises hurt last time, whether it records
    (then the summary says hurt exercises are flagged next time), and takes where
    its warnings go while the player runs (`attach`)."""

    @property
    def hurt_last_time(self) -> Collection[str]: ...

    @property
    def recording(self) -> bool: ...

    def attach(self, notify: Callable[[str], None]) -> None: ...
