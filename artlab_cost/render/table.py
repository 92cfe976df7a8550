"""The tables people read: charges through the waterfall, entitlements, plans, the price sheet, a diff.

Drawn as plain text by grid.py (cell widths, wrapping, ANSI styles on a colour terminal).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, NamedTuple

from ..engine import Estimate
from ..i18n import money, tr
from ..messages import Yuan
from ..money import round_to
from ..pricing import PriceSheet, Rounding, Stage
from . import By, View
from .charts import Month, months
from .common import (
    balance_amounts,
    balance_label,
    budget_text,
    cell,
    charge_rows,
    last_day,
    monthly_key,
    notes_text,
    plan_lines,
    plan_rows,
    qty,
    rank_text,
    recommendation,
    reproduce,
    short_meter,
    span_words,
    stage_column,
    stage_name,
    stage_totals,
    summary_lines,
    visible_lines,
)
from .diff_rows import diff_grant_rows, diff_headers, diff_headline, diff_meter_rows, diff_month_rows, diff_total_rows
from .grid import longest_unit, pad, styled, table_lines, wrap
from .grid import width as cell_len
from .sheet_rows import meter_header, meter_rows, offer_header, offer_rows, setting_rows, sheet_notes, sheet_title

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
                out += [styled(line, style, view.color) for line in wrap(visible_lines(text), view.width)]
            out.append("")
        elif isinstance(block, Sheet):
            out += block.lines(view.width, view.color)
            out.append("")
        else:
            out += [styled(line, block[1], view.color) for line in wrap(visible_lines(block[0]), view.width)]
    return "\n".join(line.rstrip(" ") for line in out) + "\n"


def _with_notes(blocks: list[Block], notes: list[str], view: View) -> list[Block]:
    if view.notes and notes:
        blocks.append((tr(view.lang, "table.notes"), "bold"))
        blocks += [("- " + n, "") for n in notes]
    return blocks


# --- estimate -------------------------------------------------------------------------------


def _charges(result: Estimate, by: By, lang: str) -> Sheet:
    stages = list(result.stages)
    by_period = by in (By.month, By.day)
    columns = [(tr(lang, "table.column.period"), "left")] if by_period else []
    columns += [
        (tr(lang, f"table.column.{c}"), j) for c, j in (("meter", "left"), ("usage", "right"), ("list", "right"))
    ]
    columns += [(stage_column(s, lang), "right") for s in stages]
    rows = charge_rows(result, by, lang)
    title = tr(lang, "table.charges")
    shown = {r.period: r.period for r in rows}
    if by is By.day:  # days as MM-DD (or YY-MM-DD over several years), so the table fits 80 columns
        years = {p[:4] for p in shown}
        cut = 5 if len(years) == 1 else 2
        shown = {p: p[cut:] for p in shown}
        if len(years) == 1:
            title = tr(lang, "table.charges-in-year", year=years.pop())
    sheet = Sheet(title, columns)
    due = {b.month: b.postpaid_due for b in result.bills}
    for i, r in enumerate(rows):
        first = i == 0 or rows[i - 1].period != r.period
        last = i == len(rows) - 1 or rows[i + 1].period != r.period
        name = (short_meter(r.key, lang) if r.key else r.meter) + (" *" if r.assumed else "")
        cells = [shown[r.period] if first else ""] if by_period else []
        cells += [name, qty(r.quantity, r.unit, lang) if r.unit else "", money(r.amount)]
        cells += [cell(r.stages[s]) for s in stages]
        sheet.add(cells, end_section=last and by_period and by is not By.month)
        if last and by is By.month:  # what the month comes to: its list price, each stage, the bill as due
            month = [x for x in rows if x.period == r.period]
            sums = [sum((x.stages[s] for x in month), Fraction(0)) for s in stages]
            due_text = tr(lang, "table.due", amount=Yuan(due.get(r.period, Fraction(0))))
            bill = [due_text if s is Stage.postpaid else money(v) for s, v in zip(stages, sums, strict=True)]
            subtotal = ["", tr(lang, "table.month"), "", money(sum((x.amount for x in month), Fraction(0))), *bill]
            sheet.add(subtotal, style="dim", end_section=True)
    totals = stage_totals(result)
    label = tr(lang, "table.total")
    sheet.footer = ([label, ""] if by_period else [label]) + ["", money(result.totals.list_price)]
    sheet.footer += [money(totals[s]) for s in stages]
    return sheet


def _balances(result: Estimate, lang: str) -> Sheet:
    columns = [(tr(lang, "table.column.entitlement"), "left")]
    columns += [(tr(lang, f"table.column.{name}"), "right") for name in ("held", "absorbed", "left", "lapsed")]
    sheet = Sheet(tr(lang, "table.balances"), columns)
    for b in result.balances:
        validity = tr(
            lang,
            "table.stage-validity",
            stage=tr(lang, f"stage.short.{b.stage.value}"),
            span=span_words(b.starts, b.ends, lang),
        )
        sheet.add([balance_label(b) + "\n" + validity, *balance_amounts(b, lang)])
    return sheet


def _summary(result: Estimate, lang: str) -> Sheet:
    sheet = Sheet(tr(lang, "table.summary"), [("", "left"), ("", "right")], show_header=False)
    for label, value, first in summary_lines(result, lang):
        sheet.add([label, money(value)], style="bold" if first else "")
    return sheet


def _heading(scenario: str, start: date, end: date, lang: str) -> tuple[str, str]:
    return tr(lang, "table.heading", scenario=scenario, first=start, last=last_day(end)), "bold"


def estimate(result: Estimate, view: View) -> str:
    lang = view.lang
    blocks: list[Block] = [_heading(result.scenario, result.start, result.end, lang)]
    blocks.append(_charges(result, view.by, lang))
    if result.balances:
        blocks.append(_balances(result, lang))
        blocks += [block for line in monthly_key(result, lang) for block in ((line, "dim"), ("", ""))]
    blocks.append(_summary(result, lang))
    if view.chart:
        blocks.append(Drawn(month_bars(result, view)))
    if view.budget is not None:  # under the table, never in it: its amounts keep their width
        blocks.append((budget_text(view), "red" if view.budget.exceeded else "green"))
    return write(_with_notes(blocks, notes_text(result.notes, view), view), view)


# Each stage's bar in the terminal: its own character, so the split reads without colour too.
BAR = {Stage.free_trial: ("░", "green"), Stage.pack: ("▒", "cyan"), Stage.voucher: ("▓", "yellow")}
BAR_POSTPAID = ("█", "red")


def _segments(m: Month, most: Fraction, room: int) -> list[tuple[Stage, int]]:
    """How many cells each stage takes of a month's bar: cut where its running total falls, so the bar's length
    is the month's list price to the nearest cell, whatever the split."""
    out, total, drawn = [], Fraction(0), 0
    for stage, value in m.stages:
        total += value
        end = int(round_to(total * room / most, 0, Rounding.half_up)) if most else 0
        out.append((stage, end - drawn))
        drawn = end
    return out


