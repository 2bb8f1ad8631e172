"""`backpain start` end to end in a real pseudo-terminal (pexpect): keys, screen, exit paths.

Each test runs a shell in an 80x24 pseudo-terminal, notes `stty -g`, runs the player,
and checks that the terminal modes afterwards are exactly the ones before.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

TINY = """\
version: 1
name: tiny
title: Tiny test routine
exercises:
  - id: turn
    name: Turn
    hold: 3
    reps: 2
    sides: [left, right]
    rest: 1
    prepare: 1
    instructions: [Turn slowly.]
  - id: squeeze
    name: Squeeze
    hold: 2
    prepare: 0
    instructions: [Squeeze gently.]
"""
PROMPT = "READY> "
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def plain(text: str) -> str:
    return ESCAPES.sub("", text).replace("\r", "")


QUIET = "--no-sound --no-check-in --no-history"


class Shell:
    def __init__(self, home: Path) -> None:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(home),
            "BACKPAIN_HOME": str(home),
            "TERM": "xterm-256color",
            "PS1": PROMPT,
            "LANG": "C.UTF-8",
        }
        self.child = pexpect.spawn(
            "bash",
            ["--norc", "--noprofile"],
            dimensions=(24, 80),
            env=env,
            encoding="utf-8",
            timeout=20,
        )
        self.child.expect_exact(PROMPT)

    def run(self, command: str) -> str:
        """Output of a quick command, without its echo."""
        self.child.sendline(command)
        self.child.expect_exact(PROMPT)
        return plain(self.child.before).split("\n", 1)[1].strip()

    def modes(self) -> str:
        return self.run("stty -g")

    def player_pid(self) -> int:
        """The pid of the player, a child of the shell."""
        for _ in range(100):
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.child.pid:
                    return int(entry.name)
            time.sleep(0.05)
        raise AssertionError("the player did not start")

    def close(self) -> None:
        self.child.sendline("exit")
        self.child.close(force=True)


@pytest.fixture
def shell(home: Path) -> Iterator[Shell]:
    session = Shell(home)
    yield session
    session.close()


@pytest.fixture
def routine(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY)
    return path


def player(routine: Path, options: str) -> str:
    return f"{sys.executable} -m backpain_cli start {routine} {QUIET} {options}"


def test_keys_screen_and_terminal_modes(shell: Shell, routine: Path) -> None:
    before = shell.modes()
    child = shell.child
    child.sendline(player(routine, "--speed 2"))
    child.expect_exact("\x1b[?1049h")  # the alternate screen
    child.expect_exact("Get ready")
    child.expect_exact("Turn slowly.")
    child.expect_exact("space pause  n next  b back  s skip")  # the key line
    child.expect_exact("LEFT SIDE")  # the first hold, after a 1 s prepare at speed 2
    child.expect_exact("rep 1 of 2")
    child.send(" ")
    child.expect_exact("PAUSED · ")
    child.send(" ")
    child.send("n")
    child.expect_exact("REST")
    child.expect_exact("switch sides")
    child.send("?")
    child.expect_exact("restart step; twice: go back")
    child.send("q")
    child.expect_exact("\x1b[?1049l")  # back from the alternate screen
    child.expect_exact(PROMPT)
    summary = plain(child.before).strip().split("\n")
    assert summary == [
        "Stopped: Tiny test routine",
        "  stopped     Turn     0 of 4 holds",
        "  not reached Squeeze  0 of 1 holds",
        summary[3],
        "If anything hurt, stop and talk to your healthcare provider.",
    ]
    assert summary[3].startswith("0 done, 1 stopped, 1 not reached · time 0:0")
    assert shell.run("echo $?") == "0"
    assert shell.modes() == before


def test_a_routine_to_the_end(shell: Shell, routine: Path) -> None:
    before = shell.modes()
    child = shell.child
    child.sendline(player(routine, "--speed 40 --from squeeze"))
    child.expect_exact("Squeeze")
    child.expect_exact(PROMPT)
    output = plain(child.before)
    assert "Finished: Tiny test routine\n  done        Squeeze  1 of 1 holds\n1 done" in output
    assert shell.run("echo $?") == "0"
    assert shell.modes() == before


def test_ctrl_c_quits_with_a_summary(shell: Shell, routine: Path) -> None:
    before = shell.modes()
    child = shell.child
    child.sendline(player(routine, ""))
    child.expect_exact("Get ready")
    child.sendcontrol("c")
    child.expect_exact(PROMPT)
    assert "Stopped: Tiny test routine" in plain(child.before)
    assert shell.run("echo $?") == "0"
    assert shell.modes() == before


def test_ctrl_c_again_and_again_quits_like_once(shell: Shell, routine: Path) -> None:
    before = shell.modes()
    child = shell.child
    child.sendline(player(routine, ""))
    child.expect_exact("Get ready")
    child.send("\x03\x03\x03")  # three Ctrl-Cs in one go
    child.expect_exact(PROMPT)
    output = plain(child.before)
    assert "Stopped: Tiny test routine" in output
    assert "Aborted" not in output
    assert "Traceback" not in output
    assert shell.run("echo $?") == "0"
    assert shell.modes() == before


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_kill_restores_the_terminal(shell: Shell, routine: Path, signum: int) -> None:
    before = shell.modes()
    child = shell.child
    child.sendline(player(routine, ""))
    child.expect_exact("Get ready")
    os.kill(shell.player_pid(), signum)
    child.expect_exact(PROMPT)
    output: str = child.before
    assert "\x1b[?1049l" in output
    assert "\x1b[?25h" in output
    assert "Traceback" not in output
    assert shell.run("echo $?") == str(128 + signum)
    assert shell.modes() == before


def test_plain_through_a_pipe(shell: Shell, routine: Path) -> None:
    before = shell.modes()
    # --speed 10: a routine second is 100 ms, so a busy machine does not shift the time stamps.
    output = shell.run(player(routine, "--speed 10 | cat; echo status=${PIPESTATUS[0]}"))
    lines = output.split("\n")
    assert lines[1].startswith("Keys: space pause, n next")  # keys work: stdin is the terminal
    assert [lines[0], *lines[2:4]] == [
        "Tiny test routine — 2 exercises, 0:18",
        "[00:00] Get ready: Turn — 1 s",
        "        1. Turn slowly.",
    ]
    assert "[00:01] Turn — LEFT side — hold 3 s — rep 1 of 2" in output
    assert "[00:04] rest 1 s — switch sides — next: hold 3 s · rep 1 of 2 · RIGHT side" in output
    assert "[00:18] finished" in output
    assert "Finished: Tiny test routine" in output
    assert "\x1b" not in output  # no escape sequences into a pipe
    assert "\x07" not in output  # nor bells
    assert output.endswith("status=0")
    assert shell.modes() == before


def test_plain_into_a_pipe_that_closes_early(shell: Shell, routine: Path) -> None:
    output = shell.run(
        player(
            routine,
            "--speed 20 2>/tmp/stderr-$$ | head -1; echo status=${PIPESTATUS[0]}; "
            "cat /tmp/stderr-$$; rm /tmp/stderr-$$",
        )
    )
    assert output.split("\n") == ["Tiny test routine — 2 exercises, 0:18", "status=0"]
