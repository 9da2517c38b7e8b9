"""Actions of the lifecycle rules (Art 12, 14, 16, 17, 20, 21, 33).

Each action: ``check_access`` → validate against :mod:`.schema` → work in the context's
session (every step writes its timeline event and audit row through :mod:`.events` in the
same transaction) → commit unless ``defer_commit`` → the object as a dict. The names are the
API contract of issue 6; illegal transitions raise ValidationError (HTTP 409).
"""
from __future__ import annotations

import datetime as dt
import json
import secrets
import string
from typing import Any, Optional

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import config as lz_config
from ..calendar import store as cal
from ..sharing import roles
from ..sharing.dictize import Names
from ..validation import acting_user, commit_unless_deferred, validate_or_raise as _validate
from . import dictize, duplicates, events, notices, offlining, options, schema, states, visibility, who
from .hooks import INTERNAL
from .model import (AccountRequest, CatalogOffline, DuplicateWarning, InformationSystem,
                    InformationSystemEntry, OfflineEntry, ResourceOffline, UpkeepNotice, UpkeepTarget,
                    Violation)
from .normalize import normalized_names

_ = tk._
UPLOAD_FOLDER = "liuzhou_offline"


# ---------------------------------------------------------------- helpers

_actor = acting_user
_commit = commit_unless_deferred


def _error(field: str, message: str) -> tk.ValidationError:
    return tk.ValidationError({field: [message]})


def _today() -> dt.date:
    return cal.local_date(cal.utcnow())


def load(cls, object_id: str, lock: bool = False):
    """The row of ``cls`` with this id (NotFound if none), optionally locked FOR UPDATE."""
    query = model.Session.query(cls).filter(cls.id == object_id)
    if lock:
        query = query.with_for_update().populate_existing()
    row = query.one_or_none()
    if row is None:
        raise tk.ObjectNotFound(_("Not found"))
    return row


def catalog_entry(ref: Optional[str]) -> model.Package:
    pkg = model.Package.get(ref) if ref else None
    if pkg is None or pkg.state != "active" or pkg.type != "catalog":
        raise tk.ObjectNotFound(_("Catalog entry not found"))
    return pkg


def _org_ids(refs: list[str], field: str) -> list[str]:
    ids, unknown = [], []
    for ref in refs:
        oid = roles.org_id(ref)
        (ids if oid else unknown).append(oid or ref)
    if unknown:
        raise _error(field, _("Unknown department: {names}").format(names=", ".join(unknown)))
    return list(dict.fromkeys(ids))


def _filter_org(query, column, ref: Optional[str]):
    if not ref:
        return query
    return query.filter(column == (roles.org_id(ref) or ref))


def _page(query, data: dict, *order):
    return query.order_by(*order).limit(data["limit"]).offset(data["offset"]).all()


def _acting_org(actor: model.User, name: str) -> Optional[str]:
    return roles.org_id(name) if roles.is_member(name, actor) else who.actor_org(actor)


def _notes_required(data: dict, message: str) -> str:
    if not data.get("notes"):
        raise _error("notes", message)
    return data["notes"]


def _reindex(package_id: str) -> None:
    from ckan.lib.search import rebuild
    rebuild(package_id)


# ---------------------------------------------------------------- Art 20: catalog offlining

def _is_file(value: Any) -> bool:
    from werkzeug.datastructures import FileStorage
    return isinstance(value, FileStorage) and bool(value.filename)


def _catalog_offline_dict(app: CatalogOffline, full: bool = True) -> dict:
    out = dictize.catalog_offline(app, dictize.catalog_offline_names([app]), dictize.packages([app.package_id]))
    if full:
        out["events"] = dictize.timeline(events.history("catalog_offline", app.id))
        if app.state == states.SUBMITTED:
            out["users"] = offlining.users_of(model.Package.get(app.package_id))
    return out


