"""The architecture's rules, checked on the code (docs/architecture.md explains them).

- No import cycle between modules, counting imports inside functions (those under
  `if TYPE_CHECKING:` never run and are left out).
- Imports run one way: `routines/` never imports `player/`, `history/` or `cli/`;
  `player/` and `history/` never import `cli/`; `report/` sits on `history/`;
  nothing below `cli/` imports `transfer/`, which imports neither `player/` nor `cli/`.
- No two packages import each other (each module at the top of the package is a
  package of its own here); `history/` hears the player through its events only.
- The leaves (the modules at the top) import only leaves, but `config`, which checks
  settings by the routine format's rules (`routines/format`).
- Outside `cli/` (named after its commands) no two modules share a name.
- Each command imports only what it needs at start-up (measured in a fresh process).
- A file is renamed into place only by `files.write_atomically`.
- Each room imports only what docs/architecture.md's table of rooms allows it.
- A module whose docstring says it is pure (or does no I/O) does no I/O.
- Only the command layer reads the environment; a `~` in a path is expanded (from
  HOME) only where that path is read: `config`, `locations`, `routines/catalogue`.
- Only `history/rows.py` inserts sessions and their exercises.
"""

from __future__ import annotations

import ast
import fnmatch
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "backpain_cli"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, modules: set[str]) -> set[str]:
    """The project's modules that `tree` imports when it runs (anywhere in the file)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                if submodule in modules:
                    found.add(submodule)
                elif node.module in modules:
                    found.add(node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def import_graph() -> dict[str, set[str]]:
    files = {_module_name(path): path for path in (SRC / PACKAGE).rglob("*.py")}
    modules = set(files)
    # A package's __init__ is only a docstring: importing `a.b` is an edge to `a.b`.
    return {
        name: _imports(ast.parse(path.read_text(encoding="utf-8")), modules) - {name}
        for name, path in files.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_function_local_and_type_checking_imports_are_told_apart() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from backpain_cli.a import X\n"
        "def f():\n    from backpain_cli import b\n    import backpain_cli.c\n"
    )
    modules = {"backpain_cli", "backpain_cli.a", "backpain_cli.b", "backpain_cli.c"}
    assert _imports(tree, modules) == {"backpain_cli.b", "backpain_cli.c"}


def test_no_import_cycles() -> None:
    graph = import_graph()
    assert len(graph) > 30  # the walk found the package
    assert cycles(graph) == []


@pytest.mark.parametrize(
    ("room", "forbidden"),
    [
        ("routines", ("player", "history", "cli", "transfer")),
        # The resolver is pure: the plan and the rows it is given, nothing else.
        ("progression", ("player", "history", "cli", "reminders", "report", "transfer")),
        ("player", ("history", "report", "reminders", "cli", "transfer")),
        ("history", ("report", "reminders", "cli", "transfer")),
        ("report", ("player", "reminders", "cli", "transfer")),
        ("reminders", ("player", "report", "cli", "transfer")),
        ("transfer", ("player", "cli")),
    ],
)
def test_imports_run_one_way(room: str, forbidden: tuple[str, ...]) -> None:
    prefix = f"{PACKAGE}.{room}"
    wrong = sorted(
        (module, target)
        for module, targets in import_graph().items()
        if module == prefix or module.startswith(prefix + ".")
        for target in targets
        if any(target.startswith(f"{PACKAGE}.{other}") for other in forbidden)
    )
    assert wrong == []


def _package(module: str) -> str:
    """`backpain_cli.history.store` -> `backpain_cli.history`; a leaf is its own."""
    parts = module.split(".")
    return ".".join(parts[:2])


def test_no_two_packages_import_each_other() -> None:
    packages: dict[str, set[str]] = {}
    for module, targets in import_graph().items():
        packages.setdefault(_package(module), set()).update(
            _package(target) for target in targets if _package(target) != _package(module)
        )
    assert cycles(packages) == []


def test_history_hears_the_player_through_its_events_only() -> None:
    used = {
        target
        for module, targets in import_graph().items()
        if module.startswith(f"{PACKAGE}.history.")
        for target in targets
        if target.startswith(f"{PACKAGE}.player")
    }
    assert used == {f"{PACKAGE}.player.events"}


def test_leaves_import_only_leaves() -> None:
    wrong = sorted(
        (module, target)
        for module, targets in import_graph().items()
        if module.count(".") == 1
        for target in targets
        if target.count(".") > 1
        and (module, target) != (f"{PACKAGE}.config", f"{PACKAGE}.routines.format")
    )
    assert wrong == []


def test_no_two_public_classes_or_functions_share_a_name() -> None:
    # cli/ is left out: its click commands are named after the commands they are.
    seen: dict[str, list[str]] = {}
    for path in (SRC / PACKAGE).rglob("*.py"):
        if path.parent.name == "cli":
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and not node.name.startswith("_"):
                seen.setdefault(node.name, []).append(_module_name(path))
    assert {name: where for name, where in seen.items() if len(where) > 1} == {}


MAX_FUNCTION_IMPORTS = 53  # docs/architecture.md lists each, with what it saves


def _function_imports() -> dict[tuple[str, str], int]:
    """(file under backpain_cli/, module) of each import inside a function: how many."""
    found: dict[tuple[str, str], int] = {}
    root = SRC / PACKAGE

    def module_of(node: ast.Import | ast.ImportFrom) -> str:
        if isinstance(node, ast.Import):
            return node.names[0].name
        sub = f"{node.module}.{node.names[0].name}"
        return sub if (SRC / (sub.replace(".", "/") + ".py")).exists() else str(node.module)

    def visit(node: ast.AST, name: str, inside: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)) and inside:
                key = (name, module_of(child))
                found[key] = found.get(key, 0) + 1
            function = isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            visit(child, name, inside or function)

    for path in sorted(root.rglob("*.py")):
        name = path.relative_to(root).as_posix()
        visit(ast.parse(path.read_text(encoding="utf-8")), name, False)
    return found


def test_imports_inside_functions_are_few_and_each_is_listed() -> None:
    found = _function_imports()
    assert sum(found.values()) <= MAX_FUNCTION_IMPORTS
    doc = (SRC.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([\w/]+\.py)` \| `([\w.]+)` \|", doc, re.MULTILINE))
    assert listed == set(found)


def test_the_routine_cache_is_behind_the_one_loading_call() -> None:
    users = sorted(
        module
        for module, targets in import_graph().items()
        if f"{PACKAGE}.routines.cache" in targets
    )
    assert users == [f"{PACKAGE}.cli.common"]  # `load_file`: no other module sees it


# Where the environment is read: the command layer, the console (plain or styled) and
# the player on the real terminal. Everything else is given what it needs.
READS_ENVIRONMENT = ("cli/", "console.py", "player/run.py")


def test_only_the_command_layer_console_and_player_run_read_the_environment() -> None:
    wrong = []
    for path in (SRC / PACKAGE).rglob("*.py"):
        name = path.relative_to(SRC / PACKAGE).as_posix()
        if name.startswith(READS_ENVIRONMENT):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("environ", "getenv")
                and isinstance(node.value, ast.Name)
                and node.value.id == "os"
            ):
                wrong.append(name)
    assert wrong == []


# Exceptions that never reach a person: private ones (a leading _) are caught in the
# module that raises them, and a key pressed at a question ends the command with its
# own exit status.
NOT_USER_ERRORS = {"CheckInCancelled"}


def test_every_error_a_user_can_cause_is_a_backpain_error() -> None:
    wrong = []
    for path in (SRC / PACKAGE).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            private = isinstance(node, ast.ClassDef) and node.name.startswith("_")
            if not isinstance(node, ast.ClassDef) or private or node.name in NOT_USER_ERRORS:
                continue
            bases = {base.id for base in node.bases if isinstance(base, ast.Name)}
            raised = {"Exception", "ValueError", "LookupError", "RuntimeError", "OSError"}
            if bases & raised and node.name != "BackpainError":
                wrong.append(f"{_module_name(path)}.{node.name}")
    assert wrong == []


# -- start-up: what each command imports -------------------------------------------

PLAYER = ("playsound3", "rich.live", "backpain_cli.player.engine", "backpain_cli.player.keys")
STARTUP_RULES = {
    ("--help",): (
        "yaml",
        "rich",
        "sqlite3",
        "backpain_cli.routines",
        "backpain_cli.cli.start",
        *PLAYER,
    ),
    (): ("yaml", "rich", "sqlite3", "backpain_cli.routines", "backpain_cli.cli.catalogue", *PLAYER),
    ("list",): ("sqlite3", "backpain_cli.history.store", *PLAYER),
    ("exercises",): ("sqlite3", "backpain_cli.history.store", *PLAYER),
    ("show", "upper-back"): PLAYER,
    ("schema",): ("yaml", "rich", "sqlite3", *PLAYER),
    ("config",): (
        "yaml",
        "rich",
        "sqlite3",
        "backpain_cli.routines.loader",
        "backpain_cli.history.store",
        *PLAYER,
    ),
    ("history",): ("yaml", "rich", "backpain_cli.routines.loader", *PLAYER),
    ("stats",): ("yaml", "rich", "backpain_cli.routines.loader", *PLAYER),
    ("today",): ("yaml", "rich", "backpain_cli.routines.loader", *PLAYER),
    ("goals",): ("yaml", "rich", "backpain_cli.routines.loader", *PLAYER),
    ("plan", "upper-back"): ("rich", *PLAYER),
    # What a reminder runs: no scheduler code, no plist or crontab handling, no rich.
    ("today", "--notify"): (
        "yaml",
        "rich",
        "plistlib",
        "backpain_cli.reminders.installer",
        "backpain_cli.history.views",
        *PLAYER,
    ),
    ("add", "--help"): ("yaml", "rich", "sqlite3", *PLAYER),
    ("add", "missing.backpain"): ("rich", "sqlite3", "backpain_cli.history.store", *PLAYER),
    ("pack", "--help"): ("yaml", "rich", "sqlite3", *PLAYER),
    ("history", "export", "-o", "-"): ("yaml", "rich", "backpain_cli.routines.loader", *PLAYER),
    ("history", "import", "--help"): ("yaml", "rich", "sqlite3", *PLAYER),
    ("remind", "--help"): ("yaml", "rich", "sqlite3", "backpain_cli.reminders.installer", *PLAYER),
    # Running it plays sound (test_listening.py); its help loads no sound code at all.
    ("sound-test", "--help"): (
        "yaml",
        "rich",
        "sqlite3",
        "backpain_cli.routines.loader",
        "backpain_cli.player.sound",
        *PLAYER,
    ),
}

PROBE = """
import json, sys
from backpain_cli.cli import main
try:
    main()
