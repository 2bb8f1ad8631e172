"""The history listener: turns the player's events into history rows as they happen.

A session is written once something happened in it: the first hold run to its end, or
an exercise stopped because it hurt. A start followed by `q` in the first seconds is
not a session and leaves nothing behind. From then on each exercise is committed the
moment it is left (done, skipped, stopped because it hurt, or stopped by quitting), and
the end is written when the routine finishes or is quit. So a killed terminal or a
power cut loses at most the exercise in progress, and the session shows as partial.

`resume` carries on with a partial session (`start --resume`): its exercises are kept,
the ones played now replace theirs, and it is one session, completed when every
exercise has its record and the end is reached.

Recording never stops the player: `start` hands it a `QueuedHistory`, whose thread
does the writes (`history/writer.py`: a lock held by another process is waited out
there, off the player's clock). A failed write (a full disk) is reported once through
`warn` and recording stops for this session.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from backpain_cli.errors import HistoryError
from backpain_cli.history.records import (
    ExerciseRecord,
    ExerciseStatus,
    SessionOutcome,
    SessionRecord,
)
from backpain_cli.history.store import History, SessionStart
from backpain_cli.history.writer import QueuedHistory
from backpain_cli.player.events import (
    EndReason,
    Event,
    ExerciseFinished,
    ExerciseHurt,
    ExerciseOutcome,
    ExerciseResult,
    ExerciseSkipped,
    Finished,
    Quit,
    SegmentEnded,
    SegmentStarted,
    Started,
)
from backpain_cli.routines.model import Routine
from backpain_cli.routines.timeline import SegmentKind

WallClock = Callable[[], datetime]
"""The real time (aware), for the records; the player's clock may run faster."""


