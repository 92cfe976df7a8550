"""JSON output: one document, amounts as exact decimal strings, keys in a fixed order."""

from __future__ import annotations

import json
from typing import Any

from ..engine import BudgetCheck, Result
from .common import exact, last_day

SCHEMA_VERSION = 1


def _totals(result: Result) -> dict[str, Any]:
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


def estimate_data(result: Result, budget: BudgetCheck | None = None) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "estimate",
        "scenario": result.scenario,
        "period": {"from": result.start.isoformat(), "until": last_day(result.end).isoformat()},
        "price_sheet": result.sheet,
        "deduction_order": list(result.stages),
        "totals": _totals(result),
        "budget": _budget(budget),
        "bills": [
            {"month": b.month, "postpaid_exact": exact(b.postpaid_exact), "postpaid_due": exact(b.postpaid_due)}
            for b in result.bills
        ],
        "charges": [
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
            for c in result.charges
        ],
        "balances": [
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
                "absorbed": exact(b.absorbed),
                "absorbed_yuan": exact(b.absorbed_yuan),
                "left": exact(b.left),
                "lapsed": exact(b.lapsed),
                "lapsed_value": exact(b.lapsed_value),
                "assumed": b.assumed,
            }
            for b in result.balances
        ],
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
        "notes": list(result.notes),
    }


def dump(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render(result: Result, budget: BudgetCheck | None = None) -> str:
    return dump(estimate_data(result, budget))
