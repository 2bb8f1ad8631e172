"""What the player says and sounds, one cue at a time, on a thread of its own.

`Announcements` is the engine listener: it turns cues into sounds (`sound.CUE_SOUNDS`)
and, with `--voice`, events into phrases (`speech.spoken`), and hands them to the
`Announcer`. Skip, back, quit and mute silence it; quitting then plays the end sound, so
a person who is not looking hears that the routine is over.

The `Announcer` owns a worker thread that loads the audio player (slow: off the
start-up path), keeps the queue (`turns.Turns`), starts each sound or phrase when its
turn comes and watches it until it ends. Every call from the player's thread only
puts a request on a queue and returns: the clock never waits for sound.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Mapping
from queue import Empty, SimpleQueue
from typing import Protocol

from backpain_cli.player.events import (
    Cue,
    CueKind,
    EndReason,
    Event,
    MuteChanged,
    Quit,
    SegmentEnded,
)
from backpain_cli.player.sound import CUE_SOUNDS, SoundName, SoundOutput
from backpain_cli.player.speech import CommandSpeaker, spoken
from backpain_cli.player.turns import Action, Cut, Priority, Turns, Utterance

SOUND_PRIORITIES = {
    SoundName.TICK: Priority.TICK,
    SoundName.CHIME: Priority.CHIME,
    SoundName.END: Priority.ENDING,
}


class Handle(Protocol):
    """A sound or a phrase being heard."""

    def is_alive(self) -> bool: ...

    def stop(self) -> None: ...


class _Silence:
    """Nothing being heard."""

    def is_alive(self) -> bool:
        return False

    def stop(self) -> None:
        pass


SILENCE = _Silence()


class _Stop:
    pass


class _Close:
    def __init__(self, deadline: float) -> None:
        self.deadline = deadline


_Request = Utterance | _Stop | _Close


class Announcer:
    """Plays utterances through `sounds` and `speaker`, one at a time, from a worker
    thread. It lives as long as the player: processes started from a thread that ends
    are killed with it (playsound3 asks the kernel for that), so the thread stays until
    `close`."""

    def __init__(
        self,
        *,
        sounds: SoundOutput | None,
        speaker: CommandSpeaker | None,
        clock: Callable[[], float] = time.monotonic,
        poll: float = 0.02,
    ) -> None:
        self.sounds = sounds
        self.speaker = speaker
        self.clock = clock
        self._poll = poll
        self._requests: SimpleQueue[_Request] = SimpleQueue()
        self._turns = Turns()
        self._handle: Handle = SILENCE
        self._thread = threading.Thread(target=self._work, name="backpain-sound", daemon=True)

    def start(self) -> Announcer:
        self._thread.start()
        return self

    def say(self, utterance: Utterance) -> None:
        """Ask for `utterance` to be heard when its turn comes; returns at once."""
        self._requests.put(utterance)

    def stop(self) -> None:
        """Silence what is heard and what waits; returns at once."""
        self._requests.put(_Stop())

    def close(self, timeout: float) -> None:
        """Let what is heard and what waits finish (at most `timeout` seconds), then
        stop everything and end the thread."""
        self._requests.put(_Close(self.clock() + timeout))
        if self._thread.is_alive():
            self._thread.join(timeout + 1)

    # -- worker thread ---------------------------------------------------------------

    def _work(self) -> None:
        if self.sounds is not None:
            self.sounds.load()
        closing: _Close | None = None
        while True:
            request = self._next_request(closing is not None)
            now = self.clock()
            actions: list[Action] = []
            if not _alive(self._handle):  # what was heard is over (or nothing was)
                self._handle = SILENCE
                actions += self._turns.finished(now)
            if isinstance(request, Utterance):
                actions += self._turns.ask(request, now)
            elif isinstance(request, _Stop):
                actions += self._turns.stop()
            elif isinstance(request, _Close):
                closing = request
            self._carry_out(actions)
            if closing is not None and (self._turns.idle or now >= closing.deadline):
                self._carry_out(self._turns.stop())
                return

    def _next_request(self, closing: bool) -> _Request | None:
        waiting = closing or self._handle is not SILENCE
        try:
            return self._requests.get(timeout=self._poll if waiting else None)
        except Empty:
            return None

    def _carry_out(self, actions: list[Action]) -> None:
        while actions:
            action = actions.pop(0)
            if isinstance(action, Cut):
                self._cut()
            else:
                self._handle = self._begin(action.utterance)
                if self._handle is SILENCE:  # the bell, or nothing: over at once
                    actions += self._turns.finished(self.clock())

    def _begin(self, utterance: Utterance) -> Handle:
        handle: Handle | None = None
        with contextlib.suppress(Exception):  # a broken player must never stop the routine
            if utterance.sound is not None and self.sounds is not None:
                handle = self.sounds.start(utterance.sound)
            elif utterance.text and self.speaker is not None:
                handle = self.speaker.start(utterance.text)
        return SILENCE if handle is None else handle

    def _cut(self) -> None:
        handle, self._handle = self._handle, SILENCE
        with contextlib.suppress(Exception):  # a player already gone
            handle.stop()


def _alive(handle: Handle) -> bool:
    try:
        return handle.is_alive()
    except Exception:
        return False


class Announcements:
    """Engine listener: cues become sounds, events become phrases (with `voice`); the
    person's skip, back, quit and mute silence them."""

    def __init__(
        self,
        announcer: Announcer,
        *,
        sound: bool = True,
        voice: bool = False,
        sounds: Mapping[CueKind, SoundName] = CUE_SOUNDS,
    ) -> None:
        self.announcer = announcer
        self._sounds = sounds if sound else {}
        self._voice = voice

    def handle(self, event: Event) -> None:
        status = event.status
        if isinstance(event, Quit):
            self.announcer.stop()
            if not status.muted:
                self._sound(SoundName.END)
            return
        if (isinstance(event, SegmentEnded) and event.reason is not EndReason.COMPLETED) or (
            isinstance(event, MuteChanged) and status.muted
        ):
            self.announcer.stop()
            return
        if status.muted:
            return
        if isinstance(event, Cue):
            sound = self._sounds.get(event.kind)
            if sound is not None:
                self._sound(sound)
        if self._voice:
            phrase = spoken(event, self.announcer.clock())
            if phrase is not None:
                self.announcer.say(phrase)

    def _sound(self, sound: SoundName) -> None:
        if sound in self._sounds.values():
            priority = SOUND_PRIORITIES[sound]
            self.announcer.say(Utterance(priority, self.announcer.clock(), sound=sound))
