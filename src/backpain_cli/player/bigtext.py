"""Big digits for the countdown (and the few words the screen shows as big: PAUSED,
DONE): a 3x5 pixel font drawn with half blocks. `shaded` digits fill whole cells with a
shade instead of a solid block (at even scales, where every cell is whole), so a rest
looks unlike a hold even without colour.

`big_block` is how the screen draws them: every row of one block padded to the same
width and the block centred as a whole, so no row can move on its own (rich centres
each line after stripping its trailing spaces, which once drew a 2 as a 3).
"""

from __future__ import annotations

import math

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
    "A": ("###", "#.#", "###", "#.#", "#.#"),
    "D": ("##.", "#.#", "#.#", "#.#", "##."),
    "E": ("###", "#..", "##.", "#..", "###"),
    "N": ("##.", "#.#", "#.#", "#.#", "#.#"),
    "O": ("###", "#.#", "#.#", "#.#", "###"),
    "P": ("###", "#.#", "###", "#..", "#.."),
    "S": ("###", "#..", "###", "..#", "###"),
    "U": ("#.#", "#.#", "#.#", "#.#", "###"),
}
_HALVES = {(False, False): " ", (True, False): "▀", (False, True): "▄", (True, True): "█"}
_SHADED = {**_HALVES, (True, True): "▓"}


def big_width(text: str, scale: int) -> int:
    glyphs = sum(len(_FONT[char][0]) for char in text)
    return (glyphs + max(len(text) - 1, 0)) * scale


def big_height(scale: int) -> int:
    return math.ceil(5 * scale / 2)


def big_digits(text: str, scale: int, *, shaded: bool = False) -> list[str]:
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
    # No half block comes shaded: at odd scales, where half blocks draw the edges,
    # shaded digits would mix two inks and misdraw, so they stay solid.
    cells = _SHADED if shaded and scale % 2 == 0 else _HALVES
    return [
        "".join(cells[top, bottom] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(pixel_rows[::2], pixel_rows[1::2], strict=True)
    ]


def fit_scale(text: str, width: int, rows: int) -> int:
    """The largest scale at which `text` fits in `width` columns and `rows` rows (0: none)."""
    scale = 0
    while big_width(text, scale + 1) <= width and big_height(scale + 1) <= rows:
        scale += 1
    return scale


def big_block(text: str, scale: int, width: int, *, shaded: bool = False) -> list[str]:
    """`text` in the big font, each row exactly `width` columns (spaces on both sides),
    the block centred as a whole. Too wide for `width`: cropped on the right."""
    rows = big_digits(text, scale, shaded=shaded)
    left = max((width - len(rows[0])) // 2, 0)
    return [(" " * left + row).ljust(width)[:width] for row in rows]
