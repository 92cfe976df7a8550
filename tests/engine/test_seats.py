"""Seats: a dedicated entry's `instances` (N copies running the same hours), worked out by hand (B4, B5)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from test_engine import make_sheet, run

from artlab_cost import yamlsrc
from artlab_cost.errors import InputError
from artlab_cost.scenario import parse_scenario


def test_three_instances_of_a_dedicated_spec_bill_three_times_the_hours() -> None:
    """3 instances of d8 (8.07 an hour) 2 h a day for April's 30 days: 3 x 8.07 x 2 x 30 = 1,452.60 at list
    price, all postpaid; the same as three copied entries."""
    seats = run(
        """\
        period: {start: 2026-04-01, months: 1}
        usage:
          - {kind: dedicated, spec: d8, hours_per_day: 2, instances: 3}
        """
    )
    assert seats.totals.list_price == D("1452.60") and seats.totals.cash == D("1452.60")
    assert sum(c.billable for c in seats.charges) == 180  # 3 x 2 h x 30 days
    copies = run(
        """\
        period: {start: 2026-04-01, months: 1}
        usage:
          - {kind: dedicated, spec: d8, hours_per_day: 2}
          - {kind: dedicated, spec: d8, hours_per_day: 2}
          - {kind: dedicated, spec: d8, hours_per_day: 2}
        """
    )
    assert copies.totals == seats.totals


def test_each_instance_rounds_its_own_session() -> None:
    """B5 with hourly increments: two instances of 1.25 h on one day bill 2 x 2 h = 4 h (not ceil(2.5) = 3 h) of
    d36 (36 an hour): 144.00."""
    r = run(
        """\
        period: {start: 2026-04-01, end: 2026-04-01}
        usage:
          - {kind: dedicated, spec: d36, hours_per_day: 1.25, instances: 2}
        """,
        make_sheet(increment="hour"),
    )
    assert r.totals.list_price == D("144.00")


@pytest.mark.parametrize("value", ["0", "1.5", "1001", '"2"'])
def test_instances_is_a_whole_number_from_1_to_1000(value: str) -> None:
    sheet = make_sheet()
    text = (
        "account: {new_user: false, student: false}\nperiod: {start: 2026-04-01, months: 1}\n"
        f"usage:\n  - {{kind: dedicated, spec: d8, hours_per_day: 2, instances: {value}}}\n"
    )
    with pytest.raises(InputError) as caught:
        parse_scenario(yamlsrc.parse(text, "s.yaml"), sheet)
    (problem,) = caught.value.problems
    assert (problem.line, problem.path) == (4, "usage[0].instances")
