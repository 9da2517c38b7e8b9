"""Resource offlining (Art 21): the provider applies with the legal basis, the Authority decides
within 3 working days, a public notice runs 10 working days, then the provider completes it.
"""
from __future__ import annotations

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ... import config as lz_config
from ... import idempotency
from ...calendar import store as cal
from ... import authz, formats
from ...validation import validate_or_raise as _validate
from .. import dictize, events, notices, schema, states, visibility
from ..hooks import INTERNAL
from ..model import OfflineEntry, ResourceOffline
from .common import actor_of, catalog_entry, commit, error, filter_org, load, notes_required, page

_ = tk._


def _resource_offline_dict(app: ResourceOffline, full: bool = True) -> dict:
    out = dictize.resource_offline(app, dictize.resource_offline_names([app]), dictize.packages([app.package_id]))
    if full:
        out["events"] = dictize.timeline(events.history("resource_offline", app.id))
    return out


def resource_offline_apply(context, data_dict) -> dict:
    """Art 21.1: the provider applies to take a data resource offline, with the reason and the
    legal basis (a law, regulation or central policy). The Authority (the county authority
    for a department of its county) decides within 3 working days (day 0 = today).

    :param package_id: :param resource_id: :param reason: :param legal_basis:
    """
    tk.check_access("resource_offline_apply", context, data_dict)
    data = _validate(data_dict, schema.resource_offline_apply(), context)
    actor = actor_of(context)
    key = data.get(idempotency.FIELD)
    if made := idempotency.claim(context, actor.id, "resource_offline_apply", key):
        return _resource_offline_dict(load(ResourceOffline, made))
    pkg = catalog_entry(data["package_id"])
    if visibility.is_offline(pkg.id):
        raise error("package_id", _("This entry is offline"))
    res = model.Resource.get(data["resource_id"])
    if res is None or res.package_id != pkg.id or res.state != "active":
        raise error("resource_id", _("Not a resource of this entry"))
    if (res.extras or {}).get("online_status") == "offline":
        raise error("resource_id", _("This resource is already offline"))
    if model.Session.query(ResourceOffline.id).filter(
            ResourceOffline.resource_id == res.id, ResourceOffline.state.in_(list(states.RESOURCE_OPEN))).first():
        raise error("resource_id", _("An application to take this resource offline is already open"))
    now = cal.utcnow()
    deadline = cal.deadline_or_error(now, states.DECISION_WORKDAYS)
    app = ResourceOffline(package_id=pkg.id, resource_id=res.id, resource_name=res.name or res.id,
                          provider_org_id=pkg.owner_org, applicant_id=actor.id, reason=data["reason"],
                          legal_basis=data["legal_basis"], deadline=deadline, notified_orgs=[],
                          state=states.SUBMITTED, state_changed_at=now, state_changed_by=actor.id,
                          created=now, modified=now)
    model.Session.add(app)
    model.Session.flush()
    idempotency.bind(actor.id, "resource_offline_apply", key, app.id)
    events.record("resource_offline", app, "apply", actor, "provider", actor_org_id=pkg.owner_org,
                  to_state=states.SUBMITTED, now=now, deadline=deadline, package_id=pkg.id,
                  resource_id=res.id, provider_org_id=pkg.owner_org,
                  detail={"reason": app.reason, "legal_basis": app.legal_basis},
                  notify=[lz_config.authority_org()])
    commit(context)
    return _resource_offline_dict(app)


@tk.side_effect_free
def resource_offline_show(context, data_dict) -> dict:
    """An Art 21 application with its deadline, notice window and timeline."""
    tk.check_access("resource_offline_show", context, data_dict)
    data = _validate(data_dict, schema.show(), context)
    return _resource_offline_dict(load(ResourceOffline, data["id"]))


