"""Renderers: pure functions from a result to text, one module per output format, one function per result.

Every format module (`table`, `jsonout`, `csvout`, `markdown`, `html`) has the same four functions,

    estimate(result: Estimate, view: View) -> str
    plans(comparison: Comparison, view: View) -> str
    pricing(sheet: PriceSheet, view: View) -> str
    diff(d: Diff, view: View) -> str

and `renderer(fmt)` picks the module for an OutputFormat with an exhaustive match: a format that
is added to the enum but not wired here, or a module that lacks a function, fails type checking.
`View`, `By` and `OutputFormat` live in view.py (the format modules import them from there, never
from this dispatcher) and are re-exported here for callers outside render/.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, assert_never

from .view import By as By
from .view import OutputFormat as OutputFormat
from .view import View as View

if TYPE_CHECKING:
    from ..changes import Diff
    from ..engine import Estimate
    from ..plans import Comparison
    from ..pricing import PriceSheet


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
