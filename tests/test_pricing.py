"""Tests of the price sheet loader: the bundled sheet's values, and each malformed sheet refused where it is wrong."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import expect_one as expect_problem

from artlab_cost import pricing, yamlsrc
from artlab_cost.errors import InputError, Problem
from artlab_cost.messages import Words
from artlab_cost.pricing import METERS, PriceSheet

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
OK_SHEET = (DATA / "ok-sheet.yaml").read_text(encoding="utf-8")


# --- helpers -----------------------------------------------------------------------------


def edited(*changes: tuple[str, str]) -> str:
    """ok-sheet.yaml with each (old, new) text replaced; each old text must occur exactly once."""
    text = OK_SHEET
    for old, new in changes:
        assert text.count(old) == 1, f"{old!r} is not unique in ok-sheet.yaml"
        text = text.replace(old, new)
    return text


def at(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column where `needle` first occurs in `text` (worked out from the text, not the loader)."""
    index = text.index(needle)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def load_text(tmp_path: Path, text: str, name: str = "p.yaml") -> PriceSheet:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return pricing.parse_sheet(yamlsrc.load(path, name))


def refused(tmp_path: Path, text: str) -> InputError:
    with pytest.raises(InputError) as info:
        load_text(tmp_path, text)
    return info.value


def expect_one(err: InputError, where: tuple[int, int], path: str, *fragments: str, file: str = "p.yaml") -> Problem:
    """Exactly one problem, at `where` in `file` (p.yaml unless said)."""
    return expect_problem(err, file, *where, path, *fragments)


def has(err: InputError, where: tuple[int, int], path: str, fragment: str, file: str = "p.yaml") -> None:
    shown = "\n".join(str(p) for p in err.problems)
    line, col = where
    assert any(
        (p.file, p.line, p.column, p.path) == (file, line, col, path) and fragment in p.message for p in err.problems
    ), f"no {file}:{line}:{col}: {path}: ...{fragment}... among:\n{shown}"


# --- the bundled sheet -------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled() -> PriceSheet:
    return pricing.load_sheet()


def test_bundled_sheet_loads(bundled: PriceSheet) -> None:
    assert bundled.origin == "bundled pricing.yaml"
    assert bundled.currency == "CNY"
    assert bundled.version == "2026.11"  # quoted text, kept as written
    assert bundled.effective == date(2026, 11, 1)
    assert bundled.spec_ids() == ("ded-8.07", "ded-39.54")


def test_bundled_path_is_the_repository_sheet() -> None:
    path = pricing.bundled_path()
    assert path.is_file()
    assert path.read_bytes() == (ROOT / "pricing.yaml").read_bytes()


def test_bundled_meter_prices_are_exact_decimals(bundled: PriceSheet) -> None:
    gpu = bundled.meters["shared_gpu"]
    assert isinstance(gpu.price, Decimal)
    assert gpu.price == Decimal("0.0077")  # B3
    assert str(gpu.price) == "0.0077"  # not 0.00770000000000000017... from a float
    assert gpu.unit == "GPU-s" and gpu.divisor == 1
    assert bundled.meters["dedicated:ded-8.07"].price == Decimal("8.07")  # B4
    assert bundled.meters["dedicated:ded-39.54"].price == Decimal("39.54")  # B4
    assert bundled.meters["dedicated:ded-8.07"].unit == "h"
    storage = bundled.meters["storage"]
    assert storage.price == Decimal("0.12") and storage.divisor == Decimal(720)  # B7: / 30 / 24
    assert bundled.meters["traffic_busy"].price == Decimal("0.50")  # B7
    assert bundled.meters["traffic_idle"].price == Decimal("0.25")  # B7
    put, get = bundled.meters["put_requests"], bundled.meters["get_requests"]
    assert put.price == get.price == Decimal("0.01") and put.divisor == get.divisor == Decimal(10000)  # B7
    assert put.free_per_month == Decimal(5_000_000) and get.free_per_month == Decimal(20_000_000)  # B6


def test_bundled_settings(bundled: PriceSheet) -> None:
    s = bundled.settings
    assert s.deduction_order == ("free_trial", "pack", "voucher", "postpaid")  # B17
    assert s.bill_rounding == "truncate" and s.bill_places == 2  # B20
    assert type(s.bill_places) is int and s.charge_places is None  # charges kept exact (B20)
    assert s.dedicated_increment == "second"  # B5 default
    # Alibaba Cloud, "Use coupons": largest balance first, then earliest expiry, then earliest issue
    assert s.voucher_order == "largest_balance" and "user-guide/use-coupons" in s.source
    assert s.voucher_pays_packs is False and "voucher_pays_packs" in dict(s.assumed)  # 组合购买资源: open


