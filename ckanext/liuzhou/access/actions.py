"""CKAN read actions chained so that no path shows a location or data a user may not read.

- ``package_search``: see :mod:`.search` (field checks, the ``access`` filter and facet,
  redacted results).
- ``package_show`` / ``resource_show`` are redacted by the plugin's ``after_dataset_show``.
- ``current_package_list_with_resources`` and ``resource_search`` return resources straight
  from the database: redacted here; ``resource_search`` may not search by location.
- ``tag_show`` with ``include_datasets`` reads stored entries straight from Solr: its entries
  come from the chained ``package_search`` instead (redacted, offline entries hidden).
- ``dataset_followee_list`` and ``followee_list`` dictize the entries a user follows from the
  database (anyone may follow an entry): redacted here.
- DataStore reads (when the datastore plugin runs) are checked by the auth chain and each
  successful read is written to the audit log (Art 25).
"""
from __future__ import annotations

from typing import Any, Callable

import ckan.model as model
import ckan.plugins as plugins
import ckan.plugins.toolkit as tk

from ..audit import log as audit
from ..security import validators as security_validators
from . import redact, search
from .policy import context_reader


@tk.chained_action
@tk.side_effect_free
def package_search(original, context, data_dict):
    return search.run(original, context, data_dict)


def _redacting(name: str, entries: Callable[[Any], list] = lambda result: result):
    """A chained action that returns the original's result with its entries redacted for the
    caller (not for an ``ignore_auth`` call). The caller and ``ignore_auth`` are read before the
    original runs: CKAN's ``followee_list`` sets ``ignore_auth`` for the lists it calls."""
    def action(original, context, data_dict):
        reader = None if context.get("ignore_auth") else context_reader(context)
        result = original(context, data_dict)
        if reader is not None:
            redact.redact_packages(entries(result), reader)
        return result
    action.__name__ = action.__qualname__ = name
    return tk.chained_action(tk.side_effect_free(action))


current_package_list_with_resources = _redacting("current_package_list_with_resources")
dataset_followee_list = _redacting("dataset_followee_list")
followee_list = _redacting("followee_list", lambda result: [f["dict"] for f in result if f.get("type") == "dataset"])


def _names_location(query: Any) -> bool:
    terms = [query] if isinstance(query, str) else list(query or [])
    return any(str(t).split(":", 1)[0].strip().lower() in ("url", "cache_url")
               for t in terms if ":" in str(t))


@tk.chained_action
@tk.side_effect_free
def resource_search(original, context, data_dict):
    security_validators.require_search_terms(data_dict)  # issue 10: no 500 on a number or a list
    reader = context_reader(context)
    fields = data_dict.get("fields") or {}
    if not reader.sysadmin and not context.get("ignore_auth") and (
            _names_location(data_dict.get("query"))
            or any(str(k).lower() in ("url", "cache_url") for k in fields)):
        raise tk.ValidationError({"query": [tk._("Resources cannot be searched by location")]})
    result = original(context, data_dict)
    if context.get("ignore_auth"):
        return result
    owners = dict(model.Session.query(model.Package.id, model.Package.owner_org).filter(
        model.Package.id.in_({r.get("package_id") for r in result.get("results", [])})))
    sharing = dict(model.Session.query(model.PackageExtra.package_id, model.PackageExtra.value)
                   .filter(model.PackageExtra.package_id.in_(owners),
                           model.PackageExtra.key == "sharing_type"))
    for resource in result.get("results", []):
        pid = resource.get("package_id")
        if reader.owns(owners.get(pid)):
            continue
        decision = reader.decide(pid, owners.get(pid), sharing.get(pid))
        redact.redact_resource(resource, decision.readable)
    return result


@tk.chained_action
@tk.side_effect_free
def tag_show(original, context, data_dict):
    include = tk.asbool((data_dict or {}).get("include_datasets", False))
    result = original(context, dict(data_dict or {}, include_datasets=False))
    if not include:
        return result
    field = "tags"
    if result.get("vocabulary_id"):
        vocab = model.Vocabulary.get(result["vocabulary_id"])
        field = f"vocab_{vocab.name}" if vocab else field
    name = result["name"].replace("\\", "\\\\").replace('"', '\\"')
    search_context = {k: v for k, v in context.items() if k not in ("schema", "tag", "__auth_audit")}
    result["packages"] = tk.get_action("package_search")(search_context, {
        "fq": f'+{field}:"{name}"', "rows": 1000})["results"]
    return result


def _record_datastore_read(context, resource_ids: list[str]) -> None:
    user = context.get("auth_user_obj") or context.get("user")
    for rid in resource_ids:
        resource = model.Resource.get(rid)
        if resource is None:
            continue
        decision = context_reader(context).decide_package(resource.package)
        audit.record_read(user, resource.package, rid, share_request_id=decision.share_request_id)


@tk.chained_action
@tk.side_effect_free
def datastore_search(original, context, data_dict):
    result = original(context, data_dict)
    _record_datastore_read(context, [result.get("resource_id") or data_dict.get("resource_id")])
    return result


@tk.chained_action
@tk.side_effect_free
def datastore_search_sql(original, context, data_dict):
    result = original(context, data_dict)
    _record_datastore_read(context, list(context.get("table_names") or []))
    return result


def get_actions() -> dict[str, Any]:
    actions: dict[str, Any] = {
        "package_search": package_search,
        "current_package_list_with_resources": current_package_list_with_resources,
        "resource_search": resource_search,
        "tag_show": tag_show,
        "dataset_followee_list": dataset_followee_list,
        "followee_list": followee_list,
    }
    if plugins.plugin_loaded("datastore"):
        actions["datastore_search"] = datastore_search
        if tk.asbool(tk.config.get("ckan.datastore.sqlsearch.enabled")):
            actions["datastore_search_sql"] = datastore_search_sql
    return actions
