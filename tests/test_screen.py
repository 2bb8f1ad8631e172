"""The live screen as a terminal shows it: the player's bytes through a terminal emulator
(see terminal.py) at 80x24, 120x40, 200x50, 40x12 and 28x8."""

from __future__ import annotations

import functools
from collections import defaultdict

import pytest
from terminal import SIZES, Frame, digit_rows, play, read_countdown, read_number

from backpain_cli.player.engine import BINDINGS, Paused, SegmentStarted, Tick
from backpain_cli.player.live import NoticeLine
from backpain_cli.player.pain import PainNotices
from backpain_cli.player.words import countdown_text
from backpain_cli.routines.model import Exercise, Routine, Side
from backpain_cli.routines.timeline import SegmentKind

TURN = Exercise(
    id="turn",
    name="Thoracic rotation",
    instructions=("Sit up tall.", "Turn your upper body to one side."),
    cues=("Breathe out as you turn.",),
    hold=12,
    reps=1,
    sets=2,
    sides=(Side.LEFT, Side.RIGHT),
    rest=10,
    set_rest=11,
    prepare=10,
)
SQUEEZE = Exercise(
    id="squeeze",
    name="Shoulder squeeze",
    instructions=("Squeeze your shoulder blades together.",),
    hold=5,
    reps=2,
    rest=3,
    prepare=3,
)
ROUTINE = Routine(name="demo", title="Upper back", exercises=(TURN, SQUEEZE))
SOUND_NOTICE = "sound: no audio player found; using the terminal bell (--no-sound: silence)"


@functools.cache
def played(columns: int, lines: int) -> list[Frame]:
    """The demo routine at a size, with a one-off notice at 1 s and another at 30 s (as
    sound and speech give them): played once, read by several tests."""
    notices = [(1.0, SOUND_NOTICE), (30.0, "speech: espeak-ng not found")]
    return play(ROUTINE, columns, lines, notices=notices)[0]


def counting(frames: list[Frame]) -> list[Frame]:
    """Frames of a running countdown (not paused, no help)."""
    return [
        frame
        for frame in frames
        if isinstance(frame.event, (Tick, SegmentStarted))
        and frame.status.segment is not None
        and not frame.status.paused
        and not frame.status.help
    ]


@pytest.mark.parametrize(("columns", "lines"), SIZES)
def test_the_number_is_the_time_left_every_second(columns: int, lines: int) -> None:
    frames = played(columns, lines)
    seen: dict[int, set[str]] = defaultdict(set)
    for frame in counting(frames):
        expected = countdown_text(frame.status.shown_remaining)
        assert read_number(frame.rows, columns) == expected, frame.text()
        seen[frame.status.index].add(expected)
    kinds = set()
    for index, numbers in seen.items():
        segment = frames[0].status.timeline.segments[index]
        kinds.add(segment.kind)
        assert numbers == {countdown_text(n) for n in range(1, segment.duration + 1)}
    # A get-ready, holds, rests and a set rest (movements: test_movement_screen.py).
    assert kinds == set(SegmentKind) - {SegmentKind.MOVE, SegmentKind.SELF_PACED}


@pytest.mark.parametrize(("columns", "lines"), [s for s in SIZES if s != (28, 8)])
def test_the_countdown_keeps_its_size_and_place_through_a_segment(columns: int, lines: int) -> None:
    frames = played(columns, lines)
    shapes: dict[int, set[tuple[int, int]]] = defaultdict(set)
    for frame in counting(frames):
        countdown = read_countdown(frame.rows, columns)
        assert countdown is not None, frame.text()
        shapes[frame.status.index].add((countdown.top, countdown.height))
        # centred as a whole: as much room on the left as on the right (give or take one)
        assert abs(countdown.left - (columns - countdown.right)) <= 1, frame.text()
    assert shapes
    for shape in shapes.values():
        assert len(shape) == 1


@pytest.mark.parametrize(("columns", "lines"), [(80, 24), (120, 40), (200, 50)])
def test_the_countdown_is_big_enough_to_read_across_the_room(columns: int, lines: int) -> None:
    frames = played(columns, lines)
    for frame in counting(frames):
        countdown = read_countdown(frame.rows, columns)
        assert countdown is not None
        assert countdown.height >= lines // 3, frame.text()


