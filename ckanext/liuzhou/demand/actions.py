"""Actions of the demand list (共享需求; 《政务数据共享条例》, sharing chapter; docs/demand.md).

| action | who | what |
|---|---|---|
| ``demand_create`` | a department's user | files a need: what data, for which duty, legal basis, items, by when |
| ``demand_route`` | the Operator (submitted); the Authority (disputed) | names the department that answers |
| ``demand_answer`` | an admin of that department | an entry (a share request on it, in one step) or a reason code |
| ``demand_show`` | the departments concerned, the Operator, the Authority | the need, its timeline, candidates |
| ``demand_list`` | any signed-in user | what the user may see; mine, to review, overdue |

Each action: ``check_access`` → validate against :mod:`.schema` → work in the session (state
changes through :mod:`.workflow`: timeline event + audit row in the same transaction) →
commit unless ``defer_commit`` → the need as a dict. Illegal transitions raise ValidationError.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import authz, idempotency
from .. import config as lz_config
from ..calendar import store as cal
from ..validation import acting_user, commit_unless_deferred, validate_or_raise
from . import auth as demand_auth
from . import candidates, dictize, schema, states, workflow
from .model import Demand, DemandEvent

_ = tk._


def _error(field: str, message: str) -> tk.ValidationError:
    return tk.ValidationError({field: [message]})


def _today() -> dt.date:
    return cal.local_date(cal.utcnow())


def _date(value) -> Optional[dt.date]:
    return value.date() if isinstance(value, dt.datetime) else value


def _show(d: Demand, *, full: bool = True) -> dict[str, Any]:
    events = (model.Session.query(DemandEvent).filter_by(demand_id=d.id).order_by(DemandEvent.id).all()
              if full else [])
    names = dictize.names_for([d], events)
    out = dictize.demand(d, names, dictize.packages_for([d]))
    if full:
        out["history"] = [dictize.event(e, names) for e in events]
    return out


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
    raise _error("consumer_org", _("You belong to several departments: say which one needs the data"))


# ---------------------------------------------------------------- create

def demand_create(context, data_dict) -> dict:
    """File a need for data the catalog lacks (《政务数据共享条例》, sharing chapter: the demand
    route; Art 25: the duty and the legal basis name the use, Liuzhou Art 25).

    :param title: what data; :param description: more about it (optional)
    :param duty: the duty the data serves (履职事项); :param basis: the legal basis
    :param information_items: the information items wanted (names, at least one)
    :param needed_by: ISO date by when (today or later)
    :param valid_until: ISO date, the end of the use asked for (the share request's validity;
        default one year after the answer)
    :param consumer_org: the department that needs the data (default: the user's only one)
    :param idempotency_key: a form sent twice makes one need
    The Operator routes it; it waits in state ``submitted``.
    """
    tk.check_access("demand_create", context, data_dict)
    data = validate_or_raise(data_dict, schema.create(), context)
    actor = acting_user(context)
    consumer = _consumer_org(actor, data.get("consumer_org"))
    today = _today()
    needed_by = _date(data["needed_by"])
    if needed_by < today:
        raise _error("needed_by", _("The date the data is needed by has passed"))
    valid_until = _date(data.get("valid_until"))
    if valid_until is not None and valid_until < needed_by:
        raise _error("valid_until", _("The use asked for ends before the data is needed"))
    key = data.get(idempotency.FIELD)
    made = idempotency.claim(context, actor.id, "demand_create", key)
    if made:
        return _show(model.Session.get(Demand, made))
    now = cal.utcnow()
    d = Demand(title=data["title"], description=data.get("description") or "", duty=data["duty"],
               basis=data["basis"], information_items=data["information_items"], needed_by=needed_by,
               valid_until=valid_until, consumer_org_id=consumer, requester_id=actor.id,
               state=states.SUBMITTED, state_changed_at=now, state_changed_by=actor.id,
               disclaimed=[], assigned=False, created=now, modified=now)
    model.Session.add(d)
    model.Session.flush()
    idempotency.bind(actor.id, "demand_create", key, d.id)
    workflow.record_event(d, "create", actor, "consumer", actor_org_id=consumer, from_state=None,
                          to_state=states.SUBMITTED, now=now, notify=[lz_config.operator_org()],
                          detail={"title": d.title, "needed_by": needed_by})
    commit_unless_deferred(context)
    return _show(d)


# ---------------------------------------------------------------- route / decide

def demand_route(context, data_dict) -> dict:
    """Name the department that answers a need.

    The Operator routes a ``submitted`` need (《政务数据共享条例》, sharing chapter: the need reaches
    the department that holds the data; ``demand_show`` with ``include_candidates`` suggests
    departments from the catalog and the lead departments of Liuzhou Art 15), never to a
    department that has said the data is not its duty. When two departments have said so the
    need is ``disputed`` and the Authority decides (the regulation's disputes settled by the
    sharing authority; Liuzhou Art 4–8): the department it names must answer.
    The answer is due ``ckanext.liuzhou.demand.answer_workdays`` working days later.

    :param id: the need :param provider_org: the department (name or id) :param note: optional
    """
    tk.check_access("demand_route", context, data_dict)
    data = validate_or_raise(data_dict, schema.route(), context)
    actor = acting_user(context)
    d = workflow.load(data["id"], lock=True)
    deciding = d.state == states.DISPUTED
    states.check("decide" if deciding else "route", d.state)
    org = model.Group.get(data["provider_org"])
    if org is None or not org.is_organization or org.state != "active":
        raise _error("provider_org", _("No such department"))
    if org.id == d.consumer_org_id:
        raise _error("provider_org", _("The department that needs the data cannot answer its own need"))
    if not deciding and org.id in (d.disclaimed or []):
        raise _error("provider_org", _("This department has said the data is not its duty: route the need "
                                       "elsewhere (after two such answers the Authority decides)"))
    now = cal.utcnow()
    d.provider_org_id = org.id
    d.routed_at, d.routed_by = now, actor.id
    d.assigned = deciding
    d.answer = d.reason_code = d.reason = None
    d.answered_by = d.answered_at = d.answered_on_time = None
    role = "authority" if deciding else "operator"
    acting = lz_config.authority_org() if deciding else lz_config.operator_org()
    workflow.move(d, "decide" if deciding else "route", states.ROUTED, actor, role,
                  actor_org_id=authz.org_id(acting), now=now, deadline=workflow.answer_deadline(now),
                  detail={"provider_org_id": org.id, "provider_org": org.name, "note": data.get("note")},
                  notify=[org.name, authz.org_name(d.consumer_org_id)])
    commit_unless_deferred(context)
    return _show(d)


# ---------------------------------------------------------------- answer

def _share_request(d: Demand, pkg: model.Package, items: list[str]) -> Optional[dict]:
    """The share request of the need's department on ``pkg``, filed in the caller's transaction
    through the sharing capability's action (Liuzhou Art 25, 26.1), in the name of the user who
    filed the need: purpose = the duty, basis = the legal basis, scope of knowledge = that
    user. None for an unconditional entry (read directly, no request: Liuzhou Art 26)."""
    if pkg.extras.get("sharing_type") == "unconditional":
        return None
    requester = model.User.get(d.requester_id)
    valid_until = d.valid_until or (_today() + dt.timedelta(days=365))
    context = {"user": requester.name if requester else "", "ignore_auth": True, "defer_commit": True}
    data = {"package_id": pkg.id, "consumer_org": d.consumer_org_id, "purpose": d.duty, "basis": d.basis,
            "scope_users": [requester.name if requester else ""], "valid_until": valid_until.isoformat()}
    if items:
        data["information_items"] = items
    return tk.get_action("share_request_create")(context, data)


def demand_answer(context, data_dict) -> dict:
    """The department's answer to a need routed to it, within the working days of
    ``ckanext.liuzhou.demand.answer_workdays`` (《政务数据共享条例》, sharing chapter: the demand
    route's deadline). A late answer is recorded as late.

    - ``answer=entry``: an entry of the department (already there, or published for the need)
      meets it (Art 19: data obtainable by sharing is not collected again). For a conditional
      or not-shared entry the need becomes a share request on it in the same transaction
      (Liuzhou Art 26.1; the provider then decides it as any other); an unconditional entry is
      read directly. :param package_id: :param information_items: the entry's items that meet
      the need (identifiers or names; default all).
    - ``answer=refuse``: why not, with a reason code of :data:`.states.REASONS` and a text.
      ``not_our_duty`` sends the need back to the Operator; after a second department says so
      the Authority decides; a department the Authority named cannot say so.

    :param id: the need :param answer: entry | refuse :param reason_code: :param reason:
    """
    tk.check_access("demand_answer", context, data_dict)
    data = validate_or_raise(data_dict, schema.answer(), context)
    actor = acting_user(context)
    d = workflow.load(data["id"], lock=True)
    states.check("answer", d.state)
    now = cal.utcnow()
    on_time = d.deadline is None or now <= d.deadline
    provider = d.provider_org_id
    notify = [authz.org_name(d.consumer_org_id), lz_config.operator_org()]
    base = {"provider_org_id": provider, "on_time": on_time, "deadline": d.deadline}

    if data["answer"] == states.ENTRY:
        if not data.get("package_id"):
            raise _error("package_id", _("Name the catalog entry that meets the need"))
        pkg = model.Package.get(data["package_id"])
        if pkg is None or pkg.state != "active" or pkg.type != "catalog":
            raise _error("package_id", _("Catalog entry not found"))
        if pkg.owner_org != provider:
            raise _error("package_id", _("Point to an entry of your own department"))
        if pkg.extras.get("sharing_type") == "not_shared":
            raise _error("package_id", _("This entry is not shared: refuse with a reason code instead"))
        req = _share_request(d, pkg, data.get("information_items") or [])
        d.package_id, d.share_request_id = pkg.id, req["id"] if req else None
        d.answer, d.reason_code, d.reason = states.ENTRY, None, data.get("reason")
        d.answered_by, d.answered_at, d.answered_on_time = actor.id, now, on_time
        workflow.move(d, "meet", states.MET, actor, "provider", actor_org_id=provider, now=now,
                      detail={**base, "package_id": pkg.id, "share_request_id": d.share_request_id,
                              "sharing_type": pkg.extras.get("sharing_type")},
                      notify=notify)
    else:
        code, reason = data.get("reason_code"), (data.get("reason") or "").strip()
        if not code:
            raise _error("reason_code", _("Choose a reason code"))
        if not reason:
            raise _error("reason", _("Explain why the data cannot be provided"))
        if code == states.NOT_OUR_DUTY:
            if d.assigned:
                raise _error("reason_code", _("The Authority named your department to answer this need: "
                                              "point to an entry or give another reason"))
            disclaimed = list(dict.fromkeys([*(d.disclaimed or []), provider]))
            d.disclaimed = disclaimed
            to_state = states.DISPUTED if len(disclaimed) >= states.DISPUTE_AFTER else states.SUBMITTED
            d.provider_org_id = None
            if to_state == states.DISPUTED:
                notify.append(lz_config.authority_org())
            workflow.move(d, "disclaim", to_state, actor, "provider", actor_org_id=provider, now=now,
                          detail={**base, "reason_code": code, "reason": reason,
                                  "disclaimed": [authz.org_name(o) for o in disclaimed]},
                          notify=notify)
        else:
            d.answer, d.reason_code, d.reason = states.REFUSE, code, reason
            d.answered_by, d.answered_at, d.answered_on_time = actor.id, now, on_time
            workflow.move(d, "refuse", states.REFUSED, actor, "provider", actor_org_id=provider, now=now,
                          detail={**base, "reason_code": code, "reason": reason}, notify=notify)
    commit_unless_deferred(context)
    return _show(d)


# ---------------------------------------------------------------- reads

@tk.side_effect_free
def demand_show(context, data_dict) -> dict:
    """A need with its deadline and timeline; with ``include_candidates`` and for whoever may
    route it now, the departments suggested (the catalog's search and Liuzhou Art 15's leads).

    :param id: :param include_candidates: bool
    """
    tk.check_access("demand_show", context, data_dict)
    data = validate_or_raise(data_dict, schema.show(), context)
    d = workflow.load(data["id"])
    out = _show(d)
    if data["include_candidates"] and d.state in (states.SUBMITTED, states.DISPUTED) \
            and demand_auth.can_route(acting_user(context), d):
        out["candidates"] = candidates.suggest(d, {"user": context.get("user"),
                                                   "auth_user_obj": context.get("auth_user_obj")})
    return out


def _visible(query, user: model.User):
    if authz.is_operator(user) or authz.is_authority(user):
        return query
    orgs = list(set(authz.memberships(user)) | authz.county_jurisdiction(user))
    if not orgs:
        return query.filter(sa.false())
    return query.filter(sa.or_(Demand.consumer_org_id.in_(orgs), Demand.provider_org_id.in_(orgs),
                               *(Demand.disclaimed.contains([o]) for o in orgs)))


def _to_review(user: model.User):
    conds = []
    admin_of = [gid for gid, cap in authz.memberships(user).items() if cap == "admin"]
    if admin_of:
        conds.append(sa.and_(Demand.state == states.ROUTED, Demand.provider_org_id.in_(admin_of)))
    if authz.is_operator(user):
        conds.append(Demand.state == states.SUBMITTED)
    if authz.is_authority(user):
        conds.append(Demand.state == states.DISPUTED)
    return sa.or_(*conds) if conds else sa.false()


def _overdue(now: dt.datetime):
    """SQL: routed and past the answer's deadline."""
    return sa.and_(Demand.state == states.ROUTED, Demand.deadline.isnot(None), Demand.deadline < now)


@tk.side_effect_free
def demand_list(context, data_dict) -> dict:
    """Needs the user may see, newest first (the overdue ones also on the overdue items page).

    :param mine: of the user's departments (as the department that needs the data)
    :param to_review: waiting for the user: to route (Operator), to decide (Authority), to
        answer (an admin of the department routed to)
    :param state: one state; :param overdue: routed and past the deadline
    :param limit: (default 50, at most 1000); :param offset
    :returns: ``{"count": n, "results": [...]}``
    """
    tk.check_access("demand_list", context, data_dict)
    data = validate_or_raise(data_dict, schema.list_(), context)
    user = acting_user(context)
    now = cal.utcnow()
    query = _visible(model.Session.query(Demand), user)
    if data["mine"]:
        query = query.filter(Demand.consumer_org_id.in_(list(authz.memberships(user)) or [""]))
    if data["to_review"]:
        query = query.filter(_to_review(user))
    if data.get("state"):
        query = query.filter(Demand.state == data["state"])
    if data["overdue"]:
        query = query.filter(_overdue(now))
    count = query.count()
    order = (Demand.deadline.asc(),) if data["overdue"] else (Demand.created.desc(),)
    rows = query.order_by(*order, Demand.id).limit(data["limit"]).offset(data["offset"]).all()
    names, packages = dictize.names_for(rows), dictize.packages_for(rows)
    return {"count": count, "results": [dictize.demand(r, names, packages, now) for r in rows]}


def get_actions() -> dict[str, Any]:
    return {
        "demand_answer": demand_answer,
        "demand_create": demand_create,
        "demand_list": demand_list,
        "demand_route": demand_route,
        "demand_show": demand_show,
    }
