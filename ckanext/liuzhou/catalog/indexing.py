"""What the catalog adds to each entry's Solr document.

- ``information_item_names``: the names of the information items, so that a word that only
  appears in an item (e.g. 公民身份号码) finds the entry (copied into ``text``).
- ``provider_level``: the provider department's level (市 / 县区 / 乡镇 / 村), a facet.
- ``provider_ancestors``: the provider and every department above it, so that
  ``fq=provider_ancestors:ljq`` selects a department's whole subtree.
- ``provider_text``: the titles of the provider and of every department above it, searched by
  text queries (公安局, 柳江区 find the entries of 柳江区公安局).
- ``data_grade``: the entry's grade, ``general`` for an entry saved before grading existed
  (so the grade facet counts every entry without a rewrite of the stored entries).
- the pinyin and vocabulary fields of :mod:`..search.indexing`.
"""
from __future__ import annotations

import json

from ..search import indexing as search_indexing
from .. import tree


def _items(value) -> list[dict]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return []
    return [v for v in value or [] if isinstance(v, dict)]


def before_dataset_index(pkg_dict: dict) -> dict:
    if pkg_dict.get("type") != "catalog":
        return pkg_dict
    pkg_dict["data_grade"] = pkg_dict.get("data_grade") or "general"
    items = _items(pkg_dict.get("information_items"))
    # A list of dicts would reach Solr as child documents: store the rows as JSON text.
    if "information_items" in pkg_dict:
        pkg_dict["information_items"] = json.dumps(items, ensure_ascii=False)
    names = [str(i.get("name")).strip() for i in items if i.get("name")]
    if names:
        pkg_dict["information_item_names"] = names
    owner = pkg_dict.get("owner_org")
    if owner:
        chain = tree.ancestry(owner)
        if chain:
            pkg_dict["provider_level"] = chain[0]["level"] or ""
            pkg_dict["provider_ancestors"] = [d["name"] for d in chain]
            pkg_dict["provider_text"] = [d["title"] for d in chain if d["title"]]
    pkg_dict.update(search_indexing.index_fields(pkg_dict))
    return pkg_dict
