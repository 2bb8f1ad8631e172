"""Single key presses without Enter, read without blocking the timer.

`key_reader(fd)` is the one place that picks the reader for this platform: `KeyReader`
on POSIX (termios cbreak + select), `WindowsKeyReader` on Windows (msvcrt). Both have
the `Keys` interface: a context manager with `is_terminal` and `read(timeout)`, which
returns key names.

`KeyReader` (POSIX) is a context manager around the player. While it is open:

- the terminal on `fd` (when it is one) is in cbreak mode: keys arrive at once, not
  echoed; Ctrl-Z is disabled (a suspended timer would leave the screen in a mess; space
  pauses instead). On leaving, the saved modes are put back exactly, on every way out:
  normal end, `q`, an exception, Ctrl-C, SIGTERM and SIGHUP.
- SIGTERM and SIGHUP raise `SystemExit(128 + signal)`: without a handler Python would
  die without running `finally` blocks and leave the terminal in cbreak mode and the
  cursor hidden. A terminal that reads as closed (EIO, or an end of input cbreak mode
  never gives) ends it the same way, SIGHUP or not: nobody is there to see the timer.
- Ctrl-C (SIGINT) becomes the key ``"ctrl-c"``, delivered by `read` like any other key,
  however fast it is pressed again (the player quits calmly on the first). Only when a
  Ctrl-C has gone unread for `STUCK_AFTER` seconds (the program is stuck somewhere) does
  the next one raise `KeyboardInterrupt`, to get out; the CLI ends that calmly too.
- A terminal resize (SIGWINCH) becomes the key ``"resize"``.

`read(timeout)` waits with `select` on the terminal and a self-pipe written by the signal
handlers, and reads with `os.read` (buffered `sys.stdin.read(1)` would leave keys
stranded in Python's buffer where `select` cannot see them).

`WindowsKeyReader` polls `msvcrt.kbhit` every few hundredths of a second while it waits
and reads with `msvcrt.getwch` (no echo, no Enter; the console needs no mode change).
Arrows and other special keys arrive as two characters, ``"\\xe0"`` or ``"\\x00"`` and a
code. Ctrl-C (SIGINT) becomes the key ``"ctrl-c"`` as on POSIX; SIGTERM and Ctrl-Break
(SIGBREAK) raise `SystemExit`; a change of the console's size becomes ``"resize"``.

Key names: single characters as typed (``"n"``, ``"?"``), and ``space``, ``enter``,
``tab``, ``escape``, ``backspace``, ``up``, ``down``, ``right``, ``left``, ``ctrl-c``,
``ctrl-z``, ``resize``.
"""

from __future__ import annotations

import abc
import contextlib
import importlib
import os
import select
import signal
import sys
import time
from collections.abc import Callable
from types import FrameType, TracebackType
from typing import Any, Protocol, cast

if sys.platform != "win32":  # pragma: no branch - POSIX; Windows reads keys with msvcrt
    import termios

_NAMES = {
    " ": "space",
    "\r": "enter",
    "\n": "enter",
    "\t": "tab",
    "\x7f": "backspace",
    "\x08": "backspace",
    "\x03": "ctrl-c",
    "\x1a": "ctrl-z",
}
_ARROWS = {"A": "up", "B": "down", "C": "right", "D": "left"}
_PIPE_KEYS = {ord("c"): "ctrl-c", ord("r"): "resize"}
_ESCAPE_WAIT = 0.03  # seconds to wait for the rest of a split escape sequence
_WINDOWS_PREFIXES = ("\x00", "\xe0")  # msvcrt.getwch: a special key's code follows
_WINDOWS_SPECIAL = {"H": "up", "P": "down", "M": "right", "K": "left"}
_POLL = 0.02  # seconds between looks at the Windows console while waiting
STUCK_AFTER = 2.0
"""Seconds a Ctrl-C may go unread before another one raises `KeyboardInterrupt`."""


class Keys(Protocol):
    """What the player needs of a key reader, on any platform."""

    @property
    def is_terminal(self) -> bool: ...

    def read(self, timeout: float | None) -> list[str]: ...

    def __enter__(self) -> Keys: ...

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...


def key_reader(fd: int | None, *, platform: str = sys.platform) -> Keys:
    """The key reader for this platform, reading terminal `fd` (None: signals only)."""
    if platform == "win32":
        return WindowsKeyReader(fd)
    return KeyReader(fd)


