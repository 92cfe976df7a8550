"""The relaxation: a program with named columns and rows and exact coefficients, and a bound no plan beats."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from helpers import examples, make_sheet
from hypothesis import given
from hypothesis import strategies as st
from plan_cases import (
    MONTHLY,
    SHEET,
    SLOTS,
    START,
    monthly_scenarios,
    scenario,
    shared,
    slot_scenarios,
    small_scenarios,
    traffic,
)

from artlab_cost.plans import Action, compare
from artlab_cost.plans.comparison import Setup, setup
from artlab_cost.plans.model import Var, rounded
from artlab_cost.plans.program import lp_name
from artlab_cost.plans.search import _Region
from artlab_cost.pricing import PriceSheet
from artlab_cost.scenario import Scenario, StorageUsage, Usage


def test_bounds_allow_for_whole_yuan_rounding() -> None:
    """B20 with bill_places 0: a month's bill moves by up to a yuan, so the bounds must allow that much.
    10.99 yuan of compute (1,099 GPU-s at 0.01) is billed 10 (truncated). Packs of 1.00 for 0.95: ten absorb
    10.00, leaving 0.99, billed 0: cash 9.50, cheaper than nothing more (10) even with --top 1."""
    sheet = make_sheet(
        """
        one:
          {name: one yuan, stage: pack, price: 0.95, validity_months: 12, limit: stackable,
           grants: [{amount: 1, covers: [compute]}], source: test}
        """,
        name="whole yuan",
        settings={"bill_places": "0"},
        shared_gpu="{price: 0.01, source: test}",
    )
    s = scenario([shared(1_099)], months=1)
    for top in (1, 10):
        best = compare(s, sheet, top=top).plans[0]
        assert best.actions == (Action("one", START, 10),)
        assert best.costs.cash == Decimal("9.50")


def ready(s: Scenario, sheet: PriceSheet) -> Setup:
    return setup(s, sheet, top=3)


BIG_PACKS = make_sheet(
    """
    traffic-100:
      {name: traffic 100 GB, stage: pack, price: 4, validity_months: 12, limit: stackable,
       grants: [{quantity: 100, covers: [traffic]}], source: test}
    storage-100:
      {name: storage 100 GB, stage: pack, price: 0.90, validity_months: 12, limit: once_per_validity, group: storage,
       grants: [{capacity: 100, covers: [storage]}], source: test}
    """,
    name="big packs",
)


@pytest.mark.parametrize(
    ("usage", "cash"),
    [
        # 12 GB of busy traffic a month for 3 months: 36 GB at 0.50 = 18.00 postpaid, or one 100 GB pack for 4.00
        (traffic("12"), Decimal("4.00")),
        # 30 GB stored for 3 months at 0.12 a GB-month: 10.80 postpaid, or one 100 GB pack for 0.90
        (StorageUsage("st", START, date(2100, 1, 1), Decimal(30)), Decimal("0.90")),
    ],
    ids=["quantity", "capacity"],
)
def test_a_pack_larger_than_the_usage_is_bounded_at_its_whole_price(usage: Usage, cash: Decimal) -> None:
    """A pack holds more than the usage it can reach, so a fraction x of one absorbs at most x of that usage, not
    all of it: the row reads absorbed <= min(pack's size, the most its groups hold) x buy. The whole space's
    linear bound is then the cheapest plan's cash, one whole pack, where with the pack's size alone it would buy
    0.36 or 0.3 of a pack (1.44 or 0.27 yuan)."""
    s = scenario([usage])
    session = ready(s, BIG_PACKS).search.session
    found = session.bound([0] * len(session.vars), [v.hi for v in session.vars])
    assert found is not None
    assert Fraction(cash) - Fraction(1, 10**5) < found.value <= Fraction(cash)  # (less the weak-duality margin)
    assert found.point == (1.0,)
    assert compare(s, BIG_PACKS, top=1).plans[0].costs.cash == cash


MONTH_PACKS = make_sheet(
    """
    traffic-100:
      {name: traffic 100 GB, stage: pack, price: 40, validity_months: 1, limit: stackable,
       grants: [{quantity: 100, covers: [traffic]}], source: test}
    """,
    name="month packs",
)


def test_the_last_pack_of_a_count_is_bounded_by_what_it_adds() -> None:
    """180 GB of busy traffic in one month (90.00 yuan at 0.50) against 100 GB packs at 40: one pack leaves 80 GB
    (40.00), so 80.00; two cost 80.00 and leave nothing; none, 90.00. 180 = 1 x 100 + 80, so besides absorbed <=
    100 x buy the row absorbed <= 80 x buy + 1 x (100 - 80) holds at every whole count (0, 100, 180 at 0, 1, 2
    packs): the second pack adds 80 GB, not 100, and the linear bound is the cheapest plan's 80.00, where the
    pack's size alone would let 1.8 packs absorb all 180 GB for 72.00."""
    s = scenario([traffic("180")], months=1)
    session = ready(s, MONTH_PACKS).search.session
    found = session.bound([0], [session.vars[0].hi])
    assert found is not None and session.vars[0].hi == 2
    assert Fraction(80) - Fraction(1, 10**5) < found.value <= Fraction(80)
    best = compare(s, MONTH_PACKS, top=1).plans[0]
    assert best.costs.cash == Decimal("80.00") and best.actions == (Action("traffic-100", START, 1),)


def test_every_column_and_row_has_a_name_an_lp_file_can_hold(tmp_path: Path) -> None:
    """The program names each column and row once, in the characters an LP file allows, and HiGHS writes it with
    those names: a buy_ column per stackable slot, a take_ column per option, and the rows of each family."""
    s = scenario([shared(10_000), traffic("12")], new_user=True, student=True)
    session = ready(s, SHEET).search.session
    program = session.model.program
    assert len(set(program.names)) == program.columns and len(set(program.row_names)) == program.rows
    assert all(lp_name(n) == n for n in program.names + program.row_names)
    session.write_lp(tmp_path / "plans.lp")
    text = (tmp_path / "plans.lp").read_text()
    for name in ("take_starter@2026-03-01", "buy_traffic-10@2026-03-01", "buy_compute-50@2026-03-01"):
        assert lp_name(name) in text
    for family in ("charges_", "holds_", "greedy_", "buys_", "uses_most_", "uses_least_"):
        assert any(r.startswith(family) for r in program.row_names), family
        assert family in text


def test_coefficients_are_exact_as_the_sheet_gives_them() -> None:
    """Worked from the sheet: a starter bundle costs 59 and holds 200 yuan of compute, so its column costs 59 and
    its holds_ row reads sum(absorb) - 200 x take_starter <= 0; a traffic-10 pack (4 yuan, 10 GB) at 0.50 a GB of
    busy traffic: each yuan absorbed is 1/0.50 = 2 GB, so holds_ reads 2 x absorb... - 10 x buy <= 0."""
    s = scenario([shared(10_000), traffic("12")], new_user=True)
    program = ready(s, SHEET).search.session.model.program
    col = {n: j for j, n in enumerate(program.names)}
    starter, pack = col[lp_name("take_starter@2026-03-01")], col[lp_name("buy_traffic-10@2026-03-01")]
    assert (program.cost[starter], program.cost[pack]) == (Fraction(59), Fraction(4))
    assert all(isinstance(v, Fraction) for v in [*program.cost, *program.upper, *(v for _, _, v in program.entries)])
    rows: dict[int, dict[int, Fraction]] = {}
    for r, c, v in program.entries:
        rows.setdefault(r, {})[c] = v
    holds = [r for r, n in enumerate(program.row_names) if n.startswith("holds_")]
    starter_row = next(rows[r] for r in holds if starter in rows[r])
    assert starter_row[starter] == -200 and all(v == 1 for c, v in starter_row.items() if c != starter)
    pack_row = next(rows[r] for r in holds if pack in rows[r])
    assert pack_row[pack] == -10 and all(v == 2 for c, v in pack_row.items() if c != pack)


@st.composite
def plans_of(draw: st.DrawFn) -> tuple[Scenario, PriceSheet, list[int]]:
    """A random small scenario on one of the three test sheets, and a random point of its plan space."""
    sheet, scenarios = draw(st.sampled_from([(SHEET, small_scenarios()), (MONTHLY, monthly_scenarios()),
                                             (SLOTS, slot_scenarios())]))  # fmt: skip
    s = draw(scenarios)
    his = [v.hi for v in ready(s, sheet).search.session.vars]
    return s, sheet, [draw(st.integers(0, min(hi, 4))) for hi in his]


@examples(24)
@given(plans_of())
def test_the_bound_of_a_region_holding_one_plan_is_at_most_its_cash(
    case: tuple[Scenario, PriceSheet, list[int]],
) -> None:
    """Soundness, directly: for the region holding one plan only (every column fixed at the plan's value, its
    offers required), the linear bound, as cash, is at most the engine's cash for that plan. A point the purchase
    rules forbid has no plan, and then no bound either."""
    s, sheet, point = case
    search = ready(s, sheet).search
    plan = search.price(point)
    offers = frozenset(v.offer for v, n in zip(search.session.vars, point, strict=True) if n)
    session = search.session
    linear = session.bound(point, point, offers)
    # solved from another region's basis (the whole space's optimum), the bound is the same optimum, as sound
    whole = session.bound([0] * len(point), [v.hi for v in session.vars])
    again = session.bound(point, point, offers, whole.basis if whole is not None else None)
    if plan is None:
        return
    assert linear is not None and again is not None
    assert search.cash_bound(linear) <= plan.costs.cash and search.cash_bound(again) <= plan.costs.cash
    assert abs(again.value - linear.value) <= Fraction(1, 1000)


def test_a_part_is_bounded_by_its_parents_duals_with_no_program_solved() -> None:
    """Weak duality holds for any multipliers: the duals of a region's optimum bound each part of it. When that bound
    reaches what the part must beat (`enough`), it is the part's bound with no program solved (no point); it is at
    most the part's own optimum. Else the part is solved as before."""
    s = scenario([shared(10_000), traffic("12")], new_user=True, student=True)
    session = ready(s, SHEET).search.session
    his = [v.hi for v in session.vars]
    parent = session.bound([0] * len(his), his)
    assert parent is not None and parent.basis is not None
    j = max(range(len(his)), key=lambda k: his[k])
    part = ([0] * j + [his[j]] + [0] * (len(his) - j - 1), his)  # the most packs of column j
    solved = session.bound(*part)
    assert solved is not None and solved.value > parent.value
    solves = session.solves
    cheap = session.bound(*part, frozenset(), parent.basis, enough=parent.value)
    assert cheap is not None and cheap.point == () and session.solves == solves
    assert parent.value <= cheap.value <= solved.value
    again = session.bound(*part, frozenset(), parent.basis, enough=solved.value + 1)
    assert again is not None and again.point != () and session.solves == solves + 1
    assert abs(again.value - solved.value) <= Fraction(1, 1000)


def _var(decision: int, offer: str, price: int, hi: int, stackable: bool) -> Var:
    return Var(decision, (Action(offer, START, 1),), offer, Fraction(price), hi, stackable)


# Worked by hand: column 0 a count of packs a (1 yuan each, up to 5); columns 1 and 2 the two options of one
# choice (b, 30 yuan; c, 40 yuan); column 3 a count of packs d (10 yuan).
COLUMNS = [_var(0, "a", 1, 5, True), _var(1, "b", 30, 1, False), _var(1, "c", 40, 1, False), _var(2, "d", 10, 4, True)]
OFFER_COLUMNS = {"a": [0], "b": [1], "c": [2], "d": [3]}


def test_an_optimum_rounds_to_whole_counts_one_option_per_choice_and_each_offer_required() -> None:
    """2.6 packs of a round to 3; both options of the choice at 0.6 and 0.7 round to 1, and only c, which the
    optimum favours, is kept; d at 0.2 rounds to 0 but d is required, so its column is set to 1. Where the region
    fixes b (lo 1, the optimum at 1), b is kept instead; where the region leaves d no column (hi 0, the optimum at
    0), no plan buys it: None. With b required while the optimum takes c (b at 0.2), b's only column is the other
    option of c's choice: None."""
    point, lo, hi = [2.6, 0.6, 0.7, 0.2], [0, 0, 0, 0], [5, 1, 1, 4]
    assert rounded(COLUMNS, OFFER_COLUMNS, point, lo, hi, frozenset("ad")) == (3, 0, 1, 1)
    assert rounded(COLUMNS, OFFER_COLUMNS, [2.6, 1.0, 0.7, 0.2], [0, 1, 0, 0], hi, frozenset("ad")) == (3, 1, 0, 1)
    assert rounded(COLUMNS, OFFER_COLUMNS, [2.6, 0.6, 0.7, 0.0], lo, [5, 1, 1, 0], frozenset("ad")) is None
    assert rounded(COLUMNS, OFFER_COLUMNS, [0.0, 0.2, 0.7, 0.0], lo, hi, frozenset("b")) is None


def test_a_region_is_split_on_the_fraction_that_costs_most() -> None:
    """A column's fraction is how far it lies from a whole count. Of compute-50 at 0.1 of a pack (45 yuan a pack:
    0.1 x 45 = 4.50 yuan) and traffic-10 at half a pack (4 yuan: 0.5 x 4 = 2.00 yuan), the split is on compute-50,
    whose fraction costs more, though traffic-10's is the larger; with compute-50 whole, on traffic-10."""
    search = ready(scenario([shared(10_000), traffic("12")], months=1), SHEET).search
    columns = {v.offer: j for j, v in enumerate(search.session.vars)}
    compute, traffic_ = columns["compute-50"], columns["traffic-10"]
    lo = tuple(0 for _ in search.session.vars)
    hi = tuple(v.hi for v in search.session.vars)

    def split_on(values: dict[int, float]) -> int:
        point = tuple(values.get(j, 0.0) for j in range(len(lo)))
        parts = search.branch(_Region(Fraction(0), 0, lo, hi, point), None)
        moved = {j for p in parts for j in range(len(lo)) if (p.lo[j], p.hi[j]) != (lo[j], hi[j])}
        assert len(moved) == 1, moved
        return moved.pop()

    assert split_on({compute: 0.1, traffic_: 0.5}) == compute
    assert split_on({compute: 1.0, traffic_: 0.5}) == traffic_


def test_around_partitions_a_region_less_its_point() -> None:
    """[0, 2] x [0, 1] less (1, 0): below and above on the first column, then the first fixed at 1 and the second
    above: five points in three parts, each once, and never (1, 0)."""
    from artlab_cost.plans.model import around

    parts = around((0, 0), (2, 1), (1, 0))
    assert parts == [((0, 0), (0, 1)), ((2, 0), (2, 1)), ((1, 1), (1, 1))]
    points = [(a, b) for lo, hi in parts for a in range(lo[0], hi[0] + 1) for b in range(lo[1], hi[1] + 1)]
    assert sorted(points) == [(0, 0), (0, 1), (1, 1), (2, 0), (2, 1)]
    assert around((3,), (3,), (3,)) == []  # a region of one point leaves nothing