def catalog_offline_apply(context, data_dict) -> dict:
    """Art 20.1: a department applies to take one of its catalog entries offline.

    :param package_id: the entry (id or name) :param reason: why it should go offline
    :param attachment_upload: the platform's form, filled in, signed and stamped (PDF, JPEG or
        PNG; multipart upload) — the blank form is at /liuzhou/forms/catalog-offline-form.html
    The Operator reviews it (``catalog_offline_review``).
    """
    tk.check_access("catalog_offline_apply", context, data_dict)
    data_dict = dict(data_dict or {})
    upload = data_dict.pop("attachment_upload", None)
    errors: dict[str, list] = {}
    data: dict = {}
    try:
        data = _validate(data_dict, schema.catalog_offline_apply(), context)
    except tk.ValidationError as e:
        errors.update(e.error_dict)
    if not _is_file(upload):
        errors["attachment_upload"] = [_("Attach the signed and stamped application form")]
    if errors:
        raise tk.ValidationError(errors)
    actor = _actor(context)
    pkg = catalog_entry(data["package_id"])
    if visibility.is_offline(pkg.id):
        raise _error("package_id", _("This entry is already offline"))
    if model.Session.query(CatalogOffline.id).filter(
            CatalogOffline.package_id == pkg.id, CatalogOffline.state.in_(list(states.CATALOG_OPEN))).first():
        raise _error("package_id", _("An application to take this entry offline is already under review"))

    from ckan.lib.uploader import get_uploader
    uploader = get_uploader(UPLOAD_FOLDER)
    stored: dict[str, Any] = {"attachment_upload": upload}
    uploader.update_data_dict(stored, "attachment", "attachment_upload", "clear_attachment")
    if not stored.get("attachment"):
        raise _error("attachment_upload", _("The platform cannot store files: ckan.storage_path is not set"))

    now = cal.utcnow()
    app = CatalogOffline(package_id=pkg.id, provider_org_id=pkg.owner_org, applicant_id=actor.id,
                         reason=data["reason"], attachment=stored["attachment"],
                         attachment_name=upload.filename, state=states.SUBMITTED,
                         state_changed_at=now, state_changed_by=actor.id, created=now, modified=now)
    model.Session.add(app)
    model.Session.flush()
    events.record("catalog_offline", app, "apply", actor, "provider", actor_org_id=pkg.owner_org,
                  to_state=states.SUBMITTED, now=now, package_id=pkg.id, provider_org_id=pkg.owner_org,
                  detail={"reason": app.reason, "attachment_name": app.attachment_name},
                  notify=[lz_config.operator_org()])
    try:
        uploader.upload(options.attachment_max_mb())  # validated and flushed: now store the file
    except tk.ValidationError as e:
        model.Session.rollback()
        raise tk.ValidationError({"attachment_upload": list(e.error_dict.get("upload") or e.error_dict.values())})
    _commit(context)
    return _catalog_offline_dict(app)


@tk.side_effect_free
def catalog_offline_show(context, data_dict) -> dict:
    """An application with its timeline; while it waits for review, the departments that
    request or use the entry now (Art 20.2)."""
    tk.check_access("catalog_offline_show", context, data_dict)
    data = _validate(data_dict, schema.show(), context)
    return _catalog_offline_dict(load(CatalogOffline, data["id"]))


def catalog_offline_review(context, data_dict) -> dict:
    """Art 20.2–20.4: the Operator reviews, coordinates, and files.

    On a submitted application: ``decision`` ``reject`` (not eligible: ``notes`` say why) or
    ``approve``: when no department requests or uses the entry (open or active share
    requests, reads in the last ``recent_read_days`` days) it goes offline at once; otherwise
    the application goes to coordination (an offline meeting of the departments concerned).
    On an application in coordination: ``decision`` ``offline`` or ``keep``, with
    ``meeting_date``, ``participants`` and ``notes`` (the recorded outcome).
    Every end (offline, kept, rejected) is filed with a filing number (备案). An entry that
    goes offline leaves default search, and the open requests on it are closed with notice.
    """
    tk.check_access("catalog_offline_review", context, data_dict)
    data = _validate(data_dict, schema.catalog_offline_review(), context)
    actor = _actor(context)
    app = load(CatalogOffline, data["id"], lock=True)
    pkg = model.Package.get(app.package_id)
    decision = data["decision"]
    now = cal.utcnow()
    operator_id = _acting_org(actor, lz_config.operator_org())
    from_state = app.state
    notify = [roles.org_name(app.provider_org_id)]
    detail: dict[str, Any] = {"decision": decision, "notes": data.get("notes")}
    closed: list[str] = []

    if decision in states.CATALOG_REVIEW:
        states.check("catalog_offline", "review", app.state)
        app.reviewed_by, app.reviewed_at = actor.id, now
        if decision == "reject":
            app.review_notes = _notes_required(data, _("Say why the application is rejected"))
            app.state = states.REJECTED
        else:
            app.review_notes = data.get("notes")
            app.users = offlining.users_of(pkg, now)
            if app.users["departments"]:
                app.state = states.COORDINATING
                notify += app.users["departments"]
                detail["departments"] = app.users["departments"]
            else:
                app.state = states.OFFLINE
        event = decision
    else:
        states.check("catalog_offline", "coordination_close", app.state)
        errors = {}
        for field in ("meeting_date", "participants", "notes"):
            if not data.get(field):
                errors[field] = [_("Missing value")]
        if errors:
            raise tk.ValidationError(errors)
        meeting = data["meeting_date"]
        meeting = meeting.date() if isinstance(meeting, dt.datetime) else meeting
        if meeting > _today():
            raise _error("meeting_date", _("The meeting date is in the future: record the coordination after the meeting"))
        app.meeting_date, app.participants = meeting, data["participants"]
        app.outcome, app.outcome_notes = decision, data["notes"]
        app.coordinated_by, app.coordinated_at = actor.id, now
        app.state = states.OFFLINE if decision == "offline" else states.KEPT
        notify += (app.users or {}).get("departments", [])
        detail.update(meeting_date=meeting, participants=data["participants"], outcome=decision)
        event = "coordination_close"

    if app.state == states.OFFLINE:
        closed = offlining.take_offline(app, actor, now)
        detail["closed_requests"] = closed
    app.state_changed_at, app.state_changed_by, app.modified = now, actor.id, now
    events.record("catalog_offline", app, event, actor, "operator", actor_org_id=operator_id,
                  from_state=from_state, to_state=app.state, now=now, package_id=app.package_id,
                  provider_org_id=app.provider_org_id, detail=detail, notify=notify)
    if app.state in (states.OFFLINE, states.KEPT, states.REJECTED):
        number = offlining.file(app, actor, now)
        events.record("catalog_offline", app, "file", actor, "operator", actor_org_id=operator_id,
                      from_state=app.state, to_state=app.state, now=now, package_id=app.package_id,
                      provider_org_id=app.provider_org_id, detail={"filing_number": number})
    _commit(context)
    if app.state == states.OFFLINE:
        _reindex(app.package_id)
    return _catalog_offline_dict(app)


