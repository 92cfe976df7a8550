"""The command line's input and output: exact numbers end to end, `git:` and `-` inputs, `--output` targets,
closed and broken streams, encodings that cannot hold the output, and Ctrl-C."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers import ROOT, bytecode_env, cli, cli_uncached, in_ci, sheet_text

from artlab_cost import yamlsrc
from artlab_cost.i18n import tr

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
    """git would read git:--output=FILE:PATH as an option and write a patch to FILE: a ref starting with - is
    refused, in one line, and nothing is written."""
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
    assert run.errors == ["error: git:HEAD:big.yaml: file is larger than 1,024 KiB; refusing to read it"], run.stderr
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


# --- --output targets ------------------------------------------------------------------------------


def _table() -> str:
    return cli("estimate", STUDENT).stdout


def test_output_to_a_fifo_writes_through_it(tmp_path: Path) -> None:
    """A FIFO is opened and written, as `>` would: it stays a FIFO, and its reader gets the whole table."""
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)  # left blocked if it fails
    reader.start()
    run = cli_uncached("estimate", STUDENT, "-o", fifo)
    reader.join(timeout=30)
    assert (run.exit_code, run.stdout) == (0, ""), run.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode) and sorted(p.name for p in tmp_path.iterdir()) == ["report.fifo"]
    assert got == [_table().encode("utf-8")]


def test_output_to_a_character_device_writes_through_it(tmp_path: Path) -> None:
    """A null device made under tmp_path stays one. It is made there, never the system's /dev/null, so a rename
    over the target (what -o does to a regular file) could harm nothing outside the test."""
    device = tmp_path / "null"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, AttributeError):
        pytest.skip("making a device needs root (CAP_MKNOD)")
    run = cli_uncached("estimate", STUDENT, "--output", device)
    assert (run.exit_code, run.stdout) == (0, ""), run.stderr
    assert stat.S_ISCHR(device.stat().st_mode) and device.stat().st_rdev == os.makedev(1, 3)
    assert [p.name for p in tmp_path.iterdir()] == ["null"]


@pytest.mark.skipif(os.geteuid() == 0, reason="as root a broken fix could replace the real /dev/null")
def test_output_to_dev_null_writes_nothing_anywhere() -> None:
    run = cli_uncached("estimate", STUDENT, "-o", "/dev/null")
    assert (run.exit_code, run.stdout) == (0, "") and stat.S_ISCHR(os.stat("/dev/null").st_mode), run.stderr


def test_a_read_only_target_is_refused_even_where_rename_could_replace_it(tmp_path: Path) -> None:
    """Mode 444: no one may write it, so it is not replaced (as `cp` without -f), root or not; one line, exit 2."""
    target = tmp_path / "report.txt"
    target.write_text("keep me\n", encoding="utf-8")
    target.chmod(0o444)
    run = cli_uncached("estimate", STUDENT, "-o", target)
    assert (run.exit_code, run.stdout) == (2, "")
    assert run.errors == [
        f"error: --output {target} is read-only; make it writable or remove it first (a read-only "
        "file is never replaced)"
    ]
    assert target.read_text(encoding="utf-8") == "keep me\n" and [p.name for p in tmp_path.iterdir()] == ["report.txt"]


def test_a_read_only_target_is_refused_before_any_work(tmp_path: Path) -> None:
    """The target is checked before the inputs are read: a scenario that does not load still meets the
    read-only refusal first, so a long compare-plans is never run for a result it cannot write."""
    target, broken = tmp_path / "report.txt", tmp_path / "broken.yaml"
    target.write_text("keep me\n", encoding="utf-8")
    target.chmod(0o444)
    broken.write_text("name: [unclosed\n", encoding="utf-8")
    for command in (["estimate", broken], ["compare-plans", broken], ["diff", broken, broken]):
        run = cli_uncached(*command, "-o", target)
        assert run.exit_code == 2 and len(run.errors) == 1, run.stderr
        assert run.errors[0].startswith(f"error: --output {target} is read-only"), run.stderr


def test_a_link_to_the_target_stays_a_link(tmp_path: Path) -> None:
    real, link = tmp_path / "real.txt", tmp_path / "link.txt"
    real.write_text("old\n", encoding="utf-8")
    link.symlink_to(real)
    run = cli_uncached("estimate", STUDENT, "-o", link)
    assert run.exit_code == 0, run.stderr
    assert link.is_symlink() and real.read_text(encoding="utf-8") == _table()


def test_a_target_name_of_244_characters_is_written(tmp_path: Path) -> None:
    """The temporary file beside it has a short name of its own, so the target's may be as long as it likes."""
    target = tmp_path / ("r" * 240 + ".txt")
    run = cli_uncached("estimate", STUDENT, "-o", target)
    assert run.exit_code == 0, run.stderr
    assert target.read_text(encoding="utf-8") == _table() and list(tmp_path.iterdir()) == [target]


