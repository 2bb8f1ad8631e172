"""The player's display: big digits, the live screen at every size, the plain log, the summary."""

from __future__ import annotations

import io
from collections.abc import Sequence

from fakes import FakeTime
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.screen import Screen
from terminal import Terminal

from backpain_cli.player.bigtext import big_digits, big_height, big_width, fit_scale
from backpain_cli.player.engine import (
    BINDINGS,
    Binding,
    Cue,
    CueKind,
    Event,
    ExerciseOutcome,
    ExerciseResult,
    HelpToggled,
    Paused,
    Player,
    SegmentStarted,
    Started,
    Status,
    Summary,
    Tick,
)
from backpain_cli.player.layout import PlayerScreen
from backpain_cli.player.live import LiveScreen, NoticeLine
from backpain_cli.player.plain import PlainLog, plain_lines, stamp
from backpain_cli.player.summary import AFTERCARE, summary_view
from backpain_cli.player.words import countdown_text, key_line, next_text
from backpain_cli.routines.model import Exercise, Routine, Side
from backpain_cli.routines.timeline import SegmentKind, build_timeline

STRETCH = Exercise(
    id="stretch",
    name="Rhomboid stretch (long sitting)",
    position="long sitting",
    instructions=(
        "Sit on the floor with your legs straight out in front of you.",
        "Reach forward and hold on to your legs or feet.",
    ),
    cues=("Breathe slowly.", "A gentle stretch, never pain."),
    caution="Stop if you feel pain.",
    hold=30,
    reps=2,
    rest=10,
    prepare=5,
)
ROTATION = Exercise(
    id="rotation",
    name="Thoracic rotation",
    instructions=("Sit up tall.", "Turn to one side."),
    hold=20,
    reps=1,
    sets=2,
    sides=(Side.LEFT, Side.RIGHT),
    rest=5,
    set_rest=15,
    prepare=0,
    equipment=("chair",),
)
ROUTINE = Routine(name="demo", title="Demo routine", exercises=(STRETCH, ROTATION))
TIMELINE = build_timeline(ROUTINE)


def index_of(kind: SegmentKind, exercise: str, *, nth: int = 0) -> int:
    found = [
        i
        for i, segment in enumerate(TIMELINE.segments)
        if segment.kind is kind and segment.exercise.id == exercise
    ]
    return found[nth]


def status_at(index: int, remaining: float, **flags: bool) -> Status:
    segment = TIMELINE.segments[index]
    elapsed = segment.start + segment.duration - remaining
    return Status(TIMELINE, index=index, remaining=remaining, elapsed=elapsed, **flags)


def screen_text(status: Status, width: int = 80, height: int = 24, notice: str = "") -> str:
    console = Console(width=width, height=height, color_system=None, file=io.StringIO())
    with console.capture() as capture:
        console.print(Screen(PlayerScreen(status, notice=notice)), end="")
    return "\n".join(line.rstrip() for line in capture.get().split("\n"))


def physical_lines(status: Status, width: int, height: int) -> list[str]:
    """Each line as rich renders it at `width`: wrapping would show as extra lines."""
    console = Console(width=width, height=height, color_system=None, file=io.StringIO())
    rendered = []
    for line in PlayerScreen(status).lines(console, width, height):
        for row in console.render_lines(line, console.options.update(width=width)):
            rendered.append("".join(segment.text for segment in row))
    return rendered


# -- big digits ------------------------------------------------------------------------


