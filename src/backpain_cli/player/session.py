"""The player's side of history: the session record, the pain check-ins and the `p` key
around one `backpain start`, and the 'hurt last time' note of `backpain show`.

The history file, the question, the wall clock and where warnings go are passed in (the
CLI builds the real ones), so nothing here reads the environment or a terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from backpain_cli.history.recorder import Recorder, WallClock
    from backpain_cli.history.store import History
    from backpain_cli.player.engine import Listener, Summary
    from backpain_cli.routines.model import Routine


class SessionTracking:
    """History and pain tracking around one `backpain start`.

        Opening refuses a damaged or foreign history (HistoryError, exit 2, before anything
        starts) and warns when history cannot be written here (the routine still runs).
        `history_file` None records nothing; `ask_pain` None asks no questions. A Ctrl-C at
        the question before the routine (CheckInCancelled; `q` too) closes the history and is
    raised.
    """

    def __init__(
        self,
        routine: Routine,
        *,
        history_file: Path | None,
        ask_pain: Callable[[], int | None] | None,
        wall_clock: WallClock,
        report: Callable[[str], None],
    ) -> None:
        from backpain_cli.history.recorder import Recorder
        from backpain_cli.history.store import open_for_recording
        from backpain_cli.player.display import NoticeLine
        from backpain_cli.player.engine import BINDINGS
        from backpain_cli.player.pain import PainKeys

        self.store: History | None = None
        self.warnings: list[str] = []
        self._report = report
        hurt: list[str] = []
        if history_file is not None:
            self.store, warning = open_for_recording(history_file)
            if warning:
                report(warning)
        if self.store is not None:
            hurt = [
                exercise_id
                for exercise_id in self.store.hurt_last_time(routine.name)
                if routine.exercise_index(exercise_id) is not None
            ]
        self._ask_pain = ask_pain
        self.ask = ask_pain is not None
        pain_before = self._ask() if self.ask else None
        self.notice_line = NoticeLine()
        self.recorder: Recorder | None = None
        if self.store is not None:
            self.recorder = Recorder(
                self.store,
                routine=routine,
                content_hash=routine.content_hash,
                wall_clock=wall_clock,
                warn=self._warn,
                pain_before=pain_before,
            )
        self.pain = PainKeys(
            show=self.notice_line.show,
            clear=self.notice_line.clear,
            hurt_last_time=hurt,
        )
        self.bindings = self.pain.bindings(BINDINGS)
        self.wait = self.pain.wait
        self.listeners: list[Listener] = [self.pain]
        if self.recorder is not None:
            self.listeners.insert(0, self.recorder)

    def _ask(self, *, before: bool = True) -> int | None:
        from backpain_cli.player.check_in import CheckInCancelled

        assert self._ask_pain is not None
        try:
            return self._ask_pain()
        except CheckInCancelled:
            if before:  # Ctrl-C before the routine: nothing starts
                self.close()
                raise
            return None

    def _warn(self, message: str) -> None:
        self.warnings.append(message)
        self.notice_line.show(message)

    def after(self, summary: Summary) -> None:
        """The check-in after the routine (also after quitting early: then the rating
        matters most), and any warning."""
        if self.ask:
            pain_after = self._ask(before=False)
            if self.recorder is not None:
                self.recorder.record_pain_after(pain_after)
        for message in self.warnings:
            self._report(message)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None


def hurt_last_time_note(routine: Routine, history_file: Path) -> str:
    """For `show`: the routine's exercises that hurt the last time they were played."""
    from backpain_cli.errors import HistoryError
    from backpain_cli.history.store import open_for_reading

    try:
        store = open_for_reading(history_file)
    except HistoryError:  # `backpain history` reports it; `show` still shows the routine
        return ""
    if store is None:
        return ""
    with store:
        hurt = store.hurt_last_time(routine.name)
    found = sorted(i for i in map(routine.exercise_index, hurt) if i is not None)
    names = [routine.exercises[i].name for i in found]
    if not names:
        return ""
    return (
        f"Hurt last time: {', '.join(names)}. `backpain start {routine.name}` flags "
        f"{'it' if len(names) == 1 else 'them'}; press s to skip."
    )
