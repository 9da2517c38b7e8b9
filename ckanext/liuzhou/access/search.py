"""Search that cannot be used to reach data a user may not read.

- Resource locations never enter the Solr document's searchable fields (``res_url``, and the
  ``urls``/``text`` fields it is copied to), so no ``q``, ``fq`` or facet can find or count one.
- Users other than sysadmins may not ask Solr for stored copies of whole entries
  (``data_dict``, ``validated_data_dict``), for pseudo-fields or patterns in ``fl``, or for
  facets on such fields: a clear validation error, nothing run.
- Results are redacted (see :mod:`.redact`) with one Reader per request.
- ``access`` is a filter and a facet computed inside Solr from the user's grants:
  ``fq=access:readable`` (可直接读取: the user may read the data now) and ``fq=access:request``
  (需申请). The grants are not indexed: the filter is built for each query from the user's
  memberships and delivered requests (:meth:`policy.Reader.solr_readable_clause`).
- Offline entries (Art 20) are filtered out for everyone but their provider, the Authority and
  the Operator (:func:`..lifecycle.visibility.search_filter`), for the context's user, so
  code outside a web request gets the same answer.
"""
from __future__ import annotations

import copy
import json
import re
from typing import Any

import ckan.lib.navl.dictization_functions as navl
import ckan.lib.plugins as lib_plugins
import ckan.lib.search as ckan_search
import ckan.logic.schema as ckan_schema
import ckan.model as model
import ckan.plugins as plugins
import ckan.plugins.toolkit as tk

from ..cascade import upward as cascade_upward
from ..lifecycle import visibility
from ..search import hooks as search_hooks
from ..security import search as security_search
from . import redact
from .policy import Reader, context_reader

search_hooks.use_reader(context_reader)  # the suggestions' readers (search/hooks.py)

# Stored or derived Solr fields that hold whole entries, locations or the access labels.
FORBIDDEN_FIELDS = {"data_dict", "validated_data_dict", "res_url", "urls", "text",
                    "permission_labels", "index_id", "_version_"}
_FIELD_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
ACCESS_FIELD = "access"
_ACCESS_FQ = re.compile(r'(?<![\w.-])access:("?)(readable|request)\1')


def index_document(pkg_dict: dict) -> dict:
    """before_dataset_index: keep resource locations out of the searchable document."""
    pkg_dict.pop("res_url", None)
    return pkg_dict


def _field_errors(names: list[str], param: str) -> list[str]:
    bad = [n for n in names if not _FIELD_NAME.match(n or "") or n in FORBIDDEN_FIELDS
           or n.startswith("res_extras_")]
    return [tk._("{param} may not name the field {name}").format(param=param, name=n)
            for n in bad]


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = value.replace(",", " ").split()
        value = parsed if isinstance(parsed, list) else [str(parsed)]
    return [str(v) for v in value]


def check_fields(data_dict: dict, reader: Reader) -> None:
    """Refuse fl / facet.field values that could reveal stored entries or locations."""
    if reader.sysadmin:
        return
    errors: dict[str, list[str]] = {}
    for param in ("fl", "facet.field"):
        if param in data_dict:
            names = [n for n in _as_list(data_dict[param]) if n != ACCESS_FIELD]
            messages = _field_errors(names, param)
            if messages:
                errors[param] = messages
    if errors:
        raise tk.ValidationError(errors)


def _readable_fq(fq: str, reader: Reader) -> str:
    clause = reader.solr_readable_clause()

    def repl(match: re.Match) -> str:
        return "+" + clause if match.group(2) == "readable" else "-" + clause

    return _ACCESS_FQ.sub(repl, fq)


def run(original, context: dict, data_dict: dict) -> dict:
    """The chained package_search."""
    if context.get("ignore_auth"):
        return original(context, data_dict)
    reader = context_reader(context)
    data_dict = dict(data_dict)
    check_fields(data_dict, reader)
    if cascade_upward.is_region_account(context.get("auth_user_obj") or context.get("user")):
        # regional entries stay down, for in-process calls too (before_dataset_search covers
        # the web request's user)
        cascade_upward.exclude_regional(data_dict)
    security_search.check_params(data_dict, reader.sysadmin)  # docs/security.md: query parsers, sort

    facet_fields = data_dict.get("facet.field")
    want_access_facet = False
    if facet_fields is not None:
        names = _as_list(facet_fields)
        want_access_facet = ACCESS_FIELD in names
        if want_access_facet:
            data_dict["facet.field"] = [n for n in names if n != ACCESS_FIELD]
    fq = data_dict.get("fq")
    if isinstance(fq, str) and "access:" in fq:
        data_dict["fq"] = _readable_fq(fq, reader)
    if (offline := visibility.search_filter(reader)):  # Art 20: offline entries
        data_dict["fq_list"] = [*_as_list_fq(data_dict.get("fq_list")), offline]
    if tk.asbool(data_dict.pop("readable", False)):
        data_dict["fq_list"] = [*_as_list_fq(data_dict.get("fq_list")),
                                "+" + reader.solr_readable_clause()]

    counting = copy.deepcopy(data_dict) if want_access_facet else None

    def counted(params: dict) -> None:  # the relaxed query's parameters, when it answered
        nonlocal counting
        if counting is not None:
            counting = copy.deepcopy(params)

    result = search_hooks.search(original, context, data_dict, reader, counted)
    security_search.strip_stored_copies(result.get("results") or [])  # docs/security.md: use_default_schema
    redact.redact_packages(result.get("results") or [], reader)
    if counting is not None:
        _add_access_facet(context, counting, result, reader)
    return result


