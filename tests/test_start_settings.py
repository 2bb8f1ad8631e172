"""`backpain start` with the config file: defaults, precedence, --voice, --chime."""

from __future__ import annotations

import os
import sys
import wave
from pathlib import Path

import pytest
from click.testing import CliRunner

from backpain_cli.cli import cli
from backpain_cli.config import effective_settings
from backpain_cli.player import run as run_module
from backpain_cli.player import speech as speech

TINY = """\
version: 1
name: tiny
title: Tiny routine
defaults: {prepare: 4, rest: 1}
exercises:
  - {id: squeeze, name: Squeeze, hold: 2, reps: 2, instructions: [Squeeze.]}
  - {id: turn, name: Turn, hold: 2, sides: [left, right], instructions: [Turn.]}
"""
FAST = ["--speed", "1000", "--no-history"]


@pytest.fixture
def tiny(user_routines: Path) -> Path:
    path = user_routines / "tiny.yaml"
    path.write_text(TINY)
    return path


def _config(home: Path, text: str) -> Path:
    path = home / "config.toml"
    path.write_text(text)
    return path


def _wav(path: Path) -> Path:
    with wave.open(str(path), "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(b"\x10\x00" * 400)
    return path


class FakeSpeaker:
    def __init__(self) -> None:
        self.said: list[str] = []

    def start(self, text: str) -> None:
        self.said.append(text)  # over at once: the next phrase's turn


@pytest.fixture
def speaker(monkeypatch: pytest.MonkeyPatch) -> FakeSpeaker:
    fake = FakeSpeaker()
    monkeypatch.setattr(speech, "make_speaker", lambda **kwargs: fake)
    return fake


def test_start_without_a_routine_or_a_default(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["start", *FAST])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "backpain: which routine? e.g. `backpain start upper-back` (`backpain list` shows "
        "them all), or set default_routine in the config file (`backpain config path`)\n"
    )


def test_start_plays_the_default_routine(runner: CliRunner, home: Path, tiny: Path) -> None:
    _config(home, 'default_routine = "tiny"\nsound = false\n')
    result = runner.invoke(cli, ["start", *FAST])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "Tiny routine — 2 exercises, 0:18"
    assert result.stderr == ""  # sound = false: not even the notice about sound


def test_a_bad_default_routine_names_the_config_file(runner: CliRunner, home: Path) -> None:
    config = _config(home, 'default_routine = "upper-bak"\n')
    result = runner.invoke(cli, ["start", *FAST])
    assert result.exit_code == 2
    assert result.stderr == (
        f"backpain: default_routine in {config}: upper-bak: no routine of that name (did you "
        "mean 'upper-back'?); `backpain list` shows them all\n"
    )


