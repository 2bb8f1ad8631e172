"""The timeline the player walks and `show` totals, and the model values it is built from."""

from __future__ import annotations

from typing import Any

import pytest

from backpain_cli.routines.model import Exercise, Frequency, Period, Routine, Side, format_duration
from backpain_cli.routines.timeline import Segment, SegmentKind, Timeline, build_timeline

P, H, R, S = SegmentKind.PREPARE, SegmentKind.HOLD, SegmentKind.REST, SegmentKind.SET_REST
L, RIGHT = Side.LEFT, Side.RIGHT


def exercise(exercise_id: str = "ex", **doses: Any) -> Exercise:
    return Exercise(id=exercise_id, name=exercise_id.title(), instructions=("Do it.",), **doses)


def routine(*exercises: Exercise) -> Routine:
    return Routine(name="r", title="R", exercises=exercises)


def shape(timeline: Timeline) -> list[tuple[object, ...]]:
    """(kind, duration, start, exercise, rep, set, side, ends_set) of every segment."""
    return [
        (s.kind, s.duration, s.start, s.exercise_index, s.rep, s.set, s.side, s.ends_set)
        for s in timeline.segments
    ]


def test_reps_with_rests_between_and_a_chime_after_the_last() -> None:
    timeline = build_timeline(routine(exercise(hold=30, reps=3, rest=10, prepare=5)))
    assert shape(timeline) == [
        (P, 5, 0, 0, 0, 0, None, False),
        (H, 30, 5, 0, 1, 1, None, False),
        (R, 10, 35, 0, 1, 1, None, False),
        (H, 30, 45, 0, 2, 1, None, False),
        (R, 10, 75, 0, 2, 1, None, False),
        (H, 30, 85, 0, 3, 1, None, True),
    ]
    assert timeline.total == 115


def test_sides_alternate_every_rep() -> None:
    timeline = build_timeline(
        routine(exercise(hold=20, reps=2, sides=(L, RIGHT), rest=5, prepare=0))
    )
    assert shape(timeline) == [
        (H, 20, 0, 0, 1, 1, L, False),
        (R, 5, 20, 0, 1, 1, L, False),
        (H, 20, 25, 0, 1, 1, RIGHT, False),
        (R, 5, 45, 0, 1, 1, RIGHT, False),
        (H, 20, 50, 0, 2, 1, L, False),
        (R, 5, 70, 0, 2, 1, L, False),
        (H, 20, 75, 0, 2, 1, RIGHT, True),
    ]


def test_one_side_only() -> None:
    timeline = build_timeline(routine(exercise(hold=10, reps=2, sides=(RIGHT,), prepare=0)))
    assert [(s.kind, s.side) for s in timeline.segments] == [(H, RIGHT), (R, RIGHT), (H, RIGHT)]


def test_sets_end_with_a_chime_and_a_set_rest() -> None:
    timeline = build_timeline(
        routine(exercise(hold=5, reps=2, sets=3, rest=2, set_rest=20, prepare=3))
    )
    assert shape(timeline) == [
        (P, 3, 0, 0, 0, 0, None, False),
        (H, 5, 3, 0, 1, 1, None, False),
        (R, 2, 8, 0, 1, 1, None, False),
        (H, 5, 10, 0, 2, 1, None, True),
        (S, 20, 15, 0, 2, 1, None, False),
        (H, 5, 35, 0, 1, 2, None, False),
        (R, 2, 40, 0, 1, 2, None, False),
        (H, 5, 42, 0, 2, 2, None, True),
        (S, 20, 47, 0, 2, 2, None, False),
        (H, 5, 67, 0, 1, 3, None, False),
        (R, 2, 72, 0, 1, 3, None, False),
        (H, 5, 74, 0, 2, 3, None, True),
    ]


def test_zero_rests_and_prepare_are_no_segments() -> None:
    timeline = build_timeline(
        routine(exercise(hold=5, reps=2, sets=2, rest=0, set_rest=0, prepare=0))
    )
    assert shape(timeline) == [
        (H, 5, 0, 0, 1, 1, None, False),
        (H, 5, 5, 0, 2, 1, None, True),
        (H, 5, 10, 0, 1, 2, None, False),
        (H, 5, 15, 0, 2, 2, None, True),
    ]