def test_the_student_voucher_is_a_yearly_claim(bundled: PriceSheet) -> None:
    """Third-party notes: 300 yuan every year, valid 365 days (B11 states neither): claimed again once the last
    claim's year is over, a group of its own; both marked assumed."""
    v = bundled.offers["student-voucher"]
    assert (v.limit, v.group, v.validity_months, v.grants[0].size) == ("once_per_validity", "student-voucher", 12, 300)
    assert {"limit", "validity_months"} <= set(dict(v.assumed))
    assert "365 days" in dict(v.assumed)["validity_months"].text("en")  # type: ignore[union-attr]


def test_bundled_offers(bundled: PriceSheet) -> None:
    o = bundled.offers
    trial = o["trial-compute"]  # B8, B10
    assert (trial.stage, trial.limit, trial.validity_months, trial.eligible) == (
        "free_trial",
        "once_per_user",
        1,
        frozenset({"new_user"}),
    )
    assert [(g.kind, g.size, g.unit, g.covers) for g in trial.grants] == [
        ("amount", Decimal(500), "yuan", frozenset({"shared_gpu", "dedicated"}))
    ]
    assert [(g.kind, g.size, g.unit) for g in o["trial-storage"].grants] == [("capacity", Decimal(20), "GB")]
    assert [(g.kind, g.unit, g.covers) for g in o["trial-traffic"].grants] == [
        ("monthly", "GB", frozenset({"traffic_busy", "traffic_idle"}))
    ]
    assert [(g.kind, g.size, g.unit) for g in o["trial-requests"].grants] == [("quantity", Decimal(200000), "req")]
    voucher = o["student-voucher"]  # B11
    assert voucher.eligible == frozenset({"student"}) and voucher.stage == "voucher"
    assert voucher.grants[0].size == Decimal(300) and voucher.grants[0].covers == frozenset(METERS)
    starter = o["starter-bundle"]  # B15
    assert starter.price == Decimal(59) and starter.grants[0].size == Decimal(200)
    assert o["storage-pack-40"].limit == "once_per_validity" and o["storage-pack-40"].group == "storage-pack"  # B16
    assert o["traffic-pack-100"].limit == "stackable"  # B16
    # OSS resource plans: downstream traffic packs are 包月周期型, storage packs 总量恒定型
    assert (
        [g.kind for g in o["traffic-pack-100"].grants] == [g.kind for g in o["traffic-pack-500"].grants] == ["monthly"]
    )
    assert [g.kind for g in o["storage-pack-40"].grants] == ["capacity"]


def test_bundled_oss_catalogue_is_the_listed_sizes(bundled: PriceSheet) -> None:
    """The OSS sizes the purchase page lists (help.aliyun.com/zh/oss/purchase-resource-plans): storage
    40 GB (the minimum), 100 GB, 500 GB, 1 TB; downstream traffic 100 GB, 500 GB, 1 TB a month; a request pack.
    No size no source lists (the 10 GB traffic pack is gone); every price no source gives is assumed, saying so."""
    o = bundled.offers
    sizes = {oid: (o[oid].grants[0].kind, o[oid].grants[0].size) for oid in o if "-pack-" in oid}
    assert sizes == {
        "storage-pack-40": ("capacity", 40),
        "storage-pack-100": ("capacity", 100),
        "storage-pack-500": ("capacity", 500),
        "storage-pack-1tb": ("capacity", 1024),
        "traffic-pack-100": ("monthly", 100),
        "traffic-pack-500": ("monthly", 500),
        "traffic-pack-1tb": ("monthly", 1024),
        "request-pack-10m": ("quantity", 10_000_000),
        "compute-pack-100": ("amount", 100),
    }
    assert o["request-pack-10m"].grants[0].covers == {"put_requests", "get_requests"}  # 总量递减型, PUT and GET
    for oid in sizes:
        why = dict(o[oid].assumed)["price"]
        assert isinstance(why, Words) and ("not a quoted price" in why.text("en") or oid == "compute-pack-100"), oid
        if oid.startswith(("storage", "traffic")):
            assert "purchase-resource-plans" in o[oid].source, oid  # the size is sourced, the price is not
    # the 100 GB sizes are listed now: only the 1 TB sizes keep an assumption on their grants (1,024 GB)
    assert {oid for oid in sizes if "grants" in dict(o[oid].assumed)} == {
        "storage-pack-1tb",
        "traffic-pack-1tb",
        "request-pack-10m",
        "compute-pack-100",
    }


def test_bundled_compute_pack_is_sold_at_a_discount_of_unknown_size(bundled: PriceSheet) -> None:
    """The ArtLab page sells savings plans as discounted, without saying how much."""
    why = dict(bundled.offers["compute-pack-100"].assumed)["price"]
    assert isinstance(why, Words)
    en, zh = why.text("en"), why.text("zh")
    assert "discount of unknown size" in en and "Discounted rate" in en and "优惠资源包(节省计划)" in en
    assert "priced at face value" not in en and "按面值定价" not in zh and "折扣" in zh


