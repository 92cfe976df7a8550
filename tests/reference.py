"""The naive day-by-day reference of an ArtLab bill, for tests only.

It is independent of artlab_cost.engine (and of plans, calendar and render): it reads only the
typed scenario and price sheet, computes with fractions.Fraction (never floats), and walks the
period one calendar day at a time with no shortcut, so a test that compares it with the engine
means something. Rule ids (B1..B22) are those of ../shared/docs/billing-facts.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from artlab_cost.pricing import Meter, PriceSheet, Stage
from artlab_cost.scenario import (
    DedicatedUsage,
    Per,
    RequestUsage,
    Scenario,
    SharedUsage,
    StorageUsage,
    TrafficUsage,
)

ZERO = Fraction(0)
HALF = Fraction(1, 2)
STEP_SECONDS = {"second": 1, "minute": 60, "hour": 3600}  # B5
STAGES = (Stage.free_trial, Stage.pack, Stage.voucher)


@dataclass(frozen=True)
class Ent:
    """What one grant of one holding did over the period."""

    absorbed_yuan: Fraction
    absorbed_units: Fraction  # yuan (amount), GB-hours (capacity), else units of the meter
    left: Fraction
    lapsed: Fraction
    lapsed_value: Fraction


@dataclass(frozen=True)
class Reference:
    list_price: Fraction
    list_by_meter: dict[str, Fraction]
    absorbed: dict[Stage, Fraction]
    postpaid_exact: dict[str, Fraction]  # "YYYY-MM" -> yuan
    postpaid_due: dict[str, Fraction]
    upfront: Fraction
    entitlements: dict[tuple[int, int], Ent]  # (holding index, grant index) -> Ent


# --- calendar and rounding --------------------------------------------------------------------


def days_in_month(day: date) -> int:
    first = date(day.year, day.month, 1)
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return (following - first).days


def add_months(day: date, n: int) -> date:
    """`day` plus n calendar months, clamped to the last day of the month reached."""
    year, month0 = divmod(day.year * 12 + day.month - 1 + n, 12)
    first = date(year, month0 + 1, 1)
    return first.replace(day=min(day.day, days_in_month(first)))


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def round_to(x: Fraction, places: int, mode: str) -> Fraction:
    """x to `places` decimals: "truncate" toward zero, "half_up" halves away from zero, "half_even"."""
    scale = Fraction(10) ** places
    scaled = abs(x) * scale
    whole = math.floor(scaled)
    rest = scaled - whole
    if mode != "truncate" and (rest > HALF or (rest == HALF and (mode == "half_up" or whole % 2 == 1))):
        whole += 1
    sign = -1 if x < 0 else 1
    return sign * Fraction(whole) / scale


def round_charge(x: Fraction, sheet: PriceSheet) -> Fraction:
    places: int | None = sheet.settings.charge_places
    return x if places is None else round_to(x, places, "half_even")


def value(units: Fraction, meter: Meter, sheet: PriceSheet) -> Fraction:
    return round_charge(units * Fraction(meter.price) / Fraction(meter.divisor), sheet)


# --- usage: the quantity of each meter on one day ---------------------------------------------


def day_quantities(scenario: Scenario, sheet: PriceSheet, day: date) -> dict[str, Fraction]:
    out: dict[str, Fraction] = {}

    def add(key: str, quantity: Fraction) -> None:
        out[key] = out.get(key, ZERO) + quantity

    dim = days_in_month(day)
    for u in scenario.usage:
        if not (u.start <= day < u.end):
            continue
        if isinstance(u, SharedUsage):  # B3
            per_day = {Per.day: 1, Per.week: 7, Per.month: dim}[u.per]
            add("shared_gpu", Fraction(u.gpu_seconds) / per_day)
        elif isinstance(u, DedicatedUsage):  # B4, B5: one session a day
            if day.weekday() in u.weekdays:
                step = STEP_SECONDS[sheet.settings.dedicated_increment]
                seconds = math.ceil(Fraction(u.hours_per_day) * 3600 / step) * step
                add("dedicated:" + u.spec, Fraction(seconds, 3600))
        elif isinstance(u, StorageUsage):  # B7: GB-hours
            months = (day.year - u.anchor.year) * 12 + day.month - u.anchor.month
            add("storage", (Fraction(u.gb) + Fraction(u.growth) * months) * 24)
        elif isinstance(u, TrafficUsage):  # B7
            idle = Fraction(u.idle_share)
            add("traffic_idle", Fraction(u.gb_per_month) * idle / dim)
            add("traffic_busy", Fraction(u.gb_per_month) * (1 - idle) / dim)
        elif isinstance(u, RequestUsage):  # B6
            add("put_requests", Fraction(u.put_per_month) / dim)
            add("get_requests", Fraction(u.get_per_month) / dim)
    return out


def charge_order(keys: list[str]) -> list[str]:
    """The order a day's charges go through the waterfall (idle traffic first, busy traffic last)."""
    dedicated = sorted(k for k in keys if k.startswith("dedicated:"))
    order = ["traffic_idle", "shared_gpu", *dedicated, "storage", "put_requests", "get_requests", "traffic_busy"]
    return [k for k in order if k in keys]


