"""Movements and side labels on the live screen, read back through the terminal emulator
(terminal.py), and in the plain log and speech."""

from __future__ import annotations

import pytest
from terminal import BLOCKS, Terminal, play, read_countdown

from backpain_cli.player.engine import SegmentStarted, Tick
from backpain_cli.player.plain import plain_lines
from backpain_cli.player.speech import segment_phrase
from backpain_cli.routines.model import Exercise, Movement, Routine, Side
from backpain_cli.routines.timeline import SegmentKind, build_timeline

CIRCLES = Exercise(
    id="circles",
    name="Ankle circles",
    instructions=("Draw slow circles with your toes.",),
    hold=0,
    reps=3,
    sides=(Side("clockwise"), Side("counter-clockwise")),
    rest=2,
    prepare=2,
    movement=Movement.PACED,
    rep_seconds=3,
    tempo="one slow circle",
    cues=("Only the ankle moves.",),
)
SLIDES = Exercise(
    id="slides",
    name="Heel slides",
    instructions=("Slide your heel toward you, then back.",),
    hold=0,
    reps=4,
    sides=(Side.RIGHT,),
    prepare=0,
    movement=Movement.SELF_PACED,
)
ROUTINE = Routine(name="feet", title="Knee and ankle", exercises=(CIRCLES, SLIDES))
# Circles: prepare 2, 3 × 3 s, rest 2, 3 × 3 s = 22 s; then the slides, at own pace.
KEYS = [(25.0, "space"), (27.0, "space"), (30.0, "space"), (33.0, "space")]


@pytest.fixture(scope="module")
def frames() -> list:  # type: ignore[type-arg]
    return play(ROUTINE, 80, 24, keys=KEYS)[0]


def _first(frames: list, kind: SegmentKind, **where: object) -> list[str]:  # type: ignore[type-arg]
    for frame in frames:
        segment = frame.status.segment
        if (
            segment is not None
            and segment.kind is kind
            and isinstance(frame.event, (SegmentStarted, Tick))
            and all(getattr(segment, k) == v for k, v in where.items())
        ):
            return frame.rows
    raise AssertionError(f"no frame of {kind}")


def test_a_paced_rep_says_move_and_shows_the_rep_big(frames: list) -> None:  # type: ignore[type-arg]
    rows = _first(frames, SegmentKind.MOVE, rep=2, side=Side("clockwise"))
    text = "\n".join(rows)
    assert rows[2].startswith("MOVE  Ankle circles") or "MOVE Ankle circles" in text
    assert "HOLD" not in text
    assert "rep 2 of 3 · 3 s each" in text
    assert "Tempo: one slow circle" in text
    assert "Only the ankle moves." in text
    countdown = read_countdown(rows, 80)
    assert countdown is not None and countdown.text == "2"  # the rep, not the seconds


def test_a_label_of_ones_own_is_the_side_marker_without_arrows(frames: list) -> None:  # type: ignore[type-arg]
    rows = _first(frames, SegmentKind.MOVE, rep=1, side=Side("counter-clockwise"))
    [marker] = [row for row in rows if "COUNTER-CLOCKWISE" in row and "Next" not in row]
    assert marker.startswith("  COUNTER-CLOCKWISE")  # at the left edge, as written
    assert "◀" not in marker and "▶" not in marker and "SIDE" not in marker
    rest = _first(frames, SegmentKind.REST)
    assert any(row.startswith("next:   COUNTER-CLOCKWISE") for row in rest)
    assert any("Next: move · rep 1 of 3 · COUNTER-CLOCKWISE" in row for row in rest)


def test_right_stays_at_the_right_edge(frames: list) -> None:  # type: ignore[type-arg]
    rows = _first(frames, SegmentKind.SELF_PACED)
    [marker] = [row for row in rows if "RIGHT SIDE" in row]
    assert marker.rstrip().endswith("RIGHT SIDE  ▶▶")
    assert len(marker.rstrip()) == 80


def test_own_pace_counts_the_reps_pressed(frames: list) -> None:  # type: ignore[type-arg]
    counted = [
        (frame.status.counted, read_countdown(frame.rows, 80))
        for frame in frames
        if frame.status.segment is not None
        and frame.status.segment.kind is SegmentKind.SELF_PACED
        and isinstance(frame.event, (SegmentStarted, Tick))  # drawn for what they say
    ]
    shown = {count: digits.text for count, digits in counted if digits is not None}
    assert shown == {0: "0", 1: "1", 2: "2", 3: "3"}  # the fourth rep ends it
    rows = _first(frames, SegmentKind.SELF_PACED)
    text = "\n".join(rows)
    assert "0 of 4 reps · at your own pace" in text
    assert "Press space for each rep, n when you are done." in text
    assert rows[-1].startswith("space rep  n done")  # the key line says what keys do now
    assert frames[-1].status.segment is None  # the fourth space finished the routine


