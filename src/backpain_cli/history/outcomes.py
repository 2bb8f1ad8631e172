"""The person's own measures, which `stats` and the report lead with: their goals, the
pain change against the change that usually matters, and what got in the way.

Pure: the goals, answers and pain check-ins are arguments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from backpain_cli.history.barriers import Barrier, counts
from backpain_cli.history.goals import (
    Goal,
    PainOutcome,
    PainRatings,
    ScaleSummary,
    followed,
    pain_outcome,
    scale_summary,
)


@dataclass(frozen=True)
class Outcomes:
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
