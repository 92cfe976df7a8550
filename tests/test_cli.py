"""The command line end to end: every command, flag, output format and exit code, through Typer's CliRunner.

Exit codes (cli.py): 0 done, 1 over the --budget, 2 bad input or usage. stdout carries only the
result; notes, warnings and errors go to stderr. Typer's CliRunner keeps the two apart:
`result.stdout` and `result.stderr` (`result.output` is both, interleaved).

Whole outputs are pinned by tests/test_golden.py; these tests check properties that must hold
for every example and format.
"""

from __future__ import annotations

import csv
import datetime as dt
import glob
import io
import json
import os
import re
import shlex
import subprocess
import sys
import sysconfig
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator
from rich.cells import cell_len
from typer.main import get_command
from typer.testing import CliRunner, Result

from artlab_cost import __version__
from artlab_cost.cli import app
from artlab_cost.render import By, OutputFormat

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
EXAMPLE_IDS = [p.stem for p in EXAMPLES]
PRICING = ROOT / "pricing.yaml"
ESTIMATE_SCHEMA = json.loads((ROOT / "docs" / "schema" / "estimate.schema.json").read_text(encoding="utf-8"))
PLANS_SCHEMA = json.loads((ROOT / "docs" / "schema" / "plans.schema.json").read_text(encoding="utf-8"))

# The environment of every run unless a test says otherwise: no colour variables, no price
# sheet from the environment, 80 columns (None removes a variable for the run).
BASE_ENV: dict[str, str | None] = {
    "COLUMNS": "80",
    "NO_COLOR": None,
    "FORCE_COLOR": None,
    "ARTLAB_COST_PRICING": None,
}

ESTIMATE_CSV_HEADER = [
    "from",
    "until",
    "meter",
    "quantity",
    "unit",
    "list_amount",
    "stage",
    "entitlement",
    "amount",
    "absorbed_quantity",
]
PLANS_CSV_HEADER = ["rank", "plan", "upfront", "postpaid_due", "cash", "saving", "lapsed_value"]

ANSI = "\x1b["
STUDENT = "examples/student-trial.yaml"
NEW_USER = "examples/new-user-starter.yaml"
STUDIO = "examples/studio-dedicated-comfyui.yaml"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the repository root, so examples are named as a user would name them."""
    monkeypatch.chdir(ROOT)


def invoke(*args: str | Path, env: dict[str, str | None] | None = None) -> Result:
    """Run the CLI in-process; an exception that escaped the CLI (a traceback for a user) fails the test."""
    result = CliRunner().invoke(app, [str(a) for a in args], env={**BASE_ENV, **(env or {})})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        raise AssertionError(
            f"artlab-cost {' '.join(map(str, args))} raised instead of reporting:\n"
            + "".join(traceback.format_exception(*result.exc_info))  # type: ignore[misc]
        )
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    return result


def lines(text: str) -> list[str]:
    return text.splitlines()


def error_lines(result: Result) -> list[str]:
    """stderr lines that are not notes."""
    return [line for line in lines(result.stderr) if not line.startswith("note: ")]


def walk(node: Any, path: str = "$") -> list[tuple[str, Any]]:
    """Every (path, leaf) of a JSON document."""
    if isinstance(node, dict):
        return [leaf for key, value in node.items() for leaf in walk(value, f"{path}.{key}")]
    if isinstance(node, list):
        return [leaf for i, value in enumerate(node) for leaf in walk(value, f"{path}[{i}]")]
    return [(path, node)]


def squash(text: str) -> str:
    """Help text with Rich's panel borders and line wrapping removed."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


