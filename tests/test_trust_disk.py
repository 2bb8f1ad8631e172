"""The history on a read-only folder, a full disk, an empty file, and paths that are not
files: read commands read, `start` plays without history with one notice, and every
message says what is really there. Run for real: a read-only folder as a user who may
not write it (root drops to `nobody`), a full tmpfs in a user namespace."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from other_user import as_other_user, give_to, other_user, run_as

from backpain_cli.cli import cli
from backpain_cli.history.records import SessionOutcome, SessionRecord
from backpain_cli.history.store import open_for_reading, open_for_recording

START = ["start", "upper-back-gentle", "--plain", "--speed", "1000", "--record", "--no-sound"]


def _record(history_file: Path) -> None:
    from datetime import datetime, timezone

    history, warning = open_for_recording(history_file)
    assert history is not None, warning
    at = datetime(2026, 11, 1, 8, tzinfo=timezone.utc)
    with history:
        history.add_sessions(
            [SessionRecord(0, "upper-back-gentle", "ab" * 32, at, at, SessionOutcome.COMPLETED, 2)]
        )


@pytest.fixture
def read_only_home() -> Iterator[tuple[Path, list[str]]]:
    """A BACKPAIN_HOME with one recorded session, that the user running backpain may
    read but not write (folder 555, file 444); and that user as [uid, gid]."""
    folder = Path(tempfile.mkdtemp(prefix="backpain-ro-"))
    os.chmod(folder, 0o755)
    home = folder / "home"
    try:
        _record(home / "history.sqlite3")
        user = other_user()
        give_to(user, home, home / "history.sqlite3")
        (home / "history.sqlite3").chmod(0o444)
        home.chmod(0o555)
        yield home, user
    finally:
        home.chmod(0o755)
        shutil.rmtree(folder)


def test_read_commands_read_a_read_only_folder(read_only_home: tuple[Path, list[str]]) -> None:
    home, user = read_only_home
    before = sorted(p.name for p in home.iterdir())
    content = (home / "history.sqlite3").read_bytes()
    shown = run_as(user, home, "history")
    assert shown.returncode == 0, shown.stderr
    assert "upper-back-gentle" in shown.stdout and "completed" in shown.stdout
    assert shown.stderr == ""
    stats = run_as(user, home, "stats")
    assert stats.returncode == 0, stats.stderr
    assert "Streak" in stats.stdout or "streak" in stats.stdout
    csv = run_as(user, home, "history", "--csv")
    assert csv.returncode == 0 and "upper-back-gentle" in csv.stdout
    report = run_as(user, home, "report", "--format", "markdown", "-o", "-", "--since", "1000d")
    assert report.returncode == 0, report.stderr
    assert "upper-back-gentle" in report.stdout or "Gentle upper back" in report.stdout
    today = run_as(user, home, "today", "upper-back-gentle")
    assert today.returncode in (0, 1), today.stderr  # 1: something is still due
    assert "Traceback" not in today.stderr and today.stderr == ""
    assert sorted(p.name for p in home.iterdir()) == before  # no -wal, -shm, journal
    assert (home / "history.sqlite3").read_bytes() == content


def test_start_plays_without_history_in_a_read_only_folder(
    read_only_home: tuple[Path, list[str]],
) -> None:
    home, user = read_only_home
    played = run_as(user, home, *START)
    assert played.returncode == 0, played.stderr
    assert "Finished: Gentle upper back relief" in played.stdout
    assert played.stderr.count("history is off") == 1
    assert played.stderr.startswith("backpain: history is off: cannot write ")
    assert "Traceback" not in played.stderr


def test_a_read_only_folder_is_read_in_this_process_too(
    read_only_home: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the test above checks in a process of its own, here where it is measured:
    neither the file nor its folder may be written, so the file is opened immutable."""
    home, _ = read_only_home
    monkeypatch.setenv("BACKPAIN_HOME", str(home))
    monkeypatch.setenv("NO_COLOR", "1")
    before = sorted(p.name for p in home.iterdir())
    with as_other_user():
        history = open_for_reading(home / "history.sqlite3")
        assert history is not None
        with history:
            [session] = history.sessions()
        shown = CliRunner().invoke(cli, ["history"])
    assert session.routine == "upper-back-gentle"
    assert shown.exit_code == 0, shown.output
    assert "upper-back-gentle" in shown.stdout and "completed" in shown.stdout
    assert shown.stderr == ""
    assert sorted(p.name for p in home.iterdir()) == before  # no -wal, -shm, journal


def test_a_history_in_a_folder_that_may_not_be_entered_is_named(home: Path) -> None:
    from backpain_cli.errors import HistoryError

    closed = home / "closed"
    closed.mkdir()
    _record(closed / "history.sqlite3")
    closed.chmod(0)
    try:
        with as_other_user(), pytest.raises(HistoryError) as caught:
            open_for_reading(closed / "history.sqlite3")
    finally:
        closed.chmod(0o755)
    assert str(caught.value) == (
        f"{closed / 'history.sqlite3'}: expected the history database file, but it cannot "
        "be reached (permission denied)"
    )


