"""The command line: parse, call the core, render, pick the exit code. No billing logic lives here.

Exit codes: 0 done; 1 over the --budget; 2 bad input or usage.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from . import __version__
from .errors import EXIT_BUDGET, EXIT_BUG, EXIT_INPUT, EXIT_OK, ArtlabCostError, InputError
from .render import By, OutputFormat

T = TypeVar("T")

EXIT_CODES = """Exit codes: 0 done; 1 budget exceeded (--budget); 2 bad input or usage."""
EXIT_CODES_NO_BUDGET = """Exit codes: 0 done; 2 bad input or usage."""


def _epilog(example: str, codes: str = EXIT_CODES) -> str:
    # \b keeps Click from rewrapping the example onto two lines
    return f"\b\nExample:\n  {example}\n\n{codes}"


app = typer.Typer(
    name="artlab-cost",
    help="Estimate what Alibaba Cloud PAI ArtLab will cost, and the cheapest way to pay for it.\n\n" + EXIT_CODES,
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

PricingOpt = Annotated[
    str | None,
    typer.Option(
        "--pricing",
        metavar="FILE",
        help="Price sheet to use (default: $ARTLAB_COST_PRICING, else the bundled pricing.yaml).",
        show_default=False,
    ),
]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", metavar="FILE", help="Write the result to FILE instead of stdout.")
]
BudgetOpt = Annotated[
    str | None,
    typer.Option("--budget", metavar="YUAN", help="Exit 1 if the measured amount is over YUAN (see --budget-on)."),
]
BudgetOnOpt = Annotated[
    str, typer.Option("--budget-on", metavar="cash|postpaid|list", help="What --budget is measured on.")
]
ScenarioArg = Annotated[
    Path, typer.Argument(metavar="SCENARIO", help="A usage scenario YAML file.", show_default=False)
]


def _err(text: str) -> None:
    sys.stderr.write(text.rstrip("\n") + "\n")


def _fail(error: ArtlabCostError) -> NoReturn:
    if isinstance(error, InputError):
        for problem in error.problems:
            _err(f"error: {problem}")
    else:
        _err(f"error: {error}")
    raise typer.Exit(error.exit_code)


def _guard(fn: Callable[[], int]) -> None:
    """Run a command body; a user's mistake becomes one line per problem on stderr and exit 2."""
    try:
        code = fn()
    except ArtlabCostError as error:
        _fail(error)
    except BrokenPipeError:  # `artlab-cost ... | head` closed the pipe: not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(EXIT_OK) from None
    raise typer.Exit(code)


def _budget_on(budget_on: str) -> str:
    from .errors import UsageError

    if budget_on not in ("cash", "postpaid", "list"):
        raise UsageError(f"--budget-on must be cash, postpaid or list, got '{budget_on}'")
    return budget_on


def _yuan(value: str | None, option: str) -> Decimal | None:
    """An amount of yuan given on the command line, or None when the option was not given."""
    from .errors import UsageError

    if value is None:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise UsageError(f"{option} must be an amount of yuan, got '{value}'") from None
    if not amount.is_finite() or amount < 0 or amount.adjusted() > 15:
        raise UsageError(f"{option} must be an amount from 0 to 10^15 yuan, got '{value}'")
    return amount


def _to_terminal(output: Path | None) -> bool:
    return output is None and sys.stdout.isatty()


