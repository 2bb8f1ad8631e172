"""The README as a landing page: short, its two commands the ones CI runs, its links
alive; the docs' links too; and the package ships its type information (`py.typed`)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PAGES = [README, ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _commands(text: str) -> list[str]:
    """The lines of the ```sh blocks."""
    blocks = re.findall(r"```sh\n(.*?)```", text, re.DOTALL)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def _pytest_arguments(line: str) -> list[str]:
    words = shlex.split(line)
    at = next(i for i, word in enumerate(words) if word.endswith("bin/pytest"))
    return [word for word in words[at + 1 :] if not word.startswith("<")]


def _slug(heading: str) -> str:
    """The anchor a Markdown heading gets (GitHub's rule)."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_the_readme_is_a_landing_page() -> None:
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 300
    commands = _commands(text)
    assert commands[0].endswith(".venv/bin/pip install . && .venv/bin/backpain start upper-back")
    # ...and how `backpain` gets on the PATH, for every `backpain ...` line after it.
    assert commands[1].startswith(". .venv/bin/activate") and "pipx install ." in commands[2]
    assert "(docs/user-guide.md)" in text


def test_the_readmes_test_command_is_the_one_ci_runs() -> None:
    readme = next(line for line in _commands(README.read_text("utf-8")) if "bin/pytest" in line)
    ci = next(
        line
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
        if "bin/pytest" in line
    )
    assert readme.startswith("python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && ")
    assert _pytest_arguments(readme) == _pytest_arguments(ci.split("||")[0])


def test_ci_leaves_the_readmes_venv_alone() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ".venv" not in ci.replace("a `.venv` of yours", "")
    assert 'venv=.ci/venv\nrm -rf "$venv"' in ci


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_link_between_the_pages_leads_somewhere(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    broken = []
    for target in LINK.findall(text):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(target)
        elif anchor and file.suffix == ".md":
            headings = re.findall(r"^#+ (.+)$", file.read_text(encoding="utf-8"), re.MULTILINE)
            if anchor not in {_slug(heading) for heading in headings}:
                broken.append(target)
    assert broken == []


def test_the_package_says_it_is_typed() -> None:
    # The wheel holds the whole package folder (pyproject: packages = ["src/backpain_cli"]).
    assert (ROOT / "src" / "backpain_cli" / "py.typed").is_file()
    assert 'packages = ["src/backpain_cli"]' in (ROOT / "pyproject.toml").read_text()
