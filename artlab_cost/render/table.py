"""The tables people read: charges through the waterfall, entitlements, plans, the price sheet, a diff.

Laid out by layout.py to the terminal's width and drawn as plain text by grid.py (cell widths, wrapping,
ANSI styles on a colour terminal); --chart's bars come from bars.py.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING

from ..engine import Estimate
from ..i18n import money, tr
from ..messages import Yuan
from ..pricing import PriceSheet, Stage
from ..scenario import Case
from .bars import month_bars
from .breakeven_rows import break_even_header, break_even_headlines, break_even_rows
from .diff_rows import (
    diff_case_rows,
    diff_grant_rows,
    diff_headers,
    diff_headline,
    diff_meter_rows,
    diff_month_rows,
    diff_total_rows,
)
from .estimate_rows import (
    balance_amounts,
    balance_label,
    case_bill_rows,
    case_header,
    case_summary_lines,
    charge_rows,
    charges_title,
    monthly_key,
    stage_totals,
    summary_lines,
)
from .layout import Block, Cell, Drawn, Sheet, write
from .plan_rows import plan_case_header, plan_case_values, plan_lines, plan_rows, rank_text, recommendation, reproduce
from .sheet_rows import meter_header, meter_rows, offer_header, offer_rows, setting_rows, sheet_notes, sheet_title
from .view import By, View
from .wording import budget_text, cell, last_day, notes_text, qty, short_meter, span_words, stage_column

if TYPE_CHECKING:
    from ..changes import Diff
    from ..plans import Comparison


def _with_notes(blocks: list[Block], notes: list[str], view: View) -> list[Block]:
    if view.notes and notes:
        blocks.append((tr(view.lang, "table.notes"), "bold"))
        blocks += [("- " + n, "") for n in notes]
    return blocks


# --- estimate -------------------------------------------------------------------------------


WIDE = 100  # columns from which a day is shown whole (2027-01-01); a date is never cut to an ambiguous 27-01-01


def _charges(result: Estimate, by: By, lang: str, width: int = 80) -> Sheet:
    stages = list(result.stages)
    by_period = by in (By.month, By.day)
    columns = [(tr(lang, "table.column.period"), "left")] if by_period else []
    named = (("label", "left"), ("list", "right")) if by is By.label else (("meter", "left"), ("usage", "right"))
    columns += [(tr(lang, f"table.column.{c}"), j) for c, j in named]
    if by is not By.label:
        columns.append((tr(lang, "table.column.list"), "right"))
    columns += [(stage_column(s, lang), "right") for s in stages]
    rows = charge_rows(result, by, lang)
    title = tr(lang, "table.charges")
    shown = {r.period: r.period for r in rows}
    years = {p[:4] for p in shown}
    if by is By.day and len(years) == 1 and width < WIDE:  # MM-DD, the year in the title, to fit 80 columns
        shown = {p: p[5:] for p in shown}
        title = tr(lang, "table.charges-in-year", year=years.pop())
    sheet = Sheet(charges_title(title, result, lang), columns)
    due = {b.month: b.postpaid_due for b in result.bills}
    for i, r in enumerate(rows):
        first = i == 0 or rows[i - 1].period != r.period
        last = i == len(rows) - 1 or rows[i + 1].period != r.period
        name = (short_meter(r.key, lang) if r.key else r.meter) + (" *" if r.assumed else "")
        cells = [shown[r.period] if first else ""] if by_period else []
        cells += (
            [name, money(r.amount)]
            if by is By.label
            else [name, qty(r.quantity, r.unit, lang) if r.unit else "", money(r.amount)]
        )
        cells += [cell(r.stages[s]) for s in stages]
        sheet.add(cells, end_section=last and by_period and by is not By.month)
        if last and by is By.month:  # what the month comes to: its list price, each stage, the bill as due
            month = [x for x in rows if x.period == r.period]
            sums = [sum((x.stages[s] for x in month), Fraction(0)) for s in stages]
            due_text = tr(lang, "table.due", amount=Yuan(due.get(r.period, Fraction(0))))
            bill = [due_text if s is Stage.postpaid else money(v) for s, v in zip(stages, sums, strict=True)]
            subtotal = ["", tr(lang, "table.month"), "", money(sum((x.amount for x in month), Fraction(0))), *bill]
            sheet.add(subtotal, style="dim", end_section=True)
    totals = stage_totals(result)
    label = tr(lang, "table.total")
    sheet.footer = ([label, ""] if by_period else [label]) + ([] if by is By.label else [""])
    sheet.footer.append(money(result.totals.list_price))
    # The total of a column is the sum of that column: by month, the postpaid column's month rows show
    # what is due (each month rounded once, B20), so its total is the sum of the bills.
    sheet.footer += [
        money(result.totals.postpaid_due if by is By.month and s is Stage.postpaid else totals[s]) for s in stages
    ]
    return sheet


def _balances(result: Estimate, lang: str) -> Sheet:
    columns = [(tr(lang, "table.column.entitlement"), "left")]
    columns += [(tr(lang, f"table.column.{name}"), "right") for name in ("held", "absorbed", "left", "lapsed")]
    sheet = Sheet(tr(lang, "table.balances"), columns)
    for b in result.balances:
        validity = tr(
            lang,
            "table.stage-validity",
            stage=tr(lang, f"stage.short.{b.stage.value}"),
            span=span_words(b.starts, b.ends, lang),
        )
        sheet.add([(balance_label(b), validity), *balance_amounts(b, lang)])
    return sheet


def _summary(result: Estimate, lang: str) -> Sheet:
    sheet = Sheet(tr(lang, "table.summary"), [("", "left"), ("", "right")], show_header=False)
    for label, value, first in summary_lines(result, lang):
        sheet.add([label, money(value)], style="bold" if first else "")
    return sheet


def _case_summary(result: Estimate, lang: str) -> Sheet:
    """The summary of usage given as ranges: the low, expected and high case beside each other."""
    columns = [("", "left")] + [(h, "right") for h in case_header(lang)]
    sheet = Sheet(tr(lang, "table.summary"), columns)
    for label, values, first in case_summary_lines(result, lang):
        sheet.add([label, *(money(v) for v in values)], style="bold" if first else "")
    return sheet


def _case_bills(result: Estimate, lang: str) -> Sheet:
    """Each month's postpaid due in the low, expected and high case."""
    columns = [(tr(lang, "table.column.period"), "left")] + [(h, "right") for h in case_header(lang)]
    sheet = Sheet(tr(lang, "table.case-bills"), columns)
    rows = case_bill_rows(result)
    for month, values in rows:
        sheet.add([month, *(money(v) for v in values)])
    sheet.footer = [tr(lang, "table.total"), *(money(result.case(c).totals.postpaid_due) for c in Case)]
    return sheet


