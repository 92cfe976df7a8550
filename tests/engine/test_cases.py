"""The three cases of usage given as ranges: hand-worked bills at each end, and cash monotone in usage.

Prices are the bundled sheet's (B3, B4, B6, B7): shared GPU 0.0077 yuan a GPU-second, ded-8.07 8.07
yuan an hour, storage 0.12 yuan a GB-month over 30 days, downstream traffic 0.50 yuan a GB busy and
0.25 idle, requests 0.01 yuan per 10,000 after 5,000,000 PUT and 20,000,000 GET free a month.
April 2027 has 30 days, May 31. Bills are truncated to the fen (B20).
"""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

from helpers import bundled_sheet, examples, make_sheet
from hypothesis import given
from hypothesis import strategies as st
from test_engine_properties import OFFERS_YAML, SHEET, scenarios

from artlab_cost import api
from artlab_cost.engine import simulate
from artlab_cost.i18n import word
from artlab_cost.money import to_decimal
from artlab_cost.pricing import MeterId
from artlab_cost.scenario import (
    Case,
    DedicatedUsage,
    Holding,
    RequestUsage,
    Scenario,
    SharedUsage,
    StorageUsage,
    TrafficUsage,
    Usage,
)

APRIL = "account: {new_user: %s, student: false}\nperiod: {start: 2027-04-01, months: %d}\nusage:\n"


def cases(usage: str, months: int = 1, new_user: bool = False, holdings: str = "") -> dict[Case, object]:
    """The estimate of April 2027 (and the months after) with this usage: each case's run, by case."""
    text = APRIL % ("true" if new_user else "false", months) + usage + holdings
    result = api.estimate(api.scenario_from_text(text, bundled_sheet(), name="s.yaml"), bundled_sheet())
    return {c: result.case(c) for c in Case}


def cash(usage: str, **kw: object) -> list[Decimal]:
    runs = cases(usage, **kw)  # type: ignore[arg-type]
    return [to_decimal(runs[c].totals.cash) for c in Case]  # type: ignore[attr-defined]


def listed(usage: str, **kw: object) -> list[Decimal]:
    runs = cases(usage, **kw)  # type: ignore[arg-type]
    return [to_decimal(runs[c].totals.list_price) for c in Case]  # type: ignore[attr-defined]


# --- hand-worked: a range in each kind of usage ---------------------------------------------------


def test_shared_gpu_seconds_a_day() -> None:
    # 1,000 / 2,000 / 3,000 GPU-s x 30 days x 0.0077 = 231.00 / 462.00 / 693.00 yuan (B3)
    usage = "  - {kind: shared, gpu_seconds: 1000..3000, per: day}\n"
    assert listed(usage) == cash(usage) == [Decimal("231.00"), Decimal("462.00"), Decimal("693.00")]


def test_shared_images_times_seconds_per_image_end_by_end() -> None:
    # 100 x 5, 200 x 6, 300 x 7 GPU-s a day x 30 days = 15,000 / 36,000 / 63,000 GPU-s x 0.0077
    usage = "  - {kind: shared, images: {low: 100, expected: 200, high: 300}, seconds_per_image: 5..7, per: day}\n"
    assert cash(usage) == [Decimal("115.50"), Decimal("277.20"), Decimal("485.10")]


def test_dedicated_hours_a_day() -> None:
    # 1 / 2 / 3 hours a day x 30 days x 8.07 = 242.10 / 484.20 / 726.30 yuan (B4, B5)
    usage = "  - {kind: dedicated, spec: ded-8.07, hours_per_day: 1..3}\n"
    assert cash(usage) == [Decimal("242.10"), Decimal("484.20"), Decimal("726.30")]


def test_storage_gb() -> None:
    # GB x 24 h x 30 days x 0.12 / 30 / 24 = GB x 0.12: 100 / 200 / 300 GB = 12.00 / 24.00 / 36.00 (B7)
    usage = "  - {kind: storage, gb: 100..300}\n"
    assert cash(usage) == [Decimal("12.00"), Decimal("24.00"), Decimal("36.00")]


def test_storage_growth_a_month() -> None:
    # April 100 GB = 12.00 in every case; May (100 + 0 / 10 / 20) GB x 31/30 x 0.12 = 12.40 / 13.64 / 14.88
    runs = cases("  - {kind: storage, gb: 100, growth_gb_per_month: 0..20}\n", months=2)
    bills = {c: [to_decimal(b.postpaid_due) for b in runs[c].bills] for c in Case}  # type: ignore[attr-defined]
    assert bills == {
        Case.low: [Decimal("12.00"), Decimal("12.40")],
        Case.expected: [Decimal("12.00"), Decimal("13.64")],
        Case.high: [Decimal("12.00"), Decimal("14.88")],
    }