def _catalog_offline_visible(query, user: model.User):
    if who.oversees(user) or who.is_sysadmin(user):
        return query
    orgs = list(roles.memberships(user)) or [""]
    return query.filter(CatalogOffline.provider_org_id.in_(orgs))


@tk.side_effect_free
def catalog_offline_list(context, data_dict) -> dict:
    """Art 20: applications the user may see (the Operator and the Authority: all; a
    department: its own), newest first. ``filed=true`` lists the filing records (备案).

    :param state: :param filed: :param package_id: :param org: :param limit: :param offset:
    :returns: ``{"count": n, "results": [...]}``
    """
    tk.check_access("catalog_offline_list", context, data_dict)
    data = _validate(data_dict, schema.catalog_offline_list(), context)
    user = _actor(context)
    query = _catalog_offline_visible(model.Session.query(CatalogOffline), user)
    if data.get("state"):
        query = query.filter(CatalogOffline.state == data["state"])
    if data["filed"]:
        query = query.filter(CatalogOffline.filing_number.isnot(None))
    if data.get("package_id"):
        pkg = model.Package.get(data["package_id"])
        query = query.filter(CatalogOffline.package_id == (pkg.id if pkg else data["package_id"]))
    query = _filter_org(query, CatalogOffline.provider_org_id, data.get("org"))
    count = query.count()
    order = (CatalogOffline.filed_at.desc(),) if data["filed"] else (CatalogOffline.created.desc(),)
    rows = _page(query, data, *order, CatalogOffline.id)
    names, pkgs = dictize.catalog_offline_names(rows), dictize.packages([r.package_id for r in rows])
    return {"count": count, "results": [dictize.catalog_offline(r, names, pkgs) for r in rows]}


# ---------------------------------------------------------------- Art 21: resource offlining

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
    actor = _actor(context)
    pkg = catalog_entry(data["package_id"])
    if visibility.is_offline(pkg.id):
        raise _error("package_id", _("This entry is offline"))
    res = model.Resource.get(data["resource_id"])
    if res is None or res.package_id != pkg.id or res.state != "active":
        raise _error("resource_id", _("Not a resource of this entry"))
    if (res.extras or {}).get("online_status") == "offline":
        raise _error("resource_id", _("This resource is already offline"))
    if model.Session.query(ResourceOffline.id).filter(
            ResourceOffline.resource_id == res.id, ResourceOffline.state.in_(list(states.RESOURCE_OPEN))).first():
        raise _error("resource_id", _("An application to take this resource offline is already open"))
    now = cal.utcnow()
    deadline = cal.deadline_or_error(now, states.DECISION_WORKDAYS)
    app = ResourceOffline(package_id=pkg.id, resource_id=res.id, resource_name=res.name or res.id,
                          provider_org_id=pkg.owner_org, applicant_id=actor.id, reason=data["reason"],
                          legal_basis=data["legal_basis"], deadline=deadline, notified_orgs=[],
                          state=states.SUBMITTED, state_changed_at=now, state_changed_by=actor.id,
                          created=now, modified=now)
    model.Session.add(app)
    model.Session.flush()
    events.record("resource_offline", app, "apply", actor, "provider", actor_org_id=pkg.owner_org,
                  to_state=states.SUBMITTED, now=now, deadline=deadline, package_id=pkg.id,
                  resource_id=res.id, provider_org_id=pkg.owner_org,
                  detail={"reason": app.reason, "legal_basis": app.legal_basis},
                  notify=[lz_config.authority_org()])
    _commit(context)
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
    actor = _actor(context)
    app = load(ResourceOffline, data["id"], lock=True)
    states.check("resource_offline", "decide", app.state)
    now = cal.utcnow()
    decision = data["decision"]
    if decision == "reject":
        _notes_required(data, _("Say why the application is rejected"))
    role = "authority" if who.authority_admin(actor) else "county_authority"
    acting = (roles.org_id(lz_config.authority_org()) if role == "authority"
              else next((g for g in roles.memberships(actor) if g in roles.county_jurisdiction(actor)), None))
    from_state = app.state
    app.decided_by, app.decided_at, app.decision_notes = actor.id, now, data.get("notes")
    app.decision_on_time = now <= app.deadline if app.deadline else None
    notify = [roles.org_name(app.provider_org_id)]
    if decision == "approve":
        app.notice_ends = notices.window(now)    # an unknown year refuses before anything changes
        app.notice_starts = now
        app.state = states.NOTICE
        app.notified_orgs = notices.tell_consumers(app, "resource_offline_notice", actor, role, acting, now)
        notify += app.notified_orgs
    else:
        app.state = states.REJECTED
    app.state_changed_at, app.state_changed_by, app.modified = now, actor.id, now
    events.record("resource_offline", app, decision, actor, role, actor_org_id=acting, from_state=from_state,
                  to_state=app.state, now=now, package_id=app.package_id, resource_id=app.resource_id,
                  provider_org_id=app.provider_org_id, notify=notify,
                  detail={"notes": app.decision_notes, "on_time": app.decision_on_time,
                          "notice_starts": app.notice_starts, "notice_ends": app.notice_ends})
    _commit(context)
    return _resource_offline_dict(app)


