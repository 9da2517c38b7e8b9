"""Actions of the sharing capability: the share request workflow (Art 22–26, 31–33).

Each action: ``check_access`` → validate against :mod:`.schema` → work in the context's
session (state changes through :mod:`.workflow`, which writes the timeline event and the
audit row in the same transaction) → commit unless ``defer_commit`` → the request as a dict.
Names are the API contract (docs/sharing.md, the API reference); illegal transitions raise ValidationError (HTTP 409).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import config as lz_config
from .. import idempotency
from ..calendar import store as cal
from .. import authz, formats, masking
from ..grading import grades
from ..items import covers_every_item, entry_items
from . import dictize, queries, schema, states, workflow
from .model import Coordination, Delivery, QualityIssue, ShareRequest, ShareRequestEvent, ShareScope
from ..validation import acting_user, commit_unless_deferred, validate_or_raise as _validate

_ = tk._


# ---------------------------------------------------------------- helpers

_actor = acting_user
_commit = commit_unless_deferred


def _opens(req: ShareRequest, deliveries: list[Delivery]) -> dict:
    """What the request opens to its scoped users today (Art 25, 26.4), for the request page
    and ``share_request_show``: the resources its deliveries named, and the approved
    information items when they are not all of the entry's (None: every column)."""
    today = cal.local_date(cal.utcnow())
    active = (states.has_access(req.state, req.previous_state)
              and req.valid_from <= today <= req.valid_until)
    resources = list(dict.fromkeys(r for d in deliveries for r in d.resource_ids or [])) if active else []
    restricted = not covers_every_item(model.Package.get(req.package_id), req.information_items or [])
    return {"active": active, "resource_ids": resources,
            "information_items": list(req.information_items or []) if restricted else None}


def _locked(data: dict) -> ShareRequest:
    return workflow.load(data["id"], lock=True)


def _show(req: ShareRequest, *, full: bool = True) -> dict[str, Any]:
    names = dictize.names_for([req])
    out = dictize.request(req, names, dictize.packages_for([req]))
    if full:
        coords = (model.Session.query(Coordination).filter_by(share_request_id=req.id)
                  .order_by(Coordination.opened_at).all())
        deliveries = (model.Session.query(Delivery).filter_by(share_request_id=req.id)
                      .order_by(Delivery.number).all())
        issues = (model.Session.query(QualityIssue).filter_by(share_request_id=req.id)
                  .order_by(QualityIssue.raised_at).all())
        extra = dictize.Names([*(c.opened_by for c in coords), *(c.closed_by for c in coords),
                               *(d.delivered_by for d in deliveries),
                               *(q.raised_by for q in issues), *(q.resolved_by for q in issues)])
        out["coordinations"] = [dictize.coordination(c, extra) for c in coords]
        out["deliveries"] = [dictize.delivery(d, extra) for d in deliveries]
        out["opens"] = _opens(req, deliveries)   # Art 25, 26.4: exactly what was delivered
        out["quality_issues"] = [dictize.quality_issue(q, extra) for q in issues]
    return out


def _authority_name() -> str:
    return lz_config.authority_org()


def _error(field: str, message: str) -> tk.ValidationError:
    return tk.ValidationError({field: [message]})


def _today() -> dt.date:
    return cal.local_date(cal.utcnow())


# ---------------------------------------------------------------- create

def _consumer_org(actor: model.User, requested: Optional[str]) -> str:
    member_of = authz.memberships(actor)
    if requested:
        oid = authz.org_id(requested)
        if oid is None or oid not in member_of:
            raise _error("consumer_org", _("You do not belong to this department"))
        return oid
    if len(member_of) == 1:
        return next(iter(member_of))
    if not member_of:
        raise _error("consumer_org", _("You do not belong to any department"))
    raise _error("consumer_org", _("You belong to several departments: say which one requests the data"))


def _pick_items(pkg: model.Package, wanted: list[str], field: str = "information_items") -> list[str]:
    items = entry_items(pkg)
    key_of = {}
    for item in items:
        key = item.get("identifier") or item.get("name")
        for alias in (item.get("identifier"), item.get("name")):
            if alias:
                key_of[str(alias)] = key
    if not wanted:
        return [item.get("identifier") or item.get("name") for item in items]
    unknown = [w for w in wanted if w not in key_of]
    if unknown:
        raise _error(field, _("Not an information item of this entry: {items}").format(items=", ".join(unknown)))
    return list(dict.fromkeys(key_of[w] for w in wanted))


