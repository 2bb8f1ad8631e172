"""Whole screens compared exactly with the reviewed snapshots in tests/snapshots/
(regenerate: `python tests/snapshots.py`, then review the diff), and the README's
screenshots compared with the snapshots (`python scripts/readme_screens.py`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from snapshots import SCENES, SIZES, path, render

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("scene", sorted(SCENES))
@pytest.mark.parametrize(("columns", "lines"), SIZES)
def test_the_screen_matches_its_snapshot(scene: str, columns: int, lines: int) -> None:
    expected = path(scene, columns, lines).read_text(encoding="utf-8")
    assert render(scene, columns, lines) == expected, (
        f"{scene} at {columns}x{lines} changed: run `python tests/snapshots.py` and review the diff"
    )


def test_every_snapshot_is_a_whole_screen() -> None:
    for scene in SCENES:
        for columns, lines in SIZES:
            rows = path(scene, columns, lines).read_text(encoding="utf-8").split("\n")[:-1]
            assert len(rows) == lines
            assert max(len(row) for row in rows) <= columns


def test_the_readme_shows_the_snapshots() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "readme_screens.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
