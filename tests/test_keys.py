"""Key reading on a real pseudo-terminal: cbreak, decoding, signals, restoring the modes."""

from __future__ import annotations

import os
import pty
import signal
import sys
import termios
import threading
import types
from collections.abc import Iterator

import pytest

from backpain_cli.player.keys import (
    STUCK_AFTER,
    KeyReader,
    WindowsKeyReader,
    _incomplete,
    decode,
    decode_windows,
    key_reader,
    windows_console,
)


@pytest.fixture
def terminal() -> Iterator[tuple[int, int]]:
    master, slave = pty.openpty()
    yield master, slave
    os.close(master)
    os.close(slave)


@pytest.mark.parametrize(
    ("data", "keys"),
    [
        (b"n", ["n"]),
        (b" ", ["space"]),
        (b"nq?", ["n", "q", "?"]),
        (b"\x1b[C\x1b[D\x1bOA\x1b[B", ["right", "left", "up", "down"]),
        (b"\x1b[1;5C", ["right"]),  # Ctrl-Right: parameters ignored
        (b"\x1b[2~x", ["x"]),  # Insert: unknown sequences are dropped
        (b"\x1b", ["escape"]),
        (b"\x1bq", ["escape", "q"]),
        (b"\r\n\t\x7f\x08", ["enter", "enter", "tab", "backspace", "backspace"]),
        (b"\x03\x1a", ["ctrl-c", "ctrl-z"]),
        (b"\x01\x02", []),  # other control characters
        ("é".encode(), ["é"]),
        (b"\xff", []),  # not UTF-8
    ],
)
def test_decode(data: bytes, keys: list[str]) -> None:
    assert decode(data) == keys


@pytest.mark.parametrize(
    ("data", "incomplete"),
    [
        (b"n", False),
        (b"\x1b", True),
        (b"\x1b[", True),
        (b"\x1bO", True),
        (b"\x1b[1;5", True),
        (b"\x1b[C", False),
        (b"\x1bq", False),
        (b"n\x1b[Cq", False),
    ],
)
def test_incomplete(data: bytes, incomplete: bool) -> None:
    assert _incomplete(data) is incomplete


def test_cbreak_while_open_and_the_same_modes_after(terminal: tuple[int, int]) -> None:
    master, slave = terminal
    before = termios.tcgetattr(slave)
    with KeyReader(slave) as keys:
        assert keys.is_terminal
        during = termios.tcgetattr(slave)
        assert not during[3] & (termios.ECHO | termios.ICANON)
        assert during[3] & termios.ISIG  # Ctrl-C still signals
        assert during[6][termios.VSUSP] in (0, b"\x00", b"\xff", 0xFF)  # Ctrl-Z disabled
        os.write(master, b"n \x1b[C")
        assert keys.read(1) == ["n", "space", "right"]
        assert keys.read(0) == []
    assert termios.tcgetattr(slave) == before


def test_a_split_escape_sequence_is_joined(terminal: tuple[int, int]) -> None:
    master, slave = terminal
    with KeyReader(slave) as keys:
        os.write(master, b"\x1b")
        timer = threading.Timer(0.005, os.write, (master, b"[D"))
        timer.start()
        assert keys.read(1) == ["left"]
        timer.join()


def test_modes_restored_after_an_exception(terminal: tuple[int, int]) -> None:
    _, slave = terminal
    before = termios.tcgetattr(slave)
    with pytest.raises(RuntimeError), KeyReader(slave):
        raise RuntimeError("bug")
    assert termios.tcgetattr(slave) == before


