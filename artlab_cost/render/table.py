"""The Rich table people read: charges through the waterfall, entitlements, a summary and notes.

Rich is imported here and only here, so JSON, CSV and Markdown runs never pay for it.
"""

from __future__ import annotations

import io

from rich import box
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


def _console(color: bool, width: int) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        color_system="standard" if color else None,
        force_terminal=color,
        no_color=not color,
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )
    return console, buffer


def _charges(result: Result, by: str) -> Table:
    stages = list(result.stages)
    table = Table(
        title="Charges and how they are absorbed (yuan)",
        box=box.SIMPLE_HEAD,
        title_justify="left",
        show_footer=True,
        pad_edge=False,
        collapse_padding=True,
    )
    totals = result.totals
    stage_sum = {s: totals.absorbed.get(s, totals.postpaid_exact) for s in stages}
    by_period = by in ("month", "day")
    if by_period:
        table.add_column("Period", footer="Total", no_wrap=True)
    table.add_column("Meter", footer="" if by_period else "Total", no_wrap=True)
    table.add_column("Usage", justify="right", footer="", no_wrap=True)
    table.add_column("List", justify="right", footer=money(totals.list_price))
    for s in stages:
        table.add_column(SHORT_STAGES[s], justify="right", footer=money(stage_sum[s]))
    rows = charge_rows(result, by)
    for i, r in enumerate(rows):
        first = i == 0 or rows[i - 1].period != r.period
        last = i == len(rows) - 1 or rows[i + 1].period != r.period
        name = (short_meter(r.key) if r.key else r.meter) + (" *" if r.assumed else "")
        cells = [r.period if first else ""] if by_period else []
        cells += [
            name,
            qty(r.quantity, r.unit) if r.unit else "",
            money(r.amount),
            *(cell(r.stages[s]) for s in stages),
        ]
        table.add_row(*cells, end_section=last and by_period)
    return table


def _balances(result: Result) -> Table:
    table = Table(
        title="Trials, packs and vouchers (资源中心)", box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False
    )
    table.add_column("Entitlement, stage and validity", no_wrap=True)
    for name in ("Held", "Absorbed", "Left", "Lapsed"):
        table.add_column(name, justify="right")
    for b in result.balances:
        held, absorbed, left, lapsed = balance_amounts(b)
        label = Text(b.id + (f" x{b.count}" if b.count > 1 else "") + (" *" if b.assumed else ""))
        label.append(f"\n{SHORT_STAGES[b.stage].lower()}, {span(b.starts, b.ends).replace('..', ' to ')}", style="dim")
        table.add_row(label, held, absorbed, left, lapsed)
    return table


def _summary(result: Result, budget: BudgetCheck | None) -> Table:
    table = Table(title="Summary (yuan)", box=box.SIMPLE_HEAD, title_justify="left", show_header=False, pad_edge=False)
    table.add_column("What")
    table.add_column("Yuan", justify="right")
    for label, value in summary_lines(result):
        bold = label.startswith("Cash")
        table.add_row(Text(label, style="bold" if bold else ""), Text(money(value), style="bold" if bold else ""))
    if budget is not None:
        table.add_row(Text(budget.message(), style="red" if budget.exceeded else "green"), "")
    return table


def render(
    result: Result,
    by: str = "month",
    budget: BudgetCheck | None = None,
    color: bool = False,
    notes: bool = True,
    width: int = WIDTH,
) -> str:
    console, buffer = _console(color, width)
    console.print(Text(f"{result.scenario}: {result.start} to {last_day(result.end)}", style="bold"))
    console.print(_charges(result, by))
    if result.balances:
        console.print(_balances(result))
    console.print(_summary(result, budget))
    if notes and result.notes:
        console.print(Text("Notes", style="bold"))
        for note in result.notes:
            console.print(Text("- " + note), soft_wrap=False)
    return buffer.getvalue()
