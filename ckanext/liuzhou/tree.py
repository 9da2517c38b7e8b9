"""The department tree (Art 9): four levels, parent links kept as organization extras."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

import ckan.model as model

_local = threading.local()


@contextmanager
def held() -> Iterator[None]:
    """Within the block (one bulk call, catalog/bulk.py: one transaction that creates no
    department), the tree is read from the database once instead of once per entry."""
    outer = getattr(_local, "rows", None)
    _local.rows = outer if outer is not None else []
    try:
        yield
    finally:
        _local.rows = outer


def _rows() -> list:
    held_rows = getattr(_local, "rows", None)
    if held_rows:
        return held_rows
    rows = (
        model.Session.query(model.Group.id, model.Group.name, model.Group.title,
                            model.GroupExtra.key, model.GroupExtra.value)
        .outerjoin(model.GroupExtra, (model.GroupExtra.group_id == model.Group.id)
                   & (model.GroupExtra.state == "active")
                   & model.GroupExtra.key.in_(["level", "parent"]))
        .filter(model.Group.is_organization.is_(True), model.Group.state == "active")
        .all()
    )
    if held_rows is not None:
        held_rows.extend(rows)
    return rows


def _departments() -> dict[str, dict]:
    """name → {id, name, title, level, parent} for every active organization, in one query."""
    out: dict[str, dict] = {}
    for gid, name, title, key, value in _rows():
        d = out.setdefault(name, {"id": gid, "name": name, "title": title, "level": None, "parent": None})
        if key:
            d[key] = value or None
    return out


def departments() -> dict[str, dict]:
    """name → {id, name, title, level, parent} for every active department."""
    return _departments()


def ancestry(org_ref: str) -> list[dict]:
    """The department (by id or name) followed by its parents up to the top."""
    depts = _departments()
    by_id = {d["id"]: d for d in depts.values()}
    node = depts.get(org_ref) or by_id.get(org_ref)
    chain, seen = [], set()
    while node is not None and node["name"] not in seen:
        chain.append(node)
        seen.add(node["name"])
        node = depts.get(node["parent"]) if node["parent"] else None
    return chain


def forest() -> list[dict]:
    """Every department as nested {…, children: [...]}, roots first, by level then title."""
    depts = _departments()
    for d in depts.values():
        d["children"] = []
    roots = []
    for d in depts.values():
        parent = depts.get(d["parent"]) if d["parent"] else None
        (parent["children"] if parent else roots).append(d)
    order = {"city": 0, "county": 1, "township": 2, "village": 3}

    def sort(nodes):
        nodes.sort(key=lambda n: (order.get(n["level"], 9), n["title"] or n["name"]))
        for n in nodes:
            sort(n["children"])
    sort(roots)
    return roots


def subtree_names(org_name: str) -> list[str]:
    """The department and everything below it."""
    depts = _departments()
    children: dict[str, list[str]] = {}
    for d in depts.values():
        if d["parent"]:
            children.setdefault(d["parent"], []).append(d["name"])
    out, stack = [], [org_name]
    while stack:
        n = stack.pop()
        if n in out or n not in depts:
            continue
        out.append(n)
        stack.extend(children.get(n, []))
    return out


def choices() -> list[dict]:
    """Every active department in tree order as ``{"value": name, "label": title}``, the title
    indented by its depth (for a select)."""
    out: list[dict] = []

    def walk(nodes, depth):
        for n in nodes:
            out.append({"value": n["name"], "label": "\u3000" * depth + (n["title"] or n["name"])})
            walk(n["children"], depth + 1)
    walk(forest(), 0)
    return out
