"""Draw the built-in exercises' pictures as SVG line drawings, with the standard library.

    python scripts/draw_pictures.py          # writes routines/pictures/*.svg

One style for all of them: a stick figure in dark ink (same stroke everywhere), the
floor, chair and wall in grey, and the movement as a blue arrow. Each picture shows the
position and the movement as the exercise's own instructions in routines/exercises.yaml
describe them. For the two-sided exercises (rotation, sidebend) the picture shows one
side, the first (LEFT SIDE) where it can; the words on screen say which side is being
worked.

The output is deterministic, so running it again gives byte-identical files; the SVGs
are committed so installs need no build step. Each has a <title> and a <desc> (what a
screen reader says) and a white background, so it reads on a dark page too.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "routines" / "pictures"

WIDTH, HEIGHT = 320, 240
INK = "#222222"  # the person
PROP = "#8c8c8c"  # floor, chair, wall
MOVE = "#1f6fb2"  # the movement arrow
BALL = "#c9d63c"  # the tennis ball
STROKE = 6  # the person's lines
PROP_STROKE = 4
MOVE_STROKE = 4
HEAD = 15  # head radius
FLOOR = 214

Point = tuple[float, float]


def _n(value: float) -> str:
    """A coordinate with at most one decimal, no trailing zeros: stable output."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _pts(*points: Point) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in points)


class Drawing:
    def __init__(self, title: str, desc: str) -> None:
        self.title = title
        self.desc = desc
        self.props: list[str] = []
        self.body: list[str] = []
        self.moves: list[str] = []

    # -- props: floor, chair, wall -----------------------------------------------------

    def floor(self, x1: float = 20, x2: float = 300) -> None:
        self.props.append(f'<line x1="{_n(x1)}" y1="{FLOOR}" x2="{_n(x2)}" y2="{FLOOR}"/>')

    def prop_line(self, *points: Point) -> None:
        self.props.append(f'<polyline points="{_pts(*points)}"/>')

    def side_chair(self, front: float, back: float, seat: float, top: float) -> None:
        """A chair seen from the side: seat, legs, and a back rest at x=back."""
        self.prop_line((back, top), (back, FLOOR))
        self.prop_line((back, seat), (front, seat), (front, FLOOR))

    def front_chair(self, left: float, right: float, seat: float) -> None:
        """A chair seen from the front: the seat's edge and two legs."""
        self.prop_line((left, FLOOR), (left, seat), (right, seat), (right, FLOOR))

    # -- the person --------------------------------------------------------------------

    def limb(self, *points: Point) -> None:
        self.body.append(f'<polyline points="{_pts(*points)}"/>')

    def curve(self, start: Point, control: Point, end: Point) -> None:
        (x1, y1), (cx, cy), (x2, y2) = start, control, end
        self.body.append(f'<path d="M{_n(x1)},{_n(y1)} Q{_n(cx)},{_n(cy)} {_n(x2)},{_n(y2)}"/>')

    def head(self, centre: Point) -> None:
        x, y = centre
        self.body.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{HEAD}" fill="#ffffff"/>')

    def ball(self, centre: Point, radius: float) -> None:
        x, y = centre
        self.body.append(
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="{_n(radius)}" fill="{BALL}" '
            f'stroke-width="{PROP_STROKE}"/>'
        )

    def faint(self, *points: Point) -> None:
        """A thin grey outline on the body (shoulder blades)."""
        self.body.append(
            f'<polygon points="{_pts(*points)}" stroke="{PROP}" stroke-width="{PROP_STROKE}"/>'
        )

    # -- the movement ------------------------------------------------------------------

    def arrow(self, start: Point, control: Point, end: Point, *, both: bool = False) -> None:
        """A curved arrow (a straight one when `control` is on the line), head at `end`."""
        (x1, y1), (cx, cy), (x2, y2) = start, control, end
        self.moves.append(
            f'<path d="M{_n(x1)},{_n(y1)} Q{_n(cx)},{_n(cy)} {_n(x2)},{_n(y2)}" fill="none"/>'
        )
        self.moves.append(_head(control, end))
        if both:
            self.moves.append(_head(control, start))

    def svg(self) -> str:
        lines = [
            '<svg xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
            'role="img" aria-labelledby="title desc">',
            f'<title id="title">{self.title}</title>',
            f'<desc id="desc">{self.desc}</desc>',
            f'<rect width="{WIDTH}" height="{HEIGHT}" rx="12" fill="#ffffff"/>',
            f'<g fill="none" stroke="{PROP}" stroke-width="{PROP_STROKE}" '
            'stroke-linecap="round" stroke-linejoin="round">',
            *self.props,
            "</g>",
            f'<g fill="none" stroke="{INK}" stroke-width="{STROKE}" '
            'stroke-linecap="round" stroke-linejoin="round">',
            *self.body,
            "</g>",
            f'<g stroke="{MOVE}" fill="{MOVE}" stroke-width="{MOVE_STROKE}" '
            'stroke-linecap="round" stroke-linejoin="round">',
            *self.moves,
            "</g>",
            "</svg>",
        ]
        return "\n".join(lines) + "\n"


