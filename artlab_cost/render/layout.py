"""Tables laid out to a terminal's width: columns measured, narrowed and wrapped, or stacked a block per row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from ..i18n import tr
from .escape import visible
from .grid import longest_unit, styled, table_lines, wrap
from .grid import width as cell_len
from .view import View

Cell = str | tuple[str, ...]  # a cell's text: one line, or the lines it is shown on (an entitlement and its validity)


def _cell(cell: Cell) -> str:
    """A cell as the text to lay out: each of its lines shown one line (a line break in user text is escaped),
    joined by the breaks that are the table's own."""
    return visible(cell) if isinstance(cell, str) else "\n".join(visible(line) for line in cell)


class Sheet:
    """A table to print: columns, rows of plain text, optional footer, sections and row styles.

    Column widths are measured from the text in terminal cells (grid.width).
    """

    def __init__(self, title: str, columns: Sequence[tuple[str, str]], show_header: bool = True) -> None:
        self.title = visible(title)
        self.columns = list(columns)  # (header, "left" or "right")
        self.show_header = show_header
        self.rows: list[tuple[list[str], str, bool]] = []  # cells, style, ends a section
        self.footer: list[str] | None = None

    def add(self, cells: Sequence[Cell], style: str = "", end_section: bool = False) -> None:
        self.rows.append(([_cell(c) for c in cells], style, end_section))

    def measure(self) -> tuple[list[int], list[int]]:
        """Each column's widest line, and the narrowest it can be: a text column's longest word (a CJK character
        breaks anywhere), up to LONG_WORD; a number column's widest figure, with its header wrapped if need be."""
        widths = [max((cell_len(line) for line in h.split("\n")), default=0) if self.show_header else 0
                  for h, _ in self.columns]  # fmt: skip
        floors = [_header_floor(h) if self.show_header else 0 for h, _ in self.columns]
        for cells in [r[0] for r in self.rows] + ([self.footer] if self.footer else []):
            for i, text in enumerate(cells):
                widest = max(cell_len(line) for line in text.split("\n"))
                widths[i] = max(widths[i], widest)
                floors[i] = max(floors[i], _unbroken(text) if self.columns[i][1] == "left" else widest)
        return widths, [
            min(f, LONG_WORD, w) if justify == "left" else f
            for f, w, (_, justify) in zip(floors, widths, self.columns, strict=True)
        ]

    def fits(self, room: int) -> bool:
        """Whether the table fits `room` columns with every number whole: numbers at full width (their headers
        may wrap), text wrapped down to its longest word."""
        _, floors = self.measure()
        return sum(floors) + 2 * len(floors) <= room

    def stacked(self, lang: str) -> list[tuple[str, str]]:
        """The table one block per row, for a terminal narrower than it needs: the row's first cell, then each
        other column as 'header: value' (no figure is ever cut)."""
        out: list[tuple[str, str]] = [(self.title, "bold")] if self.title else []
        headers = [h for h, _ in self.columns]
        rows = [(cells, style) for cells, style, _ in self.rows]
        if self.footer:
            rows.append((self.footer, "bold"))
        for cells, style in rows:
            if cells[0].strip():
                out.append((" " + cells[0].replace("\n", " "), "bold" if not style else style))
            for header, value in zip(headers[1:], cells[1:], strict=True):
                if value.strip() not in ("", "-"):
                    value = value.replace("\n", " ")
                    out.append(
                        ("   " + (tr(lang, "table.stacked", header=header, value=value) if header else value), style)
                    )
        return out

    def lines(self, room: int, color: bool) -> list[str]:
        """The table as lines of at most `room` cells: full widths when they fit, else numbers whole and the
        other text (text columns, number headers) narrowed, wrapped at words, to share what is left."""
        widths, floors = self.measure()
        right = [justify == "right" for _, justify in self.columns]
        sizes = list(widths)
        over = sum(widths) + 2 * len(widths) - room
        # Too wide: number headers wrap first (a two-line header reads better than a wrapped name), then text
        # columns narrow, each by its share of what it can give, rounded up.
        for narrowing in (right, [not r for r in right]):
            if over <= 0:
                break
            give = [w - f if n else 0 for w, f, n in zip(sizes, floors, narrowing, strict=True)]
            spare, need = sum(give), over
            for i in range(len(sizes)):
                if give[i] and spare and over > 0:
                    cut = min(give[i], -(-need * give[i] // spare), over)
                    sizes[i] -= cut
                    over -= cut
        header = [h for h, _ in self.columns] if self.show_header else None
        return table_lines(self.title, header, self.rows, self.footer, sizes, right, color)


LONG_WORD = 24  # a wrapped column is at least as wide as its longest word, up to this; longer words fold
SHORT_CJK = 14  # a CJK line up to this wide is kept whole where it can be: it has no spaces to break at


def _header_floor(text: str) -> int:
    """The narrowest a header may wrap to: its longest word; a Chinese word of four characters or more in two
    halves (免费/试用), a shorter one whole (代金券)."""
    widest = 0
    for word in text.split():
        if not word.isascii() and len(word) >= 4:
            word = word[: -(-len(word) // 2)]
        widest = max(widest, cell_len(word))
    return widest


def _unbroken(text: str) -> int:
    """The narrowest a text column may be for this cell: its longest word, or a short CJK line whole (Chinese
    breaks between any two characters, so without this a short phrase would be cut mid-word)."""
    lines = text.split("\n")
    short_cjk = [cell_len(line) for line in lines if not line.isascii() and cell_len(line) <= SHORT_CJK]
    return max([longest_unit(text), *short_cjk])


class Drawn(NamedTuple):
    """Lines drawn to the width already (a chart), styles included: written as they are."""

    lines: list[str]


Block = Sheet | Drawn | tuple[str, str]


def write(blocks: Sequence[Block], view: View) -> str:
    """Tables and (text, style) lines as a terminal of `view.width` columns would show them; no line ends in
    spaces."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Drawn):
            out += [*block.lines, ""]
        elif isinstance(block, Sheet) and not block.fits(view.width):
            for text, style in block.stacked(view.lang):  # narrower than the table needs: a block per row
                out += [styled(line, style, view.color) for line in wrap(text, view.width)]  # cells: shown already
            out.append("")
        elif isinstance(block, Sheet):
            out += block.lines(view.width, view.color)
            out.append("")
        else:
            out += [styled(line, block[1], view.color) for line in wrap(visible(block[0]), view.width)]
    return "\n".join(line.rstrip(" ") for line in out) + "\n"
