"""The built-in exercises' pictures: what the script draws, and what a renderer shows."""

from __future__ import annotations

import importlib.util
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
PICTURES = REPO / "routines" / "pictures"
SVG = "{http://www.w3.org/2000/svg}"
INK, PROP, MOVE = (34, 34, 34), (140, 140, 140), (31, 111, 178)


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "draw_pictures", REPO / "scripts/draw_pictures.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


def test_the_committed_pictures_are_what_the_script_draws(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = _script()
    out = tmp_path / "pictures"
    assert script.main([str(out)]) == 0
    drawn = sorted(path.name for path in out.iterdir())
    assert drawn == sorted(path.name for path in PICTURES.glob("*.svg"))
    assert len(drawn) == 6
    for name in drawn:
        assert (out / name).read_bytes() == (PICTURES / name).read_bytes(), name
    assert "scapular-squeeze.svg" in capsys.readouterr().out


@pytest.mark.parametrize("path", sorted(PICTURES.glob("*.svg")), ids=lambda p: p.stem)
def test_each_picture_is_plain_svg_in_the_one_style(path: Path) -> None:
    root = ET.fromstring(path.read_text(encoding="utf-8"))
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 320 240"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and title.text and desc is not None and desc.text
    assert "arrow" in desc.text  # says what the movement is, for a screen reader
    tags = {element.tag.removeprefix(SVG) for element in root.iter()}
    assert tags <= {"svg", "title", "desc", "rect", "g", "line", "polyline", "path", "circle"} | {
        "polygon"
    }
    groups = root.findall(f"{SVG}g")
    assert [(g.get("stroke"), g.get("stroke-width")) for g in groups] == [
        ("#8c8c8c", "4"),
        ("#222222", "6"),
        ("#1f6fb2", "4"),
    ]
    assert all(len(g) for g in groups)  # props, the person and the movement arrow
    assert "href" not in path.read_text(encoding="utf-8")


def _png_pixels(data: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    """Width, height and RGB pixels of an 8-bit RGBA PNG (what rsvg-convert writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    offset, chunks, header = 8, b"", b""
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks += body
        offset += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert (depth, colour) == (8, 6)
    raw = zlib.decompress(chunks)
    stride, bpp = width * 4, 4
    rows: list[bytearray] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = previous[i], previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        previous = line
    pixels = [(row[i], row[i + 1], row[i + 2]) for row in rows for i in range(0, stride, 4)]
    return width, height, pixels


@pytest.mark.skipif(shutil.which("rsvg-convert") is None, reason="rsvg-convert not installed")
@pytest.mark.parametrize("path", sorted(PICTURES.glob("*.svg")), ids=lambda p: p.stem)
def test_each_picture_renders_with_a_person_props_and_an_arrow(path: Path) -> None:
    png = subprocess.run(
        ["rsvg-convert", str(path)], capture_output=True, check=True, timeout=30
    ).stdout
    width, height, pixels = _png_pixels(png)
    assert (width, height) == (320, 240)
    counts = {colour: pixels.count(colour) for colour in (INK, PROP, MOVE)}
    # Enough of each colour to be seen, and the person the largest part of the drawing.
    assert counts[MOVE] > 200, counts
    assert counts[PROP] > 300, counts
    assert counts[INK] > max(counts[MOVE], 1500), counts
    white = pixels.count((255, 255, 255))
    assert white > len(pixels) * 0.7  # clean line drawing on white


@pytest.mark.skipif(shutil.which("rsvg-convert") is None, reason="rsvg-convert not installed")
def test_the_long_sitting_stretch_shows_a_person_sitting_up_and_reaching() -> None:
    """It read as a mound with a head: a low arc, the arms hidden under the head. Drawn,
    the person sits up (head top to legs at least 110 px of 240), the straight legs run
    along the floor (a line of ink at least 180 px long), and the hands reach the shins
    far in front of the hips."""
    png = subprocess.run(
        ["rsvg-convert", str(PICTURES / "rhomboid-stretch-long-sitting.svg")],
        capture_output=True,
        check=True,
        timeout=30,
    ).stdout
    width, height, pixels = _png_pixels(png)
    ink = [[pixels[y * width + x] == INK for x in range(width)] for y in range(height)]
    rows = [y for y in range(height) if any(ink[y])]

    def longest_run(line: list[bool]) -> tuple[int, int]:
        best, start, found = (0, 0), None, []
        for x, on in enumerate([*line, False]):
            if on and start is None:
                start = x
            elif not on and start is not None:
                found.append((x - start, start))
                start = None
        return max(found, default=best)

    legs_length, legs_start = max(longest_run(ink[y]) for y in rows)
    legs_row = next(y for y in rows if longest_run(ink[y]) == (legs_length, legs_start))
    assert legs_length >= 180
    assert legs_row - rows[0] >= 110  # sitting up, not a mound
    toes = legs_start + legs_length - 30  # the feet, toes up, at the end of the legs
    hands = [x for x in range(toes) if ink[legs_row - 12][x]]
    assert max(hands) - legs_start >= 140  # the arms reach well along the legs
