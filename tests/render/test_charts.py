"""The charts' figures (render/charts.py) and the terminal's --chart bars, worked out by hand.

A small price sheet: a shared GPU-second costs 0.01 yuan, so 100 GPU-seconds a day is 1.00 yuan a
day (B3's meter at a round price); traffic 0.50 yuan a GB (B7); storage 0.12 yuan a GB-month (B7).
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from textwrap import dedent

import helpers

from artlab_cost import api, yamlsrc
from artlab_cost.engine import Estimate
from artlab_cost.pricing import Stage
from artlab_cost.render import View
from artlab_cost.render.bars import month_bars
from artlab_cost.render.charts import months, track, tracks
from artlab_cost.scenario import parse_scenario

OFFERS = """\
pack-10: {name: pack-10, stage: pack, price: 10, validity_months: 12, limit: stackable,
  grants: [{amount: 10, covers: [compute]}], source: tests}
month-10: {name: month-10, stage: pack, price: 5, validity_months: 1, limit: stackable,
  grants: [{amount: 10, covers: [compute]}], source: tests}
traffic-m10: {name: traffic-m10, stage: pack, price: 40, validity_months: 12, limit: stackable,
  grants: [{monthly: 10, covers: [traffic]}], source: tests}
storage-40: {name: storage-40, stage: pack, price: 9, validity_months: 12, limit: once_per_validity,
  group: storage-pack, grants: [{capacity: 40, covers: [storage]}], source: tests}
"""
SHEET = helpers.make_sheet(OFFERS, name="chart test sheet", shared_gpu="{price: 0.01, source: B3}")
D = Fraction


def run(body: str) -> Estimate:
    text = "account: {new_user: false, student: false}\n" + dedent(body)
    return api.estimate(parse_scenario(yamlsrc.parse(text, "chart-test.yaml"), SHEET), SHEET)


# 100 GPU-seconds a day, 1.00 yuan a day, March and April 2026; a 10-yuan pack bought on 1 March.
PACK = """\
period: {start: 2026-03-01, months: 2}
usage:
  - {kind: shared, gpu_seconds: 100, per: day}
holdings:
  - {offer: pack-10, date: 2026-03-01, label: p}
