"""Spoken cues: phrases from the player's events, a speaker that never blocks, real espeak-ng."""

from __future__ import annotations

import shutil
import subprocess
import time
import wave
from collections.abc import Sequence
from pathlib import Path

import pytest
from fakes import FakeTime

from backpain_cli.player.announcer import Announcements
from backpain_cli.player.engine import Player
from backpain_cli.player.speech import (
    NO_SPEECH_NOTICE,
    SPEECH_FAILED_NOTICE,
    CommandSpeaker,
    SpeechProgram,
    find_speech_program,
    make_speaker,
    spoken_duration,
)
from backpain_cli.player.turns import Priority, Utterance
from backpain_cli.routines.model import Exercise, Routine, Side
from backpain_cli.routines.timeline import build_timeline

STRETCH = Exercise(
    id="rhomboid",
    name="Rhomboid stretch",
    instructions=("Round your back.",),
    hold=30,
    reps=2,
    sides=(Side.LEFT, Side.RIGHT),
    rest=5,
    prepare=3,
)
SQUEEZE = Exercise(
    id="squeeze",
    name="Scapular squeeze",
    instructions=("Squeeze.",),
    hold=3,
    reps=2,
    sets=2,
    rest=2,
    set_rest=4,
    prepare=0,
)
ROUTINE = Routine(name="r", title="R", exercises=(STRETCH, SQUEEZE))


class FakeAnnouncer:
    """What `Announcements` asks of the announcer, written down with the time."""

    def __init__(self, time: FakeTime) -> None:
        self.time = time
        self.said: list[str] = []
        self.asked: list[Utterance] = []

    def clock(self) -> float:
        return self.time.now

    def say(self, utterance: Utterance) -> None:
        self.asked.append(utterance)
        self.said.append(f"{self.time.now:g} {utterance.text or utterance.sound}")

    def stop(self) -> None:
        self.said.append(f"{self.time.now:g} (stop)")


def _announced(keys: Sequence[tuple[float, str]] = (), routine: Routine = ROUTINE) -> FakeAnnouncer:
    clock = FakeTime(keys)
    announcer = FakeAnnouncer(clock)
    cues = Announcements(announcer, sound=False, voice=True)  # type: ignore[arg-type]
    player = Player(build_timeline(routine), clock=clock.clock, listeners=[cues])
    player.run(clock.wait)
    return announcer


def _play(keys: Sequence[tuple[float, str]] = (), routine: Routine = ROUTINE) -> list[str]:
    return _announced(keys, routine).said


def test_the_phrases_of_a_whole_routine() -> None:
    assert _play() == [
        "0 Get ready: Rhomboid stretch",
        "3 Rhomboid stretch, left side, hold 30 seconds",
        "23 10 seconds left",
        "33 Switch sides",
        "38 Right side, hold",
        "58 10 seconds left",
        "68 Switch sides",
        "73 Left side, hold",
        "93 10 seconds left",
        "103 Switch sides",
        "108 Right side, hold",
        "128 10 seconds left",
        "138 Scapular squeeze, hold 3 seconds",
        "141 Rest",
        "143 Hold",
        "146 Set 1 done. Rest 4 seconds.",
        "150 Set 2 of 2. Hold",
        "153 Rest",
        "155 Hold",
        "158 Routine complete. Well done.",
    ]


def test_pause_mute_skip_and_quit() -> None:
    said = _play([(10, "space"), (12, "space"), (14, "m"), (26, "m"), (27, "s"), (31, "q")])
    assert said == [
        "0 Get ready: Rhomboid stretch",
        "3 Rhomboid stretch, left side, hold 30 seconds",
        "10 Paused",
        "12 Go on",
        "14 (stop)",  # muted until 26: "10 seconds left" (at 25) is not said
        "27 (stop)",  # s: what was being said is cut off
        "27 Scapular squeeze, hold 3 seconds",  # skipped on to the next exercise
        "30 Rest",
        "31 (stop)",
        "31 (stop)",  # the segment ended, then the routine: nothing more is said
    ]


