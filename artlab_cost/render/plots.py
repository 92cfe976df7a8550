"""The charts of the HTML report, drawn in SVG: columns (months across, yuan up), rows (a bar a plan) and a
balance's track over time. They take figures and words and return markup; svg.py holds the primitives."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import date
from fractions import Fraction
from typing import NamedTuple

from ..calendar import add_months
from .grid import wrap
from .svg import (
    CHAR,
    FONT,
    GRID,
    INK,
    LINES,
    STYLES,
    Key,
    defs,
    esc,
    fill,
    fit,
    legend,
    marker,
    px,
    svg,
    text_width,
    tick_label,
    ticks,
)
from .wording import exact

# --- columns: months across, yuan up ------------------------------------------------------------------


class Part(NamedTuple):
    key: str  # a series of STYLES
    value: Fraction
    tip: str  # the tooltip: what the part is, in words, with its figure


class Column(NamedTuple):
    """One bar: its parts stacked from the axis up, in order."""

    parts: tuple[Part, ...]
    data: dict[str, str]  # data-* attributes (a month, a side) for scripts and tests


class Line(NamedTuple):
    key: str  # "line:list" or "line:cash"
    values: tuple[Fraction, ...]  # one a category
    tips: tuple[str, ...]


class Band(NamedTuple):
    """A range of values per category (a month's cash from the low to the high case), drawn over the columns:
    across the category, or over one of its columns (the `column`-th, side by side)."""

    low: tuple[Fraction, ...]
    high: tuple[Fraction, ...]
    tips: tuple[str, ...]
    column: int | None = None


class Frame(NamedTuple):
    """Where a chart's plot sits in its box, and its value scale."""

    left: float
    top: float
    width: float
    height: float
    ticks: list[Fraction]

    def y(self, value: Fraction) -> float:
        return self.top + self.height - float(value / self.ticks[-1]) * self.height


def _y_axis(frame: Frame, label: str) -> list[str]:
    step = frame.ticks[1] - frame.ticks[0]
    out = ['<g class="axis">']
    for t in frame.ticks:
        y = px(frame.y(t))
        out.append(f'<path d="M{px(frame.left)},{y} h{px(frame.width)}" stroke="{GRID}"/>')
        out.append(f'<text x="{px(frame.left - 6)}" y="{y}" dy="4" text-anchor="end">{tick_label(t, step)}</text>')
    out.append(f'<text x="2" y="{px(frame.top - 8)}">{esc(label)}</text>')
    out.append("</g>")
    return out


def columns(
    ident: str,
    size: tuple[float, float],
    title: str,
    desc: str,
    labels: Sequence[str],
    bars: Sequence[Sequence[Column]],
    lines: Sequence[Line],
    keys: Sequence[Key],
    unit: str,
    bands: Sequence[Band] = (),
) -> str:
    """Categories (months) across, one or more stacked columns each (side by side), lines through them, and
    bands of a range per category over the columns when given."""
    w, h = size
    top_value = max(
        [sum((p.value for p in c.parts), Fraction(0)) for group in bars for c in group]
        + [v for line in lines for v in line.values]
        + [v for band in bands for v in band.high]
        + [Fraction(0)]
    )
    scale = ticks(top_value)
    left = max(text_width(tick_label(t, scale[1] - scale[0])) for t in scale) + 12
    key_marks, key_height = legend(ident, keys, left, 4, w - left - 8)
    frame = Frame(left, 4 + key_height + 22, w - left - 8, h - key_height - 26 - 22 - 22, scale)
    used = {k.key for k in keys} | {p.key for group in bars for c in group for p in c.parts}
    body = [defs(ident, [k for k in STYLES if k in used]), *key_marks, *_y_axis(frame, unit)]
    slot = frame.width / max(len(labels), 1)
    per = max(len(g) for g in bars) if bars else 1
    bar_w = min(slot * 0.72 / per, 48)
    centres = [frame.left + slot * (i + 0.5) for i in range(len(labels))]
    for centre, group in zip(centres, bars, strict=True):
        for j, col in enumerate(group):
            x = centre - bar_w * per / 2 + bar_w * j
            body.append(_column(ident, col, x, bar_w, frame))
    for band in bands:
        if band.column is None:
            spans = [(c - slot * 0.45, slot * 0.9) for c in centres]
        else:
            spans = [(c - bar_w * per / 2 + bar_w * band.column - 3, bar_w + 6) for c in centres]
        body.append(_band(band, spans, frame))
    for line in lines:
        body.append(_polyline(line, centres, frame, marks=slot >= 12))  # no marks where they would crowd
    body += _x_labels(labels, centres, slot, frame)
    body.append(f'<path d="M{px(frame.left)},{px(frame.y(Fraction(0)))} h{px(frame.width)}" stroke="{INK}"/>')
    return svg(ident, w, h, title, desc, body, "columns")


def _attrs(data: dict[str, str]) -> str:
    return "".join(f' data-{k}="{esc(v)}"' for k, v in data.items())


def _column(prefix: str, col: Column, x: float, bar_w: float, frame: Frame) -> str:
    out = [f'<g class="col"{_attrs(col.data)}>']
    base = Fraction(0)
    for p in col.parts:
        if p.value <= 0:
            continue
        y0, y1 = frame.y(base), frame.y(base + p.value)
        out.append(
            f'<rect class="seg" data-series="{p.key}" data-yuan="{exact(p.value)}" x="{px(x)}" y="{px(y1)}" '
            f'width="{px(bar_w)}" height="{px(max(y0 - y1, 0.5))}" fill="{fill(prefix, p.key)}" stroke="#fff" '
            f'stroke-width=".5"><title>{esc(p.tip)}</title></rect>'
        )
        base += p.value
    out.append("</g>")
    return "".join(out)


def _band(band: Band, spans: Sequence[tuple[float, float]], frame: Frame) -> str:
    """A see-through box over each category (its left edge and width) from its low to its high value."""
    colour = STYLES["band"].colour
    out = ['<g class="band" data-series="band">']
    for (x, width), low, high, tip in zip(spans, band.low, band.high, band.tips, strict=True):
        y0, y1 = frame.y(low), frame.y(high)
        out.append(
            f'<rect class="range" data-low="{exact(low)}" data-high="{exact(high)}" x="{px(x)}" '
            f'y="{px(y1)}" width="{px(width)}" height="{px(max(y0 - y1, 1.0))}" fill="{colour}" '
            f'fill-opacity=".35" stroke="{INK}" stroke-width="1" stroke-dasharray="2 2">'
            f"<title>{esc(tip)}</title></rect>"
        )
    out.append("</g>")
    return "".join(out)


def _polyline(line: Line, xs: Sequence[float], frame: Frame, marks: bool) -> str:
    dash, mark = LINES[line.key]
    pts = " ".join(f"{px(x)},{px(frame.y(v))}" for x, v in zip(xs, line.values, strict=True))
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    out = [f'<g class="line" data-series="{line.key[5:]}">']
    out.append(f'<polyline points="{pts}" fill="none" stroke="{INK}" stroke-width="2"{dashed}/>')
    for x, v, tip in zip(xs, line.values, line.tips, strict=True) if marks else ():
        extra = f' class="point" data-yuan="{exact(v)}"'
        out.append(marker(mark, x, frame.y(v), extra, tip))
    out.append("</g>")
    return "".join(out)


def _x_labels(labels: Sequence[str], xs: Sequence[float], slot: float, frame: Frame) -> list[str]:
    """Category labels (months) under the axis: every one where they fit, else every 2nd, 3rd, 6th, 12th... from
    the first, so the labels shown are evenly spaced."""
    widest = max((text_width(label) for label in labels), default=0) + 8
    need = math.ceil(widest / slot) if slot else 1
    every = next(k for k in (1, 2, 3, 6, 12, 24, 60, 120, 10**9) if k >= need)
    y = px(frame.top + frame.height + FONT + 6)
    out = ['<g class="axis x">']
    for i, (label, x) in enumerate(zip(labels, xs, strict=True)):
        if i % every == 0:
            out.append(f'<text x="{px(x)}" y="{y}" text-anchor="middle">{esc(label)}</text>')
    out.append("</g>")
    return out


# --- rows: one bar a line, for plans --------------------------------------------------------------


class Row(NamedTuple):
    label: str  # over the bar: the rank and the plan
    parts: tuple[Part, ...]
    total: str  # at the bar's end: its figure
    highlight: bool  # the recommended plan: drawn with a heavy outline
    hatched: bool  # rests on an assumed term of an offer: hatched over
    data: dict[str, str]


def rows(ident: str, wide: float, title: str, desc: str, items: Sequence[Row], keys: Sequence[Key], unit: str) -> str:
    """One stacked bar a row, each under its label: labels of any length fit a phone's width.

    When every bar is within a tenth of the longest (ten plans a few yuan apart), an axis from 0 would show
    ten equal bars: the axis then starts a tick below the shortest, marked as cut (a zigzag at its start,
    `data-from` on the axis), so the differences are what the eye sees."""
    totals = [sum((p.value for p in r.parts), Fraction(0)) for r in items]
    top_value = max([*totals, Fraction(0)])
    scale = ticks(top_value, 4)
    low = min(totals) if totals else Fraction(0)
    if len(items) > 1 and low > 0 and (top_value - low) * 10 < top_value:
        step = ticks(top_value - low, 4)[1] if top_value > low else ticks(top_value, 4)[1] / 10
        start = (low // step) * step - step
        if start > 0:
            scale = [start + step * i for i in range(int((top_value - start) / step) + 2)]
            scale = scale[: next(i for i, t in enumerate(scale) if t >= top_value) + 1]
    origin = scale[0]

    def at(value: Fraction) -> float:
        """A value's distance from the axis start, in pixels (0 below a cut axis's start)."""
        return float(max(value - origin, Fraction(0)) / (scale[-1] - origin)) * span

    key_marks, key_height = legend(ident, keys, 8, 4, wide - 16)
    right = max(text_width(r.total) for r in items) + 14 if items else 0
    frame = Frame(8, 4 + key_height + 8, wide - 16 - right, 0, scale)
    span = frame.width
    used = {k.key for k in keys} | {p.key for r in items for p in r.parts}
    body = [defs(ident, [k for k in STYLES if k in used], hatch=any(r.hatched for r in items)), *key_marks]
    y = frame.top
    for r in items:
        body.append(f'<g class="row"{_attrs(r.data)}>')
        best = ' class="best"' if r.highlight else ""
        for line in wrap(r.label, max(int((wide - 16) / CHAR), 12)):  # a long plan on as many lines as it needs
            y += FONT + 2
            body.append(f'<text x="{px(frame.left)}" y="{px(y)}"{best}>{esc(line)}</text>')
        bar_y, bar_h = y + 8, 16  # room for the first plan's outline below its label's descenders
        x, reached = frame.left, Fraction(0)
        for p in r.parts:
            if p.value <= 0:
                continue
            bw = at(reached + p.value) - at(reached)
            reached += p.value
            if bw <= 0:  # wholly below a cut axis's start
                continue
            body.append(
                f'<rect class="seg" data-series="{p.key}" data-yuan="{exact(p.value)}" x="{px(x)}" y="{px(bar_y)}" '
                f'width="{px(max(bw, 0.5))}" height="{bar_h}" fill="{fill(ident, p.key)}">'
                f"<title>{esc(p.tip)}</title></rect>"
            )
            x += bw
        whole = x - frame.left
        if r.hatched and whole > 0:
            body.append(
                f'<rect class="hatch" x="{px(frame.left)}" y="{px(bar_y)}" width="{px(whole)}" height="{bar_h}" '
                f'fill="url(#{ident}-hatch)"/>'
            )
        if r.highlight:
            body.append(
                f'<rect class="best" x="{px(frame.left - 2)}" y="{px(bar_y - 2)}" width="{px(whole + 4)}" '
                f'height="{bar_h + 4}" fill="none" stroke="{INK}" stroke-width="2.5"/>'
            )
        body.append(f'<text x="{px(x + 6)}" y="{px(bar_y + bar_h - 4)}">{esc(r.total)}</text></g>')
        y = bar_y + bar_h + 10
    axis_y = y + 2
    step = scale[1] - scale[0]
    cut = f' data-from="{exact(origin)}"' if origin else ""
    body.append(f'<g class="axis x"{cut}><path d="M{px(frame.left)},{px(axis_y)} h{px(span)}" stroke="{INK}"/>')
    if origin:  # the axis does not start at 0: a zigzag says so
        body.append(
            f'<path class="cut" d="M{px(frame.left - 4)},{px(axis_y + 5)} l4,-10 l4,10" fill="none" stroke="{INK}"/>'
        )
    for t in scale:
        tx = frame.left + at(t)
        body.append(f'<path d="M{px(tx)},{px(axis_y)} v4" stroke="{INK}"/>')
        body.append(f'<text x="{px(tx)}" y="{px(axis_y + FONT + 6)}" text-anchor="middle">{tick_label(t, step)}</text>')
    body.append(f'<text x="{px(frame.left + span)}" y="{px(axis_y + 2 * FONT + 12)}" text-anchor="end">')
    body.append(esc(unit) + "</text></g>")
    return svg(ident, wide, axis_y + 2 * FONT + 18, title, desc, body, "rows")


# --- a balance over time -------------------------------------------------------------------------


class Mark(NamedTuple):
    """Something that happens on a track's day: its expiry, what lapsed."""

    day: date
    text: str


def track(
    ident: str,
    size: tuple[float, float],
    title: str,
    desc: str,
    points: Sequence[tuple[date, Fraction]],
    period: tuple[date, date],
    axis: tuple[Fraction, str],
    series: str,
    marks: Sequence[Mark],
) -> str:
    """A balance over the period: a line with the area under it, the period's months on the time axis, its
    expiry and what lapsed marked. `axis` is the scale's top and the unit its ticks count in."""
    w, h = size
    start, end = period
    top, unit = axis
    scale = ticks(top, 3)
    step = scale[1] - scale[0]
    labels = [tick_label(t, step) for t in scale]
    left = max(text_width(label) for label in labels) + 10
    frame = Frame(left, 36, w - left - 10, h - 36 - 24, scale)  # above the plot: the unit, then the marks
    days = max((end - start).days, 1)

    def x(day: date) -> float:
        return frame.left + frame.width * (day - start).days / days

    body = [defs(ident, [series] if STYLES[series].pattern else [])]
    body.append('<g class="axis">')
    for t, label in zip(scale, labels, strict=True):
        y = px(frame.y(t))
        body.append(f'<path d="M{px(frame.left)},{y} h{px(frame.width)}" stroke="{GRID}"/>')
        body.append(f'<text x="{px(frame.left - 5)}" y="{y}" dy="4" text-anchor="end">{esc(label)}</text>')
    body.append(f'<text x="2" y="{FONT}">{esc(unit)}</text>')
    body.append("</g>")
    body += _time_axis(start, end, x, frame)
    coords = [(x(d), frame.y(v)) for d, v in points]
    if coords:
        line = " ".join(f"{px(a)},{px(b)}" for a, b in coords)
        base = px(frame.y(Fraction(0)))
        area = f"{px(coords[0][0])},{base} {line} {px(coords[-1][0])},{base}"
        body.append(f'<polygon class="area" points="{area}" fill="{fill(ident, series)}" fill-opacity=".35"/>')
        body.append(f'<polyline class="balance" points="{line}" fill="none" stroke="{INK}" stroke-width="2"/>')
    body += [_mark(m, x(m.day), w, frame) for m in marks]
    return svg(ident, w, h, title, desc, body, "track")


def _mark(m: Mark, mx: float, w: float, frame: Frame) -> str:
    """A dashed line at a day, its words on the line above the plot: beside the line where they fit, else as
    far as the box allows (cut with an ellipsis only if longer than the box)."""
    text = fit(m.text, w - 4)
    tw = text_width(text)
    if mx + 4 + tw <= w - 2:
        anchor, tx = "start", mx + 4
    elif mx - 4 - tw >= 2:
        anchor, tx = "end", mx - 4
    else:
        anchor, tx = "end", w - 2
    return (
        f'<g class="mark"><path d="M{px(mx)},{px(frame.top - 14)} v{px(frame.height + 14)}" stroke="{INK}" '
        f'stroke-dasharray="3 3"/><text x="{px(tx)}" y="{px(frame.top - 6)}" text-anchor="{anchor}">'
        f"{esc(text)}<title>{esc(m.text)}</title></text></g>"
    )


def _time_axis(start: date, end: date, x: Callable[[date], float], frame: Frame) -> list[str]:
    """The period's month starts as ticks, labelled where there is room (its first day always)."""
    months = []
    day = start
    while day < end:
        months.append(day)
        day = add_months(day.replace(day=1), 1)
    y = frame.top + frame.height
    label_w = text_width("2027-01-01")
    out = [f'<g class="axis x"><path d="M{px(frame.left)},{px(y)} h{px(frame.width)}" stroke="{INK}"/>']
    free = frame.left  # where the next label may begin: labels never overlap, the first is always shown
    for i, m in enumerate(months):
        mx = x(m)
        out.append(f'<path d="M{px(mx)},{px(y)} v4" stroke="{INK}"/>')
        left = mx if i == 0 else mx - label_w / 2
        if left >= free and left + label_w <= frame.left + frame.width + 8:
            anchor = "start" if i == 0 else "middle"
            out.append(f'<text x="{px(mx)}" y="{px(y + FONT + 6)}" text-anchor="{anchor}">{m.isoformat()}</text>')
            free = left + label_w + 8
    out.append("</g>")
    return out
