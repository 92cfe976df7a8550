"""Usage turned into daily quantities per meter, exactly: what a scenario uses on each calendar day.

A day is the engine's slice of time: every boundary the rules need (a month for bills and
request allowances, a validity that starts or ends at 00:00, a usage entry's first and last
day) falls on a midnight, and the one finer boundary, busy and idle traffic hours (B7), is
kept by taking a day's idle-hour traffic first and its busy-hour traffic last.

A weekly or monthly figure is spread evenly over the days it covers, exactly (1,200
GPU-seconds a week is 1,200/7 a day), so a whole week or month adds up to the figure and no
day is rounded. Days with the same active entries in the same month use the same quantities,
so they are worked out once (`Segment`).
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Iterator
from datetime import date
from fractions import Fraction
from typing import NamedTuple, assert_never

from ..calendar import ONE_DAY
from ..money import ZERO, q
from ..pricing import METERS, Increment, MeterId, PriceSheet, dedicated_key, meter_base
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

HOUR = 3600
_METER_RANK = {m: i for i, m in enumerate(METERS)}


@functools.cache
def meter_order(key: str) -> tuple[int, str]:
    """Where a meter's charge of a day stands in the waterfall: idle traffic first, busy traffic last (B7)."""
    return (_METER_RANK[meter_base(key)], key)


def dedicated_hours(hours: Fraction, increment: Increment) -> Fraction:
    """Billable hours of one session (B5): its length rounded up to a whole increment."""
    step = increment.seconds
    seconds = hours * HOUR
    steps = -(-seconds.numerator // (seconds.denominator * step))  # ceiling
    return q(Fraction(steps * step, HOUR))


def _months_between(anchor: date, day: date) -> int:
    return (day.year - anchor.year) * 12 + day.month - anchor.month


def entry_day(u: Usage, day: date, days_in_month: int, increment: Increment) -> Iterator[tuple[str, Fraction]]:
    """(meter key, quantity) of one usage entry on a day of a month of `days_in_month` days."""
    match u:
        case SharedUsage():
            per = {Per.day: 1, Per.week: 7, Per.month: days_in_month}[u.per]
            yield MeterId.shared_gpu, q(u.gpu_seconds) / per
        case DedicatedUsage():
            # each instance's session is rounded on its own (B5), so N copies bill N rounded sessions
            yield dedicated_key(u.spec), dedicated_hours(q(u.hours_per_day), increment) * u.instances
        case StorageUsage():
            yield MeterId.storage, (q(u.gb) + q(u.growth) * _months_between(u.anchor, day)) * 24
        case TrafficUsage():
            # each day's traffic split by idle_share: its idle hours (00:00-08:00) come first (B7)
            daily = q(u.gb_per_month) / days_in_month
            idle = daily * q(u.idle_share)
            yield MeterId.traffic_idle, idle
            yield MeterId.traffic_busy, daily - idle
        case RequestUsage():
            yield MeterId.put_requests, q(u.put_per_month) / days_in_month
            yield MeterId.get_requests, q(u.get_per_month) / days_in_month
        case _:
            assert_never(u)


class Segment(NamedTuple):
    """Consecutive days of one month on which the same entries are active: each day uses `quantities`."""

    day: date
    days: int
    quantities: dict[str, Fraction]  # meter key -> quantity of each day, in waterfall order (meter_order)


Spans = list[tuple[date, date, frozenset[int] | None]]  # each entry's first day, end, and weekdays (None: all)


def spans(entries: tuple[Usage, ...]) -> Spans:
    return [(u.start, u.end, u.weekdays if isinstance(u, DedicatedUsage) else None) for u in entries]


def active_mask(days_of: Spans, day: date) -> int:
    """Which entries are active on a day, bit i for entry i: inside its from/until, and on a dedicated entry's
    weekdays (one session on its days, B4)."""
    weekday, mask = day.weekday(), 0
    for i, (first, end, weekdays) in enumerate(days_of):
        if first <= day < end and (weekdays is None or weekday in weekdays):
            mask |= 1 << i
    return mask


def segments(scenario: Scenario, sheet: PriceSheet) -> Iterator[Segment]:
    """The period's days, in order, as runs of days with the same quantities (days with none are left out)."""
    increment = sheet.settings.dedicated_increment
    entries = scenario.usage
    cache: dict[tuple[int, int, int], dict[str, Fraction]] = {}

    def quantities(key: tuple[int, int, int], day: date) -> dict[str, Fraction]:
        if key not in cache:
            cache[key] = _quantities(entries, key[2], day, increment)
        return cache[key]

    days_of = spans(entries)
    start, count, key = scenario.start, 0, (0, 0, 0)
    day = scenario.start
    while day < scenario.end:
        today = (day.year, day.month, active_mask(days_of, day))
        if today != key or not count:
            if count and quantities(key, start):
                yield Segment(start, count, cache[key])
            start, count, key = day, 0, today
        count += 1
        day += ONE_DAY
    if count and quantities(key, start):
        yield Segment(start, count, cache[key])


def _quantities(entries: tuple[Usage, ...], mask: int, day: date, increment: Increment) -> dict[str, Fraction]:
    """Quantities per meter key of a day on which the entries in `mask` are active."""
    n = calendar.monthrange(day.year, day.month)[1]
    out: dict[str, Fraction] = {}
    for i, u in enumerate(entries):
        if mask >> i & 1:
            for key, qty in entry_day(u, day, n, increment):
                out[key] = out.get(key, ZERO) + qty
    return {k: out[k] for k in sorted(out, key=meter_order) if out[k]}
