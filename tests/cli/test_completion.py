"""Shell completion: offer ids, spec ids, formats and the other closed choices complete (bash and zsh)."""

from __future__ import annotations

import pytest
from helpers import cli


def _bash(words: str) -> list[str]:
    parts = words.split(" ")
    run = cli(env={"_ARTLAB_COST_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(len(parts) - 1)})
    assert run.exit_code == 0, run.stderr
    return run.stdout.split()


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("artlab-cost compare-plans s.yaml --only storage", ["storage-pack-40", "storage-pack-100", "storage-pack-500",
                                                          "storage-pack-1tb"]),
        ("artlab-cost compare-plans s.yaml --exclude trial-", ["trial-compute", "trial-storage", "trial-traffic",
                                                             "trial-requests"]),
        ("artlab-cost init --dedicated ded-", ["ded-8.07", "ded-39.54"]),
        ("artlab-cost estimate s.yaml --format ", ["table", "json", "csv", "markdown", "html"]),
        ("artlab-cost estimate s.yaml --by l", ["label"]),
        ("artlab-cost estimate s.yaml --budget-on p", ["postpaid"]),
        ("artlab-cost schema --kind ", ["scenario", "pricing"]),
    ],
)  # fmt: skip
def test_bash_completes(words: str, expected: list[str]) -> None:
    assert _bash(words) == expected


def test_zsh_completes_an_offer_with_its_name() -> None:
    run = cli(
        env={"_ARTLAB_COST_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": "artlab-cost init --dedicated ded-3"}
    )
    assert '"ded-39.54"' in run.stdout
    offers = cli(
        env={
            "_ARTLAB_COST_COMPLETE": "complete_zsh",
            "_TYPER_COMPLETE_ARGS": "artlab-cost compare-plans s --only compute",
        }
    )
    assert '"compute-pack-100":"' in offers.stdout
