"""An estimate as rows for people: its charges grouped by period and meter, its entitlements, bills and summary."""

from __future__ import annotations

from fractions import Fraction

from ..engine import Balance, Charge, Estimate, Measure, daily, monthly
from ..engine.budget import month_values
from ..i18n import money, tr
from ..pricing import GrantKind, Stage, shown_order
from ..scenario import Case
from .view import By, View
from .wording import meter_name, qty, span, stage_name


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


def label_rows(result: Estimate) -> list[Row]:
    """A row per usage label: its share of the list price and of what each stage took (engine/labels.py)."""
    out = []
    for share in result.labels:
        row = Row("", "", share.label, "", result.stages)
        row.amount = share.list_price
        row.stages = {s: share.stage(s) for s in result.stages}
        out.append(row)
    return out


def charge_rows(result: Estimate, by: str, lang: str = "en") -> list[Row]:
    """Charges grouped for a table: per month and meter, day and meter, meter, one total row per meter, or per
    usage label."""
    if by == "label":
        return label_rows(result)
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
    return sorted(rows.values(), key=lambda r: (r.period, shown_order(r.key) if r.key else (0, "")))


def figures_from(by: str) -> int:
    """The first column of figures in charge_grid's table (the usage column is text, "7,440 GPU-s")."""
    return 1 if by == "label" else 2


def charges_title(title: str, result: Estimate, lang: str = "en") -> str:
    """The charges table's title; with usage given as ranges it says the rows are the expected case's, as the
    note that says so may be left out (--quiet) and the cases' columns stand only beside the totals."""
    return tr(lang, "table.expected-case", title=title) if result.cases else title


def charge_grid(result: Estimate, by: str, lang: str = "en") -> tuple[list[str], list[list[str]], list[str]]:
    """The charges as a document's table (Markdown, HTML): its header, a row per period and meter, and the total."""
    stages = list(result.stages)
    columns = ("label", "list") if by == "label" else ("period", "meter", "usage", "list")
    header = [tr(lang, f"markdown.column.{c}") for c in columns]
    header += [stage_name(s, lang).capitalize() for s in stages]
    body = [
        [r.period, r.meter + (" *" if r.assumed else ""), qty(r.quantity, r.unit, lang) if r.unit else "",
         money(r.amount)] + [money(r.stages[s]) for s in stages]
        for r in charge_rows(result, by, lang)
    ]  # fmt: skip
    totals = stage_totals(result)
    total = [tr(lang, "table.total"), "", "", money(result.totals.list_price)] + [money(totals[s]) for s in stages]
    if by == "label":  # a label, then its amounts: no period, no usage
        body = [[r[1], *r[3:]] for r in body]
        total = [total[0], *total[3:]]
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
    """The monthly postpaid bills as a document's table; with ranges, the postpaid due of each case."""
    if result.cases:
        header = [tr(lang, "markdown.column.month"), *case_header(lang)]
        return header, [[month, *(money(v) for v in values)] for month, values in case_bill_rows(result)]
    header = [tr(lang, "markdown.column.month"), tr(lang, "markdown.column.postpaid-due")]
    return header, [[b.month, money(b.postpaid_due)] for b in result.bills]


def stage_totals(result: Estimate) -> dict[Stage, Fraction]:
    """What each stage absorbed in all, postpaid before rounding included."""
    t = result.totals
    return {s: t.absorbed.get(s, t.postpaid_exact) for s in result.stages}


def balance_label(b: Balance) -> str:
    return b.id + (f" x{b.copies}" if b.copies > 1 else "") + (" *" if b.assumed else "")


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
    return _summary(result, bool(result.totals.lapsed_value), lang)


def _summary(result: Estimate, lapsed: bool, lang: str) -> list[tuple[str, Fraction, bool]]:
    """One run's summary lines; `lapsed` shows the lapsed line (shown for every case when any case has one)."""
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
    if lapsed:
        lines.append((tr(lang, "summary.lapsed"), t.lapsed_value, False))
    rate = run_rate(result)
    if rate is not None:  # what price calculators headline: a month on average, and the dearest month
        average, month, dearest = rate
        lines.append((tr(lang, "summary.per-month"), average, False))
        lines.append((tr(lang, "summary.dearest-month", month=month), dearest, False))
    return lines


def run_rate(result: Estimate) -> tuple[Fraction, str, Fraction] | None:
    """Cash out of pocket a month on average (over the calendar months the period touches), and the month that
    costs the most with its cash (the first such month on a tie); None for a period within one month."""
    months = month_values(result, Measure.cash)
    if len(months) < 2:
        return None
    month, dearest = max(months, key=lambda m: m[1])  # max keeps the first of equals
    return result.totals.cash / len(months), month, dearest


# --- the three cases of usage given as ranges ---------------------------------------------------

CASE_COLUMNS = {Case.low: "case.column.low", Case.expected: "case.column.expected", Case.high: "case.column.high"}


def case_header(lang: str = "en") -> list[str]:
    """Low, Expected, High: the columns of a table that sets the cases beside each other."""
    return [tr(lang, CASE_COLUMNS[c]) for c in Case]


def case_summary_lines(result: Estimate, lang: str = "en") -> list[tuple[str, tuple[Fraction, ...], bool]]:
    """The summary of each case beside each other: (label, the amount in the low, expected, high case, first)."""
    runs = [result.case(c) for c in Case]
    lapsed = any(run.totals.lapsed_value for run in runs)
    columns = [_summary(run, lapsed, lang) for run in runs]
    return [(label, tuple(col[i][1] for col in columns), first) for i, (label, _, first) in enumerate(columns[0])]


def case_bill_rows(result: Estimate) -> list[tuple[str, tuple[Fraction, ...]]]:
    """Each month's postpaid due in the low, expected and high case (the cases share the period's months)."""
    bills = [result.case(c).bills for c in Case]
    return [(month.month, tuple(b[i].postpaid_due for b in bills)) for i, month in enumerate(result.bills)]


def summary_grid(result: Estimate, lang: str = "en") -> tuple[list[str], list[list[str]], list[bool]]:
    """The summary as a document's table: its header, a row a line, and which row to read first (cash out of
    pocket); with ranges, a column a case (low, expected, high), else one of yuan."""
    if result.cases:
        ranged = case_summary_lines(result, lang)
        rows = [[label, *(money(v) for v in values)] for label, values, _ in ranged]
        return ["", *case_header(lang)], rows, [first for _, _, first in ranged]
    lines = summary_lines(result, lang)
    rows = [[label, money(value)] for label, value, _ in lines]
    return ["", tr(lang, "markdown.yuan")], rows, [first for _, _, first in lines]
