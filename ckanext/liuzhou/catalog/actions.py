"""Actions of the catalog capability."""
from __future__ import annotations

import contextlib
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..lifecycle import hooks as lifecycle_hooks
from ..security import validators as security_validators
from .. import tree
from . import validators, vocab


@tk.chained_action
def package_create(up_func, context, data_dict):
    """Art 13: information_items may come as JSON text (design.md). Art 17: the response
    carries ``duplicate_warnings`` (lifecycle/hooks.py).

    The entry and its Art 17 check (names, warnings, audit row) are saved in one transaction,
    committed once at the end (unless the caller defers the commit): one commit and one Solr
    update per create, and never an entry saved without its check."""
    security_validators.require_text(data_dict, "id", "owner_org")  # docs/security.md, hostile input: no 500 on a number
    data_dict = validators.information_items_from_text(data_dict)
    with _one_commit(context):
        result = lifecycle_hooks.after_create(context, up_func(context, data_dict))
    return result


@contextlib.contextmanager
def _one_commit(context):
    """Run the block with ``defer_commit`` set, then commit once unless the caller deferred."""
    caller_defers = "defer_commit" in context, context.get("defer_commit")
    context["defer_commit"] = True
    try:
        yield
    finally:
        if caller_defers[0]:
            context["defer_commit"] = caller_defers[1]
        else:
            context.pop("defer_commit", None)
    if not caller_defers[1]:
        model.repo.commit()


@tk.chained_action
def package_update(up_func, context, data_dict):
    """Art 13: information_items may come as JSON text (design.md). Art 14, 17, 33.1: the
    lifecycle checks of lifecycle/hooks.py; the response carries ``duplicate_warnings``."""
    security_validators.require_text(data_dict, "id", "owner_org")  # docs/security.md, hostile input: no 500 on a number
    data_dict = validators.information_items_from_text(data_dict)
    before = lifecycle_hooks.before_update(context, data_dict)
    return lifecycle_hooks.after_update(context, before, up_func(context, data_dict))


@tk.side_effect_free
def liuzhou_department_tree(context, data_dict) -> dict[str, Any]:
    """Art 9: every department as a tree by level (市 / 县区 / 乡镇 / 村) with its entries.

    Returns ``{"departments": [node…], "levels": {level: number of departments}}`` where a
    node is ``{id, name, title, level, parent, entries, entries_total, children: [node…]}``:
    ``entries`` counts the catalog entries the department provides and ``entries_total``
    those of its whole subtree, both as the calling user may see them in search.
    """
    tk.check_access("liuzhou_department_tree", context, data_dict)
    search = tk.get_action("package_search")(
        {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj")},
        {"q": "", "fq": "+dataset_type:catalog", "rows": 0, "include_private": True,
         "facet.field": ["owner_org"], "facet.limit": -1})
    counts = {i["name"]: i["count"]
              for i in search.get("search_facets", {}).get("owner_org", {}).get("items", [])}
    levels = {level: 0 for level in vocab.LEVELS}

    def annotate(node: dict) -> int:
        node["entries"] = counts.get(node["id"], 0)
        node["entries_total"] = node["entries"] + sum(annotate(c) for c in node["children"])
        if node["level"] in levels:
            levels[node["level"]] += 1
        return node["entries_total"]

    forest = tree.forest()
    for root in forest:
        annotate(root)
    return {"departments": forest, "levels": levels}


def get_actions() -> dict:
    return {"liuzhou_department_tree": liuzhou_department_tree,
            "package_create": package_create, "package_update": package_update}
