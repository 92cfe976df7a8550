"""The hypothesis profiles, and fixtures shared by the tests (the cached examples themselves are in helpers.py, for
the golden script too).

Profiles: `dev`, the default, with fewer examples, and `ci`, the full counts, which `.ci/run` selects with
HYPOTHESIS_PROFILE=ci. A test's own count is `helpers.examples(n)`, which follows the same variable; a profile gives
the count of a property test that names none. helpers.py is imported only by the processes that run tests, not by
the one that hands them out to parallel workers: it waits for that import before starting them.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

if TYPE_CHECKING:
    from artlab_cost.pricing import PriceSheet

settings.register_profile("ci", max_examples=100)
settings.register_profile("dev", max_examples=25)
settings.load_profile("ci" if os.environ.get("HYPOTHESIS_PROFILE") == "ci" else "dev")


@pytest.fixture(scope="session")
def bundled() -> PriceSheet:
    from helpers import bundled_sheet

    return bundled_sheet()
