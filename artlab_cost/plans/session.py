"""The solver session: the relaxation (model.py) in HiGHS, solved again for each region of the search.

One HiGHS instance holds the program over real numbers and solves it for each region: the region's
linear bound, solved from the basis of the optimum it was split from (kept with each bound), else
from the last one. A region is a range of each purchase column and the offers it must
buy; the greedy-order rows whose grant is bought (model.Switched) are switched on where the range
holds at least one pack. A second instance, made when a search first asks for it, holds the same
program over whole counts and choices: HiGHS's branch and cut gives the set of offers of least
whole-count bound among those not seen yet, each seen set cut off by a no-good row (next_set).

A linear bound is computed from the solver's dual values by weak duality, with a margin for
floating-point error, so it is a valid lower bound whatever the solver's tolerances; a whole-count
bound is HiGHS's dual bound less a margin.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import Any, NamedTuple

from .highs import branch_and_cut, linear
from .model import Model, Var


class Start(NamedTuple):
    """An optimum, for a region inside its own: its basis, to solve from, and its row duals, to bound with."""

    basis: Any  # a HiGHS basis (highspy.HighsBasis): the status of each column and row at the optimum
    duals: Any  # each row's dual value (a numpy array): any multipliers give a weak-duality bound


Basis = Start | None
MARGIN = 1e-9  # relative margin on the dual bound for floating-point error (computations are ~1e-15)


@dataclass(frozen=True)
class Bound:
    """A region's lower bound on upfront (the plan's own purchases) plus exact postpaid, and the solver's point."""

    value: Fraction
    point: tuple[float, ...]  # each purchase column's value at the optimum
    basis: Basis = None  # the optimum, to solve or bound a region inside this one from (None: none kept)


