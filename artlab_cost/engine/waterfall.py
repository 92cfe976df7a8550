"""The deduction waterfall (B17): every charge, in time order, through the live trials, packs and vouchers.

An entitlement is one grant of one holding: its place in the order (stage, then nearest expiry,
then the B13 tie-break), what it covers and what it has left. Each charge is offered to the live
entitlements of its meter in that order; what they do not absorb is postpaid. Vouchers are taken
largest balance first, then earliest expiry, then earliest issue, as Alibaba Cloud applies them
("Use coupons", alibabacloud.com/help/en/user-center/user-guide/use-coupons): the choice is made
again for each charge, as each bill is settled (setting `voucher_order`; `nearest_expiry` takes
them as packs are). With `voucher_pays_packs`, a live voucher also pays the price of a pack bought
(the seed's students combine the voucher with purchases, 组合购买资源), before that day's usage.
"""

import bisect
import math
from datetime import date, timedelta
from fractions import Fraction
from itertools import combinations
from typing import NamedTuple

from ..calendar import add_months, days_in_month, month_key
from ..money import ZERO, q
from ..pricing import GrantKind, MeterId, Offer, PartialMonth, PriceSheet, Stage, TieBreak, VoucherOrder, meter_base
from ..scenario import Holding, Scenario
from .charges import DayCharge, Priced, Pricer


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
    amount: Fraction  # yuan
    quantity: Fraction  # units of the charge's meter


class Entitlement:
    """One grant of one holding, and what happens to it during a run."""

    __slots__ = (
        "id", "holding", "grant", "offer", "name", "stage", "kind", "unit", "covers", "starts", "ends", "size",
        "left", "order", "assumed", "copies", "initial", "absorbed", "absorbed_yuan", "lapsed", "done", "quota", "peak",
        "paid",
    )  # fmt: skip

    def __init__(
        self, ident: str, offer: Offer, g: int, hold: Holding, left: Fraction, order: tuple[object, ...]
    ) -> None:
        grant = offer.grants[g]
        self.id = ident
        self.holding = hold.position  # which holding of the scenario, and which of its offer's grants
        self.grant = g
        self.offer = offer.id
        self.name = offer.name
        self.stage = offer.stage
        self.kind = grant.kind
        self.unit = grant.unit
        self.covers = grant.covers
        self.starts = hold.acquired
        self.ends = add_months(hold.acquired, offer.validity_months)
        self.size = q(grant.size) * hold.copies
        self.left = left
        self.order = order
        self.assumed = bool(offer.assumed)
        self.copies = hold.copies
        self.initial = left  # what it holds when the period starts
        self.absorbed = ZERO  # in its unit; GB-hours covered for a capacity
        self.absorbed_yuan = ZERO
        self.lapsed = ZERO  # left unused at an expiry inside the period
        self.done = False
        self.quota = ZERO  # a monthly grant's quota this month
        self.peak = ZERO  # a monthly grant's fullest month so far: the share of its quota it gave
        self.paid = ZERO  # a voucher's yuan that paid for packs bought (voucher_pays_packs), not for usage

    @property
    def used_up(self) -> bool:
        """An amount or quantity with nothing left: it absorbs nothing more (a monthly quota is restored on the 1st)."""
        return self.kind in (GrantKind.amount, GrantKind.quantity) and self.left <= 0

    def lapse(self) -> None:
        """What is left lapses: at expiry (B12), and a monthly quota at each month's end (OSS 包月周期型)."""
        if self.quota:
            self.peak = self.fullest
            self.quota = ZERO
        if self.kind is not GrantKind.capacity:
            self.lapsed += self.left
            self.left = ZERO

    @property
    def fullest(self) -> Fraction:
        """A monthly grant's fullest month, this one included: the share of the month's quota it gave (1: all)."""
        return max(self.peak, (self.quota - self.left) / self.quota) if self.quota else self.peak

    def quota_from(self, day: date, partial: PartialMonth) -> Fraction:
        """A monthly grant's quota for the rest of the month of `day`: all of it, or in the month it is bought
        after the 1st, the part for the days left when the sheet says prorated."""
        if partial is PartialMonth.prorated and (self.starts.year, self.starts.month) == (day.year, day.month):
            days = days_in_month(day)
            return self.size * (days - self.starts.day + 1) / days
        return self.size


