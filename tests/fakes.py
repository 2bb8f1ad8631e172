"""Test doubles shared by the player's tests: a scripted clock and a tiny routine."""

from __future__ import annotations

from collections.abc import Sequence

from backpain_cli.routines.model import Exercise, Routine, Side

# Per-side with two sets, a plain one, and a last one with a single rep: every kind of
# segment and every transition between them.
SIDED = Exercise(
    id="rotation",
    name="Rotation",
    instructions=("Turn.",),
    hold=3,
    reps=2,
    sets=2,
    sides=(Side.LEFT, Side.RIGHT),
    rest=1,
    set_rest=2,
    prepare=2,
)
PLAIN = Exercise(id="squeeze", name="Squeeze", instructions=("Squeeze.",), hold=2, reps=2, rest=1)
LAST = Exercise(id="ball", name="Ball", instructions=("Lean.",), hold=4, prepare=1)
TINY = Routine(name="tiny", title="Tiny", exercises=(SIDED, PLAIN, LAST))


class FakeTime:
    """A clock that only moves when the player waits; keys arrive at scripted times
    (seconds after `origin`). Every timeout asked for is kept in `waits`."""

    def __init__(self, keys: Sequence[tuple[float, str]] = (), *, origin: float = 0.0) -> None:
        self.now = origin
        self.keys = [(origin + at, key) for at, key in keys]
        self.waits: list[float | None] = []

    def clock(self) -> float:
        return self.now

    def wait(self, timeout: float | None) -> list[str]:
        self.waits.append(timeout)
        if self.keys and (timeout is None or self.keys[0][0] <= self.now + timeout):
            at, key = self.keys.pop(0)
            self.now = max(self.now, at)
            return [key]
        assert timeout is not None, "the player would wait forever"
        self.now += timeout
        return []
