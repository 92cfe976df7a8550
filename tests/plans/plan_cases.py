"""What the plan-search tests share: three small price sheets, scenarios on them, and a brute force that runs
every plan the purchase rules allow through the engine (B10, B12, B15, B16)."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple
from unittest import mock

from helpers import make_sheet
from hypothesis import strategies as st

from artlab_cost.calendar import add_months
from artlab_cost.engine import costs, price_usage, simulate
from artlab_cost.plans import Action
from artlab_cost.pricing import PriceSheet
from artlab_cost.scenario import Holding, Per, Scenario, SharedUsage, StorageUsage, TrafficUsage, Usage, overlaps

SHEET = make_sheet(
    """
  trial:
    {name: trial, stage: free_trial, price: 0, validity_months: 1, eligible: [new_user], limit: once_per_user,
     grants: [{amount: 30, covers: [compute]}], source: B8}
  voucher:
    {name: student voucher, stage: voucher, price: 0, validity_months: 12, eligible: [student], limit: once_per_user,
     grants: [{amount: 20, covers: [all]}], source: B11}
  starter:
    {name: starter, stage: pack, price: 59, validity_months: 12, eligible: [new_user], limit: once_per_user,
     grants: [{amount: 200, covers: [compute]}], source: B15}
  storage-s:
    {name: storage 30 GB, stage: pack, price: 5, validity_months: 2, limit: once_per_validity, group: storage,
     grants: [{capacity: 30, covers: [storage]}], source: test}
  storage-l:
    {name: storage 60 GB, stage: pack, price: 8, validity_months: 2, limit: once_per_validity, group: storage,
     grants: [{capacity: 60, covers: [storage]}], source: test}
  traffic-10:
    {name: traffic 10 GB, stage: pack, price: 4, validity_months: 12, limit: stackable,
     grants: [{quantity: 10, covers: [traffic]}], source: test}
  compute-50:
    {name: compute 50, stage: pack, price: 45, validity_months: 12, limit: stackable,
     grants: [{amount: 50, covers: [compute]}], source: test}
