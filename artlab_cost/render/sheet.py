"""The price sheet as a readable table, or as JSON for scripts."""

from __future__ import annotations

from ..pricing import PriceSheet, as_data
from .common import covers_name, stage_name

METER_HEADER = ["Meter", "Price (yuan)", "Source"]
OFFER_HEADER = ["Offer", "Stage, price", "Gives, valid for", "Limit"]


def _kind(kind: str) -> str:
    return {"amount": "", "quantity": ", used up", "capacity": " at every hour"}[kind]


def render(sheet: PriceSheet, fmt: str, color: bool = False, width: int = 100) -> str:
    if fmt == "json":
        from . import jsonout

        return jsonout.dump({"schema_version": 1, "kind": "pricing", **as_data(sheet)})
    rows_m = [
        [
            m.id + (" *" if m.assumed else ""),
            f"{m.price} / {m.price_unit}" + (f", {m.free_per_month:,} free a month" if m.free_per_month else ""),
            m.source,
        ]
        for m in sheet.meters.values()
    ]
    rows_o = []
    for o in sheet.offers.values():
        gives = "; ".join(f"{g.size:,} {g.unit} of {covers_name(g.covers)}" + _kind(g.kind) for g in o.grants)
        who = " and ".join({"new_user": "new users", "student": "students"}[e] for e in sorted(o.eligible))
        rule = {"once_per_user": "once per user", "once_per_validity": "one at a time", "stackable": "stackable"}
        rows_o.append(
            [
                o.id + (" *" if o.assumed else ""),
                f"{stage_name(o.stage)}, {o.price} yuan",
                f"{gives}, {o.validity_months} month" + ("s" if o.validity_months > 1 else ""),
                rule[o.limit] + (f", {who} only" if who else ""),
            ]
        )
    st = sheet.settings
    settings = [
        ["deduction_order", " > ".join(st.deduction_order)],
        ["tie_break", st.tie_break],
        ["dedicated_increment", st.dedicated_increment],
        ["bill_rounding", f"{st.bill_rounding} to {st.bill_places} decimals"],
        ["charge_places", str(st.charge_places)],
    ]
    notes = [f"* Assumed: {a}" for a in sheet.assumptions()]
    notes += [f"Note on {o.id}: {o.note}" for o in sheet.offers.values() if o.note]
    title = f"{sheet.name}, version {sheet.version}, effective {sheet.effective} ({sheet.origin})"
    if fmt == "markdown":
        from .markdown import table

        out = [f"## {title}", "", "### Meters", ""] + table(METER_HEADER, rows_m, 9)
        out += ["", "### Offers", ""]
        out += table(OFFER_HEADER, rows_o, 9)
        out += ["", "### Settings", ""] + table(["Setting", "Value"], settings, 9)
        out += ["", *[f"- {n}" for n in notes]]
        return "\n".join(out) + "\n"
    if fmt == "csv":
        import csv
        import io

        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["kind", "id", "name", "stage", "price", "per", "source", "assumed"])
        for m in sheet.meters.values():
            writer.writerow(
                ["meter", m.id, m.name, "", str(m.price), m.price_unit, m.source, "; ".join(f for f, _ in m.assumed)]
            )
        for o in sheet.offers.values():
            writer.writerow(
                ["offer", o.id, o.name, o.stage, str(o.price), "purchase", o.source, "; ".join(f for f, _ in o.assumed)]
            )
        return buf.getvalue()
    from .table import Sheet, write

    blocks: list[Sheet | tuple[str, str]] = [(title, "bold")]
    for heading, header, rows in (
        ("Meters", METER_HEADER, rows_m),
        ("Offers", OFFER_HEADER, rows_o),
        ("Settings", ["Setting", "Value"], settings),
    ):
        part = Sheet(heading, [(h, "left") for h in header])
        for r in rows:
            part.add(r)
        blocks.append(part)
    blocks += [(n, "") for n in notes]
    return write(blocks, color, width)
