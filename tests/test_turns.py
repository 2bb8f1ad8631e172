"""One voice at a time: the queue's rules on a fake clock, then whole routines with sound
and voice played through it, every sound and phrase lasting as long as the real one."""

from __future__ import annotations

import dataclasses
import itertools
import wave
from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from fakes import TINY, FakeTime

from backpain_cli.player.announcer import Announcements
from backpain_cli.player.engine import Player
from backpain_cli.player.sound import SoundName, bundled_sounds
from backpain_cli.player.turns import Cut, Priority, Start, Turns, Utterance
from backpain_cli.routines.model import Exercise, Routine
from backpain_cli.routines.timeline import build_timeline


def tick(at: float) -> Utterance:
    return Utterance(Priority.TICK, at, sound=SoundName.TICK)


def chime(at: float) -> Utterance:
    return Utterance(Priority.CHIME, at, sound=SoundName.CHIME)


def end(at: float) -> Utterance:
    return Utterance(Priority.ENDING, at, sound=SoundName.END)


def say(text: str, at: float, priority: Priority = Priority.NAME) -> Utterance:
    return Utterance(priority, at, text=text)


def test_an_utterance_is_a_sound_or_a_phrase() -> None:
    with pytest.raises(ValueError, match="a sound or a phrase"):
        Utterance(Priority.TICK, 0)
    with pytest.raises(ValueError, match="a sound or a phrase"):
        Utterance(Priority.TICK, 0, sound=SoundName.TICK, text="tick")


def test_what_is_asked_for_in_silence_starts_at_once() -> None:
    turns = Turns()
    assert turns.idle
    first = tick(0)
    assert turns.ask(first, 0.01) == [Start(first)]
    assert turns.playing == first and not turns.idle
    assert turns.finished(0.05) == []
    assert turns.idle


def test_a_chime_waits_for_the_name_and_is_heard_after_it() -> None:
    turns = Turns()
    name = say("Squeeze, hold 3 seconds", 0)
    turns.ask(name, 0)
    ring = chime(3.0)
    assert turns.ask(ring, 3.0) == []  # never on top of speech, never cuts the name
    rest = say("Set 1 done. Rest 5 seconds.", 3.0, Priority.REMARK)
    assert turns.ask(rest, 3.0) == []
    assert turns.finished(3.2) == [Start(ring)]  # in the order asked: chime, then words
    assert turns.finished(4.4) == [Start(rest)]


def test_a_late_tick_is_dropped_a_chime_waits_up_to_three_seconds() -> None:
    turns = Turns()
    turns.ask(say("Get ready: Rhomboid stretch (long sitting)", 0), 0)
    turns.ask(tick(2.0), 2.0)
    assert turns.finished(2.16) == []  # 0.16 s late: the tick marks nothing now
    turns.ask(say("Rhomboid stretch, hold 30 seconds", 3.0), 3.0)
    turns.ask(chime(33.0), 33.0)
    assert turns.finished(36.01) == []  # the chime waited too long
    turns.ask(chime(40.0), 40.0)
    turns.ask(say("x", 40.1), 40.1)
    assert turns.finished(41.0) == [Start(say("x", 40.1))]
    turns.ask(chime(50.0), 50.0)
    assert turns.finished(52.9) == [Start(chime(50.0))]  # just in time


def test_a_name_is_never_dropped_however_long_it_waits() -> None:
    turns = Turns()
    turns.ask(end(0), 0)
    name = say("Get ready: Squeeze", 0.1)
    turns.ask(name, 0.1)
    assert turns.finished(60) == [Start(name)]


def test_a_remark_is_cut_off_by_any_newer_cue_but_a_tick() -> None:
    turns = Turns()
    rest = say("Rest", 0, Priority.REMARK)
    assert turns.ask(rest, 0) == [Start(rest)]
    assert turns.ask(tick(0.2), 0.2) == []  # waits its 0.15 s, then is dropped
    name = say("Right side, hold", 1.0)
    assert turns.ask(name, 1.0) == [Cut(), Start(name)]
    assert turns.ask(say("10 seconds left", 20, Priority.REMARK), 20) == []  # a name is not cut
    turns.finished(20.5)
    ring = chime(21)
    assert turns.ask(ring, 21) == [Cut(), Start(ring)]


def test_a_newer_phrase_replaces_an_older_one_that_still_waits() -> None:
    turns = Turns()
    turns.ask(end(0), 0)
    turns.ask(say("Paused", 0.1, Priority.REMARK), 0.1)
    turns.ask(say("Go on", 0.2, Priority.REMARK), 0.2)  # "Paused" is out of date
    name = say("Get ready: Turn", 0.3)
    turns.ask(name, 0.3)  # a name replaces remarks and names that wait
    turns.ask(say("Rest", 0.4, Priority.REMARK), 0.4)  # but a remark does not replace it
    assert turns.finished(2.5) == [Start(name)]
    assert turns.finished(3.3) == [Start(say("Rest", 0.4, Priority.REMARK))]


def test_the_end_sound_and_the_spoken_ending_follow_each_other() -> None:
    turns = Turns()
    sound = end(10)
    words = say("Routine complete. Well done.", 10, Priority.ENDING)
    assert turns.ask(sound, 10) == [Start(sound)]
    assert turns.ask(words, 10) == []
    turns.ask(say("Rest", 10.1, Priority.REMARK), 10.1)  # never replaces the ending
    assert turns.finished(12.3) == [Start(words)]


def test_stop_cuts_off_everything_even_a_name() -> None:
    turns = Turns()
    assert turns.stop() == []
    turns.ask(say("Squeeze, hold 3 seconds", 0), 0)
    turns.ask(chime(0.1), 0.1)
    assert turns.stop() == [Cut()]
    assert turns.idle


