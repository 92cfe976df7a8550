"""Shapes shared by every renderer: numbers for people and for machines, grouped charge rows, plan lines."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Context, Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from ..engine import Balance, Charge, Estimate, daily, monthly
from ..i18n import money, quantity, tr, value_text
from ..messages import Note, Yuan
from ..money import to_decimal
from ..pricing import METER_GROUPS, METERS, GrantKind, Meter, MeterId, Stage, meter_base
from . import By, View

if TYPE_CHECKING:
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
    amount = to_decimal(Fraction(value))
    digits = len(amount.as_tuple().digits)  # normalize in a context as precise as the amount: it cuts nothing
    return format(amount.normalize(Context(prec=max(digits, 1))), "f")


def qty(value: Fraction, unit: str, lang: str = "en") -> str:
    """A usage quantity for people, compact from ten thousand up (74.4k GB-h, 7.44万 GB小时)."""
    return quantity(value, unit, lang, compact=True)


def cell(value: Fraction) -> str:
    """A money cell of a table: '-' where nothing was absorbed, so the eye finds the amounts."""
    return "-" if value == 0 else money(value)


def last_day(end: date) -> date:
    return end - ONE_DAY


def span(start: date, end: date) -> str:
    """A half-open date range shown as its first and last day."""
    last = last_day(end)
    return start.isoformat() if last == start else f"{start.isoformat()}..{last.isoformat()}"


def span_words(start: date, end: date, lang: str) -> str:
    """A half-open date range in words: its first and last day (2027-03-01 to 2027-03-31)."""
    last = last_day(end)
    return start.isoformat() if last == start else tr(lang, "span", first=start, last=last)


def meter_name(key: str, lang: str = "en") -> str:
    """A meter's name: a dedicated spec by its id, the others in the reader's words (OSS storage)."""
    base, _, spec = key.partition(":")
    return spec if spec else tr(lang, f"meter.{base}")


def short_meter(key: str, lang: str = "en") -> str:
    """A meter's name for a narrow table column."""
    base, _, spec = key.partition(":")
    return spec or tr(lang, f"meter.short.{base}")


def meter_title(m: Meter, lang: str = "en") -> str:
    """A meter's name as the sheet gives it, else in the reader's words (a spec: dedicated ded-8.07)."""
    if m.name is not None:
        return m.name.text(lang)
    base, _, spec = m.id.partition(":")
    return tr(lang, "meter.dedicated-spec", spec=spec) if spec else meter_name(m.id, lang)


def covers_name(covers: frozenset[MeterId], lang: str = "en") -> str:
    """The meters a grant covers, by group name where one fits (compute, traffic, requests, oss, all)."""
    for name, group in sorted(METER_GROUPS.items(), key=lambda item: -len(item[1])):
        if covers == frozenset(group):
            return tr(lang, f"group.{name}")
    return tr(lang, "list.separator").join(meter_name(m, lang) for m in sorted(covers))


def stage_name(stage: Stage, lang: str = "en") -> str:
    """A stage in words: the catalogue's term (free trial, pack, voucher, postpaid)."""
    return value_text(stage, lang)


def stage_column(stage: Stage, lang: str = "en") -> str:
    """A stage as a narrow column's header (Trial, Pack, Voucher, Postpaid)."""
    return tr(lang, f"column.{stage.value}")


def notes_text(notes: tuple[Note, ...] | list[Note], view: View) -> list[str]:
    return [n.text(view.lang) for n in notes]


def budget_text(view: View, best_plan: bool = False) -> str:
    """The budget verdict as a line; for compare-plans it is the best plan's."""
    assert view.budget is not None
    verdict = view.budget.verdict()
    return tr(view.lang, "budget.best-plan", verdict=verdict) if best_plan else verdict.text(view.lang)


def yuan(value: Fraction, lang: str) -> str:
    """An amount with its currency: 1,526.90 yuan / 1,526.90 元."""
    return tr(lang, "unit.yuan", n=money(value))


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


