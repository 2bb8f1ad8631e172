"""Exercise reuse: `- use: ID` entries, exercises.yaml libraries and ROUTINE/ID references."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from backpain_cli.cli import cli
from backpain_cli.errors import RoutineError
from backpain_cli.routines.loader import (
    ExerciseLibrary,
    builtin_library,
    load_exercises_file,
    load_routine,
    parse_routine,
)

BUILTIN_ROUTINES = Path(__file__).resolve().parents[1] / "routines"

HEAD = "version: 1\ntitle: Mine\n"


def _parse(text: str, library: ExerciseLibrary | None = None) -> object:
    return parse_routine(text, "mine.yaml", default_name="mine", library=library)


def _problems(text: str, library: ExerciseLibrary | None = None) -> list[str]:
    with pytest.raises(RoutineError) as caught:
        _parse(text, library)
    return [str(problem) for problem in caught.value.problems]


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_use_takes_everything_and_overrides_only_the_dose() -> None:
    routine = parse_routine(
        HEAD + "exercises:\n  - use: scapular-squeeze\n    hold: 3\n    sets: 2\n",
        "mine.yaml",
        default_name="mine",
    )
    (exercise,) = routine.exercises
    assert exercise.id == "scapular-squeeze"
    assert exercise.name == "Scapular squeeze"
    assert exercise.instructions[0] == "Sit or stand up tall with your arms relaxed at your sides."
    assert (exercise.hold, exercise.reps, exercise.sets, exercise.rest) == (3, 10, 2, 3)
    assert exercise.caution == "Squeeze gently; stop if it causes pain in your neck or shoulders."


def test_use_with_its_own_id_name_cues_and_caution() -> None:
    text = HEAD + (
        "exercises:\n"
        "  - use: thoracic-rotation\n"
        "    id: turn-left-only\n"
        "    name: Turn to the left\n"
        "    sides: [left]\n"
        "    cues: [Slowly.]\n"
        "    caution: Only to the left.\n"
        "    position: on a stool\n"
        "    equipment: [stool]\n"
    )
    (exercise,) = _parse(text).exercises  # type: ignore[attr-defined]
    assert exercise.id == "turn-left-only"
    assert exercise.name == "Turn to the left"
    assert [side.value for side in exercise.sides] == ["left"]
    assert exercise.cues == ("Slowly.",)
    assert exercise.caution == "Only to the left."
    assert (exercise.position, exercise.equipment) == ("on a stool", ("stool",))
    assert len(exercise.instructions) == 4


def test_routine_defaults_fill_what_neither_entry_nor_exercise_gives() -> None:
    text = HEAD + "defaults: {rest: 20, prepare: 7}\nexercises:\n  - use: thoracic-sidebend\n"
    (exercise,) = _parse(text).exercises  # type: ignore[attr-defined]
    # The library gives prepare 5, which beats the routine's default; rest comes from it.
    assert (exercise.rest, exercise.prepare, exercise.hold) == (20, 5, 30)


def test_use_within_the_same_file_forward_and_back() -> None:
    text = HEAD + (
        "exercises:\n"
        "  - use: base\n"
        "    id: light\n"
        "    hold: 2\n"
        "  - id: base\n"
        "    name: Base\n"
        "    hold: 10\n"
        "    instructions: [Do it.]\n"
        "  - use: light\n"
        "    id: lighter\n"
        "    reps: 4\n"
    )
    light, base, lighter = _parse(text).exercises  # type: ignore[attr-defined]
    assert (light.name, light.hold) == ("Base", 2)
    assert (base.id, base.hold) == ("base", 10)
    assert (lighter.id, lighter.hold, lighter.reps, lighter.instructions) == (
        "lighter",
        2,
        4,
        ("Do it.",),
    )


def test_use_from_another_routine(user_routines: Path) -> None:
    _write(
        user_routines,
        "other.yaml",
        HEAD + "exercises:\n  - id: wave\n    name: Wave\n    hold: 4\n    instructions: [Wave.]\n",
    )
    library = ExerciseLibrary((user_routines, BUILTIN_ROUTINES))
    text = (
        HEAD
        + "exercises:\n  - use: other/wave\n    reps: 2\n  - use: upper-back/scapular-squeeze\n"
    )
    wave, squeeze = _parse(text, library).exercises  # type: ignore[attr-defined]
    assert (wave.id, wave.name, wave.hold, wave.reps) == ("wave", "Wave", 4, 2)
    assert squeeze.id == "scapular-squeeze"


def test_unknown_references_say_what_is_close() -> None:
    text = HEAD + (
        "exercises:\n"
        "  - use: scapular-squeez\n"
        "  - use: nope/abc\n"
        "  - {use: upper-back/scapular-squeez, id: other}\n"
        "  - use: upper-bak/scapular-squeeze\n"
    )
    assert _problems(text) == [
        "mine.yaml:4:10: exercises[0].use: unknown exercise 'scapular-squeez' (did you mean "
        "'scapular-squeeze'?); define it in this file or in exercises.yaml, or write ROUTINE/ID "
        "to use one from another routine",
        "mine.yaml:5:10: exercises[1].use: no routine called 'nope'",
        "mine.yaml:6:11: exercises[2].use: routine 'upper-back' has no exercise 'scapular-squeez' "
        "(did you mean 'scapular-squeeze'?)",
        "mine.yaml:7:10: exercises[3].use: no routine called 'upper-bak' (did you mean "
        "'upper-back'?)",
    ]


def test_circular_references_are_reported_at_each_member_only() -> None:
    text = HEAD + (
        "exercises:\n"
        "  - {id: a, use: b}\n"
        "  - {id: b, use: a}\n"
        "  - {id: c, use: a}\n"
        "  - {id: d, use: d}\n"
    )
    assert _problems(text) == [
        "mine.yaml:4:18: exercises[0].use: circular reference: a → b → a",
        "mine.yaml:5:18: exercises[1].use: circular reference: b → a → b",
        "mine.yaml:7:18: exercises[3].use: unknown exercise 'd'; define it "
        "in this file or in exercises.yaml, or write ROUTINE/ID to use one from another routine",
    ]


def test_bad_use_entries() -> None:
    text = HEAD + (
        "exercises:\n"
        "  - use: Not An Id\n"
        "  - use: scapular-squeeze\n"
        "    instructions: [Mine.]\n"
        "  - use: scapular-squeeze\n"
        "    hold: 0\n"
        "  - use: thoracic-rotation\n"
        "  - use: thoracic-rotation\n"
        "  - use: 5\n"
        "  - use: thoracic-sidebend\n"
        "    sides: [rigth]\n"
    )
    assert _problems(text) == [
        "mine.yaml:4:10: exercises[0].use: 'Not An Id' is not an exercise reference: write an "
        "exercise id, e.g. 'scapular-squeeze', or ROUTINE/ID, e.g. "
        "'upper-back/scapular-squeeze'",
        "mine.yaml:6:5: exercises[1].instructions: a `use` entry keeps the steps of the exercise "
        "it uses; to change them, write the exercise out in full (id, name, instructions) "
        "instead of `use`",
        # a duplicate id is reported even when the first has problems of its own
        "mine.yaml:7:5: exercises[2].id: duplicate id 'scapular-squeeze' (also exercises[1]); "
        "give this one an `id` of its own",
        "mine.yaml:8:11: exercises[2].hold: must be between 1 and 600 seconds, got 0",
        "mine.yaml:10:5: exercises[4].id: duplicate id 'thoracic-rotation' (also exercises[3]); "
        "give this one an `id` of its own",
        "mine.yaml:11:10: exercises[5].use: must be text, got a whole number '5'; put it in quotes",
        "mine.yaml:13:12: exercises[6].sides: unknown side 'rigth' (did you mean 'right'?)",
    ]


def test_hold_may_come_from_the_used_exercise_or_must_come_from_somewhere(
    tmp_path: Path,
) -> None:
    _write(
        tmp_path,
        "exercises.yaml",
        "version: 1\nexercises:\n  - id: no-hold\n    name: No hold\n    instructions: [Go.]\n",
    )
    library = ExerciseLibrary((tmp_path,))
    assert _problems(HEAD + "exercises:\n  - use: no-hold\n", library) == [
        "mine.yaml:4:5: exercises[0].hold: is required but missing (here, in the exercise it "
        "uses or in defaults; for a movement without a hold, give rep_seconds or pace: self)"
    ]
    routine = _parse(HEAD + "defaults: {hold: 8}\nexercises:\n  - use: no-hold\n", library)
    assert routine.exercises[0].hold == 8  # type: ignore[attr-defined]
    # A default hold that is itself wrong is reported once, at the default.
    wrong = _problems(HEAD + "defaults: {hold: x}\nexercises:\n  - use: no-hold\n", library)
    assert wrong == [
        "mine.yaml:3:18: defaults.hold: must be a whole number of seconds, got text 'x'"
    ]


def test_a_user_library_overrides_the_built_in_one(user_routines: Path) -> None:
    _write(
        user_routines,
        "exercises.yaml",
        "version: 1\nexercises:\n  - use: scapular-squeeze\n    hold: 4\n    cues: [Mine.]\n",
    )
    library = ExerciseLibrary((user_routines, BUILTIN_ROUTINES))
    routine = load_routine(BUILTIN_ROUTINES / "upper-back.yaml", library=library)
    squeeze = routine.exercises[1]
    # The routine's own entry still sets hold 5; the user's cue replaces the built-in ones.
    assert (squeeze.hold, squeeze.cues) == (5, ("Mine.",))
    assert load_exercises_file(user_routines / "exercises.yaml", library=library) == [
        "scapular-squeeze"
    ]


def test_a_broken_library_is_named_not_silently_skipped(user_routines: Path) -> None:
    broken = _write(user_routines, "exercises.yaml", "version: 1\nexercises: 3\n")
    library = ExerciseLibrary((user_routines, BUILTIN_ROUTINES))
    text = HEAD + "exercises:\n  - use: scapular-squeeze\n  - use: thoracic-rotation\n"
    # Once, at the first entry that needs it, then the file's own problems.
    assert _problems(text, library) == [
        f"mine.yaml:4:10: exercises[0].use: cannot look up 'scapular-squeeze': {broken} has "
        "problems (listed below)",
        f"{broken}:2:12: exercises: must be a list, got a whole number '3'",
    ]
    bad = _write(user_routines, "bad.yaml", "version: 2\n")
    assert _problems(HEAD + "exercises:\n  - use: bad/x\n", library) == [
        f"mine.yaml:4:10: exercises[0].use: cannot look up 'bad/x': {bad} has problems "
        "(listed below)",
        f"{bad}:1:1: title: is required but missing",
        f"{bad}:1:1: exercises: is required but missing",
        f"{bad}:1:10: version: unsupported format version 2; use 1",
    ]


def test_a_broken_routine_using_itself_lists_its_problems_once(user_routines: Path) -> None:
    mine = _write(
        user_routines,
        "mine.yaml",
        HEAD + "exercises:\n  - {id: a, use: mine/b}\n  - {id: b, name: B, hold: 0, "
        "instructions: [x]}\n",
    )
    library = ExerciseLibrary((user_routines,))
    with pytest.raises(RoutineError) as caught:
        load_routine(mine, library=library)
    assert [str(p) for p in caught.value.problems] == [
        f"{mine}:5:28: exercises[1].hold: must be between 1 and 600 seconds, got 0"
    ]


def test_problems_in_another_file_are_located_there(tmp_path: Path) -> None:
    library_file = _write(
        tmp_path,
        "exercises.yaml",
        "version: 1\nexercises:\n  - {id: x, use: y}\n  - {id: y, use: x}\n  - {id: z, use: w}\n",
    )
    library = ExerciseLibrary((tmp_path,))
    assert _problems(HEAD + "exercises:\n  - use: x\n  - use: z\n", library) == [
        f"mine.yaml:4:10: exercises[0].use: cannot use 'x': {library_file}:3:18: "
        "exercises[0].use: circular reference: x → y → x",
        f"mine.yaml:5:10: exercises[1].use: cannot use 'z': {library_file}:5:18: "
        "exercises[2].use: unknown exercise 'w'; define it in this file or in exercises.yaml, "
        "or write ROUTINE/ID to use one from another routine",
    ]
    with pytest.raises(RoutineError) as caught:
        load_exercises_file(library_file, library=library)
    assert [str(p) for p in caught.value.problems] == [
        f"{library_file}:3:18: exercises[0].use: circular reference: x → y → x",
        f"{library_file}:4:18: exercises[1].use: circular reference: y → x → y",
        f"{library_file}:5:18: exercises[2].use: unknown exercise 'w'; define it in this file "
        "or in exercises.yaml, or write ROUTINE/ID to use one from another routine",
    ]


def test_a_cycle_through_another_routine_ends(user_routines: Path) -> None:
    first = _write(user_routines, "first.yaml", HEAD + "exercises:\n  - {id: a, use: second/b}\n")
    _write(user_routines, "second.yaml", HEAD + "exercises:\n  - {id: b, use: first/a}\n")
    library = ExerciseLibrary((user_routines,))
    with pytest.raises(RoutineError) as caught:
        load_routine(first, library=library)
    assert [str(p) for p in caught.value.problems] == [
        f"{first}:4:18: exercises[0].use: circular reference: a → b → a"
    ]


def test_library_files_that_cannot_be_read(tmp_path: Path) -> None:
    _write(tmp_path, "exercises.yaml", "")
    library = ExerciseLibrary((tmp_path,))
    (shared,) = library.shared()
    assert shared.entries == []
    assert len(shared.problems) == 1
    assert library.routine("missing") is None
    assert ExerciseLibrary((tmp_path / "nowhere",)).routine_names() == []
    assert builtin_library().routine_names() == [
        "upper-back",
        "upper-back-chair",
        "upper-back-gentle",
    ]


def test_every_builtin_exercise_is_defined_once_and_used() -> None:
    ids = load_exercises_file(BUILTIN_ROUTINES / "exercises.yaml")
    assert len(ids) == len(set(ids)) == 12
    used = {
        exercise.id
        for path in BUILTIN_ROUTINES.glob("*.yaml")
        if path.name != "exercises.yaml"
        for exercise in load_routine(path).exercises
    }
    assert used == set(ids)


@pytest.mark.parametrize("name", ["upper-back", "upper-back-chair", "upper-back-gentle"])
def test_builtin_totals_are_unchanged_by_reuse(runner: CliRunner, name: str) -> None:
    totals = {"upper-back": 792, "upper-back-chair": 782, "upper-back-gentle": 210}
    result = runner.invoke(cli, ["show", name, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["total_seconds"] == totals[name]


def test_every_builtin_exercise_id_is_reachable(runner: CliRunner) -> None:
    for exercise_id in load_exercises_file(BUILTIN_ROUTINES / "exercises.yaml"):
        result = runner.invoke(cli, ["exercises", exercise_id])
        assert result.exit_code == 0, (exercise_id, result.output)
        assert f"id: {exercise_id}" in result.output


def test_validate_checks_an_exercises_file_as_a_library(runner: CliRunner, tmp_path: Path) -> None:
    good = _write(
        tmp_path / "a", "exercises.yaml", "version: 1\nexercises:\n  - use: thoracic-rotation\n"
    )
    bad = _write(
        tmp_path / "b", "exercises.yaml", "version: 1\nexercises:\n  - use: nothing-like-it\n"
    )
    result = runner.invoke(cli, ["validate", str(good), str(bad)])
    assert result.exit_code == 2
    assert result.stdout == f"{good}: ok (exercise library, 1 exercise)\n"
    assert result.stderr.startswith(
        f"{bad}:3:10: exercises[0].use: unknown exercise 'nothing-like-it'; define it in this "
        "file or in exercises.yaml, or write ROUTINE/ID to use one from another routine\n"
        "1 of 2 file"
    )


def test_the_users_library_is_used_by_the_commands(runner: CliRunner, user_routines: Path) -> None:
    _write(
        user_routines,
        "exercises.yaml",
        "version: 1\nexercises:\n  - id: neck-nod\n    name: Neck nod\n    hold: 2\n"
        "    instructions: [Nod.]\n",
    )
    _write(user_routines, "mine.yaml", HEAD + "exercises:\n  - use: neck-nod\n    reps: 5\n")
    result = runner.invoke(cli, ["show", "mine", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["exercises"][0]["dose"] == "2 s × 5"
    listed = runner.invoke(cli, ["list"])
    assert "exercises" not in listed.output.split()  # the library is not a routine
    assert "mine" in listed.output
    assert runner.invoke(cli, ["exercises", "neck-nod"]).exit_code == 0


def test_using_a_broken_entry_reports_only_the_broken_entry() -> None:
    text = HEAD + (
        "exercises:\n"
        "  - use: base\n"
        "    id: light\n"
        "  - id: base\n"
        "    name: Base\n"
        "    hold: 0\n"
        "    instructions: [Do it.]\n"
    )
    assert _problems(text) == [
        "mine.yaml:8:11: exercises[1].hold: must be between 1 and 600 seconds, got 0"
    ]


def test_an_exercise_without_its_required_keys_is_an_error_not_a_crash() -> None:
    text = HEAD + "exercises:\n  - name: N\n    hold: 3\n    instructions: [a]\n"
    assert _problems(text) == ["mine.yaml:4:5: exercises[0].id: is required but missing"]


def test_the_json_schema_accepts_use_entries_and_refuses_changed_steps() -> None:
    import jsonschema
    import yaml

    from backpain_cli.routines.json_schema import routine_schema

    validator = jsonschema.Draft202012Validator(routine_schema())
    for path in BUILTIN_ROUTINES.glob("upper-back*.yaml"):
        assert list(validator.iter_errors(yaml.safe_load(path.read_text()))) == [], path
    changed = {
        "version": 1,
        "title": "T",
        "exercises": [{"use": "scapular-squeeze", "instructions": ["Mine."]}],
    }
    assert not validator.is_valid(changed)
    no_hold = {
        "version": 1,
        "title": "T",
        "exercises": [{"id": "a", "name": "A", "instructions": ["Go."]}],
    }
    assert not validator.is_valid(no_hold)
    assert validator.is_valid({**no_hold, "exercises": [{"use": "upper-back/scapular-squeeze"}]})


def test_a_library_that_needs_a_broken_routine(user_routines: Path) -> None:
    bad = _write(user_routines, "bad.yaml", "version: 1\ntitle: Bad\n")
    library_file = _write(
        user_routines, "exercises.yaml", "version: 1\nexercises:\n  - use: bad/x\n"
    )
    with pytest.raises(RoutineError) as caught:
        load_exercises_file(library_file, library=ExerciseLibrary((user_routines,)))
    assert [str(p) for p in caught.value.problems] == [
        f"{library_file}:3:10: exercises[0].use: cannot look up 'bad/x': {bad} has problems "
        "(listed below)",
        f"{bad}:1:1: exercises: is required but missing",
    ]