def month_state(ident: str, day: date) -> str:
    """The key a monthly quota's remainder is carried under (State.left): its month, since a quota is restored
    on the 1st and a remainder belongs to its month only."""
    return f"{ident}@{month_key(day)}"


def entitlements(scenario: Scenario, sheet: PriceSheet, carried: dict[str, Fraction]) -> list[Entitlement]:
    """Every grant of every holding, with its place in the waterfall order and what it holds at the start."""
    rank = {stage: i for i, stage in enumerate(sheet.settings.deduction_order)}
    by_acquired = sheet.settings.tie_break is TieBreak.acquired_then_offer
    out: list[Entitlement] = []
    bases: set[str] = set()
    for hold in scenario.holdings:
        offer = sheet.offers[hold.offer]
        base = holding_base(hold, offer)
        if base in bases:
            base = f"{base}~{hold.position}"
        bases.add(base)
        ends = add_months(hold.acquired, offer.validity_months)
        # B16: stacked packs of one purchase are used one after another, exactly as one pack of
        # their combined size, so they are one entitlement with a count.
        for g, ident in enumerate(grant_ids(base, offer)):
            used = q(hold.used) if hold.used is not None and hold.acquired < scenario.start else ZERO
            left = carried.get(ident, q(offer.grants[g].size) * hold.copies - used)
            # B13: nearest expiry first; equal expiry: acquired first and lower offer id (a setting), then listed first.
            tie = (hold.acquired, offer.id) if by_acquired else (date.min, "")
            out.append(Entitlement(ident, offer, g, hold, left, (rank[offer.stage], ends, *tie, hold.position, g)))
    return out


def balance_first(e: Entitlement) -> tuple[object, ...]:
    """The order a charge is offered in when vouchers go largest balance first: the stage, then (vouchers of yuan)
    the balance at this charge, largest first, then the waterfall's own order (earliest expiry, then the
    earliest issued: the B13 tie-break)."""
    return (e.order[0], -e.left if e.stage is Stage.voucher and e.kind is GrantKind.amount else ZERO, *e.order[1:])


class Step(NamedTuple):
    """One meter's charge on each of `days` identical days, and how the waterfall absorbed each of them."""

    meter: str
    day: date
    days: int
    quantity: Fraction  # of one day
    billable: Fraction
    amount: Fraction
    allocations: tuple[Allocation, ...]  # of one day