def resource_offline_complete(context, data_dict) -> dict:
    """Art 21.4: after the 10-working-day notice the provider completes the offlining: the
    resource's online status becomes offline and its consumers are notified. Refused while
    the notice runs. :param id:
    """
    tk.check_access("resource_offline_complete", context, data_dict)
    data = _validate(data_dict, schema.show(), context)
    actor = _actor(context)
    app = load(ResourceOffline, data["id"], lock=True)
    states.check("resource_offline", "complete", app.state)
    now = cal.utcnow()
    if not notices.ended(app, now):
        raise _error("state", _("The public notice runs until {when}: complete the offlining after it ends")
                     .format(when=dictize._local(app.notice_ends)))
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
                  notify=[lz_config.authority_org(), *told])
    _commit(context)
    return _resource_offline_dict(app)


def _resource_offline_visible(query, user: model.User):
    if roles.is_authority(user) or roles.is_operator(user) or who.is_sysadmin(user):
        return query
    orgs = set(roles.memberships(user)) | roles.county_jurisdiction(user)
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
    user = _actor(context)
    now = cal.utcnow()
    query = _resource_offline_visible(model.Session.query(ResourceOffline), user)
    if data["to_review"]:
        conds = []
        if who.authority_admin(user):
            conds.append(ResourceOffline.state == states.SUBMITTED)
        county = roles.county_jurisdiction(user)
        if county:
            conds.append(sa.and_(ResourceOffline.state == states.SUBMITTED,
                                 ResourceOffline.provider_org_id.in_(list(county))))
        admin_of = who.orgs_with(user, "admin")
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
    query = _filter_org(query, ResourceOffline.provider_org_id, data.get("org"))
    count = query.count()
    rows = _page(query, data, ResourceOffline.created.desc(), ResourceOffline.id)
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
    user = roles.context_user(context)
    offline = model.Session.query(OfflineEntry.package_id)
    if not visibility.sees_all(user):
        own = list(roles.memberships(user)) or [""]
        query = query.filter(sa.or_(ResourceOffline.package_id.notin_(offline),
                                    ResourceOffline.provider_org_id.in_(own)))
    count = query.count()
    rows = _page(query, data, ResourceOffline.notice_starts.desc(), ResourceOffline.id)
    names, pkgs = dictize.resource_offline_names(rows), dictize.packages([r.package_id for r in rows])
    return {"count": count, "results": [dictize.resource_offline(r, names, pkgs, now) for r in rows]}


# ---------------------------------------------------------------- Art 14: upkeep notices

def _upkeep_visible_targets(n: UpkeepNotice, user: model.User) -> list[UpkeepTarget]:
    if who.oversees(user) or who.is_sysadmin(user):
        return list(n.targets)
    orgs = set(roles.memberships(user))
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
    actor = _actor(context)
    changed_on = data.get("changed_on") or _today()
    changed_on = changed_on.date() if isinstance(changed_on, dt.datetime) else changed_on
    if changed_on > _today():
        raise _error("changed_on", _("The change has not happened yet: issue the notice on or after the day of the change"))
    org_ids = _org_ids(data.get("departments") or [], "departments")
    pkgs, unknown = [], []
    for ref in data.get("packages") or []:
        pkg = model.Package.get(ref)
        if pkg is None or pkg.state != "active" or pkg.type != "catalog":
            unknown.append(ref)
        elif pkg not in pkgs:
            pkgs.append(pkg)
    if unknown:
        raise _error("packages", _("Unknown catalog entry: {names}").format(names=", ".join(unknown)))
    if not org_ids and not pkgs:
        raise _error("departments", _("Name at least one department or catalog entry"))
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
    notified = sorted({roles.org_name(t.org_id) for t in notice.targets})
    events.record("upkeep_notice", notice, "issue", actor, "authority",
                  actor_org_id=_acting_org(actor, lz_config.authority_org()), to_state=states.TARGET_OPEN,
                  now=now, deadline=deadline, notify=notified,
                  detail={"title": notice.title, "cause": notice.cause, "basis": notice.basis,
                          "changed_on": changed_on, "departments": [roles.org_name(o) for o in org_ids],
                          "packages": [p.name for p in pkgs]})
    _commit(context)
    return _upkeep_dict(notice, actor)


