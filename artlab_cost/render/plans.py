"""Renderers for compare-plans: the ranked plans as a table, JSON, CSV or Markdown."""

from __future__ import annotations

import csv
import io
from typing import Any

from ..engine import BudgetCheck
from ..plans import Comparison, Plan
from .common import exact, last_day, money


def plan_lines(plan: Plan, comparison: Comparison) -> list[str]:
    if not plan.actions:
        return ["nothing more"]
    return [a.label(comparison.free, comparison.start) for a in plan.actions]


def snippet(plan: Plan) -> str:
    """The holdings to add to the scenario so that `estimate` reproduces this plan."""
    lines = ["holdings:"]
    for a in plan.actions:
        count = f", count: {a.count}" if a.count > 1 else ""
        lines.append(f"  - {{offer: {a.offer}, date: {a.date.isoformat()}{count}}}")
    return "\n".join(lines)


def recommendation(comparison: Comparison) -> str:
    best = comparison.plans[0]
    what = "claim or buy nothing more" if not best.actions else "; ".join(plan_lines(best, comparison))
    return (
        f"Cheapest: {what}: {money(best.costs.cash)} yuan out of pocket, "
        f"{money(comparison.saving(best))} less than paying everything postpaid ({money(comparison.postpaid_only)})."
    )


def reproduce(comparison: Comparison, scenario_path: str) -> str:
    best = comparison.plans[0]
    if not best.actions:
        return f"Reproduce: artlab-cost estimate {scenario_path}"
    return (
        f"Reproduce: add these to the holdings of {scenario_path}, then run artlab-cost estimate {scenario_path}\n"
        + snippet(best)
    )


def _rows(comparison: Comparison) -> list[tuple[str, Plan]]:
    rows = [(str(i), p) for i, p in enumerate(comparison.plans, 1)]
    if all(p.actions != comparison.baseline.actions for p in comparison.plans):
        rows.append(("ref", comparison.baseline))
    return rows


def _plan_data(rank: str, plan: Plan, comparison: Comparison) -> dict[str, Any]:
    return {
        "rank": int(rank) if rank.isdigit() else None,
        "name": plan.name,
        "actions": [{"offer": a.offer, "date": a.date.isoformat(), "count": a.count} for a in plan.actions],
        "upfront": exact(plan.costs.upfront),
        "postpaid_due": exact(plan.costs.postpaid_due),
        "cash": exact(plan.costs.cash),
        "saving": exact(comparison.saving(plan)),
        "lapsed_value": exact(plan.costs.lapsed_value),
    }


def render_json(comparison: Comparison, budget: BudgetCheck | None = None) -> str:
    from . import jsonout

    best = comparison.plans[0]
    data = {
        "schema_version": jsonout.SCHEMA_VERSION,
        "kind": "plans",
        "scenario": comparison.scenario,
        "period": {"from": comparison.start.isoformat(), "until": last_day(comparison.end).isoformat()},
        "price_sheet": comparison.sheet,
        "postpaid_only": exact(comparison.postpaid_only),
        "plans": [_plan_data(rank, p, comparison) for rank, p in _rows(comparison) if rank != "ref"],
        "baseline": _plan_data("ref", comparison.baseline, comparison),
        "recommended": {"rank": 1, "name": best.name, "holdings": snippet(best) if best.actions else ""},
        "budget": jsonout._budget(budget),
        "search": {"plans_allowed": comparison.space, "engine_runs": comparison.runs},
        "notes": list(comparison.notes),
    }
    return jsonout.dump(data)


CSV_HEADER = ("rank", "plan", "upfront", "postpaid_due", "cash", "saving", "lapsed_value")


def render_csv(comparison: Comparison) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for rank, p in _rows(comparison):
        writer.writerow(
            (
                rank,
                p.name,
                exact(p.costs.upfront),
                exact(p.costs.postpaid_due),
                exact(p.costs.cash),
                exact(comparison.saving(p)),
                exact(p.costs.lapsed_value),
            )
        )
    return out.getvalue()


def render_markdown(comparison: Comparison, budget: BudgetCheck | None, scenario_path: str) -> str:
    from .markdown import table

    out = [
        f"## artlab-cost plans: {comparison.scenario}",
        "",
        f"{comparison.start.isoformat()} to {last_day(comparison.end).isoformat()}, prices: {comparison.sheet}. "
        f"Amounts in yuan; purchases on {comparison.start.isoformat()} unless a date is shown.",
        "",
    ]
    rows = [
        [
            rank,
            "<br>".join(plan_lines(p, comparison)),
            money(p.costs.upfront),
            money(p.costs.postpaid_due),
            money(p.costs.cash),
            money(comparison.saving(p)),
            money(p.costs.lapsed_value),
        ]
        for rank, p in _rows(comparison)
    ]
    out += table(["#", "Plan", "Upfront", "Postpaid", "Cash", "Saving", "Lapsed"], rows, 2)
    out += ["", f"**{recommendation(comparison)}**"]
    if budget is not None:
        out += ["", f"**{budget.message()} (best plan)**"]
    best = comparison.plans[0]
    if best.actions:
        out += [
            "",
            f"To reproduce it, add to the holdings of `{scenario_path}` "
            f"and run `artlab-cost estimate {scenario_path}`:",
            "",
            "```yaml",
            snippet(best),
            "```",
        ]
    out += ["", "### Notes", ""] + [f"- {n}" for n in comparison.notes]
    return "\n".join(out) + "\n"


def render_table(
    comparison: Comparison,
    budget: BudgetCheck | None,
    scenario_path: str,
    color: bool = False,
    notes: bool = True,
    width: int = 80,
) -> str:
    from .table import Sheet, write

    columns = [("#", "right"), ("Claim or buy", "left")]
    columns += [(name, "right") for name in ("Upfront", "Postpaid", "Cash", "Saving", "Lapsed")]
    sheet = Sheet(f"Ways to pay, cheapest first (yuan; bought {comparison.start} unless dated)", columns)
    for rank, p in _rows(comparison):
        style = "bold" if rank == "1" else ("dim" if rank == "ref" else "")
        cells = [rank, "\n".join(plan_lines(p, comparison)), money(p.costs.upfront), money(p.costs.postpaid_due)]
        cells += [money(p.costs.cash), money(comparison.saving(p)), money(p.costs.lapsed_value)]
        sheet.add(cells, style=style, end_section=True)
    blocks: list[Sheet | tuple[str, str]] = [
        (f"{comparison.scenario}: {comparison.start} to {last_day(comparison.end)}", "bold"),
        sheet,
        (recommendation(comparison), "bold"),
    ]
    if budget is not None:
        blocks.append((budget.message() + " (best plan)", "red" if budget.exceeded else "green"))
    blocks.append((reproduce(comparison, scenario_path), ""))
    if notes:
        blocks.append(("Notes", "bold"))
        blocks += [("- " + note, "") for note in comparison.notes]
    return write(blocks, color, width)
