"""History files: `history export` and `history import` of ten years of sessions, and
`today` with a sync folder holding three machines' ten-year files, side by side with
`backpain --help` in one run.

Generates ten years of twice-daily sessions (about 7,300; `history.sessions`) for each
of three machines, exports one, imports it into an empty home, and syncs a fourth home
with all three files once (the first read imports everything); then times whole
processes in turn (round-robin, so machine noise hits every command alike), after one
untimed round, median of N runs each: `--help`, `history export`, `history import`
(into a fresh copy of an empty home each run), and `today` with the sync folder (only
what is new is read: nothing), beside `today` on the same history without a sync
folder.

Goals: import under 2 s, export under 1 s, `today` with the sync folder within 2x
`backpain --help`.

Usage:  python benchmarks/transfer.py [--runs 15] [--years 10] [--check]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from history import environment, sessions

from backpain_cli.history.store import open_for_recording

BACKPAIN = [sys.executable, "-m", "backpain_cli"]


def run(argv: list[str], home: Path) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        argv, env=environment(home), stdin=subprocess.DEVNULL, capture_output=True, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"transfer.py: {' '.join(argv)} exited with {done.returncode}: {done.stderr!r}")
    return elapsed


def make_home(folder: Path, *, years: int, seed: int) -> int:
    folder.mkdir(parents=True)
    now = datetime.now(timezone.utc)
    made = [replace(s, uuid=str(uuid.uuid4())) for s in sessions(years=years, now=now, seed=seed)]
    store, warning = open_for_recording(folder / "history.sqlite3")
    assert store is not None, warning
    with store:
        store.add_sessions(made)
    return len(made)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="backpain-transfer-") as scratch:
        root = Path(scratch)
        synced = root / "synced"
        synced.mkdir()
        counts = []
        for number in range(3):  # three machines, each with its file in the folder
            home = root / f"machine-{number}"
            counts.append(make_home(home, years=options.years, seed=5 + number))
            target = synced / f"backpain-machine-{number}.jsonl"
            run([*BACKPAIN, "history", "export", "-o", str(target)], home)
        export_file = root / "export.jsonl"
        reader = root / "reader"
        reader.mkdir()
        (reader / "config.toml").write_text(f'sync_folder = "{synced}"\n')
        first = run([*BACKPAIN, "today"], reader)  # reads and merges all three files once
        plain = root / "reader-without-sync"  # the same history, no sync folder
        shutil.copytree(reader, plain)
        (plain / "config.toml").unlink()
        empty = root / "empty"
        empty.mkdir()
        commands = {
            "backpain --help": lambda: run([*BACKPAIN, "--help"], root / "machine-0"),
            "history export": lambda: run(
                [*BACKPAIN, "history", "export", "-o", str(export_file)], root / "machine-0"
            ),
            "history import": lambda: import_once(root, export_file, empty),
            "today (sync folder, 3 machines)": lambda: run([*BACKPAIN, "today"], reader),
            "today (same history, no folder)": lambda: run([*BACKPAIN, "today"], plain),
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        # One round untimed: the first `today` after the first sync still writes down how
        # far it looked, and every file is then in the page cache for all commands alike.
        for command in commands.values():
            command()
        for _ in range(options.runs):
            for name, command in commands.items():
                times[name].append(command())
    medians = {name: statistics.median(found) for name, found in times.items()}
    help_time = medians["backpain --help"]
    print(f"{sum(counts)} sessions on three machines ({counts[0]} each, {options.years} years)")
    print(f"first sync of a new machine: {first:.2f} s (reads and merges all three files)")
    print(f"median of {options.runs} runs each, side by side:")
    for name, median in medians.items():
        print(f"  {name:34} {median * 1000:7.0f} ms  {median / help_time:5.2f}x --help")
    missed = []
    if medians["history import"] >= 2.0:
        missed.append("import under 2 s")
    if medians["history export"] >= 1.0:
        missed.append("export under 1 s")
    if medians["today (sync folder, 3 machines)"] >= 2 * help_time:
        missed.append("today within 2x --help")
    print("goals: " + ("all met" if not missed else "missed: " + ", ".join(missed)))
    if options.check and missed:
        sys.exit(1)


def import_once(root: Path, export_file: Path, empty: Path) -> float:
    home = root / "importing"
    shutil.rmtree(home, ignore_errors=True)
    shutil.copytree(empty, home)
    return run([*BACKPAIN, "history", "import", str(export_file)], home)


if __name__ == "__main__":
    main()
