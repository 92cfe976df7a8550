"""The plans the purchase rules allow: which offers are candidates, and the decisions a plan is made of.

A plan is what to claim or buy on top of what the scenario already holds: each once-per-user
offer (B10, B15) taken or not; each once-per-validity group (B16) one member or none per
validity slot; each stackable offer (B16) a count at the start of each validity slot.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from ..calendar import add_months, days_in_month
from ..engine import Priced
from ..errors import UsageError
from ..messages import Note, msg, note
from ..money import ZERO, q
from ..pricing import (
    Eligibility,
    Grant,
    GrantKind,
    Limit,
    MeterId,
    Offer,
    PartialMonth,
    PriceSheet,
    TieBreak,
    meter_base,
)
from ..scenario import Holding, Scenario
from ..schema import suggest

COUNT_CAP = 10_000  # stackable counts beyond this are not searched (said in the notes when it bites)


@dataclass(frozen=True, order=True)
class Action:
    """Claim or buy `count` of an offer on a day."""

    offer: str
    date: date
    count: int = 1

    def prefix(self) -> str:
        """The label of the holding this action adds to a simulation: the base of its entitlement ids."""
        return f"+{self.offer}@{self.date.isoformat()}"


def listed_price(actions: Sequence[Action], sheet: PriceSheet) -> Fraction:
    """What these purchases cost at the sheet's prices."""
    return sum((q(sheet.offers[a.offer].price) * a.count for a in actions), ZERO)


@dataclass
class Decision:
    """One decision of a plan: its choices (each a tuple of actions; () is none)."""

    choices: list[tuple[Action, ...]]
    price: Fraction = ZERO  # a count's price per pack
    value: Fraction = ZERO  # the most yuan one pack can absorb (pack_value; drop_hopeless weighs it)


def as_holdings(scenario: Scenario, actions: Sequence[Action]) -> tuple[Holding, ...]:
    """A plan's actions as holdings added after the scenario's own."""
    start = len(scenario.holdings)
    return tuple(Holding(a.offer, a.date, a.count, None, a.prefix(), start + i) for i, a in enumerate(sorted(actions)))


class Demand:
    """Billable units (quantity) or list yuan (amount) of the covered meters between two days, from a running total
    per run of priced days made once for each meters and kind asked (a slot's months ask many times)."""

    def __init__(self, priced: Priced) -> None:
        self.priced = priced
        self._tables: dict[tuple[frozenset[MeterId], bool], tuple[list[date], list[Fraction], list[Fraction]]] = {}

    def __call__(self, covers: frozenset[MeterId], start: date, end: date, kind: GrantKind) -> Fraction:
        if end <= start:
            return ZERO
        return self._upto(covers, end, kind) - self._upto(covers, start, kind)

    def _upto(self, covers: frozenset[MeterId], day: date, kind: GrantKind) -> Fraction:
        """What the days before `day` hold: the runs before its own, and its own run's days before it."""
        starts, before, rates = self._table(covers, kind is GrantKind.amount)
        k = bisect.bisect_right(starts, day) - 1
        if k < 0:
            return ZERO
        return before[k] + rates[k] * min((day - starts[k]).days, self.priced.days[k].days)

    def _table(self, covers: frozenset[MeterId], yuan: bool) -> tuple[list[date], list[Fraction], list[Fraction]]:
        found = self._tables.get((covers, yuan))
        if found is None:
            starts, before, rates, total = [], [], [], ZERO
            for pd in self.priced.days:
                rate = sum(
                    ((c.amount if yuan else c.billable) for c in pd.charges if meter_base(c.meter) in covers), ZERO
                )
                starts.append(pd.day)
                before.append(total)
                rates.append(rate)
                total += rate * pd.days
            found = self._tables[(covers, yuan)] = (starts, before, rates)
        return found


def first_billed(priced: Priced, covers: frozenset[MeterId], since: date) -> date | None:
    """The first day on or after `since` with a billed charge on one of the covered meters."""
    for run in priced.days:
        last = run.day + timedelta(run.days - 1)
        if last < since:
            continue
        if any(c.amount > 0 and meter_base(c.meter) in covers for c in run.charges):
            return max(run.day, since)
    return None


