"""Movements without holds (rep_seconds, pace: self, tempo) and side labels: the loader,
the timeline and the engine (the screen, handouts and history have their own tests)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fakes import FakeTime

from backpain_cli.cli import cli
from backpain_cli.errors import RoutineError
from backpain_cli.player.engine import Player
from backpain_cli.player.events import Cue, CueKind, Event, SegmentEnded, SegmentStarted
from backpain_cli.routines.loader import parse_routine
from backpain_cli.routines.model import Exercise, Movement, Routine, Side, format_total
from backpain_cli.routines.reader import YAML_LOADERS
from backpain_cli.routines.timeline import SegmentKind, build_timeline

HEAD = "version: 1\ntitle: T\nexercises:\n"


def _load(body: str) -> Routine:
    return parse_routine(HEAD + body, "r.yaml", default_name="r")


def _problems(body: str) -> list[str]:
    with pytest.raises(RoutineError) as caught:
        _load(body)
    return [str(problem) for problem in caught.value.problems]


PUMPS = (
    "  - id: pumps\n    name: Ankle pumps\n    instructions: [Point and flex.]\n"
    "    rep_seconds: 2\n    reps: 3\n"
)
SLIDES = (
    "  - id: slides\n    name: Heel slides\n    instructions: [Slide.]\n"
    "    pace: self\n    reps: 10\n"
)


# -- the loader -------------------------------------------------------------------------


def test_a_paced_movement_with_a_tempo() -> None:
    (pumps,) = _load(PUMPS + '    tempo: "1 up, 1 down"\n').exercises
    assert (pumps.movement, pumps.rep_seconds, pumps.hold) == (Movement.PACED, 2, 0)
    assert pumps.tempo == "1 up, 1 down"
    assert pumps.dose == "3 reps at 2 s"


def test_a_self_paced_movement() -> None:
    (slides,) = _load(SLIDES + "    sides: [left]\n").exercises
    assert slides.movement is Movement.SELF_PACED
    assert not slides.timed
    assert slides.dose == "10 reps at own pace left side"


def test_side_labels_of_ones_own_are_kept_as_written() -> None:
    body = PUMPS + "    sides: [clockwise, counter-clockwise]\n"
    (circles,) = _load(body).exercises
    assert circles.sides == (Side("clockwise"), Side("counter-clockwise"))
    assert circles.sides[0] is Side("clockwise")  # one instance per label
    assert not circles.sides[0].is_left_right
    assert circles.sides[0].spoken == "clockwise"
    assert Side.LEFT.spoken == "left side"
    assert circles.dose == "3 reps at 2 s each: clockwise, counter-clockwise"


def test_default_hold_does_not_make_a_movement_a_hold() -> None:
    routine = parse_routine(
        "version: 1\ntitle: T\ndefaults: {hold: 9, reps: 4}\nexercises:\n" + SLIDES,
        "r.yaml",
        default_name="r",
    )
    (slides,) = routine.exercises
    assert (slides.movement, slides.hold, slides.reps) == (Movement.SELF_PACED, 0, 10)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            PUMPS + "    hold: 5\n",
            "r.yaml:9:11: exercises[0].hold: gives both rep_seconds and hold: an exercise "
            "is held (hold), paced (rep_seconds) or at your own pace (pace: self); keep one",
        ),
        (
            PUMPS.replace("rep_seconds: 2", "rep_seconds: 61"),
            "r.yaml:7:18: exercises[0].rep_seconds: must be between 1 and 60 seconds, got 61",
        ),
        (
            SLIDES.replace("pace: self", "pace: slow"),
            "r.yaml:7:11: exercises[0].pace: unknown pace 'slow': write `pace: self` for a "
            "movement at your own pace, or give rep_seconds for a set pace",
        ),
        (
            "  - id: a\n    name: A\n    instructions: [x]\n    hold: 5\n    tempo: slowly\n",
            "r.yaml:8:12: exercises[0].tempo: is for movements (rep_seconds or pace: self), "
            "not for a hold; leave it out",
        ),
    ],
)
def test_movement_refusals(body: str, message: str) -> None:
    assert _problems(body) == [message]


def test_a_use_entry_that_holds_drops_the_movement_and_its_tempo() -> None:
    body = PUMPS + "    tempo: steady\n  - use: pumps\n    id: held\n    hold: 5\n"
    pumps, held = _load(body).exercises
    assert pumps.movement is Movement.PACED
    assert (held.movement, held.hold, held.rep_seconds, held.tempo) == (Movement.HOLD, 5, 0, "")
    assert held.reps == 3  # everything else still comes from the used exercise


def test_a_use_entry_can_make_a_hold_a_movement() -> None:
    (rolls,) = _load("  - use: scapular-squeeze\n    pace: self\n").exercises
    assert (rolls.movement, rolls.hold, rolls.reps) == (Movement.SELF_PACED, 0, 10)


def test_defaults_reach_reused_exercises_but_their_own_values_win() -> None:
    text = (
        "version: 1\ntitle: T\ndefaults: {rest: 20, sets: 2, prepare: 7}\nexercises:\n"
        "  - use: scapular-squeeze\n"  # gives rest: 3 and prepare: 5 itself, no sets
        "  - use: scapular-squeeze\n    id: firm\n    rest: 6\n"
    )
    squeeze, firm = parse_routine(text, "r.yaml", default_name="r").exercises
    assert (squeeze.sets, squeeze.rest, squeeze.prepare) == (2, 3, 5)
    assert (firm.sets, firm.rest, firm.prepare) == (2, 6, 5)


# -- the timeline -----------------------------------------------------------------------


def test_paced_reps_follow_each_other_and_sides_come_in_blocks() -> None:
    routine = _load(PUMPS + "    sides: [clockwise, counter-clockwise]\n    rest: 4\n")
    timeline = build_timeline(routine, prepare=False)
    steps = [(s.kind.value, s.duration, s.rep, s.side and s.side.value) for s in timeline.segments]
    assert steps == [
        ("move", 2, 1, "clockwise"),
        ("move", 2, 2, "clockwise"),
        ("move", 2, 3, "clockwise"),
        ("rest", 4, 3, "clockwise"),
        ("move", 2, 1, "counter-clockwise"),
        ("move", 2, 2, "counter-clockwise"),
        ("move", 2, 3, "counter-clockwise"),
    ]
    assert [s.ends_set for s in timeline.segments][-1]
    assert timeline.total == 16 and timeline.untimed == 0


def test_self_paced_sets_are_untimed_steps() -> None:
    routine = _load(SLIDES + "    sets: 2\n    set_rest: 5\n")
    timeline = build_timeline(routine)
    kinds = [(s.kind, s.duration) for s in timeline.segments]
    assert kinds == [
        (SegmentKind.PREPARE, 5),
        (SegmentKind.SELF_PACED, 0),
        (SegmentKind.SET_REST, 5),
        (SegmentKind.SELF_PACED, 0),
    ]
    assert (timeline.total, timeline.untimed) == (10, 2)
    assert format_total(timeline.total, timeline.untimed) == "0:10 + 2 at own pace"
    assert format_total(90, 0) == "1:30"


# -- the engine -------------------------------------------------------------------------


class _Lines:
    def __init__(self, time: FakeTime) -> None:
        self.time = time
        self.lines: list[str] = []

    def handle(self, event: Event) -> None:
        at = f"{self.time.now:g}"
        if isinstance(event, SegmentStarted):
            self.lines.append(f"{at} start {event.segment.kind.value} r{event.segment.rep}")
        elif isinstance(event, SegmentEnded):
            self.lines.append(f"{at} end {event.reason.value}")
        elif isinstance(event, Cue) and event.kind is not CueKind.ROUTINE_END:
            self.lines.append(f"{at} cue {event.kind.value} ({event.status.counted} counted)")


def _play(exercise: Exercise, keys: list[tuple[float, str]], **options: bool) -> _Lines:
    time = FakeTime(keys)
    lines = _Lines(time)
    routine = Routine(name="r", title="R", exercises=(exercise,))
    player = Player(build_timeline(routine, prepare=False), clock=time.clock, listeners=[lines])
    if options:
        player = Player(
            build_timeline(routine, prepare=False), clock=time.clock, listeners=[lines], **options
        )
    summary = player.run(time.wait)
    lines.lines.append(f"{summary.results[0].outcome.value} {summary.results[0].holds_done}")
    return lines


SELF = Exercise(id="s", name="S", instructions=("x",), hold=0, reps=3, movement=Movement.SELF_PACED)


def test_paced_reps_tick_each_one_and_chime_at_the_end() -> None:
    paced = Exercise(
        id="p", name="P", instructions=("x",), hold=0, reps=3, movement=Movement.PACED,
        rep_seconds=2,
    )  # fmt: skip
    assert _play(paced, []).lines == [
        "0 start move r1",
        "2 end completed",
        "2 cue rep_end (0 counted)",
        "2 start move r2",
        "4 end completed",
        "4 cue rep_end (0 counted)",
        "4 start move r3",
        "6 end completed",
        "done 3",
    ]


def test_space_counts_self_paced_reps_and_the_last_one_moves_on() -> None:
    lines = _play(SELF, [(4, "space"), (9, "space"), (15, "space")]).lines
    assert lines == [
        "0 start self_paced r0",
        "4 cue rep_end (1 counted)",
        "9 cue rep_end (2 counted)",
        "15 end completed",
        "done 1",
    ]


def test_n_ends_a_self_paced_step_as_done() -> None:
    lines = _play(SELF, [(4, "space"), (30, "n")]).lines
    assert lines == [
        "0 start self_paced r0",
        "4 cue rep_end (1 counted)",
        "30 end completed",
        "done 1",
    ]


def test_without_a_keyboard_a_self_paced_step_ends_at_once() -> None:
    lines = _play(SELF, [], counts_reps=False).lines
    assert lines == ["0 start self_paced r0", "0 end completed", "done 1"]


def test_s_still_skips_a_self_paced_exercise() -> None:
    lines = _play(SELF, [(3, "s")]).lines
    assert lines == ["0 start self_paced r0", "3 end skip_exercise", "skipped 0"]


# -- handouts ---------------------------------------------------------------------------


def test_handouts_say_how_a_movement_is_done() -> None:
    from backpain_cli.routines.handout import dose_words, markdown_handout, rest_words

    body = (
        PUMPS + '    tempo: "1 up, 1 down"\n'
        "    sides: [clockwise, counter-clockwise]\n    rest: 5\n" + SLIDES + "    sides: [left]\n"
    )
    routine = _load(body)
    pumps, slides = routine.exercises
    assert dose_words(pumps) == (
        "Do it 3 times, about 2 seconds each (1 up, 1 down), clockwise, "
        "then the same counter-clockwise."
    )
    assert rest_words(pumps) == "5 seconds between sides"
    assert dose_words(slides) == "Do it 10 times, at your own pace, on the left side."
    assert rest_words(slides) == "none"
    page = markdown_handout(routine)
    assert (
        "- **Total time:** about 0:27 (minutes:seconds), plus the exercises done at your own pace"
        in page
    )
    assert "- **Time:** 0:05 plus your own pace" in page


def test_one_sided_holds_rest_between_reps_not_sides() -> None:
    from backpain_cli.routines.handout import rest_words

    one = Exercise(id="a", name="A", instructions=("x",), hold=5, reps=3, sides=(Side.LEFT,))
    both = Exercise(
        id="b", name="B", instructions=("x",), hold=5, reps=3, sides=(Side.LEFT, Side.RIGHT)
    )
    assert rest_words(one) == "10 seconds between reps"
    assert rest_words(both) == "10 seconds between reps and sides"


# -- history ----------------------------------------------------------------------------


def test_history_records_the_reps_of_movements(tmp_path: Path) -> None:
    from datetime import datetime, timedelta, timezone

    from backpain_cli.history.recorder import Recorder
    from backpain_cli.history.records import ExerciseStatus
    from backpain_cli.history.store import open_for_recording

    history, warning = open_for_recording(tmp_path / "history.sqlite3")
    assert history is not None, warning
    routine = _load(PUMPS + "    sides: [clockwise, counter-clockwise]\n" + SLIDES)
    time = FakeTime([(40, "space"), (42, "space"), (45, "space"), (50, "n")], origin=0)
    start = datetime(2026, 11, 4, 7, 0, tzinfo=timezone.utc)
    recorder = Recorder(
        history,
        routine=routine,
        content_hash="h",
        wall_clock=lambda: start + timedelta(seconds=time.now),
        warn=print,
    )
    player = Player(build_timeline(routine), clock=time.clock, listeners=[recorder])
    player.run(time.wait)
    [session] = history.sessions(with_exercises=True)
    pumps, slides = session.exercises
    assert (pumps.status, pumps.reps_done, pumps.holds_done) == (ExerciseStatus.DONE, 3, 6)
    assert pumps.sides_done == ("clockwise", "counter-clockwise")
    # Three reps counted with space, then `n`: done, with the reps counted.
    assert (slides.status, slides.reps_done, slides.holds_done) == (ExerciseStatus.DONE, 3, 1)


# -- validate: warnings and hints -------------------------------------------------------


def test_validate_warns_of_a_flow_list_split_at_a_comma(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(
        HEAD + "  - id: a\n    name: A\n    hold: 5\n    equipment: [towel, tennis ball]\n"
        '    cues: [Slowly, gently]\n    instructions: [Sit tall., "Breathe, relax"]\n'
    )
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0
    assert result.stdout == f"{path}: ok (r, 1 exercise)\n"
    assert result.stderr == (
        f"{path}:8:11: exercises[0].cues: warning: reads as separate items 'Slowly' and "
        "'gently'; if you meant one text, put it in quotes: \"Slowly, gently\"\n"
    )


@pytest.mark.parametrize("loader", YAML_LOADERS, ids=lambda cls: cls.__name__)
def test_a_list_item_indented_one_space_too_far_is_warned_of(loader: type) -> None:
    """YAML reads `       - Breathe out.` under `      - Sit tall.` as the rest of the
    item above: one step, "Sit tall. - Breathe out.", with no error."""
    text = HEAD + (
        "  - id: a\n    name: A\n    hold: 5\n    instructions:\n"
        "      - Sit tall.\n       - Breathe out.\n      - Relax.\n"
        "    cues:\n      - 'Quoted\n        - is what you wrote'\n      - Two lines\n"
        "        of one text.\n"
    )
    routine = parse_routine(text, "r.yaml", default_name="r", loader=loader)
    assert routine.exercises[0].instructions == ("Sit tall. - Breathe out.", "Relax.")
    assert [str(w) for w in routine.warnings] == [
        "r.yaml:8:9: exercises[0].instructions[0]: warning: '- Breathe out.' is read as part "
        "of the item above, not as an item of its own: its dash is indented more than the "
        "others; line the dashes up"
    ]


@pytest.mark.parametrize("loader", YAML_LOADERS, ids=lambda cls: cls.__name__)
def test_only_plain_items_that_read_as_one_text_are_warned_of(loader: type) -> None:
    text = HEAD + (
        "  - id: a\n    name: A\n    hold: 5\n"
        "    cues: [Breathe., relax, 'Slowly', gently]\n"  # a sentence ends; a quoted item
        "    instructions: [Go, Stop]\n"  # a capital: two texts
        "  - id: b\n    name: B\n    hold: 5\n"
        "    cues: [Slowly,  # a comment between: the author broke the list here\n"
        "      gently]\n    instructions: [Sit tall.]\n"
    )
    routine = parse_routine(text, "r.yaml", default_name="r", loader=loader)
    assert routine.exercises[0].cues == ("Breathe.", "relax", "Slowly", "gently")
    assert routine.warnings == ()
    split = parse_routine(
        text.replace("[Go, Stop]", "[Keep going, then stop]"), "r.yaml", default_name="r",
        loader=loader,
    )  # fmt: skip
    assert [str(w) for w in split.warnings] == [
        "r.yaml:8:19: exercises[0].instructions: warning: reads as separate items 'Keep going' "
        "and 'then stop'; if you meant one text, put it in quotes: \"Keep going, then stop\""
    ]


def test_json_of_a_movement_adds_its_keys_where_the_docs_say() -> None:
    from backpain_cli.routines.listing import routine_json

    data = routine_json(_load(PUMPS + "    tempo: steady\n" + SLIDES))
    pumps, slides = data["exercises"]
    keys = list(pumps)
    assert keys[keys.index("hold_seconds") + 1 : keys.index("hold_seconds") + 4] == [
        "movement",
        "rep_seconds",
        "tempo",
    ]
    assert keys[-1] == "untimed_steps"
    assert (pumps["movement"], pumps["rep_seconds"], pumps["tempo"]) == ("paced", 2, "steady")
    assert (slides["movement"], slides["rep_seconds"], slides["untimed_steps"]) == ("self", None, 1)
    assert data["untimed_steps"] == 1
    assert [s["kind"] for s in data["segments"]].count("self_paced") == 1
    assert [s["duration_seconds"] for s in data["segments"] if s["kind"] == "move"] == [2, 2, 2]


def test_exercises_shows_a_movements_tempo_and_its_rests(
    runner: CliRunner, user_routines: Path
) -> None:
    (user_routines / "legs.yaml").write_text(
        HEAD
        + PUMPS
        + '    tempo: "1 up, 1 down"\n    sides: [left, right]\n    rest: 4\n'
        + SLIDES
        + "    sides: [left]\n"
    )
    pumps = runner.invoke(cli, ["exercises", "pumps"])
    assert pumps.exit_code == 0, pumps.output
    assert "Tempo:     1 up, 1 down\n" in pumps.stdout
    assert "Rest:      4 s between sides\n" in pumps.stdout  # movements: not between reps
    slides = runner.invoke(cli, ["exercises", "slides"])
    assert slides.exit_code == 0, slides.output
    assert "Tempo:" not in slides.stdout
    assert "Rest:      none\n" in slides.stdout  # one side, at its own pace
