"""The history as JSON Lines: what `history export` writes, `history import` and
`report --history` read, and each machine appends to its own file in a sync folder.

The first line is a header (`format`, `version`, the tool and the machine that wrote
it); every other line is one session with its exercises, named by its UUID. The layout
is documented in docs/json-output.md. A file from someone else is hostile until checked:
`read_lines` checks every line (JSON, the keys' types and ranges, no control characters
in text) and reports the first bad one by its number, so an import takes all or nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from backpain_cli.errors import BackpainError
from backpain_cli.history.records import (
    ExerciseRecord,
    ExerciseStatus,
    SessionOutcome,
    SessionRecord,
)
from backpain_cli.routines.model import Frequency, Period
from backpain_cli.text import is_unsafe

FORMAT = "backpain-history"
VERSION = 1
MAX_LINE_BYTES = 1 << 20  # a session with every exercise is a few kilobytes
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_FREQUENCY = re.compile(r"([1-9][0-9]?) per (day|week)")


class HistoryFileError(BackpainError):
    """A line of a history file that is refused: FILE:LINE: what."""


class Header(NamedTuple):
    version: int
    tool: str
    machine: str


# -- writing ---------------------------------------------------------------------------


def _utc(moment: datetime | None) -> str | None:
    from backpain_cli.history.database import utc_text

    return None if moment is None else utc_text(moment)


def header_line(*, tool: str, machine: str) -> str:
    header = {"format": FORMAT, "version": VERSION, "tool": tool, "machine": machine}
    return json.dumps(header, ensure_ascii=False) + "\n"


def session_line(record: SessionRecord, *, notes: bool = True, pain: bool = True) -> str:
    """One session as one line. Without `notes` its note is left out; without `pain`
    its pain ratings (and pain ratings of exercises), and an exercise stopped because
    it hurt is only `stopped`. `origin` null: recorded on the machine of the header."""

    def status(value: ExerciseStatus) -> str:
        hurt = value is ExerciseStatus.STOPPED_FOR_PAIN and not pain
        return ExerciseStatus.STOPPED.value if hurt else value.value

    line = {
        "uuid": record.uuid,
        "routine": record.routine,
        "routine_hash": record.routine_hash,
        "routine_path": record.routine_path,
        "origin": record.origin,
        "started_at": _utc(record.started),
        "ended_at": _utc(record.ended),
        "updated_at": _utc(record.last_update),
        "outcome": record.outcome.value,
        "exercises_planned": record.exercises_planned,
        "pain_before": record.pain_before if pain else None,
        "pain_after": record.pain_after if pain else None,
        "frequency": "" if record.frequency is None else str(record.frequency),
        "speed": record.speed,
        "note": record.note if notes else "",
        "counts_as": record.counts_as,
        "away_seconds": record.away_seconds,
        "plan_step": record.plan_step,
        "exercises": [
            {
                "position": exercise.position,
                "exercise_id": exercise.exercise_id,
                "name": exercise.name,
                "status": status(exercise.status),
                "started_at": _utc(exercise.started),
                "ended_at": _utc(exercise.ended),
                "reps_done": exercise.reps_done,
                "holds_done": exercise.holds_done,
                "holds_planned": exercise.holds_planned,
                "sides_done": list(exercise.sides_done),
                "rating": _rating(exercise, pain),
                "rating_kind": exercise.rating_kind
                if _rating(exercise, pain) is not None
                else None,
            }
            for exercise in record.exercises
        ],
    }
    return json.dumps(line, ensure_ascii=False) + "\n"


def _rating(exercise: ExerciseRecord, pain: bool) -> int | None:
    return None if exercise.rating_kind == "pain" and not pain else exercise.rating


# -- reading ---------------------------------------------------------------------------


class _Bad(Exception):
    """What is wrong with one value (the line's number is added by the reader)."""


def read_lines(
    lines: Iterable[bytes], shown: str, *, first: int = 1, header: bool = True
) -> tuple[Header | None, list[SessionRecord]]:
    """The header (when `header`: the first line must be one) and the sessions of these
    lines, numbered from `first`; HistoryFileError naming FILE:LINE at the first bad
    one. Blank lines are skipped."""
    found: Header | None = None
    sessions: list[SessionRecord] = []
    for number, raw in enumerate(lines, start=first):
        if not raw.strip():
            continue
        try:
            value = _json(raw)
            if header and found is None:
                found = _header(value)
            else:
                sessions.append(_session(value))
        except _Bad as problem:
            raise HistoryFileError(f"{shown}:{number}: {problem}") from None
    if header and found is None:
        raise HistoryFileError(f"{shown}: empty; a history file starts with its header line")
    return found, sessions


def _json(raw: bytes) -> Any:
    if len(raw) > MAX_LINE_BYTES:
        raise _Bad(f"a line of {len(raw)} bytes; at most {MAX_LINE_BYTES}")
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_constant)
    except UnicodeDecodeError:
        raise _Bad("not UTF-8 text") from None
    except ValueError as error:
        raise _Bad(f"not valid JSON ({error})") from None


