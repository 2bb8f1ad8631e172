"""Loading speed of routine files, this tree against an earlier commit, side by side in one run.

`backpain list` reads every routine file and the exercise library, so loading is most of
what it does after start-up. This script takes the source of `--baseline` (a commit;
default: the last one with the hand-written composer) with `git archive`, and times both
trees in turn (round-robin, so machine noise hits both alike): each round starts one
process per tree that loads the same texts many times over and reports the
median time per pass. Printed: the median of the rounds for each tree, and the ratio.

Two measures per tree:

- `compose`: text to YAML node tree, with the project's refusals (aliases, depth...),
  for the baseline's routine files and a largest-allowed routine (50 exercises);
- `parse`:   that largest routine to a checked `Routine` (compose, then every key
  checked; it has no `use:` entries, so neither tree's exercise library is read).

Both trees get the same texts, so later format features do not change the inputs.

Usage:  python benchmarks/loader.py [--baseline REV] [--rounds 7] [--passes 200]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "36ce6c6"  # the hand-written strict composer, before PyYAML's own took over

# Run in a fresh process with one tree's `src` first on the path.
PROBE = r"""
import json, sys, time
from pathlib import Path
from backpain_cli.routines import loader

passes = int(sys.argv[1])
# The same texts for both trees: the baseline's routine files (every tree reads them)
# and the largest routine the format allows, every exercise written out in full.
texts = [(path.name, path.read_text("utf-8")) for path in sorted(Path(sys.argv[2]).glob("*.yaml"))]
fifty = "version: 1\ntitle: Fifty exercises\nexercises:\n" + "".join(
    f"  - id: exercise-{i}\n    name: Exercise {i}\n    position: long sitting\n"
    f"    equipment: [towel]\n    hold: 30\n    reps: 3\n    sides: [left, right]\n"
    f"    instructions:\n      - Sit up tall.\n      - Reach forward slowly.\n"
    f"    cues: [Breathe out., 'Shoulders down']\n    caution: Stop if it hurts.\n"
    for i in range(50))
texts.append(("fifty.yaml", fifty))

def compose_all():
    for name, text in texts:
        loader.compose(text, name)

def parse_all():  # no `use:` entries, so no tree's own exercise library is read
    loader.parse_routine(fifty, "fifty.yaml", default_name="fifty")

result = {}
for label, work in (("compose", compose_all), ("parse", parse_all)):
    work()  # warm up: imports, caches, the built-in exercise library
    times = []
    for _ in range(passes):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    times.sort()
    result[label] = times[len(times) // 2]
print(json.dumps(result))
"""


def extract(revision: str, into: Path) -> Path:
    """The `src` and `routines` folders of `revision`, unpacked under `into`."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision, "src", "routines"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def measure(tree: Path, texts: Path, passes: int) -> dict[str, float]:
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, str(passes), str(texts)],
        check=True,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tree / "src"), "PATH": ""},
    )
    result: dict[str, float] = json.loads(completed.stdout)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help="commit to compare against")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--passes", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        trees = {
            f"baseline {args.baseline}": extract(args.baseline, Path(folder) / "baseline"),
            "this tree": ROOT,
        }
        samples: dict[str, dict[str, list[float]]] = {
            name: {"compose": [], "parse": []} for name in trees
        }
        for _ in range(args.rounds):
            for name, tree in trees.items():
                texts = Path(folder) / "baseline" / "routines"
                for label, seconds in measure(tree, texts, args.passes).items():
                    samples[name][label].append(seconds)
    print(f"{'':24} {'compose':>12} {'parse':>12}   (ms per pass)")
    medians = {
        name: {label: statistics.median(values) for label, values in by_label.items()}
        for name, by_label in samples.items()
    }
    for name, by_label in medians.items():
        print(f"{name:24} {by_label['compose'] * 1000:12.3f} {by_label['parse'] * 1000:12.3f}")
    before, after = medians.values()
    ratios = [after[label] / before[label] for label in ("compose", "parse")]
    print(f"{'this tree / baseline':24} {ratios[0]:12.2f} {ratios[1]:12.2f}")


if __name__ == "__main__":
    main()
