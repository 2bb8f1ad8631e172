"""Sounds for the player's cues. Never blocks the timer, never crashes it.

`SoundCues` is the engine listener: it turns `Cue` events into sounds (`CUE_SOUNDS` is
the one table) and stops what is playing on skip, back, quit and mute. It plays through
a `Chime`:

- `AudioChime` plays the bundled WAVs with `playsound3`, which is imported in a
  background worker thread when the player starts (the import probes audio players by
  running subprocesses: 50-100 ms we keep off the start-up path). Its logging is
  silenced; it is only ever handed local files that exist (it would download URLs).
  Every play returns at once; the handles are kept so skip, quit and mute can stop them.
  With no audio player (or any error from one), it falls back to the terminal bell and
  reports that once through `notify`.
- `BellChime` rings the terminal bell for the set chime and the end sound (a bell per
  tick would be noise).
- `SilentChime` for `--no-sound`.
"""

from __future__ import annotations

import contextlib
import enum
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Protocol

from backpain_cli.player.engine import (
    Cue,
    CueKind,
    EndReason,
    Event,
    MuteChanged,
    Quit,
    SegmentEnded,
)

SOUNDS_DIR = Path(__file__).parent / "sounds"

NO_AUDIO_NOTICE = "sound: no audio player found; using the terminal bell (--no-sound: silence)"
NO_AUDIO_NO_BELL_NOTICE = "sound: no audio player found and no terminal for a bell; no sound"


class SoundName(enum.Enum):
    CHIME = "chime"  # end of a set
    END = "end"  # end of the routine: gentler
    TICK = "tick"  # soft: 3-2-1 before an exercise, end of each rep


CUE_SOUNDS: Mapping[CueKind, SoundName] = {
    CueKind.COUNTDOWN: SoundName.TICK,
    CueKind.REP_END: SoundName.TICK,
    CueKind.SET_END: SoundName.CHIME,
    CueKind.ROUTINE_END: SoundName.END,
    # SIDE_SWITCH has no sound of its own: the rep-end tick sounds at the same moment,
    # and the screen (or the voice) says which side is next.
}


def bundled_sounds() -> dict[SoundName, Path]:
    return {name: SOUNDS_DIR / f"{name.value}.wav" for name in SoundName}


class Chime(Protocol):
    def play(self, sound: SoundName) -> None:
        """Start playing and return at once."""

    def stop(self) -> None:
        """Stop whatever is playing."""

    def close(self, timeout: float) -> None:
        """Let what is playing finish (at most `timeout` seconds), then release everything."""


class SilentChime:
    def play(self, sound: SoundName) -> None:
        pass

    def stop(self) -> None:
        pass

    def close(self, timeout: float) -> None:
        pass


class BellChime:
    """The terminal bell, for the sounds that matter without looking: set and routine end."""

    def __init__(
        self,
        bell: Callable[[], None],
        sounds: frozenset[SoundName] = frozenset({SoundName.CHIME, SoundName.END}),
    ) -> None:
        self._bell = bell
        self._sounds = sounds

    def play(self, sound: SoundName) -> None:
        if sound in self._sounds:
            self._bell()

    def stop(self) -> None:
        pass

    def close(self, timeout: float) -> None:
        pass


class SoundHandle(Protocol):
    """What `playsound3.playsound(..., block=False)` returns."""

    def is_alive(self) -> bool: ...

    def stop(self) -> None: ...


PlayFile = Callable[[Path], SoundHandle]


def load_playsound() -> PlayFile | None:
    """`playsound3`'s non-blocking player, or None when it has no audio player here.

    Slow (it probes for players when imported): call it off the main thread.
    """
    import logging  # here, on the sound thread: not before the first frame

    logger = logging.getLogger("playsound3")
    if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
        logger.addHandler(logging.NullHandler())
    logger.propagate = False  # "No supported audio backends on this system!" stays quiet
    try:
        import playsound3
    except Exception:  # its probing runs programs; any failure there means no sound
        return None
    if playsound3.DEFAULT_BACKEND is None:
        return None

    def play(path: Path) -> SoundHandle:
        # A Path, never a str: playsound3 downloads strings that look like URLs.
        return playsound3.playsound(path, block=False)

    return play


