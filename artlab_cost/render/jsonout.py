"""JSON output: one document per result, amounts as exact decimal strings, keys in a fixed order.

The rows of plans and of diffs are imported by the functions that write them: an estimate's JSON, what a CI
job runs most, pays for neither.
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..engine import BudgetCheck, Estimate
from ..engine.budget import month_upfront
from ..i18n import value_text, word
from ..messages import Level, Msg, Note
from ..pricing import BUNDLED_NAME, Assumed, Assumption, GrantKind, PriceSheet
from ..scenario import Case
from .escape import json_visible
from .estimate_rows import listed_charges, run_rate
from .view import By, View
from .wording import exact, last_day, meter_title, notes_text

if TYPE_CHECKING:
    from ..changes import Diff, Line
    from ..plans import BreakEven, Comparison, Plan

SCHEMA_VERSION = 2  # 2: price_sheet is an object (name, version, effective, path)
_string = json.encoder.encode_basestring  # the C encoder of a string, as json.dumps uses it (ensure_ascii=False)


def dump(data: dict[str, Any]) -> str:
    """The document as `json.dumps(data, indent=2, ensure_ascii=False)` writes it, twice as fast: the standard
    library's indented encoder is pure Python, while its string encoder (used here) is C."""
    out: list[str] = []
    _write(data, "", out.append)
    return json_visible("".join(out)) + "\n"  # JSON leaves DEL, C1 and invisible characters raw: escaped


def _write(value: Any, indent: str, put: Any) -> None:
    kind = type(value)
    if kind is str:
        put(_string(value))
    elif kind is dict:
        if not value:
            put("{}")
            return
        inner = indent + "  "
        put("{\n" + inner)
        for i, (key, item) in enumerate(value.items()):
            if i:
                put(",\n" + inner)
            if type(item) is str:  # most values are: written here, without a call for each
                put(_string(key) + ": " + _string(item))
            else:
                put(_string(key) + ": ")
                _write(item, inner, put)
        put("\n" + indent + "}")
    elif kind is list or kind is tuple:
        if not value:
            put("[]")
            return
        inner = indent + "  "
        put("[\n" + inner)
        for i, item in enumerate(value):
            if i:
                put(",\n" + inner)
            _write(item, inner, put)
        put("\n" + indent + "]")
    elif value is True or value is False or value is None:
        put({True: "true", False: "false", None: "null"}[value])
    else:
        put(json.dumps(value))  # an int (never a float: amounts are exact decimal strings)


def _budget(check: BudgetCheck | None) -> dict[str, Any] | None:
    if check is None:
        return None
    out = {
        "limit": exact(check.limit),
        "measure": check.measure,
        "value": exact(check.value),
        "exceeded": check.exceeded,
        "over": exact(check.over),
        "per": check.per,
        "months_over": list(check.months_over) if check.per else None,
    }
    return out if check.case is None else {**out, "case": check.case}  # the case gated, with ranges only


def sheet_data(sheet: Msg, lang: str) -> dict[str, Any]:
    """The price sheet a result was priced with, as fields (`price_sheet_text` is the same for people)."""
    args = sheet.args
    origin = args.get("origin")
    return {
        "name": value_text(args["name"], lang),
        "version": args["version"],
        "effective": args["effective"].isoformat(),
        "path": None if origin in (None, BUNDLED_NAME) else origin,
    }


def _run_rate(result: Estimate) -> dict[str, Any] | None:
    """Cash a month on average and the dearest month; null for a period within one calendar month."""
    rate = run_rate(result)
    if rate is None:
        return None
    average, month, dearest = rate
    return {"cash_per_month": exact(average), "dearest_month": month, "dearest_month_cash": exact(dearest)}


def _bills(result: Estimate) -> list[dict[str, Any]]:
    """Each month's bill: postpaid (exact and due), what was paid upfront that month, and its cash."""
    upfront = month_upfront(result)
    return [
        {
            "month": b.month,
            "postpaid_exact": exact(b.postpaid_exact),
            "postpaid_due": exact(b.postpaid_due),
            "upfront": exact(upfront.get(b.month, 0)),
            "cash": exact(upfront.get(b.month, 0) + b.postpaid_due),
        }
        for b in result.bills
    ]


