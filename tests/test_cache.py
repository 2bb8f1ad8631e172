"""The routine cache: an unchanged routine file is not parsed or checked again, and no
change to any file a routine was made from is ever hidden by it."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from backpain_cli import files
from backpain_cli.cli import cli
from backpain_cli.errors import Problem, RoutineError
from backpain_cli.routines import cache
from backpain_cli.routines.cache import (
    EXERCISE_VALUES,
    ROUTINE_VALUES,
    cache_json,
    cached_routine,
    routine_from_cache_json,
)
from backpain_cli.routines.loader import ExerciseLibrary, load_routine
from backpain_cli.routines.model import Exercise, Routine

BUILTIN_ROUTINES = Path(__file__).resolve().parents[1] / "routines"
PICTURE = (BUILTIN_ROUTINES / "pictures" / "scapular-squeeze.svg").read_bytes()

MINE = """\
version: 1
title: Mine
frequency: 3 per week
exercises:
  - use: scapular-squeeze
    hold: 3
  - id: turn
    name: Turn
    hold: 10
    sides: [clockwise, anticlockwise]
    cues: [Slowly, then relax.]
    instructions: [Turn slowly.]
    image: turn.svg
  - id: paced
    name: Paced
    rep_seconds: 4
    reps: 5
    tempo: 2 down, 2 up
    instructions: [Move.]
    sides: [left, right]
    alternate: false
progression:
  advance_after: 3
  steps:
    - {scapular-squeeze: {reps: 2}, turn: {hold: 8}}
    - {paced: {reps: 4}, advance_after: 2}
    - {}
  pain_rule: {when: pain-rises, times: 2, of: 3, points: 2, action: step back}
