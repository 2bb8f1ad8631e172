"""The player's history writes, off the player's clock: a queue and one writer thread.

The recorder calls the same write methods as on `History`; each call is queued and
returns at once, so the player never waits on the disk or on another process's lock:
keys are answered and holds are shown on time whatever the database does, and a hold
is only ever recorded as the player saw it. `begin_session` gives a stand-in id
(negative, never a real one) that later calls use; the thread learns the real one.

Each call waits up to SETTLE_SECONDS for its write (a commit takes a few ms), so a
player killed right after an exercise still has it on disk; once the history is found
locked, calls no longer wait. The thread writes in order, each write its own short
transaction. A write that finds the history locked by another process waits
WRITE_WAIT_MS, is tried again every RETRY_SECONDS, and gives one notice; the session
is kept in memory meanwhile.
`finish` waits up to FINISH_SECONDS for what is left, and says what was not recorded.
Any other failure (a full disk) is reported once and recording stops, as before.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from datetime import datetime

from backpain_cli.errors import HistoryError, HistoryLocked
from backpain_cli.history.database import WRITE_WAIT_MS
from backpain_cli.history.records import ExerciseRecord, SessionOutcome
from backpain_cli.history.store import History, SessionStart
from backpain_cli.text import plural

RETRY_SECONDS = 0.25
SETTLE_SECONDS = 0.05  # well inside the 100 ms a key must be answered in
FINISH_SECONDS = 1.0
LOCKED = "history: locked by another process; kept and written when it can"

Job = Callable[[], None]


class QueuedHistory:
    """`History`'s session writes, queued for one writer thread (start it with `start`)."""

    def __init__(self, history: History, *, warn: Callable[[str], None]) -> None:
        self.history = history
        self._warn = warn
        self._jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._ids: dict[int, int] = {}  # stand-in id -> the row's id
        self._next = -1
        self._stop = threading.Event()
        self.locked = False  # told the person once
        self.failed = False
        self._pending = 0  # writes queued and not yet done
        self._count = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="history-writer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    # -- the writes the recorder makes ---------------------------------------------

    def begin_session(self, start: SessionStart) -> int:
        stand_in, self._next = self._next, self._next - 1

        def begin() -> None:
            self._ids[stand_in] = self.history.begin_session(start)

        self._queue(begin)
        return stand_in

    def resume_session(self, session_id: int, *, at: datetime, speed: float) -> None:
        self._queue(lambda: self.history.resume_session(self._id(session_id), at=at, speed=speed))

    def record_exercise(self, session_id: int, record: ExerciseRecord) -> None:
        self._queue(lambda: self.history.record_exercise(self._id(session_id), record))

    def end_session(self, session_id: int, *, ended: datetime, outcome: SessionOutcome) -> None:
        self._queue(
            lambda: self.history.end_session(self._id(session_id), ended=ended, outcome=outcome)
        )

    def record_pain_after(self, session_id: int, pain: int, *, at: datetime) -> None:
        self._queue(lambda: self.history.record_pain_after(self._id(session_id), pain, at=at))

    def record_note(self, session_id: int, note: str, *, at: datetime) -> None:
        self._queue(lambda: self.history.record_note(self._id(session_id), note, at=at))

    def record_rating(
        self, session_id: int, index: int, rating: int, kind: str, *, at: datetime
    ) -> None:
        self._queue(
            lambda: self.history.record_rating(self._id(session_id), index, rating, kind, at=at)
        )

    # -- the end ----------------------------------------------------------------------

    def finish(self) -> str | None:
        """Wait up to FINISH_SECONDS for the queued writes; None when all are written (or
        recording had failed, which was said), else what was not recorded."""
        self._jobs.put(None)
        self._thread.join(FINISH_SECONDS)
        if not self._thread.is_alive():
            return None
        self._stop.set()
        self._thread.join(FINISH_SECONDS)  # one try of WRITE_WAIT_MS; a stuck disk: no more
        return (
            "not recorded: history locked by another process "
            f"({plural(self._pending, 'write')} left)"
        )

    # -- the thread -------------------------------------------------------------------

    def _id(self, session_id: int) -> int:
        return self._ids[session_id] if session_id < 0 else session_id

    def _queue(self, job: Job) -> None:
        if self.failed:
            return
        with self._count:
            self._pending += 1
            self._jobs.put(job)
            if not self.locked:
                self._count.wait_for(lambda: self._pending == 0, SETTLE_SECONDS)

    def _run(self) -> None:
        self.history.wait_at_most(WRITE_WAIT_MS)
        while (job := self._jobs.get()) is not None:
            if not self._write(job):
                return
            with self._count:
                self._pending -= 1
                self._count.notify_all()

    def _write(self, job: Job) -> bool:
        """Do one write, trying again while the history is locked; False to stop."""
        while True:
            try:
                job()
                return True
            except HistoryLocked:
                if not self.locked:
                    self.locked = True
                    self._warn(LOCKED)
            except HistoryError as error:
                self.failed = True
                self._warn(f"history: recording stopped: {error}")
                return False
            if self._stop.wait(RETRY_SECONDS):
                return False
