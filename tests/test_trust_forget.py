"""`history forget` from another terminal while the session plays: the player says so
once, in words, and goes on without recording (it said "FOREIGN KEY constraint
failed")."""

from __future__ import annotations

from pathlib import Path

from test_recorder import play

from backpain_cli.history.store import History, open_for_recording


def test_a_session_forgotten_while_it_plays(tmp_path: Path) -> None:
    history, _ = open_for_recording(tmp_path / "history.sqlite3")
    other, _ = open_for_recording(tmp_path / "history.sqlite3")
    assert isinstance(history, History) and isinstance(other, History)
    record_exercise = history.record_exercise

    def forgotten_first(session_id: int, record: object) -> None:
        assert other.forget(session_id)
        record_exercise(session_id, record)  # type: ignore[arg-type]

    history.record_exercise = forgotten_first  # type: ignore[method-assign]
    warnings: list[str] = []
    recorder, _, _ = play(history, warnings=warnings)
    assert warnings == [
        f"history: recording stopped: {tmp_path}/history.sqlite3: session 1 was forgotten "
        "(`backpain history forget`) while it was played"
    ]
    assert not recorder.recorded
    assert history.sessions() == []