@tk.side_effect_free
def upkeep_notice_show(context, data_dict) -> dict:
    tk.check_access("upkeep_notice_show", context, data_dict)
    data = _validate(data_dict, schema.show(), context)
    return _upkeep_dict(load(UpkeepNotice, data["id"]), _actor(context))


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
    user = _actor(context)
    now = cal.utcnow()
    cond = [_target_status(data["status"], now)]
    if not (who.oversees(user) or who.is_sysadmin(user)):
        cond.append(UpkeepTarget.org_id.in_(list(roles.memberships(user)) or [""]))
    if data.get("org"):
        cond.append(UpkeepTarget.org_id == (roles.org_id(data["org"]) or data["org"]))
    matching = (model.Session.query(UpkeepTarget.id).join(UpkeepNotice, UpkeepNotice.id == UpkeepTarget.notice_id)
                .filter(*cond))
    query = model.Session.query(UpkeepNotice).filter(
        sa.exists().where(sa.and_(UpkeepTarget.notice_id == UpkeepNotice.id, UpkeepTarget.id.in_(matching))))
    count = query.count()
    rows = _page(query, data, UpkeepNotice.issued_at.desc(), UpkeepNotice.id)
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
    actor = _actor(context)
    target = load(UpkeepTarget, data["target_id"], lock=True)
    if target.state != states.TARGET_OPEN:
        raise _error("state", _("This department has already reported the update"))
    now = cal.utcnow()
    notice = target.notice
    target.state, target.done_by, target.done_at = states.TARGET_DONE, actor.id, now
    target.response, target.on_time = data["response"], now <= notice.deadline
    events.record("upkeep_notice", notice, "respond", actor, "provider", actor_org_id=target.org_id,
                  from_state=states.TARGET_OPEN, to_state=states.TARGET_DONE, now=now,
                  package_id=target.package_id, provider_org_id=target.org_id,
                  detail={"target_id": target.id, "response": target.response, "on_time": target.on_time},
                  notify=[lz_config.authority_org()])
    _commit(context)
    return _upkeep_dict(notice, actor)


# ---------------------------------------------------------------- Art 12: accounts

def _account_dict(req: AccountRequest, full: bool = True) -> dict:
    names = Names([req.requester_id, req.decided_by], [req.org_id])
    out = dictize.account_request(req, names)
    if full:
        out["events"] = dictize.timeline(events.history("account_request", req.id))
    return out


def _requesting_org(actor: model.User, ref: Optional[str]) -> str:
    admin_of = who.orgs_with(actor, "admin")
    if ref:
        oid = roles.org_id(ref)
        if oid is None or oid not in admin_of:
            raise _error("org", _("Only an admin of the department can request accounts for it"))
        return oid
    if len(admin_of) == 1:
        return next(iter(admin_of))
    raise _error("org", _("Say which department the account is for"))


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
    actor = _actor(context)
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
        if target is None or target.state != "active" or not roles.is_member(org_id, target):
            raise _error("user_name", _("Not an active user of this department"))
        if kind == "modify" and not any(data.get(f) for f in ("fullname", "email", "role")):
            raise _error("fullname", _("Say what changes: full name, email or role"))
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
    events.record("account_request", req, "submit", actor, "provider", actor_org_id=org_id,
                  to_state=states.SUBMITTED, now=now, deadline=deadline, provider_org_id=org_id,
                  detail={"kind": kind, "user_name": req.user_name, "role": req.role},
                  notify=[lz_config.operator_org()])
    _commit(context)
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
    site = who.site_user()
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
    actor = _actor(context)
    req = load(AccountRequest, data["id"], lock=True)
    states.check("account_request", "decide", req.state)
    decision = data["decision"]
    if decision == "reject":
        _notes_required(data, _("Say why the request is rejected"))
    now = cal.utcnow()
    password = None
    if decision == "approve":
        if req.kind != "cancel":
            password = _apply_account(req)
        else:
            user = model.User.get(req.user_id)
            if user is None or user.state != "active":
                raise _error("user_name", _("This account is no longer active"))
    from_state = req.state
    req.state = states.APPROVED if decision == "approve" else states.REJECTED
    req.decided_by, req.decided_at, req.decision_notes = actor.id, now, data.get("notes")
    req.decision_on_time = now <= req.deadline if req.deadline else None
    req.state_changed_at, req.state_changed_by, req.modified = now, actor.id, now
    events.record("account_request", req, decision, actor, "operator",
                  actor_org_id=_acting_org(actor, lz_config.operator_org()), from_state=from_state,
                  to_state=req.state, now=now, provider_org_id=req.org_id,
                  detail={"kind": req.kind, "user_name": req.user_name, "user_id": req.user_id,
                          "notes": req.decision_notes, "on_time": req.decision_on_time},
                  notify=[roles.org_name(req.org_id)])
    try:
        if decision == "approve" and req.kind == "cancel":
            tk.get_action("user_delete")({"user": who.site_user().name, "ignore_auth": True}, {"id": req.user_id})
        _commit(context)
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
    user = _actor(context)
    now = cal.utcnow()
    query = model.Session.query(AccountRequest)
    if not (who.oversees(user) or who.is_sysadmin(user)):
        query = query.filter(AccountRequest.org_id.in_(list(who.orgs_with(user, "admin")) or [""]))
    if data.get("state"):
        query = query.filter(AccountRequest.state == data["state"])
    if data["overdue"]:
        query = query.filter(AccountRequest.state == states.SUBMITTED, AccountRequest.deadline < now)
    query = _filter_org(query, AccountRequest.org_id, data.get("org"))
    count = query.count()
    rows = _page(query, data, AccountRequest.created.desc(), AccountRequest.id)
    names = Names([u for r in rows for u in (r.requester_id, r.decided_by)], [r.org_id for r in rows])
    return {"count": count, "results": [dictize.account_request(r, names, now) for r in rows]}


