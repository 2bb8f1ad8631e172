"""The base of every error a user can cause (`BackpainError`), and the problems of a
routine file. The errors of one room are declared in that room, each a `BackpainError`
(`tests/test_architecture.py` checks it); the CLI turns them into one clear message
and exit status 2."""

from __future__ import annotations

from typing import NamedTuple

from backpain_cli.text import clean, clean_line


class BackpainError(Exception):
    """Base for every error caused by input rather than by a bug."""

    exit_code = 2

    def __str__(self) -> str:
        # Messages quote file names, paths and values from files: never a raw control
        # character (text.clean shows each as a visible escape).
        return clean(super().__str__())


class Problem(NamedTuple):
    """One thing wrong with a routine file, located as precisely as we can."""

    path: str
    message: str
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based
    key_path: str = ""
    hint: str = ""  # a second line: how to fix it

    def __str__(self) -> str:
        # One line (and its hint): a newline in a value quoted by the message is shown
        # as `\n`, so a file cannot print a line that blames another file.
        where = clean_line(self.path)
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        key = f" {clean_line(self.key_path)}:" if self.key_path else ""
        hint = f"\n  hint: {clean_line(self.hint)}" if self.hint else ""
        return f"{where}:{key} {clean_line(self.message)}{hint}"


# A file may hold any number of problems (30,000 unknown keys are 900 KB): the first are
# shown, then how many more, so a message stays readable and quick to print.
SHOWN_PROBLEMS = 100


class RoutineError(BackpainError):
    """A routine file (or a reference to one) is unusable; carries every problem found."""

    def __init__(self, problems: list[Problem] | Problem) -> None:
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        lines = [str(problem) for problem in self.problems[:SHOWN_PROBLEMS]]
        more = len(self.problems) - SHOWN_PROBLEMS
        if more > 0:
            lines.append(f"... and {more} more {'problem' if more == 1 else 'problems'}")
        super().__init__("\n".join(lines))


class RoutineNotFound(RoutineError):
    """A routine name or path that does not lead to a routine file."""


class ConfigError(BackpainError):
    """The configuration file is unreadable or holds an unknown or invalid setting."""


class HistoryError(BackpainError):
    """The history database cannot be opened or is not ours."""


class HistoryLocked(HistoryError):
    """Another process holds the history's lock for longer than we wait."""
