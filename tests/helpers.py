"""What the tests share: the one test price sheet (built with the offers a test needs), and assertions."""

from __future__ import annotations

import ast
import contextlib
import fcntl
import hashlib
import inspect
import os
import pickle
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from textwrap import dedent, indent
from typing import Any, NamedTuple, TypeVar
from unittest import mock

import pytest
import typer.main
from hypothesis import HealthCheck, settings

from artlab_cost import api, yamlsrc
from artlab_cost.changes import Diff
from artlab_cost.engine import Estimate
from artlab_cost.errors import InputError, Problem
from artlab_cost.plans import Comparison
from artlab_cost.pricing import PriceSheet, parse_sheet
from artlab_cost.scenario import Scenario

T = TypeVar("T")

# Hypothesis: `.ci/run` sets HYPOTHESIS_PROFILE=ci for the full counts; a developer's run takes fewer.
CI_PROFILE = os.environ.get("HYPOTHESIS_PROFILE") == "ci"


def examples(n: int) -> settings:
    """A property test's settings: n examples under the ci profile (.ci/run), a quarter (at least 2) in dev."""
    return settings(
        max_examples=n if CI_PROFILE else max(2, n // 4), deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )


@cache
def source_nodes(path: Path) -> tuple[ast.AST, ...]:
    """Every node of a module's source, parsed once per test process for the tests that read the package."""
    return tuple(ast.walk(ast.parse(path.read_text(encoding="utf-8"))))


def in_ci(*values: Any, id: str) -> Any:
    """A further case of a check whose other cases every run makes, made under the ci profile only (.ci/run): a
    real process or browser page each, the same property again on other input. pytest.param, skipped in dev."""
    return pytest.param(*values, id=id, marks=pytest.mark.skipif(not CI_PROFILE, reason="the ci profile runs it"))


# The test price sheet. Prices are the bundled sheet's (B3, B4, B6, B7) unless a test passes its
# own, so expected amounts can be worked out from billing-facts.md; a test chooses the offers.
SETTINGS = {
    "deduction_order": "[free_trial, pack, voucher, postpaid]",
    "tie_break": "acquired_then_offer",
    "dedicated_increment": "second",
    "bill_rounding": "truncate",
    "bill_places": "2",
}
METERS = {
    "shared_gpu": "{price: 0.0077, source: B3}",
    "dedicated": "{specs: {small: {price: 8.07, source: B4}, big: {price: 39.54, source: B4}}, source: B4}",
    "storage": "{price: 0.12, days_per_month: 30, source: B7}",
    "traffic_busy": "{price: 0.50, source: B7}",
    "traffic_idle": "{price: 0.25, source: B7}",
    "put_requests": "{price: 0.01, per: 10000, free_per_month: 5000000, source: B6}",
    "get_requests": "{price: 0.01, per: 10000, free_per_month: 20000000, source: B6}",
}


def sheet_text(
    offers: str, *, name: str = "test sheet", settings: dict[str, str | None] | None = None, **meters: str
) -> str:
    """The test price sheet as YAML: `offers` is the body of its `offers:` mapping; keyword meters replace ours."""
    chosen = {k: v for k, v in {**SETTINGS, **(settings or {})}.items() if v is not None}
    lines = [
        f'sheet: {{name: {name}, version: "t1", effective: 2026-01-01, currency: CNY, source: tests}}',
        "settings:",
    ]
    lines += [f"  {k}: {v}" for k, v in chosen.items()] + ["  source: tests", "meters:"]
    lines += [f"  {k}: {v}" for k, v in {**METERS, **meters}.items()]
    return "\n".join(lines) + "\noffers:\n" + indent(dedent(offers).strip("\n"), "  ") + "\n"


def make_sheet(
    offers: str, *, name: str = "test sheet", settings: dict[str, str | None] | None = None, **meters: str
) -> PriceSheet:
    text = sheet_text(offers, name=name, settings=settings, **meters)
    return parse_sheet(yamlsrc.parse(text, f"{name.replace(' ', '-')}.yaml"))


def expect_one(err: InputError | list[Problem], file: str, line: int, col: int, path: str, *fragments: str) -> Problem:
    """Exactly one problem, printed `FILE:LINE:COLUMN: path: message`, with each fragment in the message."""
    problems = err.problems if isinstance(err, InputError) else err
    shown = "\n".join(str(p) for p in problems)
    assert len(problems) == 1, shown
    problem = problems[0]
    assert (problem.file, problem.line, problem.column, problem.path) == (file, line, col, path), shown
    located = f"{file}:{line}:{col}" if line else file
    assert str(problem).startswith(f"{located}: {path}: " if path else f"{located}: "), shown
    for fragment in fragments:
        assert fragment in problem.message, shown
    return problem


# --- the command line, run in-process once per distinct call ---------------------------------

ROOT = Path(__file__).resolve().parent.parent


def bytecode_env() -> dict[str, str]:
    """Where this run caches compiled modules (conftest.py), for the environment of a process a test starts from
    scratch: it then compiles the package once for the whole run, not once a process."""
    return {k: os.environ[k] for k in ("PYTHONPYCACHEPREFIX", "PYTHONDONTWRITEBYTECODE") if k in os.environ}


EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
EXAMPLE_IDS = [p.stem for p in EXAMPLES]

# The environment of every run unless a test says otherwise: 80 columns, no colour variables,
# no price sheet from the environment (None removes a variable for the run).
BASE_ENV: dict[str, str | None] = {
    "COLUMNS": "80",
    "NO_COLOR": None,
    "FORCE_COLOR": None,
    "ARTLAB_COST_PRICING": None,
    "ARTLAB_COST_LANG": None,
    "LC_ALL": None,
    "LC_MESSAGES": None,
    "LANG": None,
}


class Run(NamedTuple):
    """What one CLI run printed, and its exit code."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def errors(self) -> list[str]:
        """stderr lines that are not notes."""
        return [line for line in self.stderr.splitlines() if not line.startswith("note: ")]

    @property
    def notes(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("note: ")]


def cli(*args: str | Path, env: dict[str, str | None] | None = None, stdin: str | None = None) -> Run:
    """Run the command line in-process from the repository root; the same call twice runs once.

    An exception that escaped the CLI (a traceback for a user) fails the test.
    """
    full = {**BASE_ENV, **(env or {})}  # the environment as the run sees it: runs alike in it are one run
    key = (tuple(str(a) for a in args), tuple(sorted(full.items())), stdin)
    if key not in _RUNS:
        _RUNS[key] = _invoke(key[0], full, stdin)
    return _RUNS[key]


def cli_uncached(
    *args: str | Path, env: dict[str, str | None] | None = None, stdin: str | None = None, cwd: Path = ROOT
) -> Run:
    """A run that must happen again (it writes a file, or reads one that changes), from `cwd`."""
    return _invoke(tuple(str(a) for a in args), {**BASE_ENV, **(env or {})}, stdin, cwd)


_RUNS: dict[tuple[object, ...], Run] = {}


def _invoke(args: tuple[str, ...], env: dict[str, str | None], stdin: str | None, cwd: Path = ROOT) -> Run:
    """Run the console script's main() with these arguments, stdin, streams and environment, as a user would.

    The bundled sheet and the plan searches are the test run's own (`shared_work`): each is a pure function
    of its input, so a run gets the result another run, or a test, already had for the same input.
    """
    import sys

    from typer.testing import CliRunner

    from artlab_cost.cli import main

    code: object = 0
    with contextlib.chdir(cwd), shared_work(), CliRunner().isolation(input=stdin, env=env) as (out, err, _):
        argv, sys.argv = sys.argv, ["artlab-cost", *args]
        try:
            main()
        except SystemExit as exit_:
            code = exit_.code
        finally:
            sys.argv = argv
            sys.stdout.flush()
            sys.stderr.flush()
        stdout, stderr = out.getvalue().decode("utf-8"), err.getvalue().decode("utf-8", "replace")
    assert isinstance(code, int), code
    assert "Traceback" not in stderr and "Traceback" not in stdout, stderr
    assert code != 3, f"artlab-cost {' '.join(args)} failed with an internal error:\n{stderr}"
    return Run(code, stdout, stderr)


@contextlib.contextmanager
def shared_work() -> Iterator[None]:
    """The command line as a process runs it once, run many times in one: the Click command Typer builds from
    the app is built once per language (its help is put in the reader's language in place), the bundled sheet
    parsed once, and each distinct plan search made once per test run (`plans_of`)."""
    from artlab_cost.cli.lang import current

    def command(app: typer.Typer) -> object:
        # main() registers only the command a run names (cli/app.py): the commands registered are part of the key
        key = (id(app), current(), tuple(id(info) for info in app.registered_commands))
        if key not in _COMMANDS:
            _COMMANDS[key] = _GET_COMMAND(app)
        return _COMMANDS[key]

    def load_sheet(path: str | Path | None = None) -> PriceSheet:
        return bundled_sheet() if path is None else _LOAD_SHEET(path)

    with (
        mock.patch.object(typer.main, "get_command", command),
        mock.patch.object(api, "load_sheet", load_sheet),
        mock.patch.object(api, "compare_plans", plans_of),
    ):
        yield


_COMMANDS: dict[tuple[int, str, tuple[int, ...]], object] = {}


# --- the examples, loaded and computed once ---------------------------------------------------


class Example(NamedTuple):
    stem: str
    path: str  # as a user names it, from the repository root
    scenario: Scenario
    estimate: Estimate


_LOAD_SHEET = api.load_sheet
_COMPARE_PLANS = api.compare_plans
_GET_COMMAND = typer.main.get_command


@cache
def bundled_sheet() -> PriceSheet:
    return _LOAD_SHEET()


@cache
def example(stem: str) -> Example:
    path = f"examples/{stem}.yaml"
    sheet = bundled_sheet()
    scenario = api.load_scenario(ROOT / path, sheet, name=path)
    return Example(stem, path, scenario, api.estimate(scenario, sheet))


def comparison(stem: str) -> Comparison:
    """An example's plans as `compare-plans examples/<stem>.yaml` finds them, searched once per test run."""
    return plans_of(example(stem).scenario, bundled_sheet())


def plans_of(scenario: Scenario, sheet: PriceSheet, **options: Any) -> Comparison:
    """`api.compare_plans(scenario, sheet, **options)`, searched once per test run for each distinct input: the
    tests that only render a search, or run the command line in another environment, share it, and the parallel
    workers share it through a file. The progress callback is left out: it shows only on a terminal."""
    options.pop("progress", None)
    call = inspect.signature(_COMPARE_PLANS).bind(scenario, sheet, **options)
    call.apply_defaults()
    key = hashlib.sha256(_canonical(call.arguments).encode()).hexdigest()[:20]
    if key not in _SEARCHES:
        _SEARCHES[key] = _once_per_run(f"plans-{key}", lambda: _COMPARE_PLANS(scenario, sheet, **options))
    return _SEARCHES[key]


_SEARCHES: dict[str, Comparison] = {}


def _canonical(value: object) -> str:
    """The repr of a value made of tuples, dicts and sets of plain values, the same in every process: a set's
    members sorted (their order follows string hashes, which each process seeds its own way)."""
    kind = type(value).__name__  # named, so that equal members of different kinds (Chain, And) differ
    if isinstance(value, (tuple, list)):
        return kind + "(" + ", ".join(map(_canonical, value)) + ")"
    if isinstance(value, dict):
        return kind + "{" + ", ".join(f"{_canonical(k)}: {_canonical(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (set, frozenset)):
        return kind + "{" + ", ".join(sorted(map(_canonical, value))) + "}"
    return repr(value)


def _once_per_run(key: str, make: Callable[[], T]) -> T:
    """`make()`, computed by the first worker of a parallel run (pytest-xdist) that asks, read by the others
    from a pickle in the run's temporary folder; computed in place outside such a run."""
    shared = os.environ.get("ARTLAB_COST_TESTS_SHARED")  # made by conftest.py for the run, removed after it
    if not os.environ.get("PYTEST_XDIST_WORKER") or not shared:
        return make()
    folder = Path(shared)
    with open(folder / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the others wait while the first computes
        stored = folder / f"{key}.pickle"
        if stored.exists():
            value: T = pickle.loads(stored.read_bytes())
            return value
        value = make()
        stored.write_bytes(pickle.dumps(value))
        return value


@cache
def diff_result() -> Diff:
    """The diff of the golden files: the new-user example against tests/data/new-user-grown.yaml."""
    sheet = bundled_sheet()
    grown = api.load_scenario(ROOT / "tests/data/new-user-grown.yaml", sheet, name="tests/data/new-user-grown.yaml")
    base = example("new-user-starter")
    return api.diff(
        base.estimate, api.estimate(grown, sheet), base_label=base.path, new_label="tests/data/new-user-grown.yaml"
    )