# ---------------------------------------------------------------- Art 16: information systems

def _published():
    """SQL: a catalog entry that is active, public and online."""
    offline = model.Session.query(OfflineEntry.package_id)
    return sa.and_(model.Package.state == "active", model.Package.type == "catalog",
                   model.Package.private.is_(False), model.Package.id.notin_(offline))


def _entry_counts():
    linked = sa.and_(InformationSystemEntry.system_id == InformationSystem.id,
                     model.Package.id == InformationSystemEntry.package_id)
    total = (sa.select(sa.func.count()).select_from(InformationSystemEntry).join(
        model.Package, model.Package.id == InformationSystemEntry.package_id)
        .where(linked, model.Package.state == "active").correlate(InformationSystem).scalar_subquery())
    published = (sa.select(sa.func.count()).select_from(InformationSystemEntry).join(
        model.Package, model.Package.id == InformationSystemEntry.package_id)
        .where(linked, _published()).correlate(InformationSystem).scalar_subquery())
    return total, published


def _mismatch():
    """SQL: Art 16 disagreements: no registered entry, or accepted without a published one."""
    total, published = _entry_counts()
    return sa.or_(total == 0, sa.and_(InformationSystem.stage == "acceptance", published == 0))


def _system_dicts(systems: list[InformationSystem]) -> list[dict]:
    ids = {e.package_id for s in systems for e in s.entries}
    pkgs = dictize.packages(ids)
    published = {pid for (pid,) in model.Session.query(model.Package.id).filter(
        model.Package.id.in_(ids or {""}), _published())}
    for pid, p in pkgs.items():
        p["published"] = pid in published
    names = Names([u for s in systems for u in (s.created_by, s.modified_by)], [s.org_id for s in systems])
    out = []
    for s in systems:
        active = [e for e in s.entries if (pkgs.get(e.package_id) or {}).get("state") == "active"]
        issues = []
        if not active:
            issues.append("no_entries")
        if s.stage == "acceptance" and not any(pkgs[e.package_id]["published"] for e in active):
            issues.append("accepted_without_published")
        out.append(dictize.information_system(s, names, pkgs, issues))
    return out


def _system_entries(org_id: str, refs: list[str]) -> list[str]:
    ids, bad = [], []
    for ref in refs:
        pkg = model.Package.get(ref)
        if pkg is None or pkg.state != "active" or pkg.type != "catalog" or pkg.owner_org != org_id:
            bad.append(ref)
        elif pkg.id not in ids:
            ids.append(pkg.id)
    if bad:
        raise _error("package_ids", _("Not a catalog entry of this department: {names}").format(names=", ".join(bad)))
    return ids


def _check_acceptance(stage: str, package_ids: list[str]) -> None:
    if stage != "acceptance":
        return
    if not package_ids or not model.Session.query(model.Package.id).filter(
            model.Package.id.in_(package_ids), _published()).first():
        raise _error("stage", _("A system can only be accepted once its data is published in the catalog (Art 16)"))


def _system_org(actor: model.User, ref: Optional[str]) -> str:
    editable = who.orgs_with(actor, "admin", "editor")
    if ref:
        oid = roles.org_id(ref)
        if oid is None or oid not in editable:
            raise _error("org", _("Only an editor or admin of the department can register its systems"))
        return oid
    if len(editable) == 1:
        return next(iter(editable))
    raise _error("org", _("Say which department the system belongs to"))


def information_system_create(context, data_dict) -> dict:
    """Art 16: a department registers an information system at project approval (立项) with
    the catalog entries it plans; it cannot be accepted (验收) before one of them is published.

    :param name: :param org: the department (default: the one the user edits for)
    :param stage: approval | construction | acceptance (default approval)
    :param project_code: :param description: :param package_ids: the department's entries
    """
    tk.check_access("information_system_create", context, data_dict)
    data = _validate(data_dict, schema.information_system_create(), context)
    actor = _actor(context)
    org_id = _system_org(actor, data.get("org"))
    package_ids = _system_entries(org_id, data.get("package_ids") or [])
    _check_acceptance(data["stage"], package_ids)
    if model.Session.query(InformationSystem.id).filter_by(org_id=org_id, name=data["name"]).first():
        raise _error("name", _("This department already registered a system of that name"))
    now = cal.utcnow()
    system = InformationSystem(name=data["name"], org_id=org_id, stage=data["stage"],
                               project_code=data.get("project_code") or "",
                               description=data.get("description") or "", created_by=actor.id, created=now,
                               modified_by=actor.id, modified=now)
    system.entries = [InformationSystemEntry(package_id=pid) for pid in package_ids]
    model.Session.add(system)
    model.Session.flush()
    events.record("information_system", system, "register", actor, "provider", actor_org_id=org_id,
                  to_state=system.stage, now=now, provider_org_id=org_id,
                  detail={"name": system.name, "package_ids": package_ids})
    _commit(context)
    return information_system_dict(system)