""",
    name="plan sheet",
    shared_gpu="{price: 0.01, source: test}",
    dedicated="{specs: {small: {price: 10, source: test}}, source: test}",
    storage="{price: 0.30, days_per_month: 30, source: test}",
)


START = date(2026, 3, 1)


def scenario(
    usage: list[Usage],
    months: int = 3,
    new_user: bool = False,
    student: bool = False,
    holdings: tuple[Holding, ...] = (),
) -> Scenario:
    end = add_months(START, months)
    usage = [u._replace(start=max(u.start, START), end=min(u.end, end)) for u in usage]
    return Scenario("t", new_user, student, START, end, tuple(usage), holdings, "t")


def shared(seconds_per_month: int) -> Usage:
    return SharedUsage("shared", START, date(2100, 1, 1), Decimal(seconds_per_month), Per.month)


def traffic(gb_per_month: str) -> Usage:
    return TrafficUsage("traffic", START, date(2100, 1, 1), Decimal(gb_per_month))


class Candidate(NamedTuple):
    actions: tuple[Action, ...]
    cash: Decimal
    upfront: Decimal
    useless: bool  # a paid action whose last pack absorbed nothing

    def key(self) -> tuple[Decimal, int, Decimal, tuple[Action, ...]]:
        return (self.cash, sum(a.count for a in self.actions), self.upfront, self.actions)


def brute_force(s: Scenario, max_count: int, sheet: PriceSheet = SHEET) -> list[Candidate]:
    """Every plan the purchase rules allow, free claims all taken (they cost nothing and never raise postpaid),
    each run through the engine without any pruning; counts up to `max_count` of each stackable pack."""
    SHEET = sheet  # noqa: N806
    SHEET_OF[0] = sheet
    options: list[list[tuple[Action, ...]]] = []
    claims: list[Action] = []
    held = {h.offer for h in s.holdings}
    slots = lambda months: [d for d in (add_months(START, k * months) for k in range(12)) if d < s.end]  # noqa: E731
    for offer in SHEET.offers.values():
        if ("new_user" in offer.eligible and not s.new_user) or ("student" in offer.eligible and not s.student):
            continue
        if offer.limit == "once_per_user":
            if offer.id not in held:
                if offer.price == 0:
                    claims.append(Action(offer.id, START))
                else:
                    options.append([(), (Action(offer.id, START),)])
        elif offer.limit == "stackable":
            for d in slots(offer.validity_months):
                options.append([()] + [(Action(offer.id, d, n),) for n in range(1, max_count + 1)])
    storage = [o for o in SHEET.offers.values() if o.group == "storage"]
    for d in slots(2):
        options.append([()] + [(Action(o.id, d),) for o in storage])
    priced = price_usage(s, SHEET)
    out = []
    for combo in itertools.product(*options):
        actions = tuple(sorted(claims + [a for choice in combo for a in choice]))
        holdings = tuple(
            Holding(a.offer, a.date, a.count, None, f"b{i}", len(s.holdings) + i) for i, a in enumerate(actions)
        )
        if overlaps(s.holdings + holdings, SHEET):
            continue
        result = costs(s.with_holdings(holdings), SHEET, priced)
        useless = any(
            SHEET.offers[a.offer].price > 0
            and (
                last_pack_idle(s.with_holdings(holdings), SHEET, a, f"b{i}")
                if SHEET.offers[a.offer].grants[0].kind == "monthly"
                else result.absorbed[f"b{i}"] <= SHEET.offers[a.offer].grants[0].size * (a.count - 1)
            )
            for i, a in enumerate(actions)
        )
        out.append(Candidate(actions, result.cash, result.upfront, useless))
    return out


def last_pack_idle(s: Scenario, sheet: PriceSheet, action: Action, ident: str) -> bool:
    """Whether the last of a monthly quota's stacked packs absorbed nothing: in no month did the stack give more
    than count - 1 packs hold (counted from the charges' allocations of a full run)."""
    grant = sheet.offers[action.offer].grants[0]
    given: dict[str, Fraction] = {}
    for c in simulate(s, sheet).charges:
        for a in c.allocations:
            if a.entitlement == ident:
                given[c.month] = given.get(c.month, Fraction(0)) + a.quantity
    return all(v <= grant.size * (action.count - 1) for v in given.values())


def listed(candidates: list[Candidate]) -> list[Candidate]:
    """The plans compare-plans lists, by its documented rules: the cheapest plan of each distinct set of paid
    offers (claims are free and every plan may take them), ranked by cash, purchases, upfront, actions; never a
    plan with a pack that absorbed nothing, nor one that only adds to a plan ranked above it at no lower cost."""
    best: dict[frozenset[str], Candidate] = {}
    for c in sorted((c for c in candidates if not c.useless), key=Candidate.key):
        paid = frozenset(a.offer for a in c.actions if SHEET_OF[0].offers[a.offer].price > 0)
        best.setdefault(paid, c)
    out: list[Candidate] = []
    for c in sorted(best.values(), key=Candidate.key):
        have = lambda big: {(a.offer, a.date): a.count for a in big}  # noqa: E731
        if not any(
            all(have(c.actions).get((a.offer, a.date), 0) >= a.count for a in q.actions) and q.cash <= c.cash
            for q in out
        ):
            out.append(c)
    return out


SHEET_OF = [SHEET]  # the sheet `listed` reads prices from: the one brute_force last ran on


@st.composite
def small_scenarios(draw: st.DrawFn) -> Scenario:
    """Up to 6,000 GPU-s (60.00 yuan) and 12 GB a month, so four packs of each kind cover every count that matters."""
    usage = []
    if draw(st.booleans()):
        usage.append(shared(draw(st.integers(0, 6_000))))
    if draw(st.booleans()):
        usage.append(traffic(str(draw(st.integers(0, 12)))))
    if draw(st.booleans()) or not usage:
        usage.append(StorageUsage("storage", START, date(2100, 1, 1), Decimal(draw(st.integers(0, 90)))))
    return scenario(usage, months=draw(st.integers(1, 3)), new_user=draw(st.booleans()), student=draw(st.booleans()))


MONTHLY = make_sheet(
    """
  traffic-10:
    {name: traffic 10 GB, stage: pack, price: 4, validity_months: 2, limit: stackable,
     grants: [{quantity: 10, covers: [traffic]}], source: test}
  traffic-m:
    {name: traffic 4 GB a month, stage: pack, price: 1.5, validity_months: 2, limit: stackable,
     grants: [{monthly: 4, covers: [traffic]}], source: test}
  trial-m:
    {name: trial 1 GB a month, stage: free_trial, price: 0, validity_months: 3, eligible: [new_user],
     limit: once_per_user, grants: [{monthly: 1, covers: [traffic_busy]}], source: test}
""",
    name="monthly sheet",
)


@st.composite
def monthly_scenarios(draw: st.DrawFn) -> Scenario:
    """Up to 9 GB of traffic each month for 1 to 3 months, part of it idle: three monthly packs or three
    10 GB packs per validity cover any of it, so brute force up to 3 covers the space. The first month
    has some, so that packs are bought on the first day, as brute force buys them."""
    months = draw(st.integers(1, 3))
    usage: list[Usage] = [
        TrafficUsage(
            f"m{k}",
            add_months(START, k),
            add_months(START, k + 1),
            Decimal(draw(st.integers(0 if k else 1, 9))),
            Decimal(draw(st.sampled_from(["0", "0.5"]))),
        )
        for k in range(months)
    ]
    return scenario(usage, months=months, new_user=draw(st.booleans()))


SLOTS = make_sheet(
    """
  trial:
    {name: trial, stage: free_trial, price: 0, validity_months: 1, eligible: [new_user], limit: once_per_user,
     grants: [{amount: 5, covers: [compute]}], source: B8}
  compute-1m:
    {name: compute 10 for a month, stage: pack, price: 8, validity_months: 1, limit: stackable,
     grants: [{amount: 10, covers: [compute]}], source: test}
  compute-3m:
    {name: compute 25 for 3 months, stage: pack, price: 22, validity_months: 3, limit: stackable,
     grants: [{amount: 25, covers: [compute]}], source: test}
""",
    name="slot sheet",
    shared_gpu="{price: 0.01, source: test}",
)


@st.composite
def slot_scenarios(draw: st.DrawFn) -> Scenario:
    """Shared use that changes month by month over 3 months (up to 25 yuan a month): a pack slot each month for
    compute-1m, one for compute-3m; brute force up to 3 packs a slot covers every count that matters."""
    seconds = [draw(st.integers(0 if k else 1, 2500)) for k in range(3)]
    usage: list[Usage] = [
        SharedUsage(f"m{k}", add_months(START, k), add_months(START, k + 1), Decimal(n), Per.month)
        for k, n in enumerate(seconds)
    ]
    return scenario(usage, months=3, new_user=draw(st.booleans()))


@contextlib.contextmanager
def sets_from(rounds: bool) -> Iterator[None]:
    """The search's sets of offers (the ranking's and the break-even's) from rounds of branch and cut from the first
    (rounds), or from the tree of linear bounds as far as the search takes it: the brute-force tests check both ways."""
    columns = -1 if rounds else 10**6
    with (
        mock.patch("artlab_cost.plans.search.TREE_COLUMNS", columns),
        mock.patch("artlab_cost.plans.breakeven.TREE_COLUMNS", columns),
    ):
        yield