"""


def later() -> int:
    """A clock well after every test file was written: no file is too fresh to cache."""
    return time.time_ns() + 60 * 10**9


class Setup:
    """A user routine folder with `mine.yaml` and its picture, and a cache folder."""

    def __init__(self, tmp_path: Path) -> None:
        self.folder = tmp_path / "routines"
        self.folder.mkdir()
        self.path = self.folder / "mine.yaml"
        self.path.write_text(MINE, encoding="utf-8")
        (self.folder / "turn.svg").write_bytes(PICTURE)
        self.folders = (self.folder, BUILTIN_ROUTINES)
        self.cache_dir = tmp_path / "cache"
        self.loads = 0

    def load(self, *, now: Callable[[], int] = later, cache_dir: Path | None = None) -> Routine:
        def library() -> ExerciseLibrary:
            self.loads += 1  # the loader runs: the cache missed
            return ExerciseLibrary(self.folders)

        return cached_routine(
            self.path,
            default_name="mine",
            folders=self.folders,
            library=library,
            cache_dir=cache_dir or self.cache_dir,
            now=now,
        )

    def entry(self) -> Path:
        (found,) = self.cache_dir.glob("mine-*.json")
        return found


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    return Setup(tmp_path)


def _fresh(setup: Setup) -> Routine:
    return load_routine(setup.path, default_name="mine", library=ExerciseLibrary(setup.folders))


def _same(one: Routine, other: Routine) -> None:
    assert one == other
    assert one.content == other.content and one.content_hash == other.content_hash
    assert one.warnings == other.warnings


def test_an_unchanged_routine_comes_from_the_cache(setup: Setup) -> None:
    first = setup.load()
    assert setup.loads == 1
    again = setup.load()
    assert setup.loads == 1  # not parsed, not checked
    _same(again, first)
    _same(again, _fresh(setup))
    assert again.content_hash == hashlib.sha256(setup.path.read_bytes()).hexdigest()
    assert again.warnings[0].message.startswith("warning: reads as separate items")
    assert again.exercises[1].image == str((setup.folder / "turn.svg").resolve())


def test_the_entry_is_json_for_the_user_only(setup: Setup) -> None:
    setup.load()
    entry = setup.entry()
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    assert stat.S_IMODE(setup.cache_dir.stat().st_mode) == 0o700
    data = json.loads(entry.read_text(encoding="utf-8"))
    assert data["content"] == MINE
    assert data["files"][0][0] == str(setup.path)
    watched = [name for name, _ in data["files"]]
    assert str(setup.folder / "exercises.yaml") in watched  # looked for, not there
    assert str(BUILTIN_ROUTINES / "exercises.yaml") in watched
    assert str(setup.folder / "turn.svg") in watched
    assert sorted(p.name for p in setup.cache_dir.iterdir()) == [entry.name]  # no leftovers


def test_a_same_size_edit_with_the_old_times_is_seen(setup: Setup) -> None:
    setup.load()
    before = setup.path.stat()
    setup.path.write_text(MINE.replace("hold: 10", "hold: 20"), encoding="utf-8")
    os.utime(setup.path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert setup.path.stat().st_size == before.st_size
    assert setup.path.stat().st_mtime_ns == before.st_mtime_ns
    edited = setup.load()
    assert setup.loads == 2
    assert edited.exercises[1].hold == 20
    _same(edited, _fresh(setup))
    assert setup.load().exercises[1].hold == 20 and setup.loads == 2  # cached anew


def test_the_bytes_are_compared_even_when_the_times_match(setup: Setup) -> None:
    """Within one tick of a coarse clock an edit can leave every time as it was: the
    bytes kept in the entry still tell."""
    setup.load()
    entry = setup.entry()
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["content"] = data["content"].replace("hold: 10", "hold: 20")
    entry.write_text(json.dumps(data), encoding="utf-8")
    assert setup.load().exercises[1].hold == 10
    assert setup.loads == 2


def test_a_new_exercises_file_in_the_users_folder_is_seen(setup: Setup) -> None:
    assert setup.load().exercises[0].name == "Scapular squeeze"
    (setup.folder / "exercises.yaml").write_text(
        "version: 1\nexercises:\n  - id: scapular-squeeze\n    name: My squeeze\n"
        "    hold: 5\n    instructions: [Squeeze.]\n",
        encoding="utf-8",
    )
    assert setup.load().exercises[0].name == "My squeeze"
    assert setup.loads == 2


def test_a_changed_picture_is_seen(setup: Setup) -> None:
    setup.load()
    (setup.folder / "turn.svg").write_text("not a picture", encoding="utf-8")
    with pytest.raises(RoutineError, match="is not an SVG, PNG or JPEG image"):
        setup.load()
    (setup.folder / "turn.svg").unlink()
    warned = setup.load()  # a missing picture is a warning, seen at once
    assert any("no picture at 'turn.svg'" in warning.message for warning in warned.warnings)


def test_a_pipe_in_place_of_the_file_is_refused_not_waited_for(setup: Setup) -> None:
    setup.load()
    setup.path.unlink()
    os.mkfifo(setup.path)
    with pytest.raises(RoutineError, match=r"is a named pipe \(FIFO\), not a file"):
        setup.load()


def test_a_file_changed_just_now_is_not_cached(setup: Setup) -> None:
    setup.load(now=time.time_ns)  # mine.yaml was written a moment ago
    assert not setup.cache_dir.exists()
    setup.load()
    assert setup.loads == 2


def test_changed_code_misses(setup: Setup, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = tmp_path / "code"
    code.mkdir()
    (code / "checker.py").write_text("# one version\n", encoding="utf-8")
    monkeypatch.setattr(cache, "_CODE", code)
    setup.load()
    setup.load()
    assert setup.loads == 1
    (code / "checker.py").write_text("# another, longer one\n", encoding="utf-8")
    setup.load()
    assert setup.loads == 2


def test_no_cache_folder_or_no_package_folder_means_no_cache(
    setup: Setup, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    routine = cached_routine(
        setup.path,
        default_name="mine",
        folders=setup.folders,
        library=lambda: ExerciseLibrary(setup.folders),
        cache_dir=None,
    )
    _same(routine, _fresh(setup))
    monkeypatch.setattr(cache, "_CODE", tmp_path / "inside-a-zip-file")
    _same(setup.load(), _fresh(setup))
    setup.load()
    assert setup.loads == 2 and not setup.cache_dir.exists()


def _corrupt(change: Callable[[dict[str, Any]], object]) -> Callable[[Path], None]:
    def corrupt(entry: Path) -> None:
        data = json.loads(entry.read_text(encoding="utf-8"))
        changed = change(data)
        entry.write_text(json.dumps(data if changed is None else changed), encoding="utf-8")

    return corrupt


def _exercise(name: str, value: object) -> Callable[[Path], None]:
    return _corrupt(lambda data: data["routine"]["exercises"][0].__setitem__(name, value))


def _routine(name: str, value: object) -> Callable[[Path], None]:
    return _corrupt(lambda data: data["routine"].__setitem__(name, value))


def _raw(data: bytes) -> Callable[[Path], None]:
    return lambda entry: entry.write_bytes(data)


CORRUPTIONS: dict[str, Callable[[Path], None]] = {
    "empty": _raw(b""),
    "garbage": _raw(b"\x00\xff garbage"),
    "not UTF-8 content": _raw(b'{"content": "\xff"}'),
    "deeply nested": _raw(b"[" * 100_000),
    "too large": _raw(b" " * (cache.MAX_ENTRY_BYTES + 1)),
    "a list": _corrupt(lambda data: [data]),
    "no key": _corrupt(lambda data: data.pop("key")),
    "another key": _corrupt(lambda data: data.__setitem__("key", [0])),
    "files of another path": _corrupt(lambda data: data["files"][0].__setitem__(0, "/x.yaml")),
    "a watched file's stamp": _corrupt(lambda data: data["files"][1].__setitem__(1, [1, 2])),
    "the routine's stamp": _corrupt(lambda data: data["files"][0].__setitem__(1, [1, 2])),
    "content not text": _corrupt(lambda data: data.__setitem__("content", 7)),
    "routine not a mapping": _corrupt(lambda data: data.__setitem__("routine", [])),
    "a routine key missing": _corrupt(lambda data: data["routine"].pop("title")),
    "a routine key more": _routine("colour", "red"),
    "title not text": _routine("title", 3),
    "exercises not a list": _routine("exercises", {}),
    "no exercises": _routine("exercises", []),
    "warnings not a list": _routine("warnings", "none"),
    "a warning not a list": _routine("warnings", ["oops"]),
    "a warning's line not a number": _routine("warnings", [["p", "m", "x", None, ""]]),
    "frequency not a pair": _routine("frequency", [3]),
    "frequency of another period": _routine("frequency", [3, "fortnight"]),
    "exercise not a mapping": _routine("exercises", ["hold"]),
    "alternate not true or false": _exercise("alternate", 0),
    "progression not a pair": _routine("progression", [3, []]),
    "progression's steps not a list": _routine("progression", [3, {}, None]),
    "advance_after negative": _routine("progression", [-1, [], None]),
    "a step not a pair": _routine("progression", [3, [[[], 1, 2]], None]),
    "a step's doses not a list": _routine("progression", [3, [[{}, None]], None]),
    "a step's exercise not a pair": _routine("progression", [3, [[[["turn"]], None]], None]),
    "a step's doses of an exercise not a list": _routine(
        "progression", [3, [[[["turn", {}]], None]], None]
    ),
    "a dose not a pair": _routine("progression", [3, [[[["turn", [["hold"]]]], None]], None]),
    "a dose not a number": _routine(
        "progression", [3, [[[["turn", [["hold", "8"]]]], None]], None]
    ),
    "a pain rule not five values": _routine("progression", [3, [[[], None]], ["hurts", 2]]),
    "a pain rule's times not a number": _routine(
        "progression", [3, [[[], None]], ["hurts", "2", 3, 2, "flag"]]
    ),
    "a step's advance_after not a number": _routine("progression", [3, [[[], "2"]], None]),
    "hold not a number": _exercise("hold", "30"),
    "hold a boolean": _exercise("hold", True),
    "hold negative": _exercise("hold", -1),
    "instructions not a list": _exercise("instructions", "Turn."),
    "an instruction not text": _exercise("instructions", [1]),
    "movement unknown": _exercise("movement", "dance"),
    "sides not texts": _exercise("sides", [None]),
}


@pytest.mark.parametrize("corruption", list(CORRUPTIONS))
def test_a_corrupt_entry_is_a_miss_never_an_error(setup: Setup, corruption: str) -> None:
    setup.load()
    CORRUPTIONS[corruption](setup.entry())
    _same(setup.load(), _fresh(setup))
    assert setup.loads == 2
    _same(setup.load(), _fresh(setup))  # written anew
    assert setup.loads == 2


def test_a_cache_that_cannot_be_written_is_no_cache(setup: Setup, tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    _same(setup.load(cache_dir=blocked), _fresh(setup))
    _same(setup.load(cache_dir=blocked / "under-a-file"), _fresh(setup))
    assert setup.loads == 2
    assert blocked.read_text(encoding="utf-8") == "not a folder"


def test_a_temporary_name_taken_leaves_the_folder_as_it_was(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "_token", lambda: "always-the-same")
    setup.cache_dir.mkdir()
    name = cache.entry_name(cache._key(setup.path, "mine", setup.folders), "mine")
    taken = setup.cache_dir / f".{name[:40]}.always-the-same.tmp"
    (taken / "inside").mkdir(parents=True)
    _same(setup.load(), _fresh(setup))
    assert [p.name for p in setup.cache_dir.iterdir()] == [taken.name]
    assert (taken / "inside").is_dir()


def test_a_failed_write_leaves_nothing_behind(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache.os, "replace", full)
    _same(setup.load(), _fresh(setup))
    assert not setup.cache_dir.exists()


def test_a_stat_that_fails_is_a_miss(setup: Setup) -> None:
    setup.load()
    entry = setup.entry()
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["files"].append([str(setup.path / "under-a-file"), None])  # NotADirectoryError
    entry.write_text(json.dumps(data), encoding="utf-8")
    setup.load()
    assert setup.loads == 1  # a file under a file is as absent as a missing one
    data["files"].append(["\x00", None])  # ValueError from os.stat
    entry.write_text(json.dumps(data), encoding="utf-8")
    setup.load()
    assert setup.loads == 2


# -- the routine as JSON --------------------------------------------------------------


def test_every_field_of_the_model_is_kept() -> None:
    assert set(EXERCISE_VALUES) == {field.name for field in fields(Exercise)}
    assert set(ROUTINE_VALUES) == {field.name for field in fields(Routine)} - {"content"}


SHIPPED = [
    path
    for path in sorted(BUILTIN_ROUTINES.glob("*.yaml")) + sorted(BUILTIN_ROUTINES.glob("*/*.yaml"))
    if path.name != "exercises.yaml"  # the exercise library, not a routine
]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda path: path.name)
def test_every_shipped_routine_comes_back_the_same(path: Path) -> None:
    routine = load_routine(path, library=ExerciseLibrary((BUILTIN_ROUTINES,)))
    back = routine_from_cache_json(json.loads(json.dumps(cache_json(routine))), routine.content)
    _same(back, routine)


def test_a_routine_with_everything_comes_back_the_same(setup: Setup) -> None:
    routine = _fresh(setup)
    routine = Routine(
        **{field.name: getattr(routine, field.name) for field in fields(Routine)}
        | {"counts_as": "upper-back", "frequency": None}
        | {"warnings": (*routine.warnings, Problem("elsewhere.yaml", "warning: far"))},
    )
    back = routine_from_cache_json(json.loads(json.dumps(cache_json(routine))), routine.content)
    _same(back, routine)
    assert back.exercises[1].sides[0].value == "clockwise"
    assert back.exercises[2].tempo == "2 down, 2 up"


def test_a_byte_order_mark_is_kept_for_the_hash(setup: Setup) -> None:
    setup.path.write_bytes(b"\xef\xbb\xbf" + MINE.encode())
    fresh = _fresh(setup)
    setup.load()
    _same(setup.load(), fresh)
    assert setup.loads == 1
    assert fresh.content_hash == hashlib.sha256(setup.path.read_bytes()).hexdigest()


# -- through the commands -------------------------------------------------------------

PROBE = """
import sys
from backpain_cli.cli import main
try:
    main()
