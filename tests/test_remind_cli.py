"""`backpain remind` and `backpain today --notify` end to end, with a temporary HOME and
XDG_CONFIG_HOME and fake `systemctl`, `crontab`, `launchctl` and `notify-send` programs
on PATH that record every call (and keep the crontab in a file)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
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
# FAKE_STATUS_<PROGRAM> fails every call; FAKE_FAIL_<PROGRAM>_<ARGUMENT> the calls with
# that argument; FAKE_STDOUT_<PROGRAM>[_<ARGUMENT>] is printed; FAKE_SLEEP_… waits first.
def variable(text):
    return "".join(ch if ch.isalnum() else "_" for ch in text).upper()
def setting(kind, default):
    value = os.environ.get(kind + "_" + variable(name), default)
    for argument in sys.argv[1:]:
        value = os.environ.get(kind + "_" + variable(name) + "_" + variable(argument), value)
    return value
import time
time.sleep(float(setting("FAKE_SLEEP", "0")))
status = int(setting("FAKE_FAIL", os.environ.get("FAKE_STATUS_" + variable(name), "0")))
if name == "crontab":
    table = os.environ["FAKE_CRONTAB"]
    if sys.argv[1:] == ["-l"]:
        if not os.path.exists(table):
            sys.stderr.write("no crontab for pat\\n")
            sys.exit(1)
        sys.stdout.buffer.write(open(table, "rb").read())
    elif sys.argv[1:] == ["-"] and status == 0:
        open(table, "wb").write(data)
sys.stdout.write(setting("FAKE_STDOUT", ""))
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
        self.runtime = root / "run"  # no session bus unless a test makes one
        monkeypatch.setenv("XDG_RUNTIME_DIR", str(self.runtime))
        monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
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


def list_timers(*rows: tuple[str, datetime | None]) -> str:
    """What `systemctl --user list-timers --all --output=json` prints (systemd 252, seen
    on a real user manager): one line of JSON, microseconds since 1970, `null` for a
    timer that will not fire, and `left` the same number as `next` there."""
    entries = []
    for unit, when in rows:
        usec = None if when is None else int(when.timestamp() * 1_000_000)
        entries.append(
            {
                "next": usec,
                "left": usec,
                "last": 0,
                "passed": 0,
                "unit": unit,
                "activates": unit.replace(".timer", ".service"),
            }
        )
    return json.dumps(entries, separators=(",", ":")) + "\n"


LIST_TIMERS = [
    "systemctl",
    "--user",
    "list-timers",
    "--all",
    "--output=json",
    "--no-pager",
    "backpain-reminder-*",
]


def test_list_shows_when_systemd_fires_each_next(fakes: Fakes) -> None:
    fakes.install("systemctl")
    assert run("remind", "list").output == (
        "No reminders. Add one: `backpain remind add upper-back --at 09:00`.\n"
    )
    run("remind", "add", "upper-back", "--at", "09:00", "--days", "mon-fri")
    run("remind", "add", "upper-back-gentle", "--at", "15:00")
    # systemd's word, not ours: someone moved a timer with a drop-in (`systemctl --user
    # edit`), which only systemd knows about.
    moved = datetime(2026, 11, 4, 16, 30, tzinfo=BERLIN)
    fakes.monkeypatch.setenv(
        "FAKE_STDOUT_SYSTEMCTL_LIST_TIMERS",
        list_timers(
            ("backpain-reminder-upper-back-gentle-1500.timer", moved),
            (
                "backpain-reminder-upper-back-0900.timer",
                datetime(2026, 11, 5, 8, tzinfo=timezone.utc),
            ),
            ("someone-elses.timer", None),
        ),
    )
    fakes.forget()
    timer = f"systemd: {fakes.units}/backpain-reminder-upper-back"
    assert run("remind", "list").output.splitlines() == [
        f"upper-back         09:00  mon-fri  next Thu 2026-11-05 09:00  {timer}-0900.timer",
        f"upper-back-gentle  15:00  daily    next Wed 2026-11-04 16:30  {timer}-gentle-1500.timer",
    ]
    assert fakes.calls() == [LIST_TIMERS]


def test_list_json_is_each_reminder_as_documented(fakes: Fakes) -> None:
    fakes.install("systemctl")
    assert json.loads(run("remind", "list", "--json").output) == {
        "format": 1,
        "reminders": [],
        "problem": None,
    }
    run("remind", "add", "upper-back", "--at", "09:00", "--days", "mon-fri")
    run("remind", "add", "upper-back", "--at", "15:00")
    fakes.monkeypatch.setenv(
        "FAKE_STDOUT_SYSTEMCTL_LIST_TIMERS",
        list_timers(
            (
                "backpain-reminder-upper-back-0900.timer",
                datetime(2026, 11, 5, 8, tzinfo=timezone.utc),
            ),
            ("backpain-reminder-upper-back-1500.timer", None),
        ),
    )
    shown = json.loads(run("remind", "list", "--json").output)
    unit = f"{fakes.units}/backpain-reminder-upper-back"
    assert shown == {
        "format": 1,
        "reminders": [
            {
                "routine": "upper-back",
                "at": "09:00",
                "days": "mon-fri",
                "allow_night": False,
                "next": "2026-11-05T09:00+01:00",
                "next_from": "systemd",
                "active": True,
                "scheduler": "systemd",
                "where": f"{unit}-0900.timer",
            },
            {
                "routine": "upper-back",
                "at": "15:00",
                "days": "daily",
                "allow_night": False,
                "next": None,
                "next_from": "systemd",
                "active": False,
                "scheduler": "systemd",
                "where": f"{unit}-1500.timer",
            },
        ],
        "problem": None,
    }
    doc = (Path(__file__).resolve().parents[1] / "docs" / "json-output.md").read_text()
    section = doc.split("# `backpain remind list --json`\n", 1)[1].split("\n# ", 1)[0]
    keys = re.findall(r"^\| `(\w+)` \|", section.split("## Each reminder\n")[1], re.M)
    assert keys == list(shown["reminders"][0])
    keys = re.findall(
        r"^\| `(\w+)` \|", section.split("## The reminders\n")[1].split("\n## ")[0], re.M
    )
    assert keys == list(shown)


def test_list_says_when_systemd_will_not_fire_a_timer(fakes: Fakes) -> None:
    fakes.install("systemctl")
    run("remind", "add", "upper-back", "--at", "09:00", "--at", "15:00")
    # Stopped (`--all` still lists it, with no next time) and not loaded at all.
    fakes.monkeypatch.setenv(
        "FAKE_STDOUT_SYSTEMCTL_LIST_TIMERS",
        list_timers(("backpain-reminder-upper-back-0900.timer", None)),
    )
    assert run("remind", "list").output.splitlines() == [
        f"upper-back  09:00  daily  not active in systemd  systemd: {fakes.units}/{UNITS[1]}",
        f"upper-back  15:00  daily  not active in systemd  systemd: {fakes.units}/{UNITS[3]}",
        "Not active in systemd: that timer will not fire; `backpain remind add` with the "
        "same routine and time turns it on again.",
    ]


COMPUTED_NOTE = (
    "(computed): reckoned by backpain from the schedule; the scheduler was not asked or "
    "could not say."
)


NO_JSON = "`systemctl --user list-timers --output=json` did not answer in JSON (an older systemd?)"


@pytest.mark.parametrize(
    ("trouble", "why"),
    [
        ({"FAKE_STATUS_SYSTEMCTL": "1"}, "`systemctl --user list-timers` failed: "),
        # An older systemd prints its table whatever --output says.
        (
            {
                "FAKE_STDOUT_SYSTEMCTL_LIST_TIMERS": (
                    "Thu 2026-11-05 09:00:00 CET 20h left - - "
                    "backpain-reminder-upper-back-0900.timer "
                    "backpain-reminder-upper-back-0900.service\n"
                )
            },
            NO_JSON,
        ),
        ({"FAKE_STDOUT_SYSTEMCTL_LIST_TIMERS": '{"unit": "x"}'}, NO_JSON),
        ({"FAKE_STDOUT_SYSTEMCTL_LIST_TIMERS": '[{"next": 1}]'}, NO_JSON),
    ],
)
def test_list_computes_the_time_when_systemd_cannot_say(
    fakes: Fakes, trouble: dict[str, str], why: str
) -> None:
    fakes.install("systemctl")
    run("remind", "add", "upper-back", "--at", "09:00", "--days", "mon-fri")
    for name, value in trouble.items():
        fakes.monkeypatch.setenv(name, value)
    result = run("remind", "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == (
        f"upper-back  09:00  mon-fri  next Thu 2026-11-05 09:00 (computed)  "
        f"systemd: {fakes.units}/{UNITS[1]}"
    )
    assert lines[1].startswith(f"systemd did not say when its timers fire: {why}")
    assert lines[2:] == [COMPUTED_NOTE]


def test_list_without_systemctl_computes_the_time(fakes: Fakes) -> None:
    fakes.install("systemctl")
    run("remind", "add", "upper-back", "--at", "09:00")
    (fakes.bin / "systemctl").unlink()  # the units are still there; nothing runs them
    assert run("remind", "list").output.splitlines() == [
        f"upper-back  09:00  daily  next Thu 2026-11-05 09:00 (computed)  "
        f"systemd: {fakes.units}/{UNITS[1]}",
        "systemd did not say when its timers fire: there is no `systemctl` command here.",
        COMPUTED_NOTE,
    ]


def test_list_never_waits_long_for_systemd(fakes: Fakes) -> None:
    import time

    fakes.install("systemctl")
    run("remind", "add", "upper-back", "--at", "15:00")
    fakes.monkeypatch.setattr(remind_module, "BRIEF_SECONDS", 0.5)
    fakes.monkeypatch.setenv("FAKE_SLEEP_SYSTEMCTL_LIST_TIMERS", "30")
    started = time.monotonic()
    result = run("remind", "list")
    assert time.monotonic() - started < 10
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith(
        "upper-back  15:00  daily  next Wed 2026-11-04 15:00 (computed)"
    )
    assert result.output.splitlines()[1] == (
        "systemd did not say when its timers fire: `systemctl --user list-timers` failed: "
        "systemctl: no answer within 0.5 s."
    )


def test_list_of_cron_lines_computes_the_time(fakes: Fakes) -> None:
    fakes.install("crontab")
    run("remind", "add", "upper-back", "--at", "09:00", "--days", "sat,sun")
    fakes.forget()
    assert run("remind", "list").output.splitlines() == [
        "upper-back  09:00  sat,sun  next Sat 2026-11-07 09:00 (computed)  cron: crontab",
        COMPUTED_NOTE,
    ]
    assert fakes.calls() == [["crontab", "-l"]]  # no systemctl: nothing of ours there


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
    weekend = run("remind", "add", "upper-back", "--at", "09:00", "--days", "sat,sun", "--cron")
    assert weekend.output.startswith("Updated: upper-back at 09:00 (sat,sun), cron: crontab\n")
    assert fakes.crontab.read_bytes().startswith(USERS_OWN)
    assert len(fakes.crontab.read_bytes()[len(USERS_OWN) :].splitlines()) == 2
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
            "Upper back trigger-point relief: 0 of 2 done today — backpain start upper-back",
        ]
    ]


def test_today_notify_falls_back_to_a_line(fakes: Fakes) -> None:
    result = run("today", "--notify", "upper-back")
    assert (result.exit_code, result.output) == (
        0,
        "Time for your exercises: Upper back trigger-point relief: 0 of 2 done today — "
        "backpain start upper-back\n",
    )


def test_a_failing_notifier_falls_back_too(fakes: Fakes) -> None:
    fakes.install("notify-send")
    fakes.monkeypatch.setenv("FAKE_STATUS_NOTIFY_SEND", "1")
    result = run("today", "--notify", "upper-back")
    assert result.exit_code == 0
    assert result.output.startswith(
        "Time for your exercises: Upper back trigger-point relief: 0 of 2 done today"
    )


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


def test_today_notify_without_a_routine_shows_the_titles(fakes: Fakes, home: Path) -> None:
    """A reminder for every routine in use (no routine named) reads as `today` does:
    by title, not by the routine's name."""
    from test_history_cli import make, record

    fakes.install("notify-send")
    record(home, make("2026-11-04 08:00"))
    result = run("today", "--notify")
    assert (result.exit_code, result.output) == (0, "")
    assert notifications(fakes)[-1][-1] == (
        "Upper back trigger-point relief: 1 of 2 done today — backpain start upper-back"
    )


