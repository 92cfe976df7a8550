"""The waterfall, relaxed: the columns and rows of what trials, packs and vouchers absorb (docs/plans.md).

Charges are grouped by meter and by a stretch of days inside one month that no entitlement starts
or ends within; a grant may absorb any part of any group of a meter it covers while it is valid,
up to what it holds. Each function writes one family of the formulation into the model's program.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from datetime import date, timedelta
from fractions import Fraction

from ..calendar import add_months
from ..engine import Entitlement, Priced, entitlements
from ..money import ZERO
from ..pricing import GrantKind, MeterId, meter_base
from ..scenario import Holding, Scenario
from .model import ONE, Build, Group, Reach, Switched, settled
from .program import Term
from .space import Action


def grants_held(b: Build, claims: Sequence[Action]) -> tuple[list[Entitlement], list[int | None]]:
    """Every grant a plan may hold, live in the period, and the column that scales it (None: held or claimed)."""
    extra: list[Holding] = []
    owner: list[int | None] = []
    start = len(b.scenario.holdings)
    for a in claims:
        extra.append(Holding(a.offer, a.date, a.count, None, a.prefix(), start + len(extra)))
        owner.append(None)
    for j, v in enumerate(b.vars):
        for a in v.actions:
            extra.append(Holding(a.offer, a.date, a.count, None, f"{a.prefix()}#{j}", start + len(extra)))
            owner.append(j)
    whole = b.scenario.with_holdings(tuple(extra))
    ents, scale = [], []
    for e in entitlements(whole, b.sheet, {}):
        if e.ends <= whole.start or e.starts >= whole.end:
            continue
        if e.kind in (GrantKind.amount, GrantKind.quantity) and e.left <= 0:
            continue
        ents.append(e)
        scale.append(None if e.holding < start else owner[e.holding - start])
    return ents, scale


# --- the charges, grouped -----------------------------------------------------------------------


def stretches(scenario: Scenario, ents: list[Entitlement]) -> list[tuple[date, date]]:
    """The stretches of days inside one month that no grant starts or ends within: [first, end) each."""
    start, end = scenario.start, scenario.end
    cuts = {start, end}
    day = date(start.year, start.month, 1)
    while day < end:
        cuts.add(max(day, start))
        day = add_months(day, 1)
    cuts |= {d for e in ents for d in (e.starts, e.ends) if start < d < end}
    ordered = sorted(cuts)
    return list(zip(ordered, ordered[1:], strict=False))


def charge_groups(b: Build, priced: Priced) -> None:
    """c_g (yuan at list price), its billable units and days, for each meter and stretch with a charge; and the
    share of idle traffic of each day of a stretch (for idle_first_rows)."""
    firsts = [s for s, _ in b.segs]
    for pd in priced.days:
        first, stop = pd.day, pd.day + timedelta(pd.days)
        k = max(0, bisect.bisect_right(firsts, first) - 1)
        while first < stop:
            seg_end = b.segs[k][1]
            span = (min(stop, seg_end) - first).days
            idle = busy = ZERO
            for c in pd.charges:  # (the charges of a meter are one per day)
                if c.amount > 0:
                    g = b.groups.get((k, c.meter), Group(ZERO, ZERO, 0))
                    b.groups[(k, c.meter)] = Group(
                        g.amount + c.amount * span, g.units + c.billable * span, g.days + span
                    )
                if c.meter == MeterId.traffic_idle:
                    idle = c.billable
                elif c.meter == MeterId.traffic_busy:
                    busy = c.billable
            if idle or busy:
                b.mix.setdefault(k, set()).add(idle / (idle + busy))
            first = min(stop, seg_end)
            k += 1


def absorption_columns(b: Build) -> None:
    """a_{e,g} in [0, c_g]: the yuan grant e absorbs of group g, for each grant live over g's stretch and covering
    its meter; its cost is -1 (what is absorbed is not paid). A held capacity: at most its GB at every hour."""
    b.reach = {i: [] for i in range(len(b.ents))}
    fen = b.fen
    for (seg, meter), group in b.groups.items():
        seg_start, seg_end = b.segs[seg]
        rate = b.rate(meter)
        live = [
            i
            for i, e in enumerate(b.ents)
            if meter_base(meter) in e.covers and e.starts <= seg_start and seg_end <= e.ends
        ]
        for i in live:
            e = b.ents[i]
            upper = group.amount
            if e.kind is GrantKind.capacity and b.scale[i] is None:
                upper = min(group.amount, e.size * 24 * group.days * rate + group.days * len(live) * fen)
            col = b.program.column(f"absorb_{e.id}_{meter}_{seg_start}", -ONE, ZERO, upper)
            slack = group.days * (len(live) + 1) * fen / rate
            b.reach[i].append(Reach(col, seg_start, rate, slack, seg, meter))
            b.absorbing.setdefault((seg, meter), []).append((i, col))


def charge_rows(b: Build) -> None:
    """sum_e a_{e,g} <= c_g: a charge is absorbed once (B17); and a bought capacity, per group, at most its GB
    at every hour for as many packs as held: a_{e,g} <= min(size_e x 24 h x days x rate, c_g) x x_j (one pack
    holding more than the group absorbs no more of it than the group's charge, and a fraction of a pack only as
    much of it: docs/plans.md, "The formulation")."""
    fen = b.fen
    for (seg, meter), cols in b.absorbing.items():
        group, first = b.groups[(seg, meter)], b.segs[seg][0]
        for i, col in cols:
            e, j = b.ents[i], b.scale[i]
            if e.kind is GrantKind.capacity and j is not None:
                per_pack = e.size * 24 * group.days * b.rate(meter)
                slack = group.days * len(cols) * fen
                _bought(b, f"capacity_{e.id}_{meter}_{first}", [(col, ONE)], per_pack, j, slack)
        if len(cols) > 1:
            b.program.row(f"charges_{meter}_{first}", [(col, ONE) for _, col in cols], None, group.amount)


def grant_rows(b: Build) -> None:
    """What one grant can give (B12, B16): its yuan, sum_g a_{e,g} <= left_e; its units, sum_g a_{e,g} / rate_g
    <= left_e; each month's quota, the same over the month's groups (capacity: charge_rows). A bought grant's
    bound is one pack's size times its column, or what the row's groups hold where that is less (docs/plans.md,
    "The formulation"): ... - min(size_e, most) x_j <= 0."""
    for i, e in enumerate(b.ents):
        reach, j = b.reach[i], b.scale[i]
        if not reach or e.kind is GrantKind.capacity:
            continue
        if e.kind is GrantKind.amount:
            _cap(b, f"holds_{e.id}", [(r.col, ONE) for r in reach], e.left if j is None else e.size, j)
            continue
        if e.kind is GrantKind.quantity:
            terms = [(r.col, 1 / r.rate) for r in reach]
            _cap(b, f"holds_{e.id}", terms, e.left if j is None else e.size, j, sum((r.slack for r in reach), ZERO))
            continue
        by_month: dict[tuple[int, int], list[Reach]] = {}
        for r in reach:
            by_month.setdefault((r.first.year, r.first.month), []).append(r)
        for (year, month), rs in by_month.items():
            begin = max(date(year, month, 1), b.scenario.start, e.starts)
            quota = e.quota_from(begin, b.sheet.settings.partial_month)  # as the engine gives it (waterfall)
            terms = [(r.col, 1 / r.rate) for r in rs]
            _cap(b, f"quota_{e.id}_{year}-{month:02}", terms, quota, j, sum((r.slack for r in rs), ZERO))


def _cap(b: Build, name: str, terms: list[Term], size: Fraction, j: int | None, slack: Fraction = ZERO) -> None:
    if j is None:
        b.program.row(name, terms, None, size + slack)
    else:
        _bought(b, name, terms, size, j, slack)


def _bought(b: Build, name: str, terms: list[Term], size: Fraction, j: int, slack: Fraction) -> None:
    """What x_j packs of `size` each give of the most the terms can add up to, D (each term's column at its upper
    bound): sum terms <= size x_j, or D x_j where D is less (a fraction of a pack gives that fraction of D). With D
    = k size + r (k whole, 0 < r < size) and more than k packs allowed, also sum terms <= r x_j + k (size - r): k
    packs give k size, and k + 1 or more all of D, so a fraction of the (k+1)-th gives that fraction of r only
    (docs/plans.md, "The formulation"). Both hold at every whole count; `slack`, rounded charges' blur."""
    most = sum((b.program.upper[col] * w for col, w in terms), ZERO)
    b.program.row(name, [*terms, (j, -min(size, most))], None, slack)
    k = most // size
    rest = most - k * size
    if k >= 1 and rest > 0 and b.vars[j].hi > k:
        b.program.row(f"{name}_whole", [*terms, (j, -rest)], None, k * (size - rest) + slack)


