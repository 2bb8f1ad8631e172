"""`history export`, `history import` and `report --history`: a history leaves the
machine as JSON Lines and comes back whole, once, or not at all."""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from backpain_cli.cli import cli
from backpain_cli.cli import common as cli_module
from backpain_cli.history.merging import history_in_memory, incoming, merge_sessions
from backpain_cli.history.records import (
    ExerciseRecord,
    ExerciseStatus,
    SessionOutcome,
    SessionRecord,
)
from backpain_cli.history.store import open_for_reading, open_for_recording
from backpain_cli.routines.model import Frequency, Period

NOW = datetime(2026, 11, 4, 12, 0, tzinfo=timezone.utc)
UUIDS = [f"00000000-0000-4000-8000-{n:012d}" for n in range(100)]


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setattr(cli_module, "utc_now", lambda: NOW)


def session(
    day: int,
    *,
    uuid: str = "",
    note: str = "",
    pain: tuple[int | None, int | None] = (3, 2),
    status: ExerciseStatus = ExerciseStatus.DONE,
    routine: str = "upper-back",
) -> SessionRecord:
    start = NOW - timedelta(days=day, hours=2)
    exercise = ExerciseRecord(
        position=0,
        exercise_id="scapular-squeeze",
        name="Scapular squeeze",
        status=status,
        started=start,
        ended=start + timedelta(minutes=1),
        reps_done=10,
        holds_done=10,
        holds_planned=10,
        sides_done=("left", "right"),
    )
    end = start + timedelta(minutes=9)
    return SessionRecord(
        id=0,
        routine=routine,
        routine_hash="5e" * 32,
        started=start,
        last_update=end,
        ended=end,
        outcome=SessionOutcome.COMPLETED,
        exercises_planned=1,
        pain_before=pain[0],
        pain_after=pain[1],
        frequency=Frequency(1, Period.DAY),
        exercises=(exercise,),
        note=note,
        uuid=uuid,
    )


def record(home: Path, *sessions: SessionRecord) -> None:
    store, warning = open_for_recording(home / "history.sqlite3")
    assert store is not None, warning
    with store:
        store.add_sessions(sessions)


def sessions_in(home: Path) -> list[SessionRecord]:
    store = open_for_reading(home / "history.sqlite3")
    assert store is not None
    with store:
        return store.sessions(with_exercises=True)


