"""Options the commands share, declared once, and the parsing of their values into domain values."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import AssumedError, UsageError
from ..messages import msg
from ..render import OutputFormat
from .lang import Lang, use

if TYPE_CHECKING:
    from ..engine import Measure
    from ..pricing import Assumption, PriceSheet
    from ..scenario import Scenario

PRICING_ENV = "ARTLAB_COST_PRICING"
FEN = Decimal("0.01")  # the smallest amount paid (B20)

PricingOpt = Annotated[
    str | None,
    typer.Option(
        "--pricing",
        metavar="FILE",
        help="Price sheet to use (default: $ARTLAB_COST_PRICING, else the bundled pricing.yaml).",
        show_default=False,
    ),
]
FormatOpt = Annotated[
    OutputFormat | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format (default: from the --output file's extension, .json .csv .md .html, else table).",
        show_default=False,
    ),
]
# -o report.html without --format writes the report: the format a file's extension names
EXTENSIONS = {
    ".json": OutputFormat.json,
    ".csv": OutputFormat.csv,
    ".md": OutputFormat.markdown,
    ".markdown": OutputFormat.markdown,
    ".html": OutputFormat.html,
    ".htm": OutputFormat.html,
}


def output_format(given: OutputFormat | None, output: Path | None) -> OutputFormat:
    """--format, else the format --output's extension names (case aside), else the table."""
    if given is not None:
        return given
    if output is not None:
        return EXTENSIONS.get(output.suffix.lower(), OutputFormat.table)
    return OutputFormat.table


def _output(value: str) -> Path | None:
    """--output's file: `-` is stdout, as for the inputs; an empty name is a usage error, not the directory `.`."""
    if value == STDIN:
        return None
    if not value:
        from ..i18n import tr
        from .lang import current

        raise typer.BadParameter(tr(current(), "cli.output-empty"))
    return Path(value)


OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        parser=_output,
        help="Write the result to FILE instead of stdout (- is stdout). A device or FIFO is written through; a "
        "file is replaced whole, never one that is read-only or that the command reads.",
    ),
]


def _sheet_for_completion(ctx: typer.Context) -> PriceSheet | None:
    """The sheet a command line being completed would use (its --pricing, else the default); None if broken."""
    from ..api import load_sheet as load
    from ..errors import ArtlabCostError

    try:
        return load(sheet_path(ctx.params.get("pricing")))
    except (ArtlabCostError, OSError):
        return None


def complete_offers(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Shell completion of an offer id (--only, --exclude), each with its name."""
    sheet = _sheet_for_completion(ctx)
    if sheet is None:
        return []
    from ..render.escape import visible
    from .lang import current

    offers = sheet.offers.values()
    return [(o.id, visible(o.name.text(current()))) for o in offers if o.id.startswith(incomplete)]


def complete_specs(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion of a dedicated spec id of the sheet (--dedicated)."""
    sheet = _sheet_for_completion(ctx)
    return [] if sheet is None else [spec for spec in sheet.spec_ids() if spec.startswith(incomplete)]


def complete_measures(incomplete: str) -> list[str]:
    """Shell completion of what --budget is measured on."""
    from ..engine import Measure

    return [m.value for m in Measure if m.value.startswith(incomplete)]


BudgetOpt = Annotated[
    str | None,
    typer.Option("--budget", metavar="YUAN", help="Exit 1 if the measured amount is over YUAN (see --budget-on)."),
]
BudgetOnOpt = Annotated[
    str | None,
    typer.Option(
        "--budget-on",
        metavar="cash|postpaid|list",
        help="What --budget is measured on (default: cash).",
        autocompletion=complete_measures,
    ),
]
BudgetPerOpt = Annotated[
    str | None,
    typer.Option(
        "--budget-per",
        metavar="month",
        help="Measure --budget in each calendar month: exit 1 if any month is over (the months named).",
        show_default=False,
        autocompletion=lambda incomplete: [p for p in ("month",) if p.startswith(incomplete)],
    ),
]
QuietOpt = Annotated[
    bool, typer.Option("--quiet", "-q", help="No notes on stderr or under the table (warnings and errors stay).")
]
StrictOpt = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="Exit 2, with one line per assumption and no result, if any figure rests on an assumed price, "
        "amount or rule.",
    ),
]
PriceOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--price",
        metavar="OFFER=YUAN",
        help="Price OFFER at YUAN for this run, as the console shows it, instead of the sheet's price; it is then "
        "your price, not an assumption of the sheet (repeatable).",
        show_default=False,
    ),
]
ScenarioArg = Annotated[
    str,
    typer.Argument(
        metavar="SCENARIO",
        help="A usage scenario YAML file; - reads it from stdin; git:REF:PATH reads PATH as of the git revision REF.",
        show_default=False,
    ),
]


