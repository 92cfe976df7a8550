"""User text shown, never obeyed: control and invisible characters as visible escapes, Markdown and CSV made inert."""

from __future__ import annotations

import re

# Characters that steer a terminal or hide and reorder what is shown rather than show: the C0 controls
# (the line break included: one problem is one line, and a name never forges a line of its own), DEL, the C1
# controls; zero-width spaces, joiners and direction marks, the bidirectional embeddings, overrides and
# isolates, the Arabic letter mark, the byte-order mark, and the line and paragraph separators. In user text
# (names, labels, sources, file names) they are written as visible escapes (\x0a, \u202e), so a name can
# never clear a screen, write a clipboard (OSC 52), forge a CI workflow command, nor pass for another name.
UNSAFE = (
    *range(0x00, 0x20),
    0x7F,
    *range(0x80, 0xA0),
    0x061C,
    *range(0x200B, 0x2010),
    0x2028,
    0x2029,
    *range(0x202A, 0x202F),
    *range(0x2066, 0x206A),
    0xFEFF,
)
VISIBLE = {c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in UNSAFE}
LINE_VISIBLE = {c: v for c, v in VISIBLE.items() if c != 0x0A}  # keeps line breaks (ours, between lines)
# JSON escapes the C0 controls itself (\n, \u001b); the others it would leave raw are written as \u escapes,
# which a JSON reader turns back into the very characters: the data is kept, and a terminal showing the
# document is never steered by it.
JSON_VISIBLE = {c: f"\\u{c:04x}" for c in UNSAFE if c >= 0x20}

_UNSAFE = re.compile("[" + "".join(re.escape(chr(c)) for c in UNSAFE) + "]")
_UNSAFE_BUT_NEWLINE = re.compile("[" + "".join(re.escape(chr(c)) for c in UNSAFE if c != 0x0A) + "]")
_JSON_UNSAFE = re.compile("[" + "".join(re.escape(chr(c)) for c in JSON_VISIBLE) + "]")


def visible(text: str) -> str:
    """Text as one line that shows every unsafe character as an escape (\\x1b, \\x0a, \\u202e)."""
    return text.translate(VISIBLE) if _UNSAFE.search(text) else text


def visible_lines(text: str) -> str:
    """Text of our own made of lines (a help screen): every unsafe character but the line break escaped."""
    return text.translate(LINE_VISIBLE) if _UNSAFE_BUT_NEWLINE.search(text) else text


def json_visible(document: str) -> str:
    """A JSON document with the unsafe characters JSON leaves raw written as \\u escapes (the same data)."""
    return document.translate(JSON_VISIBLE) if _JSON_UNSAFE.search(document) else document


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
