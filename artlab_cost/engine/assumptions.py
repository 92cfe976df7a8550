"""What a result rests on that no source gives: the assumed values it used, and what the open settings change.

A price sheet marks each value no source gives (`assumed`). A result rests on one when it uses
it: the price of a meter it charged, the terms of an offer it holds (the price only when bought
within the period), a setting whose other values would move a figure. `--strict` refuses a
result that rests on any; the notes and the JSON list them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from itertools import combinations
from typing import Any

from ..calendar import add_months
from ..messages import Level, Note, Qty, Yuan, note
from ..money import q
from ..pricing import (
    DEDICATED_PREFIX,
    Assumption,
    GrantKind,
    Increment,
    MeterId,
    PartialMonth,
    PriceSheet,
    Stage,
    TieBreak,
    VoucherOrder,
    meter_base,
)
from ..scenario import DedicatedUsage, Scenario
from .waterfall import Entitlement

STALE_MONTHS = 12  # a sheet older than this when the period starts is said to be stale


def _live_together(a: Entitlement, b: Entitlement) -> bool:
    return bool(a.covers & b.covers) and max(a.starts, b.starts) < min(a.ends, b.ends)


def with_setting(sheet: PriceSheet, name: str, value: Any) -> PriceSheet:
    return sheet._replace(settings=sheet.settings._replace(**{name: value}))


def alternatives(sheet: PriceSheet, name: str) -> list[Any]:
    """The other values an assumed setting could take: what a reader should see the result under."""
    current = getattr(sheet.settings, name)
    if name == "deduction_order":  # B17 leaves open only whether packs or vouchers come first
        order = list(current)
        if Stage.pack in order and Stage.voucher in order:
            i, j = order.index(Stage.pack), order.index(Stage.voucher)
            order[i], order[j] = order[j], order[i]
            return [tuple(order)]
        return []
    kinds: dict[str, Iterable[Any]] = {
        "dedicated_increment": Increment,
        "partial_month": PartialMonth,
        "tie_break": TieBreak,
        "voucher_order": VoucherOrder,
        "voucher_pays_packs": (False, True),
    }
    return [v for v in kinds.get(name, ()) if v != current]


def _increment_matters(scenario: Scenario, sheet: PriceSheet, ents: Sequence[Entitlement]) -> bool:
    """A dedicated session that is not a whole number of each increment: its billed length, and so the list
    price, moves with the increment (B5)."""
    for u in scenario.usage:
        if isinstance(u, DedicatedUsage) and u.start < u.end:
            seconds = q(u.hours_per_day) * 3600
            billed = {math.ceil(seconds / i.seconds) * i.seconds for i in Increment}
            if len(billed) > 1:
                return True
    return False


def _partial_matters(scenario: Scenario, sheet: PriceSheet, ents: Sequence[Entitlement]) -> bool:
    """A monthly quota that starts after the 1st of a month of the period."""
    first = date(scenario.start.year, scenario.start.month, 1)
    return any(e.kind is GrantKind.monthly and e.starts.day > 1 and e.starts >= first for e in ents)


def _tie_matters(scenario: Scenario, sheet: PriceSheet, ents: Sequence[Entitlement]) -> bool:
    """Two grants of one stage that expire together, share a meter, and that the tie-break rules order
    differently (B13)."""
    for a, b in combinations(ents, 2):
        if a.stage is b.stage and a.ends == b.ends and _live_together(a, b):
            by_acquired = (a.starts, a.offer) < (b.starts, b.offer)
            by_listing = (a.holding, a.grant) < (b.holding, b.grant)
            if (a.starts, a.offer) != (b.starts, b.offer) and by_acquired != by_listing:
                return True
    return False


def _order_matters(scenario: Scenario, sheet: PriceSheet, ents: Sequence[Entitlement]) -> bool:
    """A pack and a voucher that could absorb the same charge (B17)."""
    packs = [e for e in ents if e.stage is Stage.pack]
    return any(_live_together(p, v) for p in packs for v in ents if v.stage is Stage.voucher)


def _vouchers_together(scenario: Scenario, sheet: PriceSheet, ents: Sequence[Entitlement]) -> bool:
    """Two vouchers live at once that could pay the same charge: which goes first is the voucher order."""
    vouchers = [e for e in ents if e.stage is Stage.voucher]
    return any(_live_together(a, b) for a, b in combinations(vouchers, 2))


def _voucher_at_purchase(scenario: Scenario, sheet: PriceSheet, ents: Sequence[Entitlement]) -> bool:
    """A pack bought in the period, with a price, while a voucher that covers all it covers is live."""
    for h in scenario.holdings:
        offer = sheet.offers[h.offer]
        if offer.stage is Stage.voucher or offer.price <= 0 or not scenario.start <= h.acquired < scenario.end:
            continue
        if any(v.stage is Stage.voucher and v.starts <= h.acquired < v.ends and offer.covers <= v.covers for v in ents):
            return True
    return False


MATTERS: dict[str, Callable[[Scenario, PriceSheet, Sequence[Entitlement]], bool]] = {
    "dedicated_increment": _increment_matters,
    "partial_month": _partial_matters,
    "tie_break": _tie_matters,
    "deduction_order": _order_matters,
    "voucher_order": _vouchers_together,
    "voucher_pays_packs": _voucher_at_purchase,
}


def relied_on(
    scenario: Scenario,
    sheet: PriceSheet,
    meters_used: Iterable[str],
    ents: Sequence[Entitlement],
    meters_free: Iterable[str] = (),
) -> tuple[Assumption, ...]:
    """The assumed values a result rests on, in the sheet's order: the sheet's own, the settings that
    matter here, the meters charged (and the free allowance of meters used within it), and the terms
    of the offers held in the period."""
    held = [e for e in ents if e.ends > scenario.start and e.starts < scenario.end]
    out = [a for a in sheet.assumptions() if a.field.startswith("sheet.")]
    for name, _ in sheet.settings.assumed:
        check = MATTERS.get(name)
        if check is None or check(scenario, sheet, held):
            found = sheet.setting_assumption(name)
            if found is not None:
                out.append(found)
    charged = set(meters_used)
    for key in sorted(charged | set(meters_free)):
        # a meter used only within its free allowance is billed nothing: only the allowance is a figure of it
        out += [a for a in sheet.meter_assumptions(key) if key in charged or a.field.endswith(".free_per_month")]
    bought = {h.offer for h in scenario.holdings if scenario.start <= h.acquired < scenario.end}
    for offer in dict.fromkeys(e.offer for e in held):
        out += [a for a in sheet.offer_assumptions(offer) if offer in bought or not a.field.endswith(".price")]
    return tuple(out)


def voucher_notes(
    scenario: Scenario, sheet: PriceSheet, ents: Sequence[Entitlement], paid: dict[int, Any]
) -> list[Note]:
    """Which voucher settings were used, when they matter here, and what vouchers paid of each purchase."""
    st = sheet.settings
    out = []
    if _vouchers_together(scenario, sheet, ents):
        out.append(note("note.voucher-order", order=st.voucher_order))
    if _voucher_at_purchase(scenario, sheet, ents):
        out.append(note("note.voucher-pays-packs", value="true" if st.voucher_pays_packs else "false"))
    for h in scenario.holdings:
        if paid.get(h.position):
            price = q(sheet.offers[h.offer].price) * h.copies
            out.append(
                note(
                    "note.voucher-paid-pack",
                    offer=h.offer,
                    day=h.acquired,
                    paid=Yuan(paid[h.position]),
                    cash=Yuan(price - paid[h.position]),
                )
            )
    return out


def price_notes(sheet: PriceSheet) -> list[Note]:
    """One note per offer the user priced for this run (--price): the price is the user's, not the sheet's."""
    return [
        note("note.user-price", offer=offer, price=Yuan(price), sheet_price=Yuan(listed))
        for offer, price, listed in sheet.user_prices
    ]


def sheet_age(start: date, sheet: PriceSheet) -> list[Note]:
    """A warning when the period starts before the sheet's prices took effect, or long after (B21, B22)."""
    if start < sheet.effective:
        return [note("warning.sheet-not-in-force", level=Level.warning, start=start, effective=sheet.effective)]
    if start >= add_months(sheet.effective, STALE_MONTHS):
        return [
            note(
                "warning.sheet-stale",
                level=Level.warning,
                start=start,
                effective=sheet.effective,
                months=STALE_MONTHS,
            )
        ]
    return []


