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

import ckan.plugins.toolkit as tk

from ..cascade import upward as cascade_upward
from ..lifecycle import visibility
from ..security import search as security_search
from . import redact
from .policy import Reader, context_reader

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
    security_search.check_params(data_dict, reader.sysadmin)  # issue 10: query parsers, sort

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
    result = original(context, data_dict)
    security_search.strip_stored_copies(result.get("results") or [])  # issue 10: use_default_schema
    redact.redact_packages(result.get("results") or [], reader)
    if counting is not None:
        _add_access_facet(original, context, counting, result, reader)
    return result


def _as_list_fq(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _add_access_facet(original, context: dict, data_dict: dict, result: dict,
                      reader: Reader) -> None:
    """Counts of readable / to-request entries among the results, counted by Solr."""
    data_dict.update({"rows": 0, "start": 0, "facet": "false"})
    data_dict.pop("facet.field", None)
    data_dict.pop("sort", None)
    data_dict["fq_list"] = [*_as_list_fq(data_dict.get("fq_list")),
                            "+" + reader.solr_readable_clause()]
    readable = original(dict(context), data_dict)["count"]
    total = result.get("count", 0)
    counts = {"readable": readable, "request": max(total - readable, 0)}
    labels = {"readable": tk._("Readable now"), "request": tk._("Needs a request")}
    result.setdefault("facets", {})[ACCESS_FIELD] = {k: v for k, v in counts.items() if v}
    result.setdefault("search_facets", {})[ACCESS_FIELD] = {
        "title": ACCESS_FIELD,
        "items": [{"name": k, "display_name": labels[k], "count": v}
                  for k, v in counts.items() if v],
    }
