"""The finish step every command shares: write the result, print notes and the verdict, choose the exit code."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

import typer

from ..errors import EXIT_BUDGET, EXIT_OK, ArtlabCostError, UsageError
from ..i18n import tr
from ..messages import Level, Note, msg
from .lang import current


def err(text: str) -> None:
    """A line (or lines) on stderr; control characters in it (from a name or label) are shown, not obeyed."""
    from ..render.common import visible_lines

    sys.stderr.write(visible_lines(text.rstrip("\n")) + "\n")


def fail_line(text: str, lang: str = "en") -> str:
    """An error as the line a user reads: `error: ...` (错误：... in Chinese)."""
    return tr(lang, "cli.error", text=text)


def to_terminal(output: Path | None) -> bool:
    return output is None and sys.stdout.isatty()


def color(output: Path | None) -> bool:
    """Colour only on a terminal, and never with NO_COLOR set to something (no-color.org: an empty value is unset)."""
    return to_terminal(output) and not os.environ.get("NO_COLOR")


def width(output: Path | None) -> int:
    """Table width: $COLUMNS if set, else the terminal's, else 80 (a file or a pipe)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isascii() and columns.isdigit() and 40 <= int(columns) <= 1000:
        return int(columns)
    if to_terminal(output):
        import shutil

        return max(40, shutil.get_terminal_size((80, 24)).columns)
    return 80


def _mode(path: Path) -> int:
    """The permissions a file written at `path` gets: the old file's, else what the umask allows."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        mask = os.umask(0)  # the only way to read the umask; set back at once (the CLI runs no other thread)
        os.umask(mask)
        return 0o666 & ~mask


def emit(text: str, output: Path | None) -> None:
    """The result on stdout, or in a file written whole or not at all (a temporary file beside it, renamed)."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    import tempfile

    temp = None
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent or Path("."))
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temp, _mode(output))  # as if written in place, not the private mode of a temporary file
        os.replace(temp, output)
    except OSError as exc:
        if temp is not None and os.path.exists(temp):
            os.unlink(temp)
        raise UsageError(msg("cli.cannot-write", path=str(output), reason=exc.strerror or str(exc))) from None


def refuse_inputs(output: Path | None, inputs: Sequence[str | None]) -> None:
    """-o must not name a file the command reads: the result would overwrite its own input."""
    if output is None:
        return
    for name in inputs:
        if name and name != "-" and not name.startswith("git:") and Path(name).exists():
            if Path(name).resolve() == output.resolve():
                raise UsageError(msg("cli.output-is-input", path=str(output)))


def finish(
    text: str,
    output: Path | None,
    notes: Sequence[Note],
    inline_notes: bool,
    verdict: str | None = None,
    exceeded: bool = False,
    quiet: bool = False,
) -> int:
    """Write the result, then on stderr the warnings, the notes (unless the output shows them, or --quiet) and
    the verdict, in the run's language."""
    emit(text, output)
    lang = current()
    for n in notes:
        if n.level is Level.warning:
            err(tr(lang, "cli.warning", text=n.msg))
        elif not inline_notes and not quiet:
            err(tr(lang, "cli.note", text=n.msg))
    if verdict is None:
        return EXIT_OK
    err(verdict)
    return EXIT_BUDGET if exceeded else EXIT_OK


def fail(error: ArtlabCostError) -> NoReturn:
    """A user's mistake: one `error:` line per problem on stderr, in the run's language, and its exit code."""
    lang = current()
    for line in error.lines(lang):
        err(fail_line(line, lang))
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
