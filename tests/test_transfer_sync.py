"""Two machines through a sync folder: each appends its own sessions to its own file and
reads the others'. Tested with two homes and two copies of the folder, copied both ways
in either order, with sessions recorded on both while apart and a conflict copy:
nothing lost, nothing twice."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_transfer_history import UUIDS, record, session, sessions_in

from backpain_cli.cli import cli
from backpain_cli.cli import common as cli_module
from backpain_cli.history.merging import history_in_memory
from backpain_cli.history.store import History, open_for_recording
from backpain_cli.transfer.sync import own_file, sync

NOW = datetime(2026, 11, 4, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setattr(cli_module, "utc_now", lambda: NOW)


class Machine:
    """A home whose config points at its own copy of the shared folder."""

    def __init__(self, root: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
        self.home = root / name
        self.folder = root / f"{name}-synced"
        self.home.mkdir()
        self.folder.mkdir()
        (self.home / "config.toml").write_text(f'sync_folder = "{self.folder}"\n')
        self.monkeypatch = monkeypatch

    def run(self, runner: CliRunner, *args: str) -> str:
        self.monkeypatch.setenv("BACKPAIN_HOME", str(self.home))
        result = runner.invoke(cli, list(args))
        assert result.exit_code in (0, 1), result.output
        return result.output

    def record(self, *numbers: int) -> None:
        record(self.home, *(session(n, uuid=UUIDS[n]) for n in numbers))

    def uuids(self) -> list[str]:
        return sorted(s.uuid for s in sessions_in(self.home))

    def send_to(self, other: Machine, runner: CliRunner) -> None:
        """This machine syncs, the sync engine copies its folder over, the other syncs."""
        self.run(runner, "history")
        copy(self.folder, other.folder)
        other.run(runner, "history")


def copy(source: Path, target: Path) -> None:
    """What a sync engine does: each file of one copy of the folder that is newer than
    the other copy's goes over (with its time)."""
    for path in source.iterdir():
        there = target / path.name
        if not there.exists() or path.stat().st_mtime_ns > there.stat().st_mtime_ns:
            shutil.copy2(path, there)


@pytest.fixture
def machines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Machine, Machine]:
    return Machine(tmp_path, "laptop", monkeypatch), Machine(tmp_path, "desktop", monkeypatch)


@pytest.mark.parametrize("laptop_first", [True, False])
def test_two_machines_apart_and_together_see_every_session_once(
    runner: CliRunner, machines: tuple[Machine, Machine], laptop_first: bool
) -> None:
    laptop, desktop = machines
    laptop.record(1, 2)
    desktop.record(3)
    laptop.run(runner, "history")
    desktop.run(runner, "history")
    first, second = (laptop, desktop) if laptop_first else (desktop, laptop)
    copy(first.folder, second.folder)
    second.run(runner, "today")
    copy(second.folder, first.folder)
    first.run(runner, "stats")
    assert laptop.uuids() == desktop.uuids() == sorted(UUIDS[n] for n in (1, 2, 3))
    # Apart again: each records, and a conflict copy of the laptop's file appears.
    laptop.record(4)
    desktop.record(5, 6)
    laptop.run(runner, "history")
    desktop.run(runner, "history")
    mine = own_file(laptop.folder, (laptop.home / "machine").read_text().strip())
    conflict = desktop.folder / mine.name.replace(".jsonl", ".sync-conflict-20261104-1200-X.jsonl")
    shutil.copy2(mine, conflict)
    copy(second.folder, first.folder)
    copy(first.folder, second.folder)
    laptop.run(runner, "today")
    desktop.run(runner, "today")
    laptop.run(runner, "history")
    everything = sorted(UUIDS[n] for n in range(1, 7))
    assert laptop.uuids() == desktop.uuids() == everything
    shown = desktop.run(runner, "history", "--json")
    assert shown.count('"uuid"') == 6


def test_a_rating_or_note_given_late_reaches_the_other_machine(
    runner: CliRunner, machines: tuple[Machine, Machine]
) -> None:
    laptop, desktop = machines
    laptop.record(1)
    laptop.send_to(desktop, runner)
    [before] = sessions_in(desktop.home)
    # After the session had gone out: its closing rating, an exercise's and the note.
    later = before.last_update + timedelta(minutes=5)
    store, _ = open_for_recording(laptop.home / "history.sqlite3")
    assert store is not None
    with store:
        store.record_pain_after(1, 1, at=later)
        store.record_rating(1, 0, 4, "effort", at=later)
        store.record_note(1, "looser afterwards", at=later + timedelta(minutes=1))
    laptop.send_to(desktop, runner)
    [after] = sessions_in(desktop.home)
    assert (after.uuid, after.pain_after, after.note) == (UUIDS[1], 1, "looser afterwards")
    assert (after.exercises[0].rating, after.exercises[0].rating_kind) == (4, "effort")
    assert after.last_update == later + timedelta(minutes=1)


