"""The report's charts with their words: each builds its figures from a result (charts.py), draws them
(plots.py) in a wide and a narrow drawing, and titles them in the reader's language. html.py places them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING

from ..engine import Estimate
from ..i18n import money, tr
from ..pricing import GrantKind
from .charts import Track, cash_band, diff_cash_band, months, tracks
from .estimate_rows import balance_amounts, balance_label, monthly_key
from .plan_rows import plan_lines, plan_rows, rank_text
from .plots import Band, Column, Line, Mark, Part, Row, columns, rows, track
from .svg import Key, esc, html_text
from .wording import exact, last_day, span_words, stage_name

if TYPE_CHECKING:
    from ..changes import Diff
    from ..plans import Comparison, Plan

WIDE, NARROW = (760.0, 340.0), (360.0, 300.0)  # a chart's box for a screen (and print), and for a phone


def h2(text: str) -> str:
    return f"<h2>{esc(text)}</h2>"


def caption(text: str) -> str:
    return f'<p class="caption">{html_text(text)}</p>'


def month_tip(lang: str, month: str, what: str, value: Fraction) -> str:
    """A bar's or point's tooltip on a monthly chart: 2027-03, pack: 12.40 yuan."""
    return tr(lang, "chart.tip", month=month, what=what, amount=money(value))


def figure(ident: str, draw: Callable[[str, tuple[float, float]], str], caption: str = "") -> list[str]:
    """A chart in its wide and its narrow drawing (the page shows one), with a caption under it."""
    out = ["<figure>", draw(f"{ident}-w", WIDE).replace('class="chart ', 'class="chart wide ', 1)]
    out.append(draw(f"{ident}-n", NARROW).replace('class="chart ', 'class="chart narrow ', 1))
    if caption:
        out.append(f'<figcaption class="caption">{esc(caption)}</figcaption>')
    return [*out, "</figure>"]


def _band(ranges: list[tuple[str, Fraction, Fraction]], lang: str, column: int | None = None) -> Band:
    """A month's cash from the lowest to the highest of its cases, with a tooltip a month."""
    tips = tuple(
        tr(lang, "chart.band-tip", month=month, low=money(low), high=money(high)) for month, low, high in ranges
    )
    return Band(tuple(r[1] for r in ranges), tuple(r[2] for r in ranges), tips, column)


def month_chart(result: Estimate, lang: str) -> list[str]:
    ms = months(result)
    cash_name, list_name = tr(lang, "summary.cash"), tr(lang, "chart.list")

    bars = [
        [
            Column(
                tuple(Part(s.value, v, month_tip(lang, m.month, stage_name(s, lang), v)) for s, v in m.stages),
                {"month": m.month, "list": exact(m.list_price), "cash": exact(m.cash)},
            )
        ]
        for m in ms
    ]
    lines = [
        Line(key, values, tuple(month_tip(lang, m.month, name, v) for m, v in zip(ms, values, strict=True)))
        for key, name, values in (
            ("line:list", list_name, tuple(m.list_price for m in ms)),
            ("line:cash", cash_name, tuple(m.cash for m in ms)),
        )
    ]
    keys = [Key(s.value, stage_name(s, lang).capitalize()) for s in result.stages]
    keys += [Key("line:list", list_name), Key("line:cash", cash_name)]
    bands = []
    if result.cases:  # usage given as ranges: the lines are the expected case, the band spans the cases
        bands.append(_band(cash_band(result), lang))
        keys.append(Key("band", tr(lang, "chart.band")))
    title = tr(lang, "chart.months")
    desc = tr(lang, "list.semicolon").join(
        tr(
            lang,
            "chart.month-desc",
            month=m.month,
            list=money(m.list_price),
            cash=money(m.cash),
            parts=tr(lang, "list.separator").join(
                tr(lang, "table.stacked", header=stage_name(s, lang), value=money(v)) for s, v in m.stages
            ),
        )
        for m in ms
    )

    def draw(ident: str, size: tuple[float, float]) -> str:
        labels = [m.month for m in ms]
        return columns(ident, size, title, desc, labels, bars, lines, keys, tr(lang, "markdown.yuan"), bands)

    said = tr(lang, "chart.months-caption") + (" " + tr(lang, "chart.band-caption") if bands else "")
    return [h2(title), *figure("months", draw, said)]


def track_unit(t: Track, lang: str) -> str:
    b = t.balance
    if b.kind is GrantKind.amount:
        return tr(lang, "markdown.yuan")
    if b.kind is GrantKind.capacity:
        return tr(lang, "chart.capacity")
    return tr(lang, f"chart.unit.{b.unit}")


ZOOM = 6  # a balance alive for less than a sixth of the period gets a time axis of its own


