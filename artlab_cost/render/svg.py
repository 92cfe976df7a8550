"""SVG primitives for the report's charts: escaping, coordinates, series styles and their patterns, round
axis ticks, legends, line markers, and the <svg> element itself (plots.py draws the charts with them).

Colours come from the Okabe-Ito palette (told apart with every common colour-vision deficiency)
and every series has its own fill pattern or line dash too, so a chart printed in grey keeps its
series apart. Each chart carries a <title> and a <desc> with its figures in words (what a screen
reader reads), and each bar or point its own <title> (the tooltip a pointer shows, with no
script). Coordinates are pixels, not money: they are rounded to a tenth; every figure shown as
text is formatted from the exact value.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Sequence
from fractions import Fraction
from typing import NamedTuple

from ..money import to_decimal
from ..pricing import Rounding
from .escape import visible
from .grid import width as cells

FONT = 12  # px in the chart's own units
CHAR = FONT * 0.6  # the advance of a narrow character; a wide (CJK) one takes two


class Style(NamedTuple):
    """How a series looks: a fill colour and a pattern drawn over it in white (or a line's dash)."""

    colour: str
    pattern: str  # "", "stripes", "dots", "lines", "cross"


# Series keys: the stages, the two parts of a plan's cash, the two sides of a diff.
STYLES = {
    "free_trial": Style("#009E73", "lines"),
    "pack": Style("#0072B2", "stripes"),
    "voucher": Style("#E69F00", "dots"),
    "postpaid": Style("#D55E00", ""),
    "upfront": Style("#0072B2", "stripes"),
    "base": Style("#A0A0A0", "cross"),
    "new": Style("#0072B2", ""),
    "band": Style("#56B4E9", ""),  # cash from the low to the high case: drawn see-through with a dashed edge
}
INK = "#222"
GRID = "#ddd"


def esc(text: str) -> str:
    """Text as SVG/HTML character data: controls shown visibly, markup escaped."""
    return html.escape(visible(text), quote=True)


_HYPHENATED = re.compile(r"\S*[-‐‑–]\S*")


def html_text(text: str) -> str:
    """Text as HTML character data (not SVG) whose hyphenated words never break across lines: an id
    (ded-8.07, trial-compute@2027-03-01), a date or a month stays whole on a phone (class tok, nowrap);
    the text itself is unchanged, so what is copied is what was written."""
    escaped = esc(text)
    return _HYPHENATED.sub(lambda m: f'<span class="tok">{m.group(0)}</span>', escaped)


def px(value: float | Fraction) -> str:
    """A coordinate: to a tenth of a pixel, without a trailing .0."""
    text = f"{float(value):.1f}"
    return text[:-2] if text.endswith(".0") else text


def text_width(text: str, size: float = FONT) -> float:
    """About how wide a line of text is drawn: a wide character twice a narrow one."""
    return cells(text) * size * 0.6


def _pattern(ident: str, style: Style) -> str:
    head = f'<pattern id="{ident}" width="6" height="6" patternUnits="userSpaceOnUse">'
    body = f'<rect width="6" height="6" fill="{style.colour}"/>'
    over = {
        "stripes": '<path d="M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2" stroke="#fff" stroke-width="1.2"/>',
        "dots": '<circle cx="3" cy="3" r="1.2" fill="#fff"/>',
        "lines": '<path d="M0,3 h6" stroke="#fff" stroke-width="1"/>',
        "cross": '<path d="M0,0 l6,6 M6,0 l-6,6" stroke="#fff" stroke-width="1"/>',
    }[style.pattern]
    return head + body + over + "</pattern>"


def defs(prefix: str, keys: Sequence[str], hatch: bool = False) -> str:
    """The fill patterns of a chart's series (those it draws), and the hatching drawn over a bar that rests on an
    assumption when it has one."""
    out = [_pattern(f"{prefix}-{k}", STYLES[k]) for k in keys if STYLES[k].pattern]
    if hatch:
        out.append(
            f'<pattern id="{prefix}-hatch" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<path d="M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4" stroke="#000" stroke-width="1.6" stroke-opacity=".55"/>'
            "</pattern>"
        )
    return "<defs>" + "".join(out) + "</defs>"


def fill(prefix: str, key: str) -> str:
    style = STYLES[key]
    return f"url(#{prefix}-{key})" if style.pattern else style.colour


# --- scales ---------------------------------------------------------------------------------------


def ticks(top: Fraction, count: int = 5) -> list[Fraction]:
    """Round values from 0 up to at least `top`, about `count` steps of 1, 2 or 5 times a power of ten."""
    if top <= 0:
        return [Fraction(0), Fraction(1)]
    raw = top / count
    power = Fraction(10) ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    n = math.ceil(top / step)
    return [step * i for i in range(n + 1)]


def tick_label(value: Fraction, step: Fraction) -> str:
    """A tick of an axis, thousands separated: 1,500 for whole steps, else as many decimals as the step needs
    (at least two: 0.50; 0.005 below a fen)."""
    if step.denominator == 1 and value.denominator == 1:
        return f"{int(value):,}"
    places = 2
    while (step * 10**places).denominator != 1 and places < 9:
        places += 1
    return f"{to_decimal(value, places, Rounding.half_up):,.{places}f}"


def svg(ident: str, w: float, h: float, title: str, desc: str, body: list[str], kind: str) -> str:
    return (
        f'<svg class="chart {kind}" data-chart="{kind}" viewBox="0 0 {px(w)} {px(h)}" width="{px(w)}" '
        f'height="{px(h)}" role="img" aria-labelledby="{ident}-t {ident}-d" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-t">{esc(title)}</title><desc id="{ident}-d">{esc(desc)}</desc>' + "".join(body) + "</svg>"
    )


class Key(NamedTuple):
    """A legend entry and its words: a series key (a swatch), a line ("line:list", "line:cash"), or how a bar is
    marked ("mark:best": outlined, "mark:hatch": hatched)."""

    key: str
    text: str


def legend(prefix: str, keys: Sequence[Key], x: float, y: float, room: float) -> tuple[list[str], float]:
    """Legend entries left to right, wrapping within `room`; returns the markup and the height taken."""
    out, cx, cy = ['<g class="legend">'], x, y
    for k in keys:
        text = fit(k.text, room - 22)
        w = 22 + text_width(text) + 14
        if cx > x and cx + w > x + room:
            cx, cy = x, cy + FONT + 8
        if k.key.startswith("line:"):
            out.append(_line_swatch(k.key, cx, cy))
        elif k.key == "mark:best":
            out.append(
                f'<rect x="{px(cx + 1)}" y="{px(cy + 1)}" width="14" height="{FONT - 2}" fill="none" stroke="{INK}" '
                f'stroke-width="2.5"/>'
            )
        elif k.key == "mark:hatch":
            out.append(
                f'<rect x="{px(cx)}" y="{px(cy)}" width="16" height="{FONT}" fill="url(#{prefix}-hatch)" '
                f'stroke="{INK}" stroke-width=".5"/>'
            )
        else:
            out.append(
                f'<rect x="{px(cx)}" y="{px(cy)}" width="16" height="{FONT}" fill="{fill(prefix, k.key)}" '
                f'stroke="{INK}" stroke-width=".5"/>'
            )
        out.append(f'<text x="{px(cx + 22)}" y="{px(cy + FONT - 2)}">{esc(text)}<title>{esc(k.text)}</title></text>')
        cx += w
    out.append("</g>")
    return out, cy + FONT + 8 - y


def fit(text: str, room: float) -> str:
    """Text cut to `room` with an ellipsis where it is longer (the whole of it stays in a tooltip)."""
    if text_width(text) <= room:
        return text
    while text and text_width(text + "…") > room:
        text = text[:-1]
    return text + "…"


LINES = {"line:list": ("", "circle"), "line:cash": ("5 3", "square")}


def _line_swatch(key: str, x: float, y: float) -> str:
    dash, mark = LINES[key]
    mid = y + FONT / 2
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<path d="M{px(x)},{px(mid)} h16" stroke="{INK}" stroke-width="2"{dashed}/>' + marker(mark, x + 8, mid)


def marker(shape: str, x: float, y: float, extra: str = "", tip: str = "") -> str:
    """A line's point: an open circle or a filled square, with its tooltip."""
    if shape == "circle":
        tag = f'<circle cx="{px(x)}" cy="{px(y)}" r="3" fill="#fff" stroke="{INK}" stroke-width="1.5"{extra}'
    else:
        tag = f'<rect x="{px(x - 3)}" y="{px(y - 3)}" width="6" height="6" fill="{INK}"{extra}'
    if not tip:
        return tag + "/>"
    return f"{tag}><title>{esc(tip)}</title></{'circle' if shape == 'circle' else 'rect'}>"
