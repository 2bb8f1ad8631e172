"""A symbolic link where the history belongs: a loop or a link to a folder is named and
`start` exits 2 (as docs/trust-and-safety.md says); a link to where the file is to be
made is followed."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from backpain_cli.cli import cli

START = ["start", "upper-back-gentle", "--plain", "--speed", "1000", "--record"]


@pytest.mark.parametrize(
    ("target", "said"),
    [
        ("history.sqlite3", "is a symbolic link loop (it leads back to itself)"),
        (".", "is a folder, not a file"),
    ],
    ids=["loop", "folder"],
)
def test_start_refuses_a_link_that_cannot_lead_to_the_history(
    runner: CliRunner, home: Path, target: str, said: str
) -> None:
    (home / "history.sqlite3").symlink_to(target)
    played = runner.invoke(cli, START)
    assert played.exit_code == 2
    assert played.stderr == (
        f"backpain: {home}/history.sqlite3: expected the history database file, but it {said}\n"
    )


def test_start_follows_a_link_to_where_the_history_is_to_be_made(
    runner: CliRunner, home: Path
) -> None:
    (home / "history.sqlite3").symlink_to(home / "kept.sqlite3")
    played = runner.invoke(cli, START)
    assert played.exit_code == 0, played.output
    assert (home / "kept.sqlite3").stat().st_size > 0
