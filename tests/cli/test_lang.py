"""中文: the language of a run (--lang, $ARTLAB_COST_LANG, the locale), Chinese from top to bottom, and the
parts scripts read (JSON keys, CSV headers, codes, exit codes) the same in every language."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from helpers import ROOT, cli, comparison, example

from artlab_cost.cli.lang import LANG_ENV, from_arguments, from_environment
from artlab_cost.errors import UsageError
from artlab_cost.render import View, csvout, jsonout
from artlab_cost.render.grid import width

ZH = {"LANG": "zh_CN.UTF-8"}
STUDENT = "examples/student-trial.yaml"

# Latin words a Chinese reader meets as they are: product and protocol names, units, and our own command.
NAMES = {
    "PAI",
    "ArtLab",
    "OSS",
    "EAS",
    "ID",
    "N",
    "GB",
    "GPU",
    "PUT",
    "GET",
    "KiB",
    "UTF",
    "YAML",
    "JSON",
    "CSV",
    "SD",
    "ComfyUI",
}


def english_words(text: str, allowed: set[str] = frozenset()) -> set[str]:  # type: ignore[assignment]
    """The English words of a text that a Chinese reader would have to read as English: ids, paths, field paths,
    options, dates and rule ids (anything with a digit, '.', '_', '-', '@', '/', '$' or ':' in it) are data, and so
    is what a message quotes of the input ('yes')."""
    words = set()
    for token in re.findall(r"[A-Za-z0-9_.@/$:*\[\]-]+", re.sub(r"'[^']*'", "", text)):
        if re.search(r"[0-9_.@/$:\[\]-]", token) or token.startswith("--"):
            continue
        words.update(w for w in re.findall(r"[A-Za-z]+", token) if w not in NAMES | allowed)
    return words


# --- which language -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_TW.Big5"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),  # a language we do not speak: English
        ({"LANG": "C"}, "en"),
        ({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "C"}, "en"),  # the first one set decides (POSIX)
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "zh"),
        ({"LC_MESSAGES": "en_US.UTF-8", "LC_ALL": "zh_CN.UTF-8"}, "zh"),
        ({"LC_ALL": "", "LANG": "zh_CN"}, "zh"),  # an empty variable is unset
        ({"LANG": "zh_CN.UTF-8", LANG_ENV: "en"}, "en"),  # the pin wins over the locale
        ({LANG_ENV: "zh-CN"}, "zh"),
    ],
)
def test_the_language_comes_from_the_pin_then_the_locale(environ: dict[str, str], lang: str) -> None:
    assert from_environment(environ) == lang


def test_a_pin_that_names_no_language_is_an_error_naming_it() -> None:
    with pytest.raises(UsageError) as caught:
        from_environment({LANG_ENV: "klingon"})
    assert "$ARTLAB_COST_LANG" in caught.value.lines()[0] and "'klingon'" in caught.value.lines()[0]
    run = cli("estimate", STUDENT, env={LANG_ENV: "klingon", "LANG": "zh_CN.UTF-8"})
    assert run.exit_code == 2 and run.stdout == ""
    assert run.stderr.startswith("错误：$ARTLAB_COST_LANG") and "'klingon'" in run.stderr  # said in the locale's


@pytest.mark.parametrize(
    ("args", "lang"),
    [
        (["estimate", "x.yaml", "--lang", "zh"], "zh"),
        (["--lang=en", "estimate"], "en"),
        (["estimate", "--lang", "fr"], None),  # not a language: Click says so, in the environment's
        (["validate", "--", "--lang", "zh"], None),  # after --, a file name
        (["estimate", "x.yaml"], None),
    ],
)
def test_lang_is_read_before_click_parses_the_line(args: list[str], lang: str | None) -> None:
    assert from_arguments(args) == lang


# --- Chinese from top to bottom ---------------------------------------------------------------------------------


def test_a_chinese_locale_gives_a_chinese_estimate_with_no_english_left() -> None:
    """The issue's own test: LANG=zh_CN.UTF-8 artlab-cost estimate examples/student-trial.yaml. Only ids, paths,
    field names, rule ids, product names and the scenario's own name stay as written."""
    run = cli("estimate", STUDENT, env=ZH)
    assert run.exit_code == 0, run.stderr
    name = set(re.findall(r"[A-Za-z]+", "Student, free trial and student voucher, light shared SD"))
    assert english_words(run.stdout + run.stderr, name) == set()
    assert "现金支出" in run.stdout and "资源包抵扣" in run.stdout and "资源中心" in run.stdout
    assert run.stderr.startswith("说明：价格：PAI ArtLab（中国内地）")
    assert cli("estimate", STUDENT, "--lang", "zh").stdout == run.stdout  # --lang says the same


