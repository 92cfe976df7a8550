"""Scenario.scaled: every usage figure times k, exactly, for the search of how far a plan holds (docs/plans.md)."""

from __future__ import annotations

from decimal import Decimal

from helpers import bundled_sheet

from artlab_cost import yamlsrc
from artlab_cost.scenario import Case, parse_scenario

HEAD = "account: {new_user: false, student: false}\nperiod: {start: 2027-04-01, months: 1}\nusage:\n"
USAGE = (
    "  - {kind: shared, images: 3, seconds_per_image: 7, per: day}\n"
    "  - {kind: dedicated, spec: ded-8.07, hours_per_day: 20}\n"
    "  - {kind: storage, gb: 10, growth_gb_per_month: 3}\n"
    "  - {kind: traffic, gb_per_month: 1..3, idle_share: 0.4}\n"
    "  - {kind: requests, put_per_month: 7, get_per_month: 1001}\n"
)


def test_every_usage_figure_is_multiplied_exactly_and_nothing_else() -> None:
    s = parse_scenario(yamlsrc.parse(HEAD + USAGE, "s.yaml"), bundled_sheet())
    k = Decimal("1.37")
    shared, dedicated, storage, traffic, requests = s.scaled(k).usage
    # 3 images x 7 s = 21 GPU-seconds a day; x 1.37 = 28.77, never rounded to a whole image (4.11 images)
    assert shared.gpu_seconds == Decimal("28.77")  # type: ignore[union-attr]
    # 20 h x 1.37 = 27.4 h a day: more than a day, standing for more sessions; priced as given
    assert dedicated.hours_per_day == Decimal("27.4")  # type: ignore[union-attr]
    assert (storage.gb, storage.growth) == (Decimal("13.7"), Decimal("4.11"))  # type: ignore[union-attr]
    assert (traffic.gb_per_month, traffic.idle_share) == (Decimal("2.74"), Decimal("0.4"))  # type: ignore[union-attr]
    assert (requests.put_per_month, requests.get_per_month) == (Decimal("9.59"), Decimal("1371.37"))  # type: ignore[union-attr]
    scaled = s.scaled(k)
    assert (scaled.start, scaled.end, scaled.holdings, scaled.ranges) == (s.start, s.end, s.holdings, s.ranges)
    # the ends of a range scale with it: 1 and 3 GB become 1.37 and 4.11
    low, high = scaled.case(Case.low).usage[3], scaled.case(Case.high).usage[3]
    assert (low.gb_per_month, high.gb_per_month) == (Decimal("1.37"), Decimal("4.11"))  # type: ignore[union-attr]


def test_a_scale_of_one_is_the_scenario() -> None:
    s = parse_scenario(yamlsrc.parse(HEAD + USAGE, "s.yaml"), bundled_sheet())
    assert s.scaled(Decimal(1)) == s
