"""The routine model: immutable values with no I/O, shared by every other module."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import NamedTuple

from backpain_cli.errors import Problem
from backpain_cli.text import clean, clean_line, plural

DEFAULT_DISCLAIMER = (
    "This is general education, not medical advice. If anything is painful or does not "
    "feel right, stop and talk to your healthcare provider."
)


def _clean_fields(value: object, *, lines: tuple[str, ...], texts: tuple[str, ...]) -> None:
    """Show every control character of these fields as a visible escape (text.clean):
    the loader refuses them, and this keeps any other way a value is made just as safe."""
    for names, cleaner in ((lines, clean_line), (texts, clean)):
        for name in names:
            text = getattr(value, name)
            if not text.isprintable():
                object.__setattr__(value, name, cleaner(text))


def _clean_tuples(value: object, *, lines: tuple[str, ...], texts: tuple[str, ...]) -> None:
    for names, cleaner in ((lines, clean_line), (texts, clean)):
        for name in names:
            items = getattr(value, name)
            if not all(item.isprintable() for item in items):
                object.__setattr__(value, name, tuple(cleaner(item) for item in items))


class Side:
    """A side (or direction) an exercise works, as the routine names it.

    `left` and `right` are the side being worked or stretched; any other label (e.g.
    `clockwise`, `forward`) is shown and spoken exactly as written.
    """

    __slots__ = ("value",)
    LEFT: Side
    RIGHT: Side
    _made: dict[str, Side] = {}  # noqa: RUF012 - one instance per label: `is` compares

    value: str

    def __new__(cls, value: str) -> Side:
        side = cls._made.get(value)
        if side is None:
            side = super().__new__(cls)
            side.value = value
            cls._made[value] = side
        return side

    @property
    def is_left_right(self) -> bool:
        return self.value in ("left", "right")

    @property
    def spoken(self) -> str:
        """`left side`, or a label of the routine's own as written (`clockwise`)."""
        return f"{self.value} side" if self.is_left_right else self.value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Side) and other.value == self.value

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return f"Side({self.value!r})"


Side.LEFT = Side("left")
Side.RIGHT = Side("right")


class Movement(enum.Enum):
    """How a rep is done: held still, moved at a set pace, or moved at your own pace."""

    HOLD = "hold"  # each rep is held for `hold` seconds
    PACED = "paced"  # each rep is a movement of `rep_seconds`, no hold
    SELF_PACED = "self"  # movements at your own pace: you count the reps, untimed


class Period(enum.Enum):
    DAY = "day"
    WEEK = "week"


class Frequency(NamedTuple):
    """How often a routine should be done, e.g. 2 per day. (A NamedTuple: every command
    that reads a routine defines it at start-up, and a dataclass costs more there.)"""

    times: int
    period: Period

    def __str__(self) -> str:
        return f"{self.times} per {self.period.value}"


@dataclass(frozen=True)
class Exercise:
    """One exercise of a routine, its dose in seconds and counts."""

    id: str
    name: str
    instructions: tuple[str, ...]
    hold: int  # seconds per rep held; 0 for movements
    reps: int = 1
    sets: int = 1
    sides: tuple[Side, ...] = ()  # empty: no sides
    alternate: bool = True  # two sides: alternated every rep, or one side, then the other
    rest: int = 10  # seconds between reps (and between sides)
    set_rest: int = 30  # seconds between sets
    prepare: int = 5  # seconds to get into position before the first rep
    position: str = ""
    equipment: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    caution: str = ""
    image: str = ""  # absolute path of a checked picture file; "" for none
    movement: Movement = Movement.HOLD
    rep_seconds: int = 0  # seconds per rep of a paced movement
    tempo: str = ""  # how to pace a movement, e.g. "2 down, 2 up"
    was: str = ""  # its dose before the plan's step changed it (`1 s × 1`); "" unchanged

    def __post_init__(self) -> None:
        # Text from a file someone else may have written: never a raw control character.
        _clean_fields(self, lines=("id", "name", "position", "tempo"), texts=("caution",))
        _clean_tuples(self, lines=("equipment",), texts=("instructions", "cues"))

    @property
    def timed(self) -> bool:
        """False for a self-paced movement: its length is up to the person."""
        return self.movement is not Movement.SELF_PACED

    @property
    def dose(self) -> str:
        """Human dose, e.g. `30 s × 3`, `5 s × 10 × 2 sets`, `30 s × 3 each side`,
        `10 reps at 4 s`, `10 reps at own pace`."""
        if self.movement is Movement.PACED:
            text = f"{plural(self.reps, 'rep')} at {self.rep_seconds} s"  # 1 rep at 30 s
        elif self.movement is Movement.SELF_PACED:
            text = f"{plural(self.reps, 'rep')} at own pace"
        else:
            text = f"{self.hold} s × {self.reps}"
        if self.sets > 1:
            text += f" × {self.sets} sets"
        if len(self.sides) > 1:
            if all(side.is_left_right for side in self.sides):
                text += " each side"
            else:
                text += " each: " + ", ".join(side.value for side in self.sides)
            if not self.alternate:
                text += ", one side at a time"
        elif len(self.sides) == 1:
            text += f" {self.sides[0].spoken}"
        return text


