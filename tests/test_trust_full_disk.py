"""Output on a disk with no room left: `report -o FILE` never leaves a part of a report
under its name (it is written to a temporary name and renamed), and output redirected
to a file that cannot take it all ends with exit status 2, not 0."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# A tmpfs of 64 KiB with 60 KiB of it taken: room for a little, not for a report.
NEARLY_FULL = """
set -e
mount -t tmpfs -o size=64k tmpfs "$TINY"
dd if=/dev/zero of="$TINY/filler" bs=4096 count=15 2>/dev/null
cd "$TINY"
set +e
"$@"
echo "status: $?" >&2
ls -A "$TINY" >&2
"""


def _on_a_nearly_full_disk(tmp_path: Path, *command: str) -> subprocess.CompletedProcess[str]:
    if shutil.which("unshare") is None:
        pytest.skip("needs unshare (util-linux) to mount a tiny tmpfs")
    if subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode != 0:
        pytest.skip("user namespaces are not allowed here, so no tmpfs can be mounted")
    tiny = tmp_path / "tiny"
    tiny.mkdir()
    return subprocess.run(
        ["unshare", "-rm", "sh", "-c", NEARLY_FULL, "sh", *command],
        capture_output=True,
        text=True,
        env={**os.environ, "TINY": str(tiny), "NO_COLOR": "1"},
        timeout=120,
    )


BACKPAIN = f"{sys.executable} -m backpain_cli"


def test_a_report_that_does_not_fit_leaves_no_part_of_itself(tmp_path: Path, home: Path) -> None:
    recorded = subprocess.run(
        [
            sys.executable,
            "-m",
            "backpain_cli",
            "start",
            "upper-back-gentle",
            "--plain",
            "--speed",
            "1000",
            "--record",
        ],
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    assert recorded.returncode == 0
    done = _on_a_nearly_full_disk(tmp_path, "sh", "-c", f"{BACKPAIN} report -o visit.html")
    lines = done.stderr.splitlines()
    assert lines[0] == "backpain: cannot write visit.html: No space left on device"
    assert lines[1:] == ["status: 2", "filler"]  # no visit.html, no temporary file


def test_a_handout_redirected_to_a_full_file_is_not_exit_0(tmp_path: Path) -> None:
    done = _on_a_nearly_full_disk(
        tmp_path, "sh", "-c", f"{BACKPAIN} show upper-back --format html > handout.html"
    )
    lines = done.stderr.splitlines()
    assert lines[0] == "backpain: cannot write the output: No space left on device"
    assert lines[1] == "status: 2"


def test_a_history_export_that_does_not_fit_leaves_no_part_of_itself(
    tmp_path: Path, home: Path
) -> None:
    recorded = subprocess.run(
        [sys.executable, "-m", "backpain_cli", "start", "upper-back-gentle", "--plain",
         "--speed", "1000", "--record"],
        capture_output=True, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert recorded.returncode == 0
    fill = "dd if=/dev/zero of=more bs=4096 count=1 2>/dev/null"  # no room left at all
    done = _on_a_nearly_full_disk(
        tmp_path, "sh", "-c", f"{fill}; {BACKPAIN} history export -o sessions.jsonl"
    )
    lines = done.stderr.splitlines()
    assert lines[0] == "backpain: cannot write sessions.jsonl: No space left on device"
    assert lines[1:] == ["status: 2", "filler", "more"]
