"""Specs of containers: lists, records with a fixed set of keys, mappings of ids, and records tagged by kind."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from ..messages import And, Msg, Words, msg
from ..yamlsrc import Map, Node, Seq, Source
from .base import INVALID, Items, Obj, Spec, join, suggest
from .scalars import Text


class ListOf(Spec):
    __slots__ = ("item", "min_items", "max_items", "unique", "doc")

    def __init__(
        self, item: Spec, min_items: int = 0, max_items: int = 1000, unique: bool = False, doc: str = ""
    ) -> None:
        self.item = item
        self.min_items = min_items
        self.max_items = max_items
        self.unique = unique  # an item given twice is a mistake (a weekday listed twice), said where it repeats
        self.doc = doc

    def check(self, node: Node, path: str, src: Source) -> Any:
        if not isinstance(node, Seq):
            return self._wrong(node, path, src, msg("expected.list"))
        if len(node.items) < self.min_items:
            src.problems.append(src.problem(node.mark, path, msg("spec.min-items", count=self.min_items)))
            return INVALID
        if len(node.items) > self.max_items:
            src.problems.append(src.problem(node.mark, path, msg("spec.max-items", count=self.max_items)))
            return INVALID
        out = Items(self.item.check(child, join(path, i), src) for i, child in enumerate(node.items))
        out.mark, out.marks, out.path = node.mark, [child.mark for child in node.items], path
        if any(v is INVALID for v in out):
            return INVALID
        if self.unique:
            for i, value in enumerate(out):
                if value in out[:i]:
                    src.problems.append(src.problem(out.marks[i], join(path, i), msg("spec.repeated", text=value)))
                    return INVALID
        return out

    def json_schema(self) -> dict[str, Any]:
        schema = {"type": "array", "items": self.item.json_schema(), "maxItems": self.max_items}
        if self.min_items:
            schema["minItems"] = self.min_items
        if self.unique:
            schema["uniqueItems"] = True
        return self._with_doc(schema)


MERGE_KEY = "<<"  # YAML's merge key: refused, so that what a record holds is what its file writes


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
        self.one_of = tuple(tuple(str(k) for k in group) for group in one_of)
        self.title = title

    def check(self, node: Node, path: str, src: Source) -> Any:
        if not isinstance(node, Map):
            return self._wrong(node, path, src, msg("expected.mapping"))
        out = Obj()
        out.mark, out.marks, out.path = node.mark, {}, path
        ok = True
        for key, child in node.items.items():
            spec = self.fields.get(key)
            if key == MERGE_KEY:
                src.problems.append(src.problem(node.key_marks[key], path, msg("spec.merge-key")))
                ok = False
                continue
            if spec is None:
                src.problems.append(
                    src.problem(
                        node.key_marks[key],
                        join(path, key),
                        msg("spec.unknown-key", key=key, hint=suggest(key, tuple(self.fields))),
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
                src.problems.append(src.problem(node.mark, join(path, key), msg("spec.required")))
                ok = False
            elif spec.default is not None:
                out[key] = spec.default  # defaults are immutable (a tuple, not a list), so parses share nothing
        for group in self.one_of:
            given = [k for k in group if k in node.items]
            if len(given) != 1:
                code, args = ("spec.one-of-many", {"given": And(given)}) if given else ("spec.one-of-none", {})
                src.problems.append(src.problem(node.mark, path, Msg(code, {"keys": group, **args})))
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


ID_PATTERN = r"[a-z0-9][a-z0-9._-]{0,63}"  # ids a user chooses: specs, offers


class MapOf(Spec):
    """A mapping from ids the user chooses to values of one spec."""

    __slots__ = ("value", "key_pattern", "min_items", "max_items", "doc")

    def __init__(
        self,
        value: Spec,
        key_pattern: str = ID_PATTERN,
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
            return self._wrong(node, path, src, msg("expected.id-mapping"))
        out = Obj()
        out.mark, out.marks, out.path = node.mark, {}, path
        ok = True
        if len(node.items) < self.min_items:
            src.problems.append(src.problem(node.mark, path, msg("spec.min-entries", count=self.min_items)))
            ok = False
        if len(node.items) > self.max_items:
            src.problems.append(src.problem(node.mark, path, msg("spec.max-entries", count=self.max_items)))
            return INVALID
        for key, child in node.items.items():
            if not re.fullmatch(self.key_pattern, key):
                src.problems.append(src.problem(node.key_marks[key], join(path, key), msg("spec.id-pattern")))
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
            return self._wrong(node, path, src, msg("expected.mapping"))
        kind_node = node.items.get(self.tag)
        if kind_node is None and MERGE_KEY in node.items:  # the kind may be behind the merge key: say that first
            src.problems.append(src.problem(node.key_marks[MERGE_KEY], path, msg("spec.merge-key")))
            return INVALID
        if kind_node is None:
            src.problems.append(
                src.problem(node.mark, join(path, self.tag), msg("spec.kind-missing", kinds=tuple(self.kinds)))
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


class TextOrMap(Spec):
    """Either one text, or a mapping of names to texts (a source for a whole entry, or one per field)."""

    __slots__ = ("text", "mapping", "doc")

    def __init__(self, text: Text, mapping: MapOf, doc: str = "") -> None:
        self.text = text
        self.mapping = mapping
        self.doc = doc

    def check(self, node: Node, path: str, src: Source) -> Any:
        if isinstance(node, Map):
            return self.mapping.check(node, path, src)
        if isinstance(node, Seq):
            return self._wrong(node, path, src, msg("expected.text-or-mapping"))
        return self.text.check(node, path, src)

    def json_schema(self) -> dict[str, Any]:
        return self._with_doc({"oneOf": [self.text.json_schema(), self.mapping.json_schema()]})


class Prose(Spec):
    """Prose for people, in one language or several: a text, or a mapping of language codes to texts
    ({en: ..., zh: ...}). Read as Words: each output picks its language's text."""

    __slots__ = ("text", "languages", "doc")

    def __init__(self, text: Text, languages: tuple[str, ...], doc: str = "") -> None:
        self.text = text
        self.languages = languages
        self.doc = doc

    def _record(self) -> Record:
        return Record({lang: Field(self.text) for lang in self.languages})

    def check(self, node: Node, path: str, src: Source) -> Any:
        if isinstance(node, Seq):
            return self._wrong(node, path, src, msg("expected.prose"))
        if not isinstance(node, Map):
            value = self.text.check(node, path, src)
            return INVALID if value is INVALID else Words.plain(value)
        found = self._record().check(node, path, src)
        if found is INVALID:
            return INVALID
        if not found:
            src.problems.append(src.problem(node.mark, path, msg("spec.prose-empty", languages=self.languages)))
            return INVALID
        return Words(tuple((lang, found[lang]) for lang in self.languages if lang in found))

    def json_schema(self) -> dict[str, Any]:
        by_language = self._record().json_schema() | {"minProperties": 1}
        return self._with_doc({"oneOf": [self.text.json_schema(), by_language]})
