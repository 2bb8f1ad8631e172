"""History rows that the schema allows and the code cannot read: each command that
reads the history leaves such a session out with one notice naming its id, shows the
rest, and never prints a traceback or a raw control character."""

from __future__ import annotations

import math
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from backpain_cli.cli import cli
from backpain_cli.history import readable

# Each value goes into one copy of a good session, everything else left as it was.
SESSION_VALUES: dict[str, object] = {
    "frequency '2 per fortnight'": ("frequency", "2 per fortnight"),
    "frequency of 11": ("frequency", "11 per day"),
    "frequency of words": ("frequency", "twice per day"),
    "started_at 'yesterday'": ("started_at", "yesterday"),
    "started_at without a zone": ("started_at", "2026-12-01T10:00:00"),
    "started_at as a number": ("started_at", 20261201),
    "updated_at without a zone": ("updated_at", "2026-12-01T10:00:00.000"),
    "ended_at 'soon'": ("ended_at", "soon"),
    "speed 'fast'": ("speed", "fast"),
    "speed 0": ("speed", 0),
    "speed -1": ("speed", -1.0),
    "note as bytes": ("note", b"\x00\xff\x1b[31m"),
    "pain_before 5.5": ("pain_before", 5.5),
    "exercises_planned 'many'": ("exercises_planned", "many"),
    "routine as bytes": ("routine", b"upper-back"),
    "routine_hash as bytes": ("routine_hash", b"\x1b]0;x\x07"),
    "away_seconds 'long'": ("away_seconds", "long"),
    "uuid as bytes": ("uuid", b"\x9b31m"),
    "plan_step -1": ("plan_step", -1),
    "pain_after 11": ("pain_after", 11),
    "outcome 'won'": ("outcome", "won"),
}
EXERCISE_VALUES: dict[str, object] = {
    "exercise started_at 'noon'": ("started_at", "noon"),
    "exercise holds_done 'x'": ("holds_done", "x"),
    "exercise name as bytes": ("name", b"\x1b]0;x\x07"),
    "exercise position 'first'": ("position", "first"),
    "exercise sides_done as bytes": ("sides_done", b"left"),
    "exercise rating_kind 'joy'": ("rating_kind", "joy"),
    "exercise status 'great'": ("status", "great"),
}
READERS = [
    ["history"],
    ["history", "--json"],
    ["history", "--csv"],
    ["history", "--limit", "0"],
    ["stats"],
    ["stats", "--json"],
    ["today"],
    ["report", "-o", "-"],
    ["report", "--format", "markdown", "-o", "-"],
]
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _copy(db: sqlite3.Connection, table: str, row_id: int, column: str, value: object) -> int:
    columns = [info[1] for info in db.execute(f"PRAGMA table_info({table})")]
    row = dict(
        zip(
            columns,
            db.execute(f"SELECT * FROM {table} WHERE id = ?", (row_id,)).fetchone(),
            strict=True,
        )
    )
    del row["id"]
    if table == "sessions":
        row["uuid"] = None  # a new one, from the trigger
    row[column] = value
    names = ", ".join(row)
    marks = ", ".join("?" * len(row))
    return db.execute(
        f"INSERT INTO {table} ({names}) VALUES ({marks})", list(row.values())
    ).lastrowid


def _odd_history(
    runner: CliRunner,
    home: Path,
    session_values: dict[str, object],
    exercise_values: dict[str, object],
) -> dict[int, str]:
    """A history of one good session and, after it, one session per odd value."""
    played = runner.invoke(
        cli, ["start", "upper-back-gentle", "--plain", "--speed", "1000", "--record"]
    )
    assert played.exit_code == 0, played.output
    odd: dict[int, str] = {}
    with sqlite3.connect(home / "history.sqlite3") as db:
        db.execute("PRAGMA ignore_check_constraints = ON")  # as another program might
        # Played sped up, kept as a real session: a preview is done for nothing, and
        # `today` would say the day's sessions are still due (exit status 1).
        db.execute("UPDATE sessions SET speed = 1 WHERE id = 1")
        exercise_id = db.execute("SELECT min(id) FROM session_exercises").fetchone()[0]
        for label, (column, value) in session_values.items():  # type: ignore[misc]
            session_id = _copy(db, "sessions", 1, column, value)
            odd[session_id] = label
        for label, (column, value) in exercise_values.items():  # type: ignore[misc]
            session_id = _copy(db, "sessions", 1, "note", label)
            new = _copy(db, "session_exercises", exercise_id, column, value)
            db.execute(
                "UPDATE session_exercises SET session_id = ? WHERE id = ?", (session_id, new)
            )
            odd[session_id] = label
    return odd


@pytest.mark.parametrize("command", READERS, ids=" ".join)
def test_each_odd_session_is_left_out_with_one_notice(
    runner: CliRunner, home: Path, command: list[str]
) -> None:
    odd = _odd_history(runner, home, SESSION_VALUES, EXERCISE_VALUES)
    result = runner.invoke(cli, command)
    assert result.exit_code == 0, result.output
    assert result.exception is None
    assert not RAW.search(result.stdout + result.stderr)
    notices = result.stderr.splitlines()
    told = [
        int(re.match(r"backpain: session (\d+) in the history cannot be read", line)[1])
        for line in notices
    ]
    assert len(told) == len(set(told))  # one notice each
    assert set(told) <= set(odd)
    if command != ["history"]:  # that one reads the last 20 only
        assert set(told) >= {i for i, label in odd.items() if not label.startswith("exercise")}
    if command == ["history", "--json"]:  # reads every exercise too
        assert set(told) == set(odd)


