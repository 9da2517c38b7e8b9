"""Catalog offlining (Art 20): a department applies with the signed and stamped form, the
Operator reviews, coordinates when the entry is in use, and files every end (备案).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.model as model
import ckan.plugins.toolkit as tk

from ... import config as lz_config
from ... import idempotency
from ...calendar import store as cal
from ... import authz
from ...validation import validate_or_raise as _validate
from .. import dictize, events, offlining, schema, states, visibility
from ..model import CatalogOffline
from .common import (UPLOAD_FOLDER, acting_org, actor_of, catalog_entry, commit, error, filter_org, load,
                     notes_required, page, reindex, today)

_ = tk._


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
    actor = actor_of(context)
    key = data.get(idempotency.FIELD)
    if made := idempotency.claim(context, actor.id, "catalog_offline_apply", key):
        return _catalog_offline_dict(load(CatalogOffline, made))
    pkg = catalog_entry(data["package_id"])
    if visibility.is_offline(pkg.id):
        raise error("package_id", _("This entry is already offline"))
    if model.Session.query(CatalogOffline.id).filter(
            CatalogOffline.package_id == pkg.id, CatalogOffline.state.in_(list(states.CATALOG_OPEN))).first():
        raise error("package_id", _("An application to take this entry offline is already under review"))

    from ckan.lib.uploader import get_uploader
    uploader = get_uploader(UPLOAD_FOLDER)
    stored: dict[str, Any] = {"attachment_upload": upload}
    uploader.update_data_dict(stored, "attachment", "attachment_upload", "clear_attachment")
    if not stored.get("attachment"):
        raise error("attachment_upload", _("The platform cannot store files: ckan.storage_path is not set"))

    now = cal.utcnow()
    app = CatalogOffline(package_id=pkg.id, provider_org_id=pkg.owner_org, applicant_id=actor.id,
                         reason=data["reason"], attachment=stored["attachment"],
                         attachment_name=upload.filename, state=states.SUBMITTED,
                         state_changed_at=now, state_changed_by=actor.id, created=now, modified=now)
    model.Session.add(app)
    model.Session.flush()
    idempotency.bind(actor.id, "catalog_offline_apply", key, app.id)
    events.record("catalog_offline", app, "apply", actor, "provider", actor_org_id=pkg.owner_org,
                  to_state=states.SUBMITTED, now=now, package_id=pkg.id, provider_org_id=pkg.owner_org,
                  detail={"reason": app.reason, "attachment_name": app.attachment_name},
                  notify=[lz_config.operator_org()])
    try:
        uploader.upload(lz_config.attachment_max_mb())  # validated and flushed: now store the file
    except tk.ValidationError as e:
        model.Session.rollback()
        raise tk.ValidationError({"attachment_upload": list(e.error_dict.get("upload") or e.error_dict.values())})
    commit(context)
    return _catalog_offline_dict(app)


@tk.side_effect_free
def catalog_offline_show(context, data_dict) -> dict:
    """An application with its timeline; while it waits for review, the departments that
    request or use the entry now (Art 20.2)."""
    tk.check_access("catalog_offline_show", context, data_dict)
    data = _validate(data_dict, schema.show(), context)
    return _catalog_offline_dict(load(CatalogOffline, data["id"]))


@tk.side_effect_free
def catalog_offline_attachment_show(context, data_dict) -> dict:
    """Art 20.1: where the signed and stamped application form of an application is stored
    (its file in the ``liuzhou_offline`` upload folder) and its uploaded name; for those who
    may see the application.

    :param id: the application
    :returns: ``{"id", "attachment", "attachment_name"}``
    """
    tk.check_access("catalog_offline_attachment_show", context, data_dict)
    data = _validate(data_dict, schema.show(), context)
    app = load(CatalogOffline, data["id"])
    return {"id": app.id, "attachment": app.attachment, "attachment_name": app.attachment_name}


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
    actor = actor_of(context)
    app = load(CatalogOffline, data["id"], lock=True)
    pkg = model.Package.get(app.package_id)
    decision = data["decision"]
    now = cal.utcnow()
    operator_id = acting_org(actor, lz_config.operator_org())
    from_state = app.state
    notify = [authz.org_name(app.provider_org_id)]
    detail: dict[str, Any] = {"decision": decision, "notes": data.get("notes")}
    closed: list[str] = []

    if decision in states.CATALOG_REVIEW:
        states.check("catalog_offline", "review", app.state)
        app.reviewed_by, app.reviewed_at = actor.id, now
        if decision == "reject":
            app.review_notes = notes_required(data, _("Say why the application is rejected"))
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
        if meeting > today():
            raise error("meeting_date", _("The meeting date is in the future: record the coordination after the meeting"))
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
    commit(context)
    if app.state == states.OFFLINE:
        reindex(app.package_id)
    return _catalog_offline_dict(app)


def _catalog_offline_visible(query, user: model.User):
    if authz.oversees(user) or authz.is_sysadmin(user):
        return query
    orgs = list(authz.memberships(user)) or [""]
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
    user = actor_of(context)
    query = _catalog_offline_visible(model.Session.query(CatalogOffline), user)
    if data.get("state"):
        query = query.filter(CatalogOffline.state == data["state"])
    if data["filed"]:
        query = query.filter(CatalogOffline.filing_number.isnot(None))
    if data.get("package_id"):
        pkg = model.Package.get(data["package_id"])
        query = query.filter(CatalogOffline.package_id == (pkg.id if pkg else data["package_id"]))
    query = filter_org(query, CatalogOffline.provider_org_id, data.get("org"))
    count = query.count()
    order = (CatalogOffline.filed_at.desc(),) if data["filed"] else (CatalogOffline.created.desc(),)
    rows = page(query, data, *order, CatalogOffline.id)
    names, pkgs = dictize.catalog_offline_names(rows), dictize.packages([r.package_id for r in rows])
    return {"count": count, "results": [dictize.catalog_offline(r, names, pkgs) for r in rows]}
