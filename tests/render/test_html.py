"""The HTML report: self-contained, well-formed, the JSON's figures in its charts, text never markup.

These read the markup; tests/render/test_html_browser.py opens it in a real browser.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from fractions import Fraction
from html.parser import HTMLParser

import pytest
from helpers import EXAMPLE_IDS, bundled_sheet, comparison, diff_result, example

from artlab_cost.i18n import money, tr
from artlab_cost.render import View, html, jsonout, svg

VOID = {"meta", "br", "path", "rect", "circle", "polyline", "polygon", "stop"}  # no end tag, or self-closed in SVG


class Page(HTMLParser):
    """The elements of a document, checked for nesting as they are read."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(text)
        self.close()
        assert self.stack == [], self.stack

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def find(self, tag: str, **wanted: str) -> list[dict[str, str]]:
        return [a for t, a in self.elements if t == tag and all(wanted[k] in a.get(k, "").split() for k in wanted)]


def _self_contained(text: str) -> None:
    """Nothing to fetch: no script, link, image, frame or font, no URL but the SVG namespace; the policy forbids
    any request."""
    assert text.startswith("<!DOCTYPE html>\n<html lang=")
    assert not re.search(r"<(script|link|img|iframe|object|embed|base)\b", text, re.I)
    assert re.findall(r"https?://[^\s\"'<]*", text) == ["http://www.w3.org/2000/svg"] * text.count("<svg ")
    assert re.findall(r"url\((?!#)", text) == []
    assert "content=\"default-src 'none'; style-src 'unsafe-inline'\"" in text


def _reports() -> dict[str, str]:
    out = {f"estimate-{s}": html.estimate(example(s).estimate, View()) for s in EXAMPLE_IDS}
    out["plans"] = html.plans(comparison("new-user-starter"), View(scenario_path="examples/new-user-starter.yaml"))
    out["diff"] = html.diff(diff_result(), View())
    out["pricing"] = html.pricing(bundled_sheet(), View())
    return out


def test_every_report_is_well_formed_and_self_contained() -> None:
    for name, text in _reports().items():
        page = Page(text)
        _self_contained(text)
        ids = [a["id"] for _, a in page.elements if "id" in a]
        assert len(ids) == len(set(ids)), name  # a pattern or title of one drawing never shadows another's
        refs = set(re.findall(r"url\(#([^)]+)\)", text)) | {
            r for v in re.findall(r'aria-labelledby="([^"]+)"', text) for r in v.split()
        }
        assert refs <= set(ids), (name, refs - set(ids))  # every pattern and label referred to exists
        assert text.count('class="chart wide ') == text.count('class="chart narrow '), name  # a drawing of each


def _json_months(data: dict) -> dict[str, tuple[Fraction, Fraction]]:
    """Each month's list price and cash out of pocket, from the JSON: charges by the month they start in;
    the bill as due and the packs bought in the period by the month of purchase."""
    listed: dict[str, Fraction] = defaultdict(Fraction)
    cash: dict[str, Fraction] = defaultdict(Fraction)
    for c in data["charges"]:
        listed[c["from"][:7]] += Fraction(c["amount"])
    for b in data["bills"]:
        cash[b["month"]] += Fraction(b["postpaid_due"])
        listed[b["month"]] += 0
    for p in data["purchases"]:
        if p["upfront"]:
            cash[p["date"][:7]] += Fraction(p["price"])
    return {m: (listed[m], cash[m]) for m in sorted(listed)}


