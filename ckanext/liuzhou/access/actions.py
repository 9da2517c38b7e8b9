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
- DataStore reads (when the datastore plugin runs) are checked by the auth chain, projected
  onto the delivered information items (:mod:`.columns`), and each read and each refusal is
  written to the audit log (Art 20, 21, 25–26).
"""
from __future__ import annotations

import json
from typing import Any, Callable, Optional

import ckan.model as model
import ckan.plugins as plugins
import ckan.plugins.toolkit as tk

from .. import audit, masking
from ..security import validators as security_validators
from . import auth as access_auth
from . import columns, redact, search
from .policy import context_reader


@tk.chained_action
@tk.side_effect_free
def package_search(original, context, data_dict):
    return search.run(original, context, data_dict)


def _text(*keys: str) -> Callable[[dict], None]:
    """Refuse these keys unless they are text: CKAN's followee lists look the user up by ``id``
    in SQL and filter with ``q.strip()``, so a number or a list there was a server error."""
    def check(data_dict: dict) -> None:
        data_dict = data_dict or {}
        bad = {k: [tk._("Not a string")] for k in keys  # CKAN's message, translated in its catalog
               if data_dict.get(k) is not None and not isinstance(data_dict[k], str)}
        if bad:
            raise tk.ValidationError(bad)
    return check


def _redacting(name: str, entries: Callable[[Any], list] = lambda result: result,
               check: Callable[[dict], None] = lambda data_dict: None):
    """A chained action that returns the original's result with its entries redacted for the
    caller (not for an ``ignore_auth`` call). The caller and ``ignore_auth`` are read before the
    original runs: CKAN's ``followee_list`` sets ``ignore_auth`` for the lists it calls."""
    def action(original, context, data_dict):
        check(data_dict)
        reader = None if context.get("ignore_auth") else context_reader(context)
        result = original(context, data_dict)
        if reader is not None:
            redact.redact_packages(entries(result), reader)
        return result
    action.__name__ = action.__qualname__ = name
    return tk.chained_action(tk.side_effect_free(action))


current_package_list_with_resources = _redacting("current_package_list_with_resources")
dataset_followee_list = _redacting("dataset_followee_list", check=_text("id"))
followee_list = _redacting("followee_list", lambda result: [f["dict"] for f in result if f.get("type") == "dataset"],
                           check=_text("id", "q"))


def _names_location(query: Any) -> bool:
    terms = [query] if isinstance(query, str) else list(query or [])
    return any(str(t).split(":", 1)[0].strip().lower() in ("url", "cache_url")
               for t in terms if ":" in str(t))


@tk.chained_action
@tk.side_effect_free
def resource_search(original, context, data_dict):
    security_validators.require_search_terms(data_dict)  # docs/security.md: no 500 on a number or a list
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
        decision = redact.resource_decision(reader, resource, pid, owners.get(pid), sharing.get(pid))
        redact.redact_resource(resource, decision.readable)
    return result


@tk.chained_action
@tk.side_effect_free
def tag_show(original, context, data_dict):
    security_validators.require_text(data_dict, "id", "vocabulary_id")  # a number is no tag (no 500)
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
    for rid in dict.fromkeys(resource_ids):
        resource = model.Resource.get(rid) if rid else None
        if resource is None:
            continue
        decision = access_auth.decision_for(dict(context), resource)
        audit.record_read(user, resource.package, rid, share_request_id=decision.share_request_id)


def _record_refusals(context, name: str, refusals: list) -> None:
    """Art 25 traceability: a DataStore read refused by the access decision (offline, not
    delivered, no grant) is recorded like a refused download. A request for columns outside
    the delivered items is refused before anything is read, as an input error: nothing recorded
    (a refused call changes nothing, see tests/hardening/test_hostile_input.py)."""
    user = context.get("auth_user_obj") or context.get("user")
    recorded = False
    for resource, decision in refusals:
        if resource is None or decision.via == "missing":
            continue
        audit.record("data.refused", user, package=resource.package, resource_id=resource.id,
                     object_type="resource", object_id=resource.id,
                     detail={"path": name, "reason": decision.via})
        recorded = True
    if recorded:
        model.Session.commit()