def _width(output: Path | None) -> int:
    """Table width: $COLUMNS if set, else the terminal's, else 80 (a file or a pipe)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and 40 <= int(columns) <= 1000:
        return int(columns)
    if _to_terminal(output):
        import shutil

        return max(40, shutil.get_terminal_size((80, 24)).columns)
    return 80


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        from .errors import UsageError

        raise UsageError(f"cannot write {output}: {exc.strerror}") from None


def _load(scenario: Path, pricing: str | None) -> tuple[Any, Any]:
    from .pricing import load_sheet
    from .scenario import load_scenario

    sheet = load_sheet(pricing)
    return sheet, load_scenario(scenario, sheet, str(scenario))


def _looks_like_sheet(root: Any) -> bool:
    from . import yamlsrc

    return isinstance(root, yamlsrc.Map) and "sheet" in root.items and "meters" in root.items


def version_callback(value: bool) -> None:
    if value:
        sys.stdout.write(f"artlab-cost {__version__}\n")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=version_callback, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    pass


@app.command(epilog=_epilog("artlab-cost estimate examples/indie-shared-sd.yaml --format json --budget 2000"))
def estimate(
    scenario: ScenarioArg,
    pricing: PricingOpt = None,
    format: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    by: Annotated[
        By, typer.Option("--by", help="Rows of the charges table: per month, day, meter or one total.")
    ] = By.month,
    budget: BudgetOpt = None,
    budget_on: BudgetOnOpt = "cash",
) -> None:
    """Estimate a scenario: each charge through free trial, packs, vouchers and postpaid, and what you pay."""

    def run() -> int:
        from .engine import check_budget, simulate

        limit, measure = _yuan(budget, "--budget"), _budget_on(budget_on)
        sheet, scen = _load(scenario, pricing)
        result = simulate(scen, sheet, merge=by is not By.day)
        check = check_budget(result.totals, limit, measure) if limit is not None else None
        inline_notes = format is OutputFormat.table and _to_terminal(output)
        _emit(_render_estimate(result, format, by.value, check, inline_notes, output), output)
        if not inline_notes:
            for note in result.notes:
                _err(f"note: {note}")
        if check is not None:
            _err(check.message())
            return EXIT_BUDGET if check.exceeded else EXIT_OK
        return EXIT_OK

    _guard(run)


def _render_estimate(
    result: Any, fmt: OutputFormat, by: str, check: Any, inline_notes: bool, output: Path | None
) -> str:
    if fmt is OutputFormat.json:
        from .render import jsonout

        return jsonout.render(result, check)
    if fmt is OutputFormat.csv:
        from .render import csvout

        return csvout.render(result)
    if fmt is OutputFormat.markdown:
        from .render import markdown

        return markdown.render(result, by, check)
    from .render import table

    color = _to_terminal(output) and "NO_COLOR" not in os.environ
    return table.render(result, by, check, color=color, notes=inline_notes, width=_width(output))


@app.command(
    "compare-plans",
    epilog=_epilog("artlab-cost compare-plans examples/student-trial.yaml --exclude compute-pack-100"),
)
def compare_plans(
    scenario: ScenarioArg,
    pricing: PricingOpt = None,
    format: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
    only: Annotated[
        list[str] | None, typer.Option("--only", metavar="OFFER", help="Consider only these offers (repeatable).")
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", metavar="OFFER", help="Leave these offers out (repeatable).")
    ] = None,
    max_upfront: Annotated[
        str | None, typer.Option("--max-upfront", metavar="YUAN", help="Most the plan's own purchases may cost.")
    ] = None,
    top: Annotated[int, typer.Option("--top", min=1, max=100, help="How many ranked plans to show.")] = 10,
    budget: BudgetOpt = None,
    budget_on: BudgetOnOpt = "cash",
) -> None:
    """Rank the ways to pay for the same usage: which trials to claim and packs to buy, cheapest first."""

    def run() -> int:
        from .engine import check_budget
        from .plans import compare

        limit, measure = _yuan(budget, "--budget"), _budget_on(budget_on)
        cap = _yuan(max_upfront, "--max-upfront")
        sheet, scen = _load(scenario, pricing)
        comparison = compare(scen, sheet, only=only or (), exclude=exclude or (), max_upfront=cap, top=top)
        best = comparison.plans[0]
        check = check_budget(best.costs, limit, measure) if limit is not None else None
        inline_notes = format is OutputFormat.table and _to_terminal(output)
        _emit(_render_plans(comparison, format, check, inline_notes, output, str(scenario)), output)
        if not inline_notes:
            for note in comparison.notes:
                _err(f"note: {note}")
        if check is not None:
            _err(check.message() + " (best plan)")
            return EXIT_BUDGET if check.exceeded else EXIT_OK
        return EXIT_OK

    _guard(run)


def _render_plans(
    comparison: Any, fmt: OutputFormat, check: Any, inline_notes: bool, output: Path | None, scenario_path: str
) -> str:
    from .render import plans

    if fmt is OutputFormat.json:
        return plans.render_json(comparison, check)
    if fmt is OutputFormat.csv:
        return plans.render_csv(comparison)
    if fmt is OutputFormat.markdown:
        return plans.render_markdown(comparison, check, scenario_path)
    color = _to_terminal(output) and "NO_COLOR" not in os.environ
    return plans.render_table(comparison, check, scenario_path, color=color, notes=inline_notes, width=_width(output))


@app.command(epilog=_epilog("artlab-cost validate examples/*.yaml pricing.yaml", EXIT_CODES_NO_BUDGET))
def validate(
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Scenario or price sheet files.")],
    pricing: PricingOpt = None,
) -> None:
    """Check scenarios and price sheets; print one line per problem (FILE:LINE:COLUMN: field: what is wrong).

    Scenarios are checked against --pricing (or $ARTLAB_COST_PRICING), else the one price sheet named among the
    files, else the bundled one.
    """

    def run() -> int:
        from . import yamlsrc
        from .pricing import PriceSheet, load_sheet, parse_sheet
        from .scenario import parse_scenario

        failed = False

        def attempt(check: Callable[[], T]) -> T | None:
            nonlocal failed
            try:
                return check()
            except InputError as error:
                failed = True
                for problem in error.problems:
                    _err(f"error: {problem}")
                return None

        sources: list[yamlsrc.Source] = []
        for path in files:
            loaded = attempt(partial(yamlsrc.load, path, str(path)))
            if loaded is not None:
                sources.append(loaded)
        sheets = [src for src in sources if _looks_like_sheet(src.root)]
        named: PriceSheet | None = None
        for src in sheets:
            named = attempt(partial(parse_sheet, src))
            if named is not None:
                sys.stdout.write(f"{src.name}: valid price sheet\n")
        scenarios = [src for src in sources if not _looks_like_sheet(src.root)]
        if scenarios:
            # against --pricing or $ARTLAB_COST_PRICING, else the one price sheet named with them, else the bundled one
            chosen = pricing or os.environ.get("ARTLAB_COST_PRICING")
            sheet = named if named is not None and len(sheets) == 1 and not chosen else load_sheet(pricing)
            for src in scenarios:
                if attempt(partial(parse_scenario, src, sheet)) is not None:
                    sys.stdout.write(f"{src.name}: valid scenario\n")
        return EXIT_INPUT if failed else EXIT_OK

    _guard(run)


@app.command("pricing", epilog=_epilog("artlab-cost pricing --format json | jq '.offers[].id'", EXIT_CODES_NO_BUDGET))
def pricing_cmd(
    pricing: PricingOpt = None,
    format: FormatOpt = OutputFormat.table,
    output: OutputOpt = None,
) -> None:
    """Show the price sheet in use: meters, offers, settings, and which values are assumptions."""

    def run() -> int:
        from .pricing import load_sheet
        from .render import sheet as sheet_render

        sheet = load_sheet(pricing)
        color = _to_terminal(output) and "NO_COLOR" not in os.environ
        _emit(sheet_render.render(sheet, format.value, color=color, width=_width(output)), output)
        return EXIT_OK

    _guard(run)


@app.command(epilog=_epilog("artlab-cost schema > artlab-scenario.schema.json", EXIT_CODES_NO_BUDGET))
def schema(
    kind: Annotated[str, typer.Option("--kind", metavar="scenario|pricing", help="Which file format.")] = "scenario",
    output: OutputOpt = None,
) -> None:
    """Print the JSON Schema of the scenario format (or of the price sheet), for editors to complete and check."""

    def run() -> int:
        from .editor_schema import schema_text
        from .errors import UsageError

        if kind not in ("scenario", "pricing"):
            raise UsageError(f"--kind must be scenario or pricing, got '{kind}'")
        _emit(schema_text(kind), output)
        return EXIT_OK

    _guard(run)


def main() -> None:
    """The console script: Click's usage errors become one `error:` line too, exit 2."""
    try:
        code = app(standalone_mode=False)
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        _err("interrupted")
        sys.exit(130)
    except Exception as exc:  # Click's UsageError, BadParameter, ...: anything with its own exit code
        message = getattr(exc, "format_message", None)
        if message is None:  # a bug of ours: one line, and a code no script mistakes for a budget
            _err(f"internal error: {type(exc).__name__}: {exc} (please report it with the input that caused it)")
            sys.exit(EXIT_BUG)
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError":  # plain `artlab-cost`: the help, on stderr
            _err(message())
        else:
            hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
            _err(f"error: {message()}{hint}")
        sys.exit(getattr(exc, "exit_code", EXIT_INPUT))
    sys.exit(code if isinstance(code, int) else EXIT_OK)
