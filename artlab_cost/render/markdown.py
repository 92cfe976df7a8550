"""Markdown output: a result's tables as a document to paste into a pull-request comment."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..engine import Estimate
from ..i18n import money
from ..pricing import PriceSheet
from . import View
from .common import (
    METER_HEADER,
    OFFER_HEADER,
    balance_amounts,
    balance_label,
    budget_text,
    charge_rows,
    last_day,
    meter_rows,
    monthly_key,
    notes_text,
    offer_rows,
    plan_lines,
    plan_rows,
    qty,
    rank_label,
    recommendation,
    setting_rows,
    sheet_notes,
    sheet_title,
    snippet,
    span,
    stage_name,
    stage_totals,
    summary_lines,
)

if TYPE_CHECKING:
    from ..plans import Comparison


def _escape(text: str) -> str:
    return " ".join(text.replace("|", "\\|").replace("*", "\\*").split("\n"))


def table(header: list[str], rows: list[list[str]], right_from: int) -> list[str]:
    align = ["---" if i < right_from else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(_escape(cell) for cell in row) + " |" for row in rows]
    return lines


def _notes(notes: list[str]) -> list[str]:
    return ["", "### Notes", ""] + [f"- {_escape(n)}" for n in notes] if notes else []


def estimate(result: Estimate, view: View) -> str:
    out = [
        f"## artlab-cost estimate: {_escape(result.scenario)}",
        "",
        f"{result.start.isoformat()} to {last_day(result.end).isoformat()}, prices: {result.sheet}. Amounts in yuan.",
        "",
    ]
    out += table(["", "yuan"], [[label, money(v)] for label, v in summary_lines(result)], 1)
    if view.budget is not None:
        out += ["", f"**{budget_text(view)}**"]
    stages = list(result.stages)
    header = ["Period", "Meter", "Usage", "List price"] + [stage_name(s).capitalize() for s in stages]
    body = [
        [r.period, r.meter + (" *" if r.assumed else ""), qty(r.quantity, r.unit) if r.unit else "", money(r.amount)]
        + [money(r.stages[s]) for s in stages]
        for r in charge_rows(result, view.by)
    ]
    totals = stage_totals(result)
    body.append(["**Total**", "", "", money(result.totals.list_price)] + [money(totals[s]) for s in stages])
    out += ["", "### Charges", ""] + table(header, body, 2)
    if result.balances:
        rows = [
            [balance_label(b), stage_name(b.stage), span(b.starts, b.ends), *balance_amounts(b)]
            for b in result.balances
        ]
        out += ["", "### Trials, packs and vouchers", ""]
        out += table(["Entitlement", "Stage", "Valid", "Held", "Absorbed", "Left", "Lapsed"], rows, 3)
        out += [line for key in monthly_key(result) for line in ("", key)]
    if result.bills:
        out += ["", "### Monthly postpaid bills", ""]
        out += table(["Month", "Postpaid due"], [[b.month, money(b.postpaid_due)] for b in result.bills], 1)
    out += _notes(notes_text(result.notes, view))
    return "\n".join(out) + "\n"


def plans(comparison: Comparison, view: View) -> str:
    out = [
        f"## artlab-cost plans: {_escape(comparison.scenario)}",
        "",
        f"{comparison.start.isoformat()} to {last_day(comparison.end).isoformat()}, prices: {comparison.sheet}. "
        f"Amounts in yuan; purchases on {comparison.start.isoformat()} unless a date is shown.",
        "",
    ]
    rows = [
        [
            rank_label(rank, p, comparison),
            "<br>".join(plan_lines(p, comparison)),
            money(p.costs.upfront),
            money(p.costs.postpaid_due),
            money(p.costs.cash),
            money(comparison.saving(p)),
            money(p.costs.lapsed_value),
        ]
        for rank, p in plan_rows(comparison)
    ]
    out += table(["#", "Plan", "Upfront", "Postpaid", "Cash", "Saving", "Lapsed"], rows, 2)
    out += ["", f"**{_escape(recommendation(comparison))}**"]
    if view.budget is not None:
        out += ["", f"**{budget_text(view, best_plan=True)}**"]
    best = comparison.plans[0]
    if best.actions:
        path = view.scenario_path
        out += [
            "",
            f"To reproduce it, add to the holdings of `{path}` and run `artlab-cost estimate {path}`:",
            "",
            "```yaml",
            snippet(best),
            "```",
        ]

    out += _notes(notes_text(comparison.notes, view))
    return "\n".join(out) + "\n"


def pricing(sheet: PriceSheet, view: View) -> str:
    out = [f"## {sheet_title(sheet)}", "", "### Meters", ""] + table(METER_HEADER, list(meter_rows(sheet)), 9)
    out += ["", "### Offers", ""] + table(OFFER_HEADER, list(offer_rows(sheet)), 9)
    out += ["", "### Settings", ""] + table(["Setting", "Value"], setting_rows(sheet), 9)
    out += ["", *[f"- {_escape(n)}" for n in sheet_notes(sheet)]]
    return "\n".join(out) + "\n"