def _heading(scenario: str, start: date, end: date, lang: str) -> tuple[str, str]:
    return tr(lang, "table.heading", scenario=scenario, first=start, last=last_day(end)), "bold"


def estimate(result: Estimate, view: View) -> str:
    lang = view.lang
    blocks: list[Block] = [_heading(result.scenario, result.start, result.end, lang)]
    blocks.append(_charges(result, view.by, lang, view.width))
    if result.balances:
        blocks.append(_balances(result, lang))
        blocks += [block for line in monthly_key(result, lang) for block in ((line, "dim"), ("", ""))]
    if result.cases:  # usage given as ranges: the cases beside each other, the charges above being the expected
        blocks += [_case_bills(result, lang), _case_summary(result, lang)]
    else:
        blocks.append(_summary(result, lang))
    if view.chart:
        blocks.append(Drawn(month_bars(result, view)))
    if view.budget is not None:  # under the table, never in it: its amounts keep their width
        blocks.append((budget_text(view), "red" if view.budget.exceeded else "green"))
    return write(_with_notes(blocks, notes_text(result.notes, view), view), view)


# --- compare-plans --------------------------------------------------------------------------


def plans(comparison: Comparison, view: View) -> str:
    lang = view.lang
    columns = [("#", "right"), (tr(lang, "plans.column.plan"), "left")]
    columns += [
        (tr(lang, f"plans.column.{name}"), "right") for name in ("upfront", "postpaid", "cash", "saving", "lapsed")
    ]
    columns += [(name, "right") for name in plan_case_header(comparison, lang)]
    sheet = Sheet(tr(lang, "plans.title", start=comparison.start), columns)
    for rank, p in plan_rows(comparison):
        style = "bold" if rank == "1" else ("dim" if rank in ("ref", "with") else "")
        label = rank_text(rank, p, comparison, lang)
        cells: list[Cell] = [label, tuple(plan_lines(p, comparison, lang)), money(p.costs.upfront)]
        cells.append(money(p.costs.postpaid_due))
        cells += [money(p.costs.cash), money(comparison.saving(p)), money(p.costs.lapsed_value)]
        cells += [money(v) for v in plan_case_values(comparison, p)]
        sheet.add(cells, style=style, end_section=True)
    blocks: list[Block] = [
        _heading(comparison.scenario, comparison.start, comparison.end, lang),
        sheet,
        (recommendation(comparison, lang), "bold"),
        *((line, "bold") for line in break_even_headlines(comparison, lang)),
    ]
    if view.budget is not None:
        blocks.append((budget_text(view, best_plan=True), "red" if view.budget.exceeded else "green"))
    if comparison.break_even:
        header = break_even_header(lang)
        worth = Sheet(tr(lang, "breakeven.title"), [(h, "left" if i < 2 else "right") for i, h in enumerate(header)])
        for row in break_even_rows(comparison, lang):
            worth.add(list(row))
        blocks.append(worth)
    blocks += [(line, "") for line in reproduce(comparison, view)]
    return write(_with_notes(blocks, notes_text(comparison.notes, view), view), view)