def estimate_json(*args: str | Path, env: dict[str, str | None] | None = None) -> dict[str, Any]:
    result = invoke("estimate", *args, "--format", "json", env=env)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def plans_json(*args: str | Path) -> dict[str, Any]:
    result = invoke("compare-plans", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def meter_amount(data: dict[str, Any], meter: str) -> Decimal:
    return sum((Decimal(c["amount"]) for c in data["charges"] if c["meter"] == meter), Decimal(0))


# --- version and help -------------------------------------------------------------------

COMMANDS = sorted(get_command(app).commands)  # type: ignore[attr-defined]


def test_the_commands_are_the_documented_ones() -> None:
    assert COMMANDS == ["compare-plans", "estimate", "pricing", "schema", "validate"]


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout == f"artlab-cost {__version__}\n"
    assert result.stderr == ""


def test_top_level_help_lists_every_command_and_the_exit_codes() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    text = squash(result.stdout)
    for name in COMMANDS:
        assert name in text
    assert "Exit codes: 0 done; 1 budget exceeded (--budget); 2 bad input or usage." in text


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help_has_text_an_example_and_the_exit_codes(name: str) -> None:
    result = invoke(name, "--help")
    assert result.exit_code == 0
    assert result.stderr == ""
    text = squash(result.stdout)
    command = get_command(app).commands[name]  # type: ignore[attr-defined]
    assert command.help and command.help.strip(), f"{name} has no help text"
    assert squash(command.help.split("\n\n")[0]) in text
    assert f"Example: artlab-cost {name} " in text  # squash() folds the line break after "Example:"
    if name in ("estimate", "compare-plans"):
        assert "Exit codes: 0 done; 1 budget exceeded (--budget); 2 bad input or usage." in text
    else:  # no budget gate: no exit 1
        assert "Exit codes: 0 done; 2 bad input or usage." in text
    for param in command.params:
        if param.name == "help":
            continue
        assert getattr(param, "help", None), f"{name}: {param.name} has no help text"


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
        args += sorted(glob.glob(word)) if any(c in word for c in "*?[") else [word]
    return args


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help_example_runs(name: str) -> None:
    args = _help_example(name)
    assert args[0] == name
    result = invoke(*args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout


# --- every output format is wired through --------------------------------------------------


def _check_table(text: str, kind: str) -> None:
    assert ("Charges and how they are absorbed" if kind == "estimate" else "Ways to pay, cheapest first") in text


def _check_json(text: str, kind: str) -> None:
    assert json.loads(text)["kind"] == kind


def _check_csv(text: str, kind: str) -> None:
    header = next(csv.reader(io.StringIO(text)))
    assert header == (ESTIMATE_CSV_HEADER if kind == "estimate" else PLANS_CSV_HEADER)


def _check_markdown(text: str, kind: str) -> None:
    assert text.startswith(f"## artlab-cost {kind if kind == 'estimate' else 'plans'}: ")
    assert "\n| --- |" in text or "\n| --- | " in text


FORMAT_CHECKS = {"table": _check_table, "json": _check_json, "csv": _check_csv, "markdown": _check_markdown}


def test_every_output_format_has_a_check_here() -> None:
    """A new OutputFormat member must get a check below (and a renderer in each command)."""
    assert set(FORMAT_CHECKS) == {f.value for f in OutputFormat}


@pytest.mark.parametrize("command, kind", [("estimate", "estimate"), ("compare-plans", "plans")])
def test_every_output_format_renders_its_own_way(command: str, kind: str) -> None:
    outputs = {}
    for fmt in OutputFormat:
        result = invoke(command, NEW_USER, "--format", fmt.value)
        assert result.exit_code == 0, (fmt, result.stderr)
        assert result.stdout.endswith("\n")
        FORMAT_CHECKS[fmt.value](result.stdout, kind)
        assert all(line.startswith("note: ") for line in lines(result.stderr)), result.stderr
        outputs[fmt] = result.stdout
    # a format that falls through to another's renderer is half-wired
    assert len(set(outputs.values())) == len(OutputFormat)


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_pricing_every_output_format(fmt: OutputFormat) -> None:
    result = invoke("pricing", "--format", fmt.value)
    assert result.exit_code == 0, result.stderr
    assert "trial-compute" in result.stdout


# --- estimate flags ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_estimate_output_file(tmp_path: Path, fmt: OutputFormat) -> None:
    target = tmp_path / f"out.{fmt.value}"
    to_file = invoke("estimate", STUDENT, "--format", fmt.value, "--output", target)
    assert to_file.exit_code == 0, to_file.stderr
    assert to_file.stdout == ""
    to_stdout = invoke("estimate", STUDENT, "--format", fmt.value)
    assert target.read_text(encoding="utf-8") == to_stdout.stdout
    assert to_file.stderr == to_stdout.stderr


def test_estimate_output_to_an_unwritable_place(tmp_path: Path) -> None:
    result = invoke("estimate", STUDENT, "--output", tmp_path / "no-such-dir" / "out.txt")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(error_lines(result)) == 1 and error_lines(result)[0].startswith("error: cannot write ")


@pytest.mark.parametrize("by", list(By))
def test_estimate_by(by: By) -> None:
    result = invoke("estimate", STUDENT, "--by", by.value)
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    if by is By.month:
        assert re.search(r"^ 2027-03 ", text, re.M) and not re.search(r"2027-03-02 ", text)
    elif by is By.day:
        assert re.search(r"^ (2027-)?03-02 ", text, re.M)  # a row per day (the year may be in the title)
    elif by is By.meter:
        assert not re.search(r"^ Period ", text, re.M) and "shared GPU" in text
    else:
        assert "all meters" in text
    # the grouping changes the rows, never the amounts
    data = estimate_json(STUDENT, "--by", by.value)
    assert data["totals"] == estimate_json(STUDENT)["totals"]
    if by is By.day:
        assert all(c["from"] == c["until"] for c in data["charges"])


def _sheet_with_double_gpu_price(tmp_path: Path) -> Path:
    text = PRICING.read_text(encoding="utf-8")
    assert text.count("price: 0.0077") == 1 and text.count('version: "2026.11"') == 1
    sheet = tmp_path / "double-gpu.yaml"
    sheet.write_text(text.replace("price: 0.0077", "price: 0.0154").replace('version: "2026.11"', 'version: "test-2x"'))
    return sheet


def test_estimate_pricing_option(tmp_path: Path) -> None:
    sheet = _sheet_with_double_gpu_price(tmp_path)
    bundled = estimate_json(STUDENT)
    custom = estimate_json(STUDENT, "--pricing", sheet)
    assert "test-2x" in custom["price_sheet"] and "test-2x" not in bundled["price_sheet"]
    assert meter_amount(custom, "shared_gpu") == 2 * meter_amount(bundled, "shared_gpu")
    assert meter_amount(custom, "storage") == meter_amount(bundled, "storage")


def test_estimate_pricing_from_the_environment(tmp_path: Path) -> None:
    sheet = _sheet_with_double_gpu_price(tmp_path)
    from_env = estimate_json(STUDENT, env={"ARTLAB_COST_PRICING": str(sheet)})
    assert "test-2x" in from_env["price_sheet"]
    assert from_env["totals"] == estimate_json(STUDENT, "--pricing", sheet)["totals"]
    # --pricing wins over the environment
    assert (
        "test-2x"
        not in estimate_json(STUDENT, "--pricing", PRICING, env={"ARTLAB_COST_PRICING": str(sheet)})["price_sheet"]
    )


def test_estimate_pricing_missing_file() -> None:
    for result in (
        invoke("estimate", STUDENT, "--pricing", "no-such-sheet.yaml"),
        invoke("estimate", STUDENT, env={"ARTLAB_COST_PRICING": "no-such-sheet.yaml"}),
    ):
        assert result.exit_code == 2
        assert result.stdout == ""
        assert error_lines(result) == ["error: no-such-sheet.yaml: no such file"]


# Studio: list price 70,890.75 > cash 70,887.90 > postpaid due 70,783.90 (see the golden), so a
# limit of 70,850 is exceeded on list and cash but not on postpaid.
MEASURE_FIELD = {"cash": "cash", "postpaid": "postpaid_due", "list": "list_price"}


@pytest.mark.parametrize("measure", ["cash", "postpaid", "list"])
@pytest.mark.parametrize("limit", ["70850", "1000000", "10"])
def test_estimate_budget(measure: str, limit: str) -> None:
    result = invoke("estimate", STUDIO, "--format", "json", "--budget", limit, "--budget-on", measure)
    data = json.loads(result.stdout)  # the output is written, over the budget or not
    value = Decimal(data["totals"][MEASURE_FIELD[measure]])
    exceeded = value > Decimal(limit)
    assert result.exit_code == (1 if exceeded else 0)
    budget = data["budget"]
    assert budget["measure"] == measure and budget["exceeded"] is exceeded
    assert Decimal(budget["limit"]) == Decimal(limit) and Decimal(budget["value"]) == value
    message = error_lines(result)
    assert len(message) == 1
    if exceeded:
        over = value - Decimal(limit)
        assert Decimal(budget["over"]) == over
        assert message[0].startswith("budget exceeded: ")
        assert f" {over:,.2f} over the budget of {Decimal(limit):,.2f} yuan" in message[0]
    else:
        assert message[0].startswith("within budget: ")


def test_estimate_budget_exactly_met_is_not_exceeded() -> None:
    cash = estimate_json(NEW_USER)["totals"]["cash"]
    result = invoke("estimate", NEW_USER, "--budget", cash)
    assert result.exit_code == 0
    assert error_lines(result) == [
        f"within budget: cash out of pocket {Decimal(cash):,.2f} yuan of {Decimal(cash):,.2f} yuan"
    ]


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_estimate_budget_exceeded_still_writes_the_output(fmt: OutputFormat, tmp_path: Path) -> None:
    target = tmp_path / "out"
    result = invoke("estimate", STUDIO, "--format", fmt.value, "--budget", "100", "--output", target)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert (
        target.read_text(encoding="utf-8")
        == invoke("estimate", STUDIO, "--format", fmt.value, "--budget", "100").stdout
    )
    assert error_lines(result)[-1].startswith("budget exceeded: cash out of pocket ")


@pytest.mark.parametrize(
    "args, option",
    [
        (["--budget", "abc"], "--budget"),
        (["--budget", "-5"], "--budget"),
        (["--budget", "nan"], "--budget"),
        (["--budget", "Infinity"], "--budget"),
        (["--budget", ""], "--budget"),
        (["--budget", "100", "--budget-on", "net"], "--budget-on"),
        (["--budget-on", "CASH"], "--budget-on"),
    ],
)
@pytest.mark.parametrize("command", ["estimate", "compare-plans"])
def test_invalid_budget_is_one_line_and_exit_2(command: str, args: list[str], option: str) -> None:
    result = invoke(command, STUDENT, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(lines(result.stderr)) == 1
    assert result.stderr.startswith(f"error: {option} must be ")


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
    problems = [PROBLEM.match(line) for line in lines(stderr)]
    assert all(problems), stderr
    found = {(m["line"], m["column"], m["field"]) for m in problems if m}
    assert all(m["file"] == str(path) for m in problems if m)
    assert ("4", "3", "account.studnet") in found
    assert ("6", "10", "period.start") in found
    assert ("10", "18", "usage[0].gpu_seconds") in found
    assert "did you mean 'student'?" in stderr


def test_estimate_bad_scenario(tmp_path: Path) -> None:
    path = _bad_scenario(tmp_path)
    result = invoke("estimate", path)
    assert result.exit_code == 2
    assert result.stdout == ""
    _check_bad_scenario_report(result.stderr, path)


@pytest.mark.parametrize("command", ["estimate", "compare-plans"])
def test_missing_scenario(command: str) -> None:
    result = invoke(command, "no-such-scenario.yaml")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert lines(result.stderr) == ["error: no-such-scenario.yaml: no such file"]


def test_a_directory_is_not_a_scenario() -> None:
    result = invoke("estimate", "examples")
    assert result.exit_code == 2
    assert len(lines(result.stderr)) == 1 and lines(result.stderr)[0].startswith("error: examples")


def test_unknown_format_is_a_usage_error() -> None:
    result = invoke("estimate", STUDENT, "--format", "xml")
    assert result.exit_code == 2
    assert result.stdout == ""


# --- compare-plans flags -------------------------------------------------------------------


def _offers(plan: dict[str, Any]) -> set[str]:
    return {a["offer"] for a in plan["actions"]}


def test_compare_plans_only() -> None:
    data = plans_json(NEW_USER, "--only", "starter-bundle")
    assert data["plans"][0]["actions"] == [{"offer": "starter-bundle", "date": "2027-01-01", "count": 1}]
    assert all(_offers(p) <= {"starter-bundle"} for p in data["plans"])
    both = plans_json(NEW_USER, "--only", "starter-bundle", "--only", "traffic-pack-10")
    assert all(_offers(p) <= {"starter-bundle", "traffic-pack-10"} for p in both["plans"])
    assert any("traffic-pack-10" in _offers(p) for p in both["plans"])


def test_compare_plans_exclude() -> None:
    assert any("starter-bundle" in _offers(p) for p in plans_json(NEW_USER)["plans"])
    data = plans_json(NEW_USER, "--exclude", "starter-bundle", "--exclude", "storage-pack-40")
    assert data["plans"]
    assert all(not _offers(p) & {"starter-bundle", "storage-pack-40"} for p in data["plans"])


@pytest.mark.parametrize(
    "option, typo, meant",
    [("--only", "starter-bundel", "starter-bundle"), ("--exclude", "trafic-pack-10", "traffic-pack-10")],
)
def test_compare_plans_unknown_offer(option: str, typo: str, meant: str) -> None:
    result = invoke("compare-plans", NEW_USER, option, typo)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert lines(result.stderr) == [f"error: unknown offer '{typo}'; did you mean '{meant}'?"]


def test_compare_plans_max_upfront() -> None:
    assert max(Decimal(p["upfront"]) for p in plans_json(NEW_USER)["plans"]) > 20
    data = plans_json(NEW_USER, "--max-upfront", "20")
    assert data["plans"]
    assert all(Decimal(p["upfront"]) <= 20 for p in data["plans"])
    assert all("starter-bundle" not in _offers(p) for p in data["plans"])  # it costs 59


def test_compare_plans_invalid_max_upfront_names_the_option() -> None:
    result = invoke("compare-plans", NEW_USER, "--max-upfront", "abc")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(lines(result.stderr)) == 1
    assert result.stderr.startswith("error: --max-upfront "), result.stderr


def test_compare_plans_top() -> None:
    full = plans_json(NEW_USER)["plans"]
    assert len(full) > 2
    assert plans_json(NEW_USER, "--top", "2")["plans"] == full[:2]
    assert invoke("compare-plans", NEW_USER, "--top", "0").exit_code == 2


def test_compare_plans_budget_on_the_best_plan() -> None:
    best = Decimal(plans_json(NEW_USER)["plans"][0]["cash"])
    over = invoke("compare-plans", NEW_USER, "--format", "json", "--budget", str(best - 10))
    assert over.exit_code == 1
    assert json.loads(over.stdout)["budget"]["exceeded"] is True
    assert error_lines(over) == [
        f"budget exceeded: cash out of pocket {best:.2f} yuan is 10.00 over the budget of {best - 10} yuan (best plan)"
    ]
    within = invoke("compare-plans", NEW_USER, "--budget", str(best))
    assert within.exit_code == 0
    assert error_lines(within)[0].startswith("within budget: ") and error_lines(within)[0].endswith("(best plan)")


# --- validate, pricing, schema -----------------------------------------------------------------


def test_validate_examples_and_the_price_sheet() -> None:
    result = invoke("validate", *[f"examples/{p.name}" for p in EXAMPLES], "pricing.yaml")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert sorted(lines(result.stdout)) == sorted(
        ["pricing.yaml: valid price sheet"] + [f"examples/{p.name}: valid scenario" for p in EXAMPLES]
    )


def test_validate_reports_the_good_files_beside_a_bad_one(tmp_path: Path) -> None:
    bad = _bad_scenario(tmp_path)
    result = invoke("validate", STUDENT, bad, NEW_USER, "missing.yaml")
    assert result.exit_code == 2
    assert sorted(lines(result.stdout)) == [f"{NEW_USER}: valid scenario", f"{STUDENT}: valid scenario"]
    stderr = lines(result.stderr)
    assert "error: missing.yaml: no such file" in stderr
    _check_bad_scenario_report("\n".join(line for line in stderr if "missing.yaml" not in line), bad)


def test_pricing_table() -> None:
    result = invoke("pricing")
    assert result.exit_code == 0
    assert result.stderr == ""
    sheet = yaml.safe_load(PRICING.read_text(encoding="utf-8"))
    for offer in sheet["offers"]:
        assert offer in result.stdout
    assert "2026.11" in result.stdout


def test_pricing_json_lists_every_offer_with_a_source() -> None:
    result = invoke("pricing", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["kind"] == "pricing"
    sheet = yaml.safe_load(PRICING.read_text(encoding="utf-8"))
    assert [o["id"] for o in data["offers"]] == list(sheet["offers"])
    for offer in data["offers"]:
        assert offer["source"].strip(), offer["id"]
    for meter in data["meters"]:
        assert meter["source"].strip(), meter["id"]
    assert not [p for p, leaf in walk(data) if isinstance(leaf, float)]


def _schema(kind: str) -> dict[str, Any]:
    result = invoke("schema", "--kind", kind)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
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


def test_schema_default_is_the_scenario_schema() -> None:
    assert invoke("schema").stdout == invoke("schema", "--kind", "scenario").stdout


@pytest.mark.parametrize("example", EXAMPLES, ids=EXAMPLE_IDS)
def test_examples_validate_against_the_scenario_schema(example: Path) -> None:
    validator = Draft202012Validator(_schema("scenario"))
    document = _plain(yaml.safe_load(example.read_text(encoding="utf-8")))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []


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
    errors = [e.message for e in validator.iter_errors(_plain(yaml.safe_load(PRICING.read_text(encoding="utf-8"))))]
    assert errors == []


def test_schema_output_file_and_bad_kind(tmp_path: Path) -> None:
    target = tmp_path / "s.json"
    assert invoke("schema", "--output", target).stdout == ""
    assert json.loads(target.read_text(encoding="utf-8")) == _schema("scenario")
    bad = invoke("schema", "--kind", "bill")
    assert bad.exit_code == 2
    assert lines(bad.stderr) == ["error: --kind must be scenario or pricing, got 'bill'"]


# --- JSON and CSV documents -----------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES, ids=EXAMPLE_IDS)
def test_estimate_json_matches_its_schema_and_has_no_floats(example: Path) -> None:
    validator = Draft202012Validator(ESTIMATE_SCHEMA)
    for extra in ([], ["--by", "day"], ["--budget", "100", "--budget-on", "list"]):
        result = invoke("estimate", example, "--format", "json", *extra)
        assert result.exit_code in (0, 1)
        data = json.loads(result.stdout)
        assert [e.message for e in validator.iter_errors(data)] == []
        assert [p for p, leaf in walk(data) if isinstance(leaf, float)] == []
        # the notes on stderr are the document's notes
        assert [line for line in lines(result.stderr) if line.startswith("note: ")] == [
            f"note: {n}" for n in data["notes"]
        ]


@pytest.mark.parametrize("example", EXAMPLES, ids=EXAMPLE_IDS)
def test_plans_json_matches_its_schema_and_has_no_floats(example: Path) -> None:
    validator = Draft202012Validator(PLANS_SCHEMA)
    for extra in ([], ["--budget", "100"]):
        result = invoke("compare-plans", example, "--format", "json", *extra)
        assert result.exit_code in (0, 1)
        data = json.loads(result.stdout)
        assert [e.message for e in validator.iter_errors(data)] == []
        assert [p for p, leaf in walk(data) if isinstance(leaf, float)] == []


@pytest.mark.parametrize("example", EXAMPLES, ids=EXAMPLE_IDS)
def test_estimate_csv_allocations_add_up_to_each_charge(example: Path) -> None:
    result = invoke("estimate", example, "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ESTIMATE_CSV_HEADER
    assert all(len(row) == len(ESTIMATE_CSV_HEADER) for row in rows)
    charges: dict[tuple[str, ...], list[list[str]]] = defaultdict(list)
    for row in rows[1:]:
        charges[tuple(row[:6])].append(row)  # from, until, meter, quantity, unit, list_amount
    for charge, allocations in charges.items():
        assert sum(Decimal(a[8]) for a in allocations) == Decimal(charge[5]), charge
        assert sum(Decimal(a[9]) for a in allocations) == Decimal(charge[3]), charge
    # one CSV charge per JSON charge, with the same list amounts
    data = estimate_json(example)
    assert sorted(Decimal(c[5]) for c in charges) == sorted(Decimal(c["amount"]) for c in data["charges"])
    assert sum(Decimal(c[5]) for c in charges) == Decimal(data["totals"]["list_price"])


@pytest.mark.parametrize("example", EXAMPLES, ids=EXAMPLE_IDS)
def test_plans_csv(example: Path) -> None:
    result = invoke("compare-plans", example, "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == PLANS_CSV_HEADER
    for row in rows[1:]:
        upfront, postpaid, cash = (Decimal(v) for v in row[2:5])
        assert upfront + postpaid == cash


# --- terminals, colour, width and notes ----------------------------------------------------

ALL_RUNS = (
    [
        pytest.param(["estimate", f"examples/{p.name}", "--format", f.value], id=f"estimate-{p.stem}-{f.value}")
        for p in EXAMPLES
        for f in OutputFormat
    ]
    + [
        pytest.param(["compare-plans", f"examples/{p.name}", "--format", f.value], id=f"plans-{p.stem}-{f.value}")
        for p in EXAMPLES
        for f in OutputFormat
    ]
    + [pytest.param(["pricing", "--format", f.value], id=f"pricing-{f.value}") for f in OutputFormat]
    + [pytest.param(["--help"], id="help"), pytest.param(["estimate", "--help"], id="estimate-help")]
)


@pytest.mark.parametrize("args", ALL_RUNS)
@pytest.mark.parametrize("no_color", [None, "1"], ids=["color-unset", "NO_COLOR"])
def test_no_ansi_escapes_off_a_terminal(args: list[str], no_color: str | None) -> None:
    result = invoke(*args, env={"NO_COLOR": no_color})
    assert result.exit_code == 0, result.stderr
    assert ANSI not in result.stdout
    assert ANSI not in result.stderr


TABLE_RUNS = [
    pytest.param(["estimate", f"examples/{p.name}", "--by", b.value], id=f"estimate-{p.stem}-{b.value}")
    for p in EXAMPLES
    for b in By
] + [pytest.param(["compare-plans", f"examples/{p.name}"], id=f"plans-{p.stem}") for p in EXAMPLES]


@pytest.mark.parametrize("args", TABLE_RUNS)
def test_tables_fit_80_columns(args: list[str]) -> None:
    result = invoke(*args, env={"COLUMNS": "80"})
    assert result.exit_code == 0
    wide = [f"{cell_len(line)}: {line}" for line in lines(result.stdout) if cell_len(line) > 80]
    assert wide == []


@pytest.mark.parametrize("args", TABLE_RUNS)
def test_tables_cut_nothing_short_at_80_columns(args: list[str]) -> None:
    """Rich shortens a cell that does not fit with an ellipsis; a cut amount is unreadable."""
    result = invoke(*args, env={"COLUMNS": "80"})
    assert [line for line in lines(result.stdout) if "…" in line] == []


def test_pricing_table_fits_80_columns() -> None:
    result = invoke("pricing", env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert [line for line in lines(result.stdout) if cell_len(line) > 80 or "…" in line] == []


def test_pricing_table_at_80_columns_crops_no_word() -> None:
    """Each offer's id, price, validity and purchase limit are in the table whole (wrapped is fine, cut is not)."""
    words = set(re.findall(r"[\w.-]+", invoke("pricing", env={"COLUMNS": "80"}).stdout))
    data = json.loads(invoke("pricing", "--format", "json").stdout)
    for offer in data["offers"]:
        limit = {"once_per_user": "once per user", "once_per_validity": "one at a time", "stackable": "stackable"}
        who = {"new_user": "new users", "student": "students"}
        expected = {offer["id"], offer["price"], *limit[offer["limit"]].split()}
        expected |= {word for e in offer["eligible"] for word in who[e].split()}
        assert expected <= words, (offer["id"], expected - words)


def _yuan(amount: str) -> str:
    return f"{Decimal(amount).quantize(Decimal('0.01'), ROUND_HALF_UP):,.2f}"


@pytest.mark.parametrize("args", TABLE_RUNS)
def test_table_totals_are_shown_whole_at_80_columns(args: list[str]) -> None:
    """The amounts a reader looks for first are printed in full, whatever the grouping."""
    table = invoke(*args, env={"COLUMNS": "80"}).stdout
    data = json.loads(invoke(*args, "--format", "json").stdout)
    if args[0] == "estimate":
        totals = data["totals"]
        amounts = [totals["list_price"], totals["postpaid_exact"], totals["postpaid_due"], totals["cash"]]
        amounts += list(totals["absorbed"].values())
    else:
        amounts = [v for plan in data["plans"] for v in (plan["upfront"], plan["postpaid_due"], plan["cash"])]
    words = set(table.split())
    assert {_yuan(a) for a in amounts} <= words, {_yuan(a) for a in amounts} - words


@pytest.mark.parametrize("example", EXAMPLES, ids=EXAMPLE_IDS)
@pytest.mark.parametrize("command", ["estimate", "compare-plans"])
def test_notes_go_to_stderr_off_a_terminal(command: str, example: Path) -> None:
    result = invoke(command, example)
    assert result.exit_code == 0
    notes = lines(result.stderr)
    assert notes and all(line.startswith("note: ") for line in notes), result.stderr
    assert "note: " not in result.stdout
    assert not re.search(r"^Notes$", result.stdout, re.M)


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
def test_on_a_terminal_colour_unless_no_color_and_notes_inline() -> None:
    code, out, err = _run_on_a_terminal(["estimate", STUDENT], _clean_env())
    assert code == 0
    assert ANSI in out  # colour on a terminal, so the checks below are not vacuous
    assert "Notes" in out and "note: " not in err
    code, out, err = _run_on_a_terminal(["estimate", STUDENT], _clean_env(NO_COLOR="1"))
    assert code == 0
    assert ANSI not in out and ANSI not in err
    code, out, err = _run_on_a_terminal(["compare-plans", STUDENT], _clean_env(NO_COLOR="1"))
    assert code == 0
    assert ANSI not in out and ANSI not in err


# --- the program as installed --------------------------------------------------------------


def test_python_dash_m() -> None:
    env = _clean_env()
    version = subprocess.run(
        [sys.executable, "-m", "artlab_cost", "--version"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert version.returncode == 0
    assert version.stdout == f"artlab-cost {__version__}\n"
    run = subprocess.run(
        [sys.executable, "-m", "artlab_cost", "estimate", STUDENT, "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["kind"] == "estimate"
    assert all(line.startswith("note: ") for line in lines(run.stderr))


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
    assert "2026.11" in data["price_sheet"]
    assert any("bundled pricing.yaml" in n for n in data["notes"])
    assert list(work.iterdir()) == []


def test_a_file_of_the_wrong_kind_is_named_as_such() -> None:
    result = invoke("estimate", str(ROOT / "pricing.yaml"))
    assert result.exit_code == 2
    assert error_lines(result) == [
        f"error: {ROOT / 'pricing.yaml'}: this is a price sheet, not a scenario (pass it with --pricing)"
    ]
    result = invoke("estimate", STUDIO, "--pricing", STUDIO)
    assert result.exit_code == 2
    assert error_lines(result) == [f"error: {STUDIO}: this is a usage scenario, not a price sheet"]


def test_user_text_is_never_read_as_rich_markup(tmp_path: Path) -> None:
    """A label with square brackets is shown as written, not parsed (and not crashing) as Rich markup."""
    path = tmp_path / "s.yaml"
    path.write_text(
        "account: {new_user: false, student: false}\nperiod: {start: 2027-01-01, months: 1}\n"
        "usage:\n  - {kind: traffic, gb_per_month: 30}\n"
        "holdings:\n  - {offer: traffic-pack-10, date: 2027-01-01, label: 'x[/] [red]pack'}\n",
        encoding="utf-8",
    )
    result = invoke("estimate", str(path), env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.stderr
    assert "x[/] [red]pack" in result.stdout


def test_huge_quantities_are_computed_not_crashed(tmp_path: Path) -> None:
    """Numbers at the schema's limits multiply past decimal's default 28 digits; the engine keeps enough."""
    path = tmp_path / "s.yaml"
    path.write_text(
        "account: {new_user: false, student: false}\nperiod: {start: 2027-01-01, months: 1}\n"
        "usage:\n  - {kind: shared, images: 999999999999999, seconds_per_image: 999999999999999, per: month}\n",
        encoding="utf-8",
    )
    result = invoke("estimate", str(path), "--format", "json")
    assert result.exit_code == 0, result.stderr
    # B3: 999999999999999^2 GPU-s x 0.0077
    assert Decimal(json.loads(result.stdout)["totals"]["list_price"]) == Decimal(999999999999999) ** 2 * Decimal(
        "0.0077"
    )
