"""The tests' own shared work (helpers.py): a plan search is shared only between calls with equal inputs."""

from __future__ import annotations

from fractions import Fraction

from helpers import _canonical


def test_the_key_of_a_search_is_its_whole_input_the_same_in_any_process() -> None:
    assert _canonical({"a": (1, Fraction(1, 3))}) == _canonical({"a": (1, Fraction(1, 3))})
    assert _canonical({"a": (1, Fraction(1, 3))}) != _canonical({"a": (1, Fraction(2, 3))})
    assert len({_canonical((1, 2)), _canonical([1, 2]), _canonical(frozenset({1, 2}))}) == 3  # kinds differ
    # a set of strings iterates in the order its process's hash seed gives; its key is in sorted order
    assert _canonical(frozenset("cab")) == "frozenset{'a', 'b', 'c'}"
