"""The Rich tables people read: charges through the waterfall, entitlements, plans, the price sheet.

Rich is imported here and only here, so JSON, CSV and Markdown runs never pay for it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..engine import Estimate
from ..i18n import money
from ..pricing import PriceSheet
from . import By, View
from .common import (
    METER_HEADER,
    OFFER_HEADER,
    SHORT_STAGES,
    balance_amounts,
    balance_label,
    budget_text,
    cell,
    charge_rows,
    last_day,
    meter_rows,
    monthly_key,
    notes_text,
    offer_rows,
    plan_lines,
    plan_rows,
    qty,
    rank_label,
    recommendation,
    reproduce,
    setting_rows,
    sheet_notes,
    sheet_title,
    short_meter,
    span,
    stage_totals,
    summary_lines,
)

if TYPE_CHECKING:
    from ..plans import Comparison


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
                min_width=None if fixed else min(words[i], LONG_WORD),
                no_wrap=fixed,
                overflow="ellipsis" if fixed else "fold",  # a word too long for its column is folded, never cut
            )
        for cells, style, end in self.rows:  # Text, not str: user text is never read as Rich markup
            table.add_row(*(Text(c) for c in cells), style=style or None, end_section=end)
        return table


LONG_WORD = 24  # a wrapped column is at least as wide as its longest word, up to this; longer words fold


def _console(color: bool, width: int) -> tuple[Console, io.StringIO]:
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


def write(blocks: Sequence[Sheet | tuple[str, str]], view: View) -> str:
    """Print tables and (text, style) lines to a string, as a terminal of `view.width` columns would show them.

    Rich pads every line to the full width; the padding is cut, so no line ends in spaces.
    """
    out, buffer = _console(view.color, view.width)
    for block in blocks:
        if isinstance(block, Sheet):
            out.print(block.table(view.width))
        else:
            out.print(Text(block[0], style=block[1]))
    return "\n".join(line.rstrip(" ") for line in buffer.getvalue().split("\n"))


def _with_notes(blocks: list[Sheet | tuple[str, str]], notes: list[str], view: View) -> list[Sheet | tuple[str, str]]:
    if view.notes and notes:
        blocks.append(("Notes", "bold"))
        blocks += [("- " + n, "") for n in notes]
    return blocks


# --- estimate -------------------------------------------------------------------------------


def _charges(result: Estimate, by: By) -> Sheet:
    stages = list(result.stages)
    by_period = by in (By.month, By.day)
    columns = [("Period", "left")] if by_period else []
    columns += [("Meter", "left"), ("Usage", "right"), ("List", "right")]
    columns += [(SHORT_STAGES[s], "right") for s in stages]
    rows = charge_rows(result, by)
    title = "Charges and how they are absorbed (yuan)"
    shown = {r.period: r.period for r in rows}
    if by is By.day:  # days as MM-DD (or YY-MM-DD over several years), so the table fits 80 columns
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
    totals = stage_totals(result)
    sheet.footer = (["Total", ""] if by_period else ["Total"]) + ["", money(result.totals.list_price)]
    sheet.footer += [money(totals[s]) for s in stages]
    return sheet


def _balances(result: Estimate) -> Sheet:
    columns = [("Entitlement, stage and validity", "left")]
    columns += [(name, "right") for name in ("Held", "Absorbed", "Left", "Lapsed")]
    sheet = Sheet("Trials, packs and vouchers (资源中心)", columns)
    for b in result.balances:
        label = balance_label(b) + f"\n{SHORT_STAGES[b.stage].lower()}, {span(b.starts, b.ends).replace('..', ' to ')}"
        sheet.add([label, *balance_amounts(b)])
    return sheet


def _summary(result: Estimate, view: View) -> Sheet:
    sheet = Sheet("Summary (yuan)", [("What", "left"), ("Yuan", "right")], show_header=False)
    for label, value in summary_lines(result):
        sheet.add([label, money(value)], style="bold" if label.startswith("Cash") else "")
    if view.budget is not None:
        sheet.add([budget_text(view), ""], style="red" if view.budget.exceeded else "green")
    return sheet


def estimate(result: Estimate, view: View) -> str:
    blocks: list[Sheet | tuple[str, str]] = [(f"{result.scenario}: {result.start} to {last_day(result.end)}", "bold")]
    blocks.append(_charges(result, view.by))
    if result.balances:
        blocks.append(_balances(result))
        blocks += [block for line in monthly_key(result) for block in ((line, "dim"), ("", ""))]
    blocks.append(_summary(result, view))
    return write(_with_notes(blocks, notes_text(result.notes, view), view), view)


# --- compare-plans --------------------------------------------------------------------------


def plans(comparison: Comparison, view: View) -> str:
    columns = [("#", "right"), ("Claim or buy", "left")]
    columns += [(name, "right") for name in ("Upfront", "Postpaid", "Cash", "Saving", "Lapsed")]
    sheet = Sheet(f"Ways to pay, cheapest first (yuan; bought {comparison.start} unless dated)", columns)
    for rank, p in plan_rows(comparison):
        style = "bold" if rank == "1" else ("dim" if rank == "ref" else "")
        label = rank_label(rank, p, comparison)
        cells = [label, "\n".join(plan_lines(p, comparison)), money(p.costs.upfront), money(p.costs.postpaid_due)]
        cells += [money(p.costs.cash), money(comparison.saving(p)), money(p.costs.lapsed_value)]
        sheet.add(cells, style=style, end_section=True)
    blocks: list[Sheet | tuple[str, str]] = [
        (f"{comparison.scenario}: {comparison.start} to {last_day(comparison.end)}", "bold"),
        sheet,
        (recommendation(comparison), "bold"),
    ]
    if view.budget is not None:
        blocks.append((budget_text(view, best_plan=True), "red" if view.budget.exceeded else "green"))
    blocks.append((reproduce(comparison, view.scenario_path), ""))
    return write(_with_notes(blocks, notes_text(comparison.notes, view), view), view)


# --- the price sheet --------------------------------------------------------------------------


def pricing(sheet: PriceSheet, view: View) -> str:
    blocks: list[Sheet | tuple[str, str]] = [(sheet_title(sheet), "bold")]
    for heading, header, rows in (
        ("Meters", METER_HEADER, list(meter_rows(sheet))),
        ("Offers", OFFER_HEADER, list(offer_rows(sheet))),
        ("Settings", ["Setting", "Value"], setting_rows(sheet)),
    ):
        part = Sheet(heading, [(h, "left") for h in header])
        for r in rows:
            part.add(r)
        blocks.append(part)
    blocks += [(n, "") for n in sheet_notes(sheet)]
    return write(blocks, view)
