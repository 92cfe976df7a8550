"""The finish step every command shares: write the result, print notes and the verdict, choose the exit code."""

from __future__ import annotations

import errno
import io
import os
import stat
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn, TextIO

import typer

from ..errors import EXIT_BUDGET, EXIT_INPUT, EXIT_OK, ArtlabCostError, UsageError
from ..i18n import tr, word
from ..messages import Level, Note, msg
from ..render.escape import visible, visible_lines
from .lang import current


class _Closed(io.TextIOBase):
    """A standard stream that was closed when the run began (`>&-`): every read or write fails as the closed
    descriptor would, so the failure is reported like any other I/O error, not met as a missing object."""

    def _fail(self, *_: object) -> NoReturn:
        raise OSError(errno.EBADF, os.strerror(errno.EBADF))

    read = readline = write = _fail

    @property
    def buffer(self) -> _Closed:  # sys.stdin.buffer.read() fails the same way
        return self

    def isatty(self) -> bool:
        return False

    def flush(self) -> None:
        pass


_failed: list[int] = []  # the standard streams (1, 2) that failed this run: the exit code says so
_held: set[int] = set()  # the standard descriptors pointed at /dev/null this run: closed or failed streams


def open_streams() -> None:
    """Before the run reads or writes anything: a standard stream closed when it began keeps its descriptor held
    by /dev/null (so no file the run opens takes number 0, 1 or 2) and gets a stand-in that fails on use; and
    stdout and stderr write what their encoding cannot hold backslash-escaped (PYTHONIOENCODING=ascii,
    LC_ALL=C), never failing on it."""
    _failed.clear()  # a run of its own (the tests run several in one process)
    _held.clear()
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        try:
            os.fstat(fd)
        except OSError:
            _hold(fd)
            setattr(sys, name, _Closed())
        if getattr(sys, name) is None:
            setattr(sys, name, _Closed())
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def _hold(fd: int) -> None:
    """Point descriptor `fd` at /dev/null: a stream that failed writes nowhere from now on (the flush at exit too)."""
    _held.add(fd)
    try:
        devnull = os.open(os.devnull, os.O_RDWR)
    except OSError:
        return
    if devnull != fd:
        os.dup2(devnull, fd)
        os.close(devnull)


def lost(fd: int) -> None:
    """A standard stream failed (closed, a broken pipe, a full disk): remembered for the exit code, then held."""
    _failed.append(fd)
    _hold(fd)


def exit_code(code: int) -> int:
    """The run's exit code: a failed standard stream is an I/O error of the environment (2), unless the command
    has a verdict to give (over budget 1, unproven 4) or an error of its own; never "done"."""
    return EXIT_INPUT if _failed and code == EXIT_OK else code


