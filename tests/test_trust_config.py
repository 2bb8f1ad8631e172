"""Config files made to break the reader, each valid TOML in every other respect: a
`~user` that does not exist, a 5,000-digit number, arrays nested thousands deep, a FIFO
as the chime. One message, exit status 2, never a traceback or a hang."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from backpain_cli.cli import cli

CONFIGS = {
    "unknown user in chime": (
        'chime = "~nosuchuser/x.wav"\n',
        "chime: '~nosuchuser/x.wav': there is no home folder for a user 'nosuchuser' here",
    ),
    "unknown user in default_routine": (
        'default_routine = "~nosuchuser/neck.yaml"\n',
        "default_routine: '~nosuchuser/neck.yaml': there is no home folder for a user "
        "'nosuchuser' here",
    ),
    "5,000 digits": ("prepare = " + "9" * 5000 + "\n", "invalid TOML: a number far too long"),
    "4,000 digits": (
        "prepare = " + "9" * 4000 + "\n",
        "prepare: must be between 0 and 120 seconds, got " + "9" * 57 + "...",
    ),
    "nested arrays": (
        "sound = " + "[" * 5000 + "]" * 5000 + "\n",
        "invalid TOML: arrays or tables nested too deeply",
    ),
    "nested tables": (
        "sound = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n",
        "invalid TOML: arrays or tables nested too deeply",
    ),
}


@pytest.mark.parametrize(("text", "message"), CONFIGS.values(), ids=CONFIGS)
def test_a_hostile_config_is_one_line_and_status_2(
    runner: CliRunner, home: Path, text: str, message: str
) -> None:
    (home / "config.toml").write_text(text)
    result = runner.invoke(cli, ["config"])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"backpain: {home}/config.toml:")
    assert line.endswith(message)


def test_without_a_home_folder_a_tilde_is_refused(
    runner: CliRunner, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backpain_cli.config import _expanded

    monkeypatch.delenv("HOME")
    monkeypatch.setattr("pwd.getpwuid", _no_such_user)
    assert _expanded("~/x.wav", home) == (
        None,
        "'~/x.wav': there is no home folder for you here (HOME is not set)",
    )


def _no_such_user(uid: int) -> object:
    raise KeyError(uid)


def test_a_fifo_as_the_chime_is_refused_without_waiting(runner: CliRunner, home: Path) -> None:
    fifo = home / "chime.wav"
    os.mkfifo(fifo)
    (home / "config.toml").write_text(f'chime = "{fifo}"\n')
    played = runner.invoke(cli, ["start", "upper-back-gentle", "--plain", "--speed", "1000"])
    assert played.exit_code == 0  # the config file's chime gives way to the built-in one
    assert f"{fifo}: is a named pipe (FIFO), not a file; playing the built-in chime" in (
        played.stderr
    )
    asked = runner.invoke(
        cli, ["start", "upper-back-gentle", "--plain", "--speed", "1000", "--chime", str(fifo)]
    )
    assert asked.exit_code == 2
    assert asked.stderr == f"backpain: --chime: {fifo}: is a named pipe (FIFO), not a file\n"
