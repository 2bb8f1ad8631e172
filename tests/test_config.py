"""The config file: parsing, precedence, the `config` commands, chime files."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest
from click.testing import CliRunner

from backpain_cli import config as config_module
from backpain_cli.cli import cli
from backpain_cli.cli.common import load_settings
from backpain_cli.config import (
    SETTINGS,
    Settings,
    SettingSource,
    check_chime,
    effective_settings,
    format_value,
    parse_config,
    read_config,
)
from backpain_cli.errors import ConfigError
from backpain_cli.routines.model import Exercise, Routine
from backpain_cli.routines.stepping import with_prepare


def _errors(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, "config.toml", base_dir=Path("/cfg"))
    return str(caught.value)


def write_wav(path: Path, frames: int = 800) -> Path:
    with wave.open(str(path), "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(b"\x00\x00" * frames)
    return path


def test_every_setting_parsed() -> None:
    text = (
        "sound = false\n"
        'chime = "bells/ding.wav"\n'
        "prepare = 10\n"
        "check_in = false\n"
        "plain = true\n"
        "voice = true\n"
        'default_routine = "upper-back-chair"\n'
    )
    assert parse_config(text, "config.toml", base_dir=Path("/cfg")) == {
        "sound": False,
        "chime": Path("/cfg/bells/ding.wav"),
        "prepare": 10,
        "check_in": False,
        "plain": True,
        "voice": True,
        "default_routine": "upper-back-chair",
    }


def test_paths_are_taken_from_the_config_folder_or_home() -> None:
    parsed = parse_config(
        'chime = "~/ding.wav"\ndefault_routine = "mine/patient.yaml"\n',
        "c",
        base_dir=Path("/cfg"),
    )
    assert parsed["chime"] == Path("~/ding.wav").expanduser()
    assert parsed["default_routine"] == "/cfg/mine/patient.yaml"
    assert parse_config('chime = "/abs.wav"', "c", base_dir=Path("/cfg"))["chime"] == Path(
        "/abs.wav"
    )


def test_prepare_takes_seconds_or_true_or_false() -> None:
    for text, value in (("true", True), ("false", False), ("0", 0), ("120", 120)):
        assert parse_config(f"prepare = {text}", "c", base_dir=Path("/"))["prepare"] == value


def test_all_problems_at_once_with_positions() -> None:
    text = (
        "# my settings\n"
        "sond = true\n"
        '  prepare = "x"\n'
        "voice = 1\n"
        "chime = 3\n"
        'default_routine = "Upper Back"\n'
        "check_in = 1.5\n"
        "prepare2 = []\n"
        "[plain]\n"
        "x = 1\n"
    )
    assert _errors(text) == (
        "config.toml:2:1: sond: unknown setting (did you mean 'sound'?)\n"
        "config.toml:3:3: prepare: must be a number of seconds, or true/false, got text\n"
        "config.toml:4:1: voice: must be true or false, got a whole number\n"
        "config.toml:5:1: chime: must be a path to a WAV file, got a whole number\n"
        "config.toml:6:1: default_routine: 'Upper Back' is not a routine name (lowercase "
        "letters, digits and dashes) or a path to a routine file\n"
        "config.toml:7:1: check_in: must be true or false, got a decimal number\n"
        "config.toml:8:1: prepare2: unknown setting (did you mean 'prepare'?)\n"
        "config.toml:9:1: plain: must be true or false, got a table"
    )


def test_the_exercise_library_is_no_default_routine() -> None:
    """`exercises` is written like a routine name but names the exercise library, which
    `start` refuses: the setting says so where it is written, not later."""
    assert _errors('default_routine = "exercises"\n') == (
        "config.toml:1:1: default_routine: 'exercises' is the exercise library "
        "(exercises.yaml), not a routine"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("prepare = 121", "config.toml:1:1: prepare: must be between 0 and 120 seconds, got 121"),
        ("prepare = -1", "config.toml:1:1: prepare: must be between 0 and 120 seconds, got -1"),
        ('chime = ""', "config.toml:1:1: chime: must not be empty"),
        (
            "default_routine = 1",
            "config.toml:1:1: default_routine: must be a routine name, got a whole number",
        ),
        ("sound = [true]", "config.toml:1:1: sound: must be true or false, got a list"),
        ("sound = 1979-05-27", "config.toml:1:1: sound: must be true or false, got a date or time"),
        (
            "colour = true",
            "config.toml:1:1: colour: unknown setting (known: sound, chime, prepare, check_in, "
            "ask_note, ask_goals, ask_barriers, plain, voice, images, default_routine, "
            "sync_folder)",
        ),
        ('"voice" = "yes"', "config.toml:1:1: voice: must be true or false, got text"),
        (
            "a.b = 1",
            "config.toml: a: unknown setting (known: sound, chime, prepare, check_in, ask_note, "
            "ask_goals, ask_barriers, plain, voice, images, default_routine, sync_folder)",
        ),
    ],
)
def test_one_problem(text: str, message: str) -> None:
    assert _errors(text) == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sound = \n", "config.toml:1:9: invalid TOML: Invalid value"),
        (
            "sound = true\nsound = false\n",
            "config.toml:2:14: invalid TOML: Cannot overwrite a value",
        ),
        (
            'sound = "open',
            "config.toml:1: invalid TOML: Unterminated string at the end of the file",
        ),
        (
            "sound = true\n[x",
            "config.toml:2: invalid TOML: Expected ']' at the end of a table declaration "
            "at the end of the file",
        ),
    ],
)
def test_toml_syntax_errors_name_the_line(text: str, message: str) -> None:
    assert _errors(text) == message


def test_read_config(tmp_path: Path) -> None:
    assert read_config(tmp_path / "missing.toml") == {}
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbfvoice = true\n")
    assert read_config(path) == {"voice": True}
    path.write_bytes(b"voice = true\n# caf\xe9\n")
    with pytest.raises(ConfigError, match=r"config.toml:2: is not UTF-8 text; save it as UTF-8"):
        read_config(path)
    path.write_bytes(b"#" * (64 * 1024 + 1))
    with pytest.raises(ConfigError, match="is larger than 64 KiB"):
        read_config(path)
    with pytest.raises(ConfigError, match="is a folder, not a config file"):
        read_config(tmp_path)


def test_unreadable_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "config.toml"
    path.write_text("")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(config_module, "open_regular", refuse)
    with pytest.raises(ConfigError) as caught:
        read_config(path)
    assert str(caught.value) == f"{path}: cannot be read (Permission denied)"


def test_command_line_beats_config_beats_defaults() -> None:
    settings = effective_settings({"sound": False, "voice": True}, {"voice": False, "plain": None})
    assert (settings.sound, settings.voice, settings.plain) == (False, False, False)
    assert settings.origin("sound") is SettingSource.CONFIG_FILE
    assert settings.origin("voice") is SettingSource.COMMAND_LINE
    assert settings.origin("plain") is SettingSource.DEFAULT
    assert effective_settings({}).origin("chime") is SettingSource.DEFAULT
    assert effective_settings({}).origin("sound") is SettingSource.DEFAULT
    with pytest.raises(KeyError):
        effective_settings({}, {"colour": True})
    with pytest.raises(KeyError):
        effective_settings({}).value("colour")


def test_the_settings_record_has_one_field_for_each_row_of_the_one_table() -> None:
    names = list(Settings._fields)
    assert names == [*SETTINGS, "origins"]
    defaults = effective_settings({})
    assert all(defaults.value(name) == spec.default for name, spec in SETTINGS.items())


def test_prepare_setting() -> None:
    def prepare(value: object) -> Settings:
        return effective_settings({}, {"prepare": value})

    assert (prepare(None).prepare_enabled, prepare(None).prepare_seconds) == (True, None)
    assert (prepare(False).prepare_enabled, prepare(False).prepare_seconds) == (False, None)
    assert (prepare(0).prepare_enabled, prepare(12).prepare_seconds) == (False, 12)
    routine = Routine("r", "R", (Exercise("a", "A", ("x",), hold=3, prepare=5),))
    assert with_prepare(routine, 9).exercises[0].prepare == 9


def test_format_value() -> None:
    assert format_value("chime", None) == "(built-in)"
    assert format_value("default_routine", None) == "(none)"
    assert format_value("prepare", 10) == "10"
    assert format_value("default_routine", 'a"b\\c') == '"a\\"b\\\\c"'
    assert format_value("chime", Path("/x.wav")) == '"/x.wav"'


def test_load_settings_reads_the_config_file(home: Path) -> None:
    (home / "config.toml").write_text("voice = true\n")
    settings = load_settings(voice=None, sound=False)
    assert settings.voice is True
    assert settings.sound is False
    assert settings.origin("sound") is SettingSource.COMMAND_LINE


# -- commands ------------------------------------------------------------------------


def test_config_with_no_file(runner: CliRunner, home: Path) -> None:
    result = runner.invoke(cli, ["config"])
    assert result.exit_code == 0
    assert result.stdout == (
        f"Config file: {home / 'config.toml'} (not created yet: every setting is its default)\n"
        "\n"
        "setting          value       from\n"
        "sound            true        default\n"
        "chime            (built-in)  default\n"
        "prepare          true        default\n"
        "check_in         true        default\n"
        "ask_note         true        default\n"
        "ask_goals        true        default\n"
        "ask_barriers     true        default\n"
        "plain            false       default\n"
        "voice            false       default\n"
        "images           true        default\n"
        "default_routine  (none)      default\n"
        "sync_folder      (none)      default\n"
    )


def test_config_shows_where_each_setting_comes_from(runner: CliRunner, home: Path) -> None:
    (home / "config.toml").write_text(
        'sound = false\nprepare = 0\ndefault_routine = "upper-back"\n'
    )
    result = runner.invoke(cli, ["config"])
    assert result.exit_code == 0
    assert result.stdout == (
        f"Config file: {home / 'config.toml'}\n"
        "\n"
        "setting          value         from\n"
        "sound            false         config file\n"
        "chime            (built-in)    default\n"
        "prepare          0             config file\n"
        "check_in         true          default\n"
        "ask_note         true          default\n"
        "ask_goals        true          default\n"
        "ask_barriers     true          default\n"
        "plain            false         default\n"
        "voice            false         default\n"
        "images           true          default\n"
        'default_routine  "upper-back"  config file\n'
        "sync_folder      (none)        default\n"
    )


def test_config_errors_are_clear(runner: CliRunner, home: Path) -> None:
    (home / "config.toml").write_text("sond = false\n")
    result = runner.invoke(cli, ["config"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"backpain: {home / 'config.toml'}:1:1: sond: unknown setting (did you mean 'sound'?)\n"
    )


def test_config_path(runner: CliRunner, home: Path) -> None:
    result = runner.invoke(cli, ["config", "path"])
    assert (result.exit_code, result.stdout) == (0, f"{home / 'config.toml'}\n")
    # It prints the path even when the file is broken: that is how you find it to fix it.
    (home / "config.toml").write_text("sound = \n")
    assert runner.invoke(cli, ["config", "path"]).stdout == f"{home / 'config.toml'}\n"


def test_config_help_has_examples(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["config", "--help"])
    assert "backpain config path" in result.stdout
    assert 'default_routine = "upper-back-chair"' in result.stdout


# -- chime files ----------------------------------------------------------------------


def test_check_chime(tmp_path: Path) -> None:
    good = write_wav(tmp_path / "ding.wav")
    assert check_chime(good) == good
    with pytest.raises(ConfigError) as caught:
        check_chime(tmp_path / "missing.wav")
    assert str(caught.value) == f"{tmp_path / 'missing.wav'}: no such file"
    with pytest.raises(ConfigError) as caught:
        check_chime(tmp_path)
    assert str(caught.value) == f"{tmp_path}: is a folder, not a file"
    text = tmp_path / "ding.mp3"
    text.write_bytes(b"ID3" + b"\x00" * 100)
    with pytest.raises(ConfigError) as caught:
        check_chime(text)
    assert str(caught.value) == (
        f"{text}: is not a WAV file (file does not start with RIFF id); use a .wav file "
        "(PCM), e.g. one exported from Audacity"
    )
    short = tmp_path / "short.wav"
    short.write_bytes(b"RIF")
    with pytest.raises(ConfigError, match=r"is not a WAV file \(too short\)"):
        check_chime(short)
    silent = write_wav(tmp_path / "silent.wav", frames=0)
    with pytest.raises(ConfigError, match="the WAV file holds no sound"):
        check_chime(silent)


def test_check_chime_unreadable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    path = write_wav(tmp_path / "ding.wav")
    real_open = builtins.open

    def refuse(file: object, *args: object, **kwargs: object) -> object:
        if str(file) == str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(file, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", refuse)
    with pytest.raises(ConfigError) as caught:
        check_chime(path)
    assert str(caught.value) == f"{path}: cannot be read (Permission denied)"
