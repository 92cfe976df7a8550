"""compare-plans: hand-worked cases and a brute-force proof on random small scenarios (B10, B12, B15, B16)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

import pytest
from helpers import make_sheet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from artlab_cost.calendar import add_months
from artlab_cost.engine import costs, price_usage, simulate
from artlab_cost.errors import UsageError
from artlab_cost.plans import Action, Limits, Status, compare
from artlab_cost.pricing import PriceSheet
from artlab_cost.scenario import Holding, Per, Scenario, SharedUsage, StorageUsage, TrafficUsage, Usage, overlaps

SHEET = make_sheet(
    """
  trial:
    {name: trial, stage: free_trial, price: 0, validity_months: 1, eligible: [new_user], limit: once_per_user,
     grants: [{amount: 30, covers: [compute]}], source: B8}
  voucher:
    {name: student voucher, stage: voucher, price: 0, validity_months: 12, eligible: [student], limit: once_per_user,
     grants: [{amount: 20, covers: [all]}], source: B11}
  starter:
    {name: starter, stage: pack, price: 59, validity_months: 12, eligible: [new_user], limit: once_per_user,
     grants: [{amount: 200, covers: [compute]}], source: B15}
  storage-s:
    {name: storage 30 GB, stage: pack, price: 5, validity_months: 2, limit: once_per_validity, group: storage,
     grants: [{capacity: 30, covers: [storage]}], source: test}
  storage-l:
    {name: storage 60 GB, stage: pack, price: 8, validity_months: 2, limit: once_per_validity, group: storage,
     grants: [{capacity: 60, covers: [storage]}], source: test}
  traffic-10:
    {name: traffic 10 GB, stage: pack, price: 4, validity_months: 12, limit: stackable,
     grants: [{quantity: 10, covers: [traffic]}], source: test}
  compute-50:
    {name: compute 50, stage: pack, price: 45, validity_months: 12, limit: stackable,
     grants: [{amount: 50, covers: [compute]}], source: test}
