"""The three cases of a scenario whose usage is given as ranges: the cheapest, the expected and the dearest.

Holdings are the same in every case, and cash is monotone in each usage figure but `idle_share`
when the holdings are fixed (docs/scenario.md, "Ranges", gives the argument; a property test
checks it): more usage gives each day's charge of a meter at least the same quantity, and a charge
that grows never leaves a trial, pack or voucher with more to give a later one (B13, B16, B17), so
every monotone figure at its low end gives the cheapest and at its high end the dearest of all the
usage the ranges allow. A range of `idle_share` moves traffic between two prices rather than adding
any, so its dearest end depends on what is held (with nothing held the low end, with a pack for busy
hours alone either). Each case therefore runs both ends of every such range, the other figures at
that case's end (Scenario.variants), and keeps the cheaper run for the low case and the dearer for the
high case.
"""

from __future__ import annotations

from fractions import Fraction

from ..messages import before_warnings, note
from ..pricing import PriceSheet
from ..scenario import EVERY_END_UP_TO, Case, Scenario
from . import simulate
from .result import Estimate, State


def with_cases(scenario: Scenario, sheet: PriceSheet, result: Estimate, state: State | None = None) -> Estimate:
    """The expected case's result with the low and high cases' runs and a note of the ranges (none without)."""
    if not scenario.ranges:
        return result
    # the first of equals: the figures at that case's end
    low = min((simulate(v, sheet, state) for v in scenario.variants(Case.low)), key=_cash)
    high = max((simulate(v, sheet, state) for v in scenario.variants(Case.high)), key=_cash)
    notes = [note("note.ranges", fields=tuple(scenario.ranges))]
    swings = scenario.swings()
    if swings:
        if len(swings) <= EVERY_END_UP_TO:
            notes.append(note("note.idle-share-range"))
        else:
            notes.append(note("note.idle-share-ranges-together", count=len(swings)))
    return result._replace(cases=((Case.low, low), (Case.high, high)), notes=before_warnings(result.notes, notes))


def _cash(result: Estimate) -> Fraction:
    return result.totals.cash
