"""Text from outside that is not a routine file: paths from BACKPAIN_HOME and the words
of an SVG picture. ESC, C1 and bidi controls in them reach the terminal as visible
escapes (`text.clean`), never raw."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from backpain_cli.cli import cli

RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
HOSTILE = "h\x1b]0;owned\x07\x9b31m\u202eevil"
SHOWN = "h\\x1b]0;owned\\x07\\x9b31m\\u202eevil"


@pytest.fixture
def hostile_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / HOSTILE
    folder.mkdir()
    monkeypatch.setenv("BACKPAIN_HOME", str(folder))
    return folder


@pytest.mark.parametrize(
    "arguments", [["config"], ["config", "path"], ["new", "mine"]], ids=" ".join
)
def test_a_path_from_backpain_home_is_shown_escaped(
    runner: CliRunner, hostile_home: Path, arguments: list[str]
) -> None:
    result = runner.invoke(cli, arguments)
    assert result.exit_code == 0, result.output
    assert not RAW.search(result.stdout + result.stderr)
    assert SHOWN in result.stdout


def test_edit_shows_the_path_escaped(
    runner: CliRunner, hostile_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert runner.invoke(cli, ["new", "mine"]).exit_code == 0
    monkeypatch.setenv("EDITOR", "true")
    edited = runner.invoke(cli, ["edit", "mine"])
    assert edited.exit_code == 0, edited.output
    assert not RAW.search(edited.stdout + edited.stderr)
    assert edited.stdout.endswith(f"{SHOWN}/routines/mine.yaml: ok (mine, 2 exercises)\n")


def test_the_history_is_off_warnings_show_the_path_escaped(tmp_path: Path) -> None:
    from test_trust_disk import no_room_in_files

    from backpain_cli.history.store import open_for_recording

    blocker = tmp_path / HOSTILE
    blocker.write_text("a file where the folder should be")
    history, warning = open_for_recording(blocker / "home" / "history.sqlite3")
    assert history is None
    assert warning == f"history is off: cannot create {tmp_path}/{SHOWN}/home (Not a directory)"
    folder = tmp_path / "home" / HOSTILE
    folder.mkdir(parents=True)
    with no_room_in_files():
        history, warning = open_for_recording(folder / "history.sqlite3")
    assert history is None
    assert warning == (
        f"history is off: cannot write {tmp_path}/home/{SHOWN}/history.sqlite3 (disk I/O error)"
    )


SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    '<desc>Arms up{}</desc><rect width="10" height="10"/></svg>'
)
ROUTINE = (
    "version: 1\ntitle: Mine\nexercises:\n"
    "  - id: a\n    name: A\n    hold: 5\n    image: a.svg\n    instructions: [x]\n"
)


@pytest.mark.parametrize(
    ("words", "shown"),
    [("\u202eevil", "\\u202eevil"), ("\u009b31m", "\\x9b31m"), ("\u200f\u2028", None)],
    ids=["RLO", "C1", "marks"],
)
def test_the_words_of_a_picture_are_shown_escaped(
    runner: CliRunner, tmp_path: Path, words: str, shown: str | None
) -> None:
    (tmp_path / "a.svg").write_text(SVG.format(words), encoding="utf-8")
    (tmp_path / "mine.yaml").write_text(ROUTINE)
    result = runner.invoke(cli, ["show", str(tmp_path / "mine.yaml"), "--format", "html"])
    assert result.exit_code == 0, result.output
    assert not RAW.search(result.stdout)
    assert 'alt="Picture: A. Arms up' in result.stdout
    if shown:
        assert f'alt="Picture: A. Arms up{shown}"' in result.stdout


def test_an_escape_in_the_words_of_a_picture_never_reaches_the_terminal(
    runner: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "a.svg").write_bytes(SVG.format("\x1b]0;owned\x07").encode())
    (tmp_path / "mine.yaml").write_text(ROUTINE)
    result = runner.invoke(cli, ["show", str(tmp_path / "mine.yaml"), "--format", "html"])
    assert not RAW.search(result.stdout + result.stderr)