def test_today_notify_says_nothing_once_the_day_is_done(fakes: Fakes, home: Path) -> None:
    from test_history_cli import make, record

    fakes.install("notify-send")
    record(home, make("2026-11-04 08:00"))
    one_left = run("today", "--notify", "upper-back")
    assert (one_left.exit_code, one_left.output) == (0, "")
    assert notifications(fakes)[-1][-1] == (
        "Upper back trigger-point relief: 1 of 2 done today — backpain start upper-back"
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
        "Upper back relief at your desk: 1 of 2 done today — backpain start upper-back-chair"
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


# -- the corners: what the user sees, and what is left installed --------------------------


def test_cron_reaches_the_desktop_session_bus(fakes: Fakes) -> None:
    fakes.install("crontab")
    fakes.runtime.mkdir()
    (fakes.runtime / "bus").touch()  # where the session's D-Bus socket lives
    fakes.monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/tmp/dbus-old")
    run("remind", "add", "upper-back", "--at", "09:00")
    bus = f"DBUS_SESSION_BUS_ADDRESS=unix:path={fakes.runtime}/bus "
    assert fakes.crontab.read_text().startswith("0 9 * * * BACKPAIN_HOME=")
    assert bus in fakes.crontab.read_text()
    # Without that socket, the address of the session `remind add` ran in.
    (fakes.runtime / "bus").unlink()
    run("remind", "add", "upper-back", "--at", "09:00")
    assert "DBUS_SESSION_BUS_ADDRESS=unix:path=/tmp/dbus-old " in fakes.crontab.read_text()
    assert len(fakes.crontab.read_text().splitlines()) == 1  # updated, not added


def test_the_command_a_reminder_runs_is_this_backpain(monkeypatch: pytest.MonkeyPatch) -> None:
    script = Path(sys.executable).with_name("backpain")
    monkeypatch.setattr(sys, "argv", [str(script), "remind", "add"])
    assert remind_module.command() == (str(script),)


# A folder whose name every scheduler must quote: spaces, both quotes, `%`, `$`, `\\`.
ODD_FOLDER = 'it\'s "my" 100% $HOME \\ files'


@pytest.fixture
def odd_neck(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The therapist's neck.yaml (1 per day) in ODD_FOLDER, which is the working folder."""
    from transfer_files import therapist_folder

    neck = therapist_folder(tmp_path / ODD_FOLDER)
    monkeypatch.chdir(neck.parent)
    return neck


def test_a_routine_file_is_reminded_by_its_absolute_path(fakes: Fakes, odd_neck: Path) -> None:
    fakes.install("systemctl", "crontab", "notify-send")
    result = run("remind", "add", "./neck.yaml", "--at", "09:00")
    assert result.exit_code == 0, result.output
    quoted = shlex.quote(str(odd_neck))
    timer = f"systemd: {fakes.units}/backpain-reminder-neck-mobility-0900.timer"
    assert result.output == (
        f"Added: neck-mobility at 09:00 (daily), {timer}\n"
        f"Each runs `backpain today --notify {quoted}`: a notification only while a session "
        "is still due. `backpain remind remove neck-mobility` takes them away.\n"
    )
    service = (fakes.units / "backpain-reminder-neck-mobility-0900.service").read_text()
    assert service.splitlines()[-1] == (
        "ExecStart=/opt/bp/bin/backpain today --notify "
        + '"'
        + str(odd_neck)
        .replace("%", "%%")
        .replace("$", "$$")
        .replace("\\", "\\\\")
        .replace('"', '\\"')
        + '"'
    )
    # What the timer runs, run from elsewhere: it finds the routine and says how to start it.
    os.chdir(fakes.root)
    fakes.forget()
    assert run("today", "--notify", str(odd_neck)).exit_code == 0
    body = notifications(fakes)[0][-1]
    assert body == f"Neck mobility: 0 of 1 done today — backpain start {quoted}"
    assert shlex.split(body.split(" — ")[1])[2] == str(odd_neck)
    removed = run("remind", "remove", "neck-mobility")
    assert removed.exit_code == 0 and fakes.files() == []


def test_a_routine_file_in_the_crontab_round_trips_through_the_shell(
    fakes: Fakes, odd_neck: Path
) -> None:
    fakes.install("crontab")
    assert run("remind", "add", "neck.yaml", "--at", "09:00", "--cron").exit_code == 0
    line = fakes.crontab.read_text().splitlines()[-1]
    command = line.split(" # backpain-reminder ")[0].split(" ", 5)[5]
    # cron turns `\%` into `%` and hands the rest to /bin/sh, which splits it so:
    assert shlex.split(command.replace("\\%", "%"))[-4:] == [
        "/opt/bp/bin/backpain",
        "today",
        "--notify",
        str(odd_neck),
    ]
    again = run("remind", "add", "neck.yaml", "--at", "09:00", "--cron")
    assert again.output.startswith("Already set: neck-mobility at 09:00 (daily), cron: crontab")


def test_a_control_character_in_the_routine_s_path_installs_nothing(
    fakes: Fakes, tmp_path: Path
) -> None:
    from transfer_files import therapist_folder

    fakes.install("systemctl", "crontab")
    neck = therapist_folder(tmp_path / "a\nExecStartPre=touch x")
    result = run("remind", "add", str(neck), "--at", "09:00")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "backpain: the routine file's path holds a control character (\\x0a: "
    )
    assert result.stderr.count("\n") == 1
    assert fakes.files() == [] and not any("enable" in call for call in fakes.calls())


def test_a_routine_file_without_frequency_is_refused(fakes: Fakes, odd_neck: Path) -> None:
    fakes.install("systemctl")
    odd_neck.write_text(odd_neck.read_text().replace("frequency: 1 per day\n", ""))
    result = run("remind", "add", "neck.yaml", "--at", "09:00")
    assert (result.exit_code, result.output) == (
        2,
        "backpain: neck.yaml has no frequency, so nothing is ever due and a reminder would "
        "never show; add one such as `frequency: 1 per day` "
        f"(in {shlex.quote(str(odd_neck))})\n",
    )
    assert fakes.files() == []


def test_no_days_at_all_is_refused(fakes: Fakes) -> None:
    fakes.install("systemctl")
    result = run("remind", "add", "upper-back", "--at", "09:00", "--days", " ")
    assert (result.exit_code, result.output) == (
        2,
        "backpain: --days: name at least one day, e.g. --days mon-fri\n",
    )
    assert fakes.files() == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ([], "name a ROUTINE or use --all (not both)"),
        (["upper-back", "--all"], "name a ROUTINE or use --all (not both)"),
        (["--all", "--at", "09:00"], "--at goes with a ROUTINE, not with --all"),
    ],
)
def test_remove_needs_a_routine_or_all(fakes: Fakes, arguments: list[str], message: str) -> None:
    fakes.install("systemctl")
    run("remind", "add", "upper-back", "--at", "09:00")
    result = run("remind", "remove", *arguments)
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == f"Error: {message}"
    assert fakes.files() == UNITS[:2]