def information_system_dict(system: InformationSystem, full: bool = True) -> dict:
    out = _system_dicts([system])[0]
    if full:
        out["events"] = dictize.timeline(events.history("information_system", system.id))
    return out


def information_system_update(context, data_dict) -> dict:
    """Art 16: change a system's stage, entries or description; moving it to acceptance
    (验收) is refused while none of its entries is published.

    :param id: :param name: :param stage: :param project_code: :param description:
    :param package_ids: replaces the linked entries
    """
    tk.check_access("information_system_update", context, data_dict)
    data = _validate(data_dict, schema.information_system_update(), context)
    actor = _actor(context)
    system = load(InformationSystem, data["id"], lock=True)
    package_ids = ([e.package_id for e in system.entries] if "package_ids" not in data
                   else _system_entries(system.org_id, data["package_ids"]))
    stage = data.get("stage") or system.stage
    _check_acceptance(stage, package_ids)
    if data.get("name") and data["name"] != system.name and model.Session.query(InformationSystem.id).filter_by(
            org_id=system.org_id, name=data["name"]).first():
        raise _error("name", _("This department already registered a system of that name"))
    from_stage = system.stage
    for field in ("name", "project_code", "description"):
        if field in data:
            setattr(system, field, data[field] or ("" if field != "name" else system.name))
    system.stage = stage
    if "package_ids" in data:
        system.entries = [InformationSystemEntry(package_id=pid) for pid in package_ids]
    now = cal.utcnow()
    system.modified_by, system.modified = actor.id, now
    model.Session.flush()
    events.record("information_system", system, "stage_change" if stage != from_stage else "update", actor,
                  "provider", actor_org_id=system.org_id, from_state=from_stage, to_state=stage, now=now,
                  provider_org_id=system.org_id, detail={"package_ids": package_ids, "name": system.name})
    _commit(context)
    return information_system_dict(system)


@tk.side_effect_free
def information_system_show(context, data_dict) -> dict:
    tk.check_access("information_system_show", context, data_dict)
    data = _validate(data_dict, schema.show(), context)
    return information_system_dict(load(InformationSystem, data["id"]))


@tk.side_effect_free
def information_system_list(context, data_dict) -> dict:
    """Art 16: the registry of information systems, each with its entries and its
    ``issues`` (``no_entries``, ``accepted_without_published``). ``mismatched=true`` is the
    report of systems whose stage and entries disagree.

    :param org: :param stage: :param mismatched: :param limit: :param offset:
    """
    tk.check_access("information_system_list", context, data_dict)
    data = _validate(data_dict, schema.information_system_list(), context)
    query = model.Session.query(InformationSystem)
    query = _filter_org(query, InformationSystem.org_id, data.get("org"))
    if data.get("stage"):
        query = query.filter(InformationSystem.stage == data["stage"])
    if data["mismatched"]:
        query = query.filter(_mismatch())
    count = query.count()
    rows = _page(query, data, InformationSystem.modified.desc(), InformationSystem.id)
    return {"count": count, "results": _system_dicts(rows)}


# ---------------------------------------------------------------- Art 17: one data, one source

def _items_arg(raw: Any) -> list[dict]:
    """Items as dicts from a list of dicts or names, JSON text, or comma-separated names."""
    if isinstance(raw, str):
        text = raw.strip()
        if text.startswith("["):
            try:
                raw = json.loads(text)
            except ValueError:
                raise _error("information_items", _("Not a valid JSON list"))
        else:
            raw = text.replace("\n", ",").split(",")
    if not isinstance(raw, (list, tuple)):
        raise _error("information_items", _("Must be a list"))
    return [i if isinstance(i, dict) else {"name": str(i)} for i in raw if isinstance(i, (dict, str))]


@tk.side_effect_free
def duplicate_check(context, data_dict) -> dict:
    """Art 17 (一数一源): published entries of other providers whose information items overlap.

    :param information_items: a list (or JSON text) of items ``{name, …}`` or of names
    :param owner_org: the providing department (its own entries are not duplicates)
    :param package_id: an existing entry: its items and provider by default, itself left out
    :returns: ``{"threshold", "min_items", "common", "matches": [{package_id, name, title,
        provider_org, shared, shared_count, item_count, ratio, url}]}``; ``common`` are the
        names left out as identifiers many providers use; ``url`` is the entry's page, where
        its data is requested instead of collected again. Nothing is recorded.
    """
    tk.check_access("duplicate_check", context, data_dict)
    data = _validate(data_dict, schema.duplicate_check(), context)
    pkg = None
    if data.get("package_id"):
        pkg = catalog_entry(data["package_id"])
    raw = data.get("information_items")
    if raw in (None, "", []) and pkg is not None:
        raw = pkg.extras.get("information_items")
    items = _items_arg(raw)
    org_id = roles.org_id(data.get("owner_org")) if data.get("owner_org") else (pkg.owner_org if pkg else None)
    names = normalized_names(items)
    matches = duplicates.find(names, org_id, exclude_package_id=pkg.id if pkg else None)
    return {"threshold": options.duplicate_threshold(), "min_items": options.duplicate_min_items(),
            "common": sorted(names[k] for k in duplicates.common_names(names)), "matches": matches}


