"""The renderer contract: every output format renders every result type its own way (render/__init__.py)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from helpers import bundled_sheet, comparison, diff_result, example

from artlab_cost.render import OutputFormat, View, renderer

STEM = "new-user-starter"


def test_every_format_has_a_renderer_for_every_result() -> None:
    """A member added to OutputFormat must be wired in renderer() with all four functions (mypy checks it too)."""
    for fmt in OutputFormat:
        module = renderer(fmt)
        for name in ("estimate", "plans", "pricing", "diff"):
            assert callable(getattr(module, name)), (fmt, name)


SHAPES = {
    OutputFormat.table: lambda text, kind: {"estimate": "Charges and how they are absorbed", "plans": "Ways to pay",
                                            "pricing": "Offers", "diff": "What changes"}[kind] in text,
    OutputFormat.json: lambda text, kind: json.loads(text)["kind"] == kind,
    OutputFormat.csv: lambda text, kind: next(csv.reader(io.StringIO(text)))[0] == {"estimate": "from", "plans": "rank",
                                                                                     "pricing": "kind",
                                                                                     "diff": "section"}[kind],
    OutputFormat.markdown: lambda text, kind: text.startswith("## ") and "\n| --- |" in text,
    OutputFormat.html: lambda text, kind: text.startswith("<!DOCTYPE html>")
                                          and ("<svg" in text) == (kind != "pricing"),
}  # fmt: skip


@pytest.mark.parametrize("kind", ["estimate", "plans", "pricing", "diff"])
def test_each_format_renders_its_own_way(kind: str) -> None:
    """Each format has its own shape; a format that falls through to another's renderer is half-wired."""
    assert set(SHAPES) == set(OutputFormat)
    result = {
        "estimate": example(STEM).estimate,
        "plans": comparison(STEM),
        "pricing": bundled_sheet(),
        "diff": diff_result(),
    }[kind]
    outputs = {}
    for fmt in OutputFormat:
        text = getattr(renderer(fmt), kind)(result, View())
        assert text.endswith("\n")
        assert SHAPES[fmt](text, kind), (fmt, kind, text[:200])
        outputs[fmt] = text
    assert len(set(outputs.values())) == len(OutputFormat)