def _constant(word: str) -> None:
    raise ValueError(f"{word} is not a number")


def _header(value: Any) -> Header:
    if not isinstance(value, dict) or value.get("format") != FORMAT:
        raise _Bad("not a backpain history file (the first line is not its header)")
    version = _get(value, "version", int)
    if version > VERSION:
        raise _Bad(
            f"written by a newer backpain (history file version {version}; this one "
            f"reads up to {VERSION}); upgrade backpain to read it"
        )
    if version < 1:
        raise _Bad(f"version: unknown version {version}")
    return Header(version, _text(value, "tool"), _text(value, "machine", limit=200))


def _get(value: dict[str, Any], key: str, kind: type, *, null: bool = False) -> Any:
    if key not in value:
        raise _Bad(f"{key}: missing")
    found = value[key]
    if found is None and null:
        return None
    if kind is float and type(found) is int:
        return float(found)
    if type(found) is not kind:
        expected = {int: "a whole number", float: "a number", str: "text", list: "a list"}
        raise _Bad(
            f"{key}: must be {expected[kind]}{' or null' if null else ''}, got {_kind(found)}"
        )
    return found


def _kind(found: object) -> str:
    return {bool: "true/false", type(None): "null", dict: "an object", list: "a list"}.get(
        type(found), type(found).__name__
    )


def _text(
    value: dict[str, Any], key: str, *, null: bool = False, limit: int = 4096, lines: bool = False
) -> Any:
    found = _get(value, key, str, null=null)
    if found is None:
        return None
    if len(found) > limit:
        raise _Bad(f"{key}: {len(found)} characters; at most {limit}")
    allowed = "\n\t" if lines else ""
    bad = next((c for c in found if c not in allowed and is_unsafe(ord(c))), None)
    if bad is not None:
        raise _Bad(f"{key}: a control character (U+{ord(bad):04X})")
    return found


def _number(value: dict[str, Any], key: str, low: int, high: int) -> int:
    found: int = _get(value, key, int)
    if not low <= found <= high:
        raise _Bad(f"{key}: must be between {low} and {high}, got {found}")
    return found


def _moment(value: dict[str, Any], key: str, *, null: bool = False) -> datetime | None:
    found = _text(value, key, null=null, limit=40)
    if found is None:
        return None
    try:
        moment = datetime.fromisoformat(found)
    except ValueError:
        raise _Bad(f"{key}: not a time like 2026-12-07T08:30:00.000+00:00") from None
    if moment.tzinfo is None:
        raise _Bad(f"{key}: the time has no UTC offset")
    return moment


def _choice(value: dict[str, Any], key: str, kinds: type[Any]) -> Any:
    found = _text(value, key, limit=40)
    try:
        return kinds(found)
    except ValueError:
        allowed = ", ".join(kind.value for kind in kinds)
        raise _Bad(f"{key}: must be one of {allowed}, got '{found}'") from None


