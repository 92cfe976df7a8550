"""The tree of sets of offers: every set once, least bound first, on a relaxation whose optimum is known by hand.

The relaxation here is additive: offer o changes a plan's cost by c_o, so a set's cost is the sum of
its offers' c_o, and a node's optimum takes each free offer whose c_o is negative (with half a pack
of it when the case says so, as a linear program may buy part of a pack for the whole saving). That
is at most the cost of every set in the node, as a relaxation's optimum is.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from fractions import Fraction

from helpers import examples
from hypothesis import given
from hypothesis import strategies as st

from artlab_cost.plans.session import Bound
from artlab_cost.plans.sets import Sets

OFFERS = ("a", "b", "c", "d")


Solve = Callable[[frozenset[str], frozenset[str], object], Bound | None]


def additive(
    cost: dict[str, int], half: frozenset[str], infeasible: frozenset[frozenset[str]] = frozenset()
) -> tuple[Solve, list[tuple[frozenset[str], frozenset[str]]]]:
    """A relaxation, and the nodes it solved: a node's optimum as above; None when the rules forbid all its sets."""
    calls: list[tuple[frozenset[str], frozenset[str]]] = []

    def solve(inside: frozenset[str], outside: frozenset[str], start: object = None) -> Bound | None:
        calls.append((inside, outside))
        free = [o for o in OFFERS if o not in inside and o not in outside]
        sets = [inside | set(extra) for n in range(len(free) + 1) for extra in itertools.combinations(free, n)]
        if all(s in infeasible for s in sets):
            return None
        point = [1.0 if o in inside else 0.0 for o in OFFERS]
        value = Fraction(sum(cost[o] for o in inside))
        for o in free:
            if cost[o] < 0:
                value += cost[o]
                point[OFFERS.index(o)] = 0.5 if o in half else 1.0
        return Bound(value, tuple(point))

    return solve, calls


def drain(sets: Sets, cutoff: Fraction | None = None) -> list[tuple[Fraction, frozenset[str]]]:
    out = []
    while (found := sets.next(cutoff)) is not None:
        bound, offers = found
        if offers is None:
            break
        out.append((bound.value, offers))
    return out


COLUMNS = {o: [i] for i, o in enumerate(OFFERS)}


def test_each_set_comes_out_once_cheapest_first_with_its_own_cost() -> None:
    """Worked by hand: a -3, b +2, c -1 (the optimum takes half of it), d +5. The 16 sets in order of cost:
    {a, c} -4 first, then {a} -3, {a, b, c} -2, {a, b} -1 and {c} -1 (a tie, in the order the tree meets them),
    and so on up to {b, d} 7; each with its own cost as its bound, since a leaf is solved with nothing free."""
    solve, _ = additive({"a": -3, "b": 2, "c": -1, "d": 5}, frozenset({"c"}))
    out = drain(Sets(COLUMNS, solve, {}))
    everything = [frozenset(s) for n in range(5) for s in itertools.combinations(OFFERS, n)]
    assert sorted(map(sorted, (s for _, s in out))) == sorted(map(sorted, everything))
    assert out[0] == (Fraction(-4), frozenset("ac")) and out[1] == (Fraction(-3), frozenset("a"))
    assert out[-1] == (Fraction(7), frozenset("bd"))
    bounds = [b for b, _ in out]
    assert bounds == sorted(bounds)
    assert all(b == sum({"a": -3, "b": 2, "c": -1, "d": 5}[o] for o in s) for b, s in out)


def test_a_cutoff_stops_at_the_first_set_not_below_it_and_leaves_the_rest_unsolved() -> None:
    """With a cutoff of -1, only {a, c} (-4), {a} (-3) and {a, b, c} (-2) come out; then the least bound left
    (-1, not below the cutoff) and no set; the parts of the tree bounded at or above it are never solved."""
    cost = {"a": -3, "b": 2, "c": -1, "d": 5}
    solve, calls = additive(cost, frozenset())
    sets = Sets(COLUMNS, solve, {})
    assert [s for _, s in drain(sets, Fraction(-1))] == [frozenset("ac"), frozenset("a"), frozenset("abc")]
    found = sets.next(Fraction(-1))
    assert found is not None and found[1] is None and found[0].value == Fraction(-1)
    cut = len(calls)
    drain(sets)
    assert cut < len(calls) - 4  # the rest of the tree held more than the four sets left at -1 and 0


