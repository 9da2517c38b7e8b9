"""Auth functions of the access layer.

- Anonymous visitors reach nothing of the catalog unless ``ckanext.liuzhou.anonymous_access``
  says so: CKAN's read actions are chained to refuse them.
- Reading a resource's data (the platform's download route, the DataStore) needs the access
  rule of :mod:`.policy`: ``resource_data_read`` is the one check every data path makes.
"""
from __future__ import annotations

from typing import Any, Callable, Optional

import ckan.model as model
import ckan.plugins as plugins
import ckan.plugins.toolkit as tk

from .. import config as lz_config
from ..lifecycle import auth as _lifecycle_auth
from ..lifecycle import visibility
from .. import authz, masking
from ..items import entry_items
from . import columns
from .policy import Decision, context_reader

# CKAN read actions that show the catalog (and the activity plugin's).
CATALOG_READS = (
    "package_search", "package_show", "package_list", "current_package_list_with_resources",
    "resource_show", "resource_search", "resource_view_show", "resource_view_list",
    "package_autocomplete", "format_autocomplete", "package_relationships_list",
    "organization_list", "organization_show", "group_list", "group_show",
    "organization_autocomplete", "group_autocomplete", "tag_list", "tag_show",
    "tag_autocomplete", "member_list", "organization_list_for_user",
)
ACTIVITY_READS = (
    "package_activity_list", "organization_activity_list", "group_activity_list",
    "recently_changed_packages_activity_list", "activity_show", "activity_data_show",
    "activity_diff",
)
DATASTORE_READS = ("datastore_search", "datastore_info", "datastore_search_sql")


def anonymous_allowed() -> bool:
    return lz_config.anonymous_access()


def _signed_in(context) -> bool:
    user = context.get("auth_user_obj")
    return bool(getattr(user, "id", None)) or authz.user_obj(context.get("user")) is not None


def _refuse_anonymous(name: str) -> Callable:
    @tk.chained_auth_function
    @tk.auth_allow_anonymous_access
    def guard(next_auth, context, data_dict):
        if not _signed_in(context) and not anonymous_allowed():
            return {"success": False, "msg": tk._("Please sign in to use the data sharing platform")}
        if name == "package_show" and (refused := _lifecycle_auth.offline_refusal(context, data_dict)):
            return refused  # Art 20: an offline entry only for its provider, Authority, Operator
        return next_auth(context, data_dict)

    guard.__name__ = name
    return guard


def _resource(data_dict: dict) -> Optional[model.Resource]:
    rid = data_dict.get("resource_id") or data_dict.get("id")
    return model.Resource.get(rid) if rid else None


def resource_offline(resource: model.Resource) -> bool:
    """Art 21: the resource's offlining was completed (its online status is offline)."""
    return (resource.extras or {}).get("online_status") == "offline"


def decision_for(context, resource: Optional[model.Resource]) -> Decision:
    """The decision on one resource's data, for every data path (the platform's download,
    CKAN's download routes, the DataStore reads and dump):

    - Art 20: an offline catalog entry, and Art 21: a resource whose offlining was completed,
      are refused to everyone but the provider, the Authority and the Operator (Art 33.1);
      during the Art 21 public notice the resource is still online and readable;
    - Art 25–26: a share request opens only the resources it delivered, and of a DataStore
      table only the approved information items (``Decision.items``, see :mod:`.columns`).
    """
    reader = context_reader(context)
    package = resource.package if resource is not None else None
    if resource is None or resource.state != "active" or package is None:
        return Decision(False, "missing")
    if (package.state != "active" or package.private) and not reader.owns(package.owner_org):
        return Decision(False, "missing")
    return reader.decide_resource(
        resource.id, package.id, package.owner_org, package.extras.get("sharing_type"),
        entry_offline=package.type == "catalog" and visibility.is_offline(package.id),
        resource_offline=resource_offline(resource))


def restriction(context, resource_id: Optional[str]) -> Optional[set[str]]:
    """The readable columns of the resource's table for the context's user, None if all."""
    resource = model.Resource.get(resource_id) if resource_id else None
    decision = decision_for(dict(context), resource)
    if not decision.readable or decision.via != "grant":
        return None
    return columns.allowed_columns(resource.package, decision.items)


