"""The commands: each parses its options, calls the library API, renders, and finishes."""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from ..errors import EXIT_INPUT, EXIT_OK, EXIT_UNPROVEN, InputError, UsageError
from ..i18n import tr, word
from ..messages import msg
from ..render import By, OutputFormat, View, renderer
from ..render.escape import visible
from .app import EXIT_CODES_DIFF, EXIT_CODES_NO_BUDGET, EXIT_CODES_PLANS, app, epilog
from .help import LocalCommand
from .lang import current
from .options import (
    GIT,
    STDIN,
    BudgetOnOpt,
    BudgetOpt,
    BudgetPerOpt,
    FormatOpt,
    LangOpt,
    OutputOpt,
    PriceOpt,
    PricingOpt,
    QuietOpt,
    ScenarioArg,
    StrictOpt,
    budget_case,
    budget_per,
    complete_offers,
    complete_specs,
    estimate_args,
    fail_limit,
    git_show,
    load_sheet,
    measure,
    output_format,
    prices,
    read_scenario,
    read_stdin,
    refuse_assumed,
    sheet_file,
    sheet_path,
    yuan,
)
from .output import color, err, fail_line, finish, guard, refuse_inputs, to_terminal, width

if TYPE_CHECKING:
    from .. import yamlsrc
    from ..pricing import PriceSheet

T = TypeVar("T")


def _view(fmt: OutputFormat, output: Path | None, quiet: bool = False, **more: object) -> View:
    """How to show a result: tables on a terminal get colour and the notes inline (none with --quiet).

    A verdict (`budget`) is stderr's on a terminal: a table there leaves it out, so it is read once; a
    document written to a file or a pipe carries it as well."""
    on_screen = fmt is OutputFormat.table and to_terminal(output)
    if on_screen:
        more["budget"] = None
    inline = on_screen and not quiet
    return View(color=color(output), width=width(output), notes=inline, lang=current(), **more)  # type: ignore[arg-type]


@app.command(
    cls=LocalCommand, epilog=epilog("artlab-cost estimate examples/indie-shared-sd.yaml --format json --budget 2000")
)
def estimate(
    scenario: ScenarioArg,
    pricing: PricingOpt = None,
    format: FormatOpt = None,
    output: OutputOpt = None,
    by: Annotated[
        By,
        typer.Option(
            "--by",
            help="Rows of the charges table: per month, day, meter, one total, or each usage label's share.",
        ),
    ] = By.month,
    chart: Annotated[
        bool,
        typer.Option("--chart", help="Under the table, a bar a month: its list price by stage, and the cash paid."),
    ] = False,
    budget: BudgetOpt = None,
    budget_on: BudgetOnOpt = None,
    budget_case_: Annotated[
        str | None,
        typer.Option(
            "--budget-case",
            metavar="low|expected|high",
            help="Which case --budget gates when usage is given as ranges (default: expected).",
        ),
    ] = None,
    budget_per_: BudgetPerOpt = None,
    price: PriceOpt = None,
    strict: StrictOpt = False,
    quiet: QuietOpt = False,
    lang: LangOpt = None,
) -> None:
    """Estimate a scenario: each charge through free trial, packs, vouchers and postpaid, and what you pay."""

    def run() -> int:
        from .. import api

        limit, on, per = yuan(budget, "--budget"), measure(budget_on, budget), budget_per(budget_per_, budget)
        case = budget_case(budget_case_, budget)
        fmt = output_format(format, output)
        if chart and fmt is not OutputFormat.table:  # the HTML report draws its own; JSON and CSV are data
            raise UsageError(msg("cli.chart-table-only", format=fmt.value))
        given = prices(price)
        refuse_inputs(output, [scenario, sheet_file(pricing)])
        sheet = api.with_prices(load_sheet(pricing), given)
        scen = read_scenario(scenario, sheet)
        result = api.estimate(scen, sheet, labels=by is By.label)
        if strict:
            refuse_assumed(result.assumptions)
        check = api.check_budget(result, limit, on, case=case, per=per) if limit is not None else None
        view = _view(fmt, output, quiet, by=by, budget=check, chart=chart)
        verdict = word(check.verdict(), view.lang) if check is not None else None
        text = renderer(fmt).estimate(result, view)
        return finish(text, output, result.notes, view.notes, verdict, bool(check and check.exceeded), quiet=quiet)

    guard(run)


