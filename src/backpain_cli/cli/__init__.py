"""The `backpain` command line: one small module per command or command group.

A command parses its options, calls one domain entry point and renders the result;
`common` builds the real environment (folders, console, clock) for it. Commands are
loaded only when they run (`COMMANDS` names the module of each), so `backpain list`
never imports the player. Every error a user can cause is a `BackpainError`, turned
into one message and exit status 2 by `Group.invoke`.
"""

from __future__ import annotations

import errno
import importlib
import io
import os
import sys
from typing import Any, NamedTuple

import click

from backpain_cli import __version__
from backpain_cli.console import can_encode


class CommandEntry(NamedTuple):
    """Where a command lives ("module:function") and its line in `backpain --help`."""

    target: str
    short_help: str


# In the order a person needs them; `backpain --help` lists them from here without
# importing a single command module.
COMMANDS = {
    "start": CommandEntry(
        "backpain_cli.cli.start:start",
        "Play a routine: each step, side, countdown and what comes next.",
    ),
    "list": CommandEntry(
        "backpain_cli.cli.catalogue:list_command", "List the routines you can play."
    ),
    "show": CommandEntry(
        "backpain_cli.cli.show:show", "Print a routine's summary, or a handout to print."
    ),
    "exercises": CommandEntry(
        "backpain_cli.cli.catalogue:exercises", "List exercises, or show one exercise in full."
    ),
    "today": CommandEntry(
        "backpain_cli.cli.today:today_command", "What is due today and what is done."
    ),
    "history": CommandEntry(
        "backpain_cli.cli.history:history_command", "Your sessions, with pain before → after."
    ),
    "stats": CommandEntry(
        "backpain_cli.cli.history:stats_command",
        "Sessions per week, streaks, adherence and the pain trend.",
    ),
    "plan": CommandEntry(
        "backpain_cli.cli.plan:plan_command",
        "Where a routine's plan of steps stands, and why; move it.",
    ),
    "report": CommandEntry(
        "backpain_cli.cli.report:report_command",
        "One page for your physical therapist: adherence, pain, notes.",
    ),
    "goals": CommandEntry(
        "backpain_cli.cli.goals:goals_group",
        "Your goals, rated 0-10, and whether the change matters.",
    ),
    "remind": CommandEntry(
        "backpain_cli.cli.remind:remind_group",
        "Reminders the system runs, while a routine is still due.",
    ),
    "new": CommandEntry(
        "backpain_cli.cli.authoring:new_command", "Write a new routine of your own."
    ),
    "edit": CommandEntry(
        "backpain_cli.cli.authoring:edit_command", "Open a routine of yours in your editor."
    ),
    "add": CommandEntry(
        "backpain_cli.cli.transfer:add_command",
        "Install a routine file or pack, with its pictures and exercises.",
    ),
    "pack": CommandEntry(
        "backpain_cli.cli.transfer:pack_command",
        "Write one file with a routine and all it needs, to share.",
    ),
    "validate": CommandEntry(
        "backpain_cli.cli.validate:validate", "Check routine files; every problem at once."
    ),
    "config": CommandEntry(
        "backpain_cli.cli.config:config_command", "Print the settings and where each comes from."
    ),
    "sound-test": CommandEntry(
        "backpain_cli.cli.sound_test:sound_test_command",
        "Play each sound once, to check that you can hear them.",
    ),
    "schema": CommandEntry(
        "backpain_cli.cli.schema:schema", "Print the JSON Schema of routine files, for editors."
    ),
    "help": CommandEntry(
        "backpain_cli.cli.guide:help_command",
        "Print a guide (format, json...) or a command's help.",
    ),
    "completion": CommandEntry(
        "backpain_cli.cli.completion:completion_command",
        "Print the shell completion script for bash, zsh or fish.",
    ),
}