except SystemExit:
    pass
sys.stderr.write("\\n" + json.dumps(sorted(sys.modules)))
"""


def _modules_after(args: tuple[str, ...], home: Path) -> set[str]:
    # Without pytest-cov's variables: coverage in the child would import sqlite3 itself.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("COV_CORE", "COVERAGE_PROCESS"))
    }
    env["BACKPAIN_HOME"] = str(home)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=True,
    )
    return set(json.loads(done.stderr.rsplit("\n", 1)[-1]))


@pytest.mark.parametrize("args", list(STARTUP_RULES), ids=lambda args: " ".join(args) or "bare")
def test_each_command_imports_only_what_it_needs(args: tuple[str, ...], tmp_path: Path) -> None:
    loaded = _modules_after(args, tmp_path)
    assert "click" in loaded  # the probe ran the command
    wrong = sorted(
        module
        for module in loaded
        for banned in STARTUP_RULES[args]
        if module == banned or module.startswith(banned + ".")
    )
    assert wrong == []


def test_no_module_is_over_600_lines() -> None:
    sizes = {
        str(path.relative_to(SRC)): len(path.read_text(encoding="utf-8").splitlines())
        for path in (SRC / PACKAGE).rglob("*.py")
    }
    assert len(sizes) > 30
    assert {path: lines for path, lines in sizes.items() if lines > 600} == {}


def test_outside_cli_no_two_modules_share_a_name() -> None:
    seen: dict[str, list[str]] = {}
    for path in (SRC / PACKAGE).rglob("*.py"):
        if path.stem != "__init__" and path.parent.name != "cli":
            seen.setdefault(path.stem, []).append(_module_name(path))
    assert {name: paths for name, paths in seen.items() if len(paths) > 1} == {}


def _calls(path: Path) -> set[str]:
    """The dotted names called in PATH's code (`os.replace`, `tempfile.mkstemp`...)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            if isinstance(owner, ast.Name):
                found.add(f"{owner.id}.{node.func.attr}")
    return found


