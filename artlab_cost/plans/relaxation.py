"""The relaxation of one scenario's plans: every family of columns and rows of the model, written in turn."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

from ..engine import Priced
from ..pricing import PriceSheet
from ..scenario import Scenario
from .model import Build, Model, choice_rows, offer_rows, purchase_columns, purchase_vars, upfront_row
from .program import Program
from .space import Action, Space
from .waterfall_rows import (
    absorption_columns,
    charge_groups,
    charge_rows,
    grant_rows,
    grants_held,
    greedy_rows,
    idle_first_rows,
    stretches,
)


def build(
    scenario: Scenario,
    sheet: PriceSheet,
    priced: Priced,
    space: Space,
    claims: Sequence[Action],
    max_upfront: Fraction | None,
    check: Callable[[], None] = lambda: None,
) -> Model:
    """The relaxation of one scenario's plans, every family of columns and rows written in turn; `check` is called
    between them and in the long ones, and raises Stop when the comparison's time is up."""
    b = Build(scenario, sheet, Model(Program(), purchase_vars(space, sheet), priced.list_price), check=check)
    purchase_columns(b)
    b.ents, b.scale = grants_held(b, claims)
    b.segs = stretches(scenario, b.ents)
    charge_groups(b, priced)
    for family in (absorption_columns, charge_rows, grant_rows, idle_first_rows, greedy_rows, choice_rows, offer_rows):
        check()
        family(b)
    upfront_row(b, max_upfront)
    return b.model
