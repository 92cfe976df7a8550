"""Break-even prices (compare(break_even=...)): hand-worked on small scenarios, each comparison run once."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from fractions import Fraction
from unittest import mock

import pytest
from helpers import examples, make_sheet
from hypothesis import given
from hypothesis import strategies as st
from plan_cases import SHEET, SLOTS, START, brute_force, scenario, sets_from, shared, small_scenarios, traffic

from artlab_cost import to_text
from artlab_cost.calendar import add_months
from artlab_cost.engine import price_usage
from artlab_cost.errors import UsageError
from artlab_cost.money import q
from artlab_cost.plans import Action, BreakEven, Comparison, Limits, Plan, compare
from artlab_cost.plans.breakeven import break_even
from artlab_cost.plans.comparison import serves_break_even, setup
from artlab_cost.plans.space import candidate_offers, hopeless_from
from artlab_cost.pricing import PriceSheet
from artlab_cost.scenario import Holding, Per, Scenario, SharedUsage, StorageUsage, TrafficUsage, Usage


def _sheet(offers: str, name: str) -> PriceSheet:
    """A sheet of the given offers over shared compute at 0.01 a GPU-second, one dedicated spec and storage."""
    return make_sheet(
        offers,
        name=name,
        shared_gpu="{price: 0.01, source: test}",
        dedicated="{specs: {small: {price: 10, source: test}}, source: test}",
        storage="{price: 0.30, days_per_month: 30, source: test}",
    )


# A compute pack valid one month (each month's usage is a slot of its own) and a traffic pack of a monthly quota.
SHORT = _sheet(
    """
  trial:
    {name: trial, stage: free_trial, price: 0, validity_months: 1, eligible: [new_user], limit: once_per_user,
     grants: [{amount: 30, covers: [compute]}], source: B8}
  month-compute-50:
    {name: compute 50 for a month, stage: pack, price: 45, validity_months: 1, limit: stackable,
     grants: [{amount: 50, covers: [compute]}], source: test, assumed: {price: test}}
  traffic-month-10:
    {name: traffic 10 GB a month, stage: pack, price: 4, validity_months: 12, limit: stackable,
     grants: [{monthly: 10, covers: [traffic]}], source: test, assumed: {price: test}}
""",
    "break-even sheet",
)


def only(result: Comparison, offer: str) -> BreakEven:
    (found,) = [b for b in result.break_even if b.offer == offer]
    return found


@pytest.fixture(scope="module")
def short_compute() -> Comparison:
    # 2,000 GPU-s a month at 0.01 = 20.00 yuan a month, three months; a returning user (no trial)
    return compare(scenario([shared(2_000)], months=3), SHORT, break_even_assumed=True)


def test_a_yuan_pack_is_worth_what_it_can_absorb_before_it_expires(short_compute: Comparison) -> None:
    """B12: a 50-yuan pack valid one month absorbs only that month's 20.00 of compute, then lapses. Without it
    the 60.00 are postpaid (W). A copy a month at p costs 3p and leaves nothing postpaid: 3p < 60 below 20.00 a
    copy. At 20.00 every count ties with W; the plan that meets W there buys one copy in each month."""
    b = only(short_compute, "month-compute-50")
    assert short_compute.plans[0].actions == ()  # at 45 a copy it does not pay
    assert b.without == Decimal("60.00") and not b.in_best
    assert b.price == 20 and b.proven and b.bracket == (20, 20)
    assert b.copies == 3
    assert sorted(a.date.month for a in b.plan if a.offer == "month-compute-50") == [3, 4, 5]
    assert b.listed_price == 45 and b.assumed_price
    assert b.face_value == 50
    # the traffic pack covers no billed usage: not a candidate, so not searched
    assert [x.offer for x in short_compute.break_even] == ["month-compute-50"]


def test_the_shown_price_and_the_compute_headline(short_compute: Comparison) -> None:
    """JSON gives the price rounded down to the fen and exactly; the headline words a compute pack's."""
    data = json.loads(to_text(short_compute, "json"))
    (entry,) = data["break_even"]
    assert entry["offer"] == "month-compute-50"
    assert (entry["price"], entry["price_fraction"], entry["count"]) == ("20", "20/1", 3)
    assert (entry["listed_price"], entry["assumed_price"], entry["proven"]) == ("45", True, True)
    assert "bracket" not in entry
    markdown = to_text(short_compute, "markdown")
    assert "A 50-yuan compute pack (month-compute-50) pays off for you at up to 20.00 yuan (40% of face value)." in (
        markdown
    )
    assert "### Worth buying up to" in markdown