def test_a_session_forgotten_on_a_machine_is_forgotten_on_the_other_too(
    runner: CliRunner, machines: tuple[Machine, Machine]
) -> None:
    laptop, desktop = machines
    laptop.record(1)
    laptop.send_to(desktop, runner)
    assert desktop.uuids() == [UUIDS[1]]
    desktop.run(runner, "history", "forget", "1", "--yes")
    # The laptop's file read again from its start (a conflict copy of it): still gone.
    [theirs] = [p for p in desktop.folder.glob("backpain-*.jsonl") if p.name != own(desktop)]
    shutil.copy2(theirs, theirs.with_name(theirs.stem + ".sync-conflict-20261104-1.jsonl"))
    desktop.run(runner, "today")
    assert desktop.uuids() == []
    assert laptop.uuids() == [UUIDS[1]]  # until the laptop reads the desktop's file
    copy(desktop.folder, laptop.folder)
    laptop.run(runner, "today")
    assert laptop.uuids() == []  # test_transfer_forget.py: the rest of it


def own(machine: Machine) -> str:
    return own_file(machine.folder, (machine.home / "machine").read_text().strip()).name


def test_only_new_lines_are_read_and_a_replaced_file_is_read_again(tmp_path: Path) -> None:
    folder = tmp_path / "synced"
    folder.mkdir()
    other = history_in_memory()
    store = history_in_memory()
    state = tmp_path / "state.json"
    other.add_sessions([session(1, uuid=UUIDS[1])])
    assert sync(other, folder, machine="other-1", state_file=tmp_path / "o.json").written == 1
    assert sync(store, folder, machine="me-2", state_file=state).added == 1
    assert sync(store, folder, machine="me-2", state_file=state).added == 0  # nothing new
    other.add_sessions([session(2, uuid=UUIDS[2])])
    sync(other, folder, machine="other-1", state_file=tmp_path / "o.json")
    assert sync(store, folder, machine="me-2", state_file=state).added == 1
    path = own_file(folder, "other-1")
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(lines[0] + lines[2])  # shrank: another copy of the file
    done = sync(store, folder, machine="me-2", state_file=state)
    assert (done.added, done.updated) == (0, 0)
    path.write_bytes(lines[0] + lines[1] + lines[2] + b'{"uuid": "half a li')
    assert sync(store, folder, machine="me-2", state_file=state).problems == []
    assert len(store.sessions()) == 2


def test_a_bad_file_in_the_folder_is_reported_and_skipped(
    runner: CliRunner, machines: tuple[Machine, Machine]
) -> None:
    laptop, _ = machines
    laptop.record(1)
    (laptop.folder / "backpain-stranger.jsonl").write_text("not json\n")
    laptop.monkeypatch.setenv("BACKPAIN_HOME", str(laptop.home))
    result = runner.invoke(cli, ["history"])
    assert result.exit_code == 0
    assert result.stderr == (
        f"backpain: sync folder: {laptop.folder / 'backpain-stranger.jsonl'}:1: not valid JSON "
        "(Expecting value: line 1 column 1 (char 0)) (that file is skipped)\n"
    )


def test_a_missing_sync_folder_is_said(
    runner: CliRunner, machines: tuple[Machine, Machine]
) -> None:
    laptop, _ = machines
    laptop.record(1)
    laptop.folder.rmdir()
    laptop.monkeypatch.setenv("BACKPAIN_HOME", str(laptop.home))
    result = runner.invoke(cli, ["today"])
    said = f"backpain: sync folder {laptop.folder} is not there (sync_folder setting)\n"
    assert result.stderr.count(said) == 1  # `today` reads the history twice, syncs once


def test_start_writes_its_session_to_the_folder(
    runner: CliRunner, machines: tuple[Machine, Machine]
) -> None:
    laptop, _ = machines
    laptop.run(
        runner, "start", "upper-back", "--plain", "--speed", "1000", "--record", "--from", "5"
    )
    files = list(laptop.folder.iterdir())
    assert len(files) == 1 and files[0].name.startswith("backpain-")
    assert len(files[0].read_text().splitlines()) == 2
    assert not any(path.suffix == ".sqlite3" for path in laptop.folder.iterdir())


