"""The player's side of history: the session record, the pain check-ins and the `p` key
around one `backpain start`, and the 'hurt last time' note of `backpain show`.

The history file, the question, the wall clock and where warnings go are passed in (the
CLI builds the real ones), so nothing here reads the environment or a terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from backpain_cli.errors import BackpainError
from backpain_cli.text import shell_word

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

    from backpain_cli.history.recorder import Recorder, WallClock
    from backpain_cli.history.records import SessionRecord
    from backpain_cli.history.store import History
    from backpain_cli.player.engine import Listener, Summary
    from backpain_cli.routines.model import Routine


NOTE_LENGTH = 500  # characters: a line for the therapist, not a diary


class NothingToResume(BackpainError):
    """`start --resume` with no partial session of the routine from today."""


def note_text(text: str) -> str:
    """A note as kept: one line, runs of spaces folded, at most NOTE_LENGTH characters."""
    return " ".join(text.split())[:NOTE_LENGTH]


class SessionTracking:
    """History and pain tracking around one `backpain start`.

    Opening refuses a damaged or foreign history (HistoryError, exit 2, before anything
    starts) and warns when history cannot be written here (the routine still runs).
    `history_file` None records nothing; `ask_pain` None asks no questions. A Ctrl-C at
    the question before the routine (CheckInCancelled; `q` too) closes the history and is
    raised.

    A `speed` other than 1 is a preview and is not recorded unless `record_sped_up`
    (then the session is marked as sped up). `note` is kept with the session; without
    one, `ask_note` asks for one after the closing pain question. `resume_since` (the
    start of today) continues the routine's last partial session from today, from the
    exercise where it stopped (`resume_from`), as the same session; NothingToResume
    when there is none.
    """

    def __init__(
        self,
        routine: Routine,
        *,
        history_file: Path | None,
        ask_pain: Callable[[], int | None] | None,
        wall_clock: WallClock,
        report: Callable[[str], None],
        speed: float = 1.0,
        record_sped_up: bool = False,
        note: str = "",
        ask_note: Callable[[], str] | None = None,
        counts_as: str = "",
        resume_since: datetime | None = None,
        routine_path: str | None = None,
    ) -> None:
        from backpain_cli.player.engine import BINDINGS
        from backpain_cli.player.live import NoticeLine
        from backpain_cli.player.pain import PainKeys

        self.store: History | None = None
        self.warnings: list[str] = []
        self._report = report
        self._note = note_text(note)
        self._ask_note = ask_note if not self._note else None
        self.resume_from: int | None = None  # the exercise index a resumption starts at
        self._routine_path = routine_path  # played from this file; None: by name
        hurt: list[str] = []
        if history_file is not None and speed != 1 and not record_sped_up:
            report(
                f"not recorded: --speed {speed:g} is a preview (--record records it, "
                "marked as sped up)"
            )
            history_file = None
        if history_file is not None:  # history's modules only when there is a history
            from backpain_cli.history.store import open_for_recording

            self.store, warning = open_for_recording(history_file)
            if warning:
                report(warning)
        if self.store is not None:
            hurt = [
                exercise_id
                for exercise_id in self.store.hurt_last_time(routine.name)
                if routine.exercise_index(exercise_id) is not None
            ]
        resumed = None
        if resume_since is not None:
            resumed = self._resumable(routine, resume_since)
        self._ask_pain = ask_pain
        self.ask = ask_pain is not None
        # A resumed session has its opening rating already.
        pain_before = self._ask() if self.ask and resumed is None else None
        self.notice_line = NoticeLine()
        self.recorder: Recorder | None = None
        if self.store is not None:
            from backpain_cli.history.recorder import Recorder

            self.recorder = Recorder(
                self.store,
                routine=routine,
                content_hash=routine.content_hash,
                wall_clock=wall_clock,
                warn=self._warn,
                pain_before=pain_before,
                speed=speed,
                note=self._note,
                counts_as=counts_as,
                resume=resumed,
                routine_path=routine_path,
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

    def _resumable(self, routine: Routine, since: datetime) -> SessionRecord:
        from backpain_cli.history.records import ExerciseStatus, SessionOutcome

        last = self.store.last_session(routine.name, since=since) if self.store else None
        start = f"`backpain start {shell_word(self._routine_path or routine.name)}`"
        if last is None or last.outcome is not SessionOutcome.PARTIAL:
            self.close()
            raise NothingToResume(
                f"nothing to resume: no unfinished session of {routine.name} from today "
                f"({start} starts a new one)"
            )
        if last.routine_hash != routine.content_hash:
            self.close()
            raise NothingToResume(
                f"cannot resume: {routine.name} has changed since that session; "
                f"{start} starts a new one"
            )
        kept = {e.position for e in last.exercises if e.status is not ExerciseStatus.STOPPED}
        left = [index for index in range(len(routine.exercises)) if index not in kept]
        if not left:
            self.close()
            raise NothingToResume(  # it went to the end, skipping some: they stay skipped
                f"nothing to resume: today's session of {routine.name} went to its end "
                f"({start} starts a new one)"
            )
        self.resume_from = left[0]
        return last

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
        matters most), the note question after it, and any warning."""
        recorded = self.recorder is not None and self.recorder.recorded
        if self.ask:
            pain_after = self._ask(before=False)
            if self.recorder is not None:
                self.recorder.record_pain_after(pain_after)
        if self._ask_note is not None and recorded:
            assert self.recorder is not None
            self.recorder.record_note(note_text(self._ask_note()))
        if self.recorder is not None and not (self.recorder.recorded or self.recorder.failed):
            self._report("not recorded: no hold ran to its end")
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
