"""The usage scenario: who the account is, the period, how it is used and what it already holds."""

from .load import load_scenario, parse_scenario
from .model import (
    EVERY_END_UP_TO,
    Case,
    DedicatedUsage,
    Holding,
    Per,
    RequestUsage,
    Scenario,
    SharedUsage,
    StorageUsage,
    Tool,
    TrafficUsage,
    Usage,
    UsageKind,
    overlaps,
    validity_end,
)
from .spec import MAX_PERIOD_MONTHS, SCENARIO_SPEC, WEEKDAYS

__all__ = [
    "EVERY_END_UP_TO",
    "Case",
    "MAX_PERIOD_MONTHS",
    "SCENARIO_SPEC",
    "WEEKDAYS",
    "DedicatedUsage",
    "Holding",
    "Per",
    "RequestUsage",
    "Scenario",
    "SharedUsage",
    "StorageUsage",
    "Tool",
    "TrafficUsage",
    "Usage",
    "UsageKind",
    "load_scenario",
    "parse_scenario",
    "overlaps",
    "validity_end",
]
