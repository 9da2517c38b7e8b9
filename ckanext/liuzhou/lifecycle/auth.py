"""Auth functions of the lifecycle rules: who may act (Art 4–8, 12, 14, 16, 17, 20, 21, 33).

Each decides from the user and the object named (loaded once, kept in the context); roles
come from organization membership (:mod:`..authz`), never from Solr. :func:`offline_refusal`
is called by the access layer's chained ``package_show``: an offline entry (Art 20) is
readable only by its provider, the Authority and the Operator.
"""
from __future__ import annotations

from typing import Any, Optional

import ckan.authz as ckan_authz
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.logic.auth import get_package_object

from .. import authz
from .. import config as lz_config
from . import visibility
from .model import (AccountRequest, CatalogOffline, InformationSystem, ResourceOffline, UpkeepNotice,
                    UpkeepTarget, Violation)

_ = tk._


def _ok() -> dict:
    return {"success": True}


def _no(msg: str) -> dict:
    return {"success": False, "msg": msg}


def _user(context) -> Optional[model.User]:
    return authz.context_user(context)


def _row(context, data_dict, cls, key: str = "id"):
    """The row named by ``data_dict[key]`` (NotFound if none), cached in the context."""
    ref = tk.get_or_bust(data_dict or {}, key)
    if not isinstance(ref, str):  # docs/security.md: a number or a list is no id (was a server error)
        raise tk.ObjectNotFound(_("Not found"))
    cache = f"liuzhou_{cls.__tablename__}"
    cached = context.get(cache)
    if cached is not None and cached.id == ref:
        return cached
    row = model.Session.get(cls, ref)
    if row is None:
        raise tk.ObjectNotFound(_("Not found"))
    context[cache] = row
    return row


def _package(data_dict) -> Optional[model.Package]:
    ref = (data_dict or {}).get("package_id")
    return model.Package.get(ref) if ref else None


def _signed_in(context) -> dict:
    return _ok() if _user(context) is not None else _no(_("Sign in first"))


def _sees_org(user, org_id: Optional[str]) -> bool:
    return (authz.oversees(user) or authz.is_member(org_id, user)
            or bool(org_id and org_id in authz.county_jurisdiction(user)))


def _operator(context) -> dict:
    if authz.is_operator(_user(context)):
        return _ok()
    return _no(_("Only the platform Operator can do this"))


# ---------------------------------------------------------------- package_show (Art 20)

def offline_refusal(context, data_dict) -> Optional[dict]:
    """For the chained ``package_show`` auth of the access layer (so also ``resource_show``
    and downloads): the refusal when the entry is offline and the user is neither its
    provider, nor the Authority or the Operator; None otherwise. The entry ``package_show``
    has loaded (``context["package"]``) is used, not loaded again."""
    package = context.get("package")
    ref = (data_dict or {}).get("id") or (data_dict or {}).get("name_or_id")
    if package is None or ref not in (package.id, package.name):
        package = get_package_object(context, data_dict)
    if visibility.hidden_from(_user(context), package):
        return _no(_("This catalog entry is offline"))
    return None


# ---------------------------------------------------------------- Art 20

@tk.auth_disallow_anonymous_access
def catalog_offline_apply(context, data_dict) -> dict:
    """Art 20.1: an admin of the department that provides the entry."""
    pkg = _package(data_dict)
    if pkg is None:
        return _signed_in(context)  # the action says the entry is missing
    if authz.provider_admin(_user(context), pkg.owner_org):
        return _ok()
    return _no(_("Only an admin of the providing department can apply to take its entry offline"))


@tk.auth_disallow_anonymous_access
def catalog_offline_show(context, data_dict) -> dict:
    app = _row(context, data_dict, CatalogOffline)
    if _sees_org(_user(context), app.provider_org_id):
        return _ok()
    return _no(_("Only the providing department, the Operator and the Authority can see this application"))


@tk.auth_disallow_anonymous_access
def catalog_offline_attachment_show(context, data_dict) -> dict:
    """Whoever may see the application (its provider, the Operator, the Authority)."""
    return catalog_offline_show(context, data_dict)


@tk.auth_disallow_anonymous_access
def catalog_offline_review(context, data_dict) -> dict:
    """Art 20.2–20.4: the Operator."""
    _row(context, data_dict, CatalogOffline)
    return _operator(context)


