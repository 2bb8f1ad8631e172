"""What commands do with files that are not what they seem: unplayable names, a broken
or odd exercises.yaml, unreadable files among good ones, two `new` at once, an editor
that is killed or outlived."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from other_user import give_to, other_user, run_as

from backpain_cli.cli import cli
from backpain_cli.files import FileExists, write_atomically

VALID = (
    "version: 1\ntitle: Mine\nexercises:\n"
    "  - id: a\n    name: A\n    hold: 5\n    instructions: [x]\n"
)

UNPLAYABLE = {
    "My Neck.yaml": "my-neck.yaml",
    "UPPER.yaml": "upper.yaml",
    "-dash.yaml": "dash.yaml",
    "neck.YAML": "neck.yaml",
    "neck.txt": "neck.yaml",
    "neck": "neck.yaml",
}


@pytest.mark.parametrize(("file_name", "rename_to"), UNPLAYABLE.items())
def test_validate_notes_a_name_that_cannot_be_played(
    runner: CliRunner, tmp_path: Path, file_name: str, rename_to: str
) -> None:
    path = tmp_path / file_name
    path.write_text(VALID)
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    name = rename_to.rsplit(".", 1)[0]  # the name it plays under (by path) is that one too
    assert result.stdout == f"{path}: ok ({name}, 1 exercise)\n"
    assert result.stderr.startswith(f"{path}: note: cannot be played by name (")
    assert result.stderr.endswith(f": rename it to {rename_to}\n")


def test_validate_has_no_note_for_a_good_name(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "neck.yaml").write_text(VALID)
    result = runner.invoke(cli, ["validate", str(tmp_path / "neck.yaml")])
    assert result.exit_code == 0 and result.stderr == ""


def test_list_marks_files_whose_names_cannot_be_played(
    runner: CliRunner, user_routines: Path
) -> None:
    for file_name in ("My Neck.yaml", "UPPER.yaml", "ok.yaml"):
        (user_routines / file_name).write_text(VALID)
    listed = runner.invoke(cli, ["list"])
    assert listed.exit_code == 0
    lines = {line.split("  ")[0]: line for line in listed.stdout.splitlines()}
    assert "cannot be played by name" in lines["My Neck.yaml"]
    assert "rename it to my-neck.yaml" in lines["My Neck.yaml"]
    assert "rename it to upper.yaml" in lines["UPPER.yaml"]
    assert "Mine" in lines["ok"]
    for name in ("My Neck", "UPPER"):
        started = runner.invoke(cli, ["show", name])
        assert started.exit_code == 2
        assert "is not a routine name" in started.stderr


def test_exercises_reports_a_broken_library_instead_of_an_empty_table(
    runner: CliRunner, user_routines: Path
) -> None:
    library = user_routines / "exercises.yaml"
    library.write_text("version: 1\nexercises:\n  - id: neck\n    name: Neck\n    hold: 0\n")
    result = runner.invoke(cli, ["exercises"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert str(library) in result.stderr and "hold" in result.stderr


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda path: path.mkdir(), "is a folder, not a file"),
        (lambda path: os.mkfifo(path), "is a named pipe (FIFO), not a file"),
        (lambda path: path.symlink_to(path), "is a symbolic link loop"),
    ],
    ids=["folder", "fifo", "loop"],
)
def test_exercises_names_an_odd_thing_called_exercises_yaml(
    runner: CliRunner, user_routines: Path, make: object, says: str
) -> None:
    library = user_routines / "exercises.yaml"
    make(library)  # type: ignore[operator]
    result = runner.invoke(cli, ["exercises"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"backpain: {library}: {says}")


def test_validate_checks_every_file_it_can_read(tmp_path: Path) -> None:
    folder = Path(tempfile.mkdtemp(prefix="backpain-validate-"))
    try:
        os.chmod(folder, 0o755)
        (folder / "good.yaml").write_text(VALID)
        (folder / "unreadable.yaml").write_text(VALID)
        user = other_user()
        give_to(user, folder / "unreadable.yaml")
        (folder / "unreadable.yaml").chmod(0o000)
        result = run_as(
            user, tmp_path, "validate", "good.yaml", "unreadable.yaml", "missing.yaml", cwd=folder
        )
        assert result.returncode == 2, result.stderr
        assert result.stdout == "good.yaml: ok (good, 1 exercise)\n"
        assert result.stderr == (
            "unreadable.yaml: cannot be read (Permission denied)\n"
            "missing.yaml: no such file\n"
            "2 of 3 files with problems\n"
        )
    finally:
        shutil.rmtree(folder)


def test_new_never_replaces_a_file_that_appeared_meanwhile(tmp_path: Path) -> None:
    path = tmp_path / "folder" / "mine.yaml"
    write_atomically(path, "first", replace=False)
    with pytest.raises(FileExists):
        write_atomically(path, "second", replace=False)
    assert path.read_text() == "first"
    assert sorted(p.name for p in path.parent.iterdir()) == ["mine.yaml"]  # no temporary left
    write_atomically(path, "third")
    assert path.read_text() == "third"


def test_new_writes_without_hard_links_and_still_never_replaces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_hard_links(source: str, target: str) -> None:  # as on FAT and some network drives
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_hard_links)
    path = tmp_path / "folder" / "mine.yaml"
    write_atomically(path, "first", replace=False)
    assert path.read_text() == "first"
    with pytest.raises(FileExists):
        write_atomically(path, "second", replace=False)
    assert path.read_text() == "first"
    assert sorted(p.name for p in path.parent.iterdir()) == ["mine.yaml"]  # no temporary left


def test_new_twice_at_once_exactly_one_succeeds(home: Path) -> None:
    command = [sys.executable, "-m", "backpain_cli", "new", "same"]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(8)
    ]
    results = [(run.wait(timeout=60), *run.communicate()) for run in runs]
    winners = [r for r in results if r[0] == 0]
    assert len(winners) == 1, results
    for status, _, stderr in results:
        if status != 0:
            assert status == 2
            assert "already exists" in stderr
    assert sorted(p.name for p in (home / "routines").iterdir()) == ["same.yaml"]


EDITOR = """#!/bin/sh
echo $$ > "$EDITOR_PID"
exec sleep 60
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (ended, not yet reaped by its parent, which is gone too) is not running.
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "State:\tZ" in status.read_text())


