"""Exact at every setting of the sheet: no figure depends on a view, nor on a rounding the sheet did not ask for.

Hand-worked cases first (B4, B5, B7, B16, B20), then properties on random price sheets (every
charge_places from 0 to 18 or none, every rounding mode) and a comparison with the naive
day-by-day reference of tests/reference.py, which shares no code with the engine.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from helpers import examples, make_sheet
from hypothesis import given
from hypothesis import strategies as st
from reference import reference

from artlab_cost import api
from artlab_cost.calendar import add_months
from artlab_cost.engine import Estimate, daily, monthly, simulate
from artlab_cost.pricing import (
    GrantKind,
    Increment,
    PartialMonth,
    PriceSheet,
    Rounding,
    Stage,
    TieBreak,
    VoucherOrder,
)
from artlab_cost.render import By, OutputFormat, View, renderer
from artlab_cost.scenario import (
    DedicatedUsage,
    Holding,
    Per,
    RequestUsage,
    Scenario,
    SharedUsage,
    StorageUsage,
    TrafficUsage,
    Usage,
)

F = Fraction


def _estimate(sheet: PriceSheet, body: str) -> Estimate:
    return api.estimate(api.scenario_from_text("account: {new_user: false, student: false}\n" + body, sheet), sheet)


def _totals_in_every_view(result: Estimate) -> dict[str, Any]:
    """The totals, balances and bills of the JSON document under every --by, which must all be the same."""
    seen = []
    for by in By:
        data = json.loads(renderer(OutputFormat.json).estimate(result, View(by=by)))
        seen.append({k: data[k] for k in ("totals", "balances", "bills")})
    assert all(s == seen[0] for s in seen), "a view changed a figure"
    return seen[0]


# --- 1. a display option never changes a figure ------------------------------------------------


def test_the_totals_do_not_change_with_by() -> None:
    """B7, B16, B20: storage at 0.12 a GB-month over 31-day months, so a GB-hour is 0.12/744 yuan (not a finite
    decimal), each day's charge rounded to the fen (charge_places: 2). 60 GB all of March 2027: a day is
    60 x 24 x 0.12/744 = 0.2322... -> 0.23; the 40 GB pack covers 40 x 24 x 0.12/744 = 0.1548... -> 0.15 a day;
    0.08 a day is postpaid. March: pack 31 x 0.15 = 4.65, postpaid 31 x 0.08 = 2.48, list 7.13."""
    sheet = make_sheet(
        "pack-40: {name: s, stage: pack, price: 9, validity_months: 12, limit: once_per_validity,"
        " grants: [{capacity: 40, covers: [storage]}], source: test}",
        settings={"charge_places": "2"},
        storage="{price: 0.12, days_per_month: 31, source: test}",
    )
    result = _estimate(
        sheet,
        "period: {start: 2027-03-01, months: 1}\nusage:\n  - {kind: storage, gb: 60}\n"
        "holdings:\n  - {offer: pack-40, date: 2027-02-01}\n",
    )
    assert result.totals.absorbed["pack"] == F("4.65")
    assert result.totals.postpaid_exact == F("2.48") == result.totals.postpaid_due
    assert result.totals.list_price == F("7.13")
    data = _totals_in_every_view(result)
    assert (data["totals"]["absorbed"]["pack"], data["totals"]["postpaid_due"]) == ("4.65", "2.48")
    for by in By:  # the table of every grouping shows the same totals
        table = renderer(OutputFormat.table).estimate(result, View(by=by))
        assert "Absorbed by pack" in table and " 4.65" in table and " 2.48" in table


# --- 2. a quantity after an amount covers exactly the units left --------------------------------

HOURS_SHEET = """
compute-100: {name: c, stage: pack, price: 100, validity_months: 1, limit: stackable,
  grants: [{amount: 100, covers: [compute]}], source: test}
hours-10: {name: h, stage: pack, price: 300, validity_months: 12, limit: stackable,
  grants: [{quantity: 10, covers: [dedicated]}], source: test}
