"""Generate the player's bundled sounds with nothing but the standard library.

    python scripts/make_sounds.py            # writes src/backpain_cli/player/sounds/*.wav

The output is deterministic (no randomness, fixed rounding), so running it again gives
byte-identical files; the WAVs are committed so installs need no build step.

- chime.wav: end of a set. Two bell-like partials, clear but soft, about 1.2 s.
- end.wav:   end of the routine. A gentler, slower falling three-note figure, about 2.2 s.
- tick.wav:  3-2-1 before the first hold and the end of each rep. A short, quiet wood tick.

Each begins with `LEAD` (50 ms) of silence: an audio server can lose the first tens of
milliseconds of a new stream while it starts it. Played with gst-play-1.0 on PulseAudio
and recorded, the bare 25 ms tick was heard whole once in five plays; with the lead,
five in five.
"""

from __future__ import annotations

import math
import struct
import sys
import wave
from collections.abc import Iterable
from pathlib import Path

RATE = 22050
LEAD = 0.05  # seconds of silence before each sound
OUT = Path(__file__).resolve().parents[1] / "src" / "backpain_cli" / "player" / "sounds"


def bell(frequency: float, seconds: float, *, decay: float, attack: float = 0.005) -> list[float]:
    """A soft bell: fundamental plus a quieter inharmonic partial, exponential decay."""
    samples = []
    for n in range(int(RATE * seconds)):
        t = n / RATE
        envelope = min(1.0, t / attack) * math.exp(-t / decay)
        tone = (
            math.sin(2 * math.pi * frequency * t)
            + 0.35 * math.sin(2 * math.pi * frequency * 2.76 * t) * math.exp(-t / (decay / 3))
            + 0.15 * math.sin(2 * math.pi * frequency * 5.4 * t) * math.exp(-t / (decay / 6))
        )
        samples.append(envelope * tone / 1.5)
    return samples


def mix(length: float, parts: Iterable[tuple[float, list[float]]]) -> list[float]:
    """Lay (start seconds, samples) parts over a silent track of `length` seconds."""
    track = [0.0] * int(RATE * length)
    for start, samples in parts:
        offset = int(RATE * start)
        for n, value in enumerate(samples[: len(track) - offset]):
            track[offset + n] += value
    return track


def fade_out(samples: list[float], seconds: float = 0.05) -> list[float]:
    count = min(len(samples), int(RATE * seconds))
    for n in range(count):
        samples[len(samples) - count + n] *= 1 - (n + 1) / count
    return samples


def write(name: str, samples: list[float], volume: float) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / name
    frames = b"".join(
        struct.pack("<h", round(max(-1.0, min(1.0, value * volume)) * 32767)) for value in samples
    )
    frames = b"\0\0" * int(RATE * LEAD) + frames
    with wave.open(str(path), "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(RATE)
        file.writeframes(frames)
    return path


def chime() -> list[float]:
    # E6 then B6 shortly after: a bright, friendly "ding-ding" that carries across a room.
    return fade_out(
        mix(1.2, [(0.0, bell(1318.5, 1.2, decay=0.35)), (0.12, bell(1975.5, 1.0, decay=0.3))])
    )


def end() -> list[float]:
    # G5, E5, C5, slow and low: unmistakably "finished", calmer than the set chime.
    notes = [(0.0, 783.99), (0.35, 659.25), (0.7, 523.25)]
    return fade_out(
        mix(2.2, [(start, bell(freq, 1.5, decay=0.6, attack=0.02)) for start, freq in notes])
    )


def tick() -> list[float]:
    # A 25 ms burst of a low wood-block tone with a very fast decay.
    return fade_out(
        [
            math.exp(-n / RATE / 0.006) * math.sin(2 * math.pi * 1100 * n / RATE)
            for n in range(int(RATE * 0.025))
        ],
        0.005,
    )


def main() -> int:
    for path in (
        write("chime.wav", chime(), volume=0.5),
        write("end.wav", end(), volume=0.4),
        write("tick.wav", tick(), volume=0.3),
    ):
        print(f"{path.relative_to(OUT.parents[2])}: {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
