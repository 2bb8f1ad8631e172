"""The pure side of reminders: `--at` and `--days`, quiet hours, the next firing, the
text of systemd units, crontab lines, LaunchAgent plists and schtasks commands, and
the crontab edit that keeps every line of the user's own byte for byte."""

from __future__ import annotations

import plistlib
import shlex
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, time, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backpain_cli.history.stats import Due
from backpain_cli.reminders import cron, launchd, systemd, windows
from backpain_cli.reminders.installer import backpain_command
from backpain_cli.reminders.notify import notifier_command, reminder_text
from backpain_cli.reminders.schedule import (
    EVERY_DAY,
    Reminder,
    ReminderError,
    days_text,
    make_reminders,
    marker,
    next_fire,
    parse_days,
    parse_marker,
    parse_time,
)
from backpain_cli.routines.model import Frequency, Period

WEEKDAYS = frozenset(range(5))
MORNING = Reminder("upper-back", time(9, 0), WEEKDAYS)
COMMAND = ("/home/pat/.venv/bin/backpain",)


# -- input ----------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [("09:00", time(9)), ("9:05", time(9, 5))])
def test_times_on_a_24_hour_clock(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("25:00", "--at 25:00: there is no such time of day (00:00 to 23:59)"),
        ("12:60", "--at 12:60: there is no such time of day (00:00 to 23:59)"),
        ("9am", "--at 9am: write the time as HH:MM on a 24-hour clock, e.g. 09:00"),
        ("", "--at : write the time as HH:MM on a 24-hour clock, e.g. 09:00"),
    ],
)
def test_impossible_times_are_refused(text: str, message: str) -> None:
    with pytest.raises(ReminderError) as caught:
        parse_time(text)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("spec", "days"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("mon,wed,fri", {0, 2, 4}),
        ("Sat-Sun", {5, 6}),
        ("fri-mon", {4, 5, 6, 0}),
        ("daily", set(range(7))),
        ("weekdays", {0, 1, 2, 3, 4}),
        ("weekends", {5, 6}),
        ("tuesday,thu", {1, 3}),
        ("mon-wed,sat", {0, 1, 2, 5}),
    ],
)
def test_days(spec: str, days: set[int]) -> None:
    assert parse_days(spec) == frozenset(days)


def test_funday_is_not_a_day() -> None:
    with pytest.raises(ReminderError) as caught:
        parse_days("funday")
    assert str(caught.value).startswith("--days funday: 'funday' is not a day; use mon tue")


@given(st.frozensets(st.integers(0, 6), min_size=1))
def test_days_are_written_the_way_they_are_read(days: frozenset[int]) -> None:
    assert parse_days(days_text(days)) == days


def test_days_are_written_short() -> None:
    assert [days_text(d) for d in (EVERY_DAY, WEEKDAYS, {5, 6}, {0, 2, 4})] == [
        "daily",
        "mon-fri",
        "sat,sun",
        "mon,wed,fri",
    ]


def test_quiet_hours_need_asking_for() -> None:
    with pytest.raises(ReminderError) as caught:
        make_reminders("upper-back", ["09:00", "22:30", "06:59"], None, allow_night=False)
    assert str(caught.value) == (
        "--at 06:59, 22:30: that is in the quiet hours (22:00 to 07:00); pick a daytime "
        "hour, or add --allow-night if you really want it"
    )
    late = make_reminders("upper-back", ["22:30"], None, allow_night=True)
    assert late == [Reminder("upper-back", time(22, 30), EVERY_DAY, True)]
    assert late[0].notify_arguments() == ["today", "--notify", "--allow-night", "upper-back"]


def test_the_edges_of_the_quiet_hours() -> None:
    assert make_reminders("a", ["07:00", "21:59"], "mon", allow_night=False) == [
        Reminder("a", time(7), frozenset({0})),
        Reminder("a", time(21, 59), frozenset({0})),
    ]


def test_a_reminder_needs_a_time() -> None:
    with pytest.raises(ReminderError) as caught:
        make_reminders("a", [], None, allow_night=False)
    assert str(caught.value) == "say when, e.g. --at 09:00 (repeat --at for more times)"


def test_the_same_time_twice_is_one_reminder() -> None:
    assert len(make_reminders("a", ["09:00", "9:00"], None, allow_night=False)) == 1


