"""Specs of single values: numbers read exactly from their text, text, flags and dates."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from ..messages import msg
from ..yamlsrc import Node, Scalar, Source
from .base import INVALID, NULLS, Spec, suggest

# ASCII digits only, as YAML reads numbers: `\d` alone would take ٤٠ or １０ (and Decimal reads them as 40, 10).
# Digits may be grouped by one underscore between two of them, as Python writes 1_000_000; YAML 1.1 would also read
# 1_0_ or 1__0 as 10, which is a slip of the keyboard more likely than a number, so those are refused.
_DIGITS = r"\d+(?:_\d+)*"
_NUMBER = re.compile(rf"^[+-]?({_DIGITS}(\.({_DIGITS})?)?|\.{_DIGITS})([eE][+-]?{_DIGITS})?$", re.ASCII)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NEAR_BOOLS = {"yes", "no", "on", "off", "y", "n", "Yes", "No", "On", "Off"}


class Num(Spec):
    """A finite decimal number, read from its text (never through a float)."""

    __slots__ = ("minimum", "maximum", "exclusive_minimum", "integer", "places", "doc")

    def __init__(
        self,
        minimum: Decimal | None = Decimal(0),
        maximum: Decimal | None = None,
        exclusive_minimum: bool = False,
        integer: bool = False,
        places: int | None = None,  # at most so many decimals (an amount of yuan paid: 2, to the fen)
        doc: str = "",
    ) -> None:
        self.minimum = minimum
        self.maximum = maximum
        self.exclusive_minimum = exclusive_minimum
        self.integer = integer
        self.places = places
        self.doc = doc

    def check(self, node: Node, path: str, src: Source) -> Any:
        kind = msg("expected.whole-number" if self.integer else "expected.number")
        if not isinstance(node, Scalar) or not node.plain or node.value in NULLS:
            return self._wrong(node, path, src, kind)
        text = node.value
        if text.lower().lstrip("+-") in (".nan", ".inf", "nan", "inf", "infinity"):
            src.problems.append(src.problem(node.mark, path, msg("spec.not-finite", text=text)))
            return INVALID
        if not _NUMBER.match(text):
            return self._wrong(node, path, src, kind)
        try:
            value = Decimal(text.replace("_", ""))
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
            return self._wrong(node, path, src, kind)
        if not value.is_finite() or abs(value.adjusted()) > 15:
            src.problems.append(src.problem(node.mark, path, msg("spec.out-of-range", text=text)))
            return INVALID
        if self.integer and value != value.to_integral_value():
            return self._wrong(node, path, src, kind)
        if self.minimum is not None:
            low = self.minimum
            if value < low or (self.exclusive_minimum and value == low):
                code = "spec.greater-than" if self.exclusive_minimum else "spec.at-least"
                if value < 0 <= low:
                    code = "spec.negative"
                src.problems.append(src.problem(node.mark, path, msg(code, low=low, text=text)))
                return INVALID
        if self.maximum is not None and value > self.maximum:
            src.problems.append(src.problem(node.mark, path, msg("spec.at-most", high=self.maximum, text=text)))
            return INVALID
        if self.places is not None and value != value.quantize(Decimal(1).scaleb(-self.places)):
            src.problems.append(src.problem(node.mark, path, msg("spec.places", places=self.places, text=text)))
            return INVALID
        return value + 0 if value == 0 else value  # -0 reads as 0

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "integer" if self.integer else "number"}
        if self.minimum is not None:
            key = "exclusiveMinimum" if self.exclusive_minimum else "minimum"
            schema[key] = int(self.minimum) if self.minimum == int(self.minimum) else float(self.minimum)
        if self.maximum is not None:
            schema["maximum"] = int(self.maximum) if self.maximum == int(self.maximum) else float(self.maximum)
        if self.places is not None:
            schema["multipleOf"] = float(Decimal(1).scaleb(-self.places))
        return self._with_doc(schema)


class Text(Spec):
    __slots__ = ("choices", "pattern", "max_length", "doc")

    def __init__(
        self, choices: tuple[str, ...] | None = None, pattern: str | None = None, max_length: int = 200, doc: str = ""
    ) -> None:
        self.choices = tuple(str(c) for c in choices) if choices is not None else None  # ids as written, not terms
        self.pattern = pattern
        self.max_length = max_length
        self.doc = doc

    def check(self, node: Node, path: str, src: Source) -> Any:
        if not isinstance(node, Scalar) or (node.plain and node.value in NULLS):
            expected = msg("expected.one-of", options=self.choices) if self.choices else msg("expected.text")
            return self._wrong(node, path, src, expected)
        value = node.value
        if not value.strip():
            src.problems.append(src.problem(node.mark, path, msg("spec.empty-text")))
            return INVALID
        if self.choices is not None and value not in self.choices:
            src.problems.append(
                src.problem(node.mark, path, msg("spec.unknown-value", value=value, hint=suggest(value, self.choices)))
            )
            return INVALID
        if len(value) > self.max_length:
            src.problems.append(src.problem(node.mark, path, msg("spec.too-long", limit=self.max_length)))
            return INVALID
        if self.pattern and not re.fullmatch(self.pattern, value):
            src.problems.append(src.problem(node.mark, path, msg("spec.pattern", value=value, pattern=self.pattern)))
            return INVALID
        return value

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "maxLength": self.max_length}
        if self.choices is not None:
            schema["enum"] = list(self.choices)
        if self.pattern:
            schema["pattern"] = f"^{self.pattern}$"
        return self._with_doc(schema)


class Flag(Spec):
    __slots__ = ("doc",)

    def __init__(self, doc: str = "") -> None:
        self.doc = doc

    def check(self, node: Node, path: str, src: Source) -> Any:
        if isinstance(node, Scalar) and node.plain and node.value in _BOOLS:
            return _BOOLS[node.value]
        if isinstance(node, Scalar) and node.value in _NEAR_BOOLS:
            src.problems.append(src.problem(node.mark, path, msg("spec.near-bool", value=node.value)))
            return INVALID
        return self._wrong(node, path, src, msg("expected.flag"))

    def json_schema(self) -> dict[str, Any]:
        return self._with_doc({"type": "boolean"})


class Day(Spec):
    """A calendar date written YYYY-MM-DD."""

    __slots__ = ("doc",)

    def __init__(self, doc: str = "") -> None:
        self.doc = doc

    def check(self, node: Node, path: str, src: Source) -> Any:
        if not isinstance(node, Scalar) or not _DATE.match(node.value):
            return self._wrong(node, path, src, msg("expected.date"))
        try:
            value = date.fromisoformat(node.value)
        except ValueError:
            src.problems.append(src.problem(node.mark, path, msg("spec.not-a-date", value=node.value)))
            return INVALID
        if value.year < 2000 or value.year > 2200:
            src.problems.append(src.problem(node.mark, path, msg("spec.date-range", value=node.value)))
            return INVALID
        return value

    def json_schema(self) -> dict[str, Any]:
        return self._with_doc({"type": "string", "format": "date"})
