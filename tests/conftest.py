"""The hypothesis profiles, and fixtures shared by the tests (the cached examples themselves are in helpers.py, for
the golden script too).

Profiles: `dev`, the default, with fewer examples, and `ci`, the full counts, which `.ci/run` selects with
HYPOTHESIS_PROFILE=ci. A test's own count is `helpers.examples(n)`, which follows the same variable; a profile gives
the count of a property test that names none. helpers.py is imported only by the processes that run tests, not by
the one that hands them out to parallel workers: it waits for that import before starting them.

Bytecode: where PYTHONDONTWRITEBYTECODE keeps Python from caching compiled modules beside their source, every test
process (this one, the parallel workers and the command lines the tests start) would compile the package, the tests
and hypothesis (rewritten by pytest, whose plugin it is) again: 15-16 s of wall time instead of 8-9 here. The run
caches them instead where the caller's PYTHONPYCACHEPREFIX says, else in the user's cache folder
(~/.cache/artlab-cost-tests), never in the tree, and tells the processes it starts to do the same.

A parallel worker ends without Python's teardown of its heap (`_leave_at_once`).

Order: the browser tests are collected first. `--dist worksteal` hands each worker a contiguous share of the
collection and an idle worker steals from the end of another's, so the first worker runs all of them, in the one
Chromium it starts: a second start costs over a second.
"""

from __future__ import annotations

import atexit
import gc
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if sys.dont_write_bytecode:
    # the caller's PYTHONPYCACHEPREFIX, else the user's own cache folder (never a shared one, where another user
    # could leave bytecode to be run)
    _CACHE = os.environ.get("PYTHONPYCACHEPREFIX") or str(
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "artlab-cost-tests" / "pycache"
    )
    sys.pycache_prefix, sys.dont_write_bytecode = _CACHE, False
    os.environ["PYTHONPYCACHEPREFIX"] = _CACHE
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

# hypothesis is a pytest plugin, so pytest rewrites its modules on import: imported here, it is cached too
from hypothesis import settings  # noqa: E402

if TYPE_CHECKING:
    from artlab_cost.pricing import PriceSheet

settings.register_profile("ci", max_examples=100)
settings.register_profile("dev", max_examples=25)
settings.load_profile("ci" if os.environ.get("HYPOTHESIS_PROFILE") == "ci" else "dev")


def pytest_configure(config: pytest.Config) -> None:
    """In the process that starts the run: a folder for the values the parallel workers share (helpers.py),
    named to them through the environment they inherit, and removed when the run ends."""
    if not hasattr(config, "workerinput"):
        os.environ[SHARED] = tempfile.mkdtemp(prefix="artlab-cost-tests-")
    else:
        atexit.register(_leave_at_once)  # registered early, so run after every exit handler registered later


def _leave_at_once() -> None:
    """A parallel worker, its tests run and its report sent, ends without taking its heap apart object by object:
    that teardown is most of a second a worker, waited for by the run's end. Its exit status tells nothing (the
    run's own status comes from the reports), and what it printed is flushed first."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that share one Chromium first, in their own order; every other test keeps its place."""
    items.sort(key=lambda item: item.path.name != "test_html_browser.py")  # a stable sort


def pytest_collection_finish(session: pytest.Session) -> None:
    """The collection, pytest's and hypothesis's modules, are kept for the whole run: frozen out of the garbage
    collector's view, and a young generation of 20,000 objects (Python's default: 2,000), the collector's full
    passes over them no longer cost about a tenth of the run (1.9 s of 22.6 s in one process, measured)."""
    gc.freeze()
    gc.set_threshold(20_000, 10, 10)


def pytest_unconfigure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput") and SHARED in os.environ:
        shutil.rmtree(os.environ.pop(SHARED), ignore_errors=True)


SHARED = "ARTLAB_COST_TESTS_SHARED"


@pytest.fixture(scope="session")
def bundled() -> PriceSheet:
    from helpers import bundled_sheet

    return bundled_sheet()
