"""The console script builds only the command a run names; everything else Typer still builds as before."""

from __future__ import annotations

import pytest
import typer.main

from artlab_cost.cli import app
from artlab_cost.cli.app import command_named, only_the_command_named

ALL = {"estimate", "compare-plans", "diff", "validate", "pricing", "schema", "init"}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["estimate", "x.yaml", "--format", "json"], "estimate"),
        (["--lang", "zh", "compare-plans", "x.yaml"], "compare-plans"),
        (["--lang=zh", "diff", "a.yaml", "b.yaml"], "diff"),
        (["--lang", "estimate", "pricing"], "pricing"),  # `estimate` is --lang's value here, not the command
        (["--help"], None),
        (["--version"], None),
        ([], None),
        (["estimat", "x.yaml"], None),  # Click's "did you mean 'estimate'" needs every command
        (["--show-completion", "bash"], None),
        (["--install-completion=bash"], None),
    ],
)
def test_the_command_a_run_names(args: list[str], expected: str | None) -> None:
    assert command_named(args) == expected


def test_only_that_command_is_built_and_every_command_is_back_after() -> None:
    assert set(typer.main.get_command(app).commands) == ALL  # type: ignore[attr-defined]
    with only_the_command_named(["--lang", "zh", "pricing", "--format", "json"]):
        assert set(typer.main.get_command(app).commands) == {"pricing"}  # type: ignore[attr-defined]
    assert set(typer.main.get_command(app).commands) == ALL  # type: ignore[attr-defined]
    with only_the_command_named(["--help"]):
        assert set(typer.main.get_command(app).commands) == ALL  # type: ignore[attr-defined]
