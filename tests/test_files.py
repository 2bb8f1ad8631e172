"""files.py's two ways of reading and writing a file: whole or not at all, bounded."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from backpain_cli import files
from backpain_cli.errors import BackpainError
from backpain_cli.files import FileExists, read_bounded, write_atomically


class Refused(BackpainError):
    """The error a caller asks for."""


def _full_disk(*_: object) -> None:
    raise OSError(28, "No space left on device")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An empty folder of the test's own (tmp_path holds the test's backpain home)."""
    made = tmp_path / "folder"
    made.mkdir()
    return made


def test_a_write_replaces_the_file_and_leaves_nothing_else(folder: Path) -> None:
    path = folder / "made" / "here.txt"
    write_atomically(path, "first")
    write_atomically(path, b"second")
    assert path.read_bytes() == b"second"
    assert [p.name for p in path.parent.iterdir()] == ["here.txt"]


@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
def test_a_failure_mid_write_leaves_the_old_file_and_no_temporary_one(
    folder: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path = folder / "routine.yaml"
    path.write_text("old")
    if failing == "write":
        real = os.fdopen

        def half_written(descriptor: int, mode: str) -> object:
            handle = real(descriptor, mode)
            handle.write = lambda data: (os.write(descriptor, data[:2]), _full_disk())  # type: ignore[method-assign]
            return handle

        monkeypatch.setattr(os, "fdopen", half_written)
    else:
        monkeypatch.setattr(os, failing, _full_disk)
    with pytest.raises(Refused) as raised:
        write_atomically(path, "new and longer", error=Refused)
    assert str(raised.value) == f"cannot write {path}: No space left on device"
    assert path.read_text() == "old"
    assert [p.name for p in folder.iterdir()] == ["routine.yaml"]


def test_a_durable_write_is_flushed_to_the_disk_before_its_rename(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    done: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (done.append("fsync"), real_fsync(fd)))
    monkeypatch.setattr(os, "replace", lambda a, b: (done.append("replace"), real_replace(a, b)))
    write_atomically(folder / "a", "x")
    write_atomically(folder / "b", "x", durable=False)
    assert done == ["fsync", "replace", "replace"]


def test_the_file_gets_the_mode_asked_for_less_the_umask(folder: Path) -> None:
    old_umask = os.umask(0o022)
    try:
        write_atomically(folder / "private", "x")
        write_atomically(folder / "shared", "x", mode=0o666)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE((folder / "private").stat().st_mode) == 0o600
    assert stat.S_IMODE((folder / "shared").stat().st_mode) == 0o644


def test_a_symbolic_link_at_the_path_is_replaced_not_followed(folder: Path) -> None:
    elsewhere = folder / "elsewhere.txt"
    elsewhere.write_text("theirs")
    (folder / "mine.txt").symlink_to(elsewhere)
    write_atomically(folder / "mine.txt", "mine")
    assert not (folder / "mine.txt").is_symlink()
    assert elsewhere.read_text() == "theirs"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_or_a_link_to_one_at_the_path_is_refused_and_left_as_it_is(
    folder: Path,
) -> None:
    """`-o /dev/full` (a device) run as root renamed a file over the device node; a
    named pipe, or a link to one, stands for the same: nothing is written."""
    pipe = folder / "pipe"
    os.mkfifo(pipe)
    link = folder / "link"
    link.symlink_to(pipe)
    for path in (pipe, link):
        with pytest.raises(Refused) as raised:
            write_atomically(path, "x", error=Refused)
        assert str(raised.value) == f"cannot write {path}: it is a named pipe (FIFO), not a file"
    assert stat.S_ISFIFO(os.stat(pipe).st_mode) and link.is_symlink()
    assert sorted(p.name for p in folder.iterdir()) == ["link", "pipe"]  # no temporary file


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_a_link_to_the_commands_own_output_is_refused_and_left_as_it_is(
    folder: Path,
) -> None:
    """`-o /dev/stdout` with the output sent to a file: run as root it replaced the link
    /dev/stdout with a file. A link to the command's own standard output is left as it
    is, whatever that output is."""
    link = folder / "stdout"
    link.symlink_to("/proc/self/fd/1")
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from backpain_cli.errors import BackpainError\n"
        "from backpain_cli.files import write_atomically\n"
        "try:\n"
        "    write_atomically(Path(sys.argv[1]), 'x')\n"
        "except BackpainError as error:\n"
        "    sys.exit(str(error))\n"
    )
    with (folder / "out.txt").open("w") as output:
        done = subprocess.run(
            [sys.executable, "-c", script, str(link)],
            stdout=output,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert (done.returncode, done.stderr) == (
        1,
        f"cannot write {link}: it is a link to this command's own output, not a file to write\n",
    )
    assert os.readlink(link) == "/proc/self/fd/1"
    assert sorted(p.name for p in folder.iterdir()) == ["out.txt", "stdout"]


def test_a_file_where_its_folder_should_be_is_not_taken_for_the_file_itself(
    folder: Path,
) -> None:
    (folder / "folder").write_text("a file")
    with pytest.raises(BackpainError) as raised:
        write_atomically(folder / "folder" / "x.txt", "x", replace=False)
    assert not isinstance(raised.value, FileExists)
    assert str(raised.value).startswith(f"cannot write {folder / 'folder' / 'x.txt'}: ")


def test_without_hard_links_a_failed_write_leaves_no_half_file(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "link", lambda *_: _full_disk())
    real = os.fdopen
    opened: list[int] = []

    def failing_second(descriptor: int, mode: str) -> object:
        handle = real(descriptor, mode)
        opened.append(descriptor)
        if len(opened) == 2:  # the file under its own name, made with O_EXCL
            handle.write = lambda data: _full_disk()  # type: ignore[method-assign]
        return handle

    monkeypatch.setattr(os, "fdopen", failing_second)
    with pytest.raises(BackpainError, match="No space left on device"):
        write_atomically(folder / "new.yaml", "x", replace=False)
    assert list(folder.iterdir()) == []


def test_no_free_temporary_name_is_an_error_not_a_wait(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "_token", lambda: "taken")
    (folder / ".x.txt.taken.tmp").mkdir()
    with pytest.raises(BackpainError) as raised:
        write_atomically(folder / "x.txt", "x", replace=False)
    assert not isinstance(raised.value, FileExists)
    assert str(raised.value) == (
        f"cannot write {folder / 'x.txt'}: no free temporary name beside x.txt"
    )
    assert sorted(p.name for p in folder.iterdir()) == [".x.txt.taken.tmp"]


def test_a_bounded_read_gives_the_bytes_of_a_small_enough_file(folder: Path) -> None:
    path = folder / "f"
    path.write_bytes(b"x" * 10)
    assert read_bounded(path, 10, what="a file") == b"x" * 10
    assert read_bounded(path, 1 << 20, what="a file") == b"x" * 10


def test_a_bounded_read_refuses_what_is_not_a_file_or_too_large(folder: Path) -> None:
    large = folder / "large"
    large.write_bytes(b"x" * (3 << 20))
    with pytest.raises(Refused) as raised:
        read_bounded(large, 1 << 20, what="a pack", error=Refused)
    assert str(raised.value) == f"{large}: 3 MiB; a pack is at most 1 MiB"
    with pytest.raises(Refused) as raised:
        read_bounded(folder, 1 << 20, what="a pack", shown="here", error=Refused)
    assert str(raised.value) == "here: not a file"
    os.mkfifo(folder / "pipe")
    with pytest.raises(Refused, match=r"pipe: not a file$"):
        read_bounded(folder / "pipe", 1 << 20, what="a pack", error=Refused)
    with pytest.raises(Refused) as raised:
        read_bounded(folder / "missing", 1, what="a pack", error=Refused)
    assert str(raised.value) == f"{folder / 'missing'}: cannot read it (No such file or directory)"


def test_a_limit_under_a_mebibyte_is_said_in_kibibytes(folder: Path) -> None:
    path = folder / "kept"
    path.write_bytes(b"x" * ((64 << 10) + 1))
    with pytest.raises(Refused) as raised:
        read_bounded(path, 64 << 10, what="a kept config", shown="kept", error=Refused)
    assert str(raised.value) == "kept: 65 KiB; a kept config is at most 64 KiB"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_swapped_in_after_a_look_is_refused_not_waited_for(
    folder: Path, pipe_on_open: Callable[[Path], None]
) -> None:
    """What is judged is what was opened: a regular file replaced by a named pipe the
    moment before it is opened is refused at once (a plain open would wait forever)."""
    path = folder / "swapped"
    path.write_bytes(b"x")
    pipe_on_open(path)
    with pytest.raises(Refused, match=r"swapped: not a file$"):
        read_bounded(path, 1 << 20, what="a pack", error=Refused)
    pipe_on_open(path)
    with pytest.raises(OSError, match=r"not a regular file"):
        files.open_regular_file(path)
