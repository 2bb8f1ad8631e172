"""`start` and history, through the command line on a real history file: previews are
not sessions (--speed, --record), notes (--note), resuming (--resume), counts_as at
start, and `history forget`."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_history_player import TINY, sessions

from backpain_cli.cli import cli
from backpain_cli.history.records import (
    ExerciseRecord,
    ExerciseStatus,
    SessionOutcome,
    SessionRecord,
)
from backpain_cli.history.store import open_for_recording

FAST = ["--plain", "--speed", "1000", "--no-sound"]


@pytest.fixture
def tiny(user_routines: Path) -> Path:
    path = user_routines / "tiny.yaml"
    path.write_text(TINY)
    return path


def test_a_sped_up_preview_is_not_recorded_and_says_so_once(
    runner: CliRunner, home: Path, tiny: Path
) -> None:
    result = runner.invoke(cli, ["start", "tiny", *FAST])
    assert result.exit_code == 0, result.output
    message = "backpain: not recorded: --speed 1000 is a preview (--record records it, marked"
    assert result.output.count(message) == 1
    assert not (home / "history.sqlite3").exists()  # not even created


def test_record_forces_it_and_every_output_says_sped_up(
    runner: CliRunner, home: Path, tiny: Path
) -> None:
    result = runner.invoke(cli, ["start", "tiny", *FAST, "--record"])
    assert result.exit_code == 0, result.output
    assert "not recorded" not in result.output
    [session] = sessions(home)
    assert session.speed == 1000 and session.sped_up
    table = runner.invoke(cli, ["history"]).output
    assert "completed, sped up ×1000" in table
    document = json.loads(runner.invoke(cli, ["history", "--json"]).output)
    assert (document["sessions"][0]["speed"], document["sessions"][0]["sped_up"]) == (1000, True)
    rows = runner.invoke(cli, ["history", "--csv"]).output.splitlines()
    assert rows[0].endswith(",session_id,speed,note")
    assert rows[1].endswith(f",{session.id},1000,")


def test_a_note_from_the_command_line(runner: CliRunner, home: Path, tiny: Path) -> None:
    note = 'left side "tight",\nafter the drive'
    result = runner.invoke(cli, ["start", "tiny", *FAST, "--record", "--note", note])
    assert result.exit_code == 0, result.output
    [session] = sessions(home)
    assert session.note == 'left side "tight", after the drive'  # one line
    table = runner.invoke(cli, ["history"]).output.splitlines()
    assert table[2] == '    note: left side "tight", after the drive'


def test_ask_note_off_in_the_config(home: Path) -> None:
    (home / "config.toml").write_text("ask_note = false\n")
    from backpain_cli.cli.common import load_settings

    assert load_settings().ask_note is False


def record_partial(
    home: Path,
    tiny: Path,
    exercises: tuple[ExerciseRecord, ...],
    *,
    started: datetime,
    seconds: int,
    pain_before: int | None = None,
) -> int:
    """A partial session of tiny that ended `seconds` after it started; its id."""
    history, _ = open_for_recording(home / "history.sqlite3")
    assert history is not None
    with history:
        history.add_sessions(
            [
                SessionRecord(
                    id=0,
                    routine="tiny",
                    routine_hash=hashlib.sha256(tiny.read_bytes()).hexdigest(),
                    started=started,
                    last_update=started + timedelta(seconds=seconds),
                    outcome=SessionOutcome.PARTIAL,
                    exercises_planned=3,
                    pain_before=pain_before,
                    ended=started + timedelta(seconds=seconds),
                    exercises=exercises,
                )
            ]
        )
        return history.sessions()[-1].id


def partial_today(home: Path, tiny: Path, *, started: datetime) -> int:
    """A session of tiny quit during its second exercise, as the player leaves it."""
    squeeze = ExerciseRecord(
        0, "squeeze", "Squeeze", ExerciseStatus.DONE,
        started, started + timedelta(seconds=9), 2, 2, 2,
    )  # fmt: skip
    rotation = ExerciseRecord(
        1, "rotation", "Rotation", ExerciseStatus.STOPPED,
        started + timedelta(seconds=9), started + timedelta(seconds=12), 0, 1, 2, ("left",),
    )  # fmt: skip
    return record_partial(
        home, tiny, (squeeze, rotation), started=started, seconds=12, pain_before=4
    )


def test_resume_continues_todays_partial_session_as_one(
    runner: CliRunner, home: Path, tiny: Path
) -> None:
    started = datetime.now(timezone.utc) - timedelta(minutes=1)
    session_id = partial_today(home, tiny, started=started)
    result = runner.invoke(cli, ["start", "tiny", *FAST, "--record", "--resume"])
    assert result.exit_code == 0, result.output
    assert "Squeeze — hold" not in result.output  # from where it stopped: rotation
    assert "Rotation — LEFT side — hold" in result.output
    [session] = sessions(home)
    assert session.id == session_id
    assert session.outcome is SessionOutcome.COMPLETED
    assert [e.status for e in session.exercises] == [ExerciseStatus.DONE] * 3
    assert session.pain_before == 4  # kept
    again = runner.invoke(cli, ["start", "tiny", *FAST, "--record", "--resume"])
    assert again.exit_code == 2
    assert "nothing to resume: no unfinished session of tiny from today" in again.output


def test_resume_refuses_yesterdays_session_and_a_changed_routine(
    runner: CliRunner, home: Path, tiny: Path
) -> None:
    partial_today(home, tiny, started=datetime.now(timezone.utc) - timedelta(days=2))
    result = runner.invoke(cli, ["start", "tiny", *FAST, "--record", "--resume"])
    assert (result.exit_code, "nothing to resume" in result.output) == (2, True)
    assert "Traceback" not in result.output
    partial_today(home, tiny, started=datetime.now(timezone.utc) - timedelta(minutes=5))
    tiny.write_text(TINY.replace("title: Tiny routine", "title: Tiny routine, changed"))
    result = runner.invoke(cli, ["start", "tiny", *FAST, "--record", "--resume"])
    assert result.exit_code == 2
    assert "cannot resume: tiny has changed since that session" in result.output
    assert len(sessions(home)) == 2  # nothing added


@pytest.mark.parametrize("other", [["--no-history"], ["--from", "2"]])
def test_resume_is_refused_without_history_or_with_from(
    runner: CliRunner, home: Path, tiny: Path, other: list[str]
) -> None:
    partial_today(home, tiny, started=datetime.now(timezone.utc) - timedelta(minutes=1))
    result = runner.invoke(cli, ["start", "tiny", *FAST, "--record", "--resume", *other])
    assert result.exit_code == 2
    assert result.output == (
        "backpain: --resume continues a recorded session: not with --no-history or --from\n"
    )
    assert [s.outcome for s in sessions(home)] == [SessionOutcome.PARTIAL]  # untouched


def test_resume_after_a_session_that_went_to_its_end_skipping_one(
    runner: CliRunner, home: Path, tiny: Path
) -> None:
    """Finished, with rotation skipped: a partial session, but nothing in it stopped
    half-way; the skipped exercise stays skipped."""
    started = datetime.now(timezone.utc) - timedelta(minutes=2)
    statuses = [ExerciseStatus.DONE, ExerciseStatus.SKIPPED, ExerciseStatus.DONE]
    exercises = tuple(
        ExerciseRecord(
            position=position,
            exercise_id=exercise_id,
            name=exercise_id.title(),
            status=status,
            started=started + timedelta(seconds=10 * position),
            ended=started + timedelta(seconds=10 * position + 9),
        )
        for position, (exercise_id, status) in enumerate(
            zip(["squeeze", "rotation", "ball"], statuses, strict=True)
        )
    )
    record_partial(home, tiny, exercises, started=started, seconds=30)
    result = runner.invoke(cli, ["start", "tiny", *FAST, "--record", "--resume"])
    assert result.exit_code == 2
    assert result.output == (
        "backpain: nothing to resume: today's session of tiny went to its end "
        "(`backpain start tiny` starts a new one)\n"
    )
    assert len(sessions(home)) == 1  # nothing added


def test_counts_as_is_recorded_and_a_missing_one_is_said(
    runner: CliRunner, home: Path, user_routines: Path
) -> None:
    text = TINY.replace("name: tiny", "name: desk").replace("frequency: 2 per day\n", "")
    (user_routines / "desk.yaml").write_text(
        text.replace("title:", "counts_as: upper-back\ntitle:")
    )
    result = runner.invoke(cli, ["start", "desk", *FAST, "--record"])
    assert result.exit_code == 0, result.output
    [session] = sessions(home)
    assert session.counts_as == "upper-back"
    (user_routines / "desk.yaml").write_text(text.replace("title:", "counts_as: nowhere\ntitle:"))
    result = runner.invoke(cli, ["start", "desk", *FAST, "--record"])
    assert result.exit_code == 0, result.output
    assert (
        "backpain: desk: counts_as names 'nowhere', which is not a routine; this session "
        "counts toward desk itself"
    ) in result.output
    assert sessions(home)[-1].counts_as == ""


# -- history forget ---------------------------------------------------------------


def three_sessions(runner: CliRunner, tiny: Path) -> None:
    for _ in range(3):
        assert runner.invoke(cli, ["start", "tiny", *FAST, "--record"]).exit_code == 0


def test_forget_one_session_with_yes(runner: CliRunner, home: Path, tiny: Path) -> None:
    three_sessions(runner, tiny)
    first, second, third = sessions(home)
    result = runner.invoke(cli, ["history", "forget", str(second.id), "--yes"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"Forgot session {second.id} (tiny, ")
    assert [s.id for s in sessions(home)] == [first.id, third.id]
    count = sqlite3.connect(home / "history.sqlite3").execute(
        "SELECT count(*) FROM session_exercises WHERE session_id = ?", (second.id,)
    )
    assert count.fetchone()[0] == 0


def test_forget_asks_first(
    runner: CliRunner, home: Path, tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backpain_cli.cli import common

    three_sessions(runner, tiny)
    target = sessions(home)[0]
    monkeypatch.setattr(common, "interactive", lambda: True)
    kept = runner.invoke(cli, ["history", "forget", str(target.id)], input="n\n")
    assert kept.exit_code == 0
    assert f"Forget session {target.id} (tiny, " in kept.output
    assert "Nothing was forgotten." in kept.output
    assert len(sessions(home)) == 3
    gone = runner.invoke(cli, ["history", "forget", str(target.id)], input="y\n")
    assert gone.exit_code == 0
    assert len(sessions(home)) == 2


def test_forget_without_a_person_or_an_unknown_session(
    runner: CliRunner, home: Path, tiny: Path
) -> None:
    three_sessions(runner, tiny)
    target = sessions(home)[0]
    result = runner.invoke(cli, ["history", "forget", str(target.id)])
    assert result.exit_code == 2
    assert "add --yes to confirm without a question" in result.output
    assert len(sessions(home)) == 3
    missing = runner.invoke(cli, ["history", "forget", "999", "--yes"])
    assert missing.exit_code == 2
    assert "no session 999 in the history" in missing.output
    assert "Traceback" not in missing.output


def test_forget_without_any_history(runner: CliRunner, home: Path) -> None:
    result = runner.invoke(cli, ["history", "forget", "1", "--yes"])
    assert result.exit_code == 2
    assert (
        result.stderr == "backpain: no session 1 in the history (`backpain history` lists them)\n"
    )
    assert not (home / "history.sqlite3").exists()  # nothing was made to forget nothing


def test_forget_a_session_another_backpain_forgot_while_it_asked(
    runner: CliRunner, home: Path, tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import click

    from backpain_cli.cli import common
    from backpain_cli.history.store import open_for_reading

    three_sessions(runner, tiny)
    target = sessions(home)[0]

    def yes_but_meanwhile(*args: object, **kwargs: object) -> bool:
        other = open_for_reading(home / "history.sqlite3")  # `backpain history forget --yes`
        assert other is not None
        with other:
            assert other.forget(target.id)
        return True

    monkeypatch.setattr(common, "interactive", lambda: True)
    monkeypatch.setattr(click, "confirm", yes_but_meanwhile)
    result = runner.invoke(cli, ["history", "forget", str(target.id)])
    assert result.exit_code == 2
    assert result.stderr == f"backpain: no session {target.id} in the history\n"
    assert len(sessions(home)) == 2