@pytest.fixture(scope="module")
def second_copy() -> Comparison:
    # 15 GB of busy traffic a month (0.50/GB, B7), three months; one 10-GB-a-month pack already held
    held = (Holding("traffic-month-10", START, 1, None, "held", 0),)
    s = scenario([traffic("15")], months=3, holdings=held)
    return compare(s, SHORT, break_even=["traffic-month-10"])


def test_the_second_copy_of_a_monthly_quota_is_worth_what_the_first_leaves(second_copy: Comparison) -> None:
    """B16: the held pack (4.00, bought in the period) covers 10 GB of each month's 15; 5 GB a month, 2.50, are
    postpaid: W = 4.00 + 7.50 = 11.50. A second copy bought at p covers the rest: 4.00 + p. It pays below
    7.50, what the first leaves uncovered, not the 15.00 of a first copy; the held copy keeps its 4.00."""
    b = only(second_copy, "traffic-month-10")
    assert b.without == Decimal("11.50")
    assert b.price == Decimal("7.50") and b.proven and b.copies == 1
    assert second_copy.plans[0].actions == (Action("traffic-month-10", START, 1),)  # at 4.00 it pays
    assert b.in_best


@pytest.fixture(scope="module")
def covered_by_trial() -> Comparison:
    # a new user, 2,000 GPU-s in one month (20.00): the 30-yuan trial covers it all
    return compare(scenario([shared(2_000)], months=1, new_user=True), SHORT, break_even=["month-compute-50"])


def test_an_offer_worthless_at_any_price(covered_by_trial: Comparison) -> None:
    """B8, B13: the free trial comes first in the waterfall and absorbs the month's 20.00; cash is 0 without the
    pack, and a pack, even free, leaves it 0: no price lowers it."""
    b = only(covered_by_trial, "month-compute-50")
    assert b.without == 0
    assert b.worthless and b.price == 0 and b.copies == 0 and b.proven and b.plan == ()
    assert "does not pay off for you at any price" in to_text(covered_by_trial, "table")


@pytest.fixture(scope="module")
def starter() -> Comparison:
    return compare(scenario([shared(10_000)], new_user=True), SHEET, break_even=["starter"])


def test_an_offer_in_the_best_plan_stays_up_to_its_break_even(starter: Comparison) -> None:
    """B8, B15 (test_compare's starter case): 100.00 of compute a month for three months, the trial absorbing 30
    of the first. Without the starter bundle the best is five compute-50 packs (5 x 45 + 20 postpaid = 245.00;
    four leave 70 postpaid, 250.00; a sixth absorbs 20 for 45). With it at p: 200 absorbed, one compute-50
    absorbs 50 more, 20 postpaid: p + 65 (without the pack p + 70, with two p + 90). So the bundle stays in
    the best plan up to 245 - 65 = 180.00 a copy, bought once."""
    b = only(starter, "starter")
    assert b.in_best and b.without == Decimal("245.00")
    assert b.price == 180 and b.copies == 1 and b.proven
    assert {a.offer: a.count for a in b.plan} == {"trial": 1, "starter": 1, "compute-50": 1}
    assert not b.assumed_price and b.listed_price == 59
    assert b.face_value == 200  # a compute pack too (B15: 59 for 200 of compute)


