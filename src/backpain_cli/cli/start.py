"""`backpain start`: play a routine, with its history and pain check-ins around it."""

from __future__ import annotations

import os
import sys
from datetime import datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from backpain_cli.cli import common
from backpain_cli.cli.common import (
    can_ask,
    fail,
    load,
    load_settings,
    locations,
    output_width,
    screen_output,
)
from backpain_cli.cli.completion import complete_exercises, complete_routines
from backpain_cli.config import SettingSource, check_chime
from backpain_cli.errors import BackpainError, ConfigError, RoutineError
from backpain_cli.files import exists_somehow
from backpain_cli.history.session import open_session
from backpain_cli.player import keys, run
from backpain_cli.player.check_in import QUESTION, CheckInCancelled, pain_rating
from backpain_cli.player.rating import Ratings
from backpain_cli.routines.catalogue import Origin, resolve_routine
from backpain_cli.routines.stepping import with_prepare
from backpain_cli.tables import paragraph
from backpain_cli.text import clean

if TYPE_CHECKING:
    from collections.abc import Callable

    from backpain_cli.config import Settings
    from backpain_cli.history.session import Session
    from backpain_cli.player.engine import Summary
    from backpain_cli.routines.catalogue import RoutineFile
    from backpain_cli.routines.model import Routine


def start_settings(**command_line: object) -> Settings:
    """`load_settings` for `backpain start`; a chime file is checked before anything plays
    (the config file's, when it does not work, gives way to the built-in chime)."""

    settings = load_settings(**command_line)
    if settings.chime is not None and settings.sound:
        try:
            check_chime(settings.chime)
        except ConfigError as error:
            if settings.origin("chime") is SettingSource.COMMAND_LINE:
                raise ConfigError(f"--chime: {error}") from None
            # The config file's chime: never a reason not to play.
            click.echo(
                f"backpain: chime in {locations().config_file}: {error}; "
                "playing the built-in chime",
                err=True,
            )
            settings = settings._replace(chime=None)
    return settings


def load_for_start(reference: str | None, settings: Settings) -> tuple[RoutineFile, Routine]:
    """The routine to play: the one named, else the config's default_routine; with the
    prepare setting (seconds for every exercise) applied."""

    if reference is not None:
        routine_file, routine = load(reference)
    elif settings.default_routine is None:
        fail(
            "which routine? e.g. `backpain start upper-back` (`backpain list` shows them all), "
            "or set default_routine in the config file (`backpain config path`)"
        )
    else:
        try:
            routine_file, routine = load(settings.default_routine)
        except RoutineError as error:
            fail(f"default_routine in {locations().config_file}: {error}")
    routine = common.at_current_step(routine)
    if settings.prepare_seconds:
        routine = with_prepare(routine, settings.prepare_seconds)
    return routine_file, routine


