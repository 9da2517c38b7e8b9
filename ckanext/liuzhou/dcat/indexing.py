"""ckanext-dcat's index hook kept off the information items.

ckanext-dcat's ``before_dataset_index`` flattens every repeating-subfield field of a scheming
schema into ``extras_<field>__<subfield>`` and CKAN's schema copies ``extras_*`` into ``text``:
the identifiers, data types and lengths of an entry's information items (信息项) would then match
any search for ``C`` or ``18``. The catalog already indexes what a search needs of them
(``information_item_names``, catalog/indexing.py), so the rows leave the Solr document here,
after the catalog's hook and before ckanext-dcat's (``dcat`` comes after ``liuzhou`` in
``ckan.plugins``). The entry itself keeps them: CKAN stores the whole dict in ``data_dict``
before any hook runs.
"""
from __future__ import annotations

#: The catalog schema's repeating-subfield fields.
REPEATING_FIELDS = ("information_items",)


def before_dataset_index(pkg_dict: dict) -> dict:
    if pkg_dict.get("type") == "catalog":
        for field in REPEATING_FIELDS:
            pkg_dict.pop(field, None)
    return pkg_dict
