"""Hostile files in the data folder beside a sync folder: a sync state of the wrong
shape, and a named pipe where the sync state, the machine's name or the config file
should be. Each through the command line, with a deadline: never a traceback, never a
wait for a writer that does not come."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from test_transfer_history import UUIDS, record, session, sessions_in

from backpain_cli.cli import cli

pytestmark = [
    pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes"),
    pytest.mark.usefixtures("deadline"),
]


@pytest.fixture
def folder(home: Path, tmp_path: Path) -> Path:
    """A sync folder with another machine's file holding one session, and one session
    recorded here."""
    synced = tmp_path / "synced"
    other = tmp_path / "other"
    for made in (synced, other):
        made.mkdir()
    (home / "config.toml").write_text(f'sync_folder = "{synced}"\n')
    record(other, session(2, uuid=UUIDS[2]))
    (other / "config.toml").write_text(f'sync_folder = "{synced}"\n')
    os.environ["BACKPAIN_HOME"] = str(other)
    try:
        assert CliRunner().invoke(cli, ["history"]).exit_code == 0
    finally:
        os.environ["BACKPAIN_HOME"] = str(home)
    record(home, session(1, uuid=UUIDS[1]))
    return synced


def history(runner: CliRunner) -> Result:
    result = runner.invoke(cli, ["history"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result
    return result


@pytest.mark.parametrize(
    "state",
    [
        {"files": {}, "own_size": "x"},
        {"files": {}, "pushed": [1, 2, 3]},
        {"files": {}, "pushed": [0, 7]},
        {"files": {}, "pushed": [True, None]},
        {"files": {}, "journal": 5},
        {"files": {}, "journal_ids": [3]},
        {"files": {}, "journal_ids": {"barriers": "3"}},
        {"files": {"backpain-a.jsonl": 1}},
        {"files": {"backpain-a.jsonl": {"size": 1, "offset": "0", "head": "", "line": 1}}},
        {"files": {"backpain-a.jsonl": {"size": 1, "offset": 0, "head": 3, "line": 1}}},
        {"files": {"backpain-a.jsonl": {"size": -1, "offset": 0, "head": "", "line": 1}}},
        {"files": {"a": {"size": 1, "offset": 0, "head": "", "line": 1, "machine": 2}}},
        {"files": {"a": {"size": 1, "offset": 0, "head": "", "line": 1, "mtime": 0.5}}},
        {"files": []},
        [],
    ],
)
def test_a_sync_state_of_the_wrong_shape_is_read_as_a_fresh_one(
    runner: CliRunner, home: Path, folder: Path, state: object
) -> None:
    """Silent: the state is a cache of how far the folder was read; a fresh one reads
    the folder again (merging is idempotent) and is written over the bad one."""
    (home / "sync-state.json").write_text(json.dumps(state))
    result = history(runner)
    assert (result.exit_code, result.stderr) == (0, "")
    assert sorted(s.uuid for s in sessions_in(home)) == sorted([UUIDS[1], UUIDS[2]])
    assert isinstance(json.loads((home / "sync-state.json").read_text())["pushed"], list)


def test_a_named_pipe_as_the_sync_state_is_replaced_without_a_wait(
    runner: CliRunner, home: Path, folder: Path
) -> None:
    os.mkfifo(home / "sync-state.json")
    result = history(runner)
    assert (result.exit_code, result.stderr) == (0, "")
    assert sorted(s.uuid for s in sessions_in(home)) == sorted([UUIDS[1], UUIDS[2]])
    assert (home / "sync-state.json").is_file()  # the pipe was written over: a state again


def test_a_named_pipe_as_the_machine_file_is_let_be_and_the_host_name_used(
    runner: CliRunner, home: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    os.mkfifo(home / "machine")
    monkeypatch.setattr("socket.gethostname", lambda: "desk.example")
    result = history(runner)
    assert (result.exit_code, result.stderr) == (0, "")
    assert (folder / "backpain-desk.jsonl").is_file()
    assert not (home / "machine").is_file()  # not written through, nor replaced


def test_a_named_pipe_as_the_config_file_is_said_without_a_wait(
    runner: CliRunner, home: Path
) -> None:
    os.mkfifo(home / "config.toml")
    result = history(runner)
    assert result.exit_code == 2
    assert result.stderr == (
        f"backpain: {home / 'config.toml'}: is a named pipe (FIFO), not a config file\n"
    )


def test_another_machines_file_swapped_for_a_pipe_is_skipped_at_once(
    runner: CliRunner, home: Path, folder: Path, pipe_on_open: Callable[[Path], None]
) -> None:
    """A sync engine may replace a file at any moment: what is read is what was opened,
    so a pipe that takes a file's place after the folder was listed is never waited on.
    The sessions of this machine are shown; the file is read again next time."""
    [theirs] = folder.iterdir()
    pipe_on_open(theirs)
    result = history(runner)
    assert result.exit_code == 0
    assert result.stderr == f"backpain: cannot read {theirs}: not a regular file\n"
    assert [s.uuid for s in sessions_in(home)] == [UUIDS[1]]
