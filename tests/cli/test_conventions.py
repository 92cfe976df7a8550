"""What a first-time user and a CI job expect of any command line: names are data, no figure is cut, quiet
means quiet, -o is safe, a misuse is an error, help reads well."""

from __future__ import annotations

import json
import os
import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import EXAMPLE_IDS, ROOT, cli, cli_uncached, example

from artlab_cost.i18n import money
from artlab_cost.render import OutputFormat

HOSTILE_NAME = "\x1b[2J\x1b[31mEvil *name* <b>x</b> | [l](http://x) \x9b6n \u202egnp.exe"
HOSTILE = r"""name: "\e[2J\e[31mEvil *name* <b>x</b> | [l](http://x) \x9b6n \u202egnp.exe"
account: {new_user: true, student: false}
period: {start: 2027-01-01, months: 2}
usage:
  - {kind: shared, gpu_seconds: 2000, per: day, label: "\e]0;pwned\a"}
  - {kind: traffic, gb_per_month: 3, from: 2030-01-01, label: "late \e[5m blink"}
holdings:
  - {offer: trial-compute, date: 2027-01-01, label: "\e[1;31mred\e[0m trial"}
"""
RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.parametrize("fmt", list(OutputFormat))
@pytest.mark.parametrize("command", ["estimate", "compare-plans", "diff"])
def test_names_and_labels_are_data_in_every_format(command: str, fmt: OutputFormat) -> None:
    """A scenario name and labels full of terminal escapes (clear screen, colour, set title, blink, a
    right-to-left override) reach no output raw: escaped visibly, and as Markdown, literally."""
    args = [command, "-"] + (["examples/student-trial.yaml"] if command == "diff" else [])
    result = cli(*args, "--format", fmt.value, stdin=HOSTILE)
    assert result.exit_code == 0, result.stderr
    assert not RAW_CONTROLS.search(result.stdout), repr(result.stdout[:300])
    assert not RAW_CONTROLS.search(result.stderr), repr(result.stderr[:300])
    if fmt is OutputFormat.json and command == "estimate":
        assert json.loads(result.stdout)["scenario"] == HOSTILE_NAME  # the data itself is kept, JSON-escaped
    elif fmt in (OutputFormat.table, OutputFormat.markdown, OutputFormat.html) and command != "diff":
        assert "x1b" in result.stdout  # shown, escaped, rather than dropped
    if fmt is OutputFormat.html:  # text, never markup: the name's tag is shown as written
        assert "<b>" not in result.stdout and ("&lt;b&gt;x&lt;/b&gt;" in result.stdout or command == "diff")
    if fmt is OutputFormat.markdown and command != "diff":
        assert "&lt;b&gt;x&lt;/b&gt;" in result.stdout and "\\*name\\*" in result.stdout and "\\[l\\]" in result.stdout


def test_quiet_drops_notes_and_warnings_are_data_in_json() -> None:
    """The late traffic entry (from 2030) lies outside the period: a warning, on stderr even with --quiet, and in
    the JSON with its code."""
    loud = cli("estimate", "-", stdin=HOSTILE)
    quiet = cli("estimate", "-", "--quiet", stdin=HOSTILE)
    assert loud.notes and not quiet.notes
    assert (
        [line for line in quiet.errors if line.startswith("warning: ")]
        == [line for line in loud.errors if line.startswith("warning: ")]
        != []
    )
    data = json.loads(cli("estimate", "-", "--format", "json", "--quiet", stdin=HOSTILE).stdout)
    assert [w["code"] for w in data["warnings"]] == ["warning.usage-outside", "warning.sheet-stale"] or [
        w["code"] for w in data["warnings"]
    ] == ["warning.usage-outside"]
    assert all(set(w) == {"code", "message", "rule"} for w in data["warnings"])
    assert not any("outside the period" in n for n in data["notes"])


