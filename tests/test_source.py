"""The source's own words: comments and docstrings say why the code is as it is, never the history of how it
came to be (an issue number, what an earlier version did), which a reader of the code cannot check."""

from __future__ import annotations

import re

from helpers import ROOT

HISTORY = re.compile(r"\b[Ii]ssues? \d+|\bthe old code\b|\bonce made\b|\bused to (?:be|do|write|make)\b")


def test_no_comment_or_docstring_tells_the_build_history() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for folder in ("artlab_cost", "tests", "bench")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path.name != "test_source.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if HISTORY.search(line)
    ]
    assert found == []


def test_no_module_of_the_plan_search_is_over_400_lines() -> None:
    """The plan search is the hardest code of the package to read and change: a module of it that grows past 400
    lines is split by what its parts do."""
    lines = {
        path.name: len(path.read_text(encoding="utf-8").splitlines())
        for path in (ROOT / "artlab_cost" / "plans").glob("*.py")
    }
    assert {name: n for name, n in lines.items() if n > 400} == {}
