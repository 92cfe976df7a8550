"""Rewrite the golden files under tests/golden/ from the current CLI output.

Usage, from anywhere:

    python tests/regen_golden.py          # rewrite every golden file
    python tests/regen_golden.py --check  # only report which ones differ (exit 1 if any)

Each golden is the stdout of one CLI run on one file of examples/, made the way
tests/test_golden.py makes it: Typer's CliRunner, COLUMNS=80, NO_COLOR=1, ARTLAB_COST_PRICING
unset (so the bundled pricing.yaml is used), run from the repository root with the scenario
named as examples/<stem>.yaml. After regenerating, read every changed file (git diff
tests/golden) before committing it: a golden is a snapshot, not a proof.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))

# The environment every golden is made in: a fixed width, no colour, the bundled sheet.
ENV: dict[str, str | None] = {"COLUMNS": "80", "NO_COLOR": "1", "ARTLAB_COST_PRICING": None, "FORCE_COLOR": None}

ESTIMATE_FORMATS = ("table", "json", "csv", "markdown")
PLANS_FORMATS = ("table", "json")


@dataclass(frozen=True)
class Case:
    """One golden file: which command, on which example, in which format."""

    stem: str
    command: str  # "estimate" or "compare-plans"
    format: str

    @property
    def path(self) -> Path:
        middle = "" if self.command == "estimate" else "plans."
        return GOLDEN / f"{self.stem}.{middle}{self.format}"

    @property
    def args(self) -> list[str]:
        return [self.command, f"examples/{self.stem}.yaml", "--format", self.format]


def cases() -> list[Case]:
    out = []
    for example in EXAMPLES:
        out += [Case(example.stem, "estimate", fmt) for fmt in ESTIMATE_FORMATS]
        out += [Case(example.stem, "compare-plans", fmt) for fmt in PLANS_FORMATS]
    return out


@contextlib.contextmanager
def at_root() -> Iterator[None]:
    with contextlib.chdir(ROOT):
        yield


def run(case: Case) -> str:
    """The CLI's stdout for a case; raises if the run did not exit 0."""
    from typer.testing import CliRunner

    from artlab_cost.cli import app

    with at_root():
        result = CliRunner().invoke(app, case.args, env=ENV)
    if result.exit_code != 0:
        raise RuntimeError(
            f"artlab-cost {' '.join(case.args)} exited {result.exit_code}\n{result.stderr}\n{result.exception!r}"
        )
    return result.stdout


def main(argv: list[str]) -> int:
    check = "--check" in argv
    GOLDEN.mkdir(parents=True, exist_ok=True)
    changed = []
    for case in cases():
        text = run(case)
        old = case.path.read_text(encoding="utf-8") if case.path.exists() else None
        if old == text:
            continue
        changed.append(case.path.relative_to(ROOT))
        if not check:
            case.path.write_text(text, encoding="utf-8")
    verb = "differ" if check else "rewritten"
    for path in changed:
        print(f"{verb}: {path}")
    print(f"{len(changed)} of {len(cases())} golden files {verb}")
    return 1 if check and changed else 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
