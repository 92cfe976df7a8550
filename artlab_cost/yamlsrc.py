"""Safe YAML reading: a located node tree, built from parser events, that constructs no objects.

PyYAML's loaders silently keep the last of two duplicate keys, turn `0.1` into a binary
float, follow aliases without limit and recurse once per nesting level. This module reads
the event stream itself, so it can refuse each of those with a precise position, and it
leaves every scalar as text: the schema decides what a scalar means (a number becomes a
Decimal straight from its text).
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple, cast

import yaml

from .errors import InputError, Problem
from .messages import Msg, msg

MAX_BYTES = 1024 * 1024  # a scenario or price sheet is a few KiB; 1 MiB is generous
MAX_DEPTH = 32  # the deepest legitimate document nests about 6 levels
MAX_NODES = 100_000  # counting every alias expansion, so an alias bomb stops here
ECHO_LIMIT = 80  # characters of a bad value (or key) a problem repeats back: enough to recognise it, one line

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
    # a plain scalar written over more than one line, folded into one: a column inside the value is not the file's
    folded: bool = False


class Seq(NamedTuple):
    items: "list[Node]"  # filled while the document is read
    mark: Mark


class Map(NamedTuple):
    """A mapping, keys in document order; key marks point at a misspelt key itself."""

    items: "dict[str, Node]"
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

    def problem(self, mark: Mark | None, path: str, message: Msg) -> Problem:
        return located(self.name, mark, path, message)


def echoed(value: object) -> object:
    """A value as a problem repeats it: text over ECHO_LIMIT characters cut with an ellipsis (a 900 KB value
    is not printed whole in an error line), inside lists and nested messages too."""
    if isinstance(value, str):
        return _cut(value)
    if isinstance(value, Msg):
        return Msg(value.code, {key: echoed(v) for key, v in value.args.items()})
    if isinstance(value, tuple) and not hasattr(value, "_fields"):  # options (or an `And`); a NamedTuple is a value
        return type(value)(echoed(v) for v in value)
    return value


def _shown_width(char: str) -> int:
    """How many characters `char` takes once shown: a control or format character is written as its escape
    (\\x0a, \\u202e, \\U000e0041; render/escape.py); `isprintable` is false for those (and for a few that are
    shown as they are, such as a no-break space, which then count a little wide: the cut errs short)."""
    if char.isprintable():
        return 1
    code = ord(char)
    return 4 if code < 0x100 else 6 if code < 0x10000 else 10


def _cut(text: str) -> str:
    """Text cut to ECHO_LIMIT characters as shown, escapes counted (a value of 1,000 line breaks is shown as
    4,000 characters of \\x0a), with an ellipsis where it was cut."""
    if len(text) <= ECHO_LIMIT and text.isprintable():
        return text
    width = 0
    for i, char in enumerate(text):
        width += _shown_width(char)
        if width > ECHO_LIMIT:
            kept = text[:i]
            while sum(map(_shown_width, kept)) > ECHO_LIMIT - 1:  # room for the ellipsis
                kept = kept[:-1]
            return kept + "\u2026"
    return text


def located(name: str, mark: Mark | None, path: str, message: Msg) -> Problem:
    """A problem at a place in a file, its echoed values (and the field path, which may hold a key) cut short."""
    line, col = (mark.line, mark.column) if mark else (0, 0)
    return Problem(name, line, col, str(echoed(path)), cast(Msg, echoed(message)))


def _mark(event: yaml.Event) -> Mark:
    m = event.start_mark
    return Mark(m.line + 1, m.column + 1) if m is not None else Mark(0, 0)


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters, as YAML counts them) of a byte offset."""
    before = data[:offset].decode("utf-8", errors="replace")
    return _text_position(before, len(before))


def _text_position(text: str, at: int) -> tuple[int, int]:
    """1-based line and column of a character index, line breaks counted as YAML and editors count them: CRLF,
    CR and LF (columns in characters)."""
    breaks = text.count("\n", 0, at) + text.count("\r", 0, at) - text.count("\r\n", 0, at)
    return breaks + 1, at - (max(text.rfind("\n", 0, at), text.rfind("\r", 0, at)) + 1) + 1


