"""Hand-worked tests of the billing engine: every expected yuan amount is derived from the rules.

Each test cites the rule ids of ../shared/docs/billing-facts.md (B1..B21) it checks, and shows the
arithmetic in a comment. Most tests use a small price sheet written here (the bundled sheet's
structure with simple offers) so the numbers are easy: a shared GPU-second costs 0.01 yuan, so
100 GPU-seconds a day is exactly 1.00 yuan a day.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from decimal import Decimal as D
from fractions import Fraction
from textwrap import dedent

import helpers
import pytest
from helpers import examples
from hypothesis import given
from hypothesis import strategies as st

from artlab_cost import yamlsrc
from artlab_cost.engine import Balance, Charge, Estimate, daily, monthly, simulate
from artlab_cost.i18n import word
from artlab_cost.pricing import PriceSheet, load_sheet
from artlab_cost.scenario import Scenario, parse_scenario

ZERO = Fraction(0)  # the engine computes in exact rationals; expected values are decimals

# ---------------------------------------------------------------------------------------------
# A small price sheet. Meters: shared 0.01 yuan/GPU-s (so 100 s = 1.00); dedicated specs d36
# (36 yuan/h = 0.01 yuan/s) and d8 (8.07 yuan/h, B4); storage 0.12 yuan/GB-month at /30/24
# (B7); traffic 0.50 busy / 0.25 idle per GB (B7); requests 0.01 per 10,000 with 5,000,000 PUT
# and 20,000,000 GET free a month (B6, B7).
# ---------------------------------------------------------------------------------------------

# id: (stage, price, validity_months, limit, grant, group)
OFFERS: dict[str, tuple[str, str, int, str, str, str]] = {
    "trial-10": ("free_trial", "0", 1, "once_per_user", "amount: 10, covers: [compute]", ""),
    "trial-50": ("free_trial", "0", 1, "once_per_user", "amount: 50, covers: [compute]", ""),
    "voucher-5": ("voucher", "0", 12, "once_per_user", "amount: 5, covers: [all]", ""),
    "pack-3": ("pack", "3", 12, "stackable", "amount: 3, covers: [compute]", ""),
    "pack12": ("pack", "10", 12, "stackable", "amount: 10, covers: [compute]", ""),
    "pack6": ("pack", "6", 6, "stackable", "amount: 10, covers: [compute]", ""),
    "month-10": ("pack", "5", 1, "stackable", "amount: 10, covers: [compute]", ""),
    "month-100": ("pack", "20", 1, "stackable", "amount: 100, covers: [compute]", ""),
    "pack-2.37": ("pack", "2", 12, "stackable", "amount: 2.37, covers: [compute]", ""),
    "storage-40": ("pack", "9", 12, "once_per_validity", "capacity: 40, covers: [storage]", "storage-pack"),
    "traffic-10.4": ("pack", "4", 12, "stackable", "quantity: 10.4, covers: [traffic]", ""),
    "traffic-m10": ("pack", "40", 12, "stackable", "monthly: 10, covers: [traffic]", ""),
    "traffic-m2": ("pack", "5", 2, "stackable", "monthly: 2, covers: [traffic]", ""),
}


def _offers_yaml() -> str:
    out = []
    for oid, (stage, price, months, limit, grant, group) in OFFERS.items():
        out.append(
            f"{oid}:\n  name: {oid}\n  stage: {stage}\n  price: {price}\n  validity_months: {months}\n"
            f"  limit: {limit}\n" + (f"  group: {group}\n" if group else "") + f"  grants:\n    - {{{grant}}}\n"
            "  source: tests\n"
        )
    return "".join(out)


def make_sheet(
    *,
    increment: str = "second",
    tie_break: str = "acquired_then_offer",
    rounding: str = "truncate",
    shared: str = "0.01",
) -> PriceSheet:
    return helpers.make_sheet(
        _offers_yaml(),
        name="engine test sheet",
        settings={"dedicated_increment": increment, "tie_break": tie_break, "bill_rounding": rounding},
        shared_gpu=f"{{price: {shared}, source: B3}}",
        dedicated="{specs: {d36: {price: 36, source: B4}, d8: {price: 8.07, source: B4}}, source: B4}",
    )


SHEET = make_sheet()


def run(body: str, sheet: PriceSheet = SHEET, merge: bool = True) -> Estimate:
    """Simulate a scenario given as YAML (account: neither new user nor student unless the body says)."""
    text = dedent(body)
    if "account:" not in text:
        text = "account: {new_user: false, student: false}\n" + text
    scenario = parse_scenario(yamlsrc.parse(text, "engine-test-scenario.yaml"), sheet)
    result = simulate(scenario, sheet)
    assert_conserved(result)
    # the charges as a table lists them: joined within a month, or one a day (merge=False)
    view = monthly(result.charges) if merge else daily(result.charges)
    return result._replace(charges=tuple(view))


def assert_conserved(result: Estimate) -> None:
    """Money is conserved (B17): each charge's allocations add up to it, and the totals add up."""
    for c in result.charges:
        assert sum((a.amount for a in c.allocations), ZERO) == c.amount, c
        assert sum((a.quantity for a in c.allocations), ZERO) == (c.billable if c.allocations else ZERO), c
        assert all(a.amount >= 0 and a.quantity >= 0 for a in c.allocations), c
        assert [a.stage for a in c.allocations].count("postpaid") <= 1
        if any(a.stage == "postpaid" for a in c.allocations):
            assert c.allocations[-1].stage == "postpaid"
    t = result.totals
    assert t.list_price == sum((c.amount for c in result.charges), ZERO)
    assert t.list_price == sum(t.absorbed.values(), ZERO) + t.postpaid_exact
    postpaid = sum((a.amount for c in result.charges for a in c.allocations if a.stage == "postpaid"), ZERO)
    assert t.postpaid_exact == postpaid == sum((b.postpaid_exact for b in result.bills), ZERO)
    assert t.postpaid_due == sum((b.postpaid_due for b in result.bills), ZERO)
    assert t.cash == t.upfront + t.postpaid_due
    for stage, absorbed in t.absorbed.items():
        assert absorbed == sum((b.absorbed_yuan for b in result.balances if b.stage == stage), ZERO)
    for b in result.balances:
        assert b.left >= 0 and b.lapsed >= 0 and b.absorbed >= 0


def charges(result: Estimate, meter: str) -> list[Charge]:
    return [c for c in result.charges if c.meter == meter]


def on(result: Estimate, day: date, meter: str = "shared_gpu") -> Charge:
    """The charge of one meter covering `day` (use merge=False to get the day alone)."""
    (found,) = [c for c in result.charges if c.meter == meter and c.start <= day < c.end]
    return found


def split(charge: Charge) -> list[tuple[str, str, D]]:
    return [(a.stage, a.entitlement, a.amount) for a in charge.allocations]


