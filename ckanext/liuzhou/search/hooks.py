"""Where query understanding meets CKAN's search: the Solr parameters of a text query, the
relaxed fallback and "did you mean" of the chained ``package_search``.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

import ckan.lib.plugins as lib_plugins
import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SearchError, make_connection
from ckan.lib.search.query import solr_literal

from . import pinyin, vocabulary
from .query import ParsedQuery, parse

log = logging.getLogger(__name__)
RELAXED_PARAM = "ext_relaxed"


def parsed(q: str) -> ParsedQuery:
    return parse(q, vocabulary.current())


def text_query_params(q: str, qf: str, relaxed: bool = False) -> dict[str, str] | None:
    """edismax parameters of a natural query (None: not one — empty, or Solr syntax)."""
    p = parsed(q)
    if not p.natural:
        return None
    return {"q": p.solr_q(relaxed=relaxed and p.can_relax), "defType": "edismax", "qf": qf}


def wants_relaxed(search_params: dict) -> bool:
    extras = search_params.get("extras") or {}
    return tk.asbool(extras.get(RELAXED_PARAM) or search_params.get(RELAXED_PARAM))


def _natural(data_dict: dict) -> ParsedQuery | None:
    q = data_dict.get("q")
    if not isinstance(q, str) or not q.strip() or data_dict.get("defType"):
        return None
    p = parsed(q)
    return p if p.natural else None


def search(original: Callable, context: dict, data_dict: dict, reader, rerun_count: Callable[[dict], None]) -> dict:
    """Run ``original`` (package_search); when a natural query finds nothing, run it relaxed
    (``relaxed: true``) and look for the word the user may have meant (``did_you_mean``).
    ``rerun_count(data_dict)`` is told the parameters of the result returned."""
    result = _run(original, context, data_dict)
    if result.get("count") or tk.asbool(data_dict.get(RELAXED_PARAM)):
        return result
    p = _natural(data_dict)
    if p is None:
        return result
    if p.can_relax:
        relaxed_dict = {**data_dict, RELAXED_PARAM: "1"}
        relaxed = _run(original, context, relaxed_dict)
        if relaxed.get("count"):
            result = relaxed
            result["relaxed"] = True
            rerun_count(relaxed_dict)
    suggestion = did_you_mean(p, context, reader)
    if suggestion:
        result["did_you_mean"] = suggestion
    _remember(data_dict.get("q"), result)
    return result


def _run(original: Callable, context: dict, data_dict: dict) -> dict:
    """``original``, with the search errors of a query (an unclosed bracket or quote, local
    parameters) raised again with a plain message: CKAN's own message shows the whole Solr
    request, filters and permission labels included. The search page shows it as its search
    error, the API as a 409 "Search error"."""
    try:
        return original(context, data_dict)
    except SearchError as e:
        message = str(e.args[0]) if e.args else ""
        if message.startswith("SOLR returned an error") and "SyntaxError" not in message:
            raise  # Solr trouble, not the query's: CKAN answers it as usual
        log.info("search refused for %r: %s", data_dict.get("q"), message[:200])
        raise SearchError(tk._("The search could not be understood: check its quotes, brackets "
                               "and operators, or search for the words alone"))


def _remember(q: Any, result: dict) -> None:
    """What the search page shows above the results (relaxed note, did-you-mean link)."""
    try:
        from flask import g, has_request_context
    except ImportError:  # pragma: no cover
        return
    if has_request_context():
        notes = getattr(g, "liuzhou_search_notes", None) or {}
        notes[q] = {"relaxed": bool(result.get("relaxed")), "did_you_mean": result.get("did_you_mean")}
        g.liuzhou_search_notes = notes


def page_notes(q: str | None) -> dict:
    """The relaxed note and the did-you-mean suggestion of the page's search for ``q``."""
    try:
        from flask import g
        return (getattr(g, "liuzhou_search_notes", None) or {}).get(q) or {}
    except RuntimeError:
        return {}


# ------------------------------------------------------------------------------- readers
# Who may see what is the access layer's rule (Art 20, 25, 26: access/policy.py). The access
# layer runs this capability's query inside its package_search, so it depends on search; search
# asks it back through the function it hands over here, not by importing it.
_reader_of: Callable[[dict], Any] | None = None


def use_reader(reader_of: Callable[[dict], Any]) -> None:
    """Called by the access layer when it loads: ``reader_of(context)`` gives the request's
    reader (``access.policy.Reader``) to the suggestions."""
    global _reader_of
    _reader_of = reader_of


def reader_of(context: dict):
    if _reader_of is None:  # the access layer always loads with the plugin: say so if it did not
        raise RuntimeError("search: no reader; ckanext.liuzhou.access.search was not imported")
    return _reader_of(context)


# --------------------------------------------------------------------------- did you mean
def visibility_fq(user, reader) -> list[str] | None:
    """The filters package_search applies for ``user``: this site, active catalog entries,
    the user's permission labels, offline entries (Art 20) kept from those who may not see
    them. None for anonymous users."""
    from ..lifecycle import visibility

    if user is None or getattr(user, "name", None) is None:
        return None
    labels = lib_plugins.get_permission_labels().get_user_dataset_labels(user)
    fq = ["+site_id:%s" % solr_literal(tk.config.get("ckan.site_id")), "+state:active",
          "+dataset_type:catalog",
          "+permission_labels:(%s)" % " OR ".join(solr_literal(label) for label in labels)]
    offline = visibility.search_filter(reader)
    if offline:
        fq.append(offline)
    return fq


def did_you_mean(p: ParsedQuery, context: dict, reader) -> str | None:
    """The query with each word that found nothing replaced by the catalog's word of the same
    pinyin (户藉 → 户籍, renkou → 人口), among the entries the user may see; None when there is
    no such word."""
    keys = {}
    for term in p.content:
        if term.han and len(term.text) > 1:
            keys[term.text] = pinyin.of_word(term.text)
        elif term.pinyin:
            keys[term.text] = "".join(term.pinyin)
    if not keys:
        return None
    fq = visibility_fq(context.get("auth_user_obj") or reader.user, reader)
    if fq is None:
        return None
    params: dict[str, Any] = {"rows": 0, "fq": fq, "facet": "true", "facet.mincount": 1,
                              "facet.limit": 10, "facet.sort": "count",
                              "facet.field": ["{!key=w%d facet.prefix=%s}vocab_py" % (i, solr_literal(key + "|"))
                                              for i, key in enumerate(keys.values())]}
    try:
        response = make_connection(decode_dates=False).search("*:*", **params)
    except Exception as e:  # Solr trouble: the page still answers, without a suggestion
        log.warning("did-you-mean query failed: %s", e)
        return None
    facets = (response.facets or {}).get("facet_fields", {})
    q = p.q
    changed = False
    for i, word in enumerate(keys):
        counts = facets.get("w%d" % i) or []
        candidates = [counts[j].split("|", 1)[1] for j in range(0, len(counts), 2)]
        if word in candidates:  # the catalog has this word: nothing to correct
            continue
        best = candidates[0] if candidates else None
        if best:
            q = q.replace(word, best)
            changed = True
    return q if changed else None

