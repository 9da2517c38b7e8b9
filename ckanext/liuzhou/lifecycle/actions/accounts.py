"""Account requests (Art 12): a department's admin asks, the Operator handles it within 2
working days, and approving creates, changes or deactivates the CKAN user.
"""
from __future__ import annotations

import secrets
import string
from typing import Optional

import ckan.model as model
import ckan.plugins.toolkit as tk

from ... import config as lz_config
from ... import idempotency
from ...calendar import store as cal
from ... import authz
from ...formats import Names
from ...validation import validate_or_raise as _validate
from .. import dictize, events, schema, states
from ..model import AccountRequest
from .common import acting_org, actor_of, commit, error, filter_org, load, notes_required, page

_ = tk._


def _account_dict(req: AccountRequest, full: bool = True) -> dict:
    names = Names([req.requester_id, req.decided_by], [req.org_id])
    out = dictize.account_request(req, names)
    if full:
        out["events"] = dictize.timeline(events.history("account_request", req.id))
    return out


def _requesting_org(actor: model.User, ref: Optional[str]) -> str:
    admin_of = authz.orgs_with(actor, "admin")
    if ref:
        oid = authz.org_id(ref)
        if oid is None or oid not in admin_of:
            raise error("org", _("Only an admin of the department can request accounts for it"))
        return oid
    if len(admin_of) == 1:
        return next(iter(admin_of))
    raise error("org", _("Say which department the account is for"))


def account_request_create(context, data_dict) -> dict:
    """Art 12: a department's admin asks for a new, changed or cancelled user account; the
    Operator handles it within 2 working days (day 0 = today).

    :param kind: create | modify | cancel :param org: the department (default: the one the
        user administers) :param user_name: the account (for create: the new login name)
    :param fullname: :param email: (both required to create) :param role: member | editor |
        admin in the department (create: default member) :param reason:
    """
    tk.check_access("account_request_create", context, data_dict)
    data = _validate(data_dict, schema.account_request_create(), context)
    actor = actor_of(context)
    key = data.get(idempotency.FIELD)
    if made := idempotency.claim(context, actor.id, "account_request_create", key):
        return _account_dict(load(AccountRequest, made))
    org_id = _requesting_org(actor, data.get("org"))
    kind, name = data["kind"], data["user_name"]
    target = None
    if kind == "create":
        errors = {}
        try:
            tk.get_validator("name_validator")(name, context)
        except tk.Invalid as e:
            errors["user_name"] = [e.error]
        if not errors and model.User.get(name) is not None:
            errors["user_name"] = [_("That login name is already taken")]
        for field in ("fullname", "email"):
            if not data.get(field):
                errors[field] = [_("Missing value")]
        if not errors and model.Session.query(AccountRequest.id).filter(
                AccountRequest.kind == "create", AccountRequest.user_name == name,
                AccountRequest.state == states.SUBMITTED).first():
            errors["user_name"] = [_("An account with this name has already been requested")]
        if errors:
            raise tk.ValidationError(errors)
    else:
        target = model.User.get(name)
        if target is None or target.state != "active" or not authz.is_member(org_id, target):
            raise error("user_name", _("Not an active user of this department"))
        if kind == "modify" and not any(data.get(f) for f in ("fullname", "email", "role")):
            raise error("fullname", _("Say what changes: full name, email or role"))
    now = cal.utcnow()
    deadline = cal.deadline_or_error(now, states.ACCOUNT_WORKDAYS)
    req = AccountRequest(kind=kind, org_id=org_id, requester_id=actor.id,
                         user_name=target.name if target else name, user_id=target.id if target else None,
                         fullname=data.get("fullname"), email=data.get("email"),
                         role=data.get("role") or ("member" if kind == "create" else None),
                         reason=data["reason"], deadline=deadline, state=states.SUBMITTED,
                         state_changed_at=now, state_changed_by=actor.id, created=now, modified=now)
    model.Session.add(req)
    model.Session.flush()
    idempotency.bind(actor.id, "account_request_create", key, req.id)
    events.record("account_request", req, "submit", actor, "provider", actor_org_id=org_id,
                  to_state=states.SUBMITTED, now=now, deadline=deadline, provider_org_id=org_id,
                  detail={"kind": kind, "user_name": req.user_name, "role": req.role},
                  notify=[lz_config.operator_org()])
    commit(context)
    return _account_dict(req)


@tk.side_effect_free
def account_request_show(context, data_dict) -> dict:
    tk.check_access("account_request_show", context, data_dict)
    data = _validate(data_dict, schema.show(), context)
    return _account_dict(load(AccountRequest, data["id"]))