"""


def test_months_split_the_list_price_by_stage_and_count_cash_when_paid() -> None:
    """March: 31.00 listed, the pack absorbs 10.00, 21.00 postpaid; cash 10.00 upfront + 21.00 due = 31.00.
    April: 30.00 listed, all postpaid, cash 30.00 (B17, B20)."""
    ms = months(run(PACK))
    assert [m.month for m in ms] == ["2026-03", "2026-04"]
    march, april = ms
    assert march.list_price == 31 and dict(march.stages)[Stage.pack] == 10 and dict(march.stages)[Stage.postpaid] == 21
    assert (march.upfront, march.postpaid_due, march.cash) == (10, 21, 31)
    assert april.list_price == 30 and dict(april.stages)[Stage.pack] == 0 and (april.upfront, april.cash) == (0, 30)
    assert all(sum(v for _, v in m.stages) == m.list_price for m in ms)  # the stack is the list price


def test_an_amount_pack_burns_down_then_stays_empty() -> None:
    """10 yuan at 1.00 a day: 10 on 1 March, 0 on 11 March (ten days), 0 to the period's end on 1 May; it
    expires in 2027, after the period, so nothing lapses."""
    (t,) = tracks(run(PACK))
    assert t.points == ((date(2026, 3, 1), 10), (date(2026, 3, 11), 0), (date(2026, 5, 1), 0))
    assert (t.first, t.last, t.expires_inside, t.top) == (date(2026, 3, 1), date(2026, 5, 1), False, 10)


def test_what_is_left_at_expiry_drops_to_zero() -> None:
    """A one-month 10-yuan pack from 1 March at 0.20 a day (20 GPU-s): 31 days draw 6.20, 3.80 left lapses on
    1 April (B12), where its track ends."""
    r = run(PACK.replace("100,", "20,").replace("pack-10", "month-10"))
    t = track(r.balances[0], r)
    assert t.points == ((date(2026, 3, 1), 10), (date(2026, 4, 1), D("3.8")), (date(2026, 4, 1), 0))
    assert t.expires_inside and t.last == date(2026, 4, 1) and r.balances[0].lapsed == D("3.8")


def test_a_monthly_quota_is_restored_on_the_first_and_lapses_at_the_period_end() -> None:
    """10 GB a month, 7.5 GB used each month of 31 and 30 days: 2.5 left at each month's end. The rest of May
    lapses on 1 June (the track drops to 0) and the quota is back to 10; June's 2.5 lapse at 00:00 on 1 July,
    when the period ends with its month (OSS 包月周期型)."""
    r = run(
        """\
        period: {start: 2026-05-01, months: 2}
        usage:
          - {kind: traffic, gb_per_month: 7.5}
        holdings:
          - {offer: traffic-m10, date: 2026-05-01, label: t}
        """
    )
    (t,) = tracks(r)
    june, july = date(2026, 6, 1), date(2026, 7, 1)
    assert t.points == ((date(2026, 5, 1), 10), (june, D("2.5")), (june, 0), (june, 10), (july, D("2.5")), (july, 0))
    assert r.balances[0].lapsed == 5  # the two 2.5 GB drops


def test_a_capacity_shows_what_it_leaves_unused() -> None:
    """A 40 GB storage pack under 30 GB stored: 10 GB of it unused at every hour, all period long (B16)."""
    r = run(
        """\
        period: {start: 2026-03-01, months: 1}
        usage:
          - {kind: storage, gb: 30}
        holdings:
          - {offer: storage-40, date: 2026-03-01, label: s}
        """
    )
    (t,) = tracks(r)
    assert t.points == ((date(2026, 3, 1), 10), (date(2026, 4, 1), 10)) and t.top == 40


def test_terminal_bars_are_the_list_price_split_by_stage() -> None:
    """At 60 columns: 8 for the month, 5 + 5 for the two figures, 4 between: 38 cells for the longest month
    (March, 31.00). March: the pack's 10 of 31 end at round(10 x 38 / 31) = 12 cells, postpaid fills to 38.
    April: 30 x 38 / 31 = 36.8, so 37 cells, all postpaid."""
    lines = month_bars(run(PACK), View(width=60))
    assert lines[2] == "2026-03 " + "▒" * 12 + "█" * 26 + "  31.00  31.00"
    assert lines[3] == "2026-04 " + "█" * 37 + " " + "  30.00  30.00"
    assert lines[1].split() == ["List", "Cash"] and lines[-1] == "░ free trial  ▒ pack  ▓ voucher  █ postpaid"


def test_a_pack_held_from_before_the_period_starts_from_what_is_left() -> None:
    """A 10-yuan pack bought 1 February with 4 used before the period (`used`): the track starts at 6 on
    1 March, the period's first day; 1.00 a day empties it on 7 March."""
    r = run(PACK.replace("date: 2026-03-01, label: p", "date: 2026-02-01, used: 4, label: p"))
    (t,) = tracks(r)
    assert t.points[:2] == ((date(2026, 3, 1), 6), (date(2026, 3, 7), 0)) and t.first == date(2026, 3, 1)


def test_a_period_starting_mid_month_and_a_month_without_usage() -> None:
    """From 15 March to 14 May, 100 GPU-s a day until 31 March only: March lists 17 days (17.00), April and
    May nothing; the bars are all three months, the empty ones at zero, and the pack (10) empties on 25 March."""
    r = run(
        """\
        period: {start: 2026-03-15, end: 2026-05-14}
        usage:
          - {kind: shared, gpu_seconds: 100, per: day, until: 2026-03-31}
        holdings:
          - {offer: pack-10, date: 2026-03-15, label: p}
        """
    )
    ms = months(r)
    assert [(m.month, m.list_price, m.cash) for m in ms] == [("2026-03", 17, 17), ("2026-04", 0, 0), ("2026-05", 0, 0)]
    (t,) = tracks(r)
    assert t.points == ((date(2026, 3, 15), 10), (date(2026, 3, 25), 0), (date(2026, 5, 15), 0))  # 14 May's end


def test_an_unused_monthly_quota_shows_its_lapse() -> None:
    """No traffic at all: each month's 10 GB lapse whole on the 1st; the track drops to 0 and back each time,
    so a quota that lapses unused is seen, not drawn as a flat line."""
    r = run(
        """\
        period: {start: 2026-05-01, months: 2}
        usage:
          - {kind: shared, gpu_seconds: 1, per: day}
        holdings:
          - {offer: traffic-m10, date: 2026-05-01, label: t}
        """
    )
    june, july = date(2026, 6, 1), date(2026, 7, 1)
    (t,) = tracks(r)
    assert t.points == ((date(2026, 5, 1), 10), (june, 10), (june, 0), (june, 10), (july, 10), (july, 0))
    assert r.balances[0].lapsed == 20