@tk.side_effect_free
def duplicate_warning_list(context, data_dict) -> dict:
    """Art 17: recorded one-data-one-source warnings (the Authority and the Operator: all; a
    department: those about its own entries), most recent first. :param state: open |
    cleared | all :param org: the department whose entry duplicates another's
    """
    tk.check_access("duplicate_warning_list", context, data_dict)
    data = _validate(data_dict, schema.duplicate_warning_list(), context)
    user = _actor(context)
    query = (model.Session.query(DuplicateWarning)
             .join(model.Package, model.Package.id == DuplicateWarning.package_id)
             .filter(model.Package.state == "active"))
    if not (who.oversees(user) or who.is_sysadmin(user)):
        query = query.filter(DuplicateWarning.provider_org_id.in_(list(roles.memberships(user)) or [""]))
    if data["state"] != "all":
        query = query.filter(DuplicateWarning.state == data["state"])
    query = _filter_org(query, DuplicateWarning.provider_org_id, data.get("org"))
    count = query.count()
    rows = _page(query, data, DuplicateWarning.last_detected.desc(), DuplicateWarning.id)
    names = Names([r.detected_by for r in rows], [o for r in rows for o in (r.provider_org_id, r.other_org_id)])
    pkgs = dictize.packages([p for r in rows for p in (r.package_id, r.other_package_id)])
    return {"count": count, "results": [dictize.duplicate_warning(r, names, pkgs) for r in rows],
            "threshold": options.duplicate_threshold()}


# ---------------------------------------------------------------- Art 33: violations

def _violation_dicts(rows: list[Violation]) -> list[dict]:
    names = Names([r.actor_id for r in rows] + [r.reviewed_by for r in rows], [r.provider_org_id for r in rows])
    pkgs = dictize.packages([r.package_id for r in rows])
    rids = {r.resource_id for r in rows if r.resource_id}
    resources = dict(model.Session.query(model.Resource.id, model.Resource.name).filter(
        model.Resource.id.in_(rids))) if rids else {}
    return [dictize.violation(r, names, pkgs, resources) for r in rows]


@tk.side_effect_free
def violation_list(context, data_dict) -> dict:
    """Art 33.1: data services stopped without the Authority's permission, for the Authority
    (a county authority: its county), newest first. :param state: open | confirmed |
    dismissed :param kind: :param org: the provider
    """
    tk.check_access("violation_list", context, data_dict)
    data = _validate(data_dict, schema.violation_list(), context)
    user = _actor(context)
    query = model.Session.query(Violation)
    if not (roles.is_authority(user) or who.is_sysadmin(user)):
        query = query.filter(Violation.provider_org_id.in_(list(roles.county_jurisdiction(user)) or [""]))
    if data.get("state"):
        query = query.filter(Violation.state == data["state"])
    if data.get("kind"):
        query = query.filter(Violation.kind == data["kind"])
    query = _filter_org(query, Violation.provider_org_id, data.get("org"))
    count = query.count()
    rows = _page(query, data, Violation.created.desc(), Violation.id)
    return {"count": count, "results": _violation_dicts(rows)}


def violation_review(context, data_dict) -> dict:
    """Art 33: the Authority confirms a flagged stop as a violation (责令改正) or dismisses it
    (e.g. a suspension justified under Art 31), with notes. :param id: :param decision:
    confirm | dismiss :param notes:
    """
    tk.check_access("violation_review", context, data_dict)
    data = _validate(data_dict, schema.violation_review(), context)
    actor = _actor(context)
    v = load(Violation, data["id"], lock=True)
    states.check("violation", "review", v.state)
    now = cal.utcnow()
    v.state = "confirmed" if data["decision"] == "confirm" else "dismissed"
    v.reviewed_by, v.reviewed_at, v.review_notes = actor.id, now, data["notes"]
    role = "authority" if roles.is_authority(actor) else "county_authority"
    events.record("violation", v, data["decision"], actor, role,
                  actor_org_id=_acting_org(actor, lz_config.authority_org()), from_state="open", to_state=v.state,
                  now=now, package_id=v.package_id, resource_id=v.resource_id,
                  share_request_id=v.share_request_id, provider_org_id=v.provider_org_id,
                  detail={"notes": v.review_notes}, notify=[roles.org_name(v.provider_org_id)])
    _commit(context)
    return _violation_dicts([v])[0]


def get_actions() -> dict[str, Any]:
    prefixes = ("catalog_offline_", "resource_offline_", "public_notice_", "upkeep_notice_",
                "account_request_", "information_system_", "duplicate_", "violation_")
    return {name: fn for name, fn in globals().items()
            if name.startswith(prefixes) and callable(fn) and not name.endswith("_dict")}
