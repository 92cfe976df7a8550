"""The command line end to end: commands, options, exit codes, where output and messages go.

Exit codes (README): 0 done, 1 over the --budget, 2 bad input or usage or a closed or broken stream, 3 an
internal error, 130 interrupted.
stdout carries only the result; notes, warnings and errors go to stderr. Each distinct run is
made once (helpers.cli caches it); the renderers are tested on their own in tests/render, and
whole outputs are pinned by tests/test_golden.py.
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import os
import re
import shlex
import subprocess
import sys
import sysconfig
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import EXAMPLE_IDS, EXAMPLES, ROOT, Run, cli, cli_uncached
from jsonschema import Draft202012Validator
from typer.main import get_command

from artlab_cost import __version__
from artlab_cost.cli import app
from artlab_cost.render import By, OutputFormat

PRICING = ROOT / "pricing.yaml"
ANSI = "\x1b["
STUDENT = "examples/student-trial.yaml"
NEW_USER = "examples/new-user-starter.yaml"
STUDIO = "examples/studio-dedicated-comfyui.yaml"
BUDGET_CODES = (
    "Exit codes: 0 done; 1 budget exceeded (--budget); 2 bad input or usage, with --strict a result resting on "
    "an assumed value, or a closed or broken stream; 3 an internal error;"
)  # compare-plans and the top level go on: " 4 with --require-proven, a first plan not proven cheapest;"
PLAIN_CODES = (
    "Exit codes: 0 done; 2 bad input or usage, or a closed or broken stream; 3 an internal error; 130 interrupted "
    "(Ctrl-C)."
)
DIFF_CODES = (
    "Exit codes: 0 done; 1 cash rises more than --fail-on-increase allows; 2 bad input or usage, or a closed or "
    "broken stream; 3 an internal error; 130 interrupted (Ctrl-C)."
)
INTERRUPTED_CODE = "; 130 interrupted (Ctrl-C)."  # last on every command


def squash(text: str) -> str:
    """Help text with line wrapping removed."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


