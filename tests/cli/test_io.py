"""The command line's input and output: exact numbers end to end, `git:` and `-` inputs, `--output` targets,
closed and broken streams, encodings that cannot hold the output, and Ctrl-C."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import cli, sheet_text

STUDENT = "examples/student-trial.yaml"
ONE_MONTH_OF_GPU = """\
name: one month of shared GPU
account: {new_user: false, student: false}
period: {start: 2026-02-01, months: 1}
usage:
  - kind: shared
    gpu_seconds: 1000
    per: month
"""


def _long_price_sheet(tmp_path: Path) -> Path:
    sheet = tmp_path / "sheet.yaml"
    price = "0.0077000000000000000000000000000001"  # 32 significant digits: more than Decimal's default 28
    text = sheet_text("{}", shared_gpu=f"{{price: {price}, source: B3}}").replace("offers:\n  {}\n", "offers: {}\n")
    sheet.write_text(text, encoding="utf-8")
    return sheet


def test_a_long_exact_amount_reaches_json_and_csv_whole(tmp_path: Path) -> None:
    """B3: 1,000 GPU-seconds at 0.0077000000000000000000000000000001 yuan list at exactly
    7.7000000000000000000000000000001 yuan (a finite decimal, so every digit), postpaid due 7.70 (truncated, B20)."""
    sheet, scenario = _long_price_sheet(tmp_path), tmp_path / "s.yaml"
    scenario.write_text(ONE_MONTH_OF_GPU, encoding="utf-8")
    run = cli("estimate", scenario, "--pricing", sheet, "--format", "json")
    assert run.exit_code == 0, run.stderr
    totals = json.loads(run.stdout)["totals"]
    assert totals["list_price"] == totals["postpaid_exact"] == "7.7000000000000000000000000000001"
    assert totals["postpaid_due"] == "7.7"
    rows = cli("estimate", scenario, "--pricing", sheet, "--format", "csv").stdout.splitlines()
    assert rows[1].split(",")[5] == "7.7000000000000000000000000000001"  # list_amount


@pytest.mark.parametrize("value", ["٤٠", "１０"], ids=["arabic", "fullwidth"])
def test_an_amount_of_digits_that_are_not_ascii_is_refused_on_the_command_line(value: str) -> None:
    budget = cli("estimate", STUDENT, "--budget", value)
    assert budget.exit_code == 2 and budget.stdout == "" and len(budget.errors) == 1, budget.stderr
    increase = cli("diff", STUDENT, STUDENT, "--fail-on-increase", value + "%")
    assert increase.exit_code == 2 and len(increase.errors) == 1, increase.stderr


def test_columns_of_digits_that_are_not_ascii_are_ignored() -> None:
    wide = cli("estimate", STUDENT, env={"COLUMNS": "１２０"})
    assert wide.exit_code == 0 and wide.stdout == cli("estimate", STUDENT).stdout  # 80 columns, as unset
