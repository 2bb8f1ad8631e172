"""backpain: a calm terminal coach for physical-therapy exercise routines.

The folders follow the data: `routines/` (file to timeline), `player/` (timeline to the
person), `history/` (what was done), `cli/` (the commands on top); see
docs/architecture.md.

Records: values that cross a room's border are immutable `@dataclass(frozen=True)`
(they validate themselves, events share a base class, `replace` copies them), except
those every command defines at start-up (`Problem`, `Locations`, `RoutineFile`,
`Segment`, `Timeline`, `format.Key`), which are `NamedTuple`s for one reason: a
dataclass builds its methods at import, about 1 ms each, against 0.1 ms.
"""

# A literal (read by hatchling at build time) keeps `import backpain_cli` free of
# importlib.metadata, which would cost start-up time on every command.
__version__ = "0.1.0"
