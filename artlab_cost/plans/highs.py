"""HiGHS instances as the plan search sets them up: logging nothing, on one thread, with the options each kind of
program was measured to solve fastest with (docs/plans.md, "Where the time goes")."""

from __future__ import annotations

import os
import sys
from typing import Any

_banner_shown = False  # HiGHS prints a banner on stdout when its first instance in a process is made
RESTART_COLUMNS = 32  # above so many purchase columns the branch and cut may restart its root (docs/plans.md)


def instance() -> Any:
    """A HiGHS instance that logs nothing (output_flag, log_to_console).

    HiGHS 1.16 writes its banner to file descriptor 1 from the constructor of the first instance in a
    process, before any option can be set; stdout carries the result only, so that one construction, once
    per process, is made with descriptor 1 pointed at /dev/null. Every other instance is made as it is."""
    global _banner_shown
    import highspy

    if _banner_shown:
        highs = highspy.Highs()  # type: ignore[no-untyped-call]
    else:
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w", encoding="utf-8") as null:
                os.dup2(null.fileno(), 1)
                highs = highspy.Highs()  # type: ignore[no-untyped-call]
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _banner_shown = True
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("log_to_console", False)
    # One thread: the programs are small (hundreds of columns), and HiGHS's worker threads for the branch and
    # cut cost more than they give on a machine whose cores other work shares (docs/plans.md, the profile).
    highs.setOptionValue("threads", 1)
    return highs


def linear() -> Any:
    """An instance for the linear bounds, re-solved from a basis for each region (thousands of times)."""
    lp = instance()
    lp.setOptionValue("presolve", "off")  # presolving again only repeats work
    # Each region is solved from the basis of its parent's optimum (Bound.basis), set anew for each: dual
    # steepest-edge weights do not survive that and are rebuilt every time, Devex's are reset at no cost
    lp.setOptionValue("simplex_dual_edge_weight_strategy", 1)
    return lp


def branch_and_cut(columns: int) -> Any:
    """An instance for the bounds over whole counts, of a plan space of `columns` purchase columns."""
    mip = instance()
    mip.setOptionValue("mip_rel_gap", 1e-9)
    mip.setOptionValue("mip_abs_gap", 1e-6)
    # the feasibility-jump heuristic finds nothing the root's own heuristics do not, and costs a fifth of
    # each solve here (docs/plans.md, "The branch and cut without its feasibility-jump heuristic")
    mip.setOptionValue("mip_heuristic_run_feasibility_jump", False)
    # nor RINS and RENS; a restart of the root pays on a long horizon's program only (docs/plans.md, "The
    # branch and cut without RINS and RENS, restarting on long horizons only")
    mip.setOptionValue("mip_heuristic_run_rins", False)
    mip.setOptionValue("mip_heuristic_run_rens", False)
    mip.setOptionValue("mip_allow_restart", columns > RESTART_COLUMNS)
    return mip
