"""`backpain sound-test`: each cue once with its name, and plain advice when nothing can
be heard (played for real on an audio server in test_listening.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from backpain_cli.cli import cli
from backpain_cli.player import sound as sound
from backpain_cli.player.sound import AudioPlayer, SoundName, SoundOutput, bundled_sounds
from backpain_cli.player.sound_check import (
    DEBIAN,
    FEDORA,
    LIMIT,
    MACOS,
    SPOKEN,
    Checked,
    advice,
    platforms,
    read_os_release,
    sound_check,
)
from backpain_cli.player.speech import CommandSpeaker, SpeechProgram


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


class Playing:
    def __init__(self, what: str, clock: Clock, seconds: float, log: list[str]) -> None:
        self.what = what
        self.clock = clock
        self.until = clock.now + seconds
        self.log = log
        log.append(f"{clock.now:.1f} start {what}")

    def is_alive(self) -> bool:
        return self.clock.now < self.until

    def stop(self) -> None:
        self.log.append(f"{self.clock.now:.1f} stop {self.what}")


def test_each_cue_plays_once_after_its_name_and_to_its_end() -> None:
    clock = Clock()
    log: list[str] = []

    def play(path: Path) -> Playing:
        return Playing(path.name, clock, 100 if path.name == "end.wav" else 1, log)

    sounds = SoundOutput(
        bundled_sounds(), bell=None, notify=log.append, load=lambda: AudioPlayer("gst", play)
    )
    speaker = CommandSpeaker(
        SpeechProgram("espeak-ng", ("espeak-ng",)),
        notify=log.append,
        spawn=lambda argv: Process(argv[-1], log),
    )
    checked = sound_check(
        sounds,
        speaker,
        voice=True,
        show=lambda line: log.append(f"{clock.now:.1f} {line.split()[0]}"),
        clock=clock,
        sleep=clock.sleep,
    )
    assert checked == Checked("gst", False, "espeak-ng", 4)
    assert log == [
        "0.0 tick",
        "0.0 start tick.wav",
        "1.0 stop tick.wav",
        "1.0 set",
        "1.0 start chime.wav",
        "2.0 stop chime.wav",
        "2.0 end",
        "2.0 start end.wav",
        f"{2 + LIMIT:.1f} stop end.wav",  # never longer than LIMIT
        f"{2 + LIMIT:.1f} voice",
        f"said {SPOKEN}",
    ]


class Process:
    def __init__(self, text: str, log: list[str]) -> None:
        log.append(f"said {text}")

    def poll(self) -> int:
        return 0

    def terminate(self) -> None:
        raise AssertionError("a phrase said to its end is not stopped")


def test_without_a_player_the_bell_or_nothing_and_it_says_so() -> None:
    shown: list[str] = []
    rings: list[str] = []
    sounds = SoundOutput(
        bundled_sounds(), bell=lambda: rings.append("\a"), notify=print, load=lambda: None
    )
    checked = sound_check(sounds, None, voice=True, show=shown.append)
    assert checked == Checked(None, True, None, 0)
    assert shown == [
        "  tick       3-2-1 before an exercise, end of each rep: not heard",
        "  set chime  end of each set: the terminal bell",
        "  end sound  end of the routine (or q): the terminal bell",
        f'  voice      "{SPOKEN}": not heard',
    ]
    assert rings == ["\a", "\a"]
    shown.clear()
    assert sound_check(sounds, None, voice=False, show=shown.append).played == 0
    assert len(shown) == 3  # no voice line


def test_the_platform_from_os_release() -> None:
    assert platforms("darwin", "") == (MACOS,)
    assert platforms("linux", 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n') == (DEBIAN,)
    assert platforms("linux", "ID=debian\n") == (DEBIAN,)
    assert platforms("linux", 'ID="fedora"\n') == (FEDORA,)
    assert platforms("linux", "ID=rocky\nID_LIKE='rhel centos fedora'\n") == (FEDORA,)
    assert platforms("linux", "ID=arch\n") == (DEBIAN, FEDORA, MACOS)
    assert platforms("linux", "garbage") == (DEBIAN, FEDORA, MACOS)
    assert read_os_release(Path("/nonexistent/os-release")) == ""


def test_read_os_release(tmp_path: Path) -> None:
    (tmp_path / "os-release").write_text("ID=debian\n")
    assert read_os_release(tmp_path / "os-release") == "ID=debian\n"


def test_advice_names_what_was_used() -> None:
    heard = Checked("gst-play-1.0 (GStreamer)", True, "espeak-ng", 4)
    assert advice(heard, voice=True, where=(DEBIAN,)) == [
        "Sounds: gst-play-1.0 (GStreamer).",
        "Voice: espeak-ng.",
        "Heard nothing? Check the volume and which output your system plays",
        "to: a player cannot tell when no speaker is connected.",
    ]
    assert advice(heard._replace(voice=None), voice=False, where=(DEBIAN,))[1] == (
        "Add --voice to hear a spoken cue too."
    )


def test_advice_says_plainly_what_cannot_be_heard_and_what_to_install() -> None:
    silent = Checked(None, False, None, 0)
    lines = advice(silent, voice=True, where=(FEDORA, MACOS))
    assert lines == [
        "Nothing can be heard: no audio player was found, and no terminal",
        "is here to ring a bell. To hear the sounds, install one:",
        "  Fedora:",
        "    sudo dnf install gstreamer1-plugins-base-tools gstreamer1-plugins-good",
        "  macOS:",
        "    afplay comes with macOS: check that /usr/bin/afplay is there",
        "No speech program was found: nothing is spoken. To hear the voice:",
        "  Fedora:",
        "    sudo dnf install espeak-ng",
        "  macOS:",
        "    say comes with macOS: check that /usr/bin/say is there",
    ]
    assert all(len(line) <= 80 for line in lines)
    bell = advice(silent._replace(bell=True), voice=False, where=(DEBIAN,))
    assert bell[:4] == [
        "No audio player was found: only the terminal bell sounds, for",
        "the set chime and the end sound. To hear the sounds, install one:",
        "  Debian or Ubuntu:",
        "    sudo apt install gstreamer1.0-plugins-base-apps gstreamer1.0-pulseaudio",
    ]


def test_the_command_without_players(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    class NoPlayer(sound.SoundOutput):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, load=lambda: None, **kwargs)  # type: ignore[arg-type,misc]

    monkeypatch.setattr(sound, "SoundOutput", NoPlayer)
    monkeypatch.setattr("shutil.which", lambda name: None)
    result = runner.invoke(cli, ["sound-test", "--voice"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Sound check: each cue plays once, named as it plays."
    assert lines[1].startswith("  tick ")
    assert lines[6] == "Nothing can be heard: no audio player was found, and no terminal"
    assert "sudo apt install espeak-ng" in result.stdout or "say comes with macOS" in (
        result.stdout
    )
    assert result.stderr == ""  # the notices are said plainly on stdout instead
    plain = runner.invoke(cli, ["sound-test"])
    assert plain.exit_code == 0
    assert "Add --voice to hear a spoken cue too." in plain.stdout


def test_the_command_in_the_help(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["sound-test", "--help"])
    assert result.exit_code == 0
    assert "backpain sound-test --voice" in result.stdout
    assert SoundName.TICK.value in result.stdout
