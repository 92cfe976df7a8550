"""The plans across the cases of usage given as ranges, and how far a plan holds as usage grows or shrinks.

`across_cases` ranks the expected case as compare() does, proves the cheapest plan of the low and
the high case by the same search, prices every plan those searches rank in all three cases, and
names the plan whose worst regret (its cash less the cheapest plan's, in a case) is smallest.

`stays_cheapest` finds, for a listed plan, the range of a uniform scale k on the expected usage
over which it stays the cheapest plan: outward from 1x along a grid of steps (2x, 4x, 8x, 10x; 0.5x
... 0.1x) to the first where it is not, then by bisection to 1%, each probe a proven search of the
scaled scenario (docs/plans.md, "How far a plan holds").
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import NamedTuple

from ..engine import Costs, costs, price_usage
from ..messages import before_warnings, note
from ..pricing import PriceSheet
from ..scenario import Case, Scenario
from .comparison import Comparison, _relied_on, compare, setup
from .plan import Limits, Plan, Status
from .robustness import CASES, Holds, Robust
from .space import Action, as_holdings

# the scale k in hundredths, from 0.1x to 10x: the grid of steps walked outward from 1x before bisecting
ONE = 100
DOWN = (100, 50, 25, 12, 10)
UP = (100, 200, 400, 800, 1000)
NEAREST = (50, 200, 25, 400, 12, 800, 10, 1000)  # the steps other than 1x, nearest 1x first (by ratio)


class Options(NamedTuple):
    """What narrows every search of one comparison (compare()'s arguments but the scenario and sheet)."""

    only: Sequence[str] = ()
    exclude: Sequence[str] = ()
    max_upfront: Decimal | None = None
    top: int = 10
    exclude_assumed: bool = False


def _remaining(limit: float | None, started: float) -> float | None:
    return None if limit is None else max(limit - (time.perf_counter() - started), 0.0)


def across_cases(
    comparison: Comparison,
    scenario: Scenario,
    sheet: PriceSheet,
    options: Options,
    seconds: float | None,
    started: float,
    progress: Callable[[Status], None] | None = None,
) -> Comparison:
    """The comparison of the expected case with each plan priced at the ranges' ends and the robust plan named.

    The candidates for the robust plan are the plans each case's search ranks; a candidate that the
    expected ranking does not list is appended after it (its rank not proven in its place). A case with
    ranges of `idle_share` is the cheapest (low) or the dearest (high) of several scenarios (Scenario.variants),
    as `estimate` gives it: each is searched, and a plan's cash in the case is the least or the most of its
    cash in them."""
    sheet = sheet.with_specs(scenario.specs)
    variants = {c: scenario.variants(c) for c in CASES}
    by_case = {Case.expected: [comparison]}
    for case in (Case.low, Case.high):
        by_case[case] = [
            compare(
                v,
                sheet,
                *options[:4],
                exclude_assumed=options.exclude_assumed,
                limits=Limits(_remaining(seconds, started), None),
                progress=progress,
                within_a_fen=False,  # no row shows the low or high case's counts
            )
            for v in variants[case]
        ]
    priced = {(c, i): price_usage(v, sheet) for c in CASES for i, v in enumerate(variants[c])}

    # what the searches priced already: each ranked plan in the scenario searched, the baseline in the expected one
    each: dict[tuple[tuple[Action, ...], Case, int], Costs] = {
        (comparison.baseline.actions, Case.expected, 0): comparison.baseline.costs
    }
    each |= {(p.actions, c, i): p.costs for c in CASES for i, found in enumerate(by_case[c]) for p in found.plans}

    def run_in(actions: tuple[Action, ...], case: Case, i: int) -> Costs:
        """A plan's costs in one scenario of a case, by the engine (once)."""
        if (actions, case, i) not in each:
            v = variants[case][i]
            each[actions, case, i] = costs(v.with_holdings(as_holdings(v, actions)), sheet, priced[case, i])
        return each[actions, case, i]

    runs: dict[tuple[tuple[Action, ...], Case], Costs] = {}

    def run(actions: tuple[Action, ...], case: Case) -> Costs:
        """A plan's costs in a case: in its one scenario, else the cheapest (low) or dearest (high) of them."""
        if (actions, case) not in runs:
            found = [run_in(actions, case, i) for i in range(len(variants[case]))]
            runs[actions, case] = (max if case is Case.high else min)(found, key=_cash)  # the first of equals
        return runs[actions, case]

    listed = list(comparison.plans)
    shown = {p.actions for p in listed}
    candidates = {p.actions for c in CASES for found in by_case[c] for p in found.plans}
    firsts = [found.plans[0].actions for c in CASES for found in by_case[c]]
    for a, c, _ in list(each):
        if len(variants[c]) == 1 and a in candidates:
            run(a, c)  # already priced in the case's one scenario
    # the least cash of each case: its searches' first plans, the cheapest of all when proven (the least of the low
    # case's scenarios' cheapest; in the high case the dearest of a plan's scenarios is at least its cheapest's)
    least = {c: min(run(a, c).cash for a in firsts) for c in CASES}
    # priced in every case: the listed plans and the baseline (their rows show each case) and each search's cheapest
    whole = [*shown, comparison.baseline.actions, *firsts]
    cash = {a: {c: run(a, c).cash for c in CASES} for a in whole}

    def worst(actions: tuple[Action, ...]) -> Fraction:
        return max(cash[actions][c] - least[c] for c in CASES)

    def known_worst(actions: tuple[Action, ...]) -> Fraction:
        """At most its worst regret: the largest of its regrets known so far, in the cases it is priced in, and in the
        high case from the dearest of the scenarios it is priced in (the case's cash is at least that)."""
        known = [r.cash - least[c] for (a, c), r in runs.items() if a == actions]
        known += [r.cash - least[c] for (a, c, _), r in each.items() if a == actions and c is Case.high]
        return max(known)

    # another case's plan is priced in the other cases only while what is known of its worst regret is below the
    # best found: the robust plan is the same as when every candidate is priced in every case
    best = min(worst(a) for a in {*shown, *cash} if a in candidates)
    for a in sorted(candidates - cash.keys(), key=lambda a: (known_worst(a), a)):
        if known_worst(a) > best:  # an equal one may still win the tie, by its place
            break
        cash[a] = {c: run(a, c).cash for c in CASES}
        best = min(best, worst(a))
    rest = sorted((a for a in cash if a in candidates and a not in shown), key=lambda a: (cash[a][Case.expected], a))
    order = [p.actions for p in listed] + rest
    robust = min(order, key=lambda a: (worst(a), order.index(a)))
    ends = {c: min((a for a in order if cash[a][c] == least[c]), key=order.index) for c in CASES}
    extra = tuple(
        Plan(a, run(a, Case.expected)) for a in order if a not in shown and (a == robust or a in ends.values())
    )
    extra = tuple(sorted(extra, key=Plan.rank_key))
    assumed = dict(comparison.assumed_by)
    for plan in extra:
        assumed[plan.actions] = _relied_on(scenario, sheet, priced[Case.expected, 0], plan)
    plans = comparison.plans + extra
    ranks = {p.actions: i for i, p in enumerate(plans, 1)}
    cheapest = {c: ranks[a] for c, a in ends.items()}
    # the high case's least is proven when it is what no plan can beat: the dearest of its scenarios' cheapest
    high_proven = least[Case.high] == max(found.plans[0].costs.cash for found in by_case[Case.high])
    proven = all(found.proven for c in CASES for found in by_case[c]) and high_proven
    result = Robust(
        cash=MappingProxyType({a: MappingProxyType(v) for a, v in cash.items()}),
        least=MappingProxyType(least),
        cheapest=MappingProxyType(cheapest),
        robust=ranks[robust],
        proven=proven,
    )
    notes = [note("plans.robust-cases")]
    if not proven:
        notes.append(note("plans.cases-unproven"))
    return comparison._replace(
        plans=plans,
        ranks_proven=comparison.ranks_proven + (False,) * len(extra),  # outside the ranking: not proven in place
        ranges=comparison.ranges + ({},) * len(extra),
        assumed_by=MappingProxyType(assumed),
        robust=result,
        notes=before_warnings(comparison.notes, notes),
    )


def _cash(costs: Costs) -> Fraction:
    return costs.cash


def offers_of(plan: Plan, free: frozenset[str]) -> frozenset[str]:
    """A plan as the search knows it: the set of offers it buys (its free claims are every plan's)."""
    return frozenset(a.offer for a in plan.actions if a.offer not in free)


class _Probe(NamedTuple):
    least: Fraction | None  # the cheapest cash of any plan at this scale
    sets: Mapping[frozenset[str], Fraction]  # the cheapest cash found of each set of offers the search met
    proven: bool


def stays_cheapest(
    comparison: Comparison,
    scenario: Scenario,
    sheet: PriceSheet,
    options: Options,
    seconds: float | None,
    started: float,
    progress: Callable[[Status], None] | None = None,
) -> Comparison:
    """The comparison with how far its first plan (and its robust plan, when another) stays the cheapest."""
    expected = scenario.case(Case.expected)
    probes: dict[int, _Probe] = {}

    def probe(k: int) -> _Probe:
        if k not in probes and _remaining(seconds, started) == 0:  # no time left to make its relaxation: unknown
            probes[k] = _Probe(None, MappingProxyType({}), False)
        if k not in probes:
            limits = Limits(seconds, None)  # from `started`, the call of the whole comparison
            found = setup(expected.scaled(Decimal(k) / ONE), sheet, *options[:3], top=1,
                          exclude_assumed=options.exclude_assumed, limits=limits, progress=progress,
                          started=started).search  # fmt: skip
            if not found.stopped:  # (stopped already: out of time before its relaxation was made)
                found.search()
            sets = {r.offers: r.plan.costs.cash for r in found.results if r.plan is not None}
            probes[k] = _Probe(min(sets.values(), default=None), MappingProxyType(sets), not found.stopped)
        return probes[k]

    def cheapest(offers: frozenset[str], k: int) -> bool:
        p = probe(k)
        return p.least is not None and p.sets.get(offers) == p.least

    def edge(offers: frozenset[str], inside: int, outside: int) -> int:
        """The last scale from `inside` (the plan the cheapest) towards `outside` (not) at which it is the cheapest."""
        while abs(outside - inside) > 1:
            mid = (inside + outside) // 2
            inside, outside = (mid, outside) if cheapest(offers, mid) else (inside, mid)
        return inside

    def walk(offers: frozenset[str], steps: Sequence[int]) -> int | None:
        """From the first of `steps` (the plan the cheapest) outward along them: the last scale at which it is still
        the cheapest before the first step where it is not, to 1%; None when it is at every step."""
        for inside, outside in itertools.pairwise(steps):
            if not cheapest(offers, outside):
                return edge(offers, inside, outside)
        return None

    first = offers_of(comparison.plans[0], comparison.free)

    def all_proven() -> bool:
        return all(p.proven for p in probes.values())

    def region(plan: Plan) -> Holds | None:
        """The plan's scales, taken as one run of them: around 1x when it is the cheapest there, else around the
        step of the grid nearest 1x at which it is; None when it is at no step."""
        offers = offers_of(plan, comparison.free)
        rank = comparison.plans.index(plan) + 1
        # the cheapest at 1x, as the ranking proved: the first plan's set, or a plan that costs as little
        if offers == first or plan.costs.cash == comparison.plans[0].costs.cash:
            low, high = walk(offers, DOWN), walk(offers, UP)
            return Holds(rank, low, high, all_proven())
        found = next((k for k in NEAREST if cheapest(offers, k)), None)
        if found is None:
            return None
        side = DOWN if found < ONE else UP
        at = side.index(found)
        outer = walk(offers, side[at:])  # away from 1x, as for the first plan
        inner = edge(offers, found, side[at - 1])  # towards 1x: the step before, nearer 1x, was not the cheapest
        low, high = (outer, inner) if side is DOWN else (inner, outer)
        return Holds(rank, low, high, all_proven())

    ranks = [1]
    robust = comparison.robust
    if robust is not None and robust.robust != 1:
        ranks.append(robust.robust)
    out, nowhere = [], []
    for rank in ranks:
        found = region(comparison.plans[rank - 1])
        if found is None:
            nowhere.append(rank)
        else:
            out.append(found)
    notes = [note("plans.holds-nowhere", rank=rank) for rank in nowhere]
    if not all(h.proven for h in out):
        notes.append(note("plans.holds-unproven"))
    return comparison._replace(holds=tuple(out), notes=before_warnings(comparison.notes, notes))
