"""The import rules of the extension, read from the source with ``ast`` (no import runs): every
``import`` and ``from … import``, at module level and inside functions alike.

Vocabulary:

- a *capability* is a sub-package of ``ckanext/liuzhou`` (``sharing``, ``lifecycle``, ``calendar``,
  ``audit`` …), except ``notify``;
- the *kernel* is every top-level module (``authz``, ``shared``, ``formats``, ``tree``,
  ``validation``, ``web``, ``config``, ``txmemo`` …) and the ``notify`` package;
- the *composition roots* gather everything and may import anything: ``plugin``, ``registry``,
  ``cli``, ``doctor`` and the ``demo`` package (the demo portal's seeding);
- the *public surface* of a capability is the set of its modules that ``shared.py`` imports
  (``calendar.store``, ``audit`` …) plus its ``model`` modules (the tables).

The rules:

1. No import cycle between modules (an import inside a function counts: it only hides one).
2. The kernel stands on no capability: a kernel module imports only kernel modules and public
   surfaces.
3. No private name (``_x``) crosses a capability: neither ``from ..sharing.dictize import _x``
   nor ``dictize._x`` on a module of another capability (or of the kernel).
4. A capability imports another capability only through its public surface (or the kernel).
   The imports that still reach into another capability's internals are listed in
   ``INTERNALS`` below with the reason; the list must match the code exactly, so a new one
   fails and a removed one must be struck off.
5. The capabilities tangled in a cycle are exactly ``TANGLED`` (today's debt, see
   ``python scripts/import_graph.py``): a capability joining the tangle fails, and one that
   leaves it must be struck off.
"""
from __future__ import annotations

import ast
import importlib.util
import pathlib
import sys
from collections import defaultdict

ROOT = pathlib.Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("import_graph", ROOT / "scripts" / "import_graph.py")
ig = sys.modules.setdefault("import_graph", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(ig)

KERNEL_PACKAGES = {"notify"}
ROOTS = {"plugin", "registry", "cli", "doctor", "demo"}

# Capabilities tangled in a cycle (rule 5): none. (access and search were: the suggestions
# asked the access policy who may see what while the access layer's package_search ran the
# search capability's query; now the access layer hands search its reader, search/hooks.py.)
TANGLED: set[str] = set()

# (importing module, imported module) reaching into another capability's internals (rule 4).
INTERNALS = {
    # the access layer reads the lifecycle's offline state (Art 20, 21) and the grants of
    # share requests (Art 25, 26.4), and guards harvested copies (cascade) and search
    ("access.auth", "lifecycle.auth"),
    ("access.auth", "lifecycle.visibility"),
    ("access.policy", "sharing.access"),
    ("access.search", "cascade.upward"),
    ("access.search", "lifecycle.visibility"),
    ("access.search", "search.hooks"),
    # a scenario cites only entries its department may read: the one rule of reading (Art 25, 26)
    ("scenario.actions", "access.policy"),
    ("search.actions", "cascade.upward"),
    ("search.hooks", "lifecycle.visibility"),
    # the catalog's entry hooks and index fields
    ("catalog.actions", "lifecycle.hooks"),
    ("catalog.bulk", "lifecycle.hooks"),  # save_many: the Art 17 comparison of each saved entry
    ("catalog.bulk", "lifecycle.visibility"),  # save_many: the Art 20 offline flags of a batch, one query
    ("catalog.bulk", "search.indexing"),  # save_many: the helper computes the documents' pinyin fields
    ("catalog.bulk", "search.segment"),  # save_many: the segmenter's words at the fork, its loading thread
    ("catalog.indexing", "search.indexing"),
    ("catalog.search", "search.hooks"),
    ("catalog.search", "search.text"),
    # the lifecycle workflows act on share requests (Art 20, 21 offlining; Art 33.1 flags)
    ("lifecycle.events", "sharing.workflow"),
    ("lifecycle.notices", "sharing.states"),
    ("lifecycle.notices", "sharing.workflow"),
    ("lifecycle.offlining", "sharing.states"),
    ("lifecycle.offlining", "sharing.workflow"),
    ("lifecycle.violations", "sharing.states"),
    ("lifecycle.violations", "sharing.workflow"),
    # the scheduler and the reminders run every workflow's deadlines
    ("cascade.schedule", "evaluation.queries"),  # the evaluation's aggregates refreshed (Art 34)
    ("cascade.schedule", "ops.reminders"),
    ("cascade.schedule", "sharing.overdue"),
    ("ops.reminders", "lifecycle.events"),
    ("ops.reminders", "lifecycle.states"),
    ("ops.reminders", "sharing.states"),
    ("ops.reminders", "sharing.workflow"),
    ("ops.reminders", "demand.states"),
    ("ops.reminders", "demand.workflow"),
    ("ops.reminders", "correction.events"),
    ("ops.reminders", "correction.states"),
    # the calendar's notice of an unknown year, shown on the sharing pages
    ("sharing.views", "calendar.notice"),
    # the DCAT profile reads the access layer's decision on each resource and gives its
    # platform route, never the location (Art 10–11)
    ("dcat.profile", "access.redact"),
    # the catalog import saves through the catalog's one path for many entries (Art 13-22
    # judged by the form's schema) and reads the sub-classes of the classification code
    ("transfer.rows", "catalog.bulk"),
    ("transfer.rows", "catalog.vocab"),
    ("transfer.words", "catalog.vocab"),
}

EDGES = ig.edges()
MODULES = ig.modules()


def top(module: str) -> str:
    return module.split(".")[0] if module else ""


def is_kernel(module: str) -> bool:
    first = top(module)
    return first in KERNEL_PACKAGES or (first not in ROOTS and "." not in module and not _is_package(first))


def _is_package(name: str) -> bool:
    """A folder of modules (``access/`` has no ``__init__.py``: a namespace package)."""
    return bool(name) and (ig.PACKAGE_DIR / name).is_dir()


def capability(module: str):
    """The capability a module belongs to (None for the kernel and the composition roots)."""
    first = top(module)
    if first in ROOTS or first in KERNEL_PACKAGES or not _is_package(first):
        return None
    return first


def public_surface() -> set[str]:
    """Modules of capabilities that shared.py imports."""
    return {e.target for e in EDGES if e.source == "shared" and capability(e.target)}


def is_model(module: str) -> bool:
    return "model" in module.split(".")[1:]


def test_the_reader_sees_the_packages_imports():
    """The rules below read real edges (a reader that found nothing would pass them all)."""
    assert len(MODULES) > 150 and len(EDGES) > 400
    assert any(e.in_function for e in EDGES)  # imports inside functions are read too
    assert ("shared", "authz") in {(e.source, e.target) for e in EDGES}
    assert {"calendar.store", "audit"} <= public_surface()


def test_no_import_cycle_between_modules():
    assert ig.cycles(ig.graph(EDGES, "module")) == []


def test_the_kernel_stands_on_no_capability():
    public = public_surface()
    wrong = sorted({(e.source, e.target) for e in EDGES
                    if is_kernel(e.source) and capability(e.target)
                    and e.target not in public and not is_model(e.target)})
    assert wrong == []


def _module_aliases(path: pathlib.Path, module: str) -> dict[str, str]:
    """Local name → package-relative module, for every import that binds a module."""
    out = {}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            target = ig._resolve(module, MODULES, node)
            if target is None:
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}" if target else alias.name
                if sub in MODULES:
                    out[alias.asname or alias.name] = sub
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(ig.PACKAGE + ".") and alias.asname:
                    out[alias.asname] = alias.name[len(ig.PACKAGE) + 1:]
    return out


