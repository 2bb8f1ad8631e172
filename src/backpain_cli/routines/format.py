"""Version 1 of the routine file format: every key, its type, unit, default and range.

One table drives the loader's checks, the JSON Schema (`backpain schema`) and the
docs, so they cannot drift apart.
"""

from __future__ import annotations

from typing import NamedTuple

FORMAT_VERSION = 1
MAX_FILE_BYTES = 1024 * 1024
MAX_ROUTINE_SECONDS = 4 * 60 * 60  # a whole routine, as `show` totals it
MAX_NESTING = 20  # levels of mappings and lists; a routine needs 5
MAX_IMAGE_BYTES = 512 * 1024  # a clear line drawing or photo is far smaller
# The start of the message for a picture that is not there: a warning, not a refusal
# (a picture is decoration; a routine plays without it).
MISSING_PICTURE = "no picture at"
IMAGE_PATTERN = r"^(?![/\\])(?![A-Za-z]:).*\.([sS][vV][gG]|[pP][nN][gG]|[jJ][pP][eE]?[gG])$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"
# A folder's exercise library (exercises.yaml): a name no routine may take.
LIBRARY_NAME = "exercises"
FREQUENCY_PATTERN = r"^([1-9]|10) per (day|week)$"
PACES = ("self",)  # the values of `pace`
RATINGS = ("pain", "effort")  # the values of `rate_each`
SIDES = ("left", "right")  # the sides with a meaning of their own (the side worked)
SIDE_LABEL_LENGTH = 30
# An exercise is held, paced or self-paced: it gives exactly one of these keys (or takes
# `hold` from the exercise it uses or from `defaults`).
MOVEMENT_KEYS = ("hold", "rep_seconds", "pace")


class Key(NamedTuple):
    """One key of a mapping in a routine file."""

    kind: str  # "int", "text", "slug", "texts", "sides", "pace", "frequency", "version", ...
    description: str
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None
    unit: str = ""
    default: object = None
    max_length: int = 2000
    max_items: int = 50


# Dose keys may stand in `defaults` (applying to every exercise) or in an exercise.
DOSE_KEYS: dict[str, Key] = {
    "hold": Key("int", "How long each rep is held.", minimum=1, maximum=600, unit="seconds"),
    "rep_seconds": Key(
        "int",
        "A movement, not a hold: how long each rep takes at a steady pace.",
        minimum=1,
        maximum=60,
        unit="seconds",
    ),
    "reps": Key("int", "Repetitions per set (per side).", minimum=1, maximum=100, default=1),
    "sets": Key("int", "Number of sets.", minimum=1, maximum=20, default=1),
    "rest": Key(
        "int",
        "Rest between reps and between sides (movements: between sides only).",
        minimum=0,
        maximum=600,
        unit="seconds",
        default=10,
    ),
    "set_rest": Key(
        "int", "Rest between sets.", minimum=0, maximum=900, unit="seconds", default=30
    ),
    "prepare": Key(
        "int",
        "Countdown to get into position before the exercise.",
        minimum=0,
        maximum=120,
        unit="seconds",
        default=5,
    ),
}

EXERCISE_KEYS: dict[str, Key] = {
    "id": Key("slug", "Unique id of the exercise: lowercase letters, digits, dashes.", True),
    "name": Key("text", "Name shown while playing.", True, max_length=100),
    "position": Key("text", "Starting position, e.g. long sitting.", default="", max_length=100),
    "equipment": Key("texts", "Things needed, e.g. a towel or a tennis ball.", default=[]),
    "hold": DOSE_KEYS["hold"],
    "rep_seconds": DOSE_KEYS["rep_seconds"],
    "pace": Key(
        "pace",
        "`self`: a movement at your own pace, no hold; you count the reps (untimed).",
    ),
    "tempo": Key(
        "text",
        "How to pace each rep of a movement, shown and spoken, e.g. 2 down, 2 up.",
        default="",
        max_length=60,
    ),
    **{k: v for k, v in DOSE_KEYS.items() if k not in ("hold", "rep_seconds")},
    "sides": Key(
        "sides",
        "Sides to work: [left, right], [left], [] for none, or two labels of your own, "
        "e.g. [clockwise, counter-clockwise]. LEFT is the left side of the body that is "
        "worked or stretched: say in the steps which way to move for the side shown.",
        default=[],
        max_length=SIDE_LABEL_LENGTH,
        max_items=2,
    ),
    "alternate": Key(
        "bool",
        "With two sides: `true` alternates them every rep; `false` does every rep and set "
        "on the first side, then on the second (side-lying, kneeling, lunging).",
        default=True,
    ),
    "instructions": Key("texts", "How to do it, one step per item.", True, max_items=20),
    "cues": Key("texts", "Short reminders shown during the hold.", default=[], max_items=20),
    "caution": Key("text", "When to stop or take care.", default=""),
    "image": Key(
        "image",
        "A picture of the exercise: an SVG, PNG or JPEG file of at most 512 KiB, as a path "
        "relative to this file, in its folder or below it.",
        default="",
        max_length=300,
    ),
}

