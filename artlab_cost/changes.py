"""What changes between two estimates: per month, per meter and in total, and the grants whose balance moves.

`diff(base, new)` takes two results of `estimate` (two scenarios, or one scenario under two price
sheets) and lines them up: each measure (list price, what each stage absorbs, postpaid, upfront,
cash out of pocket) before and after, with the change. It prices nothing itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import NamedTuple

from .engine import Estimate
from .engine.budget import month_upfront
from .messages import Level, Note, Words, note, unique
from .money import ZERO
from .pricing import Stage, shown_order
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
    def monthly_before(self) -> Fraction:
        """The base's cash out of pocket on average a month, over the base's own months."""
        return self.total.before.get("cash", ZERO) / months_of(self.base)

    @property
    def monthly_after(self) -> Fraction:
        """The new side's cash out of pocket on average a month, over its own months."""
        return self.total.after.get("cash", ZERO) / months_of(self.new)

    @property
    def monthly_change(self) -> Fraction:
        """The change of cash out of pocket on average a month: each side averaged over its own months, so a
        3-month base and a 6-month new scenario compare like with like."""
        return self.monthly_after - self.monthly_before

    @property
    def monthly_percent(self) -> Fraction | None:
        """The monthly change as a share of the base's monthly average; None when the base pays nothing."""
        return None if self.monthly_before == 0 else self.monthly_change * 100 / self.monthly_before

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


def months_of(result: Estimate) -> int:
    """The calendar months a result's period touches (one bill each), at least 1."""
    return max(len(result.bills), 1)


def _side_notes(base: Estimate, new: Estimate) -> list[Note]:
    """Both sides' notes and warnings once each: one the two share as it is, one only the base has marked
    "before", one only the new side has marked "after" (two near-identical notes must say which side each is
    about; JSON gives a marked warning its own code and the side, render/jsonout.py); and periods of
    different lengths are warned, since the totals then compare different spans."""

    def key(n: Note) -> tuple[str, str]:
        return (n.code, repr(sorted(n.args.items())))

    old, now = {key(n) for n in base.notes}, {key(n) for n in new.notes}
    out: list[Note] = []
    for n in new.notes:
        out.append(n if key(n) in old else note("diff.after", n.rule, n.level, note=n.msg, of=n.code))
    for n in base.notes:
        out.append(n if key(n) in now else note("diff.before", n.rule, n.level, note=n.msg, of=n.code))
    if months_of(base) != months_of(new):
        out.append(note("warning.periods-differ", level=Level.warning, before=months_of(base), after=months_of(new)))
    return unique(out)


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
    for month, paid in month_upfront(result).items():
        out.setdefault(month, {"list": ZERO})["upfront"] = paid
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
    """What changes from `base` to `new`: months in date order, meters in the order outputs list them.

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
        meters=_lines(meters_before, meters_after, sorted({*meters_before, *meters_after}, key=shown_order)),
        total=Line("total", _totals(base), _totals(new)),
        grants=_grants(base, new),
        notes=tuple(_side_notes(base, new)),
        cases=cases,
    )
