"""`backpain remind` and `backpain today --notify` end to end, with a temporary HOME and
XDG_CONFIG_HOME and fake `systemctl`, `crontab`, `launchctl` and `notify-send` programs
on PATH that record every call (and keep the crontab in a file)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result

from backpain_cli.cli import cli
from backpain_cli.cli import common as cli_module
from backpain_cli.cli import remind as remind_module

BERLIN = ZoneInfo("Europe/Berlin")
NOON = datetime(2026, 11, 4, 12, 0, tzinfo=BERLIN)  # a Wednesday

FAKE = """#!{python}
import json, os, sys
name = os.path.basename(sys.argv[0])
data = sys.stdin.buffer.read() if sys.argv[1:] == ["-"] else b""
call = {{"argv": [name, *sys.argv[1:]], "stdin": data.decode("utf-8", "replace")}}
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps(call) + "\\n")
# FAKE_STATUS_<PROGRAM> fails every call; FAKE_FAIL_<PROGRAM>_<LAST ARGUMENT> one kind.
def variable(text):
    return "".join(ch if ch.isalnum() else "_" for ch in text).upper()
last = sys.argv[-1] if sys.argv[1:] else ""
status = os.environ.get("FAKE_STATUS_" + variable(name), "0")
status = int(os.environ.get("FAKE_FAIL_" + variable(name) + "_" + variable(last), status))
if name == "crontab":
    table = os.environ["FAKE_CRONTAB"]
    if sys.argv[1:] == ["-l"]:
        if not os.path.exists(table):
            sys.stderr.write("no crontab for pat\\n")
            sys.exit(1)
        sys.stdout.buffer.write(open(table, "rb").read())
    elif sys.argv[1:] == ["-"] and status == 0:
        open(table, "wb").write(data)
sys.stdout.write(os.environ.get("FAKE_STDOUT_" + variable(name), ""))
if status:
    sys.stderr.write(name + ": it did not work\\n")
