"""Pictures on the get-ready screen: when the terminal can draw them (a faked kitty), what
is written and when; and, in a real pseudo-terminal, that nothing changes elsewhere."""

from __future__ import annotations

import base64
import dataclasses
import os
import re
import sys
import types
from pathlib import Path

import pytest
from fakes import TINY, FakeTime

from backpain_cli.player import terminal_image
from backpain_cli.player.engine import Player
from backpain_cli.player.run import image_protocol
from backpain_cli.player.terminal_image import (
    GetReadyPictures,
    blank_run,
    kitty_delete,
    kitty_place,
    png_of,
)
from backpain_cli.routines.images import Picture
from backpain_cli.routines.timeline import build_timeline

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20  # 5 KiB: two chunks of base64
PLACE = re.compile(r"\x1b7\x1b\[(\d+);(\d+)H\x1b_Ga=T,f=100,i=7515,r=(\d+),C=1,q=2,m=1;")


@pytest.mark.parametrize(
    ("env", "protocol"),
    [
        ({"TERM": "xterm-kitty"}, "kitty"),
        ({"TERM": "xterm-256color", "KITTY_WINDOW_ID": "1"}, "kitty"),
        ({"TERM": "xterm-ghostty"}, "kitty"),
        ({"TERM": "xterm-256color"}, None),
        ({"TERM": "xterm-256color", "TERM_PROGRAM": "iTerm.app"}, None),
        ({"TERM": "xterm-kitty", "TMUX": "/tmp/tmux-0/default,1,0"}, None),
        ({"TERM": "screen-256color", "KITTY_WINDOW_ID": "1"}, None),
        ({"TERM": "xterm-kitty", "STY": "1.pts-0"}, None),
        ({}, None),
    ],
)
def test_only_terminals_that_say_they_speak_kitty_graphics_get_pictures(
    env: dict[str, str], protocol: str | None
) -> None:
    assert image_protocol(env) == protocol


def test_kitty_place_sends_the_png_in_chunks_and_keeps_the_cursor() -> None:
    codes = kitty_place(PNG, row=5, column=30, rows=10)
    assert codes.startswith("\x1b7\x1b[5;30H\x1b_Ga=T,f=100,i=7515,r=10,C=1,q=2,m=1;")
    assert codes.endswith("\x1b\\\x1b8")
    chunks = re.findall(r"\x1b_G([^;]*);([^\x1b]*)\x1b\\", codes)
    assert [keys.split(",")[-1] for keys, _ in chunks] == ["m=1", "m=0"]
    assert all(len(data) <= 4096 for _, data in chunks)
    assert base64.b64decode("".join(data for _, data in chunks)) == PNG
    assert kitty_delete() == "\x1b_Ga=d,d=I,i=7515,q=2\x1b\\"


def test_blank_run_finds_the_longest_run_of_blank_lines() -> None:
    assert blank_run(["a", "", "", "b", " ", "", "", "", "c"]) == (4, 4)
    assert blank_run(["", "", "", "a", "", "b"]) == (0, 3)  # the first, longer run
    assert blank_run(["a", "b"]) == (0, 0)
    assert blank_run(["a", "", ""]) == (1, 2)


def test_png_of_sends_png_draws_svg_and_leaves_out_jpeg() -> None:
    drawn: list[bytes] = []

    def rasterise(svg: bytes) -> bytes:
        drawn.append(svg)
        return PNG

    assert png_of(Picture("png", PNG, ""), rasterise) == PNG
    assert png_of(Picture("svg", b"<svg/>", ""), rasterise) == PNG
    assert png_of(Picture("jpeg", b"\xff\xd8\xff", ""), rasterise) is None
    assert drawn == [b"<svg/>"]


