"""The package's import graph: the data layer and the config check must not import each other,
directly or round about, so either can be imported (and tested) first without a half-made module.

Function-level imports count: they close the circle as soon as the function runs."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _module_names(src: Path) -> dict[str, Path]:
    names = {}
    for path in (src / "marsad").rglob("*.py"):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def import_graph(src: Path = SRC) -> dict[str, set[str]]:
    """module -> the marsad modules it imports anywhere in its body, packages whose __init__ the
    import runs included (importing marsad.data.cards from outside marsad.data runs marsad.data)."""
    modules = _module_names(src)

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets |= {known(alias.name) for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(up + ([base] if base else []))
                targets |= {known(f"{base}.{alias.name}") or known(base) for alias in node.names}
        edges = set()
        for target in filter(None, targets):
            parts = target.split(".")
            for depth in range(2, len(parts) + 1):  # the target and the packages above it
                ancestor = ".".join(parts[:depth])
                if ancestor in modules and not (module + ".").startswith(ancestor + "."):
                    edges.add(ancestor)
        graph[module] = edges - {module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_sees_function_level_and_package_imports():
    graph = import_graph()
    assert "marsad.config_compose" in graph["marsad.data.cards"]  # imported inside functions
    assert "marsad.data" in graph["marsad.config_check"]  # `from marsad.data import TableDataset`


def test_no_import_cycle_runs_through_the_data_layer_or_the_config_check():
    tangled = [
        sorted(cycle)
        for cycle in cycles(import_graph())
        if any(
            m == "marsad.config_check" or m == "marsad.data" or m.startswith("marsad.data.") for m in cycle
        )
    ]
    assert tangled == []


def test_the_package_has_no_import_cycle_at_all():
    """Kept at zero once reached: a new cycle names its modules here."""
    assert [sorted(cycle) for cycle in cycles(import_graph())] == []
