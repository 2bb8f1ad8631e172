"""Installing a routine into the user's routine folder with everything it refers to:
its pictures and the exercises it uses from the library beside it (`backpain add`).

A `Bundle` is a routine and what it needs, as bytes and values, whether it came from a
file and its folder (`bundle_from_file`) or from a pack (`pack.read_pack`). `plan`
checks the bundle as it would be installed, in a folder of its own, with the strict
loader, and says what would change; nothing in the user's folders is written until
`install` runs. What an install replaces (the routine of the same name, changed
pictures, the exercise library) is kept first in a folder of its own, from which
`backpain add` puts it back.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

import yaml

from backpain_cli.errors import BackpainError, Problem, RoutineError
from backpain_cli.files import write_atomically
from backpain_cli.locations import Locations
from backpain_cli.routines.catalogue import folders_beside
from backpain_cli.routines.loader import ExerciseLibrary, load_routine
from backpain_cli.routines.model import Routine
from backpain_cli.routines.names import EXERCISES_FILE, name_problem
from backpain_cli.transfer.pictures import (
    PictureCopy,
    pictures_to_write,
    routine_pictures,
    write_pictures,
    written_images,
)
from backpain_cli.transfer.used_exercises import library_entries, merge_entries, used_entries

KEPT_FOLDER = "replaced"  # in the data folder: what `add` replaced, one folder each time


class Bundle(NamedTuple):
    """A routine and what it needs, before anything is written."""

    name: str
    routine: bytes  # the routine file, byte for byte
    exercises: tuple[dict[str, Any], ...] = ()  # entries it uses from the library beside it
    pictures: tuple[PictureCopy, ...] = ()
    note: str = ""  # the therapist's note of a pack


def bundle_from_file(path: Path, where: Locations) -> Bundle:
    """A routine file with the pictures in its folder that it names and the exercises it
    uses from the `exercises.yaml` beside it (RoutineError when it does not load)."""

    folder = path.parent
    library = ExerciseLibrary(folders_beside(path, (where.user_routines, where.builtin_routines)))
    routine = load_routine(path, library=library)
    parsed = yaml.safe_load(routine.content.decode("utf-8-sig"))  # checked: plain YAML
    beside: dict[str, dict[str, Any]] = {}
    if folder.resolve() != where.builtin_routines.resolve():  # the built-ins are everywhere
        library_file = folder / EXERCISES_FILE
        if library_file.is_file():
            beside = library_entries(yaml.safe_load(library_file.read_text(encoding="utf-8-sig")))
    used = used_entries(parsed, beside)
    written = written_images(parsed) + written_images({"exercises": used})
    pictures = routine_pictures(routine, folder, written)
    return Bundle(routine.name, routine.content, tuple(used), tuple(pictures))


class InstallPlan(NamedTuple):
    """What installing a bundle writes, checked, and what it changes."""

    bundle: Bundle
    target: Path  # the routine file written
    routine: Routine  # as it loads once installed
    library: str | None  # the user's exercises.yaml as it will be; None: unchanged
    pictures: list[PictureCopy]  # the pictures to write
    replaces: bool  # a routine of this name is installed already
    changes: list[str]  # what changes, one line each (empty: nothing installed changes)
    unchanged: bool  # everything is installed exactly so already


def plan(bundle: Bundle, where: Locations, *, shown: str) -> InstallPlan:
    """Check `bundle` as it would be installed (RoutineError or BackpainError naming
    `shown`, the file it came from) and what installing it changes."""
    problem = name_problem(bundle.name)
    if problem:
        raise BackpainError(f"{shown}: the routine's name: {problem}")
    folder = where.user_routines
    target = _own_file(folder, bundle.name) or folder / f"{bundle.name}.yaml"
    library_file = folder / EXERCISES_FILE
    current = _read_text(library_file)
    try:
        merged = merge_entries(current, list(bundle.exercises))
    except BackpainError as error:
        raise BackpainError(f"{shown}: {error}") from None
    pictures, replaced_pictures = pictures_to_write(list(bundle.pictures), folder)
    routine = _check_staged(bundle, target.name, merged.text or current, where, shown=shown)
    if routine.name != bundle.name:
        raise BackpainError(
            f"{shown}: the routine says `name: {routine.name}` but comes as {bundle.name}"
        )
    changes: list[str] = []
    old_bytes = _read_bytes(target)
    if old_bytes is not None:
        changes += _routine_changes(target, routine, where)
    changes += [f"exercise '{name}' in your {EXERCISES_FILE} changes" for name in merged.changed]
    changes += [f"picture {name} is replaced" for name in replaced_pictures]
    unchanged = old_bytes == bundle.routine and merged.text is None and not pictures
    return InstallPlan(
        bundle,
        target,
        routine,
        merged.text,
        pictures,
        old_bytes is not None,
        changes,
        unchanged,
    )


def _own_file(folder: Path, name: str) -> Path | None:
    for suffix in (".yaml", ".yml"):
        if (folder / f"{name}{suffix}").is_file():
            return folder / f"{name}{suffix}"
    return None


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _read_text(path: Path) -> str | None:
    data = _read_bytes(path)
    return None if data is None else data.decode("utf-8-sig", errors="replace")


def _check_staged(
    bundle: Bundle, file_name: str, library: str | None, where: Locations, *, shown: str
) -> Routine:
    """The routine loaded from a folder holding it as it would be installed: strict
    checks on the real bytes, every message naming `shown` instead of the folder."""
    with tempfile.TemporaryDirectory(prefix="backpain-add-") as staging:
        folder = Path(staging)
        (folder / file_name).write_bytes(bundle.routine)
        if library is not None:
            (folder / EXERCISES_FILE).write_text(library, encoding="utf-8")
        write_pictures(list(bundle.pictures), folder)
        folders = (folder, where.user_routines, where.builtin_routines)
        try:
            return load_routine(
                folder / file_name, default_name=bundle.name, library=ExerciseLibrary(folders)
            )
        except RoutineError as error:
            raise RoutineError(
                [_renamed(problem, staging, shown) for problem in error.problems]
            ) from None


def _renamed(problem: Problem, staging: str, shown: str) -> Problem:
    path = problem.path.replace(staging + os.sep, f"{shown}:")
    message = problem.message.replace(staging + os.sep, "")
    return problem._replace(path=path, message=message)


def _routine_changes(target: Path, new: Routine, where: Locations) -> list[str]:
    """The installed routine against the new one: title, frequency, exercises added and
    removed, doses changed."""
    library = ExerciseLibrary((where.user_routines, where.builtin_routines))
    try:
        old = load_routine(target, default_name=new.name, library=library)
    except RoutineError:
        return [f"the installed {target.name} does not load; it is replaced"]
    changes = []
    if old.title != new.title:
        changes.append(f"title: {old.title} → {new.title}")
    if old.frequency != new.frequency:
        changes.append(f"frequency: {old.frequency or 'none'} → {new.frequency or 'none'}")
    before = {exercise.id: exercise for exercise in old.exercises}
    after = {exercise.id: exercise for exercise in new.exercises}
    for exercise_id, exercise in after.items():
        if exercise_id not in before:
            changes.append(f"+ {exercise.name} ({exercise.dose})")
        elif before[exercise_id].dose != exercise.dose:
            changes.append(f"{exercise.name}: {before[exercise_id].dose} → {exercise.dose}")
    changes += [
        f"- {exercise.name} ({exercise.dose})"
        for exercise_id, exercise in before.items()
        if exercise_id not in after
    ]
    if not changes and target.read_bytes() != new.content:
        changes.append("the file's wording changes (no exercise or dose)")
    return changes


def install(planned: InstallPlan, where: Locations, *, now: datetime) -> Path | None:
    """Write what `planned` says, keeping first what it replaces; the folder it was kept
    in (None when nothing was replaced)."""
    kept = _keep_replaced(planned, where, now) if planned.replaces or planned.changes else None
    folder = where.user_routines
    write_pictures(planned.pictures, folder)
    if planned.library is not None:
        write_atomically(folder / EXERCISES_FILE, planned.library.encode())
    write_atomically(planned.target, planned.bundle.routine)
    return kept


def _keep_replaced(planned: InstallPlan, where: Locations, now: datetime) -> Path | None:
    """The installed routine, its pictures and the exercise library, copied to a new
    folder: `backpain add FOLDER/NAME.yaml` puts them back."""

    folder = where.user_routines
    stamp = now.strftime("%Y%m%d-%H%M%S")
    kept = where.data_dir / KEPT_FOLDER / f"{planned.bundle.name}-{stamp}"
    suffix = 1
    while kept.exists():
        suffix += 1
        kept = kept.with_name(f"{planned.bundle.name}-{stamp}-{suffix}")
    try:
        kept.mkdir(parents=True)
        if planned.replaces:
            shutil.copy2(planned.target, kept / planned.target.name)
        library = folder / EXERCISES_FILE
        if library.is_file():
            shutil.copy2(library, kept / EXERCISES_FILE)
        for picture in planned.bundle.pictures:
            source = folder / PurePosixPath(picture.relative)
            if source.is_file():
                (kept / picture.relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, kept / picture.relative)
    except OSError as error:
        raise BackpainError(
            f"cannot keep the replaced version in {kept} ({error.strerror or error}); "
            "nothing was installed"
        ) from None
    return kept
