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
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property

from .calendar import add_months
from .engine import Costs, Priced, costs, price_usage, upfront_paid
from .errors import UsageError
from .pricing import Offer, PriceSheet
from .scenario import Holding, Scenario, overlaps
from .schema import suggest

COUNT_CAP = 1000  # stackable counts beyond this are not searched (said in the notes when it bites)
RUN_BUDGET = 2500  # engine runs before the search stops and says its ranking is not proven


_Day = date  # `date` is also a field name of Action


class _OutOfRuns(Exception):
    pass


@dataclass(frozen=True, order=True)
class Action:
    """Claim or buy `count` of an offer on a day."""

    offer: str
    date: date
    count: int = 1

    def label(self, free: Collection[str], undated: _Day | None = None) -> str:
        """'claim trial-compute on 2027-03-01', 'buy 2 x traffic-pack-10'; the date left out when it is `undated`."""
        verb = "claim" if self.offer in free else "buy"
        many = f"{self.count} x " if self.count > 1 else ""
        when = "" if self.date == undated else f" on {self.date.isoformat()}"
        return f"{verb} {many}{self.offer}{when}"

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
    """One decision: its choices (each a tuple of actions; () is none)."""

    choices: list[tuple[Action, ...]]
    # every action any choice could add at its largest (for a group: all its members at once,
    # which no plan may hold, but which bounds what any choice absorbs)
    generous: tuple[Action, ...]
    price: Decimal = Decimal(0)  # a count's price per pack
    value: Decimal = Decimal(0)  # the most yuan one more pack can absorb
    shift: Decimal = Decimal(0)  # the most other grants can gain from it in all (see _shift_allowance)


def plan_name(actions: Sequence[Action], sheet: PriceSheet) -> str:
    if not actions:
        return "nothing more"
    free = {o.id for o in sheet.offers.values() if o.price == 0}
    return ", ".join(a.label(free) for a in sorted(actions))


