"""docs/billing-rules.md, in English and Chinese: every rule the sheet, the code and the docs cite is there,
each with its source, and the worked examples hold."""

from __future__ import annotations

import re
from decimal import Decimal as D

from helpers import ROOT

EN = (ROOT / "docs" / "billing-rules.md").read_text(encoding="utf-8")
ZH = (ROOT / "docs" / "zh" / "billing-rules.md").read_text(encoding="utf-8")


def _rules(text: str, source: str) -> dict[str, str]:
    """Rule id -> its entry (up to the next rule or heading)."""
    entries = re.split(r"\n(?=- \*\*B\d+\*\*|## )", text)
    out = {}
    for entry in entries:
        found = re.match(r"- \*\*(B\d+)\*\*", entry)
        if found:
            assert found.group(1) not in out, found.group(1)
            out[found.group(1)] = entry
            assert source in entry, (found.group(1), "has no source line")
    return out


def _cited() -> set[str]:
    """Every rule id the shipped files cite: the sheet, the package's code and the docs."""
    files = [
        ROOT / "pricing.yaml",
        *(ROOT / "artlab_cost").rglob("*.py"),
        *(ROOT / "artlab_cost" / "i18n").glob("*.po"),
    ]
    files += [p for p in (ROOT / "docs").rglob("*.md") if p.name != "billing-rules.md"]
    files.append(ROOT / "README.md")
    return {f"B{n}" for path in files for n in re.findall(r"\bB(\d{1,2})\b", path.read_text(encoding="utf-8"))}


def test_every_rule_cited_is_there_with_its_source_in_both_languages() -> None:
    english, chinese = _rules(EN, "Source:"), _rules(ZH, "出处：")
    assert list(english) == list(chinese)
    assert set(english) == {f"B{n}" for n in range(1, 23)}
    assert sorted(_cited() - set(english), key=lambda r: int(r[1:])) == []


def test_the_sheet_cites_the_shipped_rules_not_a_file_it_does_not_ship() -> None:
    sheet = (ROOT / "pricing.yaml").read_text(encoding="utf-8")
    assert "billing-facts" not in sheet and "docs/billing-rules.md" in sheet


def test_the_worked_examples_hold() -> None:
    """B3, B7, B6, B4: the figures the page states, worked out here."""
    assert D(6000) * D("0.0077") == D("46.20")
    assert D(100) * D("0.12") * 30 / 30 == D("12.00") and D(100) * D("0.12") * 31 / 30 == D("12.40")
    assert (D(6_000_000) - D(5_000_000)) / 10_000 * D("0.01") == D("1.00")
    assert (D(25_000_000) - D(20_000_000)) / 10_000 * D("0.01") == D("5.00")
    assert D("8.07") * 3 * 30 == D("726.30")
    for figure in ("46.20", "12.40", "726.30"):
        assert figure in EN and figure in ZH
