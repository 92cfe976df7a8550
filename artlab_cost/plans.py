"""Plan comparison: the ways to pay for one scenario's usage, searched exhaustively with sound pruning.

A plan is what to claim or buy on top of what the scenario already holds. The plans the
purchase rules allow are a product of choices: each once-per-user offer (B10, B15) taken at
the start or not; each once-per-validity group (B16) one member or none per validity slot;
each stackable offer (B16) a count at the start of each validity slot. Every plan that is
ranked is run through the same engine as `estimate`. docs/plans.md explains why no plan the
pruning skips could rank above the plans shown.
"""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal

from .calendar import add_months
from .engine import Costs, Priced, costs, price_usage
from .errors import UsageError
from .pricing import Offer, PriceSheet
from .scenario import Holding, Scenario, overlaps
from .schema import suggest

COUNT_CAP = 200  # stackable counts beyond this are not searched (said in the notes when it bites)
FEN = Decimal("0.01")


@dataclass(frozen=True, order=True)
class Action:
    """Claim or buy `count` of an offer on a day."""

    offer: str
    date: date
    count: int = 1

    def label(self, sheet: PriceSheet) -> str:
        verb = "claim" if sheet.offers[self.offer].price == 0 else "buy"
        many = f"{self.count} x " if self.count > 1 else ""
        return f"{verb} {many}{self.offer} on {self.date.isoformat()}"

    def prefix(self) -> str:
        """The id prefix of the entitlements this action adds to a simulation."""
        return f"+{self.offer}@{self.date.isoformat()}"


@dataclass(frozen=True)
class Plan:
    actions: tuple[Action, ...]
    costs: Costs
    name: str

    @property
    def purchases(self) -> int:
        return sum(a.count for a in self.actions)

    def rank_key(self) -> tuple[Decimal, int, Decimal, str]:
        # Cheapest out of pocket first; ties: fewer purchases, then lower upfront, then name.
        return (self.costs.cash, self.purchases, self.costs.upfront, self.name)


@dataclass(frozen=True)
class Comparison:
    scenario: str
    start: date
    end: date
    sheet: str
    plans: tuple[Plan, ...]  # ranked, best first
    baseline: Plan  # nothing more than the scenario holds
    postpaid_only: Decimal  # cash with nothing claimed, bought or held: every charge postpaid
    runs: int  # engine runs made by the search
    space: int  # plans the purchase rules allow within the searched counts
    notes: tuple[str, ...]
    free: frozenset[str]  # offers that cost nothing: claimed rather than bought

    def saving(self, plan: Plan) -> Decimal:
        return self.postpaid_only - plan.costs.cash


@dataclass
class _Var:
    """One decision: its choices (each a tuple of actions; () is none) and its most generous choice."""

    choices: list[tuple[Action, ...]]
    generous: tuple[Action, ...]
    price: Decimal = Decimal(0)  # a count's price per pack


def plan_name(actions: Sequence[Action], sheet: PriceSheet) -> str:
    if not actions:
        return "nothing more"
    return ", ".join(a.label(sheet) for a in sorted(actions))


def _entries(result: Costs, action: Action, which: str) -> list[Decimal]:
    """Absorbed yuan or unused amounts of the last pack an action adds (one value per grant)."""
    last = f"{action.prefix()}#{action.count}" if action.count > 1 else action.prefix()
    table = result.absorbed if which == "absorbed" else result.unused
    return [v for k, v in table.items() if k == last or k.startswith(last + "/")]


