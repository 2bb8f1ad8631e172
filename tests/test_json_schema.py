"""`backpain schema` and the loader agree: on every built-in routine, and on tests/invalid/.

Each file in tests/invalid/ starts with comments that say the rule it breaks, what the
schema makes of it and the loader's message word for word:

    # Rule: A hold is at least 1 second.
    # schema: rejects
    # loader: {file}:9:11: exercises[0].hold: must be between 1 and 600 seconds, got 0

Rules only the loader checks say so (`# schema: accepts (only the loader checks this:
why)`), and this test proves the schema really does accept them, so the list of gaps
stays true:

- duplicate keys (YAML parsers keep the last value; the schema never sees the first),
- duplicate exercise ids (JSON Schema cannot ask for a property unique across a list),
- numbers written other than in plain digits (YAML 1.1 reads 0x1e and 1:30 as numbers),
- anchors and aliases (a schema sees the document after they are expanded).

Files that are not one readable YAML document (syntax errors, control characters,
non-UTF-8 bytes, two documents, a python tag, an alias bomb) are `not applicable`: an
editor's schema check never gets that far, and the loader's own message is checked.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from backpain_cli.errors import RoutineError
from backpain_cli.routines.format import (
    DEFAULTS_KEYS,
    EXERCISE_KEYS,
    LIBRARY_KEYS,
    PAIN_RULE_KEYS,
    PROGRESSION_KEYS,
    ROUTINE_KEYS,
    USE_KEYS,
    Key,
)
from backpain_cli.routines.json_schema import routine_schema
from backpain_cli.routines.loader import load_routine
from backpain_cli.routines.model import format_duration
from backpain_cli.routines.reader import YAML_LOADERS
from backpain_cli.routines.timeline import build_timeline

TESTS = Path(__file__).resolve().parent
ROUTINES = TESTS.parent / "routines"
INVALID = sorted((TESTS / "invalid").glob("*.yaml"))
BUILTIN = sorted(p for p in ROUTINES.glob("*.yaml") if p.name != "exercises.yaml")


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = routine_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def header(path: Path) -> dict[str, list[str]]:
    """The `# key: value` comments at the top of an invalid file."""
    found: dict[str, list[str]] = {}
    for line in path.read_bytes().split(b"\n"):
        match = re.match(rb"# (\w+): (.*)", line)
        if not match:
            break
        found.setdefault(match[1].decode(), []).append(match[2].decode())
    return found


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(routine_schema())


def test_the_schema_is_the_command_output_and_json(runner: Any) -> None:
    from backpain_cli.cli import cli

    result = runner.invoke(cli, ["schema"])
    assert json.loads(result.stdout) == routine_schema()


@pytest.mark.parametrize("path", BUILTIN, ids=lambda p: p.name)
def test_every_builtin_routine_validates(
    path: Path, validator: jsonschema.Draft202012Validator
) -> None:
    load_routine(path)  # the loader takes it
    errors = [e.message for e in validator.iter_errors(yaml.safe_load(path.read_text()))]
    assert errors == []


def test_there_are_builtins_and_invalid_files() -> None:
    assert len(BUILTIN) >= 3
    assert len(INVALID) >= 30


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_loader_refuses_with_the_documented_message(path: Path) -> None:
    expected = "\n".join(header(path)["loader"]).replace("{file}", str(path))
    with pytest.raises(RoutineError) as caught:
        load_routine(path)
    message = str(caught.value)
    if "invalid YAML:" in expected and YAML_LOADERS[0].__name__ != "_CLoader":
        # PyYAML's own parser words syntax errors differently from libyaml.
        expected, message = expected.split("invalid YAML:")[0], message.split("invalid YAML:")[0]
    assert message == expected


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_schema_agrees_with_the_loader(
    path: Path, validator: jsonschema.Draft202012Validator
) -> None:
    (verdict,) = header(path)["schema"]
    if verdict.startswith("not applicable"):
        return  # see the module docstring; never parse the alias bomb with a plain parser
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = list(validator.iter_errors(document))
    if verdict == "rejects":
        assert errors, f"the schema accepts {path.name}, the loader does not"
    else:
        assert verdict.startswith("accepts (only the loader checks this: ")
        assert errors == [], "the schema now checks this too: update the file's header"


@pytest.mark.parametrize(
    "path", [p for p in INVALID if "not applicable" in header(p)["schema"][0]], ids=lambda p: p.stem
)
def test_not_applicable_files_are_not_one_safe_yaml_document(path: Path) -> None:
    if path.stem == "alias-bomb":
        return  # expanding it is the attack
    with pytest.raises((yaml.YAMLError, UnicodeDecodeError)):
        yaml.safe_load(path.read_bytes().decode("utf-8"))


def test_every_key_of_the_format_is_in_the_schema() -> None:
    schema = routine_schema()
    assert set(schema["properties"]) == set(ROUTINE_KEYS)
    assert set(schema["$defs"]["exercise"]["properties"]) == set(EXERCISE_KEYS)
    assert set(schema["properties"]["defaults"]["properties"]) == set(DEFAULTS_KEYS)
    hold = schema["$defs"]["exercise"]["properties"]["hold"]
    assert (hold["type"], hold["minimum"], hold["maximum"]) == ("integer", 1, 600)
    assert hold["description"] == "How long each rep is held. Unit: seconds."


# -- docs/routine-format.md: its key tables are generated from routine_format ------------
#
# The tables between `<!-- table: NAME -->` and `<!-- /table -->` are what `key_table`
# makes of routine_format; after changing the format, regenerate them with
#   BACKPAIN_UPDATE_DOCS=1 pytest tests/test_json_schema.py -k docs

FORMAT_DOC = TESTS.parent / "docs" / "routine-format.md"
TABLES = {
    "routine": ROUTINE_KEYS,
    "exercise": EXERCISE_KEYS,
    "defaults": DEFAULTS_KEYS,
    "use": {key: USE_KEYS[key] for key in ("use", "id")},
    "library": LIBRARY_KEYS,
    "progression": PROGRESSION_KEYS,
    "pain_rule": PAIN_RULE_KEYS,
}
_TYPES = {
    "int": "whole number",
    "version": "whole number",
    "text": "text",
    "slug": "id",
    "frequency": "text",
    "texts": "list of text",
    "sides": "list of sides",
    "map": "mapping",
    "list": "list of exercises",
    "use": "reference",
    "image": "path",
    "pace": "word",
    "bool": "true/false",
    "progression": "mapping",
    "steps": "list of steps",
    "pain_rule": "word",
    "pain_action": "word",
    "rule_map": "mapping",
    "rate": "word",
}
_SPECIAL_DEFAULTS = {
    ("routine", "name"): "the file name",
    ("routine", "disclaimer"): "the standard disclaimer",
    ("exercise", "hold"): "from `defaults`",
    ("routine", "frequency"): "none",
    ("use", "id"): "the id it uses",
}


def _range(spec: Key) -> str:
    if spec.kind == "int":
        return f"{spec.minimum}–{spec.maximum}"
    if spec.kind == "version":
        return "1"
    if spec.kind == "text":
        return f"1–{spec.max_length} characters"
    if spec.kind == "slug":
        return "1–64 of `a-z`, `0-9`, `-`; not starting with `-`"
    if spec.kind == "frequency":
        return "`N per day` or `N per week`, N 1–10"
    if spec.kind == "texts":
        return (
            f"{1 if spec.required else 0}–{spec.max_items} items of 1–{spec.max_length} characters"
        )
    if spec.kind == "sides":
        return (
            f"`left`, `right`, or labels of 1–{spec.max_length} characters; "
            f"at most {spec.max_items}, each once"
        )
    if spec.kind == "pace":
        return "`self`"
    if spec.kind == "rate":
        return "`pain` or `effort`"
    if spec.kind == "bool":
        return "`true` or `false`"
    if spec.kind == "map":
        return "the keys in *Defaults*"
    if spec.kind == "progression":
        return "the keys in *Progression*"
    if spec.kind == "steps":
        return f"2–{spec.max_items} steps"
    if spec.kind == "pain_rule":
        return "`pain-rises` or `hurts`"
    if spec.kind == "rule_map":
        return "the keys in *Pain rule*"
    if spec.kind == "pain_action":
        return "`flag` or `step back`"
    if spec.kind == "list":
        return f"1–{spec.max_items} items"
    if spec.kind == "image":
        return "a `.svg`, `.png`, `.jpg` or `.jpeg` file in this file's folder or below"
    assert spec.kind == "use", spec.kind
    return "`ID` or `ROUTINE/ID`"


def _default(table: str, name: str, spec: Key) -> str:
    if (table, name) in _SPECIAL_DEFAULTS:
        return _SPECIAL_DEFAULTS[table, name]
    if spec.required or spec.default is None:
        return "—"
    if spec.default == []:
        return "`[]`"
    if spec.default == "":
        return "none"
    if isinstance(spec.default, bool):
        return f"`{str(spec.default).lower()}`"
    return str(spec.default)


def key_table(table: str, keys: dict[str, Key]) -> str:
    rows = [
        "| Key | Type | Unit | Default | Allowed | Required | What it is |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, spec in keys.items():
        cells = [
            f"`{name}`",
            _TYPES[spec.kind],
            spec.unit or "—",
            _default(table, name, spec),
            _range(spec),
            "unless in `defaults` or a movement"
            if (table, name) == ("exercise", "hold")
            else ("yes" if spec.required else "no"),
            spec.description,
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def test_docs_key_tables_are_generated_from_the_format() -> None:
    text = FORMAT_DOC.read_text(encoding="utf-8")
    updated = text
    for table, keys in TABLES.items():
        pattern = re.compile(rf"(<!-- table: {table} -->\n)(.*?)(\n<!-- /table -->)", re.S)
        assert pattern.search(updated), f"no table `{table}` in {FORMAT_DOC.name}"
        generated = key_table(table, keys)
        updated = pattern.sub(lambda m, new=generated: m[1] + new + m[3], updated)
    if updated != text and os.environ.get("BACKPAIN_UPDATE_DOCS"):
        FORMAT_DOC.write_text(updated, encoding="utf-8")
        text = updated
    assert text == updated, "docs/routine-format.md is out of date: see the comment above"


def test_docs_mention_every_key() -> None:
    text = FORMAT_DOC.read_text(encoding="utf-8")
    every = {
        *ROUTINE_KEYS,
        *EXERCISE_KEYS,
        *DEFAULTS_KEYS,
        *USE_KEYS,
        *LIBRARY_KEYS,
        *PROGRESSION_KEYS,
        *PAIN_RULE_KEYS,
    }
    assert [key for key in sorted(every) if f"`{key}`" not in text] == []


def test_use_entries_take_every_exercise_key_but_the_steps() -> None:
    """What docs/routine-format.md says of `use` entries in words."""
    assert set(USE_KEYS) == {"use"} | (set(EXERCISE_KEYS) - {"instructions"})
    assert all(not spec.required for key, spec in USE_KEYS.items() if key != "use")


def test_docs_example_is_a_valid_routine(tmp_path: Path) -> None:
    """The complete example in the docs loads, and uses every routine and exercise key."""
    text = FORMAT_DOC.read_text(encoding="utf-8")
    example = re.search(r"<!-- example -->\n```yaml\n(.*?)```", text, re.S)
    assert example, "no complete example in docs/routine-format.md"
    path = tmp_path / "desk-break.yaml"
    path.write_text(example[1], encoding="utf-8")
    routine = load_routine(path)
    data = yaml.safe_load(example[1])
    # counts_as and frequency exclude each other: counts_as has its own section, and so
    # has progression (whose first step would change the total below).
    assert set(data) == set(ROUTINE_KEYS) - {"counts_as", "progression"}
    assert "### Variants of one routine: `counts_as`" in text
    # image needs a file beside the routine: its own section shows it.
    assert set().union(*data["exercises"]) == set(EXERCISE_KEYS) - {"image"}
    assert "### Pictures: `image`" in text
    assert set(data["defaults"]) == set(DEFAULTS_KEYS)
    assert routine.name == "desk-break"
    total = build_timeline(routine).total
    assert total == 179 + 235 + 25 + 5
    assert build_timeline(routine).untimed == 1  # the shrugs, at your own pace
    assert f"prints this as a {format_duration(total)} routine" in text
    plan = re.search(r"<!-- progression example -->\n```yaml\n(.*?)```", text, re.S)
    assert plan, "no progression example in docs/routine-format.md"
    path.write_text(example[1] + plan[1], encoding="utf-8")
    planned = load_routine(path).progression
    assert planned is not None and len(planned.steps) == 3 and planned.advance_after == 6