# --- estimate -------------------------------------------------------------------------------


def _cases(result: Estimate) -> dict[str, Any]:
    """The low and high cases of usage given as ranges, each as `totals` and `bills` are (the expected case)."""
    return {"cases": {case.value: {"totals": _totals(run), "bills": _bills(run)} for case, run in result.cases}}


def _totals(result: Estimate) -> dict[str, Any]:
    t = result.totals
    return {
        "list_price": exact(t.list_price),
        "absorbed": {stage: exact(v) for stage, v in t.absorbed.items()},
        "postpaid_exact": exact(t.postpaid_exact),
        "postpaid_due": exact(t.postpaid_due),
        "upfront": exact(t.upfront),
        "upfront_by_vouchers": exact(t.upfront_by_vouchers),
        "cash": exact(t.cash),
        "lapsed_value": exact(t.lapsed_value),
    }


def _charges(result: Estimate, view: View) -> list[dict[str, Any]]:
    return [
        {
            "meter": c.meter,
            "from": c.start.isoformat(),
            "until": last_day(c.end).isoformat(),
            "quantity": exact(c.quantity),
            "billable": exact(c.billable),
            "unit": c.unit,
            "amount": exact(c.amount),
            "assumed_price": c.meter in result.assumed_meters,
            "allocations": [
                {
                    "stage": a.stage,
                    "entitlement": a.entitlement or None,
                    "amount": exact(a.amount),
                    "quantity": exact(a.quantity),
                }
                for a in c.allocations
            ],
        }
        for c in listed_charges(result, view)
    ]


def _labels(result: Estimate) -> list[dict[str, Any]]:
    """--by label: each usage label's list price and its share of each stage and entitlement (pro rata within
    each charge, engine/labels.py); the shares add up to list_price."""
    return [
        {
            "label": share.label,
            "list_price": exact(share.list_price),
            "shares": [{"stage": s, "entitlement": e or None, "amount": exact(v)} for s, e, v in share.parts],
        }
        for share in result.labels
    ]


def _balances(result: Estimate, lang: str) -> list[dict[str, Any]]:
    return [
        {
            "id": b.id,
            "offer": b.offer,
            "name": b.name.text(lang),
            "count": b.copies,
            "stage": b.stage,
            "kind": b.kind,
            "unit": b.unit,
            "covers": sorted(b.covers),
            "valid_from": b.starts.isoformat(),
            "expires": b.ends.isoformat(),
            "initial": exact(b.initial),
            "per_month": exact(b.per_month) if b.kind is GrantKind.monthly else None,
            "absorbed": exact(b.absorbed),
            "absorbed_yuan": exact(b.absorbed_yuan),
            "left": exact(b.left),
            "lapsed": exact(b.lapsed),
            "lapsed_value": exact(b.lapsed_value),
            "paid_packs": exact(b.paid_packs),
            "assumed": b.assumed,
        }
        for b in result.balances
    ]


def estimate_data(result: Estimate, view: View) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "estimate",
        "scenario": result.scenario,
        "period": {"from": result.start.isoformat(), "until": last_day(result.end).isoformat()},
        "price_sheet": sheet_data(result.sheet, view.lang),
        "price_sheet_text": word(result.sheet, view.lang),
        "deduction_order": list(result.stages),
        "totals": _totals(result),
        "run_rate": _run_rate(result),
        "budget": _budget(view.budget),
        "bills": _bills(result),
        **(_cases(result) if result.cases else {}),  # without ranges, no key: the document is as it always was
        "charges": _charges(result, view),
        "labels": _labels(result) if view.by is By.label else None,
        "balances": _balances(result, view.lang),
        "purchases": [
            {
                "offer": p.offer,
                "date": p.acquired.isoformat(),
                "count": p.copies,
                "price": exact(p.price),
                "upfront": p.in_period,
                "by_vouchers": exact(p.by_vouchers),
            }
            for p in result.purchases
        ],
        "assumptions": assumptions_data(result.assumptions, view.lang),
        "user_prices": user_prices_data(result.notes),
        "warnings": warnings_data(result.notes, view),
        "notes": notes_text([n for n in result.notes if n.level is Level.note], view),
    }


