"""The points docs/pricing.md and docs/json.md state about the engine, each by hand.

Test sheet prices (tests/helpers.py): shared 0.0077 a GPU-second, dedicated small 8.07 and big 39.54 an hour,
traffic 0.50 busy / 0.25 idle a GB, GET 0.01 per 10,000 with 20,000,000 free a month.
"""

from __future__ import annotations

from decimal import Decimal as D
from fractions import Fraction as F

from helpers import make_sheet

from artlab_cost import api
from artlab_cost.pricing import Stage

OFFERS = """
trial-10: {name: t, stage: free_trial, price: 0, validity_months: 1, limit: once_per_user,
           grants: [{amount: 10, covers: [compute]}], source: t}
pack-10: {name: p, stage: pack, price: 8, validity_months: 12, limit: stackable,
          grants: [{amount: 10, covers: [compute]}], source: t}
hours-5: {name: h, stage: pack, price: 30, validity_months: 1, limit: stackable,
          grants: [{quantity: 5, covers: [dedicated]}], source: t}
traffic-m10: {name: m, stage: pack, price: 5, validity_months: 12, limit: stackable,
              grants: [{monthly: 10, covers: [traffic]}], source: t}
gb-3: {name: g, stage: pack, price: 1, validity_months: 1, limit: stackable,
       grants: [{quantity: 3.333, covers: [traffic]}], source: t}
"""
SHEET = make_sheet(OFFERS)


def _run(body: str, sheet=SHEET):  # type: ignore[no-untyped-def]
    text = "account: {new_user: false, student: false}\n" + body
    return api.estimate(api.scenario_from_text(text, sheet, name="s.yaml"), sheet)


# --- item 28 ---------------------------------------------------------------------------------------


def test_a_partial_take_of_an_amount_covers_yuan_over_price_and_a_full_take_everything_left() -> None:
    """A 10-yuan trial and 1 h of big (39.54) on one day: the trial takes 10 yuan, 10/39.54 h; postpaid the
    other 29.54 yuan and 29.54/39.54 h. A 10-yuan pack on a 1 h day of small (8.07) takes the whole charge."""
    r = _run(
        "period: {start: 2026-04-01, end: 2026-04-01}\n"
        "usage: [{kind: dedicated, spec: big, hours_per_day: 1}]\nholdings: [{offer: trial-10, date: 2026-04-01}]\n"
    )
    (c,) = r.charges
    trial, post = c.allocations
    assert (trial.amount, trial.quantity) == (10, F(10) / F("39.54"))
    assert (post.stage, post.amount, post.quantity) == (Stage.postpaid, D("29.54"), 1 - F(10) / F("39.54"))
    full = _run(
        "period: {start: 2026-04-01, end: 2026-04-01}\n"
        "usage: [{kind: dedicated, spec: small, hours_per_day: 1}]\nholdings: [{offer: pack-10, date: 2026-04-01}]\n"
    )
    ((only,),) = [c.allocations for c in full.charges]
    assert (only.amount, only.quantity) == (D("8.07"), 1)


def test_a_charge_rounded_to_nothing_draws_down_no_grant_and_a_lapse_is_rounded_once() -> None:
    """charge_places 2: 0.31 GB of busy traffic a month is 0.01 GB a day in a 31-day month, 0.005 yuan, which
    rounds half even to 0.00: no charge, so the monthly pack gives nothing. A 3.333 GB pack of traffic lapses
    whole: 3.333 x 0.50 = 1.6665 yuan, rounded once to charge_places, half even: 1.67."""
    sheet = make_sheet(OFFERS, settings={"charge_places": "2"})
    r = _run(
        "period: {start: 2026-01-01, months: 2}\n"
        "usage: [{kind: traffic, gb_per_month: 0.31, until: 2026-01-31}]\n"
        "holdings: [{offer: traffic-m10, date: 2026-01-01}, {offer: gb-3, date: 2026-01-01}]\n",
        sheet,
    )
    gb, monthly = r.balances  # the 1-month pack expires first (B13)
    assert (gb.offer, monthly.offer) == ("gb-3", "traffic-m10")
    assert (monthly.absorbed, gb.absorbed) == (0, 0) and r.totals.list_price == 0
    assert (gb.lapsed, gb.lapsed_value) == (D("3.333"), D("1.67"))


# --- item 29 ---------------------------------------------------------------------------------------


