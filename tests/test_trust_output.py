"""Output that cannot be written: standard output on a full device (`> /dev/full`),
closed standard streams, a reader that leaves. One line, a status that is not 0, never a
traceback; these run the real command in its own process, as a shell would."""

from __future__ import annotations

import errno
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

COMMAND = [sys.executable, "-m", "backpain_cli"]

COMMANDS = [
    ["--help"],
    ["--version"],
    ["list"],
    ["show", "upper-back"],
    ["show", "upper-back", "--format", "html"],
    ["exercises"],
    ["history"],
    ["history", "--json"],
    ["history", "--csv"],
    ["stats"],
    ["today"],
    ["report", "-o", "-"],
    ["config"],
    ["validate", "routines/upper-back.yaml"],
    ["schema"],
]


def _run(arguments: list[str], **streams: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*COMMAND, *arguments],
        cwd=Path(__file__).resolve().parents[1],
        env={**os.environ, "NO_COLOR": "1"},
        timeout=60,
        check=False,
        **streams,  # type: ignore[call-overload]
    )


@pytest.fixture
def recorded(home: Path) -> None:
    played = _run(
        ["start", "upper-back-gentle", "--plain", "--speed", "1000", "--record"],
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    assert played.returncode == 0, played.stderr


@pytest.mark.usefixtures("recorded")
@pytest.mark.parametrize("arguments", COMMANDS, ids=" ".join)
def test_a_full_output_device_is_one_line_and_status_2(arguments: list[str]) -> None:
    with open("/dev/full", "w") as full:
        result = _run(arguments, stdout=full, stderr=subprocess.PIPE)
    assert result.returncode == 2
    assert result.stderr == b"backpain: cannot write the output: No space left on device\n"


def test_a_full_standard_error_too_still_exits_2() -> None:
    with open("/dev/full", "w") as full:
        result = _run(["list"], stdout=full, stderr=full)
    assert result.returncode == 2


def test_a_closed_standard_output_is_refused_before_anything_is_done(home: Path) -> None:
    result = _run(
        ["new", "mine"],
        stdout=-1,
        stderr=subprocess.PIPE,
        pass_fds=(),
        close_fds=True,
        preexec_fn=lambda: os.close(1),
    )
    assert result.returncode == 2
    assert result.stderr == b"backpain: standard output is closed; nothing was done\n"
    assert not (home / "routines").exists()


@pytest.mark.usefixtures("recorded")
@pytest.mark.parametrize(
    "arguments",
    [["list"], ["history"], ["start", "upper-back-gentle", "--plain", "--speed", "1000"]],
)
def test_a_closed_standard_input_reads_as_empty(arguments: list[str]) -> None:
    result = _run(arguments, capture_output=True, preexec_fn=lambda: os.close(0))
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr
    assert result.stdout


def test_a_closed_standard_error_does_not_stop_the_command() -> None:
    result = _run(["list"], stdout=subprocess.PIPE, preexec_fn=lambda: os.close(2))
    assert result.returncode == 0
    assert b"upper-back" in result.stdout


def test_a_reader_that_has_left_is_not_an_error_message() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # as `| head -1` after its line
    try:
        result = _run(["list"], stdout=write_end, stderr=subprocess.PIPE)
    finally:
        os.close(write_end)
    assert result.returncode == 1
    assert result.stderr == b""


class FailingOutput:
    """Standard output whose every write fails as the device says; its descriptor is a
    file of the test's own, so the /dev/null put in its place harms nothing."""

    def __init__(self, path: Path, number: int, filename: str | None = None) -> None:
        self.file = path.open("w")
        self.error = OSError(number, os.strerror(number), filename)

    def write(self, text: str) -> int:
        raise self.error

    def flush(self) -> None:
        raise self.error

    def fileno(self) -> int:
        return self.file.fileno()

    def isatty(self) -> bool:
        return False


def _main(monkeypatch: pytest.MonkeyPatch, stdout: object, stderr: object, *arguments: str) -> int:
    from backpain_cli.cli import main

    monkeypatch.setattr(sys, "argv", ["backpain", *arguments])
    monkeypatch.setattr(sys, "stdout", stdout)
    monkeypatch.setattr(sys, "stderr", stderr)
    with pytest.raises(SystemExit) as exited:
        main()
    assert isinstance(exited.value.code, int)
    return exited.value.code


@pytest.mark.parametrize(
    ("number", "filename", "said", "status"),
    [
        (errno.ENOSPC, None, "cannot write the output: No space left on device\n", 2),
        (errno.EIO, None, "cannot write the output: Input/output error\n", 2),
        (errno.EFBIG, "out.html", "cannot write out.html: File too large\n", 2),
        (errno.EPIPE, None, "", 1),
    ],
)
def test_a_failed_write_is_said_once_in_this_process(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    number: int,
    filename: str | None,
    said: str,
    status: int,
) -> None:
    stderr = io.StringIO()
    stdout = FailingOutput(tmp_path / "out", number, filename)
    assert _main(monkeypatch, stdout, stderr, "list") == status
    assert stderr.getvalue() == (f"backpain: {said}" if said else "")


def test_a_failed_write_with_no_standard_error_still_exits_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    stdout = FailingOutput(tmp_path / "out", errno.ENOSPC)
    assert _main(monkeypatch, stdout, FailingOutput(tmp_path / "err", errno.ENOSPC), "list") == 2


def test_another_os_error_is_a_bug_and_stays_a_traceback(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from backpain_cli.cli import main

    monkeypatch.setattr(sys, "argv", ["backpain", "list"])
    monkeypatch.setattr(sys, "stdout", FailingOutput(tmp_path / "out", errno.EACCES))
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with pytest.raises(PermissionError):
        main()


def test_closed_streams_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    from backpain_cli.cli import main

    stderr = io.StringIO()
    monkeypatch.setattr(sys, "argv", ["backpain", "list"])
    monkeypatch.setattr(sys, "stdin", None)
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", stderr)
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 2
    assert stderr.getvalue() == "backpain: standard output is closed; nothing was done\n"
    assert sys.stdin is not None and sys.stdin.read() == ""
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    monkeypatch.setattr(sys, "stderr", None)
    with pytest.raises(SystemExit) as exited:
        main()
    assert exited.value.code == 0
    assert sys.stderr is not None and sys.stderr.name == os.devnull


def test_an_unbuffered_output_gets_a_buffer_that_writes_all_or_raises(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    raw = open(tmp_path / "out", "wb", buffering=0)  # as under PYTHONUNBUFFERED  # noqa: SIM115
    stdout = io.TextIOWrapper(raw, "utf-8", line_buffering=True)
    assert _main(monkeypatch, stdout, io.StringIO(), "--version") == 0
    assert isinstance(sys.stdout, io.TextIOWrapper)
    assert isinstance(sys.stdout.buffer, io.BufferedWriter)
    sys.stdout.flush()
    assert (tmp_path / "out").read_text().startswith("backpain, version ")
