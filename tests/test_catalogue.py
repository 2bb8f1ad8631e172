"""Finding routines: the user's folder first, then the built-ins; names never leave them."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

import backpain_cli.locations as locations_module
from backpain_cli.errors import RoutineError, RoutineNotFound
from backpain_cli.locations import (
    Locations,
    builtin_routines_dir,
    locations_from_environment,
    xdg_cache_folder,
    xdg_folders,
)
from backpain_cli.routines.catalogue import (
    Origin,
    RoutineFile,
    find_routine_files,
    looks_like_path,
    resolve_routine,
)

TEXT = "version: 1\ntitle: T\nexercises: [{id: a, name: A, hold: 1, instructions: [x]}]\n"


@pytest.fixture
def where(tmp_path: Path) -> Locations:
    builtin = tmp_path / "builtin"
    builtin.mkdir()
    for name in ("alpha.yaml", "beta.yaml", "gamma.yml", "notes.txt", "exercises.yaml"):
        (builtin / name).write_text(TEXT)
    (builtin / "folder.yaml").mkdir()
    return Locations(tmp_path / "config", tmp_path / "data", builtin)


def add_user_routine(where: Locations, name: str) -> Path:
    where.user_routines.mkdir(parents=True, exist_ok=True)
    path = where.user_routines / name
    path.write_text(TEXT)
    return path


def message(reference: str, where: Locations) -> str:
    with pytest.raises(RoutineNotFound) as caught:
        resolve_routine(reference, where)
    assert isinstance(caught.value, RoutineError)
    return str(caught.value)


def test_builtins_only_when_the_user_has_no_folder(where: Locations) -> None:
    builtin = where.builtin_routines
    assert find_routine_files(where) == [
        RoutineFile("alpha", builtin / "alpha.yaml", Origin.BUILTIN),
        RoutineFile("beta", builtin / "beta.yaml", Origin.BUILTIN),
        RoutineFile("gamma", builtin / "gamma.yml", Origin.BUILTIN),
    ]


def test_user_routines_shadow_builtins_of_the_same_name(where: Locations) -> None:
    mine = add_user_routine(where, "beta.yml")
    extra = add_user_routine(where, "aardvark.yaml")
    builtin = where.builtin_routines
    assert find_routine_files(where) == [
        RoutineFile("aardvark", extra, Origin.USER),
        RoutineFile("alpha", builtin / "alpha.yaml", Origin.BUILTIN),
        RoutineFile("beta", mine, Origin.USER, shadows=builtin / "beta.yaml"),
        RoutineFile("gamma", builtin / "gamma.yml", Origin.BUILTIN),
    ]


def test_yaml_wins_over_yml_of_the_same_name(where: Locations) -> None:
    add_user_routine(where, "same.yml")
    first = add_user_routine(where, "same.yaml")
    assert [f.path for f in find_routine_files(where) if f.name == "same"] == [first]


def test_missing_builtin_folder_is_no_routines(tmp_path: Path) -> None:
    where = Locations(tmp_path, tmp_path, tmp_path / "nowhere")
    assert find_routine_files(where) == []


def test_resolve_by_name(where: Locations) -> None:
    assert resolve_routine("alpha", where) == RoutineFile(
        "alpha", where.builtin_routines / "alpha.yaml", Origin.BUILTIN
    )
    mine = add_user_routine(where, "alpha.yaml")
    assert resolve_routine("alpha", where).path == mine


def test_resolve_by_path(where: Locations, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "elsewhere" / "my-routine.yaml"
    path.parent.mkdir()
    path.write_text(TEXT)
    assert resolve_routine(str(path), where) == RoutineFile("my-routine", path, Origin.PATH)
    monkeypatch.chdir(path.parent)
    assert resolve_routine("./my-routine.yaml", where).path == Path("my-routine.yaml")
    assert resolve_routine("my-routine.yaml", where).origin is Origin.PATH
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_routine("~/elsewhere/my-routine.yaml", where).path == path


def test_unknown_name_with_did_you_mean(where: Locations) -> None:
    assert message("alhpa", where) == (
        "alhpa: no routine of that name (did you mean 'alpha'?); `backpain list` shows them all"
    )
    assert message("zzz", where) == "zzz: no routine of that name; `backpain list` shows them all"


@pytest.mark.parametrize("reference", ["..", "Alpha", "-x", "a b", "a" * 65, ""])
def test_names_are_only_slugs(reference: str, where: Locations) -> None:
    assert message(reference, where) == (
        f"{reference}: is not a routine name (lowercase letters, digits and dashes); "
        "`backpain list` shows them all"
    )


@pytest.mark.parametrize("reference", ["../../etc/passwd", "/etc/passwd", "./notes.txt"])
def test_paths_must_be_routine_files(reference: str, where: Locations) -> None:
    assert message(reference, where) == (
        f"{reference}: is not a routine file (routine files end in .yaml or .yml)"
    )


def test_path_to_a_folder(where: Locations, tmp_path: Path) -> None:
    assert message(str(tmp_path), where) == f"{tmp_path}: is a folder, not a routine file"
    folder = where.builtin_routines / "folder.yaml"
    assert message(str(folder), where) == f"{folder}: is a folder, not a routine file"


def test_path_that_does_not_exist(where: Locations, tmp_path: Path) -> None:
    assert message(f"{tmp_path}/nope.yaml", where) == f"{tmp_path}/nope.yaml: no such file"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_path_to_a_pipe(where: Locations, tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    assert message(str(pipe), where) == f"{pipe}: is a named pipe (FIFO), not a file"


@pytest.mark.parametrize(
    ("reference", "is_path"),
    [
        ("upper-back", False),
        ("upper-back.yaml", True),
        ("x.yml", True),
        ("./x", True),
        ("a/b", True),
        ("a\\b", True),
        ("..", False),
    ],
)
def test_looks_like_path(reference: str, is_path: bool) -> None:
    assert looks_like_path(reference) is is_path


# -- locations -------------------------------------------------------------------------


def test_backpain_home_holds_everything(tmp_path: Path) -> None:
    where = locations_from_environment({"BACKPAIN_HOME": str(tmp_path)})
    assert where.config_dir == where.data_dir == tmp_path
    assert where.user_routines == tmp_path / "routines"
    assert where.config_file == tmp_path / "config.toml"
    assert where.history_file == tmp_path / "history.sqlite3"
    assert where.builtin_routines == builtin_routines_dir()


def test_platform_folders_without_backpain_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import platformdirs

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    where = locations_from_environment({"BACKPAIN_HOME": ""})
    assert where.config_dir == Path(platformdirs.user_config_dir("backpain", appauthor=False))
    assert where.data_dir == Path(platformdirs.user_data_dir("backpain", appauthor=False))
    if sys.platform.startswith("linux"):
        assert where.user_routines == tmp_path / "xdg-config" / "backpain" / "routines"


# (HOME, XDG_CONFIG_HOME, XDG_DATA_HOME); None: not set.
ENVIRONMENTS = [
    ("/home/ann", None, None),
    ("/home/ann/", "", "  "),
    ("/", None, None),
    ("/home/ann", "/etc/xdg-ann/", "/srv/data"),
    (None, "/cfg", "/data"),
    ("relative/home", "/cfg", "/data"),
    ("/home/ann", "relative", None),  # platformdirs decides (its versions differ here)
    (None, None, None),
    ("relative/home", None, None),
]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG rule is Linux's")
@pytest.mark.parametrize(("home_dir", "config", "data"), ENVIRONMENTS)
def test_platform_folders_are_platformdirs_answer(
    monkeypatch: pytest.MonkeyPatch, home_dir: str | None, config: str | None, data: str | None
) -> None:
    import platformdirs

    for name, value in (("HOME", home_dir), ("XDG_CONFIG_HOME", config), ("XDG_DATA_HOME", data)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    monkeypatch.delenv("BACKPAIN_HOME")
    where = locations_from_environment(os.environ)
    assert where.config_dir == Path(platformdirs.user_config_dir("backpain", appauthor=False))
    assert where.data_dir == Path(platformdirs.user_data_dir("backpain", appauthor=False))


def test_plain_linux_folders_need_no_platformdirs() -> None:
    environ = {"HOME": "/home/ann", "XDG_DATA_HOME": "/srv/data"}
    assert xdg_folders(environ, "linux") == ("/home/ann/.config/backpain", "/srv/data/backpain")
    assert xdg_folders({"XDG_CONFIG_HOME": "/c", "XDG_DATA_HOME": "/d"}, "linux") == (
        "/c/backpain",
        "/d/backpain",
    )
    for platform in ("darwin", "win32", "freebsd14", "ios"):
        assert xdg_folders(environ, platform) is None
    assert xdg_folders({**environ, "ANDROID_DATA": "/data"}, "linux") is None
    assert xdg_folders({"HOME": "home/ann"}, "linux") is None
    assert xdg_folders({}, "linux") is None
    assert xdg_folders({**environ, "XDG_CONFIG_HOME": "cfg"}, "linux") is None


def test_backpain_home_holds_the_cache_too(tmp_path: Path) -> None:
    where = locations_from_environment({"BACKPAIN_HOME": str(tmp_path)})
    assert where.cache_dir == tmp_path / "cache"
    assert Locations(tmp_path, tmp_path, tmp_path).cache_dir is None  # no cache


# (HOME, XDG_CACHE_HOME); None: not set.
CACHE_ENVIRONMENTS = [
    ("/home/ann", None),
    ("/home/ann/", "  "),
    ("/home/ann", "/var/cache/ann/"),
    (None, "/cache"),
    ("relative/home", None),
    ("/home/ann", "relative"),  # platformdirs decides
    (None, None),
]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG rule is Linux's")
@pytest.mark.parametrize(("home_dir", "cache"), CACHE_ENVIRONMENTS)
def test_the_cache_folder_is_platformdirs_answer(
    monkeypatch: pytest.MonkeyPatch, home_dir: str | None, cache: str | None
) -> None:
    import platformdirs

    for name, value in (("HOME", home_dir), ("XDG_CACHE_HOME", cache)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    monkeypatch.delenv("BACKPAIN_HOME")
    where = locations_from_environment(os.environ)
    assert where.cache_dir == Path(platformdirs.user_cache_dir("backpain", appauthor=False))


def test_the_plain_linux_cache_folder_needs_no_platformdirs() -> None:
    assert xdg_cache_folder({"HOME": "/home/ann"}, "linux") == "/home/ann/.cache/backpain"
    assert xdg_cache_folder({"XDG_CACHE_HOME": "/c"}, "linux") == "/c/backpain"
    assert xdg_cache_folder({"HOME": "/home/ann"}, "darwin") is None
    assert xdg_cache_folder({"HOME": "/home/ann", "ANDROID_DATA": "/data"}, "linux") is None
    assert xdg_cache_folder({"XDG_CACHE_HOME": "cache"}, "linux") is None


def test_builtin_routines_of_a_checkout() -> None:
    assert (builtin_routines_dir() / "upper-back.yaml").is_file()


def test_builtin_routines_inside_the_wheel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "site-packages" / "backpain_cli"
    (package / "builtin_routines").mkdir(parents=True)
    monkeypatch.setattr(locations_module, "__file__", str(package / "locations.py"))
    assert builtin_routines_dir() == package / "builtin_routines"


def test_unplayable_file_names_are_listed_last_and_marked(where: Locations) -> None:
    for name in ("My Neck.yaml", "UPPER.yaml", "-dash.yaml", "neck.YAML", "ok.yaml"):
        add_user_routine(where, name)
    add_user_routine(where, "notes.txt")  # not YAML at all: not a routine, not listed
    found = find_routine_files(where)
    playable = [f.name for f in found if f.playable]
    assert playable == ["alpha", "beta", "gamma", "ok"]
    marked = {f.name: f.problem for f in found if not f.playable}
    assert list(marked) == ["-dash.yaml", "My Neck.yaml", "UPPER.yaml", "neck.YAML"]
    assert marked["My Neck.yaml"] is not None
    assert marked["My Neck.yaml"].endswith("rename it to my-neck.yaml")
    assert marked["neck.YAML"] is not None and "ends in .YAML" in marked["neck.YAML"]


def test_a_name_list_shows_as_unplayable_is_refused_and_the_file_plays_by_path(
    where: Locations,
) -> None:
    path = add_user_routine(where, "UPPER.yaml")
    assert "is not a routine name" in message("UPPER", where)
    assert "no routine of that name" in message("upper", where)
    assert resolve_routine(str(path), where) == RoutineFile("upper", path, Origin.PATH)


def test_a_symbolic_link_loop_is_not_no_such_file(where: Locations, tmp_path: Path) -> None:
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    assert message(str(loop), where) == f"{loop}: is a symbolic link loop (it leads back to itself)"