# --- the price sheet --------------------------------------------------------------------------


def pricing(sheet: PriceSheet, view: View) -> str:
    lang = view.lang
    blocks: list[Block] = [(sheet_title(sheet, lang), "bold")]
    settings_header = [tr(lang, "pricing.column.setting"), tr(lang, "pricing.column.value")]
    for heading, header, rows in (
        (tr(lang, "pricing.meters"), meter_header(lang), list(meter_rows(sheet, lang))),
        (tr(lang, "pricing.offers"), offer_header(lang), list(offer_rows(sheet, lang))),
        (tr(lang, "pricing.settings"), settings_header, setting_rows(sheet, lang)),
    ):
        part = Sheet(heading, [(h, "left") for h in header])
        for r in rows:
            part.add(r)
        blocks.append(part)
    blocks += [(n, "") for n in sheet_notes(sheet, lang)]
    return write(blocks, view)


# --- diff -----------------------------------------------------------------------------------


def _sheet(title: str, header: list[str], rows: list[list[str]]) -> Sheet:
    sheet = Sheet(title, [(h, "left" if i == 0 else "right") for i, h in enumerate(header)])
    for r in rows:
        sheet.add(r)
    return sheet


def diff(d: Diff, view: View) -> str:
    lang = view.lang
    headers = diff_headers(lang)
    title = tr(lang, "diff.heading", base=d.base_label, new=d.new_label, first=d.new.start, last=last_day(d.new.end))
    blocks: list[Block] = [
        (title, "bold"),
        (diff_headline(d, lang), "bold"),
        _sheet(tr(lang, "diff.total"), headers["total"], diff_total_rows(d, lang)),
    ]
    if d.cases:  # usage given as ranges: the tables are the expected case, and each case's cash beside
        blocks.append(_sheet(tr(lang, "diff.cases"), headers["cases"], diff_case_rows(d, lang)))
    blocks += [
        _sheet(tr(lang, "diff.months"), headers["months"], diff_month_rows(d)),
        _sheet(tr(lang, "diff.meters"), headers["meters"], diff_meter_rows(d, lang)),
    ]
    if d.grants:
        blocks.append(_sheet(tr(lang, "diff.grants"), headers["grants"], diff_grant_rows(d, lang)))
    return write(_with_notes(blocks, notes_text(d.notes, view), view), view)
