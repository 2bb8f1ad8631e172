"""Checked routines kept between runs: a command that finds a routine file unchanged
takes the routine from the cache, without importing PyYAML and the checker (most of
what loading a routine costs `start` and `today --notify`).

One JSON file per routine file in the cache folder (`Locations.cache_dir`) holds the
checked routine and what it was made from:

- its key: the format of this file, the package's version, the size and modification
  time of each module of `routines/` (an editable install changes the code, not the
  version), the path as given, the routine's name and the exercise folders;
- every file the load looked at (the routine file; the exercises files and routines
  its `use:` entries were looked up in, found or not; the pictures it checked), as
  `os.stat` gave it then: type, size, modification and change times, inode, device;
- the routine file's bytes, compared whole with the file on every run, so that not
  even a same-size edit within one tick of the file system's clock can hide. They are
  also what `Routine.content_hash` hashes: history records the same hash as after a
  fresh load.

A file changed less than `RACY_NS` before it was read is not cached: a second edit in
the same tick of a coarse clock would leave its times as they were. Anything missing,
unreadable, corrupt or not matching is a miss, never an error: the routine is loaded
as without a cache (and its problems reported as ever). Entries are written whole (a
new file, then a rename), readable by the user only, and hold nothing that is run.

An entry is not trusted because it is ours: anything that can write the cache folder
could have written it. Each value gets the loader's rules again (the ranges of
`format.py`, text without control characters, ids and names by their patterns, side
labels as `dose.side_problems` allows them, at most `MAX_ROUTINE_SECONDS` in all), and
a picture must be a file the entry watches, in the routine file's folder or an
exercise folder, or below. An entry is opened without blocking and read only when it
is a regular file, so a pipe in its place cannot hang a command.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backpain_cli import __version__
from backpain_cli.errors import BackpainError, Problem
from backpain_cli.files import write_atomically
from backpain_cli.routines import dose
from backpain_cli.routines.format import (
    DOSE_KEYS,
    EXERCISE_KEYS,
    MAX_ROUTINE_SECONDS,
    ROUTINE_KEYS,
    SLUG_PATTERN,
    Key,
)
from backpain_cli.routines.model import (
    Exercise,
    Frequency,
    Movement,
    PainRule,
    Period,
    Progression,
    ProgressionStep,
    Routine,
    Side,
)
from backpain_cli.routines.names import is_routine_name
from backpain_cli.text import clean_line, did_you_mean, is_unsafe

if TYPE_CHECKING:
    from backpain_cli.routines.loader import ExerciseLibrary

FORMAT = 1  # of the entries: a new format misses every older entry
RACY_NS = 2_000_000_000  # a file changed this recently may change again unseen
MAX_ENTRY_BYTES = 4 << 20  # a routine file is at most 1 MiB; anything larger is not ours
_CODE = Path(__file__).parent  # the modules whose code decides what a routine file means


def cached_routine(
    path: Path,
    *,
    default_name: str,
    folders: Sequence[Path],
    library: Callable[[], ExerciseLibrary],
    cache_dir: Path | None,
    now: Callable[[], int] = time.time_ns,
) -> Routine:
    """The routine in `path`, from the cache when nothing it was made from changed;
    else loaded (`library` gives the exercise library of `folders`) and kept.
    RoutineError as `loader.load_routine` raises it."""
    try:
        key = _key(path, default_name, folders)
    except OSError:  # the package is not in a folder (e.g. in a zip file): no cache
        cache_dir = None
    if cache_dir is None:
        return _load(path, default_name, library, [])
    entry_file = cache_dir / entry_name(key, default_name)
    found = _read(entry_file, key, path, folders)
    if found is not None:
        return found
    watched: list[Path] = []
    routine = _load(path, default_name, library, watched)
    _write(entry_file, key, routine, watched, now())
    return routine


def _load(
    path: Path, default_name: str, library: Callable[[], ExerciseLibrary], watched: list[Path]
) -> Routine:
    """The routine, loaded and checked: PyYAML and the checker are imported now."""
    from backpain_cli.routines.loader import load_routine

    return load_routine(path, default_name=default_name, library=library(), watched=watched)


def entry_name(key: list[Any], default_name: str) -> str:
    """The entry's file name: the routine's name when it is a plain one, and a checksum
    of the key (the entry holds the whole key)."""
    name = default_name if is_routine_name(default_name) else "routine"
    return f"{name}-{zlib.crc32(json.dumps(key).encode()):08x}.json"


def _key(path: Path, default_name: str, folders: Sequence[Path]) -> list[Any]:
    code = sorted(
        [entry.name, *_of(entry.stat())[1:3]]
        for entry in os.scandir(_CODE)
        if entry.name.endswith(".py")
    )
    return [FORMAT, __version__, code, str(path), default_name, [str(f) for f in folders]]


def _stamp(path: Path | str) -> list[int] | None:
    """What `os.stat` says of a file, None when there is none."""
    try:
        found = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return _of(found)


def _of(found: os.stat_result) -> list[int]:
    return [
        found.st_mode >> 12,  # the file's type (a folder, a link's target...)
        found.st_size,
        found.st_mtime_ns,
        found.st_ctime_ns,
        found.st_ino,
        found.st_dev,
    ]


def _read(entry_file: Path, key: list[Any], path: Path, folders: Sequence[Path]) -> Routine | None:
    try:
        data = _regular_file_bytes(entry_file, MAX_ENTRY_BYTES + 1)
        if data is None or len(data) > MAX_ENTRY_BYTES:
            return None
        entry = json.loads(data)
        if entry["key"] != key:
            return None
        files = entry["files"]
        if files[0][0] != str(path) or any(_stamp(name) != stamp for name, stamp in files[1:]):
            return None
        content = entry["content"].encode()
        if _read_exactly(path, files[0][1], len(content)) != content:
            return None
        routine = routine_from_cache_json(entry["routine"], content)
        if routine.name != clean_line(key[4]) and re.fullmatch(SLUG_PATTERN, routine.name) is None:
            return None  # its `name:`, or the name it was asked for (as the model keeps it)
        watched = {name for name, stamp in files[1:] if stamp and stamp[0] == _REGULAR}
        homes = [Path(path).resolve().parent, *(Path(folder).resolve() for folder in folders)]
        if not all(_picture_allowed(e.image, watched, homes) for e in routine.exercises):
            return None
        return routine
    except (OSError, ValueError, LookupError, TypeError, AttributeError, RecursionError):
        return None  # UnicodeError and JSONDecodeError are ValueErrors


_REGULAR = 0o10  # st_mode >> 12 of a regular file


def _regular_file_bytes(path: Path, limit: int) -> bytes | None:
    """At most `limit` bytes of the file, None when it is not a regular file (a pipe in
    its place is opened without blocking, and never read)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    with open(os.open(path, flags), "rb") as handle:
        if os.fstat(handle.fileno()).st_mode >> 12 != _REGULAR:
            return None
        return handle.read(limit)


