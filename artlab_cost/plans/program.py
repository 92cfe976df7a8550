"""A linear program with named columns and rows and exact coefficients, and its copy for HiGHS.

The model (model.py) writes its variables and constraints here by name; the solver session
(session.py) reads the float arrays HiGHS is given. Every coefficient and bound is kept as an
exact fraction beside its float, so a bound computed from the solver's duals (weak duality) can
be checked against the program as written, and `write_lp` dumps it as a readable `.lp` file
(docs/plans.md, "The formulation", names the families).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

Term = tuple[int, Fraction]  # (column, coefficient)

_NOT_IN_LP_NAMES = re.compile(r"[^A-Za-z0-9_.!\"#$%&()/,;?@`'{}|~]")  # the characters an LP file allows in a name


def lp_name(text: str) -> str:
    """A name as an LP file may hold it: letters, digits and a few signs; anything else becomes `_`."""
    return _NOT_IN_LP_NAMES.sub("_", text)


@dataclass
class Program:
    """Columns and rows as they are written, each under a unique name: minimise cost . x subject to
    row_lower <= A x <= row_upper and lower <= x <= upper (None: no bound on that side of a row)."""

    names: list[str] = field(default_factory=list)
    cost: list[Fraction] = field(default_factory=list)
    lower: list[Fraction] = field(default_factory=list)
    upper: list[Fraction] = field(default_factory=list)
    whole: list[int] = field(default_factory=list)  # columns a plan takes whole: integer in the branch and cut
    row_names: list[str] = field(default_factory=list)
    row_lower: list[Fraction | None] = field(default_factory=list)
    row_upper: list[Fraction | None] = field(default_factory=list)
    entries: list[tuple[int, int, Fraction]] = field(default_factory=list)  # (row, column, coefficient)
    _taken: set[str] = field(default_factory=set)

    def _unique(self, name: str) -> str:
        name = lp_name(name)
        out, n = name, 1
        while out in self._taken:
            n += 1
            out = f"{name}~{n}"
        self._taken.add(out)
        return out

    def column(self, name: str, cost: Fraction, lower: Fraction, upper: Fraction, whole: bool = False) -> int:
        self.names.append(self._unique(name))
        self.cost.append(cost)
        self.lower.append(lower)
        self.upper.append(upper)
        if whole:
            self.whole.append(len(self.cost) - 1)
        return len(self.cost) - 1

    def row(self, name: str, terms: list[Term], lower: Fraction | None, upper: Fraction | None) -> int:
        r = len(self.row_lower)
        self.row_names.append(self._unique(name))
        self.row_lower.append(lower)
        self.row_upper.append(upper)
        self.entries += [(r, c, v) for c, v in terms if v]
        return r

    @property
    def columns(self) -> int:
        return len(self.cost)

    @property
    def rows(self) -> int:
        return len(self.row_lower)

    def to_highs(self, highs: Any, integral: bool = False) -> dict[str, Any]:
        """Pass the program to a HiGHS instance (its names too), the whole columns integer if `integral`; return
        the float arrays it was given (cost, lower, upper, row_lo, row_hi, and the entries by column)."""
        import highspy
        import numpy as np

        inf = highspy.kHighsInf
        n, m = self.columns, self.rows
        rows = np.array([r for r, _, _ in self.entries], dtype=np.int64)
        cols = np.array([c for _, c, _ in self.entries], dtype=np.int64)
        vals = np.array([float(v) for _, _, v in self.entries])
        order = np.lexsort((rows, cols))
        arrays = {
            "cost": np.array([float(c) for c in self.cost]),
            "lower": np.array([float(x) for x in self.lower]),
            "upper": np.array([float(x) for x in self.upper]),
            "row_lo": np.array([float(x) if x is not None else -inf for x in self.row_lower]),
            "row_hi": np.array([float(x) if x is not None else inf for x in self.row_upper]),
            "rows": rows[order],
            "cols": cols[order],
            "vals": vals[order],
        }
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n, m
        lp.col_cost_, lp.col_lower_, lp.col_upper_ = arrays["cost"], arrays["lower"], arrays["upper"]
        lp.row_lower_, lp.row_upper_ = arrays["row_lo"], arrays["row_hi"]
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.searchsorted(arrays["cols"], np.arange(n + 1)).astype(np.int32)
        lp.a_matrix_.index_ = arrays["rows"].astype(np.int32)
        lp.a_matrix_.value_ = arrays["vals"]
        highs.passModel(lp)
        for j, name in enumerate(self.names):
            highs.passColName(j, name)
        for r, name in enumerate(self.row_names):
            highs.passRowName(r, name)
        if integral and self.whole:
            whole = np.array(self.whole, dtype=np.int32)
            highs.changeColsIntegrality(len(whole), whole, np.full(len(whole), highspy.HighsVarType.kInteger))
        return arrays

    def write_lp(self, path: str | Path, highs: Any) -> None:
        """The program as HiGHS holds it, written as an LP file (for reading a wrong constraint at a glance)."""
        highs.writeModel(str(path))
