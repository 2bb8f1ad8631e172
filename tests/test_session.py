"""history/session.py on its own: a session with no history to write to, and resuming
when there is no history."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from fakes import TINY

from backpain_cli.history.session import NothingToResume, Session, open_session


def test_without_a_history_nothing_is_recorded_and_nothing_fails() -> None:
    said: list[str] = []
    with open_session(TINY, history_file=None, report=said.append) as session:
        assert isinstance(session, Session)
        session.record(wall_clock=lambda: datetime.now(timezone.utc), pain_before=4)
        assert (session.recording, session.recorded, session.hurt_last_time) == (False, False, [])
        session.record_pain_after(3)
        session.record_note("a note nobody keeps")
        session.finish()
    assert said == []


def test_resuming_without_a_history_says_there_is_nothing_to_resume() -> None:
    today = datetime(2026, 11, 4, tzinfo=timezone.utc)
    with pytest.raises(NothingToResume, match="nothing to resume: no unfinished session"):
        open_session(TINY, history_file=None, report=print, resume_since=today)
