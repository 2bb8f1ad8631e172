"""`backpain add` and `backpain pack`: a routine arrives whole, checked before anything
is written; one of the same name is replaced only when asked, and can be put back."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from transfer_files import DRAWN, NECK, PACKED_LIBRARY, SVG, pack_bytes, therapist_folder

from backpain_cli.cli import cli
from backpain_cli.cli import common as cli_module


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "cache" not in path.parts
    }


def test_add_installs_a_file_with_its_pictures_and_exercises(
    runner: CliRunner, tmp_path: Path, home: Path
) -> None:
    source = therapist_folder(tmp_path)
    result = runner.invoke(cli, ["add", str(source)])
    assert result.exit_code == 0, result.output
    routines = home / "routines"
    assert result.output == (
        f"Added neck-mobility (Neck mobility): {routines / 'neck-mobility.yaml'}\n"
        "With it: 1 picture, 1 exercise into your exercises.yaml.\n"
        "Play it with `backpain start neck-mobility`.\n"
    )
    assert files_under(routines) == {
        "exercises.yaml": PACKED_LIBRARY.encode(),
        "neck-mobility.yaml": NECK.encode(),
        "pictures/chin-tuck.svg": DRAWN.encode(),
    }
    listed = runner.invoke(cli, ["list"])
    assert "neck-mobility" in listed.output
    again = runner.invoke(cli, ["add", str(source)])
    assert again.output == "neck-mobility is installed exactly so already; nothing changed.\n"


def test_pack_then_add_in_a_fresh_home(
    runner: CliRunner, tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = therapist_folder(tmp_path)
    pack = tmp_path / "neck.backpain"
    made = runner.invoke(cli, ["pack", str(source), "-o", str(pack), "--note", "Twice a day."])
    assert made.exit_code == 0, made.output
    assert made.output.splitlines()[1:] == [
        "With it: 1 picture and 1 exercise of its exercise library.",
        "On the other side: `backpain add neck.backpain`.",
    ]
    with zipfile.ZipFile(pack) as archive:
        assert archive.namelist() == [
            "manifest.json",
            "neck-mobility.yaml",
            "exercises.yaml",
            "pictures/chin-tuck.svg",
        ]
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["note"] == "Twice a day."
    fresh = tmp_path / "fresh-home"
    fresh.mkdir()
    monkeypatch.setenv("BACKPAIN_HOME", str(fresh))
    added = runner.invoke(cli, ["add", str(pack), "--yes"])
    assert added.exit_code == 0, added.output
    assert added.output.splitlines()[0] == "Note from the pack: Twice a day."
    assert (fresh / "routines" / "pictures" / "chin-tuck.svg").read_text() == DRAWN
    assert "neck-mobility" in runner.invoke(cli, ["list"]).output
    played = runner.invoke(
        cli, ["start", "neck-mobility", "--plain", "--speed", "1000", "--no-history"]
    )
    assert played.exit_code == 0
    assert "Shoulder roll  6 of 6 reps" in played.output
    assert "not found" not in played.output


def test_adding_over_a_routine_shows_the_changes_asks_and_keeps_the_old_one(
    runner: CliRunner, tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = therapist_folder(tmp_path)
    assert runner.invoke(cli, ["add", str(source)]).exit_code == 0
    before = files_under(home / "routines")
    source.write_text(
        NECK.replace("reps: 3", "reps: 5").replace("  - use: shoulder-roll\n    reps: 6\n", "")
        + "  - use: scapular-squeeze\n"
    )
    (source.parent / "pictures" / "chin-tuck.svg").write_text(SVG.replace("r='4'", "r='3'"))
    expected = (
        f"Adding {source} changes neck-mobility:\n"
        "  Chin tuck: 5 s × 3 → 5 s × 5\n"
        "  + Scapular squeeze (5 s × 10)\n"
        "  - Shoulder roll (6 reps at 4 s)\n"
        "  picture pictures/chin-tuck.svg is replaced\n"
    )
    refused = runner.invoke(cli, ["add", str(source)])
    assert refused.exit_code == 2
    assert refused.stdout == expected
    assert refused.stderr == (
        "backpain: add --yes to change neck-mobility without a question; nothing was changed\n"
    )
    monkeypatch.setattr(cli_module, "interactive", lambda: True)
    declined = runner.invoke(cli, ["add", str(source)], input="n\n")
    assert declined.output == expected + "Change it? [y/N]: n\nNothing was changed.\n"
    assert files_under(home / "routines") == before
    accepted = runner.invoke(cli, ["add", str(source)], input="y\n")
    assert accepted.exit_code == 0
    kept = next((home / "replaced").iterdir())
    assert accepted.output.splitlines()[-2] == (
        f"The version it replaced is kept in {kept}; `backpain add "
        f"{kept / 'neck-mobility.yaml'}` puts it back."
    )
    assert "reps: 5" in (home / "routines" / "neck-mobility.yaml").read_text()
    back = runner.invoke(cli, ["add", str(kept / "neck-mobility.yaml"), "--yes"])
    assert back.exit_code == 0, back.output
    assert files_under(home / "routines") == before


def test_add_over_a_routine_that_does_not_load(
    runner: CliRunner, tmp_path: Path, user_routines: Path
) -> None:
    (user_routines / "neck-mobility.yaml").write_text("version: 1\n")
    result = runner.invoke(cli, ["add", str(therapist_folder(tmp_path)), "--yes"])
    assert result.exit_code == 0
    assert "  the installed neck-mobility.yaml does not load; it is replaced" in result.output


def test_add_a_changed_exercise_of_the_library(
    runner: CliRunner, tmp_path: Path, user_routines: Path
) -> None:
    (user_routines / "exercises.yaml").write_text(
        "version: 1\nexercises:\n  - id: shoulder-roll\n    name: Shoulder roll\n"
        "    rep_seconds: 3\n    reps: 5\n    instructions: [Roll.]\n"
    )
    result = runner.invoke(cli, ["add", str(therapist_folder(tmp_path)), "--yes"])
    assert result.exit_code == 0, result.output
    assert "  exercise 'shoulder-roll' in your exercises.yaml changes\n" in result.output
    assert "rep_seconds: 4" in (user_routines / "exercises.yaml").read_text()


def test_a_routine_with_only_its_wording_changed(
    runner: CliRunner, tmp_path: Path, user_routines: Path
) -> None:
    source = therapist_folder(tmp_path)
    runner.invoke(cli, ["add", str(source)])
    source.write_text(NECK.replace("Tuck your chin gently.", "Tuck your chin in, gently."))
    result = runner.invoke(cli, ["add", str(source), "--yes"])
    assert "  the file's wording changes (no exercise or dose)\n" in result.output


def test_add_over_a_built_in_says_so(runner: CliRunner, tmp_path: Path, home: Path) -> None:
    source = tmp_path / "upper-back.yaml"
    source.write_text("version: 1\ntitle: Mine\nexercises:\n  - use: scapular-squeeze\n")
    result = runner.invoke(cli, ["add", str(source)])
    assert result.exit_code == 0
    assert "note: it replaces the built-in routine 'upper-back' for you" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["pack", "upper-back", "-o", "x.zip"], "x.zip: a pack's name ends in .backpain"),
        (["pack", "nothing-here"], "nothing-here: no routine of that name"),
    ],
)
def test_pack_bad_input(runner: CliRunner, home: Path, args: list[str], message: str) -> None:
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"backpain: {message}")


def test_pack_refuses_to_replace_a_file_without_force(
    runner: CliRunner, tmp_path: Path, home: Path
) -> None:
    target = tmp_path / "upper-back.backpain"
    target.write_text("mine")
    refused = runner.invoke(cli, ["pack", "upper-back", "-o", str(target)])
    assert refused.stderr == f"backpain: {target} already exists; add --force to replace it\n"
    assert runner.invoke(cli, ["pack", "upper-back", "-o", str(target), "--force"]).exit_code == 0
    with zipfile.ZipFile(target) as archive:  # a built-in's exercises are everywhere
        assert archive.namelist() == ["manifest.json", "upper-back.yaml"]


def test_pack_reports_a_place_it_cannot_write(
    runner: CliRunner, tmp_path: Path, home: Path
) -> None:
    (tmp_path / "file").write_text("")
    result = runner.invoke(cli, ["pack", "upper-back", "-o", str(tmp_path / "file" / "x.backpain")])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"backpain: cannot write {tmp_path / 'file' / 'x.backpain'}")


def test_add_a_pack_over_the_same_pack_changes_nothing(
    runner: CliRunner, tmp_path: Path, home: Path
) -> None:
    pack = tmp_path / "neck.backpain"
    pack.write_bytes(pack_bytes())
    assert runner.invoke(cli, ["add", str(pack)]).exit_code == 0
    again = runner.invoke(cli, ["add", str(pack)])
    assert again.output == "neck-mobility is installed exactly so already; nothing changed.\n"


def test_add_shows_a_new_title_and_frequency(
    runner: CliRunner, tmp_path: Path, user_routines: Path
) -> None:
    source = therapist_folder(tmp_path)
    runner.invoke(cli, ["add", str(source)])
    source.write_text(
        NECK.replace("Neck mobility", "Neck, gently").replace("1 per day", "2 per day")
    )
    result = runner.invoke(cli, ["add", str(source), "--yes"])
    assert result.output.splitlines()[1:3] == [
        "  title: Neck mobility → Neck, gently",
        "  frequency: 1 per day → 2 per day",
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("exercises", "the routine's name: 'exercises' is reserved for the exercise library"),
    ],
)
def test_add_refuses_a_pack_of_a_name_that_cannot_be(
    runner: CliRunner, tmp_path: Path, home: Path, name: str, message: str
) -> None:
    members = {f"{name}.yaml": NECK.replace("name: neck-mobility\n", "").encode()}
    from transfer_files import manifest_for

    pack = tmp_path / "odd.backpain"
    pack.write_bytes(pack_bytes(members, manifest=manifest_for(members, routine=f"{name}.yaml")))
    result = runner.invoke(cli, ["add", str(pack)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"backpain: {pack}: {message}")


def test_add_when_your_library_cannot_take_the_exercises(
    runner: CliRunner, tmp_path: Path, user_routines: Path
) -> None:
    (user_routines / "exercises.yaml").write_text("version: 1\nexercises: []\n")
    source = therapist_folder(tmp_path)
    result = runner.invoke(cli, ["add", str(source)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"backpain: {source}: your exercises.yaml has no block list of exercises to add to; "
        "add shoulder-roll to it yourself\n"
    )
    assert not (user_routines / "neck-mobility.yaml").exists()


def test_add_when_the_old_version_cannot_be_kept(
    runner: CliRunner, tmp_path: Path, home: Path
) -> None:
    source = therapist_folder(tmp_path)
    runner.invoke(cli, ["add", str(source)])
    source.write_text(NECK.replace("reps: 3", "reps: 4"))
    (home / "replaced").write_text("a file where the folder goes")
    result = runner.invoke(cli, ["add", str(source), "--yes"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"backpain: cannot keep the replaced version in {home}")
    assert result.stderr.endswith("; nothing was installed\n")
    assert "reps: 3" in (home / "routines" / "neck-mobility.yaml").read_text()


def test_add_when_the_routine_cannot_be_written(
    runner: CliRunner, tmp_path: Path, home: Path
) -> None:
    (home / "routines").mkdir()
    (home / "routines" / "neck-mobility.yaml").mkdir()  # a folder in the file's place
    source = tmp_path / "neck-mobility.yaml"
    source.write_text("version: 1\ntitle: Mine\nexercises:\n  - use: scapular-squeeze\n")
    result = runner.invoke(cli, ["add", str(source)])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"backpain: cannot write {home / 'routines' / 'neck-mobility.yaml'}"
    )
