"""Pseudo-costs: the rise of a bound per unit of fraction, learnt from splits, worked out by hand."""

from __future__ import annotations

from fractions import Fraction

from artlab_cost.plans.branching import FLOOR, PseudoCosts, split


def test_a_column_never_split_is_scored_by_its_price() -> None:
    # at x = n + 1/4, a 8-yuan pack: down 8 x 1/4 = 2, up 8 x 3/4 = 6
    assert PseudoCosts().score(3, 0.25, 8.0) == 2.0 * 6.0


def test_a_split_teaches_its_column_the_rise_per_unit_of_fraction() -> None:
    costs = PseudoCosts()
    # split at 1/4 of a region bounded at 100: the part below rose by 1 (1 / (1/4) = 4 a unit), the part above by
    # 6 (6 / (3/4) = 8 a unit)
    costs.learn(0, 0.25, Fraction(100), Fraction(101), Fraction(106))
    # at x = n + 1/2 the pack's price no longer counts: down 4 x 1/2 = 2, up 8 x 1/2 = 4
    assert costs.score(0, 0.5, 1000.0) == 2.0 * 4.0
    # another split of column 0, at 1/2: down rose by 3 (6 a unit), up by 1 (2 a unit): the means are 5 and 5
    costs.learn(0, 0.5, Fraction(50), Fraction(53), Fraction(51))
    assert costs.score(0, 0.5, 1000.0) == 2.5 * 2.5
    # the other columns keep their prices
    assert costs.score(1, 0.5, 2.0) == 1.0 * 1.0


def test_a_part_with_no_plan_teaches_nothing_of_its_way() -> None:
    costs = PseudoCosts()
    costs.learn(0, 0.5, Fraction(10), None, Fraction(12))  # up: 2 / (1/2) = 4 a unit; down: still the price
    assert costs.score(0, 0.5, 6.0) == 3.0 * 2.0


def test_a_split_that_moves_nothing_still_scores_its_other_way() -> None:
    costs = PseudoCosts()
    costs.learn(0, 0.5, Fraction(10), Fraction(10), Fraction(14))  # down 0 a unit, up 8
    costs.learn(1, 0.5, Fraction(10), Fraction(10), Fraction(12))  # down 0 a unit, up 4
    assert costs.score(0, 0.5, 1.0) == FLOOR * 4.0
    assert costs.score(0, 0.5, 1.0) > costs.score(1, 0.5, 1.0) == FLOOR * 2.0


def test_a_region_is_split_in_two_on_its_fraction_of_best_score() -> None:
    # columns 0 and 2 are fractional: 0 at 1.5 of a 2-yuan pack (1 x 1 = 1), 2 at 0.5 of a 10-yuan pack (5 x 5);
    # column 1 is whole, column 3 fixed. Column 2 is split: x_2 <= 0 and x_2 >= 1
    prices = [2.0, 50.0, 10.0, 99.0]
    chosen = split((0, 0, 0, 1), (3, 2, 4, 1), (1.5, 1.0, 0.5, 1.0), PseudoCosts(), lambda k: prices[k])
    assert chosen == (2, 0.5, None, [(0, 0), (1, 4)])


def test_a_whole_optimum_is_split_around_its_widest_column() -> None:
    # every column whole: the widest free one, column 1 (0..5), around its value 2: below, at, above; at its
    # lower bound there is no part below
    assert split((0, 0, 1), (1, 5, 1), (1.0, 2.0, 1.0), PseudoCosts(), float) == (1, 0.0, 2, [(0, 1), (2, 2), (3, 5)])
    assert split((0, 2, 1), (1, 5, 1), (1.0, 2.0, 1.0), PseudoCosts(), float) == (1, 0.0, 2, [(2, 2), (3, 5)])


def test_a_region_of_one_point_is_not_split() -> None:
    assert split((1, 2), (1, 2), (1.0, 2.0), PseudoCosts(), float) is None