def total(result: Estimate, meter: str) -> D:
    return sum((c.amount for c in charges(result, meter)), ZERO)


def bill(result: Estimate, month: str) -> tuple[D, D]:
    (found,) = [(b.postpaid_exact, b.postpaid_due) for b in result.bills if b.month == month]
    return found


def balance(result: Estimate, ident: str) -> Balance:
    (found,) = [b for b in result.balances if b.id == ident]
    return found


# ---------------------------------------------------------------------------------------------
# The worked examples at the end of billing-facts.md, with the bundled (published) prices.
# ---------------------------------------------------------------------------------------------

BUNDLED = load_sheet()


@pytest.mark.parametrize("start", ["2026-04-01", "2026-03-01"])  # a 30-day and a 31-day month
def test_worked_example_shared_gpu_46_20(start: str) -> None:
    """B3, B10, B18: 6,000 shared GPU-seconds in a month, nothing claimed, all postpaid."""
    r = run(
        f"""\
        period: {{start: {start}, months: 1}}
        usage:
          - {{kind: shared, gpu_seconds: 6000, per: month}}
        """,
        BUNDLED,
    )
    # 6,000 x 0.0077 = 46.20 yuan, however the month's days share the 6,000 seconds.
    assert sum((c.quantity for c in r.charges), ZERO) == D(6000)
    assert r.totals.list_price == D("46.20")
    assert r.totals.postpaid_exact == D("46.20")
    assert r.totals.postpaid_due == D("46.20")
    assert r.totals.cash == D("46.20")
    assert r.totals.upfront == ZERO


@pytest.mark.parametrize(("start", "expected"), [("2026-04-01", D("12.00")), ("2026-03-01", D("12.40"))])
def test_worked_example_storage_100_gb_for_a_month(start: str, expected: D) -> None:
    """B7: 100 GB stored all month at 0.12 yuan/GB-month, charged hourly at 0.12/30/24 per GB-hour."""
    r = run(
        f"""\
        period: {{start: {start}, months: 1}}
        usage:
          - {{kind: storage, gb: 100}}
        """,
        BUNDLED,
    )
    # A day: 100 GB x 24 h = 2,400 GB-h x 0.12/720 = 0.40 yuan.
    # April (30 days): 30 x 0.40 = 12.00; March (31 days): 31 x 0.40 = 12.40 (31/30 of 12.00).
    assert r.totals.list_price == expected
    assert r.totals.postpaid_due == expected
    days = 30 if start == "2026-04-01" else 31
    assert sum((c.quantity for c in r.charges), ZERO) == D(2400) * days


def test_worked_example_requests_free_allowance() -> None:
    """B6, B7: 6,000,000 PUT and 25,000,000 GET in a month; 5M PUT and 20M GET are free."""
    r = run(
        """\
        period: {start: 2026-04-01, months: 1}
        usage:
          - {kind: requests, put_per_month: 6000000, get_per_month: 25000000}
        """,
        BUNDLED,
    )
    # PUT: 6,000,000 - 5,000,000 = 1,000,000 billable = 100 x 0.01 = 1.00 yuan.
    # GET: 25,000,000 - 20,000,000 = 5,000,000 billable = 500 x 0.01 = 5.00 yuan.
    assert sum((c.quantity for c in charges(r, "put_requests")), ZERO) == D(6_000_000)
    assert sum((c.billable for c in charges(r, "put_requests")), ZERO) == D(1_000_000)
    assert sum((c.billable for c in charges(r, "get_requests")), ZERO) == D(5_000_000)
    assert total(r, "put_requests") == D("1.00")
    assert total(r, "get_requests") == D("5.00")
    assert r.totals.postpaid_due == D("6.00")


def test_worked_example_dedicated_726_30() -> None:
    """B4: a dedicated spec at 8.07 yuan/h, 3 hours a day for 30 days."""
    r = run(
        """\
        period: {start: 2026-04-01, months: 1}
        usage:
          - {kind: dedicated, spec: ded-8.07, hours_per_day: 3}
        """,
        BUNDLED,
    )
    # A day: 3 h x 8.07 = 24.21; 30 days: 30 x 24.21 = 726.30 yuan, 90 hours.
    assert sum((c.quantity for c in r.charges), ZERO) == D(90)
    assert r.totals.list_price == D("726.30")
    assert r.totals.postpaid_due == D("726.30")


# ---------------------------------------------------------------------------------------------
# B5: the billable increment of a dedicated session.
# ---------------------------------------------------------------------------------------------

# 20.5 min is 41/120 h, which has no finite decimal form; it is written to 17 places, a hair
# (2.4e-15 s) under 1,230 s, so rounding up to any increment lands where 20.5 min does.
TWENTY_AND_A_HALF_MIN = "0.34166666666666666"


@pytest.mark.parametrize(
    ("hours", "increment", "expected"),
    [
        # 1.25 h = 4,500 s = 75 min; at 36 yuan/h (0.01 yuan/s):
        ("1.25", "second", D("45.00")),  # 4,500 s x 0.01 = 45.00
        ("1.25", "minute", D("45.00")),  # 75 min = 4,500 s -> 45.00
        ("1.25", "hour", D("72.00")),  # rounded up to 2 h x 36 = 72.00
        # 20.5 min = 1,230 s:
        (TWENTY_AND_A_HALF_MIN, "second", D("12.30")),  # 1,230 s x 0.01 = 12.30
        (TWENTY_AND_A_HALF_MIN, "minute", D("12.60")),  # rounded up to 21 min = 1,260 s -> 12.60
        (TWENTY_AND_A_HALF_MIN, "hour", D("36.00")),  # rounded up to 1 h -> 36.00
    ],
)
def test_dedicated_increment(hours: str, increment: str, expected: D) -> None:
    """B4, B5: a partial hour is billed rounded up to the sheet's increment (second, minute or hour)."""
    r = run(
        f"""\
        period: {{start: 2026-04-01, end: 2026-04-01}}
        usage:
          - {{kind: dedicated, spec: d36, hours_per_day: {hours}}}
        """,
        make_sheet(increment=increment),
    )
    (c,) = r.charges
    assert c.amount == expected
    assert r.totals.postpaid_due == expected
    # the billed quantity is in hours, exactly: the amount / 36 yuan per hour (20.5 min is 41/120 h)
    assert c.billable == Fraction(expected) / 36


def test_dedicated_increment_applies_per_daily_session() -> None:
    """B4, B5: with hourly increments each day's 1.25 h session is rounded up on its own."""
    r = run(
        """\
        period: {start: 2026-04-01, end: 2026-04-03}
        usage:
          - {kind: dedicated, spec: d36, hours_per_day: 1.25}
        """,
        make_sheet(increment="hour"),
    )
    # 3 days x 2 h = 6 h (not ceil(3 x 1.25) = 4 h); 6 x 36 = 216.00.
    assert sum((c.billable for c in r.charges), ZERO) == D(6)
    assert r.totals.list_price == D("216.00")


