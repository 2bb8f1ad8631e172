"""The terminal going away under the player, and terminals that cannot show its
characters. A closed window (SIGHUP, or EIO with no SIGHUP at all) stops the player:
exit status 129, the session kept as partial with the exercise under way as stopped,
no traceback. PYTHONIOENCODING=ascii or latin-1 plays plain, never a traceback or a
terminal left in the alternate screen."""

from __future__ import annotations

import errno
import fcntl
import os
import sqlite3
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest
from test_player_e2e import TINY

from backpain_cli.player import run as run_module


def _in_a_terminal(
    home: Path,
    arguments: list[str],
    *,
    controlling: bool,
    hang_up_after: float | None,
    environment: dict[str, str] | None = None,
) -> tuple[int, bytes, str]:
    """Run backpain on a pseudo-terminal; close the terminal after `hang_up_after`
    seconds (None: let it end). `controlling`: the terminal is the process's own, so
    closing it sends SIGHUP; otherwise it only reads and writes there."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))

    def take_the_terminal() -> None:
        os.setsid()
        if controlling:
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    child = subprocess.Popen(
        [sys.executable, "-m", "backpain_cli", *arguments],
        stdin=slave,
        stdout=slave,
        stderr=subprocess.PIPE,
        env={
            **os.environ,
            "BACKPAIN_HOME": str(home),
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
            **(environment or {}),
        },
        preexec_fn=take_the_terminal,
    )
    os.close(slave)
    shown = bytearray()

    def read_the_screen() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            shown.extend(data)

    reader = threading.Thread(target=read_the_screen, daemon=True)
    reader.start()
    if hang_up_after is not None:
        time.sleep(hang_up_after)
        os.close(master)
    assert child.stderr is not None
    status = child.wait(timeout=60)
    said = child.stderr.read().decode()
    reader.join(timeout=5)
    if hang_up_after is None:
        os.close(master)
    return status, bytes(shown), said


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY)
    return path


@pytest.mark.parametrize("controlling", [True, False], ids=["SIGHUP", "no SIGHUP"])
def test_a_closed_window_stops_and_keeps_what_was_played(
    home: Path, tiny: Path, controlling: bool
) -> None:
    started = time.monotonic()
    status, _, said = _in_a_terminal(
        home,
        ["start", str(tiny), "--no-sound", "--no-check-in", "--speed", "4", "--record"],
        controlling=controlling,
        hang_up_after=2.5,  # past the first hold (1.25 s of the routine's 4.5)
    )
    assert status == 129
    assert said == ""  # no traceback (and nowhere to say anything)
    assert time.monotonic() - started < 10  # it did not play on blind
    with sqlite3.connect(home / "history.sqlite3") as db:
        assert db.execute("SELECT outcome, ended_at IS NOT NULL FROM sessions").fetchall() == [
            ("partial", 1)
        ]
        statuses = [row[0] for row in db.execute("SELECT status FROM session_exercises")]
    assert statuses[-1] == "stopped"


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_a_terminal_without_the_players_characters_plays_plain(
    home: Path, tiny: Path, encoding: str
) -> None:
    status, shown, said = _in_a_terminal(
        home,
        ["start", str(tiny), "--no-sound", "--no-check-in", "--speed", "20"],
        controlling=True,
        hang_up_after=None,
        environment={"PYTHONIOENCODING": encoding},
    )
    assert status == 0, said
    assert "Traceback" not in said
    assert b"\x1b[?1049h" not in shown  # never took the alternate screen
    assert b"\x1b[?25l" not in shown  # nor hid the cursor
    assert b"[00:00] Get ready: Turn" in shown
    assert b"Finished" in shown and b"2 done" in shown


class FakePlayer:
    def __init__(self, error: BaseException) -> None:
        self.error = error
        self.quit_called = False

    def run(self, wait: object, bindings: object = None) -> None:
        raise self.error

    def quit(self) -> None:
        self.quit_called = True
        raise OSError(errno.EIO, "Input/output error")  # its screen is gone too


@pytest.mark.parametrize(
    ("error", "status"),
    [(OSError(errno.EIO, "Input/output error"), 129), (SystemExit(143), 143)],
    ids=["EIO", "SIGTERM"],
)
def test_the_player_is_quit_on_the_way_out(error: BaseException, status: int) -> None:
    player = FakePlayer(error)
    with pytest.raises(SystemExit) as ended:
        run_module._run_calmly(player, lambda timeout: [])  # type: ignore[arg-type]
    assert ended.value.code == status
    assert player.quit_called


def test_another_os_error_is_not_a_hang_up() -> None:
    player = FakePlayer(OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(OSError):
        run_module._run_calmly(player, lambda timeout: [])  # type: ignore[arg-type]
    assert not player.quit_called


def test_an_eio_while_a_hang_up_cleans_up_keeps_its_status(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import io

    from backpain_cli import cli as cli_package

    def hung_up(**_: object) -> None:
        try:
            raise SystemExit(129)
        finally:
            raise OSError(errno.EIO, "Input/output error")  # the screen, put back

    monkeypatch.setattr(cli_package.cli, "main", hung_up)
    out = (tmp_path / "out").open("w")
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with pytest.raises(SystemExit) as ended:
        cli_package.main()
    assert ended.value.code == 129
    assert sys.stderr.getvalue() == ""


def test_an_output_that_cannot_show_the_players_characters_replaces_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    from backpain_cli import cli as cli_package

    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, "ascii", line_buffering=True)
    monkeypatch.setattr(sys, "argv", ["backpain", "--help"])
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with pytest.raises(SystemExit) as ended:
        cli_package.main()
    assert ended.value.code == 0
    assert stdout.errors == "replace"
    assert b"with pain before " in raw.getvalue()  # (click writes UTF-8 past an ascii layer)
