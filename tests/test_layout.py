"""The layout's dependency direction (README, "Layout"): the shared packages never import the
programs built on them, each shared package imports only those below it, and no module imports
itself back through others. Imports inside functions count too: a lazy import is still a dependency."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Iterator, List, Set

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The shared packages, lowest first: each may import only packages of a lower rank.
SHARED_RANK = {
    "nlp": 1,
    "knowledge": 1,
    "settings": 2,
    "notice_reader": 2,
    "store": 3,
    "services": 4,
    "understanding": 5,
}
# The programs built on the shared packages: the action server, the Rasa channels, the agent desk,
# the Rasa server's extensions, the helper scripts, the benchmark and the widget's server.
PROGRAMS = ("actions", "channels", "desk", "ops", "scripts", "bench", "widget")
PACKAGES = (*SHARED_RANK, *PROGRAMS)


def _modules() -> Dict[str, Path]:
    """Every module of the project's packages by dotted name (a package by its ``__init__``)."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "node_modules" in path.parts or "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> Iterator[str]:
    """The project modules ``name`` imports, anywhere in the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from a import b`` imports the module a.b when there is one, else names of a.
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


GRAPH: Dict[str, Set[str]] = {name: set(_imports(name, path)) for name, path in MODULES.items()}


def _arrows_up(graph: Dict[str, Set[str]], package: str) -> List[str]:
    """The imports of ``package``'s modules in ``graph`` that reach a program or a shared package not below it."""
    return sorted(
        f"{name} imports {target}"
        for name, targets in graph.items()
        if name.split(".")[0] == package
        for target in targets
        if target.split(".")[0] != package and SHARED_RANK.get(target.split(".")[0], 99) >= SHARED_RANK[package]
    )


def _cycles(graph: Dict[str, Set[str]]) -> List[List[str]]:
    """The import cycles of ``graph``: its strongly connected components of two modules or more (Tarjan)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    stack: List[str] = []
    on_stack: Set[str] = set()
    cycles: List[List[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return cycles


def test_the_layout_knows_every_package() -> None:
    top_level = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()} - {"tests"}
    assert top_level <= set(PACKAGES), f"add {sorted(top_level - set(PACKAGES))} to tests/test_layout.py"
    assert GRAPH["actions.answer"] >= {"services.dates", "understanding.phrases"}  # the graph holds the imports


@pytest.mark.parametrize("package", sorted(SHARED_RANK))
def test_a_shared_package_imports_only_shared_packages_below_it(package: str) -> None:
    assert _arrows_up(GRAPH, package) == []


def test_no_module_imports_itself_back() -> None:
    assert _cycles(GRAPH) == []


def test_the_checks_find_an_arrow_back_up_and_a_cycle() -> None:
    graph = {
        "services.dates": {"understanding.phrases", "settings.base"},
        "understanding.phrases": {"understanding.composer"},
        "understanding.composer": {"understanding.phrases", "services.dates"},
        "settings.base": set(),
    }
    assert _arrows_up(graph, "services") == ["services.dates imports understanding.phrases"]
    assert _arrows_up(graph, "settings") == []
    assert _cycles(graph) == [["services.dates", "understanding.composer", "understanding.phrases"]]
