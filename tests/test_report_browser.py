"""The report in a real browser: headless Chromium renders the page and its two charts
(the screenshots are not blank and have the charts' colours), and prints four weeks of
twice-daily sessions on one A4 and one Letter page, from the page and from
`backpain report --format pdf`."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from generated_history import twice_daily

from backpain_cli.cli import cli
from backpain_cli.cli import common as cli_module
from backpain_cli.history.records import SessionRecord
from backpain_cli.history.store import open_for_recording

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    BROWSER is None,
    reason="needs Debian's `chromium` (apt-get install chromium; .ci/run installs it as root)",
)
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 29, 21, 0, tzinfo=BERLIN)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
)
DONE = (0x1F, 0x6F, 0x5C)  # the calendar's "all due done" fill
INK = (0x1B, 0x1F, 0x24)  # the pain chart's points and line


def chromium(folder: Path, *args: str) -> None:
    profile = folder / f"profile-{len(list(folder.glob('profile-*')))}"
    argv = [str(BROWSER), *FLAGS, f"--user-data-dir={profile}", *args]
    done = subprocess.run(argv, capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]


def pixels(png: bytes) -> tuple[int, int, list[tuple[int, int, int]]]:
    """Width, height and RGB pixels of an 8-bit RGB or RGBA PNG (what Chromium writes)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    position, data, header = 8, b"", b""
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        body = png[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            data += body
        position += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6), (depth, colour)
    channels = 4 if colour == 6 else 3
    raw = zlib.decompress(data)
    stride = width * channels
    rows: list[bytearray] = []
    previous = bytearray(stride)
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                guess = left + up - corner
                pa, pb, pc = abs(guess - left), abs(guess - up), abs(guess - corner)
                best = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + best) & 255
        rows.append(line)
        previous = line
    found = [
        (line[i], line[i + 1], line[i + 2]) for line in rows for i in range(0, stride, channels)
    ]
    return width, height, found


def near(pixel: tuple[int, int, int], colour: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 24 for a, b in zip(pixel, colour, strict=True))


def pdf_pages(pdf: bytes) -> tuple[int, list[str]]:
    assert pdf.startswith(b"%PDF")
    pages = re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf)
    boxes = re.findall(rb"/MediaBox\s*\[([^\]]*)\]", pdf)
    return len(pages), [" ".join(box.decode().split()) for box in boxes]


