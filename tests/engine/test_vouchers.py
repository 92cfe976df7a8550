"""Vouchers as Alibaba Cloud applies them, worked by hand.

- Several vouchers: largest balance first, then earliest expiry, then earliest issue ("Use coupons",
  alibabacloud.com/help/en/user-center/user-guide/use-coupons), chosen again for each charge
  (`voucher_order: largest_balance`); `nearest_expiry` takes them as packs are (B13).
- `voucher_pays_packs`: a voucher live when a pack is bought pays its price (组合购买资源).
- The student voucher, 300 yuan, claimed again once its year is over (B11; third-party notes).

Shared GPU at 0.0077 yuan a GPU-second (B3): 1,000 GPU-seconds a day list at 7.70 yuan; storage at
0.12 yuan a GB-month over 30 days (B7): 100 GB for a day lists at 0.40.
"""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction
from textwrap import dedent

import pytest
from helpers import make_sheet

from artlab_cost import api, yamlsrc
from artlab_cost.engine import Estimate, simulate
from artlab_cost.errors import InputError
from artlab_cost.pricing import PriceSheet, load_sheet
from artlab_cost.scenario import parse_scenario

VOUCHERS = """
big:
  name: big voucher
  stage: voucher
  price: 0
  validity_months: 12
  limit: stackable
  grants: [{amount: 100, covers: [all]}]
  source: tests
small:
  name: small voucher, expires first
  stage: voucher
  price: 0
  validity_months: 1
  limit: stackable
  grants: [{amount: 60, covers: [all]}]
  source: tests
"""
HOLD_BOTH = """
holdings:
  - {offer: big, date: 2027-01-01}
  - {offer: small, date: 2027-01-01}
"""
GPU = "  - {kind: shared, tool: stable-diffusion, gpu_seconds: 1000, per: day}\n"


def run(body: str, sheet: PriceSheet) -> Estimate:
    text = "account: {new_user: false, student: true}\n" + dedent(body)
    return simulate(parse_scenario(yamlsrc.parse(text, "vouchers.yaml"), sheet), sheet)


def left(result: Estimate) -> dict[str, Fraction]:
    return {b.offer: b.left for b in result.balances}


def absorbed(result: Estimate) -> dict[str, Fraction]:
    return {b.offer: b.absorbed_yuan for b in result.balances}


def test_two_vouchers_take_charges_largest_balance_first() -> None:
    """8 days of 7.70: big (100) pays days 1-6 and is down to 53.80; on day 7 small's 60 is the larger balance,
    so small pays (52.30 left); on day 8 big's 53.80 is the larger again. The choice is made again each day,
    though the days are alike (the engine takes alike days together only while the order holds)."""
    sheet = make_sheet(VOUCHERS)
    result = run("period: {start: 2027-01-01, end: 2027-01-08}\nusage:\n" + GPU + HOLD_BOTH, sheet)
    assert absorbed(result) == {"big": D("53.90"), "small": D("7.70")}
    assert left(result) == {"big": D("46.10"), "small": D("52.30")}
    assert result.totals.postpaid_exact == 0


def test_nearest_expiry_takes_the_voucher_that_expires_first() -> None:
    """The same 8 days with voucher_order: nearest_expiry: small (valid 1 month) pays 7 days (53.90), then its
    6.10 left and 1.60 from big on day 8."""
    sheet = make_sheet(VOUCHERS, settings={"voucher_order": "nearest_expiry"})
    result = run("period: {start: 2027-01-01, end: 2027-01-08}\nusage:\n" + GPU + HOLD_BOTH, sheet)
    assert absorbed(result) == {"big": D("1.60"), "small": D("60")}
    assert left(result) == {"big": D("98.40"), "small": 0}


def test_the_choice_is_made_again_for_each_charge_of_a_day() -> None:
    """One day, big holding 10 and small 8 (both bought before, `used`): the shared GPU charge (7.70) goes to big,
    which drops to 2.30; the storage charge after it (0.40, 100 GB for a day) goes to small, now the larger."""
    sheet = make_sheet(VOUCHERS.replace("validity_months: 1\n", "validity_months: 12\n"))
    body = (
        "period: {start: 2027-01-01, end: 2027-01-01}\nusage:\n"
        + GPU
        + "  - {kind: storage, gb: 100}\n"
        + "holdings:\n  - {offer: big, date: 2026-12-01, used: 90}\n  - {offer: small, date: 2026-12-15, used: 52}\n"
    )
    result = run(body, sheet)
    assert absorbed(result) == {"big": D("7.70"), "small": D("0.40")}
    assert left(result) == {"big": D("2.30"), "small": D("7.60")}


