"""The player on the real terminal, clock and sound: the one place a player is built.

`play` picks the screen (the live full screen, or one line per step with --plain, in a
pipe or on a dumb terminal), builds the sound, speech, pain notices and key reader
around it, runs the engine and prints the summary. `backpain start` calls it; tests
call it too.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

import click
from rich.console import Console

from backpain_cli.console import make_console
from backpain_cli.errors import BackpainError
from backpain_cli.player import keys as player_keys
from backpain_cli.player.engine import BINDINGS, Player, Started
from backpain_cli.player.live import LiveScreen, NoticeLine, live_display
from backpain_cli.player.pain import PainNotices
from backpain_cli.player.plain import PlainLog
from backpain_cli.player.summary import summary_view
from backpain_cli.player.words import missing_pictures_notice
from backpain_cli.routines.timeline import build_timeline
from backpain_cli.text import did_you_mean

if TYPE_CHECKING:
    from backpain_cli.config import Settings
    from backpain_cli.player.announcer import Announcer
    from backpain_cli.player.engine import Binding, Event, Listener, Summary, Wait
    from backpain_cli.player.events import Tracker
    from backpain_cli.player.keys import Keys
    from backpain_cli.player.rating import Ratings
    from backpain_cli.player.terminal_image import GetReadyPictures
    from backpain_cli.routines.model import Routine


class _Screen(NamedTuple):
    """The listener that shows the routine, where notices go, and the console that
    prints the summary afterwards."""

    listener: Listener
    notify: Callable[[str], None]
    console: Console


def play(
    routine: Routine,
    settings: Settings,
    *,
    start_at: int = 0,
    speed: float = 1.0,
    tracker: Tracker | None = None,
    clock: Callable[[], float] | None = None,
    ratings: Ratings | None = None,
) -> Summary:
    """Play `routine` from exercise `start_at` (0-based); print and return the summary.

    The player reads `settings.sound`, `chime`, `voice`, `images`, `prepare` and
    `plain` (the caller's decision: `--plain`, the config, or no screen to draw on).
    `speed` runs the clock faster (previews). `tracker` (the history) hears every event
    after sound and speech and before the screen; its warnings show on the notice line,
    exercises in its `hurt_last_time` are flagged as they come up, and with `recording`
    the summary says that exercises that hurt are flagged next time. `clock` is the real
    time in seconds (default `time.monotonic`; tests pass a fake one). `ratings`
    (`rate_each`) asks for a rating after each exercise, when keys can be read.

    Listeners, in order: sound, speech, the tracker, the pain notices, then the screen
    (last, so it draws what the others just did).
    """

    timeline = build_timeline(routine, prepare=settings.prepare_enabled, start_at=start_at)
    real_time = time.monotonic if clock is None else clock
    plain = settings.plain
    notice_line = NoticeLine()
    pain = PainNotices(
        show=notice_line.show,
        clear=notice_line.clear,
        hurt_last_time=tracker.hurt_last_time if tracker is not None else (),
    )
    tracking: list[Listener] = [] if tracker is None else [tracker]
    if tracker is not None:
        tracker.attach(notice_line.show)
    bindings = BINDINGS

    def routine_time() -> float:
        return real_time() * speed

    announcer: Announcer | None = None
    try:
        with player_keys.key_reader(stdin_fd()) as keys:
            wait = key_wait(keys, speed)
            if ratings is not None and keys.is_terminal:  # a person there to answer
                ratings.attach(notice_line.show, notice_line.clear)
                tracking.append(ratings)
                bindings, wait = ratings.bindings(BINDINGS), ratings.wait(wait)
            screens = _plain_screen if plain else _live_screen
            with screens(keys, bindings, notice_line, real_time) as screen:
                announcer, cues = _make_announcer(settings, screen.notify)
                missing = missing_pictures_notice(routine.warnings)
                if missing:
                    screen.notify(missing)
                pictures = None if plain or not settings.images else _pictures(routine, screen)
                around = [] if pictures is None else [pictures.first]  # before the screen
                drawn = [] if pictures is None else [pictures]  # after it
                # The sound thread starts once the first frame is drawn (see `_SoundAfter`).
                later = [] if announcer is None else [_SoundAfter(announcer)]
                everyone = [
                    *cues,
                    *tracking,
                    pain,
                    *around,
                    screen.listener,
                    *drawn,
                    *later,
                ]
                player = Player(
                    timeline, clock=routine_time, listeners=everyone, counts_reps=keys.is_terminal
                )
                summary = _run_calmly(player, wait, bindings)
            # The key reader is still open: a Ctrl-C while the summary is printed (or the
            # end sound rings out) is a key nobody reads, not an "Aborted!".
            recording = tracker is not None and tracker.recording
            view = summary_view(summary, hurt_flagged=recording, big=not plain, speed=speed)
            screen.console.print(view)
            if announcer is not None:
                announcer.close(RING_OUT)  # the end sound and words, one after the other
        return summary
    finally:
        if announcer is not None:
            announcer.close(0)


def key_wait(keys: Keys, speed: float) -> Wait:
    """The engine's `wait` on the key reader: its timeout is in routine seconds."""

    def wait(timeout: float | None) -> Sequence[str]:
        return keys.read(None if timeout is None else timeout / speed)

    return wait


@contextlib.contextmanager
def _plain_screen(
    keys: Keys,
    bindings: Sequence[Binding],
    notice_line: NoticeLine | None,
    clock: Callable[[], float],
) -> Iterator[_Screen]:

    log = PlainLog(
        click.echo,
        bindings=bindings,
        keys=keys.is_terminal,
        note=lambda line: click.echo(line, err=True),  # keeps stdout for the log
        notice_line=notice_line,
    )
    # rich loads now, not when the routine ends
    yield _Screen(log, log.notice, make_console(plain=True))


@contextlib.contextmanager
def _live_screen(
    keys: Keys,
    bindings: Sequence[Binding],
    notice_line: NoticeLine | None,
    clock: Callable[[], float],
) -> Iterator[_Screen]:

    console = Console(highlight=False, emoji=False)  # rich itself honours NO_COLOR
    with live_display(console, clock=clock, bindings=bindings, notice_line=notice_line) as screen:
        notify = merged_notices(screen.notice, clock=clock)  # sound's and speech's at once
        yield _Screen(screen, notify, console)


def _pictures(routine: Routine, screen: _Screen) -> GetReadyPictures | None:
    """The get-ready pictures, drawn after the live screen, where the terminal can."""

    live = screen.listener
    console = screen.console
    wanted = any(exercise.image for exercise in routine.exercises)
    if not wanted or not isinstance(live, LiveScreen) or image_protocol(os.environ) is None:
        return None
    from backpain_cli.player.terminal_image import GetReadyPictures  # only to draw one

    def write(codes: str) -> None:
        console.file.write(codes)
        console.file.flush()

    def screen_lines(event: object) -> tuple[list[str], int]:
        width, height = console.size
        frame = live.frame
        lines = [] if frame is None else frame.lines(console, width, height)
        return [line.plain for line in lines], width

    return GetReadyPictures(routine, write=write, screen_lines=screen_lines)


KITTY = "kitty"


def image_protocol(env: Mapping[str, str]) -> str | None:
    """`kitty` when the terminal speaks the kitty graphics protocol (kitty sets
    TERM=xterm-kitty and KITTY_WINDOW_ID, Ghostty TERM=xterm-ghostty), else None: not
    under tmux or screen, which do not pass images through."""
    term = env.get("TERM", "")
    if env.get("TMUX") or env.get("STY") or term.startswith(("screen", "tmux")):
        return None
    if term in ("xterm-kitty", "xterm-ghostty") or env.get("KITTY_WINDOW_ID"):
        return KITTY
    return None


def merged_notices(
    show: Callable[[str], None], *, clock: Callable[[], float] | None = None, window: float = 3.0
) -> Callable[[str], None]:
    """A notify that shows the notices of the last `window` seconds together: the screen
    keeps one notice, and sound and speech may both have one as the routine starts
    (sound's from its own thread)."""

    now = clock or time.monotonic
    recent: list[tuple[float, str]] = []
    lock = threading.Lock()

    def notify(message: str) -> None:
        with lock:
            at = now()
            recent[:] = [(when, text) for when, text in recent if at - when < window]
            recent.append((at, message))
            show("\n".join(text for _, text in recent))

    return notify


HUNG_UP = 129  # the exit status of a hang-up: 128 + SIGHUP (1)


def _run_calmly(player: Player, wait: Wait, bindings: Sequence[Binding] | None = None) -> Summary:
    """Play to the end; a Ctrl-C that interrupted whatever was running (KeyboardInterrupt:
    see `keys.STUCK_AFTER`) ends the routine like `q`, with a summary."""
    try:
        return player.run(wait, bindings)
    except KeyboardInterrupt:
        player.quit()
        if player.summary is None:  # interrupted before it began: nothing to sum up
            raise
        return player.summary
    except (SystemExit, OSError) as ending:
        # SIGTERM, SIGHUP, or a terminal gone without a word (EIO): what was played is
        # kept, the exercise under way as stopped, and the exit says it was a hang-up.
        hung_up = isinstance(ending, OSError) and ending.errno == errno.EIO
        if not (hung_up or isinstance(ending, SystemExit)):
            raise
        with contextlib.suppress(OSError):  # the screen is gone with its terminal
            player.quit()
        if hung_up:
            raise SystemExit(HUNG_UP) from None
        raise


def exercise_number(routine: Routine, reference: str | None) -> int:
    """0-based index of the `--from` exercise (id or 1-based number)."""

    if reference is None:
        return 0
    count = len(routine.exercises)
    if reference.isdigit():
        if 1 <= int(reference) <= count:
            return int(reference) - 1
        raise BackpainError(f"--from {reference}: {routine.name} has exercises 1 to {count}")
    index = routine.exercise_index(reference)
    if index is not None:
        return index

    ids = [exercise.id for exercise in routine.exercises]
    hint = did_you_mean(reference, ids) or f"; its exercises: {', '.join(ids)}"
    raise BackpainError(f"--from {reference}: no such exercise in {routine.name}{hint}")


def stdin_fd() -> int | None:
    try:
        return sys.stdin.fileno()
    except (AttributeError, ValueError, OSError):  # no stdin, or a test's stand-in
        return None


RING_OUT = 6.0
"""Seconds the end sound and the spoken ending may take after the summary is printed."""


def _make_announcer(
    settings: Settings, notify: Callable[[str], None]
) -> tuple[Announcer | None, list[Listener]]:
    """Sound and speech for this routine, on their thread (not started yet), and the
    listener that asks for them (none with neither)."""
    if not (settings.sound or settings.voice):
        return None, []

    from backpain_cli.player import announcer, sound, speech

    speaker = None
    if settings.voice:
        speaker = speech.make_speaker(platform=sys.platform, notify=notify)
    sounds = None
    if settings.sound:
        bell = sound.terminal_bell(sys.stdout, sys.stderr)
        notice = sound.NO_AUDIO_NOTICE if bell is not None else sound.NO_AUDIO_NO_BELL_NOTICE
        files = sound.bundled_sounds()
        if settings.chime is not None:  # checked by `start` before the routine starts
            files[sound.SoundName.CHIME] = settings.chime
        sounds = sound.SoundOutput(files, bell=bell, notify=notify, notice=notice)
    worker = announcer.Announcer(sounds=sounds, speaker=speaker)  # started by `_SoundAfter`
    cues = announcer.Announcements(worker, sound=settings.sound, voice=settings.voice)
    return worker, [cues]


class _SoundAfter:
    """The last listener: starts the sound thread with the first event after `Started`,
    once the screen has drawn the first frame. The thread loads the audio player first
    (playsound3 runs programs as it is imported, holding the interpreter for 50-90 ms);
    the first sound is seconds away, and what is asked for meanwhile waits its turn."""

    def __init__(self, announcer: Announcer) -> None:
        self._announcer: Announcer | None = announcer

    def handle(self, event: Event) -> None:
        if self._announcer is not None and not isinstance(event, Started):
            self._announcer.start()
            self._announcer = None
