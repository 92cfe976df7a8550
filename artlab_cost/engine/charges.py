"""Usage priced at list price (B3-B7): runs of identical days, each day's charge per meter, exactly."""

from datetime import date, timedelta
from fractions import Fraction
from typing import NamedTuple

from ..calendar import month_key
from ..money import ZERO, q, round_to, total
from ..pricing import PriceSheet, Rounding
from ..scenario import Scenario
from .usage import Segment, segments


class Pricer:
    """Yuan for units of a meter at list price; rounded each day only if the sheet sets charge_places."""

    def __init__(self, sheet: PriceSheet) -> None:
        self.places = sheet.settings.charge_places
        self.rates = {k: q(m.price) / q(m.divisor) for k, m in sheet.meters.items()}
        # the same units of a meter recur day after day; keyed by their integers, which hash far faster
        self.known: dict[tuple[str, int, int], Fraction] = {}

    def value(self, meter: str, units: Fraction) -> Fraction:
        key = (meter, units.numerator, units.denominator)
        found = self.known.get(key)
        if found is None:
            amount = units * self.rates[meter]
            found = amount if self.places is None else round_to(amount, self.places, Rounding.half_even)
            self.known[key] = found
        return found


class DayCharge(NamedTuple):
    """One meter's usage of one day at list price."""

    meter: str
    quantity: Fraction  # units used
    billable: Fraction  # units billed, after a monthly free allowance (B6)
    amount: Fraction  # yuan


class PricedDay(NamedTuple):
    """A run of identical days of one month, priced before any entitlement: `charges` is one day of the run."""

    day: date
    days: int
    month: str
    charges: tuple[DayCharge, ...]


class Priced(NamedTuple):
    """A scenario's usage priced day by day; it does not depend on what is held, so plans share it."""

    days: tuple[PricedDay, ...]
    requests_used: tuple[tuple[str, Fraction], ...]  # ("put_requests@2026-03", count) of the free allowance
    list_price: Fraction  # all of it at list price


def _allowance_splits(
    seg: Segment, allowances: dict[str, Fraction], used: dict[str, Fraction], month: str
) -> list[int]:
    """Days into the segment where a free monthly allowance runs out (B6): the day it does is a run of its own."""
    cuts: set[int] = set()
    for key, free in allowances.items():
        qty = seg.quantities.get(key)
        if not qty:
            continue
        before = used.get(f"{key}@{month}", ZERO)
        if before < free < before + qty * seg.days:
            k = int((free - before) / qty)  # whole days still inside the allowance
            cuts.update({k, k + 1} if (free - before) % qty else {k})
    return sorted(c for c in cuts if 0 < c < seg.days)


def _day_charges(
    quantities: dict[str, Fraction],
    allowances: dict[str, Fraction],
    used: dict[str, Fraction],
    month: str,
    days: int,
    pricer: Pricer,
) -> tuple[DayCharge, ...]:
    """One day's charges of a run of `days` identical days; the run's requests count against the allowance."""
    out = []
    for key, qty in quantities.items():  # in waterfall order (segments)
        billable = qty
        free = allowances.get(key)
        if free:  # B6: a free allowance per calendar month, used first
            used_key = f"{key}@{month}"
            before = used.get(used_key, ZERO)
            used[used_key] = before + qty * days
            billable = max(ZERO, qty - max(ZERO, free - before))  # every day of the run alike (split above)
        out.append(DayCharge(key, qty, billable, pricer.value(key, billable)))
    return tuple(out)


def price_usage(scenario: Scenario, sheet: PriceSheet, requests_used: tuple[tuple[str, Fraction], ...] = ()) -> Priced:
    """Turn usage into runs of identical days of one month with their charges at list price (B3, B4, B5, B6, B7).

    `requests_used` carries the free request allowance already used in a month by an earlier run.
    """
    sheet = sheet.with_specs(scenario.specs)
    pricer = Pricer(sheet)
    allowances = {k: q(m.free_per_month) for k, m in sheet.meters.items() if m.free_per_month}
    used: dict[str, Fraction] = dict(requests_used)
    out: list[PricedDay] = []
    for seg in segments(scenario, sheet):
        month = month_key(seg.day)
        bounds = [0, *_allowance_splits(seg, allowances, used, month), seg.days]
        for a, b in zip(bounds, bounds[1:], strict=False):
            charges = _day_charges(seg.quantities, allowances, used, month, b - a, pricer)
            out.append(PricedDay(seg.day + timedelta(a), b - a, month, charges))
    # a day's charges summed, then times its run's days: a year of runs is a hundred products, not a thousand
    list_price = total([total([c.amount for c in run.charges]) * run.days for run in out]) if out else ZERO
    return Priced(tuple(out), tuple(sorted(used.items())), list_price)
