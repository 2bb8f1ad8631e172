"""The plain line log for `--plain`, pipes and screen readers: one line per event, e.g.
``[00:35] Rhomboid stretch (long sitting) — hold 30 s — rep 1 of 3``."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from backpain_cli.player.engine import (
    BINDINGS,
    Binding,
    Event,
    ExerciseHurt,
    ExerciseSkipped,
    Finished,
    HelpToggled,
    MuteChanged,
    Paused,
    Quit,
    Resumed,
    SegmentStarted,
    Started,
    Status,
    Tick,
)
from backpain_cli.player.live import NoticeLine
from backpain_cli.player.words import (
    current_cue,
    next_words,
    side_text,
    switching,
    tempo_text,
)
from backpain_cli.routines.model import format_total
from backpain_cli.routines.timeline import Segment, SegmentKind


def stamp(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 1e-9), 60)
    return f"[{minutes:02d}:{secs:02d}]"


def _movement_lines(segment: Segment, status: Status, *, keys: bool) -> list[str]:
    """A movement's line at the start of each run of its reps (one side, one set)."""
    exercise = segment.exercise
    at = stamp(status.elapsed)
    if segment.kind is SegmentKind.MOVE and segment.rep != 1:
        return []  # each rep ticks; the line was printed at the first
    side = f" — {side_text(segment.side)}" if segment.side else ""
    sets = f", set {segment.set} of {exercise.sets}" if exercise.sets > 1 else ""
    if segment.kind is SegmentKind.MOVE:
        what = f"move {exercise.reps} × {exercise.rep_seconds} s"
    else:
        what = f"{exercise.reps} reps at your own pace"
        what += " — space counts a rep, n when done" if keys else " — no keyboard: moving on"
    tempo = tempo_text(segment)
    cue = current_cue(segment)
    return [
        f"{at} {exercise.name}{side} — {what}{sets}",
        *([f"        {tempo}"] if tempo else []),
        *([f"        {cue}"] if cue else []),
    ]


def segment_line(segment: Segment, status: Status, *, keys: bool = True) -> list[str]:
    exercise = segment.exercise
    at = stamp(status.elapsed)
    if segment.kind is SegmentKind.PREPARE:
        what = f"Get into position: {exercise.position} — " if exercise.position else "Get ready: "
        lines = [f"{at} {what}{exercise.name} — {segment.duration} s"]
        if exercise.was:
            lines.append(f"        New dose: {exercise.dose} (was {exercise.was})")
        lines.extend(f"        {n}. {step}" for n, step in enumerate(exercise.instructions, 1))
        if exercise.caution:
            lines.append(f"        Caution: {exercise.caution}")
        return lines
    if segment.kind in (SegmentKind.MOVE, SegmentKind.SELF_PACED):
        return _movement_lines(segment, status, keys=keys)
    if segment.kind is SegmentKind.HOLD:
        side = f" — {side_text(segment.side)}" if segment.side else ""
        sets = f", set {segment.set} of {exercise.sets}" if exercise.sets > 1 else ""
        cue = current_cue(segment)
        return [
            f"{at} {exercise.name}{side} — hold {segment.duration} s — "
            f"rep {segment.rep} of {exercise.reps}{sets}",
            *([f"        {cue}"] if cue else []),
        ]
    after = " — switch sides" if switching(status) else ""
    after += f" — next: {next_words(status)}"
    if segment.kind is SegmentKind.SET_REST:
        return [
            f"{at} set rest {segment.duration} s — set {segment.set} of {exercise.sets} done{after}"
        ]
    return [f"{at} rest {segment.duration} s{after}"]


def plain_lines(
    event: Event, *, bindings: Sequence[Binding] = BINDINGS, keys: bool = True
) -> list[str]:
    """The lines `--plain` prints for one event (often none)."""
    status = event.status
    at = stamp(status.elapsed)
    if isinstance(event, Started):
        timeline = status.timeline
        count = len({segment.exercise_index for segment in timeline.segments})
        lines = [
            f"{timeline.routine.title} — {count} exercise{'s' if count != 1 else ''}, "
            f"{format_total(timeline.total, timeline.untimed)}"
        ]
        if keys:
            lines.append("Keys: " + ", ".join(f"{b.label} {b.short}" for b in bindings if b.label))
        return lines
    if isinstance(event, SegmentStarted):
        return segment_line(event.segment, status, keys=keys)
    if isinstance(event, Tick):
        segment = status.segment
        if status.untimed and status.counted:  # a rep counted with space
            assert segment is not None
            return [f"{at} {status.counted} of {segment.exercise.reps}"]
        shown = status.shown_remaining
        if (
            segment is not None
            and segment.duration > 10
            and shown % 10 == 0
            and 0 < shown < segment.duration
        ):
            return [f"{at} {shown} s left"]
        return []
    if isinstance(event, Paused):
        return [f"{at} paused" + (" — press space to resume" if keys else "")]
    if isinstance(event, Resumed):
        return [f"{at} resumed"]
    if isinstance(event, ExerciseSkipped):
        return [f"{at} skipped: {event.result.exercise.name}"]
    if isinstance(event, ExerciseHurt):
        return [f"{at} stopped because it hurt: {event.result.exercise.name}"]
    if isinstance(event, MuteChanged):
        return [f"{at} sound {'off' if status.muted else 'on'}"]
    if isinstance(event, Finished):
        return [f"{at} finished"]
    if isinstance(event, Quit):
        return [f"{at} stopped"]
    if isinstance(event, HelpToggled) and status.help:
        return [f"        {b.label}: {b.help}" for b in bindings if b.label]
    return []


class PlainLog:
    """Engine listener for `--plain`: writes `plain_lines` through `write` (one call a line).

    `notice` is for one-off messages and may be called from another thread; the message
    goes to `note` (default: `write`) before the next event's lines, from the player's
    thread. A new message on `notice_line` is written (through `write`) after the
    event's lines: put this listener last, like the live screen.
    """

    def __init__(
        self,
        write: Callable[[str], None],
        *,
        bindings: Sequence[Binding] = BINDINGS,
        keys: bool = True,
        note: Callable[[str], None] | None = None,
        notice_line: NoticeLine | None = None,
    ) -> None:
        self._write = write
        self._note = note or write
        self._bindings = bindings
        self._keys = keys
        self.notice_line = notice_line or NoticeLine()
        self._notices: list[str] = []
        self._line = ""  # the notice line as last written

    def notice(self, message: str) -> None:
        self._notices.append(message)

    def handle(self, event: Event) -> None:
        while self._notices:
            self._note(self._notices.pop(0))
        for line in plain_lines(event, bindings=self._bindings, keys=self._keys):
            self._write(line)
        text = self.notice_line.text
        if text != self._line:
            self._line = text
            if text:
                self._write(f"{stamp(event.status.elapsed)} {text}")