def month_bars(result: Estimate, view: View) -> list[str]:
    """--chart: a line a month, its list price as a bar split by the stage that absorbed it, then the list price
    and the cash out of pocket that month (packs bought and the bill as due)."""
    lang = view.lang
    ms = months(result)
    figures = [(money(m.list_price), money(m.cash)) for m in ms]
    heads = (tr(lang, "table.column.list"), tr(lang, "plans.column.cash"))
    w_list = max(cell_len(heads[0]), *(len(a) for a, _ in figures))
    w_cash = max(cell_len(heads[1]), *(len(b) for _, b in figures))
    room = max(view.width - 8 - w_list - w_cash - 4, 10)
    most = max((m.list_price for m in ms), default=Fraction(0))
    out = [styled(tr(lang, "chart.bars"), "bold", view.color)]
    out.append(" " * (8 + room + 2) + pad(heads[0], w_list, True) + "  " + pad(heads[1], w_cash, True))
    for m, (listed, cash) in zip(ms, figures, strict=True):
        bar, used = "", 0
        for stage, cells in _segments(m, most, room):
            char, colour = BAR.get(stage, BAR_POSTPAID)
            bar += styled(char * cells, colour, view.color)
            used += cells
        line = f"{m.month} {bar}{' ' * (room - used)}  {pad(listed, w_list, True)}  {pad(cash, w_cash, True)}"
        out.append(line)
    legend = ""
    for s in result.stages:  # a key is never split over two lines
        key = f"{BAR.get(s, BAR_POSTPAID)[0]} {stage_name(s, lang)}"
        if legend and cell_len(legend) + 2 + cell_len(key) > view.width:
            out.append(legend)
            legend = ""
        legend += ("  " if legend else "") + key
    return [*out, legend]