def test_phrases_that_name_the_exercise_or_the_side_are_never_cut() -> None:
    priorities = {(u.text, u.priority) for u in _announced().asked}
    names = {text for text, priority in priorities if priority is Priority.NAME}
    remarks = {text for text, priority in priorities if priority is Priority.REMARK}
    assert names == {
        "Get ready: Rhomboid stretch",
        "Rhomboid stretch, left side, hold 30 seconds",
        "Switch sides",
        "Right side, hold",
        "Left side, hold",
        "Scapular squeeze, hold 3 seconds",
        "Hold",
        "Set 2 of 2. Hold",
    }
    assert remarks == {"10 seconds left", "Rest", "Set 1 done. Rest 4 seconds."}
    assert ("Routine complete. Well done.", Priority.ENDING) in priorities
    waits = {u.text: u.wait for u in _announced().asked}
    assert waits["10 seconds left"] == 1.0  # later, it would be wrong
    assert waits["Rest"] == pytest.approx(2 - 1 / 2.7)  # a 2 s rest, less the word
    assert waits["Set 1 done. Rest 4 seconds."] == pytest.approx(4 - 6 / 2.7)
    assert waits["Rhomboid stretch, left side, hold 30 seconds"] is None  # never dropped
    long_rest = Exercise(
        id="rest", name="Rest", instructions=("Rest.",), hold=2, reps=2, rest=20, prepare=0
    )
    asked = _announced(routine=Routine("r", "R", (long_rest,))).asked
    assert [u.wait for u in asked if u.text == "Rest"] == [3.0]  # the most any remark waits


def test_quit_stops_speaking() -> None:
    said = _play([(5, "q")])
    assert said == [
        "0 Get ready: Rhomboid stretch",
        "3 Rhomboid stretch, left side, hold 30 seconds",
        "5 (stop)",
        "5 (stop)",
    ]


def test_set_rest_before_a_side_switch_says_so() -> None:
    sided_sets = Exercise(
        id="turn",
        name="Turn",
        instructions=("Turn.",),
        hold=2,
        reps=1,
        sets=2,
        sides=(Side.LEFT, Side.RIGHT),
        rest=0,
        set_rest=3,
        prepare=0,
    )
    assert _play(routine=Routine("t", "T", (sided_sets,))) == [
        "0 Turn, left side, hold 2 seconds",
        "2 Right side, hold",
        "4 Set 1 done. Rest 3 seconds. Then switch sides.",
        "7 Set 2 of 2. Left side, hold",
        "9 Right side, hold",
        "11 Routine complete. Well done.",
    ]


def test_spoken_duration() -> None:
    assert spoken_duration(1) == "1 second"
    assert spoken_duration(30) == "30 seconds"
    assert spoken_duration(60) == "1 minute"
    assert spoken_duration(125) == "2 minutes 5 seconds"
    assert spoken_duration(61) == "1 minute 1 second"


# -- finding and running the speech program -------------------------------------------


def _which(found: set[str]):  # type: ignore[no-untyped-def]
    return lambda name: f"/usr/bin/{name}" if name in found else None


def test_find_speech_program() -> None:
    everything = _which({"espeak-ng", "espeak", "spd-say", "say"})
    assert find_speech_program(platform="linux", which=everything) == SpeechProgram(
        "espeak-ng", ("/usr/bin/espeak-ng", "-s", "160")
    )
    assert find_speech_program(platform="linux", which=_which({"espeak", "spd-say"})) == (
        SpeechProgram("espeak", ("/usr/bin/espeak", "-s", "160"))
    )
    assert find_speech_program(platform="linux", which=_which({"spd-say"})) == SpeechProgram(
        "spd-say", ("/usr/bin/spd-say", "-w"), ("/usr/bin/spd-say", "-C")
    )
    assert find_speech_program(platform="darwin", which=everything) == SpeechProgram(
        "say", ("/usr/bin/say", "-r", "190")
    )
    assert find_speech_program(platform="linux", which=_which({"say"})) is None
    assert find_speech_program(platform="darwin", which=_which({"espeak-ng"})) is None


class FakeProcess:
    def __init__(self, argv: Sequence[str], log: list[str]) -> None:
        self.argv = list(argv)
        self.log = log
        self.finished = False

    def poll(self) -> int | None:
        return 0 if self.finished else None

    def terminate(self) -> None:
        self.log.append(f"terminate {self.argv[-1]}")
        self.finished = True


def test_a_phrase_is_said_in_the_background_until_it_ends_or_is_stopped() -> None:
    log: list[str] = []
    spawned: list[FakeProcess] = []

    def spawn(argv: Sequence[str]) -> FakeProcess:
        log.append("spawn " + " ".join(argv))
        spawned.append(FakeProcess(argv, log))
        return spawned[-1]

    notices: list[str] = []
    speaker = CommandSpeaker(
        SpeechProgram("espeak-ng", ("espeak-ng",)), notify=notices.append, spawn=spawn
    )
    rest = speaker.start("  Switch   sides ")
    assert rest is not None and rest.is_alive()
    spawned[-1].finished = True  # said to the end
    assert not rest.is_alive()
    rest.stop()  # over already: nothing to stop
    hold = speaker.start("--hold")  # never taken for an option
    assert hold is not None
    hold.stop()
    assert not hold.is_alive()
    assert speaker.start("") is None
    assert speaker.start("  ") is None
    assert log == ["spawn espeak-ng Switch sides", "spawn espeak-ng hold", "terminate hold"]
    assert notices == []


