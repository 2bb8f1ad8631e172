"""The exercise's picture on the get-ready screen, in terminals that draw images.

Only the kitty graphics protocol is used, and only where the terminal says it is one
that speaks it (`player.run.image_protocol` asks: kitty sets TERM=xterm-kitty and
KITTY_WINDOW_ID; Ghostty sets TERM=xterm-ghostty). Anywhere else, under tmux or screen
(which do not pass images through), and with `--no-images` or `images = false`, nothing
is written: the screen is byte for byte what it always was.

Not used, and why: iTerm2's inline images live in the text cells, which the live
screen rewrites every second, so a picture would flicker away; sixel support can only
be learnt by asking the terminal and waiting for its answer on the keyboard input the
player reads, and no environment variable says it reliably.

The picture goes in the largest run of blank rows of the get-ready screen (asked of
the layout itself, so it never covers text), from the moment the countdown starts
until the step ends. PNGs are sent as they are; SVGs are drawn into PNGs by cairosvg
(an optional extra, imported on a background thread when the player starts, because
it takes a quarter of a second); a JPEG or an SVG without cairosvg is not shown.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from backpain_cli.player.engine import (
    Event,
    Finished,
    HelpToggled,
    Quit,
    Redraw,
    Resumed,
    SegmentStarted,
    Tick,
)
from backpain_cli.routines.images import load_picture
from backpain_cli.routines.model import Routine
from backpain_cli.routines.timeline import SegmentKind

if TYPE_CHECKING:
    from backpain_cli.routines.images import Picture

IMAGE_ID = 7515  # ours on this screen; deleting it deletes only our picture
MAX_ROWS = 14
MIN_ROWS = 6
CELL_ASPECT = 0.5  # a cell is about half as wide as it is tall
PNG_WIDTH = 640  # pixels an SVG is drawn at; the terminal scales it to the cells


def kitty_place(png: bytes, *, row: int, column: int, rows: int) -> str:
    """Escape codes that draw `png` with its top left at (row, column), 1-based, `rows`
    tall (its width follows from its shape), leaving the cursor where it was."""

    data = base64.standard_b64encode(png).decode("ascii")
    chunks = [data[i : i + 4096] for i in range(0, len(data), 4096)] or [""]
    codes = [f"\x1b7\x1b[{row};{column}H"]
    for index, chunk in enumerate(chunks):
        more = 1 if index < len(chunks) - 1 else 0
        keys = f"a=T,f=100,i={IMAGE_ID},r={rows},C=1,q=2,m={more}" if index == 0 else f"m={more}"
        codes.append(f"\x1b_G{keys};{chunk}\x1b\\")
    codes.append("\x1b8")
    return "".join(codes)


def kitty_delete() -> str:
    """Escape code that removes our picture (and frees its data)."""
    return f"\x1b_Ga=d,d=I,i={IMAGE_ID},q=2\x1b\\"


def png_of(picture: Picture, rasterise: Callable[[bytes], bytes | None]) -> bytes | None:
    if picture.kind == "png":
        return picture.data
    if picture.kind == "svg":
        return rasterise(picture.data)
    return None  # a JPEG: the protocol takes PNG, and decoding JPEG needs another library


def cairosvg_png(svg: bytes) -> bytes | None:
    """The SVG drawn as a PNG by cairosvg, or None when it is not installed or fails."""
    try:
        import cairosvg  # type: ignore[import-not-found, import-untyped, unused-ignore]
    except (ImportError, OSError):  # not installed, or the cairo library is missing
        return None
    try:
        png: bytes = cairosvg.svg2png(bytestring=svg, output_width=PNG_WIDTH)
    except Exception:  # a drawing it cannot draw is a picture not shown, never a crash
        return None
    return png


def blank_run(lines: Sequence[str]) -> tuple[int, int]:
    """(first row, 0-based, and length) of the longest run of blank lines."""
    best, start = (0, 0), None
    for index, line in enumerate([*lines, "x"]):
        if not line.strip():
            start = index if start is None else start
        elif start is not None:
            if index - start > best[1]:
                best = (start, index - start)
            start = None
    return best


class GetReadyPictures:
    """Engine listener (after the live screen): shows each exercise's picture while its
    get-ready countdown runs.

    `write` sends escape codes to the terminal; `screen_lines(event)` is the text of the
    screen just drawn for that event, with its width, so the picture goes in its blank
    rows. Pictures are prepared by `prepare` (load and rasterise) on a background
    thread started at once, so the player never waits for them: one not ready when its
    countdown starts appears as soon as it is.
    """

    def __init__(
        self,
        routine: Routine,
        *,
        write: Callable[[str], None],
        screen_lines: Callable[[Event], tuple[list[str], int]],
        prepare: Callable[[str], bytes | None] | None = None,
        background: bool = True,
    ) -> None:
        self._write = write
        self._screen_lines = screen_lines
        self._prepare = prepare or _prepare
        self._ready: dict[str, bytes | None] = {}
        self._shown = False
        self._gave_up = False  # no picture, or no room for it, on this screen
        self._lock = threading.Lock()
        paths = list(dict.fromkeys(ex.image for ex in routine.exercises if ex.image))
        if background:
            threading.Thread(target=self._prepare_all, args=(paths,), daemon=True).start()
        else:
            self._prepare_all(paths)

    def _prepare_all(self, paths: list[str]) -> None:
        for path in paths:
            png = self._prepare(path)
            with self._lock:
                self._ready[path] = png

    def _wanted(self, event: Event) -> str:
        """The picture this event's screen should show, or ""."""
        status = event.status
        segment = status.segment
        if isinstance(event, (Finished, Quit)) or segment is None or status.paused:
            return ""
        if segment.kind is not SegmentKind.PREPARE or status.help:
            return ""
        return segment.exercise.image

    @property
    def first(self) -> ClearFirst:
        """The listener to put before the screen's."""
        return ClearFirst(self)

    def before(self, event: Event) -> None:
        """Run before the screen draws: take the picture away before a screen it does not
        belong on (a hold, a pause, help) is drawn, or before it is placed anew."""
        if not self._wanted(event) or isinstance(event, _NEW_SCREEN):
            self._clear()

    def handle(self, event: Event) -> None:
        """Run after the screen draws: place the picture on it."""
        image = self._wanted(event)
        if not image:
            return
        if isinstance(event, Tick):
            if self._shown or self._gave_up:
                return  # already there, or nothing to show on this screen
        elif isinstance(event, _NEW_SCREEN):
            self._gave_up = False
        else:
            return  # a cue, a mute...: the same screen, the picture stays
        self._show(event, image)

    def _show(self, event: Event, image: str) -> None:
        with self._lock:
            if image not in self._ready:
                return  # not ready yet: the next tick asks again
            png = self._ready[image]
        if png is None:
            self._gave_up = True
            return
        lines, width = self._screen_lines(event)
        first, length = blank_run(lines)
        rows = min(MAX_ROWS, length - 2)  # a blank row above and below
        columns = round(rows * 4 / 3 / CELL_ASPECT)  # the built-in drawings are 4:3
        if rows < MIN_ROWS or columns > width - 4:
            self._gave_up = True  # no room on this screen
            return
        column = (width - columns) // 2 + 1
        self._write(kitty_place(png, row=first + 2, column=column, rows=rows))
        self._shown = True

    def _clear(self) -> None:
        if self._shown:
            self._write(kitty_delete())
            self._shown = False


class ClearFirst:
    """The engine listener that goes before the screen: `GetReadyPictures.before`."""

    def __init__(self, pictures: GetReadyPictures) -> None:
        self.handle = pictures.before


_NEW_SCREEN = (SegmentStarted, Resumed, HelpToggled, Redraw)


def _prepare(path: str) -> bytes | None:

    picture = load_picture(path)
    return None if picture is None else png_of(picture, cairosvg_png)