def test_svg_is_drawn_by_cairosvg_when_it_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("cairosvg")
    fake.svg2png = lambda bytestring, output_width: b"PNG of %d" % output_width  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "cairosvg", fake)
    assert terminal_image.cairosvg_png(b"<svg/>") == b"PNG of 640"

    def broken(bytestring: bytes, output_width: int) -> bytes:
        raise ValueError("cannot draw this")

    fake.svg2png = broken  # type: ignore[attr-defined]
    assert terminal_image.cairosvg_png(b"<svg/>") is None
    monkeypatch.setitem(sys.modules, "cairosvg", None)  # not installed: import fails
    assert terminal_image.cairosvg_png(b"<svg/>") is None


# -- the listener, on the engine's own events --------------------------------------------


def _routine_with_pictures() -> object:
    first, second, third = TINY.exercises
    return dataclasses.replace(
        TINY,
        exercises=(
            dataclasses.replace(first, image="/p/first.png"),
            second,  # no picture
            dataclasses.replace(third, image="/p/third.svg"),
        ),
    )


def _play(keys: list[tuple[float, str]], *, rows: int = 40, width: int = 100) -> list[str]:
    routine = _routine_with_pictures()
    written: list[str] = []
    asked: list[str] = []

    def prepare(path: str) -> bytes | None:
        asked.append(path)
        return PNG

    def screen_lines(event: object) -> tuple[list[str], int]:
        return ["header", *[""] * rows, "keys"], width

    listener = GetReadyPictures(
        routine,  # type: ignore[arg-type]
        write=lambda codes: written.append(
            "place" if codes.startswith("\x1b7") else "delete" if codes == kitty_delete() else codes
        ),
        screen_lines=screen_lines,
        prepare=prepare,
        background=False,
    )
    time = FakeTime(keys)
    Player(build_timeline(routine), clock=time.clock, listeners=[listener.first, listener]).run(
        time.wait
    )  # type: ignore[arg-type]
    assert asked == ["/p/first.png", "/p/third.svg"]
    return written


def test_each_picture_shows_while_its_countdown_runs_and_goes_when_it_ends() -> None:
    # The first exercise's countdown, then (no picture for the second) the third's.
    assert _play([]) == ["place", "delete", "place", "delete"]


def test_pausing_takes_the_picture_away_and_resuming_brings_it_back() -> None:
    placed = _play([(0.5, "space"), (5.0, "space")])
    assert placed == ["place", "delete", "place", "delete", "place", "delete"]


def test_no_room_no_picture() -> None:
    assert _play([], rows=7) == []  # 5 rows at most between blank margins: too few
    assert _play([], width=40) == []  # too narrow for the picture


def test_it_goes_where_the_screen_is_blank(monkeypatch: pytest.MonkeyPatch) -> None:
    routine = _routine_with_pictures()
    placed: list[str] = []
    screen = ["header", "Get ready", *[""] * 18, "Next: hold", "keys"]
    listener = GetReadyPictures(
        routine,  # type: ignore[arg-type]
        write=placed.append,
        screen_lines=lambda event: (screen, 120),
        prepare=lambda path: PNG,
        background=False,
    )
    time = FakeTime([(0.5, "q")])
    Player(build_timeline(routine), clock=time.clock, listeners=[listener.first, listener]).run(
        time.wait
    )  # type: ignore[arg-type]
    found = PLACE.match(placed[0])
    assert found is not None
    row, column, rows = (int(n) for n in found.groups())
    # Blank rows are 3..20 (1-based); one blank row is kept above and below.
    assert (row, rows) == (4, 14)
    assert row + rows - 1 <= 19
    width = round(rows * 4 / 3 / 0.5)
    assert column == (120 - width) // 2 + 1
    assert placed[-1] == kitty_delete()  # quitting takes it away


