"""A routine's pictures, copied along with it into another folder.

A picture is copied when it lies in the routine file's folder (or below it), to the same
place relative to the new folder, so the routine's `image` keys need no change; an SVG
travels as the plain drawing rebuilt from it (`routines/drawing.py`). Pictures
from elsewhere (the built-in library's) are already where the copy finds them. A file
already at a picture's place is left alone when it holds the same bytes, and is a
conflict when it does not: nothing is replaced without asking.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import NamedTuple

from backpain_cli.errors import BackpainError
from backpain_cli.files import write_atomically
from backpain_cli.routines.drawing import NotADrawing, rebuild
from backpain_cli.routines.images import image_kind, read_image
from backpain_cli.routines.model import Routine


class PictureCopy(NamedTuple):
    relative: str  # the place under the folder, with forward slashes
    data: bytes


def written_images(data: object) -> list[str]:
    """The `image` keys written in a parsed routine or exercises file (its `exercises`)."""
    entries = data.get("exercises") if isinstance(data, dict) else None
    return [
        entry["image"]
        for entry in (entries if isinstance(entries, list) else [])
        if isinstance(entry, dict) and isinstance(entry.get("image"), str)
    ]


def routine_pictures(routine: Routine, folder: Path, written: list[str]) -> list[PictureCopy]:
    """The pictures `written` in the files of `routine` found in `folder` (the routine
    file's), that the loader checked and that lie in that folder, each once. (A picture
    of a built-in exercise is not written in the file: the copy finds it where it is.)"""
    base = folder.resolve()
    checked = {exercise.image for exercise in routine.exercises if exercise.image}
    found: dict[str, PictureCopy] = {}
    for image in written:
        path = (base / image).resolve()
        if str(path) not in checked or not path.is_relative_to(base):
            continue
        relative = path.relative_to(base).as_posix()
        if relative not in found:
            try:
                found[relative] = PictureCopy(relative, drawn(read_image(path)))
            except OSError as error:
                raise BackpainError(
                    f"cannot read the picture {path}: {error.strerror or error}"
                ) from None
    return list(found.values())


def drawn(data: bytes) -> bytes:
    """A picture as it travels: an SVG as the plain drawing rebuilt from it (what every
    view of it shows; nothing the checks could miss goes along), a PNG or JPEG as it is.
    The loader checked it: a drawing that no longer rebuilds is copied as it is, and the
    copy is checked again where it arrives."""

    if image_kind(data) != "svg":
        return data
    try:
        return rebuild(data).data
    except NotADrawing:
        return data


def pictures_to_write(
    pictures: list[PictureCopy], target: Path
) -> tuple[list[PictureCopy], list[str]]:
    """The pictures that must be written under `target`, and the places where a different
    file is already (conflicts)."""
    writes: list[PictureCopy] = []
    conflicts: list[str] = []
    for picture in pictures:
        where = target / PurePosixPath(picture.relative)
        try:
            present: bytes | None = where.read_bytes()
        except OSError:  # nothing there, or something that is not a readable file
            present = None
        if present == picture.data:
            continue
        if present is not None or where.exists() or where.is_symlink():
            conflicts.append(picture.relative)
        writes.append(picture)
    return writes, conflicts


def write_pictures(pictures: list[PictureCopy], target: Path) -> None:
    """Write each picture under `target`, making its folders (BackpainError on failure)."""
    for picture in pictures:
        where = target / PurePosixPath(picture.relative)
        write_atomically(where, picture.data)  # a symbolic link there is replaced, not followed
