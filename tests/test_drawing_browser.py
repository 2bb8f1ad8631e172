"""Hostile SVGs in headless Chromium, with a listener on 127.0.0.1 that records every
request: as given, each file of the corpus fetches or runs a script (so the corpus
proves its point); rebuilt, with every refusal of `routines/drawing.py` switched off so
that the allowlist alone is tested, none does anything, whether opened as a document,
embedded in a handout or opened by `exercises --open-image`."""

from __future__ import annotations

import http.server
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile_svg import CORPUS, hostile

from backpain_cli import opener
from backpain_cli.cli import cli
from backpain_cli.routines import drawing

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    BROWSER is None,
    reason="needs Debian's `chromium` (apt-get install chromium; .ci/run installs it as root)",
)
# Refused by the parser itself (a DTD with declarations), so never rebuilt.
PARSER_REFUSES = {"external-entity", "billion-laughs"}


class Listener:
    """An HTTP server on 127.0.0.1 that answers 404 and remembers each path asked for."""

    def __init__(self) -> None:
        seen: list[str] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                seen.append(self.path)
                self.send_response(404)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.seen = seen
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def listener() -> Iterator[Listener]:
    running = Listener()
    yield running
    running.server.shutdown()
    running.server.server_close()


def open_in_chromium(folder: Path, page: Path) -> str:
    """The DOM of `page` after Chromium has run it for 3 s of virtual time."""
    argv = [
        str(BROWSER),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--allow-file-access-from-files",
        "--virtual-time-budget=3000",
        f"--user-data-dir={folder / 'profile'}",
        "--dump-dom",
        page.as_uri(),
    ]
    done = subprocess.run(argv, capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return done.stdout.decode(errors="replace")


def frames(folder: Path, files: dict[str, bytes]) -> Path:
    """A page that opens each file as a document of its own (scripts run there)."""
    for name, data in files.items():
        (folder / f"{name}.svg").write_bytes(data)
    page = folder / "frames.html"
    page.write_text(
        "<!doctype html><title>frames</title>"
        + "".join(f'<iframe src="{name}.svg"></iframe>' for name in files)
    )
    return page


@pytest.fixture
def no_refusals(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every check that refuses switched off: only the allowlist stands."""
    monkeypatch.setattr(drawing._Builder, "_check_element", lambda *args: None)
    monkeypatch.setattr(drawing._Builder, "_check_attribute", lambda *args: None)
    monkeypatch.setattr(drawing._Builder, "_check_style", lambda *args: None)
    monkeypatch.setattr(drawing, "_instruction", lambda *args: None)


def test_the_corpus_is_active_as_given(tmp_path: Path, listener: Listener) -> None:
    files = {name: hostile(name, listener.port).encode() for name in CORPUS}
    open_in_chromium(tmp_path, frames(tmp_path, files))
    assert {path.strip("/") for path in listener.seen} == set(CORPUS) - PARSER_REFUSES


@pytest.mark.usefixtures("no_refusals")
def test_the_rebuilt_corpus_does_nothing(tmp_path: Path, listener: Listener) -> None:
    files = {
        name: drawing.rebuild(hostile(name, listener.port).encode()).data
        for name in sorted(set(CORPUS) - PARSER_REFUSES)
    }
    assert all(b"127.0.0.1" not in data for data in files.values())
    dom = open_in_chromium(tmp_path, frames(tmp_path, files))
    assert "<iframe" in dom and listener.seen == []


def routine_with_pictures(home: Path, port: int) -> list[str]:
    folder = home / "routines"
    folder.mkdir(parents=True)
    names = sorted(set(CORPUS) - PARSER_REFUSES)
    entries = []
    for name in names:
        (folder / f"{name}.svg").write_text(hostile(name, port), encoding="utf-8")
        entries.append(
            f"  - {{id: {name}, name: {name}, hold: 5, image: {name}.svg, instructions: [Rest.]}}"
        )
    (folder / "hostile.yaml").write_text(
        "version: 1\ntitle: Hostile\nexercises:\n" + "\n".join(entries) + "\n"
    )
    return names


@pytest.mark.usefixtures("no_refusals")
def test_a_handout_with_the_rebuilt_corpus_does_nothing(
    tmp_path: Path, listener: Listener, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKPAIN_HOME", str(tmp_path))
    names = routine_with_pictures(tmp_path, listener.port)
    result = CliRunner().invoke(cli, ["show", "hostile", "--format", "html"])
    assert result.exit_code == 0, result.output
    assert result.output.count("data:image/svg+xml;base64,") == len(names)
    page = tmp_path / "handout.html"
    page.write_text(result.output, encoding="utf-8")
    dom = open_in_chromium(tmp_path, page)
    assert "Hostile" in dom and listener.seen == []


@pytest.mark.usefixtures("no_refusals")
def test_what_open_image_opens_does_nothing(
    tmp_path: Path, listener: Listener, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKPAIN_HOME", str(tmp_path))
    names = routine_with_pictures(tmp_path, listener.port)
    opened: list[str] = []
    monkeypatch.setattr(opener, "open_file", lambda path: opened.append(path))
    for name in names:
        result = CliRunner().invoke(cli, ["exercises", name, "--open-image"])
        assert result.exit_code == 0, result.output
    assert len(opened) == len(names)
    files = {Path(path).stem: Path(path).read_bytes() for path in opened}
    open_in_chromium(tmp_path, frames(tmp_path, files))
    for path in opened:
        shutil.rmtree(Path(path).parent)
    assert listener.seen == []