def test_the_notice_names_the_id_the_column_and_the_fix(runner: CliRunner, home: Path) -> None:
    odd = _odd_history(runner, home, {"speed 'fast'": ("speed", "fast")}, {})
    result = runner.invoke(cli, ["history"])
    (session_id,) = odd
    assert result.stderr == (
        f"backpain: session {session_id} in the history cannot be read (speed is 'fast'); "
        f"it is left out (`backpain history forget {session_id}` removes it)\n"
    )
    lines = result.stdout.splitlines()
    assert lines[1].startswith("1 ") and len(lines) == 2  # the good session, shown


def test_an_unreadable_session_can_be_forgotten(runner: CliRunner, home: Path) -> None:
    odd = _odd_history(runner, home, {"started": ("started_at", "yesterday")}, {})
    (session_id,) = odd
    forgotten = runner.invoke(cli, ["history", "forget", str(session_id), "--yes"])
    assert forgotten.exit_code == 0
    assert forgotten.stdout == f"Forgot session {session_id} (started_at is 'yesterday').\n"
    assert forgotten.stderr == ""
    assert runner.invoke(cli, ["history"]).stderr == ""


def test_asking_before_forgetting_an_unreadable_session_names_it(
    runner: CliRunner, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backpain_cli.cli import common

    odd = _odd_history(runner, home, {"note": ("note", b"\x1b")}, {})
    (session_id,) = odd
    monkeypatch.setattr(common, "interactive", lambda: True)
    kept = runner.invoke(cli, ["history", "forget", str(session_id)], input="n\n")
    assert kept.stdout == (
        f"Forget session {session_id} (note is b'\\x1b')? [y/N]: n\nNothing was forgotten.\n"
    )


@pytest.mark.parametrize(
    "value",
    ["2 per day", "10 per week", "", None],
)
def test_a_frequency_that_can_be_read(value: object) -> None:
    assert str(readable.frequency(value) or "") == (value or "")


@pytest.mark.parametrize(
    "value", ["0 per day", "2 per fortnight", "2 each day", "2 per", 2, b"2 per day", "²  per day"]
)
def test_a_frequency_that_cannot(value: object) -> None:
    with pytest.raises(readable.Unreadable, match=r"^frequency is "):
        readable.frequency(value)


@pytest.mark.parametrize("value", [math.inf, math.nan, -0.5, "1", True])
def test_a_number_that_cannot_be_read(value: object) -> None:
    with pytest.raises(readable.Unreadable, match=r"^away_seconds is "):
        readable._number(value, "away_seconds")


def test_a_long_value_is_cut_in_the_notice() -> None:
    with pytest.raises(readable.Unreadable) as raised:
        readable.moment("x" * 100, "started_at")
    assert str(raised.value) == "started_at is '" + "x" * 36 + "..."


def test_a_time_that_is_not_text_cannot_be_read() -> None:
    with pytest.raises(readable.Unreadable, match=r"^ended_at is 5$"):
        readable.moment(5, "ended_at")


def test_the_plan_frequency_of_an_unreadable_latest_session_is_left_out(
    runner: CliRunner, home: Path
) -> None:
    from backpain_cli.history.store import open_for_reading

    odd = _odd_history(runner, home, {"f": ("frequency", "2 per fortnight")}, {})
    (session_id,) = odd
    with sqlite3.connect(home / "history.sqlite3") as db:  # the odd one is the latest
        db.execute(
            "UPDATE sessions SET started_at = '2099' || substr(started_at, 5) WHERE id = ?",
            (session_id,),
        )
    told: list[str] = []
    history = open_for_reading(home / "history.sqlite3")
    assert history is not None
    history.warn = told.append
    with history:
        assert history.frequencies() == {}
        assert history.frequencies() == {}
    assert told == [readable.notice(session_id, "frequency is '2 per fortnight'")]


def test_every_text_column_of_the_csv_is_kept_from_running_as_a_formula(
    runner: CliRunner, home: Path
) -> None:
    import csv
    import io

    formulas = {
        "routine": '=HYPERLINK("http://127.0.0.1/x","a")',
        "routine_hash": "+1+1",
        "note": "@SUM(1)",
    }
    odd = _odd_history(runner, home, {}, {})
    assert odd == {}
    with sqlite3.connect(home / "history.sqlite3") as db:
        for column, value in formulas.items():
            db.execute(f"UPDATE sessions SET {column} = ?", (value,))
        db.execute("UPDATE session_exercises SET status = 'stopped-for-pain', exercise_id = '-2+3'")
    result = runner.invoke(cli, ["history", "--csv"])
    (row,) = list(csv.DictReader(io.StringIO(result.stdout)))
    for column, value in formulas.items():
        shown = row["routine_sha256" if column == "routine_hash" else column]
        assert shown == "'" + value
    assert row["stopped_for_pain"] == "'-2+3;-2+3"