""",
    name="plan sheet",
    shared_gpu="{price: 0.01, source: test}",
    dedicated="{specs: {small: {price: 10, source: test}}, source: test}",
    storage="{price: 0.30, days_per_month: 30, source: test}",
)
START = date(2026, 3, 1)


def scenario(
    usage: list[Usage],
    months: int = 3,
    new_user: bool = False,
    student: bool = False,
    holdings: tuple[Holding, ...] = (),
) -> Scenario:
    end = add_months(START, months)
    usage = [u._replace(start=max(u.start, START), end=min(u.end, end)) for u in usage]
    return Scenario("t", new_user, student, START, end, tuple(usage), holdings, "t")


def shared(seconds_per_month: int) -> Usage:
    return SharedUsage("shared", START, date(2100, 1, 1), Decimal(seconds_per_month), Per.month)


def traffic(gb_per_month: str) -> Usage:
    return TrafficUsage("traffic", START, date(2100, 1, 1), Decimal(gb_per_month))


def test_light_user_buys_nothing() -> None:
    """A returning user with 300 GPU-seconds a month (3.00 yuan, B3 at 0.01 here): every pack costs more
    than it saves, so the best plan is nothing more: 3 months x 3.00 = 9.00 postpaid."""
    result = compare(scenario([shared(300)]), SHEET)
    best = result.plans[0]
    assert best.actions == ()
    assert best.costs.cash == Decimal("9.00")
    assert result.postpaid_only == Decimal("9.00")


def test_starter_bundle_pays_off_for_a_new_user() -> None:
    """B8, B15: 10,000 GPU-s a month = 100.00 yuan. The 30-yuan trial (one month) absorbs 30 of month 1.
    Without the starter bundle: 70 + 100 + 100 = 270.00 postpaid. With it (59 for 200 of compute, after the
    trial in the order): months 1-2 absorb 70 + 100 = 170, month 3 absorbs the last 30 and 70 goes postpaid:
    cash 59 + 70 = 129.00. A compute-50 pack at 45 saves 50 only while usage would be postpaid: with the
    bundle, one more pack takes 50 of month 3 for 45, so 59 + 45 + 20 = 124.00 is cheaper still, and a second
    pack would absorb only 20 for 45."""
    result = compare(scenario([shared(10_000)], new_user=True), SHEET)
    best = result.plans[0]
    assert {a.offer: a.count for a in best.actions} == {"trial": 1, "starter": 1, "compute-50": 1}
    assert best.costs.upfront == Decimal("104")
    assert best.costs.postpaid_due == Decimal("20.00")
    assert best.costs.cash == Decimal("124.00")
    without = next(p for p in result.plans if {a.offer for a in p.actions} == {"trial", "starter"})
    assert without.costs.cash == Decimal("129.00")
    assert result.postpaid_only == Decimal("300.00")


def test_the_right_number_of_traffic_packs() -> None:
    """B7, B16: 25 GB of busy traffic over the period (about 8.33 a month) at 0.50/GB = 12.50 postpaid only.
    2 packs (8.00) cover 20 GB and leave 5 GB postpaid = 2.50: 10.50. A third pack (12.00) would cover it all
    but lapse 5 GB unused: 12.00. One pack covers March and 1.666667 GB of April: April's 6.666666 GB are
    3.33 postpaid (truncated, B20), May's 8.333333 GB 4.16: 4 + 7.49 = 11.49."""
    result = compare(scenario([traffic("8.333333")], months=3), SHEET)
    best = result.plans[0]
    assert best.actions == (Action("traffic-10", START, 2),)
    # 3 x 8.333333 = 24.999999 GB; the 4.999999 GB past the packs: 2.4999995 postpaid, truncated per month
    assert best.costs.upfront == Decimal("8")
    base = scenario([traffic("8.333333")])
    one, three = (
        costs(base.with_holdings((Holding("traffic-10", START, n, None, "x", 0),)), SHEET, price_usage(base, SHEET))
        for n in (1, 3)
    )
    assert one.cash == Decimal("11.49")
    assert three.cash == Decimal("12.00")
    assert three.lapsed_value == 0  # still valid at the period's end: left, not lapsed
    assert three.unused["x"] > Decimal("4.99")
    # one line per set of offers (here: the packs, or nothing): neither 1 nor 3 packs is within a fen of 2
    assert [{a.offer for a in p.actions} for p in result.plans] == [{"traffic-10"}, set()]
    assert result.ranges[0] == {("traffic-10", START): (2, 2)}
    assert result.proven and result.lower_bound == best.costs.cash


def test_estimate_reproduces_the_recommended_plan() -> None:
    """The figures of a plan are exactly those estimate prints for the scenario with the plan's holdings."""
    base = scenario([shared(10_000), traffic("12")], new_user=True, student=True)
    best = compare(base, SHEET).plans[0]
    holdings = tuple(Holding(a.offer, a.date, a.count, None, "", i) for i, a in enumerate(best.actions))
    totals = simulate(base.with_holdings(holdings), SHEET).totals
    assert totals.cash == best.costs.cash
    assert totals.upfront == best.costs.upfront


def test_max_upfront_caps_the_plans() -> None:
    result = compare(scenario([shared(10_000)], new_user=True), SHEET, max_upfront=Decimal(60))
    assert all(p.costs.upfront <= 60 for p in result.plans)
    assert {a.offer for a in result.plans[0].actions} == {"trial", "starter"}


def test_only_and_exclude() -> None:
    result = compare(scenario([shared(10_000)], new_user=True), SHEET, exclude=["starter", "compute-50"])
    assert {a.offer for p in result.plans for a in p.actions} <= {"trial"}
    result = compare(scenario([shared(10_000)], new_user=True), SHEET, only=["compute-50"])
    assert {a.offer for p in result.plans for a in p.actions} <= {"compute-50"}
    with pytest.raises(UsageError, match="did you mean 'starter'"):
        compare(scenario([shared(1)]), SHEET, only=["startr"])


