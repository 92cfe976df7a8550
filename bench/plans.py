"""How long the plan search (`compare-plans`) takes, against a plain `estimate`.

Part 1, the examples: for each file in examples/, `artlab-cost compare-plans FILE --format json`
and `artlab-cost estimate FILE --format json` run side by side, interleaved, --runs times each;
the report gives the medians and their ratio (goal: compare-plans at most 3x estimate), with
the engine runs and plans allowed the search reports in its JSON.

Part 2, a generated scenario where every offer of the bundled price sheet is eligible (a new
user and a student, holding nothing) for a year, with usage of every meter sized so that about
20 compute-pack-100 could absorb it, and two traffic-pack-10 (10 GB a month each) the traffic.
It is written as YAML, loaded with `artlab_cost.scenario.load_scenario`, and
`artlab_cost.plans.compare` is timed in-process (goal: under 2 seconds), with the number of
engine runs (`Comparison.runs`).

It reports and never gates: the exit status is 0 whatever the numbers.

    python bench/plans.py [--runs 9] [--compare-runs 3] [--cmd "artlab-cost"]
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import _util as u

u.use_checkout()

from artlab_cost.engine import price_usage  # noqa: E402
from artlab_cost.plans import compare  # noqa: E402
from artlab_cost.pricing import load_sheet  # noqa: E402
from artlab_cost.render.common import plan_name  # noqa: E402
from artlab_cost.scenario import load_scenario  # noqa: E402

RATIO_GOAL = 3.0
COMPARE_GOAL = 2.0  # seconds

# About 20 packs of each: compute about 1,920 yuan at list price a year (20 x 100 yuan packs),
# traffic 198 GB a year (20 x 10 GB packs).
GENERATED = """\
name: generated, every offer eligible, about 20 traffic and 20 compute packs of usage
account:
  new_user: true
  student: true
period:
  start: 2027-01-01
  months: 12
usage:
  - {kind: shared, label: daily drafts, gpu_seconds: 585, per: day}
  - {kind: shared, label: review weeks, tool: comfyui, images: 100, seconds_per_image: 10, per: week,
     from: 2027-03-01, until: 2027-04-30}
  - {kind: dedicated, label: LoRA training, spec: ded-8.07, hours_per_day: 0.5, days_per_week: 1}
  - {kind: storage, label: models and outputs, gb: 20, growth_gb_per_month: 3}
  - {kind: traffic, label: downloads, gb_per_month: 16.5, idle_share: 0.25}
  - {kind: requests, label: gallery, put_per_month: 5200000, get_per_month: 21000000}