class _Stop:
    pass


class _Close:
    def __init__(self, deadline: float) -> None:
        self.deadline = deadline


_Request = SoundName | _Stop | _Close


class AudioChime:
    """Plays sound files from a worker thread; falls back to `fallback` when it cannot.

    The worker also does the slow `load`. It lives as long as the player: processes
    started from a thread that ends are killed with it (playsound3 asks the kernel for
    that), so the thread stays until `close`.
    """

    def __init__(
        self,
        files: Mapping[SoundName, Path],
        *,
        fallback: Chime,
        notify: Callable[[str], None],
        load: Callable[[], PlayFile | None] = load_playsound,
        poll: float = 0.02,
        notice: str = NO_AUDIO_NOTICE,
    ) -> None:
        self._files = dict(files)
        self._fallback = fallback
        self._notify = notify
        self._load = load
        self._poll = poll
        self._notice = notice
        from queue import SimpleQueue  # only when there is sound to play

        self._requests: SimpleQueue[_Request] = SimpleQueue()
        self._handles: list[SoundHandle] = []
        self._play: PlayFile | None = None
        self._thread = threading.Thread(target=self._work, name="backpain-sound", daemon=True)

    def start(self) -> AudioChime:
        self._thread.start()
        return self

    def play(self, sound: SoundName) -> None:
        self._requests.put(sound)

    def stop(self) -> None:
        self._requests.put(_Stop())

    def close(self, timeout: float) -> None:
        self._requests.put(_Close(time.monotonic() + timeout))
        if self._thread.is_alive():
            self._thread.join(timeout + 1)

    # -- worker thread ---------------------------------------------------------------

    def _work(self) -> None:
        try:
            self._play = self._load()
        except Exception:
            self._play = None
        if self._play is None:
            self._fail()
        while True:
            request = self._requests.get()
            if isinstance(request, _Close):
                self._finish(request.deadline)
                return
            if isinstance(request, _Stop):
                self._stop_all()
            else:
                self._start(request)

    def _start(self, sound: SoundName) -> None:
        path = self._files.get(sound)
        if self._play is None or path is None or not path.is_file():
            self._fallback.play(sound)
            return
        self._handles = [handle for handle in self._handles if _alive(handle)]
        try:
            self._handles.append(self._play(path))
        except Exception:  # PlaysoundException, OSError, a broken player: bell from now on
            self._play = None
            self._fail()
            self._fallback.play(sound)

    def _fail(self) -> None:
        # Said once: from now on `_play` is None and every sound goes to the fallback.
        self._notify(self._notice)

    def _stop_all(self) -> None:
        for handle in self._handles:
            with contextlib.suppress(Exception):
                handle.stop()
        self._handles = []

    def _finish(self, deadline: float) -> None:
        while any(_alive(handle) for handle in self._handles) and time.monotonic() < deadline:
            time.sleep(self._poll)
        self._stop_all()


def _alive(handle: SoundHandle) -> bool:
    try:
        return handle.is_alive()
    except Exception:
        return False


class SoundCues:
    """Engine listener: cues become sounds; skip, back, quit and mute stop them."""

    def __init__(self, chime: Chime, sounds: Mapping[CueKind, SoundName] = CUE_SOUNDS) -> None:
        self.chime = chime
        self._sounds = sounds

    def handle(self, event: Event) -> None:
        if isinstance(event, Cue):
            sound = self._sounds.get(event.kind)
            if sound is not None and not event.status.muted:
                self.chime.play(sound)
        elif (
            (isinstance(event, SegmentEnded) and event.reason is not EndReason.COMPLETED)
            or isinstance(event, Quit)
            or (isinstance(event, MuteChanged) and event.status.muted)
        ):
            self.chime.stop()