def _pick_resources(pkg: model.Package, wanted: list[str], field: str = "resource_ids") -> list[str]:
    active = [r.id for r in pkg.resources]
    if not wanted:
        return active
    unknown = [w for w in wanted if w not in active]
    if unknown:
        raise _error(field, _("Not a resource of this entry: {ids}").format(ids=", ".join(unknown)))
    return wanted


def _scope_users(names: list[str], consumer_org_id: str) -> list[model.User]:
    users, errors = [], []
    for ref in names:
        user = model.User.get(ref)
        if user is None or user.state != "active":
            errors.append(_("Unknown user: {user}").format(user=ref))
        elif not authz.is_member(consumer_org_id, user):
            errors.append(_("{user} is not a user of the requesting department").format(user=user.name))
        elif user not in users:
            users.append(user)
    if errors:
        raise tk.ValidationError({"scope_users": errors})
    return users


def share_request_create(context, data_dict) -> dict:
    """Ask for a catalog entry's data (Art 25, 26.1; Art 26 negotiation for not-shared entries).

    :param package_id: the catalog entry (id or name); conditional → a share request,
        not shared → a negotiation request; unconditional entries need no request.
    :param consumer_org: the requesting department (default: the user's only department)
    :param resource_ids: resources wanted (default: all); :param information_items: items wanted
        (identifiers or names; default: all)
    :param purpose: 用途; :param basis: legal or business basis
    :param scope_users: 知悉范围, the consumer's users who may read (names or ids)
    :param valid_from: ISO date (default today); :param valid_until: ISO date
    :param sharing_method: platform | email | media (default: the entry's)
    :param renews: id of an earlier request this one renews
    :param idempotency_key: sent again by the same user, returns the request the first call
        made instead of a second one (see :mod:`ckanext.liuzhou.idempotency`)
    The provider has 3 working days to decide (day 0 = today).
    """
    tk.check_access("share_request_create", context, data_dict)
    data = _validate(data_dict, schema.create(), context)
    actor = _actor(context)

    pkg = model.Package.get(data["package_id"])
    if pkg is None or pkg.state != "active" or pkg.type != "catalog":
        raise tk.ObjectNotFound(_("Catalog entry not found"))
    sharing_type = pkg.extras.get("sharing_type")
    kind = {"conditional": "share", "not_shared": "negotiation"}.get(sharing_type)
    if kind is None:
        raise _error("package_id", _("This entry is shared unconditionally: read it directly, no request is needed"))
    consumer_org_id = _consumer_org(actor, data.get("consumer_org"))
    if consumer_org_id == pkg.owner_org:
        raise _error("consumer_org", _("A department does not request its own data"))

    resource_ids = _pick_resources(pkg, data.get("resource_ids") or [])
    items = _pick_items(pkg, data.get("information_items") or [])
    scope = _scope_users(data["scope_users"], consumer_org_id)
    today = _today()
    valid_from = data.get("valid_from") or today
    valid_from = valid_from.date() if isinstance(valid_from, dt.datetime) else valid_from
    valid_until = data["valid_until"]
    valid_until = valid_until.date() if isinstance(valid_until, dt.datetime) else valid_until
    if valid_until < valid_from:
        raise _error("valid_until", _("The validity period ends before it starts"))
    if valid_until < today:
        raise _error("valid_until", _("The validity period has already ended"))

    renews_id = None
    if data.get("renews"):
        old = model.Session.get(ShareRequest, data["renews"])
        if old is None or old.package_id != pkg.id or old.consumer_org_id != consumer_org_id:
            raise _error("renews", _("A renewal must follow a request of the same department for the same entry"))
        renews_id = old.id

    key = data.get(idempotency.FIELD)
    made = idempotency.claim(context, actor.id, "share_request_create", key)
    if made:
        return _show(model.Session.get(ShareRequest, made))
    now = cal.utcnow()
    deadline = workflow.deadline_for(states.SUBMITTED, now)  # provisional in a year nobody has entered
    req = ShareRequest(
        kind=kind, package_id=pkg.id, provider_org_id=pkg.owner_org, consumer_org_id=consumer_org_id,
        requester_id=actor.id, resource_ids=resource_ids, information_items=items,
        purpose=data["purpose"], basis=data["basis"],
        sharing_method=data.get("sharing_method") or pkg.extras.get("sharing_method") or "platform",
        valid_from=valid_from, valid_until=valid_until, renews_id=renews_id,
        data_grade=grades.of(pkg.extras.get("data_grade")),
        state=states.SUBMITTED, deadline=deadline, state_changed_at=now, state_changed_by=actor.id,
        created=now, modified=now)
    req.scope = [ShareScope(user_id=u.id) for u in scope]
    model.Session.add(req)
    model.Session.flush()
    idempotency.bind(actor.id, "share_request_create", key, req.id)
    workflow.record_event(req, "create", actor, "consumer", actor_org_id=consumer_org_id,
                          from_state=None, to_state=states.SUBMITTED, now=now,
                          detail={"kind": kind, "renews": renews_id},
                          notify=[authz.org_name(pkg.owner_org)])
    _commit(context)
    return _show(req)