# ---------------------------------------------------------------------------------------------
# B7: busy and idle traffic.
# ---------------------------------------------------------------------------------------------


def test_traffic_busy_and_idle_prices() -> None:
    """B7: downstream traffic costs 0.50/GB in busy hours and 0.25/GB in idle hours (idle_share)."""
    r = run(
        """\
        period: {start: 2026-04-01, months: 1}
        usage:
          - {kind: traffic, gb_per_month: 30, idle_share: 0.2}
        """
    )
    # 30 GB over 30 days = 1 GB a day: 0.2 GB idle, 0.8 GB busy.
    # Month: idle 6 GB x 0.25 = 1.50; busy 24 GB x 0.50 = 12.00; total 13.50.
    assert sum((c.quantity for c in charges(r, "traffic_idle")), ZERO) == D(6)
    assert sum((c.quantity for c in charges(r, "traffic_busy")), ZERO) == D(24)
    assert total(r, "traffic_idle") == D("1.50")
    assert total(r, "traffic_busy") == D("12.00")
    assert r.totals.postpaid_due == D("13.50")


# ---------------------------------------------------------------------------------------------
# B6: the monthly request allowance.
# ---------------------------------------------------------------------------------------------


def test_request_allowance_resets_at_month_boundary() -> None:
    """B6, B7, B20: the 5,000,000 free PUT requests are per calendar month; a run over two months gets both."""
    r = run(
        """\
        period: {start: 2026-04-16, end: 2026-05-15}
        usage:
          - {kind: requests, put_per_month: 18600000}
        """,
        merge=False,
    )
    # April (30 days): 18,600,000 / 30 = 620,000 a day; 16-30 April = 15 days = 9,300,000.
    #   Free 5,000,000: 16-23 April (8 days) use 4,960,000; 24 April has 40,000 free left, so
    #   580,000 billable; then 6 days x 620,000. Billable 4,300,000 = 430 x 0.01 = 4.30.
    # May (31 days): 600,000 a day; 1-15 May = 9,000,000. The allowance starts again:
    #   1-8 May use 4,800,000, 9 May has 200,000 free so 400,000 billable, 10-15 May 3,600,000.
    #   Billable 4,000,000 = 4.00. (Without the reset May would be 9.00.)
    assert on(r, date(2026, 4, 23), "put_requests").billable == ZERO
    assert on(r, date(2026, 4, 24), "put_requests").billable == D(580_000)
    assert on(r, date(2026, 4, 25), "put_requests").billable == D(620_000)
    assert on(r, date(2026, 5, 1), "put_requests").billable == ZERO
    assert on(r, date(2026, 5, 9), "put_requests").billable == D(400_000)
    assert on(r, date(2026, 5, 10), "put_requests").billable == D(600_000)
    assert bill(r, "2026-04") == (D("4.30"), D("4.30"))
    assert bill(r, "2026-05") == (D("4.00"), D("4.00"))
    assert r.totals.postpaid_due == D("8.30")


# ---------------------------------------------------------------------------------------------
# B8, B17: the free trial, then vouchers, then postpaid.
# ---------------------------------------------------------------------------------------------


def test_trial_then_voucher_then_postpaid() -> None:
    """B8, B11, B17: a compute trial absorbs first, then the voucher, then the rest is postpaid."""
    r = run(
        """\
        period: {start: 2026-04-01, months: 1}
        usage:
          - {kind: shared, gpu_seconds: 100, per: day}
        holdings:
          - {offer: voucher-5, date: 2026-04-01, label: voucher}
          - {offer: trial-10, date: 2026-04-01, label: trial}
        """
    )
    # 1.00 a day for 30 days = 30.00. The trial (10) takes 1-10 April, the voucher (5) 11-15 April
    # (listed first, but a voucher comes after the trial, B17), postpaid 16-30 April = 15.00.
    shared = charges(r, "shared_gpu")
    assert [(c.start, c.end, split(c)) for c in shared] == [
        (date(2026, 4, 1), date(2026, 4, 11), [("free_trial", "trial", D("10.00"))]),
        (date(2026, 4, 11), date(2026, 4, 16), [("voucher", "voucher", D("5.00"))]),
        (date(2026, 4, 16), date(2026, 5, 1), [("postpaid", "", D("15.00"))]),
    ]
    assert r.totals.absorbed == {"free_trial": D(10), "pack": ZERO, "voucher": D(5)}
    assert r.totals.postpaid_due == D("15.00")
    assert r.totals.cash == D("15.00")
    assert balance(r, "trial").left == ZERO and balance(r, "voucher").left == ZERO


def test_trial_pack_voucher_postpaid_order() -> None:
    """B17: free trial > pack > voucher > postpaid, whatever order the holdings are listed in."""
    r = run(
        """\
        period: {start: 2026-04-01, months: 1}
        usage:
          - {kind: shared, gpu_seconds: 100, per: day}
        holdings:
          - {offer: voucher-5, date: 2026-04-01, label: voucher}
          - {offer: pack-3, date: 2026-04-01, label: pack}
          - {offer: trial-10, date: 2026-04-01, label: trial}
        """
    )
    # Trial 10 (1-10 April), pack 3 (11-13), voucher 5 (14-18), postpaid 19-30 April = 12.00.
    # Upfront: the pack's price 3; cash = 3 + 12.00 = 15.00.
    assert [split(c)[0][1] for c in charges(r, "shared_gpu")] == ["trial", "pack", "voucher", ""]
    assert on(r, date(2026, 4, 13)).allocations[0].entitlement == "pack"
    assert on(r, date(2026, 4, 14)).allocations[0].entitlement == "voucher"
    assert r.totals.absorbed == {"free_trial": D(10), "pack": D(3), "voucher": D(5)}
    assert r.totals.postpaid_due == D("12.00")
    assert r.totals.upfront == D(3)
    assert r.totals.cash == D("15.00")


