"""What the player says about pain: the source's advice after `p` ("this hurts"), and a
flag on each exercise that was stopped for pain the last time it was played.

The key itself is the engine's (`Player.this_hurts`): it stops the exercise (its outcome
is "hurt", which the history records and the summary shows) and holds, paused, at the
next one until a key goes on. `PainNotices` is the listener that puts the words on the
display's notice line (through `show` and `clear`): the advice while the player holds,
and "… hurt last time: press s to skip it" as such an exercise comes up.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from backpain_cli.player.events import Event, ExerciseHurt, Paused, Resumed, SegmentStarted

ADVICE = (
    "Stopped: {name}.\n"
    "If anything is painful or doesn't feel right, contact your healthcare provider.\n"
    "Press space to go on to the next exercise (q quits)."
)
FLAG = "{name} hurt last time: press s to skip it."


class PainNotices:
    """Listener: the advice after "this hurts", and the flags of `hurt_last_time` (ids)."""

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
        self._current: int | None = None  # exercise index
        self._flag = ""  # the flag of the current exercise, if it hurt last time
        self._hurt = ""  # the name of the exercise stopped last
        self._advising = False  # the advice is on screen
        self._shown = False  # a message is on screen

    def handle(self, event: Event) -> None:
        if isinstance(event, ExerciseHurt):
            self._hurt = event.result.exercise.name
        elif isinstance(event, Paused) and event.status.held_for_pain:
            self._advising = True
            self._say(ADVICE.format(name=self._hurt))
        elif isinstance(event, Resumed) and self._advising:
            self._advising = False
            self._say(self._flag)
        elif isinstance(event, SegmentStarted):
            self._flag_exercise(event)

    def _flag_exercise(self, event: SegmentStarted) -> None:
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
