"""The one sanitiser (text.py), the one name rule (routines/names.py) and what is really
at a path (files.py)."""

from __future__ import annotations

import json
import os
import socket
import stat
from datetime import datetime, timezone
from pathlib import Path, PurePath

import pytest
from other_user import as_other_user

from backpain_cli.errors import Problem, RoutineError
from backpain_cli.files import exists_somehow, file_problem, kind_of
from backpain_cli.history.records import (
    ExerciseRecord,
    ExerciseStatus,
    SessionOutcome,
    SessionRecord,
)
from backpain_cli.routines.model import Exercise, Routine
from backpain_cli.routines.names import (
    file_name_problem,
    is_routine_name,
    name_from_file,
    suggested_name,
)
from backpain_cli.text import (
    character_name,
    clean,
    clean_line,
    did_you_mean,
    dumps_json,
    is_unsafe,
    slips,
)

EVERY_UNSAFE = (
    [chr(c) for c in range(0x20)]
    + ["\x7f"]
    + [chr(c) for c in range(0x80, 0xA0)]
    + [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
    + ["\udcff", "\ud800"]
)


def assert_safe(text: str) -> None:
    bad = [hex(ord(c)) for c in text if is_unsafe(ord(c)) and c not in "\n\t"]
    assert not bad, (bad, text)


def test_printable_text_is_kept_exactly() -> None:
    for text in ("Rhomboid stretch", "Ελληνικά", "👩‍⚕️ with ZWJ", "a\u200cb", "[bold]x[/]", ""):
        assert clean(text) == text
        assert clean_line(text) == text


@pytest.mark.parametrize("character", EVERY_UNSAFE)
def test_every_unsafe_character_becomes_a_visible_escape(character: str) -> None:
    shown = clean_line(f"a{character}b")
    assert shown.startswith("a") and shown.endswith("b")
    assert shown.isascii() and shown.isprintable()
    assert "\\" in shown
    assert_safe(clean(f"a{character}b"))


def test_the_visible_forms() -> None:
    assert clean("\x1b]0;pwned\x07 A") == "\\x1b]0;pwned\\x07 A"
    assert clean("\x9b\x7f\x00") == "\\x9b\\x7f\\x00"
    assert clean("evil\u202eoops") == "evil\\u202eoops"
    assert clean("not utf-8: \udcff") == "not utf-8: \\xff"
    assert clean("two\nlines\tand a tab\r") == "two\nlines\tand a tab\\x0d"
    assert clean_line("two\nlines\tand") == "two\\x0alines\\x09and"


def test_clean_is_idempotent() -> None:
    once = clean("".join(EVERY_UNSAFE))
    assert clean(once) == once


def test_json_keeps_the_data_exact_and_the_bytes_safe() -> None:
    document = {"name": "a\x1b\x9b\x7f\u202e\u2066b", "greek": "Ελληνικά", "n": [1, None]}
    text = dumps_json(document)
    assert json.loads(text) == document
    assert "Ελληνικά" in text
    assert_safe(text)
    assert "\\u009b" in text and "\\u007f" in text and "\\u202e" in text


def test_json_of_a_lone_surrogate_does_not_crash_and_is_ascii_escaped() -> None:
    text = dumps_json({"file": "x\udcff.yaml"})
    assert "\\udcff" in text
    text.encode("utf-8")  # printable as UTF-8 without an error


def test_model_values_never_hold_raw_controls() -> None:
    exercise = Exercise(
        id="a",
        name="\x1b[?1049lA",
        instructions=("step\x07", "two\nlines"),
        hold=5,
        position="\u202eevil",
        equipment=("ball\x9b",),
        cues=("\x1b]0;t\x07",),
        caution="\x7f",
    )
    routine = Routine(name="r", title="\x1b]2;title\x07", exercises=(exercise,), summary="\x00")
    for text in (
        exercise.name,
        *exercise.instructions,
        exercise.position,
        *exercise.equipment,
        *exercise.cues,
        exercise.caution,
        routine.title,
        routine.summary,
    ):
        assert_safe(text)
    assert exercise.instructions[1] == "two\nlines"  # steps may have several lines
    assert exercise.name == "\\x1b[?1049lA"


def test_history_records_never_hold_raw_controls() -> None:
    now = datetime(2026, 11, 1, tzinfo=timezone.utc)
    record = ExerciseRecord(
        0, "a\x1b", "name\x9b\n", ExerciseStatus.DONE, now, now, sides_done=("l\x07",)
    )
    session = SessionRecord(
        1, "r\x1b]0;t\x07", b"\x1b".hex() + "\x1b", now, now, SessionOutcome.COMPLETED, 1
    )
    for text in (
        record.exercise_id,
        record.name,
        *record.sides_done,
        session.routine,
        session.routine_hash,
    ):
        assert_safe(text)
        assert "\n" not in text
    odd = SessionRecord(2, 42, b"\x1b[2J", now, now, SessionOutcome.PARTIAL, 1)  # type: ignore[arg-type]
    assert odd.routine == "42" and "\x1b" not in odd.routine_hash


def test_error_messages_are_clean() -> None:
    error = RoutineError(Problem("x\x1b]0;t\x07\n.yaml", "got text '\x9b'", 1, 2, "ex\u202e"))
    assert str(error) == "x\\x1b]0;t\\x07\\x0a.yaml:1:2: ex\\u202e: got text '\\x9b'"


@pytest.mark.parametrize(
    ("file_name", "rename_to"),
    [
        ("My Neck.yaml", "my-neck.yaml"),
        ("UPPER.yaml", "upper.yaml"),
        ("-dash.yaml", "dash.yaml"),
        ("neck.YAML", "neck.yaml"),
        ("neck.Yml", "neck.yml"),
        ("neck.txt", "neck.yaml"),
        ("neck", "neck.yaml"),
        ("x\x1b]0;t\x07.yaml", "x-0-t.yaml"),
        ("exercises.yml", "my-exercises.yml"),
        ("a" * 70 + ".yaml", "a" * 64 + ".yaml"),
    ],
)
def test_unplayable_file_names_say_what_to_rename_them_to(file_name: str, rename_to: str) -> None:
    problem = file_name_problem(PurePath(file_name))
    assert problem is not None
    assert problem.endswith(f"rename it to {rename_to}")
    assert_safe(problem)
    assert is_routine_name(rename_to.rsplit(".", 1)[0])


def test_a_file_of_only_other_characters_gets_a_generic_suggestion() -> None:
    problem = file_name_problem(PurePath("———.yaml"))
    assert problem is not None and problem.endswith("rename it, e.g. my-routine.yaml")
    assert suggested_name("———") is None
    assert name_from_file(PurePath("———.yaml")) == "routine"


@pytest.mark.parametrize("file_name", ["neck.yaml", "neck-2.yml", "exercises.yaml", "0.yaml"])
def test_playable_file_names(file_name: str) -> None:
    assert file_name_problem(PurePath(file_name)) is None


def test_names_from_files_follow_the_name_rule() -> None:
    assert name_from_file(PurePath("/x/My Neck.yaml")) == "my-neck"
    assert name_from_file(PurePath("/x/neck.yaml")) == "neck"
    assert not is_routine_name("neck\n")  # `$` of a pattern would let this through
    assert not is_routine_name("exercises")


def test_what_is_really_at_a_path(tmp_path: Path) -> None:
    regular = tmp_path / "a.yaml"
    regular.write_text("x")
    assert file_problem(regular) is None
    assert file_problem(tmp_path) == "is a folder, not a file"
    assert file_problem(tmp_path / "missing.yaml") == "no such file"
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    assert file_problem(loop) == "is a symbolic link loop (it leads back to itself)"
    dangling = tmp_path / "dangling.yaml"
    dangling.symlink_to(tmp_path / "gone.yaml")
    assert (
        file_problem(dangling)
        == f"is a symbolic link to {tmp_path / 'gone.yaml'}, which does not exist"
    )
    assert file_problem(Path(os.devnull)) == "is a character device, not a file"
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    assert file_problem(pipe) == "is a named pipe (FIFO), not a file"
    assert file_problem(regular / "below") == "no such file (a folder in its path is a file)"
    assert file_problem(tmp_path / ("x" * 300)) == "cannot be reached (File name too long)"


def test_a_socket_is_named_as_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a socket's path is limited to about 100 bytes
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind("backpain.sock")
        assert file_problem(tmp_path / "backpain.sock") == "is a socket, not a file"


def test_kinds_no_folder_here_shows() -> None:
    assert kind_of(stat.S_IFBLK | 0o660) == "a block device"  # a disk, e.g. /dev/sda
    assert kind_of(0o644) == "not a regular file"  # a mode of no type this system knows


def test_a_file_in_a_folder_that_may_not_be_entered(tmp_path: Path) -> None:
    closed = tmp_path / "closed"
    closed.mkdir()
    (closed / "a.yaml").write_text("x")
    closed.chmod(0)
    try:
        with as_other_user():
            problem = file_problem(closed / "a.yaml")
            something = exists_somehow(closed / "a.yaml")
    finally:
        closed.chmod(0o755)
    assert problem == "cannot be reached (permission denied)"
    assert something  # something may be there: it is not "no such file"


def test_did_you_mean() -> None:
    assert did_you_mean("uper-back", ["upper-back", "upper-back-chair"]) == (
        " (did you mean 'upper-back'?)"
    )
    assert did_you_mean("xyz", ["upper-back"]) == ""
    assert did_you_mean("anything", []) == ""
    # Two letters swapped are one slip: `strat` is `start`, though difflib likes `stats`.
    assert did_you_mean("strat", ["stats", "start", "show"]) == " (did you mean 'start'?)"
    assert did_you_mean("stat", ["stats", "start"]) == " (did you mean 'stats'?)"  # a tie


def test_slips_counts_typing_slips() -> None:
    assert slips("strat", "start") == 1  # swapped
    assert slips("strat", "stats") == 2
    assert slips("kitten", "sitting") == 3
    assert slips("", "abc") == slips("abc", "") == 3


def test_character_names_are_the_standard_ones() -> None:
    import unicodedata

    assert character_name("\x1b") == "U+001B ESCAPE"
    assert character_name("\x00") == "U+0000 NULL"
    assert character_name("\x7f") == "U+007F DELETE"
    assert character_name("\x9b") == "U+009B CONTROL SEQUENCE INTRODUCER"
    assert character_name("\u202e") == "U+202E RIGHT-TO-LEFT OVERRIDE"
    assert character_name("\x07") == "U+0007 BELL"  # ISO 6429; Unicode's alias is ALERT
    assert unicodedata.lookup("ALERT") == "\x07"
    assert character_name("\ue000") == "U+E000"  # a private-use character has no name
    # Every other control's name is one of Unicode's aliases for it.
    for code in [*range(0x20), 0x7F, *range(0x80, 0xA0)]:
        if code != 0x07:
            name = character_name(chr(code)).split(" ", 1)[1]
            assert unicodedata.lookup(name) == chr(code), hex(code)