def _guarded(name: str, context, data_dict, run: Callable[[], Any]) -> Any:
    """Run a DataStore read; on a refusal write the audit row, then refuse."""
    refusals = context.setdefault("liuzhou_refusals", [])
    try:
        return run()
    except tk.NotAuthorized:
        _record_refusals(context, name, refusals)
        raise


def _datastore_id(rid: Optional[str]) -> Optional[str]:
    """The real resource id of a DataStore id or alias (as ``datastore_search`` resolves it)."""
    from ckanext.datastore.backend import DatastoreBackend

    if not rid or model.Resource.get(rid) is not None:
        return rid
    try:
        exists, real = DatastoreBackend.get_active_backend().resource_id_from_alias(rid)
    except Exception:  # noqa: BLE001  (an unknown id: the action says so)
        return rid
    return real or rid


def _table_columns(rid: str) -> list[str]:
    from ckanext.datastore.backend import DatastoreBackend

    return [f["id"] for f in DatastoreBackend.get_active_backend().resource_fields(rid)["fields"]]


def _refuse_masked_search(data_dict: dict, masked: dict[str, str]) -> None:
    """A reader who sees a column masked may not find rows by its clear value (a filter or a
    column query on it, or a full-text search, which reads every column's words)."""
    filters, q = data_dict.get("filters"), data_dict.get("q")
    if isinstance(filters, str):
        try:
            filters = json.loads(filters)
        except ValueError:
            filters = {}
    if isinstance(q, str) and q.startswith("{"):
        try:
            q = json.loads(q)
        except ValueError:
            pass
    named = set(filters or {}) if isinstance(filters, dict) else set()
    named |= set(q) if isinstance(q, dict) else set()
    hit = sorted(named & set(masked))
    text = (isinstance(q, str) and q.strip()) or data_dict.get("full_text") not in (None, "")
    if hit or text:
        raise tk.ValidationError({"q" if text and not hit else "filters": [tk._(
            "Personal information is masked for you in this table: it cannot be searched by its values ({items})"
        ).format(items=", ".join(hit or sorted(masked)))]})


@tk.chained_action
@tk.side_effect_free
def datastore_search(original, context, data_dict):
    """A DataStore search (and the DataStore dump) reads only what the user may read: refused
    on an offline entry or resource (Art 20, 21) and on a resource not delivered (Art 25–26);
    projected onto the delivered information items (Art 25, 26.4, :mod:`.columns`)."""
    security_validators.require_text(data_dict, "resource_id")  # a number could name an alias
    def run():
        rid = _datastore_id(data_dict.get("resource_id"))
        allowed = access_auth.restriction(context, rid)
        if allowed is not None:   # a column outside the items is refused before anything is read
            columns.restrict_search(data_dict, allowed, _table_columns(rid))
        masked = access_auth.masked_columns(context, rid)
        if masked:   # PIPL: a masked column is not searched by its clear value either
            _refuse_masked_search(data_dict, masked)
        result = original(context, data_dict)
        if masked:
            masking.mask_result(result, masked)
            result["liuzhou_masked"] = sorted(c for c in masked if c in {f.get("id") for f in result.get("fields") or []})
        _record_datastore_read(context, [result.get("resource_id") or data_dict.get("resource_id")])
        return result
    return _guarded("datastore_search", context, data_dict, run)


@tk.chained_action
@tk.side_effect_free
def datastore_info(original, context, data_dict):
    """A table's columns, only those the user may read (Art 20, 21, 25–26)."""
    security_validators.require_text(data_dict, "id", "resource_id")  # not CKAN's SQL error
    def run():
        result = original(context, data_dict)
        rid = data_dict.get("id") or data_dict.get("resource_id")
        allowed = access_auth.restriction(context, rid)
        return columns.restrict_info(result, allowed) if allowed is not None else result
    return _guarded("datastore_info", context, data_dict, run)


