"""Safe YAML reading: a located node tree, built from parser events, that constructs no objects.

PyYAML's loaders silently keep the last of two duplicate keys, turn `0.1` into a binary
float, follow aliases without limit and recurse once per nesting level. This module reads
the event stream itself, so it can refuse each of those with a precise position, and it
leaves every scalar as text: the schema decides what a scalar means (a number becomes a
Decimal straight from its text).
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import yaml

from .errors import InputError, Problem

MAX_BYTES = 1024 * 1024  # a scenario or price sheet is a few KiB; 1 MiB is generous
MAX_DEPTH = 32  # the deepest legitimate document nests about 6 levels
MAX_NODES = 100_000  # counting every alias expansion, so an alias bomb stops here

try:  # libyaml's parser when the wheel has it (it does on the usual platforms)
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - pure-Python fallback
    _Loader = yaml.SafeLoader


class Mark(NamedTuple):
    line: int  # 1-based
    column: int  # 1-based


class Scalar(NamedTuple):
    value: str
    plain: bool  # written without quotes, so `3` may be a number and `true` a boolean
    mark: Mark


class Seq(NamedTuple):
    items: list[Node]  # filled while the document is read
    mark: Mark


class Map(NamedTuple):
    """A mapping, keys in document order; key marks point at a misspelt key itself."""

    items: dict[str, Node]
    key_marks: dict[str, Mark]
    mark: Mark


Node = Scalar | Seq | Map


class Source:
    """A file's name and its parsed top-level node."""

    __slots__ = ("name", "root", "problems")

    def __init__(self, name: str, root: Node, problems: list[Problem] | None = None) -> None:
        self.name = name
        self.root = root
        self.problems = problems if problems is not None else []

    def problem(self, mark: Mark | None, path: str, message: str) -> Problem:
        line, col = (mark.line, mark.column) if mark else (0, 0)
        return Problem(self.name, line, col, path, message)


def _mark(event: yaml.Event) -> Mark:
    m = event.start_mark
    return Mark(m.line + 1, m.column + 1) if m is not None else Mark(0, 0)


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters, as YAML counts them) of a byte offset."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    before = data[line_start:offset].decode("utf-8", errors="replace")
    return data.count(b"\n", 0, offset) + 1, len(before) + 1


def read_text(path: Path, display: str | None = None) -> str:
    """Read a file as UTF-8 text, refusing what is too big, binary or not UTF-8."""
    name = display or str(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError([Problem(name, 0, 0, "", "no such file")]) from None
    except IsADirectoryError:
        raise InputError([Problem(name, 0, 0, "", "is a directory, not a YAML file")]) from None
    except OSError as exc:
        raise InputError([Problem(name, 0, 0, "", f"cannot read: {exc.strerror}")]) from None
    if len(data) > MAX_BYTES:
        raise InputError([Problem(name, 0, 0, "", f"file is larger than {MAX_BYTES // 1024} KiB; refusing to read it")])
    if b"\x00" in data:
        line, col = _position(data, data.index(b"\x00"))
        raise InputError([Problem(name, line, col, "", "binary file (NUL byte); expected YAML text")])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _position(data, exc.start)
        raise InputError(
            [Problem(name, line, col, "", f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the file as UTF-8")]
        ) from None
    return text.removeprefix("\ufeff")


def parse(text: str, name: str) -> Source:
    """Parse YAML text into a located node tree; raise InputError on anything unsafe or ambiguous."""

    def fail(mark: Mark | None, message: str, path: str = "") -> InputError:
        line, col = (mark.line, mark.column) if mark else (0, 0)
        return InputError([Problem(name, line, col, path, message)])

    def here() -> str:
        """The field path of the node about to be attached (a key's own path while it is read)."""
        if not stack:
            return ""
        parent, _, _, path = stack[-1]
        if isinstance(parent, Seq):
            return f"{path}[{len(parent.items)}]"
        key = pending_key[-1]
        return f"{path}.{key[0]}" if key and path else (key[0] if key else path)

    anchors: dict[str, tuple[Node, int]] = {}
    stack: list[tuple[Seq | Map, str | None, int, str]] = []  # container, anchor, node count at start, path
    pending_key: list[tuple[str, Mark] | None] = []
    root: Node | None = None
    documents = 0
    nodes = 0

    def attach(node: Node, mark: Mark) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        parent = stack[-1][0]
        if isinstance(parent, Seq):
            parent.items.append(node)
            return
        key = pending_key[-1]
        if key is None:
            if not isinstance(node, Scalar):
                raise fail(mark, "a mapping key must be a plain name, not a list or mapping")
            if node.value in parent.key_marks:
                first = parent.key_marks[node.value]
                path = stack[-1][3]
                raise fail(
                    mark,
                    f"duplicate key '{node.value}' (first defined at line {first.line})",
                    f"{path}.{node.value}" if path else node.value,
                )
            pending_key[-1] = (node.value, mark)
            parent.key_marks[node.value] = mark
        else:
            parent.items[key[0]] = node
            pending_key[-1] = None

    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
                continue
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise fail(_mark(event), "more than one YAML document in the file; expected one")
                continue
            mark = _mark(event)
            tag = getattr(event, "tag", None)
            if tag is not None and tag not in ("!", "tag:yaml.org,2002:str"):
                raise fail(mark, f"YAML tag '{tag}' is not allowed here; write plain values", here())
            if isinstance(event, yaml.AliasEvent):
                if event.anchor not in anchors:
                    raise fail(mark, f"unknown alias '*{event.anchor}'")
                node, size = anchors[event.anchor]
                nodes += size
                if nodes > MAX_NODES:
                    raise fail(mark, f"document expands to more than {MAX_NODES} values (alias bomb?)")
                attach(node, mark)
                continue
            nodes += 1
            if nodes > MAX_NODES:
                raise fail(mark, f"document has more than {MAX_NODES} values")
            if isinstance(event, yaml.ScalarEvent):
                plain = not event.style and event.implicit[0]
                scalar = Scalar(event.value, plain, mark)
                if event.anchor:
                    anchors[event.anchor] = (scalar, 1)
                attach(scalar, mark)
            elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                if len(stack) >= MAX_DEPTH:
                    raise fail(mark, f"nested deeper than {MAX_DEPTH} levels")
                container: Seq | Map = (
                    Seq([], mark) if isinstance(event, yaml.SequenceStartEvent) else Map({}, {}, mark)
                )
                path = here()
                attach(container, mark)
                stack.append((container, event.anchor, nodes, path))
                pending_key.append(None)
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                container, anchor, started, _ = stack.pop()
                pending_key.pop()
                if anchor:
                    anchors[anchor] = (container, nodes - started + 1)
    except yaml.MarkedYAMLError as exc:
        m = exc.problem_mark
        where = Mark(m.line + 1, m.column + 1) if m else None
        raise fail(where, f"invalid YAML: {exc.problem}") from None
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml reports everything as marked
        raise fail(None, f"invalid YAML: {exc}") from None
    if root is None or (isinstance(root, Scalar) and root.plain and root.value in ("", "~", "null")):
        raise fail(None, "file is empty; expected a YAML mapping")
    return Source(name, root)


def load(path: Path, display: str | None = None) -> Source:
    name = display or str(path)
    return parse(read_text(path, name), name)
