"""compare-plans: rank the ways to pay for one scenario's usage, cheapest out of pocket first."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from ..engine import Priced, costs, price_usage
from ..engine.assumptions import dedicated_hours, relied_on, sheet_age, spec_notes
from ..engine.charges import DayCharge, PricedDay
from ..engine.waterfall import run
from ..messages import Note, note, unique
from ..money import q
from ..pricing import Assumption, PriceSheet
from ..scenario import Scenario
from .bounds import drop_hopeless, last_pack, rounding_slack
from .search import RUN_BUDGET, OutOfRuns, Plan, Search, descend, fewest_claims, undominated
from .space import Action, Space, as_holdings, candidate_offers


class Comparison(NamedTuple):
    scenario: str
    start: date
    end: date
    sheet: str
    plans: tuple[Plan, ...]  # ranked, best first
    baseline: Plan  # nothing more than the scenario holds
    postpaid_only: Fraction  # cash with nothing claimed, bought or held: every charge postpaid
    runs: int  # engine runs made by the search
    space: int  # plans the purchase rules allow within the searched counts
    notes: tuple[Note, ...]
    free: frozenset[str]  # offers that cost nothing: claimed rather than bought
    # the assumed values each listed plan (and the baseline) rests on, by the plan's actions
    assumed_by: dict[tuple[Action, ...], tuple[Assumption, ...]] = {}

    def saving(self, plan: Plan) -> Fraction:
        return self.postpaid_only - plan.costs.cash

    def assumptions_of(self, plan: Plan) -> tuple[Assumption, ...]:
        return self.assumed_by.get(plan.actions, ())

    @property
    def assumptions(self) -> tuple[Assumption, ...]:
        """Every assumed value some listed plan rests on, each once."""
        return tuple(_each_once(self.assumed_by.values()))

    def assumed_offer(self, plan: Plan, offer: str) -> bool:
        """Whether the plan's figures rest on an assumed term of this offer (marked * in the outputs)."""
        return any(a.field.startswith(f"offers.{offer}.") for a in self.assumptions_of(plan))


def _trim_claims(search: Search, kept: list[Plan], claims: list[Action]) -> list[Plan]:
    """Phase 2: drop the claims a plan does not need.

    For the cheapest plans every smaller set of claims is tried; from the others, a claim that
    absorbed nothing goes at no cost.
    """
    best_cash = kept[0].costs.cash if kept else None
    trimmed = []
    for plan in kept:
        if plan.costs.cash == best_cash:
            plan = fewest_claims(search, plan, claims)
        else:
            idle = {a for a in plan.actions if a in claims and not last_pack(plan.costs, a, search.sheet)[0]}
            if idle:
                plan = search.plan(a for a in plan.actions if a not in idle)
        trimmed.append(plan)
    return trimmed


def _relied_on(scenario: Scenario, sheet: PriceSheet, priced: Priced, plan: Plan) -> tuple[Assumption, ...]:
    """The assumed values a plan's figures rest on: one more run of the waterfall, for its entitlements."""
    with_plan = scenario.with_holdings(as_holdings(scenario, plan.actions))
    done = run(with_plan, sheet, priced, {}, keep=False)
    charged = {c.meter for pd in priced.days for c in pd.charges if c.amount > 0}
    return relied_on(with_plan, sheet, charged, done.entitlements)


def _each_once(groups: Iterable[tuple[Assumption, ...]]) -> list[Assumption]:
    return list(dict.fromkeys(a for group in groups for a in group))


def _times(pd: PricedDay) -> list[DayCharge]:
    """A run of identical priced days as one charge per meter, for the whole run."""
    return [c._replace(billable=c.billable * pd.count, amount=c.amount * pd.count) for c in pd.charges]


def _search_note(proven: bool, space: int, search: Search) -> Note:
    if not proven:
        return note("plans.search-stopped", budget=RUN_BUDGET, seen=len(search.seen), space=space)
    if space <= len(search.seen):
        return note("plans.search-all", space=space)
    return note("plans.search-bounded", space=space, seen=len(search.seen), runs=len(search.memo))


def compare(
    scenario: Scenario,
    sheet: PriceSheet,
    only: Sequence[str] = (),
    exclude: Sequence[str] = (),
    max_upfront: Decimal | None = None,
    top: int = 10,
) -> Comparison:
    """Rank the plans the purchase rules allow for this scenario, cheapest out of pocket first."""
    sheet = sheet.with_specs(scenario.specs)
    priced = price_usage(scenario, sheet)
    offers, idle = candidate_offers(scenario, sheet, priced, only, exclude)
    space = Space(scenario, sheet, priced)
    space.add(offers)
    drop_hopeless(space)
    months = len({pd.month for pd in priced.days}) or 1
    cap = q(max_upfront) if max_upfront is not None else None
    search = Search(scenario, sheet, priced, cap, top, rounding_slack(sheet, months), base=tuple(space.claims))
    # Phase 1: every free claim taken. A claim costs nothing and never raises postpaid, so the
    # cheapest plan with all of them is as cheap as the cheapest plan of all.
    proven = True
    try:
        descend(search, space.fixed + space.counts, tuple(space.claims))
        search.search(space.fixed, space.counts, 0, tuple(space.claims))
    except OutOfRuns:
        proven = False
    search.budget = None  # trimming the claims below is a handful of runs more
    kept = sorted(
        {p.actions: p for p in [*(item[2] for item in search.kept), *search.ties]}.values(), key=Plan.rank_key
    )
    distinct = {plan.actions: plan for plan in _trim_claims(search, kept, space.claims)}
    ranked = undominated(sorted(distinct.values(), key=Plan.rank_key))[:top]
    baseline = search.plan(())
    if not ranked:
        ranked = [baseline]
    everything_postpaid = costs(scenario._replace(holdings=()), sheet, priced)
    assumed_by = {p.actions: _relied_on(scenario, sheet, priced, p) for p in [*ranked, baseline]}
    notes = [
        note("plans.prices", "B21", sheet=sheet.label, origin=sheet.origin),
        _search_note(proven, space.size, search),
        note("plans.dating", "B12"),
        *spec_notes(sheet, *dedicated_hours(c for pd in priced.days for c in _times(pd))),
        *(
            note("note.assumed", field=a.field, why=a.why)
            for a in dict.fromkeys(a for v in assumed_by.values() for a in v)
        ),
    ]
    if idle:
        notes.append(note("plans.idle-offers", offers=tuple(idle)))
    if max_upfront is not None:
        notes.append(note("plans.max-upfront", limit=max_upfront))
    notes += unique(space.notes)  # one note per offer, whatever the number of its slots
    notes += sheet_age(scenario.start, sheet) + list(scenario.warnings)
    return Comparison(
        scenario=scenario.name,
        start=scenario.start,
        end=scenario.end,
        sheet=sheet.label,
        plans=tuple(ranked),
        baseline=baseline,
        postpaid_only=everything_postpaid.cash,
        runs=len(search.memo),
        space=space.size,
        notes=tuple(notes),
        free=frozenset(o.id for o in sheet.offers.values() if o.price == 0),
        assumed_by=assumed_by,
    )
