"""Shell completion: the scripts (click's), cheap candidate lists for them, and the callbacks
the commands' arguments and options name (`shell_complete=`).

Completion runs on every Tab press, so nothing here parses YAML: routine names are file
names, and exercise ids are picked out of the files' `id:` and `use:` lines.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click
from click.shell_completion import CompletionItem, get_completion_class

from backpain_cli.cli import cli, common
from backpain_cli.routines.names import file_name_problem

if TYPE_CHECKING:
    from backpain_cli.locations import Locations

SHELLS = ("bash", "zsh", "fish")
PROG_NAME = "backpain"
COMPLETE_VAR = "_BACKPAIN_COMPLETE"  # what click reads for `backpain`

_SUFFIXES = (".yaml", ".yml")
_LIBRARY = "exercises.yaml"
_MAX_BYTES = 256 * 1024  # a routine is far smaller; never read a huge file on Tab
_ID_LINE = re.compile(
    r"(?:^|[{,])[ \t]*(?:-[ \t]+)?(?:id|use)[ \t]*:[ \t]*[\"']?([a-z0-9][a-z0-9/-]{0,129})",
    re.MULTILINE,
)


def _yaml_files(folders: Iterable[Path]) -> list[Path]:
    found: list[Path] = []
    for folder in folders:
        try:
            found.extend(sorted(p for p in folder.iterdir() if p.suffix in _SUFFIXES))
        except OSError:
            continue
    return found


def routine_names(folders: Iterable[Path]) -> list[str]:
    """Routine names in the folders (file names without .yaml), sorted, each once: only
    the names `start` accepts (routines/names.py), so nothing offered then fails."""

    return sorted(
        {
            path.stem
            for path in _yaml_files(folders)
            if path.name != _LIBRARY and file_name_problem(path) is None
        }
    )


def routine_file(folders: Iterable[Path], routine: str) -> Path | None:
    """The file `start ROUTINE` would play (a name in the folders, or a path), if any."""
    candidates = [Path(routine).expanduser()] if completes_a_path(routine) else []
    candidates += [folder / f"{routine}{suffix}" for folder in folders for suffix in _SUFFIXES]
    return next((path for path in candidates if path.is_file()), None)


def exercise_ids(folders: Iterable[Path], *, files: Iterable[Path] | None = None) -> list[str]:
    """Exercise ids defined or used in the folders' routine and exercises files (or in
    `files` only)."""
    ids: set[str] = set()
    for path in _yaml_files(folders) if files is None else files:
        try:
            with path.open("rb") as handle:
                text = handle.read(_MAX_BYTES).decode("utf-8", "replace")
        except OSError:
            continue
        ids.update(match.rsplit("/", 1)[-1] for match in _ID_LINE.findall(text))
    return sorted(ids)


def matching(candidates: Iterable[str], incomplete: str) -> list[str]:
    return [candidate for candidate in candidates if candidate.startswith(incomplete)]


def completes_a_path(incomplete: str) -> bool:
    return incomplete.startswith((".", "/", "~")) or "/" in incomplete or "\\" in incomplete


def complete(
    incomplete: str,
    locations: Callable[[], Locations],
    *,
    routines: bool,
    exercises: bool,
    own: bool = False,
    routine: str | None = None,
) -> list[CompletionItem]:
    """Candidates for a routine or exercise argument: routine names (only the user's with
    `own`, plus `exercises` for their library), exercise ids, or a file path; none (never
    a traceback into the shell) when anything goes wrong. With `routine` (the one being
    started), only its exercises."""

    if completes_a_path(incomplete):
        return [CompletionItem(incomplete, type="file")]
    try:
        where = locations()
        folders = (where.user_routines,) if own else (where.user_routines, where.builtin_routines)
        names: list[str] = []
        if routines:
            names += routine_names(folders)
        if own and (where.user_routines / _LIBRARY).is_file():
            names.append("exercises")
        if exercises:
            chosen = routine_file(folders, routine) if routine else None
            names += exercise_ids(folders, files=None if chosen is None else [chosen])
    except Exception:  # completion must never print a traceback into the shell
        return []
    return [CompletionItem(name) for name in matching(dict.fromkeys(names), incomplete)]


# --- the callbacks the commands' arguments and options name (`shell_complete=`) ---


def complete_routines(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    return complete(incomplete, common.locations, routines=True, exercises=False)


def complete_own_routines(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    return complete(incomplete, common.locations, routines=True, exercises=False, own=True)


_VALUED = ("--from", "--chime", "--speed", "--note")  # start's options that take a value


def _routine_word(words: str) -> str | None:
    """The ROUTINE of `backpain start ROUTINE ... --from <Tab>` from the shell's words:
    click has no parameters yet while the option's value is missing."""
    parts = words.split()
    if "start" not in parts:
        return None
    after = parts[parts.index("start") + 1 :]
    for index, word in enumerate(after):
        if not word.startswith("-") and (index == 0 or after[index - 1] not in _VALUED):
            return word
    return None


def complete_exercises(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Exercise ids; for `start ROUTINE --from`, those of that routine only."""
    routine = ctx.params.get("routine") or _routine_word(os.environ.get("COMP_WORDS", ""))
    return complete(
        incomplete,
        common.locations,
        routines=False,
        exercises=True,
        routine=routine if isinstance(routine, str) else None,
    )


def complete_names(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    return complete(incomplete, common.locations, routines=True, exercises=True)


@click.command("completion")
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]), metavar="SHELL")
def completion_command(shell: str) -> None:
    """Print the shell completion script for bash, zsh or fish.

    It completes commands, options, routine names and exercise ids.

    \b
    Examples (install it once, then open a new shell):
      bash:  backpain completion bash > ~/.local/share/bash-completion/completions/backpain
      zsh:   backpain completion zsh > ~/.zfunc/_backpain
             (with fpath+=~/.zfunc before compinit in ~/.zshrc)
      fish:  backpain completion fish > ~/.config/fish/completions/backpain.fish
    """

    completer = get_completion_class(shell)
    assert completer is not None  # click knows every shell the Choice allows
    click.echo(completer(cli, {}, PROG_NAME, COMPLETE_VAR).source())
