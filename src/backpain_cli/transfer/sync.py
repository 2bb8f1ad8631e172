"""Two machines, one history, through a folder that a sync engine the person already
runs (Syncthing, Nextcloud, Dropbox, a git repository) keeps the same everywhere.

Each machine appends its own sessions to its own file in the folder
(`backpain-MACHINE.jsonl`, the layout of `history export`) and reads the other files,
merging their sessions into its own history by UUID: `history`, `stats`, `today` and
the report then see every session once. The SQLite history never lives in the synced
folder (file sync corrupts a database that is written while it is copied): only
append-only text files do, and a file is only ever written by the machine it is named
after.

The conflict copies sync engines make (`….sync-conflict-….jsonl`, `… (conflicted
copy …).jsonl`) are read like any other file: merging is idempotent, so a session in two
files is still one session. What was read is remembered (`sync-state.json` in the data
folder: how far each file was read, and the last local change written), so a command
reads only what is new since last time; a file that shrank or was replaced is read
again from its start. A session `history forget` removed goes into this machine's file
as a `forgotten` line, and the other machines remove it too. Answers, plan moves,
next-morning checks and forgotten sessions are only ever added, so each is written once
(past the last id written of its kind); goals, which change, go whole again when one did.
"""

from __future__ import annotations

import json
import os
import zlib
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from backpain_cli import __version__
from backpain_cli.errors import BackpainError
from backpain_cli.files import open_regular_file, read_bounded, write_atomically
from backpain_cli.history.journal import JournalEntry, journal_lines
from backpain_cli.history.lines import changed_lines
from backpain_cli.history.merging import Incoming, merge_sessions
from backpain_cli.transfer.history_file import (
    HistoryFileError,
    header_line,
    read_lines,
)

if TYPE_CHECKING:
    from datetime import datetime

    from backpain_cli.history.store import History

STATE_FILE = "sync-state.json"
PREFIX = "backpain-"
SUFFIX = ".jsonl"
# The bytes of a file's start that tell whether it is still the same file (remembered
# as they are, in hex: compared whole, not hashed).
_HEAD = 256
# A state is some hundred bytes a file in the folder; more is not a state written here.
_MAX_STATE_BYTES = 16 << 20
# How a goal's line starts (`journal_lines` writes its `kind` first, as json.dumps does).
_GOAL = '{"kind": "goal"'


class Synced(NamedTuple):
    written: int  # local sessions appended to this machine's file
    added: int  # sessions from other machines new here
    updated: int
    problems: list[str]  # files that could not be read, one line each


def own_file(folder: Path, machine: str) -> Path:
    return folder / f"{PREFIX}{machine}{SUFFIX}"


def sync(
    store: History,
    folder: Path,
    *,
    machine: str,
    state_file: Path,
    pull: bool = True,
    now: datetime | None = None,
) -> Synced:
    """Write this machine's new sessions to its file, then (with `pull`) merge what is
    new in the other files. Problems with the folder or another machine's file are
    returned, not raised: the command that synced still runs on the history it has."""
    state = _read_state(state_file)
    if not folder.is_dir():
        return Synced(0, 0, 0, [f"sync folder {folder} is not there (sync_folder setting)"])
    problems: list[str] = []
    written = 0
    own = own_file(folder, machine)
    looked = state.get("pushed"), state.get("journal"), state.get("journal_ids")
    try:
        written = _push(store, own, machine, state)
    except OSError as error:
        problems.append(f"cannot write to {own}: {error.strerror or error}")
    found, journal, read_to = _pull(folder, own, state, problems, now) if pull else ([], [], {})
    merged = merge_sessions(store, found, journal) if found or journal else None
    # Else nothing to remember (goals or forgotten sessions alone written count too).
    now_at = state.get("pushed"), state.get("journal"), state.get("journal_ids")
    if written or read_to or now_at != looked:
        state["files"].update(read_to)
        _write_state(state_file, state)
    if merged is None:
        return Synced(written, 0, 0, problems)
    return Synced(written, merged.added, merged.updated, problems)


