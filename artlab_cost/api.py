"""The library API: load a price sheet and a scenario, estimate it, compare the ways to pay.

Everything the command line does is here, typed and without Typer or Rich, for a notebook or
another program:

>>> import artlab_cost as ac
>>> sheet = ac.load_sheet()                      # the bundled price sheet
>>> scenario = ac.load_scenario("examples/student-trial.yaml", sheet)
>>> result = ac.estimate(scenario, sheet)
>>> result.totals.cash                           # what the student pays out of pocket
Fraction(0, 1)
>>> ac.to_decimal(result.totals.list_price)      # the list price of all usage, exactly
Decimal('164.909')
>>> [note.code for note in result.notes][:2]    # notes are data; i18n.word(note.msg, "en") words one
['note.prices', 'note.deduction-order']
>>> print(ac.to_text(result, "markdown").splitlines()[0])
## artlab-cost estimate: Student, free trial and student voucher, light shared SD

Errors are `ArtlabCostError`s (`InputError` for a file with problems, each located by file,
line, column and field); amounts are exact rationals (`fractions.Fraction`: a day's share of a
weekly figure is not a finite decimal), `to_decimal` turns one into a `Decimal`; notes are data
(`Note.code`, `Note.args`), worded with `artlab_cost.i18n.word(note.msg, lang)`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from . import engine, yamlsrc
from .engine import Estimate, State
from .errors import UsageError
from .messages import LANGS, before_warnings, msg, note
from .money import to_decimal as to_decimal  # an exact amount as a Decimal
from .pricing import PriceSheet
from .pricing import load_sheet as _load_sheet
from .scenario import Case, Holding, Scenario, parse_scenario

if TYPE_CHECKING:
    from .changes import Diff, Increase
    from .engine import BudgetCheck
    from .plans import Action, Comparison
    from .plans import Status as SearchStatus
    from .render import By, OutputFormat


def load_sheet(path: str | Path | None = None) -> PriceSheet:
    """The price sheet at `path`, or the one bundled with artlab-cost when `path` is None."""
    return _load_sheet(path)


def load_scenario(path: str | Path, sheet: PriceSheet, *, name: str | None = None) -> Scenario:
    """A scenario file, checked against `sheet` (its specs and offers); `name` is how errors name the file."""
    return parse_scenario(yamlsrc.load(Path(path), name or str(path)), sheet)


def scenario_from_text(text: str, sheet: PriceSheet, *, name: str = "<text>") -> Scenario:
    """A scenario given as YAML text (read from stdin, say); `name` is how errors name it."""
    return parse_scenario(yamlsrc.parse(text, name), sheet)


def estimate(scenario: Scenario, sheet: PriceSheet, *, state: State | None = None, labels: bool = False) -> Estimate:
    """Every charge of the period through the waterfall: allocations, balances, bills, totals and notes.

    `state` carries balances and request allowances from an estimate of the period before. When
    the figures rest on an assumed setting (engine/assumptions.py), the notes give the cash out of
    pocket under each of its other values. `labels` also works out each usage label's share of every
    charge (`Estimate.labels`, what `--by label` shows; engine/labels.py). When usage is given as ranges,
    the result is the expected case, and `result.case(Case.low)` and `result.case(Case.high)` the cheapest
    and the dearest runs at the ranges' ends (engine/cases.py: a range of `idle_share` is run at both of
    its ends).
    """
    from .engine.alternatives import setting_notes, with_setting_notes
    from .engine.cases import with_cases

    result = engine.simulate(scenario, sheet, state)
    if labels:
        from .engine.labels import label_shares

        result = result._replace(labels=label_shares(scenario, sheet.with_specs(scenario.specs), result.charges))
    result = with_setting_notes(result, setting_notes(scenario, sheet, result, state))
    return with_cases(scenario, sheet, result, state)


def compare_plans(
    scenario: Scenario,
    sheet: PriceSheet,
    *,
    only: Sequence[str] = (),
    exclude: Sequence[str] = (),
    max_upfront: Decimal | None = None,
    top: int = 10,
    exclude_assumed: bool = False,
    time_limit: float | None = 60.0,
    progress: Callable[[SearchStatus], None] | None = None,
    stays_cheapest: bool = False,
    break_even: Sequence[str] = (),
    break_even_assumed: bool = True,
) -> Comparison:
    """The distinct ways to pay for the scenario's usage (which sets of offers to claim or buy, each at its
    cheapest counts), cheapest out of pocket first, with a lower bound on what any plan could cost.

    `only` and `exclude` limit the offers a plan may add (an offer in both is a `UsageError`),
    `exclude_assumed` leaves out offers whose price or size the sheet marks assumed, `max_upfront` caps
    what a plan's purchases cost, `top` is how many sets to rank. The search stops after `time_limit`
    seconds (None: when it is done) and then says what it has not proven (`Comparison.proven` for the
    ranking, `first_proven` for the first plan, `lower_bound`); `progress` is called now and then with where
    it stands. Importing HiGHS, the solver of its bounds, happens here.

    `Comparison.break_even` gives the break-even price of each offer named in `break_even` and, with
    `break_even_assumed`, of each candidate whose price the sheet marks assumed: the most a copy may cost and
    still lower cash below the best plan without it (docs/plans.md); the time limit bounds these searches too.

    With usage given as ranges, the low and high cases are searched too, each listed plan is priced in
    all three and the plan of least worst regret is named (`Comparison.robust`). `stays_cheapest` finds
    how far the first plan (and the robust one) stays the cheapest as all usage is scaled (`Comparison.holds`).
    """
    import time

    from .engine.assumptions import price_notes
    from .plans import Limits, compare
    from .plans.robust import Options, across_cases
    from .plans.robust import stays_cheapest as holds

    started = time.perf_counter()
    both = sorted(set(only) & set(exclude))
    if both:
        raise UsageError(msg("cli.only-and-exclude", offers=tuple(both)))
    result = compare(
        scenario,
        sheet,
        only=only,
        exclude=exclude,
        max_upfront=max_upfront,
        top=top,
        exclude_assumed=exclude_assumed,
        limits=Limits(time_limit, None),
        progress=progress,
        break_even=break_even,
        break_even_assumed=break_even_assumed,
    )
    given = price_notes(sheet)  # after the sheet's own note, as in an estimate
    if given:
        result = result._replace(notes=(*result.notes[:1], *given, *result.notes[1:]))
    options = Options(only, exclude, max_upfront, top, exclude_assumed)
    if scenario.ranges:
        # usage given as ranges: the ranking is the expected case's, and says so; the ends are searched too
        result = result._replace(notes=before_warnings(result.notes, [note("note.plans-expected-case")]))
        result = across_cases(result, scenario, sheet, options, time_limit, started, progress)
    return holds(result, scenario, sheet, options, time_limit, started, progress) if stays_cheapest else result


def with_prices(sheet: PriceSheet, prices: Mapping[str, Decimal] | Sequence[tuple[str, Decimal]]) -> PriceSheet:
    """The sheet with these offers at the user's prices for one run (`--price OFFER=YUAN`): the notes and the
    JSON say each is the user's price, and it is no longer an assumption of the sheet. An offer the sheet does
    not have is a `UsageError` with a did-you-mean."""
    from .pricing import with_prices as priced

    return priced(sheet, tuple(prices.items()) if isinstance(prices, Mapping) else tuple(prices))


def diff(base: Estimate, new: Estimate, *, base_label: str = "base", new_label: str = "new") -> Diff:
    """What changes from one estimate to another (two scenarios, or one under two price sheets): per month,
    per meter and in total, before and after, and the trials, packs and vouchers whose balance moves."""
    from .changes import diff as make

    return make(base, new, base_label, new_label)


def check_budget(
    result: Estimate | Comparison,
    limit: Decimal,
    measure: str = "cash",
    *,
    case: str = "expected",
    per: str | None = None,
    scenario: Scenario | None = None,
    sheet: PriceSheet | None = None,
) -> BudgetCheck:
    """An estimate's cash (or `postpaid` due, or `list` price) against a limit in yuan; for a comparison,
    the best plan's (the one a budget-minded user would take). `per="month"` measures each calendar month
    on its own: over when any month is (`BudgetCheck.months_over` names them); for a comparison, the best
    plan is estimated month by month, which needs the `scenario` and `sheet` it was compared on.

    For an estimate of usage given as ranges, `case` picks the case gated: `expected` (as without
    ranges), `low` or `high` (a cautious gate). Without ranges every case is the one estimate.
    """
    if case not in tuple(Case):
        raise UsageError(msg("api.unknown-case", value=case, cases=tuple(Case)))
    which = Case(case)
    if per is not None:
        from .engine.budget import check_month_budget

        if per != "month":
            raise UsageError(msg("cli.budget-per", value=per))
        if not isinstance(result, Estimate):
            if scenario is None or sheet is None:
                raise UsageError(msg("api.budget-per-plan"))
            result = estimate(scenario.with_holdings(plan_holdings(scenario, result.plans[0].actions)), sheet)
        gated_run = result.case(which)
        return check_month_budget(gated_run, limit, engine.Measure(measure), which if result.cases else None)
    if not isinstance(result, Estimate):
        return engine.check_budget(result.plans[0].costs, limit, engine.Measure(measure))
    gated = result.case(which).totals
    return engine.check_budget(gated, limit, engine.Measure(measure), which if result.cases else None)


def plan_holdings(scenario: Scenario, actions: Sequence[Action]) -> tuple[Holding, ...]:
    """A plan's purchases as holdings after the scenario's own: what its `recommended.holdings` adds."""
    first = len(scenario.holdings)
    return tuple(Holding(a.offer, a.date, a.count, None, "", first + i) for i, a in enumerate(actions))


def check_increase(result: Diff, limit: Decimal | Fraction, *, percent: bool = False) -> Increase:
    """Whether cash out of pocket rises by more than `limit` yuan over the period (`percent`: more than
    `limit` percent of the base's cash), as `diff --fail-on-increase` gates a pull request."""
    return result.check_increase(Fraction(limit), percent)


def to_text(
    result: Estimate | Comparison | PriceSheet | Diff,
    fmt: OutputFormat | str = "table",
    *,
    by: By | str = "month",
    budget: BudgetCheck | None = None,
    width: int = 80,
    lang: str = "en",
    scenario_path: str = "",
    estimate_args: Sequence[str] = (),
) -> str:
    """A result as text in one of the output formats (table, json, csv, markdown, html). For a comparison,
    `scenario_path` and `estimate_args` (such as `--pricing FILE`, `--price OFFER=YUAN`) make the command that
    reproduces its best plan."""
    from .render import By, OutputFormat, View, renderer

    if lang not in LANGS:
        raise UsageError(msg("api.unknown-lang", value=lang, languages=LANGS))
    module = renderer(OutputFormat(fmt))
    view = View(by=By(by), budget=budget, width=width, lang=lang, scenario_path=scenario_path,
                estimate_args=tuple(estimate_args))  # fmt: skip
    if isinstance(result, Estimate):
        return module.estimate(result, view)
    if isinstance(result, PriceSheet):
        return module.pricing(result, view)
    from .changes import Diff

    if isinstance(result, Diff):
        return module.diff(result, view)
    return module.plans(result, view)
