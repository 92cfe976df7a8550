"""Usage figures given as ranges: read exactly, each bound checked as the plain figure is, each mistake located."""

from __future__ import annotations

from decimal import Decimal

import jsonschema
import pytest
import yaml
from helpers import bundled_sheet, expect_one

from artlab_cost import api, yamlsrc
from artlab_cost.editor_schema import schema_for
from artlab_cost.errors import InputError
from artlab_cost.scenario import Case, Scenario, SharedUsage, StorageUsage, parse_scenario
from artlab_cost.schema import Span
from artlab_cost.schema.ranges import midpoint

HEAD = "account: {new_user: false, student: false}\nperiod: {start: 2027-04-01, months: 1}\nusage:\n"


def load(usage: str) -> Scenario:
    return parse_scenario(yamlsrc.parse(HEAD + usage, "s.yaml"), bundled_sheet())


def refused(usage: str) -> InputError:
    with pytest.raises(InputError) as info:
        load(usage)
    return info.value


# --- the three ways to write a figure ------------------------------------------------------------


def test_the_mapping_gives_each_end_and_the_expected_value() -> None:
    s = load("  - {kind: shared, gpu_seconds: {low: 30, expected: 40, high: 60}, per: day}\n")
    assert s.ranges == ("usage[0].gpu_seconds",)
    assert [s.case(c).usage[0].gpu_seconds for c in Case] == [Decimal(30), Decimal(40), Decimal(60)]
    assert s.usage[0].gpu_seconds == Decimal(40)  # the scenario itself is the expected case


def test_the_shorthand_expects_the_exact_midpoint() -> None:
    s = load("  - {kind: traffic, gb_per_month: 0.1..0.25}\n")
    assert [s.case(c).usage[0].gb_per_month for c in Case] == [Decimal("0.1"), Decimal("0.175"), Decimal("0.25")]


def test_the_midpoint_of_long_numbers_is_exact() -> None:
    low, high = Decimal("0.000000000000001"), Decimal("999999999999999")
    assert midpoint(low, high) == Decimal("499999999999999.5000000000000005")
    assert midpoint(low, high) * 2 == low + high


def test_a_plain_figure_is_every_case_and_no_range() -> None:
    s = load("  - {kind: storage, gb: 25}\n")
    assert s.ranges == () and s.ends == ((), ())
    assert all(s.case(c) == s for c in Case)


def test_a_range_of_one_value_is_that_value() -> None:
    plain = load("  - {kind: storage, gb: 25, growth_gb_per_month: 5}\n")
    for written in ("25..25", "{low: 25, expected: 25, high: 25}"):
        s = load(f"  - {{kind: storage, gb: {written}, growth_gb_per_month: 5}}\n")
        assert s == plain


def test_images_and_seconds_per_image_multiply_end_by_end() -> None:
    s = load("  - {kind: shared, images: 100..300, seconds_per_image: {low: 5, expected: 6, high: 8}, per: day}\n")
    assert s.ranges == ("usage[0].images", "usage[0].seconds_per_image")
    assert [s.case(c).usage[0].gpu_seconds for c in Case] == [Decimal(500), Decimal(1200), Decimal(2400)]


def test_every_kind_of_usage_takes_a_range_in_each_of_its_figures() -> None:
    s = load(
        "  - {kind: shared, gpu_seconds: 1..3, per: day}\n"
        "  - {kind: shared, images: 1..3, seconds_per_image: 1..3, per: day}\n"
        "  - {kind: dedicated, spec: ded-8.07, hours_per_day: 1..3}\n"
        "  - {kind: storage, gb: 1..3, growth_gb_per_month: 1..3}\n"
        "  - {kind: traffic, gb_per_month: 1..3, idle_share: 0.2..0.4}\n"
        "  - {kind: requests, put_per_month: 1..3, get_per_month: 1..3}\n"
    )
    assert s.ranges == (
        "usage[0].gpu_seconds",
        "usage[1].images",
        "usage[1].seconds_per_image",
        "usage[2].hours_per_day",
        "usage[3].gb",
        "usage[3].growth_gb_per_month",
        "usage[4].gb_per_month",
        "usage[4].idle_share",
        "usage[5].put_per_month",
        "usage[5].get_per_month",
    )
    low, high = s.case(Case.low).usage, s.case(Case.high).usage
    assert low[2].hours_per_day == 1 and high[2].hours_per_day == 3
    assert isinstance(low[3], StorageUsage) and (low[3].gb, low[3].growth) == (1, 1)
    assert (high[4].gb_per_month, high[4].idle_share) == (3, Decimal("0.4"))
    assert (high[5].put_per_month, high[5].get_per_month) == (3, 3)
    assert isinstance(low[1], SharedUsage) and low[1].gpu_seconds == 1 and high[1].gpu_seconds == 9