def test_bundled_partial_month_is_sourced(bundled: PriceSheet) -> None:
    """The OSS purchase page: a plan bought on the 18th covers the 18th to the month's end in full."""
    assert bundled.settings.partial_month == "full"
    assert "partial_month" not in dict(bundled.settings.assumed)
    assert "partial_month: OSS 购买资源包 (help.aliyun.com/zh/oss/purchase-resource-plans)" in bundled.settings.source


def test_bundled_amounts_are_all_decimals(bundled: PriceSheet) -> None:
    for meter in bundled.meters.values():
        for amount in (meter.price, meter.divisor, meter.free_per_month):
            assert type(amount) is Decimal, (meter.id, amount)
    for offer in bundled.offers.values():
        assert type(offer.price) is Decimal, offer.id
        for grant in offer.grants:
            assert type(grant.size) is Decimal, offer.id


def test_bundled_assumptions_are_listed(bundled: PriceSheet) -> None:
    assumed = {a.field for a in bundled.assumptions()}
    assert {"offers.student-voucher.validity_months", "offers.student-voucher.limit"} <= assumed
    assert {"offers.storage-pack-40.price", "offers.compute-pack-100.limit", "offers.starter-bundle.grants.covers"} <= (
        assumed
    )
    # what the compute trial and the starter bundle cover is assumed, not their size (B8, B14, B15)
    assert not {"offers.trial-compute.grants", "offers.starter-bundle.grants"} & assumed
    assert {"settings.deduction_order", "settings.tie_break", "settings.dedicated_increment"} <= assumed
    assert not any(f.startswith("meters.") for f in assumed)  # every meter price is published (B3-B7)
    assert {a.file for a in bundled.assumptions()} == {"bundled pricing.yaml"}


# --- every value sourced or marked --------------------------------------------------------

LABELS = {"name", "note", "source", "assumed"}  # what an entry says of itself, not a value of the model


def uncovered(raw: dict[str, Any], *, per_field: tuple[str, ...] = ("settings", "offers")) -> list[str]:
    """Every value of a raw price sheet (numbers and rules, not names) that neither its entry's `source` covers
    (one text for the entry, or a mapping naming the field) nor its `assumed` lists; and every entry of the
    `per_field` parts whose source is one text rather than one per field."""
    out: list[str] = []

    def walk(entry: dict[str, Any], path: str, part: str) -> None:
        source, assumed = entry.get("source"), entry.get("assumed") or {}
        if part in per_field and not isinstance(source, dict):
            out.append(f"{path}.source")
        for key, value in entry.items():
            if key in LABELS or (key == "specs" and isinstance(value, dict)):
                continue
            covered = isinstance(source, str) or (isinstance(source, dict) and key in source) or key in assumed
            if not covered:
                out.append(f"{path}.{key}")
        for spec_id, spec in (entry.get("specs") or {}).items():
            walk(spec, f"{path}.specs.{spec_id}", "specs")

    walk({k: v for k, v in raw["sheet"].items() if k != "version"}, "sheet", "sheet")
    walk(raw["settings"], "settings", "settings")
    for key, meter in raw["meters"].items():
        walk(meter, f"meters.{key}", "meters")
    for key, offer in raw["offers"].items():
        walk(offer, f"offers.{key}", "offers")
    return out


def test_every_value_of_the_bundled_sheet_is_sourced_or_marked_assumed() -> None:
    raw = yaml.safe_load((ROOT / "pricing.yaml").read_text(encoding="utf-8"))
    assert uncovered(raw) == []


def test_the_walk_finds_an_unmarked_value() -> None:
    raw = yaml.safe_load((ROOT / "pricing.yaml").read_text(encoding="utf-8"))
    del raw["offers"]["student-voucher"]["assumed"]["limit"]
    del raw["settings"]["assumed"]["tie_break"]
    raw["offers"]["compute-pack-100"]["source"] = "B14"
    raw["meters"]["storage"]["source"] = {"price": "B7"}
    assert uncovered(raw) == [
        "settings.tie_break",
        "meters.storage.days_per_month",
        "offers.student-voucher.limit",
        "offers.compute-pack-100.source",
    ]


# --- choosing the sheet ------------------------------------------------------------------


def test_a_path_names_the_sheet() -> None:
    path = str(DATA / "ok-sheet.yaml")
    sheet = pricing.load_sheet(path)
    assert sheet.origin == path and str(sheet.name) == "Test sheet"


def test_the_core_never_reads_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """$ARTLAB_COST_PRICING is the command line's to read (tests/cli): the library loads what it is told to."""
    monkeypatch.setenv("ARTLAB_COST_PRICING", str(tmp_path / "missing.yaml"))
    assert pricing.load_sheet().origin == "bundled pricing.yaml"
    assert str(pricing.load_sheet(str(DATA / "ok-sheet.yaml")).name) == "Test sheet"


