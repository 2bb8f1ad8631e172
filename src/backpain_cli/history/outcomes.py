"""The person's own measures, which `stats` and the report show: their goals, the pain
change against the change that usually matters, and what got in the way; and how
`stats` prints them (text and JSON).

Pure: the goals, answers and pain check-ins are arguments.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from typing import Any, NamedTuple

from backpain_cli.history.barriers import REASONS, Barrier, counts
from backpain_cli.history.goals import (
    Goal,
    GoalState,
    PainOutcome,
    PainRatings,
    ScaleSummary,
    Verdict,
    followed,
    goal_words,
    pain_outcome,
    pain_words,
    scale_summary,
    scale_words,
)
from backpain_cli.tables import bold, paragraph


class Outcomes(NamedTuple):  # not a dataclass (see `stats`): `today` imports this module
    goals: tuple[Goal, ...]  # followed or reached, in the order added
    scale: ScaleSummary
    pain: PainOutcome | None  # None: left out (--no-pain)
    barriers: tuple[Barrier, ...]  # answered from `first` on, oldest first
    reasons: tuple[tuple[str, int], ...]  # how often each reason was given, most first


def outcomes(
    goals: Sequence[Goal],
    barriers: Sequence[Barrier],
    ratings: Sequence[PainRatings],
    *,
    first: date,
    now: datetime,
    zone: tzinfo,
    pain: bool = True,
) -> Outcomes:
    """`ratings`: every pain check-in (the change is measured from the first weeks);
    `first`: the first day whose answers about what got in the way count."""
    answered = tuple(b for b in barriers if b.reason is not None and b.missed_on >= first)
    return Outcomes(
        goals=tuple(followed(goals)),
        scale=scale_summary(goals),
        pain=pain_outcome(ratings, now=now, zone=zone) if pain else None,
        barriers=answered,
        reasons=tuple(counts(answered).items()),
    )


def outcomes_lines(outcomes: Outcomes, *, styled: bool, width: int | None) -> list[str]:
    """The person's goals, the pain change against what usually matters, and what got
    in the way (docs/goals.md)."""
    lines = []
    if outcomes.pain is not None and outcomes.pain.first is not None:
        words = pain_words(outcomes.pain)
        lines += ["", *paragraph(words[0].upper() + words[1:] + ".", width, hang="  ")]
    if outcomes.goals:
        lines += ["", bold("Goals (0 unable, 10 able as before)", styled)]
    for goal in outcomes.goals:
        ratings = f"{goal.first} → {goal.latest}, " if goal.ratings else ""
        ratings += goal_words(goal)
        done = " (done)" if goal.state is GoalState.DONE else ""
        lines.extend(
            paragraph(f"{goal.id}. {goal.text}{done}: {ratings}", width, indent="  ", hang="     ")
        )
    if outcomes.goals:
        lines.extend(paragraph(f"All goals: {scale_words(outcomes.scale)}", width, indent="  ",
                               hang="    "))  # fmt: skip
    if outcomes.reasons:
        lines += ["", bold("What got in the way, last 4 weeks", styled)]
        lines.extend(
            paragraph(
                "; ".join(
                    f"{REASONS[reason].lower()} {times}" for reason, times in outcomes.reasons
                ),
                width,
                indent="  ",
                hang="  ",
            )
        )
    return lines


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _matters(verdict: Verdict) -> bool | None:
    return None if verdict is Verdict.TOO_EARLY else verdict is Verdict.MATTERS


def outcomes_json(outcomes: Outcomes | None) -> dict[str, Any]:
    """`pain_outcome`, `goals` and `barriers` of `stats --json`."""
    pain = outcomes.pain if outcomes is not None else None
    scale = outcomes.scale if outcomes is not None else None
    return {
        "pain_outcome": {
            "first_weeks": _rounded(pain.first) if pain else None,
            "recent_weeks": _rounded(pain.recent) if pain else None,
            "change": _rounded(pain.change) if pain else None,
            "matters": _matters(pain.verdict) if pain else None,
            "band": _rounded(pain.band) if pain else None,
        },
        "goals": {
            "followed": len(outcomes.goals) if outcomes else 0,
            "mean": _rounded(scale.mean) if scale else None,
            "mean_change": _rounded(scale.change) if scale else None,
            "matters": _matters(scale.verdict) if scale else None,
        },
        "barriers": dict(outcomes.reasons) if outcomes else {},
    }