def test_a_case_has_no_ranges_so_a_search_can_run_on_it() -> None:
    s = load("  - {kind: storage, gb: 10..20, label: models}\n")
    high = s.case(Case.high)
    assert high.ranges == () and high.case(Case.low) == high
    assert (high.usage[0].label, high.holdings, high.start) == ("models", s.holdings, s.start)


def test_ranges_leave_out_an_entry_wholly_outside_the_period() -> None:
    s = load("  - {kind: storage, gb: 10..20, from: 2028-01-01}\n  - {kind: traffic, gb_per_month: 1..2}\n")
    assert s.ranges == ("usage[1].gb_per_month",)
    assert [len(s.case(c).usage) for c in Case] == [1, 1, 1]


# --- each mistake, one located line ---------------------------------------------------------------


def test_low_above_expected_is_refused() -> None:
    err = refused("  - {kind: storage, gb: {low: 30, expected: 20, high: 40}}\n")
    expect_one(err, "s.yaml", 4, 25, "usage[0].gb", "low <= expected <= high", "low 30, expected 20, high 40")


def test_expected_above_high_is_refused() -> None:
    err = refused("  - {kind: storage, gb: {low: 10, expected: 50, high: 40}}\n")
    expect_one(err, "s.yaml", 4, 25, "usage[0].gb", "low 10, expected 50, high 40")


def test_a_shorthand_upside_down_is_refused() -> None:
    err = refused("  - {kind: storage, gb: 60..30}\n")
    expect_one(err, "s.yaml", 4, 25, "usage[0].gb", "low 60, expected 45, high 30")


def test_a_negative_low_end_is_refused_as_a_negative_figure_is() -> None:
    err = refused("  - {kind: traffic, gb_per_month: -1..5}\n")
    expect_one(err, "s.yaml", 4, 35, "usage[0].gb_per_month.low", "must not be negative, got -1")


def test_a_high_end_over_the_figures_maximum_is_refused() -> None:
    err = refused("  - {kind: traffic, gb_per_month: 5, idle_share: {low: 0.5, expected: 0.9, high: 1.2}}\n")
    expect_one(err, "s.yaml", 4, 82, "usage[0].idle_share.high", "must be at most 1, got 1.2")


def test_hours_a_day_keep_their_bounds_at_each_end() -> None:
    err = refused("  - {kind: dedicated, spec: ded-8.07, hours_per_day: 0..25}\n")
    shown = sorted((p.path, p.message) for p in err.problems)
    assert shown == [
        ("usage[0].hours_per_day.high", "must be at most 24, got 25"),
        ("usage[0].hours_per_day.low", "must be greater than 0, got 0"),
    ]


def test_a_whole_number_figure_needs_whole_ends() -> None:
    err = refused("  - {kind: requests, put_per_month: {low: 1.5, expected: 2, high: 3}}\n")
    expect_one(err, "s.yaml", 4, 43, "usage[0].put_per_month.low", "expected a whole number, got '1.5'")


def test_a_shorthand_whose_midpoint_is_not_whole_is_refused() -> None:
    err = refused("  - {kind: requests, get_per_month: 1..2}\n")
    expect_one(err, "s.yaml", 4, 37, "usage[0].get_per_month", "the midpoint of 1..2 is 1.5, not a whole number")


def test_a_shorthand_missing_an_end_is_refused() -> None:
    err = refused("  - {kind: storage, gb: 10..}\n")
    expect_one(err, "s.yaml", 4, 29, "usage[0].gb.high", "expected a number, got nothing")  # where it would stand


def test_a_shorthand_end_that_is_no_number_is_refused() -> None:
    err = refused("  - {kind: storage, gb: ten..20}\n")
    expect_one(err, "s.yaml", 4, 25, "usage[0].gb.low", "expected a number, got 'ten'")


@pytest.mark.parametrize("figure", ["0...5", "1...5", "5...", ".5..1", "1..5.", "0. ..5"])
def test_a_dot_touching_the_two_dots_is_refused_as_no_range(figure: str) -> None:
    """`0...5` is a typo (0..5? 0..0.5?): never read as 0 to 0.5, nor met with a puzzling order error."""
    err = refused(f"  - {{kind: storage, gb: {figure}}}\n")
    expect_one(err, "s.yaml", 4, 25, "usage[0].gb", f"'{figure}' is not a range: expected LOW..HIGH")


