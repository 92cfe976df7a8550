"""compare-plans: rank the distinct ways to pay for one scenario's usage, cheapest out of pocket first.

`compare()` finds the candidates (space.py), builds the relaxation (model.py) and its solver
session (session.py), runs the search (search.py), then trims free claims a plan does not need and
finds each purchase's counts within a fen (finish.py), the break-even prices (breakeven.py), and
gathers the notes into a `Comparison`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import NamedTuple

from ..engine import (
    DayCharge,
    Priced,
    PricedDay,
    costs,
    dedicated_hours,
    entitlements,
    price_usage,
    relied_on,
    sheet_age,
    spec_notes,
)
from ..messages import Level, Msg, Note, Yuan, msg, note, unique
from ..money import ZERO, q
from ..pricing import Assumption, Eligibility, GrantKind, Limit, PriceSheet, Stage
from ..scenario import Scenario
from .breakeven import MODEL_PRICE, BreakEven, break_even_offers, break_evens
from .finish import CountRange, all_ranges, trim_claims, with_only_plans
from .model import Model
from .plan import Limits, Plan, SetResult, Status, Stop, rounding_slack, undominated
from .program import Program
from .relaxation import build
from .robustness import Holds, Robust
from .search import Search
from .session import Session
from .space import Action, Space, as_holdings, candidate_offers, drop_hopeless, hopeless_from, same_offers


class Comparison(NamedTuple):
    scenario: str
    start: date
    end: date
    sheet: Msg
    plans: tuple[Plan, ...]  # ranked, best first, each a different set of offers
    baseline: Plan  # nothing more than the scenario holds
    postpaid_only: Fraction  # cash with nothing claimed, bought or held: every charge postpaid
    runs: int  # engine runs made by the search
    plans_allowed: int  # how many plans the purchase rules allow
    notes: tuple[Note, ...]
    free: frozenset[str]  # offers that cost nothing: claimed rather than bought
    # the assumed values each listed plan (and the baseline) rests on, by the plan's actions
    assumed_by: Mapping[tuple[Action, ...], tuple[Assumption, ...]] = MappingProxyType({})
    proven: bool = True  # no plan costs less than the first, and each rank is proven in its place
    lower_bound: Fraction = Fraction(0)  # no plan can cost less than this
    stopped: str = ""  # why the search stopped before proving: "time-limit", "run-limit"; "" when it finished
    ranks_proven: tuple[bool, ...] = ()  # for each ranked plan: no plan outside the list could come before it
    ranges: tuple[dict[tuple[str, date], CountRange], ...] = ()  # for each ranked plan, its purchases' ranges
    bound_solves: int = 0  # linear programs solved for the bounds
    # for each --only offer that no ranked plan buys (it does not pay here): the cheapest plan found that buys it
    with_only: tuple[tuple[str, Plan], ...] = ()
    robust: Robust | None = None  # with usage given as ranges: each plan in each case, the robust plan (robust.py)
    holds: tuple[Holds, ...] = ()  # how far the first plan (and the robust one) stays the cheapest (robust.py)
    break_even: tuple[BreakEven, ...] = ()  # the break-even prices asked for, in the sheet's order of offers

    def saving(self, plan: Plan) -> Fraction:
        """What the plan saves against the reference plan, the scenario as written (negative: it costs more); a
        scenario holding offers already saves against paying everything postpaid (`postpaid_only`), and that is
        not the plan's doing."""
        return self.baseline.costs.cash - plan.costs.cash

    @property
    def first_proven(self) -> bool:
        """Whether the first plan is proven cheapest: no plan can cost less (`lower_bound` is its cash), though
        the search may have stopped before proving the later ranks (`proven` is about the whole ranking)."""
        return bool(self.plans) and self.lower_bound >= self.plans[0].costs.cash

    @property
    def gap(self) -> Fraction:
        """How much cheaper than the first plan some plan might still be: 0 when proven."""
        return max(self.plans[0].costs.cash - self.lower_bound, Fraction(0)) if self.plans else Fraction(0)

    @property
    def fully_proven(self) -> bool:
        """The first plan proven cheapest, and with it each case's cheapest plan (ranges) and each stays-cheapest
        probe: what --require-proven asks for."""
        return self.first_proven and (self.robust is None or self.robust.proven) and all(h.proven for h in self.holds)

    def assumptions_of(self, plan: Plan) -> tuple[Assumption, ...]:
        return self.assumed_by.get(plan.actions, ())

    @property
    def assumptions(self) -> tuple[Assumption, ...]:
        """Every assumed value some listed plan rests on, each once."""
        return tuple(_each_once(self.assumed_by.values()))

    @property
    def listed_assumptions(self) -> tuple[Assumption, ...]:
        """Every assumed value some ranked plan rests on, each once (not the reference's or a `with` row's when
        they are not ranked): what --strict refuses, so that with --exclude-assumed it weighs only what the plans
        left still rest on."""
        return tuple(_each_once(self.assumptions_of(p) for p in self.plans))

    def assumed_plan(self, plan: Plan) -> bool:
        """Whether any of the plan's purchases rests on an assumed term of its offer."""
        return any(self.assumed_offer(plan, a.offer) for a in plan.actions)

    def assumed_offer(self, plan: Plan, offer: str) -> bool:
        """Whether the plan's figures rest on an assumed term of this offer (marked * in the outputs)."""
        return any(a.field.startswith(f"offers.{offer}.") for a in self.assumptions_of(plan))


