"""`backpain remind` against a real systemd user manager, not the fake `systemctl`.

The machines these tests run on have systemd's programs but were not booted with
systemd, so there is no user session. As root, a private mount namespace (`unshare
-m`) can make `/run/systemd/system` appear for this test alone, which is all
`systemd --user` needs to start; it then runs with a temporary HOME, XDG_CONFIG_HOME
and XDG_RUNTIME_DIR, and `systemctl --user` talks to it. Nothing outside the test's
folders and its own namespace is touched.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

MANAGER = next(
    (path for path in ("/lib/systemd/systemd", "/usr/lib/systemd/systemd") if Path(path).exists()),
    None,
)
UNSHARE = shutil.which("unshare")
SYSTEMCTL = shutil.which("systemctl")
BOOTED = Path("/run/systemd/system").is_dir()

pytestmark = pytest.mark.skipif(
    MANAGER is None
    or UNSHARE is None
    or SYSTEMCTL is None
    or not hasattr(os, "geteuid")
    or os.geteuid() != 0
    or not (BOOTED or Path("/run/systemd").is_dir()),
    reason="needs systemd's programs, unshare and root (for a private /run/systemd) to "
    "start a real systemd user manager",
)

START = r"""
set -u
if [ "$BOOTED" != yes ]; then
    mount -t tmpfs backpain-test /run/systemd || exit 90
    mkdir -p /run/systemd/system
fi
"$MANAGER" --user --log-target=console --log-level=warning > "$ROOT/manager.log" 2>&1 &
manager=$!
n=0
until timeout 5 systemctl --user show-environment > /dev/null 2>&1; do
    n=$((n + 1))
    if [ $n -gt 100 ]; then kill $manager; exit 91; fi
    sleep 0.1
done
bp() { timeout 30 "$PYTHON" -m backpain_cli "$@"; }
section() { echo "=== $1"; }
"""
STOP = r"""
timeout 5 systemctl --user exit
wait $manager
"""
SCRIPT = (
    START
    + r"""
