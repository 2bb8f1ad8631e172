"""What working out a plan's current step costs `start` (its first frame) and `today`,
on ten years of sessions, side by side with the same routine without a plan.

Two homes hold the same ten years of twice-daily sessions (about 7,300) and an
`upper-back.yaml`: the built-in one, and the same with a `progression:`. Whole processes
run in turn (round-robin, so machine noise hits both alike), median of N each:
`backpain today upper-back`, and `backpain start upper-back` up to its first line of
output (its first frame, plain, to a pipe). Then, in this process, the work the plan
adds (open the history, read the sessions that may count, resolve the step), median of
N. Goal: at most 3 ms added. (The whole processes show it only on a quiet machine:
their noise is larger than 3 ms; the plan's own work is measured in this process.)

Usage:  python benchmarks/plan.py [--runs 15] [--years 10] [--check]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from history import environment, sessions, time_once

from backpain_cli.history.progress import position
from backpain_cli.history.store import open_for_recording
from backpain_cli.locations import builtin_routines_dir
from backpain_cli.routines.loader import load_routine

GOAL_MS = 3.0
PLAN = """
progression:
  advance_after: 6
  steps:
    - {scapular-squeeze: {reps: 6}, thoracic-rotation: {hold: 20}}
    - {scapular-squeeze: {reps: 8}, thoracic-rotation: {hold: 25}}
    - {}
"""


def first_line(argv: list[str], env: dict[str, str]) -> float:
    """Seconds until the process writes its first line (then it is stopped)."""
    start = time.perf_counter()
    process = subprocess.Popen(
        argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    elapsed = time.perf_counter() - start
    process.kill()
    process.wait()
    if not line:
        sys.exit(f"plan.py: {' '.join(argv)} printed nothing")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--check", action="store_true", help="exit 1 when the goal is missed")
    options = parser.parse_args()
    backpain = Path(sys.executable).with_name("backpain")
    if not backpain.exists():
        backpain = Path(shutil.which("backpain") or sys.exit("plan.py: no `backpain` command"))
    source = (builtin_routines_dir() / "upper-back.yaml").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="backpain-plan-bench-") as name:
        homes = {"with a plan": Path(name) / "plan", "without": Path(name) / "fixed"}
        made = sessions(years=options.years, now=datetime.now(timezone.utc))
        for label, home in homes.items():
            (home / "routines").mkdir(parents=True)
            text = source + (PLAN if label == "with a plan" else "")
            (home / "routines" / "upper-back.yaml").write_text(text, encoding="utf-8")
            store, warning = open_for_recording(home / "history.sqlite3")
            assert store is not None, warning
            with store:
                store.add_sessions(made)
        print(f"{len(made)} sessions over {options.years} years; median of {options.runs}")
        commands = {
            "today": ([str(backpain), "today", "upper-back"], time_once),
            "start, first frame": (
                [str(backpain), "start", "upper-back", "--plain", "--no-sound", "--no-history"],
                first_line,
            ),
        }
        envs = {label: environment(home) for label, home in homes.items()}
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(options.runs + 1):  # the first round warms up (bytecode, caches)
            for command, (argv, timer) in commands.items():
                for label, env in envs.items():
                    took = timer(argv, env) if timer is first_line else timer(argv, env, tty=False)
                    times.setdefault((command, label), []).append(took)
        planned = homes["with a plan"]
        routine = load_routine(planned / "routines" / "upper-back.yaml")
        work = []
        for _ in range(max(options.runs, 51)):
            start = time.perf_counter()
            found = position(planned / "history.sqlite3", routine)
            work.append(time.perf_counter() - start)
        print(f"(the plan stands at step {found.step} of {found.steps})")
    for command in commands:
        medians = {label: statistics.median(times[command, label][1:]) for label in homes}
        added = (medians["with a plan"] - medians["without"]) * 1000
        print(
            f"{command:<20} without {medians['without'] * 1000:6.1f} ms, with a plan "
            f"{medians['with a plan'] * 1000:6.1f} ms: {added:+5.1f} ms (whole processes)"
        )
    cost = statistics.median(work) * 1000
    ok = cost <= GOAL_MS
    print(
        f"the plan's own work     {cost:5.2f} ms, at best {min(work) * 1000:4.2f} ms, median of "
        f"{len(work)} (goal at most {GOAL_MS:.0f} ms: {'ok' if ok else 'MISSED'})"
    )
    return 1 if options.check and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
