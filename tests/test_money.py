"""Exact amounts (money.py): the fast rational Q agrees with Fraction, and the sheet's rounding rules round right."""

from __future__ import annotations

import operator
from decimal import Context, Decimal
from fractions import Fraction

import pytest
from helpers import examples
from hypothesis import given
from hypothesis import strategies as st

from artlab_cost.money import ZERO, Q, decimal_text, is_finite_decimal, q, round_to, to_decimal, total
from artlab_cost.pricing import Rounding

rationals = st.fractions(min_value=-(10**9), max_value=10**9, max_denominator=10**6)
ints = st.integers(-(10**6), 10**6)
OPS = [operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv]
CMPS = [operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne]


@examples(150)
@given(rationals, rationals | ints, st.sampled_from(OPS + CMPS), st.booleans())
def test_q_agrees_with_fraction(a: Fraction, b: Fraction | int, op: object, swap: bool) -> None:
    """Every operation on Q gives exactly what Fraction gives, in lowest terms, and stays a Q with Q or int."""
    qa, qb = q(a), (q(b) if isinstance(b, Fraction) else b)
    x, y, fx, fy = (qb, qa, b, a) if swap else (qa, qb, a, b)
    if op in (operator.truediv, operator.floordiv) and fy == 0:
        with pytest.raises(ZeroDivisionError):
            op(x, y)  # type: ignore[operator]
        return
    got, want = op(x, y), op(fx, fy)  # type: ignore[operator]
    assert got == want
    if op in CMPS:
        assert type(got) is bool
    elif op is operator.floordiv:
        assert type(got) is int
    else:
        assert type(got) is Q and (got.numerator, got.denominator) == (want.numerator, want.denominator)
        assert hash(got) == hash(want)


@examples(100)
@given(rationals)
def test_q_mixes_with_other_numbers_as_a_fraction(a: Fraction) -> None:
    qa = q(a)
    assert qa == a and hash(qa) == hash(a) and str(qa) == str(a)
    assert qa + Fraction(1, 3) == a + Fraction(1, 3)
    assert (qa < Decimal("0.5")) == (a < Decimal("0.5"))  # compared exactly with a Decimal, as Fraction is
    assert -qa == -a and abs(qa) == abs(a) and bool(qa) == bool(a)
    assert sum([qa, qa], ZERO) == 2 * a


@examples(100)
@given(
    st.lists(rationals | st.sampled_from([Fraction(1, 3), Fraction(-2, 3), Fraction(5, 6)]), min_size=1), st.booleans()
)
def test_total_is_the_exact_sum_in_lowest_terms(values: list[Fraction], all_q: bool) -> None:
    """Terms of one denominator, of several (1/3, 2/3 and 5/6 reduce on the way) and plain Fractions alike."""
    terms = [q(v) for v in values] if all_q else values
    got, want = total(terms), sum(values, Fraction(0))
    assert (got.numerator, got.denominator) == (want.numerator, want.denominator)
    assert type(got) is Q or not all_q


def test_total_by_hand() -> None:
    assert total([q(Fraction(1, 6)), q(Fraction(1, 6)), q(Fraction(1, 6))]) == Fraction(1, 2)
    assert total([q(Fraction(1, 4)), q(Fraction(1, 6)), q(Fraction(7, 12))]) == 1  # 3/12 + 2/12 + 7/12
    assert total([q(Fraction(5, 7))]) == Fraction(5, 7)


@pytest.mark.parametrize(
    "value, places, rule, expected",
    [
        ("1.005", 2, Rounding.truncate, "1.00"),
        ("1.005", 2, Rounding.half_up, "1.01"),
        ("1.005", 2, Rounding.half_even, "1.00"),
        ("1.015", 2, Rounding.half_even, "1.02"),
        ("-1.005", 2, Rounding.half_up, "-1.01"),
        ("-1.009", 2, Rounding.truncate, "-1.00"),
        ("12.5", 0, Rounding.half_even, "12"),
        ("13.5", 0, Rounding.half_even, "14"),
        ("0.123456", 4, Rounding.half_up, "0.1235"),
    ],
)
def test_round_to(value: str, places: int, rule: Rounding, expected: str) -> None:
    """B20: truncate goes toward zero, half up away from zero, half even to the even neighbour."""
    assert round_to(Fraction(value), places, rule) == Fraction(expected)


def test_a_third_rounds_by_each_rule() -> None:
    third = Fraction(1, 3)
    assert round_to(third, 2, Rounding.truncate) == Fraction("0.33") == round_to(third, 2, Rounding.half_up)
    assert round_to(Fraction(2, 3), 2, Rounding.truncate) == Fraction("0.66")
    assert round_to(Fraction(2, 3), 2, Rounding.half_even) == Fraction("0.67")