def test_trial_expires_mid_scenario_with_value_left() -> None:
    """B8, B12, B17, B19: a 1-month trial lapses with value left; later usage goes postpaid."""
    r = run(
        """\
        period: {start: 2026-04-01, months: 2}
        usage:
          - {kind: shared, gpu_seconds: 100, per: day}
        holdings:
          - {offer: trial-50, date: 2026-04-10, label: trial}
        """,
        merge=False,
    )
    # The trial (50 yuan) covers 10 April 00:00 to 10 May 00:00: 21 April days + 9 May days = 30
    # days = 30.00 absorbed, 20.00 lapsed. Postpaid: 1-9 April (before the claim) = 9.00 and
    # 10-31 May = 22 days = 22.00. List 61 days = 61.00.
    assert split(on(r, date(2026, 4, 9))) == [("postpaid", "", D("1.00"))]
    assert split(on(r, date(2026, 4, 10))) == [("free_trial", "trial", D("1.00"))]
    assert split(on(r, date(2026, 5, 9))) == [("free_trial", "trial", D("1.00"))]
    assert split(on(r, date(2026, 5, 10))) == [("postpaid", "", D("1.00"))]
    b = balance(r, "trial")
    assert b.ends == date(2026, 5, 10)
    assert (b.initial, b.absorbed, b.absorbed_yuan) == (D(50), D(30), D(30))
    assert b.left == ZERO
    assert b.lapsed == D(20)
    assert b.lapsed_value == D(20)
    assert r.totals.lapsed_value == D(20)
    assert bill(r, "2026-04") == (D("9.00"), D("9.00"))
    assert bill(r, "2026-05") == (D("22.00"), D("22.00"))
    assert r.totals.list_price == D("61.00")
    assert r.totals.absorbed["free_trial"] == D("30.00")
    assert r.totals.postpaid_due == D("31.00")


# ---------------------------------------------------------------------------------------------
# B12, B13: resource packs and their order.
# ---------------------------------------------------------------------------------------------


def test_nearest_expiry_first() -> None:
    """B12, B13: of two packs the one expiring sooner is used first, though listed second."""
    r = run(
        """\
        period: {start: 2026-04-01, end: 2026-04-15}
        usage:
          - {kind: shared, gpu_seconds: 100, per: day}
        holdings:
          - {offer: pack12, date: 2026-04-01, label: year}
          - {offer: pack6, date: 2026-04-01, label: half-year}
        """
    )
    # 15 days x 1.00 = 15.00. half-year (ends 2026-10-01) takes 1-10 April = 10.00;
    # year (ends 2027-04-01) takes 11-15 April = 5.00 and has 5.00 left. Upfront 10 + 6 = 16.
    assert [(c.start, split(c)) for c in charges(r, "shared_gpu")] == [
        (date(2026, 4, 1), [("pack", "half-year", D("10.00"))]),
        (date(2026, 4, 11), [("pack", "year", D("5.00"))]),
    ]
    assert (balance(r, "half-year").absorbed, balance(r, "half-year").left) == (D(10), ZERO)
    assert (balance(r, "year").absorbed, balance(r, "year").left) == (D(5), D(5))
    assert r.totals.postpaid_exact == ZERO
    assert r.totals.upfront == D(16)
    assert r.totals.cash == D(16)


@pytest.mark.parametrize("listing", [("pack6", "pack12"), ("pack12", "pack6")])
def test_same_expiry_earliest_acquired_first(listing: tuple[str, str]) -> None:
    """B13 (tie_break acquired_then_offer): packs expiring together go earliest-acquired first."""
    dates = {"pack12": "2026-01-15", "pack6": "2026-07-15"}
    holdings = "".join(f"          - {{offer: {o}, date: {dates[o]}, label: {o}}}\n" for o in listing)
    r = run(
        """\
        period: {start: 2026-07-15, end: 2026-07-29}
        usage:
          - {kind: shared, gpu_seconds: 100, per: day}
        holdings:
        """.rstrip(" ")
        + holdings
    )
    # pack12 (12 months from 2026-01-15) and pack6 (6 months from 2026-07-15) both end 2027-01-15.
    # pack12 was acquired first, so it takes 15-24 July (10.00) and pack6 25-29 July (5.00),
    # in either listing. Only pack6 was bought in the period: upfront 6, postpaid 0.
    assert balance(r, "pack12").ends == balance(r, "pack6").ends == date(2027, 1, 15)
    assert [split(c)[0][1] for c in charges(r, "shared_gpu")] == ["pack12", "pack6"]
    assert balance(r, "pack12").absorbed == D(10)
    assert balance(r, "pack6").absorbed == D(5)
    assert r.totals.upfront == D(6)
    assert r.totals.cash == D(6)


def test_same_expiry_listed_tie_break_setting() -> None:
    """B13 (tie_break listed): with the other setting, the pack listed first goes first."""
    r = run(
        """\
        period: {start: 2026-07-15, end: 2026-07-29}
        usage:
          - {kind: shared, gpu_seconds: 100, per: day}
        holdings:
          - {offer: pack6, date: 2026-07-15, label: pack6}
          - {offer: pack12, date: 2026-01-15, label: pack12}
        """,
        make_sheet(tie_break="listed"),
    )
    # Same expiry (2027-01-15); listed first is pack6: 15-24 July = 10.00, then pack12 5.00.
    assert [split(c)[0][1] for c in charges(r, "shared_gpu")] == ["pack6", "pack12"]
    assert balance(r, "pack6").absorbed == D(10)
    assert balance(r, "pack12").absorbed == D(5)


@pytest.mark.parametrize("listing", [("a", "b"), ("b", "a")])
def test_same_expiry_same_day_listed_first(listing: tuple[str, str]) -> None:
    """B13: same expiry and same purchase day: the pack listed first goes first."""
    holdings = "".join(f"          - {{offer: pack12, date: 2026-04-01, label: {x}}}\n" for x in listing)
    r = run(
        """\
        period: {start: 2026-04-01, end: 2026-04-15}
        usage:
          - {kind: shared, gpu_seconds: 100, per: day}
        holdings:
        """.rstrip(" ")
        + holdings
    )
    # Two 10-yuan packs, same day: the first listed takes 1-10 April, the second 11-15 April.
    first, second = listing
    assert balance(r, first).absorbed == D(10) and balance(r, first).left == ZERO
    assert balance(r, second).absorbed == D(5) and balance(r, second).left == D(5)
    assert r.totals.upfront == D(20)


def test_same_expiry_by_month_end_clamp_earliest_acquired_first() -> None:
    """B12, B13: 1-month packs bought 30 and 31 January both end 28 February; the 30 January one goes first."""
    r = run(
        """\
        period: {start: 2026-01-30, end: 2026-02-13}
        usage:
          - {kind: shared, gpu_seconds: 100, per: day}
        holdings:
          - {offer: month-10, date: 2026-01-31, label: jan31}
          - {offer: month-10, date: 2026-01-30, label: jan30}
        """
    )
    # Both end 2026-02-28 (clamped). jan30 takes 30 Jan - 8 Feb (10.00), jan31 takes 9-13 Feb
    # (5.00). 15 days, no postpaid. Both bought in the period: upfront 2 x 5 = 10.
    assert balance(r, "jan30").ends == balance(r, "jan31").ends == date(2026, 2, 28)
    assert balance(r, "jan30").absorbed == D(10)
    assert balance(r, "jan31").absorbed == D(5)
    assert r.totals.postpaid_exact == ZERO
    assert r.totals.upfront == D(10)