def test_remind_test_without_a_notifier_prints_the_line(fakes: Fakes) -> None:
    result = run("remind", "test")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "Time for your exercises: This is how a backpain reminder looks. Nothing is due; "
        "it is only a test.",
        "No desktop notifier answered (notify-send on Linux, osascript on macOS), so "
        "reminders print that line instead (in the journal, from a systemd timer).",
    ]


def test_a_mac_without_osascript_prints_the_line(
    fakes: Fakes, monkeypatch: pytest.MonkeyPatch
) -> None:
    fakes.install("notify-send")  # not a Mac's
    monkeypatch.setattr(sys, "platform", "darwin")
    result = run("remind", "test")
    assert result.output.startswith("Time for your exercises: This is how")
    assert notifications(fakes) == []


def test_units_that_are_not_ours_are_left_alone(fakes: Fakes) -> None:
    fakes.install("systemctl")
    fakes.units.mkdir(parents=True)
    # The user's own unit with our prefix, and a copy of ours under another name.
    mine = fakes.units / "backpain-reminder-mine.timer"
    mine.write_text("[Timer]\nOnCalendar=daily\n")
    run("remind", "add", "upper-back", "--at", "09:00")
    copy = fakes.units / "backpain-reminder-upper-back-1000.timer"
    copy.write_bytes((fakes.units / UNITS[1]).read_bytes())
    fakes.monkeypatch.setenv("FAKE_STATUS_SYSTEMCTL", "1")
    listed = run("remind", "list").output.splitlines()
    assert [line.split("  ")[:2] for line in listed[:1]] == [["upper-back", "09:00"]]
    assert not any("mine" in line or "1000" in line for line in listed)
    fakes.monkeypatch.delenv("FAKE_STATUS_SYSTEMCTL")
    assert run("remind", "remove", "--all").exit_code == 0
    assert fakes.files() == ["backpain-reminder-mine.timer", copy.name]


