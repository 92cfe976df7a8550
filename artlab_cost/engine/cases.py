"""The three cases of a scenario whose usage is given as ranges: every range at its low end, expected, high end.

Holdings are the same in every case, and cash is monotone in each usage figure but `idle_share`
when the holdings are fixed (docs/scenario.md, "Ranges", gives the argument; a property test
checks it): more usage gives each day's charge of a meter at least the same quantity, and a charge
that grows never leaves a trial, pack or voucher with more to give a later one (B13, B16, B17), so
the low case is the cheapest and the high case the dearest of all the usage the ranges allow. A
range of `idle_share` moves traffic between two prices rather than adding any, so with it the ends
are named by the figures' ends and a note says the cash of a case may lie outside the other two.
"""

from __future__ import annotations

from ..messages import before_warnings, note
from ..pricing import PriceSheet
from ..scenario import Case, Scenario
from . import simulate
from .result import Estimate, State


def with_cases(scenario: Scenario, sheet: PriceSheet, result: Estimate, state: State | None = None) -> Estimate:
    """The expected case's result with the low and high cases' runs and a note of the ranges (none without)."""
    if not scenario.ranges:
        return result
    runs = tuple((case, simulate(scenario.case(case), sheet, state)) for case in (Case.low, Case.high))
    notes = [note("note.ranges", fields=tuple(scenario.ranges))]
    if any(path.endswith(".idle_share") for path in scenario.ranges):
        notes.append(note("note.idle-share-range"))
    return result._replace(cases=runs, notes=before_warnings(result.notes, notes))