def spec_notes(sheet: PriceSheet, hours: dict[str, Any], amounts: dict[str, Any]) -> list[Note]:
    """For each dedicated spec charged: the scenario's own price and where it comes from, or, for a spec at an
    end of the published range (B4), what the same hours would list at the other end."""
    out = []
    low_high = sheet.spec_range
    for key in sorted(hours):
        spec = key.removeprefix(DEDICATED_PREFIX)
        meter = sheet.meters[key]
        if meter.origin:
            code = "note.user-spec" if meter.source else "note.user-spec-unsourced"
            out.append(note(code, "B4", spec=spec, price=meter.price, source=meter.source))
        elif low_high is not None and spec in low_high:
            low, high = (sheet.meters[DEDICATED_PREFIX + s] for s in low_high)
            other = high if spec == low_high[0] else low
            out.append(
                note(
                    "note.spec-range-low" if spec == low_high[0] else "note.spec-range-high",
                    "B4",
                    spec=spec,
                    low=low.price,
                    high=high.price,
                    hours=Qty(hours[key], "h"),
                    other=other.id.removeprefix(DEDICATED_PREFIX),
                    cost=Yuan(hours[key] * q(other.price)),
                    list=Yuan(amounts[key]),
                )
            )
    return out


def dedicated_hours(charges: Iterable[Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Billed hours and list price of each dedicated spec charged."""
    hours: dict[str, Any] = {}
    amounts: dict[str, Any] = {}
    for c in charges:
        if meter_base(c.meter) is MeterId.dedicated and c.amount > 0:
            hours[c.meter] = hours.get(c.meter, 0) + c.billable
            amounts[c.meter] = amounts.get(c.meter, 0) + c.amount
    return hours, amounts