@app.command(
    "compare-plans",
    cls=LocalCommand,
    epilog=epilog("artlab-cost compare-plans examples/student-trial.yaml --exclude compute-pack-100", EXIT_CODES_PLANS),
)
def compare_plans(
    scenario: ScenarioArg,
    pricing: PricingOpt = None,
    format: FormatOpt = None,
    output: OutputOpt = None,
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only", metavar="OFFER", help="Consider only these offers (repeatable).", autocompletion=complete_offers
        ),
    ] = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude", metavar="OFFER", help="Leave these offers out (repeatable).", autocompletion=complete_offers
        ),
    ] = None,
    max_upfront: Annotated[
        str | None, typer.Option("--max-upfront", metavar="YUAN", help="Most the plan's own purchases may cost.")
    ] = None,
    top: Annotated[
        int,
        typer.Option(
            "--top", metavar="N", min=1, max=100, help="How many distinct ways to pay (sets of offers) to rank, 1-100."
        ),
    ] = 10,
    exclude_assumed: Annotated[
        bool,
        typer.Option(
            "--exclude-assumed",
            help="Leave out offers whose price or size the price sheet marks assumed (not those whose other terms "
            "are: coverage, validity, limit, eligibility).",
        ),
    ] = False,
    break_even: Annotated[
        list[str] | None,
        typer.Option(
            "--break-even",
            metavar="OFFER",
            help="Also find this offer's break-even price, the most a copy may cost and still lower cash out of "
            "pocket (repeatable; every offer with an assumed price is included anyway).",
        ),
    ] = None,
    no_break_even: Annotated[
        bool,
        typer.Option(
            "--no-break-even",
            help="Skip the break-even prices of offers with an assumed price (those named with --break-even are "
            "still found).",
        ),
    ] = False,
    time_limit: Annotated[
        float,
        typer.Option(
            "--time-limit",
            metavar="SECONDS",
            min=0.0,
            help="Stop after this many seconds, the whole comparison included (plus the engine run under way), "
            "and say what is unproven.",
        ),
    ] = 60.0,
    require_proven: Annotated[
        bool,
        typer.Option(
            "--require-proven",
            help="Exit 4 when the first plan is not proven cheapest (the output is written all the same; later "
            "ranks not proven are marked ?).",
        ),
    ] = False,
    stays_cheapest: Annotated[
        bool,
        typer.Option(
            "--stays-cheapest",
            help="Say from what share to what multiple of the expected usage the first plan stays the cheapest "
            "(a search per probe: slower).",
        ),
    ] = False,
    budget: BudgetOpt = None,
    budget_on: BudgetOnOpt = None,
    budget_per_: BudgetPerOpt = None,
    price: PriceOpt = None,
    strict: StrictOpt = False,
    quiet: QuietOpt = False,
    lang: LangOpt = None,
) -> None:
    """Rank the ways to pay for the same usage: which trials to claim and packs to buy, cheapest first."""

    def run() -> int:
        from .. import api
        from .progress import SearchProgress

        limit, on, per = yuan(budget, "--budget"), measure(budget_on, budget), budget_per(budget_per_, budget)
        cap = yuan(max_upfront, "--max-upfront")
        given = prices(price)
        refuse_inputs(output, [scenario, sheet_file(pricing)])
        sheet = api.with_prices(load_sheet(pricing), given)
        scen = read_scenario(scenario, sheet)
        with SearchProgress(current()) as progress:
            comparison = api.compare_plans(
                scen,
                sheet,
                only=only or (),
                exclude=exclude or (),
                max_upfront=cap,
                top=top,
                exclude_assumed=exclude_assumed,
                time_limit=time_limit,
                progress=progress,
                stays_cheapest=stays_cheapest,
                break_even=break_even or (),
                break_even_assumed=not no_break_even,
            )
        if strict:
            refuse_assumed(comparison.listed_assumptions)
        check = None
        if limit is not None:
            check = api.check_budget(comparison, limit, on, per=per, scenario=scen, sheet=sheet)
        args = estimate_args(pricing, given)
        view = _view(output_format(format, output), output, quiet, budget=check, scenario_path=str(scenario),
                     estimate_args=args)  # fmt: skip
        verdict = tr(view.lang, "budget.best-plan", verdict=check.verdict()) if check is not None else None
        text = renderer(output_format(format, output)).plans(comparison, view)
        exceeded = bool(check and check.exceeded)
        code = finish(text, output, comparison.notes, view.notes, verdict, exceeded, quiet=quiet)
        if require_proven and not comparison.fully_proven:  # a verdict, like the budget's: said even with --quiet
            err(visible(tr(view.lang, "cli.unproven")))
            return EXIT_UNPROVEN
        return code

    guard(run)