def use_home(monkeypatch: pytest.MonkeyPatch, folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    monkeypatch.setenv("BACKPAIN_HOME", str(folder))
    return folder


def test_export_writes_a_header_and_a_line_per_session(runner: CliRunner, home: Path) -> None:
    record(home, session(2, uuid=UUIDS[1], note="tight"), session(1, uuid=UUIDS[2]))
    result = runner.invoke(cli, ["history", "export", "-o", "-"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    machine = (home / "machine").read_text().strip()
    assert lines[0] == {
        "format": "backpain-history",
        "version": 1,
        "tool": lines[0]["tool"],
        "machine": machine,
    }
    assert re.fullmatch(r"[A-Za-z0-9._-]+-[0-9a-f]{6}", machine)
    assert [line["uuid"] for line in lines[1:]] == UUIDS[1:3]
    first = lines[1]
    assert first["note"] == "tight" and first["pain_before"] == 3 and first["origin"] is None
    assert first["exercises"][0]["sides_done"] == ["left", "right"]
    assert first["started_at"] == "2026-11-02T10:00:00.000+00:00"


def test_export_since_without_notes_or_pain(runner: CliRunner, home: Path) -> None:
    hurt = ExerciseStatus.STOPPED_FOR_PAIN
    record(home, session(20, uuid=UUIDS[1]), session(1, uuid=UUIDS[2], note="x", status=hurt))
    result = runner.invoke(
        cli, ["history", "export", "--since", "7d", "--no-notes", "--no-pain", "-o", "-"]
    )
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert len(lines) == 2
    assert (lines[1]["note"], lines[1]["pain_before"], lines[1]["pain_after"]) == ("", None, None)
    assert lines[1]["exercises"][0]["status"] == "stopped"


def test_export_to_a_file_and_its_errors(runner: CliRunner, home: Path, tmp_path: Path) -> None:
    record(home, session(1))
    made = runner.invoke(cli, ["history", "export", "-o", str(tmp_path / "out.jsonl")])
    assert made.output == f"Exported 1 session to {tmp_path / 'out.jsonl'}\n"
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 2
    bad = runner.invoke(cli, ["history", "export", "-o", str(tmp_path / "none" / "x.jsonl")])
    assert bad.exit_code == 2
    assert bad.stderr.startswith(f"backpain: cannot write {tmp_path / 'none' / 'x.jsonl'}")
    if hasattr(os, "mkfifo"):  # a device or a pipe is never replaced by the export
        os.mkfifo(tmp_path / "pipe")
        piped = runner.invoke(cli, ["history", "export", "-o", str(tmp_path / "pipe")])
        assert (piped.exit_code, piped.stderr) == (
            2,
            f"backpain: cannot write {tmp_path / 'pipe'}: it is a named pipe (FIFO), not a file\n",
        )
        assert stat.S_ISFIFO(os.stat(tmp_path / "pipe").st_mode)
    bad_since = runner.invoke(cli, ["history", "export", "--since", "soon"])
    assert bad_since.exit_code == 2


def test_export_without_a_history_is_only_the_header(
    runner: CliRunner, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["history", "export"])
    assert result.output == "Exported 0 sessions to backpain-history-2026-11-04.jsonl\n"
    assert len(Path("backpain-history-2026-11-04.jsonl").read_text().splitlines()) == 1


def test_export_then_import_twice_into_a_home_with_its_own_session(
    runner: CliRunner, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record(home, session(2), session(1))
    exported = tmp_path / "laptop.jsonl"
    assert runner.invoke(cli, ["history", "export", "-o", str(exported)]).exit_code == 0
    machine = (home / "machine").read_text().strip()
    other = use_home(monkeypatch, tmp_path / "desktop")
    record(other, session(3))
    first = runner.invoke(cli, ["history", "import", str(exported)])
    assert first.output == "Imported 2 sessions.\n"
    again = runner.invoke(cli, ["history", "import", str(exported)])
    assert again.output == "Imported 0 sessions; 2 already in your history.\n"
    found = sessions_in(other)
    assert len(found) == 3
    assert [s.origin for s in found] == [None, machine, machine]
    table = runner.invoke(cli, ["history"]).output.splitlines()
    assert table[3] == f"    from: {machine}"
    shown = json.loads(runner.invoke(cli, ["history", "--json"]).output)
    assert [s["origin"] for s in shown["sessions"]] == [None, machine, machine]


def test_a_forgotten_session_never_comes_back(
    runner: CliRunner, home: Path, tmp_path: Path
) -> None:
    record(home, session(2, uuid=UUIDS[1]), session(1, uuid=UUIDS[2]))
    exported = tmp_path / "all.jsonl"
    runner.invoke(cli, ["history", "export", "-o", str(exported)])
    assert runner.invoke(cli, ["history", "forget", "1", "--yes"]).exit_code == 0
    result = runner.invoke(cli, ["history", "import", str(exported)])
    assert result.output == "Imported 0 sessions; 2 already in your history.\n"
    assert [s.uuid for s in sessions_in(home)] == [UUIDS[2]]


def _file(tmp_path: Path, *lines: str, name: str = "in.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(line + "\n" for line in lines))
    return path


HEADER = json.dumps(
    {"format": "backpain-history", "version": 1, "tool": "backpain 9", "machine": "laptop"}
)


def _line(**changes: object) -> str:
    from backpain_cli.history.lines import session_lines

    store = history_in_memory()
    store.add_sessions([session(1, uuid=UUIDS[5])])
    line = json.loads(next(session_lines(store)))
    line.update(changes)
    return json.dumps(line)


def _exercise(**changes: object) -> str:
    line = json.loads(_line())
    line["exercises"][0].update(changes)
    return json.dumps(line)


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ((), "{file}: empty; a history file starts with its header line"),
        (("{}",), "{file}:1: not a backpain history file (the first line is not its header)"),
        (
            (HEADER.replace('"version": 1', '"version": 2'),),
            "{file}:1: written by a newer backpain (history file version 2; this one reads up "
            "to 1); upgrade backpain to read it",
        ),
        ((HEADER.replace('"version": 1', '"version": 0'),), "{file}:1: version: unknown version 0"),
        (
            (HEADER.replace('"version": 1', '"version": "1"'),),
            "{file}:1: version: must be a whole number, got str",
        ),
        ((HEADER, "nope"), "{file}:2: not valid JSON (Expecting value: line 1 column 1 (char 0))"),
        ((HEADER, "[1]"), "{file}:2: a session must be an object, got a list"),
        ((HEADER, _line(uuid="42")), "{file}:2: uuid: not a UUID like 0b5e…-…: '42'"),
        ((HEADER, _line(routine=None)), "{file}:2: routine: must be text, got null"),
        ((HEADER, _line(routine="a\x1b[2J")), "{file}:2: routine: a control character (U+001B)"),
        ((HEADER, _line(note="a\nb\x07")), "{file}:2: note: a control character (U+0007)"),
        (
            (HEADER, _line(pain_before=11)),
            "{file}:2: pain_before: must be between 0 and 10, got 11",
        ),
        (
            (HEADER, _line(pain_after=True)),
            "{file}:2: pain_after: must be a whole number or null, got true/false",
        ),
        (
            (HEADER, _line(outcome="won")),
            "{file}:2: outcome: must be one of completed, partial, got 'won'",
        ),
        (
            (HEADER, _line(started_at="yesterday")),
            "{file}:2: started_at: not a UTC time like 2026-12-07T08:30:00.000+00:00",
        ),
        (
            (HEADER, _line(started_at="2026-13-45T10:00:00.000+00:00")),
            "{file}:2: started_at: not a UTC time like 2026-12-07T08:30:00.000+00:00",
        ),
        (
            (HEADER, _line(started_at="2026-11-01T10:00:00")),
            "{file}:2: started_at: not a UTC time like 2026-12-07T08:30:00.000+00:00",
        ),
        ((HEADER, _line(frequency="often")), "{file}:2: frequency: not like '2 per day': 'often'"),
        ((HEADER, _line(speed=0)), "{file}:2: speed: must be above 0 and at most 1000, got 0.0"),
        (
            (HEADER, _line(away_seconds=-1)),
            "{file}:2: away_seconds: must be between 0 and ten years, got -1.0",
        ),
        (
            (HEADER, _line(exercises_planned=-1)),
            "{file}:2: exercises_planned: must be between 0 and 10000, got -1",
        ),
        ((HEADER, _line(plan_step=0)), "{file}:2: plan_step: must be between 1 and 1000, got 0"),
        ((HEADER, _line(exercises=[{}] * 501)), "{file}:2: exercises: 501 of them; at most 500"),
        ((HEADER, _line(exercises=[3])), "{file}:2: exercises[0]: must be an object, got int"),
        (
            (HEADER, _exercise(status="gone")),
            "{file}:2: exercises[0].status: must be one of done, skipped, stopped-for-pain, "
            "stopped, got 'gone'",
        ),
        (
            (HEADER, _exercise(started_at="yesterday")),
            "{file}:2: exercises[0].started_at: not a UTC time like 2026-12-07T08:30:00.000+00:00",
        ),
        (
            (HEADER, _exercise(ended_at="2026-13-45T10:00:00.000+00:00")),
            "{file}:2: exercises[0].ended_at: not a UTC time like 2026-12-07T08:30:00.000+00:00",
        ),
        (
            (HEADER, _exercise(sides_done=["left,right"])),
            "{file}:2: exercises[0].sides_done: must be a list of texts",
        ),
        (
            (HEADER, _exercise(sides_done=[1])),
            "{file}:2: exercises[0].sides_done: must be a list of texts",
        ),
        (
            (HEADER, _exercise(rating=12)),
            "{file}:2: exercises[0].rating: must be between 0 and 10, got 12",
        ),
        (
            (HEADER, _exercise(rating_kind="joy")),
            "{file}:2: exercises[0].rating_kind: must be pain, effort or null, got 'joy'",
        ),
        ((HEADER, _line(note="x" * 2001)), "{file}:2: note: 2001 characters; at most 2000"),
        ((HEADER, json.dumps({"uuid": UUIDS[1]})), "{file}:2: pain_before: missing"),
        (
            (HEADER, _line(speed=float("nan")).replace("NaN", "NaN")),
            "{file}:2: not valid JSON (NaN is not a number)",
        ),
    ],
)
def test_a_bad_line_is_named_and_nothing_is_imported(
    runner: CliRunner, home: Path, tmp_path: Path, lines: tuple[str, ...], message: str
) -> None:
    good = _file(tmp_path, HEADER, _line(uuid=UUIDS[9]), name="good.jsonl")
    bad = _file(tmp_path, *lines)
    result = runner.invoke(cli, ["history", "import", str(good), str(bad)])
    assert result.exit_code == 2
    assert result.stderr == "backpain: " + message.format(file=bad) + "\n"
    assert not (home / "history.sqlite3").exists()


def test_import_reports_a_file_it_cannot_read(
    runner: CliRunner, home: Path, tmp_path: Path
) -> None:
    result = runner.invoke(cli, ["history", "import", str(tmp_path / "none.jsonl")])
    assert result.stderr == (
        f"backpain: {tmp_path / 'none.jsonl'}: cannot read it (No such file or directory)\n"
    )
    result = runner.invoke(cli, ["history", "import", str(tmp_path)])
    assert result.stderr == f"backpain: {tmp_path}: not a file\n"
    (tmp_path / "bytes.jsonl").write_bytes(HEADER.encode() + b"\n\xff\xfe\n")
    result = runner.invoke(cli, ["history", "import", str(tmp_path / "bytes.jsonl")])
    assert result.stderr == f"backpain: {tmp_path / 'bytes.jsonl'}:2: not UTF-8 text\n"


def test_import_where_history_cannot_be_written(
    runner: CliRunner, home: Path, tmp_path: Path
) -> None:
    good = _file(tmp_path, HEADER, _line())
    (home / "history.sqlite3").mkdir()
    result = runner.invoke(cli, ["history", "import", str(good)])
    assert result.exit_code == 2
    assert "history.sqlite3" in result.stderr


def test_a_newer_copy_of_a_session_from_elsewhere_replaces_the_older() -> None:
    store = history_in_memory()
    partial = replace(session(1, uuid=UUIDS[1]), origin="laptop", outcome=SessionOutcome.PARTIAL)
    assert merge_sessions(store, [incoming(partial)]).added == 1
    later = incoming(replace(partial, outcome=SessionOutcome.COMPLETED, last_update=NOW))
    older = incoming(replace(partial, last_update=NOW - timedelta(days=3)))
    merged = merge_sessions(store, [later, older, incoming(partial)])
    assert (merged.added, merged.updated, merged.known) == (0, 1, 0)
    assert merge_sessions(store, [later]).known == 1
    found = store.sessions(with_exercises=True)
    assert [(s.outcome, len(s.exercises)) for s in found] == [(SessionOutcome.COMPLETED, 1)]


def test_report_from_exported_files_gives_the_same_adherence(
    runner: CliRunner, home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record(home, *(session(day, pain=(4, 2), routine="my-neck") for day in (1, 2, 4, 5, 9)))
    own = runner.invoke(cli, ["report", "--format", "markdown", "-o", "-"]).output
    exported = tmp_path / "patient.jsonl"
    runner.invoke(cli, ["history", "export", "-o", str(exported)])
    therapist = use_home(monkeypatch, tmp_path / "therapist")
    theirs = runner.invoke(
        cli, ["report", "--history", str(exported), "--format", "markdown", "-o", "-"]
    )
    assert theirs.exit_code == 0, theirs.output

    def adherence(text: str) -> list[str]:
        return [line for line in text.splitlines() if line.startswith("**Adherence")]

    # 26 Oct to yesterday: 9 days due; today is not over, and nothing is done yet.
    assert (
        adherence(own) == adherence(theirs.output) == ["**Adherence: 5 of 9 due sessions, 56 %**"]
    )
    assert "The routine file is not on this machine" in theirs.output
    assert not (therapist / "history.sqlite3").exists()


def test_lines_that_are_odd_but_valid(runner: CliRunner, home: Path, tmp_path: Path) -> None:
    partial = _line(uuid=UUIDS[7], ended_at=None, frequency="", outcome="partial")
    path = _file(tmp_path, HEADER, "", partial, "   ")
    assert runner.invoke(cli, ["history", "import", str(path)]).output == "Imported 1 session.\n"
    (found,) = sessions_in(home)
    assert (found.ended, found.frequency, found.origin) == (None, None, "laptop")


def test_a_line_too_long_is_refused(runner: CliRunner, home: Path, tmp_path: Path) -> None:
    path = _file(tmp_path, HEADER, _line(note="x" * (1 << 20)))
    result = runner.invoke(cli, ["history", "import", str(path)])
    assert result.stderr.startswith(f"backpain: {path}:2: a line of ")
    assert result.stderr.endswith(" bytes; at most 1048576\n")


def test_a_file_too_large_is_refused(runner: CliRunner, home: Path, tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    with path.open("wb") as handle:
        handle.truncate(257 << 20)  # sparse: nothing is really written
    result = runner.invoke(cli, ["history", "import", str(path)])
    assert result.stderr == f"backpain: {path}: 257 MiB; a history file is at most 256 MiB\n"


def test_machine_name_is_made_once_and_kept(tmp_path: Path) -> None:
    from backpain_cli.transfer.history_io import machine_name

    made = machine_name(tmp_path, lambda: "My Laptop.local")
    assert re.fullmatch(r"My-Laptop-[0-9a-f]{6}", made)
    assert machine_name(tmp_path, lambda: "other") == made
    (tmp_path / "machine").write_text("../odd\n")
    assert machine_name(tmp_path, lambda: "..").startswith("machine-")
    (tmp_path / "file").write_text("")
    assert machine_name(tmp_path / "file", lambda: "host") == "host"  # cannot be kept


def test_doses_as_the_history_knows_them() -> None:
    from backpain_cli.report.contents import plan_from_history

    def with_exercise(**changes: object) -> SessionRecord:
        base = session(1)
        return replace(base, exercises=(replace(base.exercises[0], **changes),))

    sessions = [
        with_exercise(holds_planned=0),
        with_exercise(holds_planned=7, sides_done=("left", "right")),
        with_exercise(holds_planned=4, sides_done=("left",)),
    ]
    doses = [
        plan_from_history("upper-back", [one], frequency=None).doses[0].dose for one in sessions
    ]
    assert doses == ["", "7 reps", "4 reps"]
    assert plan_from_history("gone", [], frequency=None).file_note == (
        "The routine file no longer exists; its name and exercises are as the history "
        "recorded them."
    )


def test_the_history_file_doc_documents_every_key_in_order(runner: CliRunner, home: Path) -> None:
    record(home, session(1))
    lines = [
        json.loads(line)
        for line in runner.invoke(cli, ["history", "export", "-o", "-"]).output.splitlines()
    ]
    doc = (Path(__file__).resolve().parents[1] / "docs" / "json-output.md").read_text()
    part = doc.split("# `backpain history export`: history files\n", 1)[1]

    def documented(heading: str) -> list[str]:
        section = part.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
        return re.findall(r"^\| `(\w+)` \|", section, re.M)

    assert documented("The header") == list(lines[0])
    assert documented("Each session") == list(lines[1])
    assert documented("Each exercise of a session") == list(lines[1]["exercises"][0])


def test_an_exercise_the_quick_check_passes_on_is_checked_in_full(
    runner: CliRunner, home: Path, tmp_path: Path
) -> None:
    joined = _exercise(name="Chin\u00adtuck")  # a soft hyphen: not printable, not unsafe
    path = _file(tmp_path, HEADER, joined)
    assert runner.invoke(cli, ["history", "import", str(path)]).output == "Imported 1 session.\n"
    assert sessions_in(home)[0].exercises[0].name == "Chin\u00adtuck"
