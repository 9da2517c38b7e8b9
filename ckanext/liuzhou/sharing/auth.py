"""Auth functions of the sharing capability: who may act on a share request (Art 4–8, 25–26, 31).

Each decides from the user and the request (loaded once and kept in the context); roles come
from organization membership (:mod:`..authz`), never from Solr.
"""
from __future__ import annotations

from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import authz
from . import workflow
from .model import ShareRequest


def _ok() -> dict:
    return {"success": True}


def _no(msg: str) -> dict:
    return {"success": False, "msg": msg}


def _user(context) -> model.User | None:
    return authz.context_user(context)


def request_of(context, data_dict) -> ShareRequest:
    """The request named by ``id`` (NotFound if none), cached in the context for the action."""
    req_id = tk.get_or_bust(data_dict, "id")
    cached = context.get("liuzhou_share_request")
    if cached is not None and cached.id == req_id:
        return cached
    req = workflow.load(req_id)
    context["liuzhou_share_request"] = req
    return req


def can_view(user, req: ShareRequest) -> bool:
    if user is None:
        return False
    if authz.is_member(req.consumer_org_id, user) or authz.is_member(req.provider_org_id, user):
        return True
    if authz.is_operator(user) or authz.is_authority(user):
        return True
    return bool(authz.county_jurisdiction(user) & {req.consumer_org_id, req.provider_org_id})


def can_arbitrate(user, req: ShareRequest) -> bool:
    """Who closes a coordination: the Operator for a share request; for a not-shared
    negotiation the Authority, or a county authority when both departments are in its county."""
    if req.kind == "negotiation":
        return authz.is_authority(user) or {req.consumer_org_id, req.provider_org_id} <= authz.county_jurisdiction(user)
    return authz.is_operator(user)


def _signed_in(context, data_dict=None) -> dict:
    return _ok() if _user(context) is not None else _no(tk._("Sign in first"))


@tk.auth_disallow_anonymous_access
def share_request_create(context, data_dict) -> dict:
    """A member of the consumer department (the user's own department)."""
    user = _user(context)
    consumer = (data_dict or {}).get("consumer_org")
    if consumer:
        if authz.is_member(authz.org_id(consumer), user):
            return _ok()
        return _no(tk._("You can only request data for a department you belong to"))
    if authz.memberships(user):
        return _ok()
    return _no(tk._("Only a department's users can request data"))


def _viewer(context, data_dict) -> dict:
    req = request_of(context, data_dict)
    if can_view(_user(context), req):
        return _ok()
    return _no(tk._("Only the departments concerned, the Operator and the Authority can see this request"))


@tk.auth_disallow_anonymous_access
def share_request_show(context, data_dict) -> dict:
    return _viewer(context, data_dict)


@tk.auth_disallow_anonymous_access
def share_request_history(context, data_dict) -> dict:
    return _viewer(context, data_dict)


@tk.auth_disallow_anonymous_access
def share_request_list(context, data_dict) -> dict:
    """Any signed-in user; the action only lists what the user may see."""
    return _signed_in(context)


def _provider_admin(context, data_dict) -> dict:
    req = request_of(context, data_dict)
    if authz.is_admin(req.provider_org_id, _user(context)):
        return _ok()
    return _no(tk._("Only an admin of the providing department can do this"))


def _consumer(context, data_dict) -> dict:
    req = request_of(context, data_dict)
    if authz.is_member(req.consumer_org_id, _user(context)):
        return _ok()
    return _no(tk._("Only the requesting department can do this"))


def _operator(context, data_dict=None) -> dict:
    if authz.is_operator(_user(context)):
        return _ok()
    return _no(tk._("Only the platform Operator can do this"))


@tk.auth_disallow_anonymous_access
def share_request_decide(context, data_dict) -> dict:
    """Art 26.2: the provider's admin approves or rejects."""
    return _provider_admin(context, data_dict)


@tk.auth_disallow_anonymous_access
def share_request_authority_decide(context, data_dict) -> dict:
    """The Authority approves sharing an entry graded 重要 or 核心 (《政务数据共享条例》)."""
    request_of(context, data_dict)
    if authz.is_authority(_user(context)):
        return _ok()
    return _no(tk._("Only the Authority can approve sharing important or core data"))


