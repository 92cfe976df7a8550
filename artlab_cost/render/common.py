"""Shapes shared by every renderer: numbers for people and for machines, grouped charge rows, plan lines."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from ..engine import Balance, Charge, Estimate, daily, monthly
from ..i18n import money, value_text
from ..messages import Note
from ..money import to_decimal
from ..pricing import METER_GROUPS, METERS, GrantKind, Limit, MeterId, PriceSheet, Rounding, Stage, meter_base
from . import By, View

if TYPE_CHECKING:
    from ..changes import Diff, Increase
    from ..plans import Action, Comparison, Plan

ONE_DAY = timedelta(days=1)

# Characters that steer a terminal rather than show: C0 and C1 controls, DEL, and the bidirectional
# overrides that reorder what is shown. In user text (names, labels, sources) they are written as
# visible escapes, so a scenario's name can never clear a screen or recolour an output (issue: user
# text is data).
_CONTROLS = [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
VISIBLE = {c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in _CONTROLS}
LINE_VISIBLE = {c: v for c, v in VISIBLE.items() if c != 0x0A}  # keeps line breaks (ours, between lines)


_CONTROL = re.compile("[" + "".join(re.escape(chr(c)) for c in _CONTROLS) + "]")
_CONTROL_BUT_NEWLINE = re.compile("[" + "".join(re.escape(chr(c)) for c in _CONTROLS if c != 0x0A) + "]")


def visible(text: str) -> str:
    """Text with every control character escaped visibly (\\x1b), line breaks included."""
    return text.translate(VISIBLE) if _CONTROL.search(text) else text


def visible_lines(text: str) -> str:
    """Text with every control character but the line break escaped visibly."""
    return text.translate(LINE_VISIBLE) if _CONTROL_BUT_NEWLINE.search(text) else text


def exact(value: Fraction | Decimal | int) -> str:
    """An amount or quantity as machine-readable text (JSON, CSV): exact when it is a finite decimal, else to
    DISPLAY_PLACES decimals (half even); no exponent, no trailing zeros."""
    if value == 0:
        return "0"
    text = format(to_decimal(Fraction(value)).normalize(), "f")
    return text


def qty(value: Fraction, unit: str) -> str:
    """A usage quantity for people, compact from ten thousand up (74.4k GB-h, 25M req)."""
    for size, suffix in ((10**9, "G"), (10**6, "M"), (10**3, "k")):
        if abs(value) >= size and abs(value) >= 10_000:
            scaled = to_decimal(Fraction(value) / size, 1, Rounding.half_up)
            return f"{str(scaled).removesuffix('.0')}{suffix} {unit}"
    if Fraction(value).denominator == 1:
        return f"{int(value):,} {unit}"
    places = 2 if abs(value) >= Fraction(1, 100) else 4
    return f"{to_decimal(Fraction(value), places, Rounding.half_up):,} {unit}"


def cell(value: Fraction) -> str:
    """A money cell of a table: '-' where nothing was absorbed, so the eye finds the amounts."""
    return "-" if value == 0 else money(value)


def last_day(end: date) -> date:
    return end - ONE_DAY


def span(start: date, end: date) -> str:
    """A half-open date range shown as its first and last day."""
    last = last_day(end)
    return start.isoformat() if last == start else f"{start.isoformat()}..{last.isoformat()}"


METER_NAMES = {
    MeterId.shared_gpu: "shared GPU",
    MeterId.storage: "OSS storage",
    MeterId.traffic_busy: "traffic, busy",
    MeterId.traffic_idle: "traffic, idle",
    MeterId.put_requests: "PUT requests",
    MeterId.get_requests: "GET requests",
}
SHORT_METERS = {
    MeterId.shared_gpu: "shared GPU",
    MeterId.storage: "storage",
    MeterId.traffic_busy: "traffic busy",
    MeterId.traffic_idle: "traffic idle",
    MeterId.put_requests: "PUT req",
    MeterId.get_requests: "GET req",
}
SHORT_STAGES = {Stage.free_trial: "Trial", Stage.pack: "Pack", Stage.voucher: "Voucher", Stage.postpaid: "Postpaid"}
LIMIT_NAMES = {
    Limit.once_per_user: "once per user",
    Limit.once_per_validity: "one at a time",
    Limit.stackable: "stackable",
}


def meter_name(key: str) -> str:
    base, _, spec = key.partition(":")
    return spec if spec else METER_NAMES[MeterId(base)]


def short_meter(key: str) -> str:
    """A meter's name for a narrow table column."""
    base, _, spec = key.partition(":")
    return spec or SHORT_METERS[MeterId(base)]


