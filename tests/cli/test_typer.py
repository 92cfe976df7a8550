"""What the command line changes inside Typer, which pyproject.toml pins below 0.30 for it: cli/help.py replaces
the gettext of `typer.core` (`typer.core._`), cli/app.py three methods of `TyperArgument`. Each name must be one
Typer has and calls, and hold ours: a release that renames one fails here, rather than help quietly falling back
to Typer's own wording (`{SCENARIO}`, `<str>`, English headings in Chinese help)."""

from __future__ import annotations

import importlib
import inspect

import pytest
import typer.core
from helpers import cli
from typer.core import TyperArgument

from artlab_cost.i18n import help_text

cli_app = importlib.import_module("artlab_cost.cli.app")  # the module (artlab_cost.cli.app is the Typer app)
cli_help = importlib.import_module("artlab_cost.cli.help")

TYPER_CORE = inspect.getsource(typer.core)


def test_typer_words_its_help_through_the_gettext_cli_help_replaces() -> None:
    assert "from gettext import gettext as _" in TYPER_CORE  # looked up in typer.core at each call
    for word in cli_help.TYPER_WORDS:
        assert f'_("{word}")' in TYPER_CORE, word
    assert typer.core._.__module__ == cli_help.__name__  # type: ignore[attr-defined]
    text = cli("validate", "--help", "--lang", "zh").stdout
    for heading in ("Arguments", "Options"):
        assert help_text(heading, "zh") != heading and f"\n{help_text(heading, 'zh')}：\n" in text
        assert f"\n{heading}:" not in text


@pytest.mark.parametrize("name", ["_usage_display_name", "display_type", "display_type_rich"])
def test_the_argument_methods_cli_app_replaces_are_typers(name: str) -> None:
    typers_own = [k for k in TyperArgument.__mro__ if k.__module__ == "typer.core"]
    assert any(f"    def {name}(self" in inspect.getsource(k) for k in typers_own), f"Typer has no {name}"
    assert f"self.{name}(" in TYPER_CORE, f"Typer no longer calls {name}"
    assert TyperArgument.__dict__[name].__module__ == cli_app.__name__


def test_arguments_are_shown_by_their_names() -> None:
    """The replaced methods at work: the usage line and the argument list name SCENARIO plainly."""
    text = cli("estimate", "--help").stdout
    assert text.startswith("Usage: artlab-cost estimate [OPTIONS] SCENARIO\n")
    assert "\nArguments:\n  SCENARIO  A usage scenario" in text
