"""Search over the catalog: Chinese text queries, facets with Chinese labels, filters by level
and by a department's subtree.

Text queries
    A query is normalised (NFKC: full-width ＧＤＰ / ５Ｇ / ＰＭ２．５ and the ideographic space
    become GDP / 5G / PM2.5 / a space; traditional characters become simplified). A query as
    people type it (no Solr syntax) is understood by :mod:`..search.query` (words, filler words,
    synonyms, departments' short names, pinyin) and sent as ``edismax`` over ``TEXT_QF``; the
    chained ``package_search`` falls back to partial matches when it finds nothing
    (:mod:`..search.hooks`). A query with Solr syntax (``AND`` / ``OR`` / ``-`` / quotes /
    groups) is parsed by ``edismax`` over ``TEXT_QF`` with CKAN's ``q.op=AND``, which makes every
    CJK bigram of a word required. Explicit ``defType`` / ``qf`` / ``mm`` from an API caller are
    kept; fielded queries (``title:人口``) keep CKAN's handling. The measurements are in
    ``python -m bench.relevance`` (bench/relevance.py) and docs/search.md.

Filters
    ``provider_level`` (a facet: ``?provider_level=county``) and a department's subtree:
    ``?department=ljq`` on the search page (or ``fq=department:ljq`` in the API) becomes
    ``provider_ancestors:"ljq"``: the entries of 柳江区 and of every department under it.

Facet labels
    ``after_dataset_search`` replaces the codes of the choice facets by their labels from the
    scheming schemas, in the user's language, in one pass over the facets (no query).
"""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk

from ..grading import grades
from ..search import hooks as search_hooks
from ..search import text as search_text
from ..search.text import TEXT_QF  # the catalog's fields and weights

_ = tk._

# For queries with Solr syntax: CKAN's q.op=AND already makes every word (and every bigram of
# it) required; mm only counts what a user joined with OR, and one of those is enough (CKAN's
# "2<-1 5<80%" would turn 医保 OR 公积金 into 医保 AND 公积金).
TEXT_QUERY_PARAMS = {"defType": "edismax", "qf": TEXT_QF, "mm": "1"}

_DEPARTMENT_FQ = re.compile(r'(?<![\w.-])department:("?)([A-Za-z0-9_-]+)\1')


def normalize_query(q: str) -> str:
    """NFKC (full-width letters, digits, spaces → ASCII), full-width syntax → space,
    traditional → simplified."""
    return search_text.normalize(q)


def _is_text_query(q: str) -> bool:
    # CKAN's own test (ckan/lib/search/query.py): a colon means field syntax
    return ":" not in q


def before_dataset_search(search_params: dict) -> dict:
    q = search_params.get("q")
    if isinstance(q, str) and q.strip():
        q = normalize_query(q)
        search_params["q"] = q
        if _is_text_query(q) and "defType" not in search_params:
            natural = search_hooks.text_query_params(q, search_params.get("qf") or TEXT_QF,
                                                     relaxed=search_hooks.wants_relaxed(search_params))
            if natural is not None:
                search_params.update(natural)
            else:
                for key, value in TEXT_QUERY_PARAMS.items():
                    search_params.setdefault(key, value)
    fq = search_params.get("fq")
    if isinstance(fq, str) and "department:" in fq:
        search_params["fq"] = _DEPARTMENT_FQ.sub(r'provider_ancestors:"\2"', fq)
    return search_params


# --------------------------------------------------------------------------- facets
def dataset_facets(facets_dict, package_type: str):
    """The catalog's facets (classification, sharing, provider, level, cycle, format, open)."""
    if package_type != "catalog":
        return facets_dict
    facets_dict.clear()
    facets_dict["access"] = _("Data access")   # counted from the user's grants (access.search)
    facets_dict["classification"] = _("Classification")
    facets_dict["sharing_type"] = _("Sharing type")
    facets_dict["data_grade"] = _("Data grade")   # 分级分类 (《政务数据共享条例》)
    facets_dict["organization"] = _("Provider")
    facets_dict["provider_level"] = _("Level")
    facets_dict["update_cycle"] = _("Update cycle")
    facets_dict["format_category"] = _("Format category")
    facets_dict["open_attribute"] = _("Open-data attribute")
    facets_dict["tags"] = _("Keywords")
    return facets_dict


# facet field -> (scheming entity, object type, field name) whose choices label its values
LABELLED_FACETS = {
    "classification": ("dataset", "catalog", "classification"),
    "sharing_type": ("dataset", "catalog", "sharing_type"),
    "update_cycle": ("dataset", "catalog", "update_cycle"),
    "format_category": ("dataset", "catalog", "format_category"),
    "open_attribute": ("dataset", "catalog", "open_attribute"),
    "provider_level": ("organization", "organization", "level"),
}


def _choices(entity: str, object_type: str, field_name: str) -> dict[str, Any]:
    """value -> label ({lang: text} or text) of a scheming select field."""
    schema = tk.h.scheming_get_schema(entity, object_type)
    if not schema:
        return {}
    key = "dataset_fields" if entity == "dataset" else "fields"
    for f in schema.get(key, []):
        if f["field_name"] == field_name:
            return {str(c["value"]): c.get("label", c["value"]) for c in f.get("choices") or []}
    return {}


def _language() -> str:
    try:
        lang = tk.h.lang()
    except (RuntimeError, TypeError, AttributeError):  # no request: API call from code, CLI
        lang = None
    return lang or tk.config.get("ckan.locale_default") or "en"


def _label(label: Any, lang: str) -> str:
    if isinstance(label, dict):
        return (label.get(lang) or label.get(tk.config.get("ckan.locale_default"))
                or label.get("en") or next(iter(label.values()), ""))
    return str(label)


def facet_labels(lang: str | None = None) -> dict[str, dict[str, str]]:
    """facet field -> {code: label in ``lang``} for the choice facets."""
    lang = lang or _language()
    labels = {
        facet: {value: _label(label, lang) for value, label in _choices(*source).items()}
        for facet, source in LABELLED_FACETS.items()
    }
    labels["data_grade"] = grades.labels(lang)   # the Operator's list, not the schema's
    return labels


def after_dataset_search(search_results: dict, search_params: dict) -> dict:
    """Chinese (or the user's language) display names for the choice facets' items."""
    facets = search_results.get("search_facets") or {}
    if not any(f in facets for f in (*LABELLED_FACETS, "data_grade")):
        return search_results
    labels = facet_labels()
    for facet, labels_of in labels.items():
        for item in facets.get(facet, {}).get("items", []):
            item["display_name"] = labels_of.get(item["name"], item["display_name"])
    return search_results
