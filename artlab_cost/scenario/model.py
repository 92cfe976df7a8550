"""The usage scenario as typed values: one record per kind of usage, the holdings, the scenario."""

from datetime import date
from decimal import Decimal
from enum import StrEnum
from itertools import product
from typing import NamedTuple

from ..calendar import add_months
from ..messages import Note
from ..pricing import Limit, Meter, PriceSheet


class UsageKind(StrEnum):
    shared = "shared"
    dedicated = "dedicated"
    storage = "storage"
    traffic = "traffic"
    requests = "requests"


class Per(StrEnum):
    day = "day"
    week = "week"
    month = "month"


class Case(StrEnum):
    """Which value of each usage figure given as a range a run takes: its low end, the expected value, its high end."""

    low = "low"
    expected = "expected"
    high = "high"


class Tool(StrEnum):
    stable_diffusion = "stable-diffusion"
    comfyui = "comfyui"


class SharedUsage(NamedTuple):
    """Shared edition: GPU-seconds of generation per day, week or month (B3)."""

    label: str
    start: date  # first day, inclusive (clipped to the period)
    end: date  # exclusive
    gpu_seconds: Decimal  # per `per`
    per: Per = Per.month
    tool: Tool = Tool.stable_diffusion


class DedicatedUsage(NamedTuple):
    """Dedicated edition: one session a day on the given weekdays, billed while it runs (B4, B5)."""

    label: str
    start: date
    end: date
    spec: str
    hours_per_day: Decimal
    weekdays: frozenset[int] = frozenset(range(7))  # Monday is 0
    tool: Tool = Tool.stable_diffusion
    instances: int = 1  # copies running the same hours (seats): each its own session, billed alike


class StorageUsage(NamedTuple):
    """OSS storage: GB held, growing at the start of each later calendar month (B7)."""

    label: str
    start: date
    end: date
    gb: Decimal
    growth: Decimal = Decimal(0)
    anchor: date = date(2000, 1, 1)  # the day growth counts from: the entry's own first day


class TrafficUsage(NamedTuple):
    """OSS downstream traffic per calendar month, a share of it in idle hours (B7)."""

    label: str
    start: date
    end: date
    gb_per_month: Decimal
    idle_share: Decimal = Decimal(0)


class RequestUsage(NamedTuple):
    """OSS PUT and GET requests per calendar month (B6)."""

    label: str
    start: date
    end: date
    put_per_month: Decimal = Decimal(0)
    get_per_month: Decimal = Decimal(0)


Usage = SharedUsage | DedicatedUsage | StorageUsage | TrafficUsage | RequestUsage


class Holding(NamedTuple):
    """A trial, pack or voucher the account claimed or bought."""

    offer: str
    acquired: date
    copies: int
    used: Decimal | None
    label: str
    position: int  # in the scenario, for the B13 tie-break


