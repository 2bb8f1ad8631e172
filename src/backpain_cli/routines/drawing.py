"""An SVG picture rebuilt as a plain drawing: what handouts, reports, the player and
`exercises --open-image` show instead of the file as it was given.

The file is parsed by expat (the standard library's XML parser) with namespaces
resolved, so a prefix spelt in any legal way (`<a·b:script xmlns:a·b="…svg">`) is seen
for what it is. A DOCTYPE with declarations, an entity and anything that is not
well-formed XML are refused before a drawing is built.

Refused, with the words for the message, because only a document that does something
needs them: scripts, HTML (any element in the XHTML namespace, `foreignObject`,
`iframe`...), event handlers (`on...=`), animation (SMIL `set` and `animate*` can change
a link), a link to anything but a part of the same drawing (`href` other than `#id`, or
an embedded PNG or JPEG on `<image>`), a style sheet link, and in any style text `url()`
to anything but `#id`, `@import`, image functions (`image-set()`...) and CSS escapes
(`\\75 rl(`), which are refused rather than decoded. XML character references
(`u&#x72;l(`) are decoded by the parser before any of these checks.

Then the drawing is rebuilt from an allowlist: SVG elements that draw (anything else,
such as `<style>`, `<metadata>` and an editor's own elements, is left out with what it
holds), their geometry and presentation attributes, `xlink:href` to `#id`, and `style`
declarations of presentation properties whose values are words, numbers, colours and
`url(#id)`. Comments, processing instructions and the DOCTYPE are left out too. What is
not on the lists never reaches the output, whatever the checks above missed.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from xml.parsers import expat

from backpain_cli.errors import BackpainError

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XHTML_NS = "http://www.w3.org/1999/xhtml"
XML_NS = "http://www.w3.org/XML/1998/namespace"
_PLAIN = "a picture must be a plain drawing"


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Elements refused wherever they are and in any namespace (by lowercased local name).
_REFUSED = {
    "script": "a script (<script>)",
    "foreignobject": "embedded HTML (<foreignObject>)",
    "set": "animation (<set>)",
    "animate": "animation (<animate>)",
    "animatemotion": "animation (<animateMotion>)",
    "animatetransform": "animation (<animateTransform>)",
    "animatecolor": "animation (<animateColor>)",
    "discard": "animation (<discard>)",
    "iframe": "embedded content (<iframe>)",
    "embed": "embedded content (<embed>)",
    "object": "embedded content (<object>)",
    "handler": "embedded content (<handler>)",
    "listener": "embedded content (<listener>)",
    "feimage": "a link to another file or site (<feImage>)",
}
_ELEMENTS = _names(
    "svg g defs symbol use switch title desc path rect circle ellipse line polyline "
    "polygon text tspan textPath linearGradient radialGradient stop pattern clipPath "
    "mask marker image filter feBlend feColorMatrix feComponentTransfer feComposite "
    "feConvolveMatrix feDiffuseLighting feDisplacementMap feDistantLight feDropShadow "
    "feFlood feFuncA feFuncB feFuncG feFuncR feGaussianBlur feMerge feMergeNode "
    "feMorphology feOffset fePointLight feSpecularLighting feSpotLight feTile "
    "feTurbulence"
)
# Presentation properties: allowed as attributes and in `style`, values checked.
_PROPERTIES = _names(
    "fill fill-opacity fill-rule stroke stroke-width stroke-opacity stroke-linecap "
    "stroke-linejoin stroke-miterlimit stroke-dasharray stroke-dashoffset opacity color "
    "display visibility clip-path clip-rule mask filter marker-start marker-mid marker-end "
    "stop-color stop-opacity flood-color flood-opacity lighting-color font-family "
    "font-size font-style font-weight font-variant font-stretch text-anchor "
    "dominant-baseline alignment-baseline baseline-shift letter-spacing word-spacing "
    "text-decoration writing-mode color-interpolation color-interpolation-filters "
    "shape-rendering text-rendering image-rendering paint-order vector-effect overflow "
    "transform-origin mix-blend-mode isolation"
)
# Geometry and the rest: any text, escaped (none of them is read as CSS).
_ATTRIBUTES = _names(
    "id x y x1 y1 x2 y2 cx cy r rx ry fx fy fr width height d points pathLength "
    "transform viewBox preserveAspectRatio dx dy rotate textLength lengthAdjust "
    "startOffset method spacing side gradientUnits gradientTransform spreadMethod offset "
    "patternUnits patternContentUnits patternTransform clipPathUnits maskUnits "
    "maskContentUnits markerUnits markerWidth markerHeight refX refY orient filterUnits "
    "primitiveUnits in in2 result stdDeviation mode operator k1 k2 k3 k4 values type "
    "tableValues slope intercept amplitude exponent scale xChannelSelector "
    "yChannelSelector baseFrequency numOctaves seed stitchTiles radius order kernelMatrix "
    "divisor bias targetX targetY edgeMode preserveAlpha surfaceScale diffuseConstant "
    "specularConstant specularExponent azimuth elevation z pointsAtX pointsAtY pointsAtZ "
    "limitingConeAngle kernelUnitLength systemLanguage role aria-label aria-labelledby "
    "aria-describedby aria-hidden"
)
# What a value may hold besides words and numbers: colour functions, a link to a part of
# the drawing, a quoted font name.
_PARTS = (
    r"(?:rgba?|hsla?)\([\d\s.,%+-]*\)"
    r"|url\(\s*(['\"]?)#[\w.:-]+\1\s*\)"
    r"|\"[\w\s,-]*\"|'[\w\s,-]*'"
)
_SAFE_VALUE = r"[\w\s#.,%+-]*"
_FETCHING = ("image-set(", "image(", "cross-fade(", "element(", "src(")
_LOCAL = re.compile(r"#[^\s]*")
_EMBEDDED = re.compile(r"data:image/(?:png|jpeg);base64,[A-Za-z0-9+/=\s]*")


class NotADrawing(BackpainError):
    """Why a file is not a plain SVG drawing, in words that follow its name."""

    def __init__(self, words: str) -> None:
        super().__init__(words)
        self.words = words


class Drawing(NamedTuple):
    """The rebuilt SVG (UTF-8) and what it shows in words (its desc or title, or "")."""

    data: bytes
    description: str


def rebuild(data: bytes) -> Drawing:
    """The plain drawing in `data`, rebuilt from the allowlists (NotADrawing when it is
    not well-formed XML, not an SVG, or holds something only a document needs)."""
    builder = _Builder()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _doctype
    parser.SkippedEntityHandler = _entity  # a reference a DTD (never read) might define
    parser.ProcessingInstructionHandler = _instruction
    parser.StartElementHandler = builder.start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.text
    parser.buffer_text = True
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        reason = expat.ErrorString(error.code)
        raise NotADrawing(f"is not well-formed XML (line {error.lineno}: {reason})") from None
    return builder.drawing()


def _refuse(words: str) -> NotADrawing:
    return NotADrawing(f"contains {words}; {_PLAIN}")


def _doctype(name: str, system: str | None, public: str | None, internal: int) -> None:
    if internal:  # a bare <!DOCTYPE svg PUBLIC ...> is harmless: its DTD is never read
        raise _refuse("a DTD with declarations (<!DOCTYPE [...]>)")


def _entity(*_: object) -> None:
    raise _refuse("an entity (&name;)")


def _instruction(target: str, data: str) -> None:
    if target.lower() == "xml-stylesheet":
        raise _refuse("a link to another file or site (<?xml-stylesheet?>)")


def css_problem(text: str) -> str | None:
    """What in style text could fetch something or hide it (the words), or None."""
    low = text.lower()
    if "\\" in low:
        return "a CSS escape (\\) in a style"
    if "@import" in low:
        return "a style import (@import)"
    for found in re.finditer(r"url\(\s*['\"]?\s*(.?)", low):
        if found[1] != "#":
            return "a link to another file or site (url())"
    fetching = next((name for name in _FETCHING if name in low), None)
    if fetching is not None:
        return f"a link to another file or site ({fetching[:-1]}())"
    return None


def safe_value(value: str) -> bool:
    """Whether a presentation value is only words, numbers, colours and `url(#id)`."""
    return re.fullmatch(_SAFE_VALUE, re.sub(_PARTS, " ", value), re.ASCII) is not None


def _split(name: str) -> tuple[str, str]:
    namespace, _, local = name.rpartition(" ")
    return namespace, local


class _Builder:
    """The expat handlers: each element checked, and the allowed ones written anew."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.open: list[tuple[str, bool]] = []  # each open element's name, and if written
        self.skipping = 0  # depth inside an element left out
        self.texts: dict[str, list[str]] = {}
        self.reading: tuple[str, int] | None = None  # in the first desc or title, and its depth

    def start(self, name: str, attributes: dict[str, str]) -> None:
        namespace, local = _split(name)
        self._check_element(namespace, local)
        for key, value in attributes.items():
            self._check_attribute(local, key, value)
        drawn = namespace in ("", SVG_NS) and local in _ELEMENTS
        if not self.open and not (drawn and local == "svg"):
            raise NotADrawing("is not an SVG drawing (its root element is not <svg>)")
        if self.skipping or not drawn:
            self.skipping += 1
            self.open.append((local, False))
            return
        if local in ("desc", "title") and local not in self.texts:
            self.reading = (local, len(self.open))
            self.texts[local] = []
        kept = "".join(
            f' {out}="{_escape(value, quote=True)}"'
            for out, value in (_kept(local, key, value) for key, value in attributes.items())
            if out
        )
        if not self.open:
            kept = f' xmlns="{SVG_NS}" xmlns:xlink="{XLINK_NS}"' + kept
        self.out.append(f"<{local}{kept}>")
        self.open.append((local, True))

    def end(self, name: str) -> None:
        local, written = self.open.pop()
        if self.reading is not None and self.reading[1] == len(self.open):
            self.reading = None
        if written:
            self.out.append(f"</{local}>")
        else:
            self.skipping -= 1

    def text(self, data: str) -> None:
        if self.open and self.open[-1][0] == "style":
            self._check_style(data)
        if self.skipping:
            return
        if self.reading is not None:
            self.texts[self.reading[0]].append(data)
        self.out.append(_escape(data, quote=False))

    def _check_element(self, namespace: str, local: str) -> None:
        refused = _REFUSED.get(local.lower())
        if refused is not None:
            raise _refuse(refused)
        if namespace == XHTML_NS:
            raise _refuse("embedded HTML (an XHTML element)")

    def _check_attribute(self, element: str, key: str, value: str) -> None:
        namespace, local = _split(key)
        if local.lower().startswith("on"):
            raise _refuse("an event handler (on...=)")
        if local == "href" and not _local_link(element, value):
            raise _refuse("a link to another file or site (href)")
        if (not namespace and local in _PROPERTIES) or local == "style":
            self._check_style(value)

    def _check_style(self, text: str) -> None:
        problem = css_problem(text)
        if problem is not None:
            raise _refuse(problem)

    def drawing(self) -> Drawing:
        words = self.texts.get("desc") or self.texts.get("title") or []
        description = " ".join("".join(words).split())[:500]
        return Drawing("".join(self.out).encode("utf-8"), description)