def covers_name(covers: frozenset[MeterId]) -> str:
    """The meters a grant covers, by group name where one fits (compute, traffic, requests, oss, all)."""
    for name, group in sorted(METER_GROUPS.items(), key=lambda item: -len(item[1])):
        if covers == frozenset(group):
            return name
    return ", ".join(sorted(covers))


def stage_name(stage: Stage, lang: str = "en") -> str:
    """A stage in words: the catalogue's term (free trial, pack, voucher, postpaid)."""
    return value_text(stage, lang)


def notes_text(notes: tuple[Note, ...] | list[Note], view: View) -> list[str]:
    return [n.text(view.lang) for n in notes]


def budget_text(view: View, best_plan: bool = False) -> str:
    """The budget verdict as a line; for compare-plans it is the best plan's."""
    assert view.budget is not None
    text = view.budget.verdict().text(view.lang)
    return f"{text} (best plan)" if best_plan else text


class Row:
    __slots__ = ("period", "key", "meter", "quantity", "unit", "amount", "stages", "assumed")

    def __init__(self, period: str, key: str, meter: str, unit: str, stages: tuple[Stage, ...]) -> None:
        self.period = period
        self.key = key
        self.meter = meter
        self.quantity = Fraction(0)
        self.unit = unit
        self.amount = Fraction(0)
        self.stages = {s: Fraction(0) for s in stages}
        self.assumed = False


def listed_charges(result: Estimate, view: View) -> list[Charge]:
    """The charges a document lists: one per day with --by day, else joined within each month (a view: sums)."""
    return daily(result.charges) if view.by is By.day else monthly(result.charges)


def charge_rows(result: Estimate, by: str) -> list[Row]:
    """Charges grouped for a table: per month and meter, day and meter, meter, or one total row per meter."""
    rows: dict[tuple[str, str], Row] = {}
    for c in daily(result.charges) if by == "day" else result.charges:
        if by == "month":
            period = c.month
        elif by == "day":
            period = span(c.start, c.end)
        else:
            period = span(result.start, result.end)
        total = by == "total"
        key = (period, "" if total else c.meter)
        row = rows.get(key)
        if row is None:
            name = "all meters" if total else meter_name(c.meter)
            row = rows[key] = Row(period, key[1], name, "" if total else c.unit, result.stages)
        row.quantity += c.quantity
        row.amount += c.amount
        row.assumed = row.assumed or c.meter in result.assumed_meters
        for a in c.allocations:
            row.stages[a.stage] += a.amount
    order = {m: i for i, m in enumerate(METERS)}
    return sorted(rows.values(), key=lambda r: (r.period, order[meter_base(r.key)] if r.key else 0, r.key))


def stage_totals(result: Estimate) -> dict[Stage, Fraction]:
    """What each stage absorbed in all, postpaid before rounding included."""
    t = result.totals
    return {s: t.absorbed.get(s, t.postpaid_exact) for s in result.stages}


def balance_label(b: Balance) -> str:
    return b.id + (f" x{b.count}" if b.count > 1 else "") + (" *" if b.assumed else "")