@click.command()
@click.argument("routine", required=False, shell_complete=complete_routines)
@click.option(
    "--from",
    "from_exercise",
    metavar="EXERCISE",
    shell_complete=complete_exercises,
    help="Start at this exercise: its id (see `backpain show`) or its number.",
)
@click.option(
    "--sound/--no-sound",
    default=None,
    help="Chime when a set ends (default: on). --no-sound: no chime, no bell, no notice "
    "about sound.",
)
@click.option(
    "--chime",
    metavar="WAV",
    help="Play this WAV file as the set-end chime instead of the built-in one.",
)
@click.option(
    "--voice/--no-voice",
    default=None,
    help="Speak the cues (espeak-ng, espeak or spd-say on Linux, say on macOS).",
)
@click.option(
    "--images/--no-images",
    default=None,
    help="Show each exercise's picture while getting ready, in terminals that draw images "
    "(kitty, Ghostty; default: on).",
)
@click.option(
    "--plain/--no-plain",
    default=None,
    help="One line per step instead of the full screen (automatic when output is not a "
    "terminal or TERM=dumb); for screen readers, logs and pipes.",
)
@click.option(
    "--speed",
    type=common.FiniteRange(min=0.01, max=1000),
    default=1.0,
    show_default=True,
    metavar="FACTOR",
    help="Run the clock FACTOR times faster: for previews, demos and tests.",
)
@click.option(
    "--prepare/--no-prepare",
    default=None,
    help="--no-prepare skips the get-into-position countdowns.",
)
@click.option(
    "--check-in/--no-check-in",
    default=None,
    help='Ask "Pain now, 0-10?" before the first and after the last exercise (default: '
    "on; only ever asked at a terminal).",
)
@click.option("--no-history", is_flag=True, help="Do not record this session.")
@click.option(
    "--record",
    "record_sped_up",
    is_flag=True,
    help="Record a session played with --speed (it is marked as sped up everywhere).",
)
@click.option("--note", metavar="TEXT", default="", help="A note for your therapist, kept with it.")
@click.option(
    "--resume",
    is_flag=True,
    help="Carry on with today's unfinished session of this routine, from where it stopped.",
)
def start(
    routine: str | None,
    from_exercise: str | None,
    sound: bool | None,
    chime: str | None,
    voice: bool | None,
    images: bool | None,
    plain: bool | None,
    speed: float,
    prepare: bool | None,
    check_in: bool | None,
    no_history: bool,
    record_sped_up: bool,
    note: str,
    resume: bool,
) -> None:
    """Play a routine: what to do, which side, how long is left, what comes next.

    ROUTINE is a routine name or a path to a routine file (default: default_routine
    in the config file). A chime marks the end of each set and a gentler sound the end
    of the routine; without an audio player the terminal bell stands in. Options
    given here beat the config file (`backpain config`).

    \b
    Keys:
      space     pause / resume          s        skip this exercise
      n  →      next step               m        sound off / on
      b  ←      restart step (twice:    p        this hurts: stop this exercise
                previous)               q Ctrl-C quit, with a summary
                                        ?        help on screen

    \b
    Examples:
      backpain start upper-back
      backpain start upper-back --from thoracic-rotation --no-prepare
      backpain start upper-back --plain --speed 60 | cat     # a preview, not recorded
      backpain start upper-back --resume                     # after a q earlier today
      backpain start upper-back --note "left side tight after the drive"
      backpain start upper-back-chair --voice --chime ~/sounds/bell.wav
    """
    summary: Summary | None = None
    try:
        settings = start_settings(  # None: not given, the config file or the default decides
            sound=sound,
            chime=Path(chime).expanduser() if chime else None,
            voice=voice,
            images=images,
            plain=plain,
            prepare=prepare,
            check_in=check_in,
        )
        routine_file, loaded = load_for_start(routine, settings)
        routine_path = played_path(routine_file)
        if resume and (no_history or from_exercise):
            fail("--resume continues a recorded session: not with --no-history or --from")
        start_at = run.exercise_number(loaded, from_exercise)
        counts_as = plan_of(loaded, report)
        questions = settings.check_in and can_ask() and not no_history and speed == 1
        # The next-morning check, what got in the way, the goals: only asked from a
        # history (or one the sync folder brings), and their code loaded only then.
        questions = questions and (
            exists_somehow(locations().history_file) or settings.sync_folder is not None
        )
        if questions:
            from backpain_cli.cli import goals, morning, today

            morning.morning_check()
            goals.daily_questions(
                ask_goals=settings.ask_goals,
                ask_barriers=settings.ask_barriers,
                missed_yesterday=today.missed_yesterday,
            )
        with open_session(
            loaded,
            history_file=None if no_history else locations().history_file,
            report=report,
            speed=speed,
            record_sped_up=record_sped_up,
            resume_since=start_of_today() if resume else None,
            routine_path=routine_path,
            hurt_from=locations().history_file,
        ) as session:
            # Nothing is asked that would be dropped: no questions without a history.
            asking = settings.check_in and can_ask() and session.store is not None
            resumed = session.resume_from is not None  # it has its opening rating already
            pain_before = ask_pain() if asking and not resumed else None
            session.record(
                wall_clock=common.utc_now,
                pain_before=pain_before,
                speed=speed,
                note=note,
                counts_as=counts_as,
                routine_path=routine_path,
            )
            ratings = rating_for(loaded, session) if asking and loaded.rate_each else None
            summary = run.play(
                loaded,
                settings._replace(plain=settings.plain or not screen_output()),
                start_at=start_at if session.resume_from is None else session.resume_from,
                speed=speed,
                tracker=session,
                ratings=ratings,
            )
            rate_the_last(ratings)
            check_out(session, asking=asking, ask_note=settings.ask_note and not note.strip())
            after_plan(loaded, session)
            common.push_to_sync_folder(session.store)  # the other machines see it soon
        reminder = goals.rate_reminder(ask_goals=settings.ask_goals) if questions else None
        if reminder:
            click.echo(reminder)
    except CheckInCancelled as cancelled:  # q or Ctrl-C at the first question: nothing starts
        click.echo("Not started: nothing was played or recorded.")
        sys.exit(0 if cancelled.key == "q" else 130)
    except KeyboardInterrupt:  # Ctrl-C outside the player's own keys: calm, no "Aborted!"
        click.echo(err=True)
        sys.exit(0 if summary is not None else 130)  # 130: nothing was played
    except BrokenPipeError:  # `| head`: stop quietly, like other command-line tools
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)


