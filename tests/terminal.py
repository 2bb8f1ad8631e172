"""A terminal for the player's tests: the exact bytes the player writes, read back by a
terminal emulator (pyte), as a person would see them.

- `Terminal(columns, lines)` is a file rich writes into and a pyte screen that shows
  what a terminal would: `console()` is the console the player draws on, `rows()` the
  screen's text, `dim(row)` the columns drawn dim (pyte itself ignores SGR 2). The
  alternate screen (what rich `Live(screen=True)` uses) is emulated, so after the
  player the normal screen with the summary is back. Kitty graphics (APC strings, the
  get-ready pictures) are kept in `written` and left off the screen: pyte would draw
  them as text, a terminal never does.
- `play(...)` runs the real player (`engine.Player` on a scripted clock, drawn by the
  real `live.live_display` into a `Terminal`) and returns every frame as seen.
- `command_screen(home, columns, *args)` runs `backpain ARGS` in a pseudo-terminal of
  that width and returns its screen as a person sees it (stderr included).
- `read_countdown(rows)` reads the big digits on a screen back into text (`"22"`,
  `"1:05"`), with its own copy of the font: it fails on a misdrawn glyph, a glyph out
  of line, or pixels of uneven size.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pexpect
import pyte
from fakes import FakeTime
from rich.console import Console

from backpain_cli.player.engine import BINDINGS, Binding, Event, Listener, Player, Status, Wait
from backpain_cli.player.live import NoticeLine, live_display
from backpain_cli.routines.model import Routine
from backpain_cli.routines.timeline import build_timeline

SIZES = ((80, 24), (120, 40), (200, 50), (40, 12), (28, 8))
ALT_SCREEN = (1049, 1047, 47)
APC = re.compile(rb"\x1b_[^\x1b]*\x1b\\")


class _Emulator(pyte.Screen):  # type: ignore[misc]
    """pyte's screen plus what it lacks and rich uses: dim text and the alternate screen."""

    def __init__(self, columns: int, lines: int) -> None:
        super().__init__(columns, lines)
        self.set_mode(pyte.modes.LNM)  # a newline returns the carriage, as a tty's onlcr does
        self.dimmed: set[tuple[int, int]] = set()
        self._dim = False
        self._saved: tuple[object, ...] | None = None

    def select_graphic_rendition(self, *attrs: int) -> None:
        for attr in attrs or (0,):
            if attr in (0, 22):
                self._dim = False
            elif attr == 2:
                self._dim = True
        super().select_graphic_rendition(*attrs)

    def draw(self, data: str) -> None:
        y, x = self.cursor.y, self.cursor.x
        super().draw(data)
        end = self.cursor.x if self.cursor.y == y else self.columns
        for column in range(x, max(end, x)):
            if self._dim:
                self.dimmed.add((y, column))
            else:
                self.dimmed.discard((y, column))

    def set_mode(self, *modes: int, **kwargs: bool) -> None:
        if kwargs.get("private") and any(mode in ALT_SCREEN for mode in modes):
            self._saved = (copy.deepcopy(self.buffer), copy.copy(self.cursor), set(self.dimmed))
            self.erase_in_display(2)
            self.dimmed.clear()
            return
        super().set_mode(*modes, **kwargs)

    def reset_mode(self, *modes: int, **kwargs: bool) -> None:
        if kwargs.get("private") and any(mode in ALT_SCREEN for mode in modes):
            if self._saved is not None:
                buffer, cursor, dimmed = self._saved
                self.buffer.clear()
                self.buffer.update(buffer)  # type: ignore[call-overload]
                self.cursor = cursor
                self.dimmed = dimmed  # type: ignore[assignment]
                self._saved = None
            return
        super().reset_mode(*modes, **kwargs)


