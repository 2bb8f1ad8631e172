"""A corpus of hostile input: every control character and escape form in every text
field of an otherwise valid routine, in file names and in history rows; bidi controls;
names in every shape. `test_hostile.py` feeds it through every command and checks the
bytes written. Run it by hand to look at the files:

    python tests/hostile.py /tmp/hostile      # writes routines/, names/, history.sqlite3

Each routine is valid in every other respect (checked by `test_hostile.py` on the same
routine without the hostile text), so a refusal is about the rule it targets.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

BIDI = [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]
# Every character a terminal could obey or that reorders text: C0 (newline and tab
# included: they must not break a one-line field), DEL, C1, bidi controls.
UNSAFE = [*range(0x20), 0x7F, *range(0x80, 0xA0), *BIDI]
# YAML's named escapes of control characters, as written in a double-quoted scalar.
NAMED_ESCAPES = {
    "\\0": "nul",
    "\\a": "bel",
    "\\b": "bs",
    "\\t": "tab",
    "\\n": "lf",
    "\\v": "vt",
    "\\f": "ff",
    "\\r": "cr",
    "\\e": "esc",
    "\\N": "nel",
}
# What a page on the web would paste: title, screen, alternate screen, bell, C1 CSI.
ATTACK = "\\e]0;pwned\\a\\e[2J\\e[?1049l\\x9b31m\\u202eevil\\u2066x\\u2069"

TEXT_FIELDS = (
    "title",
    "summary",
    "source",
    "disclaimer",
    "name",
    "position",
    "equipment",
    "instructions",
    "cues",
    "caution",
)
# Fields with rules of their own (a slug, a frequency, a picture, a key name): a hostile
# value is refused by that rule, and the message quoting it must still be clean.
RULED_FIELDS = ("id", "routine-name", "counts_as", "frequency", "image", "use", "key")


def routine_yaml(values: dict[str, str]) -> str:
    """A valid routine with VALUES (YAML double-quoted scalar bodies) in those fields."""

    def q(field: str, plain: str) -> str:
        return f'"{values[field]}"' if field in values else plain

    plan = (
        [f"counts_as: {q('counts_as', '')}"]  # not with a frequency
        if "counts_as" in values
        else [f"frequency: {q('frequency', '1 per day')}"]
    )
    lines = [
        "version: 1",
        *([f"name: {q('routine-name', '')}"] if "routine-name" in values else []),
        f"title: {q('title', 'Hostile test')}",
        f"summary: {q('summary', 'A summary.')}",
        f"source: {q('source', 'A source.')}",
        f"disclaimer: {q('disclaimer', 'General education, not medical advice.')}",
        *plan,
        "exercises:",
        f"  - id: {q('id', 'ex-one')}",
        f"    name: {q('name', 'Exercise one')}",
        f"    position: {q('position', 'sitting')}",
        f"    equipment: [{q('equipment', 'chair')}]",
        "    hold: 2",
        "    reps: 1",
        "    prepare: 1",
        f"    instructions: [{q('instructions', 'Sit tall.')}]",
        f"    cues: [{q('cues', 'Breathe.')}]",
        f"    caution: {q('caution', 'Stop if it hurts.')}",
        *([f"    image: {q('image', '')}"] if "image" in values else []),
        *([f"    {q('key', '')}: 1"] if "key" in values else []),
        *([f"  - use: {q('use', '')}"] if "use" in values else []),
    ]
    return "\n".join(lines) + "\n"


def escape_of(code: int) -> str:
    """The YAML escape of a code point: `\\x1b`, `\\u202e`."""
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class Case(NamedTuple):
    name: str  # for test ids and file names
    text: str  # the routine file


def routine_cases() -> Iterator[Case]:
    """Each unsafe character in every text field at once; each named escape the same;
    the attack string in each field alone (text and ruled fields); raw bytes."""
    for code in UNSAFE:
        hostile = f"a{escape_of(code)}b"
        yield Case(f"char-{code:04x}", routine_yaml({f: hostile for f in TEXT_FIELDS}))
    for escape, label in NAMED_ESCAPES.items():
        hostile = f"a{escape}b"
        yield Case(f"named-{label}", routine_yaml({f: hostile for f in TEXT_FIELDS}))
    for field in (*TEXT_FIELDS, *RULED_FIELDS):
        value = ATTACK if field != "image" else ATTACK + ".svg"
        yield Case(f"attack-{field.replace('_', '-')}", routine_yaml({field: value}))
    # Unescaped: raw ESC and BEL (YAML refuses them), raw C1 (refused, NEL a line
    # break), raw bidi (YAML allows it).
    base = routine_yaml({})
    for code in (0x1B, 0x07, 0x9B, 0x85, 0x202E, 0x2066):
        raw = base.replace("Exercise one", f"Exercise{chr(code)}one")
        yield Case(f"raw-{code:04x}", raw)


def file_names() -> Iterator[str]:
    """File names holding each unsafe character (not NUL or /, which no file name can
    hold), an attack, and names in every shape."""
    for code in UNSAFE:
        if code not in (0x00, 0x2F):
            yield f"n{chr(code)}x.yaml"
    yield "x\x1b]0;t\x07.yaml"
    yield "\u202eevil.yaml"
    yield from ("My Neck.yaml", "UPPER.yaml", "-dash.yaml", "neck.YAML", "neck.Yml")


def history_rows() -> Iterator[tuple[str, str, str]]:
    """(routine, exercise id, exercise name) for rows written straight into SQLite, as a
    hand-edited database or an older version might hold them."""
    for code in UNSAFE:
        character = chr(code)
        yield (f"r{character}x", f"e{character}x", f"E{character}x")
    yield ("r\x1b]0;t\x07", "e\x1b[2J", "\x1b[?1049l\u202eE")


def write_history(path: Path) -> None:
    """A current history database (made by backpain) with hostile rows inserted raw."""
    from backpain_cli.history.store import open_for_recording

    history, warning = open_for_recording(path)
    assert history is not None, warning
    history.close()
    with sqlite3.connect(path) as db:
        for number, (routine, exercise_id, name) in enumerate(history_rows()):
            started = f"2026-11-{1 + number % 28:02d}T08:{number % 60:02d}:00.000+00:00"
            ended = started.replace("T08", "T09")
            cursor = db.execute(
                "INSERT INTO sessions (routine, routine_hash, started_at, ended_at, "
                "updated_at, outcome, exercises_planned, frequency, note, counts_as) "
                "VALUES (?, ?, ?, ?, ?, 'completed', 1, '1 per day', ?, ?)",
                (routine, "ab\x1b" * 4, started, ended, ended, f"note {name}\nline", routine),
            )
            db.execute(
                "INSERT INTO session_exercises (session_id, position, exercise_id, name, "
                "status, started_at, ended_at, holds_done, holds_planned, reps_done, "
                "sides_done) VALUES (?, 0, ?, ?, 'stopped-for-pain', ?, ?, 1, 1, 1, ?)",
                (cursor.lastrowid, exercise_id, name, started, ended, f"left{name}"),
            )


def write_corpus(folder: Path) -> None:
    routines = folder / "routines"
    routines.mkdir(parents=True, exist_ok=True)
    for case in routine_cases():
        (routines / f"{case.name}.yaml").write_text(case.text, encoding="utf-8")
    names = folder / "names"
    names.mkdir(exist_ok=True)
    base = routine_yaml({})
    for file_name in file_names():
        (names / file_name).write_text(base, encoding="utf-8")
    write_history(folder / "history.sqlite3")


if __name__ == "__main__":
    write_corpus(Path(sys.argv[1]))