def balance_amounts(b: Balance) -> tuple[str, str, str, str]:
    """Held, absorbed, left and lapsed of an entitlement, in its own unit.

    A monthly quota holds its quota a month; what is left is this month's, what lapsed is what the
    months before left unused.
    """
    if b.kind is GrantKind.amount:
        return money(b.initial), money(b.absorbed), money(b.left), money(b.lapsed)
    if b.kind is GrantKind.capacity:
        return qty(b.initial, "GB"), qty(b.absorbed, "GB-h"), qty(b.left, "GB"), "-"
    if b.kind is GrantKind.monthly:
        return qty(b.per_month, b.unit) + "/mo", qty(b.absorbed, b.unit), qty(b.left, b.unit), qty(b.lapsed, b.unit)
    return qty(b.initial, b.unit), qty(b.absorbed, b.unit), qty(b.left, b.unit), qty(b.lapsed, b.unit)


MONTHLY_KEY = (
    "/mo: a monthly quota (OSS 包月周期型), restored on the 1st of each month; what a month leaves unused lapses. "
    "Left is what the last month has left when the period ends inside it."
)


def monthly_key(result: Estimate) -> list[str]:
    """The line that explains /mo, when a balance is a monthly quota."""
    return [MONTHLY_KEY] if any(b.kind is GrantKind.monthly for b in result.balances) else []


def summary_lines(result: Estimate) -> list[tuple[str, Fraction]]:
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


# --- compare-plans ------------------------------------------------------------------------


def action_text(action: Action, free: frozenset[str], undated: date | None = None) -> str:
    """'claim trial-compute on 2027-03-01', 'buy 2 x traffic-pack-10'; the date left out when it is `undated`."""
    verb = "claim" if action.offer in free else "buy"
    many = f"{action.count} x " if action.count > 1 else ""
    when = "" if action.date == undated else f" on {action.date.isoformat()}"
    return f"{verb} {many}{action.offer}{when}"


def plan_name(plan: Plan, free: frozenset[str]) -> str:
    if not plan.actions:
        return "nothing more"
    return ", ".join(action_text(a, free) for a in plan.actions)


def plan_lines(plan: Plan, comparison: Comparison) -> list[str]:
    """A plan's actions, one a line: the counts within a fen of its cash, and * on one whose figures rest on an
    assumed term of its offer."""
    if not plan.actions:
        return ["nothing more"]
    ranges = plan_ranges(plan, comparison)
    out = []
    for a in plan.actions:
        lo, hi = ranges.get((a.offer, a.date), (a.count, a.count))
        within = f" ({lo}-{hi} within a fen)" if lo < hi else ""
        out.append(
            action_text(a, comparison.free, comparison.start)
            + within
            + (" *" if comparison.assumed_offer(plan, a.offer) else "")
        )
    return out


def plan_ranges(plan: Plan, comparison: Comparison) -> dict[tuple[str, date], tuple[int, int]]:
    """The counts of each purchase of a listed plan whose cash is within a fen of its own ({} for the baseline)."""
    for p, ranges in zip(comparison.plans, comparison.ranges, strict=False):
        if p.actions == plan.actions:
            return ranges
    return {}


def rank_label(rank: str, plan: Plan, comparison: Comparison) -> str:
    """A rank, with ? when a plan outside the list might come before it (the search stopped before proving)."""
    if not rank.isdigit():
        return rank
    proven = comparison.ranks_proven[int(rank) - 1] if comparison.ranks_proven else True
    return rank if proven else rank + "?"


def snippet(plan: Plan) -> str:
    """The holdings to add to the scenario so that `estimate` reproduces this plan."""
    lines = ["holdings:"]
    for a in plan.actions:
        count = f", count: {a.count}" if a.count > 1 else ""
        lines.append(f"  - {{offer: {a.offer}, date: {a.date.isoformat()}{count}}}")
    return "\n".join(lines)


