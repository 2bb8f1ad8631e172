"""A routine file given as a path uses the exercises.yaml beside it: `validate`, `show`,
`start` and `today` find its `use:` entries there first, as `add` and `pack` do, and a
hostile library beside it is refused naming the file and the place."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from terminal import command_screen
from transfer_files import LIBRARY, NECK, therapist_folder

from backpain_cli.cli import cli

MINE = """\
version: 1
exercises:
  - id: shoulder-roll
    name: My own shoulder roll
    hold: 9
    instructions: [Mine.]
"""


@pytest.fixture
def neck(tmp_path: Path) -> Path:
    """The therapist's neck.yaml, `use: shoulder-roll` from the exercises.yaml beside it."""
    return therapist_folder(tmp_path / "my files")


def test_validate_show_and_start_use_the_library_beside(
    runner: CliRunner, home: Path, neck: Path
) -> None:
    checked = runner.invoke(cli, ["validate", str(neck), str(neck.parent / "exercises.yaml")])
    assert checked.exit_code == 0, checked.output
    assert checked.output == (
        f"{neck}: ok (neck-mobility, 2 exercises)\n"
        f"{neck.parent / 'exercises.yaml'}: ok (exercise library, 2 exercises)\n"
    )
    shown = runner.invoke(cli, ["show", str(neck), "--json"])
    assert shown.exit_code == 0, shown.output
    assert '"name": "Shoulder roll"' in shown.output and '"reps": 6' in shown.output
    played = runner.invoke(
        cli, ["start", str(neck), "--plain", "--speed", "1000", "--no-sound", "--no-history"]
    )
    assert played.exit_code == 0, played.output
    assert "Shoulder roll" in played.output


@pytest.mark.parametrize("columns", [40, 80, 120])
def test_show_of_a_path_as_a_person_sees_it(home: Path, neck: Path, columns: int) -> None:
    rows = command_screen(home, columns, "show", str(neck))
    words = " ".join(rows).split()
    assert "Shoulder" in words and "roll" in words
    assert not any("unknown exercise" in row for row in rows)
    assert max(len(row) for row in rows) <= columns


def test_the_library_beside_comes_before_yours_as_with_add(
    runner: CliRunner, neck: Path, user_routines: Path
) -> None:
    (user_routines / "exercises.yaml").write_text(MINE)
    shown = runner.invoke(cli, ["show", str(neck), "--json"])
    assert '"name": "Shoulder roll"' in shown.output
    assert "My own" not in shown.output
    # yours and the built-ins are still looked in after it
    neck.write_text(NECK + "  - use: scapular-squeeze\n")
    (neck.parent / "exercises.yaml").write_text(LIBRARY.replace("shoulder-roll", "neck-roll"))
    (neck.parent / "neck.yaml").write_text(neck.read_text())
    shown = runner.invoke(cli, ["show", str(neck), "--json"])
    assert shown.exit_code == 0, shown.output
    assert '"name": "My own shoulder roll"' in shown.output
    assert '"name": "Scapular squeeze"' in shown.output


def test_a_changed_library_beside_is_read_again(runner: CliRunner, neck: Path) -> None:
    first = runner.invoke(cli, ["show", str(neck), "--json"])
    assert '"reps": 6' in first.output  # kept in the routine cache from now on
    library = neck.parent / "exercises.yaml"
    library.write_text(LIBRARY.replace("Shoulder roll", "Shoulder circle"))
    again = runner.invoke(cli, ["show", str(neck), "--json"])
    assert '"name": "Shoulder circle"' in again.output


def test_validate_uses_the_library_beside_each_file_and_no_other(
    runner: CliRunner, tmp_path: Path, neck: Path
) -> None:
    other = tmp_path / "elsewhere" / "neck.yaml"
    other.parent.mkdir()
    other.write_text(NECK)  # no exercises.yaml beside it: shoulder-roll is unknown there
    twin = neck.parent / "neck-twin.yaml"
    twin.write_text(NECK.replace("neck-mobility", "neck-twin"))
    checked = runner.invoke(cli, ["validate", str(neck), str(other), str(twin)])
    assert checked.exit_code == 2
    assert checked.stdout == (
        f"{neck}: ok (neck-mobility, 2 exercises)\n{twin}: ok (neck-twin, 2 exercises)\n"
    )
    assert checked.stderr.splitlines()[0].startswith(
        f"{other}:12:10: exercises[1].use: unknown exercise 'shoulder-roll'"
    )


