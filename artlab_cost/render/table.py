"""The tables people read: charges through the waterfall, entitlements, plans, the price sheet, a diff.

Drawn as plain text by grid.py (cell widths, wrapping, ANSI styles on a colour terminal).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from ..engine import Estimate
from ..i18n import money
from ..pricing import PriceSheet, Stage
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
    diff_grant_rows,
    diff_headline,
    diff_meter_rows,
    diff_month_rows,
    diff_total_rows,
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
    visible_lines,
)
from .grid import styled, table_lines, wrap
from .grid import width as cell_len

if TYPE_CHECKING:
    from ..changes import Diff
    from ..plans import Comparison


class Sheet:
    """A table to print: columns, rows of plain text, optional footer, sections and row styles.

    Column widths are measured from the text in terminal cells (grid.width).
    """

    def __init__(self, title: str, columns: Sequence[tuple[str, str]], show_header: bool = True) -> None:
        self.title = visible_lines(title)
        self.columns = list(columns)  # (header, "left" or "right")
        self.show_header = show_header
        self.rows: list[tuple[list[str], str, bool]] = []  # cells, style, ends a section
        self.footer: list[str] | None = None

    def add(self, cells: Sequence[str], style: str = "", end_section: bool = False) -> None:
        self.rows.append(([visible_lines(c) for c in cells], style, end_section))

    def measure(self) -> tuple[list[int], list[int]]:
        """Each column's widest line and longest word (headers included)."""
        widths = [cell_len(h) if self.show_header else 0 for h, _ in self.columns]
        words = [max((cell_len(w) for w in h.split()), default=0) if self.show_header else 0 for h, _ in self.columns]
        for cells in [r[0] for r in self.rows] + ([self.footer] if self.footer else []):
            for i, text in enumerate(cells):
                widths[i] = max(widths[i], *(cell_len(line) for line in text.split("\n")))
                words[i] = max(words[i], *(cell_len(word) for word in text.split()), 0)
        return widths, words

    def fits(self, room: int) -> bool:
        """Whether the table fits `room` columns with every number and header whole: numbers (right-aligned
        columns) at full width, text wrapped down to its longest word."""
        widths, words = self.measure()
        need = [
            w if justify == "right" else min(words[i], LONG_WORD)
            for i, ((_, justify), w) in enumerate(zip(self.columns, widths, strict=True))
        ]
        return sum(need) + 2 * len(need) <= room

    def stacked(self) -> list[tuple[str, str]]:
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
                    label = f"{header}: " if header else ""
                    out.append((f"   {label}{value.replace(chr(10), ' ')}", style))
        return out

    def lines(self, room: int, color: bool) -> list[str]:
        """The table as lines of at most `room` cells: full widths when they fit, else numbers whole and the
        text columns narrowed (wrapped at words, a longer word folded) to share what is left."""
        widths, words = self.measure()
        right = [justify == "right" for _, justify in self.columns]
        sizes = list(widths)
        over = sum(widths) + 2 * len(widths) - room
        if over > 0:
            floor = [
                w if r else min(words[i], LONG_WORD, w) for i, (w, r) in enumerate(zip(widths, right, strict=True))
            ]
            give = [w - f for w, f in zip(widths, floor, strict=True)]
            spare = sum(give)
            for i in range(len(sizes)):
                if give[i] and spare:
                    cut = min(give[i], -(-over * give[i] // spare))  # each narrows by its share, rounded up
                    sizes[i] -= cut
        header = [h for h, _ in self.columns] if self.show_header else None
        return table_lines(self.title, header, self.rows, self.footer, sizes, right, color)


LONG_WORD = 24  # a wrapped column is at least as wide as its longest word, up to this; longer words fold


def write(blocks: Sequence[Sheet | tuple[str, str]], view: View) -> str:
    """Tables and (text, style) lines as a terminal of `view.width` columns would show them; no line ends in
    spaces."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Sheet) and not block.fits(view.width):
            for text, style in block.stacked():  # narrower than the table needs: a block per row
                out += [styled(line, style, view.color) for line in wrap(visible_lines(text), view.width)]
            out.append("")
        elif isinstance(block, Sheet):
            out += block.lines(view.width, view.color)
            out.append("")
        else:
            out += [styled(line, block[1], view.color) for line in wrap(visible_lines(block[0]), view.width)]
    return "\n".join(line.rstrip(" ") for line in out) + "\n"


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
    due = {b.month: b.postpaid_due for b in result.bills}
    for i, r in enumerate(rows):
        first = i == 0 or rows[i - 1].period != r.period
        last = i == len(rows) - 1 or rows[i + 1].period != r.period
        name = (short_meter(r.key) if r.key else r.meter) + (" *" if r.assumed else "")
        cells = [shown[r.period] if first else ""] if by_period else []
        cells += [name, qty(r.quantity, r.unit) if r.unit else "", money(r.amount)]
        cells += [cell(r.stages[s]) for s in stages]
        sheet.add(cells, end_section=last and by_period and by is not By.month)
        if last and by is By.month:  # what the month comes to: its list price, each stage, the bill as due
            month = [x for x in rows if x.period == r.period]
            sums = [sum((x.stages[s] for x in month), Fraction(0)) for s in stages]
            bill = [money(due.get(r.period, Fraction(0))) + " due" if s is Stage.postpaid else money(v)
                    for s, v in zip(stages, sums, strict=True)]  # fmt: skip
            total = ["", "month", "", money(sum((x.amount for x in month), Fraction(0))), *bill]
            sheet.add(total, style="dim", end_section=True)
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
    return sheet


def estimate(result: Estimate, view: View) -> str:
    blocks: list[Sheet | tuple[str, str]] = [(f"{result.scenario}: {result.start} to {last_day(result.end)}", "bold")]
    blocks.append(_charges(result, view.by))
    if result.balances:
        blocks.append(_balances(result))
        blocks += [block for line in monthly_key(result) for block in ((line, "dim"), ("", ""))]
    blocks.append(_summary(result, view))
    if view.budget is not None:  # under the table, never in it: its amounts keep their width
        blocks.append((budget_text(view), "red" if view.budget.exceeded else "green"))
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


# --- diff -----------------------------------------------------------------------------------


def _sheet(title: str, header: list[str], rows: list[list[str]]) -> Sheet:
    sheet = Sheet(title, [(h, "left" if i == 0 else "right") for i, h in enumerate(header)])
    for r in rows:
        sheet.add(r)
    return sheet


def diff(d: Diff, view: View) -> str:
    blocks: list[Sheet | tuple[str, str]] = [
        (f"{d.base_label} -> {d.new_label}: {d.new.start} to {last_day(d.new.end)}", "bold"),
        (diff_headline(d), "bold"),
        _sheet("What changes (yuan)", ["", "Before", "After", "Change", "%"], diff_total_rows(d)),
        _sheet(
            "By month (yuan)",
            ["Month", "List before", "List after", "Cash before", "Cash after", "Change", "%"],
            diff_month_rows(d),
        ),
        _sheet(
            "By meter, whole period (yuan)",
            ["Meter", "List before", "List after", "Postpaid before", "Postpaid after", "Change"],
            diff_meter_rows(d),
        ),
    ]
    if d.grants:
        header = ["Entitlement", "Left before", "Left after", "Lapsed before", "Lapsed after"]
        blocks.append(_sheet("Trials, packs and vouchers that change", header, diff_grant_rows(d)))
    return write(_with_notes(blocks, notes_text(d.notes, view), view), view)