# --- a small valid sheet -------------------------------------------------------------------


def test_ok_sheet_values(tmp_path: Path) -> None:
    sheet = load_text(tmp_path, OK_SHEET)
    assert sheet.origin == "p.yaml"
    assert sheet.version == "2026.10"
    assert sheet.meters["dedicated:ded-8.07"].name == Words.plain("lowest spec")
    assert sheet.meters["dedicated:ded-39.54"].name is None  # no name given: each output words its own
    assert sheet.meters["shared_gpu"].name is None
    assert sheet.offers["storage-pack-40"].eligible == frozenset()  # default: anyone
    assert sheet.offers["trial-compute"].group == "" and sheet.offers["trial-compute"].note is None
    bundle = sheet.offers["bundle"]
    assert [(g.kind, g.size, g.unit) for g in bundle.grants] == [
        ("amount", Decimal(40), "yuan"),
        ("quantity", Decimal(5), "GB"),
    ]
    assert sheet.assumptions() == [("offers.student-voucher.validity_months", Words.plain("B11 states none"), "p.yaml")]


def test_expand_covers() -> None:
    assert pricing.expand_covers(["compute"]) == {"shared_gpu", "dedicated"}
    assert pricing.expand_covers(["oss"]) == {"storage", "traffic_busy", "traffic_idle", "put_requests", "get_requests"}
    assert pricing.expand_covers(["storage", "traffic_busy"]) == {"storage", "traffic_busy"}
    assert pricing.expand_covers(["all"]) == set(METERS)


def test_dedicated_spec_can_be_added_by_the_user(tmp_path: Path) -> None:
    spec = "      my-a10:\n        price: 14.60\n        source: console\n"
    text = edited(("    source: B4\n  storage:", spec + "    source: B4\n  storage:"))
    sheet = load_text(tmp_path, text)
    assert sheet.meters["dedicated:my-a10"].price == Decimal("14.60")
    assert "my-a10" in sheet.spec_ids()


# --- whole files refused ---------------------------------------------------------------


def test_empty_sheet_is_refused(tmp_path: Path) -> None:
    expect_one(refused(tmp_path, ""), (0, 0), "", "file is empty")


def test_sheet_that_is_a_list_is_refused(tmp_path: Path) -> None:
    err = refused(tmp_path, "- sheet: {}\n- meters: {}\n")
    expect_one(err, (1, 1), "", "expected a mapping at the top of the file, got a list")


def test_sheet_that_is_a_scalar_is_refused(tmp_path: Path) -> None:
    err = refused(tmp_path, "pricing\n")
    expect_one(err, (1, 1), "", "expected a mapping at the top of the file, got 'pricing'")


def test_sheet_with_two_documents_is_refused(tmp_path: Path) -> None:
    text = OK_SHEET + "---\n" + OK_SHEET
    expect_one(refused(tmp_path, text), (OK_SHEET.count("\n") + 1, 1), "", "more than one YAML document")


# --- keys --------------------------------------------------------------------------------


def test_unknown_top_level_key_suggests(tmp_path: Path) -> None:
    text = OK_SHEET + "ofers: {}\n"
    expect_one(refused(tmp_path, text), at(text, "ofers:"), "ofers", "unknown key 'ofers'; did you mean 'offers'?")


def test_misspelt_meter_key_suggests(tmp_path: Path) -> None:
    text = edited(("    price: 0.0077\n", "    price: 0.0077\n    nmae: GPU\n"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "nmae"), "meters.shared_gpu.nmae", "unknown key 'nmae'; did you mean 'name'?")


def test_misspelt_key_deep_in_an_offer_grant_suggests(tmp_path: Path) -> None:
    text = edited(("      - amount: 500\n        covers: [compute]", "      - amount: 500\n        cover: [compute]"))
    err = refused(tmp_path, text)
    has(err, at(text, "cover:"), "offers.trial-compute.grants[0].cover", "unknown key 'cover'; did you mean 'covers'?")
    has(err, at(text, "amount: 500"), "offers.trial-compute.grants[0].covers", "required key is missing")
    assert len(err.problems) == 2


def test_misspelt_key_in_a_dedicated_spec_suggests(tmp_path: Path) -> None:
    text = edited(("        price: 39.54\n", "        prise: 39.54\n"))
    err = refused(tmp_path, text)
    has(err, at(text, "prise"), "meters.dedicated.specs.ded-39.54.prise", "did you mean 'price'?")
    has(err, at(text, "prise"), "meters.dedicated.specs.ded-39.54.price", "required key is missing")


