"""Renderers: pure functions from a result to text, one module per output format."""

from __future__ import annotations

from enum import StrEnum


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class By(StrEnum):
    """How the charges table groups rows."""

    month = "month"
    day = "day"
    meter = "meter"
    total = "total"