# --- entitlements -----------------------------------------------------------------------------


@dataclass
class Entitlement:
    """One grant of one holding while the period runs (mutable working state)."""

    stage: Stage
    kind: str  # "amount", "quantity", "capacity" or "monthly"
    covers: frozenset[str]  # meter bases
    size: Fraction
    acquired: date
    expiry: date  # exclusive
    first_live: date  # the first day of the period it is valid
    order: tuple[int, date, date, str, int, int]
    left: Fraction
    absorbed_yuan: Fraction = ZERO
    absorbed_units: Fraction = ZERO
    lapsed: Fraction = ZERO

    def live(self, day: date) -> bool:
        return self.acquired <= day < self.expiry

    def lapse(self) -> None:
        self.lapsed += self.left
        self.left = ZERO


def entitlements(scenario: Scenario, sheet: PriceSheet) -> dict[tuple[int, int], Entitlement]:
    out: dict[tuple[int, int], Entitlement] = {}
    for hi, h in enumerate(scenario.holdings):
        offer = sheet.offers[h.offer]
        expiry = add_months(h.acquired, offer.validity_months)
        if h.acquired >= scenario.end or expiry <= scenario.start:
            continue  # wholly outside the period
        stage_pos = sheet.settings.deduction_order.index(offer.stage)  # B17
        tie = (h.acquired, offer.id) if sheet.settings.tie_break == "acquired_then_offer" else (date.min, "")  # B13
        for gi, g in enumerate(offer.grants):
            size = Fraction(g.size) * h.copies
            left = size
            if str(g.kind) == "monthly" and sheet.settings.partial_month == "prorated":
                # bought after the 1st of the month it starts being used in: that month's days left / its days
                first = max(h.acquired, scenario.start)
                if (h.acquired.year, h.acquired.month) == (first.year, first.month) and h.acquired.day > 1:
                    dim = days_in_month(h.acquired)
                    left = size * (dim - h.acquired.day + 1) / dim
            if h.used is not None and h.acquired < scenario.start:
                left -= Fraction(h.used)
            out[(hi, gi)] = Entitlement(
                stage=offer.stage,
                kind=str(g.kind),
                covers=frozenset(str(c) for c in g.covers),
                size=size,
                acquired=h.acquired,
                expiry=expiry,
                first_live=max(h.acquired, scenario.start),
                order=(stage_pos, expiry, *tie, hi, gi),
                left=left,
            )
    return out


def at_midnight(e: Entitlement, day: date, scenario: Scenario) -> None:
    """What happens to an entitlement at 00:00 of `day` (a day of the period, or its end)."""
    if e.kind != "capacity" and e.expiry == day:  # B12: what is left at expiry lapses
        e.lapse()
    if e.kind == "monthly" and day.day == 1:  # B16: a month's quota does not carry over
        if day > scenario.start and e.acquired < day <= e.expiry:
            e.lapse()
        if day < scenario.end and e.live(day) and day != e.first_live:
            e.left = e.size


def turn(e: Entitlement, sheet: PriceSheet) -> tuple[object, ...]:
    """Whose turn it is at this charge: the waterfall's order, but vouchers of yuan largest balance first when
    the sheet says so (Alibaba Cloud, "Use coupons": then earliest expiry, then earliest issue)."""
    by_balance = sheet.settings.voucher_order == "largest_balance" and e.stage is Stage.voucher and e.kind == "amount"
    return (e.order[0], -e.left if by_balance else ZERO, *e.order[1:])


def pay_purchases(scenario: Scenario, sheet: PriceSheet, ents: list[Entitlement], day: date) -> dict[int, Fraction]:
    """With voucher_pays_packs: the price of each pack bought on `day`, paid by the live vouchers of yuan that
    cover all it covers, before the day's usage; what they paid, per holding."""
    paid: dict[int, Fraction] = {}
    if not sheet.settings.voucher_pays_packs:
        return paid
    for hi, h in enumerate(scenario.holdings):
        offer = sheet.offers[h.offer]
        if h.acquired != day or offer.stage is Stage.voucher or offer.price <= 0:
            continue
        covers = {str(c) for g in offer.grants for c in g.covers}
        rest = Fraction(offer.price) * h.copies
        payers = [e for e in ents if e.stage is Stage.voucher and e.kind == "amount" and e.live(day)]
        for e in sorted((e for e in payers if covers <= e.covers), key=lambda e: turn(e, sheet)):
            take = min(rest, e.left)
            e.left -= take
            rest -= take
        if rest < Fraction(offer.price) * h.copies:
            paid[hi] = Fraction(offer.price) * h.copies - rest
    return paid