def resource_offline_decide(context, data_dict) -> dict:
    """Art 21.2–21.3: the Authority approves or rejects within 3 working days (a late decision
    is recorded as late). On approval the public notice starts at once and runs for 10 working
    days (day 0 = the approval day); the consumers with open or active requests that include
    the resource are notified on their requests' timelines.

    :param id: :param decision: approve | reject :param notes: (required to reject)
    """
    tk.check_access("resource_offline_decide", context, data_dict)
    data = _validate(data_dict, schema.decide(), context)
    actor = actor_of(context)
    app = load(ResourceOffline, data["id"], lock=True)
    states.check("resource_offline", "decide", app.state)
    now = cal.utcnow()
    decision = data["decision"]
    if decision == "reject":
        notes_required(data, _("Say why the application is rejected"))
    role = "authority" if authz.authority_admin(actor) else "county_authority"
    acting = (authz.org_id(lz_config.authority_org()) if role == "authority"
              else next((g for g in authz.memberships(actor) if g in authz.county_jurisdiction(actor)), None))
    from_state = app.state
    app.decided_by, app.decided_at, app.decision_notes = actor.id, now, data.get("notes")
    app.decision_on_time = now <= app.deadline if app.deadline else None
    notify = [authz.org_name(app.provider_org_id)]
    if decision == "approve":
        app.notice_ends = notices.window(now)    # provisional (暂定) in a year nobody has entered
        app.notice_starts = now
        app.state = states.NOTICE
        # the consumers are told on their requests' timelines (their inbox and mail), once
        app.notified_orgs = notices.tell_consumers(app, "resource_offline_notice", actor, role, acting, now)
    else:
        app.state = states.REJECTED
    app.state_changed_at, app.state_changed_by, app.modified = now, actor.id, now
    events.record("resource_offline", app, decision, actor, role, actor_org_id=acting, from_state=from_state,
                  to_state=app.state, now=now, package_id=app.package_id, resource_id=app.resource_id,
                  provider_org_id=app.provider_org_id, notify=notify,
                  detail={"notes": app.decision_notes, "on_time": app.decision_on_time,
                          "notice_starts": app.notice_starts, "notice_ends": app.notice_ends})
    commit(context)
    return _resource_offline_dict(app)


def resource_offline_complete(context, data_dict) -> dict:
    """Art 21.4: after the 10-working-day notice the provider completes the offlining: the
    resource's online status becomes offline and its consumers are notified. Refused while
    the notice runs. :param id:
    """
    tk.check_access("resource_offline_complete", context, data_dict)
    data = _validate(data_dict, schema.show(), context)
    actor = actor_of(context)
    app = load(ResourceOffline, data["id"], lock=True)
    states.check("resource_offline", "complete", app.state)
    now = cal.utcnow()
    if not notices.ended(app, now):
        raise error("state", _("The public notice runs until {when}: complete the offlining after it ends")
                     .format(when=formats.local_iso(app.notice_ends)))
    from_state = app.state
    app.state, app.completed_by, app.completed_at = states.COMPLETED, actor.id, now
    app.state_changed_at, app.state_changed_by, app.modified = now, actor.id, now
    model.Session.flush()  # the Art 33.1 check of the update below sees the approval path
    res = model.Resource.get(app.resource_id)
    if res is not None and res.state == "active":
        tk.get_action("resource_patch")(
            {"user": actor.name, "auth_user_obj": actor, "defer_commit": True, INTERNAL: True},
            {"id": res.id, "online_status": "offline"})
    told = notices.tell_consumers(app, "resource_offline_completed", actor, "provider", app.provider_org_id, now)
    events.record("resource_offline", app, "complete", actor, "provider", actor_org_id=app.provider_org_id,
                  from_state=from_state, to_state=app.state, now=now, package_id=app.package_id,
                  resource_id=app.resource_id, provider_org_id=app.provider_org_id,
                  detail={"consumers_told": told}, notify=[lz_config.authority_org()])
    commit(context)
    return _resource_offline_dict(app)


