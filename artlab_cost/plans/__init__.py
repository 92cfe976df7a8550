"""Plan comparison: the ways to pay for one scenario's usage, searched exhaustively with sound pruning.

    space.py    the plans the purchase rules allow, as decisions
    bounds.py   why a part of the space can be skipped (docs/plans.md)
    search.py   the depth-first search and the plans it keeps
    compare.py  compare(): candidates, search, trimming, ranking and notes

Every plan that is ranked is run through the same engine as `estimate`.
"""

from .compare import Comparison, compare
from .search import Plan
from .space import Action

__all__ = ["Action", "Comparison", "Plan", "compare"]
