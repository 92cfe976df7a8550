"""How long the plan search (`compare-plans`) takes against a plain `estimate`, and whether it proves its answer.

Every figure is the wall time of the command line, spawn to exit (`--format json`), so start-up
and the solver's import count. The commands a ratio compares are run interleaved, in a rotated
order each round, and each part prints the load average it ran under. Four parts:

1. The examples: compare-plans and estimate side by side, interleaved, --runs times each.
   Goal: compare-plans at most 3x estimate, every ranking proven.
2. Heavy use of every meter on the bundled sheet (bench/scenarios/heavy-*.yaml: every offer
   eligible) over 12, 24, 36 and 120 months. Goals: 12, 24 and 36 months proven, each in at
   most 10x the time of estimate on the same scenario; 120 months proven within 60 s. Given for
   --top 10 (the default) and --top 1. The plan search alone (--no-break-even): the break-even
   prices, on by default, have their own part (4).
3. A studio's sheet with a dozen pack sizes, a stackable voucher and a bundle
   (bench/rich-pricing.yaml), a heavy and a moderate year (bench/scenarios/rich-*.yaml).
   Goal: both proven, each in at most 10x the time of estimate on the same scenario. The plan
   search alone (--no-break-even), as in part 2.
4. Break-even prices (compare-plans finds them for every offer with an assumed price): compare-plans
   against compare-plans --no-break-even and estimate, on the examples and 3 years of heavy use.
   Goals: every break-even proven, at most 3x compare-plans alone; the 3 years also at most 10x
   estimate. Run --heavy-runs times (interleaved).

5. Ranges and how far a plan holds, on the examples: each example with every usage figure made a
   range from 70% to 130% of it (written to a temporary directory), compare-plans with the ranges
   against without, and --stays-cheapest against the same command without it, interleaved.
   Goals: ranges within 4x of without; --stays-cheapest within a further 5x.

It reports and never gates: the exit status is 0 whatever the numbers.

    python bench/plans.py [--runs 5] [--heavy-runs 1] [--cmd "artlab-cost"] [--skip PART]
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
from decimal import Decimal
from pathlib import Path

import _util as u
import yaml

HERE = Path(__file__).resolve().parent
EXAMPLE_RATIO = 3.0
HORIZON_RATIO = 10.0
LONG_SECONDS = 60.0
RANGES_RATIO = 4.0
HOLDS_RATIO = 5.0
# the usage figures a range may replace (docs/scenario.md), and the whole-number ones among them
FIGURES = ("images", "seconds_per_image", "gpu_seconds", "hours_per_day", "gb", "growth_gb_per_month",
           "gb_per_month", "put_per_month", "get_per_month")  # fmt: skip


class Result:
    """One timed command: seconds, and the JSON it printed (search facts for compare-plans)."""

    def __init__(self, seconds: list[float], data: dict | None, error: str) -> None:  # type: ignore[type-arg]
        self.seconds = seconds
        self.data = data or {}
        self.error = error

    @property
    def median(self) -> float:
        return u.median(self.seconds)

    @property
    def search(self) -> dict:  # type: ignore[type-arg]
        return dict(self.data.get("search", {}))


def timed(tool: list[str], argv: list[str], runs: int) -> Result:
    seconds, data, error = [], None, ""
    for _ in range(runs):
        t = u.run_timed([*tool, *argv, "--format", "json"])
        seconds.append(t.seconds)
        if t.returncode != 0:
            error = f"exit {t.returncode}: {u.first_error(t.stderr)}"
            continue
        try:
            data = json.loads(t.stdout)
        except ValueError as exc:
            error = f"stdout is not JSON: {exc}"
    return Result(seconds, data, error)


def interleaved(tool: list[str], argvs: list[list[str]], runs: int) -> list[Result]:
    """Each command `runs` times, taken in turn and in a rotated order each round, so that a busy moment of a
    shared machine weighs on all of them alike: the ratio of their medians is what the goals compare."""
    samples: list[list[Result]] = [[] for _ in argvs]
    for r in range(runs):
        order = list(range(len(argvs)))
        order = order[r % len(order) :] + order[: r % len(order)]
        for k in order:
            samples[k].append(timed(tool, argvs[k], 1))
    return [Result([x.seconds[0] for x in got], got[-1].data, got[-1].error) for got in samples]


def proof(search: dict) -> str:  # type: ignore[type-arg]
    if not search:
        return "?"
    if search.get("proven"):
        return "proven"
    return f"not proven ({search.get('stopped')}; gap {search.get('gap')})"


def part_examples(tool: list[str], runs: int) -> list[str]:
    misses, rows = [], []
    for path in u.examples():
        rel = str(path.relative_to(u.ROOT))
        timed(tool, ["estimate", rel], 1)  # warm-up (bytecode cache)
        timed(tool, ["compare-plans", rel], 1)
        e, c = [], []
        for r in range(runs):  # interleaved, so a busy moment weighs on both
            pair = [("estimate", e), ("compare-plans", c)]
            for cmd, out in pair if r % 2 == 0 else pair[::-1]:
                out.append(timed(tool, [cmd, rel], 1))
        est = Result([x.seconds[0] for x in e], e[-1].data, e[-1].error)
        cmp = Result([x.seconds[0] for x in c], c[-1].data, c[-1].error)
        ratio = cmp.median / est.median
        ok = ratio <= EXAMPLE_RATIO and bool(cmp.search.get("proven"))
        if not ok:
            misses.append(f"{path.name}: compare-plans {ratio:.2f}x estimate, {proof(cmp.search)}")
        rows.append(
            [path.name, u.fmt_s(est.median), u.fmt_s(cmp.median), f"{u.fmt_ratio(ratio)} {u.verdict(ok)}",
             proof(cmp.search), str(cmp.search.get("engine_runs", "?"))]
        )  # fmt: skip
    print(f"Part 1: examples, median of {runs} interleaved runs each, wall time spawn to exit; {u.machine_load()}")
    print(
        u.table(
            ["example", "estimate", "compare-plans", f"ratio (<= {EXAMPLE_RATIO:.0f})", "search", "engine runs"], rows
        )
    )
    return misses


def part_horizons(tool: list[str], runs: int) -> list[str]:
    misses, rows = [], []
    for months in (12, 24, 36, 120):
        rel = f"bench/scenarios/heavy-{months}.yaml"
        timed(tool, ["estimate", rel], 1)  # warm-up
        est, *cmps = interleaved(
            tool,
            [["estimate", rel], *(["compare-plans", rel, "--top", t, "--no-break-even"] for t in ("10", "1"))],
            runs,
        )
        for top, cmp in zip(("10", "1"), cmps, strict=True):
            s = cmp.search
            ratio = cmp.median / est.median
            if months < 120:
                ok = bool(s.get("proven")) and ratio <= HORIZON_RATIO
                goal = f"proven, <= {HORIZON_RATIO:.0f}x"
            else:
                ok = cmp.median <= LONG_SECONDS and bool(s.get("proven"))
                goal = f"proven in {LONG_SECONDS:.0f} s"
            if not ok:
                misses.append(f"heavy {months} months, --top {top}: {u.fmt_s(cmp.median)}, {ratio:.1f}x, {proof(s)}")
            rows.append(
                [f"{months} months", top, u.fmt_s(est.median), u.fmt_s(cmp.median), u.fmt_ratio(ratio),
                 proof(s), str(s.get("engine_runs", "?")), str(s.get("bound_solves", "?")), f"{goal}: {u.verdict(ok)}"]
            )  # fmt: skip
    print(f"Part 2: heavy use of every meter, bundled sheet (bench/scenarios/heavy-*.yaml), median of {runs}")
    print(u.machine_load())
    head = ["horizon", "--top", "estimate", "compare-plans", "ratio", "search", "engine runs", "bounds", "goal"]
    print(u.table(head, rows, right={2, 3, 4, 6, 7}))
    return misses


def part_rich(tool: list[str], runs: int) -> list[str]:
    misses, rows = [], []
    for kind in ("heavy", "moderate"):
        rel = f"bench/scenarios/rich-{kind}.yaml"
        pricing = ["--pricing", "bench/rich-pricing.yaml"]
        est, cmp = interleaved(
            tool, [["estimate", rel, *pricing], ["compare-plans", rel, *pricing, "--no-break-even"]], runs
        )
        s = cmp.search
        ratio = cmp.median / est.median
        ok = bool(s.get("proven")) and ratio <= HORIZON_RATIO
        if not ok:
            misses.append(f"rich sheet, {kind}: {proof(s)} after {u.fmt_s(cmp.median)}, {ratio:.1f}x")
        best = cmp.data["plans"][0] if cmp.data.get("plans") else {}
        rows.append(
            [kind, u.fmt_s(est.median), u.fmt_s(cmp.median), f"{u.fmt_ratio(ratio)} {u.verdict(ok)}", proof(s),
             str(best.get("cash", "?")),
             str(s.get("engine_runs", "?")), str(s.get("bound_solves", "?")), f"{s.get('plans_allowed', '?'):.3g}"
             if isinstance(s.get("plans_allowed"), int) else "?"]
        )  # fmt: skip
        if cmp.error:
            misses.append(f"rich sheet, {kind}: {cmp.error}")
    print(f"Part 3: a studio's sheet, 12+ pack sizes, a stackable voucher, a bundle (median of {runs})")
    print(u.machine_load())
    head = [
        "year",
        "estimate",
        "compare-plans",
        "ratio",
        "search",
        "best cash",
        "engine runs",
        "bounds",
        "plans allowed",
    ]
    print(u.table(head, rows))
    return misses


def ranged(path: Path, into: Path) -> Path:
    """A copy of a scenario with every usage figure a range from 70% to 130% of it (hours capped at a day)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for entry in data.get("usage", []):
        for key in FIGURES:
            if key not in entry or not entry[key]:
                continue
            value = Decimal(str(entry[key]))
            low, high = value * Decimal("0.7"), value * Decimal("1.3")
            if key == "hours_per_day":
                high = min(high, Decimal(24))
            if isinstance(entry[key], int):  # a whole figure keeps whole ends
                low, high = Decimal(math.floor(low)), Decimal(math.ceil(high))
            entry[key] = {"low": float(low), "expected": entry[key], "high": float(high)}
    out = into / path.name
    out.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return out


