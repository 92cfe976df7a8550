"""The billing engine: daily charges at list price, absorbed through the deduction waterfall, billed per month.

    usage.py      what a scenario uses each day, per meter, exactly
    charges.py    usage priced at list price (B3-B7), in runs of identical days
    waterfall.py  each charge through the live trials, packs and vouchers (B12, B13, B16, B17)
    result.py     charges, balances, bills, totals and notes of a run; monthly and daily views
    budget.py     the budget gate

Every amount is an exact rational (money.py); only the sheet's own rounding rules round.
"""

from __future__ import annotations

from ..pricing import PriceSheet
from ..scenario import Scenario
from .assumptions import dedicated_hours, relied_on, sheet_age, spec_notes
from .budget import BudgetCheck, Measure, check_budget
from .charges import DayCharge, Priced, PricedDay, price_usage
from .result import (
    Balance,
    Bill,
    Charge,
    Costs,
    Estimate,
    Purchase,
    State,
    Totals,
    costs_of,
    daily,
    estimate_of,
    monthly,
    upfront_paid,
)
from .waterfall import Allocation, Entitlement, entitlements, grant_ids, holding_base, run


def simulate(scenario: Scenario, sheet: PriceSheet, state: State | None = None) -> Estimate:
    """Run every day of the scenario through the waterfall (B17) and total it up.

    Usage outside the period is not billed; a holding enters the period with its full grant
    (less `used`, or what `state` carries) and covers usage from 00:00 on the day it was
    acquired, never before; it expires at 00:00 on the day its validity ends (half-open). The
    dedicated specs the scenario prices itself are added to the sheet's.
    """
    sheet = sheet.with_specs(scenario.specs)
    priced = price_usage(scenario, sheet, state.requests_used if state else ())
    done = run(scenario, sheet, priced, dict(state.left) if state else {}, keep=True)
    return estimate_of(scenario, sheet, done, priced)


def costs(scenario: Scenario, sheet: PriceSheet, priced: Priced) -> Costs:
    """The money of a run, for a plan search: the same waterfall, without building the full result."""
    sheet = sheet.with_specs(scenario.specs)
    return costs_of(run(scenario, sheet, priced, {}, keep=False), scenario, sheet, priced.list_price)


__all__ = [
    "Allocation",
    "Balance",
    "Bill",
    "BudgetCheck",
    "Charge",
    "Costs",
    "DayCharge",
    "Entitlement",
    "Estimate",
    "Measure",
    "Priced",
    "PricedDay",
    "Purchase",
    "State",
    "Totals",
    "check_budget",
    "costs",
    "daily",
    "dedicated_hours",
    "entitlements",
    "grant_ids",
    "holding_base",
    "monthly",
    "price_usage",
    "relied_on",
    "sheet_age",
    "simulate",
    "spec_notes",
    "upfront_paid",
]
