"""The search against brute force on random small scenarios, and what it says when it stops early."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from helpers import examples
from hypothesis import given
from hypothesis import strategies as st
from plan_cases import (
    MONTHLY,
    SHEET,
    SLOTS,
    START,
    brute_force,
    listed,
    monthly_scenarios,
    scenario,
    sets_from,
    shared,
    slot_scenarios,
    small_scenarios,
    traffic,
)

from artlab_cost.calendar import add_months
from artlab_cost.engine import costs, price_usage
from artlab_cost.plans import Limits, Status, compare
from artlab_cost.plans.search import Search
from artlab_cost.plans.session import Session
from artlab_cost.scenario import Holding, Scenario, StorageUsage, TrafficUsage, Usage


@examples(8)
@given(small_scenarios(), st.sampled_from([1, 3, 10]), st.booleans())
def test_the_ranking_is_the_brute_force_ranking(s: Scenario, top: int, rounds: bool) -> None:
    """Every rank of the list, not only the first, costs what the brute-force list has in that place.

    With at most 6,000 GPU-s and 12 GB a month for 3 months, no plan needs more than 4 packs of one
    kind (compute-50: 180.00 / 50; traffic-10: 36 GB / 10), so brute force up to 4 covers the space."""
    with sets_from(rounds):
        result = compare(s, SHEET, top=top)
    expected = listed(brute_force(s, max_count=4))[:top]
    assert [p.costs.cash for p in result.plans] == [c.cash for c in expected]
    keys = [p.rank_key() for p in result.plans]
    assert keys == sorted(keys)
    again = compare(s, SHEET, top=top)
    assert [p.actions for p in again.plans] == [p.actions for p in result.plans]


@examples(6)
@given(monthly_scenarios(), st.sampled_from([1, 5]), st.booleans())
def test_monthly_packs_rank_as_brute_force_ranks_them(s: Scenario, top: int, rounds: bool) -> None:
    """Monthly quotas beside used-up quantities: every rank is the brute-force one (OSS 包月周期型 vs 总量递减型).

    With the monthly trial to claim, only the first rank is compared: brute force takes every free
    claim, while compare-plans also lists a plan without a claim it does not need at the same cash."""
    with sets_from(rounds):
        result = compare(s, MONTHLY, top=top)
    expected = listed(brute_force(s, max_count=3, sheet=MONTHLY))[:top]
    ranks = 1 if s.new_user else top
    assert [p.costs.cash for p in result.plans][:ranks] == [c.cash for c in expected][:ranks]


@examples(6)
@given(slot_scenarios(), st.sampled_from([1, 3]), st.booleans())
def test_packs_bought_again_each_month_rank_as_brute_force_ranks_them(s: Scenario, top: int, rounds: bool) -> None:
    """Multi-slot plans: a 1-month pack bought in each month, beside a 3-month one: each rank is brute force's."""
    with sets_from(rounds):
        result = compare(s, SLOTS, top=top)
    expected = listed(brute_force(s, max_count=3, sheet=SLOTS))[:top]
    ranks = 1 if s.new_user else top  # claims: see test_monthly_packs_rank_as_brute_force_ranks_them
    assert [p.costs.cash for p in result.plans][:ranks] == [c.cash for c in expected][:ranks]
    assert result.proven


def test_brute_force_agrees_on_a_mixed_case() -> None:
    s = scenario(
        [shared(9_000), traffic("14"), StorageUsage("st", START, date(2100, 1, 1), Decimal(45))],
        months=2,
        new_user=True,
        student=True,
    )
    best = min(c.cash for c in brute_force(s, max_count=3))  # 28 GB: 3 traffic packs; 180 yuan of compute
    assert compare(s, SHEET).plans[0].costs.cash == best