def test_the_plain_log_prints_each_run_of_reps_and_each_counted_rep() -> None:
    from fakes import FakeTime

    from backpain_cli.player.engine import Player

    time = FakeTime(KEYS)
    lines: list[str] = []

    class Log:
        def handle(self, event: object) -> None:
            lines.extend(plain_lines(event))  # type: ignore[arg-type]

    player = Player(build_timeline(ROUTINE), clock=time.clock, listeners=[Log()])
    player.run(time.wait)
    assert lines == [
        "Knee and ankle — 2 exercises, 0:22 + 1 at own pace",
        "Keys: space pause, n next, b back, s skip, m mute, p hurts, q quit, ? help",
        "[00:00] Get ready: Ankle circles — 2 s",
        "        1. Draw slow circles with your toes.",
        "[00:02] Ankle circles — CLOCKWISE — move 3 × 3 s",
        "        Tempo: one slow circle",
        "        Only the ankle moves.",
        "[00:11] rest 2 s — switch sides — next: move · rep 1 of 3 · COUNTER-CLOCKWISE",
        "[00:13] Ankle circles — COUNTER-CLOCKWISE — move 3 × 3 s",
        "        Tempo: one slow circle",
        "        Only the ankle moves.",
        "[00:22] Heel slides — RIGHT side — 4 reps at your own pace — space counts a rep, "
        "n when done",
        "[00:25] 1 of 4",
        "[00:27] 2 of 4",
        "[00:30] 3 of 4",
        "[00:33] finished",
    ]


def test_plain_mode_prints_a_holds_cue_once() -> None:
    from fakes import FakeTime

    from backpain_cli.player.engine import Player

    held = Exercise(
        id="stretch", name="Stretch", instructions=("Reach.",), hold=30, cues=("Breathe.",)
    )
    time = FakeTime()
    lines: list[str] = []

    class Log:
        def handle(self, event: object) -> None:
            lines.extend(plain_lines(event))  # type: ignore[arg-type]

    routine = Routine(name="r", title="R", exercises=(held,))
    Player(build_timeline(routine, prepare=False), clock=time.clock, listeners=[Log()]).run(
        time.wait
    )
    assert lines.count("        Breathe.") == 1
    assert "[00:10] 20 s left" in lines


def test_speech_says_the_movement_and_its_labels() -> None:
    timeline = build_timeline(ROUTINE, prepare=False)
    said = [
        segment_phrase(segment, upcoming_side_differs=False, first_hold=segment.rep == 1)
        for segment in timeline.segments
    ]
    assert said[0] == "Ankle circles, clockwise: move, 3 reps. one slow circle"
    assert said[1] == ""  # later reps tick, not talk
    assert "Ankle circles, counter-clockwise: move, 3 reps. one slow circle" in said
    assert said[-1] == "Heel slides, right side: 4 reps at your own pace"


def test_the_summary_counts_each_movement_in_its_own_steps() -> None:
    """Paced reps are reps; an own-pace exercise is one step a set and side: sets with
    no sides, sides with one set, steps with both."""
    from backpain_cli.player.summary import summary_view

    sets = Exercise(
        id="s", name="Bridges", instructions=("Lift.",), hold=0, reps=5, sets=2, prepare=0,
        movement=Movement.SELF_PACED,
    )  # fmt: skip
    both = Exercise(
        id="b", name="Clams", instructions=("Open.",), hold=0, reps=5, sets=2, rest=0,
        sides=(Side.LEFT, Side.RIGHT), prepare=0, movement=Movement.SELF_PACED,
    )  # fmt: skip
    routine = Routine(name="m", title="Movements", exercises=(CIRCLES, SLIDES, sets, both))
    # Circles end at 22 s; then n, once a second, says each own-pace step is done (and
    # cuts the rests between them short).
    keys = [(23.0 + step, "n") for step in range(20)]
    frames, terminal = play(routine, 80, 24, keys=keys)
    summary = frames[-1].event.summary  # type: ignore[attr-defined]
    terminal.console().print(summary_view(summary))
    assert terminal.rows()[:5] == [
        "Finished: Movements",
        "  done        Ankle circles  6 of 6 reps",
        "  done        Heel slides    1 of 1 sides",
        "  done        Bridges        2 of 2 sets",
        "  done        Clams          4 of 4 steps",
    ]


def test_a_terminal_too_narrow_for_a_big_done_gets_the_words_alone() -> None:
    from backpain_cli.player.summary import summary_view

    frames, _ = play(ROUTINE, 40, 12, keys=[(23.0, "n")])
    summary = frames[-1].event.summary  # type: ignore[attr-defined]
    narrow = Terminal(14, 40)  # DONE in the smallest big letters is 15 columns wide
    narrow.console().print(summary_view(summary, big=True))
    assert narrow.rows()[0] == "Finished: Knee"
    assert not any(set(row) & BLOCKS for row in narrow.rows())
    wide = Terminal(15, 40)
    wide.console().print(summary_view(summary, big=True))
    assert set(wide.rows()[0]) <= BLOCKS | {" "} and wide.rows()[0].strip()


