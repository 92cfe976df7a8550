"""The budget gate: an estimate's (or the best plan's) cash, postpaid or list price against a limit, over the
whole period or in each calendar month (`--budget-per month`)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import NamedTuple

from ..calendar import month_key
from ..messages import Msg, Yuan, msg
from ..money import ZERO, q
from ..scenario import Case
from .result import Costs, Estimate, Totals


class Measure(StrEnum):
    """What a budget is measured on."""

    cash = "cash"  # upfront plus postpaid due: out of pocket
    postpaid = "postpaid"  # postpaid due
    list = "list"  # list price of all usage


class BudgetCheck(NamedTuple):
    """A measure against a limit. Over the period, `value` is the period's; per month (`per` "month"),
    `months` holds each calendar month's and `value` is the dearest month's."""

    limit: Fraction
    measure: Measure
    value: Fraction
    case: Case | None = None  # the case gated, for a scenario with ranges (--budget-case); None without ranges
    per: str | None = None  # None: the whole period; "month": each calendar month
    months: tuple[tuple[str, Fraction], ...] = ()  # (YYYY-MM, the month's measure) with per "month"

    @property
    def over(self) -> Fraction:
        """By how much the measure is over the limit (the dearest month's, per month); 0 within it."""
        return max(ZERO, self.value - self.limit)

    @property
    def exceeded(self) -> bool:
        return self.value > self.limit

    @property
    def months_over(self) -> tuple[str, ...]:
        """The months whose measure is over the limit (per month only)."""
        return tuple(m for m, v in self.months if v > self.limit)

    def verdict(self) -> Msg:
        """The verdict as a message: exceeded by how much (and in which months), or within."""
        args = {"measure": self.measure, "value": Yuan(self.value), "limit": Yuan(self.limit)}
        if self.per == "month":
            if self.exceeded:
                said = msg("budget.months-exceeded", over=Yuan(self.over), months=self.months_over, **args)
            else:
                said = msg("budget.months-within", **args)
        elif self.exceeded:
            said = msg("budget.exceeded", over=Yuan(self.over), **args)
        else:
            said = msg("budget.within", **args)
        return said if self.case is None else msg("budget.in-case", verdict=said, case=self.case)


def check_budget(
    totals: Totals | Costs, limit: Decimal | Fraction, measure: Measure, case: Case | None = None
) -> BudgetCheck:
    value = {Measure.cash: totals.cash, Measure.postpaid: totals.postpaid_due, Measure.list: totals.list_price}[measure]
    return BudgetCheck(q(limit), measure, value, case)


def month_values(result: Estimate, measure: Measure) -> tuple[tuple[str, Fraction], ...]:
    """Each calendar month's measure: cash (the month's purchases plus its bill as due), postpaid due, or the
    list price of its usage; every month of the period, in order."""
    values = {b.month: b.postpaid_due for b in result.bills}
    if measure is Measure.list:
        values = dict.fromkeys(values, ZERO)
        for c in result.charges:
            values[c.month] += c.amount
    elif measure is Measure.cash:
        for month, paid in month_upfront(result).items():
            values[month] = values.get(month, ZERO) + paid
    return tuple(values.items())


def month_upfront(result: Estimate) -> dict[str, Fraction]:
    """What the period's purchases cost in each month they were bought (upfront, paid that month)."""
    out: dict[str, Fraction] = {}
    for p in result.purchases:
        if p.in_period:
            out[month_key(p.acquired)] = out.get(month_key(p.acquired), ZERO) + p.price
    return out


def check_month_budget(
    result: Estimate, limit: Decimal | Fraction, measure: Measure, case: Case | None = None
) -> BudgetCheck:
    """--budget-per month: every calendar month's measure against the limit; over when any month is."""
    months = month_values(result, measure)
    dearest = max((v for _, v in months), default=ZERO)
    return BudgetCheck(q(limit), measure, dearest, case, "month", months)