def _push(store: History, target: Path, machine: str, state: dict[str, Any]) -> int:
    """Append the sessions recorded here that are new or changed since the last push
    (new: by id, which is never given twice; changed: by the time of their last record).
    A changed session is appended again: of two copies, readers take the later one.
    How far the sessions were looked at is remembered even when none was new (the
    others' sessions merged here take ids too), so the next look starts there."""
    size = target.stat().st_size if target.exists() else 0
    # Gone, or shorter than written (an older copy came back): all of it is written again.
    # A file never written (a machine with nothing of its own yet) is not gone: its
    # sessions are looked at from where the last look ended, not all over again.
    again = size < state.get("own_size", 0)
    pushed = None if again else state.get("pushed")
    after_id, after = pushed if isinstance(pushed, list) else (0, None)
    looked = store.last_id()  # before the look: a session recorded meanwhile is new next time
    changed = changed_lines(store, after_id=after_id, after=after)
    # The kinds only ever added (answers, the plan's moves, next-morning checks,
    # forgotten sessions) go once, past the last id pushed; goals, whose state and
    # ratings change, go whole again when any changed (merging is idempotent). Neither
    # grows the file by more than what is new.
    since: dict[str, int] = {} if again else dict(state.get("journal_ids", {}))
    journal = journal_lines(store, forgotten=True, after=since)
    goals = [line for line in journal if line.startswith(_GOAL)]
    digest = _fingerprint("".join(goals).encode())
    if digest == state.get("journal") and not again:
        journal = [line for line in journal if not line.startswith(_GOAL)]
    if changed:
        newest = max(updated for _, updated, _ in changed)
        ids = max(looked, after_id, *(found for found, _, _ in changed))
        looked, after = ids, max(after or "", newest)
    if not changed and not journal:
        state["pushed"] = [max(looked, after_id), after]
        state["journal_ids"] = since
        return 0
    with target.open("a", encoding="utf-8") as handle:
        if not size:
            handle.write(header_line(tool=f"backpain {__version__}", machine=machine))
        handle.writelines(line for _, _, line in changed)
        handle.writelines(journal)
        handle.flush()
        os.fsync(handle.fileno())
    state["pushed"] = [max(looked, after_id), after]
    state["journal"] = digest
    state["journal_ids"] = since  # only once written: a failed write sends them again
    state["own_size"] = target.stat().st_size
    return len(changed)


def _pull(
    folder: Path, own: Path, state: dict[str, Any], problems: list[str], now: datetime | None
) -> tuple[list[Incoming], list[JournalEntry], dict[str, Any]]:
    """The sessions, goals and answers new since last time in every other file, and
    how far each was read."""
    found: list[Incoming] = []
    journal: list[JournalEntry] = []
    read_to: dict[str, Any] = {}
    unknown = 0  # lines of a kind a newer version wrote: one notice for all of them
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        problems.append(f"cannot read the sync folder {folder}: {error.strerror or error}")
        return found, journal, read_to
    for entry in entries:
        name = entry.name
        if not name.startswith(PREFIX) or not name.endswith(SUFFIX) or name == own.name:
            continue
        try:
            if not entry.is_file():
                continue
            found_stat = entry.stat()
            size, changed = found_stat.st_size, found_stat.st_mtime_ns
            known = state["files"].get(name)
            if known is not None and (known["size"], known.get("mtime")) == (size, changed):
                continue  # nothing new: not even opened
            sessions, lines, mark, skipped = _read_new(Path(entry.path), size, known, now)
            mark["mtime"] = changed
        except HistoryFileError as error:
            problems.append(f"sync folder: {error} (that file is skipped)")
            continue
        except OSError as error:
            problems.append(f"cannot read {entry.path}: {error.strerror or error}")
            continue
        found += sessions
        journal += lines
        read_to[name] = mark
        unknown += skipped
    if unknown:
        lines_of = "1 line of a kind" if unknown == 1 else f"{unknown} lines of a kind"
        was = "was" if unknown == 1 else "were"
        problems.append(
            f"sync folder {folder}: {lines_of} this version does not know {was} skipped;"
            " update backpain"
        )
    return found, journal, read_to