def test_ctrl_c_is_a_key_however_fast_it_comes_again(terminal: tuple[int, int]) -> None:
    _, slave = terminal
    before = termios.tcgetattr(slave)
    now = [0.0]
    with KeyReader(slave, clock=lambda: now[0]) as keys:
        os.kill(os.getpid(), signal.SIGINT)
        assert keys.read(1) == ["ctrl-c"]
        os.kill(os.getpid(), signal.SIGINT)
        now[0] += STUCK_AFTER - 0.1
        os.kill(os.getpid(), signal.SIGINT)  # the first was not read yet: no exception
        assert keys.read(1) == ["ctrl-c", "ctrl-c"]
        os.kill(os.getpid(), signal.SIGINT)
        now[0] += STUCK_AFTER  # ... and nobody reads it: the program is stuck
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
    assert termios.tcgetattr(slave) == before
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_exit_through_finally(terminal: tuple[int, int], signum: int) -> None:
    _, slave = terminal
    before = termios.tcgetattr(slave)
    previous = signal.getsignal(signum)
    with pytest.raises(SystemExit) as exit_info, KeyReader(slave):
        os.kill(os.getpid(), signum)
    assert exit_info.value.code == 128 + signum
    assert termios.tcgetattr(slave) == before
    assert signal.getsignal(signum) == previous


def test_resize_becomes_a_key() -> None:
    with KeyReader(None) as keys:
        os.kill(os.getpid(), signal.SIGWINCH)
        os.kill(os.getpid(), signal.SIGWINCH)
        assert keys.read(1) == ["resize", "resize"]


def test_without_a_terminal_it_only_waits() -> None:
    read_end, write_end = os.pipe()
    try:
        with KeyReader(read_end, handle_signals=False) as keys:
            assert not keys.is_terminal
            os.write(write_end, b"q")  # not a terminal: never read as keys
            assert keys.read(0.001) == []
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    finally:
        os.close(read_end)
        os.close(write_end)


def test_a_terminal_that_hangs_up_ends_the_player_as_sighup_would() -> None:
    """No SIGHUP needed (a terminal gone from a process it does not control): the
    player must not go on blind, and the window's close is a hang-up (exit 129)."""
    master, slave = pty.openpty()
    try:
        with KeyReader(slave) as keys:
            os.write(master, b"q")
            assert keys.read(1) == ["q"]
            os.close(master)  # the terminal hangs up: reading fails from now on
            with pytest.raises(SystemExit) as ended:
                keys.read(1)
            assert ended.value.code == 128 + signal.SIGHUP
    finally:
        os.close(slave)


def test_escape_at_the_end_of_input(terminal: tuple[int, int]) -> None:
    master, slave = terminal
    with KeyReader(slave) as keys:
        os.write(master, b"\x1b")  # a lone Escape: nothing follows within the wait
        assert keys.read(1) == ["escape"]