holdings: []
"""


def absorbable(scenario, sheet) -> dict[str, tuple[Decimal, int]]:  # type: ignore[no-untyped-def]
    """List-price compute yuan and billable traffic GB of the period, and how many packs they would fill."""
    priced = price_usage(scenario, sheet)
    compute = sum(
        (
            amount * pd.count
            for pd in priced.days
            for key, _, _, amount in pd.charges
            if key.split(":")[0] in ("shared_gpu", "dedicated")
        ),
        Decimal(0),
    )
    monthly: dict[str, Decimal] = {}
    for pd in priced.days:
        for key, _, billable, _ in pd.charges:
            if key in ("traffic_busy", "traffic_idle"):
                monthly[pd.month] = monthly.get(pd.month, Decimal(0)) + billable * pd.count
    fullest = max(monthly.values(), default=Decimal(0))  # traffic-pack-10 is 10 GB a month (OSS 包月周期型)
    return {
        "compute-pack-100": (compute, math.ceil(compute / 100)),
        "traffic-pack-10": (fullest, math.ceil(fullest / 10)),
    }


def part_examples(tool: list[str], runs: int) -> tuple[list[str], list[str]]:
    files = u.examples()
    kinds = {"compare": "compare-plans", "estimate": "estimate"}
    times: dict[tuple[str, str], list[float]] = {}
    problems: dict[tuple[str, str], str] = {}
    search: dict[str, dict] = {}

    def once(kind: str, path: Path) -> float:
        t = u.run_timed([*tool, kinds[kind], str(path), "--format", "json"])
        if t.returncode != 0:
            problems.setdefault((path.name, kind), f"exit {t.returncode}: {u.first_error(t.stderr)}")
        else:
            try:
                data = json.loads(t.stdout)
                if kind == "compare":
                    search[path.name] = data.get("search", {})
            except ValueError as exc:
                problems.setdefault((path.name, kind), f"stdout is not JSON: {exc}")
        return t.seconds

    for path in files:  # warm-up
        for kind in kinds:
            once(kind, path)
    order = list(kinds)
    for r in range(runs):
        for i, path in enumerate(files):
            for kind in order if (r + i) % 2 == 0 else order[::-1]:
                times.setdefault((path.name, kind), []).append(once(kind, path))

    rows, misses = [], []
    for path in files:
        c, e = u.median(times[(path.name, "compare")]), u.median(times[(path.name, "estimate")])
        ratio = c / e
        ok = ratio <= RATIO_GOAL
        if not ok:
            misses.append(f"{path.name}: compare-plans {ratio:.2f}x estimate (goal: at most {RATIO_GOAL:.0f}x)")
        s = search.get(path.name, {})
        rows.append(
            [
                path.name,
                u.fmt_s(e),
                u.fmt_s(c),
                f"{u.fmt_ratio(ratio)} {u.verdict(ok)}",
                u.spread(times[(path.name, "compare")]),
                str(s.get("engine_runs", "?")),
                str(s.get("plans_allowed", "?")),
            ]
        )
    print(f"Part 1: examples, median of {runs} interleaved runs each (after one warm-up), wall time spawn to exit")
    print(
        u.table(
            [
                "example",
                "estimate",
                "compare-plans",
                f"ratio (<= {RATIO_GOAL:.0f})",
                "compare min-max",
                "engine runs",
                "plans allowed",
            ],
            rows,
        )
    )
    odd = [f"{name} [{kinds[kind]}]: {err}" for (name, kind), err in sorted(problems.items())]
    return misses, odd


def discounted_sheet():  # type: ignore[no-untyped-def]
    """The bundled sheet with compute-pack-100 at 90 yuan, so two stackable offers are searched at once."""
    from artlab_cost import yamlsrc
    from artlab_cost.pricing import bundled_path, parse_sheet

    text = bundled_path().read_text(encoding="utf-8")
    start = text.index("  compute-pack-100:")
    text = text[:start] + text[start:].replace("    price: 100\n", "    price: 90\n", 1)
    return parse_sheet(yamlsrc.parse(text, "bundled pricing.yaml, compute-pack-100 at 90 (bench variant)"))


def part_generated(runs: int, keep: Path | None, sheet=None) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    sheet = sheet or load_sheet()
    misses, odd = [], []
    with tempfile.TemporaryDirectory(prefix="artlab-bench-") as tmp:
        path = Path(tmp) / "every-offer.yaml"
        path.write_text(GENERATED, encoding="utf-8")
        if keep:
            keep.mkdir(parents=True, exist_ok=True)
            (keep / path.name).write_text(GENERATED, encoding="utf-8")
        scenario = load_scenario(path, sheet, path.name)
    ineligible = [
        o.id
        for o in sheet.offers.values()
        if ("new_user" in o.eligible and not scenario.new_user) or ("student" in o.eligible and not scenario.student)
    ]
    times, comparison = [], None
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        comparison = compare(scenario, sheet)
        times.append(time.perf_counter() - t0)
    assert comparison is not None
    med = u.median(times)
    ok = med < COMPARE_GOAL
    if not ok:
        misses.append(f"generated scenario: compare() took {u.fmt_s(med)} (goal: under {COMPARE_GOAL:.0f} s)")

    print(
        f"Part 2: generated scenario, every offer eligible ({len(sheet.offers)} offers in {sheet.origin}"
        + (f"; NOT eligible: {', '.join(ineligible)}" if ineligible else ", all eligible")
        + ")"
    )
    for offer, (amount, n) in absorbable(scenario, sheet).items():
        unit = "yuan of compute at list price" if offer.startswith("compute") else "GB of billable traffic"
        print(f"  usage: {amount:.2f} {unit}: {n} x {offer} could absorb it")
    print(
        f"  compare(): median {u.fmt_s(med)} of {runs} runs (min-max {u.spread(times)}) {u.verdict(ok)} "
        f"(goal: under {COMPARE_GOAL:.0f} s)"
    )
    print(
        f"  engine runs (Comparison.runs): {comparison.runs}; plans the rules allow (Comparison.space): "
        f"{comparison.space}; {comparison.runs / max(comparison.space, 1):.2%} of them run"
    )
    print(f"  time per engine run: {u.fmt_s(med / max(comparison.runs, 1))}")
    print(
        f"  everything postpaid: {comparison.postpaid_only} yuan; nothing more than held: "
        f"{comparison.baseline.costs.cash} yuan"
    )
    print("  ranked plans:")
    for i, plan in enumerate(comparison.plans, 1):
        name = plan_name(plan, comparison.free)
        print(f"    {i:2}. {plan.costs.cash:>10.2f} yuan cash ({plan.costs.upfront} upfront): {name}")
    print("  notes:")
    for note in comparison.notes:
        print(f"    - {note}")
    # Plausibility: the best plan is no dearer than holding nothing more, nor than everything postpaid.
    best = comparison.plans[0]
    cash = best.costs.cash
    if cash > comparison.baseline.costs.cash:
        odd.append(f"generated: best plan {cash} costs more than the baseline {comparison.baseline.costs.cash}")
    if cash > comparison.postpaid_only:
        odd.append(f"generated: best plan {cash} costs more than everything postpaid {comparison.postpaid_only}")
    if max(times) > 3 * min(times):
        odd.append(f"generated: compare() times vary a lot ({u.spread(times)}): the machine was busy?")
    return misses, odd


def main() -> int:
    p = argparse.ArgumentParser(description="compare-plans against estimate, and the plan search on a big scenario.")
    p.add_argument("--runs", type=int, default=9, help="timed runs of each command per example (default 9)")
    p.add_argument("--compare-runs", type=int, default=3, help="timed compare() runs, generated scenario (default 3)")
    p.add_argument(
        "--cmd",
        default=None,
        help="the artlab-cost command, split like a shell would (default: this interpreter -m artlab_cost)",
    )
    p.add_argument("--keep", type=Path, default=None, help="also write the generated scenario to this directory")
    p.add_argument("--skip-examples", action="store_true", help="only part 2")
    args = p.parse_args()
    tool = u.tool_command(args.cmd)

    print("artlab-cost plan search benchmark")
    print("=" * 33)
    print(u.machine())
    print(f"tool: {' '.join(tool)}")
    print()
    misses, odd = [], []
    if not args.skip_examples:
        m, o = part_examples(tool, args.runs)
        misses += m
        odd += o
        print()
    for sheet in (load_sheet(), discounted_sheet()):
        m, o = part_generated(args.compare_runs, args.keep, sheet)
        misses += m
        odd += o
        print()
    if misses:
        print("Goals missed:")
        for line in misses:
            print(f"  - {line}")
    else:
        print("Goals: all met")
    if odd:
        print()
        print("Odd:")
        for line in odd:
            print(f"  - {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
