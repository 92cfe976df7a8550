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
    str | None,
    typer.Option("--budget-on", metavar="cash|postpaid|list", help="What --budget is measured on (default: cash)."),
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


def measure(value: str | None, budget: str | None = "") -> Measure:
    """--budget-on's measure; given without --budget, a usage error (it would be ignored)."""
    from ..engine import Measure

    if value is not None and budget is None:
        raise UsageError(msg("cli.budget-on-alone"))
    value = value or "cash"
    if value not in tuple(Measure):
        raise UsageError(msg("cli.budget-on", value=value))
    return Measure(value)


def yuan(value: str | None, option: str) -> Decimal | None:
    """An amount of yuan given on the command line, or None when the option was not given."""
    if value is None:
        return None
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise UsageError(msg("cli.not-yuan", option=option, value=value)) from None
    if not amount.is_finite() or amount < 0 or amount.adjusted() > 15:
        raise UsageError(msg("cli.yuan-range", option=option, value=value))
    return amount


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
    git:REF:PATH (the file at a git revision, read with `git show`; PATH relative to the current directory)."""
    from .. import api

    if source == STDIN:
        return api.scenario_from_text(stdin if stdin is not None else read_stdin(), sheet, name="<stdin>")
    if source.startswith(GIT):
        return api.scenario_from_text(git_show(source), sheet, name=source)
    return api.load_scenario(source, sheet)


def read_stdin() -> str:
    from .. import yamlsrc

    return yamlsrc.decode(sys.stdin.buffer.read(yamlsrc.MAX_BYTES + 1), "<stdin>")


def git_show(source: str) -> str:
    """The text of git:REF:PATH, through `git show REF:./PATH` in the current directory."""
    import subprocess

    from .. import yamlsrc

    ref, sep, path = source.removeprefix(GIT).partition(":")
    if not sep or not ref or not path:
        raise UsageError(msg("cli.git-form", source=source))
    spec = f"{ref}:{path if path.startswith('/') else './' + path}"
    try:
        done = subprocess.run(["git", "show", spec], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise UsageError(msg("cli.git-failed", source=source, reason=str(exc))) from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UsageError(
            msg("cli.git-failed", source=source, reason=reason[-1] if reason else f"exit {done.returncode}")
        )
    return yamlsrc.decode(done.stdout, source)


def fail_limit(value: str | None) -> tuple[Fraction, bool] | None:
    """--fail-on-increase: yuan (300) or a percentage (5%); (limit, is a percentage), or None when not given."""
    if value is None:
        return None
    percent = value.endswith("%")
    try:
        amount = Decimal(value.removesuffix("%"))
    except InvalidOperation:
        raise UsageError(msg("cli.not-increase", value=value)) from None
    if not amount.is_finite() or amount < 0 or amount.adjusted() > 15:
        raise UsageError(msg("cli.not-increase", value=value))
    return Fraction(amount), percent
