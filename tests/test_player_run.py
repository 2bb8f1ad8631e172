"""`run.play`, the player as `backpain start` builds it, on the live screen, in process:
its exact bytes on stdout read by a terminal emulator (terminal.py), keys typed into a
real pseudo-terminal on its stdin, and a fake clock that moves only when the player
waits. (test_player_e2e runs the whole program in a pseudo-terminal, out of process.)"""

from __future__ import annotations

import base64
import dataclasses
import os
import re
import select
import sys
import termios
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from fakes import TINY, FakeTime
from terminal import BLOCKS, Terminal, read_countdown

from backpain_cli.config import Settings, effective_settings
from backpain_cli.player import run as run_module
from backpain_cli.player.announcer import Announcer
from backpain_cli.player.engine import ExerciseOutcome, Summary, Wait
from backpain_cli.player.keys import Keys
from backpain_cli.player.sound import SoundName
from backpain_cli.player.summary import AFTERCARE
from backpain_cli.player.terminal_image import kitty_delete
from backpain_cli.player.turns import Priority, Utterance
from backpain_cli.routines.model import Routine

QUIET = effective_settings({}, {"sound": False, "check_in": False})
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20
PLACE = re.compile(rb"\x1b7\x1b\[(\d+);(\d+)H\x1b_Ga=T,f=100,i=7515,r=(\d+),C=1,q=2,m=1;")


@dataclasses.dataclass
class Seen:
    """The screen while the player waited at `now` (real seconds), and how many bytes it
    had written by then."""

    now: float
    rows: list[str]
    written: int

    def text(self) -> str:
        return "\n".join(self.rows)


class Typist:
    """Types keys into the player's terminal at scripted times (real seconds) of a fake
    clock that moves only when the player waits, and notes the screen at every wait:
    what a person sees while the player waits for the next second or key."""

    def __init__(
        self, terminal: Terminal, master: int, typed: Sequence[tuple[float, str]], speed: float
    ) -> None:
        self.terminal = terminal
        self.master = master
        self.speed = speed
        self.time = FakeTime(typed)
        self.seen: list[Seen] = []

    def wrap(self, read: Wait) -> Wait:
        def wait(timeout: float | None) -> Sequence[str]:  # routine seconds
            self.seen.append(Seen(self.time.now, self.terminal.rows(), len(self.terminal.written)))
            typed = self.time.wait(None if timeout is None else timeout / self.speed)
            if not typed:
                return []
            os.write(self.master, typed[0].encode())
            return read(5.0 * self.speed)  # the key reader reads what was typed, at once

        return wait

    def number(self, second: float) -> str | None:
        """The big countdown as it was at `second`."""
        found = read_countdown(self.at(second).rows, self.terminal.columns)
        return None if found is None else found.text

    def at(self, second: float) -> Seen:
        """The screen as it was at `second`: at the last wait no later than it."""
        return [seen for seen in self.seen if seen.now <= second][-1]


@pytest.fixture
def pty() -> Iterator[tuple[int, int]]:
    master, slave = os.openpty()
    yield master, slave
    os.close(master)
    os.close(slave)


def live_play(
    monkeypatch: pytest.MonkeyPatch,
    pty: tuple[int, int],
    routine: Routine,
    *,
    size: tuple[int, int] = (80, 24),
    typed: Sequence[tuple[float, str]] = (),
    options: Settings = QUIET,
    speed: float = 1.0,
    start_at: int = 0,
    before_each_wait: Callable[[], None] = lambda: None,
) -> tuple[Summary, Typist, Terminal]:
    """`play` on the live screen of a `size` terminal, stdin a pseudo-terminal."""
    master, slave = pty
    terminal = Terminal(*size)
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setenv("COLUMNS", str(size[0]))
    monkeypatch.setenv("LINES", str(size[1]))
    monkeypatch.setattr(run_module, "stdin_fd", lambda: slave)
    typist = Typist(terminal, master, typed, speed)

    key_wait = run_module.key_wait

    def wrap(keys: Keys, speed: float) -> Wait:
        wait = typist.wrap(key_wait(keys, speed))

        def settled(timeout: float | None) -> Sequence[str]:
            before_each_wait()
            return wait(timeout)

        return settled

    monkeypatch.setattr(run_module, "key_wait", wrap)
    modes = termios.tcgetattr(slave)
    clock = typist.time.clock
    settings = options._replace(plain=False)
    summary = run_module.play(routine, settings, start_at=start_at, speed=speed, clock=clock)
    assert termios.tcgetattr(slave) == modes  # the terminal is left as it was
    return summary, typist, terminal