def idle_first_rows(b: Build) -> None:
    """Busy traffic is offered to a grant only after the same day's idle traffic (B7).

    Take the grants that cover traffic in the waterfall's order. If one of the first n absorbs
    busy traffic on a day, that day's idle traffic was all absorbed by it or a grant before it,
    provided every grant covering busy traffic covers idle traffic too. So, where each day of a
    stretch has idle and busy traffic in one proportion, the first n grants together absorb no
    larger share of the busy traffic than of the idle traffic:
    sum_{e<=n} a_{e,busy} / (rate_busy x units_busy) <= sum_{e<=n} a_{e,idle} / (rate_idle x units_idle),
    for every n at which the order is settled (grants whose order a plan's listing could change count as
    one). Rounded charges blur the shares by a fen: then the rule is left out rather than made unsound.
    """
    if b.sheet.settings.charge_places is not None:
        return
    if any(MeterId.traffic_busy in e.covers and MeterId.traffic_idle not in e.covers for e in b.ents):
        return
    busy, idle = str(MeterId.traffic_busy), str(MeterId.traffic_idle)
    for k, ratios in b.mix.items():
        if len(ratios) != 1 or (k, busy) not in b.absorbing or (k, idle) not in b.absorbing:
            continue
        busy_units, idle_units = b.groups[(k, busy)].units, b.groups[(k, idle)].units
        cols: dict[int, list[Term]] = {}
        for i, col in b.absorbing[(k, busy)]:
            cols.setdefault(i, []).append((col, idle_units / b.rate(busy)))
        for i, col in b.absorbing[(k, idle)]:
            cols.setdefault(i, []).append((col, -busy_units / b.rate(idle)))
        terms: list[Term] = []
        ordered = sorted(cols, key=lambda i: settled(b.ents[i], b.sheet))
        for n, (_, same) in enumerate(itertools.groupby(ordered, key=lambda i: settled(b.ents[i], b.sheet))):
            terms += [t for i in same for t in cols[i]]
            b.program.row(f"idle_first_{b.segs[k][0]}_{n + 1}", list(terms), None, ZERO)


