"""The history as JSON Lines: what `history export` writes, `history import` and
`report --history` read, and each machine appends to its own file in a sync folder.

The first line is a header (`format`, `version`, the tool and the machine that wrote
it); every other line is one session with its exercises, named by its UUID, or (with a
`kind`) a goal, an answer, a move of a plan, a next-morning check or a session
forgotten on the machine that wrote it (sync folder files only). The layout
is documented in docs/json-output.md. A file from someone else is hostile until checked:
`read_lines` checks every line (JSON, the keys' types and ranges, no control characters
in text) and reports the first bad one by its number, so an import takes all or nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date, datetime, timezone
from typing import Any, NamedTuple

from backpain_cli.errors import BackpainError
from backpain_cli.history.barriers import MAX_DETAIL_LENGTH, REASONS
from backpain_cli.history.goals import MAX_GOAL_LENGTH, GoalError, GoalState, goal_text
from backpain_cli.history.journal import (
    CLOCK_SKEW,
    MORNING_ANSWERS,
    PLAN_CHANGE_KINDS,
    BarrierEntry,
    ForgottenEntry,
    GoalEntry,
    JournalEntry,
    MorningCheckEntry,
    PlanChangeEntry,
)
from backpain_cli.history.merging import Incoming
from backpain_cli.history.records import ExerciseStatus, SessionOutcome
from backpain_cli.routines.names import is_routine_name
from backpain_cli.text import is_unsafe

FORMAT = "backpain-history"
VERSION = 1
MAX_LINE_BYTES = 1 << 20  # a session with every exercise is a few kilobytes
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00")
_OUTCOMES = tuple(outcome.value for outcome in SessionOutcome)
_STATUSES = tuple(status.value for status in ExerciseStatus)
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_KIND_NAME = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
_FREQUENCY = re.compile(r"([1-9][0-9]?) per (day|week)")


class HistoryFileError(BackpainError):
    """A line of a history file that is refused: FILE:LINE: what."""


class Header(NamedTuple):
    version: int
    tool: str
    machine: str


# -- writing (the sessions' lines are built by SQLite: `history/lines.py`) ---------


def header_line(*, tool: str, machine: str) -> str:
    header = {"format": FORMAT, "version": VERSION, "tool": tool, "machine": machine}
    return json.dumps(header, ensure_ascii=False) + "\n"


# -- reading ---------------------------------------------------------------------------


class _Bad(Exception):
    """What is wrong with one value (the line's number is added by the reader)."""


def read_lines(
    lines: Iterable[bytes],
    shown: str,
    *,
    first: int = 1,
    header: bool = True,
    now: datetime | None = None,
    unknown: list[int] | None = None,
) -> tuple[Header | None, list[Incoming], list[JournalEntry]]:
    """The header (when `header`: the first line must be one), the sessions and the
    goals and answers (lines with a `kind`) of these lines, numbered from `first`;
    HistoryFileError naming FILE:LINE at the first bad one. Blank lines are skipped.
    With `now`, a move of a plan dated more than `CLOCK_SKEW` after it is a bad line:
    it would stay the plan's latest move (the resolver leaves it out until then).
    With `unknown` (a sync folder, where machines may run a newer version), a line whose
    `kind` is a name this version does not know is skipped and its number added there;
    without it (an import: all or nothing) it is a bad line like any other."""
    latest = None
    if now is not None:
        latest = (now + CLOCK_SKEW).astimezone(timezone.utc).isoformat(timespec="milliseconds")
    found: Header | None = None
    sessions: list[Incoming] = []
    journal: list[JournalEntry] = []
    for number, raw in enumerate(lines, start=first):
        if not raw.strip():
            continue
        try:
            value = _json(raw)
            if header and found is None:
                found = _header(value)
            elif isinstance(value, dict) and "kind" in value:
                if unknown is not None and _unknown_kind(value["kind"]):
                    unknown.append(number)
                    continue
                journal.append(_entry(value, latest))
            else:
                sessions.append(_session(value))
        except _Bad as problem:
            raise HistoryFileError(f"{shown}:{number}: {problem}") from None
    if header and found is None:
        raise HistoryFileError(f"{shown}: empty; a history file starts with its header line")
    return found, sessions, journal


def _unknown_kind(kind: object) -> bool:
    """Whether KIND is a kind's name (lowercase words joined by `_`) this version does
    not know: anything else as a kind is a bad line still."""
    return isinstance(kind, str) and bool(_KIND_NAME.fullmatch(kind)) and kind not in KINDS


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
    plain = found.replace("\n", "").replace("\t", "") if lines else found
    if not plain.isprintable():  # the fast check; the exact one only when it fails
        bad = next((c for c in plain if is_unsafe(ord(c))), None)
        if bad is not None:
            raise _Bad(f"{key}: a control character (U+{ord(bad):04X})")
    return found


def _number(value: dict[str, Any], key: str, low: int, high: int, *, null: bool = False) -> Any:
    found = _get(value, key, int, null=null)
    if found is not None and not low <= found <= high:
        raise _Bad(f"{key}: must be between {low} and {high}, got {found}")
    return found


def _moment(value: dict[str, Any], key: str, *, null: bool = False) -> str | None:
    """A time as stored: UTC text with milliseconds (it sorts as text)."""
    found: str | None = _get(value, key, str, null=null)
    if found is None:
        return None
    if _TIME.fullmatch(found):
        try:
            datetime.fromisoformat(found)
            return found
        except ValueError:
            pass
    raise _Bad(f"{key}: not a UTC time like 2026-12-07T08:30:00.000+00:00")


def _choice(value: dict[str, Any], key: str, allowed: tuple[str, ...]) -> str:
    found: str = _get(value, key, str)
    if found not in allowed:
        shown = found if found.isprintable() else repr(found)
        raise _Bad(f"{key}: must be one of {', '.join(allowed)}, got '{shown[:40]}'")
    return found


def _session(value: Any) -> Incoming:
    if not isinstance(value, dict):
        raise _Bad(f"a session must be an object, got {_kind(value)}")
    uuid = _text(value, "uuid", limit=36)
    if not _UUID.fullmatch(uuid):
        raise _Bad(f"uuid: not a UUID like 0b5e…-…: '{uuid}'")
    pain_before = _number(value, "pain_before", 0, 10, null=True)
    pain_after = _number(value, "pain_after", 0, 10, null=True)
    frequency = _text(value, "frequency", null=True, limit=20) or ""
    if frequency and not _FREQUENCY.fullmatch(frequency):
        raise _Bad(f"frequency: not like '2 per day': '{frequency}'")
    speed = _get(value, "speed", float, null=True)
    if speed is not None and not 0 < speed <= 1000:
        raise _Bad(f"speed: must be above 0 and at most 1000, got {speed}")
    away = _get(value, "away_seconds", float)
    if not 0 <= away <= 10 * 366 * 86400:
        raise _Bad(f"away_seconds: must be between 0 and ten years, got {away}")
    started = _moment(value, "started_at")
    updated = _moment(value, "updated_at")
    exercises = _get(value, "exercises", list)
    if len(exercises) > 500:
        raise _Bad(f"exercises: {len(exercises)} of them; at most 500")
    origin = _text(value, "origin", null=True, limit=200)
    session = (
        uuid,
        _text(value, "routine", limit=200),
        _text(value, "routine_hash", limit=200),
        started,
        _moment(value, "ended_at", null=True),
        updated,
        _choice(value, "outcome", _OUTCOMES),
        _number(value, "exercises_planned", 0, 10_000),
        pain_before,
        pain_after,
        frequency,
        speed,
        _text(value, "note", limit=2000, lines=True) or None,
        _text(value, "counts_as", null=True, limit=200),
        away,
        origin,
        _text(value, "routine_path", null=True),
        _number(value, "plan_step", 1, 1000, null=True),
    )
    rows = [_exercise(item, index) for index, item in enumerate(exercises)]
    return Incoming(uuid, updated or started or "", origin, session, rows)


_EXERCISE_KEYS = (
    "position", "exercise_id", "name", "status", "started_at", "ended_at", "holds_done",
    "holds_planned", "reps_done", "sides_done", "rating", "rating_kind",
)  # fmt: skip
_STATUS_SET = frozenset(_STATUSES)


def _is_time(text: object) -> bool:
    if type(text) is not str or not _TIME.fullmatch(text):
        return False
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _quick_exercise(value: Any) -> tuple[object, ...] | None:
    """The exercise's row when every value is plainly right, in one pass; None sends it
    to the checks that say what is wrong (ten years hold over 35,000 exercises)."""
    try:
        found = tuple(value[key] for key in _EXERCISE_KEYS)
    except (KeyError, TypeError):
        return None
    position, exercise_id, name, status, started, ended, done, planned, reps, sides = found[:10]
    rating, kind = found[10:]
    counts = (done, planned, reps)
    plain = (
        type(position) is int
        and 0 <= position <= 10_000
        and type(exercise_id) is str
        and len(exercise_id) <= 200
        and exercise_id.isprintable()
        and type(name) is str
        and len(name) <= 200
        and name.isprintable()
        and status in _STATUS_SET
        and all(type(count) is int and 0 <= count <= 100_000 for count in counts)
        and type(sides) is list
        and all(type(side) is str and side.isprintable() and "," not in side for side in sides)
        and (rating is None or (type(rating) is int and 0 <= rating <= 10))
        and kind in (None, "pain", "effort")
        and _is_time(started)
        and _is_time(ended)
    )
    if not plain:
        return None
    return (*found[:9], ",".join(sides), rating, kind)


def _exercise(value: Any, index: int) -> tuple[object, ...]:
    quick = _quick_exercise(value)
    if quick is not None:
        return quick
    if not isinstance(value, dict):
        raise _Bad(f"exercises[{index}]: must be an object, got {_kind(value)}")
    try:
        sides = _get(value, "sides_done", list)
        if not all(type(side) is str and side.isprintable() and "," not in side for side in sides):
            raise _Bad("sides_done: must be a list of texts")
        kind = _get(value, "rating_kind", str, null=True)
        if kind not in (None, "pain", "effort"):
            raise _Bad(f"rating_kind: must be pain, effort or null, got '{kind[:40]}'")
        return (
            _number(value, "position", 0, 10_000),
            _text(value, "exercise_id", limit=200),
            _text(value, "name", limit=200),
            _choice(value, "status", _STATUSES),
            _moment(value, "started_at"),
            _moment(value, "ended_at"),
            _number(value, "holds_done", 0, 100_000),
            _number(value, "holds_planned", 0, 100_000),
            _number(value, "reps_done", 0, 100_000),
            ",".join(sides),
            _number(value, "rating", 0, 10, null=True),
            kind,
        )
    except _Bad as problem:
        raise _Bad(f"exercises[{index}].{problem}") from None


# -- goals, answers, the plan's moves, next-morning checks, forgotten sessions ----------

KINDS = ("goal", "barrier", "plan_change", "morning_check", "forgotten")  # not sessions


def _entry(value: dict[str, Any], latest: str | None) -> JournalEntry:
    kind = _choice(value, "kind", KINDS)
    uuid = _uuid(value, "uuid")
    if kind == "forgotten":
        return ForgottenEntry(uuid, str(_moment(value, "forgotten_at")))
    if kind == "plan_change":
        routine = _text(value, "routine", limit=200)
        if not is_routine_name(routine):
            raise _Bad(f"routine: not a routine name: '{routine[:40]}'")
        changed_at = str(_moment(value, "changed_at"))
        if latest is not None and changed_at > latest:  # (both UTC text: they sort)
            raise _Bad(f"changed_at: {changed_at} is more than a day ahead of this clock")
        return PlanChangeEntry(
            uuid,
            routine,
            changed_at,
            int(_number(value, "step", 1, 1000)),
            _choice(value, "change", PLAN_CHANGE_KINDS),
            _text(value, "detail", limit=500),
        )
    if kind == "morning_check":
        answer = _text(value, "answer", null=True, limit=20)
        if answer is not None and answer not in MORNING_ANSWERS:
            raise _Bad(
                f"answer: must be one of {', '.join(MORNING_ANSWERS)} or null, got '{answer}'"
            )
        return MorningCheckEntry(
            uuid, _uuid(value, "session_uuid"), str(_moment(value, "asked_at")), answer
        )
    if kind == "barrier":
        day = _text(value, "missed_on", limit=10)
        try:
            date.fromisoformat(day)
        except ValueError:
            raise _Bad(f"missed_on: not a day like 2026-12-07: '{day}'") from None
        reason = _text(value, "reason", null=True, limit=20)
        if reason is not None and reason not in REASONS:
            raise _Bad(f"reason: must be one of {', '.join(REASONS)} or null, got '{reason}'")
        detail = _text(value, "detail", limit=MAX_DETAIL_LENGTH)
        return BarrierEntry(uuid, day, str(_moment(value, "asked_at")), reason, detail)
    ratings = _get(value, "ratings", list)
    if len(ratings) > 10_000:
        raise _Bad(f"ratings: {len(ratings)} of them; at most 10000")
    found = []
    for index, rating in enumerate(ratings):
        if not isinstance(rating, dict):
            raise _Bad(f"ratings[{index}]: must be an object, got {_kind(rating)}")
        try:
            at = str(_moment(rating, "at"))
            found.append((_uuid(rating, "uuid"), at, int(_number(rating, "score", 0, 10))))
        except _Bad as problem:
            raise _Bad(f"ratings[{index}].{problem}") from None
    try:
        text = goal_text(_text(value, "text", limit=MAX_GOAL_LENGTH))
    except GoalError as error:
        raise _Bad(f"text: {error}") from None
    return GoalEntry(
        uuid,
        text,
        str(_moment(value, "added_at")),
        _choice(value, "state", tuple(state.value for state in GoalState)),
        _moment(value, "closed_at", null=True),
        tuple(found),
    )


def _uuid(value: dict[str, Any], key: str) -> str:
    found: str = _text(value, key, limit=36)
    if not _UUID.fullmatch(found):
        raise _Bad(f"{key}: not a UUID like 0b5e…-…: '{found}'")
    return found
