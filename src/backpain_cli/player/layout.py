"""The live screen of one moment (`PlayerScreen`), laid out for the terminal it is drawn on:
big digits that fit 80x24 and grow on larger terminals, plain digits on tiny ones; the key
line is always the last line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from rich.cells import cell_len, set_cell_size
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.text import Text

from backpain_cli.player.bigtext import big_block, fit_scale
from backpain_cli.player.engine import BINDINGS, Binding, Status
from backpain_cli.player.words import (
    countdown_text,
    current_cue,
    key_line,
    next_text,
    progress_text,
    rep_text,
    side_word,
    switching,
    tempo_now,
    tempo_parts,
    tempo_text,
)
from backpain_cli.routines.model import Movement, Side
from backpain_cli.routines.timeline import Segment, SegmentKind, Timeline


def _line(text: str, style: str = "") -> Text:
    """One screen line: never wraps, ends in … when too long."""
    return Text(text, style=style, no_wrap=True, overflow="ellipsis")


def fit_cells(text: str, cells: int) -> str:
    """`text` cut to `cells` terminal cells (wide characters count two), ending in …"""
    if cell_len(text) <= cells:
        return text
    return set_cell_size(text, max(cells - 1, 0)).rstrip() + "…" if cells > 0 else ""


def _more(row: Text, cells: int) -> Text:
    """`row` ending in …, within `cells` cells: there is more than the screen shows."""
    row = row.copy()
    whole = row.plain
    row.truncate(max(cells - 2, 0))
    if row.plain != whole and " " in row.plain:  # cut between words, not inside one
        row.right_crop(len(row.plain) - row.plain.rindex(" "))
    row.rstrip()
    row.append(" …", style="dim")
    return row


def _fit(body: list[Text], kept: list[Text], room: int, cells: int) -> list[Text]:
    """The words under the countdown in at most `room` rows: `kept` (a caution) whole,
    and before it as many rows of `body` as fit, the last ending in … when more follows."""
    kept = _cut(kept, room, cells)
    return [*_cut(body, room - len(kept), cells), *kept]


def _cut(rows: list[Text], room: int, cells: int) -> list[Text]:
    """At most `room` rows, the last ending in … when some are left out."""
    if len(rows) <= room:
        return rows
    return [*rows[: room - 1], _more(rows[room - 1], cells)] if room > 0 else []


def _pad(cells: int, text: str = "", style: str = "") -> Text:
    """A row of exactly `cells` cells: `text` padded with spaces, nothing left to justify."""
    row = Text(no_wrap=True, overflow="crop")
    row.append(set_cell_size(text, cells), style=style)
    return row


KIND_STYLE = {
    SegmentKind.PREPARE: "bold yellow",
    SegmentKind.HOLD: "bold green",
    SegmentKind.MOVE: "bold green",
    SegmentKind.SELF_PACED: "bold green",
    SegmentKind.REST: "bold bright_blue",
    SegmentKind.SET_REST: "bold bright_blue",
}
KIND_LABEL = {
    SegmentKind.PREPARE: "Get ready",
    SegmentKind.HOLD: "HOLD",
    SegmentKind.MOVE: "MOVE",
    SegmentKind.SELF_PACED: "MOVE",
    SegmentKind.REST: "REST",
    SegmentKind.SET_REST: "SET REST",
}
PAUSED_WORD = "PAUSED"
# At your own pace, space counts a rep and `n` says you are done: the key line says so.
_OWN_PACE_KEYS = {"pause": "rep", "next": "done"}


def _counts(segment: Segment) -> bool:
    """A movement of several reps: the big number is the rep, not the seconds (a single
    long movement, `rep_seconds: 30` once, counts its seconds down)."""
    if segment.kind is SegmentKind.MOVE:
        return segment.exercise.reps > 1
    return segment.kind is SegmentKind.SELF_PACED


def big_number(status: Status, segment: Segment) -> str:
    """What the big digits show: the seconds left, or a movement's rep (counted so far)."""
    if segment.kind is SegmentKind.SELF_PACED:
        return str(status.counted)
    if _counts(segment):
        return str(segment.rep)
    return countdown_text(status.shown_remaining)


