"""Goals, their ratings and the answers to "what got in the way?" travel with the
history: export, import (once, all or nothing), report --history, and a sync folder."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_transfer_history import NOW, record, session
from test_transfer_history import clock as clock  # the fixed clock and zone
from test_transfer_sync import Machine, copy
from test_transfer_sync import machines as machines  # laptop and desktop

from backpain_cli.cli import cli
from backpain_cli.history import journal
from backpain_cli.history.merging import history_in_memory
from backpain_cli.history.store import open_for_recording
from backpain_cli.transfer.sync import own_file, sync


def with_goals(home: Path) -> None:
    record(home, session(3), session(2))
    store, _ = open_for_recording(home / "history.sqlite3")
    assert store is not None
    with store:
        journal.add_goal(store, "Lift my grandchild", now=NOW - timedelta(days=30))
        journal.add_goal(store, "Garden", now=NOW - timedelta(days=30))
        journal.rate_goals(store, {1: 3, 2: 5}, now=NOW - timedelta(days=30))
        journal.rate_goals(store, {1: 7}, now=NOW - timedelta(days=1))
        journal.close_goal(store, 2, journal.GoalState.DONE, now=NOW)
        journal.record_barrier(store, date(2026, 11, 1), "other", "the dog", now=NOW)
        journal.record_barrier(store, date(2026, 11, 2), "forgot", now=NOW)


def goals_in(runner: CliRunner, home: Path, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    monkeypatch.setenv("BACKPAIN_HOME", str(home))
    shown = json.loads(runner.invoke(cli, ["goals", "--json"]).output)["goals"]
    return [(g["text"], g["state"], [r["score"] for r in g["ratings"]]) for g in shown]


def barriers_in(home: Path) -> list[tuple[str, str | None, str]]:
    store, _ = open_for_recording(home / "history.sqlite3")
    assert store is not None
    with store:
        return [(b.missed_on.isoformat(), b.reason, b.detail) for b in journal.barriers(store)]


def test_export_carries_goals_and_import_takes_them_once(
    runner: CliRunner, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_goals(home)
    exported = tmp_path / "me.jsonl"
    assert runner.invoke(cli, ["history", "export", "-o", str(exported)]).exit_code == 0
    lines = [json.loads(line) for line in exported.read_text().splitlines()]
    kinds = [line.get("kind", "session") for line in lines[1:]]
    assert kinds == ["session", "session", "goal", "goal", "barrier", "barrier"]
    assert lines[3]["ratings"][1]["score"] == 7
    other = tmp_path / "therapist-copy"
    other.mkdir()
    monkeypatch.setenv("BACKPAIN_HOME", str(other))
    for _ in range(2):  # twice is once
        result = runner.invoke(cli, ["history", "import", str(exported)])
        assert result.exit_code == 0, result.output
    assert goals_in(runner, other, monkeypatch) == [
        ("Lift my grandchild", "active", [3, 7]),
        ("Garden", "done", [5]),
    ]
    assert barriers_in(other) == [
        ("2026-11-01", "other", "the dog"),
        ("2026-11-02", "forgot", ""),
    ]


def test_no_notes_leaves_out_the_answers_own_words(runner: CliRunner, home: Path) -> None:
    with_goals(home)
    result = runner.invoke(cli, ["history", "export", "--no-notes", "-o", "-"])
    barriers = [json.loads(line) for line in result.output.splitlines() if '"barrier"' in line]
    assert [b["detail"] for b in barriers] == ["", ""]


def test_report_from_an_exported_file_leads_with_the_goals(
    runner: CliRunner, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_goals(home)
    exported = tmp_path / "me.jsonl"
    runner.invoke(cli, ["history", "export", "-o", str(exported)])
    third = tmp_path / "third"
    third.mkdir()
    monkeypatch.setenv("BACKPAIN_HOME", str(third))
    result = runner.invoke(
        cli, ["report", "--history", str(exported), "--format", "markdown", "-o", "-"]
    )
    assert result.exit_code == 0, result.output
    assert "| Lift my grandchild | 3 (05 Oct) | 7 (03 Nov) | up 4 points" in result.output
    assert "- Forgot: 1 time" in result.output
    assert not (third / "history.sqlite3").exists()


GOAL = {
    "kind": "goal", "uuid": "00000000-0000-4000-8000-000000000001", "text": "Garden",
    "added_at": "2026-11-01T08:00:00.000+00:00", "state": "active", "closed_at": None,
    "ratings": [{"uuid": "00000000-0000-4000-8000-000000000002",
                 "at": "2026-11-01T08:00:00.000+00:00", "score": 4}],
}  # fmt: skip
BARRIER = {
    "kind": "barrier", "uuid": "00000000-0000-4000-8000-000000000003",
    "missed_on": "2026-11-01", "asked_at": "2026-11-02T08:00:00.000+00:00",
    "reason": "forgot", "detail": "",
}  # fmt: skip


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            {**GOAL, "kind": "mood"},
            "kind: must be one of goal, barrier, plan_change, morning_check, forgotten, got 'mood'",
        ),
        ({**GOAL, "uuid": "1"}, "uuid: not a UUID"),
        ({**GOAL, "text": "Sit\u001b[2J"}, "text: a control character (U+001B)"),
        ({**GOAL, "text": ""}, "text: a goal needs a few words"),
        ({**GOAL, "state": "won"}, "state: must be one of active, done, removed, got 'won'"),
        (
            {**GOAL, "ratings": [{**GOAL["ratings"][0], "score": 11}]},  # type: ignore[dict-item]
            "ratings[0].score: must be between 0 and 10, got 11",
        ),
        ({**GOAL, "ratings": ["x"]}, "ratings[0]: must be an object, got str"),
        ({**GOAL, "ratings": [{}] * 10_001}, "ratings: 10001 of them; at most 10000"),
        ({**GOAL, "added_at": "yesterday"}, "added_at: not a UTC time"),
        ({**BARRIER, "missed_on": "monday"}, "missed_on: not a day like 2026-12-07"),
        ({**BARRIER, "reason": "lazy"}, "reason: must be one of no-time, forgot, it-hurt"),
    ],
)
def test_a_bad_goal_or_answer_is_named_and_nothing_is_imported(
    runner: CliRunner, home: Path, tmp_path: Path, line: dict[str, object], message: str
) -> None:
    header = {"format": "backpain-history", "version": 1, "tool": "x", "machine": "m"}
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(json.dumps(item) for item in (header, GOAL, BARRIER, line)) + "\n")
    result = runner.invoke(cli, ["history", "import", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"backpain: {bad}:4: {message}")
    assert result.stderr.count("\n") == 1
    assert barriers_in(home) == []


def test_goals_reach_the_other_machine_through_the_sync_folder(
    runner: CliRunner, machines: tuple[Machine, Machine], monkeypatch: pytest.MonkeyPatch
) -> None:
    laptop, desktop = machines
    with_goals(laptop.home)
    laptop.run(runner, "history")
    copy(laptop.folder, desktop.folder)
    desktop.run(runner, "today")
    assert goals_in(runner, desktop.home, monkeypatch) == [
        ("Lift my grandchild", "active", [3, 7]),
        ("Garden", "done", [5]),
    ]
    laptop.run(runner, "history")  # nothing changed: nothing appended again
    size = next(laptop.folder.iterdir()).stat().st_size
    laptop.run(runner, "goals", "rate", "1=8")
    laptop.run(runner, "history")
    assert next(laptop.folder.iterdir()).stat().st_size > size
    copy(laptop.folder, desktop.folder)
    desktop.run(runner, "history")
    assert goals_in(runner, desktop.home, monkeypatch)[0] == ("Lift my grandchild", "active",
                                                              [3, 7, 8])  # fmt: skip


def documented(heading: str) -> list[str]:
    """The keys docs/json-output.md lists under `## HEADING`, in order."""
    doc = (Path(__file__).resolve().parents[1] / "docs" / "json-output.md").read_text()
    section = doc.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `(\w+)` \|", section, re.M)


def test_the_goal_and_answer_lines_are_documented_key_by_key(runner: CliRunner, home: Path) -> None:
    with_goals(home)
    lines = [
        json.loads(line)
        for line in runner.invoke(cli, ["history", "export", "-o", "-"]).output.splitlines()
    ]
    goal = next(line for line in lines if line.get("kind") == "goal")
    answer = next(line for line in lines if line.get("kind") == "barrier")
    assert documented("Each goal of a history file") == list(goal)
    assert documented("Each answer of a history file") == list(answer)
    assert list(goal["ratings"][0]) == ["uuid", "at", "score"]


def test_thirty_days_of_answers_grow_the_sync_file_by_a_line_each(tmp_path: Path) -> None:
    """The answers (like the plan's moves and the next-morning checks) are only ever
    added: each goes into the file once, not again with every new one; a goal goes
    again only when it changed. The other machine sees each answer once."""
    folder = tmp_path / "synced"
    folder.mkdir()
    here, there = history_in_memory(), history_in_memory()
    journal.add_goal(here, "Garden", now=NOW - timedelta(days=40))
    first = date(2026, 10, 1)
    for day in range(30):
        journal.record_barrier(here, first + timedelta(days=day), "forgot", now=NOW)
        if day == 15:
            journal.rate_goals(here, {1: 6}, now=NOW)
        sync(here, folder, machine="here-1", state_file=tmp_path / "here.json")
        sync(there, folder, machine="there-2", state_file=tmp_path / "there.json")
    kinds = [json.loads(line).get("kind") for line in own_file(folder, "here-1").open()]
    assert kinds.count("barrier") == 30
    assert kinds.count("goal") == 2  # once, and again when it was rated
    assert len(kinds) == 33  # and the header
    assert [b.missed_on for b in journal.barriers(there)] == [
        first + timedelta(days=day) for day in range(30)
    ]
    assert [g.ratings[-1].score for g in journal.goals(there)] == [6]


def test_an_answer_whose_push_failed_goes_with_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "synced"
    folder.mkdir()
    here = history_in_memory()
    state = tmp_path / "here.json"
    journal.add_goal(here, "Garden", now=NOW)
    sync(here, folder, machine="here-1", state_file=state)
    journal.record_barrier(here, date(2026, 10, 1), "forgot", now=NOW)
    opened = Path.open

    def no_appending(path: Path, mode: str = "r", *args: object, **kwargs: object) -> object:
        if mode == "a":
            raise PermissionError(13, "Permission denied")
        return opened(path, mode, *args, **kwargs)  # type: ignore[call-overload]

    with monkeypatch.context() as patched:
        patched.setattr(Path, "open", no_appending)
        assert sync(here, folder, machine="here-1", state_file=state).problems
    sync(here, folder, machine="here-1", state_file=state)  # nothing marked as pushed
    own = own_file(folder, "here-1")
    assert sum('"barrier"' in line for line in own.open()) == 1