def test_pack_used_up_exactly() -> None:
    """B12, B17: a pack that covers exactly its amount ends at 0, lapses nothing; the next day is postpaid."""
    r = run(
        """\
        period: {start: 2026-04-01, end: 2026-04-12}
        usage:
          - {kind: shared, gpu_seconds: 100, per: day}
        holdings:
          - {offer: pack12, date: 2026-04-01, label: p}
        """,
        merge=False,
    )
    # 10-yuan pack: 1-10 April 1.00 each = 10.00 exactly; 11 and 12 April postpaid = 2.00.
    assert split(on(r, date(2026, 4, 10))) == [("pack", "p", D("1.00"))]
    assert split(on(r, date(2026, 4, 11))) == [("postpaid", "", D("1.00"))]
    b = balance(r, "p")
    assert (b.absorbed, b.left, b.lapsed) == (D(10), ZERO, ZERO)
    assert r.totals.postpaid_due == D("2.00")
    assert r.totals.cash == D("12.00")  # upfront 10 + postpaid 2.00


def test_pack_exhausted_mid_day_splits_the_charge() -> None:
    """B12, B17: a pack that runs out during a day's charge takes what it has; the rest is postpaid."""
    r = run(
        """\
        period: {start: 2026-04-01, end: 2026-04-05}
        usage:
          - {kind: shared, gpu_seconds: 100, per: day}
        holdings:
          - {offer: pack-2.37, date: 2026-04-01, label: p}
        """,
        merge=False,
    )
    # 2.37-yuan pack: 1 and 2 April 1.00 each; 3 April: pack 0.37 (37 GPU-s at 0.01) and
    # postpaid 0.63 (63 GPU-s), adding to 1.00 and 100 s; 4-5 April postpaid 2.00.
    # Postpaid 0.63 + 2.00 = 2.63; upfront 2; cash 4.63.
    day3 = on(r, date(2026, 4, 3))
    assert [(a.stage, a.amount, a.quantity) for a in day3.allocations] == [
        ("pack", D("0.37"), D(37)),
        ("postpaid", D("0.63"), D(63)),
    ]
    assert day3.amount == D("1.00") == day3.allocations[0].amount + day3.allocations[1].amount
    assert (balance(r, "p").absorbed, balance(r, "p").left) == (D("2.37"), ZERO)
    assert r.totals.postpaid_exact == D("2.63")
    assert r.totals.cash == D("4.63")


# ---------------------------------------------------------------------------------------------
# B12 and the period: when a holding covers usage, and which usage counts.
# ---------------------------------------------------------------------------------------------


def test_pack_bought_mid_period_covers_only_from_its_day() -> None:
    """B12: a pack takes effect when bought: it covers usage from that day on, never earlier usage."""
    r = run(
        """\
        period: {start: 2026-04-01, months: 1}
        usage:
          - {kind: shared, gpu_seconds: 100, per: day}
        holdings:
          - {offer: pack12, date: 2026-04-11, label: p}
        """,
        merge=False,
    )
    # 1-10 April postpaid (10.00), 11-20 April the 10-yuan pack, 21-30 April postpaid (10.00).
    assert split(on(r, date(2026, 4, 10))) == [("postpaid", "", D("1.00"))]
    assert split(on(r, date(2026, 4, 11))) == [("pack", "p", D("1.00"))]
    assert split(on(r, date(2026, 4, 21))) == [("postpaid", "", D("1.00"))]
    assert balance(r, "p").initial == D(10)
    assert r.totals.postpaid_due == D("20.00")
    assert r.totals.cash == D("30.00")  # upfront 10 + 20.00


def test_usage_outside_the_period_is_not_billed() -> None:
    """B18: only usage inside the period is billed; an entry wholly outside it adds nothing."""
    r = run(
        """\
        period: {start: 2026-04-01, months: 1}
        usage:
          - {kind: shared, gpu_seconds: 100, per: day, from: 2026-03-25, until: 2026-04-05}
          - {kind: storage, gb: 100, from: 2026-05-01, until: 2026-05-10}
        """
    )
    # Shared 1.00 a day, but only 1-5 April fall in the period: 5.00. Storage in May: nothing.
    assert {c.meter for c in r.charges} == {"shared_gpu"}
    assert min(c.start for c in r.charges) == date(2026, 4, 1)
    assert max(c.end for c in r.charges) == date(2026, 4, 6)
    assert r.totals.list_price == D("5.00")
    assert r.totals.postpaid_due == D("5.00")
    assert any(n.code == "warning.usage-outside" and "outside the period" in word(n.msg) for n in r.notes)


def test_validity_is_half_open() -> None:
    """B12: a 1-month pack bought 15 March covers up to 14 April and not 15 April; the rest lapses."""
    r = run(
        """\
        period: {start: 2026-04-01, months: 1}
        usage:
          - {kind: shared, gpu_seconds: 100, per: day}
        holdings:
          - {offer: month-100, date: 2026-03-15, label: p}
        """,
        merge=False,
    )
    # Ends 2026-04-15 00:00. Covered 1-14 April = 14.00; 15-30 April postpaid = 16.00.
    # Lapsed 100 - 14 = 86. Bought before the period, so no upfront: cash 16.00.
    assert split(on(r, date(2026, 4, 14))) == [("pack", "p", D("1.00"))]
    assert split(on(r, date(2026, 4, 15))) == [("postpaid", "", D("1.00"))]
    b = balance(r, "p")
    assert b.ends == date(2026, 4, 15)
    assert (b.absorbed, b.left, b.lapsed) == (D(14), ZERO, D(86))
    assert r.totals.postpaid_due == D("16.00")
    assert r.totals.upfront == ZERO
    assert r.totals.cash == D("16.00")
    assert [p.in_period for p in r.purchases] == [False]


def test_one_month_from_january_31_ends_february_28() -> None:
    """B12: one month of validity from 2026-01-31 ends (exclusive) at 2026-02-28."""
    r = run(
        """\
        period: {start: 2026-01-31, end: 2026-03-02}
        usage:
          - {kind: shared, gpu_seconds: 100, per: day}
        holdings:
          - {offer: month-100, date: 2026-01-31, label: p}
        """,
        merge=False,
    )
    # Covered 31 Jan and 1-27 Feb = 28 days = 28.00; 28 Feb postpaid 1.00; 1-2 March 2.00.
    # Lapsed 72. Upfront 20; cash 23.00.
    assert balance(r, "p").ends == date(2026, 2, 28)
    assert split(on(r, date(2026, 2, 27))) == [("pack", "p", D("1.00"))]
    assert split(on(r, date(2026, 2, 28))) == [("postpaid", "", D("1.00"))]
    assert balance(r, "p").lapsed == D(72)
    assert bill(r, "2026-01") == (ZERO, ZERO)
    assert bill(r, "2026-02") == (D("1.00"), D("1.00"))
    assert bill(r, "2026-03") == (D("2.00"), D("2.00"))
    assert r.totals.cash == D("23.00")


