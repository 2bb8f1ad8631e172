"""What each import kept inside a function saves, measured.

docs/architecture.md ("Imports inside functions") lists every import that runs inside a
function in src/, with the command whose path it is kept off. For each row this script
runs that command in a fresh process, notes the modules it has loaded by its first
output, and times the import on top of them in fresh processes (median of N, bytecode
compiled, as after `pip install`): the milliseconds the command would spend if the
import sat at the top of its module. Rows kept for another reason (a platform, an
optional library, an interrupt) say why instead and are not timed.

Usage:  python benchmarks/imports.py [--runs 9] [--check]

`--check` exits with status 1 when a timed import saves less than 2 ms. The user's own
routines and settings are not read: the platform folders point into a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "architecture.md"
ROW = re.compile(
    r"^\| `([\w/]+\.py)` \| `([\w.]+)` \| (`backpain [^`]*`|—) \| ([^|]*) \| ([^|]+) \|$"
)
GOAL_MS = 2.0

PROBE = r"""
import json, sys
first = []
real = sys.stdout.write
def write(text):
    if not first:
        first.append(sorted(sys.modules))
    return real(text)
sys.stdout.write = write
from backpain_cli.cli import main
try:
    main()
except SystemExit:
    pass
sys.stderr.write("\nPROBE" + json.dumps(first[0] if first else sorted(sys.modules)))
"""

TIME_IT = r"""
import importlib, sys, time
for name in {loaded!r}:
    try:
        importlib.import_module(name)
    except Exception:
        pass
start = time.perf_counter()
importlib.import_module({target!r})
print((time.perf_counter() - start) * 1000)
"""


def rows() -> list[tuple[str, str, str, str]]:
    """(file, module, command or "", why) for each documented import."""
    found = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            command = match[3].strip("`").removeprefix("backpain").strip()
            found.append((match[1], match[2], command if match[3] != "—" else "", match[5]))
    return found


def environment(home: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("COV")}
    env.update(BACKPAIN_HOME=home, TZ="UTC", COLUMNS="80")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def loaded_at_first_output(command: str, env: dict[str, str]) -> list[str]:
    """The modules `backpain COMMAND` has loaded by its first output, after a first run
    (so the routine cache is filled, as on any run but the first)."""
    subprocess.run(
        [sys.executable, "-m", "backpain_cli", *shlex.split(command)],
        env=env,
        capture_output=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *shlex.split(command)],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    return list(json.loads(done.stderr.rsplit("PROBE", 1)[-1]))


def saving(target: str, loaded: list[str], env: dict[str, str], runs: int) -> float:
    before = [m for m in loaded if m != target and not m.startswith((target + ".", "__main__"))]
    code = TIME_IT.format(loaded=before, target=target)
    times = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        times.append(float(done.stdout))
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=False)
    missed = 0
    with tempfile.TemporaryDirectory() as home:
        env = environment(home)
        probes: dict[str, list[str]] = {}
        print(f"{'file':28} {'import':34} {'kept off':44} saves")
        for file, target, command, said in rows():
            if not command:
                print(f"{file:28} {target:34} {'—':44} ({said.strip()})")
                continue
            if command not in probes:
                probes[command] = loaded_at_first_output(command, env)
            ms = saving(target, probes[command], env, args.runs)
            missed += ms < GOAL_MS
            flag = "" if ms >= GOAL_MS else f"   < {GOAL_MS:g} ms"
            print(f"{file:28} {target:34} {'backpain ' + command:44} {ms:5.1f} ms{flag}")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
