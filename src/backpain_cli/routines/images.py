"""Pictures of exercises: the `image` key's file, checked by what it holds, not its name.

An exercise's `image` is a path relative to the file that names it, to an SVG, PNG or
JPEG of at most `MAX_IMAGE_BYTES`, inside that file's folder (or below it). The loader
calls `check_image` for each one; handouts and the player read the checked file with
`read_image`. An SVG must be a plain drawing: no scripts, no event handlers, no embedded
HTML and no links to other files or sites, so a picture cannot run code or fetch
anything wherever it is shown. A picture that is not there is only a warning: a picture
is decoration, and the routine plays without it.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from backpain_cli.routines.format import MAX_IMAGE_BYTES
from backpain_cli.text import is_unsafe

if TYPE_CHECKING:
    from backpain_cli.errors import Problem

SUFFIXES = {".svg": "svg", ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg"}
MEDIA_TYPES = {"svg": "image/svg+xml", "png": "image/png", "jpeg": "image/jpeg"}
_NAMES = {"svg": "an SVG", "png": "a PNG", "jpeg": "a JPEG"}
_SUFFIX_OF = {"svg": ".svg", "png": ".png", "jpeg": ".jpg or .jpeg"}

# The start of an SVG document: an optional XML declaration, comments and doctype, then
# the <svg element. Patterns are strings, compiled (and cached by `re`) on first use:
# most commands never look inside a picture.
_SVG_START = r"\A\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<svg[\s>/]"
# What would make an SVG more than a drawing, each with the words for the message;
# matched against the lowercased text.
_SVG_ACTIVE = (
    (r"<\s*(?:[\w.-]+:)?script[\s>/]", "a script (<script>)"),
    (r"<\s*(?:[\w.-]+:)?foreignobject[\s>/]", "embedded HTML (<foreignObject>)"),
    (r"<\s*(?:[\w.-]+:)?(?:iframe|embed|object|handler|listener)[\s>/]", "embedded content"),
    (r"[\s\"'/]on[a-z]+\s*=", "an event handler (on...=)"),
    (
        r"""href\s*=\s*["'](?!\s*(?:#|data:image/(?:png|jpeg);))""",
        "a link to another file or site (href)",
    ),
    (r"url\(\s*(?![\"']?\s*#)", "a link to another file or site (url())"),
    (r"<!entity|@import", "an entity or style import"),
)
# Substrings without which none of the patterns above can match: most drawings have
# none of them, and `in` is much cheaper than compiling the patterns.
_SVG_HINTS = (
    "script",
    "foreignobject",
    "iframe",
    "embed",
    "object",
    "handler",
    "listener",
    "on",
    "href",
    "url(",
    "entity",
    "@import",
)


# The start of the message for a picture that is not there: a warning, not a refusal
# (a picture is decoration; a routine plays without it).
MISSING_PICTURE = "no picture at"


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


def svg_activity(text: str) -> str | None:
    """What makes an SVG more than a drawing (a script, a link...), or None."""
    low = text.lower()
    if not any(hint in low for hint in _SVG_HINTS):
        return None
    for pattern, words in _SVG_ACTIVE:
        if re.search(pattern, low):
            return words
    return None


def missing_pictures_notice(warnings: Iterable[Problem]) -> str:
    """The player's one notice for the pictures a routine's file names that are not
    there ('' when none is missing): it plays without them."""
    missing = list(
        dict.fromkeys(
            found[1]
            for warning in warnings
            if (found := re.search(rf"{MISSING_PICTURE} '(.*)' \(", warning.message))
        )
    )
    if not missing:
        return ""
    if len(missing) == 1:
        return f"picture '{missing[0]}' not found; playing without it"
    return f"{len(missing)} pictures not found ('{missing[0]}'...); playing without them"


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
        found = os.stat(target)
        if stat.S_ISDIR(found.st_mode):
            return CheckedImage(None, f"{shown} is a folder, not a picture")
        if not stat.S_ISREG(found.st_mode):
            return CheckedImage(None, f"{shown} is not a regular file")
        if found.st_size > MAX_IMAGE_BYTES:
            return CheckedImage(
                None,
                f"{shown} is {_kib(found.st_size)} KiB; a picture may be at most "
                f"{MAX_IMAGE_BYTES // 1024} KiB",
            )
        data = read_image(target)
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
        active = svg_activity(data.decode("utf-8-sig", errors="replace"))
        if active:
            return CheckedImage(
                None, f"{shown} contains {active}; a picture must be a plain drawing"
            )
    return CheckedImage(str(target), None)


def read_image(path: Path | str) -> bytes:
    """The picture's bytes, at most MAX_IMAGE_BYTES (OSError when it cannot be read)."""
    with open(path, "rb") as handle:
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
        import base64

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
    description = ""
    if kind == "svg":
        text = data.decode("utf-8-sig", errors="replace")
        if svg_activity(text):
            return None
        import html

        for element in ("desc", "title"):
            found = re.search(rf"<{element}\b[^>]*>(.*?)</{element}\s*>", text, re.S)
            if found:
                description = " ".join(html.unescape(found[1]).split())[:500]
                break
    return Picture(kind, data, description)
