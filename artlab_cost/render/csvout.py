"""CSV output: one row per allocation of an estimate, per plan of a comparison, per meter and offer of a sheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ..engine import Estimate
from ..pricing import PriceSheet
from . import View
from .common import exact, last_day, listed_charges, plan_name, plan_rows, rank_label

if TYPE_CHECKING:
    from ..plans import Comparison

ESTIMATE_HEADER = (
    "from", "until", "meter", "quantity", "unit", "list_amount", "stage", "entitlement", "amount", "absorbed_quantity",
)  # fmt: skip
PLANS_HEADER = ("rank", "plan", "upfront", "postpaid_due", "cash", "saving", "lapsed_value", "proven")
PRICING_HEADER = ("kind", "id", "name", "stage", "price", "per", "source", "assumed")


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def _allocations(result: Estimate, view: View) -> Iterable[tuple[str, ...]]:
    for c in listed_charges(result, view):
        base = (c.start.isoformat(), last_day(c.end).isoformat(), c.meter, exact(c.quantity), c.unit, exact(c.amount))
        if c.billable < c.quantity:  # the part inside the monthly free allowance (B6)
            yield (*base, "free_allowance", "", "0", exact(c.quantity - c.billable))
        elif not c.allocations:  # a meter priced at zero
            yield (*base, "none", "", "0", "0")
        for a in c.allocations:
            yield (*base, a.stage, a.entitlement, exact(a.amount), exact(a.quantity))


def estimate(result: Estimate, view: View) -> str:
    return _csv(ESTIMATE_HEADER, _allocations(result, view))


def plans(comparison: Comparison, view: View) -> str:
    rows = (
        (
            rank,
            plan_name(p, comparison.free),
            exact(p.costs.upfront),
            exact(p.costs.postpaid_due),
            exact(p.costs.cash),
            exact(comparison.saving(p)),
            exact(p.costs.lapsed_value),
            "true" if rank_label(rank, p, comparison) == rank else "false",
        )
        for rank, p in plan_rows(comparison)
    )
    return _csv(PLANS_HEADER, rows)


def pricing(sheet: PriceSheet, view: View) -> str:
    rows: list[tuple[str, ...]] = [
        ("meter", m.id, m.name, "", str(m.price), m.price_unit, m.source, "; ".join(f for f, _ in m.assumed))
        for m in sheet.meters.values()
    ]
    rows += [
        ("offer", o.id, o.name, o.stage, str(o.price), "purchase", o.source, "; ".join(f for f, _ in o.assumed))
        for o in sheet.offers.values()
    ]
    return _csv(PRICING_HEADER, rows)
