"""What a simulation returns: charges with their allocations, balances, bills, totals and notes."""

from datetime import date, timedelta
from fractions import Fraction
from typing import NamedTuple

from ..calendar import add_months, month_key
from ..messages import Chain, Msg, Note, Words, note
from ..money import ZERO, q, round_to, total
from ..pricing import Assumption, GrantKind, MeterId, PriceSheet, Stage, meter_base, shown_order
from ..scenario import Case, Scenario
from .assumptions import dedicated_hours, price_notes, relied_on, sheet_age, spec_notes, voucher_notes
from .charges import Priced
from .labels import LabelShare
from .usage import meter_order
from .waterfall import Allocation, Entitlement, Run, Step, lapsed_value, month_state


class Charge(NamedTuple):
    """Usage of one meter over consecutive days of one month, at list price, with how it was absorbed.

    The figures are the totals of its days. A charge of the engine's own (Estimate.charges) is a
    run of identical days; `monthly()` joins them for display, `daily()` splits them.
    """

    meter: str  # meter key: shared_gpu, dedicated:<spec>, storage, traffic_busy, ...
    start: date
    end: date  # exclusive
    quantity: Fraction  # units used
    billable: Fraction  # units billed, after a monthly free allowance (B6)
    unit: str
    amount: Fraction  # list price in yuan
    allocations: tuple[Allocation, ...]

    @property
    def month(self) -> str:
        return month_key(self.start)


class Balance(NamedTuple):
    """One trial, pack or voucher grant: what it held, absorbed, has left and lapsed (B12, B19)."""

    id: str
    holding: int  # its holding's index in the scenario
    grant: int  # which grant of the offer
    offer: str
    name: Words
    copies: int  # stacked packs bought together, held as one
    stage: Stage
    kind: GrantKind
    unit: str
    covers: frozenset[MeterId]
    starts: date
    ends: date  # exclusive
    initial: Fraction  # what it held at the start of the period (after `used`)
    absorbed: Fraction  # in its unit; GB-hours covered for a capacity
    absorbed_yuan: Fraction
    left: Fraction  # at the end of the period, if still valid then; else 0
    lapsed: Fraction  # left unused at an expiry inside the period
    lapsed_value: Fraction  # lapsed in yuan at the highest list price it could absorb
    assumed: bool  # rests on a value the price sheet marks as an assumption
    # A monthly quota (OSS 包月周期型): its quota each month; `left` is then what the period's last
    # month has left, `lapsed` what the months before left unused. 0 for the other kinds.
    per_month: Fraction = ZERO
    paid_packs: Fraction = ZERO  # a voucher's yuan that paid for packs bought (voucher_pays_packs)


class Purchase(NamedTuple):
    holding: int  # index in the scenario's holdings
    offer: str
    acquired: date
    copies: int
    price: Fraction  # for all `copies`
    in_period: bool  # paid during the period, so counted as upfront
    by_vouchers: Fraction = ZERO  # the part of the price vouchers paid (voucher_pays_packs); the rest is cash


class Bill(NamedTuple):
    month: str  # YYYY-MM
    postpaid_exact: Fraction
    postpaid_due: Fraction  # after the sheet's rounding rule, once per month (B20)


class Totals(NamedTuple):
    list_price: Fraction
    absorbed: dict[Stage, Fraction]  # per stage except postpaid
    postpaid_exact: Fraction
    postpaid_due: Fraction
    upfront: Fraction  # what the period's purchases cost in cash: their price, less what vouchers paid of it
    cash: Fraction  # upfront + postpaid_due: out of pocket
    lapsed_value: Fraction
    upfront_by_vouchers: Fraction = ZERO  # what vouchers paid of the purchases' price (voucher_pays_packs)


class State(NamedTuple):
    """What carries from one run to the next: balances left and request allowances used this month."""

    left: tuple[tuple[str, Fraction], ...]  # a monthly quota's under "<id>@YYYY-MM": this month's remainder
    requests_used: tuple[tuple[str, Fraction], ...]  # ("put_requests@2026-03", count)