def _picture_allowed(image: str, watched: set[str], homes: list[Path]) -> bool:
    """A picture as the loader would give it: none, or a file it checked (and that has not
    changed since), in the routine's folder or an exercise folder, or below."""
    if not image:
        return True
    return image in watched and any(Path(image).is_relative_to(home) for home in homes)


def _read_exactly(path: Path, stamp: list[int], size: int) -> bytes | None:
    """The file's bytes (one more than `size` at most) if it is still the file `stamp`
    describes; never blocking, even if a pipe has just taken its place."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    with open(os.open(path, flags), "rb") as handle:
        if _of(os.fstat(handle.fileno())) != stamp:
            return None
        return handle.read(size + 1)


def _write(
    entry_file: Path, key: list[Any], routine: Routine, watched: list[Path], now: int
) -> None:
    try:
        stamps = {str(name): _stamp(name) for name in watched}
        if any(stamp and now - max(stamp[2], stamp[3]) < RACY_NS for stamp in stamps.values()):
            return
        files = [[name, stamp] for name, stamp in stamps.items()]
        entry = {
            "key": key,
            "files": files,
            "content": routine.content.decode(),
            "routine": cache_json(routine),
        }
        data = json.dumps(entry).encode()  # ASCII: a path's undecodable bytes too
        entry_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Not flushed to the disk: an entry a crash cut short fails its checks, a miss.
        write_atomically(entry_file, data, make_folder=False, durable=False, own=True)
    except BackpainError:  # e.g. a full disk: nothing is left behind
        with contextlib.suppress(OSError):
            entry_file.parent.rmdir()  # only if empty
    except OSError:
        return  # a cache that cannot be written is no cache: the routine still plays


# -- the routine as JSON, and back, checking every value's type -------------------------


def _plain(value: object) -> object:
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, (Side, Movement, Period)):
        return value.value
    return value


def cache_json(routine: Routine) -> dict[str, Any]:
    """The routine as plain JSON values (its bytes are kept beside it)."""
    data = {
        field.name: _plain(getattr(routine, field.name))
        for field in fields(Routine)
        if field.name not in ("exercises", "frequency", "content", "warnings", "progression")
    }
    data["exercises"] = [
        {field.name: _plain(getattr(exercise, field.name)) for field in fields(Exercise)}
        for exercise in routine.exercises
    ]
    frequency = routine.frequency
    data["frequency"] = None if frequency is None else [frequency.times, frequency.period.value]
    data["warnings"] = [list(problem) for problem in routine.warnings]
    data["progression"] = routine.progression  # tuples all the way down: lists in JSON
    return data


def _text(value: object, limit: int = 2000) -> str:
    """Text as the loader leaves it: whitespace folded, no control character, not long."""
    if not isinstance(value, str):
        raise TypeError(value)
    if len(value) > limit or value != " ".join(value.split()):
        raise ValueError(value)
    if not value.isprintable() and any(map(_unsafe, value)):
        raise ValueError(value)
    return value


def _unsafe(character: str) -> bool:
    """As the loader: a surrogate escape (a file name's undecodable byte) is no control."""
    code = ord(character)
    return not 0xD800 <= code <= 0xDFFF and is_unsafe(code)


def _count(value: object) -> int:
    if type(value) is not int or value < 0:
        raise TypeError(value)
    return value


def _text_of(key: Key, *, required: bool = False) -> Callable[[object], str]:
    def check(value: object) -> str:
        text = _text(value, key.max_length)
        if required and not text:
            raise ValueError(value)
        return text

    return check


def _texts_of(key: Key) -> Callable[[object], tuple[str, ...]]:
    def check(value: object) -> tuple[str, ...]:
        if not isinstance(value, list) or len(value) > key.max_items:
            raise TypeError(value)
        if key.required and not value:
            raise ValueError(value)
        return tuple(_text_of(key, required=True)(item) for item in value)

    return check


def _in_range(key: Key, *, unused: bool = False) -> Callable[[object], int]:
    """A number in the key's range (or 0, when `unused`: a hold of a movement)."""

    def check(value: object) -> int:
        number = _count(value)
        assert key.minimum is not None and key.maximum is not None
        if not (key.minimum <= number <= key.maximum or (unused and number == 0)):
            raise ValueError(value)
        return number

    return check


def _slug(value: object) -> str:
    if not isinstance(value, str) or re.fullmatch(SLUG_PATTERN, value) is None:
        raise ValueError(value)
    return value


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError(value)
    return value


def _sides(value: object) -> tuple[Side, ...]:
    labels = _texts_of(EXERCISE_KEYS["sides"])(value)  # at most 2, of SIDE_LABEL_LENGTH
    if dose.side_problems(list(labels), did_you_mean):
        raise ValueError(value)
    return tuple(Side(side) for side in labels)


def _maybe(check: Callable[[object], Any]) -> Callable[[object], Any]:
    return lambda value: None if value is None else check(value)


def _frequency(value: object) -> Frequency:
    if not isinstance(value, list) or len(value) != 2 or not 1 <= _count(value[0]) <= 10:
        raise TypeError(value)
    return Frequency(value[0], Period(value[1]))


def _problem(value: object) -> Problem:
    if not isinstance(value, list) or len(value) != len(Problem._fields):
        raise TypeError(value)
    path, message, line, column, key_path, hint = value
    where = _maybe(_count)(line), _maybe(_count)(column)
    return Problem(_safe(path), _safe(message), *where, _safe(key_path), _safe(hint))


def _safe(value: object) -> str:
    if not isinstance(value, str) or any(_unsafe(c) for c in value if c not in "\n\t"):
        raise ValueError(value)
    return value


EXERCISE_VALUES: dict[str, Callable[[object], Any]] = {
    "id": _slug,
    "name": _text_of(EXERCISE_KEYS["name"], required=True),
    "instructions": _texts_of(EXERCISE_KEYS["instructions"]),
    "hold": _in_range(DOSE_KEYS["hold"], unused=True),
    "reps": _in_range(DOSE_KEYS["reps"]),
    "sets": _in_range(DOSE_KEYS["sets"]),
    "sides": _sides,
    "alternate": _flag,
    "rest": _in_range(DOSE_KEYS["rest"]),
    "set_rest": _in_range(DOSE_KEYS["set_rest"]),
    "prepare": _in_range(DOSE_KEYS["prepare"]),
    "position": _text_of(EXERCISE_KEYS["position"]),
    "equipment": _texts_of(EXERCISE_KEYS["equipment"]),
    "cues": _texts_of(EXERCISE_KEYS["cues"]),
    "caution": _text_of(EXERCISE_KEYS["caution"]),
    "image": lambda value: _text(value, 4096),  # absolute; where it is: `_picture_allowed`
    "movement": Movement,
    "rep_seconds": _in_range(DOSE_KEYS["rep_seconds"], unused=True),
    "tempo": _text_of(EXERCISE_KEYS["tempo"]),
    "was": lambda value: _text(value, 200),
}
ROUTINE_VALUES: dict[str, Callable[[object], Any]] = {
    "name": _text,  # and which: `_read`
    "title": _text_of(ROUTINE_KEYS["title"], required=True),
    "summary": _text_of(ROUTINE_KEYS["summary"]),
    "source": _text_of(ROUTINE_KEYS["source"]),
    "disclaimer": _text_of(ROUTINE_KEYS["disclaimer"]),
    "frequency": _maybe(_frequency),
    "counts_as": _maybe(_slug),
    "exercises": lambda value: value,  # checked one by one below
    "warnings": lambda value: value,
    "progression": _maybe(lambda value: _progression(value)),
    "step": _count,
    "morning_check": _flag,
    "rate_each": _text,
}


def _progression(value: object) -> Progression:
    if not isinstance(value, list) or len(value) != 3 or not isinstance(value[1], list):
        raise TypeError(value)
    steps = tuple(_step(step) for step in value[1])
    return Progression(_count(value[0]), steps, _maybe(_pain_rule)(value[2]))


def _pain_rule(value: object) -> PainRule:
    if not isinstance(value, list) or len(value) != 5:
        raise TypeError(value)
    when, times, of, points, action = value
    return PainRule(_text(when), _count(times), _count(of), _count(points), _text(action))


def _step(value: object) -> ProgressionStep:
    if not isinstance(value, list) or len(value) != 2 or not isinstance(value[0], list):
        raise TypeError(value)
    doses = []
    for item in value[0]:
        if not isinstance(item, list) or len(item) != 2 or not isinstance(item[1], list):
            raise TypeError(value)
        doses.append((_text(item[0]), tuple(_dose(dose) for dose in item[1])))
    return ProgressionStep(tuple(doses), _maybe(_count)(value[1]))


def _dose(value: object) -> tuple[str, int]:
    if not isinstance(value, list) or len(value) != 2:
        raise TypeError(value)
    return _text(value[0]), _count(value[1])


def _values(data: object, checks: dict[str, Callable[[object], Any]]) -> dict[str, Any]:
    if not isinstance(data, dict) or data.keys() != checks.keys():
        raise TypeError(data)
    return {name: check(data[name]) for name, check in checks.items()}


def routine_from_cache_json(data: object, content: bytes) -> Routine:
    """The routine `cache_json` gave; TypeError or ValueError for anything else."""
    values = _values(data, ROUTINE_VALUES)
    if not isinstance(values["exercises"], list) or not isinstance(values["warnings"], list):
        raise TypeError(data)
    if not values["exercises"]:  # the checker never passes a routine without one
        raise ValueError(data)
    if len(values["exercises"]) > ROUTINE_KEYS["exercises"].max_items:
        raise ValueError(data)
    exercises = tuple(_exercise(item) for item in values["exercises"])
    warnings = tuple(_problem(item) for item in values["warnings"])
    routine = Routine(**{**values, "exercises": exercises, "warnings": warnings}, content=content)
    if dose.longest(routine) > MAX_ROUTINE_SECONDS:  # may be in time: the loader decides
        raise ValueError(data)
    return routine


def _exercise(data: object) -> Exercise:
    exercise = Exercise(**_values(data, EXERCISE_VALUES))
    held, paced = exercise.movement is Movement.HOLD, exercise.movement is Movement.PACED
    if (exercise.hold == 0) == held or (exercise.rep_seconds == 0) == paced:
        raise ValueError(data)  # each movement has the one length it needs
    if exercise.tempo and held:
        raise ValueError(data)
    return exercise