def check_out(session: Session, *, asking: bool, ask_note: bool) -> None:
    """After the routine (also after quitting early: then the rating matters most): the
    closing pain question, then the note question (when recorded and no --note was
    given), then what was not recorded and any warning."""

    recorded = session.recorded
    if asking:
        try:
            pain_after = ask_pain()
        except CheckInCancelled:
            pain_after = None
        session.record_pain_after(pain_after)
    if asking and ask_note and recorded:
        session.record_note(ask_note_line())
    session.finish()


def report(message: str) -> None:
    """A message about the session, on stderr, wrapped at spaces on a terminal."""
    click.echo("\n".join(paragraph(f"backpain: {message}", output_width(), hang="  ")), err=True)


def start_of_today() -> datetime:
    """Midnight today in the person's time zone (zoneinfo only when `--resume` asks)."""

    zone = common.user_zone()
    today = common.utc_now().astimezone(zone).date()
    return datetime.combine(today, time(), tzinfo=zone)


# The questions around the routine: asked here, at the terminal, as explicit steps.


def ask_pain(question: str | None = None) -> int | None:
    """Pain now, 0–10? (or `question`) One key; Enter or Esc skips. q or Ctrl-C raises
    CheckInCancelled."""

    def write(text: str) -> None:
        click.echo(text, nl=False)
        sys.stdout.flush()

    text = "\n".join(paragraph((question or QUESTION).rstrip(), output_width())) + " "
    with keys.key_reader(run.stdin_fd()) as reader:
        return pain_rating(reader.read, write, question=text)


def ask_note_line() -> str:
    """One line for the therapist; Enter (or Ctrl-C, or the end of input) skips."""
    try:
        answer: str = click.prompt(
            "Anything to tell your therapist? (Enter skips)",
            default="",
            show_default=False,
            prompt_suffix=" ",
        )
    except (click.Abort, EOFError):
        click.echo()
        return ""
    return answer


def played_path(routine_file: RoutineFile) -> str | None:
    """The absolute path of a routine played from a path (the history keeps it, so
    `today`, reminders and the report find the file); None when played by name."""

    return str(routine_file.path.resolve()) if routine_file.origin is Origin.PATH else None


def rating_for(routine: Routine, session: Session) -> Ratings:
    """`rate_each`: the player asks after each exercise; the session keeps the answers."""
    kind = routine.rate_each
    return Ratings(kind, rate=lambda index, rating: session.record_rating(index, rating, kind))


def rate_the_last(ratings: Ratings | None) -> None:
    """The last exercise's rating, asked after the routine (no next exercise waits)."""
    if ratings is None or ratings.waiting is None:
        return
    try:
        rating = ask_pain(ratings.question(ratings.waiting[1]))
    except CheckInCancelled:
        rating = None
    ratings.answer(rating)


def after_plan(routine: Routine, session: Session) -> None:
    """A recorded session of a routine with a plan: the therapist's pain rule."""
    if routine.progression is None or not session.recorded:
        return
    from backpain_cli.history.progress import apply_pain_rule  # SQLite: with a history

    said = apply_pain_rule(locations().history_file, routine, common.utc_now())
    if said:
        click.echo(clean(said))


def plan_of(routine: Routine, report: Callable[[str], None]) -> str:
    """The routine's `counts_as` when that routine exists; else '' (it counts toward
    itself), said once."""

    if routine.counts_as is None:
        return ""
    try:
        resolve_routine(routine.counts_as, locations())
    except BackpainError:
        report(
            f"{routine.name}: counts_as names '{routine.counts_as}', which is not a routine; "
            f"this session counts toward {routine.name} itself (`backpain validate`)"
        )
        return ""
    return routine.counts_as