def _use_lang(value: Lang | None) -> Lang | None:
    """--lang takes effect as soon as it is read (it is eager): --help and the errors after it use it."""
    if value is not None:
        use(value.value)
    return value


LangOpt = Annotated[
    Lang | None,
    typer.Option(
        "--lang",
        metavar="zh|en",
        callback=_use_lang,
        is_eager=True,
        help="Language of the output and messages (default: $ARTLAB_COST_LANG, else the locale: LC_ALL, "
        "LC_MESSAGES, LANG; zh* gives Chinese). JSON keys, CSV headers, codes and exit codes never change.",
        show_default=False,
    ),
]
STDIN = "-"
GIT = "git:"


def only_with_budget(value: str | None, budget: str | None, code: str) -> None:
    """An option that qualifies --budget (--budget-on, --budget-per, --budget-case) given without it: a usage
    error saying so (`code`), since it would be ignored."""
    if value is not None and budget is None:
        raise UsageError(msg(code))


def measure(value: str | None, budget: str | None = "") -> Measure:
    """--budget-on's measure; given without --budget, a usage error (it would be ignored)."""
    from ..engine import Measure

    only_with_budget(value, budget, "cli.budget-on-alone")
    value = value or "cash"
    if value not in tuple(Measure):
        raise UsageError(msg("cli.budget-on", value=value))
    return Measure(value)


def budget_per(value: str | None, budget: str | None) -> str | None:
    """--budget-per: "month", and only with --budget (alone it would be ignored)."""
    only_with_budget(value, budget, "cli.budget-per-alone")
    if value is None:
        return None
    if value != "month":
        raise UsageError(msg("cli.budget-per", value=value))
    return value


def budget_case(value: str | None, budget: str | None) -> str:
    """--budget-case's case; given without --budget, a usage error (it would be ignored). Whether it names a
    case is api.check_budget's to say, for a program calling it gets the same answer."""
    only_with_budget(value, budget, "cli.budget-case-alone")
    return value or "expected"


def yuan(value: str | None, option: str) -> Decimal | None:
    """An amount of yuan given on the command line, or None when the option was not given."""
    if value is None:
        return None
    try:
        if not value.isascii():  # ASCII digits only, as in a file: Decimal alone reads ٤٠ as 40
            raise InvalidOperation
        amount = Decimal(value)
    except InvalidOperation:
        raise UsageError(msg("cli.not-yuan", option=option, value=value)) from None
    if not amount.is_finite() or amount < 0 or amount.adjusted() > 15:
        raise UsageError(msg("cli.yuan-range", option=option, value=value))
    if amount != amount.quantize(FEN):  # what is paid is whole fen (B20): a price, a budget, a cap on upfront
        raise UsageError(msg("cli.yuan-fen", option=option, value=value))
    return amount + 0  # -0 reads as 0


def prices(values: Sequence[str] | None) -> tuple[tuple[str, Decimal], ...]:
    """--price OFFER=YUAN, each: the offer and its price (whether the sheet has the offer is the sheet's to say)."""
    out = []
    for value in values or ():
        offer, sep, amount = value.partition("=")
        if not sep or not offer.strip():
            raise UsageError(msg("cli.price-form", value=value))
        price = yuan(amount.strip(), "--price")
        assert price is not None
        out.append((offer.strip(), price))
    return tuple(out)


def sheet_path(option: str | None) -> str | None:
    """The price sheet to use: --pricing, then $ARTLAB_COST_PRICING; None for the bundled one."""
    return option or os.environ.get(PRICING_ENV) or None


def estimate_args(option: str | None, given: Sequence[tuple[str, Decimal]]) -> tuple[str, ...]:
    """The options an `estimate` needs to price as this run does: the sheet it read (--pricing, or the one
    $ARTLAB_COST_PRICING names, said outright) and each --price OFFER=YUAN."""
    path = sheet_path(option)
    out = ["--pricing", path] if path else []
    for offer, price in given:
        out += ["--price", f"{offer}={price:f}"]
    return tuple(out)


def sheet_file(option: str | None) -> str:
    """The file the price sheet is read from, the bundled one included: what --output must never replace."""
    from ..pricing.load import bundled_path

    return sheet_path(option) or str(bundled_path())


