"""`--json` of `list`, `exercises`, `today`, `config` and `history`: valid JSON, the keys
docs/json-output.md documents in the order it documents them, and the values the text
shows. (`show`, `stats` and `remind list` are checked beside their other tests.)"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from backpain_cli.cli import cli
from backpain_cli.cli import common as cli_module
from backpain_cli.history.records import (
    ExerciseRecord,
    ExerciseStatus,
    SessionOutcome,
    SessionRecord,
)
from backpain_cli.history.store import open_for_recording

DOC = (Path(__file__).resolve().parents[1] / "docs" / "json-output.md").read_text("utf-8")
NOW = datetime(2026, 11, 4, 11, 0, tzinfo=timezone.utc)  # a Wednesday


def documented(command: str, heading: str) -> list[str]:
    """The keys of one table of the doc, under `# `backpain COMMAND --json``."""
    section = DOC.split(f"# `backpain {command} --json`\n", 1)[1].split("\n# ", 1)[0]
    table = section.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `(\w+)` \|", table, re.M)


def shown(*arguments: str, code: int = 0) -> Any:
    result = CliRunner().invoke(cli, list(arguments))
    assert result.exit_code == code, result.output
    return json.loads(result.stdout)


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setattr(cli_module, "utc_now", lambda: NOW)


def record(home: Path, times: int = 1) -> None:
    """TIMES sessions of upper-back-gentle this morning (it counts as upper-back, 2 a day)."""
    history, warning = open_for_recording(home / "history.sqlite3")
    assert history is not None, warning
    sessions = []
    for hour in range(times):
        started = NOW - timedelta(hours=3 + hour)
        done = ExerciseRecord(
            0, "scapular-squeeze-gentle", "Gentle scapular squeeze", ExerciseStatus.DONE,
            started, started + timedelta(minutes=1), 10, 10, 10, (),
        )  # fmt: skip
        sessions.append(
            SessionRecord(
                0,
                "upper-back-gentle",
                "ab" * 32,
                started,
                started + timedelta(minutes=4),
                SessionOutcome.COMPLETED,
                2,
                pain_before=4,
                pain_after=3,
                exercises=(done,),
                note="easier",
                counts_as="upper-back",
            )
        )
    with history:
        history.add_sessions(sessions)


def test_the_help_says_what_the_json_guide_covers(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["help"])
    assert "every --json (show, list, today...) and history files" in (result.output)
    intro = DOC.split("\n# ", 1)[0]
    for command in ("show", "list", "exercises", "history", "stats", "today", "config"):
        assert f"`{command}`" in intro
        assert f"# `backpain {command}" in DOC
    assert "`remind list`" in intro and "# `backpain remind list --json`" in DOC


def test_list_json_documents_every_key(user_routines: Path) -> None:
    (user_routines / "Bad Name.yaml").write_text("version: 1\n")
    (user_routines / "broken.yaml").write_text("version: 1\ntitle: Broken\n")
    listed = shown("list", "--json")
    assert documented("list", "The list") == list(listed)
    routines = {routine["name"]: routine for routine in listed["routines"]}
    assert documented("list", "Each routine in the list") == list(routines["upper-back"])
    assert routines["upper-back"] | {"path": ""} == {
        "name": "upper-back",
        "title": "Upper back trigger-point relief",
        "exercises": 5,
        "total_seconds": 792,
        "untimed_steps": 0,
        "equipment": ["tennis ball"],
        "origin": "built-in",
        "replaces_built_in": False,
        "path": "",
        "problem": None,
    }
    assert routines["broken"]["problem"] == "invalid: 1 problem; run backpain validate"
    assert routines["broken"]["title"] is None and routines["broken"]["origin"] == "user"
    assert routines["Bad Name.yaml"]["problem"].startswith("cannot be played by name")


def test_exercises_json_all_of_a_routine_and_one() -> None:
    every = shown("exercises", "--json")
    assert documented("exercises", "The exercises") == list(every)
    first = every["exercises"][0]
    assert documented("exercises", "Each exercise in the list") == list(first)
    ids = [exercise["id"] for exercise in every["exercises"]]
    assert len(ids) == len(set(ids)) > 10
    gentle = shown("exercises", "upper-back-gentle", "--json")
    assert [e["id"] for e in gentle["exercises"]] == [
        "ball-trigger-point-pressure-gentle",
        "scapular-squeeze-gentle",
    ]
    one = shown("exercises", "scapular-squeeze", "--json")["exercises"]
    assert len(one) == 1
    assert one[0]["routines"] == ["upper-back", "upper-back-steps"]
    assert one[0]["dose"] == "5 s × 10"
    assert one[0]["image"].endswith("scapular-squeeze.svg")
    by_path = shown(
        "exercises", str(Path(__file__).parents[1] / "routines" / "upper-back.yaml"), "--json"
    )
    assert len(by_path["exercises"]) == 5


def test_exercises_json_and_open_image_ask_for_different_things(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["exercises", "scapular-squeeze", "--open-image", "--json"])
    assert result.exit_code == 2
    assert result.stderr == (
        "backpain: --open-image and --json ask for different things; give one of them\n"
    )


def test_today_json_documents_every_key_and_keeps_the_exit_status(home: Path) -> None:
    record(home)
    due = shown("today", "upper-back", "--json", code=1)  # one of two done: exit 1
    assert documented("today", "Today") == list(due)
    assert documented("today", "Each routine due") == list(due["routines"][0])
    assert due == {
        "format": 1,
        "time_zone": "UTC",
        "today": "2026-11-04",
        "all_done": False,
        "routines": [
            {
                "routine": "upper-back",
                "frequency": {"times": 2, "per": "day"},
                "due_today": 2,
                "done_today": 1,
                "done_this_week": 1,
                "left": 1,
                "done": False,
                "counted_with": ["upper-back-gentle"],
            }
        ],
        "without_frequency": [],
    }
    record(home)
    assert shown("today", "upper-back", "--json")["all_done"] is True  # exit 0
    (home / "routines").mkdir()
    (home / "routines" / "desk.yaml").write_text(
        "version: 1\ntitle: Desk\nexercises:\n"
        "  - {id: squeeze, name: Squeeze, hold: 5, instructions: [Squeeze.]}\n"
    )
    assert shown("today", "desk", "--json")["without_frequency"] == ["desk"]


def test_today_json_and_notify_are_one_or_the_other(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["today", "--json", "--notify"])
    assert result.exit_code == 2
    assert "choose one of --notify and --json" in result.output


def test_config_json_documents_every_key_with_typed_values(home: Path) -> None:
    (home / "config.toml").write_text('prepare = 10\ndefault_routine = "upper-back-chair"\n')
    settings = shown("config", "--json")
    assert documented("config", "The settings") == list(settings)
    assert documented("config", "Each setting") == list(settings["settings"][0])
    assert settings["config_file"] == str(home / "config.toml")
    assert settings["exists"] is True
    values = {item["name"]: (item["value"], item["from"]) for item in settings["settings"]}
    assert values["sound"] == (True, "default")
    assert values["chime"] == (None, "default")
    assert values["prepare"] == (10, "config file")
    assert values["default_routine"] == ("upper-back-chair", "config file")
    assert settings["problems"] == []


def test_config_flags_a_missing_chime_and_a_misspelt_default_routine(
    runner: CliRunner, home: Path
) -> None:
    config = home / "config.toml"
    config.write_text(f'chime = "{home / "bell.wav"}"\ndefault_routine = "upper-bak"\n')
    result = runner.invoke(cli, ["config"])
    assert result.exit_code == 0
    assert result.output.split("\n\nProblems:\n", 1)[1] == (
        f"  chime: {home / 'bell.wav'}: no such file; the built-in chime plays instead\n"
        "  default_routine: upper-bak: no routine of that name (did you mean 'upper-back'?); "
        "`backpain list` shows them all\n"
    )
    assert len(shown("config", "--json")["problems"]) == 2


def test_history_json_documents_every_key(home: Path) -> None:
    record(home)
    history = shown("history", "--json")
    assert documented("history", "The sessions") == list(history)
    session = history["sessions"][0]
    assert documented("history", "Each session shown") == list(session)
    assert documented("history", "Each exercise shown") == list(session["exercises"][0])
    assert session["note"] == "easier" and session["outcome"] == "completed"
