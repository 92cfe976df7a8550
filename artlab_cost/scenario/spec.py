"""The scenario's file format: one declarative spec that checks a scenario and emits its JSON Schema."""

from __future__ import annotations

from decimal import Decimal

from ..schema import Day, Field, Flag, ListOf, MapOf, Num, Ranged, Record, Tagged, Text
from .model import Per, Tool, UsageKind

MAX_PERIOD_MONTHS = 120
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_RANGE = {
    "label": Field(Text(doc="A name for this entry, used in warnings about it.")),
    "from": Field(Day(doc="First day this entry applies (default: the period's start).")),
    "until": Field(Day(doc="Last day this entry applies, inclusive (default: the period's end).")),
}
_TOOL = Field(
    Text(choices=tuple(Tool), doc="The ArtLab tool, for your own record: both are billed alike (B3, B4)."),
    default=Tool.stable_diffusion.value,
)

# A usage figure is `Ranged(Num(...))`: a number or a range of them (docs/scenario.md, "Ranges"). The loader
# builds each case's usage from every key at that end, so wrapping a new figure's Num is all it takes.
USAGE_KINDS = {
    UsageKind.shared.value: Record(
        {
            **_RANGE,
            "tool": _TOOL,
            "gpu_seconds": Field(Ranged(Num(doc="GPU-seconds of image generation per `per` (B3)."))),
            "images": Field(Ranged(Num(doc="Images generated per `per`; with seconds_per_image."))),
            "seconds_per_image": Field(Ranged(Num(exclusive_minimum=True, doc="GPU-seconds one image takes."))),
            "per": Field(Text(choices=tuple(Per)), required=True),
        },
        doc="Shared edition: billed per GPU-second actually spent generating (B3).",
    ),
    UsageKind.dedicated.value: Record(
        {
            **_RANGE,
            "tool": _TOOL,
            "spec": Field(
                Text(doc="A dedicated spec id of the price sheet or of `specs`, or your own with `price`."),
                required=True,
            ),
            "price": Field(
                Num(exclusive_minimum=True, doc="Yuan per hour of this spec, when the price sheet does not list it.")
            ),
            "source": Field(Text(max_length=300, doc="Where `price` comes from: the console page and its date.")),
            "hours_per_day": Field(Ranged(Num(exclusive_minimum=True, maximum=Decimal(24))), required=True),
            "days_per_week": Field(
                Num(minimum=Decimal(1), maximum=Decimal(7), integer=True, doc="Monday first: 5 means Monday to Friday.")
            ),
            "weekdays": Field(
                ListOf(
                    Text(choices=WEEKDAYS),
                    min_items=1,
                    max_items=7,
                    unique=True,
                    doc="The days it runs, e.g. [sat, sun].",
                )
            ),
            "instances": Field(
                Num(
                    minimum=Decimal(1),
                    maximum=Decimal(1000),
                    integer=True,
                    doc="Copies of the instance running the same hours (one per artist); default 1.",
                )
            ),
        },
        doc="Dedicated edition: billed from start to stop, one session a day (B4, B5).",
    ),
    UsageKind.storage.value: Record(
        {
            **_RANGE,
            "gb": Field(Ranged(Num(doc="GB stored when the entry starts.")), required=True),
            "growth_gb_per_month": Field(
                Ranged(Num(doc="GB added at the start of each later calendar month.")), default=Decimal(0)
            ),
        },
        doc="OSS standard storage, billed by the hour (B6, B7).",
    ),
    UsageKind.traffic.value: Record(
        {
            **_RANGE,
            "gb_per_month": Field(Ranged(Num(doc="Downstream GB per calendar month.")), required=True),
            "idle_share": Field(
                Ranged(Num(maximum=Decimal(1), doc="Share of the traffic in idle hours, 00:00-08:00 (B7).")),
                default=Decimal(0),
            ),
        },
        doc="OSS internet downstream traffic (B6, B7).",
    ),
    UsageKind.requests.value: Record(
        {
            **_RANGE,
            "put_per_month": Field(Ranged(Num(integer=True)), default=Decimal(0)),
            "get_per_month": Field(Ranged(Num(integer=True)), default=Decimal(0)),
        },
        doc="OSS PUT and GET requests; the monthly free allowance is applied per calendar month (B6).",
    ),
}

SCENARIO_SPEC = Record(
    {
        "name": Field(Text(doc="What this scenario describes.")),
        "account": Field(
            Record(
                {
                    "new_user": Field(Flag(doc="A new main account, real-name verified (B10)."), required=True),
                    "student": Field(Flag(doc="Student identity verified (B11)."), required=True),
                }
            ),
            required=True,
        ),
        "period": Field(
            Record(
                {
                    "start": Field(Day(), required=True),
                    "months": Field(Num(minimum=Decimal(1), maximum=Decimal(MAX_PERIOD_MONTHS), integer=True)),
                    "end": Field(Day(doc="Last day of the period, inclusive.")),
                },
                one_of=(("months", "end"),),
            ),
            required=True,
        ),
        "specs": Field(
            MapOf(
                Record(
                    {
                        "price": Field(Num(exclusive_minimum=True, doc="Yuan per hour."), required=True),
                        "source": Field(
                            Text(max_length=300, doc="Where the price comes from; without one it is an assumption.")
                        ),
                        "name": Field(Text()),
                    }
                ),
                max_items=50,
                doc="Dedicated specs the price sheet does not list, with your price per hour (the console's).",
            )
        ),
        "usage": Field(ListOf(Tagged(USAGE_KINDS), max_items=200), default=()),
        "holdings": Field(
            ListOf(
                Record(
                    {
                        "offer": Field(Text(doc="An offer id of the price sheet."), required=True),
                        "date": Field(Day(doc="The day it was claimed or bought."), required=True),
                        "count": Field(
                            Num(minimum=Decimal(1), maximum=Decimal(1000), integer=True), default=Decimal(1)
                        ),
                        "used": Field(Num(doc="Already used before the period starts, in the offer's unit.")),
                        "label": Field(Text()),
                    }
                ),
                max_items=500,
            ),
            default=(),
        ),
    },
    title="artlab-cost scenario",
)
