"""A session forgotten on one machine is forgotten on every machine that shares the
history through a sync folder: a `forgotten` line in the machine's own file, read by
the others, who remove the session and never take it back (not from an older file, a
conflict copy or `history import`). Exports carry no such line."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from terminal import command_screen
from test_goals_transfer import documented
from test_transfer_history import UUIDS, record, session, sessions_in
from test_transfer_sync import Machine, copy
from test_transfer_sync import clock as clock  # the fixed clock and zone
from test_transfer_sync import machines as machines  # laptop and desktop

from backpain_cli.cli import cli
from backpain_cli.history.store import open_for_recording
from backpain_cli.transfer.sync import sync

HEADER = {"format": "backpain-history", "version": 1, "tool": "x", "machine": "phone-1a2b3c"}
FORGOTTEN = {
    "kind": "forgotten", "uuid": UUIDS[5], "forgotten_at": "2026-11-04T11:00:00.000+00:00",
}  # fmt: skip


def forgotten_rows(home: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(home / "history.sqlite3") as db:
        return db.execute("SELECT uuid, forgotten_at FROM forgotten ORDER BY uuid").fetchall()


def exercises_left(home: Path) -> int:
    with sqlite3.connect(home / "history.sqlite3") as db:
        return int(db.execute("SELECT count(*) FROM session_exercises").fetchone()[0])


def forget(runner: CliRunner, machine: Machine, uuid: str) -> str:
    [found] = [s.id for s in sessions_in(machine.home) if s.uuid == uuid]
    return machine.run(runner, "history", "forget", str(found), "--yes")


def lines_of(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def write(path: Path, *items: dict[str, object]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in items))
    return path


@pytest.mark.parametrize("laptop_first", [True, False])
def test_a_session_forgotten_on_one_machine_is_gone_on_the_other(
    runner: CliRunner,
    machines: tuple[Machine, Machine],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    laptop_first: bool,
) -> None:
    laptop, desktop = machines
    laptop.record(1, 2)
    desktop.record(3)
    for machine in (laptop, desktop):
        machine.run(runner, "history")
    first, second = (laptop, desktop) if laptop_first else (desktop, laptop)
    copy(first.folder, second.folder)
    second.send_to(first, runner)
    assert laptop.uuids() == desktop.uuids() == sorted(UUIDS[n] for n in (1, 2, 3))
    older = tmp_path / "before-the-forget"
    shutil.copytree(laptop.folder, older)
    # The laptop forgets one of its own sessions and one it had from the desktop.
    assert forget(runner, laptop, UUIDS[1]).startswith("Forgot session")
    forget(runner, laptop, UUIDS[3])
    [own] = [p for p in laptop.folder.iterdir() if p.read_text().count("forgotten")]
    gone = {line["uuid"] for line in lines_of(own) if line.get("kind") == "forgotten"}
    assert gone == {UUIDS[1], UUIDS[3]}
    copy(first.folder, second.folder)
    copy(second.folder, first.folder)
    for machine in (second, first, second):  # read twice: as once
        machine.run(runner, "today")
    assert laptop.uuids() == desktop.uuids() == [UUIDS[2]]
    assert exercises_left(desktop.home) == 1
    assert forgotten_rows(desktop.home) == forgotten_rows(laptop.home)
    assert [uuid for uuid, _ in forgotten_rows(desktop.home)] == [UUIDS[1], UUIDS[3]]
    # The sessions' lines still in an older copy of the laptop's file, or in a conflict
    # copy of it, bring nothing back; nor does `history import` of them.
    for path in older.iterdir():
        shutil.copy2(path, desktop.folder / path.name.replace(".jsonl", " (conflicted copy).jsonl"))
    desktop.run(runner, "history")
    imported = desktop.run(runner, "history", "import", *map(str, older.iterdir()))
    assert imported == "Imported 0 sessions; 3 already in your history.\n"
    assert desktop.uuids() == [UUIDS[2]]
    # What the desktop shows is what a history of that one session shows.
    alone = Machine(tmp_path, "alone", monkeypatch)
    record(alone.home, session(2, uuid=UUIDS[2]))
    for command in (["stats"], ["today"], ["report", "--format", "markdown", "-o", "-"]):
        assert desktop.run(runner, *command) == alone.run(runner, *command)
    shown = json.loads(desktop.run(runner, "history", "--json"))
    assert [s["uuid"] for s in shown["sessions"]] == [UUIDS[2]]


@pytest.mark.parametrize("columns", [40, 80, 120])
def test_the_other_machine_no_longer_lists_it(
    runner: CliRunner, machines: tuple[Machine, Machine], columns: int
) -> None:
    laptop, desktop = machines
    laptop.record(1, 2)
    laptop.run(runner, "history")
    copy(laptop.folder, desktop.folder)
    forget(runner, laptop, UUIDS[1])
    copy(laptop.folder, desktop.folder)
    rows = command_screen(desktop.home, columns, "history")
    text = " ".join(rows)
    assert "2026-11-02" in text and "2026-11-03" not in text, rows
    assert max(len(row) for row in rows) <= columns


def synced_home(tmp_path: Path, name: str, folder: Path, *numbers: int) -> int:
    """A home of sessions `numbers` synced with `folder` as machine `name`: how many
    sessions it took from the folder."""
    home = tmp_path / name
    home.mkdir(exist_ok=True)
    record(home, *(session(n, uuid=UUIDS[n]) for n in numbers))
    store, warning = open_for_recording(home / "history.sqlite3")
    assert store is not None, warning
    with store:
        return sync(store, folder, machine=name, state_file=home / "sync-state.json").added


def test_a_forgotten_line_for_a_session_not_here_yet_keeps_it_out(tmp_path: Path) -> None:
    folder = tmp_path / "synced"
    folder.mkdir()
    write(folder / "backpain-phone-1a2b3c.jsonl", HEADER, FORGOTTEN)
    assert synced_home(tmp_path, "here", folder, 1) == 0
    assert forgotten_rows(tmp_path / "here") == [(UUIDS[5], "2026-11-04T11:00:00.000+00:00")]
    # The session arrives later, in another machine's file: it stays out.
    assert synced_home(tmp_path, "tablet-4d5e6f", folder, 5) == 1  # session 1, from here
    assert (folder / "backpain-tablet-4d5e6f.jsonl").read_text().count(UUIDS[5]) == 1
    assert synced_home(tmp_path, "here", folder) == 0
    assert [s.uuid for s in sessions_in(tmp_path / "here")] == [UUIDS[1]]
    # The phone's line reached the tablet too: its own session 5 is gone there.
    assert [s.uuid for s in sessions_in(tmp_path / "tablet-4d5e6f")] == [UUIDS[1]]


def test_export_carries_no_forgotten_line_and_import_of_a_sync_file_forgets(
    runner: CliRunner, home: Path, tmp_path: Path
) -> None:
    record(home, session(2, uuid=UUIDS[1]), session(1, uuid=UUIDS[5]))
    assert runner.invoke(cli, ["history", "forget", "1", "--yes"]).exit_code == 0
    exported = runner.invoke(cli, ["history", "export", "-o", "-"]).output
    assert "forgotten" not in exported and UUIDS[1] not in exported
    synced = write(tmp_path / "backpain-phone-1a2b3c.jsonl", HEADER, FORGOTTEN)
    result = runner.invoke(cli, ["history", "import", str(synced)])
    assert result.output == "Imported 0 sessions; forgot 1, as forgotten where written.\n"
    assert sessions_in(home) == []
    again = runner.invoke(cli, ["history", "import", str(synced)])
    assert again.output == "Imported 0 sessions.\n"
    assert [uuid for uuid, _ in forgotten_rows(home)] == [UUIDS[1], UUIDS[5]]


def test_a_forgotten_row_edited_by_hand_is_not_written_to_the_folder(
    runner: CliRunner, machines: tuple[Machine, Machine]
) -> None:
    laptop, _ = machines
    laptop.record(1)
    forget(runner, laptop, UUIDS[1])
    with sqlite3.connect(laptop.home / "history.sqlite3") as db:
        db.execute("INSERT INTO forgotten VALUES ('not-a-uuid', '2026-11-04T11:00:00.000+00:00')")
        db.execute(f"INSERT INTO forgotten VALUES ('{UUIDS[7]}', 'yesterday')")
    laptop.run(runner, "history")
    [own] = laptop.folder.iterdir()
    gone = [line["uuid"] for line in lines_of(own) if line.get("kind") == "forgotten"]
    assert gone == [UUIDS[1]]


HOSTILE = {
    "a uuid that is no UUID": ({**FORGOTTEN, "uuid": "42"}, "uuid: not a UUID like 0b5e…-…: '42'"),
    "a uuid as a number": ({**FORGOTTEN, "uuid": 42}, "uuid: must be text, got int"),
    "a uuid in capitals": (
        {**FORGOTTEN, "uuid": "0B5E0000-0000-4000-8000-00000000ABCD"},
        "uuid: not a UUID like 0b5e…-…: '0B5E0000-0000-4000-8000-00000000ABCD'",
    ),
    "a control character in the uuid": (
        {**FORGOTTEN, "uuid": UUIDS[6][:-1] + "\u001b"},
        "uuid: a control character (U+001B)",
    ),
    "no uuid": ({"kind": "forgotten", "forgotten_at": FORGOTTEN["forgotten_at"]}, "uuid: missing"),
    "a time as a number": ({**FORGOTTEN, "forgotten_at": 1}, "forgotten_at: must be text, got int"),
    "no time": ({**FORGOTTEN, "forgotten_at": None}, "forgotten_at: must be text, got null"),
    "a time that is not UTC": (
        {**FORGOTTEN, "forgotten_at": "2026-11-04T11:00:00"},
        "forgotten_at: not a UTC time",
    ),
    "a kind as a list": ({**FORGOTTEN, "kind": ["forgotten"]}, "kind: must be text, got a list"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_bad_forgotten_line_is_named_by_its_line_and_nothing_is_imported(
    runner: CliRunner, home: Path, tmp_path: Path, case: str
) -> None:
    line, message = HOSTILE[case]
    record(home, session(1, uuid=UUIDS[5]))
    bad = write(tmp_path / "bad.jsonl", HEADER, FORGOTTEN, line)
    result = runner.invoke(cli, ["history", "import", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"backpain: {bad}:3: {message}")
    assert result.stderr.count("\n") == 1
    assert [s.uuid for s in sessions_in(home)] == [UUIDS[5]]  # line 2 was not taken either
    assert forgotten_rows(home) == []


def test_the_forgotten_line_is_documented_key_by_key(
    runner: CliRunner, machines: tuple[Machine, Machine]
) -> None:
    laptop, _ = machines
    laptop.record(1)
    forget(runner, laptop, UUIDS[1])
    [own] = laptop.folder.iterdir()
    line = next(line for line in lines_of(own) if line.get("kind") == "forgotten")
    assert documented("Each forgotten session in a sync folder's file") == list(line)