class Session:
    """The relaxation of one scenario's plans in HiGHS, with the region it is set to."""

    def __init__(self, model: Model) -> None:
        import highspy
        import numpy as np

        self.np, self.highspy = np, highspy
        self.model = model
        self.vars, self.offer_vars, self.uses = model.vars, model.offer_vars, model.uses
        self.constant = model.constant
        self.lp = linear()
        a = model.program.to_highs(self.lp)
        self.cost, self.lower, self.upper = a["cost"], a["lower"], a["upper"]
        self.row_lo, self.row_hi = a["row_lo"], a["row_hi"]
        self.rows, self.cols, self.vals = a["rows"], a["cols"], a["vals"]
        self.where = where = {(int(r), int(c)): k for k, (r, c) in enumerate(zip(self.rows, self.cols, strict=True))}
        # each switched row's entries: (row, column j, the positions of its entries and their columns, one pack's
        # size as HiGHS takes it); all off
        self.switches = [
            (s.row, s.var, [(where[(s.row, c)], c) for c in s.cols], float(s.size)) for s in model.switched
        ]
        self.lo_finite = np.isfinite(self.row_lo)  # a region moves a lower bound only from one number to another
        self.var_index = np.arange(len(self.vars), dtype=np.int32)
        self.buy_rows = np.array(list(model.buys_rows.values()), dtype=np.int32)  # each offer's "buys it" row
        self.switch_var = np.array([s.var for s in model.switched], dtype=np.int64)  # each switched row's column j
        self.switched_cols = frozenset(s.var for s in model.switched)  # the columns some greedy row is switched by
        self.switch_lo = np.zeros(len(self.switches), dtype=np.int64)  # the packs each is switched on with; 0: off
        self.infinite = highspy.kHighsInf
        self.buy_offers = list(model.buys_rows)  # the offer of each "buys it" row, in their order
        # the arrays a region is set in (its columns' ranges, its rows' lower bounds), rewritten for each
        self._lower, self._upper, self._row_lo = self.lower.copy(), self.upper.copy(), self.row_lo.copy()
        self.most = self.upper.copy()  # each column's largest value in the searches (limit_copies lowers some)
        self.solves = 0
        self.fixed: dict[str, bool] = {}  # offers every plan searched buys (True) or none does (False): fix_offer
        self.limited: dict[str, int] = {}  # offers whose columns the searches take at most so many units of in all
        self._mip: Any = None  # the branch and cut, made on first need (mip())
        self.excluded_sets = 0  # no-good rows added to the branch and cut so far

    def write_lp(self, path: str | Path) -> None:
        """The program as it stands (region, switched rows) as a readable LP file, for debugging."""
        self.lp.writeModel(str(path))

    # --- the region ----------------------------------------------------------------------------

    def _region(
        self, highs: Any, lo: Sequence[int], hi: Sequence[int], required: frozenset[str]
    ) -> tuple[Any, Any, Any]:
        """Set a solver instance to a region: the columns' ranges, the offers required, the switched rows. The arrays
        returned (each column's range, each row's lower bound) are the session's own, rewritten for the next region."""
        np = self.np
        n = len(self.vars)
        lower, upper, row_lo = self._lower, self._upper, self._row_lo
        lower[:n] = lo
        np.minimum(hi, self.most[:n], out=upper[:n])  # (an option the holdings rule out stays 0)
        highs.changeColsBounds(n, self.var_index, lower[:n], upper[:n])
        if self.buy_rows.size:
            wanted = np.fromiter((offer in required for offer in self.buy_offers), float, len(self.buy_offers))
            row_lo[self.buy_rows] = wanted
            highs.changeRowsBounds(self.buy_rows.size, self.buy_rows, wanted, self.row_hi[self.buy_rows])
        self._switch(lo)
        return lower, upper, row_lo

    def _switch(self, lo: Sequence[int]) -> None:
        """Turn each greedy row of a bought grant on where its column is at least one pack, with that many packs'
        size (what the grant holds at least), and off elsewhere."""
        if not self.switches:
            return
        np = self.np
        packs_of = np.asarray(lo, dtype=np.int64)[self.switch_var]
        changed = np.flatnonzero(packs_of != self.switch_lo)
        if not changed.size:
            return
        instances = [self.lp] if self._mip is None else [self.lp, self._mip]
        rows = []
        for k in changed.tolist():
            row, _, entries, size = self.switches[k]
            packs = int(packs_of[k])
            self.switch_lo[k] = packs
            if packs >= 1:
                value = size * packs
                for nz, col in entries:
                    self.vals[nz] = value
                    for highs in instances:
                        highs.changeCoeff(row, col, value)
                self.row_hi[row] = 0.0
            else:
                self.row_hi[row] = self.infinite
            rows.append(row)
        at = np.array(rows, dtype=np.int32)
        for highs in instances:
            highs.changeRowsBounds(at.size, at, self.row_lo[at], self.row_hi[at])

    # --- the bounds ----------------------------------------------------------------------------

    def bound(
        self,
        lo: Sequence[int],
        hi: Sequence[int],
        required: frozenset[str] = frozenset(),
        start: Basis = None,
        enough: Fraction | None = None,
    ) -> Bound | None:
        """The least upfront-plus-postpaid of any plan whose columns lie in [lo, hi] and that buys each offer of
        `required` at least once, over real numbers; None when no plan does. `start`: the optimum to solve from (a
        region's parent's), else the last one solved. With `enough`: when the weak-duality bound of the start's
        duals over this region reaches it, that bound, with no program solved and no point (`Bound.point` empty)."""
        np, status = self.np, self.highspy.HighsModelStatus
        n = len(self.vars)
        lower, upper, row_lo = self._region(self.lp, lo, hi, required)
        if start is not None:
            if enough is not None and (value := self._weak_bound(start.duals, lower, upper, row_lo)) >= enough:
                return Bound(value, ())
            self.lp.setBasis(start.basis)  # a basis HiGHS refused would leave its own: any start gives the same bound
        self.lp.run()
        self.solves += 1
        result = self.lp.getModelStatus()
        if result == status.kInfeasible:
            return None
        if result != status.kOptimal:  # any multipliers give a bound: none at all is the weakest
            return Bound(self._weak_bound(np.zeros(len(row_lo)), lower, upper, row_lo), tuple(float(x) for x in lo))
        solution = self.lp.getSolution()
        y = np.array(solution.row_dual)
        return Bound(
            self._weak_bound(y, lower, upper, row_lo), tuple(solution.col_value[:n]), Start(self.lp.getBasis(), y)
        )

    # --- whole counts: the branch and cut ---------------------------------------------------------

    def mip(self) -> Any:
        """The program over whole counts and choices in a HiGHS instance of its own, made on first need with the
        state the linear one has: prices as set, the greedy rows switched as they are, the offers fixed."""
        if self._mip is None:
            self._mip = mip = branch_and_cut(len(self.vars))
            self.model.program.to_highs(mip, integral=True)
            for k, (row, _, entries, _) in enumerate(self.switches):
                if self.switch_lo[k] >= 1:
                    for nz, col in entries:
                        mip.changeCoeff(row, col, self.vals[nz])
                mip.changeRowBounds(row, self.row_lo[row], self.row_hi[row])
            cap = self.model.upfront  # the max_upfront row at the prices as set (set_price keeps `vals` to them)
            if cap is not None:
                for j in range(len(self.vars)):
                    if (cap, j) in self.where:
                        mip.changeCoeff(cap, j, self.vals[self.where[(cap, j)]])
            for offer, bought in self.fixed.items():
                self._fix_use(offer, bought)
            for offer, most in self.limited.items():
                self._most(mip, offer, most)
        return self._mip

    def whole(
        self,
        lo: Sequence[int],
        hi: Sequence[int],
        required: frozenset[str],
        seconds: float | None,
        cutoff: Fraction | None = None,
    ) -> Bound | None:
        """The bound over whole counts and choices only: HiGHS's branch and cut on the same program. Its dual
        bound is HiGHS's own (computed with the solver's tolerances), so a margin is taken off. None when no plan
        is in the region. Only a plan whose bound is below `cutoff` matters: HiGHS may stop as soon as it proves
        there is none (with a margin for its tolerances), and the bound is then the cutoff, with no point
        (`Bound.point` empty)."""
        mip = self.mip()
        self._region(mip, lo, hi, required)
        mip.setOptionValue("time_limit", max(seconds, 0.05) if seconds is not None else self.infinite)
        if cutoff is not None:
            margin = 1e-7 * (abs(float(cutoff)) + float(self.constant)) + 1e-3
            mip.setOptionValue("objective_bound", float(cutoff - self.constant) + margin)
        try:
            mip.run()
        finally:
            mip.setOptionValue("objective_bound", self.infinite)
        self.solves += 1
        status = mip.getModelStatus()
        if status == self.highspy.HighsModelStatus.kInfeasible:
            return None
        if cutoff is not None and status == self.highspy.HighsModelStatus.kObjectiveBound:
            return Bound(cutoff, ())
        bound = float(mip.getInfo().mip_dual_bound)
        if not math.isfinite(bound):
            return Bound(self.constant + _floor(-1e300), tuple(float(x) for x in lo))
        margin = 1e-7 * (abs(bound) + float(self.constant)) + 1e-3
        point = tuple(float(x) for x in mip.getSolution().col_value[: len(self.vars)])
        if not self.found_plan():
            point = tuple(float(x) for x in lo)
        return Bound(self.constant + _floor(bound - margin), point)

    def found_plan(self) -> bool:
        """Whether the last branch and cut found a feasible point (it may stop on time before it does)."""
        feasible = self.highspy.SolutionStatus.kSolutionStatusFeasible
        return bool(self.mip().getInfo().primal_solution_status == feasible)

    def next_set(
        self, seen: Sequence[frozenset[str]], seconds: float | None, cutoff: Fraction | None = None
    ) -> tuple[Bound, frozenset[str] | None] | None:
        """The set of offers, other than those `seen`, whose plans have the least bound over whole counts: the
        bound holds for every set not seen yet. None when every set allowed has been seen; with a cutoff, the
        cutoff and no set when no set is below it; no set either when the solver stopped (time) before it found
        one."""
        np, mip = self.np, self.mip()
        if not self.uses:  # no offer to buy: one set, the empty one
            found = self.bound([], [], frozenset()) if not seen else None
            return None if found is None else (found, frozenset())
        for offers in seen[self.excluded_sets :]:  # no-good: at least one u_o differs from this set
            terms = [(u, -1.0 if o in offers else 1.0) for o, u in self.uses.items()]
            cols = np.array([c for c, _ in terms], dtype=np.int32)
            vals = np.array([v for _, v in terms])
            mip.addRow(1.0 - len(offers), self.infinite, len(terms), cols, vals)
        self.excluded_sets = len(seen)
        # Only a set whose bound is below `cutoff` matters: when there is none, every set left is bounded by it;
        # stopped on time before a plan was found, the bound only
        found = self.whole([0] * len(self.vars), [v.hi for v in self.vars], frozenset(), seconds, cutoff)
        if found is None:
            return None
        if (cutoff is not None and found.value >= cutoff) or not self.found_plan():
            return found, None
        solution = mip.getSolution().col_value
        return found, frozenset(o for o, u in self.uses.items() if solution[u] > 0.5)

    def forget_sets(self) -> None:
        """Drop the no-good rows of the sets searched so far, for a search of the same program afresh."""
        if self.excluded_sets:
            first = self.model.program.rows
            self._mip.deleteRows(
                self.excluded_sets, self.np.arange(first, first + self.excluded_sets, dtype=self.np.int32)
            )
            self.excluded_sets = 0

    # --- one offer at another price (break-even prices, breakeven.py) ------------------------------------

    def set_price(self, offer: str, price: Fraction) -> None:
        """Price each column of an offer at `price` a copy, in the objective and the max_upfront row, in HiGHS and
        in the arrays the weak-duality bound reads."""
        row = self.model.upfront
        for j in self.offer_vars.get(offer, []):
            v = self.vars[j]
            self.vars[j] = v = replace(v, price=price * _copies(v, offer))
            self.model.program.cost[j] = v.price
            self.cost[j] = float(v.price)
            self.lp.changeColCost(j, self.cost[j])
            if self._mip is not None:
                self._mip.changeColCost(j, self.cost[j])
            if row is not None and (row, j) in self.where:
                self.vals[self.where[(row, j)]] = self.cost[j]
                self.lp.changeCoeff(row, j, self.cost[j])
                if self._mip is not None:
                    self._mip.changeCoeff(row, j, self.cost[j])

    def fix_offer(self, offer: str, bought: bool | None) -> None:
        """Make the searches that follow take only plans that buy `offer` (True), only plans that do not (False),
        or both (None): the root of their tree of sets (sets.py), and the bounds of its u_o in the branch and cut."""
        if bought is None:
            self.fixed.pop(offer, None)
        else:
            self.fixed[offer] = bought
        if self._mip is not None:
            self._fix_use(offer, bought)

    def limit_copies(self, offer: str, most: int | None) -> None:
        """Make the searches that follow take only plans that buy at most `most` copies of `offer` (None: as many
        as its columns allow), or a few more: each of its columns at most as many units as hold `most` copies, and
        all of them at most `most` units (the coefficient of u_o in its row sum_j x_j <= (sum_j hi_j) u_o), in
        HiGHS and in the arrays the weak-duality bound reads. A unit buys one copy at least, so every plan of
        `most` copies or fewer is among them (breakeven.py)."""
        row, u = self.model.most_rows.get(offer), self.uses.get(offer)
        if (row, u) not in self.where:  # no column buys it, or its columns can buy nothing
            return
        if most is None:
            self.limited.pop(offer, None)
        else:
            self.limited[offer] = most
        for j in self.offer_vars[offer]:
            per = _copies(self.vars[j], offer)
            self.most[j] = self.upper[j] if most is None else min(self.upper[j], most // per)
        for highs in [self.lp] if self._mip is None else [self.lp, self._mip]:
            self._most(highs, offer, most)

    def _most(self, highs: Any, offer: str, most: int | None) -> None:
        row, u = self.model.most_rows[offer], self.uses[offer]
        k = self.where[(row, u)]
        self.vals[k] = -float(sum(self.vars[j].hi for j in self.offer_vars[offer]) if most is None else most)
        highs.changeCoeff(row, u, self.vals[k])

    def _fix_use(self, offer: str, bought: bool | None) -> None:
        u = self.uses.get(offer)
        if u is not None:
            lo, hi = {True: (1.0, 1.0), False: (0.0, 0.0), None: (0.0, 1.0)}[bought]
            self._mip.changeColBounds(u, lo, hi)

    def _weak_bound(self, y: Any, lower: Any, upper: Any, row_lo: Any) -> Fraction:
        """Weak duality: for any multipliers y, sum over rows of y times the bound it presses on, plus each column's
        least reduced cost over its range, is at most the optimum. Valid whatever y is; tight at the optimal duals."""
        np = self.np
        at_lo, at_hi = (y > 0) & self.lo_finite, (y < 0) & np.isfinite(self.row_hi)  # the bound each row presses on
        y = np.where(at_lo | at_hi, y, 0.0)
        row_terms = y * (np.where(at_lo, row_lo, 0.0) + np.where(at_hi, self.row_hi, 0.0))
        products = y[self.rows] * self.vals
        reduced = self.cost - np.bincount(self.cols, weights=products, minlength=len(self.cost))
        col_terms = np.minimum(reduced * lower, reduced * upper)
        spread = (
            np.abs(row_terms).sum()
            + (
                np.maximum(np.abs(lower), np.abs(upper))
                * (np.abs(self.cost) + np.bincount(self.cols, weights=np.abs(products), minlength=len(self.cost)))
            ).sum()
        )
        total = float(row_terms.sum() + col_terms.sum()) - MARGIN * float(spread) - 1e-6
        return self.constant + _floor(total)


def _copies(v: Var, offer: str) -> int:
    """The copies of an offer one unit of a column buys: one pack of a count, all of its kind in an option."""
    return 1 if v.stackable else sum(a.count for a in v.actions if a.offer == offer)


def _floor(value: float) -> Fraction:
    """A float rounded down to a millionth of a yuan, exactly."""
    return Fraction(math.floor(value * 10**6), 10**6)