def test_every_command_speaks_chinese() -> None:
    grown = "tests/data/new-user-grown.yaml"
    runs = {
        "compare-plans": cli("compare-plans", "examples/new-user-starter.yaml", "--budget", "500", env=ZH),
        "diff": cli("diff", "examples/new-user-starter.yaml", grown, "--fail-on-increase", "5%", env=ZH),
        "validate": cli("validate", STUDENT, "pricing.yaml", env=ZH),
        "pricing": cli("pricing", env=ZH),
    }
    assert runs["compare-plans"].exit_code == 1 and "已证明最便宜：" in runs["compare-plans"].stdout
    assert "超出预算：现金支出 575.58 元，比预算 500.00 元多 75.58 元（最佳方案）" in runs["compare-plans"].stderr
    assert runs["diff"].exit_code == 1 and "现金支出平均每月增加 35.68 元（+29%）" in runs["diff"].stdout
    assert "超出 --fail-on-increase 5% 的限额" in runs["diff"].stderr
    assert runs["validate"].stdout == "pricing.yaml：价目表有效\nexamples/student-trial.yaml：用量场景有效\n"
    assert "免费试用：算力（500 元抵扣包）" not in runs["pricing"].stdout  # names are in the JSON; the table shows ids
    assert "免费试用，0 元" in runs["pricing"].stdout and "有效期内限购一次" in runs["pricing"].stdout
    name = set(re.findall(r"[A-Za-z]+", "New user, moderate shared and some dedicated use, compute trial only"))
    command_line = {"artlab", "cost", "estimate", "holdings"}  # the reproduce line: a command and a YAML key
    for command in ("compare-plans", "diff"):
        assert english_words(runs[command].stdout, name | command_line) == set(), command


def test_errors_and_warnings_are_chinese_and_keep_their_place_and_field() -> None:
    run = cli("estimate", "tests/data/bad-scenario-many.yaml", env=ZH)
    assert run.exit_code == 2
    lines = run.stderr.splitlines()
    assert (
        lines[0]
        == "错误：tests/data/bad-scenario-many.yaml:3:1: acount_type: 未知的键 'acount_type'；您是不是要写 'account'？"
    )
    assert "account.new_user: 应为 true 或 false，实际为 'yes'" in lines[1]
    assert all(line.startswith("错误：tests/data/bad-scenario-many.yaml:") for line in lines)
    assert english_words(run.stderr, {"true", "false"}) == set()  # YAML's words, as a file writes them


@pytest.mark.parametrize(
    "args",
    [
        ["estimate"],
        ["estimate", STUDENT, "--format", "xml"],
        ["estimate", STUDENT, "--formt", "json"],
        ["compare-plans", STUDENT, "--top", "0"],
        ["compare-plans", STUDENT, "--top", "x"],
        ["compare-plans", STUDENT, "--time-limit", "soon"],
        ["estimate", STUDENT, "extra"],
        ["estimat"],
        ["estimate", "--format"],
        ["estimate", STUDENT, "--quiet=3"],
        ["estimate", STUDENT, "--budget", "lots"],
    ],
)
def test_clicks_own_usage_errors_are_chinese_too(args: list[str]) -> None:
    run = cli(*args, env=ZH)
    assert run.exit_code == 2 and run.stderr.startswith("错误："), run.stderr
    assert english_words(run.stderr, {"SCENARIO", "artlab", "cost", "extra"}) == set()  # extra: the argument given


