"""Plans (`counts_as`) and adherence that starts with the first session: through the
commands, over a real history file, and in the pure computations."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from click.testing import CliRunner
from test_history_cli import BERLIN, make, record, run
from test_history_cli import clock as clock  # the fixed clock and zone
from test_stats import THREE_A_WEEK, TWICE_A_DAY, at, session

from backpain_cli.history.overview import Plan, RoutineFacts, plans
from backpain_cli.history.stats import adherence, due_today


def test_a_desk_session_counts_toward_the_floor_routines_frequency(
    runner: CliRunner, home: Path
) -> None:
    record(
        home,
        make("2026-11-04 07:00"),
        make(
            "2026-11-04 10:00", routine="upper-back-chair", frequency=None, counts_as="upper-back"
        ),
    )
    assert run(runner, "today") == (
        0,
        "Today, Wed 2026-11-04\n"
        "  Upper back trigger-point relief  2 per day  2 of 2 done  done  "
        "(with upper-back-chair)\n"
        "All done for today.\n",
    )


def test_old_sessions_without_a_recorded_plan_take_it_from_the_routine_file(
    runner: CliRunner, home: Path
) -> None:
    record(home, make("2026-11-04 07:00"), make("2026-11-04 10:00", routine="upper-back-chair"))
    connection = sqlite3.connect(home / "history.sqlite3")
    connection.execute("UPDATE sessions SET counts_as = NULL")  # as migrated from v2
    connection.commit()
    connection.close()
    code, output = run(runner, "today")
    assert (code, output.splitlines()[1]) == (
        0,
        "  Upper back trigger-point relief  2 per day  2 of 2 done  done  (with upper-back-chair)",
    )


def test_counts_as_a_routine_that_does_not_exist_counts_toward_itself(
    runner: CliRunner, home: Path, user_routines: Path
) -> None:
    (user_routines / "desk.yaml").write_text(
        "version: 1\ntitle: Desk\ncounts_as: upper-bak\n"
        "exercises:\n  - {id: a, name: A, hold: 5, instructions: [Do.]}\n"
    )
    record(home, make("2026-11-04 07:00", routine="desk", counts_as=None, frequency=None))
    connection = sqlite3.connect(home / "history.sqlite3")
    connection.execute("UPDATE sessions SET frequency = NULL")
    connection.commit()
    connection.close()
    assert run(runner, "today") == (
        0,
        "Today, Wed 2026-11-04\n  Desk: no frequency set, so nothing is due\n",
    )
    code, output = run(runner, "validate", str(user_routines / "desk.yaml"))
    assert code == 2
    assert "desk.yaml:3:12: counts_as: no routine is named 'upper-bak' (did you mean " in output


def test_the_built_in_variants_count_as_upper_back(runner: CliRunner) -> None:
    root = Path(__file__).resolve().parents[1] / "routines"
    for name in ("upper-back-chair", "upper-back-gentle"):
        code, output = run(runner, "validate", str(root / f"{name}.yaml"))
        assert code == 0, output
        assert "counts_as: upper-back\n" in (root / f"{name}.yaml").read_text()


def test_plans_group_variants_and_look_files_up_only_when_nothing_is_recorded() -> None:
    looked: list[str] = []
    files = {
        "upper-back": RoutineFacts(TWICE_A_DAY),
        "upper-back-gentle": RoutineFacts(None, "upper-back"),
        "orphan": RoutineFacts(None, "missing"),
    }

    def lookup(name: str) -> RoutineFacts:
        looked.append(name)
        if name not in files:
            raise LookupError(name)
        return files[name]

    found = plans(
        ["upper-back-chair", "upper-back-gentle", "orphan", "gone"],
        recorded_plans={"upper-back-chair": "upper-back", "gone": "gone"},
        recorded_frequencies={"upper-back": TWICE_A_DAY, "upper-back-chair": None},
        lookup=lookup,
    )
    assert found == [
        Plan("upper-back", TWICE_A_DAY, ("upper-back-chair", "upper-back-gentle")),
        Plan("orphan", None, ("orphan",)),
    ]  # "gone" neither loads nor has a recorded frequency: left out
    assert sorted(set(looked)) == ["gone", "missing", "orphan", "upper-back-gentle"]


# -- adherence starts with the first session --------------------------------------------


def test_day_one_is_not_zero_percent_of_four_weeks() -> None:
    now = at("2026-12-01 09:00", BERLIN)  # a Tuesday, the first session ever
    sessions = [session(at("2026-12-01 08:49", BERLIN))]
    first = date(2026, 12, 1)
    this_week = adherence(
        "upper-back", TWICE_A_DAY, sessions, now=now, zone=BERLIN, first_day=first
    )
    # Today is not over: its second session is asked (target), not yet due.
    assert (this_week.done, this_week.target, this_week.due_so_far) == (1, 12, 1)
    before = adherence(
        "upper-back", TWICE_A_DAY, sessions, now=now, zone=BERLIN, weeks=4, weeks_back=1,
        first_day=first,
    )  # fmt: skip
    assert (before.done, before.target, before.started) == (0, 0, False)


def test_variants_count_toward_one_plan() -> None:
    now = at("2026-11-04 20:00", BERLIN)
    sessions = [
        session(at("2026-11-04 08:00", BERLIN)),
        session(at("2026-11-04 13:00", BERLIN), routine="upper-back-chair"),
        session(at("2026-11-04 14:00", BERLIN), routine="unrelated"),
    ]
    members = {"upper-back", "upper-back-chair"}
    due = due_today("upper-back", TWICE_A_DAY, sessions, now=now, zone=BERLIN, members=members)
    assert (due.done, due.satisfied, due.variants) == (2, True, ("upper-back-chair",))
    alone = due_today("upper-back", TWICE_A_DAY, sessions, now=now, zone=BERLIN)
    assert alone.done == 1


def test_a_weekly_plan_asks_its_share_of_the_first_week() -> None:
    now = at("2026-11-12 10:00", BERLIN)
    sessions = [session(at("2026-11-08 10:00", BERLIN)), session(at("2026-11-10 10:00", BERLIN))]
    result = adherence(
        "upper-back", THREE_A_WEEK, sessions, now=now, zone=BERLIN, weeks=2,
        first_day=date(2026, 11, 8),
    )  # fmt: skip
    # Started on a Sunday: that week asks 1 (3 x 1/7, rounded up), the next 3; that one
    # is not over, so only its 1 done is due so far.
    assert (result.done, result.target, result.due_so_far) == (2, 1 + 3, 1 + 1)
