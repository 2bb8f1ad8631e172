"""The player engine on a fake clock: exact event sequences, timing, every command."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from fakes import LAST, TINY, FakeTime

from backpain_cli.player.engine import (
    BINDINGS,
    Binding,
    Cue,
    EndReason,
    Event,
    ExerciseFinished,
    ExerciseHurt,
    ExerciseOutcome,
    ExerciseSkipped,
    Finished,
    HelpToggled,
    MuteChanged,
    Paused,
    Player,
    Quit,
    Redraw,
    Resumed,
    SegmentEnded,
    SegmentStarted,
    Started,
    Status,
    Summary,
    Tick,
    key_table,
)
from backpain_cli.routines.model import Exercise, Routine, Side
from backpain_cli.routines.timeline import SegmentKind, Timeline, build_timeline

ROUTINE = TINY
START = 100.0  # the fake clock's start: nothing may assume the clock starts at 0


class Recorder:
    """Events as short strings stamped with routine seconds (ticks left out unless asked)."""

    def __init__(self, time: FakeTime, *, ticks: bool = False) -> None:
        self.time = time
        self.ticks = ticks
        self.events: list[Event] = []
        self.lines: list[str] = []

    def handle(self, event: Event) -> None:
        self.events.append(event)
        if isinstance(event, Tick) and not self.ticks:
            return
        self.lines.append(f"{self.time.now - 100:g} {describe(event)}")


def describe(event: Event) -> str:
    status = event.status
    if isinstance(event, SegmentStarted):
        segment = event.segment
        side = f" {segment.side.value}" if segment.side else ""
        where = f" r{segment.rep}s{segment.set}" if segment.rep else ""
        return f"start {segment.exercise.id} {segment.kind.value}{where}{side}"
    if isinstance(event, SegmentEnded):
        return f"end {event.index} {event.reason.value}"
    if isinstance(event, Cue):
        return f"cue {event.kind.value}"
    if isinstance(event, Tick):
        return f"tick {status.shown_remaining}"
    if isinstance(event, (ExerciseFinished, ExerciseSkipped, ExerciseHurt)):
        result = event.result
        return (
            f"{result.outcome.value} {result.exercise.id} {result.holds_done}/{result.holds_total}"
        )
    if isinstance(event, (Paused, Resumed)):
        return f"{type(event).__name__.lower()} {status.remaining:g} left"
    return type(event).__name__.lower()


def play(
    routine: Routine = ROUTINE,
    keys: Sequence[tuple[float, str]] = (),
    *,
    ticks: bool = False,
    timeline: Timeline | None = None,
    bindings: Sequence[Binding] | None = None,
) -> tuple[Recorder, Summary, FakeTime]:
    time = FakeTime(keys, origin=START)
    recorder = Recorder(time, ticks=ticks)
    player = Player(timeline or build_timeline(routine), clock=time.clock, listeners=[recorder])
    summary = player.run(time.wait, bindings)
    return recorder, summary, time


def test_a_whole_routine_in_exact_order() -> None:
    recorder, summary, time = play()
    assert recorder.lines == [
        "0 started",
        "0 start rotation prepare",
        "0 cue countdown",  # 2 s prepare: the 3-2-1 countdown starts at 2
        "1 cue countdown",
        "2 end 0 completed",
        "2 start rotation hold r1s1 left",
        "5 end 1 completed",
        "5 cue rep_end",
        "5 start rotation rest r1s1 left",
        "5 cue side_switch",
        "6 end 2 completed",
        "6 start rotation hold r1s1 right",
        "9 end 3 completed",
        "9 cue rep_end",
        "9 start rotation rest r1s1 right",
        "9 cue side_switch",
        "10 end 4 completed",
        "10 start rotation hold r2s1 left",
        "13 end 5 completed",
        "13 cue rep_end",
        "13 start rotation rest r2s1 left",
        "13 cue side_switch",
        "14 end 6 completed",
        "14 start rotation hold r2s1 right",
        "17 end 7 completed",
        "17 cue set_end",
        "17 start rotation set_rest r2s1 right",
        "17 cue side_switch",
        "19 end 8 completed",
        "19 start rotation hold r1s2 left",
        "22 end 9 completed",
        "22 cue rep_end",
        "22 start rotation rest r1s2 left",
        "22 cue side_switch",
        "23 end 10 completed",
        "23 start rotation hold r1s2 right",
        "26 end 11 completed",
        "26 cue rep_end",
        "26 start rotation rest r1s2 right",
        "26 cue side_switch",
        "27 end 12 completed",
        "27 start rotation hold r2s2 left",
        "30 end 13 completed",
        "30 cue rep_end",
        "30 start rotation rest r2s2 left",
        "30 cue side_switch",
        "31 end 14 completed",
        "31 start rotation hold r2s2 right",
        "34 end 15 completed",
        "34 cue set_end",  # the last set ends with a chime but no set rest after it
        "34 done rotation 8/8",
        "34 start squeeze prepare",  # default prepare: 5 s
        "36 cue countdown",
        "37 cue countdown",
        "38 cue countdown",
        "39 end 16 completed",
        "39 start squeeze hold r1s1",
        "41 end 17 completed",
        "41 cue rep_end",
        "41 start squeeze rest r1s1",
        "42 end 18 completed",
        "42 start squeeze hold r2s1",
        "44 end 19 completed",
        "44 cue set_end",
        "44 done squeeze 2/2",
        "44 start ball prepare",
        "44 cue countdown",
        "45 end 20 completed",
        "45 start ball hold r1s1",
        "49 end 21 completed",
        "49 done ball 1/1",  # the last hold: no set chime, the end sound instead
        "49 cue routine_end",
        "49 finished",
    ]
    assert time.now - 100 == build_timeline(ROUTINE).total == 49
    assert not summary.quit
    assert summary.active_seconds == 49
    assert summary.paused_seconds == 0
    assert [r.outcome for r in summary.results] == [ExerciseOutcome.DONE] * 3
    assert summary.count(ExerciseOutcome.DONE) == 3


def test_ticks_once_per_shown_second_and_waits_never_accumulate() -> None:
    routine = Routine(name="one", title="One", exercises=(LAST,))
    recorder, _, time = play(routine, ticks=True)
    assert recorder.lines == [
        "0 started",
        "0 start ball prepare",
        "0 cue countdown",
        "1 end 0 completed",
        "1 start ball hold r1s1",
        "2 tick 3",
        "3 tick 2",
        "4 tick 1",
        "5 end 1 completed",
        "5 done ball 1/1",
        "5 cue routine_end",
        "5 finished",
    ]
    # One wake-up per second boundary, each computed from the deadline.
    assert time.waits == [1.0, 1.0, 1.0, 1.0, 1.0]


def test_late_wakeups_do_not_shift_later_deadlines() -> None:
    time = FakeTime(origin=START)
    recorder = Recorder(time)
    player = Player(build_timeline(ROUTINE), clock=time.clock, listeners=[recorder])
    player.start()
    time.now += 2.7  # woke 0.7 s late for the end of the prepare
    player.advance()
    assert recorder.lines[-1] == "2.7 start rotation hold r1s1 left"
    status = player.status()
    assert status.remaining == pytest.approx(2.3)  # the hold still ends at 5, not 5.7
    assert status.shown_remaining == 3
    time.now += 100  # a long stall: every segment due is processed in order
    player.advance()
    assert not player.active
    assert player.summary is not None
    assert player.summary.active_seconds == pytest.approx(102.7)


def test_pause_and_resume_keep_remaining_time_exactly() -> None:
    recorder, summary, time = play(keys=[(3.25, "space"), (63.25, "space")])
    assert "3.25 paused 1.75 left" in recorder.lines
    assert "63.25 resumed 1.75 left" in recorder.lines
    assert "65 end 1 completed" in recorder.lines  # 5 s in + 60 s paused
    assert summary.paused_seconds == 60
    assert summary.active_seconds == 49
    assert time.now - 100 == 109
    assert None in time.waits  # while paused the player waits for a key, not a time


def test_no_ticks_and_no_timeouts_while_paused() -> None:
    time = FakeTime(origin=START)
    recorder = Recorder(time, ticks=True)
    player = Player(build_timeline(ROUTINE), clock=time.clock, listeners=[recorder])
    player.start()
    player.pause()
    player.pause()  # already paused: nothing
    time.now += 30
    player.advance()
    assert player.timeout() is None
    assert recorder.lines[-1] == "0 paused 2 left"
    player.resume()
    player.resume()  # not paused: nothing
    assert recorder.lines[-1] == "30 resumed 2 left"
    assert player.status().elapsed == 0


def test_next_at_every_kind_of_segment() -> None:
    # prepare -> hold -> rest -> hold ... set rest -> next set
    recorder, summary, _ = play(
        keys=[(0.5, "n"), (1.0, "n"), (1.5, "right"), (8.0, "n"), (8.5, "n")]
    )
    assert recorder.lines[:12] == [
        "0 started",
        "0 start rotation prepare",
        "0 cue countdown",
        "0.5 end 0 next",  # no countdown cue after a skip
        "0.5 start rotation hold r1s1 left",
        "1 end 1 next",  # no rep-end cue on a skipped hold
        "1 start rotation rest r1s1 left",
        "1 cue side_switch",
        "1.5 end 2 next",
        "1.5 start rotation hold r1s1 right",
        "4.5 end 3 completed",
        "4.5 cue rep_end",
    ]
    assert recorder.lines[16:25] == [
        "8 end 5 next",
        "8 start rotation rest r2s1 left",
        "8 cue side_switch",
        "8.5 end 6 next",
        "8.5 start rotation hold r2s1 right",
        "11.5 end 7 completed",
        "11.5 cue set_end",
        "11.5 start rotation set_rest r2s1 right",
        "11.5 cue side_switch",
    ]
    assert summary.results[0].holds_done == 6


def test_next_through_a_set_rest_and_off_the_end() -> None:
    timeline = build_timeline(ROUTINE)
    set_rest = next(i for i, s in enumerate(timeline.segments) if s.kind is SegmentKind.SET_REST)
    time = FakeTime(origin=START)
    recorder = Recorder(time)
    player = Player(timeline, clock=time.clock, listeners=[recorder])
    player.start()
    for _ in range(set_rest):
        player.next()
    assert recorder.lines[-2:] == ["0 start rotation set_rest r2s1 right", "0 cue side_switch"]
    player.next()
    assert recorder.lines[-2:] == ["0 end 8 next", "0 start rotation hold r1s2 left"]
    while player.active:
        player.next()
    # Every hold skipped: each exercise counts as skipped; the routine still ends.
    assert recorder.lines[-4:] == [
        "0 end 21 next",
        "0 skipped ball 0/1",
        "0 cue routine_end",
        "0 finished",
    ]
    assert player.summary is not None
    assert player.summary.count(ExerciseOutcome.SKIPPED) == 3
    player.next()  # over: commands do nothing
    player.quit()
    assert recorder.lines[-1] == "0 finished"


def test_back_restarts_then_goes_to_the_previous_hold_or_prepare() -> None:
    long = Exercise(id="x", name="X", instructions=("x",), hold=10, reps=2, rest=5, prepare=5)
    routine = Routine(name="r", title="R", exercises=(long,))
    keys = [
        (9.0, "b"),  # 4 s into the first hold: restart it
        (9.5, "left"),  # again at once: previous = the prepare
        (10.0, "b"),  # nothing before the prepare: restart it
        (27.0, "b"),  # 2 s into a rest: previous = the hold before it
        (41.0, "b"),  # 4 s into a rest: restart the rest
    ]
    recorder, summary, _ = play(routine, keys)
    assert recorder.lines == [
        "0 started",
        "0 start x prepare",
        "2 cue countdown",
        "3 cue countdown",
        "4 cue countdown",
        "5 end 0 completed",
        "5 start x hold r1s1",
        "9 end 1 back",
        "9 start x hold r1s1",
        "9.5 end 1 back",
        "9.5 start x prepare",
        "10 end 0 back",
        "10 start x prepare",
        "12 cue countdown",
        "13 cue countdown",
        "14 cue countdown",
        "15 end 0 completed",
        "15 start x hold r1s1",
        "25 end 1 completed",
        "25 cue rep_end",
        "25 start x rest r1s1",
        "27 end 2 back",
        "27 start x hold r1s1",
        "37 end 1 completed",
        "37 cue rep_end",
        "37 start x rest r1s1",
        "41 end 2 back",
        "41 start x rest r1s1",
        "46 end 2 completed",
        "46 start x hold r2s1",
        "56 end 3 completed",
        "56 done x 2/2",
        "56 cue routine_end",
        "56 finished",
    ]
    assert summary.active_seconds == 56


def test_back_early_in_a_set_rest_goes_to_the_hold_before_it() -> None:
    timeline = build_timeline(ROUTINE)
    set_rest = next(i for i, s in enumerate(timeline.segments) if s.kind is SegmentKind.SET_REST)
    time = FakeTime(origin=START)
    recorder = Recorder(time)
    player = Player(timeline, clock=time.clock, listeners=[recorder])
    player.start()
    time.now += timeline.segments[set_rest].start + 1
    player.advance()
    player.back()
    assert recorder.lines[-2:] == ["18 end 8 back", "18 start rotation hold r2s1 right"]


def test_back_across_an_exercise_boundary_then_forward_again() -> None:
    # 0.5 s into the squeeze prepare: back to the last rotation hold, which is redone.
    recorder, summary, _ = play(keys=[(34.5, "b")])
    assert recorder.lines[48:57] == [
        "34 end 15 completed",
        "34 cue set_end",
        "34 done rotation 8/8",
        "34 start squeeze prepare",
        "34.5 end 16 back",
        "34.5 start rotation hold r2s2 right",
        "37.5 end 15 completed",
        "37.5 cue set_end",
        "37.5 done rotation 8/8",  # left forwards again: its outcome is emitted again
    ]
    assert summary.results[0].outcome is ExerciseOutcome.DONE


def test_skip_exercise_from_prepare_hold_rest_and_set_rest() -> None:
    for at, kind in [(1.0, "prepare"), (3.0, "hold"), (5.5, "rest"), (18.0, "set_rest")]:
        recorder, summary, _ = play(keys=[(at, "s")])
        index = next(i for i, line in enumerate(recorder.lines) if line.endswith(" skip_exercise"))
        stamp = f"{at:g}"
        assert recorder.lines[index + 1 : index + 3] == [
            f"{stamp} skipped rotation {summary.results[0].holds_done}/8",
            f"{stamp} start squeeze prepare",
        ], kind
        assert summary.results[0].outcome is ExerciseOutcome.SKIPPED
        assert summary.results[1].outcome is ExerciseOutcome.DONE


HURTS = (*BINDINGS, Binding(("p",), "p", "hurts", "this hurts", Player.stop_for_pain))


def test_stop_for_pain_from_prepare_hold_rest_and_set_rest() -> None:
    for at, kind in [(1.0, "prepare"), (3.0, "hold"), (5.5, "rest"), (18.0, "set_rest")]:
        recorder, summary, _ = play(keys=[(at, "p")], bindings=HURTS)
        index = next(i for i, line in enumerate(recorder.lines) if line.endswith(" hurt"))
        stamp = f"{at:g}"
        assert recorder.lines[index + 1 : index + 3] == [
            f"{stamp} hurt rotation {summary.results[0].holds_done}/8",
            f"{stamp} start squeeze prepare",
        ], kind
        hurt = [e for e in recorder.events if isinstance(e, ExerciseHurt)]
        assert [e.result for e in hurt] == [summary.results[0]]
        assert [r.outcome for r in summary.results] == [
            ExerciseOutcome.HURT,
            ExerciseOutcome.DONE,
            ExerciseOutcome.DONE,
        ]
        assert summary.count(ExerciseOutcome.HURT) == 1
        assert not summary.quit


def test_stop_for_pain_in_the_last_exercise_finishes_the_routine() -> None:
    recorder, summary, _ = play(keys=[(46.0, "p")], bindings=HURTS)
    assert recorder.lines[-5:] == [
        "45 start ball hold r1s1",
        "46 end 21 hurt",
        "46 hurt ball 0/1",
        "46 cue routine_end",
        "46 finished",
    ]
    assert summary.results[2].outcome is ExerciseOutcome.HURT


def test_going_back_into_an_exercise_that_hurt_and_finishing_it_counts_as_done() -> None:
    # p in the first rotation hold, then b at once: back into rotation's last hold, which
    # runs to its end this time.
    recorder, summary, _ = play(keys=[(3.0, "p"), (3.5, "b")], bindings=HURTS)
    assert recorder.lines[6:14] == [
        "3 end 1 hurt",
        "3 hurt rotation 0/8",
        "3 start squeeze prepare",
        "3.5 end 16 back",
        "3.5 start rotation hold r2s2 right",
        "6.5 end 15 completed",
        "6.5 cue set_end",
        "6.5 done rotation 1/8",  # the last outcome counts
    ]
    assert summary.results[0].outcome is ExerciseOutcome.DONE


def test_skip_the_last_exercise_finishes_the_routine() -> None:
    recorder, summary, _ = play(keys=[(46.0, "s")])
    assert recorder.lines[-5:] == [
        "45 start ball hold r1s1",
        "46 end 21 skip_exercise",
        "46 skipped ball 0/1",
        "46 cue routine_end",
        "46 finished",
    ]
    assert summary.active_seconds == 46
    assert [r.outcome for r in summary.results] == [
        ExerciseOutcome.DONE,
        ExerciseOutcome.DONE,
        ExerciseOutcome.SKIPPED,
    ]


def test_quit_mid_hold() -> None:
    recorder, summary, _ = play(keys=[(43.0, "q")])
    assert recorder.lines[-3:] == [
        "42 start squeeze hold r2s1",
        "43 end 19 quit",
        "43 quit",
    ]
    assert summary.quit
    assert summary.active_seconds == 43
    assert [(r.outcome, r.holds_done, r.holds_total) for r in summary.results] == [
        (ExerciseOutcome.DONE, 8, 8),
        (ExerciseOutcome.STOPPED, 1, 2),
        (ExerciseOutcome.NOT_REACHED, 0, 1),
    ]


def test_quit_while_paused_with_ctrl_c_counts_the_pause() -> None:
    recorder, summary, _ = play(keys=[(3.0, "space"), (13.0, "ctrl-c")])
    assert recorder.lines[-3:] == ["3 paused 2 left", "13 end 1 quit", "13 quit"]
    assert summary.active_seconds == 3
    assert summary.paused_seconds == 10
    assert summary.results[0].outcome is ExerciseOutcome.STOPPED
    assert isinstance(recorder.events[-1], Quit)
    assert recorder.events[-1].summary is summary


def test_commands_while_paused_stay_paused_with_the_full_new_segment() -> None:
    recorder, summary, _ = play(
        keys=[(1.0, "space"), (5.0, "n"), (6.0, "space")],
    )
    assert recorder.lines[4:9] == [
        "1 paused 1 left",
        "5 end 0 next",
        "5 start rotation hold r1s1 left",
        "6 resumed 3 left",
        "9 end 1 completed",
    ]
    assert summary.paused_seconds == 5


def test_next_on_the_last_segment_while_paused_finishes_cleanly() -> None:
    recorder, summary, _ = play(keys=[(46.0, "space"), (50.0, "n")])
    assert recorder.lines[-6:] == [
        "45 start ball hold r1s1",
        "46 paused 3 left",
        "50 end 21 next",
        "50 skipped ball 0/1",
        "50 cue routine_end",
        "50 finished",
    ]
    assert summary.paused_seconds == 4
    assert summary.active_seconds == 46
    assert summary.results[2].outcome is ExerciseOutcome.SKIPPED


def test_from_exercise_starts_there() -> None:
    timeline = build_timeline(ROUTINE, start_at=ROUTINE.exercise_index("ball") or 0)
    recorder, summary, _ = play(timeline=timeline)
    assert recorder.lines == [
        "0 started",
        "0 start ball prepare",
        "0 cue countdown",
        "1 end 0 completed",
        "1 start ball hold r1s1",
        "5 end 1 completed",
        "5 done ball 1/1",
        "5 cue routine_end",
        "5 finished",
    ]
    assert [r.exercise.id for r in summary.results] == ["ball"]
    assert isinstance(recorder.events[0], Started)
    assert recorder.events[0].status.exercise_count == 3


def test_without_prepare() -> None:
    recorder, _, _ = play(timeline=build_timeline(ROUTINE, prepare=False))
    assert recorder.lines[1] == "0 start rotation hold r1s1 left"
    assert not any("prepare" in line or "countdown" in line for line in recorder.lines)


def test_an_empty_timeline_finishes_at_once() -> None:
    recorder, summary, _ = play(timeline=build_timeline(ROUTINE, start_at=3))
    assert recorder.lines == ["0 started", "0 cue routine_end", "0 finished"]
    assert summary.results == ()


def test_side_switch_on_a_hold_right_after_a_hold() -> None:
    no_rest = Exercise(
        id="x", name="X", instructions=("x",), hold=2, sides=(Side.LEFT, Side.RIGHT), rest=0
    )
    recorder, _, _ = play(Routine(name="r", title="R", exercises=(no_rest,)))
    assert recorder.lines[7:11] == [
        "7 end 1 completed",
        "7 cue rep_end",
        "7 start x hold r1s1 right",
        "7 cue side_switch",
    ]


def test_mute_help_redraw_and_unknown_keys() -> None:
    keys = [(0.5, "m"), (0.6, "?"), (0.7, "x"), (0.8, "resize"), (0.9, "M"), (5.0, "?")]
    recorder, _, _ = play(keys=keys)
    assert recorder.lines[3:11] == [
        "0.5 mutechanged",
        "0.6 paused 1.4 left",  # help stops the clock while it is read...
        "0.6 helptoggled",
        "0.8 redraw",
        "0.9 mutechanged",
        "5 resumed 1.4 left",  # ...and closing it goes on where it stopped
        "5 helptoggled",
        "5.4 cue countdown",
    ]
    events = [e for e in recorder.events if isinstance(e, (MuteChanged, HelpToggled, Redraw))]
    assert [(e.status.muted, e.status.help, e.status.paused) for e in events] == [
        (True, False, False),
        (True, True, True),
        (True, True, True),
        (False, True, True),
        (False, False, False),
    ]


def test_space_closes_help_and_goes_on_and_help_keeps_a_pause() -> None:
    keys = [(0.5, "?"), (3.0, "space"), (3.5, "space"), (4.0, "?"), (6.0, "?"), (7.0, "space")]
    recorder, _, _ = play(keys=keys)
    assert recorder.lines[3:11] == [
        "0.5 paused 1.5 left",
        "0.5 helptoggled",
        "3 resumed 1.5 left",  # space: help goes and the clock goes on
        "3.5 cue countdown",
        "3.5 paused 1 left",  # paused by hand, then help opened and closed: still paused
        "4 helptoggled",
        "6 helptoggled",
        "7 resumed 1 left",
    ]


def test_status_views() -> None:
    timeline = build_timeline(ROUTINE)
    status = Status(timeline, index=1, remaining=2.5, elapsed=2.5)
    assert status.segment is timeline.segments[1]
    assert status.shown_remaining == 3
    assert status.seconds_left == timeline.total - 2 - 0.5
    assert status.upcoming is timeline.segments[3]
    assert status.upcoming_side is Side.RIGHT
    over = Status(timeline, index=len(timeline.segments), remaining=0, elapsed=49)
    assert over.segment is None
    assert over.upcoming is None
    assert over.upcoming_side is None
    last_hold = Status(timeline, index=len(timeline.segments) - 1, remaining=1, elapsed=48)
    assert last_hold.upcoming is None


def test_the_key_table() -> None:
    table = key_table(BINDINGS)
    assert table["space"] is Player.pause_or_count  # pauses; counts a rep at own pace
    assert table["right"] is table["n"] is Player.next
    assert table["left"] is table["b"] is Player.back
    assert table["ctrl-c"] is table["q"] is Player.quit
    calls: list[str] = []
    extra = Binding(("p",), "p", "hurts", "this hurts", lambda player: calls.append("p"))
    play(keys=[(1.0, "p"), (2.5, "q")], bindings=(*BINDINGS, extra))
    assert calls == ["p"]


def test_every_listener_hears_and_start_twice_is_harmless() -> None:
    time = FakeTime(origin=START)
    first = Recorder(time)
    second = Recorder(time)
    player = Player(build_timeline(ROUTINE), clock=time.clock, listeners=[first, second])
    player.start()
    player.start()
    assert (
        first.lines == second.lines == ["0 started", "0 start rotation prepare", "0 cue countdown"]
    )
    assert player.timeout() == 1.0
    assert not player.paused
    assert not player.muted
    player.quit()
    assert player.timeout() is None
    assert isinstance(first.events[-1], Quit)
    assert not isinstance(first.events[-1], Finished)
    assert [e.reason for e in first.events if isinstance(e, SegmentEnded)] == [EndReason.QUIT]


@pytest.mark.parametrize("key", ["b", "s", "n", "space", "?"])
def test_a_key_pressed_as_the_routine_ends_changes_nothing(key: str) -> None:
    """The last hold ends at 49 s; a key read in the same moment comes after its end."""
    recorder, summary, _ = play(keys=[(49.0, key)])
    assert recorder.lines == play()[0].lines
    assert recorder.lines[-2:] == ["49 cue routine_end", "49 finished"]
    assert not summary.quit and summary.active_seconds == 49


def test_run_carries_on_a_player_already_started() -> None:
    time = FakeTime(origin=START)
    recorder = Recorder(time)
    player = Player(build_timeline(ROUTINE), clock=time.clock, listeners=[recorder])
    player.start()
    summary = player.run(time.wait)
    assert recorder.lines == play()[0].lines  # "started" once
    assert summary.active_seconds == 49
