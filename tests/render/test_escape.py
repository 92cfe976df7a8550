"""User text is data on every stream and in every format: no line forged by a line break, no terminal control,
no invisible or reordering character, no Markdown, no spreadsheet formula."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from helpers import ROOT, bundled_sheet, cli, cli_uncached, comparison, examples
from hypothesis import given
from hypothesis import strategies as st

from artlab_cost import api
from artlab_cost.messages import Words
from artlab_cost.render import OutputFormat, View, csvout, escape, jsonout, markdown, table
from artlab_cost.render import html as html_out
from artlab_cost.render.escape import csv_cell, json_visible, markdown_code, markdown_text, visible, visible_lines
from artlab_cost.render.svg import esc

# The characters that do most harm, by hand: C0 (line break, tab, ESC included), DEL, C1; zero-width space,
# non-joiner, joiner, left-to-right and right-to-left marks; the bidirectional embeddings and overrides; the
# isolates; the Arabic letter mark; the byte-order mark; the line and paragraph separators.
C0 = [chr(c) for c in range(0x00, 0x20)]
C1 = [chr(c) for c in range(0x80, 0xA0)]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f"]
BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u061c"]
OTHER = ["\ufeff", "\u2028", "\u2029"]
UNSAFE = [*C0, "\x7f", *C1, *INVISIBLE, *BIDI, *OTHER]
RAW = re.compile("[" + "".join(re.escape(c) for c in UNSAFE) + "]")
OSC52 = "\x1b]52;c;ZXZpbA==\x07"  # writes "evil" to the terminal's clipboard
CLEAR = "\x1b[2J"
FORGED = "x\n::error::INJECTED\nerror: forged.yaml:1:1: forged"


def test_visible_writes_each_unsafe_character_as_its_escape() -> None:
    assert visible("a\nb") == "a\\x0ab"
    assert visible("\t\r\x00\x1b\x7f") == "\\x09\\x0d\\x00\\x1b\\x7f"
    assert visible("\x85\x9b") == "\\x85\\x9b"  # NEL and CSI, C1
    assert visible("\u202egnp.exe") == "\\u202egnp.exe"
    assert visible("pay\u200bpal\u200d\ufeff") == "pay\\u200bpal\\u200d\\ufeff"
    assert visible("\u2028\u2029\u061c\u2066\u2069") == "\\u2028\\u2029\\u061c\\u2066\\u2069"
    assert visible(OSC52) == "\\x1b]52;c;ZXZpbA==\\x07"
    assert visible(CLEAR) == "\\x1b[2J"
    for char in UNSAFE:
        code = ord(char)
        shown = visible(f"a{char}b")
        assert shown == "a" + (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}") + "b", hex(code)


def test_every_format_character_and_separator_is_unsafe_as_unicodedata_says() -> None:
    """The table is written out (no run imports unicodedata); it holds every control (Cc), format character (Cf),
    line and paragraph separator (Zl, Zp) this Python's Unicode knows, and nothing else but unassigned points."""
    import unicodedata

    wanted = {c for c in range(0x110000) if unicodedata.category(chr(c)) in ("Cc", "Cf", "Zl", "Zp")}
    table = set(escape.UNSAFE)
    assert wanted - table == set(), [hex(c) for c in sorted(wanted - table)]
    assert {unicodedata.category(chr(c)) for c in table - wanted} <= {"Cn"}


@pytest.mark.parametrize(
    "char, shown",
    [("\u00ad", "\\xad"), ("\u2060", "\\u2060"), ("\u2064", "\\u2064"), ("\u206a", "\\u206a"), ("\u206f", "\\u206f")]
    + [("\U000e0001", "\\U000e0001"), ("\U000e0041", "\\U000e0041"), ("\U000e007f", "\\U000e007f")],
    ids=[
        "soft-hyphen",
        "word-joiner",
        "invisible-plus",
        "inhibit-swapping",
        "nominal-digits",
        "tag",
        "tag-a",
        "cancel",
    ],
)
def test_format_characters_are_shown_as_escapes(char: str, shown: str) -> None:
    assert visible(f"pay{char}pal") == f"pay{shown}pal"
    assert json.loads(json_visible(json.dumps(f"pay{char}pal", ensure_ascii=False))) == f"pay{char}pal"
    if ord(char) > 0xFFFF:  # JSON writes a character past U+FFFF as its UTF-16 surrogate pair
        assert json_visible(json.dumps(char, ensure_ascii=False)) == json.dumps(char)


