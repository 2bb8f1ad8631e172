"""`backpain new` and `backpain edit`: the template, copies, the editor loop."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from backpain_cli.cli import cli
from backpain_cli.cli import common as cli_module
from backpain_cli.cli.editor import EditorError, editor_command
from backpain_cli.routines.loader import load_routine, parse_routine
from backpain_cli.routines.template import check_name, copied_routine, routine_template
from backpain_cli.routines.timeline import build_timeline

BUILTIN_ROUTINES = Path(__file__).resolve().parents[1] / "routines"

FAKE_EDITOR = """\
import json, pathlib, sys
plan = pathlib.Path(sys.argv[1])
steps = json.loads(plan.read_text())
step, steps = steps[0], steps[1:]
plan.write_text(json.dumps(steps))
target = pathlib.Path(sys.argv[2])
log = plan.with_suffix(".log")
log.write_text(log.read_text() + target.name + "\\n" if log.exists() else target.name + "\\n")
if step.get("append"):
    target.write_text(target.read_text() + step["append"])
if "write" in step:
    target.write_text(step["write"])
sys.exit(step.get("status", 0))
"""

GOOD = "version: 1\ntitle: Fixed\nexercises:\n  - use: scapular-squeeze\n"
BAD = "version: 1\ntitle: Broken\nexercises:\n  - use: scapular-squease\n"
BAD_PROBLEM = (
    ":4:10: exercises[0].use: unknown exercise 'scapular-squease' (did you mean "
    "'scapular-squeeze'?); define it in this file or in exercises.yaml, or write ROUTINE/ID "
    "to use one from another routine"
)


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake editor; write its steps (JSON list) to the returned plan file."""
    script = tmp_path / "fake_editor.py"
    script.write_text(FAKE_EDITOR)
    plan = tmp_path / "plan.json"
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {script} {plan}")
    return plan


def _plan(plan: Path, *steps: dict[str, object]) -> None:
    plan.write_text(json.dumps(list(steps)))


# -- the template --------------------------------------------------------------------


def test_the_template_validates_shows_and_plays_as_it_is(
    runner: CliRunner, user_routines: Path
) -> None:
    result = runner.invoke(cli, ["new", "my-back"])
    path = user_routines / "my-back.yaml"
    assert result.exit_code == 0
    assert result.stdout == f"{path}\n"
    assert result.stderr == (
        "Change it with `backpain edit my-back`, play it with `backpain start my-back`.\n"
    )
    assert path.read_text() == routine_template("my-back")
    assert (
        runner.invoke(cli, ["validate", str(path)]).stdout == f"{path}: ok (my-back, 2 exercises)\n"
    )
    shown = runner.invoke(cli, ["show", "my-back"])
    assert shown.exit_code == 0
    assert "Total time: 3:17" in shown.stdout
    routine = load_routine(path)
    timeline = build_timeline(routine)
    assert timeline.total == 197
    assert [exercise.id for exercise in routine.exercises] == [
        "my-rhomboid-stretch",
        "scapular-squeeze",
    ]


def test_the_template_is_valid_for_any_name() -> None:
    for name in ("a", "x-1", "my-very-long-routine-name"):
        routine = parse_routine(routine_template(name), "t.yaml", default_name=name)
        assert routine.name == name
    assert parse_routine(routine_template("my-back"), "t", default_name="my-back").title == (
        "My back"
    )


