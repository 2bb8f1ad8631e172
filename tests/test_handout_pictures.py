"""Pictures in handouts: embedded in the HTML page, linked from Markdown, always escaped;
and the built-in handout's pictures as Chromium draws them."""

from __future__ import annotations

import base64
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from backpain_cli.cli import cli
from backpain_cli.routines.drawing import rebuild
from backpain_cli.routines.handout import html_handout, markdown_handout
from backpain_cli.routines.images import Picture, load_picture
from backpain_cli.routines.loader import load_routine
from backpain_cli.routines.model import Exercise, Routine

REPO = Path(__file__).resolve().parents[1]
PICTURES = REPO / "routines" / "pictures"
MOVE = (0x1F, 0x6F, 0xB2)  # the pictures' arrow blue
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8


def _routine(image: str, name: str = "Squeeze") -> Routine:
    exercise = Exercise(id="squeeze", name=name, instructions=("Squeeze.",), hold=5, image=image)
    return Routine(name="r", title="R", exercises=(exercise,))


def test_html_embeds_the_picture_as_a_data_uri_with_escaped_words() -> None:
    asked: list[str] = []

    def pictures(path: str) -> Picture | None:
        asked.append(path)
        return Picture("svg", b"<svg/>", 'Arms "up" & <out>')

    page = html_handout(_routine("/p/a.svg", name='Side <bend> & "twist"'), pictures=pictures)
    assert asked == ["/p/a.svg"]
    assert (
        '<figure class="picture">\n'
        '<img src="data:image/svg+xml;base64,PHN2Zy8+" alt="Picture: Side &lt;bend&gt; &amp; '
        '&quot;twist&quot;. Arms &quot;up&quot; &amp; &lt;out&gt;">\n'
        "</figure>\n"
    ) in page
    # Right after the heading, so it floats beside the facts.
    assert '"twist"</h2>\n<figure class="picture">' in page.replace("&quot;", '"')


def test_html_without_a_reader_or_a_picture_has_no_figure() -> None:
    assert "<figure" not in html_handout(_routine("/p/a.svg"))
    assert "<figure" not in html_handout(_routine("/p/a.svg"), pictures=lambda path: None)
    always = Picture("png", PNG, "")
    assert "<figure" not in html_handout(_routine(""), pictures=lambda path: always)


def test_a_png_is_embedded_as_a_png_with_the_name_as_its_words() -> None:
    page = html_handout(_routine("/p/a.png"), pictures=lambda path: Picture("png", PNG, ""))
    data = base64.b64encode(PNG).decode()
    assert f'<img src="data:image/png;base64,{data}" alt="Picture: Squeeze">' in page


def test_markdown_embeds_the_picture_as_a_data_uri_with_escaped_words() -> None:
    """The Markdown handout carries its pictures inside it: no path of this machine
    (the virtualenv's, once) that breaks when the file is sent or moved."""

    def pictures(path: str) -> Picture | None:
        return Picture("png", PNG, "") if path == "/home/me/my pictures/a (1).png" else None

    routine = _routine("/home/me/my pictures/a (1).png", name="Side *bend*")
    text = markdown_handout(routine, pictures=pictures)
    data = base64.b64encode(PNG).decode()
    assert f"\n![Picture: Side \\*bend\\*](data:image/png;base64,{data})\n" in text
    assert "\n- **Time:** 0:10\n\n![Picture:" in text
    assert "/home/me" not in text
    assert "![" not in markdown_handout(routine)  # no reader: no picture


def test_markdown_without_a_picture_has_no_link() -> None:
    assert "![" not in markdown_handout(_routine(""))


# -- reading a picture when the handout is made ------------------------------------------


def test_load_picture_reads_the_kind_and_the_svg_description(tmp_path: Path) -> None:
    path = tmp_path / "a.svg"
    path.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><title>T</title>'
        "<desc>Arms\n  up &amp; out</desc></svg>"
    )
    # The drawing as rebuilt (tests/test_drawing.py), never the file as given.
    assert load_picture(str(path)) == Picture(
        "svg", rebuild(path.read_bytes()).data, "Arms up & out"
    )
    only_title = tmp_path / "b.svg"
    only_title.write_text("<svg><title>Just &lt;this&gt;</title></svg>")
    assert load_picture(str(only_title)) == Picture(
        "svg", rebuild(only_title.read_bytes()).data, "Just <this>"
    )
    png = tmp_path / "c.png"
    png.write_bytes(PNG)
    assert load_picture(str(png)) == Picture("png", PNG, "")


def test_load_picture_refuses_a_file_changed_since_it_was_checked(tmp_path: Path) -> None:
    path = tmp_path / "a.svg"
    path.write_text("<svg><script>alert(1)</script></svg>")
    assert load_picture(str(path)) is None
    path.write_text("not a picture any more")
    assert load_picture(str(path)) is None
    path.unlink()
    assert load_picture(str(path)) is None


# -- the built-in handout ----------------------------------------------------------------


def test_the_builtin_html_handout_embeds_each_rebuilt_picture(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["show", "upper-back", "--format", "html"])
    assert result.exit_code == 0, result.output
    embedded = re.findall(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', result.output)
    routine = load_routine(REPO / "routines" / "upper-back.yaml")
    assert [base64.b64decode(data) for data in embedded] == [
        rebuild(Path(exercise.image).read_bytes()).data for exercise in routine.exercises
    ]
    assert len(embedded) == 5
    assert "src=" not in re.sub(r'<img src="data:image/svg\+xml;base64,[^"]+"', "", result.output)


def test_the_builtin_markdown_handout_embeds_each_rebuilt_picture(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["show", "upper-back", "--format", "markdown"])
    embedded = re.findall(
        r"^!\[Picture: [^\]]+\]\(data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)\)$",
        result.output,
        re.M,
    )
    routine = load_routine(REPO / "routines" / "upper-back.yaml")
    assert [base64.b64decode(data) for data in embedded] == [
        rebuild(Path(exercise.image).read_bytes()).data for exercise in routine.exercises
    ]
    assert len(embedded) == 5
    assert str(REPO) not in result.output and "site-packages" not in result.output


@pytest.mark.skipif(
    shutil.which("chromium") is None and shutil.which("chromium-browser") is None,
    reason="needs Debian's `chromium` (apt-get install chromium; .ci/run installs it as root)",
)
def test_chromium_draws_the_pictures_of_the_builtin_handout(
    runner: CliRunner, tmp_path: Path
) -> None:
    from test_report_browser import chromium, pixels

    page = tmp_path / "handout.html"
    result = runner.invoke(cli, ["show", "upper-back", "--format", "html"])
    page.write_text(result.output, encoding="utf-8")
    shot = tmp_path / "shot.png"
    chromium(tmp_path, "--window-size=900,1000", f"--screenshot={shot}", page.as_uri())
    width, height, found = pixels(shot.read_bytes())
    assert (width, height) == (900, 1000)
    # The first two exercises' pictures float at the right: their blue arrows are there,
    # and nowhere in the left half, where the text is.
    blue = [i for i, pixel in enumerate(found) if pixel == MOVE]
    assert len(blue) > 200
    assert all(i % width > width // 2 for i in blue)
    without = tmp_path / "plain.html"
    without.write_text(html_handout(load_routine(REPO / "routines" / "upper-back.yaml")))
    plain = tmp_path / "plain.png"
    chromium(tmp_path, "--window-size=900,1000", f"--screenshot={plain}", without.as_uri())
    assert MOVE not in pixels(plain.read_bytes())[2]
