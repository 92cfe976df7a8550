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

from .calendar import days_in_month
from .pricing import INCREMENT_SECONDS, PriceSheet
from .scenario import Scenario, Usage

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


def _rate(u: Usage, day: date, amount: Decimal, quantum: Decimal) -> Decimal:
    if u.per == "day":
        return amount
    if u.per == "week":
        return spread(amount, 7, day.weekday(), quantum)
    return spread(amount, days_in_month(day), day.day - 1, quantum)


def dedicated_seconds(hours: Decimal, increment: str) -> Decimal:
    """Billable seconds of one session (B5): its length rounded up to the sheet's increment."""
    step = INCREMENT_SECONDS[increment]
    return (hours * HOUR / step).to_integral_value(ROUND_CEILING) * step


def day_usage(entries: tuple[Usage, ...], day: date, increment: str) -> dict[str, Decimal]:
    """Quantities of one day per meter key: GPU-seconds, dedicated seconds, GB-hours, GB and requests."""
    out: dict[str, Decimal] = {}

    def add(key: str, qty: Decimal) -> None:
        if qty:
            out[key] = out.get(key, Decimal(0)) + qty

    for u in entries:
        if not (u.start <= day < u.end):
            continue
        if u.kind == "shared":
            add("shared_gpu", _rate(u, day, u.gpu_seconds, MICRO))
        elif u.kind == "dedicated":
            if day.weekday() in u.weekdays:  # one session on each of its days (B4: billed while it runs)
                add(f"dedicated:{u.spec}", dedicated_seconds(u.hours_per_day, increment))
        elif u.kind == "storage":
            gb = u.gb + u.growth * _months_between(u.anchor, day)
            add("storage", gb * DAY_HOURS)
        elif u.kind == "traffic":
            # the month's idle share is fixed first, then both parts are spread over its days,
            # so a month's idle and busy GB add up to exactly what the entry says (B7)
            n = days_in_month(day)
            idle_month = (u.gb_per_month * u.idle_share).quantize(MICRO, ROUND_HALF_EVEN)
            add("traffic_idle", spread(idle_month, n, day.day - 1, MICRO))
            add("traffic_busy", spread(u.gb_per_month - idle_month, n, day.day - 1, MICRO))
        else:
            n = days_in_month(day)
            add("put_requests", spread(u.put_per_month, n, day.day - 1, ONE))
            add("get_requests", spread(u.get_per_month, n, day.day - 1, ONE))
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