# A compute pack valid one month, dearer than the 50 yuan of compute it holds: the comparison leaves it out (the one
# inexact cut, space.hopeless_from), and its break-even stops at what a copy can absorb.
DEAR = _sheet(
    """
  dear-compute-50:
    {name: compute 50 for a month, stage: pack, price: 55, validity_months: 1, limit: stackable,
     grants: [{amount: 50, covers: [compute]}], source: test, assumed: {price: test}}
""",
    "dear pack sheet",
)


def test_a_pack_that_pays_up_to_the_cut_is_found_without_a_search() -> None:
    """6,000 GPU-s a month at 0.01 = 60.00 yuan a month for three months, a returning user: W = 180.00 postpaid.
    A copy bought each month absorbs 50.00 of that month's 60.00 and leaves 10.00 postpaid: 3p + 30 < 180 below
    50.00 a copy, its face value, which is also the most a copy can absorb: the cut. Just below it the best plan
    without the pack (all postpaid) with the copies the linear bound buys is that plan, so no search runs."""
    s = scenario([shared(6_000)], months=3)
    with mock.patch("artlab_cost.plans.breakeven._run", side_effect=AssertionError("searched")):
        result = compare(s, DEAR, break_even_assumed=True)
    assert result.plans[0].actions == ()  # at 55 a copy it does not pay
    b = only(result, "dear-compute-50")
    assert b.without == Decimal("180.00") and not b.in_best
    assert b.price == 50 and b.proven and b.copies == 3
    assert sorted(a.date.month for a in b.plan if a.offer == "dear-compute-50") == [3, 4, 5]


def test_a_break_even_of_an_offer_the_plans_cannot_buy_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        compare(scenario([shared(300)], months=1), SHORT, break_even=["traffic-month-10"])
    with pytest.raises(UsageError):
        compare(scenario([shared(300)], months=1), SHORT, break_even=["no-such-offer"])


def test_out_of_time_the_break_even_is_a_bracket_that_holds_it() -> None:
    """--time-limit 0: the comparison stops at once and no break-even search runs; the starter bundle's break-even
    (180.00, worked above) is said unproven, inside a bracket made of what the comparison priced."""
    cut = compare(scenario([shared(10_000)], new_user=True), SHEET, break_even=["starter"], limits=Limits(0.0, None))
    b = only(cut, "starter")
    assert not b.proven
    low, high = b.bracket
    assert low <= 180 <= high and b.price == low


def test_two_packs_of_a_group_each_worth_what_the_other_costs_and_as_the_brute_force_says() -> None:
    """B16: 20 GB stored for four months (0.30 a GB-month, 30-day months: 6.20 in a 31-day month), two validity
    slots of two months (12.20 each). Either storage pack holds the 20 GB, so a slot costs 12.20 bare, the
    30-GB pack's price or the 60-GB pack's 8. The small pack at p beats the large one (the best without it,
    2 x 8 = 16.00) below 8, two copies; the large one at p beats two small ones (2 x 5 = 10.00) below 5. The
    brute force over every plan gives the same: the most (W - C) / n over the plans with the pack."""
    s = scenario([StorageUsage("st", START, date(2100, 1, 1), Decimal(20))], months=4)
    result = compare(s, SHEET, break_even=["storage-s", "storage-l"])
    small, large = only(result, "storage-s"), only(result, "storage-l")
    assert (small.price, small.copies, small.without) == (8, 2, 16)
    assert (large.price, large.copies, large.without) == (5, 2, 10)
    plans = brute_force(s, 1)
    for b in (small, large):
        n = {id(p): sum(a.count for a in p.actions if a.offer == b.offer) for p in plans}
        w = min(p.cash for p in plans if not n[id(p)])
        assert max((w - (p.cash - n[id(p)] * b.listed_price)) / n[id(p)] for p in plans if n[id(p)]) == b.price


