"""Regional entries are read-only here (Art 9): the regional platform is their source of record;
only the harvest (which runs as the site user) and sysadmins change them."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

import ckan.authz as ckan_authz
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.common import _

from .. import authz
from .model import CascadeEntry

WRITES = ("package_update", "package_delete", "resource_create", "resource_update", "resource_delete")


def _package_id(name: str, context, data_dict) -> str | None:
    if name == "resource_create":
        ref = data_dict.get("package_id")
    elif name.startswith("resource_"):
        res = model.Resource.get(data_dict.get("id") or "")
        ref = res.package_id if res else None
    else:
        ref = data_dict.get("id") or data_dict.get("name")
    pkg = model.Package.get(ref) if ref else None
    return pkg.id if pkg else None


def may_manage_harvest(context) -> bool:
    """Harvest sources and jobs (the regional platform's address and credentials) are the
    Operator's and sysadmins' (within CKAN's own rule: an editor of the source's organization)."""
    user = authz.context_user(context)
    return bool(user) and (user.sysadmin or authz.is_operator(user))


NOT_HARVEST_MANAGER = "Only sysadmins and the Operator manage harvest sources"


def _read_only(name: str):
    @tk.chained_auth_function
    def guard(next_auth, context, data_dict):
        package_id = _package_id(name, context, data_dict or {})
        if not ckan_authz.is_sysadmin(context.get("user")) and CascadeEntry.get(package_id):
            return {"success": False, "msg": _(
                "This entry is mirrored from the autonomous-region platform and is read-only here")}
        if name.startswith("package_") and package_id and not may_manage_harvest(context):
            pkg = model.Package.get(package_id)
            if pkg is not None and pkg.type == "harvest":
                return {"success": False, "msg": _(NOT_HARVEST_MANAGER)}
        return next_auth(context, data_dict)

    guard.__name__ = name
    return guard


@tk.chained_auth_function
def package_create(next_auth, context, data_dict):
    """A harvest source (dataset type ``harvest``) only by sysadmins and the Operator: a
    department's editor may not make the platform fetch other sites."""
    if (data_dict or {}).get("type") == "harvest" and not may_manage_harvest(context):
        return {"success": False, "msg": _(NOT_HARVEST_MANAGER)}
    return next_auth(context, data_dict)


def _bulk(name: str):
    """An organization's bulk actions (its datasets page: make private, public, delete) would
    change regional entries the Operator's organization owns here: refused for them but to
    sysadmins, as their single-entry counterparts are."""
    @tk.chained_auth_function
    def guard(next_auth, context, data_dict):
        ids = list((data_dict or {}).get("datasets") or [])
        if ids and not ckan_authz.is_sysadmin(context.get("user")):
            packages = [r[0] for r in model.Session.query(model.Package.id).filter(
                sa.or_(model.Package.id.in_(ids), model.Package.name.in_(ids)))]
            if packages and model.Session.query(CascadeEntry.package_id).filter(
                    CascadeEntry.package_id.in_(packages)).first():
                return {"success": False, "msg": _(
                    "This entry is mirrored from the autonomous-region platform and is read-only here")}
        return next_auth(context, data_dict)

    guard.__name__ = name
    return guard


BULK = ("bulk_update_private", "bulk_update_public", "bulk_update_delete")


def _operations(context) -> dict:
    user = authz.context_user(context)
    ok = bool(user) and (user.sysadmin or authz.is_operator(user) or authz.is_authority(user))
    return {"success": ok, "msg": "" if ok else _("Only the Authority and the Operator see the cascade")}


def cascade_health(context, data_dict):
    """The cascade's health: sysadmins, the Operator and the Authority."""
    return _operations(context)


def negative_list_flags(context, data_dict):
    """Entries the negative list flags: the Authority, the Operator, sysadmins."""
    return _operations(context)


def negative_list_sync(context, data_dict):
    return _operations(context)


def negative_list_history(context, data_dict):
    return _operations(context)


def scheduler_status(context, data_dict):
    """The scheduled tasks' last runs: the Operator, the Authority, sysadmins (they answer for
    the deadlines, Art 12, 14, 21, 26, and the cascade, Art 9)."""
    user = authz.context_user(context)
    ok = bool(user) and (user.sysadmin or authz.is_operator(user) or authz.is_authority(user))
    return {"success": ok, "msg": "" if ok else _("Only the Authority and the Operator see the scheduled tasks")}


def cascade_entry_show(context, data_dict):
    """Whether an entry is regional, and what the region did not provide: anyone signed in."""
    return {"success": bool(context.get("user"))}


def _harvest_internals(name: str):
    """ckanext-harvest lets everybody list sources (with their configuration: the regional
    platform's credentials) and read harvest objects: here sysadmins and the Operator only."""
    @tk.chained_auth_function
    def guard(next_auth, context, data_dict):
        user = authz.context_user(context)
        if not (user and (user.sysadmin or authz.is_operator(user))):
            return {"success": False, "msg": _("Only sysadmins and the Operator see harvest sources' configuration")}
        return next_auth(context, data_dict)

    guard.__name__ = name
    return guard


HARVEST_INTERNALS = ("harvest_source_list", "harvest_object_show", "harvest_object_list")


def _job_reads(name: str):
    """Jobs are watched by the Operator (any member of its organization) on the harvest pages,
    as by sysadmins; ckanext-harvest lets only those who may update the source read them.
    Creating and running jobs stays CKAN's rule (an editor of the source's organization)."""
    @tk.chained_auth_function
    def guard(next_auth, context, data_dict):
        if may_manage_harvest(context):
            return {"success": True}
        if name == "harvest_job_list" and not (data_dict or {}).get("source_id"):
            # ckanext-harvest's own check reads the source's id without a default (a KeyError)
            return {"success": False, "msg": _("Only sysadmins and the Operator may list the jobs of every source")}
        return next_auth(context, data_dict)

    guard.__name__ = name
    return guard


JOB_READS = ("harvest_job_show", "harvest_job_list")


def get_auth_functions() -> dict[str, Any]:
    functions: dict[str, Any] = {name: _read_only(name) for name in WRITES}
    functions.update({name: _harvest_internals(name) for name in HARVEST_INTERNALS})
    functions.update({name: _bulk(name) for name in BULK})
    functions.update({name: _job_reads(name) for name in JOB_READS})
    functions.update({
        "cascade_health": cascade_health,
        "negative_list_flags": negative_list_flags,
        "negative_list_sync": negative_list_sync,
        "negative_list_history": negative_list_history,
        "cascade_entry_show": cascade_entry_show,
        "package_create": package_create,
        "scheduler_status": scheduler_status,
    })
    return functions
