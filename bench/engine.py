"""How `artlab_cost.engine.simulate` grows with the period's length and the number of held packs.

Scenarios are generated, written as YAML to a temporary directory and loaded with
`artlab_cost.scenario.load_scenario` (so the purchase rules are checked, as for a user's
file), against the bundled price sheet. Each uses every meter: shared GPU (daily, weekly and
one campaign limited with from/until), dedicated on spec ded-8.07, storage with growth,
traffic with an idle share (one entry limited with from/until), and PUT/GET requests above
the free monthly allowance. Its holdings are packs of every kind: the four trials, the
starter bundle and the student voucher (a new-user student account), storage packs one after
another (each bought when its predecessor's 12 months are over, the first before the period),
and the rest traffic-pack-100 (100 GB a month, counts 1-4) and compute-pack-100 (counts 1-2,
a quarter used when bought before the period) spread from six months before the period to
its end.

Sizes: 1, 2, 4 and 8 years with 50 holdings; 1 year with 50, 100, 200 and 400 holdings.
For each: the median wall time of simulate() over --runs runs, of price_usage() alone (the
part that does not depend on holdings), and the peak memory of one simulate() under
tracemalloc; then the growth factor between consecutive sizes (each doubles the size).

Goals: 1 year with 50 packs well under a second; growth no faster than linear in years and in
packs (a factor of at most 2 per doubling; over 2.3 is flagged, leaving 15% for noise).

    python bench/engine.py [--runs 5]
"""

from __future__ import annotations

import argparse
import gc
import re
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

import _util as u

u.use_checkout()

from artlab_cost import api  # noqa: E402
from artlab_cost.calendar import add_months  # noqa: E402
from artlab_cost.engine import price_usage, simulate  # noqa: E402
from artlab_cost.pricing import load_sheet  # noqa: E402
from artlab_cost.render import View, html  # noqa: E402
from artlab_cost.scenario import load_scenario  # noqa: E402

START = date(2027, 1, 1)
LINEAR_TOLERANCE = 1.15  # a doubling may cost up to 2 x 1.15 before it counts as faster than linear
ONE_YEAR_50_GOAL = 1.0  # seconds; "well under" it
HTML_GOAL = (1.0, 2_000_000)  # the HTML report of the 8-year scenario: under a second to render, under 2 MB
RANGES_GOAL = 3.3  # estimate with ranges runs the engine three times: at most 3x without, 10% for the rest
FIGURES = re.compile(
    r"\b(images|seconds_per_image|gpu_seconds|hours_per_day|gb|growth_gb_per_month|gb_per_month|idle_share"
    r"|put_per_month|get_per_month): ([0-9.]+)"
)


def _day(d: date) -> str:
    return d.isoformat()