# ---------------------------------------------------------------- reads

@tk.side_effect_free
def share_request_show(context, data_dict) -> dict:
    """A request with its deadline, coordinations, deliveries and quality issues (Art 25–26)."""
    tk.check_access("share_request_show", context, data_dict)
    data = _validate(data_dict, schema.show(), context)
    return _show(workflow.load(data["id"]))


@tk.side_effect_free
def share_request_history(context, data_dict) -> list[dict]:
    """The request's timeline: every state change and notice, oldest first (Art 25 traceability)."""
    tk.check_access("share_request_history", context, data_dict)
    data = _validate(data_dict, schema.show(), context)
    events = (model.Session.query(ShareRequestEvent).filter_by(share_request_id=data["id"])
              .order_by(ShareRequestEvent.id).all())
    names = dictize.Names([e.actor_id for e in events], [e.actor_org_id for e in events])
    return [dictize.event(e, names) for e in events]


def _visible(query, user: model.User):
    """Limit a query on ShareRequest to what the user may see."""
    if authz.is_operator(user) or authz.is_authority(user):
        return query
    orgs = set(authz.memberships(user)) | authz.county_jurisdiction(user)
    if not orgs:
        return query.filter(sa.false())
    return query.filter(sa.or_(ShareRequest.consumer_org_id.in_(orgs), ShareRequest.provider_org_id.in_(orgs)))


def _to_review(user: model.User):
    """What waits for this user's action, as a filter."""
    member_of = authz.memberships(user)
    admin_of = [gid for gid, cap in member_of.items() if cap == "admin"]
    conds = []
    if admin_of:  # provider admin: decide, fix quality issues
        conds.append(sa.and_(ShareRequest.provider_org_id.in_(admin_of),
                             ShareRequest.state.in_([states.SUBMITTED, states.QUALITY_ISSUE])))
    if authz.is_operator(user):  # deliver, investigate, coordinate
        conds.append(ShareRequest.state.in_([states.APPROVED, states.FIXED, states.QUALITY_ISSUE]))
        conds.append(sa.and_(ShareRequest.state == states.COORDINATING, ShareRequest.kind == "share"))
    county = authz.county_jurisdiction(user)
    if authz.is_authority(user):
        conds.append(sa.and_(ShareRequest.state == states.COORDINATING, ShareRequest.kind == "negotiation"))
        conds.append(ShareRequest.state == states.AUTHORITY_REVIEW)   # graded data
    elif county:
        conds.append(sa.and_(ShareRequest.state == states.COORDINATING, ShareRequest.kind == "negotiation",
                             ShareRequest.consumer_org_id.in_(county), ShareRequest.provider_org_id.in_(county)))
    return sa.or_(*conds) if conds else sa.false()


