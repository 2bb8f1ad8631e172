"""The history listener, the `p` key (the engine's `this_hurts` and the pain notices)
and the pain check-in, driven by the real engine on a fake clock, recording into a real
history database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fakes
import pytest
from fakes import TINY

from backpain_cli.errors import HistoryError
from backpain_cli.history.recorder import Recorder
from backpain_cli.history.records import ExerciseStatus, SessionOutcome, SessionRecord
from backpain_cli.history.store import History, open_for_recording
from backpain_cli.player.check_in import QUESTION, CheckInCancelled, pain_rating
from backpain_cli.player.engine import BINDINGS, Player, Summary
from backpain_cli.player.engine import ExerciseOutcome as Result
from backpain_cli.player.pain import ADVICE, FLAG, PainNotices
from backpain_cli.routines.model import Frequency, Period
from backpain_cli.routines.timeline import build_timeline

ROUTINE = replace(TINY, frequency=Frequency(2, Period.DAY))
TINY_HASH = "0f" * 32  # what the loader hashed; the recorder stores it as given
T0 = datetime(2026, 11, 4, 7, 0, tzinfo=timezone.utc)


class FakeTime(fakes.FakeTime):
    """The shared scripted clock, with a wall clock running alongside it from T0."""

    def wall(self) -> datetime:
        return T0 + timedelta(seconds=self.now)


@pytest.fixture
def history(tmp_path: Path) -> History:
    opened, warning = open_for_recording(tmp_path / "history.sqlite3")
    assert opened is not None, warning
    return opened


def play(
    history: History,
    keys: Sequence[tuple[float, str]] = (),
    *,
    start_at: int = 0,
    hurt_last_time: Sequence[str] = (),
    warnings: list[str] | None = None,
    summaries: list[Summary] | None = None,
) -> tuple[Recorder, Player, list[str]]:
    time = FakeTime(keys)
    recorder = Recorder(
        history,
        routine=ROUTINE,
        content_hash=TINY_HASH,
        wall_clock=time.wall,
        warn=(warnings if warnings is not None else []).append,
        pain_before=6,
    )
    said: list[str] = []
    pain = PainNotices(
        show=said.append,
        clear=lambda: said.append("<clear>"),
        hurt_last_time=hurt_last_time,
    )
    timeline = build_timeline(ROUTINE, start_at=start_at)
    player = Player(timeline, clock=time.clock, listeners=[pain, recorder])
    summary = player.run(time.wait)
    if summaries is not None:
        summaries.append(summary)
    return recorder, player, said


def only_session(history: History) -> SessionRecord:
    [session] = history.sessions(with_exercises=True)
    return session


def test_a_whole_routine_is_recorded_as_completed(history: History) -> None:
    recorder, _, _ = play(history)
    recorder.record_pain_after(3)
    session = only_session(history)
    assert session.routine == "tiny"
    assert session.routine_hash == TINY_HASH
    assert session.frequency == Frequency(2, Period.DAY)
    assert session.outcome is SessionOutcome.COMPLETED
    assert (session.pain_before, session.pain_after) == (6, 3)
    assert session.started == T0
    total = build_timeline(ROUTINE).total
    assert session.ended == T0 + timedelta(seconds=total)
    assert session.exercises_planned == 3
    rotation, squeeze, ball = session.exercises
    assert (rotation.status, rotation.holds_done, rotation.holds_planned) == (
        ExerciseStatus.DONE,
        8,
        8,
    )
    assert rotation.reps_done == 4  # 2 reps x 2 sets, both sides each
    assert rotation.sides_done == ("left", "right")
    assert rotation.started == T0
    assert (squeeze.reps_done, squeeze.sides_done) == (2, ())
    assert ball.ended == session.ended


def test_each_exercise_is_committed_when_it_is_left(history: History, tmp_path: Path) -> None:
    """What another process sees while the player is still in the second exercise."""
    seen: list[int] = []

    class Peek:
        def handle(self, event: object) -> None:
            reader, _ = open_for_recording(tmp_path / "history.sqlite3")
            assert reader is not None
            with reader:
                sessions = reader.sessions(with_exercises=True)
            seen.append(len(sessions[0].exercises) if sessions else -1)

    second = build_timeline(ROUTINE).segments[build_timeline(ROUTINE).first_of_exercise(1)]
    time = FakeTime([(second.start + 1.0, "q")])
    recorder = Recorder(
        history, routine=ROUTINE, content_hash="h", wall_clock=time.wall, warn=print
    )
    player = Player(build_timeline(ROUTINE), clock=time.clock, listeners=[recorder, Peek()])
    player.run(time.wait)
    assert seen[0] == -1  # nothing is written before the first hold has ended...
    assert 0 in seen  # ...then the session row is
    assert 1 in seen  # the first exercise was readable before the end
    session = only_session(history)
    assert session.outcome is SessionOutcome.PARTIAL
    assert [e.status for e in session.exercises] == [ExerciseStatus.DONE, ExerciseStatus.STOPPED]


def test_quit_records_the_exercise_in_progress_as_stopped(history: History) -> None:
    play(history, [(8.0, "q")])  # during the first exercise
    session = only_session(history)
    assert session.outcome is SessionOutcome.PARTIAL
    assert session.ended == T0 + timedelta(seconds=8)
    [rotation] = session.exercises
    assert rotation.status is ExerciseStatus.STOPPED
    assert (rotation.holds_done, rotation.reps_done, rotation.sides_done) == (1, 0, ("left",))


def test_a_player_ended_from_outside_ends_its_session_then(history: History) -> None:
    """The terminal closed at 8 s (SystemExit from the SIGHUP handler): the session ends
    at that moment, partial, not at its last record; ending it again changes nothing."""
    time = FakeTime([])
    recorder = Recorder(
        history, routine=ROUTINE, content_hash=TINY_HASH, wall_clock=time.wall, warn=print
    )
    player = Player(build_timeline(ROUTINE), clock=time.clock, listeners=[recorder])

    def wait(timeout: float | None) -> Sequence[str]:
        if time.now >= 8.0:
            raise SystemExit(1)
        return time.wait(min(timeout or 1.0, 8.0 - time.now))

    with pytest.raises(SystemExit):
        player.run(wait)
    recorder.interrupted()
    time.now = 20.0
    recorder.interrupted()
    session = only_session(history)
    assert session.outcome is SessionOutcome.PARTIAL
    assert session.ended == T0 + timedelta(seconds=8)


def test_a_session_with_every_exercise_skipped_is_not_recorded(history: History) -> None:
    recorder, _, _ = play(history, [(0.5, "s"), (0.6, "s"), (0.7, "s")])
    assert history.sessions() == []  # reached the end, but no hold ever ended
    assert not recorder.recorded


def test_quit_before_the_first_hold_ended_leaves_nothing(history: History) -> None:
    first_hold = build_timeline(ROUTINE).segments[1]  # after the prepare
    recorder, _, _ = play(history, [(first_hold.start + first_hold.duration - 0.5, "q")])
    assert history.sessions() == []
    assert history.first_starts() == {}  # adherence does not start with a try-out
    assert not recorder.recorded


def test_skipped_exercises_before_the_first_hold_are_kept_once_one_ends(
    history: History,
) -> None:
    recorder, _, _ = play(history, [(0.5, "s")])  # skip the first, play the rest
    assert recorder.recorded
    session = only_session(history)
    assert [e.status for e in session.exercises] == [
        ExerciseStatus.SKIPPED,
        ExerciseStatus.DONE,
        ExerciseStatus.DONE,
    ]
    assert session.started == T0  # when the player started, not when it was written
    assert session.outcome is SessionOutcome.COMPLETED


def test_p_before_any_hold_ended_is_still_recorded(history: History) -> None:
    play(history, [(2.0, "p"), (3.0, "q")])  # in the first prepare: it hurts
    session = only_session(history)
    assert session.exercises[0].status is ExerciseStatus.STOPPED_FOR_PAIN
    assert session.exercises[0].holds_done == 0
    assert session.outcome is SessionOutcome.PARTIAL


def test_starting_later_in_the_routine_is_not_a_whole_session(history: History) -> None:
    play(history, start_at=1)
    session = only_session(history)
    assert session.outcome is SessionOutcome.PARTIAL
    assert [e.exercise_id for e in session.exercises] == ["squeeze", "ball"]
    assert [e.position for e in session.exercises] == [1, 2]


def test_going_back_into_an_exercise_keeps_one_record_for_it(history: History) -> None:
    # Squeeze starts at 23 s (no prepare of its own... it has the default 5 s).
    squeeze_start = (
        build_timeline(ROUTINE).segments[build_timeline(ROUTINE).first_of_exercise(1)].start
    )
    play(history, [(squeeze_start + 0.5, "b"), (squeeze_start + 0.6, "b")])
    session = only_session(history)
    assert [e.exercise_id for e in session.exercises] == ["rotation", "squeeze", "ball"]
    assert session.exercises[0].holds_done == 8
    assert session.outcome is SessionOutcome.COMPLETED


# -- the p key --------------------------------------------------------------------


def test_p_stops_the_exercise_shows_the_advice_and_waits_for_a_key(history: History) -> None:
    summaries: list[Summary] = []
    _, _, said = play(history, [(8.0, "p"), (50.0, "x")], summaries=summaries)
    assert said == [ADVICE.format(name="Rotation"), "<clear>"]
    [summary] = summaries
    assert [r.outcome for r in summary.results] == [Result.HURT, Result.DONE, Result.DONE]
    session = only_session(history)
    statuses = [e.status for e in session.exercises]
    assert statuses == [ExerciseStatus.STOPPED_FOR_PAIN, ExerciseStatus.DONE, ExerciseStatus.DONE]
    assert session.outcome is SessionOutcome.COMPLETED
    # The next exercise waited for the key: it started at 8 s and was held until 50 s.
    squeeze = session.exercises[1]
    assert squeeze.started == T0 + timedelta(seconds=8)
    assert squeeze.ended - squeeze.started == timedelta(
        seconds=42 + build_timeline(ROUTINE).exercise_total(1)
    )
    assert history.hurt_last_time("tiny") == ["rotation"]


def test_q_still_quits_after_p(history: History) -> None:
    summaries: list[Summary] = []
    _, player, said = play(history, [(8.0, "p"), (9.0, "q")], summaries=summaries)
    assert player.status().held_for_pain is False
    assert [r.outcome for r in summaries[0].results] == [
        Result.HURT,
        Result.STOPPED,
        Result.NOT_REACHED,
    ]
    session = only_session(history)
    assert session.outcome is SessionOutcome.PARTIAL
    assert [e.status for e in session.exercises] == [
        ExerciseStatus.STOPPED_FOR_PAIN,
        ExerciseStatus.STOPPED,
    ]
    assert said == [ADVICE.format(name="Rotation")]


def test_p_in_the_last_exercise_ends_the_routine(history: History) -> None:
    ball_start = build_timeline(ROUTINE).segments[-1].start
    _, player, said = play(history, [(ball_start + 1, "p")])
    assert said == []  # nothing to wait for: the summary follows
    assert player.status().held_for_pain is False
    session = only_session(history)
    assert session.exercises[-1].status is ExerciseStatus.STOPPED_FOR_PAIN
    assert session.outcome is SessionOutcome.COMPLETED


def test_p_is_a_built_in_key_before_quit_in_the_key_line() -> None:
    labels = [binding.label for binding in BINDINGS]
    assert labels.index("p") == labels.index("q") - 1
    [hurts] = [binding for binding in BINDINGS if binding.label == "p"]
    assert (hurts.short, hurts.action) == ("hurts", Player.this_hurts)


def test_p_without_history_still_stops_and_waits() -> None:
    time = FakeTime([(8.0, "p"), (20.0, "resize"), (30.0, "space")])
    said: list[str] = []
    pain = PainNotices(show=said.append, clear=lambda: said.append("<clear>"))
    player = Player(build_timeline(ROUTINE), clock=time.clock, listeners=[pain])
    summary = player.run(time.wait)
    assert not summary.quit
    assert said == [ADVICE.format(name="Rotation"), "<clear>"]


def test_exercises_that_hurt_last_time_are_flagged_as_they_come(history: History) -> None:
    _, _, said = play(history, hurt_last_time=["squeeze", "ball"])
    assert said == [FLAG.format(name="Squeeze"), FLAG.format(name="Ball")]


def test_the_flag_comes_back_after_the_advice(history: History) -> None:
    _, _, said = play(history, [(8.0, "p"), (9.0, "n")], hurt_last_time=["squeeze"])
    assert said == [
        FLAG.format(name="Squeeze"),  # entering squeeze (by p)
        ADVICE.format(name="Rotation"),
        FLAG.format(name="Squeeze"),  # the key press put the flag back
        "<clear>",  # leaving squeeze
    ]


# -- failures ---------------------------------------------------------------------


def test_a_failing_database_warns_once_and_the_player_goes_on(history: History) -> None:
    history.close()  # every write now fails
    warnings: list[str] = []
    recorder, _, _ = play(history, [(8.0, "p"), (9.0, "x")], warnings=warnings)
    assert recorder.failed
    assert len(warnings) == 1
    assert warnings[0].startswith("history: recording stopped: ")
    recorder.record_pain_after(3)  # ignored
    assert len(warnings) == 1


def test_a_write_failing_mid_session_stops_recording(
    history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise HistoryError("disk full")

    monkeypatch.setattr(history, "record_exercise", broken)
    warnings: list[str] = []
    recorder, _, _ = play(history, warnings=warnings)
    assert warnings == ["history: recording stopped: disk full"]
    session = only_session(history)
    assert session.exercises == ()
    assert session.outcome is SessionOutcome.PARTIAL  # the end was not written after the failure
    assert recorder.session_id == session.id


def test_no_pain_after_is_no_write(history: History) -> None:
    recorder, _, _ = play(history)
    recorder.record_pain_after(None)
    assert only_session(history).pain_after is None


# -- the check-in question --------------------------------------------------------


class Keys:
    def __init__(self, *batches: Sequence[str]) -> None:
        self.batches = list(batches)
        self.timeouts: list[float | None] = []

    def read(self, timeout: float | None) -> Sequence[str]:
        self.timeouts.append(timeout)
        return self.batches.pop(0) if self.batches else []


@pytest.mark.parametrize(
    ("batches", "answer", "echo"),
    [
        ((["4"],), 4, "4\n"),
        ((["0"],), 0, "0\n"),
        ((["x", "space"], ["7"]), 7, "7\n"),  # other keys are ignored
        ((["1", "0"],), 10, "10\n"),  # typed together
        ((["1"], ["0"]), 10, "10\n"),  # typed one after the other
        ((["1"], []), 1, "1\n"),  # no 0 came
        ((["1"], ["5"]), 1, "1\n"),
        ((["enter"],), None, "skipped\n"),
        ((["escape"],), None, "skipped\n"),
        (([], ["9"]), 9, "9\n"),
    ],
)
def test_pain_rating(batches: tuple[list[str], ...], answer: int | None, echo: str) -> None:
    written: list[str] = []
    assert pain_rating(Keys(*batches).read, written.append) == answer
    assert written == [QUESTION, echo]


def test_the_one_waits_briefly_for_a_zero() -> None:
    keys = Keys(["1"], [])
    pain_rating(keys.read, lambda _: None)
    assert keys.timeouts == [None, 0.8]


def test_ctrl_c_or_q_at_the_question_cancels() -> None:
    for key in ("ctrl-c", "q", "Q"):
        written: list[str] = []
        with pytest.raises(CheckInCancelled) as cancelled:
            pain_rating(Keys([key]).read, written.append)
        assert written == [QUESTION, "\n"]
        assert cancelled.value.key == key.lower()


def test_a_failure_while_quitting_skips_the_end(
    history: History, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise HistoryError("disk full")

    monkeypatch.setattr(history, "record_exercise", broken)
    warnings: list[str] = []
    play(history, [(8.0, "q")], warnings=warnings)
    assert warnings == ["history: recording stopped: disk full"]
    assert only_session(history).ended is None


def test_p_after_the_end_does_nothing() -> None:
    time = FakeTime()
    said: list[str] = []
    pain = PainNotices(show=said.append, clear=lambda: None)
    player = Player(build_timeline(ROUTINE), clock=time.clock, listeners=[pain])
    summary = player.run(time.wait)
    player.this_hurts()
    assert said == []
    assert player.summary is summary
    assert summary.count(Result.HURT) == 0