def _head(towards: Point, tip: Point) -> str:
    """A filled arrowhead at `tip`, pointing away from `towards`."""
    dx, dy = tip[0] - towards[0], tip[1] - towards[1]
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    size, half = 14.0, 7.5
    base = (tip[0] - ux * size, tip[1] - uy * size)
    left = (base[0] - uy * half, base[1] + ux * half)
    right = (base[0] + uy * half, base[1] - ux * half)
    return f'<polygon points="{_pts(tip, left, right)}"/>'


# -- the pictures -----------------------------------------------------------------------


def rhomboid_long_sitting() -> Drawing:
    d = Drawing(
        "Rhomboid stretch (long sitting)",
        "Seen from the side: sitting on the floor with the legs straight out, reaching "
        "forward to hold the legs, the upper back rounded; the arrow shows the upper back "
        "pulling gently back, away from the legs.",
    )
    d.floor()
    hip = (76.0, 202.0)
    shoulder = (146.0, 112.0)
    d.limb(hip, (270, 202), (280, 176))  # straight legs along the floor, toes up
    d.curve(hip, (84, 122), shoulder)  # the trunk leaning forward, the upper back rounded
    d.limb(shoulder, (190, 152), (228, 194))  # arms reaching forward to hold the shins
    d.limb(shoulder, (158, 104))  # neck, head forward
    d.head((170.0, 96.0))
    d.arrow((90, 108), (72, 84), (44, 80))  # the upper back pulls back, away from the legs
    return d


def rhomboid_seated() -> Drawing:
    d = Drawing(
        "Rhomboid stretch (seated)",
        "Seen from the side: sitting on the front of a chair, feet flat, hands holding "
        "the knees, the upper back rounded; the arrow shows the upper back leaning gently "
        "back, away from the knees.",
    )
    d.floor()
    d.side_chair(front=176, back=70, seat=156, top=86)
    hip = (150.0, 150.0)
    knee = (214.0, 150.0)
    shoulder = (160.0, 84.0)
    d.limb(hip, knee, (214, 210), (236, 210))  # thigh, shin, foot flat
    d.curve(hip, (122, 96), shoulder)  # rounded back, leaning back a little
    d.limb(shoulder, (188, 116), (210, 146))  # arms straight to the knees
    d.limb(shoulder, (170, 82))  # neck, head forward and down
    d.head((184.0, 80.0))
    d.arrow((124, 72), (112, 54), (88, 50))
    return d


def scapular_squeeze() -> Drawing:
    d = Drawing(
        "Scapular squeeze",
        "Seen from behind: standing tall, arms relaxed at the sides; the arrows show "
        "the shoulder blades squeezing together, towards the spine.",
    )
    d.floor(80, 240)
    d.head((160.0, 40.0))
    d.limb((160, 55), (160, 142))  # neck and spine
    d.limb((116, 82), (204, 82))  # shoulders, level and down
    d.limb((116, 82), (108, 146), (106, 176))  # arms relaxed at the sides
    d.limb((204, 82), (212, 146), (214, 176))
    d.limb((138, 142), (182, 142))  # hips
    d.limb((140, 142), (136, 210), (126, 210))  # legs
    d.limb((180, 142), (184, 210), (194, 210))
    d.faint((128, 92), (148, 92), (147, 122))  # shoulder blades
    d.faint((192, 92), (172, 92), (173, 122))
    d.arrow((118, 112), (130, 112), (150, 112))
    d.arrow((202, 112), (190, 112), (170, 112))
    return d