@dataclass
class _Search:
    scenario: Scenario
    sheet: PriceSheet
    priced: Priced
    max_upfront: Decimal | None
    top: int
    slack: Decimal  # monthly rounding moves each month's bill by under a fen
    base: tuple[Action, ...] = ()  # free claims every plan of the first phase includes
    memo: dict[tuple[Action, ...], Costs] = field(default_factory=dict)
    kept: list[tuple[tuple[Decimal, int, Decimal, _Desc], int, Plan]] = field(default_factory=list)
    leaves: int = 0

    def holdings(self, actions: Iterable[Action]) -> tuple[Holding, ...]:
        start = len(self.scenario.holdings)
        return tuple(
            Holding(a.offer, a.date, a.count, None, a.prefix(), start + i) for i, a in enumerate(sorted(actions))
        )

    def run(self, actions: Iterable[Action]) -> Costs:
        key = tuple(sorted(actions))
        hit = self.memo.get(key)
        if hit is None:
            hit = self.memo[key] = costs(self.scenario.with_holdings(self.holdings(key)), self.sheet, self.priced)
        return hit

    def upfront(self, actions: Iterable[Action]) -> Decimal:
        return sum((self.sheet.offers[a.offer].price * a.count for a in actions), Decimal(0))

    def bound(self) -> Decimal | None:
        """The cash of the worst plan kept, once `top` are kept: a plan must beat it to be kept."""
        return -self.kept[0][0][0] if len(self.kept) >= self.top else None

    def over(self, lower: Decimal) -> bool:
        bound = self.bound()
        return bound is not None and lower > bound

    def keep(self, plan: Plan) -> None:
        cash, purchases, upfront, name = plan.rank_key()
        item = ((-cash, -purchases, -upfront, _Desc(name)), id(plan), plan)
        if len(self.kept) < self.top:
            heapq.heappush(self.kept, item)
        elif item[0] > self.kept[0][0]:
            heapq.heapreplace(self.kept, item)

    def leaf(self, actions: tuple[Action, ...]) -> Costs | None:
        if overlaps(self.scenario.holdings + self.holdings(actions), self.sheet):
            return None
        self.leaves += 1
        result = self.run(actions)
        # A paid action whose last pack absorbed nothing: the plan without it is cheaper.
        if not any(all(v == 0 for v in _entries(result, a, "absorbed")) for a in actions if a not in self.base):
            self.keep(Plan(tuple(sorted(actions)), result, plan_name(actions, self.sheet)))
        return result

    def relaxed_bound(self, chosen: tuple[Action, ...], rest: Sequence[_Var]) -> Decimal:
        """No completion of `chosen` costs less: entitlements added never raise postpaid (the waterfall
        is monotone), what is still to choose costs at least nothing upfront, and rounding is in the slack."""
        generous = chosen + tuple(a for v in rest for a in v.generous)
        return self.upfront(chosen) + self.run(generous).postpaid_exact - self.slack

    def search(self, fixed: list[_Var], counts: list[_Var], i: int = 0, chosen: tuple[Action, ...] = ()) -> None:
        """Depth first over the non-count decisions, then over the counts."""
        if i == len(fixed):
            self.search_counts(counts, chosen)
            return
        for choice in fixed[i].choices:
            actions = chosen + choice
            if self.max_upfront is not None and self.upfront(actions) > self.max_upfront:
                continue
            if self.bound() is not None and self.over(self.relaxed_bound(actions, fixed[i + 1 :] + counts)):
                continue
            self.search(fixed, counts, i + 1, actions)

    def search_counts(self, counts: list[_Var], chosen: tuple[Action, ...]) -> None:
        if not counts:
            self.leaf(chosen)
            return
        # curves[i][n]: postpaid with count i at its n-th choice and every other count at its largest.
        # Any completion's postpaid is at least the largest of its counts' curve values (monotone).
        curves = []
        for i, var in enumerate(counts):
            others = tuple(a for j, v in enumerate(counts) if j != i for a in v.generous)
            curves.append([self.run(chosen + choice + others).postpaid_exact for choice in var.choices])
        self._counts(counts, curves, chosen, [], 0)

    def _counts(self, counts: list[_Var], curves: list[list[Decimal]], chosen: tuple[Action, ...],
                picked: list[int], depth: int) -> None:
        var = counts[depth]
        last = depth == len(counts) - 1
        for n, choice in enumerate(var.choices):
            actions = chosen + choice
            if self.max_upfront is not None and self.upfront(actions) > self.max_upfront:
                break  # counts only grow from here
            if self.bound() is not None:
                lower = self.upfront(actions) + _min_completion(counts, curves, picked + [n]) - self.slack
                if self.over(lower):
                    continue
            if not last:
                self._counts(counts, curves, actions, picked + [n], depth + 1)
                continue
            result = self.leaf(actions)
            # With the other choices fixed, once the last of n packs is left unused, pack n+1 would absorb nothing.
            if choice and result is not None and any(v > 0 for v in _entries(result, choice[0], "unused")):
                break


def _min_completion(counts: list[_Var], curves: list[list[Decimal]], picked: list[int]) -> Decimal:
    """The least that the counts still open can add: their price plus the largest curve value, minimised."""
    floor = max((curves[i][n] for i, n in enumerate(picked)), default=Decimal(0))
    open_ = range(len(picked), len(counts))
    if not open_:
        return floor
    thresholds = sorted({floor, *(v for i in open_ for v in curves[i] if v >= floor)})
    best: Decimal | None = None
    for t in thresholds:
        total = t
        for i in open_:
            n = next((k for k, v in enumerate(curves[i]) if v <= t), None)
            if n is None:
                break
            total += counts[i].price * n
        else:
            best = total if best is None else min(best, total)
    return best if best is not None else floor


