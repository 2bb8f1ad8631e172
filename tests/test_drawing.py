"""SVG pictures: parsed by a real XML parser, refused when they hold anything only a
document needs, and rebuilt from an allowlist for every place they are shown.

The hostile corpus is in tests/hostile_svg.py; tests/test_drawing_browser.py shows in
Chromium that it is active as given and inert as rebuilt.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest
from click.testing import CliRunner
from hostile_svg import CORPUS, hostile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backpain_cli import opener
from backpain_cli.cli import cli
from backpain_cli.routines import drawing
from backpain_cli.routines.drawing import NotADrawing, css_problem, rebuild, safe_value
from backpain_cli.routines.images import check_image, load_picture

PICTURES = Path(__file__).resolve().parents[1] / "routines" / "pictures"
NS = 'xmlns="http://www.w3.org/2000/svg"'
XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"'
HEAD = f"<svg {NS} {XLINK}>"
PLAIN = "; a picture must be a plain drawing"


def refusal(data: bytes | str) -> str:
    with pytest.raises(NotADrawing) as caught:
        rebuild(data.encode() if isinstance(data, str) else data)
    return caught.value.words


def rebuilt(text: str) -> str:
    return rebuild(text.encode()).data.decode()


# -- the hostile corpus: every file refused, by the rule it targets -----------------------

EXPECTED = {
    "middot-script": "a script (<script>)",
    "xhtml-img": "embedded HTML (an XHTML element)",
    "xhtml-iframe": "embedded content (<iframe>)",
    "xhtml-video": "embedded HTML (an XHTML element)",
    "smil-set": "animation (<set>)",
    "css-charref-url": "a link to another file or site (url())",
    "css-charref-style-attribute": "a link to another file or site (url())",
    "css-escape-url": "a CSS escape (\\) in a style",
    "css-escape-import": "a CSS escape (\\) in a style",
    "css-image-set": "a link to another file or site (image-set())",
    "script": "a script (<script>)",
    "onload": "an event handler (on...=)",
    "foreign-object": "embedded HTML (<foreignObject>)",
    "image-href": "a link to another file or site (href)",
    "xlink-image-href": "a link to another file or site (href)",
    "fe-image": "a link to another file or site (<feImage>)",
    "style-import": "a style import (@import)",
    "font-face": "a link to another file or site (url())",
    "xml-stylesheet": "a link to another file or site (<?xml-stylesheet?>)",
    "animate-href": "animation (<animate>)",
    "external-entity": "a DTD with declarations (<!DOCTYPE [...]>)",
    "billion-laughs": "a DTD with declarations (<!DOCTYPE [...]>)",
}


def test_the_expected_refusals_cover_the_corpus() -> None:
    assert set(EXPECTED) == set(CORPUS)


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_hostile_picture_is_refused_by_the_loader(tmp_path: Path, name: str) -> None:
    (tmp_path / "a.svg").write_text(hostile(name, 8000), encoding="utf-8")
    started = time.process_time()
    assert check_image("a.svg", tmp_path).problem == f"'a.svg' contains {EXPECTED[name]}{PLAIN}"
    assert time.process_time() - started < 1
    assert load_picture(str(tmp_path / "a.svg")) is None  # nor shown, if it changed later


def test_validate_names_the_bypass_of_the_old_checker(tmp_path: Path) -> None:
    (tmp_path / "a.svg").write_text(hostile("middot-script", 8000), encoding="utf-8")
    (tmp_path / "r.yaml").write_text(
        "version: 1\ntitle: Test routine\nexercises:\n"
        "  - {id: squeeze, name: Squeeze, hold: 5, image: a.svg, instructions: [Squeeze.]}\n"
    )
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "r.yaml")])
    assert (result.exit_code, result.output) == (
        2,
        f"{tmp_path / 'r.yaml'}:4:50: exercises[0].image: 'a.svg' contains a script "
        f"(<script>){PLAIN}\n1 of 1 file with problems\n",
    )


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (f"<svg {NS}><SCRIPT>x()</SCRIPT></svg>", f"contains a script (<script>){PLAIN}"),
        (f'<svg {NS}><rect ONCLICK="x()"/></svg>', f"contains an event handler (on...=){PLAIN}"),
        (
            f'<svg {NS}><image href="data:image/svg+xml;base64,PHN2Zz4="/></svg>',
            f"contains a link to another file or site (href){PLAIN}",
        ),
        (
            f'<svg {NS}><a href="https://example.com"><rect/></a></svg>',
            f"contains a link to another file or site (href){PLAIN}",
        ),
        (
            f"<!DOCTYPE svg PUBLIC 'x' 'svg.dtd'><svg {NS}><text>&x;</text></svg>",
            f"contains an entity (&name;){PLAIN}",
        ),
        (
            f'<svg {NS}><rect fill="url( )"/></svg>',
            f"contains a link to another file or site (url()){PLAIN}",
        ),
        ("<svg><rect></svg>", "is not well-formed XML (line 1: mismatched tag)"),
        ("<svg><x:rect/></svg>", "is not well-formed XML (line 1: unbound prefix)"),
        ("", "is not well-formed XML (line 1: no element found)"),
        (
            '<svg xmlns="http://example.com/not-svg"/>',
            "is not an SVG drawing (its root element is not <svg>)",
        ),
        (f"<g {NS}/>", "is not an SVG drawing (its root element is not <svg>)"),
    ],
)
def test_more_refusals(text: str, words: str) -> None:
    assert refusal(text) == words


# -- what a plain drawing keeps -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        f'{HEAD}<defs><linearGradient id="g"><stop offset="0" stop-color="#fff">'
        '</stop></linearGradient></defs><rect fill="url(#g)" width="4" height="4"></rect></svg>',
        f"{HEAD}<rect style=\"fill:url('#g');stroke:rgb(1, 2, 3)\"></rect>"
        '<use xlink:href="#shape"></use></svg>',
        f'{HEAD}<image xlink:href="data:image/png;base64,iVBORw0KGgo="></image></svg>',
        f'{HEAD}<text x="1" xml:space="preserve">A &lt; B &amp; C</text></svg>',
    ],
)
def test_a_plain_drawing_is_rebuilt_as_it_was(text: str) -> None:
    assert rebuilt(text) == text


def test_what_is_not_on_the_lists_is_left_out() -> None:
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "svg11.dtd">\n<!-- by hand -->\n'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:i="http://www.inkscape.org/namespaces/'
        'inkscape" i:version="1.2" class="c" viewBox="0 0 4 4">'
        "<style>rect { fill: red }</style>"
        '<metadata><i:anything i:x="http://example.com/"/></metadata>'
        "<i:grid><rect/></i:grid><?tool data?>"
        '<rect i:label="Layer" width="4" style="fill: blue; bogus: 1; stroke: \'a\' 1 !important;'
        ' font-family: \'DejaVu Sans\', sans-serif; color" fill="#fff" stroke="calc(1px)"/>'
        "<!-- gone --><g><![CDATA[a < b]]></g></svg>"
    )
    assert rebuilt(text) == (
        f'<svg {NS} {XLINK} viewBox="0 0 4 4">'
        '<rect width="4" style="fill:blue;font-family:\'DejaVu Sans\', sans-serif" '
        'fill="#fff"></rect><g>a &lt; b</g></svg>'
    )


def test_text_and_attributes_are_escaped_where_they_are_written() -> None:
    text = f'<svg {NS}><title id="a&quot;&lt;&#10;&#9;&#13;">x &gt; y&#13;</title></svg>'
    assert rebuilt(text) == (
        f'<svg {NS} {XLINK}><title id="a&quot;&lt;&#10;&#9;&#13;">x &gt; y&#13;</title></svg>'
    )


def test_no_namespace_is_read_as_svg_and_written_with_it() -> None:
    assert (
        rebuilt('<svg><circle r="1"/></svg>') == f'<svg {NS} {XLINK}><circle r="1"></circle></svg>'
    )


def test_the_description_is_the_first_desc_or_else_the_first_title() -> None:
    described = rebuild(
        f"<svg {NS}><title>T</title><desc> Arms\n <tspan>up</tspan>  and  down </desc>"
        "<desc>second</desc></svg>".encode()
    )
    assert described.description == "Arms up and down"
    assert rebuild(f"<svg {NS}><g><title>A  title</title></g></svg>".encode()).description == (
        "A title"
    )
    assert rebuild(f"<svg {NS}><metadata><desc>hidden</desc></metadata></svg>".encode()) == (
        drawing.Drawing(f"<svg {NS} {XLINK}></svg>".encode(), "")
    )


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("#1f6fb2", True),
        ("round", True),
        ("4 2, 1.5%", True),
        ("url(#g)", True),
        ("url( '#g' )", True),
        ("hsla(1, 2%, 3%, .5)", True),
        ('"Deja Vu", serif', True),
        ("url(x)", False),
        ("calc(1px)", False),
        ("a;b", False),
        ("1px !important", False),
        ("\uff55rl(x)", False),
    ],
)
def test_safe_value(value: str, safe: bool) -> None:
    assert safe_value(value) is safe


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("fill: url(#a) url( # b)", None),
        ("fill: URL('http://x')", "a link to another file or site (url())"),
        ("a { b: c } @IMPORT x", "a style import (@import)"),
        ("x: -webkit-image-set(a 1x)", "a link to another file or site (image-set())"),
        ("x: cross-fade(a, b)", "a link to another file or site (cross-fade())"),
        ("x: \\75 rl(a)", "a CSS escape (\\) in a style"),
    ],
)
def test_css_problem(text: str, problem: str | None) -> None:
    assert css_problem(text) == problem


# -- the built-in drawings look the same --------------------------------------------------


@pytest.mark.skipif(shutil.which("rsvg-convert") is None, reason="rsvg-convert not installed")
@pytest.mark.parametrize("path", sorted(PICTURES.glob("*.svg")), ids=lambda p: p.stem)
def test_a_builtin_drawing_renders_the_same_rebuilt(path: Path) -> None:
    def render(data: bytes) -> bytes:
        return subprocess.run(
            ["rsvg-convert"], input=data, capture_output=True, check=True, timeout=30
        ).stdout

    picture = load_picture(str(path))
    assert picture is not None and picture.data != path.read_bytes()
    assert render(picture.data) == render(path.read_bytes())
    assert picture.description.startswith("Seen from")


# -- exercises --open-image opens a private copy of the rebuilt picture ------------------


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    monkeypatch.setattr(opener, "open_file", lambda path: calls.append(path))
    return calls


def test_open_image_opens_a_private_rebuilt_copy(opened: list[str]) -> None:
    result = CliRunner().invoke(cli, ["exercises", "thoracic-rotation", "--open-image"])
    original = PICTURES.resolve() / "thoracic-rotation.svg"
    assert (result.exit_code, result.output) == (0, f"Opening {original}\n")
    [copy] = opened
    assert Path(copy).name == "thoracic-rotation.svg" and Path(copy) != original
    assert Path(copy).read_bytes() == rebuild(original.read_bytes()).data
    assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(Path(copy).parent).st_mode) == 0o700
    shutil.rmtree(Path(copy).parent)


def user_picture(home: Path, data: bytes, name: str = "a.svg") -> Path:
    folder = home / "routines"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mine.yaml").write_text(
        "version: 1\ntitle: Mine\nexercises:\n"
        f"  - {{id: nod, name: Nod, hold: 5, image: {name}, instructions: [Nod.]}}\n"
    )
    (folder / name).write_bytes(data)
    return folder / name


def test_open_image_refuses_a_picture_that_changed_since_it_was_checked(
    tmp_path: Path, opened: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKPAIN_HOME", str(tmp_path))
    picture = user_picture(tmp_path, f'<svg {NS}><circle r="1"/></svg>'.encode())
    from backpain_cli.routines import images

    real = images.load_picture

    def changed(path: str) -> images.Picture | None:
        picture.write_bytes(hostile("script", 1).encode())
        return real(path)

    monkeypatch.setattr(images, "load_picture", changed)
    result = CliRunner().invoke(cli, ["exercises", "nod", "--open-image"])
    assert (result.exit_code, result.output) == (
        2,
        f"backpain: the picture of 'nod' is {picture.resolve()}; it is gone or no longer a "
        "plain picture (backpain validate says why)\n",
    )
    assert opened == []


def test_open_image_says_when_no_copy_can_be_written(
    tmp_path: Path, opened: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKPAIN_HOME", str(tmp_path))
    user_picture(tmp_path, b"\x89PNG\r\n\x1a\n" + b"\x00" * 8, name="a.png")
    import tempfile

    def full(prefix: str) -> str:
        raise OSError(28, os.strerror(28))

    monkeypatch.setattr(tempfile, "mkdtemp", full)
    result = CliRunner().invoke(cli, ["exercises", "nod", "--open-image"])
    assert (result.exit_code, result.output) == (
        2,
        "backpain: cannot copy the picture of 'nod' to open it: No space left on device\n",
    )
    assert opened == []


# -- any bytes: rebuilt or refused in one line, in bounded time ---------------------------

ANY = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
TAGS = ["svg", "g", "rect", "script", "style", "set", "a", "h:img", "foreignObject", "title"]
ATTRIBUTES = ["fill", "style", "href", "xlink:href", "onload", "id", "h:src", "x", "class"]
VALUES = [
    "#fff",
    "url(#a)",
    "url(http://x)",
    "u&#x72;l(x)",
    "\\75 rl(x)",
    "#a",
    "http://x",
    "red; @import x",
    "image-set('x' 1x)",
    "&amp;",
    "1 2",
]


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A small SVG-ish document built from the parts attacks are made of."""

    def element(depth: int) -> str:
        tag = draw(st.sampled_from(TAGS))
        attributes = "".join(
            f' {name}="{value}"'
            for name, value in draw(
                st.dictionaries(st.sampled_from(ATTRIBUTES), st.sampled_from(VALUES), max_size=3)
            ).items()
        )
        children = [element(depth + 1) for _ in range(draw(st.integers(0, 2 if depth < 3 else 0)))]
        text = draw(st.sampled_from(["", "x", "a &lt; b", "@import 'y';"]))
        return f"<{tag}{attributes}>{text}{''.join(children)}</{tag}>"

    head = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'xmlns:h="http://www.w3.org/1999/xhtml">'
    )
    return head + element(0) + "</svg>"


