"""The configuration file (TOML): defaults for the player, and where each setting comes from.

Precedence: an option given on the command line beats the config file, which beats the
built-in default. Every problem in the file is reported at once with file:line:column, an
unknown key gets a did-you-mean, and a value of the wrong type says what was expected.
The file is read by the caller-supplied path; nothing here reads the environment but
`HOME`, through `Path.expanduser`, for a `~` in a path setting.
"""

from __future__ import annotations

import enum
import re
import sys
import wave
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from backpain_cli.errors import ConfigError, Problem
from backpain_cli.files import file_problem, kind_of, open_regular
from backpain_cli.routines.format import DOSE_KEYS, LIBRARY_NAME, SLUG_PATTERN
from backpain_cli.text import clean_line, did_you_mean

MAX_CONFIG_BYTES = 64 * 1024
_PREPARE = DOSE_KEYS["prepare"]


class SettingSource(enum.Enum):
    """Where an effective setting comes from."""

    DEFAULT = "default"
    CONFIG_FILE = "config file"
    COMMAND_LINE = "command line"


class SettingSpec(NamedTuple):  # not a dataclass: its methods would be built at every start
    kind: str  # "bool", "chime", "prepare", "routine"
    default: object
    description: str


SETTINGS: dict[str, SettingSpec] = {
    "sound": SettingSpec("bool", True, "Play a chime when a set ends (false: silent)."),
    "chime": SettingSpec("chime", None, "A WAV file to play instead of the built-in chime."),
    "prepare": SettingSpec(
        "prepare",
        True,
        "Get-into-position countdown: true for each routine's own seconds, a number "
        "of seconds for every exercise, or false to skip it.",
    ),
    "check_in": SettingSpec("bool", True, "Ask for a pain rating before and after a routine."),
    "ask_note": SettingSpec(
        "bool", True, "After a routine, ask for a one-line note for your therapist."
    ),
    "ask_goals": SettingSpec(
        "bool", True, "When your goals were not rated for two weeks, offer to rate them."
    ),
    "ask_barriers": SettingSpec(
        "bool", True, "After a day a session was due and not done, ask what got in the way."
    ),
    "plain": SettingSpec("bool", False, "One line per event instead of the full-screen player."),
    "voice": SettingSpec("bool", False, "Speak the cues aloud (needs espeak-ng, spd-say or say)."),
    "images": SettingSpec(
        "bool",
        True,
        "Show each exercise's picture while getting ready, in terminals that draw images "
        "(kitty graphics protocol).",
    ),
    "default_routine": SettingSpec(
        "routine", None, "The routine `backpain start` plays when none is named."
    ),
    "sync_folder": SettingSpec(
        "folder",
        None,
        "A folder your sync engine keeps the same on each of your machines: each writes "
        "its sessions there and reads the others' (docs/sync.md).",
    ),
}


class Settings(NamedTuple):  # not a dataclass: built by `start` before its first frame
    """The effective settings, one field for each row of `SETTINGS` (the one table of
    defaults: `effective_settings({})` is every default), and the origin of each. The
    config file, the command line and the player all read this one record."""

    sound: bool
    chime: Path | None
    prepare: bool | int
    check_in: bool
    ask_note: bool
    ask_goals: bool
    ask_barriers: bool
    plain: bool
    voice: bool
    images: bool
    default_routine: str | None
    sync_folder: Path | None
    origins: Mapping[str, SettingSource] | None = None

    def origin(self, name: str) -> SettingSource:
        return (self.origins or {}).get(name, SettingSource.DEFAULT)

    def value(self, name: str) -> object:
        if name not in SETTINGS:
            raise KeyError(name)
        return getattr(self, name)

    @property
    def prepare_enabled(self) -> bool:
        """False when the get-into-position countdowns are off (false or 0)."""
        return self.prepare is not False and self.prepare != 0

    @property
    def prepare_seconds(self) -> int | None:
        """Seconds that replace every exercise's own prepare time, or None to keep them."""
        if isinstance(self.prepare, bool):
            return None
        return self.prepare