@pytest.mark.parametrize("stem", EXAMPLE_IDS)
def test_estimate_charts_carry_the_json_figures(stem: str) -> None:
    """Each month's bar is the JSON's list price for the month, its parts add up to it, and the cash line is the
    JSON's bill plus the packs bought that month; one track per balance; the summary's cash as in the JSON."""
    result = example(stem).estimate
    data = json.loads(jsonout.estimate(result, View()))
    page = Page(html.estimate(result, View()))
    columns = [a for t, a in page.elements if t == "g" and "data-list" in a]
    expected = _json_months(data)
    half = len(columns) // 2  # the wide drawing, then the narrow one, of the same figures
    assert columns[:half] == columns[half:] and [a["data-month"] for a in columns[:half]] == list(expected)
    for a in columns[:half]:
        listed, cash = expected[a["data-month"]]
        assert (Fraction(a["data-list"]), Fraction(a["data-cash"])) == (listed, cash), a
    segments = page.find("rect", **{"class": "seg"})
    assert sum(Fraction(s["data-yuan"]) for s in segments) == 2 * Fraction(data["totals"]["list_price"])
    tracks = page.find("figure", **{"class": "track"})
    assert [t["data-entitlement"] for t in tracks] == [b["id"] for b in data["balances"]]
    assert money(Fraction(data["totals"]["cash"])) in "".join(page.text)


def test_plans_chart_marks_the_first_plan_and_hatches_assumed_ones() -> None:
    c = comparison("new-user-starter")
    page = Page(html.plans(c, View()))
    rows = [a for t, a in page.elements if t == "g" and "data-rank" in a]
    listed = len(c.plans) + (1 if all(p.actions != c.baseline.actions for p in c.plans) else 0)
    assert len(rows) == 2 * listed and rows[0]["data-rank"] == "1"
    assert Fraction(rows[0]["data-cash"]) == c.plans[0].costs.cash
    assert len(page.find("rect", **{"class": "best"})) == 2  # outlined once in each drawing
    # Each of the four plans claims trial-traffic, whose grant is assumed (B9: per month or over three months);
    # the reference plan claims nothing: four hatched bars in each drawing.
    assert len(c.plans) == 4 and all("trial-traffic" in {a.offer for a in p.actions} for p in c.plans)
    assert not c.baseline.actions
    assert len(page.find("rect", **{"class": "hatch"})) == 2 * 4


def test_diff_chart_puts_base_and_new_side_by_side() -> None:
    d = diff_result()
    page = Page(html.diff(d, View()))
    bars = [a for t, a in page.elements if t == "g" and "data-side" in a]
    assert len(bars) == 2 * 2 * len(d.months)
    for line, base, new in zip(d.months, bars[0::2], bars[1::2], strict=False):
        assert (base["data-month"], base["data-side"], new["data-side"]) == (line.key, "base", "new")
        assert Fraction(base["data-cash"]) == line.before.get("cash", 0)
        assert Fraction(new["data-cash"]) == line.after.get("cash", 0)


def test_chinese_report_speaks_chinese() -> None:
    text = html.estimate(example("student-trial").estimate, View(lang="zh"))
    assert '<html lang="zh-Hans">' in text
    assert f"<h2>{tr('zh', 'chart.months')}</h2>" in text and "免费试用" in text


def test_axis_ticks_are_round_and_written_in_yuan() -> None:
    """164.91 in about five steps: 33 a step, rounded up to 50: 0 to 200. 0.6: steps of 0.2."""
    assert svg.ticks(Fraction("164.91")) == [0, 50, 100, 150, 200]
    assert svg.ticks(Fraction("0.6")) == [0, Fraction(1, 5), Fraction(2, 5), Fraction(3, 5)]
    assert svg.ticks(Fraction(0)) == [0, 1]
    assert svg.tick_label(Fraction(1500), Fraction(500)) == "1,500"
    assert svg.tick_label(Fraction(1, 5), Fraction(1, 5)) == "0.20"


HOSTILE = """\
name: "<script>alert(1)</script> \\e[31m"
account: {new_user: true, student: false}
period: {start: 2027-01-01, months: 1}
usage:
  - {kind: shared, gpu_seconds: 100, per: day}
holdings:
  - {offer: trial-compute, date: 2027-01-01, label: "<img src=x onerror=alert(1)>\\e]0;t\\a"}
"""