@tk.side_effect_free
def share_request_list(context, data_dict) -> dict:
    """Requests the user may see, newest first (Art 26; overdue items for Art 34 evaluation).

    :param mine: requests of the user's departments (as consumer)
    :param to_review: requests waiting for the user's action (decide, deliver, fix, coordinate)
    :param state: one state; :param overdue: open past their deadline; :param package_id
    :param limit: (default 50, at most 1000); :param offset
    :returns: ``{"count": n, "results": [...]}``
    """
    tk.check_access("share_request_list", context, data_dict)
    data = _validate(data_dict, schema.list_(), context)
    user = _actor(context)
    now = cal.utcnow()
    query = _visible(model.Session.query(ShareRequest), user)
    if data["mine"]:
        query = query.filter(ShareRequest.consumer_org_id.in_(list(authz.memberships(user)) or [""]))
    if data["to_review"]:
        query = query.filter(_to_review(user))
    if data.get("state"):
        query = query.filter(ShareRequest.state == data["state"])
    if data["overdue"]:
        query = query.filter(queries.overdue(now))
    if data.get("package_id"):
        pkg = model.Package.get(data["package_id"])
        query = query.filter(ShareRequest.package_id == (pkg.id if pkg else data["package_id"]))
    count = query.count()
    rows = (query.order_by(ShareRequest.created.desc(), ShareRequest.id)
            .limit(data["limit"]).offset(data["offset"]).all())
    names, packages = dictize.names_for(rows), dictize.packages_for(rows)
    return {"count": count, "results": [dictize.request(r, names, packages, now) for r in rows]}


@tk.side_effect_free
def share_request_suspension_list(context, data_dict) -> dict:
    """Every suspension a provider made, for the Authority (Art 31: reported; Art 33.1 tracked).

    A county authority sees those of its county. ``{"count", "results"}``, newest first, each
    with the request, the provider, the consumer, who suspended, when, why, and whether the
    service has resumed.
    """
    tk.check_access("share_request_suspension_list", context, data_dict)
    data = _validate(data_dict, schema.suspension_list(), context)
    user = _actor(context)
    query = (model.Session.query(ShareRequestEvent, ShareRequest)
             .join(ShareRequest, ShareRequest.id == ShareRequestEvent.share_request_id)
             .filter(ShareRequestEvent.event == "suspend"))
    if not (authz.is_authority(user) or authz.is_operator(user)):
        county = authz.county_jurisdiction(user) or {""}
        query = query.filter(sa.or_(ShareRequest.provider_org_id.in_(county),
                                    ShareRequest.consumer_org_id.in_(county)))
    count = query.count()
    rows = (query.order_by(ShareRequestEvent.created.desc(), ShareRequestEvent.id.desc())
            .limit(data["limit"]).offset(data["offset"]).all())
    reqs = [r for _e, r in rows]
    names = dictize.names_for(reqs, [e.actor_id for e, _r in rows])
    packages = dictize.packages_for(reqs)
    results = []
    for ev, req in rows:
        item = dictize.event(ev, names)
        item["share_request"] = dictize.request(req, names, packages)
        item["still_suspended"] = req.state == states.SUSPENDED
        results.append(item)
    return {"count": count, "results": results}


# ---------------------------------------------------------------- transitions

def _reason_for_rejection(data: dict) -> None:
    """A rejection (the provider's, Art 26.2, or the Authority's of graded data) states a reason
    code and a reason; nothing is saved without them."""
    if data["decision"] != "reject":
        return
    errors = {}
    if not data.get("reason_code"):
        errors["reason_code"] = [_("A rejection needs a reason code")]
    if not data.get("reason"):
        errors["reason"] = [_("A rejection needs a reason")]
    if errors:
        raise tk.ValidationError(errors)


