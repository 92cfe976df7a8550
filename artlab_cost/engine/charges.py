"""Usage priced at list price: dated charges per meter, one calendar day at a time (B3-B7)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from typing import NamedTuple

from ..calendar import month_key
from ..pricing import METERS, MeterId, PriceSheet, meter_base
from ..scenario import Scenario
from .usage import HOUR, usage_by_day

ZERO = Decimal(0)
# Quantities and prices are each at most 15 digits before the point (the schema's cap) and
# charges keep `charge_places` after it, so products need more than decimal's default 28.
PRECISION = 64
_METER_RANK = {m: i for i, m in enumerate(METERS)}


def meter_order(key: str) -> tuple[int, str]:
    """Where a meter's charge of a day stands in the waterfall: idle traffic first, busy traffic last (B7)."""
    return (_METER_RANK[meter_base(key)], key)


def charge_value(units: Decimal, price: Decimal, divisor: Decimal, places: Decimal) -> Decimal:
    """Yuan for `units` of a meter at list price, kept to the sheet's charge precision (B20)."""
    return (units * price / divisor).quantize(places, ROUND_HALF_EVEN)


class DayCharge(NamedTuple):
    """One meter's usage of one day at list price."""

    meter: str
    quantity: Decimal  # units used
    billable: Decimal  # units billed, after a monthly free allowance (B6)
    amount: Decimal  # yuan


class PricedDay(NamedTuple):
    """A run of identical days of one month, priced before any entitlement: `charges` is one day of the run."""

    day: date
    count: int  # type: ignore[assignment]
    month: str
    charges: tuple[DayCharge, ...]


class Priced(NamedTuple):
    """A scenario's usage priced day by day; it does not depend on what is held, so plans share it."""

    days: tuple[PricedDay, ...]
    requests_used: tuple[tuple[str, Decimal], ...]  # ("put_requests@2026-03", count) of the free allowance
    list_price: Decimal  # all of it at list price


def price_usage(
    scenario: Scenario, sheet: PriceSheet, requests_used: tuple[tuple[str, Decimal], ...] = (), join: bool = True
) -> Priced:
    """Turn usage into dated charges at list price (B3, B4, B5, B6, B7), one day at a time.

    Consecutive days of a month with the same charges are joined into one run (unless `join`
    is off), so the waterfall can take them in one step where nothing changes. `requests_used`
    carries the free request allowance already used in a month from an earlier run.
    """
    with localcontext(prec=PRECISION):
        places = Decimal(1).scaleb(-sheet.settings.charge_places)
        used: dict[str, Decimal] = dict(requests_used)
        out: list[PricedDay] = []
        for day, quantities in usage_by_day(scenario, sheet):
            if not quantities:
                continue
            month = month_key(day)
            charges = tuple(
                _charge(key, quantities[key], sheet, month, used, places) for key in sorted(quantities, key=meter_order)
            )
            last = out[-1] if out else None
            if (
                join
                and last
                and last.month == month
                and last.charges == charges
                and last.day + timedelta(last.count) == day
            ):
                out[-1] = PricedDay(last.day, last.count + 1, month, charges)
            else:
                out.append(PricedDay(day, 1, month, charges))
        total = sum((c.amount * run.count for run in out for c in run.charges), ZERO)
        return Priced(tuple(out), tuple(sorted(used.items())), total)


def _charge(
    key: str, qty: Decimal, sheet: PriceSheet, month: str, used: dict[str, Decimal], places: Decimal
) -> DayCharge:
    meter = sheet.meters[key]
    billable = qty
    if meter.free_per_month:  # B6: a free allowance per calendar month, used first
        used_key = f"{key}@{month}"
        before = used.get(used_key, ZERO)
        used[used_key] = before + qty
        billable = max(ZERO, qty - max(ZERO, meter.free_per_month - before))
    if meter_base(key) is MeterId.dedicated:  # quantities are billable seconds (B5)
        amount = (billable * meter.price / HOUR).quantize(places, ROUND_HALF_EVEN)
        hours = (billable / HOUR).quantize(places, ROUND_HALF_EVEN)
        return DayCharge(key, hours, hours, amount)
    return DayCharge(key, qty, billable, charge_value(billable, meter.price, meter.divisor, places))
