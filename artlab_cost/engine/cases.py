"""The three cases of a scenario whose usage is given as ranges: the cheapest, the expected and the dearest.

Holdings are the same in every case, and cash is monotone in each usage figure but `idle_share`
when the holdings are fixed (docs/scenario.md, "Ranges", gives the argument; a property test
checks it): more usage gives each day's charge of a meter at least the same quantity, and a charge
that grows never leaves a trial, pack or voucher with more to give a later one (B13, B16, B17), so
every monotone figure at its low end gives the cheapest and at its high end the dearest of all the
usage the ranges allow. A range of `idle_share` moves traffic between two prices rather than adding
any, so its dearest end depends on what is held (with nothing held the low end, with a pack for busy
hours alone either). Each case therefore runs both ends of every such range, the other figures at
that case's end, and keeps the cheaper run for the low case and the dearer for the high case.
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from itertools import product

from ..messages import before_warnings, note
from ..pricing import PriceSheet
from ..scenario import Case, Scenario, TrafficUsage, Usage
from . import simulate
from .result import Estimate, State

# The figures whose cash is not monotone: both of their ends are run in each case.
NOT_MONOTONE: dict[type, tuple[str, ...]] = {TrafficUsage: ("idle_share",)}
# At most this many such ranges are run end by end (2 ** n runs a case); more are run with all at one end
# or all at the other, and a note says so.
EVERY_END_UP_TO = 6


def with_cases(scenario: Scenario, sheet: PriceSheet, result: Estimate, state: State | None = None) -> Estimate:
    """The expected case's result with the low and high cases' runs and a note of the ranges (none without)."""
    if not scenario.ranges:
        return result
    swings = _swings(scenario)
    low = min(_runs(scenario, Case.low, swings, sheet, state), key=_cash)  # the first of equals: the figures' ends
    high = max(_runs(scenario, Case.high, swings, sheet, state), key=_cash)
    notes = [note("note.ranges", fields=tuple(scenario.ranges))]
    if swings:
        if len(swings) <= EVERY_END_UP_TO:
            notes.append(note("note.idle-share-range"))
        else:
            notes.append(note("note.idle-share-ranges-together", count=len(swings)))
    return result._replace(cases=((Case.low, low), (Case.high, high)), notes=before_warnings(result.notes, notes))


def _cash(result: Estimate) -> Fraction:
    return result.totals.cash


def _swings(scenario: Scenario) -> list[tuple[int, str]]:
    """The (entry, figure) pairs of the non-monotone figures given as ranges: their ends differ."""
    low, high = scenario.ends
    return [
        (i, name)
        for i, (lo, hi) in enumerate(zip(low, high, strict=True))
        for name in NOT_MONOTONE.get(type(lo), ())
        if getattr(lo, name) != getattr(hi, name)
    ]


def _runs(
    scenario: Scenario, case: Case, swings: list[tuple[int, str]], sheet: PriceSheet, state: State | None
) -> Iterator[Estimate]:
    """The runs of one case: the figures at that end, each non-monotone one at either end (that case's first)."""
    at = scenario.case(case)
    ends = {Case.low: scenario.ends[0], Case.high: scenario.ends[1]}
    other = Case.high if case is Case.low else Case.low
    if len(swings) <= EVERY_END_UP_TO:
        choices = list(product((case, other), repeat=len(swings)))
    else:
        choices = [(case,) * len(swings), (other,) * len(swings)]
    for choice in choices:
        usage: list[Usage] = list(at.usage)
        for (i, name), end in zip(swings, choice, strict=True):
            usage[i] = usage[i]._replace(**{name: getattr(ends[end][i], name)})
        yield simulate(at._replace(usage=tuple(usage)), sheet, state)
