"""The entry point (artlab_cost/__main__.py): the command line, with what start-up made frozen for the collector."""

from __future__ import annotations

import gc
import sys
import tomllib

import pytest
from helpers import ROOT

import artlab_cost.__main__ as entry
import artlab_cost.cli as cli


def test_the_command_runs_with_the_collector_on_and_start_up_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, object] = {}

    def command_line() -> None:
        seen["enabled"], seen["frozen"] = gc.isenabled(), gc.get_freeze_count()

    monkeypatch.setattr(cli, "main", command_line)
    try:
        entry.main()
    finally:
        gc.unfreeze()
    assert seen["enabled"] is True and isinstance(seen["frozen"], int) and seen["frozen"] > 0


def test_the_command_collects_its_young_objects_less_often_and_the_caller_gets_its_thresholds_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: list[tuple[int, ...]] = []
    monkeypatch.setattr(cli, "main", lambda: seen.append(gc.get_threshold()))
    before = gc.get_threshold()
    gc.set_threshold(900, 11, 12)  # a caller's own
    try:
        entry.main()
        assert seen == [(entry.YOUNG_COLLECTION, 11, 12)] and gc.get_threshold() == (900, 11, 12)
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def test_the_collector_is_back_on_when_start_up_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(cli, "main")  # `from .cli import main` fails
    with pytest.raises(ImportError):
        entry.main()
    assert gc.isenabled()


def test_a_caller_that_turned_the_collector_off_keeps_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []
    monkeypatch.setattr(cli, "main", lambda: seen.append(gc.isenabled()))
    gc.disable()
    try:
        entry.main()
        assert seen == [False] and not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()


def test_the_console_script_is_this_entry_point() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["scripts"] == {"artlab-cost": "artlab_cost.__main__:main"}


class _Loading(type(cli)):  # type: ignore[misc]
    """The command line's package as Ctrl-C finds it while its modules load."""

    @property
    def main(self) -> None:
        raise KeyboardInterrupt


@pytest.mark.parametrize(
    ("argv", "env", "said"),
    [
        (["estimate", "s.yaml"], {}, "interrupted\n"),
        (["estimate", "zh.yaml", "--lang", "zh"], {}, "已中断\n"),
        (["estimate", "zh.yaml", "--lang=en"], {"ARTLAB_COST_LANG": "zh"}, "interrupted\n"),
        (
            ["estimate", "zh.yaml"],
            {"ARTLAB_COST_LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "zh_CN.UTF-8"},
            "已中断\n",
        ),
    ],
)
def test_ctrl_c_while_the_modules_load_is_one_line_and_exit_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str], env: dict[str, str], said: str
) -> None:
    """Before the command line's own handler is there, Ctrl-C is said as it is after, never a traceback."""
    monkeypatch.setitem(sys.modules, "artlab_cost.cli", _Loading("artlab_cost.cli"))
    monkeypatch.setattr(sys, "argv", ["artlab-cost", *argv])
    for key in ("ARTLAB_COST_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(SystemExit) as stopped:
        entry.main()
    assert stopped.value.code == 130
    assert capsys.readouterr() == ("", said)
    assert gc.isenabled()
