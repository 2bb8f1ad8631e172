"""Copy the player's screen snapshots (tests/snapshots/) into the screenshots of the README
and the user guide (docs/user-guide.md).

Each screenshot in those pages sits between two markers, e.g.

    <!-- screen: hold-80x24 -->
    ```text
    ...
    ```
    <!-- /screen -->

and is rewritten from tests/snapshots/hold-80x24.txt (made by `python tests/snapshots.py`
from the real player through a terminal emulator), so the pages cannot go stale.

    python scripts/readme_screens.py           # rewrite the pages' screenshots
    python scripts/readme_screens.py --check   # exit 1 if a page differs
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = (ROOT / "README.md", ROOT / "docs" / "user-guide.md")
SNAPSHOTS = ROOT / "tests" / "snapshots"
BLOCK = re.compile(r"(<!-- screen: ([\w-]+) -->\n)(.*?)(<!-- /screen -->)", re.DOTALL)


def rewritten(text: str) -> str:
    def screen(match: re.Match[str]) -> str:
        snapshot = SNAPSHOTS / f"{match.group(2)}.txt"
        rows = snapshot.read_text(encoding="utf-8").rstrip("\n").split("\n")
        while rows and not rows[-1]:
            rows.pop()
        return f"{match.group(1)}```text\n" + "\n".join(rows) + f"\n```\n{match.group(4)}"

    return BLOCK.sub(screen, text)


def main(argv: list[str]) -> int:
    status = 0
    for page in PAGES:
        shown = page.relative_to(ROOT).as_posix()
        text = page.read_text(encoding="utf-8")
        if not BLOCK.search(text):
            print(f"{shown} has no <!-- screen: NAME --> blocks", file=sys.stderr)
            status = 1
            continue
        new = rewritten(text)
        if "--check" in argv:
            if new != text:
                print(
                    f"{shown}'s screenshots differ from tests/snapshots/: run "
                    "`python scripts/readme_screens.py`",
                    file=sys.stderr,
                )
                status = 1
        elif new != text:
            page.write_text(new, encoding="utf-8")
            print(f"rewrote {shown}'s screenshots")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
