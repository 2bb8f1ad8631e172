"""The live screen of one moment (`PlayerScreen`), laid out for the terminal it is drawn on:
big digits that fit 80x24 and grow on larger terminals, plain digits on tiny ones; the key
line is always the last line."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, ConsoleOptions, Group, JustifyMethod, RenderResult
from rich.text import Text

from backpain_cli.player.bigtext import big_digits, fit_scale
from backpain_cli.player.engine import BINDINGS, Binding, Status
from backpain_cli.player.words import (
    countdown_text,
    current_cue,
    key_line,
    next_text,
    progress_text,
    rep_text,
    switching,
)
from backpain_cli.routines.model import Side
from backpain_cli.routines.timeline import Segment, SegmentKind


def _line(text: str, style: str = "") -> Text:
    """One screen line: never wraps, ends in … when too long."""
    return Text(text, style=style, no_wrap=True, overflow="ellipsis")


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
                count += "  " + rep_text(segment)
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
        if switching(self.status):
            text.append("  — switch sides", style="bold")
        return text

    def _side(self, segment: Segment, *, width: int, tall: bool) -> list[Text]:
        """LEFT at the left edge, RIGHT at the right edge: reverse video, arrows and words.

        During a rest before the other side, the side that comes next.
        """
        side = segment.side if segment.kind is SegmentKind.HOLD else switching(self.status)
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
            return rep_text(segment)
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
