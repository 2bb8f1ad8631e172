"""Sounds: bundled WAVs, the playsound3 loader, the sound output and the cue table."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import types
import wave
from pathlib import Path

import pytest

from backpain_cli.player import sound as sound
from backpain_cli.player.engine import CueKind
from backpain_cli.player.sound import (
    CUE_SOUNDS,
    NO_AUDIO_NOTICE,
    AudioPlayer,
    SoundName,
    SoundOutput,
    bundled_sounds,
    load_playsound,
)

REPO = Path(__file__).resolve().parents[1]


class Handle:
    def __init__(self, path: Path, *, alive: int = 0) -> None:
        self.path = path
        self.alive = alive  # is_alive() answers True this many times
        self.stopped = False

    def is_alive(self) -> bool:
        self.alive -= 1
        return self.alive >= 0 and not self.stopped

    def stop(self) -> None:
        self.stopped = True


# -- bundled files ---------------------------------------------------------------------


def test_bundled_sounds_are_short_distinct_mono_wavs() -> None:
    files = bundled_sounds()
    assert set(files) == set(SoundName)
    lengths = {}
    for name, path in files.items():
        with wave.open(str(path)) as file:
            assert (file.getnchannels(), file.getsampwidth(), file.getframerate()) == (1, 2, 22050)
            lengths[name] = file.getnframes() / file.getframerate()
    assert lengths[SoundName.TICK] < 0.1 < lengths[SoundName.CHIME] < lengths[SoundName.END] < 3
    assert len({path.read_bytes() for path in files.values()}) == 3


def test_the_committed_sounds_are_what_the_script_makes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = importlib.util.spec_from_file_location("make_sounds", REPO / "scripts/make_sounds.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    out = tmp_path / "src" / "backpain_cli" / "player" / "sounds"
    monkeypatch.setattr(script, "OUT", out)
    assert script.main() == 0
    for name, path in bundled_sounds().items():
        assert (out / path.name).read_bytes() == path.read_bytes(), name
    assert "chime.wav" in capsys.readouterr().out


# -- loading playsound3 ----------------------------------------------------------------


def test_loading_playsound3_prints_nothing() -> None:
    # A fresh interpreter, so the import (and its backend probing) really happens.
    code = (
        "from backpain_cli.player.sound import load_playsound; "
        "print('loaded' if load_playsound() else 'none')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30
    )
    assert result.stderr == ""
    assert result.stdout in ("loaded\n", "none\n")


def fake_playsound3(monkeypatch: pytest.MonkeyPatch, backend: str | None) -> list[object]:
    calls: list[object] = []
    module = types.ModuleType("playsound3")
    module.DEFAULT_BACKEND = backend  # type: ignore[attr-defined]

    def playsound(path: object, block: bool = True) -> Handle:
        calls.append((path, block))
        return Handle(Path(str(path)))

    module.playsound = playsound  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "playsound3", module)
    return calls


def test_load_playsound_without_a_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_playsound3(monkeypatch, None)
    assert load_playsound() is None


def test_load_playsound_that_fails_to_import(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "playsound3", None)  # import raises ImportError
    assert load_playsound() is None


def test_load_playsound_plays_paths_without_blocking(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = fake_playsound3(monkeypatch, "gstreamer")
    player = load_playsound()
    assert player is not None
    assert player.name == "gst-play-1.0 (GStreamer)"  # as a person can look it up
    chime = bundled_sounds()[SoundName.CHIME]
    player.play(chime)
    assert calls == [(chime, False)]
    assert isinstance(calls[0][0], Path)  # type: ignore[index]
    load_playsound()  # idempotent: one NullHandler, however often it runs
    import logging

    logger = logging.getLogger("playsound3")
    assert sum(isinstance(h, logging.NullHandler) for h in logger.handlers) == 1
    assert not logger.propagate
    fake_playsound3(monkeypatch, "somethingnew")
    player = load_playsound()
    assert player is not None and player.name == "somethingnew"


# -- the sound output ------------------------------------------------------------------


def make_output(
    load: object, *, files: dict[SoundName, Path] | None = None
) -> tuple[SoundOutput, list[str], list[str]]:
    rings: list[str] = []
    notices: list[str] = []
    output = SoundOutput(
        bundled_sounds() if files is None else files,
        bell=lambda: rings.append("\a"),
        notify=notices.append,
        load=load,  # type: ignore[arg-type]
    )
    output.load()
    return output, rings, notices


def test_the_output_plays_files_and_hands_back_what_plays() -> None:
    def play(path: Path) -> Handle:
        return Handle(path, alive=1)

    output, rings, notices = make_output(lambda: AudioPlayer("gst", play))
    handle = output.start(SoundName.CHIME)
    assert isinstance(handle, Handle) and handle.path.name == "chime.wav"
    assert output.player is not None and output.player.name == "gst"
    assert rings == notices == []


def test_no_audio_player_rings_the_bell_for_chime_and_end_with_one_notice() -> None:
    output, rings, notices = make_output(lambda: None)
    assert [output.start(name) for name in SoundName] == [None, None, None]
    assert rings == ["\a", "\a"]  # not for the tick: a bell per tick would be noise
    assert notices == [NO_AUDIO_NOTICE]


def test_a_loader_that_raises_falls_back() -> None:
    def broken() -> None:
        raise RuntimeError("probe failed")

    output, rings, notices = make_output(broken)
    assert output.start(SoundName.END) is None
    assert rings == ["\a"]
    assert notices == [NO_AUDIO_NOTICE]


def test_a_player_that_raises_falls_back_for_good() -> None:
    attempts: list[Path] = []

    def play(path: Path) -> Handle:
        attempts.append(path)
        raise OSError("gst-play-1.0 vanished")

    output, rings, notices = make_output(lambda: AudioPlayer("gst", play))
    assert output.start(SoundName.CHIME) is None
    assert output.start(SoundName.CHIME) is None
    assert len(attempts) == 1
    assert rings == ["\a", "\a"]
    assert notices == [NO_AUDIO_NOTICE]


def test_only_existing_local_files_are_played(tmp_path: Path) -> None:
    played: list[Path] = []

    def play(path: Path) -> Handle:
        played.append(path)
        return Handle(path)

    files = {
        SoundName.CHIME: tmp_path / "missing.wav",
        SoundName.END: bundled_sounds()[SoundName.END],
    }
    output, rings, notices = make_output(lambda: AudioPlayer("gst", play), files=files)
    assert output.start(SoundName.CHIME) is None  # missing file: the bell
    assert output.start(SoundName.TICK) is None  # no file at all
    assert output.start(SoundName.END) is not None
    assert played == [files[SoundName.END]]
    assert rings == ["\a"]
    assert notices == []


def test_cue_table() -> None:
    assert CUE_SOUNDS[CueKind.SET_END] is SoundName.CHIME
    assert CUE_SOUNDS[CueKind.ROUTINE_END] is SoundName.END
    assert CUE_SOUNDS[CueKind.COUNTDOWN] is SoundName.TICK
    assert CueKind.SIDE_SWITCH not in CUE_SOUNDS
    assert sound.SOUNDS_DIR.is_dir()