def _read_new(
    path: Path, size: int, known: dict[str, Any] | None, now: datetime | None
) -> tuple[list[Incoming], list[JournalEntry], dict[str, Any], int]:
    """The complete lines of `path` after what was read before (all of it when the file
    is new, shrank or no longer starts as it did), and how many lines of a kind this
    version does not know were skipped. The mark stops before the first of those: it is
    read again next time (what follows it is merged again, which changes nothing) until
    a version that knows its kind takes it."""
    with open_regular_file(path) as handle:  # never a pipe swapped in since it was listed
        head = handle.read(_HEAD).hex()
        start = 0
        machine = None
        line = 1
        if known and known["head"] == head and known["offset"] <= size:
            start, machine, line = known["offset"], known["machine"], known["line"]
        handle.seek(start)
        data = handle.read(size - start)
    complete = data[: data.rfind(b"\n") + 1]  # a line still being written waits
    lines = complete.split(b"\n")[:-1]
    unknown: list[int] = []
    header, sessions, entries = read_lines(
        lines, str(path), first=line, header=start == 0, now=now, unknown=unknown
    )
    if header is not None:
        machine = header.machine
    sessions = [session.came_from(machine) for session in sessions]
    taken = unknown[0] - line if unknown else len(lines)
    read = sum(len(raw) + 1 for raw in lines[:taken]) if unknown else len(complete)
    mark = {
        "size": start + read,
        "offset": start + read,
        "head": head,
        "machine": machine,
        "line": line + taken,
    }
    return sessions, entries, mark, len(unknown)


def _fingerprint(data: bytes) -> str:
    """What tells this machine's goals and answers from the ones it wrote last: their
    length and CRC-32 (zlib is loaded in a tenth of the time hashlib takes, and every
    command with a sync folder asks: a start-up trick, docs/architecture.md)."""
    return f"{len(data)}:{zlib.crc32(data):08x}"


def _read_state(path: Path) -> dict[str, Any]:
    """What was read and written before; a fresh state (read everything again, which
    merging makes harmless) when the file is missing, not a regular file (a named pipe
    there must not block every command), too large, or not of the shape written here.
    Nothing is said: the state is a cache, rebuilt by the very command that found it
    bad (and written over at its end)."""
    try:
        state = json.loads(read_bounded(path, _MAX_STATE_BYTES, what="a sync state"))
    except (BackpainError, ValueError):
        return {"files": {}}
    return state if _well_formed(state) else {"files": {}}


def _well_formed(state: object) -> bool:
    """Whether STATE has the fields and types `sync` writes (others are let be)."""
    if not isinstance(state, dict) or not isinstance(state.get("files"), dict):
        return False
    pushed = state.get("pushed")
    if pushed is not None and not (
        isinstance(pushed, list)
        and len(pushed) == 2
        and _count(pushed[0])
        and (pushed[1] is None or isinstance(pushed[1], str))
    ):
        return False
    if "own_size" in state and not _count(state["own_size"]):
        return False
    if "journal" in state and not isinstance(state["journal"], str):
        return False
    ids = state.get("journal_ids", {})
    if not isinstance(ids, dict) or not all(map(_count, ids.values())):
        return False
    return all(_well_formed_mark(mark) for mark in state["files"].values())


def _well_formed_mark(mark: object) -> bool:
    """Whether MARK is how far a file was read, as `_read_new` writes it."""
    return (
        isinstance(mark, dict)
        and all(_count(mark.get(field)) for field in ("size", "offset", "line"))
        and ("mtime" not in mark or _integer(mark["mtime"]))
        and isinstance(mark.get("head"), str)
        and (mark.get("machine") is None or isinstance(mark["machine"], str))
    )


def _count(value: object) -> bool:
    return _integer(value) and value >= 0  # type: ignore[operator]


def _integer(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _write_state(path: Path, state: dict[str, Any]) -> None:
    # Not flushed to the disk, and a failure is let be: what a lost state file had
    # marked as read is read again next time, and merging it is idempotent.
    with suppress(BackpainError):
        write_atomically(path, json.dumps(state), make_folder=False, durable=False, own=True)
