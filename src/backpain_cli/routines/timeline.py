"""Turn a routine into the ordered segments the player walks and `show` totals.

Pure functions of the routine: `show` and the player use the same timeline, so the
printed total and the time actually spent can never disagree.
"""

from __future__ import annotations

import enum
from typing import NamedTuple

from backpain_cli.routines.model import Exercise, Routine, Side


class SegmentKind(enum.Enum):
    PREPARE = "prepare"  # get into position for an exercise
    HOLD = "hold"  # one rep (on one side, for per-side exercises)
    REST = "rest"  # between reps or sides within a set
    SET_REST = "set_rest"  # between sets of the same exercise


class Segment(NamedTuple):
    kind: SegmentKind
    duration: int  # seconds
    start: int  # seconds from the start of the routine
    exercise_index: int
    exercise: Exercise
    rep: int = 0  # 1-based; 0 for prepare
    set: int = 0  # 1-based; 0 for prepare
    side: Side | None = None
    ends_set: bool = False  # a hold after which the set-over chime plays

    @property
    def end(self) -> int:
        return self.start + self.duration


class Timeline(NamedTuple):
    routine: Routine
    segments: tuple[Segment, ...]

    @property
    def total(self) -> int:
        return sum(segment.duration for segment in self.segments)

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
    parts: list[tuple[SegmentKind, int, int, int, Side | None, bool]] = []
    if prepare and exercise.prepare > 0:
        parts.append((SegmentKind.PREPARE, exercise.prepare, 0, 0, None, False))
    sides: tuple[Side | None, ...] = exercise.sides or (None,)
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
    segments: list[Segment] = []
    for kind, duration, rep, set_number, side, ends_set in parts:
        if duration <= 0:  # a zero rest is no segment at all
            continue
        segments.append(
            Segment(kind, duration, offset, index, exercise, rep, set_number, side, ends_set)
        )
        offset += duration
    return segments


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
