"""The budget gate: an estimate's (or the best plan's) cash, postpaid or list price against a limit."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import NamedTuple

from ..messages import Msg, Yuan, msg
from ..money import ZERO, q
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

    @property
    def over(self) -> Fraction:
        return max(ZERO, self.value - self.limit)

    @property
    def exceeded(self) -> bool:
        return self.value > self.limit

    def verdict(self) -> Msg:
        """The verdict as a message: exceeded by how much, or within."""
        args = {"measure": self.measure, "value": Yuan(self.value), "limit": Yuan(self.limit)}
        if self.exceeded:
            return msg("budget.exceeded", over=Yuan(self.over), **args)
        return msg("budget.within", **args)


def check_budget(totals: Totals | Costs, limit: Decimal | Fraction, measure: Measure) -> BudgetCheck:
    value = {Measure.cash: totals.cash, Measure.postpaid: totals.postpaid_due, Measure.list: totals.list_price}[measure]
    return BudgetCheck(q(limit), measure, value)
