"""The price sheet as a readable table, or as JSON for scripts."""

from __future__ import annotations

from ..pricing import PriceSheet, as_data
from .common import stage_name


def render(sheet: PriceSheet, fmt: str, color: bool = False, width: int = 100) -> str:
    if fmt == "json":
        from . import jsonout

        return jsonout.dump({"schema_version": 1, "kind": "pricing", **as_data(sheet)})
    rows_m = [
        [
            m.id,
            m.name,
            f"{m.price} / {m.price_unit}" + (f", {m.free_per_month:,} free a month" if m.free_per_month else ""),
            m.source + (" *" if m.assumed else ""),
        ]
        for m in sheet.meters.values()
    ]
    rows_o = []
    for o in sheet.offers.values():
        gives = "; ".join(
            f"{g.size} {g.unit} {g.kind} for "
            + ("+".join(sorted(g.covers)) if len(g.covers) < 3 else f"{len(g.covers)} meters")
            for g in o.grants
        )
        who = ", ".join(sorted(o.eligible)) or "anyone"
        rows_o.append(
            [
                o.id + (" *" if o.assumed else ""),
                stage_name(o.stage),
                str(o.price),
                gives,
                f"{o.validity_months} mo",
                f"{o.limit.replace('_', ' ')}; {who}",
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

        out = [f"## {title}", "", "### Meters", ""] + table(["Meter", "Name", "Price (yuan)", "Source"], rows_m, 9)
        out += ["", "### Offers", ""]
        out += table(["Offer", "Stage", "Price", "Gives", "Valid", "Limit"], rows_o, 9)
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
        ("Meters", ["Meter", "Name", "Price (yuan)", "Source"], rows_m),
        ("Offers", ["Offer", "Stage", "Price", "Gives", "Valid", "Limit"], rows_o),
        ("Settings", ["Setting", "Value"], settings),
    ):
        part = Sheet(heading, [(h, "left") for h in header])
        for r in rows:
            part.add(r)
        blocks.append(part)
    blocks += [(n, "") for n in notes]
    return write(blocks, color, width)
