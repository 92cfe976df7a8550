"""What a comparison makes of the plans its search found: the free claims a plan does not need left out, each
purchase's counts within a fen of the plan's cash, and the cheapest plan of each --only offer no ranked plan buys.

Every figure is the engine's (the search's memo of runs); each part keeps to the comparison's time limit and,
when it runs out, says so through the search (`Search.stopped`) and leaves what it has not reached unstated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from ..pricing import Limit
from ..scenario import overlaps
from .model import point_of
from .plan import FEN, Plan, Stop, last_pack
from .search import Search
from .space import Action, Space, as_holdings, candidate_offers

CountRange = tuple[int, int]  # the counts of a purchase whose plans cost within a fen of the plan's


def trim_claims(search: Search, plans: list[Plan], claims: Sequence[Action]) -> list[Plan]:
    """Drop the free claims a plan does not need: a claim that absorbed nothing goes at no cost; from the cheapest
    plans, each other claim is tried without, and left out when the plan costs the same (fewer claims rank first)."""
    best_cash = plans[0].costs.cash if plans else None
    out = []
    for plan in plans:
        try:
            idle = {a for a in plan.actions if a in claims and not last_pack(plan.costs, a, search.sheet)[0]}
            if idle:
                plan = search.plan(a for a in plan.actions if a not in idle)
            if plan.costs.cash == best_cash:
                for claim in [a for a in plan.actions if a in claims]:
                    without = search.plan(a for a in plan.actions if a != claim)
                    if without.costs.cash == plan.costs.cash:
                        plan = without
        except Stop as stop:  # out of time: the plan as it stands (every figure still the engine's)
            search.stopped = search.stopped or stop.reason
        out.append(plan)
    return out


def count_ranges(search: Search, plan: Plan, steps: int = 3) -> dict[tuple[str, date], CountRange]:
    """For each stacked purchase of a plan, the counts (others kept) whose cash is within a fen of the plan's.

    A neighbour is priced only when the bound says it could be within a fen; a count of 0 that would
    leave the plan without the offer is another set, not a neighbour."""
    out: dict[tuple[str, date], CountRange] = {}
    paid = [a for a in plan.actions if a not in search.claims]
    for a in paid:
        if a.count == 1 and search.sheet.offers[a.offer].limit is not Limit.stackable:
            continue
        others = [b for b in plan.actions if b != a]
        lo = hi = a.count
        for step in (-1, 1):
            n = a.count
            for _ in range(steps):
                n += step
                if n < 1 and not any(b.offer == a.offer for b in others):
                    break
                actions = others + ([replace(a, count=n)] if n > 0 else [])
                offers = frozenset(b.offer for b in actions if b not in search.claims)
                point = point_of(search.session.vars, actions)
                if not search.could_beat(point, offers, plan.costs.cash + FEN + FEN / 2):
                    break
                if search.plan(actions).costs.cash > plan.costs.cash + FEN:
                    break
                lo, hi = min(lo, n), max(hi, n)
        out[(a.offer, a.date)] = (lo, hi)
    return out


def all_ranges(search: Search, ranked: list[Plan]) -> tuple[dict[tuple[str, date], CountRange], ...]:
    """Each plan's counts within a fen, until the time limit: a plan not reached has none stated."""
    out: list[dict[tuple[str, date], CountRange]] = []
    try:
        for plan in ranked:
            out.append(count_ranges(search, plan))
    except Stop as stop:
        search.stopped = search.stopped or stop.reason
    return tuple(out) + ({},) * (len(ranked) - len(out))


def with_only_plans(
    search: Search, space: Space, only: Sequence[str], left_out: Sequence[str], ranked: list[Plan]
) -> tuple[tuple[str, Plan], ...]:
    """For each --only offer that no ranked plan buys: the cheapest plan the search priced that buys it (a plan
    not listed because it only adds to a cheaper one), else one pack of it, on the first day with billed usage of
    what it covers, with the first plan's free claims (an offer not searched since it cannot pay for itself,
    docs/plans.md, or one whose set the bound closed below --top). An offer with no billed usage to cover, or
    one the scenario holds already, has no such plan."""
    out: list[tuple[str, Plan]] = []
    scenario, sheet = search.scenario, search.sheet
    candidates = {o.id for o in candidate_offers(scenario, sheet, search.priced, only, left_out)[0]}
    for offer in dict.fromkeys(only):
        if offer not in candidates or any(a.offer == offer for p in ranked for a in p.actions):
            continue
        priced = [Plan(k, c) for k, c in search.memo.items() if any(a.offer == offer for a in k)]
        if not priced:
            day = space.first_use(sheet.offers[offer], scenario.start)
            claims = [a for a in ranked[0].actions if sheet.offers[a.offer].price == 0]
            actions = (*claims, Action(offer, day)) if day is not None else ()
            if day is None or overlaps(scenario.holdings + as_holdings(scenario, actions), sheet):
                continue  # B16: a pack of a group the plan holds already
            try:
                priced = [search.plan(actions)]
            except Stop as stop:
                search.stopped = search.stopped or stop.reason
                continue
        out.append((offer, min(priced, key=Plan.rank_key)))
    return tuple(out)