@app.command(
    cls=LocalCommand,
    epilog=epilog(
        "artlab-cost diff examples/new-user-starter.yaml tests/data/new-user-grown.yaml --fail-on-increase 30%",
        EXIT_CODES_DIFF,
    ),
)
def diff(
    base: Annotated[
        str,
        typer.Argument(
            metavar="BASE",
            help="The scenario before: a file, - for stdin, or git:REF:PATH (the file at a git revision).",
            show_default=False,
        ),
    ],
    new: Annotated[
        str | None,
        typer.Argument(
            metavar="NEW",
            help="The scenario after (default: BASE, with --base-pricing or --price).",
            show_default=False,
        ),
    ] = None,
    pricing: PricingOpt = None,
    base_pricing: Annotated[
        str | None,
        typer.Option("--base-pricing", metavar="FILE", help="Price sheet for BASE (default: the one for NEW)."),
    ] = None,
    format: FormatOpt = None,
    output: OutputOpt = None,
    quiet: QuietOpt = False,
    fail_on_increase: Annotated[
        str | None,
        typer.Option(
            "--fail-on-increase",
            metavar="YUAN|PCT%",
            help="Exit 1 if cash out of pocket rises by more than YUAN over the period, or PCT% of BASE's.",
        ),
    ] = None,
    price: Annotated[
        list[str] | None,
        typer.Option(
            "--price",
            metavar="OFFER=YUAN",
            help="Price OFFER at YUAN for NEW (BASE keeps its sheet's price): what that price changes; it is then "
            "your price, not an assumption of the sheet (repeatable).",
            show_default=False,
        ),
    ] = None,
    lang: LangOpt = None,
) -> None:
    """Show what changes from one scenario to another (or under another price sheet): per month, per meter and
    in total, before and after."""

    def run() -> int:
        from .. import api
        from ..render.diff_rows import increase_text

        limit = fail_limit(fail_on_increase)
        if base == "-" and new == "-":
            raise UsageError(msg("cli.stdin-twice"))
        if new is None and not price and not base_pricing:
            raise UsageError(msg("cli.diff-nothing"))
        given = prices(price)
        refuse_inputs(output, [base, new, sheet_file(pricing), base_pricing])
        base_sheet = load_sheet(base_pricing) if base_pricing else load_sheet(pricing)
        sheet = api.with_prices(load_sheet(pricing) if base_pricing else base_sheet, given)
        stdin = read_stdin() if "-" in (base, new) else None
        before = api.estimate(read_scenario(base, base_sheet, stdin), base_sheet)
        after = api.estimate(read_scenario(new or base, sheet, stdin), sheet)
        labels = {"-": "<stdin>"}
        result = api.diff(
            before, after, base_label=labels.get(base, base), new_label=labels.get(new or base, new or base)
        )
        check = api.check_increase(result, limit[0], percent=limit[1]) if limit is not None else None
        fmt = output_format(format, output)
        view = _view(fmt, output, quiet, increase=check)
        text = renderer(fmt).diff(result, view)
        verdict = increase_text(check, view.lang) if check is not None else None
        return finish(text, output, result.notes, view.notes, verdict, bool(check and check.exceeded), quiet=quiet)

    guard(run)


def _looks_like_sheet(src: yamlsrc.Source) -> bool:
    from .. import yamlsrc

    return isinstance(src.root, yamlsrc.Map) and "sheet" in src.root.items and "meters" in src.root.items


@app.command(cls=LocalCommand, epilog=epilog("artlab-cost validate examples/*.yaml pricing.yaml", EXIT_CODES_NO_BUDGET))
def validate(
    files: Annotated[
        list[str],
        typer.Argument(
            metavar="FILE...",
            help="Scenario or price sheet files; - reads one from stdin; git:REF:PATH reads PATH as of the git "
            "revision REF.",
        ),
    ],
    pricing: PricingOpt = None,
    lang: LangOpt = None,
) -> None:
    """Check scenarios and price sheets; print one line per problem (FILE:LINE:COLUMN: field: what is wrong).

    Scenarios are checked against --pricing, else the one price sheet named among the files, else
    $ARTLAB_COST_PRICING, else the bundled one.
    """

    def run() -> int:
        from ..pricing import parse_sheet
        from ..scenario import parse_scenario

        failed = False
        lang = current()

        def attempt(check: Callable[[], T]) -> T | None:
            nonlocal failed
            try:
                return check()
            except InputError as error:
                failed = True
                for line in error.lines(lang):
                    err(fail_line(line, lang))
                return None

        if files.count(STDIN) > 1:
            raise UsageError(msg("cli.stdin-twice"))
        sources = [src for name in files if (src := attempt(partial(_source, name))) is not None]
        sheets: dict[str, PriceSheet | None] = {}
        for src in filter(_looks_like_sheet, sources):
            sheets[src.name] = attempt(partial(parse_sheet, src))
            if sheets[src.name] is not None:
                sys.stdout.write(tr(lang, "cli.valid-sheet", file=visible(src.name)) + "\n")
        scenarios = [src for src in sources if not _looks_like_sheet(src)]
        if scenarios:
            against = _validation_sheet(pricing, sheets)
            if against is None:  # said on stderr: the scenarios cannot be checked
                return EXIT_INPUT
            for src in scenarios:
                if attempt(partial(parse_scenario, src, against)) is not None:
                    sys.stdout.write(tr(lang, "cli.valid-scenario", file=visible(src.name)) + "\n")
        return EXIT_INPUT if failed else EXIT_OK

    guard(run)


