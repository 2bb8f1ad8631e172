"""Your own routine files for `backpain new` and `backpain edit`: which file a name means,
which text editor opens it ($VISUAL, then $EDITOR, then a sensible
fallback) and running it.

The environment, the platform, the program lookup and the folders are passed in, so
tests can fake any of them; nothing here reads the environment.
"""

from __future__ import annotations

import shlex
import signal
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from backpain_cli.errors import BackpainError
from backpain_cli.files import file_problem
from backpain_cli.routines.catalogue import find_routine_files, looks_like_path
from backpain_cli.routines.names import EXERCISES_FILE, RESERVED_NAMES
from backpain_cli.routines.template import check_name
from backpain_cli.text import did_you_mean

if TYPE_CHECKING:
    from backpain_cli.locations import Locations

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


def run_editor(command: list[str], path: Path) -> None:
    """Run the editor on PATH and wait; EditorError when it cannot run or fails."""

    try:
        status = _run_to_the_end([*command, str(path)])
    except OSError as error:
        raise EditorError(f"could not run the editor '{command[0]}': {error.strerror}") from None
    if status < 0:
        raise EditorError(
            f"the editor '{command[0]}' was ended by signal {_signal_name(-status)}; "
            f"{path} was not checked (`backpain validate {path}` checks it)"
        )
    if status != 0:
        raise EditorError(
            f"the editor '{command[0]}' exited with status {status}; {path} was not checked "
            f"(`backpain validate {path}` checks it)"
        )


def _signal_name(number: int) -> str:

    try:
        return f"{signal.Signals(number).name} ({number})"
    except ValueError:
        return str(number)


def _run_to_the_end(command: list[str]) -> int:
    """Run COMMAND and wait for it; its exit status (negative: the signal that ended
    it). A SIGTERM or SIGHUP to backpain while it waits (a closed terminal, `kill`) is
    passed on to the editor, which is waited for, and then ends backpain the same way,
    so no editor is left running without its terminal."""
    caught: list[int] = []
    started: list[subprocess.Popen[bytes]] = []

    def pass_on(number: int, _frame: object) -> None:
        caught.append(number)
        for child in started:
            child.send_signal(number)

    # Watched before the editor starts: a signal in the moment after it started, before
    # a handler was set, would end backpain and leave the editor running.
    watched = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous = {number: signal.signal(number, pass_on) for number in watched}
    try:
        child = subprocess.Popen(command)
        started.append(child)
        if caught:  # it came while the editor was starting: the editor ends too
            child.send_signal(caught[0])
        status = child.wait()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    if caught:
        signal.raise_signal(caught[0])  # end as that signal would have ended us
    return status


def own_routine_path(folder: Path, name: str) -> Path | None:
    """The user's routine file called NAME in FOLDER (.yaml, else .yml), if there is one."""
    for suffix in (".yaml", ".yml"):
        if (folder / f"{name}{suffix}").is_file():
            return folder / f"{name}{suffix}"
    return None


def editable_path(name: str, where: Locations) -> Path:
    """The file `backpain edit NAME` opens: a path, `exercises` (the user's exercise
    library), or one of the user's own routines; BackpainError saying what to do else."""

    if looks_like_path(name):
        path = Path(name).expanduser()
        problem = file_problem(path)
        if problem == "no such file":
            raise BackpainError(f"{name}: no such file; `backpain new NAME` writes a new routine")
        if problem is not None:
            raise BackpainError(f"{name}: {problem}")
        return path
    if name in RESERVED_NAMES:
        library = where.user_routines / EXERCISES_FILE
        if not library.is_file():
            raise BackpainError(
                f"you have no exercise library yet ({library}); write one as described "
                'in `backpain help format`, "Reusing exercises"'
            )
        return library
    problem = check_name(name)
    if problem:
        raise BackpainError(problem)
    yours = own_routine_path(where.user_routines, name)
    if yours is not None:
        return yours
    if (where.builtin_routines / f"{name}.yaml").is_file():
        raise BackpainError(
            f"'{name}' is a built-in routine; make your own copy first: "
            f"backpain new {name} --from {name}"
        )
    names = [f.name for f in find_routine_files(where) if f.path.parent == where.user_routines]
    raise BackpainError(
        f"you have no routine called '{name}'{did_you_mean(name, names)}; "
        f"`backpain new {name}` writes one"
    )