def candidate_offers(
    scenario: Scenario, sheet: PriceSheet, priced: Priced, only: Sequence[str], exclude: Sequence[str]
) -> tuple[list[Offer], list[str]]:
    """Offers a plan may add: eligible (B10, B11), not yet used up once per user, covering billed usage."""
    for name in (*only, *exclude):
        if name not in sheet.offers:
            raise UsageError(msg("plans.unknown-offer", offer=name, hint=suggest(name, tuple(sheet.offers))))
    billed = {meter_base(c.meter) for pd in priced.days for c in pd.charges if c.amount > 0}
    held = {h.offer for h in scenario.holdings}
    out, idle = [], []
    for offer in sheet.offers.values():
        if (only and offer.id not in only) or offer.id in exclude:
            continue
        if (Eligibility.new_user in offer.eligible and not scenario.new_user) or (
            Eligibility.student in offer.eligible and not scenario.student
        ):
            continue
        if offer.limit is Limit.once_per_user and offer.id in held:
            continue
        if not any(g.covers & billed for g in offer.grants):
            idle.append(offer.id)
            continue
        out.append(offer)
    return out, idle


def same_offers(offers: list[Offer]) -> tuple[list[Offer], dict[str, list[str]]]:
    """Offers that are one offer under other ids, searched as the first of them (B16): a stackable offer with
    the same stage, price, validity, eligibility and grants as an earlier one (k packs of one and m of the other
    are k + m packs of either, used one after another), or a member of a group the same as an earlier member
    (one pack of the group at a time: either is the same pack). Once-per-user copies are kept apart, since a
    plan may take each. Returns the offers kept and, for each kept offer, the ids searched as it."""
    first: dict[tuple[object, ...], Offer] = {}
    kept: list[Offer] = []
    merged: dict[str, list[str]] = {}
    for offer in offers:
        grants = tuple(sorted((g.kind, q(g.size), tuple(sorted(g.covers))) for g in offer.grants))
        key = (offer.limit, offer.group, offer.stage, q(offer.price), offer.validity_months, offer.eligible, grants)
        same = first.get(key)
        mergeable = offer.limit is Limit.stackable or (offer.limit is Limit.once_per_validity and offer.group)
        if same is not None and mergeable:
            merged.setdefault(same.id, []).append(offer.id)
            continue
        first.setdefault(key, offer)
        kept.append(offer)
    return kept, merged


def unit_prices(sheet: PriceSheet, meter: MeterId) -> list[Fraction]:
    return [q(m.price) / q(m.divisor) for k, m in sheet.meters.items() if meter_base(k) is meter]


def months_touched(start: date, end: date) -> int:
    """The calendar months a validity from `start` reaches into before `end` (the period's end, or its own)."""
    last = end - timedelta(1)
    return max(0, (last.year - start.year) * 12 + last.month - start.month + 1)


def pack_value(offer: Offer, sheet: PriceSheet, bought: date, end: date) -> Fraction:
    """The most yuan one pack of an offer bought on `bought` can absorb before `end`: its amounts, and its
    quantities at their dearest meter (a monthly quota once in every month it reaches into)."""
    total = ZERO
    months = months_touched(bought, min(add_months(bought, offer.validity_months), end))
    for g in offer.grants:
        if g.kind is GrantKind.amount:
            total += q(g.size)
        else:
            units = q(g.size) * (months if g.kind is GrantKind.monthly else 1)
            total += units * max(p for meter in g.covers for p in unit_prices(sheet, meter))
    return total


