"""The command line's input and output: exact numbers end to end, `git:` and `-` inputs, `--output` targets,
closed and broken streams, encodings that cannot hold the output, and Ctrl-C."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import ROOT, cli, cli_uncached, sheet_text

from artlab_cost import yamlsrc

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


# --- git:REF:PATH --------------------------------------------------------------------------------

GIT = shutil.which("git")
needs_git = pytest.mark.skipif(GIT is None, reason="git is not installed")


def _repo(tmp_path: Path, **files: bytes) -> Path:
    """A repository under tmp_path with these files committed."""
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}
    for name, data in files.items():
        (repo / name).write_bytes(data)
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "files"]):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env={**env, "PATH": "/usr/bin:/bin"})
    return repo


@needs_git
@pytest.mark.parametrize("ref", ["--output={out}", "-O{out}", "--no-index"])
def test_a_git_ref_that_looks_like_an_option_is_refused(tmp_path: Path, ref: str) -> None:
    """git:--output=FILE:PATH once made git write a patch to FILE: a ref starting with - is refused, in one line."""
    repo = _repo(tmp_path, **{"team.yaml": (ROOT / STUDENT).read_bytes()})
    out = tmp_path / "written-by-git"
    source = f"git:{ref.format(out=out)}:team.yaml"
    run = cli_uncached("estimate", source, cwd=repo)
    assert (run.exit_code, run.stdout) == (2, "")
    assert len(run.errors) == 1 and "never starts with '-'" in run.errors[0], run.stderr
    assert not out.exists()


def _logging_git(tmp_path: Path) -> tuple[Path, dict[str, str | None]]:
    """A `git` first on PATH that logs its arguments, one call a line, then runs the real git."""
    bin_dir, log = tmp_path / "bin", tmp_path / "git-calls.log"
    bin_dir.mkdir()
    script = bin_dir / "git"
    script.write_text(f'#!/bin/sh\necho "$*" >> {shlex.quote(str(log))}\nexec {shlex.quote(str(GIT))} "$@"\n')
    script.chmod(0o755)
    return log, {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


@needs_git
def test_a_git_blob_over_the_limit_is_refused_by_its_size_unread(tmp_path: Path) -> None:
    """A blob of 1 MiB and a byte: `git cat-file -s` says so and the blob itself is never asked for."""
    repo = _repo(tmp_path, **{"big.yaml": b"#" * (yamlsrc.MAX_BYTES + 1)})
    log, env = _logging_git(tmp_path)
    run = cli_uncached("estimate", "git:HEAD:big.yaml", cwd=repo, env=env)
    assert (run.exit_code, run.stdout) == (2, "")
    assert run.errors == ["error: git:HEAD:big.yaml: file is larger than 1024 KiB; refusing to read it"], run.stderr
    assert log.read_text().splitlines() == ["cat-file -s --end-of-options HEAD:./big.yaml"]


@needs_git
def test_a_git_blob_is_read_after_its_size_with_end_of_options(tmp_path: Path) -> None:
    repo = _repo(tmp_path, **{"team.yaml": (ROOT / STUDENT).read_bytes()})
    log, env = _logging_git(tmp_path)
    run = cli_uncached("estimate", "git:HEAD:team.yaml", "--format", "json", cwd=repo, env=env)
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["totals"] == json.loads(cli("estimate", STUDENT, "--format", "json").stdout)["totals"]
    assert log.read_text().splitlines() == [
        "cat-file -s --end-of-options HEAD:./team.yaml",
        "cat-file blob --end-of-options HEAD:./team.yaml",
    ]
