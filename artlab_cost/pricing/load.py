"""Reading a price sheet: the checked YAML turned into a PriceSheet, with the rules across fields."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from .. import yamlsrc
from ..errors import InputError, Problem, UsageError
from ..messages import msg
from ..schema import INVALID, Obj, check, suggest
from .model import (
    BUNDLED_NAME,
    UNITS,
    Assumed,
    Eligibility,
    Grant,
    GrantKind,
    Increment,
    Limit,
    Meter,
    MeterId,
    Offer,
    PartialMonth,
    PriceSheet,
    Rounding,
    Settings,
    Stage,
    TieBreak,
    VoucherOrder,
    dedicated_key,
    expand_covers,
)
from .spec import SHEET_SPEC

ONE = Decimal(1)


def source_text(source: str | Obj) -> str:
    """A source as one line: the text, or each field's source after the field's name."""
    if isinstance(source, str):
        return source
    return "; ".join(f"{field}: {cite}" for field, cite in source.items())


# Parts of a field that `assumed` may name apart from the field: what an offer's grants cover, an assumption
# that --exclude-assumed does not weigh (it leaves out offers whose price or size is assumed: `price`, `grants`).
SUBFIELDS = {"grants": ("covers",)}


def _names_a_field(key: str, obj: Obj) -> bool:
    head, _, part = key.partition(".")
    return head in obj and head not in ("assumed", "source") and (not part or part in SUBFIELDS.get(head, ()))


def _assumed(obj: Obj, path: str, src: yamlsrc.Source) -> Assumed:
    assumed: Obj = obj.get("assumed") or Obj()
    for key in assumed:
        if not _names_a_field(key, obj):
            fields = tuple(k for k in obj if k not in ("assumed", "source"))
            src.problems.append(
                src.problem(
                    assumed.at(key), f"{path}.assumed.{key}", msg("sheet.assumed-no-field", hint=suggest(key, fields))
                )
            )
    return tuple(sorted(assumed.items()))


def _settings(raw: Obj, src: yamlsrc.Source) -> Settings:
    order = tuple(Stage(s) for s in raw["deduction_order"])
    where = raw.at("deduction_order")
    if len(set(order)) != len(order):
        src.problems.append(src.problem(where, "settings.deduction_order", msg("sheet.stage-twice")))
    if not order or order[-1] is not Stage.postpaid:
        src.problems.append(src.problem(where, "settings.deduction_order", msg("sheet.postpaid-last")))
    return Settings(
        deduction_order=order,
        tie_break=TieBreak(raw["tie_break"]),
        dedicated_increment=Increment(raw["dedicated_increment"]),
        bill_rounding=Rounding(raw["bill_rounding"]),
        bill_places=int(raw["bill_places"]),
        charge_places=int(raw["charge_places"]) if "charge_places" in raw else None,
        partial_month=PartialMonth(raw["partial_month"]),
        source=source_text(raw["source"]),
        assumed=_assumed(raw, "settings", src),
        voucher_order=VoucherOrder(raw["voucher_order"]),
        voucher_pays_packs=bool(raw["voucher_pays_packs"]),
    )


def _meters(raw: Obj, src: yamlsrc.Source) -> dict[str, Meter]:
    meters: dict[str, Meter] = {}

    def add(key: str, m: Obj, path: str, divisor: Decimal, price_unit: str, free: Decimal = Decimal(0)) -> None:
        base = MeterId(key.split(":")[0])
        meters[key] = Meter(
            key,
            m.get("name"),
            UNITS[base],
            m["price"],
            divisor,
            price_unit,
            source_text(m["source"]),
            _assumed(m, path, src),
            free,
        )

    for mid in (MeterId.shared_gpu, MeterId.traffic_busy, MeterId.traffic_idle):
        unit_name = "GPU-second" if mid is MeterId.shared_gpu else "GB"
        add(mid, raw[mid], f"meters.{mid}", ONE, unit_name)
    for spec_id, spec in raw["dedicated"]["specs"].items():
        add(dedicated_key(spec_id), spec, f"meters.dedicated.specs.{spec_id}", ONE, "hour")
    st = raw["storage"]
    add(MeterId.storage, st, "meters.storage", st["days_per_month"] * 24, "GB-month")
    for mid in (MeterId.put_requests, MeterId.get_requests):
        m = raw[mid]
        add(mid, m, f"meters.{mid}", m["per"], f"{int(m['per']):,} requests", m["free_per_month"])
    return meters


def _grant(g: Obj, gpath: str, o: Obj, path: str, src: yamlsrc.Source) -> Grant:
    kind = next(k for k in GrantKind if k.value in g)
    covers = expand_covers(g["covers"])
    units = {UNITS[c] for c in covers}
    unit = "yuan"
    if kind in (GrantKind.quantity, GrantKind.monthly):
        if len(units) != 1:
            src.problems.append(src.problem(g.at("covers"), f"{gpath}.covers", msg("sheet.quantity-one-unit")))
        unit = units.pop() if len(units) == 1 else "?"
    elif kind is GrantKind.capacity:
        if covers != {MeterId.storage}:
            src.problems.append(src.problem(g.at("covers"), f"{gpath}.covers", msg("sheet.capacity-storage")))
        unit = "GB"
        if o["limit"] == Limit.stackable:
            src.problems.append(src.problem(o.at("limit"), f"{path}.limit", msg("sheet.capacity-stackable")))
    return Grant(kind, g[kind.value], covers, unit)


def _offers(raw: Obj, order: tuple[Stage, ...], src: yamlsrc.Source) -> dict[str, Offer]:
    offers: dict[str, Offer] = {}
    for oid, o in raw.items():
        path = f"offers.{oid}"
        if o["stage"] not in order:
            src.problems.append(
                src.problem(o.at("stage"), f"{path}.stage", msg("sheet.stage-not-in-order", stage=o["stage"]))
            )
        grants = tuple(_grant(g, f"{path}.grants[{i}]", o, path, src) for i, g in enumerate(o["grants"]))
        offers[oid] = Offer(
            id=oid,
            name=o["name"],
            stage=Stage(o["stage"]),
            price=o["price"],
            validity_months=int(o["validity_months"]),
            eligible=frozenset(Eligibility(e) for e in o["eligible"]),
            limit=Limit(o["limit"]),
            group=o.get("group") or "",
            grants=grants,
            source=source_text(o["source"]),
            assumed=_assumed(o, path, src),
            note=o.get("note"),
        )
    return offers


def _range(raw: Obj, meters: dict[str, Meter], src: yamlsrc.Source) -> tuple[str, str] | None:
    """The specs at the two ends of the published range (B4), checked to be specs of the sheet."""
    ends = raw["dedicated"].get("range")
    if ends is None:
        return None
    specs = tuple(k.removeprefix("dedicated:") for k in meters if k.startswith("dedicated:"))
    for end in ("low", "high"):
        if ends[end] not in specs:
            hint = suggest(ends[end], specs)
            where = f"meters.dedicated.range.{end}"
            src.problems.append(src.problem(ends.at(end), where, msg("sheet.unknown-spec", spec=ends[end], hint=hint)))
    return ends["low"], ends["high"]


def _build(raw: Obj, src: yamlsrc.Source) -> PriceSheet:
    settings = _settings(raw["settings"], src)
    info = raw["sheet"]
    meters = _meters(raw["meters"], src)
    return PriceSheet(
        name=info["name"],
        version=info["version"],
        effective=info["effective"],
        currency=info["currency"],
        source=source_text(info["source"]),
        settings=settings,
        meters=meters,
        offers=_offers(raw["offers"], settings.deduction_order, src),
        origin=src.name,
        spec_range=_range(raw["meters"], meters, src),
        assumed=_assumed(info, "sheet", src),
    )


def parse_sheet(src: yamlsrc.Source) -> PriceSheet:
    if isinstance(src.root, yamlsrc.Map) and {"account", "period"} <= src.root.items.keys():
        raise InputError([src.problem(None, "", msg("sheet.is-scenario"))])
    raw = check(src, SHEET_SPEC)
    if raw is INVALID or src.problems:
        raise InputError(src.problems or [src.problem(None, "", msg("sheet.invalid"))])
    sheet = _build(raw, src)
    if src.problems:
        raise InputError(src.problems)
    return sheet


def bundled_path() -> Path:
    """The price sheet shipped inside the package (or at the repository root in a source checkout)."""
    inside = Path(__file__).resolve().parent.parent / "pricing.yaml"
    if inside.is_file():
        return inside
    return Path(__file__).resolve().parent.parent.parent / "pricing.yaml"


def load_sheet(path: Path | str | None = None, display: str | None = None) -> PriceSheet:
    """A price sheet from a file, or the bundled one when `path` is None."""
    if path is None:
        bundled = bundled_path()
        if not bundled.is_file():
            raise InputError([Problem(BUNDLED_NAME, 0, 0, "", msg("sheet.bundled-missing"))])
        return parse_sheet(yamlsrc.load(bundled, BUNDLED_NAME))
    return parse_sheet(yamlsrc.load(Path(path), display or str(path)))


def with_prices(sheet: PriceSheet, prices: Sequence[tuple[str, Decimal]]) -> PriceSheet:
    """The sheet with these offers priced by the user for one run (`--price OFFER=YUAN`): the price the
    console shows, tried without editing the file. The user's price is a fact the user gives, so it is no
    longer an assumption of the sheet (--strict accepts it); `user_prices` keeps what the sheet said."""
    offers = dict(sheet.offers)
    given: list[tuple[str, Decimal, Decimal]] = []
    for oid, price in prices:
        if oid not in sheet.offers:
            raise UsageError(msg("cli.price-unknown-offer", offer=oid, hint=suggest(oid, tuple(sheet.offers))))
        if any(oid == seen for seen, _, _ in given):
            raise UsageError(msg("cli.price-twice", offer=oid))
        offer = sheet.offers[oid]
        offers[oid] = offer._replace(
            price=price,
            source=f"{offer.source}; price: the user's (--price)",
            assumed=tuple((field, why) for field, why in offer.assumed if field != "price"),
        )
        given.append((oid, price, offer.price))
    return sheet._replace(offers=offers, user_prices=sheet.user_prices + tuple(given)) if given else sheet
