"""Install, list and remove reminders with the operating system's own scheduler.

The only part of `reminders` that touches the world, and only through what it is
given: a `Setup` with the folders, the command runner, a `which` and the platform, so
tests pass fakes. Every change is all or nothing: when any step fails, the files and
crontab are put back as they were and a `ReminderError` says what went wrong.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import NamedTuple, Protocol

from backpain_cli.files import write_atomically
from backpain_cli.reminders import cron, launchd, systemd, windows
from backpain_cli.reminders.runner import Completed, Runner
from backpain_cli.reminders.schedule import (
    EVERY_DAY,
    Reminder,
    ReminderError,
    next_fire,
    parse_marker,
    parse_time,
)
from backpain_cli.text import clean_line, is_unsafe, visible


@dataclass(frozen=True)
class Setup:
    """Everything the installer needs from outside."""

    command: tuple[str, ...]  # how a scheduler runs backpain, e.g. ("/venv/bin/backpain",)
    runner: Runner
    which: Callable[[str], str | None]
    platform: str  # sys.platform
    systemd_dir: Path  # $XDG_CONFIG_HOME/systemd/user
    launch_agents_dir: Path  # ~/Library/LaunchAgents
    environment: Mapping[str, str] = field(default_factory=dict)  # for the job (BACKPAIN_HOME)
    cron_environment: Mapping[str, str] = field(default_factory=dict)  # D-Bus address for cron
    uid: int = 0  # for launchctl's gui/UID domain


@dataclass(frozen=True)
class Installed:
    reminder: Reminder
    scheduler: str  # systemd, cron, launchd, schtasks
    where: str  # the file, or "crontab", or the task name
    days_known: bool = True


class Change(NamedTuple):
    installed: Installed
    state: str  # added, updated, unchanged


def _message(done: Completed) -> str:
    text = (done.stderr or done.stdout).decode("utf-8", "replace").strip()
    return text.splitlines()[-1] if text else f"exit status {done.returncode}"


def _check(setup: Setup, argv: Sequence[str], *, input: bytes | None = None) -> Completed:
    done = setup.runner(argv, input=input)
    if done.returncode != 0:
        raise ReminderError(f"`{' '.join(argv)}` failed: {_message(done)}")
    return done


# -- files, all or nothing ---------------------------------------------------------


class _Files:
    """Writes and deletions that can be undone."""

    def __init__(self) -> None:
        self._undo: list[Callable[[], object]] = []

    def write(self, path: Path, data: bytes) -> bool:
        """Write `data` to `path` (atomically); False when it already holds exactly that."""
        old = _read(path)
        if old == data:
            return False
        # Made as `open()` makes a file (0o666 less the umask): a scheduler reads it.
        write_atomically(path, data, mode=0o666, error=ReminderError)
        self._undo.append(path.unlink if old is None else partial(path.write_bytes, old))
        return True

    def delete(self, path: Path) -> None:
        """Remove a file or symbolic link (kept to be put back); a missing one is fine."""
        undo: Callable[[], object]
        try:
            if path.is_symlink():  # `systemctl enable`'s link in timers.target.wants
                target = os.readlink(path)
                undo = partial(os.symlink, target, path)
            else:
                undo = partial(path.write_bytes, path.read_bytes())
            path.unlink()
        except FileNotFoundError:
            return
        except OSError as error:
            raise ReminderError(f"cannot remove {path}: {error.strerror or error}") from None
        self._undo.append(undo)

    def undo(self) -> None:
        for step in reversed(self._undo):
            with contextlib.suppress(OSError):
                step()
        self._undo.clear()


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


# -- the schedulers ----------------------------------------------------------------


class Scheduler(Protocol):
    name: str

    def installed(self) -> list[Installed]: ...

    def add(self, reminders: Sequence[Reminder]) -> list[Change]: ...

    def remove(self, installed: Sequence[Installed]) -> None:
        """Take these away (never an empty list: `remove` and `add` skip those)."""


class Systemd:
    """A .timer and .service per reminder in the user's systemd folder."""

    name = "systemd"

    def __init__(self, setup: Setup) -> None:
        self.setup = setup
        self.folder = setup.systemd_dir

    def _systemctl(self, *arguments: str) -> Completed:
        return _check(self.setup, ["systemctl", "--user", *arguments])

    def installed(self) -> list[Installed]:
        found = []
        for path in sorted(self.folder.glob(f"{systemd.PREFIX}*.timer")):  # [] without it
            data = _read(path) or b""
            first = data.split(b"\n", 1)[0].decode("utf-8", "replace")
            reminder = parse_marker(first)
            if reminder is not None and path.name == systemd.unit_name(reminder, "timer"):
                found.append(Installed(reminder, self.name, str(path)))
        return found

    def next_elapses(self) -> dict[str, datetime | None]:
        """When systemd itself fires each of our timers next, by unit name (None: it
        has the timer but will not fire it); a ReminderError says why it cannot tell."""
        if self.setup.which("systemctl") is None:
            raise ReminderError("there is no `systemctl` command here")
        done = self.setup.runner(systemd.list_timers_arguments())
        if done.returncode != 0:
            raise ReminderError(f"`systemctl --user list-timers` failed: {_message(done)}")
        try:
            return systemd.next_elapses(done.stdout)
        except ValueError:
            raise ReminderError(
                "`systemctl --user list-timers --output=json` did not answer in JSON "
                "(an older systemd?)"
            ) from None

    def add(self, reminders: Sequence[Reminder]) -> list[Change]:
        files = _Files()
        before = {item.reminder.key: item for item in self.installed()}
        changes = []
        new_timers = []
        try:
            for reminder in reminders:
                timer = self.folder / systemd.unit_name(reminder, "timer")
                service = self.folder / systemd.unit_name(reminder, "service")
                service_data = systemd.service_text(
                    reminder, self.setup.command, self.setup.environment
                ).encode()
                changed = files.write(service, service_data)
                changed = files.write(timer, systemd.timer_text(reminder).encode()) or changed
                state = (
                    "unchanged" if not changed else "updated" if reminder.key in before else "added"
                )
                if reminder.key not in before:
                    new_timers.append(timer.name)
                changes.append(Change(Installed(reminder, self.name, str(timer)), state))
            self._systemctl("daemon-reload")
            self._systemctl("enable", "--now", *[Path(c.installed.where).name for c in changes])
        except ReminderError:
            files.undo()
            for name in new_timers:  # enabled before the failure: take them back
                self.setup.runner(["systemctl", "--user", "disable", "--now", name])
                _remove_quietly(self.folder / "timers.target.wants" / name)
            self.setup.runner(["systemctl", "--user", "daemon-reload"])
            raise
        return changes

    def remove(self, installed: Sequence[Installed]) -> None:
        _writable(self.folder)
        names = [Path(item.where).name for item in installed]
        # Stopped and disabled first; a unit systemd never loaded is still removed.
        self.setup.runner(["systemctl", "--user", "disable", "--now", *names])
        files = _Files()
        try:
            for item in installed:
                files.delete(self.folder / "timers.target.wants" / Path(item.where).name)
                files.delete(Path(item.where))
                files.delete(self.folder / systemd.unit_name(item.reminder, "service"))
        except ReminderError:  # put everything back as it was, running again
            files.undo()
            self.setup.runner(["systemctl", "--user", "daemon-reload"])
            self.setup.runner(["systemctl", "--user", "enable", "--now", *names])
            raise
        self.setup.runner(["systemctl", "--user", "daemon-reload"])
        services = [systemd.unit_name(item.reminder, "service") for item in installed]
        self.setup.runner(["systemctl", "--user", "reset-failed", *services])