@tk.auth_disallow_anonymous_access
def catalog_offline_list(context, data_dict) -> dict:
    """Any signed-in user; the action lists what the user may see."""
    return _signed_in(context)


# ---------------------------------------------------------------- Art 21

@tk.auth_disallow_anonymous_access
def resource_offline_apply(context, data_dict) -> dict:
    """Art 21.1: an admin of the providing department."""
    pkg = _package(data_dict)
    if pkg is None:
        return _signed_in(context)
    if authz.provider_admin(_user(context), pkg.owner_org):
        return _ok()
    return _no(_("Only an admin of the providing department can apply to take its resource offline"))


@tk.auth_disallow_anonymous_access
def resource_offline_show(context, data_dict) -> dict:
    app = _row(context, data_dict, ResourceOffline)
    user = _user(context)
    if _sees_org(user, app.provider_org_id):
        return _ok()
    return _no(_("Only the providing department, the Operator and the Authority can see this application"))


@tk.auth_disallow_anonymous_access
def resource_offline_decide(context, data_dict) -> dict:
    """Art 21.2: the Authority's admins (a county authority for the departments of its county)."""
    app = _row(context, data_dict, ResourceOffline)
    if authz.decides_resource_offline(_user(context), app.provider_org_id):
        return _ok()
    return _no(_("Only the Authority can approve taking a data resource offline"))


@tk.auth_disallow_anonymous_access
def resource_offline_complete(context, data_dict) -> dict:
    """Art 21.4: an admin of the providing department."""
    app = _row(context, data_dict, ResourceOffline)
    if authz.provider_admin(_user(context), app.provider_org_id):
        return _ok()
    return _no(_("Only an admin of the providing department can complete the offlining"))


@tk.auth_disallow_anonymous_access
def resource_offline_list(context, data_dict) -> dict:
    return _signed_in(context)


@tk.auth_allow_anonymous_access
def public_notice_list(context, data_dict) -> dict:
    """Art 21.3: public on the platform: every signed-in user, and visitors when the portal
    lets them see the catalog (``ckanext.liuzhou.anonymous_access``)."""
    if _user(context) is not None or lz_config.anonymous_access():
        return _ok()
    return _no(_("Sign in to see the public notices"))


# ---------------------------------------------------------------- Art 14

@tk.auth_disallow_anonymous_access
def upkeep_notice_create(context, data_dict) -> dict:
    """Art 14: the Authority."""
    if authz.is_authority(_user(context)):
        return _ok()
    return _no(_("Only the Authority can issue upkeep notices"))


@tk.auth_disallow_anonymous_access
def upkeep_notice_show(context, data_dict) -> dict:
    notice = _row(context, data_dict, UpkeepNotice)
    user = _user(context)
    if authz.oversees(user) or any(authz.is_member(t.org_id, user) for t in notice.targets):
        return _ok()
    return _no(_("Only the departments named, the Operator and the Authority can see this notice"))


@tk.auth_disallow_anonymous_access
def upkeep_notice_list(context, data_dict) -> dict:
    return _signed_in(context)


@tk.auth_disallow_anonymous_access
def upkeep_notice_respond(context, data_dict) -> dict:
    """Art 14: an editor or admin of the department named."""
    target = _row(context, data_dict, UpkeepTarget, "target_id")
    if authz.provider_editor(_user(context), target.org_id):
        return _ok()
    return _no(_("Only an editor or admin of the department named can report the update"))


# ---------------------------------------------------------------- Art 12

@tk.auth_disallow_anonymous_access
def account_request_create(context, data_dict) -> dict:
    """Art 12: an admin of a department (of the department named, if one is)."""
    user = _user(context)
    org = (data_dict or {}).get("org")
    admin_of = authz.orgs_with(user, "admin")
    if (authz.org_id(org) in admin_of) if org else admin_of:
        return _ok()
    return _no(_("Only an admin of the department can request accounts for it"))


@tk.auth_disallow_anonymous_access
def account_request_show(context, data_dict) -> dict:
    req = _row(context, data_dict, AccountRequest)
    user = _user(context)
    if authz.oversees(user) or authz.provider_admin(user, req.org_id):
        return _ok()
    return _no(_("Only the department's admins, the Operator and the Authority can see this request"))


@tk.auth_disallow_anonymous_access
def account_request_decide(context, data_dict) -> dict:
    """Art 12: the Operator."""
    _row(context, data_dict, AccountRequest)
    return _operator(context)


