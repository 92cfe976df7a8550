"""What a renderer is asked for besides the result: the output format, how charges are grouped, the View."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from ..changes import Increase
    from ..engine import BudgetCheck


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    html = "html"


class By(StrEnum):
    """How the charges table groups rows."""

    month = "month"
    day = "day"
    meter = "meter"
    total = "total"
    label = "label"  # each usage entry's (label's) share of every charge: engine/labels.py


class View(NamedTuple):
    """How a result is shown: the choices a renderer needs besides the result itself."""

    by: By = By.month
    budget: BudgetCheck | None = None
    color: bool = False  # ANSI colour (tables on a terminal only)
    width: int = 80  # columns a table may use
    notes: bool = True  # notes inside the output (tables put them under the table on a terminal only)
    scenario_path: str = ""  # the scenario as the user named it, for the reproduce command
    # what else the reproduce command needs to price as this run did: --pricing FILE, each --price OFFER=YUAN
    estimate_args: tuple[str, ...] = ()
    lang: str = "en"
    increase: Increase | None = None  # diff --fail-on-increase: the limit and its verdict
    chart: bool = False  # estimate --chart: a bar a month under the table