def test_output_dash_is_stdout(tmp_path: Path) -> None:
    run = cli_uncached("estimate", ROOT / STUDENT, "-o", "-", cwd=tmp_path)
    assert (
        run.exit_code == 0 and run.stdout == cli("estimate", ROOT / STUDENT).stdout and list(tmp_path.iterdir()) == []
    )


def test_an_empty_output_name_is_a_usage_error(tmp_path: Path) -> None:
    run = cli_uncached("estimate", ROOT / STUDENT, "-o", "", cwd=tmp_path)
    assert (run.exit_code, run.stdout) == (2, "") and len(run.errors) == 1, run.stderr
    assert "--output needs a file name (- for stdout)" in run.errors[0] and list(tmp_path.iterdir()) == []


def test_the_file_stdin_comes_from_is_not_overwritten(tmp_path: Path) -> None:
    """`estimate - -o s.yaml < s.yaml`: stdin is that file (same device and inode), so -o is refused as for a
    named input. A real process: stdin must be the file itself."""
    scenario = tmp_path / "s.yaml"
    scenario.write_bytes((ROOT / STUDENT).read_bytes())
    with scenario.open("rb") as stdin:
        run = subprocess.run(
            [sys.executable, "-m", "artlab_cost", "estimate", "-", "-o", "s.yaml"],
            stdin=stdin,
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=60,
            env=_env(),
        )
    assert (run.returncode, run.stdout) == (2, ""), run.stderr
    assert run.stderr == "error: --output s.yaml is a file this command reads; write the result elsewhere\n"
    assert scenario.read_bytes() == (ROOT / STUDENT).read_bytes()


def _env(**extra: str) -> dict[str, str]:
    """The environment of a real process: this one's, without what would change the output (Python's own settings
    but where it caches bytecode, conftest.py)."""
    drop = ("NO_COLOR", "FORCE_COLOR", "ARTLAB_COST_PRICING", "ARTLAB_COST_LANG", "LC_ALL", "LC_MESSAGES", "LANG")
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("PYTHON")}
    return {**env, **bytecode_env(), "COLUMNS": "80", "PYTHONPATH": str(ROOT), **extra}


# --- closed and broken streams, encodings, Ctrl-C: real processes, one a case ------------------------

INDIE = "examples/indie-shared-sd.yaml"  # 1,526.90 yuan cash out of pocket: over a budget of 10
NEW_USER = "examples/new-user-starter.yaml"