def estimate_json(*args: str | Path, env: dict[str, str | None] | None = None) -> dict[str, Any]:
    result = cli("estimate", *args, "--format", "json", env=env)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def plans_json(*args: str | Path) -> dict[str, Any]:
    result = cli("compare-plans", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def meter_amount(data: dict[str, Any], meter: str) -> Decimal:
    return sum((Decimal(c["amount"]) for c in data["charges"] if c["meter"] == meter), Decimal(0))


# --- version and help -------------------------------------------------------------------

COMMANDS = sorted(get_command(app).commands)  # type: ignore[attr-defined]


def test_the_commands_are_the_documented_ones() -> None:
    assert COMMANDS == ["compare-plans", "diff", "estimate", "init", "pricing", "schema", "validate"]


def test_version() -> None:
    assert cli("--version") == Run(0, f"artlab-cost {__version__}\n", "")


def test_top_level_help_lists_every_command_and_the_exit_codes() -> None:
    result = cli("--help")
    assert result.exit_code == 0
    text = squash(result.stdout)
    assert all(name in text for name in COMMANDS)
    assert BUDGET_CODES in text and INTERRUPTED_CODE in text


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help_has_text_an_example_and_the_exit_codes(name: str) -> None:
    result = cli(name, "--help")
    assert (result.exit_code, result.stderr) == (0, "")
    text = squash(result.stdout)
    command = get_command(app).commands[name]  # type: ignore[attr-defined]
    assert command.help and squash(command.help.split("\n\n")[0]) in text
    assert f"Example: artlab-cost {name} " in text
    codes = {"estimate": BUDGET_CODES, "compare-plans": BUDGET_CODES, "diff": DIFF_CODES}
    assert codes.get(name, PLAIN_CODES) in text and INTERRUPTED_CODE in text
    for param in command.params:
        assert param.name == "help" or getattr(param, "help", None), f"{name}: {param.name} has no help text"


def _help_example(name: str) -> list[str]:
    """The example of a command's help, as arguments (a shell pipe or redirection cut off, globs expanded)."""
    epilog = get_command(app).commands[name].epilog  # type: ignore[attr-defined]
    match = re.search(r"Example:\s+(artlab-cost [^\n]+)", epilog or "")
    assert match, f"{name}: no 'Example: artlab-cost ...' in the help epilog"
    words = shlex.split(match.group(1))
    for stop in ("|", ">"):
        if stop in words:
            words = words[: words.index(stop)]
    args: list[str] = []
    for word in words[1:]:
        args += sorted(glob.glob(word, root_dir=ROOT)) if any(c in word for c in "*?[") else [word]
    return args


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help_example_runs(name: str) -> None:
    args = _help_example(name)
    assert args[0] == name
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout


def test_no_arguments_prints_the_help_on_stderr_and_exits_2() -> None:
    result = cli()
    assert result.exit_code == 2 and result.stdout == ""
    assert "Usage: " in result.stderr and "estimate" in result.stderr


def test_a_usage_error_is_one_line() -> None:
    result = cli("estimate", STUDENT, "--format", "xml")
    assert (result.exit_code, result.stdout) == (2, "")
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ") and "--format" in line and "(see 'artlab-cost estimate --help')" in line


# --- every command in every format ------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(OutputFormat))
@pytest.mark.parametrize("command", ["estimate", "compare-plans", "pricing"])
def test_every_command_in_every_format_writes_stdout_and_notes_stderr(command: str, fmt: OutputFormat) -> None:
    args = [command] + ([NEW_USER] if command != "pricing" else []) + ["--format", fmt.value]
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith("\n") and ANSI not in result.stdout
    assert result.errors == [] and "note: " not in result.stdout
    if command != "pricing":
        assert result.notes  # which price sheet and settings: on stderr, since stdout is not a terminal


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_output_file(tmp_path: Path, fmt: OutputFormat) -> None:
    target = tmp_path / f"out.{fmt.value}"
    to_file = cli_uncached("estimate", STUDENT, "--format", fmt.value, "--output", target)
    assert (to_file.exit_code, to_file.stdout) == (0, "")
    to_stdout = cli("estimate", STUDENT, "--format", fmt.value)
    assert target.read_text(encoding="utf-8") == to_stdout.stdout
    assert to_file.stderr == to_stdout.stderr


def test_output_to_an_unwritable_place(tmp_path: Path) -> None:
    result = cli_uncached("estimate", STUDENT, "--output", tmp_path / "no-such-dir" / "out.txt")
    assert (result.exit_code, result.stdout) == (2, "")
    assert len(result.errors) == 1 and result.errors[0].startswith("error: cannot write ")


@pytest.mark.parametrize("by", list(By))
def test_by_changes_the_rows_never_the_totals(by: By) -> None:
    data = estimate_json(STUDENT, "--by", by.value)
    assert data["totals"] == estimate_json(STUDENT)["totals"]
    assert data["bills"] == estimate_json(STUDENT)["bills"]


# --- the price sheet: option, environment, bundled ---------------------------------------------


def _sheet_with_double_gpu_price(tmp_path: Path) -> Path:
    text = PRICING.read_text(encoding="utf-8")
    assert text.count("price: 0.0077") == 1 and text.count('version: "2026.11"') == 1
    sheet = tmp_path / "double-gpu.yaml"
    sheet.write_text(text.replace("price: 0.0077", "price: 0.0154").replace('version: "2026.11"', 'version: "test-2x"'))
    return sheet


def test_pricing_option_and_environment(tmp_path: Path) -> None:
    sheet = _sheet_with_double_gpu_price(tmp_path)
    bundled = estimate_json(STUDENT)
    custom = estimate_json(STUDENT, "--pricing", sheet)
    assert custom["price_sheet"]["version"] == "test-2x" and bundled["price_sheet"]["version"] == "2026.11"
    assert meter_amount(custom, "shared_gpu") == 2 * meter_amount(bundled, "shared_gpu")  # B3 doubled
    assert meter_amount(custom, "storage") == meter_amount(bundled, "storage")
    from_env = estimate_json(STUDENT, env={"ARTLAB_COST_PRICING": str(sheet)})
    assert from_env["price_sheet"]["version"] == "test-2x" and from_env["totals"] == custom["totals"]
    # --pricing wins over the environment
    both = estimate_json(STUDENT, "--pricing", PRICING, env={"ARTLAB_COST_PRICING": str(sheet)})
    assert both["price_sheet"]["version"] == "2026.11"


def test_missing_price_sheet() -> None:
    for result, named in (
        (cli("estimate", STUDENT, "--pricing", "no-such-sheet.yaml"), ""),
        (
            cli("estimate", STUDENT, env={"ARTLAB_COST_PRICING": "no-such-sheet.yaml"}),
            " (named by $ARTLAB_COST_PRICING)",
        ),
    ):
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.errors == [f"error: no-such-sheet.yaml: no such file{named}"]


def test_a_file_of_the_wrong_kind_is_named_as_such() -> None:
    result = cli("estimate", "pricing.yaml")
    assert result.exit_code == 2
    assert result.errors == ["error: pricing.yaml: this is a price sheet, not a scenario (pass it with --pricing)"]
    result = cli("estimate", STUDIO, "--pricing", STUDIO)
    assert result.errors == [f"error: {STUDIO}: this is a usage scenario, not a price sheet"]


# --- the budget gate -------------------------------------------------------------------------

# Studio: list price 70,890.75 > cash 70,887.90 > postpaid due 70,783.90 (see the golden), so a
# limit of 70,850 is exceeded on list and cash but not on postpaid.
MEASURE_FIELD = {"cash": "cash", "postpaid": "postpaid_due", "list": "list_price"}


@pytest.mark.parametrize("measure", ["cash", "postpaid", "list"])
@pytest.mark.parametrize("limit", ["70850", "1000000", "10"])
def test_estimate_budget(measure: str, limit: str) -> None:
    result = cli("estimate", STUDIO, "--format", "json", "--budget", limit, "--budget-on", measure)
    data = json.loads(result.stdout)  # the output is written, over the budget or not
    value = Decimal(data["totals"][MEASURE_FIELD[measure]])
    exceeded = value > Decimal(limit)
    assert result.exit_code == (1 if exceeded else 0)
    assert data["budget"]["measure"] == measure and data["budget"]["exceeded"] is exceeded
    assert Decimal(data["budget"]["limit"]) == Decimal(limit) and Decimal(data["budget"]["value"]) == value
    (message,) = result.errors
    if exceeded:
        over = value - Decimal(limit)
        assert Decimal(data["budget"]["over"]) == over
        assert message.startswith("budget exceeded: ")
        assert f" {over:,.2f} over the budget of {Decimal(limit):,.2f} yuan" in message
    else:
        assert message.startswith("within budget: ")


def test_estimate_budget_exactly_met_is_not_exceeded() -> None:
    cash = estimate_json(NEW_USER)["totals"]["cash"]
    result = cli("estimate", NEW_USER, "--budget", cash)
    assert result.exit_code == 0
    assert result.errors == [
        f"within budget: cash out of pocket {Decimal(cash):,.2f} yuan of {Decimal(cash):,.2f} yuan"
    ]


def test_budget_exceeded_still_writes_the_output(tmp_path: Path) -> None:
    target = tmp_path / "out"
    result = cli_uncached("estimate", STUDIO, "--format", "csv", "--budget", "100", "--output", target)
    assert (result.exit_code, result.stdout) == (1, "")
    assert target.read_text(encoding="utf-8") == cli("estimate", STUDIO, "--format", "csv").stdout
    assert result.errors[-1].startswith("budget exceeded: cash out of pocket ")


@pytest.mark.parametrize(
    "args, option",
    [
        (["--budget", "abc"], "--budget"),
        (["--budget", "-5"], "--budget"),
        (["--budget", "nan"], "--budget"),
        (["--budget", "Infinity"], "--budget"),
        (["--budget", ""], "--budget"),
        (["--budget", "100", "--budget-on", "net"], "--budget-on"),
        (["--budget", "100", "--budget-on", "CASH"], "--budget-on"),
        (["--budget", "46.195"], "--budget"),  # finer than a fen: a verdict of 46.20 over 46.20 would follow
        (["--budget", "1e-99999"], "--budget"),  # its digits written out would take minutes
        (["--price", "compute-pack-100=80.001"], "--price"),  # cash would not be whole fen
    ],
)
@pytest.mark.parametrize("command", ["estimate", "compare-plans"])
def test_invalid_budget_is_one_line_and_exit_2(command: str, args: list[str], option: str) -> None:
    result = cli(command, STUDENT, *args)
    assert (result.exit_code, result.stdout) == (2, "")
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {option} must be ")


def test_a_cap_on_upfront_finer_than_a_fen_is_refused() -> None:
    result = cli("compare-plans", STUDENT, "--max-upfront", "0.005")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "error: --max-upfront must be yuan and fen, at most 2 decimals, got '0.005'\n"


def test_compare_plans_budget_on_the_best_plan() -> None:
    best = Decimal(plans_json(NEW_USER)["plans"][0]["cash"])
    over = cli("compare-plans", NEW_USER, "--format", "json", "--budget", str(best - 10))
    assert over.exit_code == 1 and json.loads(over.stdout)["budget"]["exceeded"] is True
    assert over.errors == [
        f"budget exceeded: cash out of pocket {best:.2f} yuan is 10.00 over the budget of {best - 10} yuan (best plan)"
    ]
    within = cli("compare-plans", NEW_USER, "--budget", str(best))
    assert within.exit_code == 0
    assert within.errors[0].startswith("within budget: ") and within.errors[0].endswith("(best plan)")


# --- bad input -------------------------------------------------------------------------------


def _bad_scenario(tmp_path: Path) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(
        "name: Broken on purpose\n"  # 1
        "account:\n"  # 2
        "  new_user: true\n"  # 3
        "  studnet: false\n"  # 4: misspelt key
        "period:\n"  # 5
        "  start: 2027-02-30\n"  # 6: not a date
        "  months: 1\n"  # 7
        "usage:\n"  # 8
        "  - kind: shared\n"  # 9
        "    gpu_seconds: -5\n"  # 10: negative
        "    per: day\n",  # 11
        encoding="utf-8",
    )
    return path


PROBLEM = re.compile(r"^error: (?P<file>.+?):(?P<line>\d+):(?P<column>\d+): (?P<field>[\w.\[\]-]+): (?P<what>.+)$")


def _check_bad_scenario_report(stderr: str, path: Path) -> None:
    problems = [PROBLEM.match(line) for line in stderr.splitlines()]
    assert all(problems), stderr
    found = {(m["line"], m["column"], m["field"]) for m in problems if m}
    assert all(m["file"] == str(path) for m in problems if m)
    assert {("4", "3", "account.studnet"), ("6", "10", "period.start"), ("10", "18", "usage[0].gpu_seconds")} <= found
    assert "did you mean 'student'?" in stderr


def test_bad_scenario(tmp_path: Path) -> None:
    path = _bad_scenario(tmp_path)
    result = cli_uncached("estimate", path)
    assert (result.exit_code, result.stdout) == (2, "")
    _check_bad_scenario_report(result.stderr, path)


@pytest.mark.parametrize("command", ["estimate", "compare-plans"])
def test_missing_scenario(command: str) -> None:
    result = cli(command, "no-such-scenario.yaml")
    assert result == Run(2, "", "error: no-such-scenario.yaml: no such file\n")


def test_a_directory_is_not_a_scenario() -> None:
    result = cli("estimate", "examples")
    assert result.exit_code == 2
    (line,) = result.stderr.splitlines()
    assert line == "error: examples: is a directory, not a YAML file"


def test_huge_quantities_are_computed_not_crashed(tmp_path: Path) -> None:
    """Numbers at the schema's limits multiply past decimal's default 28 digits; the engine keeps enough."""
    path = tmp_path / "s.yaml"
    path.write_text(
        "account: {new_user: false, student: false}\nperiod: {start: 2027-01-01, months: 1}\n"
        "usage:\n  - {kind: shared, images: 999999999999999, seconds_per_image: 999999999999999, per: month}\n",
        encoding="utf-8",
    )
    result = cli_uncached("estimate", path, "--format", "json")
    assert result.exit_code == 0, result.stderr
    # B3: 999999999999999^2 GPU-s x 0.0077
    expected = Decimal(999999999999999) ** 2 * Decimal("0.0077")
    assert Decimal(json.loads(result.stdout)["totals"]["list_price"]) == expected


# --- compare-plans options --------------------------------------------------------------------


def _offers(plan: dict[str, Any]) -> set[str]:
    return {a["offer"] for a in plan["actions"]}


def test_compare_plans_only_and_exclude() -> None:
    data = plans_json(NEW_USER, "--only", "starter-bundle")
    assert data["plans"][0]["actions"] == [
        {"offer": "starter-bundle", "date": "2027-01-01", "count": 1, "within_a_fen": [1, 1]}
    ]
    assert all(_offers(p) <= {"starter-bundle"} for p in data["plans"])
    both = plans_json(NEW_USER, "--only", "starter-bundle", "--only", "storage-pack-40")
    assert all(_offers(p) <= {"starter-bundle", "storage-pack-40"} for p in both["plans"])
    assert any("storage-pack-40" in _offers(p) for p in both["plans"])
    assert any("starter-bundle" in _offers(p) for p in plans_json(NEW_USER)["plans"])
    without = plans_json(NEW_USER, "--exclude", "starter-bundle", "--exclude", "storage-pack-40")
    assert without["plans"] and all(not _offers(p) & {"starter-bundle", "storage-pack-40"} for p in without["plans"])


def test_an_unproven_ranking_is_said_and_require_proven_exits_4() -> None:
    """With no time to search, the first plan is the best found, said so in the headline and the JSON; the
    output is written either way, and --require-proven makes the exit code say it (4)."""
    data = plans_json(NEW_USER, "--time-limit", "0")
    assert (data["search"]["proven"], data["search"]["stopped"]) == (False, "time-limit")
    assert Decimal(data["search"]["gap"]) == Decimal(data["plans"][0]["cash"]) - Decimal(data["search"]["lower_bound"])
    assert [p["proven"] for p in data["plans"]] == [False] * len(data["plans"])
    table = cli("compare-plans", NEW_USER, "--time-limit", "0", "--require-proven")
    assert table.exit_code == 4 and "Best found (not proven; no plan can cost less than" in squash(table.stdout)
    assert cli("compare-plans", NEW_USER, "--require-proven").exit_code == 0
    assert "Proven cheapest:" in squash(cli("compare-plans", NEW_USER).stdout)


def test_exclude_assumed_ranks_only_plans_of_offers_whose_price_and_size_are_sourced() -> None:
    """--exclude-assumed leaves out offers whose price or size is assumed (the storage pack's price, the traffic
    trial's 2 GB a month), not one whose other terms are: the starter bundle's sourced 59 for 200 yuan stays,
    though what it covers is assumed (`grants.covers`), and its plan is still marked *."""
    data = plans_json(NEW_USER, "--exclude-assumed")
    bought = {a["offer"] for p in data["plans"] for a in p["actions"]}
    assert not bought & {"storage-pack-40", "trial-traffic", "trial-storage"}
    assert "starter-bundle" in bought
    assert "offers.starter-bundle.grants.covers" in data["plans"][0]["assumed"]
    left_out = next(n for n in data["notes"] if "--exclude-assumed" in n)
    assert "storage-pack-40" in left_out and "starter-bundle" not in left_out and "trial-compute" not in left_out


def test_exclude_assumed_strict_refuses_only_what_the_plans_left_rest_on() -> None:
    """--strict with --exclude-assumed refuses the assumed values the plans left still rest on, each once: here
    what the compute trial the scenario holds and the starter bundle cover, and nothing of an offer left out."""
    data = plans_json(NEW_USER, "--exclude-assumed")
    rested_on = list(dict.fromkeys(f for p in data["plans"] for f in p["assumed"]))
    assert rested_on == ["offers.trial-compute.grants.covers", "offers.starter-bundle.grants.covers"]
    strict = cli("compare-plans", NEW_USER, "--exclude-assumed", "--strict")
    assert (strict.exit_code, strict.stdout) == (2, "")
    assert [e.split(": ")[4] for e in strict.errors] == rested_on
    # shared usage and storage: with the assumed packs left out, what is left rests on published prices only
    assert cli("compare-plans", "examples/indie-shared-sd.yaml", "--strict").exit_code == 2
    assert cli("compare-plans", "examples/indie-shared-sd.yaml", "--exclude-assumed", "--strict").exit_code == 0


def test_require_proven_asks_only_the_first_plan_to_be_proven() -> None:
    """With no time to search, the student's usage is all covered by what the scenario holds: the best found
    costs 0.00 and no plan can cost less, so the first plan is proven cheapest (exit 0 with --require-proven)
    though the ranking is not."""
    data = plans_json(STUDENT, "--time-limit", "0")
    assert data["search"]["lower_bound"] == data["plans"][0]["cash"] == "0"
    assert (data["search"]["first_proven"], data["search"]["proven"]) == (True, False)
    table = cli("compare-plans", STUDENT, "--time-limit", "0", "--require-proven")
    assert table.exit_code == 0
    assert "Proven cheapest (the later ranks are not proven): claim or buy nothing more" in squash(table.stdout)
    assert plans_json(NEW_USER, "--time-limit", "0")["search"]["first_proven"] is False


def test_only_a_pack_that_does_not_pay_shows_the_best_plan_with_it() -> None:
    """traffic-pack-100 (360 yuan) is not searched for the new user (it cannot pay for itself): with --only it is
    still shown, bought on the first day, with what it costs more than the scenario as written."""
    data = plans_json(NEW_USER, "--only", "traffic-pack-100")
    schema = json.loads((ROOT / "docs" / "schema" / "plans.schema.json").read_text(encoding="utf-8"))
    assert [e.message for e in Draft202012Validator(schema).iter_errors(data)] == []
    assert [p["actions"] for p in data["plans"]] == [[]]
    (row,) = data["with_only"]
    assert row["offer"] == "traffic-pack-100"
    assert [(a["offer"], a["date"]) for a in row["plan"]["actions"]] == [("traffic-pack-100", "2027-01-01")]
    assert Decimal(row["plan"]["saving"]) == Decimal(data["baseline"]["cash"]) - Decimal(row["plan"]["cash"]) < 0
    assert row["plan"]["upfront"] == "360"
    text = squash(cli("compare-plans", NEW_USER, "--only", "traffic-pack-100").stdout)
    assert " with buy traffic-pack-100 * 360.00 " in text
    more = Decimal(row["plan"]["cash"]) - Decimal(data["baseline"]["cash"])
    assert (
        f"traffic-pack-100 does not pay here: the best plan with it costs {Decimal(row['plan']['cash']):,.2f}" in text
    )
    assert f"{more:,.2f} more than the scenario as written." in text


def test_compare_plans_help_says_what_exclude_assumed_and_require_proven_mean() -> None:
    text = squash(cli("compare-plans", "--help", env={"COLUMNS": "200"}).stdout)
    assert (
        "Leave out offers whose price or size the price sheet marks assumed (not those whose other terms are:" in text
    )
    assert "Exit 4 when the first plan is not proven cheapest" in text
    zh = squash(cli("compare-plans", "--help", "--lang", "zh", env={"COLUMNS": "200"}).stdout).replace(" ", "")
    assert "其他条款为假设值的不排除" in zh and "第一名未被证明最便宜时以退出码4退出" in zh


def test_break_even_of_a_named_offer_and_none_of_the_assumed() -> None:
    """--break-even starter-bundle (its price is sourced, B15), --no-break-even (none of the assumed prices). The
    best plan (starter, storage-pack-40, trial-traffic) costs 575.58 with the bundle at 59; the best without it
    is storage-pack-40 and the trials at 716.58. At p a copy the best plan costs 516.58 + p, so the bundle stays
    in it up to 200.00, the compute it holds."""
    data = plans_json(NEW_USER, "--break-even", "starter-bundle", "--no-break-even")
    (entry,) = data["break_even"]
    assert (entry["offer"], entry["price"], entry["count"], entry["proven"]) == ("starter-bundle", "200", 1, True)
    assert (entry["in_best_plan"], entry["best_without"], entry["assumed_price"]) == (True, "716.58", False)
    bad = cli("compare-plans", NEW_USER, "--break-even", "starter-bundel")
    assert bad.exit_code == 2 and bad.errors == [
        "error: unknown offer 'starter-bundel'; did you mean 'starter-bundle'?"
    ]


def test_strict_refuses_a_result_resting_on_an_assumption() -> None:
    """--strict: exit 2, no result, one error line per assumed value the JSON lists (file and field named)."""
    listed = estimate_json(STUDIO)["assumptions"]
    assert {"offers.compute-pack-100.price", "offers.traffic-pack-100.price"} <= {a["field"] for a in listed}
    assert {a["file"] for a in listed} == {"bundled pricing.yaml"}
    strict = cli("estimate", STUDIO, "--format", "json", "--strict")
    assert (strict.exit_code, strict.stdout) == (2, "")
    assert strict.errors == [
        f"error: --strict: the result rests on an assumed value: {a['file']}: {a['field']}: {a['why']}" for a in listed
    ]
    plans = cli("compare-plans", STUDENT, "--strict")
    assert (plans.exit_code, plans.stdout) == (2, "")
    assert len(plans.errors) == len(plans_json(STUDENT)["assumptions"]) > 0
    # shared usage alone rests on published prices only (B3, B6, B7, B20)
    assert cli("estimate", "examples/indie-shared-sd.yaml", "--strict").exit_code == 0


@pytest.mark.parametrize(
    "option, typo, meant",
    [("--only", "starter-bundel", "starter-bundle"), ("--exclude", "trafic-pack-100", "traffic-pack-100")],
)
def test_compare_plans_unknown_offer(option: str, typo: str, meant: str) -> None:
    result = cli("compare-plans", NEW_USER, option, typo)
    assert result == Run(2, "", f"error: unknown offer '{typo}'; did you mean '{meant}'?\n")


def test_compare_plans_max_upfront() -> None:
    assert max(Decimal(p["upfront"]) for p in plans_json(NEW_USER)["plans"]) > 20
    data = plans_json(NEW_USER, "--max-upfront", "20")
    assert data["plans"] and all(Decimal(p["upfront"]) <= 20 for p in data["plans"])
    assert all("starter-bundle" not in _offers(p) for p in data["plans"])  # it costs 59
    bad = cli("compare-plans", NEW_USER, "--max-upfront", "abc")
    assert (bad.exit_code, bad.stdout) == (2, "") and bad.stderr.startswith("error: --max-upfront ")


def test_compare_plans_top() -> None:
    full = plans_json(NEW_USER)["plans"]
    assert len(full) > 2
    assert plans_json(NEW_USER, "--top", "2")["plans"] == full[:2]
    assert cli("compare-plans", NEW_USER, "--top", "0").exit_code == 2


# --- validate, pricing, schema -----------------------------------------------------------------


def test_validate_examples_and_the_price_sheet() -> None:
    result = cli("validate", *[f"examples/{p.name}" for p in EXAMPLES], "pricing.yaml")
    assert (result.exit_code, result.stderr) == (0, "")
    assert sorted(result.stdout.splitlines()) == sorted(
        ["pricing.yaml: valid price sheet"] + [f"examples/{p.name}: valid scenario" for p in EXAMPLES]
    )


def test_validate_reports_the_good_files_beside_a_bad_one(tmp_path: Path) -> None:
    bad = _bad_scenario(tmp_path)
    result = cli_uncached("validate", STUDENT, bad, NEW_USER, "missing.yaml")
    assert result.exit_code == 2
    assert sorted(result.stdout.splitlines()) == [f"{NEW_USER}: valid scenario", f"{STUDENT}: valid scenario"]
    stderr = result.stderr.splitlines()
    assert "error: missing.yaml: no such file" in stderr
    _check_bad_scenario_report("\n".join(line for line in stderr if "missing.yaml" not in line), bad)


def _sheet_without_spec(tmp_path: Path, spec: str) -> Path:
    """The bundled sheet without one dedicated spec (nor its published range), so a scenario that uses it is wrong
    against this sheet only."""
    text = re.sub(r"\n    range: .*\n", "\n", PRICING.read_text(encoding="utf-8"))
    block = re.search(rf"\n      {re.escape(spec)}:\n(        .*\n)+", text)
    assert block
    path = tmp_path / f"without-{spec}.yaml"
    path.write_text(text.replace(block.group(0), "\n"), encoding="utf-8")
    return path


def test_validate_checks_scenarios_against_the_one_sheet_named(tmp_path: Path) -> None:
    narrow = _sheet_without_spec(tmp_path, "ded-39.54")
    result = cli_uncached("validate", narrow, STUDIO)
    assert result.exit_code == 2
    assert f"{narrow}: valid price sheet" in result.stdout
    assert "unknown dedicated spec 'ded-39.54'" in result.stderr  # checked against the sheet named, not the bundled


def test_validate_with_two_sheets_or_a_broken_one_says_so(tmp_path: Path) -> None:
    narrow = _sheet_without_spec(tmp_path, "ded-39.54")
    two = cli_uncached("validate", narrow, "pricing.yaml", STUDENT)
    assert two.exit_code == 2 and "valid scenario" not in two.stdout
    assert any("scenarios not checked" in line and "--pricing" in line for line in two.errors)
    assert cli_uncached("validate", narrow, "pricing.yaml", STUDENT, "--pricing", "pricing.yaml").exit_code == 0
    broken = tmp_path / "broken-sheet.yaml"
    broken.write_text(PRICING.read_text(encoding="utf-8").replace("price: 0.0077", "price: free"), encoding="utf-8")
    result = cli_uncached("validate", broken, STUDENT)
    assert result.exit_code == 2 and "valid scenario" not in result.stdout
    assert f"error: scenarios not checked: the price sheet {broken} has errors" in result.errors


@cache
def _schema(kind: str) -> dict[str, Any]:
    """What `artlab-cost schema --kind KIND` prints, checked once as a JSON Schema (the tests only read it)."""
    result = cli("schema", "--kind", kind)
    assert (result.exit_code, result.stderr) == (0, "")
    schema = json.loads(result.stdout)
    Draft202012Validator.check_schema(schema)
    return schema


def _plain(node: Any) -> Any:
    """YAML as JSON would carry it: dates become ISO strings."""
    if isinstance(node, dict):
        return {k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, (dt.date, dt.datetime)):
        return node.isoformat()
    return node


@pytest.mark.parametrize("example", EXAMPLES, ids=EXAMPLE_IDS)
def test_examples_validate_against_the_scenario_schema(example: Path) -> None:
    validator = Draft202012Validator(_schema("scenario"))
    document = _plain(yaml.safe_load(example.read_text(encoding="utf-8")))
    assert [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)] == []


