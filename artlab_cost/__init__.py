"""artlab-cost: what PAI ArtLab will cost you, and the cheapest way to pay for it.

The library API (`artlab_cost.api`) is importable from the package itself: `load_sheet`,
`load_scenario`, `estimate`, `compare_plans`, `diff`, `to_text`. It is imported on first use, so the
command line does not pay for what it does not run.
"""

from __future__ import annotations

from typing import Any

from .version import __version__ as __version__

API = (
    "load_sheet",
    "load_scenario",
    "scenario_from_text",
    "estimate",
    "compare_plans",
    "diff",
    "check_budget",
    "check_increase",
    "to_text",
    "to_decimal",
)


def __getattr__(name: str) -> Any:
    if name in API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'artlab_cost' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *API])
