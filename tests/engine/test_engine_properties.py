"""Property tests of the billing engine over random scenarios (B12, B13, B16, B17, B20).

Each property is a rule of the waterfall that must hold whatever the usage and holdings:
money is conserved to the last fen, balances never go below zero, an entitlement absorbs
only inside its validity and its meters, a later stage is reached only when the earlier
ones are used up, the listing order does not matter, one run equals two consecutive runs
with the state carried over, and adding an entitlement never raises postpaid.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from helpers import examples, make_sheet
from hypothesis import given
from hypothesis import strategies as st

from artlab_cost.calendar import add_months
from artlab_cost.engine import Estimate, costs, daily, price_usage, simulate
from artlab_cost.engine.usage import meter_order
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

OFFERS_YAML = """
  trial:
    {name: trial, stage: free_trial, price: 0, validity_months: 1, limit: once_per_user,
     grants: [{amount: 50, covers: [compute]}], source: test}
  trial-traffic:
    {name: trial traffic, stage: free_trial, price: 0, validity_months: 2, limit: once_per_user,
     grants: [{quantity: 3, covers: [traffic]}], source: test}
  voucher:
    {name: voucher, stage: voucher, price: 0, validity_months: 3, limit: once_per_user,
     grants: [{amount: 40, covers: [all]}], source: test}
  compute:
    {name: compute pack, stage: pack, price: 20, validity_months: 2, limit: stackable,
     grants: [{amount: 25, covers: [compute]}], source: test}
  traffic:
    {name: traffic pack, stage: pack, price: 2, validity_months: 3, limit: stackable,
     grants: [{quantity: 5, covers: [traffic]}], source: test}
  storage:
    {name: storage pack, stage: pack, price: 3, validity_months: 2, limit: once_per_validity,
     group: storage, grants: [{capacity: 30, covers: [storage]}], source: test}
  requests:
    {name: request pack, stage: pack, price: 1, validity_months: 1, limit: stackable,
     grants: [{quantity: 2000000, covers: [requests]}], source: test}
  bundle:
    {name: bundle, stage: pack, price: 9, validity_months: 1, limit: stackable,
     grants: [{amount: 10, covers: [compute]}, {quantity: 2, covers: [traffic]}], source: test}
  traffic-m:
    {name: traffic a month, stage: pack, price: 2, validity_months: 2, limit: stackable,
     grants: [{monthly: 4, covers: [traffic]}], source: test}
