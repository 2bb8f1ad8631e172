"""Pictures of exercises: the `image` key's file, checked by what it holds, not its name.

An exercise's `image` is a path relative to the file that names it, to an SVG, PNG or
JPEG of at most `MAX_IMAGE_BYTES`, inside that file's folder (or below it). The loader
calls `check_image` for each one; handouts, reports, the player and `--open-image` read
it again with `load_picture`. An SVG must be a plain drawing (see `routines/drawing.py`):
what is shown is never the file as given but the drawing rebuilt from an allowlist, so
a picture cannot run code or fetch anything wherever it is shown. A picture that is not
there is only a warning: a picture is decoration, and the routine plays without it.
"""

from __future__ import annotations

import base64
import os
import re
import stat
from pathlib import Path
from typing import NamedTuple

from backpain_cli.files import open_regular, open_regular_file
from backpain_cli.routines.drawing import NotADrawing, rebuild
from backpain_cli.routines.format import MAX_IMAGE_BYTES, MISSING_PICTURE
from backpain_cli.text import is_unsafe

SUFFIXES = {".svg": "svg", ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg"}
MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png", "jpeg": "image/jpeg"}
_NAMES = {"svg": "an SVG", "png": "a PNG", "jpeg": "a JPEG"}
_SUFFIX_OF = {"svg": ".svg", "png": ".png", "jpeg": ".jpg or .jpeg"}

# The start of an SVG document: an optional XML declaration, comments and doctype, then
# the <svg element (a doctype's internal subset is read, so `drawing.rebuild` says what is
# wrong with it). Patterns are strings, compiled (and cached by `re`) on first use:
# most commands never look inside a picture.
_SVG_START = (
    r"\A\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^[>]*(?:\[[^\]]*\])?\s*>\s*)*"
    r"<svg[\s>/]"
)


class CheckedImage(NamedTuple):
    """The picture's resolved path, or the problem with it (one of the two is set).
    `missing`: the problem is only that the file is not there (a warning)."""

    path: str | None
    problem: str | None
    missing: bool = False


def image_kind(data: bytes) -> str | None:
    """`svg`, `png` or `jpeg` by content (magic bytes or the SVG root element), or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    try:
        head = data[:4096].decode("utf-8-sig", errors="strict" if len(data) <= 4096 else "ignore")
    except UnicodeDecodeError:
        return None
    return "svg" if re.match(_SVG_START, head, re.S) else None


def check_image(written: str, folder: Path) -> CheckedImage:
    """Check the picture `written` in a routine file in `folder`: its resolved path, or why
    it cannot be used (in the words the loader reports at the `image` key)."""
    unsafe = next((c for c in written if not c.isprintable() and is_unsafe(ord(c))), None)
    if unsafe is not None:
        code = f"U+{ord(unsafe):04X}"
        return CheckedImage(None, f"the path has a control character ({code}); rename the file")
    shown = f"'{written}'"
    if written.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", written):
        return CheckedImage(None, f"{shown} must be a path relative to this file's folder")
    suffix = Path(written).suffix.lower()
    if suffix not in SUFFIXES:
        return CheckedImage(None, f"{shown} must end in .svg, .png, .jpg or .jpeg")
    base = folder.resolve()
    try:
        target = (base / written).resolve()
    except (OSError, RuntimeError):  # a symlink loop
        return CheckedImage(None, f"cannot read {shown} (a symbolic link loop)")
    if not target.is_relative_to(base):
        return CheckedImage(
            None, f"{shown} is outside this file's folder; keep pictures in it or below it"
        )
    try:
        handle, found = open_regular(target)  # what is checked is what was opened
        if handle is None:
            if stat.S_ISDIR(found.st_mode):
                return CheckedImage(None, f"{shown} is a folder, not a picture")
            return CheckedImage(None, f"{shown} is not a regular file")
        with handle:
            if found.st_size > MAX_IMAGE_BYTES:
                return CheckedImage(
                    None,
                    f"{shown} is {_kib(found.st_size)} KiB; a picture may be at most "
                    f"{MAX_IMAGE_BYTES // 1024} KiB",
                )
            data = handle.read(MAX_IMAGE_BYTES + 1)
    except FileNotFoundError:
        return CheckedImage(
            None, f"{MISSING_PICTURE} {shown} (the path is relative to this file)", missing=True
        )
    except OSError as error:
        reason = error.strerror or type(error).__name__
        return CheckedImage(None, f"cannot read {shown} ({reason})")
    kind = image_kind(data)
    if kind is None:
        return CheckedImage(None, f"{shown} is not an SVG, PNG or JPEG image")
    if SUFFIXES[suffix] != kind:
        return CheckedImage(None, f"{shown} holds {_NAMES[kind]} image; name it {_SUFFIX_OF[kind]}")
    if kind == "svg":
        try:
            rebuild(data)
        except NotADrawing as refused:
            return CheckedImage(None, f"{shown} {refused.words}")
    return CheckedImage(str(target), None)


def read_image(path: Path | str) -> bytes:
    """The picture's bytes, at most MAX_IMAGE_BYTES + 1 (OSError when it cannot be read
    or is not a regular file: a named pipe swapped in since the check is never waited on)."""
    with open_regular_file(Path(path)) as handle:
        return handle.read(MAX_IMAGE_BYTES + 1)


def _kib(size: int) -> str:
    return str(-(-size // 1024))


class Picture(NamedTuple):
    """A checked picture's bytes, ready to show: its kind and what it shows, in words."""

    kind: str  # svg, png or jpeg
    data: bytes
    description: str  # an SVG's <desc> (or <title>), "" when it has none

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.kind]

    @property
    def data_uri(self) -> str:
        """The picture inside a page: a data: URI, so nothing is fetched."""
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"


def load_picture(path: str) -> Picture | None:
    """The picture at `path` (a path the loader checked), checked again as it is read now
    (the file may have changed since); None when it is gone or no longer a plain picture."""
    try:
        data = read_image(path)
    except OSError:
        return None
    kind = image_kind(data)
    if kind is None or len(data) > MAX_IMAGE_BYTES:
        return None
    if kind != "svg":
        return Picture(kind, data, "")
    try:
        drawing = rebuild(data)
    except NotADrawing:
        return None
    return Picture(kind, drawing.data, drawing.description)


def private_copy(picture: Picture, name: str) -> str:
    """Write the checked picture to a new folder only this user can read, as `name` with
    the suffix of its kind, for a program outside backpain to open (OSError when it
    cannot be written). The file as given is never what is opened: an SVG is the
    rebuilt drawing."""
    import tempfile

    folder = tempfile.mkdtemp(prefix="backpain-picture-")  # mode 0700, a fresh name
    path = os.path.join(folder, name + (".jpg" if picture.kind == "jpeg" else f".{picture.kind}"))
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(handle, "wb") as out:
        out.write(picture.data)
    return path
