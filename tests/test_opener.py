"""`backpain exercises ID --open-image` and the platform opener, with fakes for both."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from backpain_cli import opener
from backpain_cli.cli import cli
from backpain_cli.locations import builtin_routines_dir


class Launched:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def __call__(self, argv: Sequence[str]) -> int | None:
        self.calls.append(list(argv))
        return None


@pytest.mark.parametrize(
    ("platform", "program"), [("linux", "xdg-open"), ("freebsd14", "xdg-open"), ("darwin", "open")]
)
def test_each_platform_uses_its_own_opener(platform: str, program: str) -> None:
    launched = Launched()
    found = {program: f"/usr/bin/{program}"}
    assert opener.open_file("/p/a.svg", platform=platform, which=found.get, launch=launched) is None
    assert launched.calls == [[f"/usr/bin/{program}", "/p/a.svg"]]


def test_windows_uses_startfile() -> None:
    started: list[str] = []
    launched = Launched()
    assert (
        opener.open_file(
            "C:\\p\\a.svg", platform="win32", launch=launched, startfile=started.append
        )
        is None
    )
    assert started == ["C:\\p\\a.svg"] and launched.calls == []


def test_no_opener_program_says_so() -> None:
    launched = Launched()
    problem = opener.open_file(
        "/p/a.svg", platform="linux", which=lambda name: None, launch=launched
    )
    assert problem == "cannot open it here: no `xdg-open` program to open files with"
    assert launched.calls == []


def test_an_opener_that_fails_to_start_says_why() -> None:
    def broken(argv: Sequence[str]) -> int | None:
        raise PermissionError(13, "Permission denied")

    problem = opener.open_file(
        "/p/a.svg", platform="linux", which=lambda name: "/usr/bin/xdg-open", launch=broken
    )
    assert problem == "cannot open it: Permission denied"


def test_an_opener_that_finds_nothing_to_show_the_file_says_so() -> None:
    problem = opener.open_file(
        "/p/a.svg", platform="linux", which=lambda name: "/usr/bin/xdg-open", launch=lambda a: 3
    )
    assert problem == (
        "cannot open it here: `xdg-open` found no program to show it (exit status 3); "
        "open the file yourself"
    )


def test_the_real_launcher_gives_the_status_or_none_while_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "opened"
    script = tmp_path / "fake-open"
    script.write_text(f'#!/bin/sh\nprintf "%s" "$1" > {marker}\nexit 4\n')
    script.chmod(0o755)
    assert opener._launch([str(script), "/p/a.svg"]) == 4
    assert marker.read_text() == "/p/a.svg"
    viewer = tmp_path / "viewer"
    viewer.write_text("#!/bin/sh\nsleep 5\n")
    viewer.chmod(0o755)
    monkeypatch.setattr(opener, "WAIT_SECONDS", 0.2)
    assert opener._launch([str(viewer)]) is None  # still showing the picture


# -- the command -----------------------------------------------------------------------


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []

    def fake_open(path: str) -> str | None:
        calls.append(path)
        return None

    monkeypatch.setattr(opener, "open_file", fake_open)
    return calls


def test_open_image_opens_the_exercise_picture(runner: CliRunner, opened: list[str]) -> None:
    # What is opened is a private copy of the rebuilt picture (tests/test_drawing.py).
    result = runner.invoke(cli, ["exercises", "thoracic-rotation", "--open-image"])
    picture = builtin_routines_dir().resolve() / "pictures" / "thoracic-rotation.svg"
    assert (result.exit_code, result.output) == (0, f"Opening {picture}\n")
    assert [Path(path).name for path in opened] == ["thoracic-rotation.svg"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["exercises", "scapular-squeeze-seated", "--open-image"],
            "backpain: exercise 'scapular-squeeze-seated' has no picture\n",
        ),
        (
            ["exercises", "upper-back", "--open-image"],
            "backpain: 'upper-back' is a routine; --open-image needs an exercise id\n",
        ),
        (
            ["exercises", "--open-image"],
            "backpain: --open-image needs an exercise id, e.g. backpain exercises ID "
            "--open-image\n",
        ),
    ],
)
def test_open_image_refusals(
    runner: CliRunner, opened: list[str], args: list[str], message: str
) -> None:
    result = runner.invoke(cli, args)
    assert (result.exit_code, result.output) == (2, message)
    assert opened == []


def test_open_image_when_nothing_can_open_it(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(opener, "open_file", lambda path: "cannot open it here: no `xdg-open`")
    result = runner.invoke(cli, ["exercises", "scapular-squeeze", "--open-image"])
    picture = builtin_routines_dir().resolve() / "pictures" / "scapular-squeeze.svg"
    assert (result.exit_code, result.output) == (
        2,
        f"backpain: the picture of 'scapular-squeeze' is {picture}; "
        "cannot open it here: no `xdg-open`\n",
    )


def test_open_image_with_an_xdg_open_that_finds_no_viewer(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The real opener path: an xdg-open that finds nothing (a machine without a desktop)
    exits 3; the command must not say "Opening" and exit 0."""
    fake = tmp_path / "bin" / "xdg-open"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'xdg-open: no method available' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(fake.parent))
    result = runner.invoke(cli, ["exercises", "scapular-squeeze", "--open-image"])
    assert result.exit_code == 2
    assert "Opening" not in result.output
    assert result.stderr.endswith(
        "cannot open it here: `xdg-open` found no program to show it (exit status 3); "
        "open the file yourself\n"
    )