def recommendation(comparison: Comparison) -> str:
    """The headline: the first plan, whether it is proven the cheapest (else the bound), and its assumptions."""
    best = comparison.plans[0]
    what = "claim or buy nothing more" if not best.actions else "; ".join(plan_lines(best, comparison))
    if comparison.proven:
        head = "Proven cheapest"
    else:
        head = f"Best found (not proven; no plan can cost less than {money(comparison.lower_bound)})"
    assumed = (
        " * rests on assumed prices or sizes: see the notes."
        if any(comparison.assumed_offer(best, a.offer) for a in best.actions)
        else ""
    )
    return (
        f"{head}: {what}: {money(best.costs.cash)} yuan out of pocket, "
        f"{money(comparison.saving(best))} less than paying everything postpaid ({money(comparison.postpaid_only)})."
        + assumed
    )


def reproduce(comparison: Comparison, scenario_path: str) -> str:
    best = comparison.plans[0]
    if not best.actions:
        return f"Reproduce: artlab-cost estimate {scenario_path}"
    return (
        f"Reproduce: add these to the holdings of {scenario_path}, then run artlab-cost estimate {scenario_path}\n"
        + snippet(best)
    )


def plan_rows(comparison: Comparison) -> list[tuple[str, Plan]]:
    """The ranked plans, and the baseline ('ref') when it is not among them."""
    rows = [(str(i), p) for i, p in enumerate(comparison.plans, 1)]
    if all(p.actions != comparison.baseline.actions for p in comparison.plans):
        rows.append(("ref", comparison.baseline))
    return rows


# --- the price sheet ------------------------------------------------------------------------

METER_HEADER = ["Meter", "Price (yuan)", "Source"]
OFFER_HEADER = ["Offer", "Stage, price", "Gives, valid for", "Limit"]
GRANT_SUFFIX = {
    GrantKind.amount: "",
    GrantKind.quantity: ", used up",
    GrantKind.capacity: " at every hour",
    GrantKind.monthly: " every month",
}
WHO = {"new_user": "new users", "student": "students"}


def sheet_title(sheet: PriceSheet) -> str:
    return f"{sheet.name}, version {sheet.version}, effective {sheet.effective} ({sheet.origin})"


def meter_rows(sheet: PriceSheet) -> Iterator[list[str]]:
    for m in sheet.meters.values():
        free = f", {m.free_per_month:,} free a month" if m.free_per_month else ""
        yield [m.id + (" *" if m.assumed else ""), f"{m.price} / {m.price_unit}{free}", m.source]


def offer_rows(sheet: PriceSheet) -> Iterator[list[str]]:
    for o in sheet.offers.values():
        gives = "; ".join(f"{g.size:,} {g.unit} of {covers_name(g.covers)}" + GRANT_SUFFIX[g.kind] for g in o.grants)
        who = " and ".join(WHO[e] for e in sorted(o.eligible))
        months = f"{o.validity_months} month" + ("s" if o.validity_months > 1 else "")
        yield [
            o.id + (" *" if o.assumed else ""),
            f"{stage_name(o.stage)}, {o.price} yuan",
            f"{gives}, {months}",
            LIMIT_NAMES[o.limit] + (f", {who} only" if who else ""),
        ]


def setting_rows(sheet: PriceSheet) -> list[list[str]]:
    st = sheet.settings
    return [
        ["deduction_order", " > ".join(st.deduction_order)],
        ["tie_break", str(st.tie_break)],
        ["dedicated_increment", str(st.dedicated_increment)],
        ["bill_rounding", f"{st.bill_rounding} to {st.bill_places} decimals"],
        ["charge_places", "exact" if st.charge_places is None else str(st.charge_places)],
        ["partial_month", str(st.partial_month)],
    ]


def sheet_notes(sheet: PriceSheet) -> list[str]:
    notes = [f"* Assumed: {a.field} ({a.why})" for a in sheet.assumptions()]
    return notes + [f"Note on {o.id}: {o.note}" for o in sheet.offers.values() if o.note]


# --- diff ---------------------------------------------------------------------------------------

MEASURE_NAMES = {
    "list": "List price of all usage",
    "postpaid_exact": "Postpaid, before monthly rounding",
    "postpaid_due": "Postpaid due, each month rounded",
    "upfront": "Paid upfront for packs",
    "cash": "Cash out of pocket",
    "lapsed_value": "Value lapsed unused",
}


