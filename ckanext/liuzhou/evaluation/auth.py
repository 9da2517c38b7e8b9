"""Auth of the evaluation actions (Art 34): the Authority sees every department, a county
authority its county's, a department its own; others are refused."""
from __future__ import annotations

import ckan.plugins.toolkit as tk

from .. import authz
from . import scope

_ = tk._


def _user(context):
    return authz.context_user(context)


def evaluation_ranking(context, data_dict=None) -> dict:
    user = _user(context)
    allowed = scope.ranking_scope(user)
    if allowed is None or allowed:
        return {"success": True}
    return {"success": False, "msg": _("Only the Authority and county authorities see the evaluation of departments")}


def evaluation_show(context, data_dict=None) -> dict:
    org_id = scope.department_ids((data_dict or {}).get("id") or "")
    if org_id is None:
        return {"success": True}  # the action answers "not found"
    if scope.may_see_department(_user(context), org_id):
        return {"success": True}
    return {"success": False, "msg": _("You may see the evaluation of your own department only")}


def evaluation_detail(context, data_dict=None) -> dict:
    if (data_dict or {}).get("by", "department") == "department":
        return evaluation_show(context, data_dict)
    return evaluation_ranking(context, data_dict)


def evaluation_weights_show(context, data_dict=None) -> dict:
    """The weights of the score: whoever may read the ranking."""
    return evaluation_ranking(context, data_dict)


def evaluation_weights_update(context, data_dict=None) -> dict:
    """Art 34: the Authority (the city's big data bureau) evaluates the departments and sets
    the weights of the score; a sysadmin may too. County authorities read them."""
    user = _user(context)
    if user is not None and (user.sysadmin or authz.is_authority(user)):
        return {"success": True}
    return {"success": False, "msg": _("Only the Authority sets the weights of the score")}


def evaluation_dashboard(context, data_dict=None) -> dict:
    """The dashboard: as the ranking (the Authority the city, a county authority its county)."""
    return evaluation_ranking(context, data_dict)


def get_auth_functions() -> dict:
    return {"evaluation_ranking": tk.auth_disallow_anonymous_access(evaluation_ranking),
            "evaluation_show": tk.auth_disallow_anonymous_access(evaluation_show),
            "evaluation_detail": tk.auth_disallow_anonymous_access(evaluation_detail),
            "evaluation_score_history": tk.auth_disallow_anonymous_access(evaluation_show),
            "evaluation_weights_show": tk.auth_disallow_anonymous_access(evaluation_weights_show),
            "evaluation_weights_update": tk.auth_disallow_anonymous_access(evaluation_weights_update),
            "evaluation_dashboard": tk.auth_disallow_anonymous_access(evaluation_dashboard)}
