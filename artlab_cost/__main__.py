"""`python -m artlab_cost` runs the command line."""

from .cli import main

main()