def test_traffic_gb_a_month() -> None:
    # 10 / 20 / 30 GB in busy hours x 0.50 = 5.00 / 10.00 / 15.00 yuan (B7)
    assert cash("  - {kind: traffic, gb_per_month: 10..30}\n") == [Decimal("5.00"), Decimal("10.00"), Decimal("15.00")]


def test_idle_share_moves_traffic_to_the_cheaper_price_so_the_high_case_takes_its_low_end() -> None:
    # 20 GB: share 0 all busy 20 x 0.50 = 10.00; share 0.5: 10 x 0.50 + 10 x 0.25 = 7.50; share 1: 20 x 0.25 = 5.00.
    # Each case runs both ends of idle_share: the low case is the cheaper (share 1), the high the dearer (share 0).
    usage = "  - {kind: traffic, gb_per_month: 20, idle_share: 0..1}\n"
    assert cash(usage) == [Decimal("5.00"), Decimal("7.50"), Decimal("10.00")]
    text = APRIL % ("false", 1) + usage
    result = api.estimate(api.scenario_from_text(text, bundled_sheet()), bundled_sheet())
    assert api.check_budget(result, Decimal(9), case="high").exceeded  # the gate sees the dearest, 10.00
    notes = [n.code for n in cases(usage)[Case.expected].notes]  # type: ignore[attr-defined]
    assert "note.idle-share-range" in notes and "note.ranges" in notes


def test_more_idle_share_ranges_than_are_run_end_by_end_are_run_all_at_one_end_or_the_other() -> None:
    # 7 entries of 20 GB, idle_share 0..1: all at 0, 7 x 10.00 = 70.00; all at 1, 7 x 5.00 = 35.00; the midpoint
    # 7 x 7.50 = 52.50. Past EVERY_END_UP_TO (6) ranges the 2 ** 7 mixes are not run; a note says so.
    from artlab_cost.scenario import EVERY_END_UP_TO

    assert EVERY_END_UP_TO == 6
    usage = "  - {kind: traffic, gb_per_month: 20, idle_share: 0..1}\n" * 7
    assert cash(usage) == [Decimal(35), Decimal("52.50"), Decimal(70)]
    notes = {n.code: n for n in cases(usage)[Case.expected].notes}  # type: ignore[attr-defined]
    assert "note.idle-share-range" not in notes and notes["note.idle-share-ranges-together"].msg.args == {"count": 7}


BUSY_PACK = make_sheet(
    """
    busy-pack:
      {name: busy hours pack, stage: pack, price: 0, validity_months: 12, limit: stackable,
       grants: [{quantity: 10, covers: [traffic_busy]}], source: test}
    """
)


def test_with_a_pack_for_busy_hours_only_both_ends_of_idle_share_cost_more_than_its_middle() -> None:
    # 20 GB a month, 10 GB of busy hours covered (bought before the period, paid then):
    # share 0: busy 20, 10 covered, 10 x 0.50 = 5.00; share 0.5: idle 10 x 0.25 = 2.50, busy 10 all covered;
    # share 1: idle 20 x 0.25 = 5.00. Cash is lowest inside the range, so neither end is the cheapest.
    text = APRIL % ("false", 1) + "  - {kind: traffic, gb_per_month: 20, idle_share: 0..1}\n"
    text += "holdings:\n  - {offer: busy-pack, date: 2027-03-01}\n"
    result = api.estimate(api.scenario_from_text(text, BUSY_PACK), BUSY_PACK)
    assert [to_decimal(result.case(c).totals.cash) for c in Case] == [Decimal(5), Decimal("2.50"), Decimal(5)]
    said = [word(n.msg) for n in result.notes if n.code == "note.idle-share-range"]
    assert len(said) == 1 and said[0].endswith("usage inside the range can cost less than the low case.")


def test_requests_a_month_past_the_free_allowance() -> None:
    # PUT 5 / 6 / 7 million less 5 million free = 0 / 1 / 2 million x 0.01 per 10,000 = 0 / 1.00 / 2.00;
    # GET 20 / 30 / 40 million less 20 million free = 0 / 10 / 20 million = 0 / 10.00 / 20.00 (B6, B7)
    usage = "  - {kind: requests, put_per_month: 5000000..7000000, get_per_month: 20000000..40000000}\n"
    assert cash(usage) == [Decimal("0.00"), Decimal("11.00"), Decimal("22.00")]