def measures(d: Diff) -> list[tuple[str, str]]:
    """The measures of a diff's total, in the summary's order: (code, name)."""
    out = [("list", MEASURE_NAMES["list"])]
    out += [(str(s), f"Absorbed by {stage_name(s)}") for s in d.stages]
    out += [(m, MEASURE_NAMES[m]) for m in ("postpaid_exact", "postpaid_due", "upfront", "cash", "lapsed_value")]
    return out


def signed(value: Fraction) -> str:
    """A change of money for people: +312.40, -12.00, 0.00."""
    text = money(value)
    return text if text.startswith("-") or text == "0.00" else "+" + text


def percent(value: Fraction | None) -> str:
    """A change as a percentage of what it was: +18%, -3.5%; empty when there was nothing before."""
    if value is None:
        return ""
    places = 0 if abs(value) >= 10 else 1
    text = format(to_decimal(Fraction(value), places, Rounding.half_up), "f")
    return ("+" if not text.startswith("-") and text.strip("0.") else "") + text + "%"


def diff_headline(d: Diff) -> str:
    """One sentence for a pull request: how cash out of pocket moves, on average a month."""
    change = d.monthly_change
    months = d.month_count
    before = d.total.before.get("cash", Fraction(0)) / months
    after = d.total.after.get("cash", Fraction(0)) / months
    pct = percent(d.total.percent("cash"))
    if money(change) in ("0.00", "-0.00"):
        return f"Cash out of pocket does not change: {money(after)} yuan a month on average."
    verb = "rises" if change > 0 else "falls"
    size = f"{money(abs(change))} yuan" + (f" ({pct})" if pct else "")
    return f"Cash out of pocket {verb} {size} a month on average, from {money(before)} to {money(after)} yuan."


def diff_total_rows(d: Diff) -> list[list[str]]:
    """Measure, before, after, change, change %: the total of the period."""
    t = d.total
    return [
        [name, money(t.before.get(code, Fraction(0))), money(t.after.get(code, Fraction(0))), signed(t.change(code)),
         percent(t.percent(code))]
        for code, name in measures(d)
    ]  # fmt: skip


def diff_month_rows(d: Diff) -> list[list[str]]:
    """Month, list before and after, postpaid due before and after, cash before, after, change, change %."""
    return [
        [line.key, money(line.before.get("list", Fraction(0))), money(line.after.get("list", Fraction(0))),
         money(line.before.get("cash", Fraction(0))), money(line.after.get("cash", Fraction(0))),
         signed(line.change("cash")), percent(line.percent("cash"))]
        for line in d.months
    ]  # fmt: skip


def diff_meter_rows(d: Diff) -> list[list[str]]:
    """Meter, list before and after, postpaid before and after (exact: rounding is per month), change."""
    return [
        [meter_name(line.key), money(line.before.get("list", Fraction(0))), money(line.after.get("list", Fraction(0))),
         money(line.before.get("postpaid_exact", Fraction(0))), money(line.after.get("postpaid_exact", Fraction(0))),
         signed(line.change("postpaid_exact"))]
        for line in d.meters
    ]  # fmt: skip


def _maybe(value: Fraction | None, unit: str) -> str:
    if value is None:
        return "-"
    return money(value) if unit == "yuan" else qty(value, unit)


def diff_grant_rows(d: Diff) -> list[list[str]]:
    """Entitlement, left before and after, value lapsed before and after."""
    return [
        [g.id, _maybe(g.left[0], g.unit), _maybe(g.left[1], g.unit), _maybe(g.lapsed_value[0], "yuan"),
         _maybe(g.lapsed_value[1], "yuan")]
        for g in d.grants
    ]  # fmt: skip


def increase_text(check: Increase) -> str:
    """The --fail-on-increase verdict."""
    limit = f"{to_decimal(check.limit)}%" if check.percent else f"{money(check.limit)} yuan"
    return f"{'Over' if check.exceeded else 'Within'} the limit of --fail-on-increase {limit}"