class _Desc(str):
    """A string that sorts backwards, so the heap of kept plans drops the largest names first."""

    def __lt__(self, other: str) -> bool:  # type: ignore[override]
        return str.__gt__(self, other)

    def __gt__(self, other: str) -> bool:  # type: ignore[override]
        return str.__lt__(self, other)


def _demand(priced: Priced, covers: frozenset[str], start: date, end: date, kind: str) -> Decimal:
    """Billable units (quantity) or list yuan (amount) of the covered meters between start and end."""
    total = Decimal(0)
    for pd in priced.days:
        first, last = max(pd.day, start), min(pd.day + timedelta(pd.count), end)
        days = (last - first).days
        if days <= 0:
            continue
        for key, _, billable, amount in pd.charges:
            if key.split(":")[0] in covers:
                total += (amount if kind == "amount" else billable) * days
    return total


def _slots(start: date, end: date, months: int) -> list[date]:
    out, day = [], start
    while day < end:
        out.append(day)
        day = add_months(day, months)
    return out


def candidate_offers(
    scenario: Scenario, sheet: PriceSheet, priced: Priced, only: Sequence[str], exclude: Sequence[str]
) -> tuple[list[Offer], list[str]]:
    """Offers a plan may add: eligible (B10, B11), not yet used up once per user, covering billed usage."""
    for name in (*only, *exclude):
        if name not in sheet.offers:
            raise UsageError(f"unknown offer '{name}'{suggest(name, tuple(sheet.offers))}")
    billed = {key.split(":")[0] for pd in priced.days for key, _, _, amount in pd.charges if amount > 0}
    held = {h.offer for h in scenario.holdings}
    out, idle = [], []
    for offer in sheet.offers.values():
        if (only and offer.id not in only) or offer.id in exclude:
            continue
        if ("new_user" in offer.eligible and not scenario.new_user) or ("student" in offer.eligible and not scenario.student):
            continue
        if offer.limit == "once_per_user" and offer.id in held:
            continue
        if not any(g.covers & billed for g in offer.grants):
            idle.append(offer.id)
            continue
        out.append(offer)
    return out, idle


def _decisions(
    scenario: Scenario, sheet: PriceSheet, priced: Priced, offers: list[Offer]
) -> tuple[list[Action], list[_Var], list[_Var], list[str]]:
    """Free claims, the other fixed choices (paid once-per-user offers, group slots) and the counts."""
    start, end = scenario.start, scenario.end
    claims: list[Action] = []
    fixed: list[_Var] = []
    counts: list[_Var] = []
    notes: list[str] = []
    grouped: dict[str, list[Offer]] = {}
    for offer in offers:
        if offer.limit == "once_per_user":
            one = (Action(offer.id, start),)
            if offer.price == 0:
                claims.append(one[0])
            else:
                fixed.append(_Var([(), one], one))
        elif offer.limit == "once_per_validity":
            grouped.setdefault(offer.group or offer.id, []).append(offer)
        else:
            for slot in _slots(start, end, offer.validity_months):
                until = min(add_months(slot, offer.validity_months), end)
                need = 0
                for g in offer.grants:
                    demand = _demand(priced, g.covers, slot, until, "amount" if g.kind == "amount" else "quantity")
                    need = max(need, math.ceil(demand / g.size))
                if need > COUNT_CAP:
                    notes.append(f"{offer.id}: counts above {COUNT_CAP} were not searched (up to {need} could absorb usage).")
                    need = COUNT_CAP
                if need:
                    choices = [()] + [(Action(offer.id, slot, n),) for n in range(1, need + 1)]
                    counts.append(_Var(choices, choices[-1], offer.price))
    for key, members in grouped.items():
        held = [h for h in scenario.holdings if (sheet.offers[h.offer].group or h.offer) == key]
        shortest = min(o.validity_months for o in members)
        day = start
        while day < end:
            cover = next(
                (h for h in held if h.acquired <= day < add_months(h.acquired, sheet.offers[h.offer].validity_months)), None
            )
            if cover is not None:  # B16: no second pack of the group while one is valid
                day = add_months(cover.acquired, sheet.offers[cover.offer].validity_months)
                continue
            options = [(Action(o.id, day),) for o in members]
            fixed.append(_Var([(), *options], tuple(a for opt in options for a in opt)))
            day = add_months(day, shortest)
    return claims, fixed, counts, notes


