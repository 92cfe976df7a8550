"""Usage given as ranges in every format: the low, expected and high cases beside each other, worked by hand;
and a range of one value, or a scenario without ranges, printed exactly as before.

The fixture: April and May 2027 (30 and 31 days), nothing held, shared GPU 1,000..3,000 GPU-seconds a day at
0.0077 yuan (B3), storage 100 GB growing 0..20 GB a month at 0.12 yuan a GB-month over 30 days (B7):

    April  shared 231.00 / 462.00 / 693.00 + storage 12.00           = 243.00 / 474.00 / 705.00
    May    shared 238.70 / 477.40 / 716.10 + storage 12.40 / 13.64 / 14.88 = 251.10 / 491.04 / 730.98
    cash   494.10 / 965.04 / 1,435.98

The diff's base is the same usage at the low ends without ranges (cash 494.10): the low case changes by 0,
the expected by +470.94, the high by +941.88.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from decimal import Decimal
from functools import cache

import pytest
import regen_golden
from helpers import EXAMPLE_IDS, ROOT, bundled_sheet, cli, examples
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from artlab_cost import api
from artlab_cost.changes import Diff
from artlab_cost.engine import Estimate
from artlab_cost.errors import UsageError
from artlab_cost.render import OutputFormat, View, csvout, html, jsonout, markdown, renderer, table

HEAD = "name: ranged\naccount: {new_user: false, student: false}\nperiod: {start: 2027-04-01, months: 2}\nusage:\n"
RANGED = HEAD + (
    "  - {kind: shared, gpu_seconds: 1000..3000, per: day}\n  - {kind: storage, gb: 100, growth_gb_per_month: 0..20}\n"
)
LOW = HEAD + "  - {kind: shared, gpu_seconds: 1000, per: day}\n  - {kind: storage, gb: 100}\n"
SCHEMAS = ROOT / "docs" / "schema"


@cache
def ranged() -> Estimate:
    return api.estimate(api.scenario_from_text(RANGED, bundled_sheet(), name="ranged.yaml"), bundled_sheet())


@cache
def low() -> Estimate:
    return api.estimate(api.scenario_from_text(LOW, bundled_sheet(), name="low.yaml"), bundled_sheet())


@cache
def changed() -> Diff:
    return api.diff(low(), ranged(), base_label="low.yaml", new_label="ranged.yaml")


VIEW = View(notes=False)


# --- estimate -------------------------------------------------------------------------------------


def test_the_charges_table_says_it_is_the_expected_case_without_the_notes() -> None:
    """VIEW leaves the notes out (as --quiet does), so the title alone says whose charges these are."""
    assert "\nCharges and how they are absorbed (yuan) (expected case)\n" in table.estimate(ranged(), VIEW)
    assert "\n### Charges (expected case)\n" in markdown.estimate(ranged(), VIEW)
    assert "<h2>Charges and how they are absorbed (yuan) (expected case)</h2>" in html.estimate(ranged(), VIEW)
    assert "费用及抵扣（元）（预期情形）" in table.estimate(ranged(), View(notes=False, lang="zh"))
    assert "(expected case)" not in table.estimate(low(), VIEW) + markdown.estimate(low(), VIEW)  # no ranges


def test_json_totals_and_bills_are_the_expected_case_and_cases_the_others() -> None:
    data = json.loads(jsonout.estimate(ranged(), VIEW))
    Draft202012Validator(json.loads((SCHEMAS / "estimate.schema.json").read_text())).validate(data)
    assert list(data)[list(data).index("bills") + 1] == "cases"
    assert data["totals"]["cash"] == "965.04"
    assert [b["postpaid_due"] for b in data["bills"]] == ["474", "491.04"]
    assert list(data["cases"]) == ["low", "high"]
    assert data["cases"]["low"]["totals"]["cash"] == "494.1"
    assert [b["postpaid_due"] for b in data["cases"]["low"]["bills"]] == ["243", "251.1"]
    assert data["cases"]["high"]["totals"]["cash"] == "1435.98"
    assert [b["postpaid_due"] for b in data["cases"]["high"]["bills"]] == ["705", "730.98"]


def test_json_budget_says_which_case_it_gated() -> None:
    check = api.check_budget(ranged(), Decimal(1000), case="high")
    data = json.loads(jsonout.estimate(ranged(), VIEW._replace(budget=check)))
    assert data["budget"] == {
        "limit": "1000", "measure": "cash", "value": "1435.98", "exceeded": True, "over": "435.98", "case": "high",
        "per": None, "months_over": None,
    }  # fmt: skip


def test_the_table_sets_the_cases_beside_each_other_in_the_summary_and_per_month() -> None:
    text = table.estimate(ranged(), VIEW)
    assert re.search(r"Period +Low +Expected +High", text)
    assert re.search(r"2027-04 +243\.00 +474\.00 +705\.00", text)
    assert re.search(r"2027-05 +251\.10 +491\.04 +730\.98", text)
    assert re.search(r"Cash out of pocket +494\.10 +965\.04 +1,435\.98", text)
    assert re.search(r"List price of all usage +494\.10 +965\.04 +1,435\.98", text)


def test_the_chinese_table_names_the_cases() -> None:
    text = table.estimate(ranged(), VIEW._replace(lang="zh"))
    assert re.search(r"低端 +预期 +高端", text)
    assert re.search(r"现金支出 +494\.10 +965\.04 +1,435\.98", text)


def test_markdown_sets_the_cases_beside_each_other() -> None:
    text = markdown.estimate(ranged(), VIEW)
    assert "|  | Low | Expected | High |" in text
    assert "| Cash out of pocket | 494.10 | 965.04 | 1,435.98 |" in text
    assert "| Month | Low | Expected | High |" in text
    assert "| 2027-05 | 251.10 | 491.04 | 730.98 |" in text


def test_csv_leads_each_row_with_its_case_and_each_case_adds_up() -> None:
    rows = list(csv.DictReader(io.StringIO(csvout.estimate(ranged(), VIEW))))
    assert list(rows[0])[0] == "case"
    totals = {c: sum(Decimal(r["amount"]) for r in rows if r["case"] == c) for c in ("low", "expected", "high")}
    assert totals == {"low": Decimal("494.10"), "expected": Decimal("965.04"), "high": Decimal("1435.98")}
    assert [r["case"] for r in rows] == sorted((r["case"] for r in rows), key=["low", "expected", "high"].index)


def test_the_report_draws_a_band_from_the_lowest_to_the_highest_cash_of_each_month() -> None:
    text = html.estimate(ranged(), VIEW)
    bands = re.findall(r'<rect class="range" data-low="([^"]+)" data-high="([^"]+)"', text)
    assert bands == [("243", "705"), ("251.1", "730.98")] * 2  # the wide drawing and the narrow one
    assert "Cash, low to high case" in text and "the shaded box spans" in text
    assert re.search(r"<td>Cash out of pocket</td><td[^>]*>494\.10</td><td[^>]*>965\.04</td>", text)


def test_an_estimate_without_ranges_has_no_band_and_no_cases() -> None:
    text = html.estimate(low(), VIEW)
    assert 'class="band"' not in text and "Expected" not in text
    assert "cases" not in json.loads(jsonout.estimate(low(), VIEW))


# --- diff -----------------------------------------------------------------------------------------


def test_diff_json_is_the_expected_case_with_the_low_and_high_cases_beside() -> None:
    data = json.loads(jsonout.diff(changed(), VIEW))
    Draft202012Validator(json.loads((SCHEMAS / "diff.schema.json").read_text())).validate(data)
    assert data["cash_change"] == "470.94"
    assert data["cases"]["low"]["cash_change"] == "0"
    assert data["cases"]["high"]["cash_change"] == "941.88"
    high_cash = next(t for t in data["cases"]["high"]["totals"] if t["measure"] == "cash")
    assert (high_cash["before"], high_cash["after"]) == ("494.1", "1435.98")
    assert [m["change"]["cash"] for m in data["cases"]["high"]["months"]] == ["462", "479.88"]  # 705-243, 730.98-251.10


def test_diff_tables_give_each_cases_cash() -> None:
    for text in (table.diff(changed(), VIEW), markdown.diff(changed(), VIEW), html.diff(changed(), VIEW)):
        assert "Cash out of pocket in each case" in text
    text = table.diff(changed(), VIEW)
    assert re.search(r"Low +494\.10 +494\.10 +0\.00", text)
    assert re.search(r"Expected +494\.10 +965\.04 +\+470\.94 +\+95%", text)
    assert re.search(r"High +494\.10 +1,435\.98 +\+941\.88 +\+191%", text)


def test_the_diff_report_bands_the_side_with_ranges_over_its_own_bars() -> None:
    text = html.diff(changed(), VIEW)
    bands = re.findall(r'<rect class="range" data-low="([^"]+)" data-high="([^"]+)"', text)
    assert bands == [("243", "705"), ("251.1", "730.98")] * 2  # the new side only: the base has no ranges
    assert "a shaded box over a bar spans that side" in text
    assert 'class="range"' not in html.diff(api.diff(low(), low()), VIEW)


def test_diff_csv_leads_each_row_with_its_case() -> None:
    rows = list(csv.DictReader(io.StringIO(csvout.diff(changed(), VIEW))))
    cash = {r["case"]: r["change"] for r in rows if (r["section"], r["measure"]) == ("total", "cash")}
    assert cash == {"low": "0", "expected": "470.94", "high": "941.88"}


def test_a_diff_without_ranges_has_no_cases() -> None:
    plain = api.diff(low(), low())
    assert plain.cases == () and "cases" not in json.loads(jsonout.diff(plain, VIEW))
    assert "in each case" not in table.diff(plain, VIEW)


def test_compare_plans_says_it_ranks_the_expected_case() -> None:
    scenario = api.scenario_from_text(RANGED, bundled_sheet(), name="ranged.yaml")
    comparison = api.compare_plans(scenario, bundled_sheet(), top=1)
    assert "note.plans-expected-case" in [n.code for n in comparison.notes]
    plain = api.compare_plans(api.scenario_from_text(LOW, bundled_sheet()), bundled_sheet(), top=1)
    assert "note.plans-expected-case" not in [n.code for n in plain.notes]


# --- the command line ------------------------------------------------------------------------------


def test_budget_case_gates_the_high_case() -> None:
    path = ROOT / "tests" / "data" / "ok-ranges.yaml"
    result = cli("estimate", path, "--budget", "1000", "--budget-case", "high", "--format", "json")
    assert result.exit_code == 1
    assert (
        "budget exceeded: cash out of pocket 1,435.98 yuan is 435.98 over the budget of 1,000.00 yuan" in result.stderr
    )
    assert "(the high case)" in result.stderr
    assert json.loads(result.stdout)["budget"]["case"] == "high"


def test_budget_case_alone_is_a_usage_error() -> None:
    result = cli("estimate", ROOT / "tests" / "data" / "ok-ranges.yaml", "--budget-case", "high")
    assert result.exit_code == 2 and "--budget-case needs --budget" in result.stderr


def test_budget_case_must_name_a_case() -> None:
    result = cli("estimate", ROOT / "tests" / "data" / "ok-ranges.yaml", "--budget", "1", "--budget-case", "worst")
    assert (result.exit_code, result.stdout) == (2, ""), result.stderr
    with pytest.raises(UsageError) as raised:
        sheet = bundled_sheet()
        api.check_budget(
            api.estimate(api.load_scenario(ROOT / "tests/data/ok-ranges.yaml", sheet), sheet), 1, case="worst"
        )
    assert result.errors == [f"error: {line}" for line in raised.value.lines("en")]  # the library's own words
    assert result.errors == ["error: unknown case 'worst': a case is one of low, expected, high"]


# --- a range of one value prints what the plain figure prints ---------------------------------------

FIGURE = re.compile(
    r"^(\s+)(images|seconds_per_image|gpu_seconds|hours_per_day|gb|growth_gb_per_month|gb_per_month|idle_share"
    r"|put_per_month|get_per_month): (\S+)$",
    re.M,
)


def _collapsed(text: str) -> str:
    """Every usage figure of a scenario written as a range of one value: the shorthand and the mapping in turn."""
    count = iter(range(10**6))

    def one(m: re.Match[str]) -> str:
        v = m.group(3)
        written = f"{v}..{v}" if next(count) % 2 else f"{{low: {v}, expected: {v}, high: {v}}}"
        return f"{m.group(1)}{m.group(2)}: {written}"

    out, n = FIGURE.subn(one, text)
    assert n > 0
    return out


@pytest.mark.parametrize("stem", EXAMPLE_IDS)
def test_an_example_with_every_figure_a_range_of_one_value_prints_its_goldens(stem: str) -> None:
    """The goldens are the output without ranges (tests/test_golden.py pins them byte for byte); the same
    usage written as ranges of one value prints them byte for byte in every format."""
    path = f"examples/{stem}.yaml"
    text = _collapsed((ROOT / path).read_text(encoding="utf-8"))
    result = api.estimate(api.scenario_from_text(text, bundled_sheet(), name=path), bundled_sheet())
    assert result.cases == ()
    for case in regen_golden.cases():
        if case.stem == stem and case.command == "estimate":
            view = View(notes=False, scenario_path=path, lang=case.lang)
            assert renderer(OutputFormat(case.format)).estimate(result, view) == case.path.read_text(encoding="utf-8")


figures = st.integers(0, 400).map(str) | st.decimals(0, 50, places=2).map(str)


def _usage(f: Callable[[str, int], str]) -> str:
    """A scenario of every kind of usage, each figure as `f(key, its number)` writes it."""
    return HEAD + (
        f"  - {{kind: shared, gpu_seconds: {f('gpu_seconds', 0)}, per: day}}\n"
        f"  - {{kind: dedicated, spec: ded-8.07, hours_per_day: {f('hours_per_day', 1)}}}\n"
        f"  - {{kind: storage, gb: {f('gb', 2)}, growth_gb_per_month: {f('growth_gb_per_month', 3)}}}\n"
        f"  - {{kind: traffic, gb_per_month: {f('gb_per_month', 4)}, idle_share: {f('idle_share', 5)}}}\n"
        f"  - {{kind: requests, put_per_month: {f('put_per_month', 6)}}}\n"
    )


@examples(20)
@given(
    plain=st.fixed_dictionaries(
        {
            "gpu_seconds": figures,
            "hours_per_day": st.sampled_from(["0.5", "2", "7.25"]),
            "gb": figures,
            "growth_gb_per_month": figures,
            "gb_per_month": figures,
            "idle_share": st.sampled_from(["0", "0.25", "1"]),
            "put_per_month": st.integers(0, 9_000_000).map(str),
        }
    ),
    form=st.integers(0, 127),
)
def test_a_range_collapsed_to_one_value_prints_what_the_figure_prints(plain: dict[str, str], form: int) -> None:
    """Any figures, some written as ranges of one value (`form`'s bits pick which, shorthand or mapping): every
    format prints what the plain figures print."""

    def written(key: str, i: int) -> str:
        v = plain[key]
        return v if not form >> i & 1 else (f"{v}..{v}" if i % 2 else f"{{low: {v}, expected: {v}, high: {v}}}")

    sheet = bundled_sheet()
    before = api.estimate(api.scenario_from_text(_usage(lambda k, i: plain[k]), sheet, name="s.yaml"), sheet)
    after = api.estimate(api.scenario_from_text(_usage(written), sheet, name="s.yaml"), sheet)
    for fmt in OutputFormat:
        assert api.to_text(after, fmt) == api.to_text(before, fmt)
