"""The price sheet: meters, offers and the settings the sources leave open, loaded from YAML and checked."""

from __future__ import annotations

import os
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from . import yamlsrc
from .errors import InputError, Problem
from .schema import INVALID, Day, Field, ListOf, MapOf, Num, Obj, Record, Text, check, suggest

STAGES = ("free_trial", "pack", "voucher", "postpaid")
STAGE_NAMES = {"free_trial": "free trial", "pack": "pack", "voucher": "voucher", "postpaid": "postpaid"}

# Meter ids, in the order charges of one day are taken by the waterfall: idle-hour traffic
# (00:00-08:00, B7) comes first in a day and busy-hour traffic last; the rest run all day.
METERS = ("traffic_idle", "shared_gpu", "dedicated", "storage", "put_requests", "get_requests", "traffic_busy")
METER_NAMES = {
    "shared_gpu": "shared GPU",
    "dedicated": "dedicated",
    "storage": "OSS storage",
    "traffic_busy": "traffic, busy",
    "traffic_idle": "traffic, idle",
    "put_requests": "PUT requests",
    "get_requests": "GET requests",
}
UNITS = {
    "shared_gpu": "GPU-s",
    "dedicated": "h",
    "storage": "GB-h",
    "traffic_busy": "GB",
    "traffic_idle": "GB",
    "put_requests": "req",
    "get_requests": "req",
}
# Names a grant may use for several meters at once.
METER_GROUPS = {
    "compute": ("shared_gpu", "dedicated"),
    "traffic": ("traffic_busy", "traffic_idle"),
    "requests": ("put_requests", "get_requests"),
    "oss": ("storage", "traffic_busy", "traffic_idle", "put_requests", "get_requests"),
    "all": METERS,
}
ELIGIBILITY = ("new_user", "student")
LIMITS = ("once_per_user", "once_per_validity", "stackable")
GRANT_KINDS = ("amount", "quantity", "capacity")
INCREMENT_SECONDS = {"second": 1, "minute": 60, "hour": 3600}

_SOURCE = Field(
    Text(max_length=300, doc="Where the numbers come from: a billing-facts rule id (B3) or a public page."),
    required=True,
)
_ASSUMED = Field(
    MapOf(
        Text(max_length=300),
        key_pattern=r"[a-z_]{1,40}",
        doc=(
            "Fields of this entry that no source gives, each with the reason the value was chosen; "
            "shown as assumptions in every output."
        ),
    )
)


def _price(doc: str) -> Field:
    return Field(Num(doc=doc), required=True)