def test_no_private_name_crosses_a_capability():
    crossing = []
    for e in EDGES:
        if top(e.source) != top(e.target):
            crossing += [f"{e.source}: from {e.target} import {n}" for n in e.names
                         if n.startswith("_") and not n.startswith("__")]
    for module, path in MODULES.items():
        aliases = _module_aliases(path, module)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id in aliases and node.attr.startswith("_")
                    and not node.attr.startswith("__") and top(aliases[node.value.id]) != top(module)):
                crossing.append(f"{module}:{node.lineno}: {node.value.id}.{node.attr}")
    assert crossing == []


def test_capabilities_meet_through_the_public_surface():
    public = public_surface()
    reached = {(e.source, e.target) for e in EDGES
               if capability(e.source) and capability(e.target)
               and capability(e.source) != capability(e.target)
               and e.target not in public and not is_model(e.target)}
    assert sorted(reached - INTERNALS) == [], "a new import of another capability's internals"
    assert sorted(INTERNALS - reached) == [], "gone from the code: strike it off INTERNALS"


def test_the_tangle_of_capabilities_does_not_grow():
    edges = [e for e in EDGES if capability(e.source) and (capability(e.target) or is_kernel(e.target))]
    tangled = {c for comp in ig.cycles(ig.graph(edges, "capability")) for c in comp}
    assert tangled == TANGLED


def test_the_kernel_is_in_no_capability_cycle():
    """authz, notify and the other kernel modules are below every capability: no path leads
    from them back up."""
    graph = defaultdict(set)
    for e in EDGES:
        if top(e.source) not in ROOTS:
            graph[top(e.source)].add(top(e.target))
    kernel = {top(m) for m in MODULES if is_kernel(m)}
    for comp in ig.cycles(dict(graph)):
        assert not (set(comp) & kernel), comp
