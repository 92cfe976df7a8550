"""The render package's own import graph: the format modules never import the dispatcher back, and no loop."""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import source_nodes

import artlab_cost.render

RENDER = Path(artlab_cost.render.__file__).parent


def _imports() -> dict[str, set[str]]:
    """Each module of render/ and the render modules it imports (relative imports at any depth of the file)."""
    graph: dict[str, set[str]] = {}
    for path in RENDER.glob("*.py"):
        deps: set[str] = set()
        for node in source_nodes(path):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                deps.add(node.module.split(".")[0] if node.module else "__init__")
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("artlab_cost.render"):
                parts = node.module.split(".")
                deps.add(parts[2] if len(parts) > 2 else "__init__")
        graph[path.stem] = deps
    return graph


def test_no_module_imports_the_dispatcher() -> None:
    graph = _imports()
    assert {m for m, deps in graph.items() if m != "__init__" and "__init__" in deps} == set()


def test_no_cycle_among_render_modules() -> None:
    graph = _imports()
    graph["__init__"] = set()  # it imports every format lazily; nothing imports it (checked above)
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, " -> ".join((*path, module))
        if module in done:
            return
        for dep in graph.get(module, set()):
            visit(dep, (*path, module))
        done.add(module)

    for module in graph:
        visit(module, ())


def test_the_public_names_are_still_importable_from_render() -> None:
    from artlab_cost.render import By, OutputFormat, View
    from artlab_cost.render.view import By as ViewBy

    assert By is ViewBy and View().by is By.month and OutputFormat("json") is OutputFormat.json