# --- compare-plans --------------------------------------------------------------------------


def plans(comparison: Comparison, view: View) -> str:
    lang = view.lang
    columns = [("#", "right"), (tr(lang, "plans.column.plan"), "left")]
    columns += [
        (tr(lang, f"plans.column.{name}"), "right") for name in ("upfront", "postpaid", "cash", "saving", "lapsed")
    ]
    sheet = Sheet(tr(lang, "plans.title", start=comparison.start), columns)
    for rank, p in plan_rows(comparison):
        style = "bold" if rank == "1" else ("dim" if rank == "ref" else "")
        label = rank_text(rank, p, comparison, lang)
        cells = [label, "\n".join(plan_lines(p, comparison, lang)), money(p.costs.upfront), money(p.costs.postpaid_due)]
        cells += [money(p.costs.cash), money(comparison.saving(p)), money(p.costs.lapsed_value)]
        sheet.add(cells, style=style, end_section=True)
    blocks: list[Block] = [
        _heading(comparison.scenario, comparison.start, comparison.end, lang),
        sheet,
        (recommendation(comparison, lang), "bold"),
    ]
    if view.budget is not None:
        blocks.append((budget_text(view, best_plan=True), "red" if view.budget.exceeded else "green"))
    blocks.append((reproduce(comparison, view.scenario_path, lang), ""))
    return write(_with_notes(blocks, notes_text(comparison.notes, view), view), view)


# --- the price sheet --------------------------------------------------------------------------


def pricing(sheet: PriceSheet, view: View) -> str:
    lang = view.lang
    blocks: list[Block] = [(sheet_title(sheet, lang), "bold")]
    settings_header = [tr(lang, "pricing.column.setting"), tr(lang, "pricing.column.value")]
    for heading, header, rows in (
        (tr(lang, "pricing.meters"), meter_header(lang), list(meter_rows(sheet, lang))),
        (tr(lang, "pricing.offers"), offer_header(lang), list(offer_rows(sheet, lang))),
        (tr(lang, "pricing.settings"), settings_header, setting_rows(sheet, lang)),
    ):
        part = Sheet(heading, [(h, "left") for h in header])
        for r in rows:
            part.add(r)
        blocks.append(part)
    blocks += [(n, "") for n in sheet_notes(sheet, lang)]
    return write(blocks, view)


# --- diff -----------------------------------------------------------------------------------


def _sheet(title: str, header: list[str], rows: list[list[str]]) -> Sheet:
    sheet = Sheet(title, [(h, "left" if i == 0 else "right") for i, h in enumerate(header)])
    for r in rows:
        sheet.add(r)
    return sheet


def diff(d: Diff, view: View) -> str:
    lang = view.lang
    headers = diff_headers(lang)
    title = tr(lang, "diff.heading", base=d.base_label, new=d.new_label, first=d.new.start, last=last_day(d.new.end))
    blocks: list[Block] = [
        (title, "bold"),
        (diff_headline(d, lang), "bold"),
        _sheet(tr(lang, "diff.total"), headers["total"], diff_total_rows(d, lang)),
        _sheet(tr(lang, "diff.months"), headers["months"], diff_month_rows(d)),
        _sheet(tr(lang, "diff.meters"), headers["meters"], diff_meter_rows(d, lang)),
    ]
    if d.grants:
        blocks.append(_sheet(tr(lang, "diff.grants"), headers["grants"], diff_grant_rows(d, lang)))
    return write(_with_notes(blocks, notes_text(d.notes, view), view), view)
