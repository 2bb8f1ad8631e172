"""Every Ctrl-C ends `backpain start` calmly: like `q` (summary, exit 0) once the routine
has begun, quietly with 130 before it begins; never click's "Aborted!" (exit 1).

A Ctrl-C is normally a key (see test_keys and the pexpect tests); these tests cover a
KeyboardInterrupt that interrupts whatever was running (a Ctrl-C while the program was
stuck, or one outside the player's own key reading), in process.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

import pytest
from click.testing import CliRunner

from backpain_cli.cli import cli
from backpain_cli.history.store import open_for_reading
from backpain_cli.player import keys as keys_module
from backpain_cli.player.engine import ExerciseOutcome, Player
from backpain_cli.player.run import _run_calmly
from backpain_cli.routines.model import Exercise, Routine
from backpain_cli.routines.timeline import build_timeline

TINY = """\
version: 1
name: tiny
title: Tiny routine
defaults: {prepare: 1, rest: 1}
exercises:
  - {id: squeeze, name: Squeeze, hold: 2, reps: 2, instructions: [Squeeze.]}
  - {id: ball, name: Ball, hold: 3, instructions: [Lean.]}
"""
ARGS = ["start", "tiny", "--plain", "--no-sound"]


@pytest.fixture
def tiny(user_routines: Path) -> Path:
    path = user_routines / "tiny.yaml"
    path.write_text(TINY)
    return path


class InterruptedKeys:
    """A key reader whose `read` is interrupted (KeyboardInterrupt) on its nth call."""

    is_terminal = False

    def __init__(self, nth: int) -> None:
        self.nth = nth
        self.calls = 0

    def __enter__(self) -> InterruptedKeys:
        if self.nth == 0:
            raise KeyboardInterrupt
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        return None

    def read(self, timeout: float | None) -> list[str]:
        self.calls += 1
        if self.calls == self.nth:
            raise KeyboardInterrupt
        return []


def interrupt_keys(monkeypatch: pytest.MonkeyPatch, nth: int) -> None:
    monkeypatch.setattr(keys_module, "key_reader", lambda fd: InterruptedKeys(nth))


def test_an_interrupt_mid_routine_ends_like_q(
    runner: CliRunner, home: Path, tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    interrupt_keys(monkeypatch, 3)  # --speed 1: still in the first prepare
    result = runner.invoke(cli, ARGS)
    assert result.exit_code == 0, result.output
    assert "Aborted" not in result.output
    lines = result.output.split("\n")
    assert lines[0] == "Tiny routine — 2 exercises, 0:10"
    assert lines[3:7] == [
        "[00:00] stopped",
        "Stopped: Tiny routine",
        "  stopped     Squeeze  0 of 2 holds",
        "  not reached Ball     0 of 1 holds",
    ]
    history = open_for_reading(home / "history.sqlite3")
    assert history is not None
    with history:  # stopped before any hold ended: a try-out, not a session
        assert history.sessions(with_exercises=True) == []


def test_an_interrupt_before_the_routine_begins_is_quiet(
    runner: CliRunner, home: Path, tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    interrupt_keys(monkeypatch, 0)  # while the key reader is being set up
    result = runner.invoke(cli, ARGS)
    assert result.exit_code == 130
    assert result.output == "\n"  # no "Aborted!", no summary
    history = open_for_reading(home / "history.sqlite3")
    assert history is not None
    with history:
        assert history.sessions() == []


def test_an_interrupt_while_loading_is_quiet(
    runner: CliRunner, tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backpain_cli.cli import start as cli_module

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_module, "load_for_start", interrupted)
    result = runner.invoke(cli, ARGS)
    assert (result.exit_code, result.output) == (130, "\n")


def test_an_interrupt_after_the_summary_still_exits_0(
    runner: CliRunner, tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backpain_cli.cli import start as cli_module

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt  # e.g. during the check-in's set-up after the routine

    monkeypatch.setattr(cli_module, "check_out", interrupted)
    result = runner.invoke(cli, [*ARGS, "--speed", "1000"])
    assert result.exit_code == 0
    assert "Finished: Tiny routine" in result.output
    assert "Aborted" not in result.output


def test_an_interrupt_before_the_player_started_is_passed_on() -> None:
    exercise = Exercise(id="x", name="X", instructions=("x",), hold=1)
    timeline = build_timeline(Routine(name="r", title="R", exercises=(exercise,)))
    interrupted = [False]

    def clock() -> float:
        if not interrupted[0]:
            interrupted[0] = True
            raise KeyboardInterrupt
        return 0.0

    player = Player(timeline, clock=clock)
    with pytest.raises(KeyboardInterrupt):
        _run_calmly(player, lambda timeout: [])
    assert player.summary is None


def test_an_interrupt_while_finishing_keeps_the_finished_summary() -> None:
    exercise = Exercise(id="x", name="X", instructions=("x",), hold=1, prepare=0)
    timeline = build_timeline(Routine(name="r", title="R", exercises=(exercise,)))
    now = [0.0]

    class Interrupting:
        def handle(self, event: object) -> None:
            if type(event).__name__ == "Finished":
                raise KeyboardInterrupt  # a listener interrupted at the very end

    def wait(timeout: float | None) -> list[str]:
        now[0] += timeout or 0
        return []

    player = Player(timeline, clock=lambda: now[0], listeners=[Interrupting()])
    summary = _run_calmly(player, wait)
    assert not summary.quit
    assert summary.results[0].outcome is ExerciseOutcome.DONE
