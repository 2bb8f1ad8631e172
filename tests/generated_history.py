"""A generated history for the report tests: twice-daily sessions of upper-back over any
number of days up to `now`, with missed, unfinished and skipped sessions, exercises
stopped for pain, and pain check-ins that slowly ease."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from backpain_cli.history.records import (
    ExerciseRecord,
    ExerciseStatus,
    SessionOutcome,
    SessionRecord,
)
from backpain_cli.routines.model import Frequency, Period

TWICE_A_DAY = Frequency(2, Period.DAY)
EXERCISES = (
    ("rhomboid-stretch-long-sitting", "Rhomboid stretch (long sitting)"),
    ("scapular-squeeze", "Scapular squeeze"),
    ("thoracic-rotation", "Thoracic rotation"),
    ("thoracic-sidebend", "Thoracic sidebend"),
    ("ball-trigger-point", "Ball pressure on trigger points"),
)


def twice_daily(
    *, days: int, now: datetime, seed: int = 14, routine: str = "upper-back", missed: float = 0.12
) -> list[SessionRecord]:
    """Sessions at about 07:30 and 19:00 UTC on each of the last `days` days (today's
    only when their time has come)."""
    chance = random.Random(seed)
    found = []
    day = (now - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0, microsecond=0)
    pain = 6.0
    while day <= now:
        for hour in (7.5, 19.0):
            started = day + timedelta(hours=hour, minutes=chance.randint(-40, 40))
            if started > now - timedelta(minutes=20) or chance.random() < missed:
                continue
            partial = chance.random() < 0.06
            done = chance.randint(1, 4) if partial else len(EXERCISES)
            exercises = []
            moment = started
            for position, (exercise_id, name) in enumerate(EXERCISES[:done]):
                roll = chance.random()
                status = (
                    ExerciseStatus.STOPPED_FOR_PAIN
                    if roll < 0.02
                    else ExerciseStatus.SKIPPED
                    if roll < 0.07
                    else ExerciseStatus.DONE
                )
                ended = moment + timedelta(seconds=chance.randint(60, 150))
                exercises.append(
                    ExerciseRecord(
                        position, exercise_id, name, status, moment, ended, 3, 6, 6,
                        ("left", "right"),
                    )
                )  # fmt: skip
                moment = ended
            pain = min(10.0, max(0.0, pain + chance.uniform(-0.6, 0.5)))
            before = round(pain) if chance.random() < 0.85 else None
            after = max(0, before - chance.randint(0, 2)) if before is not None else None
            found.append(
                SessionRecord(
                    id=0,
                    routine=routine,
                    routine_hash="0" * 64,
                    started=started,
                    last_update=moment,
                    ended=None if partial else moment,
                    outcome=SessionOutcome.PARTIAL if partial else SessionOutcome.COMPLETED,
                    exercises_planned=len(EXERCISES),
                    pain_before=before,
                    pain_after=None if partial else after,
                    frequency=TWICE_A_DAY,
                    exercises=tuple(exercises),
                )
            )
        day += timedelta(days=1)
    return found