def test_next_names_the_own_pace_set_or_side_to_come() -> None:
    bridges = Exercise(
        id="b", name="Bridges", instructions=("Lift.",), hold=0, reps=5, sets=2, prepare=0,
        set_rest=3, movement=Movement.SELF_PACED,
    )  # fmt: skip
    clams = Exercise(
        id="c", name="Clams", instructions=("Open.",), hold=0, reps=5, rest=2,
        sides=(Side.LEFT, Side.RIGHT), prepare=0, movement=Movement.SELF_PACED,
    )  # fmt: skip
    routine = Routine(name="m", title="Movements", exercises=(bridges, clams))
    frames, _ = play(routine, 80, 24, keys=[(1.0, "n"), (5.0, "n"), (6.0, "n"), (9.0, "n")])
    nexts: dict[tuple[str, SegmentKind], set[str]] = {}
    for frame in frames:
        segment = frame.status.segment
        if segment is not None:
            key = (segment.exercise.name, segment.kind)
            nexts.setdefault(key, set()).update(r for r in frame.rows if r.startswith("Next: "))
    assert nexts[("Bridges", SegmentKind.SELF_PACED)] == {
        "Next: 5 reps at your own pace · set 2 of 2",  # in set 1
        "Next: Clams (left side)",  # in set 2
    }
    assert nexts[("Bridges", SegmentKind.SET_REST)] == {
        "Next: 5 reps at your own pace · set 2 of 2"
    }
    assert nexts[("Clams", SegmentKind.REST)] == {"Next: 5 reps at your own pace · RIGHT side"}


ARCH = Exercise(
    id="arch",
    name="Cat and camel",
    instructions=("On hands and knees, round your back up, then let it sag gently.",),
    hold=0,
    reps=2,
    prepare=0,
    movement=Movement.PACED,
    rep_seconds=6,
    tempo="3 s round up, 3 s arch down",
)
LONG = Exercise(
    id="long",
    name="Slow reach",
    instructions=("Reach slowly forward along the table.",),
    hold=0,
    reps=1,
    prepare=0,
    movement=Movement.PACED,
    rep_seconds=30,
)


def test_tempo_parts_and_which_part_now() -> None:
    from backpain_cli.player.words import tempo_parts

    assert tempo_parts("3 s round up, 3 s arch down") == [(3, "round up"), (3, "arch down")]
    assert tempo_parts("2 down, 2 up") == [(2, "down"), (2, "up")]
    assert tempo_parts("2 seconds slowly down, 1.5 up") == [(2, "slowly down"), (1.5, "up")]
    for untimed in ("one slow circle", "2 down", "slowly down, 2 up", "3s, 3s", "0 up, 2 down"):
        assert tempo_parts(untimed) == []
    from backpain_cli.player.words import tempo_now

    [first, *_] = build_timeline(Routine(name="c", title="C", exercises=(ARCH,))).segments
    assert [tempo_now(first, at) for at in (0, 2.9, 3, 6, 7)] == [
        (0, "round up"),
        (0, "round up"),
        (1, "arch down"),
        (1, "arch down"),  # the end of the rep, and past it: the last part
        (1, "arch down"),
    ]
    assert tempo_now(build_timeline(ROUTINE).segments[1], 1) is None  # one slow circle


def test_a_two_part_tempo_shows_and_says_which_part_of_the_rep() -> None:
    from backpain_cli.player.speech import spoken

    frames, _ = play(Routine(name="cat", title="Cat", exercises=(ARCH,)), 80, 24)
    shown = []
    said = []
    for frame in frames:
        segment = frame.status.segment
        utterance = spoken(frame.event, 0.0)
        if utterance is not None:
            said.append(utterance.text)
        if segment is None or not isinstance(frame.event, (SegmentStarted, Tick)):
            continue
        now = [row for row in frame.rows if row.startswith("Now: ")]
        second = segment.duration - frame.status.shown_remaining
        shown.append((segment.rep, second, now[0] if now else ""))
        assert "Tempo: 3 s round up, 3 s arch down" in frame.rows
        assert read_countdown(frame.rows, 80).text == str(segment.rep)  # type: ignore[union-attr]
    up, down = "Now: ROUND UP", "Now: ARCH DOWN"
    assert shown == [
        (rep, second, up if second < 3 else down) for rep in (1, 2) for second in range(6)
    ]
    assert said[0].endswith("move, 2 reps. 3 s round up, 3 s arch down")
    assert said[1:] == ["arch down", "round up", "arch down", "Routine complete. Well done."]


def test_a_long_single_movement_counts_its_seconds_down() -> None:
    frames, _ = play(Routine(name="reach", title="Reach", exercises=(LONG,)), 80, 24)
    seen = []
    for frame in frames:
        if frame.status.segment is not None and isinstance(frame.event, (SegmentStarted, Tick)):
            countdown = read_countdown(frame.rows, 80)
            assert countdown is not None, "\n".join(frame.rows)
            assert countdown.text == str(frame.status.shown_remaining)
            seen.append(countdown.text)
    assert seen == [str(n) for n in range(30, 0, -1)]  # not a static 1 for 30 s
    assert LONG.dose == "1 rep at 30 s"  # not "1 reps"
