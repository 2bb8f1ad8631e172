"""Every command that prints a table or a paragraph keeps every word whole at 40, 80
and 120 columns, as a person sees it: each command runs in a real pseudo-terminal of
that width, its bytes are read back through a terminal emulator (pyte), and every word
on the screen must be a word of the same command's output on a screen too wide to wrap
anything. A word cut by the terminal (`Positi` / `on`) is no such word.

Allowed on a narrow screen besides: a card's label (`Title:` for the header `Title`),
text shortened with "…" (the start of a word; of a path, its end), and pictures (bars,
the pain chart's axis, calendar cells), which get shorter rather than wrap.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pyte
import pytest

from backpain_cli.history.records import (
    ExerciseRecord,
    ExerciseStatus,
    SessionOutcome,
    SessionRecord,
)
from backpain_cli.history.store import open_for_recording
from backpain_cli.routines.model import Frequency, Period

COMMANDS = (
    ("list",),
    ("exercises",),
    ("exercises", "upper-back"),
    ("exercises", "scapular-squeeze"),
    ("history",),
    ("stats",),
    ("stats", "--since", "2d"),
    ("today",),
    ("show", "upper-back"),
    ("show", "upper-back-gentle"),
    ("config",),
    ("remind", "list"),
)
WIDTHS = (40, 80, 120)
WIDE = 1000  # nothing is wrapped
LINES = 400
PICTURE = set("─█▓▒░·▁▂▃▄▅▆▇▕▏#+-|*o.")


def _session(
    routine: str, started: datetime, *, note: str = "", done: bool = True
) -> SessionRecord:
    statuses = (ExerciseStatus.DONE,) * 2 if done else (ExerciseStatus.STOPPED_FOR_PAIN,)
    exercises = tuple(
        ExerciseRecord(
            position=position,
            exercise_id=f"exercise-{position + 1}",
            name=f"Exercise {position + 1}",
            status=status,
            started=started + timedelta(minutes=position),
            ended=started + timedelta(minutes=position + 1),
            reps_done=3,
            holds_done=3,
            holds_planned=3,
            sides_done=(),
        )
        for position, status in enumerate(statuses)
    )
    end = started + timedelta(minutes=3, seconds=30)
    return SessionRecord(
        id=0,
        routine=routine,
        routine_hash="5e" * 32,
        started=started,
        last_update=end,
        ended=end if done else None,
        outcome=SessionOutcome.COMPLETED if done else SessionOutcome.PARTIAL,
        exercises_planned=2,
        pain_before=5,
        pain_after=3 if done else None,
        frequency=Frequency(2, Period.DAY),
        exercises=exercises,
        counts_as="",
        note=note,
        speed=1.0,
    )


@pytest.fixture(scope="module")
def screens(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[tuple[str, ...], dict[int, list[str]]]:
    """Each command's screen at each width (and at WIDE), from a history of the gentle
    routine and upper-back over the last days."""
    home = tmp_path_factory.mktemp("widths")
    env = _home(home)
    return {
        command: {width: _screen(command, width, env) for width in (*WIDTHS, WIDE)}
        for command in COMMANDS
    }


def _home(home: Path) -> dict[str, str]:
    """A history in HOME (the gentle routine and upper-back over the last days, nothing
    yesterday of upper-back) and the environment of a command run there."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    history, warning = open_for_recording(home / "history.sqlite3")
    assert history is not None, warning
    with history:
        history.add_sessions(
            [
                _session("upper-back-gentle", now - timedelta(days=3, hours=2)),
                _session("upper-back", now - timedelta(days=2, hours=5)),
                _session(
                    "upper-back-gentle",
                    now - timedelta(days=1, hours=3),
                    note='sharp on the left, "like a knife"; stopped after the first exercise',
                    done=False,
                ),
                _session("upper-back-gentle", now - timedelta(minutes=30)),
            ]
        )
    return _env(home)


def _env(home: Path) -> dict[str, str]:
    """The environment of a command run with HOME (and its history) in `home`."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "BACKPAIN_HOME": str(home),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "TZ": "UTC",
    }


def _screen(
    command: tuple[str, ...], columns: int, env: dict[str, str], *, keys: bytes = b""
) -> list[str]:
    """The command's output as a COLUMNS-wide terminal shows it; with KEYS typed ahead
    on its keyboard, or without a keyboard (nothing asks a question that waits)."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, columns, 0, 0))
    child = subprocess.Popen(
        [sys.executable, "-m", "backpain_cli", *command],
        stdin=follower if keys else subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env=env,
        close_fds=True,
    )
    os.close(follower)
    os.write(leader, keys)
    written = bytearray()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not select.select([leader], [], [], 1)[0]:
            continue
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        written += chunk
    os.close(leader)
    assert child.wait(timeout=60) in (0, 1)  # `today` says 1 while something is due
    screen = pyte.Screen(columns, LINES)
    pyte.ByteStream(screen).feed(bytes(written))
    rows = [row.rstrip() for row in screen.display]
    assert rows[-1] == ""  # all of it is on the screen: nothing scrolled off
    return rows


