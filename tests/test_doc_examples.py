"""Examples in the docs are real: every complete routine (or exercise library) in the
docs and the README validates as written (copied into a file of its own, `backpain
validate` says ok, with no warning), and the guide's `show` sample is the output."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from backpain_cli.cli import cli
from backpain_cli.routines.listing import routine_summary
from backpain_cli.routines.loader import load_routine

REPO = Path(__file__).resolve().parents[1]
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def complete_examples() -> list[tuple[str, str]]:
    """(where, YAML) of each block that is a whole file: `version:` and `exercises:`."""
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in re.finditer(r"```ya?ml\n(.*?)```", text, re.S):
            block = match[1]
            if re.search(r"^version:", block, re.M) and re.search(r"^exercises:", block, re.M):
                line = text[: match.start()].count("\n") + 1
                found.append((f"{page.name}:{line}", block))
    return found


EXAMPLES = complete_examples()


def test_the_docs_hold_complete_examples() -> None:
    assert len(EXAMPLES) >= 2
    assert any(where.startswith("routine-format.md") for where, _ in EXAMPLES)


@pytest.mark.parametrize(("where", "example"), EXAMPLES, ids=[w for w, _ in EXAMPLES])
def test_each_complete_example_validates_as_written(
    where: str, example: str, tmp_path: Path
) -> None:
    # An exercise library says so in its first line; anything else is a routine.
    library = example.splitlines()[0].strip().endswith("exercises.yaml")
    path = tmp_path / ("exercises.yaml" if library else "example.yaml")
    path.write_text(example, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert (result.exit_code, result.stderr) == (0, ""), where
    assert result.stdout.startswith(f"{path}: ok")


def test_the_guides_show_sample_is_real_output_at_80_columns() -> None:
    """The user guide shows `backpain show upper-back` as an 80-column terminal does."""
    guide = (REPO / "docs" / "user-guide.md").read_text(encoding="utf-8")
    sample = re.search(r"`backpain show upper-back` prints.*?```text\n(.*?)```", guide, re.S)
    assert sample
    out = io.StringIO()
    console = Console(file=out, width=80, color_system=None, force_terminal=True)
    console.print(routine_summary(load_routine(REPO / "routines" / "upper-back.yaml"), plain=False))
    real = [line.rstrip() for line in out.getvalue().splitlines()]
    assert sample[1].splitlines() == real
    assert "Id" in real[10].split()  # the ids people type, e.g. for --from