@contextmanager
def no_room_in_files() -> Iterator[None]:
    """Every write to a file fails inside, as on a full disk: a file size limit of 0
    (`ulimit -f 0`), with the signal it sends ignored so the write just fails."""
    import resource
    import signal

    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    before = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, before)


def test_a_new_history_that_cannot_be_written_leaves_no_empty_file(home: Path) -> None:
    history_file = home / "history.sqlite3"
    with no_room_in_files():
        history, warning = open_for_recording(history_file)
    assert history is None
    assert warning == f"history is off: cannot write {history_file} (disk I/O error)"
    assert list(home.iterdir()) == []  # SQLite's empty file is removed again


FULL_DISK = """
set -e
mount -t tmpfs -o size=256k tmpfs "$1"
mkdir "$1/home"
dd if=/dev/zero of="$1/filler" bs=4096 2>/dev/null || true
shift
export BACKPAIN_HOME="$TINY/home"
"$@"
"""


def _on_a_full_disk(
    tmp_path: Path, *args: str, before: str = ""
) -> subprocess.CompletedProcess[str]:
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare (util-linux) to mount a tiny tmpfs")
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("user namespaces are not allowed here, so no tmpfs can be mounted")
    tiny = tmp_path / "tiny"
    tiny.mkdir(exist_ok=True)
    command = [sys.executable, "-m", "backpain_cli", *args]
    script = FULL_DISK.replace("dd if", before + "\ndd if") + (
        '\necho "left:" $(ls -A "$TINY/home") >&2\n'
    )
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, "sh", str(tiny), *command],
        capture_output=True,
        text=True,
        env={**os.environ, "TINY": str(tiny), "NO_COLOR": "1"},
        timeout=60,
    )


def test_start_on_a_full_disk_plays_without_history(tmp_path: Path) -> None:
    played = _on_a_full_disk(tmp_path, *START)
    assert played.returncode == 0, played.stderr
    assert "Finished: Gentle upper back relief" in played.stdout
    assert played.stderr.count("history is off") == 1
    assert "(database or disk is full)" in played.stderr
    assert played.stderr.splitlines()[-1] == "left:"  # no empty history file left behind
    assert "Traceback" not in played.stderr


def test_read_commands_read_a_history_on_a_full_disk(tmp_path: Path) -> None:
    play = " ".join([sys.executable, "-m", "backpain_cli", *START])  # records the session
    before = f'BACKPAIN_HOME="$1/home" {play} >/dev/null'
    for command in (["history"], ["today"], ["stats"]):
        shown = _on_a_full_disk(tmp_path, *command, before=before)
        assert shown.returncode in (0, 1), shown.stderr
        assert "Traceback" not in shown.stderr and "backpain:" not in shown.stderr
        if command == ["history"]:
            assert "upper-back-gentle" in shown.stdout and "completed" in shown.stdout


def test_an_empty_history_file_is_left_alone_by_read_commands(
    runner: CliRunner, home: Path
) -> None:
    history_file = home / "history.sqlite3"
    history_file.touch()
    for command in (["history"], ["stats"], ["today"], ["history", "--csv"]):
        result = runner.invoke(cli, command)
        assert result.exit_code in (0, 1), result.output
        assert history_file.stat().st_size == 0, command
    assert "No sessions recorded yet" in runner.invoke(cli, ["history"]).output
    assert sorted(p.name for p in home.iterdir()) == ["history.sqlite3"]


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda path: os.mkfifo(path), "is a named pipe (FIFO), not a file"),
        (lambda path: path.symlink_to(os.devnull), "is a character device, not a file"),
        (lambda path: path.mkdir(), "is a folder, not a file"),
        (lambda path: path.symlink_to(path), "is a symbolic link loop"),
        (
            lambda path: path.symlink_to(path.parent / "gone.sqlite3"),
            "is a symbolic link to ",
        ),
    ],
    ids=["fifo", "dev-null", "folder", "loop", "dangling"],
)
@pytest.mark.parametrize("command", ["history", "stats", "today"])
def test_a_history_path_that_is_not_a_file_is_named_as_what_it_is(
    runner: CliRunner, home: Path, make: object, says: str, command: str
) -> None:
    history_file = home / "history.sqlite3"
    make(history_file)  # type: ignore[operator]
    result = runner.invoke(cli, [command])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"backpain: {history_file}: expected the history database")
    assert says in result.output
    assert "No sessions recorded yet" not in result.output


def test_start_refuses_a_pipe_as_history_instead_of_hanging(runner: CliRunner, home: Path) -> None:
    os.mkfifo(home / "history.sqlite3")
    result = runner.invoke(cli, START)
    assert result.exit_code == 2
    assert "is a named pipe (FIFO), not a file" in result.output