class ProgressionStep(NamedTuple):
    """One step of a progression: the doses it changes, by exercise id, on top of the
    routine's own (`(("squeeze", (("reps", 6),)),)`)."""

    doses: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = ()
    advance_after: int | None = None  # None: the progression's own


class PainRule(NamedTuple):
    """The therapist's rule for pain that goes up, and what it does (`pain_rule:`)."""

    when: str  # pain-rises, hurts or worse-next-morning
    times: int = 2  # in this many sessions at the step...
    of: int = 3  # ...of the last this many (pain-rises)
    points: int = 2  # pain after this far above pain before (pain-rises)
    action: str = "flag"  # flag or step back


class Progression(NamedTuple):
    """A plan that raises the doses step by step (`progression:`)."""

    advance_after: int  # counted sessions at a step before the next one
    steps: tuple[ProgressionStep, ...]
    pain_rule: PainRule | None = None

    def sessions_at(self, step: int) -> int:
        """Counted sessions that step `step` (1-based) takes before the next one."""
        own = self.steps[step - 1].advance_after
        return self.advance_after if own is None else own


@dataclass(frozen=True)
class Routine:
    """A routine: its exercises in order, and what is shown about it."""

    name: str
    title: str
    exercises: tuple[Exercise, ...]
    summary: str = ""
    source: str = ""
    disclaimer: str = DEFAULT_DISCLAIMER
    frequency: Frequency | None = None
    counts_as: str | None = None  # the routine whose frequency this one counts toward
    progression: Progression | None = None  # doses that change over weeks; None: fixed
    step: int = 0  # the progression step its doses are (1-based); 0: as the file says
    morning_check: bool = False  # ask the next morning: better, same or worse?
    rate_each: str = ""  # after each exercise, a rating of "pain" or "effort"; "" none
    # The bytes it was loaded from (the file is read once): what `content_hash` hashes.
    content: bytes = field(default=b"", repr=False, compare=False)
    # Not wrong, but likely not what the author meant (`validate` and `show` print them).
    warnings: tuple[Problem, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        _clean_fields(self, lines=("name", "title"), texts=("summary", "source", "disclaimer"))

    @property
    def content_hash(self) -> str:
        """sha256 of the file's bytes: which version of the routine was played (history)."""
        import hashlib  # only `start` needs it, and it costs more than reading a routine

        return hashlib.sha256(self.content).hexdigest()

    @property
    def equipment(self) -> tuple[str, ...]:
        """Equipment of all exercises, each once, in order of first use."""
        return tuple(dict.fromkeys(item for ex in self.exercises for item in ex.equipment))

    @property
    def cautions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(ex.caution for ex in self.exercises if ex.caution))

    def exercise_index(self, exercise_id: str) -> int | None:
        for index, exercise in enumerate(self.exercises):
            if exercise.id == exercise_id:
                return index
        return None


def format_total(seconds: float, untimed: int) -> str:
    """`7:24`, or `7:24 + 2 at own pace` when some steps are self-paced (untimed)."""
    if not untimed:
        return format_duration(seconds)
    return f"{format_duration(seconds)} + {untimed} at own pace"


def format_duration(seconds: float) -> str:
    """`m:ss` (or `h:mm:ss` from an hour), rounding to whole seconds."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"
