"""What a result rests on that no source gives (engine/assumptions.py), and what the open settings would change.

A sheet marks four settings, a meter price, and terms of two offers as assumed; each test holds or
uses just enough to make one of them matter, or not.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from helpers import make_sheet

from artlab_cost import api
from artlab_cost.engine import Estimate
from artlab_cost.messages import Level, Qty, Yuan
from artlab_cost.pricing import Increment, PartialMonth

SETTINGS = {
    "assumed": "{deduction_order: a, tie_break: b, dedicated_increment: c, partial_month: d}",
}
SHEET = make_sheet(
    """
  pack-a:
    {name: a, stage: pack, price: 5, validity_months: 12, limit: stackable,
     grants: [{amount: 10, covers: [compute]}], source: t, assumed: {price: p, grants: g}}
  pack-b:
    {name: b, stage: pack, price: 5, validity_months: 12, limit: stackable,
     grants: [{amount: 10, covers: [compute]}], source: t}
  voucher:
    {name: v, stage: voucher, price: 0, validity_months: 12, limit: once_per_user,
     grants: [{amount: 10, covers: [all]}], source: t}
  traffic-m:
    {name: m, stage: pack, price: 4, validity_months: 12, limit: stackable,
     grants: [{monthly: 10, covers: [traffic]}], source: t}
