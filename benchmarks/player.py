"""Player benchmarks: CPU and bytes during a hold and time to the first frame (each
beside termdown), and end-of-routine timing drift.

    python benchmarks/player.py            # all three (about 70 s)
    python benchmarks/player.py --cpu      # only the CPU and bytes comparison (about 12 s)
    python benchmarks/player.py --first    # only the time to the first frame (about 15 s)
    python benchmarks/player.py --first --rounds 21   # more rounds on a busy machine
    python benchmarks/player.py --first --before ../old/src   # and another checkout
    python benchmarks/player.py --drift    # only the drift (about 40 s)

1. CPU: `backpain start` plays a routine that is one 10-second hold, and `termdown 10`
   counts down 10 seconds, side by side at the same time, each in its own 80x24
   pseudo-terminal whose output is read (as a terminal would). Reported: CPU seconds of
   each whole run (start-up included) and, the fair figure for "idle" use, the CPU used
   and the bytes written between 2 s and 9 s (percentage of one core, bytes a second);
   then the ratios.

2. First frame: `backpain start upper-back` and `termdown 10`, one after the other,
   several times each, in 80x24 pseudo-terminals whose output goes through a terminal
   emulator (pyte): the time from starting the command (pressing Enter) to the first
   moment the emulated screen shows a countdown (5 or more non-blank rows). Medians, and
   the median of each round's ratio. The routine cache is filled by the warm-up run, as
   after the first `start` of a routine.

3. Drift: the whole `upper-back` routine with `--plain --speed 20` through a pipe; the
   time from its first line (the start) to its `finished` line, minus the routine's
   total divided by 20. Goal: under 20 ms.

Machines are noisy: compare the ratios printed by one run, not absolute times across runs.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
QUIET = ["--no-check-in", "--no-history"]  # no questions, no records: only the player
HOLD_ROUTINE = """\
version: 1
name: hold-10
title: One 10-second hold
exercises:
  - id: hold
    name: Hold
    hold: 10
    prepare: 0
    instructions: [Hold still.]
