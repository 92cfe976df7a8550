"""Whole outputs of the examples, compared byte for byte with the golden files in tests/golden/.

Each file in examples/ has ten goldens: `<stem>.table`, `.json`, `.csv`, `.markdown` and `.html`
(the stdout of `artlab-cost estimate examples/<stem>.yaml --format ...`) and `<stem>.plans.table`,
`.plans.json`, ... (the same for `compare-plans`); the price sheet has five, `pricing.<format>`
(`artlab-cost pricing --format ...`), and the diff five. With
`--lang zh`, the formats people read have Chinese goldens too: `<stem>.zh.table`,
`<stem>.zh.markdown`, `<stem>.plans.zh.table`, ... . They are made with Typer's
CliRunner from the repository root, with the environment of tests/helpers.py (80 columns, no
colour, ARTLAB_COST_PRICING unset, so the bundled pricing.yaml is used).

When an output changes on purpose, regenerate them:

    python tests/regen_golden.py            # rewrite them all
    python tests/regen_golden.py --check    # list the ones that differ, change nothing

and read the diff of every changed file before committing it (`git diff tests/golden`): a
golden is a snapshot of what the program does, not a proof that it is right. What is right is
pinned separately below, in tests whose expected values are worked out by hand from the
examples' YAML and the rules of ../shared/docs/billing-facts.md (B3, B7, ...), never copied
from the program's output.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
from decimal import ROUND_DOWN, Decimal
from fractions import Fraction
from typing import Any

import pytest
import regen_golden
from helpers import cli, example

from artlab_cost.engine import Balance, Estimate

CASES = regen_golden.cases()


# --- the snapshots ---------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c.path.name for c in CASES])
def test_output_matches_its_golden(case: regen_golden.Case) -> None:
    assert case.path.exists(), f"{case.path.name} is missing: run python tests/regen_golden.py"
    expected = case.path.read_text(encoding="utf-8")
    actual = regen_golden.run(case)
    if actual != expected:
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(keepends=True),
                actual.splitlines(keepends=True),
                f"golden/{case.path.name}",
                "stdout",
                n=2,
            )
        )
        pytest.fail(
            f"artlab-cost {' '.join(case.args)} differs from tests/golden/{case.path.name}; if the change is "
            f"intended, run python tests/regen_golden.py and read the diff.\n{diff[:6000]}"
        )


E2E_STEM = "new-user-starter"


E2E = [
    c
    for c in CASES
    if c.stem in (E2E_STEM, "pricing")
    and (c.lang == "en" or (c.command, c.format) in (("estimate", "table"), ("pricing", "markdown")))
]


@pytest.mark.parametrize("case", E2E, ids=lambda c: c.path.name)
def test_the_command_line_prints_the_golden(case: regen_golden.Case) -> None:
    """The goldens are made by the renderers; the command line itself prints the same, for every command and format
    (and with --lang zh, once a renderer: the command line's Chinese is tested in tests/cli/test_lang.py)."""
    result = cli(*case.args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == case.path.read_text(encoding="utf-8")


def test_every_golden_belongs_to_a_case() -> None:
    """No stale golden is left behind when an example is renamed or removed."""
    on_disk = {p.name for p in regen_golden.GOLDEN.iterdir()}
    assert on_disk == {c.path.name for c in CASES}
    assert len(CASES) == 10 * len(regen_golden.EXAMPLES) + 5 + 5 + (4 * len(regen_golden.EXAMPLES) + 2 + 2) > 10


def _golden_json(stem: str, plans: bool = False) -> dict[str, Any]:
    return json.loads((regen_golden.GOLDEN / f"{stem}.{'plans.' if plans else ''}json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("stem", [p.stem for p in regen_golden.EXAMPLES])
def test_golden_estimate_json_adds_up(stem: str) -> None:
    """The identities docs/json.md promises, on each golden: so a regenerated golden cannot drift into nonsense.

    A figure that is not a finite decimal is written to 12 decimals, so a sum of n written figures
    may differ from the written total by n halves of the 12th place (docs/json.md); bills are
    whole fen and add up exactly.
    """
    data = _golden_json(stem)
    t = {k: Decimal(v) for k, v in data["totals"].items() if k != "absorbed"}
    absorbed = {k: Decimal(v) for k, v in data["totals"]["absorbed"].items()}

    def close(total: Decimal, parts: list[Decimal]) -> bool:
        return abs(total - sum(parts, Decimal(0))) <= Decimal("0.5e-12") * (len(parts) + 1)

    assert close(t["list_price"], [*absorbed.values(), t["postpaid_exact"]])
    assert t["cash"] == t["upfront"] + t["postpaid_due"]
    assert close(t["list_price"], [Decimal(c["amount"]) for c in data["charges"]])
    for c in data["charges"]:
        assert close(Decimal(c["amount"]), [Decimal(a["amount"]) for a in c["allocations"]]), c
    for stage, amount in absorbed.items():
        parts = [Decimal(a["amount"]) for c in data["charges"] for a in c["allocations"] if a["stage"] == stage]
        assert close(amount, parts)
    # B20: each month's postpaid is rounded once, down to the fen; the total due is their sum
    for bill in data["bills"]:
        exact = Decimal(bill["postpaid_exact"])
        assert Decimal(bill["postpaid_due"]) == exact.quantize(Decimal("0.01"), ROUND_DOWN)
    assert t["postpaid_due"] == sum(Decimal(b["postpaid_due"]) for b in data["bills"])
    assert close(t["postpaid_exact"], [Decimal(b["postpaid_exact"]) for b in data["bills"]])
    assert t["upfront"] == sum(Decimal(p["price"]) for p in data["purchases"] if p["upfront"])


@pytest.mark.parametrize("stem", [p.stem for p in regen_golden.EXAMPLES])
def test_golden_plans_json_adds_up(stem: str) -> None:
    data = _golden_json(stem, plans=True)
    reference = Decimal(data["baseline"]["cash"])  # the saving is against the scenario as written
    for plan in [*data["plans"], data["baseline"]]:
        assert Decimal(plan["cash"]) == Decimal(plan["upfront"]) + Decimal(plan["postpaid_due"])
        assert Decimal(plan["saving"]) == reference - Decimal(plan["cash"])
    cash = [Decimal(p["cash"]) for p in data["plans"]]
    assert cash == sorted(cash)
    assert [p["rank"] for p in data["plans"]] == list(range(1, len(cash) + 1))
    # the baseline (nothing more) is never cheaper than the best plan
    assert Decimal(data["baseline"]["cash"]) >= cash[0]


# --- facts worked out by hand ---------------------------------------------------------------

D = Fraction  # exact: Fraction("0.0077") is 77/10000, and the engine computes in exact rationals
GPU_PRICE = D("0.0077")  # B3: yuan per GPU-second, shared edition
GB_DAY = D("0.12") / 30  # B7: 0.12 yuan per GB-month, charged hourly at price / 30 / 24, so 0.004 a GB-day
BUSY, IDLE = D("0.50"), D("0.25")  # B7: yuan per GB downstream, 08:00-24:00 and 00:00-08:00
PER_REQ = D("0.01") / 10000  # B7: yuan per request


def _estimate(stem: str) -> Estimate:
    """The example's estimate, exactly as the engine computes it (the goldens show it rounded for people)."""
    return example(stem).estimate


def _sum(result: Estimate, field: str, meter: str, month: str = "") -> Fraction:
    return sum(
        (getattr(c, field) for c in result.charges if c.meter == meter and c.month.startswith(month)), Fraction(0)
    )


def _allocated(result: Estimate, meter: str, stage: str) -> Fraction:
    return sum(
        (a.amount for c in result.charges if c.meter == meter for a in c.allocations if a.stage == stage), Fraction(0)
    )


def _balance(result: Estimate, offer: str) -> Balance:
    (found,) = [b for b in result.balances if b.offer == offer]
    return found


def test_student_trial_by_hand() -> None:
    r = _estimate("student-trial")
    # The period, 2027-03-01 to 2027-05-31, is 92 days starting on a Monday: 13 whole
    # Monday-to-Sunday weeks (1 March to 30 May) and Monday 31 May.
    assert dt.date(2027, 3, 1).weekday() == 0 and dt.date(2027, 5, 31).weekday() == 0
    # Coursework: 150 images x 8 s = 1,200 GPU-s a week, spread evenly: 1,200/7 GPU-s a day (not a
    # finite decimal, and kept exact). 13 weeks x 1,200 + Monday 31 May's 1,200/7 = 15,600 + 1,200/7.
    # Mid-term week, Monday 12 to Sunday 18 April: 500 images x 10 s = 5,000 GPU-s.
    gpu_seconds = 15600 + D(1200, 7) + 5000
    assert _sum(r, "quantity", "shared_gpu") == gpu_seconds
    # B3: x 0.0077 yuan; a day's 1,200/7 GPU-s cost exactly 1.32 (0.0077 = 7 x 0.0011), so the list
    # price is 20,600 x 0.0077 + 1.32 = 158.62 + 1.32 = 159.94, a finite decimal.
    assert _sum(r, "amount", "shared_gpu") == gpu_seconds * GPU_PRICE == D("159.94")
    # March: 4 whole weeks (1-28) + Monday to Wednesday 29-31 = 4,800 + 3 x 1,200/7 GPU-s: 36.96 + 3.96 = 40.92.
    march = 4800 + 3 * D(1200, 7)
    assert _sum(r, "quantity", "shared_gpu", "2027-03") == march
    assert march * GPU_PRICE == D("40.92")
    # B8: the compute trial (500 yuan, 1 month from 1 March) pays exactly March's compute and
    # lapses with the rest, 459.08; there is no dedicated usage.
    trial = _balance(r, "trial-compute")
    assert trial.absorbed_yuan == D("40.92") and trial.lapsed == D("459.08")
    assert _allocated(r, "shared_gpu", "free_trial") == D("40.92")
    # B11: the 300-yuan student voucher pays the April and May compute, 159.94 - 40.92 = 119.02.
    assert _allocated(r, "shared_gpu", "voucher") == D("119.02")
    # Storage: 6 GB in March (31 days), 8 in April (30), 10 in May (31):
    # (6 x 31 + 8 x 30 + 10 x 31) x 24 = 736 GB-days = 17,664 GB-h; B7: 736 x 0.004 = 2.944 yuan,
    # all inside the 20 GB storage trial (B9).
    assert _sum(r, "quantity", "storage") == 17664
    assert _sum(r, "amount", "storage") == 736 * GB_DAY == D("2.944")
    assert _allocated(r, "storage", "free_trial") == D("2.944")
    # B6: 3,000 PUT and 20,000 GET a month are inside the free allowance: nothing to pay.
    assert _sum(r, "amount", "put_requests") == 0 == _sum(r, "amount", "get_requests")
    # 1.5 GB of traffic a month for 3 months, a fifth in idle hours: 0.9 GB x 0.25 + 3.6 GB x 0.50 = 2.025.
    assert _sum(r, "quantity", "traffic_idle") == D("0.9") and _sum(r, "quantity", "traffic_busy") == D("3.6")
    assert _sum(r, "amount", "traffic_idle") + _sum(r, "amount", "traffic_busy") == D("2.025")
    # The traffic trial gives 2 GB each month (OSS 包月周期型): each month's 1.5 GB is all its own,
    # and 0.5 GB lapses at the end of each of the 3 months, worth 1.5 x 0.50 = 0.75 at busy price.
    traffic = _balance(r, "trial-traffic")
    assert (traffic.absorbed, traffic.absorbed_yuan, traffic.lapsed, traffic.left) == (
        D("4.5"),
        D("2.025"),
        D("1.5"),
        0,
    )
    assert traffic.lapsed_value == D("0.75")
    # Everything is absorbed: nothing postpaid, nothing upfront (trials and the voucher are free);
    # list price 159.94 + 2.944 + 2.025 = 164.909, exactly.
    assert r.totals.cash == 0 == r.totals.postpaid_exact
    assert r.totals.list_price == D("164.909")


def test_new_user_starter_by_hand() -> None:
    r = _estimate("new-user-starter")
    # Shared: 50 images x 6 s = 300 GPU-s every day, 181 days (January to June 2027).
    assert _sum(r, "quantity", "shared_gpu") == 181 * 300 == 54300
    assert _sum(r, "amount", "shared_gpu") == 54300 * GPU_PRICE == D("418.11")
    # Dedicated ded-8.07, 2 hours on Mondays (days_per_week: 1): 26 Mondays from 4 January to
    # 28 June 2027 -> 52 hours x 8.07 (B4; whole hours, so the increment of B5 does not matter).
    mondays = [d for d in (dt.date(2027, 1, 1) + dt.timedelta(n) for n in range(181)) if d.weekday() == 0]
    assert len(mondays) == 26 and mondays[0] == dt.date(2027, 1, 4)
    assert _sum(r, "quantity", "dedicated:ded-8.07") == 52
    assert _sum(r, "amount", "dedicated:ded-8.07") == 52 * D("8.07") == D("419.64")
    # B8: the compute trial covers January only: 31 x 300 x 0.0077 + 4 Mondays x 2 h x 8.07
    # = 71.61 + 64.56 = 136.17, and 500 - 136.17 = 363.83 lapses.
    trial = _balance(r, "trial-compute")
    assert trial.absorbed_yuan == D("136.17") and trial.lapsed == D("363.83")
    # Storage 15 GB, 3 more each month: 15x31 + 18x28 + 21x31 + 24x30 + 27x31 + 30x30 = 4,077 GB-days.
    assert _sum(r, "amount", "storage") == 4077 * GB_DAY == D("16.308")
    # Traffic 3 GB a month, all in busy hours: 18 GB x 0.50 = 9.
    assert _sum(r, "amount", "traffic_busy") == 9 and _sum(r, "amount", "traffic_idle") == 0
    list_price = D("418.11") + D("419.64") + D("16.308") + 9
    assert r.totals.list_price == list_price == D("863.058")
    # Only the trial absorbs; the rest is postpaid, billed per month and truncated to the fen (B20).
    # January: 31 x 2.31 + 4 x 16.14 = 71.61 + 64.56 is the trial's; storage 15 x 31 x 0.004 = 1.86
    # and traffic 1.50 are postpaid: 3.36, a whole number of fen. February: 28 x 2.31 = 64.68,
    # 4 Mondays x 16.14 = 64.56, storage 18 x 28 x 0.004 = 2.016, traffic 1.50: 132.756 -> 132.75.
    assert r.totals.postpaid_exact == list_price - D("136.17")
    assert [b.postpaid_exact for b in r.bills[:2]] == [D("3.36"), D("132.756")]
    assert [b.postpaid_due for b in r.bills[:2]] == [D("3.36"), D("132.75")]
    assert r.totals.postpaid_due == sum((b.postpaid_due for b in r.bills), D(0))


def test_storage_heavy_team_by_hand() -> None:
    r = _estimate("storage-heavy-team")
    # Storage 400 GB in January, 50 more each month: sum of GB x days over 2027 =
    # 400x31 + 450x28 + 500x31 + 550x30 + 600x31 + 650x30 + 700x31 + 750x31 + 800x30 + 850x31
    # + 900x30 + 950x31 = 246,850 GB-days; B7: x 0.004 = 987.40 yuan.
    assert _sum(r, "amount", "storage") == 246850 * GB_DAY == D("987.40")
    # The 100 GB storage pack (B16, a capacity) covers 100 GB at every hour of the year:
    # 100 x 365 x 0.004 = 146.00; 12.40 in a 31-day month, 12.00 in a 30-day one (the worked
    # example of billing-facts.md).
    assert _allocated(r, "storage", "pack") == D("146.00")
    assert _balance(r, "storage-pack-100").absorbed == 100 * 365 * 24
    jan = [a.amount for c in r.charges if c.meter == "storage" and c.month == "2027-01" for a in c.allocations]
    assert sum(a for a in jan) == D("12.40") + (400 - 100) * 31 * GB_DAY  # the pack's 12.40, the rest postpaid
    # B6, B7: 8M PUT a month, 5M free -> 3M x 12 = 36M billable = 36.00 yuan;
    # 45M GET a month, 20M free -> 25M x 12 = 300M = 300.00 yuan.
    assert _sum(r, "billable", "put_requests") == 36_000_000
    assert _sum(r, "amount", "put_requests") == 36_000_000 * PER_REQ == 36
    assert _sum(r, "amount", "get_requests") == 300_000_000 * PER_REQ == 300
    # Shared: 5,000 GPU-s a month x 12 x 0.0077 = 462.00.
    assert _sum(r, "amount", "shared_gpu") == 60000 * GPU_PRICE == 462
    # Traffic: 60 GB a month, 40% idle: 288 GB x 0.25 + 432 GB x 0.50 = 72 + 216 = 288 yuan, exactly.
    assert _sum(r, "quantity", "traffic_idle") == 288 and _sum(r, "quantity", "traffic_busy") == 432
    assert _sum(r, "amount", "traffic_idle") + _sum(r, "amount", "traffic_busy") == 288
    # The pack was bought on the first day of the period: 20 yuan upfront (B12).
    assert r.totals.upfront == 20
    assert r.totals.list_price == D("987.40") + 36 + 300 + 462 + 288 == D("2073.40")


def test_studio_dedicated_comfyui_by_hand() -> None:
    r = _estimate("studio-dedicated-comfyui")
    # 2027 has 365 days from Friday 1 January: 52 whole weeks and one Friday, so
    # 52 x 5 + 1 = 261 weekdays; 6 hours each on ded-39.54 (B4): 1,566 h x 39.54 = 61,919.64.
    year = [dt.date(2027, 1, 1) + dt.timedelta(n) for n in range(365)]
    assert dt.date(2027, 1, 1).weekday() == 4 and sum(d.weekday() < 5 for d in year) == 261
    assert _sum(r, "quantity", "dedicated:ded-39.54") == 1566
    assert _sum(r, "amount", "dedicated:ded-39.54") == 1566 * D("39.54") == D("61919.64")
    # Shared: 1,500 GPU-s a day all year, plus 600 images x 20 s a day in June (30 days):
    # 547,500 + 360,000 = 907,500 GPU-s x 0.0077 = 6,987.75.
    assert _sum(r, "quantity", "shared_gpu") == 907500
    assert _sum(r, "amount", "shared_gpu") == 907500 * GPU_PRICE == D("6987.75")
    # Storage 200 GB, 20 more each month: 113,340 GB-days x 0.004 = 453.36 (B7).
    assert _sum(r, "amount", "storage") == 113340 * GB_DAY == D("453.36")
    # Requests: 400k PUT and 3M GET a month are inside the free allowance (B6).
    assert _sum(r, "amount", "put_requests") == 0 == _sum(r, "amount", "get_requests")
    # The 100-yuan compute pack, bought 1 January (a Friday), is used up that day: idle traffic
    # comes first, then shared GPU (1,500 x 0.0077 = 11.55), then dedicated (6 h x 39.54 =
    # 237.24, of which the pack pays the 88.45 left).
    assert _allocated(r, "shared_gpu", "pack") == D("11.55")
    assert _allocated(r, "dedicated:ded-39.54", "pack") == D("88.45")
    # The traffic packs are monthly quotas (OSS 包月周期型): 100 GB a month from the pack bought on
    # 15 October 2026 (valid to 15 October 2027: January to October, 10 months) and 100 GB a month
    # from the campaign pack bought on 1 June 2027 (June to December, 7 months). 300 GB a month
    # uses up both quotas every month: 1,000 and 700 GB absorbed, nothing lapses.
    october, campaign = (
        next(b for b in r.balances if b.id == label)
        for label in ("traffic pack, October 2026", "traffic pack, campaign")
    )
    assert (october.per_month, october.absorbed, october.lapsed) == (100, 1000, 0)
    assert (campaign.per_month, campaign.absorbed, campaign.lapsed) == (100, 700, 0)
    # January, 31 days: 300/31 GB a day, 90/31 idle (taken first, B7) and 210/31 busy. Ten days
    # take 3,000/31 GB, worth 10 x (90/31 x 0.25 + 210/31 x 0.50) = 1,275/31; on the 11th the
    # 100/31 GB left take the idle 90/31 (22.5/31) and 10/31 busy (5/31): 1,302.5/31 yuan in all.
    january = sum(
        (a.amount for c in r.charges if c.month == "2027-01" for a in c.allocations if a.entitlement == october.id),
        Fraction(0),
    )
    assert january == Fraction(13025, 310)
    # Upfront: the compute pack (100) and the campaign traffic pack (360), bought in the period;
    # the October 2026 pack was paid before it.
    assert r.totals.upfront == 460
    # Traffic 300 GB a month, 30% idle: 1,080 GB x 0.25 + 2,520 GB x 0.50 = 1,530, exactly.
    assert _sum(r, "amount", "traffic_idle") + _sum(r, "amount", "traffic_busy") == 1530
    assert r.totals.list_price == D("61919.64") + D("6987.75") + D("453.36") + 1530 == D("70890.75")


def test_indie_shared_sd_by_hand() -> None:
    r = _estimate("indie-shared-sd")
    # SD drafts: 40 images x 6 s = 240 GPU-s every day of 2027: 87,600 GPU-s, 674.52 yuan (B3).
    # ComfyUI: 120 images x 15 s = 1,800 GPU-s a week, spread evenly: 1,800/7 a day, 365 days =
    # 93,857 + 1/7 GPU-s (not a finite decimal), at 0.0077 = 1,800 x 365 x 0.0011 = 722.70 yuan.
    gpu_seconds = 87600 + D(1800, 7) * 365
    assert _sum(r, "quantity", "shared_gpu") == gpu_seconds
    assert _sum(r, "amount", "shared_gpu") == gpu_seconds * GPU_PRICE == D("674.52") + D("722.70")
    # Storage 30 GB, 5 more each month: 21,035 GB-days x 0.004 = 84.14.
    assert _sum(r, "amount", "storage") == 21035 * GB_DAY == D("84.14")
    # Nothing held (B10, B18): everything is postpaid, nothing is absorbed.
    assert all(v == 0 for v in r.totals.absorbed.values())
    assert r.totals.cash == r.totals.postpaid_due
    assert r.balances == () and r.purchases == ()
    # Traffic 8 GB a month, 10% idle: 9.6 GB x 0.25 + 86.4 GB x 0.50 = 45.60, exactly.
    assert r.totals.list_price == D("1397.22") + D("84.14") + D("45.60") == D("1526.96")
