"""`rate_each`: after each exercise, a rating 0–10 with one key press, skippable.

When an exercise is done, the player pauses (the next exercise waits, its countdown
held) and the notice line asks "Effort of Squeeze, 0–10?". A digit answers (`1` waits a
moment for the `0` of 10, as the pain check-in does), Enter, Esc or space skips; either
goes on. `q` and Ctrl-C still quit. The last exercise has no next one to hold: its question
is asked after the routine, with the check-in (`Ratings.waiting`).

`Ratings` is an engine listener, gives two hidden key bindings (pause and go on, which
only it sends) and wraps the player's `wait`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from backpain_cli.player.check_in import SKIP_KEYS, TEN_WAIT
from backpain_cli.player.engine import Binding, Event, Wait
from backpain_cli.player.events import ExerciseFinished, RoutineEnded

QUESTIONS = {
    "pain": "Pain during {name}, 0–10? (0 none, 10 worst; Enter skips)",
    "effort": "Effort of {name}, 0–10? (0 easy, 10 hardest; Enter skips)",
}
_PAUSE, _GO_ON = "rating-pause", "rating-go-on"  # sent only by `Ratings.wait`
_PASS = ("q", "ctrl-c", "resize")


class Ratings:
    def __init__(self, kind: str, *, rate: Callable[[int, int | None], None]) -> None:
        self.kind = kind
        self._rate = rate  # (exercise index, rating or None: skipped)
        self._show: Callable[[str], None] = lambda message: None
        self._clear: Callable[[], None] = lambda: None
        self.waiting: tuple[int, str] | None = None  # (index, name) of the one to rate
        self._asked = False  # the question is on screen and the player paused

    def attach(self, show: Callable[[str], None], clear: Callable[[], None]) -> None:
        """Where the question goes: the display's notice line."""
        self._show, self._clear = show, clear

    def question(self, name: str) -> str:
        return QUESTIONS[self.kind].format(name=name)

    def bindings(self, bindings: Sequence[Binding]) -> tuple[Binding, ...]:
        hidden = (
            Binding((_PAUSE,), "", "", "", lambda player: player.pause()),
            Binding((_GO_ON,), "", "", "", lambda player: player.resume()),
        )
        return (*bindings, *hidden)

    def handle(self, event: Event) -> None:
        if isinstance(event, ExerciseFinished):
            self.waiting = (event.result.exercise_index, event.result.exercise.name)
        elif isinstance(event, RoutineEnded) and self._asked:  # quit while asking
            self.waiting, self._asked = None, False

    def answer(self, rating: int | None) -> None:
        """The rating of the exercise waiting for one (asked after the routine)."""
        assert self.waiting is not None
        self._rate(self.waiting[0], rating)
        self.waiting = None

    def wait(self, inner: Wait) -> Wait:
        """`inner`, except that an exercise just done pauses the player until it is rated."""

        def wait(timeout: float | None) -> Sequence[str]:
            if self.waiting is None:
                return inner(timeout)
            if not self._asked:
                self._asked = True
                self._show(self.question(self.waiting[1]))
                return [_PAUSE]
            return self._keys(inner)

        return wait

    def _keys(self, inner: Wait) -> list[str]:
        pending = list(inner(None))
        while pending:
            key = pending.pop(0)
            if key.lower() in _PASS:
                return [key]
            rating: int | None = None
            if key == "1":
                later = pending or list(inner(TEN_WAIT))
                rating = 10 if later[:1] == ["0"] else 1
            elif len(key) == 1 and key.isdigit():
                rating = int(key)
            elif key not in (*SKIP_KEYS, "space"):  # (the paused bar says space goes on)
                continue  # other keys wait for an answer
            self.answer(rating)
            self._asked = False
            self._clear()
            return [_GO_ON]
        return []
