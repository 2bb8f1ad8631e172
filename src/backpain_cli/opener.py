"""Open a file with the platform's own opener: `open` on macOS, `os.startfile` on Windows,
`xdg-open` elsewhere. The platform, the program search and the launcher are passed in,
so tests use fakes and nothing is opened for real."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

Launch = Callable[[Sequence[str]], None]


def _launch(argv: Sequence[str]) -> None:
    """Start the opener and return at once; its output never reaches our terminal."""
    import subprocess

    subprocess.Popen(  # the viewer outlives us; nothing to wait for
        list(argv),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _startfile(path: str) -> None:  # pragma: no cover - Windows only
    import os

    os.startfile(path)  # type: ignore[attr-defined]  # only on Windows


def open_file(
    path: str,
    *,
    platform: str = sys.platform,
    which: Callable[[str], str | None] | None = None,
    launch: Launch = _launch,
    startfile: Callable[[str], None] = _startfile,
) -> str | None:
    """Open `path` in the program the desktop uses for it; None, or why it could not."""
    if which is None:
        import shutil

        which = shutil.which
    try:
        if platform == "win32":
            startfile(path)
            return None
        program = "open" if platform == "darwin" else "xdg-open"
        found = which(program)
        if found is None:
            return f"cannot open it here: no `{program}` program to open files with"
        launch([found, path])
    except OSError as error:
        return f"cannot open it: {error.strerror or type(error).__name__}"
    return None
