"""Options the commands share, declared once, and the parsing of their values into domain values."""

from __future__ import annotations

import os
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import AssumedError, UsageError
from ..messages import msg
from ..render import OutputFormat

if TYPE_CHECKING:
    from ..engine import Measure
    from ..pricing import Assumption, PriceSheet

PRICING_ENV = "ARTLAB_COST_PRICING"

PricingOpt = Annotated[
    str | None,
    typer.Option(
        "--pricing",
        metavar="FILE",
        help="Price sheet to use (default: $ARTLAB_COST_PRICING, else the bundled pricing.yaml).",
        show_default=False,
    ),
]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write the result to FILE instead of stdout.")
]
BudgetOpt = Annotated[
    str | None,
    typer.Option("--budget", metavar="YUAN", help="Exit 1 if the measured amount is over YUAN (see --budget-on)."),
]
BudgetOnOpt = Annotated[
    str, typer.Option("--budget-on", metavar="cash|postpaid|list", help="What --budget is measured on.")
]
StrictOpt = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Exit 2, with one line per assumption and no result, if any figure rests on an assumed price, "
        "amount or rule.",
    ),
]
ScenarioArg = Annotated[
    Path, typer.Argument(metavar="SCENARIO", help="A usage scenario YAML file.", show_default=False)
]


def measure(value: str) -> Measure:
    from ..engine import Measure

    if value not in tuple(Measure):
        raise UsageError(msg("cli.budget-on", value=value))
    return Measure(value)


def yuan(value: str | None, option: str) -> Decimal | None:
    """An amount of yuan given on the command line, or None when the option was not given."""
    if value is None:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise UsageError(msg("cli.not-yuan", option=option, value=value)) from None
    if not amount.is_finite() or amount < 0 or amount.adjusted() > 15:
        raise UsageError(msg("cli.yuan-range", option=option, value=value))
    return amount


def sheet_path(option: str | None) -> str | None:
    """The price sheet to use: --pricing, then $ARTLAB_COST_PRICING; None for the bundled one."""
    return option or os.environ.get(PRICING_ENV) or None


def load_sheet(option: str | None) -> PriceSheet:
    from ..api import load_sheet

    return load_sheet(sheet_path(option))


def refuse_assumed(assumed: Sequence[Assumption]) -> None:
    """--strict: no result that rests on an assumption; each one named by its file and field."""
    if assumed:
        raise AssumedError([msg("cli.strict", file=a.file, field=a.field, why=a.why) for a in assumed])