def test_next_fire_skips_days_off() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    friday_evening = datetime(2026, 11, 6, 18, 0, tzinfo=berlin)
    assert next_fire(MORNING, friday_evening) == datetime(2026, 11, 9, 9, 0, tzinfo=berlin)
    monday_early = datetime(2026, 11, 9, 8, 59, tzinfo=berlin)
    assert next_fire(MORNING, monday_early) == datetime(2026, 11, 9, 9, 0, tzinfo=berlin)


@given(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1).filter(
        lambda name: name[0] != "-"
    ),
    st.times().map(lambda moment: moment.replace(second=0, microsecond=0)),
    st.frozensets(st.integers(0, 6), min_size=1),
    st.booleans(),
)
def test_the_marker_names_the_reminder(
    routine: str, at: time, days: frozenset[int], night: bool
) -> None:
    reminder = Reminder(routine, at, days, night)
    assert parse_marker("0 9 * * * command # " + marker(reminder)) == reminder


# -- systemd ----------------------------------------------------------------------------


def test_timer_text() -> None:
    assert systemd.timer_text(MORNING) == (
        "# backpain-reminder routine=upper-back at=09:00 days=mon-fri\n"
        "# Installed by `backpain remind add`; `backpain remind remove` takes it away.\n"
        "[Unit]\n"
        "Description=backpain reminder: upper-back at 09:00 (mon-fri)\n"
        "\n"
        "[Timer]\n"
        "OnCalendar=Mon,Tue,Wed,Thu,Fri *-*-* 09:00:00\n"
        "Persistent=true\n"
        "AccuracySec=1min\n"
        "Unit=backpain-reminder-upper-back-0900.service\n"
        "\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )


def test_service_text_quotes_what_systemd_would_expand() -> None:
    text = systemd.service_text(
        MORNING, ("/home/pat/my tools/backpain",), {"BACKPAIN_HOME": "/home/pat/100% $back"}
    )
    assert text.splitlines()[-3:] == [
        "Type=oneshot",
        'Environment="BACKPAIN_HOME=/home/pat/100%% $back"',
        'ExecStart="/home/pat/my tools/backpain" today --notify upper-back',
    ]
    assert systemd.quote("a$b") == '"a$$b"'


def _verify(folder: Path, *units: str) -> subprocess.CompletedProcess[str]:
    analyze = shutil.which("systemd-analyze")
    assert analyze is not None
    return subprocess.run(
        [analyze, "verify", "--man=no", *units],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "SYSTEMD_LOG_LEVEL": "notice"},
    )


needs_analyze = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None,
    reason="systemd-analyze is not installed (Debian package `systemd`)",
)


@needs_analyze
@pytest.mark.parametrize(
    "reminder",
    [
        MORNING,
        Reminder("upper-back-chair", time(15, 30)),
        Reminder("x", time(23, 0), frozenset({6}), True),
        Reminder("neck-mobility", time(9, 0), path='/home/pat/it\'s "my" 100% $HOME \\ x.yaml'),
    ],
)
def test_the_units_pass_systemd_analyze_verify(tmp_path: Path, reminder: Reminder) -> None:
    program = tmp_path / "my tools" / "backpain"
    program.parent.mkdir()
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    timer, service = systemd.unit_name(reminder, "timer"), systemd.unit_name(reminder, "service")
    (tmp_path / timer).write_text(systemd.timer_text(reminder))
    environment = {"BACKPAIN_HOME": str(tmp_path / "100% home")}
    (tmp_path / service).write_text(systemd.service_text(reminder, (str(program),), environment))
    done = _verify(tmp_path, timer, service)
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


@needs_analyze
def test_systemd_analyze_verify_does_catch_a_broken_unit(tmp_path: Path) -> None:
    # The check above means something: a service whose program is missing fails it.
    (tmp_path / "broken.service").write_text(
        "[Service]\nType=oneshot\nExecStart=/nonexistent/backpain today --notify\n"
    )
    done = _verify(tmp_path, "broken.service")
    assert done.returncode != 0
    assert "/nonexistent/backpain" in done.stdout + done.stderr


