"""The `image` key: what the loader accepts, where the path leads, and how it is reused.

Each refusal has its own file in tests/invalid/ with the message word for word; these
tests cover what is accepted and the refusals a checked-in file cannot show.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from backpain_cli.errors import RoutineError
from backpain_cli.locations import builtin_routines_dir
from backpain_cli.routines import images
from backpain_cli.routines.images import check_image, image_kind, load_picture
from backpain_cli.routines.loader import ExerciseLibrary, load_routine

REPO = Path(__file__).resolve().parents[1]
PICTURES = REPO / "routines" / "pictures"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><circle r="1"/></svg>\n'


def routine(folder: Path, image: str, *, name: str = "r.yaml") -> Path:
    path = folder / name
    path.write_text(
        "version: 1\ntitle: Test routine\nexercises:\n"
        "  - id: squeeze\n    name: Squeeze\n    hold: 5\n"
        f"    image: {image}\n    instructions: [Squeeze gently.]\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("name", "data"),
    [("a.png", PNG), ("a.jpg", JPEG), ("a.jpeg", JPEG), ("a.svg", SVG), ("UPPER.PNG", PNG)],
)
def test_a_picture_loads_as_its_absolute_path(tmp_path: Path, name: str, data: bytes) -> None:
    (tmp_path / "pictures").mkdir()
    (tmp_path / "pictures" / name).write_bytes(data)
    loaded = load_routine(routine(tmp_path, f"pictures/{name}"))
    assert loaded.exercises[0].image == str((tmp_path / "pictures" / name).resolve())


def test_a_path_that_steps_out_and_back_in_is_inside(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a.svg").write_bytes(SVG)
    loaded = load_routine(routine(tmp_path, "a/../a.svg"))
    assert loaded.exercises[0].image == str((tmp_path / "a.svg").resolve())


def test_a_symbolic_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "routines"
    folder.mkdir()
    (tmp_path / "secret.svg").write_bytes(SVG)
    (folder / "link.svg").symlink_to(tmp_path / "secret.svg")
    path = routine(folder, "link.svg")
    with pytest.raises(RoutineError) as caught:
        load_routine(path)
    assert str(caught.value) == (
        f"{path}:7:12: exercises[0].image: 'link.svg' is outside this file's folder; "
        "keep pictures in it or below it"
    )


def test_an_unreadable_picture_is_a_problem_at_its_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.png").write_bytes(PNG)

    def refuse(path: Path) -> None:
        raise PermissionError(13, os.strerror(13), str(path))

    monkeypatch.setattr(images, "open_regular", refuse)
    path = routine(tmp_path, "a.png")
    with pytest.raises(RoutineError) as caught:
        load_routine(path)
    assert str(caught.value) == (
        f"{path}:7:12: exercises[0].image: cannot read 'a.png' (Permission denied)"
    )


def test_an_image_problem_is_listed_with_the_others(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        "version: 1\ntitle: Test routine\nexercises:\n"
        "  - {id: one, name: One, hold: 0, image: none.gif, instructions: [Do.]}\n"
    )
    with pytest.raises(RoutineError) as caught:
        load_routine(path)
    assert str(caught.value).splitlines() == [
        f"{path}:4:32: exercises[0].hold: must be between 1 and 600 seconds, got 0",
        f"{path}:4:42: exercises[0].image: 'none.gif' must end in .svg, .png, .jpg or .jpeg",
    ]


def test_a_missing_picture_is_a_warning_and_the_routine_loads(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        "version: 1\ntitle: Test routine\nexercises:\n"
        "  - {id: one, name: One, hold: 5, image: none.png, instructions: [Do.]}\n"
    )
    loaded = load_routine(path)
    assert loaded.exercises[0].image == ""
    assert [str(warning) for warning in loaded.warnings] == [
        f"{path}:4:42: exercises[0].image: warning: no picture at 'none.png' "
        "(the path is relative to this file)"
    ]


def test_a_picture_exactly_at_the_limit_loads(tmp_path: Path) -> None:
    data = PNG + b"\x00" * (images.MAX_IMAGE_BYTES - len(PNG))
    (tmp_path / "a.png").write_bytes(data)
    assert load_routine(routine(tmp_path, "a.png")).exercises[0].image
    (tmp_path / "a.png").write_bytes(data + b"\x00")
    with pytest.raises(RoutineError, match=r"'a\.png' is 513 KiB; a picture may be at most"):
        load_routine(routine(tmp_path, "a.png"))


# -- what counts as a picture, and a plain drawing ----------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PNG, "png"),
        (JPEG, "jpeg"),
        (SVG, "svg"),
        (b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- drawn by hand -->\n' + SVG, "svg"),
        (b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd">\n<svg>\n</svg>', "svg"),
        (b'<!DOCTYPE svg [<!ENTITY a "<b>">]>\n<svg>\n</svg>', "svg"),
        (b"<html><svg></svg></html>", None),
        (b"GIF89a", None),
        (b"", None),
        (b"\xff\xfe<\x00s\x00", None),
        (b"<svgfoo/>", None),
    ],
)
def test_image_kind_is_read_from_the_content(data: bytes, kind: str | None) -> None:
    assert image_kind(data) == kind


def test_check_image_refuses_a_windows_drive_path(tmp_path: Path) -> None:
    assert check_image("C:/pictures/a.png", tmp_path).problem == (
        "'C:/pictures/a.png' must be a path relative to this file's folder"
    )


# -- reuse and the built-in exercises -----------------------------------------------------


def test_a_use_entry_keeps_the_picture_of_the_exercise_it_uses(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("version: 1\ntitle: Mine\nexercises:\n  - use: scapular-squeeze\n")
    loaded = load_routine(path)
    assert loaded.exercises[0].image == str(
        (builtin_routines_dir() / "pictures" / "scapular-squeeze.svg").resolve()
    )


def test_a_use_entry_may_give_its_own_picture_relative_to_its_own_file(tmp_path: Path) -> None:
    library_folder = tmp_path / "library"
    (library_folder / "pictures").mkdir(parents=True)
    (library_folder / "pictures" / "neck.svg").write_bytes(SVG)
    (library_folder / "exercises.yaml").write_text(
        "version: 1\nexercises:\n"
        "  - {id: neck, name: Neck, hold: 5, image: pictures/neck.svg, instructions: [Nod.]}\n"
    )
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "own.png").write_bytes(PNG)
    path = mine / "r.yaml"
    path.write_text(
        "version: 1\ntitle: Mine\nexercises:\n"
        "  - use: neck\n"
        "  - {use: neck, id: neck-two, image: own.png}\n"
    )
    loaded = load_routine(path, library=ExerciseLibrary((library_folder,)))
    assert [exercise.image for exercise in loaded.exercises] == [
        str((library_folder / "pictures" / "neck.svg").resolve()),
        str((mine / "own.png").resolve()),
    ]


BUILTIN_PICTURES = {
    "rhomboid-stretch-long-sitting": "rhomboid-stretch-long-sitting.svg",
    "rhomboid-stretch-seated": "rhomboid-stretch-seated.svg",
    "scapular-squeeze": "scapular-squeeze.svg",
    "scapular-squeeze-gentle": "scapular-squeeze.svg",
    "thoracic-rotation": "thoracic-rotation.svg",
    "thoracic-rotation-seated": "thoracic-rotation.svg",
    "thoracic-sidebend": "thoracic-sidebend.svg",
    "thoracic-sidebend-seated": "thoracic-sidebend.svg",
    "ball-trigger-point-pressure": "ball-trigger-point-pressure.svg",
    "ball-trigger-point-pressure-gentle": "ball-trigger-point-pressure.svg",
    # Done in a position no picture shows (seated squeeze, a ball against a chair back):
    "scapular-squeeze-seated": None,
    "ball-trigger-point-pressure-seated": None,
}


@pytest.mark.parametrize("name", ["upper-back", "upper-back-chair", "upper-back-gentle"])
def test_the_builtin_routines_show_the_builtin_pictures(name: str) -> None:
    loaded = load_routine(builtin_routines_dir() / f"{name}.yaml")
    for exercise in loaded.exercises:
        picture = BUILTIN_PICTURES[exercise.id]
        expected = str((PICTURES / picture).resolve()) if picture else ""
        assert exercise.image == expected, exercise.id


def test_check_image_refuses_a_control_character_on_its_own(tmp_path: Path) -> None:
    # The loader refuses it first (as in any text); check_image still does, for any caller.
    assert check_image("pictures/\x1b[2Ja.svg", tmp_path).problem == (
        "the path has a control character (U+001B); rename the file"
    )


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda path: path.symlink_to(path), "cannot read 'odd.svg' (a symbolic link loop)"),
        (lambda path: os.mkfifo(path), "'odd.svg' is not a regular file"),
    ],
    ids=["loop", "fifo"],
)
def test_a_picture_that_is_no_file_is_named(tmp_path: Path, make: object, says: str) -> None:
    make(tmp_path / "odd.svg")  # type: ignore[operator]
    path = routine(tmp_path, "odd.svg")
    with pytest.raises(RoutineError) as caught:
        load_routine(path)
    assert str(caught.value) == f"{path}:7:12: exercises[0].image: {says}"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_picture_swapped_for_a_pipe_is_refused_without_blocking(
    tmp_path: Path, pipe_on_open: Callable[[Path], None]
) -> None:
    """Checked by what was opened: a pipe that takes the picture's place after a look
    is never waited on, neither when the routine is loaded nor when the picture is
    read again to be shown (handouts, the report, the player)."""
    picture = (tmp_path / "odd.svg").resolve()
    picture.write_bytes(SVG)
    path = routine(tmp_path, "odd.svg")
    pipe_on_open(picture)
    with pytest.raises(RoutineError) as caught:
        load_routine(path)
    assert str(caught.value) == f"{path}:7:12: exercises[0].image: 'odd.svg' is not a regular file"
    picture.unlink()
    picture.write_bytes(SVG)
    pipe_on_open(picture)
    assert load_picture(str(picture)) is None


def test_a_drawing_without_a_title_has_no_description(tmp_path: Path) -> None:
    (tmp_path / "a.svg").write_bytes(SVG)
    titled = SVG.replace(b"<circle", b"<title>A  circle &amp; more</title><circle")
    (tmp_path / "b.svg").write_bytes(titled)
    plain, described = load_picture(str(tmp_path / "a.svg")), load_picture(str(tmp_path / "b.svg"))
    assert plain is not None and plain.description == ""
    assert described is not None and described.description == "A circle & more"
