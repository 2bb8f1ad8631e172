"""Invisible marks (RLM, ALM, U+2028, ZWSP...) are refused in a routine file like the bidi
controls, and shown as visible escapes wherever other text from outside is shown; a
number with a plus sign is refused by the plain-digits rule."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from backpain_cli.cli import cli
from backpain_cli.text import INVISIBLE_MARKS, character_name, clean, dumps_json

VALID = (
    "version: 1\ntitle: {title}\nexercises:\n"
    "  - id: a\n    name: A\n    hold: {hold}\n    instructions: [x]\n"
)


@pytest.mark.parametrize("code", sorted(INVISIBLE_MARKS), ids=lambda code: f"U+{code:04X}")
def test_an_invisible_mark_in_a_routine_is_refused(
    runner: CliRunner, tmp_path: Path, code: int
) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(VALID.format(title=f'"Mine\\u{code:04x}yours"', hold=5))
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"{path}:2:8: title: has an invisible mark ({character_name(chr(code))}), which can "
        "make text show one thing and mean another; remove it"
    )


@pytest.mark.parametrize("code", sorted(INVISIBLE_MARKS), ids=lambda code: f"U+{code:04X}")
def test_an_invisible_mark_is_shown_as_an_escape(code: int) -> None:
    assert clean(f"a{chr(code)}b") == f"a\\u{code:04x}b"
    assert dumps_json(f"a{chr(code)}b") == f'"a\\u{code:04x}b"'


def test_joiners_and_a_soft_hyphen_stay() -> None:
    assert clean("\U0001f469\u200d\u2695 d\u200ce\u00ad") == "\U0001f469\u200d\u2695 d\u200ce\u00ad"


@pytest.mark.parametrize(("hold", "fix"), [("+30", "; write 30"), ("+0x1e", "")])
def test_a_plus_sign_is_not_plain_digits(
    runner: CliRunner, tmp_path: Path, hold: str, fix: str
) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(VALID.format(title="Mine", hold=hold))
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (
        f"{path}:6:11: exercises[0].hold: must be a whole number of seconds in plain digits, "
        f"got '{hold}'{fix}"
    )


def test_a_minus_sign_is_still_read_as_a_number(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(VALID.format(title="Mine", hold="-30"))
    result = runner.invoke(cli, ["validate", str(path)])
    assert "must be between 1 and 600 seconds, got -30" in result.stderr
