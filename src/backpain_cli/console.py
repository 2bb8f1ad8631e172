"""Plain or styled output, decided in one place for every command and the player.

- `screen_output`: the live, full-screen player, only on a terminal that can draw one.
- `styled_output`: bold headings and block bars in the history views, on a colour terminal.
- `make_console`: rich output, plain (no colour, no wrapping) off a terminal or when asked.
- `output_width`: the width the history views wrap to, None off a terminal.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def screen_output() -> bool:
    """The live, full-screen player: only on a terminal that can draw one (and whose
    encoding has its big digits: with PYTHONIOENCODING=ascii it would be all `?`)."""
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb" and can_encode(sys.stdout, "█▓")


def can_encode(stream: object, text: str) -> bool:
    """Whether STREAM's encoding can write TEXT (a stream without one takes anything)."""
    try:
        text.encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def styled_output() -> bool:
    """Bold headings and block bars only on a colour terminal (same rule as is_plain)."""
    return (
        sys.stdout.isatty()
        and not os.environ.get("NO_COLOR")
        and os.environ.get("TERM", "") not in ("dumb", "")
    )


def make_console(*, plain: bool = False, stderr: bool = False) -> Console:
    """A rich console; plain (no colour, no markup styling) off a terminal or when asked.

    Text is printed as written: with `markup=False`, square brackets in a routine (a
    title "Stretch [phase 1]", a name "A [/b]") are text, not rich styles or errors.
    """
    from rich.console import Console

    console = Console(stderr=stderr, highlight=False, emoji=False, markup=False)
    if console.is_terminal and not plain and is_plain(console):
        # NO_COLOR or TERM=dumb on a terminal: no colour, lines as wide as the screen.
        return Console(stderr=stderr, highlight=False, emoji=False, markup=False, no_color=True)
    if plain or is_plain(console):
        # Off a terminal nothing is wrapped: lines stay whole for grep, files and
        # screen readers, and tables take only the width they need.
        return Console(
            stderr=stderr, highlight=False, emoji=False, markup=False, no_color=True, width=1000
        )
    return console


def is_plain(console: Console) -> bool:
    return not console.is_terminal or console.no_color or os.environ.get("TERM") == "dumb"


def output_width() -> int | None:
    """The terminal's width in columns (`COLUMNS` first, as rich and the shell read it),
    or None off a terminal, where lines are not wrapped."""
    if not sys.stdout.isatty():
        return None
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns or None
    except (OSError, ValueError, AttributeError):  # a stream without a descriptor
        return None