def test_a_file_is_written_whole_only_through_files_py() -> None:
    """One helper writes through a temporary file renamed into place (`files.py`), with
    its flush to the disk, its mode and its clean-up: no module does it by hand."""
    by_hand = {"os.replace", "os.rename", "tempfile.mkstemp", "tempfile.NamedTemporaryFile"}
    found = {
        str(path.relative_to(SRC / PACKAGE)): sorted(_calls(path) & by_hand)
        for path in (SRC / PACKAGE).rglob("*.py")
    }
    assert found["files.py"] == ["os.replace"]  # the probe finds what it looks for
    assert {path: calls for path, calls in found.items() if calls} == {"files.py": ["os.replace"]}


# What the checkout holds at its top level; anything else there is a mistake (a test
# that once exported a history file into the working folder left one, and it was
# committed). `.git` and what `.gitignore` names (caches, venvs) may also be there.
TOP_LEVEL = {
    ".ci",
    ".gitignore",
    "CHANGELOG.md",
    "CONTRIBUTING.md",
    "LICENSE",
    "README.md",
    "benchmarks",
    "docs",
    "pyproject.toml",
    "routines",
    "scripts",
    "src",
    "tests",
}


def test_the_top_level_holds_only_what_the_project_is_made_of() -> None:
    root = SRC.parent
    lines = (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    ignored = [line.rstrip("/") for line in lines if line and not line.startswith("#")]
    present = {path.name for path in root.iterdir()}
    stray = {
        name
        for name in present - TOP_LEVEL - {".git"}
        if not any(fnmatch.fnmatch(name, pattern) for pattern in ignored)
    }
    assert stray == set()
    assert present >= TOP_LEVEL
    assert sorted(root.glob("backpain-history-*.jsonl")) == []  # tests export in tmp_path


# docs/architecture.md's table of rooms, its last column: what each room may import.
MAY_IMPORT = {
    "leaves": {"leaves"},  # and config.py the routine format (test_leaves_import_only_leaves)
    "routines": {"leaves"},
    "progression": {"leaves", "routines"},
    "player": {"leaves", "routines"},
    "history": {"leaves", "routines", "progression", "player"},  # player/events only
    "report": {"leaves", "routines", "progression", "history"},
    "reminders": {"leaves", "history"},
    "transfer": {"leaves", "routines", "history"},
}


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 else "leaves"


def test_each_room_imports_only_what_the_architecture_table_allows() -> None:
    doc = (SRC.parent / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `(\w+)/`(?: \(leaves\))? \|.*\| ([^|]+) \|$", doc, re.MULTILINE)
    table = {
        "leaves" if room == "backpain_cli" else room: {
            word.strip("`/") for word in re.findall(r"leaves|`\w+/", allowed.split("(")[0])
        }
        for room, allowed in rows
        if room != "cli"
    }
    assert table == MAY_IMPORT  # the page and this test say the same
    wrong = sorted(
        (module, target)
        for module, targets in import_graph().items()
        if _room(module) in MAY_IMPORT
        for target in targets
        if _room(target) != _room(module)
        and _room(target) not in MAY_IMPORT[_room(module)]
        and (module, target) != (f"{PACKAGE}.config", f"{PACKAGE}.routines.format")
    )
    assert wrong == []


# A docstring that calls its module pure ("Pure: ...", "a pure function") or says
# "no I/O" is held to it. "the pure `x`" names another module, not this one.
SAYS_PURE = re.compile(r"(?<!the )\b[Pp]ure\b|\bno I/O\b")
IO_MODULES = {"os", "sys", "io", "pathlib", "sqlite3", "subprocess", "socket", "shutil"}
IO_MODULES |= {"tempfile", "time", "threading", "wave", "zipfile", "urllib", "http"}
IO_METHODS = {"open", "read_text", "read_bytes", "write_text", "write_bytes", "mkdir"}
IO_METHODS |= {"unlink", "stat", "exists", "is_file", "is_dir", "iterdir", "glob"}
IO_METHODS |= {"now", "today", "utcnow", "monotonic"}


def _io_in(tree: ast.AST) -> list[str]:
    """What in TREE reads or writes the world: imports, file, clock and console calls."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if alias.name in IO_MODULES]
        elif isinstance(node, ast.ImportFrom) and node.module in IO_MODULES:
            pure_paths = all(alias.name.startswith("Pure") for alias in node.names)
            if not (node.module == "pathlib" and pure_paths):
                found.append(node.module)
        elif isinstance(node, ast.Call):
            called = node.func
            if isinstance(called, ast.Name) and called.id in ("open", "print", "input"):
                found.append(f"{called.id}()")
            elif isinstance(called, ast.Attribute) and called.attr in IO_METHODS:
                found.append(f".{called.attr}()")
    return found


def test_the_io_finder_finds_io() -> None:
    tree = ast.parse(
        "import os\nfrom pathlib import PurePosixPath\nfrom pathlib import Path\n"
        "def f(p):\n    print(p.read_text(), datetime.now(), time(8, 0))\n"
    )
    assert _io_in(tree) == ["os", "pathlib", "print()", ".read_text()", ".now()"]


def test_what_says_it_is_pure_does_no_io() -> None:
    checked = {}
    for path in (SRC / PACKAGE).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if SAYS_PURE.search(ast.get_docstring(tree) or ""):
            checked[str(path.relative_to(SRC / PACKAGE))] = _io_in(tree)
    assert {"history/stats.py", "report/contents.py", "player/turns.py"} <= set(checked)
    assert {name: found for name, found in checked.items() if found} == {}


# Where a `~` in a path is expanded (from HOME, by Python's rule) outside the modules
# that read the environment: where that path is read.
EXPANDS_HOME = {"config.py", "locations.py", "routines/catalogue.py"}


def test_only_the_command_layer_reads_home_and_only_paths_expand_it() -> None:
    readers: dict[str, set[str]] = {}
    for path in (SRC / PACKAGE).rglob("*.py"):
        name = path.relative_to(SRC / PACKAGE).as_posix()
        if name.startswith(READS_ENVIRONMENT):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in (
                "expanduser",
                "expandvars",
                "home",
                "putenv",
            ):
                readers.setdefault(name, set()).add(node.attr)
    assert readers == {name: {"expanduser"} for name in EXPANDS_HOME}


def test_only_rows_py_inserts_sessions_and_their_exercises() -> None:
    inserting = sorted(
        str(path.relative_to(SRC / PACKAGE))
        for path in (SRC / PACKAGE).rglob("*.py")
        if re.search(
            r"INSERT INTO (sessions|session_exercises)\b", path.read_text(encoding="utf-8")
        )
    )
    assert inserting == ["history/rows.py"]
