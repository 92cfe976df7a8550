"""The package's import graph has layers and no loop: a module imports its own layer or the ones below it.

The layers are those of docs/architecture.md, bottom first. Every import counts, at the top of a
module or inside a function (a lazy import is still a dependency) and under `TYPE_CHECKING`; a
module's parent packages are not counted, since Python imports them whatever the module names.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest
from helpers import ROOT, source_nodes

PACKAGE = ROOT / "artlab_cost"

# Bottom first: (layer, its modules as dotted names below artlab_cost; a package stands for all it holds).
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("data", ("version", "messages", "money", "calendar")),
    ("words", ("i18n",)),
    ("errors", ("errors",)),
    ("reading", ("yamlsrc",)),
    ("checking", ("schema",)),
    ("price sheet", ("pricing",)),
    ("scenario", ("scenario",)),
    ("engine", ("engine",)),
    ("plans and diffs", ("plans", "changes")),
    ("output", ("render",)),
    ("library", ("api", "editor_schema")),
    ("command line", ("cli", "__main__")),
    ("package", ("",)),  # artlab_cost/__init__.py: the library's names, imported on first use
)


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def layer_of(module: str) -> int:
    for index, (_, members) in reversed(list(enumerate(LAYERS))):
        if any(module == m or (m and module.startswith(m + ".")) for m in members):
            return index
    raise AssertionError(f"artlab_cost.{module} is in no layer: add it to LAYERS and docs/architecture.md")


def _resolve(name: str) -> str | None:
    """The package module a dotted name lies in (the module itself, or the one defining the name)."""
    while name not in MODULES:
        if "." not in name:
            return None
        name = name.rsplit(".", 1)[0]
    return name


def imports(module: str) -> set[str]:
    """The package modules `module` imports, anywhere in its text (relative and absolute imports)."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out: set[str] = set()
    for node in source_nodes(path):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name.removeprefix("artlab_cost.") for a in node.names if a.name.startswith("artlab_cost.")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - node.level + 1]
                start = ".".join([*base, node.module] if node.module else base)
            elif node.module and (node.module == "artlab_cost" or node.module.startswith("artlab_cost.")):
                start = node.module.removeprefix("artlab_cost").removeprefix(".")
            else:
                continue
            names = [f"{start}.{a.name}".lstrip(".") for a in node.names]
        for name in names:
            target = _resolve(name)
            if target is not None and target != module:
                out.add(target)
    return out


@cache
def graph() -> dict[str, set[str]]:
    """Every package module's imports of the package (read when a test asks: collecting the tests does not)."""
    return {module: imports(module) for module in MODULES}


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        layer_of(module)


def upward(graph: dict[str, set[str]]) -> list[str]:
    """The imports of a module from a layer above its own."""
    return [
        f"artlab_cost.{m or '__init__'} ({LAYERS[layer_of(m)][0]}) imports artlab_cost.{t} ({LAYERS[layer_of(t)][0]})"
        for m, targets in sorted(graph.items())
        for t in sorted(targets)
        if layer_of(t) > layer_of(m)
    ]


def test_no_module_imports_a_higher_layer() -> None:
    assert upward(graph()) == []


def test_the_layer_check_catches_an_upward_import() -> None:
    """The check would pass vacuously if every module landed in one layer: these are known apart, and an import
    of the command line from money, or of the engine from the price sheet, is caught."""
    assert [layer_of(m) for m in ("money", "i18n", "pricing.load", "engine.waterfall", "cli.app", "")] == [
        0,
        1,
        5,
        7,
        11,
        12,
    ]
    assert upward({"money": {"cli.app"}, "pricing.model": {"engine"}, "cli.app": {"money"}}) == [
        "artlab_cost.money (data) imports artlab_cost.cli.app (command line)",
        "artlab_cost.pricing.model (price sheet) imports artlab_cost.engine (engine)",
    ]


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_the_import_graph_has_no_loop() -> None:
    assert cycles(graph()) == []


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
        ({"a": {"b"}, "b": {"a"}, "c": {"a"}}, [["a", "b"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"d"}}, [["a", "b", "c"]]),
    ],
)
def test_the_loop_finder_finds_loops(graph: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert cycles(graph) == expected


def test_the_import_reader_sees_lazy_relative_imports() -> None:
    """The check would pass vacuously if it read no import: these edges are known to exist."""
    assert {"i18n", "messages"} <= graph()["errors"]
    assert "api" in graph()[""]  # the package's names come from the library, imported in __getattr__
    assert "yamlsrc" in graph()["pricing.load"]  # `from .. import yamlsrc`
