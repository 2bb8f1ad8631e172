"""`backpain report`: one page for a physical therapist (html, Markdown or PDF)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import click

from backpain_cli import __version__
from backpain_cli.cli import common
from backpain_cli.cli.common import fail
from backpain_cli.cli.completion import complete_routines
from backpain_cli.cli.today import load_played
from backpain_cli.files import FileExists, write_atomically
from backpain_cli.history.merging import history_in_memory, merge_sessions
from backpain_cli.report import pdf
from backpain_cli.report.contents import Report
from backpain_cli.report.gather import report_from_store
from backpain_cli.report.html_page import report_html
from backpain_cli.report.markdown_page import report_markdown
from backpain_cli.report.pdf import find_browser, html_to_pdf
from backpain_cli.routines.images import load_picture
from backpain_cli.transfer.history_io import read_history_files

if TYPE_CHECKING:
    from datetime import date

    from backpain_cli.history.store import History
    from backpain_cli.routines.model import Routine

EXTENSIONS = {"html": "html", "markdown": "md", "pdf": "pdf"}


@click.command("report")
@click.option(
    "--since",
    type=common.SINCE,
    default="4w",
    show_default=True,
    metavar="4w|10d|DATE",
    help="The period: weeks or days up to today, or from a day (YYYY-MM-DD).",
)
@click.option(
    "--routine",
    "routine_name",
    metavar="NAME",
    help="Only this routine.",
    shell_complete=complete_routines,
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["html", "markdown", "pdf"]),
    default="html",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Write here ('-' for standard output). Default: a new file in this folder.",
)
@click.option("--force", is_flag=True, help="Replace the file if it exists.")
@click.option("--no-notes", is_flag=True, help="Leave out your session notes.")
@click.option(
    "--no-pain",
    is_flag=True,
    help="Leave out pain ratings and the exercises stopped because they hurt.",
)
@click.option(
    "--history",
    "history_files",
    metavar="FILE",
    multiple=True,
    help="Make the report from this exported history (`backpain history export`), not "
    "from yours; give it more than once for several files.",
)
def report_command(
    since: date,
    routine_name: str | None,
    output_format: str,
    output: str | None,
    force: bool,
    no_notes: bool,
    no_pain: bool,
    history_files: tuple[str, ...],
) -> None:
    """A one-page report to bring to your physical therapist: your routines and doses,
    an adherence calendar, pain before and after sessions, what hurt, your notes.

    The html page has no scripts and no links: e-mail it or print it as it is.

    \b
    Examples:
      backpain report                      the last 4 weeks, as html in this folder
      backpain report --since 2026-11-01 --routine upper-back
      backpain report --format pdf -o visit.pdf
      backpain report --format markdown -o -
      backpain report --history from-my-patient.jsonl    # on the therapist's machine
    """

    browser = _browser() if output_format == "pdf" else ""
    store = _exported(history_files) if history_files else common.read_history()
    report = report_from_store(
        store,
        first=since,
        routine=routine_name,
        now=common.utc_now(),
        zone=common.user_zone(),
        version=__version__,
        read_routine=routine_reader(_played_paths(store)),
        pain=not no_pain,
        notes=not no_notes,
    )
    data = _render(report, output_format, browser)
    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    day = report.last.isoformat()
    target = Path(output or f"backpain-report-{day}.{EXTENSIONS[output_format]}")
    try:  # renamed into place: never half a report; never over a file unasked
        write_atomically(target, data, replace=force, make_folder=False)
    except FileExists:
        fail(f"{target} already exists: --force replaces it, or -o FILE writes another")
    click.echo(f"Report written to {target}")


def _exported(files: tuple[str, ...]) -> History:
    """The sessions of exported files, in a history in memory: the report is made from
    them exactly as from a history, and no history here is read or written."""

    paths = [Path(file).expanduser() for file in files]
    sessions, journal = read_history_files(paths, now=common.utc_now())
    store = history_in_memory()
    merge_sessions(store, sessions, journal)
    return store


def routine_reader(paths: Mapping[str, str] | None = None) -> Callable[[str], Routine | None]:
    """A routine by name (or from the file it was last played from, `paths`), or None
    when it no longer loads; the exercise library is read once, when a routine is first
    not in the cache."""

    library = common.shared_library()

    def read(name: str) -> Routine | None:
        return load_played(name, paths or {}, library=library)

    return read


def _played_paths(store: History | None) -> dict[str, str]:

    every_session = datetime(1970, 1, 1, tzinfo=timezone.utc)  # a period may be years
    return store.routine_paths(since=every_session) if store is not None else {}


def _browser() -> str:
    return find_browser(shutil.which, os.path.exists)


def _render(report: object, output_format: str, browser: str) -> bytes:

    assert isinstance(report, Report)
    if output_format == "markdown":
        return report_markdown(report).encode()

    html = report_html(report, pictures=load_picture)
    if output_format == "html":
        return html.encode()

    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    with tempfile.TemporaryDirectory(prefix="backpain-report-") as folder:
        return html_to_pdf(
            html, browser=browser, folder=Path(folder), run=run_browser, sandbox=not as_root
        )


def run_browser(argv: Sequence[str]) -> int:
    """Run the browser in a process group of its own; one that has not printed within
    `PRINT_SECONDS` is stopped with every process it started (PrintFailed says so)."""
    browser = subprocess.Popen(
        list(argv),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        return browser.wait(timeout=pdf.PRINT_SECONDS)
    except subprocess.TimeoutExpired:
        kill = getattr(os, "killpg", None)
        if kill is None:  # pragma: no cover - Windows: no process groups to end
            browser.kill()
        else:
            with contextlib.suppress(ProcessLookupError):
                kill(browser.pid, signal.SIGKILL)
        browser.wait()
        raise pdf.PrintFailed(
            f"{argv[0]} had not printed the report after {pdf.PRINT_SECONDS} s; it was "
            "stopped, with every process it had started"
        ) from None