@pytest.mark.parametrize("sent", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_to_edit_ends_the_editor_it_started(
    runner: CliRunner, home: Path, tmp_path: Path, sent: signal.Signals
) -> None:
    assert runner.invoke(cli, ["new", "mine"]).exit_code == 0
    editor = tmp_path / "editor.sh"
    editor.write_text(EDITOR)
    editor.chmod(0o755)
    pid_file = tmp_path / "editor.pid"
    env = {**os.environ, "EDITOR": str(editor), "VISUAL": "", "EDITOR_PID": str(pid_file)}
    backpain = subprocess.Popen(
        [sys.executable, "-m", "backpain_cli", "edit", "mine"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 20
    while not (pid_file.exists() and pid_file.read_text().strip()):
        assert time.monotonic() < deadline, "the editor never started"
        time.sleep(0.05)
    editor_pid = int(pid_file.read_text())
    backpain.send_signal(sent)
    assert backpain.wait(timeout=20) == -sent
    deadline = time.monotonic() + 10
    while _alive(editor_pid):
        assert time.monotonic() < deadline, "the editor outlived backpain"
        time.sleep(0.05)


def test_a_signal_as_the_editor_starts_ends_it_too(tmp_path: Path) -> None:
    """The signal comes in the moment after the editor started, before `edit` could have
    set a handler if it set one only then: the editor must not outlive backpain."""
    pid_file = tmp_path / "editor.pid"
    script = (
        "import os, signal, subprocess, sys\n"
        "from backpain_cli.cli import editor\n"
        "class Starting(subprocess.Popen):\n"
        "    def __init__(self, *args, **kwargs):\n"
        "        super().__init__(*args, **kwargs)\n"
        f"        open({str(pid_file)!r}, 'w').write(str(self.pid))\n"
        "        os.kill(os.getpid(), signal.SIGTERM)\n"
        "editor.subprocess.Popen = Starting\n"
        "editor._run_to_the_end(['sleep', '60'])\n"
    )
    ended = subprocess.run([sys.executable, "-c", script], timeout=30, capture_output=True)
    assert ended.returncode == -signal.SIGTERM, ended.stderr
    editor_pid = int(pid_file.read_text())
    deadline = time.monotonic() + 10
    while _alive(editor_pid):
        assert time.monotonic() < deadline, "the editor outlived backpain"
        time.sleep(0.05)


def test_an_editor_killed_by_a_signal_says_which(
    runner: CliRunner, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert runner.invoke(cli, ["new", "mine"]).exit_code == 0
    editor = tmp_path / "editor.sh"
    editor.write_text("#!/bin/sh\nkill -KILL $$\n")
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    result = runner.invoke(cli, ["edit", "mine"])
    assert result.exit_code == 2
    assert f"the editor '{editor}' was ended by signal SIGKILL (9)" in result.stderr


def test_validate_names_a_link_loop_and_a_dangling_link(runner: CliRunner, tmp_path: Path) -> None:
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    dangling = tmp_path / "dangling.yaml"
    dangling.symlink_to(tmp_path / "gone.yaml")
    result = runner.invoke(cli, ["validate", str(loop), str(dangling)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"{loop}: is a symbolic link loop (it leads back to itself)\n"
        f"{dangling}: is a symbolic link to {tmp_path / 'gone.yaml'}, which does not exist\n"
        "2 of 2 files with problems\n"
    )


def test_an_editor_killed_by_a_signal_without_a_name_says_its_number(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert runner.invoke(cli, ["new", "mine"]).exit_code == 0
    editor = tmp_path / "editor.py"
    editor.write_text("import os, signal\nos.kill(os.getpid(), signal.SIGRTMIN + 1)\n")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {editor}")
    monkeypatch.delenv("VISUAL", raising=False)
    result = runner.invoke(cli, ["edit", "mine"])
    assert result.exit_code == 2
    number = signal.SIGRTMIN + 1  # a real-time signal: Python has no name for it
    assert f"the editor '{sys.executable}' was ended by signal {number}; " in result.stderr


def test_a_signal_while_the_editor_runs_ends_it_then_comes_back(tmp_path: Path) -> None:
    """In this process: the SIGTERM sent to backpain is passed on to the editor, and once
    the editor has ended it is raised again (here caught, where backpain would end)."""
    from backpain_cli.cli.editor import EditorError, run_editor

    editor = tmp_path / "editor.sh"  # asks for its own end until it comes
    editor.write_text("#!/bin/sh\nwhile :; do kill -TERM $PPID; sleep 0.1; done\n")
    editor.chmod(0o755)
    received: list[int] = []

    def caught(number: int, _frame: object) -> None:
        received.append(number)

    before = signal.signal(signal.SIGTERM, caught)
    try:
        with pytest.raises(EditorError) as ended:
            run_editor([str(editor)], tmp_path / "mine.yaml")
        assert signal.getsignal(signal.SIGTERM) is caught  # put back as it was
    finally:
        signal.signal(signal.SIGTERM, before)
    assert str(ended.value).startswith(f"the editor '{editor}' was ended by signal SIGTERM (15);")
    assert received[-1:] == [signal.SIGTERM]  # raised again once the editor was gone