def frames_when(frames: list[Frame], at: float) -> Frame:
    """The last frame drawn at or before `at` seconds of the routine (pauses included)."""
    return [frame for frame in frames if frame.event.status.elapsed <= at][-1]


@pytest.mark.parametrize(("columns", "lines"), [(80, 24), (40, 12)])
def test_help_stops_the_clock_and_is_wholly_visible(columns: int, lines: int) -> None:
    keys = [(12.5, "?"), (40.0, "?"), (41.0, "n")]
    frames, _ = play(ROUTINE, columns, lines, keys=keys)
    shown = [frame for frame in frames if frame.status.help]
    assert shown
    assert {frame.status.paused for frame in shown} == {True}
    assert {frame.status.shown_remaining for frame in shown} == {10}  # 27.5 s later: still 10
    screen = shown[-1].rows
    assert screen[-1].startswith("space")  # the key line stays at the foot
    for binding in BINDINGS:
        if binding.label:
            assert any(row.startswith(binding.label) for row in screen), shown[-1].text()
    help_text = " ".join(" ".join(row.split()) for row in screen)
    assert "…" not in help_text
    for binding in BINDINGS:
        assert " ".join(binding.help.split()) in help_text
    last = max(i for i, frame in enumerate(frames) if frame.status.help)
    resumed = frames[last + 1]
    assert not resumed.status.paused  # closing help goes on
    assert read_number(resumed.rows, columns) == "10"