def part_ranges(tool: list[str], runs: int) -> list[str]:
    misses, rows = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for path in u.examples():
            rel = str(path.relative_to(u.ROOT))
            with_ranges = ranged(path, Path(tmp))
            argvs = [
                ["compare-plans", rel],
                ["compare-plans", str(with_ranges)],
                ["compare-plans", rel, "--stays-cheapest"],
                ["compare-plans", str(with_ranges), "--stays-cheapest"],
            ]
            plain, ranges, holds, both = interleaved(tool, argvs, runs)
            r_ratio, h_ratio, b_ratio = (
                ranges.median / plain.median,
                holds.median / plain.median,
                both.median / ranges.median,
            )
            ok = r_ratio <= RANGES_RATIO and bool(ranges.search.get("proven"))
            ok_h = h_ratio <= HOLDS_RATIO and b_ratio <= HOLDS_RATIO
            for r in (ranges, holds, both):
                if r.error:
                    misses.append(f"{path.name}: {r.error}")
            if not ok:
                misses.append(f"{path.name}: ranges {r_ratio:.2f}x without, {proof(ranges.search)}")
            if not ok_h:
                misses.append(f"{path.name}: --stays-cheapest {h_ratio:.1f}x without, {b_ratio:.1f}x with ranges")
            robust = ranges.data.get("robust", {})
            held = [f"{h['rank']}: {h['from']}-{h['to']}" for h in both.data.get("stays_cheapest", [])]
            rows.append(
                [path.name, u.fmt_s(plain.median), u.fmt_s(ranges.median), f"{u.fmt_ratio(r_ratio)} {u.verdict(ok)}",
                 str(robust.get("rank", "?")), u.fmt_s(holds.median), u.fmt_s(both.median),
                 f"{u.fmt_ratio(h_ratio)}, {u.fmt_ratio(b_ratio)} {u.verdict(ok_h)}", "; ".join(held) or "?"]
            )  # fmt: skip
    print(f"Part 5: ranges (70% to 130% of each figure) and --stays-cheapest on the examples, median of {runs}")
    print(u.machine_load())
    head = ["example", "plain", "ranges", f"ratio (<= {RANGES_RATIO:.0f})", "robust", "stays", "both",
            f"stays ratio (<= {HOLDS_RATIO:.0f})", "stays cheapest (ranges)"]  # fmt: skip
    print(u.table(head, rows))
    return misses