def test_when_systemd_fires_next() -> None:
    # `systemctl --user list-timers --all --output=json` from systemd 252: a running
    # timer, a stopped one (null), and one that never elapses (USEC_INFINITY).
    output = (
        b'[{"next":1796198400000000,"left":1796198400000000,"last":0,"passed":0,'
        b'"unit":"backpain-reminder-upper-back-0900.timer",'
        b'"activates":"backpain-reminder-upper-back-0900.service"},'
        b'{"next":null,"left":null,"last":1796126831585771,"passed":1796126831585771,'
        b'"unit":"backpain-reminder-upper-back-1500.timer",'
        b'"activates":"backpain-reminder-upper-back-1500.service"},'
        b'{"next":18446744073709551615,"unit":"x.timer"},{"next":0,"unit":"y.timer"}]\n'
    )
    assert systemd.next_elapses(output) == {
        "backpain-reminder-upper-back-0900.timer": datetime(2026, 12, 2, 8, 0, tzinfo=timezone.utc),
        "backpain-reminder-upper-back-1500.timer": None,
        "x.timer": None,
        "y.timer": None,
    }
    assert systemd.next_elapses(b"[]\n") == {}
    for wrong in (b"", b"0 timers listed.", b"{}", b'["x.timer"]', b'[{"unit": 3}]', b"\xff"):
        with pytest.raises(ValueError):
            systemd.next_elapses(wrong)


# -- cron -------------------------------------------------------------------------------