def test_new_refuses_to_overwrite_without_force(runner: CliRunner, user_routines: Path) -> None:
    path = user_routines / "mine.yaml"
    path.write_text("keep me")
    result = runner.invoke(cli, ["new", "mine"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"backpain: {path} already exists; `backpain edit mine` changes it, "
        "or add --force to replace it\n"
    )
    assert path.read_text() == "keep me"
    forced = runner.invoke(cli, ["new", "mine", "--force"])
    assert forced.exit_code == 0
    assert path.read_text() == routine_template("mine")


def test_new_finds_an_existing_yml_file_too(runner: CliRunner, user_routines: Path) -> None:
    (user_routines / "old.yml").write_text("keep me")
    result = runner.invoke(cli, ["new", "old"])
    assert result.exit_code == 2
    assert "old.yml already exists" in result.stderr


def test_new_copies_a_builtin_renamed(runner: CliRunner, user_routines: Path) -> None:
    result = runner.invoke(cli, ["new", "desk", "--from", "upper-back-chair"])
    path = user_routines / "desk.yaml"
    assert result.exit_code == 0
    assert result.stdout == f"{path}\n"
    text = path.read_text()
    original = (BUILTIN_ROUTINES / "upper-back-chair.yaml").read_text()
    assert text == (
        "# desk: your copy of the built-in routine 'upper-back-chair', made by `backpain new`.\n"
        + original.replace("name: upper-back-chair\n", "name: desk\n").replace(
            "title: Upper back relief at your desk\n",
            "title: Upper back relief at your desk (desk)\n",
        )
    )
    shown = json.loads(runner.invoke(cli, ["show", "desk", "--json"]).stdout)
    builtin = json.loads(runner.invoke(cli, ["show", "upper-back-chair", "--json"]).stdout)
    assert shown["name"] == "desk"
    assert shown["title"] == builtin["title"] + " (desk)"  # `list` tells the two apart
    assert shown["total_seconds"] == builtin["total_seconds"]


def test_new_copying_a_builtin_of_the_same_name_says_it_replaces_it(
    runner: CliRunner, user_routines: Path
) -> None:
    result = runner.invoke(cli, ["new", "upper-back", "--from", "upper-back"])
    assert result.exit_code == 0
    assert result.stderr == (
        "note: it replaces the built-in routine 'upper-back' for you; delete the file to get "
        "the built-in one back\n"
        "Change it with `backpain edit upper-back`, play it with `backpain start upper-back`.\n"
    )
    listed = runner.invoke(cli, ["list"]).stdout
    assert "(replaces built-in)" in listed


def test_new_copies_a_file_by_path(runner: CliRunner, tmp_path: Path, user_routines: Path) -> None:
    source = tmp_path / "patient.yaml"
    source.write_text("version: 1\ntitle: For a patient\nexercises:\n  - use: thoracic-rotation\n")
    result = runner.invoke(cli, ["new", "patient", "--from", str(source)])
    assert result.exit_code == 0
    assert (user_routines / "patient.yaml").read_text() == (
        f"# patient: your copy of {source}, made by `backpain new`.\n"
        + source.read_text().replace("For a patient", "For a patient (patient)")
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["new", "Bad Name"],
            "'Bad Name' is not a routine name: use lowercase letters, digits and dashes "
            "(at most 64), e.g. 'my-back'",
        ),
        (
            ["new", "exercises"],
            "'exercises' is reserved for the exercise library (exercises.yaml); pick another name",
        ),
        (
            ["new", "x", "--from", "upper-bak"],
            "upper-bak: no routine of that name (did you mean 'upper-back'?); `backpain list` "
            "shows them all",
        ),
    ],
)
def test_new_bad_input(runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert result.stderr == f"backpain: {message}\n"


def test_new_refuses_to_copy_a_broken_routine(runner: CliRunner, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\n")
    result = runner.invoke(cli, ["new", "x", "--from", str(broken)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"backpain: {broken}:1:1: title: is required but missing")


def test_new_reports_a_folder_it_cannot_write(runner: CliRunner, home: Path) -> None:
    (home / "routines").write_text("a file where the folder should be")
    result = runner.invoke(cli, ["new", "x"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"backpain: cannot write {home / 'routines' / 'x.yaml'}: ")


@pytest.mark.parametrize(
    ("line", "copied"),
    [
        ("title: T", "title: T (new)"),
        ("title: T  # a comment", "title: T (new)  # a comment"),
        ('title: "T: quoted"', 'title: "T: quoted"'),
        ("title: >-", "title: >-"),
        ("title: " + "x" * 95, "title: " + "x" * 95),  # (new) would pass 100 characters
    ],
)
def test_a_copy_marks_its_title_when_it_safely_can(line: str, copied: str) -> None:
    text = f"version: 1\n{line}\nexercises:\n  - use: x\n"
    assert copied_routine(text, name="new", origin="o").splitlines()[2] == copied


def test_copied_routine_only_renames_the_top_level_name() -> None:
    text = "version: 1\nname: old\ntitle: T\nexercises:\n  - name: keep\n"
    assert copied_routine(text, name="new", origin="o") == (
        "# new: your copy of o, made by `backpain new`.\n"
        "version: 1\nname: new\ntitle: T (new)\nexercises:\n  - name: keep\n"
    )


def test_check_name() -> None:
    assert check_name("ok-name") is None
    assert check_name("exercises") is not None
    assert check_name("-x") is not None


# -- the editor ----------------------------------------------------------------------


def _which(found: set[str]):  # type: ignore[no-untyped-def]
    return lambda name: f"/usr/bin/{name}" if name in found else None


def test_editor_command_order() -> None:
    which = _which({"vim", "nano", "editor", "vi", "code", "notepad"})
    env = {"VISUAL": "vim", "EDITOR": "nano"}
    assert editor_command(env, windows=False, which=which) == ["vim"]
    assert editor_command({"EDITOR": "code --wait"}, windows=False, which=which) == [
        "code",
        "--wait",
    ]
    assert editor_command({"VISUAL": " ", "EDITOR": "nano"}, windows=False, which=which) == ["nano"]
    assert editor_command({}, windows=False, which=which) == ["/usr/bin/editor"]
    assert editor_command({}, windows=False, which=_which({"vi"})) == ["/usr/bin/vi"]
    assert editor_command({}, windows=True, which=which) == ["/usr/bin/notepad"]
    assert editor_command(
        {"EDITOR": '"C:\\Program Files\\code.exe" --wait'}, windows=True, which=lambda n: n
    ) == ["C:\\Program Files\\code.exe", "--wait"]
    assert editor_command({"EDITOR": "''"}, windows=False, which=which) == ["/usr/bin/editor"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "no text editor found: set $EDITOR to the one you use, e.g. export EDITOR=nano"),
        (
            {"EDITOR": "emacs -nw"},
            "editor 'emacs' (from $EDITOR) was not found; set $EDITOR to an editor you have, "
            "e.g. export EDITOR=nano",
        ),
        (
            {"VISUAL": "vim 'unclosed"},
            "$VISUAL (vim 'unclosed) cannot be read: No closing quotation",
        ),
    ],
)
def test_editor_command_errors(env: dict[str, str], message: str) -> None:
    with pytest.raises(EditorError) as caught:
        editor_command(env, windows=False, which=_which(set()))
    assert str(caught.value) == message


def test_edit_checks_the_file_after_the_editor(
    runner: CliRunner, user_routines: Path, editor: Path
) -> None:
    path = user_routines / "mine.yaml"
    path.write_text(BAD)
    _plan(editor, {"write": GOOD})
    result = runner.invoke(cli, ["edit", "mine"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{path}: ok (mine, 1 exercise)\n"
    assert result.stderr == ""


def test_edit_without_a_terminal_reports_and_fails(
    runner: CliRunner, user_routines: Path, editor: Path
) -> None:
    path = user_routines / "mine.yaml"
    path.write_text(GOOD)
    _plan(editor, {"write": BAD})
    result = runner.invoke(cli, ["edit", "mine"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"{path}{BAD_PROBLEM}\nbackpain: {path} has problems (above); it is kept as you saved it\n"
    )
    assert path.read_text() == BAD


def test_edit_reopens_until_the_file_is_fixed(
    runner: CliRunner, user_routines: Path, editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_module, "interactive", lambda: True)
    path = user_routines / "mine.yaml"
    path.write_text(GOOD)
    _plan(editor, {"write": BAD}, {"append": "  - use: thoracic-rotation\n"}, {"write": GOOD})
    result = runner.invoke(cli, ["edit", "mine"], input="y\n\n")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{path}: ok (mine, 1 exercise)\n"
    assert result.stderr == (
        f"{path}{BAD_PROBLEM}\n"
        "Open it again to fix them? [Y/n]: y\n"
        f"{path}{BAD_PROBLEM}\n"
        "Open it again to fix them? [Y/n]: \n"
    )
    assert editor.with_suffix(".log").read_text() == "mine.yaml\n" * 3


def test_edit_can_stop_with_the_problems_left(
    runner: CliRunner, user_routines: Path, editor: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_module, "interactive", lambda: True)
    path = user_routines / "mine.yaml"
    path.write_text(GOOD)
    _plan(editor, {"write": BAD})
    result = runner.invoke(cli, ["edit", "mine"], input="n\n")
    assert result.exit_code == 2
    assert result.stderr == (
        f"{path}{BAD_PROBLEM}\n"
        "Open it again to fix them? [Y/n]: n\n"
        f"backpain: {path} is kept as you saved it; `backpain validate {path}` checks it again\n"
    )


def test_edit_reports_an_editor_that_fails(
    runner: CliRunner, user_routines: Path, editor: Path
) -> None:
    path = user_routines / "mine.yaml"
    path.write_text(GOOD)
    _plan(editor, {"write": BAD, "status": 3})
    result = runner.invoke(cli, ["edit", "mine"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"backpain: the editor '{sys.executable}' exited with status 3; {path} was not checked "
        f"(`backpain validate {path}` checks it)\n"
    )


def test_edit_reports_an_editor_that_cannot_run(
    runner: CliRunner, user_routines: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_executable = tmp_path / "not-a-program"
    not_executable.write_text("")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(not_executable))
    monkeypatch.setattr("shutil.which", lambda name: name)
    (user_routines / "mine.yaml").write_text(GOOD)
    result = runner.invoke(cli, ["edit", "mine"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"backpain: could not run the editor '{not_executable}': Permission denied\n"
    )


def test_edit_reports_a_missing_editor(
    runner: CliRunner, user_routines: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "no-such-editor-anywhere")
    (user_routines / "mine.yaml").write_text(GOOD)
    result = runner.invoke(cli, ["edit", "mine"])
    assert result.exit_code == 2
    assert result.stderr == (
        "backpain: editor 'no-such-editor-anywhere' (from $EDITOR) was not found; set $EDITOR "
        "to an editor you have, e.g. export EDITOR=nano\n"
    )


def test_edit_a_path_and_the_exercise_library(
    runner: CliRunner, user_routines: Path, tmp_path: Path, editor: Path
) -> None:
    elsewhere = tmp_path / "patient.yaml"
    elsewhere.write_text(GOOD)
    _plan(editor, {}, {})
    result = runner.invoke(cli, ["edit", str(elsewhere)])
    assert result.stdout == f"{elsewhere}: ok (patient, 1 exercise)\n"
    library = user_routines / "exercises.yaml"
    library.write_text("version: 1\nexercises:\n  - use: thoracic-rotation\n    hold: 20\n")
    result = runner.invoke(cli, ["edit", "exercises"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{library}: ok (exercise library, 1 exercise)\n"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "upper-back",
            "'upper-back' is a built-in routine; make your own copy first: "
            "backpain new upper-back --from upper-back",
        ),
        (
            "mien",
            "you have no routine called 'mien' (did you mean 'mine'?); "
            "`backpain new mien` writes one",
        ),
        (
            "Mine",
            "'Mine' is not a routine name: use lowercase letters, digits and dashes "
            "(at most 64), e.g. 'my-back'",
        ),
        (
            "./nowhere.yaml",
            "./nowhere.yaml: no such file; `backpain new NAME` writes a new routine",
        ),
    ],
)
def test_edit_bad_names(
    runner: CliRunner, user_routines: Path, editor: Path, name: str, message: str
) -> None:
    (user_routines / "mine.yaml").write_text(GOOD)
    result = runner.invoke(cli, ["edit", name])
    assert result.exit_code == 2
    assert result.stderr == f"backpain: {message}\n"


def test_edit_exercises_without_a_library(runner: CliRunner, user_routines: Path) -> None:
    result = runner.invoke(cli, ["edit", "exercises"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"backpain: you have no exercise library yet ({user_routines / 'exercises.yaml'}); "
        'write one as described in `backpain help format`, "Reusing exercises"\n'
    )


def test_interactive_is_false_under_the_test_runner() -> None:
    assert cli_module.interactive() is False


def test_the_template_plays_to_the_end(runner: CliRunner, user_routines: Path) -> None:
    assert runner.invoke(cli, ["new", "my-back"]).exit_code == 0
    result = runner.invoke(
        cli, ["start", "my-back", "--plain", "--speed", "1000", "--no-sound", "--no-history"]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "My back — 2 exercises, 3:17"
    assert any("Rhomboid stretch (my way) — hold 30 s — rep 1 of 3" in line for line in lines)
    assert any("Scapular squeeze — hold 5 s — rep 10 of 10" in line for line in lines)


def test_edit_shows_the_warnings_of_a_file_that_is_ok(
    runner: CliRunner, user_routines: Path, editor: Path
) -> None:
    path = user_routines / "mine.yaml"
    path.write_text(GOOD)
    split = GOOD + "    cues: [Slowly, gently]\n"
    _plan(editor, {"write": split})
    result = runner.invoke(cli, ["edit", "mine"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{path}: ok (mine, 1 exercise)\n"
    assert result.stderr == (
        f"{path}:5:11: exercises[0].cues: warning: reads as separate items 'Slowly' and "
        "'gently'; if you meant one text, put it in quotes: \"Slowly, gently\"\n"
    )


def test_edit_names_what_a_path_is_when_it_is_no_file(
    runner: CliRunner, tmp_path: Path, editor: Path
) -> None:
    folder = tmp_path / "routines.yaml"
    folder.mkdir()
    result = runner.invoke(cli, ["edit", str(folder)])
    assert result.exit_code == 2
    assert result.stderr == f"backpain: {folder}: is a folder, not a file\n"
    assert not editor.with_suffix(".log").exists()  # the editor was never opened


def test_new_never_replaces_a_routine_written_meanwhile(
    runner: CliRunner, user_routines: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backpain_cli.routines import template

    path = user_routines / "mine.yaml"

    def written_meanwhile(name: str) -> str:  # another `backpain new mine`, just now
        path.write_text(GOOD)
        return routine_template(name)

    monkeypatch.setattr(template, "routine_template", written_meanwhile)
    result = runner.invoke(cli, ["new", "mine"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"backpain: {path} already exists (it was made just now); `backpain edit mine` "
        "changes it, or add --force to replace it\n"
    )
    assert path.read_text() == GOOD
    assert sorted(p.name for p in user_routines.iterdir()) == ["mine.yaml"]


def test_new_force_reports_a_folder_in_the_routines_place(
    runner: CliRunner, user_routines: Path
) -> None:
    (user_routines / "mine.yaml").mkdir()
    result = runner.invoke(cli, ["new", "mine", "--force"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"backpain: cannot write {user_routines / 'mine.yaml'}: Is a directory\n"
    )
    assert [p.name for p in user_routines.iterdir()] == ["mine.yaml"]  # no temporary left
