"""Which text editor `backpain edit` runs: $VISUAL, then $EDITOR, then a sensible fallback.

The environment, the platform and the program lookup are passed in, so tests can fake
any of them; running the editor is left to the caller.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Mapping

from backpain_cli.errors import BackpainError

POSIX_FALLBACKS = ("editor", "nano", "vi")
WINDOWS_FALLBACKS = ("notepad",)


class EditorError(BackpainError):
    """No editor can be found, or it could not be run or failed."""


def editor_command(
    environ: Mapping[str, str],
    *,
    windows: bool,
    which: Callable[[str], str | None],
) -> list[str]:
    """The editor's command line (without the file), or EditorError saying what to set."""
    for variable in ("VISUAL", "EDITOR"):
        value = environ.get(variable, "").strip()
        if not value:
            continue
        try:
            words = shlex.split(value, posix=not windows)
        except ValueError as error:
            raise EditorError(f"${variable} ({value}) cannot be read: {error}") from None
        if windows:
            words = [word.strip('"') for word in words]
        if not words or not words[0]:
            continue
        if which(words[0]) is None:
            raise EditorError(
                f"editor '{words[0]}' (from ${variable}) was not found; "
                f"set ${variable} to an editor you have, e.g. export {variable}=nano"
            )
        return words
    for fallback in WINDOWS_FALLBACKS if windows else POSIX_FALLBACKS:
        found = which(fallback)
        if found is not None:
            return [found]
    raise EditorError(
        "no text editor found: set $EDITOR to the one you use, e.g. export EDITOR=nano"
    )
