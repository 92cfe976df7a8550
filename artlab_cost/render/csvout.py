"""CSV output: one row per allocation, ready for a spreadsheet."""

from __future__ import annotations

import csv
import io

from ..engine import Result
from .common import exact, last_day

HEADER = (
    "from",
    "until",
    "meter",
    "quantity",
    "unit",
    "list_amount",
    "stage",
    "entitlement",
    "amount",
    "absorbed_quantity",
)


def render(result: Result) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for c in result.charges:
        base = (c.start.isoformat(), last_day(c.end).isoformat(), c.meter, exact(c.quantity), c.unit, exact(c.amount))
        if c.billable < c.quantity:  # the part inside the monthly free allowance (B6)
            writer.writerow((*base, "free_allowance", "", "0", exact(c.quantity - c.billable)))
        elif not c.allocations:  # a meter priced at zero
            writer.writerow((*base, "none", "", "0", "0"))
        for a in c.allocations:
            writer.writerow((*base, a.stage, a.entitlement, exact(a.amount), exact(a.quantity)))
    return out.getvalue()
