"""What changes between two estimates: per month, per meter and in total, and the grants whose balance moves.

`diff(base, new)` takes two results of `estimate` (two scenarios, or one scenario under two price
sheets) and lines them up: each measure (list price, what each stage absorbs, postpaid, upfront,
cash out of pocket) before and after, with the change. It prices nothing itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import NamedTuple

from .calendar import month_key
from .engine import Estimate
from .engine.charges import meter_order
from .messages import Note, Words, unique
from .money import ZERO
from .pricing import Stage
from .scenario import Case

Side = dict[str, Fraction]  # measure -> amount: "list", a stage, "postpaid_exact", "postpaid_due", "upfront", "cash"


class Line(NamedTuple):
    """One line of a diff: a month, a meter or the total; a side is empty where that side has no such line."""

    key: str
    before: Side
    after: Side

    def change(self, measure: str) -> Fraction:
        return self.after.get(measure, ZERO) - self.before.get(measure, ZERO)

    def percent(self, measure: str) -> Fraction | None:
        """The change as a share of the before amount; None when there was nothing before."""
        base = self.before.get(measure, ZERO)
        return None if base == 0 else self.change(measure) * 100 / base


class GrantChange(NamedTuple):
    """A trial, pack or voucher whose left or lapsed value differs (None: not held on that side)."""

    id: str
    name: Words
    unit: str
    left: tuple[Fraction | None, Fraction | None]
    lapsed_value: tuple[Fraction | None, Fraction | None]


class Increase(NamedTuple):
    """--fail-on-increase: a limit on how much cash may rise, in yuan or as a percentage, and the verdict."""

    limit: Fraction
    percent: bool
    exceeded: bool


class Diff(NamedTuple):
    base: Estimate
    new: Estimate
    base_label: str  # how the base was named: a file, git:REF:path, <stdin>
    new_label: str
    stages: tuple[Stage, ...]  # the stages before postpaid, as either side orders them
    months: tuple[Line, ...]
    meters: tuple[Line, ...]
    total: Line
    grants: tuple[GrantChange, ...]
    notes: tuple[Note, ...] = ()
    # when either side gives usage as ranges: the diff of the low cases and of the high cases; this is the expected
    cases: tuple[tuple[Case, Diff], ...] = ()

    def case(self, case: Case) -> Diff:
        """The diff of one case: this one for `expected`, and for every case when neither side has ranges."""
        runs: dict[Case, Diff] = dict(self.cases)
        return runs.get(case, self)

    @property
    def cash_change(self) -> Fraction:
        return self.total.change("cash")

    @property
    def month_count(self) -> int:
        return max(len(self.new.bills), len(self.base.bills), 1)

    @property
    def monthly_change(self) -> Fraction:
        """The change of cash out of pocket, on average a month."""
        return self.cash_change / self.month_count

    def exceeds(self, limit: Fraction, percent: bool) -> bool:
        """Whether cash rises more than `limit` yuan, or `limit` percent of the base's cash."""
        if percent:
            pct = self.total.percent("cash")
            if pct is None:
                return self.cash_change > 0
            return pct > limit
        return self.cash_change > limit

    def check_increase(self, limit: Fraction, percent: bool) -> Increase:
        """--fail-on-increase: the limit (yuan, or percent of the base's cash) with its verdict."""
        return Increase(limit, percent, self.exceeds(limit, percent))


def _totals(result: Estimate) -> Side:
    t = result.totals
    side: Side = {"list": t.list_price}
    side.update({str(stage): amount for stage, amount in t.absorbed.items()})
    side.update(
        postpaid_exact=t.postpaid_exact,
        postpaid_due=t.postpaid_due,
        upfront=t.upfront,
        cash=t.cash,
        lapsed_value=t.lapsed_value,
    )
    return side


def month_sides(result: Estimate) -> dict[str, Side]:
    """Each month of a result: its list price, what each stage absorbed, postpaid (exact and due), upfront paid
    in it and cash out of pocket."""
    out: dict[str, Side] = {b.month: {"list": ZERO} for b in result.bills}
    for c in result.charges:
        side = out.setdefault(c.month, {"list": ZERO})
        side["list"] += c.amount
        for a in c.allocations:
            if a.stage is not Stage.postpaid:
                side[str(a.stage)] = side.get(str(a.stage), ZERO) + a.amount
    for b in result.bills:
        out[b.month].update(postpaid_exact=b.postpaid_exact, postpaid_due=b.postpaid_due)
    for p in result.purchases:
        if p.in_period:
            side = out.setdefault(month_key(p.acquired), {"list": ZERO})
            side["upfront"] = side.get("upfront", ZERO) + p.price
    for side in out.values():
        side["cash"] = side.get("upfront", ZERO) + side.get("postpaid_due", ZERO)
    return out


def _meters(result: Estimate) -> dict[str, Side]:
    out: dict[str, Side] = {}
    for c in result.charges:
        side = out.setdefault(c.meter, {"list": ZERO})
        side["list"] += c.amount
        for a in c.allocations:
            key = "postpaid_exact" if a.stage is Stage.postpaid else str(a.stage)
            side[key] = side.get(key, ZERO) + a.amount
    return out


def _lines(before: dict[str, Side], after: dict[str, Side], order: Iterable[str]) -> tuple[Line, ...]:
    return tuple(Line(k, before.get(k, {}), after.get(k, {})) for k in order)


def _grants(base: Estimate, new: Estimate) -> tuple[GrantChange, ...]:
    old = {b.id: b for b in base.balances}
    now = {b.id: b for b in new.balances}
    out = []
    for ident in dict.fromkeys([*old, *now]):
        a, b = old.get(ident), now.get(ident)
        left = (a.left if a else None, b.left if b else None)
        lapsed = (a.lapsed_value if a else None, b.lapsed_value if b else None)
        if left[0] != left[1] or lapsed[0] != lapsed[1]:
            shown = b or a
            assert shown is not None
            out.append(GrantChange(ident, shown.name, shown.unit, left, lapsed))
    return tuple(out)


def diff(base: Estimate, new: Estimate, base_label: str = "base", new_label: str = "new") -> Diff:
    """What changes from `base` to `new`: months in date order, meters as the waterfall orders them.

    When either side gives usage as ranges, the diff is that of the expected cases, with the diffs of
    the low cases and of the high cases beside it (a side without ranges is the same in every case).
    """
    stages = tuple(dict.fromkeys(s for s in (*base.stages, *new.stages) if s is not Stage.postpaid))
    months_before, months_after = month_sides(base), month_sides(new)
    meters_before, meters_after = _meters(base), _meters(new)
    cases = (
        tuple((c, diff(base.case(c), new.case(c), base_label, new_label)) for c in (Case.low, Case.high))
        if base.cases or new.cases
        else ()
    )
    return Diff(
        base=base,
        new=new,
        base_label=base_label,
        new_label=new_label,
        stages=stages,
        months=_lines(months_before, months_after, sorted({*months_before, *months_after})),
        meters=_lines(meters_before, meters_after, sorted({*meters_before, *meters_after}, key=meter_order)),
        total=Line("total", _totals(base), _totals(new)),
        grants=_grants(base, new),
        notes=tuple(unique([*new.notes, *base.notes])),
        cases=cases,
    )