class Estimate(NamedTuple):
    """A scenario's period through the waterfall: what `artlab-cost estimate` shows."""

    scenario: str
    start: date
    end: date  # exclusive
    sheet: Msg  # name, version and date of the price sheet
    charges: tuple[Charge, ...]
    balances: tuple[Balance, ...]
    purchases: tuple[Purchase, ...]
    bills: tuple[Bill, ...]
    totals: Totals
    stages: tuple[Stage, ...]  # the deduction order used
    notes: tuple[Note, ...]
    assumed_meters: frozenset[str]  # meter keys whose price is an assumption
    state: State
    assumptions: tuple[Assumption, ...] = ()  # every assumed value the figures rest on (engine/assumptions.py)
    labels: tuple[LabelShare, ...] = ()  # each usage label's share of the charges: api.estimate(labels=True)
    # a scenario with ranges: the run of its low case and of its high case (engine/cases.py); this is the expected
    cases: "tuple[tuple[Case, Estimate], ...]" = ()

    def case(self, case: Case) -> "Estimate":
        """The run of one case: this one for `expected`, and for every case when the scenario has no ranges."""
        runs: dict[Case, Estimate] = dict(self.cases)
        return runs.get(case, self)


class Costs(NamedTuple):
    """What a plan search needs of a run, without building the full result."""

    upfront: Fraction
    postpaid_exact: Fraction
    postpaid_due: Fraction
    cash: Fraction
    lapsed_value: Fraction
    # entitlement id -> not used up (in its unit), whether it lapsed or is still valid; a monthly
    # grant: what its fullest month left, scaled to a whole month's quota
    unused: dict[str, Fraction]
    # entitlement id -> absorbed, in its unit; a monthly grant: its fullest month, scaled alike
    absorbed: dict[str, Fraction]
    list_price: Fraction


def bill_round(amount: Fraction, sheet: PriceSheet) -> Fraction:
    """A month's postpaid as billed: rounded once, by the sheet's rule (B20)."""
    return round_to(amount, sheet.settings.bill_places, sheet.settings.bill_rounding)


def upfront_paid(scenario: Scenario, sheet: PriceSheet) -> Fraction:
    """What the period's purchases cost; holdings acquired before it were paid before it."""
    return sum(
        (
            q(sheet.offers[h.offer].price) * h.copies
            for h in scenario.holdings
            if scenario.start <= h.acquired < scenario.end
        ),
        ZERO,
    )


def _unused(e: Entitlement) -> Fraction:
    if e.kind is GrantKind.capacity:
        return e.size
    if e.kind is GrantKind.monthly:
        return e.size * (1 - e.fullest)  # what its fullest month left, in a whole month's quota
    return e.left


def costs_of(run: Run, scenario: Scenario, sheet: PriceSheet, list_price: Fraction) -> Costs:
    due = sum((bill_round(v, sheet) for v in run.postpaid.values()), ZERO)
    upfront = upfront_paid(scenario, sheet) - sum(run.paid.values(), ZERO)
    return Costs(
        upfront=upfront,
        postpaid_exact=sum(run.postpaid.values(), ZERO),
        postpaid_due=due,
        cash=upfront + due,
        lapsed_value=sum((lapsed_value(e, run.flow) for e in run.entitlements), ZERO),
        unused={e.id: _unused(e) for e in run.entitlements},
        absorbed={e.id: e.size * e.fullest if e.kind is GrantKind.monthly else e.absorbed for e in run.entitlements},
        list_price=list_price,
    )


def _months(start: date, end: date) -> list[str]:
    out = []
    day = start.replace(day=1)
    while day < end:
        out.append(month_key(day))
        day = add_months(day, 1)
    return out


def _same_places(a: tuple[Allocation, ...], b: tuple[Allocation, ...]) -> bool:
    return [(x.stage, x.entitlement) for x in a] == [(x.stage, x.entitlement) for x in b]


