"""The answers of robust.py, as values a comparison carries: each plan across the cases of usage given as
ranges, and how far a plan stays the cheapest as all usage is scaled."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import NamedTuple

from ..scenario import Case
from .plan import Plan
from .space import Action

CASES = (Case.low, Case.expected, Case.high)


class Robust(NamedTuple):
    """The listed plans (and the baseline) priced in each case, the cheapest cash of each case, the robust plan."""

    cash: Mapping[tuple[Action, ...], Mapping[Case, Fraction]]  # by a plan's actions
    least: Mapping[Case, Fraction]  # the proven cheapest plan's cash in each case
    cheapest: Mapping[Case, int]  # the rank (1-based) of the listed plan cheapest in each case
    robust: int  # the rank of the plan whose worst regret is smallest
    proven: bool  # each case's cheapest plan proven

    def regret(self, plan: Plan, case: Case) -> Fraction:
        return self.cash[plan.actions][case] - self.least[case]

    def max_regret(self, plan: Plan) -> Fraction:
        return max(self.regret(plan, c) for c in CASES)


class Holds(NamedTuple):
    """The scales of the expected usage over which a listed plan stays the cheapest: `low` to `high` (None: the
    plan is still the cheapest at 0.1x, or at 10x), in hundredths."""

    rank: int
    low: int | None
    high: int | None
    proven: bool  # every probe's search proven
