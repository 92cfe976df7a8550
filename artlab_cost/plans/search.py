"""The search: the cheapest plans of each distinct set of offers, in the order of a bound no plan can beat.

Two levels share one relaxation (model.py, solved by session.py):

- sets of offers: a best-first tree over which offers a plan buys (sets.py) gives the set of
  offers with the least linear bound; that bound holds for every set not searched yet, so the
  rounds stop once it reaches the `top`-th plan.
- one set's counts and choices: branch and bound, a region being a range of each purchase column
  bounded by the linear relaxation over it. The region's optimum, rounded, is priced by the
  engine; a region is split on the column the optimum leaves fractional of the best pseudo-cost
  score (the bound's rise per unit of fraction its earlier splits showed: branching.py), or, when it
  is whole but the engine's cash is above the bound, around a column's value.

Over rounds of branch and cut, a set's regions are bounded over whole counts, split around their optimum
(model.around). A region whose bound is at or above what it would have to beat is closed. Every plan ranked is
priced by the engine. When time runs out, what is still open gives the lower bound.
"""

from __future__ import annotations

import heapq
import itertools
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from ..engine import Costs, Priced, costs, upfront_paid
from ..money import ZERO
from ..pricing import PriceSheet
from ..scenario import Scenario, overlaps
from .branching import PseudoCosts, split
from .model import around, purchases, rounded
from .plan import Limits, Plan, SetResult, Status, Stop, last_pack, shown_bound, undominated
from .session import Basis, Bound, Session
from .sets import Sets
from .space import Action, as_holdings

# The tree of sets (sets.py) serves a plan space of up to TREE_COLUMNS purchase columns (the faster on 25 to 81);
# past it, and once WASTED sets in a row came out below what they had to beat yet held no plan that did, the rest of
# the sets come from rounds of branch and cut (docs/plans.md, "Where the time goes", measured).
TREE_COLUMNS = 128
WASTED = 8


@dataclass(order=True)
class _Region:
    bound: Fraction
    seq: int
    lo: tuple[int, ...] = field(compare=False)
    hi: tuple[int, ...] = field(compare=False)
    point: tuple[float, ...] = field(compare=False)
    required: frozenset[str] = field(compare=False, default=frozenset())
    basis: Basis = field(compare=False, default=None)  # its optimum's, to solve its parts from
    whole: bool = field(compare=False, default=False)  # its point is its optimum over whole counts


def _least(limit: Fraction | None, best: Plan | None) -> Fraction | None:
    """What a region of a set must beat: the `top`-th plan's cash, and the set's best plan so far."""
    values = [x for x in (limit, best.costs.cash if best is not None else None) if x is not None]
    return min(values) if values else None