class Space:
    """The decisions of one scenario's plans, in three parts: free claims, fixed choices, and counts."""

    def __init__(self, scenario: Scenario, sheet: PriceSheet, priced: Priced) -> None:
        self.scenario = scenario
        self.sheet = sheet
        self.priced = priced
        self.demand = Demand(priced)
        self.claims: list[Action] = []  # free once-per-user offers: every plan of the first phase takes them
        self.fixed: list[Decision] = []  # paid once-per-user offers and group slots
        self.counts: list[Decision] = []  # stackable offers, a count per validity slot
        self.notes: list[Note] = []
        self.dropped: set[str] = set()  # offers some count of which drop_hopeless left out
        self.twins: set[str] = set()  # offers searched for others the same as they are (same_offers)

    def first_use(self, offer: Offer, day: date) -> date | None:
        # B12: a pack covers nothing before it is bought, and a day before the first billed
        # usage of its meters only shortens what it covers; so it is bought on that day.
        return first_billed(self.priced, offer.covers, day)

    def add(self, offers: list[Offer]) -> None:
        grouped: dict[str, list[Offer]] = {}
        for offer in offers:
            if offer.limit is Limit.once_per_user:
                self._once(offer)
            elif offer.limit is Limit.once_per_validity:
                grouped.setdefault(offer.group or offer.id, []).append(offer)
            else:
                self._stackable(offer)
        for key, members in grouped.items():
            self._group(key, members)

    def _once(self, offer: Offer) -> None:
        first = self.first_use(offer, self.scenario.start)
        if first is None:
            return
        one = (Action(offer.id, first),)
        if offer.price == 0:
            self.claims.append(one[0])
        else:
            self.fixed.append(Decision([(), one]))

    def _stackable(self, offer: Offer) -> None:
        end = self.scenario.end
        slot = self.first_use(offer, self.scenario.start)
        while slot is not None:
            until = min(add_months(slot, offer.validity_months), end)
            need = max(self._need(g, slot, until) for g in offer.grants)
            if need > COUNT_CAP:
                self.notes.append(note("plans.count-cap", offer=offer.id, cap=COUNT_CAP, need=need))
                need = COUNT_CAP
            if need:
                choices: list[tuple[Action, ...]] = [()]
                choices += [(Action(offer.id, slot, n),) for n in range(1, need + 1)]
                self.counts.append(Decision(choices, q(offer.price), pack_value(offer, self.sheet, slot, end)))
            slot = self.first_use(offer, until) if until < end else None

    def _need(self, g: Grant, slot: date, until: date) -> int:
        """How many packs bought on `slot` the usage up to `until` could draw on: its billed usage over the
        size; for a monthly quota, its fullest month over that month's quota."""
        if g.kind is not GrantKind.monthly:
            kind = GrantKind.amount if g.kind is GrantKind.amount else GrantKind.quantity
            return math.ceil(self.demand(g.covers, slot, until, kind) / q(g.size))
        need, day = 0, slot
        while day < until:
            turn = add_months(day.replace(day=1), 1)
            quota = q(g.size)
            if day == slot and day.day > 1 and self.sheet.settings.partial_month is PartialMonth.prorated:
                quota = quota * (days_in_month(day) - day.day + 1) / days_in_month(day)
            used = self.demand(g.covers, day, min(turn, until), GrantKind.quantity)
            need = max(need, math.ceil(used / quota))
            day = turn
        return need

    def _group(self, key: str, members: list[Offer]) -> None:
        sheet, end = self.sheet, self.scenario.end
        held = [h for h in self.scenario.holdings if (sheet.offers[h.offer].group or h.offer) == key]
        shortest = min(o.validity_months for o in members)
        day: date | None = self.first_use(members[0], self.scenario.start)
        while day is not None and day < end:
            cover = next(
                (h for h in held if h.acquired <= day < add_months(h.acquired, sheet.offers[h.offer].validity_months)),
                None,
            )
            if cover is not None:  # B16: no second pack of the group while one is valid
                day = self.first_use(members[0], add_months(cover.acquired, sheet.offers[cover.offer].validity_months))
                continue
            options = [(Action(o.id, day),) for o in members]
            self.fixed.append(Decision([(), *options]))
            day = self.first_use(members[0], add_months(day, shortest))

    @property
    def size(self) -> int:
        """Plans the purchase rules allow within the searched counts."""
        size = 1 << len(self.claims)  # each free claim taken or not
        for decision in self.fixed + self.counts:
            size *= len(decision.choices)
        return size


_Placed = tuple[tuple[int, date, date, str], frozenset[MeterId], bool, Action | None]


