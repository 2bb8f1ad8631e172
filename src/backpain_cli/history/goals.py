"""The patient's own goals and the change that matters.

Goals follow the Patient-Specific Functional Scale (PSFS): a person names up to five
activities they find hard and rates each from 0 (unable to do it) to 10 (able to do it
as before the problem). A change is judged against the minimal important change
(Abbott & Schmitt, JOSPT 2014, 1,708 patients): about 2 points for the PSFS mean
(small 1.3, medium 2.3, large 2.7) and about 3 points for a single activity; for pain on
the 0–10 scale, about 2 points or 30 % (see docs/goals.md). The words never claim more
than the numbers: too few ratings say "too early to tell".

Pure: values in, values and words out.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, tzinfo
from typing import NamedTuple

from backpain_cli.errors import BackpainError
from backpain_cli.history.records import SessionRecord
from backpain_cli.history.stats import counted, local_day, today_in
from backpain_cli.text import character_name, clean_line, is_unsafe

MAX_ACTIVE_GOALS = 5
MAX_GOAL_LENGTH = 100  # characters: "lift my grandchild", not an essay
SCORE_MIN, SCORE_MAX = 0, 10

GOAL_MIC = 3.0  # points on one activity's 0–10 rating
PSFS_MEAN_MIC = 2.0  # points on the mean of the activities' ratings
PAIN_MIC_POINTS = 2.0  # points on the 0–10 pain scale...
PAIN_MIC_SHARE = 0.30  # ...or this share of the first weeks' mean, whichever is smaller
PAIN_WINDOW_DAYS = 14  # "the first two weeks" and "the last two weeks"
PAIN_MIN_RATINGS = 3  # in each window, or it is too early to tell
RATE_AGAIN_DAYS = 14  # goals not rated for this long: remind once, offer at `start`


class GoalError(BackpainError):
    """A goal or rating a person typed that cannot be stored."""


def goal_text(text: str) -> str:
    """The text of a new goal: one line, 1 to MAX_GOAL_LENGTH characters."""
    unsafe = next((c for c in text if is_unsafe(ord(c)) and c not in " \t"), None)
    if unsafe is not None:
        raise GoalError(f"a goal is plain text; this one holds {character_name(unsafe)}")
    line = " ".join(text.split())
    if not line:
        raise GoalError("a goal needs a few words, e.g. backpain goals add 'Lift my grandchild'")
    if len(line) > MAX_GOAL_LENGTH:
        raise GoalError(
            f"a goal is at most {MAX_GOAL_LENGTH} characters (this one has {len(line)}): "
            "name the activity, e.g. 'Sit through a meeting'"
        )
    return line


def score(text: str) -> int:
    """A rating typed as text: a whole number from 0 to 10."""
    value = text.strip()
    if not (value.isascii() and value.isdigit()) or not SCORE_MIN <= int(value) <= SCORE_MAX:
        raise GoalError(
            f"a rating is a whole number from {SCORE_MIN} (unable) to {SCORE_MAX} "
            f"(as before), not {clean_line(value)!r}"
        )
    return int(value)


class GoalRating(NamedTuple):
    rated: datetime
    score: int


class GoalState(enum.Enum):
    ACTIVE = "active"
    DONE = "done"  # reached: kept in the record
    REMOVED = "removed"  # no longer followed: left out of summaries and the report


class Goal(NamedTuple):  # not a dataclass (see `stats`): `today` imports this module
    id: int  # the number a person types (`goals rate 1=4`); never reused
    uuid: str
    text: str
    added: datetime
    state: GoalState = GoalState.ACTIVE
    closed: datetime | None = None
    ratings: tuple[GoalRating, ...] = ()  # oldest first

    @property
    def first(self) -> int | None:
        return self.ratings[0].score if self.ratings else None

    @property
    def latest(self) -> int | None:
        return self.ratings[-1].score if self.ratings else None

    @property
    def change(self) -> int | None:
        """Latest minus first rating; None until rated twice."""
        if len(self.ratings) < 2:
            return None
        return self.ratings[-1].score - self.ratings[0].score


class Verdict(enum.Enum):
    TOO_EARLY = "too early to tell"
    MATTERS = "a change that usually matters"
    SMALL = "less than a change that usually matters"


def _verdict(change: float | None, threshold: float) -> Verdict:
    if change is None:
        return Verdict.TOO_EARLY
    return Verdict.MATTERS if abs(change) >= threshold else Verdict.SMALL


def goal_verdict(goal: Goal) -> Verdict:
    return _verdict(goal.change, GOAL_MIC)


def _points(value: float) -> str:
    shown = f"{abs(value):.1f}".removesuffix(".0")
    return f"{shown} point" + ("" if shown == "1" else "s")


def goal_words(goal: Goal, *, threshold: bool = True) -> str:
    """'up 4 points, a change that usually matters (3 points or more)'."""
    change = goal.change
    if not goal.ratings:
        return "not rated yet"
    if change is None:
        return "too early to tell: rate it again in a week or two"
    if change == 0:
        return "no change yet"
    direction = "up" if change > 0 else "down"
    verdict = goal_verdict(goal)
    words = f"{direction} {_points(change)}, {verdict.value}"
    return f"{words} ({_points(GOAL_MIC)} or more)" if threshold else words


class ScaleSummary(NamedTuple):
    """The PSFS mean over the goals followed now (active or done)."""

    goals: int  # rated at least once
    mean: float | None  # of each goal's latest rating
    change: float | None  # mean of each goal's (latest - first), over goals rated twice
    verdict: Verdict


def followed(goals: Iterable[Goal]) -> list[Goal]:
    return [goal for goal in goals if goal.state is not GoalState.REMOVED]


def scale_summary(goals: Iterable[Goal]) -> ScaleSummary:
    rated = [goal for goal in followed(goals) if goal.ratings]
    latest = [goal.latest for goal in rated if goal.latest is not None]
    changes = [goal.change for goal in rated if goal.change is not None]
    mean = sum(latest) / len(latest) if latest else None
    change = sum(changes) / len(changes) if changes else None
    return ScaleSummary(len(rated), mean, change, _verdict(change, PSFS_MEAN_MIC))


def scale_words(summary: ScaleSummary, *, threshold: bool = True) -> str:
    """'mean 6.5 of 10, up 2.5 points, a change that usually matters (2 points or more)'."""
    if summary.mean is None:
        return "no ratings yet: backpain goals rate"
    words = f"mean {summary.mean:.1f} of 10"
    if summary.change is None:
        return f"{words}; too early to tell a change"
    if summary.change == 0:
        return f"{words}, no change yet"
    direction = "up" if summary.change > 0 else "down"
    words = f"{words}, {direction} {_points(summary.change)}, {summary.verdict.value}"
    return f"{words} ({_points(PSFS_MEAN_MIC)} or more)" if threshold else words


def rating_due(goals: Iterable[Goal], *, now: datetime) -> bool:
    """Goals are followed and none was rated (or added) in the last RATE_AGAIN_DAYS."""
    active = [goal for goal in goals if goal.state is GoalState.ACTIVE]
    if not active:
        return False
    last = max(max([goal.added, *(r.rated for r in goal.ratings)]) for goal in active)
    return now - last >= timedelta(days=RATE_AGAIN_DAYS)


# -- pain: the change that matters ----------------------------------------------------


class PainOutcome(NamedTuple):
    first: float | None  # mean rating of the first two weeks of ratings
    recent: float | None  # mean rating of the last two weeks (after the first two)
    ratings: tuple[int, int]  # how many in each window
    change: float | None  # recent - first; negative is better
    verdict: Verdict
    band: float | None  # the rating at or below which the change usually matters


class PainRatings(NamedTuple):
    """One session's pain check-ins, as the pain change needs them."""

    started: datetime
    before: int | None
    after: int | None


