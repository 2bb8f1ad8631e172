"""The announcer's thread: the real queue driving fake players that last a few ms."""

from __future__ import annotations

import threading
import time

from backpain_cli.player.announcer import SILENCE, Announcer
from backpain_cli.player.sound import SoundName
from backpain_cli.player.turns import Priority, Utterance


class Playing:
    """A sound or phrase that lasts `seconds` of real time, unless stopped."""

    def __init__(self, what: str, seconds: float, log: list[str]) -> None:
        self.what = what
        self.until = time.monotonic() + seconds
        self.log = log
        log.append(f"start {what}")

    def is_alive(self) -> bool:
        alive = time.monotonic() < self.until
        if not alive and f"end {self.what}" not in self.log:
            self.log.append(f"end {self.what}")
        return alive

    def stop(self) -> None:
        self.log.append(f"stop {self.what}")
        self.until = 0


class Sounds:
    def __init__(self, log: list[str], seconds: float = 0.05) -> None:
        self.log = log
        self.seconds = seconds
        self.threads: list[str] = []

    def load(self) -> None:
        self.threads.append(threading.current_thread().name)

    def start(self, sound: SoundName) -> Playing | None:
        if sound is SoundName.TICK:
            return None  # e.g. only a bell, over at once
        return Playing(sound.value, self.seconds, self.log)


class Speaker:
    def __init__(self, log: list[str], seconds: float = 0.05) -> None:
        self.log = log
        self.seconds = seconds

    def start(self, text: str) -> Playing | None:
        if text == "broken":
            raise RuntimeError("the speech program fell over")
        return Playing(text, self.seconds, self.log)


def announcer(log: list[str], seconds: float = 0.05) -> tuple[Announcer, Sounds]:
    sounds = Sounds(log, seconds)
    speaker = Speaker(log, seconds)
    made = Announcer(sounds=sounds, speaker=speaker, poll=0.002)  # type: ignore[arg-type]
    return made.start(), sounds


def phrase(made: Announcer, text: str, priority: Priority = Priority.NAME) -> None:
    made.say(Utterance(priority, made.clock(), text=text))


def sound(made: Announcer, name: SoundName, priority: Priority = Priority.CHIME) -> None:
    made.say(Utterance(priority, made.clock(), sound=name))


def test_one_at_a_time_in_order_and_close_lets_the_queue_finish() -> None:
    log: list[str] = []
    made, sounds = announcer(log)
    phrase(made, "Squeeze, hold 3 seconds")
    sound(made, SoundName.CHIME)
    phrase(made, "Set 1 done", Priority.REMARK)
    sound(made, SoundName.END, Priority.ENDING)
    phrase(made, "Routine complete", Priority.ENDING)  # "Set 1 done" is out of date now
    started = time.monotonic()
    made.close(5)
    assert time.monotonic() - started < 2
    assert log == [
        "start Squeeze, hold 3 seconds",
        "end Squeeze, hold 3 seconds",
        "start chime",
        "end chime",
        "start end",
        "end end",
        "start Routine complete",
        "end Routine complete",
    ]
    assert sounds.threads == ["backpain-sound"]  # loaded off the player's thread


def test_asking_never_waits_for_what_is_heard() -> None:
    log: list[str] = []
    made, _ = announcer(log, seconds=10)
    started = time.monotonic()
    for _ in range(50):
        phrase(made, "Hold")
    # Fifty phrases of ten seconds: waiting for one would take ten seconds.
    assert time.monotonic() - started < 2
    made.stop()
    made.close(0)


def test_stop_cuts_off_and_close_stops_what_runs_too_long() -> None:
    log: list[str] = []
    made, _ = announcer(log, seconds=10)
    phrase(made, "Get ready: Turn")
    made.stop()
    sound(made, SoundName.END, Priority.ENDING)
    made.close(0.05)
    assert log == ["start Get ready: Turn", "stop Get ready: Turn", "start end", "stop end"]


def test_a_sound_over_at_once_or_a_broken_player_lets_the_next_one_start() -> None:
    log: list[str] = []
    made, _ = announcer(log)
    sound(made, SoundName.TICK, Priority.TICK)  # nothing to wait for
    phrase(made, "broken")  # raises: as if it had been said
    phrase(made, "Rest", Priority.REMARK)
    made.close(5)
    assert log == ["start Rest", "end Rest"]


def test_without_sounds_or_speaker_nothing_is_heard() -> None:
    made = Announcer(sounds=None, speaker=None, poll=0.002).start()
    sound(made, SoundName.CHIME)
    phrase(made, "Hold")
    started = time.monotonic()
    made.close(1)
    assert time.monotonic() - started < 1  # nothing to wait for


def test_a_handle_that_raises_counts_as_over() -> None:
    log: list[str] = []

    class Broken(Playing):
        def is_alive(self) -> bool:
            raise ProcessLookupError

        def stop(self) -> None:
            raise ProcessLookupError

    class BrokenSounds(Sounds):
        def start(self, sound: SoundName) -> Playing:
            return Broken(sound.value, 10, self.log)

    made = Announcer(sounds=BrokenSounds(log), speaker=None, poll=0.002)  # type: ignore[arg-type]
    made.start()
    sound(made, SoundName.CHIME)
    sound(made, SoundName.END, Priority.ENDING)
    made.stop()
    made.close(1)
    assert log[:2] == ["start chime", "start end"]


def test_close_before_start_returns() -> None:
    Announcer(sounds=None, speaker=None).close(0)
    SILENCE.stop()  # nothing to stop
    assert not SILENCE.is_alive()
