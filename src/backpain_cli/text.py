"""Text helpers with no dependencies: the one sanitiser for text backpain did not write,
`did_you_mean` for messages and `plural` for counts. Importing it brings only the
standard library (difflib, json, shlex, unicodedata: a few milliseconds) and no YAML,
so `backpain config` can use it.

A routine file, a file name and a row of the history database may hold anything,
including bytes a terminal obeys: ESC sequences that set the window title, clear the
screen or leave the alternate screen, C1 controls (U+0080-U+009F, which some terminals
take as ESC sequences too), DEL, and the bidi controls that make text show one thing
and mean another. Every such character is shown as a visible escape instead:

- C0 controls, DEL and C1 controls as `\\x1b`, `\\x7f`, `\\x9b` (newline and tab stay
  in `clean`, and are shown as `\\n` and `\\t` by `clean_line`);
- the bidi controls U+202A-U+202E and U+2066-U+2069 as `\\u202e` and so on;
- the invisible marks that move or hide text without a glyph of their own (the
  left-to-right, right-to-left and Arabic letter marks, zero-width space, word joiner,
  the line and paragraph separators U+2028 and U+2029, a BOM inside text...) as
  `\\u200f` and so on;
- a byte of a file name that is not UTF-8 (Python hands it over as a lone surrogate,
  U+DC80-U+DCFF) as `\\xff`, any other lone surrogate as `\\udxxx`.

Everything else, ZWJ and ZWNJ included (scripts and emoji need them), is kept. The
visible form says exactly which character was there, so the person can find and fix it;
it is plain ASCII, so it cannot change how wide the text is drawn. `dumps_json` escapes
the same characters as JSON `\\uXXXX`, which keeps the data exact and the bytes safe.
"""

from __future__ import annotations

import difflib
import json
import shlex
import unicodedata
from typing import Any