def _local_link(element: str, value: str) -> bool:
    """Whether an href points into the same drawing (or is a PNG or JPEG inside it)."""
    value = value.strip()
    if _LOCAL.fullmatch(value):
        return True
    return element == "image" and _EMBEDDED.fullmatch(value) is not None


def _kept(element: str, key: str, value: str) -> tuple[str, str]:
    """The attribute as written anew (name and value), or ("", "") when left out."""
    namespace, local = _split(key)
    if local == "href" and namespace in ("", XLINK_NS) and _local_link(element, value):
        return "xlink:href", value.strip()
    if namespace == XML_NS and local == "space":
        return "xml:space", value
    if namespace:
        return "", ""
    if local == "style":
        style = _kept_style(value)
        return ("style", style) if style else ("", "")
    if local in _PROPERTIES:
        return (local, value) if safe_value(value) else ("", "")
    return (local, value) if local in _ATTRIBUTES else ("", "")


def _kept_style(style: str) -> str:
    kept = []
    for declaration in style.split(";"):
        name, colon, value = declaration.partition(":")
        name, value = name.strip().lower(), value.strip()
        if colon and name in _PROPERTIES and value and safe_value(value):
            kept.append(f"{name}:{value}")
    return ";".join(kept)


def _escape(text: str, *, quote: bool) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if quote:
        text = text.replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;")
    return text.replace("\r", "&#13;")
