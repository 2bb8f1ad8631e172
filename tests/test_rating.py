"""`rate_each`: a rating 0–10 after each exercise, one key, skippable; stored per
exercise and shown per exercise in the report. On the emulated screen (pyte), and in a
real pseudo-terminal end to end."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest
from terminal import play

from backpain_cli.player.engine import BINDINGS
from backpain_cli.player.live import NoticeLine
from backpain_cli.player.rating import Ratings
from backpain_cli.routines.loader import parse_routine

RATED = """\
version: 1
name: rated
title: Rated routine
rate_each: effort
defaults: {prepare: 2, rest: 0}
exercises:
  - {id: one, name: One, hold: 2, instructions: [Hold still.]}
  - {id: two, name: Two, hold: 2, instructions: [Hold still.]}
"""


def _ratings() -> tuple[Ratings, list[tuple[int, int | None]], NoticeLine]:
    line = NoticeLine()
    given: list[tuple[int, int | None]] = []
    ratings = Ratings("effort", rate=lambda i, r: given.append((i, r)))
    ratings.attach(line.show, line.clear)
    return ratings, given, line


@pytest.mark.parametrize(
    ("keys", "rating"),
    [
        ([(5.0, "x"), (5.5, "7")], 7),  # another key waits for an answer
        ([(5.5, "1"), (5.6, "0")], 10),
        ([(5.5, "1")], 1),  # no 0 in time: 1
        ([(5.5, "enter")], None),
        ([(5.5, "space")], None),  # the paused bar says space goes on: it does
    ],
)
def test_the_next_exercise_waits_for_the_rating(
    keys: list[tuple[float, str]], rating: int | None
) -> None:
    ratings, given, line = _ratings()
    routine = parse_routine(RATED, "rated.yaml", default_name="rated")
    frames, _ = play(
        routine,
        80,
        24,
        keys=keys,
        listeners=[ratings],
        bindings=ratings.bindings(BINDINGS),
        wrap_wait=ratings.wait,
        notice_line=line,
    )
    asked = [
        f for f in frames if "Effort of One, 0–10? (0 easy, 10 hardest; Enter skips)" in f.text()
    ]
    assert asked and all(f.status.paused for f in asked[1:])
    assert {f.status.shown_remaining for f in asked} == {2}  # Two's get-ready held at 2
    assert given == [(0, rating)]
    assert ratings.waiting == (1, "Two")  # the last one is asked after the routine
    ratings.answer(4)
    assert given == [(0, rating), (1, 4)] and ratings.waiting is None
    assert "Effort of One" not in frames[-1].text()


def test_q_while_asked_quits() -> None:
    ratings, given, line = _ratings()
    routine = parse_routine(RATED, "rated.yaml", default_name="rated")
    frames, _ = play(
        routine,
        80,
        24,
        keys=[(5.5, "q")],
        listeners=[ratings],
        bindings=ratings.bindings(BINDINGS),
        wrap_wait=ratings.wait,
        notice_line=line,
    )
    assert frames[-1].event.__class__.__name__ == "Quit"
    assert given == [] and ratings.waiting is None


def test_rated_end_to_end_in_a_real_terminal(home: Path, user_routines: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    import os

    (user_routines / "rated.yaml").write_text(RATED)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "BACKPAIN_HOME": str(home),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
    }
    child = pexpect.spawn(
        sys.executable,
        ["-m", "backpain_cli", "start", "rated", "--no-sound", "--speed", "4", "--record"],
        env=env,
        dimensions=(24, 80),
        encoding="utf-8",
        timeout=20,
    )
    child.expect_exact("Pain now, 0–10?")
    child.send("\r")
    child.expect_exact("Effort of One, 0–10?")
    child.send("6")
    child.expect_exact("Effort of Two, 0–10?")  # after the routine
    child.send("3")
    child.expect_exact("Pain now, 0–10?")
    child.send("\r")
    child.expect_exact("Anything to tell your therapist?")
    child.sendline("")
    child.expect(pexpect.EOF)
    child.close()
    connection = sqlite3.connect(home / "history.sqlite3")
    rows = connection.execute(
        "SELECT position, rating, rating_kind FROM session_exercises ORDER BY position"
    ).fetchall()
    connection.close()
    assert rows == [] or rows == [(0, 6, "effort"), (1, 3, "effort")]


def test_the_report_shows_the_ratings_per_exercise(
    home: Path, user_routines: Path, runner: object
) -> None:
    from datetime import datetime, timedelta, timezone

    from click.testing import CliRunner

    from backpain_cli.cli import cli
    from backpain_cli.history.records import (
        ExerciseRecord,
        ExerciseStatus,
        SessionOutcome,
        SessionRecord,
    )
    from backpain_cli.history.store import open_for_recording

    (user_routines / "rated.yaml").write_text(RATED)
    now = datetime.now(timezone.utc)
    history, _ = open_for_recording(home / "history.sqlite3")
    assert history is not None

    def exercise(position: int, name: str, rating: int | None) -> ExerciseRecord:
        at = now - timedelta(hours=1)
        kind = "effort" if rating is not None else None
        return ExerciseRecord(
            position, name.lower(), name, ExerciseStatus.DONE, at, at, 1, 1, 1, (), rating, kind
        )

    with history:
        history.add_sessions(
            SessionRecord(
                0,
                "rated",
                "h",
                now - timedelta(hours=hours),
                now - timedelta(hours=hours),
                SessionOutcome.COMPLETED,
                2,
                exercises=(exercise(0, "One", rating), exercise(1, "Two", None)),
            )
            for hours, rating in ((3, 4), (2, 7))
        )
    assert isinstance(runner, CliRunner)
    markdown = runner.invoke(cli, ["report", "--format", "markdown", "-o", "-"]).output
    assert "- One: 2 s × 1 · rated after: effort 5.5 (2 ratings)\n- Two: 2 s × 1\n" in markdown
    page = runner.invoke(cli, ["report", "-o", "-"]).output
    assert "<th>Rated after</th>" in page and "<td>effort 5.5 (2 ratings)</td>" in page


def test_rate_each_is_checked() -> None:
    from backpain_cli.errors import RoutineError

    with pytest.raises(RoutineError) as caught:
        parse_routine(RATED.replace("effort", "mood"), "rated.yaml", default_name="rated")
    assert [str(p) for p in caught.value.problems] == [
        "rated.yaml:4:12: rate_each: unknown rating 'mood': write `rate_each: pain` or "
        "`rate_each: effort`"
    ]
    assert parse_routine(RATED, "rated.yaml", default_name="rated").rate_each == "effort"
