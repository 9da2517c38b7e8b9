"""Upkeep notices (Art 14): after a law or a department's duties change, the entries named are
updated within 10 working days of the change.
"""
from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from ... import config as lz_config
from ... import idempotency
from ...calendar import store as cal
from ... import authz
from ...formats import Names
from ...validation import validate_or_raise as _validate
from .. import dictize, events, schema, states
from ..model import UpkeepNotice, UpkeepTarget
from .common import acting_org, actor_of, commit, error, load, org_ids_of, page, today

_ = tk._


def _upkeep_visible_targets(n: UpkeepNotice, user: model.User) -> list[UpkeepTarget]:
    if authz.oversees(user) or authz.is_sysadmin(user):
        return list(n.targets)
    orgs = set(authz.memberships(user))
    return [t for t in n.targets if t.org_id in orgs]


def _upkeep_dict(n: UpkeepNotice, user: model.User, full: bool = True, targets=None) -> dict:
    targets = _upkeep_visible_targets(n, user) if targets is None else targets
    names = Names([n.issued_by, *(t.done_by for t in targets)], [t.org_id for t in targets])
    out = dictize.upkeep_notice(n, names, dictize.packages([t.package_id for t in targets]), targets)
    if full:
        out["events"] = dictize.timeline(events.history("upkeep_notice", n.id))
    return out


def upkeep_notice_create(context, data_dict) -> dict:
    """Art 14: the Authority tells departments that a law changed, or their duties changed:
    the departments and entries named must update their catalog entries within 10 working
    days of the change (day 0 = ``changed_on``, default today).

    :param title: :param cause: law_change | duty_change :param basis: the law or decision
    :param changed_on: ISO date of the revision or the change of duties (not in the future)
    :param description: :param departments: organization names or ids
    :param packages: catalog entries (names or ids) — at least one department or entry
    """
    tk.check_access("upkeep_notice_create", context, data_dict)
    data = _validate(data_dict, schema.upkeep_notice_create(), context)
    actor = actor_of(context)
    key = data.get(idempotency.FIELD)
    if made := idempotency.claim(context, actor.id, "upkeep_notice_create", key):
        return _upkeep_dict(load(UpkeepNotice, made), actor)
    changed_on = data.get("changed_on") or today()
    changed_on = changed_on.date() if isinstance(changed_on, dt.datetime) else changed_on
    if changed_on > today():
        raise error("changed_on", _("The change has not happened yet: issue the notice on or after the day of the change"))
    org_ids = org_ids_of(data.get("departments") or [], "departments")
    pkgs, unknown = [], []
    for ref in data.get("packages") or []:
        pkg = model.Package.get(ref)
        if pkg is None or pkg.state != "active" or pkg.type != "catalog":
            unknown.append(ref)
        elif pkg not in pkgs:
            pkgs.append(pkg)
    if unknown:
        raise error("packages", _("Unknown catalog entry: {names}").format(names=", ".join(unknown)))
    if not org_ids and not pkgs:
        raise error("departments", _("Name at least one department or catalog entry"))
    start = dt.datetime.combine(changed_on, dt.time(4, 0))  # noon in Shanghai on the day of the change
    deadline = cal.deadline_or_error(start, states.UPKEEP_WORKDAYS)
    now = cal.utcnow()
    notice = UpkeepNotice(title=data["title"], cause=data["cause"], basis=data["basis"], changed_on=changed_on,
                          description=data.get("description") or "", issued_by=actor.id, issued_at=now,
                          deadline=deadline)
    notice.targets = ([UpkeepTarget(org_id=oid, state=states.TARGET_OPEN) for oid in org_ids] +
                      [UpkeepTarget(org_id=p.owner_org, package_id=p.id, state=states.TARGET_OPEN) for p in pkgs])
    model.Session.add(notice)
    model.Session.flush()
    idempotency.bind(actor.id, "upkeep_notice_create", key, notice.id)
    notified = sorted({authz.org_name(t.org_id) for t in notice.targets})
    events.record("upkeep_notice", notice, "issue", actor, "authority",
                  actor_org_id=acting_org(actor, lz_config.authority_org()), to_state=states.TARGET_OPEN,
                  now=now, deadline=deadline, notify=notified,
                  detail={"title": notice.title, "cause": notice.cause, "basis": notice.basis,
                          "changed_on": changed_on, "departments": [authz.org_name(o) for o in org_ids],
                          "packages": [p.name for p in pkgs]})
    commit(context)
    return _upkeep_dict(notice, actor)