@tk.chained_action
@tk.side_effect_free
def datastore_search_sql(original, context, data_dict):
    """SQL on the DataStore: every table must be readable (Art 20, 21, 25–26) and only the
    delivered information items of a table may be read (Art 25, 26.4, :mod:`.columns`)."""
    tables = context.setdefault("liuzhou_tables", [])

    def run():
        result = original(context, data_dict)
        _record_datastore_read(context, list(tables))
        return result
    return _guarded("datastore_search_sql", context, data_dict, run)


ROUTES = ("download", "datastore.dump")


def resource_data_open(context, data_dict) -> dict:
    """Open one resource's data on a route of the platform's data channel (Art 10–11) and
    record it (Art 25 traceability): the download routes and the DataStore dump call it.

    ``resource_data_read`` decides (Art 20, 21, 25–26). A refusal is written to the audit log
    (``data.refused``, with the route and the reason; committed unless ``defer_commit``) and
    raised as NotAuthorized; a resource that does not exist for the user is NotFound, recorded
    nowhere. On the ``download`` route a read is recorded (``data.read``), except where a grant
    opens only the delivered items of a DataStore table (Art 25, 26.4): ``via`` is then
    ``dump``, whose reads the chained ``datastore_search`` records. The ``datastore.dump`` route
    records only refusals, for the same reason.

    :param id: the resource
    :param route: ``download`` (default) or ``datastore.dump``
    :param path: the page asked (recorded with a refusal; default: the route)
    :returns: ``{"id", "via": "file" | "link" | "dump" | "table"}``
    """
    tk.check_access("resource_data_open", context, data_dict)
    route = data_dict.get("route") or "download"
    if route not in ROUTES:
        raise tk.ValidationError({"route": [tk._("Unknown route")]})
    rid = data_dict.get("id")
    resource = model.Resource.get(rid) if isinstance(rid, str) and rid else None
    if resource is None or resource.state != "active":
        raise tk.ObjectNotFound(tk._("Resource not found"))
    user = context.get("auth_user_obj") or context.get("user")
    try:
        tk.check_access("resource_data_read", context, {"id": resource.id})
    except tk.NotAuthorized:
        decision = context.get("liuzhou_access_decision")
        if decision is not None and decision.via == "missing":
            raise tk.ObjectNotFound(tk._("Resource not found"))
        path = data_dict.get("path")
        audit.record("data.refused", user, package=resource.package, resource_id=resource.id,
                     object_type="resource", object_id=resource.id,
                     detail={"path": path if isinstance(path, str) and path else route,
                             "reason": decision.via if decision else None})
        if not context.get("defer_commit"):
            model.Session.commit()
        raise
    decision = context.get("liuzhou_access_decision")
    items = decision.items if decision is not None and decision.via == "grant" else None
    if route == "datastore.dump":
        return {"id": resource.id, "via": "table"}
    if (items is not None and resource.extras.get("datastore_active")
            and columns.allowed_columns(resource.package, items) is not None):
        return {"id": resource.id, "via": "dump"}
    if resource.extras.get("datastore_active") and access_auth.masked_columns(context, resource.id):
        return {"id": resource.id, "via": "dump"}   # PIPL: the file would show personal items unmasked
    audit.record_read(user, resource.package, resource.id,
                      share_request_id=decision.share_request_id if decision else None, commit=False)
    if not context.get("defer_commit"):
        model.Session.commit()
    return {"id": resource.id, "via": "file" if resource.url_type == "upload" else "link"}


def get_actions() -> dict[str, Any]:
    actions: dict[str, Any] = {
        "package_search": package_search,
        "current_package_list_with_resources": current_package_list_with_resources,
        "resource_search": resource_search,
        "tag_show": tag_show,
        "dataset_followee_list": dataset_followee_list,
        "followee_list": followee_list,
        "resource_data_open": resource_data_open,
    }
    if plugins.plugin_loaded("datastore"):
        actions["datastore_search"] = datastore_search
        actions["datastore_info"] = datastore_info
        if tk.asbool(tk.config.get("ckan.datastore.sqlsearch.enabled")):
            actions["datastore_search_sql"] = datastore_search_sql
    return actions
