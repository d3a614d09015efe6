"""The core's layers: no import cycle inside `docgen/`, and nothing in it imports the web.

The import graph is read from the source (the AST), function-level imports included: a
cycle hidden in a function is still a cycle of dependencies. It is checked module by
module and between the top-level parts of `docgen` (a subpackage counts as one part, so
`documents` → `importers` → `documents` is caught even though the package loads its
modules by name).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "docgen"
WEB = {"flask", "werkzeug", "flask_wtf", "wtforms", "webform"}


def _modules() -> dict[str, tuple[Path, bool]]:
    """Every module of docgen by dotted name: (file, whether it is a package __init__)."""
    found = {}
    for path in CORE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        found[".".join(parts[:-1] if is_package else parts)] = (path, is_package)
    return found


MODULES = _modules()


def _targets(module: str, is_package: bool, node: ast.Import | ast.ImportFrom) -> set[str]:
    """The dotted names an import statement loads (absolute; `from . import x` gives the
    submodule x when there is one, else the package)."""
    if isinstance(node, ast.Import):
        return {alias.name for alias in node.names}
    if node.level:
        base = module.split(".")[: len(module.split(".")) - (0 if is_package else 1)]
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    return {f"{prefix}.{a.name}" if f"{prefix}.{a.name}" in MODULES else prefix
            for a in node.names}


def _imports(module: str) -> set[str]:
    path, is_package = MODULES[module]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= _targets(module, is_package, node)
    return names


def _internal(name: str) -> str | None:
    """The docgen module a dotted name belongs to (its longest known prefix), or None."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def graph(level: int | None = None) -> dict[str, set[str]]:
    """docgen's import graph; `level` 2 merges every module into its top-level part
    ("docgen.store.numbering" → "docgen.store"), None keeps modules apart."""
    def node(name: str) -> str:
        return ".".join(name.split(".")[:level]) if level else name
    edges: dict[str, set[str]] = {node(m): set() for m in MODULES}
    for module in MODULES:
        for name in _imports(module):
            target = _internal(name)
            if target is not None and node(target) != node(module):
                edges[node(module)].add(node(target))
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_the_graph_sees_imports_inside_functions():
    assert "docgen.documents" in graph()["docgen.importers"]   # imported in columns()
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("level", [None, 2], ids=["modules", "parts"])
def test_no_import_cycle_in_docgen(level):
    assert cycles(graph(level)) == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_the_core_does_not_import_the_web(module):
    web = {name for name in _imports(module) if name.split(".")[0] in WEB}
    assert web == set(), f"{module} imports {sorted(web)}"


def test_docgen_help_lists_serve_from_the_web_package(runner):
    from docgen.cli import main
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "serve " in result.output and "Chạy biểu mẫu web" in result.output
    from webform.cli import serve
    assert main.get_command(None, "serve") is serve


def test_python_m_docgen_serve_keeps_its_options():
    result = subprocess.run([sys.executable, "-m", "docgen", "serve", "--help"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "--host TEXT" in result.stdout and "--port INTEGER" in result.stdout
    assert "[default: 127.0.0.1]" in result.stdout and "[default: 5000]" in result.stdout


def test_rendering_from_the_command_line_loads_no_web_package(tmp_path):
    """`docgen render` runs without importing Flask or webform (nothing imports them)."""
    code = ("import sys; from docgen.cli import main\n"
            "try:\n    main(['kinds'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "{'flask', 'werkzeug', 'webform', 'wtforms', 'flask_wtf'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
