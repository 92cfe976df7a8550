"""A comparison as words for people: each plan's actions, its rank, the headline and the command that reproduces it."""

from __future__ import annotations

import shlex
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING

from ..i18n import tr
from ..messages import Yuan
from ..scenario import Case

if TYPE_CHECKING:
    from ..plans import Action, Comparison, Plan


def action_text(action: Action, free: frozenset[str], lang: str = "en", undated: date | None = None) -> str:
    """'claim trial-compute on 2027-03-01', 'buy 2 x traffic-pack-10'; the date left out when it is `undated`."""
    what = tr(lang, "action.count", count=action.count, offer=action.offer) if action.count > 1 else action.offer
    text = tr(lang, "action.claim" if action.offer in free else "action.buy", what=what)
    return text if action.date == undated else tr(lang, "action.on", action=text, date=action.date)


def plan_name(plan: Plan, free: frozenset[str], lang: str = "en") -> str:
    if not plan.actions:
        return tr(lang, "plan.nothing")
    return tr(lang, "list.separator").join(action_text(a, free, lang) for a in plan.actions)


def plan_lines(plan: Plan, comparison: Comparison, lang: str = "en") -> list[str]:
    """A plan's actions, one a line: the counts within a fen of its cash, and * on one whose figures rest on an
    assumed term of its offer."""
    if not plan.actions:
        return [tr(lang, "plan.nothing")]
    ranges = plan_ranges(plan, comparison)
    out = []
    for a in plan.actions:
        lo, hi = ranges.get((a.offer, a.date), (a.count, a.count))
        text = action_text(a, comparison.free, lang, comparison.start)
        if lo < hi:
            text = tr(lang, "plan.within-a-fen", action=text, low=lo, high=hi)
        out.append(text + (" *" if comparison.assumed_offer(plan, a.offer) else ""))
    return out


def plan_ranges(plan: Plan, comparison: Comparison) -> dict[tuple[str, date], tuple[int, int]]:
    """The counts of each purchase of a listed plan whose cash is within a fen of its own ({} for the baseline)."""
    for p, ranges in zip(comparison.plans, comparison.ranges, strict=False):
        if p.actions == plan.actions:
            return ranges
    return {}


def rank_label(rank: str, plan: Plan, comparison: Comparison) -> str:
    """A rank, with ? when a plan outside the list might come before it (the search stopped before proving)."""
    if not rank.isdigit():
        return rank
    proven = comparison.ranks_proven[int(rank) - 1] if comparison.ranks_proven else True
    return rank if proven else rank + "?"


def rank_text(rank: str, plan: Plan, comparison: Comparison, lang: str) -> str:
    """A rank as people read it: 1, 2? (not proven in its place), or the reference plan in words."""
    return tr(lang, "plans.reference") if rank == "ref" else rank_label(rank, plan, comparison)


def snippet(plan: Plan) -> str:
    """The holdings to add to the scenario so that `estimate` reproduces this plan."""
    lines = ["holdings:"]
    for a in plan.actions:
        count = f", count: {a.count}" if a.count > 1 else ""
        lines.append(f"  - {{offer: {a.offer}, date: {a.date.isoformat()}{count}}}")
    return "\n".join(lines)


def recommendation(comparison: Comparison, lang: str = "en") -> str:
    """The headline: the first plan, whether it is proven the cheapest (else the bound), and its assumptions."""
    best = comparison.plans[0]
    if best.actions:
        what = tr(lang, "plan.joiner").join(plan_lines(best, comparison, lang))
    else:
        what = tr(lang, "plan.nothing-at-all")
    code = "plans.headline-proven" if comparison.proven else "plans.headline-best-found"
    text = tr(
        lang,
        code,
        plan=what,
        cash=Yuan(best.costs.cash),
        saving=Yuan(comparison.saving(best)),
        postpaid=Yuan(comparison.postpaid_only),
        lower=Yuan(comparison.lower_bound),
    )
    if comparison.assumed_plan(best):
        text += tr(lang, "plans.headline-assumed")
    return text + robust_headline(comparison, lang)


def robust_headline(comparison: Comparison, lang: str = "en") -> str:
    """The headline's sentences on ranges and scale: the robust plan, the cheapest at each end when they differ,
    how far a plan stays the cheapest ("" when the comparison has neither)."""
    text = ""
    robust = comparison.robust
    if robust is not None:
        plan = comparison.plans[robust.robust - 1]
        regret = robust.max_regret(plan)
        code = "plans.headline-robust" if regret else "plans.headline-robust-everywhere"
        text += tr(lang, code, rank=robust.robust, regret=Yuan(regret))
        low, high = robust.cheapest[Case.low], robust.cheapest[Case.high]
        if low != high:
            text += tr(lang, "plans.headline-ends", low=low, high=high)
    for holds in comparison.holds:
        low_text = f"{holds.low}%" if holds.low is not None else tr(lang, "plans.holds-floor")
        high_text = f"{holds.high}%" if holds.high is not None else tr(lang, "plans.holds-ceiling")
        text += tr(lang, "plans.headline-holds", rank=holds.rank, low=low_text, high=high_text)
    return text


def plan_case_header(comparison: Comparison, lang: str = "en") -> list[str]:
    """The columns a comparison of usage given as ranges adds: cash at each end, worst regret (none without)."""
    if comparison.robust is None:
        return []
    return [tr(lang, "plans.column.cash-low"), tr(lang, "plans.column.cash-high"), tr(lang, "plans.column.regret")]


def plan_case_values(comparison: Comparison, plan: Plan) -> list[Fraction]:
    """A plan's cash in the low and high cases and its worst regret, the values of `plan_case_header`'s columns."""
    robust = comparison.robust
    if robust is None:
        return []
    cash = robust.cash[plan.actions]
    return [cash[Case.low], cash[Case.high], robust.max_regret(plan)]


def reproduce_command(scenario_path: str) -> tuple[str, str]:
    """The scenario's path and the command that estimates it, quoted for a POSIX shell (a path is data: a space,
    a quote or a $ in it stays part of the one argument)."""
    path = shlex.quote(scenario_path)
    return path, f"artlab-cost estimate {path}"


def reproduce(comparison: Comparison, scenario_path: str, lang: str = "en") -> list[str]:
    """How to reproduce the best plan with `estimate`, as lines: the command, then the holdings to add."""
    best = comparison.plans[0]
    path, _ = reproduce_command(scenario_path)
    if not best.actions:
        return [tr(lang, "plans.reproduce", path=path)]
    return [tr(lang, "plans.reproduce-with", path=path), *snippet(best).split("\n")]


def plan_rows(comparison: Comparison) -> list[tuple[str, Plan]]:
    """The ranked plans, and the baseline ('ref') when it is not among them."""
    rows = [(str(i), p) for i, p in enumerate(comparison.plans, 1)]
    if all(p.actions != comparison.baseline.actions for p in comparison.plans):
        rows.append(("ref", comparison.baseline))
    return rows