def test_misspelt_settings_key_suggests(tmp_path: Path) -> None:
    text = edited(("  tie_break: acquired_then_offer\n", "  tie_brake: acquired_then_offer\n"))
    err = refused(tmp_path, text)
    has(err, at(text, "tie_brake"), "settings.tie_brake", "unknown key 'tie_brake'; did you mean 'tie_break'?")


def test_duplicate_key_in_sheet_is_refused(tmp_path: Path) -> None:
    text = edited(("    price: 0.0077\n", "    price: 0.0077\n    price: 0.0078\n"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "price: 0.0078"), "meters.shared_gpu.price", "duplicate key 'price'")


# --- numbers -------------------------------------------------------------------------------


def test_negative_meter_price_is_refused(tmp_path: Path) -> None:
    text = edited(("price: 0.0077", "price: -0.0077"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "-0.0077"), "meters.shared_gpu.price", "must not be negative, got -0.0077")


def test_negative_spec_price_is_refused(tmp_path: Path) -> None:
    text = edited(("price: 8.07", "price: -8.07"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "-8.07\n"), "meters.dedicated.specs.ded-8.07.price", "must not be negative")


def test_negative_offer_price_is_refused(tmp_path: Path) -> None:
    text = edited(("    price: 9\n", "    price: -9\n"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "-9"), "offers.storage-pack-40.price", "must not be negative, got -9")


def test_an_offer_price_finer_than_a_fen_is_refused_a_meter_price_is_not(tmp_path: Path) -> None:
    """What is paid is whole fen (B20): an offer's price has at most 2 decimals, else cash would not be whole fen;
    a meter's price per unit is finer (0.0077 yuan a GPU-second, B3). 9.010 is 9.01."""
    text = edited(("    price: 9\n", "    price: 9.001\n"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "9.001"), "offers.storage-pack-40.price", "at most 2 decimals", "got 9.001")
    sheet = pricing.parse_sheet(yamlsrc.parse(edited(("    price: 9\n", "    price: 9.010\n")), "fen.yaml"))
    assert sheet.offers["storage-pack-40"].price == Decimal("9.01")


def test_quoted_price_is_refused(tmp_path: Path) -> None:
    text = edited(("price: 0.0077", 'price: "0.0077"'))
    err = refused(tmp_path, text)
    expect_one(err, at(text, '"0.0077"'), "meters.shared_gpu.price", "expected a number, got the quoted text '0.0077'")


def test_text_price_is_refused(tmp_path: Path) -> None:
    text = edited(("price: 0.50", "price: half a yuan"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "half"), "meters.traffic_busy.price", "expected a number, got 'half a yuan'")


@pytest.mark.parametrize("bad", [".nan", ".inf", "-.inf"])
def test_non_finite_price_is_refused(tmp_path: Path, bad: str) -> None:
    text = edited(("price: 0.25", f"price: {bad}"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, bad), "meters.traffic_idle.price", f"expected a finite number, got '{bad}'")


def test_zero_grant_is_refused(tmp_path: Path) -> None:
    text = edited(("amount: 500", "amount: 0"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "0\n        covers: [compute]"), "offers.trial-compute.grants[0].amount", "greater than 0")


def test_fractional_validity_is_refused(tmp_path: Path) -> None:
    text = edited(("    validity_months: 1\n", "    validity_months: 1.5\n"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "1.5"), "offers.trial-compute.validity_months", "expected a whole number")


def test_days_per_month_over_31_is_refused(tmp_path: Path) -> None:
    text = edited(("days_per_month: 30", "days_per_month: 32"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "32"), "meters.storage.days_per_month", "must be at most 31")


# --- other types and values --------------------------------------------------------------


def test_list_where_a_mapping_is_expected_is_refused(tmp_path: Path) -> None:
    text = edited(("  storage:\n    price: 0.12\n    days_per_month: 30\n    source: B7\n", "  storage: [0.12, 30]\n"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "[0.12"), "meters.storage", "expected a mapping, got a list")


def test_offers_as_a_list_is_refused(tmp_path: Path) -> None:
    head = OK_SHEET[: OK_SHEET.index("offers:")]
    text = head + "offers:\n  - trial-compute\n"
    err = refused(tmp_path, text)
    expect_one(err, at(text, "- trial-compute"), "offers", "expected a mapping of ids, got a list")


def test_impossible_effective_date_is_refused(tmp_path: Path) -> None:
    text = edited(("effective: 2026-01-01", "effective: 2026-02-30"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "2026-02-30"), "sheet.effective", "'2026-02-30' is not a real calendar date")


def test_other_currency_is_refused(tmp_path: Path) -> None:
    text = edited(("currency: CNY", "currency: USD"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "USD"), "sheet.currency", "unknown value 'USD'")


def test_bad_spec_id_is_refused(tmp_path: Path) -> None:
    text = edited(("      ded-39.54:\n", "      Ded 39:\n"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "Ded 39"), "meters.dedicated.specs.Ded 39", "ids use lower-case letters")