def _words(rows: list[str]) -> set[str]:
    return {word for row in rows for word in row.split()}


def _whole(word: str, wide: set[str]) -> bool:
    if word in wide or word.rstrip(":") in wide or set(word) <= PICTURE:
        return True
    if word.endswith("…"):  # shortened on purpose: the start of a word
        return any(whole.startswith(word[:-1]) for whole in wide)
    if word.startswith("…/"):  # a path shortened on purpose: its end, the file's name
        return any(whole.endswith(word[1:]) for whole in wide)
    return False


@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_word_is_whole(
    screens: dict[tuple[str, ...], dict[int, list[str]]], command: tuple[str, ...], columns: int
) -> None:
    wide = _words(screens[command][WIDE])
    shown = screens[command][columns]
    assert max(len(row) for row in shown) <= columns
    cut = sorted({word for word in _words(shown) if not _whole(word, wide)})
    assert cut == [], "\n".join(row for row in shown if row)


def test_the_screens_hold_what_they_are_about(
    screens: dict[tuple[str, ...], dict[int, list[str]]],
) -> None:
    """The check above is only as good as its screens: each shows its command's output."""
    for columns in (*WIDTHS, WIDE):
        assert "upper-back-gentle" in _words(screens[("list",)][columns])
        assert "ball-trigger-point-pressure-seated" in _words(screens[("exercises",)][columns])
        assert "upper-back-gentle" in _words(screens[("history",)][columns])
        assert 'knife";' in _words(screens[("history",)][columns])
        assert "Adherence" in _words(screens[("stats",)][columns])
        since = screens[("stats", "--since", "2d")][columns]
        assert {"Since", "(2", "earlier", "Adherence"} <= _words(since)
        assert "Since" not in _words(screens[("stats",)][columns])
        assert "precautions)" in _words(screens[("today",)][columns])  # by its title
        assert "rhomboid-stretch-long-sitting" in _words(screens[("show", "upper-back")][columns])
        assert "default_routine" in _words(screens[("config",)][columns])


@pytest.mark.parametrize("columns", WIDTHS)
def test_the_calendar_legend_keeps_each_mark_beside_its_words(
    screens: dict[tuple[str, ...], dict[int, list[str]]], columns: int
) -> None:
    shown = " | ".join(row.strip() for row in screens[("stats",)][columns])
    for phrase in ("all due done", "some", "none", "not due"):
        assert re.search(rf"(^|\s)\S\S {phrase}(\s|$)", shown), (phrase, shown)
    assert "(blank: before your first session," in shown


def test_narrow_screens_stack_a_card_for_each_row(
    screens: dict[tuple[str, ...], dict[int, list[str]]],
) -> None:
    assert "  Title:     Gentle upper back relief" in screens[("list",)][40]
    assert "Name                Title" in screens[("list",)][120][0]
    history = screens[("history",)]
    assert any(row.startswith("  Routine:   upper-back-gentle") for row in history[40])
    assert history[120][0].split() == [
        "Id",
        "Date",
        "Routine",
        "Time",
        "Result",
        "Exercises",
        "Pain",
    ]


def test_todays_question_after_a_missed_day_keeps_words_whole(tmp_path: Path) -> None:
    """At a terminal, `today` asks what got in the way of yesterday's session (once a
    day: a fresh history for each width); Enter skips it."""
    shown = {
        width: _screen(("today",), width, _home(tmp_path / str(width)), keys=b"\r")
        for width in (40, 80, WIDE)
    }
    wide = _words(shown[WIDE])
    assert "got" in wide and "Forgot" in wide  # the question was asked
    for width in (40, 80):
        assert max(len(row) for row in shown[width]) <= width
        cut = sorted({word for word in _words(shown[width]) if not _whole(word, wide)})
        assert cut == [], "\n".join(row for row in shown[width] if row)


# -- a day that is not over is never missed -----------------------------------------

MARKDOWN = ("report", "--format", "markdown", "-o", "-")
KEY = (("✓", "all due done"), ("½", "partly"), ("✗", "missed"), ("·", "not due"))
TODAY_KEY = ("○", "today, not over yet")


