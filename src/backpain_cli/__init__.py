"""backpain: a calm terminal coach for physical-therapy exercise routines.

The folders follow the data: `routines/` (file to timeline), `player/` (timeline to the
person), `history/` (what was done), `progression/` (which step of a plan is current),
`report/` (a page for the therapist), `reminders/` (the operating system's scheduler),
`transfer/` (what travels between machines and people) and `cli/` (the commands on
top); see docs/architecture.md.

Records: one rule, written down in docs/architecture.md ("Records"). Values that cross
a room's border are immutable: a `@dataclass(frozen=True)` where it validates itself,
is copied with `replace` or shares a base class (events); a `NamedTuple` where none of
that is needed and a measured start-up path defines it, for one reason only, import
cost: a frozen dataclass builds its methods at import (about 0.5 ms each here), a
NamedTuple about 0.1 ms.
"""

# A literal (read by hatchling at build time) keeps `import backpain_cli` free of
# importlib.metadata, which would cost start-up time on every command.
__version__ = "0.1.0"