@dataclass
class Search:
    scenario: Scenario
    sheet: PriceSheet
    priced: Priced
    session: Session
    claims: tuple[Action, ...]  # free claims every plan takes (a claim never raises postpaid, B17)
    max_upfront: Fraction | None
    top: int
    slack: Fraction  # monthly rounding moves each month's bill by under a step (rounding_slack)
    limits: Limits = Limits()
    progress: Callable[[Status], None] | None = None
    memo: dict[tuple[Action, ...], Costs] = field(default_factory=dict)
    results: list[SetResult] = field(default_factory=list)
    open: list[Fraction] = field(default_factory=list)  # bounds of regions left open when the search stopped
    stopped: str = ""  # why it stopped early; "" when it finished
    unseen: Fraction = ZERO  # no set not yet searched has a plan below this (the last set's bound)
    started: float = field(default_factory=time.perf_counter)
    ceiling: Fraction | None = None  # only plans cheaper than this matter (a break-even search: the best without)
    repriced: tuple[str, Fraction] | None = None  # an offer priced otherwise than the sheet: (offer, price - listed)
    by_rounds: bool = False  # take the sets from rounds of branch and cut from the first, whatever the columns
    below_cap: bool = False  # only plans whose purchases cost less than max_upfront, not as much (breakeven.py)
    _seq: itertools.count = field(default_factory=itertools.count)  # type: ignore[type-arg]
    pseudo: PseudoCosts = field(default_factory=PseudoCosts)  # the splits' rises so far, to choose the next (branch)
    # listable() of each plan priced, by its purchases: it reads only the engine's run, which a price does not change
    _listable: dict[tuple[Action, ...], bool] = field(default_factory=dict)
    _shown: float = 0.0

    def run(self, actions: Iterable[Action], *, needed: bool = False) -> Costs:
        """The engine's costs of a plan; `needed`: for the result itself (the baseline), run past the limits."""
        key = tuple(sorted(actions))
        hit = self.memo.get(key)
        if hit is None:
            if not needed:
                self.check()
            extra = as_holdings(self.scenario, key)
            hit = self.memo[key] = costs(self.scenario.with_holdings(extra), self.sheet, self.priced)
            self.report()
        if self.repriced is not None:
            # the postpaid does not depend on what a pack cost, so cash is affine in its price: the same run, with
            # the plan's own copies (all bought in the period, so all upfront) at the other price
            offer, more = self.repriced
            extra_upfront = more * sum(a.count for a in key if a.offer == offer)
            hit = hit._replace(upfront=hit.upfront + extra_upfront, cash=hit.cash + extra_upfront)
        return hit

    def plan(self, actions: Iterable[Action], *, needed: bool = False) -> Plan:
        key = tuple(sorted(actions))
        return Plan(key, self.run(key, needed=needed))

    def held_upfront(self) -> Fraction:
        return upfront_paid(self.scenario, self.sheet)

    def actions(self, values: Sequence[int]) -> tuple[Action, ...]:
        """The purchases of a point of the variables (and the free claims)."""
        return tuple(sorted([*self.claims, *purchases(self.session.vars, values)]))

    def price(self, values: Sequence[int]) -> Plan | None:
        """The engine's plan at a point, or None when the rules forbid it (--max-upfront, B16 overlaps)."""
        extra = sum((v.price * n for v, n in zip(self.session.vars, values, strict=True)), ZERO)
        if self.max_upfront is not None and (extra >= self.max_upfront if self.below_cap else extra > self.max_upfront):
            return None
        actions = self.actions(values)
        if overlaps(self.scenario.holdings + as_holdings(self.scenario, actions), self.sheet):
            return None
        return self.plan(actions)

    def check(self) -> None:
        seconds, runs = self.limits
        if seconds is not None and time.perf_counter() - self.started > seconds:
            raise Stop("time-limit")
        if runs is not None and len(self.memo) >= runs:
            raise Stop("run-limit")

    def report(self, bound: Fraction | None = None) -> None:
        now = time.perf_counter()
        if self.progress is None or now - self._shown < 0.2:
            return
        self._shown = now
        best = min((r.plan.costs.cash for r in self.results if r.plan), default=None)
        self.progress(Status(now - self.started, len(self.memo), best, shown_bound(bound, best)))

    def bound(
        self,
        lo: Sequence[int],
        hi: Sequence[int],
        offers: frozenset[str],
        start: Basis = None,
        keep: Fraction | None = None,
    ) -> Bound | None:
        """The region's linear bound (Session.bound); none solved when the start's duals show it is `keep` at least."""
        self.check()
        return self.session.bound(lo, hi, offers, start, None if keep is None else self.as_value(keep))

    def cash_bound(self, found: Bound) -> Fraction:
        """The least cash of any plan in a region: its bound, the holdings' own upfront, less rounding."""
        return found.value + self.held_upfront() - self.slack

    def as_value(self, cash: Fraction) -> Fraction:  # the Bound.value whose cash_bound is `cash`, to cut a solve at
        return cash - self.held_upfront() + self.slack

    def threshold(self) -> Fraction | None:
        """What a set must beat to be kept: the cash of the `top`-th plan that would be listed, once there are `top`.

        Regions are taken in the order of their bounds, so when one is closed by this, every set whose
        cheapest plan costs less has been found, and with it every plan that could make one not listed."""
        plans = sorted(
            (r.plan for r in self.results if r.plan is not None and self.listable(r.plan)), key=Plan.rank_key
        )
        kept = undominated(plans)  # a plan that only adds to a cheaper one is not listed: it cannot count
        kth = kept[self.top - 1].costs.cash if len(kept) >= self.top else None
        return kth if self.ceiling is None else min(self.ceiling, kth if kth is not None else self.ceiling)

    def listable(self, plan: Plan) -> bool:
        """A plan whose last pack of some purchase absorbed nothing is never listed: without it, it costs less."""
        known = self._listable.get(plan.actions)
        if known is None:
            claims = self.claims
            known = all(last_pack(plan.costs, a, self.sheet)[0] for a in plan.actions if a not in claims)
            self._listable[plan.actions] = known
        return known

    def search(self) -> None:
        """Every set of offers, best bound first, until no set left can beat the `top`-th set found.

        Each round takes the set with the least bound among those not taken yet, so once that bound reaches the
        `top`-th listed plan's cash, the ranking is complete. The sets come from the tree of linear bounds
        (sets.py), cheap to solve; in a plan space of more than TREE_COLUMNS purchase columns, or once WASTED sets
        in a row held no plan below what they had to beat (sets the linear bound lets through and whole counts
        would not), they come from rounds of branch and cut over whole counts instead (Session.next_set), each
        set taken so far cut off by a no-good row. Either way a set's bound holds for every set not taken yet.

        For more than one plan over the tree of sets, `_in_one_queue` keeps every set's regions in one queue."""
        self.session.forget_sets()
        sets = Sets(self.session.offer_vars, self.set_bound, self.session.fixed)
        seen: list[frozenset[str]] = []
        rounds, wasted = self.by_rounds or len(self.session.vars) > TREE_COLUMNS, 0
        try:
            if self.top > 1 and not rounds:
                self._in_one_queue(sets)
                return
            while True:
                self.check()
                limit = self.threshold()
                cutoff = None if limit is None else self.as_value(limit)
                rounds = rounds or wasted >= WASTED
                if rounds:
                    found = self.session.next_set(seen, self.seconds_left(), cutoff)
                else:
                    found = sets.next(cutoff)
                if found is None:
                    return  # every set the rules allow has been seen
                bound, offers = found
                lower = self.cash_bound(bound)
                if limit is not None and lower >= limit:
                    return
                self.report(lower)
                if offers is None:  # the branch and cut stopped on time before it found a set
                    raise Stop("time-limit")
                self.unseen = lower
                seen.append(offers)
                whole = rounds and self.ceiling is None  # break-even searches keep linear bounds (docs/plans.md)
                result = self.best_of(self.root(lower, bound, offers, whole), limit, whole)
                self.results.append(result)
                beaten = limit is not None and (result.plan is None or result.plan.costs.cash >= limit)
                wasted = wasted + 1 if beaten else 0
        except Stop as stop:
            self.stopped = stop.reason
            left = None if rounds else sets.lowest()  # no set not taken yet has a bound below it, nor the last's
            self.open.append(self.unseen if left is None else max(self.unseen, self.cash_bound(Bound(left, ()))))

    def _in_one_queue(self, sets: Sets) -> None:
        """For `top` above 1: every set's regions in one queue, least bound first, a set taken from the tree when no
        region queued has a bound at or below that of the sets not taken yet, so a region above the `top`-th plan's
        cash is reached only once that many plans below it are priced. That cash can still rise (a set's best
        improves to a plan that only adds to another, and the set leaves the list), so nothing is dropped against
        it: a region is closed by its own set's best only, every set is taken whatever its bound, and the search
        stops when the least bound queued reaches the `top`-th plan's cash as it stands."""
        queue: list[_Region] = []
        index: dict[frozenset[str], int] = {}  # a set's offers -> its place in self.results
        more, r = True, None
        try:
            while True:
                self.check()
                limit = self.threshold()
                if more and (not queue or queue[0].bound > self.unseen):
                    found = sets.next()  # no cutoff: whenever a set is left, it comes with its offers
                    bound, offers = found if found is not None else (None, None)
                    if bound is None or offers is None:
                        more = False
                        continue
                    self.report(lower := self.cash_bound(bound))
                    self.unseen = lower
                    index[offers] = len(self.results)
                    self.results.append(SetResult(offers, None, True))
                    heapq.heappush(queue, self.root(lower, bound, offers))
                    continue
                if not queue or (limit is not None and queue[0].bound >= limit):
                    return
                r = heapq.heappop(queue)
                k = index[r.required]
                best = self.results[k].plan
                if best is None or r.bound < best.costs.cash:
                    best, point = self._priced(r, best, _least(limit, best))
                    self.results[k] = SetResult(r.required, best, True)
                    for child in self._children(r, point, None if best is None else best.costs.cash):
                        heapq.heappush(queue, child)
                r = None
        except Stop:
            unfinished = queue + ([r] if r is not None else [])  # the regions queued, and the one being worked on
            self.open += [left.bound for left in unfinished]
            for k in {index[left.required] for left in unfinished}:
                self.results[k] = self.results[k]._replace(proven=False)
            self.results[:] = [x for x in self.results if x.plan is not None or x.proven]
            raise

    def root(self, lower: Fraction, bound: Bound, offers: frozenset[str], whole: bool = False) -> _Region:
        """A set's first region: its offers' counts from their floor, with the set's bound and optimum (`whole`)."""
        hi = tuple(v.hi if v.offer in offers else 0 for v in self.session.vars)
        return _Region(lower, next(self._seq), self.floor(offers), hi, bound.point, offers, bound.basis, whole)

    def seconds_left(self) -> float | None:
        return None if self.limits.seconds is None else self.limits.seconds - (time.perf_counter() - self.started)

    def set_bound(self, inside: frozenset[str], outside: frozenset[str], start: Basis = None) -> Bound | None:
        """The bound of the plans that buy each offer of `inside` and none of `outside` (solved from `start`)."""
        hi = tuple(0 if v.offer in outside else v.hi for v in self.session.vars)
        return self.bound(self.floor(inside), hi, inside, start)

    def floor(self, inside: frozenset[str]) -> tuple[int, ...]:
        """The least value of each column in plans that buy each offer of `inside`: one pack of an offer bought in one
        column only (one slot, one option), so that the greedy rows of its grant are on from the start; else 0."""
        cols, upper = self.session.offer_vars, self.session.upper
        vars_ = self.session.vars
        return tuple(int(v.offer in inside and len(cols[v.offer]) == 1 and upper[j] >= 1) for j, v in enumerate(vars_))

    def best_of(self, region: _Region, limit: Fraction | None, whole: bool = False) -> SetResult:
        """The cheapest plan buying exactly the region's set of offers, below `limit` if one is."""
        offers = region.required
        best: Plan | None = None
        regions = [region]
        r = region
        try:
            while regions:
                r = heapq.heappop(regions)
                beat = _least(limit, best)
                if beat is not None and r.bound >= beat:
                    break
                if whole:
                    best, children = self._over_whole(r, best, beat)
                else:
                    best, point = self._priced(r, best, beat)
                    children = self._children(r, point, _least(limit, best))
                for child in children:
                    heapq.heappush(regions, child)
        except Stop:
            # what is left open: the regions queued, and the one being priced or split when the limit came
            self.open += [r.bound, *(left.bound for left in regions)]
            if best is not None:
                self.results.append(SetResult(offers, best, False))
            raise
        return SetResult(offers, best, True)

    def _priced(
        self, r: _Region, best: Plan | None, beat: Fraction | None
    ) -> tuple[Plan | None, tuple[int, ...] | None]:
        """A region's optimum rounded, and priced when it is whole and could beat `beat`: the set's best plan
        after it, and the rounded point."""
        point = rounded(self.session.vars, self.session.offer_vars, r.point, r.lo, r.hi, r.required)
        whole = all(abs(x - round(x)) <= 1e-6 for x in r.point)
        if point is not None and whole and self.could_beat(point, r.required, beat):
            found = self.price(point)
            if found is not None and (best is None or found.rank_key() < best.rank_key()):
                best = found
        return best, point

    def _over_whole(self, r: _Region, best: Plan | None, beat: Fraction | None) -> tuple[Plan | None, list[_Region]]:
        """A region bounded linearly, else over whole counts; its optimum priced, the rest left in parts (around)."""
        bound, point = r.bound, r.point
        if not (r.whole and all(a <= round(x) <= b for x, a, b in zip(point, r.lo, r.hi, strict=True))):
            linear = self.bound(r.lo, r.hi, r.required, r.basis)
            if linear is None or (beat is not None and self.cash_bound(linear) >= beat):
                return best, []
            cutoff = None if beat is None else self.as_value(beat)
            found = self.session.whole(r.lo, r.hi, r.required, self.seconds_left(), cutoff)
            bound = max(bound, self.cash_bound(found)) if found is not None else bound
            if found is None or (beat is not None and bound >= beat):
                return best, []
            if not self.session.found_plan():  # stopped on time before it found a plan in the region
                raise Stop("time-limit")
            point = found.point
        values = tuple(round(x) for x in point)
        if self.could_beat(values, r.required, beat):
            plan = self.price(values)
            if plan is not None and (best is None or plan.rank_key() < best.rank_key()):
                best = plan
        parts = [_Region(bound, next(self._seq), lo, hi, (), r.required) for lo, hi in around(r.lo, r.hi, values)]
        return best, parts

    def _children(self, r: _Region, point: tuple[int, ...] | None, keep: Fraction | None) -> list[_Region]:
        """A region's children whose bound is below `keep` (none when its own bound is not)."""
        if keep is not None and r.bound >= keep:
            return []
        return [child for child in self.branch(r, point, keep) if keep is None or child.bound < keep]

    def could_beat(self, point: tuple[int, ...], offers: frozenset[str], beat: Fraction | None) -> bool:
        """Whether a plan is worth pricing: the bound at that very point is below what it has to beat (a
        program solved in milliseconds spares an engine run of the whole period)."""
        if beat is None or self.actions(point) in self.memo:
            return True
        found = self.bound(point, point, offers)
        return found is not None and self.cash_bound(found) < beat

    def branch(self, region: _Region, point: tuple[int, ...] | None, keep: Fraction | None = None) -> list[_Region]:
        """Split a region: on its fractional column of best pseudo-cost (branching.py), else around its widest, where
        a part the region's duals bound at `keep` or above is not solved (what the split learns stays exact)."""
        vars_ = self.session.vars
        if (chosen := split(region.lo, region.hi, region.point, self.pseudo, lambda k: float(vars_[k].price))) is None:
            return []
        j, f, v, parts = chosen
        out: list[_Region] = []
        bounds: list[Fraction | None] = []
        for lo_j, hi_j in parts:
            lo = region.lo[:j] + (lo_j,) + region.lo[j + 1 :]
            hi = region.hi[:j] + (hi_j,) + region.hi[j + 1 :]
            if lo_j == v and hi_j == v and (v == region.lo[j] or j not in self.session.switched_cols):
                # the optimum holds x_j = v, under the same rows (no greedy row of j switched otherwise): it is this
                # part's optimum too, so its bound and point are the region's, with no program to solve
                out.append(_Region(region.bound, next(self._seq), lo, hi, region.point, region.required, region.basis))
                continue
            found = self.bound(lo, hi, region.required, region.basis, keep if v is not None else None)
            bounds.append(bound := None if found is None else self.cash_bound(found))
            if found is not None and bound is not None:
                out.append(_Region(bound, next(self._seq), lo, hi, found.point, region.required, found.basis))
        if v is None:
            self.pseudo.learn(j, f, region.bound, *bounds)
        return out