def _last_pack(result: Costs, action: Action, sheet: PriceSheet) -> tuple[bool, bool]:
    """Whether the last of an action's stacked packs absorbed anything, and whether it was left unused in part.

    Stacked packs are used one after another (B16), so the last one absorbed something only if
    the whole stack absorbed more than count - 1 packs hold.
    """
    absorbed_any, unused_any = False, False
    grants = sheet.offers[action.offer].grants
    for g, grant in enumerate(grants):
        ident = action.prefix() + (f"/{grant.kind}{g + 1}" if len(grants) > 1 else "")
        if ident not in result.absorbed:
            continue
        absorbed_any |= result.absorbed[ident] > grant.size * (action.count - 1)
        unused_any |= result.unused[ident] > 0
    return absorbed_any, unused_any


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
    ties: list[Plan] = field(default_factory=list)  # every plan found at the lowest cash so far
    seen: set[tuple[Action, ...]] = field(default_factory=set)  # plans run in full
    budget: int | None = RUN_BUDGET  # engine runs the search may make; None once it is over

    def holdings(self, actions: Iterable[Action]) -> tuple[Holding, ...]:
        start = len(self.scenario.holdings)
        return tuple(
            Holding(a.offer, a.date, a.count, None, a.prefix(), start + i) for i, a in enumerate(sorted(actions))
        )

    def run(self, actions: Iterable[Action]) -> Costs:
        key = tuple(sorted(actions))
        hit = self.memo.get(key)
        if hit is None:
            if self.budget is not None and len(self.memo) >= self.budget:
                raise _OutOfRuns
            hit = self.memo[key] = costs(self.scenario.with_holdings(self.holdings(key)), self.sheet, self.priced)
        return hit

    @cached_property
    def held_upfront(self) -> Decimal:
        """What the scenario's own holdings bought in the period cost: the same for every plan."""
        return upfront_paid(self.scenario, self.sheet)

    def upfront(self, actions: Iterable[Action]) -> Decimal:
        """What a plan pays upfront in the period: the holdings bought in it and the plan's purchases."""
        return self.held_upfront + self.extra(actions)

    def extra(self, actions: Iterable[Action]) -> Decimal:
        """What the plan's own purchases cost: what --max-upfront caps."""
        return sum((self.sheet.offers[a.offer].price * a.count for a in actions), Decimal(0))

    def bound(self) -> Decimal | None:
        """The cash of the worst plan kept, once `top` are kept: a plan must beat it to be kept."""
        return -self.kept[0][0][0] if len(self.kept) >= self.top else None

    def over(self, lower: Decimal) -> bool:
        bound = self.bound()
        return bound is not None and lower > bound

    def keep(self, plan: Plan) -> None:
        """Keep a plan among the best `top`, unless a kept plan it only adds to costs no more.

        Plans at the lowest cash are all remembered apart (`ties`), whatever `top` is: which of
        them needs the fewest purchases is known only once their claims are trimmed.
        """
        if not self.ties or plan.costs.cash < self.ties[0].costs.cash:
            self.ties = [plan]
        elif plan.costs.cash == self.ties[0].costs.cash:
            self.ties.append(plan)
        if any(_contains(plan.actions, q.actions) and q.costs.cash <= plan.costs.cash for _, _, q in self.kept):
            return
        kept = [item for item in self.kept if not _dominates(plan, item[2])]
        if len(kept) != len(self.kept):
            self.kept = kept
            heapq.heapify(self.kept)
        cash, purchases, upfront, name = plan.rank_key()
        item = ((-cash, -purchases, -upfront, _Desc(name)), id(plan), plan)
        if len(self.kept) < self.top:
            heapq.heappush(self.kept, item)
        elif item[0] > self.kept[0][0]:
            heapq.heapreplace(self.kept, item)

    def leaf(self, actions: tuple[Action, ...]) -> Costs | None:
        if overlaps(self.scenario.holdings + self.holdings(actions), self.sheet):
            return None
        self.seen.add(tuple(sorted(actions)))
        result = self.run(actions)
        # A paid action whose last pack absorbed nothing: the plan without it is cheaper.
        if all(_last_pack(result, a, self.sheet)[0] for a in actions if a not in self.base):
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
            if self.max_upfront is not None and self.extra(actions) > self.max_upfront:
                continue
            if self.bound() is not None and self.over(self.relaxed_bound(actions, fixed[i + 1 :] + counts)):
                continue
            self.search(fixed, counts, i + 1, actions)

    def search_counts(self, counts: list[_Var], chosen: tuple[Action, ...]) -> None:
        if not counts:
            self.leaf(chosen)
            return
        if len(counts) == 1:
            self.last_count(counts[0], chosen)
            return
        # curves[i][n]: postpaid with count i at its n-th choice and every other count at its largest.
        # Any completion's postpaid is at least the largest of its counts' curve values (monotone).
        curves = []
        for i, var in enumerate(counts):
            others = tuple(a for j, v in enumerate(counts) if j != i for a in v.generous)
            curves.append([self.run(chosen + choice + others).postpaid_exact for choice in var.choices])
        self._counts(counts, curves, chosen, [], 0)

    def _counts(
        self, counts: list[_Var], curves: list[list[Decimal]], chosen: tuple[Action, ...], picked: list[int], depth: int
    ) -> None:
        var = counts[depth]
        innermost_open = False
        for n, choice in enumerate(var.choices):
            actions = chosen + choice
            if self.max_upfront is not None and self.extra(actions) > self.max_upfront:
                break  # counts only grow from here
            if self.bound() is not None:
                lower = self.upfront(actions) + _min_completion(counts, curves, picked + [n]) - self.slack
                if self.over(lower):
                    continue
            if depth < len(counts) - 1:
                self._counts(counts, curves, actions, picked + [n], depth + 1)
            else:
                innermost_open = True
        if innermost_open:  # the innermost count is searched as a whole, with its own bounds
            self.last_count(var, chosen)

    def last_count(self, var: _Var, chosen: tuple[Action, ...]) -> None:
        """Every count of the innermost pack that could rank among the kept plans, the others fixed.

        Pack n+1 lowers postpaid by at most its value, and all packs after the first by at most
        `shift` more in all (_shift_allowance); more packs never raise it. So between two tried
        counts a < b, no count n costs less than
            max(E(a) - (n - a)(value - price) - shift, E(b) - (b - n) price)
        where E is upfront plus exact postpaid. Ranges whose bound is above the kept plans are
        skipped, the others halved; counts past one whose last pack is left unused are skipped
        too, since one more pack there absorbs nothing.
        """
        top = len(var.choices) - 1
        if self.max_upfront is not None:
            while top and self.extra(chosen + var.choices[top]) > self.max_upfront:
                top -= 1
        tried: dict[int, Decimal] = {}

        def attempt(n: int) -> None:
            nonlocal top
            actions = chosen + var.choices[n]
            result = self.leaf(actions)
            if result is None:
                tried[n] = Decimal("Infinity")
                return
            tried[n] = self.upfront(actions) + result.postpaid_exact
            if n and _last_pack(result, var.choices[n][0], self.sheet)[1]:
                top = min(top, n)

        gain = max(var.value - var.price, Decimal(0))
        attempt(0)
        if top:
            attempt(top)
        ranges = [(0, top)]
        while ranges:
            a, b = ranges.pop()
            b = min(b, top)
            if b - a <= 1:
                continue
            if b not in tried:
                attempt(b)
                ranges.append((a, b))
                continue
            if self.bound() is not None:
                low_a, low_b = tried[a] - var.shift, tried[b]
                lower = min(
                    max(low_a - (n - a) * gain, low_b - (b - n) * var.price)
                    for n in {a + 1, b - 1, *_crossing(a, b, low_a, low_b, gain, var.price)}
                )
                if self.over(lower - self.slack):
                    continue
            mid = (a + b) // 2
            attempt(mid)
            ranges += [(a, mid), (mid, b)]