def test_remove_when_the_service_is_already_gone(fakes: Fakes) -> None:
    fakes.install("systemctl")
    run("remind", "add", "upper-back", "--at", "09:00")
    (fakes.units / UNITS[0]).unlink()
    result = run("remind", "remove", "upper-back")
    assert result.exit_code == 0
    assert fakes.files() == []


def test_a_failing_remove_puts_everything_back(fakes: Fakes) -> None:
    fakes.install("systemctl")
    run("remind", "add", "upper-back", "--at", "09:00")
    wants = fakes.units / "timers.target.wants"
    wants.mkdir()
    (wants / UNITS[1]).symlink_to(fakes.units / UNITS[1])
    timer = (fakes.units / UNITS[1]).read_bytes()
    # The service cannot be removed (a folder stands in its place, say).
    (fakes.units / UNITS[0]).unlink()
    (fakes.units / UNITS[0]).mkdir()
    (fakes.units / UNITS[0] / "x").touch()
    fakes.forget()
    result = run("remind", "remove", "upper-back")
    assert result.exit_code == 2
    assert result.output.startswith(f"backpain: cannot remove {fakes.units / UNITS[0]}: ")
    assert (fakes.units / UNITS[1]).read_bytes() == timer
    assert os.readlink(wants / UNITS[1]) == str(fakes.units / UNITS[1])  # a link again
    assert fakes.calls() == [
        ["systemctl", "--user", "disable", "--now", UNITS[1]],
        ["systemctl", "--user", "daemon-reload"],
        ["systemctl", "--user", "enable", "--now", UNITS[1]],  # running again
    ]