def test_a_voucher_pays_for_a_pack_bought_while_it_is_live() -> None:
    """The bundled sheet with voucher_pays_packs: true (its default is false, assumed; the notes give the cash
    under the other value): the student voucher claimed 1 January 2027 pays
    7.70 of that day's usage (292.30 left); the 100-yuan compute pack bought on the 2nd is paid from it before
    that day's usage (192.30 left), so nothing is paid upfront in cash. The pack then pays days 2-13 (92.40)
    and 7.60 of day 14; the voucher the day's other 0.10 and the 17 days after (130.90): 61.30 left."""
    bundled = load_sheet()
    sheet = bundled._replace(settings=bundled.settings._replace(voucher_pays_packs=True))
    body = (
        "period: {start: 2027-01-01, months: 1}\nusage:\n"
        + GPU
        + "holdings:\n  - {offer: student-voucher, date: 2027-01-01}\n  - {offer: compute-pack-100, date: 2027-01-02}\n"
    )
    result = run(body, sheet)
    voucher = next(b for b in result.balances if b.offer == "student-voucher")
    assert (voucher.paid_packs, voucher.absorbed_yuan, voucher.left) == (100, D("138.70"), D("61.30"))
    assert (result.totals.upfront, result.totals.upfront_by_vouchers, result.totals.cash) == (0, 100, 0)
    assert [p.by_vouchers for p in result.purchases] == [0, 100]
    codes = {
        n.code
        for n in api.estimate(
            parse_scenario(yamlsrc.parse("account: {new_user: false, student: true}\n" + body, "v.yaml"), sheet), sheet
        ).notes
    }
    assert {"note.voucher-pays-packs", "note.voucher-paid-pack"} <= codes
    # the bundled default, off: the pack is paid in cash and the voucher keeps its 100 for usage
    plain = run(body, bundled)
    assert (plain.totals.upfront, plain.totals.cash) == (100, 100)
    assert next(b.left for b in plain.balances if b.offer == "student-voucher") == D("161.30")


def test_the_student_voucher_is_claimed_again_in_its_second_year() -> None:
    """300 yuan a year (third-party notes, assumed): claimed 1 January 2027 and again 1 January 2028, when the
    first one's year is over. 7.70 a day for 731 days (2028 is a leap year) lists at 5,628.70; each voucher
    pays 300 of its year, so 5,028.70 is postpaid (every month's bill a whole number of fen)."""
    sheet = load_sheet()
    body = (
        "period: {start: 2027-01-01, months: 24}\nusage:\n"
        + GPU
        + "holdings:\n  - {offer: student-voucher, date: 2027-01-01}\n  - {offer: student-voucher, date: 2028-01-01}\n"
    )
    result = run(body, sheet)
    assert [(b.absorbed_yuan, b.left, b.lapsed) for b in result.balances] == [(300, 0, 0), (300, 0, 0)]
    assert result.totals.list_price == D("5628.70")
    assert result.totals.cash == result.totals.postpaid_due == D("5028.70")


def test_a_second_claim_inside_the_first_ones_year_is_refused() -> None:
    sheet = load_sheet()
    body = (
        "period: {start: 2027-01-01, months: 12}\n"
        "holdings:\n  - {offer: student-voucher, date: 2027-01-01}\n  - {offer: student-voucher, date: 2027-06-01}\n"
    )
    with pytest.raises(InputError) as refused:
        run(body, sheet)
    assert "holdings[1]" in str(refused.value) and "student-voucher" in str(refused.value)


def test_compare_plans_buys_packs_with_the_voucher_when_it_may() -> None:
    """A student's 300-yuan voucher and 300 GPU-seconds a day (2.31 yuan) all year: 843.15 at list price. At
    80 yuan a 100-yuan compute pack (--price), k packs bought on 1 January leave out of pocket
    max(0, 80k - 300) + max(0, 843.15 - 100k - max(0, 300 - 80k)) when the voucher pays packs first: least at
    k = 8, 340 + 43.15 = 383.15 (nine would cost 420). Paying packs in cash, 80k + max(0, 843.15 - 100k - 300)
    is least at k = 5: 400 + 43.15 = 443.15 (nothing: 543.15)."""
    body = (
        "account: {new_user: false, student: true}\nperiod: {start: 2027-01-01, months: 12}\n"
        "usage:\n  - {kind: shared, tool: stable-diffusion, gpu_seconds: 300, per: day}\n"
        "holdings:\n  - {offer: student-voucher, date: 2027-01-01}\n"
    )
    for pays, count, cash in ((True, 8, D("383.15")), (False, 5, D("443.15"))):
        sheet = api.with_prices(load_sheet(), {"compute-pack-100": D(80)})
        sheet = sheet._replace(settings=sheet.settings._replace(voucher_pays_packs=pays))
        found = api.compare_plans(api.scenario_from_text(body, sheet), sheet, only=["compute-pack-100"], top=1)
        best = found.plans[0]
        assert found.proven and [(a.offer, a.count) for a in best.actions] == [("compute-pack-100", count)], pays
        assert best.costs.cash == cash, pays