def _crossing(a: int, b: int, low_a: Decimal, low_b: Decimal, gain: Decimal, price: Decimal) -> list[int]:
    """Counts next to where low_a - (n - a) gain meets low_b - (b - n) price, inside (a, b)."""
    slope = gain + price
    if slope <= 0 or not low_a.is_finite() or not low_b.is_finite():
        return []
    n = (low_a - low_b + a * gain + b * price) / slope
    base = int(n)
    return [k for k in (base, base + 1) if a < k < b]


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

    def __lt__(self, other: str) -> bool:
        return str.__gt__(self, other)

    def __gt__(self, other: str) -> bool:
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


def _first_billed(priced: Priced, covers: frozenset[str], since: date) -> date | None:
    """The first day on or after `since` with a billed charge on one of the covered meters."""
    for run in priced.days:
        last = run.day + timedelta(run.count - 1)
        if last < since:
            continue
        if any(amount > 0 and key.split(":")[0] in covers for key, _, _, amount in run.charges):
            return max(run.day, since)
    return None


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
        if ("new_user" in offer.eligible and not scenario.new_user) or (
            "student" in offer.eligible and not scenario.student
        ):
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

    def first_use(offer: Offer, day: date) -> date | None:
        # B12: a pack covers nothing before it is bought, and a day before the first billed
        # usage of its meters only shortens what it covers; so it is bought on that day.
        covers = frozenset().union(*(g.covers for g in offer.grants))
        return _first_billed(priced, covers, day)

    for offer in offers:
        if offer.limit == "once_per_user":
            first = first_use(offer, start)
            if first is None:
                continue
            one = (Action(offer.id, first),)
            if offer.price == 0:
                claims.append(one[0])
            else:
                fixed.append(_Var([(), one], one))
        elif offer.limit == "once_per_validity":
            grouped.setdefault(offer.group or offer.id, []).append(offer)
        else:
            slot = first_use(offer, start)
            while slot is not None:
                until = min(add_months(slot, offer.validity_months), end)
                need = 0
                for g in offer.grants:
                    demand = _demand(priced, g.covers, slot, until, "amount" if g.kind == "amount" else "quantity")
                    need = max(need, math.ceil(demand / g.size))
                if need > COUNT_CAP:
                    notes.append(
                        f"{offer.id}: counts above {COUNT_CAP} were not searched (up to {need} could absorb usage)."
                    )
                    need = COUNT_CAP
                if need:
                    choices: list[tuple[Action, ...]] = [()]
                    choices += [(Action(offer.id, slot, n),) for n in range(1, need + 1)]
                    counts.append(_Var(choices, choices[-1], offer.price, _pack_value(offer, sheet)))
                slot = first_use(offer, until) if until < end else None
    for key, members in grouped.items():
        held = [h for h in scenario.holdings if (sheet.offers[h.offer].group or h.offer) == key]
        shortest = min(o.validity_months for o in members)
        day: date | None = first_use(members[0], start)
        while day is not None and day < end:
            cover = next(
                (h for h in held if h.acquired <= day < add_months(h.acquired, sheet.offers[h.offer].validity_months)),
                None,
            )
            if cover is not None:  # B16: no second pack of the group while one is valid
                day = first_use(members[0], add_months(cover.acquired, sheet.offers[cover.offer].validity_months))
                continue
            options = [(Action(o.id, day),) for o in members]
            fixed.append(_Var([(), *options], tuple(a for opt in options for a in opt)))
            day = first_use(members[0], add_months(day, shortest))
    templates = _templates(scenario, sheet, claims, fixed + counts)
    kept = []
    for var in counts:
        var.shift = _shift_allowance(var, templates)
        if var.shift == 0 and var.price >= var.value and sheet.settings.bill_places >= 2:
            notes.append(
                f"{var.generous[0].offer} is never worth buying here: one costs {var.price}, at least the "
                f"{var.value} yuan it can absorb (only monthly rounding, under 0.01 yuan a month, could tip "
                "the balance)."
            )
            continue
        kept.append(var)
    return claims, fixed, kept, notes


