"""What a plan's position says to a person: `step 2 of 3`, the plan as a table, why the
step is what it is, and the doses a new step changes. Pure text from values."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from backpain_cli.progression.resolver import ADVANCED, FLAG, MANUAL, Position
from backpain_cli.routines.model import Routine
from backpain_cli.routines.stepping import at_step, changes, marked
from backpain_cli.text import plural

TALK_FIRST = "talk to your therapist before going on"
_WHY = {ADVANCED: "moved on", MANUAL: "moved by hand", "step-back": "stepped back"}


def held_caution(routine: Routine) -> Routine:
    """The routine with "talk to your therapist before going on" first in the caution of
    its first exercise, which its get-ready screen shows whole: the plan is held."""
    first = routine.exercises[0]
    said = f"Your plan is held: {TALK_FIRST}." + (f" {first.caution}" if first.caution else "")
    return replace(routine, exercises=(replace(first, caution=said), *routine.exercises[1:]))


def at_position(routine: Routine, where: Position) -> Routine:
    """The routine with the doses of the plan's step at `where`, new doses marked with
    what they were (while no session was counted at the new step); when the plan is
    held, its caution first."""
    before = step_before(where)
    played = at_step(routine, where.step) if before is None else marked(routine, before, where.step)
    return held_caution(played) if where.held else played


def step_of(position: Position) -> str:
    return f"step {position.step} of {position.steps}"


def counted_words(position: Position) -> str:
    """`1 of 2 sessions counted at this step`, `held: talk to your therapist...`."""
    if position.held:
        return f"held: {TALK_FIRST}"
    if position.needed is None:
        return f"the last step; {plural(position.counted, 'session')} counted at it"
    return f"{position.counted} of {plural(position.needed, 'session')} counted at this step"


def step_doses(written: Routine, step: int) -> str:
    """What a step plays: `One 1 s × 1; Two 4 reps at 3 s`, or `the routine's own doses`."""
    assert written.progression is not None
    named = dict(written.progression.steps[step - 1].doses)
    if not named:
        return "the routine's own doses"
    played = at_step(written, step)
    return "; ".join(f"{e.name} {e.dose}" for e in played.exercises if e.id in named)


def plan_lines(written: Routine, position: Position) -> list[str]:
    """The plan, step by step, the current one marked: what `show` prints."""
    lines = [f"Plan: {step_of(position)} ({counted_words(position)})"]
    began = {move.step: move.at[:10] for move in position.moves}
    for step in range(1, position.steps + 1):
        mark = "→" if step == position.step else " "
        since = f" (since {began[step]})" if step == position.step and step in began else ""
        lines.append(f" {mark} {step}. {step_doses(written, step)}{since}")
    return lines


def plan_rows(written: Routine, position: Position) -> list[tuple[str, str, str]]:
    """The plan as a handout's table: step (`2 (now)`), doses, sessions at it."""
    assert written.progression is not None
    return [
        (
            f"{step} (now)" if step == position.step else str(step),
            step_doses(written, step),
            "until the end"
            if step == position.steps
            else str(written.progression.sessions_at(step)),
        )
        for step in range(1, position.steps + 1)
    ]


def new_dose_lines(written: Routine, position: Position) -> list[str]:
    """`One 2 s (was 1 s) from this session`: what the current step changed, for `today`
    and the get-ready screen, until a session has been counted at it."""
    before = step_before(position)
    if before is None:
        return []
    return [f"{change} from this session" for change in changes(written, before, position.step)]


def step_before(position: Position) -> int | None:
    """The step the plan was at before its last move, while no session has been counted
    at the new one (the doses are new); None otherwise."""
    moves = position.moves
    if not moves or position.counted:
        return None
    return next((m.step for m in reversed(moves[:-1])), 1)


def why_lines(position: Position) -> list[str]:
    """`backpain plan ROUTINE`: how the plan got to where it is, oldest first."""
    lines = [f"At {step_of(position)}: {counted_words(position)}."]
    for move in position.moves:
        what = f"{_WHY[move.why]} to step {move.step}"
        if move.why == ADVANCED:
            what += f" after {plural(move.counted, 'counted session')}"
        lines.append(f"  {_minute(move.at)}  {what}" + (f" ({move.detail})" if move.detail else ""))
    for flag in position.fired:
        if flag.kind == FLAG:
            lines.append(f"  {_minute(flag.at)}  flagged at step {flag.step}: {flag.detail}")
    return lines


def _minute(at: object) -> str:
    """`2026-12-07 06:10` of a UTC text (as recorded)."""
    return str(at)[:16].replace("T", " ")


def position_json(written: Routine, position: Position) -> dict[str, Any]:
    """The plan in `show --json` and `stats --json` (docs/json-output.md)."""
    assert written.progression is not None
    began = {move.step: move.at for move in position.moves}
    return {
        "step": position.step,
        "steps": position.steps,
        "counted": position.counted,
        "needed": position.needed,
        "held": position.held,
        "plan": [
            {
                "step": number,
                "advance_after": written.progression.sessions_at(number),
                "doses": {exercise: dict(doses) for exercise, doses in step.doses},
                "began": began.get(number),
            }
            for number, step in enumerate(written.progression.steps, start=1)
        ],
        "moves": [
            {"at": m.at, "step": m.step, "why": m.why, "counted": m.counted, "detail": m.detail}
            for m in position.moves
        ],
    }
