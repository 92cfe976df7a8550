"""Tests of the scenario loader: valid scenarios read to the right values, each mistake refused where it is written."""

from __future__ import annotations

import textwrap
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import examples, expect_one
from hypothesis import given
from hypothesis import strategies as st

from artlab_cost import pricing, scenario, yamlsrc
from artlab_cost.calendar import add_months
from artlab_cost.errors import InputError
from artlab_cost.i18n import word
from artlab_cost.messages import Words
from artlab_cost.pricing import PriceSheet
from artlab_cost.scenario import (
    DedicatedUsage,
    RequestUsage,
    Scenario,
    SharedUsage,
    StorageUsage,
    TrafficUsage,
)

DATA = Path(__file__).parent / "data"
SHEET = pricing.load_sheet(str(DATA / "ok-sheet.yaml"))

ACCOUNT = "account: {new_user: true, student: true}\n"
PERIOD = "period: {start: 2026-01-01, months: 3}\n"


# --- helpers -----------------------------------------------------------------------------


def load(tmp_path: Path, text: str, sheet: PriceSheet = SHEET, name: str = "s.yaml") -> Scenario:
    """Write the (dedented) text to tmp_path and load it as the CLI does, shown as `name`."""
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return scenario.load_scenario(path, sheet, name)


def refused(tmp_path: Path, text: str, sheet: PriceSheet = SHEET) -> InputError:
    with pytest.raises(InputError) as info:
        load(tmp_path, text, sheet)
    return info.value


def refused_file(name: str) -> InputError:
    with pytest.raises(InputError) as info:
        scenario.load_scenario(DATA / name, SHEET, name)
    return info.value


def has(err: InputError, file: str, line: int, col: int, path: str, fragment: str) -> None:
    shown = "\n".join(str(p) for p in err.problems)
    assert any(
        (p.file, p.line, p.column, p.path) == (file, line, col, path) and fragment in p.message for p in err.problems
    ), f"no {file}:{line}:{col}: {path}: ...{fragment}... among:\n{shown}"


# --- a valid scenario --------------------------------------------------------------------


def test_ok_scenario_loads_to_the_right_values() -> None:
    s = scenario.load_scenario(DATA / "ok-scenario.yaml", SHEET, "ok-scenario.yaml")
    assert (s.name, s.new_user, s.student, s.origin) == ("Weekday studio", True, True, "ok-scenario.yaml")
    assert (s.start, s.end) == (date(2026, 1, 1), date(2026, 4, 1))
    # the 40 GB pack's year ended as the period began: said, since it adds nothing
    assert [(w.code, w.level, word(w.msg)) for w in s.warnings] == [
        (
            "warning.holding-expired",
            "warning",
            "ok-scenario.yaml:44:5: holdings[3] (storage-pack-40) expired on 2026-01-01, before the period; "
            "it adds nothing",
        )
    ]
    drafts, comfy, ded, storage, traffic, requests = s.usage

    assert isinstance(drafts, SharedUsage) and isinstance(comfy, SharedUsage) and isinstance(ded, DedicatedUsage)
    assert (
        isinstance(storage, StorageUsage) and isinstance(traffic, TrafficUsage) and isinstance(requests, RequestUsage)
    )
    assert (drafts.label, drafts.per, drafts.tool) == ("drafts", "week", "stable-diffusion")
    assert drafts.gpu_seconds == Decimal(900)  # 200 images x 4.5 GPU-seconds
    assert (drafts.start, drafts.end) == (date(2026, 1, 1), date(2026, 4, 1))

    assert (comfy.tool, comfy.gpu_seconds, comfy.label) == ("comfyui", Decimal(6000), "usage[1]")
    assert (comfy.start, comfy.end) == (date(2026, 2, 1), date(2026, 4, 1))

    assert (ded.spec, ded.hours_per_day, ded.weekdays) == ("ded-8.07", Decimal(3), frozenset({0, 1, 2, 3, 4}))
    assert ded.end == date(2026, 2, 16)  # until 2026-02-15 is inclusive

    assert (storage.gb, storage.growth, storage.anchor) == (Decimal(100), Decimal("10.5"), date(2026, 1, 1))
    assert (traffic.gb_per_month, traffic.idle_share) == (Decimal(12), Decimal("0.25"))
    assert (requests.put_per_month, requests.get_per_month) == (Decimal(6_000_000), Decimal(0))

    trial, voucher, traffic_pack, pack40, pack100 = s.holdings
    assert (trial.offer, trial.acquired, trial.copies, trial.used, trial.position) == (
        "trial-compute",
        date(2026, 1, 1),
        1,
        None,
        0,
    )
    assert (voucher.used, voucher.label) == (Decimal("100.50"), "voucher from last term")
    assert type(traffic_pack.copies) is int and traffic_pack.copies == 3
    assert (pack40.offer, pack100.offer, pack100.position) == ("storage-pack-40", "storage-pack-100", 4)


