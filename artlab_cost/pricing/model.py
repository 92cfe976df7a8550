"""The price sheet as typed values: meters, offers, settings, and the terms of the billing domain."""

import functools
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from ..messages import Msg, Words, msg
from ..money import Rounding as Rounding  # money owns it: the rounding rules are arithmetic, the sheet names one


class Stage(StrEnum):
    """Where an entitlement stands in the deduction waterfall (B17)."""

    free_trial = "free_trial"
    pack = "pack"
    voucher = "voucher"
    postpaid = "postpaid"


class MeterId(StrEnum):
    """The billable meters, in the order charges of one day are taken by the waterfall.

    Idle-hour traffic (00:00-08:00, B7) comes first in a day and busy-hour traffic last; the
    rest run all day. A dedicated meter is keyed `dedicated:<spec>`, one per machine spec.
    """

    traffic_idle = "traffic_idle"
    shared_gpu = "shared_gpu"
    dedicated = "dedicated"
    storage = "storage"
    put_requests = "put_requests"
    get_requests = "get_requests"
    traffic_busy = "traffic_busy"


class GrantKind(StrEnum):
    """How a grant is drawn down: OSS's three offset methods for resource plans, and amounts of yuan (B16)."""

    amount = "amount"  # yuan, used up
    quantity = "quantity"  # units of the covered meters, drawn down until used up (总量递减型)
    capacity = "capacity"  # GB of storage covered at every hour, not used up (总量恒定型)
    monthly = "monthly"  # units of the covered meters each calendar month, restored on the 1st (包月周期型)


class Limit(StrEnum):
    """An offer's purchase rule."""

    once_per_user = "once_per_user"  # B10, B15
    once_per_validity = "once_per_validity"  # one of its group at a time (B16)
    stackable = "stackable"  # B16


class Eligibility(StrEnum):
    new_user = "new_user"  # B10
    student = "student"  # B11


class Increment(StrEnum):
    """How a partial dedicated hour is billed (B5): a session rounded up to a whole increment."""

    second = "second"
    minute = "minute"
    hour = "hour"

    @property
    def seconds(self) -> int:
        return {"second": 1, "minute": 60, "hour": 3600}[self.value]


class TieBreak(StrEnum):
    """Which of several packs expiring together goes first (B13)."""

    acquired_then_offer = "acquired_then_offer"
    listed = "listed"


class PartialMonth(StrEnum):
    """A monthly quota in the month a pack is bought, when it is bought after the 1st."""

    full = "full"  # the whole quota for the rest of that month
    prorated = "prorated"  # the quota x the days left / the days of the month


class VoucherOrder(StrEnum):
    """Which of several live vouchers pays a charge first; chosen again for each charge, as each bill is settled."""

    largest_balance = "largest_balance"  # then earliest expiry, then earliest issue (Alibaba Cloud's "use coupons")
    nearest_expiry = "nearest_expiry"  # as packs are (B13)


METERS = tuple(MeterId)
UNITS = {
    MeterId.shared_gpu: "GPU-s",
    MeterId.dedicated: "h",
    MeterId.storage: "GB-h",
    MeterId.traffic_busy: "GB",
    MeterId.traffic_idle: "GB",
    MeterId.put_requests: "req",
    MeterId.get_requests: "req",
}
# Names a grant may use for several meters at once.
METER_GROUPS: dict[str, tuple[MeterId, ...]] = {
    "compute": (MeterId.shared_gpu, MeterId.dedicated),
    "traffic": (MeterId.traffic_busy, MeterId.traffic_idle),
    "requests": (MeterId.put_requests, MeterId.get_requests),
    "oss": (MeterId.storage, MeterId.traffic_busy, MeterId.traffic_idle, MeterId.put_requests, MeterId.get_requests),
    "all": METERS,
}
DEDICATED_PREFIX = "dedicated:"


@functools.cache  # an Enum lookup by value costs a microsecond, and the engine asks for each charge
def meter_base(key: str) -> MeterId:
    """The meter a meter key belongs to: `dedicated:ded-8.07` -> dedicated."""
    return MeterId(key.split(":", 1)[0])


# The order in which outputs list a month's meters: the sheet's (docs/pricing.md, "meters"), busy traffic
# before idle, dedicated specs by id. The waterfall's own order within a day (MeterId) is another matter.
METERS_SHOWN = (
    MeterId.shared_gpu,
    MeterId.dedicated,
    MeterId.storage,
    MeterId.traffic_busy,
    MeterId.traffic_idle,
    MeterId.put_requests,
    MeterId.get_requests,
)
_SHOWN_RANK = {m: i for i, m in enumerate(METERS_SHOWN)}


@functools.cache
def shown_order(key: str) -> tuple[int, str]:
    """Where a meter key stands when a month's meters are listed (METERS_SHOWN, then the spec id)."""
    return (_SHOWN_RANK[meter_base(key)], key)


def dedicated_key(spec: str) -> str:
    return DEDICATED_PREFIX + spec


def expand_covers(names: list[str] | tuple[str, ...]) -> frozenset[MeterId]:
    out: set[MeterId] = set()
    for name in names:
        out.update(METER_GROUPS[name] if name in METER_GROUPS else (MeterId(name),))
    return frozenset(out)


Assumed = tuple[tuple[str, "Words | Msg"], ...]  # (field, why) of every value no source gives


