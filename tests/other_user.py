"""Run backpain in a process of its own as a user who may not write what root may: root
may write any file, so only another user meets a read-only file or folder for real."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# argv[1:3]: uid and gid to become (-1: stay), then backpain's arguments. Everything is
# imported first: that user may not read the Python installation (/root/.pyenv).
IMPORTS = """
import importlib, os, pkgutil, sys
import backpain_cli
for module in pkgutil.walk_packages(backpain_cli.__path__, "backpain_cli."):
    importlib.import_module(module.name)
import csv, difflib, encodings.utf_8_sig, json, sqlite3, yaml
import rich.box, rich.console, rich.live, rich.segment, rich.table, rich.text
from backpain_cli.cli import cli
"""
AS_USER = (
    IMPORTS
    + """
uid, gid = int(sys.argv[1]), int(sys.argv[2])
if uid >= 0:
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
cli.main(sys.argv[3:], prog_name="backpain")
"""
)


def nobody() -> tuple[int, int]:
    import pwd

    try:
        entry = pwd.getpwnam("nobody")
    except KeyError:  # pragma: no cover - every Linux and macOS has nobody
        return 65534, 65534
    return entry.pw_uid, entry.pw_gid


def other_user() -> list[str]:
    """[uid, gid] to run as: nobody when this is root, else this user (["-1", "-1"])."""
    if os.geteuid() != 0:
        return ["-1", "-1"]
    uid, gid = nobody()
    return [str(uid), str(gid)]


def give_to(user: list[str], *paths: Path) -> None:
    """Make PATHS belong to USER (when root runs the tests)."""
    if user[0] != "-1":
        for path in paths:
            os.chown(path, int(user[0]), int(user[1]))


def run_as(
    user: list[str], home: Path, *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BACKPAIN_HOME": str(home), "TZ": "UTC", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-c", AS_USER, *user, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
    )


@contextmanager
def as_other_user() -> Iterator[None]:
    """Run the code inside, in this process, as a user who may not write (or enter) what
    root may: when root runs the tests the effective user is nobody meanwhile, and root
    again after. Everything backpain may import is imported first (nobody may not read
    the Python installation), so commands can be run with CliRunner inside."""
    exec(IMPORTS, {})  # what the subprocess imports before it becomes that user
    if os.geteuid() != 0:
        yield
        return
    uid, gid = nobody()
    os.setegid(gid)
    os.seteuid(uid)
    try:
        yield
    finally:
        os.seteuid(0)
        os.setegid(0)