def _unit_price(sheet: PriceSheet, meter: str) -> list[Decimal]:
    return [m.price / m.divisor for k, m in sheet.meters.items() if k.split(":")[0] == meter]


def _pack_value(offer: Offer, sheet: PriceSheet) -> Decimal:
    """The most yuan one pack of an offer can absorb: its amounts, and its quantities at their dearest meter."""
    total = Decimal(0)
    for g in offer.grants:
        if g.kind == "amount":
            total += g.size
        else:
            total += g.size * max(p for meter in g.covers for p in _unit_price(sheet, meter))
    return total


@dataclass(frozen=True)
class _Template:
    """A grant that may be live in some plan: where it stands in the waterfall and what it covers."""

    key: tuple[int, date, date, str]  # where it stands in the waterfall: stage, expiry, then the tie-break
    covers: frozenset[str]
    spread: Decimal  # a quantity over meters of different prices: size x (dearest - cheapest); else 0
    source: Action | None


def _templates(scenario: Scenario, sheet: PriceSheet, claims: list[Action], variables: list[_Var]) -> list[_Template]:
    """Every grant any plan may hold: the holdings, the claims, each choice of the fixed decisions and
    each count at its largest."""
    rank = {stage: i for i, stage in enumerate(sheet.settings.deduction_order)}
    by_acquired = sheet.settings.tie_break == "acquired_then_offer"
    actions: list[tuple[str, date, int, Action | None]] = [
        (h.offer, h.acquired, h.count, None) for h in scenario.holdings
    ]
    actions += [(a.offer, a.date, a.count, a) for a in claims]
    for v in variables:
        chosen = [v.generous] if v.price else v.choices
        actions += [(a.offer, a.date, a.count, a) for choice in chosen for a in choice]
    out = []
    for offer_id, day, count, action in actions:
        offer = sheet.offers[offer_id]
        ends = add_months(day, offer.validity_months)
        for g in offer.grants:
            prices = [p for meter in g.covers for p in _unit_price(sheet, meter)]
            spread = g.size * count * (max(prices) - min(prices)) if g.kind == "quantity" else Decimal(0)
            tie = (day, offer_id) if by_acquired else (date.min, "")  # B13, as the engine orders them
            out.append(_Template((rank[offer.stage], ends, *tie), g.covers, spread, action))
    return out


