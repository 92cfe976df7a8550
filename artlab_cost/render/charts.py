"""What the charts show, as exact figures: a result's months by stage, each entitlement's balance over time.

Pure data, no drawing (svg.py draws it): the HTML report and the terminal's --chart read the same
figures, which are those of the JSON (the same result, summed the same way).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from fractions import Fraction
from typing import NamedTuple

from ..calendar import add_months
from ..changes import Diff, month_sides
from ..engine import Balance, Estimate
from ..money import ZERO
from ..pricing import GrantKind, Stage
from ..scenario import Case


class Month(NamedTuple):
    """One month of a result: how its list price was absorbed, and what left the pocket in it."""

    month: str  # YYYY-MM
    list_price: Fraction
    stages: tuple[tuple[Stage, Fraction], ...]  # in deduction order, postpaid (exact) included; they sum to list
    upfront: Fraction  # packs bought in the month
    postpaid_due: Fraction  # the month's bill, rounded as the sheet says (B20)

    @property
    def cash(self) -> Fraction:
        return self.upfront + self.postpaid_due


def months(result: Estimate) -> list[Month]:
    """Every month of the period, in order (a month with no usage is there, at zero)."""
    out = []
    for key, side in month_sides(result).items():
        parts = tuple((s, side.get("postpaid_exact" if s is Stage.postpaid else str(s), ZERO)) for s in result.stages)
        out.append(Month(key, side["list"], parts, side.get("upfront", ZERO), side.get("postpaid_due", ZERO)))
    return out


def cash_band(result: Estimate) -> list[tuple[str, Fraction, Fraction]]:
    """Each month's cash out of pocket, lowest and highest over the low, expected and high case (usage given as
    ranges). The lowest of the three, not the low case's: cash need not be monotone in `idle_share`."""
    per_case = [months(result.case(c)) for c in Case]
    return [
        (m.month, min(ms[i].cash for ms in per_case), max(ms[i].cash for ms in per_case))
        for i, m in enumerate(per_case[0])
    ]


def diff_cash_band(d: Diff, side: str) -> list[tuple[str, Fraction, Fraction]]:
    """Each month of a diff: one side's (`before` or `after`) cash, lowest and highest over the three cases."""
    per_case = [[getattr(line, side).get("cash", ZERO) for line in d.case(c).months] for c in Case]
    return [(line.key, min(v[i] for v in per_case), max(v[i] for v in per_case)) for i, line in enumerate(d.months)]


Point = tuple[date, Fraction]


class Track(NamedTuple):
    """An entitlement's balance from the day it counts in the period to the period's end or its expiry.

    A straight line joins two points (usage within a run of identical days is even); two or three
    points on one day are a jump: what is left lapsing at expiry, or a monthly quota's remainder
    lapsing on the 1st (down to 0) and the quota restored (back up), so an unused month shows. A
    capacity (a storage pack: GB at every hour) is drawn as the capacity it leaves unused, per hour
    on average over each day.
    """

    balance: Balance
    points: tuple[Point, ...]
    top: Fraction  # the most it holds at one time: the chart's scale
    first: date  # where the track starts: its start or the period's
    last: date  # where it ends (exclusive): its expiry or the period's end
    expires_inside: bool  # its expiry falls in the period: what is left then lapses


def _rates(result: Estimate, ident: str, kind: GrantKind) -> dict[date, Fraction]:
    """How the daily draw on one entitlement changes, by day: + where a run of days starts drawing, - where it
    stops (in its unit; yuan for an amount; GB for a capacity, GB-hours over 24)."""
    changes: dict[date, Fraction] = defaultdict(Fraction)
    for c in result.charges:
        for a in c.allocations:
            if a.entitlement != ident:
                continue
            drawn = a.amount if kind is GrantKind.amount else a.quantity
            if kind is GrantKind.capacity:
                drawn /= 24
            rate = drawn / (c.end - c.start).days
            changes[c.start] += rate
            changes[c.end] -= rate
    return changes


def _boundaries(b: Balance, first: date, last: date, changes: dict[date, Fraction]) -> tuple[list[date], set[date]]:
    """The days the track bends on (a draw starts or stops, a month turns), and the months a quota is restored."""
    resets: set[date] = set()
    if b.kind is GrantKind.monthly:
        month = add_months(first.replace(day=1), 1)
        while month < last:
            resets.add(month)
            month = add_months(month, 1)
    return sorted({first, last, *resets, *(d for d in changes if first < d < last)}), resets


def track(b: Balance, result: Estimate) -> Track:
    """One entitlement's balance over the period (see Track). A monthly quota starts from what it held when it
    began (its first month's quota, prorated or not as the sheet says) and is restored in full on each 1st."""
    first, last = max(b.starts, result.start), min(b.ends, result.end)
    changes = _rates(result, b.id, b.kind)
    days, resets = _boundaries(b, first, last, changes)
    rate = sum((v for d, v in changes.items() if d <= first), ZERO)  # the draw on the first day
    capacity = b.kind is GrantKind.capacity
    level = b.initial - rate if capacity else b.initial
    points: list[Point] = [(first, level)]
    for before, day in zip(days, days[1:], strict=False):
        if capacity:  # a step: the capacity in use is constant over a run of identical days
            points.append((day, level))
            if day == last:
                break
            rate += changes.get(day, ZERO)
            level = b.initial - rate
        else:
            level -= rate * (day - before).days
            rate += changes.get(day, ZERO)
            if day in resets:  # the month's remainder lapses (down to 0), then the quota is restored
                points += [(day, level), (day, ZERO)]
                level = b.per_month
        points.append((day, level))
    expires_inside = b.ends <= result.end
    # What is left lapses at expiry (B12); a monthly quota's remainder also when the period ends with its month.
    lapses = expires_inside or (b.kind is GrantKind.monthly and last.day == 1)
    if lapses and not capacity and level:
        points.append((last, ZERO))
    top = max([b.initial, b.per_month, *(v for _, v in points)])
    return Track(b, _simplified(points), top, first, last, expires_inside)


def _simplified(points: list[Point]) -> tuple[Point, ...]:
    """The points without repeats and without the middle of a level run (the line drawn is the same)."""
    out: list[Point] = []
    for p in points:
        if out and out[-1] == p:
            continue
        if len(out) >= 2 and out[-2][1] == out[-1][1] == p[1]:
            out[-1] = p
            continue
        out.append(p)
    return tuple(out)


def tracks(result: Estimate) -> list[Track]:
    """Every entitlement's track, in the order of the balances table."""
    return [track(b, result) for b in result.balances]
