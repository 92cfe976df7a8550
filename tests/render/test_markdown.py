"""Markdown output: documents to paste into a pull-request comment, with well-formed tables."""

from __future__ import annotations

import re

import pytest
from helpers import EXAMPLE_IDS, bundled_sheet, comparison, example

from artlab_cost.render import View, markdown


def _tables_are_well_formed(text: str) -> None:
    """Every row of a table has as many cells as its header (an unescaped | would add one)."""
    blocks = re.findall(r"((?:^\|.*\|\n)+)", text, re.M)
    assert blocks
    for block in blocks:
        widths = {len(re.split(r"(?<!\\)\|", line)) for line in block.splitlines()}
        assert len(widths) == 1, block


@pytest.mark.parametrize("stem", EXAMPLE_IDS)
def test_estimate_markdown(stem: str) -> None:
    result = example(stem).estimate
    text = markdown.estimate(result, View())
    assert text.startswith(f"## artlab-cost estimate: {result.scenario}\n")
    assert "### Charges" in text and "### Monthly postpaid bills" in text and "### Notes" in text
    _tables_are_well_formed(text)
    # a note that starts with '*' is escaped, so it is not read as a nested list
    assert not re.search(r"^- \* ", text, re.M)


@pytest.mark.parametrize("stem", EXAMPLE_IDS)
def test_plans_markdown(stem: str) -> None:
    c = comparison(stem)
    text = markdown.plans(c, View(scenario_path=f"examples/{stem}.yaml"))
    assert text.startswith(f"## artlab-cost plans: {c.scenario}\n")
    assert "**Proven cheapest: " in text  # every example is proven within the time limit
    _tables_are_well_formed(text)
    if c.plans[0].actions:
        assert f"`artlab-cost estimate examples/{stem}.yaml`" in text and "```yaml\nholdings:\n" in text


def test_pricing_markdown() -> None:
    text = markdown.pricing(bundled_sheet(), View())
    for heading in ("### Meters", "### Offers", "### Settings"):
        assert heading in text
    _tables_are_well_formed(text)
    assert "| deduction\\_order | free\\_trial &gt; pack &gt; voucher &gt; postpaid |" in text  # as Markdown shows it