def test_a_picture_not_ready_yet_shows_as_soon_as_it_is() -> None:
    routine = _routine_with_pictures()
    placed: list[str] = []
    listener = GetReadyPictures(
        routine,  # type: ignore[arg-type]
        write=placed.append,
        screen_lines=lambda event: (["", *[""] * 30], 100),
        prepare=lambda path: PNG,
        background=False,
    )
    listener._ready.clear()  # as if the background thread were still drawing
    time = FakeTime()
    ticks = 0

    class ReadyAfterATick:
        def handle(self, event: object) -> None:
            nonlocal ticks
            if type(event).__name__ == "Tick":
                ticks += 1
                listener._ready["/p/first.png"] = PNG

    Player(
        build_timeline(routine),
        clock=time.clock,
        listeners=[ReadyAfterATick(), listener.first, listener],  # type: ignore[list-item]
    ).run(time.wait)
    assert ticks > 0
    assert placed[0].startswith("\x1b7")  # shown during the first countdown after all


# -- end to end, in a pseudo-terminal ----------------------------------------------------

pexpect = pytest.importorskip("pexpect")

ROUTINE = """\
version: 1
title: Pictures
exercises:
  - id: squeeze
    name: Squeeze
    hold: 1
    prepare: 2
    image: squeeze.png
    instructions: [Squeeze gently.]
"""


QUIET = ("--no-sound", "--no-check-in", "--no-history")


def _start(tmp_path: Path, *options: str, **env: str) -> str:
    (tmp_path / "r.yaml").write_text(ROUTINE)
    (tmp_path / "squeeze.png").write_bytes(PNG)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "backpain_cli", "start", str(tmp_path / "r.yaml"), *QUIET, *options],
        dimensions=(40, 100),
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(tmp_path),
            "BACKPAIN_HOME": str(tmp_path),
            "LANG": "C.UTF-8",
            **env,
            **{key: value for key, value in os.environ.items() if key.startswith("COVERAGE")},
        },
        timeout=30,
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    output: bytes = child.before
    return output.decode("utf-8", errors="replace")


def test_a_kitty_terminal_gets_the_picture_during_the_countdown(tmp_path: Path) -> None:
    output = _start(tmp_path, TERM="xterm-kitty")
    found = PLACE.search(output)
    assert found is not None, output[-500:]
    chunks = re.findall(r"\x1b_G[^;]*;([^\x1b]*)\x1b\\", output[found.start() :])
    assert base64.b64decode("".join(chunks)) == PNG
    # What the person sees around it (pyte cannot read APC codes: they are left out): the
    # get-ready screen, with nothing but blank cells where the picture goes.
    import pyte

    screen = pyte.Screen(100, 40)
    pyte.Stream(screen).feed(re.sub(r"\x1b_G[^\x1b]*\x1b\\", "", output[: found.start()]))
    row, column, rows = (int(n) for n in found.groups())
    columns = round(rows * 4 / 3 / 0.5)
    assert "Get ready" in "\n".join(screen.display)
    covered = [line[column - 1 : column - 1 + columns] for line in screen.display[row - 1 :][:rows]]
    assert len(covered) == rows and all(not part.strip() for part in covered), covered
    deleted = output.index(kitty_delete())
    assert deleted > found.start()  # gone once the hold starts, before it is drawn
    assert "HOLD" not in output[:deleted] and "HOLD" in output[deleted:]


@pytest.mark.parametrize(
    ("options", "env"),
    [
        ((), {"TERM": "xterm-256color"}),
        (("--no-images",), {"TERM": "xterm-kitty"}),
        ((), {"TERM": "xterm-kitty", "TMUX": "/tmp/t,1,0"}),
    ],
)
def test_elsewhere_nothing_is_written(
    tmp_path: Path, options: tuple[str, ...], env: dict[str, str]
) -> None:
    output = _start(tmp_path, *options, **env)
    assert "HOLD" in output and "\x1b_G" not in output


def test_config_images_false_turns_them_off(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("images = false\n")
    output = _start(tmp_path, TERM="xterm-kitty")
    assert "HOLD" in output and "\x1b_G" not in output