def _relied_on(scenario: Scenario, sheet: PriceSheet, priced: Priced, plan: Plan) -> tuple[Assumption, ...]:
    """The assumed values a plan's figures rest on: its grants, as the waterfall would hold them."""
    with_plan = scenario.with_holdings(as_holdings(scenario, plan.actions))
    charged = {c.meter for pd in priced.days for c in pd.charges if c.amount > 0}
    free = {c.meter for pd in priced.days for c in pd.charges if c.quantity > c.billable}
    return relied_on(with_plan, sheet, charged, entitlements(with_plan, sheet, {}), free)


def _each_once(groups: Iterable[tuple[Assumption, ...]]) -> list[Assumption]:
    return list(dict.fromkeys(a for group in groups for a in group))


def _times(pd: PricedDay) -> list[DayCharge]:
    """A run of identical priced days as one charge per meter, for the whole run."""
    return [c._replace(billable=c.billable * pd.days, amount=c.amount * pd.days) for c in pd.charges]


def _assumed_offers(sheet: PriceSheet) -> list[str]:
    """Offers whose price or size the sheet marks as assumed, `price` or `grants` (--exclude-assumed leaves them
    out); not one whose other terms are, `grants.covers` (what its grants cover), validity, limit or eligibility."""
    return [o.id for o in sheet.offers.values() if {f for f, _ in o.assumed} & {"price", "grants"}]


def serves_break_even(space: Space, session: Session, offer: str) -> bool:
    """Whether a comparison's own space and relaxation serve the break-even searches of an offer: they hold every
    count of it (none left out as not paying at the listed price), no twin of it was searched in its stead, and it
    has a price to change."""
    priced = space.sheet.offers[offer].price > 0  # a price of 0 has no coefficient in the max_upfront row to change
    return priced and offer in session.offer_vars and offer not in space.dropped | space.twins


def _ranked(search: Search, results: list[SetResult], top: int) -> list[Plan]:
    plans = sorted((r.plan for r in results if r.plan is not None and search.listable(r.plan)), key=Plan.rank_key)
    return undominated(plans)[:top]


class Setup(NamedTuple):
    """A search made ready for one scenario: its candidates' space, the offers left out and why."""

    search: Search
    space: Space
    idle: list[str]  # candidates that cover no billed usage
    skipped: list[str]  # offers left out by --exclude-assumed


def setup(
    scenario: Scenario,
    sheet: PriceSheet,
    only: Sequence[str] = (),
    exclude: Sequence[str] = (),
    max_upfront: Decimal | None = None,
    top: int = 10,
    *,
    exclude_assumed: bool = False,
    limits: Limits | None = None,
    progress: Callable[[Status], None] | None = None,
    started: float | None = None,
    priced: Priced | None = None,
    reprice: Mapping[str, Decimal] | None = None,
) -> Setup:
    """The candidates, the plan space, the relaxation and the search over them, before the search runs.

    `reprice` prices offers otherwise in the plan space and the relaxation only (a break-even search sets the
    price it tries on the session); the engine runs keep the sheet's prices, so held copies keep theirs."""
    sheet = sheet.with_specs(scenario.specs)
    model = sheet
    if reprice:
        model = sheet._replace(
            offers={**sheet.offers, **{o: sheet.offers[o]._replace(price=p) for o, p in reprice.items()}}
        )
    priced = priced or price_usage(scenario, sheet)
    skipped = _assumed_offers(sheet) if exclude_assumed else []
    offers, idle = candidate_offers(scenario, model, priced, only, [*exclude, *skipped])
    offers, merged = same_offers(offers)
    space = Space(scenario, model, priced)
    space.add(offers)
    space.notes += [note("plans.same-offer", offer=kept, same=tuple(ids)) for kept, ids in merged.items()]
    space.twins = set(merged)
    drop_hopeless(space)
    months = len({pd.month for pd in priced.days}) or 1
    cap = q(max_upfront) if max_upfront is not None else None
    claims = tuple(space.claims)
    limits = limits or Limits()
    since = time.perf_counter() if started is None else started

    def check() -> None:  # a scenario large enough that its relaxation takes longer than the time given
        if limits.seconds is not None and time.perf_counter() - since > limits.seconds:
            raise Stop("time-limit")

    late = False
    try:
        made = build(scenario, model, priced, space, claims, cap, check)
        check()
    except Stop:  # out of time before the relaxation is made: nothing can be searched, nothing bounded but by 0
        made, late = Model(Program(), [], priced.list_price), True
    slack = rounding_slack(sheet, months) + voucher_slack(scenario, sheet, months)
    search = Search(scenario, sheet, priced, Session(made), claims, cap, top, slack, limits, progress, started=since)
    if late:
        search.stopped, search.open = "time-limit", [ZERO]
    return Setup(search, space, idle, skipped)