def test_the_live_screen_counts_down_each_step_then_the_summary_is_left(
    monkeypatch: pytest.MonkeyPatch, pty: tuple[int, int]
) -> None:
    summary, typist, terminal = live_play(monkeypatch, pty, TINY)
    first = typist.at(0)
    assert first.rows[0] == "Tiny".ljust(53) + "exercise 1 of 3 · 0:49 left"
    assert "Get ready: Rotation" in first.rows
    assert (typist.number(0), typist.number(1)) == ("2", "1")
    hold = typist.at(2)
    assert "HOLD Rotation" in hold.rows and "◀◀  LEFT SIDE" in hold.text()
    assert [typist.number(second) for second in (2, 3, 4)] == ["3", "2", "1"]
    assert "Next: hold 3 s · rep 1 of 2 · set 1 of 2 · RIGHT side" in hold.rows
    assert any("HOLD Ball" in seen.rows for seen in typist.seen)
    # The live screen is gone: the normal screen has the summary, opening with a big DONE.
    rows = terminal.rows()
    finished = rows.index("Finished: Tiny")
    assert finished > 0 and set("".join(rows[:finished])) - {" "} <= BLOCKS
    assert rows[finished + 1 : finished + 4] == [
        "  done        Rotation  8 of 8 holds",
        "  done        Squeeze   2 of 2 holds",
        "  done        Ball      1 of 1 holds",
    ]
    assert rows[finished + 4] == "3 done · time 0:49"
    assert rows[finished + 5] == AFTERCARE
    assert not any("HOLD" in row for row in rows)
    assert [r.outcome for r in summary.results] == [ExerciseOutcome.DONE] * 3


def test_keys_typed_on_the_terminal_pause_skip_and_quit(
    monkeypatch: pytest.MonkeyPatch, pty: tuple[int, int]
) -> None:
    # space pauses at 2.5 s and again resumes at 9.5 s; the right arrow (an escape
    # sequence) ends the hold at once; s skips the exercise; q quits.
    typed = [(2.5, " "), (9.5, " "), (10.0, "\x1b[C"), (11.0, "s"), (12.0, "q")]
    summary, typist, terminal = live_play(monkeypatch, pty, TINY, typed=typed)
    paused = typist.at(5)
    assert "PAUSED" in paused.text()
    assert "HOLD Rotation" in paused.text()
    assert typist.number(9.5) == "3"  # resumed where it was
    assert "REST — switch sides" in typist.at(10.0).rows
    assert "Get ready: Squeeze" in typist.at(11.0).rows
    rows = terminal.rows()
    assert rows[0] == "Stopped: Tiny"  # no big DONE when quit
    assert rows[1:4] == [
        "  skipped     Rotation  0 of 8 holds",
        "  stopped     Squeeze   0 of 2 holds",
        "  not reached Ball      0 of 1 holds",
    ]
    assert rows[4] == "0 done, 1 skipped, 1 stopped, 1 not reached · time 0:12 (0:07 of it paused)"
    assert summary.quit


def test_at_speed_60_the_screen_is_drawn_four_times_a_second_not_every_second(
    monkeypatch: pytest.MonkeyPatch, pty: tuple[int, int]
) -> None:
    summary, typist, terminal = live_play(monkeypatch, pty, TINY, speed=60)
    # Each wait is a second of the routine, 1/60 s of real time; the countdown drawn
    # stays on the number each step starts with for a quarter of a real second.
    assert [typist.number(second / 60) for second in (0, 1, 2)] == ["2", "2", "3"]
    assert summary.active_seconds == pytest.approx(49)
    assert "3 done · time 0:01 at --speed 60" in terminal.rows()


def _pictures_routine(tmp_path: Path) -> Routine:
    picture = tmp_path / "rotation.png"
    picture.write_bytes(PNG)
    first, second, third = TINY.exercises
    first = dataclasses.replace(first, image=str(picture), prepare=5)
    return dataclasses.replace(TINY, exercises=(first, second, third))


def _pictures_ready() -> None:
    """Wait for the pictures' background thread: its picture is ready at the next tick."""
    for thread in threading.enumerate():
        if "_prepare_all" in thread.name:
            thread.join(timeout=10)


def test_a_kitty_terminal_gets_the_picture_on_the_get_ready_screen(
    monkeypatch: pytest.MonkeyPatch, pty: tuple[int, int], tmp_path: Path
) -> None:
    monkeypatch.setenv("TERM", "xterm-kitty")
    routine = _pictures_routine(tmp_path)
    _, typist, terminal = live_play(
        # 44 rows: the rows of a side kept in every step leave 8 blank rows getting ready
        monkeypatch,
        pty,
        routine,
        size=(100, 44),
        before_each_wait=_pictures_ready,
    )
    written = bytes(terminal.written)
    found = PLACE.search(written)
    assert found is not None
    chunks = re.findall(rb"\x1b_G[^;]*;([^\x1b]*)\x1b\\", written[found.start() :])
    assert base64.b64decode(b"".join(chunks)) == PNG
    shown = next(seen for seen in typist.seen if seen.written > found.start())
    assert shown.now < 5 and "Get ready: Rotation" in shown.rows
    row, column, rows = (int(n) for n in found.groups())
    columns = round(rows * 4 / 3 / 0.5)
    covered = [line[column - 1 : column - 1 + columns] for line in shown.rows[row - 1 :][:rows]]
    assert len(covered) == rows and not "".join(covered).strip()  # it goes on blank cells
    deleted = written.index(kitty_delete().encode())
    gone = next(seen for seen in typist.seen if seen.written > deleted)
    assert "HOLD Rotation" in gone.rows  # taken away when the hold starts
    assert written.count(b"\x1b_Ga=T") == 1


