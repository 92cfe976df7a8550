"""Cost by label: each usage label's list price and its pro rata share of each charge's stages, by hand."""

from __future__ import annotations

import json
from decimal import Decimal as D
from fractions import Fraction as F

from test_engine import SHEET, run

from artlab_cost.pricing import Stage
from artlab_cost.render import By, View, csvout, jsonout, table

# April 2026 (30 days) on the engine test sheet: artist A runs d8 (8.07 an hour) 2 h a day, written as two
# entries labelled alike; artist B 1 h a day; 30 GB stored (0.12 a GB-month over 30 days: 3.60 for April).
# A 10-yuan compute pack (pack12) bought on 1 April absorbs 10.00 of the first day's d8 charge, 3 h x 8.07 =
# 24.21: A used 2 of its 3 h, so A's share is 2/3 of every part of that charge.
STUDIO = """\
    period: {start: 2026-04-01, months: 1}
    usage:
      - {kind: dedicated, spec: d8, hours_per_day: 2, label: A, until: 2026-04-15}
      - {kind: dedicated, spec: d8, hours_per_day: 1, label: B}
      - {kind: dedicated, spec: d8, hours_per_day: 2, label: A, from: 2026-04-16}
      - {kind: storage, gb: 30, label: library}
    holdings:
      - {offer: pack12, date: 2026-04-01}
    """


def _with_labels(body: str):  # type: ignore[no-untyped-def]
    from textwrap import dedent

    from artlab_cost import api

    scenario = api.scenario_from_text("account: {new_user: false, student: false}\n" + dedent(body), SHEET)
    return api.estimate(scenario, SHEET, labels=True)


def test_each_label_gets_its_list_price_and_its_share_of_each_stage() -> None:
    result = _with_labels(STUDIO)
    assert run(STUDIO).labels == ()  # worked out only when asked
    shares = {s.label: s for s in result.labels}
    assert list(shares) == ["A", "B", "library"]
    a, b, library = shares["A"], shares["B"], shares["library"]
    assert a.list_price == D("484.20")  # 2 h x 8.07 x 30 days
    assert b.list_price == D("242.10")  # 1 h x 8.07 x 30 days
    assert library.list_price == D("3.60")
    assert a.stage(Stage.pack) == F(20, 3) and b.stage(Stage.pack) == F(10, 3)  # 10.00 split 2:1
    assert a.stage(Stage.postpaid) == F(48420, 100) - F(20, 3) and library.stage(Stage.pack) == 0
    # the shares add up to the estimate, stage by stage
    assert sum(s.list_price for s in result.labels) == result.totals.list_price
    assert sum(s.stage(Stage.pack) for s in result.labels) == result.totals.absorbed[Stage.pack] == 10
    assert sum(s.stage(Stage.postpaid) for s in result.labels) == result.totals.postpaid_exact


def test_by_label_in_every_format() -> None:
    result = _with_labels(STUDIO)
    view = View(by=By.label, width=100)
    text = table.estimate(result, view)
    row = next(line for line in text.splitlines() if line.startswith(" A "))
    assert row.split() == ["A", "484.20", "-", "6.67", "-", "477.53"]  # 484.20 - 20/3 = 477.5333...
    data = json.loads(jsonout.estimate(result, view))
    assert data["labels"][0] == {
        "label": "A",
        "list_price": "484.2",
        "shares": [
            {"stage": "pack", "entitlement": "pack12@2026-04-01", "amount": "6.666666666667"},
            {"stage": "postpaid", "entitlement": None, "amount": "477.533333333333"},
        ],
    }
    assert json.loads(jsonout.estimate(result, View()))["labels"] is None
    rows = csvout.estimate(result, view).splitlines()
    assert rows[0] == "label,list_amount,stage,entitlement,amount"
    assert "library,3.6,postpaid,,3.6" in rows


def test_by_label_json_matches_its_schema() -> None:
    from helpers import ROOT
    from jsonschema import Draft202012Validator

    schema = json.loads((ROOT / "docs/schema/estimate.schema.json").read_text(encoding="utf-8"))
    data = json.loads(jsonout.estimate(_with_labels(STUDIO), View(by=By.label)))
    assert list(Draft202012Validator(schema).iter_errors(data)) == []


def test_by_label_documents_align_the_figures() -> None:
    from artlab_cost.render import markdown

    text = markdown.estimate(_with_labels(STUDIO), View(by=By.label))
    assert "| Label | List price |" in text and "| --- | ---: |" in text
