"""`report --format pdf` with a browser that never finishes: it is stopped with every
process it started, and the report says so (no traceback after 120 s). The sandbox is
turned off only as root, where Chromium's cannot start."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from backpain_cli.cli import cli
from backpain_cli.report import pdf


def test_a_browser_that_never_prints_is_stopped_with_its_children(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    child_pid = tmp_path / "child.pid"
    browser = tmp_path / "chromium"
    browser.write_text(f"#!/bin/sh\nsleep 300 &\necho $! > {child_pid}\nsleep 300\n")
    browser.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    monkeypatch.setattr(pdf, "PRINT_SECONDS", 1)
    began = time.monotonic()
    result = runner.invoke(cli, ["report", "--format", "pdf", "-o", str(tmp_path / "r.pdf")])
    assert time.monotonic() - began < 30
    assert result.exit_code == 2
    assert result.stderr == (
        f"backpain: {browser} had not printed the report after 1 s; it was stopped, with "
        "every process it had started\n"
    )
    assert not (tmp_path / "r.pdf").exists()
    pid = int(child_pid.read_text())
    for _ in range(100):  # the child is gone (reaped by init, or a zombie no more)
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            break
        if state == "Z":
            break
        time.sleep(0.05)
    else:
        raise AssertionError(f"the browser's child {pid} still runs")


def test_the_sandbox_is_off_only_as_root(tmp_path: Path) -> None:
    page, out, profile = tmp_path / "r.html", tmp_path / "r.pdf", tmp_path / "p"
    assert "--no-sandbox" not in pdf.print_command("chromium", page, out, profile)
    assert "--no-sandbox" in pdf.print_command("chromium", page, out, profile, sandbox=False)


def test_as_root_the_command_turns_the_sandbox_off(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = tmp_path / "argv"
    browser = tmp_path / "chromium"
    browser.write_text(f'#!/bin/sh\necho "$@" > {seen}\nexit 3\n')
    browser.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    for euid, expected in ((0, True), (1000, False)):
        monkeypatch.setattr(os, "geteuid", lambda euid=euid: euid)
        result = runner.invoke(cli, ["report", "--format", "pdf", "-o", str(tmp_path / "r.pdf")])
        assert result.exit_code == 2
        assert ("--no-sandbox" in seen.read_text().split()) is expected
