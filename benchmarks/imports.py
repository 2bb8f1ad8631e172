"""What each import kept inside a function saves, measured.

docs/architecture.md ("Imports inside functions") lists every import that runs inside a
function in src/, with the command whose path it is kept off. For each row this script
runs that command in a fresh process, notes the modules it has loaded by its first
output, and times the import on top of them in fresh processes (median of N, bytecode
compiled, as after `pip install`): the milliseconds the command would spend if the
import sat at the top of its module. A statement that imports several modules (one
lazy boundary: `from backpain_cli.player import announcer, sound, speech`) is timed as
a whole. Rows kept for another reason (a platform, an
optional library, an interrupt) say why instead and are not timed.

Usage:  python benchmarks/imports.py [--runs 9] [--check] [--only TEXT]
        python benchmarks/imports.py --records | --fingerprint [--runs 9]

`--only TEXT` times only the rows whose file or module contains TEXT.

`--records` times the other trick of the table's kind instead: every NamedTuple that
`start` defines before its first frame, built as a NamedTuple and as the frozen
dataclass it would otherwise be (same fields, a docstring), in fresh processes.
`--fingerprint` times `hashlib` against `zlib` on top of what `backpain today` loads:
the sync folder's fingerprint of this machine's goals and answers is a CRC-32, not a
hash, to keep hashlib off every command with a sync folder.
`--check` exits with status 1 when a timed import saves less than 2 ms. The user's own
routines and settings are not read: the platform folders point into a temporary folder.
"""

from __future__ import annotations

import argparse
import ast
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
for name in {targets!r}:
    importlib.import_module(name)
print((time.perf_counter() - start) * 1000)
"""
PACKAGE = ROOT / "src" / "backpain_cli"

RECORDS = r"""
import dataclasses, json, sys, time, typing
import backpain_cli.cli.start, backpain_cli.player.live, backpain_cli.routines.cache
found = sorted(
    (f"{name}.{attr}", obj._fields)
    for name, module in list(sys.modules.items())
    if name.startswith("backpain_cli") and module is not None
    for attr, obj in vars(module).items()
    if isinstance(obj, type) and obj.__module__ == name and issubclass(obj, tuple)
    and hasattr(obj, "_fields")
)
named = frozen = 0.0
for _, fields in found:
    start = time.perf_counter()
    typing.NamedTuple("Record", [(field, object) for field in fields])
    named += time.perf_counter() - start
    body = {"__annotations__": dict.fromkeys(fields, "object"), "__doc__": "A record."}
    start = time.perf_counter()
    dataclasses.dataclass(frozen=True)(type("Record", (), body))
    frozen += time.perf_counter() - start
print(json.dumps([[name for name, _ in found], named * 1000, frozen * 1000]))
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


def imported_together(file: str, target: str) -> list[str]:
    """Every module that the imports inside functions of `file` keyed by `target` (the
    first module each names, as tests/test_architecture.py counts them) bring: one
    statement may import several modules behind one lazy boundary, timed together."""

    def module_of(node: ast.Import | ast.ImportFrom, name: str) -> str:
        if isinstance(node, ast.Import):
            return name
        sub = f"{node.module}.{name}"
        return (
            sub if (ROOT / "src" / (sub.replace(".", "/") + ".py")).exists() else str(node.module)
        )

    found: list[str] = []

    def visit(node: ast.AST, inside: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)) and inside:
                names = [alias.name for alias in child.names]
                if module_of(child, names[0]) == target:
                    found.extend(module_of(child, name) for name in names)
            function = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            visit(child, inside or function)

    visit(ast.parse((PACKAGE / file).read_text(encoding="utf-8")), False)
    return list(dict.fromkeys(found)) or [target]


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


def saving(targets: list[str], loaded: list[str], env: dict[str, str], runs: int) -> float:
    inside = tuple(f"{target}." for target in targets)
    before = [m for m in loaded if m not in targets and not m.startswith((*inside, "__main__"))]
    code = TIME_IT.format(loaded=before, targets=targets)
    times = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        times.append(float(done.stdout))
    return statistics.median(times)


def records(env: dict[str, str], runs: int) -> None:
    """NamedTuples before `start`'s first frame, against frozen dataclasses."""
    results = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", RECORDS], env=env, capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(runs)
    ]
    names = results[0][0]
    named = statistics.median(result[1] for result in results)
    frozen = statistics.median(result[2] for result in results)
    print(f"{len(names)} NamedTuples defined before `start`'s first frame: {', '.join(names)}")
    print(
        f"  as NamedTuples {named:.1f} ms, as frozen dataclasses {frozen:.1f} ms (median of {runs})"
    )


def fingerprint(env: dict[str, str], runs: int) -> None:
    """`hashlib` against `zlib`, each on top of what `today` loads (transfer/sync.py)."""
    loaded = loaded_at_first_output("today", env)
    hashed = saving(["hashlib"], loaded, env, runs)
    crc = saving(["zlib"], loaded, env, runs)
    print(
        f"on top of `backpain today` (median of {runs}): hashlib {hashed:.1f} ms, zlib {crc:.1f} ms"
    )
    print(f"  the CRC-32 saves {hashed - crc:.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--only", default="", help="only rows whose file or module has this")
    parser.add_argument("--records", action="store_true", help="NamedTuples against dataclasses")
    parser.add_argument("--fingerprint", action="store_true", help="hashlib against zlib")
    args = parser.parse_args()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=False)
    missed = 0
    with tempfile.TemporaryDirectory() as home:
        env = environment(home)
        if args.records:
            records(env, args.runs)
            return 0
        if args.fingerprint:
            fingerprint(env, args.runs)
            return 0
        probes: dict[str, list[str]] = {}
        print(f"{'file':28} {'import':34} {'kept off':44} saves")
        for file, target, command, said in rows():
            if args.only not in file and args.only not in target:
                continue
            if not command:
                print(f"{file:28} {target:34} {'—':44} ({said.strip()})")
                continue
            if command not in probes:
                probes[command] = loaded_at_first_output(command, env)
            ms = saving(imported_together(file, target), probes[command], env, args.runs)
            missed += ms < GOAL_MS
            flag = "" if ms >= GOAL_MS else f"   < {GOAL_MS:g} ms"
            print(f"{file:28} {target:34} {'backpain ' + command:44} {ms:5.1f} ms{flag}")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
