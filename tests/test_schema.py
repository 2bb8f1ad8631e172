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
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from backpain_cli.errors import RoutineError
from backpain_cli.loader import YAML_LOADERS, load_routine
from backpain_cli.routine_format import DEFAULTS_KEYS, EXERCISE_KEYS, ROUTINE_KEYS
from backpain_cli.schema import routine_schema

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
