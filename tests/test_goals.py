"""The patient's own goals (PSFS), the change that matters and what got in the way:
the pure rules, the history tables, and `backpain goals` as a person types it."""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from terminal import command_screen

from backpain_cli.cli import cli
from backpain_cli.cli import common as cli_module
from backpain_cli.history import journal
from backpain_cli.history.barriers import REASONS, Barrier, counts, missed, suggestion
from backpain_cli.history.goals import (
    Goal,
    GoalError,
    GoalRating,
    GoalState,
    PainOutcome,
    Verdict,
    goal_text,
    goal_verdict,
    goal_words,
    pain_outcome,
    pain_ratings,
    pain_words,
    rating_due,
    scale_summary,
    scale_words,
    score,
)
from backpain_cli.history.records import SessionOutcome, SessionRecord
from backpain_cli.history.stats import Due
from backpain_cli.history.store import open_for_recording
from backpain_cli.routines.model import Frequency, Period

UTC = timezone.utc
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def goal(*scores: int, state: GoalState = GoalState.ACTIVE, number: int = 1) -> Goal:
    ratings = tuple(
        GoalRating(NOW - timedelta(days=7 * (len(scores) - i)), s) for i, s in enumerate(scores)
    )
    return Goal(
        number, f"u{number}", "Lift my grandchild", NOW - timedelta(days=60), state, ratings=ratings
    )


# -- goals: the pure rules -------------------------------------------------------------


def test_goal_text_is_one_tidy_line() -> None:
    assert goal_text("  Lift   my\tgrandchild ") == "Lift my grandchild"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "a goal needs a few words"),
        ("   ", "a goal needs a few words"),
        ("x" * 101, "at most 100 characters (this one has 101)"),
        ("Sit\x1b[2Jdown", "holds U+001B ESCAPE"),
        ("Sit\u202edown", "holds U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("two\nlines", "holds U+000A LINE FEED"),
    ],
)
def test_a_goal_that_cannot_be_kept_is_refused(text: str, message: str) -> None:
    with pytest.raises(GoalError, match=re.escape(message)):
        goal_text(text)


@pytest.mark.parametrize("text", ["11", "-1", "4.5", "four", "", "٣", "1e1"])
def test_a_score_is_a_whole_number_from_0_to_10(text: str) -> None:
    with pytest.raises(GoalError, match="a rating is a whole number from 0"):
        score(text)


def test_scores_in_range_are_read() -> None:
    assert [score(str(n)) for n in range(11)] == list(range(11))
    assert score(" 7 ") == 7


def test_one_goal_change_is_judged_against_3_points() -> None:
    assert goal(3).change is None
    assert goal_verdict(goal(3)) is Verdict.TOO_EARLY
    assert goal_words(goal(3)) == "too early to tell: rate it again in a week or two"
    assert goal_words(goal(3, 3)) == "no change yet"
    assert goal_words(goal(3, 7)) == "up 4 points, a change that usually matters (3 points or more)"
    assert goal_words(goal(3, 5)) == (
        "up 2 points, less than a change that usually matters (3 points or more)"
    )
    assert (
        goal_words(goal(6, 3)) == "down 3 points, a change that usually matters (3 points or more)"
    )
    assert goal_words(goal(5, 4)) == (
        "down 1 point, less than a change that usually matters (3 points or more)"
    )


def test_the_mean_follows_active_and_done_goals_not_removed_ones() -> None:
    goals = [
        goal(2, 4, number=1),
        goal(3, 7, number=2, state=GoalState.DONE),
        goal(0, 0, number=3, state=GoalState.REMOVED),
        goal(number=4),  # not rated yet
    ]
    summary = scale_summary(goals)
    assert summary == (2, 5.5, 3.0, Verdict.MATTERS)
    assert scale_words(summary) == (
        "mean 5.5 of 10, up 3 points, a change that usually matters (2 points or more)"
    )
    small = scale_summary([goal(4, 5)])
    assert scale_words(small) == (
        "mean 5.0 of 10, up 1 point, less than a change that usually matters (2 points or more)"
    )
    assert scale_words(scale_summary([goal(4)])) == "mean 4.0 of 10; too early to tell a change"
    assert scale_words(scale_summary([goal(4, 4)])) == "mean 4.0 of 10, no change yet"
    assert scale_words(scale_summary([goal(2, 1)])).startswith("mean 1.0 of 10, down 1 point")
    assert scale_words(scale_summary([])) == "no ratings yet: backpain goals rate"


