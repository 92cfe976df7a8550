"""Markdown output: a result's tables as a document to paste into a pull-request comment."""

from __future__ import annotations

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
from .escape import markdown_code, markdown_text
from .estimate_rows import balance_grid, bill_grid, charge_grid, charges_title, figures_from, monthly_key, summary_grid
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
from .view import View
from .wording import budget_text, last_day, notes_text

if TYPE_CHECKING:
    from ..changes import Diff
    from ..plans import Comparison


class Raw(str):
    """Markdown of this renderer's own (a bold total row): written as it is."""

    __slots__ = ()


def _escape(text: str) -> str:
    """Text as Markdown that shows it literally: unsafe characters visible, markup escaped, one line."""
    return str(text) if isinstance(text, Raw) else markdown_text(text)


def table(header: list[str], rows: list[list[str]], right_from: int) -> list[str]:
    align = ["---" if i < right_from else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(_escape(h) for h in header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(_escape(cell) for cell in row) + " |" for row in rows]
    return lines


def _notes(notes: list[str], lang: str) -> list[str]:
    return ["", "### " + tr(lang, "table.notes"), ""] + [f"- {_escape(n)}" for n in notes] if notes else []


def _opening(title: str, period: str, result: Estimate | Comparison, lang: str) -> list[str]:
    """A document's heading (the scenario) and its first line (the period and the price sheet)."""
    sheet = _escape(word(result.sheet, lang))
    first, last = result.start, last_day(result.end)
    return [
        "## " + tr(lang, title, scenario=_escape(result.scenario)),
        "",
        tr(lang, period, first=first, last=last, sheet=sheet),
        "",
    ]


def estimate(result: Estimate, view: View) -> str:
    lang = view.lang
    out = _opening("markdown.estimate", "markdown.period", result, lang)
    header, summary, _ = summary_grid(result, lang)
    out += table(header, summary, 1)
    if view.budget is not None:
        out += ["", f"**{budget_text(view)}**"]
    header, body, total = charge_grid(result, view.by, lang)
    body.append([Raw(f"**{c}**") if c else c for c in total])
    out += ["", "### " + charges_title(tr(lang, "markdown.charges"), result, lang), ""] + table(
        header, body, figures_from(view.by)
    )
    if result.balances:
        out += ["", "### " + tr(lang, "markdown.balances"), ""]
        out += table(*balance_grid(result, lang), 3)
        out += [line for key in monthly_key(result, lang) for line in ("", key)]
    if result.bills:
        out += ["", "### " + tr(lang, "markdown.bills"), ""] + table(*bill_grid(result, lang), 1)
    out += _notes(notes_text(result.notes, view), lang)
    return "\n".join(out) + "\n"


def plans(comparison: Comparison, view: View) -> str:
    lang = view.lang
    out = _opening("markdown.plans", "markdown.plans-period", comparison, lang)
    rows = [
        [
            rank_text(rank, p, comparison, lang),
            "<br>".join(_escape(line) for line in plan_lines(p, comparison, lang)),
            money(p.costs.upfront),
            money(p.costs.postpaid_due),
            money(p.costs.cash),
            money(comparison.saving(p)),
            money(p.costs.lapsed_value),
            *(money(v) for v in plan_case_values(comparison, p)),
        ]
        for rank, p in plan_rows(comparison)
    ]
    header = ["#", tr(lang, "markdown.column.plan")]
    header += [tr(lang, f"plans.column.{c}") for c in ("upfront", "postpaid", "cash", "saving", "lapsed")]
    header += plan_case_header(comparison, lang)
    out += table(header, [[Raw(c) if i == 1 else c for i, c in enumerate(r)] for r in rows], 2)
    out += ["", f"**{_escape(recommendation(comparison, lang))}**"]
    out += [line for h in break_even_headlines(comparison, lang) for line in ("", f"**{_escape(h)}**")]
    if view.budget is not None:
        out += ["", f"**{budget_text(view, best_plan=True)}**"]
    if comparison.break_even:
        out += ["", "### " + _escape(tr(lang, "breakeven.title")), ""]
        out += table(break_even_header(lang), break_even_rows(comparison, lang), 2)
    best = comparison.plans[0]
    if best.actions:
        line = reproduce_line("markdown.reproduce", view, markdown_code)
        out += ["", line, "", "```yaml", snippet(best), "```"]
    out += _notes(notes_text(comparison.notes, view), lang)
    return "\n".join(out) + "\n"


def pricing(sheet: PriceSheet, view: View) -> str:
    lang = view.lang
    out = [f"## {_escape(sheet_title(sheet, lang))}", "", "### " + tr(lang, "pricing.meters"), ""]
    out += table(meter_header(lang), list(meter_rows(sheet, lang)), 9)
    out += ["", "### " + tr(lang, "pricing.offers"), ""] + table(offer_header(lang), list(offer_rows(sheet, lang)), 9)
    settings_header = [tr(lang, "pricing.column.setting"), tr(lang, "pricing.column.value")]
    out += ["", "### " + tr(lang, "pricing.settings"), ""] + table(settings_header, setting_rows(sheet, lang), 9)
    out += ["", *[f"- {_escape(n)}" for n in sheet_notes(sheet, lang)]]
    return "\n".join(out) + "\n"


def _details(summary: str, body: list[str]) -> list[str]:
    """A collapsed section of a pull-request comment (GitHub and GitLab render <details>)."""
    return ["", "<details>", f"<summary>{summary}</summary>", "", *body, "", "</details>"]


def diff(d: Diff, view: View) -> str:
    lang = view.lang
    headers = diff_headers(lang)
    out = [
        "## " + tr(lang, "markdown.diff", base=_escape(d.base_label), new=_escape(d.new_label)),
        "",
        f"**{_escape(diff_headline(d, lang))}**",
        "",
        tr(lang, "markdown.diff-period", first=d.new.start, last=last_day(d.new.end)),
        "",
    ]
    out += table(headers["total"], diff_total_rows(d, lang), 1)
    if d.cases:  # usage given as ranges: the tables are the expected case, and each case's cash beside
        out += ["", "### " + tr(lang, "diff.cases"), ""] + table(headers["cases"], diff_case_rows(d, lang), 1)
    if view.increase is not None:
        out += ["", f"**{_escape(increase_text(view.increase, lang))}**"]
    out += _details(_escape(tr(lang, "diff.months-details")), table(headers["months"], diff_month_rows(d), 1))
    out += _details(_escape(tr(lang, "diff.meters-details")), table(headers["meters"], diff_meter_rows(d, lang), 1))
    if d.grants:
        out += _details(_escape(tr(lang, "diff.grants")), table(headers["grants"], diff_grant_rows(d, lang), 1))
    notes = notes_text(d.notes, view)
    if notes:
        out += _details(_escape(tr(lang, "table.notes")), [f"- {_escape(n)}" for n in notes])
    return "\n".join(out) + "\n"
