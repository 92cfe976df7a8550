"""The one error family artlab-cost raises; the CLI maps it to an exit code."""

from __future__ import annotations

from typing import NamedTuple

EXIT_OK = 0
EXIT_BUDGET = 1
EXIT_INPUT = 2
EXIT_BUG = 3  # an internal error: never expected, never a budget verdict


class Problem(NamedTuple):
    """One thing wrong with an input file, located as FILE:LINE:COLUMN."""

    file: str
    line: int  # 1-based; 0 when the problem has no position (the file as a whole)
    column: int  # 1-based
    path: str  # dotted field path, "" for the document itself
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        field = f" {self.path}:" if self.path else ""
        return f"{where}:{field} {self.message}"


class ArtlabCostError(Exception):
    """Base of every error a user can cause; carries the exit code the CLI uses."""

    exit_code = EXIT_INPUT


class InputError(ArtlabCostError):
    """One or more problems in a price sheet or scenario file."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.column, p.path))
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(ArtlabCostError):
    """A command-line option that cannot be honoured (an unknown offer name, say)."""