def greedy_rows(b: Build) -> None:
    """A grant reaches a charge only once every grant before it in the waterfall that covers the charge's meter
    has nothing left (B17): greedy, not the best use of each grant.

    For grants f before e in a different stage (within a stage the order is by expiry and a plan's
    listing, and those rows weigh more than they gain), sharing meters M, and a stretch s: e absorbs from M
    in s only if f was used up by the end of s, so size_f x sum_{g in M,s} a_{e,g} <= c_{M,s} x used_f(s),
    where used_f(s) is what f gave up to the end of s (its month's, for a monthly quota). With f's size
    depending on its column x_j, the row holds with f's size at x_j's lower bound and is switched on only
    where that bound is at least one pack (session.py); and a 0-1 column z_{f,s}, "f used up by the end of
    s", states it exactly for whole counts: size_f x_j - used_f(s) <= size_f hi_j (1 - z) and
    sum_{g in M,s} a_{e,g} <= c_{M,s} z."""
    before = [i for i, e in enumerate(b.ents) if e.kind is not GrantKind.capacity and b.reach[i]]
    for fi in before:
        b.check()
        f = b.ents[fi]
        used_up: dict[int, int] = {}  # stretch -> its z column
        used: dict[int, list[Term]] = {}  # stretch -> f's absorptions, in f's unit
        for r in b.reach[fi]:
            used.setdefault(r.seg, []).append((r.col, ONE if f.kind is GrantKind.amount else 1 / r.rate))
        for ei, e in enumerate(b.ents):
            if ei == fi or not b.reach[ei] or not (f.covers & e.covers) or f.stage is e.stage:
                continue
            if not settled(f, b.sheet) < settled(e, b.sheet):
                continue
            by_seg: dict[int, list[Reach]] = {}
            for r in b.reach[ei]:
                if meter_base(r.meter) in f.covers and r.seg in used:
                    by_seg.setdefault(r.seg, []).append(r)
            for seg, rs in by_seg.items():
                first = b.segs[seg][0]
                prior = [
                    t
                    for k, cols in used.items()
                    if k <= seg and (f.kind is not GrantKind.monthly or _month(b.segs[k][0]) == _month(first))
                    for t in cols
                ]
                charges = sum((b.groups[(seg, r.meter)].amount for r in rs), ZERO)
                size = _size(b, f, first)
                terms = [(r.col, size) for r in rs] + [(col, -charges * w) for col, w in prior]
                j = b.scale[fi]
                if j is None:
                    b.program.row(f"greedy_{f.id}_{e.id}_{first}", terms, None, ZERO)
                    continue
                row = b.program.row(f"greedy_{f.id}_{e.id}_{first}", terms, None, None)
                b.model.switched.append(Switched(row, j, [r.col for r in rs], size))
                z = used_up.get(seg)
                if z is None:  # (f absent counts as used up)
                    z = used_up[seg] = b.program.column(f"used_up_{f.id}_{first}", ZERO, ZERO, ONE, whole=True)
                    most = size * b.vars[j].hi
                    terms = [(j, size), *((col, -w) for col, w in prior), (z, most)]
                    b.program.row(f"used_up_if_{f.id}_{first}", terms, None, most)
                terms = [*((r.col, ONE) for r in rs), (z, -charges)]
                b.program.row(f"waits_{e.id}_{f.id}_{first}", terms, None, ZERO)


def _month(day: date) -> tuple[int, int]:
    return (day.year, day.month)


def _size(b: Build, e: Entitlement, day: date) -> Fraction:
    """What a grant holds for the stretch starting on `day`: left (held), size, or the month's quota."""
    if e.kind is GrantKind.monthly:
        begin = max(date(day.year, day.month, 1), b.scenario.start, e.starts)
        return e.quota_from(begin, b.sheet.settings.partial_month)
    return e.left