def test_amounts_are_decimals_never_floats() -> None:
    s = scenario.load_scenario(DATA / "ok-scenario.yaml", SHEET, "ok-scenario.yaml")
    amounts = [(u, f) for u in s.usage for f in u._fields if f != "instances"]  # instances is a count, like count
    numbers = [getattr(u, f) for u, f in amounts if isinstance(getattr(u, f), (int, float, Decimal))]
    assert len(numbers) >= 8
    assert all(type(value) is Decimal for value in numbers), s.usage
    assert all(type(u.instances) is int for u in s.usage if hasattr(u, "instances"))
    assert type(s.holdings[1].used) is Decimal


def test_defaults(tmp_path: Path) -> None:
    s = load(tmp_path, ACCOUNT + PERIOD, name="my-plan.yaml")
    assert s.name == "my-plan"  # the file's stem
    assert s.usage == () and s.holdings == ()


def test_ok_scenario_loads_against_the_bundled_sheet() -> None:
    s = scenario.load_scenario(DATA / "ok-scenario.yaml", pricing.load_sheet(), "ok-scenario.yaml")
    assert len(s.usage) == 6 and len(s.holdings) == 5


# --- the period ----------------------------------------------------------------------------


def test_period_end_is_inclusive(tmp_path: Path) -> None:
    s = load(tmp_path, ACCOUNT + "period: {start: 2026-03-01, end: 2026-03-31}\n")
    assert (s.start, s.end) == (date(2026, 3, 1), date(2026, 4, 1))


def test_period_of_one_day(tmp_path: Path) -> None:
    s = load(tmp_path, ACCOUNT + "period: {start: 2026-03-01, end: 2026-03-01}\n")
    assert s.end == date(2026, 3, 2)


def test_one_month_from_the_31st_of_january_ends_on_the_28th_of_february(tmp_path: Path) -> None:
    s = load(tmp_path, ACCOUNT + "period: {start: 2026-01-31, months: 1}\n")
    assert s.end == date(2026, 2, 28)


@pytest.mark.parametrize(
    "start, months, end",
    [
        (date(2026, 1, 15), 1, date(2026, 2, 15)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 12, 1), 1, date(2027, 1, 1)),
    ],
)
def test_months_are_calendar_months_clamped(tmp_path: Path, start: date, months: int, end: date) -> None:
    s = load(tmp_path, ACCOUNT + f"period: {{start: {start}, months: {months}}}\n")
    assert s.end == end


@examples(100)
@given(start=st.dates(date(2000, 1, 1), date(2189, 12, 31)), days=st.integers(0, 3000))
def test_any_inclusive_end_ends_the_next_day(start: date, days: int) -> None:
    end = start + timedelta(days=days)
    src = yamlsrc.parse(ACCOUNT + f"period: {{start: {start}, end: {end}}}\n", "s.yaml")
    s = scenario.parse_scenario(src, SHEET)
    assert (s.start, s.end) == (start, end + timedelta(days=1))


@examples(100)
@given(start=st.dates(date(2000, 1, 1), date(2189, 12, 31)), months=st.integers(1, 120))
def test_months_end_where_add_months_says(start: date, months: int) -> None:
    src = yamlsrc.parse(ACCOUNT + f"period: {{start: {start}, months: {months}}}\n", "s.yaml")
    s = scenario.parse_scenario(src, SHEET)
    assert s.end == add_months(start, months)
    assert s.end.day <= start.day  # clamped, never spilling into the next month


def test_period_end_before_start_is_refused(tmp_path: Path) -> None:
    err = refused(tmp_path, ACCOUNT + "period: {start: 2026-03-01, end: 2026-02-28}\n")
    expect_one(err, "s.yaml", 2, 34, "period.end", "2026-02-28 is before start 2026-03-01")


def test_period_with_months_and_end_is_refused(tmp_path: Path) -> None:
    err = refused(tmp_path, ACCOUNT + "period:\n  start: 2026-01-01\n  months: 1\n  end: 2026-01-31\n")
    expect_one(err, "s.yaml", 3, 3, "period", "give exactly one of months, end (got both months and end)")