def test_output_never_overwrites_an_input_and_is_written_whole(tmp_path: Path) -> None:
    scenario = tmp_path / "s.yaml"
    scenario.write_text((ROOT / "examples/student-trial.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    before = scenario.read_text(encoding="utf-8")
    refused = cli_uncached("estimate", scenario, "--output", scenario)
    assert refused.exit_code == 2 and "is a file this command reads" in refused.errors[0]
    assert scenario.read_text(encoding="utf-8") == before
    target = tmp_path / "out.json"
    target.write_text("old and much longer content " * 100, encoding="utf-8")
    target.chmod(0o644)
    assert cli_uncached("estimate", scenario, "--format", "json", "--output", target).exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["kind"] == "estimate"  # replaced whole
    assert target.stat().st_mode & 0o777 == 0o644  # its permissions kept: a report others may read stays so
    fresh = tmp_path / "report.html"
    mask = os.umask(0o022)
    try:
        assert cli_uncached("estimate", scenario, "--format", "html", "--output", fresh).exit_code == 0
    finally:
        os.umask(mask)
    assert fresh.stat().st_mode & 0o777 == 0o644  # as a file written in place, not a private temporary one
    nowhere = cli_uncached("estimate", scenario, "--output", tmp_path / "no" / "such" / "dir.txt")
    assert nowhere.exit_code == 2 and not (tmp_path / "no").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left


def test_output_never_overwrites_the_price_sheet_read_the_bundled_one_included(tmp_path: Path) -> None:
    """`pricing` and `init` read a price sheet too (--pricing, $ARTLAB_COST_PRICING, else the bundled one): -o naming
    it is refused before anything is written, as for `estimate`."""
    from artlab_cost.pricing.load import bundled_path

    sheet = tmp_path / "mine.yaml"
    sheet.write_bytes(bundled_path().read_bytes())
    bundled = bundled_path().read_bytes()
    for args in (["pricing", "--pricing", sheet], ["init", "--pricing", sheet], ["pricing", "--format", "json"]):
        refused = cli_uncached(*args, "--output", sheet, env={"ARTLAB_COST_PRICING": str(sheet)})
        assert refused.exit_code == 2 and "is a file this command reads" in refused.errors[0], args
    for command in (["pricing"], ["init"], ["estimate", "examples/student-trial.yaml"]):
        refused = cli_uncached(*command, "--output", bundled_path())
        assert refused.exit_code == 2 and "is a file this command reads" in refused.errors[0], command
    assert sheet.read_bytes() == bundled == bundled_path().read_bytes()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["estimate", "examples/student-trial.yaml", "--budget-on", "postpaid"], "--budget-on needs --budget"),
        (["compare-plans", "examples/student-trial.yaml", "--only", "trial-compute", "--exclude", "trial-compute"],
         "trial-compute: both in --only and in --exclude"),
        (["compare-plans", "examples/student-trial.yaml", "--top", "0"], "--top"),
    ],
)  # fmt: skip
def test_contradictory_or_empty_options_are_usage_errors(args: list[str], fragment: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2 and result.stdout == ""
    assert fragment in result.errors[0]


def test_a_bad_price_sheet_from_the_environment_says_so() -> None:
    result = cli("estimate", "examples/student-trial.yaml", env={"ARTLAB_COST_PRICING": "/nope.yaml"})
    assert result.exit_code == 2
    assert result.errors == ["error: /nope.yaml: no such file (named by $ARTLAB_COST_PRICING)"]


@pytest.mark.parametrize(("value", "colour"), [("", True), ("1", False), (None, True)])
def test_an_empty_no_color_is_unset(monkeypatch: pytest.MonkeyPatch, value: str | None, colour: bool) -> None:
    """no-color.org: only a NO_COLOR with a value turns colour off."""
    from artlab_cost.cli import output

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    if value is None:
        monkeypatch.delenv("NO_COLOR", raising=False)
    else:
        monkeypatch.setenv("NO_COLOR", value)
    assert output.color(None) is colour


@pytest.mark.parametrize("command", ["estimate", "compare-plans", "diff", "validate", "pricing", "schema"])
def test_help_reads_as_written(command: str) -> None:
    text = cli(command, "--help").stdout
    assert not re.search(r"\{[A-Z]|<str>|<list\[|<Path>|<int range>", text), text[:400]


def test_a_bad_choice_says_what_is_allowed_plainly() -> None:
    error = cli("estimate", "examples/student-trial.yaml", "--by", "weekly").errors[0]
    assert "Value error" not in error and "'weekly' is not one of 'month', 'day', 'meter', 'total'" in error


@pytest.mark.parametrize(
    ("shell", "hook"),
    [
        ("bash", "complete -o default -F _artlab_cost_completion artlab-cost"),
        ("zsh", "compdef _artlab_cost_completion artlab-cost"),
        ("fish", "complete --command artlab-cost"),
    ],
)
def test_shell_completion_script(monkeypatch: pytest.MonkeyPatch, shell: str, hook: str) -> None:
    """`--show-completion` prints the script of the shell it is run from, which Typer finds among the parent
    processes (shellingham), so the test says which: a CI job may start pytest from no shell at all, and then
    Typer answers "Shell  not supported.". `--show-completion` takes no shell name; a word after it is not one."""
    import shellingham

    monkeypatch.setattr(shellingham, "detect_shell", lambda *_args, **_kw: (shell, f"/bin/{shell}"))
    result = cli_uncached("--show-completion")
    assert (result.exit_code, result.stderr) == (0, "")
    assert hook in result.stdout and f"_ARTLAB_COST_COMPLETE=complete_{shell}" in result.stdout


def test_the_completion_script_completes_a_command() -> None:
    """What the bash script asks the program (COMP_WORDS, COMP_CWORD and _ARTLAB_COST_COMPLETE) it answers."""
    env = {"_ARTLAB_COST_COMPLETE": "complete_bash", "COMP_WORDS": "artlab-cost comp", "COMP_CWORD": "1"}
    assert cli(env=env) == (0, "compare-plans\n", "")


@pytest.mark.parametrize("columns", [40, 60, 80, 200])
@pytest.mark.parametrize("stem", EXAMPLE_IDS)
def test_no_figure_is_cut_at_any_width(stem: str, columns: int) -> None:
    """Every total, monthly bill and balance of the JSON appears whole in the table, however narrow the terminal;
    narrower than a table needs, it is one block per row."""
    result = cli("estimate", f"examples/{stem}.yaml", env={"COLUMNS": str(columns)})
    data = json.loads(cli("estimate", f"examples/{stem}.yaml", "--format", "json").stdout)
    assert "…" not in result.stdout
    figures = [data["totals"][k] for k in ("list_price", "postpaid_due", "cash", "upfront")]
    figures += [b["postpaid_due"] for b in data["bills"]]
    figures += [b["absorbed"] for b in data["balances"] if b["kind"] == "amount"]  # yuan; the others in units
    for figure in figures:
        assert money(Decimal(figure)) in result.stdout, (figure, columns)
    assert all(len(line) <= columns for line in result.stdout.splitlines())


def test_each_month_ends_with_what_it_comes_to() -> None:
    """The table's month rows: list price and each stage of the month, and its bill as due (B20)."""
    ex = example("new-user-starter")
    out = cli("estimate", ex.path, env={"COLUMNS": "100"}).stdout
    months = [line for line in out.splitlines() if re.match(r"^\s+month\s", line)]
    assert len(months) == len(ex.estimate.bills) == 6
    for line, bill in zip(months, ex.estimate.bills, strict=True):
        assert line.rstrip().endswith(f"{money(bill.postpaid_due)} due")