def part_break_even(tool: list[str], runs: int) -> list[str]:
    """What the break-even prices cost: compare-plans (which finds them for every offer with an assumed price)
    against compare-plans --no-break-even and estimate, interleaved, on the examples and the 3-year heavy use."""
    misses, rows = [], []
    cases = [(p.name, [str(p.relative_to(u.ROOT))], EXAMPLE_RATIO, None) for p in u.examples()]
    cases.append(("heavy 36 months", ["bench/scenarios/heavy-36.yaml"], EXAMPLE_RATIO, HORIZON_RATIO))
    for name, argv, alone_goal, estimate_goal in cases:
        timed(tool, ["compare-plans", *argv], 1)  # warm-up
        est, alone, both = interleaved(
            tool, [["estimate", *argv], ["compare-plans", *argv, "--no-break-even"], ["compare-plans", *argv]], runs
        )
        to_alone, to_estimate = both.median / alone.median, both.median / est.median
        evens = both.data.get("break_even", [])
        proven = all(b.get("proven") for b in evens)
        ok = to_alone <= alone_goal and proven and (estimate_goal is None or to_estimate <= estimate_goal)
        if not ok:
            misses.append(f"break-even, {name}: {to_alone:.2f}x compare-plans, {to_estimate:.1f}x estimate")
        rows.append(
            [name, u.fmt_s(est.median), u.fmt_s(alone.median), u.fmt_s(both.median), u.fmt_ratio(to_alone),
             u.fmt_ratio(to_estimate), f"{sum(1 for b in evens if b.get('proven'))}/{len(evens)}", u.verdict(ok)]
        )  # fmt: skip
    print(f"Part 4: break-even prices of every offer with an assumed price (median of {runs} interleaved runs)")
    print(u.machine_load())
    print(f"goals: with break-even <= {EXAMPLE_RATIO:.0f}x compare-plans alone, proven; heavy 36 months also ")
    print(f"<= {HORIZON_RATIO:.0f}x estimate")
    head = ["scenario", "estimate", "alone", "with break-even", "x alone", "x estimate", "proven", "goal"]
    print(u.table(head, rows, right={1, 2, 3, 4, 5}))
    return misses