def test_no_dedicated_spec_is_refused(tmp_path: Path) -> None:
    start = OK_SHEET.index("    specs:\n")
    end = OK_SHEET.index("    source: B4\n  storage:")
    text = OK_SHEET[:start] + "    specs: {}\n" + OK_SHEET[end:]
    err = refused(tmp_path, text)
    expect_one(err, at(text, "{}"), "meters.dedicated.specs", "needs at least 1 entry")


def test_unknown_eligibility_suggests(tmp_path: Path) -> None:
    text = edited(("eligible: [student]", "eligible: [students]"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "students"), "offers.student-voucher.eligible[0]", "did you mean 'student'?")


def test_unknown_covered_meter_suggests(tmp_path: Path) -> None:
    text = edited(("covers: [compute]\n    source: B8", "covers: [compte]\n    source: B8"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "compte"), "offers.trial-compute.grants[0].covers[0]", "did you mean 'compute'?")


def test_grant_with_two_kinds_is_refused(tmp_path: Path) -> None:
    text = edited(("      - amount: 500\n", "      - amount: 500\n        quantity: 5\n"))
    err = refused(tmp_path, text)
    expect_one(
        err,
        at(text, "amount: 500"),
        "offers.trial-compute.grants[0]",
        "give exactly one of amount, quantity, capacity, monthly (got both amount and quantity)",
    )


def test_grant_of_no_kind_is_refused(tmp_path: Path) -> None:
    text = edited(("      - amount: 500\n        covers: [compute]", "      - covers: [compute]"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "covers: [compute]"), "offers.trial-compute.grants[0]", "(got none)")


def test_offer_in_postpaid_stage_is_refused(tmp_path: Path) -> None:
    text = edited(("    stage: voucher\n", "    stage: postpaid\n"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "postpaid\n"), "offers.student-voucher.stage", "unknown value 'postpaid'")


# --- sources and assumptions ------------------------------------------------------------


def test_meter_without_source_is_refused(tmp_path: Path) -> None:
    text = edited(("    price: 0.0077\n    source: B3\n", "    price: 0.0077\n"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "price: 0.0077"), "meters.shared_gpu.source", "required key is missing")


def test_offer_without_source_is_refused(tmp_path: Path) -> None:
    text = edited(("    source: B8, B10\n", ""))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "name: Free trial, compute"), "offers.trial-compute.source", "required key is missing")


def test_sheet_without_source_is_refused(tmp_path: Path) -> None:
    text = edited(("  currency: CNY\n  source: tests\n", "  currency: CNY\n"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "name: Test sheet"), "sheet.source", "required key is missing")


def test_empty_source_is_refused(tmp_path: Path) -> None:
    text = edited(("    source: B3\n", "    source:\n"))
    err = refused(tmp_path, text)
    line, _ = at(text, "    source:\n")
    expect_one(err, (line, 12), "meters.shared_gpu.source", "expected text, got nothing")


def test_empty_quoted_source_is_refused(tmp_path: Path) -> None:
    # `source: ""` says as little as no source at all; every number must say where it comes from.
    text = edited(("    source: B3\n", '    source: ""\n'))
    err = refused(tmp_path, text)
    problem = expect_one(err, at(text, '""'), "meters.shared_gpu.source")
    assert "empty" in problem.message or "expected text" in problem.message, str(problem)


def test_assumed_naming_no_field_suggests(tmp_path: Path) -> None:
    text = edited(("      validity_months: B11 states none\n", "      validity_month: B11 states none\n"))
    err = refused(tmp_path, text)
    expect_one(
        err,
        at(text, "validity_month:"),
        "offers.student-voucher.assumed.validity_month",
        "names no field of this entry",
        "did you mean 'validity_months'?",
    )


def test_assumed_naming_an_unwritten_field_is_refused(tmp_path: Path) -> None:
    text = edited(("    source: B3\n", "    source: B3\n    assumed:\n      name: x\n"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "name: x"), "meters.shared_gpu.assumed.name", "names no field of this entry")


def test_assumed_naming_the_source_is_refused(tmp_path: Path) -> None:
    text = edited(("      validity_months: B11 states none\n", "      source: B11 is vague\n"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "source: B11 is vague"), "offers.student-voucher.assumed.source", "names no field")


def test_assumed_on_a_meter_is_listed(tmp_path: Path) -> None:
    text = edited(("    source: B3\n", "    source: B3\n    assumed:\n      price: a guess\n"))
    assert ("meters.shared_gpu.price", Words.plain("a guess"), "p.yaml") in load_text(tmp_path, text).assumptions()


# --- settings and offer rules --------------------------------------------------------------


def test_deduction_order_with_unknown_stage_suggests(tmp_path: Path) -> None:
    text = edited(("[free_trial, pack, voucher, postpaid]", "[free_trial, packs, voucher, postpaid]"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "packs"), "settings.deduction_order[1]", "unknown value 'packs'; did you mean 'pack'?")


