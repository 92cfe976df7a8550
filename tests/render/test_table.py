"""The Rich tables: they fit the width, cut no figure, never read user text as markup, colour only when asked."""

from __future__ import annotations

import functools
import math
import re
from decimal import Decimal
from fractions import Fraction

import pytest
from helpers import EXAMPLE_IDS, bundled_sheet, comparison, example, make_sheet
from rich.cells import cell_len

from artlab_cost import api
from artlab_cost.engine import Measure, check_budget
from artlab_cost.i18n import word
from artlab_cost.render import By, View, table

ANSI = "\x1b["


def _yuan(amount: Fraction) -> str:
    """Yuan as people read them: half up to the fen (worked out here, not with the renderer's helper)."""
    cents = math.floor(amount * 100 + Fraction(1, 2))
    return f"{cents // 100:,}.{cents % 100:02d}"


@functools.cache
def _estimate_table(stem: str, by: By) -> tuple[str, list[Fraction]]:
    result = example(stem).estimate
    t = result.totals
    totals = [t.list_price, t.postpaid_exact, t.postpaid_due, t.cash, *t.absorbed.values()]
    return table.estimate(result, View(by=by)), totals


# --by day renders a row per day and meter (2,000 rows for a year): the smallest example is enough here.
TABLES = [(stem, by) for stem in EXAMPLE_IDS for by in (By.month, By.meter, By.total)] + [("student-trial", By.day)]


def _check_80_columns(text: str, amounts: list[Fraction]) -> None:
    lines = text.splitlines()
    assert [f"{cell_len(line)}: {line}" for line in lines if cell_len(line) > 80] == []
    assert [line for line in lines if "…" in line] == []  # Rich cuts a cell that does not fit with an ellipsis
    assert [line for line in lines if line != line.rstrip(" ")] == []  # no padding left at line ends
    words = set(text.split())
    assert {_yuan(a) for a in amounts} <= words, {_yuan(a) for a in amounts} - words


@pytest.mark.parametrize("stem, by", TABLES, ids=[f"{s}-{b}" for s, b in TABLES])
def test_estimate_tables_fit_80_columns_and_show_the_totals_whole(stem: str, by: By) -> None:
    text, totals = _estimate_table(stem, by)
    _check_80_columns(text, totals)


@pytest.mark.parametrize("stem", EXAMPLE_IDS)
def test_plans_tables_fit_80_columns_and_show_every_plan_whole(stem: str) -> None:
    c = comparison(stem)
    amounts = [v for p in c.plans for v in (p.costs.upfront, p.costs.postpaid_due, p.costs.cash)]
    _check_80_columns(table.plans(c, View(scenario_path=f"examples/{stem}.yaml")), amounts)


def test_pricing_table_fits_and_crops_no_word() -> None:
    """Each offer's id, price, validity and purchase limit are in the table whole (wrapped is fine, cut is not)."""
    sheet = bundled_sheet()
    text = table.pricing(sheet, View())
    _check_80_columns(text, [])
    words = set(re.findall(r"[\w.-]+", text))
    limits = {"once_per_user": "once per user", "once_per_validity": "one at a time", "stackable": "stackable"}
    for offer in sheet.offers.values():
        expected = {offer.id, str(offer.price), *limits[offer.limit].split()}
        expected |= {w for e in offer.eligible for w in {"new_user": "new users", "student": "students"}[e].split()}
        assert expected <= words, (offer.id, expected - words)


def test_by_day_rows_are_days_and_the_year_is_in_the_title() -> None:
    text, _ = _estimate_table("student-trial", By.day)
    assert "Charges and how they are absorbed, 2027 (yuan)" in text
    assert re.search(r"^ 03-02 ", text, re.M)
    month, _ = _estimate_table("student-trial", By.month)
    assert re.search(r"^ 2027-03 ", month, re.M) and not re.search(r"03-02 ", month)


def test_by_meter_and_total_have_no_period_column() -> None:
    meter, _ = _estimate_table("student-trial", By.meter)
    assert not re.search(r"^ Period ", meter, re.M) and "shared GPU" in meter
    total, _ = _estimate_table("student-trial", By.total)
    assert "all meters" in total


def test_colour_only_when_asked() -> None:
    result = example("student-trial").estimate
    assert ANSI in table.estimate(result, View(color=True))
    assert ANSI not in table.estimate(result, View(color=False))


def test_notes_under_the_table_only_when_asked() -> None:
    result = example("student-trial").estimate
    inline = table.estimate(result, View(notes=True))
    assert re.search(r"^Notes$", inline, re.M) and word(result.notes[0].msg)[:40] in inline
    assert not re.search(r"^Notes$", table.estimate(result, View(notes=False)), re.M)


def test_budget_verdict_in_the_summary() -> None:
    result = example("studio-dedicated-comfyui").estimate
    check = check_budget(result.totals, Decimal(100), Measure.cash)
    text = table.estimate(result, View(budget=check))
    assert "budget exceeded: cash out of pocket" in text


def test_user_text_is_never_read_as_rich_markup() -> None:
    """A label with square brackets is shown as written, not parsed (and not crashing) as Rich markup."""
    sheet = make_sheet(
        "traffic-pack-10: {name: t, stage: pack, price: 4, validity_months: 12, limit: stackable,"
        " grants: [{quantity: 10, covers: [traffic]}], source: test}"
    )
    scenario = api.scenario_from_text(
        "account: {new_user: false, student: false}\nperiod: {start: 2027-01-01, months: 1}\n"
        "usage:\n  - {kind: traffic, gb_per_month: 30}\n"
        "holdings:\n  - {offer: traffic-pack-10, date: 2027-01-01, label: 'x[/] [red]pack'}\n",
        sheet,
    )
    assert "x[/] [red]pack" in table.estimate(api.estimate(scenario, sheet), View(width=120))


