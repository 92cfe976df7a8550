"""The command line's entry point: `python -m artlab_cost` and the `artlab-cost` console script.

Start-up makes most of the objects a run ever holds: the modules, classes and functions of Typer,
PyYAML and the package, alive until the process ends. The cyclic garbage collector is kept off
while they are made, then told to leave them be (`gc.freeze`): its collections, at start-up and
while the command runs, scan only what the command itself makes. It stays on for the command, so
a long plan search still frees its cycles, but it collects the young generation less often
(YOUNG_COLLECTION).
"""

import gc
import os
import sys
from collections.abc import Mapping

INTERRUPTED = 130  # Ctrl-C, as the command line's own handler exits (cli/app.py)
# Objects made (less those freed) between two collections of the young generation while the command runs;
# Python's default is 700. An estimate makes hundreds of thousands of short-lived rationals and tuples, almost
# none in a cycle (reference counting frees them): collecting every 700 cost the studio example's JSON estimate
# 4 ms of its 150 (bench/startup.py). Cycles still go, a little later; peak memory did not move (134 MB for ten
# years of heavy use --by day, 73 MB for compare-plans on three).
YOUNG_COLLECTION = 50_000


def main() -> None:
    was_on = gc.isenabled()  # on in a fresh process; a program calling this in its own keeps its setting
    gc.disable()
    try:
        from .cli import main as command_line
    except KeyboardInterrupt:  # Ctrl-C while the modules load, before the command line's handler is there
        _interrupted()
    finally:
        if was_on:
            gc.enable()
    gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION, *thresholds[1:])
    try:
        command_line()
    finally:  # a program calling this in its own gets its thresholds back
        gc.set_threshold(*thresholds)


def _interrupted() -> None:
    """One line and exit 130, as Ctrl-C gives later: in Chinese when the language asked for is (--lang, then
    $ARTLAB_COST_LANG, then the locale, as cli/lang.py reads them), the catalogues being perhaps half loaded."""
    try:
        sys.stderr.write(("已中断" if _chinese(sys.argv[1:], os.environ) else "interrupted") + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):  # stderr closed or broken: the exit status says it
        pass
    raise SystemExit(INTERRUPTED)


def _chinese(args: list[str], env: Mapping[str, str]) -> bool:
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1].startswith("zh")
        if arg.startswith("--lang="):
            return arg.removeprefix("--lang=").startswith("zh")
    found = next((env[k] for k in ("ARTLAB_COST_LANG", "LC_ALL", "LC_MESSAGES", "LANG") if env.get(k)), "")
    return found.startswith("zh")


if __name__ == "__main__":
    main()
