"""artlab-cost init's starter scenario: valid as written for every choice, in both languages, its figures those
the comments say."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from helpers import bundled_sheet, cli

from artlab_cost import api
from artlab_cost.errors import UsageError
from artlab_cost.scenario.starter import Starter, starter_text

CHOICES = [Starter(), Starter(new_user=True), Starter(student=True), Starter(shared=True, dedicated="ded-8.07"),
           Starter(new_user=True, student=True, dedicated="ded-39.54")]  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("choice", CHOICES, ids=lambda c: "-".join(f"{k}" for k, v in c._asdict().items() if v))
def test_every_starter_is_valid_as_written(choice: Starter, lang: str) -> None:
    sheet = bundled_sheet()
    text = starter_text(choice, sheet, date(2026, 12, 1), lang)
    scenario = api.scenario_from_text(text, sheet, name="starter.yaml")
    assert (scenario.start, scenario.end) == (date(2027, 1, 1), date(2028, 1, 1))
    assert (scenario.new_user, scenario.student) == (choice.new_user, choice.student)
    kinds = [type(u).__name__ for u in scenario.usage]
    assert ("SharedUsage" in kinds) is (choice.shared or choice.dedicated is None)
    assert ("DedicatedUsage" in kinds) is (choice.dedicated is not None)
    offers = {h.offer for h in scenario.holdings}
    assert ("trial-compute" in offers) is choice.new_user and ("student-voucher" in offers) is choice.student
    assert "starter-bundle" not in offers  # not free: a plan to weigh with compare-plans, not a claim
    top = ("#", " ", "name:", "account:", "period:", "usage:", "holdings:")
    assert [line for line in text.splitlines() if line and not line.startswith(top)] == []


def test_the_shared_starter_costs_what_its_comment_says() -> None:
    """40 images a day x 6 GPU-seconds = 240 GPU-s a day at 0.0077 (B3): 1.848 a day, 57.288 in January."""
    sheet = bundled_sheet()
    result = api.estimate(api.scenario_from_text(starter_text(Starter(), sheet, date(2026, 12, 5)), sheet), sheet)
    january = [c for c in result.charges if c.meter == "shared_gpu" and c.month == "2027-01"]
    assert sum(c.amount for c in january) == D("57.288")


def test_an_unknown_spec_is_refused() -> None:
    with pytest.raises(UsageError):
        starter_text(Starter(dedicated="ded-9"), bundled_sheet(), date(2026, 12, 1))


def test_init_writes_it_to_stdout() -> None:
    run = cli("init", "--student", "--lang", "zh")
    assert run.exit_code == 0 and run.stdout.startswith("# 由 artlab-cost init 生成的起步用量场景")
    assert "student-voucher" in run.stdout