def share_request_decide(context, data_dict) -> dict:
    """Art 26.2: the provider's admin approves or rejects within 3 working days.

    :param id: :param decision: approve | reject
    :param reason_code: required to reject, one of ``states.REJECTION_REASONS``
    :param reason: free text, required to reject
    :param personal_items: of the requested information items marked personal information,
        those the provider approves the request's purpose for: delivered unmasked (PIPL Art 6,
        the minimum necessary; the others are masked, see :mod:`ckanext.liuzhou.masking`)
    An entry graded 重要 or 核心 (a grade of the list that needs the Authority's approval) goes
    on to the Authority (state ``authority_review``, 3 working days) instead of to the Operator
    (《政务数据共享条例》, security chapter: graded data).
    Of two racing decisions exactly one succeeds; the other finds the request decided (409).
    """
    tk.check_access("share_request_decide", context, data_dict)
    data = _validate(data_dict, schema.decide(), context)
    actor = _actor(context)
    _reason_for_rejection(data)
    req = _locked(data)
    event = "approve" if data["decision"] == "approve" else "reject"
    states.check(event, req.state)
    pkg = model.Package.get(req.package_id)
    personal = _personal_items(pkg, req, data.get("personal_items") or []) if event == "approve" else []
    graded = event == "approve" and grades.needs_authority(pkg.extras.get("data_grade") if pkg else None)
    now = cal.utcnow()
    on_time = req.deadline is None or now <= req.deadline
    req.decided_by, req.decided_at, req.decision_on_time = actor.id, now, on_time
    req.reason_code = data.get("reason_code") if event == "reject" else None
    req.reason = data.get("reason")
    req.personal_items = personal
    if pkg is not None:
        req.data_grade = grades.of(pkg.extras.get("data_grade"))
    notify = [authz.org_name(req.consumer_org_id)]
    if event == "approve":
        notify.append(_authority_name() if graded else lz_config.operator_org())
    workflow.transition(req, event, actor, "provider", actor_org_id=req.provider_org_id, now=now,
                        to_state=states.AUTHORITY_REVIEW if graded else None,
                        detail={"reason_code": req.reason_code, "reason": req.reason, "on_time": on_time,
                                "personal_items": personal or None,
                                "data_grade": req.data_grade if graded else None},
                        notify=notify)
    _commit(context)
    return _show(req)


def _personal_items(pkg: Optional[model.Package], req: ShareRequest, wanted: list[str]) -> list[str]:
    """The personal items the provider approves the purpose for: each must be an item of the
    request marked personal information (PIPL Art 6: no more than the purpose needs)."""
    if not wanted:
        return []
    keys = _pick_items(pkg, wanted, "personal_items") if pkg is not None else []
    personal = {str(i.get("identifier") or i.get("name")) for i in entry_items(pkg) if masking.is_personal(i)}
    requested = set(req.information_items or [])
    wrong = [k for k in keys if k not in personal or k not in requested]
    if wrong:
        raise _error("personal_items", _("Not a personal information item of this request: {items}")
                     .format(items=", ".join(wrong)))
    return keys


def share_request_authority_decide(context, data_dict) -> dict:
    """The Authority approves or refuses sharing an entry graded 重要 or 核心, after the
    provider's approval and before delivery (《政务数据共享条例》, security chapter: grading
    of data; Data Security Law Art 21). Within 3 working days of the provider's approval.

    :param id: :param decision: approve | reject
    :param reason_code: required to refuse, one of ``states.REJECTION_REASONS``
    :param reason: free text, required to refuse
    Approved: the Operator delivers (state ``approved``); refused: ``rejected``, which the
    consumer may take to coordination like any rejection.
    """
    tk.check_access("share_request_authority_decide", context, data_dict)
    data = _validate(data_dict, schema.authority_decide(), context)
    actor = _actor(context)
    _reason_for_rejection(data)
    req = _locked(data)
    event = "authority_approve" if data["decision"] == "approve" else "authority_reject"
    states.check(event, req.state)
    now = cal.utcnow()
    on_time = req.deadline is None or now <= req.deadline
    if event == "authority_approve":
        req.authority_decided_by, req.authority_decided_at = actor.id, now
        notify = [authz.org_name(req.consumer_org_id), authz.org_name(req.provider_org_id), lz_config.operator_org()]
    else:
        req.reason_code, req.reason = data["reason_code"], data["reason"]
        notify = [authz.org_name(req.consumer_org_id), authz.org_name(req.provider_org_id)]
    workflow.transition(req, event, actor, "authority", actor_org_id=authz.org_id(_authority_name()), now=now,
                        detail={"reason_code": data.get("reason_code") if event == "authority_reject" else None,
                                "reason": data.get("reason"), "on_time": on_time, "data_grade": req.data_grade},
                        notify=notify)
    _commit(context)
    return _show(req)


def share_request_withdraw(context, data_dict) -> dict:
    """The consumer withdraws its request before the provider decides (Art 26.1)."""
    tk.check_access("share_request_withdraw", context, data_dict)
    data = _validate(data_dict, schema.with_optional_reason(), context)
    actor = _actor(context)
    req = _locked(data)
    workflow.transition(req, "withdraw", actor, "consumer", actor_org_id=req.consumer_org_id,
                        detail={"reason": data.get("reason")},
                        notify=[authz.org_name(req.provider_org_id)])
    _commit(context)
    return _show(req)