def test_a_misspelt_key_fails_the_scenario_schema() -> None:
    validator = Draft202012Validator(_schema("scenario"))
    document = _plain(yaml.safe_load((ROOT / STUDENT).read_text(encoding="utf-8")))
    document["usage"][0]["gpu_second"] = 100  # misspelt gpu_seconds
    assert not validator.is_valid(document)
    top = dict(document)
    top["holding"] = top.pop("holdings")
    assert not validator.is_valid(top)


def test_pricing_yaml_validates_against_the_pricing_schema() -> None:
    validator = Draft202012Validator(_schema("pricing"))
    document = _plain(yaml.safe_load(PRICING.read_text(encoding="utf-8")))
    assert [e.message for e in validator.iter_errors(document)] == []


def test_schema_default_output_file_and_bad_kind(tmp_path: Path) -> None:
    assert cli("schema").stdout == cli("schema", "--kind", "scenario").stdout
    target = tmp_path / "s.json"
    assert cli_uncached("schema", "--output", target).stdout == ""
    assert json.loads(target.read_text(encoding="utf-8")) == _schema("scenario")
    assert cli("schema", "--kind", "bill") == Run(2, "", "error: --kind must be scenario or pricing, got 'bill'\n")


# --- terminals and colour -------------------------------------------------------------------