# -- whole routines through the queue --------------------------------------------------


def sound_seconds() -> dict[SoundName, float]:
    lengths = {}
    for name, path in bundled_sounds().items():
        with wave.open(str(path)) as file:
            lengths[name] = file.getnframes() / file.getframerate()
    return lengths


SOUND_SECONDS = sound_seconds()
STARTUP = 0.1  # a player process starts and finishes around the sound itself


def seconds(utterance: Utterance) -> float:
    """As long as the real thing: the WAV's length, espeak-ng's pace (2.7 words a second)."""
    if utterance.sound is not None:
        return SOUND_SECONDS[utterance.sound] + STARTUP
    return len(utterance.text.split()) / 2.7 + STARTUP + 0.3


@dataclass
class Heard:
    utterance: Utterance
    start: float
    end: float
    cut: bool = False


class Simulated:
    """The announcer on the player's fake clock: each utterance lasts `seconds`."""

    def __init__(self, time: FakeTime) -> None:
        self.time = time
        self.turns = Turns()
        self.heard: list[Heard] = []

    def clock(self) -> float:
        return self.time.now

    def say(self, utterance: Utterance) -> None:
        self._catch_up(self.time.now)
        self._carry_out(self.turns.ask(utterance, self.time.now), self.time.now)

    def stop(self) -> None:
        self._catch_up(self.time.now)
        self._carry_out(self.turns.stop(), self.time.now)

    def drain(self) -> None:
        self._catch_up(float("inf"))

    def _catch_up(self, now: float) -> None:
        while self.turns.playing is not None and self.heard[-1].end <= now:
            over = self.heard[-1].end
            self._carry_out(self.turns.finished(over), over)

    def _carry_out(self, actions: Sequence[Cut | Start], now: float) -> None:
        for action in actions:
            if isinstance(action, Cut):
                self.heard[-1].end = now
                self.heard[-1].cut = True
            else:
                utterance = action.utterance
                self.heard.append(Heard(utterance, now, now + seconds(utterance)))


def simulate(
    routine: Routine, keys: Sequence[tuple[float, str]] = (), *, voice: bool = True
) -> list[Heard]:
    clock = FakeTime(keys)
    announcer = Simulated(clock)
    cues = Announcements(announcer, voice=voice)  # type: ignore[arg-type]
    Player(build_timeline(routine), clock=clock.clock, listeners=[cues]).run(clock.wait)
    announcer.drain()
    return announcer.heard


def overlaps(heard: Sequence[Heard]) -> list[tuple[str, str]]:
    return [
        (str(a.utterance), str(b.utterance))
        for a, b in itertools.pairwise(heard)
        if b.start < a.end - 1e-9
    ]


TWO_SETS = Routine(
    name="two",
    title="Two sets",
    exercises=(
        Exercise(
            id="squeeze",
            name="Scapular squeeze",
            instructions=("Squeeze.",),
            hold=3,
            sets=2,
            set_rest=5,
            prepare=0,
        ),
    ),
)


def test_a_two_set_routine_with_voice_is_heard_one_cue_at_a_time() -> None:
    heard = simulate(TWO_SETS)
    assert overlaps(heard) == []
    assert [(h.utterance.text or h.utterance.sound, round(h.start, 2)) for h in heard] == [
        ("Scapular squeeze, hold 3 seconds", 0),
        (SoundName.CHIME, 3.0),  # the set ended while the name was said: right after it
        ("Set 1 done. Rest 5 seconds.", 4.35),
        ("Set 2 of 2. Hold", 8.0),
        (SoundName.END, 11.0),
        ("Routine complete. Well done.", 13.35),  # the end sound, then the words
    ]
    assert not any(h.cut for h in heard)


def test_words_for_a_rest_too_short_to_hold_them_are_dropped_not_cut_off() -> None:
    (squeeze,) = TWO_SETS.exercises
    short = Routine("two", "Two", (dataclasses.replace(squeeze, set_rest=2),))
    heard = simulate(short)
    assert overlaps(heard) == []
    assert [h.utterance.text or h.utterance.sound for h in heard] == [
        "Scapular squeeze, hold 3 seconds",
        SoundName.CHIME,
        "Set 2 of 2. Hold",  # "Set 1 done. Rest 2 seconds." did not fit after the chime
        SoundName.END,
        "Routine complete. Well done.",
    ]
    assert not any(h.cut for h in heard)


def test_every_name_is_heard_whole_in_a_routine_of_every_kind_of_step() -> None:
    heard = simulate(TINY)
    assert overlaps(heard) == []
    names = [h for h in heard if h.utterance.priority is Priority.NAME]
    assert names and not any(h.cut for h in names)
    asked = simulate(TINY, voice=False)  # sounds alone: every one at its moment
    assert overlaps(asked) == []
    assert all(h.start == h.utterance.at for h in asked)
    kinds = {h.utterance.sound for h in asked}
    assert kinds == {SoundName.TICK, SoundName.CHIME, SoundName.END}


def test_quitting_cuts_off_what_is_said_and_plays_the_end_sound() -> None:
    heard = simulate(TWO_SETS, [(1.0, "q")])
    assert [(h.utterance.text or h.utterance.sound, h.cut) for h in heard] == [
        ("Scapular squeeze, hold 3 seconds", True),
        (SoundName.END, False),
    ]
    muted = simulate(TWO_SETS, [(1.0, "m"), (1.5, "q")])
    assert [h.utterance.sound for h in muted if h.utterance.sound] == []
