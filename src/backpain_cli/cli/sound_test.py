"""`backpain sound-test`: hear each cue once, and learn what to install when you cannot."""

from __future__ import annotations

import sys

import click


@click.command("sound-test")
@click.option("--voice", is_flag=True, help="Also speak a cue, as `start --voice` does.")
def sound_test_command(voice: bool) -> None:
    """Play each cue once, with its name: the tick, the set chime, the end sound and,
    with --voice, a spoken cue. Then say which player and voice were used, and what to
    install when nothing can be heard.

    \b
    Examples:
      backpain sound-test
      backpain sound-test --voice
    """

    from backpain_cli.player import sound, sound_check, speech

    def show(line: str) -> None:
        click.echo(line)
        sys.stdout.flush()  # the name is on screen while its cue plays

    notices: list[str] = []  # said plainly in the advice below
    bell = sound.terminal_bell(sys.stdout, sys.stderr)
    sounds = sound.SoundOutput(sound.bundled_sounds(), bell=bell, notify=notices.append)
    speaker = None
    if voice:
        speaker = speech.make_speaker(platform=sys.platform, notify=notices.append)
    show("Sound check: each cue plays once, named as it plays.")
    checked = sound_check.sound_check(sounds, speaker, voice=voice, show=show)
    show("")
    where = sound_check.platforms(sys.platform, sound_check.read_os_release())
    for line in sound_check.advice(checked, voice=voice, where=where):
        show(line)
