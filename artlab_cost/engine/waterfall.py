"""The deduction waterfall (B17): every charge, in time order, through the live trials, packs and vouchers.

An entitlement is one grant of one holding: its place in the order (stage, then nearest expiry,
then the B13 tie-break), what it covers and what it has left. Each charge is offered to the live
entitlements of its meter in that order; what they do not absorb is postpaid.
"""

from __future__ import annotations

import bisect
from datetime import date, timedelta
from decimal import Decimal, localcontext
from typing import NamedTuple

from ..calendar import add_months
from ..pricing import GrantKind, Offer, PriceSheet, Stage, TieBreak, meter_base
from ..scenario import Holding, Scenario
from .charges import PRECISION, DayCharge, Priced, charge_value

ZERO = Decimal(0)


def holding_base(hold: Holding, offer: Offer) -> str:
    """The id of a holding's entitlements: its label, else `offer@date`."""
    return hold.label or f"{offer.id}@{hold.acquired.isoformat()}"


def grant_ids(base: str, offer: Offer) -> tuple[str, ...]:
    """The entitlement id of each grant of a holding: the base, with `/kindN` when the offer has several grants.

    The one place ids are made: compare-plans finds a plan's packs in a run by these ids.
    """
    if len(offer.grants) == 1:
        return (base,)
    return tuple(f"{base}/{g.kind}{i + 1}" for i, g in enumerate(offer.grants))


class Allocation(NamedTuple):
    """The part of a charge one stage absorbed: by an entitlement, or postpaid when `entitlement` is empty."""

    stage: Stage
    entitlement: str
    amount: Decimal  # yuan
    quantity: Decimal  # units of the charge's meter


class Entitlement:
    """One grant of one holding, and what happens to it during a run."""

    __slots__ = (
        "id", "offer", "name", "stage", "kind", "unit", "covers", "starts", "ends", "size", "left", "order",
        "assumed", "count", "initial", "absorbed", "absorbed_yuan", "lapsed", "done",
    )  # fmt: skip

    def __init__(
        self, ident: str, offer: Offer, g: int, hold: Holding, left: Decimal, order: tuple[object, ...]
    ) -> None:
        grant = offer.grants[g]
        self.id = ident
        self.offer = offer.id
        self.name = offer.name
        self.stage = offer.stage
        self.kind = grant.kind
        self.unit = grant.unit
        self.covers = grant.covers
        self.starts = hold.acquired
        self.ends = add_months(hold.acquired, offer.validity_months)
        self.size = grant.size * hold.count
        self.left = left
        self.order = order
        self.assumed = bool(offer.assumed)
        self.count = hold.count
        self.initial = left  # what it holds when the period starts
        self.absorbed = ZERO  # in its unit; GB-hours covered for a capacity
        self.absorbed_yuan = ZERO
        self.lapsed = ZERO  # left unused at an expiry inside the period
        self.done = False

    @property
    def used_up(self) -> bool:
        return self.kind is not GrantKind.capacity and self.left <= 0


def entitlements(scenario: Scenario, sheet: PriceSheet, carried: dict[str, Decimal]) -> list[Entitlement]:
    """Every grant of every holding, with its place in the waterfall order and what it holds at the start."""
    rank = {stage: i for i, stage in enumerate(sheet.settings.deduction_order)}
    by_acquired = sheet.settings.tie_break is TieBreak.acquired_then_offer
    out: list[Entitlement] = []
    bases: set[str] = set()
    for hold in scenario.holdings:
        offer = sheet.offers[hold.offer]
        base = holding_base(hold, offer)
        if base in bases:
            base = f"{base}~{hold.index}"
        bases.add(base)
        ends = add_months(hold.acquired, offer.validity_months)
        # B16: stacked packs of one purchase are used one after another, exactly as one pack of
        # their combined size, so they are one entitlement with a count.
        for g, ident in enumerate(grant_ids(base, offer)):
            used = hold.used if hold.used is not None and hold.acquired < scenario.start else ZERO
            left = carried.get(ident, offer.grants[g].size * hold.count - used)
            # B13: nearest expiry first; equal expiry: acquired first and lower offer id (a setting), then listed first.
            tie = (hold.acquired, offer.id) if by_acquired else (date.min, "")
            out.append(Entitlement(ident, offer, g, hold, left, (rank[offer.stage], ends, *tie, hold.index, g)))
    return out


