"""Exact amounts: every quantity and yuan amount the engine computes is a `fractions.Fraction`.

Prices and quantities are read from YAML as exact decimals; a day's share of a weekly or
monthly figure (1,200 GPU-seconds a week is 1,200/7 a day), an hour's share of a GB-month or
the hours a 100-yuan pack buys at 39.54 yuan an hour are not finite decimals. Kept as
rationals, nothing is rounded until a setting of the price sheet says so: each month's
postpaid bill (`bill_rounding`, `bill_places`, B20) and, only if the sheet asks, each day's
charge (`charge_places`). The figures that are finite decimals print exactly; the others to
`DISPLAY_PLACES` decimals (render/wording.py).
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from math import gcd
from typing import TYPE_CHECKING, Any, cast

DISPLAY_PLACES = 12  # decimals shown of a figure that is not a finite decimal (JSON, CSV)


class Rounding(StrEnum):
    """How a month's postpaid bill is rounded (B20)."""

    truncate = "truncate"
    half_up = "half_up"
    half_even = "half_even"


class Q(Fraction):
    """An exact rational, a `Fraction` whose arithmetic with another Q or an int takes a short path.

    The engine does a few hundred thousand additions, multiplications and comparisons of
    rationals for a multi-year scenario; `Fraction`'s generic dispatch makes each cost about a
    microsecond. A Q is a Fraction (same value, hash and printing; mixed with any other number it
    behaves exactly as one), but Q with Q or int skips the dispatch: the same gcd-reduced results,
    two to four times faster. tests/test_money.py checks it against Fraction on random operands.
    """

    __slots__ = ()
    if TYPE_CHECKING:  # Fraction's own slots, read directly: the short path's whole point
        _numerator: int
        _denominator: int

    def __add__(a, b: Any) -> Fraction:  # type: ignore[override]
        if type(b) is Q:
            return _sum(a._numerator, a._denominator, b._numerator, b._denominator)
        if type(b) is int:
            return _q(a._numerator + b * a._denominator, a._denominator)
        return cast(Fraction, Fraction.__add__(a, b))

    __radd__ = __add__  # type: ignore[assignment]

    def __neg__(a) -> Fraction:
        return _q(-a._numerator, a._denominator)

    def __sub__(a, b: Any) -> Fraction:  # type: ignore[override]
        if type(b) is Q:
            return _sum(a._numerator, a._denominator, -b._numerator, b._denominator)
        if type(b) is int:
            return _q(a._numerator - b * a._denominator, a._denominator)
        return cast(Fraction, Fraction.__sub__(a, b))

    def __rsub__(a, b: Any) -> Fraction:  # type: ignore[override]
        if type(b) is int:
            return _q(b * a._denominator - a._numerator, a._denominator)
        return cast(Fraction, Fraction.__rsub__(a, b))

    def __mul__(a, b: Any) -> Fraction:  # type: ignore[override]
        if type(b) is Q:
            na, da, nb, db = a._numerator, a._denominator, b._numerator, b._denominator
            g1, g2 = gcd(na, db), gcd(nb, da)
            return _q((na // g1) * (nb // g2), (da // g2) * (db // g1))
        if type(b) is int:
            g = gcd(b, a._denominator)
            return _q(a._numerator * (b // g), a._denominator // g)
        return cast(Fraction, Fraction.__mul__(a, b))

    __rmul__ = __mul__  # type: ignore[assignment]

    def __truediv__(a, b: Any) -> Fraction:  # type: ignore[override]
        if type(b) is Q and b._numerator:
            nb, db = b._numerator, b._denominator
            return a * (_q(db, nb) if nb > 0 else _q(-db, -nb))
        if type(b) is int and b:
            return a * (_q(1, b) if b > 0 else _q(-1, -b))
        return cast(Fraction, Fraction.__truediv__(a, b))

    def __rtruediv__(a, b: Any) -> Fraction:  # type: ignore[override]
        if type(b) is int and a._numerator:
            n, d = a._numerator, a._denominator
            return (_q(d, n) if n > 0 else _q(-d, -n)) * b
        return cast(Fraction, Fraction.__rtruediv__(a, b))

    def __floordiv__(a, b: Any) -> int:
        if type(b) is Q:
            return (a._numerator * b._denominator) // (a._denominator * b._numerator)
        return cast(int, Fraction.__floordiv__(a, b))

    def __lt__(a, b: Any) -> bool:
        if type(b) is Q:
            return bool(a._numerator * b._denominator < b._numerator * a._denominator)
        if type(b) is int:
            return bool(a._numerator < b * a._denominator)
        return Fraction.__lt__(a, b)

    def __le__(a, b: Any) -> bool:
        if type(b) is Q:
            return bool(a._numerator * b._denominator <= b._numerator * a._denominator)
        if type(b) is int:
            return bool(a._numerator <= b * a._denominator)
        return Fraction.__le__(a, b)

    def __gt__(a, b: Any) -> bool:
        if type(b) is Q:
            return bool(a._numerator * b._denominator > b._numerator * a._denominator)
        if type(b) is int:
            return bool(a._numerator > b * a._denominator)
        return Fraction.__gt__(a, b)

    def __ge__(a, b: Any) -> bool:
        if type(b) is Q:
            return bool(a._numerator * b._denominator >= b._numerator * a._denominator)
        if type(b) is int:
            return bool(a._numerator >= b * a._denominator)
        return Fraction.__ge__(a, b)

    def __eq__(a, b: Any) -> bool:
        if type(b) is Q:
            return a._numerator == b._numerator and a._denominator == b._denominator
        if type(b) is int:
            return a._denominator == 1 and a._numerator == b
        return Fraction.__eq__(a, b)

    __hash__ = Fraction.__hash__


def _sum(na: int, da: int, nb: int, db: int) -> Q:
    """na/da + nb/db in lowest terms, both in lowest terms already (Fraction's own algorithm: the gcd of the
    denominators first, so the products stay small)."""
    g = gcd(da, db)
    if g == 1:
        return _q(na * db + da * nb, da * db)
    s = da // g
    t = na * (db // g) + nb * s
    g2 = gcd(t, g)
    return _q(t // g2, s * (db // g2))


def total(values: list[Fraction]) -> Fraction:
    """The exact sum of one or more rationals, reduced once at the end: a view that joins a month's charges adds
    thousands, mostly of one denominator, where `sum` would take a gcd at every step."""
    first = values[0]
    if type(first) is not Q:
        return sum(values[1:], first)
    n, d = first._numerator, first._denominator
    for v in values[1:]:
        if type(v) is not Q:  # another kind of number: Fraction's own arithmetic
            return sum(values[1:], first)
        e = v._denominator
        if e == d:
            n += v._numerator
        else:  # over the least common denominator, still unreduced
            g = gcd(d, e)
            n, d = n * (e // g) + v._numerator * (d // g), d // g * e
    g = gcd(n, d)
    return _q(n // g, d // g)


def _q(numerator: int, denominator: int) -> Q:
    """A Q from a numerator and a positive denominator already in lowest terms."""
    q = object.__new__(Q)
    q._numerator = numerator
    q._denominator = denominator
    return q


def q(value: Decimal | Fraction | int) -> Fraction:
    """A value read from a file (a Decimal), or any rational, as a Q."""
    f = value if isinstance(value, Fraction) else Fraction(value)
    return _q(f.numerator, f.denominator)


ZERO = q(0)


def exact(value: Decimal | int) -> Fraction:
    """A decimal read from a file, as an exact rational."""
    return q(value)


def round_to(value: Fraction, places: int, rule: Rounding) -> Fraction:
    """`value` rounded to `places` decimals: truncate (toward zero), half up (away from zero) or half even."""
    scale = 10**places
    scaled = value * scale
    whole, rest = divmod(abs(scaled.numerator), scaled.denominator)  # |scaled| = whole + rest / denominator
    twice = 2 * rest
    if rule is Rounding.truncate or twice < scaled.denominator:
        up = False
    elif twice > scaled.denominator:
        up = True
    else:  # exactly half
        up = rule is Rounding.half_up or whole % 2 == 1
    magnitude = whole + (1 if up and rest else 0)
    return Fraction(magnitude if scaled >= 0 else -magnitude, scale)


def is_finite_decimal(value: Fraction) -> bool:
    """Whether the value has a finite decimal expansion (its denominator has no prime factor but 2 and 5)."""
    return _finite_places(value.denominator) is not None


def to_decimal(value: Fraction, places: int | None = None, rule: Rounding = Rounding.half_even) -> Decimal:
    """A rational as a Decimal: exact when it is a finite decimal and `places` is None, else rounded to `places`
    (DISPLAY_PLACES when None). Exact whatever its length: built from its digits, never by dividing in a
    context (whose 28 digits would cut a long amount)."""
    if places is None:
        places = _finite_places(value.denominator)
        if places is not None:
            return _decimal(value, places)
        places = DISPLAY_PLACES
    return _decimal(round_to(value, places, rule), places)


def decimal_text(value: Fraction) -> str:
    """A rational as plain decimal text (JSON, CSV): exact when it is a finite decimal, else to DISPLAY_PLACES
    decimals, half even; no exponent, no trailing zeros, "0" for zero. Integer arithmetic only, not a Fraction
    or a Decimal built: a report writes thousands of them, and either costs several times as much."""
    n, d = value.numerator, value.denominator
    if d == 1:
        return _int_text(n)
    places = _finite_places(d)
    if places is None:  # to DISPLAY_PLACES decimals, half even (as round_to)
        places = DISPLAY_PLACES
        scaled, rest = divmod(abs(n) * 10**places, d)
        if 2 * rest > d or (2 * rest == d and scaled % 2):
            scaled += 1
        if scaled == 0:
            return "0"
    else:
        scaled = abs(n) * (10**places // d)
    digits = _int_text(scaled).rjust(places + 1, "0")
    fraction = digits[-places:].rstrip("0")
    return ("-" if n < 0 else "") + digits[:-places] + ("." + fraction if fraction else "")


def _int_text(n: int) -> str:
    """An int's digits, however many: str() refuses past 4,300 digits (sys.get_int_max_str_digits), a Decimal
    built from the int never does, and a scenario may hold a figure that long."""
    return str(n) if n.bit_length() <= 14_000 else format(Decimal(n), "f")


def _finite_places(denominator: int) -> int | None:
    """The fewest decimals that write 1/denominator exactly, or None when no number of them does (a prime factor
    other than 2 and 5)."""
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    return max(twos, fives) if denominator == 1 else None


def _decimal(value: Fraction, places: int) -> Decimal:
    """A rational whose denominator divides 10**places, as the Decimal with exactly `places` decimals."""
    digits = value.numerator * (10**places // value.denominator)
    return Decimal((int(digits < 0), Decimal(abs(digits)).as_tuple().digits, -places))  # Decimal(int) is exact
