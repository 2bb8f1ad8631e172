"""The catalogue commands, with their exact output: list, exercises, show, validate, schema."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from rich.console import Console

from backpain_cli import __version__
from backpain_cli.cli import cli
from backpain_cli.console import is_plain, make_console
from backpain_cli.locations import builtin_routines_dir
from backpain_cli.routines.catalogue import RoutineFile
from backpain_cli.routines.json_schema import routine_schema
from backpain_cli.routines.listing import (
    exercise_detail,
    exercise_list,
    routine_list,
    routine_summary,
)
from backpain_cli.routines.loader import load_routine
from backpain_cli.routines.model import Routine
from backpain_cli.routines.timeline import build_timeline


def fresh(routine_file: RoutineFile) -> Routine:
    """A routine file as it is now (no cache)."""
    return load_routine(routine_file.path, default_name=routine_file.name)


DESK = """\
version: 1
title: Desk break
summary: Two quick ones.
source: A physio
frequency: 3 per day
defaults: {prepare: 3, rest: 2, set_rest: 10}
exercises:
  - id: squeeze
    name: Squeeze
    position: sitting
    equipment: [chair]
    hold: 5
    reps: 2
    sets: 2
    instructions: [Sit tall., Squeeze.]
    cues: [Shoulders down.]
    caution: Gently.
  - id: turn
    name: Turn
    hold: 4
    sides: [left, right]
    instructions: [Turn.]
"""

MINE = """\
version: 1
title: My upper back
exercises:
  - id: my-squeeze
    name: My squeeze
    hold: 5
    reps: 2
    instructions: [Squeeze.]
"""

DISCLAIMER = (
    "This is general education, not medical advice. If anything is painful or does not feel "
    "right, stop and talk to your healthcare provider."
)


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(cli, list(args), prog_name="backpain")


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return result.stdout


def refused(result: Result) -> str:
    """stderr of a command that failed the way a user's mistake should: exit 2, no traceback."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    return result.stderr


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    path = tmp_path / "desk.yaml"
    path.write_text(DESK)
    return path


# -- version and help -------------------------------------------------------------------


def test_version(runner: CliRunner) -> None:
    assert ok(run(runner, "--version")) == f"backpain, version {__version__}\n"
    assert ok(run(runner, "-V")) == f"backpain, version {__version__}\n"


def test_python_m_backpain_cli_works_the_same(home: Path) -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "backpain_cli", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (completed.returncode, completed.stdout, completed.stderr) == (
        0,
        f"backpain, version {__version__}\n",
        "",
    )
    listed = subprocess.run(
        [sys.executable, "-m", "backpain_cli", "list"], capture_output=True, text=True, check=False
    )
    assert listed.returncode == 0
    assert "upper-back" in listed.stdout


def all_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, name
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found.extend(all_commands(command, (*prefix, name)))
    return found


@pytest.mark.parametrize("command", [(), *all_commands(cli)], ids=" ".join)
def test_help_of_every_command_shows_an_example(runner: CliRunner, command: tuple[str]) -> None:
    text = ok(run(runner, *command, "--help"))
    assert text.startswith(f"Usage: backpain {' '.join(command)}".rstrip())
    assert "Example" in text
    assert ok(run(runner, *command, "-h")) == text


