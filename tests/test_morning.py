"""The next-morning check: asked once, the day after a session of a routine that wants
it, at a terminal; stored, shown by `stats` and the report, read by the pain rule."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from backpain_cli.cli import cli
from backpain_cli.cli import common as cli_module
from backpain_cli.history.records import SessionOutcome, SessionRecord
from backpain_cli.history.store import open_for_reading, open_for_recording

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc)
ROUTINE = """\
version: 1
name: neck
title: Neck
morning_check: true
defaults: {prepare: 0, rest: 0}
exercises:
  - {id: one, name: One, hold: 3, instructions: [Hold still.]}
progression:
  advance_after: 5
  steps: [{one: {hold: 1}}, {one: {hold: 2}}]
  pain_rule: {when: worse-next-morning, times: 1, of: 3}
"""
QUESTION = (
    "Your back this morning, compared with before yesterday's session: better, same or "
    "worse? (Enter skips)"
)


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch, user_routines: Path) -> None:
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setattr(cli_module, "utc_now", lambda: NOW)
    monkeypatch.setattr(cli_module, "can_ask", lambda: True)
    (user_routines / "neck.yaml").write_text(ROUTINE)
    (user_routines / "quiet.yaml").write_text(
        ROUTINE.replace("name: neck", "name: quiet").replace("morning_check: true\n", "")
    )


def played(home: Path, routine: str, *hours_ago: int, speed: float = 1.0) -> None:
    history, _ = open_for_recording(home / "history.sqlite3")
    assert history is not None
    with history:
        history.add_sessions(
            SessionRecord(
                0,
                routine,
                "hash",
                NOW - timedelta(hours=hours),
                NOW - timedelta(hours=hours),
                SessionOutcome.COMPLETED,
                1,
                ended=NOW - timedelta(hours=hours),
                speed=speed,
                plan_step=1,
            )
            for hours in hours_ago
        )


def answers(home: Path) -> list[object]:
    history = open_for_reading(home / "history.sqlite3")
    assert history is not None
    with history, history.reading() as db:
        return [row[0] for row in db.execute("SELECT answer FROM morning_checks ORDER BY id")]


def test_asked_once_the_morning_after_and_kept(runner: CliRunner, home: Path) -> None:
    played(home, "neck", 14, 20)  # yesterday evening and morning
    first = runner.invoke(cli, ["today"], input="same\n")
    assert QUESTION in first.output
    assert answers(home) == ["same", "same"]  # for each of yesterday's sessions
    again = runner.invoke(cli, ["today"], input="")
    assert QUESTION not in again.output  # asked once
    stats = runner.invoke(cli, ["stats"]).output
    assert stats.endswith(
        "The next morning (last 4 weeks), compared with before: better 0, same 2, worse 0\n"
    )
    data = json.loads(runner.invoke(cli, ["stats", "--json"]).output)
    assert data["mornings"] == {"better": 0, "same": 2, "worse": 0}
    report = runner.invoke(cli, ["report", "--format", "markdown", "-o", "-"]).output
    assert "The next morning, compared with before the session: better 0, same 2, worse 0." in (
        report
    )


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("\n", [None]), ("b\n", ["better"]), ("maybe\nwor\n", ["worse"]), ("", [None])],
)
def test_answers_and_skips(runner: CliRunner, home: Path, typed: str, kept: list[object]) -> None:
    played(home, "neck", 14)
    result = runner.invoke(cli, ["today"], input=typed)
    assert result.exit_code in (0, 1), result.output
    assert answers(home) == kept


def test_not_asked_without_reason(
    runner: CliRunner, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    played(home, "quiet", 14)  # its routine does not ask
    played(home, "neck", 34, 4)  # two days ago, and this morning
    played(home, "neck", 15, speed=60.0)  # a sped-up session is no session to ask about
    played(home, "gone", 14)  # a routine deleted since
    assert QUESTION not in runner.invoke(cli, ["today"], input="w\n").output
    assert answers(home) == []
    monkeypatch.setattr(cli_module, "can_ask", lambda: False)
    played(home, "neck", 14)
    assert QUESTION not in runner.invoke(cli, ["today"]).output  # no person: no question


def test_worse_lets_the_pain_rule_flag_the_step(runner: CliRunner, home: Path) -> None:
    played(home, "neck", 14)
    result = runner.invoke(cli, ["today"], input="worse\n")
    assert (
        "Talk to your therapist before going on: worse the next morning after 1 of the "
        "last 1 session at this step. Your plan holds at step 1 of 2."
    ) in result.output
    assert "neck: talk to your therapist before going on" in runner.invoke(cli, ["today"]).output


def test_start_asks_too(runner: CliRunner, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from backpain_cli.cli import start

    monkeypatch.setattr(start, "can_ask", lambda: True)
    monkeypatch.setattr(start, "ask_pain", lambda: None)
    monkeypatch.setattr(start, "ask_note_line", lambda: "")
    played(home, "neck", 14)
    from backpain_cli.cli import goals

    monkeypatch.setattr(goals, "daily_questions", lambda **asked: None)
    monkeypatch.setattr(goals, "rate_reminder", lambda **asked: None)
    args = ["start", "neck", "--plain", "--no-sound"]  # at normal speed, recorded
    result = runner.invoke(cli, args, input="better\n")
    assert QUESTION in result.output and result.exit_code == 0, result.output
    assert answers(home) == ["better"]


def test_no_history_nothing_to_ask(runner: CliRunner, home: Path) -> None:
    assert QUESTION not in runner.invoke(cli, ["today"]).output


def test_a_history_that_cannot_be_written_keeps_no_answer(
    runner: CliRunner, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backpain_cli.cli import morning

    played(home, "neck", 14)
    monkeypatch.setattr(morning, "open_for_recording", lambda path: (None, "history is off"))
    assert QUESTION in runner.invoke(cli, ["today"], input="worse\n").output
    assert answers(home) == []


def test_worse_without_a_plan_or_a_rule_that_fires(
    runner: CliRunner, home: Path, user_routines: Path
) -> None:
    plain = ROUTINE.replace("name: neck", "name: plain").split("progression:")[0]
    (user_routines / "plain.yaml").write_text(plain)
    (user_routines / "neck.yaml").write_text(ROUTINE.replace("times: 1, of: 3", "times: 2"))
    played(home, "plain", 14)
    played(home, "neck", 13)
    result = runner.invoke(cli, ["today"], input="worse\n")
    assert "therapist" not in result.output  # once of two: the rule holds its peace
    assert answers(home) == ["worse", "worse"]


def test_the_report_of_a_plan_without_history(runner: CliRunner, home: Path) -> None:
    report = runner.invoke(
        cli, ["report", "--routine", "neck", "--format", "markdown", "-o", "-"]
    ).output
    assert "| 1 (now) | One 1 s × 1 | from the start |\n| 2 | One 2 s × 1 |  |\n" in report


def test_a_hand_edited_change_time_is_shown_as_written(runner: CliRunner, home: Path) -> None:
    played(home, "neck", 3)
    history, _ = open_for_recording(home / "history.sqlite3")
    assert history is not None
    with history, history.writing() as db:
        db.execute(
            "INSERT INTO plan_changes (uuid, routine, changed_at, step, kind, detail) "
            "VALUES ('x', 'neck', 'last tuesday', 2, 'manual', '')"
        )
    report = runner.invoke(cli, ["report", "--format", "markdown", "-o", "-"]).output
    assert "| 2 (now) | One 2 s × 1 | since last tuesd |" in report


def test_apply_pain_rule_without_a_history_it_can_write(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backpain_cli.history import progress
    from backpain_cli.history.progress import apply_pain_rule
    from backpain_cli.routines.loader import parse_routine
    from backpain_cli.routines.stepping import at_step

    monkeypatch.setattr(progress, "open_for_recording", lambda path: (None, "history is off"))
    routine = at_step(parse_routine(ROUTINE, "neck.yaml", default_name="neck"), 1)
    assert apply_pain_rule(home / "history.sqlite3", routine, NOW) is None