def test_cron_line() -> None:
    line = cron.cron_line(
        MORNING,
        ("/home/pat/my tools/backpain",),
        {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus", "TZ": "Europe/Berlin"},
    )
    assert line == (
        "0 9 * * 1,2,3,4,5 DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus "
        "TZ=Europe/Berlin '/home/pat/my tools/backpain' today --notify upper-back "
        "# backpain-reminder routine=upper-back at=09:00 days=mon-fri"
    )
    sunday = cron.cron_line(Reminder("a", time(7, 5), frozenset({6, 0})), ("/b%c",), {})
    assert sunday.startswith("5 7 * * 0,1 /b\\%c today --notify a # ")


USERS_OWN = (
    b"# m h dom mon dow command\n"
    b"MAILTO=pat@example.org\n"
    b"\n"
    b"*/5 * * * * /usr/bin/backup --quiet   \t# keep\n"
    b"# 0 9 * * * old # backpain-reminder routine=upper-back at=09:00 days=daily\n"
    b"@reboot caf\xc3\xa9 \xff\n"
)


def test_crontab_edits_keep_the_users_lines_byte_for_byte() -> None:
    morning = cron.cron_line(MORNING, COMMAND, {})
    added = cron.merged(USERS_OWN, {MORNING.key: morning})
    assert added == USERS_OWN + morning.encode() + b"\n"
    assert cron.ours(added) == [MORNING]  # the commented-out line is the user's
    assert cron.merged(added, {MORNING.key: morning}) == added  # idempotent
    daily = Reminder("upper-back", time(9, 0))
    updated = cron.merged(added, {daily.key: cron.cron_line(daily, COMMAND, {})})
    assert cron.ours(updated) == [daily]
    assert updated.startswith(USERS_OWN)
    assert cron.without(updated, [daily]) == USERS_OWN
    assert cron.without(updated, None) == USERS_OWN


def test_a_doubled_line_of_ours_is_written_once() -> None:
    line = cron.cron_line(MORNING, COMMAND, {}).encode() + b"\n"
    new = cron.cron_line(Reminder("upper-back", time(9)), COMMAND, {})
    assert cron.merged(USERS_OWN + line + line, {MORNING.key: new}) == (
        USERS_OWN + new.encode() + b"\n"
    )


def test_a_last_line_without_newline_is_kept_byte_for_byte() -> None:
    line = cron.cron_line(MORNING, COMMAND, {})
    added = cron.merged(b"@daily x", {MORNING.key: line})
    assert added == line.encode() + b"\n@daily x"
    assert cron.without(added, None) == b"@daily x"
    assert cron.merged(added, {MORNING.key: line}) == added
    assert cron.merged(b"", {MORNING.key: line}) == line.encode() + b"\n"


# -- launchd and schtasks -----------------------------------------------------------------


def test_launch_agent_plist() -> None:
    data = launchd.plist_bytes(MORNING, COMMAND, {"BACKPAIN_HOME": "/Users/pat/bp"})
    document = plistlib.loads(data)
    assert document == {
        "Label": "org.backpain.reminder.upper-back.0900",
        "ProgramArguments": [*COMMAND, "today", "--notify", "upper-back"],
        "StartCalendarInterval": [
            {"Hour": 9, "Minute": 0, "Weekday": weekday} for weekday in (1, 2, 3, 4, 5)
        ],
        "ProcessType": "Background",
        "RunAtLoad": False,
        "EnvironmentVariables": {"BACKPAIN_HOME": "/Users/pat/bp"},
    }
    assert launchd.parse(data) == MORNING
    every_day = Reminder("a", time(21, 0), EVERY_DAY)
    daily = plistlib.loads(launchd.plist_bytes(every_day, COMMAND, {}))
    assert daily["StartCalendarInterval"] == [{"Hour": 21, "Minute": 0}]
    assert "EnvironmentVariables" not in daily
    assert launchd.parse(b"not a plist") is None
    assert launchd.parse(plistlib.dumps({**document, "Label": "com.example.mine"})) is None


def test_schtasks_commands() -> None:
    exe = ("C:\\Program Files\\backpain\\backpain.exe",)
    assert windows.create_arguments(MORNING, exe) == [
        "schtasks",
        "/Create",
        "/TN",
        "backpain\\reminder-upper-back-0900",
        "/TR",
        '"C:\\Program Files\\backpain\\backpain.exe" today --notify upper-back',
        "/SC",
        "WEEKLY",
        "/D",
        "MON,TUE,WED,THU,FRI",
        "/ST",
        "09:00",
        "/F",
    ]
    daily = windows.create_arguments(Reminder("a", time(8)), exe)
    assert daily[6:10] == ["/SC", "DAILY", "/ST", "08:00"]
    query = '"\\backpain\\reminder-a-0800","2026-11-05 08:00","Ready"\n"\\Other\\x","N/A","Ready"\n'
    assert windows.task_names(query) == ["backpain\\reminder-a-0800"]


# -- a routine file given as a path: its absolute path, quoted for each scheduler ----------

ODD = '/home/pat/it\'s "my" 100% $HOME \\ files\\/neck.yaml'
PATHED = Reminder("neck-mobility", time(9, 0), EVERY_DAY, True, ODD)
RUN = ["today", "--notify", "--allow-night", ODD]


def _windows_words(line: str) -> list[str]:
    """How a Windows program's C runtime splits its command line (backslashes count
    only before a quote), to read the /TR text back."""
    words: list[str] = []
    word, quoted, started, index = "", False, False, 0
    while index < len(line):
        char = line[index]
        if char == "\\":
            run = len(line[index:]) - len(line[index:].lstrip("\\"))
            index += run
            if line[index : index + 1] == '"':
                word += "\\" * (run // 2) + ('"' if run % 2 else "")
                index += run % 2
            else:
                word += "\\" * run
            started = True
        elif char == '"':
            quoted, started, index = not quoted, True, index + 1
        elif char == " " and not quoted:
            if started:
                words.append(word)
            word, started, index = "", False, index + 1
        else:
            word, started, index = word + char, True, index + 1
    return [*words, word] if started else words


def test_a_routine_file_s_path_round_trips_through_each_scheduler() -> None:
    assert PATHED.notify_arguments() == RUN
    service = systemd.service_text(PATHED, COMMAND, {})
    assert service.splitlines()[-1] == (
        "ExecStart=/home/pat/.venv/bin/backpain today --notify --allow-night "
        '"/home/pat/it\'s \\"my\\" 100%% $$HOME \\\\ files\\\\/neck.yaml"'
    )
    line = cron.cron_line(PATHED, COMMAND, {})
    command = line.split(" # backpain-reminder ")[0].split(" ", 5)[5]
    assert shlex.split(command.replace("\\%", "%")) == [*COMMAND, *RUN]  # cron, then sh
    assert cron.ours(line.encode()) == [replace(PATHED, path="")]  # the marker names it
    plist = plistlib.loads(launchd.plist_bytes(PATHED, COMMAND, {}))
    assert plist["ProgramArguments"] == [*COMMAND, *RUN]
    task = windows.create_arguments(PATHED, COMMAND)[5]
    assert _windows_words(task) == [*COMMAND, *RUN]
    assert _windows_words('a "b c" d\\e "f\\"g" h\\\\"i j"') == [
        "a",
        "b c",
        "d\\e",
        'f"g',
        "h\\i j",
    ]


# -- how a reminder runs backpain, and what it says ---------------------------------------


def test_the_running_script_is_what_a_timer_runs(tmp_path: Path) -> None:
    script = tmp_path / "venv" / "bin" / "backpain"
    script.parent.mkdir(parents=True)
    script.write_text("")
    assert backpain_command(str(script), "/usr/bin/python3", lambda _: None) == (str(script),)
    main = "/site-packages/backpain_cli/__main__.py"
    assert backpain_command(main, "/v/bin/python", lambda _: "/x") == (
        "/v/bin/python",
        "-m",
        "backpain_cli",
    )
    assert backpain_command("pytest", "/v/bin/python", lambda _: "/usr/bin/backpain") == (
        "/usr/bin/backpain",
    )
    # Nothing else to go on: this Python, which has backpain_cli installed.
    assert backpain_command("pytest", "/v/bin/python", lambda _: None) == (
        "/v/bin/python",
        "-m",
        "backpain_cli",
    )


def test_the_reminder_says_what_is_left() -> None:
    twice = Frequency(2, Period.DAY)
    weekly = Frequency(3, Period.WEEK)
    dues = [
        Due("upper-back", twice, 2, 1, 4),
        Due("upper-back-gentle", weekly, 1, 0, 1),
        Due("done-one", twice, 2, 2, 6),
    ]
    assert reminder_text(dues) == (
        "upper-back: 1 of 2 done today — backpain start upper-back\n"
        "upper-back-gentle: 1 of 3 done this week — backpain start upper-back-gentle"
    )
    assert reminder_text(dues[2:]) is None
    assert reminder_text([]) is None


def test_the_notifier_of_each_platform() -> None:
    def found(name: str) -> str:
        return f"/usr/bin/{name}"

    linux = notifier_command("T", 'say "hi"', platform="linux", which=found)
    assert linux == [
        "/usr/bin/notify-send",
        "--app-name=backpain",
        "--urgency=normal",
        "T",
        'say "hi"',
    ]
    mac = notifier_command("T", 'say "hi" \\', platform="darwin", which=found)
    assert mac == [
        "/usr/bin/osascript",
        "-e",
        'display notification "say \\"hi\\" \\\\" with title "T"',
    ]
    assert notifier_command("T", "b", platform="linux", which=lambda _: None) is None
    assert notifier_command("T", "b", platform="darwin", which=lambda _: None) is None
    assert notifier_command("T", "b", platform="win32", which=found) is None


def test_a_reminder_for_a_variant_suggests_that_variant() -> None:
    plan = Due("upper-back", Frequency(2, Period.DAY), 2, 1, 1, variants=("upper-back-chair",))
    assert reminder_text([plan], named=["upper-back-chair"]) == (
        "upper-back: 1 of 2 done today — backpain start upper-back-chair"
    )
    assert reminder_text([plan], named=["upper-back"]) == (
        "upper-back: 1 of 2 done today — backpain start upper-back"
    )
    assert reminder_text([plan]) == "upper-back: 1 of 2 done today — backpain start upper-back"


def test_a_reminder_names_the_routine_by_its_title() -> None:
    plan = Due("upper-back", Frequency(2, Period.DAY), 2, 1, 1, variants=("upper-back-chair",))
    titles = {"upper-back": "Upper back", "upper-back-chair": "Upper back, in a chair"}
    assert reminder_text([plan], named=["upper-back"], titles=titles) == (
        "Upper back: 1 of 2 done today — backpain start upper-back"
    )
    assert reminder_text([plan], named=["upper-back-chair"], titles=titles) == (
        "Upper back, in a chair: 1 of 2 done today — backpain start upper-back-chair"
    )


def test_the_real_runner(tmp_path: Path) -> None:
    from backpain_cli.reminders.runner import run_command

    echo = run_command(
        [sys.executable, "-c", "import sys; sys.stdout.write(sys.stdin.read())"], input=b"x"
    )
    assert echo == (0, b"x", b"")
    missing = run_command([str(tmp_path / "no-such-program")])
    assert missing.returncode == 127
    assert missing.stderr.endswith(b"no-such-program: command not found")
    slow = run_command([sys.executable, "-c", "import time; time.sleep(10)"], timeout=0.2)
    assert slow.returncode == 124
    assert slow.stderr.endswith(b": no answer within 0.2 s")
    folder = run_command([str(tmp_path)])
    assert folder.returncode == 126
