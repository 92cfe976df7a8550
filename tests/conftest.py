"""Fixtures shared by the tests (the cached examples themselves are in helpers.py, for the golden script too)."""

from __future__ import annotations

import pytest
from helpers import bundled_sheet

from artlab_cost.pricing import PriceSheet


@pytest.fixture(scope="session")
def bundled() -> PriceSheet:
    return bundled_sheet()