def test_an_unreadable_crontab_is_a_clear_error(fakes: Fakes) -> None:
    fakes.install("crontab")
    fakes.crontab.write_bytes(USERS_OWN)
    fakes.monkeypatch.setenv("FAKE_FAIL_CRONTAB__L", "1")  # `crontab -l` fails
    result = run("remind", "add", "upper-back", "--at", "09:00")
    assert (result.exit_code, result.output) == (
        2,
        "backpain: cannot read your crontab (`crontab -l`): crontab: it did not work\n",
    )
    assert fakes.crontab.read_bytes() == USERS_OWN
    assert [call for call in fakes.calls() if call[1:] == ["-"]] == []


def test_cron_lines_that_only_look_like_ours_are_the_users(fakes: Fakes) -> None:
    fakes.install("crontab")
    odd = (
        USERS_OWN
        + b"0 3 * * * x # backpain-reminder routine=upper-back at=25:00 days=daily\n"
        + b"0 3 * * * y # backpain-reminder routine=upper-back at=03:00 days=funday\n"
    )
    fakes.crontab.write_bytes(odd)
    assert run("remind", "list").output.startswith("No reminders.")
    run("remind", "add", "upper-back", "--at", "09:00")
    assert run("remind", "remove", "--all").exit_code == 0
    assert fakes.crontab.read_bytes() == odd


