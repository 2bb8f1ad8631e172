"""A real audio server to listen to: PulseAudio with a null sink in its own folder.

`AudioServer.start` runs `pulseaudio` with one null sink (`rec`) and no other module, in
a runtime folder of its own, so nothing reaches a loudspeaker and nothing of the
machine's own sound setup is touched. `AudioServer.listen` then watches it while a
command runs: `pactl subscribe` says when each stream (sink input) comes and goes,
`pactl -f json list sink-inputs` and /proc say which program played what, and
`parec` records the sink's monitor (16 kHz mono, 20 ms latency, which also keeps the
null sink's own latency small, as a sound card's is) so each stream can be measured.
"""

from __future__ import annotations

import array
import contextlib
import json
import math
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

PROGRAMS = ("pulseaudio", "pactl", "parec", "gst-play-1.0")
PACKAGES = "pulseaudio pulseaudio-utils gstreamer1.0-plugins-base-apps gstreamer1.0-pulseaudio"
RATE = 16000
SHORTEST = 0.1  # seconds: the tick sounds for 25 ms, every other cue for a second or more
FRAME = RATE // 100  # 10 ms


class Unavailable(Exception):
    """No audio server can run here; the message says why."""


@dataclass
class Stream:
    """One sink input: who played it, when it came and went, and what it sounded like."""

    index: int
    start: float  # monotonic seconds
    end: float | None = None
    binary: str = ""  # "gst-play-1.0", "espeak-ng"
    media: str = ""  # "Playback Stream"; "pulsesink probe" is gst's format probe
    argv: list[str] = field(default_factory=list)
    spawned: float | None = None  # when the program that played it started (monotonic)
    rms_db: float = -120.0  # over its sounding 10 ms frames (above -50 dBFS)
    peak: int = 0  # largest sample, of 32767
    sounding: float = 0.0  # seconds of frames above -50 dBFS

    @property
    def seconds(self) -> float:
        return (self.end or self.start) - self.start

    @property
    def what(self) -> str:
        """The sound file's name (tick.wav...) or "speech"."""
        if self.binary.startswith("espeak") or "espeak" in self.media.lower():
            return "speech"
        files = [Path(arg).name for arg in self.argv if arg.endswith(".wav")]
        if files:
            return files[0]
        if not self.binary and 0 < self.sounding <= SHORTEST:
            return "tick.wav"  # gone before it could be asked: only the tick is this short
        return self.binary or "?"

    @property
    def probe(self) -> bool:
        # gst-play's format probe; one gone before it could be described is one too
        if self.media == "pulsesink probe":
            return True
        # Gone before it could be asked what it is: gst-play's and espeak-ng's probes
        # (a stream opened and closed as the player starts), unless it sounds like the
        # tick, the one cue short enough to be gone that soon.
        return not self.binary and not (self.seconds >= 0.03 and 0 < self.sounding <= SHORTEST)

    def __str__(self) -> str:
        return f"{self.what} ({self.media}) {self.seconds:.3f} s, sounding {self.sounding:.2f} s"


@dataclass
class Heard:
    streams: list[Stream]
    samples: array.array[int]
    zero: float  # monotonic time of sample 0

    def real(self) -> list[Stream]:
        return [stream for stream in self.streams if not stream.probe]