except SystemExit:
    pass
print(sorted(m for m in ("yaml", "backpain_cli.routines.checker") if m in sys.modules),
      file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args",
    [
        ("today", "--notify", "upper-back"),
        ("start", "upper-back", "--plain", "--speed", "1000", "--no-sound", "--no-history"),
        ("list",),
        ("exercises",),
    ],
    ids=["today", "start", "list", "exercises"],
)
def test_commands_skip_yaml_and_the_checker_when_the_routine_is_cached(
    home: Path, args: tuple[str, ...]
) -> None:
    shown = []

    def imported() -> str:
        done = subprocess.run(
            [sys.executable, "-c", PROBE, *args],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            check=False,
            timeout=60,
        )
        assert "Traceback" not in done.stderr
        shown.append(done.stdout)
        return done.stderr.strip().splitlines()[-1]

    assert imported() == "['backpain_cli.routines.checker', 'yaml']"  # nothing cached yet
    assert imported() == "[]"
    assert len(list((home / "cache").glob("upper-back-????????.json"))) == 1
    if args[0] != "start":  # (start's log has the times it ran at)
        assert shown[0] == shown[1]  # from the cache, the same words


def test_history_records_the_hash_of_the_file_from_the_cache(runner: CliRunner, home: Path) -> None:
    play = ["start", "upper-back", "--plain", "--speed", "1000", "--record", "--no-sound"]
    for _ in range(2):
        result = runner.invoke(cli, play)
        assert result.exit_code == 0, result.output
    assert list((home / "cache").glob("upper-back-*.json"))
    with closing(sqlite3.connect(home / "history.sqlite3")) as database:
        hashes = [row[0] for row in database.execute("SELECT routine_hash FROM sessions")]
    expected = hashlib.sha256((BUILTIN_ROUTINES / "upper-back.yaml").read_bytes()).hexdigest()
    assert hashes == [expected, expected]


