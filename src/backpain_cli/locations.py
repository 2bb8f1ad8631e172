"""Where backpain keeps things: built-in routines, the user's routines, config and history.

`BACKPAIN_HOME` puts everything in one folder (tests, portable setups); otherwise the
platform's config and data folders are used. The environment is passed in, never read
here, so tests can build any layout.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "backpain"


@dataclass(frozen=True)
class Locations:
    config_dir: Path
    data_dir: Path
    builtin_routines: Path

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
    packaged = Path(__file__).parent / "routines"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "routines"


def locations_from_environment(environ: Mapping[str, str]) -> Locations:
    home = environ.get("BACKPAIN_HOME")
    if home:
        root = Path(home).expanduser()
        return Locations(root, root, builtin_routines_dir())
    import platformdirs

    return Locations(
        Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
        Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
        builtin_routines_dir(),
    )