def err(text: str) -> None:
    """A line (or lines) on stderr; control characters in it (from a name or label) are shown, not obeyed. A
    stderr that cannot be written is remembered (the exit code says so), never an error of its own."""
    try:
        sys.stderr.write(visible_lines(text.rstrip("\n")) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # ValueError: a stream closed from Python
        lost(2)


def stdout_failed(exc: OSError | ValueError) -> None:
    """stdout could not take the result: said on stderr (if it can be), and remembered for the exit code."""
    lost(1)
    reason = (exc.strerror if isinstance(exc, OSError) else None) or str(exc)
    err(fail_line(tr(current(), "cli.stdout-failed", reason=reason), current()))


def fail_line(text: str, lang: str = "en") -> str:
    """An error as the line a user reads: `error: ...` (错误：... in Chinese); one problem, one line."""
    return tr(lang, "cli.error", text=visible(text))


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
    """The result on stdout, or in `output`: a regular file is written whole or not at all (a temporary file
    beside it, renamed over it), a device or FIFO is written through (opened and written, never replaced)."""
    if output is None:
        try:
            _write_all(text, sys.stdout)
        except (OSError, ValueError) as exc:  # closed, a broken pipe, a full disk: the notes and verdict follow
            stdout_failed(exc)
        return
    held = _held_stream(output)
    if held is not None:  # /dev/stdout with stdout closed: the closed stream, not the /dev/null that holds it
        closed = OSError(errno.EBADF, os.strerror(errno.EBADF))
        if held == 1:
            stdout_failed(closed)
            return
        raise _cannot_write(output, closed)
    try:
        found = os.stat(output)  # through links: /dev/stdout is the stream it names
    except FileNotFoundError:
        found = None
    except OSError as exc:
        raise _cannot_write(output, exc) from None
    if found is not None and not stat.S_ISDIR(found.st_mode):
        if not stat.S_ISREG(found.st_mode) or os.path.abspath(output).startswith(("/dev/", "/proc/")):
            _write_through(text, output)  # nothing under /dev or /proc is replaced (/dev/stdout to a file, say)
            return
    _refuse_read_only(output, found)
    _replace(text, Path(os.path.realpath(output)))  # a link keeps pointing at the file, now with the result


def _held_stream(path: Path) -> int | None:
    """The held standard descriptor `path` names (/dev/stdout, /dev/fd/1, /proc/self/fd/1, through any links),
    if it names one. Followed a link at a time: the descriptor's own entry links on to /dev/null, which must not
    be mistaken for the stream, nor /dev/null named outright for a closed one."""
    if not _held:
        return None
    fd_dirs = {os.path.realpath(f"/proc/{os.getpid()}/fd"), os.path.realpath("/dev/fd")}
    name = os.path.abspath(path)
    for _ in range(40):  # as the system's own limit on links followed (ELOOP)
        parent, base = os.path.split(name)
        parent = os.path.realpath(parent)
        if parent in fd_dirs and base.isascii() and base.isdigit():
            return int(base) if int(base) in _held else None
        try:
            name = os.path.join(parent, os.readlink(os.path.join(parent, base)))
        except OSError:  # not a link (or not there): it names a file, not a descriptor
            return None
    return None


def _refuse_read_only(output: Path, found: os.stat_result | None) -> None:
    """As `cp` without -f: a file nobody may write is not replaced, even by root, whom rename would let."""
    if found is not None and stat.S_ISREG(found.st_mode):
        if found.st_mode & 0o222 == 0 or not os.access(output, os.W_OK):
            raise UsageError(msg("cli.output-read-only", path=str(output)))


def _write_all(text: str, stream: TextIO) -> None:
    """`text` written whole to `stream` or an error raised. The bytes go to the binary buffer in a loop: a pipe
    whose reader quits part way takes a short write, which the text layer would drop without a word (the rest of
    the result lost, exit 0); the next write of the rest then fails as a broken pipe."""
    stream.flush()  # whatever the text layer holds goes first
    buffer = getattr(stream, "buffer", None)
    if buffer is None:  # a text-only stream (a test's StringIO): it takes all or raises
        stream.write(text)
        stream.flush()
        return
    data = memoryview(text.encode(stream.encoding or "utf-8", stream.errors or "strict"))
    while data:
        data = data[buffer.write(data) :]
    buffer.flush()


def _write_through(text: str, output: Path) -> None:
    """A device, FIFO or socket as the target: opened (never created nor replaced) and written."""
    try:
        with open(os.open(output, os.O_WRONLY | os.O_NOCTTY), "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise _cannot_write(output, exc) from None


def _replace(text: str, target: Path) -> None:
    """A regular file written whole or not at all: a temporary file beside it, renamed over it. The temporary
    name is short, so a target whose own name is as long as the system allows is written too."""
    import tempfile

    temp = None
    try:
        fd, temp = tempfile.mkstemp(prefix=".artlab-cost-", suffix=".tmp", dir=target.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temp, _mode(target))  # as if written in place, not the private mode of a temporary file
        os.replace(temp, target)
    except OSError as exc:
        if temp is not None and os.path.exists(temp):
            os.unlink(temp)
        raise _cannot_write(target, exc) from None


def _cannot_write(path: Path, exc: OSError) -> UsageError:
    return UsageError(msg("cli.cannot-write", path=str(path), reason=exc.strerror or str(exc)))


def refuse_inputs(output: Path | None, inputs: Sequence[str | None]) -> None:
    """-o must not name a file the command reads (the same file: device and inode, so a link or another name
    for it counts), nor the file stdin was redirected from when an input is `-`, nor a read-only file: all
    checked before the work, so a long compare-plans is not run for a result that cannot be written."""
    if output is None:
        return
    try:
        target = os.stat(output)
    except OSError:
        return  # nothing there yet, so nothing read from it
    if not os.path.abspath(output).startswith(("/dev/", "/proc/")):  # written through, never replaced
        _refuse_read_only(output, target)
    for name in inputs:
        if not name or name.startswith("git:"):
            continue
        try:
            read = os.fstat(0) if name == "-" else os.stat(name)
        except OSError:
            continue  # a missing input: reported when it is read
        if stat.S_ISREG(target.st_mode) and os.path.samestat(read, target):
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
            err(tr(lang, "cli.warning", text=visible(word(n.msg, lang))))
        elif not inline_notes and not quiet:
            err(tr(lang, "cli.note", text=visible(word(n.msg, lang))))
    if verdict is None:
        return EXIT_OK
    err(visible(verdict))
    return EXIT_BUDGET if exceeded else EXIT_OK


def fail(error: ArtlabCostError) -> NoReturn:
    """A user's mistake: one `error:` line per problem on stderr, in the run's language, and its exit code."""
    lang = current()
    for line in error.lines(lang):
        err(fail_line(line, lang))
    raise typer.Exit(error.exit_code)


def guard(body: Callable[[], int]) -> None:
    """Run a command body; a user's mistake becomes one line per problem on stderr and its exit code, and a
    standard stream that failed on the way exit 2 unless a verdict (1, 4) says more."""
    try:
        code = body()
    except ArtlabCostError as error:
        fail(error)
    except OSError as exc:  # no file named: stdout, which validate writes itself, closed, broken or full
        if exc.filename is None:
            stdout_failed(exc)
        else:
            err(fail_line(tr(current(), "cli.io-failed", reason=exc.strerror or str(exc)), current()))
        code = EXIT_INPUT
    try:
        sys.stdout.flush()  # what is still buffered fails here, said, not at the interpreter's exit (code 120)
    except (OSError, ValueError) as exc:
        stdout_failed(exc)
    raise typer.Exit(exit_code(code))