section add; bp remind add upper-back --at 09:00 --days mon-fri; echo "status $?"
bp remind add upper-back-gentle --at 12:00 > /dev/null
timeout 5 systemctl --user stop backpain-reminder-upper-back-gentle-1200.timer
section systemd
timeout 5 systemctl --user list-timers --all --output=json 'backpain-reminder-*'
section list; bp remind list; echo "status $?"
section remove; bp remind remove --all; echo "status $?"
section after; timeout 5 systemctl --user list-timers --all --output=json 'backpain-reminder-*'
"""
    + STOP
)


def sections(output: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    current: list[str] = []
    for line in output.splitlines():
        if line.startswith("=== "):
            current = found.setdefault(line[4:], [])
        else:
            current.append(line)
    return found


def run_with_a_manager(tmp_path: Path, script: str) -> tuple[dict[str, list[str]], Path]:
    """SCRIPT in a private mount namespace where a systemd user manager runs, with a
    temporary HOME: its sections (or a skip when no manager can start here) and the
    user's config folder."""
    assert MANAGER is not None and UNSHARE is not None
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    user = tmp_path / "home"
    user.mkdir()
    config = user / ".config"
    env = {
        **os.environ,
        "ROOT": str(tmp_path),
        "MANAGER": MANAGER,
        "PYTHON": sys.executable,
        "BOOTED": "yes" if BOOTED else "no",
        "HOME": str(user),
        "XDG_CONFIG_HOME": str(config),
        "XDG_DATA_HOME": str(user / ".local" / "share"),
        "XDG_RUNTIME_DIR": str(runtime),
        "TZ": "Europe/Berlin",
    }
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    done = subprocess.run(
        [UNSHARE, "-m", "--propagation", "private", "sh", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode in (90, 91) or (done.returncode != 0 and "unshare:" in done.stderr):
        log = (tmp_path / "manager.log").read_text() if (tmp_path / "manager.log").exists() else ""
        pytest.skip(f"no systemd user manager could start here: {done.stderr.strip()} {log}")
    assert done.returncode == 0, done.stdout + done.stderr
    return sections(done.stdout), config


def test_a_real_user_manager_runs_lists_and_removes_the_timers(tmp_path: Path) -> None:
    seen, config = run_with_a_manager(tmp_path, SCRIPT)
    units = config / "systemd" / "user"
    assert seen["add"] == [
        "Added: upper-back at 09:00 (mon-fri), systemd: ~/.config/systemd/user/"
        "backpain-reminder-upper-back-0900.timer",
        "Each runs `backpain today --notify upper-back`: a notification only while a session "
        "is still due. `backpain remind remove upper-back` takes them away.",
        "status 0",
    ]
    # What systemd itself says, and what `remind list` shows: the same moment.
    timers = {row["unit"]: row["next"] for row in json.loads("\n".join(seen["systemd"]))}
    assert timers["backpain-reminder-upper-back-gentle-1200.timer"] is None  # stopped
    usec = timers["backpain-reminder-upper-back-0900.timer"]
    berlin = ZoneInfo("Europe/Berlin")
    morning = datetime.fromtimestamp(usec / 1_000_000, tz=timezone.utc).astimezone(berlin)
    assert (morning.hour, morning.minute, morning.weekday() < 5) == (9, 0, True)
    where = "systemd: ~/.config/systemd/user/backpain-reminder-upper-back"
    assert seen["list"] == [
        f"upper-back         09:00  mon-fri  next {morning:%a %Y-%m-%d %H:%M}  {where}-0900.timer",
        f"upper-back-gentle  12:00  daily    not active in systemd      {where}-gentle-1200.timer",
        "Not active in systemd: that timer will not fire; `backpain remind add` with the "
        "same routine and time turns it on again.",
        "status 0",
    ]
    assert seen["remove"][-1] == "status 0"
    assert json.loads("\n".join(seen["after"])) == []
    assert list(units.rglob("*")) == []  # no stray unit, no stray link


# What systemd would expand if not escaped (`%h`: the home folder; `${HOME}`), and the
# quotes and the backslash of its own quoting.
ODD_FOLDER = 'it\'s "my" 100%h ${HOME} \\ files $HOME'
NOTIFY_SEND = """#!/bin/sh
printf '%s\\n' "$@" > {notified}
"""
PATH_SCRIPT = (
    START
    + r"""
timeout 5 systemctl --user set-environment "PATH=$ROOT/bin:$PATH"
section add; (cd "$FOLDER" && bp remind add ./neck.yaml --at 23:30 --allow-night); echo "status $?"
section ran; timeout 60 systemctl --user start backpain-reminder-neck-mobility-2330.service
echo "status $?"
"""
    + STOP
)


def test_a_real_timer_finds_a_routine_file_whose_path_needs_quoting(tmp_path: Path) -> None:
    """systemd reads the unit's ExecStart back into the very path: the service it starts
    runs `today --notify` on the routine file, whose folder holds spaces, both quotes,
    `%h`, `${HOME}` and a backslash, and the notification says to start it there."""
    from transfer_files import therapist_folder

    neck = therapist_folder(tmp_path / ODD_FOLDER)
    notified = tmp_path / "notified"
    program = tmp_path / "bin" / "notify-send"
    program.parent.mkdir()
    program.write_text(NOTIFY_SEND.format(notified=shlex.quote(str(notified))))
    program.chmod(0o755)
    os.environ["FOLDER"] = str(neck.parent)
    try:
        seen, _ = run_with_a_manager(tmp_path, PATH_SCRIPT)
    finally:
        del os.environ["FOLDER"]
    assert seen["add"][-1] == "status 0"
    assert seen["ran"] == ["status 0"]
    assert notified.read_text().splitlines()[-1] == (
        f"Neck mobility: 0 of 1 done today — backpain start {shlex.quote(str(neck))}"
    )