def test_stop_cancels_a_speech_daemon() -> None:
    calls: list[list[str]] = []

    def spawn(argv: Sequence[str]) -> FakeProcess:
        calls.append(list(argv))
        if argv[-1] == "-C":
            raise OSError("gone")  # a failing cancel is ignored
        return FakeProcess(argv, [])

    program = SpeechProgram("spd-say", ("spd-say", "-w"), ("spd-say", "-C"))
    speaker = CommandSpeaker(program, notify=print, spawn=spawn)
    handle = speaker.start("Rest")
    assert handle is not None
    handle.stop()
    assert calls == [["spd-say", "-w", "Rest"], ["spd-say", "-C"]]


def test_a_program_that_cannot_run_is_reported_once() -> None:
    notices: list[str] = []

    def spawn(argv: Sequence[str]) -> FakeProcess:
        raise PermissionError("no")

    speaker = CommandSpeaker(SpeechProgram("say", ("say",)), notify=notices.append, spawn=spawn)
    assert speaker.start("one") is None
    assert speaker.start("two") is None
    assert notices == [SPEECH_FAILED_NOTICE]


def test_make_speaker_says_once_when_there_is_no_speech_program() -> None:
    notices: list[str] = []
    assert make_speaker(platform="linux", which=_which(set()), notify=notices.append) is None
    assert notices == [NO_SPEECH_NOTICE]
    found = make_speaker(platform="linux", which=_which({"espeak-ng"}), notify=notices.append)
    assert isinstance(found, CommandSpeaker)
    assert notices == [NO_SPEECH_NOTICE]


def test_spoken_leaves_out_events_with_nothing_to_say() -> None:
    from backpain_cli.player.engine import Started, Status
    from backpain_cli.player.speech import spoken

    status = Status(build_timeline(ROUTINE), index=0, remaining=3, elapsed=0)
    assert spoken(Started(status), 0) is None


# -- the real thing -------------------------------------------------------------------

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None,
    reason="espeak-ng is not installed (apt-get install espeak-ng); .ci/run installs it as root",
)


@needs_espeak
def test_espeak_ng_speaks_a_phrase_of_plausible_length(tmp_path: Path) -> None:
    """espeak-ng writes the phrase to a WAV file: it must hold a few seconds of speech."""
    phrase = "Rhomboid stretch, left side, hold 30 seconds"
    out = tmp_path / "phrase.wav"
    subprocess.run(["espeak-ng", "-s", "160", "-w", str(out), phrase], check=True, timeout=30)
    with wave.open(str(out), "rb") as sound:
        seconds = sound.getnframes() / sound.getframerate()
        width = sound.getsampwidth()
        frames = sound.readframes(sound.getnframes())
    # About 2.5 words a second at 160 words a minute: 7 words take 2 to 5 seconds.
    assert 1.5 < seconds < 6.0, seconds
    assert width == 2
    samples = memoryview(frames).cast("h")
    loud = sum(1 for sample in samples if abs(sample) > 1000)
    assert loud > len(samples) * 0.05, "the file is (nearly) silent"
    short = tmp_path / "rest.wav"
    subprocess.run(["espeak-ng", "-s", "160", "-w", str(short), "Rest"], check=True, timeout=30)
    with wave.open(str(short), "rb") as sound:
        assert sound.getnframes() / sound.getframerate() < seconds / 2


@needs_espeak
def test_the_real_speaker_starts_each_phrase() -> None:
    found = find_speech_program(platform="linux", which=shutil.which)
    assert found is not None
    # -q: espeak-ng does all its work but plays nothing, so running the tests is quiet.
    program = SpeechProgram(found.name, (*found.argv, "-q"))
    notices: list[str] = []
    speaker = CommandSpeaker(program, notify=notices.append)
    handles = [
        speaker.start(phrase)
        for phrase in ("Rhomboid stretch, left side, hold 30 seconds", "Rest", "Switch sides")
    ]
    for handle in handles:
        assert handle is not None
        handle.stop()
    assert notices == []


def test_the_speaker_never_waits_for_a_phrase_to_end() -> None:
    """A speech program that takes ten seconds a phrase: three are started at once. (A
    speaker that waited would take thirty; the bound leaves room for a loaded machine.)"""
    slow = SpeechProgram("slow", ("sh", "-c", "exec sleep 10", "speech"))
    notices: list[str] = []
    speaker = CommandSpeaker(slow, notify=notices.append)
    started = time.monotonic()
    handles = [speaker.start(phrase) for phrase in ("Hold", "Rest", "Switch sides")]
    took = time.monotonic() - started
    for handle in handles:
        assert handle is not None
        handle.stop()
    assert took < 5, took
    assert notices == []
