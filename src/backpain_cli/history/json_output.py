"""The stable JSON of `history`, `stats` and `today` (format 1), as
docs/json-output.md documents it key by key; a test compares the two."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, tzinfo
from typing import Any

from backpain_cli.history.outcomes import outcomes_json
from backpain_cli.history.overview import Today
from backpain_cli.history.records import SessionRecord
from backpain_cli.history.stats import Adherence, PainChange, Streaks
from backpain_cli.history.views import StatsView
from backpain_cli.history.zone import zone_name

JSON_FORMAT = 1


def _iso(moment: datetime | None, zone: tzinfo) -> str | None:
    return moment.astimezone(zone).isoformat(timespec="seconds") if moment is not None else None


def history_json(sessions: Sequence[SessionRecord], zone: tzinfo) -> dict[str, Any]:
    """Stable JSON (format 1, documented in docs/json-output.md)."""
    return {
        "format": JSON_FORMAT,
        "time_zone": zone_name(zone),
        "sessions": [
            {
                "id": session.id,
                "started": _iso(session.started, zone),
                "ended": _iso(session.ended, zone),
                "routine": session.routine,
                "routine_sha256": session.routine_hash,
                "duration_seconds": round(session.duration_seconds),
                "outcome": session.outcome.value,
                "pain_before": session.pain_before,
                "pain_after": session.pain_after,
                "exercises_planned": session.exercises_planned,
                "speed": session.speed,
                "sped_up": session.sped_up,
                "counts_as": session.counts_as or None,
                "note": session.note or None,
                "uuid": session.uuid,
                "origin": session.origin,
                "routine_path": session.routine_path,
                "exercises": [
                    {
                        "position": exercise.position + 1,
                        "id": exercise.exercise_id,
                        "name": exercise.name,
                        "status": exercise.status.value,
                        "started": _iso(exercise.started, zone),
                        "ended": _iso(exercise.ended, zone),
                        "reps_done": exercise.reps_done,
                        "holds_done": exercise.holds_done,
                        "holds_planned": exercise.holds_planned,
                        "sides_done": list(exercise.sides_done),
                    }
                    for exercise in session.exercises
                ],
            }
            for session in sessions
        ],
    }


def _kept_json(kept: Adherence) -> dict[str, Any]:
    return {
        "start": kept.start.isoformat(),
        "days": kept.days,
        "done": kept.done,
        "target": kept.target,
        "due_so_far": kept.due_so_far,
        "percent": kept.percent,
        "counted": kept.started,
    }


def _mean(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def stats_json(
    view: StatsView | None, zone: tzinfo, *, today: date, since: date | None = None
) -> dict[str, Any]:
    """The figures of `stats` as stable JSON (format 1, docs/json-output.md); the same
    keys, empty, when nothing is recorded (`view` None). With `since` (`--since`), a
    `since` key after `today` names the first day of the sessions counted."""
    if view is None:
        view = StatsView([], Streaks(0, 0), [], [], [], PainChange(None, 0), today=today)
    plans = []
    calendars = view.calendars or [[] for _ in view.adherence]
    for (now, before), marks in zip(view.adherence, calendars, strict=True):
        plans.append(
            {
                "plan": now.routine,
                "frequency": {"times": now.frequency.times, "per": now.frequency.period.value},
                "variants": list(now.variants),
                "counted_from": now.counted_from.isoformat() if now.counted_from else None,
                "this_week": _kept_json(now),
                "weeks_before": _kept_json(before),
                "calendar": [
                    {
                        "day": mark.day.isoformat(),
                        "state": mark.state.value,
                        "completed": mark.completed,
                        "begun": mark.begun,
                    }
                    for mark in marks
                ],
            }
        )
    streak_end = view.streaks.longest_end
    return {
        "format": JSON_FORMAT,
        "time_zone": zone_name(zone),
        "today": (view.today or today).isoformat(),
        **({"since": since.isoformat()} if since is not None else {}),
        "weeks": [
            {"start": week.start.isoformat(), "completed": week.completed, "partial": week.partial}
            for week in view.weeks
        ],
        "streaks": {
            "current": view.streaks.current,
            "longest": view.streaks.longest,
            "longest_end": streak_end.isoformat() if streak_end else None,
        },
        "adherence": plans,
        "pain": [
            {
                "day": day.day.isoformat(),
                "mean": _mean(day.mean),
                "before": _mean(day.before),
                "after": _mean(day.after),
                "ratings": day.ratings,
            }
            for day in view.pain
        ],
        "pain_change": {"mean": _mean(view.change.mean), "sessions": view.change.sessions},
        "sped_up": view.previews,
        **outcomes_json(view.outcomes),
    }


def today_json(due: Today, zone: tzinfo) -> dict[str, Any]:
    """What `today` shows: each plan's sessions due and done today (this week for "N per
    week"), and the routines played without a frequency."""
    return {
        "format": JSON_FORMAT,
        "time_zone": zone_name(zone),
        "today": due.day.isoformat(),
        "all_done": due.all_done,
        "routines": [
            {
                "routine": plan.routine,
                "frequency": {"times": plan.frequency.times, "per": plan.frequency.period.value},
                "due_today": plan.due,
                "done_today": plan.done,
                "done_this_week": plan.done_this_week,
                "left": plan.left,
                "done": plan.satisfied,
                "counted_with": list(plan.variants),
            }
            for plan in due.dues
        ],
        "without_frequency": list(due.without_frequency),
    }