def _resource_offline_visible(query, user: model.User):
    if authz.is_authority(user) or authz.is_operator(user) or authz.is_sysadmin(user):
        return query
    orgs = set(authz.memberships(user)) | authz.county_jurisdiction(user)
    return query.filter(ResourceOffline.provider_org_id.in_(list(orgs) or [""]))


@tk.side_effect_free
def resource_offline_list(context, data_dict) -> dict:
    """Art 21 applications the user may see, newest first.

    :param to_review: those waiting for the user: to decide (Authority, county authority) or
        to complete after the notice (the provider's admins)
    :param state: :param overdue: decisions past their 3 WD :param package_id: :param org:
    """
    tk.check_access("resource_offline_list", context, data_dict)
    data = _validate(data_dict, schema.resource_offline_list(), context)
    user = actor_of(context)
    now = cal.utcnow()
    query = _resource_offline_visible(model.Session.query(ResourceOffline), user)
    if data["to_review"]:
        conds = []
        if authz.authority_admin(user):
            conds.append(ResourceOffline.state == states.SUBMITTED)
        county = authz.county_jurisdiction(user)
        if county:
            conds.append(sa.and_(ResourceOffline.state == states.SUBMITTED,
                                 ResourceOffline.provider_org_id.in_(list(county))))
        admin_of = authz.orgs_with(user, "admin")
        if admin_of:
            conds.append(sa.and_(ResourceOffline.state == states.NOTICE, ResourceOffline.notice_ends < now,
                                 ResourceOffline.provider_org_id.in_(list(admin_of))))
        query = query.filter(sa.or_(*conds) if conds else sa.false())
    if data.get("state"):
        query = query.filter(ResourceOffline.state == data["state"])
    if data["overdue"]:
        query = query.filter(ResourceOffline.state == states.SUBMITTED, ResourceOffline.deadline < now)
    if data.get("package_id"):
        pkg = model.Package.get(data["package_id"])
        query = query.filter(ResourceOffline.package_id == (pkg.id if pkg else data["package_id"]))
    query = filter_org(query, ResourceOffline.provider_org_id, data.get("org"))
    count = query.count()
    rows = page(query, data, ResourceOffline.created.desc(), ResourceOffline.id)
    names, pkgs = dictize.resource_offline_names(rows), dictize.packages([r.package_id for r in rows])
    return {"count": count, "results": [dictize.resource_offline(r, names, pkgs, now) for r in rows]}


@tk.side_effect_free
def public_notice_list(context, data_dict) -> dict:
    """Art 21.3: the public notices of resources about to go offline, showing now (each for
    10 working days from its approval); ``include_ended`` adds past ones. Open to everyone.

    :param include_ended: :param package_id: :param limit: :param offset:
    """
    tk.check_access("public_notice_list", context, data_dict)
    data = _validate(data_dict, schema.public_notice_list(), context)
    now = cal.utcnow()
    query = (model.Session.query(ResourceOffline)
             .join(model.Package, model.Package.id == ResourceOffline.package_id)
             .filter(model.Package.state == "active", ResourceOffline.notice_starts.isnot(None)))
    if not data["include_ended"]:
        query = query.filter(notices.on_notice(now))
    if data.get("package_id"):
        pkg = model.Package.get(data["package_id"])
        query = query.filter(ResourceOffline.package_id == (pkg.id if pkg else data["package_id"]))
    user = authz.context_user(context)
    offline = model.Session.query(OfflineEntry.package_id)
    if not visibility.sees_all(user):
        own = list(authz.memberships(user)) or [""]
        query = query.filter(sa.or_(ResourceOffline.package_id.notin_(offline),
                                    ResourceOffline.provider_org_id.in_(own)))
    count = query.count()
    rows = page(query, data, ResourceOffline.notice_starts.desc(), ResourceOffline.id)
    names, pkgs = dictize.resource_offline_names(rows), dictize.packages([r.package_id for r in rows])
    return {"count": count, "results": [dictize.resource_offline(r, names, pkgs, now) for r in rows]}