class Group(click.Group):
    """Loads each command when it is used; turns errors a user can cause into a clear
    message and exit status 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module, name = entry.target.split(":")
        command = getattr(importlib.import_module(module), name)
        assert isinstance(command, click.Command)
        command.short_help = entry.short_help
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """A misspelt command is one line with a did-you-mean, exit status 2, as a
        misspelt routine or option is (`backpain strat` suggests `start`)."""
        name = args[0]
        if name in COMMANDS or ctx.resilient_parsing or name.startswith("-"):
            return super().resolve_command(ctx, args)

        from backpain_cli import errors, text  # not in `--help`: nothing went wrong

        hint = text.did_you_mean(name, list(COMMANDS))
        raise errors.BackpainError(f"no command '{name}'{hint}; see backpain --help")

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, entry.short_help) for name, entry in COMMANDS.items()])

    def invoke(self, ctx: click.Context) -> Any:
        from backpain_cli.errors import BackpainError  # not in `--help`: it never gets here

        try:
            return super().invoke(ctx)
        except BackpainError as error:
            click.echo(f"backpain: {error}", err=True)
            sys.exit(error.exit_code)


@click.group(
    cls=Group,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, "-V", "--version", prog_name="backpain")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """A calm terminal coach for physical-therapy exercise routines.

    \b
    Examples:
      backpain start upper-back      play the upper-back routine
      backpain list                  the routines you can play
      backpain show upper-back       a printable summary of one routine

    This is general education, not medical advice. If anything is painful or
    does not feel right, stop and talk to your healthcare provider.
    """
    if ctx.invoked_subcommand is None:  # bare `backpain`: the help, as asked for
        click.echo(ctx.get_help())


# What a write to standard output (or to any file) meets when the disk, the quota or the
# terminal gives out: one message and exit status 2, never a traceback.
WRITE_ERRORS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EPIPE})


def main(prog_name: str | None = None) -> None:
    _fill_closed_streams()
    try:
        try:
            cli.main(prog_name=prog_name or "backpain")
        finally:
            sys.stdout.flush()  # what is still buffered fails here, not at exit
    except OSError as error:
        if error.errno not in WRITE_ERRORS:
            raise
        _stop_writing(error)


# Characters the output uses beyond ASCII: digits and bars of the player, arrows, dashes.
DRAWN = "█▓·→–×…✓"
_UNBUFFERED: list[object] = []  # the streams replaced below, kept so they never close


def _fill_closed_streams() -> None:
    """Put /dev/null where the caller closed standard input or error, so no file this
    process opens takes their place; a closed standard output is refused. Under
    PYTHONUNBUFFERED the text layer sits on the raw file, which drops the rest of a
    short write (a disk with room for part of it) without an error: a buffer goes
    between them, which writes all or raises."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if isinstance(stream, io.TextIOWrapper) and isinstance(stream.buffer, io.RawIOBase):
            _UNBUFFERED.append(stream)
            buffered = io.BufferedWriter(stream.buffer)
            setattr(
                sys,
                name,
                io.TextIOWrapper(buffered, stream.encoding, stream.errors, line_buffering=True),
            )
    for name in ("stdout", "stderr"):  # PYTHONIOENCODING=ascii, a latin-1 locale...
        stream = getattr(sys, name)
        if stream is not None and not can_encode(stream, DRAWN):
            stream.reconfigure(errors="replace")  # `?` for what it cannot show
    if sys.stdin is None:
        sys.stdin = open(os.devnull)  # noqa: SIM115 - it stays open for the process
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115
    if sys.stdout is None:
        sys.stderr.write("backpain: standard output is closed; nothing was done\n")
        sys.exit(2)


def _stop_writing(error: OSError) -> None:
    """Say once that output failed; later flushes go to /dev/null, not to a traceback."""
    _to_null(sys.stdout)
    ending = _signal_exit(error)
    if ending is not None:  # the terminal hung up (SIGHUP) and cleaning up met EIO
        _to_null(sys.stderr)
        sys.exit(ending)
    if error.errno == errno.EPIPE:  # the reader left (`| head`): nothing to say
        sys.exit(1)
    where = f" {error.filename}" if error.filename else " the output"
    try:
        sys.stderr.write(f"backpain: cannot write{where}: {os.strerror(error.errno or 0)}\n")
        sys.stderr.flush()
    except OSError:  # standard error is gone too: the exit status says it
        _to_null(sys.stderr)
    sys.exit(2)


def _signal_exit(error: BaseException) -> int | None:
    """The status of the exit a signal began (`SystemExit(128 + N)`) that this error
    interrupted, if any."""
    cause = error.__context__
    while cause is not None:
        if isinstance(cause, SystemExit) and isinstance(cause.code, int) and cause.code > 128:
            return cause.code
        cause = cause.__context__
    return None


def _to_null(stream: Any) -> None:
    """Send what is still to come to STREAM's descriptor into /dev/null."""
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, stream.fileno())
    except (OSError, ValueError):  # a stream without a descriptor (a test's stand-in)
        pass
    finally:
        os.close(null)