def absorb(
    key: str, units: Fraction, amount: Fraction, ents: list[Entitlement], day: date, sheet: PriceSheet
) -> tuple[Fraction, dict[Stage, Fraction]]:
    """One charge through the live covering entitlements (B13, B16, B17): (postpaid rest, taken per stage)."""
    meter = sheet.meters[key]
    price, divisor = Fraction(meter.price), Fraction(meter.divisor)
    base = key.split(":")[0]
    taken = dict.fromkeys(STAGES, ZERO)
    rest_yuan, rest_units = amount, units
    for e in sorted((e for e in ents if base in e.covers and e.live(day)), key=lambda e: turn(e, sheet)):
        if rest_yuan <= 0:
            break
        if e.kind != "capacity" and e.left <= 0:
            continue
        if e.kind != "amount" and rest_units <= 0:
            continue  # units are given only while units are left: a charge's rounding residue is not a unit
        if e.kind == "amount":
            take = min(rest_yuan, e.left)
            took = rest_units if take == rest_yuan else min(rest_units, take * divisor / price)
            e.left -= take
        elif e.kind == "capacity":  # size GB at every hour of the day, not used up
            took = min(rest_units, e.size * 24)
            take = rest_yuan if took == rest_units else min(rest_yuan, value(took, meter, sheet))
        else:  # "quantity" or "monthly"
            took = min(rest_units, e.left)
            take = rest_yuan if took == rest_units else min(rest_yuan, value(took, meter, sheet))
            e.left -= took
        e.absorbed_yuan += take
        e.absorbed_units += take if e.kind == "amount" else took  # an amount grant counts in yuan
        taken[e.stage] += take
        rest_yuan -= take
        rest_units -= took
    return rest_yuan, taken


def lapsed_value(e: Entitlement, sheet: PriceSheet) -> Fraction:
    if e.kind == "amount":
        return e.lapsed
    rates = [Fraction(m.price) / Fraction(m.divisor) for k, m in sheet.meters.items() if k.split(":")[0] in e.covers]
    return round_charge(e.lapsed * max(rates, default=ZERO), sheet)


# --- the period -------------------------------------------------------------------------------


def reference(scenario: Scenario, sheet: PriceSheet) -> Reference:
    by_meter: dict[str, Fraction] = {}
    absorbed = dict.fromkeys(STAGES, ZERO)
    postpaid: dict[str, Fraction] = {}
    month = date(scenario.start.year, scenario.start.month, 1)
    while month < scenario.end:  # every calendar month the period touches
        postpaid[month_key(month)] = ZERO
        month = add_months(month, 1)
    ents = entitlements(scenario, sheet)
    month_used: dict[tuple[str, str], Fraction] = {}  # (meter, month) -> quantity so far (B6)

    paid: dict[int, Fraction] = {}
    day = scenario.start
    while day < scenario.end:
        for e in ents.values():
            at_midnight(e, day, scenario)
        paid.update(pay_purchases(scenario, sheet, list(ents.values()), day))
        quantities = day_quantities(scenario, sheet, day)
        for key in charge_order(list(quantities)):
            used = quantities[key]
            if used == 0:
                continue
            meter = sheet.meters[key]
            billable = used
            free = Fraction(meter.free_per_month)
            if free > 0:  # B6: the month's first `free` units are not billed
                before = month_used.get((key, month_key(day)), ZERO)
                after = before + used
                month_used[(key, month_key(day))] = after
                billable = max(ZERO, after - max(free, before))
            amount = value(billable, meter, sheet)
            by_meter[key] = by_meter.get(key, ZERO) + amount
            rest, taken = absorb(key, billable, amount, list(ents.values()), day, sheet)
            for stage in STAGES:
                absorbed[stage] += taken[stage]
            postpaid[month_key(day)] += rest
        day += timedelta(days=1)
    for e in ents.values():
        at_midnight(e, scenario.end, scenario)

    out_ents: dict[tuple[int, int], Ent] = {}
    for k, e in ents.items():
        left = e.left
        if e.kind == "capacity":
            left = e.size if e.expiry > scenario.end else ZERO
        out_ents[k] = Ent(e.absorbed_yuan, e.absorbed_units, left, e.lapsed, lapsed_value(e, sheet))
    bill = sheet.settings
    return Reference(
        list_price=sum(by_meter.values(), ZERO),
        list_by_meter=by_meter,
        absorbed=absorbed,
        postpaid_exact=postpaid,
        postpaid_due={m: round_to(x, bill.bill_places, bill.bill_rounding) for m, x in postpaid.items()},  # B20
        upfront=sum(
            (
                Fraction(sheet.offers[h.offer].price) * h.copies
                for h in scenario.holdings
                if scenario.start <= h.acquired < scenario.end
            ),
            ZERO,
        )
        - sum(paid.values(), ZERO),  # what vouchers paid of the purchases is not paid in cash
        entitlements=out_ents,
    )
