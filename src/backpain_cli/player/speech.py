"""Spoken cues (`--voice`): what to say at each step, and the program that says it.

The 3-2-1 before an exercise is left to the sound ticks: spoken numbers would cut off
the phrase that names the exercise.

The phrases come from the player's events: "Rhomboid stretch, left side, hold 30
seconds", "rest", "switch sides", "10 seconds left". `spoken` turns an event into an
`Utterance` with its priority (a phrase that names the exercise or the side is a NAME,
never cut off; "Rest" or "10 seconds left" is a REMARK); `turns.py` decides when it is
heard. A phrase is spoken by the platform's speech command (espeak-ng, espeak or spd-say
on Linux, say on macOS) in a background process that ends when the phrase has been
said. Without a speech command it says so once and the routine goes on in silence.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from backpain_cli.player.events import (
    Event,
    Finished,
    Paused,
    Resumed,
    SegmentStarted,
    Status,
    Tick,
)
from backpain_cli.player.turns import REMARK_WAIT, Priority, Utterance
from backpain_cli.player.words import tempo_now
from backpain_cli.routines.timeline import Segment, SegmentKind

WARN_AT = 10  # "10 seconds left" in holds longer than `WARN_MIN_HOLD`
WARN_MIN_HOLD = 20

# One line each at 80 columns, like the sound notices.
NO_SPEECH_NOTICE = "voice: no speech program (espeak-ng, espeak, spd-say, say); cues shown only"
SPEECH_FAILED_NOTICE = "voice: the speech program could not be run; cues shown only"


@dataclass(frozen=True)
class SpeechProgram:
    """A speech command: `argv + [text]` speaks; `cancel` (if any) silences a daemon."""

    name: str
    argv: tuple[str, ...]
    cancel: tuple[str, ...] = ()


def find_speech_program(
    *, platform: str, which: Callable[[str], str | None]
) -> SpeechProgram | None:
    """The first speech command installed: `say` on macOS; espeak-ng, espeak, spd-say else."""
    if platform == "darwin":
        candidates: Sequence[tuple[str, tuple[str, ...], tuple[str, ...]]] = (
            ("say", ("-r", "190"), ()),
        )
    else:
        candidates = (
            ("espeak-ng", ("-s", "160"), ()),
            ("espeak", ("-s", "160"), ()),
            # speech-dispatcher speaks from a daemon: -w waits, so one phrase at a time,
            # and `spd-say -C` cancels what it is saying.
            ("spd-say", ("-w",), ("-C",)),
        )
    for name, options, cancel in candidates:
        path = which(name)
        if path is not None:
            return SpeechProgram(name, (path, *options), (path, *cancel) if cancel else ())
    return None


class _Process(Protocol):
    def poll(self) -> int | None: ...
    def terminate(self) -> None: ...


Spawn = Callable[[Sequence[str]], _Process]


def _spawn(argv: Sequence[str]) -> _Process:
    # No stdin (it must not steal the player's keys), no output (it would garble the
    # screen), and its own session (Ctrl-C is the player's to handle).
    return subprocess.Popen(
        list(argv),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


class SpeechHandle:
    """A phrase being said: ask whether it still is, or stop it."""

    def __init__(self, process: _Process, cancel: Callable[[], None]) -> None:
        self._process = process
        self._cancel = cancel

    def is_alive(self) -> bool:
        return self._process.poll() is None

    def stop(self) -> None:
        if self.is_alive():
            self._process.terminate()  # asks; never waits
            self._cancel()


class CommandSpeaker:
    """Says phrases through a speech program in a background process; never waits."""

    def __init__(
        self,
        program: SpeechProgram,
        *,
        notify: Callable[[str], None],
        spawn: Spawn = _spawn,
    ) -> None:
        self.program = program
        self._notify = notify
        self._spawn = spawn
        self._broken = False

    def start(self, text: str) -> SpeechHandle | None:
        """Start saying `text`: its handle, or None when there is nothing to wait for."""
        words = " ".join(text.split()).lstrip("-")  # never an option to the program
        if self._broken or not words:
            return None
        try:
            process = self._spawn([*self.program.argv, words])
        except OSError:
            self._broken = True
            self._notify(SPEECH_FAILED_NOTICE)
            return None
        return SpeechHandle(process, self._cancel)

    def _cancel(self) -> None:
        if self.program.cancel:
            with contextlib.suppress(OSError):
                self._spawn(self.program.cancel)


def make_speaker(
    *,
    platform: str,
    notify: Callable[[str], None],
    which: Callable[[str], str | None] | None = None,
    spawn: Spawn = _spawn,
) -> CommandSpeaker | None:
    """A speaker for this machine (its programs found by `which`, by default on the
    PATH), or None after saying (once) why there is none."""
    program = find_speech_program(platform=platform, which=which or shutil.which)
    if program is None:
        notify(NO_SPEECH_NOTICE)
        return None
    return CommandSpeaker(program, notify=notify, spawn=spawn)


# -- what to say ---------------------------------------------------------------------------


def spoken_duration(seconds: int) -> str:
    """`30 seconds`, `1 second`, `1 minute`, `2 minutes 5 seconds`."""
    minutes, secs = divmod(seconds, 60)
    parts = []
    if minutes:
        parts.append(f"{minutes} minute" + ("" if minutes == 1 else "s"))
    if secs or not minutes:
        parts.append(f"{secs} second" + ("" if secs == 1 else "s"))
    return " ".join(parts)


def segment_phrase(segment: Segment, *, upcoming_side_differs: bool, first_hold: bool) -> str:
    """What to say when a segment starts."""
    exercise = segment.exercise
    if segment.kind is SegmentKind.PREPARE:
        return f"Get ready: {exercise.name}"
    if segment.kind in (SegmentKind.MOVE, SegmentKind.SELF_PACED):
        return _movement_phrase(segment)
    if segment.kind is SegmentKind.HOLD:
        side = f"{segment.side.spoken}, " if segment.side else ""
        if first_hold:
            return f"{exercise.name}, {side}hold {spoken_duration(segment.duration)}"
        hold = f"{side}hold"
        hold = hold[0].upper() + hold[1:]
        first_side = exercise.sides[0] if exercise.sides else None
        if segment.set > 1 and segment.rep == 1 and segment.side is first_side:
            return f"Set {segment.set} of {exercise.sets}. {hold}"
        return hold
    if segment.kind is SegmentKind.SET_REST:
        switch = " Then switch sides." if upcoming_side_differs else ""
        return f"Set {segment.set} done. Rest {spoken_duration(segment.duration)}.{switch}"
    return "Switch sides" if upcoming_side_differs else "Rest"


def _movement_phrase(segment: Segment) -> str:
    """Said at the start of each run of a movement's reps; the reps themselves tick."""
    exercise = segment.exercise
    if segment.kind is SegmentKind.MOVE and segment.rep != 1:
        now = tempo_now(segment, 0.0)  # a rep in timed parts: its first part's words
        return now[1] if now is not None else ""
    side = f", {segment.side.spoken}" if segment.side else ""
    sets = f"Set {segment.set} of {exercise.sets}. " if segment.set > 1 else ""
    if segment.kind is SegmentKind.MOVE:
        phrase = f"{sets}{exercise.name}{side}: move, {exercise.reps} reps"
    else:
        phrase = f"{sets}{exercise.name}{side}: {exercise.reps} reps at your own pace"
    return phrase + (f". {exercise.tempo}" if exercise.tempo else "")


