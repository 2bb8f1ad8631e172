"""The catalogue commands: `list`, `show`, `exercises`, `validate`, `schema`."""

from __future__ import annotations

import sys
from functools import partial
from typing import TYPE_CHECKING

import click

from backpain_cli.cli.common import (
    complete_names,
    complete_routines,
    exercise_library,
    fail,
    is_plain,
    load,
    load_file,
    locations,
    make_console,
    shared_library,
)

if TYPE_CHECKING:
    from backpain_cli.routines.model import Routine


JSON_OPTION = click.option(
    "--json", "as_json", is_flag=True, help="Print stable JSON (see `backpain help json`)."
)


@click.command("list")
@JSON_OPTION
def list_command(as_json: bool) -> None:
    """List every routine: built-in ones and your own.

    \b
    Examples:
      backpain list
      backpain list --json | jq -r '.routines[].name'
    """
    from backpain_cli.routines.catalogue import find_routine_files

    found = find_routine_files(locations())
    library = shared_library()  # made only if a routine is not in the cache
    load_one = partial(load_file, library=library)
    if as_json:
        from backpain_cli.routines.listing import routine_list_json
        from backpain_cli.text import dumps_json

        click.echo(dumps_json(routine_list_json(found, load=load_one)))
        return
    from backpain_cli.routines.listing import routine_list

    console = make_console()
    console.print(routine_list(found, plain=is_plain(console), load=load_one))


