"""The example routines (routines/examples/): valid, listed as examples, played end to end."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest
import yaml
from fakes import FakeTime

from backpain_cli.locations import builtin_routines_dir
from backpain_cli.player.engine import ExerciseOutcome, Player
from backpain_cli.routines.catalogue import EXAMPLES_FOLDER, Origin, find_routine_files
from backpain_cli.routines.json_schema import routine_schema
from backpain_cli.routines.loader import load_routine
from backpain_cli.routines.model import Movement, Side
from backpain_cli.routines.timeline import build_timeline

EXAMPLES = sorted((builtin_routines_dir() / EXAMPLES_FOLDER).glob("*.yaml"))


def test_there_are_a_knee_an_ankle_and_a_plan_example() -> None:
    assert [path.stem for path in EXAMPLES] == [
        "ankle-gentle",
        "knee-gentle",
        "upper-back-steps",
    ]
    knee = load_routine(EXAMPLES[1])
    quad, slides = knee.exercises
    assert (quad.movement, quad.hold, quad.reps) == (Movement.HOLD, 5, 10)
    assert (slides.movement, slides.reps) == (Movement.SELF_PACED, 10)
    ankle = load_routine(EXAMPLES[0])
    pumps, circles = ankle.exercises
    assert (pumps.movement, pumps.rep_seconds, pumps.tempo) == (Movement.PACED, 4, "2 down, 2 up")
    assert circles.sides == (Side("clockwise"), Side("counter-clockwise"))
    for routine in (knee, ankle):
        assert routine.source and "not medical advice" in routine.disclaimer
        assert "(example)" in routine.title


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_meet_the_schema(path: Path) -> None:
    validator = jsonschema.Draft202012Validator(routine_schema())
    assert [e.message for e in validator.iter_errors(yaml.safe_load(path.read_text()))] == []


def test_list_shows_them_as_examples_not_built_ins(tmp_path: Path) -> None:
    from backpain_cli.locations import Locations

    locations = Locations(
        config_dir=tmp_path, data_dir=tmp_path, builtin_routines=builtin_routines_dir()
    )
    origins = {f.name: f.origin for f in find_routine_files(locations)}
    assert origins["knee-gentle"] is origins["ankle-gentle"] is Origin.EXAMPLE
    assert origins["upper-back-steps"] is Origin.EXAMPLE
    assert origins["upper-back"] is Origin.BUILTIN


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_examples_play_end_to_end(path: Path) -> None:
    """Every step to its end; at your own pace, space for each rep as it is asked for."""
    routine = load_routine(path)
    time = FakeTime()
    player = Player(build_timeline(routine), clock=time.clock)

    def wait(timeout: float | None) -> list[str]:
        if player.status().untimed:
            time.now += 3  # a rep at your own pace takes a few seconds
            return ["space"]
        return time.wait(timeout)

    summary = player.run(wait)
    assert not summary.quit
    assert [r.outcome for r in summary.results] == [ExerciseOutcome.DONE] * len(routine.exercises)
    assert all(r.holds_done == r.holds_total for r in summary.results)
    timed = build_timeline(routine).total
    reps_at_own_pace = sum(
        e.reps * e.sets * len(e.sides or [None])
        for e in routine.exercises
        if e.movement is Movement.SELF_PACED
    )
    assert summary.active_seconds == pytest.approx(timed + 3 * reps_at_own_pace)


def test_every_built_in_two_sided_exercise_says_which_way_to_move() -> None:
    """LEFT SIDE on the screen is the side worked or stretched (docs/routine-format.md,
    Sides): a sidebend of the left side bends to the right. Every built-in exercise done
    on both sides says in its steps which way to move for the side shown."""
    folder = builtin_routines_dir()
    found = {}
    for path in (
        *sorted(folder.glob("*.yaml")),
        *sorted((folder / EXAMPLES_FOLDER).glob("*.yaml")),
    ):
        if path.name == "exercises.yaml":
            continue
        for exercise in load_routine(path).exercises:
            if set(exercise.sides) == {Side.LEFT, Side.RIGHT}:
                found[exercise.id] = " ".join(exercise.instructions)
    assert {"thoracic-rotation", "thoracic-sidebend", "thoracic-sidebend-seated"} <= set(found)
    for exercise_id, steps in found.items():
        says = "for LEFT SIDE, " in steps or "the leg being worked" in steps
        assert says, (exercise_id, steps)
    assert (
        "away from the side shown (for LEFT SIDE, bend to your right)" in found["thoracic-sidebend"]
    )


def test_the_plan_example_starts_below_the_sources_doses_and_reaches_them() -> None:
    """Its steps never go beyond the built-in upper-back (the source's doses), the first
    is below them, the last is them, and no step raises two things or by half."""
    from backpain_cli.routines.stepping import at_step

    source = load_routine(builtin_routines_dir() / "upper-back.yaml")
    planned = load_routine(EXAMPLES[2])
    assert planned.progression is not None and planned.warnings == ()
    assert planned.exercises == source.exercises  # as written: the source's own
    doses = ("hold", "reps", "sets", "rest", "set_rest", "rep_seconds")
    steps = [at_step(planned, n) for n in range(1, len(planned.progression.steps) + 1)]
    for step in steps:
        for mine, theirs in zip(step.exercises, source.exercises, strict=True):
            assert all(getattr(mine, d) <= getattr(theirs, d) for d in doses if d != "rest")
    assert all(
        mine.hold < theirs.hold or mine.reps < theirs.reps
        for mine, theirs in zip(steps[0].exercises, source.exercises, strict=True)
    )
    assert steps[-1].exercises == source.exercises
    assert "not medical advice" in planned.disclaimer and "(example)" in planned.title
