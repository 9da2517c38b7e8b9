"""Facet links of search pages, built from one base URL per request.

CKAN's ``snippets/facet_list.html`` builds every link with ``h.add_url_param`` or
``h.remove_url_param``, and each call works out the page's URL again with ``url_for`` and
reads the request's parameters again: 49 links on the catalog search page for 人口. Here the
page's URL without parameters (from ``h.remove_url_param`` itself) and its current parameters
less ``page`` are read once per request and page (``extras`` / ``alternative_url``), and each
link is that URL plus ``urlencode`` of the parameters, encoded as CKAN's ``_url_with_params``
encodes them. tests/search/test_facets.py compares the links with CKAN's helpers.
"""
from __future__ import annotations

from typing import Any, Optional
from urllib.parse import urlencode

import flask

import ckan.plugins.toolkit as tk

_CACHE = "_liuzhou_facet_pages"


def _encoded(key: str, value: Any) -> tuple[str, Any]:
    # as ckan.lib.helpers._url_with_params
    return key, value.encode("utf-8") if isinstance(value, str) else str(value)


def _page(extras: Optional[dict], alternative_url: Optional[str]) -> tuple[str, list, list, str]:
    """(URL without parameters, current parameters less ``page``, each of them encoded as
    ``k=v``, all of them joined), once per request for each ``extras`` / ``alternative_url``."""
    pages = flask.g.setdefault(_CACHE, {})
    key = (alternative_url, repr(sorted((extras or {}).items())))
    page = pages.get(key)
    if page is None:
        params = [(k, v) for k, v in tk.request.args.items(multi=True) if k != "page"]
        base = tk.h.remove_url_param([k for k, _v in params], extras=extras,
                                     alternative_url=alternative_url)
        # urlencode of a list is its pairs, each encoded alone, joined by "&"
        pairs = [urlencode([_encoded(k, v)]) for k, v in params]
        page = pages[key] = (base, params, pairs, "&".join(pairs))
    return page


def _url(base: str, pairs: list) -> str:
    return f"{base}?{'&'.join(pairs)}" if pairs else base


def liuzhou_add_url_param(new_params: dict, extras: Optional[dict] = None,
                          alternative_url: Optional[str] = None) -> str:
    """``h.add_url_param(new_params=…, extras=…, alternative_url=…)``, without url_for."""
    base, _params, _pairs, current = _page(extras, alternative_url)
    new = urlencode([_encoded(k, v) for k, v in new_params.items()])
    if not new:
        return f"{base}?{current}" if current else base
    return f"{base}?{current}&{new}" if current else f"{base}?{new}"


def liuzhou_remove_url_param(key: str, value: Optional[str] = None, replace: Optional[str] = None,
                             extras: Optional[dict] = None,
                             alternative_url: Optional[str] = None) -> str:
    """``h.remove_url_param(key, value, replace, extras=…, alternative_url=…)`` for one key,
    without url_for: the first ``key=value`` pair, or every ``key``, is left out."""
    base, params, pairs, _current = _page(extras, alternative_url)
    if value:
        keep = list(range(len(params)))
        if (key, value) in params:
            keep.remove(params.index((key, value)))
    else:
        keep = [i for i, (k, _v) in enumerate(params) if k != key]
    out = [pairs[i] for i in keep]
    if replace is not None:
        out.append(urlencode([_encoded(key, replace)]))
    return _url(base, out)


def liuzhou_facet_href(name: str, item: dict, extras: Optional[dict] = None,
                       alternative_url: Optional[str] = None) -> str:
    """The link of a facet item: its filter added, or removed when it is active."""
    if item.get("active"):
        return liuzhou_remove_url_param(name, item["name"], extras=extras,
                                        alternative_url=alternative_url)
    return liuzhou_add_url_param({name: item["name"]}, extras=extras,
                                 alternative_url=alternative_url)