def charge_rows(result: Estimate, by: str, lang: str = "en") -> list[Row]:
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
            name = tr(lang, "meter.all") if total else meter_name(c.meter, lang)
            row = rows[key] = Row(period, key[1], name, "" if total else c.unit, result.stages)
        row.quantity += c.quantity
        row.amount += c.amount
        row.assumed = row.assumed or c.meter in result.assumed_meters
        for a in c.allocations:
            row.stages[a.stage] += a.amount
    order = {m: i for i, m in enumerate(METERS)}
    return sorted(rows.values(), key=lambda r: (r.period, order[meter_base(r.key)] if r.key else 0, r.key))


def charge_grid(result: Estimate, by: str, lang: str = "en") -> tuple[list[str], list[list[str]], list[str]]:
    """The charges as a document's table (Markdown, HTML): its header, a row per period and meter, and the total."""
    stages = list(result.stages)
    header = [tr(lang, f"markdown.column.{c}") for c in ("period", "meter", "usage", "list")]
    header += [stage_name(s, lang).capitalize() for s in stages]
    body = [
        [r.period, r.meter + (" *" if r.assumed else ""), qty(r.quantity, r.unit, lang) if r.unit else "",
         money(r.amount)] + [money(r.stages[s]) for s in stages]
        for r in charge_rows(result, by, lang)
    ]  # fmt: skip
    totals = stage_totals(result)
    total = [tr(lang, "table.total"), "", "", money(result.totals.list_price)] + [money(totals[s]) for s in stages]
    return header, body, total


def balance_grid(result: Estimate, lang: str = "en") -> tuple[list[str], list[list[str]]]:
    """The trials, packs and vouchers as a document's table: header and a row each."""
    rows = [
        [balance_label(b), stage_name(b.stage, lang), span(b.starts, b.ends), *balance_amounts(b, lang)]
        for b in result.balances
    ]
    columns = ("entitlement", "stage", "valid", "held", "absorbed", "left", "lapsed")
    return [tr(lang, f"markdown.column.{c}") for c in columns], rows


def bill_grid(result: Estimate, lang: str = "en") -> tuple[list[str], list[list[str]]]:
    """The monthly postpaid bills as a document's table."""
    header = [tr(lang, "markdown.column.month"), tr(lang, "markdown.column.postpaid-due")]
    return header, [[b.month, money(b.postpaid_due)] for b in result.bills]


def stage_totals(result: Estimate) -> dict[Stage, Fraction]:
    """What each stage absorbed in all, postpaid before rounding included."""
    t = result.totals
    return {s: t.absorbed.get(s, t.postpaid_exact) for s in result.stages}


def balance_label(b: Balance) -> str:
    return b.id + (f" x{b.count}" if b.count > 1 else "") + (" *" if b.assumed else "")


def balance_amounts(b: Balance, lang: str = "en") -> tuple[str, str, str, str]:
    """Held, absorbed, left and lapsed of an entitlement, in its own unit.

    A monthly quota holds its quota a month; what is left is this month's, what lapsed is what the
    months before left unused.
    """
    if b.kind is GrantKind.amount:
        return money(b.initial), money(b.absorbed), money(b.left), money(b.lapsed)
    if b.kind is GrantKind.capacity:
        return qty(b.initial, "GB", lang), qty(b.absorbed, "GB-h", lang), qty(b.left, "GB", lang), "-"
    if b.kind is GrantKind.monthly:
        quota = tr(lang, "balance.per-month", quota=qty(b.per_month, b.unit, lang))
        return quota, qty(b.absorbed, b.unit, lang), qty(b.left, b.unit, lang), qty(b.lapsed, b.unit, lang)
    return (
        qty(b.initial, b.unit, lang),
        qty(b.absorbed, b.unit, lang),
        qty(b.left, b.unit, lang),
        qty(b.lapsed, b.unit, lang),
    )


def monthly_key(result: Estimate, lang: str = "en") -> list[str]:
    """The line that explains /mo, when a balance is a monthly quota."""
    return [tr(lang, "balance.monthly-key")] if any(b.kind is GrantKind.monthly for b in result.balances) else []


