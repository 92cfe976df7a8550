"""The one error family artlab-cost raises; the command line maps it to an exit code.

An error carries its message as a coded record (`Msg`) and words it with `i18n.word` when it is shown,
so this module sits just above `i18n` in the layers (docs/architecture.md).
"""

from __future__ import annotations

from typing import NamedTuple

from .i18n import word
from .messages import Msg

EXIT_OK = 0
EXIT_BUDGET = 1
EXIT_INPUT = 2
EXIT_BUG = 3  # an internal error: never expected, never a budget verdict
EXIT_UNPROVEN = 4  # compare-plans --require-proven: the first plan is the best found, not proven cheapest


class Problem(NamedTuple):
    """One thing wrong with an input file, located as FILE:LINE:COLUMN, with a field path."""

    file: str
    line: int  # 1-based; 0 when the problem has no position (the file as a whole)
    column: int  # 1-based
    path: str  # dotted field path, "" for the document itself
    msg: Msg

    @property
    def message(self) -> str:
        return word(self.msg)

    def text(self, lang: str = "en") -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        field = f" {self.path}:" if self.path else ""
        return f"{where}:{field} {word(self.msg, lang)}"

    def __str__(self) -> str:
        return self.text()


class ArtlabCostError(Exception):
    """Base of every error a user can cause; carries the exit code the command line uses."""

    exit_code = EXIT_INPUT

    def __init__(self, msg: Msg) -> None:
        self.msg = msg
        super().__init__(msg)

    def lines(self, lang: str = "en") -> list[str]:
        """The error as the lines a user reads, one per problem."""
        return [word(self.msg, lang)]

    def __str__(self) -> str:
        return "\n".join(self.lines())


class InputError(ArtlabCostError):
    """One or more problems in a price sheet or scenario file."""

    def __init__(self, problems: list[Problem]) -> None:
        # by place in the file; at one place, in the order the checks found them (a range's low end before its high)
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.column))
        super().__init__(self.problems[0].msg if self.problems else Msg("input.invalid", {}))

    def lines(self, lang: str = "en") -> list[str]:
        return [p.text(lang) for p in self.problems]


class UsageError(ArtlabCostError):
    """A command-line option or API argument that cannot be honoured (an unknown offer name, say)."""


class AssumedError(ArtlabCostError):
    """--strict: the result rests on values the price sheet (or the scenario) marks as assumed."""

    def __init__(self, reasons: list[Msg]) -> None:
        self.reasons = reasons
        super().__init__(reasons[0])

    def lines(self, lang: str = "en") -> list[str]:
        return [word(m, lang) for m in self.reasons]
