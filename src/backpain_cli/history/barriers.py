"""What got in the way: the reason a due session was not done, and a matched answer.

After a day when a session was due and not done, the next `start` or `today` at a
terminal asks once. The answer is matched with one suggestion from what backpain can
already do (as in Nelligan 2019, where non-adherent patients picked a barrier and got a
matched message). Pure: values in, values and words out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import NamedTuple

from backpain_cli.history.stats import Due

# In the order they are offered; the key is what is stored and exported.
REASONS: dict[str, str] = {
    "no-time": "No time",
    "forgot": "Forgot",
    "it-hurt": "It hurt",
    "no-place": "No place or equipment",
    "not-helping": "Did not feel it helps",
    "other": "Something else",
}
MAX_DETAIL_LENGTH = 80


class Barrier(NamedTuple):
    missed_on: date  # the day a session was due and not done
    asked: datetime
    reason: str | None  # a key of REASONS; None: asked and skipped
    detail: str = ""  # a few words for "other"


def missed(yesterday: Iterable[Due]) -> Due | None:
    """The first plan that asked for a session yesterday when none was done
    (`yesterday`: what `today` would have shown at the end of that day), or None."""
    return next((due for due in yesterday if due.due and not due.done), None)


def suggestion(
    reason: str,
    *,
    routine: str,
    shortest: tuple[str, int] | None = None,
    gentle: str | None = None,
    outcome_words: str = "",
) -> str:
    """One matched answer to a reason. `shortest` is the shortest routine that counts
    (name, seconds); `gentle` a gentler variant; `outcome_words` the goals and pain
    change so far, in words."""
    if reason == "forgot":
        return f"A reminder can help: backpain remind add {routine} --at 08:00"
    if reason == "no-time" and shortest is not None:
        name, seconds = shortest
        minutes, rest = divmod(seconds, 60)
        return f"The shortest routine that counts takes {minutes}:{rest:02d}: backpain start {name}"
    if reason == "it-hurt":
        gentler = f"Try the gentler one: backpain start {gentle}. " if gentle else ""
        return f"{gentler}Talk to your therapist about what hurt before going on."
    if reason == "not-helping" and outcome_words:
        return f"So far: {outcome_words}. Change often takes weeks; your therapist can adjust it."
    if reason == "no-place":
        return "Many exercises need only a chair: backpain exercises shows what each needs"
    return "Thank you. Your therapist sees this in the report."


def counts(barriers: Iterable[Barrier]) -> Mapping[str, int]:
    """How often each reason was given (skipped questions are left out), most first."""
    found: dict[str, int] = {}
    for barrier in barriers:
        if barrier.reason is not None:
            found[barrier.reason] = found.get(barrier.reason, 0) + 1
    return dict(sorted(found.items(), key=lambda item: (-item[1], list(REASONS).index(item[0]))))
