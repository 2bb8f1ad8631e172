"""The words the player's displays share: the countdown, what comes next, the progress,
the cue of the moment, the key line, the missing pictures. Plain strings, no rich."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from backpain_cli.player.engine import Binding, Status
from backpain_cli.routines.format import MISSING_PICTURE
from backpain_cli.routines.model import Side, format_duration
from backpain_cli.routines.timeline import Segment, SegmentKind

if TYPE_CHECKING:
    from backpain_cli.errors import Problem


def countdown_text(seconds: int) -> str:
    """`45`, `5`; from a minute `1:30`."""
    return str(seconds) if seconds < 60 else format_duration(seconds)


def side_word(side: Side) -> str:
    return side.value.upper()


def side_text(side: Side) -> str:
    """`RIGHT side`, or a label of the routine's own as written, in capitals: `CLOCKWISE`."""
    return f"{side_word(side)} side" if side.is_left_right else side_word(side)


def rep_text(segment: Segment, counted: int = 0) -> str:
    """`rep 2 of 3` (` · set 1 of 2`); at your own pace, the reps counted: `4 of 10 reps`."""
    exercise = segment.exercise
    if segment.kind is SegmentKind.SELF_PACED:
        text = f"{counted} of {exercise.reps} reps"
    else:
        text = f"rep {segment.rep} of {exercise.reps}"
    if exercise.sets > 1:
        text += f" · set {segment.set} of {exercise.sets}"
    return text


def switching(status: Status) -> Side | None:
    """The side to switch to, during a rest before a hold on the other side."""
    segment = status.segment
    if segment is None or segment.kind not in (SegmentKind.REST, SegmentKind.SET_REST):
        return None
    upcoming = status.upcoming_side
    if upcoming is not None and segment.side is not None and upcoming != segment.side:
        return upcoming
    return None


def next_words(status: Status) -> str:
    """What comes after the current step, readable at a glance from across the room.

    Within an exercise, the next hold: `hold 30 s · rep 2 of 3` (with `· set 2 of 2`
    and `· RIGHT side` where they apply). After its last hold, the next exercise:
    `Thoracic rotation (left side)`. After the last hold of the routine: `finish`.
    Rests are left out: they come between the holds by themselves.
    """
    segment = status.segment
    upcoming = status.upcoming
    if upcoming is None or segment is None:
        return "finish"
    if upcoming.exercise_index != segment.exercise_index or upcoming.kind is SegmentKind.PREPARE:
        side = status.upcoming_side if upcoming.kind is SegmentKind.PREPARE else upcoming.side
        return upcoming.exercise.name + (f" ({side.spoken})" if side else "")
    if upcoming.kind is SegmentKind.SELF_PACED:
        text = f"{upcoming.exercise.reps} reps at your own pace"
        if upcoming.exercise.sets > 1:
            text += f" · set {upcoming.set} of {upcoming.exercise.sets}"
    elif upcoming.kind is SegmentKind.MOVE:
        text = f"move · {rep_text(upcoming)}"
    else:
        text = f"hold {upcoming.duration} s · {rep_text(upcoming)}"
    if upcoming.side is not None:
        text += f" · {side_text(upcoming.side)}"
    return text


def next_text(status: Status) -> str:
    """The live screen's Next line, e.g. `Next: hold 30 s · rep 2 of 3`, `Next: finish`."""
    return f"Next: {next_words(status)}"


def progress_text(status: Status) -> str:
    segment = status.segment
    number = segment.exercise_index + 1 if segment else status.exercise_count
    left = format_duration(status.seconds_left)
    later = status.timeline.segments[max(status.index, 0) :]
    if any(step.kind is SegmentKind.SELF_PACED for step in later):
        left += " + own pace"  # steps at your own pace take as long as they take
    return f"exercise {number} of {status.exercise_count} · {left} left"


def tempo_text(segment: Segment) -> str:
    """`Tempo: 2 down, 2 up` for a movement that has one, else ``."""
    tempo = segment.exercise.tempo
    return f"Tempo: {tempo}" if tempo and segment.kind.works else ""


_TEMPO_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(?:s|secs?|seconds?)?\b\s*(\S.*)")


def tempo_parts(tempo: str) -> list[tuple[float, str]]:
    """A tempo in timed parts: `3 s round up, 3 s arch down` is [(3, "round up"), (3,
    "arch down")]. [] unless it has two or more parts (split at commas) that each
    start with their seconds and say something: the tempo is then only shown as it is."""
    parts = []
    for piece in tempo.split(","):
        found = _TEMPO_PART.fullmatch(piece.strip())
        if found is None or float(found[1]) <= 0:
            return []
        parts.append((float(found[1]), found[2]))
    return parts if len(parts) >= 2 else []


def tempo_now(segment: Segment, elapsed: float) -> tuple[int, str] | None:
    """The part of a paced rep `elapsed` seconds in: its index and its words (the parts
    stretched or shrunk to the rep's seconds); None without timed parts."""
    parts = tempo_parts(segment.exercise.tempo) if segment.kind is SegmentKind.MOVE else []
    if not parts:
        return None
    scale = segment.duration / sum(seconds for seconds, _ in parts)
    end = 0.0
    for index, (seconds, words) in enumerate(parts):
        end += seconds * scale
        if elapsed < end - 1e-6:
            return index, words
    return len(parts) - 1, parts[-1][1]


def current_cue(segment: Segment) -> str:
    cues = segment.exercise.cues
    return cues[(max(segment.rep, 1) - 1) % len(cues)] if cues else ""


def key_line(bindings: Sequence[Binding], *, short: bool = False) -> str:
    shown = [binding for binding in bindings if binding.label]
    if short:
        return " ".join(binding.label for binding in shown)
    return "  ".join(f"{binding.label} {binding.short}" for binding in shown)


def missing_pictures_notice(warnings: Iterable[Problem]) -> str:
    """The player's one notice for the pictures a routine's file names that are not
    there ('' when none is missing): it plays without them."""
    missing = list(
        dict.fromkeys(
            found[1]
            for warning in warnings
            if (found := re.search(rf"{MISSING_PICTURE} '(.*)' \(", warning.message))
        )
    )
    if not missing:
        return ""
    if len(missing) == 1:
        return f"picture '{missing[0]}' not found; playing without it"
    return f"{len(missing)} pictures not found ('{missing[0]}'...); playing without them"
