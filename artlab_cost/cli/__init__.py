"""The command line: parse, call the library API, render, finish. No billing logic lives here.

app.py       the Typer app and main(): usage errors and internal errors as one line, exit codes
options.py   options shared by the commands, and the parsing of their values
output.py    the finish step every command shares: write the result, notes, budget verdict, exit code
commands.py  the commands themselves
"""

from . import commands as _commands  # noqa: F401  (registers the commands on the app)
from .app import app, main

__all__ = ["app", "main"]