# --- Chinese: aligned in terminal cells, no label cut ----------------------------------------------------------


def _rule_width(lines: list[str], index: int) -> int:
    """The cells a table's rows span: as many as its rule (both start after a margin of one cell)."""
    assert set(lines[index].strip()) == {"─"}, lines[index]
    return cell_len(lines[index])


def test_chinese_tables_stay_aligned_at_80_columns_with_the_widest_labels() -> None:
    """The student example has every stage column and every kind of grant, so the widest Chinese labels (免费试用,
    按量付费, 权益、抵扣阶段与使用期限, 按量付费应付（每月舍入，B20）): each table row ends where its rule does, a
    right-aligned figure in the same cell as the one above it, and every line within 80 cells (measured by Rich,
    not by our own grid)."""
    result = example("student-trial").estimate
    text = table.estimate(result, View(lang="zh", width=80))
    lines = text.splitlines()
    assert [line for line in lines if cell_len(line) > 80] == []
    rules = [i for i, line in enumerate(lines) if line.strip() and set(line.strip()) == {"─"}]
    assert len(rules) == 2  # the charges and the entitlements, neither stacked
    charges_end = _rule_width(lines, rules[0])
    body = lines[rules[0] + 1 : lines.index("免费试用、资源包与代金券（资源中心）")]
    rows = [line for line in body if line.strip()]
    assert len(rows) == 3 * 7 + 1  # 3 months of 6 meters and a subtotal, and the total
    assert {cell_len(line) for line in rows} == {charges_end}, rows
    header = lines[rules[0] - 1]
    for name in ("期间", "计费项", "用量", "原价", "免费试用", "资源包", "代金券", "按量付费"):
        assert name in header, name  # whole, not wrapped: there is room for every one
    entries = [line for line in lines[rules[1] + 1 :] if "@" in line]
    assert len(entries) == 5 and {cell_len(line) for line in entries} == {_rule_width(lines, rules[1])}
    start = lines.index("汇总（元）") + 2
    summary = lines[start : lines.index("", start)]
    assert len(summary) == 11 and len({cell_len(line) for line in summary}) == 1  # the amounts end in one column
    for label in ("全部用量的原价", "按量付费应付（每月舍入，B20）", "现金支出", "失效未用的价值", "平均每月现金支出"):
        assert any(line.strip().startswith(label) for line in summary), label
    assert {_yuan(result.totals.list_price), _yuan(result.totals.lapsed_value)} <= set(text.split())


@pytest.mark.parametrize("stem", ["studio-dedicated-comfyui", "new-user-starter"])
def test_chinese_plans_and_pricing_tables_fit_and_cut_no_label(stem: str) -> None:
    plans = table.plans(comparison(stem), View(lang="zh", scenario_path=f"examples/{stem}.yaml"))
    pricing = table.pricing(bundled_sheet(), View(lang="zh"))
    for text in (plans, pricing):
        assert [line for line in text.splitlines() if cell_len(line) > 80] == []
    assert "领取或购买" in plans and "现金支出" in plans and "已证明最便宜：" in plans
    for cell in ("免费试用，0 元", "资源包，360 元", "可叠加购买", "有效期内限购一次", "抵扣阶段与价格"):
        assert cell in pricing, cell  # a short Chinese cell is kept on one line


def test_the_total_row_of_a_column_is_the_sum_of_that_column() -> None:
    """By month the postpaid column shows each month as due (rounded once, B20): its total is the sum of the
    bills, not the exact postpaid above them."""
    result = example("storage-heavy-team").estimate
    text = table.estimate(result, View(width=120))
    total = next(line for line in text.splitlines() if line.startswith(" Total"))
    due = [line.split()[-2] for line in text.splitlines() if line.strip().startswith("month ")]
    assert len(due) == 12
    cents = sum(int(d.replace(",", "").replace(".", "")) for d in due)
    assert total.split()[-1] == f"{cents // 100:,}.{cents % 100:02d}"
    by_meter = table.estimate(result, View(by=By.meter, width=120))
    assert next(line for line in by_meter.splitlines() if line.startswith(" Total")).endswith(
        _yuan(result.totals.postpaid_exact)
    )


def test_days_are_whole_dates_on_a_wide_terminal_and_never_cut_to_two_digit_years() -> None:
    result = example("student-trial").estimate
    wide = table.estimate(result, View(by=By.day, width=120))
    assert re.search(r"^ 2027-03-02 ", wide, re.M) and not re.search(r"^ 27-", wide, re.M)
    narrow = table.estimate(result, View(by=By.day, width=80))
    assert re.search(r"^ 03-02 ", narrow, re.M)


def test_a_months_meters_are_listed_in_the_sheets_order() -> None:
    """shared GPU, dedicated, storage, traffic busy, traffic idle, PUT, GET (docs/json.md), in every view."""
    from artlab_cost.render.estimate_rows import charge_rows, listed_charges

    result = example("storage-heavy-team").estimate
    order = ["shared_gpu", "storage", "traffic_busy", "traffic_idle", "put_requests", "get_requests"]
    assert [r.key for r in charge_rows(result, "month") if r.period == "2027-01"] == order
    jan = [c.meter for c in listed_charges(result, View()) if c.month == "2027-01"]
    assert list(dict.fromkeys(jan)) == order


def test_a_marker_never_starts_a_line_in_chinese_text() -> None:
    from artlab_cost.render.grid import wrap

    text = "已证明最便宜：购买 starter-bundle *；购买 storage-pack-40 *；领取 trial-traffic *：现金支出 575.58 元"
    for room in range(20, 80):
        lines = wrap(text, room)
        assert [line for line in lines if line.startswith("*")] == [], room
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