def load_sheet(option: str | None) -> PriceSheet:
    """The price sheet: --pricing, else $ARTLAB_COST_PRICING (named in any error about it), else the bundled."""
    from ..api import load_sheet
    from ..errors import InputError

    path = sheet_path(option)
    try:
        return load_sheet(path)
    except InputError as error:
        if option or path is None:
            raise
        named = [p._replace(msg=msg("cli.pricing-env", problem=p.msg, variable=PRICING_ENV)) for p in error.problems]
        raise InputError(named) from None


def refuse_assumed(assumed: Sequence[Assumption]) -> None:
    """--strict: no result that rests on an assumption; each one named by its file and field."""
    if assumed:
        raise AssumedError([msg("cli.strict", file=a.file, field=a.field, why=a.why) for a in assumed])


def read_scenario(source: str, sheet: PriceSheet, stdin: str | None = None) -> Scenario:
    """A scenario named on the command line: a file, - (stdin, read once: `stdin` when read already), or
    git:REF:PATH (the file at a git revision, read with `git cat-file`; PATH relative to the current directory)."""
    from .. import api

    if source == STDIN:
        return api.scenario_from_text(stdin if stdin is not None else read_stdin(), sheet, name="<stdin>")
    if source.startswith(GIT):
        return api.scenario_from_text(git_show(source), sheet, name=source)
    return api.load_scenario(source, sheet)


def read_stdin() -> str:
    """The scenario given as `-`; a stdin that cannot be read (closed: `<&-`) is a usage error, exit 2."""
    from .. import yamlsrc

    try:
        data = sys.stdin.buffer.read(yamlsrc.MAX_BYTES + 1)
    except (OSError, ValueError) as exc:
        reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
        raise UsageError(msg("cli.stdin-failed", reason=reason)) from None
    return yamlsrc.decode(data, "<stdin>")


def git_show(source: str) -> str:
    """The text of git:REF:PATH: the blob REF:./PATH in the current directory's repository, its size asked
    first (`git cat-file -s`) so that a blob over the input limit is refused unread, and read with that cap.

    REF reaches git as a revision, never as an option: one starting with `-` is refused, and
    `--end-of-options` comes before it (else `git:--output=x:y` would have `git show` write a file)."""
    from .. import yamlsrc
    from ..errors import InputError, Problem

    ref, sep, path = source.removeprefix(GIT).partition(":")
    if not sep or not ref or not path:
        raise UsageError(msg("cli.git-form", source=source))
    if ref.startswith("-"):
        raise UsageError(msg("cli.git-ref-option", source=source))
    spec = f"{ref}:{path if path.startswith('/') else './' + path}"
    size = _git(source, ["cat-file", "-s", "--end-of-options", spec], 64).strip()
    if not size.isdigit():
        raise UsageError(msg("cli.git-failed", source=source, reason=f"git cat-file -s: {size!r}"))
    if int(size) > yamlsrc.MAX_BYTES:
        raise InputError([Problem(source, 0, 0, "", msg("file.too-big", kib=yamlsrc.MAX_BYTES // 1024))])
    return yamlsrc.decode(_git(source, ["cat-file", "blob", "--end-of-options", spec], yamlsrc.MAX_BYTES + 1), source)


def _git(source: str, args: list[str], cap: int) -> bytes:
    """What `git ARGS` writes, at most `cap` bytes of it (the rest is never read); its last error line if it fails."""
    import subprocess

    def failed(reason: str) -> UsageError:
        return UsageError(msg("cli.git-failed", source=source, reason=reason))

    try:
        git = subprocess.Popen(["git", *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as exc:
        raise failed(str(exc)) from None
    with git:
        assert git.stdout is not None and git.stderr is not None
        out = git.stdout.read(cap)
        git.stdout.close()  # a longer blob: git stops on the closed pipe, unread
        errors = git.stderr.read(4096).decode("utf-8", "replace").strip().splitlines()
        try:
            code = git.wait(timeout=30)
        except subprocess.TimeoutExpired as exc:
            git.kill()
            raise failed(str(exc)) from None
    if code != 0 and len(out) < cap:
        raise failed(errors[-1] if errors else f"exit {code}")
    return out


def fail_limit(value: str | None) -> tuple[Fraction, bool] | None:
    """--fail-on-increase: yuan (300) or a percentage (5%); (limit, is a percentage), or None when not given."""
    if value is None:
        return None
    percent = value.endswith("%")
    try:
        if not value.isascii():
            raise InvalidOperation
        amount = Decimal(value.removesuffix("%"))
    except InvalidOperation:
        raise UsageError(msg("cli.not-increase", value=value)) from None
    if not amount.is_finite() or amount < 0 or amount.adjusted() > 15:
        raise UsageError(msg("cli.not-increase", value=value))
    return Fraction(amount), percent