"""
SHEET = make_sheet(OFFERS_YAML, name="property sheet", settings={"dedicated_increment": "minute"})
# The same, a monthly quota bought after the 1st getting its share of the month (partial_month: prorated).
PRORATED = make_sheet(
    OFFERS_YAML, name="property sheet", settings={"dedicated_increment": "minute", "partial_month": "prorated"}
)
OFFERS = tuple(SHEET.offers)
STACKABLE = tuple(o.id for o in SHEET.offers.values() if o.limit == "stackable")

EPOCH = date(2026, 1, 1)
ZERO = Fraction(0)
amounts = st.decimals(min_value=0, max_value=5000, places=2)


@st.composite
def usages(draw: st.DrawFn, start: date, end: date) -> Usage:
    first = start + timedelta(draw(st.integers(0, (end - start).days - 1)))
    last = first + timedelta(draw(st.integers(1, (end - first).days)))
    anchor = first  # storage growth counts from the entry's own first day
    kind = draw(st.sampled_from(["shared", "dedicated", "storage", "traffic", "requests"]))
    if kind == "shared":
        return SharedUsage(kind, first, last, draw(amounts), draw(st.sampled_from(list(Per))))
    if kind == "dedicated":
        hours = draw(st.decimals(min_value=Decimal("0.01"), max_value=12, places=2))
        spec = draw(st.sampled_from(["small", "big"]))
        return DedicatedUsage(kind, first, last, spec, hours, frozenset(draw(st.sets(st.integers(0, 6), min_size=1))))
    if kind == "storage":
        return StorageUsage(
            kind, first, last, draw(st.decimals(0, 200, places=1)), draw(st.decimals(0, 20, places=1)), anchor
        )
    if kind == "traffic":
        return TrafficUsage(kind, first, last, draw(st.decimals(0, 100, places=3)), draw(st.decimals(0, 1, places=2)))
    return RequestUsage(
        kind, first, last, Decimal(draw(st.integers(0, 9_000_000))), Decimal(draw(st.integers(0, 30_000_000)))
    )


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    start = EPOCH + timedelta(draw(st.integers(0, 700)))
    end = add_months(start, draw(st.integers(1, 5)))
    usage = tuple(draw(usages(start, end)) for _ in range(draw(st.integers(1, 5))))
    holdings: list[Holding] = []
    claimed: set[str] = set()
    storage_until = date.min
    for i in range(draw(st.integers(0, 7))):
        offer = draw(st.sampled_from(OFFERS))
        acquired = start + timedelta(draw(st.integers(-40, (end - start).days - 1)))
        if SHEET.offers[offer].limit == "once_per_user":
            if offer in claimed:
                continue
            claimed.add(offer)
        if offer == "storage":  # B16: one storage pack at a time
            if acquired < storage_until:
                continue
            storage_until = add_months(acquired, 2)
        count = draw(st.integers(1, 3)) if offer in STACKABLE else 1
        holdings.append(Holding(offer, acquired, count, None, "", i))
    holdings = [h._replace(position=i) for i, h in enumerate(holdings)]
    return Scenario("random", True, True, start, end, usage, tuple(holdings), "random")


def daily_view(result: Estimate) -> Estimate:
    """The estimate with its charges one a day (the view of --by day)."""
    return result._replace(charges=tuple(daily(result.charges)))


def totals_key(result: Estimate) -> tuple[object, ...]:
    t = result.totals
    return (t.list_price, tuple(sorted(t.absorbed.items())), t.postpaid_exact, t.postpaid_due, t.upfront)


def every_charge_is_absorbed_exactly(result: Estimate) -> None:
    """B17, B20: per charge the parts add up to the charge, and the totals to the list price."""
    for c in result.charges:
        assert sum((a.amount for a in c.allocations), ZERO) == c.amount
        assert all(a.amount > 0 for a in c.allocations)
    t = result.totals
    assert t.list_price == sum(t.absorbed.values(), ZERO) + t.postpaid_exact
    assert t.postpaid_exact == sum((b.postpaid_exact for b in result.bills), ZERO)
    for b in result.bills:
        assert b.postpaid_exact - Fraction(1, 100) < b.postpaid_due <= b.postpaid_exact
    assert t.cash == t.upfront + t.postpaid_due


def balances_stay_within_their_grant(result: Estimate) -> None:
    """B12, B19: nothing absorbs more than it holds; left and lapsed are never negative."""
    for b in result.balances:
        assert b.left >= 0 and b.lapsed >= 0 and b.absorbed >= 0
        if b.kind == "monthly":  # a quota a month: at most one for each calendar month it is live in
            first, last = max(b.starts, result.start), min(b.ends, result.end) - timedelta(1)
            months = (last.year - first.year) * 12 + last.month - first.month + 1
            assert b.absorbed + b.left + b.lapsed <= b.per_month * months
            assert b.initial <= b.per_month
        elif b.kind != "capacity":
            assert b.absorbed + b.left + b.lapsed <= b.initial
            assert b.absorbed <= b.initial


def no_entitlement_absorbs_outside_its_validity_or_meters(scenario: Scenario, result: Estimate) -> None:
    """B12, B16: a pack covers only its meters, from 00:00 on the day acquired to 00:00 on its expiry."""
    by_id = {b.id: b for b in result.balances}
    for c in result.charges:
        assert scenario.start <= c.start and c.end <= scenario.end
        for a in c.allocations:
            if a.stage == "postpaid":
                continue
            b = by_id[a.entitlement]
            assert b.starts <= c.start and c.end <= b.ends
            assert c.meter.split(":")[0] in b.covers


def later_stages_only_after_earlier_ones_run_out(result: Estimate) -> None:
    """B13, B17: replaying the day-by-day allocations, each charge takes the live entitlements in
    deduction order (stage, then nearest expiry), and passes one only when it is used up."""
    order = {b.id: i for i, b in enumerate(result.balances)}  # balances come in waterfall order
    left = {b.id: b.initial for b in result.balances}
    info = {b.id: b for b in result.balances}
    month = {b.id: "" for b in result.balances}
    # one day per charge, in the waterfall's order within a day (idle traffic first, busy last: B7), which is
    # not the order outputs list them in
    for c in sorted(result.charges, key=lambda c: (c.start, meter_order(c.meter))):
        for b in result.balances:  # a monthly quota is restored on the 1st: its first month's is what it began with
            if b.kind == "monthly" and b.starts <= c.start < b.ends and month[b.id] != c.month:
                first = max(b.starts, result.start)
                left[b.id] = b.initial if c.month == f"{first.year}-{first.month:02d}" else b.per_month
                month[b.id] = c.month
        live = [
            b
            for b in result.balances
            if b.starts <= c.start < b.ends
            and c.meter.split(":")[0] in b.covers
            and (b.kind == "capacity" or left[b.id] > 0)
        ]
        taken = [a for a in c.allocations if a.stage != "postpaid"]
        ids = [a.entitlement for a in taken]
        assert ids == sorted(ids, key=order.__getitem__)
        expected = [b.id for b in live][: len(ids)]
        assert ids == expected, (c, live)
        for a in taken[:-1] if (c.allocations and c.allocations[-1].stage != "postpaid") else taken:
            b = info[a.entitlement]
            if b.kind == "capacity":
                assert a.quantity == b.initial * 24 * (c.end - c.start).days or a is taken[-1]
            else:
                assert a.amount == left[a.entitlement] or a.quantity == left[a.entitlement]
        if c.allocations and c.allocations[-1].stage == "postpaid":
            assert len(taken) == len(live)  # every live entitlement gave what it could
        for a in taken:
            if info[a.entitlement].kind == "amount":
                left[a.entitlement] -= a.amount
            elif info[a.entitlement].kind in ("quantity", "monthly"):
                left[a.entitlement] -= a.quantity
            assert left[a.entitlement] >= 0


@examples(60)
@given(scenarios())
def test_the_waterfall_rules_hold(scenario: Scenario) -> None:
    """The rules above, each checked on the same random scenarios (one simulation each, so hundreds run quickly)."""
    result = simulate(scenario, SHEET)
    every_charge_is_absorbed_exactly(result)
    balances_stay_within_their_grant(result)
    days = daily_view(result)
    no_entitlement_absorbs_outside_its_validity_or_meters(scenario, days)
    later_stages_only_after_earlier_ones_run_out(days)


@examples(60)
@given(scenarios(), st.randoms(use_true_random=False))
def test_listing_order_does_not_matter(scenario: Scenario, rnd: random.Random) -> None:
    """B13 with the acquired_then_offer tie-break: shuffling usage entries and holdings changes nothing.

    Holdings of one offer acquired the same day tie on every key but their listing (the tie-break's last
    resort, as B13 leaves the choice open), so which of them absorbed what may move with the listing; what
    they absorbed, kept and lapsed together may not."""
    usage = list(scenario.usage)
    holdings = list(scenario.holdings)
    rnd.shuffle(usage)
    rnd.shuffle(holdings)
    shuffled = scenario._replace(
        usage=tuple(usage), holdings=tuple(h._replace(position=i) for i, h in enumerate(holdings))
    )
    a, b = simulate(scenario, SHEET), simulate(shuffled, SHEET)
    assert totals_key(a) == totals_key(b)
    assert a.bills == b.bills
    assert tied_together(a) == tied_together(b)


def tied_together(result: Estimate) -> dict[tuple[str, object], tuple[object, ...]]:
    """What the balances of each offer starting on each day absorbed, kept and lapsed, added up."""
    out: dict[tuple[str, object], tuple[object, ...]] = {}
    for x in result.balances:
        absorbed, left, lapsed = out.get((x.offer, x.starts), (0, 0, 0))
        out[(x.offer, x.starts)] = (absorbed + x.absorbed, left + x.left, lapsed + x.lapsed)
    return out


@examples(60)
@given(scenarios(), st.integers(1, 150), st.booleans())
def test_one_run_equals_two_runs_with_the_state_carried(scenario: Scenario, cut_days: int, prorated: bool) -> None:
    """One period in one run gives the same money as the same period in two consecutive runs (a monthly quota's
    remainder carried within its month only, a pack bought in the second run getting its own first quota)."""
    sheet = PRORATED if prorated else SHEET
    cut = min(scenario.start + timedelta(cut_days), scenario.end - timedelta(1))
    if cut <= scenario.start:
        return
    whole = simulate(scenario, sheet)
    first = simulate(scenario._replace(end=cut), sheet)
    second = simulate(scenario._replace(start=cut), sheet, state=first.state)
    assert whole.totals.list_price == first.totals.list_price + second.totals.list_price
    for stage, amount in whole.totals.absorbed.items():
        assert amount == first.totals.absorbed[stage] + second.totals.absorbed[stage]
    assert whole.totals.postpaid_exact == first.totals.postpaid_exact + second.totals.postpaid_exact
    assert whole.totals.lapsed_value == first.totals.lapsed_value + second.totals.lapsed_value
    if cut.day == 1:  # split at a month boundary: the monthly bills are the same bills
        assert whole.bills == first.bills + second.bills
    assert dict(whole.state.left) == dict(second.state.left)


@examples(60)
@given(scenarios())
def test_same_input_same_output(scenario: Scenario) -> None:
    assert simulate(scenario, SHEET) == simulate(scenario, SHEET)


@examples(60)
@given(scenarios())
def test_the_plan_searchs_run_gives_the_money_of_the_full_one(scenario: Scenario) -> None:
    """`costs`, the run a plan search prices each plan with, keeps no steps or allocations: the money it gives is
    the full simulation's, to the last fraction of a fen."""
    totals = simulate(scenario, SHEET).totals
    found = costs(scenario, SHEET, price_usage(scenario, SHEET))
    assert (found.postpaid_exact, found.postpaid_due, found.upfront, found.cash, found.lapsed_value) == (
        totals.postpaid_exact, totals.postpaid_due, totals.upfront, totals.cash, totals.lapsed_value,
    )  # fmt: skip


@examples(60)
@given(scenarios(), st.sampled_from(OFFERS), st.integers(0, 120))
def test_adding_an_entitlement_never_raises_postpaid(scenario: Scenario, offer: str, offset: int) -> None:
    """The waterfall is monotone: one more trial, pack or voucher only lowers postpaid (compare-plans relies on it)."""
    day = scenario.start + timedelta(min(offset, (scenario.end - scenario.start).days - 1))
    extra = Holding(offer, day, 1, None, "+extra", len(scenario.holdings))
    more = simulate(scenario.with_holdings((extra,)), SHEET)
    less = simulate(scenario, SHEET)
    assert more.totals.postpaid_exact <= less.totals.postpaid_exact  # exactly: nothing is rounded
    for m_more, m_less in zip(more.bills, less.bills, strict=True):
        assert m_more.postpaid_due <= m_less.postpaid_due