BIDI_CONTROLS = frozenset((*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
# Shown as nothing, they can reorder, join or break text all the same. ZWJ and ZWNJ
# (U+200D, U+200C) are not here: scripts and emoji need them.
INVISIBLE_MARKS = frozenset(
    (
        *(0x061C, 0x180E, 0x200B, 0x200E, 0x200F, 0x2028, 0x2029, 0xFEFF),
        *range(0x2060, 0x2065),
        *range(0x206A, 0x2070),
    )
)


def is_unsafe(code: int) -> bool:
    """Whether a terminal could obey (or text could be reordered by) this code point:
    C0, DEL, C1, a bidi control, an invisible mark or a lone surrogate. Newline and tab
    count as unsafe here; callers that allow them check for them first."""
    return (
        code < 0x20
        or 0x7F <= code < 0xA0
        or code in BIDI_CONTROLS
        or code in INVISIBLE_MARKS
        or 0xD800 <= code <= 0xDFFF
    )


def visible(character: str) -> str:
    """The visible escape shown instead of an unsafe character."""
    code = ord(character)
    if code < 0xA0:
        return f"\\x{code:02x}"
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, kept by surrogateescape
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def _cleaned(text: str, keep: str) -> str:
    if text.isprintable():  # the common case, and fast: nothing to do
        return text
    return "".join(
        visible(character)
        if character not in keep and not character.isprintable() and is_unsafe(ord(character))
        else character
        for character in text
    )


def clean(text: str) -> str:
    """TEXT with every unsafe character shown as a visible escape; newlines and tabs
    stay (for text of several lines: steps, messages)."""
    return _cleaned(text, "\n\t")


def clean_line(text: str) -> str:
    """TEXT as one safe line: `clean`, and newlines and tabs shown as `\\n`, `\\t` too
    (for names, paths and table cells, where a newline could fake another line)."""
    return _cleaned(text, "")


def json_escaped(text: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with the unsafe characters
    it leaves raw (DEL, C1, bidi controls, lone surrogates) written as `\\uXXXX`. Outside
    strings JSON is ASCII, so this only ever touches string contents."""
    if text.isprintable() or all(
        character.isprintable() or character in "\n\t" or not is_unsafe(ord(character))
        for character in text
    ):
        return text
    return "".join(
        f"\\u{ord(character):04x}"
        if character not in "\n" and is_unsafe(ord(character))
        else character
        for character in text
    )


def dumps_json(document: Any, *, indent: int | None = 2) -> str:
    """`json.dumps` for output: UTF-8 text kept readable, every unsafe character
    escaped (a routine title in Greek stays Greek; U+009B becomes `\\u009b`)."""

    return json_escaped(json.dumps(document, indent=indent, ensure_ascii=False))


def did_you_mean(word: str, choices: list[str]) -> str:
    """` (did you mean 'x'?)` when a choice is close to the word, else ``. Of the close
    choices, the fewest typing slips away wins (two letters swapped count as one slip:
    `strat` is `start`, not `stats`); among equals, the closest by difflib."""

    close = difflib.get_close_matches(word, choices, n=3, cutoff=0.6)
    if not close:
        return ""
    return f" (did you mean '{min(close, key=lambda choice: slips(word, choice))}'?)"


def slips(typed: str, meant: str) -> int:
    """How many letters typed wrong, left out, added or swapped with the next make
    TYPED out of MEANT (the optimal string alignment distance)."""
    previous: list[int] = []
    row = list(range(len(meant) + 1))
    for i in range(1, len(typed) + 1):
        before, previous, row = previous, row, [i] + [0] * len(meant)
        for j in range(1, len(meant) + 1):
            cost = typed[i - 1] != meant[j - 1]
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and typed[i - 1] == meant[j - 2] and typed[i - 2] == meant[j - 1]:
                row[j] = min(row[j], before[j - 2] + 1)
    return row[-1]


# Control characters have no character name in Unicode, only aliases: these are the
# ISO 6429 names (Unicode's control aliases, with BELL for U+0007, whose alias is ALERT
# because U+1F514 is named BELL), so a message can say which character it means.
_C0_NAMES = [
    "NULL",
    "START OF HEADING",
    "START OF TEXT",
    "END OF TEXT",
    "END OF TRANSMISSION",
    "ENQUIRY",
    "ACKNOWLEDGE",
    "BELL",
    "BACKSPACE",
    "CHARACTER TABULATION",
    "LINE FEED",
    "LINE TABULATION",
    "FORM FEED",
    "CARRIAGE RETURN",
    "SHIFT OUT",
    "SHIFT IN",
    "DATA LINK ESCAPE",
    "DEVICE CONTROL ONE",
    "DEVICE CONTROL TWO",
    "DEVICE CONTROL THREE",
    "DEVICE CONTROL FOUR",
    "NEGATIVE ACKNOWLEDGE",
    "SYNCHRONOUS IDLE",
    "END OF TRANSMISSION BLOCK",
    "CANCEL",
    "END OF MEDIUM",
    "SUBSTITUTE",
    "ESCAPE",
    "INFORMATION SEPARATOR FOUR",
    "INFORMATION SEPARATOR THREE",
    "INFORMATION SEPARATOR TWO",
    "INFORMATION SEPARATOR ONE",
]
_C1_NAMES = [
    "PADDING CHARACTER",
    "HIGH OCTET PRESET",
    "BREAK PERMITTED HERE",
    "NO BREAK HERE",
    "INDEX",
    "NEXT LINE",
    "START OF SELECTED AREA",
    "END OF SELECTED AREA",
    "CHARACTER TABULATION SET",
    "CHARACTER TABULATION WITH JUSTIFICATION",
    "LINE TABULATION SET",
    "PARTIAL LINE FORWARD",
    "PARTIAL LINE BACKWARD",
    "REVERSE LINE FEED",
    "SINGLE SHIFT TWO",
    "SINGLE SHIFT THREE",
    "DEVICE CONTROL STRING",
    "PRIVATE USE ONE",
    "PRIVATE USE TWO",
    "SET TRANSMIT STATE",
    "CANCEL CHARACTER",
    "MESSAGE WAITING",
    "START OF GUARDED AREA",
    "END OF GUARDED AREA",
    "START OF STRING",
    "SINGLE GRAPHIC CHARACTER INTRODUCER",
    "SINGLE CHARACTER INTRODUCER",
    "CONTROL SEQUENCE INTRODUCER",
    "STRING TERMINATOR",
    "OPERATING SYSTEM COMMAND",
    "PRIVACY MESSAGE",
    "APPLICATION PROGRAM COMMAND",
]


def character_name(character: str) -> str:
    """`U+001B ESCAPE`, `U+202E RIGHT-TO-LEFT OVERRIDE`: a character as messages name it."""
    code = ord(character)
    if code < 0x20:
        name = _C0_NAMES[code]
    elif code == 0x7F:
        name = "DELETE"
    elif 0x80 <= code < 0xA0:
        name = _C1_NAMES[code - 0x80]
    else:
        name = unicodedata.name(character, "")
    return f"U+{code:04X} {name}".rstrip()


def plural(count: int, word: str) -> str:
    """`1 session`, `2 sessions`: the count and its noun (plural by an s)."""
    return f"{count} {word}{'' if count == 1 else 's'}"


def shell_word(word: str) -> str:
    """A word (a routine's name or path) as a command to type: quoted only when a shell
    would split or change it."""

    return shlex.quote(word)


def unsafe_text_problem(value: str) -> str | None:
    """Why a routine file's text holding a terminal control, a bidi control or an
    invisible mark is refused, or None.

    Checked on the value YAML decoded (`"\\e"`, `"\\x9b"` and `"\\u202e"` are the
    characters they stand for). Newlines and tabs are how text is laid out; lone
    surrogates have a message of their own."""
    if value.isprintable():
        return None
    for character in value:
        code = ord(character)
        if character in "\n\t" or 0xD800 <= code <= 0xDFFF or not is_unsafe(code):
            continue
        if code in BIDI_CONTROLS:
            return (
                f"has a bidirectional control ({character_name(character)}), which can make "
                "text show one thing and mean another; remove it"
            )
        if code in INVISIBLE_MARKS:
            return (
                f"has an invisible mark ({character_name(character)}), which can make "
                "text show one thing and mean another; remove it"
            )
        return (
            f"has a control character ({character_name(character)}), which a terminal "
            "would obey; remove it"
        )
    return None
