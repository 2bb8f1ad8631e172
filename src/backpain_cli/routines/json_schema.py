"""JSON Schema (draft 2020-12) of routine format version 1, built from `routine_format`."""

from __future__ import annotations

from typing import Any

from backpain_cli.routines.format import (
    DEFAULTS_KEYS,
    DOSE_KEYS,
    EXERCISE_KEYS,
    FORMAT_VERSION,
    FREQUENCY_PATTERN,
    IMAGE_PATTERN,
    MOVEMENT_KEYS,
    PACES,
    PAIN_ACTIONS,
    PAIN_RULE_KEYS,
    PAIN_RULES,
    PROGRESSION_KEYS,
    RATINGS,
    ROUTINE_KEYS,
    SIDES,
    SLUG_PATTERN,
    STEP_DOSE_KEYS,
    USE_KEYS,
    USE_PATTERN,
    Key,
)

SCHEMA_ID = "https://backpain.invalid/schema/routine-v1.json"


def _text(spec: Key) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "maxLength": spec.max_length, "pattern": r"\S"}


def _key_schema(spec: Key) -> dict[str, Any]:
    schema: dict[str, Any]
    if spec.kind == "int":
        schema = {"type": "integer", "minimum": spec.minimum, "maximum": spec.maximum}
        if spec.unit:
            schema["description"] = f"{spec.description} Unit: {spec.unit}."
    elif spec.kind == "version":
        schema = {"const": FORMAT_VERSION}
    elif spec.kind == "text":
        schema = _text(spec)
    elif spec.kind == "slug":
        schema = {"type": "string", "pattern": SLUG_PATTERN}
    elif spec.kind == "use":
        schema = {"type": "string", "pattern": USE_PATTERN}
    elif spec.kind == "image":
        schema = {"type": "string", "maxLength": spec.max_length, "pattern": IMAGE_PATTERN}
    elif spec.kind == "frequency":
        schema = {"type": "string", "pattern": FREQUENCY_PATTERN}
    elif spec.kind == "texts":
        schema = {"type": "array", "items": _text(spec), "maxItems": spec.max_items}
        if spec.required:
            schema["minItems"] = 1
    elif spec.kind in ("pain_rule", "pain_action"):
        schema = {"enum": list(PAIN_RULES if spec.kind == "pain_rule" else PAIN_ACTIONS)}
    elif spec.kind == "bool":
        schema = {"type": "boolean"}
    elif spec.kind == "pace":
        schema = {"enum": list(PACES)}
    elif spec.kind == "rate":
        schema = {"enum": list(RATINGS)}
    elif spec.kind == "sides":
        schema = {
            "type": "array",
            "items": _text(spec),
            "uniqueItems": True,
            "maxItems": spec.max_items,
            # left and right, or labels of your own (clockwise...), never a mix.
            "anyOf": [
                {"items": {"enum": list(SIDES)}},
                {"items": {"not": {"enum": list(SIDES)}}},
            ],
        }
    else:  # pragma: no cover - every kind above is used
        raise AssertionError(spec.kind)
    schema.setdefault("description", spec.description)
    if spec.default is not None:
        schema["default"] = spec.default
    return schema


def _object(keys: dict[str, Key], **extra: Any) -> dict[str, Any]:
    properties = {name: extra.get(name) or _key_schema(spec) for name, spec in keys.items()}
    required = [name for name, spec in keys.items() if spec.required]
    schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
    }
    if required:
        schema["required"] = required
    return schema


# An exercise is held, paced or self-paced: at most one of hold, rep_seconds and pace.
_ONE_MOVEMENT = {
    "not": {
        "anyOf": [
            {"required": [first, second]}
            for index, first in enumerate(MOVEMENT_KEYS)
            for second in MOVEMENT_KEYS[index + 1 :]
        ]
    }
}


def _progression() -> dict[str, Any]:
    """`progression:`: steps of exercise ids (slugs) to doses, each with its own
    `advance_after` if it likes (not a slug: no id can be called that)."""
    doses = _object({key: DOSE_KEYS[key] for key in STEP_DOSE_KEYS})
    step = {
        "type": "object",
        "properties": {"advance_after": _key_schema(PROGRESSION_KEYS["advance_after"])},
        "patternProperties": {SLUG_PATTERN: doses},
        "additionalProperties": False,
    }
    steps = PROGRESSION_KEYS["steps"]
    schema = _object(
        PROGRESSION_KEYS,
        pain_rule=_object(PAIN_RULE_KEYS),
        steps={
            "type": "array",
            "items": step,
            "minItems": 2,
            "maxItems": steps.max_items,
            "description": steps.description,
        },
    )
    schema["description"] = ROUTINE_KEYS["progression"].description
    return schema


def routine_schema() -> dict[str, Any]:
    exercise = _object(EXERCISE_KEYS)
    # A tempo paces a movement: never with a hold, and written out, only with one.
    exercise["allOf"] = [
        _ONE_MOVEMENT,
        {
            "if": {"required": ["tempo"]},
            "then": {"anyOf": [{"required": ["rep_seconds"]}, {"required": ["pace"]}]},
        },
    ]
    use = _object(USE_KEYS)
    use["allOf"] = [_ONE_MOVEMENT, {"not": {"required": ["hold", "tempo"]}}]
    exercises = {
        "type": "array",
        "minItems": 1,
        "maxItems": ROUTINE_KEYS["exercises"].max_items,
        # An exercise written out, or a `use` entry reusing one by id.
        "items": {"anyOf": [{"$ref": "#/$defs/exercise"}, {"$ref": "#/$defs/use"}]},
        "description": ROUTINE_KEYS["exercises"].description,
    }
    defaults = _object(DEFAULTS_KEYS)
    defaults["description"] = ROUTINE_KEYS["defaults"].description
    schema = _object(
        ROUTINE_KEYS, exercises=exercises, defaults=defaults, progression=_progression()
    )
    # `hold` may come from `defaults` instead of each exercise.
    exercise["required"] = [name for name in exercise.get("required", []) if name != "hold"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "backpain routine (format version 1)",
        **schema,
        "$defs": {"exercise": exercise, "use": use},
        # Without a default hold, every exercise written out must give its own hold or
        # movement (a `use` entry may take it from the exercise it uses).
        "if": {"required": ["defaults"], "properties": {"defaults": {"required": ["hold"]}}},
        "else": {
            "properties": {
                "exercises": {
                    "items": {
                        "if": {"required": ["use"]},
                        "else": {"anyOf": [{"required": [key]} for key in MOVEMENT_KEYS]},
                    }
                }
            }
        },
    }
