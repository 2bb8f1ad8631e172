"""Turn a routine into the ordered segments the player walks and `show` totals.

Pure functions of the routine: `show` and the player use the same timeline, so the
printed total and the time actually spent can never disagree.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import NamedTuple

from backpain_cli.routines.model import Exercise, Movement, Routine, Side


class SegmentKind(enum.Enum):
    PREPARE = "prepare"  # get into position for an exercise
    HOLD = "hold"  # one rep held (on one side, for per-side exercises)
    MOVE = "move"  # one rep of a paced movement (rep_seconds)
    SELF_PACED = "self_paced"  # the reps of a set (on one side) at your own pace: untimed
    REST = "rest"  # between reps or sides within a set
    SET_REST = "set_rest"  # between sets of the same exercise

    @property
    def works(self) -> bool:
        """A step of the exercise itself (a hold, a movement), not a prepare or a rest."""
        return self in _WORK


_WORK = frozenset({SegmentKind.HOLD, SegmentKind.MOVE, SegmentKind.SELF_PACED})
# kind, seconds, rep, set, side, ends_set
_Part = tuple[SegmentKind, int, int, int, "Side | None", bool]
_Steps = Callable[[Exercise, "tuple[Side | None, ...]"], list[_Part]]


class Segment(NamedTuple):
    kind: SegmentKind
    duration: int  # seconds; 0 for SELF_PACED, which lasts as long as the person takes
    start: int  # seconds from the start of the routine
    exercise_index: int
    exercise: Exercise
    rep: int = 0  # 1-based; 0 for prepare and for SELF_PACED (which holds every rep)
    set: int = 0  # 1-based; 0 for prepare
    side: Side | None = None
    ends_set: bool = False  # a hold (or movement) after which the set-over chime plays

    @property
    def end(self) -> int:
        return self.start + self.duration


class Timeline(NamedTuple):
    routine: Routine
    segments: tuple[Segment, ...]

    @property
    def total(self) -> int:
        """Seconds of every timed step: self-paced steps add nothing (see `untimed`)."""
        return sum(segment.duration for segment in self.segments)

    @property
    def untimed(self) -> int:
        """How many steps are self-paced, so take as long as they take."""
        return sum(1 for segment in self.segments if segment.kind is SegmentKind.SELF_PACED)

    def exercise_untimed(self, exercise_index: int) -> int:
        return sum(
            1
            for s in self.segments
            if s.exercise_index == exercise_index and s.kind is SegmentKind.SELF_PACED
        )

    def exercise_total(self, exercise_index: int) -> int:
        return sum(s.duration for s in self.segments if s.exercise_index == exercise_index)

    def first_of_exercise(self, exercise_index: int) -> int:
        """Index of the first segment of an exercise (len(segments) if it has none)."""
        for index, segment in enumerate(self.segments):
            if segment.exercise_index >= exercise_index:
                return index
        return len(self.segments)


def _exercise_segments(
    exercise: Exercise, index: int, *, prepare: bool, offset: int
) -> list[Segment]:
    """Segments of one exercise, the first starting at `offset`."""
    parts: list[_Part] = []
    if prepare and exercise.prepare > 0:
        parts.append((SegmentKind.PREPARE, exercise.prepare, 0, 0, None, False))
    sides: tuple[Side | None, ...] = exercise.sides or (None,)
    if exercise.movement is Movement.HOLD:
        parts += _hold_parts(exercise, sides)
    else:
        parts += _movement_parts(exercise, sides)
    segments: list[Segment] = []
    for kind, duration, rep, set_number, side, ends_set in parts:
        if duration <= 0 and kind is not SegmentKind.SELF_PACED:  # a zero rest is no segment
            continue
        segments.append(
            Segment(kind, duration, offset, index, exercise, rep, set_number, side, ends_set)
        )
        offset += duration
    return segments


def _one_side_at_a_time(
    exercise: Exercise, sides: tuple[Side | None, ...], steps: _Steps
) -> list[_Part]:
    """`alternate: false`: every rep and set on the first side, then on the second, one
    rest (`rest`, switching sides) between them."""
    parts: list[_Part] = []
    for side in sides:
        if parts:
            _, _, rep, set_number, before, _ = parts[-1]
            parts.append((SegmentKind.REST, exercise.rest, rep, set_number, before, False))
        parts += steps(exercise, (side,))
    return parts


def _hold_parts(exercise: Exercise, sides: tuple[Side | None, ...]) -> list[_Part]:
    """A held exercise's steps: the sides alternate every rep, a rest between holds."""
    if not exercise.alternate and len(sides) > 1:
        return _one_side_at_a_time(exercise, sides, _hold_parts)
    parts: list[_Part] = []
    for set_number in range(1, exercise.sets + 1):
        for rep in range(1, exercise.reps + 1):
            for side_number, side in enumerate(sides, start=1):
                last_in_set = rep == exercise.reps and side_number == len(sides)
                parts.append((SegmentKind.HOLD, exercise.hold, rep, set_number, side, last_in_set))
                if not last_in_set:
                    parts.append((SegmentKind.REST, exercise.rest, rep, set_number, side, False))
                elif set_number < exercise.sets:
                    parts.append(
                        (SegmentKind.SET_REST, exercise.set_rest, rep, set_number, side, False)
                    )
    return parts


def _movement_parts(exercise: Exercise, sides: tuple[Side | None, ...]) -> list[_Part]:
    """A movement's steps: each set does every rep on one side, then on the other.

    Paced reps follow each other without a rest (one continuous movement, a tick each);
    `rest` separates the sides, `set_rest` the sets.
    """
    if not exercise.alternate and len(sides) > 1:
        return _one_side_at_a_time(exercise, sides, _movement_parts)
    parts: list[_Part] = []
    for set_number in range(1, exercise.sets + 1):
        for side_number, side in enumerate(sides, start=1):
            last_side = side_number == len(sides)
            if exercise.movement is Movement.SELF_PACED:
                parts.append((SegmentKind.SELF_PACED, 0, 0, set_number, side, last_side))
            else:
                for rep in range(1, exercise.reps + 1):
                    ends = last_side and rep == exercise.reps
                    parts.append(
                        (SegmentKind.MOVE, exercise.rep_seconds, rep, set_number, side, ends)
                    )
            rep = 0 if exercise.movement is Movement.SELF_PACED else exercise.reps
            if not last_side:
                parts.append((SegmentKind.REST, exercise.rest, rep, set_number, side, False))
            elif set_number < exercise.sets:
                parts.append(
                    (SegmentKind.SET_REST, exercise.set_rest, rep, set_number, side, False)
                )
    return parts


def build_timeline(routine: Routine, *, prepare: bool = True, start_at: int = 0) -> Timeline:
    """The routine's segments in order, from exercise `start_at` (0-based) on.

    `prepare=False` drops the get-into-position countdowns (`--no-prepare`).
    """
    segments: list[Segment] = []
    for index, exercise in enumerate(routine.exercises):
        if index < start_at:
            continue
        offset = segments[-1].end if segments else 0
        segments += _exercise_segments(exercise, index, prepare=prepare, offset=offset)
    return Timeline(routine, tuple(segments))
