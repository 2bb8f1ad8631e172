"""Where backpain keeps things: built-in routines, the user's routines, config, history
and the cache (checked routines, kept so that an unchanged file is not checked again).

`BACKPAIN_HOME` puts everything in one folder (tests, portable setups); otherwise the
platform's config and data folders are used. The environment is passed in, so tests
can build any layout; only `~` in `BACKPAIN_HOME` is expanded by `Path.expanduser`
(from the real `HOME`), and platformdirs reads the environment itself in the cases
left to it.

The platform folders come from `platformdirs`, except in the common Linux case, which
is answered here: importing `platformdirs` costs every command about 10 ms (its Unix
module imports `tempfile` and `shutil`; measured in docs/architecture.md), more than
everything else `backpain list` adds to its own imports. That case is the XDG rule
that every platformdirs 4.x applies alike (an absolute `$XDG_CONFIG_HOME`, else
`$HOME/.config`; the same for data with `$XDG_DATA_HOME` and `$HOME/.local/share`, and
for the cache with `$XDG_CACHE_HOME` and `$HOME/.cache`); a test holds it to
platformdirs' answer.
Anything less plain (no or a relative `HOME`, a relative XDG variable, Android, other
systems) is left to platformdirs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

APP_NAME = "backpain"


class Locations(NamedTuple):
    config_dir: Path
    data_dir: Path
    builtin_routines: Path
    cache_dir: Path | None = None  # None: nothing is cached

    @property
    def user_routines(self) -> Path:
        return self.config_dir / "routines"

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def history_file(self) -> Path:
        return self.data_dir / "history.sqlite3"


def builtin_routines_dir() -> Path:
    """Routines shipped in the wheel, or the checkout's `routines/` in an editable install."""
    packaged = Path(__file__).parent / "builtin_routines"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "routines"


def locations_from_environment(environ: Mapping[str, str]) -> Locations:
    home = environ.get("BACKPAIN_HOME")
    if home:
        root = Path(home).expanduser()
        return Locations(root, root, builtin_routines_dir(), root / "cache")
    found = xdg_folders(environ, sys.platform)
    cache = xdg_cache_folder(environ, sys.platform)
    if found is None or cache is None:
        import platformdirs

        found = found or (
            platformdirs.user_config_dir(APP_NAME, appauthor=False),
            platformdirs.user_data_dir(APP_NAME, appauthor=False),
        )
        cache = cache or platformdirs.user_cache_dir(APP_NAME, appauthor=False)
    return Locations(Path(found[0]), Path(found[1]), builtin_routines_dir(), Path(cache))


def _plain_linux(environ: Mapping[str, str], platform: str) -> bool:
    return (
        platform == "linux"
        and not hasattr(sys, "getandroidapilevel")
        and "ANDROID_DATA" not in environ
    )


def xdg_folders(environ: Mapping[str, str], platform: str) -> tuple[str, str] | None:
    """The config and data folders on plain Linux, as platformdirs finds them; None
    where platformdirs should decide."""
    if not _plain_linux(environ, platform):
        return None
    config = _xdg_folder(environ, "XDG_CONFIG_HOME", ".config")
    data = _xdg_folder(environ, "XDG_DATA_HOME", ".local/share")
    if config is None or data is None:
        return None
    return os.path.join(config, APP_NAME), os.path.join(data, APP_NAME)


def xdg_cache_folder(environ: Mapping[str, str], platform: str) -> str | None:
    """The cache folder on plain Linux, as platformdirs finds it; None where
    platformdirs should decide."""
    if not _plain_linux(environ, platform):
        return None
    cache = _xdg_folder(environ, "XDG_CACHE_HOME", ".cache")
    return None if cache is None else os.path.join(cache, APP_NAME)


def _xdg_folder(environ: Mapping[str, str], variable: str, under_home: str) -> str | None:
    value = environ.get(variable, "")
    if value.startswith("/"):
        return value
    if value.strip():  # relative: ignored by the XDG spec, used by older platformdirs
        return None
    home = environ.get("HOME", "")
    if not home.startswith("/"):  # missing or relative: platformdirs asks the system
        return None
    return home.rstrip("/") + "/" + under_home
