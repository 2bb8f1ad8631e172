"""Which step of a routine's `progression:` is current, and why.

A pure function of the plan and the history: the sessions played and the plan changes
recorded (`plan --step N`, the pain rule's step back and flags). The plan starts at step
1 and moves on after `advance_after` sessions that count at a step; a session counts
when it was completed, at normal speed (1x), of this routine or of a variant that
`counts_as` it. Previews are never recorded; sped-up sessions (even with `--record`)
and partial ones never count. A flag holds the step until it is moved by hand.

No recorded change raises a dose the plan's rule did not: a step back never goes above
the step it steps back from, a flag never moves the step (what it says is the step it
held), and a change dated after `now` (with a day for clocks that disagree) is left
out until its time comes: a line from another machine or a hand edit cannot move the
plan up, or stay its latest move for good.

Whatever a history holds (rows edited by hand: text where a number belongs, steps out of
range, times that are not times), the answer is a step of the plan: nothing here raises.
The same history gives the same step, whatever order its rows come in.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from typing import NamedTuple, Protocol

from backpain_cli.routines.model import Progression

# A session as the history stores it: started_at (UTC text), outcome, speed, routine,
# counts_as. Plain tuples: ten years of sessions are read for `today` and `start`, and
# a NamedTuple for each costs more than the rest of the work (3 ms for 7,300).
SessionRow = tuple[object, object, object, object, object]

MANUAL, STEP_BACK, FLAG = "manual", "step-back", "flag"
CLOCK_SKEW = timedelta(days=1)  # how far ahead of `now` a change may be dated and count
ADVANCED = "advanced"  # a move the sessions made, not a recorded change


class PlanChange(NamedTuple):
    """A recorded change of a routine's plan (the history's `plan_changes`)."""

    at: object  # changed_at, UTC text
    step: object  # the step it moved to (or held, for a flag)
    kind: object  # manual, step-back or flag
    detail: object = ""
    order: int = 0  # the row's id: changes made in the same instant, in the order made


class Move(NamedTuple):
    """A change of step: when, to which, and why."""

    at: str
    step: int  # the step from then on
    why: str  # advanced, manual or step-back
    counted: int  # sessions counted at the step before
    detail: str = ""


class Position(NamedTuple):
    """Where a routine's plan stands."""

    step: int  # 1-based
    steps: int
    counted: int  # sessions counted at this step so far
    needed: int | None  # sessions this step takes before the next; None at the last
    moves: tuple[Move, ...]  # every change of step, oldest first
    flags: tuple[PlanChange, ...]  # flags raised at this step: it holds until moved by hand
    fired: tuple[PlanChange, ...]  # every flag and step back of the rule, oldest first

    @property
    def began(self) -> str | None:
        """When this step began (UTC text); None for the first step never left."""
        return self.moves[-1].at if self.moves else None

    @property
    def held(self) -> bool:
        return bool(self.flags)


def counts_toward(row: SessionRow, routine: str) -> bool:
    """Whether a session counts toward `routine`'s plan."""
    _, outcome, speed, name, counts_as = row
    return (
        outcome == "completed"
        and type(speed) in (float, int)  # (not True, which equals 1)
        and speed == 1
        and (name == routine or counts_as == routine)
    )


class CountedSessions(Protocol):
    """The start times (UTC text) of the sessions that count toward one routine's plan,
    asked for by interval: after `after` (None: from the first), up to and including
    `until` (None: to the last)."""

    def count(self, after: str | None, until: str | None) -> int: ...

    def first(self, after: str | None, until: str | None, limit: int) -> list[str]:
        """The earliest `limit` of them, oldest first."""
        ...


class SessionList:
    """Counted sessions from rows in memory (`counts` decides which)."""

    def __init__(self, rows: Iterable[SessionRow], routine: str) -> None:
        self.times = sorted(str(row[0]) for row in rows if counts_toward(row, routine))

    def _bounds(self, after: str | None, until: str | None) -> tuple[int, int]:
        low = 0 if after is None else bisect_right(self.times, after)
        high = len(self.times) if until is None else bisect_right(self.times, until)
        return low, max(low, high)

    def count(self, after: str | None, until: str | None) -> int:
        low, high = self._bounds(after, until)
        return high - low

    def first(self, after: str | None, until: str | None, limit: int) -> list[str]:
        low, high = self._bounds(after, until)
        return self.times[low : min(high, low + limit)]


def resolve(
    progression: Progression,
    routine: str,
    sessions: Iterable[SessionRow],
    changes: Iterable[PlanChange] = (),
    *,
    now: datetime | None = None,
) -> Position:
    """The current step of `routine`'s plan, from its sessions as rows."""
    return resolve_counted(progression, SessionList(sessions, routine), changes, now=now)


def resolve_counted(
    progression: Progression,
    sessions: CountedSessions,
    changes: Iterable[PlanChange] = (),
    *,
    now: datetime | None = None,
) -> Position:
    """The current step of a plan, and how it got there; changes dated after `now` (and
    `CLOCK_SKEW`) are left out (None: none is).

    Only the sessions that can move the plan are read one by one (at most the sessions
    from the current step to the last, between two recorded changes); the rest are
    counted. Sessions come before changes made in the same instant; among changes,
    their order (then what they say, for rows a hand edit gave the same id).
    """
    last = len(progression.steps)
    if now is not None:
        changes = [change for change in changes if not _later(change.at, now + CLOCK_SKEW)]
    ordered = sorted(
        changes,
        key=lambda c: (str(c.at), c.order if type(c.order) is int else 0, repr(c)),
    )
    step, counted = 1, 0
    moves: list[Move] = []
    flags: list[PlanChange] = []
    fired: list[PlanChange] = []

    def count(after: str | None, until: str | None) -> None:
        """Count the sessions after `after` up to `until`, moving on where they say."""
        nonlocal step, counted
        if flags or step == last:
            counted += sessions.count(after, until)
            return
        room = progression.sessions_at(step) - counted
        room += sum(progression.sessions_at(s) for s in range(step + 1, last))
        times = sessions.first(after, until, room)
        for at in times:
            counted += 1
            if counted >= progression.sessions_at(step):
                moves.append(Move(at, step + 1, ADVANCED, counted))
                step, counted = step + 1, 0
        if len(times) == room:  # at the last step now: the rest count at it
            counted += sessions.count(after, until) - room

    after: str | None = None
    for change in ordered:
        until = str(change.at)
        count(after, until)
        after = until  # (changes come in time order)
        target = _step(change.step, last)
        if change.kind == FLAG:  # the step holds until it is moved, at the step it is
            flags.append(change._replace(step=step))
            fired.append(flags[-1])
        elif change.kind in (MANUAL, STEP_BACK) and target is not None:
            if change.kind == STEP_BACK:  # back, never up: at most the step it is at
                target = min(target, step)
                fired.append(change._replace(step=target))
            why = str(change.kind)
            moves.append(Move(until, target, why, counted, _text(change.detail)))
            step, counted, flags = target, 0, []
    count(after, None)
    needed = progression.sessions_at(step) if step < last else None
    return Position(step, last, counted, needed, tuple(moves), tuple(flags), tuple(fired))


def _later(at: object, horizon: datetime) -> bool:
    """Whether a recorded time is after `horizon`; text that is no time (a hand edit)
    is taken as it is, as everywhere else here."""
    try:
        moment = datetime.fromisoformat(str(at))
    except ValueError:
        return False
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment > horizon


def _step(value: object, last: int) -> int | None:
    """A recorded step within the plan (1..last), or None for what is no step."""
    if type(value) is not int:
        return None
    return min(max(value, 1), last)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