class _Meter:
    __slots__ = ("key", "price", "divisor", "active")

    def __init__(self, key: str, price: Decimal, divisor: Decimal) -> None:
        self.key = key
        self.price = price
        self.divisor = divisor
        self.active: list[Entitlement] = []  # live entitlements covering it, in waterfall order


class Step(NamedTuple):
    """One meter's charge over `days` identical days, and how the waterfall absorbed it."""

    meter: str
    day: date
    days: int
    quantity: Decimal
    billable: Decimal
    amount: Decimal
    allocations: tuple[Allocation, ...]


class Waterfall:
    """The mutable state of one simulation: live entitlements per meter, in deduction order."""

    def __init__(self, sheet: PriceSheet) -> None:
        self.places = Decimal(1).scaleb(-sheet.settings.charge_places)
        self.meters = {k: _Meter(k, m.price, m.divisor) for k, m in sheet.meters.items()}

    def _lists(self, e: Entitlement) -> list[list[Entitlement]]:
        return [m.active for k, m in self.meters.items() if meter_base(k) in e.covers]

    def activate(self, e: Entitlement) -> None:
        for active in self._lists(e):
            bisect.insort(active, e, key=lambda x: x.order)

    def deactivate(self, e: Entitlement) -> None:
        e.done = True
        for active in self._lists(e):
            active.remove(e)

    def value(self, meter: _Meter, units: Decimal) -> Decimal:
        return charge_value(units, meter.price, meter.divisor, self.places)

    def absorb(self, meter: _Meter, units: Decimal, amount: Decimal, days: int) -> tuple[tuple[Allocation, ...], bool]:
        """Take one charge, `days` identical days of one meter, through the live entitlements in waterfall order.

        What is left is postpaid. Returns the allocations and whether an amount or quantity ran
        out while part of the charge was still to be absorbed: over several days that means the
        days must be taken one by one, since it ran out on one of them.
        """
        if amount <= 0:
            return (), False
        out: list[Allocation] = []
        rem_yuan, rem_units = amount, units
        ran_out = False
        for e in meter.active:
            if e.used_up:
                ran_out = True  # used up by an earlier charge of these same days
                continue
            if e.kind is GrantKind.amount:
                take = min(rem_yuan, e.left)
                if take == rem_yuan:
                    took = rem_units
                else:  # the units this many yuan buy, for the record; money stays exact
                    took = min(rem_units, (take * meter.divisor / meter.price).quantize(self.places))
                e.left -= take
                e.absorbed += take
            else:
                # a quantity is used up; a capacity covers up to `size` GB at every hour (B16)
                took = min(rem_units, e.left if e.kind is GrantKind.quantity else e.size * 24 * days)
                take = rem_yuan if took == rem_units else min(rem_yuan, self.value(meter, took))
                if e.kind is GrantKind.quantity:
                    e.left -= took
                e.absorbed += took
            e.absorbed_yuan += take
            rem_yuan -= take
            rem_units -= took
            out.append(Allocation(e.stage, e.id, take, took))
            if rem_yuan <= 0:
                break
            if e.used_up:
                ran_out = True
        if rem_yuan > 0:
            out.append(Allocation(Stage.postpaid, "", rem_yuan, rem_units))
        return tuple(out), ran_out

    def take_days(
        self, live: list[Entitlement], day: date, charges: tuple[DayCharge, ...], days: int
    ) -> list[Step] | None:
        """Absorb `days` identical days at once, or return None (state unchanged) if something ran out among them.

        While nothing runs out, every day's charge goes to the same entitlements in the same
        shares, so one step for the whole run equals the days taken one by one.
        """
        saved = [(e, e.left, e.absorbed, e.absorbed_yuan) for e in live] if days > 1 else []
        out = []
        for c in charges:
            allocs, ran_out = self.absorb(self.meters[c.meter], c.billable * days, c.amount * days, days)
            if ran_out and days > 1:
                for e, left, absorbed, absorbed_yuan in saved:
                    e.left, e.absorbed, e.absorbed_yuan = left, absorbed, absorbed_yuan
                return None
            out.append(Step(c.meter, day, days, c.quantity * days, c.billable * days, c.amount * days, allocs))
        for e in live:
            if not e.done and e.used_up:
                self.deactivate(e)
        return out