SIDES = {"diff.before": "base", "diff.after": "new"}  # a diff's warning of one side only (changes.py)


def warnings_data(notes: tuple[Note, ...], view: View) -> list[dict[str, str]]:
    """The warnings, for a script to react to by code (docs/json.md lists them), worded in the view's language;
    in a diff, a warning only one side has keeps its own code and says which side (`side`: base, new)."""
    out = []
    for n in notes:
        if n.level is not Level.warning:
            continue
        entry = {"code": n.args["of"] if n.code in SIDES else n.code}
        entry |= {"message": word(n.msg, view.lang), "rule": n.rule}
        if n.code in SIDES:
            entry["side"] = SIDES[n.code]
        out.append(entry)
    return out


def user_prices_data(notes: tuple[Note, ...]) -> list[dict[str, str]]:
    """The offers priced by the user for this run (--price): the user's price and the sheet's, exactly. In a
    diff the note is one side's (marked "after": --price applies to NEW), its own message inside the mark."""
    said = [n.args["note"] if n.code in SIDES else n.msg for n in notes]
    return [
        {
            "offer": m.args["offer"],
            "price": exact(m.args["price"].value),
            "sheet_price": exact(m.args["sheet_price"].value),
        }
        for m in said
        if m.code == "note.user-price"
    ]


def assumptions_data(assumed: tuple[Assumption, ...], lang: str) -> list[dict[str, str]]:
    """The assumed values a result rests on: the file, the field in it, and why (what --strict refuses)."""
    return [{"file": a.file, "field": a.field, "why": value_text(a.why, lang)} for a in assumed]


def estimate(result: Estimate, view: View) -> str:
    return dump(estimate_data(result, view))


# --- compare-plans --------------------------------------------------------------------------


def _plan(rank: str, plan: Plan, comparison: Comparison, lang: str) -> dict[str, Any]:
    from .plan_rows import plan_name, plan_ranges, rank_label

    ranges = plan_ranges(plan, comparison)
    return {
        "rank": int(rank) if rank.isdigit() else None,
        "proven": rank_label(rank, plan, comparison) == rank,
        "name": plan_name(plan, comparison.free, lang),
        "actions": [
            {
                "offer": a.offer,
                "date": a.date.isoformat(),
                "count": a.count,
                "within_a_fen": list(ranges.get((a.offer, a.date), (a.count, a.count))),
            }
            for a in plan.actions
        ],
        "upfront": exact(plan.costs.upfront),
        "postpaid_due": exact(plan.costs.postpaid_due),
        "cash": exact(plan.costs.cash),
        "saving": exact(comparison.saving(plan)),
        "lapsed_value": exact(plan.costs.lapsed_value),
        "assumed": [a.field for a in comparison.assumptions_of(plan)],
        **_plan_cases(plan, comparison),
    }


def _plan_cases(plan: Plan, comparison: Comparison) -> dict[str, Any]:
    """A plan's cash and regret in each case, with usage given as ranges (nothing without: the output is as before)."""
    robust = comparison.robust
    if robust is None:
        return {}
    return {
        "cases": {c.value: {"cash": exact(robust.cash[plan.actions][c])} for c in Case},
        "regret": {c.value: exact(robust.regret(plan, c)) for c in Case},
        "max_regret": exact(robust.max_regret(plan)),
    }


def _robust(comparison: Comparison) -> dict[str, Any]:
    """The robust plan and the cheapest of each case (ranges), how far plans stay the cheapest (--stays-cheapest)."""
    out: dict[str, Any] = {}
    robust = comparison.robust
    if robust is not None:
        plan = comparison.plans[robust.robust - 1]
        out["robust"] = {
            "rank": robust.robust,
            "max_regret": exact(robust.max_regret(plan)),
            "cheapest": {c.value: robust.cheapest[c] for c in Case},
            "proven": robust.proven,
        }
    if comparison.holds:
        out["stays_cheapest"] = [
            {
                "rank": h.rank,
                "from": None if h.low is None else exact(Fraction(h.low, 100)),
                "to": None if h.high is None else exact(Fraction(h.high, 100)),
                "proven": h.proven,
            }
            for h in comparison.holds
        ]
    return out


