"""`progression:` in a routine file, checked: its steps name exercises of the routine and
doses within the format's ranges, with warnings for steps that raise too much at once."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from backpain_cli.routines.dose import longest
from backpain_cli.routines.format import (
    ADVANCE_AFTER,
    DOSE_KEYS,
    MAX_ROUTINE_SECONDS,
    PAIN_ACTIONS,
    PAIN_RULE_KEYS,
    PAIN_RULES,
    PROGRESSION_KEYS,
    STEP_DOSE_KEYS,
    STEP_RAISE_LIMIT,
)
from backpain_cli.routines.model import (
    Exercise,
    Movement,
    PainRule,
    Progression,
    ProgressionStep,
    Routine,
    format_duration,
)
from backpain_cli.routines.stepping import DoseChange, at_step, changes
from backpain_cli.routines.timeline import build_timeline
from backpain_cli.text import did_you_mean

if TYPE_CHECKING:
    from backpain_cli.routines.checker import Checker

STEP_KEYS = {key: DOSE_KEYS[key] for key in STEP_DOSE_KEYS}
# What makes an exercise harder when it goes up (a longer rest makes it easier).
_EFFORT_KEYS = ("hold", "reps", "sets", "rep_seconds")


def check_progression(
    checker: Checker, node: Node, exercises: Sequence[Exercise], ids: Collection[str]
) -> Progression | None:
    """The checked `progression:` of a routine whose exercise ids are `ids` (`exercises`:
    those that were made without a problem); problems and warnings go to `checker`."""
    keys = checker.mapping(node, "progression", PROGRESSION_KEYS)
    if keys is None:
        return None
    advance = None
    if "advance_after" in keys:
        where = "progression.advance_after"
        advance = checker.value(keys["advance_after"], where, ADVANCE_AFTER)
    steps = _steps(checker, keys["steps"], exercises, ids) if "steps" in keys else None
    rule = _pain_rule(checker, keys["pain_rule"]) if "pain_rule" in keys else None
    if advance is None or steps is None or ("pain_rule" in keys and rule is None):
        return None
    return Progression(advance, tuple(steps), rule)


def _pain_rule(checker: Checker, node: Node) -> PainRule | None:
    """The checked `pain_rule:`, or None after a problem."""
    where = "progression.pain_rule"
    before = len(checker.problems)
    keys = checker.mapping(node, where, PAIN_RULE_KEYS)
    if keys is None:
        return None
    values: dict[str, object] = {}
    for key, value_node in keys.items():
        spec, path = PAIN_RULE_KEYS[key], f"{where}.{key}"
        if spec.kind == "int":
            values[key] = checker.value(value_node, path, spec)
            continue
        choices = PAIN_RULES if key == "when" else PAIN_ACTIONS
        text = checker.text(value_node, path, spec)
        if text is not None and text not in choices:
            hint = did_you_mean(text, list(choices)) or f" (one of: {', '.join(choices)})"
            checker.report(value_node, path, f"'{text}' is not on the menu{hint}")
        values[key] = text
    if len(checker.problems) > before:  # (a missing `when` included)
        return None
    rule = PainRule(**values)  # type: ignore[arg-type]
    if rule.times > rule.of and rule.when != "hurts":
        checker.report(keys["times"], f"{where}.times", f"is more than of ({rule.of})")
        return None
    return rule


def _steps(
    checker: Checker, node: Node, exercises: Sequence[Exercise], ids: Collection[str]
) -> list[ProgressionStep] | None:
    where = "progression.steps"
    if not isinstance(node, SequenceNode) or len(node.value) < 2:
        got = f"{len(node.value)}" if isinstance(node, SequenceNode) else "no list"
        checker.report(node, where, f"must list at least two steps, got {got}")
        return None
    limit = PROGRESSION_KEYS["steps"].max_items
    if len(node.value) > limit:
        checker.report(node, where, f"has {len(node.value)} steps; at most {limit}")
        return None
    by_id = {exercise.id: exercise for exercise in exercises}
    steps = [
        _step(checker, item, f"{where}[{index}]", by_id, ids)
        for index, item in enumerate(node.value)
    ]
    if any(step is None for step in steps):
        return None
    checked = [step for step in steps if step is not None]
    _warn_of_raises(checker, node, exercises, checked)
    return checked


def _step(
    checker: Checker,
    node: Node,
    where: str,
    exercises: dict[str, Exercise],
    ids: Collection[str],
) -> ProgressionStep | None:
    """One step: `{exercise-id: {dose: value}, advance_after: N}`."""
    if not isinstance(node, MappingNode):
        checker.report(node, where, "must be a mapping of exercise ids to doses (or {})")
        return None
    before = len(checker.problems)
    doses: list[tuple[str, tuple[tuple[str, int], ...]]] = []
    nodes: dict[str, Node] = {}
    advance: int | None = None
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else None
        path = f"{where}.{key}"
        if not isinstance(key, str) or key_node.tag != "tag:yaml.org,2002:str":
            checker.report(key_node, where, "keys must be exercise ids or advance_after")
        elif key in nodes:
            line = nodes[key].start_mark.line + 1
            checker.report(key_node, path, f"duplicate key (first given on line {line})")
        elif key == "advance_after":
            nodes[key] = value_node
            advance = checker.value(value_node, path, ADVANCE_AFTER)
        elif key not in ids:
            hint = did_you_mean(key, sorted(ids)) or f" (its ids: {', '.join(ids)})"
            checker.report(key_node, path, f"no exercise with this id in the routine{hint}")
        else:
            nodes[key] = value_node
            changed = _doses(checker, value_node, path, exercises.get(key))
            if changed is not None:
                doses.append((key, changed))
    if len(checker.problems) > before:
        return None
    return ProgressionStep(tuple(doses), advance)


def _doses(
    checker: Checker, node: Node, where: str, exercise: Exercise | None
) -> tuple[tuple[str, int], ...] | None:
    keys = checker.mapping(node, where, STEP_KEYS)
    if keys is None:
        return None
    values = {key: checker.value(keys[key], f"{where}.{key}", STEP_KEYS[key]) for key in keys}
    if exercise is not None:  # (an exercise with problems of its own is not looked at)
        for key, problem in (
            ("hold", exercise.movement is not Movement.HOLD and "is for a held exercise"),
            ("rep_seconds", exercise.movement is not Movement.PACED and "is for a paced movement"),
        ):
            if key in keys and problem:
                checker.report(keys[key], f"{where}.{key}", f"{problem}; {exercise.id} is not one")
                values[key] = None
    if any(value is None for value in values.values()):
        return None
    return tuple((key, value) for key, value in values.items() if value is not None)


def _warn_of_raises(
    checker: Checker, node: Node, exercises: Sequence[Exercise], steps: list[ProgressionStep]
) -> None:
    """Warnings (valid, but likely too much): a step that raises more than one of an
    exercise's hold, reps, sets and rep_seconds at once, or a hold or reps by more than
    half; and a step longer than a routine may be."""
    assert isinstance(node, SequenceNode)
    plan = Routine("check", "check", tuple(exercises), progression=Progression(1, tuple(steps)))
    for number in range(1, len(steps) + 1):
        step_node = node.value[number - 1]
        total = longest(at_step(plan, number))
        if total > MAX_ROUTINE_SECONDS:
            total = build_timeline(at_step(plan, number)).total
        if total > MAX_ROUTINE_SECONDS:
            checker.report(
                step_node,
                f"progression.steps[{number - 1}]",
                f"makes the routine take {format_duration(total)}; at most "
                f"{MAX_ROUTINE_SECONDS // 3600} hours",
            )
        if number == 1:
            continue
        raised: dict[str, list[DoseChange]] = {}
        for change in changes(plan, number - 1, number):
            if change.key in _EFFORT_KEYS and change.after > change.before:
                raised.setdefault(change.exercise.id, []).append(change)
        for exercise_id, ups in raised.items():
            where = _exercise_node(step_node, exercise_id)
            path = f"progression.steps[{number - 1}].{exercise_id}"
            if len(ups) > 1:
                both = " and ".join(change.key for change in ups)
                message = f"raises {both} at once; change one thing at a time"
                checker.report(where, path, message, warn=True)
            for change in ups:
                if change.key in ("hold", "reps") and (
                    change.after > change.before * (1 + STEP_RAISE_LIMIT)
                ):
                    message = (
                        f"raises {change.key} from {change.before} to {change.after}, by more "
                        "than half at once; take smaller steps"
                    )
                    checker.report(where, f"{path}.{change.key}", message, warn=True)


def _exercise_node(step: Node, exercise_id: str) -> Node:
    """Where a step names an exercise; the step itself when it leaves it to the routine."""
    assert isinstance(step, MappingNode)
    for key_node, value_node in step.value:
        if key_node.value == exercise_id:
            found: Node = value_node
            return found
    return step
