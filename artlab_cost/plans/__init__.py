"""Plan comparison: the distinct ways to pay for one scenario's usage, the cheapest proven by branch and bound.

    space.py       the plans the purchase rules allow, as decisions
    program.py     a linear program with named columns and rows and exact coefficients
    model.py       the relaxation that bounds a region of plans from below, one function per constraint family
    session.py     the relaxation in HiGHS: regions, switched rows, linear bounds by weak duality
    sets.py        the sets of offers one at a time in the order of their bounds: a best-first tree
    search.py      the sets of offers in the order of their bound, then each set's counts by branch and bound
    branching.py   the column a region is split on: pseudo-costs learnt from the splits made
    finish.py      what is made of the plans found: free claims not needed left out, counts within a fen
    comparison.py  compare(): candidates, search, ranking, break-even prices and notes
    robust.py      usage given as ranges: each case searched, the robust plan; how far a plan stays the cheapest
    robustness.py  the values robust.py answers with, which a comparison carries
    breakeven.py   the break-even price of each offer: searches of the plans that buy it at a rising price

Every plan that is ranked is run through the same engine as `estimate`; the relaxation only
decides which plans need not be. HiGHS is imported when a comparison is made (session.py), which
`estimate` never does.
"""

from .breakeven import BreakEven
from .comparison import Comparison, compare
from .plan import Limits, Plan, Status
from .space import Action

__all__ = ["Action", "BreakEven", "Comparison", "Limits", "Plan", "Status", "compare"]