class Cron:
    """One tagged line per reminder in the user's crontab; no other line is touched."""

    name = "cron"

    def __init__(self, setup: Setup) -> None:
        self.setup = setup

    def read(self) -> bytes:
        done = self.setup.runner(["crontab", "-l"])
        if done.returncode == 0:
            return done.stdout
        if b"no crontab" in (done.stderr + done.stdout).lower():
            return b""
        raise ReminderError(f"cannot read your crontab (`crontab -l`): {_message(done)}")

    def write(self, data: bytes) -> None:
        done = self.setup.runner(["crontab", "-"], input=data)
        if done.returncode != 0:
            raise ReminderError(f"cannot write your crontab (`crontab -`): {_message(done)}")

    def installed(self) -> list[Installed]:
        return [Installed(reminder, self.name, "crontab") for reminder in cron.ours(self.read())]

    def add(self, reminders: Sequence[Reminder]) -> list[Change]:
        old = self.read()
        before = {reminder.key for reminder in cron.ours(old)}
        environment = {**self.setup.cron_environment, **self.setup.environment}
        lines = {r.key: cron.cron_line(r, self.setup.command, environment) for r in reminders}
        old_lines = old.splitlines()
        new = cron.merged(old, lines)
        if new != old:
            self.write(new)
        changes = []
        for reminder in reminders:
            if reminder.key not in before:
                state = "added"
            else:  # the very line, or another spelling of this reminder there before
                state = "unchanged" if lines[reminder.key].encode() in old_lines else "updated"
            changes.append(Change(Installed(reminder, self.name, "crontab"), state))
        return changes

    def remove(self, installed: Sequence[Installed]) -> None:
        self.write(cron.without(self.read(), [item.reminder for item in installed]))