@pytest.mark.parametrize(("columns", "lines"), [(80, 24), (200, 50), (40, 12)])
def test_paused_is_big_and_in_the_header(columns: int, lines: int) -> None:
    frames, _ = play(ROUTINE, columns, lines, keys=[(15.2, "space"), (20.0, "q")])
    paused = next(frame for frame in frames if isinstance(frame.event, Paused))
    rows = paused.rows
    assert rows[0].endswith("· PAUSED")
    assert any("PAUSED · 7 s left · space goes on" in row for row in rows)
    big = [row for row in rows if row.strip() and set(row.strip()) <= set("█▀▄ ")]
    assert len(big) >= (3 if lines < 20 else lines // 4)  # the big word, big enough to see


def test_the_advice_after_p_is_bold_whole_and_consistent() -> None:
    for columns, lines in [(80, 24), (40, 12), (120, 40)]:
        line = NoticeLine()
        pain = PainNotices(show=line.show, clear=line.clear)
        frames, _ = play(
            ROUTINE,
            columns,
            lines,
            keys=[(15.0, "p"), (30.0, "x"), (31.0, "q")],
            listeners=[pain],
            notice_line=line,
        )
        held = [f for f in frames if f.status.paused and f.status.segment is not None]
        frame = held[-1]
        assert frame.status.segment is not None
        assert frame.status.segment.exercise.id == "squeeze"
        text = " ".join(" ".join(row.split()) for row in frame.rows)
        advice = (
            "Stopped: Thoracic rotation. If anything is painful or doesn't feel right, "
            "contact your healthcare provider."
        )
        assert advice in text, frame.text()
        assert "press space to resume" not in text  # one instruction, not two
        assert "Press space to go on to the next exercise (q quits)." in text
        for row, cells in enumerate(frame.rows):
            if "Stopped:" in cells or "healthcare" in cells:
                ink = {i for i, char in enumerate(cells) if char != " "}
                assert not ink & {c for y, c in frame.dimmed if y == row}  # not dim
        assert "…" not in text


WIDE = Routine(
    name="wide",
    title="上背部のトリガーポイント緩和ストレッチ・毎日のルーティン",  # 2 cells a character
    exercises=(
        Exercise(id="a", name="菱形筋ストレッチ", instructions=("ゆっくり。",), hold=3, prepare=2),
        Exercise(id="b", name="Squeeze", instructions=("Squeeze.",), hold=2, prepare=0),
    ),
)


def cells(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def test_wide_characters_are_counted_in_cells_header_and_summary() -> None:
    from backpain_cli.player.summary import summary_view

    frames, terminal = play(WIDE, 80, 24)
    header = frames[1].rows[0]
    assert header.endswith("exercise 1 of 2 · 0:07 left")  # was cut to "exercise …"
    assert cells(header) == 80
    assert header.startswith("上背部")
    summary = frames[-1].event.summary  # type: ignore[attr-defined]
    terminal.console().print(summary_view(summary, big=True))
    rows = terminal.rows()
    done = [row for row in rows if "holds" in row]
    assert len(done) == 2
    # "1 of 1 holds" starts in the same column (cells) on both rows
    starts = {cells(row[: row.index("1 of 1 holds")]) for row in done}
    assert len(starts) == 1, done


def test_the_end_is_a_big_done() -> None:
    from backpain_cli.player.summary import summary_view

    frames, terminal = play(WIDE, 80, 24)
    summary = frames[-1].event.summary  # type: ignore[attr-defined]
    terminal.console().print(summary_view(summary, big=True, speed=10))
    rows = terminal.rows()
    big = [row for row in rows if row.strip() and set(row.strip()) <= set("█▀▄ ")]
    assert len(big) >= 5  # readable across the room
    art = "\n".join(big)
    assert "██" in art
    assert any(row.startswith("Finished: ") for row in rows)
    facts = next(row for row in rows if row.startswith("2 done"))
    assert facts == "2 done · time 0:01 at --speed 10"  # 7 s of routine took 0.7 s
    quit_frames, terminal = play(WIDE, 80, 24, keys=[(1.0, "q")])
    summary = quit_frames[-1].event.summary  # type: ignore[attr-defined]
    terminal.console().print(summary_view(summary, big=True))
    assert not any("█" in row for row in terminal.rows())  # stopped: no DONE
    skipped_frames, terminal = play(WIDE, 80, 24, keys=[(1.0, "s"), (2.0, "s")])
    summary = skipped_frames[-1].event.summary  # type: ignore[attr-defined]
    assert not summary.quit
    terminal.console().print(summary_view(summary, big=True))
    rows = terminal.rows()
    assert any(row.startswith("Finished: ") for row in rows)
    assert not any("█" in row for row in rows), "\n".join(rows)  # all skipped: no DONE


@pytest.mark.parametrize(("columns", "lines"), [(80, 24), (200, 50)])
def test_without_colour_a_rest_looks_unlike_a_hold(columns: int, lines: int) -> None:
    """NO_COLOR: a hold's digits are solid blocks, a rest's shaded, and both still read
    back as the time left."""
    frames, _ = play(ROUTINE, columns, lines, color=False)
    inks: dict[SegmentKind, set[str]] = defaultdict(set)
    for frame in counting(frames):
        segment = frame.status.segment
        assert segment is not None
        assert read_number(frame.rows, columns) == countdown_text(frame.status.shown_remaining)
        countdown = read_countdown(frame.rows, columns)
        assert countdown is not None
        block = frame.rows[countdown.top : countdown.top + countdown.height]
        inks[segment.kind].update(set("".join(block)) - {" "})
    for kind in (SegmentKind.HOLD, SegmentKind.PREPARE):
        assert "█" in inks[kind] and "▓" not in inks[kind]
    for kind in (SegmentKind.REST, SegmentKind.SET_REST):
        assert "▓" in inks[kind] and "█" not in inks[kind]


def test_words_cut_short_show_their_start_and_say_there_is_more() -> None:
    """At 40x12 one row is left under a hold's countdown: the cue's first words, cut
    between words and ending in …, not a lone …"""
    frames, _ = play(ROUTINE, 40, 12)
    holds = [
        frame
        for frame in counting(frames)
        if frame.status.segment is not None
        and frame.status.segment.kind is SegmentKind.HOLD
        and frame.status.segment.exercise is TURN
    ]
    assert holds
    for frame in holds:
        rows = [row.rstrip() for row in frame.rows]
        bar = next(i for i, row in enumerate(rows) if len(row) > 30 and set(row) <= set(" █░"))
        upcoming = next(i for i, row in enumerate(rows) if row.startswith("Next: "))
        words = rows[bar + 1 : upcoming]
        assert words[0].startswith("Breathe out as you turn."), frame.text()
        assert words[-1].endswith(" …") and len(words[-1]) > 2, frame.text()
    assert "…" not in {row.strip() for frame in frames for row in frame.rows}


def test_with_no_room_for_big_digits_the_seconds_are_a_centred_line() -> None:
    """40x10: the thoracic rotation's words take the rows the digits would need, so the
    time left is one line, centred where the digits would be, every second."""
    frames = [f for f in counting(played(40, 10)) if f.status.segment.exercise is TURN]  # type: ignore[union-attr]
    assert {f.status.segment.kind for f in frames} == set(SegmentKind) - {  # type: ignore[union-attr]
        SegmentKind.MOVE,
        SegmentKind.SELF_PACED,
    }
    for frame in frames:
        assert not digit_rows(frame.rows, 40), frame.text()
        expected = f"{countdown_text(frame.status.shown_remaining)} s"
        [row] = [r for r in frame.rows if r.strip() == expected]
        assert abs(row.index(expected) - (40 - len(row))) <= 1  # as much room each side
        assert frame.rows.index(row) < len(frame.rows) - 3  # above the bar and Next


def test_a_one_off_notice_never_pushes_a_word_off_and_is_said_once() -> None:
    """A one-off notice ("no audio player") takes only a row no word of the step needs:
    getting ready at 80x24 every step is there, the notice waits for a step with room,
    and is said in that one step only. The alert (after `p`, "hurt last time") keeps
    its place."""
    alert = "Thoracic rotation hurt last time: press s to skip it."
    for columns, lines in ((80, 24), (80, 12), (40, 12)):
        line = NoticeLine()
        line.show(alert)
        frames, _ = play(ROUTINE, columns, lines, notice_line=line, notices=[(1.0, SOUND_NOTICE)])
        steps = set()
        for frame in counting(frames):
            text = " ".join(" ".join(frame.rows).split())
            if frame.status.index == 0:  # getting ready
                assert alert in text, frame.text()  # whole, however it wraps
            if "sound: no audio player" in text:
                steps.add(frame.status.index)
                assert not any(row.endswith(" …") for row in frame.rows), frame.text()
        assert len(steps) == 1 if lines == 24 else len(steps) <= 1, (columns, lines, steps)
        getting_ready = [frame for frame in counting(frames) if frame.status.index == 0]
        if lines == 24:
            for step in ("1. Sit up tall.", "2. Turn your upper body to one side."):
                assert step in getting_ready[-1].rows


CAREFUL = Exercise(
    id="careful",
    name="Rhomboid stretch (long sitting)",
    instructions=(
        "Sit on the floor with your legs straight out in front of you.",
        "Reach forward and hold on to your legs or feet, as far as is comfortable.",
        "Let your upper back round and pull gently away from your legs so your shoulder "
        "blades spread apart.",
        "Feel a stretch between your shoulder blades and hold it.",
    ),
    caution="Stop if you feel pain, numbness or tingling. If sitting on the floor is hard, "
    "use the seated version instead.",
    hold=5,
    reps=1,
    prepare=5,
)


@pytest.mark.parametrize(("columns", "lines"), [(80, 24), (40, 12), (120, 40)])
def test_the_caution_is_shown_whole_before_any_step(columns: int, lines: int) -> None:
    """Getting ready with more words than rows: the caution whole, the steps that fit
    before it, and … where steps are left out. Paused, the same."""
    routine = Routine(name="careful", title="Careful", exercises=(CAREFUL,))
    keys = [(2.0, "space"), (3.0, "space")]
    frames, _ = play(routine, columns, lines, keys=keys, notices=[(0.0, SOUND_NOTICE)])
    ready = [
        frame
        for frame in frames
        if isinstance(frame.event, (Tick, SegmentStarted, Paused))
        and frame.status.segment is not None
        and frame.status.segment.kind is SegmentKind.PREPARE
    ]
    assert any(frame.status.paused for frame in ready)
    for frame in ready:
        shown = " ".join(" ".join(row.split()) for row in frame.rows)
        assert f"Caution: {CAREFUL.caution}" in shown, frame.text()
    if columns == 80:  # all of them fit, and the notice takes a row no step needs
        assert not any(row.rstrip().endswith(" …") for row in ready[0].rows), ready[0].text()
        assert "4. Feel a stretch between your shoulder blades and hold it." in ready[0].rows


def test_a_caution_cut_by_an_alert_says_there_is_more() -> None:
    """At 40x12 with "hurt last time" over it, the caution gets one row: its first
    words, ending in …"""
    routine = Routine(name="careful", title="Careful", exercises=(CAREFUL,))
    line = NoticeLine()
    line.show("Rhomboid stretch (long sitting) hurt last time: press s to skip it.")
    frames, _ = play(routine, 40, 12, keys=[(1.0, "q")], notice_line=line)
    ready = next(frame for frame in frames if isinstance(frame.event, SegmentStarted))
    rows = [row.rstrip() for row in ready.rows]
    assert "Caution: Stop if you feel pain, …" in rows, ready.text()
    assert "last time: press s to skip it." in rows, ready.text()


@pytest.mark.parametrize(("columns", "lines"), [(80, 24), (40, 12)])
def test_after_a_resize_the_number_is_redrawn_at_once_and_never_skipped(
    columns: int, lines: int
) -> None:
    """A resize just before a second ends redraws the screen; the next second's tick
    comes less than a quarter second later and must be drawn too (it was dropped as
    "too soon", leaving the old number up for a second and then skipping one)."""
    keys = [(at, "resize") for at in (2.9, 5.95, 9.8, 14.85, 20.99, 26.9, 33.9, 40.9)]
    frames, _ = play(ROUTINE, columns, lines, keys=keys)
    redrawn = [i for i, frame in enumerate(frames) if type(frame.event).__name__ == "Redraw"]
    assert len(redrawn) == len(keys)
    for index in redrawn:
        frame = frames[index]
        assert read_number(frame.rows, columns) == countdown_text(frame.status.shown_remaining)
        following = counting(frames[index + 1 :])[0]
        assert following.status.elapsed - frame.status.elapsed < 0.25
        expected = countdown_text(following.status.shown_remaining)
        assert read_number(following.rows, columns) == expected, following.text()
    for frame in counting(frames):
        expected = countdown_text(frame.status.shown_remaining)
        assert read_number(frame.rows, columns) == expected, frame.text()


@pytest.mark.parametrize(("columns", "lines"), SIZES)
def test_the_side_that_comes_next_is_named_once(columns: int, lines: int) -> None:
    """The rest before the other side says `next:` once, beside the side's label, on
    every size (the tall label's blank rows above and below it said it too)."""
    switching = [
        frame
        for frame in counting(played(columns, lines))
        if frame.status.segment is not None
        and frame.status.segment.kind is SegmentKind.REST
        and frame.status.segment.side is Side.LEFT
    ]
    assert switching
    for frame in switching:
        named = [row for row in frame.rows if "next:" in row]
        assert len(named) == 1, frame.text()
        assert "RIGHT SIDE" in named[0]


@pytest.mark.parametrize(("columns", "lines"), [(80, 24), (120, 40), (200, 50)])
def test_one_place_and_one_size_for_every_step(columns: int, lines: int) -> None:
    """Getting ready, holds, rests and set rests draw their number at the same rows in
    the same size, with or without a side shown: it never jumps at a switch."""
    shapes = set()
    kinds = set()
    for frame in counting(played(columns, lines)):
        countdown = read_countdown(frame.rows, columns)
        assert countdown is not None, frame.text()
        shapes.add((countdown.top, countdown.height))
        assert frame.status.segment is not None
        kinds.add(frame.status.segment.kind)
    assert kinds == {SegmentKind.PREPARE, SegmentKind.HOLD, SegmentKind.REST, SegmentKind.SET_REST}
    assert len(shapes) == 1, shapes
