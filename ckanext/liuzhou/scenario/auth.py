"""Auth of the scenario actions: a department's editors and admins register and change its
scenarios; who sees them is decided from the scenario (``scenario_show``) or by the list's
filter (``scenario_list``: every department user, filtered to what they may see)."""
from __future__ import annotations

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import authz
from .model import ACTIVE, Scenario, ScenarioEntry, ScenarioRequest
from ..sharing.model import ShareRequest

_ = tk._
WRITERS = ("admin", "editor")


def _user(context):
    return authz.context_user(context)


def _writes_for(user) -> set[str]:
    return {gid for gid, cap in authz.memberships(user).items() if cap in WRITERS}


def _scenario(context, data_dict) -> Scenario | None:
    if context.get("scenario") is not None:
        return context["scenario"]
    sid = (data_dict or {}).get("id")
    if not isinstance(sid, str) or not sid:
        return None
    return model.Session.query(Scenario).filter(Scenario.id == sid, Scenario.state == ACTIVE).one_or_none()


def scenario_create(context, data_dict=None) -> dict:
    if _writes_for(_user(context)):
        return {"success": True}  # the action checks the department named
    return {"success": False, "msg": _("Only an editor or admin of a department registers its scenarios")}


def scenario_update(context, data_dict=None) -> dict:
    row = _scenario(context, data_dict)
    if row is None:
        return {"success": True}  # the action answers "not found"
    if row.org_id in _writes_for(_user(context)):
        return {"success": True}
    return {"success": False, "msg": _("Only an editor or admin of the scenario's department changes it")}


scenario_delete = scenario_update


def scenario_show(context, data_dict=None) -> dict:
    row = _scenario(context, data_dict)
    user = _user(context)
    if row is None:
        return {"success": True}
    if authz.is_sysadmin(user) or authz.is_authority(user) or authz.is_operator(user):
        return {"success": True}
    orgs = set(authz.memberships(user)) | authz.county_jurisdiction(user)
    if row.org_id in orgs:
        return {"success": True}
    providers = {p for p, in model.Session.query(model.Package.owner_org).join(
        ScenarioEntry, ScenarioEntry.package_id == model.Package.id).filter(ScenarioEntry.scenario_id == row.id)}
    providers |= {p for p, in model.Session.query(ShareRequest.provider_org_id).join(
        ScenarioRequest, ScenarioRequest.share_request_id == ShareRequest.id).filter(
        ScenarioRequest.scenario_id == row.id)}
    if providers & orgs:
        return {"success": True}
    return {"success": False, "msg": _("You may not see this scenario")}


def scenario_list(context, data_dict=None) -> dict:
    return {"success": True}  # signed-in users; the action lists only what the user may see


def get_auth_functions() -> dict:
    return {name: tk.auth_disallow_anonymous_access(f) for name, f in (
        ("scenario_create", scenario_create), ("scenario_update", scenario_update),
        ("scenario_delete", scenario_delete), ("scenario_show", scenario_show),
        ("scenario_list", scenario_list))}