def test_a_machine_looks_at_its_sessions_from_where_it_left_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "synced"
    folder.mkdir()
    other = history_in_memory()
    other.add_sessions([session(3, uuid=UUIDS[1]), session(2, uuid=UUIDS[2])])
    sync(other, folder, machine="other-1", state_file=tmp_path / "o.json")
    store = history_in_memory()
    state = tmp_path / "state.json"
    merged = sync(store, folder, machine="me-2", state_file=state)
    assert (merged.written, merged.added) == (0, 2)  # nothing of its own: no file of its own
    assert sync(store, folder, machine="me-2", state_file=state).written == 0
    remembered = state.read_bytes()
    assert json.loads(remembered)["pushed"][0] == 2  # the merged sessions were looked at
    looks: list[int] = []

    def changed_lines(store: History, *, after_id: int, after: str | None) -> list[object]:
        looks.append(after_id)
        return []

    with monkeypatch.context() as patched:  # it has no file yet: the look starts past id 2
        patched.setattr("backpain_cli.transfer.sync.changed_lines", changed_lines)
        assert sync(store, folder, machine="me-2", state_file=state).written == 0
    assert looks == [2]
    assert state.read_bytes() == remembered  # nothing new: nothing written
    store.add_sessions([session(1, uuid=UUIDS[3])])  # its own first session, id 3
    assert sync(store, folder, machine="me-2", state_file=state).written == 1
    lines = own_file(folder, "me-2").read_text().splitlines()
    assert len(lines) == 2 and UUIDS[3] in lines[1]


def test_an_older_copy_of_this_machines_file_is_written_again(tmp_path: Path) -> None:
    folder = tmp_path / "synced"
    folder.mkdir()
    store = history_in_memory()
    state = tmp_path / "state.json"
    store.add_sessions([session(2, uuid=UUIDS[1])])
    sync(store, folder, machine="me-2", state_file=state)
    older = own_file(folder, "me-2").read_bytes()
    store.add_sessions([session(1, uuid=UUIDS[2])])
    assert sync(store, folder, machine="me-2", state_file=state).written == 1
    own_file(folder, "me-2").write_bytes(older)  # a backup, or a sync gone wrong
    assert sync(store, folder, machine="me-2", state_file=state).written == 2
    own_file(folder, "me-2").unlink()
    assert sync(store, folder, machine="me-2", state_file=state).written == 2
    lines = own_file(folder, "me-2").read_text().splitlines()
    assert len(lines) == 3 and lines[0].startswith('{"format": "backpain-history"')


def test_what_cannot_be_read_or_written_is_said_and_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backpain_cli.transfer import sync as sync_module

    folder = tmp_path / "synced"
    folder.mkdir()
    store = history_in_memory()
    store.add_sessions([session(1, uuid=UUIDS[1])])
    state = tmp_path / "state.json"
    own_file(folder, "me-2").mkdir()  # a folder where this machine's file goes
    (folder / "backpain-folder.jsonl").mkdir()
    (folder / "backpain-broken.jsonl").write_text("x\n")
    (folder / "notes.txt").write_text("not ours")
    state.write_text("[]")  # a state file that is not ours: read everything again

    def unreadable(*args: object) -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(sync_module, "_read_new", unreadable)
    done = sync(store, folder, machine="me-2", state_file=state)
    assert done.problems == [
        f"cannot write to {own_file(folder, 'me-2')}: Is a directory",
        f"cannot read {folder / 'backpain-broken.jsonl'}: Permission denied",
    ]
    monkeypatch.setattr(sync_module.os, "scandir", unreadable)
    assert sync(store, folder, machine="me-2", state_file=state).problems[-1] == (
        f"cannot read the sync folder {folder}: Permission denied"
    )
    # A state that cannot be kept is only read again next time.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    kept_nowhere = tmp_path / "no" / "s.json"
    assert sync(store, elsewhere, machine="me-3", state_file=kept_nowhere).written == 1
    assert not kept_nowhere.parent.exists()


def test_came_from_keeps_a_known_origin() -> None:
    from backpain_cli.history.merging import incoming

    found = incoming(replace(session(1, uuid=UUIDS[1]), origin="laptop"))
    assert found.came_from("desktop") is found
    assert incoming(session(1, uuid=UUIDS[1])).came_from(None).origin is None


