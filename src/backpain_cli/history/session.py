"""One `backpain start` in the history: the session it records, the exercises that hurt
last time, a resumed session, and the 'hurt last time' note of `backpain show`.

`open_session` opens the history (or not: a preview, `--no-history`, a folder that
cannot be written) and finds what to resume; `Session.record` begins the record with
the opening pain rating; the player then hears it as its `Tracker`; afterwards the CLI
gives it the closing rating and the note, and `finish` says what was not recorded.
No question is asked here: the history file, the wall clock and where messages go are
passed in, so nothing here reads the environment or a terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from backpain_cli.errors import BackpainError
from backpain_cli.files import exists_somehow
from backpain_cli.text import shell_word

if TYPE_CHECKING:
    from datetime import datetime
    from pathlib import Path

    from backpain_cli.history.recorder import Recorder, WallClock
    from backpain_cli.history.records import SessionRecord
    from backpain_cli.history.store import History
    from backpain_cli.history.writer import QueuedHistory
    from backpain_cli.player.events import Event
    from backpain_cli.routines.model import Routine


NOTE_LENGTH = 500  # characters: a line for the therapist, not a diary


class NothingToResume(BackpainError):
    """`start --resume` with no partial session of the routine from today."""


def note_text(text: str) -> str:
    """A note as kept: one line, runs of spaces folded, at most NOTE_LENGTH characters."""
    return " ".join(text.split())[:NOTE_LENGTH]


class Session:
    """The history of one `backpain start` (the player's `Tracker`); `store` None records
    nothing. Close it (or use it as a context manager) when the command ends."""

    def __init__(
        self,
        routine: Routine,
        store: History | None,
        *,
        report: Callable[[str], None],
        resumed: SessionRecord | None = None,
        resume_from: int | None = None,
        hurt_before: Sequence[str] = (),
    ) -> None:
        self.routine = routine
        self.store = store
        self.resumed = resumed
        self.resume_from = resume_from  # the exercise index a resumed session goes on from
        self.warnings: list[str] = []
        self.recorder: Recorder | None = None
        self.writer: QueuedHistory | None = None
        self._report = report
        self._notify: Callable[[str], None] = lambda message: None
        # What hurt last time is flagged, recorded now or not (`hurt_before`: read from
        # a history that this session is not recorded in).
        hurt = store.hurt_last_time(routine.name) if store is not None else hurt_before
        self.hurt_last_time = [
            exercise_id for exercise_id in hurt if routine.exercise_index(exercise_id) is not None
        ]

    def record(
        self,
        *,
        wall_clock: WallClock,
        pain_before: int | None,
        speed: float = 1.0,
        note: str = "",
        counts_as: str = "",
        routine_path: str | None = None,
    ) -> None:
        """Record the routine as it plays (with a history), with the opening rating;
        `routine_path`: the file it was played from (None: by name)."""
        if self.store is None:
            return
        from backpain_cli.history import recorder, writer  # only when recording

        # Writes go to a thread: the player never waits on the disk or a lock.
        self.writer = writer.QueuedHistory(self.store, warn=self._warn)
        self.writer.start()
        self.recorder = recorder.Recorder(
            self.writer,
            routine=self.routine,
            content_hash=self.routine.content_hash,
            wall_clock=wall_clock,
            warn=self._warn,
            pain_before=pain_before,
            speed=speed,
            note=note_text(note),
            counts_as=counts_as,
            resume=self.resumed,
            routine_path=routine_path,
        )

    # -- the player's Tracker ---------------------------------------------------------

    @property
    def recording(self) -> bool:
        return self.recorder is not None

    def attach(self, notify: Callable[[str], None]) -> None:
        self._notify = notify

    def handle(self, event: Event) -> None:
        if self.recorder is not None:
            self.recorder.handle(event)

    # -- afterwards -------------------------------------------------------------------

    @property
    def recorded(self) -> bool:
        """Whether this session is in the history."""
        return self.recorder is not None and self.recorder.recorded

    def record_pain_after(self, pain: int | None) -> None:
        if self.recorder is not None:
            self.recorder.record_pain_after(pain)

    def record_rating(self, index: int, rating: int | None, kind: str) -> None:
        """The rating after exercise `index` (`rate_each`; None: skipped, nothing kept)."""
        if self.recorder is not None and rating is not None:
            self.recorder.record_rating(index, rating, kind)

    def record_note(self, note: str) -> None:
        if self.recorder is not None:
            self.recorder.record_note(note_text(note))

    def finish(self) -> None:
        """Say that nothing was recorded (when so), and each warning of the run."""
        if self.recorder is not None and not (self.recorder.recorded or self.recorder.failed):
            self._report("not recorded: no hold ran to its end")
        self._finish_writes()
        for message in self.warnings:
            self._report(message)

    def _finish_writes(self) -> None:
        """Wait (a little) for the writer thread; say what it could not write."""
        if self.writer is not None:
            writer, self.writer = self.writer, None
            left = writer.finish()
            if left:
                self.warnings.append(left)
            elif writer.locked and not writer.failed:
                self.warnings.append("history: written once the other process let go")

    def close(self) -> None:
        if self.recorder is not None:  # ended from outside (the terminal closed): ends now
            self.recorder.interrupted()
        if self.writer is not None:  # quit by a signal or an error: keep what can be kept
            self._finish_writes()
            for message in self.warnings:
                self._report(message)
        if self.store is not None:
            self.store.close()
            self.store = None

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _warn(self, message: str) -> None:
        self.warnings.append(message)
        self._notify(message)


def open_session(
    routine: Routine,
    *,
    history_file: Path | None,
    report: Callable[[str], None],
    speed: float = 1.0,
    record_sped_up: bool = False,
    resume_since: datetime | None = None,
    routine_path: str | None = None,
    hurt_from: Path | None = None,
) -> Session:
    """The history of one `start` of `routine`.

    Opening refuses a damaged or foreign history (HistoryError, exit 2, before anything
    starts) and warns through `report` when history cannot be written here (the routine
    still runs). `history_file` None records nothing; what hurt last time is then read
    from `hurt_from` (the history file, not written). A `speed` other than 1 is a
    preview and is not recorded unless `record_sped_up` (then it is marked as sped up).
    `resume_since` (the start of today) continues the routine's last partial session
    from today, from the exercise where it stopped, as the same session;
    NothingToResume when there is none (saying how to start anew: by `routine_path`,
    the file it was played from, else by name).
    """
    if history_file is not None and speed != 1 and not record_sped_up:
        report(
            f"not recorded: --speed {speed:g} is a preview (--record records it, marked as sped up)"
        )
        history_file = None
    hurt_before: list[str] = []
    store = None
    # SQLite only with a history: to record in, or one there to read what hurt from
    if history_file is not None or (hurt_from is not None and exists_somehow(hurt_from)):
        from backpain_cli.history import store as history_store

        if history_file is not None:
            store, warning = history_store.open_for_recording(history_file)
            if warning:
                report(warning)
        else:
            assert hurt_from is not None
            hurt_before = _hurt_before(history_store.open_for_reading, hurt_from, routine.name)
    resumed, resume_from = None, None
    if resume_since is not None:
        try:
            resumed, resume_from = _resumable(
                routine, store, resume_since, routine_path or routine.name
            )
        except NothingToResume:
            if store is not None:
                store.close()
            raise
    return Session(
        routine,
        store,
        report=report,
        resumed=resumed,
        resume_from=resume_from,
        hurt_before=hurt_before,
    )


def _hurt_before(
    open_for_reading: Callable[[Path], History | None], history_file: Path, routine: str
) -> list[str]:
    """The exercises of `routine` stopped for pain the last time, from a history that
    nothing is recorded in now (`--no-history`, a preview); none when it cannot be read."""
    try:
        store = open_for_reading(history_file)
    except BackpainError:
        return []
    if store is None:
        return []
    with store:
        return store.hurt_last_time(routine)


def _resumable(
    routine: Routine, store: History | None, since: datetime, reference: str
) -> tuple[SessionRecord, int]:
    """Today's partial session of `routine` and the exercise index it goes on from."""
    from backpain_cli.history.records import ExerciseStatus, SessionOutcome

    last = store.last_session(routine.name, since=since) if store else None
    start = f"`backpain start {shell_word(reference)}`"
    if last is None or last.outcome is not SessionOutcome.PARTIAL:
        raise NothingToResume(
            f"nothing to resume: no unfinished session of {routine.name} from today "
            f"({start} starts a new one)"
        )
    if last.routine_hash != routine.content_hash:
        raise NothingToResume(
            f"cannot resume: {routine.name} has changed since that session; "
            f"{start} starts a new one"
        )
    # The exercises it has no record of (or stopped in) are left to do.
    kept = {e.position for e in last.exercises if e.status is not ExerciseStatus.STOPPED}
    left = [index for index in range(len(routine.exercises)) if index not in kept]
    if not left:
        raise NothingToResume(  # it went to the end, skipping some: they stay skipped
            f"nothing to resume: today's session of {routine.name} went to its end "
            f"({start} starts a new one)"
        )
    return last, left[0]


def hurt_last_time_note(routine: Routine, store: History | None) -> str:
    """For `show`: the routine's exercises that hurt the last time they were played
    (none without a history)."""
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