def test_json_writes_del_and_c1_as_escapes_in_an_otherwise_ascii_document() -> None:
    """JSON escapes C0 itself but leaves DEL raw: an all-ASCII document is written through only without it."""
    assert json_visible('{"a": "x\x7fy"}') == '{"a": "x\\u007fy"}'
    assert json_visible('{"a": "x\x9by"}') == '{"a": "x\\u009by"}'
    assert json_visible('{"a": "xy"}') == '{"a": "xy"}'


def test_emoji_joined_by_format_characters_stay_one_emoji_and_no_other_join_does() -> None:
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # man, woman, girl
    rainbow = "\U0001f3f3\ufe0f\u200d\U0001f308"  # white flag, variation selector, rainbow
    england = "\U0001f3f4" + "".join(chr(0xE0000 + ord(t)) for t in "gbeng") + "\U000e007f"
    assert visible(f"{family} {rainbow} {england}") == f"{family} {rainbow} {england}"
    assert visible("pay\u200d\U0001f600") == "pay\\u200d\U0001f600"  # a joiner after a letter hides nothing real
    hidden = "\U0001f3f4" + "".join(chr(0xE0000 + ord(t)) for t in "hi") + "\U000e007f"  # tags that spell text
    assert visible(hidden) == "\U0001f3f4\\U000e0068\\U000e0069\\U000e007f"


def test_validate_shows_format_characters_in_a_file_name_as_escapes(tmp_path: Path) -> None:
    name = tmp_path / "s\u00ad\u2062\U000e0041.yaml"
    name.write_text((ROOT / "examples" / "student-trial.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    run = cli_uncached("validate", name)
    assert run.exit_code == 0 and "s\\xad\\u2062\\U000e0041.yaml" in run.stdout, run.stdout


def test_importing_the_escapes_imports_no_unicode_database() -> None:
    import subprocess
    import sys

    code = "import sys, artlab_cost.render.escape; print('unicodedata' in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert run.stdout == "False\n"


def test_visible_keeps_ordinary_text_and_visible_lines_only_the_line_break() -> None:
    ordinary = "价格 café 😀 «x» Ω 한국어 naïve"
    assert visible(ordinary) == ordinary
    assert visible_lines("one\ntwo\x1b[2J\u202e") == "one\ntwo\\x1b[2J\\u202e"


@pytest.mark.parametrize(
    "show",
    [visible, markdown_text, markdown_code, csv_cell, esc],
    ids=["visible", "markdown_text", "markdown_code", "csv_cell", "svg.esc"],
)
def test_every_escaping_function_lets_no_unsafe_character_through(show: object) -> None:
    assert callable(show)
    text = "".join(UNSAFE) + OSC52 + CLEAR + FORGED
    shown = show(text)
    assert not RAW.search(shown), repr(shown)


def test_json_keeps_the_characters_escaped() -> None:
    text = "".join(UNSAFE) + OSC52 + CLEAR
    document = json_visible(json.dumps({"name": text}, ensure_ascii=False))
    assert not RAW.search(document)
    assert json.loads(document) == {"name": text}  # the same data


# A zero-width joiner between two pictographs (with a variation selector after the first, or not) joins an emoji
# and is kept raw: the only raw unsafe character a text may show.
_PICTURE = "[\u2300-\u23ff\u2600-\u27bf\u2b00-\u2bff\U0001f000-\U0001faff]"
_JOINS = re.compile(f"(?<={_PICTURE})\u200d(?={_PICTURE})|(?<={_PICTURE}\ufe0f)\u200d(?={_PICTURE})")
_TEXT = st.text(alphabet=st.characters(blacklist_characters="\\", max_codepoint=0x3000), max_size=40)
_ESCAPE = re.compile(r"\\x([0-9a-f]{2})|\\u([0-9a-f]{4})")


@examples(200)
@given(_TEXT)
def test_visible_is_one_line_reversible_and_idempotent(text: str) -> None:
    shown = visible(text)
    assert not RAW.search(_JOINS.sub("", shown)) and "\n" not in shown
    assert _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), shown) == text
    assert visible(shown) == shown


# --- 1. a line break in user text never forges a line -------------------------------------------------------

