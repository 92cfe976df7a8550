"""The budget gate: an estimate's (or the best plan's) cash, postpaid or list price against a limit."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import NamedTuple

from ..messages import Msg, Yuan, msg
from ..money import ZERO, q
from ..scenario import Case
from .result import Costs, Totals


class Measure(StrEnum):
    """What a budget is measured on."""

    cash = "cash"  # upfront plus postpaid due: out of pocket
    postpaid = "postpaid"  # postpaid due
    list = "list"  # list price of all usage


class BudgetCheck(NamedTuple):
    limit: Fraction
    measure: Measure
    value: Fraction
    case: Case | None = None  # the case gated, for a scenario with ranges (--budget-case); None without ranges

    @property
    def over(self) -> Fraction:
        return max(ZERO, self.value - self.limit)

    @property
    def exceeded(self) -> bool:
        return self.value > self.limit

    def verdict(self) -> Msg:
        """The verdict as a message: exceeded by how much, or within."""
        args = {"measure": self.measure, "value": Yuan(self.value), "limit": Yuan(self.limit)}
        said = msg("budget.exceeded", over=Yuan(self.over), **args) if self.exceeded else msg("budget.within", **args)
        return said if self.case is None else msg("budget.in-case", verdict=said, case=self.case)


def check_budget(
    totals: Totals | Costs, limit: Decimal | Fraction, measure: Measure, case: Case | None = None
) -> BudgetCheck:
    value = {Measure.cash: totals.cash, Measure.postpaid: totals.postpaid_due, Measure.list: totals.list_price}[measure]
    return BudgetCheck(q(limit), measure, value, case)
