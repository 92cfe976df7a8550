"""The relaxation that bounds the cash of every plan in a region from below: a linear program of purchases
against the waterfall with its order relaxed, solved by HiGHS (docs/plans.md, "The bound").

Charges are grouped by meter and by a stretch of days inside one month that no entitlement starts
or ends within. A trial, pack or voucher may absorb any part of any group of a meter it covers
while it is valid, up to what it holds: yuan for an amount, units for a quantity, units a month
for a monthly quota, GB at every hour for a capacity. The waterfall's own allocation is one of
those the program allows, so its optimum is at most the postpaid of the real waterfall; one more
rule of the waterfall is kept where it holds (busy traffic is reached only after the day's idle
traffic). Packs are variables: a count per stackable slot, a 0-1 choice per once-per-user offer
and group slot, relaxed to real numbers.

The bound returned is computed from the solver's dual values by weak duality, with a margin for
floating-point error, so it is a valid lower bound whatever the solver's tolerances.
"""

from __future__ import annotations

import itertools
import math
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from fractions import Fraction
from typing import Any, NamedTuple

from ..calendar import add_months
from ..engine import Priced
from ..engine.waterfall import Entitlement, entitlements
from ..money import ZERO, q
from ..pricing import GrantKind, MeterId, PriceSheet, TieBreak, meter_base
from ..scenario import Holding, Scenario, overlaps
from .space import Action, Space

CROSS_STAGE_ONLY = True
MARGIN = 1e-9  # relative margin on the dual bound for floating-point error (computations are ~1e-15)


@dataclass(frozen=True)
class Var:
    """A decision of the plan as a variable: a count of packs bought on a slot, or a 0-1 choice."""

    decision: int  # index in Space.fixed + Space.counts
    actions: tuple[Action, ...]  # what one unit of it buys (a count: one pack of the slot)
    offer: str
    price: Fraction  # what one unit costs
    hi: int  # its largest value
    count: bool  # a count of a stackable offer; else a choice among the decision's options


@dataclass(frozen=True)
class Bound:
    """A region's lower bound on upfront (the plan's own purchases) plus exact postpaid, and the LP's point."""

    value: Fraction
    point: tuple[float, ...]  # each Var's value at the optimum


def _quiet_highs() -> Any:
    """A HiGHS instance that prints nothing: its banner goes to stdout when it is made, so stdout is muted then."""
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w", encoding="utf-8") as null:
            os.dup2(null.fileno(), 1)
            highs = highspy.Highs()  # type: ignore[no-untyped-call]
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    highs.setOptionValue("output_flag", False)
    return highs


class _Builder:
    """The program as triplets, with exact coefficients kept beside the float ones the solver sees."""

    def __init__(self) -> None:
        self.cost: list[Fraction] = []
        self.lower: list[Fraction] = []
        self.upper: list[Fraction] = []
        self.row_lower: list[Fraction | None] = []
        self.row_upper: list[Fraction | None] = []
        self.entries: list[tuple[int, int, Fraction]] = []  # (row, col, value)

    def col(self, cost: Fraction, lower: Fraction, upper: Fraction) -> int:
        self.cost.append(cost)
        self.lower.append(lower)
        self.upper.append(upper)
        return len(self.cost) - 1

    def row(self, terms: list[tuple[int, Fraction]], lower: Fraction | None, upper: Fraction | None) -> int:
        r = len(self.row_lower)
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        self.entries += [(r, c, v) for c, v in terms if v]
        return r


