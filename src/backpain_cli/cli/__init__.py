"""The `backpain` command line: the only place that reads the environment and builds the
real console, clock, sound and key reader, then hands them to the domain code.

Start-up time matters (people run this between meetings), so only click is imported at
module level; every command imports what it needs when it runs.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

import click

from backpain_cli import __version__

if TYPE_CHECKING:
    from datetime import datetime, tzinfo
    from pathlib import Path

    from rich.console import Console

    from backpain_cli.config import Settings
    from backpain_cli.history.store import History
    from backpain_cli.locations import Locations
    from backpain_cli.routines.catalogue import RoutineFile
    from backpain_cli.routines.library import ExerciseLibrary
    from backpain_cli.routines.model import Frequency, Routine


class _Group(click.Group):
    """Turns errors a user can cause into a clear message and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        from backpain_cli.errors import BackpainError

        try:
            return super().invoke(ctx)
        except BackpainError as error:
            _fail(str(error), error.exit_code)


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"backpain: {message}", err=True)
    sys.exit(code)


def locations() -> Locations:
    from backpain_cli.locations import locations_from_environment

    return locations_from_environment(os.environ)


def make_console(*, plain: bool = False, stderr: bool = False) -> Console:
    """A rich console; plain (no colour, no markup styling) off a terminal or when asked.

    Text is printed as written: with `markup=False`, square brackets in a routine (a
    title "Stretch [phase 1]", a name "A [/b]") are text, not rich styles or errors.
    """
    from rich.console import Console

    console = Console(stderr=stderr, highlight=False, emoji=False, markup=False)
    if plain or is_plain(console):
        # Off a terminal nothing is wrapped: lines stay whole for grep, files and
        # screen readers, and tables take only the width they need.
        return Console(
            stderr=stderr, highlight=False, emoji=False, markup=False, no_color=True, width=1000
        )
    return console


def is_plain(console: Console) -> bool:
    return not console.is_terminal or console.no_color or os.environ.get("TERM") == "dumb"


def load(reference: str, *, library: ExerciseLibrary | None = None) -> tuple[RoutineFile, Routine]:
    """The routine a name or path means. A command that loads several routines passes
    one `library`, so the shared exercise files are read once, not once per routine."""
    from backpain_cli.routines.catalogue import resolve_routine
    from backpain_cli.routines.loader import load_routine

    routine_file = resolve_routine(reference, locations())
    routine = load_routine(
        routine_file.path, default_name=routine_file.name, library=library or exercise_library()
    )
    return routine_file, routine


def exercise_library() -> ExerciseLibrary:
    """Where `use: ID` entries are looked up: the user's routine folder, then the built-ins."""
    from backpain_cli.routines.library import ExerciseLibrary

    where = locations()
    return ExerciseLibrary((where.user_routines, where.builtin_routines))


# Shell completion (`backpain completion`): cheap, and silent whatever goes wrong.


def _complete(incomplete: str, *, routines: bool, exercises: bool, own: bool = False) -> list[Any]:
    from backpain_cli.cli.completion import complete

    return complete(incomplete, locations, routines=routines, exercises=exercises, own=own)


