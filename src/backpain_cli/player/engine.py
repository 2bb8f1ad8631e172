"""The player: walks a routine's timeline on an injected clock, emits events, takes commands.

No rich, no terminal, no sound and no real time here: the CLI passes in a clock (any
monotonic ``() -> float`` in routine seconds; `--speed` is applied by the caller) and a
``wait(timeout)`` function that returns the keys pressed meanwhile, and it registers
listeners for the events. Tests drive the same code with a fake clock.

The events and the `Status` they carry are in events.py (re-exported here).

Commands are `Player` methods (`toggle_pause`, `next`, `back`, `skip_exercise`,
`this_hurts`, `quit`, `toggle_mute`, `toggle_help`, `redraw`); `BINDINGS` is the one
table that maps the person's key names (as `keys.key_reader` reports them) to commands,
and the display's key line and help are drawn from it (`rate_each` adds two hidden
bindings that only it sends, `player/rating.py`).

"This hurts" (`p`) stops the current exercise (its outcome is "hurt"), moves to the
next one and holds there, paused, with `Status.held_for_pain` set: the next key goes on
(whatever it is), except a quit key, which quits, and a resize, which redraws.

Timing: a segment's deadline is where the previous one ended plus its duration (plus any
time spent paused), so late wake-ups never add up; a command (next, back, skip) starts
the new segment at the moment it is given.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from backpain_cli.player.events import (
    Cue,
    CueKind,
    EndReason,
    Event,
    ExerciseFinished,
    ExerciseHurt,
    ExerciseOutcome,
    ExerciseResult,
    ExerciseSkipped,
    Finished,
    HelpToggled,
    Listener,
    MuteChanged,
    Paused,
    Quit,
    Redraw,
    Resumed,
    SegmentEnded,
    SegmentStarted,
    Started,
    Status,
    Summary,
    Tick,
)
from backpain_cli.routines.timeline import SegmentKind, Timeline

__all__ = [
    "BACK_GRACE",
    "BINDINGS",
    "COUNTDOWN_FROM",
    "QUIT_KEYS",
    "Binding",
    "Clock",
    "Cue",
    "CueKind",
    "EndReason",
    "Event",
    "ExerciseFinished",
    "ExerciseHurt",
    "ExerciseOutcome",
    "ExerciseResult",
    "ExerciseSkipped",
    "Finished",
    "HelpToggled",
    "Listener",
    "MuteChanged",
    "Paused",
    "Player",
    "Quit",
    "Redraw",
    "Resumed",
    "SegmentEnded",
    "SegmentStarted",
    "Started",
    "Status",
    "Summary",
    "Tick",
    "Wait",
    "key_table",
]

Clock = Callable[[], float]
"""Monotonic time in routine seconds."""

Wait = Callable[[float | None], Sequence[str]]
"""Wait up to `timeout` routine seconds (None: until a key) and return the keys pressed."""

BACK_GRACE = 3.0
"""`back` this soon after a segment started goes to the previous one instead of restarting."""

COUNTDOWN_FROM = 3
"""Prepare segments cue COUNTDOWN at 3, 2 and 1 seconds left."""

QUIT_KEYS = ("q", "ctrl-c")
"""Keys that quit even while the player holds after "this hurts"."""

_EPSILON = 1e-9


class _State(enum.Enum):
    READY = "ready"
    RUNNING = "running"
    FINISHED = "finished"
    QUIT = "quit"


class Player:
    """Plays one timeline. Call `run` (or `start`, then commands and `advance`)."""

    def __init__(
        self,
        timeline: Timeline,
        *,
        clock: Clock,
        listeners: Sequence[Listener] = (),
        muted: bool = False,
        counts_reps: bool = True,
    ) -> None:
        self.timeline = timeline
        # False without a keyboard: a self-paced step cannot be counted, so it ends as
        # soon as it starts (and counts as done) instead of waiting for a key forever.
        self._counts_reps = counts_reps
        self._clock = clock
        self._listeners = list(listeners)
        self._state = _State.READY
        self._index = 0
        self._deadline = 0.0
        self._shown = -1
        self._started_at = 0.0
        self._paused_at: float | None = None
        self._paused_total = 0.0
        self._muted = muted
        self._help = False
        self._help_paused = False  # help was opened while running: closing it resumes
        self._entered_at = 0.0  # when the current segment began (player time)
        self._counted = 0  # reps counted in the current self-paced segment
        self._completed: set[int] = set()  # indices of segments that ran to their end
        self._outcomes: dict[int, ExerciseOutcome] = {}
        self._held_for_pain = False  # after "this hurts": the next key goes on
        self.summary: Summary | None = None

    # -- queries ---------------------------------------------------------------------

    @property
    def active(self) -> bool:
        """Started and neither finished nor quit."""
        return self._state is _State.RUNNING

    @property
    def paused(self) -> bool:
        return self._paused_at is not None

    @property
    def muted(self) -> bool:
        return self._muted

    def status(self) -> Status:
        now = self._now()
        running = self._state is _State.RUNNING and not math.isinf(self._deadline)
        return Status(
            timeline=self.timeline,
            index=self._index,
            remaining=max(0.0, self._deadline - now) if running else 0.0,
            elapsed=now - self._started_at - self._paused_total,
            paused=self.paused,
            muted=self._muted,
            help=self._help,
            counted=self._counted,
            held_for_pain=self._held_for_pain,
        )

    def timeout(self) -> float | None:
        """Routine seconds until something is due; None while paused or over."""
        if not self.active or self.paused:
            return None
        if math.isinf(self._deadline):  # self-paced: until a key, or at once without keys
            return None if self._counts_reps else 0.0
        now = self._clock()
        shown = math.ceil(self._deadline - now - _EPSILON)
        return max(0.0, self._deadline - max(shown - 1, 0) - now)

    # -- running ---------------------------------------------------------------------

    def run(self, wait: Wait, bindings: Sequence[Binding] | None = None) -> Summary:
        """Play to the end or until quit; keys from `wait` are dispatched through `bindings`."""
        actions = key_table(BINDINGS if bindings is None else bindings)
        self.start()  # unless it has started already
        while self.active:
            for key in wait(self.timeout()):
                action = actions.get(key) or actions.get(key.lower())
                if self._held_for_pain and key != "resize":
                    self._held_for_pain = False
                    if key.lower() not in QUIT_KEYS:
                        action = Player.resume  # any key goes on after "this hurts"
                if action is not None:
                    action(self)
                if not self.active:
                    break
            self.advance()
        assert self.summary is not None
        return self.summary

    def start(self) -> None:
        if self._state is not _State.READY:
            return
        self._started_at = self._clock()
        self._state = _State.RUNNING
        self._emit(Started)
        if self.timeline.segments:
            self._enter(0, self._started_at)
        else:
            self._finish()

    def advance(self) -> None:
        """Process every deadline that has passed, then emit a tick if the countdown moved."""
        if not self.active or self.paused:
            return
        now = self._clock()
        while self.active and now >= self._deadline - _EPSILON:
            at = self._deadline
            self._leave(EndReason.COMPLETED, self._index + 1, at)
        if self._untimed() and not self._counts_reps:
            self._leave(EndReason.COMPLETED, self._index + 1, now)
        if not self.active or math.isinf(self._deadline):
            return
        shown = math.ceil(self._deadline - now - _EPSILON)
        if shown != self._shown:
            self._shown = shown
            self._emit(Tick)
            self._countdown_cue(shown)

    # -- commands --------------------------------------------------------------------

    def pause(self) -> None:
        self.advance()
        if self.active and not self.paused:
            self._paused_at = self._clock()
            self._emit(Paused)

    def resume(self) -> None:
        if self.active and self._paused_at is not None:
            pause = self._clock() - self._paused_at
            self._deadline += pause
            self._entered_at += pause
            self._paused_total += pause
            self._paused_at = None
            self._emit(Resumed)

    def toggle_pause(self) -> None:
        """Pause or resume; with help shown, close it and go on."""
        if self._help:  # help shows paused (see `toggle_help`): resuming closes it
            self._help = self._help_paused = False
        if self.paused:
            self.resume()
        else:
            self.pause()

    def pause_or_count(self) -> None:
        """Space: count a rep in a self-paced step (the last one ends it), else pause."""
        self.advance()
        if self.paused or not self._untimed():
            self.toggle_pause()
            return
        self._counted += 1
        if self._counted >= self.timeline.segments[self._index].exercise.reps:
            self._leave(EndReason.COMPLETED, self._index + 1, self._now())
        else:
            self._emit(Tick)
            self._emit(Cue, kind=CueKind.REP_END)

    def next(self) -> None:
        """End the current segment now and start the next one; a self-paced step's `n`
        says it is done, so it counts as completed."""
        self.advance()
        if self.active:
            reason = EndReason.COMPLETED if self._untimed() else EndReason.NEXT
            self._leave(reason, self._index + 1, self._now())

    def back(self) -> None:
        """Restart the current segment; within `BACK_GRACE` of its start, go to the previous
        hold or prepare instead (rests are skipped going backwards)."""
        self.advance()
        if not self.active:
            return
        target = self._index
        if self._now() - self._entered_at < BACK_GRACE:
            for index in range(self._index - 1, -1, -1):
                kind = self.timeline.segments[index].kind
                if kind.works or kind is SegmentKind.PREPARE:
                    target = index
                    break
        self._leave(EndReason.BACK, target, self._now())

    def skip_exercise(self) -> None:
        """Leave the current exercise (counted as skipped) for the next one."""
        self._leave_exercise(EndReason.SKIP_EXERCISE)

    def stop_for_pain(self) -> None:
        """Leave the current exercise (counted as hurt) for the next one."""
        self._leave_exercise(EndReason.HURT)

    def this_hurts(self) -> None:
        """`p`: stop the current exercise because it hurts and hold, paused, at the start
        of the next one until a key goes on (see `run`); at the last one the routine ends."""
        self.stop_for_pain()
        if self.active:
            self._held_for_pain = True
            self.pause()

    def quit(self) -> None:
        self.advance()
        if not self.active:
            return
        self._emit(
            SegmentEnded,
            index=self._index,
            segment=self.timeline.segments[self._index],
            reason=EndReason.QUIT,
        )
        self._state = _State.QUIT
        self.summary = self._summarise(quit=True)
        self._emit(Quit, summary=self.summary)

    def toggle_mute(self) -> None:
        self._muted = not self._muted
        self._emit(MuteChanged)

    def toggle_help(self) -> None:
        """Show or hide the key help. Help stops the clock while it is read: opening it
        pauses (unless already paused), closing it resumes what it paused."""
        self.advance()
        if not self.active:
            return  # pressed as the routine ended: nothing to help with
        self._help = not self._help
        if self._help and not self.paused:
            self._help_paused = True
            self.pause()
        elif not self._help and self._help_paused:
            self._help_paused = False
            self.resume()
        self._emit(HelpToggled)

    def redraw(self) -> None:
        self._emit(Redraw)

    # -- internals -------------------------------------------------------------------

    def _now(self) -> float:
        """The player's own time: frozen while paused."""
        return self._paused_at if self._paused_at is not None else self._clock()

    def _emit(self, event_type: type[Event], **fields: object) -> None:
        event = event_type(self.status(), **fields)
        for listener in list(self._listeners):
            listener.handle(event)

    def _untimed(self) -> bool:
        return self.active and math.isinf(self._deadline)

    def _enter(self, index: int, at: float) -> None:
        self._index = index
        segment = self.timeline.segments[index]
        untimed = segment.kind is SegmentKind.SELF_PACED
        self._deadline = math.inf if untimed else at + segment.duration
        self._entered_at = at
        self._counted = 0
        self._shown = 0 if untimed else math.ceil(self._deadline - self._now() - _EPSILON)
        self._emit(SegmentStarted, index=index, segment=segment)
        if self._switches_side(index):
            self._emit(Cue, kind=CueKind.SIDE_SWITCH)
        self._countdown_cue(self._shown)

    def _leave_exercise(self, reason: EndReason) -> None:
        self.advance()
        if self.active:
            exercise_index = self.timeline.segments[self._index].exercise_index
            target = self.timeline.first_of_exercise(exercise_index + 1)
            self._leave(reason, target, self._now())

    def _leave(self, reason: EndReason, target: int, at: float) -> None:
        """End the current segment for `reason` and enter segment `target` (or finish)."""
        segments = self.timeline.segments
        index = self._index
        segment = segments[index]
        self._emit(SegmentEnded, index=index, segment=segment, reason=reason)
        last = target >= len(segments)
        if reason is EndReason.COMPLETED:
            self._completed.add(index)
            if segment.kind.works and not last:
                self._emit(Cue, kind=CueKind.SET_END if segment.ends_set else CueKind.REP_END)
        if target > index and (last or segments[target].exercise_index != segment.exercise_index):
            self._exercise_left(segment.exercise_index, reason)
        if last:
            self._finish()
        else:
            self._enter(target, at)

    def _exercise_left(self, exercise_index: int, reason: EndReason) -> None:
        done, total = self._holds(exercise_index)
        if reason is EndReason.HURT:
            outcome = ExerciseOutcome.HURT
        elif reason is EndReason.SKIP_EXERCISE or done == 0:
            outcome = ExerciseOutcome.SKIPPED
        else:
            outcome = ExerciseOutcome.DONE
        self._outcomes[exercise_index] = outcome
        result = ExerciseResult(
            exercise_index,
            self.timeline.routine.exercises[exercise_index],
            outcome,
            done,
            total,
        )
        events: dict[ExerciseOutcome, type[Event]] = {
            ExerciseOutcome.DONE: ExerciseFinished,
            ExerciseOutcome.HURT: ExerciseHurt,
        }
        self._emit(events.get(outcome, ExerciseSkipped), result=result)

    def _finish(self) -> None:
        self._index = len(self.timeline.segments)
        self._state = _State.FINISHED
        if self._paused_at is not None:  # finished with `next` while paused
            self._paused_total += self._clock() - self._paused_at
            self._paused_at = None
        self.summary = self._summarise(quit=False)
        self._emit(Cue, kind=CueKind.ROUTINE_END)
        self._emit(Finished, summary=self.summary)

    def _holds(self, exercise_index: int) -> tuple[int, int]:
        holds = [
            index
            for index, segment in enumerate(self.timeline.segments)
            if segment.exercise_index == exercise_index and segment.kind.works
        ]
        return sum(1 for index in holds if index in self._completed), len(holds)

    def _switches_side(self, index: int) -> bool:
        """True at a rest before (or a hold right after) a change of side."""
        segments = self.timeline.segments
        segment = segments[index]
        if segment.side is None:
            return False
        if segment.kind in (SegmentKind.REST, SegmentKind.SET_REST) and index + 1 < len(segments):
            following = segments[index + 1]
            return following.kind.works and following.side != segment.side
        if segment.kind.works and index > 0:
            previous = segments[index - 1]
            return (
                previous.kind.works
                and previous.exercise_index == segment.exercise_index
                and previous.side != segment.side
            )
        return False

    def _countdown_cue(self, shown: int) -> None:
        segment = self.timeline.segments[self._index]
        if segment.kind is SegmentKind.PREPARE and 1 <= shown <= COUNTDOWN_FROM:
            self._emit(Cue, kind=CueKind.COUNTDOWN)

    def _summarise(self, *, quit: bool) -> Summary:
        segments = self.timeline.segments
        current = segments[self._index].exercise_index if self._index < len(segments) else None
        results = []
        for exercise_index in dict.fromkeys(segment.exercise_index for segment in segments):
            done, total = self._holds(exercise_index)
            outcome = self._outcomes.get(exercise_index)
            if exercise_index == current and quit:
                outcome = ExerciseOutcome.STOPPED
            results.append(
                ExerciseResult(
                    exercise_index,
                    self.timeline.routine.exercises[exercise_index],
                    outcome or ExerciseOutcome.NOT_REACHED,
                    done,
                    total,
                )
            )
        now = self._now()
        paused = self._paused_total
        if self._paused_at is not None:
            paused += self._clock() - self._paused_at
        return Summary(
            timeline=self.timeline,
            results=tuple(results),
            active_seconds=now - self._started_at - self._paused_total,
            paused_seconds=paused,
            quit=quit,
        )