def test_period_with_neither_months_nor_end_is_refused(tmp_path: Path) -> None:
    err = refused(tmp_path, ACCOUNT + "period:\n  start: 2026-01-01\n")
    expect_one(err, "s.yaml", 3, 3, "period", "give exactly one of months, end (got none)")


def test_period_over_ten_years_is_refused(tmp_path: Path) -> None:
    err = refused(tmp_path, ACCOUNT + "period: {start: 2026-01-01, end: 2036-01-01}\n")
    expect_one(err, "s.yaml", 2, 34, "period.end", "longer than 120 months")


def test_period_of_exactly_ten_years_is_fine(tmp_path: Path) -> None:
    s = load(tmp_path, ACCOUNT + "period: {start: 2026-01-01, end: 2035-12-31}\n")
    assert s.end == date(2036, 1, 1)


def test_impossible_start_date_is_refused(tmp_path: Path) -> None:
    err = refused(tmp_path, ACCOUNT + "period:\n  start: 2026-02-30\n  months: 1\n")
    expect_one(err, "s.yaml", 3, 10, "period.start", "'2026-02-30' is not a real calendar date")


# --- unknown and duplicate keys -------------------------------------------------------------


def test_misspelt_top_level_key_suggests(tmp_path: Path) -> None:
    err = refused(tmp_path, "nmae: x\n" + ACCOUNT + PERIOD)
    expect_one(err, "s.yaml", 1, 1, "nmae", "unknown key 'nmae'; did you mean 'name'?")


def test_misspelt_account_key_suggests(tmp_path: Path) -> None:
    err = refused(tmp_path, "account:\n  new_user: true\n  studnet: true\n" + PERIOD)
    has(err, "s.yaml", 3, 3, "account.studnet", "unknown key 'studnet'; did you mean 'student'?")
    has(err, "s.yaml", 2, 3, "account.student", "required key is missing")
    assert [p.line for p in err.problems] == [2, 3]  # in file order, though found the other way round


def test_misspelt_period_key_suggests(tmp_path: Path) -> None:
    err = refused(tmp_path, ACCOUNT + "period:\n  start: 2026-01-01\n  mnths: 1\n")
    has(err, "s.yaml", 4, 3, "period.mnths", "unknown key 'mnths'; did you mean 'months'?")