def complete_routines(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    return _complete(incomplete, routines=True, exercises=False)


def complete_own_routines(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    return _complete(incomplete, routines=True, exercises=False, own=True)


def complete_exercises(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    return _complete(incomplete, routines=False, exercises=True)


def complete_names(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    return _complete(incomplete, routines=True, exercises=True)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="backpain")
def cli() -> None:
    """A calm terminal coach for physical-therapy exercise routines.

    \b
    Examples:
      backpain start upper-back      play the upper-back routine
      backpain list                  the routines you can play
      backpain show upper-back       a printable summary of one routine

    This is general education, not medical advice. If anything is painful or
    does not feel right, stop and talk to your healthcare provider.
    """


@cli.command("list")
def list_command() -> None:
    """List every routine: built-in ones and your own.

    \b
    Example:
      backpain list
    """
    from backpain_cli.routines.catalogue import find_routine_files
    from backpain_cli.routines.summary import routine_list

    console = make_console()
    found = find_routine_files(locations())
    console.print(routine_list(found, plain=is_plain(console), library=exercise_library()))


@cli.command()
@click.argument("routine", shell_complete=complete_routines)
@click.option(
    "--json", "as_json", is_flag=True, help="Print stable JSON (see docs/json-output.md)."
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown", "html", "json"]),
    default=None,
    help="text (the default), a printable handout in markdown or html, or json (as --json).",
)
def show(routine: str, as_json: bool, output_format: str | None) -> None:
    """Print a routine's summary: exercises, doses, rests, total time, cautions.

    ROUTINE is a routine name or a path to a routine file. `--format markdown`
    or `--format html` makes a handout to print: every exercise with its steps,
    dose, rests and cautions, the source, the disclaimer and a log to fill in.

    \b
    Examples:
      backpain show upper-back
      backpain show ./my-routine.yaml --json
      backpain show upper-back --format html > upper-back.html
      backpain show upper-back-chair --format markdown > handout.md
    """
    if as_json and output_format not in (None, "json"):
        _fail(f"--json and --format {output_format} ask for different things; give one of them")
    _, loaded = load(routine)
    if output_format in ("markdown", "html"):
        from backpain_cli.routines.handout import html_handout, markdown_handout

        render = markdown_handout if output_format == "markdown" else html_handout
        click.echo(render(loaded), nl=False)
        return
    if as_json or output_format == "json":
        import json

        from backpain_cli.routines.summary import routine_json

        click.echo(json.dumps(routine_json(loaded), indent=2, ensure_ascii=False))
        return
    from backpain_cli.routines.summary import routine_summary

    console = make_console()
    console.print(routine_summary(loaded, plain=is_plain(console)))
    from backpain_cli.player.session import hurt_last_time_note

    note = hurt_last_time_note(loaded, locations().history_file)  # history (issue 5)
    if note:
        console.print(note, style="" if is_plain(console) else "yellow")


@cli.command()
@click.argument("name", required=False, shell_complete=complete_names)
def exercises(name: str | None) -> None:
    """List exercises, or show one exercise in full.

    NAME may be a routine name or path (list only its exercises) or an exercise
    id (show its steps, cues and caution).

    \b
    Examples:
      backpain exercises
      backpain exercises upper-back
      backpain exercises scapular-squeeze
    """
    from backpain_cli.routines.catalogue import looks_like_path
    from backpain_cli.routines.summary import exercise_detail, exercise_list

    console = make_console()
    plain = is_plain(console)
    if name is not None and looks_like_path(name):
        console.print(exercise_list([load(name)[1]], plain=plain))
        return
    routines = _all_routines()
    if name is None:
        console.print(exercise_list(routines, plain=plain))
        return
    chosen = [r for r in routines if r.name == name]
    if chosen:
        console.print(exercise_list(chosen, plain=plain))
        return
    for loaded in routines:
        for exercise in loaded.exercises:
            if exercise.id == name:
                users = [r.name for r in routines if r.exercise_index(name) is not None]
                console.print(exercise_detail(exercise, users, plain=plain))
                return
    from backpain_cli.routines.loader import did_you_mean

    known = [r.name for r in routines] + [e.id for r in routines for e in r.exercises]
    hint = did_you_mean(name, sorted(set(known)))
    _fail(f"no routine or exercise called '{name}'{hint}; `backpain exercises` lists them all")


def _all_routines() -> list[Routine]:
    """Every routine that loads; broken files are skipped (`backpain list` names them)."""
    from backpain_cli.errors import RoutineError
    from backpain_cli.routines.catalogue import find_routine_files
    from backpain_cli.routines.loader import load_routine

    routines = []
    library = exercise_library()
    for routine_file in find_routine_files(locations()):
        try:
            routines.append(
                load_routine(routine_file.path, default_name=routine_file.name, library=library)
            )
        except RoutineError:
            continue
    return routines


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=True))
def validate(files: tuple[str, ...]) -> None:
    """Check routine files and report every problem at once.

    Each problem is printed as `path:line:column: key.path: what is wrong`.
    Exit status is 0 when every file is valid and 2 when any is not. A file
    named exercises.yaml is checked as an exercise library (see `use` in
    docs/routine-format.md).

    \b
    Examples:
      backpain validate my-routine.yaml
      backpain validate ~/.config/backpain/routines/*.yaml
    """
    from pathlib import Path

    from backpain_cli.errors import RoutineError
    from backpain_cli.routines.loader import check_file

    failed = 0
    library = exercise_library()
    for file in files:
        try:
            click.echo(f"{file}: ok ({check_file(Path(file), library=library)})")
        except RoutineError as error:
            failed += 1
            click.echo(str(error), err=True)
    if failed:
        click.echo(
            f"{failed} of {len(files)} file{'s' if len(files) > 1 else ''} with problems", err=True
        )
        sys.exit(2)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the routine format, for editors.

    \b
    Example (YAML language server, VS Code and others):
      backpain schema > ~/.config/backpain/routine.schema.json
      # then put this first line in a routine file:
      # yaml-language-server: $schema=~/.config/backpain/routine.schema.json
    """
    import json

    from backpain_cli.routines.schema import routine_schema

    click.echo(json.dumps(routine_schema(), indent=2))


# --- settings, your own routines, completion, handouts (issue 6) ----------------------


def load_settings(**command_line: object) -> Settings:
    """Effective settings: command-line values (None: not given) over config over defaults."""
    from backpain_cli.config import effective_settings, read_config

    return effective_settings(read_config(locations().config_file), command_line)


def start_settings(**command_line: object) -> Settings:
    """`load_settings` for `backpain start`; a chime file is checked before anything plays."""
    from backpain_cli.config import Origin, check_chime
    from backpain_cli.errors import ConfigError

    settings = load_settings(**command_line)
    if settings.chime is not None:
        try:
            check_chime(settings.chime)
        except ConfigError as error:
            given = settings.origin("chime") is Origin.COMMAND_LINE
            where = "--chime" if given else f"chime in {locations().config_file}"
            raise ConfigError(f"{where}: {error}") from None
    return settings


def load_for_start(reference: str | None, settings: Settings) -> tuple[RoutineFile, Routine]:
    """The routine to play: the one named, else the config's default_routine; with the
    prepare setting (seconds for every exercise) applied."""
    from backpain_cli.config import with_prepare
    from backpain_cli.errors import RoutineError

    if reference is not None:
        routine_file, routine = load(reference)
    elif settings.default_routine is None:
        _fail(
            "which routine? e.g. `backpain start upper-back` (`backpain list` shows them all), "
            "or set default_routine in the config file (`backpain config path`)"
        )
    else:
        try:
            routine_file, routine = load(settings.default_routine)
        except RoutineError as error:
            _fail(f"default_routine in {locations().config_file}: {error}")
    if settings.prepare_seconds:
        routine = with_prepare(routine, settings.prepare_seconds)
    return routine_file, routine


def merged_notices(
    show: Callable[[str], None], *, clock: Callable[[], float] | None = None, window: float = 3.0
) -> Callable[[str], None]:
    """A notify that shows the notices of the last `window` seconds together: the screen
    keeps one notice, and sound and speech may both have one as the routine starts
    (sound's from its own thread)."""
    import threading
    import time

    now = clock or time.monotonic
    recent: list[tuple[float, str]] = []
    lock = threading.Lock()

    def notify(message: str) -> None:
        with lock:
            at = now()
            recent[:] = [(when, text) for when, text in recent if at - when < window]
            recent.append((at, message))
            show("\n".join(text for _, text in recent))

    return notify


def make_speech(voice: bool, notify: Callable[[str], None]) -> list[Listener]:
    """The spoken-cue listener for --voice (none without it)."""
    if not voice:
        return []
    import shutil

    from backpain_cli.player.speech import SpeechCues, make_speaker

    speaker = make_speaker(platform=sys.platform, which=shutil.which, notify=notify)
    return [SpeechCues(speaker)]


@cli.group("config", invoke_without_command=True)
@click.pass_context
def config_command(ctx: click.Context) -> None:
    """Print the effective settings and where each comes from.

    Settings live in a TOML file (`backpain config path` prints where). Options
    given to `backpain start` beat the file, which beats the defaults.

    \b
    Example config.toml:
      sound = true
      chime = "~/sounds/bell.wav"   # a WAV file instead of the built-in chime
      prepare = 10                  # seconds; true = each routine's own; false = none
      check_in = false              # no pain rating before and after
      plain = false
      voice = true                  # speak the cues
      default_routine = "upper-back-chair"

    \b
    Examples:
      backpain config
      backpain config path
    """
    if ctx.invoked_subcommand is not None:
        return
    from backpain_cli.config import settings_table

    path = locations().config_file
    rows = settings_table(load_settings())
    state = "" if path.is_file() else " (not created yet: every setting is its default)"
    click.echo(f"Config file: {path}{state}")
    click.echo("")
    widths = [max(len(row[i]) for row in [*rows, ("setting", "value", "from")]) for i in (0, 1)]
    for name, value, origin in [("setting", "value", "from"), *rows]:
        click.echo(f"{name:<{widths[0]}}  {value:<{widths[1]}}  {origin}")


@config_command.command("path")
def config_path() -> None:
    """Print the config file's path (it need not exist yet).

    \b
    Example:
      $EDITOR "$(backpain config path)"
    """
    click.echo(str(locations().config_file))


@cli.command("new")
@click.argument("name")
@click.option(
    "--from",
    "source",
    metavar="ROUTINE",
    shell_complete=complete_routines,
    help="Copy this routine (a name or a path) instead of writing the template.",
)
@click.option("--force", is_flag=True, help="Replace a routine of yours that has this name.")
def new_command(name: str, source: str | None, force: bool) -> None:
    """Write a new routine into your routine folder and print its path.

    Without --from it is a commented template that plays as it is: change it
    to suit you. With --from it is a copy of another routine, e.g. a built-in
    one whose doses you want to change. An existing routine of yours is only
    replaced with --force.

    \b
    Examples:
      backpain new my-back
      backpain new my-desk --from upper-back-chair
      backpain new my-back --force
    """
    from backpain_cli.cli.editor import own_routine_path, write_file
    from backpain_cli.routines.template import check_name, copied_routine, routine_template

    problem = check_name(name)
    if problem:
        _fail(problem)
    where = locations()
    path = own_routine_path(where.user_routines, name) or where.user_routines / f"{name}.yaml"
    if path.exists() and not force:
        _fail(
            f"{path} already exists; `backpain edit {name}` changes it, "
            "or add --force to replace it"
        )
    if source is None:
        text = routine_template(name)
    else:
        from backpain_cli.routines.catalogue import Origin
        from backpain_cli.routines.loader import read_routine_text

        routine_file, _ = load(source)  # only a routine that loads is worth copying
        origin = (
            f"the built-in routine '{routine_file.name}'"
            if routine_file.origin is Origin.BUILTIN
            else str(routine_file.path)
        )
        text = copied_routine(read_routine_text(routine_file.path), name=name, origin=origin)
    write_file(path, text)
    click.echo(str(path))
    if (where.builtin_routines / f"{name}.yaml").is_file():
        click.echo(
            f"note: it replaces the built-in routine '{name}' for you; "
            "delete the file to get the built-in one back",
            err=True,
        )
    click.echo(
        f"Change it with `backpain edit {name}`, play it with `backpain start {name}`.", err=True
    )


@cli.command("edit")
@click.argument("name", shell_complete=complete_own_routines)
def edit_command(name: str) -> None:
    """Open a routine of yours in your editor and check it when you save.

    The editor is $VISUAL or $EDITOR, else `editor`, `nano` or `vi` (Notepad on
    Windows). When the saved file has problems they are shown and you can open
    it again to fix them. NAME is one of your routines, `exercises` for your
    exercises.yaml, or a path to a routine file.

    \b
    Examples:
      backpain edit my-back
      EDITOR="code --wait" backpain edit my-back
      backpain edit ./for-a-patient.yaml
    """
    import shutil

    from backpain_cli.cli.editor import editable_path, editor_command, run_editor
    from backpain_cli.errors import RoutineError
    from backpain_cli.routines.loader import check_file

    path = editable_path(name, locations())
    command = editor_command(os.environ, windows=os.name == "nt", which=shutil.which)
    while True:
        run_editor(command, path)
        try:
            click.echo(f"{path}: ok ({check_file(path, library=exercise_library())})")
            return
        except RoutineError as error:
            click.echo(str(error), err=True)
        if not interactive():
            _fail(f"{path} has problems (above); it is kept as you saved it")
        if not click.confirm("Open it again to fix them?", default=True, err=True):
            _fail(f"{path} is kept as you saved it; `backpain validate {path}` checks it again")


def interactive() -> bool:
    """Whether a person is there to answer a question (tests replace this)."""
    return sys.stdin.isatty()


@cli.command("completion")
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]), metavar="SHELL")
def completion_command(shell: str) -> None:
    """Print the shell completion script for bash, zsh or fish.

    It completes commands, options, routine names and exercise ids.

    \b
    Examples (install it once, then open a new shell):
      bash:  backpain completion bash > ~/.local/share/bash-completion/completions/backpain
      zsh:   backpain completion zsh > ~/.zfunc/_backpain
             (with fpath+=~/.zfunc before compinit in ~/.zshrc)
      fish:  backpain completion fish > ~/.config/fish/completions/backpain.fish
    """
    from click.shell_completion import get_completion_class

    from backpain_cli.cli.completion import COMPLETE_VAR, PROG_NAME

    completer = get_completion_class(shell)
    assert completer is not None  # click knows every shell the Choice allows
    click.echo(completer(cli, {}, PROG_NAME, COMPLETE_VAR).source())


