"""A usage figure known only within a range: a plain number, `{low, expected, high}`, or the shorthand `LOW..HIGH`.

Each bound is checked by the figure's own `Num` (so a range of a whole-number figure has whole
bounds, a share stays within 0 to 1), then `low <= expected <= high`. The shorthand's expected
value is the exact midpoint.
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from typing import Any, NamedTuple

from ..messages import msg
from ..yamlsrc import Map, Node, Scalar, Source
from .base import INVALID, Spec, join
from .containers import Field, Record
from .scalars import Num

ENDS = ("low", "expected", "high")
SHORTHAND = ".."
# exact arithmetic on numbers of up to 31 digits (Num admits exponents -15 to 15): the midpoint never rounds
_EXACT = decimal.Context(prec=80, traps=[decimal.Inexact])


class Span(NamedTuple):
    """A figure's three values: the expected one (what a plain number is) and the ends of its range."""

    low: Decimal
    expected: Decimal
    high: Decimal


def midpoint(low: Decimal, high: Decimal) -> Decimal:
    """The exact midpoint: half of a finite decimal is a finite decimal."""
    return _EXACT.divide(_EXACT.add(low, high), Decimal(2))


class Ranged(Spec):
    """A number, or a range of them: the value is a Decimal for a plain number and a Span for a range."""

    __slots__ = ("num", "doc")

    def __init__(self, num: Num, doc: str = "") -> None:
        self.num = num
        self.doc = doc or num.doc

    def _record(self) -> Record:
        return Record({end: Field(self.num, required=True) for end in ENDS})

    def check(self, node: Node, path: str, src: Source) -> Any:
        if isinstance(node, Map):
            found = self._record().check(node, path, src)
            if found is INVALID:
                return INVALID
            return self._ordered(Span(found["low"], found["expected"], found["high"]), node, path, src)
        if isinstance(node, Scalar) and node.plain and SHORTHAND in node.value:
            return self._shorthand(node, path, src)
        if isinstance(node, Scalar):
            return self.num.check(node, path, src)
        return self._wrong(node, path, src, self._expected())

    def _expected(self) -> Any:
        return msg("expected.whole-number-or-range" if self.num.integer else "expected.number-or-range")

    def _shorthand(self, node: Scalar, path: str, src: Source) -> Any:
        first, _, last = node.value.partition(SHORTHAND)
        low_text, high_text = first.strip(), last.strip()
        if any(side.startswith(".") or side.endswith(".") for side in (low_text, high_text)):
            # `0...5` would split as 0 and .5: a dot touching the `..` is a typo, not a decimal point to guess at
            src.problems.append(src.problem(node.mark, path, msg("spec.range-form", text=node.value)))
            return INVALID
        # each end checked where it stands in the file (low before high), when the value is the file's own text
        at_high = (
            node.mark
            if node.folded
            else node.mark._replace(column=node.mark.column + node.value.index(high_text, len(first) + len(SHORTHAND)))
        )
        low = self.num.check(Scalar(low_text, True, node.mark), join(path, "low"), src)
        high = self.num.check(Scalar(high_text, True, at_high), join(path, "high"), src)
        if low is INVALID or high is INVALID:
            return INVALID
        mid = midpoint(low, high)
        if self.num.integer and mid != mid.to_integral_value():
            src.problems.append(src.problem(node.mark, path, msg("spec.range-midpoint", text=node.value, mid=mid)))
            return INVALID
        return self._ordered(Span(low, mid + 0, high), node, path, src)

    def _ordered(self, span: Span, node: Node, path: str, src: Source) -> Any:
        if not span.low <= span.expected <= span.high:
            problem = msg("spec.range-order", low=span.low, expected=span.expected, high=span.high)
            src.problems.append(src.problem(node.mark, path, problem))
            return INVALID
        return span

    def json_schema(self) -> dict[str, Any]:
        plain = self.num.json_schema()
        plain.pop("description", None)
        number = r"[+]?\d[\d_]*(\.\d[\d_]*)?([eE][+-]?\d+)?"  # no dot at either end: `0...5` is no range
        shorthand = {"type": "string", "pattern": rf"^\s*{number}\s*\.\.\s*{number}\s*$"}
        ranged = self._record().json_schema()
        ranged["description"] = "A range: each bound as the plain figure, low <= expected <= high."
        shorthand["description"] = "LOW..HIGH: a range whose expected value is the midpoint."
        return self._with_doc({"oneOf": [plain, ranged, shorthand]})


def end_of(value: Any, end: str) -> Any:
    """A checked figure at one end of its range (`low`, `expected`, `high`); a plain figure is all three."""
    return getattr(value, end) if isinstance(value, Span) else value
