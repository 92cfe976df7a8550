"""--price OFFER=YUAN: an offer's price replaced for one run, said to be the user's.

The storage-heavy team holds one storage-pack-100 bought on 2027-01-01, inside its period; the
sheet prices it at 20 yuan, an assumption (no source gives ArtLab's storage pack prices) and the
only one its estimate rests on. At the console's price of 23 yuan, the pack absorbs exactly what
it did (its price is not a figure of the waterfall), so upfront is 23 and cash 3 yuan more.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from helpers import Run, cli

from artlab_cost import api
from artlab_cost.errors import UsageError

TEAM = "examples/storage-heavy-team.yaml"
USER = {"offer": "storage-pack-100", "price": "23", "sheet_price": "20"}


def test_price_replaces_the_sheets_and_strict_accepts_it() -> None:
    plain = cli("estimate", TEAM, "--format", "json", "--strict")
    assert plain.exit_code == 2 and "offers.storage-pack-100.price" in plain.stderr  # the sheet's price: assumed
    priced = cli("estimate", TEAM, "--format", "json", "--strict", "--price", "storage-pack-100=23")
    assert priced.exit_code == 0, priced.stderr
    data = json.loads(priced.stdout)
    assert data["user_prices"] == [USER]
    assert data["totals"]["upfront"] == "23"
    assert data["purchases"][0]["price"] == "23"
    assert "offers.storage-pack-100.price" not in {a["field"] for a in data["assumptions"]}
    assert (
        "Price of storage-pack-100: 23.00 yuan, given with --price (the sheet says 20.00); it is your price, "
        "not an assumption of the sheet." in data["notes"]
    )


def test_diff_with_price_alone_shows_what_that_price_changes() -> None:
    """diff BASE --price: BASE at the sheet's price against BASE at the user's; only the upfront moves, by 3."""
    result = cli("diff", TEAM, "--price", "storage-pack-100=23", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["cash_change"], data["user_prices"]) == ("3", [USER])


def test_an_unknown_offer_is_one_usage_line_with_a_did_you_mean() -> None:
    result = cli("compare-plans", TEAM, "--price", "storage-pak-100=23")
    assert result == Run(2, "", "error: --price: unknown offer 'storage-pak-100'; did you mean 'storage-pack-100'?\n")


def test_a_price_without_an_offer_or_an_amount_is_a_usage_error() -> None:
    assert cli("estimate", TEAM, "--price", "storage-pack-100").errors == [
        "error: --price takes OFFER=YUAN (compute-pack-100=80), got 'storage-pack-100'"
    ]
    assert cli("estimate", TEAM, "--price", "storage-pack-100=cheap").exit_code == 2


def test_compare_plans_prices_a_purchase_at_the_users_price() -> None:
    """The request pack holds 10,000,000 requests, worth 10 yuan at 0.01 per 10,000 (B7): the sheet prices it
    at that list value. At 4 yuan it is worth buying for the team's 3,000,000 PUT and 25,000,000 GET a
    month above the free allowance (B6): one pack absorbs a month's 28,000,000 billable requests in part,
    and each of its 10,000,000 requests saves 0.01/10,000 yuan for 0.004/10,000 paid."""
    sheet = api.with_prices(api.load_sheet(), {"request-pack-10m": Decimal(4)})
    scenario = api.load_scenario(TEAM, sheet)
    found = api.compare_plans(scenario, sheet, only=["request-pack-10m"], top=2)
    best = found.plans[0]
    bought = [a for a in best.actions if a.offer == "request-pack-10m"]
    assert bought and best.costs.upfront == 4 * sum(a.count for a in bought) + 20  # the held storage pack: 20
    assert any(n.code == "note.user-price" and n.args["offer"] == "request-pack-10m" for n in found.notes)
    assert not any(a.field == "offers.request-pack-10m.price" for a in found.assumptions)


def test_the_library_refuses_an_offer_priced_twice() -> None:
    with pytest.raises(UsageError) as refused:
        api.with_prices(api.load_sheet(), [("compute-pack-100", Decimal(80)), ("compute-pack-100", Decimal(70))])
    assert refused.value.msg.code == "cli.price-twice"
