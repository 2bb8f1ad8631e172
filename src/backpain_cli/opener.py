"""Open a file with the platform's own opener: `open` on macOS, `os.startfile` on Windows,
`xdg-open` elsewhere. The platform, the program search and the launcher can be passed
in (the real ones are the defaults), so tests use fakes and nothing is opened for real."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence

Launch = Callable[[Sequence[str]], "int | None"]
WAIT_SECONDS = 3.0  # xdg-open and open hand the file over and exit at once


def _launch(argv: Sequence[str]) -> int | None:
    """Start the opener; its exit status if it ends within WAIT_SECONDS (xdg-open says
    3 or 4 when it found nothing to open the file with), None while it still runs (a
    viewer it became). Its output never reaches our terminal."""

    started = subprocess.Popen(  # the viewer may outlive us
        list(argv),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        return started.wait(timeout=WAIT_SECONDS)
    except subprocess.TimeoutExpired:
        return None


def _startfile(path: str) -> None:  # pragma: no cover - Windows only

    os.startfile(path)  # type: ignore[attr-defined]  # only on Windows


def open_file(
    path: str,
    *,
    platform: str = sys.platform,
    which: Callable[[str], str | None] | None = None,
    launch: Launch = _launch,
    startfile: Callable[[str], None] = _startfile,
) -> str | None:
    """Open `path` in the program the desktop uses for it; None, or why it could not
    (no opener, or one that found nothing to open it with)."""
    if which is None:
        which = shutil.which
    try:
        if platform == "win32":
            startfile(path)
            return None
        program = "open" if platform == "darwin" else "xdg-open"
        found = which(program)
        if found is None:
            return f"cannot open it here: no `{program}` program to open files with"
        status = launch([found, path])
        if status:
            return (
                f"cannot open it here: `{program}` found no program to show it "
                f"(exit status {status}); open the file yourself"
            )
    except OSError as error:
        return f"cannot open it: {error.strerror or type(error).__name__}"
    return None
