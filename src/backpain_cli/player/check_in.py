"""The pain check-in: "Pain now, 0–10?" answered with one key press.

Digits answer at once; `1` waits a moment for a `0` (so typing 10 works); Enter or Esc
skips; `q` and Ctrl-C leave (before the routine: nothing starts; after it: skipped).
Keys come from an injected `read(timeout)` (the player's key reader, or a fake in
tests) and the question goes to an injected `write`, so nothing here touches a terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

QUESTION = "Pain now, 0–10? (0 none, 10 worst; Enter skips) "
TEN_WAIT = 0.8  # seconds to wait for the 0 of 10 after a 1
SKIP_KEYS = ("enter", "escape")

Read = Callable[[float | None], Sequence[str]]


QUIT_KEYS = ("q", "ctrl-c")


class CheckInCancelled(Exception):
    """`q` or Ctrl-C at the question; `key` says which."""

    def __init__(self, key: str = "ctrl-c") -> None:
        super().__init__(key)
        self.key = key


def pain_rating(
    read: Read, write: Callable[[str], None], *, question: str = QUESTION
) -> int | None:
    """The rating 0–10, or None when skipped. `q` or Ctrl-C raises CheckInCancelled."""
    write(question)
    pending: list[str] = []
    while True:
        if not pending:
            pending = list(read(None))
            continue
        key = pending.pop(0)
        if key.lower() in QUIT_KEYS:
            write("\n")
            raise CheckInCancelled(key.lower())
        if key in SKIP_KEYS:
            write("skipped\n")
            return None
        if key == "1":
            if not pending:
                pending = list(read(TEN_WAIT))
            value = 10 if pending[:1] == ["0"] else 1
            write(f"{value}\n")
            return value
        if len(key) == 1 and key in "0123456789":
            write(f"{key}\n")
            return int(key)
