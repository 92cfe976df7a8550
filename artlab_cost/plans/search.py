"""The exhaustive search over a plan space: depth first, skipping what the bounds prove cannot rank."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any

from ..engine import Costs, Priced, costs, upfront_paid
from ..money import ZERO, q
from ..pricing import PriceSheet
from ..scenario import Scenario, overlaps
from .bounds import UNREACHABLE, count_range_bound, generous, last_pack, min_completion
from .space import Action, Decision, as_holdings

RUN_BUDGET = 2500  # engine runs before the search stops and says its ranking is not proven


class OutOfRuns(Exception):
    pass


@dataclass(frozen=True)
class Plan:
    actions: tuple[Action, ...]  # sorted
    costs: Costs

    @property
    def purchases(self) -> int:
        return sum(a.count for a in self.actions)

    def rank_key(self) -> tuple[Fraction, int, Fraction, tuple[Action, ...]]:
        # Cheapest out of pocket first; ties: fewer purchases, then lower upfront, then the actions themselves.
        return (self.costs.cash, self.purchases, self.costs.upfront, self.actions)


class _Reversed:
    """A key that sorts backwards, so the heap of kept plans drops the worst tie first."""

    __slots__ = ("key",)

    def __init__(self, key: Any) -> None:
        self.key = key

    def __lt__(self, other: _Reversed) -> bool:
        return bool(self.key > other.key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and self.key == other.key


def contains(big: Sequence[Action], small: Sequence[Action]) -> bool:
    """Whether a plan of `big` buys everything a plan of `small` buys (and maybe more)."""
    have = {(a.offer, a.date): a.count for a in big}
    return all(have.get((a.offer, a.date), 0) >= a.count for a in small)


def dominates(better: Plan, other: Plan) -> bool:
    return (
        better.actions != other.actions
        and contains(other.actions, better.actions)
        and better.costs.cash <= other.costs.cash
    )


def undominated(plans: list[Plan]) -> list[Plan]:
    """Drop a plan that only adds to a plan ranked above it and costs no less."""
    out: list[Plan] = []
    for plan in plans:
        if not any(dominates(p, plan) for p in out):
            out.append(plan)
    return out


@dataclass
class Search:
    scenario: Scenario
    sheet: PriceSheet
    priced: Priced
    max_upfront: Fraction | None
    top: int
    slack: Fraction  # monthly rounding moves each month's bill by under a step (bounds.rounding_slack)
    base: tuple[Action, ...] = ()  # free claims every plan of the first phase includes
    memo: dict[tuple[Action, ...], Costs] = field(default_factory=dict)
    kept: list[tuple[tuple[Fraction, int, Fraction, _Reversed], int, Plan]] = field(default_factory=list)
    ties: list[Plan] = field(default_factory=list)  # every plan found at the lowest cash so far
    seen: set[tuple[Action, ...]] = field(default_factory=set)  # plans run in full
    budget: int | None = RUN_BUDGET  # engine runs the search may make; None once it is over

    def run(self, actions: Iterable[Action]) -> Costs:
        key = tuple(sorted(actions))
        hit = self.memo.get(key)
        if hit is None:
            if self.budget is not None and len(self.memo) >= self.budget:
                raise OutOfRuns
            extra = as_holdings(self.scenario, key)
            hit = self.memo[key] = costs(self.scenario.with_holdings(extra), self.sheet, self.priced)
        return hit

    def plan(self, actions: Iterable[Action]) -> Plan:
        key = tuple(sorted(actions))
        return Plan(key, self.run(key))

    @cached_property
    def held_upfront(self) -> Fraction:
        """What the scenario's own holdings bought in the period cost: the same for every plan."""
        return upfront_paid(self.scenario, self.sheet)

    def upfront(self, actions: Iterable[Action]) -> Fraction:
        """What a plan pays upfront in the period: the holdings bought in it and the plan's purchases."""
        return self.held_upfront + self.extra(actions)

    def extra(self, actions: Iterable[Action]) -> Fraction:
        """What the plan's own purchases cost: what --max-upfront caps."""
        return sum((q(self.sheet.offers[a.offer].price) * a.count for a in actions), ZERO)

    def too_dear(self, actions: Iterable[Action]) -> bool:
        return self.max_upfront is not None and self.extra(actions) > self.max_upfront

    def bound(self) -> Fraction | None:
        """The cash of the worst plan kept, once `top` are kept: a plan must beat it to be kept."""
        return -self.kept[0][0][0] if len(self.kept) >= self.top else None

    def over(self, lower: Fraction) -> bool:
        bound = self.bound()
        return bound is not None and lower > bound

    def keep(self, plan: Plan) -> None:
        """Keep a plan among the best `top`, unless a kept plan it only adds to costs no more.

        Plans at the lowest cash are all remembered apart (`ties`), whatever `top` is: which of
        them needs the fewest purchases is known only once their claims are trimmed.
        """
        if not self.ties or plan.costs.cash < self.ties[0].costs.cash:
            self.ties = [plan]
        elif plan.costs.cash == self.ties[0].costs.cash:
            self.ties.append(plan)
        if any(contains(plan.actions, q.actions) and q.costs.cash <= plan.costs.cash for _, _, q in self.kept):
            return
        kept = [item for item in self.kept if not dominates(plan, item[2])]
        if len(kept) != len(self.kept):
            self.kept = kept
            heapq.heapify(self.kept)
        cash, purchases, upfront, actions = plan.rank_key()
        item = ((-cash, -purchases, -upfront, _Reversed(actions)), id(plan), plan)
        if len(self.kept) < self.top:
            heapq.heappush(self.kept, item)
        elif item[0] > self.kept[0][0]:
            heapq.heapreplace(self.kept, item)

    def leaf(self, actions: tuple[Action, ...]) -> Costs | None:
        if overlaps(self.scenario.holdings + as_holdings(self.scenario, actions), self.sheet):
            return None
        self.seen.add(tuple(sorted(actions)))
        result = self.run(actions)
        # A paid action whose last pack absorbed nothing: the plan without it is cheaper.
        if all(last_pack(result, a, self.sheet)[0] for a in actions if a not in self.base):
            self.keep(Plan(tuple(sorted(actions)), result))
        return result

    def relaxed_bound(self, chosen: tuple[Action, ...], rest: Sequence[Decision]) -> Fraction:
        """No completion of `chosen` costs less: entitlements added never raise postpaid (the waterfall
        is monotone), what is still to choose costs at least nothing upfront, and rounding is in the slack."""
        return self.upfront(chosen) + self.run(chosen + generous(rest)).postpaid_exact - self.slack

    def search(
        self, fixed: list[Decision], counts: list[Decision], i: int = 0, chosen: tuple[Action, ...] = ()
    ) -> None:
        """Depth first over the non-count decisions, then over the counts."""
        if i == len(fixed):
            self.search_counts(counts, chosen)
            return
        for choice in fixed[i].choices:
            actions = chosen + choice
            if self.too_dear(actions):
                continue
            if self.bound() is not None and self.over(self.relaxed_bound(actions, fixed[i + 1 :] + counts)):
                continue
            self.search(fixed, counts, i + 1, actions)

    def search_counts(self, counts: list[Decision], chosen: tuple[Action, ...]) -> None:
        if not counts:
            self.leaf(chosen)
            return
        if len(counts) == 1:
            self.last_count(counts[0], chosen)
            return
        # curves[i][n]: postpaid with count i at its n-th choice and every other count at its largest.
        # Any completion's postpaid is at least the largest of its counts' curve values (monotone).
        curves = []
        for i, var in enumerate(counts):
            others = generous(counts[:i] + counts[i + 1 :])
            curves.append([self.run(chosen + choice + others).postpaid_exact for choice in var.choices])
        self._counts(counts, curves, chosen, [], 0)

    def _counts(
        self,
        counts: list[Decision],
        curves: list[list[Fraction]],
        chosen: tuple[Action, ...],
        picked: list[int],
        depth: int,
    ) -> None:
        var = counts[depth]
        innermost_open = False
        for n, choice in enumerate(var.choices):
            actions = chosen + choice
            if self.too_dear(actions):
                break  # counts only grow from here
            if self.bound() is not None:
                lower = self.upfront(actions) + min_completion(counts, curves, picked + [n]) - self.slack
                if self.over(lower):
                    continue
            if depth < len(counts) - 1:
                self._counts(counts, curves, actions, picked + [n], depth + 1)
            else:
                innermost_open = True
        if innermost_open:  # the innermost count is searched as a whole, with its own bounds
            self.last_count(var, chosen)

    def last_count(self, var: Decision, chosen: tuple[Action, ...]) -> None:
        """Every count of the innermost pack that could rank among the kept plans, the others fixed.

        Tries the smallest and the largest count and halves the range between; a range whose
        bound (bounds.count_range_bound) is above the kept plans is skipped. Counts past one whose
        last pack is left unused are skipped too, since one more pack there absorbs nothing.
        """
        top = len(var.choices) - 1
        while top and self.too_dear(chosen + var.choices[top]):
            top -= 1
        tried: dict[int, Fraction] = {}

        def attempt(n: int) -> None:
            nonlocal top
            actions = chosen + var.choices[n]
            result = self.leaf(actions)
            if result is None:
                tried[n] = UNREACHABLE
                return
            tried[n] = self.upfront(actions) + result.postpaid_exact
            if n and last_pack(result, var.choices[n][0], self.sheet)[1]:
                top = min(top, n)

        attempt(0)
        if top:
            attempt(top)
        ranges = [(0, top)]
        while ranges:
            a, b = ranges.pop()
            b = min(b, top)
            if b - a <= 1:
                continue
            if b not in tried:
                attempt(b)
                ranges.append((a, b))
                continue
            if self.bound() is not None:
                lower = count_range_bound(a, b, tried, var.value, var.shift, var.price)
                if self.over(lower - self.slack):
                    continue
            mid = (a + b) // 2
            attempt(mid)
            ranges += [(a, mid), (mid, b)]