def _as_list_fq(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _add_access_facet(context: dict, data_dict: dict, result: dict, reader: Reader) -> None:
    """Counts of readable / to-request entries among the results, counted by Solr."""
    total = result.get("count", 0)
    readable = _readable_count(context, data_dict, reader, total)
    counts = {"readable": readable, "request": max(total - readable, 0)}
    labels = {"readable": tk._("Readable now"), "request": tk._("Needs a request")}
    result.setdefault("facets", {})[ACCESS_FIELD] = {k: v for k, v in counts.items() if v}
    result.setdefault("search_facets", {})[ACCESS_FIELD] = {
        "title": ACCESS_FIELD,
        "items": [{"name": k, "display_name": labels[k], "count": v}
                  for k, v in counts.items() if v],
    }


def _readable_count(context: dict, data_dict: dict, reader: Reader, total: int) -> int:
    """How many of the ``total`` entries that ``data_dict`` finds the user may read.

    No query when the answer is known (a sysadmin reads all, an anonymous user or one without
    any department nothing, no results). Otherwise one bare Solr count (rows=0, no facets, no
    stored documents): the main query's parameters as ``package_search`` sends them to Solr
    (its validation, the plugins' ``before_dataset_search``, capacity, state, permission
    labels, through CKAN's own ``PackageSearchQuery``) plus the readable clause as one more
    ``fq``, instead of a second ``package_search`` (auth, hooks, results decoded and redacted).

    CKAN's search layer accepts neither ``facet.query`` nor ``json.facet`` and returns only
    field facets, so the count cannot ride on the main query.
    """
    clause = reader.solr_readable_clause()
    if clause == "*:*":
        return total
    if clause == "-*:*" or not total:
        return 0
    params = _solr_params(context, data_dict)
    if params is None:
        return 0
    include_private = params.pop("_include_private")
    params.update({"rows": 0, "start": 0, "facet": "false", "fl": "id"})
    for key in ("sort", "facet.field", "facet.limit", "facet.mincount"):
        params.pop(key, None)
    params["fq_list"] = [*_as_list_fq(params.get("fq_list")), "+" + clause]
    # Public entries carry the label "public", which every user has: the labels restrict
    # nothing unless private entries are searched too.
    labels = (lib_plugins.get_permission_labels().get_user_dataset_labels(reader.user)
              if include_private else None)
    query = ckan_search.query_for(model.Package)
    query.run(params, permission_labels=labels)
    return query.count


def _solr_params(context: dict, data_dict: dict) -> dict | None:
    """``data_dict`` as package_search prepares it for PackageSearchQuery.run (None when a
    plugin aborts the search). Mirrors ckan/logic/action/get.py package_search."""
    schema = context.get("schema") or ckan_schema.default_package_search_schema()
    params, errors = navl.validate(copy.deepcopy(data_dict), schema, dict(context))
    if errors:  # the main query had the same parameters and passed
        raise tk.ValidationError(errors)
    params.update(params.pop("__extras", {}))
    extras = params.get("extras") or {}
    for key in [k for k in params if k.startswith("ext_")]:
        extras[key] = params.pop(key)
    params["extras"] = extras
    params["df"] = "text"
    for plugin in plugins.PluginImplementations(plugins.IPackageController):
        params = plugin.before_dataset_search(params)
    if params.get("abort_search"):
        return None
    params.pop("abort_search", None)
    params.pop("use_default_schema", None)
    params.pop("extras", None)
    fq = params.get("fq") or ""
    include_private = tk.asbool(params.pop("include_private", False))
    include_drafts = tk.asbool(params.pop("include_drafts", False))
    include_deleted = tk.asbool(params.pop("include_deleted", False))
    if not include_private:
        fq = "+capacity:public " + fq
    if "+state" not in fq:
        states = ["active", *(["draft"] if include_drafts else []),
                  *(["deleted"] if include_deleted else [])]
        fq += " +state:({})".format(" OR ".join(states))
    params["fq"] = fq
    params["_include_private"] = include_private
    return params
