"""Sounds: bundled WAVs, the playsound3 loader, the worker-thread chime and the cue table."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import threading
import types
import wave
from pathlib import Path

import pytest

from backpain_cli.player import sound as sound
from backpain_cli.player.engine import (
    Cue,
    CueKind,
    EndReason,
    MuteChanged,
    Quit,
    SegmentEnded,
    Status,
    Summary,
)
from backpain_cli.player.sound import (
    CUE_SOUNDS,
    NO_AUDIO_NOTICE,
    AudioChime,
    BellChime,
    SilentChime,
    SoundCues,
    SoundName,
    bundled_sounds,
    load_playsound,
)
from backpain_cli.routines.model import Exercise, Routine
from backpain_cli.routines.timeline import build_timeline

REPO = Path(__file__).resolve().parents[1]

EXERCISE = Exercise(id="x", name="X", instructions=("x",), hold=5)
TIMELINE = build_timeline(Routine(name="r", title="R", exercises=(EXERCISE,)))


def status(*, muted: bool = False) -> Status:
    return Status(TIMELINE, index=1, remaining=2, elapsed=3, muted=muted)


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


class Recorder:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def play(self, name: SoundName) -> None:
        self.calls.append(f"play {name.value}")

    def stop(self) -> None:
        self.calls.append("stop")

    def close(self, timeout: float) -> None:
        self.calls.append(f"close {timeout:g}")


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
    play = load_playsound()
    assert play is not None
    chime = bundled_sounds()[SoundName.CHIME]
    play(chime)
    assert calls == [(chime, False)]
    assert isinstance(calls[0][0], Path)  # type: ignore[index]
    load_playsound()  # idempotent: one NullHandler, however often it runs
    import logging

    logger = logging.getLogger("playsound3")
    assert sum(isinstance(h, logging.NullHandler) for h in logger.handlers) == 1
    assert not logger.propagate


# -- the worker-thread chime -----------------------------------------------------------


def make_chime(
    load: object, *, files: dict[SoundName, Path] | None = None
) -> tuple[AudioChime, Recorder, list[str]]:
    fallback = Recorder()
    notices: list[str] = []
    chime = AudioChime(
        bundled_sounds() if files is None else files,
        fallback=fallback,
        notify=notices.append,
        load=load,  # type: ignore[arg-type]
        poll=0.001,
    )
    return chime, fallback, notices


def test_audio_chime_plays_stops_and_lets_the_last_sound_finish() -> None:
    handles: list[Handle] = []
    threads: list[str] = []

    def play(path: Path) -> Handle:
        threads.append(threading.current_thread().name)
        handles.append(Handle(path, alive=3))
        return handles[-1]

    chime, fallback, notices = make_chime(lambda: play)
    chime.start()
    chime.play(SoundName.CHIME)
    chime.stop()
    chime.play(SoundName.END)
    chime.close(5)
    assert [h.path.name for h in handles] == ["chime.wav", "end.wav"]
    assert handles[0].stopped  # by stop()
    assert handles[1].alive < 0  # close() waited until it had finished
    assert threads == ["backpain-sound", "backpain-sound"]  # never on the timer's thread
    assert fallback.calls == []
    assert notices == []


def test_audio_chime_close_stops_a_sound_that_runs_too_long() -> None:
    handle = Handle(Path("x"), alive=10**9)
    chime, _, _ = make_chime(lambda: lambda path: handle)
    chime.start()
    chime.play(SoundName.END)
    chime.close(0.01)
    assert handle.stopped


def test_no_audio_player_falls_back_to_the_bell_with_one_notice() -> None:
    chime, fallback, notices = make_chime(lambda: None)
    chime.start()
    chime.play(SoundName.CHIME)
    chime.play(SoundName.END)
    chime.close(1)
    assert fallback.calls == ["play chime", "play end"]
    assert notices == [NO_AUDIO_NOTICE]


def test_a_loader_that_raises_falls_back() -> None:
    def broken() -> None:
        raise RuntimeError("probe failed")

    chime, fallback, notices = make_chime(broken)
    chime.start()
    chime.play(SoundName.TICK)
    chime.close(1)
    assert fallback.calls == ["play tick"]
    assert notices == [NO_AUDIO_NOTICE]


def test_a_player_that_raises_falls_back_for_good() -> None:
    attempts: list[Path] = []

    def play(path: Path) -> Handle:
        attempts.append(path)
        raise OSError("gst-play-1.0 vanished")

    chime, fallback, notices = make_chime(lambda: play)
    chime.start()
    chime.play(SoundName.CHIME)
    chime.play(SoundName.CHIME)
    chime.close(1)
    assert len(attempts) == 1
    assert fallback.calls == ["play chime", "play chime"]
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
    chime, fallback, notices = make_chime(lambda: play, files=files)
    chime.start()
    chime.play(SoundName.CHIME)  # missing file
    chime.play(SoundName.TICK)  # no file at all
    chime.play(SoundName.END)
    chime.close(1)
    assert played == [files[SoundName.END]]
    assert fallback.calls == ["play chime", "play tick"]
    assert notices == []


def test_stop_survives_a_broken_handle() -> None:
    class Broken(Handle):
        def stop(self) -> None:
            raise ProcessLookupError

        def is_alive(self) -> bool:
            raise ProcessLookupError

    chime, _, _ = make_chime(lambda: lambda path: Broken(path))
    chime.start()
    chime.play(SoundName.CHIME)
    chime.play(SoundName.CHIME)  # prunes the broken handle (is_alive raises: not alive)
    chime.stop()
    chime.close(1)


def test_close_before_start_returns() -> None:
    chime, _, _ = make_chime(lambda: None)
    chime.close(0)


# -- simple chimes and the cue table ---------------------------------------------------


def test_bell_rings_for_set_and_routine_end_only() -> None:
    rings: list[str] = []
    bell = BellChime(lambda: rings.append("\a"))
    for name in SoundName:
        bell.play(name)
    bell.stop()
    bell.close(1)
    assert rings == ["\a", "\a"]
    silent = SilentChime()
    silent.play(SoundName.CHIME)
    silent.stop()
    silent.close(1)


def test_cue_table() -> None:
    assert CUE_SOUNDS[CueKind.SET_END] is SoundName.CHIME
    assert CUE_SOUNDS[CueKind.ROUTINE_END] is SoundName.END
    assert CUE_SOUNDS[CueKind.COUNTDOWN] is SoundName.TICK
    assert CueKind.SIDE_SWITCH not in CUE_SOUNDS


def test_sound_cues_play_cues_and_stop_on_skip_quit_and_mute() -> None:
    chime = Recorder()
    cues = SoundCues(chime)
    segment = TIMELINE.segments[1]
    summary = Summary(TIMELINE, (), 0, 0, quit=True)
    for event in [
        Cue(status(), CueKind.SET_END),
        Cue(status(), CueKind.SIDE_SWITCH),  # no sound of its own
        Cue(status(muted=True), CueKind.ROUTINE_END),  # muted: nothing
        SegmentEnded(status(), 1, segment, EndReason.COMPLETED),  # let the chime ring
        SegmentEnded(status(), 1, segment, EndReason.NEXT),
        SegmentEnded(status(), 1, segment, EndReason.SKIP_EXERCISE),
        MuteChanged(status(muted=False)),
        MuteChanged(status(muted=True)),
        Quit(status(), summary),
    ]:
        cues.handle(event)
    assert chime.calls == ["play chime", "stop", "stop", "stop", "stop"]
    assert sound.SOUNDS_DIR.is_dir()
