"""The therapist's pain rule (`pain_rule:`): whether it fires, from the sessions played
at the current step. Pure: the sessions come as values."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

from backpain_cli.routines.model import PainRule
from backpain_cli.text import plural


class SessionPain(NamedTuple):
    """What the rule looks at in one session played at the step."""

    pain_before: int | None
    pain_after: int | None
    hurt: tuple[str, ...] = ()  # names of the exercises stopped with `p` (this hurts)
    morning: str | None = None  # the next-morning check: better, same, worse; None: none


def fires(rule: PainRule, sessions: Sequence[SessionPain]) -> str | None:
    """Why the rule fires on these sessions (oldest first), or None."""
    if rule.when == "pain-rises":
        last = sessions[-rule.of :]
        risen = [
            s
            for s in last
            if isinstance(s.pain_before, int)
            and isinstance(s.pain_after, int)
            and s.pain_after - s.pain_before >= rule.points
        ]
        if len(risen) >= rule.times:
            return (
                f"pain after was {rule.points} or more points above pain before in "
                f"{len(risen)} of the last {plural(len(last), 'session')} at this step"
            )
        return None
    if rule.when == "worse-next-morning":
        last = sessions[-rule.of :]
        worse = sum(1 for s in last if s.morning == "worse")
        if worse >= rule.times:
            return (
                f"worse the next morning after {worse} of the last "
                f"{plural(len(last), 'session')} at this step"
            )
        return None
    hurts = Counter(name for session in sessions for name in set(session.hurt))
    for name, times in sorted(hurts.items(), key=lambda item: (-item[1], item[0])):
        if times >= rule.times:
            return f"“this hurts” on {name} in {plural(times, 'session')} at this step"
    return None
