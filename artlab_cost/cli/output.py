"""The finish step every command shares: write the result, print notes and the verdict, choose the exit code."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

import typer

from ..errors import EXIT_BUDGET, EXIT_OK, ArtlabCostError, UsageError
from ..messages import Note, msg


def err(text: str) -> None:
    sys.stderr.write(text.rstrip("\n") + "\n")


def to_terminal(output: Path | None) -> bool:
    return output is None and sys.stdout.isatty()


def color(output: Path | None) -> bool:
    """Colour only on a terminal, and never with NO_COLOR."""
    return to_terminal(output) and "NO_COLOR" not in os.environ


def width(output: Path | None) -> int:
    """Table width: $COLUMNS if set, else the terminal's, else 80 (a file or a pipe)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and 40 <= int(columns) <= 1000:
        return int(columns)
    if to_terminal(output):
        import shutil

        return max(40, shutil.get_terminal_size((80, 24)).columns)
    return 80


def emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(msg("cli.cannot-write", path=str(output), reason=exc.strerror or str(exc))) from None


def finish(
    text: str,
    output: Path | None,
    notes: Sequence[Note],
    inline_notes: bool,
    verdict: str | None = None,
    exceeded: bool = False,
    lang: str = "en",
) -> int:
    """Write the result, then the notes (unless the output already shows them) and the budget verdict on stderr."""
    emit(text, output)
    if not inline_notes:
        for n in notes:
            err(f"note: {n.text(lang)}")
    if verdict is None:
        return EXIT_OK
    err(verdict)
    return EXIT_BUDGET if exceeded else EXIT_OK


def fail(error: ArtlabCostError, lang: str = "en") -> NoReturn:
    for line in error.lines(lang):
        err(f"error: {line}")
    raise typer.Exit(error.exit_code)


def guard(body: Callable[[], int]) -> None:
    """Run a command body; a user's mistake becomes one line per problem on stderr and its exit code."""
    try:
        code = body()
    except ArtlabCostError as error:
        fail(error)
    except BrokenPipeError:  # `artlab-cost ... | head` closed the pipe: not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(EXIT_OK) from None
    raise typer.Exit(code)