@click.command()
@click.argument("routine", shell_complete=complete_routines)
@click.option(
    "--json", "as_json", is_flag=True, help="Print stable JSON (see `backpain help json`)."
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
        fail(f"--json and --format {output_format} ask for different things; give one of them")
    _, loaded = load(routine)
    if output_format in ("markdown", "html"):
        from backpain_cli.routines.handout import html_handout, markdown_handout
        from backpain_cli.routines.images import load_picture

        handout = markdown_handout if output_format == "markdown" else html_handout
        click.echo(handout(loaded, pictures=load_picture), nl=False)
        return
    if as_json or output_format == "json":
        from backpain_cli.routines.listing import routine_json
        from backpain_cli.text import dumps_json

        click.echo(dumps_json(routine_json(loaded)))
        return
    from backpain_cli.routines.listing import routine_summary

    console = make_console()
    console.print(routine_summary(loaded, plain=is_plain(console)))
    from backpain_cli.history.session import hurt_last_time_note

    note = hurt_last_time_note(loaded, locations().history_file)  # history (issue 5)
    if note:
        console.print(note, style="" if is_plain(console) else "yellow")


@click.command()
@click.argument("name", required=False, shell_complete=complete_names)
@click.option(
    "--open-image", is_flag=True, help="Open the exercise's picture in your picture viewer."
)
@JSON_OPTION
def exercises(name: str | None, open_image: bool, as_json: bool) -> None:
    """List exercises, or show one exercise in full.

    NAME may be a routine name or path (list only its exercises) or an exercise
    id (show its steps, cues and caution; `--open-image` opens its picture).

    \b
    Examples:
      backpain exercises
      backpain exercises upper-back
      backpain exercises scapular-squeeze
      backpain exercises scapular-squeeze --open-image
      backpain exercises upper-back --json | jq -r '.exercises[].id'
    """
    from backpain_cli.routines.catalogue import looks_like_path
    from backpain_cli.routines.listing import exercise_detail, exercise_list

    console = make_console()
    plain = is_plain(console)
    if open_image and (name is None or looks_like_path(name)):
        fail("--open-image needs an exercise id, e.g. backpain exercises ID --open-image")
    if open_image and as_json:
        fail("--open-image and --json ask for different things; give one of them")

    def show_list(chosen: list[Routine], only: str | None = None) -> None:
        if as_json:
            from backpain_cli.routines.listing import exercise_list_json
            from backpain_cli.text import dumps_json

            click.echo(dumps_json(exercise_list_json(chosen, only=only)))
        else:
            console.print(exercise_list(chosen, plain=plain))

    if name is not None and looks_like_path(name):
        show_list([load(name)[1]])
        return
    _check_own_library()
    routines = _all_routines()
    if name is None:
        show_list(routines)
        return
    chosen = [r for r in routines if r.name == name]
    if chosen and open_image:
        fail(f"'{name}' is a routine; --open-image needs an exercise id")
    if chosen:
        show_list(chosen)
        return
    for loaded in routines:
        for exercise in loaded.exercises:
            if exercise.id == name:
                if open_image:
                    _open_image(exercise.id, exercise.image)
                    return
                users = [r for r in routines if r.exercise_index(name) is not None]
                if as_json:  # the same shape as the list, with this one exercise
                    show_list(users, only=exercise.id)
                    return
                console.print(exercise_detail(exercise, [r.name for r in users], plain=plain))
                return
    from backpain_cli.text import did_you_mean

    known = [r.name for r in routines] + [e.id for r in routines for e in r.exercises]
    hint = did_you_mean(name, sorted(set(known)))
    fail(f"no routine or exercise called '{name}'{hint}; `backpain exercises` lists them all")


def _check_own_library() -> None:
    """The user's exercises.yaml, when there is anything of that name, must load: a
    broken one is its problems (exit 2), not a list silently without its exercises."""
    from backpain_cli.files import exists_somehow, file_problem
    from backpain_cli.routines.names import EXERCISES_FILE

    path = locations().user_routines / EXERCISES_FILE
    if not exists_somehow(path):
        return
    from backpain_cli.routines.loader import load_exercises_file

    problem = file_problem(path)
    if problem is not None:
        fail(f"{path}: {problem}; your exercise library must be a YAML file")
    load_exercises_file(path, library=exercise_library())


def _open_image(exercise_id: str, image: str) -> None:
    if not image:
        fail(f"exercise '{exercise_id}' has no picture")
    from backpain_cli import opener
    from backpain_cli.routines.images import load_picture, private_copy
    from backpain_cli.text import clean_line

    picture = load_picture(image)
    if picture is None:
        fail(
            f"the picture of '{exercise_id}' is {clean_line(image)}; it is gone or no longer "
            "a plain picture (backpain validate says why)"
        )
    try:
        copy = private_copy(picture, exercise_id)
    except OSError as error:
        fail(f"cannot copy the picture of '{exercise_id}' to open it: {error.strerror}")
    problem = opener.open_file(copy)
    if problem:
        fail(f"the picture of '{exercise_id}' is {clean_line(image)}; {problem}")
    click.echo(f"Opening {clean_line(image)}")


def _all_routines() -> list[Routine]:
    """Every routine that loads; broken files are skipped (`backpain list` names them)."""
    from backpain_cli.errors import RoutineError
    from backpain_cli.routines.catalogue import find_routine_files

    routines = []
    library = shared_library()
    for routine_file in find_routine_files(locations()):
        try:
            routines.append(load_file(routine_file, library=library))
        except RoutineError:
            continue
    return routines


@click.command()
@click.argument("files", nargs=-1, required=True)
def validate(files: tuple[str, ...]) -> None:
    """Check routine files and report every problem at once.

    Each problem is printed as `path:line:column: key.path: what is wrong`.
    Exit status is 0 when every file is valid and 2 when any is not. A file
    named exercises.yaml is checked as an exercise library (see `use` in
    `backpain help format`).

    \b
    Examples:
      backpain validate my-routine.yaml
      backpain validate ~/.config/backpain/routines/*.yaml
    """
    from pathlib import Path

    from backpain_cli.errors import Problem, RoutineError
    from backpain_cli.files import file_problem
    from backpain_cli.routines.loader import check_file
    from backpain_cli.routines.names import file_name_problem
    from backpain_cli.text import clean_line

    failed = 0
    library = exercise_library()
    for file in files:  # every file is checked, whatever is wrong with the others
        path = Path(file)
        try:
            warnings: list[Problem] = []
            checked = check_file(path, library=library, warnings=warnings)
            click.echo(f"{clean_line(file)}: ok ({checked})")
            for warning in warnings:
                click.echo(str(warning), err=True)
        except RoutineError as error:
            failed += 1
            click.echo(str(error), err=True)
        name_note = file_name_problem(path) if file_problem(path) is None else None
        if name_note is not None:  # playable by path, not by name: a note, not a failure
            click.echo(f"{clean_line(file)}: note: {name_note}", err=True)
    if failed:
        click.echo(
            f"{failed} of {len(files)} file{'s' if len(files) > 1 else ''} with problems", err=True
        )
        sys.exit(2)


@click.command()
def schema() -> None:
    """Print the JSON Schema of the routine format, for editors.

    \b
    Example (YAML language server, VS Code and others):
      backpain schema > ~/.config/backpain/routine.schema.json
      # then put this first line in a routine file:
      # yaml-language-server: $schema=~/.config/backpain/routine.schema.json
    """
    import json

    from backpain_cli.routines.json_schema import routine_schema

    click.echo(json.dumps(routine_schema(), indent=2))
