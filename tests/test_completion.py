"""Shell completion: the scripts, and routine names and exercise ids as candidates."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.shell_completion import get_completion_class
from click.testing import CliRunner

from backpain_cli.cli import cli
from backpain_cli.cli import completion as completion

BUILTIN_ROUTINES = Path(__file__).resolve().parents[1] / "routines"
BUILTIN_NAMES = ["upper-back", "upper-back-chair", "upper-back-gentle"]


def _complete(runner: CliRunner, words: str) -> list[str]:
    """What `backpain` offers for the last word of `words` (bash protocol)."""
    parts = words.split(" ")
    result = runner.invoke(
        cli,
        [],
        prog_name="backpain",
        env={
            "_BACKPAIN_COMPLETE": "bash_complete",
            "COMP_WORDS": words,
            "COMP_CWORD": str(len(parts) - 1),
        },
    )
    assert result.exit_code == 0, result.output
    return [line for line in result.stdout.splitlines() if line]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_clicks_script(runner: CliRunner, shell: str) -> None:
    result = runner.invoke(cli, ["completion", shell])
    assert result.exit_code == 0
    completer = get_completion_class(shell)
    assert completer is not None
    assert result.stdout == completer(cli, {}, "backpain", "_BACKPAIN_COMPLETE").source() + "\n"
    assert "_BACKPAIN_COMPLETE" in result.stdout


def test_completion_unknown_shell(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["completion", "tcsh"], prog_name="backpain")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "Usage: backpain completion [OPTIONS] SHELL\n"
        "Try 'backpain completion --help' for help.\n"
        "\n"
        "Error: Invalid value for 'SHELL': 'tcsh' is not one of 'bash', 'zsh', 'fish'.\n"
    )


def test_completion_help_shows_how_to_install(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["completion", "--help"])
    assert "~/.config/fish/completions/backpain.fish" in result.stdout
    assert "~/.local/share/bash-completion/completions/backpain" in result.stdout


def test_routine_names_complete(runner: CliRunner, user_routines: Path) -> None:
    (user_routines / "mine.yaml").write_text("anything")
    (user_routines / "exercises.yaml").write_text("version: 1\nexercises:\n  - id: neck-nod\n")
    assert _complete(runner, "backpain show up") == [f"plain,{n}" for n in BUILTIN_NAMES]
    assert _complete(runner, "backpain show m") == ["plain,mine"]
    assert _complete(runner, "backpain new x --from upper-back-c") == ["plain,upper-back-chair"]
    assert _complete(runner, "backpain edit ") == ["plain,mine", "plain,exercises"]


def test_paths_complete_as_files(runner: CliRunner) -> None:
    assert _complete(runner, "backpain show ./my") == ["file,./my"]
    assert _complete(runner, "backpain show ~/r") == ["file,~/r"]


def test_exercise_ids_and_routines_complete_for_exercises(
    runner: CliRunner, user_routines: Path
) -> None:
    (user_routines / "exercises.yaml").write_text(
        "version: 1\nexercises:\n  - id: neck-nod\n  - {id: neck-tilt, use: upper-back/x}\n"
    )
    assert _complete(runner, "backpain exercises neck") == ["plain,neck-nod", "plain,neck-tilt"]
    assert _complete(runner, "backpain exercises thoracic-r") == [
        "plain,thoracic-rotation",
        "plain,thoracic-rotation-seated",
    ]
    assert _complete(runner, "backpain exercises upper-back-g") == ["plain,upper-back-gentle"]


def test_candidate_lists(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("exercises:\n  - use: lib/b-one\n  - id: 'c'\n")
    (tmp_path / "z.yml").write_text('- id: "d"\nname: not-an-id\n')
    (tmp_path / "notes.txt").write_text("id: e")
    (tmp_path / "broken.yaml").mkdir()  # a folder named like a routine is skipped
    missing = tmp_path / "missing"
    assert completion.routine_names([tmp_path, missing]) == ["a", "broken", "z"]
    assert completion.exercise_ids([tmp_path, missing]) == ["b-one", "c", "d"]
    assert completion.exercise_ids([BUILTIN_ROUTINES])[:2] == [
        "ball-trigger-point-pressure",
        "ball-trigger-point-pressure-gentle",
    ]
    assert completion.matching(["ab", "b", "abc"], "ab") == ["ab", "abc"]


def test_completion_never_fails(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> list[str]:
        raise RuntimeError("boom")

    monkeypatch.setattr(completion, "routine_names", broken)
    assert _complete(runner, "backpain show u") == []


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_real_bash_completes_routine_names(home: Path) -> None:
    """Source the script in a real bash and ask it, as pressing Tab would."""
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "backpain").exists():
        pytest.skip("the backpain command is not installed next to this Python")
    script = (
        'eval "$(backpain completion bash)"\n'
        "COMP_WORDS=(backpain show upper-back-g); COMP_CWORD=2\n"
        "_backpain_completion backpain\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["upper-back-gentle"]


def test_completion_offers_only_names_start_accepts(tmp_path: Path) -> None:
    from backpain_cli.cli.completion import routine_names

    for name in ("My Neck.yaml", "UPPER.yaml", "-dash.yaml", "x\x1b]0;t\x07.yaml", "ok.yml"):
        (tmp_path / name).write_text("version: 1\n")
    assert routine_names([tmp_path]) == ["ok"]


def test_from_offers_the_exercises_of_the_routine_being_started(runner: CliRunner) -> None:
    chair = _complete(runner, "backpain start upper-back-chair --from ")
    assert "plain,thoracic-rotation-seated" in chair
    assert "plain,thoracic-rotation" not in chair  # upper-back's, not this routine's
    assert "plain,rhomboid-stretch-long-sitting" not in chair
    anywhere = _complete(runner, "backpain start --from thoracic-rot")
    assert "plain,thoracic-rotation" in anywhere  # no routine yet: every id
    assert "plain,thoracic-rotation-seated" in anywhere


def test_exercise_ids_without_the_shells_words_are_every_routines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Completion stays silent whatever goes wrong: with no words from the shell there is
    no ROUTINE to narrow `start --from` to, so every exercise id is offered."""
    import click

    from backpain_cli.cli.completion import complete_exercises

    monkeypatch.delenv("COMP_WORDS", raising=False)
    offered = complete_exercises(click.Context(cli), click.Option(["--from"]), "thoracic-s")
    assert [item.value for item in offered] == ["thoracic-sidebend", "thoracic-sidebend-seated"]
