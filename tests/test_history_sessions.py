"""Schema v3 in the store and the recorder, against a real SQLite file: speed, notes,
plans (`counts_as`), first sessions, forgetting one session, and resuming a partial one."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fakes
import pytest
from fakes import TINY

from backpain_cli.history.database import utc_text
from backpain_cli.history.recorder import Recorder
from backpain_cli.history.records import (
    ExerciseRecord,
    ExerciseStatus,
    SessionOutcome,
    SessionRecord,
)
from backpain_cli.history.store import History, SessionStart, open_for_recording
from backpain_cli.player.engine import BINDINGS, Player
from backpain_cli.routines.model import Frequency, Period
from backpain_cli.routines.timeline import build_timeline

T0 = datetime(2026, 11, 4, 7, 0, tzinfo=timezone.utc)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "history.sqlite3"


@pytest.fixture
def history(db: Path) -> History:
    opened, warning = open_for_recording(db)
    assert opened is not None, warning
    return opened


def record(position: int, status: ExerciseStatus, start: datetime = T0) -> ExerciseRecord:
    return ExerciseRecord(
        position, f"ex-{position}", f"Ex {position}", status,
        start + timedelta(minutes=position), start + timedelta(minutes=position + 1), 1, 1, 1,
    )  # fmt: skip


def session(routine: str, started: datetime, **changes: object) -> SessionRecord:
    base = SessionRecord(
        id=0,
        routine=routine,
        routine_hash="h",
        started=started,
        last_update=started + timedelta(minutes=2),
        ended=started + timedelta(minutes=2),
        outcome=SessionOutcome.COMPLETED,
        exercises_planned=2,
        exercises=(
            record(0, ExerciseStatus.DONE, started),
            record(1, ExerciseStatus.DONE, started),
        ),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_speed_note_and_plan_are_kept(history: History) -> None:
    sid = history.begin_session(
        SessionStart(
            "upper-back-chair", "h", T0, 5, speed=60.0, note="tight", counts_as="upper-back"
        )
    )
    got = history.session(sid)
    assert got is not None
    assert (got.speed, got.sped_up, got.note, got.counts_as) == (60.0, True, "tight", "upper-back")
    history.record_note(sid, 'said "ouch", then; fine', at=T0)
    got = history.session(sid)
    assert got is not None and got.note == 'said "ouch", then; fine'
    assert history.plans() == {"upper-back-chair": "upper-back"}


def test_plans_follow_each_routines_latest_session(history: History) -> None:
    history.add_sessions(
        [
            session("upper-back-chair", T0, counts_as=""),
            session("upper-back-chair", T0 + timedelta(days=1), counts_as="upper-back"),
            session("upper-back", T0, counts_as=""),
        ]
    )
    assert history.plans() == {"upper-back-chair": "upper-back", "upper-back": "upper-back"}


def test_first_starts_are_per_routine(history: History) -> None:
    history.add_sessions(
        [
            session("upper-back", T0 + timedelta(days=3)),
            session(
                "upper-back", T0 + timedelta(days=1), outcome=SessionOutcome.PARTIAL, ended=None
            ),
            session("mine", T0 + timedelta(days=5)),
        ]
    )
    assert history.first_starts() == {
        "upper-back": T0 + timedelta(days=1),
        "mine": T0 + timedelta(days=5),
    }


def test_what_today_and_the_sync_folder_ask_is_searched_not_read_whole(
    history: History,
) -> None:
    """Ten years hold 7,300 sessions or more: each question `today` and the sync folder
    ask on every run goes through an index (SEARCH), never through every session (SCAN),
    which SQLite picks for GROUP BY, DISTINCT or an OR unless told otherwise."""
    from backpain_cli.history.lines import changed_lines
    from backpain_cli.history.progress import planned_routines

    history.add_sessions(
        [
            session("b", T0, frequency=Frequency(1, Period.DAY)),
            session("b", T0 + timedelta(days=2), frequency=Frequency(2, Period.DAY)),
            session("a", T0 + timedelta(days=1), frequency=Frequency(3, Period.WEEK)),
        ]
    )
    asked: list[str] = []
    history._connection.set_trace_callback(asked.append)
    assert list(history.frequencies().items()) == [
        ("a", Frequency(3, Period.WEEK)),
        ("b", Frequency(2, Period.DAY)),
    ]
    assert list(history.plans()) == ["a", "b"]
    assert history.first_starts() == {"a": T0 + timedelta(days=1), "b": T0}
    assert history.routine_paths(since=T0) == {}
    assert planned_routines(history, since=T0) == set()
    changed = changed_lines(history, after_id=3, after=utc_text(T0 + timedelta(days=1, minutes=10)))
    assert len(changed) == 1  # b's latest: changed after `after`
    history._connection.set_trace_callback(None)
    plans = [
        row[3]
        for sql in asked
        if sql.lstrip().startswith(("SELECT", "WITH"))
        for row in history._connection.execute(f"EXPLAIN QUERY PLAN {sql}")
    ]
    tables = ("SCAN sessions", "SCAN s ", "SCAN session_exercises", "SCAN e ")
    assert plans and [plan for plan in plans if f"{plan} ".startswith(tables)] == []


def test_forget_removes_one_session_and_its_exercises_only(history: History, db: Path) -> None:
    history.add_sessions([session("upper-back", T0 + timedelta(days=n)) for n in range(3)])
    ids = [s.id for s in history.sessions()]
    assert history.forget(ids[1]) is True
    assert [s.id for s in history.sessions()] == [ids[0], ids[2]]
    raw = sqlite3.connect(db)
    assert raw.execute(
        "SELECT DISTINCT session_id FROM session_exercises ORDER BY 1"
    ).fetchall() == [
        (ids[0],),
        (ids[2],),
    ]
    assert raw.execute("SELECT count(*) FROM session_exercises").fetchone()[0] == 4
    assert history.forget(ids[1]) is False  # already gone
    assert history.forget(999) is False


def test_a_failed_forget_changes_nothing(history: History, db: Path) -> None:
    history.add_sessions([session("upper-back", T0)])
    [only] = history.sessions()
    raw = sqlite3.connect(db, isolation_level=None)
    raw.execute(  # make deleting the session row fail after its exercises went
        "CREATE TRIGGER no_delete BEFORE DELETE ON sessions BEGIN SELECT RAISE(ABORT, 'no'); END"
    )
    from backpain_cli.errors import HistoryError

    with pytest.raises(HistoryError):
        history.forget(only.id)
    assert raw.execute("SELECT count(*) FROM session_exercises").fetchone()[0] == 2
    raw.execute("DROP TRIGGER no_delete")


# -- the recorder: speed, notes, resuming --------------------------------------------


class FakeTime(fakes.FakeTime):
    def __init__(self, keys: list[tuple[float, str]], start: datetime = T0) -> None:
        super().__init__(keys)
        self.start = start

    def wall(self) -> datetime:
        return self.start + timedelta(seconds=self.now)


def play(
    history: History,
    keys: list[tuple[float, str]],
    *,
    start: datetime = T0,
    start_at: int = 0,
    resume: SessionRecord | None = None,
    **options: object,
) -> Recorder:
    time = FakeTime(keys, start)
    recorder = Recorder(
        history,
        routine=TINY,
        content_hash="h",
        wall_clock=time.wall,
        warn=print,
        resume=resume,
        **options,  # type: ignore[arg-type]
    )
    timeline = build_timeline(TINY, start_at=start_at)
    Player(timeline, clock=time.clock, listeners=[recorder]).run(time.wait, BINDINGS)
    return recorder


def test_a_sped_up_session_recorded_on_purpose_says_so(history: History) -> None:
    recorder = play(history, [], speed=60.0, note="demo for my physio")
    recorder.record_note("")  # an empty answer keeps the note given with --note
    [got] = history.sessions()
    assert got.sped_up and got.speed == 60.0
    assert got.note == "demo for my physio"


def test_the_note_given_at_the_end_replaces_the_one_given_with_note(history: History) -> None:
    recorder = play(history, [], note="before: stiff")
    recorder.record_note("after: looser, left side still tight")
    [got] = history.sessions()
    assert got.note == "after: looser, left side still tight"


def test_resume_continues_the_same_session_from_where_it_stopped(history: History) -> None:
    second = build_timeline(TINY).first_of_exercise(1)
    quit_at = build_timeline(TINY).segments[second].start + 1.0
    play(history, [(quit_at, "q")])
    [partial] = history.sessions(with_exercises=True)
    assert partial.outcome is SessionOutcome.PARTIAL
    assert [e.status for e in partial.exercises] == [ExerciseStatus.DONE, ExerciseStatus.STOPPED]
    first_length = partial.duration_seconds
    assert partial.ended is not None
    noted = partial.ended + timedelta(minutes=10)  # the note, answered after quitting
    history.record_note(partial.id, "stiff", at=noted)
    changed = history.session(partial.id)
    assert changed is not None and changed.last_update == noted  # the sync folder sees it
    assert changed.duration_seconds == first_length  # the questions are not played time

    later = T0 + timedelta(hours=3)
    last = history.last_session("tiny", since=T0.replace(hour=0))
    assert last is not None and last.id == partial.id
    recorder = play(history, [], start=later, start_at=1, resume=last)
    assert recorder.session_id == partial.id
    [whole] = history.sessions(with_exercises=True)  # one session, not two
    assert whole.id == partial.id
    assert whole.outcome is SessionOutcome.COMPLETED
    assert [e.status for e in whole.exercises] == [ExerciseStatus.DONE] * len(TINY.exercises)
    assert [e.position for e in whole.exercises] == list(range(len(TINY.exercises)))
    # The three hours away (from its end, not from the note) are not part of its length.
    played_again = build_timeline(TINY, start_at=1).total
    assert whole.duration_seconds == pytest.approx(first_length + played_again, abs=0.01)
    assert whole.away_seconds == pytest.approx(3 * 3600 - first_length, abs=0.01)


def test_a_resumed_session_quit_again_stays_partial(history: History) -> None:
    second = build_timeline(TINY).first_of_exercise(1)
    play(history, [(build_timeline(TINY).segments[second].start + 1.0, "q")])
    [partial] = history.sessions(with_exercises=True)
    play(history, [(0.5, "q")], start=T0 + timedelta(hours=1), start_at=1, resume=partial)
    [still] = history.sessions(with_exercises=True)
    assert still.id == partial.id and still.outcome is SessionOutcome.PARTIAL
    assert still.exercises[0].status is ExerciseStatus.DONE  # kept
