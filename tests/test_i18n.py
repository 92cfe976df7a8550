"""The message catalogues: compiled from their sources, complete, and every code the package uses is worded."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from helpers import ROOT

from artlab_cost.i18n import LANGS, catalogue
from artlab_cost.i18n.po import HERE, mo_bytes, read_po

PACKAGE = ROOT / "artlab_cost"


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_mo_is_compiled_from_its_po() -> None:
    """A .po edited without `python -m artlab_cost.i18n` would leave the program saying the old words."""
    for po in sorted(HERE.glob("*.po")):
        assert po.with_suffix(".mo").read_bytes() == mo_bytes(read_po(po)), f"recompile {po.name}"


def _codes_in_source() -> set[str]:
    """Message codes the package passes to msg(), note() and Msg(): literal first arguments."""
    codes = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", "")) in ("msg", "note", "Msg")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                codes.add(node.args[0].value)
    # codes chosen at run time: a Num bound's wording and a one-of's count
    return codes | {"expected.number", "spec.at-least", "spec.greater-than", "spec.negative", "spec.one-of-none"}


def test_every_code_the_package_uses_is_in_the_english_catalogue() -> None:
    english = read_po(HERE / "en.po")
    codes = _codes_in_source()
    assert len(codes) > 80
    assert sorted(c for c in codes if c not in english) == []


@pytest.mark.parametrize("lang", LANGS)
def test_each_catalogue_has_every_message_with_the_same_placeholders(lang: str) -> None:
    english = read_po(HERE / "en.po")
    if not (HERE / f"{lang}.po").exists():
        pytest.skip(f"no {lang} catalogue yet")
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
