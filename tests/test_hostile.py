"""The bar: hostile routines, file names and history rows (tests/hostile.py) through every
command; on stdout and stderr never a control byte (but newline and tab), never DEL, a
C1 control or a bidi control, never a traceback; exit status 0 or 2.

The live player and a styled terminal are checked the same way in a real
pseudo-terminal by `test_the_live_player_draws_a_hostile_routine_safely`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hostile import (
    ATTACK,
    BIDI,
    file_names,
    routine_cases,
    routine_yaml,
    write_history,
)

from backpain_cli.cli import cli

SAFE_CONTROLS = (0x09, 0x0A)
FORBIDDEN = {*range(0x20), 0x7F, *range(0x80, 0xA0), *BIDI} - set(SAFE_CONTROLS)


def assert_safe(data: bytes, what: str) -> None:
    text = data.decode("utf-8")  # never undecodable bytes either
    bad = sorted({f"U+{ord(c):04X}" for c in text if ord(c) in FORBIDDEN})
    assert not bad, f"{what}: {bad} in {text[:400]!r}"
    assert "Traceback" not in text, f"{what}: {text[-800:]}"


def run(runner: CliRunner, args: Sequence[str], **kwargs: object) -> Result:
    result = runner.invoke(cli, list(args), **kwargs)  # type: ignore[arg-type]
    what = "backpain " + " ".join(args)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        what,
        result.exception,
    )
    assert result.exit_code in (0, 1, 2), (what, result.exit_code, result.output)
    assert_safe(result.stdout_bytes, what + " (stdout)")
    assert_safe(result.stderr_bytes, what + " (stderr)")
    return result


PLAY = ["--plain", "--speed", "1000", "--no-sound", "--no-history"]


def routine_commands(path: str) -> list[list[str]]:
    return [
        ["validate", path],
        ["show", path],
        ["show", path, "--json"],
        ["show", path, "--format", "markdown"],
        ["show", path, "--format", "html"],
        ["exercises", path],
        ["start", path, *PLAY],
    ]


def test_the_corpus_is_valid_apart_from_the_hostile_text(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "base.yaml"
    path.write_text(routine_yaml({}))
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    cases = list(routine_cases())
    assert len(cases) > 100
    assert len({case.name for case in cases}) == len(cases)


@pytest.mark.parametrize("case", list(routine_cases()), ids=lambda case: case.name)
def test_a_hostile_routine_through_every_command(
    runner: CliRunner, user_routines: Path, tmp_path: Path, case: object
) -> None:
    name, text = case  # type: ignore[misc]
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    for args in routine_commands(str(path)):
        run(runner, args)
    # The same file in the routine folder: the list, every exercise, the one exercise,
    # playing it by name, completion of routine names and exercise ids.
    shutil.copy(path, user_routines / "hostile.yaml")
    for args in (
        ["list"],
        ["exercises"],
        ["exercises", "ex-one"],
        ["start", "hostile", *PLAY],
        ["show", "hostile"],
    ):
        run(runner, args)
    for words in ("backpain start ", "backpain start hostile --from "):
        run(runner, [], env=_completion(words), prog_name="backpain")


def _completion(words: str) -> dict[str, str]:
    return {
        "_BACKPAIN_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split(" ")) - 1),
    }


def test_the_attack_is_shown_as_visible_text(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "attack.yaml"
    path.write_text(routine_yaml({"name": ATTACK}))
    result = run(runner, ["show", str(path)])
    if result.exit_code == 0:  # until the loader refuses it: shown, harmless
        assert "\\x1b]0;pwned\\x07\\x1b[2J\\x1b[?1049l\\x9b31m\\u202eevil" in result.stdout
    else:
        assert result.exit_code == 2


def test_hostile_file_names_through_every_command(runner: CliRunner, user_routines: Path) -> None:
    names = list(file_names())
    for file_name in names:
        (user_routines / file_name).write_text(routine_yaml({}), encoding="utf-8")
    undecodable = os.fsdecode(b"bad\xff\x1b.yaml")  # not UTF-8: a lone surrogate in Python
    (user_routines / undecodable).write_text(routine_yaml({}), encoding="utf-8")
    listed = run(runner, ["list"])
    assert listed.exit_code == 0
    assert listed.stdout.count("cannot be played by name") == len(names) + 1
    run(runner, ["exercises"])
    paths = [str(user_routines / name) for name in [*names, undecodable]]
    validated = run(runner, ["validate", *paths])
    assert validated.exit_code == 0
    assert validated.stderr.count(": note: cannot be played by name") == len(paths)
    for path in paths:
        for args in routine_commands(path)[1:]:
            run(runner, args)
    for words in ("backpain start ", "backpain show n", "backpain edit "):
        offered = run(runner, [], env=_completion(words), prog_name="backpain")
        assert offered.stdout.splitlines() == [
            line for line in offered.stdout.splitlines() if line.isascii()
        ]


HISTORY_COMMANDS = [
    ["history"],
    ["history", "--limit", "0"],
    ["history", "--csv"],
    ["history", "--json"],
    ["stats"],
    ["stats", "--weeks", "52", "--days", "366"],
    ["today"],
    ["show", "upper-back"],
    ["report", "--format", "markdown", "-o", "-", "--since", "2026-10-01"],
    ["report", "--format", "html", "-o", "-", "--since", "2026-10-01"],
]


@pytest.mark.parametrize("args", HISTORY_COMMANDS, ids=" ".join)
def test_hostile_history_rows_through_every_command(
    runner: CliRunner, home: Path, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import datetime, timezone

    from backpain_cli.cli import common

    monkeypatch.setattr(common, "utc_now", lambda: datetime(2026, 11, 28, 12, tzinfo=timezone.utc))
    write_history(home / "history.sqlite3")
    result = run(runner, args)
    assert result.exit_code in (0, 1), result.output


def test_the_json_of_hostile_rows_keeps_them_exactly(runner: CliRunner, home: Path) -> None:
    import json

    write_history(home / "history.sqlite3")
    document = json.loads(run(runner, ["history", "--json"]).stdout)
    routines = {session["routine"] for session in document["sessions"]}
    assert "r\\x1b]0;t\\x07" in routines  # shown as visible text, in every output alike


def test_a_hostile_config_value(runner: CliRunner, home: Path) -> None:
    (home / "config.toml").write_text('chime = "bell\\u001b]0;t\\u0007.wav"\n')
    result = run(runner, ["config"])
    assert "bell\\x1b]0;t\\x07.wav" in result.stdout
    run(runner, ["start", "upper-back-gentle", *PLAY])  # the chime is refused, cleanly


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_the_live_player_draws_a_hostile_routine_safely(tmp_path: Path) -> None:
    """On a terminal: rich's own styles and the alternate screen, nothing of the file's.
    The window title stays, the alternate screen is left once (at the end), and the
    attack is on screen as text.

    The loader refuses such a file (checked first); the player is then run with that
    refusal switched off, so the defence behind it (model, screen) is what is tested."""
    pexpect = pytest.importorskip("pexpect")
    pyte = pytest.importorskip("pyte")
    path = tmp_path / "attack.yaml"
    path.write_text(routine_yaml({f: ATTACK for f in ("title", "name", "cues", "caution")}))
    env = {**os.environ, "TERM": "xterm-256color", "BACKPAIN_HOME": str(tmp_path / "home")}
    env.pop("NO_COLOR", None)
    refused = subprocess.run(
        [sys.executable, "-m", "backpain_cli", "validate", str(path)],
        env=env,
        capture_output=True,
        check=False,
    )
    assert refused.returncode == 2
    assert b"has a control character (U+001B ESCAPE)" in refused.stdout + refused.stderr
    without_the_loaders_refusal = (
        "import sys; from backpain_cli.routines import checker; "
        "checker.unsafe_text_problem = lambda value: None; "
        "from backpain_cli.cli import main; main()"
    )
    screen = pyte.Screen(100, 30)
    stream = pyte.ByteStream(screen)
    written = b""
    for args in (
        ["show", str(path)],
        ["start", str(path), "--speed", "2", "--no-sound", "--no-history", "--no-check-in"],
    ):
        child = pexpect.spawn(
            sys.executable,
            ["-c", without_the_loaders_refusal, *args],
            env=env,
            dimensions=(30, 100),
        )
        output = b""
        seen_hold = False
        while True:
            try:
                chunk = child.read_nonblocking(65536, timeout=20)
            except pexpect.EOF:
                break
            output += chunk
            stream.feed(chunk)
            if args[0] == "start" and not seen_hold and b"pwned" in output:
                seen_hold = "\\x1b]0;pwned" in "\n".join(screen.display)
        child.close()
        written += output
        if args[0] == "start":
            assert seen_hold, "the attack was not drawn as text on the live screen"
            assert output.count(b"\x1b[?1049l") <= 1  # only rich's own, at the very end
        else:
            assert "\\x1b]0;pwned" in "\n".join(screen.display)
        assert child.exitstatus in (0, 2), output[-500:]
    assert b"\x1b]" not in written  # no OSC at all: no title, no hyperlink, no clipboard
    assert b"\x07" not in written
    assert b"\xc2\x9b" not in written and "\u202e".encode() not in written
    assert screen.title == ""