def test_holdings_are_kept_and_once_per_user_offers_not_offered_again() -> None:
    held = (Holding("trial", START, 1, None, "", 0),)
    result = compare(scenario([shared(10_000)], new_user=True, holdings=held), SHEET)
    assert all(a.offer != "trial" for p in result.plans for a in p.actions)


# --- brute force -------------------------------------------------------------------------------


class Candidate(NamedTuple):
    actions: tuple[Action, ...]
    cash: Decimal
    upfront: Decimal
    useless: bool  # a paid action whose last pack absorbed nothing

    def key(self) -> tuple[Decimal, int, Decimal, tuple[Action, ...]]:
        return (self.cash, sum(a.count for a in self.actions), self.upfront, self.actions)


def brute_force(s: Scenario, max_count: int, sheet: PriceSheet = SHEET) -> list[Candidate]:
    """Every plan the purchase rules allow, free claims all taken (they cost nothing and never raise postpaid),
    each run through the engine without any pruning; counts up to `max_count` of each stackable pack."""
    SHEET = sheet  # noqa: N806
    SHEET_OF[0] = sheet
    options: list[list[tuple[Action, ...]]] = []
    claims: list[Action] = []
    held = {h.offer for h in s.holdings}
    slots = lambda months: [d for d in (add_months(START, k * months) for k in range(12)) if d < s.end]  # noqa: E731
    for offer in SHEET.offers.values():
        if ("new_user" in offer.eligible and not s.new_user) or ("student" in offer.eligible and not s.student):
            continue
        if offer.limit == "once_per_user":
            if offer.id not in held:
                if offer.price == 0:
                    claims.append(Action(offer.id, START))
                else:
                    options.append([(), (Action(offer.id, START),)])
        elif offer.limit == "stackable":
            for d in slots(offer.validity_months):
                options.append([()] + [(Action(offer.id, d, n),) for n in range(1, max_count + 1)])
    storage = [o for o in SHEET.offers.values() if o.group == "storage"]
    for d in slots(2):
        options.append([()] + [(Action(o.id, d),) for o in storage])
    priced = price_usage(s, SHEET)
    out = []
    for combo in itertools.product(*options):
        actions = tuple(sorted(claims + [a for choice in combo for a in choice]))
        holdings = tuple(
            Holding(a.offer, a.date, a.count, None, f"b{i}", len(s.holdings) + i) for i, a in enumerate(actions)
        )
        if overlaps(s.holdings + holdings, SHEET):
            continue
        result = costs(s.with_holdings(holdings), SHEET, priced)
        useless = any(
            SHEET.offers[a.offer].price > 0
            and (
                last_pack_idle(s.with_holdings(holdings), SHEET, a, f"b{i}")
                if SHEET.offers[a.offer].grants[0].kind == "monthly"
                else result.absorbed[f"b{i}"] <= SHEET.offers[a.offer].grants[0].size * (a.count - 1)
            )
            for i, a in enumerate(actions)
        )
        out.append(Candidate(actions, result.cash, result.upfront, useless))
    return out


def last_pack_idle(s: Scenario, sheet: PriceSheet, action: Action, ident: str) -> bool:
    """Whether the last of a monthly quota's stacked packs absorbed nothing: in no month did the stack give more
    than count - 1 packs hold (counted from the charges' allocations of a full run)."""
    grant = sheet.offers[action.offer].grants[0]
    given: dict[str, Fraction] = {}
    for c in simulate(s, sheet).charges:
        for a in c.allocations:
            if a.entitlement == ident:
                given[c.month] = given.get(c.month, Fraction(0)) + a.quantity
    return all(v <= grant.size * (action.count - 1) for v in given.values())


