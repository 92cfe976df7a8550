"""The budget gate over the period and per calendar month, each month's cash, and the run-rate; by hand."""

from __future__ import annotations

import json
from decimal import Decimal as D

import pytest
from test_engine import run

from artlab_cost import api
from artlab_cost.errors import UsageError
from artlab_cost.render import View, jsonout
from artlab_cost.render.estimate_rows import run_rate, summary_lines

# April 2026: d8 (8.07 an hour) 2 h a day for 30 days = 484.20. May: 1 h a day for 31 days = 250.17 at list
# price; a 10-yuan pack (pack12, price 10) bought on 10 May absorbs 10.00 of it: 240.17 postpaid due.
TWO_MONTHS = """\
    period: {start: 2026-04-01, months: 2}
    usage:
      - {kind: dedicated, spec: d8, hours_per_day: 2, until: 2026-04-30}
      - {kind: dedicated, spec: d8, hours_per_day: 1, from: 2026-05-01}
    holdings:
      - {offer: pack12, date: 2026-05-10}
    """


def test_each_month_is_measured_on_its_own() -> None:
    result = run(TWO_MONTHS)
    # cash a month: April 484.20; May 10.00 upfront + 240.17 due = 250.17
    check = api.check_budget(result, D(300), "cash", per="month")
    assert check.months == (("2026-04", D("484.20")), ("2026-05", D("250.17")))
    assert (check.value, check.over, check.exceeded, check.months_over) == (
        D("484.20"),
        D("184.20"),
        True,
        ("2026-04",),
    )
    assert api.check_budget(result, D(500), "cash", per="month").months_over == ()
    # over the period it is within 800: 484.20 + 250.17 = 734.37
    assert not api.check_budget(result, D(800), "cash").exceeded
    assert api.check_budget(result, D(245), "postpaid", per="month").months_over == ("2026-04",)  # May: 240.17
    assert api.check_budget(result, D(245), "list", per="month").months_over == ("2026-04", "2026-05")  # 250.17


def test_bills_carry_each_months_upfront_and_cash_and_the_budget_names_the_months() -> None:
    result = run(TWO_MONTHS)
    check = api.check_budget(result, D(300), "cash", per="month")
    data = json.loads(jsonout.estimate(result, View(budget=check)))
    assert data["bills"] == [
        {"month": "2026-04", "postpaid_exact": "484.2", "postpaid_due": "484.2", "upfront": "0", "cash": "484.2"},
        {"month": "2026-05", "postpaid_exact": "240.17", "postpaid_due": "240.17", "upfront": "10", "cash": "250.17"},
    ]
    assert data["budget"] == {
        "limit": "300", "measure": "cash", "value": "484.2", "exceeded": True, "over": "184.2",
        "per": "month", "months_over": ["2026-04"],
    }  # fmt: skip
    whole = json.loads(jsonout.estimate(result, View(budget=api.check_budget(result, D(800)))))["budget"]
    assert (whole["per"], whole["months_over"], whole["over"]) == (None, None, "0")


def test_the_run_rate_is_cash_a_month_on_average_and_the_dearest_month() -> None:
    """734.37 over 2 months is 367.185 a month; the dearest month is April, 484.20."""
    result = run(TWO_MONTHS)
    assert run_rate(result) == (D("367.185"), "2026-04", D("484.20"))
    lines = {label: amount for label, amount, _ in summary_lines(result)}
    assert lines["Cash a month on average"] == D("367.185") and lines["Dearest month, 2026-04"] == D("484.20")
    assert json.loads(jsonout.estimate(result, View()))["run_rate"] == {
        "cash_per_month": "367.185", "dearest_month": "2026-04", "dearest_month_cash": "484.2",
    }  # fmt: skip
    one = run("period: {start: 2026-04-01, months: 1}\nusage: [{kind: dedicated, spec: d8, hours_per_day: 1}]\n")
    assert run_rate(one) is None


def test_a_monthly_budget_is_for_an_estimate() -> None:
    with pytest.raises(UsageError):
        api.check_budget(run(TWO_MONTHS), D(1), per="week")


def test_a_monthly_budget_of_a_comparison_measures_the_best_plan_month_by_month() -> None:
    """One offer: 100 yuan of compute for 1 yuan. The best plan buys it on 1 April (its first billed day):
    April pays 1.00 upfront + (484.20 - 100.00) = 385.20, May 250.17; a 300-yuan monthly budget is over in
    April by 85.20."""
    from helpers import make_sheet

    sheet = make_sheet(
        "p: {name: p, stage: pack, price: 1, validity_months: 12, limit: once_per_user,"
        " grants: [{amount: 100, covers: [compute]}], source: t}\n"
    )
    body = TWO_MONTHS.replace("d8", "small").replace("    holdings:\n      - {offer: pack12, date: 2026-05-10}\n", "")
    from textwrap import dedent

    scenario = api.scenario_from_text("account: {new_user: false, student: false}\n" + dedent(body), sheet)
    comparison = api.compare_plans(scenario, sheet, top=1)
    check = api.check_budget(comparison, D(300), "cash", per="month", scenario=scenario, sheet=sheet)
    assert check.months == (("2026-04", D("385.20")), ("2026-05", D("250.17")))
    assert (check.months_over, check.over) == (("2026-04",), D("85.20"))
    with pytest.raises(UsageError):
        api.check_budget(comparison, D(300), per="month")  # the plan cannot be estimated without its scenario
