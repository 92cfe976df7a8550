"""The relaxation's model: its parts (purchase columns, charge groups, reaches, switched rows) and the
families of columns and rows of the purchase rules; the waterfall's families are in waterfall_rows.py
and relaxation.py writes them all in turn. Also what a point of the purchase columns buys, and a
region's optimum rounded to such a point (`rounded`).

The model is a linear program whose optimum is at most the cash of any plan in a region: purchases
against the waterfall with its order relaxed. Packs are columns: a count per stackable slot, a 0-1
choice per once-per-user offer and group slot, relaxed to real numbers. docs/plans.md, "The
formulation", gives the equations each function writes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction
from typing import NamedTuple

from ..engine import Entitlement
from ..money import ZERO, q
from ..pricing import PriceSheet, TieBreak
from ..scenario import Holding, Scenario, overlaps
from .program import Program
from .space import Action, Space, listed_price

ONE = Fraction(1)


@dataclass(frozen=True)
class Var:
    """A decision of the plan as a column: a count of packs bought on a stackable slot, or a 0-1 choice."""

    decision: int  # index in Space.fixed + Space.counts
    actions: tuple[Action, ...]  # what one unit of it buys (a count: one pack of the slot)
    offer: str
    price: Fraction  # what one unit costs
    hi: int  # its largest value
    stackable: bool  # a count of a stackable offer; else one option of a choice


def purchases(vars_: Sequence[Var], values: Sequence[int]) -> list[Action]:
    """What a point of the columns buys."""
    out: list[Action] = []
    for v, n in zip(vars_, values, strict=True):
        if n:
            out += [replace(a, count=n) for a in v.actions] if v.stackable else list(v.actions)
    return out


def rounded(
    vars_: Sequence[Var],
    offer_vars: Mapping[str, list[int]],
    point: Sequence[float],
    lo: Sequence[int],
    hi: Sequence[int],
    offers: frozenset[str],
) -> tuple[int, ...] | None:
    """A region's optimum (`point`, within [lo, hi]) rounded to whole counts and one option per choice, buying each
    offer of `offers` (their columns in `offer_vars`); None when the region leaves an offer no column to buy it."""
    out = [min(max(round(x), a), b) for x, a, b in zip(point, lo, hi, strict=True)]
    by_decision: dict[int, list[int]] = {}
    for j, v in enumerate(vars_):
        if not v.stackable:
            by_decision.setdefault(v.decision, []).append(j)
    for js in by_decision.values():
        chosen = [j for j in js if out[j]]
        if len(chosen) > 1:  # one option of a choice: the one the region fixes, else the one the optimum favours
            keep = max(chosen, key=lambda j: (lo[j], point[j]))
            for j in chosen:
                out[j] = 1 if j == keep else lo[j]

    def taken(j: int) -> bool:  # another option of j's decision is chosen already
        return not vars_[j].stackable and any(out[k] for k in by_decision[vars_[j].decision] if k != j)

    for o in offers:
        js = offer_vars[o]
        if not any(out[j] for j in js):
            open_ = [j for j in js if hi[j] > 0 and not taken(j)]
            if not open_:
                return None
            out[max(open_, key=lambda j: point[j])] = 1
    return tuple(out)


def around(lo: Sequence[int], hi: Sequence[int], point: Sequence[int]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    """The region [lo, hi] less one of its points, in parts (lo, hi): for each column j, the points that agree with
    it on the columns before j and lie below it, or above it, on j. They partition the rest of the region."""
    parts = []
    fixed_lo, fixed_hi = list(lo), list(hi)
    for j, x in enumerate(point):
        for a, b in ((lo[j], x - 1), (x + 1, hi[j])):
            if a <= b:
                parts.append(((*fixed_lo[:j], a, *fixed_lo[j + 1 :]), (*fixed_hi[:j], b, *fixed_hi[j + 1 :])))
        fixed_lo[j] = fixed_hi[j] = x
    return parts


def point_of(vars_: Sequence[Var], actions: Sequence[Action]) -> tuple[int, ...]:
    """The columns' values of a plan's purchases (free claims are no columns)."""
    have = {(a.offer, a.date): a.count for a in actions}
    out = []
    for v in vars_:
        if v.stackable:
            out.append(have.get((v.actions[0].offer, v.actions[0].date), 0))
        else:
            out.append(int(all(have.get((a.offer, a.date), 0) >= a.count for a in v.actions)))
    return tuple(out)


class Group(NamedTuple):
    """The charges of one meter in one stretch of days: yuan at list price, billable units, days."""

    amount: Fraction
    units: Fraction
    days: int


class Reach(NamedTuple):
    """A group a grant can absorb from: its column, the stretch's first day, the meter's rate, the units a
    rounded charge may blur (0 when charges are exact), the stretch and the meter."""

    col: int
    first: date
    rate: Fraction
    slack: Fraction
    seg: int
    meter: str


class Switched(NamedTuple):
    """A greedy-order row that holds only where its grant's count is at least one pack: on with that many packs'
    size (what the grant holds at least) on the absorptions it limits, off elsewhere (session.py)."""

    row: int
    var: int
    cols: list[int]  # the absorptions of the later grant, whose coefficient is the earlier grant's size
    size: Fraction  # one pack's


@dataclass
class Model:
    """The program and what the session needs to read of it."""

    program: Program
    vars: list[Var]
    constant: Fraction  # objective = upfront + list price - what is absorbed: the list price is the constant
    offer_vars: dict[str, list[int]] = field(default_factory=dict)  # offer -> its columns x_j
    uses: dict[str, int] = field(default_factory=dict)  # offer -> u_o, 0-1: a plan buys it at all (sets in rounds)
    buys_rows: dict[str, int] = field(default_factory=dict)  # offer -> the row "sum x_j >= 1 if required"
    most_rows: dict[str, int] = field(default_factory=dict)  # offer -> the row "sum x_j <= (sum hi_j) u_o"
    switched: list[Switched] = field(default_factory=list)
    upfront: int | None = None  # the max_upfront row, when --max-upfront caps the purchases


def settled(e: Entitlement, sheet: PriceSheet) -> tuple[object, ...]:
    """The part of a grant's place in the waterfall (Entitlement.order) a plan's listing cannot change: stage
    and expiry, and with acquired_then_offer the day and offer id too (B13)."""
    return e.order[: 4 if sheet.settings.tie_break is TieBreak.acquired_then_offer else 2]


@dataclass
class Build:
    """What the families of a model share while they write it."""

    scenario: Scenario
    sheet: PriceSheet
    model: Model
    ents: list[Entitlement] = field(default_factory=list)
    scale: list[int | None] = field(default_factory=list)  # the column that scales each grant; None: held
    segs: list[tuple[date, date]] = field(default_factory=list)
    groups: dict[tuple[int, str], Group] = field(default_factory=dict)  # (stretch, meter) -> its charges
    mix: dict[int, set[Fraction]] = field(default_factory=dict)  # stretch -> idle shares of its days' traffic
    reach: dict[int, list[Reach]] = field(default_factory=dict)  # grant -> the groups it can absorb from
    absorbing: dict[tuple[int, str], list[tuple[int, int]]] = field(default_factory=dict)  # group -> (grant, col)
    check: Callable[[], None] = lambda: None  # raises Stop once the comparison's time is up (a large scenario)

    @property
    def program(self) -> Program:
        return self.model.program

    @property
    def vars(self) -> list[Var]:
        return self.model.vars

    def rate(self, meter: str) -> Fraction:
        m = self.sheet.meters[meter]
        return q(m.price) / q(m.divisor)

    @property
    def fen(self) -> Fraction:
        """How far a charge rounded to charge_places may be from the exact one (0 when charges are exact)."""
        places = self.sheet.settings.charge_places
        return Fraction(1, 10**places) if places is not None else ZERO


# --- the columns of purchases -------------------------------------------------------------------


def purchase_vars(space: Space, sheet: PriceSheet) -> list[Var]:
    out: list[Var] = []
    for i, decision in enumerate(space.fixed):
        for choice in decision.choices:
            if choice:
                price = listed_price(choice, sheet)
                out.append(Var(i, choice, choice[0].offer, price, 1, False))
    for i, decision in enumerate(space.counts, len(space.fixed)):
        one = replace(decision.choices[1][0], count=1)
        out.append(Var(i, (one,), one.offer, q(sheet.offers[one.offer].price), len(decision.choices) - 1, True))
    return out


def purchase_columns(b: Build) -> None:
    """x_j: packs bought on slot j (0..hi), or option j taken (0-1); each costs its price in the objective."""
    for j, v in enumerate(b.vars):
        a = v.actions[0]
        kind = "buy" if v.stackable else "take"
        b.program.column(f"{kind}_{a.offer}@{a.date}", v.price, ZERO, Fraction(v.hi), whole=True)
        b.model.offer_vars.setdefault(v.offer, []).append(j)


# --- the purchase rules -------------------------------------------------------------------------


def choice_rows(b: Build) -> None:
    """One option per choice: sum_{j in d} x_j <= 1 (B15, B16); an option that would overlap a pack of its group
    the scenario holds is never taken (x_j <= 0), and two options of different slots that would overlap are
    not both taken: x_i + x_j <= 1 (B16, one pack of a group at a time)."""
    by_decision: dict[int, list[int]] = {}
    for j, v in enumerate(b.vars):
        if not v.stackable:
            by_decision.setdefault(v.decision, []).append(j)
    for d, js in by_decision.items():
        if len(js) > 1:
            b.program.row(f"one_of_{d}", [(j, ONE) for j in js], None, ONE)
    held = b.scenario.holdings
    choices = [j for j, v in enumerate(b.vars) if not v.stackable]
    holding = {j: tuple(Holding(a.offer, a.date, a.count, None, "", -1) for a in b.vars[j].actions) for j in choices}
    for j in choices:
        if overlaps(held + holding[j], b.sheet):
            b.program.upper[j] = ZERO
    for x, y in ((x, y) for n, x in enumerate(choices) for y in choices[n + 1 :]):
        if b.vars[x].decision != b.vars[y].decision and overlaps(holding[x] + holding[y], b.sheet):
            b.program.row(f"apart_{b.program.names[x]}_{b.program.names[y]}", [(x, ONE), (y, ONE)], None, ONE)


def offer_rows(b: Build) -> None:
    """Which offers a plan buys. buys_o: sum_{j of o} x_j >= 1 when o is required of a region (else >= 0, set by
    the session; an offer a region leaves out has its columns at 0, sets.py); u_o in {0, 1} with
    sum_j x_j <= (sum_j hi_j) u_o and sum_j x_j >= u_o: u_o = 1 exactly when the plan buys o, so that rounds of
    branch and cut can enumerate the sets of offers on u (session.next_set)."""
    m = b.model
    m.buys_rows = {o: b.program.row(f"buys_{o}", [(j, ONE) for j in js], ZERO, None) for o, js in m.offer_vars.items()}
    for o, js in m.offer_vars.items():
        u = m.uses[o] = b.program.column(f"uses_{o}", ZERO, ZERO, ONE, whole=True)
        most = Fraction(sum(b.vars[j].hi for j in js))
        m.most_rows[o] = b.program.row(f"uses_most_{o}", [*((j, ONE) for j in js), (u, -most)], None, ZERO)
        b.program.row(f"uses_least_{o}", [*((j, ONE) for j in js), (u, -ONE)], ZERO, None)


def upfront_row(b: Build, max_upfront: Fraction | None) -> None:
    """--max-upfront: sum_j price_j x_j <= the cap."""
    if max_upfront is not None:
        b.model.upfront = b.program.row("max_upfront", [(j, v.price) for j, v in enumerate(b.vars)], None, max_upfront)
