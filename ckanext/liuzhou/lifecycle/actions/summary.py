"""What waits for the user across the lifecycle flows, for the menus: one call, every count
taken from the list action of its flow (so a menu badge and the list it opens always agree).
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from ...sharing import roles
from .. import states, who

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
    user = roles.context_user(context)
    if user is None:
        return out
    out["catalog_offline"] = sum(_count(context, "catalog_offline_list", state=s)
                                 for s in sorted(states.CATALOG_OPEN))
    if who.authority_admin(user) or roles.county_jurisdiction(user):
        out["resource_offline"] = _count(context, "resource_offline_list", state=states.SUBMITTED)
    else:
        out["resource_offline"] = sum(_count(context, "resource_offline_list", state=s)
                                      for s in sorted(states.RESOURCE_OPEN))
    upkeep = _list(context, "upkeep_notice_list", status=_OPEN)
    out["upkeep"] = sum(d["open"] for d in upkeep["departments"])
    if who.oversees(user) or who.is_sysadmin(user) or who.orgs_with(user, "admin"):
        out["account_request"] = _count(context, "account_request_list", state=states.SUBMITTED)
    out["duplicate"] = _count(context, "duplicate_warning_list", state=_OPEN)
    if _may(context, "violation_list"):
        out["violation"] = _count(context, "violation_list", state=_OPEN)
    return out
