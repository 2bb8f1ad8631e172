"""Run backpain in a process of its own as a user who may not write what root may: root
may write any file, so only another user meets a read-only file or folder for real."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

# argv[1:3]: uid and gid to become (-1: stay), then backpain's arguments. Everything is
# imported first: that user may not read the Python installation (/root/.pyenv).
AS_USER = """
import importlib, os, pkgutil, sys
import backpain_cli
for module in pkgutil.walk_packages(backpain_cli.__path__, "backpain_cli."):
    importlib.import_module(module.name)
import csv, difflib, encodings.utf_8_sig, json, sqlite3, yaml
import rich.box, rich.console, rich.live, rich.segment, rich.table, rich.text
from backpain_cli.cli import cli
uid, gid = int(sys.argv[1]), int(sys.argv[2])
if uid >= 0:
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
cli.main(sys.argv[3:], prog_name="backpain")
"""


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
