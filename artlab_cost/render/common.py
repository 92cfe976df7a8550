"""Shapes shared by every renderer: money and quantity formatting, grouped charge rows."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from ..engine import Balance, Result
from ..pricing import METER_GROUPS, METER_NAMES, METERS, STAGE_NAMES

CENT = Decimal("0.01")
ONE_DAY = timedelta(days=1)


def exact(value: Decimal) -> str:
    """A decimal as plain text with no exponent and no trailing zeros: the JSON and CSV form."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text


def money(value: Decimal) -> str:
    """Yuan for people: two decimals, thousands separated (display rounding only)."""
    return f"{value.quantize(CENT, ROUND_HALF_UP):,.2f}"


def qty(value: Decimal, unit: str) -> str:
    """A usage quantity for people, compact from ten thousand up (74.4k GB-h, 25M req)."""
    for size, suffix in ((Decimal(10) ** 9, "G"), (Decimal(10) ** 6, "M"), (Decimal(10) ** 3, "k")):
        if abs(value) >= size and abs(value) >= 10_000:
            scaled = (value / size).quantize(Decimal("0.1"), ROUND_HALF_UP)
            return f"{str(scaled).removesuffix('.0')}{suffix} {unit}"
    if value == value.to_integral_value():
        return f"{value:,.0f} {unit}"
    places = 2 if abs(value) >= Decimal("0.01") else 4
    return f"{value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):,} {unit}"


def cell(value: Decimal) -> str:
    """A money cell of a table: '-' where nothing was absorbed, so the eye finds the amounts."""
    return "-" if value == 0 else money(value)


def last_day(end: date) -> date:
    return end - ONE_DAY


def span(start: date, end: date) -> str:
    """A half-open date range shown as its first and last day."""
    last = last_day(end)
    return start.isoformat() if last == start else f"{start.isoformat()}..{last.isoformat()}"


def meter_name(key: str) -> str:
    base, _, spec = key.partition(":")
    return spec if spec else METER_NAMES[base]


def covers_name(covers: frozenset[str]) -> str:
    """The meters a grant covers, by group name where one fits (compute, traffic, requests, oss, all)."""
    for name, group in sorted(METER_GROUPS.items(), key=lambda item: -len(item[1])):
        if covers == frozenset(group):
            return name
    return ", ".join(sorted(covers))


SHORT_METERS = {
    "shared_gpu": "shared GPU",
    "storage": "storage",
    "traffic_busy": "traffic busy",
    "traffic_idle": "traffic idle",
    "put_requests": "PUT req",
    "get_requests": "GET req",
}


def short_meter(key: str) -> str:
    """A meter's name for a narrow table column."""
    base, _, spec = key.partition(":")
    return spec or SHORT_METERS[base]


def stage_name(stage: str) -> str:
    return STAGE_NAMES.get(stage, stage)


SHORT_STAGES = {"free_trial": "Trial", "pack": "Pack", "voucher": "Voucher", "postpaid": "Postpaid"}


class Row:
    __slots__ = ("period", "key", "meter", "quantity", "unit", "amount", "stages", "assumed")

    def __init__(
        self,
        period: str,
        key: str,
        meter: str,
        quantity: Decimal,
        unit: str,
        amount: Decimal,
        stages: dict[str, Decimal] | None = None,
        assumed: bool = False,
    ) -> None:
        self.period = period
        self.key = key
        self.meter = meter
        self.quantity = quantity
        self.unit = unit
        self.amount = amount
        self.stages = stages if stages is not None else {}
        self.assumed = assumed


def charge_rows(result: Result, by: str) -> list[Row]:
    """Charges grouped for a table: per month and meter, day and meter, meter, or one total row per meter."""
    rows: dict[tuple[str, str], Row] = {}
    for c in result.charges:
        if by == "month":
            period = c.month
        elif by == "day":
            period = span(c.start, c.end)
        else:
            period = span(result.start, result.end)
        key = (period, c.meter) if by != "total" else (period, "")
        row = rows.get(key)
        if row is None:
            row = rows[key] = Row(
                period,
                c.meter if by != "total" else "",
                meter_name(c.meter) if by != "total" else "all meters",
                Decimal(0),
                c.unit if by != "total" else "",
                Decimal(0),
                {s: Decimal(0) for s in result.stages},
            )
        row.quantity += c.quantity
        row.amount += c.amount
        row.assumed = row.assumed or c.meter in result.assumed_meters
        for a in c.allocations:
            row.stages[a.stage] += a.amount
    order = {m: i for i, m in enumerate(METERS)}
    return sorted(rows.values(), key=lambda r: (r.period, order.get(r.key.split(":")[0], 0), r.key))


def balance_amounts(b: Balance) -> tuple[str, str, str, str]:
    """Held, absorbed, left and lapsed of an entitlement, in its own unit."""
    if b.kind == "amount":
        return money(b.initial), money(b.absorbed), money(b.left), money(b.lapsed)
    if b.kind == "capacity":
        return qty(b.initial, "GB"), qty(b.absorbed, "GB-h"), qty(b.left, "GB"), "-"
    return qty(b.initial, b.unit), qty(b.absorbed, b.unit), qty(b.left, b.unit), qty(b.lapsed, b.unit)


def summary_lines(result: Result) -> list[tuple[str, Decimal]]:
    t = result.totals
    lines = [("List price of all usage", t.list_price)]
    for stage, amount in t.absorbed.items():
        lines.append((f"Absorbed by {stage_name(stage)}", amount))
    lines += [
        ("Postpaid, before monthly rounding", t.postpaid_exact),
        ("Postpaid due, each month rounded (B20)", t.postpaid_due),
        ("Paid upfront for packs", t.upfront),
        ("Cash out of pocket", t.cash),
    ]
    if t.lapsed_value:
        lines.append(("Value lapsed unused", t.lapsed_value))
    return lines
