"""Record what every command prints on the built-in routines, to compare two versions.

    python scripts/record_outputs.py > after.txt      # from this checkout
    PYTHONPATH=/other/checkout/src python scripts/record_outputs.py > before.txt
    diff before.txt after.txt

Each command runs in a fresh BACKPAIN_HOME with no terminal; the checkout's own path is
written as <ROOT> so two checkouts compare equal. A refactor that keeps behaviour shows
no difference.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import backpain_cli

ROOT = str(Path(backpain_cli.__file__).resolve().parents[2])
ROUTINES = ["upper-back", "upper-back-chair", "upper-back-gentle"]
COMMANDS: list[list[str]] = [
    [],
    ["--help"],
    ["--version"],
    ["list"],
    ["exercises"],
    ["exercises", "scapular-squeeze"],
    ["exercises", "upper-back"],
    ["exercises", "no-such-thing"],
    ["schema"],
    ["config"],
    ["config", "path"],
    ["history"],
    ["stats"],
    ["today"],
    ["today", "upper-back"],
    ["completion", "bash"],
    ["show", "nothing-here"],
    ["start", "nothing-here"],
    ["start", "upper-back", "--from", "nope", "--plain"],
    ["validate", f"{ROOT}/routines/upper-back.yaml", f"{ROOT}/routines/exercises.yaml"],
    ["history", "--since", "yesterday"],
    ["new", "Bad Name"],
    ["frobnicate"],
]
for name in ROUTINES:
    COMMANDS += [
        ["show", name],
        ["show", name, "--json"],
        ["show", name, "--format", "markdown"],
        ["show", name, "--format", "html"],
        ["start", name, "--plain", "--speed", "1000", "--no-sound", "--no-history"],
    ]
HELPED = "list show exercises validate schema config new edit completion start history stats today"
for command in HELPED.split():
    COMMANDS.append([command, "--help"])


def _steady(text: str) -> str:
    """The plain player's log without what depends on the real clock at --speed 1000:
    the time stamps and the 'N s left' lines."""
    lines = [re.sub(r"^\[\d\d:\d\d\] ", "", line) for line in text.splitlines()]
    return "\n".join(line for line in lines if not re.fullmatch(r"\d+ s left", line))


def main() -> int:
    for command in COMMANDS:
        with tempfile.TemporaryDirectory() as home:
            env = {**os.environ, "BACKPAIN_HOME": home, "TZ": "UTC", "COLUMNS": "80"}
            env.pop("NO_COLOR", None)
            done = subprocess.run(
                [sys.executable, "-m", "backpain_cli", *command],
                env=env,
                capture_output=True,
                text=True,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        print(f"$ backpain {' '.join(command)}  -> {done.returncode}".replace(ROOT, "<ROOT>"))
        for stream in (done.stdout, done.stderr):
            print(_steady(stream.replace(ROOT, "<ROOT>").replace(home, "<HOME>")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
