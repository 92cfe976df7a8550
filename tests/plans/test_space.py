"""The plans the purchase rules allow: candidates, validity slots, purchase dates, counts (B10, B12, B16)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from helpers import make_sheet
from plan_cases import MONTHLY, SHEET, START, scenario, shared, traffic

from artlab_cost.calendar import add_months
from artlab_cost.engine import price_usage
from artlab_cost.errors import UsageError
from artlab_cost.plans import Action, compare
from artlab_cost.plans.space import Demand, same_offers
from artlab_cost.pricing import GrantKind
from artlab_cost.scenario import Per, SharedUsage, StorageUsage, TrafficUsage, Usage


def test_only_and_exclude() -> None:
    result = compare(scenario([shared(10_000)], new_user=True), SHEET, exclude=["starter", "compute-50"])
    assert {a.offer for p in result.plans for a in p.actions} <= {"trial"}
    result = compare(scenario([shared(10_000)], new_user=True), SHEET, only=["compute-50"])
    assert {a.offer for p in result.plans for a in p.actions} <= {"compute-50"}
    with pytest.raises(UsageError, match="did you mean 'starter'"):
        compare(scenario([shared(1)]), SHEET, only=["startr"])


def test_a_pack_bought_later_is_offered_at_the_next_validity() -> None:
    """B16: with storage packs valid 2 months, a 3-month period has slots on day 1 and at month 3."""
    s = scenario([StorageUsage("st", START, date(2100, 1, 1), Decimal(60))], months=3)
    best = compare(s, SHEET).plans[0]
    dates = sorted(a.date for a in best.actions)
    assert dates == [START, add_months(START, 2)]
    assert all(a.offer == "storage-l" for a in best.actions)
    assert START + timedelta(days=61) == add_months(START, 2)


def test_a_claim_is_dated_on_the_first_day_of_usage_it_covers() -> None:
    """B8, B10: a four-month period from March with usage in May and June only, 10,000 GPU-s a month at
    0.01 = 100.00 a month, 200.00 in all. A one-month trial claimed on 1 March would lapse unused; claimed
    on 1 May, the first day of usage, it absorbs 30.00: cash 170.00."""
    usage = [SharedUsage("s", date(2026, 5, 1), date(2026, 7, 1), Decimal(10_000), Per.month)]
    s = scenario(usage, months=4, new_user=True)
    result = compare(s, SHEET, only=["trial"])
    best = result.plans[0]
    assert best.actions == (Action("trial", date(2026, 5, 1)),)
    assert best.costs.cash == Decimal("170.00")


def test_a_pack_is_bought_when_the_usage_it_covers_starts() -> None:
    """B12, B16: 8 GB of busy traffic a month in June, July and August of a period from March: 24 GB at 0.50 =
    12.00 postpaid. Packs (10 GB for 4.00) bought on 1 June, the first day of traffic: one, 4 + 14 x 0.5 =
    11.00; two, 8 + 4 x 0.5 = 10.00; three, 12.00. Two it is."""
    usage = [TrafficUsage("t", date(2026, 6, 1), date(2026, 9, 1), Decimal(8))]
    s = scenario(usage, months=6)
    best = compare(s, SHEET, only=["traffic-10"]).plans[0]
    assert best.actions == (Action("traffic-10", date(2026, 6, 1), 2),)
    assert best.costs.cash == Decimal("10.00")


def test_monthly_packs_are_counted_by_the_fullest_month() -> None:
    """3, 9 and 5 GB in three months: 4 GB monthly packs at 1.50 for two months, 10 GB packs at 4.00.

    By hand: March-April need 3 and 9 GB; two monthly packs (3.00) cover both months (8 GB a month:
    April's 1 GB postpaid 0.50): 3.50; three monthly packs 4.50 cover all: 4.50; one 10 GB pack (4.00)
    covers 10 of 12 GB, 2 GB postpaid 1.00: 5.00; one 10 GB and one monthly pack (5.50) cover all.
    So March-April: two monthly packs, 3.50. May (5 GB), a new slot: one monthly pack and 1 GB postpaid,
    2.00, or two packs, 3.00, or 2.50 all postpaid: one monthly pack. Cheapest: 3.00 + 0.50 + 1.50 + 0.50
    = 5.50."""
    usage: list[Usage] = [
        TrafficUsage(f"m{k}", add_months(START, k), add_months(START, k + 1), Decimal(gb))
        for k, gb in enumerate((3, 9, 5))
    ]
    best = compare(scenario(usage, months=3), MONTHLY).plans[0]
    assert best.costs.cash == Decimal("5.50")
    assert [(a.offer, a.date, a.count) for a in best.actions] == [
        ("traffic-m", START, 2),
        ("traffic-m", add_months(START, 2), 1),
    ]


COPIES = make_sheet(
    """
  traffic-10:
    {name: traffic 10 GB, stage: pack, price: 4, validity_months: 12, limit: stackable,
     grants: [{quantity: 10, covers: [traffic]}], source: test}
  traffic-10-again:
    {name: the same pack again, stage: pack, price: 4, validity_months: 12, limit: stackable,
     grants: [{quantity: 10, covers: [traffic]}], source: test}
  starter:
    {name: starter, stage: pack, price: 3, validity_months: 12, limit: once_per_user,
     grants: [{quantity: 10, covers: [traffic]}], source: test}
  starter-again:
    {name: starter again, stage: pack, price: 3, validity_months: 12, limit: once_per_user,
     grants: [{quantity: 10, covers: [traffic]}], source: test}
""",
    name="copies sheet",
)


def test_the_same_offer_under_another_id_is_searched_as_one() -> None:
    """Two ids for one stackable pack: k of one and m of the other are k + m packs of either (B16), so the copy
    is searched as the first and said in the notes. Two once-per-user offers alike are two purchases a plan may
    both make, and stay apart. By hand, 35 GB of busy traffic over 3 months at 0.50 (17.50 postpaid): both
    starters (6.00 for 20 GB) and one pack (4.00 for 10 GB) leave 5 GB, 2.50 postpaid: 12.50; a second pack
    instead of the 2.50 would cost 4.00."""
    s = scenario([traffic(str(Decimal(35) / 3))], months=3)
    result = compare(s, COPIES, top=10)
    bought = {a.offer for p in result.plans for a in p.actions}
    assert "traffic-10-again" not in bought and {"traffic-10", "starter", "starter-again"} <= bought
    assert any(n.code == "plans.same-offer" and n.args["same"] == ("traffic-10-again",) for n in result.notes)
    best = result.plans[0]
    assert {(a.offer, a.count) for a in best.actions} == {("starter", 1), ("starter-again", 1), ("traffic-10", 1)}
    assert best.costs.cash == Decimal("12.50")
    assert same_offers([COPIES.offers[o] for o in COPIES.offers])[1] == {"traffic-10": ["traffic-10-again"]}


def test_demand_between_two_days_is_the_usage_of_those_days() -> None:
    """2,000 GPU-s a month at 0.01 a GPU-second (the plan sheet) for March to May 2026: 20.00 yuan a month, so
    2,000 / 31 GPU-s a day in March and 2,000 / 30 in April. From March 16 to April 16: 16 days of March and 15 of
    April, 16/31 x 20 + 15/30 x 20 yuan. Nothing before the period or in an empty span."""
    s = scenario([shared(2_000)], months=3)
    demand = Demand(price_usage(s, SHEET))
    compute = SHEET.offers["compute-50"].grants[0].covers  # shared and dedicated GPU
    assert demand(compute, START, date(2026, 6, 1), GrantKind.amount) == 60
    assert demand(compute, START, date(2026, 6, 1), GrantKind.quantity) == 6_000
    assert demand(compute, date(2026, 3, 16), date(2026, 4, 16), GrantKind.amount) == Fraction(16, 31) * 20 + 10
    assert demand(compute, date(2026, 1, 1), START, GrantKind.amount) == 0
    assert demand(compute, date(2026, 4, 16), date(2026, 3, 16), GrantKind.amount) == 0
    assert demand(SHEET.offers["traffic-10"].grants[0].covers, START, date(2026, 6, 1), GrantKind.amount) == 0
