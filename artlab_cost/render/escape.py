"""User text shown, never obeyed: control and invisible characters as visible escapes, Markdown and CSV made inert."""

from __future__ import annotations

import re
from functools import cache

# Characters that steer a terminal or hide and reorder what is shown rather than show: the controls (Unicode's
# Cc: C0 with the line break, so one problem is one line and a name never forges a line of its own; DEL; C1),
# every format character (Cf: zero-width spaces and joiners, direction marks, the bidirectional embeddings,
# overrides and isolates, the soft hyphen, invisible operators, the byte-order mark, the tag characters that
# can spell hidden text), and the line and paragraph separators (Zl, Zp). In user text (names, labels, sources,
# file names) they are written as visible escapes (\x0a, \u202e, \U000e0041), so a name can never clear a
# screen, write a clipboard (OSC 52), forge a CI workflow command, smuggle text nobody sees, nor pass for another.
# The table is Unicode 14's (Python 3.11's unicodedata), written out so no run imports unicodedata and its
# tables; tests/render/test_escape.py checks it against unicodedata.
FORMAT_AND_SEPARATORS = (
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x2028, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x13438),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)
UNSAFE = (
    *range(0x00, 0x20),
    0x7F,
    *range(0x80, 0xA0),
    *(c for first, last in FORMAT_AND_SEPARATORS for c in range(first, last + 1)),
)


def _escape(c: int) -> str:
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}" if c < 0x10000 else f"\\U{c:08x}"


def _json_escape(c: int) -> str:
    """A \\u escape as JSON writes it: a character past U+FFFF as its UTF-16 surrogate pair (RFC 8259, 7)."""
    if c < 0x10000:
        return f"\\u{c:04x}"
    c -= 0x10000
    return f"\\u{0xD800 + (c >> 10):04x}\\u{0xDC00 + (c & 0x3FF):04x}"


@cache
def _visible_table() -> dict[int, str]:
    """Each unsafe character's escape, made on first need (most text has none)."""
    return {c: _escape(c) for c in UNSAFE}


@cache
def _json_table() -> dict[int, str]:
    """JSON escapes the C0 controls itself (\\n, \\u001b); the others it would leave raw are written as \\u escapes,
    which a JSON reader turns back into the very characters: the data is kept, and a terminal showing the
    document is never steered by it."""
    return {c: _json_escape(c) for c in UNSAFE if c >= 0x20}


# Two uses of format characters that only join what is seen, kept so an emoji reads as the one emoji: a zero-width
# joiner between two pictographs (a family, a rainbow flag) and the three subdivision flags (England, Scotland,
# Wales: a black flag, tag letters, a cancel tag). The pictographs are the emoji blocks, approximately (Unicode's
# Extended_Pictographic would need a table of its own); any other joiner or tag is escaped.
_PICTOGRAPH = "[\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff]"
_JOINED = f"(?:(?<={_PICTOGRAPH})|(?<={_PICTOGRAPH}\ufe0f))\u200d(?={_PICTOGRAPH})"
_FLAG = "\U0001f3f4(?:" + "|".join("".join(chr(0xE0000 + ord(t)) for t in code) for code in ("gbeng", "gbsct", "gbwls"))
_FLAG += ")\U000e007f"
# a character class of ranges, not of each character: a regex tests a range at once, and most text has no match
_FORMAT = "".join(f"{chr(first)}-{chr(last)}" for first, last in FORMAT_AND_SEPARATORS)  # none is ASCII
_CLASS = "\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f" + _FORMAT
# The quick look, as most text has nothing to escape: an unsafe character of the BMP, or any past it (a class with
# ranges past U+FFFF is tested more slowly, so those few are left to the full pattern).
_BMP = "".join(f"{chr(first)}-{chr(last)}" for first, last in FORMAT_AND_SEPARATORS if last < 0x10000)
_ASTRAL = "\\U00010000-\\U0010ffff"
_QUICK = {
    "any": f"[\\x00-\\x1f\\x7f-\\x9f{_BMP}{_ASTRAL}]",
    "any-but-newline": f"[\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f{_BMP}{_ASTRAL}]",
    "json": f"[\\x7f-\\x9f{_BMP}{_ASTRAL}]",  # what JSON leaves raw: all but C0
}


@cache
def _quick(kind: str) -> re.Pattern[str]:
    """The quick look of a kind, compiled on first need: a run whose text is all ASCII needs none."""
    return re.compile(_QUICK[kind])


@cache
def _unsafe(newline: bool) -> re.Pattern[str]:
    """The full pattern, compiled on first need (a millisecond of start-up that most runs never need)."""
    return re.compile(f"(?P<keep>{_FLAG}|{_JOINED})|(?P<bad>[{_CLASS}{chr(10) if newline else ''}])")


def _shown(found: re.Match[str]) -> str:
    return found["keep"] or _visible_table()[ord(found["bad"])]


def visible(text: str) -> str:
    """Text as one line that shows every unsafe character as an escape (\\x1b, \\x0a, \\u202e)."""
    if text.isascii() and text.isprintable():  # the common case at once: ASCII's only unsafe are C0 and DEL
        return text
    return _unsafe(True).sub(_shown, text) if _quick("any").search(text) else text


def visible_lines(text: str) -> str:
    """Text of our own made of lines (a help screen): every unsafe character but the line break escaped."""
    return _unsafe(False).sub(_shown, text) if _quick("any-but-newline").search(text) else text


def json_visible(document: str) -> str:
    """A JSON document with the unsafe characters JSON leaves raw written as \\u escapes (the same data)."""
    if document.isascii() and "\x7f" not in document:  # JSON escapes C0 itself; DEL is ASCII's only other
        return document
    return document.translate(_json_table()) if _quick("json").search(document) else document


# Markdown and HTML metacharacters in text that is data: escaped, so a name renders as written and never as
# emphasis, a link, a heading or a tag (a pull-request comment renders both). A line's start is always the
# renderer's own (a heading's #, a list's -), so # and - need no escape.
_MARKUP = str.maketrans({**{c: "\\" + c for c in "\\`*_[]|~"}, "<": "&lt;", ">": "&gt;", "&": "&amp;"})


def markdown_text(text: str) -> str:
    """Text as Markdown that shows it literally, on one line: unsafe characters visible, markup escaped."""
    return visible(text).translate(_MARKUP)


_TICKS = re.compile("`+")


def markdown_code(text: str) -> str:
    """Text as a Markdown code span that shows it literally: fenced by one backtick more than its longest run of
    backticks, so none in it ends the span (CommonMark 6.1), spaced where it starts or ends with one."""
    text = visible(text)
    fence = "`" * (max((len(run) for run in _TICKS.findall(text)), default=0) + 1)
    if text[:1] in ("`", " ") or text[-1:] in ("`", " "):
        text = f" {text} "
    return f"{fence}{text}{fence}"


# A spreadsheet reads a cell starting with one of these as a formula (=HYPERLINK(...), +cmd|...). A text cell
# that does is written after a ', as OWASP's CSV injection advice says; a number (-12.50) stays a number.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def csv_cell(text: str) -> str:
    """A CSV cell's text, inert in a spreadsheet: unsafe characters visible, a formula-like text after a '."""
    shown = visible(text)
    return "'" + shown if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text) else shown