def charges_of(steps: list[Step], units: dict[str, str]) -> list[Charge]:
    """Each step of the waterfall as a charge: its days' totals (a step's days are identical)."""
    out = []
    for s in steps:
        n = s.days
        if n == 1:  # most steps are one day: its figures are the charge's
            quantity, billable, amount, allocations = s.quantity, s.billable, s.amount, s.allocations
        else:
            # a figure a step shares (billable units all of its quantity, one place taking the whole amount) is the
            # same object: multiplied once
            quantity, amount = s.quantity * n, s.amount * n
            billable = quantity if s.billable is s.quantity else s.billable * n
            allocations = tuple(
                Allocation(a.stage, a.entitlement, amount if a.amount is s.amount else a.amount * n,
                           billable if a.quantity is s.billable else a.quantity * n)
                for a in s.allocations
            )  # fmt: skip
        end = s.day + timedelta(n)
        out.append(Charge(s.meter, s.day, end, quantity, billable, units[s.meter], amount, allocations))
    out.sort(key=lambda c: (c.start.year, c.start.month, meter_order(c.meter), c.start))
    return out


def monthly(charges: tuple[Charge, ...]) -> list[Charge]:
    """Consecutive charges of a meter within a month that went to the same places, joined (a view: sums only)."""
    groups: list[list[Charge]] = []  # each a run of charges to join, in the order of its first
    last: dict[str, list[Charge]] = {}
    for c in sorted(charges, key=lambda c: (c.start, meter_order(c.meter))):
        group = last.get(c.meter)
        if group is not None:
            prev = group[-1]
            if (
                prev.end == c.start
                and prev.start.month == c.start.month
                and _same_places(prev.allocations, c.allocations)
            ):
                group.append(c)
                continue
        last[c.meter] = group = [c]
        groups.append(group)
    out = [_joined(group) for group in groups]
    out.sort(key=lambda c: (c.start.year, c.start.month, shown_order(c.meter), c.start))
    return out


def _joined(group: list[Charge]) -> Charge:
    """Consecutive charges of a meter that went to the same places, as one: their sums, each summed once."""
    first = group[0]
    if len(group) == 1:
        return first
    allocations = tuple(
        Allocation(a.stage, a.entitlement, total([c.allocations[k].amount for c in group]),
                   total([c.allocations[k].quantity for c in group]))
        for k, a in enumerate(first.allocations)
    )  # fmt: skip
    quantity, billable = total([c.quantity for c in group]), total([c.billable for c in group])
    amount = total([c.amount for c in group])
    return Charge(first.meter, first.start, group[-1].end, quantity, billable, first.unit, amount, allocations)


def daily(charges: tuple[Charge, ...]) -> list[Charge]:
    """Every day of each charge as a charge of its own (a view: a charge's days are identical, so it divides)."""
    out = []
    for c in charges:
        n = (c.end - c.start).days
        each = tuple(Allocation(a.stage, a.entitlement, a.amount / n, a.quantity / n) for a in c.allocations)
        for k in range(n):
            day = c.start + timedelta(k)
            out.append(
                Charge(c.meter, day, day + timedelta(1), c.quantity / n, c.billable / n, c.unit, c.amount / n, each)
            )
    out.sort(key=lambda c: (c.start, shown_order(c.meter)))
    return out


def notes_of(
    scenario: Scenario,
    sheet: PriceSheet,
    charges: list[Charge],
    ents: list[Entitlement],
    assumed: tuple[Assumption, ...],
    paid: dict[int, Fraction] | None = None,
) -> list[Note]:
    """Which price sheet and which defaults an estimate used, what rests on an assumption, and the warnings."""
    st = sheet.settings
    meters_used = {c.meter for c in charges}
    out = [
        note(
            "note.prices",
            "B21",
            sheet=sheet.name,
            version=sheet.version,
            effective=sheet.effective,
            origin=sheet.origin_text,
        ),
        note("note.deduction-order", "B17", order=Chain(st.deduction_order)),
        note("note.rounding", "B20", rounding=st.bill_rounding, places=st.bill_places)
        if st.charge_places is None
        else note(
            "note.rounding-charges",
            "B20",
            rounding=st.bill_rounding,
            places=st.bill_places,
            charge_places=st.charge_places,
        ),
    ]
    out[1:1] = price_notes(sheet)  # right after the sheet: what this run changed of it
    if any(meter_base(k) is MeterId.dedicated for k in meters_used):
        out.append(note("note.dedicated-increment", "B5", increment=st.dedicated_increment))
    if ents:
        out.append(note("note.tie-break", "B13", tie_break=st.tie_break))
    if any(e.kind is GrantKind.monthly for e in ents):
        out.append(note("note.partial-month", partial=st.partial_month))
    if any(h.acquired < scenario.start for h in scenario.holdings):
        out.append(note("note.prepaid-holdings"))
    out += voucher_notes(scenario, sheet, ents, paid or {})
    out += spec_notes(sheet, *dedicated_hours(charges))
    out += [note("note.assumed", field=a.field, why=a.why) for a in assumed]
    return out + sheet_age(scenario.start, sheet) + list(scenario.warnings)


