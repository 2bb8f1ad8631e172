"""The plan's moves (`plan_changes`) and the next-morning checks (`morning_checks`)
travel with the history like goals and answers: export, import (once, all or nothing,
a bad line named by its number), report --history, and a sync folder."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_goals_transfer import documented
from test_transfer_history import NOW, UUIDS, record, session
from test_transfer_history import clock as clock  # the fixed clock and zone
from test_transfer_sync import Machine, copy
from test_transfer_sync import machines as machines  # laptop and desktop

from backpain_cli.cli import cli
from backpain_cli.history.progress import record_change, record_morning
from backpain_cli.history.store import open_for_recording

Rows = tuple[list[tuple[object, ...]], list[tuple[object, ...]]]


def with_moves(home: Path, first: int, *, answer: str = "better") -> None:
    """Two sessions (UUIDS[first], UUIDS[first + 1]) of upper-back, a plan moved twice
    and a next-morning check of the first session."""
    record(home, session(3, uuid=UUIDS[first]), session(2, uuid=UUIDS[first + 1]))
    store, _ = open_for_recording(home / "history.sqlite3")
    assert store is not None
    with store:
        at = NOW - timedelta(days=2, hours=1)
        record_change(store, "upper-back", at=at, step=2, kind="manual")
        record_change(
            store, "upper-back", at=at, step=1, kind="step-back", detail="pain went up 3 points"
        )
        record_morning(store, [UUIDS[first]], at=NOW - timedelta(days=2), answer=answer)


def rows_in(home: Path) -> Rows:
    connection = sqlite3.connect(home / "history.sqlite3")
    try:
        moves = connection.execute(
            "SELECT uuid, routine, changed_at, step, kind, detail FROM plan_changes ORDER BY uuid"
        ).fetchall()
        mornings = connection.execute(
            "SELECT uuid, session_uuid, asked_at, answer FROM morning_checks ORDER BY uuid"
        ).fetchall()
    finally:
        connection.close()
    return moves, mornings


def use(monkeypatch: pytest.MonkeyPatch, home: Path) -> Path:
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("BACKPAIN_HOME", str(home))
    return home


def export(runner: CliRunner, target: Path, *options: str) -> list[dict[str, object]]:
    result = runner.invoke(cli, ["history", "export", *options, "-o", str(target)])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in target.read_text().splitlines()]


def test_two_homes_export_and_import_both_ways_twice_is_once(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop, desktop = tmp_path / "laptop", tmp_path / "desktop"
    with_moves(use(monkeypatch, laptop), 0)
    with_moves(use(monkeypatch, desktop), 10, answer="worse")
    mine, theirs = rows_in(laptop), rows_in(desktop)
    use(monkeypatch, laptop)
    lines = export(runner, tmp_path / "laptop.jsonl")
    kinds = [line.get("kind", "session") for line in lines[1:]]
    assert kinds == ["session", "session", "plan_change", "plan_change", "morning_check"]
    assert lines[-1] == {
        "kind": "morning_check",
        "uuid": mine[1][0][0],
        "session_uuid": UUIDS[0],
        "asked_at": "2026-11-02T12:00:00.000+00:00",
        "answer": "better",
    }
    use(monkeypatch, desktop)
    export(runner, tmp_path / "desktop.jsonl")
    for _ in range(2):  # twice is once, each way
        assert (
            runner.invoke(cli, ["history", "import", str(tmp_path / "laptop.jsonl")]).exit_code == 0
        )
    use(monkeypatch, laptop)
    for _ in range(2):
        assert (
            runner.invoke(cli, ["history", "import", str(tmp_path / "desktop.jsonl")]).exit_code
            == 0
        )
    both = (sorted(mine[0] + theirs[0]), sorted(mine[1] + theirs[1]))
    assert rows_in(laptop) == both
    assert rows_in(desktop) == both
    assert len(both[0]) == 4 and len(both[1]) == 2


def test_a_session_answered_here_keeps_its_answer(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_moves(use(monkeypatch, tmp_path / "a"), 0, answer="better")
    export(runner, tmp_path / "a.jsonl")
    with_moves(use(monkeypatch, tmp_path / "b"), 0, answer="worse")  # the same sessions
    assert runner.invoke(cli, ["history", "import", str(tmp_path / "a.jsonl")]).exit_code == 0
    assert [row[3] for row in rows_in(tmp_path / "b")[1]] == ["worse"]


def test_no_pain_leaves_out_the_mornings_and_the_rule_s_reasons(
    runner: CliRunner, home: Path, tmp_path: Path
) -> None:
    with_moves(home, 0)
    lines = export(runner, tmp_path / "x.jsonl", "--no-pain")
    assert [line.get("kind") for line in lines[3:]] == ["plan_change", "plan_change"]
    assert [line["detail"] for line in lines[3:]] == ["", ""]
    assert [line["change"] for line in lines[3:]] == ["manual", "step-back"]


def test_report_from_an_exported_file_counts_the_mornings(
    runner: CliRunner, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_moves(home, 0)
    export(runner, tmp_path / "me.jsonl")
    third = use(monkeypatch, tmp_path / "third")
    result = runner.invoke(
        cli, ["report", "--history", str(tmp_path / "me.jsonl"), "--format", "markdown", "-o", "-"]
    )
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "The next morning, compared with before the session: better 1, same 0, worse 0." in said
    assert not (third / "history.sqlite3").exists()


def test_the_moves_and_mornings_reach_the_other_machine_through_the_sync_folder(
    runner: CliRunner, machines: tuple[Machine, Machine]
) -> None:
    laptop, desktop = machines
    with_moves(laptop.home, 0)
    laptop.send_to(desktop, runner)
    assert rows_in(desktop.home) == rows_in(laptop.home)
    desktop.run(runner, "history")  # read again: nothing twice
    assert len(rows_in(desktop.home)[0]) == 2


def test_a_move_dated_ahead_in_the_sync_folder_skips_that_file(
    runner: CliRunner, machines: tuple[Machine, Machine]
) -> None:
    laptop, desktop = machines
    laptop.record(1)
    laptop.run(runner, "history")
    (own,) = laptop.folder.iterdir()
    ahead = {**MOVE, "changed_at": "2999-01-01T00:00:00.000+00:00", "change": "step-back"}
    with own.open("a") as handle:
        handle.write(json.dumps(ahead) + "\n")
    lines = len(own.read_text().splitlines())
    copy(laptop.folder, desktop.folder)
    desktop.monkeypatch.setenv("BACKPAIN_HOME", str(desktop.home))
    result = runner.invoke(cli, ["history"])
    assert result.stderr == (
        f"backpain: sync folder: {desktop.folder / own.name}:{lines}: changed_at: "
        "2999-01-01T00:00:00.000+00:00 is more than a day ahead of this clock "
        "(that file is skipped)\n"
    )
    assert rows_in(desktop.home) == ([], [])


HEADER = {"format": "backpain-history", "version": 1, "tool": "x", "machine": "m"}
MOVE = {
    "kind": "plan_change", "uuid": "00000000-0000-4000-8000-000000000101",
    "routine": "upper-back", "changed_at": "2026-11-01T08:00:00.000+00:00", "step": 2,
    "change": "manual", "detail": "",
}  # fmt: skip
MORNING = {
    "kind": "morning_check", "uuid": "00000000-0000-4000-8000-000000000102",
    "session_uuid": UUIDS[1], "asked_at": "2026-11-02T08:00:00.000+00:00", "answer": "same",
}  # fmt: skip
HOSTILE = {
    "a step as text": ({**MOVE, "step": "2"}, "step: must be a whole number, got str"),
    "a step as true": ({**MOVE, "step": True}, "step: must be a whole number, got true/false"),
    "step 0": ({**MOVE, "step": 0}, "step: must be between 1 and 1000, got 0"),
    "an unknown step": ({**MOVE, "step": 1001}, "step: must be between 1 and 1000, got 1001"),
    "an unknown move": (
        {**MOVE, "change": "skip"},
        "change: must be one of manual, step-back, flag, got 'skip'",
    ),
    "a control character in the reason": (
        {**MOVE, "detail": "pain\u001b[2J"},
        "detail: a control character (U+001B)",
    ),
    "a control character in the routine": (
        {**MOVE, "routine": "upper-back\u0007"},
        "routine: a control character (U+0007)",
    ),
    "a routine that is no name": ({**MOVE, "routine": "../x"}, "routine: not a routine name"),
    "no time": ({**MOVE, "changed_at": None}, "changed_at: must be text, got null"),
    "a move dated ahead of the clock": (  # NOW and a day, and a millisecond
        {**MOVE, "changed_at": "2026-11-05T12:00:00.001+00:00"},
        "changed_at: 2026-11-05T12:00:00.001+00:00 is more than a day ahead of this clock",
    ),
    "a move without its uuid": (
        {k: v for k, v in MOVE.items() if k != "uuid"},
        "uuid: missing",
    ),
    "an answer as a number": ({**MORNING, "answer": 3}, "answer: must be text or null, got int"),
    "an unknown answer": (
        {**MORNING, "answer": "great"},
        "answer: must be one of better, same, worse or null, got 'great'",
    ),
    "a control character in the answer": (
        {**MORNING, "answer": "same\u009b"},
        "answer: a control character (U+009B)",
    ),
    "a session that is no UUID": (
        {**MORNING, "session_uuid": "7"},
        "session_uuid: not a UUID like 0b5e…-…: '7'",
    ),
    "a time that is not UTC": (
        {**MORNING, "asked_at": "2026-11-02T08:00:00"},
        "asked_at: not a UTC time",
    ),
    "an unknown kind": ({**MORNING, "kind": "mood"}, "kind: must be one of goal, barrier, "),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_bad_move_or_morning_is_named_by_its_line_and_nothing_is_imported(
    runner: CliRunner, home: Path, tmp_path: Path, case: str
) -> None:
    line, message = HOSTILE[case]
    bad = tmp_path / "bad.jsonl"
    with_moves(home, 20)  # what is here already stays as it is
    before = rows_in(home)
    items = [HEADER, MOVE, MORNING, line]
    bad.write_text("\n".join(json.dumps(item) for item in items) + "\n")
    result = runner.invoke(cli, ["history", "import", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"backpain: {bad}:4: {message}")
    assert result.stderr.count("\n") == 1
    assert rows_in(home) == before  # the good lines before it were not taken either


def test_the_move_and_morning_lines_are_documented_key_by_key(
    runner: CliRunner, home: Path, tmp_path: Path
) -> None:
    with_moves(home, 0)
    lines = export(runner, tmp_path / "x.jsonl")
    move = next(line for line in lines if line.get("kind") == "plan_change")
    morning = next(line for line in lines if line.get("kind") == "morning_check")
    assert documented("Each move of a plan in a history file") == list(move)
    assert documented("Each next-morning check in a history file") == list(morning)


def test_an_export_of_a_newer_version_is_refused_in_one_line(
    runner: CliRunner, home: Path, tmp_path: Path
) -> None:
    newer = tmp_path / "newer.jsonl"
    newer.write_text(json.dumps({**HEADER, "version": 2}) + "\n" + json.dumps(MOVE) + "\n")
    result = runner.invoke(cli, ["history", "import", str(newer)])
    assert (result.exit_code, result.stderr) == (
        2,
        f"backpain: {newer}:1: written by a newer backpain (history file version 2; this one "
        "reads up to 1); upgrade backpain to read it\n",
    )
    assert not (home / "history.sqlite3").exists()