def effective_settings(
    config: Mapping[str, object], command_line: Mapping[str, object | None] | None = None
) -> Settings:
    """Command-line values (None: not given) beat config values, which beat the defaults."""
    values: dict[str, object] = {}
    origins: dict[str, SettingSource] = {}
    given = command_line or {}
    for name, spec in SETTINGS.items():
        if given.get(name) is not None:
            values[name], origins[name] = given[name], SettingSource.COMMAND_LINE
        elif name in config:
            values[name], origins[name] = config[name], SettingSource.CONFIG_FILE
        else:
            values[name], origins[name] = spec.default, SettingSource.DEFAULT
    unknown = set(given) - set(SETTINGS)
    if unknown:
        raise KeyError(f"unknown settings {sorted(unknown)}")
    return Settings(**values, origins=origins)  # type: ignore[arg-type]


def read_config(path: Path) -> dict[str, object]:
    """The checked settings in the config file; a missing file means no settings."""
    shown = str(path)
    try:
        if path.is_dir():
            raise ConfigError(f"{shown}: is a folder, not a config file")
        handle, found = open_regular(path)  # a named pipe there must not block every command
        if handle is None:
            raise ConfigError(f"{shown}: is {kind_of(found.st_mode)}, not a config file")
        with handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise ConfigError(f"{shown}: cannot be read ({error.strerror})") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{shown}: is larger than 64 KiB; a config file is far smaller")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ConfigError(f"{shown}:{line}: is not UTF-8 text; save it as UTF-8") from None
    return parse_config(text, shown, base_dir=path.parent)


def parse_config(text: str, shown: str, *, base_dir: Path) -> dict[str, object]:
    """Check TOML text; relative paths in it are taken from `base_dir`."""
    if sys.version_info >= (3, 11):  # pragma: no cover - one branch per Python version
        import tomllib  # only when there is a config file: not on every start
    else:  # pragma: no cover
        import tomli as tomllib

    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(_syntax_error(str(error), shown, text)) from None
    except ValueError:  # Python's limit on digits: a whole number of 4,301 digits or more
        raise ConfigError(f"{shown}: invalid TOML: a number far too long") from None
    except RecursionError:  # tomllib reads nested arrays and tables recursively
        raise ConfigError(f"{shown}: invalid TOML: arrays or tables nested too deeply") from None
    problems: list[Problem] = []
    settings: dict[str, object] = {}
    for key, value in table.items():
        line, column = _position(text, key)
        spec = SETTINGS.get(key)
        if spec is None:
            hint = did_you_mean(key, list(SETTINGS)) or f" (known: {', '.join(SETTINGS)})"
            problems.append(Problem(shown, f"unknown setting{hint}", line, column, key))
            continue
        checked, message = _check(spec, value, base_dir)
        if message:
            problems.append(Problem(shown, message, line, column, key))
        else:
            settings[key] = checked
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.column or 0))
        raise ConfigError("\n".join(str(problem) for problem in problems))
    return settings


def _syntax_error(message: str, shown: str, text: str) -> str:
    """`path:line:column: invalid TOML: what`, from tomllib's `what (at line L, column C)`."""
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if found:
        what = message[: found.start()]
        return f"{shown}:{found.group(1)}:{found.group(2)}: invalid TOML: {what}"
    found = re.search(r"\s*\(at end of document\)$", message)
    if found:
        line = text.count("\n") + (0 if text.endswith("\n") else 1)
        return f"{shown}:{line}: invalid TOML: {message[: found.start()]} at the end of the file"
    return f"{shown}: invalid TOML: {message}"  # pragma: no cover - tomllib says where


def _position(text: str, key: str) -> tuple[int | None, int | None]:
    """Line and column of `key = ...` or `[key]` in the text, when it can be found."""
    escaped = re.escape(key)
    pattern = rf"^[ \t]*(?:([\"']?){escaped}\1[ \t]*=|\[[ \t]*([\"']?){escaped}\2[ \t]*\])"
    found = re.search(pattern, text, re.MULTILINE)
    if not found:
        return None, None
    line = text.count("\n", 0, found.start()) + 1
    indent = len(found.group(0)) - len(found.group(0).lstrip(" \t"))
    return line, indent + 1


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "a whole number"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


