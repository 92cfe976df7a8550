"""Fixtures shared by the tests (the cached examples themselves are in helpers.py, for the golden script too),
and the hypothesis profiles: `dev` (the default, fewer examples) and `ci` (the full counts, which `.ci/run`
selects with HYPOTHESIS_PROFILE=ci). A test's own count is `helpers.examples(n)`; these profiles give the count
of a property test that names none."""

from __future__ import annotations

import pytest
from helpers import CI_PROFILE, bundled_sheet
from hypothesis import settings

from artlab_cost.pricing import PriceSheet

settings.register_profile("ci", max_examples=100)
settings.register_profile("dev", max_examples=25)
settings.load_profile("ci" if CI_PROFILE else "dev")


@pytest.fixture(scope="session")
def bundled() -> PriceSheet:
    return bundled_sheet()
