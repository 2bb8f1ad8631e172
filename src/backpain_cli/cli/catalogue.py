"""The catalogue commands: `list` and `exercises`."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import click

from backpain_cli.cli.common import (
    exercise_library,
    fail,
    is_plain,
    load,
    load_file,
    locations,
    make_console,
    shared_library,
)
from backpain_cli.cli.completion import complete_names
from backpain_cli.errors import RoutineError
from backpain_cli.files import exists_somehow, file_problem
from backpain_cli.routines import images
from backpain_cli.routines.catalogue import find_routine_files, looks_like_path
from backpain_cli.routines.listing import (
    exercise_detail,
    exercise_list,
    exercise_list_json,
    routine_list,
    routine_list_json,
)
from backpain_cli.routines.names import EXERCISES_FILE
from backpain_cli.text import clean_line, did_you_mean, dumps_json

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

    found = find_routine_files(locations())
    library = shared_library()  # made only if a routine is not in the cache
    load_one = partial(load_file, library=library)
    if as_json:
        click.echo(dumps_json(routine_list_json(found, load=load_one)))
        return

    console = make_console()
    console.print(routine_list(found, plain=is_plain(console), load=load_one))


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
    console = make_console()
    plain = is_plain(console)
    if open_image and (name is None or looks_like_path(name)):
        fail("--open-image needs an exercise id, e.g. backpain exercises ID --open-image")
    if open_image and as_json:
        fail("--open-image and --json ask for different things; give one of them")

    def show_list(chosen: list[Routine], only: str | None = None) -> None:
        if as_json:
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

    known = [r.name for r in routines] + [e.id for r in routines for e in r.exercises]
    hint = did_you_mean(name, sorted(set(known)))
    fail(f"no routine or exercise called '{name}'{hint}; `backpain exercises` lists them all")


def _check_own_library() -> None:
    """The user's exercises.yaml, when there is anything of that name, must load: a
    broken one is its problems (exit 2), not a list silently without its exercises."""

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

    picture = images.load_picture(image)
    if picture is None:
        fail(
            f"the picture of '{exercise_id}' is {clean_line(image)}; it is gone or no longer "
            "a plain picture (backpain validate says why)"
        )
    try:
        copy = images.private_copy(picture, exercise_id)
    except OSError as error:
        fail(f"cannot copy the picture of '{exercise_id}' to open it: {error.strerror}")
    problem = opener.open_file(copy)
    if problem:
        fail(f"the picture of '{exercise_id}' is {clean_line(image)}; {problem}")
    click.echo(f"Opening {clean_line(image)}")


def _all_routines() -> list[Routine]:
    """Every routine that loads; broken files are skipped (`backpain list` names them)."""

    routines = []
    library = shared_library()
    for routine_file in find_routine_files(locations()):
        try:
            routines.append(load_file(routine_file, library=library))
        except RoutineError:
            continue
    return routines