@pytest.mark.parametrize(
    ("term", "images", "with_picture"),
    [
        ("xterm-256color", True, "here"),  # the terminal draws no pictures
        ("xterm-kitty", False, "here"),  # --no-images
        ("xterm-kitty", True, "none"),  # the routine has none
        ("xterm-kitty", True, "gone"),  # its file went after the routine was checked
    ],
)
def test_no_picture_is_sent_where_none_can_or_should_show(
    monkeypatch: pytest.MonkeyPatch,
    pty: tuple[int, int],
    tmp_path: Path,
    term: str,
    images: bool,
    with_picture: str,
) -> None:
    monkeypatch.setenv("TERM", term)
    routine = _pictures_routine(tmp_path) if with_picture != "none" else TINY
    if with_picture == "gone":
        (tmp_path / "rotation.png").unlink()
    options = QUIET._replace(images=images)
    _, typist, terminal = live_play(
        monkeypatch, pty, routine, size=(100, 40), options=options, before_each_wait=_pictures_ready
    )
    assert "Get ready: Rotation" in typist.at(0).rows
    assert any("HOLD Ball" in seen.rows for seen in typist.seen)  # and on to the end
    assert b"\x1b_G" not in terminal.written


class _Tty:
    """sys.stdout as the chime sees it: a terminal, at file descriptor `fd`."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd


@pytest.fixture
def no_audio_player(monkeypatch: pytest.MonkeyPatch) -> None:
    from backpain_cli.player import sound

    class NoPlayer(sound.SoundOutput):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, load=lambda: None, **kwargs)

    monkeypatch.setattr(sound, "SoundOutput", NoPlayer)


def _sounds(announcer: Announcer | None, *names: SoundName) -> None:
    assert announcer is not None
    for name in names:
        announcer.say(Utterance(Priority.CHIME, announcer.clock(), sound=name))


@pytest.mark.usefixtures("no_audio_player")
def test_without_an_audio_player_the_set_end_rings_the_terminal_bell(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from backpain_cli.player.sound import NO_AUDIO_NOTICE

    read_end, write_end = os.pipe()
    monkeypatch.setattr(sys, "stdout", _Tty(write_end))
    notices: list[str] = []
    try:
        announcer = run_module._make_announcer(effective_settings({}), notices.append)[0]
        _sounds(announcer, SoundName.TICK, SoundName.CHIME)  # a tick: too small for the bell
        assert announcer is not None
        announcer.start()  # `play` starts it once the first frame is drawn
        announcer.close(1)
        assert select.select([read_end], [], [], 10)[0]  # rung from the sound thread
        assert os.read(read_end, 16) == b"\a"
    finally:
        os.close(read_end)
        os.close(write_end)
    assert notices == [NO_AUDIO_NOTICE]


def test_the_sound_thread_starts_once_the_first_frame_is_drawn() -> None:
    # Loading the audio player holds the interpreter: it waits for the screen's first
    # frame, drawn at the first event after Started (the starter is the last listener).
    from backpain_cli.player.engine import SegmentStarted, Started, Status
    from backpain_cli.routines.timeline import build_timeline

    starts: list[str] = []

    class Starter:
        def start(self) -> None:
            starts.append("started")

    after = run_module._SoundAfter(Starter())  # type: ignore[arg-type]
    timeline = build_timeline(TINY)
    status = Status(timeline, index=0, remaining=5, elapsed=0)
    after.handle(Started(status))
    assert starts == []
    after.handle(SegmentStarted(status, index=0, segment=timeline.segments[0]))
    after.handle(SegmentStarted(status, index=0, segment=timeline.segments[0]))
    assert starts == ["started"]


@pytest.mark.usefixtures("no_audio_player")
def test_a_bell_for_a_terminal_that_has_gone_away_is_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # writing now fails (EPIPE), as on a hung-up terminal
    monkeypatch.setattr(sys, "stdout", _Tty(write_end))
    notices: list[str] = []
    try:
        announcer = run_module._make_announcer(effective_settings({}), notices.append)[0]
        _sounds(announcer, SoundName.CHIME, SoundName.END)
        assert announcer is not None
        announcer.start()
        announcer.close(1)  # no exception on the sound thread, nothing left running
    finally:
        os.close(write_end)
    assert len(notices) == 1


def test_from_an_exercise_id_starts_there(
    monkeypatch: pytest.MonkeyPatch, pty: tuple[int, int]
) -> None:
    start_at = run_module.exercise_number(TINY, "squeeze")
    summary, typist, _ = live_play(monkeypatch, pty, TINY, start_at=start_at)
    first = typist.at(0).rows
    assert "Tiny".ljust(53) + "exercise 2 of 3 · 0:15 left" in first
    assert "Get ready: Squeeze" in first
    assert [(r.exercise.name, r.outcome) for r in summary.results] == [
        ("Squeeze", ExerciseOutcome.DONE),
        ("Ball", ExerciseOutcome.DONE),
    ]
