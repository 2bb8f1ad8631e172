"""Every `backpain start` is recorded: through the command, in real processes killed with
SIGKILL mid-routine, two players at once, and the pain check-ins in a real terminal."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from backpain_cli.cli import cli
from backpain_cli.history.records import ExerciseStatus, SessionOutcome, SessionRecord
from backpain_cli.history.store import open_for_reading

TINY = """\
version: 1
name: tiny
title: Tiny routine
frequency: 2 per day
defaults: {prepare: 1, rest: 1, set_rest: 1}
exercises:
  - id: squeeze
    name: Squeeze
    hold: 2
    reps: 2
    instructions: [Squeeze.]
  - id: rotation
    name: Rotation
    hold: 2
    reps: 1
    sides: [left, right]
    instructions: [Turn.]
  - id: ball
    name: Ball
    hold: 3
    instructions: [Lean.]
"""
# A slow routine for the kill test: 3 exercises of 60 s holds; at --speed 60 each takes
# about a second, so a kill after ~1.5 s lands in the second exercise.
SLOW = """\
version: 1
name: slow
title: Slow routine
defaults: {prepare: 1, rest: 1}
exercises:
  - {id: first, name: First, hold: 60, instructions: [One.]}
  - {id: second, name: Second, hold: 60, instructions: [Two.]}
  - {id: third, name: Third, hold: 60, instructions: [Three.]}