def pain_ratings(sessions: Iterable[SessionRecord]) -> list[PainRatings]:
    """The check-ins of sessions played at normal speed (previews are left out, as they
    are from adherence)."""
    return [
        PainRatings(s.started, s.pain_before, s.pain_after)
        for s in sessions
        if counted(s) and (s.pain_before is not None or s.pain_after is not None)
    ]


def _values(rated: PainRatings) -> list[int]:
    return [p for p in (rated.before, rated.after) if p is not None]


def pain_outcome(ratings: Sequence[PainRatings], *, now: datetime, zone: tzinfo) -> PainOutcome:
    """Pain in the first two weeks of ratings against the last two weeks."""
    rated = [r for r in ratings if _values(r)]
    if not rated:
        return PainOutcome(None, None, (0, 0), None, Verdict.TOO_EARLY, None)
    start = local_day(min(r.started for r in rated), zone)
    first_end = start + timedelta(days=PAIN_WINDOW_DAYS)
    recent_start = max(first_end, today_in(now, zone) - timedelta(days=PAIN_WINDOW_DAYS - 1))
    first = [p for r in rated if local_day(r.started, zone) < first_end for p in _values(r)]
    recent = [p for r in rated if local_day(r.started, zone) >= recent_start for p in _values(r)]
    first_mean = sum(first) / len(first)
    threshold = min(PAIN_MIC_POINTS, PAIN_MIC_SHARE * first_mean) if first_mean else 2.0
    band = first_mean - threshold if first_mean else None
    if len(first) < PAIN_MIN_RATINGS or len(recent) < PAIN_MIN_RATINGS:
        return PainOutcome(
            first_mean, None, (len(first), len(recent)), None, Verdict.TOO_EARLY, band
        )
    recent_mean = sum(recent) / len(recent)
    change = recent_mean - first_mean
    verdict = Verdict.MATTERS if abs(change) >= threshold and change else Verdict.SMALL
    return PainOutcome(first_mean, recent_mean, (len(first), len(recent)), change, verdict, band)


def pain_words(outcome: PainOutcome) -> str:
    """'pain down 2.5 points since the first two weeks: a change that usually matters'."""
    if outcome.change is None:
        return (
            f"pain: too early to tell (at least {PAIN_MIN_RATINGS} ratings in the first "
            "two weeks and in the last two are needed)"
        )
    if outcome.change == 0:
        return "pain: no change since the first two weeks"
    direction = "down" if outcome.change < 0 else "up"
    words = f"pain {direction} {_points(outcome.change)} since the first two weeks"
    if outcome.verdict is Verdict.SMALL:
        return f"{words}: less than a change that usually matters (about 2 points or 30 %)"
    if outcome.change > 0:
        return f"{words}: a rise that usually matters; talk to your therapist"
    return f"{words}: {Verdict.MATTERS.value}"