def test_a_node_is_solved_from_the_basis_of_the_node_it_was_split_from() -> None:
    """Each solve starts from the basis its parent's optimum left (the solver then needs few steps): the root from
    none, every other node from the basis of an earlier solve whose region holds the node's (fewer offers fixed)."""
    solve, _ = additive({"a": -3, "b": 2, "c": -1, "d": 5}, frozenset({"c"}))
    calls: list[tuple[frozenset[str], frozenset[str], object]] = []

    def with_basis(inside: frozenset[str], outside: frozenset[str], start: object = None) -> Bound | None:
        calls.append((inside, outside, start))
        found = solve(inside, outside)
        return None if found is None else Bound(found.value, found.point, ("basis", inside, outside))

    drain(Sets(COLUMNS, with_basis, {}))
    assert calls[0][2] is None and len(calls) > 4
    for k, (inside, outside, start) in enumerate(calls[1:], 1):
        assert isinstance(start, tuple) and start[0] == "basis", (inside, outside, start)
        _, parent_in, parent_out = start
        assert (parent_in, parent_out) in [(i, o) for i, o, _ in calls[:k]]
        assert parent_in <= inside and parent_out <= outside and (parent_in, parent_out) != (inside, outside)


def test_offers_fixed_in_or_out_and_infeasible_sets() -> None:
    """With a fixed in and d out, the sets are a plus any of b and c: four, of which the rules forbid {a, b},
    so three come out, by cost: {a, c} 0, {a} 1, {a, b, c} 1."""
    solve, _ = additive({"a": 1, "b": 1, "c": -1, "d": -1}, frozenset(), frozenset({frozenset("ab")}))
    out = drain(Sets(COLUMNS, solve, {"a": True, "d": False}))
    assert out[0] == (Fraction(0), frozenset("ac"))
    assert sorted(sorted(s) for _, s in out[1:]) == [["a"], ["a", "b", "c"]]
    assert [b for b, _ in out[1:]] == [Fraction(1), Fraction(1)]


@examples(30)
@given(
    st.fixed_dictionaries({o: st.integers(-5, 5) for o in OFFERS}),
    st.frozensets(st.sampled_from(OFFERS)),
    st.dictionaries(st.sampled_from(OFFERS), st.booleans(), max_size=2),
)
def test_the_tree_is_a_sorted_partition(cost: dict[str, int], half: frozenset[str], fixed: dict[str, bool]) -> None:
    """For any costs, fractional offers and fixings: every set the fixings allow comes out exactly once, each with
    its own cost, in order of cost."""
    solve, _ = additive(cost, half)
    out = drain(Sets(COLUMNS, solve, fixed))
    free = [o for o in OFFERS if o not in fixed]
    inside = frozenset(o for o, bought in fixed.items() if bought)
    allowed = {inside | set(extra) for n in range(len(free) + 1) for extra in itertools.combinations(free, n)}
    assert len(out) == len(allowed) and {s for _, s in out} == allowed
    assert all(b == sum(cost[o] for o in s) for b, s in out)
    assert [b for b, _ in out] == sorted(b for b, _ in out)


def test_a_limit_reached_while_a_node_is_solved_leaves_it_in_the_tree() -> None:
    """The search stops (its time or run limit) inside a solve: the node being solved stays in the tree, so what
    the tree says no set left can cost less than still holds for every set that has not come out."""
    cost = {"a": -3, "b": 2, "c": -1, "d": 5}
    solve, calls = additive(cost, frozenset())

    class Limit(Exception):
        pass

    for stop_at in range(1, 12):

        def limited(
            inside: frozenset[str], outside: frozenset[str], start: object = None, stop_at: int = stop_at
        ) -> Bound | None:
            if len(calls) + 1 == stop_at:
                raise Limit
            return solve(inside, outside, start)

        calls.clear()
        sets = Sets(COLUMNS, limited, {})
        out: set[frozenset[str]] = set()
        try:
            while (found := sets.next()) is not None:
                out.add(frozenset(found[1] or ()))
        except Limit:
            pass
        everything = {frozenset(s) for n in range(5) for s in itertools.combinations(OFFERS, n)}
        left = [sum(cost[o] for o in s) for s in everything - out]
        lowest = sets.lowest()
        assert left and lowest is not None and lowest <= min(left), stop_at
