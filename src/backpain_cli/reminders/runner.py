"""Running a program and getting its status and output: the one way `reminders` runs
commands (systemctl, crontab, launchctl, schtasks, notify-send), so tests pass fakes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple, Protocol


class Completed(NamedTuple):
    returncode: int
    stdout: bytes = b""
    stderr: bytes = b""


class Runner(Protocol):
    def __call__(self, argv: Sequence[str], *, input: bytes | None = None) -> Completed: ...


def run_command(
    argv: Sequence[str], *, input: bytes | None = None, timeout: float = 30
) -> Completed:
    """The real runner: waits at most `timeout` seconds; a missing program is 127."""
    import subprocess

    try:
        done = subprocess.run(
            list(argv), input=input, capture_output=True, timeout=timeout, check=False
        )
    except FileNotFoundError:
        return Completed(127, b"", f"{argv[0]}: command not found".encode())
    except subprocess.TimeoutExpired:
        return Completed(124, b"", f"{argv[0]}: no answer within {timeout:g} s".encode())
    except OSError as error:
        return Completed(126, b"", f"{argv[0]}: {error.strerror}".encode())
    return Completed(done.returncode, done.stdout, done.stderr)