class Waterfall:
    """The mutable state of one simulation: live entitlements per meter, in deduction order."""

    def __init__(self, sheet: PriceSheet) -> None:
        self.pricer = Pricer(sheet)
        self.partial = sheet.settings.partial_month
        self.by_balance = sheet.settings.voucher_order is VoucherOrder.largest_balance
        self.active: dict[str, list[Entitlement]] = {k: [] for k in sheet.meters}  # in waterfall order

    def vouchers(self) -> list[Entitlement]:
        """The live vouchers of yuan, each once."""
        live = {id(e): e for active in self.active.values() for e in active}
        return [e for e in live.values() if e.stage is Stage.voucher and e.kind is GrantKind.amount]

    def in_order(self, active: list[Entitlement]) -> list[Entitlement]:
        """A meter's live entitlements in the order they take this charge: the waterfall's, except that vouchers
        of yuan go largest balance first (their expiry and issue then break ties) when the sheet says so."""
        if not self.by_balance or len(active) < 2 or sum(1 for e in active if e.stage is Stage.voucher) < 2:
            return active
        return sorted(active, key=balance_first)

    def pay(self, price: Fraction, covers: frozenset[MeterId]) -> Fraction:
        """A pack's price paid by the live vouchers that cover everything it covers (voucher_pays_packs), in the
        order they would take a charge; returns what they paid (the rest is paid in cash)."""
        rest = price
        for e in self.in_order(sorted((v for v in self.vouchers() if covers <= v.covers), key=lambda v: v.order)):
            take = min(rest, e.left)
            if take <= 0:
                continue
            e.left -= take
            e.paid += take
            rest -= take
            if e.used_up:
                self.deactivate(e)
            if rest <= 0:
                break
        return price - rest

    def same_voucher_order(
        self, touched: dict[int, tuple[Entitlement, Fraction, Fraction, Fraction]], days: int
    ) -> int:
        """Of `days` identical days, how many keep the vouchers in the order the first one took them in, when the
        largest balance goes first: two vouchers drawn at different rates swap places once their balances cross.

        A pair keeps its order through a day when its balances differ by more than both draw in a day (the
        gap then never closes within it); a gap that shrinks by the difference of their draws each day keeps
        that margin for so many days more.
        """
        if not self.by_balance:
            return days
        live = self.vouchers()
        if len(live) < 2:
            return days
        before = {id(e): left for e, left, _, _ in touched.values()}
        for a, b in combinations(live, 2):
            if not a.covers & b.covers:
                continue
            (la, da), (lb, db) = ((before.get(id(e), e.left), before.get(id(e), e.left) - e.left) for e in (a, b))
            if da == db == 0:
                continue
            if la < lb:
                (la, da), (lb, db) = (lb, db), (la, da)
            gap, margin = la - lb, da + db
            if gap <= margin:
                return 1
            if da > db:
                days = min(days, math.ceil((gap - margin) / (da - db)))
        return days

    def _lists(self, e: Entitlement) -> list[list[Entitlement]]:
        return [active for k, active in self.active.items() if meter_base(k) in e.covers]

    def activate(self, e: Entitlement) -> None:
        for active in self._lists(e):
            bisect.insort(active, e, key=lambda x: x.order)

    def deactivate(self, e: Entitlement) -> None:
        e.done = True
        for active in self._lists(e):
            active.remove(e)

    def absorb(
        self, charge: DayCharge, touched: dict[int, tuple[Entitlement, Fraction, Fraction, Fraction]], keep: bool
    ) -> tuple[Fraction, tuple[Allocation, ...]]:
        """One day's charge of one meter through its live entitlements in waterfall order; the rest is postpaid.
        Returns that rest, and with `keep` each part's allocation (postpaid last) and the yuan each entitlement
        absorbed (`absorbed_yuan`), else neither.

        An amount gives yuan; the units they buy are recorded exactly (yuan x divisor / price), so a
        quantity after it covers exactly the units that are left. A quantity gives units and a
        capacity GB at every hour (B16), each worth their list price (rounded like a charge when the
        sheet rounds charges). Each entitlement drawn on is noted in `touched`, with its state before.
        """
        if charge.amount <= 0:
            return ZERO, ()
        out: list[Allocation] = []
        rem_yuan, rem_units = charge.amount, charge.billable
        # each entitlement absorbs `yuan` of the charge and `units` of its billable quantity
        for e in self.in_order(self.active[charge.meter]):
            if e.kind is GrantKind.amount:
                if e.left <= 0:
                    continue
                yuan = min(rem_yuan, e.left)
                units = rem_units if yuan == rem_yuan else min(rem_units, yuan / self.pricer.rates[charge.meter])
            else:
                if rem_units <= 0 or (e.kind is not GrantKind.capacity and e.left <= 0):
                    continue  # a quantity or capacity covers units, and none are left
                units = min(rem_units, e.size * 24 if e.kind is GrantKind.capacity else e.left)
                yuan = rem_yuan if units == rem_units else min(rem_yuan, self.pricer.value(charge.meter, units))
            if id(e) not in touched:
                touched[id(e)] = (e, e.left, e.absorbed, e.absorbed_yuan)
            if e.kind is GrantKind.amount:
                e.left -= yuan
                e.absorbed += yuan
            else:
                if e.kind is not GrantKind.capacity:
                    e.left -= units
                e.absorbed += units
            rem_yuan -= yuan
            if keep:
                e.absorbed_yuan += yuan
                out.append(Allocation(e.stage, e.id, yuan, units))
            if rem_yuan <= 0:
                return ZERO, tuple(out)
            rem_units -= units
        if keep:
            out.append(Allocation(Stage.postpaid, "", rem_yuan, rem_units))
        return rem_yuan, tuple(out)

    def take_days(
        self, day: date, charges: tuple[DayCharge, ...], days: int, keep: bool
    ) -> tuple[int, Fraction, list[Step]]:
        """Absorb the first of `days` identical days, then as many more as leave the waterfall unchanged.

        A day's charges are absorbed one by one; if every amount and quantity they drew on could
        give the same again on the next days, the next days go exactly the same way, so they are
        taken at once (what each gave, times the days). Returns how many days were taken, one day's
        postpaid and (with `keep`) the steps that cover them; the caller goes on from the day after
        with whatever changed.
        """
        touched: dict[int, tuple[Entitlement, Fraction, Fraction, Fraction]] = {}
        parts = [self.absorb(c, touched, keep) for c in charges]
        rest = ZERO
        for left, _ in parts:
            if left:
                rest += left
        same = days
        for e, left, _, _ in touched.values():
            drawn = left - e.left
            if drawn > 0:
                same = min(same, left // drawn)  # days it can give as much again, this one included
        if same > 1:
            same = self.same_voucher_order(touched, same)
        if same > 1:
            more = same - 1
            for e, left, absorbed, yuan in touched.values():
                e.left -= (left - e.left) * more
                e.absorbed += (e.absorbed - absorbed) * more
                if keep:
                    e.absorbed_yuan += (e.absorbed_yuan - yuan) * more
        for e, _, _, _ in touched.values():
            if e.used_up:
                self.deactivate(e)
        taken = max(same, 1)  # (a span is a day at least)
        if not keep:
            return taken, rest, []
        steps = [
            Step(c.meter, day, taken, c.quantity, c.billable, c.amount, a)
            for c, (_, a) in zip(charges, parts, strict=True)
        ]
        return taken, rest, steps


class Run(NamedTuple):
    """What one pass of the waterfall leaves: the entitlements' end state, the steps taken, postpaid per month."""

    flow: Waterfall
    entitlements: list[Entitlement]
    steps: list[Step]
    postpaid: dict[str, Fraction]  # month -> exact postpaid
    paid: dict[int, Fraction]  # holding index -> the part of its price vouchers paid (voucher_pays_packs)


class _Timeline:
    """The entitlements that start, turn a month and expire as the days go by."""

    def __init__(
        self,
        flow: Waterfall,
        ents: list[Entitlement],
        scenario: Scenario,
        carried: dict[str, Fraction],
        purchases: list[tuple[date, int, Fraction, frozenset[MeterId]]],
    ) -> None:
        self.flow = flow
        self.purchases = purchases  # (day, holding, price, covers) a voucher may pay, by day
        self.bought = 0  # index of the next purchase to pay
        self.paid: dict[int, Fraction] = {}
        self.pending = sorted(
            (e for e in ents if e.ends > scenario.start and e.starts < scenario.end), key=lambda e: e.starts
        )
        self.next = 0  # index of the next entitlement to start
        self.live: list[Entitlement] = []
        self.next_expiry = date.max
        self.month = date(scenario.start.year, scenario.start.month, 1)  # the month being billed
        self.next_turn = add_months(self.month, 1)  # the 1st of the month after it
        self.start, self.end = scenario.start, scenario.end
        self.partial = flow.partial
        self.carried = carried

    def advance(self, day: date) -> None:
        """Bring the waterfall to 00:00 of `day`: every expiry, month turn and start up to it, in date order."""
        while True:
            start = self.pending[self.next].starts if self.next < len(self.pending) else date.max
            turn = self.next_turn
            when = min(start, turn, self.next_expiry, self.next_purchase)
            if when > day:
                return
            if self.next_expiry <= when:  # validity is half-open: it ends at 00:00 (B12)
                for e in self.live:
                    if e.ends <= when:
                        e.lapse()
                        self.flow.deactivate(e)
                self.prune()
            if turn <= when:
                self.turn(turn)
            while self.next < len(self.pending) and self.pending[self.next].starts <= when:
                self.begin(self.pending[self.next], max(when, self.start))
                self.next += 1
            # a pack's price is paid when it is bought, before that day's usage, by the vouchers live then
            while self.bought < len(self.purchases) and self.purchases[self.bought][0] <= when:
                _, holding, price, covers = self.purchases[self.bought]
                paid = self.flow.pay(price, covers)
                if paid:
                    self.paid[holding] = paid
                    self.prune()
                self.bought += 1

    @property
    def next_purchase(self) -> date:
        return self.purchases[self.bought][0] if self.bought < len(self.purchases) else date.max

    def turn(self, month: date) -> None:
        """The 1st of a month: monthly quotas lapse what they left and are restored while valid (OSS 包月周期型)."""
        self.month, self.next_turn = month, add_months(month, 1)
        for e in self.live:
            if e.kind is GrantKind.monthly:
                e.lapse()
                if e.ends > month and month < self.end:
                    e.left = e.quota = e.size

    def begin(self, e: Entitlement, day: date) -> None:
        if e.kind is GrantKind.monthly:
            e.quota = e.quota_from(day, self.partial)  # this month's, or what a run before left of it
            e.left = e.initial = self.carried.get(month_state(e.id, day), e.quota)
        if e.used_up:  # used up before the period (`used`, or a carried state)
            e.done = True
            return
        self.live.append(e)
        self.flow.activate(e)
        self.next_expiry = min(self.next_expiry, e.ends)

    def prune(self) -> None:
        self.live = [e for e in self.live if not e.done]
        self.next_expiry = min((e.ends for e in self.live), default=date.max)

    def quiet_until(self) -> date:
        """The next day something starts, turns a month or expires."""
        upcoming = self.pending[self.next].starts if self.next < len(self.pending) else date.max
        return min(self.next_expiry, upcoming, self.next_turn, self.next_purchase)

    def close(self, end: date) -> None:
        """Everything up to the end of the period: what expires by then lapses, and so does what a monthly
        quota leaves when the period ends with its month."""
        self.advance(end)
        for e in self.pending:
            if not e.done and e.ends <= end:
                e.lapse()
                e.done = True


def run(scenario: Scenario, sheet: PriceSheet, priced: Priced, carried: dict[str, Fraction], keep: bool) -> Run:
    """The waterfall itself (B17): every priced day, in time order, through the live entitlements.

    A run of identical days is taken in as few steps as the waterfall allows: up to the next
    start or expiry, and up to the day an amount or quantity runs out. Without `keep` (a plan
    search's run: result.costs_of reads it) the steps, their allocations and each entitlement's
    `absorbed_yuan` are not kept; the bills, balances and what each absorbed in its unit are.
    """
    flow = Waterfall(sheet)
    ents = entitlements(scenario, sheet, carried)
    timeline = _Timeline(flow, ents, scenario, carried, voucher_paid_purchases(scenario, sheet))
    steps: list[Step] = []
    bills: dict[str, Fraction] = {}
    for priced_day in priced.days:
        day, days_left = priced_day.day, priced_day.days
        postpaid = ZERO
        while days_left:
            timeline.advance(day)
            span = min(days_left, (timeline.quiet_until() - day).days)
            taken, rest, done = flow.take_days(day, priced_day.charges, span, keep)
            timeline.prune()
            steps += done
            if rest:
                postpaid += rest if taken == 1 else rest * taken
            day += timedelta(taken)
            days_left -= taken
        bills[priced_day.month] = bills.get(priced_day.month, ZERO) + postpaid
    timeline.close(scenario.end)
    return Run(flow, ents, steps, bills, timeline.paid)


def voucher_paid_purchases(
    scenario: Scenario, sheet: PriceSheet
) -> list[tuple[date, int, Fraction, frozenset[MeterId]]]:
    """The purchases of the period a voucher may pay for, by day (voucher_pays_packs): every priced holding
    bought inside it but a voucher, with what it covers (a voucher pays a pack only if it covers all of that)."""
    if not sheet.settings.voucher_pays_packs:
        return []
    out = []
    for h in scenario.holdings:
        offer = sheet.offers[h.offer]
        if offer.stage is not Stage.voucher and offer.price > 0 and scenario.start <= h.acquired < scenario.end:
            out.append((h.acquired, h.position, q(offer.price) * h.copies, offer.covers))
    return sorted(out, key=lambda p: (p[0], p[1]))


def lapsed_value(e: Entitlement, flow: Waterfall) -> Fraction:
    """What an entitlement lapsed, in yuan: a quantity at the dearest list price it could have absorbed."""
    if e.kind is GrantKind.amount or not e.lapsed:
        return e.lapsed
    return max(flow.pricer.value(k, e.lapsed) for k in flow.active if meter_base(k) in e.covers)