def test_rating_is_due_after_two_weeks_without_one() -> None:
    fresh = Goal(1, "u", "Sit", NOW - timedelta(days=3))
    assert not rating_due([fresh], now=NOW)
    old = Goal(
        1, "u", "Sit", NOW - timedelta(days=30), ratings=(GoalRating(NOW - timedelta(days=14), 5),)
    )
    assert rating_due([old], now=NOW)
    assert not rating_due([old], now=NOW - timedelta(days=1))
    assert not rating_due([old._replace(state=GoalState.DONE)], now=NOW)
    assert not rating_due([], now=NOW)


# -- pain: the change that matters ------------------------------------------------------


def session(
    day: int, before: int | None, after: int | None = None, speed: float = 1.0
) -> SessionRecord:
    started = datetime(2026, 10, 1, 8, tzinfo=UTC) + timedelta(days=day)
    return SessionRecord(
        id=day,
        routine="upper-back",
        routine_hash="h",
        started=started,
        last_update=started + timedelta(minutes=10),
        outcome=SessionOutcome.COMPLETED,
        exercises_planned=5,
        pain_before=before,
        pain_after=after,
        speed=speed,
    )


def test_pain_needs_three_ratings_in_each_window() -> None:
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    assert pain_outcome([], now=now, zone=UTC) == PainOutcome(
        None, None, (0, 0), None, Verdict.TOO_EARLY, None
    )
    two_only = [session(0, 6), session(1, 6), session(58, 3), session(59, 3), session(59, 2)]
    outcome = pain_outcome(pain_ratings(two_only), now=now, zone=UTC)
    assert outcome.verdict is Verdict.TOO_EARLY
    assert outcome.ratings == (2, 3)
    assert pain_words(outcome).startswith("pain: too early to tell (at least 3 ratings")


def test_pain_down_2_5_points_is_a_change_that_usually_matters() -> None:
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    sessions = [session(0, 6, 5), session(3, 6), session(10, 5), session(57, 3, 3), session(59, 3)]
    outcome = pain_outcome(pain_ratings(sessions), now=now, zone=UTC)
    assert outcome.first == 5.5
    assert outcome.recent == 3.0
    assert outcome.change == -2.5
    assert outcome.band == pytest.approx(3.85)  # 30 % of 5.5 is less than 2 points
    assert pain_words(outcome) == (
        "pain down 2.5 points since the first two weeks: a change that usually matters"
    )


def test_small_changes_rises_and_sped_up_sessions() -> None:
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    small = [
        session(0, 6),
        session(1, 6),
        session(2, 6),
        session(57, 5),
        session(58, 5),
        session(59, 5),
    ]
    assert pain_words(pain_outcome(pain_ratings(small), now=now, zone=UTC)) == (
        "pain down 1 point since the first two weeks: less than a change that usually "
        "matters (about 2 points or 30 %)"
    )
    worse = [
        session(0, 2),
        session(1, 2),
        session(2, 2),
        session(57, 5),
        session(58, 5),
        session(59, 5),
    ]
    assert pain_words(pain_outcome(pain_ratings(worse), now=now, zone=UTC)) == (
        "pain up 3 points since the first two weeks: a rise that usually matters; talk to "
        "your therapist"
    )
    same = [
        session(0, 4),
        session(1, 4),
        session(2, 4),
        session(57, 4),
        session(58, 4),
        session(59, 4),
    ]
    assert pain_words(pain_outcome(pain_ratings(same), now=now, zone=UTC)) == (
        "pain: no change since the first two weeks"
    )
    demos = [replace(s, speed=60.0) for s in small]
    assert pain_outcome(pain_ratings(demos), now=now, zone=UTC).ratings == (0, 0)