def listed(candidates: list[Candidate]) -> list[Candidate]:
    """The plans compare-plans lists, by its documented rules: the cheapest plan of each distinct set of paid
    offers (claims are free and every plan may take them), ranked by cash, purchases, upfront, actions; never a
    plan with a pack that absorbed nothing, nor one that only adds to a plan ranked above it at no lower cost."""
    best: dict[frozenset[str], Candidate] = {}
    for c in sorted((c for c in candidates if not c.useless), key=Candidate.key):
        paid = frozenset(a.offer for a in c.actions if SHEET_OF[0].offers[a.offer].price > 0)
        best.setdefault(paid, c)
    out: list[Candidate] = []
    for c in sorted(best.values(), key=Candidate.key):
        have = lambda big: {(a.offer, a.date): a.count for a in big}  # noqa: E731
        if not any(
            all(have(c.actions).get((a.offer, a.date), 0) >= a.count for a in q.actions) and q.cash <= c.cash
            for q in out
        ):
            out.append(c)
    return out


SHEET_OF = [SHEET]  # the sheet `listed` reads prices from: the one brute_force last ran on


@st.composite
def small_scenarios(draw: st.DrawFn) -> Scenario:
    """Up to 6,000 GPU-s (60.00 yuan) and 12 GB a month, so four packs of each kind cover every count that matters."""
    usage = []
    if draw(st.booleans()):
        usage.append(shared(draw(st.integers(0, 6_000))))
    if draw(st.booleans()):
        usage.append(traffic(str(draw(st.integers(0, 12)))))
    if draw(st.booleans()) or not usage:
        usage.append(StorageUsage("storage", START, date(2100, 1, 1), Decimal(draw(st.integers(0, 90)))))
    return scenario(usage, months=draw(st.integers(1, 3)), new_user=draw(st.booleans()), student=draw(st.booleans()))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_scenarios(), st.sampled_from([1, 3, 10]))
def test_the_ranking_is_the_brute_force_ranking(s: Scenario, top: int) -> None:
    """Every rank of the list, not only the first, costs what the brute-force list has in that place.

    With at most 6,000 GPU-s and 12 GB a month for 3 months, no plan needs more than 4 packs of one
    kind (compute-50: 180.00 / 50; traffic-10: 36 GB / 10), so brute force up to 4 covers the space."""
    result = compare(s, SHEET, top=top)
    expected = listed(brute_force(s, max_count=4))[:top]
    assert [p.costs.cash for p in result.plans] == [c.cash for c in expected]
    keys = [p.rank_key() for p in result.plans]
    assert keys == sorted(keys)
    again = compare(s, SHEET, top=top)
    assert [p.actions for p in again.plans] == [p.actions for p in result.plans]


MONTHLY = make_sheet(
    """
  traffic-10:
    {name: traffic 10 GB, stage: pack, price: 4, validity_months: 2, limit: stackable,
     grants: [{quantity: 10, covers: [traffic]}], source: test}
  traffic-m:
    {name: traffic 4 GB a month, stage: pack, price: 1.5, validity_months: 2, limit: stackable,
     grants: [{monthly: 4, covers: [traffic]}], source: test}
  trial-m:
    {name: trial 1 GB a month, stage: free_trial, price: 0, validity_months: 3, eligible: [new_user],
     limit: once_per_user, grants: [{monthly: 1, covers: [traffic_busy]}], source: test}
""",
    name="monthly sheet",
)


@st.composite
def monthly_scenarios(draw: st.DrawFn) -> Scenario:
    """Up to 9 GB of traffic each month for 1 to 3 months, part of it idle: three monthly packs or three
    10 GB packs per validity cover any of it, so brute force up to 3 covers the space. The first month
    has some, so that packs are bought on the first day, as brute force buys them."""
    months = draw(st.integers(1, 3))
    usage: list[Usage] = [
        TrafficUsage(
            f"m{k}",
            add_months(START, k),
            add_months(START, k + 1),
            Decimal(draw(st.integers(0 if k else 1, 9))),
            Decimal(draw(st.sampled_from(["0", "0.5"]))),
        )
        for k in range(months)
    ]
    return scenario(usage, months=months, new_user=draw(st.booleans()))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(monthly_scenarios(), st.sampled_from([1, 5]))