LISTED = "has problems (listed below)"
HOSTILE = {  # the library beside: (its text, what is said of it)
    "broken YAML": (
        "version: 1\nexercises: [\n",
        [LISTED, "exercises.yaml:3:1: invalid YAML: did not find expected node content"],
    ),
    "wrong types": (
        LIBRARY.replace("reps: 5", "reps: five"),
        [LISTED, "exercises.yaml:6:11: exercises[0].reps: must be a whole number, got text 'five'"],
    ),
    "a use of an id missing everywhere": (
        "version: 1\nexercises:\n  - id: shoulder-roll\n    use: nowhere-at-all\n",
        [
            "exercises.yaml:4:10: exercises[0].use: unknown exercise 'nowhere-at-all'; define it "
            "in this file or in exercises.yaml, or write ROUTINE/ID to use one from another routine"
        ],
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE))
@pytest.mark.parametrize("command", ["validate", "show", "start"])
def test_a_hostile_library_beside_is_refused_naming_file_and_place(
    runner: CliRunner, home: Path, neck: Path, case: str, command: str
) -> None:
    text, said = HOSTILE[case]
    (neck.parent / "exercises.yaml").write_text(text)
    extra = ["--plain", "--speed", "1000", "--no-sound", "--record"] if command == "start" else []
    result = runner.invoke(cli, [command, str(neck), *extra])
    assert result.exit_code == 2
    assert result.stdout == ""
    at = f"{neck}:12:10: exercises[1].use: "
    library = f"{neck.parent}/exercises.yaml"
    if said[0] == LISTED:
        expected = [
            f"{at}cannot look up 'shoulder-roll': {library} {LISTED}",
            f"{neck.parent}/{said[1]}",
        ]
    else:
        expected = [f"{at}cannot use 'shoulder-roll': {neck.parent}/{said[0]}"]
    if command == "validate":
        expected.append("1 of 1 file with problems")
    else:
        expected[0] = f"backpain: {expected[0]}"
    assert result.stderr.splitlines() == expected
    assert not (home / "history.sqlite3").exists()  # nothing recorded, nothing half-written


@pytest.mark.parametrize("command", ["validate", "show", "start"])
def test_a_use_of_an_id_missing_everywhere_is_one_line(
    runner: CliRunner, home: Path, neck: Path, command: str
) -> None:
    neck.write_text(NECK.replace("use: shoulder-roll", "use: nowhere-at-all"))
    extra = ["--plain", "--speed", "1000", "--no-sound", "--record"] if command == "start" else []
    result = runner.invoke(cli, [command, str(neck), *extra])
    assert result.exit_code == 2
    prefix = "" if command == "validate" else "backpain: "
    assert result.stderr.splitlines()[0] == (
        f"{prefix}{neck}:12:10: exercises[1].use: unknown exercise 'nowhere-at-all'; define it "
        "in this file or in exercises.yaml, or write ROUTINE/ID to use one from another routine"
    )
    assert len(result.stderr.splitlines()) == (2 if command == "validate" else 1)
    assert not (home / "history.sqlite3").exists()


@pytest.mark.parametrize("columns", [40, 80, 120])
def test_a_hostile_library_as_a_person_sees_it(home: Path, neck: Path, columns: int) -> None:
    (neck.parent / "exercises.yaml").write_text(HOSTILE["broken YAML"][0])
    rows = command_screen(home, columns, "show", str(neck))
    # Long lines wrap at the terminal's width, where a space at a row's end is not seen:
    # the text is compared without its spaces.
    text = "".join("".join(rows).split())
    said = f"backpain: {neck}:12:10: exercises[1].use: cannot look up 'shoulder-roll': "
    said += f"{neck.parent}/exercises.yaml has problems (listed below)"
    said += f"{neck.parent}/exercises.yaml:3:1: invalid YAML: did not find expected node content"
    assert text == "".join(said.split())
