"""Pages of error reports (校核纠错, national regulation Art 26; docs/correction.md): the report
form from a catalog entry, the list (to answer, reported by us, all I may see), a report's page
with its history and the forms of the steps the user may take, and its evidence.

Every page calls the actions (rules and visibility live there); a step's form is shown when the
state machine allows it and the user passes its auth function. State changes are POST only
(CKAN checks the CSRF token); a refused step shows the page again with the action's messages.
"""
from __future__ import annotations

import os
from typing import Callable

from flask import Blueprint, send_file

import ckan.plugins.toolkit as tk
from ckan.common import request

from ..web import action_context, call_or_abort
from . import states
from .states import N_
from .actions import UPLOAD_FOLDER

_ = tk._
correction = Blueprint("liuzhou_correction", __name__)
PAGE_SIZE = 25
_call = call_or_abort


def _signed_in(view: Callable) -> Callable:
    """Visitors are sent to the sign-in page, then back here."""
    def wrapped(*args, **kwargs):
        if not tk.current_user.is_authenticated:
            return tk.redirect_to(tk.h.url_for("user.login", came_from=request.full_path))
        return view(*args, **kwargs)
    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _errors(e: tk.ValidationError) -> tuple[dict, dict]:
    errors = e.error_dict if isinstance(e.error_dict, dict) else {"": [str(e)]}
    summary = {k: (v[0] if isinstance(v, list) and v else v) for k, v in errors.items()}
    return errors, summary


def _page() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


LISTS = {"answer": {"to_answer": True}, "mine": {"mine": True}, "all": {}}


@_signed_in
def index():
    """纠错: the reports waiting for the user, those the user's departments made, or all the
    user may see (every report for the Authority and the Operator)."""
    which = request.args.get("view") if request.args.get("view") in LISTS else "answer"
    state = request.args.get("state") if request.args.get("state") in states.STATES else None
    overdue = request.args.get("overdue") in ("1", "true", "on")
    page = _page()
    query = dict(LISTS[which], limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, overdue=overdue)
    if state:
        query["state"] = state
    result = _call("correction_list", query)
    return tk.render("liuzhou/correction/list.html", extra_vars={
        "which": which, "state": state, "overdue": overdue, "result": result, "page": page,
        "pages": max(1, -(-result["count"] // PAGE_SIZE)), "active_tab": "corrections"})


def _entry(package_id: str) -> dict:
    pkg = _call("package_show", {"id": package_id})
    if pkg.get("type") != "catalog":
        return tk.abort(404, _("Catalog entry not found"))
    return pkg


@_signed_in
def new(package_id: str):
    """The report form of an entry: on the entry (which field) or on delivered data (which
    resource, rows, columns), with what is wrong and evidence."""
    pkg = _entry(package_id)
    data: dict = {"target": request.args.get("target") or states.ENTRY}
    errors, summary = {}, {}
    if request.method == "POST":
        data = {k: v for k, v in request.form.items() if k not in ("_csrf_token", "columns")}
        data["columns"] = [c for c in request.form.getlist("columns") if c]
        upload = request.files.get("evidence_upload")
        if upload is not None and upload.filename:
            data["evidence_upload"] = upload
        try:
            report = tk.get_action("correction_create")(action_context(), {**data, "package_id": pkg["id"]})
        except tk.NotAuthorized as e:
            return tk.abort(403, str(e))
        except tk.ValidationError as e:
            errors, summary = _errors(e)
            data.pop("evidence_upload", None)
        else:
            tk.h.flash_success(_("Your report has been sent to the providing department."))
            return tk.redirect_to("liuzhou_correction.read", id=report["id"])
    else:
        try:
            tk.check_access("correction_create", action_context(), {})
        except tk.NotAuthorized as e:
            return tk.abort(403, str(e))
    return tk.render("liuzhou/correction/new.html", extra_vars={
        "pkg": pkg, "data": data, "errors": errors, "error_summary": summary, "active_tab": "corrections",
        "items": pkg.get("information_items") or [], "resources": pkg.get("resources") or []})


def _read_page(report: dict, errors: dict | None = None, summary: dict | None = None,
               data: dict | None = None, form: str | None = None):
    return tk.render("liuzhou/correction/read.html", extra_vars={
        "report": report, "errors": errors or {}, "error_summary": summary or {}, "data": data or {},
        "form": form, "active_tab": "corrections",
        "can_respond": report["state"] in states.TRANSITIONS["confirm"]
        and tk.h.check_access("correction_respond", {"id": report["id"]}),
        "can_dispute": report["state"] in states.TRANSITIONS["dispute"],
        "can_settle": report["state"] in states.TRANSITIONS["settle"]
        and tk.h.check_access("correction_settle", {"id": report["id"]})})


@_signed_in
def read(id: str):
    """A report: what was reported, its state and deadline, its history, and the step forms."""
    return _read_page(_call("correction_show", {"id": id}))


STEPS = {"respond": ("correction_respond", ("response", "correction", "reason"),
                     N_("Your answer has been recorded.")),
         "settle": ("correction_settle", ("outcome", "settlement"), N_("The settlement has been recorded."))}


@_signed_in
def act(id: str, step: str):
    """One step (POST): the provider's answer or the Authority's settlement."""
    if step not in STEPS:
        return tk.abort(404, _("Not found"))
    action, fields, done = STEPS[step]
    report = _call("correction_show", {"id": id})
    data = {k: request.form.get(k) for k in fields if request.form.get(k) is not None}
    try:
        tk.get_action(action)(action_context(), {**data, "id": id})
    except tk.NotAuthorized as e:
        return tk.abort(403, str(e))
    except tk.ValidationError as e:
        errors, summary = _errors(e)
        return _read_page(report, errors, summary, data, step)
    tk.h.flash_success(_(done))
    return tk.redirect_to("liuzhou_correction.read", id=id)


@_signed_in
def evidence(id: str):
    """The evidence file of a report, for those who may see the report."""
    report = _call("correction_show", {"id": id})
    from ckan.lib.uploader import get_uploader
    uploader = get_uploader(UPLOAD_FOLDER)
    path = os.path.join(uploader.storage_path or "", report.get("evidence") or "")
    if not uploader.storage_path or not report.get("evidence") or not os.path.isfile(path):
        return tk.abort(404, _("The evidence file is missing"))
    return send_file(path, as_attachment=True, download_name=report["evidence_name"] or "evidence")


correction.add_url_rule("/correction/", view_func=index, endpoint="index")
correction.add_url_rule("/correction/new/<package_id>", view_func=new, methods=["GET", "POST"])
correction.add_url_rule("/correction/<id>", view_func=read)
correction.add_url_rule("/correction/<id>/evidence", view_func=evidence)
correction.add_url_rule("/correction/<id>/<step>", view_func=act, methods=["POST"])


def get_blueprints() -> list[Blueprint]:
    return [correction]
