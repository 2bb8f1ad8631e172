"""A routine at one step of its `progression:`, and what a step changes.

A step changes the doses (`hold`, `reps`, `sets`, `rest`, `set_rest`, `rep_seconds`)
of exercises named by id, on top of the routine's own: steps do not add up, and `{}`
is the routine as written. Which step is current is not decided here (that is
`progression.resolver`, from the history); this module only knows what a step is.
The `prepare` setting changes every exercise's get-into-position time the same way
(`with_prepare`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, NamedTuple

from backpain_cli.routines.format import STEP_DOSE_KEYS
from backpain_cli.routines.model import Exercise, Routine

_UNITS = {"hold": " s", "rep_seconds": " s", "rest": " s", "set_rest": " s"}


class DoseChange(NamedTuple):
    """One dose a step changes from the step before: `hold 25 s (was 20 s)`."""

    exercise: Exercise  # as the new step plays it
    key: str
    before: int
    after: int

    def __str__(self) -> str:
        unit = _UNITS.get(self.key, "")
        what = {"hold": "", "set_rest": "set rest ", "rep_seconds": "each rep "}.get(
            self.key, f"{self.key} "
        )
        return f"{self.exercise.name} {what}{self.after}{unit} (was {self.before}{unit})"


def at_step(routine: Routine, step: int) -> Routine:
    """The routine with the doses of step `step` (1-based, within the plan); the routine
    itself when it has no progression."""
    if routine.progression is None:
        return routine
    assert not routine.step, "steps are taken from the routine as written"
    changed: dict[str, Any] = dict(routine.progression.steps[step - 1].doses)
    exercises = tuple(
        replace(exercise, **dict(changed[exercise.id])) if exercise.id in changed else exercise
        for exercise in routine.exercises
    )
    return replace(routine, exercises=exercises, step=step)


def changes(routine: Routine, before: int, after: int) -> list[DoseChange]:
    """What step `after` plays differently from step `before`, exercise by exercise."""
    old, new = at_step(routine, before), at_step(routine, after)
    return [
        DoseChange(now, key, getattr(then, key), getattr(now, key))
        for then, now in zip(old.exercises, new.exercises, strict=True)
        for key in STEP_DOSE_KEYS
        if getattr(then, key) != getattr(now, key)
    ]


def marked(written: Routine, before: int, after: int) -> Routine:
    """The routine at step `after`, each exercise whose dose differs from step `before`
    saying what it was (what the get-ready screen marks)."""
    old, new = at_step(written, before), at_step(written, after)
    exercises = tuple(
        replace(now, was=then.dose) if now.dose != then.dose else now
        for then, now in zip(old.exercises, new.exercises, strict=True)
    )
    return replace(new, exercises=exercises)


def with_prepare(routine: Routine, seconds: int) -> Routine:
    """The routine with every exercise's get-into-position time set to `seconds`."""
    exercises = tuple(replace(exercise, prepare=seconds) for exercise in routine.exercises)
    return replace(routine, exercises=exercises)
