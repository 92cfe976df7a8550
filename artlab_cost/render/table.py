"""The Rich tables people read: charges through the waterfall, entitlements, plans, the price sheet.

Rich is imported here and only here (the plans and price sheet renderers build their tables
with `Sheet` and `write`), so JSON, CSV and Markdown runs never pay for it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..engine import BudgetCheck, Result
from .common import (
    SHORT_STAGES,
    balance_amounts,
    cell,
    charge_rows,
    last_day,
    money,
    qty,
    short_meter,
    span,
    summary_lines,
)

WIDTH = 80


class Sheet:
    """A table to print: columns, rows of plain text, optional footer, sections and row styles.

    Column widths are measured here from the text, so Rich does not measure every cell again
    (a noticeable share of a table run's time).
    """

    def __init__(self, title: str, columns: Sequence[tuple[str, str]], show_header: bool = True) -> None:
        self.title = title
        self.columns = list(columns)  # (header, "left" or "right")
        self.show_header = show_header
        self.rows: list[tuple[list[str], str, bool]] = []  # cells, style, ends a section
        self.footer: list[str] | None = None

    def add(self, cells: Sequence[str], style: str = "", end_section: bool = False) -> None:
        self.rows.append((list(cells), style, end_section))

    def table(self, room: int) -> Table:
        """The Rich table; widths are fixed when they fit in `room` columns, else Rich wraps the cells."""
        widths = [cell_len(h) if self.show_header else 0 for h, _ in self.columns]
        words = [0] * len(self.columns)  # the longest word: a wrapped column is never narrower
        for cells in [r[0] for r in self.rows] + ([self.footer] if self.footer else []):
            for i, text in enumerate(cells):
                widths[i] = max(widths[i], *(cell_len(line) for line in text.split("\n")))
                words[i] = max(words[i], *(cell_len(word) for word in text.split()), 0)
        table = Table(
            title=Text(self.title),
            box=box.SIMPLE_HEAD,
            title_justify="left",
            show_header=self.show_header,
            show_footer=self.footer is not None,
            pad_edge=False,
            collapse_padding=True,
        )
        # Rich adds two spaces between columns and one at each edge. When the table is too wide,
        # numbers keep their width and the text columns after the first wrap instead.
        fits = sum(widths) + 2 * len(widths) <= room
        for i, (header, justify) in enumerate(self.columns):
            fixed = fits or justify == "right" or i == 0
            table.add_column(
                header,
                justify=justify,  # type: ignore[arg-type]
                footer=self.footer[i] if self.footer else "",
                width=widths[i] if fixed else None,
                min_width=None if fixed else words[i],
                no_wrap=fixed,
            )
        for cells, style, end in self.rows:  # Text, not str: user text is never read as Rich markup
            table.add_row(*(Text(c) for c in cells), style=style or None, end_section=end)
        return table


def console(color: bool, width: int) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    out = Console(
        file=buffer,
        width=width,
        color_system="standard" if color else None,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )
    return out, buffer


def write(blocks: Sequence[Sheet | tuple[str, str]], color: bool = False, width: int = WIDTH, wrap: bool = True) -> str:
    """Print tables and (text, style) lines to a string, as a terminal of `width` columns would show them."""
    out, buffer = console(color, width)
    for block in blocks:
        if isinstance(block, Sheet):
            out.print(block.table(width))
        else:
            out.print(Text(block[0], style=block[1]), soft_wrap=not wrap)
    return buffer.getvalue()


def _charges(result: Result, by: str) -> Sheet:
    stages = list(result.stages)
    totals = result.totals
    stage_sum = {s: totals.absorbed.get(s, totals.postpaid_exact) for s in stages}
    by_period = by in ("month", "day")
    columns = [("Period", "left")] if by_period else []
    columns += [("Meter", "left"), ("Usage", "right"), ("List", "right")]
    columns += [(SHORT_STAGES[s], "right") for s in stages]
    rows = charge_rows(result, by)
    title = "Charges and how they are absorbed (yuan)"
    shown = {r.period: r.period for r in rows}
    if by == "day":  # days as MM-DD (or YY-MM-DD over several years), so the table fits 80 columns
        years = {p[:4] for p in shown}
        cut = 5 if len(years) == 1 else 2
        shown = {p: p[cut:] for p in shown}
        if len(years) == 1:
            title = f"Charges and how they are absorbed, {years.pop()} (yuan)"
    sheet = Sheet(title, columns)
    for i, r in enumerate(rows):
        first = i == 0 or rows[i - 1].period != r.period
        last = i == len(rows) - 1 or rows[i + 1].period != r.period
        name = (short_meter(r.key) if r.key else r.meter) + (" *" if r.assumed else "")
        cells = [shown[r.period] if first else ""] if by_period else []
        cells += [name, qty(r.quantity, r.unit) if r.unit else "", money(r.amount)]
        cells += [cell(r.stages[s]) for s in stages]
        sheet.add(cells, end_section=last and by_period)
    sheet.footer = (["Total", ""] if by_period else ["Total"]) + ["", money(totals.list_price)]
    sheet.footer += [money(stage_sum[s]) for s in stages]
    return sheet


def _balances(result: Result) -> Sheet:
    columns = [("Entitlement, stage and validity", "left")]
    columns += [(name, "right") for name in ("Held", "Absorbed", "Left", "Lapsed")]
    sheet = Sheet("Trials, packs and vouchers (资源中心)", columns)
    for b in result.balances:
        label = b.id + (f" x{b.count}" if b.count > 1 else "") + (" *" if b.assumed else "")
        label += f"\n{SHORT_STAGES[b.stage].lower()}, {span(b.starts, b.ends).replace('..', ' to ')}"
        sheet.add([label, *balance_amounts(b)])
    return sheet


def _summary(result: Result, budget: BudgetCheck | None) -> Sheet:
    sheet = Sheet("Summary (yuan)", [("What", "left"), ("Yuan", "right")], show_header=False)
    for label, value in summary_lines(result):
        sheet.add([label, money(value)], style="bold" if label.startswith("Cash") else "")
    if budget is not None:
        sheet.add([budget.message(), ""], style="red" if budget.exceeded else "green")
    return sheet


def render(
    result: Result,
    by: str = "month",
    budget: BudgetCheck | None = None,
    color: bool = False,
    notes: bool = True,
    width: int = WIDTH,
) -> str:
    blocks: list[Sheet | tuple[str, str]] = [(f"{result.scenario}: {result.start} to {last_day(result.end)}", "bold")]
    blocks.append(_charges(result, by))
    if result.balances:
        blocks.append(_balances(result))
    blocks.append(_summary(result, budget))
    if notes and result.notes:
        blocks.append(("Notes", "bold"))
        blocks += [("- " + note, "") for note in result.notes]
    return write(blocks, color, width)
