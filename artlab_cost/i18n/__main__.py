"""`python -m artlab_cost.i18n`: compile every catalogue's .po into the .mo that gettext reads."""

from __future__ import annotations

import sys

from .po import compile_all

if __name__ == "__main__":
    for path in compile_all():
        sys.stdout.write(f"compiled {path}\n")