def _tempo_part_starting(segment: Segment, status: Status) -> str:
    """The words of a paced rep's part that begins at this second (`arch down`), or ""."""
    elapsed = segment.duration - status.shown_remaining
    now = tempo_now(segment, elapsed)
    if now is None or elapsed < 1 or tempo_now(segment, elapsed - 1) == now:
        return ""
    return now[1]


def spoken(event: Event, at: float) -> Utterance | None:
    """What to say for `event` (asked at time `at`), or None."""
    said = _phrase(event)
    if said is None or not said[0]:
        return None
    text, priority = said
    wait = None
    if text == TIME_LEFT:
        wait = TIME_LEFT_WAIT
    elif priority is Priority.REMARK and isinstance(event, SegmentStarted):
        # "Set 1 done. Rest 20 seconds." is worth waiting for only while it still fits
        # in the rest: started later, the next step's name would cut it off.
        fits = event.segment.duration - len(text.split()) / WORDS_PER_SECOND
        wait = min(REMARK_WAIT, max(0.0, fits))
    return Utterance(priority, at, text=text, wait=wait)


TIME_LEFT = f"{WARN_AT} seconds left"
TIME_LEFT_WAIT = 1.0  # later than this, "10 seconds left" would be wrong
WORDS_PER_SECOND = 2.7  # espeak-ng at 160 words a minute; say at 190 is faster


def _phrase(event: Event) -> tuple[str, Priority] | None:
    status = event.status
    if isinstance(event, SegmentStarted):
        segment = event.segment
        segments = status.timeline.segments
        first_hold = segment.kind is SegmentKind.HOLD and not any(
            earlier.kind is SegmentKind.HOLD and earlier.exercise_index == segment.exercise_index
            for earlier in segments[: event.index]
        )
        upcoming = status.upcoming_side
        differs = segment.side is not None and upcoming is not None and upcoming != segment.side
        phrase = segment_phrase(segment, upcoming_side_differs=differs, first_hold=first_hold)
        rests = segment.kind in (SegmentKind.REST, SegmentKind.SET_REST)
        # The exercise or the side: never cut off. A plain "Rest" may be.
        return phrase, Priority.REMARK if rests and not differs else Priority.NAME
    if isinstance(event, Tick):
        current = status.segment
        if (
            current is not None
            and current.kind is SegmentKind.HOLD
            and current.duration >= WARN_MIN_HOLD
            and status.shown_remaining == WARN_AT
            and not status.paused
        ):
            return TIME_LEFT, Priority.REMARK
        part = _tempo_part_starting(current, status) if current is not None else ""
        return (part, Priority.REMARK) if part else None
    if isinstance(event, Paused):
        return "Paused", Priority.REMARK
    if isinstance(event, Resumed):
        return "Go on", Priority.REMARK
    if isinstance(event, Finished):
        return "Routine complete. Well done.", Priority.ENDING
    return None
