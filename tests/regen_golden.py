"""Rewrite the golden files under tests/golden/ from the current CLI output.

Usage, from anywhere:

    python tests/regen_golden.py          # rewrite every golden file
    python tests/regen_golden.py --check  # only report which ones differ (exit 1 if any)

Each golden is what `artlab-cost <command> ... --format <format>` prints on stdout off a terminal
at 80 columns with the bundled pricing.yaml, the scenario named as examples/<stem>.yaml. To keep
the suite fast they are made by the renderers from results computed once (tests/helpers.py), with
the view the command line uses off a terminal; tests/test_golden.py also runs the command line
itself on one example in every format and checks it prints the same. After regenerating, read
every changed file (git diff tests/golden) before committing it: a golden is a snapshot, not a
proof.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
FORMATS = ("table", "json", "csv", "markdown", "html")
ZH = ("table", "markdown")  # the formats with text for people, in Chinese too
DIFF_BASE = "new-user-starter"  # diff goldens: this example against the same user grown (tests/data)
DIFF_NEW = "tests/data/new-user-grown.yaml"


@dataclass(frozen=True)
class Case:
    """One golden file: which command, on which example (none for `pricing`), in which format."""

    stem: str
    command: str  # "estimate", "compare-plans", "diff" or "pricing"
    format: str
    lang: str = "en"

    @property
    def path(self) -> Path:
        middle = {"estimate": "", "compare-plans": "plans.", "diff": "diff.", "pricing": ""}[self.command]
        lang = "" if self.lang == "en" else f"{self.lang}."
        return GOLDEN / f"{self.stem}.{middle}{lang}{self.format}"

    @property
    def args(self) -> list[str]:
        lang = [] if self.lang == "en" else ["--lang", self.lang]
        if self.command == "pricing":
            return ["pricing", "--format", self.format, *lang]
        if self.command == "diff":
            return ["diff", f"examples/{self.stem}.yaml", DIFF_NEW, "--format", self.format, *lang]
        return [self.command, f"examples/{self.stem}.yaml", "--format", self.format, *lang]


def cases() -> list[Case]:
    out = []
    for example in EXAMPLES:
        out += [Case(example.stem, "estimate", fmt) for fmt in FORMATS]
        out += [Case(example.stem, "compare-plans", fmt) for fmt in FORMATS]
    out += [Case("pricing", "pricing", fmt) for fmt in FORMATS]
    out += [Case(DIFF_BASE, "diff", fmt) for fmt in FORMATS]
    # Chinese (--lang zh): the formats people read, for every example and command
    for example in EXAMPLES:
        out += [Case(example.stem, command, fmt, "zh") for command in ("estimate", "compare-plans") for fmt in ZH]
    out += [Case("pricing", "pricing", fmt, "zh") for fmt in ZH]
    out += [Case(DIFF_BASE, "diff", fmt, "zh") for fmt in ZH]
    return out


def run(case: Case) -> str:
    """What the command line prints for a case: the renderer, on the cached result, with the CLI's view."""
    from helpers import bundled_sheet, comparison, example

    from artlab_cost.render import OutputFormat, View, renderer

    module = renderer(OutputFormat(case.format))
    view = View(notes=False, scenario_path=f"examples/{case.stem}.yaml", lang=case.lang)
    if case.command == "estimate":
        return module.estimate(example(case.stem).estimate, view)
    if case.command == "compare-plans":
        return module.plans(comparison(case.stem), view)
    if case.command == "diff":
        from helpers import diff_result

        return module.diff(diff_result(), view)
    return module.pricing(bundled_sheet(), view)


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
    sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
    sys.exit(main(sys.argv[1:]))
