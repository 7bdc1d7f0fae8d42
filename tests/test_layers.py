"""The package is three layers: maths and models at the bottom, experiments above, views on top.

Maths (every module of nnlab outside experiments/, views/ and exercises/) and experiments load neither
matplotlib nor ipywidgets; maths imports no experiment or view; experiments import no view; and the graph
of nnlab's own imports has no cycle.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "lib" / "nnlab"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if p.name != "__main__.py"}


def layer(name: str) -> str:
    if name.startswith("nnlab.views"):
        return "views"
    if name.startswith(("nnlab.experiments", "nnlab.exercises")):
        return "experiments"
    return "maths"


def nnlab_imports(name: str) -> set[str]:
    """The nnlab modules that a module imports, anywhere in its body (lazy imports count too)."""
    tree = ast.parse(MODULES[name].read_text())
    package = name if MODULES[name].name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            candidates = [target] + [f"{target}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            candidates = [a.name for a in node.names]
        else:
            continue
        found |= {c for c in candidates if c in MODULES and c != name}
    return {m for m in found if not name.startswith(m + ".")}   # a submodule naming its own package is no edge


RANK = {"maths": 0, "experiments": 1, "views": 2}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_imports_only_its_own_layer_or_below(name):
    above = sorted(m for m in nnlab_imports(name) if RANK[layer(m)] > RANK[layer(name)])
    assert not above, f"{name} ({layer(name)}) imports {above} from a layer above it"


def test_the_import_graph_has_no_cycle():
    graph = {name: nnlab_imports(name) for name in MODULES}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                pytest.fail("import cycle: " + " -> ".join(path + [node, nxt]))
            if nxt not in state:
                visit(nxt, path + [node])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def test_maths_and_experiments_load_neither_matplotlib_nor_ipywidgets():
    names = sorted(n for n in MODULES if layer(n) != "views")
    code = ("import importlib, sys\n"
            f"for name in {names!r}:\n"
            "    importlib.import_module(name)\n"
            "    loaded = [m for m in ('matplotlib', 'ipywidgets') if m in sys.modules]\n"
            "    if loaded:\n"
            "        print(name, 'loads', ', '.join(loaded)); sys.exit(1)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