SCENARIO = f"""\
name: "demo\\n::error::NAME"
account: {{new_user: true, student: false}}
period: {{start: 2027-01-01, months: 2}}
usage:
  - {{kind: shared, gpu_seconds: 2000, per: day, label: "gpu\\n::error::LABEL"}}
  - {{kind: traffic, gb_per_month: 3, from: 2030-01-01, label: {json.dumps(FORGED)}}}
holdings:
  - {{offer: trial-compute, date: 2027-01-01, label: "trial\\n::error::HOLDING"}}
"""


def _prefixed(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if not line.startswith(("error: ", "warning: ", "note: "))]


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv"])
def test_a_line_break_in_a_name_or_label_forges_no_line(fmt: str) -> None:
    result = cli("estimate", "-", "--format", fmt, stdin=SCENARIO)
    assert result.exit_code == 0, result.stderr
    assert _prefixed(result.stderr) == []  # every line on stderr is one of ours
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert len(warnings) == 1 and "x\\x0a::error::INJECTED\\x0aerror: forged.yaml:1:1: forged" in warnings[0]
    assert not any(line.startswith(("::error", "error:")) for line in result.stdout.splitlines())
    assert "\\x0a::error::HOLDING" in result.stdout  # the entitlement's id, on its one line


def test_the_table_shows_a_heading_and_a_cell_each_on_its_own_line() -> None:
    result = cli("estimate", "-", stdin=SCENARIO)
    lines = result.stdout.splitlines()
    assert lines[0] == "demo\\x0a::error::NAME: 2027-01-01 to 2027-02-28"
    assert any(line.startswith(" trial\\x0a::error::HOLDING *") for line in lines), result.stdout


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["estimate", "-", "--budget", "1\n::error::BUDGET"], {}),
        (["compare-plans", "-", "--only", "x\n::error::ONLY"], {}),
        (["estimate", "-"], {"ARTLAB_COST_LANG": "x\n::error::LANG"}),
    ],
    ids=["budget", "only", "lang"],
)
def test_a_line_break_in_an_option_or_the_environment_is_one_error_line(args: list[str], env: dict[str, str]) -> None:
    result = cli(*args, env=dict(env), stdin=SCENARIO)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("error: "), result.stderr
    assert "\\x0a::error::" in result.stderr


def test_a_line_break_in_an_enum_value_is_one_error_line() -> None:
    bad = SCENARIO.replace("kind: shared", 'kind: "shared\\n::error::KIND"')
    result = cli("estimate", "-", stdin=bad)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("error: <stdin>:5:")
    assert "'shared\\x0a::error::KIND'" in result.stderr


def test_a_line_break_in_a_price_sheets_text_stays_in_its_cell() -> None:
    sheet = bundled_sheet()
    meter = next(iter(sheet.meters.values()))
    hostile = sheet._replace(meters={**sheet.meters, meter.id: meter._replace(source="B3\n::error::SOURCE")})
    text = table.pricing(hostile, View())
    assert "B3\\x0a::error::SOURCE" in text
    assert not any(line.lstrip().startswith("::error") for line in text.splitlines())


# --- 2. validate shows file names, never obeys them ---------------------------------------------------------


