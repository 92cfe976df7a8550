"""The price sheet's file format: one declarative spec that checks a sheet and emits its JSON Schema."""

from __future__ import annotations

from decimal import Decimal

from ..messages import LANGS
from ..schema import Day, Field, Flag, ListOf, MapOf, Num, Prose, Record, Text, TextOrMap
from .model import (
    METER_GROUPS,
    METERS,
    Eligibility,
    GrantKind,
    Increment,
    Limit,
    PartialMonth,
    Rounding,
    Stage,
    TieBreak,
    VoucherOrder,
)

GRANT_KINDS = tuple(GrantKind)

_SOURCE = Field(
    TextOrMap(
        Text(max_length=300),
        MapOf(Text(max_length=300), key_pattern=r"[a-z_]{1,40}"),
        doc=(
            "Where the values come from: a rule id of docs/billing-rules.md (B3) or a public page's title and address; "
            "one text for the whole entry, or one per field (price: ..., validity_months: ...)."
        ),
    ),
    required=True,
)


def _prose(max_length: int = 200, doc: str = "") -> Prose:
    """Text for people: one text, or one per language ({en: ..., zh: ...}); each output shows its language's."""
    return Prose(Text(max_length=max_length), LANGS, doc=doc)


_NAME = Field(_prose())
_ASSUMED = Field(
    MapOf(
        _prose(300),
        key_pattern=r"[a-z_]{1,40}(\.[a-z_]{1,40})?",  # grants.covers: a part of a field (SUBFIELDS)
        doc=(
            "Fields of this entry that no source gives, each with the reason the value was chosen; "
            "shown as assumptions in every output."
        ),
    )
)


def _price(doc: str) -> Field:
    return Field(Num(doc=doc), required=True)


_METER = Record({"price": _price("Yuan per unit."), "source": _SOURCE, "assumed": _ASSUMED, "name": _NAME})
_STORAGE = Record(
    {
        "price": _price("Yuan per GB-month."),
        "days_per_month": Field(Num(minimum=Decimal(1), integer=True, maximum=Decimal(31)), required=True),
        "source": _SOURCE,
        "assumed": _ASSUMED,
        "name": _NAME,
    },
    doc="Charged hourly at price / days_per_month / 24 per GB-hour (B7).",
)
_REQUESTS = Record(
    {
        "price": _price("Yuan per `per` requests."),
        "per": Field(Num(minimum=Decimal(1), integer=True), required=True),
        "free_per_month": Field(
            Num(integer=True, doc="Requests a calendar month that are not billed (B6)."), required=True
        ),
        "source": _SOURCE,
        "assumed": _ASSUMED,
        "name": _NAME,
    }
)
_SPEC = Record({"price": _price("Yuan per hour."), "name": _NAME, "source": _SOURCE, "assumed": _ASSUMED})
_GRANT = Record(
    {
        "amount": Field(Num(exclusive_minimum=True, doc="Yuan that can be absorbed.")),
        "quantity": Field(
            Num(exclusive_minimum=True, doc="Units of the covered meters (GB, requests) that are used up.")
        ),
        "capacity": Field(Num(exclusive_minimum=True, doc="GB of storage covered at every hour; not used up (B16).")),
        "monthly": Field(
            Num(
                exclusive_minimum=True,
                doc="Units of the covered meters each calendar month, restored on the 1st; what a month leaves lapses.",
            )
        ),
        "covers": Field(
            ListOf(Text(choices=METERS + tuple(METER_GROUPS)), min_items=1, max_items=20),
            required=True,
        ),
    },
    one_of=(GRANT_KINDS,),
)
_OFFER = Record(
    {
        "name": Field(_prose(), required=True),
        "stage": Field(Text(choices=tuple(Stage)[:-1]), required=True),
        "price": Field(Num(places=2, doc="Yuan paid when it is bought, to the fen; 0 for a claim."), required=True),
        "validity_months": Field(Num(minimum=Decimal(1), maximum=Decimal(120), integer=True), required=True),
        "eligible": Field(ListOf(Text(choices=tuple(Eligibility)), max_items=2), default=()),
        "limit": Field(Text(choices=tuple(Limit)), required=True),
        "group": Field(Text(doc="Offers of one group may not be held with overlapping validity (B16).")),
        "grants": Field(ListOf(_GRANT, min_items=1, max_items=10), required=True),
        "source": _SOURCE,
        "assumed": _ASSUMED,
        "note": Field(_prose(500)),
    }
)
SHEET_SPEC = Record(
    {
        "sheet": Field(
            Record(
                {
                    "name": Field(_prose(), required=True),
                    "version": Field(Text(max_length=40), required=True),
                    "effective": Field(Day(), required=True),
                    "currency": Field(Text(choices=("CNY",)), required=True),
                    "source": _SOURCE,
                    "assumed": _ASSUMED,
                }
            ),
            required=True,
        ),
        "settings": Field(
            Record(
                {
                    "deduction_order": Field(
                        ListOf(Text(choices=tuple(Stage)), min_items=1, max_items=4), required=True
                    ),
                    "tie_break": Field(Text(choices=tuple(TieBreak)), required=True),
                    "dedicated_increment": Field(Text(choices=tuple(Increment)), required=True),
                    "bill_rounding": Field(Text(choices=tuple(Rounding)), required=True),
                    "bill_places": Field(Num(integer=True, maximum=Decimal(4)), required=True),
                    "charge_places": Field(
                        Num(
                            integer=True,
                            maximum=Decimal(18),
                            doc="Round each day's charge to this many decimals (half even); leave out: exact.",
                        )
                    ),
                    "partial_month": Field(
                        Text(
                            choices=tuple(PartialMonth),
                            doc="A monthly quota in a month the pack is bought after the 1st: full, or prorated.",
                        ),
                        default=PartialMonth.full.value,
                    ),
                    "voucher_order": Field(
                        Text(
                            choices=tuple(VoucherOrder),
                            doc="Which live voucher pays first: largest_balance (then earliest expiry), or "
                            "nearest_expiry.",
                        ),
                        default=VoucherOrder.largest_balance.value,
                    ),
                    "voucher_pays_packs": Field(
                        Flag(doc="Whether a live voucher also pays the price of a pack bought; leave out: false."),
                        default=False,
                    ),
                    "source": _SOURCE,
                    "assumed": _ASSUMED,
                }
            ),
            required=True,
        ),
        "meters": Field(
            Record(
                {
                    "shared_gpu": Field(_METER, required=True),
                    "dedicated": Field(
                        Record(
                            {
                                "specs": Field(MapOf(_SPEC, min_items=1), required=True),
                                "range": Field(
                                    Record(
                                        {"low": Field(Text(), required=True), "high": Field(Text(), required=True)},
                                        doc="The specs at the two ends of the published price range (B4).",
                                    )
                                ),
                                "source": _SOURCE,
                            }
                        ),
                        required=True,
                    ),
                    "storage": Field(_STORAGE, required=True),
                    "traffic_busy": Field(_METER, required=True),
                    "traffic_idle": Field(_METER, required=True),
                    "put_requests": Field(_REQUESTS, required=True),
                    "get_requests": Field(_REQUESTS, required=True),
                }
            ),
            required=True,
        ),
        "offers": Field(MapOf(_OFFER), required=True),
    },
    title="artlab-cost price sheet",
)
