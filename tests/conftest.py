"""Shared fixtures: every test gets its own BACKPAIN_HOME so nothing touches the real one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
BUILTIN_ROUTINES = REPO / "routines"


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private BACKPAIN_HOME (config, user routines and history) for each test."""
    folder = tmp_path / "backpain-home"
    folder.mkdir()
    monkeypatch.setenv("BACKPAIN_HOME", str(folder))
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    yield folder


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def user_routines(home: Path) -> Path:
    folder = home / "routines"
    folder.mkdir()
    return folder
