"""estimate --chart: a text bar a month, its list price split by the stage that absorbed it."""

from __future__ import annotations

from fractions import Fraction

from ..engine import Estimate
from ..i18n import money, tr
from ..money import round_to
from ..pricing import Rounding, Stage
from .charts import Month, months
from .grid import pad, styled
from .grid import width as cell_len
from .view import View
from .wording import stage_name

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