def test_setup_failure_restores_everything(
    terminal: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, slave = terminal
    before = termios.tcgetattr(slave)
    reader = KeyReader(slave)

    def refuse(signum: int, handler: object) -> None:
        raise ValueError("signal only works in main thread")

    monkeypatch.setattr(signal, "signal", refuse)
    with pytest.raises(ValueError):
        reader.__enter__()
    assert termios.tcgetattr(slave) == before


def test_a_full_wakeup_pipe_does_not_block() -> None:
    with KeyReader(None, handle_signals=False) as keys:
        for _ in range(100_000):
            keys._resized(signal.SIGWINCH, None)
        assert set(keys.read(0)) == {"resize"}


def test_escape_then_hang_up() -> None:
    master, slave = pty.openpty()
    try:
        with KeyReader(slave) as keys:
            os.write(master, b"\x1b")
            os.close(master)
            with pytest.raises(SystemExit) as ended:  # the escape, then the hang-up
                assert keys.read(1) == ["escape"]
                keys.read(0)
            assert ended.value.code == 128 + signal.SIGHUP
    finally:
        os.close(slave)


def test_a_read_error_ends_terminal_input(
    terminal: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    master, slave = terminal
    with KeyReader(slave) as keys:
        os.write(master, b"q")
        real_read = os.read

        def failing_read(fd: int, size: int) -> bytes:
            if fd == slave:
                raise OSError(5, "Input/output error")
            return real_read(fd, size)

        monkeypatch.setattr(os, "read", failing_read)
        with pytest.raises(SystemExit) as ended:  # a closed window: as if SIGHUP came
            keys.read(1)
        assert ended.value.code == 128 + signal.SIGHUP


def test_half_an_escape_sequence_then_a_hang_up_is_no_key() -> None:
    """The terminal sends ESC [ and hangs up before the rest: nothing is decoded from
    half a sequence, and the next read ends the player as a hang-up."""
    master, slave = pty.openpty()
    real_read = os.read
    try:
        with KeyReader(slave) as keys:
            os.write(master, b"\x1b[")

            def then_hang_up(fd: int, size: int) -> bytes:
                data = real_read(fd, size)
                if fd == slave and data == b"\x1b[":
                    os.close(master)  # gone while the reader waits for the rest
                return data

            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(os, "read", then_hang_up)
                assert keys.read(1) == []
            assert keys.is_terminal  # it read something: end of input comes next
            with pytest.raises(SystemExit) as ended:
                keys.read(1)
            assert ended.value.code == 128 + signal.SIGHUP
    finally:
        os.close(slave)


def test_without_a_disabled_value_to_ask_for_ctrl_z_is_disabled_with_0(
    terminal: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the system cannot say its "disabled" character (no PC_VDISABLE), 0 stands
    in: Linux's own value, so Ctrl-Z still reaches the player as a key."""
    master, slave = terminal

    def unknown(fd: int, name: str) -> int:
        raise ValueError(f"unrecognized configuration name {name}")

    monkeypatch.setattr(os, "fpathconf", unknown)
    with KeyReader(slave) as keys:
        suspend = termios.tcgetattr(slave)[6][termios.VSUSP]
        assert suspend in (0, b"\x00")
        os.write(master, b"\x1a")
        assert keys.read(1) == ["ctrl-z"]


# -- Windows (msvcrt), with a fake msvcrt module -----------------------------------------


class FakeConsole:
    """What `msvcrt` offers: `kbhit` and `getwch` over the characters typed so far."""

    def __init__(self) -> None:
        self.typed = ""

    def kbhit(self) -> bool:
        return bool(self.typed)

    def getwch(self) -> str:
        char, self.typed = self.typed[0], self.typed[1:]
        return char


class FakeWait:
    """A clock that moves only by the reader's sleeps; `then` types keys after a sleep."""

    def __init__(self, console: FakeConsole) -> None:
        self.console = console
        self.now = 0.0
        self.sleeps: list[float] = []
        self.then: dict[int, str] = {}  # after this many sleeps: type this
        self.columns = 80

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds
        self.console.typed += self.then.pop(len(self.sleeps), "")

    def size(self) -> tuple[int, int]:
        return self.columns, 24


@pytest.fixture
def msvcrt(monkeypatch: pytest.MonkeyPatch) -> FakeConsole:
    console = FakeConsole()
    module = types.ModuleType("msvcrt")
    module.kbhit = console.kbhit  # type: ignore[attr-defined]
    module.getwch = console.getwch  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "msvcrt", module)
    return console


def windows_reader(
    fd: int | None, console: FakeConsole, *, handle_signals: bool = False
) -> tuple[WindowsKeyReader, FakeWait]:
    wait = FakeWait(console)
    reader = WindowsKeyReader(
        fd, handle_signals=handle_signals, clock=wait.clock, sleep=wait.sleep, size=wait.size
    )
    return reader, wait


@pytest.mark.parametrize(
    ("chars", "keys"),
    [
        ("n", ["n"]),
        (" ", ["space"]),
        ("nq?", ["n", "q", "?"]),
        ("\xe0H\xe0P\xe0M\xe0K", ["up", "down", "right", "left"]),
        ("\x00H\x00K", ["up", "left"]),  # the number pad's arrows
        ("\x00;x", ["x"]),  # F1: other special keys are dropped
        ("\xe0", []),  # a prefix without its code
        ("\x1b", ["escape"]),
        ("\r\t\x08\x03\x1a", ["enter", "tab", "backspace", "ctrl-c", "ctrl-z"]),
        ("\x01", []),
        ("é", ["é"]),
    ],
)
def test_decode_windows(chars: str, keys: list[str]) -> None:
    assert decode_windows(chars) == keys


def test_windows_keys_arrive_without_waiting(
    terminal: tuple[int, int], msvcrt: FakeConsole
) -> None:
    _, slave = terminal
    reader, wait = windows_reader(slave, msvcrt)
    with reader as keys:
        assert keys.is_terminal
        msvcrt.typed = "n \xe0M"
        assert keys.read(1) == ["n", "space", "right"]
        assert keys.read(0) == []
    assert wait.sleeps == []
    assert not reader.is_terminal


def test_windows_waits_by_polling_until_a_key_or_the_time_out(
    terminal: tuple[int, int], msvcrt: FakeConsole
) -> None:
    _, slave = terminal
    reader, wait = windows_reader(slave, msvcrt)
    with reader as keys:
        wait.then[3] = "q"
        assert keys.read(None) == ["q"]
        assert wait.sleeps == [0.02, 0.02, 0.02]
        wait.sleeps.clear()
        assert keys.read(0.05) == []
        assert wait.sleeps == [0.02, 0.02, 0.01]


def test_windows_resize_becomes_a_key(terminal: tuple[int, int], msvcrt: FakeConsole) -> None:
    _, slave = terminal
    reader, wait = windows_reader(slave, msvcrt)
    with reader as keys:
        wait.columns = 120
        assert keys.read(0) == ["resize"]
        assert keys.read(0) == []


def test_windows_without_a_console_only_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "msvcrt", raising=False)  # never loaded
    reader, wait = windows_reader(None, FakeConsole())
    with reader as keys:
        assert not keys.is_terminal
        assert keys.read(0.03) == []
    assert wait.sleeps == [0.02, 0.01]


def test_windows_ctrl_c_and_exit_signals(terminal: tuple[int, int], msvcrt: FakeConsole) -> None:
    _, slave = terminal
    previous = signal.getsignal(signal.SIGTERM)
    reader, wait = windows_reader(slave, msvcrt, handle_signals=True)
    with reader as keys:
        os.kill(os.getpid(), signal.SIGINT)
        assert keys.read(1) == ["ctrl-c"]
        os.kill(os.getpid(), signal.SIGINT)
        os.kill(os.getpid(), signal.SIGINT)  # again before it was read: a key too
        assert keys.read(1) == ["ctrl-c", "ctrl-c"]
        os.kill(os.getpid(), signal.SIGINT)
        wait.now += STUCK_AFTER
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
        with pytest.raises(SystemExit) as exit_info:
            os.kill(os.getpid(), signal.SIGTERM)
        assert exit_info.value.code == 128 + signal.SIGTERM
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert signal.getsignal(signal.SIGTERM) == previous


def test_windows_setup_failure_leaves_the_signals_alone(terminal: tuple[int, int]) -> None:
    _, slave = terminal

    def missing() -> FakeConsole:
        raise ModuleNotFoundError("No module named 'msvcrt'")

    reader = WindowsKeyReader(slave, console=missing)
    with pytest.raises(ModuleNotFoundError):
        reader.__enter__()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_the_platform_picks_the_reader(msvcrt: FakeConsole) -> None:
    assert isinstance(key_reader(None, platform="win32"), WindowsKeyReader)
    assert isinstance(key_reader(None, platform="linux"), KeyReader)
    assert isinstance(key_reader(None, platform="darwin"), KeyReader)
    assert isinstance(key_reader(None), KeyReader)  # these tests run on POSIX
    assert windows_console() is sys.modules["msvcrt"]


def test_windows_ctrl_break_exits(
    terminal: tuple[int, int], msvcrt: FakeConsole, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, slave = terminal
    monkeypatch.setattr(signal, "SIGBREAK", signal.SIGUSR1, raising=False)  # stands in
    reader, _ = windows_reader(slave, msvcrt, handle_signals=True)
    with pytest.raises(SystemExit) as exit_info, reader:
        os.kill(os.getpid(), signal.SIGUSR1)
    assert exit_info.value.code == 128 + signal.SIGUSR1
    assert signal.getsignal(signal.SIGUSR1) == signal.SIG_DFL


def test_windows_reads_the_console_size(terminal: tuple[int, int], msvcrt: FakeConsole) -> None:
    _, slave = terminal
    with WindowsKeyReader(slave, handle_signals=False) as keys:  # the real size, once
        assert keys.read(0) == []