def test_no_break_even_is_claimed_where_a_voucher_may_pay_for_packs() -> None:
    """With voucher_pays_packs a voucher's yuan can buy a pack, so a plan's cash is not cash = C + n x price: the
    search for the price where it meets W would rest on a line that is not there. None is given, and a note
    names the offers left without one."""
    paying = SHORT._replace(settings=SHORT.settings._replace(voucher_pays_packs=True))
    result = compare(scenario([shared(2_000)], months=3), paying, break_even_assumed=True)
    assert result.break_even == ()
    (said,) = [n for n in result.notes if n.code == "plans.break-even-voucher-packs"]
    assert said.args["offers"] == ("month-compute-50",)  # the traffic pack has no usage to absorb here


@examples(8)
@given(small_scenarios(), st.booleans())
def test_every_break_even_is_the_brute_force_one(s: Scenario, rounds: bool) -> None:
    """For each paid offer a plan may buy: W is the least cash of any plan without it, and the break-even the most
    (W - C) / n over the plans that buy it (n copies, C their cash less what the copies cost), or 0 with no copies
    when none is below W even free; over the tree of sets and over rounds, with every search proven. Four packs of
    a kind cover every count that matters (test_search.py), so brute force over them holds every line."""
    paid = [o.id for o in candidate_offers(s, SHEET, price_usage(s, SHEET), (), ())[0] if o.price > 0]
    with sets_from(rounds):
        result = compare(s, SHEET, break_even=paid)
    plans = brute_force(s, max_count=4)
    for b in result.break_even:
        n = {id(p): sum(a.count for a in p.actions if a.offer == b.offer) for p in plans}
        w = min(p.cash for p in plans if not n[id(p)])
        lines = [((w - (p.cash - n[id(p)] * b.listed_price)) / n[id(p)], n[id(p)]) for p in plans if n[id(p)]]
        expected = max([Fraction(0), *(at for at, _ in lines)])
        # the copies just below it: of the lines that meet W there, the one with most copies is the cheapest there
        copies = max((k for at, k in lines if at == expected), default=0) if expected > 0 else 0
        assert (b.without, b.price, b.copies, b.proven) == (w, expected, copies, True), b.offer


@examples(8)
@given(small_scenarios(), st.sampled_from([0, 5, 9, 30, 60]), st.booleans())
def test_under_max_upfront_every_break_even_is_the_brute_force_one(s: Scenario, cap: int, rounds: bool) -> None:
    """Under --max-upfront a plan counts only while its purchases cost at most the cap: W is the least cash of such
    a plan without the offer, and a plan of it pays up to where its line meets W or where its purchases reach the
    cap, whichever comes first (it still pays there); the break-even is the most of those, or 0. Over the tree of
    sets and over rounds, every search proven."""
    paid = [o.id for o in candidate_offers(s, SHEET, price_usage(s, SHEET), (), ())[0] if o.price > 0]
    with sets_from(rounds):
        result = compare(s, SHEET, max_upfront=Decimal(cap), break_even=paid)
    plans = brute_force(s, max_count=4)
    upfront = {id(p): sum((q(SHEET.offers[a.offer].price) * a.count for a in p.actions), Fraction(0)) for p in plans}
    for b in result.break_even:
        n = {id(p): sum(a.count for a in p.actions if a.offer == b.offer) for p in plans}
        w = min(p.cash for p in plans if not n[id(p)] and upfront[id(p)] <= cap)
        lines = [
            ((w - (p.cash - n[id(p)] * b.listed_price)) / n[id(p)],  # where its line meets W
             (cap - (upfront[id(p)] - n[id(p)] * b.listed_price)) / n[id(p)])  # where it reaches the cap
            for p in plans if n[id(p)]
        ]  # fmt: skip
        expected = max([Fraction(0), *(min(meets, reach) for meets, reach in lines)])
        assert (b.without, b.price, b.proven) == (w, expected, True), b.offer
        # copies are named where some plan of it pays at a price of 0 at least (at 0 itself, when the cap allows
        # no dearer copy): its line is below W there, and its purchases within the cap
        assert (b.copies > 0) == any(meets > 0 and reach >= 0 for meets, reach in lines), b.offer