def test_an_edited_user_routine_plays_as_edited(
    runner: CliRunner, user_routines: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "RACY_NS", 0)  # the files written here may be cached at once
    path = user_routines / "mine.yaml"
    text = MINE.replace("    image: turn.svg\n", "")
    path.write_text(text, encoding="utf-8")
    for _ in range(2):
        first = runner.invoke(cli, ["show", "mine"])
        assert first.exit_code == 0, first.output
        assert "Turn" in first.output
    assert len(list((user_routines.parent / "cache").glob("mine-*.json"))) == 1
    before = path.stat()
    path.write_text(text.replace("Turn", "Spin"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # same size, same time
    second = runner.invoke(cli, ["show", "mine"])
    assert second.exit_code == 0, second.output
    assert "Spin" in second.output and "Turn" not in second.output


def test_a_path_that_is_not_text_is_cached_under_a_plain_name(tmp_path: Path) -> None:
    folder = tmp_path / "odd\udcff folder"  # a byte that is not UTF-8: a surrogate escape
    folder.mkdir()
    path = folder / "My Neck\udcff.yaml"
    path.write_text(MINE.replace("    image: turn.svg\n", ""), encoding="utf-8")
    loads: list[int] = []

    def library() -> ExerciseLibrary:
        loads.append(1)
        return ExerciseLibrary((folder, BUILTIN_ROUTINES))

    for _ in range(2):
        routine = cached_routine(
            path,
            default_name="My Neck\udcff",
            folders=(folder, BUILTIN_ROUTINES),
            library=library,
            cache_dir=tmp_path / "cache",
            now=later,
        )
        assert routine.title == "Mine"
    assert len(loads) == 1
    assert [p.name[:8] for p in (tmp_path / "cache").iterdir()] == ["routine-"]