def _source(name: str) -> yamlsrc.Source:
    """A file named on the command line, read as every command reads one: a path, - (stdin) or git:REF:PATH."""
    from .. import yamlsrc

    if name == STDIN:
        return yamlsrc.parse(read_stdin(), "<stdin>")
    if name.startswith(GIT):
        return yamlsrc.parse(git_show(name), name)
    return yamlsrc.load(Path(name), name)


def _validation_sheet(pricing: str | None, named: dict[str, PriceSheet | None]) -> PriceSheet | None:
    """The sheet scenarios are checked against: --pricing, else the one named with them, else the default.

    When two sheets are named, or the one named is broken, the scenarios cannot be checked
    against it: that is said, on stderr, rather than checking them against another sheet.
    """
    if pricing:
        return load_sheet(pricing)
    if len(named) > 1:
        err(fail_line(word(msg("validate.two-sheets", sheets=tuple(named)), current()), current()))
        return None
    if named:
        ((name, sheet),) = named.items()
        if sheet is None:
            err(fail_line(word(msg("validate.broken-sheet", sheet=name), current()), current()))
        return sheet
    from ..api import load_sheet as load

    return load(sheet_path(None))


@app.command(
    "pricing",
    cls=LocalCommand,
    epilog=epilog("artlab-cost pricing --format json | jq '.offers[].id'", EXIT_CODES_NO_BUDGET),
)
def pricing_cmd(
    pricing: PricingOpt = None,
    format: FormatOpt = None,
    output: OutputOpt = None,
    lang: LangOpt = None,
) -> None:
    """Show the price sheet in use: meters, offers, settings, and which values are assumptions."""

    def run() -> int:
        refuse_inputs(output, [sheet_file(pricing)])
        sheet = load_sheet(pricing)
        fmt = output_format(format, output)
        return finish(renderer(fmt).pricing(sheet, _view(fmt, output)), output, (), True)

    guard(run)


@app.command(
    cls=LocalCommand,
    epilog=epilog("artlab-cost init --new-user --dedicated ded-8.07 > my-scenario.yaml", EXIT_CODES_NO_BUDGET),
)
def init(
    new_user: Annotated[
        bool, typer.Option("--new-user", help="A new account: the free trials it may claim are held.")
    ] = False,
    student: Annotated[bool, typer.Option("--student", help="A student: the student voucher is held.")] = False,
    shared: Annotated[
        bool, typer.Option("--shared", help="Shared-edition usage (the default when --dedicated is not given).")
    ] = False,
    dedicated: Annotated[
        str | None,
        typer.Option(
            "--dedicated", metavar="SPEC", help="Dedicated-edition usage on this spec.", autocompletion=complete_specs
        ),
    ] = None,
    pricing: PricingOpt = None,
    output: OutputOpt = None,
    lang: LangOpt = None,
) -> None:
    """Write a commented starter scenario, valid as written, to edit into your own (stdout, or --output)."""

    def run() -> int:
        from datetime import date

        from ..scenario.starter import Starter, starter_text

        refuse_inputs(output, [sheet_file(pricing)])
        sheet = load_sheet(pricing)
        text = starter_text(Starter(new_user, student, shared, dedicated), sheet, date.today(), current())
        return finish(text, output, (), True)

    guard(run)


@app.command(cls=LocalCommand, epilog=epilog("artlab-cost schema > artlab-scenario.schema.json", EXIT_CODES_NO_BUDGET))
def schema(
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            metavar="scenario|pricing",
            help="Which file format.",
            autocompletion=lambda incomplete: [k for k in ("scenario", "pricing") if k.startswith(incomplete)],
        ),
    ] = "scenario",
    output: OutputOpt = None,
    lang: LangOpt = None,
) -> None:
    """Print the JSON Schema of the scenario format (or of the price sheet), for editors to complete and check."""

    def run() -> int:
        from ..editor_schema import schema_text

        if kind not in ("scenario", "pricing"):
            raise UsageError(msg("cli.schema-kind", value=kind))
        return finish(schema_text(kind), output, (), True)

    guard(run)