def test_big_digits() -> None:
    assert big_digits("30", 1) == [
        "▀▀█ █▀█",
        " ▀█ █ █",
        "▀▀▀ ▀▀▀",
    ]
    assert big_digits("1:05", 2) == [
        "  ██        ██████  ██████",
        "████    ██  ██  ██  ██    ",
        "  ██        ██  ██  ██████",
        "  ██    ██  ██  ██      ██",
        "██████      ██████  ██████",
    ]
    # Shaded (a rest): whole cells shaded; at odd scales, where half blocks draw edges,
    # solid, so no digit mixes two inks.
    assert big_digits("7", 2, shaded=True) == ["▓▓▓▓▓▓", "    ▓▓", "    ▓▓", "    ▓▓", "    ▓▓"]
    assert big_digits("30", 1, shaded=True) == big_digits("30", 1)
    assert big_height(1) == 3
    assert big_height(2) == 5
    assert big_height(3) == 8
    assert big_width("30", 2) == len(big_digits("30", 2)[0]) == 14
    assert big_width("1:05", 3) == len(big_digits("1:05", 3)[0])


def test_fit_scale_and_countdown_text() -> None:
    assert fit_scale("30", 80, 10) == 4
    assert fit_scale("30", 13, 10) == 1
    assert fit_scale("30", 6, 10) == 0
    assert fit_scale("30", 80, 2) == 0
    assert countdown_text(30) == "30"
    assert countdown_text(5) == "5"
    assert countdown_text(60) == "1:00"
    assert countdown_text(605) == "10:05"


# -- the live screen -------------------------------------------------------------------


def test_a_rest_before_the_other_side_at_80x24() -> None:
    status = status_at(index_of(SegmentKind.REST, "rotation"), 4.0, muted=True)
    text = screen_text(status)
    lines = text.split("\n")
    assert lines[0].endswith("exercise 2 of 2 · 1:24 left · muted")
    assert lines[1] == "REST — switch sides"
    assert lines[2].endswith("next:       RIGHT SIDE  ▶▶")
    assert lines[2].startswith(" " * 50)
    assert lines[3] == "rep 1 of 1 done (left)"
    assert "Relax and breathe." in lines
    assert lines[-2] == "Next: hold 20 s · rep 1 of 1 · set 1 of 2 · RIGHT side"


def test_sides_are_unmistakable() -> None:
    left = screen_text(status_at(index_of(SegmentKind.HOLD, "rotation"), 10)).split("\n")
    assert left[2].startswith("◀◀  LEFT SIDE")
    assert left[3] == "rep 1 of 1 · set 1 of 2"
    right = screen_text(status_at(index_of(SegmentKind.HOLD, "rotation", nth=1), 10))
    assert right.split("\n")[2].endswith("RIGHT SIDE  ▶▶")
    assert right.split("\n")[2].startswith(" " * 40)  # at the right edge
    tall = screen_text(status_at(index_of(SegmentKind.HOLD, "rotation"), 10), 120, 40)
    assert tall.split("\n")[4].startswith("◀◀  LEFT SIDE")  # a three-row badge


def test_prepare_shows_every_step_and_the_caution() -> None:
    text = screen_text(status_at(0, 4.2))
    assert "Get ready: Rhomboid stretch (long sitting)" in text
    assert "long sitting · 30 s × 2" in text
    assert "1. Sit on the floor with your legs straight out in front of you." in text
    assert "Caution: Stop if you feel pain." in text
    assert "Next: hold 30 s · rep 1 of 2" in text
    prepared = Exercise(**{**ROTATION.__dict__, "prepare": 5})
    equipment = Status(
        build_timeline(Routine(name="r", title="R", exercises=(prepared,))),
        index=0,
        remaining=3,
        elapsed=0,
    )
    assert "20 s × 1 × 2 sets each side · with chair" in screen_text(equipment)


def test_set_rest_paused_help_and_notice() -> None:
    set_rest = index_of(SegmentKind.SET_REST, "rotation")
    text = screen_text(status_at(set_rest, 12, paused=True), notice="sound: none")
    assert "SET REST" in text
    assert "set 1 of 2 done" in text
    assert "PAUSED · 12 s left · space goes on" in text
    assert "sound: none" in text
    helped = screen_text(status_at(set_rest, 12, help=True))
    for binding in BINDINGS:
        if binding.label:
            assert binding.help in helped