def test_a_repeated_label_gets_its_index_and_specs_go_in_id_order_within_a_day() -> None:
    """Two holdings labelled alike: the second's id is label~1 (its index in holdings). On one day with 1 h of
    each of big (39.54), small (8.07) and the scenario's own aaa (10.00), a 10-yuan trial goes to the spec
    whose id sorts first, the scenario's aaa, whatever the listing order."""
    r = _run(
        "period: {start: 2026-04-01, end: 2026-04-01}\nspecs: {aaa: {price: 10, source: console}}\n"
        "usage: [{kind: dedicated, spec: small, hours_per_day: 1}, {kind: dedicated, spec: big, hours_per_day: 1},"
        " {kind: dedicated, spec: aaa, hours_per_day: 1}]\n"
        "holdings: [{offer: trial-10, date: 2026-04-01, label: mine},"
        " {offer: pack-10, date: 2026-04-01, label: mine}]\n"
    )
    assert [b.id for b in r.balances] == ["mine", "mine~1"]
    trial_took = {c.meter: a.amount for c in r.charges for a in c.allocations if a.entitlement == "mine"}
    assert trial_took == {"dedicated:aaa": 10}
    pack_took = {c.meter: a.amount for c in r.charges for a in c.allocations if a.entitlement == "mine~1"}
    assert pack_took == {"dedicated:big": 10}  # then big (sorts before small): 10 of its 39.54


def test_a_dedicated_grant_lapses_at_the_dearest_spec_including_the_scenarios_own_unused() -> None:
    """5 h for dedicated, 1 h used on small (8.07): 4 h lapse, valued at the dearest spec of the sheet or the
    scenario, used or not: the scenario's huge at 50.00, so 4 x 50 = 200.00."""
    r = _run(
        "period: {start: 2026-04-01, months: 2}\nspecs: {huge: {price: 50, source: console}}\n"
        "usage: [{kind: dedicated, spec: small, hours_per_day: 1, until: 2026-04-01}]\n"
        "holdings: [{offer: hours-5, date: 2026-04-01}]\n"
    )
    (b,) = r.balances
    assert (b.lapsed, b.lapsed_value) == (4, D("200.00"))


# --- item 30 ---------------------------------------------------------------------------------------


def test_a_monthly_balance_starts_with_the_periods_first_month_and_the_list_leaves_out_others() -> None:
    """partial_month prorated: a 10 GB monthly pack bought on 16 March gives March 10 x 16/31; a period from
    1 April starts with April's whole 10 GB. A pack bought after the period and one expired before it have no
    balance, but every holding is a purchase, upfront only when bought inside the period."""
    sheet = make_sheet(OFFERS, settings={"partial_month": "prorated"})
    r = _run(
        "period: {start: 2026-04-01, months: 1}\nusage: [{kind: traffic, gb_per_month: 1}]\n"
        "holdings: [{offer: traffic-m10, date: 2026-03-16}, {offer: traffic-m10, date: 2026-06-01},"
        " {offer: gb-3, date: 2026-01-01}, {offer: traffic-m10, date: 2026-04-10}]\n",
        sheet,
    )
    assert [(b.offer, b.initial) for b in r.balances] == [("traffic-m10", 10), ("traffic-m10", F(10 * 21, 30))]
    assert [(p.acquired.isoformat(), p.in_period) for p in r.purchases] == [
        ("2026-03-16", False), ("2026-06-01", False), ("2026-01-01", False), ("2026-04-10", True),
    ]  # fmt: skip
    assert r.totals.upfront == 5


def test_budget_on_postpaid_measures_postpaid_due_and_over_is_0_within() -> None:
    """1 h of small a day in April: 30 x 8.07 = 242.10 due; a pack bought for 8 makes cash 250.10."""
    r = _run(
        "period: {start: 2026-04-01, months: 1}\nusage: [{kind: dedicated, spec: small, hours_per_day: 1}]\n"
        "holdings: [{offer: pack-10, date: 2026-04-01}]\n"
    )
    assert (r.totals.postpaid_due, r.totals.cash) == (D("232.10"), D("240.10"))  # the pack absorbs 10.00
    within = api.check_budget(r, D("235"), "postpaid")
    assert (within.value, within.exceeded, within.over) == (D("232.10"), False, 0)
    assert api.check_budget(r, D("235"), "cash").over == D("5.10")


def test_a_period_from_mid_month_counts_that_months_free_requests_over_its_own_days() -> None:
    """60,000,000 GET in April is 2,000,000 a day; from 16 April the period's 15 days make 30,000,000, of which
    the whole 20,000,000 free allowance is free (the days before the period use none of it): 10,000,000
    billed at 0.01 per 10,000 = 10.00 for April."""
    r = _run("period: {start: 2026-04-16, end: 2026-04-30}\nusage: [{kind: requests, get_per_month: 60000000}]\n")
    assert [(b.month, b.postpaid_due) for b in r.bills] == [("2026-04", D("10.00"))]