def descend(search: Search, variables: list[Decision], base: tuple[Action, ...]) -> None:
    """A good plan to start from, by improving one decision at a time (a few rounds).

    Nothing here is needed for the result to be right: it only gives the search a low bound
    early, so that the branches it then skips are many. Large counts are stepped through by
    halving steps rather than one by one.
    """
    pick = [0] * len(variables)

    def cash() -> Fraction:
        chosen = base + tuple(a for var, n in zip(variables, pick, strict=True) for a in var.choices[n])
        if search.too_dear(chosen):
            return UNREACHABLE
        result = search.leaf(chosen)
        return result.cash if result is not None else UNREACHABLE

    best = cash()
    for _ in range(3):
        moved = False
        for i, var in enumerate(variables):
            size = len(var.choices)
            steps = [1] if size <= 8 else [max(1, size // 2**k) for k in range(1, 12)]
            for step in dict.fromkeys(steps):
                for n in range(size) if size <= 8 else (pick[i] - step, pick[i] + step):
                    if not 0 <= n < size or n == pick[i]:
                        continue
                    old, pick[i] = pick[i], n
                    value = cash()
                    if value < best:
                        best, moved = value, True
                    else:
                        pick[i] = old
        if not moved:
            break


def fewest_claims(search: Search, plan: Plan, claims: list[Action]) -> Plan:
    """The same plan with the fewest free claims that keep its cash (and then the least upfront, actions)."""
    paid = tuple(a for a in plan.actions if a not in claims)
    held = [a for a in plan.actions if a in claims]
    for size in range(len(held) + 1):
        found = []
        for subset in itertools.combinations(held, size):
            candidate = search.plan(paid + subset)
            if candidate.costs.cash == plan.costs.cash:
                found.append(candidate)
        if found:
            return min(found, key=Plan.rank_key)
    return plan