"""


def test_a_quantity_pack_after_an_amount_pack_covers_its_size_exactly() -> None:
    """B4, B16, B17: 10 h a day on the 39.54 spec for two days = 395.40 a day. Day 1: the compute pack (expiring
    first) pays 100.00, i.e. 100/39.54 h; the 10-hour pack the other 10 - 100/39.54 h = 295.40. Day 2: the hours
    pack has 100/39.54 h left = 100.00; 295.40 postpaid. Packs absorb 100 + 295.40 + 100 = 495.40."""
    sheet = make_sheet(HOURS_SHEET, settings={"charge_places": "2"})
    result = _estimate(
        sheet,
        "period: {start: 2027-01-01, end: 2027-01-02}\nusage:\n  - {kind: dedicated, spec: big, hours_per_day: 10}\n"
        "holdings:\n  - {offer: compute-100, date: 2027-01-01}\n  - {offer: hours-10, date: 2026-12-01}\n",
    )
    assert result.totals.absorbed["pack"] == F("495.40")
    assert result.totals.postpaid_exact == F("295.40")
    hours = next(b for b in result.balances if b.offer == "hours-10")
    assert hours.absorbed == 10 and hours.left == 0  # never more than its 10 hours
    compute = next(b for b in result.balances if b.offer == "compute-100")
    assert compute.absorbed_yuan == 100
    _totals_in_every_view(result)


# --- 3. quantities are never rounded -----------------------------------------------------------


def test_a_third_of_an_hour_stays_a_third() -> None:
    """B4, B5: a 0.3333 h session is 1,199.88 s, rounded up per second to 1,200 s = 1/3 h = 39.54 / 3 = 13.18.
    31 days in January 2027; the 10-hour pack covers exactly 30 sessions (10 h), so pack 30 x 13.18 = 395.40
    and 13.18 postpaid."""
    sheet = make_sheet(HOURS_SHEET, settings={"charge_places": "2"})
    result = _estimate(
        sheet,
        "period: {start: 2027-01-01, months: 1}\nusage:\n  - {kind: dedicated, spec: big, hours_per_day: 0.3333}\n"
        "holdings:\n  - {offer: hours-10, date: 2026-12-01}\n",
    )
    assert sum((c.quantity for c in result.charges), F(0)) == F(31, 3)
    assert result.totals.absorbed["pack"] == F("395.40")
    assert result.totals.postpaid_exact == F("13.18")
    _totals_in_every_view(result)


def test_examples_have_no_truncation_tails() -> None:
    """The bundled sheet keeps charges exact: list prices are finite decimals and print as such."""
    for stem in ("indie-shared-sd", "student-trial", "storage-heavy-team"):
        sheet = api.load_sheet()
        result = api.estimate(api.load_scenario(f"examples/{stem}.yaml", sheet), sheet)
        text = json.loads(renderer(OutputFormat.json).estimate(result, View()))["totals"]["list_price"]
        assert len(text.partition(".")[2]) <= 4, text  # 1526.96, not 1526.9599999989


# --- random sheets and scenarios --------------------------------------------------------------

PRICES = st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("50"), places=4)
SIZES = st.decimals(min_value=Decimal("0.5"), max_value=Decimal("400"), places=2)


# The shape of the random sheets: a pack of every unit; their numbers are drawn below.
BASE = make_sheet(
    """
    amount-c: {name: c, stage: pack, price: 1, validity_months: 1, limit: stackable,
      grants: [{amount: 1, covers: [compute]}], source: t}
    amount-all: {name: v, stage: voucher, price: 1, validity_months: 1, limit: stackable,
      grants: [{amount: 1, covers: [all]}], source: t}
    hours: {name: h, stage: pack, price: 1, validity_months: 1, limit: stackable,
      grants: [{quantity: 1, covers: [dedicated]}], source: t}
    gpu-s: {name: g, stage: pack, price: 1, validity_months: 1, limit: stackable,
      grants: [{quantity: 1, covers: [shared_gpu]}], source: t}
    gb: {name: gb, stage: pack, price: 1, validity_months: 1, limit: stackable,
      grants: [{quantity: 1, covers: [traffic]}], source: t}
    req: {name: r, stage: pack, price: 1, validity_months: 1, limit: stackable,
      grants: [{quantity: 1, covers: [requests]}], source: t}
    store: {name: s, stage: pack, price: 1, validity_months: 1, limit: once_per_validity,
      grants: [{capacity: 1, covers: [storage]}], source: t}
    gb-month: {name: m, stage: pack, price: 1, validity_months: 1, limit: stackable,
      grants: [{monthly: 1, covers: [traffic]}], source: t}
    """,
    name="random sheet",
)
SCALE = {"gpu-s": 100, "req": 10000}  # GPU-seconds and requests come in larger numbers


@st.composite
def sheets(draw: st.DrawFn) -> PriceSheet:
    """A sheet users are invited to write: any prices, any charge rounding or none, packs of every unit.

    Drawn into the values of a sheet loaded once (the loader is tested on its own), to keep the
    hundreds of examples quick.
    """
    settings_ = BASE.settings._replace(
        charge_places=draw(st.none() | st.integers(0, 18)),
        bill_rounding=draw(st.sampled_from(list(Rounding))),
        bill_places=draw(st.integers(0, 4)),
        dedicated_increment=draw(st.sampled_from(list(Increment))),
        tie_break=draw(st.sampled_from(list(TieBreak))),
        partial_month=draw(st.sampled_from(list(PartialMonth))),
        voucher_order=draw(st.sampled_from(list(VoucherOrder))),
        voucher_pays_packs=draw(st.booleans()),
    )
    meters = {}
    for key, m in BASE.meters.items():
        if m.free_per_month:  # the request meters keep the published prices and allowance (B6, B7)
            meters[key] = m
        elif key == "storage":
            meters[key] = m._replace(price=draw(PRICES), divisor=Decimal(24 * draw(st.integers(28, 31))))
        else:
            meters[key] = m._replace(price=draw(PRICES) / (100 if key == "shared_gpu" else 1))
    offers = {}
    for oid, o in BASE.offers.items():
        grant = o.grants[0]._replace(size=draw(SIZES) * SCALE.get(oid, 1))
        stage = draw(st.sampled_from([Stage.free_trial, Stage.pack])) if oid in ("gb", "gb-month") else o.stage
        offers[oid] = o._replace(grants=(grant,), stage=stage, validity_months=draw(st.integers(1, 3)))
    return BASE._replace(settings=settings_, meters=meters, offers=offers)


@st.composite
def usages(draw: st.DrawFn, start: date, end: date) -> Usage:
    first = start + timedelta(draw(st.integers(0, (end - start).days - 1)))
    last = first + timedelta(draw(st.integers(1, (end - first).days)))
    amount = st.decimals(min_value=0, max_value=5000, places=3)
    match draw(st.sampled_from(["shared", "dedicated", "storage", "traffic", "requests"])):
        case "shared":
            return SharedUsage("s", first, last, draw(amount), draw(st.sampled_from(list(Per))))
        case "dedicated":
            hours = draw(st.decimals(min_value=Decimal("0.0001"), max_value=24, places=4))
            days = frozenset(draw(st.sets(st.integers(0, 6), min_size=1)))
            return DedicatedUsage("d", first, last, draw(st.sampled_from(["small", "big"])), hours, days)
        case "storage":
            gb, growth = draw(st.decimals(0, 300, places=2)), draw(st.decimals(0, 30, places=2))
            return StorageUsage("st", first, last, gb, growth, first)
        case "traffic":
            return TrafficUsage(
                "t", first, last, draw(st.decimals(0, 200, places=3)), draw(st.decimals(0, 1, places=3))
            )
        case _:
            put, get = draw(st.integers(0, 9_000_000)), draw(st.integers(0, 30_000_000))
            return RequestUsage("r", first, last, Decimal(put), Decimal(get))


@st.composite
def cases(draw: st.DrawFn) -> tuple[Scenario, PriceSheet]:
    sheet = draw(sheets())
    start = date(2026, 1, 1) + timedelta(draw(st.integers(0, 700)))
    end = add_months(start, draw(st.integers(1, 4)))
    usage = tuple(draw(usages(start, end)) for _ in range(draw(st.integers(1, 5))))
    holdings: list[Holding] = []
    store_until = date.min
    for _ in range(draw(st.integers(0, 6))):
        offer = draw(st.sampled_from(list(sheet.offers)))
        acquired = start + timedelta(draw(st.integers(-40, (end - start).days - 1)))
        if offer == "store":  # B16: one storage pack at a time
            if acquired < store_until:
                continue
            store_until = add_months(acquired, sheet.offers[offer].validity_months)
        count = 1 if offer == "store" else draw(st.integers(1, 3))
        holdings.append(Holding(offer, acquired, count, None, "", len(holdings)))
    return Scenario("random", True, True, start, end, usage, tuple(holdings), "random"), sheet


@examples(150)
@given(cases())
def test_exact_on_random_sheets(case: tuple[Scenario, PriceSheet]) -> None:
    """On random sheets (every charge_places from 0 to 18 or none, every rounding mode, packs of every unit):

    - every figure equals a deliberately naive day-by-day computation in exact fractions
      (tests/reference.py, which shares no code with the engine);
    - an amount absorbs at most its yuan and a quantity at most its units (B12, B16);
    - every charge splits exactly, and the daily and monthly views add up to the same figures.
    """
    scenario, sheet = case
    got, want = simulate(scenario, sheet), reference(scenario, sheet)
    assert got.totals.list_price == want.list_price
    assert got.totals.absorbed == {s: want.absorbed[s] for s in got.totals.absorbed}
    assert {b.month: b.postpaid_exact for b in got.bills} == want.postpaid_exact
    assert {b.month: b.postpaid_due for b in got.bills} == want.postpaid_due
    assert got.totals.upfront == want.upfront
    figures = [_figures(view) for view in (got.charges, daily(got.charges), monthly(got.charges))]
    assert figures[0] == figures[1] == figures[2]
    list_total, _, _, by_meter = figures[0]
    assert list_total == got.totals.list_price
    assert {k: v for k, v in by_meter.items() if v} == {k: v for k, v in want.list_by_meter.items() if v}
    assert {(b.holding, b.grant) for b in got.balances} == set(want.entitlements)
    for b in got.balances:
        ref = want.entitlements[(b.holding, b.grant)]
        units = b.absorbed_yuan if b.kind is GrantKind.amount else b.absorbed
        assert (b.absorbed_yuan, units, b.left, b.lapsed, b.lapsed_value) == (
            ref.absorbed_yuan,
            ref.absorbed_units,
            ref.left,
            ref.lapsed,
            ref.lapsed_value,
        ), b.id
        assert b.absorbed >= 0 and b.left >= 0 and b.lapsed >= 0
        if b.kind in (GrantKind.amount, GrantKind.quantity):
            # conserved, so never more than it holds; a voucher may also have paid for packs (voucher_pays_packs)
            assert b.absorbed + b.left + b.lapsed + b.paid_packs == b.initial, b
    for c in got.charges:
        assert sum((a.amount for a in c.allocations), F(0)) == c.amount
        assert all(a.amount >= 0 and a.quantity >= 0 for a in c.allocations)
        assert sum((a.quantity for a in c.allocations), F(0)) <= c.billable
    t = got.totals
    assert t.list_price == sum(t.absorbed.values(), F(0)) + t.postpaid_exact


def _figures(
    charges: Any,
) -> tuple[Fraction, dict[tuple[str, str], Fraction], dict[str, Fraction], dict[str, Fraction]]:
    """What a list of charges adds up to: list price, yuan per (meter, stage), quantity and list price per meter."""
    by_stage: dict[tuple[str, str], Fraction] = {}
    quantity: dict[str, Fraction] = {}
    amount: dict[str, Fraction] = {}
    for c in charges:
        quantity[c.meter] = quantity.get(c.meter, F(0)) + c.quantity
        amount[c.meter] = amount.get(c.meter, F(0)) + c.amount
        for a in c.allocations:
            by_stage[(c.meter, a.stage)] = by_stage.get((c.meter, a.stage), F(0)) + a.amount
    return sum((c.amount for c in charges), F(0)), by_stage, quantity, amount


@pytest.mark.parametrize(
    "value, text",
    [(F(1, 3), "0.333333333333"), (F(2, 3), "0.666666666667"), (F(5, 2), "2.5"), (F(-1, 8), "-0.125"), (F(0), "0")],
)
def test_machine_figures_are_exact_or_12_places(value: Fraction, text: str) -> None:
    """docs/json.md: a finite decimal is written exactly, any other figure to 12 decimals, half even."""
    from artlab_cost.render.wording import exact

    assert exact(value) == text


@pytest.mark.parametrize(
    "value, shown",
    [(F("1234.565"), "1,234.57"), (F("1234.575"), "1,234.58"), (F("-0.005"), "-0.01"), (F(1, 3), "0.33")],
)
def test_money_for_people_is_rounded_half_up_everywhere(value: Fraction, shown: str) -> None:
    """One display rule for yuan: half up to the fen, in tables, Markdown and the budget verdict alike."""
    from artlab_cost.engine import BudgetCheck, Measure
    from artlab_cost.i18n import money, word

    assert money(value) == shown
    verdict = word(BudgetCheck(F(0), Measure.cash, value).verdict()) if value > 0 else ""
    assert shown in verdict or value <= 0
