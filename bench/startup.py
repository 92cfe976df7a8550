"""Start-up cost of `artlab-cost estimate` against the floor, a minimal Typer program doing the same I/O.

For every example in examples/, three commands run side by side, interleaved, --runs times each:

    floor  python floor_app.py estimate FILE --format json    (reads YAML, prints JSON)
    json   artlab-cost estimate FILE --format json
    table  artlab-cost estimate FILE --format table
    zh     artlab-cost estimate FILE --format table --lang zh

and the report gives median wall times and the ratios json/floor (goal: at most 1.15),
table/floor (goal: at most 1.45) and zh/table (what Chinese costs beside English). It times
loading the message catalogues too, in fresh processes (goal: under 5 ms). It also says what
shell completion costs a run that does not ask for it (the modules it imports, and whether the
floor imports them too). Then `-X importtime` (as PYTHONPROFILEIMPORTTIME=1, so it works with
--cmd too) shows the top 10 imports by cumulative time for the json run.

It reports and never gates: the exit status is 0 whatever the numbers.

    python bench/startup.py [--runs 15] [--floor PATH] [--cmd "artlab-cost"] [--importtime-runs 5]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import _util as u

GOALS = {"json": 1.15, "table": 1.45}
CATALOGUE_GOAL_MS = 5.0
CATALOGUE_PROBE = """
import time
import artlab_cost.i18n as i18n
t = time.perf_counter()
i18n.catalogue("en"), i18n.catalogue("zh"), i18n.help_catalogue("zh")
i18n.tr("zh", "summary.cash")
print((time.perf_counter() - t) * 1000)
"""
IMPORT_LINE = re.compile(r"^import time:\s+(\d+)\s+\|\s+(\d+)\s+\|(\s*)(\S+)\s*$")


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=15, help="timed runs of each command per example (default 15)")
    p.add_argument(
        "--floor",
        type=Path,
        default=u.ROOT / ".." / "shared" / "bench" / "floor_app.py",
        help="the floor program (default: ../shared/bench/floor_app.py from the repository root)",
    )
    p.add_argument(
        "--cmd",
        default=None,
        help="the artlab-cost command to time, split like a shell would (default: this interpreter -m artlab_cost)",
    )
    p.add_argument("--importtime-runs", type=int, default=5, help="runs to take the median import times of (default 5)")
    p.add_argument("--top", type=int, default=10, help="imports to list (default 10)")
    return p.parse_args()


def check_output(kind: str, t: u.Timed) -> str | None:
    """What is wrong with a run's output, if anything."""
    if t.returncode != 0:
        return f"exit {t.returncode}: {u.first_error(t.stderr)}"
    if kind in ("floor", "json"):
        try:
            json.loads(t.stdout)
        except ValueError as exc:
            return f"stdout is not JSON: {exc}"
    elif not t.stdout.strip():
        return "empty stdout"
    return None


