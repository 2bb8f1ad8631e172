"""Start-up time of `backpain`, measured side by side with its baselines in one run.

Whole processes, started in turn (round-robin, so machine noise hits every command
alike), median of N runs each. Absolute times differ between machines and runs; the
ratios are what this script checks:

- `backpain --help`  within 1.2x of `python -c "import click"`
- `backpain list`    within 1.5x of `python -c "import click, rich.console, yaml"`
- `backpain config`  within 1.2x of `backpain --help`
- `backpain today --notify upper-back` (what a reminder runs) within 2x of `backpain --help`
  (on a fresh machine: nothing recorded, so the notification is due; with no
  notify-send on the PATH it is the fallback line)

Usage:  python benchmarks/startup.py [--runs 15] [--tty] [--check] [--before SRC]

`--before SRC` also times `--help`, `list`, `config` and `today --notify upper-back` of
another checkout's `src` folder (e.g. a `git worktree` of the last release), side by
side with this one's, both run as `python -m backpain_cli`: a change's start-up cost as
a ratio from one run.

Output goes to /dev/null (plain text, as in a pipe); `--tty` runs every command in a
pseudo-terminal instead, so `backpain list` draws its table as people see it.

`--check` exits with status 1 when a goal is missed (for CI smoke checks). The user's
own routines and settings are not read: the platform folders point into a temporary
folder, so `backpain list` does what it does on a fresh machine (built-ins only), with
`platformdirs` on the path as in real use. The cache of checked routines is in that
folder too: the warm-up runs fill it, as a reminder's first run does. Bytecode is
written and used, as after `pip install`, even where PYTHONDONTWRITEBYTECODE is set.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOALS = (
    # (command, baseline, allowed ratio)
    ("backpain --help", 'python -c "import click"', 1.2),
    ("backpain list", 'python -c "import click, rich.console, yaml"', 1.5),
    ("backpain config", "backpain --help", 1.2),
    ("backpain today --notify upper-back", "backpain --help", 2.0),
)
BEFORE_AFTER = ("--help", "list", "config", "today --notify upper-back")


def commands(before: Path | None = None) -> list[tuple[str, list[str]]]:
    python = sys.executable
    backpain = Path(python).with_name("backpain")
    if not backpain.exists():
        found = shutil.which("backpain")
        if found is None:
            sys.exit("startup.py: no `backpain` command next to this Python or on PATH")
        backpain = Path(found)
    found_commands = [
        ("python -c pass", [python, "-c", "pass"]),
        ('python -c "import click"', [python, "-c", "import click"]),
        ("backpain --help", [str(backpain), "--help"]),
        (
            'python -c "import click, rich.console, yaml"',
            [python, "-c", "import click, rich.console, yaml"],
        ),
        ("backpain list", [str(backpain), "list"]),
        ("backpain config", [str(backpain), "config"]),
        (
            "backpain today --notify upper-back",
            [str(backpain), "today", "--notify", "upper-back"],
        ),
    ]
    if before is not None:
        for args in BEFORE_AFTER:
            module = [python, "-m", "backpain_cli", *args.split()]
            old = ["env", f"PYTHONPATH={before}", *module]
            if not _runs(old):  # e.g. a checkout from before `today --notify`
                print(f"(before: `{args}` does not run there; not compared)")
                continue
            found_commands.append((f"after:  -m backpain_cli {args}", module))
            found_commands.append((f"before: -m backpain_cli {args}", old))
    termdown = shutil.which(
        "termdown", path=f"{Path(python).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    )
    if termdown:
        found_commands.append(("termdown --help", [termdown, "--help"]))
    return found_commands


def _runs(argv: list[str]) -> bool:
    with tempfile.TemporaryDirectory() as folder:
        return (
            subprocess.run(
                argv,
                env=clean_environment(Path(folder)),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            ).returncode
            == 0
        )


def clean_environment(folder: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BACKPAIN")}
    env.update(
        XDG_CONFIG_HOME=str(folder / "config"),
        XDG_DATA_HOME=str(folder / "data"),
        XDG_CACHE_HOME=str(folder / "cache"),
        HOME=str(folder),
        TERM="xterm-256color",
        COLUMNS="100",
        LINES="30",
    )
    env.pop("NO_COLOR", None)
    # An installed package has its bytecode compiled (pip does it); let the warm-up runs
    # write it here too, or every timed run would compile backpain's modules afresh.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env.pop("PYTHONUNBUFFERED", None)  # as in a person's shell
    return env


def time_once(argv: list[str], env: dict[str, str], *, tty: bool) -> float:
    if not tty:
        start = time.perf_counter()
        status = subprocess.run(
            argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=False
        ).returncode
        elapsed = time.perf_counter() - start
    else:
        import pty

        controller, terminal = pty.openpty()
        start = time.perf_counter()
        process = subprocess.Popen(argv, env=env, stdin=terminal, stdout=terminal, stderr=terminal)
        os.close(terminal)
        while True:  # read everything, or the process blocks on a full terminal buffer
            try:
                if not os.read(controller, 65536):
                    break
            except OSError:  # EIO: the process closed the terminal
                break
        status = process.wait()
        elapsed = time.perf_counter() - start
        os.close(controller)
    if status != 0:
        sys.exit(f"startup.py: {' '.join(argv)} exited with status {status}")
    return elapsed


def measure(runs: int, warmup: int, *, tty: bool, before: Path | None) -> dict[str, float]:
    """Median seconds per command, runs interleaved round-robin."""
    chosen = commands(before)
    times: dict[str, list[float]] = {label: [] for label, _ in chosen}
    with tempfile.TemporaryDirectory(prefix="backpain-bench-") as folder:
        env = clean_environment(Path(folder))
        for round_number in range(warmup + runs):
            for label, argv in chosen:
                elapsed = time_once(argv, env, tty=tty)
                if round_number >= warmup:
                    times[label].append(elapsed)
    return {label: statistics.median(values) for label, values in times.items()}


def report(medians: dict[str, float], runs: int, *, tty: bool) -> bool:
    """Print the table and the goals; True when every goal is met."""
    bare = medians["python -c pass"]
    width = max(len(label) for label in medians)
    where = "a terminal" if tty else "/dev/null"
    print(f"Start-up, output to {where}, median of {runs} runs each (ratio to `python -c pass`):")
    for label, seconds in medians.items():
        print(f"  {label:<{width}}  {seconds * 1000:7.1f} ms  {seconds / bare:5.1f}x")
    print("Goals:")
    met = True
    for command, baseline, allowed in GOALS:
        ratio = medians[command] / medians[baseline]
        ok = ratio <= allowed
        met = met and ok
        verdict = "ok" if ok else "MISSED"
        print(f"  {command} / {baseline} = {ratio:.2f} (goal <= {allowed}) {verdict}")
    after_before = [
        (
            args,
            medians[f"after:  -m backpain_cli {args}"],
            medians[f"before: -m backpain_cli {args}"],
        )
        for args in BEFORE_AFTER
        if f"before: -m backpain_cli {args}" in medians
    ]
    if after_before:
        print("This checkout against --before (after / before; 1.00 is no change):")
        for args, after, before in after_before:
            print(f"  {args:<26} {after / before:.2f}")
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per command (>= 10)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs per command first")
    parser.add_argument("--tty", action="store_true", help="run in a pseudo-terminal")
    parser.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
    parser.add_argument("--before", type=Path, help="another checkout's src folder to compare")
    args = parser.parse_args()
    if args.runs < 10:
        parser.error("--runs must be at least 10")
    medians = measure(args.runs, args.warmup, tty=args.tty, before=args.before)
    met = report(medians, args.runs, tty=args.tty)
    if args.check and not met:
        sys.exit(1)


if __name__ == "__main__":
    main()