""",
    name="assumptions sheet",
    settings=SETTINGS,
    shared_gpu="{price: 0.01, source: B3}",
    traffic_busy="{price: 0.50, source: B7, assumed: {price: guess}}",
    dedicated=(
        "{specs: {d8: {price: 8, source: B4}, d36: {price: 36, source: B4}}, range: {low: d8, high: d36}, source: B4}"
    ),
)


def estimate(body: str, start: str = "2026-04-01", months: int = 1) -> Estimate:
    text = f"account: {{new_user: false, student: false}}\nperiod: {{start: {start}, months: {months}}}\n{body}"
    return api.estimate(api.scenario_from_text(text, SHEET, name="a.yaml"), SHEET)


def fields(result: Estimate) -> list[str]:
    return [a.field for a in result.assumptions]


SHARED = "usage:\n  - {kind: shared, gpu_seconds: 100, per: day}\n"


def test_nothing_assumed_is_used() -> None:
    assert fields(estimate(SHARED)) == []


def test_an_assumed_meter_price_counts_only_when_charged() -> None:
    assert fields(estimate(SHARED + "  - {kind: traffic, gb_per_month: 3}\n")) == ["meters.traffic_busy.price"]
    assert fields(estimate(SHARED + "  - {kind: traffic, gb_per_month: 3, idle_share: 1}\n")) == []


def test_an_assumed_offer_price_counts_only_when_bought_in_the_period() -> None:
    bought = estimate(SHARED + "holdings:\n  - {offer: pack-a, date: 2026-04-01}\n")
    assert fields(bought) == ["offers.pack-a.grants", "offers.pack-a.price"]
    assert {a.file for a in bought.assumptions} == {"assumptions-sheet.yaml"}
    before = estimate(SHARED + "holdings:\n  - {offer: pack-a, date: 2026-03-01}\n")
    assert fields(before) == ["offers.pack-a.grants"]  # paid before the period: its price is no figure here


def test_deduction_order_matters_when_a_pack_and_a_voucher_meet() -> None:
    both = estimate(
        SHARED + "holdings:\n  - {offer: pack-b, date: 2026-04-01}\n  - {offer: voucher, date: 2026-04-01}\n"
    )
    assert fields(both) == ["settings.deduction_order"]
    # 1.00 a day for 30 days: pack-b's 10 then the voucher's 10, 10.00 postpaid; upfront 5: cash 15.00.
    # Voucher first: the voucher's 10 then pack-b's 10: the same cash, so no note of another cash.
    assert both.totals.cash == 15
    assert not [n for n in both.notes if n.code == "note.setting-alternative"]
    assert fields(estimate(SHARED + "holdings:\n  - {offer: pack-b, date: 2026-04-01}\n")) == []


@pytest.mark.parametrize(("listing", "matters"), [(("pack-b", "pack-a"), True), (("pack-a", "pack-b"), False)])
def test_tie_break_matters_when_the_rules_order_a_tie_differently(listing: tuple[str, str], matters: bool) -> None:
    """Two packs bought the same day expire together (B13): earliest acquired then offer id puts pack-a first,
    listing order puts the first listed first; they disagree only when pack-b is listed first."""
    holdings = "".join(f"  - {{offer: {o}, date: 2026-04-01}}\n" for o in listing)
    result = estimate(SHARED + "holdings:\n" + holdings)
    assert ("settings.tie_break" in fields(result)) is matters


def test_dedicated_increment_matters_for_part_hours_and_the_note_gives_each_other_cash() -> None:
    """One session of 0.341 h on d36 (0.01 yuan a second, B4, B5): 1,227.6 s. Per second it is 1,228 s = 12.28;
    per minute 21 min = 12.60; per hour 1 h = 36.00."""
    one_day = "usage:\n  - {kind: dedicated, spec: d36, hours_per_day: 0.341, until: 2026-04-01}\n"
    result = estimate(one_day)
    assert result.totals.cash == D("12.28")
    assert fields(result) == ["settings.dedicated_increment"]
    alts = {n.args["alternative"]: n.args["cash"] for n in result.notes if n.code == "note.setting-alternative"}
    assert alts == {Increment.minute: Yuan(D("12.60")), Increment.hour: Yuan(D("36"))}
    whole = estimate("usage:\n  - {kind: dedicated, spec: d36, hours_per_day: 2}\n")
    assert "settings.dedicated_increment" not in fields(whole)


def test_partial_month_matters_for_a_monthly_quota_bought_after_the_1st() -> None:
    """10 GB a month bought on 16 April (15 of 30 days left); 30 GB of busy traffic a month, 1 GB a day.
    Whole quota: the pack takes 10 of the 15 GB of 16-30 April. Prorated: 5 GB. At 0.50 a GB: postpaid
    (30 - 10) x 0.50 = 10.00, or (30 - 5) x 0.50 = 12.50; upfront 4."""
    body = "usage:\n  - {kind: traffic, gb_per_month: 30}\nholdings:\n  - {offer: traffic-m, date: 2026-04-16}\n"
    result = estimate(body)
    assert result.totals.cash == D("14")
    assert "settings.partial_month" in fields(result)
    (alt,) = [n for n in result.notes if n.code == "note.setting-alternative"]
    assert (alt.args["alternative"], alt.args["cash"]) == (PartialMonth.prorated, Yuan(D("16.50")))
    on_the_1st = estimate(body.replace("2026-04-16", "2026-04-01"))
    assert "settings.partial_month" not in fields(on_the_1st)


@pytest.mark.parametrize(
    ("start", "code"),
    [("2025-12-01", "warning.sheet-not-in-force"), ("2026-12-01", None), ("2027-01-01", "warning.sheet-stale")],
)
def test_a_sheet_not_yet_in_force_or_a_year_old_is_said_so(start: str, code: str | None) -> None:
    """The test sheet took effect on 2026-01-01: a period from 2027-01-01 starts 12 months after it."""
    warnings = [n for n in estimate(SHARED, start=start).notes if n.level is Level.warning]
    assert [n.code for n in warnings] == ([code] if code else [])
    if code:
        assert warnings[0].args["effective"] == date(2026, 1, 1)


def test_an_end_of_the_published_range_names_what_the_other_end_would_list() -> None:
    """10 h on d8 (8.00 yuan/h) list at 80.00; the same 10 h at d36 (36.00 yuan/h) would list at 360.00."""
    result = estimate("usage:\n  - {kind: dedicated, spec: d8, hours_per_day: 1, until: 2026-04-10}\n")
    (found,) = [n for n in result.notes if n.code.startswith("note.spec-range")]
    assert found.code == "note.spec-range-low"
    assert (found.args["hours"], found.args["other"], found.args["cost"], found.args["list"]) == (
        Qty(D(10), "h"),
        "d36",
        Yuan(D(360)),
        Yuan(D(80)),
    )


def test_the_scenarios_own_spec_is_priced_and_said_so() -> None:
    """2 h a day for 30 days at the scenario's 15.20 yuan/h: 912.00 at list price."""
    sourced = estimate(
        'specs:\n  mine: {price: 15.20, source: "console, 2026-04"}\n'
        "usage:\n  - {kind: dedicated, spec: mine, hours_per_day: 2}\n"
    )
    assert sourced.totals.list_price == D("912")
    (found,) = [n for n in sourced.notes if n.code.startswith("note.user-spec")]
    assert (found.code, found.args["source"]) == ("note.user-spec", "console, 2026-04")
    assert fields(sourced) == []
    unsourced = estimate("usage:\n  - {kind: dedicated, spec: mine, hours_per_day: 2, price: 15.20}\n")
    assert [(a.file, a.field) for a in unsourced.assumptions] == [("a.yaml", "usage[0].price")]
    assert any(n.code == "note.user-spec-unsourced" for n in unsourced.notes)
