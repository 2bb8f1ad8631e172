"""Text of new routine files: a commented template, or a copy of an existing routine."""

from __future__ import annotations

import re

from backpain_cli.routines.names import EXERCISES_FILE, name_problem

check_name = name_problem  # one name rule for every command (routines/names.py)

_TEMPLATE = """\
# {name}: a routine of your own for backpain.
#
#   backpain show {name}        check it and see its total time
#   backpain start {name}       play it
#   backpain edit {name}        change it (checked again when you save)
#
# Times are in seconds. Lines starting with # are comments. Every key is described by
# `backpain help format`; `backpain schema` gives editors a JSON Schema.
# Ask your physical therapist which exercises and doses are right for you.
version: 1
title: {title}
summary: A short routine of my own.  # optional: one or two sentences
source: My physical therapist's advice.  # optional: where the exercises come from
frequency: 1 per day  # optional: N per day or N per week (`backpain today` uses it)
defaults:  # optional: dose of every exercise that does not give its own
  prepare: 5  # seconds to get into position before an exercise
  rest: 10  # seconds between reps and between sides
  set_rest: 30  # seconds between sets
exercises:
  # An exercise written out in full:
  - id: my-rhomboid-stretch  # lowercase letters, digits and dashes; unique in this file
    name: Rhomboid stretch (my way)  # shown while playing
    position: sitting on a chair  # optional
    equipment: [chair]  # optional, e.g. [chair, tennis ball]
    hold: 30  # seconds per rep
    reps: 3  # per side when there are sides
    sets: 1
    sides: []  # or [left, right]: the sides alternate every rep; LEFT is the left side
    # of the body worked or stretched, so say in the steps which way to move for it
    instructions:  # how to do it, one step per line
      - Sit on the front of a sturdy chair with your feet flat on the floor.
      - Reach forward and hold on to your knees.
      - Let your upper back round so your shoulder blades spread apart.
      - Feel a gentle stretch between your shoulder blades and hold it.
    cues:  # optional: short reminders shown during the hold
      - Breathe slowly.
    caution: Stop if you feel pain, numbness or tingling.  # optional

  # An exercise reused by its id, changing only the dose. `backpain exercises` lists the
  # built-in ones; your own can go in {library} next to this file, and
  # ROUTINE/ID takes one from another routine.
  - use: scapular-squeeze
    hold: 5
    reps: 10
"""

_NAME_LINE = re.compile(r"^name:[^\n]*$", re.MULTILINE)
_TITLE_LINE = re.compile(
    r"^title:[ \t]*(?P<value>[^#\n]*?)(?P<comment>[ \t]+#[^\n]*)?[ \t]*$", re.MULTILINE
)


def routine_template(name: str) -> str:
    """A commented routine that validates, shows and plays as it is."""
    title = name.replace("-", " ").capitalize()
    return _TEMPLATE.format(name=name, title=title, library=EXERCISES_FILE)


def copied_routine(text: str, *, name: str, origin: str) -> str:
    """A routine file's text renamed to NAME, with a first line saying where it came from,
    and its title marked as NAME's, so `list` does not show two identical titles."""
    renamed = _NAME_LINE.sub(f"name: {name}", text, count=1)
    renamed = _TITLE_LINE.sub(lambda line: _titled(line, name), renamed, count=1)
    return f"# {name}: your copy of {origin}, made by `backpain new`.\n{renamed}"


def _titled(line: re.Match[str], name: str) -> str:
    """`title: T` as `title: T (NAME)`; a quoted or block title, or one that would pass
    the format's 100 characters, is left as it is."""
    value, comment = line["value"], line["comment"] or ""
    if value[:1] in ("'", '"', "|", ">", "") or len(value) + len(name) + 3 > 100:
        return line[0]
    return f"title: {value} ({name}){comment}"