def _words_wanted(timeline: Timeline) -> int:
    """Lines of words the wordiest step asks for under the countdown (unwrapped: the
    same in every frame): getting ready, every step and the caution; during a movement,
    its tempo, a cue and the steps, up to 4."""
    wanted = 1  # a rest's "Relax and breathe."
    for exercise in timeline.routine.exercises:
        steps = len(exercise.instructions)
        wanted = max(wanted, steps + bool(exercise.caution))
        moving = (exercise.movement is Movement.SELF_PACED) + bool(exercise.tempo)
        moving += bool(tempo_parts(exercise.tempo))  # "Now: ROUND UP"
        wanted = max(wanted, min(4, moving + bool(exercise.cues) + steps))
    return wanted


def _widest(timeline: Timeline) -> str:
    """The widest number any step of the routine shows in big digits."""
    numbers = [
        str(segment.exercise.reps) if _counts(segment) else countdown_text(segment.duration)
        for segment in timeline.segments
    ]
    return max(numbers, key=len, default="0")


class PlayerScreen:
    """One frame of the player, laid out for the size it is rendered at.

    `alert` (the notice line: the advice after `p`, "hurt last time") is drawn bold and
    whole; `notice` (one-off messages such as "no audio player") dim, a line each, only
    in rows that no word of the step needs (`notice_shown` says whether it was). The
    countdown's size and place depend only on the terminal's size and the segment, so
    they hold still for the whole segment whatever comes and goes around them. Paused,
    the countdown gives way to a big PAUSED (and to the alert, which comes first);
    with help shown (which pauses), to the help.
    """

    def __init__(
        self,
        status: Status,
        *,
        notice: str = "",
        alert: str = "",
        bindings: Sequence[Binding] = BINDINGS,
    ) -> None:
        self.status = status
        self.notice = notice
        self.alert = alert
        self.bindings = bindings
        self._stage = 0  # rows between the words above and the foot at its longest
        self.notice_shown = False  # the `notice` was on the screen as last drawn

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        height = options.height or console.height
        yield Group(*self.lines(console, width, height))

    def lines(self, console: Console, width: int, height: int) -> list[Text]:
        """Exactly `height` lines, none wider than `width`; the key line last."""
        status = self.status
        segment = status.segment
        if segment is None or height < 10 or width < 30:
            return self._compact(console, segment, width, height)
        if status.help:
            page = self._help(console, width)[: height - 2]
            gap = [Text()] * (height - 2 - len(page))
            return [self._header(width), *page, *gap, self._keys(width)]
        tall = height >= 30
        blank = [Text()] if tall else []
        top = [self._header(width), *blank, self._heading(segment)]
        sides = self._side(segment, width=width, tall=tall)
        kept: list[Text] = []  # a side's rows, kept blank where none is shown
        if not sides and height >= 18 and any(e.sides for e in status.timeline.routine.exercises):
            kept = [Text()] * (3 if tall else 1)  # so the countdown never moves
        top.extend([*sides, _line(self._detail(segment), "bold"), *kept, *blank])
        upcoming = Text(next_text(status), style="bold").wrap(console, width)[:2]
        foot = [*blank, *upcoming, self._keys(width)]
        stage = height - len(top) - len(foot)
        self._stage = height - len(top) - len(blank) - 3  # with the longest foot: the same
        body = [row for line in self._body(segment) for row in line.wrap(console, width)]
        caution = [row for line in self._caution(segment) for row in line.wrap(console, width)]
        alerts = [
            row
            for line in self.alert.splitlines()
            for row in Text(line, style="bold").wrap(console, width)
        ]
        notices = [
            row
            for line in self.notice.splitlines()
            for row in Text(line, style="dim").wrap(console, width)
        ]
        words = (body, caution)
        if status.paused:
            middle = self._paused(segment, width, height, stage, alerts, notices, words)
        else:
            middle = self._counting(segment, width, height, stage, alerts, notices, words)
        return [*top, *middle, *foot]

    def countdown_scale(self, width: int, height: int, stage: int) -> int:
        """The digits' scale: from the terminal's size and the routine alone, so every
        step of the routine draws its number in one size at one place.

        The words under the countdown get as many lines as the wordiest step asks for
        (up to 4 during a hold, all of them getting ready), as long as the digits keep
        a third of the screen; on small screens the digits win.
        """
        wanted = _words_wanted(self.status.timeline)
        cap = max(3, height // 2)
        rows = max(min(cap, stage - 1 - wanted), min(cap, stage - 2, height // 3))
        return fit_scale(_widest(self.status.timeline), width - 2, rows)

    def _counting(
        self,
        segment: Segment,
        width: int,
        height: int,
        stage: int,
        alerts: list[Text],
        notices: list[Text],
        words: tuple[list[Text], list[Text]],
    ) -> list[Text]:
        scale = self.countdown_scale(width, height, self._stage)
        text = big_number(self.status, segment)
        if scale:
            style = KIND_STYLE[segment.kind]
            if not segment.kind.works:
                style = style.replace("bold ", "")  # holds bold, even without colour
            # A rest's digits are shaded, a hold's solid: they differ in black and white.
            resting = segment.kind in (SegmentKind.REST, SegmentKind.SET_REST)
            block = big_block(text, scale, width, shaded=resting)
            digits = [_pad(width, row, style) for row in block]
        else:
            unit = "" if _counts(segment) else " s"
            digits = [_pad(width, f"{text}{unit}".center(width), "bold")]
        wanted = _words_wanted(self.status.timeline)
        above = max(0, (self._stage - len(digits) - 1 - wanted) // 3)
        below = stage - above - len(digits) - 1
        alerts = alerts[: max(below, 0)]
        room = below - len(alerts)
        body = _fit(*words, room, width)
        # A one-off notice takes only rows no word needs: it waits for a step with room.
        free = room - len(body)
        notices = notices if len(notices) <= free else []
        self.notice_shown = bool(notices)
        gap = [Text()] * (free - len(notices))
        return [
            *[Text()] * above,
            *digits,
            self._bar(segment, width),
            *body,
            *gap,
            *notices,
            *alerts,
        ]

    def _paused(
        self,
        segment: Segment,
        width: int,
        height: int,
        stage: int,
        alerts: list[Text],
        notices: list[Text],
        words: tuple[list[Text], list[Text]],
    ) -> list[Text]:
        """The alert (whole), a big PAUSED if it fits, the paused bar, then the words."""
        rows = [*alerts, Text()] if alerts else []
        rows = rows[: stage - 1] if len(rows) >= stage else rows
        room = stage - 1 - len(rows)
        scale = fit_scale(PAUSED_WORD, width - 2, min(room - 1, max(3, height // 2)))
        if scale and not alerts:
            rows.extend(_pad(width, row, "bold") for row in big_block(PAUSED_WORD, scale, width))
        rows.append(self._bar(segment, width))
        room = stage - len(rows)
        body = _fit(*words, room, width)
        notices = notices if len(body) + len(notices) <= room else []
        self.notice_shown = bool(notices)
        rest = [*body, *notices]
        above = (room - len(rest)) // 3 if not alerts else 0
        below = room - len(rest) - above
        return [*[Text()] * above, *rows, *rest, *[Text()] * below]

    def _compact(
        self, console: Console, segment: Segment | None, width: int, height: int
    ) -> list[Text]:
        """Tiny terminals: the most important lines that fit, in their usual order."""
        status = self.status
        rows: list[tuple[int, Text]]
        if segment is None:
            rows = [(0, _line("Done.", "bold"))]
        elif status.help:
            rows = [(2, line) for line in self._help(console, width, short=True)]
        else:
            count = "" if _counts(segment) else f"{status.shown_remaining} s  "
            count += "PAUSED  " if status.paused else ""
            if segment.kind.works:
                count += rep_text(segment, status.counted)
            count = count.strip()
            alerts = [
                (1, row)
                for line in self.alert.splitlines()
                for row in Text(line, style="bold").wrap(console, width)
            ]
            rows = [
                (3, self._heading(segment)),
                *((2, line) for line in self._side(segment, width=width, tall=False)),
                (0, _line(count, "bold")),
                *alerts,
                (5, self._bar(segment, width)),
                *((4, row) for row in Text(next_text(status)).wrap(console, width)),
            ]
        rows.append((1, self._keys(width)))
        keep = sorted(range(len(rows)), key=lambda i: rows[i][0])[: max(height, 0)]
        lines = [rows[i][1] for i in sorted(keep)]
        gap = [Text()] * (height - len(lines))
        if len(rows) - 1 in keep:  # the key line stays at the foot
            return [*lines[:-1], *gap, lines[-1]]
        return [*lines, *gap]

    def _header(self, width: int) -> Text:
        """The title on the left, the progress on the right, counted in cells."""
        right = progress_text(self.status)
        if self.status.muted:
            right += " · muted"
        if self.status.paused:
            right += " · PAUSED"
        right = fit_cells(right, width)
        title = self.status.timeline.routine.title
        room = width - cell_len(right) - 2
        header = Text(no_wrap=True, overflow="crop")
        if room >= 10:
            shown = fit_cells(title, room)
            header.append(shown, style="bold")
            header.append(" " * (width - cell_len(right) - cell_len(shown)))
        else:
            header.append(" " * (width - cell_len(right)))
        header.append(right, style="bold" if self.status.paused else "dim")
        return header

    def _heading(self, segment: Segment) -> Text:
        """`Get ready: name`, `HOLD name`, `REST — switch sides`: the kind in reverse video,
        so hold and rest differ without colour."""
        style = KIND_STYLE[segment.kind]
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(KIND_LABEL[segment.kind], style=f"{style} reverse")
        if segment.kind is SegmentKind.PREPARE:
            text.append(": ")
            text.append(segment.exercise.name, style="bold")
        elif segment.kind.works:
            text.append(" ")
            text.append(segment.exercise.name, style="bold")
        elif switching(self.status):
            text.append(" — switch sides", style="bold")
        return text

    def _side(self, segment: Segment, *, width: int, tall: bool) -> list[Text]:
        """LEFT at the left edge, RIGHT at the right edge: reverse video, arrows and words.
        A label of the routine's own (CLOCKWISE) has no direction: no arrows, at the left.

        During a rest before the other side, the side that comes next.
        """
        side = segment.side if segment.kind.works else switching(self.status)
        if side is None:
            return []
        if side is Side.LEFT:
            label, style = "◀◀  LEFT SIDE  ", "bold reverse cyan"
        elif side is Side.RIGHT:
            label, style = "  RIGHT SIDE  ▶▶", "bold reverse magenta"
        else:
            first = side is segment.exercise.sides[0]
            label = f"  {side_word(side)}  "
            style = "bold reverse cyan" if first else "bold reverse magenta"
        prefix = "" if segment.kind.works else "next: "
        size = min(max(cell_len(label), width // 3 - len(prefix)), width - len(prefix))
        at_left = side is not Side.RIGHT
        label = fit_cells(label, size)
        label = set_cell_size(label, size) if at_left else " " * (size - cell_len(label)) + label
        margin = " " * (width - size - len(prefix))

        def row(words: str) -> Text:
            parts = [(prefix if words.strip() else " " * len(prefix), "dim"), (words, style)]
            if not at_left:
                parts.insert(0, (margin, ""))
            return Text.assemble(*parts, no_wrap=True, overflow="crop")

        if tall:
            return [row(" " * size), row(label), row(" " * size)]
        return [row(label)]

    def _detail(self, segment: Segment) -> str:
        exercise = segment.exercise
        if segment.kind is SegmentKind.PREPARE:
            parts = [exercise.position] if exercise.position else []
            parts.append(exercise.dose + (f" (new; was {exercise.was})" if exercise.was else ""))
            if exercise.equipment:
                parts.append("with " + ", ".join(exercise.equipment))
            return " · ".join(parts)
        if segment.kind is SegmentKind.HOLD:
            return rep_text(segment)
        if segment.kind is SegmentKind.MOVE:
            return f"{rep_text(segment)} · {exercise.rep_seconds} s each"
        if segment.kind is SegmentKind.SELF_PACED:
            return f"{rep_text(segment, self.status.counted)} · at your own pace"
        if segment.kind is SegmentKind.SET_REST:
            return f"set {segment.set} of {exercise.sets} done"
        return f"rep {segment.rep} of {exercise.reps} done" + (
            f" ({segment.side.value})" if segment.side else ""
        )

    def _bar(self, segment: Segment, width: int) -> Text:
        if self.status.paused:
            left = countdown_text(self.status.shown_remaining)
            left = "at your own pace" if self.status.untimed else f"{left} s left"
            words = fit_cells(f" PAUSED · {left} · space goes on ", width)
            margin = (width - cell_len(words)) // 2
            return Text.assemble(
                " " * margin,
                (words, "bold reverse yellow"),
                " " * (width - margin - cell_len(words)),
                no_wrap=True,
                overflow="crop",
            )
        size = max(width - 2, 1)
        exercise = segment.exercise
        if segment.kind is SegmentKind.SELF_PACED:  # the reps counted of the reps to do
            part = self.status.counted / exercise.reps
        elif segment.kind is SegmentKind.MOVE:  # through the run of reps, rep by rep
            part = (segment.rep - self.status.remaining / segment.duration) / exercise.reps
        else:
            part = 1 - self.status.remaining / segment.duration
        done = round(size * min(max(part, 0.0), 1.0))
        bar = Text(" ", no_wrap=True, overflow="crop")
        bar.append("█" * done, style=KIND_STYLE[segment.kind].replace("bold ", ""))
        bar.append("░" * (size - done), style="dim")
        return bar

    def _body(self, segment: Segment) -> list[Text]:
        exercise = segment.exercise
        lines: list[Text] = []
        if segment.kind.works:
            if segment.kind is SegmentKind.SELF_PACED:
                lines.append(Text("Press space for each rep, n when you are done.", style="bold"))
            now = tempo_now(segment, segment.duration - self.status.remaining)
            if now is not None:  # which part of the rep: the words in capitals
                lines.append(Text(f"Now: {now[1].upper()}", style="bold reverse"))
            tempo = tempo_text(segment)
            if tempo:
                lines.append(Text(tempo, style="bold"))
            cue = current_cue(segment)
            if cue:
                lines.append(Text(cue, style="italic"))
            steps = [
                Text(f"{n}. {step}", style="dim") for n, step in enumerate(exercise.instructions, 1)
            ]
        elif segment.kind is SegmentKind.PREPARE:
            steps = [Text(f"{n}. {step}") for n, step in enumerate(exercise.instructions, 1)]
        else:
            lines.append(Text("Relax and breathe.", style="italic"))
            steps = []
        return [*lines, *steps]

    def _caution(self, segment: Segment) -> list[Text]:
        """Getting ready, the exercise's caution: shown whole, before any step is."""
        caution = segment.exercise.caution
        if segment.kind is SegmentKind.PREPARE and caution:
            return [Text(f"Caution: {caution}", style="yellow")]
        return []

    def _help(self, console: Console, width: int, *, short: bool = False) -> list[Text]:
        """The keys, one a line (wrapped, never cut), under a title that says the clock
        is stopped."""
        lines = [Text("Keys (paused: ? or space goes on)", style="bold")]
        for binding in self.bindings:
            if binding.label:
                keys = binding.label + (" " * max(7 - len(binding.label), 1))
                words = binding.short if short else binding.help
                lines.append(Text.assemble((keys, "bold"), words))
        return [row for line in lines for row in line.wrap(console, width)]

    def _keys(self, width: int) -> Text:
        bindings = self.bindings
        if self.status.untimed:
            bindings = [
                replace(b, short=_OWN_PACE_KEYS.get(b.short, b.short)) for b in self.bindings
            ]
        text = key_line(bindings)
        if cell_len(text) > width:
            text = key_line(bindings, short=True)
        return Text(text, style="reverse", no_wrap=True, overflow="ellipsis")