class AudioServer:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.runtime = folder / "run"
        self.env = {
            key: value
            for key, value in os.environ.items()
            # no other audio server; no coverage in the programs run (it slows them down)
            if not key.startswith(("PULSE_", "PIPEWIRE_", "COV_CORE", "COVERAGE_PROCESS"))
        }
        self.env.update(XDG_RUNTIME_DIR=str(self.runtime), HOME=str(folder), LANG="C.UTF-8")
        self.process: subprocess.Popen[bytes] | None = None
        self.startup_seconds = (0.0, 0.0)  # the least and the most, see `startup`

    def start(self) -> None:
        missing = [name for name in PROGRAMS if shutil.which(name) is None]
        if missing:
            raise Unavailable(f"{', '.join(missing)} not installed (apt-get install {PACKAGES})")
        self.runtime.mkdir(mode=0o700, parents=True)
        self.process = subprocess.Popen(
            [
                "pulseaudio",
                "-n",
                "--daemonize=no",
                "--exit-idle-time=-1",
                "--load=module-null-sink sink_name=rec",
                "--load=module-native-protocol-unix",
            ],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 15
        while self.pactl("info").returncode != 0:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise Unavailable("pulseaudio did not start")
            time.sleep(0.1)
        self.pactl("set-default-sink", "rec")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            if self.process.stderr is not None:
                self.process.stderr.close()
            self.process = None

    def pactl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["pactl", *args], env=self.env, capture_output=True, text=True, timeout=10
        )

    def run(self, argv: list[str]) -> None:
        subprocess.run(argv, env=self.env, capture_output=True, timeout=30, check=False)

    def startup(self, sound: Path) -> tuple[float, float]:
        """Seconds from starting gst-play to its stream, the least and the most of three
        (on a busy machine they differ), after a warm-up run (the first one after
        installing builds GStreamer's plugin registry and is late)."""
        argv = ["gst-play-1.0", "--no-interactive", "-q", str(sound)]
        self.run(argv)
        began = []
        with self.listen() as heard:
            for _ in range(3):
                began.append(time.monotonic())
                self.run(argv)
        starts = sorted(stream.start for stream in heard.real())
        assert len(starts) == 3, heard.streams
        times = [start - at for start, at in zip(starts, began, strict=True)]
        return min(times), max(times)

    @contextlib.contextmanager
    def listen(self) -> Iterator[Heard]:
        """Watch and record the sink while the body runs; measured when it ends."""
        heard = Heard([], array.array("h"), 0.0)
        watcher = _Watcher(self, heard)
        recorder = subprocess.Popen(
            [
                "parec",
                "-d",
                "rec.monitor",
                "--latency-msec=20",
                f"--rate={RATE}",
                "--channels=1",
                "--format=s16le",
                "--raw",
            ],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        chunks: list[tuple[float, bytes]] = []
        reader = threading.Thread(target=_read_chunks, args=(recorder, chunks), daemon=True)
        reader.start()
        watcher.start()
        deadline = time.monotonic() + 10
        while not chunks:  # recording: nothing is missed from here on
            if time.monotonic() > deadline:
                recorder.kill()
                watcher.stop()
                raise Unavailable("parec recorded nothing from rec.monitor")
            time.sleep(0.01)
        try:
            yield heard
            time.sleep(0.3)  # the last stream's removal, the last samples
        finally:
            recorder.terminate()
            recorder.wait(5)
            reader.join(5)
            watcher.stop()
        data = b"".join(chunk for _, chunk in chunks)
        heard.samples.frombytes(data[: len(data) // 2 * 2])
        # The last chunk arrived when its last sample had been recorded.
        heard.zero = chunks[-1][0] - len(heard.samples) / RATE
        for stream in heard.streams:
            _measure(stream, heard)


def _read_chunks(recorder: subprocess.Popen[bytes], chunks: list[tuple[float, bytes]]) -> None:
    assert recorder.stdout is not None
    while True:
        chunk = recorder.stdout.read1(4096)
        if not chunk:
            return
        chunks.append((time.monotonic(), chunk))


class _Watcher:
    """`pactl subscribe`'s sink-input events, with what each stream is."""

    def __init__(self, server: AudioServer, heard: Heard) -> None:
        self.server = server
        self.heard = heard
        self.by_index: dict[int, Stream] = {}
        self.process = subprocess.Popen(
            ["pactl", "subscribe"],
            env=server.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.lock = threading.Lock()

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(5)
        self.thread.join(5)
        if self.process.stdout is not None:
            self.process.stdout.close()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            now = time.monotonic()
            if "sink-input" not in line:
                continue
            index = int(line.rsplit("#", 1)[1])
            if "'new'" in line:
                stream = Stream(index, now)
                with self.lock:
                    self.by_index[index] = stream
                    self.heard.streams.append(stream)
                threading.Thread(target=self._describe, args=(stream,), daemon=True).start()
            elif "'remove'" in line and index in self.by_index:
                self.by_index[index].end = now

    def _describe(self, stream: Stream) -> None:
        listed = self.server.pactl("-f", "json", "list", "sink-inputs").stdout
        with contextlib.suppress(ValueError):
            for entry in json.loads(listed):
                if entry.get("index") == stream.index:
                    properties = entry.get("properties", {})
                    stream.binary = properties.get("application.process.binary", "")
                    stream.media = properties.get("media.name", "")
                    pid = properties.get("application.process.id", "")
                    with contextlib.suppress(OSError, ValueError, IndexError):
                        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                        stream.argv = cmdline.decode(errors="replace").split("\0")
                        stream.spawned = _started(int(pid))


def _started(pid: int) -> float:
    """When process `pid` started, in `time.monotonic` seconds (to 10 ms: the kernel
    counts clock ticks since boot)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    ticks = int(stat.rsplit(")", 1)[1].split()[19])  # field 22, starttime
    since_boot = time.clock_gettime(time.CLOCK_BOOTTIME)
    return time.monotonic() - (since_boot - ticks / os.sysconf("SC_CLK_TCK"))


def _measure(stream: Stream, heard: Heard) -> None:
    """Level of the stream's sounding frames, from the recording."""
    end = stream.end if stream.end is not None else stream.start
    first = max(0, int((stream.start - heard.zero) * RATE))
    last = min(len(heard.samples), int((end - heard.zero) * RATE) + FRAME)
    frames = []
    for at in range(first, last - FRAME + 1, FRAME):
        chunk = heard.samples[at : at + FRAME]
        frames.append(sum(sample * sample for sample in chunk) / FRAME)
    loud = [power for power in frames if power > (32768 * 10 ** (-50 / 20)) ** 2]
    stream.peak = max((abs(s) for s in heard.samples[first:last]), default=0)
    stream.sounding = len(loud) * FRAME / RATE
    if loud:
        stream.rms_db = 10 * math.log10(sum(loud) / len(loud) / 32768**2)


def overlaps(streams: list[Stream]) -> list[tuple[str, str, float]]:
    """Pairs of streams that played at once, and for how long."""
    found = []
    ordered = sorted(streams, key=lambda stream: stream.start)
    for i, first in enumerate(ordered):
        for second in ordered[i + 1 :]:
            both = min(first.end or first.start, second.end or second.start) - second.start
            if both > 0:
                found.append((first.what, second.what, round(both, 3)))
    return found