@pytest.mark.parametrize(
    "usage",
    [
        "  - {kind: shared, gpu_seconds: 100, per: day, until: 2026-04-10}\n",  # no usage after the purchase
        "  []\n",  # no usage at all
    ],
    ids=["usage-ends-before-purchase", "no-usage"],
)
def test_pack_expiring_unused_lapses_in_full(usage: str) -> None:
    """B12, B19: a pack that expires inside the period with nothing used lapses its whole amount."""
    r = run(
        "period: {start: 2026-04-01, months: 2}\nusage:\n"
        + usage
        + "holdings:\n  - {offer: month-100, date: 2026-04-15, label: p}\n"
    )
    # month-100 (100 yuan, bought 15 April for 20) is valid 15 April - 15 May; nothing is used in
    # that time, so at 15 May all 100.00 lapse: left 0, lapsed 100, lapsed value 100.00.
    # Postpaid: 1-10 April at 1.00 = 10.00 (or 0 with no usage); upfront 20.
    b = balance(r, "p")
    assert (b.initial, b.absorbed) == (D(100), ZERO)
    assert b.left == ZERO
    assert b.lapsed == D(100)
    assert b.lapsed_value == D(100)
    assert r.totals.lapsed_value == D(100)
    postpaid = Fraction(10) if "shared" in usage else ZERO
    assert r.totals.postpaid_due == postpaid
    assert r.totals.cash == 20 + postpaid


# ---------------------------------------------------------------------------------------------
# B16: storage capacity and traffic quantity.
# ---------------------------------------------------------------------------------------------


def test_storage_capacity_smaller_than_stored() -> None:
    """B7, B16: a 40 GB storage pack covers 40 GB at each hour of 100 GB stored, and is not used up."""
    r = run(
        """\
        period: {start: 2026-04-01, months: 1}
        usage:
          - {kind: storage, gb: 100}
        holdings:
          - {offer: storage-40, date: 2026-04-01, label: s}
        """,
        merge=False,
    )
    # A day: 2,400 GB-h = 0.40. The pack covers 40 GB x 24 h = 960 GB-h = 960 x 0.12/720 = 0.16;
    # postpaid 1,440 GB-h = 0.24. Still 0.16 on the last day. Month: pack 4.80, postpaid 7.20.
    # Upfront 9; cash 16.20.
    for day in (date(2026, 4, 1), date(2026, 4, 30)):
        c = on(r, day, "storage")
        assert [(a.stage, a.amount, a.quantity) for a in c.allocations] == [
            ("pack", D("0.16"), D(960)),
            ("postpaid", D("0.24"), D(1440)),
        ]
    b = balance(r, "s")
    assert (b.kind, b.absorbed, b.absorbed_yuan) == ("capacity", D(28800), D("4.80"))
    assert b.left == D(40)
    assert b.lapsed == ZERO
    assert r.totals.postpaid_exact == D("7.20")
    assert r.totals.cash == D("16.20")


def test_traffic_quantity_pack_runs_out() -> None:
    """B7, B16: a 10.4 GB traffic pack is used up; the day it runs out splits into pack and postpaid."""
    r = run(
        """\
        period: {start: 2026-04-01, months: 1}
        usage:
          - {kind: traffic, gb_per_month: 30}
        holdings:
          - {offer: traffic-10.4, date: 2026-04-01, label: t}
        """,
        merge=False,
    )
    # 1 GB busy a day at 0.50. 1-10 April: pack 10 GB (5.00). 11 April: pack 0.4 GB (0.20),
    # postpaid 0.6 GB (0.30). 12-30 April: 19 GB postpaid = 9.50. Postpaid 9.80; upfront 4.
    day11 = on(r, date(2026, 4, 11), "traffic_busy")
    assert [(a.stage, a.amount, a.quantity) for a in day11.allocations] == [
        ("pack", D("0.20"), D("0.4")),
        ("postpaid", D("0.30"), D("0.6")),
    ]
    b = balance(r, "t")
    assert (b.absorbed, b.absorbed_yuan, b.left, b.lapsed) == (D("10.4"), D("5.20"), ZERO, ZERO)
    assert r.totals.postpaid_exact == D("9.80")
    assert r.totals.cash == D("13.80")


def test_traffic_pack_runs_out_on_idle_hours_first() -> None:
    """B7, B16: within a day idle hours (00:00-08:00) come before busy hours, so a pack meets them first."""
    r = run(
        """\
        period: {start: 2026-04-01, months: 1}
        usage:
          - {kind: traffic, gb_per_month: 30, idle_share: 0.5}
        holdings:
          - {offer: traffic-10.4, date: 2026-04-01, label: t}
        """,
        merge=False,
    )
    # A day: 0.5 GB idle (0.125) + 0.5 GB busy (0.25) = 0.375. 1-10 April: the pack covers 10 GB
    # (3.75). 11 April: idle 0.4 GB from the pack (0.10) and 0.1 GB postpaid (0.025); busy 0.5 GB
    # postpaid (0.25). 12-30 April: 19 x 0.375 = 7.125. Postpaid 0.025 + 0.25 + 7.125 = 7.40.
    idle = on(r, date(2026, 4, 11), "traffic_idle")
    assert [(a.stage, a.amount) for a in idle.allocations] == [("pack", D("0.10")), ("postpaid", D("0.025"))]
    assert split(on(r, date(2026, 4, 11), "traffic_busy")) == [("postpaid", "", D("0.25"))]
    assert r.totals.absorbed["pack"] == D("3.85")
    assert r.totals.postpaid_exact == D("7.40")
    assert r.totals.list_price == D("11.25")


# ---------------------------------------------------------------------------------------------
# OSS 包月周期型: a monthly quota, restored on the 1st, the unused part lapsing.
# ---------------------------------------------------------------------------------------------


def test_monthly_traffic_pack_over_three_months() -> None:
    """A 10 GB monthly pack over months of 8, 12 and 10 GB: it absorbs 8, 10 and 10 GB and lapses 2, 0, 0."""
    r = run(
        """\
        period: {start: 2026-04-01, months: 3}
        usage:
          - {kind: traffic, gb_per_month: 8, until: 2026-04-30}
          - {kind: traffic, gb_per_month: 12, from: 2026-05-01, until: 2026-05-31}
          - {kind: traffic, gb_per_month: 10, from: 2026-06-01}
        holdings:
          - {offer: traffic-m10, date: 2026-04-01, label: t}
        """
    )
    # April: 8 GB of the 10 (4.00 yuan at 0.50), 2 GB lapse on 1 May. May: 12 GB, 10 from the
    # pack, 2 GB postpaid = 1.00. June: 10 GB, all from the pack, 0 left. Upfront 40.
    absorbed = dict.fromkeys(("2026-04", "2026-05", "2026-06"), ZERO)
    for c in r.charges:
        absorbed[c.month] += sum((a.quantity for a in c.allocations if a.stage == "pack"), ZERO)
    assert absorbed == {"2026-04": 8, "2026-05": 10, "2026-06": 10}
    assert [bill(r, m) for m in ("2026-04", "2026-05", "2026-06")] == [(0, 0), (D("1.00"), D("1.00")), (0, 0)]
    b = balance(r, "t")
    # lapsed so far: April's 2 GB (at 0.50: 1.00). Left this month: June's quota is used up.
    assert (b.absorbed, b.absorbed_yuan, b.left, b.lapsed, b.lapsed_value) == (28, 14, 0, 2, 1)
    assert b.initial == 10  # a month's quota
    assert r.totals.cash == D("41.00")


