"""Sounds for the player's cues: the bundled files, the cue table, and what plays them.

`CUE_SOUNDS` is the one table from cues to sounds. `SoundOutput` plays the bundled WAVs
(or a `--chime` file) with `playsound3`, which is imported on the announcer's thread when
the player starts (the import probes audio players by running subprocesses: 50-100 ms we
keep off the start-up path). Its logging is silenced; it is only ever handed local files
that exist (it would download URLs). Every play returns at once with a handle that can be
asked whether it still plays and stopped. With no audio player (or any error from one),
it falls back to the terminal bell and reports that once through `notify`. Which cue is
heard when is `turns.py`'s business, and `announcer.py` drives both.
"""

from __future__ import annotations

import contextlib
import enum
import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NamedTuple, Protocol

from backpain_cli.player.events import CueKind

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


class SoundHandle(Protocol):
    """What `playsound3.playsound(..., block=False)` returns."""

    def is_alive(self) -> bool: ...

    def stop(self) -> None: ...


PlayFile = Callable[[Path], SoundHandle]


class AudioPlayer(NamedTuple):
    """The program that plays sound files here, as playsound3 found it."""

    name: str  # as a person knows it: "gst-play-1.0 (GStreamer)"
    play: PlayFile


# playsound3's backends by the programs a person can install or look for.
PLAYER_NAMES = {
    "gstreamer": "gst-play-1.0 (GStreamer)",
    "ffplay": "ffplay (FFmpeg)",
    "afplay": "afplay (macOS)",
    "appkit": "AppKit (macOS)",
    "alsa": "aplay (ALSA)",
    "wmplayer": "Windows Media Player",
    "winmm": "winmm (Windows)",
}


def load_playsound() -> AudioPlayer | None:
    """`playsound3`'s non-blocking player, or None when it has no audio player here.

    Slow (it probes for players when imported): call it off the main thread.
    """

    logger = logging.getLogger("playsound3")
    if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
        logger.addHandler(logging.NullHandler())
    logger.propagate = False  # "No supported audio backends on this system!" stays quiet
    try:
        import playsound3
    except Exception:  # its probing runs programs; any failure there means no sound
        return None
    backend = playsound3.DEFAULT_BACKEND
    if backend is None:
        return None

    def play(path: Path) -> SoundHandle:
        # A Path, never a str: playsound3 downloads strings that look like URLs.
        return playsound3.playsound(path, block=False)

    return AudioPlayer(PLAYER_NAMES.get(backend, backend), play)


class _Stream(Protocol):
    def isatty(self) -> bool: ...

    def fileno(self) -> int: ...


def terminal_bell(*streams: _Stream) -> Callable[[], None] | None:
    """A bell rung on the first of `streams` that is a terminal; None when none is (never
    a BEL byte into a pipe or a file)."""
    fd = next((stream.fileno() for stream in streams if stream.isatty()), None)
    if fd is None:
        return None

    def bell() -> None:
        with contextlib.suppress(OSError):  # a terminal that has gone away
            os.write(fd, b"\a")

    return bell


class SoundOutput:
    """Plays the sound files, or rings the bell when it cannot.

    Used from one thread, the announcer's (`load` is slow). With no audio player (or
    any error from one) the set chime and the end sound ring the terminal bell (a bell
    per tick would be noise), and `notify` says so once.
    """

    def __init__(
        self,
        files: Mapping[SoundName, Path],
        *,
        bell: Callable[[], None] | None,
        notify: Callable[[str], None],
        load: Callable[[], AudioPlayer | None] = load_playsound,
        notice: str = NO_AUDIO_NOTICE,
    ) -> None:
        self._files = dict(files)
        self._bell = bell
        self._notify = notify
        self._load = load
        self._notice = notice
        self.player: AudioPlayer | None = None

    @property
    def rings_bell(self) -> bool:
        """Without an audio player, a terminal bell sounds for the chime and the end."""
        return self._bell is not None

    def load(self) -> None:
        try:
            self.player = self._load()
        except Exception:
            self.player = None
        if self.player is None:
            self._fail()

    def start(self, sound: SoundName) -> SoundHandle | None:
        """Start playing `sound` and return at once: its handle, or None when it could
        only ring the bell (or nothing)."""
        path = self._files.get(sound)
        if self.player is not None and path is not None and path.is_file():
            try:
                return self.player.play(path)
            except Exception:  # PlaysoundException, OSError, a broken player: bell from now on
                self.player = None
                self._fail()
        if sound in BELL_SOUNDS and self._bell is not None:
            self._bell()
        return None

    def _fail(self) -> None:
        # Said once: from now on `player` is None and every sound goes to the bell.
        self._notify(self._notice)


BELL_SOUNDS = frozenset({SoundName.CHIME, SoundName.END})