def import_times(argv: list[str], runs: int) -> tuple[list[tuple[str, int, float, float]], float]:
    """Median (module, depth, self us, cumulative us) over `runs` runs, and the median total of self times."""
    env = u.child_env()
    env["PYTHONPROFILEIMPORTTIME"] = "1"
    samples: dict[str, list[tuple[float, float]]] = {}
    depth: dict[str, int] = {}
    order: dict[str, int] = {}
    totals = []
    for _ in range(runs):
        t = u.run_timed(argv, env)
        total = 0.0
        for line in t.stderr.decode("utf-8", "replace").splitlines():
            m = IMPORT_LINE.match(line)
            if not m:
                continue
            self_us, cum_us, indent, name = int(m[1]), int(m[2]), len(m[3]), m[4]
            samples.setdefault(name, []).append((self_us, cum_us))
            depth.setdefault(name, max(0, (indent - 1) // 2))
            order.setdefault(name, len(order))
            total += self_us
        totals.append(total)
    rows = [
        (name, depth[name], u.median([s for s, _ in v]), u.median([c for _, c in v])) for name, v in samples.items()
    ]
    return rows, u.median(totals)


def main() -> int:
    args = parse_args()
    tool = u.tool_command(args.cmd)
    floor = args.floor.resolve()
    files = u.examples()
    print("artlab-cost start-up benchmark")
    print("=" * 30)
    print(u.machine())
    print(f"tool:  {' '.join(tool)}")
    print(f"floor: {floor}" + ("" if floor.is_file() else "  (NOT FOUND: ratios are n/a)"))
    print(f"{args.runs} timed runs per command and example, interleaved (order rotated each round),")
    print("after one warm-up run each")
    print()
    if not files:
        print(f"no examples found in {u.EXAMPLES}")
        return 0

    commands: dict[str, list[str] | None] = {
        "floor": [sys.executable, str(floor), "estimate", "{}", "--format", "json"] if floor.is_file() else None,
        "json": [*tool, "estimate", "{}", "--format", "json"],
        "table": [*tool, "estimate", "{}", "--format", "table"],
        "zh": [*tool, "estimate", "{}", "--format", "table", "--lang", "zh"],
    }
    kinds = [k for k, v in commands.items() if v is not None]

    def argv(kind: str, path: Path) -> list[str]:
        return [str(path) if a == "{}" else a for a in commands[kind]]  # type: ignore[union-attr]

    times: dict[tuple[str, str], list[float]] = {}
    problems: dict[tuple[str, str], str] = {}
    for path in files:  # warm-up: page cache, .pyc files
        for kind in kinds:
            t = u.run_timed(argv(kind, path))
            if (err := check_output(kind, t)) is not None:
                problems[(path.name, kind)] = err
    for r in range(args.runs):
        for i, path in enumerate(files):
            shift = (r + i) % len(kinds)
            for kind in kinds[shift:] + kinds[:shift]:
                t = u.run_timed(argv(kind, path))
                times.setdefault((path.name, kind), []).append(t.seconds)
                if (err := check_output(kind, t)) is not None:
                    problems.setdefault((path.name, kind), err)

    rows = []
    ratios: dict[str, list[float]] = {"json": [], "table": []}
    misses = []
    for path in files:
        med = {k: u.median(times.get((path.name, k), [])) for k in ("floor", "json", "table", "zh")}
        row = [path.name]
        for k in ("floor", "json", "table", "zh"):
            row.append(u.fmt_s(med[k]))
        for k in ("json", "table"):
            ratio = med[k] / med["floor"] if "floor" in kinds else float("nan")
            ok = None if ratio != ratio else ratio <= GOALS[k]
            ratios[k].append(ratio)
            row.append(f"{u.fmt_ratio(ratio)} {u.verdict(ok)}")
            if ok is False:
                misses.append(f"{path.name}: {k}/floor {ratio:.2f}x > {GOALS[k]}x")
        row.append(u.fmt_ratio(med["zh"] / med["table"]))
        rows.append(row)
    allmed = {
        k: u.median([x for p in files for x in times.get((p.name, k), [])]) for k in ("floor", "json", "table", "zh")
    }
    total_row = ["all examples (median of all runs)"] + [u.fmt_s(allmed[k]) for k in ("floor", "json", "table", "zh")]
    for k in ("json", "table"):
        ratio = allmed[k] / allmed["floor"] if "floor" in kinds else float("nan")
        total_row.append(f"{u.fmt_ratio(ratio)} {u.verdict(None if ratio != ratio else ratio <= GOALS[k])}")
    total_row.append(u.fmt_ratio(allmed["zh"] / allmed["table"]))
    rows.append(total_row)
    print("Median wall time (spawn to exit)")
    print(
        u.table(
            [
                "example",
                "floor",
                "json",
                "table",
                "zh",
                f"json/floor (<= {GOALS['json']})",
                f"table/floor (<= {GOALS['table']})",
                "zh/table",
            ],
            rows,
        )
    )
    print()
    print("Spread (min-max) of the samples")
    print(
        u.table(
            ["example", "floor", "json", "table", "zh"],
            [
                [p.name] + [u.spread(times.get((p.name, k), [])) for k in ("floor", "json", "table", "zh")]
                for p in files
            ],
        )
    )
    print()
    probe = [sys.executable, "-c", CATALOGUE_PROBE]
    loads = [float(u.run_timed(probe).stdout) for _ in range(max(5, args.importtime_runs))]
    load_ms = u.median(loads)
    ok = load_ms < CATALOGUE_GOAL_MS
    print(
        f"Loading the message catalogues (en, zh and the zh --help), fresh process, median of {len(loads)}: "
        f"{load_ms:.2f} ms (goal < {CATALOGUE_GOAL_MS:g} ms) {u.verdict(ok)}"
    )
    if not ok:
        misses.append(f"catalogue load {load_ms:.2f} ms >= {CATALOGUE_GOAL_MS:g} ms")
    print()
    if misses:
        print("Goals missed:")
        for m in misses:
            print(f"  - {m}")
    else:
        print("Goals: all met" if "floor" in kinds else "Goals: not judged (no floor)")
    if problems:
        print()
        print("Runs that failed or printed something unexpected:")
        for (name, kind), err in sorted(problems.items()):
            print(f"  - {name} [{kind}]: {err}")

    # What start-up pays for.
    target = files[0]
    print()
    print(f"Imports of the json run on {target.name}: top {args.top} by cumulative time")
    print(f"(median of {args.importtime_runs} runs with PYTHONPROFILEIMPORTTIME=1, which inflates times a little)")
    rows_it, total = import_times(argv("json", target), args.importtime_runs)
    top = sorted(rows_it, key=lambda r: -r[3])[: args.top]
    print(
        u.table(
            ["module (indent = nesting)", "cumulative", "self"],
            [["  " * d + name, f"{cum / 1000:.1f} ms", f"{s / 1000:.1f} ms"] for name, d, s, cum in top],
        )
    )
    print(f"all imports of the json run: {total / 1000:.1f} ms ({len(rows_it)} modules)")
    completion = [r for r in rows_it if "completion" in r[0]]
    cost = sum(r[2] for r in completion) / 1000
    said = f"shell completion in the json run: {len(completion)} modules, {cost:.1f} ms of imports"
    table_rows, table_total = import_times(argv("table", target), args.importtime_runs)
    print(f"all imports of the table run: {table_total / 1000:.1f} ms ({len(table_rows)} modules)")
    json_names = {r[0] for r in rows_it}
    extra_table = sorted((r for r in table_rows if r[0] not in json_names and r[1] == 0), key=lambda r: -r[3])
    if "floor" in kinds:
        floor_rows, floor_total = import_times(argv("floor", target), args.importtime_runs)
        print(f"all imports of the floor:    {floor_total / 1000:.1f} ms ({len(floor_rows)} modules)")
        floor_names = {r[0] for r in floor_rows}
        shared = all(r[0] in floor_names for r in completion)
        said += " (all imported by the floor too: nothing of its own)" if shared else " (some not in the floor)"
        extra = sorted((r for r in rows_it if r[0] not in floor_names and r[1] == 0), key=lambda r: -r[3])
        if extra:
            print()
            print("Top-level imports the json run makes and the floor does not (by cumulative time):")
            print(
                u.table(
                    ["module", "cumulative"],
                    [[name, f"{cum / 1000:.1f} ms"] for name, _, _, cum in extra[: args.top]],
                )
            )
    print(said)
    if extra_table:
        print()
        print("Top-level imports the table run makes and the json run does not (by cumulative time):")
        print(
            u.table(
                ["module", "cumulative"],
                [[name, f"{cum / 1000:.1f} ms"] for name, _, _, cum in extra_table[: args.top]],
            )
        )
    return 0


if __name__ == "__main__":
    main()
    sys.exit(0)  # it reports, it does not gate
