"""The actions of error reports (校核纠错, national regulation Art 26): a department user reports
an error in a catalog entry or in delivered data; the providing department confirms and corrects
it, or disputes it with a reason, within ``ckanext.liuzhou.correction.respond_workdays`` working
days; the Authority settles a dispute (the regulation's disputes between departments are settled
by the sharing authority). Every step writes its history event and an audit row in its own
transaction, and notifies the departments concerned (the 通知 inbox and e-mail).

| action | who | Art |
|---|---|---|
| ``correction_create`` | any department user who may read what is reported | national 26 |
| ``correction_respond`` | an editor or admin of the providing department | national 26 |
| ``correction_settle`` | the Authority (a county's authority for its departments) | national 26, disputes |
| ``correction_show`` / ``correction_list`` | the departments concerned, the overseers; entry reports: the entry's readers | national 26 |
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk

from .. import authz, idempotency, items
from .. import config as lz_config
from ..calendar import store as cal
from ..validation import acting_user, commit_unless_deferred
from ..validation import validate_or_raise as _validate
from . import auth, dictize, events, schema, states
from .model import CorrectionReport

_ = tk._
UPLOAD_FOLDER = "liuzhou_correction"


def _error(field: str, message: str) -> tk.ValidationError:
    return tk.ValidationError({field: [message]})


def _is_file(value: Any) -> bool:
    from werkzeug.datastructures import FileStorage
    return isinstance(value, FileStorage) and bool(value.filename)


def _report_dict(report: CorrectionReport, full: bool = True) -> dict:
    out = dictize.report(report, dictize.names_for([report]), dictize.packages([report.package_id]),
                         dictize.resources([report.resource_id]))
    if full:
        out["events"] = dictize.timeline(events.history(report.id))
    return out


def _reporter_org(user: model.User, ref) -> str:
    if isinstance(ref, str) and ref:
        oid = authz.org_id(ref)
        if oid is None or not authz.is_member(oid, user):
            raise _error("reporter_org", _("You can only report for a department you belong to"))
        return oid
    oid = authz.actor_org(user)
    if oid is None:
        raise _error("reporter_org", _("Name the department you report for"))
    return oid


def _check_data_report(context: dict, user: model.User, pkg: model.Package, data: dict) -> model.Resource:
    """A report on delivered data names a resource of the entry the user may read, and which
    rows or columns (the columns: information items of the entry)."""
    rid = data.get("resource_id")
    resource = model.Resource.get(rid) if rid else None
    if resource is None or resource.package_id != pkg.id or resource.state != "active":
        raise _error("resource_id", _("Choose a data resource of this entry"))
    try:
        tk.check_access("resource_data_read", {"user": user.name, "auth_user_obj": user},
                        {"resource_id": resource.id})
    except tk.NotAuthorized:
        raise tk.NotAuthorized(_("You can only report errors in data delivered to you"))
    known = {items.key(i) for i in items.entry_items(pkg)} | {str(i.get("name")) for i in items.entry_items(pkg)}
    unknown = [c for c in data.get("columns") or [] if c not in known]
    if unknown:
        raise _error("columns", _("Not an information item of this entry: {names}").format(names=", ".join(unknown)))
    if not (data.get("rows") or "").strip() and not data.get("columns"):
        raise _error("rows", _("Say which rows or columns are wrong"))
    return resource


def correction_create(context, data_dict) -> dict:
    """政务数据共享条例 Art 26 (校核纠错, the national regulation): a department user reports an error in a catalog
    entry (which field) or in delivered data (which resource, which rows or columns), with what
    is wrong and, optionally, evidence. Only on an entry the user may see, and on data the user
    may read; not on the user's own department's entries (its editors correct them directly).
    The providing department answers within the configured working days (day 0: today).

    :param package_id: the entry :param target: entry (default) | data
    :param field: the entry's field (entry reports) :param resource_id: (data reports)
    :param rows: which rows, in words or keys :param columns: information items (data reports)
    :param description: what is wrong :param reporter_org: the department reported for
    :param evidence_upload: a file (multipart), of the types and size the options allow
    """
    tk.check_access("correction_create", context, data_dict)
    data_dict = dict(data_dict or {})
    upload = data_dict.pop("evidence_upload", None)
    data = _validate(data_dict, schema.create(), context)
    actor = acting_user(context)
    if upload is not None and not _is_file(upload):
        raise _error("evidence_upload", _("Not a file"))
    pkg = model.Package.get(data["package_id"])
    if pkg is None or pkg.state != "active" or pkg.type != "catalog":
        raise tk.ObjectNotFound(_("Catalog entry not found"))
    if not auth.reads_entry(actor, pkg.id):
        raise tk.NotAuthorized(_("You can only report errors in entries you can see"))
    reporter_org = _reporter_org(actor, data.get("reporter_org"))
    if reporter_org == pkg.owner_org:
        raise _error("package_id", _("Your department provides this entry: correct it directly"))
    resource = None
    if data["target"] == states.DATA:
        resource = _check_data_report(context, actor, pkg, data)
    elif not data.get("field"):
        raise _error("field", _("Choose the field that is wrong"))
    key = data.get(idempotency.FIELD)
    if made := idempotency.claim(context, actor.id, "correction_create", key):
        return _report_dict(events.load(made))

    uploader = None
    stored: dict[str, Any] = {}
    if upload is not None:
        from ckan.lib.uploader import get_uploader
        uploader = get_uploader(UPLOAD_FOLDER)
        stored = {"evidence_upload": upload}
        uploader.update_data_dict(stored, "evidence", "evidence_upload", "clear_evidence")
        if not stored.get("evidence"):
            raise _error("evidence_upload", _("The platform cannot store files: ckan.storage_path is not set"))

    now = cal.utcnow()
    report = CorrectionReport(
        target=data["target"], package_id=pkg.id, resource_id=resource.id if resource else None,
        provider_org_id=pkg.owner_org, reporter_id=actor.id, reporter_org_id=reporter_org,
        field=data.get("field") if data["target"] == states.ENTRY else None,
        rows=(data.get("rows") or None) if resource else None,
        columns=list(data.get("columns") or []) if resource else [],
        description=data["description"], evidence=stored.get("evidence"),
        evidence_name=upload.filename if upload is not None else None,
        state=states.SUBMITTED, deadline=events.deadline_from(now), state_changed_at=now,
        state_changed_by=actor.id, created=now, modified=now)
    model.Session.add(report)
    model.Session.flush()
    idempotency.bind(actor.id, "correction_create", key, report.id)
    events.record(report, "create", actor, "reporter", actor_org_id=reporter_org, from_state=None,
                  to_state=states.SUBMITTED, now=now, notify=[authz.org_name(pkg.owner_org)],
                  detail={"target": report.target, "field": report.field, "resource_id": report.resource_id,
                          "rows": report.rows, "columns": report.columns or None,
                          "description": report.description, "evidence_name": report.evidence_name})
    if uploader is not None:
        try:
            uploader.upload(lz_config.correction_evidence_max_mb())  # validated and flushed: store the file
        except tk.ValidationError as e:
            model.Session.rollback()
            raise tk.ValidationError({"evidence_upload": list(e.error_dict.get("upload") or e.error_dict.values())})
    commit_unless_deferred(context)
    return _report_dict(report)


def correction_respond(context, data_dict) -> dict:
    """政务数据共享条例 Art 26 (the national regulation): the providing department answers an error report within its
    working days: ``confirm`` (it has corrected the entry or the data: say what) or
    ``dispute`` (the report is wrong: say why; the Authority then settles). An upheld report
    can only be confirmed.

    :param id: :param response: confirm | dispute
    :param correction: what was corrected (confirm) :param reason: why not (dispute)
    """
    tk.check_access("correction_respond", context, data_dict)
    data = _validate(data_dict, schema.respond(), context)
    actor = acting_user(context)
    report = events.load(data["id"], lock=True)
    now = cal.utcnow()
    acting = authz.actor_org(actor, report.provider_org_id)
    notify = [authz.org_name(report.reporter_org_id)]
    if data["response"] == "confirm":
        states.check("confirm", report.state)
        if not (data.get("correction") or "").strip():
            raise _error("correction", _("Say what was corrected"))
        was_upheld = report.state == states.UPHELD
        report.on_time = report.deadline is None or now <= report.deadline
        report.correction = data["correction"]
        report.corrected_by = actor.id
        report.corrected_at = now
        if was_upheld:
            notify.append(lz_config.authority_org())
        events.move(report, "confirm", states.CORRECTED, actor, "provider", actor_org_id=acting, now=now,
                    notify=notify, detail={"correction": report.correction, "on_time": report.on_time})
    else:
        states.check("dispute", report.state)
        if not (data.get("reason") or "").strip():
            raise _error("reason", _("Give the reason for the dispute"))
        report.dispute_reason = data["reason"]
        report.disputed_by = actor.id
        report.disputed_at = now
        events.move(report, "dispute", states.DISPUTED, actor, "provider", actor_org_id=acting, now=now,
                    notify=notify + [lz_config.authority_org()], detail={"reason": report.dispute_reason})
    commit_unless_deferred(context)
    return _report_dict(report)


def correction_settle(context, data_dict) -> dict:
    """政务数据共享条例 Art 26 (the national regulation), and its rule on disputes (settled by the
    sharing authority):
    the Authority settles a disputed report. ``upheld``: the report is right, the provider
    corrects it within the same working days again; ``dismissed``: the entry or data stand.

    :param id: :param outcome: upheld | dismissed :param settlement: the Authority's reasons
    """
    tk.check_access("correction_settle", context, data_dict)
    data = _validate(data_dict, schema.settle(), context)
    actor = acting_user(context)
    report = events.load(data["id"], lock=True)
    states.check("settle", report.state)
    now = cal.utcnow()
    report.outcome = data["outcome"]
    report.settlement = data["settlement"]
    report.settled_by = actor.id
    report.settled_at = now
    events.move(report, "settle", states.OUTCOMES[data["outcome"]], actor, "authority",
                actor_org_id=authz.actor_org(actor), now=now, history_event=f"settle_{data['outcome']}",
                notify=[authz.org_name(report.provider_org_id), authz.org_name(report.reporter_org_id)],
                detail={"outcome": report.outcome, "settlement": report.settlement})
    commit_unless_deferred(context)
    return _report_dict(report)


@tk.side_effect_free
def correction_show(context, data_dict) -> dict:
    """政务数据共享条例 Art 26 (the national regulation): an error report with its whole history (and the stored
    name of its evidence file, ``evidence``, for the download page)."""
    tk.check_access("correction_show", context, data_dict)
    data = _validate(data_dict, schema.show(), context)
    report = events.load(data["id"])
    out = _report_dict(report)
    out["evidence"] = report.evidence
    return out


def _visible(user: model.User, package_id):
    """The reports the user may see: all for the overseers; otherwise those of the user's
    departments (or its county's), and, on one entry the user may see, its entry reports."""
    if authz.is_sysadmin(user) or authz.oversees(user):
        return sa.true()
    orgs = list(set(authz.memberships(user)) | authz.county_jurisdiction(user)) or [""]
    mine = sa.or_(CorrectionReport.reporter_org_id.in_(orgs), CorrectionReport.provider_org_id.in_(orgs))
    if package_id and auth.reads_entry(user, package_id):
        return sa.or_(mine, CorrectionReport.target == states.ENTRY)
    return mine


@tk.side_effect_free
def correction_list(context, data_dict) -> dict:
    """政务数据共享条例 Art 26 (the national regulation): error reports the user may see, newest first (the overdue
    ones, for the Authority's list of overdue items and the Art 34 evaluation).

    :param package_id: one entry (its page lists its open reports to its readers)
    :param state: :param open: only open reports :param overdue: past the provider's deadline
    :param mine: reported by the user's departments :param to_answer: waiting for the user
        (the provider's editors; the Authority for disputes) :param limit: :param offset:
    :returns: ``{"count", "results"}``
    """
    tk.check_access("correction_list", context, data_dict)
    data = _validate(data_dict, schema.list_(), context)
    user = acting_user(context)
    now = cal.utcnow()
    package_id = None
    if data.get("package_id"):
        pkg = model.Package.get(data["package_id"])
        package_id = pkg.id if pkg is not None else data["package_id"]
    query = model.Session.query(CorrectionReport).filter(_visible(user, package_id))
    if package_id:
        query = query.filter(CorrectionReport.package_id == package_id)
    if data.get("state"):
        query = query.filter(CorrectionReport.state == data["state"])
    if data["open"]:
        query = query.filter(CorrectionReport.state.in_(list(states.OPEN)))
    if data["overdue"]:
        query = query.filter(CorrectionReport.state.in_(list(states.CLOCKED)), CorrectionReport.deadline < now)
    if data["mine"]:
        query = query.filter(CorrectionReport.reporter_org_id.in_(list(authz.memberships(user)) or [""]))
    if data["to_answer"]:
        editing = list(authz.orgs_with(user, "admin", "editor")) or [""]
        waiting = sa.and_(CorrectionReport.state.in_(list(states.CLOCKED)),
                          CorrectionReport.provider_org_id.in_(editing))
        if authz.authority_admin(user) or authz.is_sysadmin(user):
            waiting = sa.or_(waiting, CorrectionReport.state == states.DISPUTED)
        elif authz.county_jurisdiction(user):
            waiting = sa.or_(waiting, sa.and_(CorrectionReport.state == states.DISPUTED,
                                              CorrectionReport.provider_org_id.in_(list(authz.county_jurisdiction(user)))))
        query = query.filter(waiting)
    count = query.count()
    rows = (query.order_by(CorrectionReport.created.desc(), CorrectionReport.id)
            .limit(data["limit"]).offset(data["offset"]).all())
    names = dictize.names_for(rows)
    pkgs = dictize.packages(r.package_id for r in rows)
    res = dictize.resources(r.resource_id for r in rows)
    return {"count": count, "results": [dictize.report(r, names, pkgs, res, now) for r in rows]}


def get_actions() -> dict[str, Any]:
    return {
        "correction_create": correction_create,
        "correction_respond": correction_respond,
        "correction_settle": correction_settle,
        "correction_show": correction_show,
        "correction_list": correction_list,
    }