def test_a_doubled_cron_line_of_ours_becomes_one(fakes: Fakes) -> None:
    fakes.install("crontab")
    run("remind", "add", "upper-back", "--at", "09:00")
    line = fakes.crontab.read_bytes()
    fakes.crontab.write_bytes(USERS_OWN + line + line)  # a copy and paste gone wrong
    result = run("remind", "add", "upper-back", "--at", "09:00", "--days", "mon")
    assert result.output.startswith("Updated: upper-back at 09:00 (mon), cron: crontab")
    table = fakes.crontab.read_bytes()
    assert table.startswith(USERS_OWN)
    assert table[len(USERS_OWN) :].count(b"\n") == 1
    assert b"days=mon\n" in table


def test_macos_loads_all_or_nothing(fakes: Fakes, monkeypatch: pytest.MonkeyPatch) -> None:
    fakes.install("launchctl")
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(os, "getuid", lambda: 501)
    agents = fakes.home / "Library" / "LaunchAgents"
    second = agents / "org.backpain.reminder.upper-back.1500.plist"
    monkeypatch.setenv(
        "FAKE_FAIL_LAUNCHCTL_" + "".join(c if c.isalnum() else "_" for c in str(second)).upper(),
        "1",
    )
    result = run("remind", "add", "upper-back", "--at", "09:00", "--at", "15:00")
    assert result.exit_code == 2
    assert result.output == (
        f"backpain: `launchctl bootstrap gui/501 {second}` failed: launchctl: it did not work\n"
    )
    assert list(agents.iterdir()) == []
    assert fakes.calls()[-1] == [
        "launchctl",
        "bootout",
        "gui/501/org.backpain.reminder.upper-back.0900",
    ]
    cron = run("remind", "add", "upper-back", "--at", "09:00", "--cron")
    assert (cron.exit_code, cron.output) == (
        2,
        "backpain: --cron is for Linux and other Unix systems\n",
    )