def test_the_config_file_is_read_once_a_command(
    runner: CliRunner, home: Path, tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`start` asks for its settings, the history's sync folder and, when the session
    is over, the folder again: the file is read once, so all three see the same file."""
    from backpain_cli.cli import common

    synced = tmp_path / "synced"
    synced.mkdir()
    _config(home, f'sync_folder = "{synced}"\n')
    reads: list[Path] = []
    real = common.read_config
    monkeypatch.setattr(common, "read_config", lambda path: reads.append(path) or real(path))
    result = runner.invoke(cli, ["start", "tiny", "--plain", "--speed", "1000", "--record"])
    assert result.exit_code == 0, result.output
    assert reads == [home / "config.toml"]
    assert [p.name for p in synced.iterdir()]  # the session reached the folder
    assert runner.invoke(cli, ["history"]).exit_code == 0
    assert len(reads) == 2  # a new command reads it again


def test_a_named_routine_beats_the_default(runner: CliRunner, home: Path, tiny: Path) -> None:
    _config(home, 'default_routine = "upper-back"\n')
    result = runner.invoke(cli, ["start", "tiny", "--no-sound", *FAST])
    assert result.stdout.startswith("Tiny routine — ")


@pytest.mark.parametrize(
    ("config", "args", "total"),
    [
        ("", [], "0:18"),  # each exercise's own 4 s
        ("prepare = 10\n", [], "0:30"),  # 10 s for every exercise
        ("prepare = false\n", [], "0:10"),
        ("prepare = 0\n", [], "0:10"),
        ("prepare = 10\n", ["--no-prepare"], "0:10"),  # the command line wins
        ("prepare = false\n", ["--prepare"], "0:18"),
    ],
)
def test_prepare_from_config_and_command_line(
    runner: CliRunner, home: Path, tiny: Path, config: str, args: list[str], total: str
) -> None:
    _config(home, config)
    result = runner.invoke(cli, ["start", "tiny", "--no-sound", *args, *FAST])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"Tiny routine — 2 exercises, {total}"


def test_sound_from_config_and_command_line(
    runner: CliRunner, home: Path, tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backpain_cli.player import sound as sound

    made: list[str] = []

    class Recording(sound.SoundOutput):
        def __init__(self, *args: object, **kwargs: object) -> None:
            made.append("audio")
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sound, "SoundOutput", Recording)
    _config(home, "sound = false\n")
    assert runner.invoke(cli, ["start", "tiny", *FAST]).exit_code == 0
    assert made == []  # silent: no audio player is even looked for
    assert runner.invoke(cli, ["start", "tiny", "--sound", *FAST]).exit_code == 0
    assert made == ["audio"]
    _config(home, "")
    assert runner.invoke(cli, ["start", "tiny", "--no-sound", *FAST]).exit_code == 0
    assert runner.invoke(cli, ["start", "tiny", *FAST]).exit_code == 0
    assert made == ["audio", "audio"]


def test_voice_speaks_the_cues(runner: CliRunner, tiny: Path, speaker: FakeSpeaker) -> None:
    result = runner.invoke(cli, ["start", "tiny", "--voice", "--no-sound", *FAST])
    assert result.exit_code == 0, result.output
    assert speaker.said == [
        "Get ready: Squeeze",
        "Squeeze, hold 2 seconds",
        "Rest",
        "Hold",
        "Get ready: Turn",
        "Turn, left side, hold 2 seconds",
        "Switch sides",
        "Right side, hold",
        "Routine complete. Well done.",
    ]


def test_voice_from_config_and_no_voice_beats_it(
    runner: CliRunner, home: Path, tiny: Path, speaker: FakeSpeaker
) -> None:
    _config(home, "voice = true\n")
    runner.invoke(cli, ["start", "tiny", "--no-sound", "--no-voice", *FAST])
    assert speaker.said == []
    runner.invoke(cli, ["start", "tiny", "--no-sound", *FAST])
    assert speaker.said[0] == "Get ready: Squeeze"


def test_voice_without_a_speech_program_says_so_once(
    runner: CliRunner, tiny: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("shutil.which", lambda name: None)
    result = runner.invoke(cli, ["start", "tiny", "--voice", "--no-sound", *FAST])
    assert result.exit_code == 0, result.output
    assert result.stderr == speech.NO_SPEECH_NOTICE + "\n"


def test_a_missing_chime_given_stops_start_one_in_the_config_gives_way(
    runner: CliRunner, home: Path, tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backpain_cli.player import sound as sound

    result = runner.invoke(cli, ["start", "tiny", "--chime", str(tmp_path / "nope.wav"), *FAST])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"backpain: --chime: {tmp_path / 'nope.wav'}: no such file\n"
    given: list[dict[sound.SoundName, Path]] = []

    class Recording(sound.SoundOutput):
        def __init__(self, files: dict[sound.SoundName, Path], **kwargs: object) -> None:
            given.append(dict(files))
            super().__init__(files, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sound, "SoundOutput", Recording)
    text = tmp_path / "bell.wav"
    text.write_text("not a sound at all, really")
    config = _config(home, f'chime = "{text}"\n')
    result = runner.invoke(cli, ["start", "tiny", *FAST])
    assert result.exit_code == 0, result.output  # a warning, and the routine plays
    assert result.stderr.splitlines()[0] == (
        f"backpain: chime in {config}: {text}: is not a WAV file (file does not start with "
        "RIFF id); use a .wav file (PCM), e.g. one exported from Audacity; playing the "
        "built-in chime"
    )
    assert given[0][sound.SoundName.CHIME] == sound.bundled_sounds()[sound.SoundName.CHIME]
    _config(home, f'chime = "{tmp_path / "gone.wav"}"\n')
    result = runner.invoke(cli, ["start", "tiny", "--no-sound", *FAST])
    assert result.exit_code == 0, result.output
    assert "chime" not in result.stderr  # no sound: no chime to miss


def test_the_chime_file_replaces_the_set_end_chime(
    runner: CliRunner, home: Path, tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backpain_cli.player import sound as sound

    bell = _wav(tmp_path / "bell.wav")
    given: list[dict[sound.SoundName, Path]] = []

    class Recording(sound.SoundOutput):
        def __init__(self, files: dict[sound.SoundName, Path], **kwargs: object) -> None:
            given.append(dict(files))
            super().__init__(files, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sound, "SoundOutput", Recording)
    result = runner.invoke(cli, ["start", "tiny", "--chime", str(bell), *FAST])
    assert result.exit_code == 0, result.output
    assert given[0][sound.SoundName.CHIME] == bell
    assert given[0][sound.SoundName.END] == sound.bundled_sounds()[sound.SoundName.END]
    _config(home, 'chime = "bell.wav"\n')
    (home / "bell.wav").write_bytes(bell.read_bytes())
    runner.invoke(cli, ["start", "tiny", *FAST])
    assert given[1][sound.SoundName.CHIME] == home / "bell.wav"


def test_config_errors_stop_start(runner: CliRunner, home: Path, tiny: Path) -> None:
    config = _config(home, "voice = yes\n")
    result = runner.invoke(cli, ["start", "tiny", *FAST])
    assert result.exit_code == 2
    assert result.stderr == f"backpain: {config}:1:9: invalid TOML: Invalid value\n"


def test_start_completes_routines_and_exercises(runner: CliRunner) -> None:
    def complete(words: str) -> list[str]:
        result = runner.invoke(
            cli,
            [],
            prog_name="backpain",
            env={
                "_BACKPAIN_COMPLETE": "bash_complete",
                "COMP_WORDS": words,
                "COMP_CWORD": str(len(words.split(" ")) - 1),
            },
        )
        return result.stdout.split()

    assert complete("backpain start upper-back-g") == ["plain,upper-back-gentle"]
    assert complete("backpain start upper-back --from thoracic-s") == [
        "plain,thoracic-sidebend",  # upper-back's own; not upper-back-chair's -seated one
    ]


def test_settings_default_to_no_voice_and_the_bundled_chime() -> None:
    settings = effective_settings({})
    assert (settings.voice, settings.chime) == (False, None)


def test_notices_at_the_same_time_are_shown_together() -> None:
    shown: list[str] = []
    now = [0.0]
    notify = run_module.merged_notices(shown.append, clock=lambda: now[0], window=3.0)
    notify("voice: none")
    now[0] = 0.1
    notify("sound: none")
    now[0] = 10.0
    notify("voice: failed")
    assert shown == ["voice: none", "voice: none\nsound: none", "voice: failed"]


def test_the_no_speech_notice_fits_the_screen() -> None:
    assert len(speech.NO_SPEECH_NOTICE) <= 80
    assert len(speech.SPEECH_FAILED_NOTICE) <= 80


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("9", "--from 9: upper-back has exercises 1 to 5"),
        (
            "nope",
            "--from nope: no such exercise in upper-back; its exercises: "
            "rhomboid-stretch-long-sitting, scapular-squeeze, thoracic-rotation, "
            "thoracic-sidebend, ball-trigger-point-pressure",
        ),
        (
            "scapular-squeez",
            "--from scapular-squeez: no such exercise in upper-back "
            "(did you mean 'scapular-squeeze'?)",
        ),
    ],
)
def test_from_an_exercise_the_routine_does_not_have(
    runner: CliRunner, given: str, message: str
) -> None:
    result = runner.invoke(cli, ["start", "upper-back", "--from", given, "--plain", "--no-history"])
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"backpain: {message}\n")


def test_a_pipe_closed_early_ends_start_quietly(
    tiny: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`backpain start tiny | head -1`, once head has gone: exit 0, nothing on stderr,
    and what is still written goes nowhere instead of failing again."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader has gone: writing fails with EPIPE
    with open(write_end, "w", encoding="utf-8") as piped:
        monkeypatch.setattr(sys, "stdout", piped)
        with pytest.raises(SystemExit) as ended:
            cli.main(["start", "tiny", "--plain", "--no-sound", *FAST], prog_name="backpain")
        assert ended.value.code == 0
        piped.write("more\n")
        piped.flush()  # into /dev/null now
    assert capsys.readouterr().err == ""
