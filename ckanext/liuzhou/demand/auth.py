"""Auth functions of the demand list: who may file, route, answer and read a need.

Each decides from the user and the need (loaded once and kept in the context); roles come
from organization membership (:mod:`..authz`), never from Solr.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from .. import authz
from . import states, workflow
from .model import Demand


def _ok() -> dict:
    return {"success": True}


def _no(msg: str) -> dict:
    return {"success": False, "msg": msg}


def demand_of(context, data_dict) -> Demand:
    """The need named by ``id`` (NotFound if none), cached in the context for the action."""
    demand_id = tk.get_or_bust(data_dict or {}, "id")
    cached = context.get("liuzhou_demand")
    if cached is not None and cached.id == demand_id:
        return cached
    found = workflow.load(demand_id)
    context["liuzhou_demand"] = found
    return found


def can_view(user, d: Demand) -> bool:
    """The department that needs the data, the one it is routed to or that disclaimed it, the
    Operator, the Authority, and a county authority for its county's departments."""
    if user is None:
        return False
    if authz.is_operator(user) or authz.is_authority(user):
        return True
    orgs = {d.consumer_org_id, d.provider_org_id, *(d.disclaimed or [])} - {None}
    if any(authz.is_member(o, user) for o in orgs):
        return True
    return bool(authz.county_jurisdiction(user) & orgs)


def can_route(user, d: Demand) -> bool:
    """Who names the answering department now: the Operator; for a dispute the Authority
    (disputes between departments are the sharing authority's to settle)."""
    if d.state == states.DISPUTED:
        return authz.is_authority(user)
    return authz.is_operator(user)


@tk.auth_disallow_anonymous_access
def demand_create(context, data_dict) -> dict:
    """A member of the department that needs the data (the user's own department)."""
    user = authz.context_user(context)
    consumer = (data_dict or {}).get("consumer_org")
    if consumer:
        if isinstance(consumer, str) and authz.is_member(authz.org_id(consumer), user):
            return _ok()
        return _no(tk._("You can only file a need for a department you belong to"))
    if authz.memberships(user):
        return _ok()
    return _no(tk._("Only a department's users can file a need"))


@tk.auth_disallow_anonymous_access
def demand_route(context, data_dict) -> dict:
    """The Operator routes; the Authority decides a dispute."""
    d = demand_of(context, data_dict)
    if can_route(authz.context_user(context), d):
        return _ok()
    if d.state == states.DISPUTED:
        return _no(tk._("Only the Authority decides which department answers a disputed need"))
    return _no(tk._("Only the platform Operator routes a need"))


@tk.auth_disallow_anonymous_access
def demand_answer(context, data_dict) -> dict:
    """An admin of the department the need is routed to."""
    d = demand_of(context, data_dict)
    if d.provider_org_id and authz.is_admin(d.provider_org_id, authz.context_user(context)):
        return _ok()
    return _no(tk._("Only an admin of the department the need is routed to can answer it"))


@tk.auth_disallow_anonymous_access
def demand_show(context, data_dict) -> dict:
    d = demand_of(context, data_dict)
    if can_view(authz.context_user(context), d):
        return _ok()
    return _no(tk._("Only the departments concerned, the Operator and the Authority can see this need"))


@tk.auth_disallow_anonymous_access
def demand_list(context, data_dict) -> dict:
    """Any signed-in user; the action only lists what the user may see."""
    if authz.context_user(context) is not None:
        return _ok()
    return _no(tk._("Sign in first"))


def get_auth_functions() -> dict[str, Any]:
    return {
        "demand_answer": demand_answer,
        "demand_create": demand_create,
        "demand_list": demand_list,
        "demand_route": demand_route,
        "demand_show": demand_show,
    }