def read_text(path: Path, display: str | None = None) -> str:
    """Read a file as UTF-8 text, refusing what is too big, binary or not UTF-8."""
    name = display or str(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError([Problem(name, 0, 0, "", msg("file.missing"))]) from None
    except IsADirectoryError:
        raise InputError([Problem(name, 0, 0, "", msg("file.directory"))]) from None
    except OSError as exc:
        raise InputError([Problem(name, 0, 0, "", msg("file.unreadable", reason=exc.strerror or str(exc)))]) from None
    return decode(data, name)


def decode(data: bytes, name: str) -> str:
    """Bytes read from a file, stdin or git as UTF-8 text, refusing what is too big, binary or not UTF-8."""
    if len(data) > MAX_BYTES:
        raise InputError([Problem(name, 0, 0, "", msg("file.too-big", kib=MAX_BYTES // 1024))])
    if b"\x00" in data:
        line, col = _position(data, data.index(b"\x00"))
        raise InputError([Problem(name, line, col, "", msg("file.binary"))])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _position(data, exc.start)
        raise InputError([Problem(name, line, col, "", msg("file.not-utf8", byte=f"{data[exc.start]:02x}"))]) from None
    return text.removeprefix("\ufeff")


class _Open(NamedTuple):
    """A sequence or mapping being read: its anchor, the node count when it started, its field path."""

    container: Seq | Map
    anchor: str | None
    started: int
    path: str


class _Reader:
    """Builds the node tree from PyYAML's parser events, refusing what is unsafe or ambiguous as it goes."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.anchors: dict[str, tuple[Node, int]] = {}  # anchor -> (node, values it expands to)
        self.stack: list[_Open] = []
        self.pending_key: list[tuple[str, Mark] | None] = []  # per open mapping: the key read, awaiting its value
        self.root: Node | None = None
        self.documents = 0
        self.nodes = 0  # values read so far, counting every alias expansion

    def fail(self, mark: Mark | None, message: Msg, path: str = "") -> InputError:
        return InputError([located(self.name, mark, path, message)])

    def here(self) -> str:
        """The field path of the node about to be attached (a key's own path while it is read)."""
        if not self.stack:
            return ""
        parent, path = self.stack[-1].container, self.stack[-1].path
        if isinstance(parent, Seq):
            return f"{path}[{len(parent.items)}]"
        key = self.pending_key[-1]
        return f"{path}.{key[0]}" if key and path else (key[0] if key else path)

    def count(self, mark: Mark, size: int, code: str) -> None:
        self.nodes += size
        if self.nodes > MAX_NODES:
            raise self.fail(mark, msg(code, limit=MAX_NODES))

    def attach(self, node: Node, mark: Mark) -> None:
        if not self.stack:
            self.root = node
            return
        parent = self.stack[-1].container
        if isinstance(parent, Seq):
            parent.items.append(node)
            return
        key = self.pending_key[-1]
        if key is not None:  # the value of the key read before
            parent.items[key[0]] = node
            self.pending_key[-1] = None
            return
        if not isinstance(node, Scalar):
            raise self.fail(mark, msg("yaml.complex-key"))
        if node.value in parent.key_marks:
            first, path = parent.key_marks[node.value], self.stack[-1].path
            problem = msg("yaml.duplicate-key", key=node.value, line=first.line)
            raise self.fail(mark, problem, f"{path}.{node.value}" if path else node.value)
        self.pending_key[-1] = (node.value, mark)
        parent.key_marks[node.value] = mark

    def document(self, event: yaml.DocumentStartEvent) -> None:
        self.documents += 1
        if self.documents > 1:
            raise self.fail(_mark(event), msg("yaml.two-documents"))

    def node_mark(self, event: yaml.NodeEvent) -> Mark:
        """Where a node starts; a tag other than a plain string's is refused there."""
        mark = _mark(event)
        tag = getattr(event, "tag", None)
        if tag is not None and tag not in ("!", "tag:yaml.org,2002:str"):
            raise self.fail(mark, msg("yaml.tag", tag=tag), self.here())
        return mark

    def scalar(self, event: yaml.ScalarEvent) -> None:
        mark = self.node_mark(event)
        self.count(mark, 1, "yaml.too-many-values")
        plain = not event.style and event.implicit[0]
        folded = plain and event.end_mark is not None and event.end_mark.line + 1 != mark.line
        scalar = Scalar(event.value, plain, mark, folded)
        if event.anchor:
            self.anchors[event.anchor] = (scalar, 1)
        self.attach(scalar, mark)

    def end(self, event: yaml.CollectionEndEvent) -> None:
        done = self.stack.pop()
        self.pending_key.pop()
        if done.anchor:
            self.anchors[done.anchor] = (done.container, self.nodes - done.started + 1)

    def alias(self, event: yaml.AliasEvent) -> None:
        mark = self.node_mark(event)
        if event.anchor not in self.anchors:
            raise self.fail(mark, msg("yaml.unknown-alias", alias=event.anchor))
        node, size = self.anchors[event.anchor]
        self.count(mark, size, "yaml.alias-bomb")
        self.attach(node, mark)

    def start(self, event: yaml.SequenceStartEvent | yaml.MappingStartEvent) -> None:
        mark = self.node_mark(event)
        self.count(mark, 1, "yaml.too-many-values")
        if len(self.stack) >= MAX_DEPTH:
            raise self.fail(mark, msg("yaml.too-deep", limit=MAX_DEPTH))
        container: Seq | Map = Seq([], mark) if isinstance(event, yaml.SequenceStartEvent) else Map({}, {}, mark)
        path = self.here()
        self.attach(container, mark)
        self.stack.append(_Open(container, event.anchor, self.nodes, path))
        self.pending_key.append(None)


# the reader's handler of each kind of parser event that carries something
_HANDLERS: dict[type, Callable[[_Reader, Any], None]] = {
    yaml.DocumentStartEvent: _Reader.document,
    yaml.ScalarEvent: _Reader.scalar,
    yaml.SequenceStartEvent: _Reader.start,
    yaml.MappingStartEvent: _Reader.start,
    yaml.SequenceEndEvent: _Reader.end,
    yaml.MappingEndEvent: _Reader.end,
    yaml.AliasEvent: _Reader.alias,
}


# Characters YAML 1.1 (and so PyYAML) reads as a line break where an editor may show none: after one, the rest of a
# comment would be read as YAML (a key hidden in a comment), and every line number after it would be off by one.
_YAML_ONLY_BREAKS = {"\x85": "NEXT LINE (NEL)", "\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR"}


def _no_hidden_breaks(text: str, name: str) -> None:
    """Refuse the first character YAML reads as a line break and an editor may not, where the editor shows it."""
    found = [i for i in (text.find(c) for c in _YAML_ONLY_BREAKS) if i >= 0]
    if found:
        at = min(found)
        line, column = _text_position(text, at)
        char = text[at]
        problem = msg("file.hidden-break", char=f"U+{ord(char):04X}", name=_YAML_ONLY_BREAKS[char])
        raise InputError([Problem(name, line, column, "", problem)])


def parse(text: str, name: str) -> Source:
    """Parse YAML text into a located node tree; raise InputError on anything unsafe or ambiguous."""
    text = text.removeprefix("\ufeff")  # as a file's is (decode): YAML skips it, and columns do not count it
    _no_hidden_breaks(text, name)
    reader = _Reader(name)
    try:
        parser = _Loader(text)
        try:  # yaml.parse's loop, without a generator to resume at every event
            while (event := parser.get_event()) is not None:
                handle = _HANDLERS.get(type(event))  # one lookup, not a chain of isinstance: a sheet is 1,100 events
                if handle is not None:  # none for the stream's start and end and a document's end: they carry nothing
                    handle(reader, event)
        finally:
            parser.dispose()
    except yaml.MarkedYAMLError as exc:
        m = exc.problem_mark
        where = Mark(m.line + 1, m.column + 1) if m else None
        raise reader.fail(where, msg("yaml.invalid", problem=exc.problem or "")) from None
    except yaml.YAMLError as exc:  # pragma: no cover - libyaml reports everything as marked
        raise reader.fail(None, msg("yaml.invalid", problem=str(exc))) from None
    root = reader.root
    if root is None or (isinstance(root, Scalar) and root.plain and root.value in ("", "~", "null")):
        raise reader.fail(None, msg("yaml.empty"))
    return Source(name, root)


def load(path: Path, display: str | None = None) -> Source:
    name = display or str(path)
    return parse(read_text(path, name), name)
