"""What the result would be under the other values of each assumed setting it rests on.

A setting the sources leave open (B5, B13, B17, the partial month of a monthly quota) has a
default the price sheet marks as assumed. When an estimate rests on one, the reader is shown the
cash out of pocket under each other value: a second run of the waterfall for each, so this is
asked for by `api.estimate` rather than done in every `simulate`.
"""

from __future__ import annotations

from ..messages import Note, Yuan, before_warnings, note
from ..pricing import PriceSheet
from ..scenario import Scenario
from .assumptions import alternatives, with_setting
from .charges import price_usage
from .result import Estimate, State, costs_of
from .waterfall import run


def setting_notes(scenario: Scenario, sheet: PriceSheet, result: Estimate, state: State | None = None) -> list[Note]:
    """One note per other value of each assumed setting the result rests on that gives another cash."""
    sheet = sheet.with_specs(scenario.specs)
    out = []
    for a in result.assumptions:
        name = a.field.removeprefix("settings.")
        if name == a.field:
            continue
        for value in alternatives(sheet, name):
            other = with_setting(sheet, name, value)
            priced = price_usage(scenario, other, state.requests_used if state else ())
            done = run(scenario, other, priced, dict(state.left) if state else {}, keep=False)
            cash = costs_of(done, scenario, other, priced.list_price).cash
            if cash == result.totals.cash:
                continue  # the same cash: nothing a reader acts on (the assumption is still listed)
            out.append(
                note(
                    "note.setting-alternative",
                    setting=name,
                    value=_as_written(getattr(sheet.settings, name)),
                    alternative=_as_written(value),
                    cash=Yuan(cash),
                    base=Yuan(result.totals.cash),
                )
            )
    return out


def _as_written(value: object) -> object:
    """A setting's value as the sheet writes it: a flag is `true` or `false`."""
    return ("true" if value else "false") if isinstance(value, bool) else value


def with_setting_notes(result: Estimate, notes: list[Note]) -> Estimate:
    """The result with `notes` after its other notes and before its warnings."""
    return result._replace(notes=before_warnings(result.notes, notes)) if notes else result
