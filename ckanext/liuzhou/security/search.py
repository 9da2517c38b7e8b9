"""Search parameters no caller may send to Solr (docs/security.md, "Search"), on top of CKAN 2.11's own
refusal of local params (``{!…}``) and magic fields (``_query_``, ``_val_``) and of the access
layer's ``fl`` / ``facet.field`` checks (access/search.py):

- ``defType`` other than ``dismax``, ``edismax``, ``lucene`` (sysadmins excepted): the other
  query parsers (``join``, ``graph``, ``mlt``, ``xmlparser``, ``func`` …) reach documents the
  caller's filters exclude, or read files;
- ``sort`` that is not a list of ``field [asc|desc]`` (no functions, no empty items): function
  sorts are a needless surface, and an empty item breaks CKAN's search page (IndexError → 500).

And in every answer, :func:`strip_stored_copies` removes the stored copies of whole entries
(``data_dict``, ``validated_data_dict``): with ``use_default_schema=true`` CKAN returns the
stored ``data_dict``, which holds ``validated_data_dict`` as JSON text — resource locations
included, unredacted (found by tests/hardening/test_search_escape.py).

The first two are refused with a ValidationError naming the parameter (HTTP 409 in the API); on pages
a bad ``sort`` gets a 400 (:func:`check_page_args`).
"""
from __future__ import annotations

import re
from typing import Any

import ckan.plugins.toolkit as tk

_ = tk._

QUERY_PARSERS = {"dismax", "edismax", "lucene"}
_SORT_ITEM = re.compile(r"^\s*[A-Za-z_][A-Za-z0-9_]*(?:\s+(?:asc|desc))?\s*$", re.IGNORECASE)


def valid_sort(value: Any) -> bool:
    if value in (None, "", "rank"):
        return True
    if not isinstance(value, str) or len(value) > 500:
        return False
    return all(_SORT_ITEM.match(item) for item in value.split(","))


def check_params(data_dict: dict, sysadmin: bool) -> None:
    """ValidationError for a query parser or a sort the caller may not use."""
    errors: dict[str, list[str]] = {}
    def_type = data_dict.get("defType")
    if def_type is not None and not sysadmin and def_type not in QUERY_PARSERS:
        errors["defType"] = [_("defType must be one of: {parsers}").format(parsers=", ".join(sorted(QUERY_PARSERS)))]
    if not valid_sort(data_dict.get("sort")):
        errors["sort"] = [_('sort must be a list of "field asc" or "field desc", separated by commas')]
    if errors:
        raise tk.ValidationError(errors)


STORED_COPIES = ("data_dict", "validated_data_dict")


def strip_stored_copies(results: list) -> None:
    for result in results:
        if isinstance(result, dict):
            for key in STORED_COPIES:
                result.pop(key, None)


def check_page_args():
    """before_app_request: a page asked to sort by something malformed answers 400 (CKAN's
    search page would fail on it with a server error)."""
    from flask import request

    if request.blueprint != "api" and "sort" in request.args and not valid_sort(request.args.get("sort")):
        tk.abort(400, _('sort must be a list of "field asc" or "field desc", separated by commas'))
