"""artlab-cost diff on the command line: git revisions, stdin, two price sheets, --fail-on-increase."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import ROOT, bytecode_env, cli, cli_uncached

BASE = "examples/new-user-starter.yaml"
GROWN = "tests/data/new-user-grown.yaml"
GIT = shutil.which("git")


def _git(repo: Path, *args: str) -> None:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env={**env, "PATH": "/usr/bin:/bin"})


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_a_base_read_from_a_git_revision(tmp_path: Path) -> None:
    """git:HEAD:team.yaml is the file as committed; the working copy has grown: the diff is the same as between
    the two files, and the base is named as it was given."""
    _git(tmp_path, "init", "-q")
    (tmp_path / "team.yaml").write_text((ROOT / BASE).read_text(encoding="utf-8"), encoding="utf-8")
    _git(tmp_path, "add", "team.yaml")
    _git(tmp_path, "commit", "-q", "-m", "base")
    (tmp_path / "team.yaml").write_text((ROOT / GROWN).read_text(encoding="utf-8"), encoding="utf-8")
    from_git = cli_uncached("diff", "git:HEAD:team.yaml", "team.yaml", "--format", "json", cwd=tmp_path)
    assert from_git.exit_code == 0, from_git.stderr
    data = json.loads(from_git.stdout)
    files = json.loads(cli("diff", BASE, GROWN, "--format", "json").stdout)
    assert (data["base"]["label"], data["new"]["label"]) == ("git:HEAD:team.yaml", "team.yaml")
    assert data["totals"] == files["totals"] and data["months"] == files["months"]
    missing = cli_uncached("diff", "git:HEAD:nope.yaml", "team.yaml", cwd=tmp_path)
    assert missing.exit_code == 2 and missing.errors[0].startswith("error: cannot read git:HEAD:nope.yaml from git:")
    assert cli_uncached("diff", "git:HEAD", "team.yaml", cwd=tmp_path).exit_code == 2  # no path


def test_a_scenario_from_stdin_is_named_stdin() -> None:
    text = (ROOT / BASE).read_text(encoding="utf-8")
    piped = cli("estimate", "-", "--format", "json", stdin=text)
    assert piped.exit_code == 0
    assert json.loads(piped.stdout)["totals"] == json.loads(cli("estimate", BASE, "--format", "json").stdout)["totals"]
    broken = cli("estimate", "-", stdin="account: {new_user: true\n")
    assert broken.exit_code == 2 and broken.errors[0].startswith("error: <stdin>:")
    diffed = json.loads(cli("diff", "-", GROWN, "--format", "json", stdin=text).stdout)
    assert diffed["base"]["label"] == "<stdin>"
    assert cli("diff", "-", "-", stdin=text).exit_code == 2  # stdin is read once


def test_one_scenario_under_two_price_sheets(tmp_path: Path) -> None:
    """--base-pricing prices BASE with another sheet: shared GPU-seconds at 0.0080 instead of 0.0077. The new
    user's 54,300 GPU-s (181 days x 300) list 0.0003 x 54,300 = 16.29 less with the bundled sheet."""
    dearer = tmp_path / "dearer.yaml"
    dearer.write_text((ROOT / "pricing.yaml").read_text(encoding="utf-8").replace("price: 0.0077", "price: 0.0080"))
    data = json.loads(cli_uncached("diff", BASE, "--base-pricing", dearer, "--format", "json").stdout)
    (shared,) = [m for m in data["meters"] if m["meter"] == "shared_gpu"]
    assert Decimal(shared["change"]["list"]) == Decimal("-16.29")


@pytest.mark.parametrize(
    ("limit", "code"), [("200", 1), ("214.08", 0), ("300", 0), ("20%", 1), ("29.5%", 0), ("x", 2), ("-5", 2)]
)
def test_fail_on_increase(limit: str, code: int) -> None:
    """Cash rises 214.08 yuan over the period (726.87 to 940.95, +29.45%): more than 200 or 20% fails."""
    result = cli("diff", BASE, GROWN, "--format", "json", "--fail-on-increase", limit)
    assert result.exit_code == code, result.stderr
    if code != 2:
        data = json.loads(result.stdout)
        assert Decimal(data["cash_change"]) == Decimal("214.08")
        assert data["fail_on_increase"]["exceeded"] is (code == 1)
        assert any(line.startswith(("Over the limit", "Within the limit")) for line in result.errors)


def test_the_readme_ci_recipe_runs_under_bash_e(tmp_path: Path) -> None:
    """The README's CI job, as written, in a repository with a pull request's change: under `bash -e` it writes
    the comment, posts it (with a stand-in for `gh`), and fails the job only through --fail-on-increase."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("```sh\n# CI: comment on a pull request")
    script = readme[start + len("```sh\n") : readme.index("```", start + 6)]
    if GIT is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    (repo / "team.yaml").write_text((ROOT / BASE).read_text(encoding="utf-8"), encoding="utf-8")
    _git(repo, "add", "team.yaml")
    _git(repo, "commit", "-q", "-m", "base")
    (repo / "team.yaml").write_text((ROOT / GROWN).read_text(encoding="utf-8"), encoding="utf-8")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    gh = bin_dir / "gh"
    gh.write_text('#!/bin/sh\necho "gh $*" >> "$GH_LOG"\n', encoding="utf-8")
    gh.chmod(0o755)
    beside = Path(sys.executable).with_name("artlab-cost")  # the console script of this interpreter's install
    found = beside if beside.exists() else shutil.which("artlab-cost")
    assert found, "the artlab-cost console script is not installed (pip install -e .)"
    cli_dir = Path(found).parent
    env = {
        "PATH": f"{bin_dir}:{cli_dir}:/usr/bin:/bin",
        "GH_LOG": str(tmp_path / "gh.log"),
        "SCENARIO": "team.yaml",
        "PR_NUMBER": "7",
        "HOME": str(tmp_path),
        **bytecode_env(),
    }
    done = subprocess.run(["bash", "-e", "-c", script], cwd=repo, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr  # cash rises more than the recipe's 5%: the job fails, after commenting
    comment = (repo / "cost-diff.md").read_text(encoding="utf-8")
    assert comment.startswith("## artlab-cost diff: git:main:team.yaml → team.yaml")
    assert "**Cash out of pocket rises 35.68 yuan (+29%) a month on average" in comment
    assert (tmp_path / "gh.log").read_text(encoding="utf-8").strip() == "gh pr comment 7 --body-file cost-diff.md"


def test_diff_of_base_alone_is_a_usage_error_not_a_diff_of_nothing() -> None:
    """BASE with neither NEW, --price nor --base-pricing would be compared with itself (every change 0, exit 0)."""
    alone = cli("diff", BASE)
    assert (alone.exit_code, alone.stdout) == (2, "")
    said = "error: diff BASE alone would compare BASE with itself: give NEW, or --price or --base-pricing\n"
    assert alone.stderr == said
    assert cli("diff", BASE, "--price", "compute-pack-100=80").exit_code == 0