def test_monthly_quota_at_the_end_of_the_period() -> None:
    """What a monthly quota has left when the period ends mid-month is left (this month); at a month's end
    it lapses then, like a pack that expires on the period's last day (B12)."""
    text = """\
        period: {start: 2026-05-01, %s}
        usage:
          - {kind: traffic, gb_per_month: 7.5}
        holdings:
          - {offer: traffic-m10, date: 2026-05-01, label: t}
        """
    # May: 7.5 GB of the 10, the other 2.5 lapse on 1 June.
    # To 15 June: 15 of June's 30 days, 3.75 GB; 6.25 GB of June's quota left, pack valid to 2027-05-01.
    b = balance(run(text % "end: 2026-06-15"), "t")
    assert (b.absorbed, b.left, b.lapsed) == (D("11.25"), D("6.25"), D("2.5"))
    # To 30 June: 7.5 GB in June, and June's other 2.5 GB lapse at 00:00 on 1 July, when the period ends.
    b = balance(run(text % "months: 2"), "t")
    assert (b.absorbed, b.left, b.lapsed) == (15, 0, 5)


def test_monthly_pack_expiring_mid_month_lapses_what_is_left() -> None:
    """A 2-month pack bought on 15 April gets full quotas in April, May and June (setting partial_month:
    full) and lapses on 15 June with what June's quota has left."""
    r = run(
        """\
        period: {start: 2026-04-01, months: 3}
        usage:
          - {kind: traffic, gb_per_month: 1}
        holdings:
          - {offer: traffic-m2, date: 2026-04-15, label: t}
        """
    )
    # 1 GB a month, 1/30 GB a day in April and June. April 15-30: 16/30 GB of the 2, 44/30 lapse on
    # 1 May; May: 1 GB, 1 lapses on 1 June; June 1-14: 14/30 GB, 46/30 lapse at the expiry. Absorbed
    # 2 GB of the 6, lapsed 4 (2.00 yuan at 0.50); postpaid April 1-14 and June 15-30, 1 GB = 0.50.
    b = balance(r, "t")
    assert (b.absorbed, b.lapsed, b.left, b.lapsed_value) == (2, 4, 0, 2)
    assert r.totals.postpaid_exact == D("0.50")


def test_monthly_quota_prorated_in_the_month_bought() -> None:
    """Setting partial_month: prorated: bought on 21 April (10 of April's 30 days left) a 10 GB quota gives
    10 x 10 / 30 = 10/3 GB that month, then 10 GB in May."""
    sheet = helpers.make_sheet(_offers_yaml(), name="engine test sheet", settings={"partial_month": "prorated"})
    r = run(
        """\
        period: {start: 2026-04-01, months: 2}
        usage:
          - {kind: traffic, gb_per_month: 30}
        holdings:
          - {offer: traffic-m10, date: 2026-04-21, label: t}
        """,
        sheet,
    )
    # April 21-30: 10 GB used, 10/3 from the pack, 20/3 GB postpaid; 1-20 April 20 GB postpaid.
    # May: 30 GB, 10 from the pack, 20 postpaid. Postpaid (20 + 20/3 + 20) x 0.50 = 70/3.
    b = balance(r, "t")
    assert b.absorbed == Fraction(10, 3) + 10
    assert r.totals.postpaid_exact == Fraction(70, 3)
    assert bill(r, "2026-04")[1] == D("13.33")  # (20 + 20/3) / 2 = 13.333..., truncated


# ---------------------------------------------------------------------------------------------
# B20: rounding once per monthly bill.
# ---------------------------------------------------------------------------------------------


def test_monthly_postpaid_truncated_once_per_month() -> None:
    """B20: postpaid is kept exact per charge and truncated to 0.01 once per month, not per charge."""
    r = run(
        """\
        period: {start: 2026-04-01, months: 2}
        usage:
          - {kind: shared, gpu_seconds: 3.33, per: day}
        """,
        merge=False,
    )
    # A day: 3.33 s x 0.01 = 0.0333 (kept exact). April: 30 x 0.0333 = 0.999 -> 0.99.
    # May: 31 x 0.0333 = 1.0323 -> 1.03. Due 2.02 (per-charge truncation would give 61 x 0.03 =
    # 1.83; truncating the two months' 2.0313 together would give 2.03).
    assert on(r, date(2026, 4, 1)).amount == D("0.0333")
    assert bill(r, "2026-04") == (D("0.999"), D("0.99"))
    assert bill(r, "2026-05") == (D("1.0323"), D("1.03"))
    assert r.totals.postpaid_exact == D("2.0313")
    assert r.totals.postpaid_due == D("2.02")
    assert r.totals.cash == D("2.02")


def test_monthly_rounding_setting_half_up() -> None:
    """B20: the rounding rule is a setting; half_up turns April's 0.999 into 1.00."""
    r = run(
        """\
        period: {start: 2026-04-01, months: 2}
        usage:
          - {kind: shared, gpu_seconds: 3.33, per: day}
        """,
        make_sheet(rounding="half_up"),
    )
    # April 0.999 -> 1.00; May 1.0323 -> 1.03; due 2.03.
    assert bill(r, "2026-04")[1] == D("1.00")
    assert bill(r, "2026-05")[1] == D("1.03")
    assert r.totals.postpaid_due == D("2.03")


# ---------------------------------------------------------------------------------------------
# Totals and conservation.
# ---------------------------------------------------------------------------------------------