def test_under_max_upfront_the_break_even_is_where_the_plan_reaches_the_cap_when_that_comes_before_w() -> None:
    """1,500 GPU-s in one month at 0.01 (15.00 yuan), a returning user, --max-upfront 8. Without compute-1m the
    best is all postpaid, W = 15.00 (compute-3m, 22 yuan, breaks the cap). One copy of compute-1m (10 yuan of
    compute) costs p + 5, below W up to p = 10, but keeps the cap only up to p = 8; two copies cost 2p and keep
    it only up to 4. So buying pays at 8 (13.00 yuan) and at no price past it that the cap allows: the break-even
    is 8, one copy, proven, not the 10 where the one-copy line meets W."""
    s = scenario([SharedUsage("m", START, date(2026, 4, 1), Decimal(1_500), Per.month)], months=1)
    b = only(compare(s, SLOTS, max_upfront=Decimal(8), break_even=["compute-1m"]), "compute-1m")
    assert (b.without, b.price, b.copies, b.proven, b.bracket) == (15, 8, 1, True, (8, 8))
    # with a cap of 0 only free copies keep it: two of them cover the 15 yuan, so it pays at 0 and at nothing more,
    # which is not the same as being worth nothing at any price
    free = only(compare(s, SLOTS, max_upfront=Decimal(0), break_even=["compute-1m"]), "compute-1m")
    assert (free.price, free.copies, free.proven, free.worthless) == (0, 2, True, False)


def test_a_break_even_by_rounds_under_max_upfront_is_the_one_over_the_tree() -> None:
    """Past breakeven.TREE_COLUMNS the break-even searches take rounds of branch and cut while the ranking keeps
    the tree, so the program over whole counts is first made inside a search that has repriced the offer: its
    max_upfront row must carry that price, as the linear one does. Three months of use changing month by month under
    a 20-yuan cap, the break-even searches by rounds whatever the columns: the break-even is the one over the tree."""
    use = [2_000, 500, 1_500]
    usage: list[Usage] = [
        SharedUsage(f"m{k}", add_months(START, k), add_months(START, k + 1), Decimal(use[k % 3]), Per.month)
        for k in range(3)
    ]
    s = scenario(usage, months=3)

    def found(columns: int) -> tuple[BreakEven, ...]:
        with mock.patch("artlab_cost.plans.breakeven.TREE_COLUMNS", columns):
            return compare(s, SLOTS, max_upfront=Decimal(20), break_even=["compute-3m"]).break_even

    by_tree = found(10**6)
    assert found(-1) == by_tree
    assert by_tree[0].copies > 0  # a plan of it beats the best without it: by rounds, the cap row once cut it off


# A held voucher over compute and traffic links a compute pack the comparison searches in its first slot only (the
# voucher lets it reach the traffic pack's units of two prices) to a traffic pack it leaves out as not paying.
BRIDGED = make_sheet(
    """
  dear-compute:
    {name: compute 10 a month, stage: pack, price: 10, validity_months: 1, limit: stackable,
     grants: [{amount: 10, covers: [compute]}], source: test, assumed: {price: test}}
  bridge:
    {name: bridge, stage: pack, price: 20, validity_months: 2, limit: stackable,
     grants: [{amount: 20, covers: [compute, traffic]}], source: test}
  dear-traffic:
    {name: traffic 10 GB, stage: pack, price: 6, validity_months: 3, limit: stackable,
     grants: [{quantity: 10, covers: [traffic]}], source: test, assumed: {price: test}}
""",
    name="bridged packs",
    shared_gpu="{price: 0.01, source: test}",
)