@pytest.fixture
def page(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Four weeks of twice-daily sessions, the report written as html."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    monkeypatch.setattr(cli_module, "utc_now", lambda: NOW.astimezone(timezone.utc))
    store, warning = open_for_recording(home / "history.sqlite3")
    assert store is not None, warning
    sessions = twice_daily(days=60, now=NOW)
    note = "Tight between the shoulder blades after a long day at the desk; the ball helped."
    first = len(sessions) - sum(s.started >= NOW - timedelta(days=27) for s in sessions)
    noted = range(first + 1, len(sessions), 4)[:10]  # ten notes in the four weeks
    sessions = [
        SessionRecord(**{**vars(s), "note": note if index in noted else ""})
        for index, s in enumerate(sessions)
    ]
    with store:
        store.add_sessions(sessions)
    target = tmp_path / "report.html"
    result = CliRunner().invoke(cli, ["report", "-o", str(target)])
    assert result.exit_code == 0, result.output
    return target


def screenshot(folder: Path, html: Path, size: str) -> tuple[int, int, list[tuple[int, int, int]]]:
    shot = folder / f"{html.stem}-{size}.png"
    chromium(folder, f"--window-size={size}", f"--screenshot={shot}", html.as_uri())
    return pixels(shot.read_bytes())


def test_page_and_charts_render(page: Path, tmp_path: Path) -> None:
    assert page.read_text().count("Tight between the shoulder blades") == 10
    width, height, found = screenshot(tmp_path, page, "1000,1400")
    assert (width, height) == (1000, 1400)
    marked = sum(pixel != (255, 255, 255) for pixel in found)
    assert marked > 0.04 * len(found), "the page is (nearly) blank"
    html = page.read_text()
    style = re.search(r"<style>.*?</style>", html, re.S)
    assert style is not None
    for name, colour, least in (("calendar", DONE, 2000), ("pain", INK, 400)):
        svg = re.search(rf'<svg class="{name}".*?</svg>', html, re.S)
        assert svg is not None, name
        alone = tmp_path / f"{name}.html"
        alone.write_text(
            f"<!DOCTYPE html><html><head>{style[0]}</head><body>{svg[0]}</body></html>"
        )
        _, _, chart = screenshot(tmp_path, alone, "700,500")
        coloured = sum(near(pixel, colour) for pixel in chart)
        assert coloured >= least, f"{name}: {coloured} pixels of its colour"


def test_phone_screen_is_one_column(page: Path, tmp_path: Path) -> None:
    """On a 390 px phone nothing is cut: the right edge of the screenshot has no ink
    (a page wider than the screen would run off it), and the calendar is drawn."""
    width, height, found = screenshot(tmp_path, page, "390,1600")
    right_edge = [found[row * width + width - 3] for row in range(height)]
    assert all(pixel == (255, 255, 255) for pixel in right_edge)
    assert sum(near(pixel, DONE) for pixel in found) > 1000


@pytest.mark.parametrize(("paper", "box"), [("A4", (595.0, 842.0)), ("letter", (612.0, 792.0))])
def test_four_weeks_print_on_one_page(
    page: Path, tmp_path: Path, paper: str, box: tuple[float, float]
) -> None:
    html = page.read_text().replace("@page { size: auto;", f"@page {{ size: {paper};")
    assert f"size: {paper};" in html
    sized = tmp_path / f"report-{paper}.html"
    sized.write_text(html)
    pdf = tmp_path / f"report-{paper}.pdf"
    chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", sized.as_uri())
    count, boxes = pdf_pages(pdf.read_bytes())
    assert count == 1
    width, height = (float(number) for number in boxes[0].split()[2:])
    assert abs(width - box[0]) < 1 and abs(height - box[1]) < 1, boxes[0]


def test_format_pdf_prints_one_page(page: Path, tmp_path: Path) -> None:
    target = tmp_path / "visit.pdf"
    result = CliRunner().invoke(cli, ["report", "--format", "pdf", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert result.output == f"Report written to {target}\n"
    count, _ = pdf_pages(target.read_bytes())
    assert count == 1


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (.ci/run)")
def test_on_paper_notes_are_no_smaller_than_their_dates_and_no_tiny_pictures(
    page: Path, tmp_path: Path
) -> None:
    """Printed, each note's words are as tall as its date (the date was bigger), and the
    exercises' pictures, which would be too small to read there, are left out."""
    pdf = tmp_path / "report.pdf"
    chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri())
    assert pdf_pages(pdf.read_bytes())[0] == 1
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode()
    words = re.findall(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', boxes
    )
    notes = [float(bottom) - float(top) for top, bottom, word in words if word == "Tight"]
    dates = [  # the time of day: only the notes' dates have one
        float(bottom) - float(top)
        for top, bottom, word in words
        if re.fullmatch(r"\d\d:\d\d", word)
    ]
    dates = dates[: len(notes)]  # the footer's "Generated ... 21:00" comes last
    assert len(notes) == len(dates) == 10
    assert min(notes) >= max(dates) - 0.1, (notes, dates)
    images = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, check=True, timeout=60
    ).stdout.decode()
    assert len(images.strip().splitlines()) == 2  # the header lines, no picture
    screen = page.read_text()
    assert screen.count('<img class="thumb"') == 5  # on a screen they are there


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (.ci/run)")
def test_day_one_prints_nothing_due_and_rings_today_not_missed(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first run of a plan (a preview recorded with --speed, left out of every
    figure) on a Sunday evening: the printed page asks nothing yet, its legend names no
    missed day, and today's cell is drawn ringed, as the legend's "today" key says."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    monkeypatch.setattr(cli_module, "utc_now", lambda: NOW.astimezone(timezone.utc))
    first = twice_daily(days=1, now=NOW)[0]
    preview = SessionRecord(
        **{**vars(first), "speed": 1000.0, "ended": first.started + timedelta(seconds=2)}
    )
    store, warning = open_for_recording(home / "history.sqlite3")
    assert store is not None, warning
    with store:
        store.add_sessions([preview])
    pdf, html = tmp_path / "day-one.pdf", tmp_path / "day-one.html"
    for target, kind in ((pdf, "pdf"), (html, "html")):
        result = CliRunner().invoke(cli, ["report", "--format", kind, "-o", str(target)])
        assert result.exit_code == 0, result.output
    printed = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, check=True, timeout=60
    ).stdout.decode()
    words = " ".join(printed.split())
    assert "Adherence Nothing due until today is over" in words
    assert "today, not over yet" in words
    assert "missed" not in words and " %" not in words, words
    page = html.read_text()
    style = re.search(r"<style>.*?</style>", page, re.S)
    svg = re.search(r'<svg class="calendar".*?</svg>', page, re.S)
    assert style is not None and svg is not None
    assert svg[0].count('<g class="day ') == 1  # day one: today alone
    ink = []
    for name, drawn in (("ringed", svg[0]), ("plain", svg[0].replace('"day today"', '"day"'))):
        alone = tmp_path / f"calendar-{name}.html"
        alone.write_text(f"<!DOCTYPE html><html><head>{style[0]}</head><body>{drawn}</body></html>")
        ink.append(sum(near(pixel, INK) for pixel in screenshot(tmp_path, alone, "700,500")[2]))
    assert ink[0] - ink[1] >= 100, ink  # the ring: a thick dark frame round today's cell