def _balance(e: Entitlement, run: Run, end: date) -> Balance:
    left = ZERO if e.ends <= end else (e.size if e.kind is GrantKind.capacity else e.left)
    return Balance(
        id=e.id, holding=e.holding, grant=e.grant, offer=e.offer, name=e.name, copies=e.copies, stage=e.stage,
        kind=e.kind, unit=e.unit, covers=e.covers, starts=e.starts, ends=e.ends, initial=e.initial,
        absorbed=e.absorbed, absorbed_yuan=e.absorbed_yuan, left=left, lapsed=e.lapsed,
        lapsed_value=lapsed_value(e, run.flow), assumed=e.assumed,
        per_month=e.size if e.kind is GrantKind.monthly else ZERO, paid_packs=e.paid,
    )  # fmt: skip


def estimate_of(scenario: Scenario, sheet: PriceSheet, run: Run, priced: Priced) -> Estimate:
    """The full result of a run: charges, balances, bills and totals, notes, and the state to carry on."""
    charges = charges_of(run.steps, {k: m.unit for k, m in sheet.meters.items()})
    shown = [e for e in run.entitlements if e.ends > scenario.start and e.starts < scenario.end]
    balances = tuple(_balance(e, run, scenario.end) for e in sorted(shown, key=lambda e: e.order))
    purchases = tuple(
        Purchase(
            h.position,
            h.offer,
            h.acquired,
            h.copies,
            q(sheet.offers[h.offer].price) * h.copies,
            scenario.start <= h.acquired < scenario.end,
            run.paid.get(h.position, ZERO),
        )
        for h in scenario.holdings
    )
    bills = tuple(
        Bill(m, exact, bill_round(exact, sheet))
        for m, exact in ((m, run.postpaid.get(m, ZERO)) for m in _months(scenario.start, scenario.end))
    )
    absorbed: dict[Stage, Fraction] = {
        stage: ZERO for stage in sheet.settings.deduction_order if stage is not Stage.postpaid
    }
    for e in run.entitlements:  # what each stage absorbed is what its entitlements gave
        absorbed[e.stage] += e.absorbed_yuan
    by_vouchers = sum(run.paid.values(), ZERO)
    upfront = upfront_paid(scenario, sheet) - by_vouchers
    due = sum((b.postpaid_due for b in bills), ZERO)
    totals = Totals(
        list_price=priced.list_price,
        absorbed=absorbed,
        postpaid_exact=sum((b.postpaid_exact for b in bills), ZERO),
        postpaid_due=due,
        upfront=upfront,
        cash=upfront + due,
        lapsed_value=sum((b.lapsed_value for b in balances), ZERO),
        upfront_by_vouchers=by_vouchers,
    )
    used_meters = {c.meter for c in charges if c.amount > 0}
    free = {c.meter for c in charges if c.quantity > c.billable}  # used within a free allowance (B6)
    assumed = relied_on(scenario, sheet, used_meters, shown, free)
    last = scenario.end - timedelta(1)
    carried = [(e.id, e.left) for e in run.entitlements if e.kind is not GrantKind.monthly]
    carried += [(month_state(e.id, last), e.left) for e in run.entitlements if e.kind is GrantKind.monthly and e.quota]
    state = State(left=tuple(sorted(carried)), requests_used=priced.requests_used)
    return Estimate(
        scenario=scenario.name,
        start=scenario.start,
        end=scenario.end,
        sheet=sheet.label,
        charges=tuple(charges),
        balances=balances,
        purchases=purchases,
        bills=bills,
        totals=totals,
        stages=sheet.settings.deduction_order,
        notes=tuple(notes_of(scenario, sheet, charges, shown, assumed, run.paid)),
        assumed_meters=frozenset(k for k in used_meters if sheet.meters[k].assumed),
        assumptions=assumed,
        state=state,
    )
