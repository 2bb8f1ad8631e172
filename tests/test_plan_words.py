"""What a plan's position says: the plan as `show` prints it, why it is where it is,
and what a new step changes."""

from __future__ import annotations

from backpain_cli.progression.explain import (
    counted_words,
    new_dose_lines,
    plan_lines,
    position_json,
    why_lines,
)
from backpain_cli.progression.resolver import FLAG, MANUAL, STEP_BACK, PlanChange, resolve
from backpain_cli.routines.loader import parse_routine

ROUTINE = parse_routine(
    """\
version: 1
name: neck
title: Neck
exercises:
  - {id: turn, name: Thoracic rotation, hold: 30, reps: 3, instructions: [Turn.]}
  - {id: squeeze, name: Squeeze, hold: 5, reps: 10, instructions: [Squeeze.]}
progression:
  advance_after: 2
  steps:
    - {turn: {hold: 20}, squeeze: {reps: 6}}
    - {turn: {hold: 25}, squeeze: {reps: 8}}
    - {}
""",
    "neck.yaml",
    default_name="neck",
)
PLAN = ROUTINE.progression
assert PLAN is not None


def _session(day: int) -> tuple[str, str, float, str, None]:
    return (f"2026-12-{day:02d}T07:30:00.000+00:00", "completed", 1.0, "neck", None)


def test_the_plan_as_show_prints_it() -> None:
    position = resolve(PLAN, "neck", [_session(1), _session(2), _session(3)])
    assert plan_lines(ROUTINE, position) == [
        "Plan: step 2 of 3 (1 of 2 sessions counted at this step)",
        "   1. Thoracic rotation 20 s × 3; Squeeze 5 s × 6",
        " → 2. Thoracic rotation 25 s × 3; Squeeze 5 s × 8 (since 2026-12-02)",
        "   3. the routine's own doses",
    ]
    last = resolve(PLAN, "neck", [_session(day) for day in range(1, 6)])
    assert counted_words(last) == "the last step; 1 session counted at it"


def test_today_says_what_a_new_step_changed_until_it_is_counted() -> None:
    moved = resolve(PLAN, "neck", [_session(1), _session(2)])
    assert new_dose_lines(ROUTINE, moved) == [
        "Thoracic rotation 25 s (was 20 s) from this session",
        "Squeeze reps 8 (was 6) from this session",
    ]
    assert new_dose_lines(ROUTINE, resolve(PLAN, "neck", [_session(1)])) == []
    assert new_dose_lines(ROUTINE, resolve(PLAN, "neck", [_session(d) for d in (1, 2, 3)])) == []
    back = resolve(
        PLAN, "neck", [_session(1), _session(2)], [PlanChange("2026-12-05", 1, STEP_BACK, "", 1)]
    )
    assert new_dose_lines(ROUTINE, back) == [
        "Thoracic rotation 20 s (was 25 s) from this session",
        "Squeeze reps 6 (was 8) from this session",
    ]


def test_plan_explains_every_move_and_flag() -> None:
    changes = [
        PlanChange("2026-12-04T08:00:00.000+00:00", 2, FLAG, "pain after up 2 points", 1),
        PlanChange("2026-12-04T09:00:00.000+00:00", 1, STEP_BACK, "pain rule", 2),
        PlanChange("2026-12-05T09:15:00.000+00:00", 3, MANUAL, "", 3),
    ]
    position = resolve(PLAN, "neck", [_session(1), _session(2), _session(3)], changes)
    assert why_lines(position) == [
        "At step 3 of 3: the last step; 0 sessions counted at it.",
        "  2026-12-02 07:30  moved on to step 2 after 2 counted sessions",
        "  2026-12-04 09:00  stepped back to step 1 (pain rule)",
        "  2026-12-05 09:15  moved by hand to step 3",
        "  2026-12-04 08:00  flagged at step 2: pain after up 2 points",
    ]
    held = resolve(PLAN, "neck", [_session(1)], changes[:1])
    assert why_lines(held)[0] == "At step 1 of 3: held: talk to your therapist before going on."
    assert position_json(ROUTINE, position)["moves"][2] == {
        "at": "2026-12-05T09:15:00.000+00:00",
        "step": 3,
        "why": "manual",
        "counted": 0,
        "detail": "",
    }


def test_a_forged_move_says_the_step_that_is_played() -> None:
    """A step back or a flag to step 1000 (a hand edit, another machine) moves nothing up:
    `plan` names the step the routine is played at."""
    changes = [
        PlanChange("2026-12-04T08:00:00.000+00:00", 1000, STEP_BACK, "forged", 1),
        PlanChange("2026-12-04T09:00:00.000+00:00", 1000, FLAG, "forged", 2),
    ]
    position = resolve(PLAN, "neck", [_session(1), _session(2)], changes)
    assert why_lines(position) == [
        "At step 2 of 3: held: talk to your therapist before going on.",
        "  2026-12-02 07:30  moved on to step 2 after 2 counted sessions",
        "  2026-12-04 08:00  stepped back to step 2 (forged)",
        "  2026-12-04 09:00  flagged at step 2: forged",
    ]
    assert new_dose_lines(ROUTINE, position) == []