def _break_even(b: BreakEven) -> dict[str, Any]:
    from .breakeven_rows import fen_down, fen_up

    out: dict[str, Any] = {
        "offer": b.offer,
        "price": exact(fen_down(b.price)),
        "price_fraction": f"{b.price.numerator}/{b.price.denominator}",
        "count": b.copies,
        "listed_price": exact(b.listed_price),
        "assumed_price": b.assumed_price,
        "proven": b.proven,
        "in_best_plan": b.in_best,
        "buyable": b.buyable,
        "best_without": exact(b.without),
        "plan": [{"offer": a.offer, "date": a.date.isoformat(), "count": a.count} for a in b.plan],
    }
    if not b.proven:
        out["bracket"] = [exact(fen_down(b.bracket[0])), exact(fen_up(b.bracket[1]))]
    return out


def plans(comparison: Comparison, view: View) -> str:
    from .plan_rows import plan_name, plan_rows, snippet

    best = comparison.plans[0]
    data = {
        "schema_version": SCHEMA_VERSION,
        "kind": "plans",
        "scenario": comparison.scenario,
        "period": {"from": comparison.start.isoformat(), "until": last_day(comparison.end).isoformat()},
        "price_sheet": sheet_data(comparison.sheet, view.lang),
        "price_sheet_text": word(comparison.sheet, view.lang),
        "postpaid_only": exact(comparison.postpaid_only),
        "plans": [_plan(rank, p, comparison, view.lang) for rank, p in plan_rows(comparison) if rank.isdigit()],
        "baseline": _plan("ref", comparison.baseline, comparison, view.lang),
        "recommended": {
            "rank": 1,
            "name": plan_name(best, comparison.free, view.lang),
            "holdings": snippet(best) if best.actions else "",
        },
        "budget": _budget(view.budget),
        "search": {
            "proven": comparison.proven,
            "first_proven": comparison.first_proven,
            "lower_bound": exact(comparison.lower_bound),
            "gap": exact(comparison.gap),
            "stopped": comparison.stopped or None,
            "plans_allowed": comparison.plans_allowed,
            "engine_runs": comparison.runs,
            "bound_solves": comparison.bound_solves,
        },
        "with_only": [{"offer": o, "plan": _plan("with", p, comparison, view.lang)} for o, p in comparison.with_only],
        **_robust(comparison),
        "assumptions": assumptions_data(comparison.assumptions, view.lang),
        "user_prices": user_prices_data(comparison.notes),
        "warnings": warnings_data(comparison.notes, view),
        "notes": notes_text([n for n in comparison.notes if n.level is Level.note], view),
        "break_even": [_break_even(b) for b in comparison.break_even],
    }
    return dump(data)


# --- the price sheet --------------------------------------------------------------------------


def _assumed(assumed: Assumed, lang: str) -> dict[str, str]:
    return {field: value_text(why, lang) for field, why in assumed}


