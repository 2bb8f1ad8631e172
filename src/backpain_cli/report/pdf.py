"""The report as PDF: the html page printed by a headless Chromium or Google Chrome.

The same engine the tests open the page with, so the PDF is the tested print layout
(one A4 or Letter page for four weeks). No Python package is needed; the browser is
found on PATH (`which` and `run` are passed in, so tests pass fakes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from backpain_cli.errors import BackpainError

BROWSERS = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
)
INSTALL = (
    "--format pdf prints the report with Chromium or Google Chrome, and neither was found. "
    "Install one (Debian or Ubuntu: sudo apt install chromium; Fedora: sudo dnf install "
    "chromium; macOS: brew install --cask chromium), or write html and print it from "
    "your browser: backpain report -o report.html"
)


class NoBrowser(BackpainError):
    """No Chromium or Chrome to print with (the message says what to install)."""


PRINT_SECONDS = 120  # a browser that has not printed by then never will: it is stopped


class PrintFailed(BackpainError):
    """The browser did not print the page (the message says which and how it ended)."""


def find_browser(which: Callable[[str], str | None], exists: Callable[[str], bool]) -> str:
    for name in BROWSERS:
        found = (name if exists(name) else None) if name.startswith("/") else which(name)
        if found:
            return found
    raise NoBrowser(INSTALL)


def print_command(
    browser: str, html_file: Path, pdf_file: Path, profile: Path, *, sandbox: bool = True
) -> list[str]:
    """The browser's command line. Chromium's sandbox cannot start as root: only there
    (`sandbox=False`) is it turned off."""
    return [
        browser,
        "--headless",
        *([] if sandbox else ["--no-sandbox"]),
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf_file}",
        html_file.as_uri(),
    ]


def html_to_pdf(
    html: str,
    *,
    browser: str,
    folder: Path,
    run: Callable[[Sequence[str]], int],
    sandbox: bool = True,
) -> bytes:
    """Print `html` to PDF with `browser`, working in `folder` (a fresh temporary one)."""
    page = folder / "report.html"
    page.write_text(html, encoding="utf-8")
    pdf = folder / "report.pdf"
    status = run(print_command(browser, page, pdf, folder / "profile", sandbox=sandbox))
    if status != 0 or not pdf.exists() or not pdf.read_bytes().startswith(b"%PDF"):
        raise PrintFailed(f"{browser} could not print the report (exit status {status})")
    return pdf.read_bytes()