_METER = Record({"price": _price("Yuan per unit."), "source": _SOURCE, "assumed": _ASSUMED, "name": Field(Text())})
_STORAGE = Record(
    {
        "price": _price("Yuan per GB-month."),
        "days_per_month": Field(Num(minimum=Decimal(1), integer=True, maximum=Decimal(31)), required=True),
        "source": _SOURCE,
        "assumed": _ASSUMED,
        "name": Field(Text()),
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
        "name": Field(Text()),
    }
)
_SPEC = Record({"price": _price("Yuan per hour."), "name": Field(Text()), "source": _SOURCE, "assumed": _ASSUMED})
_GRANT = Record(
    {
        "amount": Field(Num(exclusive_minimum=True, doc="Yuan that can be absorbed.")),
        "quantity": Field(
            Num(exclusive_minimum=True, doc="Units of the covered meters (GB, requests) that are used up.")
        ),
        "capacity": Field(Num(exclusive_minimum=True, doc="GB of storage covered at every hour; not used up (B16).")),
        "covers": Field(
            ListOf(Text(choices=METERS + tuple(METER_GROUPS)), min_items=1, max_items=20),
            required=True,
        ),
    },
    one_of=(GRANT_KINDS,),
)
_OFFER = Record(
    {
        "name": Field(Text(), required=True),
        "stage": Field(Text(choices=STAGES[:-1]), required=True),
        "price": _price("Yuan paid when it is bought; 0 for a claim."),
        "validity_months": Field(Num(minimum=Decimal(1), maximum=Decimal(120), integer=True), required=True),
        "eligible": Field(ListOf(Text(choices=ELIGIBILITY), max_items=2), default=[]),
        "limit": Field(Text(choices=LIMITS), required=True),
        "group": Field(Text(doc="Offers of one group may not be held with overlapping validity (B16).")),
        "grants": Field(ListOf(_GRANT, min_items=1, max_items=10), required=True),
        "source": _SOURCE,
        "assumed": _ASSUMED,
        "note": Field(Text(max_length=500)),
    }
)
SHEET_SPEC = Record(
    {
        "sheet": Field(
            Record(
                {
                    "name": Field(Text(), required=True),
                    "version": Field(Text(max_length=40), required=True),
                    "effective": Field(Day(), required=True),
                    "currency": Field(Text(choices=("CNY",)), required=True),
                    "source": _SOURCE,
                }
            ),
            required=True,
        ),
        "settings": Field(
            Record(
                {
                    "deduction_order": Field(ListOf(Text(choices=STAGES), min_items=1, max_items=4), required=True),
                    "tie_break": Field(Text(choices=("acquired_then_offer", "listed")), required=True),
                    "dedicated_increment": Field(Text(choices=tuple(INCREMENT_SECONDS)), required=True),
                    "bill_rounding": Field(Text(choices=("truncate", "half_up", "half_even")), required=True),
                    "bill_places": Field(Num(integer=True, maximum=Decimal(4)), required=True),
                    "charge_places": Field(Num(minimum=Decimal(2), integer=True, maximum=Decimal(18)), required=True),
                    "source": _SOURCE,
                }
            ),
            required=True,
        ),
        "meters": Field(
            Record(
                {
                    "shared_gpu": Field(_METER, required=True),
                    "dedicated": Field(
                        Record({"specs": Field(MapOf(_SPEC, min_items=1), required=True), "source": _SOURCE}),
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


class Meter(NamedTuple):
    """A billable meter: yuan = units x price / divisor, kept at the sheet's charge precision."""

    id: str
    name: str
    unit: str
    price: Decimal
    divisor: Decimal  # 1, or days_per_month x 24 for storage, or `per` for requests
    price_unit: str  # how the price is quoted: "GPU-second", "GB-month", "10,000 requests"
    source: str
    assumed: tuple[tuple[str, str], ...] = ()
    free_per_month: Decimal = Decimal(0)


class Grant(NamedTuple):
    kind: str  # amount (yuan), quantity (units used up) or capacity (GB at each hour)
    size: Decimal
    covers: frozenset[str]
    unit: str  # "yuan" for amount, else the covered meters' unit (capacity: GB)


class Offer(NamedTuple):
    id: str
    name: str
    stage: str
    price: Decimal
    validity_months: int
    eligible: frozenset[str]
    limit: str
    group: str
    grants: tuple[Grant, ...]
    source: str
    assumed: tuple[tuple[str, str], ...]
    note: str


class Settings(NamedTuple):
    deduction_order: tuple[str, ...]
    tie_break: str
    dedicated_increment: str
    bill_rounding: str
    bill_places: int
    charge_places: int
    source: str


class PriceSheet(NamedTuple):
    name: str
    version: str
    effective: date
    currency: str
    source: str
    settings: Settings
    meters: dict[str, Meter]  # id -> meter; dedicated specs are "dedicated:<spec>"
    offers: dict[str, Offer]
    origin: str  # the file it was read from, or "bundled"

    @property
    def label(self) -> str:
        """Name, version and effective date: what an output says it priced with (B21)."""
        return f"{self.name} {self.version} ({self.effective})"

    def spec_ids(self) -> tuple[str, ...]:
        return tuple(m.removeprefix("dedicated:") for m in self.meters if m.startswith("dedicated:"))

    def assumptions(self) -> list[str]:
        """Every value of the sheet that no source gives, as 'where: field (reason)'."""
        out = []
        for meter in self.meters.values():
            out += [f"meter {meter.id}: {f} ({why})" for f, why in meter.assumed]
        for offer in self.offers.values():
            out += [f"offer {offer.id}: {f} ({why})" for f, why in offer.assumed]
        return out


def expand_covers(names: list[str] | tuple[str, ...]) -> frozenset[str]:
    out: set[str] = set()
    for name in names:
        out.update(METER_GROUPS.get(name, (name,)))
    return frozenset(out)


def _assumed(obj: Obj, path: str, src: yamlsrc.Source) -> tuple[tuple[str, str], ...]:
    assumed: Obj = obj.get("assumed") or Obj()
    for key in assumed:
        if key not in obj or key in ("assumed", "source"):
            fields = tuple(k for k in obj if k not in ("assumed", "source"))
            src.problems.append(
                src.problem(
                    assumed.at(key), f"{path}.assumed.{key}", f"names no field of this entry{suggest(key, fields)}"
                )
            )
    return tuple(sorted(assumed.items()))


def _build(raw: Obj, src: yamlsrc.Source) -> PriceSheet:
    settings_raw = raw["settings"]
    order = tuple(settings_raw["deduction_order"])
    problems = src.problems
    if len(set(order)) != len(order):
        problems.append(
            src.problem(settings_raw.at("deduction_order"), "settings.deduction_order", "names a stage twice")
        )
    if not order or order[-1] != "postpaid":
        problems.append(
            src.problem(
                settings_raw.at("deduction_order"), "settings.deduction_order", "must end with 'postpaid' (B17, B18)"
            )
        )
    settings = Settings(
        deduction_order=order,
        tie_break=settings_raw["tie_break"],
        dedicated_increment=settings_raw["dedicated_increment"],
        bill_rounding=settings_raw["bill_rounding"],
        bill_places=int(settings_raw["bill_places"]),
        charge_places=int(settings_raw["charge_places"]),
        source=settings_raw["source"],
    )
    meters: dict[str, Meter] = {}
    mraw = raw["meters"]
    one = Decimal(1)
    for mid in ("shared_gpu", "traffic_busy", "traffic_idle"):
        m = mraw[mid]
        unit_name = "GPU-second" if mid == "shared_gpu" else "GB"
        meters[mid] = Meter(
            mid,
            m.get("name") or METER_NAMES[mid],
            UNITS[mid],
            m["price"],
            one,
            unit_name,
            m["source"],
            _assumed(m, f"meters.{mid}", src),
        )
    for spec_id, spec in mraw["dedicated"]["specs"].items():
        mid = f"dedicated:{spec_id}"
        meters[mid] = Meter(
            mid,
            spec.get("name") or f"dedicated {spec_id}",
            UNITS["dedicated"],
            spec["price"],
            one,
            "hour",
            spec["source"],
            _assumed(spec, f"meters.dedicated.specs.{spec_id}", src),
        )
    st = mraw["storage"]
    meters["storage"] = Meter(
        "storage",
        st.get("name") or METER_NAMES["storage"],
        UNITS["storage"],
        st["price"],
        st["days_per_month"] * 24,
        "GB-month",
        st["source"],
        _assumed(st, "meters.storage", src),
    )
    for mid in ("put_requests", "get_requests"):
        m = mraw[mid]
        meters[mid] = Meter(
            mid,
            m.get("name") or METER_NAMES[mid],
            UNITS[mid],
            m["price"],
            m["per"],
            f"{int(m['per']):,} requests",
            m["source"],
            _assumed(m, f"meters.{mid}", src),
            free_per_month=m["free_per_month"],
        )
    offers: dict[str, Offer] = {}
    for oid, o in raw["offers"].items():
        path = f"offers.{oid}"
        if o["stage"] not in order:
            problems.append(
                src.problem(o.at("stage"), f"{path}.stage", f"stage '{o['stage']}' is not in settings.deduction_order")
            )
        grants = []
        for i, g in enumerate(o["grants"]):
            gpath = f"{path}.grants[{i}]"
            kind = next(k for k in GRANT_KINDS if k in g)
            covers = expand_covers(g["covers"])
            units = {UNITS[c] for c in covers}
            unit = "yuan"
            if kind == "quantity":
                if len(units) != 1:
                    problems.append(
                        src.problem(
                            g.at("covers"),
                            f"{gpath}.covers",
                            "a quantity grant must cover meters of one unit (GB or requests)",
                        )
                    )
                unit = units.pop() if len(units) == 1 else "?"
            elif kind == "capacity":
                if covers != {"storage"}:
                    problems.append(
                        src.problem(g.at("covers"), f"{gpath}.covers", "a capacity grant covers storage only (B16)")
                    )
                unit = "GB"
                if o["limit"] == "stackable":
                    problems.append(
                        src.problem(
                            o.at("limit"),
                            f"{path}.limit",
                            "a storage capacity cannot be stackable (B16); use once_per_validity",
                        )
                    )
            grants.append(Grant(kind, g[kind], covers, unit))
        offers[oid] = Offer(
            id=oid,
            name=o["name"],
            stage=o["stage"],
            price=o["price"],
            validity_months=int(o["validity_months"]),
            eligible=frozenset(o["eligible"]),
            limit=o["limit"],
            group=o.get("group") or "",
            grants=tuple(grants),
            source=o["source"],
            assumed=_assumed(o, path, src),
            note=o.get("note") or "",
        )
    info = raw["sheet"]
    return PriceSheet(
        name=info["name"],
        version=info["version"],
        effective=info["effective"],
        currency=info["currency"],
        source=info["source"],
        settings=settings,
        meters=meters,
        offers=offers,
        origin=src.name,
    )


def parse_sheet(src: yamlsrc.Source) -> PriceSheet:
    if isinstance(src.root, yamlsrc.Map) and {"account", "period"} <= src.root.items.keys():
        raise InputError([src.problem(None, "", "this is a usage scenario, not a price sheet")])
    raw = check(src, SHEET_SPEC)
    if raw is INVALID or src.problems:
        raise InputError(src.problems or [src.problem(None, "", "invalid price sheet")])
    sheet = _build(raw, src)
    if src.problems:
        raise InputError(src.problems)
    return sheet


def bundled_path() -> Path:
    """The price sheet shipped inside the package (or at the repository root in a source checkout)."""
    inside = Path(__file__).with_name("pricing.yaml")
    if inside.is_file():
        return inside
    return Path(__file__).resolve().parent.parent / "pricing.yaml"


def resolve_path(option: str | None) -> tuple[Path, str]:
    """The sheet to use: --pricing, then $ARTLAB_COST_PRICING, then the bundled one; with its display name."""
    if option:
        return Path(option), option
    env = os.environ.get("ARTLAB_COST_PRICING")
    if env:
        return Path(env), env
    return bundled_path(), "bundled pricing.yaml"


def load_sheet(option: str | None = None) -> PriceSheet:
    path, name = resolve_path(option)
    if not path.is_file() and not option and not os.environ.get("ARTLAB_COST_PRICING"):
        raise InputError([Problem(name, 0, 0, "", "the bundled price sheet is missing from the installation")])
    return parse_sheet(yamlsrc.load(path, name))


def as_data(sheet: PriceSheet) -> dict[str, Any]:
    """The sheet as plain data (Decimal amounts as strings), for `pricing --format json`."""
    return {
        "sheet": {
            "name": sheet.name,
            "version": sheet.version,
            "effective": sheet.effective.isoformat(),
            "currency": sheet.currency,
            "source": sheet.source,
            "origin": sheet.origin,
        },
        "settings": {
            "deduction_order": list(sheet.settings.deduction_order),
            "tie_break": sheet.settings.tie_break,
            "dedicated_increment": sheet.settings.dedicated_increment,
            "bill_rounding": sheet.settings.bill_rounding,
            "bill_places": sheet.settings.bill_places,
            "charge_places": sheet.settings.charge_places,
            "source": sheet.settings.source,
        },
        "meters": [
            {
                "id": m.id,
                "name": m.name,
                "price": str(m.price),
                "per": m.price_unit,
                "free_per_month": str(m.free_per_month),
                "source": m.source,
                "assumed": dict(m.assumed),
            }
            for m in sheet.meters.values()
        ],
        "offers": [
            {
                "id": o.id,
                "name": o.name,
                "stage": o.stage,
                "price": str(o.price),
                "validity_months": o.validity_months,
                "eligible": sorted(o.eligible),
                "limit": o.limit,
                "group": o.group,
                "grants": [
                    {"kind": g.kind, "size": str(g.size), "unit": g.unit, "covers": sorted(g.covers)} for g in o.grants
                ],
                "source": o.source,
                "assumed": dict(o.assumed),
                "note": o.note,
            }
            for o in sheet.offers.values()
        ],
    }
