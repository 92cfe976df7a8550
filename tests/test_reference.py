"""Hand-worked tests of the naive day-by-day reference (tests/reference.py).

Every expected amount is worked out by hand in a comment, citing the rule ids of
../shared/docs/billing-facts.md (B1..B22). Prices are the test sheet's (tests/helpers.py): shared
0.0077 yuan/GPU-s (B3), dedicated "small" 8.07 and "big" 39.54 yuan/h (B4), storage 0.12 yuan
per GB-month at /30/24 (B7), traffic 0.50 busy / 0.25 idle per GB (B7), requests 0.01 per
10,000 with 5,000,000 PUT and 20,000,000 GET free a month (B6); each day's charge is kept to
12 decimals and a month's bill is truncated to 0.01 (B20) unless a test says otherwise.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction as F

from helpers import make_sheet
from reference import Ent, Reference, add_months, reference, round_to

from artlab_cost import api
from artlab_cost.pricing import PriceSheet, Stage

OFFERS = """
trial-compute:
  {name: trial, stage: free_trial, price: 0, validity_months: 1, eligible: [new_user], limit: once_per_user,
   grants: [{amount: 500, covers: [compute]}], source: B8}
compute-1m:
  {name: compute pack, stage: pack, price: 100, validity_months: 1, limit: stackable,
   grants: [{amount: 100, covers: [compute]}], source: B12}
hours-10:
  {name: hours pack, stage: pack, price: 300, validity_months: 12, limit: stackable,
   grants: [{quantity: 10, covers: [dedicated]}], source: B12}
voucher-20:
  {name: voucher, stage: voucher, price: 0, validity_months: 1, limit: once_per_user,
   grants: [{amount: 20, covers: [all]}], source: B11}
storage-40:
  {name: storage pack, stage: pack, price: 9, validity_months: 12, limit: once_per_validity, group: storage,
   grants: [{capacity: 40, covers: [storage]}], source: B16}
traffic-500:
  {name: traffic pack, stage: pack, price: 50, validity_months: 1, limit: stackable,
   grants: [{quantity: 500, covers: [traffic]}], source: B16}
