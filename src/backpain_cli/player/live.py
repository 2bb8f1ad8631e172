"""The engine listener that draws the live screen, and the notice line under it."""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Sequence

from rich.console import Console, RenderableType
from rich.live import Live

from backpain_cli.player.engine import (
    BINDINGS,
    Binding,
    Event,
    HelpToggled,
    MuteChanged,
    Paused,
    Redraw,
    Resumed,
    SegmentStarted,
    Status,
    Tick,
)
from backpain_cli.player.layout import PlayerScreen


class NoticeLine:
    """A message line under the countdown that any listener may `show` and `clear` (e.g.
    "this hurt last time"); it stays until cleared. Both displays read it on every draw.
    """

    def __init__(self) -> None:
        self.text = ""

    def show(self, message: str) -> None:
        self.text = message

    def clear(self) -> None:
        self.text = ""


class LiveScreen:
    """Engine listener: draws a `PlayerScreen` through `update` when the picture changes.

    Ticks that come fast (at `--speed 60` a second of countdown passes 60 times a second)
    are drawn at most every `min_interval` seconds of `clock` (real time); everything
    else is drawn at once. A tick is only left undrawn when another follows within
    `min_interval`: at normal speed the next one is a second away, and a resize or a
    key just before a second ends must not leave the old number up for all of it.

    Put it last among the listeners so that it draws what the others have just done
    (e.g. a message they put on the `notice_line`).

    `notice` is for one-off messages (e.g. "no audio player") and may be called from
    another thread: the message shows from the first draw with a row no instruction
    needs (it never pushes a step off) until the next step starts.
    A message on `notice_line` is drawn as an alert: bold and whole.
    """

    def __init__(
        self,
        update: Callable[[RenderableType], None],
        *,
        clock: Callable[[], float],
        bindings: Sequence[Binding] = BINDINGS,
        notice_line: NoticeLine | None = None,
        min_interval: float = 0.25,
    ) -> None:
        self._update = update
        self._clock = clock
        self._bindings = bindings
        self.notice_line = notice_line or NoticeLine()
        self._min_interval = min_interval
        self._last = -math.inf  # the last draw
        self._moved = -math.inf  # the number last moved, drawn or not
        self._notice = ""
        self._noticed = ""  # the one-off notice as last drawn
        self.status: Status | None = None
        self.frame: PlayerScreen | None = None  # the screen as last drawn

    def notice(self, message: str) -> None:
        self._notice = message

    def handle(self, event: Event) -> None:
        if not isinstance(
            event,
            (SegmentStarted, Tick, Paused, Resumed, MuteChanged, HelpToggled, Redraw),
        ):
            return  # not Started: its segment has no time yet (a 0 would flash)
        now = self._clock()
        if isinstance(event, (Tick, SegmentStarted)):  # the number moved
            fast = now - self._moved < self._min_interval  # and moves again soon
            self._moved = now
            if fast and isinstance(event, Tick) and now - self._last < self._min_interval:
                return
        if isinstance(event, SegmentStarted) and self._noticed:
            self._notice = self._noticed = ""  # a one-off notice stays for one step
        self._last = now
        self.status = event.status
        self.frame = PlayerScreen(
            event.status,
            notice=self._notice,
            alert=self.notice_line.text,
            bindings=self._bindings,
        )
        self._update(self.frame)
        if self.frame.notice_shown:
            self._noticed = self._notice


@contextlib.contextmanager
def live_display(
    console: Console,
    *,
    clock: Callable[[], float],
    bindings: Sequence[Binding] = BINDINGS,
    notice_line: NoticeLine | None = None,
) -> Iterator[LiveScreen]:
    """The full-screen display on `console`: the `LiveScreen` listener, drawing through
    rich `Live` on the alternate screen, only when the picture changes (the player's one
    way of drawing; tests pass a console that writes into a terminal emulator).

    Nothing is drawn on entering: the alternate screen starts blank, and the first
    frame is the routine's, not a screenful of spaces before it (2 KB less for the
    terminal to take in before anything shows)."""

    with Live(
        None,
        console=console,
        screen=True,
        auto_refresh=False,  # drawn only when the picture changes
        redirect_stdout=False,
        redirect_stderr=False,
    ) as live:
        yield LiveScreen(
            lambda frame: live.update(frame, refresh=True),
            clock=clock,
            bindings=bindings,
            notice_line=notice_line,
        )
