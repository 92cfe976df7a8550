"""The Typer app, and main(): the console script's guard around it."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from typer._click import exceptions as click  # Typer vendors Click (0.29 on); its errors carry exit codes
from typer.main import get_command_name
from typer.models import CommandInfo

from ..errors import EXIT_BUG, EXIT_INPUT, EXIT_OK, ArtlabCostError
from ..i18n import tr
from ..render.escape import visible
from ..version import __version__
from .help import LocalGroup, click_message
from .lang import LANG_ENV, current, from_arguments, from_environment, use
from .options import LangOpt
from .output import err, exit_code, fail_line, open_streams, stdout_failed


def _exit_codes(*codes: str) -> str:
    """A command's exit codes for --help: its own, between those every command shares (a stream that fails is
    an I/O error of the environment, 2; a bug, 3; Ctrl-C, 130)."""
    shared = ("0 done", "3 an internal error", "130 interrupted (Ctrl-C)")
    return "Exit codes: " + "; ".join(sorted((*shared, *codes), key=lambda code: int(code.split()[0]))) + "."


_BUDGET = "1 budget exceeded (--budget)"
_STRICT = "2 bad input or usage, with --strict a result resting on an assumed value, or a closed or broken stream"
EXIT_CODES = _exit_codes(_BUDGET, _STRICT)
EXIT_CODES_PLANS = _exit_codes(_BUDGET, _STRICT, "4 with --require-proven, a first plan not proven cheapest")
EXIT_CODES_DIFF = _exit_codes(
    "1 cash rises more than --fail-on-increase allows", "2 bad input or usage, or a closed or broken stream"
)
EXIT_CODES_NO_BUDGET = _exit_codes("2 bad input or usage, or a closed or broken stream")
INTERRUPTED = 130  # the shell's code for a run stopped by Ctrl-C


def _plain_arguments() -> None:
    """Arguments shown as their names (`SCENARIO`, `FILE...`), not `{SCENARIO}` with a Python type after it:
    Typer's help marks required arguments with braces and prints `<str>`, `<list[Path]>`."""
    from typer.core import TyperArgument

    def usage_name(self: TyperArgument) -> str:
        name = self.display_name_raw
        name = name if self.required else f"[{name}]"
        return name + ("..." if self.nargs != 1 and not name.endswith("...") else "")

    TyperArgument._usage_display_name = usage_name  # type: ignore[method-assign]
    TyperArgument.display_type = lambda self, ctx: ""  # type: ignore[method-assign]
    TyperArgument.display_type_rich = lambda self, ctx: ""  # type: ignore[method-assign]


_plain_arguments()

app = typer.Typer(
    cls=LocalGroup,
    name="artlab-cost",
    help="Estimate what Alibaba Cloud PAI ArtLab will cost, and the cheapest way to pay for it.\n\n" + EXIT_CODES_PLANS,
    add_completion=True,  # --install-completion / --show-completion for bash, zsh, fish (imported when asked)
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def epilog(example: str, codes: str = EXIT_CODES) -> str:
    # \b keeps Click from rewrapping the example onto two lines
    return f"\b\nExample:\n  {example}\n\n{codes}"


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"artlab-cost {__version__}\n")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    lang: LangOpt = None,
) -> None:
    pass


def command_named(args: list[str]) -> str | None:
    """The command a run names (`estimate` in `artlab-cost --lang zh estimate x.yaml`), or None when it names
    none, asks for shell completion, or names one that is not a command (Click then says so, as ever)."""
    if any(a.startswith(("--install-completion", "--show-completion")) for a in args):
        return None
    names = {_name(info) for info in app.registered_commands}
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg == "--lang":
            skip = True  # its value
        elif not arg.startswith("-"):
            return arg if arg in names else None
    return None


@contextmanager
def only_the_command_named(args: list[str]) -> Iterator[None]:
    """Within: only the command these arguments name is registered. Typer builds every command's Click
    options at each start (some 8 ms of a run's CPU for six commands), though a run invokes one."""
    registered = app.registered_commands
    name = command_named(args)
    if name is not None:
        app.registered_commands = [info for info in registered if _name(info) == name]
    try:
        yield
    finally:
        app.registered_commands = registered


def _name(info: CommandInfo) -> str:
    """A command's name as Typer gives it: its own, else its function's."""
    return info.name or get_command_name(info.callback.__name__ if info.callback else "")


def main() -> None:
    """The console script: Click's usage errors become one `error:` line too, exit 2; a bug is one line, exit 3;
    a standard stream that is closed or breaks is exit 2 (said on stderr if it can be), never 1 or 3; Ctrl-C
    says so and exits 130.

    The language is settled first (--lang, $ARTLAB_COST_LANG, the locale), so that --help and Click's own
    errors are worded in it too."""
    open_streams()
    try:
        use(from_arguments(sys.argv[1:]) or from_environment(os.environ))
    except ArtlabCostError as error:  # a $ARTLAB_COST_LANG that names no language: said in the locale's
        lang = from_environment({k: v for k, v in os.environ.items() if k != LANG_ENV})
        for line in error.lines(lang):
            err(fail_line(line, lang))
        sys.exit(error.exit_code)
    try:
        with only_the_command_named(sys.argv[1:]):
            code = app(standalone_mode=False, prog_name="artlab-cost")
    except SystemExit as exc:
        if isinstance(exc.__context__, OSError):  # Typer's own exit 1 on a broken pipe (--help | true): ours is 2
            stdout_failed(exc.__context__)
            sys.exit(exit_code(EXIT_OK))
        raise
    except Exception as exc:
        lang = current()
        if isinstance(exc, typer.Abort):  # Ctrl-C (Click turns KeyboardInterrupt into Abort)
            err(tr(lang, "cli.interrupted"))
            sys.exit(INTERRUPTED)
        if isinstance(exc, click.NoArgsIsHelpError):  # plain `artlab-cost`: the help, on stderr
            err(exc.format_message())
            sys.exit(exit_code(EXIT_INPUT))
        if isinstance(exc, click.ClickException):
            ctx = getattr(exc, "ctx", None)
            text = click_message(exc.format_message().replace("Value error, ", ""), lang)  # Typer's prefix says nothing
            if ctx is not None:
                text = tr(lang, "cli.see-help", message=text, command=ctx.command_path)
            err(fail_line(text, lang))
            sys.exit(exc.exit_code)
        if isinstance(exc, OSError):  # --help or --version to a closed stdout: the environment's, not a bug
            stdout_failed(exc)
            sys.exit(exit_code(EXIT_OK))
        # a bug of ours: one line, and a code no script mistakes for a budget verdict
        err(tr(lang, "cli.internal-error", kind=type(exc).__name__, detail=visible(str(exc))))
        sys.exit(EXIT_BUG)
    if code == INTERRUPTED:  # Typer turns Ctrl-C into exit 130 before any handler of ours sees it
        err(tr(current(), "cli.interrupted"))
    sys.exit(exit_code(code) if isinstance(code, int) else exit_code(EXIT_OK))
