"""A cache entry is not trusted because it is ours: each value gets the loader's rules
again, pictures must be files the entry watches in the routine's or an exercise folder,
and an entry is read only when it is a regular file. Each tampered entry below is
valid in every other respect: the loader's routine comes back, never the tampered one.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_cache import MINE, Setup, _fresh, _same

from backpain_cli.cli import cli
from backpain_cli.routines import cache


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    return Setup(tmp_path)


Change = Callable[[dict[str, Any], Setup], object]


def exercise(index: int, name: str, value: object) -> Change:
    return lambda data, _: data["routine"]["exercises"][index].__setitem__(name, value)


def routine(name: str, value: object) -> Change:
    return lambda data, _: data["routine"].__setitem__(name, value)


def watched_picture(where: Callable[[Setup], Path]) -> Change:
    """The turn exercise's picture elsewhere, with a true stamp in the watched files."""

    def change(data: dict[str, Any], setup: Setup) -> None:
        picture = where(setup)
        if not picture.exists():
            picture.parent.mkdir(parents=True, exist_ok=True)
            picture.write_bytes((setup.folder / "turn.svg").read_bytes())
        data["files"].append([str(picture), cache._stamp(picture)])
        data["routine"]["exercises"][1]["image"] = str(picture)

    return change


def long_routine(data: dict[str, Any], _: Setup) -> None:
    first = data["routine"]["exercises"][0]
    first.update(hold=600, reps=100, sets=20)  # each in its range; 333 hours in all


TAMPERED: dict[str, Change] = {
    "a side label with ESC": exercise(1, "sides", ["clock\x1b[2Jwise", "anticlockwise"]),
    "a side label with a bidi control": exercise(1, "sides", ["\u202eclockwise", "anti"]),
    "a side label too long": exercise(1, "sides", ["c" * 31, "anticlockwise"]),
    "a side label empty": exercise(1, "sides", ["", "anticlockwise"]),
    "sides mixed": exercise(1, "sides", ["left", "anticlockwise"]),
    "a side misspelt": exercise(1, "sides", ["rigth"]),
    "three sides": exercise(1, "sides", ["a", "b", "c"]),
    "hold 10**12": exercise(0, "hold", 10**12),
    "reps 10**7": exercise(0, "reps", 10**7),
    "sets 21": exercise(0, "sets", 21),
    "rest 601": exercise(0, "rest", 601),
    "prepare 121": exercise(0, "prepare", 121),
    "no hold for a hold": exercise(0, "hold", 0),
    "a hold for a paced movement": exercise(2, "hold", 5),
    "no pace for a paced movement": exercise(2, "rep_seconds", 0),
    "a pace for a hold": exercise(0, "rep_seconds", 4),
    "a tempo for a hold": exercise(0, "tempo", "slowly"),
    "an id not a slug": exercise(0, "id", "Bad Id"),
    "a name with ESC": exercise(0, "name", "\x1b]0;owned\x07Squeeze"),
    "a name too long": exercise(0, "name", "n" * 101),
    "a name empty": exercise(0, "name", ""),
    "a name not folded": exercise(0, "name", "two  spaces"),
    "an instruction with a newline": exercise(0, "instructions", ["one\ntwo"]),
    "no instructions": exercise(0, "instructions", []),
    "21 cues": exercise(0, "cues", ["Breathe."] * 21),
    "a picture outside the routine folders": watched_picture(
        lambda setup: setup.folder.parent / "elsewhere" / "turn.svg"
    ),
    "a picture the entry does not watch": exercise(1, "image", "/etc/hostname"),
    "a folder as the picture": watched_picture(lambda setup: setup.folder / "pictures"),
    "a routine name not its own": routine("name", "Not A Name"),
    "a title with a bidi control": routine("title", "Mine\u202e"),
    "a frequency of 11 a day": routine("frequency", [11, "day"]),
    "counts_as not a slug": routine("counts_as", "../upper-back"),
    "51 exercises": lambda data, _: data["routine"].__setitem__(
        "exercises", data["routine"]["exercises"][:1] * 51
    ),
    "longer than 4 hours": long_routine,
    "a warning with ESC": routine("warnings", [["p", "m\x1b[2J", 1, 1, "k"]]),
}


@pytest.mark.parametrize("name", list(TAMPERED))
def test_a_tampered_entry_gives_the_loaders_routine(setup: Setup, name: str) -> None:
    if name == "a folder as the picture":
        (setup.folder / "pictures").mkdir()
    setup.load()
    entry = setup.entry()
    data = json.loads(entry.read_text(encoding="utf-8"))
    TAMPERED[name](data, setup)
    entry.write_text(json.dumps(data), encoding="utf-8")
    _same(setup.load(), _fresh(setup))
    assert setup.loads == 2


def test_an_untampered_entry_is_still_used(setup: Setup) -> None:
    setup.load()
    _same(setup.load(), _fresh(setup))
    assert setup.loads == 1


def test_a_pipe_in_place_of_the_entry_is_not_waited_for(setup: Setup) -> None:
    setup.load()
    entry = setup.entry()
    entry.unlink()
    os.mkfifo(entry)
    done: list[object] = []
    reader = threading.Thread(target=lambda: done.append(setup.load()), daemon=True)
    reader.start()
    reader.join(10)
    assert done, "loading waited on a pipe"
    _same(done[0], _fresh(setup))  # type: ignore[arg-type]
    assert setup.loads == 2


def test_show_and_list_of_a_tampered_entry(
    runner: CliRunner, user_routines: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache, "RACY_NS", 0)
    (user_routines / "mine.yaml").write_text(MINE.replace("    image: turn.svg\n", ""))
    assert runner.invoke(cli, ["show", "mine"]).exit_code == 0
    [entry] = (user_routines.parent / "cache").glob("mine-*.json")
    data = json.loads(entry.read_text(encoding="utf-8"))
    data["routine"]["exercises"][1]["sides"] = ["\x1b]0;owned\x07clockwise", "anticlockwise"]
    data["routine"]["exercises"][0]["reps"] = 10**7
    entry.write_text(json.dumps(data), encoding="utf-8")
    started = time.process_time()
    for args in (["show", "mine"], ["list"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.output and "10000000" not in result.output
    assert time.process_time() - started < 5