sys.exit(status)
"""


class Fakes:
    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.bin = root / "bin"
        self.bin.mkdir(parents=True)
        self.log = root / "calls.jsonl"
        self.crontab = root / "crontab"
        self.home = root / "home"
        self.config = root / "config"
        self.home.mkdir()
        self.monkeypatch = monkeypatch
        monkeypatch.setenv("HOME", str(self.home))
        monkeypatch.setenv("XDG_CONFIG_HOME", str(self.config))
        monkeypatch.setenv("FAKE_LOG", str(self.log))
        monkeypatch.setenv("FAKE_CRONTAB", str(self.crontab))
        monkeypatch.setenv("PATH", str(self.bin))
        monkeypatch.setattr(remind_module, "command", lambda: ("/opt/bp/bin/backpain",))

    def install(self, *names: str) -> None:
        for name in names:
            path = self.bin / name
            path.write_text(FAKE.format(python=sys.executable))
            path.chmod(0o755)

    def calls(self) -> list[list[str]]:
        if not self.log.exists():
            return []
        return [json.loads(line)["argv"] for line in self.log.read_text().splitlines()]

    def stdin_of(self, name: str) -> list[str]:
        return [
            json.loads(line)["stdin"]
            for line in self.log.read_text().splitlines()
            if json.loads(line)["argv"][0] == name and json.loads(line)["argv"][1:] == ["-"]
        ]

    def forget(self) -> None:
        self.log.unlink(missing_ok=True)

    @property
    def units(self) -> Path:
        return self.config / "systemd" / "user"

    def files(self) -> list[str]:
        if not self.units.exists():
            return []
        return sorted(str(p.relative_to(self.units)) for p in self.units.rglob("*"))


@pytest.fixture
def fakes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Fakes:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    monkeypatch.setattr(cli_module, "utc_now", lambda: NOON.astimezone(timezone.utc))
    return Fakes(tmp_path / "world", monkeypatch)


def run(*arguments: str) -> Result:
    return CliRunner().invoke(cli, list(arguments))


UNITS = [
    "backpain-reminder-upper-back-0900.service",
    "backpain-reminder-upper-back-0900.timer",
    "backpain-reminder-upper-back-1500.service",
    "backpain-reminder-upper-back-1500.timer",
]


def test_add_installs_systemd_timers(fakes: Fakes, home: Path) -> None:
    fakes.install("systemctl", "crontab")
    result = run(
        "remind", "add", "upper-back", "--at", "15:00", "--at", "09:00", "--days", "mon-fri"
    )
    assert result.exit_code == 0, result.output
    timers = f"systemd: {fakes.units}/backpain-reminder-upper-back"
    assert result.output == (
        f"Added: upper-back at 09:00 (mon-fri), {timers}-0900.timer\n"
        f"Added: upper-back at 15:00 (mon-fri), {timers}-1500.timer\n"
        "Each runs `backpain today --notify upper-back`: a notification only while a session "
        "is still due. `backpain remind remove upper-back` takes them away.\n"
    )
    assert fakes.files() == UNITS
    service = (fakes.units / UNITS[0]).read_text()
    assert "ExecStart=/opt/bp/bin/backpain today --notify upper-back\n" in service
    assert f"Environment=BACKPAIN_HOME={home}\n" in service
    assert f"Environment=XDG_CONFIG_HOME={fakes.config}\n" in service
    assert "OnCalendar=Mon,Tue,Wed,Thu,Fri *-*-* 09:00:00\n" in (fakes.units / UNITS[1]).read_text()
    assert fakes.calls() == [
        ["systemctl", "--user", "show-environment"],
        ["systemctl", "--user", "daemon-reload"],
        ["systemctl", "--user", "enable", "--now", UNITS[1], UNITS[3]],
        ["crontab", "-l"],  # the same reminders in the crontab would be taken away
    ]


def test_add_again_is_idempotent_and_a_new_time_adds_one(fakes: Fakes) -> None:
    fakes.install("systemctl")
    assert run("remind", "add", "upper-back", "--at", "09:00").exit_code == 0
    before = {name: (fakes.units / name).read_bytes() for name in fakes.files()}
    again = run("remind", "add", "upper-back", "--at", "09:00")
    assert again.exit_code == 0
    assert again.output.startswith("Already set: upper-back at 09:00 (daily)")
    assert {name: (fakes.units / name).read_bytes() for name in fakes.files()} == before
    more = run("remind", "add", "upper-back", "--at", "15:00")
    assert more.output.startswith("Added: upper-back at 15:00 (daily)")
    assert fakes.files() == UNITS
    other_days = run("remind", "add", "upper-back", "--at", "15:00", "--days", "sat,sun")
    assert other_days.output.startswith("Updated: upper-back at 15:00 (sat,sun)")
    assert fakes.files() == UNITS


def test_list_shows_when_each_fires_next(fakes: Fakes) -> None:
    fakes.install("systemctl")
    assert run("remind", "list").output == (
        "No reminders. Add one: `backpain remind add upper-back --at 09:00`.\n"
    )
    run("remind", "add", "upper-back", "--at", "09:00", "--days", "mon-fri")
    run("remind", "add", "upper-back-gentle", "--at", "15:00")
    timer = f"systemd: {fakes.units}/backpain-reminder-upper-back"
    assert run("remind", "list").output.splitlines() == [
        f"upper-back         09:00  mon-fri  next Thu 2026-11-05 09:00  {timer}-0900.timer",
        f"upper-back-gentle  15:00  daily    next Wed 2026-11-04 15:00  {timer}-gentle-1500.timer",
    ]


def test_remove_leaves_no_stray_unit(fakes: Fakes) -> None:
    fakes.install("systemctl")
    run("remind", "add", "upper-back", "--at", "09:00", "--at", "15:00")
    wants = fakes.units / "timers.target.wants"
    wants.mkdir()
    for name in UNITS[1::2]:  # what `systemctl enable` makes
        (wants / name).symlink_to(fakes.units / name)
    fakes.forget()
    one = run("remind", "remove", "upper-back", "--at", "9:00")
    assert one.exit_code == 0
    assert one.output == (f"Removed: upper-back at 09:00, systemd: {fakes.units}/{UNITS[1]}\n")
    assert fakes.files() == [*UNITS[2:], "timers.target.wants", f"timers.target.wants/{UNITS[3]}"]
    assert fakes.calls() == [
        ["systemctl", "--user", "disable", "--now", UNITS[1]],
        ["systemctl", "--user", "daemon-reload"],
        ["systemctl", "--user", "reset-failed", UNITS[0]],
    ]
    everything = run("remind", "remove", "--all")
    assert everything.output == f"Removed: upper-back at 15:00, systemd: {fakes.units}/{UNITS[3]}\n"
    assert fakes.files() == ["timers.target.wants"]
    assert run("remind", "remove", "--all").output == (
        "No reminder matched, so nothing was removed; `backpain remind list`.\n"
    )


USERS_OWN = b"MAILTO=pat@example.org\n# my backup\n*/5 * * * * /usr/bin/backup --quiet  \t\n"


def test_cron_keeps_the_users_lines_byte_for_byte(fakes: Fakes, home: Path) -> None:
    fakes.install("systemctl", "crontab")
    fakes.crontab.write_bytes(USERS_OWN)
    added = run("remind", "add", "upper-back", "--at", "09:00", "--at", "15:00", "--cron")
    assert added.exit_code == 0, added.output
    assert added.output.startswith("Added: upper-back at 09:00 (daily), cron: crontab\n")
    table = fakes.crontab.read_bytes()
    assert table.startswith(USERS_OWN)
    environment = f"BACKPAIN_HOME={home} TZ=Europe/Berlin XDG_CONFIG_HOME={fakes.config}"
    assert table[len(USERS_OWN) :].decode().splitlines() == [
        f"0 {hour} * * * {environment} /opt/bp/bin/backpain today --notify upper-back "
        f"# backpain-reminder routine=upper-back at={hour:02}:00 days=daily"
        for hour in (9, 15)
    ]
    assert fakes.files() == []  # cron, not systemd
    assert run("remind", "add", "upper-back", "--at", "09:00", "--cron").output.startswith(
        "Already set"
    )
    assert fakes.crontab.read_bytes() == table
    assert run("remind", "remove", "upper-back").exit_code == 0
    assert fakes.crontab.read_bytes() == USERS_OWN


def test_without_systemd_the_crontab_is_used(fakes: Fakes) -> None:
    fakes.install("crontab")
    result = run("remind", "add", "upper-back", "--at", "10:00")
    assert result.exit_code == 0, result.output
    assert "cron: crontab" in result.output
    assert b"today --notify upper-back # backpain-reminder routine=upper-back at=10:00" in (
        fakes.crontab.read_bytes()
    )


def test_switching_to_systemd_moves_the_reminder_from_the_crontab(fakes: Fakes) -> None:
    fakes.install("systemctl", "crontab")
    fakes.crontab.write_bytes(USERS_OWN)
    run("remind", "add", "upper-back", "--at", "09:00", "--cron")
    run("remind", "add", "upper-back", "--at", "09:00")
    assert fakes.crontab.read_bytes() == USERS_OWN
    assert fakes.files() == UNITS[:2]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--at", "25:00"], "--at 25:00: there is no such time of day (00:00 to 23:59)"),
        (["--at", "09:00", "--days", "funday"], "--days funday: 'funday' is not a day"),
        (["--at", "23:00"], "--at 23:00: that is in the quiet hours (22:00 to 07:00)"),
    ],
)
def test_bad_input_installs_nothing(fakes: Fakes, arguments: list[str], message: str) -> None:
    fakes.install("systemctl", "crontab")
    result = run("remind", "add", "upper-back", *arguments)
    assert result.exit_code == 2
    assert result.output.startswith(f"backpain: {message}")
    assert fakes.files() == []
    assert fakes.calls() == []


def test_an_unknown_routine_installs_nothing(fakes: Fakes) -> None:
    fakes.install("systemctl")
    result = run("remind", "add", "upper-bak", "--at", "09:00")
    assert result.exit_code == 2
    assert result.output.startswith("backpain: upper-bak: no routine of that name")
    assert result.output == (
        "backpain: upper-bak: no routine of that name (did you mean 'upper-back'?); "
        "`backpain list` shows them all\n"
    )
    assert fakes.files() == [] and fakes.calls() == []


def test_no_crontab_and_no_systemd(fakes: Fakes) -> None:
    result = run("remind", "add", "upper-back", "--at", "09:00")
    assert result.exit_code == 2
    assert result.output == (
        "backpain: no systemd user session and no `crontab` command here, so nothing can "
        "run a reminder; install cron (e.g. `apt install cron`) or log in to a systemd "
        "session\n"
    )
    assert fakes.files() == []
    cron_asked = run("remind", "add", "upper-back", "--at", "09:00", "--cron")
    assert cron_asked.exit_code == 2
    assert "there is no `crontab` command here" in cron_asked.output


def test_systemctl_without_a_user_session_falls_back_to_cron(fakes: Fakes) -> None:
    fakes.install("systemctl", "crontab")
    fakes.monkeypatch.setenv("FAKE_STATUS_SYSTEMCTL", "1")
    result = run("remind", "add", "upper-back", "--at", "09:00")
    assert result.exit_code == 0, result.output
    assert "cron: crontab" in result.output
    assert fakes.files() == []


def test_a_failing_enable_leaves_nothing_half_installed(fakes: Fakes) -> None:
    fakes.install("systemctl")
    run("remind", "add", "upper-back", "--at", "09:00")
    before = {name: (fakes.units / name).read_bytes() for name in fakes.files()}
    fakes.monkeypatch.setenv("FAKE_FAIL_SYSTEMCTL_BACKPAIN_REMINDER_UPPER_BACK_1500_TIMER", "1")
    result = run("remind", "add", "upper-back", "--at", "09:00", "--at", "15:00", "--days", "mon")
    assert result.exit_code == 2
    assert result.output == (
        "backpain: `systemctl --user enable --now backpain-reminder-upper-back-0900.timer "
        "backpain-reminder-upper-back-1500.timer` failed: systemctl: it did not work\n"
    )
    assert {name: (fakes.units / name).read_bytes() for name in fakes.files()} == before


def test_a_failing_crontab_write_is_a_clear_error(fakes: Fakes) -> None:
    fakes.install("crontab")
    fakes.crontab.write_bytes(USERS_OWN)
    fakes.monkeypatch.setenv("FAKE_FAIL_CRONTAB__", "1")  # `crontab -` fails
    result = run("remind", "add", "upper-back", "--at", "09:00")
    assert result.exit_code == 2
    assert result.output == (
        "backpain: cannot write your crontab (`crontab -`): crontab: it did not work\n"
    )
    assert fakes.crontab.read_bytes() == USERS_OWN


def test_a_routine_without_frequency_is_refused(fakes: Fakes, user_routines: Path) -> None:
    fakes.install("systemctl")
    source = Path(__file__).resolve().parents[1] / "routines" / "upper-back.yaml"
    text = source.read_text().replace("frequency: 2 per day\n", "")
    (user_routines / "mine.yaml").write_text(text.replace("name: upper-back", "name: mine"))
    result = run("remind", "add", "mine", "--at", "09:00")
    assert result.exit_code == 2
    assert "mine has no frequency, so nothing is ever due" in result.output
    assert fakes.files() == []


def test_launch_agents_on_macos(fakes: Fakes, monkeypatch: pytest.MonkeyPatch) -> None:
    import plistlib

    fakes.install("launchctl")
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(os, "getuid", lambda: 501)
    result = run("remind", "add", "upper-back", "--at", "09:00")
    assert result.exit_code == 0, result.output
    agent = fakes.home / "Library" / "LaunchAgents" / "org.backpain.reminder.upper-back.0900.plist"
    assert plistlib.loads(agent.read_bytes())["ProgramArguments"] == [
        "/opt/bp/bin/backpain",
        "today",
        "--notify",
        "upper-back",
    ]
    assert fakes.calls() == [
        ["launchctl", "bootout", "gui/501/org.backpain.reminder.upper-back.0900"],
        ["launchctl", "bootstrap", "gui/501", str(agent)],
    ]
    assert "upper-back  09:00  daily" in run("remind", "list").output
    fakes.forget()
    assert run("remind", "remove", "--all").exit_code == 0
    assert not agent.exists()
    assert fakes.calls() == [
        ["launchctl", "bootout", "gui/501/org.backpain.reminder.upper-back.0900"]
    ]


# -- today --notify ---------------------------------------------------------------------


def notifications(fakes: Fakes) -> list[list[str]]:
    return [call for call in fakes.calls() if call[0] == "notify-send"]


def test_today_notify_shows_what_is_due(fakes: Fakes) -> None:
    fakes.install("notify-send")
    result = run("today", "--notify", "upper-back")
    assert (result.exit_code, result.output) == (0, "")
    assert notifications(fakes) == [
        [
            "notify-send",
            "--app-name=backpain",
            "--urgency=normal",
            "Time for your exercises",
            "upper-back: 0 of 2 done today — backpain start upper-back",
        ]
    ]


def test_today_notify_falls_back_to_a_line(fakes: Fakes) -> None:
    result = run("today", "--notify", "upper-back")
    assert (result.exit_code, result.output) == (
        0,
        "Time for your exercises: upper-back: 0 of 2 done today — backpain start upper-back\n",
    )


def test_a_failing_notifier_falls_back_too(fakes: Fakes) -> None:
    fakes.install("notify-send")
    fakes.monkeypatch.setenv("FAKE_STATUS_NOTIFY_SEND", "1")
    result = run("today", "--notify", "upper-back")
    assert result.exit_code == 0
    assert result.output.startswith("Time for your exercises: upper-back: 0 of 2 done today")


def test_today_notify_is_silent_in_the_quiet_hours(
    fakes: Fakes, monkeypatch: pytest.MonkeyPatch
) -> None:
    fakes.install("notify-send")
    late = datetime(2026, 11, 4, 22, 30, tzinfo=BERLIN)
    monkeypatch.setattr(cli_module, "utc_now", lambda: late.astimezone(timezone.utc))
    result = run("today", "--notify", "upper-back")
    assert (result.exit_code, result.stdout) == (0, "")
    assert notifications(fakes) == []
    allowed = run("today", "--notify", "--allow-night", "upper-back")
    assert allowed.exit_code == 0
    assert len(notifications(fakes)) == 1


def test_remind_test_sends_one_now(fakes: Fakes) -> None:
    fakes.install("notify-send")
    result = run("remind", "test")
    assert result.output == "Sent a test notification with notify-send.\n"
    assert notifications(fakes)[0][-1].startswith("This is how a backpain reminder looks.")


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """A folder nobody can write to, root included (root ignores permission bits, so
    it gets the immutable attribute instead)."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    chattr = shutil.which("chattr", path="/usr/bin:/bin:/usr/sbin:/sbin")
    if chattr is None:
        pytest.skip("running as root without chattr: no way to make a folder read-only")
    done = subprocess.run([chattr, "+i", str(folder)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"running as root and chattr +i failed: {done.stderr.decode().strip()}")
    try:
        yield
    finally:
        subprocess.run([chattr, "-i", str(folder)], check=True)


def test_a_read_only_folder_installs_nothing(fakes: Fakes) -> None:
    fakes.install("systemctl")
    run("remind", "add", "upper-back", "--at", "09:00")
    before = {name: (fakes.units / name).read_bytes() for name in fakes.files()}
    fakes.forget()
    with read_only(fakes.units):
        added = run("remind", "add", "upper-back", "--at", "15:00")
        removed = run("remind", "remove", "--all")
    service = fakes.units / "backpain-reminder-upper-back-1500.service"
    assert added.exit_code == 2
    assert added.output.startswith(f"backpain: cannot write {service}: ")
    assert removed.exit_code == 2
    assert removed.output.startswith(f"backpain: cannot change {fakes.units}: ")
    assert {name: (fakes.units / name).read_bytes() for name in fakes.files()} == before
    assert [call for call in fakes.calls() if "enable" in call or "disable" in call] == []


def test_today_notify_says_nothing_once_the_day_is_done(fakes: Fakes, home: Path) -> None:
    from test_history_cli import make, record

    fakes.install("notify-send")
    record(home, make("2026-11-04 08:00"))
    one_left = run("today", "--notify", "upper-back")
    assert (one_left.exit_code, one_left.output) == (0, "")
    assert notifications(fakes)[-1][-1] == (
        "upper-back: 1 of 2 done today — backpain start upper-back"
    )
    # `today` itself agrees: the notification shows what it shows.
    assert "1 of 2 done" in run("today", "upper-back").output
    record(home, make("2026-11-04 11:00"))
    fakes.forget()
    done = run("today", "--notify", "upper-back")
    assert (done.exit_code, done.output) == (0, "")
    assert notifications(fakes) == []


def test_scheduled_tasks_on_windows(fakes: Fakes, monkeypatch: pytest.MonkeyPatch) -> None:
    fakes.install("schtasks")
    monkeypatch.setattr(sys, "platform", "win32")
    result = run("remind", "add", "upper-back", "--at", "09:00", "--days", "mon-fri")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "Added: upper-back at 09:00 (mon-fri), schtasks: backpain\\reminder-upper-back-0900\n"
    )
    assert fakes.calls() == [
        ["schtasks", "/Query", "/FO", "CSV", "/NH"],
        [
            "schtasks",
            "/Create",
            "/TN",
            "backpain\\reminder-upper-back-0900",
            "/TR",
            "/opt/bp/bin/backpain today --notify upper-back",
            "/SC",
            "WEEKLY",
            "/D",
            "MON,TUE,WED,THU,FRI",
            "/ST",
            "09:00",
            "/F",
        ],
    ]
    monkeypatch.setenv(
        "FAKE_STDOUT_SCHTASKS", '"\\backpain\\reminder-upper-back-0900","N/A","Ready"\n'
    )
    assert run("remind", "list").output == (
        "upper-back  09:00  (see Task Scheduler)  schtasks: backpain\\reminder-upper-back-0900\n"
    )
    fakes.forget()
    assert run("remind", "remove", "upper-back").exit_code == 0
    assert fakes.calls()[-1] == [
        "schtasks",
        "/Delete",
        "/TN",
        "backpain\\reminder-upper-back-0900",
        "/F",
    ]
    monkeypatch.setenv("FAKE_STATUS_SCHTASKS", "1")
    failed = run("remind", "add", "upper-back", "--at", "10:00")
    assert failed.exit_code == 2
    assert failed.output.startswith(
        "backpain: `schtasks /Create /TN backpain\\reminder-upper-back-1000"
    )


