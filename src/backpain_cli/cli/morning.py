"""The next-morning check (the pain-monitoring model's 24-hour response): the first
`today` or `start` at a terminal on the day after a session of a routine with
`morning_check: true` asks once how the back is compared with before that session."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

import click

from backpain_cli.cli import common
from backpain_cli.errors import BackpainError
from backpain_cli.history.progress import apply_pain_rule, record_morning, unasked
from backpain_cli.history.store import open_for_recording
from backpain_cli.text import clean

if TYPE_CHECKING:
    from backpain_cli.routines.model import Routine

QUESTION = (
    "Your back this morning, compared with before yesterday's session: better, same or "
    "worse? (Enter skips)"
)
ANSWERS = {"b": "better", "s": "same", "w": "worse"}


def morning_check() -> None:
    """Ask, when yesterday's sessions of routines that want it have not been asked about;
    record the answer (or that it was skipped) and, when worse, let the plans' pain
    rules look at it."""

    now, zone = common.utc_now(), common.user_zone()
    today = now.astimezone(zone).date()
    start = datetime.combine(today - timedelta(days=1), time(), tzinfo=zone)
    history = common.read_history()
    if history is None:
        return
    with history:
        found = unasked(history, start=start, end=datetime.combine(today, time(), tzinfo=zone))
    wanted: dict[str, Routine] = {}
    asking: list[str] = []
    for uuid, name in found:
        if name not in wanted:
            try:
                wanted[name] = common.load(name)[1]
            except BackpainError:  # a routine deleted since: not asked about
                continue
        if wanted[name].morning_check:
            asking.append(uuid)
    if not asking:
        return
    answer = _ask()
    recording, _ = open_for_recording(common.locations().history_file)
    if recording is None:
        return
    with recording:
        record_morning(recording, asking, at=now, answer=answer)
    if answer == "worse":
        _pain_rules([routine for routine in wanted.values() if routine.morning_check])


def _ask() -> str | None:
    """better, same or worse (a word or its first letter); Enter (or the end of input)
    skips."""
    while True:
        try:
            said = click.prompt(QUESTION, default="", show_default=False, prompt_suffix=" ")
        except (click.Abort, EOFError):
            click.echo()
            return None
        word = said.strip().lower()
        if not word:
            return None
        if word[0] in ANSWERS and ANSWERS[word[0]].startswith(word):
            return ANSWERS[word[0]]
        click.echo("Type better, same or worse (or b, s, w), or press Enter to skip.")


def _pain_rules(routines: list[Routine]) -> None:

    for routine in routines:
        if routine.progression is None:
            continue
        said = apply_pain_rule(
            common.locations().history_file, common.at_current_step(routine), common.utc_now()
        )
        if said:
            click.echo(clean(said))