# A routine's defaults give a default hold, not a default movement.
DEFAULTS_KEYS: dict[str, Key] = {k: v for k, v in DOSE_KEYS.items() if k != "rep_seconds"}

ROUTINE_KEYS: dict[str, Key] = {
    "version": Key("version", "Format version; must be 1.", True),
    "name": Key("slug", "Routine name used on the command line; defaults to the file name."),
    "title": Key("text", "Title shown in lists and summaries.", True, max_length=100),
    "summary": Key("text", "One or two sentences on what the routine is for.", default=""),
    "source": Key("text", "Where the exercises and doses come from.", default=""),
    "disclaimer": Key("text", "Safety disclaimer shown with the routine.", default=None),
    "frequency": Key("frequency", "How often to do it: `N per day` or `N per week` (N 1-10)."),
    "counts_as": Key(
        "slug",
        "The routine whose frequency this one counts toward (e.g. a desk version of "
        "`upper-back`); not with `frequency`.",
    ),
    "defaults": Key("map", "Dose defaults for every exercise (hold, reps, sets, rests...)."),
    "exercises": Key(
        "list",
        "The exercises, in order; together at most 4 hours, rests and get-ready time included.",
        True,
        max_items=50,
    ),
    "rate_each": Key(
        "rate",
        "After each exercise, ask for a rating 0-10 with one key (skippable): `pain` or `effort`.",
    ),
    "morning_check": Key(
        "bool",
        "Ask, the morning after a session, how the back is compared with before it "
        "(better, same or worse): the pain-monitoring model's next-day check.",
        default=False,
    ),
    "progression": Key(
        "progression",
        "A plan that raises the doses over weeks, one step at a time (see *Progression*).",
    ),
}

# -- progression: doses that change step by step ---------------------------------------

# What a step may change of an exercise: its dose, never how it is done.
STEP_DOSE_KEYS = ("hold", "reps", "sets", "rest", "set_rest", "rep_seconds")
ADVANCE_AFTER = Key(
    "int",
    "Completed sessions at a step (at normal speed) before the next step.",
    True,
    minimum=1,
    maximum=100,
    unit="sessions",
)
# The therapist's pain rule: what it watches (a small menu), and what it does.
PAIN_RULES = ("pain-rises", "hurts", "worse-next-morning")
PAIN_ACTIONS = ("flag", "step back")
PAIN_RULE_KEYS: dict[str, Key] = {
    "when": Key(
        "pain_rule",
        "`pain-rises`: pain after at least `points` above pain before; `hurts`: `p` (this "
        "hurts) on the same exercise; `worse-next-morning`: the next-morning check says worse.",
        True,
    ),
    "times": Key("int", "In this many sessions at the step...", minimum=1, maximum=10, default=2),
    "of": Key(
        "int",
        "...of the last this many sessions at the step (`pain-rises`, `worse-next-morning`).",
        minimum=1,
        maximum=20,
        default=3,
    ),
    "points": Key(
        "int",
        "`pain-rises`: how many points (0-10) pain after is above pain before.",
        minimum=1,
        maximum=10,
        default=2,
    ),
    "action": Key(
        "pain_action",
        "`flag`: the step holds and the person is told to talk to their therapist before "
        "going on; `step back`: one step back (never below the first).",
        default="flag",
    ),
}
PROGRESSION_KEYS: dict[str, Key] = {
    "advance_after": ADVANCE_AFTER,
    "steps": Key(
        "steps",
        "The steps, in order: each maps exercise ids to the doses it changes, on top of "
        "the routine's own (`{}`: the routine's own doses); a step may give its own "
        "`advance_after`.",
        True,
        max_items=20,
    ),
    "pain_rule": Key("rule_map", "The therapist's rule for pain that goes up (see *Pain rule*)."),
}
# A step raising a hold or reps by more than this fraction at once is warned of.
STEP_RAISE_LIMIT = 0.5

# -- reuse (`- use: ID` entries and exercises.yaml) -------------------------------------

# `ID` (this file, then each folder's exercises.yaml) or `ROUTINE/ID` (another routine).
USE_PATTERN = r"^(?:[a-z0-9][a-z0-9-]{0,63}/)?[a-z0-9][a-z0-9-]{0,63}$"

# A `use` entry takes every key of the exercise it names and may change any but its steps:
# an exercise done differently is a different exercise, written out in full.
USE_KEYS: dict[str, Key] = {
    "use": Key(
        "use",
        "Reuse an exercise: its id (in this file or an exercises.yaml), or ROUTINE/ID.",
        True,
    ),
    "id": Key("slug", "Id of this exercise; defaults to the id of the one it uses."),
    **{
        name: spec._replace(required=False)
        for name, spec in EXERCISE_KEYS.items()
        if name not in ("id", "instructions")
    },
}

# exercises.yaml: exercises that routines reuse; no title, no defaults, `hold` optional.
LIBRARY_KEYS: dict[str, Key] = {
    "version": ROUTINE_KEYS["version"],
    "exercises": Key("list", "Exercises that routines reuse with `use: ID`.", True, max_items=200),
}
