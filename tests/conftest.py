"""Shared fixtures: every test gets its own BACKPAIN_HOME so nothing touches the real one."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
BUILTIN_ROUTINES = REPO / "routines"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private BACKPAIN_HOME (config, user routines and history) for each test."""
    folder = tmp_path / "backpain-home"
    folder.mkdir()
    monkeypatch.setenv("BACKPAIN_HOME", str(folder))
    monkeypatch.delenv("NO_COLOR", raising=False)
    for size in ("COLUMNS", "LINES"):  # set by a terminal, or by pytest-xdist's workers
        monkeypatch.delenv(size, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    yield folder


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def user_routines(home: Path) -> Path:
    folder = home / "routines"
    folder.mkdir()
    return folder


class Blocked(BaseException):
    """Not an OSError (as TimeoutError is): no `except OSError` in the code swallows it."""


@pytest.fixture
def deadline() -> Iterator[None]:
    """Code that blocks on a pipe fails the test in ten seconds instead of hanging."""

    def too_long(number: int, frame: FrameType | None) -> None:
        raise Blocked("the code blocked")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def pipe_on_open(monkeypatch: pytest.MonkeyPatch, deadline: None) -> Callable[[Path], None]:
    """`pipe_on_open(path)`: the next time anything opens PATH, a named pipe takes the
    place of the file the moment before (the race of a look, then an open). A plain
    open of it would wait forever for a writer; the deadline ends such a test."""
    opened = os.open
    armed: set[str] = set()

    def swap_then_open(name: str | Path, flags: int, *args: int) -> int:
        if str(name) in armed:
            armed.discard(str(name))
            os.unlink(name)
            os.mkfifo(name)
        return opened(name, flags, *args)

    monkeypatch.setattr(os, "open", swap_then_open)
    return lambda path: armed.add(str(path))
