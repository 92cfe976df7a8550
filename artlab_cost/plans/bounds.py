"""The bounds that let the plan search skip plans, each resting on a property of the waterfall (docs/plans.md).

1. Monotone: one more trial, pack or voucher never raises postpaid.
2. Rounding is bounded: a month's bill is within one rounding step of its exact postpaid.
3. What one more pack saves is bounded: its own value, plus what it lets later grants gain
   (`shift_allowance`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from ..calendar import add_months
from ..engine import Costs, grant_ids
from ..messages import note
from ..money import ZERO, q
from ..pricing import GrantKind, MeterId, PriceSheet, TieBreak
from ..scenario import Scenario
from .space import Action, Decision, Space, months_touched, unit_prices

UNREACHABLE = q(10**60)  # the cost of a plan the rules do not allow: more than any plan's cash
SPENT = (GrantKind.quantity, GrantKind.monthly)  # grants of units, spent on dearer or cheaper charges


def last_pack(result: Costs, action: Action, sheet: PriceSheet) -> tuple[bool, bool]:
    """Whether the last of an action's stacked packs absorbed anything, and whether it was left unused in part.

    Stacked packs are used one after another (B16), so the last one absorbed something only if
    the whole stack absorbed more than count - 1 packs hold (a monthly quota: in its fullest month,
    which `Costs` gives scaled to a whole month).
    """
    absorbed_any, unused_any = False, False
    offer = sheet.offers[action.offer]
    for grant, ident in zip(offer.grants, grant_ids(action.prefix(), offer), strict=True):
        if ident not in result.absorbed:
            continue
        absorbed_any |= result.absorbed[ident] > q(grant.size) * (action.count - 1)
        unused_any |= result.unused[ident] > 0
    return absorbed_any, unused_any


def rounding_slack(sheet: PriceSheet, months: int) -> Fraction:
    """(2) How far the billed postpaid of `months` bills can fall below the exact postpaid: one step a month (B20)."""
    return q(Fraction(months, 10**sheet.settings.bill_places))


def crossing(a: int, b: int, low_a: Fraction, low_b: Fraction, gain: Fraction, price: Fraction) -> list[int]:
    """Counts next to where low_a - (n - a) gain meets low_b - (b - n) price, inside (a, b)."""
    slope = gain + price
    if slope <= 0 or max(low_a, low_b) >= UNREACHABLE / 2:
        return []
    n = (low_a - low_b + a * gain + b * price) / slope
    base = int(n)
    return [k for k in (base, base + 1) if a < k < b]


def count_range_bound(
    a: int, b: int, tried: dict[int, Fraction], value: Fraction, shift: Fraction, price: Fraction
) -> Fraction:
    """(1, 3) No count n strictly between two tried counts a < b costs less than this.

    Pack n+1 lowers postpaid by at most its `value`, and all packs after the first by at
    most `shift` more in all; more packs never raise it. So, with E the tried upfront plus exact
    postpaid, count n costs at least max(E(a) - (n - a)(value - price) - shift, E(b) - (b - n) price).
    """
    gain = max(value - price, ZERO)
    low_a, low_b = tried[a] - shift, tried[b]
    return min(
        max(low_a - (n - a) * gain, low_b - (b - n) * price)
        for n in {a + 1, b - 1, *crossing(a, b, low_a, low_b, gain, price)}
    )


def min_completion(counts: list[Decision], curves: list[list[Fraction]], picked: list[int]) -> Fraction:
    """(1) The least that the counts still open can add: their price plus the largest curve value, minimised."""
    floor = max((curves[i][n] for i, n in enumerate(picked)), default=ZERO)
    open_ = range(len(picked), len(counts))
    if not open_:
        return floor
    thresholds = sorted({floor, *(v for i in open_ for v in curves[i] if v >= floor)})
    best: Fraction | None = None
    for t in thresholds:
        total = t
        for i in open_:
            n = next((k for k, v in enumerate(curves[i]) if v <= t), None)
            if n is None:
                break
            total += counts[i].price * n
        else:
            best = total if best is None else min(best, total)
    return best if best is not None else floor


@dataclass(frozen=True)
class Template:
    """A grant that may be live in some plan: where it stands in the waterfall and what it covers."""

    key: tuple[int, date, date, str]  # where it stands in the waterfall: stage, expiry, then the tie-break
    covers: frozenset[MeterId]
    spread: Fraction  # units spent over meters of different prices: all it can give x (dearest - cheapest); else 0
    source: Action | None


def templates(scenario: Scenario, sheet: PriceSheet, claims: list[Action], variables: list[Decision]) -> list[Template]:
    """Every grant any plan may hold: the holdings, the claims, each choice of the fixed decisions and
    each count at its largest."""
    rank = {stage: i for i, stage in enumerate(sheet.settings.deduction_order)}
    by_acquired = sheet.settings.tie_break is TieBreak.acquired_then_offer
    actions: list[tuple[str, date, int, Action | None]] = [
        (h.offer, h.acquired, h.count, None) for h in scenario.holdings
    ]
    actions += [(a.offer, a.date, a.count, a) for a in claims]
    for v in variables:
        chosen = [v.generous] if v.price else v.choices
        actions += [(a.offer, a.date, a.count, a) for choice in chosen for a in choice]
    out = []
    for offer_id, day, count, action in actions:
        offer = sheet.offers[offer_id]
        ends = add_months(day, offer.validity_months)
        for g in offer.grants:
            prices = [p for meter in g.covers for p in unit_prices(sheet, meter)]
            months = months_touched(day, min(ends, scenario.end)) if g.kind is GrantKind.monthly else 1
            units = q(g.size) * count * months
            spread = units * (max(prices) - min(prices)) if g.kind in SPENT else ZERO
            tie = (day, offer_id) if by_acquired else (date.min, "")  # B13, as the engine orders them
            out.append(Template((rank[offer.stage], ends, *tie), g.covers, spread, action))
    return out


def shift_allowance(var: Decision, all_templates: list[Template]) -> Fraction:
    """(3) How much more than its own absorption more packs of `var` can lower postpaid, whatever their count.

    Charges a pack takes leave every grant after it with less or equal to absorb at each charge
    (the waterfall is monotone), so amounts, capacities and single-price quantities after it
    absorb no more yuan than before. A quantity over meters of different prices (busy and idle
    traffic) absorbs no more units either, but may spend them on dearer charges: at most its
    size times the price difference. The effect reaches, in waterfall order, each grant after
    the pack that shares a meter with the pack or with a grant reached before it; grants whose
    order against each other is not known (the same place in the order) are all taken as after.
    """
    first = var.generous[0]
    own = [
        t
        for t in all_templates
        if t.source is not None and (t.source.offer, t.source.date) == (first.offer, first.date)
    ]
    start = min(t.key for t in own)
    meters = set().union(*(t.covers for t in own))
    later = sorted((t for t in all_templates if t not in own and t.key >= start), key=lambda t: t.key)
    shift = ZERO
    for _, group in itertools.groupby(later, key=lambda t: t.key):
        pending = list(group)
        grew = True
        while grew:  # within one place in the order, reach in any direction
            grew = False
            for t in list(pending):
                if t.covers & meters:
                    meters |= t.covers
                    shift += t.spread
                    pending.remove(t)
                    grew = True
    return shift


def drop_hopeless(space: Space) -> None:
    """Counts of offers that cannot pay for themselves are not searched (docs/plans.md: the one inexact cut).

    An offer whose price is at least its value, and whose effect reaches no mixed-price quantity
    (allowance 0), can lower cash only through monthly rounding, by under one rounding step a
    month; with bill_places of 2 or more that is under a fen, so such packs are left out, and said.
    """
    all_templates = templates(space.scenario, space.sheet, space.claims, space.fixed + space.counts)
    kept = []
    for var in space.counts:
        var.shift = shift_allowance(var, all_templates)
        if var.shift == 0 and var.price >= var.value and space.sheet.settings.bill_places >= 2:
            space.notes.append(note("plans.never-worth", offer=var.generous[0].offer, price=var.price, value=var.value))
            continue
        kept.append(var)
    space.counts = kept


def generous(rest: Sequence[Decision]) -> tuple[Action, ...]:
    """(1) Every open decision at its most generous: no completion of a plan absorbs more."""
    return tuple(a for v in rest for a in v.generous)
