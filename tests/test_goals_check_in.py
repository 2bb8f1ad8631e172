"""The goals and "what got in the way" questions around `today` and `start`: asked only
at a terminal, at most once a day, Enter skips, and each answer gets a matched reply."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_goals import run

from backpain_cli.cli import cli
from backpain_cli.cli import common as cli_module
from backpain_cli.cli.goals import RATE_LINE, daily_questions, rate_reminder
from backpain_cli.cli.today import missed_yesterday
from backpain_cli.history import journal
from backpain_cli.history.records import SessionOutcome, SessionRecord
from backpain_cli.history.store import open_for_recording
from backpain_cli.routines.model import Frequency, Period

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)  # a Monday
QUESTION = "Yesterday's upper-back was not done. What got in the way? (Enter skips)\n"
CHOICES = (
    "  1 No time\n  2 Forgot\n  3 It hurt\n  4 No place or equipment\n"
    "  5 Did not feel it helps\n  6 Something else\n"
)


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr(cli_module, "utc_now", lambda: NOW)


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_module, "can_ask", lambda: True)


def played(
    home: Path,
    *days_ago: int,
    pain: int | None = None,
    routine: str = "upper-back",
    goal: str | None = None,
) -> None:
    """Completed sessions of ROUTINE (twice a day) on those days before NOW, and a GOAL
    set twenty days before (its rating is due)."""
    history, warning = open_for_recording(home / "history.sqlite3")
    assert history is not None, warning
    sessions = []
    for days in days_ago:
        started = NOW - timedelta(days=days, hours=1)
        sessions.append(
            SessionRecord(
                id=0,
                routine=routine,
                routine_hash="h",
                started=started,
                last_update=started + timedelta(minutes=9),
                ended=started + timedelta(minutes=9),
                outcome=SessionOutcome.COMPLETED,
                exercises_planned=5,
                frequency=Frequency(2, Period.DAY),
                counts_as="",
                pain_before=pain,
            )
        )
    with history:
        history.add_sessions(sessions)
        if goal is not None:
            journal.add_goal(history, goal, now=NOW - timedelta(days=20))


def barriers(home: Path) -> list[journal.Barrier]:
    history, _ = open_for_recording(home / "history.sqlite3")
    assert history is not None
    with history:
        return journal.barriers(history)


@pytest.mark.usefixtures("terminal")
def test_after_a_missed_day_today_asks_once_and_answers(runner: CliRunner, home: Path) -> None:
    played(home, 3, 2)
    code, output = run(runner, "today", input="2\n")
    assert code == 1
    assert output.endswith(
        "\n" + QUESTION + CHOICES + "1-6: 2\n"
        "A reminder can help: backpain remind add upper-back --at 08:00\n\n"
    )
    [answer] = barriers(home)
    assert (answer.missed_on.isoformat(), answer.reason) == ("2026-12-06", "forgot")
    assert "What got in the way" not in run(runner, "today", input="2\n")[1]  # once a day


@pytest.mark.usefixtures("terminal")
@pytest.mark.parametrize(
    ("answers", "reply", "reason", "detail"),
    [
        ("1\n", "The shortest routine that counts takes ", "no-time", ""),
        (
            "3\n",
            "Try the gentler one: backpain start upper-back-gentle. Talk to your therapist",
            "it-hurt",
            "",
        ),
        ("5\n", "So far: pain: too early to tell", "not-helping", ""),
        ("4\n", "Many exercises need only a chair", "no-place", ""),
        (
            "6\nthe dog was ill\n",
            "Thank you. Your therapist sees this in the report.",
            "other",
            "the dog was ill",
        ),
        ("9\nx\n\n", "", None, ""),
    ],
)
def test_each_reason_is_stored_with_its_reply(
    runner: CliRunner, home: Path, answers: str, reply: str, reason: str | None, detail: str
) -> None:
    played(home, 3, 2, pain=4)
    _, output = run(runner, "today", input=answers)
    assert reply in output
    [answer] = barriers(home)
    assert (answer.reason, answer.detail) == (reason, detail)
    if reason is None:
        assert output.count("  Type a number from 1 to 6, or press Enter to skip.\n") == 2


@pytest.mark.usefixtures("terminal")
def test_no_time_names_the_shortest_routine_that_counts(runner: CliRunner, home: Path) -> None:
    played(home, 3, 2)
    output = run(runner, "today", input="1\n")[1]
    assert "The shortest routine that counts takes 3:" in output
    assert output.rstrip().endswith("backpain start upper-back-gentle")


@pytest.mark.usefixtures("terminal")
def test_not_helping_shows_the_goals_and_pain_so_far(runner: CliRunner, home: Path) -> None:
    played(home, 3, 2)
    run(runner, "goals", "add", "Garden")
    run(runner, "goals", "rate", "1=4")
    output = run(runner, "today", input="5\n")[1]
    assert "So far: goals mean 4.0 of 10; too early to tell a change; pain: too early" in output


def test_nothing_is_asked_outside_a_terminal(runner: CliRunner, home: Path) -> None:
    played(home, 3, 2)
    assert "What got in the way" not in run(runner, "today")[1]
    assert barriers(home) == []


@pytest.mark.usefixtures("terminal")
def test_nothing_is_asked_when_yesterday_was_done_or_the_plan_is_new(
    runner: CliRunner, home: Path
) -> None:
    played(home, 1)
    assert "What got in the way" not in run(runner, "today")[1]
    assert missed_yesterday(NOW, timezone.utc) is None


@pytest.mark.usefixtures("terminal")
def test_ask_barriers_false_turns_it_off(runner: CliRunner, home: Path) -> None:
    played(home, 3, 2)
    (home / "config.toml").write_text("ask_barriers = false\n")
    assert "What got in the way" not in run(runner, "today")[1]


@pytest.mark.usefixtures("terminal")
def test_goals_unrated_for_two_weeks_are_reminded_once(
    runner: CliRunner, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(runner, "goals", "add", "Garden")  # added "now": not due yet
    monkeypatch.setattr(cli_module, "utc_now", lambda: NOW + timedelta(days=15))
    first = run(runner, "today")[1]
    assert first.endswith("\n\n" + RATE_LINE + "\n")
    assert RATE_LINE not in run(runner, "today")[1]
    (home / "config.toml").write_text("ask_goals = false\n")
    monkeypatch.setattr(cli_module, "utc_now", lambda: NOW + timedelta(days=40))
    assert RATE_LINE not in run(runner, "today")[1]


@pytest.mark.usefixtures("terminal")
def test_start_offers_to_rate_goals_once_in_two_weeks(
    runner: CliRunner, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(runner, "goals", "add", "Garden")
    run(runner, "goals", "add", "Sleep on my side")
    run(runner, "goals", "done", "2")
    monkeypatch.setattr(cli_module, "utc_now", lambda: NOW + timedelta(days=15))
    with runner.isolation(input="y\n6\n") as (out, _, _):
        daily_questions(ask_goals=True, ask_barriers=True, missed_yesterday=missed_yesterday)
    assert out.getvalue().decode() == (
        "\nYour goals were not rated for two weeks. Rate them now? [y/N]: y\n"
        "Rate each goal: 0 unable, 10 able as before (Enter skips).\n"
        "1. Garden: 6\n\n"
    )
    monkeypatch.setattr(cli_module, "utc_now", lambda: NOW + timedelta(days=16))
    with runner.isolation(input="y\n6\n") as (out, _, _):
        daily_questions(ask_goals=True, ask_barriers=True, missed_yesterday=missed_yesterday)
        assert rate_reminder(ask_goals=True) is None  # rated yesterday
    assert out.getvalue() == b""
    monkeypatch.setattr(cli_module, "utc_now", lambda: NOW + timedelta(days=31))
    with runner.isolation(input="\n") as (out, _, _):
        daily_questions(ask_goals=True, ask_barriers=False, missed_yesterday=missed_yesterday)
    assert out.getvalue().decode().startswith("\nYour goals were not rated for two weeks.")
    assert [len(g.ratings) for g in journal_goals(home)] == [1, 0]


def journal_goals(home: Path) -> list[journal.Goal]:
    history, _ = open_for_recording(home / "history.sqlite3")
    assert history is not None
    with history:
        return journal.goals(history)


@pytest.mark.usefixtures("terminal")
def test_declining_or_skipping_every_goal_stores_nothing(
    runner: CliRunner, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(runner, "goals", "add", "Garden")
    monkeypatch.setattr(cli_module, "utc_now", lambda: NOW + timedelta(days=15))
    with runner.isolation(input="y\n\n"):
        daily_questions(ask_goals=True, ask_barriers=False, missed_yesterday=missed_yesterday)
    assert journal_goals(home)[0].ratings == ()


@pytest.mark.usefixtures("terminal")
def test_without_history_or_a_writable_one_nothing_is_asked(
    runner: CliRunner, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with runner.isolation(input="") as (out, _, _):
        daily_questions(ask_goals=True, ask_barriers=True, missed_yesterday=missed_yesterday)
        assert rate_reminder(ask_goals=True) is None
    assert out.getvalue() == b""
    run(runner, "goals", "add", "Garden")
    monkeypatch.setattr(cli_module, "utc_now", lambda: NOW + timedelta(days=15))
    monkeypatch.setattr(
        "backpain_cli.history.store.open_for_recording", lambda path: (None, "read-only")
    )
    with runner.isolation(input="y\n4\n") as (out, _, _):
        daily_questions(ask_goals=True, ask_barriers=True, missed_yesterday=lambda now, zone: None)
        assert rate_reminder(ask_goals=True) is None
    assert out.getvalue() == b""
    assert (
        daily_questions(ask_goals=False, ask_barriers=False, missed_yesterday=missed_yesterday)
        is None
    )


@pytest.mark.usefixtures("terminal")
def test_a_broken_routine_of_ones_own_does_not_stop_the_reply(
    runner: CliRunner, home: Path, user_routines: Path
) -> None:
    (user_routines / "broken.yaml").write_text("version: 1\ntitle: [\n")
    (user_routines / "neck.yaml").write_text(
        "version: 1\ntitle: Neck\nexercises:\n  - {id: tuck, name: Tuck, hold: 5, "
        "instructions: [Tuck your chin.]}\n"
    )
    for name, hold in (("a-quick", 5), ("b-slow", 600)):
        (user_routines / f"{name}.yaml").write_text(
            f"version: 1\ntitle: {name}\ncounts_as: upper-back\nexercises:\n  - {{id: tuck, "
            f"name: Tuck, hold: {hold}, instructions: [Tuck your chin.]}}\n"
        )
    played(home, 3, 2)
    output = run(runner, "today", input="1\n")[1]
    assert output.rstrip().endswith("backpain start a-quick")


def test_one_rating_is_shown_with_its_day(runner: CliRunner) -> None:
    run(runner, "goals", "add", "Garden")
    run(runner, "goals", "rate", "1=4")
    assert "1. Garden\n   rated 4 on 7 Dec\n" in run(runner, "goals")[1]


def test_a_history_that_cannot_be_written_says_why(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "backpain_cli.history.store.open_for_recording",
        lambda path: (None, "history is off: cannot write it (read-only)"),
    )
    result = runner.invoke(cli, ["goals", "add", "Garden"])
    assert (result.exit_code, result.stderr) == (
        2,
        "backpain: history is off: cannot write it (read-only)\n",
    )


def test_stats_says_the_goals_the_pain_change_and_what_got_in_the_way(
    runner: CliRunner, home: Path
) -> None:
    played(home, 60, 59, pain=6)
    played(home, 58, pain=5)
    played(home, 12, 2, 1, pain=3)
    history, _ = open_for_recording(home / "history.sqlite3")
    assert history is not None
    with history:
        journal.add_goal(history, "Lift my grandchild", now=NOW - timedelta(days=50))
        journal.rate_goals(history, {1: 2}, now=NOW - timedelta(days=50))
        journal.rate_goals(history, {1: 6}, now=NOW - timedelta(days=2))
        journal.record_barrier(history, (NOW - timedelta(days=5)).date(), "no-time", now=NOW)
        journal.record_barrier(history, (NOW - timedelta(days=4)).date(), "forgot", now=NOW)
        journal.record_barrier(history, (NOW - timedelta(days=3)).date(), "no-time", now=NOW)
    code, output = run(runner, "stats", "--days", "14")
    assert code == 0
    assert (
        "Pain down 2.7 points since the first two weeks: a change that usually matters.\n" in output
    )
    assert "     4 |" in output and "     2 :" in output and "     0 :" in output
    assert "  : 4.0 or less: a change from the first two weeks that usually matters\n" in output
    assert (
        "Goals (0 unable, 10 able as before)\n"
        "  1. Lift my grandchild: 2 → 6, up 4 points, a change that usually matters (3 points "
        "or more)\n"
        "  All goals: mean 6.0 of 10, up 4 points, a change that usually matters (2 points or "
        "more)\n"
    ) in output
    assert output.endswith("What got in the way, last 4 weeks\n  no time 2; forgot 1\n")
    shown = json.loads(run(runner, "stats", "--json")[1])
    assert shown["pain_outcome"]["change"] == -2.67
    assert shown["pain_outcome"]["matters"] is True
    assert shown["goals"] == {"followed": 1, "mean": 6.0, "mean_change": 4.0, "matters": True}
    assert shown["barriers"] == {"no-time": 2, "forgot": 1}


@pytest.fixture
def tiny(user_routines: Path) -> Path:
    from test_history_player import TINY

    path = user_routines / "tiny.yaml"
    path.write_text(TINY)  # twice a day
    return path


@pytest.fixture
def quiet_player(monkeypatch: pytest.MonkeyPatch) -> None:
    """`start` at a terminal whose routine plays in no time: the questions around it."""
    from backpain_cli.cli import start as start_module

    monkeypatch.setattr(cli_module, "can_ask", lambda: True)
    monkeypatch.setattr(start_module, "can_ask", lambda: True)
    monkeypatch.setattr(start_module, "ask_pain", lambda: None)
    monkeypatch.setattr(start_module, "ask_note_line", lambda: "")
    monkeypatch.setattr("backpain_cli.player.run.play", lambda *args, **kwargs: None)


@pytest.mark.usefixtures("tiny", "quiet_player")
def test_start_asks_before_the_first_exercise(runner: CliRunner, home: Path) -> None:
    played(home, 3, 2, routine="tiny", goal="Garden")
    result = runner.invoke(cli, ["start", "tiny", "--no-sound", "--plain"], input="2\ny\n5\n")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "\nYesterday's tiny was not done. What got in the way? (Enter skips)\n"
    )
    assert "A reminder can help: backpain remind add tiny --at 08:00\n" in result.output
    assert "Your goals were not rated for two weeks. Rate them now? [y/N]: y\n" in result.output
    assert [b.reason for b in barriers(home)] == ["forgot"]
    assert [r.score for r in journal_goals(home)[0].ratings] == [5]
    again = runner.invoke(cli, ["start", "tiny", "--no-sound", "--plain"], input="")
    assert "What got in the way" not in again.output  # never twice a day


@pytest.mark.usefixtures("tiny", "quiet_player")
def test_the_end_reminds_once_when_the_questions_were_asked_already(
    runner: CliRunner, home: Path
) -> None:
    played(home, 3, 2, routine="tiny", goal="Garden")
    history, _ = open_for_recording(home / "history.sqlite3")
    assert history is not None
    with history:  # the day's questions were asked already (e.g. by a reminder's today)
        journal.mark_asked(history, "check-in", now=NOW)
    result = runner.invoke(cli, ["start", "tiny", "--no-sound", "--plain"], input="")
    assert "What got in the way" not in result.output
    assert result.output.endswith(RATE_LINE + "\n")
    later = runner.invoke(cli, ["start", "tiny", "--no-sound", "--plain"], input="")
    assert RATE_LINE not in later.output


@pytest.mark.usefixtures("tiny", "quiet_player")
@pytest.mark.parametrize("option", ["--no-check-in", "--no-history"])
def test_no_check_in_and_no_history_ask_nothing(runner: CliRunner, home: Path, option: str) -> None:
    played(home, 3, 2, routine="tiny", goal="Garden")
    result = runner.invoke(cli, ["start", "tiny", "--no-sound", "--plain", option], input="")
    assert result.exit_code == 0, result.output
    assert "What got in the way" not in result.output
    assert "Rate" not in result.output


@pytest.mark.usefixtures("tiny", "quiet_player")
def test_ctrl_c_at_a_question_starts_nothing(runner: CliRunner, home: Path) -> None:
    played(home, 3, 2, routine="tiny", goal="Garden")
    result = runner.invoke(cli, ["start", "tiny", "--no-sound", "--plain"], input=None)
    assert result.exit_code == 130
    assert "Traceback" not in result.output
    today = runner.invoke(cli, ["today"], input=None)
    assert today.exit_code in (0, 1)  # asked once a day: nothing more to ask


@pytest.mark.usefixtures("terminal")
def test_ctrl_c_at_todays_question_leaves_quietly(runner: CliRunner, home: Path) -> None:
    played(home, 3, 2)
    result = runner.invoke(cli, ["today"], input=None)  # the end of input, as Ctrl-C
    assert result.exit_code == 130
    assert "Traceback" not in result.output


def test_the_pain_question_and_session_messages_wrap_at_spaces(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """At 40 columns the pain question broke 'Enter / skips' and a message 'i / ts'."""
    from contextlib import contextmanager

    from backpain_cli.cli import start as start_module

    @contextmanager
    def reader(fd: int) -> object:
        yield type("Keys", (), {"read": staticmethod(lambda timeout: ["enter"])})()

    monkeypatch.setattr(start_module, "output_width", lambda: 40)
    monkeypatch.setattr(start_module.keys, "key_reader", reader)
    assert start_module.ask_pain() is None
    start_module.report("not recorded: no hold ran to its end")
    out, err = capsys.readouterr()
    assert out == "Pain now, 0–10? (0 none, 10 worst; Enter\nskips) skipped\n"
    assert err == "backpain: not recorded: no hold ran to\n  its end\n"
