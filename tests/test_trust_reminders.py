"""Values from outside that would change what a crontab line or a systemd unit says: a
newline (or any control character) in BACKPAIN_HOME, TZ, XDG_* or the path of backpain
is refused, exit status 2, and nothing is installed; `remind remove --all` then leaves
the crontab exactly as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_remind_cli import USERS_OWN, Fakes, run
from test_remind_cli import fakes as remind_fakes

from backpain_cli.cli import remind as remind_module

world = remind_fakes  # the fake systemctl, crontab and folders of the remind tests

INJECTED = "\n* * * * * touch /tmp/owned\nExecStartPre=/bin/touch /tmp/owned\n"

HOSTILE_ENVIRONMENT = {
    "BACKPAIN_HOME newline": ("BACKPAIN_HOME", "/home/pat/bp{}"),
    "BACKPAIN_HOME carriage return": ("BACKPAIN_HOME", "/home/pat/bp\r* * * * * x{}"),
    "BACKPAIN_HOME escape": ("BACKPAIN_HOME", "/home/pat/\x1b]0;bp\x07{}"),
    "TZ newline": ("TZ", "Europe/Berlin{}"),
    "XDG_DATA_HOME newline": ("XDG_DATA_HOME", "/home/pat/.local/share{}"),
    "XDG_CONFIG_HOME newline": ("XDG_CONFIG_HOME", "{config}{}"),
}


def _nothing_installed(world: Fakes) -> None:
    assert world.crontab.read_bytes() == USERS_OWN
    assert world.files() == []
    assert not any(call[:2] == ["crontab", "-"] for call in world.calls())
    assert not any("enable" in call for call in world.calls())


@pytest.mark.parametrize("scheduler", [["--cron"], []], ids=["cron", "systemd"])
@pytest.mark.parametrize(("name", "value"), HOSTILE_ENVIRONMENT.values(), ids=HOSTILE_ENVIRONMENT)
def test_a_control_character_in_the_environment_installs_nothing(
    world: Fakes, monkeypatch: pytest.MonkeyPatch, name: str, value: str, scheduler: list[str]
) -> None:
    world.install("systemctl", "crontab")
    world.crontab.write_bytes(USERS_OWN)
    monkeypatch.setenv(name, value.format(INJECTED, config=world.config))
    added = run("remind", "add", "upper-back", "--at", "09:00", *scheduler)
    assert added.exit_code == 2, added.output
    assert added.stderr.startswith(f"backpain: {name} holds a control character (\\x")
    assert added.stderr.endswith("; a reminder cannot run it safely, so nothing was installed\n")
    assert added.stderr.count("\n") == 1
    _nothing_installed(world)


@pytest.mark.parametrize("scheduler", [["--cron"], []], ids=["cron", "systemd"])
def test_a_control_character_in_the_path_of_backpain_installs_nothing(
    world: Fakes, monkeypatch: pytest.MonkeyPatch, scheduler: list[str]
) -> None:
    world.install("systemctl", "crontab")
    world.crontab.write_bytes(USERS_OWN)
    monkeypatch.setattr(remind_module, "command", lambda: (f"/opt/bp{INJECTED}/backpain",))
    added = run("remind", "add", "upper-back", "--at", "09:00", *scheduler)
    assert added.exit_code == 2
    assert added.stderr.startswith("backpain: the path of backpain holds a control character")
    _nothing_installed(world)


def test_a_control_character_in_the_session_bus_path_installs_nothing(world: Fakes) -> None:
    world.install("crontab")
    world.crontab.write_bytes(USERS_OWN)
    bus = world.runtime / "bus"
    world.monkeypatch.setenv("XDG_RUNTIME_DIR", str(world.runtime / f"r{INJECTED}"))
    bus = world.runtime / f"r{INJECTED}" / "bus"
    bus.mkdir(parents=True)
    added = run("remind", "add", "upper-back", "--at", "09:00", "--cron")
    assert added.exit_code == 2
    assert added.stderr.startswith("backpain: DBUS_SESSION_BUS_ADDRESS holds a control")
    _nothing_installed(world)


def test_a_percent_sign_and_a_crontab_without_its_last_newline(
    world: Fakes, monkeypatch: pytest.MonkeyPatch, home: Path
) -> None:
    world.install("crontab")
    users = USERS_OWN.rstrip(b"\n")  # its last line has no newline
    world.crontab.write_bytes(users)
    monkeypatch.setenv("BACKPAIN_HOME", f"{home}/100%")
    added = run("remind", "add", "upper-back", "--at", "09:00", "--at", "15:00", "--cron")
    assert added.exit_code == 0, added.output
    table = world.crontab.read_bytes()
    assert table.endswith(users)
    assert table.count(b"100\\%") == 2 and b"100%" not in table.replace(b"\\%", b"")
    removed = run("remind", "remove", "--all")
    assert removed.exit_code == 0, removed.output
    assert world.crontab.read_bytes() == users  # no orphan, not one byte changed
