"""Renderers: pure functions from a result to text, one module per output format, one function per result.

Every format module (`table`, `jsonout`, `csvout`, `markdown`, `html`) has the same four functions,

    estimate(result: Estimate, view: View) -> str
    plans(comparison: Comparison, view: View) -> str
    pricing(sheet: PriceSheet, view: View) -> str
    diff(d: Diff, view: View) -> str

and `renderer(fmt)` picks the module for an OutputFormat with an exhaustive match: a format that
is added to the enum but not wired here, or a module that lacks a function, fails type checking.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple, Protocol, assert_never

if TYPE_CHECKING:
    from ..changes import Diff, Increase
    from ..engine import BudgetCheck, Estimate
    from ..plans import Comparison
    from ..pricing import PriceSheet


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


class View(NamedTuple):
    """How a result is shown: the choices a renderer needs besides the result itself."""

    by: By = By.month
    budget: BudgetCheck | None = None
    color: bool = False  # ANSI colour (tables on a terminal only)
    width: int = 80  # columns a table may use
    notes: bool = True  # notes inside the output (tables put them under the table on a terminal only)
    scenario_path: str = ""  # the scenario as the user named it, for the reproduce command
    lang: str = "en"
    increase: Increase | None = None  # diff --fail-on-increase: the limit and its verdict
    chart: bool = False  # estimate --chart: a bar a month under the table


class Renderer(Protocol):
    def estimate(self, result: Estimate, view: View) -> str: ...

    def plans(self, comparison: Comparison, view: View) -> str: ...

    def pricing(self, sheet: PriceSheet, view: View) -> str: ...

    def diff(self, d: Diff, view: View) -> str: ...


def renderer(fmt: OutputFormat) -> Renderer:
    """The module that renders a format (imported only when asked for: JSON runs never import Rich)."""
    match fmt:
        case OutputFormat.table:
            from . import table

            return table
        case OutputFormat.json:
            from . import jsonout

            return jsonout
        case OutputFormat.csv:
            from . import csvout

            return csvout
        case OutputFormat.markdown:
            from . import markdown

            return markdown
        case OutputFormat.html:
            from . import html

            return html
        case _:
            assert_never(fmt)