class Assumption(NamedTuple):
    """A value no source gives: the file and field it is written in, and why it was chosen."""

    field: str  # its field path in that file: settings.tie_break, offers.storage-pack-40.price
    why: Words | Msg  # the file's reason, or ours (a scenario's own price given without a source)
    file: str  # the price sheet it is in (its origin), or the scenario that priced its own spec


def meter_path(key: str) -> str:
    """A meter's field path in the sheet: meters.storage, meters.dedicated.specs.ded-8.07."""
    return (
        f"meters.dedicated.specs.{key.removeprefix(DEDICATED_PREFIX)}"
        if key.startswith(DEDICATED_PREFIX)
        else f"meters.{key}"
    )


class Meter(NamedTuple):
    """A billable meter: yuan = units x price / divisor."""

    id: str  # a MeterId, or dedicated:<spec>
    name: Words | None  # None: the meter's own name in the reader's language
    unit: str
    price: Decimal
    divisor: Decimal  # 1, or days_per_month x 24 for storage, or `per` for requests
    price_unit: str  # how the price is quoted: "GPU-second", "GB-month", "10,000 requests"
    source: str
    assumed: Assumed = ()
    free_per_month: Decimal = Decimal(0)
    origin: str = ""  # the scenario file of a spec a scenario prices itself; "" for the sheet's own meters
    field: str = ""  # where in that scenario: specs.my-a10, usage[2]

    @property
    def base(self) -> MeterId:
        return meter_base(self.id)


class Grant(NamedTuple):
    kind: GrantKind
    size: Decimal
    covers: frozenset[MeterId]
    unit: str  # "yuan" for amount, else the covered meters' unit (capacity: GB)


class Offer(NamedTuple):
    id: str
    name: Words
    stage: Stage
    price: Decimal
    validity_months: int
    eligible: frozenset[Eligibility]
    limit: Limit
    group: str
    grants: tuple[Grant, ...]
    source: str
    assumed: Assumed
    note: Words | None

    @property
    def covers(self) -> frozenset[MeterId]:
        return frozenset().union(*(g.covers for g in self.grants))


class Settings(NamedTuple):
    deduction_order: tuple[Stage, ...]
    tie_break: TieBreak
    dedicated_increment: Increment
    bill_rounding: Rounding
    bill_places: int
    charge_places: int | None  # each day's charge rounded to this many decimals; None: exact (the default)
    partial_month: PartialMonth
    source: str
    assumed: Assumed = ()
    voucher_order: VoucherOrder = VoucherOrder.largest_balance
    voucher_pays_packs: bool = False  # a live voucher pays the price of a pack bought (组合购买资源)


BUNDLED_NAME = "bundled pricing.yaml"  # the origin of the sheet shipped with the package


class PriceSheet(NamedTuple):
    name: Words
    version: str
    effective: date
    currency: str
    source: str
    settings: Settings
    meters: dict[str, Meter]  # key -> meter; dedicated specs are "dedicated:<spec>"
    offers: dict[str, Offer]
    origin: str  # the file it was read from, or "bundled pricing.yaml"
    spec_range: tuple[str, str] | None = None  # the specs at the low and high end of the published range (B4)
    assumed: Assumed = ()
    # offers priced by the user for this run (--price): (offer, the user's price, the sheet's price)
    user_prices: tuple[tuple[str, Decimal, Decimal], ...] = ()

    @property
    def label(self) -> Msg:
        """Name, version and effective date: what an output says it priced with (B21)."""
        return msg("sheet.label", name=self.name, version=self.version, effective=self.effective, origin=self.origin)

    @property
    def origin_text(self) -> Msg | str:
        """The file the sheet was read from, or the bundled sheet in the reader's words."""
        return msg("sheet.bundled") if self.origin == BUNDLED_NAME else self.origin

    def spec_ids(self) -> tuple[str, ...]:
        return tuple(k.removeprefix(DEDICATED_PREFIX) for k in self.meters if k.startswith(DEDICATED_PREFIX))

    def assumptions(self) -> list[Assumption]:
        """Every value of the sheet that no source gives, by its field path."""
        out = [Assumption(f"sheet.{f}", why, self.origin) for f, why in self.assumed]
        out += [Assumption(f"settings.{f}", why, self.origin) for f, why in self.settings.assumed]
        out += [a for key in self.meters for a in self.meter_assumptions(key)]
        out += [a for oid in self.offers for a in self.offer_assumptions(oid)]
        return out

    def meter_assumptions(self, key: str) -> list[Assumption]:
        m = self.meters[key]
        where = m.field or meter_path(key)
        return [Assumption(f"{where}.{f}", why, m.origin or self.origin) for f, why in m.assumed]

    def offer_assumptions(self, offer: str) -> list[Assumption]:
        return [Assumption(f"offers.{offer}.{f}", why, self.origin) for f, why in self.offers[offer].assumed]

    def setting_assumption(self, name: str) -> Assumption | None:
        why = dict(self.settings.assumed).get(name)
        return Assumption(f"settings.{name}", why, self.origin) if why is not None else None

    def with_specs(self, specs: tuple[Meter, ...]) -> "PriceSheet":
        """The sheet with a scenario's own dedicated specs added (the scenario's loader made sure they never
        replace one of the sheet's)."""
        return self._replace(meters={**self.meters, **{m.id: m for m in specs}}) if specs else self