def decode(data: bytes) -> list[str]:
    """Key names for the bytes a terminal sent; unknown escape sequences are dropped."""
    text = data.decode("utf-8", errors="ignore")
    keys: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\x1b" and text[i + 1 : i + 2] in ("[", "O"):
            j = i + 2
            while j < len(text) and not "\x40" <= text[j] <= "\x7e":
                j += 1  # parameters of a CSI sequence, e.g. "1;5" in ESC [ 1 ; 5 C
            final = text[j : j + 1]
            if final in _ARROWS:
                keys.append(_ARROWS[final])
            i = j + 1
            continue
        if char == "\x1b":
            keys.append("escape")
        elif char in _NAMES:
            keys.append(_NAMES[char])
        elif char.isprintable():
            keys.append(char)
        i += 1
    return keys


def _incomplete(data: bytes) -> bool:
    """True when `data` ends inside an escape sequence (the rest is still on its way)."""
    start = data.rfind(b"\x1b")
    if start < 0:
        return False
    tail = data[start + 1 :]
    if not tail:
        return True
    if tail[:1] not in (b"[", b"O"):
        return False
    return not any(0x40 <= byte <= 0x7E for byte in tail[1:])


class _Signals(abc.ABC):
    """The signal handling both readers share: SIGINT is a key, ending signals exit."""

    def __init__(self, *, handle_signals: bool, clock: Callable[[], float]) -> None:
        self._handle_signals = handle_signals
        self._clock = clock
        self._saved_handlers: dict[int, Any] = {}
        self._interrupted_at: float | None = None  # when the oldest unread Ctrl-C came

    def _install(self, signum: int, handler: Any) -> None:
        self._saved_handlers[signum] = signal.signal(signum, handler)

    def _restore_handlers(self) -> None:
        for signum, handler in self._saved_handlers.items():
            signal.signal(signum, handler)
        self._saved_handlers = {}

    def _exit(self, signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    def _interrupt(self, signum: int, frame: FrameType | None) -> None:
        now = self._clock()
        if self._interrupted_at is None:
            self._interrupted_at = now
        elif now - self._interrupted_at >= STUCK_AFTER:
            raise KeyboardInterrupt  # nobody has read the last one: stuck, get out
        self._wake_ctrl_c()

    def _interrupts_read(self) -> None:
        self._interrupted_at = None

    @abc.abstractmethod
    def _wake_ctrl_c(self) -> None:
        """Have the next `read` return the key "ctrl-c" (called from a signal handler)."""


class KeyReader(_Signals):
    """Keys from terminal `fd` (None or not a terminal: only signals), see module docs."""

    def __init__(
        self,
        fd: int | None,
        *,
        handle_signals: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(handle_signals=handle_signals, clock=clock)
        self._fd = fd if fd is not None and os.isatty(fd) else None
        self._saved_modes: list[Any] | None = None
        self._pipe: tuple[int, int] | None = None

    @property
    def is_terminal(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> KeyReader:
        read_end, write_end = os.pipe()
        os.set_blocking(read_end, False)
        os.set_blocking(write_end, False)
        self._pipe = (read_end, write_end)
        try:
            if self._fd is not None:
                self._cbreak(self._fd)
            if self._handle_signals:
                self._install(signal.SIGTERM, self._exit)
                self._install(signal.SIGHUP, self._exit)
                self._install(signal.SIGINT, self._interrupt)
                self._install(signal.SIGWINCH, self._resized)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # Modes first: a signal arriving now must not find the terminal still in cbreak.
        if self._fd is not None and self._saved_modes is not None:
            with contextlib.suppress(termios.error, OSError):  # the terminal is gone (SIGHUP)
                termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved_modes)
            self._saved_modes = None
        self._restore_handlers()
        pipe, self._pipe = self._pipe, None
        for end in pipe or ():
            os.close(end)

    def read(self, timeout: float | None) -> list[str]:
        """Keys pressed within `timeout` seconds (None: wait for one); [] on time-out."""
        assert self._pipe is not None, "use KeyReader as a context manager"
        pipe = self._pipe[0]
        watched = [pipe] if self._fd is None else [pipe, self._fd]
        ready, _, _ = select.select(watched, [], [], timeout)
        keys: list[str] = []
        if pipe in ready:
            for byte in os.read(pipe, 64):
                keys.append(_PIPE_KEYS[byte])
            self._interrupts_read()
        if self._fd is not None and self._fd in ready:
            keys.extend(decode(self._read_terminal(self._fd)))
        return keys

    # -- internals -------------------------------------------------------------------

    def _read_terminal(self, fd: int) -> bytes:
        try:
            data = os.read(fd, 32)
            while _incomplete(data) and select.select([fd], [], [], _ESCAPE_WAIT)[0]:
                more = os.read(fd, 32)
                if not more:
                    break
                data += more
        except OSError:  # EIO: the terminal went away
            data = b""
        if not data:  # a terminal in cbreak mode has no end of input: it was closed
            raise SystemExit(128 + signal.SIGHUP)  # as if it had sent SIGHUP, sent or not
        return data

    def _cbreak(self, fd: int) -> None:
        modes = termios.tcgetattr(fd)
        self._saved_modes = modes
        new = [*modes[:6], list(modes[6])]
        new[3] &= ~(termios.ECHO | termios.ICANON)  # lflag
        cc = new[6]
        cc[termios.VMIN] = 1
        cc[termios.VTIME] = 0
        try:
            disabled = os.fpathconf(fd, "PC_VDISABLE")
        except (OSError, ValueError):
            disabled = 0
        cc[termios.VSUSP] = disabled if isinstance(cc[termios.VSUSP], int) else bytes([disabled])
        termios.tcsetattr(fd, termios.TCSANOW, new)

    def _wake(self, byte: bytes) -> None:
        assert self._pipe is not None, "the handlers are only installed while it is open"
        with contextlib.suppress(BlockingIOError):  # full of wake-ups already
            os.write(self._pipe[1], byte)

    def _wake_ctrl_c(self) -> None:
        self._wake(b"c")

    def _resized(self, signum: int, frame: FrameType | None) -> None:
        self._wake(b"r")


# -- Windows ---------------------------------------------------------------------------


class Console(Protocol):
    """The part of Windows' `msvcrt` module used here (typed, so mypy checks this code
    on any platform; tests pass a fake)."""

    def kbhit(self) -> bool: ...

    def getwch(self) -> str: ...


def windows_console() -> Console:
    """The real `msvcrt` module (Windows only)."""
    return cast(Console, importlib.import_module("msvcrt"))


def _console_size() -> tuple[int, int]:
    import shutil  # Windows only

    size = shutil.get_terminal_size()
    return size.columns, size.lines


def decode_windows(chars: str) -> list[str]:
    """Key names for what `msvcrt.getwch` returned; unknown special keys are dropped."""
    keys: list[str] = []
    i = 0
    while i < len(chars):
        char = chars[i]
        if char in _WINDOWS_PREFIXES:
            code = chars[i + 1 : i + 2]
            if code in _WINDOWS_SPECIAL:
                keys.append(_WINDOWS_SPECIAL[code])
            i += 2
            continue
        if char == "\x1b":
            keys.append("escape")
        elif char in _NAMES:
            keys.append(_NAMES[char])
        elif char.isprintable():
            keys.append(char)
        i += 1
    return keys


class WindowsKeyReader(_Signals):
    """Keys from the Windows console (when `fd` is a terminal), see module docs.

    `console` (default: `msvcrt`, loaded on entering), `clock` (also for `STUCK_AFTER`),
    `sleep` and `size` are for tests.
    """

    def __init__(
        self,
        fd: int | None,
        *,
        handle_signals: bool = True,
        console: Callable[[], Console] = windows_console,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        size: Callable[[], tuple[int, int]] = _console_size,
    ) -> None:
        super().__init__(handle_signals=handle_signals, clock=clock)
        self._terminal = fd is not None and os.isatty(fd)
        self._load_console = console
        self._console: Console | None = None
        self._sleep = sleep
        self._size = size
        self._last_size: tuple[int, int] | None = None
        self._pending: list[str] = []  # keys from signal handlers

    @property
    def is_terminal(self) -> bool:
        return self._console is not None

    def __enter__(self) -> WindowsKeyReader:
        try:
            if self._terminal:
                self._console = self._load_console()
                self._last_size = self._size()
            if self._handle_signals:
                self._install(signal.SIGINT, self._interrupt)
                self._install(signal.SIGTERM, self._exit)
                sigbreak = getattr(signal, "SIGBREAK", None)  # Ctrl-Break, Windows only
                if sigbreak is not None:
                    self._install(sigbreak, self._exit)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._restore_handlers()
        self._console = None
        self._pending = []

    def read(self, timeout: float | None) -> list[str]:
        """Keys pressed within `timeout` seconds (None: wait for one); [] on time-out."""
        deadline = None if timeout is None else self._clock() + timeout
        while True:
            keys = self._keys()
            if keys:
                return keys
            now = self._clock()
            if deadline is not None and now >= deadline:
                return []
            self._sleep(_POLL if deadline is None else min(_POLL, deadline - now))

    # -- internals -------------------------------------------------------------------

    def _keys(self) -> list[str]:
        keys, self._pending = self._pending, []
        if keys:
            self._interrupts_read()
        console = self._console
        if console is not None:
            chars = ""
            while console.kbhit():
                chars += console.getwch()
                if chars[-1] in _WINDOWS_PREFIXES:
                    chars += console.getwch()  # the code of a special key
            keys.extend(decode_windows(chars))
            size = self._size()
            if size != self._last_size:
                self._last_size = size
                keys.append("resize")
        return keys

    def _wake_ctrl_c(self) -> None:
        self._pending.append("ctrl-c")