def test_a_plist_that_is_not_ours_is_left_alone(
    fakes: Fakes, monkeypatch: pytest.MonkeyPatch
) -> None:
    import plistlib

    fakes.install("launchctl")
    monkeypatch.setattr(sys, "platform", "darwin")
    agents = fakes.home / "Library" / "LaunchAgents"
    agents.mkdir(parents=True)
    other = agents / "org.backpain.reminder.upper-back.0900.plist"
    other.write_bytes(plistlib.dumps({"Label": "com.example.mine", "ProgramArguments": ["x"]}))
    assert run("remind", "list").output.startswith("No reminders.")
    assert run("remind", "remove", "--all").output.startswith("No reminder matched")
    assert other.exists()


def test_windows_all_or_nothing(fakes: Fakes, monkeypatch: pytest.MonkeyPatch) -> None:
    fakes.install("schtasks")
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv(
        "FAKE_STDOUT_SCHTASKS__QUERY",
        '"\\backpain\\reminder-upper-back-0900","N/A","Ready"\n'
        '"\\backpain\\reminder-upper-back-9999","N/A","Ready"\n',  # not a time: not ours
    )
    assert run("remind", "list").output == (
        "upper-back  09:00  (see Task Scheduler)  schtasks: backpain\\reminder-upper-back-0900\n"
    )
    monkeypatch.setenv("FAKE_FAIL_SCHTASKS_BACKPAIN_REMINDER_UPPER_BACK_1500", "1")
    fakes.forget()
    result = run("remind", "add", "upper-back", "--at", "09:00", "--at", "12:00", "--at", "15:00")
    assert result.exit_code == 2
    assert result.output.startswith(
        "backpain: `schtasks /Create /TN backpain\\reminder-upper-back-1500"
    )
    # 12:00 was new and is taken away again; 09:00 was there before and stays.
    assert [call[1:4] for call in fakes.calls()] == [
        ["/Query", "/FO", "CSV"],
        ["/Create", "/TN", "backpain\\reminder-upper-back-0900"],
        ["/Create", "/TN", "backpain\\reminder-upper-back-1200"],
        ["/Create", "/TN", "backpain\\reminder-upper-back-1500"],
        ["/Delete", "/TN", "backpain\\reminder-upper-back-1200"],
    ]