def test_monthly_packs_rank_as_brute_force_ranks_them(s: Scenario, top: int) -> None:
    """Monthly quotas beside used-up quantities: every rank is the brute-force one (OSS 包月周期型 vs 总量递减型).

    With the monthly trial to claim, only the first rank is compared: brute force takes every free
    claim, while compare-plans also lists a plan without a claim it does not need at the same cash."""
    result = compare(s, MONTHLY, top=top)
    expected = listed(brute_force(s, max_count=3, sheet=MONTHLY))[:top]
    ranks = 1 if s.new_user else top
    assert [p.costs.cash for p in result.plans][:ranks] == [c.cash for c in expected][:ranks]


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


def test_a_quota_left_in_a_quiet_month_does_not_stop_the_count() -> None:
    """9 GB in March, 3 GB in April: a pack's quota left over in April says nothing of March.

    By hand: one 4 GB monthly pack leaves 1 GB in April but covers only 4 of March's 9 GB (cash
    1.50 + 2.50 = 4.00); two cover all but 1 GB of March (3.00 + 0.50 = 3.50); three cover all (4.50).
    One 10 GB pack covers 10 of 12 GB (4.00 + 1.00); with a monthly pack too (5.50) it only adds to that
    plan at a higher cash, so it is not listed. Two sets of offers, each at its cheapest counts, then nothing."""
    usage: list[Usage] = [
        TrafficUsage(f"m{k}", add_months(START, k), add_months(START, k + 1), Decimal(gb))
        for k, gb in enumerate((9, 3))
    ]
    plans = compare(scenario(usage, months=2), MONTHLY, top=3).plans
    assert [(p.costs.cash, [(a.offer, a.count) for a in p.actions]) for p in plans] == [
        (Decimal("3.50"), [("traffic-m", 2)]),
        (Decimal("5.00"), [("traffic-10", 1)]),
        (Decimal("6.00"), []),  # 12 GB postpaid at 0.50
    ]


def test_a_monthly_pack_is_judged_by_its_fullest_month() -> None:
    """What the search reads of a run: a monthly quota that ran dry in March is not "left unused" because
    April had spare, and the last pack of a stack absorbed something if any month needed it.

    9 GB in March, 3 GB in April. One 4 GB pack: March takes all 4 (fullest month 4 of 4, nothing
    unused). Three packs (12 GB a month): March takes 9 of 12, April 3 of 12: fullest month 9, 3 unused
    even there, so a fourth pack would absorb nothing; and 9 > 8 = what two packs hold, so the third did."""
    usage: list[Usage] = [
        TrafficUsage(f"m{k}", add_months(START, k), add_months(START, k + 1), Decimal(gb))
        for k, gb in enumerate((9, 3))
    ]
    s = scenario(usage, months=2)
    for count, absorbed, unused in ((1, 4, 0), (3, 9, 3)):
        run = costs(
            s.with_holdings((Holding("traffic-m", START, count, None, "m", 0),)), MONTHLY, price_usage(s, MONTHLY)
        )
        assert (run.absorbed["m"], run.unused["m"]) == (absorbed, unused)


SLOTS = make_sheet(
    """
  trial:
    {name: trial, stage: free_trial, price: 0, validity_months: 1, eligible: [new_user], limit: once_per_user,
     grants: [{amount: 5, covers: [compute]}], source: B8}
  compute-1m:
    {name: compute 10 for a month, stage: pack, price: 8, validity_months: 1, limit: stackable,
     grants: [{amount: 10, covers: [compute]}], source: test}
  compute-3m:
    {name: compute 25 for 3 months, stage: pack, price: 22, validity_months: 3, limit: stackable,
     grants: [{amount: 25, covers: [compute]}], source: test}
""",
    name="slot sheet",
    shared_gpu="{price: 0.01, source: test}",
)


@st.composite
def slot_scenarios(draw: st.DrawFn) -> Scenario:
    """Shared use that changes month by month over 3 months (up to 25 yuan a month): a pack slot each month for
    compute-1m, one for compute-3m; brute force up to 3 packs a slot covers every count that matters."""
    seconds = [draw(st.integers(0 if k else 1, 2500)) for k in range(3)]
    usage: list[Usage] = [
        SharedUsage(f"m{k}", add_months(START, k), add_months(START, k + 1), Decimal(n), Per.month)
        for k, n in enumerate(seconds)
    ]
    return scenario(usage, months=3, new_user=draw(st.booleans()))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(slot_scenarios(), st.sampled_from([1, 3]))
