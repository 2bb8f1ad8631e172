"""Hostile packs: each is refused with one line naming the pack and the member, exit
status 2, and nothing written. Every pack here is valid but for the rule it tests
(`transfer_files.pack_bytes` builds a correct manifest for whatever it is given)."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from transfer_files import (
    NECK,
    SVG,
    good_members,
    manifest_for,
    pack_bytes,
    with_declared_size,
)

from backpain_cli.cli import cli

MEMBERS = good_members()


def _with(**extra: bytes) -> dict[str, bytes]:
    return {**MEMBERS, **extra}


def _hundred_thousand_entries() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for number in range(100_000):
            archive.writestr(f"p/{number}", b"")
    return buffer.getvalue()


def _truncated() -> bytes:
    data = pack_bytes()
    return data[: len(data) // 2]


def _inflating() -> bytes:
    """A picture whose headers say 100 bytes but that inflates to 400 KiB of zeros."""
    big = b"<svg" + b" " * (400 << 10) + b"/>"
    data = pack_bytes(_with(**{"pictures/big.svg": big}))
    return with_declared_size(data, "pictures/big.svg", 100)


HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    "zip-slip": (
        lambda: pack_bytes(_with(**{"../evil.svg": SVG.encode()})),
        "{pack}:../evil.svg: a path outside the pack (absolute, empty or with ..)",
    ),
    "absolute": (
        lambda: pack_bytes(_with(**{"/tmp/evil.svg": SVG.encode()})),
        "{pack}:/tmp/evil.svg: a path outside the pack (absolute, empty or with ..)",
    ),
    "backslash": (
        lambda: pack_bytes(_with(**{"..\\evil.svg": SVG.encode()})),
        "{pack}:..\\evil.svg: a path with a character a pack may not use",
    ),
    "control character": (
        lambda: pack_bytes(_with(**{"pictures/a\x1b.svg": SVG.encode()})),
        "{pack}:'pictures/a\\x1b.svg': a path with a character a pack may not use",
    ),
    "symlink": (
        lambda: pack_bytes(
            _with(**{"pictures/link.svg": b"/etc/passwd"}),
            modes={"pictures/link.svg": stat.S_IFLNK},
        ),
        "{pack}:pictures/link.svg: a symbolic link; a pack holds only files",
    ),
    "folder": (
        lambda: pack_bytes(_with(**{"pictures/": b""})),
        "{pack}:pictures/: a path outside the pack (absolute, empty or with ..)",
    ),
    "huge member": (
        lambda: with_declared_size(pack_bytes(), "pictures/chin-tuck.svg", 0xFFFFFFF0),
        "{pack}:pictures/chin-tuck.svg: 4294967280 bytes; at most 524288 for this member",
    ),
    "member inflating past its header": (
        _inflating,
        "{pack}:pictures/big.svg: damaged (Bad CRC-32 for file 'pictures/big.svg')",
    ),
    "100,000 entries": (
        _hundred_thousand_entries,
        "{pack}: 100000 entries; a pack has at most 200",
    ),
    "nested zip by name": (
        lambda: pack_bytes(_with(**{"pictures/more.zip": pack_bytes()})),
        "{pack}:pictures/more.zip: an archive inside the pack; a pack holds no archives",
    ),
    "nested zip by content": (
        lambda: pack_bytes(_with(**{"pictures/more.svg": pack_bytes()})),
        "{pack}:pictures/more.svg: an archive inside the pack; a pack holds no archives",
    ),
    "invalid routine": (
        lambda: pack_bytes(
            _with(**{"neck-mobility.yaml": NECK.replace("hold: 5", "hold: 0").encode()})
        ),
        "{pack}:neck-mobility.yaml:8:11: exercises[0].hold: must be between 1 and 600 "
        "seconds, got 0",
    ),
    "invalid exercise library": (
        lambda: pack_bytes(_with(**{"exercises.yaml": b"version: 1\nexercises: 3\n"})),
        "{pack}:exercises.yaml:2:12: exercises: must be a list, got a whole number '3'",
    ),
    "svg with a script": (
        lambda: pack_bytes(
            _with(
                **{
                    "pictures/chin-tuck.svg": SVG.replace(
                        "<desc>", "<script>x()</script><desc>"
                    ).encode()
                }
            )
        ),
        "{pack}:pictures/chin-tuck.svg: 'pictures/chin-tuck.svg' contains a script (<script>); "
        "a picture must be a plain drawing",
    ),
    "not a picture": (
        lambda: pack_bytes(_with(**{"run.sh": b"rm -rf ~\n"})),
        "{pack}:run.sh: not a routine, an exercise library or a picture",
    ),
    "bad hash": (
        lambda: pack_bytes(
            manifest={
                **manifest_for(MEMBERS),
                "members": [
                    {**entry, "sha256": "0" * 64}
                    if entry["path"] == "neck-mobility.yaml"
                    else entry
                    for entry in manifest_for(MEMBERS)["members"]
                ],
            }
        ),
        "{pack}:neck-mobility.yaml: does not match the SHA-256 in the manifest",
    ),
    "unlisted member": (
        lambda: pack_bytes(unlisted={"pictures/extra.svg": SVG.encode()}),
        "{pack}:pictures/extra.svg: not listed in the manifest",
    ),
    "listed but missing": (
        lambda: pack_bytes(
            {k: v for k, v in MEMBERS.items() if k != "exercises.yaml"},
            manifest=manifest_for(MEMBERS),
        ),
        "{pack}:exercises.yaml: listed in the manifest but not in the pack",
    ),
    "truncated": (_truncated, "{pack}: not a backpain pack (not a zip file, or cut short)"),
    "not a zip": (
        lambda: NECK.encode(),
        "{pack}: not a backpain pack (not a zip file, or cut short)",
    ),
    "newer version": (
        lambda: pack_bytes(manifest=manifest_for(MEMBERS, version=2)),
        "{pack}:manifest.json: made by a newer backpain (pack version 2; this one reads up "
        "to 1); upgrade backpain to add it",
    ),
    "version as text": (
        lambda: pack_bytes(manifest=manifest_for(MEMBERS, version="1")),
        "{pack}:manifest.json: version must be a whole number",
    ),
    "manifest not json": (
        lambda: pack_bytes(manifest=b"{nope"),
        "{pack}:manifest.json: not valid JSON (Expecting property name enclosed in double "
        "quotes: line 1 column 2 (char 1))",
    ),
    "manifest with NaN": (
        lambda: pack_bytes(
            manifest=json.dumps(manifest_for(MEMBERS))
            .replace('"version": 1', '"version": NaN')
            .encode()
        ),
        "{pack}:manifest.json: not valid JSON (NaN is not a number)",
    ),
    "manifest of another kind": (
        lambda: pack_bytes(manifest=manifest_for(MEMBERS, format="other")),
        "{pack}:manifest.json: not a backpain pack's manifest",
    ),
    "manifest with an extra key": (
        lambda: pack_bytes(manifest=manifest_for(MEMBERS, run="x")),
        "{pack}:manifest.json: unexpected or missing keys: run",
    ),
    "manifest note as a number": (
        lambda: pack_bytes(manifest=manifest_for(MEMBERS, note=3)),
        "{pack}:manifest.json: made_by, routine and note must be text",
    ),
    "manifest note too long": (
        lambda: pack_bytes(manifest=manifest_for(MEMBERS, note="x" * 2001)),
        "{pack}:manifest.json: the note is over 2000 characters",
    ),
    "manifest members odd": (
        lambda: pack_bytes(manifest={**manifest_for(MEMBERS), "members": [{"path": 1}]}),
        "{pack}:manifest.json: members must be a list of {{path, size, sha256}}",
    ),
    "routine not a member": (
        lambda: pack_bytes(manifest=manifest_for(MEMBERS, routine="../x.yaml")),
        "{pack}: the manifest's routine '../x.yaml' is not a .yaml member",
    ),
    "no manifest": (
        lambda: _without_manifest(),
        "{pack}: no manifest.json; not a backpain pack",
    ),
    "twice": (
        lambda: _twice(),
        "{pack}:pictures/chin-tuck.svg: appears twice in the pack",
    ),
    "encrypted": (
        lambda: _flagged(0x1),
        "{pack}:pictures/chin-tuck.svg: encrypted; a pack is not",
    ),
    "odd compression": (
        lambda: _bzip2(),
        "{pack}:pictures/chin-tuck.svg: compressed in a way a pack is not",
    ),
    "name and file disagree": (
        lambda: pack_bytes(
            {
                **{k: v for k, v in MEMBERS.items() if k != "neck-mobility.yaml"},
                "other.yaml": NECK.encode(),
            },
            manifest=manifest_for(
                {
                    **{k: v for k, v in MEMBERS.items() if k != "neck-mobility.yaml"},
                    "other.yaml": NECK.encode(),
                },
                routine="other.yaml",
            ),
        ),
        "{pack}: the routine says `name: neck-mobility` but comes as other",
    ),
}


def _without_manifest() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in MEMBERS.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _twice() -> bytes:
    data = io.BytesIO(pack_bytes())
    with zipfile.ZipFile(data, "a") as archive, pytest.warns(UserWarning):
        archive.writestr("pictures/chin-tuck.svg", SVG)
    return data.getvalue()


def _flagged(bit: int) -> bytes:
    data = bytearray(pack_bytes())
    start = data.find(b"PK\x01\x02")
    while start != -1:
        if data[start + 46 : start + 46 + 22] == b"pictures/chin-tuck.svg":
            data[start + 8] |= bit
        start = data.find(b"PK\x01\x02", start + 4)
    return bytes(data)


def _bzip2() -> bytes:
    buffer = io.BytesIO()
    manifest = manifest_for(MEMBERS)
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        for name, data in MEMBERS.items():
            method = zipfile.ZIP_BZIP2 if name.endswith(".svg") else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=method)
    return buffer.getvalue()


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_pack_is_refused_and_nothing_written(
    runner: CliRunner, tmp_path: Path, home: Path, case: str
) -> None:
    make, message = HOSTILE[case]
    pack = tmp_path / "hostile.backpain"
    pack.write_bytes(make())
    before = sorted(home.rglob("*"))
    result = runner.invoke(cli, ["add", str(pack), "--yes"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "backpain: " + message.format(pack=pack) + "\n"
    assert sorted(path for path in home.rglob("*") if "cache" not in path.parts) == [
        path for path in before if "cache" not in path.parts
    ]
    assert not (tmp_path / "evil.svg").exists()


def test_the_corpus_covers_the_issue(runner: CliRunner) -> None:
    wanted = {"zip-slip", "symlink", "huge member", "100,000 entries", "nested zip by name"}
    wanted |= {"invalid routine", "svg with a script", "bad hash", "truncated"}
    assert wanted <= set(HOSTILE)


def test_a_pack_too_large_or_not_a_file(runner: CliRunner, tmp_path: Path, home: Path) -> None:
    big = tmp_path / "big.backpain"
    with big.open("wb") as handle:
        handle.truncate(17 << 20)  # sparse: nothing is really written
    result = runner.invoke(cli, ["add", str(big)])
    assert result.stderr == f"backpain: {big}: 17 MiB; a pack is at most 16 MiB\n"
    folder = tmp_path / "folder.backpain"
    folder.mkdir()
    result = runner.invoke(cli, ["add", str(folder)])
    assert result.stderr == f"backpain: {folder}: not a file\n"
    result = runner.invoke(cli, ["add", str(tmp_path / "none.backpain")])
    assert result.stderr == (
        f"backpain: {tmp_path / 'none.backpain'}: cannot read it (No such file or directory)\n"
    )