# --- the player (issue 4) ------------------------------------------------------------

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from backpain_cli.player.display import NoticeLine
    from backpain_cli.player.engine import Binding, Listener, Player, Summary, Wait
    from backpain_cli.player.session import SessionTracking
    from backpain_cli.player.sound import Chime


class PlayerOptions(NamedTuple):
    """How `backpain start` plays a routine (options and, later, config defaults)."""

    from_exercise: str | None = None  # exercise id or 1-based number
    sound: bool = True
    plain: bool = False  # also automatic off a terminal and with TERM=dumb
    speed: float = 1.0  # clock factor: previews, demos and tests
    prepare: bool = True
    check_in: bool = True  # ask "Pain now, 0-10?" before and after (on a terminal only)
    history: bool = True  # record the session
    voice: bool = False  # spoken cues
    chime: Path | None = None  # a WAV file instead of the bundled set-end chime


@cli.command()
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
    "--plain/--no-plain",
    default=None,
    help="One line per step instead of the full screen (automatic when output is not a "
    "terminal or TERM=dumb); for screen readers, logs and pipes.",
)
@click.option(
    "--speed",
    type=click.FloatRange(min=0.01, max=1000),
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
def start(
    routine: str | None,
    from_exercise: str | None,
    sound: bool | None,
    chime: str | None,
    voice: bool | None,
    plain: bool | None,
    speed: float,
    prepare: bool | None,
    check_in: bool | None,
    no_history: bool,
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
      backpain start upper-back --plain --speed 60 | cat     # a quick preview
      backpain start upper-back-chair --voice --chime ~/sounds/bell.wav
    """
    from pathlib import Path

    from backpain_cli.player.check_in import CheckInCancelled

    tracking: SessionTracking | None = None
    summary: Summary | None = None
    try:
        settings = start_settings(  # None: not given, the config file or the default decides
            sound=sound,
            chime=Path(chime).expanduser() if chime else None,
            voice=voice,
            plain=plain,
            prepare=prepare,
            check_in=check_in,
        )
        routine_file, loaded = load_for_start(routine, settings)
        options = PlayerOptions(
            from_exercise,
            settings.sound,
            settings.plain,
            speed,
            settings.prepare_enabled,
            check_in=settings.check_in,
            history=not no_history,
            voice=settings.voice,
            chime=settings.chime,
        )
        tracking = track_session(routine_file, loaded, options)  # history (issue 5)
        listeners: list[Listener] = [*tracking.listeners]  # speech listeners join here
        summary = play(
            loaded,
            options,
            listeners=listeners,
            bindings=tracking.bindings,
            wrap_wait=tracking.wait,
            notice_line=tracking.notice_line,
            hurt_flagged=tracking.recorder is not None,
        )
        tracking.after(summary)
    except CheckInCancelled:  # Ctrl-C at the question before the routine: nothing starts
        sys.exit(130)
    except KeyboardInterrupt:  # Ctrl-C outside the player's own keys: calm, no "Aborted!"
        click.echo(err=True)
        sys.exit(0 if summary is not None else 130)  # 130: nothing was played
    except BrokenPipeError:  # `| head`: stop quietly, like other command-line tools
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
    finally:
        if tracking is not None:
            tracking.close()


def play(
    routine: Routine,
    options: PlayerOptions,
    *,
    listeners: Sequence[Listener] = (),
    bindings: Sequence[Binding] | None = None,
    wrap_wait: Callable[[Wait], Wait] | None = None,
    notice_line: NoticeLine | None = None,
    hurt_flagged: bool = False,
) -> Summary:
    """Play `routine` on the real terminal, clock and sound; print and return the summary.

    Listeners, in order: sound, then `listeners` (history, speech...), then the display
    (last, so it draws what the others just did). `bindings` replaces the key table
    (default `engine.BINDINGS`), `wrap_wait` wraps the key wait, and messages put on
    `notice_line` show under the countdown (or as a line with --plain); `hurt_flagged`
    tells the summary that exercises that hurt are flagged next time. E.g. the `p` key:

        line = NoticeLine()
        pain = PainKeys(show=line.show, clear=line.clear)
        play(routine, options, listeners=[recorder, pain],
             bindings=pain.bindings(BINDINGS), wrap_wait=pain.wait, notice_line=line)
    """
    import time

    from backpain_cli.player.engine import BINDINGS, Player
    from backpain_cli.player.keys import key_reader
    from backpain_cli.routines.timeline import build_timeline

    start_at = _exercise_number(routine, options.from_exercise)
    timeline = build_timeline(routine, prepare=options.prepare, start_at=start_at)
    speed = options.speed
    plain = options.plain or not sys.stdout.isatty() or os.environ.get("TERM") == "dumb"

    keys_table = BINDINGS if bindings is None else bindings

    def clock() -> float:
        return time.monotonic() * speed

    chime: Chime | None = None
    try:
        with key_reader(_stdin_fd()) as keys:

            def read_keys(timeout: float | None) -> Sequence[str]:
                return keys.read(None if timeout is None else timeout / speed)

            wait = read_keys if wrap_wait is None else wrap_wait(read_keys)
            if plain:
                from backpain_cli.player.display import PlainLog

                log = PlainLog(
                    click.echo,
                    bindings=keys_table,
                    keys=keys.is_terminal,
                    note=lambda line: click.echo(line, err=True),  # keeps stdout for the log
                    notice_line=notice_line,
                )
                chime = _make_chime(options.sound, log.notice, options.chime)
                speech = make_speech(options.voice, log.notice)
                everyone = [*_sound(chime), *speech, *listeners, log]
                console = make_console(plain=True)  # rich loads now, not when the routine ends
                player = Player(timeline, clock=clock, listeners=everyone)
                summary = _run_calmly(player, wait, keys_table)
            else:
                from rich.live import Live
                from rich.text import Text

                from backpain_cli.player.display import LiveScreen

                console = _live_console()
                with Live(
                    Text(""),
                    console=console,
                    screen=True,
                    auto_refresh=False,  # drawn only when the picture changes
                    redirect_stdout=False,
                    redirect_stderr=False,
                ) as live:
                    screen = LiveScreen(
                        lambda frame: live.update(frame, refresh=True),
                        clock=time.monotonic,
                        bindings=keys_table,
                        notice_line=notice_line,
                    )
                    notify = merged_notices(screen.notice)  # sound's and speech's at once
                    chime = _make_chime(options.sound, notify, options.chime)
                    speech = make_speech(options.voice, notify)
                    everyone = [*_sound(chime), *speech, *listeners, screen]
                    player = Player(timeline, clock=clock, listeners=everyone)
                    summary = _run_calmly(player, wait, keys_table)
            # The key reader is still open: a Ctrl-C while the summary is printed (or the
            # end sound rings out) is a key nobody reads, not an "Aborted!".
            from backpain_cli.player.display import summary_view

            console.print(summary_view(summary, hurt_flagged=hurt_flagged))
            chime.close(0 if summary.quit else 2.5)  # let the end sound ring out
        return summary
    finally:
        if chime is not None:
            chime.close(0)


def _run_calmly(player: Player, wait: Wait, bindings: Sequence[Binding]) -> Summary:
    """Play to the end; a Ctrl-C that interrupted whatever was running (KeyboardInterrupt:
    see `keys.STUCK_AFTER`) ends the routine like `q`, with a summary."""
    try:
        return player.run(wait, bindings)
    except KeyboardInterrupt:
        player.quit()
        if player.summary is None:  # interrupted before it began: nothing to sum up
            raise
        return player.summary


def _exercise_number(routine: Routine, reference: str | None) -> int:
    """0-based index of the `--from` exercise (id or 1-based number)."""
    if reference is None:
        return 0
    count = len(routine.exercises)
    if reference.isdigit():
        if 1 <= int(reference) <= count:
            return int(reference) - 1
        _fail(f"--from {reference}: {routine.name} has exercises 1 to {count}")
    index = routine.exercise_index(reference)
    if index is not None:
        return index
    from backpain_cli.routines.loader import did_you_mean

    ids = [exercise.id for exercise in routine.exercises]
    hint = did_you_mean(reference, ids) or f"; its exercises: {', '.join(ids)}"
    _fail(f"--from {reference}: no such exercise in {routine.name}{hint}")


def _stdin_fd() -> int | None:
    try:
        return sys.stdin.fileno()
    except (AttributeError, ValueError, OSError):  # no stdin, or a test's stand-in
        return None


def _live_console() -> Console:
    from rich.console import Console

    return Console(highlight=False, emoji=False)  # rich itself honours NO_COLOR


def _make_chime(
    sound: bool, notify: Callable[[str], None], chime_file: Path | None = None
) -> Chime:
    import contextlib

    from backpain_cli.player.sound import (
        NO_AUDIO_NO_BELL_NOTICE,
        NO_AUDIO_NOTICE,
        AudioChime,
        BellChime,
        SilentChime,
        SoundName,
        bundled_sounds,
    )

    if not sound:
        return SilentChime()
    bell_fd = next((s.fileno() for s in (sys.stdout, sys.stderr) if s.isatty()), None)

    def bell() -> None:
        if bell_fd is not None:  # never a BEL byte into a pipe or a file
            with contextlib.suppress(OSError):
                os.write(bell_fd, b"\a")

    notice = NO_AUDIO_NOTICE if bell_fd is not None else NO_AUDIO_NO_BELL_NOTICE
    sounds = bundled_sounds()
    if chime_file is not None:  # checked by `start_settings` before the routine starts
        sounds[SoundName.CHIME] = chime_file
    chime = AudioChime(sounds, fallback=BellChime(bell), notify=notify, notice=notice)
    return chime.start()


def _sound(chime: Chime) -> list[Listener]:
    from backpain_cli.player.sound import SoundCues

    return [SoundCues(chime)]


# --- history (issue 5) ---------------------------------------------------------------


def utc_now() -> datetime:
    """The real clock for the history commands (tests replace it)."""
    from datetime import datetime, timezone

    return datetime.now(timezone.utc)


def user_zone() -> tzinfo:
    """The person's time zone: TZ, else the system's (history is stored in UTC)."""
    from backpain_cli.history.zone import local_zone

    return local_zone(os.environ)


def _styled_output() -> bool:
    """Bold headings and block bars only on a colour terminal (same rule as is_plain)."""
    return (
        sys.stdout.isatty()
        and not os.environ.get("NO_COLOR")
        and os.environ.get("TERM", "") not in ("dumb", "")
    )


NOTHING_RECORDED = "No sessions recorded yet. Play a routine with `backpain start ROUTINE`."


def _read_history() -> History | None:
    from backpain_cli.history.store import open_for_reading

    return open_for_reading(locations().history_file)


def _since(value: str | None, zone: tzinfo) -> datetime | None:
    from datetime import date, datetime, time

    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"'{value}' is not a date; write it as YYYY-MM-DD", param_hint="'--since'"
        ) from None
    return datetime.combine(day, time(), tzinfo=zone)


def _frequencies(
    names: list[str],
    recorded: dict[str, Frequency | None],
    library: ExerciseLibrary | None = None,
) -> list[tuple[str, Frequency | None]]:
    """Each routine's frequency: as recorded with its latest session, else from its file
    (routines that no longer load are left out)."""
    from backpain_cli.errors import BackpainError

    found = []
    for name in names:
        if name in recorded:
            found.append((name, recorded[name]))
            continue
        # Only routines never recorded with a frequency need their files (and YAML).
        library = library or exercise_library()
        try:
            _, routine = load(name, library=library)
        except BackpainError:
            continue
        found.append((name, routine.frequency))
    return found


@cli.command("history")
@click.option("--since", metavar="DATE", help="Only sessions from this day on (YYYY-MM-DD).")
@click.option("--routine", "routine_name", metavar="NAME", help="Only sessions of this routine.")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    help="Show the most recent N sessions; 0 for all. Default: 20 in the table, "
    "all with --json or --csv.",
)
@click.option("--json", "as_json", is_flag=True, help="Print stable JSON with every exercise.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV, one row per session.")
def history_command(
    since: str | None, routine_name: str | None, limit: int | None, as_json: bool, as_csv: bool
) -> None:
    """Your recorded sessions: date, routine, time, result, exercises, pain before → after.

    Every `backpain start` is recorded in a local database (nothing leaves your
    computer). Times are shown in your time zone; CSV and JSON carry the UTC offset.

    \b
    Examples:
      backpain history
      backpain history --since 2026-11-01 --routine upper-back
      backpain history --csv > sessions.csv      # to share with your therapist
      backpain history --json --limit 10
    """
    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    zone = user_zone()
    start = _since(since, zone)
    machine = as_json or as_csv
    if limit is None:
        limit = 0 if machine else 20
    store = _read_history()
    sessions = []
    tallies = {}
    total = 0
    if store is not None:
        with store, store.snapshot():
            sessions = store.sessions(
                since=start, routine=routine_name, limit=limit or None, with_exercises=as_json
            )
            # The table and CSV show counts only: SQLite counts them (fast over years).
            tallies = {} if as_json else store.tallies([session.id for session in sessions])
            total = store.count(since=start, routine=routine_name) if not machine else 0
    from backpain_cli.history import views as history_report

    if as_json:
        import json

        document = history_report.history_json(sessions, zone)
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    elif as_csv:
        click.echo(history_report.history_csv(sessions, zone, tallies), nl=False)
    elif not sessions and (since or routine_name) and store is not None:
        click.echo("No sessions match.")
    else:
        click.echo(
            history_report.history_table(
                sessions, zone, total=total, styled=_styled_output(), tallies=tallies
            )
        )


@cli.command("stats")
@click.option(
    "--weeks",
    type=click.IntRange(1, 520),
    default=8,
    show_default=True,
    help="Weeks of session counts to show.",
)
@click.option(
    "--days",
    type=click.IntRange(1, 366),
    default=14,
    show_default=True,
    help="Days of the pain chart.",
)
def stats_command(weeks: int, days: int) -> None:
    """Sessions per week, streaks, adherence to each routine's frequency, and the pain trend.

    A session counts for streaks and adherence when it was completed. The pain
    chart shows the mean of each day's check-ins (0 none, 10 worst) and the
    average change from before to after a session.

    \b
    Examples:
      backpain stats
      backpain stats --weeks 12 --days 30
    """
    from datetime import timedelta

    from backpain_cli.history import stats as stats
    from backpain_cli.history.views import StatsView, stats_text

    zone = user_zone()
    now = utc_now()
    store = _read_history()
    if store is None:
        click.echo(NOTHING_RECORDED)
        return
    # Whole records only for the weeks and days shown; start times for streaks.
    window = now - timedelta(days=max(7 * weeks, days, 7 * 5, 30) + 8)
    with store, store.snapshot():
        starts = store.completed_starts()
        sessions = store.sessions(since=window)
        recorded = store.frequencies()
    if not starts and not sessions:
        click.echo(NOTHING_RECORDED)
        return
    frequencies = _frequencies(stats.routines_in_use(sessions, now=now), recorded)
    adherence = [
        (
            stats.adherence(name, frequency, sessions, now=now, zone=zone),
            stats.adherence(name, frequency, sessions, now=now, zone=zone, weeks=4, weeks_back=1),
        )
        for name, frequency in frequencies
        if frequency is not None
    ]
    days_done = {stats.local_day(start, zone) for start in starts}
    pain = stats.pain_by_day(sessions, now=now, zone=zone, days=days)
    first_day = pain[0].day
    view = StatsView(
        weeks=stats.weekly_counts(sessions, now=now, zone=zone, weeks=weeks),
        streaks=stats.streaks(days_done, today=stats.today_in(now, zone)),
        adherence=adherence,
        pain=pain,
        sparkline=stats.pain_by_day(sessions, now=now, zone=zone, days=30),
        change=stats.pain_change(
            [s for s in sessions if stats.local_day(s.started, zone) >= first_day]
        ),
    )
    click.echo(stats_text(view, styled=_styled_output()))


@cli.command("today")
@click.argument("routines", nargs=-1, metavar="[ROUTINE]...")
def today_command(routines: tuple[str, ...]) -> None:
    """What is due today and what is done, for each routine with a frequency.

    Without ROUTINE: every routine you played in the last 4 weeks. Exit status
    0 when everything due today is done, 1 when not (for a shell prompt or a
    reminder).

    \b
    Examples:
      backpain today
      backpain today upper-back
      backpain today >/dev/null || echo "time for your back exercises"
    """
    from datetime import timedelta

    from backpain_cli.history import stats as stats
    from backpain_cli.history.views import today_text

    zone = user_zone()
    now = utc_now()
    library = exercise_library() if routines else None
    for name in routines:
        load(name, library=library)  # an unknown routine is an error, not "nothing due"
    store = _read_history()
    sessions = []
    recorded: dict[str, Frequency | None] = {}
    if store is not None:
        with store, store.snapshot():
            sessions = store.sessions(since=now - timedelta(days=stats.DAYS_IN_USE + 8))
            recorded = store.frequencies()
    names = list(routines) or stats.routines_in_use(sessions, now=now)
    frequencies = _frequencies(names, {} if routines else recorded, library)
    dues = [
        stats.due_today(name, frequency, sessions, now=now, zone=zone)
        for name, frequency in frequencies
        if frequency is not None
    ]
    unplanned = [name for name, frequency in frequencies if frequency is None]
    today = stats.today_in(now, zone)
    click.echo(today_text(dues, today, without_frequency=unplanned, styled=_styled_output()))
    if not all(due.satisfied for due in dues):
        sys.exit(1)


# The player's side of history (issue 5): the session record, the pain check-ins and
# the `p` key, wired around `play` by `start`.


def _can_ask() -> bool:
    """Questions need a person at a terminal: never in a pipe, a file or a script."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _ask_pain() -> int | None:
    """Pain now, 0–10? One key; Enter or Esc skips. Ctrl-C raises CheckInCancelled."""
    from backpain_cli.player.check_in import ask_pain
    from backpain_cli.player.keys import key_reader

    def write(text: str) -> None:
        click.echo(text, nl=False)
        sys.stdout.flush()

    with key_reader(_stdin_fd()) as keys:
        return ask_pain(keys.read, write)


def track_session(
    routine_file: RoutineFile, routine: Routine, options: PlayerOptions
) -> SessionTracking:
    """The history and pain check-ins of one `backpain start`, on the real history file,
    terminal and clock."""
    from backpain_cli.player.session import SessionTracking

    def report(message: str) -> None:
        click.echo(f"backpain: {message}", err=True)

    return SessionTracking(
        routine_file,
        routine,
        history_file=locations().history_file if options.history else None,
        ask_pain=_ask_pain if options.check_in and _can_ask() else None,
        wall_clock=utc_now,
        report=report,
    )


def main(prog_name: str | None = None) -> None:
    cli.main(prog_name=prog_name or "backpain")
