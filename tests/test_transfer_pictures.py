"""Pictures travel with a routine: `new --from` copies them, and a missing picture is a
warning (`validate`) and one notice in the player, never a refusal to play."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from transfer_files import DRAWN, SVG, therapist_folder

from backpain_cli.cli import cli
from backpain_cli.errors import BackpainError, Problem
from backpain_cli.player.words import missing_pictures_notice
from backpain_cli.transfer.pictures import (
    PictureCopy,
    pictures_to_write,
    write_pictures,
    written_images,
)


def test_new_from_a_file_copies_its_pictures(
    runner: CliRunner, tmp_path: Path, user_routines: Path
) -> None:
    source = therapist_folder(tmp_path, library=False)
    result = runner.invoke(cli, ["new", "neck", "--from", str(source)])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == "1 picture copied along with it"
    assert (user_routines / "pictures" / "chin-tuck.svg").read_text() == DRAWN
    validated = runner.invoke(cli, ["validate", str(user_routines / "neck.yaml")])
    assert validated.output == f"{user_routines / 'neck.yaml'}: ok (neck, 2 exercises)\n"
    assert validated.stderr == ""
    shown = runner.invoke(cli, ["show", "neck"])
    assert shown.exit_code == 0
    played = runner.invoke(cli, ["start", "neck", "--plain", "--speed", "1000", "--no-history"])
    assert played.exit_code == 0
    assert "not found" not in played.output
    assert "Chin tuck" in played.output


def test_new_from_a_builtin_copies_no_picture(runner: CliRunner, user_routines: Path) -> None:
    result = runner.invoke(cli, ["new", "desk", "--from", "upper-back-chair"])
    assert result.exit_code == 0
    assert not (user_routines / "pictures").exists()
    assert "copied along" not in result.stderr


def test_new_from_one_of_yours_copies_nothing(
    runner: CliRunner, tmp_path: Path, user_routines: Path
) -> None:
    runner.invoke(cli, ["new", "neck", "--from", str(therapist_folder(tmp_path, library=False))])
    result = runner.invoke(cli, ["new", "neck-two", "--from", "neck"])
    assert result.exit_code == 0
    assert "copied along" not in result.stderr


def test_new_leaves_an_identical_picture_and_refuses_a_different_one(
    runner: CliRunner, tmp_path: Path, user_routines: Path
) -> None:
    source = therapist_folder(tmp_path, library=False)
    assert runner.invoke(cli, ["new", "neck", "--from", str(source)]).exit_code == 0
    again = runner.invoke(cli, ["new", "neck-two", "--from", str(source)])
    assert again.exit_code == 0
    assert "copied along" not in again.stderr
    (user_routines / "pictures" / "chin-tuck.svg").write_text(SVG.replace("4", "3"))
    refused = runner.invoke(cli, ["new", "neck-three", "--from", str(source)])
    assert refused.exit_code == 2
    assert refused.stderr == (
        f"backpain: {user_routines / 'pictures' / 'chin-tuck.svg'} already exists and is "
        "another picture; rename one of them, or add --force to replace it\n"
    )
    assert not (user_routines / "neck-three.yaml").exists()
    forced = runner.invoke(cli, ["new", "neck-three", "--from", str(source), "--force"])
    assert forced.exit_code == 0
    assert (user_routines / "pictures" / "chin-tuck.svg").read_text() == DRAWN


def test_a_missing_picture_warns_and_plays_with_one_notice(
    runner: CliRunner, tmp_path: Path, user_routines: Path
) -> None:
    source = therapist_folder(tmp_path, picture=False, library=False)
    validated = runner.invoke(cli, ["validate", str(source)])
    assert validated.exit_code == 0
    assert validated.stderr == (
        f"{source}:10:12: exercises[0].image: warning: no picture at "
        "'pictures/chin-tuck.svg' (the path is relative to this file)\n"
    )
    made = runner.invoke(cli, ["new", "neck", "--from", str(source)])
    assert made.exit_code == 0
    played = runner.invoke(cli, ["start", "neck", "--plain", "--speed", "1000", "--no-history"])
    assert played.exit_code == 0
    notices = [line for line in played.output.splitlines() if "not found" in line]
    assert notices == ["picture 'pictures/chin-tuck.svg' not found; playing without it"]


def test_the_notice_names_how_many_are_missing() -> None:
    def warning(path: str) -> Problem:
        return Problem("r.yaml", f"warning: no picture at '{path}' (the path is relative)")

    assert missing_pictures_notice([Problem("r.yaml", "warning: other")]) == ""
    two = [warning("a.svg"), warning("b.png"), warning("a.svg")]
    assert missing_pictures_notice(two) == (
        "2 pictures not found ('a.svg'...); playing without them"
    )


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"exercises": [{"image": "a.svg"}, {"id": "x"}, "odd", {"image": 3}]}, ["a.svg"]),
        ({"exercises": "odd"}, []),
        (["not", "a", "mapping"], []),
    ],
)
def test_written_images(data: object, expected: list[str]) -> None:
    assert written_images(data) == expected


def test_pictures_to_write_sees_a_folder_or_a_link_as_a_conflict(tmp_path: Path) -> None:
    (tmp_path / "folder.svg").mkdir()
    (tmp_path / "link.svg").symlink_to(tmp_path / "nowhere.svg")
    wanted = [PictureCopy(name, b"<svg/>") for name in ("folder.svg", "link.svg", "new.svg")]
    writes, conflicts = pictures_to_write(wanted, tmp_path)
    assert [picture.relative for picture in writes] == ["folder.svg", "link.svg", "new.svg"]
    assert conflicts == ["folder.svg", "link.svg"]


def test_write_pictures_replaces_a_link_and_reports_a_failure(tmp_path: Path) -> None:
    (tmp_path / "link.svg").symlink_to(tmp_path / "elsewhere.svg")
    write_pictures([PictureCopy("link.svg", b"<svg/>")], tmp_path)
    assert not (tmp_path / "link.svg").is_symlink()
    assert not (tmp_path / "elsewhere.svg").exists()
    (tmp_path / "file").write_text("")
    with pytest.raises(BackpainError, match=r"cannot write .*file/a\.svg"):
        write_pictures([PictureCopy("file/a.svg", b"<svg/>")], tmp_path)


def test_routine_pictures_takes_each_picture_once_and_reports_one_gone(tmp_path: Path) -> None:
    from backpain_cli.routines.loader import load_routine
    from backpain_cli.transfer.pictures import routine_pictures

    source = therapist_folder(tmp_path, library=False)
    routine = load_routine(source)
    folder = source.parent
    written = ["pictures/chin-tuck.svg", "./pictures/chin-tuck.svg", "../elsewhere.svg"]
    assert routine_pictures(routine, folder, written) == [
        PictureCopy("pictures/chin-tuck.svg", DRAWN.encode())
    ]
    (folder / "pictures" / "chin-tuck.svg").unlink()
    (folder / "pictures" / "chin-tuck.svg").mkdir()  # gone since it was checked
    with pytest.raises(BackpainError, match=r"cannot read the picture .*chin-tuck\.svg"):
        routine_pictures(routine, folder, written)


def test_a_picture_travels_as_its_drawing() -> None:
    from backpain_cli.transfer.pictures import drawn

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
    assert drawn(png) == png  # a PNG or JPEG as it is
    assert drawn(SVG.encode()) == DRAWN.encode()
    scripted = b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>'
    assert drawn(scripted) == scripted  # changed since the check: checked where it arrives


def test_pictures_are_written_whole_or_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A picture is written under a temporary name and renamed: a failed write leaves
    neither half a picture nor the temporary file."""
    import os

    from backpain_cli.errors import BackpainError
    from backpain_cli.transfer.pictures import PictureCopy, write_pictures

    picture = PictureCopy("pictures/a.svg", b"<svg/>")
    write_pictures([picture], tmp_path)
    assert (tmp_path / "pictures" / "a.svg").read_bytes() == b"<svg/>"

    def full_disk(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(BackpainError, match="No space left on device"):
        write_pictures([PictureCopy("pictures/b.svg", b"<svg/>")], tmp_path)
    assert sorted(p.name for p in (tmp_path / "pictures").iterdir()) == ["a.svg"]