@tk.auth_disallow_anonymous_access
def share_request_withdraw(context, data_dict) -> dict:
    """The requester, or an admin of the requesting department."""
    req = request_of(context, data_dict)
    user = _user(context)
    if user is not None and (user.id == req.requester_id and authz.is_member(req.consumer_org_id, user)
                             or authz.is_admin(req.consumer_org_id, user)):
        return _ok()
    return _no(tk._("Only the requester or an admin of the requesting department can withdraw"))


@tk.auth_disallow_anonymous_access
def share_request_coordination_open(context, data_dict) -> dict:
    """Art 26.3: the consumer may ask for coordination at any point."""
    return _consumer(context, data_dict)


@tk.auth_disallow_anonymous_access
def share_request_coordination_close(context, data_dict) -> dict:
    """Art 26.3: the Operator records the meeting (the Authority for a not-shared negotiation)."""
    req = request_of(context, data_dict)
    if can_arbitrate(_user(context), req):
        return _ok()
    if req.kind == "negotiation":
        return _no(tk._("Only the Authority can close the coordination of a not-shared negotiation"))
    return _no(tk._("Only the platform Operator can do this"))


@tk.auth_disallow_anonymous_access
def share_request_deliver(context, data_dict) -> dict:
    """Art 26.4: the Operator delivers."""
    request_of(context, data_dict)
    return _operator(context)


@tk.auth_disallow_anonymous_access
def quality_issue_create(context, data_dict) -> dict:
    """Art 26.5: the consumer reports a quality issue."""
    return _consumer(context, data_dict)


@tk.auth_disallow_anonymous_access
def quality_issue_resolve(context, data_dict) -> dict:
    """Art 26.5: the responsible party fixes: the provider's admin, or the Operator."""
    req = request_of(context, data_dict)
    user = _user(context)
    if authz.is_admin(req.provider_org_id, user) or authz.is_operator(user):
        return _ok()
    return _no(tk._("Only the provider's admin or the Operator can resolve a quality issue"))


@tk.auth_disallow_anonymous_access
def share_request_suspend(context, data_dict) -> dict:
    """Art 31: the provider may suspend service."""
    return _provider_admin(context, data_dict)


@tk.auth_disallow_anonymous_access
def share_request_resume(context, data_dict) -> dict:
    return _provider_admin(context, data_dict)


@tk.auth_disallow_anonymous_access
def share_request_terminate(context, data_dict) -> dict:
    """Art 31: the provider may terminate service."""
    return _provider_admin(context, data_dict)


@tk.auth_disallow_anonymous_access
def share_request_expire(context, data_dict) -> dict:
    """The Operator (or the scheduled job, as the site user)."""
    request_of(context, data_dict)
    return _operator(context)


@tk.auth_disallow_anonymous_access
def share_request_suspension_list(context, data_dict) -> dict:
    """Art 31, 33: the Authority (a county authority for its county) and the Operator."""
    user = _user(context)
    if authz.is_authority(user) or authz.is_operator(user) or authz.county_jurisdiction(user):
        return _ok()
    return _no(tk._("Only the Authority and the Operator can see the suspensions"))


def get_auth_functions() -> dict[str, Any]:

    return {
        "quality_issue_create": quality_issue_create,
        "quality_issue_resolve": quality_issue_resolve,
        "share_request_coordination_close": share_request_coordination_close,
        "share_request_coordination_open": share_request_coordination_open,
        "share_request_authority_decide": share_request_authority_decide,
        "share_request_create": share_request_create,
        "share_request_decide": share_request_decide,
        "share_request_deliver": share_request_deliver,
        "share_request_expire": share_request_expire,
        "share_request_history": share_request_history,
        "share_request_list": share_request_list,
        "share_request_resume": share_request_resume,
        "share_request_show": share_request_show,
        "share_request_suspend": share_request_suspend,
        "share_request_suspension_list": share_request_suspension_list,
        "share_request_terminate": share_request_terminate,
        "share_request_withdraw": share_request_withdraw,
    }
