"""The sets of offers a plan may buy, one at a time in the order of their bounds: a best-first tree over which
offers a plan buys, each node bounded by the linear relaxation (session.py).

A node fixes some offers in (its plans buy each at least once) and some out (they buy none); the others
are free. Its bound is the relaxation's optimum over that region, a lower bound on every plan of every set
in it. A child starts with its parent's bound and is solved only when it comes first, so a part of the
tree that can never beat the search's cutoff is never solved. A node comes out of the heap as:

- unsolved: solved, and put back with its own bound (or dropped: no plan of the purchase rules is in it);
- a leaf (no offer free): the next set, with its bound;
- an optimum that buys a free offer in part (a fraction of a pack): split in two on that offer, in and out;
- an optimum that buys each free offer wholly or not at all, naming a set T: T becomes a leaf with the
  same bound and optimum (the optimum lies in T's region, which lies in the node's), and the rest of the
  node is split into one child per free offer f_i: the sets that agree with T on f_1 ... f_(i-1) and
  differ on f_i.

The children of a node partition its sets, so each set comes out once; the heap gives the least bound
first, so the bound of a set that comes out holds for every set that has not.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from .session import Basis, Bound

# (offers in, offers out, the basis to start from: the parent's, or None) -> the region's bound
Solve = Callable[[frozenset[str], frozenset[str], Basis], Bound | None]
FLOOR = Fraction(-(10**18))  # the root's bound before it is solved: below any
PART = 1e-6  # a column sum within this of 0 or 1 (of a pack) is taken as whole: the solver's tolerance


@dataclass(order=True)
class _Node:
    bound: Fraction
    seq: int
    inside: frozenset[str] = field(compare=False)
    outside: frozenset[str] = field(compare=False)
    found: Bound | None = field(compare=False, default=None)  # None: not solved yet
    start: Basis = field(compare=False, default=None)  # the solver basis to solve it from: its parent's optimum


class Sets:
    """The sets of `offers` (those `fixed` True in every set, those False in none), least bound first."""

    def __init__(
        self,
        offers: Mapping[str, list[int]],
        solve: Solve,
        fixed: Mapping[str, bool],
    ) -> None:
        self.offer_vars = offers  # offer -> its purchase columns
        self.solve = solve
        self._seq = itertools.count()
        inside = frozenset(o for o, bought in fixed.items() if bought and o in offers)
        outside = frozenset(o for o, bought in fixed.items() if not bought and o in offers)
        self.heap = [_Node(FLOOR, next(self._seq), inside, outside)]

    def lowest(self) -> Fraction | None:
        """No set that has not come out has a bound below this; None when every set has."""
        return self.heap[0].bound if self.heap else None

    def next(self, cutoff: Fraction | None = None) -> tuple[Bound, frozenset[str] | None] | None:
        """The set of least bound not out yet, with its bound; None when every set is out. With a cutoff, as soon as
        no set left has a bound below it: that bound (the least left) and no set."""
        heap = self.heap
        while heap:
            node = heap[0]
            if cutoff is not None and node.bound >= cutoff:
                return Bound(node.bound, ()), None
            heapq.heappop(heap)
            if node.found is None:
                try:
                    found = self.solve(node.inside, node.outside, node.start)
                except BaseException:  # a limit reached (or worse): the node stays, so lowest() holds for what is left
                    heapq.heappush(heap, node)
                    raise
                if found is not None:
                    self._push(max(found.value, node.bound), node.inside, node.outside, found)
                continue
            free = sorted(set(self.offer_vars) - node.inside - node.outside)
            if not free:
                return Bound(node.bound, node.found.point, node.found.basis), node.inside
            point, start = node.found.point, node.found.basis
            bought = {o: sum(point[j] for j in self.offer_vars[o]) for o in free}
            part = [o for o in free if PART < bought[o] < 1 - PART]
            if part:
                f = max(part, key=lambda o: (min(bought[o], 1 - bought[o]), o))
                self._push(node.bound, node.inside | {f}, node.outside, start=start)
                self._push(node.bound, node.inside, node.outside | {f}, start=start)
                continue
            taken = frozenset(o for o in free if bought[o] >= 1 - PART)
            self._push(node.bound, node.inside | taken, node.outside | (set(free) - taken), node.found)
            for i, f in enumerate(free):
                before = free[:i]
                inside = node.inside | taken.intersection(before)
                outside = node.outside | (set(before) - taken)
                if f in taken:
                    self._push(node.bound, inside, outside | {f}, start=start)
                else:
                    self._push(node.bound, inside | {f}, outside, start=start)
        return None

    def _push(
        self,
        bound: Fraction,
        inside: frozenset[str],
        outside: set[str] | frozenset[str],
        found: Bound | None = None,
        start: Basis = None,
    ) -> None:
        heapq.heappush(self.heap, _Node(bound, next(self._seq), inside, frozenset(outside), found, start))