def test_the_countdown_grows_with_the_terminal() -> None:
    status = status_at(index_of(SegmentKind.HOLD, "stretch"), 24.3)
    small = screen_text(status, 80, 24).count("█")
    big = screen_text(status, 200, 50).count("█")
    assert big > 3 * small
    lines = screen_text(status, 200, 50).split("\n")
    assert len(lines) == 50
    assert lines[-1].startswith("space pause")


def test_small_terminals_degrade_but_keep_the_countdown_and_keys() -> None:
    status = status_at(index_of(SegmentKind.HOLD, "rotation"), 17)
    assert screen_text(status, 30, 8).split("\n") == [
        "HOLD Thoracic rotation",
        "◀◀  LEFT SIDE",
        "17 s  rep 1 of 1 · set 1 of 2",
        " ████░░░░░░░░░░░░░░░░░░░░░░░░",
        "Next: hold 20 s · rep 1 of 1 ·",
        "set 1 of 2 · RIGHT side",
        "",
        "space n b s m p q ?",
    ]
    assert screen_text(status, 20, 2).split("\n") == ["17 s  rep 1 of 1 · …", "space n b s m p q ?"]
    paused = status_at(index_of(SegmentKind.HOLD, "rotation"), 17, paused=True)
    assert screen_text(paused, 40, 1) == "17 s  PAUSED  rep 1 of 1 · set 1 of 2"
    medium = screen_text(status, 40, 12).split("\n")
    assert len(medium) == 12
    assert any("█" in line for line in medium)  # digits, if small ones
    tiny_text = screen_text(status_at(0, 3), 12, 12)
    assert "3 s" in tiny_text


def test_the_end_state() -> None:
    over = Status(TIMELINE, index=len(TIMELINE.segments), remaining=0, elapsed=200)
    assert screen_text(over, 40, 3).split("\n") == ["Done.", "", "space n b s m p q ?"]


@settings(max_examples=150, deadline=None)
@given(
    index=st.integers(0, len(TIMELINE.segments) - 1),
    fraction=st.floats(0, 1),
    width=st.integers(1, 220),
    height=st.integers(1, 70),
    paused=st.booleans(),
    help_shown=st.booleans(),
)
def test_every_size_gets_exactly_its_lines(
    index: int, fraction: float, width: int, height: int, paused: bool, help_shown: bool
) -> None:
    duration = TIMELINE.segments[index].duration
    status = status_at(index, duration * fraction, paused=paused, help=help_shown)
    assert len(physical_lines(status, width, height)) == height