def test_names_and_labels_are_text_in_the_report() -> None:
    """A name and a label made of markup and terminal escapes reach the heading, the entitlement's track (its
    heading, data attribute and chart title) as visible text: no element, no raw control character."""
    from artlab_cost import api, yamlsrc
    from artlab_cost.scenario import parse_scenario

    sheet = bundled_sheet()
    result = api.estimate(parse_scenario(yamlsrc.parse(HOSTILE, "hostile.yaml"), sheet), sheet)
    text = html.estimate(result, View())
    page = Page(text)
    assert not [t for t, _ in page.elements if t in ("script", "img")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; \\x1b[31m" in text and "\x1b" not in text and "\x07" not in text
    (track,) = page.find("figure", **{"class": "track"})
    assert track["data-entitlement"].startswith("<img src=x onerror=alert(1)>\\x1b]0;t\\x07")  # parsed back
    assert "&lt;img src=x onerror=alert(1)&gt;" in text


def test_ticks_below_a_fen_keep_their_decimals() -> None:
    """0.006 yuan at most: steps of 0.002, written 0.002, 0.004, 0.006, not 0.00 three times."""
    top = svg.ticks(Fraction("0.006"))
    assert [svg.tick_label(t, top[1]) for t in top] == ["0.000", "0.002", "0.004", "0.006"]


def _plan_rows(totals: list[int]) -> str:
    from fractions import Fraction

    from artlab_cost.render.plots import Part, Row, rows

    items = [
        Row(f"plan {i}", (Part("upfront", Fraction(0), "u"), Part("postpaid", Fraction(t), "p")), str(t), i == 0,
            False, {"rank": str(i)})
        for i, t in enumerate(totals)
    ]  # fmt: skip
    return rows("plans", 600.0, "t", "d", items, [], "yuan")


def test_plans_a_few_yuan_apart_are_charted_on_a_cut_axis() -> None:
    """Bars 100,122.93 to 100,420 apart by 0.3%: the axis starts a tick below the shortest, marked cut, so the
    longest bar is not the same length as the shortest; bars far apart keep an axis from 0."""
    import re

    close = _plan_rows([100_123, 100_242, 100_420])
    start = re.search(r'class="axis x" data-from="(\d+)"', close)
    assert start and 0 < int(start.group(1)) < 100_123 and 'class="cut"' in close
    widths = [float(w) for w in re.findall(r'class="seg" data-series="postpaid"[^>]*width="([\d.]+)"', close)]
    assert widths[0] < 0.9 * widths[-1]
    apart = _plan_rows([100, 1000])
    assert "data-from" not in apart and 'class="cut"' not in apart


def test_ids_and_dates_never_break_mid_token_in_html_text() -> None:
    from artlab_cost.render.svg import html_text

    assert html_text("ded-8.07 from 2027-03-01 to x") == (
        '<span class="tok">ded-8.07</span> from <span class="tok">2027-03-01</span> to x'
    )
    assert html_text("a <b>-c") == 'a <span class="tok">&lt;b&gt;-c</span>'  # escaped, then kept whole


def test_a_short_lived_balance_gets_a_time_axis_of_its_own() -> None:
    """A 1-month trial in a 3-year report: its chart spans its 31 days and 3 more after (none before the
    period), said in a caption; a pack alive for about a year of the three keeps the period's axis."""
    from datetime import date

    from artlab_cost import api
    from artlab_cost.render import View, html
    from artlab_cost.render.charts import tracks
    from artlab_cost.render.figures import track_window

    sheet = api.load_sheet()
    text = (
        "account: {new_user: true, student: false}\nperiod: {start: 2027-01-01, months: 36}\n"
        "usage: [{kind: shared, gpu_seconds: 100, per: day}]\n"
        "holdings: [{offer: trial-compute, date: 2027-01-01}, {offer: traffic-pack-100, date: 2026-12-15}]\n"
    )
    result = api.estimate(api.scenario_from_text(text, sheet), sheet)
    windows = {t.balance.offer: track_window(t, result.start, result.end) for t in tracks(result)}
    assert windows["trial-compute"] == (date(2027, 1, 1), date(2027, 2, 4))  # valid to 1 February, +3 days
    assert windows["traffic-pack-100"] == (date(2027, 1, 1), date(2030, 1, 1))  # most of a year of three: as is
    import re

    page = re.sub(r"<[^>]+>", "", html.estimate(result, View()))
    assert page.count("Time axis zoomed to 2027-01-01 to 2027-02-03") == 1
