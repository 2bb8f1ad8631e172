"""`backpain help`: the installed guides and each command's help."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from backpain_cli.cli import cli
from backpain_cli.cli.guide import TOPICS, docs_folder

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[1]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), prog_name="backpain")
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("topic", list(TOPICS))
def test_each_guide_prints_its_page(topic: str) -> None:
    page = (REPO / "docs" / TOPICS[topic][0]).read_text(encoding="utf-8")
    assert run("help", topic) == (0, page, "")


def test_every_guide_is_installed_with_the_wheel() -> None:
    included = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["hatch"]["build"][
        "targets"
    ]["wheel"]["force-include"]
    for file, _ in TOPICS.values():
        assert included[f"docs/{file}"] == f"backpain_cli/docs/{file}"
    assert docs_folder() == REPO / "docs"  # an editable install reads the checkout's


def test_the_guides_inside_the_wheel_are_read_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backpain_cli.cli import guide

    package = tmp_path / "site-packages" / "backpain_cli"
    (package / "docs").mkdir(parents=True)
    (package / "docs" / "json-output.md").write_text("# The JSON, as installed\n")
    monkeypatch.setattr(guide, "__file__", str(package / "cli" / "guide.py"))
    assert docs_folder() == package / "docs"
    assert run("help", "json") == (0, "# The JSON, as installed\n", "")


def test_help_of_a_command_is_its_own_help() -> None:
    assert run("help", "start") == run("start", "--help")
    assert run("help", "remind") == run("remind", "--help")


def test_help_alone_adds_the_guides_to_the_help() -> None:
    code, out, err = run("help")
    assert (code, err) == (0, "")
    assert out.startswith(run("--help")[1])
    assert "  format      the routine file format: every key, unit and range\n" in out


def test_an_unknown_topic_is_a_clear_error() -> None:
    assert run("help", "frmat") == (
        2,
        "",
        "backpain: no guide or command called 'frmat' (did you mean 'format'?); "
        "try `backpain help`\n",
    )


def test_the_template_points_to_something_installed() -> None:
    from backpain_cli.routines.template import routine_template

    text = routine_template("mine")
    assert "docs/" not in text
    assert "`backpain help format`" in text