def main() -> int:
    p = argparse.ArgumentParser(description="compare-plans against estimate, and whether it proves its ranking.")
    p.add_argument("--runs", type=int, default=5, help="timed runs of each command per example (default 5)")
    p.add_argument("--heavy-runs", type=int, default=1, help="timed runs of parts 2 and 3 (default 1)")
    p.add_argument("--cmd", default=None, help="the artlab-cost command (default: this interpreter -m artlab_cost)")
    p.add_argument(
        "--skip", action="append", default=[], choices=["examples", "horizons", "rich", "ranges", "break-even"]
    )
    args = p.parse_args()
    tool = u.tool_command(args.cmd)
    print("artlab-cost plan search benchmark")
    print("=" * 33)
    print(u.machine())
    print(f"tool: {' '.join(tool)}")
    misses: list[str] = []
    for name, part, runs in (
        ("examples", part_examples, args.runs),
        ("horizons", part_horizons, args.heavy_runs),
        ("rich", part_rich, args.heavy_runs),
        ("ranges", part_ranges, args.heavy_runs),
        ("break-even", part_break_even, args.heavy_runs),
    ):
        if name not in args.skip:
            print()
            misses += part(tool, runs)
    print()
    print("Goals missed:" if misses else "Every goal met.")
    for m in misses:
        print(f"  - {m}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