def _fewest_claims(search: _Search, plan: Plan, claims: list[Action]) -> Plan:
    """The same plan with the fewest free claims that keep its cash (and then the least upfront, name)."""
    paid = tuple(a for a in plan.actions if a not in claims)
    held = [a for a in plan.actions if a in claims]
    for size in range(len(held) + 1):
        found = []
        for subset in itertools.combinations(held, size):
            actions = tuple(sorted(paid + subset))
            result = search.run(actions)
            if result.cash == plan.costs.cash:
                found.append(Plan(actions, result, plan_name(actions, search.sheet)))
        if found:
            return min(found, key=Plan.rank_key)
    return plan


def compare(
    scenario: Scenario,
    sheet: PriceSheet,
    only: Sequence[str] = (),
    exclude: Sequence[str] = (),
    max_upfront: Decimal | None = None,
    top: int = 10,
) -> Comparison:
    """Rank the plans the purchase rules allow for this scenario, cheapest out of pocket first."""
    priced = price_usage(scenario, sheet)
    offers, idle = candidate_offers(scenario, sheet, priced, only, exclude)
    claims, fixed, counts, notes = _decisions(scenario, sheet, priced, offers)
    months = len({pd.month for pd in priced.days}) or 1
    search = _Search(scenario, sheet, priced, max_upfront, top, FEN * months, base=tuple(claims))
    # Phase 1: every free claim taken. A claim costs nothing and never raises postpaid, so the
    # cheapest plan with all of them is as cheap as the cheapest plan of all.
    search.search(fixed, counts, 0, tuple(claims))
    kept = sorted((item[2] for item in search.kept), key=Plan.rank_key)
    # Phase 2: drop the claims a plan does not need. A claim that absorbed nothing goes at no
    # cost; for the cheapest plans every smaller set of claims is tried.
    best_cash = kept[0].costs.cash if kept else None
    trimmed = []
    for plan in kept:
        if plan.costs.cash == best_cash:
            plan = _fewest_claims(search, plan, claims)
        else:
            idle_claims = {a for a in plan.actions if a in claims and all(v == 0 for v in _entries(plan.costs, a, "absorbed"))}
            if idle_claims:
                actions = tuple(a for a in plan.actions if a not in idle_claims)
                plan = Plan(actions, search.run(actions), plan_name(actions, sheet))
        trimmed.append(plan)
    unique = {plan.actions: plan for plan in trimmed}
    ranked = _undominated(sorted(unique.values(), key=Plan.rank_key))
    baseline = Plan((), search.run(()), plan_name((), sheet))
    if not ranked:
        ranked = [baseline]
    everything_postpaid = costs(replace(scenario, holdings=()), sheet, priced)
    space = math.prod(len(v.choices) for v in fixed + counts) * 2 ** len(claims)
    out_notes = [
        f"Of the {space} plans the purchase rules allow, {search.leaves} were run through the engine and the rest "
        f"ruled out by a lower bound ({len(search.memo)} engine runs in all; docs/plans.md says why none of them "
        "could rank higher). A plan that adds a pack which would absorb nothing, or that only adds to a plan "
        "listed above it at the same cost, is not listed.",
        "Purchases are dated at the start of the period and of each later validity; a pack covers no usage "
        "before it is bought (B12).",
    ]
    if idle:
        out_notes.append("Left out, covering no billed usage here: " + ", ".join(idle) + ".")
    if max_upfront is not None:
        out_notes.append(f"Plans spending more than {max_upfront} yuan upfront were left out (--max-upfront).")
    out_notes += notes
    return Comparison(
        scenario=scenario.name,
        start=scenario.start,
        end=scenario.end,
        sheet=f"{sheet.name} {sheet.version} ({sheet.effective})",
        plans=tuple(ranked),
        baseline=baseline,
        postpaid_only=everything_postpaid.cash,
        runs=len(search.memo),
        space=space,
        notes=tuple(out_notes),
        free=frozenset(o.id for o in sheet.offers.values() if o.price == 0),
    )


def _undominated(plans: list[Plan]) -> list[Plan]:
    """Drop a plan that costs no less than a plan ranked above it whose actions it only adds to."""
    out: list[Plan] = []
    for plan in plans:
        mine = set(plan.actions)
        if any(set(p.actions) <= mine and p.costs.cash <= plan.costs.cash for p in out):
            continue
        out.append(plan)
    return out
