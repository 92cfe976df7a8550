"""The column a region is split on: pseudo-costs, learnt from the splits a search has made (docs/plans.md).

Splitting a region on a column whose optimum is fractional, at x = n + f, makes a part below (x <= n) and a
part above (x >= n + 1). How far each part's bound rises is known only once it is solved; a column's
pseudo-costs are the mean rise per unit of fraction cut off, down (rise / f) and up (rise / (1 - f)), over
the splits on that column so far. A column is scored by the rises they predict, down x up (the product
favours a split that moves both parts); one not split yet, in either direction, by its pack's price in place
of that mean. The score orders splits only: the bounds themselves, and so every ranking, do not depend on it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction

# a predicted rise no smaller than this counts as this much, so that a column whose parts one way rise by
# nothing is still told apart by its other way
FLOOR = 1e-6


class PseudoCosts:
    """Each column's mean rise of the bound per unit of fraction, down and up."""

    def __init__(self) -> None:
        self._down: dict[int, tuple[float, int]] = {}  # column -> (sum of rise / f, splits)
        self._up: dict[int, tuple[float, int]] = {}  # column -> (sum of rise / (1 - f), splits)

    def learn(self, j: int, f: float, parent: Fraction, down: Fraction | None, up: Fraction | None) -> None:
        """A split on column j at fraction f of a region bounded at `parent`, its parts bounded at `down` and `up`
        (None: a part holds no plan, which says nothing of a rise)."""
        for rise_of, bound, share in ((self._down, down, f), (self._up, up, 1 - f)):
            if bound is not None and share > 0:
                total, splits = rise_of.get(j, (0.0, 0))
                rise_of[j] = (total + float(bound - parent) / share, splits + 1)

    def score(self, j: int, f: float, price: float) -> float:
        """How far a split of column j at fraction f is predicted to move its parts' bounds, down x up."""
        down = _mean(self._down.get(j), price) * f
        up = _mean(self._up.get(j), price) * (1 - f)
        return max(down, FLOOR) * max(up, FLOOR)


def _mean(learnt: tuple[float, int] | None, price: float) -> float:
    return price if learnt is None else learnt[0] / learnt[1]


def split(
    lo: Sequence[int], hi: Sequence[int], point: Sequence[float], pseudo: PseudoCosts, price: Callable[[int], float]
) -> tuple[int, float, int | None, list[tuple[int, int]]] | None:
    """How a region [lo, hi] whose optimum is `point` is split: (column j, its fraction, None, [below, above]) on the
    fractional column of best score (price(j): one unit's price), else (j, 0, v, [below, at, above]) around the
    value v of the widest free column; each part a range of x_j. None when no column is free."""
    free = [j for j in range(len(lo)) if lo[j] < hi[j]]
    if not free:
        return None
    frac = {j: point[j] - point[j] // 1 for j in free}  # fraction above the count below
    cut = [j for j in free if 1e-6 < frac[j] < 1 - 1e-6]
    if cut:
        j = max(cut, key=lambda k: (pseudo.score(k, frac[k], price(k)), frac[k]))
        return j, frac[j], None, [(lo[j], int(point[j] // 1)), (int(point[j] // 1) + 1, hi[j])]
    j = max(free, key=lambda k: hi[k] - lo[k])
    v = min(max(round(point[j]), lo[j]), hi[j])
    return j, 0.0, v, [(a, b) for a, b in ((lo[j], v - 1), (v, v), (v + 1, hi[j])) if a <= b]