@pytest.fixture(scope="module")
def not_over(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """Three histories of upper-back (2 a day) in the middle of today (UTC): "day one",
    the very first run (`start --speed 1000 --record`, a preview that the report and
    `stats` leave out); "begun", one session begun today and not finished; "missed",
    two done the day before yesterday, none since."""
    homes = {name: _env(tmp_path_factory.mktemp(name)) for name in ("day one", "begun", "missed")}
    subprocess.run(
        [sys.executable, "-m", "backpain_cli", "start", "upper-back", "--speed", "1000",
         "--plain", "--no-sound", "--no-check-in", "--record"],
        stdin=subprocess.DEVNULL, capture_output=True, env=homes["day one"], timeout=120,
        check=True,
    )  # fmt: skip
    now = datetime.now(timezone.utc).replace(microsecond=0)
    for name, sessions in (
        ("begun", [_session("upper-back", now - timedelta(minutes=5), done=False)]),
        ("missed", [_session("upper-back", now - timedelta(days=2, minutes=m)) for m in (0, 9)]),
    ):
        history, warning = open_for_recording(
            Path(homes[name]["BACKPAIN_HOME"]) / "history.sqlite3"
        )
        assert history is not None, warning
        with history:
            history.add_sessions(sessions)
    return homes


def _said(rows: list[str]) -> str:
    """The screen's text read on from row to row, without spaces: Markdown is written
    as it is, for a file, and the terminal breaks its long lines anywhere."""
    return "".join("".join(rows).split())


def _marks(rows: list[str]) -> str:
    """The calendar's marks, oldest first, without the blank days (a calendar row is
    `| 07 Dec | ✓ | ✗ | ○ |   |   |   |   |`, 39 columns)."""
    week = re.compile(r"\| \d\d \w\w\w (\| . ){7}\|")
    return "".join(
        cell.strip() for row in rows if week.fullmatch(row) for cell in row.split("|")[2:]
    )


def _due_words(first: date) -> str:
    """What `stats` says is due so far this week of a plan counted from `first` (2 a day,
    nothing done since): the days before today from Monday, or nothing."""
    today = datetime.now(timezone.utc).date()
    due = 2 * (today - max(first, today - timedelta(days=today.weekday()))).days
    return f"{due} due so far" if due else "nothing due until today is over"


@pytest.mark.parametrize("columns", WIDTHS)
def test_day_one_of_the_report_asks_nothing_yet(
    not_over: dict[str, dict[str, str]], columns: int
) -> None:
    """The first run, at noon: nothing due yet, today not marked missed, and each mark
    of the legend beside its words on the screen."""
    rows = _screen(MARKDOWN, columns, not_over["day one"])
    assert max(len(row) for row in rows) <= columns
    assert "**Adherence:nothingdueuntiltodayisover**" in _said(rows)
    assert _marks(rows) == "○"
    for mark, words in (*KEY, TODAY_KEY):
        assert any(f"{mark} {words}" in row for row in rows), (mark, words, rows)
    assert "%" not in _said(rows)
    # `stats` agrees: the preview counts nowhere, and nothing is due until today is over.
    stats = " ".join(" ".join(_screen(("stats",), columns, not_over["day one"])).split())
    assert "upper-back (2 per day): 0 of " in stats, stats
    assert " this week, nothing due until today is over" in stats, stats


@pytest.mark.parametrize("columns", WIDTHS)
def test_a_missed_yesterday_is_missed_and_today_is_not(
    not_over: dict[str, dict[str, str]], columns: int
) -> None:
    rows = _screen(MARKDOWN, columns, not_over["missed"])
    assert "**Adherence:2of4duesessions,50%**" in _said(rows)
    assert _marks(rows) == "✓✗○"
    two_days_ago = datetime.now(timezone.utc).date() - timedelta(days=2)
    stats = _screen(("stats",), columns, not_over["missed"])
    wide = _words(_screen(("stats",), WIDE, not_over["missed"]))
    assert [word for word in _words(stats) if not _whole(word, wide)] == []
    assert f" this week, {_due_words(two_days_ago)}" in " ".join(" ".join(stats).split())


@pytest.mark.parametrize("columns", WIDTHS)
def test_stats_on_day_one_with_nothing_finished_says_nothing_is_due(
    not_over: dict[str, dict[str, str]], columns: int
) -> None:
    stats = _screen(("stats",), columns, not_over["begun"])
    wide = _words(_screen(("stats",), WIDE, not_over["begun"]))
    assert [word for word in _words(stats) if not _whole(word, wide)] == []
    said = " ".join(" ".join(stats).split())
    assert " this week, nothing due until today is over" in said
    assert "due so far" not in said and "0 %" not in said