def command_screen(
    home: Path, columns: int, *args: str, cwd: Path | None = None, tz: str = "UTC"
) -> list[str]:
    """`backpain ARGS` in a pseudo-terminal COLUMNS wide (and 60 lines), with HOME as
    its BACKPAIN_HOME, read back by a terminal emulator: the rows a person sees."""
    env = {**os.environ, "BACKPAIN_HOME": str(home), "TZ": tz, "TERM": "xterm"}
    env.pop("COLUMNS", None)
    executable = shutil.which("backpain") or str(Path(sys.executable).parent / "backpain")
    child = pexpect.spawn(
        executable, list(args), env=env, dimensions=(60, columns), cwd=str(cwd) if cwd else None
    )
    output = child.read()
    child.wait()
    screen = pyte.Screen(columns, 60)
    screen.set_mode(pyte.modes.LNM)
    pyte.ByteStream(screen).feed(output)
    return [line.rstrip() for line in screen.display]


class Terminal:
    """A `columns` x `lines` terminal: a text file for rich, a screen for the tests."""

    def __init__(self, columns: int, lines: int) -> None:
        self.columns, self.lines = columns, lines
        self.screen = _Emulator(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self.written = bytearray()

    def write(self, text: str) -> int:
        data = text.encode("utf-8")
        self.written += data
        self.stream.feed(APC.sub(b"", data))
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return True

    def console(self, *, color: bool = True) -> Console:
        return Console(
            file=self,  # type: ignore[arg-type]
            force_terminal=True,
            width=self.columns,
            height=self.lines,
            color_system="standard" if color else None,
            highlight=False,
            emoji=False,
            legacy_windows=False,
        )

    def rows(self) -> list[str]:
        """The screen's text, one string a row, trailing blanks removed."""
        return [row.rstrip() for row in self.screen.display]

    def dim(self, row: int) -> set[int]:
        return {column for y, column in self.screen.dimmed if y == row}

    def bold(self, row: int) -> set[int]:
        line = self.screen.buffer[row]
        return {column for column in range(self.columns) if line[column].bold}


@dataclass
class Frame:
    """The screen as it was right after the display handled `event`."""

    event: Event
    rows: list[str]
    dimmed: set[tuple[int, int]] = field(default_factory=set)

    @property
    def status(self) -> Status:
        return self.event.status

    def text(self) -> str:
        return "\n".join(self.rows)


def play(
    routine: Routine,
    columns: int,
    lines: int,
    *,
    keys: Sequence[tuple[float, str]] = (),
    prepare: bool = True,
    start_at: int = 0,
    bindings: Sequence[Binding] = BINDINGS,
    listeners: Sequence[Listener] = (),
    notice_line: NoticeLine | None = None,
    notices: Sequence[tuple[float, str]] = (),
    color: bool = True,
    wrap_wait: Callable[[Wait], Wait] | None = None,
) -> tuple[list[Frame], Terminal]:
    """Play `routine` to its end (or `q`) at `columns` x `lines`; every frame as seen.

    `notices`: one-off notices (as sound gives them), (routine seconds, message).
    `wrap_wait`: what the player's `wait` goes through (as `rate_each`'s ratings do).
    """
    terminal = Terminal(columns, lines)
    time = FakeTime(keys)
    frames: list[Frame] = []
    pending = sorted(notices)
    timeline = build_timeline(routine, prepare=prepare, start_at=start_at)
    with live_display(
        terminal.console(color=color), clock=time.clock, bindings=bindings, notice_line=notice_line
    ) as screen:

        class Capture:
            def handle(self, event: Event) -> None:
                while pending and pending[0][0] <= time.now:
                    screen.notice(pending.pop(0)[1])
                screen.handle(event)
                frames.append(Frame(event, terminal.rows(), set(terminal.screen.dimmed)))

        player = Player(timeline, clock=time.clock, listeners=[*listeners, Capture()])
        player.run(time.wait if wrap_wait is None else wrap_wait(time.wait), bindings)
    return frames, terminal


# -- reading the big digits back -------------------------------------------------------

FONT = {  # the 3x5 font, written out again: what a digit must look like
    "0": ("###", "#.#", "#.#", "#.#", "###"),
    "1": (".#.", "##.", ".#.", ".#.", "###"),
    "2": ("###", "..#", "###", "#..", "###"),
    "3": ("###", "..#", ".##", "..#", "###"),
    "4": ("#.#", "#.#", "###", "..#", "..#"),
    "5": ("###", "#..", "###", "..#", "###"),
    "6": ("###", "#..", "###", "#.#", "###"),
    "7": ("###", "..#", "..#", "..#", "..#"),
    "8": ("###", "#.#", "###", "#.#", "###"),
    "9": ("###", "#.#", "###", "..#", "###"),
}
COLON = (".", "#", ".", "#", ".")
BLOCKS = set("█▓▀▄")  # ▓: a rest's shaded digits


@dataclass(frozen=True)
class Countdown:
    text: str  # e.g. "22", "1:05"
    top: int  # first screen row
    height: int  # screen rows
    left: int  # first column with ink
    right: int  # columns after the last one with ink


def digit_rows(rows: Sequence[str], width: int) -> list[int]:
    """The rows of the first block of rows drawn only with half blocks (not the bar)."""
    found: list[int] = []
    for number, row in enumerate(rows):
        ink = set(row) - {" "}
        bar = row.strip() and set(row.strip()) <= {"█", "░"} and len(row.strip()) >= width - 2
        if ink and ink <= BLOCKS and not bar:
            found.append(number)
        elif found:
            break
    return found


def read_countdown(rows: Sequence[str], width: int) -> Countdown | None:
    """The big number on the screen, or None if there is none or it is misdrawn."""
    numbers = digit_rows(rows, width)
    if not numbers:
        return None
    cells = [rows[n].ljust(width) for n in numbers]
    pixels: list[list[bool]] = []
    for line in cells:
        pixels.append([char in "█▓▀" for char in line])
        pixels.append([char in "█▓▄" for char in line])
    lit_rows = [y for y, line in enumerate(pixels) if any(line)]
    lit_columns = [x for x in range(width) if any(line[x] for line in pixels)]
    y0, y1, x0, x1 = lit_rows[0], lit_rows[-1], lit_columns[0], lit_columns[-1]
    height, wide = y1 - y0 + 1, x1 - x0 + 1
    if height % 5:
        return None
    scale = height // 5
    if wide % scale:
        return None
    grid = []
    for r in range(5):
        grid_row = []
        for c in range(wide // scale):
            block = {
                pixels[y0 + r * scale + dy][x0 + c * scale + dx]
                for dy in range(scale)
                for dx in range(scale)
            }
            if len(block) != 1:  # a pixel out of line: misdrawn
                return None
            grid_row.append("#" if block.pop() else ".")
        grid.append("".join(grid_row))
    text, column, columns = "", 0, len(grid[0])
    while column < columns:
        glyph = tuple(line[column : column + 3] for line in grid)
        digit = next((d for d, shape in FONT.items() if shape == glyph), None)
        if digit is not None:
            text, column = text + digit, column + 3
        elif tuple(line[column] for line in grid) == COLON:
            text, column = text + ":", column + 1
        else:
            return None
        if column < columns:
            if any(line[column] == "#" for line in grid):
                return None  # glyphs must be one blank pixel apart
            column += 1
    return Countdown(text, numbers[0], len(numbers), x0, x1 + 1)


PLAIN_COUNT = re.compile(r"^(\d+(?::\d\d)?) s\b")


def read_number(rows: Sequence[str], width: int) -> str | None:
    """The countdown as a person reads it: the big digits, or on a tiny screen the line
    that starts with the seconds (``12 s``)."""
    if digit_rows(rows, width):
        big = read_countdown(rows, width)
        return None if big is None else big.text
    for row in rows:
        match = PLAIN_COUNT.match(row)
        if match:
            return match.group(1)
    return None
