"""Packs: one file (`NAME.backpain`) holding a routine and everything it needs.

A pack is a zip file: `manifest.json` (the format, its version, the routine's member,
an optional note, and the size and SHA-256 of every other member), the routine file,
an `exercises.yaml` with the exercises it uses from its library (when it uses any),
and its pictures at the places its `image` keys name.

A pack from someone else is hostile until checked, and `read_pack` checks all of it
before `backpain add` writes anything: the file's size, the number of entries, every
member's path (no absolute path, no `..`, no backslash, nothing that is not a plain
file: no link, no folder), its size as declared and as read (a member may not inflate
past its limit, whatever its header says), no archive inside the archive, the manifest
(exact keys and types, a version this backpain knows) against the members and their
hashes, and every member through the rules of its kind (the pictures' rules here, the
strict loader for the routine and the exercises when the install is planned). Each
refusal is one line naming the pack and the member.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import stat
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from backpain_cli import __version__
from backpain_cli.errors import BackpainError, RoutineError
from backpain_cli.files import read_bounded, write_atomically
from backpain_cli.routines.format import MAX_FILE_BYTES, MAX_IMAGE_BYTES
from backpain_cli.routines.images import SUFFIXES, check_image
from backpain_cli.routines.loader import load_exercises_file
from backpain_cli.routines.names import EXERCISES_FILE
from backpain_cli.transfer.install import Bundle
from backpain_cli.transfer.pictures import PictureCopy, drawn
from backpain_cli.transfer.used_exercises import library_entries, merge_entries

FORMAT = "backpain-pack"
VERSION = 1
MANIFEST = "manifest.json"
MAX_PACK_BYTES = 16 << 20  # a routine with a few dozen pictures is far smaller
MAX_ENTRIES = 200
MAX_MANIFEST_BYTES = 64 << 10
MAX_NOTE = 2000  # characters
_SHA256 = re.compile(r"[0-9a-f]{64}")
_ARCHIVES = (".zip", ".backpain", ".jar", ".gz", ".tar", ".7z", ".rar")


class PackError(BackpainError):
    """A pack that is refused: one line naming the pack and the member."""


def write_pack(bundle: Bundle, target: Path) -> int:
    """Write `bundle` as a pack at `target` (through a temporary file); its size."""

    members: dict[str, bytes] = {f"{bundle.name}.yaml": bundle.routine}
    library = merge_entries(None, list(bundle.exercises)).text
    if library is not None:
        members[EXERCISES_FILE] = library.encode()
    for picture in bundle.pictures:
        members[picture.relative] = picture.data
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "made_by": f"backpain {__version__}",
        "routine": f"{bundle.name}.yaml",
        "note": bundle.note,
        "members": [
            {"path": path, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for path, data in members.items()
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        for path, data in {MANIFEST: text.encode(), **members}.items():
            info = zipfile.ZipInfo(path, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    data = buffer.getvalue()
    write_atomically(target, data)
    return len(data)


def read_pack(path: Path) -> Bundle:
    """The bundle in the pack at `path`, every part of it checked (PackError else)."""
    shown = str(path)
    data = read_bounded(path, MAX_PACK_BYTES, what="a pack", shown=shown, error=PackError)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise PackError(f"{shown}: not a backpain pack (not a zip file, or cut short)") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise PackError(f"{shown}: {len(infos)} entries; a pack has at most {MAX_ENTRIES}")
        names = [_check_entry(info, shown) for info in infos]
        duplicated = next((name for name in names if names.count(name) > 1), None)
        if duplicated is not None:
            raise PackError(f"{shown}:{duplicated}: appears twice in the pack")
        if MANIFEST not in names:
            raise PackError(f"{shown}: no {MANIFEST}; not a backpain pack")
        manifest = _manifest(_member(archive, MANIFEST, MAX_MANIFEST_BYTES, shown), shown)
        listed = {entry["path"]: entry for entry in manifest["members"]}
        for name in names:
            if name != MANIFEST and name not in listed:
                raise PackError(f"{shown}:{name}: not listed in the manifest")
        contents = {}
        for name, entry in listed.items():
            if name not in names:
                raise PackError(f"{shown}:{name}: listed in the manifest but not in the pack")
            contents[name] = _checked_member(archive, name, entry, shown)
    return _bundle(manifest, contents, shown)


def _check_entry(info: zipfile.ZipInfo, shown: str) -> str:
    """The entry's name when it is a plain file at a safe relative path."""
    name = info.filename
    where = f"{shown}:{name!r}" if not name.isprintable() else f"{shown}:{name}"
    parts = name.split("/")
    if not name.isprintable() or "\\" in name or ":" in name:
        raise PackError(f"{where}: a path with a character a pack may not use")
    if name.startswith("/") or any(part in ("", ".", "..") for part in parts):
        raise PackError(f"{where}: a path outside the pack (absolute, empty or with ..)")
    mode = info.external_attr >> 16
    if info.is_dir() or (stat.S_IFMT(mode) and not stat.S_ISREG(mode)):
        kind = "a symbolic link" if stat.S_ISLNK(mode) else "not a plain file"
        raise PackError(f"{where}: {kind}; a pack holds only files")
    if info.flag_bits & 0x1:
        raise PackError(f"{where}: encrypted; a pack is not")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise PackError(f"{where}: compressed in a way a pack is not")
    if name.lower().endswith(_ARCHIVES):
        raise PackError(f"{where}: an archive inside the pack; a pack holds no archives")
    limit = _limit(name)
    if info.file_size > limit:
        raise PackError(f"{where}: {info.file_size} bytes; at most {limit} for this member")
    return name


