"""Declarative field specs: one description of a file format that both checks a node tree and emits JSON Schema.

A spec turns a located YAML node into plain Python values (Decimal, date, str, bool, and
`Obj`/`Items` containers that remember where each value was written) or records a
`Problem` for each thing wrong, so a user sees every mistake of a file in one run.
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from .yamlsrc import Map, Mark, Node, Scalar, Seq, Source

_NUMBER = re.compile(r"^[+-]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NULLS = {"", "~", "null", "Null", "NULL"}
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_NEAR_BOOLS = {"yes", "no", "on", "off", "y", "n", "Yes", "No", "On", "Off"}


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()


class Obj(dict[str, Any]):
    """A checked mapping that remembers where it and each of its values were written."""

    mark: Mark
    marks: dict[str, Mark]
    path: str

    def at(self, key: str) -> Mark:
        return self.marks.get(key, self.mark)

    def sub(self, key: str) -> str:
        return join(self.path, key)


class Items(list[Any]):
    """A checked list that remembers where it and each item were written."""

    mark: Mark
    marks: list[Mark]
    path: str


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def suggest(word: str, options: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    if len(options) <= 12:
        return "; expected one of: " + ", ".join(sorted(options))
    return ""


def describe(node: Node) -> str:
    if isinstance(node, Map):
        return "a mapping"
    if isinstance(node, Seq):
        return "a list"
    if node.plain and node.value in _NULLS:
        return "nothing"
    if not node.plain:
        return f"the quoted text '{node.value}'"
    return f"'{node.value}'"


class Spec:
    doc: str = ""

    def check(self, node: Node, path: str, src: Source) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def _wrong(self, node: Node, path: str, src: Source, expected: str) -> Any:
        src.problems.append(src.problem(node.mark, path, f"expected {expected}, got {describe(node)}"))
        return INVALID

    def _with_doc(self, schema: dict[str, Any]) -> dict[str, Any]:
        if self.doc:
            schema["description"] = self.doc
        return schema


class Num(Spec):
    """A finite decimal number, read from its text (never through a float)."""

    __slots__ = ("minimum", "maximum", "exclusive_minimum", "integer", "doc")

    def __init__(
        self,
        minimum: Decimal | None = Decimal(0),
        maximum: Decimal | None = None,
        exclusive_minimum: bool = False,
        integer: bool = False,
        doc: str = "",
    ) -> None:
        self.minimum = minimum
        self.maximum = maximum
        self.exclusive_minimum = exclusive_minimum
        self.integer = integer
        self.doc = doc

    def check(self, node: Node, path: str, src: Source) -> Any:
        kind = "a whole number" if self.integer else "a number"
        if not isinstance(node, Scalar) or not node.plain or node.value in _NULLS:
            return self._wrong(node, path, src, kind)
        text = node.value
        if text.lower().lstrip("+-") in (".nan", ".inf", "nan", "inf", "infinity"):
            src.problems.append(src.problem(node.mark, path, f"expected a finite number, got '{text}'"))
            return INVALID
        if not _NUMBER.match(text):
            return self._wrong(node, path, src, kind)
        try:
            value = Decimal(text.replace("_", ""))
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid numbers
            return self._wrong(node, path, src, kind)
        if not value.is_finite() or abs(value.adjusted()) > 15:
            src.problems.append(src.problem(node.mark, path, f"number '{text}' is out of range"))
            return INVALID
        if self.integer and value != value.to_integral_value():
            return self._wrong(node, path, src, kind)
        if self.minimum is not None:
            low = self.minimum
            if value < low or (self.exclusive_minimum and value == low):
                bound = f"greater than {low}" if self.exclusive_minimum else f"at least {low}"
                message = f"must be {bound}, got {text}"
                if value < 0 <= low:
                    message = f"must not be negative, got {text}"
                src.problems.append(src.problem(node.mark, path, message))
                return INVALID
        if self.maximum is not None and value > self.maximum:
            src.problems.append(src.problem(node.mark, path, f"must be at most {self.maximum}, got {text}"))
            return INVALID
        return value + 0 if value == 0 else value  # -0 reads as 0

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "integer" if self.integer else "number"}
        if self.minimum is not None:
            key = "exclusiveMinimum" if self.exclusive_minimum else "minimum"
            schema[key] = int(self.minimum) if self.minimum == int(self.minimum) else float(self.minimum)
        if self.maximum is not None:
            schema["maximum"] = int(self.maximum) if self.maximum == int(self.maximum) else float(self.maximum)
        return self._with_doc(schema)


class Text(Spec):
    __slots__ = ("choices", "pattern", "max_length", "doc")

    def __init__(
        self, choices: tuple[str, ...] | None = None, pattern: str | None = None, max_length: int = 200, doc: str = ""
    ) -> None:
        self.choices = choices
        self.pattern = pattern
        self.max_length = max_length
        self.doc = doc

    def check(self, node: Node, path: str, src: Source) -> Any:
        if not isinstance(node, Scalar) or (node.plain and node.value in _NULLS):
            return self._wrong(node, path, src, "text" if not self.choices else "one of " + ", ".join(self.choices))
        value = node.value
        if not value.strip():
            src.problems.append(src.problem(node.mark, path, "must not be empty"))
            return INVALID
        if self.choices is not None and value not in self.choices:
            src.problems.append(src.problem(node.mark, path, f"unknown value '{value}'{suggest(value, self.choices)}"))
            return INVALID
        if len(value) > self.max_length:
            src.problems.append(src.problem(node.mark, path, f"text longer than {self.max_length} characters"))
            return INVALID
        if self.pattern and not re.fullmatch(self.pattern, value):
            src.problems.append(src.problem(node.mark, path, f"'{value}' does not match {self.pattern}"))
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
            src.problems.append(src.problem(node.mark, path, f"expected true or false, got '{node.value}'"))
            return INVALID
        return self._wrong(node, path, src, "true or false")

    def json_schema(self) -> dict[str, Any]:
        return self._with_doc({"type": "boolean"})


class Day(Spec):
    """A calendar date written YYYY-MM-DD."""

    __slots__ = ("doc",)

    def __init__(self, doc: str = "") -> None:
        self.doc = doc

    def check(self, node: Node, path: str, src: Source) -> Any:
        if not isinstance(node, Scalar) or not _DATE.match(node.value):
            return self._wrong(node, path, src, "a date (YYYY-MM-DD)")
        try:
            value = date.fromisoformat(node.value)
        except ValueError:
            src.problems.append(src.problem(node.mark, path, f"'{node.value}' is not a real calendar date"))
            return INVALID
        if value.year < 2000 or value.year > 2200:
            src.problems.append(src.problem(node.mark, path, f"date {node.value} is outside 2000-2200"))
            return INVALID
        return value

    def json_schema(self) -> dict[str, Any]:
        return self._with_doc({"type": "string", "format": "date"})


class ListOf(Spec):
    __slots__ = ("item", "min_items", "max_items", "doc")

    def __init__(self, item: Spec, min_items: int = 0, max_items: int = 1000, doc: str = "") -> None:
        self.item = item
        self.min_items = min_items
        self.max_items = max_items
        self.doc = doc

    def check(self, node: Node, path: str, src: Source) -> Any:
        if not isinstance(node, Seq):
            return self._wrong(node, path, src, "a list")
        if len(node.items) < self.min_items:
            src.problems.append(src.problem(node.mark, path, f"needs at least {self.min_items} item(s)"))
            return INVALID
        if len(node.items) > self.max_items:
            src.problems.append(src.problem(node.mark, path, f"has more than {self.max_items} items"))
            return INVALID
        out = Items(self.item.check(child, join(path, i), src) for i, child in enumerate(node.items))
        out.mark, out.marks, out.path = node.mark, [child.mark for child in node.items], path
        return INVALID if any(v is INVALID for v in out) else out

    def json_schema(self) -> dict[str, Any]:
        schema = {"type": "array", "items": self.item.json_schema(), "maxItems": self.max_items}
        if self.min_items:
            schema["minItems"] = self.min_items
        return self._with_doc(schema)


class Field(NamedTuple):
    spec: Spec
    required: bool = False
    default: Any = None


class Record(Spec):
    """A mapping with a fixed set of keys; an unknown key is an error with a did-you-mean."""

    __slots__ = ("fields", "doc", "one_of", "title")

    def __init__(
        self, fields: dict[str, Field], doc: str = "", one_of: tuple[tuple[str, ...], ...] = (), title: str = ""
    ) -> None:
        self.fields = fields
        self.doc = doc
        self.one_of = one_of
        self.title = title

    def check(self, node: Node, path: str, src: Source) -> Any:
        if not isinstance(node, Map):
            return self._wrong(node, path, src, "a mapping")
        out = Obj()
        out.mark, out.marks, out.path = node.mark, {}, path
        ok = True
        for key, child in node.items.items():
            spec = self.fields.get(key)
            if key == "<<":
                src.problems.append(
                    src.problem(node.key_marks[key], path, "YAML merge keys (<<) are not supported; write the keys out")
                )
                ok = False
                continue
            if spec is None:
                src.problems.append(
                    src.problem(
                        node.key_marks[key], join(path, key), f"unknown key '{key}'{suggest(key, tuple(self.fields))}"
                    )
                )
                ok = False
                continue
            value = spec.spec.check(child, join(path, key), src)
            out.marks[key] = child.mark
            if value is INVALID:
                ok = False
            out[key] = value
        for key, spec in self.fields.items():
            if key in node.items:
                continue
            if spec.required:
                src.problems.append(src.problem(node.mark, join(path, key), "required key is missing"))
                ok = False
            elif spec.default is not None:
                out[key] = spec.default
        for group in self.one_of:
            given = [k for k in group if k in node.items]
            if len(given) != 1:
                what = "both " + " and ".join(given) if given else "none"
                src.problems.append(
                    src.problem(node.mark, path, f"give exactly one of {', '.join(group)} (got {what})")
                )
                ok = False
        return out if ok else INVALID

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "object",
            "additionalProperties": False,
            "properties": {k: f.spec.json_schema() for k, f in self.fields.items()},
        }
        required = [k for k, f in self.fields.items() if f.required]
        if required:
            schema["required"] = required
        if self.one_of:
            schema["allOf"] = [{"oneOf": [{"required": [k]} for k in group]} for group in self.one_of]
        if self.title:
            schema["title"] = self.title
        return self._with_doc(schema)


class MapOf(Spec):
    """A mapping from ids the user chooses to values of one spec."""

    __slots__ = ("value", "key_pattern", "min_items", "max_items", "doc")

    def __init__(
        self,
        value: Spec,
        key_pattern: str = r"[a-z0-9][a-z0-9._-]{0,63}",
        min_items: int = 0,
        max_items: int = 500,
        doc: str = "",
    ) -> None:
        self.value = value
        self.key_pattern = key_pattern
        self.min_items = min_items
        self.max_items = max_items
        self.doc = doc

    def check(self, node: Node, path: str, src: Source) -> Any:
        if not isinstance(node, Map):
            return self._wrong(node, path, src, "a mapping of ids")
        out = Obj()
        out.mark, out.marks, out.path = node.mark, {}, path
        ok = True
        if len(node.items) < self.min_items:
            src.problems.append(src.problem(node.mark, path, f"needs at least {self.min_items} entry"))
            ok = False
        if len(node.items) > self.max_items:
            src.problems.append(src.problem(node.mark, path, f"has more than {self.max_items} entries"))
            return INVALID
        for key, child in node.items.items():
            if not re.fullmatch(self.key_pattern, key):
                src.problems.append(
                    src.problem(
                        node.key_marks[key], join(path, key), "ids use lower-case letters, digits, '.', '_' and '-'"
                    )
                )
                ok = False
                continue
            value = self.value.check(child, join(path, key), src)
            out.marks[key] = node.key_marks[key]
            ok = ok and value is not INVALID
            out[key] = value
        return out if ok else INVALID

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "object",
            "propertyNames": {"pattern": f"^{self.key_pattern}$"},
            "additionalProperties": self.value.json_schema(),
        }
        if self.min_items:
            schema["minProperties"] = self.min_items
        return self._with_doc(schema)


class Tagged(Spec):
    """A mapping whose `kind` key chooses which record spec the rest must follow."""

    __slots__ = ("kinds", "tag", "doc")

    def __init__(self, kinds: dict[str, Record], tag: str = "kind", doc: str = "") -> None:
        self.kinds = kinds
        self.tag = tag
        self.doc = doc

    def check(self, node: Node, path: str, src: Source) -> Any:
        if not isinstance(node, Map):
            return self._wrong(node, path, src, "a mapping")
        kind_node = node.items.get(self.tag)
        if kind_node is None:
            src.problems.append(
                src.problem(
                    node.mark, join(path, self.tag), f"required key is missing (one of: {', '.join(self.kinds)})"
                )
            )
            return INVALID
        kind = Text(choices=tuple(self.kinds)).check(kind_node, join(path, self.tag), src)
        if kind is INVALID:
            return INVALID
        record = self.kinds[kind]
        inner = Map({k: v for k, v in node.items.items() if k != self.tag}, node.key_marks, node.mark)
        out = record.check(inner, path, src)
        if out is not INVALID:
            out[self.tag] = kind
            out.marks[self.tag] = kind_node.mark
        return out

    def json_schema(self) -> dict[str, Any]:
        variants = []
        for kind, record in self.kinds.items():
            schema = record.json_schema()
            schema["properties"] = {self.tag: {"const": kind}, **schema["properties"]}
            schema["required"] = [self.tag, *schema.get("required", [])]
            variants.append(schema)
        return self._with_doc({"oneOf": variants})


def check(src: Source, spec: Spec) -> Any:
    """Check a whole document; the caller raises when src.problems is not empty."""
    if not isinstance(src.root, Map):
        src.problems.append(
            src.problem(src.root.mark, "", f"expected a mapping at the top of the file, got {describe(src.root)}")
        )
        return INVALID
    return spec.check(src.root, "", src)
