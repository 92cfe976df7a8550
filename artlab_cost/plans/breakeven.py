"""Break-even prices: the most a copy of an offer may cost and still lower cash out of pocket (docs/plans.md).

For an offer o, W is the least cash of any plan that does not buy o. Every plan that buys o costs
C + n p at a price p a copy, with n its copies of o: the postpaid does not depend on what a pack
cost, and every copy a plan buys is dated in the period, so counted upfront. f(p), the least of
those lines, is concave, piecewise linear and increasing; the break-even price is the p* where
f(p*) = W. From a price p_k at which a plan of o costs W at most, a search for a plan of o cheaper than W
either proves there is none (then p_k is p*), or finds one (C, n), whose line meets W at
p_{k+1} = (W - C) / n > p_k with fewer copies: at most as many searches as the first plan has copies.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from ..engine import Priced
from ..errors import UsageError
from ..messages import msg
from ..money import ZERO, q
from ..pricing import GrantKind, MeterId, Offer, PriceSheet
from ..scenario import Scenario
from ..schema import suggest
from .model import point_of
from .plan import Limits, Plan, Stop
from .search import Search
from .space import Action, candidate_offers, listed_price

# The price an offer has in the relaxation while its break-even is searched: below anything a copy can absorb, so
# drop_hopeless never leaves it out, and above 0, so a once-per-user offer stays a purchase, not a free claim.
MODEL_PRICE = Decimal("0.000001")
# A break-even search over more purchase columns than this takes its sets from rounds of branch and cut from the first,
# as the ranking does past search.TREE_COLUMNS: its last search, at the break-even, has no plan below what it must
# beat, so every set the linear bound lets through is searched for nothing (docs/plans.md, "Where the time goes": the
# tree is the faster on 9 to 41 columns since the linear bound prices a pack's last copy as whole counts do).
TREE_COLUMNS = 128
# An offer the comparison leaves out from the price `cut` a copy on (the one inexact cut, space.hopeless_from) is first
# tried just below it: the best plan without it, with the copies the linear bound buys there, often pays at the cut
# itself, and then no search is needed (docs/plans.md)
PROBE = Fraction(1, 10**6)

# makes a search of plans over the comparison's candidates with the offer's columns priced at MODEL_PRICE, and the
# price a copy from which the one inexact cut leaves the offer out (space.hopeless_from)
Searcher = Callable[[str], tuple[Search, Fraction | None]]


class BreakEven(NamedTuple):
    """The highest price per copy at which buying an offer still lowers cash below the best plan without it."""

    offer: str
    price: Fraction  # the break-even price; when not proven, the low end of the bracket (worth buying below it)
    copies: int  # the copies of the plan that is best just below that price; 0: not worth buying at any price
    listed_price: Fraction
    assumed_price: bool  # the sheet marks the offer's price assumed
    proven: bool
    bracket: tuple[Fraction, Fraction]  # where the break-even is known to lie: (price, price) when proven
    plan: tuple[Action, ...] = ()  # the plan at the break-even price (the purchases of the line meeting W)
    without: Fraction = ZERO  # W: the least cash of a plan without the offer
    in_best: bool = False  # the best plan at the listed prices buys it
    face_value: Fraction | None = None  # a compute pack's yuan of compute (the headline's "Y% of face value")
    buyable: bool = True  # False: the purchase rules let no plan buy it (a pack of its group held all along)

    @property
    def worthless(self) -> bool:
        """Not worth buying at any price: no plan buying it costs less than the best without it, at a price of 0."""
        return self.copies == 0 and self.proven


class _Line(NamedTuple):
    """A plan that buys the offer, as a line in its price: cash = constant + copies x price, up to `reach`."""

    constant: Fraction
    copies: int
    plan: Plan
    reach: Fraction | None = None  # under --max-upfront, the most a copy may cost for the plan to keep the cap

    def meets(self, w: Fraction) -> Fraction:
        return (w - self.constant) / self.copies

    def until(self, w: Fraction) -> tuple[Fraction, bool]:
        """How far right the plan costs less than W within the rules: where its line meets W, or where it reaches
        the cap first (True: it still costs less than W there, at the cap itself)."""
        meets = self.meets(w)
        return (self.reach, True) if self.reach is not None and self.reach < meets else (meets, False)


def face_value(offer: Offer) -> Fraction | None:
    """The yuan of compute a compute pack (节省计划) holds: every grant an amount of compute (B14); else None."""
    compute = {MeterId.shared_gpu, MeterId.dedicated}
    if not offer.grants or any(g.kind is not GrantKind.amount or not g.covers <= compute for g in offer.grants):
        return None
    return sum((q(g.size) for g in offer.grants), ZERO)


def copies_of(plan: Plan, offer: str) -> int:
    return sum(a.count for a in plan.actions if a.offer == offer)


def _line(plan: Plan, offer: str, price: Fraction, sheet: PriceSheet, cap: Fraction | None) -> _Line:
    """The line of a plan of the offer priced at `price` a copy; its reach under a cap on what the purchases cost."""
    n = copies_of(plan, offer)
    reach = None
    if cap is not None:
        others = listed_price([a for a in plan.actions if a.offer != offer], sheet)
        reach = (cap - others) / n
    return _Line(plan.costs.cash - n * price, n, plan, reach)


class _Found(NamedTuple):
    best: Plan | None  # the cheapest plan found below the ceiling
    proven: bool  # the search finished: no plan below the ceiling but `best`
    lower: Fraction  # no plan of the search costs less


def _run(search: Search, ceiling: Fraction) -> _Found:
    search.search()
    found = [r.plan for r in search.results if r.plan is not None and r.plan.costs.cash < ceiling]
    best = min(found, key=Plan.rank_key, default=None)
    proven = not search.stopped
    lower = best.costs.cash if best is not None else ceiling
    if not proven:
        lower = min([lower, *search.open])
    return _Found(best, proven, lower)


def _most(listed: Fraction, w: Fraction, lower: Fraction) -> Fraction:
    """A bound on the break-even from the comparison alone: no plan costs less than its bound at the listed price,
    and above it a plan of the offer rises by a yuan at least per yuan, so past the listed price plus the gap
    between W and that bound none is cheaper than W (an offer the best plan lacks: its listed price)."""
    return listed + max(w - lower, ZERO)


def unsearched(
    offer: str,
    sheet: PriceSheet,
    ranked: Sequence[Plan],
    known: Sequence[Plan],
    lower: Fraction,
    cap: Fraction | None,
) -> BreakEven:
    """The break-even of an offer the time limit left no time to search: a bracket from what the comparison priced.

    W is at most the cheapest plan without it that was priced, and at least the comparison's bound; a plan of
    the offer found gives a line, so the break-even is at least where it meets that bound. No plan costs less
    than the bound at the listed price, and a plan of the offer rises by a yuan at least per yuan above it, so
    the break-even is at most the listed price plus the gap between the two."""
    listed = q(sheet.offers[offer].price)
    offer_terms = sheet.offers[offer]
    assumed = any(f == "price" for f, _ in offer_terms.assumed)
    w = min(p.costs.cash for p in known if not copies_of(p, offer))
    lines = [_line(p, offer, listed, sheet, cap) for p in known if copies_of(p, offer)]
    high = _most(listed, w, lower)
    best = max(lines, key=lambda ln: ln.until(lower)[0], default=None)
    low = min(high, max(ZERO, best.until(lower)[0])) if best is not None else ZERO
    plan = best.plan.actions if best is not None else ()
    copies = best.copies if best is not None else 0
    in_best = copies_of(ranked[0], offer) > 0
    return BreakEven(offer, low, copies, listed, assumed, False, (low, high), plan, w, in_best, face_value(offer_terms))


def break_even(
    offer: str,
    sheet: PriceSheet,
    searcher: Searcher,
    ranked: Sequence[Plan],
    known: Sequence[Plan],
    proven: bool,
    lower: Fraction,
) -> BreakEven:
    """The break-even price of one offer. `ranked` are the comparison's plans, best first; `known` every plan
    it priced at the sheet's prices (the baseline among them); `proven` and `lower`: whether the ranking is
    proven and the bound no plan can beat. The session its searches run in may be the comparison's own: it is left
    as it was (the offer at its listed price, fixed neither in nor out), whatever happens."""
    first, cut = searcher(offer)
    try:
        return _searched(offer, sheet, first, cut, ranked, known, proven, lower)
    finally:
        first.session.fix_offer(offer, None)
        first.session.limit_copies(offer, None)
        first.session.set_price(offer, q(sheet.offers[offer].price))


def _searched(
    offer: str,
    sheet: PriceSheet,
    first: Search,
    cut: Fraction | None,
    ranked: Sequence[Plan],
    known: Sequence[Plan],
    proven: bool,
    lower: Fraction,
) -> BreakEven:
    listed = q(sheet.offers[offer].price)
    assumed = any(f == "price" for f, _ in sheet.offers[offer].assumed)
    cap = first.max_upfront
    lines = [_line(p, offer, listed, sheet, cap) for p in known if copies_of(p, offer)]
    session = first.session

    def again(price: Fraction | None, ceiling: Fraction, bought: bool, below_cap: bool = False) -> Search:
        """A search of the offer's plans (bought) or of the others, at `price` a copy, for plans below `ceiling`
        (`below_cap`: only those whose purchases cost less than --max-upfront at that price, not as much)."""
        session.fix_offer(offer, bought)
        repriced = None
        if price is not None:
            session.set_price(offer, price)
            repriced = (offer, price - listed)
        rounds = len(session.vars) > TREE_COLUMNS
        return replace(
            first, results=[], open=[], stopped="", unseen=ZERO, ceiling=ceiling, top=1, repriced=repriced,
            by_rounds=rounds, below_cap=below_cap,
        )  # fmt: skip

    # W: the best plan without the offer. The comparison has it when a ranked plan lacks the offer and the ranking
    # is proven (every set cheaper than that plan is ranked before it); else a search of the plans without the
    # offer, which must beat the cheapest such plan the comparison priced (the baseline, at worst).
    in_best = copies_of(ranked[0], offer) > 0
    lacking = [p for p in ranked if not copies_of(p, offer)]
    if lacking and (proven or not in_best):
        without, w_proven, w_lo = lacking[0], proven, lower
    else:
        priced = min((p for p in known if not copies_of(p, offer)), key=Plan.rank_key)
        found = _run(again(None, priced.costs.cash, False), priced.costs.cash)
        without = found.best or priced
        w_proven, w_lo = found.proven, min(without.costs.cash, found.lower)
    w = without.costs.cash
    if offer not in session.offer_vars:  # no plan the purchase rules allow can buy it (a group slot already held)
        face = face_value(sheet.offers[offer])
        return BreakEven(offer, ZERO, 0, listed, assumed, w_proven, (ZERO, ZERO), (), w, in_best, face, False)
    # Start where the best plan meets W when it buys the offer: it is the best at the listed price, below the
    # break-even. Else at a price of 0: the best plan of the offer there, found by a search, is the best on the
    # whole stretch from the price to where its line meets W (f is concave and the line touches it at both ends),
    # so the last line is the best just below the break-even, and its copies are those that make the offer pay.
    # An offer with a cut is first tried just below it with a plan made, not searched (_filled): a plan cheaper
    # than W there is a line to start from like any other, and when it meets W at the cut or beyond, no search is
    # needed at all (its copies are then those of that plan, one that pays up to the cut).
    # Under --max-upfront a plan's line holds only up to its reach: where it reaches the cap before W, the next
    # search is at that price among the plans that cost less than the cap there (a plan within the cap at a higher
    # price is one of them), and none found makes that price the break-even (the plan at the cap still pays).
    line = _line(ranked[0], offer, listed, sheet, cap) if in_best else None
    best = line is not None and proven  # the line is of the best plan of the offer at its price
    if line is None and cut is not None:
        probe = cut * (1 - PROBE)
        line = _filled(again(probe, w, True), offer, probe, without, w)
    price, at_cap = line.until(w) if line is not None else (ZERO, False)
    while True:
        if best and line is not None and cap is None:
            # the line is the least cash of any plan of the offer at its price, and the next price is higher:
            # a plan of as many copies or more costs at least as much more as the line does, so W at least
            session.limit_copies(offer, line.copies - 1)
        if line is not None and cut is not None and price >= cut:
            # the one inexact cut (docs/plans.md): at or above what a copy can absorb, a copy lowers cash through
            # monthly rounding only, so the comparison would not search it; nor does the break-even
            found = _Found(None, True, w)
            break
        found = _run(again(price, w, True, at_cap), w)
        if found.best is None:
            break
        line = _line(found.best, offer, price, sheet, cap)  # cheaper than W at this price: it meets W further right
        price, at_cap = line.until(w)
        best = found.proven
    # each line rises by a yuan at least per yuan of price (a plan of the offer buys one copy at least), so no plan
    # of the offer costs less than W beyond the last price tried by more than the search's gap below W
    high = price if found.proven else min(price + max(w - found.lower, ZERO), _most(listed, w, lower))
    ok = found.proven and w_proven
    face = face_value(sheet.offers[offer])
    if line is None or (ok and price == 0 and not at_cap):  # no plan of it costs less than W even when it is free
        return BreakEven(offer, ZERO, 0, listed, assumed, ok, (ZERO, high), (), w, in_best, face)
    low = min(high, max([ZERO, *(ln.until(w_lo)[0] for ln in [*lines, line])]))
    value = price if ok else low
    return BreakEven(offer, value, line.copies, listed, assumed, ok, (value, high) if ok else (low, high),
                     line.plan.actions, w, in_best, face)  # fmt: skip


def _filled(search: Search, offer: str, price: Fraction, without: Plan, w: Fraction) -> _Line | None:
    """The line of a plan of the offer found with no search, to start from: the best plan without it, with the
    copies the linear bound buys at the search's price of the offer (its columns' values rounded down); None
    when the rules forbid that plan or it costs W at least at that price."""
    vars_ = search.session.vars
    try:
        bound = search.set_bound(frozenset({offer}), frozenset())
        if bound is None:
            return None
        point = list(point_of(vars_, without.actions))
        for j in search.session.offer_vars[offer]:
            point[j] = min(max(math.floor(bound.point[j] + 1e-6), 0), vars_[j].hi)
        plan = search.price(point)
    except Stop:  # the time limit: the search that follows stops on it too, and says so
        return None
    if plan is None or not copies_of(plan, offer):
        return None
    return _line(plan, offer, price, search.sheet, search.max_upfront) if plan.costs.cash < w else None


def break_even_offers(
    scenario: Scenario,
    sheet: PriceSheet,
    priced: Priced,
    named: Sequence[str],
    assumed: bool,
    only: Sequence[str],
    exclude: Sequence[str],
) -> list[str]:
    """The offers whose break-even to find, in the sheet's order: those named (each a candidate, else a usage
    error), and with `assumed` every paid candidate whose price the sheet marks assumed."""
    candidates, _ = candidate_offers(scenario, sheet, priced, only, exclude)
    ids = {o.id for o in candidates}
    for name in named:
        if name not in sheet.offers:
            raise UsageError(msg("plans.unknown-offer", offer=name, hint=suggest(name, tuple(sheet.offers))))
        if name not in ids:
            raise UsageError(msg("plans.break-even-not-candidate", offer=name))
    wanted = set(named)
    if assumed:
        wanted |= {o.id for o in candidates if o.price > 0 and any(f == "price" for f, _ in o.assumed)}
    return [o.id for o in candidates if o.id in wanted]


def break_evens(
    offers: Sequence[str],
    sheet: PriceSheet,
    searcher: Callable[[str, Limits], tuple[Search, Fraction | None]],
    ranked: Sequence[Plan],
    known: Sequence[Plan],
    proven: bool,
    lower: Fraction,
    seconds: float | None,
    started: float,
    cap: Fraction | None,
) -> tuple[BreakEven, ...]:
    """The break-even price of each offer, within `seconds` of the comparison's start: each offer an equal share of
    the time left, so that one whose searches meet many near-ties (a stackable voucher at its margin) leaves the
    others theirs, and what an offer leaves unused goes to those after it; an offer reached with no time left to
    build its relaxation gets the bracket the comparison alone gives (`unsearched`)."""
    out = []
    for k, offer in enumerate(offers):
        now = time.perf_counter() - started
        if seconds is not None and now > seconds:
            out.append(unsearched(offer, sheet, ranked, known, lower, cap))
            continue
        share = Limits(None if seconds is None else now + (seconds - now) / (len(offers) - k), None)

        def within(o: str, share: Limits = share) -> tuple[Search, Fraction | None]:
            return searcher(o, share)

        try:
            out.append(break_even(offer, sheet, within, ranked, known, proven, lower))
        except Stop:  # out of time while its relaxation was being made
            out.append(unsearched(offer, sheet, ranked, known, lower, cap))
    return tuple(out)
