#!/usr/bin/env python3
"""Print the import graph of ckanext-liuzhou's capabilities, read from the source with ``ast``.

Every ``import`` and ``from ... import`` is read, at module level and inside functions alike
(an import hidden in a function is still a dependency).  A *capability* is a sub-package of
``ckanext/liuzhou`` (``sharing``, ``lifecycle``, ...); a top-level module (``authz``,
``shared``, ``config``, ...) is a node of its own.

    python scripts/import_graph.py            # capability -> capabilities it imports
    python scripts/import_graph.py --modules  # module -> modules, for the module-level view
    python scripts/import_graph.py --cycles   # only the cycles (capability and module level)

Exit status is 0; the test ``tests/test_imports.py`` is what fails on a bad edge.
"""
from __future__ import annotations

import argparse
import ast
import pathlib
import sys
from dataclasses import dataclass

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = "ckanext.liuzhou"
PACKAGE_DIR = ROOT / "ckanext" / "liuzhou"
# Alembic migrations are loaded by file path, never imported by the package.
SKIP_DIRS = {"migration", "__pycache__"}


@dataclass(frozen=True)
class Edge:
    source: str        # the importing module, dotted, relative to the package ("sharing.mail")
    target: str        # the imported module, dotted, relative to the package ("lifecycle.inbox")
    names: tuple       # the names imported from ``target`` (empty for ``import x``)
    lineno: int
    in_function: bool  # inside a function or method body (a "hidden" import)


def modules() -> dict[str, pathlib.Path]:
    """Dotted module name (relative to the package) -> path, for every module of the package."""
    out = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        rel = path.relative_to(PACKAGE_DIR)
        if SKIP_DIRS & set(rel.parts[:-1]):
            continue
        parts = list(rel.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _is_package(name: str, known: dict[str, pathlib.Path]) -> bool:
    return name == "" or known.get(name, pathlib.Path()).name == "__init__.py"


def _resolve(module: str, known: dict, node: ast.ImportFrom) -> str | None:
    """The package-relative dotted name an ImportFrom refers to (None when outside the package)."""
    if node.level == 0:
        name = node.module or ""
        if name == PACKAGE:
            return ""
        if not name.startswith(PACKAGE + "."):
            return None
        return name[len(PACKAGE) + 1:]
    base = module.split(".") if module else []
    if not _is_package(module, known):
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
    if node.module:
        base = base + node.module.split(".")
    return ".".join(base)


def _within_function(tree: ast.AST):
    """Yield (import node, inside a function?) for every import of a module."""
    def walk(node, in_fn):
        for child in ast.iter_child_nodes(node):
            fn = in_fn or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child, in_fn
            yield from walk(child, fn)
    yield from walk(tree, False)


def edges() -> list[Edge]:
    known = modules()
    out: list[Edge] = []
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node, in_fn in _within_function(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith(PACKAGE + "."):
                        out.append(Edge(module, alias.name[len(PACKAGE) + 1:], (), node.lineno, in_fn))
                continue
            target = _resolve(module, known, node)
            if target is None:
                continue
            # ``from . import x`` / ``from ..sharing import roles``: each name may be a module.
            plain: list[str] = []
            for alias in node.names:
                sub = f"{target}.{alias.name}" if target else alias.name
                if sub in known:
                    out.append(Edge(module, sub, (), node.lineno, in_fn))
                else:
                    plain.append(alias.name)
            if plain:
                out.append(Edge(module, target, tuple(plain), node.lineno, in_fn))
    return out


def capability(module: str) -> str:
    """The node a module belongs to: its top-level package or its own name ("" is the package)."""
    return module.split(".")[0] if module else "__init__"


def graph(es: list[Edge], level: str) -> dict[str, set[str]]:
    g: dict[str, set[str]] = {}
    for e in es:
        a, b = (capability(e.source), capability(e.target)) if level == "capability" else (e.source, e.target)
        if a != b:
            g.setdefault(a, set()).add(b)
    return g


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]
    sys.setrecursionlimit(10000)

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(g.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(set(g) | {w for ws in g.values() for w in ws}):
        if v not in index:
            strong(v)
    return sorted(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--modules", action="store_true", help="module-level graph")
    parser.add_argument("--cycles", action="store_true", help="print only the cycles")
    args = parser.parse_args(argv)
    es = edges()
    level = "module" if args.modules else "capability"
    g = graph(es, level)
    if not args.cycles:
        for node in sorted(g):
            print(f"{node} -> {', '.join(sorted(g[node]))}")
    for lvl in ("capability", "module"):
        found = cycles(graph(es, lvl))
        print(f"# {lvl} cycles: {len(found)}")
        for comp in found:
            print("#   " + " <-> ".join(comp))
    hidden = sum(1 for e in es if e.in_function)
    print(f"# imports inside functions: {hidden}; edges: {len(es)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
