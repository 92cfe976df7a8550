"""The price sheet as rows for people: its meters, offers and settings, and its notes (`artlab-cost pricing`)."""

from __future__ import annotations

from collections.abc import Iterator

from ..i18n import quantity, tr
from ..messages import And
from ..pricing import Grant, Meter, MeterId, PriceSheet
from .wording import covers_name


def meter_header(lang: str) -> list[str]:
    return [tr(lang, "pricing.column.meter"), tr(lang, "pricing.column.price"), tr(lang, "pricing.column.source")]


def offer_header(lang: str) -> list[str]:
    return [tr(lang, f"pricing.column.{c}") for c in ("offer", "stage-price", "gives", "limit")]


def sheet_title(sheet: PriceSheet, lang: str = "en") -> str:
    args = {"name": sheet.name, "version": sheet.version, "effective": sheet.effective, "origin": sheet.origin_text}
    return tr(lang, "pricing.title", **args)


def _per(m: Meter, lang: str) -> str:
    """What a meter's price is quoted per, in words: GPU-second, GB-month, 10,000 requests."""
    base = m.base
    if base in (MeterId.put_requests, MeterId.get_requests):
        return tr(lang, "pricing.per.requests", count=f"{int(m.divisor):,}")
    return tr(lang, f"pricing.per.{base.value}")


def meter_rows(sheet: PriceSheet, lang: str = "en") -> Iterator[list[str]]:
    for m in sheet.meters.values():
        price = tr(lang, "pricing.price", price=m.price, per=_per(m, lang))
        if m.free_per_month:
            price = tr(lang, "pricing.free-a-month", price=price, free=f"{m.free_per_month:,}")
        yield [m.id + (" *" if m.assumed else ""), price, m.source]


def grant_text(g: Grant, lang: str = "en") -> str:
    """What a grant gives: 500 yuan of compute; 2 GB of traffic every month."""
    amount = quantity(g.size, g.unit, lang)
    return tr(lang, f"pricing.grant.{g.kind.value}", amount=amount, covers=covers_name(g.covers, lang))


def offer_rows(sheet: PriceSheet, lang: str = "en") -> Iterator[list[str]]:
    for o in sheet.offers.values():
        gives = tr(lang, "list.semicolon").join(grant_text(g, lang) for g in o.grants)
        months = tr(lang, "pricing.months-one" if o.validity_months == 1 else "pricing.months", n=o.validity_months)
        limit = tr(lang, f"pricing.limit.{o.limit.value}")
        if o.eligible:
            who = And(tr(lang, f"pricing.who.{e.value}") for e in sorted(o.eligible))
            limit = tr(lang, "pricing.only-for", limit=limit, who=who)
        yield [
            o.id + (" *" if o.assumed else ""),
            tr(lang, "pricing.stage-price", stage=o.stage, price=o.price),
            tr(lang, "pricing.gives", gives=gives, months=months),
            limit,
        ]


def setting_rows(sheet: PriceSheet, lang: str = "en") -> list[list[str]]:
    """Each setting as written in the sheet: its ids, which a reader edits there."""
    st = sheet.settings
    return [
        ["deduction_order", " > ".join(st.deduction_order)],
        ["tie_break", str(st.tie_break)],
        ["dedicated_increment", str(st.dedicated_increment)],
        ["bill_rounding", tr(lang, "pricing.places", rounding=str(st.bill_rounding), places=st.bill_places)],
        ["charge_places", tr(lang, "pricing.exact") if st.charge_places is None else str(st.charge_places)],
        ["partial_month", str(st.partial_month)],
        ["voucher_order", str(st.voucher_order)],
        ["voucher_pays_packs", "true" if st.voucher_pays_packs else "false"],
    ]


def sheet_notes(sheet: PriceSheet, lang: str = "en") -> list[str]:
    notes = [tr(lang, "pricing.assumed", field=a.field, why=a.why) for a in sheet.assumptions()]
    return notes + [tr(lang, "pricing.offer-note", offer=o.id, note=o.note) for o in sheet.offers.values() if o.note]