def _session(value: Any) -> SessionRecord:
    if not isinstance(value, dict):
        raise _Bad(f"a session must be an object, got {_kind(value)}")
    uuid = _text(value, "uuid", limit=36)
    if not _UUID.fullmatch(uuid):
        raise _Bad(f"uuid: not a UUID like 0b5e…-…: '{uuid}'")
    pains = {}
    for key in ("pain_before", "pain_after"):
        found = _get(value, key, int, null=True)
        if found is not None and not 0 <= found <= 10:
            raise _Bad(f"{key}: must be between 0 and 10, got {found}")
        pains[key] = found
    frequency_text = _text(value, "frequency", null=True, limit=20)
    frequency = None
    if frequency_text:
        matched = _FREQUENCY.fullmatch(frequency_text)
        if matched is None:
            raise _Bad(f"frequency: not like '2 per day': '{frequency_text}'")
        frequency = Frequency(int(matched[1]), Period(matched[2]))
    speed = _get(value, "speed", float, null=True)
    if speed is not None and not 0 < speed <= 1000:
        raise _Bad(f"speed: must be above 0 and at most 1000, got {speed}")
    away = _get(value, "away_seconds", float)
    if not 0 <= away <= 10 * 366 * 86400:
        raise _Bad(f"away_seconds: must be between 0 and ten years, got {away}")
    started = _moment(value, "started_at")
    assert started is not None
    updated = _moment(value, "updated_at")
    exercises = _get(value, "exercises", list)
    if len(exercises) > 500:
        raise _Bad(f"exercises: {len(exercises)} of them; at most 500")
    step = _get(value, "plan_step", int, null=True)
    if step is not None and not 1 <= step <= 1000:
        raise _Bad(f"plan_step: must be between 1 and 1000, got {step}")
    return SessionRecord(
        id=0,
        routine=_text(value, "routine", limit=200),
        routine_hash=_text(value, "routine_hash", limit=200),
        started=started,
        last_update=updated or started,
        outcome=_choice(value, "outcome", SessionOutcome),
        exercises_planned=_number(value, "exercises_planned", 0, 10_000),
        pain_before=pains["pain_before"],
        pain_after=pains["pain_after"],
        ended=_moment(value, "ended_at", null=True),
        frequency=frequency,
        exercises=tuple(_exercise(item, index) for index, item in enumerate(exercises)),
        speed=speed,
        note=_text(value, "note", limit=2000, lines=True),
        counts_as=_text(value, "counts_as", null=True, limit=200),
        away_seconds=away,
        uuid=uuid,
        origin=_text(value, "origin", null=True, limit=200),
        routine_path=_text(value, "routine_path", null=True),
        plan_step=step,
    )


def _exercise(value: Any, index: int) -> ExerciseRecord:
    if not isinstance(value, dict):
        raise _Bad(f"exercises[{index}]: must be an object, got {_kind(value)}")
    try:
        sides = _get(value, "sides_done", list)
        if not all(type(side) is str and side.isprintable() for side in sides):
            raise _Bad("sides_done: must be a list of texts")
        started = _moment(value, "started_at")
        ended = _moment(value, "ended_at")
        assert started is not None and ended is not None
        rating = _get(value, "rating", int, null=True)
        if rating is not None and not 0 <= rating <= 10:
            raise _Bad(f"rating: must be between 0 and 10, got {rating}")
        kind = _text(value, "rating_kind", null=True, limit=10)
        if kind not in (None, "pain", "effort"):
            raise _Bad(f"rating_kind: must be pain, effort or null, got '{kind}'")
        return ExerciseRecord(
            position=_number(value, "position", 0, 10_000),
            exercise_id=_text(value, "exercise_id", limit=200),
            name=_text(value, "name", limit=200),
            status=_choice(value, "status", ExerciseStatus),
            started=started,
            ended=ended,
            reps_done=_number(value, "reps_done", 0, 100_000),
            holds_done=_number(value, "holds_done", 0, 100_000),
            holds_planned=_number(value, "holds_planned", 0, 100_000),
            sides_done=tuple(sides),
            rating=rating,
            rating_kind=kind,
        )
    except _Bad as problem:
        raise _Bad(f"exercises[{index}].{problem}") from None