def _shift_allowance(var: _Var, templates: list[_Template]) -> Decimal:
    """How much more than its own absorption more packs of `var` can lower postpaid, whatever their count.

    Charges a pack takes leave every grant after it with less or equal to absorb at each charge
    (the waterfall is monotone), so amounts, capacities and single-price quantities after it
    absorb no more yuan than before. A quantity over meters of different prices (busy and idle
    traffic) absorbs no more units either, but may spend them on dearer charges: at most its
    size times the price difference. The effect reaches, in waterfall order, each grant after
    the pack that shares a meter with the pack or with a grant reached before it; grants whose
    order against each other is not known (the same place in the order) are all taken as after.
    """
    first = var.generous[0]
    own = [
        t for t in templates if t.source is not None and (t.source.offer, t.source.date) == (first.offer, first.date)
    ]
    start = min(t.key for t in own)
    meters = set().union(*(t.covers for t in own))
    later = sorted((t for t in templates if t not in own and t.key >= start), key=lambda t: t.key)
    shift = Decimal(0)
    for _, group in itertools.groupby(later, key=lambda t: t.key):
        pending = list(group)
        grew = True
        while grew:  # within one place in the order, reach in any direction
            grew = False
            for t in list(pending):
                if t.covers & meters:
                    meters |= t.covers
                    shift += t.spread
                    pending.remove(t)
                    grew = True
    return shift