def thoracic_rotation() -> Drawing:
    d = Drawing(
        "Thoracic rotation",
        "Seen from the front: sitting tall on a seat, feet flat, arms crossed over the "
        "chest with the hands on the shoulders; the curved arrow shows the upper body "
        "turning to one side and back, the hips staying still.",
    )
    d.floor(60, 260)
    d.front_chair(118, 202, 156)
    d.head((160.0, 36.0))
    d.limb((160, 51), (160, 148))  # neck and spine
    d.limb((124, 80), (196, 80))  # shoulders
    d.limb((124, 80), (138, 114), (190, 84))  # arms crossed over the chest
    d.limb((196, 80), (182, 114), (130, 84))
    d.limb((138, 150), (182, 150))  # hips, facing forward
    d.limb((140, 150), (134, 166), (134, 210), (122, 210))  # legs
    d.limb((180, 150), (186, 166), (186, 210), (198, 210))
    d.arrow((92, 100), (160, 134), (228, 100), both=True)
    return d


def thoracic_sidebend() -> Drawing:
    d = Drawing(
        "Thoracic sidebend",
        "Seen from the front: sitting tall, the left arm reaching up over the head, the "
        "right hand resting on the seat, the upper body bending straight sideways to the "
        "right, away from the raised arm, so the left side stretches (LEFT SIDE); the "
        "curved arrow shows the bend.",
    )
    d.floor(60, 260)
    d.front_chair(118, 202, 156)
    hip = (160.0, 150.0)
    top = (142.0, 72.0)
    d.curve(hip, (162, 104), top)  # spine, bending to the person's right (our left)
    shoulders = ((172.0, 50.0), (110.0, 96.0))
    d.limb(*shoulders)
    d.limb(top, (134, 62))  # neck
    d.head((124.0, 50.0))
    d.limb(shoulders[0], (166, 16), (122, 10))  # the left arm raised, over the head
    d.limb(shoulders[1], (106, 126), (116, 152))  # the right hand resting on the seat
    d.limb((138, 150), (182, 150))  # hips stay on the seat
    d.limb((140, 150), (134, 166), (134, 210), (122, 210))  # legs
    d.limb((180, 150), (186, 166), (186, 210), (198, 210))
    d.arrow((94, 30), (58, 48), (54, 92))
    return d


def ball_pressure() -> Drawing:
    d = Drawing(
        "Ball pressure on trigger points",
        "Seen from the side: standing with the back to a wall, a tennis ball between the "
        "wall and the upper back beside the shoulder blade; the arrow shows leaning back "
        "gently onto the ball.",
    )
    d.floor(40, 260)
    wall = 76.0
    d.prop_line((wall, 12), (wall, FLOOR))
    for y in range(24, 214, 24):  # the wall's hatching
        d.prop_line((wall, y), (wall - 14, y + 12))
    shoulder = (100.0, 62.0)
    hip = (118.0, 138.0)
    d.ball((wall + 13, 88), 11)
    d.limb(hip, shoulder)  # back, leaning on the ball
    d.limb(hip, (128, 175), (136, 210), (156, 210))  # legs, feet a small step from the wall
    d.limb(shoulder, (106, 52))  # neck
    d.head((113.0, 39.0))
    d.limb(shoulder, (124, 96), (136, 122))  # arm relaxed, in front
    d.arrow((182, 88), (168, 88), (142, 88))
    return d


PICTURES = {
    "rhomboid-stretch-long-sitting": rhomboid_long_sitting,
    "rhomboid-stretch-seated": rhomboid_seated,
    "scapular-squeeze": scapular_squeeze,
    "thoracic-rotation": thoracic_rotation,
    "thoracic-sidebend": thoracic_sidebend,
    "ball-trigger-point-pressure": ball_pressure,
}


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else OUT
    out.mkdir(parents=True, exist_ok=True)
    for name, draw in PICTURES.items():
        path = out / f"{name}.svg"
        path.write_text(draw().svg(), encoding="utf-8")
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