def _shell(redirect: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """`python -m artlab_cost ARGS REDIRECT` through sh (`>&-` closes stdout as a user's shell would)."""
    command = " ".join(shlex.quote(a) for a in [sys.executable, "-m", "artlab_cost", *args])
    return subprocess.run(
        ["sh", "-c", f"{command} {redirect}"], capture_output=True, cwd=ROOT, timeout=120, env=env or _env()
    )


@pytest.mark.parametrize(
    "args",
    [pytest.param(["estimate", STUDENT], id="estimate"), in_ci(["validate", STUDENT], id="validate"),
     in_ci(["--help"], id="help")],
)  # fmt: skip
def test_a_closed_stdout_is_exit_2_with_the_reason_on_stderr(args: list[str]) -> None:
    run = _shell(">&-", *args)
    errors = [line for line in run.stderr.decode().splitlines() if not line.startswith("note: ")]
    assert run.returncode == 2 and errors == ["error: cannot write the result to stdout: Bad file descriptor"]


@pytest.mark.parametrize(
    "target, code", [pytest.param("/dev/stdout", 2, id="stdout"), in_ci("/dev/null", 0, id="null")]
)
def test_output_naming_a_closed_stdout_is_the_closed_stream(target: str, code: int) -> None:
    """-o /dev/stdout with stdout closed: the descriptor is held by /dev/null, which must not take the result
    as if written; it is the closed stream (exit 2). /dev/stdout links on to /proc/self/fd/1, so that name is
    followed too. /dev/null named outright is written through, exit 0."""
    run = _shell(">&-", "estimate", STUDENT, "-o", target)
    errors = [line for line in run.stderr.decode().splitlines() if not line.startswith("note: ")]
    assert run.returncode == code, run.stderr
    assert errors == (["error: cannot write the result to stdout: Bad file descriptor"] if code else [])


def test_a_closed_stdin_is_exit_2_when_the_scenario_is_read_from_it() -> None:
    run = _shell("<&-", "estimate", "-")
    assert (run.returncode, run.stdout) == (2, b"")
    assert run.stderr.decode() == "error: cannot read the scenario from stdin: Bad file descriptor\n"


def test_a_closed_stderr_is_exit_2_never_the_budget_code_and_the_result_is_written() -> None:
    """The notes could not be written, so the run did not do all it should (2); the table is whole on stdout."""
    run = _shell("2>&-", "estimate", STUDENT)
    assert run.returncode == 2 and run.stdout.decode() == _table()


@pytest.mark.parametrize(
    "env",
    [
        pytest.param({"PYTHONIOENCODING": "ascii"}, id="ascii"),
        in_ci({"PYTHONIOENCODING": "latin-1"}, id="latin-1"),
        in_ci({"PYTHONIOENCODING": "big5"}, id="big5"),
        pytest.param({"LC_ALL": "C", "PYTHONUTF8": "0"}, id="C-locale"),
    ],
)
def test_an_encoding_that_cannot_hold_the_output_escapes_what_it_cannot(env: dict[str, str]) -> None:
    """Chinese output (and the table's own characters) through an encoding that lacks some: written with
    backslash escapes for those, never a crash; the figures are the same."""
    encoding = env.get("PYTHONIOENCODING", "ascii")
    run = subprocess.run(
        [sys.executable, "-m", "artlab_cost", "estimate", STUDENT, "--lang", "zh", "--format", "markdown"],
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        env=_env(**env),
    )
    assert run.returncode == 0, run.stderr
    out = run.stdout.decode(encoding)  # strict: every byte is of that encoding
    utf8 = cli("estimate", STUDENT, "--lang", "zh", "--format", "markdown").stdout
    assert out == utf8.encode(encoding, "backslashreplace").decode(encoding)
    assert run.stderr.decode(encoding).startswith(
        tr("zh", "cli.note", text="").encode(encoding, "backslashreplace").decode(encoding)
    )


def _into_a_closed_pipe(*args: str) -> tuple[int, str]:
    """Run with stdout a pipe whose reader has gone before anything is written: (exit code, stderr)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "artlab_cost", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=_env(),
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    return proc.wait(timeout=120), stderr


@pytest.mark.parametrize(
    "args, code",
    [
        pytest.param(["estimate", INDIE], 2, id="no-verdict"),
        in_ci(["estimate", INDIE, "--budget", "10"], 1, id="budget"),
        in_ci(
            ["diff", NEW_USER, "tests/data/new-user-grown.yaml", "--fail-on-increase", "0"], 1, id="fail-on-increase"
        ),
        pytest.param(["compare-plans", NEW_USER, "--time-limit", "0", "--require-proven"], 4, id="require-proven"),
    ],
)
def test_a_broken_pipe_keeps_the_verdict(args: list[str], code: int) -> None:
    """The reader went away: said on stderr; a verdict (1, 4) is still the exit code, else the I/O error's 2."""
    exit_code, stderr = _into_a_closed_pipe(*args)
    assert exit_code == code, stderr
    assert "error: cannot write the result to stdout: Broken pipe" in stderr.splitlines()


def _wait_in(pid: int, call: str) -> None:
    """Until the process waits in a kernel function whose name holds `call`, as Linux's /proc says."""
    wchan = Path(f"/proc/{pid}/wchan")
    if not wchan.exists():
        pytest.skip("needs /proc/PID/wchan to know where the command waits")
    deadline = time.monotonic() + 60
    while call not in wchan.read_text() and time.monotonic() < deadline:
        time.sleep(0.02)


def test_a_pipe_whose_reader_quits_part_way_is_exit_2_never_a_cut_result_and_done() -> None:
    """The table by day is over 64 KiB, more than a pipe holds: the command waits in a write, the reader takes
    a little and quits, so the write comes back short. With PYTHONUNBUFFERED (set in many containers and CI
    images) stdout has no buffered layer to retry it, and the text layer drops the rest without a word. What
    was not written is a broken pipe (said, exit 2), never a cut result and exit 0."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "artlab_cost", "estimate", INDIE, "--by", "day"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=_env(PYTHONUNBUFFERED="1"),
    )
    assert proc.stdout is not None and proc.stderr is not None
    _wait_in(proc.pid, "pipe_write")
    assert len(proc.stdout.read(1000)) == 1000
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 2, stderr
    assert "error: cannot write the result to stdout: Broken pipe" in stderr.splitlines()


def test_ctrl_c_says_interrupted_and_exits_130() -> None:
    """SIGINT while the scenario is read from a stdin that never ends: one line, exit 130."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "artlab_cost", "estimate", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=_env(),
    )
    assert proc.stdin is not None
    proc.stdin.write(b"name: waiting\n")
    proc.stdin.flush()
    _wait_in(proc.pid, "pipe_read")  # its stdin: the command has started
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, out, err.decode()) == (130, b"", "interrupted\n")
