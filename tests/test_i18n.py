"""The message catalogues: compiled from their sources, complete, and every code the package uses is worded."""

from __future__ import annotations

import ast
import functools
import re
import string
from pathlib import Path

import pytest
from helpers import ROOT, source_nodes

from artlab_cost.i18n import LANGS, catalogue
from artlab_cost.i18n.po import HERE, mo_bytes, read_po

PACKAGE = ROOT / "artlab_cost"


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_mo_is_compiled_from_its_po() -> None:
    """A .po edited without `python -m artlab_cost.i18n` would leave the program saying the old words."""
    for po in sorted(HERE.glob("*.po")):
        assert po.with_suffix(".mo").read_bytes() == mo_bytes(read_po(po)), f"recompile {po.name}"


@functools.cache
def _nodes() -> list[ast.AST]:
    """Every node of the package's source."""
    return [node for path in PACKAGE.rglob("*.py") for node in source_nodes(path)]


def _literal_codes() -> set[str]:
    """Message codes the package passes to msg(), note(), Msg() (first argument) and tr() (second): literals."""
    codes = set()
    for node in _nodes():
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        position = {"msg": 0, "note": 0, "Msg": 0, "tr": 1}.get(name)
        if position is None or len(node.args) <= position:
            continue
        arg = node.args[position]
        for choice in (arg.body, arg.orelse) if isinstance(arg, ast.IfExp) else (arg,):
            if isinstance(choice, ast.Constant) and isinstance(choice.value, str):
                codes.add(choice.value)
    return codes


def _strings_in_source() -> set[str]:
    """Every string literal of the package (a code chosen into a variable before it is worded is among them)."""
    return {node.value for node in _nodes() if isinstance(node, ast.Constant) and isinstance(node.value, str)}


def _codes_in_use() -> set[str]:
    """Every code the package can ask for: the literal ones, and those it builds from a domain term or a column
    name at run time (each family listed here, so that a code no one uses is noticed too)."""
    from artlab_cost.cli.help import CLICK_MESSAGES
    from artlab_cost.pricing import (
        METER_GROUPS,
        UNITS,
        Eligibility,
        GrantKind,
        Limit,
        MeterId,
        PartialMonth,
        Stage,
        VoucherOrder,
    )

    built = {"expected.number", "spec.at-least", "spec.greater-than", "spec.negative", "spec.one-of-none"}
    built |= {f"meter.{m.value}" for m in MeterId} | {f"meter.short.{m.value}" for m in MeterId}
    built |= {f"group.{g}" for g in METER_GROUPS} | {f"unit.{u}" for u in {*UNITS.values(), "yuan"}}
    built |= {f"chart.unit.{u}" for u in UNITS.values()}
    built |= {f"column.{s.value}" for s in Stage} | {f"stage.short.{s.value}" for s in Stage}
    built |= {f"pricing.grant.{k.value}" for k in GrantKind} | {f"pricing.limit.{x.value}" for x in Limit}
    built |= {f"pricing.who.{e.value}" for e in Eligibility} | {f"partialmonth.{p.value}" for p in PartialMonth}
    built |= {f"pricing.per.{m.value}" for m in MeterId if m not in (MeterId.put_requests, MeterId.get_requests)}
    built |= {f"voucherorder.{v.value}" for v in VoucherOrder}
    built |= {f"plans.stopped.{r}" for r in ("time-limit", "run-limit", "unproven")}
    built |= {f"table.column.{c}" for c in ("meter", "usage", "list", "held", "absorbed", "left", "lapsed", "label")}
    built |= {"markdown.column.label"}
    built |= {f"plans.column.{c}" for c in ("upfront", "postpaid", "cash", "saving", "lapsed")}
    built |= {f"pricing.column.{c}" for c in ("offer", "stage-price", "gives", "limit")}
    built |= {f"markdown.column.{c}" for c in ("period", "meter", "usage", "list", "entitlement", "stage", "valid")}
    built |= {f"markdown.column.{c}" for c in ("held", "absorbed", "left", "lapsed")}
    built |= {f"diff.column.{c}" for c in ("before", "after", "change", "percent", "month", "list-before")}
    built |= {f"diff.column.{c}" for c in ("list-after", "cash-before", "cash-after", "meter", "postpaid-before")}
    built |= {f"diff.column.{c}" for c in ("postpaid-after", "entitlement", "left-before", "left-after")}
    built |= {f"diff.column.{c}" for c in ("lapsed-before", "lapsed-after", "case")}
    return _literal_codes() | built | set(CLICK_MESSAGES)


def test_every_code_the_package_uses_is_in_the_english_catalogue_and_no_other() -> None:
    """A code used but not worded fails at run time; a code worded but never used is a translation wasted."""
    english = read_po(HERE / "en.po")
    codes = _codes_in_use()
    assert len(codes) > 300
    assert sorted(c for c in codes if c not in english) == []
    from artlab_cost.pricing import Increment, Limit, Rounding, Stage, TieBreak
    from artlab_cost.scenario import Case

    enums = (Stage, Rounding, Increment, TieBreak, Limit, Case)
    terms = {f"{e.__name__.lower()}.{m.value}" for e in enums for m in e}
    terms |= {f"measure.{m}" for m in ("cash", "postpaid", "list")} | {"list.separator", "list.and"}
    known = codes | terms | _strings_in_source()
    assert sorted(c for c in english if c not in known) == []