"""
BACKPAIN = [sys.executable, "-m", "backpain_cli"]


@pytest.fixture
def tiny(user_routines: Path) -> Path:
    path = user_routines / "tiny.yaml"
    path.write_text(TINY)
    return path


def execute(home: Path, sql: str) -> None:
    connection = sqlite3.connect(home / "history.sqlite3")
    connection.execute(sql)
    connection.commit()
    connection.close()


def sessions(home: Path) -> list[SessionRecord]:
    history = open_for_reading(home / "history.sqlite3")
    assert history is not None
    with history:
        return history.sessions(with_exercises=True)


def test_start_records_the_session(runner: CliRunner, home: Path, tiny: Path) -> None:
    result = runner.invoke(
        cli, ["start", "tiny", "--plain", "--speed", "1000", "--record", "--no-sound"]
    )
    assert result.exit_code == 0, result.output
    [session] = sessions(home)
    assert session.routine == "tiny"
    assert session.routine_hash == hashlib.sha256(tiny.read_bytes()).hexdigest()
    assert session.outcome is SessionOutcome.COMPLETED
    assert (session.pain_before, session.pain_after) == (None, None)  # no terminal: no question
    assert [e.exercise_id for e in session.exercises] == ["squeeze", "rotation", "ball"]
    assert session.exercises[1].sides_done == ("left", "right")
    assert "Pain now" not in result.output
    code = runner.invoke(cli, ["today", "tiny"]).exit_code
    assert code == 1  # one of two done


def test_no_history_records_nothing(runner: CliRunner, home: Path, tiny: Path) -> None:
    result = runner.invoke(
        cli, ["start", "tiny", "--plain", "--speed", "1000", "--record", "--no-history"]
    )
    assert result.exit_code == 0
    assert not (home / "history.sqlite3").exists()


def test_a_damaged_history_stops_start_before_it_plays(
    runner: CliRunner, home: Path, tiny: Path
) -> None:
    path = home / "history.sqlite3"
    path.write_bytes(b"garbage" * 200)
    result = runner.invoke(cli, ["start", "tiny", "--plain", "--speed", "1000", "--record"])
    assert result.exit_code == 2
    assert result.output.startswith(
        f"backpain: {path}: the history database is damaged (file is not a database). "
        "It was left untouched"
    )
    assert "or use --no-history." in result.output
    assert "Squeeze" not in result.output
    assert path.read_bytes() == b"garbage" * 200
    ok = runner.invoke(
        cli, ["start", "tiny", "--plain", "--speed", "1000", "--record", "--no-history"]
    )
    assert ok.exit_code == 0


def test_history_that_cannot_be_written_is_a_warning(
    runner: CliRunner, home: Path, tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = home / "data-is-a-file"
    blocker.write_text("")
    from backpain_cli import locations as locations_module

    real = locations_module.locations_from_environment

    def moved(environ: object) -> object:
        found = real(environ)  # type: ignore[arg-type]
        return type(found)(found.config_dir, blocker / "data", found.builtin_routines)

    monkeypatch.setattr(locations_module, "locations_from_environment", moved)
    result = runner.invoke(
        cli, ["start", "tiny", "--plain", "--speed", "1000", "--record", "--no-sound"]
    )
    assert result.exit_code == 0
    assert f"backpain: history is off: cannot create {blocker / 'data'} (" in result.output
    assert "Finished: Tiny routine" in result.output


def test_a_failure_during_the_session_is_reported_at_the_end(
    runner: CliRunner, home: Path, tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backpain_cli.errors import HistoryError
    from backpain_cli.history.store import History

    def broken(*_: object, **__: object) -> None:
        raise HistoryError("disk full")

    monkeypatch.setattr(History, "record_exercise", broken)
    result = runner.invoke(
        cli, ["start", "tiny", "--plain", "--speed", "1000", "--record", "--no-sound"]
    )
    assert result.exit_code == 0
    assert result.output.count("history: recording stopped: disk full") == 2  # line + end
    assert result.output.endswith("backpain: history: recording stopped: disk full\n")


def test_show_flags_exercises_that_hurt_last_time(
    runner: CliRunner, home: Path, tiny: Path
) -> None:
    assert "Hurt last time" not in runner.invoke(cli, ["show", "tiny"]).output
    runner.invoke(cli, ["start", "tiny", "--plain", "--speed", "1000", "--record"])
    assert "Hurt last time" not in runner.invoke(cli, ["show", "tiny"]).output
    execute(
        home,
        "UPDATE session_exercises SET status = 'stopped-for-pain' "
        "WHERE exercise_id IN ('squeeze', 'ball')",
    )
    output = runner.invoke(cli, ["show", "tiny"]).output
    assert output.endswith(
        "Hurt last time: Squeeze, Ball. `backpain start tiny` flags them; press s to skip.\n"
    )
    execute(home, "UPDATE session_exercises SET status = 'done' WHERE exercise_id = 'ball'")
    output = runner.invoke(cli, ["show", "tiny"]).output
    assert output.endswith(
        "Hurt last time: Squeeze. `backpain start tiny` flags it; press s to skip.\n"
    )
    (home / "history.sqlite3").write_bytes(b"damaged" * 100)
    assert runner.invoke(cli, ["show", "tiny"]).exit_code == 0  # still shows the routine


# -- real processes ---------------------------------------------------------------


def _environment(home: Path) -> dict[str, str]:
    env = dict(os.environ, BACKPAIN_HOME=str(home), TERM="dumb")
    env.pop("NO_COLOR", None)
    return env


def test_sigkill_mid_routine_keeps_the_finished_exercises(home: Path, user_routines: Path) -> None:
    (user_routines / "slow.yaml").write_text(SLOW)
    player = subprocess.Popen(
        [*BACKPAIN, "start", "slow", "--plain", "--speed", "60", "--record", "--no-sound"],
        env=_environment(home),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert player.stdout is not None
    for line in player.stdout:  # wait until the player is inside the second exercise
        if "Second — hold 60 s" in line:
            break
    else:  # pragma: no cover - the player ended early
        pytest.fail("the player never reached the second exercise")
    player.send_signal(signal.SIGKILL)
    player.wait(timeout=10)
    assert player.returncode == -signal.SIGKILL
    [session] = sessions(home)
    assert session.outcome is SessionOutcome.PARTIAL
    assert session.ended is None
    assert [(e.exercise_id, e.status) for e in session.exercises] == [
        ("first", ExerciseStatus.DONE)
    ]
    assert session.duration_seconds > 0
    code = subprocess.run(
        [*BACKPAIN, "history", "--csv"], env=_environment(home), capture_output=True, text=True
    )
    assert ",slow," in code.stdout and ",partial," in code.stdout


def test_a_closed_terminal_ends_the_session_when_it_closed(home: Path, user_routines: Path) -> None:
    """SIGHUP (the terminal window closed) mid-exercise: the session ends then, partial,
    so `history` shows the time it ran, not the time up to its last finished exercise
    (0:00 when that was the start)."""
    from datetime import datetime, timezone

    (user_routines / "slow.yaml").write_text(SLOW)
    player = subprocess.Popen(
        [*BACKPAIN, "start", "slow", "--plain", "--speed", "60", "--record", "--no-sound"],
        env=_environment(home),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert player.stdout is not None
    for line in player.stdout:
        if "Second — hold 60 s" in line:
            break
    else:  # pragma: no cover - the player ended early
        pytest.fail("the player never reached the second exercise")
    closed = datetime.now(timezone.utc)
    player.send_signal(signal.SIGHUP)
    player.wait(timeout=10)
    [session] = sessions(home)
    assert session.outcome is SessionOutcome.PARTIAL
    assert session.ended is not None and session.ended >= closed.replace(microsecond=0)
    assert session.exercises[-1].ended <= session.ended


QUIET_FAST_PLAIN = ["--plain", "--speed", "10", "--record", "--no-sound", "--no-check-in"]


def test_two_players_at_once_both_record(home: Path, tiny: Path) -> None:
    # Both start at the same moment (both open the new database). Each has a space
    # typed ahead, so it pauses as soon as it has begun its session; only when both
    # are paused are they resumed. So the two sessions overlap on any machine, however
    # loaded, and the routine stays short.
    pexpect = pytest.importorskip("pexpect")
    players = [
        pexpect.spawn(
            BACKPAIN[0],
            [*BACKPAIN[1:], "start", "tiny", *QUIET_FAST_PLAIN],
            env=_environment(home),
            encoding="utf-8",
            timeout=30,
        )
        for _ in range(2)
    ]
    for player in players:
        player.send(" ")
    for player in players:
        player.expect_exact("paused — press space to resume")
    for player in players:
        player.send(" ")
    for player in players:
        player.expect(pexpect.EOF)
        player.close()
    assert [player.exitstatus for player in players] == [0, 0], [p.before for p in players]
    recorded = sessions(home)
    assert len(recorded) == 2
    assert all(s.outcome is SessionOutcome.COMPLETED and len(s.exercises) == 3 for s in recorded)
    # They really overlapped.
    first, second = recorded
    assert second.started < first.ended  # type: ignore[operator]


# -- a real terminal --------------------------------------------------------------


def test_check_ins_and_the_p_key_in_a_terminal(home: Path, tiny: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(
        BACKPAIN[0],
        [*BACKPAIN[1:], "start", "tiny", "--plain", "--speed", "4", "--record", "--no-sound"],
        env=_environment(home),
        encoding="utf-8",
        timeout=20,
        dimensions=(24, 80),
    )
    child.expect_exact("Pain now, 0–10?")
    child.send("1")
    child.send("0")
    child.expect_exact("10\r\n")
    child.expect_exact("Squeeze — hold 2 s")
    child.send("p")
    child.expect_exact("paused — press space to resume")
    child.expect_exact("Stopped: Squeeze.")
    child.expect_exact("Press space to go on to the next exercise (q quits).")
    time.sleep(0.5)  # waits for a key: nothing moves
    assert "Rotation — LEFT side" not in child.before
    child.send("x")
    child.expect_exact("Rotation — LEFT side — hold 2 s")
    child.expect_exact("  hurt        Squeeze   0 of 2 holds")  # the summary
    child.expect_exact("2 done, 1 hurt · time ")
    child.expect_exact("Stopped because it hurt: Squeeze. Next time it is flagged; s skips it.")
    child.expect_exact("Pain now, 0–10?")
    child.send("3")
    # The note for the therapist: one line after the closing question.
    child.expect_exact("Anything to tell your therapist? (Enter skips) ")
    child.sendline('said "ouch",   left side')
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    [session] = sessions(home)
    assert (session.pain_before, session.pain_after) == (10, 3)
    assert session.note == 'said "ouch", left side'
    assert [e.status for e in session.exercises] == [
        ExerciseStatus.STOPPED_FOR_PAIN,
        ExerciseStatus.DONE,
        ExerciseStatus.DONE,
    ]
    assert session.outcome is SessionOutcome.COMPLETED

    # --no-history asks nothing it would drop, and still flags what hurt last time.
    child = pexpect.spawn(
        BACKPAIN[0],
        [*BACKPAIN[1:], "start", "tiny", "--plain", "--speed", "4", "--no-history"],
        env=_environment(home),
        encoding="utf-8",
        timeout=20,
    )
    child.expect_exact("Squeeze hurt last time: press s to skip it.")
    child.expect(pexpect.EOF)
    child.close()
    assert "Pain now" not in child.before and "therapist?" not in child.before
    assert len(sessions(home)) == 1

    # The next start flags it, and no check-in with --no-check-in.
    child = pexpect.spawn(
        BACKPAIN[0],
        [*BACKPAIN[1:], "start", "tiny", "--plain", "--speed", "4", "--record", "--no-check-in"],
        env=_environment(home),
        encoding="utf-8",
        timeout=20,
    )
    child.expect_exact("Squeeze hurt last time: press s to skip it.")
    child.send("s")
    child.expect_exact("skipped: Squeeze")
    child.expect(pexpect.EOF)
    child.close()
    assert "Pain now" not in child.before
    latest = sessions(home)[-1]
    assert latest.exercises[0].status is ExerciseStatus.SKIPPED
    assert latest.pain_before is None


def test_ctrl_c_at_the_first_check_in_starts_nothing(home: Path, tiny: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    child = pexpect.spawn(
        BACKPAIN[0],
        [*BACKPAIN[1:], "start", "tiny", "--speed", "4", "--record"],
        env=_environment(home),
        encoding="utf-8",
        timeout=20,
    )
    child.expect_exact("Pain now, 0–10?")
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert sessions(home) == []


def test_q_at_the_first_check_in_leaves_and_p_then_q_still_asks(home: Path, tiny: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    args = [*BACKPAIN[1:], "start", "tiny", "--plain", "--speed", "4", "--record", "--no-sound"]
    child = pexpect.spawn(BACKPAIN[0], args, env=_environment(home), encoding="utf-8", timeout=20)
    child.expect_exact("Pain now, 0–10?")
    child.send("q")  # was ignored: only Ctrl-C left
    child.expect_exact("Not started: nothing was played or recorded.")  # was silent
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert sessions(home) == []
    child = pexpect.spawn(BACKPAIN[0], args, env=_environment(home), encoding="utf-8", timeout=20)
    child.expect_exact("Pain now, 0–10?")
    child.send("4")
    child.expect_exact("Squeeze — hold 2 s")
    child.send("p")
    child.expect_exact("Press space to go on to the next exercise (q quits).")
    child.send("q")  # quit right after "this hurts": the rating matters most now
    child.expect_exact("Stopped: Tiny routine")
    child.expect_exact("Pain now, 0–10?")
    child.send("7")
    child.expect_exact("Anything to tell your therapist? (Enter skips) ")
    child.sendline("")  # Enter skips
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    [session] = sessions(home)
    assert (session.pain_before, session.pain_after) == (4, 7)
    assert session.note == ""


# -- the check-in wiring, in process ----------------------------------------------


def test_check_ins_are_recorded(
    runner: CliRunner, home: Path, tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backpain_cli.cli import start as start_module

    answers = iter([6, 4])
    monkeypatch.setattr(start_module, "can_ask", lambda: True)
    monkeypatch.setattr(start_module, "ask_pain", lambda: next(answers))
    result = runner.invoke(
        cli, ["start", "tiny", "--plain", "--speed", "1000", "--record", "--no-sound"]
    )
    assert result.exit_code == 0
    [session] = sessions(home)
    assert (session.pain_before, session.pain_after) == (6, 4)


def test_the_note_for_the_therapist_is_asked_after_the_last_check_in(
    runner: CliRunner, home: Path, tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backpain_cli.cli import start as start_module

    monkeypatch.setattr(start_module, "can_ask", lambda: True)
    monkeypatch.setattr(start_module, "ask_pain", lambda: 3)
    args = ["start", "tiny", "--plain", "--speed", "1000", "--record", "--no-sound"]
    result = runner.invoke(cli, args, input="stiff   after the drive\n")
    assert result.exit_code == 0
    assert result.output.endswith(
        "Anything to tell your therapist? (Enter skips) stiff   after the drive\n"
    )  # the prompt, and the answer as typed (CliRunner echoes what it reads)
    [session] = sessions(home)
    assert session.note == "stiff after the drive"


def test_no_check_in_after_quitting_and_none_with_the_option(
    runner: CliRunner, home: Path, tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backpain_cli.cli import start as start_module

    asked: list[str] = []
    monkeypatch.setattr(start_module, "can_ask", lambda: True)
    monkeypatch.setattr(start_module, "ask_pain", lambda: asked.append("asked") or 5)
    args = ["start", "tiny", "--plain", "--speed", "1000", "--record", "--no-check-in"]
    assert runner.invoke(cli, args).exit_code == 0
    assert asked == []
    assert sessions(home)[0].pain_before is None
    args = ["start", "tiny", "--plain", "--speed", "1000", "--record", "--no-history"]
    assert runner.invoke(cli, args).exit_code == 0
    assert asked == []  # nothing asked that would be dropped
    assert len(sessions(home)) == 1


def test_ctrl_c_at_the_questions(
    runner: CliRunner, home: Path, tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backpain_cli.cli import start as start_module
    from backpain_cli.player.check_in import CheckInCancelled

    def cancel() -> int:
        raise CheckInCancelled

    monkeypatch.setattr(start_module, "can_ask", lambda: True)
    monkeypatch.setattr(start_module, "ask_pain", cancel)
    result = runner.invoke(cli, ["start", "tiny", "--plain", "--speed", "1000", "--record"])
    assert result.exit_code == 130
    assert sessions(home) == []  # nothing started
    answers = iter([2])

    def once() -> int:
        for answer in answers:
            return answer
        raise CheckInCancelled

    monkeypatch.setattr(start_module, "ask_pain", once)
    result = runner.invoke(cli, ["start", "tiny", "--plain", "--speed", "1000", "--record"])
    assert result.exit_code == 0
    [session] = sessions(home)
    assert (session.pain_before, session.pain_after) == (2, None)


def test_the_question_reads_one_key_from_the_terminal(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from backpain_cli.cli import start as start_module
    from backpain_cli.player import run as run_module

    controller, terminal = os.openpty()
    try:
        monkeypatch.setattr(run_module, "stdin_fd", lambda: terminal)
        os.write(controller, b"7")
        assert start_module.ask_pain() == 7
    finally:
        os.close(controller)
        os.close(terminal)
    assert capsys.readouterr().out == "Pain now, 0–10? (0 none, 10 worst; Enter skips) 7\n"
    assert start_module.can_ask() is False  # pytest's stdin is no terminal


@pytest.mark.parametrize("history", [True, False])
def test_the_summary_says_what_hurt_is_flagged_only_with_history(
    runner: CliRunner, tiny: Path, monkeypatch: pytest.MonkeyPatch, history: bool
) -> None:
    from backpain_cli.player import run as run_module

    seen: dict[str, object] = {}
    real_play = run_module.play

    def play(*args: Any, **kwargs: Any) -> Any:
        seen.update(kwargs)
        return real_play(*args, **kwargs)

    monkeypatch.setattr(run_module, "play", play)
    args = ["start", "tiny", "--plain", "--speed", "1000", "--record", "--no-sound"]
    result = runner.invoke(cli, args if history else [*args, "--no-history"])
    assert result.exit_code == 0
    assert seen["tracker"].recording is history
    assert "Stopped because" not in result.output  # nothing hurt


def test_start_hashes_the_bytes_it_loaded_without_reading_the_file_again(tiny: Path) -> None:
    from backpain_cli.cli import common
    from backpain_cli.history.session import open_session

    _, routine = common.load("tiny")
    loaded = tiny.read_bytes()
    tiny.unlink()  # a second read of the file would fail
    with open_session(
        routine, history_file=common.locations().history_file, report=print
    ) as session:
        session.record(wall_clock=common.utc_now, pain_before=None)
        assert session.recorder is not None
        assert session.recorder.content_hash == hashlib.sha256(loaded).hexdigest()


def test_closing_the_session_twice_is_harmless(tiny: Path) -> None:
    from backpain_cli.cli import common
    from backpain_cli.history.session import open_session

    _, routine = common.load("tiny")
    session = open_session(routine, history_file=common.locations().history_file, report=print)
    session.close()
    session.close()


def test_without_history_the_flags_come_from_a_history_that_can_be_read(
    tiny: Path, tmp_path: Path
) -> None:
    """--no-history still flags what hurt last time, read from the history file (not
    written); a history that cannot be read (here a folder) or is not there flags
    nothing."""
    from backpain_cli.cli import common
    from backpain_cli.history.session import open_session

    _, routine = common.load("tiny")
    for path in (tmp_path, tmp_path / "none.sqlite3", None):
        with open_session(routine, history_file=None, report=print, hurt_from=path) as session:
            assert session.store is None
            assert session.hurt_last_time == []
