"""diff: two estimates lined up, before and after; expected amounts worked out by hand from the test sheet."""

from __future__ import annotations

from decimal import Decimal as D

from helpers import make_sheet

from artlab_cost import api
from artlab_cost.render.diff_rows import diff_headline, percent, signed

SHEET = make_sheet(
    """
  pack-10:
    {name: pack, stage: pack, price: 8, validity_months: 12, limit: stackable,
     grants: [{amount: 10, covers: [compute]}], source: t}
""",
    name="diff sheet",
    shared_gpu="{price: 0.01, source: B3}",
)
HEAD = "account: {new_user: false, student: false}\nperiod: {start: 2026-04-01, months: 1}\n"


def _estimate(body: str):  # type: ignore[no-untyped-def]
    return api.estimate(api.scenario_from_text(HEAD + body, SHEET, name="s.yaml"), SHEET)


def test_a_change_of_usage_and_a_pack_bought() -> None:
    """Base: 100 GPU-s a day for April's 30 days at 0.01: 30.00 postpaid. New: 150 a day, 45.00 at list
    price; a 10-yuan pack (bought for 8) absorbs 10.00, 35.00 postpaid: cash 43.00, +13.00 (+43.3%)."""
    base = _estimate("usage:\n  - {kind: shared, gpu_seconds: 100, per: day}\n")
    new = _estimate(
        "usage:\n  - {kind: shared, gpu_seconds: 150, per: day}\nholdings:\n  - {offer: pack-10, date: 2026-04-01}\n"
    )
    d = api.diff(base, new, base_label="a.yaml", new_label="b.yaml")
    t = d.total
    assert (t.before["list"], t.after["list"], t.change("list")) == (30, 45, 15)
    assert (t.before["pack"], t.after["pack"]) == (0, 10)
    assert (t.before["cash"], t.after["cash"], t.change("cash")) == (30, 43, 13)
    assert t.after["upfront"] == 8 and t.percent("list") == 50
    assert d.total.percent("cash") * 3 == 130  # 13/30 = 43.33...%
    (month,) = d.months
    assert (month.key, month.before["cash"], month.after["cash"]) == ("2026-04", 30, 43)
    (meter,) = d.meters
    assert (meter.key, meter.change("list"), meter.after["postpaid_exact"]) == ("shared_gpu", 15, 35)
    (grant,) = d.grants  # held only after: nothing before
    assert (grant.left, grant.lapsed_value) == ((None, 0), (None, 0))
    assert diff_headline(d) == (
        "Cash out of pocket rises 13.00 yuan (+43%) a month on average, from 30.00 to 43.00 yuan."
    )
    assert d.exceeds(D(12), percent=False) and not d.exceeds(D(13), percent=False)
    assert d.exceeds(D(43), percent=True) and not d.exceeds(D(44), percent=True)


def test_no_change_is_said_and_signs_are_shown() -> None:
    same = _estimate("usage:\n  - {kind: shared, gpu_seconds: 100, per: day}\n")
    d = api.diff(same, same)
    assert diff_headline(d) == "Cash out of pocket does not change: 30.00 yuan a month on average."
    assert d.grants == () and d.cash_change == 0
    assert (signed(D("12.5")), signed(D("-3")), signed(D(0))) == ("+12.50", "-3.00", "0.00")
    assert (percent(D(18)), percent(D("-3.54")), percent(None)) == ("+18%", "-3.5%", "")
