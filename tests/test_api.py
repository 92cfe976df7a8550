"""The library API: documented, typed, and usable without the command line's Typer or Rich."""

from __future__ import annotations

import ast
import doctest
import re
import subprocess
import sys
from decimal import Decimal

import pytest
from helpers import ROOT, source_nodes

import artlab_cost
from artlab_cost import api
from artlab_cost.errors import InputError, UsageError
from artlab_cost.i18n import word

CORE = ["yamlsrc", "schema", "pricing", "scenario", "engine", "plans", "messages", "errors", "calendar", "api", "i18n"]


def test_the_api_docstring_runs() -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        failures, tried = doctest.testmod(api, optionflags=doctest.ELLIPSIS)
    assert tried >= 5 and failures == 0


def test_the_readme_library_example_runs() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```pycon\n(.*?)```", readme, re.S)
    test = doctest.DocTestParser().get_doctest(block, {}, "README", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(ROOT)
        runner.run(test)
    assert runner.summarize(verbose=False) == doctest.TestResults(0, len(test.examples))
    assert len(test.examples) >= 5


def test_the_package_exposes_the_api() -> None:
    for name in artlab_cost.API:
        assert getattr(artlab_cost, name) is getattr(api, name)
        assert getattr(api, name).__doc__, name
    with pytest.raises(AttributeError):
        artlab_cost.no_such_thing  # noqa: B018


def test_the_core_imports_neither_typer_nor_rich() -> None:
    """Only cli/ may import Typer, and Rich only the CLI's progress display (cli/progress.py): the tables are
    laid out by render/grid.py, so a core another program calls pays for neither."""
    offenders = []
    for path in sorted((ROOT / "artlab_cost").rglob("*.py")):
        rel = path.relative_to(ROOT / "artlab_cost").as_posix()
        for node in source_nodes(path):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top == "typer" and not rel.startswith("cli/"):
                    offenders.append((rel, name))
                if top == "rich" and rel != "cli/progress.py":
                    offenders.append((rel, name))
    assert offenders == []


def test_a_notebook_run_loads_no_typer_or_rich() -> None:
    code = (
        "import sys, artlab_cost as ac\n"
        "s = ac.load_sheet(); sc = ac.load_scenario('examples/student-trial.yaml', s)\n"
        "r = ac.estimate(sc, s); c = ac.compare_plans(sc, s, top=2)\n"
        "ac.to_text(r, 'json'); ac.to_text(c, 'markdown')\n"
        "print(sorted(m for m in ('typer', 'rich', 'click') if m in sys.modules))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert (run.returncode, run.stdout.strip()) == (0, "[]"), run.stderr


def test_errors_are_the_documented_ones(bundled: object) -> None:
    with pytest.raises(InputError) as info:
        api.load_scenario(ROOT / "no-such.yaml", api.load_sheet(), name="plan.yaml")
    assert [str(p) for p in info.value.problems] == ["plan.yaml: no such file"]
    scenario = api.load_scenario(ROOT / "examples" / "student-trial.yaml", api.load_sheet())
    with pytest.raises(UsageError, match="did you mean 'starter-bundle'"):
        api.compare_plans(scenario, api.load_sheet(), only=["starter-bundel"])
    check = api.check_budget(api.estimate(scenario, api.load_sheet()), Decimal(0), "list")
    assert check.exceeded and check.verdict().code == "budget.exceeded"


def test_notes_are_data() -> None:
    sheet = api.load_sheet()
    result = api.estimate(api.load_scenario(ROOT / "examples" / "new-user-starter.yaml", sheet), sheet)
    first = result.notes[0]
    assert (first.code, first.rule, first.level) == ("note.prices", "B21", "note")
    assert first.args["version"] == "2026.11"
    assert word(first.msg).startswith("Prices: PAI ArtLab, China mainland, version 2026.11")
    assert word(first.msg, "zh").startswith("价格：PAI ArtLab（中国内地），版本 2026.11，2026-11-01 起生效")


def test_text_in_a_language_artlab_cost_does_not_speak_is_refused() -> None:
    sheet = api.load_sheet()
    with pytest.raises(UsageError, match="unknown language 'fr': artlab-cost speaks en, zh"):
        api.to_text(sheet, "table", lang="fr")
    assert api.to_text(sheet, "markdown", lang="zh").startswith("## PAI ArtLab（中国内地），版本 2026.11")