@tk.auth_disallow_anonymous_access
def account_request_list(context, data_dict) -> dict:
    return _signed_in(context)


# ---------------------------------------------------------------- Art 16

@tk.auth_disallow_anonymous_access
def information_system_create(context, data_dict) -> dict:
    """Art 16: an editor or admin of the department (of the department named, if one is)."""
    user = _user(context)
    org = (data_dict or {}).get("org")
    editable = authz.orgs_with(user, "admin", "editor")
    if (authz.org_id(org) in editable) if org else editable:
        return _ok()
    return _no(_("Only an editor or admin of the department can register its systems"))


@tk.auth_disallow_anonymous_access
def information_system_update(context, data_dict) -> dict:
    system = _row(context, data_dict, InformationSystem)
    if authz.provider_editor(_user(context), system.org_id):
        return _ok()
    return _no(_("Only an editor or admin of the department can change its systems"))


@tk.auth_disallow_anonymous_access
def information_system_show(context, data_dict) -> dict:
    _row(context, data_dict, InformationSystem)
    return _signed_in(context)


@tk.auth_disallow_anonymous_access
def information_system_list(context, data_dict) -> dict:
    """The registry is open to every signed-in user (it says which system collects what)."""
    return _signed_in(context)


# ---------------------------------------------------------------- Art 17

@tk.auth_disallow_anonymous_access
def duplicate_check(context, data_dict) -> dict:
    """Any department's user (the publish form checks as the user types)."""
    return _signed_in(context)


@tk.auth_disallow_anonymous_access
def duplicate_warning_list(context, data_dict) -> dict:
    return _signed_in(context)


# ---------------------------------------------------------------- Art 33

@tk.auth_disallow_anonymous_access
def violation_list(context, data_dict) -> dict:
    """Art 33: the Authority (a county authority for its county)."""
    if authz.tracks_violations(_user(context)):
        return _ok()
    return _no(_("Only the Authority can see violations"))


@tk.auth_disallow_anonymous_access
def violation_review(context, data_dict) -> dict:
    v = _row(context, data_dict, Violation)
    if authz.tracks_violations(_user(context), v.provider_org_id):
        return _ok()
    return _no(_("Only the Authority can review violations"))


# ---------------------------------------------------------------- the menus

@tk.auth_allow_anonymous_access
def lifecycle_summary(context, data_dict) -> dict:
    """Whoever may see the public notices (the first count); the other counts come from the
    list actions, each checking its own access."""
    return public_notice_list(context, data_dict)


@tk.auth_allow_anonymous_access
def lifecycle_entry_show(context, data_dict) -> dict:
    """Whoever may see the entry (``package_show``: an offline entry only for its provider, the
    Authority and the Operator, Art 20)."""
    return ckan_authz.is_authorized("package_show", context, {"id": (data_dict or {}).get("id")})


def get_auth_functions() -> dict[str, Any]:
    return {
        "account_request_create": account_request_create,
        "account_request_decide": account_request_decide,
        "account_request_list": account_request_list,
        "account_request_show": account_request_show,
        "catalog_offline_apply": catalog_offline_apply,
        "catalog_offline_list": catalog_offline_list,
        "catalog_offline_review": catalog_offline_review,
        "catalog_offline_show": catalog_offline_show,
        "catalog_offline_attachment_show": catalog_offline_attachment_show,
        "lifecycle_summary": lifecycle_summary,
        "lifecycle_entry_show": lifecycle_entry_show,
        "duplicate_check": duplicate_check,
        "duplicate_warning_list": duplicate_warning_list,
        "information_system_create": information_system_create,
        "information_system_list": information_system_list,
        "information_system_show": information_system_show,
        "information_system_update": information_system_update,
        "public_notice_list": public_notice_list,
        "resource_offline_apply": resource_offline_apply,
        "resource_offline_complete": resource_offline_complete,
        "resource_offline_decide": resource_offline_decide,
        "resource_offline_list": resource_offline_list,
        "resource_offline_show": resource_offline_show,
        "upkeep_notice_create": upkeep_notice_create,
        "upkeep_notice_list": upkeep_notice_list,
        "upkeep_notice_respond": upkeep_notice_respond,
        "upkeep_notice_show": upkeep_notice_show,
        "violation_list": violation_list,
        "violation_review": violation_review,
    }