def _grants_in_order(space: Space) -> list[_Placed]:
    """Every grant any plan may hold, with its place in the waterfall (stage, expiry, tie-break), what it covers,
    whether it spends units over meters of different prices (busy and idle traffic), and its action."""
    sheet, scenario = space.sheet, space.scenario
    rank = {stage: i for i, stage in enumerate(sheet.settings.deduction_order)}
    by_acquired = sheet.settings.tie_break is TieBreak.acquired_then_offer
    actions: list[tuple[str, date, Action | None]] = [(h.offer, h.acquired, None) for h in scenario.holdings]
    actions += [(a.offer, a.date, a) for a in space.claims]
    actions += [(a.offer, a.date, a) for d in space.fixed + space.counts for choice in d.choices for a in choice]
    prices: dict[frozenset[MeterId], int] = {}  # what a grant covers -> how many unit prices its meters have
    out = []
    for offer_id, day, action in dict.fromkeys(actions):
        offer = sheet.offers[offer_id]
        ends = add_months(day, offer.validity_months)
        tie = (day, offer_id) if by_acquired else (date.min, "")  # B13, as the engine orders them
        for g in offer.grants:
            if g.covers not in prices:
                prices[g.covers] = len({p for meter in g.covers for p in unit_prices(sheet, meter)})
            mixed = g.kind in (GrantKind.quantity, GrantKind.monthly) and prices[g.covers] > 1
            out.append(((rank[offer.stage], ends, *tie), g.covers, mixed, action))
    return out


def _reaches_mixed(grants: list[_Placed], var: Decision) -> bool:
    """Whether a count's grants reach, through grants after them in the waterfall that share a meter, a grant
    spending units over meters of different prices (`grants` in the waterfall's order)."""
    places = [g[0] for g in grants]
    first = var.choices[1][0]
    mine = [g[3] is not None and (g[3].offer, g[3].date) == (first.offer, first.date) for g in grants]
    own = [g for g, m in zip(grants, mine, strict=True) if m]
    start = min(g[0] for g in own)
    meters = set().union(*(g[1] for g in own))
    at = bisect.bisect_left(places, start)
    later = [g for g, m in zip(grants[at:], mine[at:], strict=True) if not m]
    for _, group in itertools.groupby(later, key=lambda g: g[0]):
        pending = list(group)
        grew = True
        while grew:  # within one place in the order, reach in any direction
            grew = False
            for g in list(pending):
                if g[1] & meters:
                    meters |= g[1]
                    if g[2]:
                        return True
                    pending.remove(g)
                    grew = True
    return False


def hopeless_from(space: Space, offer: str) -> Fraction | None:
    """The price a copy from which drop_hopeless would leave a stackable offer out (the most one copy of it can
    absorb, over its slots), or None when some slot of it reaches a grant over meters of different prices (or it
    has no slot, or bill_places is below 2): the break-even search stops there (docs/plans.md)."""
    mine = [d for d in space.counts if d.choices[1][0].offer == offer]
    if space.sheet.settings.bill_places < 2 or not mine:
        return None
    grants = sorted(_grants_in_order(space), key=lambda g: g[0])
    if any(_reaches_mixed(grants, d) for d in mine):
        return None
    return max(d.value for d in mine)


def drop_hopeless(space: Space) -> None:
    """Counts of offers that cannot pay for themselves are not searched (docs/plans.md: the one inexact cut).

    A pack absorbs at most its value; what it absorbs leaves every grant after it in the waterfall
    with no more to absorb at any charge, so amounts, capacities and quantities over meters of one
    price absorb no more yuan than before. A pack whose price is at least its value, and whose
    effect reaches (through grants after it sharing a meter) no grant spending units over meters of
    different prices, can lower cash only through monthly rounding, under one rounding step a
    month: with bill_places of 2 or more, under a fen. Such packs are left out, and said; searching
    them would weigh counts that differ in cash by fractions of a fen.
    """
    if space.sheet.settings.bill_places < 2:
        return
    grants = sorted(_grants_in_order(space), key=lambda g: g[0])  # (stable: as listed within one place)
    kept, dropped = [], set()
    for var in space.counts:
        if var.price < var.value or _reaches_mixed(grants, var):  # it may pay for itself: searched
            kept.append(var)
        else:
            dropped.add(var.choices[1][0].offer)
    space.counts = kept
    space.dropped |= dropped
    for offer in sorted(dropped):
        space.notes = [n for n in space.notes if not (n.code == "plans.count-cap" and n.args["offer"] == offer)]
        price = q(space.sheet.offers[offer].price)
        space.notes.append(note("plans.never-worth", offer=offer, price=price))