def share_request_coordination_open(context, data_dict) -> dict:
    """Art 26.3 (and Art 26 for not-shared data): the consumer asks for coordination, in any open state.

    A rejection can be taken to coordination. The Operator (the Authority for a not-shared
    negotiation) holds the meeting and records its outcome.
    :param id: :param reason: why coordination is needed
    """
    tk.check_access("share_request_coordination_open", context, data_dict)
    data = _validate(data_dict, schema.with_reason(), context)
    actor = _actor(context)
    req = _locked(data)
    states.check("coordination_open", req.state)
    arbiter = "authority" if req.kind == "negotiation" else "operator"
    coord = Coordination(share_request_id=req.id, state="open", arbiter=arbiter,
                         previous_state=req.state, opened_by=actor.id, opened_at=cal.utcnow(),
                         request_reason=data["reason"])
    model.Session.add(coord)
    model.Session.flush()
    arbiter_org = _authority_name() if arbiter == "authority" else lz_config.operator_org()
    workflow.transition(req, "coordination_open", actor, "consumer", actor_org_id=req.consumer_org_id,
                        detail={"coordination_id": coord.id, "reason": data["reason"], "arbiter": arbiter},
                        notify=[arbiter_org, authz.org_name(req.provider_org_id)])
    _commit(context)
    return _show(req)


def share_request_coordination_close(context, data_dict) -> dict:
    """Art 26.3: the Operator records the coordination meeting (date, participants, outcome).

    For a not-shared negotiation the Authority coordinates (Art 26). Outcomes: approved (the
    Operator then delivers), rejected, continue (back to the state before coordination),
    withdrawn, terminated.
    :param id: :param meeting_date: ISO date :param participants: list
    :param outcome: :param notes: the recorded result
    """
    tk.check_access("share_request_coordination_close", context, data_dict)
    data = _validate(data_dict, schema.coordination_close(), context)
    actor = _actor(context)
    req = _locked(data)
    states.check("coordination_close", req.state)
    coord = (model.Session.query(Coordination)
             .filter_by(share_request_id=req.id, state="open").with_for_update().one())
    outcome = data["outcome"]
    to_state = states.COORDINATION_OUTCOMES[outcome] or coord.previous_state
    pkg = model.Package.get(req.package_id)
    if (to_state == states.APPROVED and coord.arbiter != "authority" and req.authority_decided_at is None
            and grades.needs_authority(pkg.extras.get("data_grade") if pkg else None)):
        to_state = states.AUTHORITY_REVIEW   # graded data: the Authority still approves
    meeting = data["meeting_date"]
    meeting = meeting.date() if isinstance(meeting, dt.datetime) else meeting
    if meeting > _today():
        raise _error("meeting_date", _("The meeting date is in the future: record the coordination after the meeting"))
    now = cal.utcnow()
    deadline = workflow.DEFAULT_DEADLINE
    if to_state == states.QUALITY_ISSUE:  # back to an open quality issue: its own deadline stands
        deadline = _open_issue(req).deadline
    acting_org = authz.org_id(_authority_name() if coord.arbiter == "authority" else lz_config.operator_org())
    role = coord.arbiter
    if coord.arbiter == "authority" and not authz.is_authority(actor):
        role = "county_authority"
        acting_org = next((gid for gid in authz.memberships(actor)
                           if gid in authz.county_jurisdiction(actor)), acting_org)
    workflow.transition(req, "coordination_close", actor, role, actor_org_id=acting_org,
                        to_state=to_state, now=now, deadline=deadline,
                        detail={"coordination_id": coord.id, "outcome": outcome,
                                "meeting_date": meeting, "participants": data["participants"],
                                "notes": data["notes"]},
                        notify=[authz.org_name(req.consumer_org_id), authz.org_name(req.provider_org_id)])
    coord.state, coord.closed_by, coord.closed_at = "closed", actor.id, now
    coord.meeting_date, coord.participants = meeting, data["participants"]
    coord.outcome, coord.outcome_notes = outcome, data["notes"]
    if outcome == "approved" and not req.decided_at:
        req.decided_by, req.decided_at = actor.id, now
    _commit(context)
    return _show(req)