def test_a_region_is_split_into_parts_solved_from_its_own_basis(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each set's first region carries the basis of its leaf's optimum, and every part of a region that is solved
    starts from that region's own basis (its optimum's, or its parent's when it kept the parent's optimum): never
    from whatever region the solver met last."""
    splitting: list[Any] = []  # the region being split, while branch() solves its parts
    starts: list[tuple[Any, Any]] = []  # (the region's basis, the start its part was solved from)
    roots: list[Any] = []  # each set's first region's basis
    node_starts: list[Any] = []  # the start each node of the tree of sets was solved from
    bound, branch, root, set_bound = Session.bound, Search.branch, Search.root, Search.set_bound

    def recorded(
        self: Session, lo: Any, hi: Any, required: frozenset[str] = frozenset(), start: Any = None, *rest: Any
    ) -> Any:
        if splitting and splitting[-1] is not None:
            starts.append((splitting[-1].basis, start))
        elif splitting:
            node_starts[-1] = (node_starts[-1], start)  # what the node was given, and what the session got
        return bound(self, lo, hi, required, start, *rest)

    def node(self: Search, inside: Any, outside: Any, start: Any = None) -> Any:
        node_starts.append(start)
        splitting.append(None)  # not a region's part
        try:
            return set_bound(self, inside, outside, start)
        finally:
            splitting.pop()

    def split(self: Search, region: Any, point: Any, *rest: Any) -> Any:
        splitting.append(region)
        try:
            return branch(self, region, point, *rest)
        finally:
            splitting.pop()

    def first(self: Search, *args: Any) -> Any:
        region = root(self, *args)
        roots.append(region.basis)
        return region

    monkeypatch.setattr(Session, "bound", recorded)
    monkeypatch.setattr(Search, "branch", split)
    monkeypatch.setattr(Search, "root", first)
    monkeypatch.setattr(Search, "set_bound", node)
    s = scenario([shared(9_000), traffic("14")], months=2, new_user=True, student=True)
    compare(s, SHEET, top=3)
    assert len(roots) > 2 and all(basis is not None for basis in roots)
    assert len(starts) > 2
    assert all(start is not None and start is own for own, start in starts)
    # the root of the tree of sets from nothing; every other node from its parent's basis, passed on to HiGHS
    assert node_starts[0] == (None, None) and len(node_starts) > 2
    assert all(given is not None and got is given for given, got in node_starts[1:])


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


def test_a_set_whose_best_plan_leaves_the_list_leaves_the_ranks_below_it_searched() -> None:
    """The set {traffic-10, traffic-m} first finds one of each (7.62), then two monthly packs with the 10 GB one
    (7.50), which only adds to two monthly packs alone (4.62): the set leaves the list, and the cash the third
    rank must beat rises back. The regions and sets that the lower cash had closed (the empty set, 8.24, all
    postpaid) must still be searched: every rank is brute force's, over the tree of sets and over rounds."""
    usage: list[Usage] = [
        TrafficUsage(f"m{k}", add_months(START, k), add_months(START, k + 1), Decimal(gb), Decimal(idle))
        for k, (gb, idle) in enumerate([("7", "0.5"), ("9", "0"), ("3", "0.5")])
    ]
    s = scenario(usage, months=3)
    expected = listed(brute_force(s, max_count=3, sheet=MONTHLY))[:3]
    assert [c.cash for c in expected] == [Decimal("4.62"), Decimal("8.12"), Decimal("8.24")]
    for rounds in (False, True):
        with sets_from(rounds):
            result = compare(s, MONTHLY, top=3, within_a_fen=False)
        assert [p.costs.cash for p in result.plans] == [c.cash for c in expected] and result.proven


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


def test_a_search_stopped_early_says_what_it_has_not_proven() -> None:
    """Stopped after one engine run, the ranking is the best found: not proven, the ranks it could not prove
    marked, and the bound it gives is one the full search confirms (no plan costs less). A rank proven in its
    place is the full search's."""
    s = scenario([shared(9_000), traffic("14")], new_user=True, student=True)
    full = compare(s, SHEET)
    cut = compare(s, SHEET, limits=Limits(None, 1))
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


def test_equal_plans_are_broken_by_fewer_purchases_whatever_top_is() -> None:
    """A plan with one purchase ranks before an equally cheap plan with two, with --top 1 as with --top 10."""
    usage = [shared(10_000)]
    s = scenario(usage, months=1, new_user=True)
    keys = {top: compare(s, SHEET, top=top).plans[0].rank_key() for top in (1, 10)}
    assert keys[1] == keys[10]


@examples(12)
@given(small_scenarios(), st.integers(1, 6), st.booleans(), st.sampled_from([1, 10]))
def test_a_search_stopped_by_its_run_limit_never_claims_more_than_brute_force_allows(
    s: Scenario, runs: int, rounds: bool, top: int
) -> None:
    """Whatever the engine run it stops at, the lower bound a stopped search gives is at most the cheapest plan
    brute force finds, and a first plan it says is proven the cheapest is, for one plan and for ten."""
    with sets_from(rounds):
        cut = compare(s, SHEET, limits=Limits(None, runs), top=top)
    cheapest = listed(brute_force(s, max_count=4))[0].cash
    assert cut.lower_bound <= cheapest
    if cut.first_proven:
        assert cut.plans[0].costs.cash == cheapest