def test_misspelt_usage_key_suggests(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "usage:\n  - kind: shared\n    gpu_second: 10\n    per: day\n"
    err = refused(tmp_path, text)
    expect_one(err, "s.yaml", 5, 5, "usage[0].gpu_second", "unknown key 'gpu_second'; did you mean 'gpu_seconds'?")


def test_key_of_another_usage_kind_is_refused(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "usage:\n  - kind: storage\n    gb: 5\n    per: day\n"
    err = refused(tmp_path, text)
    expect_one(err, "s.yaml", 6, 5, "usage[0].per", "unknown key 'per'")


def test_misspelt_holding_key_suggests(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "holdings:\n  - offer: trial-compute\n    date: 2026-01-01\n    lable: x\n"
    err = refused(tmp_path, text)
    expect_one(err, "s.yaml", 6, 5, "holdings[0].lable", "unknown key 'lable'; did you mean 'label'?")


def test_misspelt_usage_kind_suggests(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "usage:\n  - kind: dedicted\n    spec: ded-8.07\n    hours_per_day: 1\n"
    err = refused(tmp_path, text)
    expect_one(err, "s.yaml", 4, 11, "usage[0].kind", "unknown value 'dedicted'; did you mean 'dedicated'?")


def test_usage_without_kind_is_refused(tmp_path: Path) -> None:
    err = refused(tmp_path, ACCOUNT + PERIOD + "usage:\n  - gb: 5\n")
    expect_one(err, "s.yaml", 4, 5, "usage[0].kind", "required key is missing", "storage")


def test_duplicate_key_in_scenario_is_refused() -> None:
    err = refused_file("bad-duplicate-key.yaml")
    expect_one(err, "bad-duplicate-key.yaml", 7, 3, "period.start", "duplicate key 'start'", "first defined at line 5")


# --- types and values ------------------------------------------------------------------------


def test_text_where_a_number_is_expected_is_refused(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "usage:\n  - kind: dedicated\n    spec: ded-8.07\n    hours_per_day: three\n"
    err = refused(tmp_path, text)
    expect_one(err, "s.yaml", 6, 20, "usage[0].hours_per_day", "expected a number, got 'three'")


def test_list_where_a_mapping_is_expected_is_refused(tmp_path: Path) -> None:
    err = refused(tmp_path, "account: [true, false]\n" + PERIOD)
    expect_one(err, "s.yaml", 1, 10, "account", "expected a mapping, got a list")


def test_mapping_where_a_list_is_expected_is_refused(tmp_path: Path) -> None:
    err = refused(tmp_path, ACCOUNT + PERIOD + "usage:\n  kind: storage\n  gb: 5\n")
    expect_one(err, "s.yaml", 4, 3, "usage", "expected a list, got a mapping")


def test_quoted_number_is_refused(tmp_path: Path) -> None:
    err = refused(tmp_path, ACCOUNT + PERIOD + 'usage:\n  - kind: storage\n    gb: "100"\n')
    expect_one(err, "s.yaml", 5, 9, "usage[0].gb", "expected a number, got the quoted text '100'")


def test_negative_number_is_refused(tmp_path: Path) -> None:
    err = refused(tmp_path, ACCOUNT + PERIOD + "usage:\n  - kind: storage\n    gb: -5\n")
    expect_one(err, "s.yaml", 5, 9, "usage[0].gb", "must not be negative, got -5")


def test_nan_is_refused(tmp_path: Path) -> None:
    err = refused(tmp_path, ACCOUNT + PERIOD + "usage:\n  - kind: traffic\n    gb_per_month: .nan\n")
    expect_one(err, "s.yaml", 5, 19, "usage[0].gb_per_month", "expected a finite number, got '.nan'")


def test_infinity_is_refused(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "usage:\n  - kind: shared\n    gpu_seconds: .inf\n    per: day\n"
    err = refused(tmp_path, text)
    expect_one(err, "s.yaml", 5, 18, "usage[0].gpu_seconds", "expected a finite number, got '.inf'")


def test_yes_for_a_boolean_is_refused(tmp_path: Path) -> None:
    err = refused(tmp_path, "account: {new_user: yes, student: false}\n" + PERIOD)
    expect_one(err, "s.yaml", 1, 21, "account.new_user", "expected true or false, got 'yes'")


def test_share_over_one_is_refused(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "usage:\n  - kind: traffic\n    gb_per_month: 10\n    idle_share: 1.5\n"
    err = refused(tmp_path, text)
    expect_one(err, "s.yaml", 6, 17, "usage[0].idle_share", "must be at most 1")


def test_more_than_24_hours_a_day_is_refused(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "usage:\n  - kind: dedicated\n    spec: ded-8.07\n    hours_per_day: 25\n"
    err = refused(tmp_path, text)
    expect_one(err, "s.yaml", 6, 20, "usage[0].hours_per_day", "must be at most 24")


def test_eight_days_a_week_is_refused(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "usage:\n  - {kind: dedicated, spec: ded-8.07, hours_per_day: 1, days_per_week: 8}\n"
    err = refused(tmp_path, text)
    expect_one(err, "s.yaml", 4, 72, "usage[0].days_per_week", "must be at most 7")


def test_impossible_holding_date_is_refused(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "holdings:\n  - {offer: trial-compute, date: 2026-02-30}\n"
    err = refused(tmp_path, text)
    expect_one(err, "s.yaml", 4, 34, "holdings[0].date", "'2026-02-30' is not a real calendar date")


# --- usage rules ---------------------------------------------------------------------------


def test_usage_until_before_from_is_refused(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "usage:\n  - kind: storage\n    gb: 5\n    from: 2026-02-10\n    until: 2026-02-01\n"
    err = refused(tmp_path, text)
    expect_one(err, "s.yaml", 7, 12, "usage[0].until", "2026-02-01 is before from 2026-02-10")


def test_usage_until_equal_to_from_is_one_day(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "usage:\n  - {kind: storage, gb: 5, from: 2026-02-10, until: 2026-02-10}\n"
    (u,) = load(tmp_path, text).usage
    assert (u.start, u.end) == (date(2026, 2, 10), date(2026, 2, 11))


def test_usage_is_clipped_to_the_period(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "usage:\n  - {kind: storage, gb: 5, from: 2025-06-01, until: 2027-01-01}\n"
    (u,) = load(tmp_path, text).usage
    assert (u.start, u.end) == (date(2026, 1, 1), date(2026, 4, 1))
    assert u.anchor == date(2025, 6, 1)  # growth still counts from the entry's own start


def test_usage_after_the_period_is_a_warning_not_an_error(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "usage:\n  - {kind: storage, label: later, gb: 5, from: 2026-05-01}\n"
    s = load(tmp_path, text)
    assert s.usage == ()
    assert [word(w.msg) for w in s.warnings] == ["s.yaml:4:5: later lies outside the period; it adds nothing"]


def test_usage_before_the_period_is_a_warning_not_an_error(tmp_path: Path) -> None:
    # The mirror image of the test above: no `from` is written, so there is no reversed range
    # to complain about; the entry simply ended before the period began.
    text = ACCOUNT + PERIOD + "usage:\n  - {kind: storage, label: old, gb: 5, until: 2025-12-31}\n"
    s = load(tmp_path, text)
    assert s.usage == ()
    assert [word(w.msg) for w in s.warnings] == ["s.yaml:4:5: old lies outside the period; it adds nothing"]


def test_unknown_dedicated_spec_suggests(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "usage:\n  - kind: dedicated\n    spec: ded-8.7\n    hours_per_day: 2\n"
    err = refused(tmp_path, text)
    expect_one(
        err,
        "s.yaml",
        5,
        11,
        "usage[0].spec",
        "unknown dedicated spec 'ded-8.7'; did you mean 'ded-8.07'?",
        "price your own under specs",
    )


# --- the scenario's own dedicated specs ---------------------------------------------------


def test_a_scenario_prices_its_own_specs(tmp_path: Path) -> None:
    """Under `specs`, or on the usage entry: a meter like the sheet's, its price an assumption only without a
    source, and written where the scenario wrote it."""
    s = load(
        tmp_path,
        ACCOUNT
        + PERIOD
        + """\
specs:
  my-a10: {price: 15.20, source: "console, 2026-11", name: A10 24 GB}
usage:
  - {kind: dedicated, spec: my-a10, hours_per_day: 2}
  - {kind: dedicated, spec: my-t4, hours_per_day: 1, price: 9.5}
  - {kind: dedicated, spec: my-t4, hours_per_day: 1, price: 9.50, from: 2026-02-01}
""",
    )
    a10, t4 = s.specs
    assert (a10.id, a10.name, a10.price, a10.unit, a10.source, a10.assumed) == (
        "dedicated:my-a10",
        Words.plain("A10 24 GB"),
        Decimal("15.20"),
        "h",
        "console, 2026-11",
        (),
    )
    assert (a10.origin, a10.field) == ("s.yaml", "specs.my-a10")
    assert (t4.id, t4.price, t4.field) == ("dedicated:my-t4", Decimal("9.5"), "usage[1]")
    assert [f for f, _ in t4.assumed] == ["price"]  # no source: an assumption, which --strict refuses
    assert [u.spec for u in s.usage] == ["my-a10", "my-t4", "my-t4"]  # type: ignore[union-attr]
    merged = SHEET.with_specs(s.specs)
    assert [a.field for a in merged.meter_assumptions("dedicated:my-t4")] == ["usage[1].price"]
    assert merged.meter_assumptions("dedicated:my-t4")[0].file == "s.yaml"


def test_own_specs_never_replace_the_sheets_nor_each_other(tmp_path: Path) -> None:
    err = refused(
        tmp_path,
        ACCOUNT
        + PERIOD
        + """\
specs:
  ded-8.07: {price: 7}
usage:
  - {kind: dedicated, spec: ded-39.54, hours_per_day: 1, price: 30}
  - {kind: dedicated, spec: mine, hours_per_day: 1, price: 10}
  - {kind: dedicated, spec: mine, hours_per_day: 1, price: 11}
  - {kind: dedicated, spec: ded-8.07, hours_per_day: 1, source: console}
""",
    )
    has(err, "s.yaml", 4, 3, "specs.ded-8.07", "the price sheet already prices spec 'ded-8.07'")
    has(err, "s.yaml", 6, 65, "usage[0].price", "the price sheet already prices spec 'ded-39.54'")
    has(err, "s.yaml", 8, 60, "usage[2].price", "spec 'mine' is priced twice: 10 yuan/h elsewhere")
    has(err, "s.yaml", 9, 65, "usage[3].source", "source is for a price given here")
    assert len(err.problems) == 4


def test_an_own_spec_price_is_checked_like_the_sheets(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "specs:\n  mine: {price: 0, sorce: x}\n"
    err = refused(tmp_path, text)
    has(err, "s.yaml", 4, 17, "specs.mine.price", "greater than 0")
    has(err, "s.yaml", 4, 20, "specs.mine.sorce", "did you mean 'source'")


def test_shared_usage_with_seconds_and_images_is_refused(tmp_path: Path) -> None:
    text = (
        ACCOUNT
        + PERIOD
        + ("usage:\n  - kind: shared\n    gpu_seconds: 10\n    images: 3\n    seconds_per_image: 2\n    per: day\n")
    )
    err = refused(tmp_path, text)
    expect_one(err, "s.yaml", 4, 5, "usage[0]", "give either gpu_seconds, or images with seconds_per_image")


def test_shared_usage_with_images_but_no_seconds_per_image_is_refused(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "usage:\n  - kind: shared\n    images: 3\n    per: day\n"
    err = refused(tmp_path, text)
    expect_one(err, "s.yaml", 5, 13, "usage[0].seconds_per_image", "required with images")


# --- holdings rules --------------------------------------------------------------------------


def test_unknown_offer_suggests(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "holdings:\n  - offer: trial-computer\n    date: 2026-01-01\n"
    err = refused(tmp_path, text)
    expect_one(
        err, "s.yaml", 4, 12, "holdings[0].offer", "unknown offer 'trial-computer'; did you mean 'trial-compute'?"
    )


def test_student_voucher_on_a_non_student_account_is_refused(tmp_path: Path) -> None:
    text = (
        "account: {new_user: true, student: false}\n"
        + PERIOD
        + ("holdings:\n  - offer: student-voucher\n    date: 2026-01-01\n")
    )
    err = refused(tmp_path, text)
    expect_one(err, "s.yaml", 4, 12, "holdings[0].offer", "'student-voucher' is for students only", "(B11)")


def test_trial_on_an_account_that_is_not_new_is_refused(tmp_path: Path) -> None:
    text = (
        "account: {new_user: false, student: true}\n"
        + PERIOD
        + ("holdings:\n  - offer: trial-compute\n    date: 2026-01-01\n")
    )
    err = refused(tmp_path, text)
    expect_one(err, "s.yaml", 4, 12, "holdings[0].offer", "'trial-compute' is for new users only", "(B10)")


def test_second_claim_of_a_once_per_user_offer_is_refused(tmp_path: Path) -> None:
    text = (
        ACCOUNT
        + "period: {start: 2026-01-01, months: 24}\n"
        + (
            "holdings:\n"
            "  - offer: trial-compute\n"
            "    date: 2026-01-01\n"
            "  - offer: trial-compute\n"
            "    date: 2027-01-01\n"
        )
    )
    err = refused(tmp_path, text)
    expect_one(err, "s.yaml", 6, 12, "holdings[1].offer", "can be claimed once per user", "holdings[0] has it already")


def test_count_over_one_on_a_non_stackable_offer_is_refused(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "holdings:\n  - offer: storage-pack-40\n    date: 2026-01-01\n    count: 2\n"
    err = refused(tmp_path, text)
    expect_one(err, "s.yaml", 6, 12, "holdings[0].count", "'storage-pack-40' is once per validity, so count must be 1")


def test_count_over_one_on_a_stackable_offer_is_fine(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "holdings:\n  - offer: traffic-pack-100\n    date: 2026-01-01\n    count: 5\n"
    assert load(tmp_path, text).holdings[0].copies == 5


def test_count_zero_is_refused(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "holdings:\n  - offer: traffic-pack-100\n    date: 2026-01-01\n    count: 0\n"
    err = refused(tmp_path, text)
    expect_one(err, "s.yaml", 6, 12, "holdings[0].count", "must be at least 1")


def test_storage_packs_with_overlapping_validity_are_refused(tmp_path: Path) -> None:
    # B16: the 40 GB pack bought 2026-01-01 is valid until 2027-01-01; a 100 GB pack (same
    # group) bought 2026-12-31 overlaps it by a day.
    text = (
        ACCOUNT
        + PERIOD
        + (
            "holdings:\n"
            "  - offer: storage-pack-40\n"
            "    date: 2026-01-01\n"
            "  - offer: storage-pack-100\n"
            "    date: 2026-12-31\n"
        )
    )
    err = refused(tmp_path, text)
    expect_one(
        err,
        "s.yaml",
        7,
        11,
        "holdings[1].date",
        "'storage-pack-100' overlaps holdings[0]",
        "storage-pack-40",
        "once per validity (B16)",
    )


def test_same_storage_pack_twice_in_its_validity_is_refused(tmp_path: Path) -> None:
    text = (
        ACCOUNT
        + PERIOD
        + "holdings:\n  - {offer: storage-pack-40, date: 2026-06-01}\n"
        + ("  - {offer: storage-pack-40, date: 2026-01-01}\n")
    )
    err = refused(tmp_path, text)
    expect_one(err, "s.yaml", 5, 36, "holdings[1].date", "overlaps holdings[0]")


def test_storage_pack_bought_as_the_last_one_ends_is_fine(tmp_path: Path) -> None:
    text = (
        ACCOUNT
        + PERIOD
        + "holdings:\n  - {offer: storage-pack-40, date: 2025-01-01}\n"
        + ("  - {offer: storage-pack-100, date: 2026-01-01}\n")
    )
    assert len(load(tmp_path, text).holdings) == 2


def test_stackable_packs_may_overlap(tmp_path: Path) -> None:
    text = (
        ACCOUNT
        + PERIOD
        + "holdings:\n  - {offer: traffic-pack-100, date: 2026-01-01}\n"
        + ("  - {offer: traffic-pack-100, date: 2026-02-01}\n")
    )
    assert len(load(tmp_path, text).holdings) == 2


def test_used_on_a_holding_acquired_in_the_period_is_refused(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "holdings:\n  - {offer: student-voucher, date: 2026-01-02, used: 10}\n"
    err = refused(tmp_path, text)
    expect_one(err, "s.yaml", 4, 54, "holdings[0].used", "acquired before the period starts")


def test_used_beyond_the_grant_is_refused(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "holdings:\n  - {offer: student-voucher, date: 2025-12-01, used: 300.01}\n"
    err = refused(tmp_path, text)
    expect_one(err, "s.yaml", 4, 54, "holdings[0].used", "more than the 300 yuan it holds")


def test_used_on_a_two_grant_offer_is_refused(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "holdings:\n  - {offer: bundle, date: 2025-12-01, used: 1}\n"
    err = refused(tmp_path, text)
    expect_one(err, "s.yaml", 4, 45, "holdings[0].used", "only for an offer of one amount or quantity")


def test_used_on_stacked_packs_counts_the_whole_stack(tmp_path: Path) -> None:
    """B16: three 10 GB traffic packs bought together hold 30 GB, used one after another."""
    text = ACCOUNT + PERIOD + "holdings:\n  - {offer: traffic-pack-100, date: 2025-12-01, count: 3, used: 25}\n"
    assert load(tmp_path, text).holdings[0].used == Decimal(25)
    text = ACCOUNT + PERIOD + "holdings:\n  - {offer: traffic-pack-100, date: 2025-12-01, count: 3, used: 31}\n"
    expect_one(refused(tmp_path, text), "s.yaml", 4, 65, "holdings[0].used", "more than the 30 GB it holds")


def test_holding_after_the_period_is_a_warning(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "holdings:\n  - {offer: traffic-pack-100, date: 2026-04-01}\n"
    s = load(tmp_path, text)
    assert len(s.holdings) == 1
    assert [word(w.msg) for w in s.warnings] == [
        "s.yaml:4:5: holdings[0] (traffic-pack-100) is acquired after the period ends; it adds nothing"
    ]


# --- whole files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, line, col, fragment",
    [
        ("bad-empty.yaml", 0, 0, "file is empty"),
        ("bad-list.yaml", 1, 1, "expected a mapping at the top of the file, got a list"),
        ("bad-scalar.yaml", 1, 1, "expected a mapping at the top of the file, got 'just a sentence"),
        ("bad-not-utf8.yaml", 1, 10, "not UTF-8 text (byte 0xe9)"),
        ("bad-nul.yaml", 3, 1, "binary file (NUL byte)"),
        ("bad-two-documents.yaml", 3, 1, "more than one YAML document"),
        ("bad-deep-nesting.yaml", 3, 39, "nested deeper than 32 levels"),
        ("bad-alias-bomb.yaml", 8, 47, "alias bomb"),
    ],
)
def test_unusable_file_is_refused(name: str, line: int, col: int, fragment: str) -> None:
    expect_one(refused_file(name), name, line, col, "", fragment)


def test_python_tag_is_refused_before_anything_runs() -> None:
    err = refused_file("bad-python-tag.yaml")  # its field path is pinned down in test_yamlsrc.py
    assert len(err.problems) == 1
    problem = err.problems[0]
    assert (problem.file, problem.line, problem.column) == ("bad-python-tag.yaml", 3, 7)
    assert "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed" in problem.message


def test_file_over_one_mib_is_refused(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "#" + "x" * (1024 * 1024) + "\n"
    err = refused(tmp_path, text)
    expect_one(err, "s.yaml", 0, 0, "", "larger than 1,024 KiB")


def test_every_problem_of_a_scenario_is_reported() -> None:
    err = refused_file("bad-scenario-many.yaml")
    f = "bad-scenario-many.yaml"
    has(err, f, 3, 1, "acount_type", "unknown key 'acount_type'")
    has(err, f, 5, 13, "account.new_user", "expected true or false, got 'yes'")
    has(err, f, 8, 10, "period.start", "'2026-02-30' is not a real calendar date")
    has(err, f, 12, 9, "usage[0].gb", "must not be negative, got -100")
    has(err, f, 14, 19, "usage[1].gb_per_month", "expected a number, got the quoted text '12'")
    has(err, f, 18, 5, "holdings[0].cuont", "unknown key 'cuont'; did you mean 'count'?")
    assert len(err.problems) == 6
    assert [p.line for p in err.problems] == [3, 5, 8, 12, 14, 18]  # in file order
    assert str(err).splitlines()[0] == f"{f}:3:1: acount_type: " + err.problems[0].message


def test_every_rule_problem_of_a_scenario_is_reported(tmp_path: Path) -> None:
    text = (
        "account: {new_user: false, student: false}\n"
        + PERIOD
        + (
            "usage:\n"
            "  - {kind: dedicated, spec: a10, hours_per_day: 1}\n"
            "  - {kind: storage, gb: 1, from: 2026-03-01, until: 2026-02-01}\n"
            "holdings:\n"
            "  - {offer: student-voucher, date: 2026-01-01}\n"
            "  - {offer: no-such-offer, date: 2026-01-01}\n"
            "  - {offer: storage-pack-40, date: 2026-01-01, count: 2}\n"
        )
    )
    err = refused(tmp_path, text)
    assert [(p.line, p.path) for p in err.problems] == [
        (4, "usage[0].spec"),
        (5, "usage[1].until"),
        (7, "holdings[0].offer"),
        (8, "holdings[1].offer"),
        (9, "holdings[2].count"),
    ]


def test_weekdays_name_the_days_a_dedicated_session_runs(tmp_path: Path) -> None:
    text = ACCOUNT + PERIOD + "usage:\n  - {kind: dedicated, spec: ded-8.07, hours_per_day: 1, weekdays: [sat, sun]}\n"
    assert load(tmp_path, text).usage[0].weekdays == frozenset({5, 6})


def test_a_label_that_is_another_entrys_default_name_is_refused(tmp_path: Path) -> None:
    """usage[1] has no label, so it goes by `usage[1]`; entry 0 labelled so would be added up with it by label."""
    entries = '  - {kind: shared, gpu_seconds: 100, per: day, label: "usage[1]"}\n  - {kind: storage, gb: 5}\n'
    text = ACCOUNT + PERIOD + "usage:\n" + entries
    expect_one(refused(tmp_path, text), "s.yaml", 4, 55, "usage[0].label", "'usage[1]' is the name the entry usage[1]")
    own = ACCOUNT + PERIOD + 'usage:\n  - {kind: shared, gpu_seconds: 100, per: day, label: "usage[0]"}\n'
    assert load(tmp_path, own).usage[0].label == "usage[0]"  # its own default name: the same entry


def test_a_weekday_listed_twice_is_refused_where_it_repeats(tmp_path: Path) -> None:
    entry = "  - {kind: dedicated, spec: ded-8.07, hours_per_day: 1, weekdays: [mon, tue, mon]}\n"
    text = ACCOUNT + PERIOD + "usage:\n" + entry
    expect_one(refused(tmp_path, text), "s.yaml", 4, 78, "usage[0].weekdays[2]", "'mon' is listed twice")


def test_weekdays_and_days_per_week_together_are_refused(tmp_path: Path) -> None:
    text = (
        ACCOUNT
        + PERIOD
        + ("usage:\n  - {kind: dedicated, spec: ded-8.07, hours_per_day: 1, days_per_week: 2, weekdays: [sat]}\n")
    )
    expect_one(refused(tmp_path, text), "s.yaml", 4, 85, "usage[0].weekdays", "not both")