def track_window(t: Track, start: date, end: date) -> tuple[date, date]:
    """The days a balance's chart spans: the period, or, for a short-lived balance (a 1-month trial in a
    3-year report would be a spike), the days it is alive with a tenth more on each side, within the period."""
    if not t.points:
        return start, end
    first, last = t.points[0][0], t.points[-1][0]
    if (last - first).days * ZOOM >= (end - start).days:
        return start, end
    pad = timedelta(days=max(1, (last - first).days // 10))
    return max(start, first - pad), min(end, last + pad)


def track_figure(i: int, t: Track, result: Estimate, lang: str) -> list[str]:
    b = t.balance
    held, absorbed, left, lapsed = balance_amounts(b, lang)
    validity = tr(
        lang, "table.stage-validity", stage=stage_name(b.stage, lang), span=span_words(b.starts, b.ends, lang)
    )
    marks = []
    if t.expires_inside:
        text = tr(lang, "chart.expires", date=b.ends)
        if b.lapsed and b.kind is not GrantKind.monthly:
            text = tr(lang, "chart.expires-lapsed", date=b.ends, amount=lapsed)
        marks.append(Mark(b.ends, text))
    desc = tr(lang, "chart.track-desc", validity=validity, held=held, absorbed=absorbed, left=left, lapsed=lapsed)
    series = b.stage.value
    window = track_window(t, result.start, result.end)
    zoomed = window != (result.start, result.end)
    chart = track(
        f"track-{i}",
        (360.0, 170.0),
        balance_label(b),
        desc,
        t.points,
        window,
        (t.top, track_unit(t, lang)),
        series,
        marks,
    )
    terms = [("held", held), ("absorbed", absorbed), ("left", left), ("lapsed", lapsed)]
    dl = "".join(f"<dt>{esc(tr(lang, f'table.column.{k}'))}</dt><dd>{html_text(v)}</dd>" for k, v in terms)
    if b.lapsed_value:
        dl += f"<dt>{esc(tr(lang, 'summary.lapsed'))}</dt><dd>{esc(money(b.lapsed_value))}</dd>"
    return [
        f'<figure class="track" data-entitlement="{esc(b.id)}">',
        f"<h3>{html_text(balance_label(b))}</h3>",
        caption(validity),
        chart,
        *([caption(tr(lang, "chart.zoomed", first=window[0], last=last_day(window[1])))] if zoomed else []),
        f"<dl>{dl}</dl>",
        "</figure>",
    ]


def tracks_of(result: Estimate, lang: str) -> list[str]:
    if not result.balances:
        return []
    out = [
        h2(tr(lang, "chart.tracks")),
        caption(tr(lang, "chart.tracks-caption")),
    ]
    out.append('<div class="tracks">')
    for i, t in enumerate(tracks(result)):
        out += track_figure(i, t, result, lang)
    out.append("</div>")
    return out + [caption(key) for key in monthly_key(result, lang)]


def plan_chart(comparison: Comparison, lang: str) -> list[str]:
    listed = plan_rows(comparison)
    upfront, postpaid = tr(lang, "plans.column.upfront"), tr(lang, "plans.column.postpaid")

    def tip(name: str, value: Fraction) -> str:
        return tr(lang, "table.stacked", header=name, value=money(value))

    def row(rank: str, p: Plan) -> Row:
        label = rank_text(rank, p, comparison, lang)
        what = tr(lang, "list.semicolon").join(plan_lines(p, comparison, lang))
        return Row(
            f"{label}. {what}",
            (
                Part("upfront", p.costs.upfront, tip(upfront, p.costs.upfront)),
                Part("postpaid", p.costs.postpaid_due, tip(postpaid, p.costs.postpaid_due)),
            ),
            money(p.costs.cash),
            rank == "1",
            comparison.assumed_plan(p),
            {"rank": rank, "cash": exact(p.costs.cash)},
        )

    items = [row(rank, p) for rank, p in listed]
    keys = [Key("upfront", upfront), Key("postpaid", postpaid)]
    keys += [Key("mark:best", tr(lang, "chart.first"))]
    if any(r.hatched for r in items):
        keys.append(Key("mark:hatch", tr(lang, "chart.assumed")))
    title = tr(lang, "chart.plans")
    desc = tr(lang, "list.semicolon").join(
        tr(lang, "chart.plan-desc", plan=r.label, cash=r.total, upfront=money(r.parts[0].value),
           postpaid=money(r.parts[1].value))
        for r in items
    )  # fmt: skip

    def draw(ident: str, size: tuple[float, float]) -> str:
        return rows(ident, size[0], title, desc, items, keys, tr(lang, "markdown.yuan"))

    return [h2(title), *figure("plans", draw)]


def diff_chart(d: Diff, lang: str) -> list[str]:
    before, after = tr(lang, "chart.base", base=d.base_label), tr(lang, "chart.new", new=d.new_label)
    zero = Fraction(0)

    def side(key: str, name: str, month: str, value: Fraction) -> Column:
        tip = month_tip(lang, month, name, value)
        return Column((Part(key, value, tip),), {"month": month, "side": key, "cash": exact(value)})

    bars = [
        [
            side("base", before, line.key, line.before.get("cash", zero)),
            side("new", after, line.key, line.after.get("cash", zero)),
        ]
        for line in d.months
    ]
    title = tr(lang, "chart.diff")
    desc = tr(lang, "list.semicolon").join(
        tr(lang, "chart.diff-desc", month=line.key, before=money(line.before.get("cash", zero)),
           after=money(line.after.get("cash", zero)))
        for line in d.months
    )  # fmt: skip
    keys = [Key("base", before), Key("new", after)]
    # a side that gives usage as ranges: a band over its column, from the lowest to the highest cash of its cases
    bands = [
        _band(diff_cash_band(d, side), lang, column)
        for column, (side, result) in enumerate((("before", d.base), ("after", d.new)))
        if result.cases
    ]
    if bands:
        keys.append(Key("band", tr(lang, "chart.band")))

    def draw(ident: str, size: tuple[float, float]) -> str:
        labels = [line.key for line in d.months]
        return columns(ident, size, title, desc, labels, bars, [], keys, tr(lang, "markdown.yuan"), bands)

    return [h2(title), *figure("diff", draw, tr(lang, "chart.diff-band-caption") if bands else "")]