def masked_columns(context, resource_id: Optional[str]) -> dict[str, str]:
    """The columns of the resource's table shown masked to the context's user (column →
    kind of value, :mod:`ckanext.liuzhou.masking`): the entry's personal items, unless the
    user is of the provider (or a sysadmin), or reads through a grant whose request named the
    item and whose purpose the provider approved for it (PIPL Art 6; 《政务数据共享条例》
    security chapter). Empty when nothing is masked."""
    resource = model.Resource.get(resource_id) if resource_id else None
    if resource is None:
        return {}
    decision = decision_for(dict(context), resource)
    if not decision.readable or decision.via in ("owner", "sysadmin"):
        return {}
    unmasked = decision.unmasked if decision.via == "grant" else frozenset()
    return masking.personal_columns(entry_items(resource.package), unmasked)


def _sql_readable(context, table: str, allowed: Optional[set[str]]) -> Optional[set[str]]:
    """An SQL statement reads no masked column (it could not be masked in its result)."""
    masked = masked_columns(context, table)
    if not masked:
        return allowed
    if allowed is None:
        from ckanext.datastore.backend import DatastoreBackend
        allowed = {f["id"] for f in DatastoreBackend.get_active_backend().resource_fields(table)["fields"]}
        allowed.add(columns.ROW_ID)
    return set(allowed) - set(masked)


def _data_result(decision: Decision) -> dict:
    if decision.readable:
        return {"success": True}
    if decision.via == "signin":
        return {"success": False, "msg": tk._("Please sign in to read data")}
    if decision.via == "missing":
        return {"success": False, "msg": tk._("No such resource")}
    if decision.via == "offline_entry":
        return {"success": False, "msg": tk._("This catalog entry is offline: its data can no longer be read")}
    if decision.via == "offline":
        return {"success": False, "msg": tk._("This data resource has been taken offline: its data can no longer be read")}
    if decision.via == "not_delivered":
        return {"success": False, "msg": tk._("Your share request does not deliver this resource: "
                                               "only the resources delivered to you can be read")}
    return {"success": False,
            "msg": tk._("You may not read this data: it needs a share request that has been "
                        "delivered to you and is still valid")}


@tk.auth_allow_anonymous_access
def resource_data_read(context, data_dict) -> dict:
    """May the user read this resource's data (download, DataStore)? (Art 20, 21, 25–26, 28).

    A refusal is also appended to ``context["liuzhou_refusals"]`` when the caller put a list
    there (the DataStore actions, whose context CKAN copies before this check, audit it)."""
    resource = _resource(data_dict)
    decision = decision_for(context, resource)
    context["liuzhou_access_decision"] = decision
    if not decision.readable and isinstance(context.get("liuzhou_refusals"), list):
        context["liuzhou_refusals"].append((resource, decision))
    return _data_result(decision)


@tk.auth_disallow_anonymous_access
def resource_data_open(context, data_dict) -> dict:
    """Any signed-in user: the action decides with ``resource_data_read`` itself, so that a
    refusal is recorded (Art 25) before it is raised."""
    return {"success": True}


def _datastore_guard(name: str) -> Callable:
    @tk.chained_auth_function
    @tk.auth_allow_anonymous_access
    def guard(next_auth, context, data_dict):
        """Every table read must pass ``resource_data_read`` (Art 20, 21, 25–26); an SQL
        statement may read only the columns its grants open of each table (Art 25, 26.4)."""
        if name == "datastore_search_sql":
            names = list(context.get("table_names") or [])
            if isinstance(context.get("liuzhou_tables"), list):
                context["liuzhou_tables"].extend(names)   # for the read audit of the action
        else:
            names = [data_dict.get("resource_id") or data_dict.get("id")]
        for table in names:
            result = resource_data_read(dict(context), {"id": table})
            if not result["success"]:
                return result
        if name == "datastore_search_sql":
            restricted = {t: allowed for t in set(names)
                          if (allowed := _sql_readable(context, t, restriction(context, t))) is not None}
            if restricted:
                try:
                    columns.check_sql(data_dict.get("sql") or "", restricted)
                except tk.NotAuthorized as e:
                    return {"success": False, "msg": str(e)}
        return next_auth(context, data_dict)

    guard.__name__ = name
    return guard


def get_auth_functions() -> dict[str, Any]:
    functions: dict[str, Any] = {"resource_data_read": resource_data_read, "resource_data_open": resource_data_open}
    guarded = CATALOG_READS + (ACTIVITY_READS if plugins.plugin_loaded("activity") else ())
    for name in guarded:
        functions[name] = _refuse_anonymous(name)
    if plugins.plugin_loaded("datastore"):
        for name in DATASTORE_READS:
            functions[name] = _datastore_guard(name)
    return functions
