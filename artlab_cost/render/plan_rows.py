"""A comparison as words for people: each plan's actions, its rank, the headline and the command that reproduces it."""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence
from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING

from ..i18n import tr
from ..messages import Yuan
from ..scenario import Case
from .escape import visible

if TYPE_CHECKING:
    from ..plans import Action, Comparison, Plan
    from .view import View


def action_text(action: Action, free: frozenset[str], lang: str = "en", undated: date | None = None) -> str:
    """'claim trial-compute on 2027-03-01', 'buy 2 x traffic-pack-10'; the date left out when it is `undated`."""
    what = tr(lang, "action.count", count=action.count, offer=action.offer) if action.count > 1 else action.offer
    text = tr(lang, "action.claim" if action.offer in free else "action.buy", what=what)
    return text if action.date == undated else tr(lang, "action.on", action=text, date=action.date)


def plan_name(plan: Plan, free: frozenset[str], lang: str = "en") -> str:
    if not plan.actions:
        return tr(lang, "plan.nothing")
    return tr(lang, "list.separator").join(action_text(a, free, lang) for a in plan.actions)


def plan_lines(plan: Plan, comparison: Comparison, lang: str = "en") -> list[str]:
    """A plan's actions, one a line: the counts within a fen of its cash, and * on one whose figures rest on an
    assumed term of its offer."""
    if not plan.actions:
        return [tr(lang, "plan.nothing")]
    ranges = plan_ranges(plan, comparison)
    out = []
    for a in plan.actions:
        lo, hi = ranges.get((a.offer, a.date), (a.count, a.count))
        text = action_text(a, comparison.free, lang, comparison.start)
        if lo < hi:
            text = tr(lang, "plan.within-a-fen", action=text, low=lo, high=hi)
        out.append(text + (" *" if comparison.assumed_offer(plan, a.offer) else ""))
    return out


def plan_ranges(plan: Plan, comparison: Comparison) -> dict[tuple[str, date], tuple[int, int]]:
    """The counts of each purchase of a listed plan whose cash is within a fen of its own ({} for the baseline)."""
    for p, ranges in zip(comparison.plans, comparison.ranges, strict=False):
        if p.actions == plan.actions:
            return ranges
    return {}


def rank_label(rank: str, plan: Plan, comparison: Comparison) -> str:
    """A rank, with ? when a plan outside the list might come before it (the search stopped before proving)."""
    if not rank.isdigit():
        return rank
    proven = comparison.ranks_proven[int(rank) - 1] if comparison.ranks_proven else True
    return rank if proven else rank + "?"


def rank_text(rank: str, plan: Plan, comparison: Comparison, lang: str) -> str:
    """A rank as people read it: 1, 2? (not proven in its place), the reference plan or a `with` row in words."""
    if rank == "with":
        return tr(lang, "plans.with-only")
    return tr(lang, "plans.reference") if rank == "ref" else rank_label(rank, plan, comparison)


def snippet(plan: Plan) -> str:
    """The holdings to add to the scenario so that `estimate` reproduces this plan."""
    lines = ["holdings:"]
    for a in plan.actions:
        count = f", count: {a.count}" if a.count > 1 else ""
        lines.append(f"  - {{offer: {a.offer}, date: {a.date.isoformat()}{count}}}")
    return "\n".join(lines)


def recommendation(comparison: Comparison, lang: str = "en") -> str:
    """The headline: the first plan, whether it is proven the cheapest (else the bound), and its assumptions."""
    best = comparison.plans[0]
    if best.actions:
        what = tr(lang, "plan.joiner").join(plan_lines(best, comparison, lang))
    else:
        what = tr(lang, "plan.nothing-at-all")
    text = tr(
        lang,
        _headline_code(comparison),
        plan=what,
        cash=Yuan(best.costs.cash),
        versus=_versus_text(comparison, lang),
        postpaid=_postpaid_text(comparison, lang),
        lower=Yuan(comparison.lower_bound),
    )
    if comparison.assumed_plan(best):
        text += tr(lang, "plans.headline-assumed")
    return text + with_only_text(comparison, lang) + robust_headline(comparison, lang)


def _versus_text(comparison: Comparison, lang: str) -> str:
    """What the first plan saves against the scenario as written, unless it is the scenario as written."""
    best = comparison.plans[0]
    if best.actions == comparison.baseline.actions:
        return ""
    reference = Yuan(comparison.baseline.costs.cash)
    return tr(lang, "plans.headline-versus", saving=Yuan(comparison.saving(best)), reference=reference)


def _postpaid_text(comparison: Comparison, lang: str) -> str:
    """What paying everything postpaid would cost, when the scenario as written (the reference) costs otherwise."""
    if comparison.postpaid_only == comparison.baseline.costs.cash:
        return ""
    return tr(lang, "plans.headline-postpaid", postpaid=Yuan(comparison.postpaid_only))


def _headline_code(comparison: Comparison) -> str:
    """Proven cheapest with the whole ranking proven; the first plan proven cheapest but not the later ranks;
    or the best found, with the bound."""
    if comparison.proven:
        return "plans.headline-proven"
    return "plans.headline-first-proven" if comparison.first_proven else "plans.headline-best-found"


