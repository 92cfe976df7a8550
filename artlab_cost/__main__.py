"""The command line's entry point: `python -m artlab_cost` and the `artlab-cost` console script.

Start-up makes most of the objects a run ever holds: the modules, classes and functions of Typer,
PyYAML and the package, alive until the process ends. The cyclic garbage collector is kept off
while they are made, then told to leave them be (`gc.freeze`): its collections, at start-up and
while the command runs, scan only what the command itself makes. It stays on for the command, so
a long plan search still frees its cycles (bench/startup.py measures what this saves).
"""

import gc


def main() -> None:
    was_on = gc.isenabled()  # on in a fresh process; a program calling this in its own keeps its setting
    gc.disable()
    try:
        from .cli import main as command_line
    finally:
        if was_on:
            gc.enable()
    gc.freeze()
    command_line()


if __name__ == "__main__":
    main()