def test_every_command_is_listed_in_help_whole_in_the_order_people_need_them(
    runner: CliRunner,
) -> None:
    from backpain_cli.cli import COMMANDS

    text = ok(run(runner, "--help"))
    listed = text.split("Commands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in listed] == list(COMMANDS)
    assert listed[0].split()[0] == "start"
    assert all(len(line) <= 80 for line in text.splitlines())
    assert not any(line.endswith("...") for line in listed)
    for line, entry in zip(listed, COMMANDS.values(), strict=True):
        assert line.split(None, 1)[1] == entry.short_help
    assert len(all_commands(cli)) >= len(COMMANDS) + 1  # with `config path`


def test_bare_backpain_prints_the_help_to_stdout(runner: CliRunner) -> None:
    result = runner.invoke(cli, [], prog_name="backpain")
    assert (result.exit_code, result.stdout) == (0, ok(run(runner, "--help")))


# -- list -------------------------------------------------------------------------------

BUILTIN_LIST = """\
Name               Title                                            Exercises  Time                  Equipment             From
ankle-gentle       Gentle ankle program (example)                   2          2:25                  none                  example
knee-gentle        Gentle knee program (example)                    2          3:45 + 2 at own pace  a small rolled towel  example
upper-back         Upper back trigger-point relief                  5          13:12                 tennis ball           built-in
upper-back-chair   Upper back relief at your desk                   5          13:02                 chair, tennis ball    built-in
upper-back-gentle  Gentle upper back relief (movement precautions)  2          3:30                  tennis ball           built-in
upper-back-steps   Upper back, step by step (example)               5          13:12                 tennis ball           example
"""  # noqa: E501


def test_list_builtins(runner: CliRunner) -> None:
    assert ok(run(runner, "list")) == BUILTIN_LIST


def test_list_runs_from_any_folder(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert ok(run(runner, "list")) == BUILTIN_LIST


def test_user_routines_shadow_builtins_and_list_says_so(
    runner: CliRunner, user_routines: Path
) -> None:
    (user_routines / "upper-back.yaml").write_text(MINE)
    (user_routines / "broken.yaml").write_text("version: 2\n")
    (user_routines / "notes.txt").write_text("not a routine")
    mine = user_routines / "upper-back.yaml"
    assert ok(run(runner, "list")).splitlines() == [
        "Name               Title                                            Exercises  Time   "
        "               Equipment             From",
        "ankle-gentle       Gentle ankle program (example)                   2          2:25   "
        "               none                  example",
        "broken             invalid: 3 problems; run backpain validate                         "
        "                                     yours",
        "knee-gentle        Gentle knee program (example)                    2          3:45 + "
        "2 at own pace  a small rolled towel  example",
        "upper-back         My upper back                                    1          0:25   "
        "               none                  yours (replaces built-in)",
        "upper-back-chair   Upper back relief at your desk                   5          13:02  "
        "               chair, tennis ball    built-in",
        "upper-back-gentle  Gentle upper back relief (movement precautions)  2          3:30   "
        "               tennis ball           built-in",
        "upper-back-steps   Upper back, step by step (example)               5          13:12  "
        "               tennis ball           example",
        "",
        f"Yours are in {mine.parent}",  # once, not a path broken mid-word in a column
    ]
    # the shadowing routine is the one every command uses
    assert ok(run(runner, "show", "upper-back")).startswith("My upper back (upper-back)\n")


def test_list_with_one_problem(runner: CliRunner, user_routines: Path) -> None:
    (user_routines / "one.yaml").write_text(MINE.replace("hold: 5", "hold: 0"))
    assert "one                invalid: 1 problem; run backpain validate" in ok(run(runner, "list"))


def test_list_with_no_routines_at_all(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("backpain_cli.locations.builtin_routines_dir", lambda: tmp_path / "none")
    assert ok(run(runner, "list")) == "No routines found.\n"


# -- exercises --------------------------------------------------------------------------

ALL_EXERCISES = """\
Exercise                            Name                                      Position                             Dose                                               Equipment             Routines
ankle-pumps                         Ankle pumps                               sitting or lying, legs straight out  10 reps at 4 s                                     none                  ankle-gentle
ankle-circles                       Ankle circles                             sitting or lying, legs straight out  10 reps at 4 s each: clockwise, counter-clockwise  none                  ankle-gentle
quad-set                            Quadriceps set                            lying on your back, legs straight    5 s × 10 each side                                 a small rolled towel  knee-gentle
heel-slide                          Heel slide                                lying on your back                   10 reps at own pace each side                      none                  knee-gentle
rhomboid-stretch-long-sitting       Rhomboid stretch (long sitting)           long sitting                         30 s × 3                                           none                  upper-back, upper-back-steps
scapular-squeeze                    Scapular squeeze                          sitting or standing tall             5 s × 10                                           none                  upper-back, upper-back-steps
thoracic-rotation                   Thoracic rotation                         sitting                              30 s × 3 each side                                 none                  upper-back, upper-back-steps
thoracic-sidebend                   Thoracic sidebend                         sitting                              30 s × 3 each side                                 none                  upper-back, upper-back-steps
ball-trigger-point-pressure         Ball pressure on trigger points           standing against a wall              30 s × 3                                           tennis ball           upper-back, upper-back-steps
rhomboid-stretch-seated             Rhomboid stretch (seated)                 sitting on a chair                   30 s × 3                                           chair                 upper-back-chair
scapular-squeeze-seated             Scapular squeeze (seated)                 sitting on a chair                   5 s × 10                                           chair                 upper-back-chair
thoracic-rotation-seated            Thoracic rotation (seated)                sitting on a chair                   30 s × 3 each side                                 chair                 upper-back-chair
thoracic-sidebend-seated            Thoracic sidebend (seated)                sitting on a chair                   30 s × 3 each side                                 chair                 upper-back-chair
ball-trigger-point-pressure-seated  Ball pressure on trigger points (seated)  sitting against a chair back         30 s × 3                                           chair, tennis ball    upper-back-chair
ball-trigger-point-pressure-gentle  Gentle ball pressure on trigger points    standing against a wall              30 s × 3                                           tennis ball           upper-back-gentle
scapular-squeeze-gentle             Gentle scapular squeeze                   sitting or standing tall             3 s × 10                                           none                  upper-back-gentle
"""  # noqa: E501


def test_exercises_of_every_routine(runner: CliRunner) -> None:
    assert ok(run(runner, "exercises")) == ALL_EXERCISES


def test_exercises_of_one_routine(runner: CliRunner) -> None:
    assert ok(run(runner, "exercises", "upper-back")) == (
        "Exercise                       Name                             Position"
        "                  Dose                Equipment    Routines\n"
        "rhomboid-stretch-long-sitting  Rhomboid stretch (long sitting)  long sitting"
        "              30 s × 3            none         upper-back\n"
        "scapular-squeeze               Scapular squeeze                 sitting or standing tall"
        "  5 s × 10            none         upper-back\n"
        "thoracic-rotation              Thoracic rotation                sitting"
        "                   30 s × 3 each side  none         upper-back\n"
        "thoracic-sidebend              Thoracic sidebend                sitting"
        "                   30 s × 3 each side  none         upper-back\n"
        "ball-trigger-point-pressure    Ball pressure on trigger points  standing against a wall"
        "   30 s × 3            tennis ball  upper-back\n"
    )


def test_exercises_of_a_routine_file(runner: CliRunner, desk: Path) -> None:
    assert ok(run(runner, "exercises", str(desk))) == (
        "Exercise  Name     Position  Dose               Equipment  Routines\n"
        "squeeze   Squeeze  sitting   5 s × 2 × 2 sets   chair      desk\n"
        "turn      Turn               4 s × 1 each side  none       desk\n"
    )


def test_one_exercise_in_full(runner: CliRunner) -> None:
    picture = builtin_routines_dir().resolve() / "pictures" / "scapular-squeeze.svg"
    assert (
        ok(run(runner, "exercises", "scapular-squeeze"))
        == f"""\
Scapular squeeze
id: scapular-squeeze
Position:  sitting or standing tall
Dose:      5 s × 10
Rest:      3 s between reps
Equipment: none
Routines:  upper-back, upper-back-steps
Picture:   {picture}

How to do it:
  1. Sit or stand up tall with your arms relaxed at your sides.
  2. Squeeze your shoulder blades together, as if pinching a pencil between them.
  3. Keep your shoulders down, away from your ears.
  4. Hold the squeeze, then relax.

Cues:
  - Shoulders down and back.
  - Squeeze gently, then let go.

Caution: Squeeze gently; stop if it causes pain in your neck or shoulders.
"""
    )


def test_exercise_without_position_cues_or_caution(runner: CliRunner, user_routines: Path) -> None:
    (user_routines / "bare.yaml").write_text(
        "version: 1\ntitle: Bare\nexercises:\n"
        "  - {id: bare-one, name: Bare one, hold: 3, instructions: [Do it.]}\n"
    )
    assert ok(run(runner, "exercises", "bare-one")) == (
        "Bare one\n"
        "id: bare-one\n"
        "Dose:      3 s × 1\n"
        "Rest:      none\n"
        "Equipment: none\n"
        "Routines:  bare\n"
        "\n"
        "How to do it:\n"
        "  1. Do it.\n"
    )


def test_exercises_unknown_name(runner: CliRunner) -> None:
    assert refused(run(runner, "exercises", "upper")) == (
        "backpain: no routine or exercise called 'upper' (did you mean 'upper-back'?); "
        "`backpain exercises` lists them all\n"
    )
    assert refused(run(runner, "exercises", "zzz")) == (
        "backpain: no routine or exercise called 'zzz'; `backpain exercises` lists them all\n"
    )


def test_exercises_skips_broken_routines(runner: CliRunner, user_routines: Path) -> None:
    (user_routines / "broken.yaml").write_text("version: 2\n")
    assert ok(run(runner, "exercises")) == ALL_EXERCISES


# -- show -------------------------------------------------------------------------------

UPPER_BACK = """\
Upper back trigger-point relief (upper-back)
Stretch the muscles between the shoulder blades, wake up the ones that hold them back, loosen the mid back, then ease trigger points with a ball.

Total time: 13:12
Frequency:  2 per day
Equipment:  tennis ball
Source:     Ask Doctor Jo (Jo Gibson, PT, DPT), "Relieve Upper Back Pain from Trigger Points & Muscle Knots", AskDoctorJo.com

#  Id                             Exercise                         Dose                Rest               Time
1  rhomboid-stretch-long-sitting  Rhomboid stretch (long sitting)  30 s × 3            10 s between reps  2:00
2  scapular-squeeze               Scapular squeeze                 5 s × 10            3 s between reps   1:22
3  thoracic-rotation              Thoracic rotation                30 s × 3 each side  10 s between reps  3:55
4  thoracic-sidebend              Thoracic sidebend                30 s × 3 each side  10 s between reps  3:55
5  ball-trigger-point-pressure    Ball pressure on trigger points  30 s × 3            10 s between reps  2:00

Cautions:
  - Rhomboid stretch (long sitting): Stop if you feel pain, numbness or tingling. If sitting on the floor is hard, use the chair routine.
  - Scapular squeeze: Squeeze gently; stop if it causes pain in your neck or shoulders.
  - Thoracic rotation: Move slowly. Skip this one if you have been told not to twist your spine.
  - Thoracic sidebend: Move slowly. Skip this one if you have been told not to bend your spine sideways.
  - Ball pressure on trigger points: Stay off your spine and any bruised or numb area. A little pressure goes a long way; ease off if it gets sharp.

This routine is general education, not medical advice, and does not replace a healthcare provider who knows you. If anything is painful or does not feel right, stop and contact your healthcare provider.
"""  # noqa: E501


def test_show_builtin(runner: CliRunner) -> None:
    assert ok(run(runner, "show", "upper-back")) == UPPER_BACK


def test_show_path(runner: CliRunner, desk: Path) -> None:
    assert (
        ok(run(runner, "show", str(desk)))
        == f"""\
Desk break (desk)
Two quick ones.

Total time: 0:50
Frequency:  3 per day
Equipment:  chair
Source:     A physio

#  Id       Exercise  Dose               Rest                                 Time
1  squeeze  Squeeze   5 s × 2 × 2 sets   2 s between reps, 10 s between sets  0:37
2  turn     Turn      4 s × 1 each side  2 s between sides                    0:13

Cautions:
  - Squeeze: Gently.

{DISCLAIMER}
"""
    )


def test_show_relative_path(runner: CliRunner, desk: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(desk.parent)
    assert ok(run(runner, "show", "./desk.yaml")) == ok(run(runner, "show", str(desk)))
    assert ok(run(runner, "show", "desk.yaml")) == ok(run(runner, "show", str(desk)))


def test_show_json(runner: CliRunner, desk: Path) -> None:
    shown = json.loads(ok(run(runner, "show", str(desk), "--json")))

    def segment(kind: str, ex: str, start: int, duration: int, **more: object) -> object:
        return {
            "kind": kind,
            "exercise": ex,
            "start_seconds": start,
            "duration_seconds": duration,
            "rep": more.get("rep"),
            "set": more.get("set"),
            "side": more.get("side"),
            "ends_set": more.get("ends_set", False),
        }

    assert shown == {
        "format": 1,
        "name": "desk",
        "title": "Desk break",
        "summary": "Two quick ones.",
        "source": "A physio",
        "disclaimer": DISCLAIMER,
        "frequency": {"times": 3, "per": "day"},
        "equipment": ["chair"],
        "total_seconds": 50,
        "exercises": [
            {
                "id": "squeeze",
                "name": "Squeeze",
                "position": "sitting",
                "equipment": ["chair"],
                "dose": "5 s × 2 × 2 sets",
                "hold_seconds": 5,
                "reps": 2,
                "sets": 2,
                "sides": [],
                "alternate": True,
                "rest_seconds": 2,
                "set_rest_seconds": 10,
                "prepare_seconds": 3,
                "instructions": ["Sit tall.", "Squeeze."],
                "cues": ["Shoulders down."],
                "caution": "Gently.",
                "image": None,
                "total_seconds": 37,
            },
            {
                "id": "turn",
                "name": "Turn",
                "position": "",
                "equipment": [],
                "dose": "4 s × 1 each side",
                "hold_seconds": 4,
                "reps": 1,
                "sets": 1,
                "sides": ["left", "right"],
                "alternate": True,
                "rest_seconds": 2,
                "set_rest_seconds": 10,
                "prepare_seconds": 3,
                "instructions": ["Turn."],
                "cues": [],
                "caution": "",
                "image": None,
                "total_seconds": 13,
            },
        ],
        "segments": [
            segment("prepare", "squeeze", 0, 3),
            segment("hold", "squeeze", 3, 5, rep=1, set=1),
            segment("rest", "squeeze", 8, 2, rep=1, set=1),
            segment("hold", "squeeze", 10, 5, rep=2, set=1, ends_set=True),
            segment("set_rest", "squeeze", 15, 10, rep=2, set=1),
            segment("hold", "squeeze", 25, 5, rep=1, set=2),
            segment("rest", "squeeze", 30, 2, rep=1, set=2),
            segment("hold", "squeeze", 32, 5, rep=2, set=2, ends_set=True),
            segment("prepare", "turn", 37, 3),
            segment("hold", "turn", 40, 4, rep=1, set=1, side="left"),
            segment("rest", "turn", 44, 2, rep=1, set=1, side="left"),
            segment("hold", "turn", 46, 4, rep=1, set=1, side="right", ends_set=True),
        ],
    }


def test_show_json_text_is_stable(runner: CliRunner, desk: Path) -> None:
    """Two-space indent, keys in documented order, non-ASCII kept as is."""
    text = ok(run(runner, "show", str(desk), "--json"))
    assert text.startswith('{\n  "format": 1,\n  "name": "desk",\n  "title": "Desk break",\n')
    assert '"dose": "5 s × 2 × 2 sets"' in text
    assert text.endswith('      "ends_set": true\n    }\n  ]\n}\n')


@pytest.mark.parametrize("name", ["upper-back", "upper-back-chair", "upper-back-gentle"])
def test_show_json_totals_are_the_timeline_totals(runner: CliRunner, name: str) -> None:
    shown = json.loads(ok(run(runner, "show", name, "--json")))
    segments = shown["segments"]
    assert shown["total_seconds"] == sum(s["duration_seconds"] for s in segments)
    assert shown["total_seconds"] == sum(e["total_seconds"] for e in shown["exercises"])
    assert (
        segments[-1]["start_seconds"] + segments[-1]["duration_seconds"] == (shown["total_seconds"])
    )
    routine_path = Path(__file__).resolve().parents[1] / "routines" / f"{name}.yaml"
    assert shown["total_seconds"] == build_timeline(load_routine(routine_path)).total


# -- names and paths that lead nowhere ---------------------------------------------------


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("../../etc/passwd", "is not a routine file (routine files end in .yaml or .yml)"),
        ("/etc/passwd", "is not a routine file (routine files end in .yaml or .yml)"),
        ("/etc/../etc/hostname", "is not a routine file (routine files end in .yaml or .yml)"),
        ("/", "is a folder, not a routine file"),
        ("./nowhere.yaml", "no such file"),
        ("nowhere", "no routine of that name; `backpain list` shows them all"),
        (
            "upper-bak",
            "no routine of that name (did you mean 'upper-back'?); `backpain list` shows them all",
        ),
        (
            "Upper-Back",
            "is not a routine name (lowercase letters, digits and dashes); "
            "`backpain list` shows them all",
        ),
        (
            "..",
            "is not a routine name (lowercase letters, digits and dashes); "
            "`backpain list` shows them all",
        ),
        (
            "exercises",
            "is the exercise library (exercises.yaml), not a routine; "
            "`backpain list` shows them all",
        ),
    ],
)
@pytest.mark.parametrize("command", [("show",), ("show", "--json"), ("exercises",)])
def test_references_that_lead_nowhere(
    runner: CliRunner, command: tuple[str, ...], reference: str, message: str
) -> None:
    if command == ("exercises",) and "/" not in reference:
        return  # a bare word is a routine or exercise name there: tested above
    assert refused(run(runner, *command, reference)) == f"backpain: {reference}: {message}\n"


def test_folder_given_as_a_routine(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    assert refused(run(runner, "show", str(folder))) == (
        f"backpain: {folder}: is a folder, not a routine file\n"
    )


def test_show_invalid_file(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(MINE.replace("hold: 5", "hold: 0").replace("reps: 2", "reps: 500"))
    assert refused(run(runner, "show", str(path))) == (
        f"backpain: {path}:6:11: exercises[0].hold: must be between 1 and 600 seconds, got 0\n"
        f"{path}:7:11: exercises[0].reps: must be between 1 and 100, got 500\n"
    )


def test_missing_argument_is_a_usage_error(runner: CliRunner) -> None:
    result = run(runner, "show")
    assert result.exit_code == 2
    assert result.stderr == (
        "Usage: backpain show [OPTIONS] ROUTINE\n"
        "Try 'backpain show --help' for help.\n"
        "\n"
        "Error: Missing argument 'ROUTINE'.\n"
    )


# -- validate ---------------------------------------------------------------------------


def test_validate_good_files(runner: CliRunner, desk: Path, tmp_path: Path) -> None:
    one = tmp_path / "one.yml"
    one.write_text(MINE.replace("reps: 2", "reps: 1"))
    (tmp_path / "one-exercise.yaml").write_text(MINE)
    assert ok(run(runner, "validate", str(desk), str(one))) == (
        f"{desk}: ok (desk, 2 exercises)\n{one}: ok (one, 1 exercise)\n"
    )


def test_validate_bad_file(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINE.replace("hold: 5", "hodl: 5") + "titel: x\n")
    result = run(runner, "validate", str(bad))
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"{bad}:6:5: exercises[0].hodl: unknown key (did you mean 'hold'?)\n"
        f"{bad}:9:1: titel: unknown key (did you mean 'title'?)\n"
        "1 of 1 file with problems\n"
    )


def test_validate_every_problem_of_every_file(
    runner: CliRunner, desk: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(MINE.replace("version: 1", "version: 2"))
    empty = tmp_path / "empty.yaml"
    empty.write_text("")
    folder = tmp_path / "folder"
    folder.mkdir()
    missing = tmp_path / "missing.yaml"
    result = run(runner, "validate", str(bad), str(desk), str(empty), str(folder), str(missing))
    assert result.exit_code == 2
    assert result.stdout == f"{desk}: ok (desk, 2 exercises)\n"
    assert result.stderr == (
        f"{bad}:1:10: version: unsupported format version 2; use 1\n"
        f"{empty}: is empty; a routine needs at least version, title and exercises\n"
        f"{folder}: is a folder, not a routine file\n"
        f"{missing}: no such file\n"
        "4 of 5 files with problems\n"
    )


def test_validate_takes_a_routine_by_name_as_show_does(
    runner: CliRunner, user_routines: Path
) -> None:
    """A name that is no file here is the routine of that name (yours, then the
    built-ins); a name with no routine says so, with the name it may have meant."""
    (user_routines / "my-back.yaml").write_text(MINE)
    result = run(runner, "validate", "my-back", "upper-back", "my-bak")
    assert result.exit_code == 2
    assert (
        result.stdout
        == "my-back: ok (my-back, 1 exercise)\nupper-back: ok (upper-back, 5 exercises)\n"
    )
    assert result.stderr == (
        "my-bak: no routine of that name (did you mean 'my-back'?); "
        "`backpain list` shows them all\n"
        "1 of 3 files with problems\n"
    )


def test_validate_exercises_checks_your_exercise_library(
    runner: CliRunner, user_routines: Path
) -> None:
    """As `edit exercises` opens it; before it is written, its path is named."""
    library = user_routines / "exercises.yaml"
    missing = run(runner, "validate", "exercises")
    assert (missing.exit_code, missing.stderr) == (
        2,
        f"{library}: no such file\n1 of 1 file with problems\n",
    )
    library.write_text(
        "version: 1\nexercises:\n"
        "  - {id: chin-tuck, name: Chin tuck, hold: 5, instructions: [Tuck gently.]}\n"
    )
    assert ok(run(runner, "validate", "exercises")) == (
        "exercises: ok (exercise library, 1 exercise)\n"
    )


def test_validate_needs_a_file(runner: CliRunner) -> None:
    result = run(runner, "validate")
    assert result.exit_code == 2
    assert "Error: Missing argument 'FILES...'." in result.stderr


def test_validate_builtins(runner: CliRunner) -> None:
    folder = Path(__file__).resolve().parents[1] / "routines"
    files = sorted(str(p) for p in folder.glob("upper-back*.yaml"))
    assert ok(run(runner, "validate", *files)) == (
        f"{files[0]}: ok (upper-back-chair, 5 exercises)\n"
        f"{files[1]}: ok (upper-back-gentle, 2 exercises)\n"
        f"{files[2]}: ok (upper-back, 5 exercises)\n"
    )


# -- schema -----------------------------------------------------------------------------


def test_schema_prints_the_json_schema(runner: CliRunner) -> None:
    text = ok(run(runner, "schema"))
    assert text == json.dumps(routine_schema(), indent=2) + "\n"
    schema = json.loads(text)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "backpain routine (format version 1)"


# -- consoles and rich output on a terminal ---------------------------------------------


def test_make_console_is_plain_off_a_terminal() -> None:
    console = make_console()
    assert is_plain(console)
    assert console.no_color and console.width == 1000
    assert make_console(plain=True, stderr=True).stderr


def test_make_console_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Console, "is_terminal", property(lambda self: True))
    assert not is_plain(make_console())
    assert is_plain(make_console(plain=True))
    monkeypatch.setenv("TERM", "dumb")
    assert is_plain(make_console())
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setenv("NO_COLOR", "1")
    assert is_plain(make_console())


BRACKETS = """\
version: 1
title: Back [/x] and [bold]stretch[/bold]
exercises:
  - id: press
    name: Press [/b]
    hold: 5
    instructions: ["Press [space]."]
    equipment: ["[red]ball"]
"""


@pytest.mark.parametrize("terminal", [False, True], ids=["plain", "terminal"])
def test_square_brackets_in_a_routine_are_text(
    runner: CliRunner, user_routines: Path, monkeypatch: pytest.MonkeyPatch, terminal: bool
) -> None:
    # Rich reads brackets as markup: "[bold]" styled the text, "[/x]" was a traceback.
    if terminal:
        monkeypatch.setenv("FORCE_COLOR", "1")
        monkeypatch.setenv("COLUMNS", "200")
    (user_routines / "brackets.yaml").write_text(BRACKETS)
    for args, expected in (
        (["list"], "Back [/x] and [bold]stretch[/bold]"),
        (["exercises", "brackets"], "Press [/b]"),
        (["exercises", "press"], "Press [space]."),
        (["show", "brackets"], "Equipment:  [red]ball"),
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        assert expected in click.unstyle(result.output)
        assert ("\x1b[" in result.output) is terminal


def render(renderable: object) -> str:
    out = io.StringIO()
    Console(file=out, width=120, force_terminal=True, color_system=None).print(renderable)
    return out.getvalue()


def test_rich_renderings_on_a_terminal(desk: Path, tmp_path: Path) -> None:
    routine = load_routine(desk)
    summary = render(routine_summary(routine, plain=False))
    assert "Desk break (desk)" in summary
    assert "#   Id        Exercise   Dose " in summary  # a table with a rule under its header
    assert "─" in summary
    listing = render(exercise_list([routine], plain=False))
    assert "Exercise   Name      Position " in listing
    detail = render(exercise_detail(routine.exercises[0], ["desk"], plain=False))
    assert "Caution: Gently." in detail
    from backpain_cli.routines.catalogue import Origin, RoutineFile

    routines = render(
        routine_list([RoutineFile("desk", desk, Origin.PATH)], plain=False, load=fresh)
    )
    assert "desk   Desk break " in routines


# -- docs/json-output.md ------------------------------------------------------------------

JSON_DOC = Path(__file__).resolve().parents[1] / "docs" / "json-output.md"


def test_json_doc_documents_every_key_in_order(runner: CliRunner, desk: Path) -> None:
    shown = json.loads(ok(run(runner, "show", str(desk), "--json")))
    doc = JSON_DOC.read_text(encoding="utf-8")

    def documented(heading: str) -> list[str]:
        section = doc.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
        return re.findall(r"^\| `(\w+)` \|", section, re.M)

    assert documented("The routine") == list(shown)
    assert documented("Each exercise") == list(shown["exercises"][0])
    assert documented("Each segment") == list(shown["segments"][0])


def test_json_doc_example_is_real_output(runner: CliRunner, desk: Path) -> None:
    doc = JSON_DOC.read_text(encoding="utf-8")
    example = re.search(r"```json\n(.*?)```", doc, re.S)
    assert example
    assert json.loads(example[1]) == json.loads(ok(run(runner, "show", str(desk), "--json")))


def test_a_misspelt_command_gets_a_did_you_mean(runner: CliRunner) -> None:
    message = refused(run(runner, "strat", "upper-back"))
    assert message == "backpain: no command 'strat' (did you mean 'start'?); see backpain --help\n"
    assert len(message) <= 80  # one line, even on an 80-column terminal
    assert refused(run(runner, "xyzzy")) == "backpain: no command 'xyzzy'; see backpain --help\n"
    assert "No such option '-x'" in refused(run(runner, "--", "-x"))  # click's word for it
    assert refused(run(runner, "st\x1b[2Jart")) == (  # shown, not obeyed
        "backpain: no command 'st\\x1b[2Jart' (did you mean 'start'?); see backpain --help\n"
    )


def test_python_m_entry_point_in_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import runpy

    monkeypatch.setattr(sys, "argv", ["backpain_cli", "--version"])
    with pytest.raises(SystemExit) as exited:
        runpy.run_module("backpain_cli", run_name="__main__", alter_sys=True)
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"backpain, version {__version__}\n"


def test_ctrl_c_while_importing_exits_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    from backpain_cli import __main__ as entry

    real_import = __import__

    def interrupted(name: str, *args: object, **kwargs: object) -> object:
        if name == "backpain_cli.cli":
            raise KeyboardInterrupt
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("builtins.__import__", interrupted)
    with pytest.raises(SystemExit) as exited:
        entry.run()
    assert exited.value.code == 130


def test_ids_are_never_split_in_tables_at_80_columns() -> None:
    import io

    from rich.console import Console

    from backpain_cli.routines.catalogue import Origin, RoutineFile
    from backpain_cli.routines.listing import exercise_list, routine_list, routine_summary

    folder = Path(__file__).resolve().parents[1] / "routines"
    names = ["upper-back", "upper-back-chair", "upper-back-gentle"]
    files = [RoutineFile(name, folder / f"{name}.yaml", Origin.BUILTIN) for name in names]
    routines = [load_routine(f.path) for f in files]
    for columns in (80, 120):
        console = Console(width=columns, file=io.StringIO(), color_system=None)
        with console.capture() as capture:
            console.print(routine_list(files, plain=False, load=fresh))
            console.print(exercise_list(routines, plain=False))
            console.print(routine_summary(routines[1], plain=False))
        rows = capture.get().split("\n")
        assert max(len(row) for row in rows) <= columns
        words = {word for row in rows for word in row.split()}
        for name in names:
            assert name in words  # was upper-back-chai / r
        for routine in routines:
            for exercise in routine.exercises:
                assert exercise.id in words  # was rhomboid-st / retch-long- / sitting
