"""What every command shares: the real environment turned into values for the domain code.

With the command modules beside it, `console.py` (plain or styled, decided once) and
`player/run.py` (the real terminal, sound and clock), it is where the environment is
read (folders, the terminal, the clock, the time zone; `tests/test_architecture.py`
holds the rest of the code to that). Start-up time matters: what is imported inside a
function here is listed, with what it saves, in docs/architecture.md.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from functools import partial
from typing import TYPE_CHECKING, Any, NoReturn

import click

import backpain_cli.locations
from backpain_cli.config import effective_settings, read_config

# Re-exported: the commands take everything they share from here.
from backpain_cli.console import is_plain as is_plain
from backpain_cli.console import make_console as make_console
from backpain_cli.console import output_width as output_width
from backpain_cli.console import screen_output as screen_output
from backpain_cli.console import styled_output as styled_output
from backpain_cli.errors import BackpainError
from backpain_cli.history.period import PeriodError, period_start
from backpain_cli.routines.catalogue import Origin, folders_beside, resolve_routine

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import date, tzinfo
    from pathlib import Path

    from backpain_cli.config import Settings
    from backpain_cli.history.store import History
    from backpain_cli.locations import Locations
    from backpain_cli.progression.resolver import Position
    from backpain_cli.routines.catalogue import RoutineFile
    from backpain_cli.routines.loader import ExerciseLibrary
    from backpain_cli.routines.model import Routine

# The largest whole number the history (SQLite) can hold: a row id or a limit beyond it
# is refused as an option's value instead of reaching the database.
HISTORY_INT_MAX = 2**63 - 1


class FiniteRange(click.FloatRange):
    """A number in a range; "nan" is refused too (it compares false with both ends)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if number != number:  # only NaN differs from itself
            self.fail(f"{value!r} is not a number.", param, ctx)
        return number


def fail(message: str) -> NoReturn:
    """Stop the command with a user error: one message and exit status 2 (see `cli.Group`)."""

    raise BackpainError(message)


def locations() -> Locations:
    """Where files live, from the real environment."""
    return backpain_cli.locations.locations_from_environment(os.environ)


def interactive() -> bool:
    """Whether a person is there to answer a question (tests replace this)."""
    return sys.stdin.isatty()


def can_ask() -> bool:
    """Questions nobody asked for need a person at a terminal who also sees them: never
    in a pipe, a file or a script (tests replace this)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


_CONFIG = "backpain.config"  # kept while a command runs: the config file, as read


def _kept() -> dict[str, Any]:
    """What a command keeps while it runs (its click context's `meta`; outside a
    command, nothing is kept)."""
    context = click.get_current_context(silent=True)
    return context.meta if context is not None else {}


def load_settings(**command_line: object) -> Settings:
    """Effective settings: command-line values (None: not given) over config over defaults.
    The config file is read once in a command (`start` asks again for the sync folder
    when the session is over; `today`, `stats` and the questions read the history)."""
    kept = _kept()
    if _CONFIG not in kept:
        kept[_CONFIG] = read_config(locations().config_file)
    return effective_settings(kept[_CONFIG], command_line)


# --- routines ------------------------------------------------------------------------


def load(
    reference: str, *, library: Callable[[], ExerciseLibrary] | None = None
) -> tuple[RoutineFile, Routine]:
    """The routine a name or path means, from the cache when its files are unchanged.
    A command that loads several routines passes one `shared_library()`, so the shared
    exercise files are read once, not once per routine (and only if one is needed)."""

    routine_file = resolve_routine(reference, locations())
    return routine_file, load_file(routine_file, library=library)


def load_file(
    routine_file: RoutineFile, *, library: Callable[[], ExerciseLibrary] | None = None
) -> Routine:
    """The routine in a file found by `resolve_routine` or `find_routine_files`, from the
    cache when its files are unchanged (RoutineError when it does not load). A file
    given as a path looks up its `use:` entries beside it first (`folders_beside`)."""
    from backpain_cli.routines.cache import cached_routine

    where = locations()
    folders: tuple[Path, ...] = routine_folders(where)
    if routine_file.origin is Origin.PATH:
        folders = folders_beside(routine_file.path, folders)
        library = partial(exercise_library, folders)  # not the routine folders' one
    return cached_routine(
        routine_file.path,
        default_name=routine_file.name,
        folders=folders,
        library=library or exercise_library,
        cache_dir=where.cache_dir,
    )


def routine_folders(where: Locations) -> tuple[Path, Path]:
    """Where `use: ID` entries are looked up: the user's routine folder, then the built-ins."""
    return where.user_routines, where.builtin_routines