def test_deduction_order_not_ending_with_postpaid_is_refused(tmp_path: Path) -> None:
    text = edited(("[free_trial, pack, voucher, postpaid]", "[free_trial, pack, postpaid, voucher]"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "[free_trial"), "settings.deduction_order", "must end with 'postpaid'")


def test_deduction_order_without_postpaid_is_refused(tmp_path: Path) -> None:
    text = edited(("[free_trial, pack, voucher, postpaid]", "[free_trial, pack, voucher]"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "[free_trial"), "settings.deduction_order", "must end with 'postpaid'")


def test_deduction_order_naming_a_stage_twice_is_refused(tmp_path: Path) -> None:
    text = edited(("[free_trial, pack, voucher, postpaid]", "[pack, pack, voucher, postpaid]"))
    err = refused(tmp_path, text)
    has(err, at(text, "[pack"), "settings.deduction_order", "names a stage twice")
    # four entries with one twice leave a stage out, so the free trial's stage is missing too
    has(err, at(text, "free_trial\n"), "offers.trial-compute.stage", "not in settings.deduction_order")
    assert len(err.problems) == 2


def test_deduction_order_longer_than_the_stages_is_refused(tmp_path: Path) -> None:
    text = edited(("[free_trial, pack, voucher, postpaid]", "[free_trial, pack, pack, voucher, postpaid]"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "[free_trial"), "settings.deduction_order", "has more than 4 items")


def test_offer_stage_missing_from_the_order_is_refused(tmp_path: Path) -> None:
    text = edited(("[free_trial, pack, voucher, postpaid]", "[free_trial, pack, postpaid]"))
    err = refused(tmp_path, text)
    expect_one(
        err,
        at(text, "voucher\n    price: 0"),
        "offers.student-voucher.stage",
        "stage 'voucher' is not in settings.deduction_order",
    )


def test_quantity_grant_over_meters_of_different_units_is_refused(tmp_path: Path) -> None:
    # oss = storage (GB-h), traffic (GB) and requests (req)
    text = edited(("      - quantity: 10\n        covers: [traffic]", "      - quantity: 10\n        covers: [oss]"))
    err = refused(tmp_path, text)
    expect_one(
        err,
        at(text, "[oss]"),
        "offers.traffic-pack-100.grants[0].covers",
        "a quantity grant must cover meters of one unit",
    )


def test_quantity_grant_over_compute_is_refused(tmp_path: Path) -> None:
    # compute = shared GPU (GPU-s) and dedicated (h)
    text = edited(("quantity: 10\n        covers: [traffic]", "quantity: 10\n        covers: [compute]"))
    err = refused(tmp_path, text)
    expect_one(err, at(text, "[compute]\n    source: B12"), "offers.traffic-pack-100.grants[0].covers", "of one unit")


def test_capacity_grant_over_traffic_is_refused(tmp_path: Path) -> None:
    text = edited(("capacity: 40\n        covers: [storage]", "capacity: 40\n        covers: [traffic]"))
    err = refused(tmp_path, text)
    expect_one(
        err,
        at(text, "[traffic]\n    source: B12, B16\n  storage-pack-100"),
        "offers.storage-pack-40.grants[0].covers",
        "a capacity grant covers storage only",
    )


def test_stackable_capacity_grant_is_refused(tmp_path: Path) -> None:
    text = edited(
        (
            "    limit: once_per_validity\n    group: storage-pack\n    grants:\n      - capacity: 100",
            "    limit: stackable\n    group: storage-pack\n    grants:\n      - capacity: 100",
        )
    )
    err = refused(tmp_path, text)
    expect_one(
        err,
        at(text, "stackable\n    group"),
        "offers.storage-pack-100.limit",
        "a storage capacity cannot be stackable (B16)",
    )


# --- several problems at once -------------------------------------------------------------


def test_every_problem_of_a_sheet_is_reported(tmp_path: Path) -> None:
    text = edited(
        ("effective: 2026-01-01", "effective: 2026-02-30"),
        ("price: 0.0077", "price: -0.0077"),
        ("    price: 0.12\n", "    price: .nan\n"),
        ("    validity_months: 1\n", "    validity_months: one\n"),
        ("eligible: [student]", "eligible: [studnet]"),
    )
    err = refused(tmp_path, text + "extra: 1\n")
    text += "extra: 1\n"
    has(err, at(text, "2026-02-30"), "sheet.effective", "not a real calendar date")
    has(err, at(text, "-0.0077"), "meters.shared_gpu.price", "must not be negative")
    has(err, at(text, ".nan"), "meters.storage.price", "finite")
    has(err, at(text, "one\n"), "offers.trial-compute.validity_months", "expected a whole number")
    has(err, at(text, "studnet"), "offers.student-voucher.eligible[0]", "did you mean 'student'?")
    has(err, at(text, "extra:"), "extra", "unknown key 'extra'")
    assert len(err.problems) == 6
    assert [p.line for p in err.problems] == sorted(p.line for p in err.problems)


