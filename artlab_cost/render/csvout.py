"""CSV output: one row per allocation of an estimate, per plan of a comparison, per meter and offer of a sheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ..engine import Estimate
from ..money import ZERO
from ..pricing import PriceSheet, Stage
from ..scenario import Case
from .escape import csv_cell
from .estimate_rows import listed_charges
from .plan_rows import plan_case_values, plan_name, plan_rows, rank_label
from .view import By, View
from .wording import exact, last_day, meter_title

if TYPE_CHECKING:
    from ..changes import Diff
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
    writer.writerows([csv_cell(str(c)) for c in row] for row in rows)  # no control character, no formula
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


LABEL_HEADER = ("label", "list_amount", "stage", "entitlement", "amount")


def _label_shares(result: Estimate) -> Iterable[tuple[str, ...]]:
    """--by label: a row per share of a label (a stage and entitlement), its list price repeated on each."""
    for share in result.labels:
        for stage, entitlement, amount in share.parts or ((Stage.postpaid, None, ZERO),):
            yield (share.label, exact(share.list_price), stage, entitlement or "", exact(amount))


def estimate(result: Estimate, view: View) -> str:
    if view.by is By.label:
        return _csv(LABEL_HEADER, _label_shares(result))
    if not result.cases:
        return _csv(ESTIMATE_HEADER, _allocations(result, view))
    # usage given as ranges: every case's rows, each led by its case, so a filter on the column picks one
    rows = ((case.value, *row) for case in Case for row in _allocations(result.case(case), view))
    return _csv(("case", *ESTIMATE_HEADER), rows)


def plans(comparison: Comparison, view: View) -> str:
    rows = (
        (
            rank,
            plan_name(p, comparison.free, view.lang),
            exact(p.costs.upfront),
            exact(p.costs.postpaid_due),
            exact(p.costs.cash),
            exact(comparison.saving(p)),
            exact(p.costs.lapsed_value),
            "true" if rank_label(rank, p, comparison) == rank else "false",
            *(exact(v) for v in plan_case_values(comparison, p)),
        )
        for rank, p in plan_rows(comparison)
    )
    # usage given as ranges: each plan's cash at the ranges' ends and its worst regret, after the columns of before
    header = PLANS_HEADER + (("cash_low", "cash_high", "max_regret") if comparison.robust is not None else ())
    return _csv(header, rows)


def pricing(sheet: PriceSheet, view: View) -> str:
    lang = view.lang
    rows: list[tuple[str, ...]] = [
        (
            "meter",
            m.id,
            meter_title(m, lang),
            "",
            str(m.price),
            m.price_unit,
            m.source,
            "; ".join(f for f, _ in m.assumed),
        )
        for m in sheet.meters.values()
    ]
    rows += [
        (
            "offer",
            o.id,
            o.name.text(lang),
            o.stage,
            str(o.price),
            "purchase",
            o.source,
            "; ".join(f for f, _ in o.assumed),
        )
        for o in sheet.offers.values()
    ]
    return _csv(PRICING_HEADER, rows)


DIFF_HEADER = ("section", "key", "measure", "before", "after", "change", "change_percent")


def diff(d: Diff, view: View) -> str:
    """One row per measure of the total, each month and each meter, then each entitlement that changes; with
    ranges on a side, every case's rows, each led by its case (as estimate's)."""
    if not d.cases:
        return _csv(DIFF_HEADER, _diff_rows(d))
    return _csv(("case", *DIFF_HEADER), ((case.value, *row) for case in Case for row in _diff_rows(d.case(case))))


def _diff_rows(d: Diff) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for section, lines in (("total", (d.total,)), ("month", d.months), ("meter", d.meters)):
        for line in lines:
            for measure in dict.fromkeys([*line.before, *line.after]):
                pct = line.percent(measure)
                rows.append(
                    (section, line.key, measure, exact(line.before.get(measure, 0)), exact(line.after.get(measure, 0)),
                     exact(line.change(measure)), "" if pct is None else exact(pct))
                )  # fmt: skip
    for g in d.grants:
        for measure, (before, after) in (("left", g.left), ("lapsed_value", g.lapsed_value)):
            change = "" if before is None or after is None else exact(after - before)
            show = ["" if v is None else exact(v) for v in (before, after)]
            rows.append(("entitlement", g.id, measure, *show, change, ""))
    return rows