def test_holdings_are_the_same_in_every_case() -> None:
    # the 500-yuan compute trial takes 231 / 462 / 500 of the list price; the high case pays 693 - 500 = 193.00
    usage = "  - {kind: shared, gpu_seconds: 1000..3000, per: day}\n"
    trial = "holdings:\n  - {offer: trial-compute, date: 2027-04-01}\n"
    assert cash(usage, new_user=True, holdings=trial) == [Decimal(0), Decimal(0), Decimal("193.00")]
    runs = cases(usage, new_user=True, holdings=trial)
    lapsed = [to_decimal(runs[c].totals.lapsed_value) for c in Case]  # type: ignore[attr-defined]
    assert lapsed == [Decimal(269), Decimal(38), Decimal(0)]  # 500 - 231, 500 - 462, all of it used


def test_the_expected_case_is_the_estimate_of_the_expected_figures() -> None:
    ranged = cases("  - {kind: shared, gpu_seconds: 1000..3000, per: day}\n")[Case.expected]
    plain = cases("  - {kind: shared, gpu_seconds: 2000, per: day}\n")[Case.expected]
    assert ranged.totals == plain.totals and ranged.bills == plain.bills  # type: ignore[attr-defined]


def test_a_budget_gates_the_case_asked_for() -> None:
    text = APRIL % ("false", 1) + "  - {kind: shared, gpu_seconds: 1000..3000, per: day}\n"
    result = api.estimate(api.scenario_from_text(text, bundled_sheet()), bundled_sheet())
    checks = {c: api.check_budget(result, Decimal(500), case=c.value) for c in Case}
    assert [checks[c].exceeded for c in Case] == [False, False, True]  # 231, 462 within; 693 over by 193
    assert to_decimal(checks[Case.high].over) == Decimal(193) and checks[Case.high].case is Case.high
    assert api.check_budget(result, Decimal(500)).case is Case.expected


def test_without_ranges_a_budget_names_no_case() -> None:
    text = APRIL % ("false", 1) + "  - {kind: shared, gpu_seconds: 2000, per: day}\n"
    result = api.estimate(api.scenario_from_text(text, bundled_sheet()), bundled_sheet())
    assert result.cases == ()
    assert api.check_budget(result, Decimal(500), case="high").case is None  # every case is the one estimate


# --- cash is monotone in usage when the holdings are fixed ------------------------------------------

GROWN = {
    SharedUsage: ("gpu_seconds",),
    DedicatedUsage: ("hours_per_day",),
    StorageUsage: ("gb", "growth"),
    TrafficUsage: ("gb_per_month",),
    RequestUsage: ("put_per_month", "get_per_month"),
}


def _grown(u: Usage, rng: random.Random) -> Usage:
    """The entry with some of its usage figures (never idle_share) raised; hours stay within a day."""
    out: Usage = u
    for name in GROWN[type(u)]:
        if rng.random() < 0.6:
            value = getattr(u, name)
            more = (
                Decimal(rng.choice([0, 1, 7, 250, 4_000_000]))
                if name.endswith("per_month")
                else Decimal(rng.randint(0, 40)) / 4
            )
            if name == "hours_per_day":
                more = min(more, Decimal(24) - value)
            out = out._replace(**{name: value + more})  # type: ignore[union-attr]
    return out


@examples(80)
@given(scenarios(), st.randoms(use_true_random=False))
def test_more_usage_never_costs_less(scenario: Scenario, rng: random.Random) -> None:
    """Raising any usage figures but idle_share, holdings fixed, never lowers cash, postpaid or list price.

    This is what makes the low case the cheapest and the high case the dearest of a scenario whose ranges
    leave idle_share alone (docs/scenario.md, "Ranges": each day's charges only grow, and a larger charge
    leaves every trial, pack and voucher with no more for a later one).
    """
    more = scenario._replace(usage=tuple(_grown(u, rng) for u in scenario.usage))
    before, after = simulate(scenario, SHEET).totals, simulate(more, SHEET).totals
    assert after.list_price >= before.list_price
    assert after.postpaid_exact >= before.postpaid_exact
    assert after.postpaid_due >= before.postpaid_due
    assert after.cash >= before.cash


@examples(40)
@given(scenarios())
def test_idle_share_only_moves_traffic_to_the_cheaper_idle_hours(scenario: Scenario) -> None:
    """A higher idle_share keeps the GB of traffic the same; with nothing held, cash does not rise (the sheet prices
    idle hours below busy ones, as the bundled one does). With holdings it may: docs/scenario.md, "Ranges"."""
    bare = scenario._replace(holdings=())
    more = bare._replace(
        usage=tuple(u._replace(idle_share=Decimal(1)) if isinstance(u, TrafficUsage) else u for u in bare.usage)
    )
    before, after = simulate(bare, SHEET), simulate(more, SHEET)

    def traffic(result: object) -> Fraction:
        return sum(
            (c.quantity for c in result.charges if c.meter in ("traffic_busy", "traffic_idle")),  # type: ignore[attr-defined]
            Fraction(0),
        )

    assert traffic(after) == traffic(before)
    assert after.totals.cash <= before.totals.cash


