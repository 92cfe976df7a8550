"""HTML output: a self-contained report, the result's tables around charts drawn as inline SVG.

One file with nothing to fetch (no script, font, image or style sheet from elsewhere; its content
security policy forbids any), so it opens from a CI artifact or an e-mail. It reads on a phone (the
charts come in a wide and a narrow drawing, the page shows the one that fits), prints (the wide
drawing, colours kept), and speaks the chosen language. Its figures are the JSON's: the same result,
summed by the same functions as the other formats.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..engine import Estimate
from ..i18n import money, tr, word
from ..pricing import PriceSheet
from .breakeven_rows import break_even_header, break_even_headlines, break_even_rows
from .diff_rows import (
    diff_case_rows,
    diff_grant_rows,
    diff_headers,
    diff_headline,
    diff_meter_rows,
    diff_month_rows,
    diff_total_rows,
    increase_text,
)
from .estimate_rows import balance_grid, bill_grid, charge_grid, charges_title, figures_from, summary_grid
from .figures import diff_chart, h2, month_chart, plan_chart, tracks_of
from .plan_rows import (
    plan_case_header,
    plan_case_values,
    plan_lines,
    plan_rows,
    rank_text,
    recommendation,
    reproduce_line,
    snippet,
)
from .sheet_rows import meter_header, meter_rows, offer_header, offer_rows, setting_rows, sheet_notes, sheet_title
from .svg import esc, html_text
from .view import View
from .wording import budget_text, last_day, notes_text

if TYPE_CHECKING:
    from ..changes import Diff
    from ..plans import Comparison

TEXT = 99  # numbers_from for a table of text only: no column is aligned as figures

CSS = """
:root{--ink:#222;--muted:#5a5a5a;--rule:#d8d8d8}
*{box-sizing:border-box}
body{margin:0;color:var(--ink);background:#fff;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,
"Noto Sans","PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif}
main{max-width:1040px;margin:0 auto;padding:16px 20px 40px}
h1{font-size:1.45rem;margin:.3em 0 .1em;overflow-wrap:anywhere}
h2{font-size:1.12rem;margin:1.8em 0 .5em;padding-bottom:.2em;border-bottom:1px solid var(--rule)}
h3{font-size:.95rem;margin:0 0 .2em;overflow-wrap:anywhere}
p{margin:.4em 0}
.meta,.caption{color:var(--muted)}
.headline{font-weight:600;font-size:1.05rem}
.verdict{font-weight:600}.verdict.over{color:#a4001d}.verdict.within{color:#1b5e20}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.3em 0;font-variant-numeric:tabular-nums}
th,td{padding:3px 10px 3px 0;border-bottom:1px solid #ececec;text-align:left;vertical-align:top}
th{font-weight:600;border-bottom:1px solid #9a9a9a}
td.n,th.n{text-align:right;white-space:nowrap;padding-left:10px}
table.whole td{white-space:nowrap}
.tok{white-space:nowrap}
tfoot td{font-weight:600;border-top:1px solid #9a9a9a}
tr.key td{font-weight:700}
tr.best td{background:#eef5fb;font-weight:600}
figure{margin:.5em 0 1em}
svg.chart{display:block;width:100%;height:auto;max-width:100%;font-size:12px;font-family:inherit}
svg.chart text{fill:#222}
svg.chart text.best{font-weight:700}
svg.narrow{display:none}
.tracks{display:grid;grid-template-columns:repeat(auto-fill,minmax(310px,1fr));gap:14px 22px}
.track{margin:0;break-inside:avoid}
.track dl{display:grid;grid-template-columns:auto auto;justify-content:start;gap:0 12px;margin:.2em 0;
font-size:.9rem;font-variant-numeric:tabular-nums}
.track dt{color:var(--muted)}.track dd{margin:0;text-align:right}
ul.notes{padding-left:1.2em}ul.notes li{margin:.25em 0}
pre{background:#f5f5f5;padding:8px 10px;overflow-x:auto}
@media (max-width:600px){
body{font-size:14px}main{padding:10px 12px 30px}svg.wide{display:none}svg.narrow{display:block}
th,td{padding-right:6px}td.n,th.n{padding-left:6px}}
@media print{
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{font-size:10.5pt}main{max-width:none;padding:0}svg.wide{display:block}svg.narrow{display:none}
figure,table,.track,h2{break-inside:avoid}h2{break-after:avoid}.scroll{overflow:visible}}
""".strip()


def _document(title: str, lang: str, body: list[str]) -> str:
    code = "zh-Hans" if lang == "zh" else "en"
    head = [
        "<!DOCTYPE html>",
        f'<html lang="{code}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # Nothing may be fetched: the report is whole in itself, wherever it is opened.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{esc(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
    ]
    return "\n".join([*head, *body, "</main>", "</body>", "</html>"]) + "\n"


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    numbers_from: int,
    footer: Sequence[str] = (),
    classes: Sequence[str] = (),
    whole: bool = False,
) -> str:
    """A table of text cells; columns from `numbers_from` on are figures (aligned right). `footer` is a last row
    in <tfoot>; `classes` a class for each row ('' for none). A `whole` table's cells never wrap: on a narrow
    screen it scrolls sideways in its box instead of breaking its ids and figures over lines."""
    classes = classes or [""] * len(rows)

    def cells(row: Sequence[str], tag: str) -> str:
        number = ' class="n"'
        return "".join(f"<{tag}{number if i >= numbers_from else ''}>{_cell(c)}</{tag}>" for i, c in enumerate(row))

    table = '<table class="whole">' if whole else "<table>"
    out = ['<div class="scroll">' + table, f"<thead><tr>{cells(header, 'th')}</tr></thead>", "<tbody>"]
    for row, cls in zip(rows, classes, strict=True):
        out.append(f'<tr class="{cls}">' if cls else "<tr>")
        out.append(cells(row, "td") + "</tr>")
    out.append("</tbody>")
    if footer:
        out.append(f"<tfoot><tr>{cells(footer, 'td')}</tr></tfoot>")
    out.append("</table></div>")
    return "".join(out)


def _cell(text: str) -> str:
    """A cell's text: escaped, its own line breaks kept."""
    return "<br>".join(html_text(line) for line in text.split("\n"))


def _notes(notes: list[str], lang: str) -> list[str]:
    if not notes:
        return []
    return [h2(tr(lang, "table.notes")), '<ul class="notes">', *(f"<li>{html_text(n)}</li>" for n in notes), "</ul>"]


def _verdict(text: str, exceeded: bool) -> str:
    return f'<p class="verdict {"over" if exceeded else "within"}">{esc(text)}</p>'


# --- estimate -------------------------------------------------------------------------------------


def _summary(result: Estimate, view: View) -> list[str]:
    lang = view.lang
    header, rows, firsts = summary_grid(result, lang)
    classes = ["key" if first else "" for first in firsts]
    out = [h2(tr(lang, "table.summary")), _table(header, rows, 1, classes=classes)]
    if view.budget is not None:
        out.append(_verdict(budget_text(view), view.budget.exceeded))
    return out


def estimate(result: Estimate, view: View) -> str:
    """The report of an estimate: summary, spend per month, each entitlement's balance, the tables, the notes."""
    lang = view.lang
    heading = tr(lang, "table.heading", scenario=result.scenario, first=result.start, last=last_day(result.end))
    meta = tr(lang, "markdown.period", first=result.start, last=last_day(result.end), sheet=word(result.sheet, lang))
    body = [f"<header><h1>{esc(heading)}</h1>", f'<p class="meta">{esc(meta)}</p></header>']
    body += _summary(result, view)
    body += month_chart(result, lang)
    body += tracks_of(result, lang)
    header, rows, total = charge_grid(result, view.by, lang)
    body += [
        h2(charges_title(tr(lang, "table.charges"), result, lang)),
        _table(header, rows, figures_from(view.by), footer=total, whole=True),
    ]
    if result.balances:
        body += [h2(tr(lang, "table.balances")), _table(*balance_grid(result, lang), 3, whole=True)]
    if result.bills:
        body += [h2(tr(lang, "markdown.bills")), _table(*bill_grid(result, lang), 1)]
    body += _notes(notes_text(result.notes, view), lang)
    return _document(heading, lang, body)


# --- compare-plans --------------------------------------------------------------------------------


def plans(comparison: Comparison, view: View) -> str:
    lang = view.lang
    first, last = comparison.start, last_day(comparison.end)
    heading = tr(lang, "markdown.plans", scenario=comparison.scenario)
    meta = tr(lang, "markdown.plans-period", first=first, last=last, sheet=word(comparison.sheet, lang))
    body = [f"<header><h1>{esc(heading)}</h1>", f'<p class="meta">{esc(meta)}</p></header>']
    body.append(f'<p class="headline">{esc(recommendation(comparison, lang))}</p>')
    body += [f'<p class="headline">{esc(line)}</p>' for line in break_even_headlines(comparison, lang)]
    if view.budget is not None:
        body.append(_verdict(budget_text(view, best_plan=True), view.budget.exceeded))
    body += plan_chart(comparison, lang)
    listed = plan_rows(comparison)
    rows = [
        [
            rank_text(rank, p, comparison, lang),
            "\n".join(plan_lines(p, comparison, lang)),
            *(money(v) for v in (p.costs.upfront, p.costs.postpaid_due, p.costs.cash, comparison.saving(p))),
            money(p.costs.lapsed_value),
            *(money(v) for v in plan_case_values(comparison, p)),
        ]
        for rank, p in listed
    ]
    header = ["#", tr(lang, "markdown.column.plan")]
    header += [tr(lang, f"plans.column.{c}") for c in ("upfront", "postpaid", "cash", "saving", "lapsed")]
    header += plan_case_header(comparison, lang)
    title = tr(lang, "plans.title", start=first)
    classes = ["best" if rank == "1" else "" for rank, _ in listed]
    body += [h2(title), _table(header, rows, 2, classes=classes, whole=True)]
    if comparison.break_even:
        body += [h2(tr(lang, "breakeven.title")), _table(break_even_header(lang), break_even_rows(comparison, lang), 2)]
    best = comparison.plans[0]
    if best.actions:
        body.append(f"<p>{esc(reproduce_line('plans.reproduce-with', view))}</p>")
        body.append("<pre>" + "\n".join(esc(line) for line in snippet(best).split("\n")) + "</pre>")
    body += _notes(notes_text(comparison.notes, view), lang)
    return _document(heading, lang, body)


# --- the price sheet ------------------------------------------------------------------------------


def pricing(sheet: PriceSheet, view: View) -> str:
    lang = view.lang
    title = sheet_title(sheet, lang)
    body = [f"<header><h1>{esc(title)}</h1></header>"]
    body += [
        h2(tr(lang, "pricing.meters")),
        _table(meter_header(lang), list(meter_rows(sheet, lang)), TEXT),
    ]
    body += [
        h2(tr(lang, "pricing.offers")),
        _table(offer_header(lang), list(offer_rows(sheet, lang)), TEXT),
    ]
    settings = [tr(lang, "pricing.column.setting"), tr(lang, "pricing.column.value")]
    body += [h2(tr(lang, "pricing.settings")), _table(settings, setting_rows(sheet, lang), TEXT)]
    body += _notes(sheet_notes(sheet, lang), lang)
    return _document(title, lang, body)


# --- diff -----------------------------------------------------------------------------------------


def diff(d: Diff, view: View) -> str:
    lang = view.lang
    headers = diff_headers(lang)
    heading = tr(lang, "markdown.diff", base=d.base_label, new=d.new_label)
    meta = tr(lang, "markdown.diff-period", first=d.new.start, last=last_day(d.new.end))
    body = [f"<header><h1>{esc(heading)}</h1>", f'<p class="meta">{esc(meta)}</p></header>']
    body.append(f'<p class="headline">{esc(diff_headline(d, lang))}</p>')
    body += [h2(tr(lang, "diff.total")), _table(headers["total"], diff_total_rows(d, lang), 1)]
    if d.cases:  # usage given as ranges: the tables are the expected case, and each case's cash beside
        body += [h2(tr(lang, "diff.cases")), _table(headers["cases"], diff_case_rows(d, lang), 1)]
    if view.increase is not None:
        body.append(_verdict(increase_text(view.increase, lang), view.increase.exceeded))
    body += diff_chart(d, lang)
    body += [h2(tr(lang, "diff.months")), _table(headers["months"], diff_month_rows(d), 1)]
    body += [h2(tr(lang, "diff.meters")), _table(headers["meters"], diff_meter_rows(d, lang), 1)]
    if d.grants:
        body += [h2(tr(lang, "diff.grants")), _table(headers["grants"], diff_grant_rows(d, lang), 1)]
    body += _notes(notes_text(d.notes, view), lang)
    return _document(heading, lang, body)
