"""Who may import and export a department's catalog in the national template (Art 4–8, 13).

A department's editors and admins keep its catalog (Art 13); the Authority (its admins and
editors) oversees the city's catalog and a county authority its county's (Art 4–8); a sysadmin
may do anything. Decided from memberships (:mod:`..authz`), never from Solr.
"""
from __future__ import annotations

from typing import Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import authz
from .. import config as lz_config
from .model import CatalogImport

_ = tk._


def department(ref) -> Optional[model.Group]:
    """The active department named by name or id, or None."""
    if not isinstance(ref, str) or not ref.strip():
        return None
    group = model.Group.get(ref.strip())
    if group is None or not group.is_organization or group.state != "active":
        return None
    return group


def city_overseer(user) -> bool:
    return authz.role_in(lz_config.authority_org(), user) in ("admin", "editor")


def keeps_catalog_of(user, dept: model.Group) -> bool:
    """The department's editors and admins, the Authority, the county authority over it."""
    return (authz.provider_editor(user, dept.id) or city_overseer(user)
            or dept.id in authz.county_jurisdiction(user))


def _decide(context, dept_ref) -> dict:
    user = authz.context_user(context)
    if user is None:
        return {"success": False, "msg": _("Sign in first")}
    dept = department(dept_ref)
    if dept is None:
        raise tk.ObjectNotFound(_("No such department"))
    if keeps_catalog_of(user, dept):
        return {"success": True}
    return {"success": False, "msg": _("Only the department's editors, the Authority or the county "
                                       "authority may import or export this department's catalog")}


@tk.auth_disallow_anonymous_access
def catalog_import(context, data_dict) -> dict:
    """Art 13: a department's catalog is imported by those who keep it."""
    data_dict = data_dict or {}
    dept = data_dict.get("department")
    if data_dict.get("id"):   # importing an earlier dry run: its department decides, whatever is sent
        imp = model.Session.get(CatalogImport, data_dict["id"]) if isinstance(data_dict["id"], str) else None
        if imp is None:
            raise tk.ObjectNotFound(_("Not found"))
        dept = imp.department_id
    return _decide(context, dept)


@tk.auth_disallow_anonymous_access
def catalog_import_status(context, data_dict) -> dict:
    """The import's own user, and whoever may import for its department."""
    ref = (data_dict or {}).get("id")
    imp = model.Session.get(CatalogImport, ref) if isinstance(ref, str) else None
    if imp is None:
        raise tk.ObjectNotFound(_("Not found"))
    user = authz.context_user(context)
    if user is not None and user.id == imp.user_id:
        return {"success": True}
    return _decide(context, imp.department_id)


@tk.auth_disallow_anonymous_access
def catalog_import_list(context, data_dict) -> dict:
    """A department's import history: whoever may import for it."""
    return _decide(context, (data_dict or {}).get("department"))


@tk.auth_disallow_anonymous_access
def catalog_export(context, data_dict) -> dict:
    """A department's catalog: those who keep it. The city's (``scope=city``): the Authority.
    A county's (``scope=county``): the county authority over the department, or the Authority."""
    data_dict = data_dict or {}
    scope = data_dict.get("scope") or "department"
    user = authz.context_user(context)
    if scope == "city":
        if user is not None and city_overseer(user):
            return {"success": True}
        return {"success": False, "msg": _("Only the Authority may export the city's catalog")}
    if scope == "county":
        dept = department(data_dict.get("department"))
        if dept is None:
            raise tk.ObjectNotFound(_("No such department"))
        if user is not None and (city_overseer(user) or dept.id in authz.county_jurisdiction(user)):
            return {"success": True}
        return {"success": False, "msg": _("Only the county authority or the Authority may export a county's catalog")}
    return _decide(context, data_dict.get("department"))


def get_auth_functions() -> dict:
    return {
        "catalog_import": catalog_import,
        "catalog_import_status": catalog_import_status,
        "catalog_import_list": catalog_import_list,
        "catalog_export": catalog_export,
    }
