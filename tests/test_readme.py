"""The README's promises: its set-up commands, its test command and its example scenario stay true."""

from __future__ import annotations

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