def compare(
    scenario: Scenario,
    sheet: PriceSheet,
    only: Sequence[str] = (),
    exclude: Sequence[str] = (),
    max_upfront: Decimal | None = None,
    top: int = 10,
    *,
    exclude_assumed: bool = False,
    limits: Limits | None = None,
    progress: Callable[[Status], None] | None = None,
    within_a_fen: bool = True,
    break_even: Sequence[str] = (),
    break_even_assumed: bool = False,
) -> Comparison:
    """Rank the distinct sets of offers the purchase rules allow for this scenario, each at its cheapest counts
    and dates, cheapest out of pocket first; with a lower bound on what any plan could cost.

    `break_even` names offers whose break-even price to find (breakeven.py), `break_even_assumed` adds every
    candidate bought at a price the sheet marks assumed."""
    started = time.perf_counter()
    search, space, idle, skipped = setup(
        scenario, sheet, only, exclude, max_upfront, top,
        exclude_assumed=exclude_assumed, limits=limits, progress=progress, started=started,
    )  # fmt: skip
    sheet, priced, claims, session = search.sheet, search.priced, search.claims, search.session
    worth = break_even_offers(scenario, sheet, priced, break_even, break_even_assumed, only, [*exclude, *skipped])
    # a voucher that may pay for packs makes cash no longer linear in a pack's price (breakeven.py rests on it)
    unpriced = tuple(worth) if sheet.settings.voucher_pays_packs else ()
    worth = [] if unpriced else worth
    if not search.stopped:  # (stopped already: out of time before its relaxation was made)
        search.search()
    ranked = _ranked(search, search.results, top)
    search.limits = Limits(search.limits.seconds, None)  # a run limit is the search's; the time limit is all of it
    baseline = search.plan((), needed=True)
    if not ranked:
        ranked = [search.plan(claims, needed=True)]
    ranked = sorted(trim_claims(search, ranked, claims), key=Plan.rank_key)
    best = ranked[0].costs.cash
    open_bound = min(search.open, default=None)
    lower = best if open_bound is None else min(best, open_bound)
    proven_sets = {r.offers for r in search.results if r.proven}
    ranks_proven = tuple(
        (open_bound is None or p.costs.cash <= open_bound) and _offers(p, claims) in proven_sets for p in ranked
    )
    ranks_proven = _first_rank_proven(ranks_proven, lower, best)
    ranges = all_ranges(search, ranked) if within_a_fen else ({},) * len(ranked)  # robust.py's cases go without
    with_only = with_only_plans(search, space, only, [*exclude, *skipped], ranked)
    runs = len(search.memo)  # the ranking's engine runs (the break-even searches add theirs to the same memo)
    solves = session.solves  # and its programs (the break-even searches may solve theirs in the same session)

    def searcher(offer: str, share: Limits) -> tuple[Search, Fraction | None]:
        """A search over the same candidates with the offer searched whatever its price, sharing the engine runs.
        The break-even searches set the offer's price in the relaxation themselves, so where the comparison's own
        space holds every count of it (none left out as not paying at the listed price, no twin searched for it),
        that space and relaxation serve; else they are made again with the offer at a price it always pays at."""
        if serves_break_even(space, session, offer):
            return replace(search, limits=share), hopeless_from(space, offer)
        made = setup(
            scenario, sheet, only, exclude, max_upfront, 1, exclude_assumed=exclude_assumed,
            limits=share, progress=progress, started=started, priced=priced, reprice={offer: MODEL_PRICE},
        )  # fmt: skip
        if made.search.stopped:
            raise Stop(made.search.stopped)
        made.search.memo = search.memo
        return made.search, hopeless_from(made.space, offer)

    known = [*ranked, baseline, *(r.plan for r in search.results if r.plan is not None)]
    so_far = not search.stopped and all(ranks_proven)
    seconds = search.limits.seconds
    evens = break_evens(worth, sheet, searcher, ranked, known, so_far, lower, seconds, started, search.max_upfront)
    # every charge postpaid: the baseline itself when the scenario holds nothing (one engine run fewer)
    everything_postpaid = (
        baseline.costs if not scenario.holdings else costs(scenario._replace(holdings=()), sheet, priced)
    )
    assumed_by = {
        p.actions: _relied_on(scenario, sheet, priced, p) for p in [*ranked, baseline, *(w for _, w in with_only)]
    }
    proven = not search.stopped and all(ranks_proven)
    notes = [
        note("plans.prices", "B21", sheet=sheet.label, origin=sheet.origin_text),
        _search_note(search, space, proven, lower, ranked[0], runs, solves),
        note("plans.dating", "B12"),
        *spec_notes(sheet, *dedicated_hours(c for pd in priced.days for c in _times(pd))),
        *(note("note.assumed", field=a.field, why=a.why) for a in _each_once(assumed_by.values())),
    ]
    if idle:
        notes.append(note("plans.idle-offers", offers=tuple(idle)))
    offered = {o.id for o in candidate_offers(scenario, sheet, priced, only, [*exclude, *skipped])[0]}
    if barred := tuple(o for o in only if o not in offered and o not in idle and o not in skipped):
        notes.append(note("warning.only-barred", level=Level.warning, offers=barred))
    if unpriced:
        notes.append(note("plans.break-even-voucher-packs", offers=unpriced))
    if skipped:
        notes.append(note("plans.excluded-assumed", offers=tuple(skipped)))
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
        runs=runs,
        plans_allowed=space.size,
        notes=tuple(notes),
        free=frozenset(o.id for o in sheet.offers.values() if o.price == 0),
        assumed_by=assumed_by,
        proven=proven,
        lower_bound=lower,
        stopped=search.stopped,
        ranks_proven=ranks_proven,
        ranges=ranges,
        bound_solves=solves,
        with_only=with_only,
        break_even=evens,
    )


