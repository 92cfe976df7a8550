"""Cost by label (`estimate --by label`): each usage entry's share of every charge, and so of each stage.

A charge is one meter over identical days, the sum of the entries active on them. Each entry's
share of it is its part of that quantity (pro rata within the charge): its list price is the
charge's amount times that part, exactly, and so is its share of every allocation (what each
trial, pack, voucher and postpaid took). Entries with the same label add up. So the labels' list
prices add up to the estimate's list price and, stage by stage, to what each stage absorbed; a
free request allowance (B6) or a grant that runs out within a day is shared like the rest of the
charge, in proportion to usage, since the waterfall takes a day's charge of a meter as one.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date
from fractions import Fraction
from typing import NamedTuple, Protocol

from ..money import ZERO
from ..pricing import PriceSheet, Stage
from ..scenario import Scenario
from .usage import active_mask, entry_day, spans


class _Allocation(Protocol):
    @property
    def stage(self) -> Stage: ...
    @property
    def entitlement(self) -> str | None: ...
    @property
    def amount(self) -> Fraction: ...


class _Charge(Protocol):
    @property
    def meter(self) -> str: ...
    @property
    def start(self) -> date: ...
    @property
    def amount(self) -> Fraction: ...
    @property
    def allocations(self) -> tuple[_Allocation, ...]: ...


class LabelShare(NamedTuple):
    """What the entries of one label used: at list price, and what each stage (and entitlement) took of it."""

    label: str
    list_price: Fraction
    # (stage, entitlement id or None for postpaid) -> yuan, in the order first met
    parts: tuple[tuple[Stage, str | None, Fraction], ...]

    def stage(self, stage: Stage) -> Fraction:
        return sum((amount for s, _, amount in self.parts if s is stage), ZERO)


def label_shares(scenario: Scenario, sheet: PriceSheet, charges: Iterable[_Charge]) -> tuple[LabelShare, ...]:
    """Each label's share of the charges (a charge being a run of identical days of one month), in the order
    the labels first appear in the scenario's usage."""
    increment = sheet.settings.dedicated_increment
    entries = scenario.usage
    listed = {u.label: ZERO for u in entries}
    parts: dict[str, dict[tuple[Stage, str | None], Fraction]] = {u.label: {} for u in entries}
    # a day's entries' parts depend on its month and which entries are active (as in usage.segments)
    seen: dict[tuple[int, int, int], dict[str, list[tuple[str, Fraction]]]] = {}
    days_of = spans(entries)
    for c in charges:
        day = c.start
        mask = active_mask(days_of, day)
        key = (day.year, day.month, mask)
        if key not in seen:
            days = calendar.monthrange(day.year, day.month)[1]
            found: dict[str, list[tuple[str, Fraction]]] = {}
            for i, u in enumerate(entries):
                if mask >> i & 1:
                    for meter, qty in entry_day(u, day, days, increment):
                        if qty:
                            found.setdefault(meter, []).append((u.label, qty))
            seen[key] = found
        used = seen[key].get(c.meter, [])
        whole = sum((qty for _, qty in used), ZERO)
        if not whole:
            continue
        for label, qty in used:
            share = qty / whole
            listed[label] += c.amount * share
            mine = parts[label]
            for a in c.allocations:
                part = (a.stage, a.entitlement)
                mine[part] = mine.get(part, ZERO) + a.amount * share
    return tuple(
        LabelShare(label, listed[label], tuple((s, e, v) for (s, e), v in parts[label].items())) for label in listed
    )
