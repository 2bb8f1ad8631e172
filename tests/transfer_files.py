"""A therapist's routine folder and packs built member by member, for the transfer tests:
each hostile pack is valid in every respect but the one it tests."""

from __future__ import annotations

import hashlib
import io
import json
import stat
import zipfile
from pathlib import Path
from typing import Any

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    "<desc>A chin tuck</desc><circle cx='5' cy='5' r='4'/></svg>\n"
)


def _drawn(svg: str) -> str:
    from backpain_cli.routines.drawing import rebuild

    return rebuild(svg.encode()).data.decode()


DRAWN = _drawn(SVG)  # what travels: the drawing rebuilt from the picture

NECK = """\
version: 1
name: neck-mobility
title: Neck mobility
frequency: 1 per day
exercises:
  - id: chin-tuck
    name: Chin tuck
    hold: 5
    reps: 3
    image: pictures/chin-tuck.svg
    instructions: [Tuck your chin gently.]
  - use: shoulder-roll
    reps: 6
"""
NECK_ALONE = NECK.replace(
    "  - use: shoulder-roll\n    reps: 6\n", "  - use: scapular-squeeze\n    hold: 3\n    reps: 2\n"
)  # what `new --from` copies: a built-in exercise, no exercises.yaml beside it
LIBRARY = """\
version: 1
exercises:
  - id: shoulder-roll
    name: Shoulder roll
    rep_seconds: 4
    reps: 5
    instructions: [Roll your shoulders back slowly.]
  - id: unused
    name: Not used by the routine
    hold: 5
    instructions: [Nothing.]
"""
PACKED_LIBRARY = """\
# Your exercise library: routines in this folder reuse these by id (`- use: ID`).
version: 1
exercises:
  - id: shoulder-roll
    name: Shoulder roll
    rep_seconds: 4
    reps: 5
    instructions:
    - Roll your shoulders back slowly.
"""


def therapist_folder(tmp_path: Path, *, picture: bool = True, library: bool = True) -> Path:
    """neck.yaml beside its pictures/ and exercises.yaml, as a download. Without
    PICTURE its picture is missing; without LIBRARY it uses a built-in exercise
    (NECK_ALONE) and has no exercises.yaml beside it."""
    folder = tmp_path / "downloads"
    (folder / "pictures").mkdir(parents=True)
    (folder / "neck.yaml").write_text(NECK if library else NECK_ALONE)
    if library:
        (folder / "exercises.yaml").write_text(LIBRARY)
    if picture:
        (folder / "pictures" / "chin-tuck.svg").write_text(SVG)
    return folder / "neck.yaml"


def good_members() -> dict[str, bytes]:
    return {
        "neck-mobility.yaml": NECK.encode(),
        "exercises.yaml": PACKED_LIBRARY.encode(),
        "pictures/chin-tuck.svg": SVG.encode(),
    }


def manifest_for(members: dict[str, bytes], /, **changes: Any) -> dict[str, Any]:
    manifest: dict[str, Any] = {
        "format": "backpain-pack",
        "version": 1,
        "made_by": "backpain test",
        "routine": "neck-mobility.yaml",
        "note": "",
        "members": [
            {"path": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in members.items()
        ],
    }
    manifest.update(changes)
    return manifest


def pack_bytes(
    members: dict[str, bytes] | None = None,
    *,
    manifest: dict[str, Any] | bytes | None = None,
    modes: dict[str, int] | None = None,
    unlisted: dict[str, bytes] | None = None,
) -> bytes:
    """A pack of `members` (default: the good ones) with a matching manifest unless one
    is given; `modes` sets a member's file type bits, `unlisted` adds members the
    manifest does not name."""
    members = good_members() if members is None else members
    if manifest is None:
        manifest = manifest_for(members)
    text = manifest if isinstance(manifest, bytes) else json.dumps(manifest).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", text)
        for name, data in {**members, **(unlisted or {})}.items():
            info = zipfile.ZipInfo(name)
            info.external_attr = ((modes or {}).get(name, stat.S_IFREG) | 0o644) << 16
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def with_declared_size(data: bytes, member: str, size: int) -> bytes:
    """The pack with `member`'s uncompressed size in both headers replaced by `size`
    (a member that claims to be huge, without writing it)."""
    name = member.encode()
    patched = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := patched.find(signature, start)) != -1:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if patched[name_at : name_at + len(name)] == name:
                patched[start + offset : start + offset + 4] = size.to_bytes(4, "little")
            start += 4
    return bytes(patched)
