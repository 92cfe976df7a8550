"""A diff as rows for people: the measures before and after, by month, meter and entitlement; its headline."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from ..i18n import money, tr
from ..messages import Yuan
from ..money import to_decimal
from ..pricing import Rounding
from ..scenario import Case
from .estimate_rows import CASE_COLUMNS
from .wording import meter_name, qty, yuan

if TYPE_CHECKING:
    from ..changes import Diff, Increase


def measures(d: Diff, lang: str = "en") -> list[tuple[str, str]]:
    """The measures of a diff's total, in the summary's order: (code, name)."""
    out = [("list", tr(lang, "summary.list"))]
    out += [(str(s), tr(lang, "summary.absorbed", stage=s)) for s in d.stages]
    out += [
        ("postpaid_exact", tr(lang, "summary.postpaid-exact")),
        ("postpaid_due", tr(lang, "diff.postpaid-due")),
        ("upfront", tr(lang, "summary.upfront")),
        ("cash", tr(lang, "summary.cash")),
        ("lapsed_value", tr(lang, "summary.lapsed")),
    ]
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


def diff_headline(d: Diff, lang: str = "en") -> str:
    """One sentence for a pull request: how cash out of pocket moves, on average a month."""
    change, before, after = d.monthly_change, d.monthly_before, d.monthly_after
    if money(change) in ("0.00", "-0.00"):
        return tr(lang, "diff.same", after=Yuan(after))
    pct = percent(d.monthly_percent)
    size = tr(lang, "diff.size-percent", amount=Yuan(abs(change)), percent=pct) if pct else yuan(abs(change), lang)
    code = "diff.rises" if change > 0 else "diff.falls"
    return tr(lang, code, size=size, before=Yuan(before), after=Yuan(after))


def diff_total_rows(d: Diff, lang: str = "en") -> list[list[str]]:
    """Measure, before, after, change, change %: the total of the period."""
    t = d.total
    return [
        [name, money(t.before.get(code, Fraction(0))), money(t.after.get(code, Fraction(0))), signed(t.change(code)),
         percent(t.percent(code))]
        for code, name in measures(d, lang)
    ]  # fmt: skip


def diff_case_rows(d: Diff, lang: str = "en") -> list[list[str]]:
    """Case, cash before, after, change, change %: the total of each case, when a side gives usage as ranges."""
    rows = []
    for case in Case:
        t = d.case(case).total
        before, after = t.before.get("cash", Fraction(0)), t.after.get("cash", Fraction(0))
        rows.append(
            [
                tr(lang, CASE_COLUMNS[case]),
                money(before),
                money(after),
                signed(t.change("cash")),
                percent(t.percent("cash")),
            ]
        )
    return rows


def diff_month_rows(d: Diff) -> list[list[str]]:
    """Month, list before and after, postpaid due before and after, cash before, after, change, change %."""
    return [
        [line.key, money(line.before.get("list", Fraction(0))), money(line.after.get("list", Fraction(0))),
         money(line.before.get("cash", Fraction(0))), money(line.after.get("cash", Fraction(0))),
         signed(line.change("cash")), percent(line.percent("cash"))]
        for line in d.months
    ]  # fmt: skip


def diff_meter_rows(d: Diff, lang: str = "en") -> list[list[str]]:
    """Meter, list before and after, postpaid before and after (exact: rounding is per month), change."""
    return [
        [meter_name(line.key, lang), money(line.before.get("list", Fraction(0))),
         money(line.after.get("list", Fraction(0))), money(line.before.get("postpaid_exact", Fraction(0))),
         money(line.after.get("postpaid_exact", Fraction(0))), signed(line.change("postpaid_exact"))]
        for line in d.meters
    ]  # fmt: skip


def _maybe(value: Fraction | None, unit: str, lang: str) -> str:
    if value is None:
        return "-"
    return money(value) if unit == "yuan" else qty(value, unit, lang)


def diff_grant_rows(d: Diff, lang: str = "en") -> list[list[str]]:
    """Entitlement, left before and after, value lapsed before and after."""
    return [
        [g.id, _maybe(g.left[0], g.unit, lang), _maybe(g.left[1], g.unit, lang),
         _maybe(g.lapsed_value[0], "yuan", lang), _maybe(g.lapsed_value[1], "yuan", lang)]
        for g in d.grants
    ]  # fmt: skip


def diff_headers(lang: str) -> dict[str, list[str]]:
    """The column headers of a diff's tables: the total, by month, by meter, the entitlements."""
    columns = {
        "total": ["", "before", "after", "change", "percent"],
        "cases": ["case", "cash-before", "cash-after", "change", "percent"],
        "months": ["month", "list-before", "list-after", "cash-before", "cash-after", "change", "percent"],
        "meters": ["meter", "list-before", "list-after", "postpaid-before", "postpaid-after", "change"],
        "grants": ["entitlement", "left-before", "left-after", "lapsed-before", "lapsed-after"],
    }
    return {part: [tr(lang, f"diff.column.{c}") if c else "" for c in names] for part, names in columns.items()}


def increase_text(check: Increase, lang: str = "en") -> str:
    """The --fail-on-increase verdict."""
    limit = f"{to_decimal(check.limit)}%" if check.percent else yuan(check.limit, lang)
    return tr(lang, "diff.over" if check.exceeded else "diff.within", limit=limit)