def test_upfront_counts_only_purchases_in_the_period() -> None:
    """B12, B13, B18: upfront is what is paid for holdings bought inside the period; cash = upfront + postpaid."""
    r = run(
        """\
        period: {start: 2026-04-01, months: 1}
        usage:
          - {kind: shared, gpu_seconds: 200, per: day}
        holdings:
          - {offer: pack12, date: 2026-03-01, label: before}
          - {offer: pack6, date: 2026-04-10, count: 2, label: during}
          - {offer: month-10, date: 2026-05-05, label: after}
        """
    )
    # 2.00 a day. before (10 yuan, ends 2027-03-01) takes 1-5 April; 6-9 April postpaid 8.00.
    # during, two stacked packs of 10 yuan (B16: held as one of 20, end 2026-10-10: nearer), takes 10-19 April.
    # 20-30 April postpaid: 11 x 2.00 = 22.00. Postpaid 30.00.
    # Upfront: only `during`, 2 x 6 = 12 (before was paid earlier; after is after the period).
    # Cash 12 + 30.00 = 42.00.
    assert [(p.offer, p.price, p.in_period) for p in r.purchases] == [
        ("pack12", D(10), False),
        ("pack6", D(12), True),
        ("month-10", D(5), False),
    ]
    assert [split(c)[0][1] for c in charges(r, "shared_gpu")] == ["before", "", "during", ""]
    assert {(b.id, b.copies, b.initial) for b in r.balances} == {("before", 1, D(10)), ("during", 2, D(20))}
    assert r.totals.postpaid_due == D("30.00")
    assert r.totals.upfront == D(12)
    assert r.totals.cash == D("42.00")
    assert r.totals.list_price == D("60.00")


MIXED = """\
period: {start: 2026-01-20, months: 3}
usage:
  - {kind: shared, gpu_seconds: 12345.678, per: month}
  - {kind: shared, images: 7, seconds_per_image: 13.3, per: week, until: 2026-02-20}
  - {kind: dedicated, spec: d8, hours_per_day: 0.7777, days_per_week: 5}
  - {kind: storage, gb: 33.3, growth_gb_per_month: 7.7}
  - {kind: traffic, gb_per_month: 7.77, idle_share: 0.37}
  - {kind: requests, put_per_month: 5123457, get_per_month: 20777777}
holdings:
  - {offer: trial-50, date: 2026-01-20}
  - {offer: voucher-5, date: 2026-01-20}
  - {offer: pack-2.37, date: 2026-02-03, count: 3}
  - {offer: month-10, date: 2026-03-09}
  - {offer: storage-40, date: 2026-02-11}
  - {offer: traffic-10.4, date: 2026-01-25}
"""


@pytest.mark.parametrize("merge", [True, False])
def test_conservation_on_a_mixed_scenario(merge: bool) -> None:
    """B17, B20: every charge is split exactly; list price = absorbed by all stages + postpaid exact."""
    r = run(MIXED, SHEET, merge=merge)  # `run` checks every invariant of assert_conserved
    assert r.totals.list_price > 0 and r.totals.postpaid_exact > 0
    for c in r.charges:
        assert sum((a.amount for a in c.allocations), ZERO) == c.amount
    t = r.totals
    assert t.list_price == t.absorbed["free_trial"] + t.absorbed["pack"] + t.absorbed["voucher"] + t.postpaid_exact
    # due per month is the exact amount truncated to 0.01 (B20)
    for b in r.bills:
        assert b.postpaid_due == Fraction(math.floor(b.postpaid_exact * 100), 100)
    # merging days into charges changes no total
    other = run(MIXED, SHEET, merge=not merge)
    assert other.totals == r.totals
    assert other.balances == r.balances
    assert other.bills == r.bills


@examples(40)
@given(
    seconds=st.lists(st.decimals(min_value=0, max_value=500, places=3), min_size=1, max_size=4),
    packs=st.lists(
        st.tuples(st.sampled_from(["pack-2.37", "pack12", "pack6", "month-10", "pack-3"]), st.integers(-40, 40)),
        max_size=5,
    ),
    trial=st.booleans(),
    voucher=st.booleans(),
)
def test_conservation_property(seconds: list[D], packs: list[tuple[str, int]], trial: bool, voucher: bool) -> None:
    """B12, B13, B17: for any usage and holdings, money is conserved and no balance goes negative."""
    start = date(2026, 3, 1)
    usage = "".join(
        f"  - {{kind: shared, gpu_seconds: {s}, per: day, from: {start + timedelta(days=7 * i)}}}\n"
        for i, s in enumerate(seconds)
    )
    holds = [f"  - {{offer: {o}, date: {start + timedelta(days=d)}}}\n" for o, d in packs]
    if trial:
        holds.append(f"  - {{offer: trial-10, date: {start}}}\n")
    if voucher:
        holds.append(f"  - {{offer: voucher-5, date: {start + timedelta(days=3)}}}\n")
    text = f"period: {{start: {start}, months: 2}}\nusage:\n{usage}" + ("holdings:\n" + "".join(holds) if holds else "")
    r = run(text, SHEET, merge=False)  # assert_conserved runs inside
    # The waterfall order holds within each charge: stages appear in deduction order (B17).
    rank = {s: i for i, s in enumerate(r.stages)}
    for c in r.charges:
        ranks = [rank[a.stage] for a in c.allocations]
        assert ranks == sorted(ranks)


SPLIT = """\
account: {new_user: false, student: false}
period: {start: %s, end: %s}
usage:
  - {kind: shared, gpu_seconds: 100, per: day}
  - {kind: requests, put_per_month: 18600000}
holdings:
  - {offer: pack12, date: 2026-04-01, label: p}
"""


def test_one_run_equals_the_period_split_in_two() -> None:
    """B6, B12, B17: a pack used up in a first run stays used up in the next; so does the month's allowance."""

    def scen(start: str, end: str) -> Scenario:
        return parse_scenario(yamlsrc.parse(SPLIT % (start, end), "split.yaml"), SHEET)

    whole = simulate(scen("2026-04-01", "2026-04-30"), SHEET)
    first = simulate(scen("2026-04-01", "2026-04-15"), SHEET)
    second = simulate(scen("2026-04-16", "2026-04-30"), SHEET, state=first.state)
    for r in (whole, first, second):
        assert_conserved(r)
    # Whole April: p (10 yuan) covers 1-10 April; shared 11-30 April postpaid = 20.00.
    #   PUT 620,000 a day = 18,600,000; 13,600,000 billable = 13.60. Postpaid 33.60.
    assert whole.totals.postpaid_exact == D("33.60")
    # First half (1-15 April): p 10.00; shared 11-15 April postpaid 5.00. PUT 9,300,000,
    #   4,300,000 billable = 4.30. Postpaid 9.30; p is used up.
    assert first.totals.absorbed["pack"] == D(10)
    assert first.totals.postpaid_exact == D("9.30")
    # Second half (16-30 April), carrying the first run's state: p has nothing left (B12), so
    #   shared 15 days = 15.00 postpaid; April's free 5,000,000 PUT are gone (B6), so all
    #   9,300,000 are billable = 9.30. Postpaid 24.30 = 33.60 - 9.30.
    assert total(second, "put_requests") == D("9.30")
    assert second.totals.absorbed["pack"] == ZERO
    assert total(second, "shared_gpu") == D("15.00")
    assert second.totals.postpaid_exact == D("24.30")
    assert first.totals.postpaid_exact + second.totals.postpaid_exact == whole.totals.postpaid_exact