def test_from_no_pain_any_rise_of_two_points_matters() -> None:
    now = datetime(2026, 11, 30, 12, tzinfo=UTC)
    sessions = [
        session(0, 0),
        session(1, 0),
        session(2, 0),
        session(57, 2),
        session(58, 2),
        session(59, 2),
    ]
    outcome = pain_outcome(pain_ratings(sessions), now=now, zone=UTC)
    assert outcome.verdict is Verdict.MATTERS
    one = [*sessions[:3], session(57, 1), session(58, 1), session(59, 1)]
    assert pain_outcome(pain_ratings(one), now=now, zone=UTC).verdict is Verdict.SMALL


# -- what got in the way -------------------------------------------------------------------


DAILY = Frequency(2, Period.DAY)


def test_a_plan_missed_yesterday_is_found() -> None:
    done = Due("upper-back", DAILY, 2, 1, 3)
    not_done = Due("neck", DAILY, 2, 0, 0)
    nothing_due = Due("weekly", Frequency(3, Period.WEEK), 0, 0, 3)
    assert missed([done, nothing_due]) is None
    assert missed([done, not_done]) == not_done


def test_each_reason_gets_a_matched_answer() -> None:
    assert suggestion("forgot", routine="upper-back") == (
        "A reminder can help: backpain remind add upper-back --at 08:00"
    )
    assert suggestion("no-time", routine="upper-back", shortest=("upper-back-gentle", 210)) == (
        "The shortest routine that counts takes 3:30: backpain start upper-back-gentle"
    )
    assert suggestion("it-hurt", routine="upper-back", gentle="upper-back-gentle") == (
        "Try the gentler one: backpain start upper-back-gentle. Talk to your therapist about "
        "what hurt before going on."
    )
    assert suggestion("it-hurt", routine="neck") == (
        "Talk to your therapist about what hurt before going on."
    )
    assert suggestion("not-helping", routine="x", outcome_words="pain down 1 point") == (
        "So far: pain down 1 point. Change often takes weeks; your therapist can adjust it."
    )
    assert "chair" in suggestion("no-place", routine="x")
    for reason in ("other", "no-time", "not-helping"):
        assert suggestion(reason, routine="x") == (
            "Thank you. Your therapist sees this in the report."
        )


def test_reasons_are_counted_most_first_skips_left_out() -> None:
    day = date(2026, 12, 1)
    answers = [
        Barrier(day, NOW, reason)
        for reason in ("forgot", "no-time", "forgot", None, "it-hurt", "no-time", "forgot")
    ]
    assert list(counts(answers).items()) == [("forgot", 3), ("no-time", 2), ("it-hurt", 1)]
    assert list(REASONS)[:3] == ["no-time", "forgot", "it-hurt"]


# -- the history tables ---------------------------------------------------------------------


@pytest.fixture
def history(home: Path) -> journal.History:
    store, warning = open_for_recording(home / "history.sqlite3")
    assert store is not None, warning
    return store


def test_goals_are_stored_rated_and_closed(history: journal.History) -> None:
    with history:
        first = journal.add_goal(history, "Lift my grandchild", now=NOW)
        second = journal.add_goal(history, "Sleep on my side", now=NOW)
        journal.rate_goals(history, {first: 3, second: 5}, now=NOW + timedelta(days=1))
        journal.rate_goals(history, {first: 7}, now=NOW + timedelta(days=15))
        assert journal.close_goal(history, second, GoalState.DONE, now=NOW) == "Sleep on my side"
        goals = journal.goals(history)
    assert [(g.id, g.text, g.state, [r.score for r in g.ratings]) for g in goals] == [
        (1, "Lift my grandchild", GoalState.ACTIVE, [3, 7]),
        (2, "Sleep on my side", GoalState.DONE, [5]),
    ]
    assert goals[1].closed == NOW


