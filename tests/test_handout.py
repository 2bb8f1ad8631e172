"""Printable handouts (`backpain show --format markdown|html`): exact output, escaping."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from backpain_cli.cli import cli
from backpain_cli.routines.handout import (
    PRINT_STYLE,
    dose_words,
    html_handout,
    markdown_handout,
    rest_words,
)
from backpain_cli.routines.images import load_picture
from backpain_cli.routines.loader import load_routine, parse_routine
from backpain_cli.routines.model import Exercise, Movement, Side

BUILTIN_ROUTINES = Path(__file__).resolve().parents[1] / "routines"

# Markup in every field, both sides starting right, sets, a one-sided exercise without rest.
SPECIAL = (
    "version: 1\n"
    'title: "Fish & <Chips> *routine*"\n'
    'summary: "Use a | pipe and a [link](x) and `code`."\n'
    "source: 'Dr. <b>Bold</b> & \"quotes\"'\n"
    "disclaimer: Not advice. Stop if it hurts.\n"
    "frequency: 3 per week\n"
    "exercises:\n"
    "  - id: side-bend\n"
    "    name: Side <bend>\n"
    "    position: standing & tall\n"
    '    equipment: [band, "2 # balls"]\n'
    "    hold: 1\n"
    "    reps: 2\n"
    "    sets: 2\n"
    "    rest: 1\n"
    "    set_rest: 5\n"
    "    prepare: 3\n"
    "    sides: [right, left]\n"
    "    instructions:\n"
    '      - "Stand <tall> & breathe"\n'
    '      - "# not a heading"\n'
    "    cues: [_slow_]\n"
    '    caution: "Stop if <it> hurts & call"\n'
    "  - id: one\n"
    "    name: One\n"
    "    hold: 5\n"
    "    prepare: 0\n"
    "    sides: [left]\n"
    "    instructions: [Just once.]\n"
)

SPECIAL_MARKDOWN = (
    "# Fish \\& \\<Chips\\> \\*routine\\*\n"
    "\n"
    "Use a \\| pipe and a \\[link\\](x) and \\`code\\`.\n"
    "\n"
    "- **Total time:** about 0:27 (minutes:seconds)\n"
    "- **How often:** 3 per week\n"
    "- **Equipment:** band, 2 \\# balls\n"
    "\n"
    "> **Important:** Not advice. Stop if it hurts.\n"
    "\n"
    "## 1. Side \\<bend\\>\n"
    "\n"
    "- **Position:** standing \\& tall\n"
    "- **Equipment:** band, 2 \\# balls\n"
    "- **Dose:** Hold 1 second, twice on each side, alternating sides (starting right); 2 sets.\n"
    "- **Rest:** 1 second between reps and sides, 5 seconds between sets\n"
    "- **Time:** 0:22\n"
    "\n"
    "**How to do it:**\n"
    "\n"
    "1. Stand \\<tall\\> \\& breathe\n"
    "2. \\# not a heading\n"
    "\n"
    "**Remember:**\n"
    "\n"
    "- \\_slow\\_\n"
    "\n"
    "> **Caution:** Stop if \\<it\\> hurts \\& call\n"
    "\n"
    "## 2. One\n"
    "\n"
    "- **Dose:** Hold 5 seconds, once on the left side.\n"
    "- **Rest:** none\n"
    "- **Time:** 0:05\n"
    "\n"
    "**How to do it:**\n"
    "\n"
    "1. Just once.\n"
    "\n"
    "## Source\n"
    "\n"
    'Dr. \\<b\\>Bold\\</b\\> \\& "quotes"\n'
    "\n"
    "## My log\n"
    "\n"
    "| Date | Done | Pain before (0-10) | Pain after (0-10) | Notes |\n"
    "| --- | --- | --- | --- | --- |\n"
    "|  | [ ] |  |  |  |\n"
    "|  | [ ] |  |  |  |\n"
    "|  | [ ] |  |  |  |\n"
    "|  | [ ] |  |  |  |\n"
    "|  | [ ] |  |  |  |\n"
    "|  | [ ] |  |  |  |\n"
    "|  | [ ] |  |  |  |\n"
    "\n"
    "*Not advice. Stop if it hurts.*\n"
)

SPECIAL_HTML_BODY = (
    "<body>\n"
    "<header>\n"
    "<h1>Fish &amp; &lt;Chips&gt; *routine*</h1>\n"
    "<p>Use a | pipe and a [link](x) and `code`.</p>\n"
    '<dl class="facts">\n'
    "<dt>Total time</dt><dd>about 0:27 (minutes:seconds)</dd>\n"
    "<dt>How often</dt><dd>3 per week</dd>\n"
    "<dt>Equipment</dt><dd>band, 2 # balls</dd>\n"
    "</dl>\n"
    '<p class="important"><strong>Important:</strong> Not advice. Stop if it hurts.</p>\n'
    "</header>\n"
    "<main>\n"
    '<section class="exercise" id="side-bend">\n'
    "<h2>1. Side &lt;bend&gt;</h2>\n"
    '<dl class="facts">\n'
    "<dt>Position</dt><dd>standing &amp; tall</dd>\n"
    "<dt>Equipment</dt><dd>band, 2 # balls</dd>\n"
    "<dt>Dose</dt><dd>Hold 1 second, twice on each side, alternating sides (starting right); "
    "2 sets.</dd>\n"
    "<dt>Rest</dt><dd>1 second between reps and sides, 5 seconds between sets</dd>\n"
    "<dt>Time</dt><dd>0:22</dd>\n"
    "</dl>\n"
    "<h3>How to do it</h3>\n"
    '<ol class="steps">\n'
    "<li>Stand &lt;tall&gt; &amp; breathe</li>\n"
    "<li># not a heading</li>\n"
    "</ol>\n"
    "<h3>Remember</h3>\n"
    "<ul>\n"
    "<li>_slow_</li>\n"
    "</ul>\n"
    '<p class="caution"><strong>Caution:</strong> Stop if &lt;it&gt; hurts &amp; call</p>\n'
    "</section>\n"
    '<section class="exercise" id="one">\n'
    "<h2>2. One</h2>\n"
    '<dl class="facts">\n'
    "<dt>Dose</dt><dd>Hold 5 seconds, once on the left side.</dd>\n"
    "<dt>Rest</dt><dd>none</dd>\n"
    "<dt>Time</dt><dd>0:05</dd>\n"
    "</dl>\n"
    "<h3>How to do it</h3>\n"
    '<ol class="steps">\n'
    "<li>Just once.</li>\n"
    "</ol>\n"
    "</section>\n"
    "</main>\n"
    "<section>\n"
    "<h2>Source</h2>\n"
    "<p>Dr. &lt;b&gt;Bold&lt;/b&gt; &amp; &quot;quotes&quot;</p>\n"
    "</section>\n"
    '<section class="log">\n'
    "<h2>My log</h2>\n"
    '<table class="log">\n'
    "<thead><tr><th>Date</th><th>Done</th><th>Pain before (0-10)</th>"
    "<th>Pain after (0-10)</th><th>Notes</th></tr></thead>\n"
    "<tbody>\n"
    "<tr><td></td><td>&#9744;</td><td></td><td></td><td></td></tr>\n"
    "<tr><td></td><td>&#9744;</td><td></td><td></td><td></td></tr>\n"
    "<tr><td></td><td>&#9744;</td><td></td><td></td><td></td></tr>\n"
    "<tr><td></td><td>&#9744;</td><td></td><td></td><td></td></tr>\n"
    "<tr><td></td><td>&#9744;</td><td></td><td></td><td></td></tr>\n"
    "<tr><td></td><td>&#9744;</td><td></td><td></td><td></td></tr>\n"
    "<tr><td></td><td>&#9744;</td><td></td><td></td><td></td></tr>\n"
    "</tbody>\n"
    "</table>\n"
    "</section>\n"
    "<footer>Not advice. Stop if it hurts.</footer>\n"
    "</body>\n"
    "</html>\n"
)


def _special() -> object:
    return parse_routine(SPECIAL, "special.yaml", default_name="special")


def test_markdown_handout_exactly() -> None:
    assert markdown_handout(_special()) == SPECIAL_MARKDOWN  # type: ignore[arg-type]


def test_html_handout_exactly() -> None:
    head = (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>Fish &amp; &lt;Chips&gt; *routine*</title>\n"
        f"<style>\n{PRINT_STYLE}</style>\n"
        "</head>\n"
    )
    assert html_handout(_special()) == head + SPECIAL_HTML_BODY  # type: ignore[arg-type]


class _Balance(HTMLParser):
    """Checks that every element closes, in order, and that nothing runs code."""

    VOID = frozenset({"meta", "br", "hr", "img", "input", "link"})

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object") or any(a.startswith("on") for a, _ in attrs):
            self.problems.append(f"active content: {tag}")
        # Pictures are embedded as data: URIs of images; nothing else may be referenced.
        if any(
            a == "href" or (a == "src" and not (v or "").startswith("data:image/"))
            for a, v in attrs
        ):
            self.problems.append(f"external reference: {tag}")
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.problems.append(f"unbalanced </{tag}>")


@pytest.mark.parametrize("name", ["upper-back", "upper-back-chair", "upper-back-gentle"])
def test_builtin_html_handouts_are_well_formed_and_self_contained(name: str) -> None:
    routine = load_routine(BUILTIN_ROUTINES / f"{name}.yaml")
    page = html_handout(routine, pictures=load_picture)
    assert page.count("<img ") == sum(1 for exercise in routine.exercises if exercise.image)
    checker = _Balance()
    checker.feed(page)
    assert checker.problems == []
    assert checker.open == []
    for exercise in routine.exercises:
        assert f'<section class="exercise" id="{exercise.id}">' in page
        for step in exercise.instructions:
            assert f"<li>{step}</li>" in page.replace("&#x27;", "'")
    assert routine.disclaimer in page
    assert "@media print" in page


def test_builtin_markdown_handout_has_every_step_and_the_disclaimer() -> None:
    routine = load_routine(BUILTIN_ROUTINES / "upper-back.yaml")
    text = markdown_handout(routine)
    assert text.startswith("# Upper back trigger-point relief\n")
    assert "- **Total time:** about 13:12 (minutes:seconds)\n" in text
    assert "## 3. Thoracic rotation\n" in text
    assert (
        "- **Dose:** Hold 30 seconds, 3 times on each side, alternating sides (starting left).\n"
        in text
    )
    assert text.count("1. ") >= len(routine.exercises)
    assert text.endswith(f"*{routine.disclaimer}*\n")


def test_dose_and_rest_words() -> None:
    one = Exercise("a", "A", ("x",), hold=1, reps=1)
    assert dose_words(one) == "Hold 1 second, once."
    assert rest_words(one) == "none"
    two = Exercise("a", "A", ("x",), hold=30, reps=2, sets=3, rest=0, set_rest=20)
    assert dose_words(two) == "Hold 30 seconds, twice; 3 sets."
    assert rest_words(two) == "20 seconds between sets"
    sided = Exercise("a", "A", ("x",), hold=5, reps=1, sides=(Side.LEFT, Side.RIGHT), rest=3)
    assert (
        dose_words(sided) == "Hold 5 seconds, once on each side, alternating sides (starting left)."
    )
    assert rest_words(sided) == "3 seconds between reps and sides"
    ways = (Side("clockwise"), Side("anticlockwise"))
    turns = Exercise("a", "A", ("x",), hold=5, reps=2, sides=ways)
    assert dose_words(turns) == (
        "Hold 5 seconds, twice each way, alternating: clockwise, then anticlockwise."
    )


def test_dose_words_of_movements() -> None:
    def moved(*sides: Side, sets: int = 1) -> str:
        exercise = Exercise(
            "a", "A", ("x",), hold=0, reps=10, sets=sets, sides=sides,
            movement=Movement.PACED, rep_seconds=4, tempo="2 down, 2 up",
        )  # fmt: skip
        return dose_words(exercise)

    paced = "Do it 10 times, about 4 seconds each (2 down, 2 up)"
    assert moved(Side.LEFT, Side.RIGHT) == (
        f"{paced}, on each side: all of them on the left side, then on the right."
    )
    assert moved(Side("forward"), Side("back")) == f"{paced}, forward, then the same back."
    assert moved(Side.RIGHT, sets=2) == f"{paced}, on the right side; 2 sets."
    assert moved(Side("forward")) == f"{paced}, forward."
    assert moved() == f"{paced}."
    assert repr(Side("forward")) == "Side('forward')"


@pytest.mark.parametrize(
    ("fmt", "start"),
    [("markdown", "# Fish \\& \\<Chips\\>"), ("html", "<!DOCTYPE html>\n")],
)
def test_show_format_prints_the_handout(
    runner: CliRunner, tmp_path: Path, fmt: str, start: str
) -> None:
    path = tmp_path / "special.yaml"
    path.write_text(SPECIAL)
    result = runner.invoke(cli, ["show", str(path), "--format", fmt])
    assert result.exit_code == 0, result.output
    expected = SPECIAL_MARKDOWN if fmt == "markdown" else html_handout(_special())  # type: ignore[arg-type]
    assert result.stdout == expected
    assert result.stdout.startswith(start)


def test_show_format_json_is_the_same_as_json(runner: CliRunner) -> None:
    as_flag = runner.invoke(cli, ["show", "upper-back", "--json"])
    as_format = runner.invoke(cli, ["show", "upper-back", "--format", "json"])
    both = runner.invoke(cli, ["show", "upper-back", "--json", "--format", "json"])
    assert as_flag.exit_code == as_format.exit_code == both.exit_code == 0
    assert as_flag.stdout == as_format.stdout == both.stdout
    text = runner.invoke(cli, ["show", "upper-back", "--format", "text"])
    assert text.stdout == runner.invoke(cli, ["show", "upper-back"]).stdout


def test_show_format_conflicts_and_unknown_formats(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["show", "upper-back", "--json", "--format", "html"])
    assert result.exit_code == 2
    assert result.stderr == (
        "backpain: --json and --format html ask for different things; give one of them\n"
    )
    result = runner.invoke(cli, ["show", "upper-back", "--format", "pdf"], prog_name="backpain")
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Error: Invalid value for '--format': 'pdf' is not one of 'text', 'markdown', 'html', "
        "'json'.\n"
    )


MINIMAL = (
    "version: 1\ntitle: Tiny\nexercises:\n  - {id: a, name: A, hold: 5, instructions: [Go.]}\n"
)


def test_a_routine_with_nothing_optional() -> None:
    routine = parse_routine(MINIMAL, "tiny.yaml", default_name="tiny")
    text = markdown_handout(routine)
    assert text.startswith(
        "# Tiny\n"
        "\n"
        "- **Total time:** about 0:10 (minutes:seconds)\n"
        "- **Equipment:** none\n"
        "\n"
        f"> **Important:** {routine.disclaimer}\n"
        "\n"
        "## 1. A\n"
        "\n"
        "- **Dose:** Hold 5 seconds, once.\n"
        "- **Rest:** none\n"
        "- **Time:** 0:10\n"
        "\n"
        "**How to do it:**\n"
        "\n"
        "1. Go.\n"
        "\n"
        "## My log\n"
    )
    page = html_handout(routine)
    assert "<h2>Source</h2>" not in page
    assert "<h3>Remember</h3>" not in page
    assert 'class="caution"' not in page
    assert (
        "<h1>Tiny</h1>\n"
        '<dl class="facts">\n'
        "<dt>Total time</dt><dd>about 0:10 (minutes:seconds)</dd>\n"
        "<dt>Equipment</dt><dd>none</dd>\n"
        "</dl>\n"
    ) in page