def pricing(sheet: PriceSheet, view: View) -> str:
    st, lang = sheet.settings, view.lang
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "kind": "pricing",
        "sheet": {
            "name": sheet.name.text(lang),
            "version": sheet.version,
            "effective": sheet.effective.isoformat(),
            "currency": sheet.currency,
            "source": sheet.source,
            "origin": sheet.origin,
            "assumed": _assumed(sheet.assumed, lang),
        },
        "settings": {
            "deduction_order": list(st.deduction_order),
            "tie_break": st.tie_break,
            "dedicated_increment": st.dedicated_increment,
            "bill_rounding": st.bill_rounding,
            "bill_places": st.bill_places,
            "charge_places": st.charge_places,
            "partial_month": st.partial_month,
            "voucher_order": st.voucher_order,
            "voucher_pays_packs": st.voucher_pays_packs,
            "source": st.source,
            "assumed": _assumed(st.assumed, lang),
        },
        "dedicated_range": dict(zip(("low", "high"), sheet.spec_range, strict=True)) if sheet.spec_range else None,
        "meters": [
            {
                "id": m.id,
                "name": meter_title(m, lang),
                "price": str(m.price),
                "per": m.price_unit,
                "free_per_month": str(m.free_per_month),
                "source": m.source,
                "assumed": _assumed(m.assumed, lang),
            }
            for m in sheet.meters.values()
        ],
        "offers": [
            {
                "id": o.id,
                "name": o.name.text(lang),
                "stage": o.stage,
                "price": str(o.price),
                "validity_months": o.validity_months,
                "eligible": sorted(o.eligible),
                "limit": o.limit,
                "group": o.group,
                "grants": [
                    {"kind": g.kind, "size": str(g.size), "unit": g.unit, "covers": sorted(g.covers)} for g in o.grants
                ],
                "source": o.source,
                "assumed": _assumed(o.assumed, lang),
                "note": o.note.text(lang) if o.note else "",
            }
            for o in sheet.offers.values()
        ],
        "assumptions": assumptions_data(tuple(sheet.assumptions()), lang),
    }

    return dump(data)


# --- diff -----------------------------------------------------------------------------------


def _side(result: Estimate, label: str, lang: str) -> dict[str, Any]:
    return {
        "label": label,
        "scenario": result.scenario,
        "period": {"from": result.start.isoformat(), "until": last_day(result.end).isoformat()},
        "price_sheet": sheet_data(result.sheet, lang),
        "price_sheet_text": word(result.sheet, lang),
    }


def _line(line: Line, key: str) -> dict[str, Any]:
    keys = list(dict.fromkeys([*line.before, *line.after]))
    return {
        key: line.key,
        "before": {k: exact(line.before.get(k, 0)) for k in keys},
        "after": {k: exact(line.after.get(k, 0)) for k in keys},
        "change": {k: exact(line.change(k)) for k in keys},
    }


def _maybe(value: Fraction | None) -> str | None:
    return None if value is None else exact(value)


def _changes(d: Diff, lang: str) -> dict[str, Any]:
    """The figures of a diff: the change of cash, every measure of the total, each month, meter and grant."""
    from .diff_rows import measures

    pct = d.total.percent("cash")
    return {
        "cash_change": exact(d.cash_change),
        "cash_change_percent": None if pct is None else exact(pct),
        "monthly_change": exact(d.monthly_change),
        "totals": [
            {
                "measure": code,
                "before": exact(d.total.before.get(code, 0)),
                "after": exact(d.total.after.get(code, 0)),
                "change": exact(d.total.change(code)),
                "change_percent": _maybe(d.total.percent(code)),
            }
            for code, _ in measures(d)
        ],
        "months": [_line(line, "month") for line in d.months],
        "meters": [_line(line, "meter") for line in d.meters],
        "entitlements": [
            {
                "id": g.id,
                "name": g.name.text(lang),
                "unit": g.unit,
                "left": {"before": _maybe(g.left[0]), "after": _maybe(g.left[1])},
                "lapsed_value": {"before": _maybe(g.lapsed_value[0]), "after": _maybe(g.lapsed_value[1])},
            }
            for g in d.grants
        ],
    }


def diff(d: Diff, view: View) -> str:
    from .diff_rows import diff_headline

    check = view.increase
    data = {
        "schema_version": SCHEMA_VERSION,
        "kind": "diff",
        "base": _side(d.base, d.base_label, view.lang),
        "new": _side(d.new, d.new_label, view.lang),
        "headline": diff_headline(d, view.lang),
        **_changes(d, view.lang),
        # usage given as ranges on a side: the same figures for the low and the high case (without, no key)
        **({"cases": {case.value: _changes(run, view.lang) for case, run in d.cases}} if d.cases else {}),
        "fail_on_increase": None
        if check is None
        else {"limit": exact(check.limit), "percent": check.percent, "exceeded": check.exceeded},
        "user_prices": user_prices_data(d.notes),
        "warnings": warnings_data(d.notes, view),
        "notes": notes_text([n for n in d.notes if n.level is Level.note], view),
    }
    return dump(data)