"""


def cpu_seconds(pid: int) -> float:
    """CPU time of all threads of a process so far, in nanoseconds from the scheduler
    (/proc/PID/task/*/schedstat), far finer than the 10 ms clock ticks of /proc/PID/stat."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, IndexError, ValueError):  # a thread that just ended
            continue
    return total / 1e9


class PtyRun:
    """A command in its own 80x24 pseudo-terminal, output drained by a thread."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.argv = argv
        self.output = bytearray()
        pid, fd = pty.fork()
        if pid == 0:  # child
            os.execvpe(argv[0], argv, env)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.pid, self.fd = pid, fd
        self.started = time.perf_counter()
        self.reader = threading.Thread(target=self._drain, daemon=True)
        self.reader.start()

    def _drain(self) -> None:
        while True:
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return
            if not data:
                return
            self.output += data

    def wait(self) -> tuple[float, float]:
        """(wall seconds, CPU seconds of the whole run)."""
        _, status, usage = os.wait4(self.pid, 0)
        wall = time.perf_counter() - self.started
        self.reader.join(2)
        os.close(self.fd)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{self.argv} failed: {self.output[-500:]!r}")
        return wall, usage.ru_utime + usage.ru_stime


def bench_env() -> dict[str, str]:
    """An 80x24 colour terminal, with bytecode written as after `pip install`."""
    env = {**os.environ, "TERM": "xterm-256color", "LINES": "24", "COLUMNS": "80"}
    env.pop("NO_COLOR", None)
    # An installed package has its bytecode compiled (pip does it); where
    # PYTHONDONTWRITEBYTECODE is set every run would compile backpain's modules afresh.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    env.pop("PYTHONUNBUFFERED", None)  # as in a person's shell, for both commands
    return env


def measure_cpu() -> None:
    termdown = shutil.which("termdown", path=str(BIN)) or shutil.which("termdown")
    if termdown is None:
        raise SystemExit("termdown is not installed: pip install termdown")
    env = bench_env()
    with tempfile.TemporaryDirectory() as folder:
        routine = Path(folder) / "hold-10.yaml"
        routine.write_text(HOLD_ROUTINE)
        env["BACKPAIN_HOME"] = folder
        runs = {
            "backpain": PtyRun(
                [str(BIN / "backpain"), "start", str(routine), "--no-sound", *QUIET], env
            ),
            "termdown": PtyRun([termdown, "--no-bell", "10"], env),
        }
        time.sleep(2)
        before = {name: cpu_seconds(run.pid) for name, run in runs.items()}
        written = {name: len(run.output) for name, run in runs.items()}
        time.sleep(7)
        during = {name: cpu_seconds(run.pid) - before[name] for name, run in runs.items()}
        written = {name: len(run.output) - written[name] for name, run in runs.items()}
        results = {name: run.wait() for name, run in runs.items()}
    print("CPU during a 10 s countdown, side by side in 80x24 pseudo-terminals:")
    for name, (wall, total) in results.items():
        bytes_out = len(runs[name].output)
        print(
            f"  {name:9} whole run {total * 1000:6.0f} ms CPU in {wall:5.2f} s; "
            f"from 2 s to 9 s {during[name] / 7 * 100:5.2f} % of a core; "
            f"{bytes_out / 1024:6.1f} KiB written, {written[name] / 7:6.0f} bytes/s from 2 s to 9 s"
        )
    ratio_total = results["backpain"][1] / results["termdown"][1]
    print(f"  ratio backpain/termdown, whole run: {ratio_total:.2f}")
    if during["termdown"] > 0:
        print(
            f"  ratio backpain/termdown, 2-9 s:     {during['backpain'] / during['termdown']:.2f}"
        )
    else:
        print("  ratio 2-9 s: termdown used no measurable CPU")


def first_frame_seconds(argv: list[str], env: dict[str, str]) -> float:
    """Seconds from starting `argv` in an 80x24 pseudo-terminal to a countdown on screen."""
    import pyte

    screen = pyte.Screen(80, 24)
    stream = pyte.ByteStream(screen)
    run = PtyRun(argv, env)
    seen = 0
    try:
        while time.perf_counter() - run.started < 10:
            if len(run.output) > seen:
                chunk = bytes(run.output[seen:])
                seen += len(chunk)
                stream.feed(chunk)
                if sum(1 for line in screen.display if line.strip()) >= 5:
                    return time.perf_counter() - run.started
            time.sleep(0.001)
        raise SystemExit(f"{argv}: no countdown on screen after 10 s")
    finally:
        os.kill(run.pid, signal.SIGTERM)
        os.waitpid(run.pid, 0)
        os.close(run.fd)


def measure_first_frame(rounds: int = 5, before: Path | None = None) -> None:
    termdown = shutil.which("termdown", path=str(BIN)) or shutil.which("termdown")
    if termdown is None:
        raise SystemExit("termdown is not installed: pip install termdown")
    env = bench_env()
    start = ["start", "upper-back", "--no-sound", *QUIET]
    commands = {
        "backpain": ([str(BIN / "backpain"), *start], env),
        "termdown": ([termdown, "--no-bell", "10"], env),
    }
    if before is not None:  # both as `python -m`, this checkout's and the other's
        module = [sys.executable, "-m", "backpain_cli", *start]
        commands["after"] = (module, {**env, "PYTHONPATH": str(REPO / "src")})
        commands["before"] = (module, {**env, "PYTHONPATH": str(before)})
    times: dict[str, list[float]] = {name: [] for name in commands}
    with tempfile.TemporaryDirectory() as folder:
        for _, run_env in commands.values():
            run_env["BACKPAIN_HOME"] = folder
        for argv, run_env in commands.values():  # warm-up: bytecode, page cache, cache
            first_frame_seconds(argv, run_env)
        for _ in range(rounds):
            for name, (argv, run_env) in commands.items():
                times[name].append(first_frame_seconds(argv, run_env))
    print(f"Time from Enter to the first frame on an 80x24 screen (median of {rounds}):")
    for name, values in times.items():
        ordered = sorted(values)
        print(
            f"  {name:9} {statistics.median(ordered) * 1000:5.0f} ms "
            f"(min {ordered[0] * 1000:.0f}, max {ordered[-1] * 1000:.0f})"
        )
    # Each round runs both, one after the other: the ratio within a round is the least
    # touched by load that comes and goes on a shared machine.
    pairs = zip(times["backpain"], times["termdown"], strict=True)
    ratios = sorted(ours / theirs for ours, theirs in pairs)
    print(
        f"  ratio backpain/termdown, median of the rounds' ratios: "
        f"{statistics.median(ratios):.2f} (min {ratios[0]:.2f}, max {ratios[-1]:.2f}; "
        "goal: at most 1.05)"
    )
    if before is not None:
        pairs = zip(times["after"], times["before"], strict=True)
        ratios = sorted(after / earlier for after, earlier in pairs)
        print(
            f"  ratio after/before (-m backpain_cli), median of the rounds' ratios: "
            f"{statistics.median(ratios):.2f} (min {ratios[0]:.2f}, max {ratios[-1]:.2f})"
        )


def measure_drift(speed: float = 20.0) -> None:
    sys.path.insert(0, str(REPO / "src"))
    from backpain_cli.routines.loader import load_routine
    from backpain_cli.routines.timeline import build_timeline

    total = build_timeline(load_routine(REPO / "routines" / "upper-back.yaml")).total
    env = {**os.environ, "BACKPAIN_HOME": tempfile.mkdtemp()}
    process = subprocess.Popen(
        [
            str(BIN / "backpain"),
            "start",
            "upper-back",
            "--plain",
            "--no-sound",
            *QUIET,
            f"--speed={speed:g}",
        ],
        stdout=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        env=env,
    )
    assert process.stdout is not None
    first = finished = None
    for line in process.stdout:
        now = time.perf_counter()
        if first is None:
            first = now
        if re.match(rb"\[\d+:\d\d\] finished$", line.rstrip()):
            finished = now
    if process.wait() != 0 or first is None or finished is None:
        raise SystemExit("the routine did not finish")
    expected = total / speed
    drift = finished - first - expected
    print(f"End-of-routine timing at --speed {speed:g} (upper-back, {total} s of routine):")
    print(
        f"  expected {expected:.3f} s, measured {finished - first:.3f} s: "
        f"drift {drift * 1000:+.1f} ms (goal: under 20 ms)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cpu", action="store_true", help="only the CPU comparison")
    parser.add_argument("--first", action="store_true", help="only the first frame")
    parser.add_argument("--drift", action="store_true", help="only the drift")
    parser.add_argument(
        "--rounds", type=int, default=5, help="rounds of the first-frame comparison (default 5)"
    )
    parser.add_argument(
        "--before",
        type=Path,
        metavar="SRC",
        help="with --first: also another checkout's src folder, before and after as python -m",
    )
    args = parser.parse_args()
    both = not (args.cpu or args.first or args.drift)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    if args.cpu or both:
        measure_cpu()
    if args.first or both:
        measure_first_frame(args.rounds, args.before)
    if args.drift or both:
        measure_drift()
    return 0


if __name__ == "__main__":
    sys.exit(main())
