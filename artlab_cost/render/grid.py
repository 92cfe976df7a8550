"""Plain-text tables and wrapped lines for a terminal of a given width, measured in cells.

What the table renderer needs of a terminal library, and no more: a character's width in cells
(East Asian wide and full-width characters take two, combining marks none), word wrapping that
folds a word longer than the line, columns aligned left or right, and ANSI styles when the output
is a colour terminal. Importing it costs next to nothing, unlike a full terminal library.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from functools import lru_cache

STYLES = {"bold": "1", "dim": "2", "italic": "3", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}


@lru_cache(maxsize=4096)
def _char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def width(text: str) -> int:
    """The cells a line of text takes on a terminal."""
    if text.isascii():
        return len(text)
    return sum(_char_width(c) for c in text)


# Chinese text breaks between any two characters, except that a line never starts with closing punctuation
# nor ends with opening punctuation (the rule GB/T 15834 and every CJK typesetter follow).
NO_START = frozenset("，。、；：？！）》」』】〕〉”’%·…—" + ",.;:!?)]}'\"%")
NO_END = frozenset("（《「『【〔〈“‘" + "([{")


def _breaks_anywhere(char: str) -> bool:
    return _char_width(char) == 2


def units(text: str) -> list[str]:
    """The pieces a line may not be broken inside: words between spaces, and within them each wide (CJK)
    character on its own, with the punctuation that may not start or end a line kept beside it."""
    out: list[str] = []
    for word in text.split():
        if word.isascii():
            out.append(word)
            continue
        piece = ""
        for char in word:
            joins = (
                not piece
                or char in NO_START
                or piece[-1] in NO_END
                or not (_breaks_anywhere(char) or _breaks_anywhere(piece[-1]))
            )
            if joins:
                piece += char
            else:
                out.append(piece)
                piece = char
        out.append(piece)
    return out


def longest_unit(text: str) -> int:
    """The width of the widest piece of `text` that cannot be broken (a word; a CJK character)."""
    return max((width(u) for line in text.split("\n") for u in units(line)), default=0)


def _fold_chars(text: str, room: int) -> list[str]:
    pieces, piece, used = [], "", 0
    for char in text:
        w = _char_width(char)
        if used + w > room and piece:
            pieces.append(piece)
            piece, used = "", 0
        piece += char
        used += w
    return [*pieces, piece] if piece else pieces


def _fold(text: str, room: int) -> list[str]:
    """Text wider than `room`, cut into lines that fit: at spaces and between the units of CJK text, and a unit
    wider than the line anywhere."""
    if text.isascii():  # no CJK: cut by characters, the line and the long word together
        return _fold_chars(text, room)
    tokens: list[str] = []
    for i, word in enumerate(text.split(" ")):
        if i:
            tokens.append(" ")
        if word:
            tokens += [word] if word.isascii() else units(word)
    for i in range(len(tokens) - 1, 1, -1):  # a marker (`*`, `*：`) stays with the word it marks
        if tokens[i].startswith("*") and tokens[i - 1] == " " and tokens[i - 2] != " ":
            tokens[i - 2 : i + 1] = [tokens[i - 2] + " " + tokens[i]]
    pieces, piece, used = [], "", 0
    for unit in tokens:
        if unit == " ":
            if piece:
                piece, used = piece + " ", used + 1
            continue
        w = width(unit)
        if used + w > room and piece:
            pieces.append(piece.rstrip(" "))
            piece, used = "", 0
        if w > room:  # a unit wider than the line: cut it by characters
            *full, piece = _fold_chars(unit, room)
            pieces += full
            used = width(piece)
            continue
        piece += unit
        used += w
    piece = piece.rstrip(" ")
    return [*pieces, piece] if piece else pieces


def wrap(text: str, room: int) -> list[str]:
    """Text wrapped at spaces to lines of at most `room` cells; a longer word is folded; kept line breaks.

    CJK text breaks between characters (never before closing or after opening punctuation), as a
    Chinese reader expects."""
    room = max(room, 1)
    out: list[str] = []
    for paragraph in text.split("\n"):
        line, used = "", 0
        for word in paragraph.split(" "):
            w = width(word)
            if w > room or (not word.isascii() and used + (1 if line else 0) + w > room and w > 2):
                pieces = _fold((line + " " + word) if line else word, room)
                out += pieces[:-1]
                line = pieces[-1] if pieces else ""
                used = width(line)
                continue
            if line and used + 1 + w > room:
                head, _, last = line.rpartition(" ")
                if word == "*" and head and width(last) + 2 <= room:  # a marker never starts a line alone
                    out.append(head)
                    line, used = last + " *", width(last) + 2
                    continue
                out.append(line)
                line, used = word, w
            else:
                line, used = (line + " " + word, used + 1 + w) if line else (word, w)
        out.append(line)
    return out


def styled(text: str, style: str, color: bool) -> str:
    """Text in an ANSI style (`bold`, `dim red`, ...) on a colour terminal; as it is otherwise."""
    codes = [STYLES[s] for s in style.split() if s in STYLES]
    if not color or not codes or not text:
        return text
    return f"\x1b[{';'.join(codes)}m{text}\x1b[0m"


def pad(text: str, size: int, right: bool) -> str:
    gap = " " * max(size - width(text), 0)
    return gap + text if right else text + gap


def table_lines(
    title: str,
    header: Sequence[str] | None,
    rows: Sequence[tuple[Sequence[str], str, bool]],
    footer: Sequence[str] | None,
    sizes: Sequence[int],
    right: Sequence[bool],
    color: bool,
) -> list[str]:
    """A table as lines: the title, the header over a rule, the rows (a blank line ends a section), the footer.

    Every cell is wrapped to its column's size; a row is as tall as its tallest cell. Columns are
    two cells apart, and the table starts one cell in."""
    out = [styled(line, "italic", color) for line in wrap(title, sum(sizes) + 2 * len(sizes))] if title else []
    if title:
        out.append("")

    def row_lines(cells: Sequence[str], style: str, header: bool = False) -> list[str]:
        wrapped = [
            wrap(c, n) if header or not r else c.split("\n") for c, n, r in zip(cells, sizes, right, strict=True)
        ]
        height = max(len(w) for w in wrapped)
        lines = []
        for k in range(height):
            parts = [pad(w[k] if k < len(w) else "", n, r) for w, n, r in zip(wrapped, sizes, right, strict=True)]
            lines.append(styled((" " + "  ".join(parts)).rstrip(), style, color))
        return lines

    if header is not None:
        out += row_lines(header, "bold", header=True)
        out.append(" " + "─" * (sum(sizes) + 2 * (len(sizes) - 1)))
    for cells, style, end in rows:
        out += row_lines(cells, style)
        if end:
            out.append("")
    if footer is not None:
        out.append("")
        out += row_lines(footer, "bold")
    return out
