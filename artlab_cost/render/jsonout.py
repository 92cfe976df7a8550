"""JSON output: one document per result, amounts as exact decimal strings, keys in a fixed order."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..engine import BudgetCheck, Estimate
from ..pricing import Assumption, GrantKind, PriceSheet
from . import View
from .common import (
    exact,
    last_day,
    listed_charges,
    notes_text,
    plan_name,
    plan_ranges,
    plan_rows,
    rank_label,
    snippet,
)

if TYPE_CHECKING:
    from ..plans import Comparison, Plan

SCHEMA_VERSION = 1


def dump(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _budget(check: BudgetCheck | None) -> dict[str, Any] | None:
    if check is None:
        return None
    return {
        "limit": exact(check.limit),
        "measure": check.measure,
        "value": exact(check.value),
        "exceeded": check.exceeded,
        "over": exact(check.over),
    }


# --- estimate -------------------------------------------------------------------------------


def _totals(result: Estimate) -> dict[str, Any]:
    t = result.totals
    return {
        "list_price": exact(t.list_price),
        "absorbed": {stage: exact(v) for stage, v in t.absorbed.items()},
        "postpaid_exact": exact(t.postpaid_exact),
        "postpaid_due": exact(t.postpaid_due),
        "upfront": exact(t.upfront),
        "cash": exact(t.cash),
        "lapsed_value": exact(t.lapsed_value),
    }


def _charges(result: Estimate, view: View) -> list[dict[str, Any]]:
    return [
        {
            "meter": c.meter,
            "from": c.start.isoformat(),
            "until": last_day(c.end).isoformat(),
            "quantity": exact(c.quantity),
            "billable": exact(c.billable),
            "unit": c.unit,
            "amount": exact(c.amount),
            "assumed_price": c.meter in result.assumed_meters,
            "allocations": [
                {
                    "stage": a.stage,
                    "entitlement": a.entitlement or None,
                    "amount": exact(a.amount),
                    "quantity": exact(a.quantity),
                }
                for a in c.allocations
            ],
        }
        for c in listed_charges(result, view)
    ]


def _balances(result: Estimate) -> list[dict[str, Any]]:
    return [
        {
            "id": b.id,
            "offer": b.offer,
            "name": b.name,
            "count": b.count,
            "stage": b.stage,
            "kind": b.kind,
            "unit": b.unit,
            "covers": sorted(b.covers),
            "valid_from": b.starts.isoformat(),
            "expires": b.ends.isoformat(),
            "initial": exact(b.initial),
            "per_month": exact(b.per_month) if b.kind is GrantKind.monthly else None,
            "absorbed": exact(b.absorbed),
            "absorbed_yuan": exact(b.absorbed_yuan),
            "left": exact(b.left),
            "lapsed": exact(b.lapsed),
            "lapsed_value": exact(b.lapsed_value),
            "assumed": b.assumed,
        }
        for b in result.balances
    ]


def estimate_data(result: Estimate, view: View) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "estimate",
        "scenario": result.scenario,
        "period": {"from": result.start.isoformat(), "until": last_day(result.end).isoformat()},
        "price_sheet": result.sheet,
        "deduction_order": list(result.stages),
        "totals": _totals(result),
        "budget": _budget(view.budget),
        "bills": [
            {"month": b.month, "postpaid_exact": exact(b.postpaid_exact), "postpaid_due": exact(b.postpaid_due)}
            for b in result.bills
        ],
        "charges": _charges(result, view),
        "balances": _balances(result),
        "purchases": [
            {
                "offer": p.offer,
                "date": p.acquired.isoformat(),
                "count": p.count,
                "price": exact(p.price),
                "upfront": p.in_period,
            }
            for p in result.purchases
        ],
        "assumptions": assumptions_data(result.assumptions),
        "notes": notes_text(result.notes, view),
    }


def assumptions_data(assumed: tuple[Assumption, ...]) -> list[dict[str, str]]:
    """The assumed values a result rests on: the file, the field in it, and why (what --strict refuses)."""
    return [{"file": a.file, "field": a.field, "why": a.why} for a in assumed]


def estimate(result: Estimate, view: View) -> str:
    return dump(estimate_data(result, view))


# --- compare-plans --------------------------------------------------------------------------


def _plan(rank: str, plan: Plan, comparison: Comparison) -> dict[str, Any]:
    ranges = plan_ranges(plan, comparison)
    return {
        "rank": int(rank) if rank.isdigit() else None,
        "proven": rank_label(rank, plan, comparison) == rank,
        "name": plan_name(plan, comparison.free),
        "actions": [
            {
                "offer": a.offer,
                "date": a.date.isoformat(),
                "count": a.count,
                "within_a_fen": list(ranges.get((a.offer, a.date), (a.count, a.count))),
            }
            for a in plan.actions
        ],
        "upfront": exact(plan.costs.upfront),
        "postpaid_due": exact(plan.costs.postpaid_due),
        "cash": exact(plan.costs.cash),
        "saving": exact(comparison.saving(plan)),
        "lapsed_value": exact(plan.costs.lapsed_value),
        "assumed": [a.field for a in comparison.assumptions_of(plan)],
    }


def plans(comparison: Comparison, view: View) -> str:
    best = comparison.plans[0]
    data = {
        "schema_version": SCHEMA_VERSION,
        "kind": "plans",
        "scenario": comparison.scenario,
        "period": {"from": comparison.start.isoformat(), "until": last_day(comparison.end).isoformat()},
        "price_sheet": comparison.sheet,
        "postpaid_only": exact(comparison.postpaid_only),
        "plans": [_plan(rank, p, comparison) for rank, p in plan_rows(comparison) if rank != "ref"],
        "baseline": _plan("ref", comparison.baseline, comparison),
        "recommended": {
            "rank": 1,
            "name": plan_name(best, comparison.free),
            "holdings": snippet(best) if best.actions else "",
        },
        "budget": _budget(view.budget),
        "search": {
            "proven": comparison.proven,
            "lower_bound": exact(comparison.lower_bound),
            "gap": exact(comparison.gap),
            "stopped": comparison.stopped or None,
            "plans_allowed": comparison.space,
            "engine_runs": comparison.runs,
            "bound_solves": comparison.bound_solves,
        },
        "assumptions": assumptions_data(comparison.assumptions),
        "notes": notes_text(comparison.notes, view),
    }
    return dump(data)


# --- the price sheet --------------------------------------------------------------------------


def pricing(sheet: PriceSheet, view: View) -> str:
    st = sheet.settings
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "kind": "pricing",
        "sheet": {
            "name": sheet.name,
            "version": sheet.version,
            "effective": sheet.effective.isoformat(),
            "currency": sheet.currency,
            "source": sheet.source,
            "origin": sheet.origin,
            "assumed": dict(sheet.assumed),
        },
        "settings": {
            "deduction_order": list(st.deduction_order),
            "tie_break": st.tie_break,
            "dedicated_increment": st.dedicated_increment,
            "bill_rounding": st.bill_rounding,
            "bill_places": st.bill_places,
            "charge_places": st.charge_places,
            "partial_month": st.partial_month,
            "source": st.source,
            "assumed": dict(st.assumed),
        },
        "dedicated_range": dict(zip(("low", "high"), sheet.spec_range, strict=True)) if sheet.spec_range else None,
        "meters": [
            {
                "id": m.id,
                "name": m.name,
                "price": str(m.price),
                "per": m.price_unit,
                "free_per_month": str(m.free_per_month),
                "source": m.source,
                "assumed": dict(m.assumed),
            }
            for m in sheet.meters.values()
        ],
        "offers": [
            {
                "id": o.id,
                "name": o.name,
                "stage": o.stage,
                "price": str(o.price),
                "validity_months": o.validity_months,
                "eligible": sorted(o.eligible),
                "limit": o.limit,
                "group": o.group,
                "grants": [
                    {"kind": g.kind, "size": str(g.size), "unit": g.unit, "covers": sorted(g.covers)} for g in o.grants
                ],
                "source": o.source,
                "assumed": dict(o.assumed),
                "note": o.note,
            }
            for o in sheet.offers.values()
        ],
        "assumptions": assumptions_data(tuple(sheet.assumptions())),
    }

    return dump(data)
