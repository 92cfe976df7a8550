"""Renderers: pure functions from a result to text, one module per output format."""

from __future__ import annotations

from enum import Enum


class OutputFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class By(str, Enum):
    """How the charges table groups rows."""

    month = "month"
    day = "day"
    meter = "meter"
    total = "total"