def exercise_library(folders: Sequence[Path] | None = None) -> ExerciseLibrary:
    """The exercise library of `folders` (default: the routine folders, `routine_folders`)."""
    from backpain_cli.routines.loader import ExerciseLibrary

    return ExerciseLibrary(routine_folders(locations()) if folders is None else folders)


def shared_library() -> Callable[[], ExerciseLibrary]:
    """One `exercise_library()` for a command that loads several routines, made the
    first time a routine is not in the cache."""
    made: list[ExerciseLibrary] = []

    def library() -> ExerciseLibrary:
        if not made:
            made.append(exercise_library())
        return made[0]

    return library


# --- history -------------------------------------------------------------------------


def utc_now() -> datetime:
    """The real clock for the history commands (tests replace it)."""

    return datetime.now(timezone.utc)


def user_zone() -> tzinfo:
    """The person's time zone: TZ, else the system's (history is stored in UTC)."""
    from backpain_cli.history.zone import local_zone

    return local_zone(os.environ)


def machine() -> str:
    """This machine's name in history files (made once, kept in the data folder)."""
    from backpain_cli.transfer.history_io import machine_name

    def hostname() -> str:  # socket only the first time, when the name is made
        import socket

        return socket.gethostname()

    return machine_name(locations().data_dir, hostname)


if TYPE_CHECKING:  # click's ParamType is generic from 8.2 on; 8.1 is still allowed
    _DateParameter = click.ParamType[date]
else:
    _DateParameter = click.ParamType


class Since(_DateParameter):
    """`--since`, one rule for every command that takes it (`history`, `history export`,
    `report`, `stats`): `4w` (the last four weeks, today included), `10d` or a date
    `YYYY-MM-DD`, given as the first day of the period in the person's time zone
    (`history/period.py`). A value that is none of these is a `PeriodError`: one line,
    exit status 2."""

    name = "since"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        from backpain_cli.history.stats import today_in

        try:
            return period_start(value, today=today_in(utc_now(), user_zone()))
        except PeriodError as error:
            raise PeriodError(f"--since: {error}") from None


SINCE = Since()
_SYNCED = "backpain.synced"  # kept while a command runs: the sync folder was read


def read_history() -> History | None:
    """The history to read; with a sync folder, first brought up to date with it (once
    in a command: `today` and `stats` read the history more than once)."""
    from backpain_cli.history.store import open_for_reading, open_for_recording

    where = locations()
    synced = _kept()
    folder = None if synced.get(_SYNCED) else load_settings().sync_folder
    if folder is not None:
        synced[_SYNCED] = True
        store, warning = open_for_recording(where.history_file)
        if store is None:
            click.echo(f"backpain: not synced: {warning}", err=True)
        else:
            sync_history(store, folder)
            return _warned(store)
    return _warned(open_for_reading(where.history_file))


def _warned(history: History | None) -> History | None:
    """A session the history cannot read is left out, with one notice."""
    if history is not None:
        history.warn = lambda notice: click.echo(f"backpain: {notice}", err=True)
    return history


def sync_history(store: History, folder: Path, *, push_only: bool = False) -> None:
    """Write this machine's new sessions to the sync folder and (unless `push_only`)
    merge what is new from the other machines; problems are said, not raised."""
    from backpain_cli.transfer.sync import STATE_FILE, sync

    state = locations().data_dir / STATE_FILE
    pull = not push_only
    synced = sync(store, folder, machine=machine(), state_file=state, pull=pull, now=utc_now())
    for problem in synced.problems:
        click.echo(f"backpain: {problem}", err=True)


def push_to_sync_folder(store: History | None) -> None:
    """After `start`: this machine's new session, into the sync folder (if one is set)."""
    folder = load_settings().sync_folder
    if folder is not None and store is not None:
        sync_history(store, folder, push_only=True)


# --- a routine's plan of steps ------------------------------------------------------


def plan_position(routine: Routine) -> Position | None:
    """Where the routine's progression stands, from the history; None without one."""
    if routine.progression is None:
        return None
    from backpain_cli.history.progress import position  # SQLite: not in config or list

    return position(locations().history_file, routine, utc_now())


def at_current_step(routine: Routine, where: Position | None = None) -> Routine:
    """The routine with the doses of its progression's current step (from the history,
    or `where`), new doses marked with what they were; itself without a progression."""
    where = where or plan_position(routine)
    if where is None:
        return routine
    from backpain_cli.progression.explain import at_position  # the plans' code, with a plan

    return at_position(routine, where)
