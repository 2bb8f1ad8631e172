"""`validate` on files made to mislead or to drown it: a quoted newline cannot print a
line that blames another file, and 30,000 problems print as the first ones and a count,
quickly."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from backpain_cli.cli import cli
from backpain_cli.errors import SHOWN_PROBLEMS, Problem, RoutineError

SPOOF = "\\n/h/neck.yaml:7:3: hold: too long"

# Each file is valid but for the one value that carries the fake line.
VALID = {
    "version": "1",
    "title": "Mine",
    "frequency": "2 per day",
    "defaults": "{prepare: 5}",
}
EXERCISE = {"id": "a", "name": "A", "hold": "5", "sides": "[left, right]"}


def _routine(top: dict[str, str], exercise: dict[str, str], extra: str = "") -> str:
    lines = [f"{key}: {value}" for key, value in top.items()] + ["exercises:"]
    lines += [
        f"  - {key}: {value}" if i == 0 else f"    {key}: {value}"
        for i, (key, value) in enumerate(exercise.items())
    ]
    return "\n".join([*lines, "    instructions: [x]", extra]) + "\n"


SPOOFS = {
    "frequency": _routine({**VALID, "frequency": f'"2{SPOOF}"'}, EXERCISE),
    "defaults": _routine({**VALID, "defaults": f'{{prepare: "5{SPOOF}"}}'}, EXERCISE),
    "id": _routine(VALID, {**EXERCISE, "id": f'"a{SPOOF}"'}),
    "hold": _routine(VALID, {**EXERCISE, "hold": f'"5{SPOOF}"'}),
    "side": _routine(VALID, {**EXERCISE, "sides": '[left, "r\\n/h/n.yaml:7:3: x"]'}),
    "key": _routine(VALID, EXERCISE, f'    "x{SPOOF}": 1'),
    "pace": _routine(VALID, {**EXERCISE, "hold": "5", "pace": f'"slow{SPOOF}"'}),
    "image": _routine(VALID, {**EXERCISE, "image": f'"a{SPOOF}.svg"'}),
    "use": _routine(VALID, EXERCISE, f'  - use: "b{SPOOF}"'),
}


def test_the_valid_file_is_valid(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(_routine(VALID, EXERCISE))
    assert runner.invoke(cli, ["validate", str(path)]).exit_code == 0


@pytest.mark.parametrize("text", SPOOFS.values(), ids=SPOOFS.keys())
def test_a_quoted_newline_prints_no_line_of_its_own(
    runner: CliRunner, tmp_path: Path, text: str
) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(text)
    result = runner.invoke(cli, ["validate", str(path)])
    lines = result.stderr.splitlines()
    if result.exit_code == 2:
        assert lines.pop() == "1 of 1 file with problems"
    else:  # a missing picture is a warning
        assert result.exit_code == 0 and "warning" in result.stderr
    assert all(line.startswith(f"{path}:") for line in lines), result.stderr
    assert any(".yaml:7:3:" in line for line in lines)  # shown, on the real line


def test_a_hint_is_the_one_second_line(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("version: 1\n title: x\n")
    result = runner.invoke(cli, ["validate", str(path)])
    first, hint, summary = result.stderr.splitlines()
    assert first.startswith(f"{path}:2:7: invalid YAML: ")
    assert hint.startswith("  hint: a colon inside text")
    assert summary == "1 of 1 file with problems"


def test_a_problem_shows_a_newline_in_its_message_and_hint_escaped() -> None:
    problem = Problem("r.yaml", "got 'a\nb'", 1, 2, "hold", hint="c\nd")
    assert str(problem) == "r.yaml:1:2: hold: got 'a\\x0ab'\n  hint: c\\x0ad"


def _many_unknown_keys(count: int) -> str:
    return _routine(VALID, EXERCISE, "\n".join(f"    unknown{n}: 1" for n in range(count)))


def test_thirty_thousand_problems_are_the_first_ones_and_a_count(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(_many_unknown_keys(30_000))
    began = time.process_time()  # the CPU it takes: a busy machine does not change it
    result = runner.invoke(cli, ["validate", str(path)])
    took = time.process_time() - began
    lines = result.stderr.splitlines()
    assert result.exit_code == 2
    assert len(lines) == SHOWN_PROBLEMS + 2 <= 300
    assert re.match(
        rf"{re.escape(str(path))}:\d+:5: exercises\[0\]\.unknown0: unknown key", lines[0]
    )
    assert lines[-2] == f"... and {30_000 - SHOWN_PROBLEMS} more problems"
    assert lines[-1] == "1 of 1 file with problems"
    assert took < 3, took


def test_one_problem_past_the_shown_ones_is_one_more_problem() -> None:
    problems = [Problem("r.yaml", f"p{n}") for n in range(SHOWN_PROBLEMS + 1)]
    assert str(RoutineError(problems)).splitlines()[-1] == "... and 1 more problem"
    assert len(str(RoutineError(problems[:-1])).splitlines()) == SHOWN_PROBLEMS


def test_start_shows_the_same_first_problems(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(_many_unknown_keys(SHOWN_PROBLEMS * 20))
    result = runner.invoke(cli, ["start", str(path)])
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"... and {SHOWN_PROBLEMS * 19} more problems"
