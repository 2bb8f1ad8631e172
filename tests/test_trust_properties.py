"""Any bytes from outside, through the real commands (hypothesis): a routine file for
`validate`, a config file for `config`, any value in any column of the history for the
commands that read it. Each gives exit status 0 or 2, its message and no traceback,
no raw control character on the terminal, in bounded time."""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
import tempfile
import time
from pathlib import Path

from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backpain_cli.cli import cli

PROPERTY = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
RAW = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\u200e\u200f\u2028\u2029]"
)
CPU_SECONDS = 5  # for one command; its CPU time, which a busy machine does not change

ROUTINE = (
    "version: 1\ntitle: Mine\nfrequency: 2 per day\nexercises:\n"
    "  - id: a\n    name: A\n    hold: 5\n    sides: [left, right]\n    instructions: [x]\n"
)
CONFIG = 'sound = false\nprepare = 5\ndefault_routine = "upper-back"\n'


def _run(arguments: list[str]) -> Result:
    began = time.process_time()
    result = CliRunner().invoke(cli, arguments)
    assert time.process_time() - began < CPU_SECONDS
    due = 1 if arguments == ["today"] else 0  # `today` exits 1 while something is due
    assert result.exit_code in (0, due, 2), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert not RAW.search(result.stdout + result.stderr)
    return result


def _spliced(text: str, data: bytes, where: int) -> bytes:
    """TEXT with DATA put in at a position: a file valid but for what was put in."""
    encoded = text.encode()
    at = where % (len(encoded) + 1)
    return encoded[:at] + data + encoded[at:]


@PROPERTY
@given(data=st.binary(max_size=200), where=st.integers(min_value=0))
def test_any_bytes_in_a_routine_file(tmp_path: Path, data: bytes, where: int) -> None:
    path = tmp_path / "mine.yaml"
    for content in (data, _spliced(ROUTINE, data, where)):
        path.write_bytes(content)
        result = _run(["validate", str(path)])
        assert result.stderr.endswith(("", "1 of 1 file with problems\n"))


@PROPERTY
@given(data=st.binary(max_size=200), where=st.integers(min_value=0))
def test_any_bytes_in_the_config_file(home: Path, data: bytes, where: int) -> None:
    for content in (data, _spliced(CONFIG, data, where)):
        (home / "config.toml").write_bytes(content)
        result = _run(["config"])
        if result.exit_code == 2:
            assert result.stderr.startswith("backpain: ")


SQLITE_VALUES = (
    st.none()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats()
    | st.text(max_size=30)
    | st.binary(max_size=30)
    | st.sampled_from(["2 per day", "9 per week", "2026-12-01T10:00:00.000+00:00", "done"])
)
SESSION_COLUMNS = [
    "routine", "routine_hash", "started_at", "ended_at", "updated_at", "outcome",
    "exercises_planned", "pain_before", "pain_after", "frequency", "speed", "note",
    "counts_as", "away_seconds", "origin", "routine_path", "plan_step",
]  # fmt: skip
EXERCISE_COLUMNS = [
    "position", "exercise_id", "name", "status", "started_at", "ended_at", "holds_done",
    "holds_planned", "reps_done", "sides_done", "rating", "rating_kind",
]  # fmt: skip


@PROPERTY
@given(
    session=st.dictionaries(st.sampled_from(SESSION_COLUMNS), SQLITE_VALUES, max_size=4),
    exercise=st.dictionaries(st.sampled_from(EXERCISE_COLUMNS), SQLITE_VALUES, max_size=3),
)
def test_any_value_in_the_history(
    home: Path, session: dict[str, object], exercise: dict[str, object]
) -> None:
    good = home / "good.sqlite3"
    if not good.exists():  # one recorded session, made once
        played = CliRunner().invoke(
            cli, ["start", "upper-back-gentle", "--plain", "--speed", "1000", "--record"]
        )
        assert played.exit_code == 0
        _copy(home / "history.sqlite3", good)
    folder = Path(tempfile.mkdtemp(dir=home))
    os.environ["BACKPAIN_HOME"] = str(folder)  # put back by the `home` fixture
    history = folder / "history.sqlite3"
    _copy(good, history)
    db = sqlite3.connect(history)
    try:
        db.execute("PRAGMA ignore_check_constraints = ON")  # as another program might
        for table, values in (("sessions", session), ("session_exercises", exercise)):
            for column, value in values.items():
                with contextlib.suppress(sqlite3.IntegrityError):  # NOT NULL holds anyway
                    db.execute(f"UPDATE {table} SET {column} = ?", (value,))
        db.commit()
    finally:
        db.close()
    for command in (["history", "--json"], ["history", "--csv"], ["stats"], ["today"],
                    ["report", "-o", "-"]):  # fmt: skip
        result = _run(command)
        assert result.exit_code != 2, result.output
        for line in result.stderr.splitlines():
            assert line.startswith("backpain: session 1 in the history cannot be read (")


def _copy(source: Path, target: Path) -> None:
    """A whole, consistent copy of a history (what is still in its WAL too)."""
    origin, copy = sqlite3.connect(source), sqlite3.connect(target)
    try:
        origin.backup(copy)
    finally:
        origin.close()
        copy.close()