@tk.side_effect_free
def upkeep_notice_show(context, data_dict) -> dict:
    tk.check_access("upkeep_notice_show", context, data_dict)
    data = _validate(data_dict, schema.show(), context)
    return _upkeep_dict(load(UpkeepNotice, data["id"]), actor_of(context))


def _target_status(status: str, now: dt.datetime):
    if status == "open":
        return UpkeepTarget.state == states.TARGET_OPEN
    if status == "overdue":
        return sa.and_(UpkeepTarget.state == states.TARGET_OPEN, UpkeepNotice.deadline < now)
    if status == "done":
        return UpkeepTarget.state == states.TARGET_DONE
    return sa.true()


@tk.side_effect_free
def upkeep_notice_list(context, data_dict) -> dict:
    """Art 14: upkeep notices, newest first, with the targets the user may see (the Authority
    and the Operator: all; a department: its own), and per department the open, overdue and
    done counts.

    :param org: one department :param status: all | open | overdue | done (of the targets)
    :returns: ``{"count", "results": [notice with targets], "departments": [...]}``
    """
    tk.check_access("upkeep_notice_list", context, data_dict)
    data = _validate(data_dict, schema.upkeep_notice_list(), context)
    user = actor_of(context)
    now = cal.utcnow()
    cond = [_target_status(data["status"], now)]
    if not (authz.oversees(user) or authz.is_sysadmin(user)):
        cond.append(UpkeepTarget.org_id.in_(list(authz.memberships(user)) or [""]))
    if data.get("org"):
        cond.append(UpkeepTarget.org_id == (authz.org_id(data["org"]) or data["org"]))
    matching = (model.Session.query(UpkeepTarget.id).join(UpkeepNotice, UpkeepNotice.id == UpkeepTarget.notice_id)
                .filter(*cond))
    query = model.Session.query(UpkeepNotice).filter(
        sa.exists().where(sa.and_(UpkeepTarget.notice_id == UpkeepNotice.id, UpkeepTarget.id.in_(matching))))
    count = query.count()
    rows = page(query, data, UpkeepNotice.issued_at.desc(), UpkeepNotice.id)
    wanted = {tid for (tid,) in matching.filter(UpkeepTarget.notice_id.in_([n.id for n in rows] or [""]))}
    results = [_upkeep_dict(n, user, full=False, targets=[t for t in n.targets if t.id in wanted]) for n in rows]
    overdue = sa.and_(UpkeepTarget.state == states.TARGET_OPEN, UpkeepNotice.deadline < now)
    summary = (model.Session.query(
        UpkeepTarget.org_id,
        sa.func.count().filter(UpkeepTarget.state == states.TARGET_OPEN),
        sa.func.count().filter(overdue),
        sa.func.count().filter(UpkeepTarget.state == states.TARGET_DONE))
        .join(UpkeepNotice, UpkeepNotice.id == UpkeepTarget.notice_id)
        .filter(*cond[1:]).group_by(UpkeepTarget.org_id).all())
    names = Names(org_ids=[r[0] for r in summary])
    departments = sorted(({"org": names.org(o), "org_title": names.org_title(o), "open": op, "overdue": od,
                           "done": dn} for o, op, od, dn in summary),
                         key=lambda d: (-d["overdue"], -d["open"], d["org_title"] or ""))
    return {"count": count, "results": results, "departments": departments}


def upkeep_notice_respond(context, data_dict) -> dict:
    """Art 14: the named department reports that it has updated its entries (or its entry).
    An entry named by a notice is also fulfilled when its department updates it.
    :param target_id: :param response: what was updated
    """
    tk.check_access("upkeep_notice_respond", context, data_dict)
    data = _validate(data_dict, schema.upkeep_notice_respond(), context)
    actor = actor_of(context)
    target = load(UpkeepTarget, data["target_id"], lock=True)
    if target.state != states.TARGET_OPEN:
        raise error("state", _("This department has already reported the update"))
    now = cal.utcnow()
    notice = target.notice
    target.state, target.done_by, target.done_at = states.TARGET_DONE, actor.id, now
    target.response, target.on_time = data["response"], now <= notice.deadline
    events.record("upkeep_notice", notice, "respond", actor, "provider", actor_org_id=target.org_id,
                  from_state=states.TARGET_OPEN, to_state=states.TARGET_DONE, now=now,
                  package_id=target.package_id, provider_org_id=target.org_id,
                  detail={"target_id": target.id, "response": target.response, "on_time": target.on_time},
                  notify=[lz_config.authority_org()])
    commit(context)
    return _upkeep_dict(notice, actor)