class Launchd:
    """A LaunchAgent plist per reminder, (un)loaded with `launchctl`."""

    name = "launchd"

    def __init__(self, setup: Setup) -> None:
        self.setup = setup
        self.folder = setup.launch_agents_dir
        self.domain = f"gui/{setup.uid}"

    def installed(self) -> list[Installed]:
        found = []
        for path in sorted(self.folder.glob(f"{launchd.LABEL_PREFIX}*.plist")):  # [] without it
            reminder = launchd.parse(_read(path) or b"")
            if reminder is not None and path.name == launchd.file_name(reminder):
                found.append(Installed(reminder, self.name, str(path)))
        return found

    def add(self, reminders: Sequence[Reminder]) -> list[Change]:
        files = _Files()
        before = {item.reminder.key for item in self.installed()}
        changes = []
        loaded: list[str] = []
        try:
            for reminder in reminders:
                path = self.folder / launchd.file_name(reminder)
                data = launchd.plist_bytes(reminder, self.setup.command, self.setup.environment)
                changed = files.write(path, data)
                state = (
                    "unchanged" if not changed else "updated" if reminder.key in before else "added"
                )
                changes.append(Change(Installed(reminder, self.name, str(path)), state))
            for change in changes:
                label = launchd.label(change.installed.reminder)
                # bootout first so an updated plist is read again; it fails when not loaded.
                self.setup.runner(["launchctl", "bootout", f"{self.domain}/{label}"])
                _check(self.setup, ["launchctl", "bootstrap", self.domain, change.installed.where])
                loaded.append(label)
        except ReminderError:
            for label in loaded:
                self.setup.runner(["launchctl", "bootout", f"{self.domain}/{label}"])
            files.undo()
            raise
        return changes

    def remove(self, installed: Sequence[Installed]) -> None:
        _writable(self.folder)
        files = _Files()
        for item in installed:
            label = launchd.label(item.reminder)
            self.setup.runner(["launchctl", "bootout", f"{self.domain}/{label}"])
            files.delete(Path(item.where))


class Schtasks:
    """A Task Scheduler task per reminder (untested on a real Windows machine)."""

    name = "schtasks"

    def __init__(self, setup: Setup) -> None:
        self.setup = setup

    def installed(self) -> list[Installed]:
        done = self.setup.runner(windows.query_arguments())
        if done.returncode != 0:
            return []
        found = []
        for name in windows.task_names(done.stdout.decode("utf-8", "replace")):
            slug = name.split("\\reminder-", 1)[1]
            routine, _, hhmm = slug.rpartition("-")
            try:
                at = parse_time(f"{hhmm[:2]}:{hhmm[2:]}")
            except ReminderError:
                continue
            found.append(Installed(Reminder(routine, at, EVERY_DAY), self.name, name, False))
        return found

    def add(self, reminders: Sequence[Reminder]) -> list[Change]:
        before = {item.reminder.key for item in self.installed()}
        created: list[str] = []
        changes = []
        try:
            for reminder in reminders:
                _check(self.setup, windows.create_arguments(reminder, self.setup.command))
                name = windows.task_name(reminder)
                if reminder.key not in before:
                    created.append(name)
                state = "updated" if reminder.key in before else "added"
                changes.append(Change(Installed(reminder, self.name, name), state))
        except ReminderError:
            for name in created:
                self.setup.runner(windows.delete_arguments(name))
            raise
        return changes

    def remove(self, installed: Sequence[Installed]) -> None:
        for item in installed:
            _check(self.setup, windows.delete_arguments(item.where))


def _writable(folder: Path) -> None:
    """Refuse before changing anything when the folder cannot be written."""
    probe = folder / ".backpain-write-test"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise ReminderError(f"cannot change {folder}: {error.strerror or error}") from None


# -- choosing ----------------------------------------------------------------------


def systemd_running(setup: Setup) -> bool:
    """A systemd user manager answers (not just a `systemctl` on the PATH)."""
    if setup.which("systemctl") is None:
        return False
    return setup.runner(["systemctl", "--user", "show-environment"]).returncode == 0


def schedulers(setup: Setup) -> list[Scheduler]:
    """Every scheduler that may hold reminders of ours on this machine."""
    if setup.platform == "darwin":
        return [Launchd(setup)]
    if setup.platform == "win32":
        return [Schtasks(setup)]
    found: list[Scheduler] = [Systemd(setup)]  # its folder is read even when it is not running
    if setup.which("crontab") is not None:
        found.append(Cron(setup))
    return found


