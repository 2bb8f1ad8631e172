"""What is really at a path that should be a regular file, in words a person can act on,
and the two ways backpain reads and writes such a file.

`Path.is_file()` answers False for a folder, a named pipe, a device, a symbolic link loop,
a dangling link and a file in a folder one may not enter alike; the messages built on it
said "no such file" or "a folder" for all of them. `file_problem` tells them apart.
`read_bounded` reads a file that must be regular and not too large; `write_atomically`
writes one whole or not at all.
"""

from __future__ import annotations

import errno
import os
import stat
from contextlib import suppress
from pathlib import Path
from typing import BinaryIO

from backpain_cli.errors import BackpainError

# How many temporary names are tried before giving up (as many as `tempfile` tries).
_NAMES_TRIED = 100


class FileExists(BackpainError):
    """`write_atomically` without `replace` found a file already there."""


def file_problem(path: Path) -> str | None:
    """None when PATH is (or links to) a regular file; else what it is instead, as a
    phrase to follow the path: 'no such file', 'is a folder, not a file',
    'is a symbolic link loop', 'is a named pipe (FIFO), not a file', ..."""
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        return _stat_failure(path, error)
    if stat.S_ISREG(mode):
        return None
    return f"is {kind_of(mode)}, not a file"


def kind_of(mode: int) -> str:
    """'a folder', 'a named pipe (FIFO)', 'a character device' ... for a non-file mode."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def exists_somehow(path: Path) -> bool:
    """Whether anything at all is at PATH (a dangling link or a loop counts; so does a
    path in a folder that may not be entered: something may be there)."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return True
    return True


