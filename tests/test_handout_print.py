"""The upper-back handout on paper: headless Chromium prints it on A4 and on Letter in at
most three pages, two or three exercises a page, and never splits an exercise (its
heading and its caution are on the same page, read back with poppler's `pdftotext`)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_report_browser import chromium, pdf_pages

from backpain_cli.cli import cli
from backpain_cli.routines.loader import load_routine

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(
    shutil.which("chromium") is None or shutil.which("pdftotext") is None,
    reason="needs Debian's `chromium` and `poppler-utils` (.ci/run installs them as root)",
)


def _pages_text(pdf: Path, count: int) -> list[str]:
    """Each page's words, one string a page, with white space made single spaces."""
    pages = []
    for number in range(1, count + 1):
        argv = ["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"]
        done = subprocess.run(argv, capture_output=True, check=True, timeout=60)
        pages.append(" ".join(done.stdout.decode().split()))
    return pages


@pytest.mark.parametrize("paper", ["A4", "letter"])
def test_upper_back_prints_on_three_pages_whole_exercises(tmp_path: Path, paper: str) -> None:
    result = CliRunner().invoke(cli, ["show", "upper-back", "--format", "html"])
    assert result.exit_code == 0, result.output
    page = result.output.replace("@page {", f"@page {{ size: {paper};", 1)
    assert f"size: {paper};" in page
    html = tmp_path / "handout.html"
    html.write_text(page, encoding="utf-8")
    pdf = tmp_path / "handout.pdf"
    chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri())
    count, _ = pdf_pages(pdf.read_bytes())
    assert count <= 3
    pages = _pages_text(pdf, count)
    routine = load_routine(REPO / "routines" / "upper-back.yaml")
    on_page = []
    for number, exercise in enumerate(routine.exercises, 1):
        heading = f"{number}. {exercise.name}"
        caution = " ".join(f"Caution: {exercise.caution}".split())
        found = [i for i, text in enumerate(pages) if heading in text]
        assert len(found) == 1, (heading, pages)
        assert caution in pages[found[0]], (exercise.id, pages[found[0]])
        on_page.append(found[0])
    per_page = [on_page.count(i) for i in range(count)]
    assert max(per_page) <= 3 and per_page.count(1) <= 1, per_page
    assert "My log" in pages[-1] and routine.disclaimer.split(".")[0] in pages[-1]