def test_exercises_follow_each_other() -> None:
    first = exercise("first", hold=10, reps=1, prepare=5)
    second = exercise("second", hold=20, reps=2, rest=5, prepare=5)
    timeline = build_timeline(routine(first, second))
    assert shape(timeline) == [
        (P, 5, 0, 0, 0, 0, None, False),
        (H, 10, 5, 0, 1, 1, None, True),
        (P, 5, 15, 1, 0, 0, None, False),
        (H, 20, 20, 1, 1, 1, None, False),
        (R, 5, 40, 1, 1, 1, None, False),
        (H, 20, 45, 1, 2, 1, None, True),
    ]
    assert timeline.segments[3].exercise is second
    assert timeline.total == 65
    assert timeline.exercise_total(0) == 15
    assert timeline.exercise_total(1) == 50
    assert timeline.exercise_total(2) == 0
    assert timeline.first_of_exercise(0) == 0
    assert timeline.first_of_exercise(1) == 2
    assert timeline.first_of_exercise(2) == len(timeline.segments)


def test_without_prepare() -> None:
    timeline = build_timeline(routine(exercise(hold=10, prepare=5)), prepare=False)
    assert shape(timeline) == [(H, 10, 0, 0, 1, 1, None, True)]


def test_start_at_a_later_exercise() -> None:
    exercises = (exercise("a", hold=10), exercise("b", hold=20, prepare=0), exercise("c", hold=1))
    timeline = build_timeline(routine(*exercises), start_at=1)
    assert [(s.exercise.id, s.kind, s.start) for s in timeline.segments] == [
        ("b", H, 0),
        ("c", P, 20),
        ("c", H, 25),
    ]
    assert timeline.first_of_exercise(0) == 0  # nothing before b: b comes first
    assert timeline.first_of_exercise(2) == 1
    assert build_timeline(routine(*exercises), start_at=3).segments == ()


def test_segment_end_and_contiguity() -> None:
    timeline = build_timeline(routine(exercise(hold=7, reps=4, sets=2, sides=(L, RIGHT))))
    assert timeline.segments[0].start == 0
    for before, after in zip(timeline.segments, timeline.segments[1:], strict=False):
        assert before.end == after.start
    assert timeline.segments[-1].end == timeline.total == sum(s.duration for s in timeline.segments)


def test_segment_defaults() -> None:
    ex = exercise(hold=1)
    segment = Segment(SegmentKind.PREPARE, 5, 10, 0, ex)
    assert (segment.rep, segment.set, segment.side, segment.ends_set, segment.end) == (
        0,
        0,
        None,
        False,
        15,
    )


# -- the model ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doses", "expected"),
    [
        ({"hold": 30, "reps": 3}, "30 s × 3"),
        ({"hold": 5, "reps": 10, "sets": 2}, "5 s × 10 × 2 sets"),
        ({"hold": 30, "reps": 3, "sides": (L, RIGHT)}, "30 s × 3 each side"),
        ({"hold": 30, "reps": 1, "sides": (L,)}, "30 s × 1 left side"),
        ({"hold": 4, "reps": 8, "sets": 3, "sides": (L, RIGHT)}, "4 s × 8 × 3 sets each side"),
    ],
)
def test_dose(doses: dict[str, Any], expected: str) -> None:
    assert exercise(**doses).dose == expected


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0, "0:00"),
        (5, "0:05"),
        (59.4, "0:59"),
        (60, "1:00"),
        (792, "13:12"),
        (3599, "59:59"),
        (3600, "1:00:00"),
        (3725, "1:02:05"),
    ],
)
def test_format_duration(seconds: float, expected: str) -> None:
    assert format_duration(seconds) == expected


def test_frequency_reads_as_written() -> None:
    assert str(Frequency(2, Period.DAY)) == "2 per day"
    assert str(Frequency(3, Period.WEEK)) == "3 per week"


def test_routine_equipment_cautions_and_lookup() -> None:
    a = exercise("a", hold=1, equipment=("ball", "chair"), caution="Careful.")
    b = exercise("b", hold=1, equipment=("chair", "towel"), caution="Careful.")
    c = exercise("c", hold=1, caution="")
    r = routine(a, b, c)
    assert r.equipment == ("ball", "chair", "towel")
    assert r.cautions == ("Careful.",)
    assert r.exercise_index("b") == 1
    assert r.exercise_index("zzz") is None
