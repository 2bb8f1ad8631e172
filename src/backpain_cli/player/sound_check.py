"""`backpain sound-test`: each cue played once, named on screen while it plays, and a
plain word on what was used, what cannot be heard and what to install.

The cues play one after the other, each waited for (at most `LIMIT` seconds): this is
the one place where waiting for a sound is what the person asked for.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from backpain_cli.player.sound import BELL_SOUNDS, SoundHandle, SoundName, SoundOutput
from backpain_cli.player.speech import CommandSpeaker

LIMIT = 10.0  # seconds a cue may take before the check moves on
SPOKEN = "Rhomboid stretch, left side, hold 30 seconds"

CUES = (
    (SoundName.TICK, "tick", "3-2-1 before an exercise, end of each rep"),
    (SoundName.CHIME, "set chime", "end of each set"),
    (SoundName.END, "end sound", "end of the routine (or q)"),
)


class Platform(NamedTuple):
    """What a person installs on one kind of system to hear sound and speech."""

    name: str
    sound: str  # the command that installs an audio player
    voice: str  # the command that installs a speech program


DEBIAN = Platform(
    "Debian or Ubuntu",
    "sudo apt install gstreamer1.0-plugins-base-apps gstreamer1.0-pulseaudio",
    "sudo apt install espeak-ng",
)
FEDORA = Platform(
    "Fedora",
    "sudo dnf install gstreamer1-plugins-base-tools gstreamer1-plugins-good",
    "sudo dnf install espeak-ng",
)
MACOS = Platform(
    "macOS",
    "afplay comes with macOS: check that /usr/bin/afplay is there",
    "say comes with macOS: check that /usr/bin/say is there",
)


def read_os_release(path: Path = Path("/etc/os-release")) -> str:
    """The text that names this Linux system, or "" where there is none."""
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def platforms(system: str, os_release: str) -> tuple[Platform, ...]:
    """The install advice for this system (`sys.platform` and /etc/os-release's text);
    every one we know when we cannot tell."""
    if system == "darwin":
        return (MACOS,)
    words: set[str] = set()
    for line in os_release.splitlines():
        key, _, value = line.partition("=")
        if key in ("ID", "ID_LIKE"):
            words.update(value.strip().strip("\"'").lower().split())
    if words & {"debian", "ubuntu"}:
        return (DEBIAN,)
    if words & {"fedora", "rhel", "centos"}:
        return (FEDORA,)
    return (DEBIAN, FEDORA, MACOS)


class Checked(NamedTuple):
    player: str | None  # the audio player's name, None: none found
    bell: bool  # a terminal bell can ring instead
    voice: str | None  # the speech program's name, None: none (or not asked for)
    played: int  # sounds and phrases that were really played


def sound_check(
    sounds: SoundOutput,
    speaker: CommandSpeaker | None,
    *,
    voice: bool,
    show: Callable[[str], None],
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Checked:
    """Play each cue once, showing its name first; then say what was used."""
    sounds.load()
    player = sounds.player
    played = 0
    for sound, name, when in CUES:
        if player is None:
            bell = sounds.rings_bell and sound in BELL_SOUNDS
            show(f"  {name:<10} {when}: {'the terminal bell' if bell else 'not heard'}")
        else:
            show(f"  {name:<10} {when}")
        played += _wait(sounds.start(sound), clock, sleep)
    if voice:
        heard = "" if speaker is not None else ": not heard"
        show(f'  {"voice":<10} "{SPOKEN}"{heard}')
        if speaker is not None:
            played += _wait(speaker.start(SPOKEN), clock, sleep)
    spoken = speaker.program.name if voice and speaker is not None else None
    return Checked(None if player is None else player.name, sounds.rings_bell, spoken, played)


def _wait(
    handle: SoundHandle | None, clock: Callable[[], float], sleep: Callable[[float], None]
) -> int:
    """Until the sound or phrase is over; 1 if one was played, else 0."""
    if handle is None:
        return 0
    deadline = clock() + LIMIT
    while handle.is_alive() and clock() < deadline:
        sleep(0.02)
    handle.stop()
    return 1


def advice(checked: Checked, *, voice: bool, where: tuple[Platform, ...]) -> list[str]:
    """What was used and, when something cannot be heard, what to install (lines of at
    most 80 columns)."""
    lines = []
    if checked.player is not None:
        lines.append(f"Sounds: {checked.player}.")
    else:
        if checked.bell:
            lines.append("No audio player was found: only the terminal bell sounds, for")
            lines.append("the set chime and the end sound. To hear the sounds, install one:")
        else:
            lines.append("Nothing can be heard: no audio player was found, and no terminal")
            lines.append("is here to ring a bell. To hear the sounds, install one:")
        lines += _install(where, "sound")
    if voice and checked.voice is None:
        lines.append("No speech program was found: nothing is spoken. To hear the voice:")
        lines += _install(where, "voice")
    elif voice:
        lines.append(f"Voice: {checked.voice}.")
    else:
        lines.append("Add --voice to hear a spoken cue too.")
    if checked.played:
        lines.append("Heard nothing? Check the volume and which output your system plays")
        lines.append("to: a player cannot tell when no speaker is connected.")
    return lines


def _install(where: tuple[Platform, ...], what: str) -> list[str]:
    lines = []
    for platform in where:
        lines.append(f"  {platform.name}:")
        lines.append(f"    {platform.sound if what == 'sound' else platform.voice}")
    return lines
