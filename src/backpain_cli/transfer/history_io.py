"""History files in and out: export a history to JSON Lines, read files back (all of
them checked before anything is merged), and this machine's name in them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import uuid4

from backpain_cli import __version__
from backpain_cli.errors import BackpainError
from backpain_cli.files import exists_somehow, read_bounded, write_atomically
from backpain_cli.history.journal import journal_lines
from backpain_cli.history.lines import session_lines
from backpain_cli.history.merging import Incoming
from backpain_cli.transfer.history_file import (
    MAX_LINE_BYTES,
    HistoryFileError,
    header_line,
    read_lines,
)

if TYPE_CHECKING:
    from backpain_cli.history.journal import JournalEntry
    from backpain_cli.history.store import History

MACHINE_FILE = "machine"  # in the data folder: this machine's name in history files
MAX_FILE_BYTES = 256 << 20  # ten years of sessions are a few megabytes
_MAX_NAME_BYTES = 4096  # a name is under a hundred bytes


def machine_name(data_dir: Path, hostname: Callable[[], str]) -> str:
    """This machine's name in history files: its host name and a short random id, made
    once and kept (two machines may share a host name; two homes on one machine too).
    Only a regular file is read (a named pipe there would block every command), and a
    name is only written where nothing is or a regular file without a name was."""
    path = data_dir / MACHINE_FILE
    try:
        data = read_bounded(path, _MAX_NAME_BYTES, what="a machine name")
    except BackpainError:
        data = None
    kept = None if data is None else data.decode("utf-8", "replace").strip()
    if kept is not None and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,80}", kept):
        return kept
    host = re.sub(r"[^A-Za-z0-9._-]+", "-", hostname().split(".")[0]).strip("-.") or "machine"
    name = f"{host[:40]}-{uuid4().hex[:6]}"
    if data is None and exists_somehow(path):
        return host[:40]  # a pipe, a folder, a file not to be read: let be, the host name alone
    try:
        write_atomically(path, name + "\n", mode=0o644, durable=False)
    except BackpainError:
        return host[:40]  # cannot be kept: the host name alone
    return name


def export_lines(
    store: History | None,
    *,
    machine: str,
    since: datetime | None = None,
    notes: bool = True,
    pain: bool = True,
) -> Iterator[str]:
    """The header, then every session (from `since` on) oldest first, then the goals
    with their ratings and the answers to "what got in the way?"."""

    yield header_line(tool=f"backpain {__version__}", machine=machine)
    if store is None:
        return
    with store:
        lines = list(session_lines(store, since=since, notes=notes, pain=pain))
        lines += journal_lines(store, notes=notes, pain=pain)
    yield from lines


def read_history_files(
    paths: Sequence[Path], *, now: datetime | None = None
) -> tuple[list[Incoming], list[JournalEntry]]:
    """Every session, goal and answer of the files, each checked (HistoryFileError
    naming FILE:LINE at the first bad line: then none is taken; with `now`, a move of a
    plan dated ahead of it is one); a session without an origin gets its file's
    machine."""
    found: list[Incoming] = []
    journal: list[JournalEntry] = []
    for path in paths:
        data = read_bounded(
            path,
            MAX_FILE_BYTES,
            what="a history file",
            error=HistoryFileError,
            slack=MAX_LINE_BYTES,
        )
        header, sessions, entries = read_lines(data.split(b"\n"), str(path), now=now)
        assert header is not None
        found += [session.came_from(header.machine) for session in sessions]
        journal += entries
    return found, journal
