"""The README's promises: its set-up commands, its test command and its example scenario stay true."""

from __future__ import annotations

import json
import re
from pathlib import Path

from artlab_cost import yamlsrc
from artlab_cost.engine import simulate
from artlab_cost.pricing import load_sheet
from artlab_cost.scenario import parse_scenario

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_setup_commands_name_files_that_exist() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, re.S)
    install_and_run, install_and_test = blocks[0].strip(), blocks[1].strip()
    example = re.search(r"artlab-cost estimate (\S+)", install_and_run)
    assert example and (ROOT / example.group(1)).is_file()
    assert "pip install ." in install_and_run
    assert "pip install '.[test]'" in install_and_test and "python -m pytest" in install_and_test


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "'.[test]'" in ci and "python -m pytest" in ci
    # and in full: every property test's whole count, and the browser test's screenshots (README, Development)
    assert "HYPOTHESIS_PROFILE=ci" in ci and "ARTLAB_COST_ARTIFACTS=test-artifacts" in ci


def test_the_readme_scenario_is_valid_and_estimates() -> None:
    block = re.search(r"```yaml\n(.*?)```", README, re.S)
    assert block
    sheet = load_sheet()
    scenario = parse_scenario(yamlsrc.parse(block.group(1), "README.md"), sheet)
    result = simulate(scenario, sheet)
    # B6: 25M GET a month, 20M free: 5M x 0.01 / 10,000 = 5.00 a month, 60.00 for the year
    gets = [c for c in result.charges if c.meter == "get_requests"]
    assert sum(c.amount for c in gets) == 60


def test_documented_exit_codes_match_the_code() -> None:
    from artlab_cost.errors import EXIT_BUDGET, EXIT_BUG, EXIT_INPUT, EXIT_OK, EXIT_UNPROVEN

    table = dict(re.findall(r"^\| (\d) \| (.+?) \|$", README, re.M))
    assert set(table) == {str(EXIT_OK), str(EXIT_BUDGET), str(EXIT_INPUT), str(EXIT_BUG), str(EXIT_UNPROVEN)}
    assert "--require-proven" in table[str(EXIT_UNPROVEN)]
    assert "budget" in table[str(EXIT_BUDGET)] and "bad input" in table[str(EXIT_INPUT)]


def test_the_chinese_section_gives_the_same_set_up() -> None:
    """中文: the same two set-up commands (the first in Chinese), and examples that exist."""
    section = README[README.index("## 中文") : README.index("## Commands")]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    english = re.findall(r"```sh\n(.*?)```", README, re.S)
    assert blocks[0].strip() == english[0].strip() + " --lang zh"
    assert blocks[1].strip() == english[1].strip()
    for path in re.findall(r"artlab-cost \S+ (examples/\S+\.yaml)", section):
        assert (ROOT / path).is_file(), path
    assert (ROOT / "docs" / "glossary.md").is_file() and "docs/zh/scenario.md" in section


def _sh_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", README, re.S)


def test_every_shell_snippet_is_run_as_written_by_a_test() -> None:
    """Each ```sh block of the README is either set-up (checked above) or run as written by a named test, so a
    snippet cannot stop working unseen: a new block must be added here with the test that runs it."""
    ran_by = {
        "status=0\nartlab-cost estimate team.yaml": "test_the_budget_snippet_fails_the_job_under_bash_e",
        "# CI: comment on a pull request": "tests/cli/test_diff_cli.py::test_the_readme_ci_recipe_runs_under_bash_e",
    }
    setup = ("python3 -m venv", "pip install -e", "LANG=zh_CN.UTF-8 artlab-cost")
    for block in _sh_blocks():
        assert block.startswith(setup) or any(block.startswith(k) for k in ran_by), block


def _console_script_dir() -> str:
    import shutil
    import sys

    beside = Path(sys.executable).with_name("artlab-cost")
    found = beside if beside.exists() else shutil.which("artlab-cost")
    assert found, "the artlab-cost console script is not installed (pip install -e .)"
    return str(Path(found).parent)


def test_the_budget_snippet_fails_the_job_under_bash_e(tmp_path: Path) -> None:
    """The first CI snippet, as written, under `bash -e` with a team over its 1,500 yuan: it prints the cash and
    exits 1 (without its last line it exited 0 and the job passed). The studio example runs ded-39.54 about 6 h
    every working day: 6 x 39.54 = 237.24 a day, over 1,500 within its first seven working days."""
    import shutil
    import subprocess

    if shutil.which("jq") is None:
        import pytest

        pytest.skip("jq is not installed")
    block = next(b for b in _sh_blocks() if b.startswith("status=0\nartlab-cost estimate team.yaml"))
    (tmp_path / "team.yaml").write_text((ROOT / "examples/studio-dedicated-comfyui.yaml").read_text("utf-8"), "utf-8")
    from helpers import bytecode_env

    env = {"PATH": f"{_console_script_dir()}:/usr/bin:/bin", "HOME": str(tmp_path), **bytecode_env()}
    done = subprocess.run(["bash", "-e", "-c", block], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 1, done.stderr
    assert done.stdout.strip() == json.loads((tmp_path / "estimate.json").read_text("utf-8"))["totals"]["cash"]
    assert "budget exceeded" in done.stderr and float(done.stdout) > 1500


def test_the_chinese_examples_run_as_written(tmp_path: Path) -> None:
    """中文 section: each command line, with its LANG, from a directory holding the examples; the report lands
    where -o says."""
    import shlex

    from helpers import cli_uncached

    section = README[README.index("## 中文") : README.index("## Commands")]
    block = next(b for b in re.findall(r"```sh\n(.*?)```", section, re.S) if b.startswith("LANG=zh_CN.UTF-8"))
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    lines = [line.split(" #")[0].strip() for line in block.strip().splitlines()]  # the comment, as a shell drops it
    assert len(lines) == 3
    for line in lines:
        env, program, *args = shlex.split(line)
        assert (env, program) == ("LANG=zh_CN.UTF-8", "artlab-cost")
        run = cli_uncached(*args, env={"LANG": "zh_CN.UTF-8", "ARTLAB_COST_LANG": None}, cwd=tmp_path)
        assert run.exit_code == 0, (line, run.stderr)
        assert "-o" in args or "--output" in args or "现金支出" in run.stdout, line
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith('<!DOCTYPE html>\n<html lang="zh-Hans">')