def assert_plain(data: bytes) -> None:
    """What the rebuilt drawing may hold, read back by another XML parser."""
    for node in ElementTree.fromstring(data).iter():
        namespace, _, local = node.tag[1:].partition("}")
        assert namespace == drawing.SVG_NS and local in drawing._ELEMENTS, node.tag
        for key, value in node.attrib.items():
            assert not key.lower().startswith("on"), key
            if key.endswith("href"):
                assert value.startswith(("#", "data:image/png;", "data:image/jpeg;")), value
            elif key in drawing._PROPERTIES or key == "style":
                assert css_problem(value) is None, value


@ANY
@given(documents())
def test_any_document_is_refused_or_rebuilt_plain(text: str) -> None:
    try:
        made = rebuild(text.encode())
    except NotADrawing as refused:
        assert "\n" not in refused.words
        return
    assert_plain(made.data)
    assert rebuild(made.data) == made  # rebuilding is idempotent


@ANY
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda t: f"<svg>{t}</svg>".encode()))
def test_any_bytes_are_refused_or_rebuilt_plain_in_bounded_time(data: bytes) -> None:
    started = time.process_time()
    try:
        assert_plain(rebuild(data).data)
    except NotADrawing as refused:
        assert "\n" not in refused.words and refused.words.isprintable()
    assert time.process_time() - started < 2  # 0.3 KiB: milliseconds of CPU


@ANY
@given(st.binary(max_size=200))
def test_check_image_on_any_file_gives_a_path_or_one_line(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "a.svg").write_bytes(b"<svg " + data)
        checked = check_image("a.svg", Path(folder))
        assert (checked.path is None) != (checked.problem is None)
        assert checked.problem is None or "\n" not in checked.problem


def test_a_large_deep_picture_is_checked_in_bounded_time(tmp_path: Path) -> None:
    depth = 20_000
    data = f"<svg {NS}>" + "<g>" * depth + "</g>" * depth + "</svg>"
    assert len(data) < 512 * 1024
    (tmp_path / "a.svg").write_text(data)
    started = time.process_time()
    assert check_image("a.svg", tmp_path).problem is None
    assert time.process_time() - started < 2
