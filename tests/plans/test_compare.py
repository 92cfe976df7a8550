"""compare(): hand-worked rankings of small scenarios, what a comparison says, and what bounds its time."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from helpers import make_sheet
from plan_cases import SHEET, START, scenario, shared, traffic

from artlab_cost.engine import costs, price_usage, simulate
from artlab_cost.messages import Level
from artlab_cost.plans import Action, Comparison, Limits, compare
from artlab_cost.plans.comparison import setup
from artlab_cost.plans.plan import SetResult, Status, Stop
from artlab_cost.plans.relaxation import build
from artlab_cost.plans.space import as_holdings
from artlab_cost.render.plan_rows import plan_rows, recommendation
from artlab_cost.scenario import Holding, StorageUsage


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


def test_holdings_are_kept_and_once_per_user_offers_not_offered_again() -> None:
    held = (Holding("trial", START, 1, None, "", 0),)
    result = compare(scenario([shared(10_000)], new_user=True, holdings=held), SHEET)
    assert all(a.offer != "trial" for p in result.plans for a in p.actions)


def test_the_time_limit_bounds_the_trimming_and_the_ranges_too() -> None:
    """With no time at all, the search stops at once, and so does the trimming of free claims after it: the plan
    listed takes every claim: the 30-yuan trial and the student voucher, though 1,000 GPU-s (10.00 yuan, B3 at
    0.01 here) in one month leave the voucher nothing after the trial (B17: trials first), so the full
    comparison drops it. Its figures are still the engine's, and the comparison says it stopped at the time
    limit, not proven."""
    s = scenario([shared(1_000)], months=1, new_user=True, student=True)
    cut = compare(s, SHEET, limits=Limits(0.0, None))
    assert cut.stopped == "time-limit" and not cut.proven
    assert [p.actions for p in cut.plans] == [(Action("trial", START), Action("voucher", START))]
    assert [p.actions for p in compare(s, SHEET).plans][0] == (Action("trial", START),)
    assert cut.ranges == ({},)
    priced = price_usage(s, SHEET)
    holdings = as_holdings(s, cut.plans[0].actions)
    assert cut.plans[0].costs == costs(s.with_holdings(holdings), SHEET, priced)
    assert cut.lower_bound <= compare(s, SHEET).plans[0].costs.cash
    assert (cut.bound_solves, cut.lower_bound) == (0, 0)  # no time to make the relaxation: nothing bounded but by 0


def test_making_the_relaxation_gives_up_when_the_time_is_up() -> None:
    """A scenario large enough (hundreds of grants over ten years) takes longer to relax than the time given: the
    making of it asks between its families, and in the long one, whether the time is up, and stops when it is."""
    s = scenario([shared(1_000), traffic("20")], months=3, new_user=True, student=True)
    made = setup(s, SHEET)
    asked: list[int] = []

    def check() -> None:
        asked.append(1)
        if len(asked) > 4:
            raise Stop("time-limit")

    with pytest.raises(Stop):
        build(s, SHEET, made.search.priced, made.space, made.search.claims, None, check)
    assert len(asked) == 5


def test_a_search_that_finished_in_time_still_trims_within_the_limit() -> None:
    """The time limit counts from the call: with time enough, trimming and the ranges are done as without one."""
    s = scenario([traffic("8.333333")], months=3)
    timed, free = compare(s, SHEET, limits=Limits(600.0, None)), compare(s, SHEET, limits=Limits(None, None))
    assert timed.proven and timed.stopped == ""
    assert [p.actions for p in timed.plans] == [p.actions for p in free.plans]
    assert timed.ranges == free.ranges == ({("traffic-10", START): (2, 2)}, {})


# --- what "proven" means for the first plan and for the ranking -------------------------------------------


@pytest.fixture(scope="module")
def stopped_after_the_first() -> Comparison:
    """25 GB of busy traffic over 3 months (8.333333 a month at 0.50/GB), stopped after two engine runs: 2 packs
    of traffic-10 (8.00) cover 20 GB, March, April and 3.333334 GB of May, leaving 4.999999 GB = 2.4999995 yuan,
    truncated to 2.49 (B20): 10.49; nothing more is 3 x 4.16 = 12.48. The bound reaches 10.49 before the
    search stops, so the first plan is proven cheapest though the second is not proven in its place."""
    return compare(scenario([traffic("8.333333")], months=3), SHEET, limits=Limits(None, 2))


def test_a_first_plan_at_the_bound_is_proven_cheapest_though_the_ranking_is_not(
    stopped_after_the_first: Comparison,
) -> None:
    c = stopped_after_the_first
    assert [p.costs.cash for p in c.plans] == [Decimal("10.49"), Decimal("12.48")]
    assert c.stopped == "run-limit" and c.lower_bound == Decimal("10.49")
    assert c.first_proven and not c.proven
    assert c.ranks_proven == (True, False)
    headline = recommendation(c)
    assert headline.startswith("Proven cheapest (the later ranks are not proven): buy 2 x traffic-10: 10.49 yuan")
    assert "Best found" not in headline
    searched = next(n for n in c.notes if n.code.startswith("plans.search"))
    assert searched.code == "plans.search-first-proven"


def test_a_bound_below_the_first_plan_proves_nothing() -> None:
    """With no time at all the bound is that of every set (0 here: a pack could cover the 12.48 of traffic), below
    the best found (nothing more, 12.48): neither the first plan nor the ranking is proven."""
    c = compare(scenario([traffic("8.333333")], months=3), SHEET, limits=Limits(0.0, None))
    assert c.lower_bound < c.plans[0].costs.cash == Decimal("12.48")
    assert not c.first_proven and not c.proven
    assert recommendation(c).startswith("Best found (not proven; no plan can cost less than")


def test_the_progress_bound_is_never_above_the_best_found() -> None:
    """The bound a round of the search reports holds for the sets not searched yet; the best plan found costs no
    less than what no plan can cost less than, so the progress shows the lower of the two."""
    shown: list[Status] = []
    search = setup(scenario([traffic("8.333333")], months=3), SHEET, progress=shown.append).search
    nothing = search.plan(())
    search.results.append(SetResult(frozenset(), nothing, True))
    search._shown = 0.0
    search.report(nothing.costs.cash + 1)
    assert (shown[-1].best, shown[-1].bound) == (Decimal("12.48"), Decimal("12.48"))
    search._shown = 0.0
    search.report(Decimal("10.25"))
    assert shown[-1].bound == Decimal("10.25")


# --- the saving is measured against the scenario as written ------------------------------------------------


@pytest.fixture(scope="module")
def trial_held() -> Comparison:
    """10,000 GPU-s a month = 100.00 yuan (B3 at 0.01 here) for 3 months, a new user already holding the 30-yuan
    trial: as written, 70 + 100 + 100 = 270.00; everything postpaid, 300.00. With the starter bundle (59 for 200)
    and one compute-50 (45): 104 upfront, and of the 270 left the bundle takes 200 and the pack 50: 20.00
    postpaid, 124.00 cash."""
    held = (Holding("trial", START, 1, None, "", 0),)
    return compare(scenario([shared(10_000)], new_user=True, holdings=held), SHEET)


def test_the_saving_is_against_the_reference_plan_not_everything_postpaid(trial_held: Comparison) -> None:
    c = trial_held
    assert c.baseline.costs.cash == Decimal("270.00") and c.postpaid_only == Decimal("300.00")
    best = c.plans[0]
    assert {a.offer: a.count for a in best.actions} == {"starter": 1, "compute-50": 1}
    assert best.costs.cash == Decimal("124.00")
    assert c.saving(best) == Decimal("146.00")  # 270.00 - 124.00, not 300.00 - 124.00
    assert c.saving(c.baseline) == 0
    assert "146.00 less than the scenario as written (270.00); everything postpaid: 300.00" in recommendation(c)


# --- --only an offer that does not pay ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def only_a_pack_that_does_not_pay() -> Comparison:
    """300 GPU-s a month (3.00 yuan) for 3 months, 9.00 postpaid: a compute-50 at 45 absorbs the 9.00 and costs 45,
    so with --only compute-50 the cheapest plan is still nothing more, and the best with the pack costs 45.00,
    36.00 more."""
    return compare(scenario([shared(300)]), SHEET, only=["compute-50"])


def test_only_an_offer_that_does_not_pay_shows_the_best_plan_with_it(
    only_a_pack_that_does_not_pay: Comparison,
) -> None:
    c = only_a_pack_that_does_not_pay
    assert [p.actions for p in c.plans] == [()]
    assert [(o, p.actions) for o, p in c.with_only] == [("compute-50", (Action("compute-50", START),))]
    (_, with_it), *_ = c.with_only
    assert (with_it.costs.upfront, with_it.costs.postpaid_due, with_it.costs.cash) == (45, 0, Decimal("45.00"))
    assert c.saving(with_it) == Decimal("-36.00")
    assert plan_rows(c)[-1] == ("with", with_it)
    assert recommendation(c).endswith(
        "compute-50 does not pay here: the best plan with it costs 45.00 yuan out of pocket, 36.00 more than the "
        "scenario as written."
    )


def test_only_offers_that_pay_leave_no_with_row() -> None:
    c = compare(scenario([traffic("8.333333")], months=3), SHEET, only=["traffic-10"])
    assert c.plans[0].actions == (Action("traffic-10", START, 2),) and c.with_only == ()


def test_a_fifty_offer_sheet_stopped_at_once_proves_a_free_first_plan() -> None:
    """A new user's 1,000 GPU-s (10.00 yuan, B3 at 0.01 here) in one month, all taken by the 30-yuan trial (B8),
    on a sheet of 50 offers, 49 of them compute packs that could each take part: with no time at all the search
    stops before any round, its bound is 0.00, and the plan found costs 0.00, so it is proven cheapest."""
    packs = "".join(
        f"  compute-{n}:\n    {{name: compute {n}, stage: pack, price: {n - 1}, validity_months: 12, limit: stackable,"
        f" grants: [{{amount: {n}, covers: [compute]}}], source: test}}\n"
        for n in range(2, 51)
    )
    trial = (
        "  trial:\n    {name: trial, stage: free_trial, price: 0, validity_months: 1, eligible: [new_user],"
        " limit: once_per_user, grants: [{amount: 30, covers: [compute]}], source: B8}\n"
    )
    sheet = make_sheet(
        trial + packs,
        shared_gpu="{price: 0.01, source: test}",
        dedicated="{specs: {small: {price: 10, source: test}}, source: test}",
        storage="{price: 0.30, days_per_month: 30, source: test}",
    )
    assert len(sheet.offers) == 50
    c = compare(scenario([shared(1_000)], months=1, new_user=True), sheet, limits=Limits(0.0, None))
    assert c.stopped == "time-limit" and not c.proven
    assert c.plans[0].actions == (Action("trial", START),) and c.plans[0].costs.cash == 0 == c.lower_bound
    assert c.first_proven and c.ranks_proven[0]
    assert recommendation(c).startswith("Proven cheapest (the later ranks are not proven): claim trial: 0.00 yuan")


def test_only_an_offer_that_pays_but_ranks_below_top_is_shown_with_its_saving() -> None:
    """40 GB stored for March and April at 0.30 per GB-month of 30 days (B6 here): 12.40 + 12.00 = 24.40 as
    written. storage-l (60 GB, 8.00) covers it all: 8.00. storage-s (30 GB, 5.00) leaves 10 GB, 3.10 + 3.00:
    11.10, 13.30 less than as written; one storage pack at a time (B16), so with --top 1 it is in no ranked plan."""
    s = scenario([StorageUsage("st", START, date(2100, 1, 1), Decimal(40))], months=2)
    c = compare(s, SHEET, only=["storage-s", "storage-l"], top=1)
    assert [p.actions for p in c.plans] == [(Action("storage-l", START),)]
    assert c.plans[0].costs.cash == Decimal("8.00") and c.baseline.costs.cash == Decimal("24.40")
    assert [(o, p.actions, p.costs.cash) for o, p in c.with_only] == [
        ("storage-s", (Action("storage-s", START),), Decimal("11.10"))
    ]
    assert recommendation(c).endswith(
        "storage-s is in no plan ranked: one with it costs 11.10 yuan out of pocket, 13.30 less than the scenario "
        "as written (a larger --top ranks it)."
    )


def test_an_only_offer_the_account_cannot_take_is_a_warning() -> None:
    """B11: the student voucher is a student's; --only naming it for an account that is not buys nothing, and says so
    (a warning, on stderr even with --quiet and in the JSON), rather than listing "nothing more" as if it did not
    pay. An offer that covers no billed usage keeps its note (idle), not this warning."""
    s = scenario([shared(1_000)], months=1, new_user=True)
    c = compare(s, SHEET, only=["voucher", "trial"])
    (warned,) = [n for n in c.notes if n.code == "warning.only-barred"]
    assert warned.level is Level.warning and warned.args["offers"] == ("voucher",)
    assert not [n for n in compare(s, SHEET, only=["trial"]).notes if n.code == "warning.only-barred"]