@pytest.mark.parametrize("no_color", [None, "1"], ids=["color-unset", "NO_COLOR"])
def test_no_ansi_escapes_off_a_terminal(no_color: str | None) -> None:
    for args in (["estimate", STUDENT], ["compare-plans", STUDENT], ["pricing"], ["--help"]):
        result = cli(*args, env={"NO_COLOR": no_color})
        assert result.exit_code == 0, result.stderr
        assert ANSI not in result.stdout and ANSI not in result.stderr


def _run_on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """Run `python -m artlab_cost` with stdout on a pseudo-terminal; return (code, stdout, stderr)."""
    pty = pytest.importorskip("pty")
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "artlab_cost", *args],
        stdin=subprocess.DEVNULL,
        stdout=slave,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=env,
    )
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO once the child has closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    code = proc.wait(timeout=60)
    return code, b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n"), stderr


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "ARTLAB_COST_PRICING")}
    env.update(COLUMNS="80", TERM="xterm-256color", **extra)
    return env


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_python_dash_m_on_a_terminal_colour_and_the_notes_under_the_table() -> None:
    code, out, err = _run_on_a_terminal(["estimate", STUDENT], _clean_env())
    assert code == 0
    assert ANSI in out  # colour on a terminal
    assert "Notes" in out and "note: " not in err


