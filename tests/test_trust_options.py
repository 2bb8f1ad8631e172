"""Option values that parse but cannot be used: NaN and numbers beyond what the history
(SQLite) holds are refused by the option itself, one message and exit status 2."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from backpain_cli.cli import cli

HUGE = "1" + "0" * 23  # 1e23 written out: a valid integer, beyond SQLite's 64 bits


@pytest.mark.parametrize(
    "arguments",
    [
        ["start", "upper-back", "--speed", "nan"],
        ["start", "upper-back", "--speed", "-NaN"],
        ["start", "upper-back", "--speed", "inf"],
        ["history", "--limit", HUGE],
        ["history", "--limit", "1e23"],
        ["history", "forget", HUGE, "--yes"],
        ["history", "forget", "--yes", "--", "-" + HUGE],
        ["history", "forget", "1e23", "--yes"],
    ],
)
def test_an_unusable_number_is_refused_by_its_option(
    runner: CliRunner, arguments: list[str]
) -> None:
    runner.invoke(cli, ["start", "upper-back-gentle", "--plain", "--speed", "1000", "--record"])
    result = runner.invoke(cli, arguments)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stderr.splitlines()[-1].startswith("Error: Invalid value for")


def test_the_largest_numbers_the_history_holds_still_work(runner: CliRunner) -> None:
    runner.invoke(cli, ["start", "upper-back-gentle", "--plain", "--speed", "1000", "--record"])
    listed = runner.invoke(cli, ["history", "--limit", str(2**63 - 1)])
    assert listed.exit_code == 0 and "upper-back-gentle" in listed.stdout
    forgotten = runner.invoke(cli, ["history", "forget", str(2**63 - 1), "--yes"])
    assert forgotten.exit_code == 2
    assert forgotten.stderr == (
        f"backpain: no session {2**63 - 1} in the history (`backpain history` lists them)\n"
    )