def _limit(name: str) -> int:
    if name == MANIFEST:
        return MAX_MANIFEST_BYTES
    if PurePosixPath(name).suffix.lower() in SUFFIXES:
        return MAX_IMAGE_BYTES
    return MAX_FILE_BYTES


def _member(archive: zipfile.ZipFile, name: str, limit: int, shown: str) -> bytes:
    """A member's bytes, never more than `limit`: the header's size is checked against
    it, and zipfile stops at that size (a member inflating past it fails its CRC)."""

    try:
        with archive.open(name) as handle:
            data = handle.read(limit)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as error:
        raise PackError(f"{shown}:{name}: damaged ({error})") from None
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        raise PackError(f"{shown}:{name}: an archive inside the pack; a pack holds no archives")
    return data


def _manifest(data: bytes, shown: str) -> dict[str, Any]:
    where = f"{shown}:{MANIFEST}"
    try:
        manifest = json.loads(data.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError) as error:
        raise PackError(f"{where}: not valid JSON ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise PackError(f"{where}: not a backpain pack's manifest")
    version = manifest.get("version")
    if type(version) is not int:
        raise PackError(f"{where}: version must be a whole number")
    if version > VERSION:
        raise PackError(
            f"{where}: made by a newer backpain (pack version {version}; this one reads "
            f"up to {VERSION}); upgrade backpain to add it"
        )
    expected = {"format", "version", "made_by", "routine", "note", "members"}
    if set(manifest) != expected:
        odd = sorted(set(manifest) ^ expected)
        raise PackError(f"{where}: unexpected or missing keys: {', '.join(odd)}")
    if not all(isinstance(manifest[key], str) for key in ("made_by", "routine", "note")):
        raise PackError(f"{where}: made_by, routine and note must be text")
    if len(manifest["note"]) > MAX_NOTE:
        raise PackError(f"{where}: the note is over {MAX_NOTE} characters")
    members = manifest["members"]
    if not isinstance(members, list) or not all(_member_entry(entry) for entry in members):
        raise PackError(f"{where}: members must be a list of {{path, size, sha256}}")
    return manifest


def _no_constant(word: str) -> None:
    raise ValueError(f"{word} is not a number")


def _member_entry(entry: object) -> bool:
    return (
        isinstance(entry, dict)
        and set(entry) == {"path", "size", "sha256"}
        and isinstance(entry["path"], str)
        and type(entry["size"]) is int
        and isinstance(entry["sha256"], str)
        and _SHA256.fullmatch(entry["sha256"]) is not None
    )


def _checked_member(
    archive: zipfile.ZipFile, name: str, entry: dict[str, Any], shown: str
) -> bytes:
    data = _member(archive, name, _limit(name), shown)
    if len(data) != entry["size"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise PackError(f"{shown}:{name}: does not match the SHA-256 in the manifest")
    return data


def _bundle(manifest: dict[str, Any], contents: dict[str, bytes], shown: str) -> Bundle:
    """The routine, exercises and pictures: each member has one of these three roles."""

    routine = manifest["routine"]
    if routine not in contents or "/" in routine or not routine.endswith(".yaml"):
        raise PackError(f"{shown}: the manifest's routine '{routine}' is not a .yaml member")
    exercises: list[dict[str, Any]] = []
    pictures = []
    with tempfile.TemporaryDirectory(prefix="backpain-pack-") as staging:
        folder = Path(staging)
        for name, data in contents.items():
            if name == routine:
                continue
            if name == EXERCISES_FILE:
                exercises = _exercises(data, folder, shown)
                continue
            if PurePosixPath(name).suffix.lower() not in SUFFIXES:
                raise PackError(f"{shown}:{name}: not a routine, an exercise library or a picture")
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            checked = check_image(name, folder)
            if checked.problem is not None:
                raise PackError(f"{shown}:{name}: {checked.problem}")
            pictures.append(PictureCopy(name, drawn(data)))
    return Bundle(
        routine.removesuffix(".yaml"),
        contents[routine],
        tuple(exercises),
        tuple(pictures),
        manifest["note"],
    )


def _exercises(data: bytes, folder: Path, shown: str) -> list[dict[str, Any]]:
    """The pack's exercise library through the strict loader, then as values."""

    target = folder / EXERCISES_FILE
    target.write_bytes(data)
    try:
        load_exercises_file(target)
    except RoutineError as error:
        first = error.problems[0]
        where = f":{first.line}:{first.column or 1}" if first.line else ""
        key = f" {first.key_path}:" if first.key_path else ""
        raise PackError(f"{shown}:{EXERCISES_FILE}{where}:{key} {first.message}") from None
    return list(library_entries(yaml.safe_load(data.decode("utf-8-sig"))).values())