class Relaxation:
    """The linear program of one scenario's plans, solved again for each region of the search."""

    def __init__(
        self,
        scenario: Scenario,
        sheet: PriceSheet,
        priced: Priced,
        space: Space,
        claims: Sequence[Action],
        max_upfront: Fraction | None,
    ) -> None:
        self.scenario, self.sheet = scenario, sheet
        self.vars = self._vars(space)
        self.offer_vars: dict[str, list[int]] = {}
        self.absorbs: dict[int, tuple[str, str, date]] = {}  # column -> (entitlement, meter, first day): what it is
        for j, v in enumerate(self.vars):
            self.offer_vars.setdefault(v.offer, []).append(j)
        b = _Builder()
        for v in self.vars:
            b.col(v.price, ZERO, Fraction(v.hi))
        ents, scale = self._entitlements(claims)
        self._waterfall(b, priced, ents, scale)
        self._rules(b, space, max_upfront)
        self.constant = priced.list_price  # the objective is upfront + list price - what is absorbed
        self._load(b)

    # --- the variables --------------------------------------------------------------------------

    def _vars(self, space: Space) -> list[Var]:
        out: list[Var] = []
        for i, decision in enumerate(space.fixed):
            for choice in decision.choices:
                if choice:
                    price = sum((q(self.sheet.offers[a.offer].price) * a.count for a in choice), ZERO)
                    out.append(Var(i, choice, choice[0].offer, price, 1, False))
        for i, decision in enumerate(space.counts, len(space.fixed)):
            one = replace(decision.choices[1][0], count=1)
            price = q(self.sheet.offers[one.offer].price)
            out.append(Var(i, (one,), one.offer, price, len(decision.choices) - 1, True))
        return out

    def _entitlements(self, claims: Sequence[Action]) -> tuple[list[Entitlement], list[int | None]]:
        """Every grant a plan may hold, live in the period, and the variable that scales it (None: held)."""
        extra: list[Holding] = []
        owner: list[int | None] = []
        start = len(self.scenario.holdings)
        for a in claims:
            extra.append(Holding(a.offer, a.date, a.count, None, a.prefix(), start + len(extra)))
            owner.append(None)
        for j, v in enumerate(self.vars):
            for a in v.actions:
                extra.append(Holding(a.offer, a.date, a.count, None, f"{a.prefix()}#{j}", start + len(extra)))
                owner.append(j)
        whole = self.scenario.with_holdings(tuple(extra))
        ents, scale = [], []
        for e in entitlements(whole, self.sheet, {}):
            if e.ends <= whole.start or e.starts >= whole.end:
                continue
            if e.kind in (GrantKind.amount, GrantKind.quantity) and e.left <= 0:
                continue
            ents.append(e)
            scale.append(None if e.holding < start else owner[e.holding - start])
        return ents, scale

    # --- the waterfall, relaxed -----------------------------------------------------------------

    def _segments(self, ents: list[Entitlement]) -> list[tuple[date, date]]:
        start, end = self.scenario.start, self.scenario.end
        cuts = {start, end}
        day = date(start.year, start.month, 1)
        while day < end:
            cuts.add(max(day, start))
            day = add_months(day, 1)
        cuts |= {d for e in ents for d in (e.starts, e.ends) if start < d < end}
        ordered = sorted(cuts)
        return list(zip(ordered, ordered[1:], strict=False))

    def _waterfall(self, b: _Builder, priced: Priced, ents: list[Entitlement], scale: list[int | None]) -> None:
        segs = self._segments(ents)
        rates = {k: q(m.price) / q(m.divisor) for k, m in self.sheet.meters.items()}
        # What each group holds: yuan, units, days; and the days' idle and busy traffic, if in one proportion.
        groups: dict[tuple[int, str], list[Fraction]] = {}
        mix: dict[int, set[Fraction]] = {}
        bounds = [s for s, _ in segs]
        for pd in priced.days:
            first, stop = pd.day, pd.day + timedelta(pd.count)
            k = max(0, _index(bounds, first))
            while first < stop:
                seg_end = segs[k][1]
                span = (min(stop, seg_end) - first).days
                idle = busy = ZERO
                for c in pd.charges:  # (the charges of a meter are one per day)
                    if c.amount > 0:
                        g = groups.setdefault((k, c.meter), [ZERO, ZERO, ZERO])
                        g[0] += c.amount * span
                        g[1] += c.billable * span
                        g[2] += span
                    if c.meter == MeterId.traffic_idle:
                        idle = c.billable
                    elif c.meter == MeterId.traffic_busy:
                        busy = c.billable
                if idle or busy:
                    mix.setdefault(k, set()).add(idle / (idle + busy))
                first = min(stop, seg_end)
                k += 1
        places = self.sheet.settings.charge_places
        fen = Fraction(1, 10**places) if places is not None else ZERO  # a rounded charge is off by under this
        reach: dict[int, list[Reach]] = {i: [] for i in range(len(ents))}
        group_cols: dict[tuple[int, str], list[tuple[int, int]]] = {}
        for (seg, meter), (amount, _, days) in groups.items():
            seg_start, seg_end = segs[seg]
            rate = rates[meter]
            live = [
                i
                for i, e in enumerate(ents)
                if meter_base(meter) in e.covers and e.starts <= seg_start and seg_end <= e.ends
            ]
            for i in live:
                e, j = ents[i], scale[i]
                upper = amount
                if e.kind is GrantKind.capacity and j is None:
                    upper = min(amount, e.size * 24 * days * rate + days * len(live) * fen)
                col = b.col(Fraction(-1), ZERO, upper)
                self.absorbs[col] = (e.id, meter, seg_start)
                reach[i].append(Reach(col, seg_start, rate, days * (len(live) + 1) * fen / rate, seg, meter))
                group_cols.setdefault((seg, meter), []).append((i, col))
                if e.kind is GrantKind.capacity and j is not None:  # GB at every hour, for as many packs as held
                    b.row([(col, Fraction(1)), (j, -e.size * 24 * days * rate)], None, days * len(live) * fen)
            if len(live) > 1:
                b.row([(col, Fraction(1)) for _, col in group_cols[(seg, meter)]], None, amount)
        for i, e in enumerate(ents):
            self._grant_rows(b, e, scale[i], reach[i])
        self._traffic_order(b, ents, group_cols, groups, mix, rates, places)
        self._precedence(b, ents, scale, reach, groups, segs)

    def _grant_rows(self, b: _Builder, e: Entitlement, j: int | None, reach: list[Reach]) -> None:
        """What one grant can give: its yuan, its units, or each month's quota (capacity: per group, above).

        A variable's grant is one pack's (scaled by the variable); a held one's is what it has left."""
        if not reach or e.kind is GrantKind.capacity:
            return
        if e.kind is GrantKind.amount:
            self._cap(b, [(r.col, Fraction(1)) for r in reach], e.left if j is None else e.size, j)
            return
        if e.kind is GrantKind.quantity:
            terms = [(r.col, 1 / r.rate) for r in reach]
            self._cap(b, terms, e.left if j is None else e.size, j, sum((r.slack for r in reach), ZERO))
            return
        by_month: dict[tuple[int, int], list[Reach]] = {}
        for r in reach:
            by_month.setdefault((r.first.year, r.first.month), []).append(r)
        for (year, month), rs in by_month.items():
            begin = max(date(year, month, 1), self.scenario.start, e.starts)
            quota = e.quota_from(begin, self.sheet.settings.partial_month)  # as the engine gives it (waterfall)
            self._cap(b, [(r.col, 1 / r.rate) for r in rs], quota, j, sum((r.slack for r in rs), ZERO))

    @staticmethod
    def _cap(
        b: _Builder, terms: list[tuple[int, Fraction]], size: Fraction, j: int | None, slack: Fraction = ZERO
    ) -> None:
        if j is None:
            b.row(terms, None, size + slack)
        else:
            b.row([*terms, (j, -size)], None, slack)

    def _traffic_order(
        self,
        b: _Builder,
        ents: list[Entitlement],
        group_cols: dict[tuple[int, str], list[tuple[int, int]]],
        groups: dict[tuple[int, str], list[Fraction]],
        mix: dict[int, set[Fraction]],
        rates: dict[str, Fraction],
        places: int | None,
    ) -> None:
        """Busy traffic is offered to a grant only after the same day's idle traffic (B7).

        Take the grants that cover traffic in the waterfall's order. If one of the first n absorbs
        busy traffic on a day, that day's idle traffic was all absorbed by it or a grant before it,
        provided every grant covering busy traffic covers idle traffic too. So, where each day of a
        group has idle and busy traffic in one proportion, the first n grants together absorb no
        larger share of the busy traffic than of the idle traffic, for every n at which the order
        is certain (grants whose order a plan's listing could change count as one).
        """
        if places is not None:
            return  # rounded charges blur the shares by a fen; the rule is left out rather than made unsound
        if any(MeterId.traffic_busy in e.covers and MeterId.traffic_idle not in e.covers for e in ents):
            return
        busy, idle = str(MeterId.traffic_busy), str(MeterId.traffic_idle)
        certain = 4 if self.sheet.settings.tie_break is TieBreak.acquired_then_offer else 2  # of Entitlement.order
        for k, ratios in mix.items():
            if len(ratios) != 1 or (k, busy) not in group_cols or (k, idle) not in group_cols:
                continue
            busy_units, idle_units = groups[(k, busy)][1], groups[(k, idle)][1]
            cols: dict[int, list[tuple[int, Fraction]]] = {}
            for i, col in group_cols[(k, busy)]:
                cols.setdefault(i, []).append((col, idle_units / rates[busy]))
            for i, col in group_cols[(k, idle)]:
                cols.setdefault(i, []).append((col, -busy_units / rates[idle]))
            terms: list[tuple[int, Fraction]] = []
            ordered = sorted(cols, key=lambda i: ents[i].order[:certain])
            for _, same in itertools.groupby(ordered, key=lambda i: ents[i].order[:certain]):
                terms += [t for i in same for t in cols[i]]
                b.row(list(terms), None, ZERO)

    def _precedence(
        self,
        b: _Builder,
        ents: list[Entitlement],
        scale: list[int | None],
        reach: dict[int, list[Reach]],
        groups: dict[tuple[int, str], list[Fraction]],
        segs: list[tuple[date, date]],
    ) -> None:
        """A grant reaches a charge only once every grant before it in the waterfall that covers the charge's
        meter has nothing left (B17): greedy, not the best use of each grant.

        For grants f before e, sharing meters M, and a stretch s of days: e absorbs from M in s only if f
        was used up by the end of s, so e's absorption from M in s is at most the charges of M in s times
        the share of f used by then (1 once it is used up). For a monthly quota, "used up" is its month's.
        With f's size depending on a variable, the row holds with f's size at the variable's lower bound
        and is switched on only where that bound is at least one pack (`Relaxation.bound`); and a 0-1
        column "f used up by the end of s" states it exactly for whole counts (`Relaxation.whole`)."""
        certain = 4 if self.sheet.settings.tie_break is TieBreak.acquired_then_offer else 2
        before = [i for i, e in enumerate(ents) if e.kind is not GrantKind.capacity and reach[i]]
        self.switched: list[tuple[int, int, list[int], Fraction]] = []  # (row, var, x_e cols, size of one pack)
        self.flags: list[int] = []  # the 0-1 "used up" columns, whole in the branch and cut
        for fi in before:
            f = ents[fi]
            used_up: dict[int, int] = {}  # segment -> its "used up by then" column
            used: dict[int, list[tuple[int, Fraction]]] = {}  # segment -> f's columns (in its unit)
            for r in reach[fi]:
                w = Fraction(1) if f.kind is GrantKind.amount else 1 / r.rate
                used.setdefault(r.seg, []).append((r.col, w))
            for ei, e in enumerate(ents):
                if ei == fi or not reach[ei] or not (f.covers & e.covers):
                    continue
                if not f.order[:certain] < e.order[:certain] or (CROSS_STAGE_ONLY and f.stage is e.stage):
                    continue
                by_seg: dict[int, list[Reach]] = {}
                for r in reach[ei]:
                    if meter_base(r.meter) in f.covers and r.seg in used:
                        by_seg.setdefault(r.seg, []).append(r)
                for seg, rs in by_seg.items():
                    first = segs[seg][0]
                    month = (first.year, first.month)
                    prior = [
                        t
                        for k, cols in used.items()
                        if k <= seg
                        and (f.kind is not GrantKind.monthly or (segs[k][0].year, segs[k][0].month) == month)
                        for t in cols
                    ]
                    charges = sum((groups[(seg, r.meter)][0] for r in rs), ZERO)
                    size = self._size(f, first)
                    terms = [(r.col, size) for r in rs] + [(col, -charges * w) for col, w in prior]
                    j = scale[fi]
                    if j is None:
                        b.row(terms, None, ZERO)
                        continue
                    row = b.row(terms, None, None)  # switched on by bound() where var j is at least 1
                    self.switched.append((row, j, [r.col for r in rs], size))
                    # And for whole counts: z = "f used up by the end of s" (f absent counts as used up):
                    # e takes from M in s only if z, and z only if f's packs are all used by then.
                    z = used_up.get(seg)
                    if z is None:
                        z = used_up[seg] = b.col(ZERO, ZERO, Fraction(1))
                        self.flags.append(z)
                        most = size * self.vars[j].hi
                        b.row([(j, size), *((col, -w) for col, w in prior), (z, most)], None, most)
                    b.row([*((r.col, Fraction(1)) for r in rs), (z, -charges)], None, ZERO)

    def _size(self, e: Entitlement, day: date) -> Fraction:
        """What a grant holds for the stretch starting on `day`: left (held), size, or the month's quota."""
        if e.kind is GrantKind.monthly:
            begin = max(date(day.year, day.month, 1), self.scenario.start, e.starts)
            return e.quota_from(begin, self.sheet.settings.partial_month)
        return e.left

    # --- the purchase rules ---------------------------------------------------------------------

    def _rules(self, b: _Builder, space: Space, max_upfront: Fraction | None) -> None:
        by_decision: dict[int, list[int]] = {}
        for j, v in enumerate(self.vars):
            if not v.count:
                by_decision.setdefault(v.decision, []).append(j)
        for js in by_decision.values():
            if len(js) > 1:
                b.row([(j, Fraction(1)) for j in js], None, Fraction(1))
        held = self.scenario.holdings
        choices = [j for j, v in enumerate(self.vars) if not v.count]
        holding = {j: self._holdings(j) for j in choices}
        for j in choices:  # a choice that would overlap a pack of its group the scenario holds: never
            if overlaps(held + holding[j], self.sheet):
                b.upper[j] = ZERO
        for x, y in ((x, y) for n, x in enumerate(choices) for y in choices[n + 1 :]):
            if self.vars[x].decision != self.vars[y].decision and overlaps(holding[x] + holding[y], self.sheet):
                b.row([(x, Fraction(1)), (y, Fraction(1))], None, Fraction(1))
        self.offer_rows = {o: b.row([(j, Fraction(1)) for j in js], ZERO, None) for o, js in self.offer_vars.items()}
        # u_o, 0-1: whether a plan buys offer o at all (the sets of offers are enumerated on them, `next_set`)
        self.uses: dict[str, int] = {}
        for o, js in self.offer_vars.items():
            u = self.uses[o] = b.col(ZERO, ZERO, Fraction(1))
            most = Fraction(sum(self.vars[j].hi for j in js))
            b.row([*((j, Fraction(1)) for j in js), (u, -most)], None, ZERO)
            b.row([*((j, Fraction(1)) for j in js), (u, Fraction(-1))], ZERO, None)
        if max_upfront is not None:
            b.row([(j, v.price) for j, v in enumerate(self.vars)], None, max_upfront)

    def _holdings(self, j: int) -> tuple[Holding, ...]:
        return tuple(Holding(a.offer, a.date, a.count, None, "", -1) for a in self.vars[j].actions)

    # --- solving ------------------------------------------------------------------------------

    def _load(self, b: _Builder) -> None:
        import highspy
        import numpy as np

        inf = highspy.kHighsInf
        self.np = np
        n, m = len(b.cost), len(b.row_lower)
        self.cost = np.array([float(c) for c in b.cost])
        self.lower = np.array([float(x) for x in b.lower])
        self.upper = np.array([float(x) for x in b.upper])
        self.row_lo = np.array([float(x) if x is not None else -inf for x in b.row_lower])
        self.row_hi = np.array([float(x) if x is not None else inf for x in b.row_upper])
        rows = np.array([r for r, _, _ in b.entries], dtype=np.int64)
        cols = np.array([c for _, c, _ in b.entries], dtype=np.int64)
        vals = np.array([float(v) for _, _, v in b.entries])
        order = np.lexsort((rows, cols))
        rows, cols, vals = rows[order], cols[order], vals[order]
        self.rows, self.cols, self.vals = rows, cols, vals
        where = {(int(r), int(c)): k for k, (r, c) in enumerate(zip(rows, cols, strict=True))}
        # the switched rows' entries: (row, var, the positions of e's entries, one pack's size); all off at first
        self.switches = [(row, j, [where[(row, c)] for c in xs], size) for row, j, xs, size in self.switched]
        self.switch_lo = [0] * len(self.switches)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n, m
        lp.col_cost_, lp.col_lower_, lp.col_upper_ = self.cost, self.lower, self.upper
        lp.row_lower_, lp.row_upper_ = self.row_lo, self.row_hi
        starts = np.searchsorted(cols, np.arange(n + 1)).astype(np.int32)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = starts
        lp.a_matrix_.index_ = rows.astype(np.int32)
        lp.a_matrix_.value_ = vals
        self.highs = _quiet_highs()
        self.highs.passModel(lp)
        # The same program with whole counts and choices, for HiGHS's branch and cut (Relaxation.whole).
        self.mip = _quiet_highs()
        self.mip.passModel(lp)
        whole = np.array([*range(len(self.vars)), *self.flags, *self.uses.values()], dtype=np.int32)
        integer = np.full(len(whole), highspy.HighsVarType.kInteger)
        self.mip.changeColsIntegrality(len(whole), whole, integer)
        self.mip.setOptionValue("mip_rel_gap", 1e-9)
        self.mip.setOptionValue("mip_abs_gap", 1e-6)
        self.infinite = inf
        self.solves = 0
        self.excluded_sets = 0  # no-good rows added to the branch and cut so far

    def bound(self, lo: Sequence[int], hi: Sequence[int], required: frozenset[str] = frozenset()) -> Bound | None:
        """The least upfront-plus-postpaid of any plan whose variables lie in [lo, hi] and that buys each offer
        of `required` at least once; None when no plan does."""
        import highspy

        np = self.np
        n = len(self.vars)
        lower, upper, row_lo = self._region(self.highs, lo, hi, required)
        self.highs.run()
        self.solves += 1
        status = self.highs.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            return Bound(self._weak_bound(np.zeros(len(row_lo)), lower, upper, row_lo), tuple(float(x) for x in lo))
        solution = self.highs.getSolution()
        duals = np.array(solution.row_dual)
        value = self._weak_bound(duals, lower, upper, row_lo)
        return Bound(value, tuple(solution.col_value[:n]))

    def _region(
        self, highs: Any, lo: Sequence[int], hi: Sequence[int], required: frozenset[str]
    ) -> tuple[Any, Any, Any]:
        """Set a solver instance to a region: the variables' ranges, the offers required, the switched rows."""
        np = self.np
        n = len(self.vars)
        lower, upper = self.lower.copy(), self.upper.copy()
        lower[:n], upper[:n] = lo, np.minimum(hi, self.upper[:n])  # (a choice the holdings rule out stays 0)
        highs.changeColsBounds(n, np.arange(n, dtype=np.int32), lower[:n], upper[:n])
        row_lo = self.row_lo.copy()
        for offer, r in self.offer_rows.items():
            row_lo[r] = 1.0 if offer in required else 0.0
            highs.changeRowBounds(r, row_lo[r], self.row_hi[r])
        self._switch(lo)
        return lower, upper, row_lo

    def whole(
        self, lo: Sequence[int], hi: Sequence[int], required: frozenset[str], seconds: float | None
    ) -> Bound | None:
        """The bound over whole counts and choices only: HiGHS's branch and cut on the same program. Its dual
        bound is HiGHS's own (computed with the solver's tolerances), so a margin is taken off; a region it
        cannot close by a clear margin is left to the exact search. None when no plan is in the region."""
        import highspy

        if not (self.vars or self.flags):  # nothing to make whole: the linear bound is the same
            return self.bound(lo, hi, required)
        self._region(self.mip, lo, hi, required)
        self.mip.setOptionValue("time_limit", max(seconds, 0.05) if seconds is not None else self.infinite)
        self.mip.run()
        self.solves += 1
        status = self.mip.getModelStatus()
        if status == highspy.HighsModelStatus.kInfeasible:
            return None
        info = self.mip.getInfo()
        bound = float(info.mip_dual_bound)
        if not math.isfinite(bound):
            return Bound(self.constant + self._floor(-1e300), tuple(float(x) for x in lo))
        margin = 1e-7 * (abs(bound) + float(self.constant)) + 1e-3
        point = tuple(float(x) for x in self.mip.getSolution().col_value[: len(self.vars)])
        if info.primal_solution_status != 2:  # no feasible point found (kSolutionStatusFeasible)
            point = tuple(float(x) for x in lo)
        return Bound(self.constant + self._floor(bound - margin), point)

    def next_set(
        self, seen: Sequence[frozenset[str]], seconds: float | None, cutoff: Fraction | None = None
    ) -> tuple[Bound, frozenset[str] | None] | None:
        """The set of offers, other than those `seen`, whose plans have the least bound over whole counts: the
        bound holds for every set not seen yet. None when every set allowed has been seen; no set when the
        solver stopped (time) before it found one."""
        import numpy as np

        if not self.uses:  # no offer to buy: one set, the empty one
            found = self.bound([], [], frozenset()) if not seen else None
            return None if found is None else (found, frozenset())
        for offers in seen[self.excluded_sets :]:  # "not this set": at least one u differs from it
            terms = [(u, -1.0 if o in offers else 1.0) for o, u in self.uses.items()]
            cols = np.array([c for c, _ in terms], dtype=np.int32)
            vals = np.array([v for _, v in terms])
            self.mip.addRow(1.0 - len(offers), self.infinite, len(terms), cols, vals)
        self.excluded_sets = len(seen)
        # Only a set whose bound is below `cutoff` matters: HiGHS may stop as soon as it proves there is
        # none (with a margin for its tolerances), and then every set left is bounded by the cutoff.
        if cutoff is not None:
            margin = 1e-7 * (abs(float(cutoff)) + float(self.constant)) + 1e-3
            self.mip.setOptionValue("objective_bound", float(cutoff - self.constant) + margin)
        try:
            found = self.whole([0] * len(self.vars), [v.hi for v in self.vars], frozenset(), seconds)
        finally:
            self.mip.setOptionValue("objective_bound", self.infinite)
        if found is None:
            return None
        if cutoff is not None and self._cut_off():
            return Bound(cutoff, found.point), None
        if self.mip.getInfo().primal_solution_status != 2:  # stopped before a plan was found: the bound only
            return found, None
        solution = self.mip.getSolution().col_value
        chosen = frozenset(o for o, u in self.uses.items() if solution[u] > 0.5)
        return found, chosen

    def _cut_off(self) -> bool:
        import highspy

        return bool(self.mip.getModelStatus() == highspy.HighsModelStatus.kObjectiveBound)

    @staticmethod
    def _floor(value: float) -> Fraction:
        return Fraction(math.floor(value * 10**6), 10**6)

    def _switch(self, lo: Sequence[int]) -> None:
        """Turn each precedence row on where its grant's variable is at least one pack, with that many packs'
        size (what the grant has at least), and off elsewhere."""
        for k, (row, j, entries, size) in enumerate(self.switches):
            packs = int(lo[j])
            if packs == self.switch_lo[k]:
                continue
            self.switch_lo[k] = packs
            if packs >= 1:
                value = float(size * packs)
                for nz in entries:
                    self.vals[nz] = value
                    self.highs.changeCoeff(row, int(self.cols[nz]), value)
                    self.mip.changeCoeff(row, int(self.cols[nz]), value)
                self.row_hi[row] = 0.0
            else:
                self.row_hi[row] = self.infinite
            self.highs.changeRowBounds(row, self.row_lo[row], self.row_hi[row])
            self.mip.changeRowBounds(row, self.row_lo[row], self.row_hi[row])

    def _weak_bound(self, y: Any, lower: Any, upper: Any, row_lo: Any) -> Fraction:
        """Weak duality: for any multipliers y, sum over rows of y times the bound it presses on, plus each column's
        least reduced cost over its range, is at most the optimum. Valid whatever y is; tight at the optimal duals."""
        np = self.np
        y = np.where((y > 0) & np.isfinite(row_lo), y, np.where((y < 0) & np.isfinite(self.row_hi), y, 0.0))
        row_terms = np.where(y > 0, y * np.where(np.isfinite(row_lo), row_lo, 0.0), 0.0)
        row_terms += np.where(y < 0, y * np.where(np.isfinite(self.row_hi), self.row_hi, 0.0), 0.0)
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
        return self.constant + Fraction(math.floor(total * 10**6), 10**6)


def _index(bounds: list[date], day: date) -> int:
    """The segment a day falls in: the last boundary on or before it."""
    lo, hi = 0, len(bounds)
    while lo < hi:
        mid = (lo + hi) // 2
        if bounds[mid] <= day:
            lo = mid + 1
        else:
            hi = mid
    return lo - 1


class Reach(NamedTuple):
    """A group a grant can absorb from: its column, its first day, the meter's rate and the units a rounded
    charge may blur (0 when charges are exact)."""

    col: int
    first: date
    rate: Fraction
    slack: Fraction
    seg: int
    meter: str