def scheduler_for_adding(setup: Setup, *, use_cron: bool) -> Scheduler:
    if setup.platform in ("darwin", "win32"):
        if use_cron:
            raise ReminderError("--cron is for Linux and other Unix systems")
        return schedulers(setup)[0]
    has_cron = setup.which("crontab") is not None
    if use_cron:
        if not has_cron:
            raise ReminderError("--cron: there is no `crontab` command here; install cron")
        return Cron(setup)
    if systemd_running(setup):
        return Systemd(setup)
    if has_cron:
        return Cron(setup)
    raise ReminderError(
        "no systemd user session and no `crontab` command here, so nothing can run a "
        "reminder; install cron (e.g. `apt install cron`) or log in to a systemd session"
    )


def installed(setup: Setup) -> list[Installed]:
    found = [item for scheduler in schedulers(setup) for item in scheduler.installed()]
    return sorted(found, key=lambda item: (item.reminder.key, item.scheduler))


class Firing(NamedTuple):
    when: datetime | None  # None: systemd has the timer but will not fire it (not active)
    source: str  # "systemd" (its own word) or "computed" (backpain's reckoning)


def next_firings(
    setup: Setup, found: Sequence[Installed], now: datetime
) -> tuple[list[Firing | None], str | None]:
    """When each reminder fires next: systemd's own word for its timers (`systemctl
    --user list-timers`), else backpain's reckoning from the schedule (cron, launchd,
    and systemd timers when systemd does not answer); None where the days are unknown
    (Task Scheduler). The second value says why systemd did not answer, if it did not."""
    reported: dict[str, datetime | None] | None = None
    problem = None
    if any(item.scheduler == "systemd" for item in found):
        try:
            reported = Systemd(setup).next_elapses()
        except ReminderError as error:
            problem = str(error)
    firings: list[Firing | None] = []
    for item in found:
        if not item.days_known:
            firings.append(None)
        elif item.scheduler == "systemd" and reported is not None:
            when = reported.get(Path(item.where).name)
            firings.append(Firing(None if when is None else when.astimezone(now.tzinfo), "systemd"))
        else:
            firings.append(Firing(next_fire(item.reminder, now), "computed"))
    return firings, problem


def check_setup(setup: Setup, reminders: Sequence[Reminder] = ()) -> None:
    """Refuse values that would change what a crontab line, a unit or a plist says: a
    newline in BACKPAIN_HOME (or in a routine file's path) would start a line of its
    own (`* * * * * touch ...`, or `ExecStartPre=` in a unit), and no value there needs
    a control character."""
    values = [
        *((name, f"{name}={value}") for name, value in setup.environment.items()),
        *((name, f"{name}={value}") for name, value in setup.cron_environment.items()),
        ("the path of backpain", " ".join(setup.command)),
        ("the systemd user folder", str(setup.systemd_dir)),
        ("the LaunchAgents folder", str(setup.launch_agents_dir)),
        *(("the routine file's path", reminder.path) for reminder in reminders),
    ]
    for name, value in values:
        bad = next((ch for ch in value if is_unsafe(ord(ch))), None)
        if bad is not None:
            raise ReminderError(
                f"{name} holds a control character ({visible(bad)}: {clean_line(value)}); "
                "a reminder cannot run it safely, so nothing was installed"
            )


def add(setup: Setup, reminders: Sequence[Reminder], *, use_cron: bool = False) -> list[Change]:
    """Install `reminders`; the same routine and time elsewhere (say, in the crontab
    before a switch to systemd) is taken away afterwards, so it never fires twice."""
    check_setup(setup, reminders)
    chosen = scheduler_for_adding(setup, use_cron=use_cron)
    others = [scheduler for scheduler in schedulers(setup) if scheduler.name != chosen.name]
    changes = chosen.add(reminders)
    keys = {reminder.key for reminder in reminders}
    for scheduler in others:
        moved = [item for item in scheduler.installed() if item.reminder.key in keys]
        if moved:
            scheduler.remove(moved)
    return changes


def remove(setup: Setup, chosen: Sequence[Installed]) -> None:
    """Take the `chosen` reminders (as `installed` found them) away completely."""
    for scheduler in schedulers(setup):
        mine = [item for item in chosen if item.scheduler == scheduler.name]
        if mine:
            scheduler.remove(mine)


def backpain_command(
    argv0: str, executable: str, which: Callable[[str], str | None]
) -> tuple[str, ...]:
    """How a scheduler should start this very backpain: the absolute path of the script
    that is running (so a virtual environment's install works from a timer, with no
    PATH), `python -m backpain_cli` when run that way, else `backpain` on the PATH."""
    path = Path(argv0)
    if path.stem == "backpain" and path.exists():
        return (os.path.abspath(path),)
    if path.name == "__main__.py" and path.parent.name == "backpain_cli":
        return (executable, "-m", "backpain_cli")
    found = which("backpain")
    if found is not None:
        return (os.path.abspath(found),)
    return (executable, "-m", "backpain_cli")
