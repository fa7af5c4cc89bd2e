"""The layer contract of DESIGN.md, read from the source: imports point down, never up,
and no two modules import each other when loaded.

    _compat, _version  <  _validation, _progress  <  _engine  <  charts  <  _estimators
        <  notebook, cli

Charts sit below the estimators: a builder reads a fitted result's public attributes and
never needs the estimator classes, so an estimator's ``chart()`` imports its builder
without reaching up. ``notebook`` and ``cli`` are siblings at the top.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sklearn_lasso_tools"

LAYERS = {
    "_compat": 0,
    "_version": 0,
    "_validation": 1,
    "_progress": 1,
    "_engine": 2,
    "charts": 3,
    "_estimators": 4,
    "notebook": 5,
    "cli": 5,
    "__init__": 6,
    "__main__": 6,
}

# the engine is pure numerics: none of these, anywhere in it
NOT_IN_ENGINE = ("pandas", "altair", "IPython", "tqdm", "polars")


def _module_name(path):
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path):
    """(target module, imported at load time?) for every import in the file; targets
    inside the package are dotted names relative to it, others start with '!'."""
    tree = ast.parse(path.read_text())
    module = _module_name(path)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    top_level = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        at_load = id(node) in top_level
        if isinstance(node, ast.Import):
            found += [("!" + alias.name, at_load) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                found.append(("!" + node.module, at_load))
                continue
            base = package[: len(package) - (node.level - 1)]
            if node.module:
                found.append((".".join(base + node.module.split(".")), at_load))
            else:  # from . import a, b: each may be a module or a name
                found += [(".".join(base + [alias.name]), at_load) for alias in node.names]
    return module, found


def _layer(module):
    return LAYERS[module.split(".")[0] or "__init__"]


FILES = sorted(PACKAGE.rglob("*.py"))


def _known(target):
    """The package module a dotted target names (a name imported from a module maps to
    that module), or None for names of a package's __init__."""
    parts = target.split(".")
    while parts:
        dotted = "/".join(parts)
        if (PACKAGE / f"{dotted}.py").exists() or (PACKAGE / dotted / "__init__.py").exists():
            return ".".join(parts)
        parts = parts[:-1]
    return ""  # the package itself (sklearn_lasso_tools/__init__.py)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path):
    module, imports = _imports(path)
    for target, _ in imports:
        if target.startswith("!"):
            continue
        target = _known(target) or "__init__"
        assert _layer(target) <= _layer(module), f"{module} imports {target}, a higher layer"


@pytest.mark.parametrize("path", sorted((PACKAGE / "_engine").rglob("*.py")), ids=lambda p: p.name)
def test_engine_is_pure_numerics(path):
    _, imports = _imports(path)
    for target, _ in imports:
        name = target.lstrip("!")
        assert not name.startswith(NOT_IN_ENGINE), f"the engine imports {name}"
        # nothing private from scikit-learn: a private name in any part of the path
        if name.startswith("sklearn"):
            assert not any(part.startswith("_") for part in name.split(".")), name
        if not target.startswith("!"):
            assert not name.startswith("_compat"), "the engine reaches scikit-learn internals"


def test_no_import_cycles_at_load_time():
    graph = {}
    for path in FILES:
        module, imports = _imports(path)
        graph[module] = {
            _known(t) for t, at_load in imports if at_load and not t.startswith("!")
        } - {"", module}
    # a depth-first search for a back edge
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                cycle = stack[stack.index(nxt) :] + [nxt]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)


def test_the_contract_sees_the_package():
    # every top-level module or subpackage has a layer, and the graph is not empty
    tops = {_module_name(p).split(".")[0] or "__init__" for p in FILES}
    assert tops <= set(LAYERS)
    assert sum(len(_imports(p)[1]) for p in FILES) > 100
