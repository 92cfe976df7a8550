"""The base of the declarative specs: the Spec interface, checked containers, and the words of a did-you-mean.

A spec turns a located YAML node into plain Python values (Decimal, date, str, bool, and
`Obj`/`Items` containers that remember where each value was written) or records a `Problem`
for each thing wrong, so a user sees every mistake of a file in one run.
"""

from __future__ import annotations

import difflib
from typing import Any

from ..messages import Msg, msg
from ..yamlsrc import Map, Mark, Node, Seq, Source

NULLS = {"", "~", "null", "Null", "NULL"}


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


class Items(list[Any]):
    """A checked list that remembers where it and each item were written."""

    mark: Mark
    marks: list[Mark]
    path: str


def join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def suggest(word: str, options: list[str] | tuple[str, ...]) -> Msg | str:
    """A did-you-mean for a misspelt id or key (or the short list of valid ones); "" when there is none."""
    names = [str(o) for o in options]  # ids as written in files, never worded as terms
    close = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    if close:
        return msg("hint.did-you-mean", word=close[0])
    if len(names) <= 12:
        return msg("hint.one-of", options=tuple(sorted(names)))
    return ""


def describe(node: Node) -> Msg:
    if isinstance(node, Map):
        return msg("got.mapping")
    if isinstance(node, Seq):
        return msg("got.list")
    if node.plain and node.value in NULLS:
        return msg("got.nothing")
    if not node.plain:
        return msg("got.quoted", text=node.value)
    return msg("got.plain", text=node.value)


class Spec:
    doc: str = ""

    def check(self, node: Node, path: str, src: Source) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def _wrong(self, node: Node, path: str, src: Source, expected: Msg) -> Any:
        src.problems.append(src.problem(node.mark, path, msg("spec.expected", expected=expected, got=describe(node))))
        return INVALID

    def _with_doc(self, schema: dict[str, Any]) -> dict[str, Any]:
        if self.doc:
            schema["description"] = self.doc
        return schema


def check(src: Source, spec: Spec) -> Any:
    """Check a whole document; the caller raises when src.problems is not empty."""
    if not isinstance(src.root, Map):
        src.problems.append(src.problem(src.root.mark, "", msg("spec.top-not-mapping", got=describe(src.root))))
        return INVALID
    return spec.check(src.root, "", src)