@dataclass(frozen=True)
class Binding:
    """One row of the key table: key names, how the key line names them, what they do."""

    keys: tuple[str, ...]
    label: str  # e.g. "space", "n →"; empty: not shown
    short: str  # for the key line, e.g. "pause"
    help: str  # for the `?` help
    action: Callable[[Player], None] = field(compare=False)


BINDINGS: tuple[Binding, ...] = (
    Binding(
        ("space",),
        "space",
        "pause",
        "pause / resume (the clock stops)",
        Player.pause_or_count,
    ),
    Binding(("n", "right"), "n", "next", "next step (n or →)", Player.next),
    Binding(("b", "left"), "b", "back", "restart step; twice: go back (←)", Player.back),
    Binding(("s",), "s", "skip", "skip the rest of this exercise", Player.skip_exercise),
    Binding(("m",), "m", "mute", "sound off / on", Player.toggle_mute),
    Binding(("p",), "p", "hurts", "this hurts: stop this exercise", Player.this_hurts),
    Binding(QUIT_KEYS, "q", "quit", "quit, see the summary (Ctrl-C)", Player.quit),
    Binding(("?", "h"), "?", "help", "show / hide this help", Player.toggle_help),
    Binding(("resize",), "", "", "", Player.redraw),
)


def key_table(bindings: Sequence[Binding]) -> dict[str, Callable[[Player], None]]:
    """Key name -> command; a later binding for the same key wins."""
    return {key: binding.action for binding in bindings for key in binding.keys}