class Recorder:
    """A player listener that records one session into `history`."""

    def __init__(
        self,
        history: History | QueuedHistory,
        *,
        routine: Routine,
        content_hash: str,
        wall_clock: WallClock,
        warn: Callable[[str], None],
        pain_before: int | None = None,
        speed: float = 1.0,
        note: str = "",
        counts_as: str = "",
        resume: SessionRecord | None = None,
        routine_path: str | None = None,
    ) -> None:
        self.history = history
        self.routine_path = routine_path  # the file played, None: played by name
        self.routine = routine
        self.content_hash = content_hash
        self.pain_before = pain_before
        self.speed = speed
        self.note = note
        self.counts_as = counts_as
        self.resume = resume
        self._now = wall_clock
        self._warn = warn
        self.session_id: int | None = resume.id if resume is not None else None
        self.failed = False
        self._start_record: SessionStart | None = None
        self._waiting: list[ExerciseRecord] = []  # left before the session was written
        self._kept = (  # positions recorded before a resumption (`stopped` is played again)
            {e.position for e in resume.exercises if e.status is not ExerciseStatus.STOPPED}
            if resume is not None
            else set()
        )
        self._entered: dict[int, datetime] = {}  # exercise index -> when it was entered
        self._current: int | None = None
        self._held: dict[int, set[tuple[int, int, str]]] = {}  # completed (set, rep, side)
        self._done_any = resume is not None and any(
            e.status is ExerciseStatus.DONE for e in resume.exercises
        )
        self._left_out = False  # `--from` left exercises out: not a whole session
        self._ended = False  # finished or quit, and written so

    @property
    def recorded(self) -> bool:
        """Whether this session is in the history (so far)."""
        return self.session_id is not None and not self.failed

    # -- what the CLI tells it --------------------------------------------------------

    def record_pain_after(self, pain: int | None) -> None:
        if pain is not None and self.session_id is not None:
            at = self._now()
            self._safely(lambda: self.history.record_pain_after(self._session(), pain, at=at))

    def record_rating(self, index: int, rating: int, kind: str) -> None:
        """The rating after exercise `index` (`rate_each`), once it has been recorded."""
        if self.session_id is not None:
            session = self._session()
            at = self._now()
            self._safely(lambda: self.history.record_rating(session, index, rating, kind, at=at))

    def record_note(self, note: str) -> None:
        if note and self.session_id is not None:
            at = self._now()
            self._safely(lambda: self.history.record_note(self._session(), note, at=at))

    # -- events -----------------------------------------------------------------------

    def handle(self, event: Event) -> None:
        if self.failed:
            return
        if isinstance(event, Started):
            self._start(event)
        elif isinstance(event, SegmentStarted):
            index = event.segment.exercise_index
            if index != self._current:  # entered (again: going back keeps what was held)
                self._current = index
                self._entered.setdefault(index, self._now())
                self._held.setdefault(index, set())
        elif isinstance(event, SegmentEnded):
            segment = event.segment
            if event.reason is EndReason.COMPLETED and segment.kind.works:
                side = segment.side.value if segment.side else ""
                reps = [segment.rep]
                if segment.kind is SegmentKind.SELF_PACED:
                    # The reps counted with space; `n` without counting: the reps planned.
                    counted = event.status.counted or segment.exercise.reps
                    reps = list(range(1, counted + 1))
                self._held.setdefault(segment.exercise_index, set()).update(
                    (segment.set, rep, side) for rep in reps
                )
                self._begin()
        elif isinstance(event, (ExerciseFinished, ExerciseSkipped, ExerciseHurt)):
            self._exercise(event.result)
            self._current = None
        elif isinstance(event, Finished):
            whole = self._done_any and not self._left_out
            self._end(SessionOutcome.COMPLETED if whole else SessionOutcome.PARTIAL)
        elif isinstance(event, Quit):
            for result in event.summary.results:
                if result.outcome is ExerciseOutcome.STOPPED:
                    self._exercise(result, stopped=True)
            self._end(SessionOutcome.PARTIAL)

    # -- internals --------------------------------------------------------------------

    def _start(self, event: Started) -> None:
        timeline = event.status.timeline
        played = {segment.exercise_index for segment in timeline.segments} | self._kept
        self._left_out = len(played) < len(self.routine.exercises)
        now = self._now()
        if self.resume is not None:
            resumed = self.resume.id
            self._safely(lambda: self.history.resume_session(resumed, at=now, speed=self.speed))
            return
        self._start_record = SessionStart(
            routine=self.routine.name,
            routine_hash=self.content_hash,
            started=now,
            exercises_planned=len(self.routine.exercises),
            pain_before=self.pain_before,
            frequency=self.routine.frequency,
            speed=self.speed,
            note=self.note,
            counts_as=self.counts_as,
            routine_path=self.routine_path,
            plan_step=self.routine.step or None,
        )

    def _begin(self) -> None:
        """Write the session (once something happened in it) and what was left before."""
        if self.session_id is not None or self._start_record is None:
            return
        start = self._start_record

        def begin() -> None:
            self.session_id = self.history.begin_session(start)

        self._safely(begin)
        waiting, self._waiting = self._waiting, []
        for record in waiting:
            self._write_exercise(record)

    def _write_exercise(self, record: ExerciseRecord) -> None:
        self._safely(lambda: self.history.record_exercise(self._session(), record))

    def _session(self) -> int:
        assert self.session_id is not None
        return self.session_id

    def _exercise(self, result: ExerciseResult, *, stopped: bool = False) -> None:
        index = result.exercise_index
        if result.outcome is ExerciseOutcome.HURT:
            status = ExerciseStatus.STOPPED_FOR_PAIN
        elif stopped:
            status = ExerciseStatus.STOPPED
        elif result.outcome is ExerciseOutcome.DONE:
            status = ExerciseStatus.DONE
            self._done_any = True
        else:
            status = ExerciseStatus.SKIPPED
        held = self._held.get(index, set())
        sides = tuple(side.value for side in result.exercise.sides)
        reps = {(set_, rep) for set_, rep, _ in held}
        reps_done = sum(
            1 for set_, rep in reps if all((set_, rep, side) in held for side in (sides or ("",)))
        )
        now = self._now()
        record = ExerciseRecord(
            position=index,
            exercise_id=result.exercise.id,
            name=result.exercise.name,
            status=status,
            started=self._entered.get(index, now),
            ended=now,
            reps_done=reps_done,
            holds_done=result.holds_done,
            holds_planned=result.holds_total,
            sides_done=tuple(side for side in sides if any(h[2] == side for h in held)),
        )
        if status is ExerciseStatus.STOPPED_FOR_PAIN:
            self._begin()  # "it hurt" is worth keeping even before any hold ended
        if self.session_id is None:
            self._waiting.append(record)
            return
        self._write_exercise(record)

    def interrupted(self) -> None:
        """The player was ended from outside (the terminal closed, a signal): a session
        that neither finished nor was quit ends now, partial, so its time is the time it
        really ran (not 0:00, as its start would say)."""
        if not self._ended:
            self._end(SessionOutcome.PARTIAL)

    def _end(self, outcome: SessionOutcome) -> None:
        self._ended = True
        if self.session_id is None:  # nothing happened: not a session
            return
        ended = self._now()
        self._safely(
            lambda: self.history.end_session(self._session(), ended=ended, outcome=outcome)
        )

    def _safely(self, write: Callable[[], None]) -> None:
        if self.failed:
            return
        try:
            write()
        except HistoryError as error:
            self.failed = True
            self._warn(f"history: recording stopped: {error}")
