"""What is really at a path that should be a regular file, in words a person can act on.

`Path.is_file()` answers False for a folder, a named pipe, a device, a symbolic link loop,
a dangling link and a file in a folder one may not enter alike; the messages built on it
said "no such file" or "a folder" for all of them. `file_problem` tells them apart.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path


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