class Scenario(NamedTuple):
    name: str
    new_user: bool
    student: bool
    start: date
    end: date  # exclusive
    usage: tuple[Usage, ...]
    holdings: tuple[Holding, ...]
    origin: str
    warnings: tuple[Note, ...] = ()
    specs: tuple[Meter, ...] = ()  # dedicated specs the scenario prices itself (PriceSheet.with_specs)
    ranges: tuple[str, ...] = ()  # the field paths of the usage figures given as ranges (`usage[0].images`)
    # `usage` with every range at its low end, and at its high end (empty without ranges); `usage` is the expected
    ends: tuple[tuple[Usage, ...], tuple[Usage, ...]] = ((), ())

    def with_holdings(self, extra: tuple[Holding, ...]) -> "Scenario":
        return self._replace(holdings=self.holdings + extra)

    def case(self, case: Case) -> "Scenario":
        """The scenario of one case: every range at that end (the expected value for `expected`), without ranges.

        A scenario without ranges is its own every case, so a caller may run each case of any scenario.
        """
        usage = {Case.low: self.ends[0], Case.expected: self.usage, Case.high: self.ends[1]}[case]
        return self._replace(usage=usage if self.ranges else self.usage, ranges=(), ends=((), ()))

    def variants(self, case: Case) -> tuple["Scenario", ...]:
        """The scenarios a case is the cheapest (low) or the dearest (high) of: every range at that case's end, and
        each figure whose cash is not monotone (NOT_MONOTONE) given as a range at either of its ends, that case's
        first; past EVERY_END_UP_TO such ranges, all at that case's end or all at the other. The expected case,
        and any case of a scenario with no such range, is one scenario (`case`) (docs/scenario.md, "Ranges")."""
        at = self.case(case)
        if case is Case.expected or not self.ranges:
            return (at,)
        swings = self.swings()
        ends = {Case.low: self.ends[0], Case.high: self.ends[1]}
        other = Case.high if case is Case.low else Case.low
        if len(swings) <= EVERY_END_UP_TO:
            choices = list(product((case, other), repeat=len(swings)))
        else:
            choices = [(case,) * len(swings), (other,) * len(swings)]
        out = []
        for choice in choices:
            usage = list(at.usage)
            for (i, name), end in zip(swings, choice, strict=True):
                usage[i] = usage[i]._replace(**{name: getattr(ends[end][i], name)})
            out.append(at._replace(usage=tuple(usage)))
        return tuple(out)

    def swings(self) -> list[tuple[int, str]]:
        """The (entry, figure) pairs of the figures whose cash is not monotone given as ranges: their ends differ."""
        low, high = self.ends
        return [
            (i, name)
            for i, (lo, hi) in enumerate(zip(low, high, strict=True))
            for name in NOT_MONOTONE.get(type(lo), ())
            if getattr(lo, name) != getattr(hi, name)
        ]

    def scaled(self, k: Decimal) -> "Scenario":
        """Every usage figure times k, exactly (the ends of each range too); holdings, dates and shares unchanged.

        Images and seconds per image are one figure, GPU-seconds, once loaded, so k images are never
        rounded: a scaled figure is an average, as any figure per day, week or month is (docs/plans.md,
        "How far a plan holds").
        """
        return self._replace(usage=_scaled(self.usage, k), ends=(_scaled(self.ends[0], k), _scaled(self.ends[1], k)))


# The figures whose cash is not monotone in them (docs/scenario.md, "Why the low case is the cheapest"): a case runs
# both ends of each one given as a range. At most EVERY_END_UP_TO such ranges are run end by end (2 ** n runs a
# case); more are run with all at one end or all at the other, and a note says so.
NOT_MONOTONE: dict[type, tuple[str, ...]] = {TrafficUsage: ("idle_share",)}
EVERY_END_UP_TO = 6

# The figures Scenario.scaled multiplies, by kind of usage: amounts of usage, never a share (idle_share) or a
# date. A dedicated entry scales by its hours: a session of more than 24 hours a day stands for more sessions.
SCALED_FIGURES: dict[type, tuple[str, ...]] = {
    SharedUsage: ("gpu_seconds",),
    DedicatedUsage: ("hours_per_day",),
    StorageUsage: ("gb", "growth"),
    TrafficUsage: ("gb_per_month",),
    RequestUsage: ("put_per_month", "get_per_month"),
}


def _scaled(usage: tuple[Usage, ...], k: Decimal) -> tuple[Usage, ...]:
    return tuple(u._replace(**{f: getattr(u, f) * k for f in SCALED_FIGURES[type(u)]}) for u in usage)


def validity_end(hold: Holding, sheet: PriceSheet) -> date:
    return add_months(hold.acquired, sheet.offers[hold.offer].validity_months)


def overlaps(holdings: list[Holding] | tuple[Holding, ...], sheet: PriceSheet) -> list[tuple[Holding, Holding]]:
    """Pairs of holdings that break a once-per-validity rule (B16): same group or offer, validity overlapping."""
    clashes = []
    limited = [h for h in holdings if sheet.offers[h.offer].limit is Limit.once_per_validity]
    for j, b in enumerate(limited):
        key_b = sheet.offers[b.offer].group or b.offer
        for a in limited[:j]:
            key_a = sheet.offers[a.offer].group or a.offer
            if key_a == key_b and a.acquired < validity_end(b, sheet) and b.acquired < validity_end(a, sheet):
                clashes.append((a, b))
    return clashes