@pytest.mark.parametrize("command", ["", "estimate", "compare-plans", "diff", "validate", "pricing", "schema"])
def test_help_is_chinese_and_fits_80_columns(command: str) -> None:
    args = [command] if command else []
    run = cli(*args, "--lang", "zh", "--help", env={"COLUMNS": "80"})
    assert run.exit_code == 0 and run.stdout.startswith("用法：artlab-cost")
    examples = [line for line in run.stdout.splitlines() if line.startswith("    artlab-cost ")]  # kept whole
    assert all(width(line) <= 80 for line in run.stdout.splitlines() if line not in examples), run.stdout
    metavars = {"OPTIONS", "COMMAND", "ARGS", "SCENARIO", "FILE", "BASE", "NEW", "YUAN", "PCT", "OFFER", "SECONDS"}
    values = {"zh", "en", "table", "json", "csv", "markdown", "html", "month", "day", "meter", "total", "cash"}
    values |= {"postpaid", "label", "low", "expected", "high"}  # --by label, --budget-case low|expected|high
    values |= {"list", "scenario", "pricing", "jq", "offers", "id", "schema", "locale", "zh", "artlab", "cost"}
    values |= {"LANG", "JSON", "Schema", "shell", "git", "REF", "PATH", "x", "FIFO"}  # words Chinese writing keeps
    commands = {"estimate", "compare", "plans", "diff", "validate", "init"}
    assert english_words(run.stdout, metavars | values | commands) == set()
    assert cli(*args, "--help", "--lang", "zh").stdout == run.stdout  # --lang after --help as well
    assert cli(*args, "--help", env=ZH).stdout == run.stdout  # and from the locale


# --- what scripts read does not change ------------------------------------------------------------------------

HUMAN = {"message", "notes", "name", "why", "note", "headline", "price_sheet_text", "verdict"}


def _data(value: Any, key: str = "") -> Any:
    """A JSON document with the text for people blanked: what must be the same in every language."""
    if isinstance(value, dict) and key == "assumed":  # the sheet's reasons, by field: text for people
        return dict.fromkeys(value, "<text>")
    if isinstance(value, dict):
        return {k: _data(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_data(v, key) for v in value]
    return "<text>" if key in HUMAN and isinstance(value, str) else value


@pytest.mark.parametrize("stem", ["student-trial", "new-user-starter"])  # every stage, every kind of grant
def test_json_and_csv_are_the_same_for_scripts_in_every_language(stem: str) -> None:
    """Keys, codes, ids, enum values, numbers, dates and CSV headers never follow the language; only the text for
    people does. (Renderers on the shared results; the command line's locale is the next test's.)"""
    result, plans = example(stem).estimate, comparison(stem)
    en, zh = View(lang="en"), View(lang="zh")
    assert _data(json.loads(jsonout.estimate(result, en))) == _data(json.loads(jsonout.estimate(result, zh)))
    assert _data(json.loads(jsonout.plans(plans, en))) == _data(json.loads(jsonout.plans(plans, zh)))
    assert csvout.estimate(result, en) == csvout.estimate(result, zh)  # an estimate's CSV has no text for people
    rows_en = list(csv.reader(io.StringIO(csvout.plans(plans, en))))
    rows_zh = list(csv.reader(io.StringIO(csvout.plans(plans, zh))))
    plan = rows_en[0].index("plan")
    assert rows_en[0] == rows_zh[0] and [r[:plan] + r[plan + 1 :] for r in rows_en] == [
        r[:plan] + r[plan + 1 :] for r in rows_zh
    ]


def test_a_chinese_locale_changes_no_key_code_or_exit_code_of_the_command_line() -> None:
    for args in (["estimate", STUDENT, "--format", "json", "--budget", "1"], ["pricing", "--format", "json"]):
        en, zh = cli(*args), cli(*args, env=ZH)
        assert en.exit_code == zh.exit_code and _data(json.loads(en.stdout)) == _data(json.loads(zh.stdout))
    assert (
        json.loads(cli("pricing", "--format", "json", env=ZH).stdout)["offers"][0]["name"]
        == "免费试用：算力（500 元抵扣包）"
    )


def test_a_warning_in_json_keeps_its_code_and_is_worded_in_the_language() -> None:
    late = (
        (ROOT / STUDENT)
        .read_text(encoding="utf-8")
        .replace("usage:", "usage:\n  - {kind: traffic, gb_per_month: 1, from: 2031-01-01}")
    )
    en = json.loads(cli("estimate", "-", "--format", "json", stdin=late).stdout)["warnings"]
    zh = json.loads(cli("estimate", "-", "--format", "json", stdin=late, env=ZH).stdout)["warnings"]
    assert [w["code"] for w in en] == [w["code"] for w in zh] == ["warning.usage-outside"]
    assert "lies outside the period" in en[0]["message"] and "不在期间内" in zh[0]["message"]
