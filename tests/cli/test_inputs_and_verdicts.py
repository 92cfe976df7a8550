"""Every command takes the same inputs, and a verdict (budget, --require-proven) is said once and survives -q."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, cli, cli_uncached

from artlab_cost.render import OutputFormat

STUDENT = "examples/student-trial.yaml"
NEW_USER = "examples/new-user-starter.yaml"


def test_validate_reads_stdin() -> None:
    text = (ROOT / STUDENT).read_text(encoding="utf-8")
    run = cli("validate", "-", stdin=text)
    assert (run.exit_code, run.stdout) == (0, "<stdin>: valid scenario\n")
    broken = cli("validate", "-", stdin="account: {new_user: false}\nperiod: {start: 2027-01-01, months: 1}\n")
    assert broken.exit_code == 2
    assert broken.errors == ["error: <stdin>:1:10: account.student: required key is missing"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_validate_reads_a_git_revision(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    (tmp_path / "team.yaml").write_text((ROOT / STUDENT).read_text(encoding="utf-8"), encoding="utf-8")
    git("add", "team.yaml")
    git("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "base")
    (tmp_path / "team.yaml").write_text("not: [a scenario\n", encoding="utf-8")
    run = cli_uncached("validate", "git:main:team.yaml", cwd=tmp_path)
    assert (run.exit_code, run.stdout) == (0, "git:main:team.yaml: valid scenario\n")


def test_a_merge_key_in_a_list_item_is_named_at_the_key() -> None:
    text = (
        "account: {new_user: false, student: false}\nperiod: {start: 2027-01-01, months: 1}\n"
        "usage:\n  - &artist {kind: shared, gpu_seconds: 10, per: day, label: A}\n  - {<<: *artist, label: B}\n"
    )
    run = cli("validate", "-", stdin=text)
    assert run.errors == ["error: <stdin>:5:6: usage[1]: YAML merge keys (<<) are not supported; write the keys out"]


def test_exit_4_is_said_even_with_quiet() -> None:
    run = cli("compare-plans", NEW_USER, "--time-limit", "0", "--require-proven", "-q")
    assert run.exit_code == 4
    said = "exit 4 (--require-proven): the first plan is the best found, not proven"
    assert run.stderr.splitlines()[-1].startswith(said)


@pytest.mark.parametrize("quiet", [False, True])
def test_the_budget_verdict_is_read_once_on_a_terminal(monkeypatch: pytest.MonkeyPatch, quiet: bool) -> None:
    """On a terminal stdout and stderr are one screen: the table leaves the verdict to stderr. In a file or a
    pipe the document carries it too (the golden files and tests/render pin that)."""
    from artlab_cost.cli import commands

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    check = object()
    on_screen = commands._view(OutputFormat.table, None, quiet, budget=check)
    assert on_screen.budget is None and on_screen.notes is not quiet
    assert commands._view(OutputFormat.table, Path("out.txt"), quiet, budget=check).budget is check
    monkeypatch.setattr(sys.stdout, "isatty", lambda: False)
    assert commands._view(OutputFormat.table, None, quiet, budget=check).budget is check


def test_reproducing_a_plan_of_a_scenario_from_stdin_names_no_file() -> None:
    from artlab_cost.render.plan_rows import reproduce_line
    from artlab_cost.render.view import View

    assert reproduce_line("plans.reproduce-with", View(scenario_path="-")) == (
        "Reproduce: add these to the holdings of the scenario, then run artlab-cost estimate - with it on stdin"
    )
    assert reproduce_line("plans.reproduce", View(scenario_path="a b.yaml")) == (
        "Reproduce: artlab-cost estimate 'a b.yaml'"
    )
    assert "of -" not in reproduce_line("markdown.reproduce", View(scenario_path="<stdin>", lang="zh"))
    assert reproduce_line("plans.reproduce", View(scenario_path="<stdin>")) == (
        "Reproduce: artlab-cost estimate -, with the same scenario on stdin"
    )


TWO_MONTHS = (
    "account: {new_user: false, student: false}\nperiod: {start: 2026-04-01, months: 2}\nusage:\n"
    "  - {kind: dedicated, spec: ded-8.07, hours_per_day: 2, until: 2026-04-30}\n"
    "  - {kind: dedicated, spec: ded-8.07, hours_per_day: 1, from: 2026-05-01}\n"
)


def test_a_monthly_budget_fails_on_the_months_over_it() -> None:
    """April: 8.07 x 2 h x 30 = 484.20; May: 8.07 x 31 = 250.17. A 300-yuan monthly budget: April is over by
    184.20; the period's 734.37 would be within 800 as a whole."""
    run = cli("estimate", "-", "--budget", "300", "--budget-per", "month", "-f", "json", stdin=TWO_MONTHS)
    assert run.exit_code == 1
    assert run.errors[-1] == (
        "monthly budget exceeded in 2026-04: cash out of pocket up to 484.20 yuan in a month, 184.20 over the "
        "budget of 300.00 yuan"
    )
    assert json.loads(run.stdout)["budget"]["months_over"] == ["2026-04"]
    alone = cli("estimate", "-", "--budget-per", "month", stdin=TWO_MONTHS)
    assert alone.exit_code == 2 and "--budget-per" in alone.errors[0]


