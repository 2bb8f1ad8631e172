"""`backpain history`, `stats`, `today` and `report` with ten years of sessions, side by
side with `backpain --help` in one run.

Generates ten years of twice-daily sessions (about 7,300, five exercises each, some
partial, skipped or stopped for pain, most with pain check-ins) into a temporary
BACKPAIN_HOME, then times whole processes in turn (round-robin, so machine noise hits
every command alike), median of N runs each, and prints each command's ratio to
`backpain --help`. Goals: history and stats under 2x; report (four weeks as html, both
charts) under 5x.

Usage:  python benchmarks/history.py [--runs 15] [--years 10] [--check]

Output goes to a pipe, as when a script or a screen reader reads it (plain text);
`--tty` runs every command in a pseudo-terminal instead (styled output).
`--check` exits with status 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import os
import pty
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from backpain_cli.history.records import ExerciseRecord, ExerciseStatus, SessionRecord
from backpain_cli.history.records import SessionOutcome as Outcome
from backpain_cli.history.store import open_for_recording
from backpain_cli.routines.model import Frequency, Period

GOAL = 2.0
GOALS = {  # command -> its goal, as a multiple of `backpain --help`
    "backpain history": GOAL,
    "backpain stats": GOAL,
    "backpain report": 5.0,  # the therapist's page: four weeks, html, with both charts
}
TWICE_A_DAY = Frequency(2, Period.DAY)
EXERCISES = (
    "rhomboid-stretch-long-sitting",
    "scapular-squeeze",
    "thoracic-rotation",
    "thoracic-sidebend",
    "ball-trigger-point",
)


def sessions(*, years: int, now: datetime, seed: int = 5) -> list[SessionRecord]:
    """Twice a day (07:30 and 19:00 UTC, jittered) for `years` years up to `now`."""
    chance = random.Random(seed)
    found = []
    day = (now - timedelta(days=365 * years)).replace(hour=0, minute=0, second=0, microsecond=0)
    pain = 6.0
    while day < now:
        for hour in (7.5, 19.0):
            started = day + timedelta(hours=hour, minutes=chance.randint(-40, 40))
            if started > now or chance.random() < 0.003:  # a few sessions missed
                continue
            partial = chance.random() < 0.05
            done = chance.randint(1, 4) if partial else 5
            exercises = []
            moment = started
            for position, exercise_id in enumerate(EXERCISES[:done]):
                roll = chance.random()
                status = (
                    ExerciseStatus.STOPPED_FOR_PAIN
                    if roll < 0.02
                    else ExerciseStatus.SKIPPED
                    if roll < 0.06
                    else ExerciseStatus.DONE
                )
                ended = moment + timedelta(seconds=chance.randint(60, 150))
                exercises.append(
                    ExerciseRecord(
                        position, exercise_id, exercise_id.replace("-", " "), status,
                        moment, ended, 3, 6, 6, ("left", "right"),
                    )
                )  # fmt: skip
                moment = ended
            pain = min(10.0, max(0.0, pain + chance.uniform(-0.6, 0.55)))
            before = round(pain) if chance.random() < 0.8 else None
            after = max(0, before - chance.randint(0, 2)) if before is not None else None
            found.append(
                SessionRecord(
                    id=0,
                    routine="upper-back" if chance.random() < 0.85 else "upper-back-chair",
                    routine_hash="0" * 64,
                    started=started,
                    last_update=moment,
                    ended=None if partial else moment,
                    outcome=Outcome.PARTIAL if partial else Outcome.COMPLETED,
                    exercises_planned=5,
                    pain_before=before,
                    pain_after=None if partial else after,
                    frequency=TWICE_A_DAY,
                    exercises=tuple(exercises),
                )
            )
        day += timedelta(days=1)
    return found


def environment(folder: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("BACKPAIN")}
    env.update(BACKPAIN_HOME=str(folder), TERM="xterm-256color", TZ="Europe/Berlin")
    env.pop("NO_COLOR", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # bytecode as after `pip install`
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


def time_once(argv: list[str], env: dict[str, str], *, tty: bool) -> float:
    if tty:
        controller, terminal = pty.openpty()
        start = time.perf_counter()
        process = subprocess.Popen(argv, env=env, stdin=terminal, stdout=terminal, stderr=terminal)
        os.close(terminal)
        while True:  # drain the terminal so the process never blocks on a full buffer
            try:
                if not os.read(controller, 65536):
                    break
            except OSError:
                break
        status = process.wait()
        elapsed = time.perf_counter() - start
        os.close(controller)
    else:
        start = time.perf_counter()
        status = subprocess.run(
            argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=False
        ).returncode
        elapsed = time.perf_counter() - start
    if status not in (0, 1):  # `today` may exit 1 by design
        sys.exit(f"history.py: {' '.join(argv)} exited with {status}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--tty", action="store_true", help="run in a pseudo-terminal")
    parser.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
    options = parser.parse_args()
    backpain = Path(sys.executable).with_name("backpain")
    if not backpain.exists():
        found = shutil.which("backpain")
        if found is None:
            sys.exit("history.py: no `backpain` command next to this Python or on PATH")
        backpain = Path(found)
    with tempfile.TemporaryDirectory(prefix="backpain-history-bench-") as name:
        folder = Path(name)
        store, warning = open_for_recording(folder / "history.sqlite3")
        assert store is not None, warning
        made = sessions(years=options.years, now=datetime.now(timezone.utc))
        with store:
            store.add_sessions(made)
        size = (folder / "history.sqlite3").stat().st_size
        print(
            f"{len(made)} sessions over {options.years} years "
            f"({sum(len(s.exercises) for s in made)} exercises, {size / 1e6:.1f} MB); "
            f"output to {'a terminal' if options.tty else 'a pipe'}; median of {options.runs}"
        )
        env = environment(folder)
        commands = {
            "backpain --help": [str(backpain), "--help"],
            "backpain history": [str(backpain), "history"],
            "backpain stats": [str(backpain), "stats"],
            "backpain today": [str(backpain), "today"],
            "backpain history --csv": [str(backpain), "history", "--csv"],
            "backpain report": [str(backpain), "report", "-o", "-"],
        }
        for argv in commands.values():  # warm-up: bytecode, page cache
            time_once(argv, env, tty=options.tty)
        times: dict[str, list[float]] = {label: [] for label in commands}
        for _ in range(options.runs):
            for label, argv in commands.items():
                times[label].append(time_once(argv, env, tty=options.tty))
    base = statistics.median(times["backpain --help"])
    failed = False
    for label, samples in times.items():
        median = statistics.median(samples)
        ratio = median / base
        goal = ""
        if label in GOALS:
            ok = ratio < GOALS[label]
            failed |= not ok
            goal = f"  (goal < {GOALS[label]:.0f}x: {'ok' if ok else 'MISSED'})"
        print(f"{label:<24} {median * 1000:7.1f} ms  {ratio:5.2f}x{goal}")
    return 1 if failed and options.check else 0


if __name__ == "__main__":
    sys.exit(main())