def test_a_break_even_over_a_relaxation_made_again_is_the_brute_force_one() -> None:
    """3,840 GPU-s a month at 0.01 and 9 GB of traffic a month, half of it idle, for two months, holding the bridge.
    The traffic pack's break-even is searched over a relaxation made again (the comparison leaves it out), in which
    the compute pack's first slot must stay searchable: at 3.755 a copy, one traffic pack and one compute pack
    bought on the first day still cost less than W, so the break-even is the brute force's, above that."""
    s = scenario(
        [shared(3_840), TrafficUsage("traffic", START, date(2100, 1, 1), Decimal(9), Decimal("0.5"))],
        months=2,
        holdings=(Holding("bridge", START, 1, None, "held-bridge", 0),),
    )
    b = only(compare(s, BRIDGED, break_even_assumed=True), "dear-traffic")
    plans = brute_force(s, 5, BRIDGED)
    n = {id(p): sum(a.count for a in p.actions if a.offer == "dear-traffic") for p in plans}
    w = min(p.cash for p in plans if not n[id(p)])
    expected = max(Fraction(0), *((w - (p.cash - n[id(p)] * 6)) / n[id(p)] for p in plans if n[id(p)]))
    assert (b.without, b.price, b.proven) == (w, expected, True)
    assert b.price > Fraction(3755, 1000)


@st.composite
def short_scenarios(draw: st.DrawFn) -> Scenario:
    """Up to 3,000 GPU-s and 30 GB a month for one to three months on the break-even sheet."""
    usage = [shared(draw(st.integers(0, 3_000)))]
    if draw(st.booleans()):
        usage.append(traffic(str(draw(st.integers(1, 30)))))
    return scenario(usage, months=draw(st.integers(1, 3)), new_user=draw(st.booleans()))


@examples(8)
@given(st.one_of(small_scenarios().map(lambda s: (SHEET, s)), short_scenarios().map(lambda s: (SHORT, s))))
def test_the_comparisons_own_relaxation_gives_what_one_made_afresh_gives(case: tuple[PriceSheet, Scenario]) -> None:
    """Where the comparison's space holds every count of an offer, its break-even searches reuse that space and
    relaxation; made afresh for each offer (as where it does not), every break-even is the same."""
    sheet, s = case
    shared_one = compare(s, sheet, break_even_assumed=True)
    with mock.patch("artlab_cost.plans.comparison.serves_break_even", return_value=False):
        afresh = compare(s, sheet, break_even_assumed=True)
    assert shared_one.break_even == afresh.break_even
    assert shared_one.plans == afresh.plans


def test_the_break_even_leaves_the_comparisons_relaxation_as_it_was(short_compute: Comparison) -> None:
    """The break-even searches of an offer reprice it and fix it in or out in the session they are given, which may
    be the comparison's own, and limit its copies there: afterwards every column's price and range, every
    coefficient and the offers fixed are as before."""
    s = scenario([shared(2_000)], months=3)
    made = setup(s, SHORT)
    session = made.search.session

    def state() -> tuple[object, ...]:
        return ([v.price for v in session.vars], list(session.cost), list(session.vals), list(session.most),
                dict(session.fixed), dict(session.limited))  # fmt: skip

    before = state()
    offer = "month-compute-50"
    assert serves_break_even(made.space, session, offer)
    made.search.search()
    ranked = sorted((r.plan for r in made.search.results if r.plan is not None), key=Plan.rank_key)
    found = break_even(
        offer, SHORT, lambda o: (made.search, hopeless_from(made.space, o)), ranked, ranked, True, ranked[0].costs.cash
    )
    assert found == only(short_compute, offer)  # as the comparison finds it
    assert found.copies == 3  # its search at a price of 0 found three copies: the next took two at most
    assert state() == before