def test_a_variant_reminder_counts_its_plan(fakes: Fakes, home: Path) -> None:
    from test_history_cli import make, record

    fakes.install("systemctl", "notify-send")
    added = run("remind", "add", "upper-back-chair", "--at", "12:00")
    assert added.exit_code == 0, added.output
    # A session of the plan itself counts for the chair variant's reminder too.
    record(home, make("2026-11-04 08:00"))
    result = run("today", "--notify", "upper-back-chair")
    assert (result.exit_code, result.output) == (0, "")
    assert notifications(fakes)[-1][-1] == (
        "upper-back: 1 of 2 done today — backpain start upper-back-chair"
    )
    record(home, make("2026-11-04 10:00", routine="upper-back-chair"))
    fakes.forget()
    assert run("today", "--notify", "upper-back-chair").output == ""
    assert notifications(fakes) == []


def test_the_unit_runs_the_backpain_that_installed_it(fakes: Fakes) -> None:
    # A real process: the unit names this very script by its absolute path, so a
    # virtual environment's install works from a timer that has no PATH of ours.
    fakes.install("systemctl")
    script = Path(sys.executable).with_name("backpain")
    assert script.exists(), "the tests run from a virtual environment with backpain installed"
    done = subprocess.run(
        [str(script), "remind", "add", "upper-back", "--at", "09:00"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ},
    )
    assert done.returncode == 0, done.stderr
    service = (fakes.units / UNITS[0]).read_text()
    assert f"ExecStart={script} today --notify upper-back\n" in service