def _descend(search: _Search, variables: list[_Var], base: tuple[Action, ...]) -> None:
    """A good plan to start from, by improving one decision at a time (a few rounds).

    Nothing here is needed for the result to be right: it only gives the search a low bound
    early, so that the branches it then skips are many. Large counts are stepped through by
    halving steps rather than one by one.
    """
    pick = [0] * len(variables)

    def actions() -> tuple[Action, ...]:
        return base + tuple(a for var, n in zip(variables, pick, strict=True) for a in var.choices[n])

    def cash() -> Decimal:
        chosen = actions()
        if search.max_upfront is not None and search.extra(chosen) > search.max_upfront:
            return Decimal("Infinity")
        result = search.leaf(chosen)
        return result.cash if result is not None else Decimal("Infinity")

    best = cash()
    for _ in range(3):
        moved = False
        for i, var in enumerate(variables):
            size = len(var.choices)
            steps = [1] if size <= 8 else [max(1, size // 2**k) for k in range(1, 12)]
            for step in dict.fromkeys(steps):
                for n in range(size) if size <= 8 else (pick[i] - step, pick[i] + step):
                    if not 0 <= n < size or n == pick[i]:
                        continue
                    old, pick[i] = pick[i], n
                    value = cash()
                    if value < best:
                        best, moved = value, True
                    else:
                        pick[i] = old
        if not moved:
            break


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
    # a month's bill moves from its exact amount by less than one rounding step (B20)
    step = Decimal(1).scaleb(-sheet.settings.bill_places)
    search = _Search(scenario, sheet, priced, max_upfront, top, step * months, base=tuple(claims))
    # Phase 1: every free claim taken. A claim costs nothing and never raises postpaid, so the
    # cheapest plan with all of them is as cheap as the cheapest plan of all.
    proven = True
    try:
        _descend(search, fixed + counts, tuple(claims))
        search.search(fixed, counts, 0, tuple(claims))
    except _OutOfRuns:
        proven = False
    search.budget = None  # trimming the claims below is a handful of runs more
    kept = sorted(
        {p.actions: p for p in [*(item[2] for item in search.kept), *search.ties]}.values(), key=Plan.rank_key
    )
    # Phase 2: drop the claims a plan does not need. A claim that absorbed nothing goes at no
    # cost; for the cheapest plans every smaller set of claims is tried.
    best_cash = kept[0].costs.cash if kept else None
    trimmed = []
    for plan in kept:
        if plan.costs.cash == best_cash:
            plan = _fewest_claims(search, plan, claims)
        else:
            idle_claims = {a for a in plan.actions if a in claims and not _last_pack(plan.costs, a, sheet)[0]}
            if idle_claims:
                actions = tuple(a for a in plan.actions if a not in idle_claims)
                plan = Plan(actions, search.run(actions), plan_name(actions, sheet))
        trimmed.append(plan)
    unique = {plan.actions: plan for plan in trimmed}
    ranked = _undominated(sorted(unique.values(), key=Plan.rank_key))[:top]
    baseline = Plan((), search.run(()), plan_name((), sheet))
    if not ranked:
        ranked = [baseline]
    everything_postpaid = costs(scenario._replace(holdings=()), sheet, priced)
    space = math.prod(len(v.choices) for v in fixed + counts) * 2 ** len(claims)
    if not proven:
        searched = (
            f"The search stopped after {RUN_BUDGET} engine runs, {len(search.seen)} of the {space} plan combinations "
            "run in full: these are the best plans found, not proven the best (narrow it with --only, --exclude "
            "or --max-upfront)."
        )
    elif space <= len(search.seen):
        searched = f"All {space} plan combinations the purchase rules allow were run through the engine."
    else:
        searched = (
            f"Of the {space} plan combinations the purchase rules allow, {len(search.seen)} were run through the "
            f"engine and the rest ruled out by a bound ({len(search.memo)} engine runs in all; docs/plans.md "
            "says why none of them could rank higher)."
        )
    assumed = sorted({a.offer for p in ranked for a in p.actions if sheet.offers[a.offer].assumed})
    out_notes = [
        f"Prices: {sheet.label} ({sheet.origin}); an estimate, not a bill (B21).",
        searched + " A plan that adds a pack which would absorb nothing, or that only adds to a plan listed "
        "above it and costs no less, is not listed.",
        "Each purchase is dated on the first day with billed usage of what it covers, from the start of the "
        "period or of its next validity; a pack covers no usage before it is bought (B12).",
        *(f"* Assumed: offer {offer} {f}: {why}." for offer in assumed for f, why in sheet.offers[offer].assumed),
    ]
    if idle:
        out_notes.append("Left out, covering no billed usage here: " + ", ".join(idle) + ".")
    if max_upfront is not None:
        out_notes.append(f"Plans buying more than {max_upfront} yuan of packs were left out (--max-upfront).")
    out_notes += dict.fromkeys(notes)  # one note per offer, whatever the number of its slots
    return Comparison(
        scenario=scenario.name,
        start=scenario.start,
        end=scenario.end,
        sheet=sheet.label,
        plans=tuple(ranked),
        baseline=baseline,
        postpaid_only=everything_postpaid.cash,
        runs=len(search.memo),
        space=space,
        notes=tuple(out_notes),
        free=frozenset(o.id for o in sheet.offers.values() if o.price == 0),
    )


def _contains(big: Sequence[Action], small: Sequence[Action]) -> bool:
    """Whether a plan of `big` buys everything a plan of `small` buys (and maybe more)."""
    have = {(a.offer, a.date): a.count for a in big}
    return all(have.get((a.offer, a.date), 0) >= a.count for a in small)


def _dominates(better: Plan, other: Plan) -> bool:
    return (
        better.actions != other.actions
        and _contains(other.actions, better.actions)
        and (better.costs.cash <= other.costs.cash)
    )


def _undominated(plans: list[Plan]) -> list[Plan]:
    """Drop a plan that only adds to a plan ranked above it and costs no less."""
    out: list[Plan] = []
    for plan in plans:
        if not any(_dominates(p, plan) for p in out):
            out.append(plan)
    return out