def summary_lines(result: Estimate, lang: str = "en") -> list[tuple[str, Fraction, bool]]:
    """The summary: (label, amount, whether it is the line to read first: cash out of pocket)."""
    t = result.totals
    lines = [(tr(lang, "summary.list"), t.list_price, False)]
    for stage, amount in t.absorbed.items():
        lines.append((tr(lang, "summary.absorbed", stage=stage), amount, False))
    lines += [
        (tr(lang, "summary.postpaid-exact"), t.postpaid_exact, False),
        (tr(lang, "summary.postpaid-due"), t.postpaid_due, False),
        (tr(lang, "summary.upfront"), t.upfront, False),
        (tr(lang, "summary.cash"), t.cash, True),
    ]
    if t.lapsed_value:
        lines.append((tr(lang, "summary.lapsed"), t.lapsed_value, False))
    return lines


# --- compare-plans ------------------------------------------------------------------------


def action_text(action: Action, free: frozenset[str], lang: str = "en", undated: date | None = None) -> str:
    """'claim trial-compute on 2027-03-01', 'buy 2 x traffic-pack-10'; the date left out when it is `undated`."""
    what = tr(lang, "action.count", count=action.count, offer=action.offer) if action.count > 1 else action.offer
    text = tr(lang, "action.claim" if action.offer in free else "action.buy", what=what)
    return text if action.date == undated else tr(lang, "action.on", action=text, date=action.date)


def plan_name(plan: Plan, free: frozenset[str], lang: str = "en") -> str:
    if not plan.actions:
        return tr(lang, "plan.nothing")
    return tr(lang, "list.separator").join(action_text(a, free, lang) for a in plan.actions)


def plan_lines(plan: Plan, comparison: Comparison, lang: str = "en") -> list[str]:
    """A plan's actions, one a line: the counts within a fen of its cash, and * on one whose figures rest on an
    assumed term of its offer."""
    if not plan.actions:
        return [tr(lang, "plan.nothing")]
    ranges = plan_ranges(plan, comparison)
    out = []
    for a in plan.actions:
        lo, hi = ranges.get((a.offer, a.date), (a.count, a.count))
        text = action_text(a, comparison.free, lang, comparison.start)
        if lo < hi:
            text = tr(lang, "plan.within-a-fen", action=text, low=lo, high=hi)
        out.append(text + (" *" if comparison.assumed_offer(plan, a.offer) else ""))
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


def rank_text(rank: str, plan: Plan, comparison: Comparison, lang: str) -> str:
    """A rank as people read it: 1, 2? (not proven in its place), or the reference plan in words."""
    return tr(lang, "plans.reference") if rank == "ref" else rank_label(rank, plan, comparison)


def snippet(plan: Plan) -> str:
    """The holdings to add to the scenario so that `estimate` reproduces this plan."""
    lines = ["holdings:"]
    for a in plan.actions:
        count = f", count: {a.count}" if a.count > 1 else ""
        lines.append(f"  - {{offer: {a.offer}, date: {a.date.isoformat()}{count}}}")
    return "\n".join(lines)


def recommendation(comparison: Comparison, lang: str = "en") -> str:
    """The headline: the first plan, whether it is proven the cheapest (else the bound), and its assumptions."""
    best = comparison.plans[0]
    if best.actions:
        what = tr(lang, "plan.joiner").join(plan_lines(best, comparison, lang))
    else:
        what = tr(lang, "plan.nothing-at-all")
    code = "plans.headline-proven" if comparison.proven else "plans.headline-best-found"
    text = tr(
        lang,
        code,
        plan=what,
        cash=Yuan(best.costs.cash),
        saving=Yuan(comparison.saving(best)),
        postpaid=Yuan(comparison.postpaid_only),
        lower=Yuan(comparison.lower_bound),
    )
    if comparison.assumed_plan(best):
        text += tr(lang, "plans.headline-assumed")
    return text


def reproduce(comparison: Comparison, scenario_path: str, lang: str = "en") -> str:
    best = comparison.plans[0]
    if not best.actions:
        return tr(lang, "plans.reproduce", path=scenario_path)
    return tr(lang, "plans.reproduce-with", path=scenario_path) + "\n" + snippet(best)


def plan_rows(comparison: Comparison) -> list[tuple[str, Plan]]:
    """The ranked plans, and the baseline ('ref') when it is not among them."""
    rows = [(str(i), p) for i, p in enumerate(comparison.plans, 1)]
    if all(p.actions != comparison.baseline.actions for p in comparison.plans):
        rows.append(("ref", comparison.baseline))
    return rows