def test_finite_decimals_and_their_text() -> None:
    assert (
        is_finite_decimal(Fraction(1, 8))
        and is_finite_decimal(Fraction(7, 20))
        and not is_finite_decimal(Fraction(1, 3))
    )
    assert to_decimal(Fraction(1, 8)) == Decimal("0.125")
    assert to_decimal(Fraction(1, 3)) == Decimal("0.333333333333")  # DISPLAY_PLACES, half even
    assert to_decimal(Fraction(2, 3), 2, Rounding.truncate) == Decimal("0.66")


def test_a_long_finite_decimal_is_written_exactly_whatever_its_length() -> None:
    """40 significant digits (more than the 28 of Decimal's default context), and a large amount with a third:
    the finite one whole, the other to DISPLAY_PLACES decimals with every digit before the point."""
    long = "1234567890.123456789012345678901234567891"
    assert str(to_decimal(Fraction(long))) == long
    assert str(to_decimal(-Fraction(long))) == "-" + long
    assert str(to_decimal(Fraction(10**30) + Fraction(1, 3))) == "1" + "0" * 30 + ".333333333333"
    assert str(to_decimal(Fraction(10**30) + Fraction(1, 8), 2, Rounding.half_up)) == "1" + "0" * 30 + ".13"
    assert repr(to_decimal(Fraction(100))) == "Decimal('100')" and repr(to_decimal(Fraction(0), 2)) == "Decimal('0.00')"


@examples(40)
@given(st.integers(10**28, 10**45), st.integers(-45, 5), st.booleans())
def test_every_finite_decimal_comes_back_exactly(digits: int, exponent: int, negative: bool) -> None:
    value = Decimal(f"{'-' if negative else ''}{digits}E{exponent}")  # 29 to 46 significant digits, read exactly
    assert to_decimal(Fraction(value)) == value


def test_decimal_text_by_hand() -> None:
    """Plain text, no exponent, no trailing zeros; a figure that is not a finite decimal to 12 places, half even."""
    assert [decimal_text(Fraction(v)) for v in ("0", "100", "-100", "0.5", "-0.05", "346.5", "1/8", "1E-30")] == [
        "0", "100", "-100", "0.5", "-0.05", "346.5", "0.125", "0." + "0" * 29 + "1"]  # fmt: skip
    assert decimal_text(Fraction(1, 3)) == "0.333333333333" and decimal_text(Fraction(-2, 3)) == "-0.666666666667"
    assert decimal_text(Fraction(1, 3 * 10**13)) == "0" and decimal_text(Fraction(-1, 3 * 10**13)) == "0"
    assert decimal_text(Fraction(10**12 + 1, 3 * 10**12)) == "0.333333333334"  # 0.3333333333336...: rounds up
    assert decimal_text(Fraction(3 * 10**12 - 1, 3 * 10**12)) == "1"  # 0.99999999999966...: rounds to a whole one
    assert decimal_text(Fraction(1, 2 * 10**12) + Fraction(1, 3 * 10**20)) == "0.000000000001"


@examples(200)
@given(rationals | st.fractions(max_denominator=10**15) | st.decimals(allow_nan=False, allow_infinity=False))
def test_decimal_text_is_the_normalized_decimal(value: Fraction | Decimal) -> None:
    """The same text as the decimal `to_decimal` gives (exact, or 12 places half even), normalized and written
    without an exponent."""
    amount = to_decimal(Fraction(value))
    digits = max(len(amount.as_tuple().digits), 1)  # normalize in a context as precise as the amount: it cuts nothing
    expected = "0" if amount == 0 else format(amount.normalize(Context(prec=digits)), "f")
    assert decimal_text(Fraction(value)) == expected


def test_decimal_text_writes_a_figure_of_any_length() -> None:
    """Past 4,300 digits str() of an int refuses (Python's guard against slow conversions): a figure of a scenario
    can be that long, and its text is still every digit."""
    long = "6." + "0" * 4400 + "5"
    assert decimal_text(Fraction(Decimal(long))) == long
    assert decimal_text(-Fraction(Decimal(long))) == "-" + long
    sixes = int(Decimal("6" * 5000))  # built from a Decimal: int("6" * 5000) is refused too
    assert decimal_text(Fraction(sixes)) == "6" * 5000
    assert decimal_text(Fraction(sixes + 1, 3)) == "2" * 5000 + ".333333333333"  # 222...2 and a third
