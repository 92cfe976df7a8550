"""The billing engine: daily charges at list price, absorbed through the deduction waterfall, billed per month."""

from __future__ import annotations

import bisect
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from typing import NamedTuple

from .calendar import add_months, month_key
from .pricing import METERS, STAGE_NAMES, PriceSheet
from .scenario import Scenario
from .usage import HOUR, usage_by_day

ZERO = Decimal(0)
_ROUNDING = {"truncate": ROUND_DOWN, "half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}
_METER_RANK = {m: i for i, m in enumerate(METERS)}


class Allocation(NamedTuple):
    """The part of a charge one stage absorbed: by an entitlement, or postpaid when `entitlement` is empty."""

    stage: str
    entitlement: str
    amount: Decimal  # yuan
    quantity: Decimal  # units of the charge's meter


class Charge(NamedTuple):
    """Usage of one meter over consecutive days of one month, at list price, with how it was absorbed."""

    meter: str  # meter key: shared_gpu, dedicated:<spec>, storage, traffic_busy, ...
    start: date
    end: date  # exclusive
    quantity: Decimal  # units used
    billable: Decimal  # units billed, after a monthly free allowance (B6)
    unit: str
    amount: Decimal  # list price in yuan
    allocations: tuple[Allocation, ...]

    @property
    def month(self) -> str:
        return month_key(self.start)


class Balance(NamedTuple):
    """One trial, pack or voucher grant: what it held, absorbed, has left and lapsed (B12, B19)."""

    id: str
    offer: str
    name: str
    count: int  # type: ignore[assignment]  # stacked packs bought together, held as one
    stage: str
    kind: str  # amount, quantity or capacity
    unit: str
    covers: frozenset[str]  # meter ids
    starts: date
    ends: date  # exclusive
    initial: Decimal  # what it held at the start of the period (after `used`)
    absorbed: Decimal  # in its unit; GB-hours covered for a capacity
    absorbed_yuan: Decimal
    left: Decimal  # at the end of the period, if still valid then; else 0
    lapsed: Decimal  # left unused at an expiry inside the period
    lapsed_value: Decimal  # lapsed in yuan at the highest list price it could absorb
    assumed: bool  # rests on a value the price sheet marks as an assumption


class Purchase(NamedTuple):
    holding: int  # index in the scenario's holdings
    offer: str
    acquired: date
    count: int  # type: ignore[assignment]
    price: Decimal  # for all `count`
    in_period: bool  # paid during the period, so counted as upfront


class Bill(NamedTuple):
    month: str  # YYYY-MM
    postpaid_exact: Decimal
    postpaid_due: Decimal  # after the sheet's rounding rule, once per month (B20)


class Totals(NamedTuple):
    list_price: Decimal
    absorbed: dict[str, Decimal]  # per stage except postpaid
    postpaid_exact: Decimal
    postpaid_due: Decimal
    upfront: Decimal
    cash: Decimal  # upfront + postpaid_due: out of pocket
    lapsed_value: Decimal


class State(NamedTuple):
    """What carries from one run to the next: balances left and request allowances used this month."""

    left: tuple[tuple[str, Decimal], ...]
    requests_used: tuple[tuple[str, Decimal], ...]  # ("put_requests@2026-03", count)


class Result(NamedTuple):
    scenario: str
    start: date
    end: date  # exclusive
    sheet: str  # name, version and date of the price sheet
    charges: tuple[Charge, ...]
    balances: tuple[Balance, ...]
    purchases: tuple[Purchase, ...]
    bills: tuple[Bill, ...]
    totals: Totals
    stages: tuple[str, ...]  # the deduction order used
    notes: tuple[str, ...]
    assumed_meters: frozenset[str]  # meter keys whose price is an assumption
    state: State


class _Ent:
    __slots__ = (
        "id",
        "offer",
        "name",
        "stage",
        "kind",
        "unit",
        "covers",
        "starts",
        "ends",
        "size",
        "left",
        "order",
        "assumed",
        "count",
        "initial",
        "absorbed",
        "absorbed_yuan",
        "lapsed",
        "done",
    )

    def __init__(
        self,
        id: str,
        offer: str,
        name: str,
        stage: str,
        kind: str,
        unit: str,
        covers: frozenset[str],
        starts: date,
        ends: date,
        size: Decimal,
        left: Decimal,
        order: tuple[object, ...],
        assumed: bool,
        count: int,
        initial: Decimal = ZERO,
        absorbed: Decimal = ZERO,
        absorbed_yuan: Decimal = ZERO,
        lapsed: Decimal = ZERO,
        done: bool = False,
    ) -> None:
        self.id = id
        self.offer = offer
        self.name = name
        self.stage = stage
        self.kind = kind
        self.unit = unit
        self.covers = covers
        self.starts = starts
        self.ends = ends
        self.size = size
        self.left = left
        self.order = order
        self.assumed = assumed
        self.count = count
        self.initial = initial
        self.absorbed = absorbed
        self.absorbed_yuan = absorbed_yuan
        self.lapsed = lapsed
        self.done = done


class _Meter:
    __slots__ = ("key", "price", "divisor", "unit", "free_per_month", "active")

    def __init__(
        self,
        key: str,
        price: Decimal,
        divisor: Decimal,
        unit: str,
        free_per_month: Decimal,
        active: list[_Ent] | None = None,
    ) -> None:
        self.key = key
        self.price = price
        self.divisor = divisor
        self.unit = unit
        self.free_per_month = free_per_month
        self.active = active if active is not None else []


def charge_value(units: Decimal, price: Decimal, divisor: Decimal, places: Decimal) -> Decimal:
    """Yuan for `units` of a meter at list price, kept to the sheet's charge precision (B20)."""
    return (units * price / divisor).quantize(places, ROUND_HALF_EVEN)


def bill_round(amount: Decimal, sheet: PriceSheet) -> Decimal:
    quantum = Decimal(1).scaleb(-sheet.settings.bill_places)
    return amount.quantize(quantum, _ROUNDING[sheet.settings.bill_rounding])


def _entitlements(scenario: Scenario, sheet: PriceSheet) -> list[_Ent]:
    rank = {stage: i for i, stage in enumerate(sheet.settings.deduction_order)}
    by_acquired = sheet.settings.tie_break == "acquired_then_offer"
    out: list[_Ent] = []
    ids: set[str] = set()
    for hold in scenario.holdings:
        offer = sheet.offers[hold.offer]
        ends = add_months(hold.acquired, offer.validity_months)
        base = hold.label or f"{offer.id}@{hold.acquired.isoformat()}"
        if base in ids:
            base = f"{base}~{hold.index}"
        ids.add(base)
        # B16: stacked packs of one purchase are used one after another, exactly as one pack of
        # their combined size, so they are one entitlement with a count.
        for g, grant in enumerate(offer.grants):
            ident = base + (f"/{grant.kind}{g + 1}" if len(offer.grants) > 1 else "")
            size = grant.size * hold.count
            used = hold.used if hold.used is not None and hold.acquired < scenario.start else ZERO
            left = size - used
            # B13: nearest expiry first; equal expiry: acquired first and lower offer id (a setting), then listed first.
            order = (
                rank[offer.stage],
                ends,
                *((hold.acquired, offer.id) if by_acquired else (date.min, "")),
                hold.index,
                g,
            )
            out.append(
                _Ent(
                    ident,
                    offer.id,
                    offer.name,
                    offer.stage,
                    grant.kind,
                    grant.unit,
                    grant.covers,
                    hold.acquired,
                    ends,
                    size,
                    left,
                    order,
                    bool(offer.assumed),
                    hold.count,
                    initial=left,
                )
            )
    return out


class _Waterfall:
    """The mutable state of one simulation: live entitlements per meter, in deduction order."""

    def __init__(self, sheet: PriceSheet) -> None:
        self.places = Decimal(1).scaleb(-sheet.settings.charge_places)
        self.meters = {k: _Meter(k, m.price, m.divisor, m.unit, m.free_per_month) for k, m in sheet.meters.items()}

    def _lists(self, e: _Ent) -> list[list[_Ent]]:
        return [m.active for k, m in self.meters.items() if k.split(":")[0] in e.covers]

    def activate(self, e: _Ent) -> None:
        for active in self._lists(e):
            bisect.insort(active, e, key=lambda x: x.order)

    def deactivate(self, e: _Ent) -> None:
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
            if e.kind != "capacity" and e.left <= 0:
                ran_out = True  # used up by an earlier charge of these same days
                continue
            if e.kind == "amount":
                take = min(rem_yuan, e.left)
                if take == rem_yuan:
                    took = rem_units
                else:  # the units this many yuan buy, for the record; money stays exact
                    took = min(rem_units, (take * meter.divisor / meter.price).quantize(self.places))
                e.left -= take
                e.absorbed += take
            else:
                # a quantity is used up; a capacity covers up to `size` GB at every hour (B16)
                took = min(rem_units, e.left if e.kind == "quantity" else e.size * 24 * days)
                take = rem_yuan if took == rem_units else min(rem_yuan, self.value(meter, took))
                if e.kind == "quantity":
                    e.left -= took
                e.absorbed += took
            e.absorbed_yuan += take
            rem_yuan -= take
            rem_units -= took
            out.append(Allocation(e.stage, e.id, take, took))
            if rem_yuan <= 0:
                break
            if e.kind != "capacity" and e.left <= 0:
                ran_out = True
        if rem_yuan > 0:
            out.append(Allocation("postpaid", "", rem_yuan, rem_units))
        return tuple(out), ran_out

    def take_days(
        self, live: list[_Ent], charges: tuple[tuple[str, Decimal, Decimal, Decimal], ...], days: int
    ) -> list[tuple[str, int, Decimal, Decimal, Decimal, tuple[Allocation, ...]]] | None:
        """Absorb `days` identical days at once, or return None (state unchanged) if something ran out among them.

        While nothing runs out, every day's charge goes to the same entitlements in the same
        shares, so one step for the whole run equals the days taken one by one.
        """
        saved = [(e, e.left, e.absorbed, e.absorbed_yuan) for e in live] if days > 1 else []
        out = []
        for key, qty, billable, amount in charges:
            allocs, ran_out = self.absorb(self.meters[key], billable * days, amount * days, days)
            if ran_out and days > 1:
                for e, left, absorbed, absorbed_yuan in saved:
                    e.left, e.absorbed, e.absorbed_yuan = left, absorbed, absorbed_yuan
                return None
            out.append((key, days, qty * days, billable * days, amount * days, allocs))
        for e in live:
            if not e.done and e.kind != "capacity" and e.left <= 0:
                self.deactivate(e)
        return out


class PricedDay(NamedTuple):
    """A run of identical days of one month, priced before any entitlement.

    `charges` holds (meter key, quantity, billable, amount) for one day of the run.
    """

    day: date
    count: int  # type: ignore[assignment]
    month: str
    charges: tuple[tuple[str, Decimal, Decimal, Decimal], ...]


class Priced(NamedTuple):
    """A scenario's usage priced day by day; it does not depend on what is held, so plans share it."""

    days: tuple[PricedDay, ...]
    requests_used: tuple[tuple[str, Decimal], ...]
    list_price: Decimal  # all of it at list price


# Quantities and prices are each at most 15 digits before the point (the schema's cap) and
# charges keep `charge_places` after it, so products need more than decimal's default 28.
PRECISION = 64


def price_usage(scenario: Scenario, sheet: PriceSheet, state: State | None = None, join: bool = True) -> Priced:
    with localcontext(prec=PRECISION):
        return _price_usage(scenario, sheet, state, join)


def _price_usage(scenario: Scenario, sheet: PriceSheet, state: State | None, join: bool) -> Priced:
    """Turn usage into dated charges at list price (B3, B4, B5, B6, B7), one day at a time.

    Consecutive days of a month with the same charges are joined into one run (unless `join`
    is off), so the waterfall can take them in one step where nothing changes.
    """
    places = Decimal(1).scaleb(-sheet.settings.charge_places)
    requests_used: dict[str, Decimal] = dict(state.requests_used) if state else {}
    out: list[PricedDay] = []
    for day, quantities in usage_by_day(scenario, sheet):
        if not quantities:
            continue
        month = month_key(day)
        charges = []
        for key in sorted(quantities, key=_meter_order):
            meter = sheet.meters[key]
            qty = billable = quantities[key]
            if meter.free_per_month:  # B6: a free allowance per calendar month, used first
                used_key = f"{key}@{month}"
                before = requests_used.get(used_key, ZERO)
                requests_used[used_key] = before + qty
                billable = max(ZERO, qty - max(ZERO, meter.free_per_month - before))
            if key.startswith("dedicated:"):  # quantities are billable seconds (B5)
                amount = (billable * meter.price / HOUR).quantize(places, ROUND_HALF_EVEN)
                qty = billable = (billable / HOUR).quantize(places, ROUND_HALF_EVEN)
            else:
                amount = charge_value(billable, meter.price, meter.divisor, places)
            charges.append((key, qty, billable, amount))
        frozen = tuple(charges)
        last = out[-1] if out else None
        if join and last and last.month == month and last.charges == frozen and last.day + timedelta(last.count) == day:
            out[-1] = PricedDay(last.day, last.count + 1, month, frozen)
        else:
            out.append(PricedDay(day, 1, month, frozen))
    total = sum((c[3] * run.count for run in out for c in run.charges), ZERO)
    return Priced(tuple(out), tuple(sorted(requests_used.items())), total)


Raw = tuple[str, date, int, Decimal, Decimal, Decimal, tuple[Allocation, ...]]


def _run(
    scenario: Scenario, sheet: PriceSheet, priced: Priced, state: State | None, keep: bool
) -> tuple[_Waterfall, list[_Ent], list[Raw], dict[str, Decimal]]:
    """The waterfall itself (B17): every charge, in time order, through the live entitlements."""
    flow = _Waterfall(sheet)
    ents = _entitlements(scenario, sheet)
    carried = dict(state.left) if state else {}
    for e in ents:
        if e.id in carried:
            e.left = e.initial = carried[e.id]
    pending = sorted((e for e in ents if e.ends > scenario.start and e.starts < scenario.end), key=lambda e: e.starts)
    live: list[_Ent] = []
    pi = 0
    raw: list[Raw] = []
    bills: dict[str, Decimal] = {}
    next_expiry = date.max
    for run in priced.days:
        day, days_left = run.day, run.count
        postpaid = ZERO
        while days_left:
            while pi < len(pending) and pending[pi].starts <= day:
                e = pending[pi]
                pi += 1
                if e.kind != "capacity" and e.left <= 0:  # used up before the period (`used`, or a carried state)
                    e.done = True
                    continue
                live.append(e)
                flow.activate(e)
                next_expiry = min(next_expiry, e.ends)
            if next_expiry <= day:
                for e in live:
                    if not e.done and e.ends <= day:
                        e.lapsed = e.left if e.kind != "capacity" else ZERO
                        flow.deactivate(e)
                live = [e for e in live if not e.done]
                next_expiry = min((e.ends for e in live), default=date.max)
            # the days up to the next start or expiry, taken in one step if nothing runs out in them
            upcoming = min(next_expiry, pending[pi].starts if pi < len(pending) else date.max)
            span = min(days_left, (upcoming - day).days)
            steps = flow.take_days(live, run.charges, span)
            while steps is None:  # something runs out within these days: halve the step until it does not
                span = max(1, span // 2)
                steps = flow.take_days(live, run.charges, span)
            live = [e for e in live if not e.done]
            for key, n, qty, billable, amount, allocs in steps:
                if keep:
                    raw.append((key, day, n, qty, billable, amount, allocs))
                if allocs and allocs[-1].stage == "postpaid":
                    postpaid += allocs[-1].amount
            day += timedelta(span)
            days_left -= span
        bills[run.month] = bills.get(run.month, ZERO) + postpaid
    # What expires by the end lapses, including a holding acquired after the last day of usage.
    for e in pending:
        if not e.done and e.ends <= scenario.end:
            e.lapsed = e.left if e.kind != "capacity" else ZERO
            e.done = True
    return flow, ents, raw, bills


def simulate(
    scenario: Scenario, sheet: PriceSheet, state: State | None = None, merge: bool = True, priced: Priced | None = None
) -> Result:
    """Run every day of the scenario through the waterfall (B17) and total it up.

    Usage outside the period is not billed; a holding enters the period with its full grant
    (less `used`, or what `state` carries) and covers usage from 00:00 on the day it was
    acquired, never before; it expires at 00:00 on the day its validity ends (half-open).
    """
    priced = priced or price_usage(scenario, sheet, state, join=merge)
    with localcontext(prec=PRECISION):
        flow, ents, raw, bills = _run(scenario, sheet, priced, state, keep=True)
        return _result(scenario, sheet, ents, raw, bills, dict(priced.requests_used), flow, merge)


class Costs(NamedTuple):
    """What a plan search needs of a run, without building the full result."""

    upfront: Decimal
    postpaid_exact: Decimal
    postpaid_due: Decimal
    cash: Decimal
    lapsed_value: Decimal
    unused: dict[str, Decimal]  # entitlement id -> not used up (in its unit), whether it lapsed or is still valid
    absorbed: dict[str, Decimal]  # entitlement id -> absorbed, in its unit
    list_price: Decimal


def costs(scenario: Scenario, sheet: PriceSheet, priced: Priced) -> Costs:
    with localcontext(prec=PRECISION):
        return _costs(scenario, sheet, priced)


def _costs(scenario: Scenario, sheet: PriceSheet, priced: Priced) -> Costs:
    flow, ents, _, bills = _run(scenario, sheet, priced, None, keep=False)
    due = sum((bill_round(v, sheet) for v in bills.values()), ZERO)
    upfront = upfront_paid(scenario, sheet)
    return Costs(
        upfront=upfront,
        postpaid_exact=sum(bills.values(), ZERO),
        postpaid_due=due,
        cash=upfront + due,
        lapsed_value=sum((_lapsed_value(e, flow) for e in ents), ZERO),
        unused={e.id: (e.size if e.kind == "capacity" else e.left) for e in ents},
        absorbed={e.id: e.absorbed for e in ents},
        list_price=priced.list_price,
    )


def upfront_paid(scenario: Scenario, sheet: PriceSheet) -> Decimal:
    """What the period's purchases cost; holdings acquired before it were paid before it."""
    return sum(
        (
            sheet.offers[h.offer].price * h.count
            for h in scenario.holdings
            if scenario.start <= h.acquired < scenario.end
        ),
        ZERO,
    )


def _months(start: date, end: date) -> list[str]:
    out = []
    day = start.replace(day=1)
    while day < end:
        out.append(month_key(day))
        day = add_months(day, 1)
    return out


def _meter_order(key: str) -> tuple[int, str]:
    return (_METER_RANK[key.split(":")[0]], key)


def _merge(raw: list[Raw], units: dict[str, str], merge: bool) -> list[Charge]:
    """Join consecutive days of a meter within a month whose charges went to the same places (unless merge is off)."""
    out: list[Charge] = []
    last: dict[str, int] = {}
    for key, day, n, qty, billable, amount, allocs in raw:
        end = day + timedelta(n)
        i = last.get(key)
        if i is not None and merge:
            prev = out[i]
            if (
                prev.end == day
                and month_key(prev.start) == month_key(day)
                and [(a.stage, a.entitlement) for a in prev.allocations] == [(a.stage, a.entitlement) for a in allocs]
            ):
                merged = tuple(
                    Allocation(a.stage, a.entitlement, a.amount + b.amount, a.quantity + b.quantity)
                    for a, b in zip(prev.allocations, allocs, strict=True)
                )
                out[i] = Charge(
                    key,
                    prev.start,
                    end,
                    prev.quantity + qty,
                    prev.billable + billable,
                    prev.unit,
                    prev.amount + amount,
                    merged,
                )
                continue
        last[key] = len(out)
        out.append(Charge(key, day, end, qty, billable, units[key], amount, allocs))
    out.sort(key=lambda c: (c.start.year, c.start.month, _meter_order(c.meter), c.start))
    return out


def _lapsed_value(e: _Ent, flow: _Waterfall) -> Decimal:
    if e.kind == "amount" or not e.lapsed:
        return e.lapsed
    covered = [m for k, m in flow.meters.items() if k.split(":")[0] in e.covers]
    return max(flow.value(m, e.lapsed) for m in covered)


def _notes(scenario: Scenario, sheet: PriceSheet, result_meters: set[str], ents: list[_Ent]) -> list[str]:
    st = sheet.settings
    notes = [
        f"Prices: {sheet.name}, version {sheet.version}, effective {sheet.effective} ({sheet.origin}); "
        "an estimate, not a bill (B21).",
        "Deduction order: "
        + " > ".join(STAGE_NAMES[s] for s in st.deduction_order)
        + " (setting deduction_order, B17).",
        f"Postpaid rounded once per month: {st.bill_rounding.replace('_', ' ')} to {st.bill_places} decimals "
        f"(setting bill_rounding, B20); charges kept to {st.charge_places} decimals (setting charge_places, B20).",
    ]
    if any(k.startswith("dedicated:") for k in result_meters):
        notes.append(
            f"Dedicated sessions billed per {st.dedicated_increment}, rounded up (setting dedicated_increment, B5)."
        )
    if ents:
        tie = (
            "earliest acquired, then offer id, then listed first"
            if st.tie_break == "acquired_then_offer"
            else "listed first"
        )
        notes.append(
            f"Packs expiring together: {tie} (setting tie_break, B13). Validity runs from 00:00 on the day acquired "
            "to 00:00 on the same day N months later (clamped to the month's end); usage is taken day by day."
        )
    if any(h.acquired < scenario.start for h in scenario.holdings):
        notes.append("Holdings acquired before the period were paid before it: not counted as upfront.")
    for key in sorted(result_meters):
        for f, why in sheet.meters[key].assumed:
            notes.append(f"* Assumed: meter {key} {f}: {why}.")
    for offer_id in sorted({e.offer for e in ents}):
        for f, why in sheet.offers[offer_id].assumed:
            notes.append(f"* Assumed: offer {offer_id} {f}: {why}.")
    notes.extend(scenario.warnings)
    return notes


def _result(
    scenario: Scenario,
    sheet: PriceSheet,
    ents: list[_Ent],
    raw: list[Raw],
    bills: dict[str, Decimal],
    requests_used: dict[str, Decimal],
    flow: _Waterfall,
    merge: bool,
) -> Result:
    charges = _merge(raw, {k: m.unit for k, m in flow.meters.items()}, merge)
    shown = [e for e in ents if e.ends > scenario.start and e.starts < scenario.end]
    balances = tuple(
        Balance(
            id=e.id,
            offer=e.offer,
            name=e.name,
            count=e.count,
            stage=e.stage,
            kind=e.kind,
            unit=e.unit,
            covers=e.covers,
            starts=e.starts,
            ends=e.ends,
            initial=e.initial,
            absorbed=e.absorbed,
            absorbed_yuan=e.absorbed_yuan,
            left=ZERO if e.ends <= scenario.end else (e.size if e.kind == "capacity" else e.left),
            lapsed=e.lapsed,
            lapsed_value=_lapsed_value(e, flow),
            assumed=e.assumed,
        )
        for e in sorted(shown, key=lambda e: e.order)
    )
    purchases = tuple(
        Purchase(
            h.index,
            h.offer,
            h.acquired,
            h.count,
            sheet.offers[h.offer].price * h.count,
            scenario.start <= h.acquired < scenario.end,
        )
        for h in scenario.holdings
    )
    monthly = {m: bills.get(m, ZERO) for m in _months(scenario.start, scenario.end)}
    bill_rows = tuple(Bill(m, exact, bill_round(exact, sheet)) for m, exact in monthly.items())
    absorbed = {stage: ZERO for stage in sheet.settings.deduction_order if stage != "postpaid"}
    for c in charges:
        for a in c.allocations:
            if a.stage != "postpaid":
                absorbed[a.stage] += a.amount
    upfront = upfront_paid(scenario, sheet)
    due = sum((b.postpaid_due for b in bill_rows), ZERO)
    totals = Totals(
        list_price=sum((c.amount for c in charges), ZERO),
        absorbed=absorbed,
        postpaid_exact=sum((b.postpaid_exact for b in bill_rows), ZERO),
        postpaid_due=due,
        upfront=upfront,
        cash=upfront + due,
        lapsed_value=sum((b.lapsed_value for b in balances), ZERO),
    )
    used_meters = {c.meter for c in charges}
    assumed_meters = frozenset(k for k in used_meters if sheet.meters[k].assumed)
    state = State(
        left=tuple(sorted((e.id, e.left) for e in ents)),
        requests_used=tuple(sorted(requests_used.items())),
    )
    return Result(
        scenario=scenario.name,
        start=scenario.start,
        end=scenario.end,
        sheet=sheet.label,
        charges=tuple(charges),
        balances=balances,
        purchases=purchases,
        bills=bill_rows,
        totals=totals,
        stages=sheet.settings.deduction_order,
        notes=tuple(_notes(scenario, sheet, used_meters, shown)),
        assumed_meters=assumed_meters,
        state=state,
    )


MEASURES = {"cash": "cash out of pocket", "postpaid": "postpaid due", "list": "list price"}


class BudgetCheck(NamedTuple):
    limit: Decimal
    measure: str  # cash, postpaid or list
    value: Decimal

    @property
    def over(self) -> Decimal:
        return max(ZERO, self.value - self.limit)

    @property
    def exceeded(self) -> bool:
        return self.value > self.limit

    def message(self) -> str:
        what = MEASURES[self.measure]
        value, limit, over = (f"{v:,.2f}" for v in (self.value, self.limit, self.over))
        if self.exceeded:
            return f"budget exceeded: {what} {value} yuan is {over} over the budget of {limit} yuan"
        return f"within budget: {what} {value} yuan of {limit} yuan"


def check_budget(totals: Totals | Costs, limit: Decimal, measure: str) -> BudgetCheck:
    value = {"cash": totals.cash, "postpaid": totals.postpaid_due, "list": totals.list_price}[measure]
    return BudgetCheck(limit, measure, value)
