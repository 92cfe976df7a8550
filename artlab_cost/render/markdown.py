"""Markdown output: the estimate's tables as a document to paste into a pull-request comment."""

from __future__ import annotations

from ..engine import BudgetCheck, Result
from .common import balance_amounts, charge_rows, last_day, money, qty, span, stage_name, summary_lines


def _escape(text: str) -> str:
    return " ".join(text.replace("|", "\\|").replace("*", "\\*").split("\n"))


def table(header: list[str], rows: list[list[str]], right_from: int) -> list[str]:
    align = ["---" if i < right_from else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(_escape(cell) for cell in row) + " |" for row in rows]
    return lines


def render(result: Result, by: str = "month", budget: BudgetCheck | None = None) -> str:
    out = [
        f"## artlab-cost estimate: {_escape(result.scenario)}",
        "",
        f"{result.start.isoformat()} to {last_day(result.end).isoformat()}, prices: {result.sheet}. Amounts in yuan.",
        "",
    ]
    out += table(["", "yuan"], [[label, money(v)] for label, v in summary_lines(result)], 1)
    if budget is not None:
        out += ["", f"**{budget.message()}**"]
    rows = charge_rows(result, by)
    stages = list(result.stages)
    header = ["Period", "Meter", "Usage", "List price"] + [stage_name(s).capitalize() for s in stages]
    body = [
        [r.period, r.meter + (" *" if r.assumed else ""), qty(r.quantity, r.unit) if r.unit else "", money(r.amount)]
        + [money(r.stages[s]) for s in stages]
        for r in rows
    ]
    totals = result.totals
    stage_sum = {s: totals.absorbed.get(s, totals.postpaid_exact) for s in stages}
    body.append(["**Total**", "", "", money(totals.list_price)] + [money(stage_sum[s]) for s in stages])
    out += ["", "### Charges", ""] + table(header, body, 2)
    if result.balances:
        ent_rows = []
        for b in result.balances:
            held, absorbed, left, lapsed = balance_amounts(b)
            ent_rows.append(
                [
                    b.id + (f" x{b.count}" if b.count > 1 else "") + (" *" if b.assumed else ""),
                    stage_name(b.stage),
                    span(b.starts, b.ends),
                    held,
                    absorbed,
                    left,
                    lapsed,
                ]
            )
        out += ["", "### Trials, packs and vouchers", ""]
        out += table(["Entitlement", "Stage", "Valid", "Held", "Absorbed", "Left", "Lapsed"], ent_rows, 3)
    if result.bills:
        out += ["", "### Monthly postpaid bills", ""]
        out += table(["Month", "Postpaid due"], [[b.month, money(b.postpaid_due)] for b in result.bills], 1)
    if result.notes:
        out += ["", "### Notes", ""] + [f"- {_escape(n)}" for n in result.notes]
    return "\n".join(out) + "\n"
