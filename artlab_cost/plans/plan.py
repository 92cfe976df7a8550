"""What a search finds, as records: a plan and how it ranks, a set's best plan, where a search stands and what
bounds it, and the rules every part of the comparison reads a plan by (its last pack, the rounding slack, the
plans that only add to a cheaper one)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import NamedTuple

from ..engine import Costs, grant_ids
from ..money import q
from ..pricing import PriceSheet
from .space import Action

FEN = Fraction(1, 100)


@dataclass(frozen=True)
class Plan:
    actions: tuple[Action, ...]  # sorted
    costs: Costs

    @property
    def purchases(self) -> int:
        return sum(a.count for a in self.actions)

    def rank_key(self) -> tuple[Fraction, int, Fraction, tuple[Action, ...]]:
        # Cheapest out of pocket first; ties: fewer purchases, then lower upfront, then the actions themselves.
        return (self.costs.cash, self.purchases, self.costs.upfront, self.actions)


class Status(NamedTuple):
    """Where a search stands, for a progress display."""

    elapsed: float  # seconds
    runs: int  # plans priced by the engine
    best: Fraction | None  # the cheapest cash found
    bound: Fraction | None  # no plan costs less than this


class Limits(NamedTuple):
    # wall time of the whole comparison, from compare()'s call: the search, then the trimming of claims and the
    # counts within a fen, stop there and say what they have not done (an engine run under way is finished)
    seconds: float | None = 60.0
    runs: int | None = None  # engine runs before it stops (for tests: a limit that does not depend on speed)


class Stop(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "time-limit" or "run-limit"


class SetResult(NamedTuple):
    """The cheapest plan found that buys exactly a set of offers, and whether it is proven the cheapest such."""

    offers: frozenset[str]
    plan: Plan | None  # None: none cheaper than what it had to beat
    proven: bool


def last_pack(result: Costs, action: Action, sheet: PriceSheet) -> tuple[bool, bool]:
    """Whether the last of an action's stacked packs absorbed anything, and whether it was left unused in part.

    Stacked packs are used one after another (B16), so the last one absorbed something only if
    the whole stack absorbed more than count - 1 packs hold (a monthly quota: in its fullest month,
    which `Costs` gives scaled to a whole month).
    """
    absorbed_any, unused_any = False, False
    offer = sheet.offers[action.offer]
    for grant, ident in zip(offer.grants, grant_ids(action.prefix(), offer), strict=True):
        if ident not in result.absorbed:
            continue
        absorbed_any |= result.absorbed[ident] > q(grant.size) * (action.count - 1)
        unused_any |= result.unused[ident] > 0
    return absorbed_any, unused_any


def rounding_slack(sheet: PriceSheet, months: int) -> Fraction:
    """How far the billed postpaid of `months` bills can fall below the exact postpaid: one step a month (B20)."""
    return q(Fraction(months, 10**sheet.settings.bill_places))


def shown_bound(bound: Fraction | None, best: Fraction | None) -> Fraction | None:
    """What no plan can cost less than, given the next set's bound (which holds only for the sets not searched
    yet) and the best plan found: never above the best, since that plan itself costs no less than it."""
    return bound if best is None or bound is None else min(bound, best)


def contains(big: Sequence[Action], small: Sequence[Action]) -> bool:
    """Whether a plan of `big` buys everything a plan of `small` buys (and maybe more)."""
    have = {(a.offer, a.date): a.count for a in big}
    return all(have.get((a.offer, a.date), 0) >= a.count for a in small)


def undominated(plans: list[Plan]) -> list[Plan]:
    """Drop a plan that only adds to a plan ranked above it and costs no less."""
    out: list[Plan] = []
    for plan in plans:
        if not any(contains(plan.actions, p.actions) and p.costs.cash <= plan.costs.cash for p in out):
            out.append(plan)
    return out
