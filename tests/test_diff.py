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


def _period(months: int, body: str):  # type: ignore[no-untyped-def]
    head = f"account: {{new_user: false, student: false}}\nperiod: {{start: 2026-04-01, months: {months}}}\n"
    return api.estimate(api.scenario_from_text(head + body, SHEET, name=f"{months}m.yaml"), SHEET)


def test_each_side_is_averaged_over_its_own_months_and_different_periods_are_warned() -> None:
    """1,000 GPU-s a month at 0.01 is 10.00 a month: 30.00 over 3 months, 60.00 over 6. A month on average
    nothing changes (10.00 each), though the total doubles; the periods differing is a warning."""
    usage = "usage: [{kind: shared, gpu_seconds: 1000, per: month}]\n"
    d = api.diff(_period(3, usage), _period(6, usage))
    assert (d.monthly_before, d.monthly_after, d.monthly_change) == (10, 10, 0)
    assert d.cash_change == 30 and d.monthly_percent == 0
    assert diff_headline(d) == "Cash out of pocket does not change: 10.00 yuan a month on average."
    warned = [n for n in d.notes if n.code == "warning.periods-differ"]
    assert [n.args for n in warned] == [{"before": 3, "after": 6}]
    same = api.diff(_period(3, usage), _period(3, usage))
    assert not [n for n in same.notes if n.code == "warning.periods-differ"]


def test_a_note_only_one_side_has_says_which_side() -> None:
    """ded-39.54 for 1 h on Mondays over 3 months, then 6: the two high-end notes differ by
    their hours, so each is marked before or after; a note both sides share is given once, unmarked."""
    from artlab_cost.i18n import word

    sheet = api.load_sheet()
    head = "account: {new_user: false, student: false}\nperiod: {start: 2027-01-01, months: %d}\n"
    body = "usage: [{kind: dedicated, spec: ded-39.54, hours_per_day: 1, days_per_week: 1}]\n"
    base = api.estimate(api.scenario_from_text(head % 3 + body, sheet), sheet)
    new = api.estimate(api.scenario_from_text(head % 6 + body, sheet), sheet)
    d = api.diff(base, new)
    worded = [word(n.msg) for n in d.notes]
    # Mondays: January 2027 4, February 4, March 5 (13 h); April 4, May 5, June 4 (26 h in six months)
    assert [w for w in worded if "high end" in w] == [
        "After: ded-39.54 is the high end of the published dedicated range, 8.07 to 39.54 yuan an hour (B4): the "
        "same 26 h at ded-8.07 would list at 209.82 yuan instead of 1,028.04. Price the spec you run under specs "
        "in the scenario.",
        "Before: ded-39.54 is the high end of the published dedicated range, 8.07 to 39.54 yuan an hour (B4): the "
        "same 13 h at ded-8.07 would list at 104.91 yuan instead of 514.02. Price the spec you run under specs "
        "in the scenario.",
    ]
    assert sum(1 for w in worded if w.startswith("Prices:")) == 1
    # 13 x 39.54 = 514.02 over 3 months and 26 x 39.54 = 1,028.04 over 6: 171.34 a month each
    assert (d.monthly_before, d.monthly_after) == (D("171.34"), D("171.34"))


def test_a_warning_only_one_side_has_keeps_its_code_and_says_its_side() -> None:
    import json

    from artlab_cost.render import View, jsonout

    usage = "usage: [{kind: shared, gpu_seconds: 1000, per: month}]\n"
    outside = "usage: [{kind: shared, gpu_seconds: 1000, per: month}, {kind: shared, gpu_seconds: 1, per: day,"
    outside += " until: 2025-01-01, label: old}]\n"
    d = api.diff(_period(1, usage), _period(1, outside))
    (warning,) = json.loads(jsonout.diff(d, View()))["warnings"]
    assert (warning["code"], warning["side"]) == ("warning.usage-outside", "new")
    assert warning["message"].startswith("After: ") and "old" in warning["message"]