def test_packs_bought_again_each_month_rank_as_brute_force_ranks_them(s: Scenario, top: int) -> None:
    """Multi-slot plans: a 1-month pack bought in each month, beside a 3-month one: each rank is brute force's."""
    result = compare(s, SLOTS, top=top)
    expected = listed(brute_force(s, max_count=3, sheet=SLOTS))[:top]
    ranks = 1 if s.new_user else top  # claims: see test_monthly_packs_rank_as_brute_force_ranks_them
    assert [p.costs.cash for p in result.plans][:ranks] == [c.cash for c in expected][:ranks]
    assert result.proven


def test_a_search_stopped_early_says_what_it_has_not_proven() -> None:
    """Stopped after two engine runs, the ranking is the best found: not proven, the ranks it could not prove
    marked, and the bound it gives is one the full search confirms (no plan costs less). A rank proven in its
    place is the full search's."""
    s = scenario([shared(9_000), traffic("14")], new_user=True, student=True)
    full = compare(s, SHEET)
    cut = compare(s, SHEET, limits=Limits(None, 2))
    assert full.proven and full.stopped == "" and full.lower_bound == full.plans[0].costs.cash
    assert not cut.proven and cut.stopped == "run-limit"
    assert cut.lower_bound <= full.plans[0].costs.cash <= cut.plans[0].costs.cash
    assert cut.gap == cut.plans[0].costs.cash - cut.lower_bound
    assert not all(cut.ranks_proven)
    for plan, proven, other in zip(cut.plans, cut.ranks_proven, full.plans, strict=False):
        if proven:
            assert plan.costs.cash == other.costs.cash


def test_progress_is_reported_while_the_search_runs() -> None:
    seen: list[Status] = []
    compare(scenario([shared(9_000), traffic("14")], new_user=True), SHEET, progress=seen.append)
    assert seen and all(st.runs >= 0 and st.elapsed >= 0 for st in seen)


def test_brute_force_agrees_on_a_mixed_case() -> None:
    s = scenario(
        [shared(9_000), traffic("14"), StorageUsage("st", START, date(2100, 1, 1), Decimal(45))],
        months=2,
        new_user=True,
        student=True,
    )
    best = min(c.cash for c in brute_force(s, max_count=3))  # 28 GB: 3 traffic packs; 180 yuan of compute
    assert compare(s, SHEET).plans[0].costs.cash == best


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


def test_equal_plans_are_broken_by_fewer_purchases_whatever_top_is() -> None:
    """A plan with one purchase ranks before an equally cheap plan with two, with --top 1 as with --top 10."""
    usage = [shared(10_000)]
    s = scenario(usage, months=1, new_user=True)
    keys = {top: compare(s, SHEET, top=top).plans[0].rank_key() for top in (1, 10)}
    assert keys[1] == keys[10]


def test_bounds_allow_for_whole_yuan_rounding() -> None:
    """B20 with bill_places 0: a month's bill moves by up to a yuan, so the bounds must allow that much.
    10.99 yuan of compute (1,099 GPU-s at 0.01) is billed 10 (truncated). Packs of 1.00 for 0.95: ten absorb
    10.00, leaving 0.99, billed 0: cash 9.50, cheaper than nothing more (10) even with --top 1."""
    sheet = make_sheet(
        """
        one:
          {name: one yuan, stage: pack, price: 0.95, validity_months: 12, limit: stackable,
           grants: [{amount: 1, covers: [compute]}], source: test}
        """,
        name="whole yuan",
        settings={"bill_places": "0"},
        shared_gpu="{price: 0.01, source: test}",
    )
    s = scenario([shared(1_099)], months=1)
    for top in (1, 10):
        best = compare(s, sheet, top=top).plans[0]
        assert best.actions == (Action("one", START, 10),)
        assert best.costs.cash == Decimal("9.50")
