"""What the player shows: the live screen (rich), the plain line log, the end summary.

- `PlayerScreen` is the rich renderable of one moment (a `Status`): it lays itself out for
  the terminal it is drawn on (big digits that fit 80x24 and grow on larger terminals,
  plain digits on tiny ones; the key line is always the last line).
- `LiveScreen` is the engine listener that hands a new `PlayerScreen` to rich `Live` when
  what it shows changes, at most ~4 times a second while the countdown runs.
- `PlainLog` is the engine listener for `--plain`, pipes and screen readers: one line per
  event, e.g. ``[00:35] Rhomboid stretch (long sitting) — hold 30 s — rep 1 of 3``.
- `summary_view` is the end summary: what happened to each exercise (done, skipped,
  hurt, stopped, not reached), the time, what happens to exercises that hurt, and the
  after-care line.

No terminal access here: the CLI owns the console, `Live` and the output stream.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from rich.console import (
    Console,
    ConsoleOptions,
    Group,
    JustifyMethod,
    RenderableType,
    RenderResult,
)
from rich.text import Text

from backpain_cli.player.engine import (
    BINDINGS,
    Binding,
    Event,
    ExerciseHurt,
    ExerciseSkipped,
    Finished,
    HelpToggled,
    MuteChanged,
    Outcome,
    Paused,
    Quit,
    Redraw,
    Resumed,
    SegmentStarted,
    Started,
    Status,
    Summary,
    Tick,
)
from backpain_cli.routines.model import Side, format_duration
from backpain_cli.routines.timeline import Segment, SegmentKind

AFTERCARE = "If anything hurt, stop and talk to your healthcare provider."

# -- big digits ------------------------------------------------------------------------

# A 3x5 pixel font. Pixels are drawn with half blocks, so a pixel can be one column wide
# and half a row tall: square on a terminal whose cells are twice as tall as wide.
_FONT = {
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
    ":": (".", "#", ".", "#", "."),
}
_HALVES = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}


def countdown_text(seconds: int) -> str:
    """`45`, `5`; from a minute `1:30`."""
    return str(seconds) if seconds < 60 else format_duration(seconds)


def big_width(text: str, scale: int) -> int:
    glyphs = sum(len(_FONT[char][0]) for char in text)
    return (glyphs + max(len(text) - 1, 0)) * scale


def big_height(scale: int) -> int:
    return math.ceil(5 * scale / 2)


def big_digits(text: str, scale: int) -> list[str]:
    """`text` (digits and colons) in the block font, `scale` columns per pixel."""
    pixel_rows: list[list[bool]] = []
    for row in range(5):
        line: list[bool] = []
        for position, char in enumerate(text):
            if position:
                line.extend([False] * scale)
            for pixel in _FONT[char][row]:
                line.extend([pixel == "#"] * scale)
        pixel_rows.extend([line] * scale)
    if len(pixel_rows) % 2:
        pixel_rows.append([False] * len(pixel_rows[0]))
    return [
        "".join(_HALVES[top, bottom] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(pixel_rows[::2], pixel_rows[1::2], strict=True)
    ]


def fit_scale(text: str, width: int, rows: int) -> int:
    """The largest scale at which `text` fits in `width` columns and `rows` rows (0: none)."""
    scale = 0
    while big_width(text, scale + 1) <= width and big_height(scale + 1) <= rows:
        scale += 1
    return scale


# -- words -----------------------------------------------------------------------------


def side_word(side: Side) -> str:
    return side.value.upper()


def _rep_text(segment: Segment) -> str:
    exercise = segment.exercise
    text = f"rep {segment.rep} of {exercise.reps}"
    if exercise.sets > 1:
        text += f" · set {segment.set} of {exercise.sets}"
    return text


def _switching(status: Status) -> Side | None:
    """The side to switch to, during a rest before a hold on the other side."""
    segment = status.segment
    if segment is None or segment.kind not in (SegmentKind.REST, SegmentKind.SET_REST):
        return None
    upcoming = status.upcoming_side
    if upcoming is not None and segment.side is not None and upcoming != segment.side:
        return upcoming
    return None


def next_words(status: Status) -> str:
    """What comes after the current step, readable at a glance from across the room.

    Within an exercise, the next hold: `hold 30 s · rep 2 of 3` (with `· set 2 of 2`
    and `· RIGHT side` where they apply). After its last hold, the next exercise:
    `Thoracic rotation (left side)`. After the last hold of the routine: `finish`.
    Rests are left out: they come between the holds by themselves.
    """
    segment = status.segment
    upcoming = status.upcoming
    if upcoming is None or segment is None:
        return "finish"
    if upcoming.exercise_index != segment.exercise_index or upcoming.kind is SegmentKind.PREPARE:
        side = status.upcoming_side if upcoming.kind is SegmentKind.PREPARE else upcoming.side
        return upcoming.exercise.name + (f" ({side.value} side)" if side else "")
    text = f"hold {upcoming.duration} s · {_rep_text(upcoming)}"
    if upcoming.side is not None:
        text += f" · {side_word(upcoming.side)} side"
    return text


def next_text(status: Status) -> str:
    """The live screen's Next line, e.g. `Next: hold 30 s · rep 2 of 3`, `Next: finish`."""
    return f"Next: {next_words(status)}"