@pytest.mark.parametrize("lang", LANGS)
def test_each_catalogue_has_every_message_with_the_same_placeholders(lang: str) -> None:
    english = read_po(HERE / "en.po")
    other = read_po(HERE / f"{lang}.po")
    assert sorted(set(english) - set(other)) == [], f"{lang} lacks these"
    assert sorted(set(other) - set(english)) == [], f"{lang} has codes English does not"
    for code, text in english.items():
        assert other[code].strip(), (lang, code)
        assert _fields(other[code]) == _fields(text), (lang, code)


def test_terms_of_every_enum_the_messages_use_are_worded() -> None:
    """A domain term (a stage, a rounding rule, ...) passed to a message is worded from the catalogue."""
    from artlab_cost.engine import Measure
    from artlab_cost.pricing import Increment, Limit, Rounding, Stage, TieBreak

    english = catalogue("en")
    for enum in (Stage, Rounding, Increment, TieBreak, Limit, Measure):
        for member in enum:
            code = f"{enum.__name__.lower()}.{member.value}"
            assert english.gettext(code) != code, code


def test_po_files_are_plain_and_placeholders_are_named() -> None:
    """Python format fields only, each with a name: no positional {} a translator could reorder by mistake."""
    for po in sorted(HERE.glob("*.po")):
        for code, text in read_po(po).items():
            assert "{}" not in text and not re.search(r"\{\d", text), (po.name, code)
    assert Path(HERE / "en.mo").is_file()


def test_every_help_text_has_a_translation_that_keeps_its_options_and_examples() -> None:
    """--help is written in English beside each option; each other language translates every text of it, none
    stale, and keeps what a reader types as written: options, variables, metavars, example commands."""
    from typer._click import Context
    from typer.main import get_command

    from artlab_cost.cli import app
    from artlab_cost.cli.help import TYPER_WORDS, help_strings

    command = get_command(app)
    english = [*help_strings(command, Context(command, info_name="artlab-cost")), *TYPER_WORDS]
    assert len(english) > 40 and any(text.startswith("Output format") for text in english)
    literal = re.compile(r"--[a-z][a-z-]*|\$[A-Z_]+|\b[A-Z][A-Z_]{2,}\b%?|artlab-cost [^\n]+|\{[a-z]+\}|git:REF:PATH")
    for lang in LANGS[1:]:
        translated = read_po(HERE / f"help-{lang}.po")
        assert sorted(set(english) - set(translated)) == [], f"help-{lang}.po lacks these"
        assert sorted(set(translated) - set(english)) == [], f"help-{lang}.po has texts no longer in the help"
        for text in english:
            kept = [token for token in literal.findall(text) if token not in translated[text]]
            assert kept == [], (lang, text)
            assert translated[text].startswith("\b") == text.startswith("\b"), text  # Click's keep-as-is mark


def test_words_pick_the_language_then_the_plain_text_then_english() -> None:
    from artlab_cost.messages import Words

    both = Words((("en", "storage pack"), ("zh", "存储包")))
    assert (both.text("en"), both.text("zh"), str(both)) == ("storage pack", "存储包", "storage pack")
    assert Words.plain("A10 24 GB").text("zh") == "A10 24 GB"
    assert Words((("zh", "仅中文"),)).text("en") == "仅中文"  # the only text there is, rather than nothing


def test_counts_are_separated_and_take_their_plural_form() -> None:
    """320013504 plans read as 320,013,504 plans; 1 plan, 1 program; and "any others" when none is left."""
    from artlab_cost.i18n import count, word
    from artlab_cost.messages import msg

    assert (count(320013504), count(1, "plan|plans"), count(0, "plan|plans")) == ("320,013,504", "1 plan", "0 plans")
    en = word(msg("plans.search-proven", space=320013504, runs=1, solves=1))
    assert "(320,013,504 plans allowed; 1 priced by the engine, any others ruled out" in en
    assert "of 1 program," in en and "the rest" not in en
    assert "of 2 programs," in word(msg("plans.search-proven", space=1, runs=1, solves=2))
    assert "(1 plan allowed;" in word(msg("plans.search-proven", space=1, runs=1, solves=2))
    zh = word(msg("plans.search-proven", space=320013504, runs=1, solves=1), "zh")
    assert "共允许 320,013,504 个方案" in zh and "其他方案（如有）" in zh
    assert "(1 plan priced by the engine)" in word(
        msg("plans.search-unproven", reason="x", lower=0, gap=0, runs=1), "en"
    )
    assert word(msg("budget.within", measure="cash", value=1, limit=True)).endswith("True yuan")  # a flag is no count


def test_a_position_is_never_separated() -> None:
    """A line number or an index is a position, not a count: line 1234, holdings[1000]."""
    from artlab_cost.i18n import word
    from artlab_cost.messages import msg

    code = next(c for c, t in read_po(HERE / "en.po").items() if "first defined at line" in t)
    assert word(msg(code, key="a", line=1234)).endswith("(first defined at line 1234)")