def _initial_password() -> str:
    alphabet = string.ascii_letters + string.digits
    core = "".join(secrets.choice(alphabet) for _i in range(12))
    return f"Lz{core}@{secrets.randbelow(90) + 10}"


def _apply_account(req: AccountRequest) -> Optional[str]:
    """Create, change or deactivate the CKAN user, as the platform; the changes join the
    caller's transaction (CKAN's ``user_delete`` commits it: it is called last)."""
    site = authz.site_user()
    ctx = lambda: {"user": site.name, "ignore_auth": True, "defer_commit": True}  # noqa: E731
    org = model.Group.get(req.org_id)
    if req.kind == "create":
        password = _initial_password()
        user = tk.get_action("user_create")(ctx(), {"name": req.user_name, "email": req.email,
                                                    "fullname": req.fullname, "password": password})
        req.user_id = user["id"]
        tk.get_action("member_create")(ctx(), {"id": org.id, "object": user["id"], "object_type": "user",
                                               "capacity": req.role or "member"})
        return password
    if req.kind == "modify":
        changes = {k: getattr(req, k) for k in ("fullname", "email") if getattr(req, k)}
        if changes:
            tk.get_action("user_patch")(ctx(), {"id": req.user_id, **changes})
        if req.role:
            tk.get_action("member_create")(ctx(), {"id": org.id, "object": req.user_id, "object_type": "user",
                                                   "capacity": req.role})
        return None
    return None  # cancel: see account_request_decide


def account_request_decide(context, data_dict) -> dict:
    """Art 12: the Operator approves (the platform then creates, changes or deactivates the
    CKAN user) or rejects (``notes`` say why), within 2 working days; a late decision is
    recorded as late. Approving a new account returns its ``initial_password`` once.

    :param id: :param decision: approve | reject :param notes:
    """
    tk.check_access("account_request_decide", context, data_dict)
    data = _validate(data_dict, schema.decide(), context)
    actor = actor_of(context)
    req = load(AccountRequest, data["id"], lock=True)
    states.check("account_request", "decide", req.state)
    decision = data["decision"]
    if decision == "reject":
        notes_required(data, _("Say why the request is rejected"))
    now = cal.utcnow()
    password = None
    if decision == "approve":
        if req.kind != "cancel":
            password = _apply_account(req)
        else:
            user = model.User.get(req.user_id)
            if user is None or user.state != "active":
                raise error("user_name", _("This account is no longer active"))
    from_state = req.state
    req.state = states.APPROVED if decision == "approve" else states.REJECTED
    req.decided_by, req.decided_at, req.decision_notes = actor.id, now, data.get("notes")
    req.decision_on_time = now <= req.deadline if req.deadline else None
    req.state_changed_at, req.state_changed_by, req.modified = now, actor.id, now
    events.record("account_request", req, decision, actor, "operator",
                  actor_org_id=acting_org(actor, lz_config.operator_org()), from_state=from_state,
                  to_state=req.state, now=now, provider_org_id=req.org_id,
                  detail={"kind": req.kind, "user_name": req.user_name, "user_id": req.user_id,
                          "notes": req.decision_notes, "on_time": req.decision_on_time},
                  notify=[authz.org_name(req.org_id)])
    try:
        if decision == "approve" and req.kind == "cancel":
            tk.get_action("user_delete")({"user": authz.site_user().name, "ignore_auth": True}, {"id": req.user_id})
        commit(context)
    except Exception:
        model.Session.rollback()
        raise
    out = _account_dict(req)
    if password:
        out["initial_password"] = password
    return out


@tk.side_effect_free
def account_request_list(context, data_dict) -> dict:
    """Art 12: account requests (the Operator and the Authority: all; a department's admins:
    their department's), newest first. :param state: :param overdue: :param org:
    """
    tk.check_access("account_request_list", context, data_dict)
    data = _validate(data_dict, schema.account_request_list(), context)
    user = actor_of(context)
    now = cal.utcnow()
    query = model.Session.query(AccountRequest)
    if not (authz.oversees(user) or authz.is_sysadmin(user)):
        query = query.filter(AccountRequest.org_id.in_(list(authz.orgs_with(user, "admin")) or [""]))
    if data.get("state"):
        query = query.filter(AccountRequest.state == data["state"])
    if data["overdue"]:
        query = query.filter(AccountRequest.state == states.SUBMITTED, AccountRequest.deadline < now)
    query = filter_org(query, AccountRequest.org_id, data.get("org"))
    count = query.count()
    rows = page(query, data, AccountRequest.created.desc(), AccountRequest.id)
    names = Names([u for r in rows for u in (r.requester_id, r.decided_by)], [r.org_id for r in rows])
    return {"count": count, "results": [dictize.account_request(r, names, now) for r in rows]}