def test_a_sixth_goal_or_an_unknown_number_stores_nothing(history: journal.History) -> None:
    with history:
        for n in range(5):
            journal.add_goal(history, f"Goal {n}", now=NOW)
        with pytest.raises(GoalError, match="you follow 5 goals already"):
            journal.add_goal(history, "One more", now=NOW)
        with pytest.raises(
            GoalError, match="there is no goal 9 you follow now; your goals: 1, 2, 3, 4, 5"
        ):
            journal.rate_goals(history, {1: 4, 9: 5}, now=NOW)
        journal.close_goal(history, 1, GoalState.REMOVED, now=NOW)
        with pytest.raises(GoalError, match="no goal 1 you follow"):
            journal.close_goal(history, 1, GoalState.DONE, now=NOW)
        journal.add_goal(history, "Room again", now=NOW)  # a removed goal frees a place
        goals = journal.goals(history)
    assert [g.ratings for g in goals] == [()] * 6
    assert goals[-1].id == 6  # numbers are never reused


def test_no_goals_yet_names_how_to_add_one(history: journal.History) -> None:
    with history, pytest.raises(GoalError, match=r"your goals: none yet \(backpain goals add"):
        journal.rate_goals(history, {1: 4}, now=NOW)


def test_barriers_and_questions_are_kept_once(history: journal.History) -> None:
    day = date(2026, 12, 6)
    with history:
        journal.record_barrier(history, day, "other", "  the\tdog  was ill ", now=NOW)
        journal.record_barrier(history, day, "forgot", now=NOW)  # asked once a day
        journal.record_barrier(history, date(2026, 12, 5), None, now=NOW)
        with pytest.raises(ValueError, match="not a reason"):
            journal.record_barrier(history, day, "lazy", now=NOW)
        assert journal.barriers(history) == [
            Barrier(date(2026, 12, 5), NOW, None, ""),
            Barrier(day, NOW, "other", "the dog was ill"),
        ]
        assert journal.last_asked(history, ["goals", "check-in"]) == {}
        journal.mark_asked(history, "goals", now=NOW)
        journal.mark_asked(history, "goals", now=NOW + timedelta(days=1))
        assert journal.last_asked(history, ["goals"]) == {"goals": NOW + timedelta(days=1)}


def test_rows_edited_by_hand_are_left_out_not_a_traceback(
    history: journal.History, home: Path
) -> None:
    history.close()
    db = sqlite3.connect(home / "history.sqlite3")
    db.executescript(
        """
        INSERT INTO goals (uuid, text, added_at) VALUES ('a', 'Fine', '2026-12-01T08:00:00+00:00');
        INSERT INTO goals (uuid, text, added_at) VALUES ('b', 'No zone', '2026-12-01T08:00:00');
        INSERT INTO goals (uuid, text, added_at) VALUES ('c', 'Nonsense', 'yesterday');
        INSERT INTO goals (uuid, text, added_at) VALUES ('d', x'1b5b324a', 42);
        INSERT INTO goal_ratings (uuid, goal_id, rated_at, score)
            VALUES ('r1', 1, 'soon', 5), ('r2', 1, '2026-12-02T08:00:00+00:00', 6);
        INSERT INTO barriers (uuid, missed_on, asked_at, reason)
            VALUES ('b1', 'monday', '2026-12-02T08:00:00+00:00', 'forgot'),
                   ('b2', '2026-12-01', 'x', 'forgot'),
                   ('b3', '2026-12-03', '2026-12-04T08:00:00+00:00', NULL);
        INSERT INTO questions (kind, asked_at) VALUES ('goals', 'whenever');
        """
    )
    db.commit()
    db.close()
    store, _ = open_for_recording(home / "history.sqlite3")
    assert store is not None
    with store:
        goals = journal.goals(store)
        assert [(g.text, [r.score for r in g.ratings]) for g in goals] == [("Fine", [6])]
        assert [b.missed_on for b in journal.barriers(store)] == [date(2026, 12, 3)]
        assert journal.last_asked(store, ["goals"]) == {}


# -- `backpain goals` -----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setattr(cli_module, "utc_now", lambda: NOW)


def run(runner: CliRunner, *args: str, input: str | None = None) -> tuple[int, str]:
    result = runner.invoke(cli, list(args), input=input)
    return result.exit_code, result.output