@examples(40)
@given(scenarios(), st.randoms(use_true_random=False))
def test_the_low_case_is_the_cheapest_and_the_high_case_the_dearest(scenario: Scenario, rng: random.Random) -> None:
    """Ranges from the scenario's figures up to raised ones (idle_share left alone), through engine/cases.py:
    low <= expected <= high in cash, and each month's bill too."""
    from artlab_cost.engine.cases import with_cases

    expected = tuple(_grown(u, rng) for u in scenario.usage)
    high = tuple(_grown(u, rng) for u in expected)
    ranged = scenario._replace(usage=expected, ranges=("usage[0].gb",), ends=(scenario.usage, high))
    result = with_cases(ranged, SHEET, simulate(ranged, SHEET))
    runs = [result.case(c) for c in Case]
    assert runs[0].totals.cash <= runs[1].totals.cash <= runs[2].totals.cash
    for low_bill, mid_bill, high_bill in zip(*(r.bills for r in runs), strict=True):
        assert low_bill.postpaid_due <= mid_bill.postpaid_due <= high_bill.postpaid_due


BANDS = make_sheet(
    OFFERS_YAML
    + """
  busy-pack:
    {name: busy hours pack, stage: pack, price: 1, validity_months: 2, limit: stackable,
     grants: [{quantity: 6, covers: [traffic_busy]}], source: test}
  idle-pack:
    {name: idle hours pack, stage: pack, price: 1, validity_months: 1, limit: stackable,
     grants: [{quantity: 4, covers: [traffic_idle]}], source: test}
  voucher-traffic:
    {name: traffic voucher, stage: voucher, price: 0, validity_months: 2, limit: stackable,
     grants: [{amount: 3, covers: [traffic]}], source: test}
""",
    name="band sheet",
    settings={"dedicated_increment": "minute"},
)
BAND_OFFERS = ("busy-pack", "idle-pack", "voucher-traffic")
# the packs that cover one band of hours only, as the sheet says
ONE_BAND = {
    o.id
    for o in BANDS.offers.values()
    if o.grants and all(g.covers in ({MeterId.traffic_busy}, {MeterId.traffic_idle}) for g in o.grants)
}


def _share(u: Usage, share: Decimal) -> Usage:
    return u._replace(idle_share=share) if isinstance(u, TrafficUsage) else u


@examples(40)
@given(scenarios(), st.randoms(use_true_random=False))
def test_usage_inside_the_ranges_costs_no_more_than_the_high_case_nor_less_than_the_low(
    scenario: Scenario, rng: random.Random
) -> None:
    """Ranges of idle_share and of the other figures, with packs for one band of hours and vouchers held: a point
    inside every range (idle_share strictly inside its range) costs no more than the high case. This is what lets
    `--budget-case high` stand for every usage the ranges allow (docs/scenario.md, "Ranges"). It costs no less than
    the low case unless a pack for one band is held: moving traffic out of the excess of the band the pack covers
    can then cost less than either end (worked by hand above, and said in the note)."""
    from artlab_cost.engine.cases import with_cases

    extra = tuple(
        Holding(
            rng.choice(BAND_OFFERS), scenario.start + timedelta(rng.randint(-20, 40)), rng.randint(1, 3), None, "", 0
        )
        for _ in range(rng.randint(1, 4))
    )
    held = scenario._replace(holdings=tuple(h._replace(position=i) for i, h in enumerate(scenario.holdings + extra)))
    shares = [sorted(Decimal(rng.randint(0, 100)) / 100 for _ in range(3)) for _ in held.usage]
    low = tuple(_share(u, s[0]) for u, s in zip(held.usage, shares, strict=True))
    inside = tuple(_share(_grown(u, rng), s[1]) for u, s in zip(low, shares, strict=True))
    high = tuple(_share(_grown(u, rng), s[2]) for u, s in zip(inside, shares, strict=True))
    ranged = held._replace(usage=inside, ranges=("usage[0].idle_share",), ends=(low, high))
    result = with_cases(ranged, BANDS, simulate(ranged, BANDS))
    assert result.totals.cash <= result.case(Case.high).totals.cash
    if not any(h.offer in ONE_BAND for h in held.holdings):
        assert result.case(Case.low).totals.cash <= result.totals.cash