def _check(spec: SettingSpec, value: Any, base_dir: Path) -> tuple[object, str]:
    """The checked value and an empty message, or None and what is wrong."""
    got = f", got {_type_name(value)}"
    if spec.kind == "bool":
        if isinstance(value, bool):
            return value, ""
        return None, "must be true or false" + got
    if spec.kind == "prepare":
        if isinstance(value, bool):
            return value, ""
        if isinstance(value, int):
            assert _PREPARE.minimum is not None and _PREPARE.maximum is not None
            if _PREPARE.minimum <= value <= _PREPARE.maximum:
                return value, ""
            return None, (
                f"must be between {_PREPARE.minimum} and {_PREPARE.maximum} seconds, "
                f"got {_clip(str(value))}"
            )
        return None, "must be a number of seconds, or true/false" + got
    if not isinstance(value, str):
        expected = {"chime": "a path to a WAV file", "folder": "a path to a folder"}
        return None, f"must be {expected.get(spec.kind, 'a routine name')}" + got
    if not value.strip():
        return None, "must not be empty"
    if spec.kind in ("chime", "folder"):
        return _expanded(value, base_dir)
    if value == LIBRARY_NAME:
        return None, f"'{value}' is the exercise library ({value}.yaml), not a routine"
    if re.match(SLUG_PATTERN, value):
        return value, ""
    if "/" in value or "\\" in value or value.endswith((".yaml", ".yml")):
        path, message = _expanded(value, base_dir)
        return (path and str(path)), message
    return None, (
        f"'{value}' is not a routine name (lowercase letters, digits and dashes) "
        "or a path to a routine file"
    )


def _expanded(value: str, base_dir: Path) -> tuple[Path | None, str]:
    """The path a setting names (`~` and `~user` expanded, relative to the config file's
    folder), or None and why not."""
    try:
        return base_dir / Path(value).expanduser(), ""
    except RuntimeError:  # `~nosuchuser/...`, or `~` with no home folder
        user = value[1:].split("/", 1)[0].split("\\", 1)[0]
        return None, f"'{_clip(value)}': there is no home folder for " + (
            f"a user '{_clip(user)}' here" if user else "you here (HOME is not set)"
        )


def _clip(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def format_value(name: str, value: object) -> str:
    """A setting's value as it would be written in the config file."""
    if value is None:
        return "(built-in)" if name == "chime" else "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, Path)):
        text = str(value).replace("\\", "\\\\").replace('"', '\\"')
        return '"' + clean_line(text) + '"'  # controls as visible escapes
    return str(value)


def settings_table(settings: Settings) -> list[tuple[str, str, str]]:
    """(setting, value, origin) rows for `backpain config`."""
    return [
        (name, format_value(name, settings.value(name)), settings.origin(name).value)
        for name in SETTINGS
    ]


def check_chime(path: Path) -> Path:
    """The chime file if it is a readable WAV file, else a ConfigError saying why (the
    caller says where the path came from)."""

    shown = str(path)
    problem = file_problem(path)  # only a regular file is opened: a FIFO would block
    if problem is not None:
        raise ConfigError(f"{shown}: {problem}")
    try:
        with wave.open(str(path), "rb") as sound:
            frames = sound.getnframes()
    except OSError as error:  # unreadable, or gone since it was looked at
        raise ConfigError(f"{shown}: cannot be read ({error.strerror})") from None
    except (wave.Error, EOFError) as error:
        raise ConfigError(
            f"{shown}: is not a WAV file ({str(error) or 'too short'}); "
            "use a .wav file (PCM), e.g. one exported from Audacity"
        ) from None
    if frames == 0:
        raise ConfigError(f"{shown}: the WAV file holds no sound")
    return path