def test_next_text() -> None:
    # Getting ready: the first hold.
    assert next_text(status_at(0, 3)) == "Next: hold 30 s · rep 1 of 2"
    # A hold and the rest after it: the next hold.
    first_stretch = index_of(SegmentKind.HOLD, "stretch")
    assert next_text(status_at(first_stretch, 3)) == "Next: hold 30 s · rep 2 of 2"
    assert next_text(status_at(first_stretch + 1, 3)) == "Next: hold 30 s · rep 2 of 2"
    # The last hold of an exercise: the next exercise, and its first side.
    last_stretch = index_of(SegmentKind.HOLD, "stretch", nth=1)
    assert next_text(status_at(last_stretch, 3)) == "Next: Thoracic rotation (left side)"
    # Sides and sets.
    first_rotation = index_of(SegmentKind.HOLD, "rotation")
    assert next_text(status_at(first_rotation, 3)) == (
        "Next: hold 20 s · rep 1 of 1 · set 1 of 2 · RIGHT side"
    )
    set_rest = index_of(SegmentKind.SET_REST, "rotation")
    assert next_text(status_at(set_rest, 3)) == (
        "Next: hold 20 s · rep 1 of 1 · set 2 of 2 · LEFT side"
    )
    # The last hold of the routine, and after the end.
    assert next_text(status_at(len(TIMELINE.segments) - 1, 3)) == "Next: finish"
    over = Status(TIMELINE, index=len(TIMELINE.segments), remaining=0, elapsed=200)
    assert next_text(over) == "Next: finish"
    # An exercise without sides after another one.
    both = Routine(name="r", title="R", exercises=(STRETCH, STRETCH))
    timeline = build_timeline(both)
    before_prepare = Status(timeline, index=len(timeline.segments) // 2 - 1, remaining=1, elapsed=0)
    assert next_text(before_prepare) == "Next: Rhomboid stretch (long sitting)"
    # Without prepare countdowns the next exercise starts with its hold: still its name.
    unprepared = build_timeline(ROUTINE, prepare=False)
    last = max(i for i, s in enumerate(unprepared.segments) if s.exercise.id == "stretch")
    status = Status(unprepared, index=last, remaining=1, elapsed=0)
    assert next_text(status) == "Next: Thoracic rotation (left side)"


def test_key_line() -> None:
    assert (
        key_line(BINDINGS) == "space pause  n next  b back  s skip  m mute  p hurts  q quit  ? help"
    )
    assert key_line(BINDINGS, short=True) == "space n b s m p q ?"


# -- the live listener -----------------------------------------------------------------


class Frames:
    def __init__(self) -> None:
        self.frames: list[PlayerScreen] = []
        self.now = 0.0

    def update(self, frame: object) -> None:
        assert isinstance(frame, PlayerScreen)
        self.frames.append(frame)
        frame.lines(Console(width=80, height=24), 80, 24)  # drawn, as rich would

    def clock(self) -> float:
        return self.now


def test_live_screen_draws_changes_and_limits_ticks() -> None:
    frames = Frames()
    screen = LiveScreen(frames.update, clock=frames.clock)
    status = status_at(1, 20)
    screen.handle(Started(status))
    screen.handle(Tick(status))  # 0 s after the last draw: skipped
    frames.now = 0.3
    screen.handle(Tick(status))
    screen.handle(Cue(status, CueKind.REP_END))  # nothing to draw
    screen.handle(Paused(status))  # drawn at once, however soon
    assert len(frames.frames) == 3
    assert screen.status is status


def test_live_screen_notices() -> None:
    frames = Frames()
    line = NoticeLine()
    screen = LiveScreen(frames.update, clock=frames.clock, notice_line=line)
    status = status_at(1, 20)
    screen.notice("sound: none")
    screen.handle(Started(status))
    assert frames.frames == []  # nothing to show before the first segment starts
    screen.handle(SegmentStarted(status, 1, TIMELINE.segments[1]))
    assert frames.frames[-1].notice == "sound: none"
    screen.handle(HelpToggled(status))
    assert frames.frames[-1].notice == "sound: none"  # still in the same step
    screen.handle(SegmentStarted(status, 2, TIMELINE.segments[2]))
    assert frames.frames[-1].notice == ""  # a one-off notice lasts one step
    line.show("This hurt last time")
    screen.notice("later one-off")
    screen.handle(HelpToggled(status))
    assert frames.frames[-1].alert == "This hurt last time"  # drawn bold and whole
    assert frames.frames[-1].notice == "later one-off"
    line.clear()
    screen.handle(HelpToggled(status))
    assert frames.frames[-1].alert == ""


# -- the plain log ---------------------------------------------------------------------


PAIN = Binding(("p",), "p", "hurts", "this hurts", Player.stop_for_pain)


def plain_run(
    keys: Sequence[tuple[float, str]] = (),
    *,
    with_keys: bool = True,
    bindings: Sequence[Binding] = BINDINGS,
) -> list[str]:
    time = FakeTime(keys)
    lines: list[str] = []
    log = PlainLog(lines.append, keys=with_keys, note=lambda text: lines.append(f"NOTE {text}"))
    player = Player(TIMELINE, clock=time.clock, listeners=[log])
    log.notice("sound: none")
    player.run(time.wait, bindings)
    return lines


def test_plain_log_of_a_whole_routine() -> None:
    keys = [(50.0, "space"), (60.0, "space"), (70.0, "m"), (71.0, "?"), (90.0, "?")]
    assert plain_run(keys=keys) == [
        "NOTE sound: none",
        "Demo routine — 2 exercises, 3:00",
        "Keys: space pause, n next, b back, s skip, m mute, p hurts, q quit, ? help",
        "[00:00] Get into position: long sitting — Rhomboid stretch (long sitting) — 5 s",
        "        1. Sit on the floor with your legs straight out in front of you.",
        "        2. Reach forward and hold on to your legs or feet.",
        "        Caution: Stop if you feel pain.",
        "[00:05] Rhomboid stretch (long sitting) — hold 30 s — rep 1 of 2",
        "        Breathe slowly.",
        "[00:15] 20 s left",
        "[00:25] 10 s left",
        "[00:35] rest 10 s — next: hold 30 s · rep 2 of 2",
        "[00:45] Rhomboid stretch (long sitting) — hold 30 s — rep 2 of 2",
        "        A gentle stretch, never pain.",
        "[00:50] paused — press space to resume",
        "[00:50] resumed",
        "[00:55] 20 s left",
        "[01:00] sound off",
        "[01:01] paused — press space to resume",  # help stops the clock
        "        space: pause / resume (the clock stops)",
        "        n: next step (n or →)",
        "        b: restart step; twice: go back (←)",
        "        s: skip the rest of this exercise",
        "        m: sound off / on",
        "        p: this hurts: stop this exercise",
        "        q: quit, see the summary (Ctrl-C)",
        "        ?: show / hide this help",
        "[01:01] resumed",
        "[01:05] 10 s left",
        "[01:15] Thoracic rotation — LEFT side — hold 20 s — rep 1 of 1, set 1 of 2",
        "[01:25] 10 s left",
        "[01:35] rest 5 s — switch sides — next: hold 20 s · rep 1 of 1 · set 1 of 2 · RIGHT side",
        "[01:40] Thoracic rotation — RIGHT side — hold 20 s — rep 1 of 1, set 1 of 2",
        "[01:50] 10 s left",
        "[02:00] set rest 15 s — set 1 of 2 done — switch sides — next: hold 20 s · rep 1 of 1 · "
        "set 2 of 2 · LEFT side",
        "[02:05] 10 s left",
        "[02:15] Thoracic rotation — LEFT side — hold 20 s — rep 1 of 1, set 2 of 2",
        "[02:25] 10 s left",
        "[02:35] rest 5 s — switch sides — next: hold 20 s · rep 1 of 1 · set 2 of 2 · RIGHT side",
        "[02:40] Thoracic rotation — RIGHT side — hold 20 s — rep 1 of 1, set 2 of 2",
        "[02:50] 10 s left",
        "[03:00] finished",
    ]


def test_plain_log_skip_quit_and_no_keys() -> None:
    lines = plain_run(keys=[(2.0, "s"), (3.0, "q")], with_keys=False)
    assert lines[1] == "Demo routine — 2 exercises, 3:00"
    assert not any(line.startswith("Keys:") for line in lines)
    assert lines[-3:] == [
        "[00:02] skipped: Rhomboid stretch (long sitting)",
        "[00:02] Thoracic rotation — LEFT side — hold 20 s — rep 1 of 1, set 1 of 2",
        "[00:03] stopped",
    ]


def test_plain_log_notice_line_and_pause_without_keys() -> None:
    lines: list[str] = []
    line = NoticeLine()
    log = PlainLog(lines.append, keys=False, notice_line=line)
    status = status_at(1, 21.5)
    line.show("This hurt last time")
    log.handle(Paused(status))
    log.handle(Tick(status))  # the same notice: not again
    line.clear()
    log.handle(Tick(status))
    line.show("Again")
    log.handle(Tick(status))
    assert lines == ["[00:13] paused", "[00:13] This hurt last time", "[00:13] Again"]


def test_plain_lines_leave_out_short_ticks_and_other_events() -> None:
    short = Exercise(id="s", name="S", instructions=("s",), hold=10, prepare=0)
    timeline = build_timeline(Routine(name="r", title="R", exercises=(short,)))
    tick = Tick(Status(timeline, index=0, remaining=10, elapsed=0))
    assert plain_lines(tick) == []
    assert plain_lines(Cue(status_at(1, 3), CueKind.SET_END)) == []
    assert plain_lines(HelpToggled(status_at(1, 3))) == []  # help hidden again
    started = Started(Status(timeline, index=0, remaining=10, elapsed=0))
    assert plain_lines(started, keys=False) == ["R — 1 exercise, 0:10"]
    assert stamp(59.999) == "[00:59]"
    assert stamp(3600) == "[60:00]"
    prepare = Exercise(id="p", name="P", instructions=("p",), hold=5, prepare=3)
    timeline = build_timeline(Routine(name="r", title="R", exercises=(prepare,)))
    event = SegmentStarted(
        Status(timeline, index=0, remaining=3, elapsed=0), 0, timeline.segments[0]
    )
    assert plain_lines(event) == ["[00:00] Get ready: P — 3 s", "        1. p"]


# -- the summary -----------------------------------------------------------------------


def summary_text(summary: Summary, *, width: int = 100, hurt_flagged: bool = False) -> str:
    console = Console(width=width, color_system=None, file=io.StringIO())
    with console.capture() as capture:
        console.print(summary_view(summary, hurt_flagged=hurt_flagged))
    return "\n".join(line.rstrip() for line in capture.get().rstrip("\n").split("\n"))


def test_summary_of_a_finished_routine() -> None:
    results = (
        ExerciseResult(0, STRETCH, ExerciseOutcome.DONE, 2, 2),
        ExerciseResult(1, ROTATION, ExerciseOutcome.SKIPPED, 0, 4),
    )
    summary = Summary(TIMELINE, results, active_seconds=125, paused_seconds=61, quit=False)
    assert summary_text(summary) == "\n".join(
        [
            "Finished: Demo routine",
            "  done        Rhomboid stretch (long sitting)  2 of 2 holds",
            "  skipped     Thoracic rotation                0 of 4 holds",
            "1 done, 1 skipped · time 3:06 (1:01 of it paused)",
            AFTERCARE,
        ]
    )


def test_summary_of_a_stopped_routine() -> None:
    results = (
        ExerciseResult(0, STRETCH, ExerciseOutcome.STOPPED, 1, 2),
        ExerciseResult(1, ROTATION, ExerciseOutcome.NOT_REACHED, 0, 4),
    )
    summary = Summary(TIMELINE, results, active_seconds=40, paused_seconds=0.4, quit=True)
    assert summary_text(summary).split("\n")[0] == "Stopped: Demo routine"
    assert "0 done, 1 stopped, 1 not reached · time 0:40" in summary_text(summary)
    assert "paused" not in summary_text(summary)


def summary_rows(summary: Summary, columns: int) -> list[str]:
    """The summary as a terminal `columns` wide shows it, trailing blanks off."""
    terminal = Terminal(columns, 24)
    terminal.console().print(summary_view(summary))
    return [row for row in terminal.rows() if row]


def test_a_narrow_summary_wraps_names_under_names_and_keeps_phrases_whole() -> None:
    results = (
        ExerciseResult(0, STRETCH, ExerciseOutcome.STOPPED, 1, 2),
        ExerciseResult(1, ROTATION, ExerciseOutcome.NOT_REACHED, 0, 4),
    )
    summary = Summary(TIMELINE, results, active_seconds=40, paused_seconds=0.4, quit=True)
    assert summary_rows(summary, 40)[:6] == [
        "Stopped: Demo routine",
        "  stopped     Rhomboid stretch (long",
        "              sitting)  1 of 2 holds",
        "  not reached Thoracic rotation",
        "              0 of 4 holds",
        "0 done, 1 stopped, 1 not reached",
    ]
    assert summary_rows(summary, 40)[6] == "time 0:40"
    wide = [
        "Stopped: Demo routine",
        "  stopped     Rhomboid stretch (long sitting)  1 of 2 holds",
        "  not reached Thoracic rotation                0 of 4 holds",
        "0 done, 1 stopped, 1 not reached · time 0:40",
    ]
    assert summary_rows(summary, 80)[:4] == wide
    assert summary_rows(summary, 120)[:4] == wide
    # A name wider than the screen still wraps under itself; nothing is cut off.
    tiny = summary_rows(summary, 22)
    assert tiny[1:4] == ["  stopped     Rhomboid", "              stretch", "              (long"]


def test_summary_of_an_exercise_that_hurt() -> None:
    results = (
        ExerciseResult(0, STRETCH, ExerciseOutcome.HURT, 1, 2),
        ExerciseResult(1, ROTATION, ExerciseOutcome.DONE, 4, 4),
    )
    summary = Summary(TIMELINE, results, active_seconds=95, paused_seconds=20, quit=False)
    assert summary_text(summary, hurt_flagged=True) == "\n".join(
        [
            "Finished: Demo routine",
            "  hurt        Rhomboid stretch (long sitting)  1 of 2 holds",
            "  done        Thoracic rotation                4 of 4 holds",
            "1 done, 1 hurt · time 1:55 (0:20 of it paused)",
            "Stopped because it hurt: Rhomboid stretch (long sitting). Next time it is flagged; s "
            "skips it.",
            AFTERCARE,
        ]
    )
    # At 80 columns the note wraps between words; without history nothing is flagged.
    assert summary_text(summary, width=80, hurt_flagged=True).split("\n")[4:6] == [
        "Stopped because it hurt: Rhomboid stretch (long sitting). Next time it is",
        "flagged; s skips it.",
    ]
    assert summary_text(summary).split("\n")[4] == (
        "Stopped because it hurt: Rhomboid stretch (long sitting)."
    )


def test_summary_of_two_exercises_that_hurt() -> None:
    results = (
        ExerciseResult(0, STRETCH, ExerciseOutcome.HURT, 0, 2),
        ExerciseResult(1, ROTATION, ExerciseOutcome.HURT, 0, 4),
    )
    summary = Summary(TIMELINE, results, active_seconds=9, paused_seconds=0, quit=False)
    lines = summary_text(summary, width=200, hurt_flagged=True).split("\n")
    assert lines[3] == "0 done, 2 hurt · time 0:09"
    assert lines[4] == (
        "Stopped because they hurt: Rhomboid stretch (long sitting), Thoracic rotation. "
        "Next time they are flagged; s skips them."
    )


def test_plain_log_of_p() -> None:
    lines = plain_run(keys=[(2.0, "p")], bindings=(*BINDINGS, PAIN))
    assert lines[5:10] == [
        "        2. Reach forward and hold on to your legs or feet.",
        "        Caution: Stop if you feel pain.",
        "[00:02] stopped because it hurt: Rhomboid stretch (long sitting)",
        "[00:02] Thoracic rotation — LEFT side — hold 20 s — rep 1 of 1, set 1 of 2",
        "[00:12] 10 s left",
    ]


def test_events_carry_the_status() -> None:
    event: Event = Started(status_at(0, 5))
    assert event.status.segment is TIMELINE.segments[0]


def test_a_word_too_long_for_the_screen_is_cut_inside_it() -> None:
    """No space to cut at: the row is cut at the edge and still ends in …"""
    stretch = Exercise(id="stretch", name="Stretch", instructions=("x" * 120,), hold=30)
    timeline = build_timeline(Routine(name="r", title="R", exercises=(stretch,)))
    status = Status(timeline, index=0, remaining=3, elapsed=0)  # getting ready
    rows = screen_text(status, 40, 12).splitlines()
    assert rows[7:11] == ["1.", "x" * 40, "x" * 38 + " …", "Next: hold 30 s · rep 1 of 1"]
