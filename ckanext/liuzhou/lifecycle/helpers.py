"""Template helpers of the lifecycle pages: labels, the entry page's banner data, menus."""
from __future__ import annotations

from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ..calendar import store as cal
from .. import authz
from ..formats import Names, local_iso
from . import dictize, notices, states, visibility
from . import labels
from .labels import lifecycle_labels
from .model import (CatalogOffline, DuplicateWarning, OfflineEntry, ResourceOffline, UpkeepNotice,
                    UpkeepTarget)

_ = tk._


_labels = lifecycle_labels


def liuzhou_lifecycle_label(kind: str, value: Optional[str]) -> str:
    return labels.label(kind, value)


def liuzhou_lifecycle_labels(kind: str) -> dict[str, str]:
    return _labels().get(kind, {})


def _user():
    return visibility.current_user_obj()


def liuzhou_lifecycle_entry(package_id: str) -> dict[str, Any]:
    """What the entry page shows: offline state, public notices, open upkeep notices, the
    one-data-one-source warnings (for its department), and which applications the user may make."""
    user = _user()
    pkg = model.Package.get(package_id)
    if pkg is None or pkg.type != "catalog":
        return {}
    now = cal.utcnow()
    out: dict[str, Any] = {"offline": None, "notices": [], "upkeep": [], "duplicates": [],
                           "open_catalog_offline": None}
    off = visibility.offline_record(pkg.id)
    if off is not None:
        app = model.Session.get(CatalogOffline, off.application_id)
        out["offline"] = {"since": local_iso(off.offline_since), "application_id": off.application_id,
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
                out["upkeep"].append({"notice_id": n.id, "title": n.title, "deadline": local_iso(n.deadline),
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


def liuzhou_lifecycle_menu() -> list[dict]:
    """The sections of the lifecycle pages the current user can use, with what waits."""
    user = _user()
    now = cal.utcnow()
    items = [{"endpoint": "liuzhou_lifecycle.notices", "label": _("Public notices"),
              "count": model.Session.query(ResourceOffline.id).filter(notices.on_notice(now)).count()}]
    if user is None:
        return items
    operator, authority = authz.is_operator(user), authz.is_authority(user)
    member_of = set(authz.memberships(user))
    admin_of = authz.orgs_with(user, "admin")
    co = model.Session.query(CatalogOffline.id).filter(CatalogOffline.state.in_(list(states.CATALOG_OPEN)))
    if not (operator or authority):
        co = co.filter(CatalogOffline.provider_org_id.in_(list(member_of) or [""]))
    items.append({"endpoint": "liuzhou_lifecycle.catalog_offline_index", "label": _("Catalog offlining"),
                  "count": co.count()})
    ro = model.Session.query(ResourceOffline.id)
    if authz.authority_admin(user) or authz.county_jurisdiction(user):
        ro = ro.filter(ResourceOffline.state == states.SUBMITTED)
        if not authz.authority_admin(user):
            ro = ro.filter(ResourceOffline.provider_org_id.in_(list(authz.county_jurisdiction(user))))
    else:
        ro = ro.filter(ResourceOffline.state.in_(list(states.RESOURCE_OPEN)),
                       ResourceOffline.provider_org_id.in_(list(member_of) or [""]))
    items.append({"endpoint": "liuzhou_lifecycle.resource_offline_index", "label": _("Resource offlining"),
                  "count": ro.count()})
    up = model.Session.query(UpkeepTarget.id).filter(UpkeepTarget.state == states.TARGET_OPEN)
    if not (operator or authority):
        up = up.filter(UpkeepTarget.org_id.in_(list(member_of) or [""]))
    items.append({"endpoint": "liuzhou_lifecycle.upkeep_index", "label": _("Upkeep notices"), "count": up.count()})
    if operator or authority or admin_of:
        from .model import AccountRequest
        ar = model.Session.query(AccountRequest.id).filter(AccountRequest.state == states.SUBMITTED)
        if not (operator or authority):
            ar = ar.filter(AccountRequest.org_id.in_(list(admin_of)))
        items.append({"endpoint": "liuzhou_lifecycle.account_index", "label": _("Account requests"),
                      "count": ar.count()})
    items.append({"endpoint": "liuzhou_lifecycle.system_index", "label": _("Information systems"), "count": None})
    dw = model.Session.query(DuplicateWarning.id).filter(DuplicateWarning.state == "open")
    if not (operator or authority):
        dw = dw.filter(DuplicateWarning.provider_org_id.in_(list(member_of) or [""]))
    items.append({"endpoint": "liuzhou_lifecycle.duplicate_index", "label": _("One data, one source"),
                  "count": dw.count()})
    if authz.tracks_violations(user):
        from .model import Violation
        vq = model.Session.query(Violation.id).filter(Violation.state == "open")
        if not authority:
            vq = vq.filter(Violation.provider_org_id.in_(list(authz.county_jurisdiction(user))))
        items.append({"endpoint": "liuzhou_lifecycle.violation_index", "label": _("Unauthorised stops"),
                      "count": vq.count()})
    return items


def liuzhou_lifecycle_admin_entries(org_capacity: str = "admin") -> list[dict]:
    """Active catalog entries of the departments the user administers (forms' entry choice)."""
    user = _user()
    orgs = authz.orgs_with(user, *(("admin",) if org_capacity == "admin" else ("admin", "editor")))
    if not orgs:
        return []
    offline = model.Session.query(OfflineEntry.package_id)
    rows = (model.Session.query(model.Package.id, model.Package.name, model.Package.title)
            .filter(model.Package.owner_org.in_(list(orgs)), model.Package.state == "active",
                    model.Package.type == "catalog", model.Package.id.notin_(offline))
            .order_by(model.Package.title).limit(1000))
    return [{"id": i, "name": n, "title": t} for i, n, t in rows]


def liuzhou_lifecycle_user_orgs(*capacities: str) -> list[dict]:
    """The current user's departments with one of ``capacities`` (all when none given)."""
    user = _user()
    ids = authz.orgs_with(user, *capacities)
    if not ids:
        return []
    rows = (model.Session.query(model.Group.id, model.Group.name, model.Group.title)
            .filter(model.Group.id.in_(list(ids))).order_by(model.Group.title))
    return [{"id": i, "name": n, "title": t} for i, n, t in rows]


def liuzhou_lifecycle_org_titles(names: list[str]) -> list[str]:
    """Organization titles for names (a timeline's notified departments), in the same order."""
    names = [n for n in names or [] if n]
    titles = dict(model.Session.query(model.Group.name, model.Group.title).filter(
        model.Group.name.in_(names))) if names else {}
    return [titles.get(n) or n for n in names]


def liuzhou_lifecycle_departments() -> list[dict]:
    rows = (model.Session.query(model.Group.id, model.Group.name, model.Group.title)
            .filter(model.Group.is_organization.is_(True), model.Group.state == "active")
            .order_by(model.Group.title))
    return [{"id": i, "name": n, "title": t} for i, n, t in rows]


def get_helpers() -> dict[str, Any]:
    return {
        "liuzhou_lifecycle_admin_entries": liuzhou_lifecycle_admin_entries,
        "liuzhou_lifecycle_departments": liuzhou_lifecycle_departments,
        "liuzhou_lifecycle_entry": liuzhou_lifecycle_entry,
        "liuzhou_lifecycle_label": liuzhou_lifecycle_label,
        "liuzhou_lifecycle_labels": liuzhou_lifecycle_labels,
        "liuzhou_lifecycle_menu": liuzhou_lifecycle_menu,
        "liuzhou_lifecycle_org_titles": liuzhou_lifecycle_org_titles,
        "liuzhou_lifecycle_user_orgs": liuzhou_lifecycle_user_orgs,
    }
