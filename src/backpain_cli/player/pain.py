"""The `p` key ("this hurts") and the flags on exercises that hurt last time.

`p` during any exercise stops it (`Player.stop_for_pain`: the exercise's outcome is
"hurt", which the history records as stopped for pain and the summary shows), the
player moves to the next exercise and pauses there with the source's advice on screen,
and goes on only when the person presses a key (the advice asks for space, the bar
says the same; any key but `q` goes on, `q` quits).

When a routine starts, exercises that were stopped for pain the last time they were
played are flagged as they come up ("This hurt last time: press s to skip it").

`PainKeys` is an engine listener (for the flags), gives the key `binding`, and wraps the
player's `wait` so that the first key after `p` continues (it is handed on as `space`,
which resumes). Messages go through `show`/`clear` (the display's notice line).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from backpain_cli.player.engine import Binding, Event, Player, SegmentStarted, Wait

ADVICE = (
    "Stopped: {name}.\n"
    "If anything is painful or doesn't feel right, contact your healthcare provider.\n"
    "Press space to go on to the next exercise (q quits)."
)
FLAG = "{name} hurt last time: press s to skip it."
QUITS = ("q", "ctrl-c")
PASS_THROUGH = (*QUITS, "resize")


class PainKeys:
    def __init__(
        self,
        *,
        show: Callable[[str], None],
        clear: Callable[[], None],
        hurt_last_time: Collection[str] = (),
    ) -> None:
        self._show = show
        self._clear = clear
        self.hurt_last_time = frozenset(hurt_last_time)
        self.holding = False  # stopped for pain, waiting for a key
        self._current: int | None = None  # exercise index
        self._flag = ""  # the flag of the current exercise, if it hurt last time
        self._shown = False  # a message is on screen

    @property
    def binding(self) -> Binding:
        return Binding(("p",), "p", "hurts", "this hurts: stop this exercise", self.stop)

    def bindings(self, bindings: Sequence[Binding]) -> tuple[Binding, ...]:
        """`bindings` with `p` added before quit (so it shows in the key line)."""
        found = list(bindings)
        at = next((i for i, b in enumerate(found) if "q" in b.keys), len(found))
        return (*found[:at], self.binding, *found[at:])

    # -- the key ----------------------------------------------------------------------

    def stop(self, player: Player) -> None:
        segment = player.status().segment
        if segment is None:
            return
        player.stop_for_pain()
        if player.active:
            self.holding = True
            self._say(ADVICE.format(name=segment.exercise.name))
            player.pause()

    def wait(self, inner: Wait) -> Wait:
        """`inner`, except that after `p` it waits for a key and turns it into `space`."""

        def wait(timeout: float | None) -> Sequence[str]:
            if not self.holding:
                return inner(timeout)
            keys = []
            for key in inner(None):
                if key in QUITS:
                    self.holding = False
                if not self.holding or key in PASS_THROUGH:
                    keys.append(key)
                    continue
                self.holding = False
                self._say(self._flag)
                keys.append("space")
            return keys

        return wait

    # -- the flags --------------------------------------------------------------------

    def handle(self, event: Event) -> None:
        if not isinstance(event, SegmentStarted):
            return
        index = event.segment.exercise_index
        if index == self._current:
            return
        self._current = index
        exercise = event.segment.exercise
        self._flag = FLAG.format(name=exercise.name) if exercise.id in self.hurt_last_time else ""
        self._say(self._flag)

    def _say(self, message: str) -> None:
        if message:
            self._show(message)
        elif self._shown:
            self._clear()
        self._shown = bool(message)