def progress_text(status: Status) -> str:
    segment = status.segment
    number = segment.exercise_index + 1 if segment else status.exercise_count
    left = format_duration(status.seconds_left)
    return f"exercise {number} of {status.exercise_count} · {left} left"


def current_cue(segment: Segment) -> str:
    cues = segment.exercise.cues
    return cues[(max(segment.rep, 1) - 1) % len(cues)] if cues else ""


def _line(text: str, style: str = "") -> Text:
    """One screen line: never wraps, ends in … when too long."""
    return Text(text, style=style, no_wrap=True, overflow="ellipsis")


def key_line(bindings: Sequence[Binding], *, short: bool = False) -> str:
    shown = [binding for binding in bindings if binding.label]
    if short:
        return " ".join(binding.label for binding in shown)
    return "  ".join(f"{binding.label} {binding.short}" for binding in shown)


# -- the live screen -------------------------------------------------------------------

_KIND_STYLE = {
    SegmentKind.PREPARE: "bold yellow",
    SegmentKind.HOLD: "bold green",
    SegmentKind.REST: "bold blue",
    SegmentKind.SET_REST: "bold blue",
}


class PlayerScreen:
    """One frame of the player, laid out for the size it is rendered at."""

    def __init__(
        self, status: Status, *, notice: str = "", bindings: Sequence[Binding] = BINDINGS
    ) -> None:
        self.status = status
        self.notice = notice
        self.bindings = bindings

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        height = options.height or console.height
        yield Group(*self.lines(console, width, height))

    def lines(self, console: Console, width: int, height: int) -> list[Text]:
        """Exactly `height` lines, none wider than `width`; the key line last."""
        status = self.status
        segment = status.segment
        if segment is None or height < 10 or width < 30:
            return self._compact(segment, width, height)
        blank = [] if height < 18 else [Text()]
        top = [self._header(width), *blank, self._heading(segment)]
        top.extend(self._side(segment, width=width, tall=height >= 30))
        top.extend([_line(self._detail(segment), "bold"), *blank])
        bottom = [*blank, _line(next_text(status), "bold")]
        if self.notice:  # a notice may have a few lines (e.g. the advice after `p`)
            bottom.extend(_line(line, "dim") for line in self.notice.splitlines())
        bottom.append(self._keys(width))
        body = [
            wrapped
            for line in (self._help() if status.help else self._body(segment))
            for wrapped in line.wrap(console, width)
        ]

        # Getting ready (or with help shown), the words come first; during a hold, the
        # countdown does. On a small screen the countdown wins over the words.
        spare = height - len(top) - 1 - len(bottom)
        cap = max(3, height // 2)
        first = status.help or segment.kind is SegmentKind.PREPARE
        wanted = len(body) if first else min(len(body), 4)
        sizing = countdown_text(segment.duration)
        scale = fit_scale(sizing, width - 2, min(spare - wanted, cap)) or fit_scale(
            sizing, width - 2, min(spare, cap)
        )
        text = countdown_text(status.shown_remaining)
        if scale:
            style = "dim" if status.paused else _KIND_STYLE[segment.kind]
            digits = [
                Text(line, style=style, justify="center", no_wrap=True, overflow="crop")
                for line in big_digits(text, scale)
            ]
        else:
            digits = [Text(text, style="bold", justify="center", no_wrap=True)]
        middle = [*digits, self._bar(segment, width)]
        room = height - len(top) - len(middle) - len(bottom)
        if room < len(body):
            body = [*body[: room - 1], _line("…", "dim")] if room > 0 else []
        gap = room - len(body)  # on big screens: a third above the countdown, the rest below
        above, below = [Text()] * (gap // 3), [Text()] * (gap - gap // 3)
        return [*top, *above, *middle, *body, *below, *bottom]

    def _compact(self, segment: Segment | None, width: int, height: int) -> list[Text]:
        """Tiny terminals: the most important lines that fit, in their usual order."""
        status = self.status
        if segment is None:
            rows = [(0, _line("Done.", "bold"))]
        else:
            count = f"{status.shown_remaining} s  " + ("PAUSED" if status.paused else "")
            if segment.kind is SegmentKind.HOLD:
                count += "  " + _rep_text(segment)
            kind = segment.kind.value.replace("_", " ").upper()
            rows = [
                (3, _line(f"{kind}  {segment.exercise.name}", _KIND_STYLE[segment.kind])),
                *((2, line) for line in self._side(segment, width=width, tall=False)),
                (0, _line(count, "bold")),
                (5, self._bar(segment, width)),
                (4, _line(next_text(status))),
            ]
        rows.append((1, self._keys(width)))
        keep = sorted(range(len(rows)), key=lambda i: rows[i][0])[: max(height, 0)]
        lines = [rows[i][1] for i in sorted(keep)]
        gap = [Text()] * (height - len(lines))
        if len(rows) - 1 in keep:  # the key line stays at the foot
            return [*lines[:-1], *gap, lines[-1]]
        return [*lines, *gap]

    def _header(self, width: int) -> Text:
        right = progress_text(self.status)
        if self.status.muted:
            right += " · muted"
        title = self.status.timeline.routine.title
        room = width - len(right) - 2
        header = Text(no_wrap=True, overflow="ellipsis")
        if room >= 10:
            header.append(title if len(title) <= room else title[: room - 1] + "…", style="bold")
            header.append(" " * (width - len(right) - min(len(title), room)))
        header.append(right, style="dim")
        return header

    def _heading(self, segment: Segment) -> Text:
        heading = self._heading_text(segment)
        heading.no_wrap = True
        heading.overflow = "ellipsis"
        return heading

    def _heading_text(self, segment: Segment) -> Text:
        exercise = segment.exercise
        style = _KIND_STYLE[segment.kind]
        if segment.kind is SegmentKind.PREPARE:
            text = Text("Get ready: ", style=style)
            text.append(exercise.name, style="bold")
            return text
        if segment.kind is SegmentKind.HOLD:
            text = Text("HOLD  ", style=style)
            text.append(exercise.name, style="bold")
            return text
        label = "SET REST" if segment.kind is SegmentKind.SET_REST else "REST"
        text = Text(label, style=style)
        if _switching(self.status):
            text.append("  — switch sides", style="bold")
        return text

    def _side(self, segment: Segment, *, width: int, tall: bool) -> list[Text]:
        """LEFT at the left edge, RIGHT at the right edge: reverse video, arrows and words.

        During a rest before the other side, the side that comes next.
        """
        side = segment.side if segment.kind is SegmentKind.HOLD else _switching(self.status)
        if side is None:
            return []
        justify: JustifyMethod
        if side is Side.LEFT:
            label, style, justify = "◀◀  LEFT SIDE  ", "bold reverse cyan", "left"
        else:
            label, style, justify = "  RIGHT SIDE  ▶▶", "bold reverse magenta", "right"
        prefix = "" if segment.kind is SegmentKind.HOLD else "next: "
        size = max(len(label), width // 3 - len(prefix))
        label = label.ljust(size) if side is Side.LEFT else label.rjust(size)
        rows = [Text.assemble((prefix, "dim"), (label, style))]
        if tall:
            pad = Text.assemble(" " * len(prefix), (" " * len(label), style))
            rows = [pad, rows[0], pad.copy()]
        for row in rows:
            row.justify = justify
            row.no_wrap = True
            row.overflow = "crop"
        return rows

    def _detail(self, segment: Segment) -> str:
        exercise = segment.exercise
        if segment.kind is SegmentKind.PREPARE:
            parts = [exercise.position] if exercise.position else []
            parts.append(exercise.dose)
            if exercise.equipment:
                parts.append("with " + ", ".join(exercise.equipment))
            return " · ".join(parts)
        if segment.kind is SegmentKind.HOLD:
            return _rep_text(segment)
        if segment.kind is SegmentKind.SET_REST:
            return f"set {segment.set} of {exercise.sets} done"
        return f"rep {segment.rep} of {exercise.reps} done" + (
            f" ({segment.side.value})" if segment.side else ""
        )

    def _bar(self, segment: Segment, width: int) -> Text:
        if self.status.paused:
            return Text(
                " PAUSED — press space to resume ",
                style="bold reverse yellow",
                justify="center",
                no_wrap=True,
                overflow="ellipsis",
            )
        size = max(width - 2, 1)
        done = round(size * (1 - self.status.remaining / segment.duration))
        bar = Text(justify="center", no_wrap=True)
        bar.append("█" * done, style=_KIND_STYLE[segment.kind].replace("bold ", ""))
        bar.append("░" * (size - done), style="dim")
        return bar

    def _body(self, segment: Segment) -> list[Text]:
        exercise = segment.exercise
        lines: list[Text] = []
        if segment.kind is SegmentKind.HOLD:
            cue = current_cue(segment)
            if cue:
                lines.append(Text(cue, style="italic"))
            steps = [
                Text(f"{n}. {step}", style="dim") for n, step in enumerate(exercise.instructions, 1)
            ]
        elif segment.kind is SegmentKind.PREPARE:
            steps = [Text(f"{n}. {step}") for n, step in enumerate(exercise.instructions, 1)]
            if exercise.caution:
                steps.append(Text(f"Caution: {exercise.caution}", style="yellow"))
        else:
            lines.append(Text("Relax and breathe.", style="italic"))
            steps = []
        return [*lines, *steps]

    def _help(self) -> list[Text]:
        lines = [Text("Keys", style="bold")]
        for binding in self.bindings:
            if binding.label:
                keys = binding.label + (" " * max(7 - len(binding.label), 1))
                lines.append(Text.assemble((keys, "bold"), binding.help))
        return lines

    def _keys(self, width: int) -> Text:
        text = key_line(self.bindings)
        if len(text) > width:
            text = key_line(self.bindings, short=True)
        return Text(text, style="reverse", no_wrap=True, overflow="ellipsis")


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

    Ticks are drawn at most every `min_interval` seconds of `clock` (real time: at
    `--speed 60` a second of countdown passes 60 times a second). Everything else is
    drawn at once. Put it last among the listeners so that it draws what the others
    have just done (e.g. a message they put on the `notice_line`).

    `notice` is for one-off messages (e.g. "no audio player") and may be called from
    another thread: the message shows from the next draw until the next step starts.
    A message on `notice_line` comes first.
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
        self._last = -math.inf
        self._notice = ""
        self._noticed = ""  # the one-off notice as last drawn
        self.status: Status | None = None

    def notice(self, message: str) -> None:
        self._notice = message

    def handle(self, event: Event) -> None:
        if not isinstance(
            event,
            (Started, SegmentStarted, Tick, Paused, Resumed, MuteChanged, HelpToggled, Redraw),
        ):
            return
        now = self._clock()
        if isinstance(event, Tick) and now - self._last < self._min_interval:
            return
        if isinstance(event, SegmentStarted) and self._noticed:
            self._notice = self._noticed = ""  # a one-off notice stays for one step
        self._last = now
        self.status = event.status
        self._noticed = self._notice
        notice = self.notice_line.text or self._notice
        self._update(PlayerScreen(event.status, notice=notice, bindings=self._bindings))


# -- the plain log ---------------------------------------------------------------------


def stamp(seconds: float) -> str:
    minutes, secs = divmod(int(seconds + 1e-9), 60)
    return f"[{minutes:02d}:{secs:02d}]"


def segment_line(segment: Segment, status: Status) -> list[str]:
    exercise = segment.exercise
    at = stamp(status.elapsed)
    if segment.kind is SegmentKind.PREPARE:
        what = f"Get into position: {exercise.position} — " if exercise.position else "Get ready: "
        lines = [f"{at} {what}{exercise.name} — {segment.duration} s"]
        lines.extend(f"        {n}. {step}" for n, step in enumerate(exercise.instructions, 1))
        if exercise.caution:
            lines.append(f"        Caution: {exercise.caution}")
        return lines
    if segment.kind is SegmentKind.HOLD:
        side = f" — {side_word(segment.side)} side" if segment.side else ""
        sets = f", set {segment.set} of {exercise.sets}" if exercise.sets > 1 else ""
        return [
            f"{at} {exercise.name}{side} — hold {segment.duration} s — "
            f"rep {segment.rep} of {exercise.reps}{sets}"
        ]
    after = " — switch sides" if _switching(status) else ""
    after += f" — next: {next_words(status)}"
    if segment.kind is SegmentKind.SET_REST:
        return [
            f"{at} set rest {segment.duration} s — set {segment.set} of {exercise.sets} done{after}"
        ]
    return [f"{at} rest {segment.duration} s{after}"]


def plain_lines(
    event: Event, *, bindings: Sequence[Binding] = BINDINGS, keys: bool = True
) -> list[str]:
    """The lines `--plain` prints for one event (often none)."""
    status = event.status
    at = stamp(status.elapsed)
    if isinstance(event, Started):
        timeline = status.timeline
        count = len({segment.exercise_index for segment in timeline.segments})
        lines = [
            f"{timeline.routine.title} — {count} exercise{'s' if count != 1 else ''}, "
            f"{format_duration(timeline.total)}"
        ]
        if keys:
            lines.append("Keys: " + ", ".join(f"{b.label} {b.short}" for b in bindings if b.label))
        return lines
    if isinstance(event, SegmentStarted):
        return segment_line(event.segment, status)
    if isinstance(event, Tick):
        segment = status.segment
        shown = status.shown_remaining
        if (
            segment is not None
            and segment.duration > 10
            and shown % 10 == 0
            and 0 < shown < segment.duration
        ):
            return [f"{at} {shown} s left"]
        return []
    if isinstance(event, Paused):
        return [f"{at} paused" + (" — press space to resume" if keys else "")]
    if isinstance(event, Resumed):
        return [f"{at} resumed"]
    if isinstance(event, ExerciseSkipped):
        return [f"{at} skipped: {event.result.exercise.name}"]
    if isinstance(event, ExerciseHurt):
        return [f"{at} stopped because it hurt: {event.result.exercise.name}"]
    if isinstance(event, MuteChanged):
        return [f"{at} sound {'off' if status.muted else 'on'}"]
    if isinstance(event, Finished):
        return [f"{at} finished"]
    if isinstance(event, Quit):
        return [f"{at} stopped"]
    if isinstance(event, HelpToggled) and status.help:
        return [f"        {b.label}: {b.help}" for b in bindings if b.label]
    return []


class PlainLog:
    """Engine listener for `--plain`: writes `plain_lines` through `write` (one call a line).

    `notice` is for one-off messages and may be called from another thread; the message
    goes to `note` (default: `write`) before the next event's lines, from the player's
    thread. A new message on `notice_line` is written (through `write`) after the
    event's lines: put this listener last, like the live screen.
    """

    def __init__(
        self,
        write: Callable[[str], None],
        *,
        bindings: Sequence[Binding] = BINDINGS,
        keys: bool = True,
        note: Callable[[str], None] | None = None,
        notice_line: NoticeLine | None = None,
    ) -> None:
        self._write = write
        self._note = note or write
        self._bindings = bindings
        self._keys = keys
        self.notice_line = notice_line or NoticeLine()
        self._notices: list[str] = []
        self._line = ""  # the notice line as last written

    def notice(self, message: str) -> None:
        self._notices.append(message)

    def handle(self, event: Event) -> None:
        while self._notices:
            self._note(self._notices.pop(0))
        for line in plain_lines(event, bindings=self._bindings, keys=self._keys):
            self._write(line)
        text = self.notice_line.text
        if text != self._line:
            self._line = text
            if text:
                self._write(f"{stamp(event.status.elapsed)} {text}")


# -- the end summary -------------------------------------------------------------------

_OUTCOME_STYLE = {
    Outcome.DONE: "green",
    Outcome.SKIPPED: "yellow",
    Outcome.HURT: "bold red",
    Outcome.STOPPED: "yellow",
    Outcome.NOT_REACHED: "dim",
}


def hurt_note(names: Sequence[str], *, flagged: bool) -> str:
    """What the summary says about the exercises stopped because they hurt."""
    one = len(names) == 1
    text = f"Stopped because {'it' if one else 'they'} hurt: {', '.join(names)}."
    if flagged and one:
        text += " Next time it is flagged; s skips it."
    elif flagged:
        text += " Next time they are flagged; s skips them."
    return text


def summary_view(summary: Summary, *, hurt_flagged: bool = False) -> RenderableType:
    """Exercises done, skipped and hurt, time spent, and the after-care line.

    `hurt_flagged`: exercises that hurt are remembered (history is on), so the note
    about them says they will be flagged next time.
    """
    routine = summary.timeline.routine
    lines = [
        Text.assemble(
            ("Stopped: " if summary.quit else "Finished: ", "bold"), (routine.title, "bold")
        )
    ]
    width = max((len(r.exercise.name) for r in summary.results), default=0)
    for result in summary.results:
        label = result.outcome.value
        lines.append(
            Text.assemble(
                "  ",
                (f"{label:<12}", _OUTCOME_STYLE[result.outcome]),
                f"{result.exercise.name:<{width}}  ",
                (f"{result.holds_done} of {result.holds_total} holds", "dim"),
            )
        )
    counts = [f"{summary.count(Outcome.DONE)} done"]
    for outcome in (Outcome.SKIPPED, Outcome.HURT, Outcome.STOPPED, Outcome.NOT_REACHED):
        if summary.count(outcome):
            counts.append(f"{summary.count(outcome)} {outcome.value}")
    facts = f"{', '.join(counts)} · time {format_duration(summary.active_seconds)}"
    if summary.paused_seconds >= 1:
        facts += f" (paused {format_duration(summary.paused_seconds)})"
    lines.append(Text(facts))
    hurt = [r.exercise.name for r in summary.results if r.outcome is Outcome.HURT]
    if hurt:
        lines.append(Text(hurt_note(hurt, flagged=hurt_flagged), style="bold"))
    lines.append(Text(AFTERCARE, style="italic"))
    return Group(*lines)
