"""The progression resolver over generated histories: steps never skip, never go below
the first, sped-up and partial sessions never count, the same history always gives the
same step, and a history edited by hand never crashes it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from backpain_cli.progression.resolver import (
    FLAG,
    MANUAL,
    STEP_BACK,
    PlanChange,
    SessionRow,
    counts_toward,
    resolve,
)
from backpain_cli.routines.model import Progression, ProgressionStep

FAST = settings(max_examples=200, deadline=None, derandomize=True)
ROUTINE = "neck"


def _time(minute: int) -> str:
    day, rest = divmod(minute, 24 * 60)
    return (
        f"2026-{1 + day // 28:02d}-{1 + day % 28:02d}T{rest // 60:02d}:{rest % 60:02d}:00.000+00:00"
    )


plans = st.builds(
    lambda advance, owns: Progression(advance, tuple(ProgressionStep((), own) for own in owns)),
    st.integers(1, 5),
    st.lists(st.one_of(st.none(), st.integers(1, 4)), min_size=2, max_size=5),
)
sessions = st.builds(
    lambda minute, outcome, speed, name, counts_as: (
        _time(minute),
        outcome,
        speed,
        name,
        counts_as,
    ),
    st.integers(0, 300 * 24 * 60),
    st.sampled_from(["completed", "partial"]),
    st.sampled_from([1.0, 1.0, 1.0, 2.0, 60.0, 0.5, None]),
    st.sampled_from([ROUTINE, ROUTINE, "neck-chair", "other"]),
    st.sampled_from([None, None, ROUTINE, "other"]),
)
changes = st.builds(
    PlanChange,
    st.integers(0, 300 * 24 * 60).map(_time),
    st.integers(-2, 8),
    st.sampled_from([MANUAL, STEP_BACK, FLAG]),
    st.just(""),
    st.integers(1, 1000),
)
# What a hand-edited history may hold in any column.
junk = st.one_of(
    st.none(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(),
    st.text(max_size=5),
    st.binary(max_size=3),
    st.booleans(),
)


@FAST
@given(plans, st.lists(sessions, max_size=60))
def test_steps_never_skip_and_never_go_below_the_first(
    plan: Progression, rows: list[SessionRow]
) -> None:
    position = resolve(plan, ROUTINE, rows)
    assert 1 <= position.step <= len(plan.steps) == position.steps
    previous = 1
    for move in position.moves:
        assert move.step == previous + 1  # without recorded changes, one step at a time
        assert move.counted == plan.sessions_at(previous)
        previous = move.step
    assert previous == position.step
    counted = sum(counts_toward(row, ROUTINE) for row in rows)
    assert counted == sum(m.counted for m in position.moves) + position.counted
    if position.needed is not None:
        assert position.counted < position.needed


@FAST
@given(plans, st.lists(sessions, max_size=40), st.lists(sessions, max_size=20))
def test_sped_up_and_partial_sessions_never_count(
    plan: Progression, rows: list[SessionRow], extra: list[SessionRow]
) -> None:
    not_counting = [
        row for row in extra if row[1] != "completed" or row[2] != 1.0 or ROUTINE not in row[3:]
    ]
    assert not any(counts_toward(row, ROUTINE) for row in not_counting)
    assert resolve(plan, ROUTINE, rows) == resolve(plan, ROUTINE, rows + not_counting)


@FAST
@given(plans, st.lists(sessions, max_size=40), st.lists(changes, max_size=6), st.randoms())
def test_the_same_history_gives_the_same_step_in_any_order(
    plan: Progression, rows: list[SessionRow], recorded: list[PlanChange], chance: object
) -> None:
    first = resolve(plan, ROUTINE, rows, recorded)
    shuffled_rows, shuffled_changes = list(rows), list(recorded)
    chance.shuffle(shuffled_rows)  # type: ignore[attr-defined]
    chance.shuffle(shuffled_changes)  # type: ignore[attr-defined]
    again = resolve(plan, ROUTINE, shuffled_rows, shuffled_changes)
    assert (again.step, again.counted, again.moves) == (first.step, first.counted, first.moves)
    assert 1 <= first.step <= len(plan.steps)
    for move in first.moves:
        assert 1 <= move.step <= len(plan.steps)


@FAST
@given(plans, st.lists(sessions, max_size=30), st.lists(changes, max_size=6))
def test_a_flag_holds_the_step_until_it_is_moved_by_hand(
    plan: Progression, rows: list[SessionRow], recorded: list[PlanChange]
) -> None:
    position = resolve(plan, ROUTINE, rows, recorded)
    events = sorted(
        [(row[0], 0, 0) for row in rows if counts_toward(row, ROUTINE)]
        + [(str(c.at), 1, c.order) for c in recorded]
    )
    assert position.held == bool(position.flags)
    if position.flags:  # nothing advanced after the first flag that still holds
        since = str(position.flags[0].at)
        assert all(m.why != "advanced" or m.at <= since for m in position.moves)
    assert len(events) >= len(position.moves)


@FAST
@given(
    plans,
    st.lists(st.tuples(junk, junk, junk, junk, junk), max_size=20),
    st.lists(st.builds(PlanChange, junk, junk, junk, junk, junk), max_size=6),
)
def test_a_history_edited_by_hand_never_crashes_it(
    plan: Progression, rows: list[SessionRow], recorded: list[PlanChange]
) -> None:
    position = resolve(plan, ROUTINE, rows, recorded)
    assert 1 <= position.step <= len(plan.steps)
    now = datetime(2026, 12, 7, tzinfo=timezone.utc)
    assert 1 <= resolve(plan, ROUTINE, rows, recorded, now=now).step <= len(plan.steps)


def _plan() -> Progression:
    return Progression(2, (ProgressionStep(), ProgressionStep(), ProgressionStep((), 1)))


def test_two_counted_sessions_move_the_plan_on_and_the_last_step_stays() -> None:
    real = (_time(10), "completed", 1.0, ROUTINE, None)
    fast = (_time(5), "completed", 60.0, ROUTINE, None)
    partial = (_time(6), "partial", 1.0, ROUTINE, None)
    assert resolve(_plan(), ROUTINE, [fast, fast, fast, real, partial]).step == 1
    two = resolve(_plan(), ROUTINE, [real, (_time(20), "completed", 1.0, "chair", ROUTINE)])
    assert (two.step, two.counted, two.needed, two.began) == (2, 0, 2, _time(20))
    many = resolve(
        _plan(), ROUTINE, [(_time(m), "completed", 1.0, ROUTINE, None) for m in range(9)]
    )
    assert (many.step, many.counted, many.needed) == (3, 5, None)
    assert [(m.step, m.at) for m in many.moves] == [(2, _time(1)), (3, _time(3))]


def test_recorded_changes_move_hold_and_step_back() -> None:
    rows = [(_time(m), "completed", 1.0, ROUTINE, None) for m in (1, 2, 5, 6, 7)]
    recorded = [
        PlanChange(_time(3), 2, FLAG, "pain after up 2 in 2 of 3", 1),
        PlanChange(_time(4), 1, STEP_BACK, "pain after up 2 in 2 of 3", 2),
        PlanChange(_time(9), 9, MANUAL, "", 3),
    ]
    position = resolve(_plan(), ROUTINE, rows, recorded)
    assert [(m.step, m.why) for m in position.moves] == [
        (2, "advanced"),
        (1, STEP_BACK),
        (2, "advanced"),
        (3, MANUAL),  # step 9 of a three-step plan: the last
    ]
    assert [c.kind for c in position.fired] == [FLAG, STEP_BACK]
    held = resolve(_plan(), ROUTINE, rows, recorded[:1])
    assert held.step == 2 and held.held and held.counted == 3  # counted, but held


@FAST
@given(plans, st.lists(sessions, max_size=30), st.lists(changes, max_size=6))
def test_a_step_back_never_raises_the_step_and_a_flag_never_moves_it(
    plan: Progression, rows: list[SessionRow], recorded: list[PlanChange]
) -> None:
    position = resolve(plan, ROUTINE, rows, recorded)
    before = 1
    for move in position.moves:
        if move.why == STEP_BACK:
            assert move.step <= before
        before = move.step
    steps_at = [(m.at, m.step) for m in position.moves]
    for change in position.fired:  # what they say is the step they held or went to
        at = str(change.at)
        now = next((step for when, step in reversed(steps_at) if when <= at), 1)
        assert change.step == now


def test_a_forged_step_back_or_flag_cannot_raise_the_step() -> None:
    rows = [(_time(m), "completed", 1.0, ROUTINE, None) for m in (1, 2)]  # to step 2
    up = [PlanChange(_time(3), 1000, STEP_BACK, "from another machine", 1)]
    position = resolve(_plan(), ROUTINE, rows, up)
    assert (position.step, position.counted) == (2, 0)
    assert [(m.step, m.why) for m in position.moves] == [(2, "advanced"), (2, STEP_BACK)]
    assert [c.step for c in position.fired] == [2]
    flagged = resolve(_plan(), ROUTINE, rows, [PlanChange(_time(3), 1000, FLAG, "", 1)])
    assert (flagged.step, flagged.held) == (2, True)
    assert [c.step for c in flagged.fired] == [2]
    back = resolve(_plan(), ROUTINE, rows, [PlanChange(_time(3), 1, STEP_BACK, "", 1)])
    assert back.step == 1  # a real step back still steps back


def test_a_change_dated_in_the_future_is_left_out_until_its_time() -> None:
    now = datetime(2026, 1, 1, 12, tzinfo=timezone.utc)
    rows = [(_time(m), "completed", 1.0, ROUTINE, None) for m in (1, 2)]
    later = PlanChange("2999-01-01T00:00:00.000+00:00", 1, MANUAL, "", 1)
    soon = PlanChange("2026-01-02T06:00:00.000+00:00", 3, MANUAL, "", 2)  # clocks differ
    position = resolve(_plan(), ROUTINE, rows, [later, soon], now=now)
    assert [(m.step, m.why) for m in position.moves] == [(2, "advanced"), (3, MANUAL)]
    assert resolve(_plan(), ROUTINE, rows, [later], now=now).step == 2
    too_soon = PlanChange("2026-01-02T12:00:00.001+00:00", 1, STEP_BACK, "", 3)
    assert resolve(_plan(), ROUTINE, rows, [too_soon], now=now).step == 2
    due = now + timedelta(days=1, seconds=1)
    assert resolve(_plan(), ROUTINE, rows, [too_soon], now=due).step == 1
    hand = PlanChange("2999-01-01", 1, STEP_BACK, "", 4)  # a hand edit, no zone: UTC
    assert resolve(_plan(), ROUTINE, rows, [hand], now=now).step == 2


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    plans,
    st.lists(sessions, max_size=40),
    st.lists(changes, max_size=5),
    st.lists(st.tuples(st.integers(0, 300 * 24 * 60).map(_time), st.text(max_size=3)), max_size=4),
)
def test_the_history_counts_as_the_rule_does(
    plan: Progression,
    rows: list[SessionRow],
    recorded: list[PlanChange],
    bounds: list[tuple[str, str]],
) -> None:
    """`counts` in SQL (what `start` and `today` read) gives the rows' own answers."""
    import sqlite3

    from backpain_cli.history.database import MIGRATIONS
    from backpain_cli.history.progress import HistorySessions
    from backpain_cli.history.store import History
    from backpain_cli.progression.resolver import SessionList, resolve_counted

    connection = sqlite3.connect(":memory:", isolation_level=None)
    for step in MIGRATIONS:
        for statement in step:
            connection.execute(statement)
    connection.executemany(
        "INSERT INTO sessions (routine, routine_hash, started_at, outcome, speed, counts_as) "
        "VALUES (?, '', ?, ?, ?, ?)",
        [(name, at, outcome, speed, counts_as) for at, outcome, speed, name, counts_as in rows],
    )
    history = History(Path(":memory:"), connection)
    stored = HistorySessions(history, ROUTINE)
    listed = SessionList(rows, ROUTINE)
    for after, until in [(None, None), *((a, a + b) for a, b in bounds)]:
        assert stored.count(after, until) == listed.count(after, until)
        assert stored.first(after, until, 3) == listed.first(after, until, 3)
    assert resolve_counted(plan, stored, recorded) == resolve(plan, ROUTINE, rows, recorded)
    history.close()
