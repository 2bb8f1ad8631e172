"""`tables`: how columns give way as the screen narrows, cards, paragraphs, shortening."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from rich.console import Console

from backpain_cli import console
from backpain_cli.routines.listing import exercise_detail, routine_summary
from backpain_cli.routines.loader import load_routine
from backpain_cli.tables import (
    Column,
    Fit,
    card_lines,
    cells,
    fit,
    paragraph,
    phrases,
    shorten,
    shorten_path,
    table_lines,
    wrap,
)

ROUTINES = Path(__file__).resolve().parents[1] / "routines"
COLUMNS = (
    Column("Id", wraps=False),
    Column("Title", least=12),
    Column("Count", wraps=False, drop=1),
    Column("Where", drop=2),
)
ROWS = [
    ["upper-back-gentle", "Gentle upper back relief (movement precautions)", "2", "built-in"],
    ["knee", "Knee", "12", "yours (replaces built-in)"],
]


def test_cells_counts_what_a_terminal_draws() -> None:
    assert cells("abc") == 3
    assert cells("\x1b[1mabc\x1b[0m") == 3  # styles take no room
    assert cells("日本") == 4  # wide characters take two
    assert cells("e\u0301") == 1  # a combining accent none
    assert cells("30 s × 3") == 8


def test_shorten_ends_in_an_ellipsis_at_a_space_when_one_is_near() -> None:
    assert shorten("short", 10) == "short"
    assert shorten("Gentle upper back relief", 15) == "Gentle upper…"
    assert shorten("trigger-point", 8) == "trigger…"  # no space: cut in the word


def test_shorten_path_keeps_the_file_name() -> None:
    assert shorten_path("/a/b/c.svg", None) == "/a/b/c.svg"
    assert shorten_path("/a/b/c.svg", 20) == "/a/b/c.svg"
    assert shorten_path("/home/someone/pictures/squeeze.svg", 20) == "…/squeeze.svg"
    assert shorten_path("/x/averyveryverylongname.svg", 10) == "…gname.svg"


def test_wrap_breaks_only_at_spaces_and_keeps_spaces_within_a_line() -> None:
    assert wrap("anything at all", None) == ["anything at all"]
    assert wrap("a  bb ccc  dddd eeeee", 8) == ["a  bb", "ccc", "dddd", "eeeee"]
    assert wrap("aaa bbb ccc ddd", 7, first=3) == ["aaa", "bbb ccc", "ddd"]
    assert wrap("x" * 12 + " y", 8) == ["xxxxxxx…", "y"]  # wider than a line: shortened


def test_paragraph_hangs_its_later_lines() -> None:
    assert paragraph("one two", None, indent="  ") == ["  one two"]
    assert paragraph("note: aaa bbb ccc", 14, indent="  ", hang="        ") == [
        "  note: aaa",
        "        bbb",
        "        ccc",
    ]


def test_fit_without_a_width_gives_each_column_its_widest_cell() -> None:
    assert fit(COLUMNS, ROWS, None, gap=2) == Fit((0, 1, 2, 3), (17, 47, 5, 25))


def test_fit_wraps_then_drops_the_least_useful_then_gives_up() -> None:
    assert fit(COLUMNS, ROWS, 100, gap=2) == Fit((0, 1, 2, 3), (17, 47, 5, 25))
    wrapped = fit(COLUMNS, ROWS, 60, gap=2)
    assert wrapped is not None
    assert wrapped.kept == (0, 1, 2, 3)
    assert sum(wrapped.widths) + 6 <= 60
    assert fit(COLUMNS, ROWS, 40, gap=2) == Fit((0, 1), (17, 21))  # Count, then Where go
    assert fit(COLUMNS, ROWS, 30, gap=2) is None  # Id and Title do not fit: cards


def test_fit_leaves_out_columns_with_nothing_in_them() -> None:
    rows = [["a", ""], ["b", ""]]
    assert fit((Column("", wraps=False), Column("")), rows, 40, gap=2) == Fit((0,), (1,))


def test_table_lines_styled_with_a_rule_and_notes_under_their_row() -> None:
    lines = table_lines(
        COLUMNS, ROWS, 60, styled=True, notes={0: ["note: a note that is long enough"]}
    )
    assert lines[0].startswith("\x1b[1mId")
    assert lines[1].startswith("\x1b[2m" + "─" * 17 + "  ")
    assert all(cells(line) <= 60 for line in lines)
    assert "                   note: a note that is long enough" in lines


def test_table_lines_become_cards_with_labels_when_too_narrow() -> None:
    lines = table_lines(COLUMNS, ROWS, 30, notes={1: ["note: sore on the left side today"]})
    assert lines == [
        "upper-back-gentle",
        "  Title: Gentle upper back",
        "         relief (movement",
        "         precautions)",
        "  Count: 2",
        "  Where: built-in",
        "",
        "knee",
        "  Title: Knee",
        "  Count: 12",
        "  Where: yours (replaces",
        "         built-in)",
        "  note: sore on the left side",
        "        today",
    ]


def test_cards_put_head_columns_beside_the_id_while_they_fit() -> None:
    columns = (Column("", wraps=False), Column("", head=True), Column(""), Column(""))
    rows = [["upper-back-gentle", "2 per day", "1 of 2 done", "1 to go", ""]]
    columns = (*columns, Column("Note"))  # empty: no line
    assert card_lines(columns, rows, 30, indent="  ", styled=True) == [
        "  \x1b[1mupper-back-gentle  2 per day\x1b[0m",
        "    1 of 2 done  1 to go",
    ]
    assert card_lines(columns, rows, 20) == [
        "upper-back-gentle",
        "  2 per day  1 of 2",
        "  done  1 to go",
    ]
    assert card_lines(columns, rows, None)[0] == "upper-back-gentle  2 per day"


def _render(renderable: object, width: int) -> list[str]:
    out = io.StringIO()
    Console(file=out, width=width, color_system=None).print(renderable)
    return out.getvalue().splitlines()


def test_a_routine_summary_becomes_cards_at_40_columns() -> None:
    routine = load_routine(ROUTINES / "upper-back.yaml")
    lines = _render(routine_summary(routine, plain=False), 40)
    assert "1  rhomboid-stretch-long-sitting" in lines
    assert "  Dose:     30 s × 3" in lines
    assert max(len(line) for line in lines) <= 40


def test_an_exercise_picture_path_keeps_its_end_on_a_narrow_screen() -> None:
    routine = load_routine(ROUTINES / "upper-back.yaml")
    exercise = routine.exercises[1]
    lines = _render(exercise_detail(exercise, ["upper-back"], plain=False), 40)
    picture = next(line for line in lines if line.startswith("Picture:"))
    assert picture == "Picture:   …/scapular-squeeze.svg"
    wide = _render(exercise_detail(exercise, ["upper-back"], plain=True), 200)
    assert f"Picture:   {exercise.image}" in wide


def test_output_width(monkeypatch: pytest.MonkeyPatch) -> None:
    def terminal(tty: bool, **more: object) -> None:
        stdout = SimpleNamespace(isatty=lambda: tty, **more)
        monkeypatch.setattr(console, "sys", SimpleNamespace(stdout=stdout))

    terminal(False)
    assert console.output_width() is None  # off a terminal: no limit
    terminal(True)
    monkeypatch.setenv("COLUMNS", "57")
    assert console.output_width() == 57
    monkeypatch.setenv("COLUMNS", "wide")
    assert console.output_width() is None  # no descriptor to ask
    size = SimpleNamespace(columns=91)
    monkeypatch.setattr(console.os, "get_terminal_size", lambda fd: size)
    terminal(True, fileno=lambda: 1)
    assert console.output_width() == 91


def test_no_color_on_a_terminal_keeps_the_terminal_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr("rich.console.Console.is_terminal", property(lambda self: True))
    made = console.make_console()
    assert made.no_color
    assert made.width != 1000


def test_table_lines_plain_have_a_header_and_no_rule() -> None:
    lines = table_lines(COLUMNS, ROWS, None)
    assert lines[0] == "Id                 Title" + " " * 44 + "Count  Where"
    assert lines[1].startswith("upper-back-gentle  Gentle upper back relief")


def test_phrases_start_a_new_line_rather_than_break() -> None:
    items = ("## all due done", "++ some", "-- not due", "(blank: before your first session)")
    assert phrases(items, None, indent="  ") == [
        "  ## all due done  ++ some  -- not due  (blank: before your first session)"
    ]
    assert phrases(items, 30, indent="  ") == [
        "  ## all due done  ++ some",
        "  -- not due",
        "  (blank: before your first",
        "  session)",
    ]
    assert phrases(("a", "b"), 10) == ["a  b"]


def test_a_card_s_first_line_too_long_wraps_between_words() -> None:
    columns = (Column(""), Column("", head=True), Column(""))
    rows = [["Gentle upper back relief (movement precautions)", "2 per day", "1 to go"]]
    assert card_lines(columns, rows, 40, indent="  ") == [
        "  Gentle upper back relief (movement",
        "    precautions)",
        "    2 per day  1 to go",
    ]
    assert card_lines(columns, rows, None, indent="  ")[0] == (
        "  Gentle upper back relief (movement precautions)  2 per day"
    )


def test_a_first_phrase_wider_than_the_line_wraps_at_spaces() -> None:
    assert phrases(("one two three four", "five"), 10, indent="  ") == [
        "  one two",
        "  three",
        "  four",
        "  five",
    ]
