"""JSON output: each document matches its published schema, carries no float, and keeps amounts exact."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from helpers import EXAMPLE_IDS, ROOT, bundled_sheet, comparison, example
from jsonschema import Draft202012Validator

from artlab_cost.engine import Measure, check_budget
from artlab_cost.i18n import word
from artlab_cost.render import By, View, jsonout

SCHEMAS = ROOT / "docs" / "schema"


def _validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8")))


def walk(node: Any, path: str = "$") -> list[tuple[str, Any]]:
    """Every (path, leaf) of a JSON document."""
    if isinstance(node, dict):
        return [leaf for key, value in node.items() for leaf in walk(value, f"{path}.{key}")]
    if isinstance(node, list):
        return [leaf for i, value in enumerate(node) for leaf in walk(value, f"{path}[{i}]")]
    return [(path, node)]


def _check(data: dict[str, Any], schema: str) -> None:
    assert [e.message for e in _validator(schema).iter_errors(data)] == []
    assert [p for p, leaf in walk(data) if isinstance(leaf, float)] == []


@pytest.mark.parametrize("stem", EXAMPLE_IDS)
def test_estimate_json_matches_its_schema(stem: str) -> None:
    result = example(stem).estimate
    check = check_budget(result.totals, Decimal(100), Measure.list)
    for view in (View(), View(budget=check)):
        data = json.loads(jsonout.estimate(result, view))
        _check(data, "estimate")
        assert data["notes"] == [word(n.msg) for n in result.notes]
    budget = json.loads(jsonout.estimate(result, View(budget=check)))["budget"]
    assert (budget["limit"], budget["measure"], budget["exceeded"]) == ("100", "list", True)
    # the examples' list prices are finite decimals (exact arithmetic: no tails such as .9999999989)
    assert Fraction(Decimal(budget["value"])) == result.totals.list_price
    assert Fraction(Decimal(budget["over"])) == result.totals.list_price - 100
    assert (
        Fraction(Decimal(json.loads(jsonout.estimate(result, View()))["totals"]["list_price"]))
        == result.totals.list_price
    )


def test_by_day_json_has_a_charge_per_day() -> None:
    data = json.loads(jsonout.estimate(example("student-trial").estimate, View(by=By.day)))
    _check(data, "estimate")
    assert all(c["from"] == c["until"] for c in data["charges"])
    # the grouping changes the rows, never the totals
    assert data["totals"] == json.loads(jsonout.estimate(example("student-trial").estimate, View()))["totals"]


@pytest.mark.parametrize("stem", EXAMPLE_IDS)
def test_plans_json_matches_its_schema(stem: str) -> None:
    c = comparison(stem)
    data = json.loads(jsonout.plans(c, View()))
    _check(data, "plans")
    assert [Decimal(p["cash"]) for p in data["plans"]] == [p.costs.cash for p in c.plans]
    budget = check_budget(c.plans[0].costs, Decimal(100), Measure.cash)
    _check(json.loads(jsonout.plans(c, View(budget=budget))), "plans")


def test_pricing_json_is_the_sheet_as_data() -> None:
    sheet = bundled_sheet()
    data = json.loads(jsonout.pricing(sheet, View()))
    assert (data["schema_version"], data["kind"]) == (2, "pricing")
    assert data["sheet"] == {
        "name": "PAI ArtLab, China mainland",
        "version": "2026.11",
        "effective": "2026-11-01",
        "currency": "CNY",
        "source": sheet.source,
        "origin": "bundled pricing.yaml",
        "assumed": {},
    }
    assert data["settings"]["deduction_order"] == ["free_trial", "pack", "voucher", "postpaid"]
    assert set(data["settings"]["assumed"]) == {  # partial_month is sourced (the OSS purchase page)
        "deduction_order",
        "tie_break",
        "dedicated_increment",
        "voucher_pays_packs",
    }
    assert data["dedicated_range"] == {"low": "ded-8.07", "high": "ded-39.54"}
    assert {a["field"] for a in data["assumptions"]} == {a.field for a in sheet.assumptions()}
    gpu = next(m for m in data["meters"] if m["id"] == "shared_gpu")
    assert (gpu["price"], gpu["per"], gpu["assumed"]) == ("0.0077", "GPU-second", {})  # B3, exact text
    assert [o["id"] for o in data["offers"]] == list(sheet.offers)
    pack = next(o for o in data["offers"] if o["id"] == "storage-pack-40")
    assert pack["grants"] == [{"kind": "capacity", "size": "40", "unit": "GB", "covers": ["storage"]}]
    assert set(pack["assumed"]) == {"price"} and pack["limit"] == "once_per_validity"
    assert all(o["source"].strip() for o in data["offers"]) and all(m["source"].strip() for m in data["meters"])
    assert [p for p, leaf in walk(data) if isinstance(leaf, float)] == []


def test_json_output_is_one_document_with_a_final_newline() -> None:
    text = jsonout.estimate(example("student-trial").estimate, View())
    assert text.endswith("}\n") and text.count("\n}\n") == 1


def test_diff_json_matches_its_schema() -> None:
    from helpers import diff_result

    data = json.loads(jsonout.diff(diff_result(), View()))
    _check(data, "diff")
    assert [p for p, leaf in walk(data) if isinstance(leaf, float)] == []


def test_json_is_what_the_standard_encoder_writes() -> None:
    """The fast writer prints the same document, byte for byte, as json.dumps(indent=2, ensure_ascii=False)."""
    data = jsonout.estimate_data(example("studio-dedicated-comfyui").estimate, View())
    data["odd"] = ['\u00e9 "q" \\ \n', 0, -3, True, False, None, [], {}, [[]], {"k": {}}]
    assert jsonout.dump(data) == json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def test_the_price_sheet_is_data_and_its_words_are_apart() -> None:
    """price_sheet: name, version, effective date and file (null for the bundled one), the same in every
    language but the name; the sentence for people is price_sheet_text."""
    result = example("student-trial").estimate
    en = json.loads(jsonout.estimate(result, View()))
    assert en["price_sheet"] == {
        "name": "PAI ArtLab, China mainland", "version": "2026.11", "effective": "2026-11-01", "path": None,
    }  # fmt: skip
    zh = json.loads(jsonout.estimate(result, View(lang="zh")))
    assert {k: v for k, v in zh["price_sheet"].items() if k != "name"} == {
        "version": "2026.11", "effective": "2026-11-01", "path": None,
    }  # fmt: skip
    assert "2026.11" in en["price_sheet_text"] and en["price_sheet_text"] != zh["price_sheet_text"]
    from artlab_cost import api

    own = api.load_sheet(ROOT / "pricing.yaml")
    mine = api.estimate(api.load_scenario(ROOT / "examples/student-trial.yaml", own), own)
    assert json.loads(jsonout.estimate(mine, View()))["price_sheet"]["path"] == str(ROOT / "pricing.yaml")