def share_request_deliver(context, data_dict) -> dict:
    """Art 26.4 (共享对接): the Operator delivers the approved data; the consumer's scoped users
    gain access for the validity period. Also the new delivery after a quality fix (Art 26.5).
    Opens the consumer's 2-working-day quality window.

    :param id: :param method: platform | email | media (default: the request's)
    :param resource_ids: delivered resources (default: the requested ones) :param notes:
    """
    tk.check_access("share_request_deliver", context, data_dict)
    data = _validate(data_dict, schema.deliver(), context)
    actor = _actor(context)
    req = _locked(data)
    states.check("deliver", req.state)
    if req.valid_until < _today():
        raise _error("valid_until", _("The validity period of this request has ended: it can only expire"))
    pkg = model.Package.get(req.package_id)
    resource_ids = _pick_resources(pkg, data.get("resource_ids") or []) if data.get("resource_ids") \
        else list(req.resource_ids or [])
    now = cal.utcnow()
    window = cal.deadline_or_error(now, states.QUALITY_WINDOW_WORKDAYS, "quality_window_ends")
    number = (model.Session.query(sa.func.coalesce(sa.func.max(Delivery.number), 0))
              .filter(Delivery.share_request_id == req.id).scalar()) + 1
    delivery = Delivery(share_request_id=req.id, number=number, delivered_by=actor.id, delivered_at=now,
                        method=data.get("method") or req.sharing_method, resource_ids=resource_ids,
                        notes=data.get("notes") or "", quality_window_ends=window)
    model.Session.add(delivery)
    model.Session.flush()
    workflow.transition(req, "deliver", actor, "operator", actor_org_id=authz.org_id(lz_config.operator_org()),
                        now=now, detail={"delivery_id": delivery.id, "number": number,
                                         "method": delivery.method, "resource_ids": resource_ids,
                                         "quality_window_ends": window},
                        notify=[authz.org_name(req.consumer_org_id), authz.org_name(req.provider_org_id)])
    _commit(context)
    return _show(req)


def _open_issue(req: ShareRequest, lock: bool = False) -> Optional[QualityIssue]:
    query = model.Session.query(QualityIssue).filter_by(share_request_id=req.id, state="open")
    if lock:
        query = query.with_for_update()
    return query.order_by(QualityIssue.raised_at.desc()).first()


def quality_issue_create(context, data_dict) -> dict:
    """Art 26.5 (质量检查): the consumer reports doubts or errors within 2 working days of a delivery.

    The responsible party then has 2 working days to fix. :param id: the share request
    :param description: :param information_items: the items concerned (optional)
    """
    tk.check_access("quality_issue_create", context, data_dict)
    data = _validate(data_dict, schema.quality_issue_create(), context)
    actor = _actor(context)
    req = _locked(data)
    states.check("quality_issue", req.state)
    delivery = (model.Session.query(Delivery).filter_by(share_request_id=req.id)
                .order_by(Delivery.number.desc()).first())
    now = cal.utcnow()
    if delivery is None or now > delivery.quality_window_ends:
        raise _error("id", _("Quality issues must be reported within 2 working days of the delivery "
                             "(the window closed at {when})").format(
            when=formats.local_iso(delivery.quality_window_ends) if delivery else "-"))
    pkg = model.Package.get(req.package_id)
    items = _pick_items(pkg, data["information_items"]) if data.get("information_items") else []
    deadline = workflow.deadline_for(states.QUALITY_ISSUE, now)
    issue = QualityIssue(share_request_id=req.id, delivery_id=delivery.id, state="open", raised_by=actor.id,
                         raised_at=now, description=data["description"], information_items=items,
                         deadline=deadline)
    model.Session.add(issue)
    model.Session.flush()
    workflow.transition(req, "quality_issue", actor, "consumer", actor_org_id=req.consumer_org_id, now=now,
                        deadline=deadline,
                        detail={"quality_issue_id": issue.id, "delivery_id": delivery.id,
                                "description": data["description"], "information_items": items},
                        notify=[lz_config.operator_org(), authz.org_name(req.provider_org_id)])
    _commit(context)
    return _show(req)


