"""The words of a reminder and how it reaches the person: notify-send on Linux,
osascript on macOS, else one line of text (in the journal, when a timer runs it).

Never loud and never stuck: no sound is asked for, a notifier gets a few seconds, and
a notifier that fails or is missing falls back to the line instead of an error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence, Set
from typing import TYPE_CHECKING

from backpain_cli.reminders.runner import Runner
from backpain_cli.text import shell_word

if TYPE_CHECKING:
    from backpain_cli.history.stats import Due

TITLE = "Time for your exercises"
TEST_BODY = "This is how a backpain reminder looks. Nothing is due; it is only a test."


def due_line(due: Due, start: str, title: str | None, *, gone: bool = False) -> str:
    """`Upper back: 1 of 2 done today — backpain start upper-back`; `start` is the
    routine to suggest (`due.routine`, or a variant that counts toward it, or the file
    it was played from), `title` its title (None: the name of the plan is shown).
    `gone`: `start` is a file that is no longer there, and the line says so."""
    if due.frequency.period.value == "week":
        progress = f"{due.done_this_week} of {due.frequency.times} done this week"
    else:
        progress = f"{due.done} of {due.due} done today"
    if gone:
        return f"{title or due.routine}: {progress} — its routine file {start} is gone"
    return f"{title or due.routine}: {progress} — backpain start {shell_word(start)}"


def reminder_text(
    dues: Sequence[Due],
    *,
    named: Sequence[str] = (),
    titles: Mapping[str, str] | None = None,
    paths: Mapping[str, str] | None = None,
    gone: Set[str] = frozenset(),
) -> str | None:
    """The notification's body; None when nothing is still due (then nothing is shown).

    A reminder for a variant (`upper-back-chair`, which counts toward `upper-back`)
    suggests starting that variant: it is the one the person chose. `titles` gives the
    routines' titles, which people read more easily than names. A routine with a file
    in `paths` (the one it was last played from, or the one asked for) is started from
    that file, unless the file is `gone`."""
    titles = titles or {}
    paths = paths or {}
    lines = []
    for due in dues:
        if due.satisfied:
            continue
        chosen = [name for name in named if name in (due.routine, *due.variants)]
        start = chosen[0] if chosen else due.routine
        where = paths.get(start, start)
        lines.append(due_line(due, where, titles.get(start), gone=start in gone))
    return "\n".join(lines) if lines else None


def _applescript_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def notifier_command(
    title: str, body: str, *, platform: str, which: Callable[[str], str | None]
) -> list[str] | None:
    """The command that shows a desktop notification here, or None."""
    if platform == "darwin":
        osascript = which("osascript")
        if osascript is None:
            return None
        script = f"display notification {_applescript_string(body)} with title " + (
            _applescript_string(title)
        )
        return [osascript, "-e", script]
    if platform == "win32":
        return None  # no notifier without extra modules: the line is the reminder
    notify_send = which("notify-send")
    if notify_send is None:
        return None
    return [notify_send, "--app-name=backpain", "--urgency=normal", title, body]


def send(
    title: str,
    body: str,
    *,
    platform: str,
    which: Callable[[str], str | None],
    runner: Runner,
    echo: Callable[[str], None],
) -> str:
    """Show the notification; returns how: the notifier's name, or "text"."""
    command = notifier_command(title, body, platform=platform, which=which)
    if command is not None:
        done = runner(command)
        if done.returncode == 0:
            return command[0].rsplit("/", 1)[-1]
    echo(f"{title}: " + body.replace("\n", "; "))
    return "text"