def scenario_yaml(years: int, packs: int) -> str:
    """A scenario of `years` years from START holding `packs` holdings (see the module docstring)."""
    months = 12 * years
    end = add_months(START, months)
    last = end - timedelta(days=1)
    lines = [
        f"name: generated, {years} year(s), {packs} packs",
        "account:",
        "  new_user: true",
        "  student: true",
        "period:",
        f"  start: {_day(START)}",
        f"  months: {months}",
        "usage:",
        "  - {kind: shared, label: daily drafts, gpu_seconds: 3000, per: day}",
        "  - {kind: shared, label: weekly workflows, tool: comfyui, images: 200, seconds_per_image: 12, per: week,"
        f" from: {_day(add_months(START, 3))}, until: {_day(add_months(end, -3) - timedelta(days=1))}}}",
        "  - {kind: shared, label: campaign, images: 600, seconds_per_image: 20, per: day,"
        f" from: {_day(add_months(START, 5))}, until: {_day(add_months(START, 6) - timedelta(days=1))}}}",
        "  - {kind: dedicated, label: training, spec: ded-8.07, hours_per_day: 3, days_per_week: 5}",
        "  - {kind: storage, label: library, gb: 50, growth_gb_per_month: 5}",
        "  - {kind: traffic, label: downloads, gb_per_month: 150, idle_share: 0.3}",
        "  - {kind: traffic, label: sync, gb_per_month: 40, idle_share: 0.5,"
        f" from: {_day(add_months(START, 6))}, until: {_day(last)}}}",
        "  - {kind: requests, label: gallery, put_per_month: 8000000, get_per_month: 30000000}",
        "holdings:",
    ]
    holds: list[str] = []
    once = ("trial-compute", "trial-storage", "trial-traffic", "trial-requests", "student-voucher", "starter-bundle")
    for offer in once:
        holds.append(f"  - {{offer: {offer}, date: {_day(START)}}}")
    # Storage packs back to back (B16: the next only once the previous one's 12 months are over).
    day, k = add_months(START, -6), 0
    while day < end:
        holds.append(f"  - {{offer: storage-pack-{'40' if k % 2 else '100'}, date: {_day(day)}}}")
        day, k = add_months(day, 12), k + 1
    rest = packs - len(holds)
    if rest < 0:
        raise SystemExit(f"{packs} packs is fewer than the {len(holds)} fixed holdings of {years} year(s)")
    first = add_months(START, -6)
    span = (end - timedelta(days=15) - first).days
    for i in range(rest):
        when = first + timedelta(days=span * i // max(rest, 1))
        if i % 2 == 0:
            holds.append(f"  - {{offer: traffic-pack-100, date: {_day(when)}, count: {1 + (i // 2) % 4}}}")
        else:
            count = 1 + (i // 2) % 2
            used = ", used: 25" if count == 1 and when < START else ""
            holds.append(f"  - {{offer: compute-pack-100, date: {_day(when)}, count: {count}{used}}}")
    return "\n".join(lines + holds) + "\n"


def months(start: date, end: date) -> int:
    """The calendar months a validity reaches into: the most monthly quotas it can be given."""
    last = end - timedelta(days=1)
    return (last.year - start.year) * 12 + last.month - start.month + 1


def sanity(result) -> list[str]:  # type: ignore[no-untyped-def]
    """Identities every result must satisfy; a failure is reported as odd, not raised."""
    t = result.totals
    out = []
    if t.list_price != sum(t.absorbed.values(), Fraction(0)) + t.postpaid_exact:
        absorbed = sum(t.absorbed.values(), Fraction(0))
        out.append(f"list price {t.list_price} != absorbed {absorbed} + postpaid {t.postpaid_exact}")
    if t.cash != t.upfront + t.postpaid_due:
        out.append(f"cash {t.cash} != upfront {t.upfront} + postpaid due {t.postpaid_due}")
    if t.postpaid_due > t.postpaid_exact:
        out.append(f"postpaid due {t.postpaid_due} > postpaid exact {t.postpaid_exact}")
    for b in result.balances:
        if b.left < 0 or b.lapsed < 0 or b.absorbed < 0:
            out.append(f"balance {b.id}: left {b.left}, lapsed {b.lapsed}, absorbed {b.absorbed}")
        if b.kind in ("amount", "quantity") and b.absorbed > b.initial:
            out.append(f"balance {b.id} absorbed {b.absorbed} of {b.initial}")
        if b.kind == "monthly" and b.absorbed + b.lapsed + b.left > b.per_month * months(b.starts, b.ends):
            out.append(f"balance {b.id}: absorbed, lapsed and left are more than its monthly quotas")
    for c in result.charges:
        if sum((a.amount for a in c.allocations), Fraction(0)) != c.amount:
            out.append(f"charge {c.meter} {c.start}: allocations do not add up to {c.amount}")
            break
    return out


def measure(path: Path, sheet, runs: int) -> dict:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    scenario = load_scenario(path, sheet, path.name)
    load_s = time.perf_counter() - t0
    sim, price = [], []
    result = simulate(scenario, sheet)  # warm-up, not timed
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        result = simulate(scenario, sheet)
        sim.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        priced = price_usage(scenario, sheet)
        price.append(time.perf_counter() - t0)
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    simulate(scenario, sheet)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result is not None
    t0 = time.perf_counter()
    report = html.estimate(result, View())
    html_s = time.perf_counter() - t0
    return {
        "html": html_s,
        "html_bytes": len(report.encode("utf-8")),
        "holdings": len(scenario.holdings),
        "load": load_s,
        "sim": u.median(sim),
        "sim_all": sim,
        "price": u.median(price),
        "peak": peak,
        "charges": len(result.charges),
        "runs_priced": len(priced.days),
        "cash": result.totals.cash,
        "odd": sanity(result),
        "warnings": scenario.warnings,
    }


def growth_rows(label: str, sizes: list[tuple[int, int]], key: int, data: dict) -> tuple[list[list[str]], list[str]]:
    rows, misses = [], []
    prev = None
    for years, packs in sizes:
        d = data[(years, packs)]
        size = (years, packs)[key]
        if prev is None:
            factor = "-"
        else:
            f = d["sim"] / prev["sim"]
            ok = f <= 2 * LINEAR_TOLERANCE
            factor = f"x{f:.2f} {u.verdict(ok)}"
            if not ok:
                misses.append(f"{label}: {prev['size']} -> {size}: time x{f:.2f} for x2 the size (faster than linear)")
        mem_f = "-" if prev is None else f"x{d['peak'] / prev['peak']:.2f}"
        rows.append(
            [
                f"{years} y, {packs} packs",
                u.fmt_s(d["sim"]),
                u.spread(d["sim_all"]),
                u.fmt_s(d["price"]),
                u.fmt_s(d["sim"] / size),
                factor,
                f"{d['peak'] / 1e6:.1f} MB",
                mem_f,
                str(d["runs_priced"]),
                str(d["charges"]),
            ]
        )
        d["size"] = size
        prev = d
    return rows, misses


_TIMER = r"""
import gc, json, statistics, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from artlab_cost.engine import simulate
try:  # the library API, where the checkout has one
    from artlab_cost import api
    sheet = api.load_sheet()
    load = lambda path: api.load_scenario(path, sheet)
except ImportError:  # an older checkout
    from artlab_cost.pricing import load_sheet
    from artlab_cost.scenario import load_scenario
    sheet = load_sheet()
    load = lambda path: load_scenario(Path(path), sheet)
out = {}
for path in sys.argv[3:]:
    scenario = load(path)
    simulate(scenario, sheet)
    times = []
    for _ in range(int(sys.argv[2])):
        gc.collect()
        start = time.perf_counter()
        simulate(scenario, sheet)
        times.append(time.perf_counter() - start)
    out[path] = statistics.median(times)
print(json.dumps(out))
"""


def compare_with(baseline: Path, files: list[Path], runs: int, rounds: int = 3) -> None:
    """simulate() of this checkout against a baseline checkout, on the same files, interleaved (median of medians)."""
    import json
    import subprocess

    times: dict[str, list[dict[str, float]]] = {"this": [], "baseline": []}
    for _ in range(rounds):
        for name, root in (("baseline", baseline.resolve()), ("this", u.ROOT)):
            argv = [sys.executable, "-c", _TIMER, str(root), str(runs), *map(str, files)]
            done = subprocess.run(argv, capture_output=True, text=True, env=u.child_env(), check=True)
            times[name].append(json.loads(done.stdout))
    rows = []
    for f in files:
        base = u.median([t[str(f)] for t in times["baseline"]])
        this = u.median([t[str(f)] for t in times["this"]])
        rows.append([f.stem.removeprefix("gen-"), u.fmt_s(base), u.fmt_s(this), u.fmt_ratio(this / base)])
    print(f"This checkout against {baseline} (simulate, median of {rounds} interleaved rounds of {runs} runs)")
    print(u.table(["size", "baseline", "this", "ratio"], rows))
    print()


def ranged_yaml(text: str) -> str:
    """The scenario with every usage figure a range from half of it to it: three cases that all differ from each
    other wherever the figure is not 0 (the high end is the figure, so no bound such as 24 hours is passed)."""

    def ranged(m: re.Match[str]) -> str:
        value = Fraction(m.group(2))
        half = value // 2 if m.group(1).endswith("per_month") and value.denominator == 1 else value / 2
        low = str(half if half.denominator == 1 else float(half))
        return f"{m.group(1)}: {{low: {low}, expected: {m.group(2)}, high: {m.group(2)}}}"

    return FIGURES.sub(ranged, text)


def measure_ranges(path: Path, sheet, runs: int) -> tuple[float, float, int]:  # type: ignore[no-untyped-def]
    """Median time of api.estimate on the scenario and on its ranged twin, interleaved; the ranges it has."""
    ranged_path = path.with_name(path.stem + "-ranged.yaml")
    ranged_path.write_text(ranged_yaml(path.read_text(encoding="utf-8")), encoding="utf-8")
    plain, ranged = load_scenario(path, sheet), load_scenario(ranged_path, sheet)
    api.estimate(plain, sheet), api.estimate(ranged, sheet)  # warm-up
    times: dict[str, list[float]] = {"plain": [], "ranged": []}
    for _ in range(runs):
        for name, scen in (("plain", plain), ("ranged", ranged)):
            gc.collect()
            t0 = time.perf_counter()
            api.estimate(scen, sheet)
            times[name].append(time.perf_counter() - t0)
    return u.median(times["plain"]), u.median(times["ranged"]), len(ranged.ranges)


def main() -> int:
    p = argparse.ArgumentParser(description="Time artlab_cost.engine.simulate on generated scenarios of growing size.")
    p.add_argument("--runs", type=int, default=5, help="timed runs per size; the median is reported (default 5)")
    p.add_argument("--keep", type=Path, default=None, help="also write the generated scenarios to this directory")
    p.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="another checkout of artlab-cost (e.g. `git worktree add /tmp/base <commit>`) to time on the same "
        "scenarios, interleaved with this one, each in its own process",
    )
    args = p.parse_args()

    print("artlab-cost engine benchmark: simulate() on generated scenarios")
    print("=" * 63)
    print(u.machine())
    print(f"median of {args.runs} runs per size; peak memory of one run under tracemalloc")
    print()
    sheet = load_sheet()
    by_years = [(y, 50) for y in (1, 2, 4, 8)]
    by_packs = [(1, n) for n in (50, 100, 200, 400)]
    data: dict[tuple[int, int], dict] = {}
    with tempfile.TemporaryDirectory(prefix="artlab-bench-") as tmp:
        for years, packs in dict.fromkeys(by_years + by_packs):
            path = Path(tmp) / f"gen-{years}y-{packs}p.yaml"
            path.write_text(scenario_yaml(years, packs), encoding="utf-8")
            if args.keep:
                args.keep.mkdir(parents=True, exist_ok=True)
                (args.keep / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
            data[(years, packs)] = measure(path, sheet, args.runs)
            d = data[(years, packs)]
            took = f"{u.fmt_s(d['sim'])} (loading the YAML took {u.fmt_s(d['load'])})"
            print(f"  measured {years} y, {packs} packs: {took}", file=sys.stderr)
        plain_s, ranged_s, ranges = measure_ranges(Path(tmp) / "gen-1y-50p.yaml", sheet, args.runs)
        if args.baseline:
            files = [Path(tmp) / f"gen-{y}y-{n}p.yaml" for y, n in dict.fromkeys(by_years + by_packs)]
            compare_with(args.baseline, files, args.runs)

    headers = [
        "size",
        "simulate",
        "min-max",
        "price_usage",
        "per unit",
        "growth",
        "peak mem",
        "mem growth",
        "priced runs",
        "charges",
    ]
    misses = []
    for title, sizes, key, unit in (
        ("Growth in years (50 packs)", by_years, 0, "year"),
        ("Growth in packs (1 year)", by_packs, 1, "pack"),
    ):
        rows, m = growth_rows(title, sizes, key, data)
        misses += m
        print(f"{title}; 'per unit' is time per {unit}, 'growth' the time factor over the size above (x2 is linear)")
        print(u.table(headers, rows, right=set(range(1, len(headers)))))
        print()

    base = data[(1, 50)]["sim"]
    ok = base < ONE_YEAR_50_GOAL
    print(f"Goal: 1 year, 50 packs well under {ONE_YEAR_50_GOAL:.0f} s: {u.fmt_s(base)} {u.verdict(ok)}")
    if not ok:
        misses.insert(0, f"1 year, 50 packs took {u.fmt_s(base)} (goal: well under {ONE_YEAR_50_GOAL:.0f} s)")
    linear_ok = not [m for m in misses if "linear" in m]
    print("Goal: growth no faster than linear in years and packs: " + u.verdict(linear_ok))
    if misses:
        print()
        print("Goals missed:")
        for m in misses:
            print(f"  - {m}")
    print()
    print("Totals per size (for a look at whether the results are plausible)")
    print(
        u.table(
            ["size", "holdings", "cash (yuan)", "load (s)", "html (s)", "html (KB)", "warnings", "sanity"],
            [
                [
                    f"{y} y, {n} packs",
                    str(d["holdings"]),
                    f"{float(d['cash']):.2f}",
                    f"{d['load']:.3f}",
                    f"{d['html']:.3f}",
                    f"{d['html_bytes'] / 1000:.0f}",
                    str(len(d["warnings"])),
                    "ok" if not d["odd"] else "ODD",
                ]
                for (y, n), d in data.items()
            ],
        )
    )
    eight = data[(8, 50)]
    html_ok = eight["html"] < HTML_GOAL[0] and eight["html_bytes"] < HTML_GOAL[1]
    print(
        f"Goal: the HTML report of 8 years, 50 packs under {HTML_GOAL[0]:.0f} s and {HTML_GOAL[1] / 1e6:.0f} MB: "
        f"{u.fmt_s(eight['html'])}, {eight['html_bytes'] / 1e6:.2f} MB {u.verdict(html_ok)}"
    )
    ratio = ranged_s / plain_s
    print(
        f"Goal: api.estimate with every usage figure a range ({ranges} ranges, 1 year, 50 packs) at most "
        f"{RANGES_GOAL}x without: {u.fmt_s(ranged_s)} against {u.fmt_s(plain_s)}, {ratio:.2f}x "
        f"{u.verdict(ratio <= RANGES_GOAL)}"
    )
    odd = [(k, o) for k, d in data.items() for o in d["odd"]]
    if odd:
        print()
        print("Odd results:")
        for (y, n), o in odd:
            print(f"  - {y} y, {n} packs: {o}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
