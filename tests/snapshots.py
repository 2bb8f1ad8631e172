"""Whole-screen snapshots of the player, as a terminal shows them (through terminal.py),
kept as reviewed text files in tests/snapshots/ and compared exactly by
test_snapshots.py; the README's screenshots are copied from them
(scripts/readme_screens.py), so a change to the screen shows up as a diff in review.

Regenerate after a deliberate change to the screen, then read the diff:

    python tests/snapshots.py            # rewrites tests/snapshots/*.txt
    python scripts/readme_screens.py     # copies them into the README

The scenes play the built-in upper-back routine from thoracic-rotation (as
`backpain start upper-back --from thoracic-rotation` would) on a scripted clock.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from terminal import Frame, play  # noqa: E402

from backpain_cli.player.engine import Finished, Paused  # noqa: E402
from backpain_cli.player.live import NoticeLine  # noqa: E402
from backpain_cli.player.pain import PainNotices  # noqa: E402
from backpain_cli.player.summary import summary_view  # noqa: E402
from backpain_cli.routines.loader import load_routine  # noqa: E402
from backpain_cli.routines.model import Routine  # noqa: E402
from backpain_cli.routines.timeline import SegmentKind  # noqa: E402

FOLDER = HERE / "snapshots"
SIZES = ((80, 24), (40, 12))
ROTATION = 2  # thoracic-rotation: the third exercise of upper-back
# thoracic-rotation: a 5 s get-ready, then holds of 30 s, rests of 10 s, left and right


def upper_back() -> Routine:
    return load_routine(HERE.parent / "routines" / "upper-back.yaml")


def _at(kind: SegmentKind, shown: int, nth: int = 0) -> Callable[[Frame], bool]:
    def wanted(frame: Frame) -> bool:
        segment = frame.status.segment
        return (
            segment is not None
            and segment.kind is kind
            and not frame.status.paused
            and frame.status.shown_remaining == shown
        )

    return wanted


def _scene(
    columns: int,
    lines: int,
    pick: Callable[[Frame], bool],
    *,
    keys: tuple[tuple[float, str], ...] = ((60.0, "q"),),
    routine: Routine | None = None,
    pain: bool = False,
) -> str:
    kwargs: dict[str, object] = {}
    if pain:
        line = NoticeLine()
        kwargs = {
            "listeners": [PainNotices(show=line.show, clear=line.clear)],
            "notice_line": line,
        }
    frames, _ = play(
        routine or upper_back(), columns, lines, keys=keys, start_at=ROTATION, **kwargs
    )  # type: ignore[arg-type]
    return next(frame for frame in frames if pick(frame)).text()


def _with_sets() -> Routine:
    routine = upper_back()
    exercises = list(routine.exercises)
    exercises[ROTATION] = dataclasses.replace(exercises[ROTATION], reps=1, sets=2)
    return dataclasses.replace(routine, exercises=tuple(exercises))


def _done(columns: int, lines: int) -> str:
    routine = upper_back()
    frames, terminal = play(routine, columns, lines, start_at=len(routine.exercises) - 1)
    finished = next(frame.event for frame in frames if isinstance(frame.event, Finished))
    terminal.console().print(summary_view(finished.summary, big=True, hurt_flagged=True))
    return "\n".join(terminal.rows())


SCENES: dict[str, Callable[[int, int], str]] = {
    "get-ready": lambda c, r: _scene(c, r, _at(SegmentKind.PREPARE, 4)),
    "hold": lambda c, r: _scene(c, r, _at(SegmentKind.HOLD, 22)),
    "rest": lambda c, r: _scene(c, r, _at(SegmentKind.REST, 6)),
    "set-rest": lambda c, r: _scene(
        c, r, _at(SegmentKind.SET_REST, 25), routine=_with_sets(), keys=((80.0, "q"),)
    ),
    "paused": lambda c, r: _scene(
        c, r, lambda f: isinstance(f.event, Paused), keys=((13.4, "space"), (20.0, "q"))
    ),
    "help": lambda c, r: _scene(c, r, lambda f: f.status.help, keys=((13.4, "?"), (20.0, "q"))),
    "hurt-advice": lambda c, r: _scene(
        c,
        r,
        lambda f: f.status.paused and bool(f.status.segment) and f.status.index > 0,
        keys=((13.4, "p"), (20.0, "q")),
        pain=True,
    ),
    "done": _done,
}


def path(scene: str, columns: int, lines: int) -> Path:
    return FOLDER / f"{scene}-{columns}x{lines}.txt"


def render(scene: str, columns: int, lines: int) -> str:
    """The scene's screen, one line a row, trailing blanks kept off, ending in a newline."""
    return SCENES[scene](columns, lines) + "\n"


def main() -> int:
    FOLDER.mkdir(exist_ok=True)
    for scene in SCENES:
        for columns, lines in SIZES:
            target = path(scene, columns, lines)
            text = render(scene, columns, lines)
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                target.write_text(text, encoding="utf-8")
                print(f"wrote {target.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
