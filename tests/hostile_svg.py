"""SVG pictures that try to run code or fetch something, each a valid SVG in every other
respect (so each tests the rule it targets). `PORT` is replaced by the port of a
listener on 127.0.0.1, and each file asks for its own name there when it is active.

The first group are the ways around the old checker (a set of regular expressions) found
in review; the rest are the classic ones. `ACTIVE_IN_CHROMIUM` are those that really make
a request or run a script when Chromium opens the file as given, measured: the corpus
proves its own point before the rebuilt pictures are shown to do nothing.
"""

from __future__ import annotations

SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
URL = "http://127.0.0.1:PORT/"
SCRIPT = f"fetch('{URL}NAME');document.title='ran'"

CORPUS = {
    # U+00B7 is a legal XML name character: the prefix hid the script from the old check.
    "middot-script": (
        f'{SVG}<a\u00b7b:script xmlns:a\u00b7b="http://www.w3.org/2000/svg">{SCRIPT}'
        "</a\u00b7b:script><circle cx='5' cy='5' r='4'/></svg>"
    ),
    "xhtml-img": (
        f'{SVG}<h:img xmlns:h="http://www.w3.org/1999/xhtml" src="{URL}NAME"/>'
        "<circle cx='5' cy='5' r='4'/></svg>"
    ),
    "xhtml-iframe": (
        f'{SVG}<h:iframe xmlns:h="http://www.w3.org/1999/xhtml" src="{URL}NAME"/>'
        "<circle cx='5' cy='5' r='4'/></svg>"
    ),
    "xhtml-video": (
        f'{SVG}<h:video xmlns:h="http://www.w3.org/1999/xhtml" poster="{URL}NAME" '
        f'src="{URL}NAME"/><circle cx="5" cy="5" r="4"/></svg>'
    ),
    "smil-set": (
        f'{SVG}<image width="10" height="10"><set attributeName="href" to="{URL}NAME"/>'
        "</image></svg>"
    ),
    "css-charref-url": (
        f"{SVG}<style>svg {{ background-image: u&#x72;l({URL}NAME) }}</style>"
        "<circle cx='5' cy='5' r='4'/></svg>"
    ),
    "css-charref-style-attribute": (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" '
        f'style="background-image: u&#x72;l({URL}NAME)"><circle cx="5" cy="5" r="4"/></svg>'
    ),
    "css-escape-url": (
        f"{SVG}<style>svg {{ background-image: \\75 rl({URL}NAME) }}</style>"
        "<circle cx='5' cy='5' r='4'/></svg>"
    ),
    "css-escape-import": (
        f"{SVG}<style>@\\69mport url({URL}NAME);</style><circle cx='5' cy='5' r='4'/></svg>"
    ),
    "css-image-set": (
        f'{SVG}<style>svg {{ background-image: image-set("{URL}NAME" 1x) }}</style>'
        "<circle cx='5' cy='5' r='4'/></svg>"
    ),
    "script": f"{SVG}<script>{SCRIPT}</script><circle cx='5' cy='5' r='4'/></svg>",
    "onload": (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="{SCRIPT}">'
        "<circle cx='5' cy='5' r='4'/></svg>"
    ),
    "foreign-object": (
        f'{SVG}<foreignObject width="10" height="10"><img xmlns="http://www.w3.org/1999/xhtml"'
        f' src="{URL}NAME"/></foreignObject></svg>'
    ),
    "image-href": (f'{SVG}<image href="{URL}NAME" width="10" height="10"/></svg>'),
    "xlink-image-href": (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'viewBox="0 0 10 10"><image xlink:href="{URL}NAME" width="10" height="10"/></svg>'
    ),
    "fe-image": (
        f'{SVG}<filter id="f"><feImage href="{URL}NAME"/></filter>'
        '<rect width="10" height="10" filter="url(#f)"/></svg>'
    ),
    "style-import": f"{SVG}<style>@import url({URL}NAME);</style><circle r='4'/></svg>",
    "font-face": (
        f"{SVG}<style>@font-face {{ font-family: x; src: url({URL}NAME) }} "
        "text { font-family: x }</style><text y='8'>A</text></svg>"
    ),
    "xml-stylesheet": (
        f'<?xml-stylesheet type="text/css" href="{URL}NAME"?>\n{SVG}<circle r="4"/></svg>'
    ),
    "animate-href": (
        f'{SVG}<image width="10" height="10"><animate attributeName="href" '
        f'values="{URL}NAME" dur="1s"/></image></svg>'
    ),
    "external-entity": (
        f'<!DOCTYPE svg [<!ENTITY x SYSTEM "{URL}NAME">]>\n{SVG}<text>&x;</text></svg>'
    ),
    "billion-laughs": (
        '<!DOCTYPE svg [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
        '<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
        f"]>\n{SVG}<text>&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;</text></svg>"
    ),
}


def hostile(name: str, port: int) -> str:
    """The corpus file `name`, asking the listener on `port` for `/name` when active."""
    return CORPUS[name].replace("PORT", str(port)).replace("NAME", name)
