"""One voice at a time: which cue is heard now, which waits its turn, which is dropped.

Sounds and spoken phrases share one queue, so a chime never lands on speech and a
phrase never lands on a chime. Each cue has a `Priority`:

- TICK (the 3-2-1 before an exercise, the end of a rep): heard at once or within
  0.15 s, else dropped: a late tick marks nothing.
- REMARK ("Rest", "Set 1 done", "10 seconds left", "Paused"): waits its turn (up to 3 s,
  or its own `wait`: a rest's words only while they still fit in the rest); any newer
  cue but a tick cuts it off while it is heard.
- CHIME (the end of a set): waits up to 3 s for what is being heard, then is dropped.
- NAME (the exercise and the side: "Rhomboid stretch, left side, hold 30 seconds"):
  never cut off and never dropped; a newer phrase only replaces it while it waits.
- ENDING (the end sound, then "Routine complete"): never cut off or dropped.

What waits is heard in the order it was asked for, so the end sound and the spoken
ending follow each other. A new phrase replaces phrases of its priority or lower that
still wait (they are out of date). Only `stop` (skip, back, quit, mute: the person's
own keys) cuts off everything.

Pure: the caller says what time it is and when what it started has finished, and
carries out the `Start` and `Cut` actions it gets back. `announcer.Announcer` does that
on its own thread, so the player's clock never waits for the queue.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from backpain_cli.player.sound import SoundName


class Priority(enum.IntEnum):
    TICK = 0
    REMARK = 1
    CHIME = 2
    NAME = 3
    ENDING = 4


REMARK_WAIT = 3.0
WAITS: dict[Priority, float | None] = {
    Priority.TICK: 0.15,
    Priority.REMARK: REMARK_WAIT,
    Priority.CHIME: 3.0,
    Priority.NAME: None,  # never dropped
    Priority.ENDING: None,
}
"""How long a cue may wait for its turn, in seconds, before it is dropped."""


@dataclass(frozen=True)
class Utterance:
    """One thing to be heard: a sound or a phrase, asked for at time `at`."""

    priority: Priority
    at: float
    sound: SoundName | None = None
    text: str = ""
    wait: float | None = None  # instead of `WAITS[priority]`

    def __post_init__(self) -> None:
        if (self.sound is None) == (not self.text):
            raise ValueError("an utterance is a sound or a phrase")

    def late(self, now: float) -> bool:
        """Waited too long to be worth hearing."""
        wait = WAITS[self.priority] if self.wait is None else self.wait
        return wait is not None and now - self.at > wait


@dataclass(frozen=True)
class Start:
    utterance: Utterance


@dataclass(frozen=True)
class Cut:
    """Stop what is being heard now."""


Action = Start | Cut


class Turns:
    """The queue: `ask` for a cue, say when the one heard has `finished`, or `stop`."""

    def __init__(self) -> None:
        self.playing: Utterance | None = None
        self._waiting: list[Utterance] = []

    @property
    def idle(self) -> bool:
        """Nothing heard and nothing waiting."""
        return self.playing is None and not self._waiting

    def ask(self, utterance: Utterance, now: float) -> list[Action]:
        if utterance.text:
            self._waiting = [
                waiting
                for waiting in self._waiting
                if not waiting.text
                or waiting.priority > utterance.priority
                or waiting.priority is Priority.ENDING
            ]
        self._waiting.append(utterance)
        playing = self.playing
        actions: list[Action] = []
        if (
            playing is not None
            and playing.priority is Priority.REMARK
            and utterance.priority > Priority.TICK
        ):
            actions.append(Cut())
            self.playing = None
        if self.playing is None:
            actions += self._next(now)
        return actions

    def finished(self, now: float) -> list[Action]:
        """What was heard has ended (on its own, or it could not start)."""
        self.playing = None
        return self._next(now)

    def stop(self) -> list[Action]:
        """Silence now: cut off what is heard and forget what waits."""
        self._waiting = []
        if self.playing is None:
            return []
        self.playing = None
        return [Cut()]

    def _next(self, now: float) -> list[Action]:
        self._waiting = [waiting for waiting in self._waiting if not waiting.late(now)]
        if not self._waiting:
            return []
        self.playing = self._waiting.pop(0)
        return [Start(self.playing)]
