"""Key reading on a real pseudo-terminal: cbreak, decoding, signals, restoring the modes."""

from __future__ import annotations

import os
import pty
import signal
import termios
import threading
from collections.abc import Iterator

import pytest

from backpain_cli.keys import KeyReader, _incomplete, decode


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


def test_ctrl_c_becomes_a_key_and_twice_interrupts(terminal: tuple[int, int]) -> None:
    _, slave = terminal
    before = termios.tcgetattr(slave)
    with KeyReader(slave) as keys:
        os.kill(os.getpid(), signal.SIGINT)
        assert keys.read(1) == ["ctrl-c"]
        os.kill(os.getpid(), signal.SIGINT)
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)  # the first was not read yet
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


def test_end_of_input_stops_reading_the_terminal() -> None:
    master, slave = pty.openpty()
    try:
        with KeyReader(slave) as keys:
            os.write(master, b"q")
            assert keys.read(1) == ["q"]
            os.close(master)  # the terminal hangs up: reading fails from now on
            assert keys.read(1) == []
            assert not keys.is_terminal
            assert keys.read(0) == []
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
            assert keys.read(1) in (["escape"], [])
            assert keys.read(0) == []
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
        assert keys.read(1) == []
        assert not keys.is_terminal
