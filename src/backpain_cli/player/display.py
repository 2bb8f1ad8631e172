"""What the player shows, in one place for the CLI and the tests to import from:

- `PlayerScreen` (layout.py) is the rich renderable of one moment (a `Status`), laid out
  for the terminal it is drawn on; `big_digits` (bigtext.py) is its countdown font.
- `LiveScreen` (live.py) is the engine listener that hands a new `PlayerScreen` to rich
  `Live` when what it shows changes, at most ~4 times a second while the countdown runs;
  `NoticeLine` is the message line under the countdown.
- `PlainLog` (plain.py) is the engine listener for `--plain`, pipes and screen readers.
- `summary_view` (summary.py) is the end summary.
- words.py holds the words they share (what comes next, the progress, the key line).

No terminal access here: the CLI owns the console, `Live` and the output stream.
"""

from __future__ import annotations

from backpain_cli.player.bigtext import big_digits, big_height, big_width, fit_scale
from backpain_cli.player.layout import PlayerScreen
from backpain_cli.player.live import LiveScreen, NoticeLine
from backpain_cli.player.plain import PlainLog, plain_lines, segment_line, stamp
from backpain_cli.player.summary import AFTERCARE, hurt_note, summary_view
from backpain_cli.player.words import (
    countdown_text,
    current_cue,
    key_line,
    next_text,
    next_words,
    progress_text,
    side_word,
)

__all__ = [
    "AFTERCARE",
    "LiveScreen",
    "NoticeLine",
    "PlainLog",
    "PlayerScreen",
    "big_digits",
    "big_height",
    "big_width",
    "countdown_text",
    "current_cue",
    "fit_scale",
    "hurt_note",
    "key_line",
    "next_text",
    "next_words",
    "plain_lines",
    "progress_text",
    "segment_line",
    "side_word",
    "stamp",
    "summary_view",
]