def test_every_rule_problem_of_a_sheet_is_reported(tmp_path: Path) -> None:
    text = edited(
        ("[free_trial, pack, voucher, postpaid]", "[free_trial, pack, postpaid]"),
        (
            "    limit: once_per_validity\n    group: storage-pack\n    grants:\n      - capacity: 100",
            "    limit: stackable\n    group: storage-pack\n    grants:\n      - capacity: 100",
        ),
        ("      - quantity: 10\n        covers: [traffic]", "      - quantity: 10\n        covers: [oss]"),
    )
    err = refused(tmp_path, text)
    paths = sorted(p.path for p in err.problems)
    assert paths == [
        "offers.storage-pack-100.limit",
        "offers.student-voucher.stage",
        "offers.traffic-pack-100.grants[0].covers",
    ]


# --- text for people, in one language or several ------------------------------------------------------------


def test_names_notes_and_reasons_may_be_given_per_language(tmp_path: Path) -> None:
    """A name, an offer's note and an assumed reason are one text, or one per language; each output picks its
    language's, and the other when it lacks one."""
    text = edited(
        ("    name: Storage pack 40 GB\n", "    name: {en: Storage pack 40 GB, zh: 存储包 40 GB}\n"),
        ("    name: Free trial, compute\n", "    name: {zh: 免费试用：算力}\n    note: {en: claim it first}\n"),
        ("  name: Test sheet\n", '  name:\n    en: Test sheet\n    zh: "测试价目表"\n'),
    )
    sheet = load_text(tmp_path, text)
    pack, trial = sheet.offers["storage-pack-40"], sheet.offers["trial-compute"]
    assert (pack.name.text("en"), pack.name.text("zh")) == ("Storage pack 40 GB", "存储包 40 GB")
    assert (trial.name.text("en"), trial.name.text("zh")) == ("免费试用：算力", "免费试用：算力")
    assert trial.note is not None and trial.note.text("zh") == "claim it first"
    assert (sheet.name.text("zh"), str(sheet.name)) == ("测试价目表", "Test sheet")


def test_a_language_we_do_not_speak_or_none_at_all_is_refused(tmp_path: Path) -> None:
    text = edited(("    name: Storage pack 40 GB\n", "    name: {en: Storage pack 40 GB, zn: 存储包}\n"))
    expect_one(
        refused(tmp_path, text),
        at(text, "zn:"),
        "offers.storage-pack-40.name.zn",
        "unknown key 'zn'; expected one of: en, zh",
    )
    text = edited(("    name: Storage pack 40 GB\n", "    name: {}\n"))
    expect_one(
        refused(tmp_path, text),
        at(text, "{}"),
        "offers.storage-pack-40.name",
        "give the text in at least one of en, zh",
    )
    text = edited(("    name: Storage pack 40 GB\n", "    name: [Storage pack]\n"))
    expect_one(
        refused(tmp_path, text),
        at(text, "[Storage"),
        "offers.storage-pack-40.name",
        "expected text, or a mapping of languages",
    )


def test_the_bundled_sheet_speaks_both_languages_wherever_it_speaks_at_all(bundled: PriceSheet) -> None:
    """Every name, note and reason of the bundled sheet has a Chinese text (the Chinese output reads it) and an
    English one."""
    prose = [bundled.name, *(o.name for o in bundled.offers.values()), *(a.why for a in bundled.assumptions())]
    prose += [m.name for m in bundled.meters.values() if m.name is not None]
    assert len(prose) > 30
    for words in prose:
        assert isinstance(words, Words) and {lang for lang, _ in words.texts} == {"en", "zh"}, words
        assert re.search(r"[\u4e00-\u9fff]", words.text("zh")), words


def test_assumed_may_name_what_an_offers_grants_cover(tmp_path: Path) -> None:
    """`grants.covers` marks the coverage of an offer's grants assumed, apart from their size (`grants`); no other
    part of a field may be named."""
    ok = edited(("      validity_months: B11 states none\n", "      grants.covers: B11 names no meters\n"))
    path = tmp_path / "ok.yaml"
    path.write_text(ok, encoding="utf-8")
    fields = {a.field for a in pricing.load_sheet(path).offer_assumptions("student-voucher")}
    assert "offers.student-voucher.grants.covers" in fields
    for key in ("grants.amount", "price.covers"):
        text = edited(("      validity_months: B11 states none\n", f"      {key}: a guess\n"))
        err = refused(tmp_path, text)
        expect_one(err, at(text, f"{key}:"), f"offers.student-voucher.assumed.{key}", "names no field of this entry")
