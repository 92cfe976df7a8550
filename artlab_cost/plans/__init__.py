"""Plan comparison: the distinct ways to pay for one scenario's usage, the cheapest proven by branch and bound.

    space.py    the plans the purchase rules allow, as decisions
    relax.py    the linear relaxation that bounds a region of plans from below (HiGHS)
    search.py   branch and bound over sets of offers, then over each set's counts
    compare.py  compare(): candidates, search, trimming, ranking and notes

Every plan that is ranked is run through the same engine as `estimate`; the relaxation only
decides which plans need not be. Importing this package imports HiGHS (through relax.py, when
a comparison is made), which `estimate` never does.
"""

from .compare import Comparison, compare
from .search import Limits, Plan, Status
from .space import Action

__all__ = ["Action", "Comparison", "Limits", "Plan", "Status", "compare"]