def test_the_output_files_extension_chooses_the_format(tmp_path: Path) -> None:
    run = cli_uncached("estimate", ROOT / STUDENT, "-o", tmp_path / "report.html", "-q")
    assert run.exit_code == 0 and run.stdout == ""
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("name", "given", "expected"),
    [("r.json", None, "json"), ("r.CSV", None, "csv"), ("r.md", None, "markdown"), ("r.htm", None, "html"),
     ("r.txt", None, "table"), (None, None, "table"), ("r.html", "json", "json")],
)  # fmt: skip
def test_format_from_extension(name: str | None, given: str | None, expected: str) -> None:
    from artlab_cost.cli.options import output_format

    out = Path(name) if name else None
    assert output_format(OutputFormat(given) if given else None, out) is OutputFormat(expected)


def test_the_reproduce_command_prices_as_the_comparison_did(tmp_path: Path) -> None:
    """With --pricing and --price the best plan's cash is the sheet's and the user's: the command that reproduces it
    says both, and run with the plan's holdings added it gives that very cash (without --price it would not: the
    five compute packs would cost 100 each, not 80)."""
    import re
    import shlex

    sheet = tmp_path / "my sheet.yaml"
    shutil.copy(ROOT / "pricing.yaml", sheet)
    scenario = ROOT / "examples/new-user-starter.yaml"
    args = ["--pricing", sheet, "--price", "compute-pack-100=80"]
    compared = cli("compare-plans", scenario, "--top", "1", "--no-break-even", *args, "--format", "markdown")
    (command,) = re.findall(r"and run `([^`]+)`:", compared.stdout)
    assert command == f"artlab-cost estimate {scenario} --pricing '{sheet}' --price compute-pack-100=80"
    snippet = compared.stdout.split("```yaml\n", 1)[1].split("```", 1)[0]
    plan = json.loads(cli("compare-plans", scenario, "--top", "1", "--no-break-even", *args, "--format", "json").stdout)
    assert "compute-pack-100" in snippet and plan["plans"][0]["cash"] == "475.58"
    held = tmp_path / "held.yaml"
    added = [line.strip() for line in snippet.splitlines()[1:] if line.strip()]  # the items under `holdings:`
    text = scenario.read_text(encoding="utf-8").rstrip("\n")  # its holdings come last
    held.write_text("\n".join([text, *("  " + item for item in added)]) + "\n", encoding="utf-8")
    words = shlex.split(command)
    assert words[:3] == ["artlab-cost", "estimate", str(scenario)]
    again = json.loads(cli_uncached("estimate", held, *words[3:], "--format", "json").stdout)
    assert again["totals"]["cash"] == "475.58"