def test_sync_folder_setting_and_a_history_that_cannot_be_written(
    runner: CliRunner, machines: tuple[Machine, Machine], monkeypatch: pytest.MonkeyPatch
) -> None:
    from backpain_cli.history import store as store_module

    laptop, _ = machines
    (laptop.home / "config.toml").write_text("sync_folder = 3\n")
    monkeypatch.setenv("BACKPAIN_HOME", str(laptop.home))
    wrong = runner.invoke(cli, ["history"])
    assert wrong.stderr == (
        f"backpain: {laptop.home / 'config.toml'}:1:1: sync_folder: must be a path to a "
        "folder, got a whole number\n"
    )
    (laptop.home / "config.toml").write_text('sync_folder = "../laptop-synced"\n')  # relative
    laptop.record(1)
    assert runner.invoke(cli, ["history"]).exit_code == 0
    assert [p.name for p in laptop.folder.parent.glob("laptop-synced/backpain-*")]
    monkeypatch.setattr(store_module, "open_for_recording", lambda path: (None, "read-only"))
    result = runner.invoke(cli, ["history"])
    assert result.stderr == "backpain: not synced: read-only\n"
    assert "upper-back" in result.stdout
    quiet = runner.invoke(cli, ["start", "upper-back", "--plain", "--speed", "1000", "--from", "5"])
    assert quiet.exit_code == 0


def test_a_goal_alone_goes_into_the_folder_once(
    runner: CliRunner, machines: tuple[Machine, Machine]
) -> None:
    laptop, _ = machines
    laptop.record(1)
    laptop.run(runner, "history")
    laptop.run(runner, "goals", "add", "Carry the shopping up the stairs")
    laptop.run(runner, "history")
    [mine] = laptop.folder.iterdir()
    written = mine.read_text()
    assert written.count('"kind": "goal"') == 1
    laptop.run(runner, "today")  # nothing changed since: nothing appended again
    assert mine.read_text() == written


def test_lines_of_a_kind_from_a_newer_version_are_skipped_with_one_notice(
    runner: CliRunner, machines: tuple[Machine, Machine], tmp_path: Path
) -> None:
    """Machines should run one version; one that is behind still takes every line it
    knows of a newer machine's file, and says once a command what it left."""
    laptop, desktop = machines
    desktop.record(1)
    desktop.run(runner, "history")
    theirs = next(desktop.folder.glob("backpain-*.jsonl"))
    with theirs.open("a") as handle:
        handle.write('{"kind": "nap", "uuid": "x", "minutes": 20}\n')
    desktop.record(2)
    desktop.run(runner, "history")
    laptop.monkeypatch.setenv("BACKPAIN_HOME", str(laptop.home))
    notice = "backpain: sync folder {}: {} this version does not know {} skipped; update backpain\n"
    for count, said in [(1, "1 line of a kind"), (2, "2 lines of a kind")]:
        if count == 2:
            with theirs.open("a") as handle:
                handle.write('{"kind": "stretch_break", "at": 3}\n')
        copy(desktop.folder, laptop.folder)
        for _ in range(2):  # said again while they are there: nothing marks them as read
            result = runner.invoke(cli, ["history"])
            shown = notice.format(laptop.folder, said, "was" if count == 1 else "were")
            assert (result.exit_code, result.stderr) == (0, shown)
            assert laptop.uuids() == sorted(UUIDS[n] for n in (1, 2))
    # An import stays all or nothing.
    result = runner.invoke(cli, ["history", "import", str(theirs)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"backpain: {theirs}:3: kind: must be one of goal, barrier, plan_change, "
        "morning_check, forgotten, got 'nap'\n"
    )


@pytest.mark.parametrize("kind", ["5", '"Nap"', '"nap\\u001b[31m"', '""'])
def test_a_kind_that_is_no_name_still_skips_the_file(
    runner: CliRunner, machines: tuple[Machine, Machine], kind: str
) -> None:
    laptop, desktop = machines
    desktop.record(1)
    desktop.run(runner, "history")
    theirs = next(desktop.folder.glob("backpain-*.jsonl"))
    with theirs.open("a") as handle:
        handle.write(f'{{"kind": {kind}}}\n')
    copy(desktop.folder, laptop.folder)
    laptop.monkeypatch.setenv("BACKPAIN_HOME", str(laptop.home))
    result = runner.invoke(cli, ["history"])
    assert result.exit_code == 0
    assert "(that file is skipped)" in result.stderr
    assert result.stderr.count("\n") == 1
    assert laptop.uuids() == []