@pytest.mark.parametrize(
    "tty, no_color, output, expected",
    [(True, None, None, True), (True, "1", None, False), (False, None, None, False), (True, None, "out.txt", False)],
)
def test_colour_only_on_a_terminal_and_never_with_no_color(
    monkeypatch: pytest.MonkeyPatch, tty: bool, no_color: str | None, output: str | None, expected: bool
) -> None:
    from artlab_cost.cli import output as out

    monkeypatch.setattr(sys.stdout, "isatty", lambda: tty)
    if no_color is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", no_color)
    assert out.color(Path(output) if output else None) is expected


# --- the program as installed (`python -m` above, on a terminal) ------------------------------


def test_console_script_finds_the_bundled_price_sheet_from_elsewhere(tmp_path: Path) -> None:
    script = Path(sysconfig.get_path("scripts")) / ("artlab-cost.exe" if sys.platform == "win32" else "artlab-cost")
    if not script.exists():
        pytest.skip(f"console script not installed at {script}")
    scenario = tmp_path / "student.yaml"
    scenario.write_text((ROOT / STUDENT).read_text(encoding="utf-8"), encoding="utf-8")
    work = tmp_path / "elsewhere"
    work.mkdir()
    run = subprocess.run(
        [str(script), "estimate", str(scenario), "--format", "json"],
        capture_output=True,
        text=True,
        env=_clean_env(),
        cwd=work,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["kind"] == "estimate" and data["price_sheet"]["version"] == "2026.11"
    assert all(line.startswith("note: ") for line in run.stderr.splitlines())  # off a terminal, notes on stderr
    assert any("bundled pricing.yaml" in n for n in data["notes"])
    assert list(work.iterdir()) == []


def test_estimate_chart_adds_a_bar_a_month_under_the_table() -> None:
    """student-trial at 80 columns: 59 cells for April, the longest month (79.735 listed: 1.635 by the free
    trial, 78.10 by the voucher). The trial's part ends at round(1.635 x 59 / 79.735) = 1 cell, the voucher fills
    to 59. Off a terminal the table before it is unchanged; with --format json there is no table to draw under."""
    plain = cli("estimate", "examples/student-trial.yaml")
    drawn = cli("estimate", "examples/student-trial.yaml", "--chart")
    assert drawn.exit_code == 0 and drawn.stdout.startswith(plain.stdout)
    added = drawn.stdout[len(plain.stdout) :].splitlines()
    assert added[0] == "Each month: the list price by stage, and the cash paid (yuan)"
    assert "2027-04 ░" + "▓" * 58 + "  79.74  0.00" in added
    refused = cli("estimate", "examples/student-trial.yaml", "--chart", "--format", "json")
    assert refused.exit_code == 2 and refused.stdout == "" and "--chart" in refused.errors[0]