def test_two_bad_ends_are_reported_low_then_high_each_where_it_stands() -> None:
    err = refused("  - {kind: storage, gb: \u0664\u0660..\u0666\u0660}\n")  # Arabic-Indic 40..60: no numbers
    assert [(p.column, p.path) for p in err.problems] == [(25, "usage[0].gb.low"), (29, "usage[0].gb.high")]
    spaced = refused("  - {kind: storage, gb: ten .. twenty}\n")
    assert [(p.column, p.path) for p in spaced.problems] == [(25, "usage[0].gb.low"), (32, "usage[0].gb.high")]


def test_a_range_written_over_two_lines_puts_both_ends_at_its_start_low_first() -> None:
    """A plain scalar folded over lines: a column inside its value is not the file's, so the high end is
    located at the value's start, after the low end."""
    err = refused("  - kind: storage\n    gb: ten..\n      twenty\n")
    assert [(p.line, p.column, p.path) for p in err.problems] == [(5, 9, "usage[0].gb.low"), (5, 9, "usage[0].gb.high")]


def test_a_mapping_missing_an_end_is_refused() -> None:
    err = refused("  - {kind: storage, gb: {low: 10, high: 20}}\n")
    expect_one(err, "s.yaml", 4, 25, "usage[0].gb.expected", "required key is missing")


def test_a_misspelt_end_suggests_the_right_one() -> None:
    err = refused("  - {kind: storage, gb: {low: 10, expectd: 15, high: 20}}\n")
    problem = next(p for p in err.problems if p.path == "usage[0].gb.expectd")
    assert (problem.line, problem.column) == (4, 35) and "did you mean 'expected'" in problem.message


def test_a_list_is_neither_a_number_nor_a_range() -> None:
    err = refused("  - {kind: storage, gb: [10, 20]}\n")
    expect_one(
        err, "s.yaml", 4, 25, "usage[0].gb", "expected a number or a range (LOW..HIGH, or low, expected and high)"
    )


def test_a_quoted_shorthand_is_refused_as_a_quoted_number_is() -> None:
    err = refused('  - {kind: storage, gb: "10..20"}\n')
    expect_one(err, "s.yaml", 4, 25, "usage[0].gb", "expected a number, got the quoted text '10..20'")


def test_a_range_is_refused_where_the_figure_is_no_usage() -> None:
    err = refused("  - {kind: dedicated, spec: ded-8.07, hours_per_day: 1, days_per_week: 3..5}\n")
    expect_one(err, "s.yaml", 4, 72, "usage[0].days_per_week", "expected a whole number, got '3..5'")


def test_a_range_error_is_worded_in_chinese_too() -> None:
    err = refused("  - {kind: storage, gb: 60..30}\n")
    assert err.lines("zh") == [
        "s.yaml:4:25: usage[0].gb: 区间须满足 low <= expected <= high，实际为 low 60、expected 45、high 30"
    ]


# --- the editor's JSON Schema ------------------------------------------------------------------------


def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema_for("scenario"))


def _doc(figure: str) -> object:
    """The scenario with `gb: <figure>` as an editor reads it: YAML data as JSON data (dates as their text)."""
    return yaml.safe_load(HEAD.replace("2027-04-01", '"2027-04-01"') + f"  - {{kind: storage, gb: {figure}}}\n")


@pytest.mark.parametrize("figure", ["40", "30..60", "0.5 .. 1e3", "{low: 30, expected: 40, high: 60}"])
def test_the_schema_takes_each_way_of_writing_a_figure(figure: str) -> None:
    assert list(_validator().iter_errors(_doc(figure))) == []


@pytest.mark.parametrize(
    "figure",
    ["-5", "{low: 30, high: 60}", "{low: 30, expected: 40, high: 60, most: 70}", "lots", "30..", "[30, 60]"]
    + ["0...5", "5...", ".5..1", "1..5."],
)
def test_the_schema_marks_a_malformed_figure(figure: str) -> None:
    assert list(_validator().iter_errors(_doc(figure))) != []


def test_the_schema_keeps_each_figures_own_bounds_in_a_range() -> None:
    text = HEAD.replace("2027-04-01", '"2027-04-01"')
    doc = yaml.safe_load(text + "  - {kind: traffic, gb_per_month: 1, idle_share: {low: 0, expected: 1, high: 2}}\n")
    assert list(_validator().iter_errors(doc)) != []


def test_api_refuses_an_unknown_case() -> None:
    s = load("  - {kind: storage, gb: 10..20}\n")
    result = api.estimate(s, bundled_sheet())
    with pytest.raises(api.UsageError, match="unknown case 'worst'"):
        api.check_budget(result, Decimal(1), case="worst")


def test_span_is_what_a_range_reads_as() -> None:
    assert Span(Decimal(1), Decimal(2), Decimal(3)).expected == 2