class Run(NamedTuple):
    """What one pass of the waterfall leaves: the entitlements' end state, the steps taken, postpaid per month."""

    flow: Waterfall
    entitlements: list[Entitlement]
    steps: list[Step]
    postpaid: dict[str, Decimal]  # month -> exact postpaid


class _Timeline:
    """The entitlements that start and expire as the days go by."""

    def __init__(self, flow: Waterfall, ents: list[Entitlement], scenario: Scenario) -> None:
        self.flow = flow
        self.pending = sorted(
            (e for e in ents if e.ends > scenario.start and e.starts < scenario.end), key=lambda e: e.starts
        )
        self.next = 0  # index of the next entitlement to start
        self.live: list[Entitlement] = []
        self.next_expiry = date.max

    def advance(self, day: date) -> None:
        """Start what starts by `day`, expire what ends by it (half-open validity, B12)."""
        while self.next < len(self.pending) and self.pending[self.next].starts <= day:
            e = self.pending[self.next]
            self.next += 1
            if e.used_up:  # used up before the period (`used`, or a carried state)
                e.done = True
                continue
            self.live.append(e)
            self.flow.activate(e)
            self.next_expiry = min(self.next_expiry, e.ends)
        if self.next_expiry <= day:
            for e in self.live:
                if not e.done and e.ends <= day:
                    e.lapsed = ZERO if e.kind is GrantKind.capacity else e.left
                    self.flow.deactivate(e)
            self.prune()

    def prune(self) -> None:
        self.live = [e for e in self.live if not e.done]
        self.next_expiry = min((e.ends for e in self.live), default=date.max)

    def quiet_until(self) -> date:
        """The next day something starts or expires."""
        upcoming = self.pending[self.next].starts if self.next < len(self.pending) else date.max
        return min(self.next_expiry, upcoming)

    def close(self, end: date) -> None:
        """What expires by the end lapses, including a holding acquired after the last day of usage."""
        for e in self.pending:
            if not e.done and e.ends <= end:
                e.lapsed = ZERO if e.kind is GrantKind.capacity else e.left
                e.done = True


def run(scenario: Scenario, sheet: PriceSheet, priced: Priced, carried: dict[str, Decimal], keep: bool) -> Run:
    """The waterfall itself (B17): every priced day, in time order, through the live entitlements.

    Runs of identical days are taken in one step up to the next start or expiry; when something
    runs out inside a step, the step is halved until it does not.
    """
    with localcontext(prec=PRECISION):
        flow = Waterfall(sheet)
        ents = entitlements(scenario, sheet, carried)
        timeline = _Timeline(flow, ents, scenario)
        steps: list[Step] = []
        bills: dict[str, Decimal] = {}
        for priced_day in priced.days:
            day, days_left = priced_day.day, priced_day.count
            postpaid = ZERO
            while days_left:
                timeline.advance(day)
                span = min(days_left, (timeline.quiet_until() - day).days)
                taken = flow.take_days(timeline.live, day, priced_day.charges, span)
                while taken is None:  # something runs out within these days: halve the step until it does not
                    span = max(1, span // 2)
                    taken = flow.take_days(timeline.live, day, priced_day.charges, span)
                timeline.prune()
                for step in taken:
                    if keep:
                        steps.append(step)
                    if step.allocations and step.allocations[-1].stage is Stage.postpaid:
                        postpaid += step.allocations[-1].amount
                day += timedelta(span)
                days_left -= span
            bills[priced_day.month] = bills.get(priced_day.month, ZERO) + postpaid
        timeline.close(scenario.end)
        return Run(flow, ents, steps, bills)


def lapsed_value(e: Entitlement, flow: Waterfall) -> Decimal:
    """What an entitlement lapsed, in yuan: a quantity at the dearest list price it could have absorbed."""
    if e.kind is GrantKind.amount or not e.lapsed:
        return e.lapsed
    covered = [m for k, m in flow.meters.items() if meter_base(k) in e.covers]
    return max(flow.value(m, e.lapsed) for m in covered)