def _stat_failure(path: Path, error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "is a symbolic link loop (it leads back to itself)"
    if error.errno == errno.ENOENT:
        if path.is_symlink():
            try:
                target = os.readlink(path)
            except OSError:  # pragma: no cover - raced away
                target = "?"
            return f"is a symbolic link to {target}, which does not exist"
        return "no such file"
    if error.errno == errno.ENOTDIR:
        return "no such file (a folder in its path is a file)"
    if error.errno == errno.EACCES:
        return "cannot be reached (permission denied)"
    return f"cannot be reached ({error.strerror or error})"


def read_bounded(
    path: Path,
    limit: int,
    *,
    what: str,
    shown: str | None = None,
    error: type[BackpainError] = BackpainError,
    slack: int = 1,
) -> bytes:
    """PATH's bytes when it is a regular file of at most LIMIT bytes; else an ERROR that
    says '{SHOWN}: not a file', '{SHOWN}: N MiB; WHAT is at most M MiB' (KiB for a limit
    under a mebibyte) or '{SHOWN}: cannot read it (why)'. What is checked is what was
    opened (`open_regular`): a named pipe or a device is refused without waiting for a
    writer, even one swapped in after a look; at most LIMIT + SLACK bytes are read, for
    a file that grows after it was looked at."""
    shown = str(path) if shown is None else shown
    try:
        handle, found = open_regular(path)
        if handle is None:
            raise error(f"{shown}: not a file")
        with handle:
            if found.st_size > limit:
                large, most = _size(found.st_size, limit), _size(limit, limit)
                raise error(f"{shown}: {large}; {what} is at most {most}")
            return handle.read(limit + slack)
    except OSError as failure:
        raise error(f"{shown}: cannot read it ({failure.strerror or failure})") from None


def open_regular(path: Path) -> tuple[BinaryIO | None, os.stat_result]:
    """PATH opened for reading when it is a regular file (None when it is not: a folder,
    a named pipe, a device), and the status of what was opened, not of what its name
    showed a moment before. Opened without blocking (O_NONBLOCK: a named pipe with no
    writer opens at once, where a plain open waits forever); a regular file reads as
    ever. OSError when nothing can be opened."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags)
    try:
        found = os.fstat(descriptor)
    except OSError:  # pragma: no cover - fstat of an open descriptor does not fail
        os.close(descriptor)
        raise
    if not stat.S_ISREG(found.st_mode):
        os.close(descriptor)
        return None, found
    return os.fdopen(descriptor, "rb"), found


def open_regular_file(path: Path) -> BinaryIO:
    """PATH opened for reading as `open_regular` opens it; OSError ('not a regular file')
    when what was opened is a folder, a named pipe or a device."""
    handle, _ = open_regular(path)
    if handle is None:
        raise OSError(errno.EINVAL, "not a regular file")
    return handle


def _size(size: int, limit: int) -> str:
    """SIZE in the unit that fits LIMIT: whole MiB from a mebibyte on, else KiB rounded
    up (a size just over the limit never reads as the limit itself)."""
    if limit >= 1 << 20:
        return f"{size >> 20} MiB"
    return f"{-(-size >> 10)} KiB"


def write_atomically(
    path: Path,
    data: str | bytes,
    *,
    replace: bool = True,
    make_folder: bool = True,
    mode: int = 0o600,
    durable: bool = True,
    own: bool = False,
    error: type[BackpainError] = BackpainError,
) -> None:
    """Write DATA (a str as UTF-8) to PATH through a new temporary file beside it, renamed
    into place: a crash, a full disk or a failed write never leaves half a file under
    PATH's name, and a failure leaves no temporary file behind.

    The temporary file is made with MODE (less the umask) and, when DURABLE, flushed to
    the disk before it is renamed. MAKE_FOLDER makes PATH's folders first. Without
    REPLACE the name must still be free at the moment the file appears (a hard link of
    the finished temporary file, which fails when the name is taken): of two writers at
    once exactly one succeeds, FileExists for the other. A device, a named pipe, a
    socket or a link to the command's own output at PATH is left as it is (see
    `_not_to_replace`), unless PATH is OWN (a file of backpain's own in its
    data folder, such as a cache: whatever took its place is written over). Any other
    failure is an ERROR, 'cannot write PATH: why'."""
    content = data.encode("utf-8") if isinstance(data, str) else data
    refused = None if own else _not_to_replace(path)
    if refused is not None:
        raise error(f"cannot write {path}: {refused}")
    try:
        if make_folder:
            path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = _new_temporary(path, mode)
    except OSError as failure:  # FileExistsError too: a file where a folder should be
        raise error(f"cannot write {path}: {failure.strerror or failure}") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(content)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        if replace:
            os.replace(temporary, path)
        else:
            _link_new(temporary, path, mode)
    except FileExistsError:  # the name PATH was taken first
        raise FileExists(f"{path} already exists") from None
    except OSError as failure:
        raise error(f"cannot write {path}: {failure.strerror or failure}") from None
    finally:
        with suppress(OSError):  # gone when it was renamed into place
            os.unlink(temporary)


def _not_to_replace(path: Path) -> str | None:
    """Why what is at PATH must not be renamed over, or None. A device, a named pipe or
    a socket (as root, `-o /dev/full` replaced the device node), or a link to this
    command's own standard input, output or error (`-o /dev/stdout` replaced the link).
    A folder fails in the rename, with the system's words."""
    try:
        found = os.stat(path)
    except OSError:
        return None  # nothing there yet (or out of reach: the write says why)
    if not (stat.S_ISREG(found.st_mode) or stat.S_ISDIR(found.st_mode)):
        return f"it is {kind_of(found.st_mode)}, not a file"
    if path.is_symlink() and any(_same_file(found, stream) for stream in (0, 1, 2)):
        return "it is a link to this command's own output, not a file to write"
    return None


def _same_file(found: os.stat_result, descriptor: int) -> bool:
    try:
        mine = os.fstat(descriptor)
    except OSError:  # a closed standard stream
        return False
    return (mine.st_dev, mine.st_ino) == (found.st_dev, found.st_ino)


def _new_temporary(path: Path, mode: int) -> tuple[int, Path]:
    """An open descriptor of a file made new beside PATH (O_EXCL: never one that was
    there, nor a link), and its name: hidden, PATH's name, a random part, '.tmp'."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(_NAMES_TRIED):
        temporary = path.with_name(f".{path.name[:40]}.{_token()}.tmp")
        try:
            return os.open(temporary, flags, mode), temporary
        except FileExistsError:
            continue
    raise OSError(errno.EEXIST, f"no free temporary name beside {path.name}")


def _token() -> str:
    return os.urandom(5).hex()


def _link_new(source: Path, path: Path, mode: int) -> None:
    """Give SOURCE the name PATH only if PATH is free (FileExistsError if not)."""
    try:
        os.link(source, path)
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links (FAT, some network drives): O_EXCL
        data = source.read_bytes()
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        try:
            with os.fdopen(descriptor, "wb") as target:
                target.write(data)
        except OSError:  # never half a file under the name
            with suppress(OSError):
                os.unlink(path)
            raise