def test_validate_escapes_the_file_names_it_prints(tmp_path: Path) -> None:
    names = [f"{OSC52}.yaml", f"{CLEAR}.yaml", "\u202egnp.yaml", "a\nvalid: forged.yaml"]
    for name in names:
        (tmp_path / name).write_text(Path("examples/student-trial.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = cli_uncached("validate", *names, cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert not RAW.search(result.stdout.replace("\n", "")), repr(result.stdout)
    lines = result.stdout.splitlines()
    assert len(lines) == len(names)  # one a file: a line break in a name forges no line
    for shown in ("\\x1b]52;c;ZXZpbA==\\x07.yaml", "\\x1b[2J.yaml", "\\u202egnp.yaml", "a\\x0avalid: forged.yaml"):
        assert any(shown in line for line in lines), (shown, lines)


def test_validate_escapes_a_broken_files_name_on_stderr(tmp_path: Path) -> None:
    name = f"{CLEAR}\u202ebad\n.yaml"
    (tmp_path / name).write_text("name: [", encoding="utf-8")
    result = cli_uncached("validate", name, cwd=tmp_path)
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("error: \\x1b[2J\\u202ebad\\x0a.yaml")


def test_a_price_sheets_path_is_shown_escaped_wherever_it_is_named(tmp_path: Path) -> None:
    name = f"{CLEAR}\u202eprices\n::error::SHEET.yaml"
    (tmp_path / name).write_text(Path("pricing.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    scenario = Path("examples/student-trial.yaml").resolve()
    for fmt in ("table", "markdown", "html", "csv"):
        result = cli_uncached("estimate", scenario, "--pricing", name, "--format", fmt, cwd=tmp_path)
        assert result.exit_code == 0, result.stderr
        assert not RAW.search(result.stdout.replace("\n", "")) and not RAW.search(result.stderr.replace("\n", ""))
        assert _prefixed(result.stderr) == [], result.stderr
        assert not any(line.startswith("::error") for line in result.stdout.splitlines())
    assert "\\x1b[2J\\u202eprices\\x0a::error::SHEET.yaml" in result.stderr  # the note naming the sheet


def test_a_table_too_wide_for_the_terminal_forges_no_line_either() -> None:
    result = cli("estimate", "-", env={"COLUMNS": "40"}, stdin=SCENARIO)
    assert result.exit_code == 0, result.stderr
    assert "trial\\x0a::error::HOLDING" in result.stdout
    assert not any(line.lstrip().startswith("::error") for line in result.stdout.splitlines()), result.stdout


# --- 3. Markdown: every user string escaped or fenced; the reproduce command shell-quoted -------------------


def test_markdown_pricing_heading_is_the_sheet_name_literally() -> None:
    name = "Evil\n# Forged heading\n<img src=x onerror=alert(1)> [l](http://x) *b*"
    sheet = bundled_sheet()
    text = markdown.pricing(sheet._replace(name=Words.plain(name)), View())
    heading = text.splitlines()[0]
    assert heading.startswith(  # the escape's backslash escaped in turn: Markdown shows it as \x0a
        "## Evil\\\\x0a# Forged heading\\\\x0a&lt;img src=x onerror=alert(1)&gt; \\[l\\](http://x) \\*b\\*, version "
    )
    assert not any(line.startswith(("# Forged", "<img")) for line in text.splitlines())


PATH = "my `plans`/a b$(id).yaml"
QUOTED = "'my `plans`/a b$(id).yaml'"  # shlex.quote: single quotes around what a shell would read


def test_markdown_reproduce_line_fences_the_path_beyond_its_backticks() -> None:
    text = markdown.plans(comparison("new-user-starter"), View(scenario_path=PATH))
    line = next(line for line in text.splitlines() if line.startswith("To reproduce it"))
    assert line == (f"To reproduce it, add to the holdings of ``{QUOTED}`` and run ``artlab-cost estimate {QUOTED}``:")


def test_markdown_code_spans_survive_any_backticks() -> None:
    assert markdown_code("plain") == "`plain`"
    assert markdown_code("a`b") == "``a`b``"
    assert markdown_code("a``b`") == "``` a``b` ```"  # longest run 2, so a fence of 3; spaced as it ends in one
    assert markdown_code("`x") == "`` `x ``"
    assert markdown_code("a\nb") == "`a\\x0ab`"


def test_the_reproduce_command_is_shell_quoted_in_every_format() -> None:
    plans = comparison("new-user-starter")
    view = View(scenario_path=PATH)
    assert f"artlab-cost estimate {QUOTED}" in table.plans(plans, view)
    assert f"artlab-cost estimate {html.escape(QUOTED)}" in html_out.plans(plans, view)
    assert f"artlab-cost estimate {QUOTED}" in markdown.plans(plans, view)


CONTROLLED = "s\n::error::x\u202e'\\\U000e0041.yaml"  # a line break, an override, a quote, a backslash, a tag


def test_the_reproduce_command_names_a_file_with_control_characters_by_its_real_name() -> None:
    """Plain quotes would show \\x0a inside them, naming another file; `$'...'` shows the same escapes and the
    shell turns them back into the characters, so the command shown runs on the real file."""
    from artlab_cost.render.plan_rows import reproduce_command

    path, command = reproduce_command(CONTROLLED)
    assert path == "$'s\\x0a::error::x\\u202e\\'\\\\\\U000e0041.yaml'" and command == f"artlab-cost estimate {path}"
    assert visible(path) == path  # nothing raw to show
    bash = shutil.which("bash")
    if bash is not None:
        run = subprocess.run([bash, "-c", f"printf %s {path}"], capture_output=True, timeout=30, check=True)
        assert run.stdout.decode("utf-8") == CONTROLLED
    shown = table.plans(comparison("new-user-starter"), View(scenario_path=CONTROLLED, width=200))
    assert f"artlab-cost estimate {path}" in shown


# --- 4. CSV: a text cell never starts a formula; numbers stay numbers ---------------------------------------


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\\x09=1"),
        ("\r=1", "'\\x0d=1"),
        ("-12.50", "-12.50"),
        ("-3", "-3"),
        ("12", "12"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_csv_cell_neutralises_formulas_and_keeps_numbers(text: str, cell: str) -> None:
    assert csv_cell(text) == cell


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_csv_estimate_entitlement_and_diff_key_are_never_formulas() -> None:
    sheet = bundled_sheet()
    labelled = SCENARIO.replace('label: "trial\\n::error::HOLDING"', 'label: "=HYPERLINK(\\"http://x\\")"')
    labelled = labelled.replace("gpu_seconds: 2000", "gpu_seconds: 1000")  # half the GPU: the cash falls
    new = api.estimate(api.scenario_from_text(labelled, sheet), sheet)
    rows = _rows(csvout.estimate(new, View()))
    entitlement = rows[0].index("entitlement")
    assert {r[entitlement] for r in rows[1:]} >= {'\'=HYPERLINK("http://x")'}
    base_text = SCENARIO.replace('label: "trial\\n::error::HOLDING"', 'label: "@base"')
    base = api.estimate(api.scenario_from_text(base_text, sheet), sheet)
    diff_rows = _rows(csvout.diff(api.diff(base, new), View()))
    keys = {r[1] for r in diff_rows[1:] if r[0] == "entitlement"}
    assert keys == {'\'=HYPERLINK("http://x")', "'@base"}
    changes = [r[5] for r in diff_rows[1:] if r[5].startswith("-")]
    assert changes and all(re.fullmatch(r"-\d+(\.\d+)?", c) for c in changes)  # a fall is a number, not text


def test_csv_pricing_name_and_source_are_never_formulas() -> None:
    sheet = bundled_sheet()
    offer = next(iter(sheet.offers.values()))
    hostile = offer._replace(name=Words.plain("=1+1"), source="+cmd")
    rows = _rows(csvout.pricing(sheet._replace(offers={**sheet.offers, offer.id: hostile}), View()))
    row = next(r for r in rows if r[0] == "offer" and r[1] == offer.id)
    assert (row[2], row[6]) == ("'=1+1", "'+cmd")
    assert all(not c.startswith(("=", "+", "@")) for r in rows for c in r)


# --- 6. invisible and reordering characters, in every format and on stderr ---------------------------------

SPOOF = "pay\u200bpal\u202eexe.\u2066x\u2069\u061c\ufeff\u2028\u2029\u200f"


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_invisible_characters_are_shown_in_every_format_and_kept_in_json(fmt: OutputFormat) -> None:
    text = SCENARIO.replace('"demo\\n::error::NAME"', json.dumps(SPOOF)).replace(
        '"gpu\\n::error::LABEL"', json.dumps(SPOOF)
    )
    text = text.replace('"trial\\n::error::HOLDING"', json.dumps("trial " + SPOOF))
    result = cli("estimate", "-", "--format", fmt.value, stdin=text)
    assert result.exit_code == 0, result.stderr
    assert not RAW.search(result.stdout.replace("\n", "")), repr(result.stdout[:200])
    assert not RAW.search(result.stderr.replace("\n", "")), repr(result.stderr[:200])
    if fmt is OutputFormat.json:
        assert json.loads(result.stdout)["scenario"] == SPOOF
    elif fmt is OutputFormat.markdown:  # the escape's backslash escaped in turn, shown as \u200b
        assert "pay\\\\u200bpal\\\\u202eexe." in result.stdout
    else:
        assert "pay\\u200bpal\\u202eexe." in result.stdout


def test_json_of_a_result_escapes_invisible_characters_it_would_leave_raw() -> None:
    sheet = bundled_sheet()
    result = api.estimate(
        api.scenario_from_text(SCENARIO.replace('"demo\\n::error::NAME"', json.dumps(SPOOF)), sheet), sheet
    )
    document = jsonout.estimate(result, View())
    assert "\\u200b" in document and "\\u2028" in document and not RAW.search(document.replace("\n", ""))
    assert json.loads(document)["scenario"] == SPOOF
