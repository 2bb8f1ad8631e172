"""Tables and paragraphs that keep every word whole at any width from 40 columns up.

As the screen narrows, a table gives way in this order: each column that wraps gets
narrower, down to its longest word; then the least useful columns are left out (each
column says when: `drop` 1 first, then 2, ...); when even the columns that must stay
cannot fit, every row becomes a card, a stack of `Label: value` lines. Ids and
numbers (`wraps=False`) are never wrapped or cut; text is wrapped only at spaces, and a
single word wider than the whole line is shortened and ends in "…". A width of None
means no limit: off a terminal, lines stay whole for grep, files and screen readers.

Pure, with no dependencies: `history`, `stats` and `today` import no rich, and the
catalogue draws the same fit (`fit`) with rich.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

ELLIPSIS = "…"
COMFORT = 10  # a column that wraps is not made narrower than this (or its widest cell)
CSI = re.compile(r"\x1b\[[0-9;]*m")  # the styles the history views write


class Column(NamedTuple):
    """A column: its header; whether its cells may wrap (False for ids, numbers, dates);
    when it is left out as the screen narrows (0: never; 1 goes first, then 2, ...);
    whether it joins the first line of a card (the row's id does, always); the width
    below which it is not wrapped (less where its widest cell is narrower)."""

    header: str
    wraps: bool = True
    drop: int = 0
    head: bool = False
    least: int = COMFORT


class Fit(NamedTuple):
    """The columns that are shown (by index) and the width of each."""

    kept: tuple[int, ...]
    widths: tuple[int, ...]


# What a terminal draws two cells wide (East Asian wide and full-width forms, emoji) and
# zero wide (combining marks), in ranges: `unicodedata` is not importable everywhere
# backpain runs (it is a compiled module), and these ranges cover the text people write.
WIDE = (
    (0x1100, 0x115F),
    (0x2E80, 0x303E),
    (0x3041, 0x33FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xA000, 0xA4CF),
    (0xAC00, 0xD7A3),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF00, 0xFF60),
    (0xFFE0, 0xFFE6),
    (0x1F300, 0x1F64F),
    (0x1F900, 0x1F9FF),
    (0x20000, 0x3FFFD),
)
ZERO = ((0x0300, 0x036F), (0x200B, 0x200F), (0x20D0, 0x20FF), (0xFE00, 0xFE0F))


def _width(character: str) -> int:
    code = ord(character)
    if any(low <= code <= high for low, high in ZERO):
        return 0
    return 2 if any(low <= code <= high for low, high in WIDE) else 1


def cells(text: str) -> int:
    """How many terminal cells TEXT takes: East Asian wide characters take two,
    combining marks none, style escapes none."""
    if "\x1b" in text:
        text = CSI.sub("", text)
    if text.isascii():
        return len(text)
    return sum(_width(character) for character in text)


def longest_word(text: str) -> int:
    return max((cells(word) for word in text.split()), default=0)


def shorten(text: str, width: int) -> str:
    """TEXT in at most WIDTH cells: cut at a space where one is near enough, ending
    in "…"."""
    if cells(text) <= width:
        return text
    kept = text
    while cells(kept) > width - 1:
        kept = kept[:-1]
    space = kept.rfind(" ")
    if space > len(kept) // 2:
        kept = kept[:space]
    return kept.rstrip() + ELLIPSIS


def shorten_path(path: str, width: int | None) -> str:
    """PATH in at most WIDTH cells: its end (the file's name) after "…" and a folder
    separator, where it is too long."""
    if width is None or cells(path) <= width:
        return path
    tail = path[-(width - 1) :]
    cut = tail.find("/", 1)
    return ELLIPSIS + (tail[cut:] if cut != -1 else tail)


def wrap(text: str, width: int | None, *, first: int | None = None) -> list[str]:
    """TEXT in lines of at most WIDTH cells (the first line FIRST, when given), broken
    only at spaces (the spaces within a line kept as written); a word wider than a whole
    line is shortened (see `shorten`). No width: one line."""
    room = width if first is None else first
    if width is None or room is None or cells(text) <= room:
        return [text]
    lines: list[str] = []
    parts = re.split(r"( +)", text.strip(" "))  # word, spaces, word, ..., word
    line, space = "", ""
    for word, after in zip(parts[0::2], [*parts[1::2], ""], strict=True):
        if cells(word) > room:
            word = shorten(word, room)
        if line and cells(line) + cells(space) + cells(word) > room:
            lines.append(line)
            line, room = word, width
        else:
            line += space + word
        space = after
    lines.append(line)
    return lines


def paragraph(
    text: str, width: int | None, *, indent: str = "", hang: str | None = None
) -> list[str]:
    """TEXT wrapped to WIDTH: its first line after INDENT, the others after HANG
    (INDENT when not given), as a list item or a label's text reads."""
    hang = indent if hang is None else hang
    if width is None:
        return [indent + text]
    lines = wrap(text, max(width - cells(hang), 1), first=max(width - cells(indent), 1))
    return [(indent if number == 0 else hang) + line for number, line in enumerate(lines)]


def phrases(
    items: Sequence[str], width: int | None, *, indent: str = "", gap: str = "  "
) -> list[str]:
    """ITEMS (short phrases, such as a legend's) on lines of WIDTH after INDENT, GAP
    between them: a phrase starts a new line rather than being broken, and is wrapped
    at spaces only when it is wider than a whole line. No width: one line."""
    if width is None:
        return [indent + gap.join(items)]
    lines: list[str] = []
    line = ""
    for item in items:
        joined = f"{line}{gap}{item}" if line else item
        if cells(indent) + cells(joined) <= width:
            line = joined
            continue
        if line:
            lines.append(indent + line)
        *whole, last = paragraph(item, width, indent=indent)
        lines += whole
        line = last[len(indent) :]
    return [*lines, indent + line] if line else lines


def fit(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int | None, *, gap: int
) -> Fit | None:
    """Which columns to show and how wide, or None when a card for each row fits better
    (the columns that must stay do not fit side by side)."""
    natural = [
        max([cells(column.header), *(cells(row[number]) for row in rows)])
        for number, column in enumerate(columns)
    ]
    smallest = [
        max(
            [
                cells(column.header),
                min(natural[number], column.least),
                *(longest_word(row[number]) for row in rows),
            ]
        )
        if column.wraps
        else natural[number]
        for number, column in enumerate(columns)
    ]
    kept = [number for number in range(len(columns)) if natural[number]]  # empty: none
    if width is None:
        return Fit(tuple(kept), tuple(natural[number] for number in kept))

    def needed(chosen: list[int], sizes: list[int]) -> int:
        return sum(sizes[number] for number in chosen) + gap * (len(chosen) - 1)

    for rank in sorted({column.drop for column in columns if column.drop}):
        if needed(kept, smallest) <= width:
            break
        kept = [number for number in kept if columns[number].drop != rank]
    if needed(kept, smallest) > width:
        return None
    widths = {number: smallest[number] for number in kept}
    spare = width - needed(kept, smallest)
    # Each column that wraps gets a share of what is left, by how much more it could use.
    wanting = sum(natural[number] - widths[number] for number in kept)
    if wanting <= spare:
        return Fit(tuple(kept), tuple(natural[number] for number in kept))
    for number in kept:
        widths[number] += (natural[number] - widths[number]) * spare // wanting
    return Fit(tuple(kept), tuple(widths[number] for number in kept))


def bold(text: str, styled: bool) -> str:
    return f"\x1b[1m{text}\x1b[0m" if styled else text


def dim(text: str, styled: bool) -> str:
    return f"\x1b[2m{text}\x1b[0m" if styled else text


def _pad(text: str, width: int) -> str:
    return text + " " * (width - cells(text))


def table_lines(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    width: int | None,
    *,
    gap: int = 2,
    indent: str = "",
    styled: bool = False,
    notes: dict[int, list[str]] | None = None,
) -> list[str]:
    """The table as lines of at most WIDTH cells (a header when the columns have one, and
    under it a rule when styled), or its cards. `notes` by row: lines under the row
    (`note: ...`, `from: ...`), each wrapped under the second column."""
    notes = notes or {}
    room = None if width is None else width - cells(indent)
    found = fit(columns, rows, room, gap=gap)
    if found is None:
        return card_lines(columns, rows, room, indent=indent, styled=styled, notes=notes)
    kept, widths = found
    space = " " * gap
    lines = []
    if any(column.header for column in columns):
        header = space.join(_pad(columns[n].header, w) for n, w in zip(kept, widths, strict=True))
        lines.append(indent + bold(header.rstrip(), styled))
        if styled:
            lines.append(indent + dim(space.join("─" * w for w in widths), styled))
    for number, row in enumerate(rows):
        wrapped = [
            wrap(row[n], w) if columns[n].wraps else [row[n]]
            for n, w in zip(kept, widths, strict=True)
        ]
        for line in range(max(len(cell) for cell in wrapped)):
            parts = [
                _pad(cell[line] if line < len(cell) else "", w)
                for cell, w in zip(wrapped, widths, strict=True)
            ]
            lines.append((indent + space.join(parts)).rstrip())
        if number in notes:
            under = indent + " " * (widths[0] + gap)
            for note in notes[number]:
                lines.extend(paragraph(note, width, indent=under, hang=under + "      "))
    return lines


def card_lines(
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    width: int | None,
    *,
    indent: str = "",
    styled: bool = False,
    notes: dict[int, list[str]] | None = None,
) -> list[str]:
    """Each row as a card: its first cell (and the `head` columns' cells that fit beside
    it) on a line, then each other cell under its column's label; a blank line between
    cards."""
    notes = notes or {}
    label_width = max(cells(column.header) for column in columns[1:]) + 1
    inner = indent + "  "
    lines: list[str] = []
    for number, row in enumerate(rows):
        if lines:
            lines.append("")
        head = row[0]
        rest: list[tuple[Column, str]] = []
        for column, cell in zip(columns[1:], row[1:], strict=True):
            if (
                column.head
                and not rest
                and (width is None or cells(head) + 2 + cells(cell) <= width)
            ):
                head = f"{head}  {cell}"
            elif cell:
                rest.append((column, cell))
        if width is None or cells(indent) + cells(head) <= width:
            lines.append(indent + bold(head, styled))
        else:  # a long title: between words, never cut by the terminal
            first, *more = wrap(
                head, max(width - cells(inner), 1), first=max(width - cells(indent), 1)
            )
            lines.append(indent + bold(first, styled))
            lines.extend(inner + bold(line, styled) for line in more)
        unlabelled = "  ".join(cell for column, cell in rest if not column.header)
        if unlabelled:  # as a table without headers reads: side by side
            lines.extend(paragraph(unlabelled, width, indent=inner))
        for column, cell in rest:
            if column.header:
                label = _pad(f"{column.header}:", label_width) + " "
                lines.extend(
                    paragraph(cell, width, indent=inner + label, hang=inner + " " * cells(label))
                )
        for note in notes.get(number, []):
            lines.extend(paragraph(note, width, indent=inner, hang=inner + "      "))
    return lines
