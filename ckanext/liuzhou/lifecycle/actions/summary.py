"""What the lifecycle pages show outside the flows' own pages: the counts of the menus (one
call, every count taken from the list action of its flow, so a badge and the list it opens
always agree) and the lifecycle of one catalog entry for its page.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ... import authz
from ...calendar import store as cal
from ...formats import Names
from ...formats import local_iso as _local
from ...validation import validate_or_raise as _validate
from .. import dictize, notices, schema, states, visibility
from ..model import CatalogOffline, DuplicateWarning, ResourceOffline, UpkeepNotice, UpkeepTarget

_OPEN = "open"


def _as_user(context: dict) -> dict:
    """A fresh context for the same user (no ``ignore_auth``: each list checks its own access)."""
    return {"user": context.get("user"), "auth_user_obj": context.get("auth_user_obj")}


def _list(context: dict, action: str, **data) -> dict:
    return tk.get_action(action)(_as_user(context), {"limit": 1, **data})


def _count(context: dict, action: str, **data) -> int:
    """The ``count`` of a list action for the context's user (its visibility rule applies)."""
    return _list(context, action, **data)["count"]


def _may(context: dict, action: str) -> bool:
    try:
        tk.check_access(action, _as_user(context), {})
    except tk.NotAuthorized:
        return False
    return True


@tk.side_effect_free
def lifecycle_summary(context, data_dict) -> dict:
    """The counts the lifecycle menus show, each the ``count`` of its flow's list action for
    the user: public notices showing now (Art 21.3); open catalog offlining applications
    (Art 20); resource offlining applications waiting for a decision (the Authority, a county
    authority) or still open (a provider) (Art 21); open upkeep targets (Art 14); account
    requests to handle (Art 12; for the Operator, the Authority and a department's admins);
    outstanding one-data-one-source warnings (Art 17); unreviewed unauthorised stops (Art 33.1;
    for whoever may list them). Visitors get the public notices only.

    :returns: ``{"public_notice": n, "catalog_offline": n, "resource_offline": n, "upkeep": n,
        "account_request": n, "duplicate": n, "violation": n}``, a section missing when the
        user has no use for it
    """
    tk.check_access("lifecycle_summary", context, data_dict)
    out: dict[str, int] = {}
    if _may(context, "public_notice_list"):
        out["public_notice"] = _count(context, "public_notice_list")
    user = authz.context_user(context)
    if user is None:
        return out
    out["catalog_offline"] = sum(_count(context, "catalog_offline_list", state=s)
                                 for s in sorted(states.CATALOG_OPEN))
    if authz.authority_admin(user) or authz.county_jurisdiction(user):
        out["resource_offline"] = _count(context, "resource_offline_list", state=states.SUBMITTED)
    else:
        out["resource_offline"] = sum(_count(context, "resource_offline_list", state=s)
                                      for s in sorted(states.RESOURCE_OPEN))
    upkeep = _list(context, "upkeep_notice_list", status=_OPEN)
    out["upkeep"] = sum(d["open"] for d in upkeep["departments"])
    if authz.oversees(user) or authz.is_sysadmin(user) or authz.orgs_with(user, "admin"):
        out["account_request"] = _count(context, "account_request_list", state=states.SUBMITTED)
    out["duplicate"] = _count(context, "duplicate_warning_list", state=_OPEN)
    if _may(context, "violation_list"):
        out["violation"] = _count(context, "violation_list", state=_OPEN)
    return out


@tk.side_effect_free
def lifecycle_entry_show(context, data_dict) -> dict[str, Any]:
    """The lifecycle of one catalog entry, for its page: offline since when and under which
    filing (Art 20); its resources on public notice (Art 21.3); for its department and those
    who oversee, the open upkeep notices naming it or its department (Art 14) and its
    outstanding one-data-one-source warnings (Art 17); which applications the user may make
    now (Art 20, 21: an admin of the providing department, the entry active and online, no
    catalog offlining under review); and whether the user is the Authority.

    :param id: the entry (id or name)
    :returns: ``{"offline", "notices", "upkeep", "duplicates", "open_catalog_offline",
        "can_apply_catalog_offline", "can_apply_resource_offline", "is_authority"}`` ({} for a
        dataset that is not a catalog entry)
    """
    tk.check_access("lifecycle_entry_show", context, data_dict)
    data = _validate(data_dict, schema.show(), context)
    pkg = model.Package.get(data["id"])
    if pkg is None:
        raise tk.ObjectNotFound(tk._("Not found"))
    if pkg.type != "catalog":
        return {}
    user = authz.context_user(context)
    now = cal.utcnow()
    out: dict[str, Any] = {"offline": None, "notices": [], "upkeep": [], "duplicates": [],
                           "open_catalog_offline": None}
    off = visibility.offline_record(pkg.id)
    if off is not None:
        app = model.Session.get(CatalogOffline, off.application_id)
        out["offline"] = {"since": _local(off.offline_since), "application_id": off.application_id,
                          "filing_number": app.filing_number if app else None}
    apps = (model.Session.query(ResourceOffline).filter(ResourceOffline.package_id == pkg.id,
                                                        notices.on_notice(now))
            .order_by(ResourceOffline.notice_ends).all())
    names = dictize.resource_offline_names(apps)
    out["notices"] = [dictize.resource_offline(a, names, {}, now) for a in apps]
    provider = user is not None and authz.is_member(pkg.owner_org, user)
    if provider or (user is not None and authz.oversees(user)):
        targets = (model.Session.query(UpkeepTarget, UpkeepNotice)
                   .join(UpkeepNotice, UpkeepNotice.id == UpkeepTarget.notice_id)
                   .filter(UpkeepTarget.state == states.TARGET_OPEN,
                           sa.or_(UpkeepTarget.package_id == pkg.id,
                                  sa.and_(UpkeepTarget.package_id.is_(None), UpkeepTarget.org_id == pkg.owner_org)))
                   .order_by(UpkeepNotice.deadline).all())
        seen: set[str] = set()  # a notice naming both the entry and its department shows once
        for t, n in sorted(targets, key=lambda tn: tn[0].package_id is None):
            if n.id not in seen:
                seen.add(n.id)
                out["upkeep"].append({"notice_id": n.id, "title": n.title, "deadline": _local(n.deadline),
                                      "overdue": n.deadline < now, "target_id": t.id})
        warnings = (model.Session.query(DuplicateWarning)
                    .filter(DuplicateWarning.package_id == pkg.id, DuplicateWarning.state == "open")
                    .order_by(DuplicateWarning.ratio.desc()).all())
        wnames = Names(org_ids=[w.other_org_id for w in warnings])
        pkgs = dictize.packages([w.other_package_id for w in warnings])
        out["duplicates"] = [dictize.duplicate_warning(w, wnames, pkgs) for w in warnings]
    admin = user is not None and authz.provider_admin(user, pkg.owner_org)
    open_app = (model.Session.query(CatalogOffline.id)
                .filter(CatalogOffline.package_id == pkg.id,
                        CatalogOffline.state.in_(list(states.CATALOG_OPEN))).scalar())
    out["open_catalog_offline"] = open_app
    out["can_apply_catalog_offline"] = admin and off is None and open_app is None and pkg.state == "active"
    out["can_apply_resource_offline"] = admin and off is None and pkg.state == "active"
    out["is_authority"] = user is not None and authz.is_authority(user)
    return out
