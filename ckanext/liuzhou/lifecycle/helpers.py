"""Template helpers of the lifecycle pages: labels, the entry page's banner data, menus."""
from __future__ import annotations

from typing import Any, Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import authz
from . import labels
from . import states, visibility
from .labels import lifecycle_labels
from .model import OfflineEntry

_ = tk._


_labels = lifecycle_labels


def liuzhou_lifecycle_label(kind: str, value: Optional[str]) -> str:
    return labels.label(kind, value)


def liuzhou_lifecycle_labels(kind: str) -> dict[str, str]:
    return _labels().get(kind, {})


def liuzhou_lifecycle_states(kind: str) -> list[dict[str, str]]:
    """The states (or stages) a list page filters by, in order, each with its label: the
    lists of :data:`.states.LISTED`, the labels of :func:`lifecycle_labels`."""
    labels = _labels().get(kind, {})
    return [{"value": s, "label": labels.get(s, s)} for s in states.LISTED.get(kind, ())]


def _user():
    return visibility.current_user_obj()


def liuzhou_lifecycle_entry(package_id: str) -> dict[str, Any]:
    """What the entry page shows of the lifecycle: the ``lifecycle_entry_show`` action for the
    current user ({} when the entry is not a catalog entry the user may see)."""
    user = _user()
    context = {"user": user.name if user else "", "auth_user_obj": user}
    try:
        return tk.get_action("lifecycle_entry_show")(context, {"id": package_id})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return {}


def _menu_sections() -> tuple[tuple[str, str, str], ...]:
    """The menu's sections in order: the key of ``lifecycle_summary``, the page, its label."""
    return (("public_notice", "liuzhou_lifecycle.notices", _("Public notices")),
            ("catalog_offline", "liuzhou_lifecycle.catalog_offline_index", _("Catalog offlining")),
            ("resource_offline", "liuzhou_lifecycle.resource_offline_index", _("Resource offlining")),
            ("upkeep", "liuzhou_lifecycle.upkeep_index", _("Upkeep notices")),
            ("account_request", "liuzhou_lifecycle.account_index", _("Account requests")),
            ("system", "liuzhou_lifecycle.system_index", _("Information systems")),
            ("duplicate", "liuzhou_lifecycle.duplicate_index", _("One data, one source")),
            ("violation", "liuzhou_lifecycle.violation_index", _("Unauthorised stops")))


def liuzhou_lifecycle_menu() -> list[dict]:
    """The sections of the lifecycle pages the current user can use, with what waits: the
    counts of the ``lifecycle_summary`` action (one call); the information systems have none."""
    user = _user()
    context = {"user": user.name if user else "", "auth_user_obj": user}
    try:
        counts = tk.get_action("lifecycle_summary")(context, {})
    except tk.NotAuthorized:
        counts = {}
    items = []
    for key, endpoint, label in _menu_sections():
        if key == "system" and user is not None:
            items.append({"endpoint": endpoint, "label": label, "count": None})
        elif key in counts:
            items.append({"endpoint": endpoint, "label": label, "count": counts[key]})
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
        "liuzhou_lifecycle_states": liuzhou_lifecycle_states,
        "liuzhou_lifecycle_user_orgs": liuzhou_lifecycle_user_orgs,
    }
