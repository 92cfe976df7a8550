"""Usage turned into daily quantities per meter: what a scenario uses on each calendar day.

A day is the engine's slice of time: every boundary the rules need (a month for bills and
request allowances, a validity that starts or ends at 00:00, a usage entry's first and last
day) falls on a midnight, and the one finer boundary, busy and idle traffic hours (B7), is
handled by splitting a day's traffic in two charges in their order within the day.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_EVEN, Decimal
from typing import assert_never

from ..calendar import days_in_month
from ..pricing import Increment, MeterId, PriceSheet, dedicated_key
from ..scenario import (
    DedicatedUsage,
    Per,
    RequestUsage,
    Scenario,
    SharedUsage,
    StorageUsage,
    TrafficUsage,
    Usage,
)

MICRO = Decimal("0.000001")  # quantities of seconds and GB are spread to a millionth
ONE = Decimal(1)
HOUR = Decimal(3600)
DAY_HOURS = Decimal(24)


def spread(total: Decimal, parts: int, index: int, quantum: Decimal) -> Decimal:
    """The index-th of `parts` equal shares of `total`, rounded down to `quantum`; the last share takes the rest.

    So a whole month (or week) adds up to its figure exactly, each calendar day gets the same
    share whichever days a run covers, and the days before the last are identical, which lets
    the engine take them in one step.
    """
    share = (total / parts).quantize(quantum, ROUND_DOWN)
    return total - share * (parts - 1) if index == parts - 1 else share


def _months_between(anchor: date, day: date) -> int:
    return (day.year - anchor.year) * 12 + day.month - anchor.month


def _rate(per: Per, day: date, amount: Decimal, quantum: Decimal) -> Decimal:
    if per is Per.day:
        return amount
    if per is Per.week:
        return spread(amount, 7, day.weekday(), quantum)
    return spread(amount, days_in_month(day), day.day - 1, quantum)


def dedicated_seconds(hours: Decimal, increment: Increment) -> Decimal:
    """Billable seconds of one session (B5): its length rounded up to the sheet's increment."""
    step = increment.seconds
    return (hours * HOUR / step).to_integral_value(ROUND_CEILING) * step


def _entry_day(u: Usage, day: date, increment: Increment) -> Iterator[tuple[str, Decimal]]:
    """(meter key, quantity) of one usage entry on one day."""
    match u:
        case SharedUsage():
            yield MeterId.shared_gpu, _rate(u.per, day, u.gpu_seconds, MICRO)
        case DedicatedUsage():
            if day.weekday() in u.weekdays:  # one session on each of its days (B4: billed while it runs)
                yield dedicated_key(u.spec), dedicated_seconds(u.hours_per_day, increment)
        case StorageUsage():
            yield MeterId.storage, (u.gb + u.growth * _months_between(u.anchor, day)) * DAY_HOURS
        case TrafficUsage():
            # the month's idle share is fixed first, then both parts are spread over its days,
            # so a month's idle and busy GB add up to exactly what the entry says (B7)
            n = days_in_month(day)
            idle_month = (u.gb_per_month * u.idle_share).quantize(MICRO, ROUND_HALF_EVEN)
            yield MeterId.traffic_idle, spread(idle_month, n, day.day - 1, MICRO)
            yield MeterId.traffic_busy, spread(u.gb_per_month - idle_month, n, day.day - 1, MICRO)
        case RequestUsage():
            n = days_in_month(day)
            yield MeterId.put_requests, spread(u.put_per_month, n, day.day - 1, ONE)
            yield MeterId.get_requests, spread(u.get_per_month, n, day.day - 1, ONE)
        case _:
            assert_never(u)


def day_usage(entries: tuple[Usage, ...], day: date, increment: Increment) -> dict[str, Decimal]:
    """Quantities of one day per meter key: GPU-seconds, dedicated seconds, GB-hours, GB and requests."""
    out: dict[str, Decimal] = {}
    for u in entries:
        if u.start <= day < u.end:
            for key, qty in _entry_day(u, day, increment):
                if qty:
                    out[key] = out.get(key, Decimal(0)) + qty
    return out


def days(start: date, end: date) -> Iterator[date]:
    day = start
    one = timedelta(days=1)
    while day < end:
        yield day
        day += one


def usage_by_day(scenario: Scenario, sheet: PriceSheet) -> Iterator[tuple[date, dict[str, Decimal]]]:
    increment = sheet.settings.dedicated_increment
    for day in days(scenario.start, scenario.end):
        yield day, day_usage(scenario.usage, day, increment)
