"""CSV output: one row per allocation (estimate), per plan (compare-plans), per meter and offer (pricing)."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from helpers import EXAMPLE_IDS, bundled_sheet, comparison, example

from artlab_cost.engine import monthly
from artlab_cost.money import to_decimal
from artlab_cost.render import View, csvout

ESTIMATE_HEADER = [
    "from", "until", "meter", "quantity", "unit", "list_amount", "stage", "entitlement", "amount", "absorbed_quantity",
]  # fmt: skip


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("stem", EXAMPLE_IDS)
def test_estimate_csv_allocations_add_up_to_each_charge(stem: str) -> None:
    result = example(stem).estimate
    rows = _rows(csvout.estimate(result, View()))
    assert rows[0] == ESTIMATE_HEADER  # the documented columns (docs/json.md)
    assert all(len(row) == len(ESTIMATE_HEADER) for row in rows)
    charges: dict[tuple[str, ...], list[list[str]]] = defaultdict(list)
    for row in rows[1:]:
        charges[tuple(row[:6])].append(row)  # from, until, meter, quantity, unit, list_amount
    for charge, allocations in charges.items():
        # a figure that is not a finite decimal is written to 12 places, so the parts may differ from
        # the whole by half a unit of the 12th place each (docs/json.md)
        slack = Decimal("0.5e-12") * (len(allocations) + 1)
        assert abs(sum(Decimal(a[8]) for a in allocations) - Decimal(charge[5])) <= slack, charge
        assert abs(sum(Decimal(a[9]) for a in allocations) - Decimal(charge[3])) <= slack, charge
    assert len(charges) == len(monthly(result.charges))  # the charges joined within each month
    total = sum(Decimal(c[5]) for c in charges)
    assert abs(total - to_decimal(result.totals.list_price)) <= Decimal("0.5e-12") * (len(charges) + 1)


@pytest.mark.parametrize("stem", EXAMPLE_IDS)
def test_plans_csv(stem: str) -> None:
    c = comparison(stem)
    rows = _rows(csvout.plans(c, View()))
    assert rows[0] == ["rank", "plan", "upfront", "postpaid_due", "cash", "saving", "lapsed_value", "proven"]
    assert [r[0] for r in rows[1:] if r[0] != "ref"] == [str(i) for i in range(1, len(c.plans) + 1)]
    assert [r[7] for r in rows[1:] if r[0] != "ref"] == ["true"] * len(c.plans)  # every example is proven
    for row in rows[1:]:
        upfront, postpaid, cash, saving = (Decimal(v) for v in row[2:6])
        assert upfront + postpaid == cash  # bills are whole fen: exact
        # the saving is against the reference plan, the scenario as written (its own row saves 0)
        assert saving == to_decimal(c.baseline.costs.cash) - cash
        if row[0] == "ref":
            assert saving == 0


def test_pricing_csv_has_a_row_per_meter_and_offer() -> None:
    sheet = bundled_sheet()
    rows = _rows(csvout.pricing(sheet, View()))
    assert rows[0] == ["kind", "id", "name", "stage", "price", "per", "source", "assumed"]
    assert [(r[0], r[1]) for r in rows[1:]] == [("meter", m) for m in sheet.meters] + [
        ("offer", o) for o in sheet.offers
    ]
    by_id = {r[1]: r for r in rows[1:]}
    assert by_id["shared_gpu"][4:6] == ["0.0077", "GPU-second"]
    assert by_id["storage-pack-40"][3] == "pack" and by_id["storage-pack-40"][7] == "price"
