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
    diff_grant_rows,
    diff_headline,
    diff_meter_rows,
    diff_month_rows,
    diff_total_rows,
    increase_text,
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
    visible_lines,
)

if TYPE_CHECKING:
    from ..changes import Diff
    from ..plans import Comparison


# Markdown and HTML metacharacters in text that is data: escaped, so a name renders as written and
# never as emphasis, a link, a heading or a tag (a pull-request comment renders both).
_MARKUP = str.maketrans(
    {
        **{c: "\\" + c for c in "\\`*_[]|~"},  # a line's start is always this renderer's own
        "<": "&lt;",
        ">": "&gt;",
        "&": "&amp;",
    }
)


class Raw(str):
    """Markdown of this renderer's own (a bold total row): written as it is."""

    __slots__ = ()


def _escape(text: str) -> str:
    """Text as Markdown that shows it literally: controls made visible, markup escaped, one line."""
    if isinstance(text, Raw):
        return str(text)
    return " ".join(visible_lines(text).translate(_MARKUP).split("\n"))


def table(header: list[str], rows: list[list[str]], right_from: int) -> list[str]:
    align = ["---" if i < right_from else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(_escape(h) for h in header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(_escape(cell) for cell in row) + " |" for row in rows]
    return lines


def _notes(notes: list[str]) -> list[str]:
    return ["", "### Notes", ""] + [f"- {_escape(n)}" for n in notes] if notes else []


def estimate(result: Estimate, view: View) -> str:
    out = [
        f"## artlab-cost estimate: {_escape(result.scenario)}",
        "",
        f"{result.start.isoformat()} to {last_day(result.end).isoformat()}, "
        f"prices: {_escape(result.sheet)}. Amounts in yuan.",
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
    body.append(
        [Raw("**Total**"), "", "", Raw(f"**{money(result.totals.list_price)}**")]
        + [Raw(f"**{money(totals[s])}**") for s in stages]
    )
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
        f"{comparison.start.isoformat()} to {last_day(comparison.end).isoformat()}, "
        f"prices: {_escape(comparison.sheet)}. "
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


def _details(summary: str, body: list[str]) -> list[str]:
    """A collapsed section of a pull-request comment (GitHub and GitLab render <details>)."""
    return ["", "<details>", f"<summary>{summary}</summary>", "", *body, "", "</details>"]


def diff(d: Diff, view: View) -> str:
    out = [
        f"## artlab-cost diff: {_escape(d.base_label)} → {_escape(d.new_label)}",
        "",
        f"**{_escape(diff_headline(d))}**",
        "",
        f"{d.new.start.isoformat()} to {last_day(d.new.end).isoformat()}; amounts in yuan.",
        "",
    ]
    out += table(["", "Before", "After", "Change", "%"], diff_total_rows(d), 1)
    if view.increase is not None:
        out += ["", f"**{_escape(increase_text(view.increase))}**"]
    header = ["Month", "List before", "List after", "Cash before", "Cash after", "Change", "%"]
    out += _details("By month", table(header, diff_month_rows(d), 1))
    header = ["Meter", "List before", "List after", "Postpaid before", "Postpaid after", "Change"]
    out += _details("By meter, whole period", table(header, diff_meter_rows(d), 1))
    if d.grants:
        header = ["Entitlement", "Left before", "Left after", "Lapsed before", "Lapsed after"]
        out += _details("Trials, packs and vouchers that change", table(header, diff_grant_rows(d), 1))
    notes = notes_text(d.notes, view)
    if notes:
        out += _details("Notes", [f"- {_escape(n)}" for n in notes])
    return "\n".join(out) + "\n"