def test_the_bar_add_rate_rate_json_and_words(runner: CliRunner) -> None:
    assert run(runner, "goals", "add", "Lift", "my", "grandchild") == (
        0,
        "Goal 1 added. Rate it now: backpain goals rate 1=N (0-10)\n",
    )
    assert run(runner, "goals", "rate", "1=3") == (
        0,
        "Rated goal 1: 3. See the change: backpain goals\n",
    )
    assert run(runner, "goals", "rate", "1=7")[0] == 0
    code, output = run(runner, "goals", "--json")
    assert code == 0
    shown = json.loads(output)
    [only] = shown["goals"]
    assert only["text"] == "Lift my grandchild"
    assert [r["score"] for r in only["ratings"]] == [3, 7]
    assert (only["first"], only["latest"], only["change"], only["matters"]) == (3, 7, 4, True)
    assert (shown["mean"], shown["mean_change"], shown["mean_matters"]) == (7.0, 4.0, True)
    code, output = run(runner, "goals")
    assert code == 0
    assert output == (
        "Your goals: 0 unable, 10 able as before.\n"
        "\n"
        "1. Lift my grandchild\n"
        "   first 3 (7 Dec), latest 7 (7 Dec): up 4 points, a change that usually matters\n"
        "   (3 points or more)\n"
        "\n"
        "All goals: mean 7.0 of 10, up 4 points, a change that usually matters (2 points\n"
        "or more).\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("rate", "1=11"),
            "a rating is a whole number from 0 (unable) to 10 (as before), not '11'",
        ),
        (("rate", "9=5"), "there is no goal 9 you follow now; your goals: 1"),
        (("rate", "1=4", "9=5"), "there is no goal 9 you follow now; your goals: 1"),
        (("rate", "one=4"), "write each rating as N=SCORE, e.g. 1=4, not 'one=4'"),
        (("rate", "1"), "write each rating as N=SCORE, e.g. 1=4, not '1'"),
        (("add", ""), "a goal needs a few words, e.g. backpain goals add 'Lift my grandchild'"),
        (
            ("add", "x" * 500),
            "a goal is at most 100 characters (this one has 500): name the activity, e.g. "
            "'Sit through a meeting'",
        ),
        (("add", "Sit\x1b]0;hi\x07"), "a goal is plain text; this one holds U+001B ESCAPE"),
        (("done", "4"), "there is no goal 4 you follow now; your goals: 1"),
        (("remove", "2"), "there is no goal 2 you follow now; your goals: 1"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_stored(
    runner: CliRunner, args: tuple[str, ...], message: str
) -> None:
    assert run(runner, "goals", "add", "Sit through a meeting")[0] == 0
    before = run(runner, "goals", "--json")[1]
    result = runner.invoke(cli, ["goals", *args])
    assert result.exit_code == 2
    assert result.stderr == f"backpain: {message}\n"
    assert "Traceback" not in result.output
    assert run(runner, "goals", "--json")[1] == before


def test_a_sixth_goal_is_refused(runner: CliRunner) -> None:
    for n in range(5):
        assert run(runner, "goals", "add", f"Goal {n}")[0] == 0
    result = runner.invoke(cli, ["goals", "add", "Six"])
    assert (result.exit_code, result.stderr) == (
        2,
        "backpain: you follow 5 goals already, the most that stay useful: mark one done "
        "(backpain goals done N) or remove one first\n",
    )


def test_done_and_remove(runner: CliRunner) -> None:
    run(runner, "goals", "add", "Lift my grandchild")
    run(runner, "goals", "add", "Garden")
    assert run(runner, "goals", "done", "1") == (
        0,
        "Well done: goal 1 (Lift my grandchild) is marked done; its ratings are kept.\n",
    )
    assert run(runner, "goals", "remove", "2") == (0, "Goal 2 (Garden) is no longer followed.\n")
    assert run(runner, "goals")[1] == (
        "Your goals: 0 unable, 10 able as before.\n\n1. Lift my grandchild (done)\n"
        "   not rated yet\n\nAll goals: no ratings yet: backpain goals rate.\n"
    )
    assert [g["state"] for g in json.loads(run(runner, "goals", "--json")[1])["goals"]] == ["done"]


def test_no_goals_yet(runner: CliRunner) -> None:
    code, output = run(runner, "goals")
    assert code == 0
    assert output.startswith("No goals yet.")
    assert json.loads(run(runner, "goals", "--json")[1])["goals"] == []
    result = runner.invoke(cli, ["goals", "rate"])
    assert (result.exit_code, result.stderr) == (
        2,
        "backpain: no goals to rate yet: backpain goals add 'Lift my grandchild'\n",
    )


def test_rate_asks_each_goal_at_a_terminal(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(runner, "goals", "add", "Lift my grandchild")
    run(runner, "goals", "add", "Garden")
    run(runner, "goals", "rate", "1=3")
    monkeypatch.setattr(cli_module, "can_ask", lambda: True)
    code, output = run(runner, "goals", "rate", input="12\n6\n\n")
    assert code == 0
    assert output == (
        "Rate each goal: 0 unable, 10 able as before (Enter skips).\n"
        "1. Lift my grandchild (last time 3): 12\n"
        "  a rating is a whole number from 0 (unable) to 10 (as before), not '12'\n"
        "1. Lift my grandchild (last time 3): 6\n"
        "2. Garden: \n"
        "Rated goal 1: 6. See the change: backpain goals\n"
    )
    assert run(runner, "goals", "rate", input="\n\n")[1].endswith("Nothing rated.\n")


def test_rate_without_a_terminal_needs_pairs(runner: CliRunner) -> None:
    run(runner, "goals", "add", "Garden")
    result = runner.invoke(cli, ["goals", "rate"])
    assert (result.exit_code, result.stderr) == (
        2,
        "backpain: give the ratings as N=SCORE (e.g. backpain goals rate 1=4 2=6)\n",
    )


def test_a_history_that_cannot_be_written_is_one_line(runner: CliRunner, home: Path) -> None:
    (home / "history.sqlite3").mkdir()
    result = runner.invoke(cli, ["goals", "add", "Garden"])
    assert result.exit_code == 2
    assert result.stderr.startswith("backpain: ")
    assert result.stderr.count("\n") == 1


# -- as a person sees it: a real terminal of 40, 80 and 120 columns ---------------------------


@pytest.mark.parametrize("columns", [40, 80, 120])
def test_goals_keep_every_word_whole_at_any_width(home: Path, columns: int) -> None:
    runner = CliRunner()
    run(runner, "goals", "add", "Sit through a two-hour meeting without standing up")
    run(runner, "goals", "add", "Lift my grandchild")
    run(runner, "goals", "rate", "1=2", "2=3")
    run(runner, "goals", "rate", "1=5", "2=4")
    wide = " ".join(command_screen(home, 200, "goals")).split()
    rows = command_screen(home, columns, "goals")
    assert max(len(row) for row in rows) <= columns
    seen = [word for row in rows for word in row.split()]
    assert seen == wide  # the same words in the same order, none broken


# -- the docs ---------------------------------------------------------------------------------

JSON_DOC = Path(__file__).resolve().parents[1] / "docs" / "json-output.md"


def test_goals_json_doc_documents_every_key_in_order(runner: CliRunner) -> None:
    run(runner, "goals", "add", "Garden")
    run(runner, "goals", "rate", "1=4")
    shown = json.loads(run(runner, "goals", "--json")[1])
    doc = JSON_DOC.read_text(encoding="utf-8").split("# `backpain goals --json`\n", 1)[1]

    def documented(heading: str) -> list[str]:
        section = doc.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
        return re.findall(r"^\| `(\w+)` \|", section, re.M)

    assert documented("The goals") == list(shown)
    assert documented("Each goal") == list(shown["goals"][0])
    assert list(shown["goals"][0]["ratings"][0]) == ["at", "score"]


def test_help_goals_prints_the_guide(runner: CliRunner) -> None:
    code, output = run(runner, "help", "goals")
    assert code == 0
    words = " ".join(output.split())
    assert "Patient-Specific Functional Scale" in words
    assert "Abbott & Schmitt, JOSPT 2014" in words
