"""The exercises a routine uses from the library beside it, merged into the user's own
exercises.yaml with the rest of that file kept as written."""

from __future__ import annotations

import pytest
import yaml

from backpain_cli.errors import BackpainError
from backpain_cli.transfer.used_exercises import merge_entries, used_entries

A = {"id": "a", "name": "A", "hold": 5, "instructions": ["Do A."]}
B = {"id": "b", "name": "B", "use": "a", "hold": 3}
C = {"id": "c", "name": "C", "hold": 3, "instructions": ["C!"]}


def test_used_entries_follows_uses_once_and_skips_the_routines_own() -> None:
    routine = {
        "exercises": [
            {"use": "b"},
            {"use": "a"},
            {"id": "c", "name": "Own C", "hold": 1, "instructions": ["x"]},
            {"use": "c"},
            {"use": "upper-back/scapular-squeeze"},
            "odd",
        ]
    }
    assert used_entries(routine, {"a": A, "b": B, "c": C}) == [B, A]
    assert used_entries(["not", "a", "routine"], {"a": A}) == []


CURRENT = """\
# mine
version: 1
exercises:
  - id: a
    name: A  # comment
    hold: 5
    instructions:
      - Do A.
  # between
  - id: b
    name: B
    hold: 5
    instructions: [Do B.]
  - not an entry
# trailing
"""


def test_merge_keeps_the_file_appends_new_and_replaces_changed() -> None:
    changed_b = {"id": "b", "name": "B2", "hold": 6, "instructions": ["Do B."]}
    merged = merge_entries(CURRENT, [changed_b, C, A])
    assert (merged.added, merged.changed) == (["c"], ["b"])
    assert merged.text == (
        "# mine\nversion: 1\nexercises:\n  - id: a\n    name: A  # comment\n    hold: 5\n"
        "    instructions:\n      - Do A.\n  # between\n  - id: b\n    name: B2\n    hold: 6\n"
        "    instructions:\n    - Do B.\n  - not an entry\n  - id: c\n    name: C\n"
        "    hold: 3\n    instructions:\n    - C!\n# trailing\n"
    )
    assert yaml.safe_load(merged.text)["exercises"] == [A, changed_b, "not an entry", C]


def test_merge_without_a_file_or_entries() -> None:
    assert merge_entries(CURRENT, []).text is None
    assert merge_entries(CURRENT, [A]).text is None  # identical: left alone
    made = merge_entries(None, [A])
    assert made.added == ["a"]
    assert yaml.safe_load(made.text or "") == {"version": 1, "exercises": [A]}


def test_merge_after_a_last_line_without_a_newline() -> None:
    merged = merge_entries("version: 1\nexercises:\n- id: x\n  name: X", [C])
    assert merged.text == (
        "version: 1\nexercises:\n- id: x\n  name: X\n- id: c\n  name: C\n  hold: 3\n"
        "  instructions:\n  - C!\n"
    )


@pytest.mark.parametrize(
    "current",
    ["version: 1\nexercises: [{id: x}]\n", "version: 1\n", "- a list\n", "a: [unclosed\n"],
)
def test_merge_refuses_a_file_it_cannot_extend(current: str) -> None:
    with pytest.raises(BackpainError) as caught:
        merge_entries(current, [A, C])
    assert str(caught.value) == (
        "your exercises.yaml has no block list of exercises to add to; add a, c to it yourself"
    )


def test_merge_replaces_an_entry_ending_in_a_block_text() -> None:
    current = "version: 1\nexercises:\n  - id: a\n    name: A\n    caution: |\n      Careful.\n\n"
    merged = merge_entries(current, [A])
    assert merged.text == (
        "version: 1\nexercises:\n  - id: a\n    name: A\n    hold: 5\n    instructions:\n"
        "    - Do A.\n\n"
    )