def with_only_text(comparison: Comparison, lang: str) -> str:
    """For each --only offer no listed plan buys: a plan with it, against the reference (an offer that pays but
    ranks below --top says what it saves; one that does not pay, what the best plan with it costs more)."""
    out = ""
    for offer, plan in comparison.with_only:
        saving = comparison.saving(plan)
        if saving > 0:
            out += tr(lang, "plans.headline-only-pays", offer=offer, cash=Yuan(plan.costs.cash), saving=Yuan(saving))
        else:
            out += tr(lang, "plans.headline-only", offer=offer, cash=Yuan(plan.costs.cash), more=Yuan(-saving))
    return out


def robust_headline(comparison: Comparison, lang: str = "en") -> str:
    """The headline's sentences on ranges and scale: the robust plan, the cheapest at each end when they differ,
    how far a plan stays the cheapest ("" when the comparison has neither)."""
    text = ""
    robust = comparison.robust
    if robust is not None:
        plan = comparison.plans[robust.robust - 1]
        regret = robust.max_regret(plan)
        code = "plans.headline-robust" if regret else "plans.headline-robust-everywhere"
        text += tr(lang, code, rank=robust.robust, regret=Yuan(regret))
        low, high = robust.cheapest[Case.low], robust.cheapest[Case.high]
        if low != high:
            text += tr(lang, "plans.headline-ends", low=low, high=high)
    for holds in comparison.holds:
        low_text = f"{holds.low}%" if holds.low is not None else tr(lang, "plans.holds-floor")
        high_text = f"{holds.high}%" if holds.high is not None else tr(lang, "plans.holds-ceiling")
        text += tr(lang, "plans.headline-holds", rank=holds.rank, low=low_text, high=high_text)
    return text


def plan_case_header(comparison: Comparison, lang: str = "en") -> list[str]:
    """The columns a comparison of usage given as ranges adds: cash at each end, worst regret (none without)."""
    if comparison.robust is None:
        return []
    return [tr(lang, "plans.column.cash-low"), tr(lang, "plans.column.cash-high"), tr(lang, "plans.column.regret")]


def plan_case_values(comparison: Comparison, plan: Plan) -> list[Fraction]:
    """A plan's cash in the low and high cases and its worst regret, the values of `plan_case_header`'s columns."""
    robust = comparison.robust
    if robust is None:
        return []
    cash = robust.cash[plan.actions]
    return [cash[Case.low], cash[Case.high], robust.max_regret(plan)]


def reproduce_command(scenario_path: str, args: Sequence[str] = ()) -> tuple[str, str]:
    """The scenario's path and the command that estimates it, with `args` after it (--pricing FILE, --price
    OFFER=YUAN), quoted for a POSIX shell (a path is data: a space, a quote or a $ in it stays part of the one
    argument).

    A path with a control or format character in it cannot be shown inside plain quotes (it would be shown as an
    escape that names another file), so it is quoted as `$'...'`, whose escapes bash, zsh and ksh turn back into
    the very characters: the command shown names the real file and shows nothing raw.
    """
    path = _quoted(scenario_path)
    return path, " ".join(["artlab-cost estimate", path, *(_quoted(a) for a in args)])


def _quoted(text: str) -> str:
    return shlex.quote(text) if visible(text) == text else _ansi_c_quoted(text)


STDIN_NAMES = ("", "-", "<stdin>")  # a scenario read from stdin has no path to name: "the scenario"
STDIN_WORDING = {
    "plans.reproduce": "plans.reproduce-stdin",
    "plans.reproduce-with": "plans.reproduce-with-stdin",
    "markdown.reproduce": "markdown.reproduce-stdin",
}


def reproduce_line(code: str, view: View, quote: Callable[[str], str] = str) -> str:
    """The line saying how to reproduce the best plan (`code`: plans.reproduce, plans.reproduce-with,
    markdown.reproduce), priced as the run was (View.estimate_args); for a scenario read from stdin, its
    `-stdin` wording, which names no file."""
    stdin = view.scenario_path in STDIN_NAMES
    path, command = reproduce_command("-" if stdin else view.scenario_path, view.estimate_args)
    if stdin:
        return tr(view.lang, STDIN_WORDING[code], command=quote(command))
    return tr(view.lang, code, path=quote(path), command=quote(command))


def _ansi_c_quoted(text: str) -> str:
    """`$'...'`: a backslash and a quote escaped, a character that is not shown as itself as its code point
    (\\x for ASCII, whose byte it is; \\u or \\U above, which the shell writes in UTF-8)."""
    out = []
    for char in text:
        if char in "\\'":
            out.append("\\" + char)
        elif visible(char) == char:
            out.append(char)
        else:
            code = ord(char)
            out.append(f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    return "$'" + "".join(out) + "'"


def reproduce(comparison: Comparison, view: View) -> list[str]:
    """How to reproduce the best plan with `estimate`, as lines: the command, then the holdings to add."""
    best = comparison.plans[0]
    if not best.actions:
        return [reproduce_line("plans.reproduce", view)]
    return [reproduce_line("plans.reproduce-with", view), *snippet(best).split("\n")]


def plan_rows(comparison: Comparison) -> list[tuple[str, Plan]]:
    """The ranked plans, and the baseline ('ref') when it is not among them."""
    rows = [(str(i), p) for i, p in enumerate(comparison.plans, 1)]
    if all(p.actions != comparison.baseline.actions for p in comparison.plans):
        rows.append(("ref", comparison.baseline))
    return rows + [("with", p) for _, p in comparison.with_only]