def _offers(plan: Plan, claims: Sequence[Action]) -> frozenset[str]:
    return frozenset(a.offer for a in plan.actions if a not in claims)


def _first_rank_proven(ranks_proven: tuple[bool, ...], lower: Fraction, best: Fraction) -> tuple[bool, ...]:
    """The first rank is proven in its place when no plan can cost less than it, whether or not its set of offers
    was searched to the end: every plan left unpriced is bounded at or above its cash."""
    return ((lower >= best) or ranks_proven[0], *ranks_proven[1:]) if ranks_proven else ranks_proven


def _search_note(
    search: Search, space: Space, proven: bool, lower: Fraction, best: Plan, runs: int, solves: int
) -> Note:
    if proven:
        return note("plans.search-proven", space=space.size, runs=runs, solves=solves)
    if lower >= best.costs.cash:  # the first plan proven cheapest, the later ranks not
        return note("plans.search-first-proven", reason=msg(f"plans.stopped.{search.stopped or 'unproven'}"))
    return note(
        "plans.search-unproven",
        reason=msg(f"plans.stopped.{search.stopped or 'unproven'}"),
        lower=Yuan(lower),
        gap=Yuan(best.costs.cash - lower),
        runs=runs,
    )


def voucher_slack(scenario: Scenario, sheet: PriceSheet, months: int) -> Fraction:
    """With voucher_pays_packs, a voucher's yuan may pay a pack's price instead of usage, which the linear bound
    (packs paid in cash) does not see: a plan's cash can fall below its bound by at most the yuan of every
    voucher it could hold, so the bound is lowered by that. A voucher any number of copies may be bought of
    leaves no such limit: the bound is then no bound, and the search proves nothing it does not run."""
    if not sheet.settings.voucher_pays_packs:
        return Fraction(0)
    total = Fraction(0)
    account = {Eligibility.new_user: scenario.new_user, Eligibility.student: scenario.student}
    for o in sheet.offers.values():
        held = sum(h.copies for h in scenario.holdings if h.offer == o.id)
        if o.stage is not Stage.voucher or not (held or all(account[e] for e in o.eligible)):
            continue
        yuan = sum((q(g.size) for g in o.grants if g.kind is GrantKind.amount), Fraction(0))
        if o.limit is Limit.stackable:
            return Fraction(10**15) if yuan else total
        claims = 1 if o.limit is Limit.once_per_user else months // o.validity_months + 1
        total += yuan * (held + claims)
    return total