def quality_issue_resolve(context, data_dict) -> dict:
    """Art 26.5: the responsible party (provider admin or Operator) fixes within 2 working days;
    the request then waits for a new delivery (state ``fixed``). A late fix is recorded as late.

    :param id: the share request :param resolution: what was fixed
    """
    tk.check_access("quality_issue_resolve", context, data_dict)
    data = _validate(data_dict, schema.quality_issue_resolve(), context)
    actor = _actor(context)
    req = _locked(data)
    states.check("resolve", req.state)
    issue = _open_issue(req, lock=True)
    now = cal.utcnow()
    responsible = "provider" if authz.is_admin(req.provider_org_id, actor) else "operator"
    acting_org = req.provider_org_id if responsible == "provider" else authz.org_id(lz_config.operator_org())
    on_time = now <= issue.deadline
    workflow.transition(req, "resolve", actor, responsible, actor_org_id=acting_org, now=now,
                        detail={"quality_issue_id": issue.id, "resolution": data["resolution"],
                                "on_time": on_time},
                        notify=[authz.org_name(req.consumer_org_id), lz_config.operator_org()])
    issue.state, issue.resolved_by, issue.resolved_at = "resolved", actor.id, now
    issue.resolution, issue.responsible, issue.on_time = data["resolution"], responsible, on_time
    _commit(context)
    return _show(req)


def _provider_transition(context, data_dict, event: str) -> dict:
    data = _validate(data_dict, schema.with_reason(), context)
    actor = _actor(context)
    req = _locked(data)
    states.check(event, req.state)
    deadline = workflow.DEFAULT_DEADLINE
    if event == "resume" and req.previous_state == states.QUALITY_ISSUE:
        deadline = _open_issue(req).deadline
    workflow.transition(req, event, actor, "provider", actor_org_id=req.provider_org_id,
                        to_state=req.previous_state if event == "resume" else None, deadline=deadline,
                        detail={"reason": data["reason"]},
                        notify=[authz.org_name(req.consumer_org_id), _authority_name(), lz_config.operator_org()])
    if event in ("suspend", "terminate"):  # Art 33.1: a stop without the Authority's permission is flagged
        workflow.provider_stopped.send(req, event=event, actor=actor)
    _commit(context)
    return _show(req)


def share_request_suspend(context, data_dict) -> dict:
    """Art 31: the provider suspends service to the consumer (with reason); the Authority is
    notified and sees it in ``share_request_suspension_list`` (Art 33.1). Access stops at once.
    :param id: :param reason:
    """
    tk.check_access("share_request_suspend", context, data_dict)
    return _provider_transition(context, data_dict, "suspend")


def share_request_resume(context, data_dict) -> dict:
    """Art 31: the provider resumes a suspended service (with reason); back to the previous state.
    :param id: :param reason:
    """
    tk.check_access("share_request_resume", context, data_dict)
    return _provider_transition(context, data_dict, "resume")


def share_request_terminate(context, data_dict) -> dict:
    """Art 31: the provider terminates service to the consumer (with reason); the Authority is
    notified. Final. :param id: :param reason:
    """
    tk.check_access("share_request_terminate", context, data_dict)
    return _provider_transition(context, data_dict, "terminate")


def share_request_expire(context, data_dict) -> dict:
    """Art 25–26: access ends by itself when the validity period ends; this records it (state
    ``expired``). Run for every due request by ``ckan liuzhou deadlines``. Refused before the
    end of the validity period. :param id:
    """
    tk.check_access("share_request_expire", context, data_dict)
    data = _validate(data_dict, schema.show(), context)
    actor = _actor(context)
    req = _locked(data)
    states.check("expire", req.state)
    if req.valid_until >= _today():
        raise _error("valid_until", _("The validity period runs until {date}: the request cannot expire yet")
                     .format(date=req.valid_until.isoformat()))
    now = cal.utcnow()
    for coord in model.Session.query(Coordination).filter_by(share_request_id=req.id, state="open"):
        coord.state, coord.closed_by, coord.closed_at, coord.outcome = "closed", actor.id, now, "expired"
    for issue in model.Session.query(QualityIssue).filter_by(share_request_id=req.id, state="open"):
        issue.state, issue.resolved_at, issue.resolution = "closed", now, "expired"
    role = "operator" if authz.is_operator(actor) else "system"
    workflow.transition(req, "expire", actor, role,
                        actor_org_id=authz.org_id(lz_config.operator_org()) if role == "operator" else None,
                        now=now, detail={"valid_until": req.valid_until},
                        notify=[authz.org_name(req.consumer_org_id), authz.org_name(req.provider_org_id)])
    _commit(context)
    return _show(req)


def get_actions() -> dict[str, Any]:

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