"""
# Each day's charge kept to 12 decimals, said here so the tests do not depend on the helpers' default.
TWELVE = {"charge_places": "12"}
SHEET = make_sheet(OFFERS, settings=TWELVE)


def sheet_with(**settings: str) -> PriceSheet:
    return make_sheet(OFFERS, settings={**TWELVE, **settings})


def exact_charges(sheet: PriceSheet) -> PriceSheet:
    """The sheet with charges kept exact (charge_places None), which the loader may not allow yet."""
    return sheet._replace(settings=sheet.settings._replace(charge_places=None))


def run(body: str, sheet: PriceSheet = SHEET, priced: PriceSheet | None = None) -> Reference:
    """The reference for a scenario given as YAML; `priced` is the sheet to price it with, if not `sheet`."""
    text = "account: {new_user: true, student: false}\n" + body
    return reference(api.scenario_from_text(text, sheet), priced or sheet)


APRIL = "period: {start: 2026-04-01, months: 1}\n"  # 30 days


def test_calendar_and_rounding_helpers() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 3, 15), 12) == date(2027, 3, 15)
    for mode, half, neg in (
        ("truncate", "0.38", "-0.38"),
        ("half_up", "0.39", "-0.39"),
        ("half_even", "0.38", "-0.38"),
    ):
        assert round_to(F("0.385"), 2, mode) == F(half)
        assert round_to(F("-0.385"), 2, mode) == F(neg)
    assert round_to(F("0.375"), 2, "half_even") == F("0.38")
    assert round_to(F("9.9869"), 2, "truncate") == F("9.98")
    assert round_to(F("1234.5"), 0, "half_even") == 1234


def test_shared_month_worked_example() -> None:
    # B3: 6,000 GPU-s in April = 200 GPU-s a day x 0.0077 = 1.54 a day; x 30 = 46.20, all postpaid.
    r = run(APRIL + "usage: [{kind: shared, gpu_seconds: 6000, per: month}]\n")
    assert r.list_by_meter == {"shared_gpu": F("46.20")}
    assert r.postpaid_exact == r.postpaid_due == {"2026-04": F("46.20")}
    assert r.absorbed == {Stage.free_trial: 0, Stage.pack: 0, Stage.voucher: 0}
    assert r.upfront == 0 and r.entitlements == {}


def test_shared_month_of_31_days_rounds_each_charge() -> None:
    # B3, B20: in March 6,000/31 GPU-s a day cost 46.2/31 = 1.4903225806451|61... a day; kept to 12
    # decimals (half even) that is 1.490322580645; x 31 = 46.199999999995, truncated 46.19.
    body = "period: {start: 2026-03-01, months: 1}\nusage: [{kind: shared, gpu_seconds: 6000, per: month}]\n"
    r = run(body)
    assert r.postpaid_exact == {"2026-03": F("46.199999999995")}
    assert r.postpaid_due == {"2026-03": F("46.19")}
    # With charges kept exact, 31 x 46.2/31 = 46.20.
    exact = run(body, priced=exact_charges(SHEET))
    assert exact.postpaid_exact == exact.postpaid_due == {"2026-03": F("46.2")}


def test_storage_worked_example() -> None:
    # B7: 100 GB = 2,400 GB-h a day x 0.12 / (30 x 24) = 0.40 a day: April (30 days) 12.00, May (31 days) 12.40.
    r = run("period: {start: 2026-04-01, months: 2}\nusage: [{kind: storage, gb: 100}]\n")
    assert r.postpaid_exact == r.postpaid_due == {"2026-04": F("12.00"), "2026-05": F("12.40")}
    assert r.list_price == F("24.40")
    # With 10 GB of growth a month, May holds 110 GB: 2,640 GB-h x 0.12 / 720 = 0.44 a day x 31 = 13.64.
    r = run("period: {start: 2026-04-01, months: 2}\nusage: [{kind: storage, gb: 100, growth_gb_per_month: 10}]\n")
    assert r.postpaid_exact == {"2026-04": F("12.00"), "2026-05": F("13.64")}


def test_requests_worked_example() -> None:
    # B6, B7: 6,000,000 PUT in April = 200,000 a day; the first 5,000,000 (days 1-25) are free, days
    # 26-30 bill 200,000 x 0.01 / 10,000 = 0.20 a day: 1,000,000 billable = 1.00.
    r = run(APRIL + "usage: [{kind: requests, put_per_month: 6000000}]\n")
    assert r.list_by_meter == {"put_requests": F("1.00")}
    assert r.postpaid_due == {"2026-04": F("1.00")}
    # 25,000,000 GET = 833,333.33... a day; 24 days make exactly 20,000,000 free, days 25-30 bill
    # 5,000,000 = 5.00 when charges are exact ...
    get = APRIL + "usage: [{kind: requests, get_per_month: 25000000}]\n"
    r = run(get, priced=exact_charges(SHEET))
    assert r.list_by_meter == {"get_requests": F("5.00")}
    assert r.postpaid_due == {"2026-04": F("5.00")}
    # ... while a day's 0.8333... yuan kept to 12 decimals is 0.833333333333: x 6 = 4.999999999998,
    # truncated to 4.99 (B20).
    r = run(get)
    assert r.list_by_meter == {"get_requests": F("4.999999999998")}
    assert r.postpaid_due == {"2026-04": F("4.99")}


def test_dedicated_worked_example() -> None:
    # B4: 8.07 yuan/h x 3 h = 24.21 a day, x 30 days = 726.30.
    r = run(APRIL + "usage: [{kind: dedicated, spec: small, hours_per_day: 3}]\n")
    assert r.list_by_meter == {"dedicated:small": F("726.30")}
    assert r.postpaid_due == {"2026-04": F("726.30")}
    # B5: 2.5 h billed by the hour is 3 h; by the second it is 2.5 h = 20.175 a day, 605.25 in April.
    body = APRIL + "usage: [{kind: dedicated, spec: small, hours_per_day: 2.5}]\n"
    assert run(body, sheet_with(dedicated_increment="hour")).list_price == F("726.30")
    assert run(body).list_price == F("605.25")
    # Monday to Friday only: April 2026 has 22 weekdays, 22 x 24.21 = 532.62.
    r = run(APRIL + "usage: [{kind: dedicated, spec: small, hours_per_day: 3, days_per_week: 5}]\n")
    assert r.list_price == F("532.62")


def test_amount_pack_then_quantity_pack_on_dedicated() -> None:
    # B4, B12, B13, B17: 10 h a day on "big" (39.54 yuan/h) for two days = 395.40 a day.
    # Day 1: the 100-yuan pack expires first (1 month) and takes 100 = 100/39.54 = 5000/1977 h; the
    #   10-hour pack takes the other 10 - 5000/1977 = 14770/1977 h, which is the rest: 295.40.
    # Day 2: the 100-yuan pack is used up; the hours pack has 5000/1977 h left, worth exactly 100.00;
    #   295.40 is postpaid. Packs absorb 100 + 295.40 + 100 = 495.40 of the 790.80.
    r = run(
        "period: {start: 2026-04-01, end: 2026-04-02}\n"
        "usage: [{kind: dedicated, spec: big, hours_per_day: 10}]\n"
        "holdings: [{offer: hours-10, date: 2026-04-01}, {offer: compute-1m, date: 2026-04-01}]\n"
    )
    assert r.list_price == F("790.80")
    assert r.absorbed[Stage.pack] == F("495.40")
    assert r.postpaid_exact == r.postpaid_due == {"2026-04": F("295.40")}
    assert r.upfront == 400  # 300 + 100
    assert r.entitlements == {
        (0, 0): Ent(F("395.40"), F(10), F(0), F(0), F(0)),
        (1, 0): Ent(F(100), F(100), F(0), F(0), F(0)),  # units of an amount grant are yuan; nothing lapses
    }


def test_stage_goes_before_expiry() -> None:
    # B17: a pack goes before a voucher even if the voucher expires first (B13 orders within a stage).
    # 1 h a day on "small" = 8.07, one day: the hours pack takes 1 h; the 20-yuan voucher keeps all.
    r = run(
        "period: {start: 2026-04-01, end: 2026-04-01}\n"
        "usage: [{kind: dedicated, spec: small, hours_per_day: 1}]\n"
        "holdings: [{offer: voucher-20, date: 2026-04-01}, {offer: hours-10, date: 2026-04-01}]\n"
    )
    assert r.absorbed == {Stage.free_trial: 0, Stage.pack: F("8.07"), Stage.voucher: 0}
    assert r.entitlements[(0, 0)] == Ent(F(0), F(0), F(20), F(0), F(0))
    assert r.entitlements[(1, 0)] == Ent(F("8.07"), F(1), F(9), F(0), F(0))
    assert r.postpaid_exact == {"2026-04": 0}


def test_weekly_rate_not_a_finite_decimal_per_day() -> None:
    # B3: 1,000 GPU-s a week = 142.857142... GPU-s a day (not a finite decimal), x 0.0077 = 1.10 a
    # day exactly (0.0077 = 7 x 0.0011); 30 days = 33.00.
    r = run(APRIL + "usage: [{kind: shared, gpu_seconds: 1000, per: week}]\n")
    assert r.list_by_meter == {"shared_gpu": F("33.00")}
    # At 0.01 yuan/GPU-s, 10 GPU-s a week cost 0.1/7 = 0.014285714285|714... a day, kept to 12
    # decimals as 0.014285714286 (B20): one week = 0.100000000002, truncated to 0.10.
    cheap = make_sheet(OFFERS, settings=TWELVE, shared_gpu="{price: 0.01, source: B3}")
    r = run(
        "period: {start: 2026-04-06, end: 2026-04-12}\nusage: [{kind: shared, gpu_seconds: 10, per: week}]\n", cheap
    )
    assert r.postpaid_exact == {"2026-04": F("0.100000000002")}
    assert r.postpaid_due == {"2026-04": F("0.10")}


def test_month_bill_truncated() -> None:
    # B20: 1,297 GPU-s on one day = 9.9869 yuan: truncated 9.98 (half up or half even would give 9.99).
    one_day = "period: {start: 2026-04-01, end: 2026-04-01}\nusage: [{kind: shared, gpu_seconds: %s, per: day}]\n"
    r = run(one_day % 1297)
    assert r.postpaid_exact == {"2026-04": F("9.9869")}
    assert r.postpaid_due == {"2026-04": F("9.98")}
    assert run(one_day % 1297, sheet_with(bill_rounding="half_up")).postpaid_due == {"2026-04": F("9.99")}
    # 50 GPU-s = 0.385: truncate 0.38, half up 0.39, half even 0.38.
    assert run(one_day % 50, sheet_with(bill_rounding="half_up")).postpaid_due == {"2026-04": F("0.39")}
    assert run(one_day % 50, sheet_with(bill_rounding="half_even")).postpaid_due == {"2026-04": F("0.38")}
    # Each month is truncated on its own: 0.385 on 30 April and on 1 May bill 0.38 + 0.38, not 0.77.
    r = run("period: {start: 2026-04-30, end: 2026-05-01}\nusage: [{kind: shared, gpu_seconds: 50, per: day}]\n")
    assert r.postpaid_exact == {"2026-04": F("0.385"), "2026-05": F("0.385")}
    assert r.postpaid_due == {"2026-04": F("0.38"), "2026-05": F("0.38")}


def test_trial_lapses_at_expiry() -> None:
    # B8, B12: 1,000 GPU-s a day = 7.70. The 500-yuan trial claimed 10 April is valid to 10 May
    # (exclusive): it absorbs 30 days (21 in April, 9 in May) = 231.00 and 269.00 lapses.
    # Postpaid: April 1-9 = 9 x 7.70 = 69.30; May 10-31 = 22 x 7.70 = 169.40.
    r = run(
        "period: {start: 2026-04-01, months: 2}\n"
        "usage: [{kind: shared, gpu_seconds: 1000, per: day}]\n"
        "holdings: [{offer: trial-compute, date: 2026-04-10}]\n"
    )
    assert r.list_price == F("469.70")  # 61 days
    assert r.absorbed[Stage.free_trial] == F("231.00")
    assert r.postpaid_exact == {"2026-04": F("69.30"), "2026-05": F("169.40")}
    assert r.entitlements == {(0, 0): Ent(F(231), F(231), F(0), F(269), F(269))}


def test_storage_capacity_and_holdings_outside_the_period() -> None:
    # B16: 40 GB of capacity covers 960 GB-h of the day's 2,400, worth 960 x 0.12 / 720 = 0.16; the
    # other 0.24 is postpaid: April absorbs 4.80 and bills 7.20. The pack is still valid after April,
    # so its 40 GB are left. The storage pack of 2025 expired 2026-01-01 and the hours pack comes
    # after the period: neither has an entitlement, and only the pack bought in April is upfront.
    r = run(
        APRIL + "usage: [{kind: storage, gb: 100}]\n"
        "holdings: [{offer: storage-40, date: 2025-01-01}, {offer: storage-40, date: 2026-04-01},"
        " {offer: hours-10, date: 2026-05-01}]\n"
    )
    assert r.absorbed[Stage.pack] == F("4.80")
    assert r.postpaid_exact == {"2026-04": F("7.20")}
    assert r.entitlements == {(1, 0): Ent(F("4.80"), F(28800), F(40), F(0), F(0))}
    assert r.upfront == 9


def test_monthly_quota_restored_each_month() -> None:
    # B16 (monthly subscription): 500 GB a calendar month, bought 16 April, valid to 16 May.
    # 930 GB of busy traffic a month = 31 GB a day in April, 30 GB a day in May, at 0.50.
    # April 16-30: 15 x 31 = 465 GB absorbed, 35 lapse on 1 May. May 1-15: the quota is 500 again,
    # 15 x 30 = 450 absorbed, 50 lapse at expiry. Absorbed 915 GB = 457.50; lapsed 85 GB x 0.50 = 42.50.
    # Postpaid: April 1-15 = 15 x 31 x 0.50 = 232.50; May 16-31 = 16 x 30 x 0.50 = 240.00.
    offer = SHEET.offers["traffic-500"]
    monthly = offer._replace(grants=(offer.grants[0]._replace(kind="monthly"),))
    priced = SHEET._replace(offers={**SHEET.offers, "traffic-500": monthly})
    body = (
        "period: {start: 2026-04-01, months: 2}\n"
        "usage: [{kind: traffic, gb_per_month: 930}]\n"
        "holdings: [{offer: traffic-500, date: 2026-04-16}]\n"
    )
    r = run(body, priced=priced)
    assert r.list_by_meter == {"traffic_busy": F(930)}
    assert r.postpaid_exact == {"2026-04": F("232.50"), "2026-05": F("240.00")}
    assert r.entitlements == {(0, 0): Ent(F("457.50"), F(915), F(0), F(85), F("42.50"))}
    # As a plain quantity pack the 500 GB are one pool: 465 in April, 35 on 1 May, nothing lapses.
    r = run(body)
    assert r.entitlements == {(0, 0): Ent(F(250), F(500), F(0), F(0), F(0))}
    assert r.postpaid_exact == {"2026-04": F("232.50"), "2026-05": F("447.50")}  # 465 - 17.50
